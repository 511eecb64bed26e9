//! Payment attempt statements.

use pos_store_sql::sql::AttemptSql;

pub(crate) const SQL: AttemptSql = AttemptSql {
    begin: "INSERT INTO payment_attempts (store_id, key, document, operation, kind, amount_minor, currency,
            original, state, reference, brand, last4, note, opened_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        ON CONFLICT (store_id, key) DO NOTHING RETURNING key",
    insert: "INSERT INTO payment_attempts (store_id, key, document, operation, kind, amount_minor, currency,
            original, state, reference, brand, last4, note, opened_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    by_key:
        "SELECT key, document, operation, kind, amount_minor, currency, original, state, reference, brand,
            last4, note, opened_at, updated_at
        FROM payment_attempts WHERE store_id = $1 AND key = $2",
    update: "UPDATE payment_attempts SET state = $1, reference = $2, brand = $3, last4 = $4, note = $5,
            updated_at = $6
        WHERE store_id = $7 AND key = $8 AND state IN ($9, $10, $11) RETURNING key",
    open: "SELECT key, document, operation, kind, amount_minor, currency, original, state, reference, brand,
            last4, note, opened_at, updated_at
        FROM payment_attempts
        WHERE store_id = $1 AND state IN ('open', 'approved', 'reversing') AND updated_at < $2
        ORDER BY updated_at",
    of_document: "SELECT key, document, operation, kind, amount_minor, currency, original, state, reference,
            brand, last4, note, opened_at, updated_at
        FROM payment_attempts WHERE store_id = $1 AND document = $2 ORDER BY key",
    commit: "UPDATE payment_attempts SET state = 'committed', updated_at = $1
        WHERE store_id = $2 AND document = $3 AND state = 'approved' RETURNING key",
};
