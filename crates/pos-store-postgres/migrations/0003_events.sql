-- The event outbox: every committed change, numbered per store without gaps (the head row is
-- locked until the commit), read by terminals' sync and integrations in order.

CREATE TABLE event_heads (
    store_id TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE events (
    store_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    id UUID NOT NULL,
    type TEXT NOT NULL,
    schema BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    payload JSONB NOT NULL,
    PRIMARY KEY (store_id, sequence)
);
