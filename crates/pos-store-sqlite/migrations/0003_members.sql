-- Members. The phone is the lookup key at the till, unique per store; erasure sets it to NULL.
CREATE TABLE members (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    phone TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id),
    UNIQUE (store_id, phone)
);
