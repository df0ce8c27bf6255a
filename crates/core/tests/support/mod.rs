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
        secrets: &[],
    }))
}

pub use huaweicloud_sdk_core::test_util::{LoopbackRedirect as LocalRedirect, RecordingSleeper};

/// 2026-11-22T10:10:10Z, the date of the official vectors.
pub fn vector_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_342_210)
}

/// A temporary directory (removed on drop) with small helpers for test files.
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        Self(
            tempfile::Builder::new()
                .prefix(&format!("hwc-core-{tag}-"))
                .tempdir()
                .expect("create temp dir"),
        )
    }

    pub fn path(&self) -> &std::path::Path {
        self.0.path()
    }

    /// Writes `text` to `rel` (creating parent directories) and returns the full path.
    pub fn write(&self, rel: &str, text: &str) -> std::path::PathBuf {
        let p = self.0.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// The path as a string, for `Env` values.
    pub fn str(&self) -> String {
        self.0.path().to_str().expect("utf-8 temp path").to_owned()
    }
}

/// A fixed set of environment variables.
pub fn env(vars: &[(&str, &str)]) -> huaweicloud_sdk_core::env::Env {
    huaweicloud_sdk_core::env::Env::from_vars(vars.iter().map(|(k, v)| (*k, *v)))
}

/// The error of a result that must have failed.
pub fn expect_err<T: std::fmt::Debug>(
    r: Result<T, huaweicloud_sdk_core::Error>,
) -> huaweicloud_sdk_core::Error {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e,
    }
}
