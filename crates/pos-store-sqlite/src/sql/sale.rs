//! Sale statements.

use pos_store_sql::sql::SaleSql;

pub(crate) const SQL: SaleSql = SaleSql {
    next_number: "INSERT INTO counters (store_id, terminal_id, name, last) VALUES (?1, ?2, ?3, 1)
        ON CONFLICT (store_id, terminal_id, name) DO UPDATE SET last = counters.last + 1
        RETURNING last AS n",
    counter: "SELECT last AS n FROM counters WHERE store_id = ?1 AND terminal_id = ?2 AND name = ?3",
    by_key: "SELECT id, terminal_id, number, CAST(NULL AS TEXT) AS kind, journal_sequence, request_hash
        FROM sales WHERE store_id = ?1 AND idempotency_key = ?2",
    by_key_document:
        "SELECT id, terminal_id, number, CAST(NULL AS TEXT) AS kind, journal_sequence, request_hash,
            document AS document
        FROM sales WHERE store_id = ?1 AND idempotency_key = ?2",
    insert:
        "INSERT INTO sales (id, store_id, terminal_id, number, idempotency_key, request_hash, at, currency,
            total_minor, cashier, journal_sequence, document, member_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    insert_line: "INSERT INTO sale_lines
            (id, store_id, sale_id, line_id, sku, quantity_milli, discount_minor, tax_minor, total_minor)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    insert_payment: "INSERT INTO payments
            (id, store_id, sale_id, position, kind, amount_minor, state, reference, brand, last4)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    use_promotion: "INSERT INTO promotion_uses (store_id, promotion_id, uses) VALUES (?1, ?2, 1)
        ON CONFLICT (store_id, promotion_id) DO UPDATE SET uses = promotion_uses.uses + 1
        WHERE promotion_uses.uses < ?3
        RETURNING uses",
    add_fact: "INSERT INTO report_facts (store_id, day, hour, dim, key, label, sales, quantity_milli, gross_minor,
            tax_minor, discount_minor, net_minor)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        ON CONFLICT (store_id, day, hour, dim, key) DO UPDATE SET
            label = CASE WHEN report_facts.label = '' THEN excluded.label ELSE report_facts.label END,
            sales = report_facts.sales + excluded.sales,
            quantity_milli = report_facts.quantity_milli + excluded.quantity_milli,
            gross_minor = report_facts.gross_minor + excluded.gross_minor,
            tax_minor = report_facts.tax_minor + excluded.tax_minor,
            discount_minor = report_facts.discount_minor + excluded.discount_minor,
            net_minor = report_facts.net_minor + excluded.net_minor",
    facts: "SELECT dim, key, CASE WHEN dim = 'hour' THEN day ELSE ?2 END AS day,
            CAST(CASE WHEN dim = 'hour' THEN hour ELSE 0 END AS BIGINT) AS hour, MAX(label) AS label,
            SUM(sales) AS sales, SUM(quantity_milli) AS quantity_milli, SUM(gross_minor) AS gross_minor,
            SUM(tax_minor) AS tax_minor, SUM(discount_minor) AS discount_minor, SUM(net_minor) AS net_minor
        FROM report_facts WHERE store_id = ?1 AND day >= ?2 AND day <= ?3
        GROUP BY dim, key, CASE WHEN dim = 'hour' THEN day ELSE ?2 END, CASE WHEN dim = 'hour' THEN hour ELSE 0 END",
    by_number: "SELECT id, currency, document FROM sales WHERE store_id = ?1 AND terminal_id = ?2 AND number = ?3",
    payments: "SELECT kind, amount_minor, state, reference, brand, last4 FROM payments WHERE sale_id = ?1
        ORDER BY position",
    documents: "SELECT number, document FROM sales WHERE store_id = ?1 AND terminal_id = ?2 ORDER BY number",
    between: "SELECT document FROM sales WHERE store_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
};
