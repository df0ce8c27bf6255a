//! The one list of `x-` extension keys the spec tooling understands, shared by the code
//! generator's vocabulary check and `cargo xtask spec lint`. The table "Every `x-` key the
//! generator understands" in specs/README.md documents the same keys; a test keeps both equal.

/// Where in a spec a key may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyLocation {
    /// The document root.
    Root,
    /// An operation object (`/paths/<path>/<method>`).
    Operation,
    /// A property of a model (`/components/schemas/<name>/properties/<property>`).
    Property,
    /// A parameter (`/paths/<path>/<method>/parameters/<i>`, path-level or a component).
    Parameter,
    /// A success-response header (`/paths/<path>/<method>/responses/<code>/headers/<name>`).
    ResponseHeader,
}

impl KeyLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyLocation::Root => "the document root",
            KeyLocation::Operation => "an operation",
            KeyLocation::Property => "a model property",
            KeyLocation::Parameter => "a parameter",
            KeyLocation::ResponseHeader => "a response header",
        }
    }
}

/// One documented extension key.
#[derive(Debug, Clone, Copy)]
pub struct ExtensionKey {
    pub name: &'static str,
    pub locations: &'static [KeyLocation],
}

/// Every documented `x-` key and where it may appear.
pub const EXTENSION_KEYS: &[ExtensionKey] = &[
    ExtensionKey {
        name: "x-huaweicloud-service",
        locations: &[KeyLocation::Root],
    },
    ExtensionKey {
        name: "x-huaweicloud-regions",
        locations: &[KeyLocation::Root],
    },
    ExtensionKey {
        name: "x-huaweicloud-idempotent",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-huaweicloud-content-type",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-huaweicloud-pagination",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-huaweicloud-waiters",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-huaweicloud-not-secret",
        locations: &[
            KeyLocation::Property,
            KeyLocation::Parameter,
            KeyLocation::ResponseHeader,
        ],
    },
    ExtensionKey {
        name: "x-rust-aliases",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-rust-doc-aliases",
        locations: &[KeyLocation::Operation],
    },
    ExtensionKey {
        name: "x-rust-name",
        locations: &[
            KeyLocation::Operation,
            KeyLocation::Property,
            KeyLocation::ResponseHeader,
        ],
    },
];

/// The value of `x-huaweicloud-service.docs` that marks a service's descriptions as
/// reviewed: from then on `cargo xtask spec lint` reports a missing or placeholder
/// description as an error (a warning before).
pub const DOCS_REVIEWED: &str = "reviewed";

/// The documented key called `name`, if any.
pub fn find(name: &str) -> Option<&'static ExtensionKey> {
    EXTENSION_KEYS.iter().find(|k| k.name == name)
}

/// Whether `name` is documented for `location`.
pub fn allowed_at(name: &str, location: KeyLocation) -> bool {
    find(name).is_some_and(|k| k.locations.contains(&location))
}

/// The location of the JSON object at `pointer`, when it is one where keys are documented.
pub fn location_of(pointer: &str) -> Option<KeyLocation> {
    if pointer.is_empty() {
        return Some(KeyLocation::Root);
    }
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    let is_operation = segs.len() == 3
        && segs[0] == "paths"
        && [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ]
        .contains(&segs[2]);
    let is_property = segs.len() == 5
        && segs[0] == "components"
        && segs[1] == "schemas"
        && segs[3] == "properties";
    let is_parameter = (segs.len() == 5 && segs[0] == "paths" && segs[3] == "parameters")
        || (segs.len() == 4 && segs[0] == "paths" && segs[2] == "parameters")
        || (segs.len() == 3 && segs[0] == "components" && segs[1] == "parameters");
    let is_response_header =
        segs.len() == 7 && segs[0] == "paths" && segs[3] == "responses" && segs[5] == "headers";
    if is_operation {
        Some(KeyLocation::Operation)
    } else if is_property {
        Some(KeyLocation::Property)
    } else if is_parameter {
        Some(KeyLocation::Parameter)
    } else if is_response_header {
        Some(KeyLocation::ResponseHeader)
    } else {
        None
    }
}

/// An `x-` key that is not documented at all, or not where it stands.
#[derive(Debug, Clone)]
pub struct MisplacedKey {
    /// JSON pointer of the key.
    pub pointer: String,
    pub key: String,
    /// The documented key of that name, when it is documented elsewhere.
    pub documented: Option<&'static ExtensionKey>,
}

/// Every `x-` key in the document `root` that [`allowed_at`] rejects, in document order.
/// Keys of maps whose keys are names (properties, schemas, responses, ...) are names, not
/// extensions, and values of `example`/`default`/`enum` are data.
pub fn misplaced_keys(root: &serde_json::Value) -> Vec<MisplacedKey> {
    let mut out = Vec::new();
    walk(root, "", false, &mut out);
    out
}

fn walk(v: &serde_json::Value, pointer: &str, names: bool, out: &mut Vec<MisplacedKey>) {
    use serde_json::Value;
    const NAME_MAPS: &[&str] = &[
        "properties",
        "schemas",
        "headers",
        "content",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "responses",
    ];
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), false, out);
            }
        }
        Value::Object(map) => {
            let location = location_of(pointer);
            for (key, value) in map {
                let here = format!("{pointer}/{}", crate::codegen::load::escape_pointer(key));
                if !names && key.starts_with("x-") {
                    if !location.is_some_and(|l| allowed_at(key, l)) {
                        out.push(MisplacedKey {
                            pointer: here,
                            key: key.clone(),
                            documented: find(key),
                        });
                    }
                    continue;
                }
                if !names && ["example", "examples", "default", "enum"].contains(&key.as_str()) {
                    continue;
                }
                // `parameters` is a name map under `components` but a list in operations.
                let child_names = !names
                    && NAME_MAPS.contains(&key.as_str())
                    && !(key == "parameters" && value.is_array());
                walk(value, &here, child_names, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_from_pointers() {
        assert_eq!(location_of(""), Some(KeyLocation::Root));
        assert_eq!(
            location_of("/paths/~1v2~1x/get"),
            Some(KeyLocation::Operation)
        );
        assert_eq!(
            location_of("/components/schemas/A/properties/b"),
            Some(KeyLocation::Property)
        );
        assert_eq!(
            location_of("/paths/~1v2~1x/get/parameters/0"),
            Some(KeyLocation::Parameter)
        );
        assert_eq!(
            location_of("/paths/~1v2~1x/post/responses/201/headers/X-Subject-Token"),
            Some(KeyLocation::ResponseHeader)
        );
        assert_eq!(location_of("/paths/~1v2~1x/get/parameters/0/schema"), None);
        assert!(allowed_at("x-rust-name", KeyLocation::Property));
        assert!(!allowed_at("x-rust-aliases", KeyLocation::Property));
        assert!(!allowed_at("x-unknown", KeyLocation::Root));
    }
}
