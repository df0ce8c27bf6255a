//! Regions and endpoints.
//!
//! Lookup order, as in the official SDKs: env `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}`
//! (comma-separated endpoints) → `$HUAWEICLOUD_SDK_REGIONS_FILE` or
//! `~/.huaweicloud/regions.yaml` → the service's static table → an error listing the
//! supported region ids.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::env::Env;
use crate::error::{Error, Result};
use crate::service::ServiceSpec;

/// A region id with the endpoints that serve it (tried in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: String,
    pub endpoints: Vec<String>,
}

impl Region {
    /// A region with explicit endpoints.
    pub fn new(id: impl Into<String>, endpoints: Vec<String>) -> Self {
        Self {
            id: id.into(),
            endpoints,
        }
    }

    /// Resolves `region_id` for `service`: env, regions file, static table.
    pub fn resolve(service: &ServiceSpec, region_id: &str, env: &Env) -> Result<Self> {
        let region_id = region_id.trim();
        if region_id.is_empty() {
            return Err(Error::config("region id is empty"));
        }
        let var = format!(
            "HUAWEICLOUD_SDK_REGION_{}_{}",
            service.name.to_ascii_uppercase(),
            region_id.to_ascii_uppercase().replace('-', "_")
        );
        if let Some(v) = env.get(&var) {
            let endpoints: Vec<String> = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            if endpoints.is_empty() {
                return Err(Error::config(format!("{var} lists no endpoint")));
            }
            return Ok(Self::new(region_id, endpoints));
        }
        if let Some(region) = from_regions_file(service, region_id, env)? {
            return Ok(region);
        }
        if let Some(r) = service.regions.iter().find(|r| r.id == region_id) {
            return Ok(Self::new(
                region_id,
                r.endpoints.iter().map(|e| (*e).to_owned()).collect(),
            ));
        }
        let ids: Vec<&str> = service.regions.iter().map(|r| r.id).collect();
        Err(Error::config(format!(
            "region id '{region_id}' is not among the supported regions of service {}: [{}]; set {var} or add it to the regions file, or give an endpoint",
            service.name,
            ids.join(", ")
        )))
    }
}

/// Regions with their own IAM endpoint `https://iam.{region}.myhuaweicloud.com` (official
/// `endpoint.py` / `iam_endpoint.go`); other regions use [`DEFAULT_IAM_ENDPOINT`].
const IAM_REGIONS: [&str; 27] = [
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// The global IAM endpoint, for regions without their own.
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// The environment variable that overrides the IAM endpoint (as in the official SDKs).
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

/// The IAM endpoint used to look up the project id of `region_id`:
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the official per-region table, else the global one.
pub fn iam_endpoint(region_id: &str, env: &Env) -> String {
    if let Some(e) = env.get(IAM_ENDPOINT_ENV) {
        return e;
    }
    let region_id = region_id.trim();
    if IAM_REGIONS.contains(&region_id) {
        format!("https://iam.{region_id}.myhuaweicloud.com")
    } else {
        DEFAULT_IAM_ENDPOINT.to_owned()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionEntry {
    id: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoints: Option<Vec<String>>,
}

fn from_regions_file(service: &ServiceSpec, region_id: &str, env: &Env) -> Result<Option<Region>> {
    let (path, explicit): (PathBuf, bool) = match env.get("HUAWEICLOUD_SDK_REGIONS_FILE") {
        Some(p) => (p.into(), true),
        None => match env.home_dir() {
            Some(h) => (h.join(".huaweicloud").join("regions.yaml"), false),
            None => return Ok(None),
        },
    };
    let text = match crate::config_file::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(None),
        Err(e) => {
            return Err(Error::config(format!(
                "regions file {} cannot be read: {e}",
                path.display()
            )));
        }
    };
    parse_regions_file(&text, &path.display().to_string(), service.name, region_id)
}

/// Parses a `regions.yaml` and finds `region_id` of `service` (service names compare
/// case-insensitively). `origin` names the file in errors.
pub fn parse_regions_file(
    text: &str,
    origin: &str,
    service: &str,
    region_id: &str,
) -> Result<Option<Region>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    if let Some(why) = too_deep(text) {
        return Err(Error::config(format!(
            "regions file {origin} is not valid: {why} (expected a map of service name to a list of {{id, endpoint | endpoints}})"
        )));
    }
    let doc: BTreeMap<String, Vec<RegionEntry>> = serde_yaml_ng::from_str(text).map_err(|e| {
        Error::config(format!(
            "regions file {origin} is not valid: {e} (expected a map of service name to a list of {{id, endpoint | endpoints}})"
        ))
    })?;
    let Some((_, entries)) = doc
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(service))
    else {
        return Ok(None);
    };
    let Some(entry) = entries.iter().find(|e| e.id == region_id) else {
        return Ok(None);
    };
    let mut endpoints: Vec<String> = entry.endpoint.iter().cloned().collect();
    endpoints.extend(entry.endpoints.iter().flatten().cloned());
    endpoints.retain(|e| !e.trim().is_empty());
    if endpoints.is_empty() {
        return Err(Error::config(format!(
            "regions file {origin}: {service} region '{region_id}' has neither endpoint nor endpoints"
        )));
    }
    Ok(Some(Region::new(region_id, endpoints)))
}

