-- The server's own state: the chain's stores, staff, sessions and API tokens (secrets hashed),
-- the access log, and the responses of idempotent requests. Documents as JSON text.

CREATE TABLE store_profiles (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);

CREATE TABLE staff (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE access_log (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX access_log_by_store ON access_log (store_id, id);

CREATE TABLE idempotent_responses (
    store_id TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, key)
);
