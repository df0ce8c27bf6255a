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

/// Appends `s` strictly percent-encoded ([`percent_encode`]); a string of unreserved
/// characters only, the usual id or name, is copied as it is.
pub(crate) fn push_percent_encoded(out: &mut String, s: &str) {
    if s.bytes().all(is_unreserved) {
        out.push_str(s);
    } else {
        use fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, "{}", percent_encode(s));
    }
}

/// RFC 3986 unreserved: `A-Z a-z 0-9 - _ . ~`, the bytes [`STRICT`] leaves alone.
fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// [`is_unreserved`] as a table: paths are checked byte by byte on every request.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

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

/// Everything signing produced. `Debug` shows the signed header names, the query and the
/// string to sign (a hash of the request), never the signature or the canonical request,
/// which holds header values such as the security token.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub signed_headers: String,
    /// The query string to send: identical to the canonical query string (empty for none).
    pub canonical_query: String,
    /// Headers the signer adds, in the official order: `X-Sdk-Content-Sha256` (non-JSON
    /// bodies), `X-Sdk-Date` (when absent), `Host` (when absent), `Authorization`.
    pub headers_to_add: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningOutput")
            .field("signed_headers", &self.signed_headers)
            .field("canonical_query", &self.canonical_query)
            .field("string_to_sign", &self.string_to_sign)
            .field(
                "canonical_request",
                &format_args!("<{} bytes, not shown>", self.canonical_request.len()),
            )
            .field("signature", &crate::error::REDACTED)
            .finish_non_exhaustive()
    }
}

impl SigningOutput {
    /// Adds the headers the signer produced to `headers`, the one place a signature is
    /// applied to a request. `Host` is left out: the HTTP stack sets it from the URL, with
    /// the same value.
    pub fn apply_to(&self, headers: &mut Vec<(String, String)>) {
        headers.extend(
            self.headers_to_add
                .iter()
                .filter(|(k, _)| Self::is_sent(k))
                .map(|(k, v)| ((*k).to_owned(), v.clone())),
        );
    }

    /// [`Self::apply_to`], moving the values instead of copying them.
    pub(crate) fn apply_into(self, headers: &mut Vec<(String, String)>) {
        headers.extend(
            self.headers_to_add
                .into_iter()
                .filter(|(k, _)| Self::is_sent(k))
                .map(|(k, v)| (k.to_owned(), v)),
        );
    }

    fn is_sent(name: &str) -> bool {
        name != "Host"
    }

