//! Refund and void statements.

use pos_store_sql::sql::ReturnSql;

pub(crate) const SQL: ReturnSql = ReturnSql {
    by_key: "SELECT id, terminal_id, number, kind, journal_sequence, request_hash
        FROM refunds WHERE store_id = $1 AND idempotency_key = $2",
    // The sale's row lock serialises its returns.
    lock_sale:
        "SELECT currency, (SELECT COUNT(*) FROM payments WHERE payments.sale_id = sales.id) AS payments
        FROM sales WHERE store_id = $1 AND id = $2 FOR UPDATE OF sales",
    by_key_document:
        "SELECT id, terminal_id, number, kind, journal_sequence, request_hash, document::text AS document
        FROM refunds WHERE store_id = $1 AND idempotency_key = $2",
    lines: "SELECT l.line_id, CAST(CASE WHEN c.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS open
        FROM claimed_lines l LEFT JOIN return_claims c ON c.store_id = l.store_id AND c.id = l.claim_id
        WHERE l.sale_id = $1",
    claims: "SELECT data::text AS data FROM return_claims WHERE sale_id = $1",
    claim_by_key: "SELECT data::text AS data FROM return_claims WHERE store_id = $1 AND idempotency_key = $2",
    insert_claim: "INSERT INTO return_claims (store_id, id, sale_id, idempotency_key, request_hash, data)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
    claim_line: "INSERT INTO claimed_lines (store_id, sale_id, line_id, claim_id) VALUES ($1, $2, $3, $4)",
    close_claim: "DELETE FROM return_claims WHERE store_id = $1 AND id = $2",
    release_lines: "DELETE FROM claimed_lines WHERE store_id = $1 AND claim_id = $2",
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
