//! End-to-end tests of the generated service crates live in `tests/`; this library is empty.
