//! Loyalty and coupon statements.

use pos_store_sql::sql::LoyaltySql;

pub(crate) const SQL: LoyaltySql = LoyaltySql {
    account: "SELECT version, account::text AS account FROM loyalty_accounts
        WHERE store_id = $1 AND member_id = $2",
    accounts: "SELECT version, account::text AS account FROM loyalty_accounts WHERE store_id = $1 ORDER BY member_id",
    ledger: "SELECT member_id, document_id, sequence, kind, points, at FROM loyalty_entries
        WHERE store_id = $1 AND member_id = $2 ORDER BY sequence",
    insert_account:
        "INSERT INTO loyalty_accounts (store_id, member_id, version, account) VALUES ($1, $2, 1, $3::jsonb)
        ON CONFLICT DO NOTHING RETURNING version AS n",
    update_account: "UPDATE loyalty_accounts SET version = version + 1, account = $1::jsonb
        WHERE store_id = $2 AND member_id = $3 AND version = $4 RETURNING version AS n",
    insert_entry:
        "INSERT INTO loyalty_entries (id, store_id, member_id, document_id, sequence, kind, points, at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    issue_coupon: "INSERT INTO coupons (store_id, code, member_id, data) VALUES ($1, $2, $3, $4::jsonb)",
    coupon: "SELECT data::text AS data, used_on FROM coupons WHERE store_id = $1 AND code = $2",
    use_coupon: "UPDATE coupons SET used_on = $1 WHERE store_id = $2 AND code = $3 AND used_on IS NULL
        RETURNING code",
};
