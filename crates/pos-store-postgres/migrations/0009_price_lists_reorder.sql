-- Price lists by store / customer group / dates, and reorder rules per SKU and location.
CREATE TABLE price_lists (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (store_id, id)
);
ALTER TABLE stock_levels ADD COLUMN reorder_point NUMERIC(20, 3);
ALTER TABLE stock_levels ADD COLUMN reorder_quantity NUMERIC(20, 3);