    /// The `Authorization` header value (the last of [`Self::headers_to_add`]).
    pub fn authorization(&self) -> &str {
        self.headers_to_add
            .iter()
            .rev()
            .find(|(k, _)| *k == "Authorization")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

/// Whether `value` is a signing time as `X-Sdk-Date` carries it: `YYYYMMDDTHHMMSSZ` (UTC)
/// with a real month, day, hour, minute and second (leap seconds allowed, as `strptime` does).
pub(crate) fn is_sdk_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(_), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(4..6),
        digits(6..8),
        digits(9..11),
        digits(11..13),
        digits(13..15),
    ) else {
        return false;
    };
    (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second <= 61
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
    // `{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}Z`, written digit by digit (no formatter on the
    // hot path). Years past 9999 keep all their digits, as `{y:04}` would.
    if !(0..=9999).contains(&y) {
        return format!(
            "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        );
    }
    let mut out = String::with_capacity(16);
    // In range, so the casts are exact.
    push_digits(&mut out, y as u64, 4);
    push_digits(&mut out, u64::from(m), 2);
    push_digits(&mut out, u64::from(d), 2);
    out.push('T');
    push_digits(&mut out, rem / 3600, 2);
    push_digits(&mut out, (rem % 3600) / 60, 2);
    push_digits(&mut out, rem % 60, 2);
    out.push('Z');
    out
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(out: &mut String, n: u64, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u64.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
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

/// Headers sorted on the stack; more spill to the heap.
const INLINE_HEADERS: usize = 16;

/// Signs `req` with `key`. `date` is the `X-Sdk-Date` value to use when the request has none.
///
/// Hot path: header names are lower-cased in place once written (no per-header allocation),
/// the signed headers are sorted on the stack, hex goes through stack buffers, and a path
/// made only of unreserved characters skips the decode/re-encode round trip.
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
    let sdk_date: &str = match find_header(req.headers, "x-sdk-date") {
        Some(d) => d,
        None => {
            added.push((HEADER_SDK_DATE, date.to_owned()));
            date
        }
    };
    if find_header(req.headers, "host").is_none() {
        added.push(("Host", req.host.to_owned()));
    }

    // Signed headers: every name without `_`, compared lower-case, in stable sorted order
    // (duplicates kept, as the official SDK does; each line shows the last value of its name).
    // On the stack for the usual handful of headers.
    let candidates = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(added.iter().map(|(k, v)| (*k, v.as_str())))
        .filter(|(k, _)| !k.as_bytes().contains(&b'_'));
    let mut inline = [("", ""); INLINE_HEADERS];
    let mut spilled = Vec::new();
    let signed: &mut [(&str, &str)] = if req.headers.len() + added.len() <= INLINE_HEADERS {
        let mut n = 0;
        for (slot, header) in inline.iter_mut().zip(candidates) {
            *slot = header;
            n += 1;
        }
        &mut inline[..n]
    } else {
        spilled.extend(candidates);
        &mut spilled
    };
    signed.sort_by(|a, b| cmp_ignore_ascii_case(a.0, b.0));

    let mut payload_hex = [0u8; 64];
    let payload_hash: &str = if req.body.is_empty() {
        EMPTY_PAYLOAD_SHA256
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
            Some(v) => v,
            None => hex_into(&Sha256::digest(req.body), &mut payload_hex),
        }
    };

    let canonical_query = canonical_query_string(req.query);
    let mut signed_headers = String::with_capacity(signed.len() * 16);
    let mut canonical_request = String::with_capacity(
        256 + req.path.len()
            + canonical_query.len()
            + req
                .headers
                .iter()
                .map(|(k, v)| k.len() + v.len() + 2)
                .sum::<usize>(),
    );
    push_upper(&mut canonical_request, req.method);
    canonical_request.push('\n');
    push_canonical_uri(&mut canonical_request, req.path);
    canonical_request.push('\n');
    canonical_request.push_str(&canonical_query);
    canonical_request.push('\n');
    let mut i = 0;
    while i < signed.len() {
        // A run of equal names (stable-sorted, so in sending order): every line of the run
        // shows the last value.
        let name = signed[i].0;
        let mut end = i + 1;
        while end < signed.len() && signed[end].0.eq_ignore_ascii_case(name) {
            end += 1;
        }
        let value = trim(signed[end - 1].1);
        for _ in i..end {
            push_lower(&mut canonical_request, name);
            canonical_request.push(':');
            canonical_request.push_str(value);
            canonical_request.push('\n');
            if !signed_headers.is_empty() {
                signed_headers.push(';');
            }
            push_lower(&mut signed_headers, name);
        }
        i = end;
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(payload_hash);

    let mut digest_hex = [0u8; 64];
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(sdk_date);
    string_to_sign.push('\n');
    string_to_sign.push_str(hex_into(
        &Sha256::digest(canonical_request.as_bytes()),
        &mut digest_hex,
    ));

    let mut mac = key.keyed.clone();
    mac.update(string_to_sign.as_bytes());
    let mut signature_hex = [0u8; 64];
    let signature = hex_into(&mac.finalize().into_bytes(), &mut signature_hex).to_owned();

    let mut authorization = String::with_capacity(
        ALGORITHM.len() + key.access_key.len() + signed_headers.len() + signature.len() + 40,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Access=");
    authorization.push_str(&key.access_key);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&signed_headers);
    authorization.push_str(", Signature=");
    authorization.push_str(&signature);
    added.push(("Authorization", authorization));

    SigningOutput {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        canonical_query,
        headers_to_add: added,
    }
}

/// Lower-case hex of `bytes` (at most 32) in `buf`.
fn hex_into<'b>(bytes: &[u8], buf: &'b mut [u8; 64]) -> &'b str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let n = bytes.len().min(32);
    for (i, b) in bytes[..n].iter().enumerate() {
        buf[2 * i] = DIGITS[usize::from(b >> 4)];
        buf[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
    }
    // Only ASCII hex digits were written.
    std::str::from_utf8(&buf[..2 * n]).unwrap_or_default()
}

fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// `s` without surrounding whitespace (`str::trim`), checking the common case of none first.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

fn push_lower(out: &mut String, s: &str) {
    let start = out.len();
    out.push_str(s);
    out[start..].make_ascii_lowercase();
}

fn push_upper(out: &mut String, s: &str) {
    let start = out.len();
    out.push_str(s);
    out[start..].make_ascii_uppercase();
}

/// Canonical URI: the path is percent-decoded, split on `/`, each segment strictly encoded, and
/// a trailing `/` appended when missing. An empty path canonicalises to `/`.
fn push_canonical_uri(out: &mut String, path: &str) {
    // Fast path: nothing to decode or encode.
    if !path.is_empty() && path.bytes().all(|b| b == b'/' || is_unreserved(b)) {
        out.push_str(path);
        if !path.ends_with('/') {
            out.push('/');
        }
        return;
    }
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut first = true;
    for segment in decoded.split('/') {
        if !first {
            out.push('/');
        }
        first = false;
        push_percent_encoded(out, segment);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// Canonical query string: pairs sorted by raw key then raw value (byte order, which is code
/// point order, as Python sorts), then each part strictly encoded and joined with `&`.
pub fn canonical_query_string(query: &[(String, String)]) -> String {
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
        push_percent_encoded(&mut out, k);
        out.push('=');
        push_percent_encoded(&mut out, v);
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
        let last = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799); // 9999-12-31
        assert_eq!(format_sdk_date(last), "99991231T235959Z");
        let past = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        assert_eq!(format_sdk_date(past), "100000101T000000Z");
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
