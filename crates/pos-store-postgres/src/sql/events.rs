//! Event outbox statements.

use pos_store_sql::sql::EventSql;

pub(crate) const SQL: EventSql = EventSql {
    next: "INSERT INTO event_heads (store_id, last) VALUES ($1, 1)
        ON CONFLICT (store_id) DO UPDATE SET last = event_heads.last + 1
        RETURNING last AS n",
    advance: "INSERT INTO event_heads (store_id, last) VALUES ($1, $2)
        ON CONFLICT (store_id) DO UPDATE SET last = event_heads.last + $2
        RETURNING last AS n",
    insert: "INSERT INTO events (store_id, sequence, id, type, schema, at, payload)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)",
    after: "SELECT sequence, id, type AS kind, schema, at, payload::text AS payload FROM events
        WHERE store_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3",
    pricing_after: "SELECT sequence, id, type AS kind, schema, at, payload::text AS payload FROM events
        WHERE store_id = $1 AND sequence > $2
            AND type IN ('product.changed', 'category.changed', 'promotion.changed', 'price_list.changed')
        ORDER BY sequence",
    last: "SELECT last AS n FROM event_heads WHERE store_id = $1",
};
