//! Temporary credentials from the ECS/BMS metadata service (the instance's agency).
//!
//! Protocol, as in the official SDKs (Python `MetadataAccessor`, Go `metadata_accessor.go`):
//! 1. `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600`; a 200 body
//!    is the session token. 404, 405 and 503 mean the service predates tokens ("v1"): go on
//!    without one and try again at most every 24 hours.
//! 2. `GET /openstack/latest/securitykey` with `X-Metadata-Token` when there is a token;
//!    the body is `{"credential":{"access","secret","securitytoken","expires_at"}}`.
//! 3. A 401 that is not "Please configure Cloud Service Agency first" means the token went
//!    stale: get a new one (this time a fallback status is an error) and retry once.
//!
//! Credentials are cached and refreshed when less than 40 minutes are left before
//! `expires_at`. Concurrent callers share one refresh.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::{Credentials, CredentialsFuture, CredentialsParts, ProvideCredentials};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorKind, Result, Scrubber, truncate};
use crate::executor;
use crate::retry::{Clock, SystemClock};
use crate::single_flight::SingleFlight;
use crate::transport::{HttpRequest, HyperTransport, Transport};

/// The metadata service address on ECS and BMS instances.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// Credentials are refreshed when less than this is left before they expire (official: 40 min).
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(40 * 60);

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_HEADER: &str = "X-Metadata-Token";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_TTL_SECONDS: &str = "21600";
const AGENCY_MISSING: &str = "Please configure Cloud Service Agency first";
/// Without a token (v1 service), asking for one again is pointless more often than this.
const TOKEN_RECHECK: Duration = Duration::from_secs(24 * 60 * 60);
const SOURCE: &str = "ECS metadata";
const MAX_BODY: usize = 64 * 1024;

/// Temporary credentials of the ECS/BMS instance's agency, from the metadata service.
///
/// Part of [`DefaultChain`](super::DefaultChain) after the environment and the profile file.
/// Off an ECS the service does not answer, and with the short default timeouts (1 s to
/// connect, 2 s per request) the provider fails fast saying so.
///
/// One refresh at a time: callers that need credentials while it runs wait for it and share
/// its result, success or failure; callers whose credentials are due for refresh but still
/// valid keep using them meanwhile.
pub struct MetadataProvider {
    config: Config,
    shared: Arc<Shared>,
}

/// What a refresh needs to know (cloned into it, so it can outlive any one caller).
#[derive(Clone)]
struct Config {
    endpoint: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    clock: Arc<dyn Clock>,
    injected_transport: Option<Arc<dyn Transport>>,
}

/// What every clone of a refresh shares.
#[derive(Default)]
struct Shared {
    /// The credentials in use, read without waiting by every call.
    current: std::sync::RwLock<Option<Credentials>>,
    /// Token and transport, owned by the refresh in flight.
    state: tokio::sync::Mutex<State>,
    refresh: SingleFlight<(), Credentials>,
}

#[derive(Default)]
struct State {
    transport: Option<Arc<dyn Transport>>,
    token: Option<String>,
    last_token_attempt: Option<SystemTime>,
}

