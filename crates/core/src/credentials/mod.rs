//! Credentials and where they come from.
//!
//! A [`ProvideCredentials`] returns [`Credentials`] asynchronously and may refresh them, so
//! metadata-service, IAM-federated and other temporary-credential providers plug in without an
//! API change. The built-in providers follow the official SDKs: [`EnvProvider`]
//! (`HUAWEICLOUD_SDK_*`), [`ProfileProvider`] (`~/.huaweicloud/credentials`),
//! [`MetadataProvider`] (ECS/BMS agency credentials) and [`DefaultChain`] (env, then profile,
//! then metadata).

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::env::Env;
use crate::error::{Error, Result, Scrubber};
use crate::sign::SigningKey;

mod metadata;
mod project_id;
pub use metadata::{DEFAULT_METADATA_ENDPOINT, MetadataProvider, REFRESH_BEFORE_EXPIRY};
pub(crate) use project_id::Discovery;

/// The future returned by a credentials provider.
pub type CredentialsFuture<'a> = Pin<Box<dyn Future<Output = Result<Credentials>> + Send + 'a>>;

/// Something that can produce credentials, possibly asynchronously and with refresh.
///
/// Implementations cache and refresh as they see fit; the client asks before every attempt, so
/// a provider must answer quickly when it has valid credentials in hand.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns the credentials to sign the next attempt with.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;

    /// The credentials to sign the next attempt with when they are in hand without any
    /// work or waiting (static credentials), so the client skips the boxed future of
    /// [`Self::provide_credentials`]; `None`, the default, means ask that instead.
    fn credentials_now(&self) -> Option<Credentials> {
        None
    }
}

/// An AK/SK pair with optional security token, project id and domain id. Cheap to clone.
///
/// `Debug` shows the access key and never the secret key or security token.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<CredentialsInner>,
}

struct CredentialsInner {
    key: SigningKey,
    secret_key: String,
    security_token: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    expires_at: Option<SystemTime>,
    source: &'static str,
    scrubber: Scrubber,
}

