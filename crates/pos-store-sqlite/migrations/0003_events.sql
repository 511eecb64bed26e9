-- The event outbox: every committed change, numbered per store without gaps (the head row is
-- locked until the commit), read by terminals' sync and integrations in order.

CREATE TABLE event_heads (
    store_id TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE events (
    store_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    id BLOB NOT NULL,
    type TEXT NOT NULL,
    schema INTEGER NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (store_id, sequence)
);
