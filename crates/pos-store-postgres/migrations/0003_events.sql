-- The event outbox: every committed change, numbered per store without gaps (the head row is
-- locked until the commit), read by terminals' sync and integrations in order; and the reports'
-- summary rows.

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
-- What a cached catalog catches up with: the pricing changes since a sequence.
CREATE INDEX events_by_type ON events (store_id, type, sequence);

-- Summary rows of the reports, kept by every sale and return commit: per store-local day
-- (YYYY-MM-DD) and hour, per dimension (hour, refunds, product, category, cashier, margin, tax,
-- tender) and key. A report sums the rows of its days; amounts are minor units, quantities
-- thousandths.
CREATE TABLE report_facts (
    store_id TEXT NOT NULL,
    day TEXT NOT NULL,
    hour BIGINT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    sales BIGINT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    gross_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    net_minor BIGINT NOT NULL,
    PRIMARY KEY (store_id, day, hour, dim, key)
);

CREATE INDEX loyalty_entries_by_member ON loyalty_entries (store_id, member_id, sequence);
CREATE INDEX loyalty_entries_by_document ON loyalty_entries (document_id);
