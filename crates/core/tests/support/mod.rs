//! Shared helpers for core's integration tests. Everything talks to 127.0.0.1 only.
#![allow(dead_code, unused_imports)]

use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::__codegen::{Method, OperationSpec, RegionSpec, ServiceSpec};

pub static TEST_SERVICE: ServiceSpec = ServiceSpec {
    name: "DCS",
    regions: &[RegionSpec {
        id: "cn-north-4",
        endpoints: &["https://dcs.cn-north-4.myhuaweicloud.com"],
    }],
};

/// A leaked operation description (tests build operations at run time).
pub fn op(
    method: Method,
    path: &str,
    content_type: Option<&str>,
    idempotent: bool,
) -> &'static OperationSpec {
    Box::leak(Box::new(OperationSpec {
        service: "DCS",
        name: "TestOperation",
        method,
        path: Box::leak(path.to_owned().into_boxed_str()),
        content_type: content_type.map(|c| &*Box::leak(c.to_owned().into_boxed_str())),
        idempotent,
    }))
}

pub use huaweicloud_sdk_core::test_util::{LoopbackRedirect as LocalRedirect, RecordingSleeper};

/// 2026-11-22T10:10:10Z, the date of the official vectors.
pub fn vector_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_342_210)
}
