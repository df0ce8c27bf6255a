//! Marks paged list operations with `x-huaweicloud-pagination` (format: specs/README.md,
//! "Extension keys").
//!
//! The automatic rule is deliberately narrow, because a wrong mark makes `by_item()` skip
//! items or repeat them: a `GET` with
//!
//! - one position query parameter: `offset` (an item offset), `page`/`page_no`/`page_num`
//!   (a page number, first page 1) or `marker`; numbers may be declared `integer` or `string`
//!   (the DMS APIs send numbers as strings);
//! - optionally one page-size query parameter: `limit`, `page_size` or `per_page`;
//! - a JSON success body with exactly one array of objects, either a top-level property or a
//!   property of one object-valued top-level property (CodeArts Artifact wraps its pages in
//!   `result`);
//! - optionally a total next to that array, read only from a field whose name says "total"
//!   (`total`, `total_num`, ...): counts such as `count` or `size` may be page counts;
//! - for `marker`: a next-marker field next to the array or in an object beside it
//!   (`page_info.next_marker`), or else a marker the SDK documents as the id (or name) of the
//!   previous page's last item (`item_marker`).
//!
//! The SDK's parameter docstrings (Chinese) give two facts the types do not: an `offset` that
//! is a page number ("页码", ECS `ListServersDetails`), and a marker that is the last item's id
//! ("起始的资源ID", VPC Neutron APIs). See [`Hints`].
//!
//! `overrides.yaml` sets the key explicitly (a mapping, e.g. where two arrays make the rule
//! ambiguous) or removes it (`false`, e.g. where an `offset` parameter is documented as a page
//! number with an undocumented base).

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::{Mapping, Value};

/// The operation-level key.
pub const KEY: &str = "x-huaweicloud-pagination";

const ITEM_OFFSET_PARAMS: &[&str] = &["offset"];
const PAGE_NUMBER_PARAMS: &[&str] = &["page", "page_no", "page_num"];
const MARKER_PARAMS: &[&str] = &["marker"];
const PAGE_SIZE_PARAMS: &[&str] = &["limit", "page_size", "per_page"];
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "total_num",
    "total_number",
    "total_count",
    "total_records",
    "totalRecords",
];
const NEXT_MARKER_FIELDS: &[&str] = &["next_marker", "nextMarker"];

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_mapping().and_then(|m| m.get(key))
}

fn get_str<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    get(v, key).and_then(Value::as_str)
}

/// The model a `$ref` points at.
fn deref<'v>(schema: &Value, schemas: &'v BTreeMap<String, Value>) -> Option<&'v Value> {
    get_str(schema, "$ref")
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
}

fn is_object_model(schema: &Value, schemas: &BTreeMap<String, Value>) -> bool {
    deref(schema, schemas).is_some_and(|m| get(m, "properties").is_some())
}

fn is_array_of_objects(schema: &Value, schemas: &BTreeMap<String, Value>) -> bool {
    get_str(schema, "type") == Some("array")
        && get(schema, "items").is_some_and(|i| is_object_model(i, schemas))
}

