-- The reports' summary rows are kept per terminal: every till adds to rows of its own, so
-- concurrent sales never wait on each other for them; a report sums over terminals. Rows written
-- before are kept under the terminal ''. (SQLite cannot change a primary key in place.)
CREATE TABLE report_facts_by_terminal (
    store_id TEXT NOT NULL,
    day TEXT NOT NULL,
    hour INTEGER NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    sales INTEGER NOT NULL,
    quantity_milli INTEGER NOT NULL,
    gross_minor INTEGER NOT NULL,
    tax_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    terminal_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (store_id, day, hour, dim, key, terminal_id)
);
INSERT INTO report_facts_by_terminal (store_id, day, hour, dim, key, label, sales, quantity_milli,
        gross_minor, tax_minor, discount_minor, net_minor)
    SELECT store_id, day, hour, dim, key, label, sales, quantity_milli, gross_minor, tax_minor,
        discount_minor, net_minor
    FROM report_facts;
DROP TABLE report_facts;
ALTER TABLE report_facts_by_terminal RENAME TO report_facts;
