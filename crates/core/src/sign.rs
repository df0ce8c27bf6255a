//! SDK-HMAC-SHA256 request signing, byte-exact with Huawei Cloud's official SDKs.
//!
//! This module is pure: request parts, a key and a date go in; the canonical request, the
//! string to sign and the headers to add come out. No clock, no I/O. The client layer
//! (`crate::client`) decides which headers exist and hands them over; the rules below mirror
//! the official Python SDK (`huaweicloudsdkcore.signer.Signer`), which also fixes what is put
//! on the wire: the query string sent is exactly the canonical query string.

use std::fmt;
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// The only algorithm implemented: `SDK-HMAC-SHA256`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Lower-case hex SHA-256 of the empty string: the payload hash of a request without a body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Payload hash used for bodies the gateway does not hash (non-JSON content types).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

pub(crate) const HEADER_SDK_DATE: &str = "X-Sdk-Date";
pub(crate) const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";

/// Every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - _ . ~`) is encoded, as
/// Python's `quote(s, safe='~')` does: space is `%20`, never `+`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` with the strict unreserved set used for path segments and query parts.
pub fn percent_encode(s: &str) -> impl fmt::Display + '_ {
    utf8_percent_encode(s, STRICT)
}

/// An AK/SK pair ready to sign. The HMAC state keyed with the SK is computed once here, so each
/// signature costs one HMAC finalisation instead of a key schedule plus one.
#[derive(Clone)]
pub struct SigningKey {
    access_key: String,
    keyed: Hmac<Sha256>,
}

impl SigningKey {
    /// Builds a key. Fails only on an empty AK or SK.
    pub fn new(access_key: &str, secret_key: &str) -> Result<Self, EmptyKeyError> {
        if access_key.is_empty() {
            return Err(EmptyKeyError("access key (AK)"));
        }
        if secret_key.is_empty() {
            return Err(EmptyKeyError("secret key (SK)"));
        }
        // HMAC accepts keys of any length; the error branch cannot occur but is not unwrapped.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
            .map_err(|_| EmptyKeyError("secret key (SK)"))?;
        Ok(Self {
            access_key: access_key.to_owned(),
            keyed,
        })
    }

    /// The access key id (not secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .finish()
    }
}

/// An AK or SK was empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {0} is empty")]
pub struct EmptyKeyError(&'static str);

/// The parts of a request that the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method; upper-cased for the canonical request.
    pub method: &'a str,
    /// The path as sent on the wire (path parameters already percent-encoded once).
    pub path: &'a str,
    /// Query pairs as strings, in any order; they are sorted here.
    pub query: &'a [(String, String)],
    /// Headers present at signing time, in order. A `Host` header is added from `host` when
    /// absent; names containing `_` are sent but not signed.
    pub headers: &'a [(String, String)],
    /// `host[:port]` of the endpoint, without a default port.
    pub host: &'a str,
    /// The exact body bytes that will be sent.
    pub body: &'a [u8],
}

/// Everything signing produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningOutput {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub signed_headers: String,
    pub authorization: String,
    /// The query string to send: identical to the canonical query string (empty for none).
    pub canonical_query: String,
    /// Headers the signer adds, in the official order: `X-Sdk-Content-Sha256` (non-JSON
    /// bodies), `X-Sdk-Date` (when absent), `Host` (when absent), `Authorization`.
    pub headers_to_add: Vec<(&'static str, String)>,
}

/// Formats a time as `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC).
pub fn format_sdk_date(time: SystemTime) -> String {
    let secs = match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs(),
        Err(_) => 0,
    };
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// True when the request already carries an `Authorization` header: the official SDKs then
/// send it as is, unsigned, and so do we.
pub fn is_presigned(headers: &[(String, String)]) -> bool {
    find_header(headers, "authorization").is_some()
}

fn find_header<'h>(headers: &'h [(String, String)], lower_name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(lower_name))
        .map(|(_, v)| v.as_str())
}

