-- Shifts. One open shift per terminal; the Z report is stored on close (and in the journal).
CREATE TABLE shifts (
    store_id TEXT NOT NULL,
    id UUID NOT NULL,
    terminal_id TEXT NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    data JSONB NOT NULL,
    report JSONB,
    PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX shifts_one_open_per_terminal ON shifts (store_id, terminal_id) WHERE closed_at IS NULL;
