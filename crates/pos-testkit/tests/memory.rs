//! The conformance suite against the in-memory store: the reference the database adapters match.

use std::sync::Arc;

use pos_testkit::MemoryStore;
use pos_testkit::memory::MemoryTamper;

async fn make() -> Option<Arc<MemoryStore>> {
    Some(Arc::new(MemoryStore::new()))
}

fn tamper(store: &Arc<MemoryStore>) -> MemoryTamper {
    MemoryTamper(store.clone())
}

pos_testkit::conformance_tests!(make, tamper);
