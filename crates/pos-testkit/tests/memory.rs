//! The conformance suite against the in-memory store: the reference the database adapters match.

use std::sync::Arc;

use pos_testkit::MemoryStore;
use pos_testkit::memory::MemoryTamper;

async fn make() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

fn tamper(store: &Arc<MemoryStore>) -> MemoryTamper {
    MemoryTamper(store.clone())
}

pos_testkit::conformance_tests!(make, tamper);
