//! Runnable examples of the SDK, and the code README.md shows (`tests/readme.rs` keeps the
//! copies equal):
//!
//! - `examples/quickstart.rs`: the README's first program (lists DCS instances, resets an
//!   ACL account password and handles its errors; talks to the real service).
//! - `examples/dcs_reset_password.rs`: the same reset against an embedded mock endpoint on
//!   127.0.0.1: `cargo run -p huaweicloud-sdk-examples --example dcs_reset_password`.
//! - `examples/rabbitmq_wait_until_running.rs`: creates a RabbitMQ instance and waits until
//!   it runs, on an embedded `MockTransport` by default.
//! - `tests/testing_with_mock_transport.rs`: unit tests of code that uses the SDK.
