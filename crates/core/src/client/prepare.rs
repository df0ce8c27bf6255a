//! Request preparation: path template, headers and signature, with no I/O.

use super::Client;
use crate::codegen::{OperationInput, OperationSpec};
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::method::Method;
use crate::service::CredentialScope;
use crate::sign::{self, SignableRequest};
use crate::transport::{HeaderText, HttpRequest};

/// A signed request and what went into its signature (for tests, benchmarks and debugging).
/// `Debug` hides every header value that may be a secret and the body.
#[derive(Clone)]
pub struct PreparedRequest {
    pub request: HttpRequest,
    /// `None` when the caller supplied its own `Authorization` (and inside the client's own
    /// attempts, which do not keep it).
    pub signing: Option<sign::SigningOutput>,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.request;
        f.debug_struct("PreparedRequest")
            .field("method", &r.method)
            .field("url", &r.url)
            .field(
                "headers",
                &crate::transport::redacted_headers(&r.headers, true),
            )
            .field("body_len", &r.body.len())
            .field("signing", &self.signing)
            .finish()
    }
}

impl Client {
    /// Builds the signed request for `input` against the first endpoint, with no I/O.
    /// Part of the generated-code contract (tests, benchmarks), not of the documented API.
    #[doc(hidden)]
    pub fn prepare(
        &self,
        input: &OperationInput,
        credentials: &Credentials,
    ) -> Result<PreparedRequest> {
        input.ensure_complete()?;
        self.prepare_for(input, credentials, 0, true)
    }

    /// The signed request for `input` against endpoint number `endpoint`. Without
    /// `keep_signing`, what went into the signature is not kept (`signing` is `None`): the
    /// request's own headers are all an attempt needs.
    pub(super) fn prepare_for(
        &self,
        input: &OperationInput,
        creds: &Credentials,
        endpoint: usize,
        keep_signing: bool,
    ) -> Result<PreparedRequest> {
        let inner = &*self.inner;
        let op = input.op;
        let endpoint = inner
            .endpoints
            .get(endpoint)
            .ok_or_else(|| Error::config("no endpoint configured"))?;
        let project_id = inner.project_id.as_deref().or(creds.project_id());
        let template = input.raw.as_ref().map_or(op.path, |r| r.path.as_str());
        let path = fill_path(
            op,
            template,
            &input.path_params,
            project_id,
            creds.domain_id(),
        )?;
        let full_path = if endpoint.base_path.is_empty() {
            std::borrow::Cow::Borrowed(path.as_str())
        } else {
            std::borrow::Cow::Owned(format!("{}{}", endpoint.base_path, path))
        };

        let mut headers: Vec<(String, String)> = Vec::with_capacity(8 + input.headers.len());
        let content_type = match &input.raw {
            Some(raw) => raw.content_type.as_deref(),
            None => op.content_type,
        };
        if let Some(ct) = content_type {
            if !(inner.ignore_content_type_for_get && op.method == Method::Get) {
                headers.push(("Content-Type".into(), ct.into()));
            }
        }
        let mut user_agent = inner.user_agent.clone();
        for (k, v) in inner
            .headers
            .iter()
            .chain(&input.options.headers)
            .chain(&input.headers)
        {
            if k.eq_ignore_ascii_case("user-agent") {
                user_agent.push_str("; ");
                user_agent.push_str(v);
            } else if let Some(existing) = headers
                .iter_mut()
                .find(|(ek, _)| ek.eq_ignore_ascii_case(k))
            {
                existing.1.clone_from(v);
            } else {
                headers.push((k.clone(), v.clone()));
            }
        }
        headers.push(("User-Agent".into(), user_agent));
        // The official BasicCredentials send the project id, GlobalCredentials the domain id,
        // overwriting a header the operation declares under exactly that name (their header
        // dict is case-sensitive: `X-Project-ID` stays, and both are signed).
        let scope_header = match inner.credential_scope {
            CredentialScope::Regional => project_id.map(|p| ("X-Project-Id", p)),
            CredentialScope::Global => creds.domain_id().map(|d| ("X-Domain-Id", d)),
            CredentialScope::Unscoped | CredentialScope::Anonymous => None,
        };
        if let Some((name, value)) = scope_header {
            headers.retain(|(k, _)| k != name);
            headers.push((name.into(), value.into()));
        }
        if let Some(t) = creds.security_token() {
            headers.push(("X-Security-Token".into(), t.into()));
        }
        for (k, v) in &mut headers {
            if v.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
                return Err(Error::invalid_request(format!(
                    "{} {}: header {k} contains control characters",
                    op.service, op.name
                )));
            }
            // Values are sent as signed: trimmed.
            let trimmed = v.trim();
            if trimmed.len() != v.len() {
                *v = trimmed.to_owned();
            }
        }

