-- Parked baskets: a recall deletes the row, so only one till can take a basket back.
CREATE TABLE parked_baskets (
    store_id TEXT NOT NULL,
    id UUID NOT NULL,
    terminal_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);
