-- Every row carries its store id; keys are UUID v7 text. Money is TEXT (exact decimals, never
-- REAL); stock quantities are INTEGER thousandths so that SQL can compare them exactly.

CREATE TABLE categories (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE products (
    store_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, sku)
);

CREATE TABLE promotions (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE stock_levels (
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    on_hand_milli INTEGER NOT NULL DEFAULT 0,
    reserved_milli INTEGER NOT NULL DEFAULT 0,
    allow_negative INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, location_id, sku)
);

CREATE TABLE stock_movements (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    on_hand_milli INTEGER NOT NULL,
    document TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE sales (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    at TEXT NOT NULL,
    currency TEXT NOT NULL,
    total TEXT NOT NULL,
    cashier TEXT NOT NULL,
    journal_sequence INTEGER NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (store_id, idempotency_key),
    UNIQUE (store_id, terminal_id, number)
);

CREATE TABLE sale_lines (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id TEXT NOT NULL REFERENCES sales (id),
    line_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    quantity TEXT NOT NULL,
    discount TEXT NOT NULL,
    tax TEXT NOT NULL,
    total TEXT NOT NULL
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id TEXT NOT NULL REFERENCES sales (id),
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    state TEXT NOT NULL,
    reference TEXT,
    brand TEXT,
    last4 TEXT
);

CREATE TABLE loyalty_accounts (
    store_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (store_id, member_id)
);

CREATE TABLE loyalty_entries (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    sale_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    points INTEGER NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE journal (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    document_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (store_id, terminal_id, sequence)
);

CREATE TABLE counters (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    name TEXT NOT NULL,
    last INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    PRIMARY KEY (store_id, terminal_id, name)
);
