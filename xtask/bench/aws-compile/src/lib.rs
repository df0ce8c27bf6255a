//! Empty: this package exists only to pull in the AWS SDK crates whose build time
//! `cargo xtask bench` measures (see `Cargo.toml`).
