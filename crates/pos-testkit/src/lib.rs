//! # pos-testkit
//!
//! Test support, not published: an in-memory fake of every storage port ([`MemoryStore`]), a
//! scripted payment gateway ([`FakeGateway`]), fixtures for a seeded Korean store, and the
//! storage conformance suite that every adapter runs through [`conformance_tests!`].
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod conformance;
pub mod fixtures;
pub mod gateway;
pub mod inspect;
pub mod memory;
pub mod printer;

pub use gateway::{FakeGateway, Script};
pub use inspect::Inspect;
pub use memory::MemoryStore;
