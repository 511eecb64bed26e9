//! Member and parked-basket statements.

use pos_store_sql::sql::MemberSql;

pub(crate) const SQL: MemberSql = MemberSql {
    upsert: "INSERT INTO members (store_id, id, phone, data) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (store_id, id) DO UPDATE SET phone = excluded.phone, data = excluded.data",
    after: "SELECT data FROM members WHERE store_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    by_id: "SELECT data FROM members WHERE store_id = ?1 AND id = ?2",
    by_phone: "SELECT data FROM members WHERE store_id = ?1 AND phone = ?2",
    purchases: "SELECT at, total_minor, currency FROM sales
        WHERE store_id = ?1 AND member_id = ?2 AND at > ?3
        UNION ALL
        SELECT r.at, -r.total_minor AS total_minor, s.currency FROM refunds r JOIN sales s ON s.id = r.sale_id
        WHERE s.store_id = ?1 AND s.member_id = ?2 AND r.at > ?3",
    spend: "SELECT member_id, SUM(total_minor) AS n FROM sales
        WHERE store_id = ?1 AND member_id IS NOT NULL AND at >= ?2 AND at < ?3 GROUP BY member_id",
    last_visits: "SELECT member_id, MAX(at) AS at FROM sales
        WHERE store_id = ?1 AND member_id IS NOT NULL AND at < ?2 GROUP BY member_id",
    park: "INSERT INTO parked_baskets (store_id, id, terminal_id, at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    recall: "DELETE FROM parked_baskets WHERE store_id = ?1 AND id = ?2 RETURNING id, terminal_id, at, data",
    parked: "SELECT id, terminal_id, at, data FROM parked_baskets WHERE store_id = ?1 AND terminal_id = ?2
        ORDER BY at, id",
};
