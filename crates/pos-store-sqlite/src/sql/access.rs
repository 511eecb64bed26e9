//! Statements of the server's own state.

use pos_store_sql::sql::AccessSql;

pub(crate) const SQL: AccessSql = AccessSql {
    put_store: "INSERT INTO store_profiles (id, data) VALUES (?1, ?2)
        ON CONFLICT (id) DO UPDATE SET data = excluded.data",
    stores: "SELECT data FROM store_profiles ORDER BY id",
    put_staff: "INSERT INTO staff (store_id, id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data",
    staff: "SELECT data FROM staff WHERE store_id = ?1 AND id = ?2",
    staff_list: "SELECT data FROM staff WHERE store_id = ?1 ORDER BY id",
    put_session: "INSERT INTO sessions (token_hash, store_id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data",
    session: "SELECT data FROM sessions WHERE token_hash = ?1",
    delete_session: "DELETE FROM sessions WHERE token_hash = ?1",
    put_token: "INSERT INTO api_tokens (id, store_id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (id) DO UPDATE SET data = excluded.data",
    token: "SELECT data FROM api_tokens WHERE id = ?1",
    log: "INSERT INTO access_log (id, store_id, data) VALUES (?1, ?2, ?3)",
    access_log: "SELECT data FROM access_log WHERE store_id = ?1 ORDER BY id DESC LIMIT ?2",
    log_print: "INSERT INTO prints (id, store_id, document, data) VALUES (?1, ?2, ?3, ?4)",
    prints: "SELECT data FROM prints WHERE store_id = ?1 AND document = ?2 ORDER BY id",
    response: "SELECT data FROM idempotent_responses WHERE store_id = ?1 AND key = ?2",
    put_response: "INSERT INTO idempotent_responses (store_id, key, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, key) DO NOTHING RETURNING key",
    finish_response: "UPDATE idempotent_responses SET data = ?3 WHERE store_id = ?1 AND key = ?2",
    drop_response: "DELETE FROM idempotent_responses WHERE store_id = ?1 AND key = ?2",
    put_webhook: "INSERT INTO webhooks (store_id, id, data) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, id) DO UPDATE SET data = excluded.data",
    webhook: "SELECT data FROM webhooks WHERE store_id = ?1 AND id = ?2",
    webhooks: "SELECT data FROM webhooks WHERE ?1 = '' OR store_id = ?1 ORDER BY store_id, id",
    log_delivery: "INSERT INTO webhook_deliveries (id, store_id, subscription_id, data) VALUES (?1, ?2, ?3, ?4)",
    deliveries: "SELECT data FROM webhook_deliveries WHERE store_id = ?1 AND subscription_id = ?2
        ORDER BY id DESC LIMIT ?3",
};
