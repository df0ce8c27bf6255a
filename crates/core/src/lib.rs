//! Runtime of the Huawei Cloud Rust SDK.
//!
//! Service crates (`huaweicloud-sdk-dcs`, `-kafka`, `-rabbitmq`, `-codeartsartifact`) are
//! generated from `specs/` and are thin: each operation fills an input and calls this crate,
//! which checks required inputs, signs (SDK-HMAC-SHA256, byte-exact with the official SDKs),
//! sends, retries and turns failures into one [`Error`] type.
//!
//! Layout:
//! - [`sign`]: the pure signer.
//! - [`credentials`]: credentials and their providers (env, profile, ECS metadata, chain),
//!   and project-id discovery through IAM.
//! - [`region`]: region → endpoint resolution.
//! - [`client`]: the client, its builder, the [`Config`] several clients share (one
//!   transport, one credentials provider), and the request pipeline (preparation,
//!   execution, decoding, raw requests with [`RawRequest::send_json`] for typed bodies).
//! - [`pagination`]: page and item streams over paged operations.
//! - [`waiter`]: polling an operation until a resource reaches a state ([`waiter::Waiter`]).
//! - [`transport`]: the network seam (hyper by default).
//! - [`retry`]: retry policy, backoff, clock and sleeper.
//! - [`error`]: the error type and the service error parser.
//!
//! Errors that help a caller decide what to do next:
//! - A call missing required inputs fails before anything is sent, with one
//!   [`ErrorKind::InvalidRequest`] error naming all of them ([`Error::missing_fields`]:
//!   `path.instance_id`, `query.limit`, `body.storage_spec_code`). Generated builders do not
//!   check; `send()` reports.
//! - [`Error::is_retryable`] answers for the call that failed: the error knows whether its
//!   operation is idempotent ([`Error::operation_idempotent`]), so a 503 on a password reset
//!   is not retryable while a 503 on a read is. The SDK's own retries follow the same rule
//!   ([`Error::is_retryable_for`], [`RetryPolicy::is_retryable`]).
//! - A waiter that gives up says why, the last state, polls and time
//!   ([`waiter::WaitError`], [`ErrorKind::Wait`]).

mod body;
pub mod client;
mod codegen;
mod config_file;
pub mod credentials;
mod deadline;
pub mod env;
pub mod error;
mod executor;
mod json;
pub mod lenient;
mod method;
mod model;
mod options;
pub mod pagination;
pub mod region;
pub mod response;
pub mod retry;
mod service;
pub mod sign;
mod single_flight;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
pub mod waiter;

pub use body::FormFile;
pub use bytes::Bytes;
#[doc(hidden)]
pub use client::PreparedRequest;
pub use client::{Client, ClientBuilder, Config, ConfigBuilder, RawRequest, ServiceClient};
pub use credentials::{Credentials, ProvideCredentials};
pub use error::{Error, ErrorFormat, ErrorKind, Result, ServiceError};
pub use json::to_python_json;
pub use method::Method;
pub use options::RequestOptions;
pub use region::Region;
pub use response::{ByteStream, Response, Streamed};
pub use retry::{Backoff, RetryPolicy};
pub use waiter::{PollOutcome, Waiter};

/// The contract with generated service crates. Not for direct use; may change with any
/// release, which is why generated crates pin this crate's exact version.
#[doc(hidden)]
pub mod __codegen {
    pub use crate::__open_enum as open_enum;
    pub use crate::Method;
    pub use crate::client::ServiceClient;
    pub use crate::client::call::{
        BoxCall, JsonCall, send_bytes, send_empty, send_json, send_stream,
    };
    pub use crate::codegen::{
        Csv, FormFields, FormParts, FormValue, MissingFields, OperationInput, OperationSpec,
        QueryValue, RequiredFields, debug_redacted, deserialize_open_enum, header_text,
        header_value, map_output, python_bool, python_float,
    };
    pub use crate::error::ErrorFormat;
    /// Lenient scalar decoding used by generated models; see the module docs.
    pub use crate::lenient;
    pub use crate::model::{
        DecodeModel, FieldInput, FieldResult, deserialize_model, enum_field, field, lenient_field,
        list_field, model_field, skip_field,
    };
    pub use crate::service::{CredentialScope, RegionSpec, ServiceSpec};
    pub use crate::waiter::WaiterSpec;
    pub use bytes::Bytes;
    pub use serde;
    pub use serde_json;
}

/// Public because it appears in the signatures of generated clients.
pub use service::{CredentialScope, ServiceSpec};
