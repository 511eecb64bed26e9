-- Stock documents (transfers, counts, reservations) with their state; movements record
-- reserved changes too.
ALTER TABLE stock_movements ADD COLUMN reserved_milli INTEGER NOT NULL DEFAULT 0;

CREATE TABLE stock_documents (
    store_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, kind, id)
);
