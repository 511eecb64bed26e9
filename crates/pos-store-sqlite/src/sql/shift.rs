//! Shift statements.

use pos_store_sql::sql::ShiftSql;

pub(crate) const SQL: ShiftSql = ShiftSql {
    open: "INSERT INTO shifts (store_id, id, terminal_id, opened_at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    current: "SELECT data FROM shifts WHERE store_id = ?1 AND terminal_id = ?2 AND closed_at IS NULL",
    save: "UPDATE shifts SET data = ?1 WHERE store_id = ?2 AND id = ?3 AND closed_at IS NULL
        AND json_array_length(data, '$.cash_events') = ?4 RETURNING id",
    close: "UPDATE shifts SET closed_at = ?1, report = ?2, data = ?3
        WHERE store_id = ?4 AND id = ?5 AND closed_at IS NULL RETURNING id",
    z_report: "SELECT report AS data FROM shifts WHERE store_id = ?1 AND terminal_id = ?2
        AND closed_at IS NOT NULL AND json_extract(report, '$.report.sequence') = ?3",
};
