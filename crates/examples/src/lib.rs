//! Examples live in `examples/`; run one with `cargo run -p huaweicloud-sdk-examples --example dcs_reset_password`.