fn properties(model: &Value) -> Vec<(&str, &Value)> {
    get(model, "properties")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// `(path of the object holding the array, array field)` of every array of objects at the top
/// level or one object level down.
fn item_arrays(
    body: &Value,
    schemas: &BTreeMap<String, Value>,
) -> Vec<(Option<String>, String, Value)> {
    let mut out = Vec::new();
    // Link lists next to the items (Nova's `servers_links`: the next page's URL) are not items.
    let is_links = |name: &str| name == "links" || name.ends_with("_links");
    for (name, prop) in properties(body) {
        if is_links(name) {
            continue;
        }
        if is_array_of_objects(prop, schemas) {
            out.push((None, name.to_owned(), body.clone()));
        } else if let Some(inner) = deref(prop, schemas) {
            for (inner_name, inner_prop) in properties(inner) {
                if !is_links(inner_name) && is_array_of_objects(inner_prop, schemas) {
                    out.push((Some(name.to_owned()), inner_name.to_owned(), inner.clone()));
                }
            }
        }
    }
    out
}

/// The first field of `names` that `holder` has with a type in `types`.
fn field_named(holder: &Value, names: &[&str], types: &[&str]) -> Option<String> {
    let props = properties(holder);
    names
        .iter()
        .find(|n| {
            props
                .iter()
                .any(|(p, v)| p == *n && get_str(v, "type").is_some_and(|t| types.contains(&t)))
        })
        .map(|n| (*n).to_owned())
}

/// The query parameter among `names` the operation has, with a type in `types`.
fn query_param(op: &Value, names: &[&str], types: &[&str]) -> Option<String> {
    let params = get(op, "parameters")?.as_sequence()?;
    names
        .iter()
        .find(|n| {
            params.iter().any(|p| {
                get_str(p, "in") == Some("query")
                    && get_str(p, "name") == Some(**n)
                    && get(p, "schema")
                        .and_then(|s| get_str(s, "type"))
                        .is_some_and(|t| types.contains(&t))
            })
        })
        .map(|n| (*n).to_owned())
}

/// The JSON success body model of an operation.
fn success_body<'v>(op: &Value, schemas: &'v BTreeMap<String, Value>) -> Option<&'v Value> {
    let responses = get(op, "responses")?.as_mapping()?;
    let (_, success) = responses
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|c| c.starts_with('2')))?;
    let content = get(success, "content")?.as_mapping()?;
    let (_, media) = content.iter().next()?;
    deref(get(media, "schema")?, schemas)
}

/// Paging facts the official SDK states only in its (often Chinese) parameter docstrings.
/// Facts only: no docstring text reaches a spec.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hints {
    /// Query parameters documented as a page number (ECS `offset`: "页码", page number).
    pub page_numbers: BTreeSet<String>,
    /// Marker query parameters documented as "the id (or name) of the last item of the
    /// previous page" -> that item field (Neutron-style paging).
    pub item_markers: BTreeMap<String, String>,
}

impl Hints {
    /// Reads `(wire name, docstring)` of an operation's paging query parameters.
    pub fn from_docs<'a>(docs: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut hints = Self::default();
        for (name, doc) in docs {
            let lower = doc.to_lowercase();
            if ITEM_OFFSET_PARAMS.contains(&name)
                && ["页码", "page number", "page index"]
                    .iter()
                    .any(|w| lower.contains(w))
            {
                hints.page_numbers.insert(name.to_owned());
            }
            let last_item = [
                "最后一条",
                "起始的资源id",
                "起始资源id",
                "下一条数据开始",
                "last item",
                "last record",
            ]
            .iter()
            .any(|w| lower.contains(w));
            if MARKER_PARAMS.contains(&name) && last_item {
                let field = if lower.contains("名称") || lower.contains(" name") {
                    "name"
                } else {
                    "id"
                };
                hints.item_markers.insert(name.to_owned(), field.to_owned());
            }
        }
        hints
    }
}

