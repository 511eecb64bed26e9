-- Every row carries its store id; keys are UUID v7. Money and quantities are NUMERIC. The SQL
-- stays within what Postgres-compatible distributed engines accept (see docs/ARCHITECTURE.md).

CREATE TABLE categories (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE products (
    store_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, sku)
);

CREATE TABLE promotions (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE stock_levels (
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    on_hand NUMERIC(20, 3) NOT NULL DEFAULT 0,
    reserved NUMERIC(20, 3) NOT NULL DEFAULT 0,
    allow_negative BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (store_id, location_id, sku)
);

CREATE TABLE stock_movements (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_hand NUMERIC(20, 3) NOT NULL,
    document TEXT,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sales (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    currency TEXT NOT NULL,
    total NUMERIC(20, 4) NOT NULL,
    cashier TEXT NOT NULL,
    journal_sequence BIGINT NOT NULL,
    document JSONB NOT NULL,
    UNIQUE (store_id, idempotency_key),
    UNIQUE (store_id, terminal_id, number)
);

CREATE TABLE sale_lines (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    line_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    quantity NUMERIC(20, 3) NOT NULL,
    discount NUMERIC(20, 4) NOT NULL,
    tax NUMERIC(20, 4) NOT NULL,
    total NUMERIC(20, 4) NOT NULL
);

CREATE TABLE payments (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    kind TEXT NOT NULL,
    amount NUMERIC(20, 4) NOT NULL,
    state TEXT NOT NULL,
    reference TEXT,
    brand TEXT,
    last4 TEXT
);

CREATE TABLE loyalty_accounts (
    store_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    account JSONB NOT NULL,
    PRIMARY KEY (store_id, member_id)
);

CREATE TABLE loyalty_entries (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    sale_id UUID NOT NULL,
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    points BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

CREATE TABLE journal (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    document_id TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (store_id, terminal_id, sequence)
);

CREATE TABLE counters (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    name TEXT NOT NULL,
    last BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    PRIMARY KEY (store_id, terminal_id, name)
);
