-- Stock documents (transfers, counts, reservations) with their state; movements record
-- reserved changes too.
ALTER TABLE stock_movements ADD COLUMN reserved NUMERIC(20, 3) NOT NULL DEFAULT 0;

CREATE TABLE stock_documents (
    store_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, kind, id)
);