impl Credentials {
    /// Static credentials. Fails when the AK or SK is empty.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Result<Self> {
        Self::build(CredentialsParts {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            source: "static credentials",
            ..CredentialsParts::default()
        })
    }

    /// What a client of an anonymous service ([`CredentialScope::Anonymous`]) works with:
    /// nothing is signed with it and no provider is asked.
    ///
    /// [`CredentialScope::Anonymous`]: crate::CredentialScope::Anonymous
    pub(crate) fn anonymous() -> Self {
        static ANONYMOUS: std::sync::OnceLock<Credentials> = std::sync::OnceLock::new();
        ANONYMOUS
            .get_or_init(|| {
                let key = SigningKey::new("anonymous", "anonymous")
                    .unwrap_or_else(|_| unreachable!("a constant non-empty key pair"));
                Credentials {
                    inner: Arc::new(CredentialsInner {
                        key,
                        secret_key: String::new(),
                        security_token: None,
                        project_id: None,
                        domain_id: None,
                        expires_at: None,
                        source: "none (anonymous service)",
                        scrubber: Scrubber::default(),
                    }),
                }
            })
            .clone()
    }

    fn build(p: CredentialsParts) -> Result<Self> {
        let key = SigningKey::new(p.access_key.trim(), p.secret_key.trim())
            .map_err(|e| Error::credentials(format!("{}: {e}", p.source)))?;
        let scrubber = Scrubber::new(
            std::iter::once(p.secret_key.trim()).chain(p.security_token.as_deref().map(str::trim)),
        );
        Ok(Self {
            inner: Arc::new(CredentialsInner {
                key,
                secret_key: p.secret_key.trim().to_owned(),
                security_token: non_empty(p.security_token),
                project_id: non_empty(p.project_id),
                domain_id: non_empty(p.domain_id),
                expires_at: p.expires_at,
                source: p.source,
                scrubber,
            }),
        })
    }

    fn modify(self, f: impl FnOnce(&mut CredentialsParts)) -> Self {
        let mut parts = CredentialsParts {
            access_key: self.access_key().to_owned(),
            secret_key: self.inner.secret_key.clone(),
            security_token: self.inner.security_token.clone(),
            project_id: self.inner.project_id.clone(),
            domain_id: self.inner.domain_id.clone(),
            expires_at: self.inner.expires_at,
            source: self.inner.source,
        };
        f(&mut parts);
        // The AK/SK were valid before and are unchanged, so this cannot fail; keep the
        // original if it somehow does rather than panic.
        Self::build(parts).unwrap_or(self)
    }

    /// Adds a security token (temporary credentials); sent and signed as `X-Security-Token`.
    pub fn with_security_token(self, token: impl Into<String>) -> Self {
        let token = token.into();
        self.modify(|p| p.security_token = Some(token))
    }
    /// Sets the project id used for `{project_id}` and `X-Project-Id`.
    pub fn with_project_id(self, project_id: impl Into<String>) -> Self {
        let id = project_id.into();
        self.modify(|p| p.project_id = Some(id))
    }
    /// Sets the domain (account) id used for `{domain_id}` and `X-Domain-Id`.
    pub fn with_domain_id(self, domain_id: impl Into<String>) -> Self {
        let id = domain_id.into();
        self.modify(|p| p.domain_id = Some(id))
    }
    /// Marks when temporary credentials expire.
    pub fn with_expiry(self, expires_at: SystemTime) -> Self {
        self.modify(|p| p.expires_at = Some(expires_at))
    }

    /// The access key id.
    pub fn access_key(&self) -> &str {
        self.inner.key.access_key()
    }
    /// The security token of temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.inner.security_token.as_deref()
    }
    /// The project id, if known.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }
    /// The domain id, if known.
    pub fn domain_id(&self) -> Option<&str> {
        self.inner.domain_id.as_deref()
    }
    /// When temporary credentials expire.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.inner.expires_at
    }
    /// Where these credentials came from ("environment", "profile file", ...).
    pub fn source(&self) -> &'static str {
        self.inner.source
    }
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.inner.key
    }
    /// Removes the secret values of these credentials from a text.
    pub(crate) fn scrubber(&self) -> &Scrubber {
        &self.inner.scrubber
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[derive(Default)]
struct CredentialsParts {
    access_key: String,
    secret_key: String,
    security_token: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    expires_at: Option<SystemTime>,
    source: &'static str,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Credentials")
            .field("access_key", &i.key.access_key())
            .field("secret_key", &"** redacted **")
            .field(
                "security_token",
                &i.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("project_id", &i.project_id)
            .field("domain_id", &i.domain_id)
            .field("expires_at", &i.expires_at)
            .field("source", &i.source)
            .finish()
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }

    fn credentials_now(&self) -> Option<Credentials> {
        Some(self.clone())
    }
}

const FEDERATION_UNSUPPORTED: &str =
    "federated (IdP + OIDC id token) credentials are not supported by this SDK yet";

/// Environment variables of the official SDKs: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
/// `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_DOMAIN_ID`.
///
/// `HUAWEICLOUD_SDK_IDP_ID` / `HUAWEICLOUD_SDK_ID_TOKEN_FILE` select federation, which is not
/// implemented: when either is set this provider fails loudly instead of ignoring them.
#[derive(Debug, Clone, Default)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }
    /// Reads the given variables instead of the process environment (for tests).
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    /// Fails when the environment asks for federation, which is not implemented.
    fn federation_check(&self) -> Result<()> {
        if self.env.get("HUAWEICLOUD_SDK_IDP_ID").is_some()
            || self.env.get("HUAWEICLOUD_SDK_ID_TOKEN_FILE").is_some()
        {
            return Err(Error::credentials(format!(
                "environment: HUAWEICLOUD_SDK_IDP_ID / HUAWEICLOUD_SDK_ID_TOKEN_FILE are set, but {FEDERATION_UNSUPPORTED}; unset them and set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
            )));
        }
        Ok(())
    }

    /// Loads credentials now.
    pub fn load(&self) -> Result<Credentials> {
        self.federation_check()?;
        let get = |k: &str| self.env.get(k);
        let (ak, sk) = (get("HUAWEICLOUD_SDK_AK"), get("HUAWEICLOUD_SDK_SK"));
        let (ak, sk) = match (ak, sk) {
            (Some(ak), Some(sk)) => (ak, sk),
            (ak, sk) => {
                let missing: Vec<&str> = [
                    ak.is_none().then_some("HUAWEICLOUD_SDK_AK"),
                    sk.is_none().then_some("HUAWEICLOUD_SDK_SK"),
                ]
                .into_iter()
                .flatten()
                .collect();
                return Err(Error::credentials(format!(
                    "environment: {} not set or empty",
                    missing.join(" and ")
                )));
            }
        };
        Credentials::build(CredentialsParts {
            access_key: ak,
            secret_key: sk,
            security_token: get("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            project_id: get("HUAWEICLOUD_SDK_PROJECT_ID"),
            domain_id: get("HUAWEICLOUD_SDK_DOMAIN_ID"),
            expires_at: None,
            source: "environment",
        })
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let r = self.load();
        Box::pin(async move { r })
    }
}

/// The INI profile of the official SDKs: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
/// `~/.huaweicloud/credentials`, section `[basic]` (regional services) with keys `ak`, `sk`,
/// `project_id`, `security_token`; `[global]` is read for `domain_id` when `[basic]` has none.
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    path: Option<PathBuf>,
}

