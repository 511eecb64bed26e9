-- The schema of the production store. Every row carries its store id and every key starts with
-- it, so tables can be distributed by store (see docs/ARCHITECTURE.md). Ids are UUIDs, times
-- TIMESTAMPTZ; amounts are BIGINT minor units of the sale's currency and quantities BIGINT
-- thousandths, the same encoding as the SQLite store; documents are JSONB. There are no
-- sequences, triggers or stored procedures. Constraint names are the ones the store tells
-- errors apart by.

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

CREATE TABLE price_lists (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);

-- A SKU's level and policy at a location: one shape with pos_inventory::StockPolicy.
CREATE TABLE stock_levels (
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    on_hand_milli BIGINT NOT NULL DEFAULT 0,
    reserved_milli BIGINT NOT NULL DEFAULT 0,
    allow_negative BOOLEAN NOT NULL DEFAULT TRUE,
    reorder_point_milli BIGINT,
    reorder_quantity_milli BIGINT,
    PRIMARY KEY (store_id, location_id, sku)
);

CREATE TABLE stock_movements (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    location_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT,
    on_hand_milli BIGINT NOT NULL,
    reserved_milli BIGINT NOT NULL,
    document TEXT,
    actor TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_by_store ON stock_movements (store_id, id);

CREATE TABLE stock_documents (
    store_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, kind, id)
);
CREATE INDEX stock_documents_by_state ON stock_documents (store_id, kind, state);

CREATE TABLE counters (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    name TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (store_id, terminal_id, name)
);

CREATE TABLE journal_heads (
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (store_id, terminal_id)
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

CREATE TABLE sales (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    cashier TEXT NOT NULL,
    journal_sequence BIGINT NOT NULL,
    document JSONB NOT NULL,
    CONSTRAINT sales_idempotency_key UNIQUE (store_id, idempotency_key),
    CONSTRAINT sales_number UNIQUE (store_id, terminal_id, number)
);
CREATE INDEX sales_by_time ON sales (store_id, at);

CREATE TABLE sale_lines (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    line_id BIGINT NOT NULL,
    sku TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    total_minor BIGINT NOT NULL
);
CREATE INDEX sale_lines_by_sale ON sale_lines (sale_id);

CREATE TABLE payments (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    state TEXT NOT NULL,
    reference TEXT,
    brand TEXT,
    last4 TEXT
);
CREATE INDEX payments_by_sale ON payments (sale_id);

-- Refunds and voids share one numbering per terminal.
CREATE TABLE refunds (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    sale_id UUID NOT NULL REFERENCES sales (id),
    at TIMESTAMPTZ NOT NULL,
    total_minor BIGINT NOT NULL,
    journal_sequence BIGINT NOT NULL,
    document JSONB NOT NULL,
    CONSTRAINT refunds_idempotency_key UNIQUE (store_id, idempotency_key),
    CONSTRAINT refunds_number UNIQUE (store_id, terminal_id, number)
);
CREATE INDEX refunds_by_time ON refunds (store_id, at);

CREATE TABLE refund_lines (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id UUID NOT NULL REFERENCES refunds (id),
    sale_id UUID NOT NULL,
    line_id BIGINT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    CONSTRAINT refund_lines_once UNIQUE (store_id, sale_id, line_id)
);
CREATE INDEX refund_lines_by_sale ON refund_lines (sale_id);

CREATE TABLE refund_payments (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    refund_id UUID NOT NULL REFERENCES refunds (id),
    sale_id UUID NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    reference TEXT
);
CREATE INDEX refund_payments_by_sale ON refund_payments (sale_id);

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
    document_id UUID NOT NULL,
    sequence BIGINT NOT NULL,
    kind TEXT NOT NULL,
    points BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

-- The phone is the lookup key at the till, unique per store; erasure sets it to NULL.
CREATE TABLE members (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    phone TEXT,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id),
    CONSTRAINT members_phone UNIQUE (store_id, phone)
);

-- A recall deletes the row, so only one till can take a basket back.
CREATE TABLE parked_baskets (
    store_id TEXT NOT NULL,
    id UUID NOT NULL,
    terminal_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE shifts (
    store_id TEXT NOT NULL,
    id UUID NOT NULL,
    terminal_id TEXT NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    data JSONB NOT NULL,
    report JSONB,
    PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX shifts_one_open_per_terminal ON shifts (store_id, terminal_id) WHERE closed_at IS NULL;

-- Personal single-use coupons; used_on is set in the transaction of the sale that used it.
CREATE TABLE coupons (
    store_id TEXT NOT NULL,
    code TEXT NOT NULL,
    member_id TEXT,
    data JSONB NOT NULL,
    used_on TEXT,
    PRIMARY KEY (store_id, code)
);
