//! Refund and void statements.

use pos_store_sql::sql::ReturnSql;

pub(crate) const SQL: ReturnSql = ReturnSql {
    by_key: "SELECT id, terminal_id, number, kind, journal_sequence, request_hash
        FROM refunds WHERE store_id = $1 AND idempotency_key = $2",
    // The sale's row lock serialises its returns.
    lock_sale:
        "SELECT currency, (SELECT COUNT(*) FROM payments WHERE payments.sale_id = sales.id) AS payments
        FROM sales WHERE store_id = $1 AND id = $2 FOR UPDATE OF sales",
    lines: "SELECT line_id FROM refund_lines WHERE sale_id = $1",
    payments: "SELECT position, amount_minor FROM refund_payments WHERE sale_id = $1",
    insert:
        "INSERT INTO refunds (id, store_id, terminal_id, number, kind, idempotency_key, request_hash, sale_id,
            at, total_minor, journal_sequence, document)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)",
    insert_line:
        "INSERT INTO refund_lines (id, store_id, refund_id, sale_id, line_id, quantity_milli, amount_minor)
        VALUES ($1, $2, $3, $4, $5, $6, $7)",
    insert_payment: "INSERT INTO refund_payments
            (id, store_id, refund_id, sale_id, position, kind, amount_minor, reference)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    between: "SELECT document::text AS document FROM refunds WHERE store_id = $1 AND at >= $2 AND at < $3 ORDER BY at",
};
