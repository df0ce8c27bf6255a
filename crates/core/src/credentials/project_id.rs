//! Project-id discovery: with a region and no project id, ask IAM which project is named
//! after the region (official `BasicCredentials.process_auth_params`): `GET
//! {iam}/v3/projects?name={region}`, signed with the same credentials. The answer is cached
//! for the process per (IAM endpoint, AK, region), and concurrent first calls share one
//! lookup (its failure too: the next call after a failure asks again).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

use super::Credentials;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorKind, Result};
use crate::executor::{self, BodyMode};
use crate::region::Endpoint;
use crate::retry::Clock;
use crate::sign::{self, SignableRequest};
use crate::single_flight::SingleFlight;
use crate::transport::{HttpRequest, Transport};

const PROJECTS_PATH: &str = "/v3/projects";
const MAX_BODY: usize = 1024 * 1024;
const SET_IT: &str = "set the project id with ClientBuilder::project_id(...), Credentials::with_project_id(...), HUAWEICLOUD_SDK_PROJECT_ID or project_id in the credentials profile";

type CacheKey = (String, String, String);

fn cache() -> &'static Mutex<HashMap<CacheKey, String>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, String>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

fn lookups() -> &'static SingleFlight<CacheKey, String> {
    static LOOKUPS: OnceLock<SingleFlight<CacheKey, String>> = OnceLock::new();
    LOOKUPS.get_or_init(SingleFlight::default)
}

/// What the lookup needs from the client.
#[derive(Clone)]
pub(crate) struct Discovery {
    pub transport: Arc<dyn Transport>,
    pub iam: Endpoint,
    pub region: String,
    pub user_agent: String,
    pub clock: Arc<dyn Clock>,
    pub timeout: Duration,
}

#[derive(Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

impl Discovery {
    /// The project id of the region for these credentials, from the cache or IAM.
    pub(crate) async fn project_id(self, creds: &Credentials) -> Result<String> {
        let key = (
            self.iam.as_str().to_owned(),
            creds.access_key().to_owned(),
            self.region.clone(),
        );
        if let Some(id) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(id);
        }
        let creds = creds.clone();
        let cache_key = key.clone();
        lookups()
            .run(key, move || {
                Box::pin(async move {
                    tracing::info!(
                        region = self.region.as_str(),
                        iam = self.iam.as_str(),
                        "no project id configured; asking IAM"
                    );
                    let id = self.ask_iam(&creds).await?;
                    if let Ok(mut c) = cache().lock() {
                        c.insert(cache_key, id.clone());
                    }
                    Ok(id)
                })
            })
            .await
    }

    async fn ask_iam(&self, creds: &Credentials) -> Result<String> {
        let scrub = creds.scrubber();
        let query = vec![("name".to_owned(), self.region.to_owned())];
        let path = format!("{}{PROJECTS_PATH}", self.iam.base_path);
        let mut headers = vec![("User-Agent".to_owned(), self.user_agent.to_owned())];
        if let Some(t) = creds.security_token() {
            headers.push(("X-Security-Token".to_owned(), t.to_owned()));
        }
        let out = sign::sign(
            &SignableRequest {
                method: "GET",
                path: &path,
                query: &query,
                headers: &headers,
                host: self.iam.host(),
                body: b"",
            },
            creds.signing_key(),
            &sign::format_sdk_date(self.clock.now()),
        );
        out.apply_to(&mut headers);
        let url = format!(
            "{}{PROJECTS_PATH}?{}",
            self.iam.as_str(),
            out.canonical_query
        );
        let shown = url.clone();
        let request = HttpRequest {
            method: http::Method::GET,
            url,
            headers,
            header_text: crate::transport::HeaderText::Utf8,
            body: Bytes::new(),
        };
        let what = |detail: &str| {
            format!(
                "project id lookup for region '{}' (GET {shown}): {detail}",
                self.region
            )
        };
        let result = executor::call(
            &*self.transport,
            request,
            (Deadline::after(self.timeout), || {
                Error::new(
                    ErrorKind::Timeout,
                    format!("timed out after {:?}", self.timeout),
                )
            }),
            BodyMode::Buffered(MAX_BODY),
            crate::error::ErrorFormat::Standard,
            scrub,
            self.clock.now(),
        )
        .await;
        let resp = match result {
            Ok(resp) => resp,
            // IAM refused: the credentials are the likely cause.
            Err(e) if e.status().is_some() => {
                return Err(Error::new(
                    ErrorKind::Credentials,
                    what(&format!("IAM answered {e}; check the AK/SK, or {SET_IT}")),
                ));
            }
            Err(e) => return Err(Error::new(e.kind(), what(&e.to_string()))),
        };
        let (_, headers, body) = resp
            .collect(MAX_BODY)
            .await
            .map_err(|e| executor::transport_error(e, scrub))?;
        let trace_id = headers
            .get("x-iam-trace-id")
            .or_else(|| headers.get("x-request-id"))
            .and_then(|v| v.to_str().ok())
            .map_or_else(|| "none".to_owned(), str::to_owned);
        let projects: Projects = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                what(&format!(
                    "the IAM response is not a project list: {e} (X-IAM-Trace-Id {trace_id})"
                )),
            )
        })?;
        match projects.projects.as_slice() {
            [one] if !one.id.trim().is_empty() => Ok(one.id.trim().to_owned()),
            [] => Err(Error::config(what(&format!(
                "IAM has no project named '{}' for this account (X-IAM-Trace-Id {trace_id}); confirm the project exists, or {SET_IT}",
                self.region
            )))),
            [_] => Err(Error::config(what(&format!(
                "IAM returned a project with an empty id (X-IAM-Trace-Id {trace_id}); {SET_IT}"
            )))),
            many => {
                let ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                Err(Error::config(what(&format!(
                    "IAM returned {} projects named '{}': [{}] (X-IAM-Trace-Id {trace_id}); choose one: {SET_IT}",
                    many.len(),
                    self.region,
                    ids.join(", ")
                ))))
            }
        }
    }
}
