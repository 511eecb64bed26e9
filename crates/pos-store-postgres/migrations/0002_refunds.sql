-- Refunds by line. A sale line can be refunded once: refund_lines is unique per sale line.
ALTER TABLE payments ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

CREATE TABLE refunds (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    at TIMESTAMPTZ NOT NULL,
    total NUMERIC(20, 4) NOT NULL,
    journal_sequence BIGINT NOT NULL,
    document JSONB NOT NULL,
    UNIQUE (store_id, idempotency_key),
    UNIQUE (store_id, terminal_id, number)
);

CREATE TABLE refund_lines (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id UUID NOT NULL REFERENCES refunds (id),
    sale_id UUID NOT NULL,
    line_id INTEGER NOT NULL,
    amount NUMERIC(20, 4) NOT NULL,
    UNIQUE (store_id, sale_id, line_id)
);

CREATE TABLE refund_payments (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id UUID NOT NULL REFERENCES refunds (id),
    sale_id UUID NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    amount NUMERIC(20, 4) NOT NULL,
    reference TEXT
);
