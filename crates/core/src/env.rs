//! Where configuration is read from: the process environment, or a fixed set of variables in
//! tests (so tests never mutate the process environment).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A source of environment variables.
///
/// `Debug` never prints values: they include secrets such as `HUAWEICLOUD_SDK_SK`.
#[derive(Clone, Default)]
pub struct Env {
    fixed: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The process environment (the default).
    pub fn process() -> Self {
        Self::default()
    }

    /// A fixed set of variables; nothing else is visible.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            fixed: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The value of `name`, or `None` when unset, empty or only whitespace.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    }

    /// The user's home directory (`HOME`, or `USERPROFILE` on Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Env(process)"),
            Some(m) => write!(f, "Env({} fixed variables)", m.len()),
        }
    }
}
