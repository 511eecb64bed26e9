//! Journal statements.

use pos_store_sql::sql::JournalSql;

pub(crate) const SQL: JournalSql = JournalSql {
    records: "SELECT terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash
        FROM journal WHERE store_id = ?1 AND terminal_id = ?2 ORDER BY sequence",
    records_after: "SELECT terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash
        FROM journal WHERE store_id = ?1 AND terminal_id = ?2 AND sequence > ?3 ORDER BY sequence",
    lock_head: "INSERT INTO journal_heads (store_id, terminal_id, sequence, hash) VALUES (?1, ?2, 0, ?3)
        ON CONFLICT (store_id, terminal_id) DO UPDATE SET sequence = journal_heads.sequence
        RETURNING sequence, hash",
    insert: "INSERT INTO journal
            (store_id, terminal_id, sequence, kind, document_id, recorded_at, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    move_head: "UPDATE journal_heads SET sequence = ?1, hash = ?2 WHERE store_id = ?3 AND terminal_id = ?4",
};