impl fmt::Debug for MetadataProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The metadata token and the cached credentials' secrets are never shown.
        f.debug_struct("MetadataProvider")
            .field("endpoint", &self.config.endpoint)
            .field("connect_timeout", &self.config.connect_timeout)
            .field("request_timeout", &self.config.request_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for MetadataProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl MetadataProvider {
    /// The provider for `http://169.254.169.254`.
    pub fn new() -> Self {
        Self {
            config: Config {
                endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
                connect_timeout: Duration::from_secs(1),
                request_timeout: Duration::from_secs(2),
                clock: Arc::new(SystemClock),
                injected_transport: None,
            },
            shared: Arc::default(),
        }
    }
    /// Another metadata endpoint, e.g. a local stand-in in tests (`http://127.0.0.1:port`).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.endpoint = endpoint.into().trim().trim_end_matches('/').to_owned();
        self
    }
    /// Connect timeout (default 1 s) and time limit per metadata request (default 2 s).
    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.config.connect_timeout = connect;
        self.config.request_timeout = request;
        self
    }
    /// The clock deciding when credentials are due for refresh (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }
    /// Sends metadata requests through `transport` instead of a built-in HTTP client.
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.config.injected_transport = Some(transport);
        self
    }
    /// The metadata endpoint in use.
    pub fn endpoint(&self) -> &str {
        &self.config.endpoint
    }

    /// Returns cached credentials while more than 40 minutes are left, otherwise fetches new
    /// ones (one fetch at a time, shared by every caller that needs it).
    pub async fn load(&self) -> Result<Credentials> {
        let now = self.config.clock.now();
        let current = self.current();
        // Per-request fast path: no await while the credentials are fresh.
        if let Some(c) = current.as_ref().filter(|c| !due_for_refresh(c, now)) {
            return Ok(c.clone());
        }
        let still_valid = current.filter(|c| c.expires_at().is_some_and(|at| at > now));
        if let Some(c) = &still_valid {
            // Due but valid: while another caller refreshes, keep working with these.
            if self.shared.refresh.is_running(&()) {
                return Ok(c.clone());
            }
        }
        let (config, shared) = (self.config.clone(), self.shared.clone());
        let refreshed = self
            .shared
            .refresh
            .run((), move || Box::pin(refresh(config, shared)))
            .await;
        match (refreshed, still_valid) {
            (Ok(c), _) => Ok(c),
            // Still valid for a while: keep working and try again at the next call.
            (Err(e), Some(c)) => {
                tracing::warn!(error = %e, "refreshing ECS metadata credentials failed; using the current ones until they expire");
                Ok(c)
            }
            (Err(e), None) => Err(e),
        }
    }

    fn current(&self) -> Option<Credentials> {
        self.shared
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// One refresh: fetch, then publish the new credentials to every caller.
async fn refresh(config: Config, shared: Arc<Shared>) -> Result<Credentials> {
    let mut state = shared.state.lock().await;
    let now = config.clock.now();
    // A refresh that finished while this one waited for the state may have done the work.
    if let Some(c) = shared
        .current
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .filter(|c| !due_for_refresh(c, now))
    {
        return Ok(c);
    }
    let c = config.fetch(&mut state, now).await?;
    *shared.current.write().unwrap_or_else(|e| e.into_inner()) = Some(c.clone());
    Ok(c)
}

impl Config {
    async fn fetch(&self, state: &mut State, now: SystemTime) -> Result<Credentials> {
        let transport = match &state.transport {
            Some(t) => t.clone(),
            None => {
                let t: Arc<dyn Transport> = match &self.injected_transport {
                    Some(t) => t.clone(),
                    // No proxy: the service is link-local.
                    None => Arc::new(HyperTransport::new(self.connect_timeout)?),
                };
                state.transport = Some(t.clone());
                t
            }
        };
        let recheck_due = state
            .last_token_attempt
            .is_none_or(|t| now.duration_since(t).unwrap_or(Duration::MAX) > TOKEN_RECHECK);
        if state.token.is_none() && recheck_due {
            self.update_token(&*transport, state, now, false).await?;
        }
        let (mut status, mut body) = self.get_security_key(&*transport, state).await?;
        if status == 401 && !String::from_utf8_lossy(&body).contains(AGENCY_MISSING) {
            self.update_token(&*transport, state, now, true).await?;
            (status, body) = self.get_security_key(&*transport, state).await?;
        }
        if status >= 400 {
            let text = String::from_utf8_lossy(&body);
            let hint = if text.contains(AGENCY_MISSING) {
                "; the instance has no agency: configure one for this ECS/BMS, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
            } else {
                ""
            };
            return Err(Error::credentials(format!(
                "{SOURCE}: GET {}{SECURITY_KEY_PATH} answered HTTP {status}: {}{hint}",
                self.endpoint,
                truncate(text.trim(), 512)
            )));
        }
        parse_security_key(&body)
    }

    async fn update_token(
        &self,
        transport: &dyn Transport,
        state: &mut State,
        now: SystemTime,
        fallback_is_error: bool,
    ) -> Result<()> {
        state.last_token_attempt = Some(now);
        let request = HttpRequest {
            method: http::Method::PUT,
            url: format!("{}{TOKEN_PATH}", self.endpoint),
            headers: vec![(TOKEN_TTL_HEADER.into(), TOKEN_TTL_SECONDS.into())],
            header_text: crate::transport::HeaderText::Utf8,
            body: Bytes::new(),
        };
        let (status, body) = self.call(transport, request, &Scrubber::default()).await?;
        match status {
            200 => {
                let token = String::from_utf8_lossy(&body).trim().to_owned();
                state.token = (!token.is_empty()).then_some(token);
                Ok(())
            }
            404 | 405 | 503 if !fallback_is_error => {
                tracing::debug!(status, "metadata service issues no token; using v1 access");
                state.token = None;
                Ok(())
            }
            _ => Err(Error::credentials(format!(
                "{SOURCE}: PUT {}{TOKEN_PATH} answered HTTP {status}: {}",
                self.endpoint,
                // A failed token request carries no token; its text explains the failure.
                truncate(String::from_utf8_lossy(&body).trim(), 512)
            ))),
        }
    }

    async fn get_security_key(
        &self,
        transport: &dyn Transport,
        state: &State,
    ) -> Result<(u16, Bytes)> {
        let mut headers = Vec::new();
        if let Some(t) = &state.token {
            headers.push((TOKEN_HEADER.to_owned(), t.clone()));
        }
        let request = HttpRequest {
            method: http::Method::GET,
            url: format!("{}{SECURITY_KEY_PATH}", self.endpoint),
            headers,
            header_text: crate::transport::HeaderText::Utf8,
            body: Bytes::new(),
        };
        let scrub = Scrubber::new(state.token.iter());
        self.call(transport, request, &scrub).await
    }

    /// One request through the SDK's outbound path; any status is returned to the caller.
    async fn call(
        &self,
        transport: &dyn Transport,
        request: HttpRequest,
        scrub: &Scrubber,
    ) -> Result<(u16, Bytes)> {
        let what = format!("{} {}", request.method, request.url);
        let deadline = Deadline::after(self.request_timeout);
        match executor::exchange(transport, request, deadline, MAX_BODY, scrub).await {
            Ok(x) => Ok((x.status, x.body)),
            Err(e) if matches!(e.kind(), ErrorKind::Connect | ErrorKind::Timeout) => {
                let detail = if e.kind() == ErrorKind::Timeout {
                    format!("{what} timed out after {:?}", self.request_timeout)
                } else {
                    format!("{what}: {}", message_of(&e))
                };
                Err(self.unreachable(&detail))
            }
            Err(e) => Err(Error::credentials(format!(
                "{SOURCE}: {what} failed: {}",
                message_of(&e)
            ))),
        }
    }

    fn unreachable(&self, detail: &str) -> Error {
        Error::credentials(format!(
            "{SOURCE}: no ECS metadata service at {} ({detail}); outside an ECS/BMS with an agency, set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or ak and sk in ~/.huaweicloud/credentials",
            self.endpoint
        ))
    }
}

/// An error's message without its kind prefix (`connect error: ...` → `...`).
fn message_of(e: &Error) -> String {
    let text = e.to_string();
    let prefix = format!("{}: ", e.kind());
    text.strip_prefix(&prefix)
        .map(str::to_owned)
        .unwrap_or(text)
}

impl ProvideCredentials for MetadataProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

fn due_for_refresh(c: &Credentials, now: SystemTime) -> bool {
    match c.expires_at() {
        Some(at) => at
            .duration_since(now)
            .map_or(true, |left| left < REFRESH_BEFORE_EXPIRY),
        None => true,
    }
}

/// Reads `{"credential": {...}}` with the key spellings the official SDKs accept. Errors
/// never quote the body: it holds the secret key.
fn parse_security_key(body: &[u8]) -> Result<Credentials> {
    let bad = |what: &str| Error::credentials(format!("{SOURCE}: securitykey response {what}"));
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| bad("is not valid JSON"))?;
    let cred = doc
        .get("credential")
        .or_else(|| doc.get("credentials"))
        .unwrap_or(&doc);
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| cred.get(*n).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let access = field(&["access", "accessKeyId", "access_key_id"])
        .ok_or_else(|| bad("has no credential.access"))?;
    let secret = field(&["secret", "secretAccessKey", "secret_access_key"])
        .ok_or_else(|| bad("has no credential.secret"))?;
    let token = field(&["securitytoken", "securityToken", "security_token"])
        .ok_or_else(|| bad("has no credential.securitytoken"))?;
    let expires =
        field(&["expires_at", "expiration"]).ok_or_else(|| bad("has no credential.expires_at"))?;
    let expires_at = parse_rfc3339(&expires).ok_or_else(|| {
        bad(&format!(
            "has credential.expires_at '{}', not a UTC timestamp like 2020-01-08T03:50:07.574000Z",
            truncate(&expires, 64)
        ))
    })?;
    Credentials::build(CredentialsParts {
        access_key: access,
        secret_key: secret,
        security_token: Some(token),
        expires_at: Some(expires_at),
        source: SOURCE,
        ..CredentialsParts::default()
    })
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub(crate) fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos: u64 = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, c) in frac.bytes().take(digits).enumerate() {
            if i < 9 {
                nanos = nanos * 10 + u64::from(c - b'0');
            }
        }
        for _ in digits..9 {
            nanos *= 10;
        }
        rest = &frac[digits..];
    }
    let offset_secs: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
                return None;
            }
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            let sign = if rb[0] == b'-' { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let secs = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64 - offset_secs;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, u32::try_from(nanos).ok()?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_metadata_timestamp_forms() {
        let at =
            |s| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64);
        // 2020-01-08T03:50:07Z is 1578455407 s after the epoch.
        assert_eq!(at("2020-01-08T03:50:07.574000Z"), Some(1_578_455_407_574));
        assert_eq!(at("2020-01-08T03:50:07Z"), Some(1_578_455_407_000));
        assert_eq!(at("2020-01-08T11:50:07+08:00"), Some(1_578_455_407_000));
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(at("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        for bad in [
            "",
            "2020-01-08",
            "2020-13-08T03:50:07Z",
            "2020-01-08T03:50:07",
            "2020-01-08T03:50:07.Z",
            "2020-01-08T03:50:07+0800",
            "20a0-01-08T03:50:07Z",
            "2020-01-08T03:50:07Zjunk",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
