-- Payment attempts, written ahead of every gateway call; return claims, which hold a return's
-- lines and money while it is paid out; promotion uses, counted in the sale's commit; and the
-- member of a sale, for tiers.

CREATE TABLE payment_attempts (
    store_id TEXT NOT NULL,
    key TEXT NOT NULL,
    document TEXT NOT NULL,
    operation TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    original TEXT,
    state TEXT NOT NULL,
    reference TEXT,
    brand TEXT,
    last4 TEXT,
    note TEXT,
    opened_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (store_id, key)
);
CREATE INDEX payment_attempts_open ON payment_attempts (store_id, state, updated_at);
CREATE INDEX payment_attempts_by_document ON payment_attempts (store_id, document);

CREATE TABLE return_claims (
    store_id TEXT NOT NULL,
    id UUID NOT NULL,
    sale_id UUID NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id),
    CONSTRAINT return_claims_key UNIQUE (store_id, idempotency_key)
);
CREATE INDEX return_claims_by_sale ON return_claims (sale_id);

-- Every line a return claimed, once per sale: what makes two returns of one line impossible.
CREATE TABLE claimed_lines (
    store_id TEXT NOT NULL,
    sale_id UUID NOT NULL,
    line_id BIGINT NOT NULL,
    claim_id UUID NOT NULL,
    PRIMARY KEY (store_id, sale_id, line_id)
);
CREATE INDEX claimed_lines_by_claim ON claimed_lines (store_id, claim_id);

-- Uses of usage-limited promotions, counted in the commit of each sale that applied one.
CREATE TABLE promotion_uses (
    store_id TEXT NOT NULL,
    promotion_id TEXT NOT NULL,
    uses BIGINT NOT NULL,
    PRIMARY KEY (store_id, promotion_id)
);

ALTER TABLE sales ADD COLUMN member_id TEXT;
CREATE INDEX sales_by_member ON sales (store_id, member_id, at);
