-- The reports' summary rows are kept per terminal: every till adds to rows of its own, so
-- concurrent sales never wait on each other for them; a report sums over terminals. Rows written
-- before are kept under the terminal ''.
ALTER TABLE report_facts ADD COLUMN terminal_id TEXT NOT NULL DEFAULT '';
ALTER TABLE report_facts DROP CONSTRAINT report_facts_pkey;
ALTER TABLE report_facts ADD PRIMARY KEY (store_id, day, hour, dim, key, terminal_id);
