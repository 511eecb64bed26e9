-- Refunds by line. A sale line can be refunded once: refund_lines is unique per sale line.
ALTER TABLE payments ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    sale_id TEXT NOT NULL REFERENCES sales (id),
    at TEXT NOT NULL,
    total TEXT NOT NULL,
    journal_sequence INTEGER NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (store_id, idempotency_key),
    UNIQUE (store_id, terminal_id, number)
);

CREATE TABLE refund_lines (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    sale_id TEXT NOT NULL,
    line_id INTEGER NOT NULL,
    amount TEXT NOT NULL,
    UNIQUE (store_id, sale_id, line_id)
);

CREATE TABLE refund_payments (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    sale_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    amount TEXT NOT NULL,
    reference TEXT
);
