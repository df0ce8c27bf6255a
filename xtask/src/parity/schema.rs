//! `target/parity/ir.json`: what the generator's IR says about every operation, for
//! `xtask/parity/samples.py`.
//!
//! The official Python SDK's classes give the structure of a request (field names, Python
//! types); they do not record which fields are required, which strings are enums (and their
//! values) or whether an integer is 32 or 64 bits. The samples take those facts from the same
//! IR the crates and the driver are generated from, walked in parallel with the Python types.
//!
//! Format (`T` is `"string" | "bool" | "i32" | "i64" | "f64" | "value" | {"vec": T} |
//! {"map": T} | {"model": "<Rust name>"}`):
//!
//! ```json
//! {"services": {"<dir>" or "<dir>.<version>": {
//!   "operations": {"<rust name>": {
//!     "params": [{"name", "in": "path|query|header", "type": T, "required", "enum": [..]?}],
//!     "body": {"type": T, "required"} | null,
//!     "response": "none" | {"json": T} | "stream" | "bytes"}},
//!   "models": {"<Rust name>": {"fields": [{"name", "rust", "type": T, "required"}]}
//!                           | {"enum": ["<wire value>", ..]}}}}}
//! ```
//!
//! `enum` on a parameter lists the values of a path or header string enum, which the crates
//! keep as `String` (query enums are typed models and appear as `{"model": ..}`).

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::codegen::ir::{ModelKind, Operation, Param, ResponseKind, Service, TypeRef};
use crate::codegen::load::{Loaded, escape_pointer};
use crate::codegen::{find_specs, load, lower};

/// The IR of every spec under `root/specs` as the JSON above.
pub fn dump(root: &Path) -> Result<Value, String> {
    let specs = find_specs(root).map_err(|e| e.to_string())?;
    let mut services = Map::new();
    let folder = |spec: &str| spec.split('/').nth(1).unwrap_or_default().to_owned();
    for spec in &specs {
        let loaded = load::load(root, spec).map_err(|d| diagnostics(&d))?;
        let mut service = lower::lower(&loaded).map_err(|d| diagnostics(&d))?;
        // Keyed like the driver's operation ids: `vpc.v3` when a folder has several versions.
        if specs.iter().filter(|s| folder(s) == folder(spec)).count() > 1 {
            service.module = Some(service.version.clone());
        }
        services.insert(service.parity_key(), service_json(&service, &loaded));
    }
    Ok(json!({ "services": services }))
}

/// Writes [`dump`] to `out`.
pub fn write(root: &Path, out: &Path) -> Result<(), String> {
    let value = dump(root)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    std::fs::write(out, text + "\n").map_err(|e| format!("{}: {e}", out.display()))
}

fn diagnostics(d: &[crate::codegen::Diagnostic]) -> String {
    d.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn service_json(s: &Service, loaded: &Loaded) -> Value {
    let mut operations = Map::new();
    for op in &s.operations {
        operations.insert(op.rust_name.clone(), operation_json(op, loaded));
    }
    let mut models = Map::new();
    for m in &s.models {
        let v = match &m.kind {
            ModelKind::Struct(fields) => json!({
                "fields": fields.iter().map(|f| json!({
                    "name": f.wire_name,
                    "rust": f.rust_name,
                    "type": type_json(&f.ty),
                    "required": f.required,
                })).collect::<Vec<_>>()
            }),
            ModelKind::Enum(variants) => json!({
                "enum": variants.iter().map(|v| v.value.as_str()).collect::<Vec<_>>()
            }),
        };
        models.insert(m.name.clone(), v);
    }
    json!({ "operations": operations, "models": models })
}

fn operation_json(op: &Operation, loaded: &Loaded) -> Value {
    let params: Vec<Value> = op
        .params()
        .map(|p| {
            let mut v = json!({
                "name": p.name,
                "in": p.location.as_str(),
                "type": type_json(&p.ty),
                "required": p.required,
            });
            if let Some(values) = string_enum_values(op, p, loaded) {
                v["enum"] = json!(values);
            }
            v
        })
        .collect();
    let body = op
        .body
        .as_ref()
        .map(|b| json!({ "type": type_json(&b.ty), "required": b.required }));
    let response = match &op.response {
        // Header fields only: no body.
        ResponseKind::None | ResponseKind::Headers(_) => json!("none"),
        ResponseKind::Json(t) | ResponseKind::JsonWithHeaders { body: t, .. } => {
            json!({ "json": type_json(t) })
        }
        ResponseKind::Stream | ResponseKind::StreamWithHeaders { .. } => json!("stream"),
        ResponseKind::Bytes | ResponseKind::TextWithHeaders { .. } => json!("bytes"),
    };
    json!({ "params": params, "body": body, "response": response })
}

fn type_json(t: &TypeRef) -> Value {
    match t {
        TypeRef::String => json!("string"),
        TypeRef::Bool => json!("bool"),
        TypeRef::I32 => json!("i32"),
        TypeRef::I64 => json!("i64"),
        TypeRef::F64 => json!("f64"),
        TypeRef::Value => json!("value"),
        TypeRef::File => json!("file"),
        TypeRef::Vec(i) => json!({ "vec": type_json(i) }),
        TypeRef::Map(i) => json!({ "map": type_json(i) }),
        TypeRef::Named(n) => json!({ "model": n }),
    }
}

/// The values of a path or header parameter that the spec declares as a string enum (the
/// IR keeps those as `String`), read from the spec itself: the parameter's inline `enum`, or
/// that of the schema its `$ref` names.
fn string_enum_values(op: &Operation, p: &Param, loaded: &Loaded) -> Option<Vec<String>> {
    if p.ty != TypeRef::String {
        return None;
    }
    let item = format!("/paths/{}", escape_pointer(&op.path));
    let method = op.method.as_str().to_ascii_lowercase();
    let lists = [
        format!("{item}/{method}/parameters"),
        format!("{item}/parameters"),
    ];
    let declared = lists
        .iter()
        .filter_map(|at| loaded.raw.pointer(at)?.as_array())
        .flatten()
        .find(|d| {
            d.get("name").and_then(Value::as_str) == Some(p.name.as_str())
                && d.get("in").and_then(Value::as_str) == Some(p.location.as_str())
        })?;
    let mut schema = declared.get("schema")?;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        schema = loaded.raw.pointer(r.strip_prefix('#')?)?;
    }
    let values: Vec<String> = schema
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    (!values.is_empty()).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dump of the repository's specs names every operation with its parameters and
    /// finds the one header enum (CodeArts Artifact's `x-language`).
    #[test]
    fn dump_of_the_specs_has_types_required_and_param_enums() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let v = dump(&root).unwrap();
        let op =
            &v["services"]["codeartsartifact"]["operations"]["show_repository_roles_privilege"];
        let lang = op["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "x-language")
            .unwrap();
        assert_eq!(lang["in"], "header");
        assert_eq!(lang["type"], "string");
        assert_eq!(lang["enum"], json!(["zh-cn", "en-us"]));
        let queue = &v["services"]["rabbitmq"]["operations"]["create_queue"];
        assert_eq!(queue["body"]["type"], json!({"model": "CreateQueueBody"}));
        let fields = v["services"]["rabbitmq"]["models"]["CreateQueueBody"]["fields"]
            .as_array()
            .unwrap();
        assert!(fields.iter().any(|f| f["required"] == true));
    }
}
