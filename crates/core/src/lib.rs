//! Runtime of the Huawei Cloud Rust SDK.
//!
//! Service crates (`huaweicloud-sdk-dcs`, `-kafka`, `-rabbitmq`, `-codeartsartifact`) are
//! generated from `specs/` and are thin: each operation fills an input and calls this crate,
//! which signs (SDK-HMAC-SHA256, byte-exact with the official SDKs), sends, retries and turns
//! failures into one [`Error`] type.
//!
//! Layout:
//! - [`sign`]: the pure signer.
//! - [`credentials`]: credentials and their providers (env, profile, ECS metadata, chain),
//!   and project-id discovery through IAM.
//! - [`region`]: region → endpoint resolution.
//! - [`client`]: the client, its builder and the request pipeline (preparation, execution,
//!   decoding, raw requests).
//! - [`pagination`]: page and item streams over paged operations.
//! - [`transport`]: the network seam (reqwest by default).
//! - [`retry`]: retry policy, backoff, clock and sleeper.
//! - [`error`]: the error type and the service error parser.

mod body;
pub mod client;
mod codegen;
pub mod credentials;
pub mod env;
pub mod error;
mod json;
pub mod lenient;
mod method;
mod options;
pub mod pagination;
pub mod region;
pub mod response;
pub mod retry;
mod service;
pub mod sign;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;

pub use body::FormFile;
pub use bytes::Bytes;
#[doc(hidden)]
pub use client::PreparedRequest;
pub use client::{Client, ClientBuilder, RawRequest, ServiceClient};
pub use credentials::{Credentials, ProvideCredentials};
pub use error::{Error, ErrorKind, Result, ServiceError};
pub use json::to_python_json;
pub use method::Method;
pub use options::RequestOptions;
pub use region::Region;
pub use response::{ByteStream, Response};
pub use retry::{Backoff, RetryPolicy};

/// The contract with generated service crates. Not for direct use; may change with any
/// release, which is why generated crates pin this crate's exact version.
#[doc(hidden)]
pub mod __codegen {
    pub use crate::__open_enum as open_enum;
    pub use crate::Method;
    pub use crate::client::ServiceClient;
    pub use crate::codegen::{
        Csv, FormFields, FormParts, FormValue, OperationInput, OperationSpec, QueryValue,
        debug_redacted, deserialize_open_enum, header_text, header_value, map_output,
    };
    /// Lenient scalar decoding used by generated models; see the module docs.
    pub use crate::lenient;
    pub use crate::service::{RegionSpec, ServiceSpec};
    pub use bytes::Bytes;
    pub use serde;
    pub use serde_json;
}

/// Public because it appears in the signatures of generated clients.
pub use service::ServiceSpec;
