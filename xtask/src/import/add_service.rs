//! `cargo xtask import --service <name>`: what adding a service needs besides the import
//! itself: a starter overrides file, facts (when the Go SDK has the service), and the
//! checklist of what needs a human.

use std::path::Path;

/// Writes `specs/<svc>/overrides[.<version>].yaml` under `root` unless an overrides file for
/// that version already exists. Returns whether one was written.
pub fn write_starter_overrides(
    root: &Path,
    svc: &str,
    version: &str,
    versions: usize,
) -> Result<bool, String> {
    let dir = root.join("specs").join(svc);
    let versioned = dir.join(format!("overrides.{version}.yaml"));
    let plain = dir.join("overrides.yaml");
    if versioned.exists() || (versions == 1 && plain.exists()) {
        return Ok(false);
    }
    let path = if versions == 1 { plain } else { versioned };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&path, starter_overrides(svc))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

/// The starter overrides of a service: identity and placeholders a human replaces.
pub fn starter_overrides(svc: &str) -> String {
    let key = svc.to_uppercase();
    format!(
        "# Starter written by `cargo xtask import --service {svc}`: replace the title and the\n\
         # description with English text of our own (specs/README.md, \"Import\").\n\
         info:\n  title: Huawei Cloud {key} API\n  description: TODO describe the {key} API.\n\
         x-huaweicloud-service:\n  name: {key}\n  crate: huaweicloud-sdk-{svc}\n  title: {key}\n\
         servers:\n  - url: https://{svc}.cn-north-4.myhuaweicloud.com\n"
    )
}

