-- Price lists by store / customer group / dates, and reorder rules per SKU and location.
CREATE TABLE price_lists (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);
ALTER TABLE stock_levels ADD COLUMN reorder_point_milli INTEGER;
ALTER TABLE stock_levels ADD COLUMN reorder_quantity_milli INTEGER;