        // Unsigned: the caller's own `Authorization`, or an anonymous service.
        let presigned =
            sign::is_presigned(&headers) || inner.credential_scope == CredentialScope::Anonymous;
        let (signing, query) = if presigned {
            (None, sign::canonical_query_string(&input.query))
        } else {
            // A caller's `X-Sdk-Date` is the signing time; one that is not a date would be
            // signed and rejected by the gateway (the official signer refuses it too).
            if let Some((k, v)) = headers.iter().find(|(k, v)| {
                k.eq_ignore_ascii_case(sign::HEADER_SDK_DATE) && !sign::is_sdk_date(v)
            }) {
                return Err(Error::invalid_request(format!(
                    "{} {}: header {k} `{v}` is not a signing time (YYYYMMDDTHHMMSSZ, UTC)",
                    op.service, op.name
                )));
            }
            let date = sign::format_sdk_date(inner.clock.now());
            let mut out = sign::sign(
                &SignableRequest {
                    method: op.method.as_str(),
                    path: &full_path,
                    query: &input.query,
                    headers: &headers,
                    host: &endpoint.host,
                    body: &input.body,
                },
                creds.signing_key(),
                &date,
            );
            let q = std::mem::take(&mut out.canonical_query);
            if keep_signing {
                out.apply_to(&mut headers);
                out.canonical_query.clone_from(&q);
                (Some(out), q)
            } else {
                out.apply_into(&mut headers);
                (None, q)
            }
        };
        let mut url = String::with_capacity(endpoint.prefix.len() + path.len() + query.len() + 1);
        url.push_str(&endpoint.prefix);
        url.push_str(&path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(PreparedRequest {
            request: HttpRequest {
                method: op.method.to_http(),
                url,
                headers,
                // The official SDK rewrites header values as UTF-8 only when it signs.
                header_text: if presigned {
                    HeaderText::Latin1
                } else {
                    HeaderText::Utf8
                },
                body: input.body.clone(),
            },
            signing,
        })
    }
}

/// Fills the path template: `{project_id}` / `{domain_id}` from credentials, the rest from
/// the bound parameters, each strictly percent-encoded once.
fn fill_path(
    op: &OperationSpec,
    template: &str,
    params: &[(&'static str, Option<String>)],
    project_id: Option<&str>,
    domain_id: Option<&str>,
) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(Error::invalid_request(format!(
                "{} {}: unclosed '{{' in path template",
                op.service, op.name
            )));
        };
        let name = &after[..close];
        let value = match name {
            "project_id" if !params.iter().any(|(n, _)| *n == name) => project_id.ok_or_else(|| {
                Error::invalid_request(format!(
                    "{} {} needs a project id: set HUAWEICLOUD_SDK_PROJECT_ID, project_id in the credentials profile, or ClientBuilder::project_id",
                    op.service, op.name
                ))
            })?,
            "domain_id" if !params.iter().any(|(n, _)| *n == name) => domain_id.ok_or_else(|| {
                Error::invalid_request(format!(
                    "{} {} needs a domain id: set HUAWEICLOUD_SDK_DOMAIN_ID or domain_id in the credentials profile",
                    op.service, op.name
                ))
            })?,
            _ => match params.iter().find(|(n, _)| *n == name) {
                Some((_, Some(v))) if !v.is_empty() => v.as_str(),
                _ => {
                    return Err(Error::invalid_request(format!(
                        "{} {}: missing required path parameter `{name}`",
                        op.service, op.name
                    )));
                }
            },
        };
        if value.contains('/') || value == "." || value == ".." || value.contains('{') {
            return Err(Error::invalid_request(format!(
                "{} {}: path parameter `{name}` must not contain '/' or '{{' or be '.' or '..'",
                op.service, op.name
            )));
        }
        sign::push_percent_encoded(&mut out, value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
