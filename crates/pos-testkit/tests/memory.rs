//! The conformance suite against the in-memory store: the reference the database adapters match.

use std::sync::Arc;

use pos_testkit::MemoryStore;

async fn make() -> Option<Arc<MemoryStore>> {
    Some(Arc::new(MemoryStore::new()))
}

pos_testkit::conformance_tests!(make);
