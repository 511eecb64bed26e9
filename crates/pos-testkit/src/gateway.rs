//! The payment gateway tests use: the simulator, under the name the suite gives it.

pub use pos_gateway_sim::{Script, SimGateway as FakeGateway};