impl ProfileProvider {
    /// Uses `$HUAWEICLOUD_SDK_CREDENTIALS_FILE` or `~/.huaweicloud/credentials`.
    pub fn new() -> Self {
        Self::default()
    }
    /// Uses the given file.
    pub fn with_path(path: impl Into<PathBuf>) -> Self {
        Self {
            env: Env::default(),
            path: Some(path.into()),
        }
    }
    /// Resolves the default path against the given variables (for tests).
    pub fn with_env(env: Env) -> Self {
        Self { env, path: None }
    }

    fn resolve_path(&self) -> Result<(PathBuf, bool)> {
        if let Some(p) = &self.path {
            return Ok((p.clone(), true));
        }
        if let Some(p) = self.env.get("HUAWEICLOUD_SDK_CREDENTIALS_FILE") {
            return Ok((PathBuf::from(p), true));
        }
        match self.env.home_dir() {
            Some(home) => Ok((home.join(".huaweicloud").join("credentials"), false)),
            None => Err(Error::credentials(
                "profile: HUAWEICLOUD_SDK_CREDENTIALS_FILE is not set and no home directory is known (HOME)",
            )),
        }
    }

    /// Loads credentials now.
    pub fn load(&self) -> Result<Credentials> {
        let (path, explicit) = self.resolve_path()?;
        let text = match crate::config_file::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let why = if e.kind() == std::io::ErrorKind::NotFound && !explicit {
                    "not found".to_owned()
                } else {
                    format!("cannot be read: {e}")
                };
                return Err(Error::credentials(format!(
                    "profile: {} {why}",
                    path.display()
                )));
            }
        };
        parse_profile(&text, &path.display().to_string())
    }
}

