//! Shift statements.

use pos_store_sql::sql::ShiftSql;

pub(crate) const SQL: ShiftSql = ShiftSql {
    open: "INSERT INTO shifts (store_id, id, terminal_id, opened_at, data) VALUES ($1, $2, $3, $4, $5::jsonb)",
    current: "SELECT data::text AS data FROM shifts WHERE store_id = $1 AND terminal_id = $2 AND closed_at IS NULL",
    save: "UPDATE shifts SET data = $1::jsonb WHERE store_id = $2 AND id = $3 AND closed_at IS NULL
        AND jsonb_array_length(data->'cash_events') = $4 RETURNING id",
    close: "UPDATE shifts SET closed_at = $1, report = $2::jsonb, data = $3::jsonb
        WHERE store_id = $4 AND id = $5 AND closed_at IS NULL RETURNING id",
    z_report: "SELECT report::text AS data FROM shifts WHERE store_id = $1 AND terminal_id = $2
        AND closed_at IS NOT NULL AND (report->'report'->>'sequence')::bigint = $3",
};
