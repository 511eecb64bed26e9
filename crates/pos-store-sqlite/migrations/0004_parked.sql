-- Parked baskets: a recall deletes the row, so only one till can take a basket back.
CREATE TABLE parked_baskets (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);
