//! Audit statements.

use pos_store_sql::sql::AuditSql;

pub(crate) const SQL: AuditSql = AuditSql {
    head: "SELECT sequence, hash FROM journal_heads WHERE store_id = $1 AND terminal_id = $2",
    counters: "SELECT name, last AS n FROM counters WHERE store_id = $1 AND terminal_id = $2",
    sales:
        "SELECT id, number, at, currency, total_minor, cashier, journal_sequence, document::text AS document
        FROM sales WHERE store_id = $1 AND terminal_id = $2 ORDER BY number",
    sale_lines: "SELECT l.sale_id, l.line_id, l.sku, l.quantity_milli, l.discount_minor, l.tax_minor,
            l.total_minor, s.currency
        FROM sale_lines l JOIN sales s ON s.id = l.sale_id
        WHERE s.store_id = $1 AND s.terminal_id = $2 ORDER BY l.sale_id, l.line_id",
    payments: "SELECT p.sale_id, p.kind, p.amount_minor, p.state, p.reference, p.brand, p.last4,
            s.currency
        FROM payments p JOIN sales s ON s.id = p.sale_id
        WHERE s.store_id = $1 AND s.terminal_id = $2 ORDER BY p.sale_id, p.position",
    refunds: "SELECT r.id, r.number, r.kind, r.sale_id, r.at, s.currency, r.total_minor, r.journal_sequence,
            r.document::text AS document
        FROM refunds r JOIN sales s ON s.id = r.sale_id
        WHERE r.store_id = $1 AND r.terminal_id = $2 ORDER BY r.number",
    refund_lines: "SELECT l.refund_id, l.sale_id, l.line_id, l.quantity_milli, l.amount_minor, s.currency
        FROM refund_lines l JOIN refunds r ON r.id = l.refund_id JOIN sales s ON s.id = r.sale_id
        WHERE r.store_id = $1 AND r.terminal_id = $2 ORDER BY l.refund_id, l.line_id",
    refund_payments: "SELECT p.refund_id, p.position, p.kind, p.amount_minor, p.reference, s.currency
        FROM refund_payments p JOIN refunds r ON r.id = p.refund_id JOIN sales s ON s.id = r.sale_id
        WHERE r.store_id = $1 AND r.terminal_id = $2 ORDER BY p.refund_id, p.position",
    movements: "SELECT location_id, sku, kind, reference, on_hand_milli, reserved_milli, document, actor, at
        FROM stock_movements
        WHERE store_id = $1 AND substr(document, 1, length($2::text) + 1) = $2::text || '-'",
    points: "SELECT member_id, document_id, sequence, kind, points, at FROM loyalty_entries
        WHERE store_id = $1 AND document_id IN (
            SELECT id FROM sales WHERE store_id = $1 AND terminal_id = $2
            UNION ALL SELECT id FROM refunds WHERE store_id = $1 AND terminal_id = $2)",
    coupons: "SELECT code, used_on FROM coupons
        WHERE store_id = $1 AND substr(used_on, 1, length($2::text) + 1) = $2::text || '-'",
};