/// Parses a credentials profile; `origin` names the file in errors.
pub fn parse_profile(text: &str, origin: &str) -> Result<Credentials> {
    // Backslashes are literal, as in the official SDKs' INI readers (Go ini.v1, configparser).
    let options = ini::ParseOption {
        enabled_escape: false,
        ..ini::ParseOption::default()
    };
    let ini = ini::Ini::load_from_str_opt(text, options)
        .map_err(|e| Error::credentials(format!("profile {origin}: not a valid INI file: {e}")))?;
    let basic = ini
        .section(Some("basic"))
        .ok_or_else(|| Error::credentials(format!("profile {origin}: no [basic] section")))?;
    let get = |k: &str| {
        basic
            .get(k)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    if get("idp_id").is_some() || get("id_token_file").is_some() {
        return Err(Error::credentials(format!(
            "profile {origin}: [basic] sets idp_id / id_token_file, but {FEDERATION_UNSUPPORTED}; use ak and sk"
        )));
    }
    let missing: Vec<&str> = ["ak", "sk"]
        .into_iter()
        .filter(|k| get(k).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(Error::credentials(format!(
            "profile {origin}: [basic] has no value for {}",
            missing.join(" and ")
        )));
    }
    let domain_id = get("domain_id").or_else(|| {
        ini.section(Some("global"))
            .and_then(|g| g.get("domain_id"))
            .map(str::to_owned)
    });
    Credentials::build(CredentialsParts {
        access_key: get("ak").unwrap_or_default(),
        secret_key: get("sk").unwrap_or_default(),
        security_token: get("security_token"),
        project_id: get("project_id"),
        domain_id,
        expires_at: None,
        source: "profile file",
    })
}

impl ProvideCredentials for ProfileProvider {
    /// Reads the file on tokio's blocking pool, never on the async runtime's threads.
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let provider = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || provider.load())
                .await
                .unwrap_or_else(|e| {
                    Err(Error::credentials(format!(
                        "profile: reading the credentials file failed: {e}"
                    )))
                })
        })
    }
}

/// Tries providers in order; the first success wins. Credentials that do not expire are
/// cached; for expiring ones the winning provider is asked first next time (it caches and
/// refreshes them itself). Failures are reported together.
#[derive(Debug)]
pub struct ChainProvider {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    cached: Mutex<Option<Credentials>>,
    winner: Mutex<Option<usize>>,
}

impl ChainProvider {
    /// A chain of the given providers.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        Self {
            providers,
            cached: Mutex::new(None),
            winner: Mutex::new(None),
        }
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            if let Ok(guard) = self.cached.lock() {
                if let Some(c) = guard.as_ref() {
                    return Ok(c.clone());
                }
            }
            let winner = self.winner.lock().ok().and_then(|g| *g);
            if let Some(p) = winner.and_then(|i| self.providers.get(i)) {
                if let Ok(c) = p.provide_credentials().await {
                    return Ok(c);
                }
            }
            let mut failures = Vec::new();
            for (i, p) in self.providers.iter().enumerate() {
                match p.provide_credentials().await {
                    Ok(c) => {
                        if c.expires_at().is_none() {
                            if let Ok(mut guard) = self.cached.lock() {
                                *guard = Some(c.clone());
                            }
                        } else if let Ok(mut guard) = self.winner.lock() {
                            *guard = Some(i);
                        }
                        return Ok(c);
                    }
                    Err(e) => failures.push(e.to_string()),
                }
            }
            Err(Error::credentials(format!(
                "no credentials found; tried: {}",
                failures.join("; ")
            )))
        })
    }
}

/// The default chain: environment, then profile file, then the ECS/BMS metadata service.
#[derive(Debug)]
pub struct DefaultChain {
    chain: ChainProvider,
    env: EnvProvider,
}

impl DefaultChain {
    /// Env → profile → metadata, reading the process environment.
    pub fn new() -> Self {
        Self::with_env(Env::default())
    }
    /// The same chain over the given variables (for tests).
    pub fn with_env(env: Env) -> Self {
        Self::with_env_and_metadata(env, Some(MetadataProvider::new()))
    }
    /// Env → profile → `metadata` (or no metadata step for `None`): tests point it at a
    /// local stand-in, and programs that never run on ECS can leave it out.
    pub fn with_env_and_metadata(env: Env, metadata: Option<MetadataProvider>) -> Self {
        let mut providers: Vec<Arc<dyn ProvideCredentials>> = vec![
            Arc::new(EnvProvider::with_env(env.clone())),
            Arc::new(ProfileProvider::with_env(env.clone())),
        ];
        if let Some(m) = metadata {
            providers.push(Arc::new(m));
        }
        Self {
            chain: ChainProvider::new(providers),
            env: EnvProvider::with_env(env),
        }
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        // Federation settings in the environment must not be silently bypassed by a profile.
        if let Err(e) = self.env.federation_check() {
            return Box::pin(async move { Err(e) });
        }
        self.chain.provide_credentials()
    }
}