/// The automatic mark of one operation (`method` lower case), if the rule applies.
pub fn detect(
    method: &str,
    op: &Value,
    schemas: &BTreeMap<String, Value>,
    hints: &Hints,
) -> Option<Value> {
    if method != "get" {
        return None;
    }
    const NUMBER: &[&str] = &["integer", "string"];
    let offset = query_param(op, ITEM_OFFSET_PARAMS, NUMBER);
    // An `offset` the SDK documents as a page number is one (ECS ListServersDetails).
    let (offset, offset_page) = match offset {
        Some(o) if hints.page_numbers.contains(&o) => (None, Some(o)),
        other => (other, None),
    };
    let page = query_param(op, PAGE_NUMBER_PARAMS, NUMBER);
    let marker = query_param(op, MARKER_PARAMS, &["string"]);
    let (style, position_key, position) = match (offset, page, offset_page, marker) {
        (Some(p), None, None, None) => ("offset", "offset", p),
        (None, Some(p), None, None) | (None, None, Some(p), None) => ("page", "page", p),
        // Documented page numbers win over an alternative marker (ECS offers both).
        (None, None, Some(p), Some(_)) => ("page", "page", p),
        (None, None, None, Some(p)) => ("marker", "marker", p),
        _ => return None,
    };
    let limit = query_param(op, PAGE_SIZE_PARAMS, NUMBER);
    let body = success_body(op, schemas)?;
    let arrays = item_arrays(body, schemas);
    let [(holder_name, items, holder)] = &arrays[..] else {
        return None;
    };
    let path = |field: &str| match holder_name {
        Some(h) => format!("{h}.{field}"),
        None => field.to_owned(),
    };
    // Marker style: a next-marker field next to the items, or in an object beside them
    // (`page_info.next_marker`), or else the documented "last item's id".
    let (next_marker, item_marker) = if style == "marker" {
        match field_named(holder, NEXT_MARKER_FIELDS, &["string"]) {
            Some(m) => (Some(path(&m)), None),
            None => match nested_field(body, NEXT_MARKER_FIELDS, schemas) {
                Some(m) => (Some(m), None),
                None => {
                    let field = hints.item_markers.get(&position)?;
                    let item = items_model(holder, items, schemas)?;
                    field_named(item, &[field.as_str()], &["string"])?;
                    (None, Some(field.clone()))
                }
            },
        }
    } else {
        (None, None)
    };
    let total = field_named(holder, TOTAL_FIELDS, &["integer"]);

    let mut out = Mapping::new();
    out.insert(s("style"), s(style));
    if style == "page" {
        out.insert(s("first_page"), Value::Number(1.into()));
    }
    let mut request = Mapping::new();
    request.insert(s(position_key), s(&position));
    if let Some(l) = limit {
        request.insert(s("limit"), s(&l));
    }
    out.insert(s("request"), Value::Mapping(request));
    let mut response = Mapping::new();
    response.insert(s("items"), s(&path(items)));
    if let Some(t) = total {
        response.insert(s("total"), s(&path(&t)));
    }
    if let Some(m) = next_marker {
        response.insert(s("next_marker"), s(&m));
    }
    if let Some(f) = item_marker {
        response.insert(s("item_marker"), s(&f));
    }
    out.insert(s("response"), Value::Mapping(response));
    Some(Value::Mapping(out))
}

/// `<object field>.<name>` for the first of `names` found as a string field of an object-valued
/// top-level field of `body` (`page_info.next_marker`).
fn nested_field(body: &Value, names: &[&str], schemas: &BTreeMap<String, Value>) -> Option<String> {
    properties(body).into_iter().find_map(|(outer, prop)| {
        let inner = deref(prop, schemas)?;
        let name = field_named(inner, names, &["string"])?;
        Some(format!("{outer}.{name}"))
    })
}

/// The item model of the array `items` of `holder`.
fn items_model<'v>(
    holder: &Value,
    items: &str,
    schemas: &'v BTreeMap<String, Value>,
) -> Option<&'v Value> {
    let array = properties(holder).into_iter().find(|(n, _)| *n == items)?.1;
    deref(get(array, "items")?, schemas)
}

