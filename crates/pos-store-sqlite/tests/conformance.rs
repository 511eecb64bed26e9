//! The storage conformance suite against SQLite, a temporary file per test.

use std::sync::Arc;

use pos_store_sqlite::SqliteStore;

async fn make() -> Option<Arc<SqliteStore>> {
    let path = std::env::temp_dir().join(format!("pos-sqlite-{}", uuid::Uuid::now_v7())).join("pos.db");
    let store =
        SqliteStore::open(path.to_str().unwrap_or_default()).await.unwrap_or_else(|e| panic!("open: {e}"));
    Some(Arc::new(store))
}

pos_testkit::conformance_tests!(make);
