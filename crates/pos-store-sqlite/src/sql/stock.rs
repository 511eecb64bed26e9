//! Stock statements.

use pos_store_sql::sql::StockSql;

pub(crate) const SQL: StockSql = StockSql {
    set_policy: "INSERT INTO stock_levels
            (store_id, location_id, sku, allow_negative, reorder_point_milli, reorder_quantity_milli)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (store_id, location_id, sku) DO UPDATE SET allow_negative = excluded.allow_negative,
            reorder_point_milli = excluded.reorder_point_milli,
            reorder_quantity_milli = excluded.reorder_quantity_milli",
    level: "SELECT location_id, sku, on_hand_milli, reserved_milli, allow_negative, reorder_point_milli,
            reorder_quantity_milli
        FROM stock_levels WHERE store_id = ?1 AND location_id = ?2 AND sku = ?3",
    stock: "SELECT location_id, sku, on_hand_milli, reserved_milli, allow_negative, reorder_point_milli,
            reorder_quantity_milli
        FROM stock_levels WHERE store_id = ?1 ORDER BY location_id, sku",
    below_reorder_point: "SELECT location_id, sku, on_hand_milli, reserved_milli, allow_negative,
            reorder_point_milli, reorder_quantity_milli
        FROM stock_levels
        WHERE store_id = ?1 AND reorder_point_milli IS NOT NULL AND reorder_quantity_milli IS NOT NULL
            AND on_hand_milli - reserved_milli <= reorder_point_milli
        ORDER BY location_id, sku",
    movements: "SELECT location_id, sku, kind, reference, on_hand_milli, reserved_milli, actor, at
        FROM stock_movements WHERE store_id = ?1 ORDER BY id",
    // The write lock is the transaction's (BEGIN IMMEDIATE); the upsert creates a missing row.
    lock: "INSERT INTO stock_levels (store_id, location_id, sku) VALUES (?1, ?2, ?3)
        ON CONFLICT (store_id, location_id, sku) DO UPDATE SET sku = excluded.sku
        RETURNING location_id, sku, on_hand_milli, reserved_milli, allow_negative, reorder_point_milli,
            reorder_quantity_milli",
    put_level: "UPDATE stock_levels SET on_hand_milli = ?1, reserved_milli = ?2
        WHERE store_id = ?3 AND location_id = ?4 AND sku = ?5",
    insert_movement: "INSERT INTO stock_movements
            (id, store_id, location_id, sku, kind, reference, on_hand_milli, reserved_milli, document, actor, at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    document: "SELECT data FROM stock_documents WHERE store_id = ?1 AND kind = ?2 AND id = ?3",
    lock_document: "SELECT data FROM stock_documents WHERE store_id = ?1 AND kind = ?2 AND id = ?3",
    documents_in_state: "SELECT data FROM stock_documents WHERE store_id = ?1 AND kind = ?2 AND state = ?3
        ORDER BY id",
    insert_document: "INSERT INTO stock_documents (store_id, kind, id, state, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    update_document: "UPDATE stock_documents SET state = ?1, data = ?2 WHERE store_id = ?3 AND kind = ?4 AND id = ?5",
    claim_request: "INSERT INTO request_keys (store_id, key) VALUES (?1, ?2)
        ON CONFLICT (store_id, key) DO NOTHING RETURNING key",
};