/// What an `overrides.yaml` entry says: `false` removes the mark, a mapping replaces it.
pub fn apply_override(
    detected: Option<Value>,
    ov: Option<&Value>,
) -> Result<Option<Value>, String> {
    match ov {
        None => Ok(detected),
        Some(Value::Bool(false)) => Ok(None),
        Some(v @ Value::Mapping(_)) => Ok(Some(v.clone())),
        Some(_) => Err(format!(
            "{KEY} must be `false` (no pagination) or a mapping (see specs/README.md)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas(yaml: &str) -> BTreeMap<String, Value> {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    const MODELS: &str = r#"
Thing: {type: object, properties: {id: {type: string}}}
Flat: {type: object, properties: {count: {type: integer}, total_num: {type: integer}, things: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}
CountOnly: {type: object, properties: {count: {type: integer}, things: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}
TwoArrays: {type: object, properties: {a: {type: array, items: {$ref: '#/components/schemas/Thing'}}, b: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}
Strings: {type: object, properties: {ids: {type: array, items: {type: string}}}}
Page: {type: object, properties: {totalRecords: {type: integer}, data: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}
Wrapped: {type: object, properties: {status: {type: string}, result: {$ref: '#/components/schemas/Page'}}}
"#;

    fn op(query: &[(&str, &str)], response: &str) -> Value {
        let params: Vec<String> = query
            .iter()
            .map(|(n, t)| format!("{{name: {n}, in: query, schema: {{type: {t}}}}}"))
            .collect();
        serde_yaml_ng::from_str(&format!(
            "{{parameters: [{}], responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{response}'}}}}}}}}}}}}",
            params.join(", ")
        ))
        .unwrap()
    }

    fn mark(method: &str, query: &[(&str, &str)], response: &str) -> Option<String> {
        detect(
            method,
            &op(query, response),
            &schemas(MODELS),
            &Hints::default(),
        )
        .map(|v| serde_json::to_string(&v).unwrap())
    }

    #[test]
    fn item_offsets_with_a_total_field() {
        assert_eq!(
            mark(
                "get",
                &[("offset", "integer"), ("limit", "integer")],
                "Flat"
            )
            .as_deref(),
            Some(
                r#"{"style":"offset","request":{"offset":"offset","limit":"limit"},"response":{"items":"things","total":"total_num"}}"#
            )
        );
    }

    #[test]
    fn counts_that_may_be_page_counts_are_not_totals() {
        assert_eq!(
            mark("get", &[("offset", "string")], "CountOnly").as_deref(),
            Some(
                r#"{"style":"offset","request":{"offset":"offset"},"response":{"items":"things"}}"#
            )
        );
    }

    #[test]
    fn page_numbers_inside_a_result_wrapper() {
        assert_eq!(
            mark(
                "get",
                &[("page_no", "integer"), ("page_size", "integer")],
                "Wrapped"
            )
            .as_deref(),
            Some(
                r#"{"style":"page","first_page":1,"request":{"page":"page_no","limit":"page_size"},"response":{"items":"result.data","total":"result.totalRecords"}}"#
            )
        );
    }

    #[test]
    fn ambiguous_or_unfit_shapes_are_not_marked() {
        let q = &[("offset", "integer"), ("limit", "integer")];
        assert_eq!(mark("post", q, "Flat"), None, "not a GET");
        assert_eq!(mark("get", q, "TwoArrays"), None, "two arrays");
        assert_eq!(mark("get", q, "Strings"), None, "no array of objects");
        assert_eq!(
            mark("get", &[("limit", "integer")], "Flat"),
            None,
            "no position"
        );
        assert_eq!(
            mark(
                "get",
                &[("offset", "integer"), ("page_no", "integer")],
                "Flat"
            ),
            None,
            "two position parameters"
        );
        assert_eq!(
            mark("get", &[("offset", "boolean")], "Flat"),
            None,
            "not a number"
        );
        assert_eq!(
            mark("get", &[("marker", "string")], "Flat"),
            None,
            "no next marker field"
        );
    }

    #[test]
    fn overrides_remove_or_replace() {
        let detected = Some(s("auto"));
        assert_eq!(apply_override(detected.clone(), None), Ok(detected.clone()));
        assert_eq!(
            apply_override(detected.clone(), Some(&Value::Bool(false))),
            Ok(None)
        );
        let set = Value::Mapping(Mapping::new());
        assert_eq!(apply_override(None, Some(&set)), Ok(Some(set.clone())));
        assert!(apply_override(detected, Some(&Value::Bool(true))).is_err());
    }
}
