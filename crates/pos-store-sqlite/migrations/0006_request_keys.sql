-- The keys of requests whose change has no document of its own (goods received, stock
-- adjusted), taken in the change's transaction: a retry after a crash finds its key and does not
-- do the change twice.

CREATE TABLE request_keys (
    store_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (store_id, key)
);