/// Signs `req` with `key`. `date` is the `X-Sdk-Date` value to use when the request has none.
pub fn sign(req: &SignableRequest<'_>, key: &SigningKey, date: &str) -> SigningOutput {
    let mut added: Vec<(&'static str, String)> = Vec::with_capacity(4);

    // Non-JSON bodies are not hashed by the gateway: mark them UNSIGNED-PAYLOAD.
    if let Some(ct) = find_header(req.headers, "content-type") {
        if !ct.is_empty()
            && !ct.starts_with("application/json")
            && !ct.starts_with("application/bson")
        {
            added.push((HEADER_CONTENT_SHA256, UNSIGNED_PAYLOAD.to_owned()));
        }
    }
    let sdk_date = match find_header(req.headers, "x-sdk-date") {
        Some(d) => d.to_owned(),
        None => {
            added.push((HEADER_SDK_DATE, date.to_owned()));
            date.to_owned()
        }
    };
    if find_header(req.headers, "host").is_none() {
        added.push(("Host", req.host.to_owned()));
    }

    // Canonical headers: lower-case names sorted (duplicates kept, as the official SDK does),
    // each with the trimmed value of the last header of that name.
    let all = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(added.iter().map(|(k, v)| (*k, v.as_str())));
    let mut lowered: Vec<(String, &str)> = all
        .clone()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim()))
        .collect();
    let mut signed: Vec<String> = all
        .filter(|(k, _)| !k.contains('_'))
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    signed.sort_unstable();
    // Last value wins for a repeated name.
    lowered.reverse();
    let signed_headers = signed.join(";");

    let payload_hash = if req.body.is_empty() {
        EMPTY_PAYLOAD_SHA256.to_owned()
    } else {
        match find_header(req.headers, "x-sdk-content-sha256")
            .or_else(|| {
                added
                    .iter()
                    .find(|(k, _)| *k == HEADER_CONTENT_SHA256)
                    .map(|(_, v)| v.as_str())
            })
            .filter(|v| !v.is_empty())
        {
            Some(v) => v.to_owned(),
            None => hex::encode(Sha256::digest(req.body)),
        }
    };

    let canonical_query = canonical_query_string(req.query);
    let mut canonical_request = String::with_capacity(256 + req.path.len());
    canonical_request.push_str(&req.method.to_ascii_uppercase());
    canonical_request.push('\n');
    push_canonical_uri(&mut canonical_request, req.path);
    canonical_request.push('\n');
    canonical_request.push_str(&canonical_query);
    canonical_request.push('\n');
    for name in &signed {
        let value = lowered
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
            .unwrap_or_default();
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&payload_hash);

    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = key.keyed.clone();
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization = format!(
        "{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={signature}",
        key.access_key
    );
    added.push(("Authorization", authorization.clone()));

    SigningOutput {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization,
        canonical_query,
        headers_to_add: added,
    }
}

/// Canonical URI: the path is percent-decoded, split on `/`, each segment strictly encoded, and
/// a trailing `/` appended when missing. An empty path canonicalises to `/`.
fn push_canonical_uri(out: &mut String, path: &str) {
    use fmt::Write;
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut first = true;
    for segment in decoded.split('/') {
        if !first {
            out.push('/');
        }
        first = false;
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", percent_encode(segment));
    }
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// Canonical query string: pairs sorted by raw key then raw value (byte order, which is code
/// point order, as Python sorts), then each part strictly encoded and joined with `&`.
pub fn canonical_query_string(query: &[(String, String)]) -> String {
    use fmt::Write;
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<&(String, String)> = query.iter().collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(query.len() * 16);
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let _ = write!(out, "{}={}", percent_encode(k), percent_encode(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sdk_date_formats_utc() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_763_806_210);
        assert_eq!(format_sdk_date(t), "20251122T101010Z");
        assert_eq!(format_sdk_date(SystemTime::UNIX_EPOCH), "19700101T000000Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(format_sdk_date(leap), "20000229T000000Z");
    }

    #[test]
    fn canonical_query_matches_official_vector() {
        // Go signer_test.go / Python test_signer.py::test_process_canonical_query_string.
        let q: Vec<(String, String)> = [
            ("limit", "1"),
            ("enable", "true"),
            ("test", "一 (&=?!#%.*)"),
            ("path", "/tmp/123"),
            ("multi", "1"),
            ("multi", "2"),
            ("multi", "3"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            canonical_query_string(&q),
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
    }

    #[test]
    fn empty_keys_are_rejected() {
        assert!(SigningKey::new("", "sk").is_err());
        assert!(SigningKey::new("ak", "").is_err());
        let k = SigningKey::new("AK1", "very-secret").unwrap();
        assert_eq!(
            format!("{k:?}"),
            r#"SigningKey { access_key: "AK1", secret_key: "** redacted **" }"#
        );
    }
}