/// Facts for `svc` in `tree`: the committed `specs/facts/<svc>[.<v>].json` of `root` when
/// `tree` is another directory, else extracted from `go_sdk` when given. `Err` says why
/// there are none (the import goes on without required fields and enums).
pub fn facts_for(
    root: &Path,
    tree: &Path,
    svc: &str,
    versions: &[String],
    go_sdk: Option<&Path>,
    commit: Option<&str>,
) -> Result<(), String> {
    let facts_dir = tree.join("specs/facts");
    let mut names: Vec<String> = vec![format!("{svc}.json")];
    names.extend(versions.iter().map(|v| format!("{svc}.{v}.json")));
    let committed: Vec<&String> = names
        .iter()
        .filter(|n| root.join("specs/facts").join(n).exists())
        .collect();
    if !committed.is_empty() {
        if root != tree {
            std::fs::create_dir_all(&facts_dir).map_err(|e| e.to_string())?;
            for n in committed {
                std::fs::copy(root.join("specs/facts").join(n), facts_dir.join(n))
                    .map_err(|e| format!("specs/facts/{n}: {e}"))?;
            }
        }
        return Ok(());
    }
    let Some(go) = go_sdk else {
        return Err(format!("no specs/facts/{svc}*.json and no Go SDK given"));
    };
    let files = crate::facts::generate(go, commit, &[svc.to_owned()])?;
    std::fs::create_dir_all(&facts_dir).map_err(|e| e.to_string())?;
    for (name, text) in files {
        std::fs::write(facts_dir.join(&name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// What needs a human after a machine import of one spec (`doc`, the spec as JSON), one
/// line per item. `has_facts`: facts were found; `starter`: a starter overrides file was
/// written.
pub fn checklist(
    spec_rel: &str,
    doc: &serde_json::Value,
    has_facts: bool,
    starter: bool,
) -> Vec<String> {
    use crate::spec::lint::{SecretLook, secret_look};
    let mut items = Vec::new();
    if starter {
        items.push(format!(
            "{spec_rel}: starter overrides written: replace the title and description"
        ));
    }
    if !has_facts {
        items.push(format!(
            "{spec_rel}: no facts (the Go SDK lacks this service): no required fields or enums; \
             add `required` in the overrides where the API needs it"
        ));
    }
    let paths = doc["paths"].as_object().into_iter().flatten();
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let summary = op["summary"].as_str().unwrap_or_default().trim();
            if summary.is_empty() || summary.eq_ignore_ascii_case("todo") {
                items.push(format!("{id}: no English summary (summaries.yaml)"));
            }
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .collect();
            let paging = params.iter().find(|n| is_paging_name(n));
            if let Some(name) = paging {
                if op.get(super::pagination::KEY).is_none() {
                    items.push(format!(
                        "{id}: pagination candidate (query `{name}`, no {})",
                        super::pagination::KEY
                    ));
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                let look = secret_look(name);
                if look != SecretLook::Plain && p.get("x-huaweicloud-not-secret").is_none() {
                    items.push(format!(
                        "{id}: secret candidate: parameter `{name}` ({}); confirm, or set \
                         x-huaweicloud-not-secret",
                        secret_note(look, &p["schema"])
                    ));
                }
            }
            if method == "post" && reads_like_a_read(id) {
                items.push(format!(
                    "{id}: POST named like a read ({method} {path}): check idempotency \
                     (x-huaweicloud-idempotent) and paging"
                ));
            }
        }
    }
    for (model, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        for (field, prop) in schema["properties"].as_object().into_iter().flatten() {
            let look = secret_look(field);
            if look != SecretLook::Plain && prop.get("x-huaweicloud-not-secret").is_none() {
                items.push(format!(
                    "{model}.{field}: secret candidate ({})",
                    secret_note(look, prop)
                ));
            }
        }
    }
    items
}

fn secret_note(look: crate::spec::lint::SecretLook, schema: &serde_json::Value) -> &'static str {
    match (look, schema["format"].as_str()) {
        (_, Some("password")) => "marked format: password automatically",
        (crate::spec::lint::SecretLook::Undecided, _) => "a `_key` name: decide",
        _ => "looks secret but is not marked",
    }
}

/// Query parameter names of paged list operations.
fn is_paging_name(name: &str) -> bool {
    matches!(
        name,
        "offset" | "limit" | "marker" | "start" | "per_page" | "page_size" | "pagesize"
    ) || name.starts_with("page")
}

/// An operationId that names a read (`ListX`, `ShowX`, `QueryX`, ...).
fn reads_like_a_read(operation_id: &str) -> bool {
    const READ_VERBS: [&str; 9] = [
        "List", "Show", "Get", "Query", "Describe", "Search", "Count", "Check", "Download",
    ];
    READ_VERBS.iter().any(|verb| {
        operation_id.strip_prefix(verb).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// The locked lines of `package` in a `pip-compile --generate-hashes` file: its
/// `name==version \` line and the `--hash` lines under it. `None` when it is not there.
pub fn locked_block(lock: &str, package: &str) -> Option<String> {
    let head = format!("{package}==");
    let mut lines = lock.lines().skip_while(|l| !l.starts_with(&head));
    let first = lines.next()?;
    let mut block = format!("{first}\n");
    for l in lines.take_while(|l| l.trim_start().starts_with("--hash=")) {
        block.push_str(l);
        block.push('\n');
    }
    Some(block)
}

/// Adds `huaweicloudsdk<svc>` to the import lock `import_lock` from the catalogue lock
/// (pinned, hash-locked: 3.1.219 or the package's newest release). Returns the new lock text
/// and the pinned version, or `None` when the package is already locked.
pub fn add_to_lock(
    import_lock: &str,
    catalogue_lock: &str,
    svc: &str,
) -> Result<Option<(String, String)>, String> {
    let package = format!("huaweicloudsdk{svc}");
    if locked_block(import_lock, &package).is_some() {
        return Ok(None);
    }
    let block = locked_block(catalogue_lock, &package).ok_or_else(|| {
        format!("{package} is not in xtask/catalogue/requirements.txt (no such official package?)")
    })?;
    let version = block
        .lines()
        .next()
        .and_then(|l| l.split("==").nth(1))
        .map(|v| v.trim_end_matches(['\\', ' ']).to_owned())
        .unwrap_or_default();
    let mut text = import_lock.trim_end().to_owned();
    text.push('\n');
    text.push_str(&block);
    text.push_str("    # via -r requirements.in (cargo xtask import --service)\n");
    Ok(Some((text, version)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> serde_json::Value {
        json!({
            "paths": {
                "/v1/widgets": {
                    "get": {"operationId": "ListWidgets", "summary": "TODO",
                            "parameters": [{"name": "limit", "in": "query"},
                                           {"name": "X-Auth-Token", "in": "header",
                                            "schema": {"type": "string", "format": "password"}}]},
                    "post": {"operationId": "CreateWidget", "summary": "Create a widget."}
                },
                "/v1/widgets/search": {
                    "post": {"operationId": "ShowWidgetsByTag", "summary": "Find widgets by tag.",
                             "parameters": [{"name": "offset", "in": "query"}],
                             "x-huaweicloud-pagination": {"style": "offset"}}
                },
                "/v1/shows": {
                    "post": {"operationId": "Showcase", "summary": "Make a showcase."}
                }
            },
            "components": {"schemas": {
                "Widget": {"properties": {
                    "name": {"type": "string"},
                    "signing_key": {"type": "string", "format": "password"},
                    "api_key": {"type": "string"},
                    "tag_key": {"type": "string"},
                    "admin_pass": {"type": "string", "x-huaweicloud-not-secret": true}
                }}
            }}
        })
    }

    #[test]
    fn lists_what_needs_a_human() {
        let items = checklist("specs/w/v1.yaml", &spec(), true, false);
        assert_eq!(
            items,
            [
                "ListWidgets: no English summary (summaries.yaml)",
                "ListWidgets: pagination candidate (query `limit`, no x-huaweicloud-pagination)",
                "ListWidgets: secret candidate: parameter `X-Auth-Token` (marked format: password \
                 automatically); confirm, or set x-huaweicloud-not-secret",
                "ShowWidgetsByTag: POST named like a read (post /v1/widgets/search): check \
                 idempotency (x-huaweicloud-idempotent) and paging",
                "Widget.signing_key: secret candidate (marked format: password automatically)",
                "Widget.api_key: secret candidate (looks secret but is not marked)",
            ]
        );
    }

    #[test]
    fn says_when_facts_are_missing_and_overrides_are_a_starter() {
        let items = checklist("specs/w/v1.yaml", &json!({}), false, true);
        assert_eq!(items.len(), 2);
        assert!(items[0].contains("starter overrides written"), "{items:?}");
        assert!(items[1].contains("no facts"), "{items:?}");
        assert!(checklist("specs/w/v1.yaml", &json!({}), true, false).is_empty());
    }

    #[test]
    fn read_verbs_need_a_word_boundary() {
        assert!(reads_like_a_read("ListWidgets"));
        assert!(reads_like_a_read("Show"));
        assert!(!reads_like_a_read("Showcase"));
        assert!(!reads_like_a_read("Getaway"));
        assert!(!reads_like_a_read("CreateWidget"));
    }

    #[test]
    fn a_package_is_added_to_the_lock_once_with_its_hashes() {
        let catalogue = "huaweicloudsdka==3.1.219 \\\n    --hash=sha256:aa\n    # via -r x\n\
                         huaweicloudsdkold==3.1.24 \\\n    --hash=sha256:b1 \\\n    --hash=sha256:b2\n";
        let import = "huaweicloudsdka==3.1.219 \\\n    --hash=sha256:aa\n";
        assert_eq!(add_to_lock(import, catalogue, "a").unwrap(), None);
        let (text, version) = add_to_lock(import, catalogue, "old").unwrap().unwrap();
        assert_eq!(version, "3.1.24");
        assert!(
            text.ends_with(
                "huaweicloudsdkold==3.1.24 \\\n    --hash=sha256:b1 \\\n    --hash=sha256:b2\n    \
             # via -r requirements.in (cargo xtask import --service)\n"
            ),
            "{text}"
        );
        let err = add_to_lock(import, catalogue, "nosuch").unwrap_err();
        assert!(err.contains("huaweicloudsdknosuch"), "{err}");
    }

    #[test]
    fn starter_overrides_are_not_overwritten() {
        let root = std::env::temp_dir().join(format!("xtask-starter-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        assert!(write_starter_overrides(&root, "w", "v1", 1).unwrap());
        let path = root.join("specs/w/overrides.yaml");
        std::fs::write(&path, "kept").unwrap();
        assert!(!write_starter_overrides(&root, "w", "v1", 1).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
        assert!(write_starter_overrides(&root, "w", "v2", 2).unwrap());
        assert!(root.join("specs/w/overrides.v2.yaml").exists());
        let parsed = crate::import::overrides::parse_overrides(&starter_overrides("w"));
        assert!(parsed.is_ok(), "{parsed:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