/// How deeply a `regions.yaml` may nest: a real one needs 4 levels (service, list, entry,
/// endpoint list). The YAML parser itself takes seconds to reject a document nested
/// hundreds of thousands deep, so depth is checked first, in one pass.
const MAX_YAML_NESTING: usize = 32;

/// Why `text` nests too deeply to be a regions file, if it does: flow collections (`[`,
/// `{`) opened inside each other, or block nesting (indentation and `- ` markers).
fn too_deep(text: &str) -> Option<String> {
    let mut flow_depth = 0usize;
    let mut quote: Option<char> = None;
    for (n, line) in text.lines().enumerate() {
        let lead = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '-' | '\t'))
            .count();
        // Two columns of indentation or one `- ` per level.
        if lead / 2 > MAX_YAML_NESTING {
            return Some(format!(
                "line {} is nested more than {MAX_YAML_NESTING} levels deep",
                n + 1
            ));
        }
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    flow_depth += 1;
                    if flow_depth > MAX_YAML_NESTING {
                        return Some(format!(
                            "line {} is nested more than {MAX_YAML_NESTING} levels deep",
                            n + 1
                        ));
                    }
                }
                (None, ']' | '}') => flow_depth = flow_depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// A parsed endpoint: what the URL starts with and what the `Host` header says.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]` plus any base path, without a trailing `/`.
    pub(crate) prefix: String,
    /// `host[:port]`, the port only when not the scheme's default.
    pub(crate) host: String,
    /// The base path, empty or starting with `/` (no trailing `/`).
    pub(crate) base_path: String,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.prefix)
    }
}

impl Endpoint {
    /// Parses an endpoint URL; a missing scheme means `https://`.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Error::config("endpoint is empty"));
        }
        // Messages quote the endpoint; never with a user or password in it.
        let shown = without_userinfo(raw);
        if shown != raw {
            return Err(Error::config(format!(
                "endpoint '{shown}': credentials in the URL are not allowed"
            )));
        }
        let with_scheme = if raw.contains("://") {
            raw.to_owned()
        } else {
            format!("https://{raw}")
        };
        let url = url::Url::parse(&with_scheme)
            .map_err(|e| Error::config(format!("endpoint '{raw}' is not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::config(format!(
                "endpoint '{raw}': scheme must be http or https"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "endpoint '{raw}' must not have a query or fragment"
            )));
        }
        let Some(host) = url.host_str() else {
            return Err(Error::config(format!("endpoint '{raw}' has no host")));
        };
        // Url::port() is None for the scheme's default port, which is what Host must omit.
        let host = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        let base_path = url.path().trim_end_matches('/').to_owned();
        Ok(Self {
            prefix: format!("{}://{host}{base_path}", url.scheme()),
            host,
            base_path,
        })
    }

    /// `scheme://host[:port][/base]`.
    pub fn as_str(&self) -> &str {
        &self.prefix
    }
    /// The `Host` header value.
    pub fn host(&self) -> &str {
        &self.host
    }
}

/// `scheme://user:pass@host/...` → `scheme://***@host/...`.
fn without_userinfo(raw: &str) -> String {
    let (scheme, rest) = match raw.find("://") {
        Some(i) => (&raw[..i + 3], &raw[i + 3..]),
        None => ("", raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("dcs.cn-north-4.myhuaweicloud.com").unwrap();
        assert_eq!(e.as_str(), "https://dcs.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.host(), "dcs.cn-north-4.myhuaweicloud.com");
        let e = Endpoint::parse("https://h.example:443/").unwrap();
        assert_eq!(e.host(), "h.example");
        let e = Endpoint::parse("http://127.0.0.1:18080/base/").unwrap();
        assert_eq!(e.host(), "127.0.0.1:18080");
        assert_eq!(e.as_str(), "http://127.0.0.1:18080/base");
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("https://u:p@x").is_err());
        assert!(Endpoint::parse("").is_err());
        assert!(Endpoint::parse("https://x/?a=b").is_err());
    }
}
