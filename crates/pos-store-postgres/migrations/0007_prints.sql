-- The documents the server printed (receipts, Z reports): the first print of each is its
-- original, every later one is marked a copy.

CREATE TABLE prints (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    document TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX prints_by_document ON prints (store_id, document, id);
