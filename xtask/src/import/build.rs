//! One service: introspection + facts + overrides + summaries -> ordered OpenAPI tree.
//! Mapping rules: xtask/import/README.md, "Mapping to OpenAPI".

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::{Mapping, Value};

use super::descriptions::{Descriptions, Lookup};
use super::dump::{EnumFact, Facts, OpDump, ParamDump, ServiceDump, TypeInfo};
use super::overrides::{Overrides, PROPERTY_KEYS};
use crate::codegen::naming;
use crate::spec::lint::{SecretLook, secret_look};

/// Where each input of a service lives (for error messages).
pub struct Inputs<'a> {
    /// The service folder under `specs/`.
    pub key: &'a str,
    /// Where the overrides and summaries were read (`specs/<key>/overrides.yaml`, or
    /// `overrides.<version>.yaml` for a service of several versions).
    pub overrides_file: &'a str,
    pub summaries_file: &'a str,
    pub service: &'a ServiceDump,
    pub facts: &'a Facts,
    pub overrides: &'a Overrides,
    pub summaries: &'a BTreeMap<String, String>,
    /// `descriptions.yaml` (empty when the file does not exist).
    pub descriptions: &'a Descriptions,
    /// Fill a missing summary with `TODO` instead of failing (testing only).
    pub allow_missing_summaries: bool,
}

/// Placeholder for missing summaries under `--allow-missing-summaries`.
pub const TODO_SUMMARY: &str = "TODO";

const METHOD_ORDER: &[&str] = &["get", "put", "post", "delete", "patch", "head"];

/// Key order inside property / parameter schemas.
const SCHEMA_KEY_ORDER: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "items",
    "additionalProperties",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "nullable",
    "x-rust-name",
    "description",
    "example",
];

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn map(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(s(k), v);
    }
    Value::Mapping(m)
}

fn schema_ref(name: &str) -> Value {
    map(vec![("$ref", s(&format!("#/components/schemas/{name}")))])
}

/// Re-inserts the keys of a schema mapping in [`SCHEMA_KEY_ORDER`] (unknown keys last, in
/// their current order).
fn order_schema(m: Mapping) -> Mapping {
    let mut entries: Vec<(Value, Value)> = m.into_iter().collect();
    entries.sort_by_key(|(k, _)| {
        k.as_str()
            .and_then(|k| SCHEMA_KEY_ORDER.iter().position(|o| *o == k))
            .unwrap_or(SCHEMA_KEY_ORDER.len())
    });
    entries.into_iter().collect()
}

/// The value inside the documentation markup some Go SDK enum constants carry:
/// `[dms.physical.storage.general](tag:hws,hws_hk,dt,ax)` (a Markdown link whose target
/// names the regions that offer the value) -> `dms.physical.storage.general`. The API takes
/// the bare value (the Python SDK's docs list it without markup); the Go SDK sends the
/// constant verbatim, markup included.
pub fn strip_doc_markup(value: &str) -> &str {
    value
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("]("))
        .map_or(value, |(inner, _)| inner)
}

/// Whether a string value called `wire` is marked `format: password` automatically: the SDK
/// lists it as sensitive, or its name ends with a secret word or is a secret key
/// (`spec::lint::secret_look`; `password_expires_at`, `tag_key` are not). Enums never are.
fn auto_secret(wire: &str, sensitive: bool, schema: &Mapping) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && !schema.contains_key("format")
        && !schema.contains_key("enum")
        && (sensitive || secret_look(wire) == SecretLook::Secret)
}

pub struct Builder<'a> {
    inp: &'a Inputs<'a>,
    errors: Vec<String>,
    /// Models referenced from operations or other models' fields, i.e. emitted.
    schema_names: BTreeSet<String>,
    descriptions: Lookup<'a>,
}

impl<'a> Builder<'a> {
    pub fn new(inp: &'a Inputs<'a>) -> Self {
        Self {
            inp,
            errors: Vec::new(),
            schema_names: BTreeSet::new(),
            descriptions: Lookup::new(inp.descriptions),
        }
    }

    fn err(&mut self, file: &str, msg: impl Into<String>) {
        self.errors.push(format!("{file}: {}", msg.into()));
    }

    fn overrides_file(&self) -> String {
        self.inp.overrides_file.to_owned()
    }

    fn dump_where(&self) -> String {
        format!("introspection `{}`", self.inp.service.module)
    }

    /// Schema of an SDK type.
    fn type_schema(&mut self, t: &TypeInfo, ctx: &str) -> Value {
        match t {
            TypeInfo::Primitive { name } => match name.as_str() {
                "str" => map(vec![("type", s("string"))]),
                "int" | "long" => map(vec![("type", s("integer")), ("format", s("int64"))]),
                "float" => map(vec![("type", s("number")), ("format", s("double"))]),
                "decimal.Decimal" => map(vec![("type", s("number"))]),
                "bool" => map(vec![("type", s("boolean"))]),
                "date" => map(vec![("type", s("string")), ("format", s("date"))]),
                "datetime" => map(vec![("type", s("string")), ("format", s("date-time"))]),
                "bytes" => map(vec![("type", s("string")), ("format", s("byte"))]),
                "file" => map(vec![("type", s("string")), ("format", s("binary"))]),
                "object" | "dict" => Value::Mapping(Mapping::new()),
                other => {
                    let w = self.dump_where();
                    self.err(&w, format!("{ctx}: unknown primitive type `{other}`"));
                    Value::Mapping(Mapping::new())
                }
            },
            TypeInfo::List { items } => {
                let items = self.type_schema(items, ctx);
                map(vec![("type", s("array")), ("items", items)])
            }
            TypeInfo::Map { key, values } => {
                if !matches!(&**key, TypeInfo::Primitive { name } if name == "str") {
                    let w = self.dump_where();
                    self.err(&w, format!("{ctx}: map keys must be `str`"));
                }
                let values = self.type_schema(values, ctx);
                map(vec![
                    ("type", s("object")),
                    ("additionalProperties", values),
                ])
            }
            TypeInfo::Model { name } => {
                if !self.inp.service.models.contains_key(name) {
                    let w = self.dump_where();
                    self.err(&w, format!("{ctx}: model `{name}` is not in the dump"));
                }
                schema_ref(name)
            }
        }
    }

    /// Applies an enum fact to a field/parameter schema.
    fn apply_enum(&mut self, schema: &mut Value, fact: &EnumFact) {
        let Value::Mapping(m) = schema else { return };
        let target: &mut Mapping = if fact.array {
            match m.get_mut("items") {
                Some(Value::Mapping(items)) => items,
                _ => return, // not a list: the Go type differs; ignore the fact
            }
        } else {
            m
        };
        let ty = target
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match (fact.ty.as_str(), ty.as_deref()) {
            ("string", Some("string")) => {
                let values: Vec<Value> = fact
                    .values
                    .iter()
                    .map(|v| match v {
                        serde_json::Value::String(x) => s(strip_doc_markup(x)),
                        other => s(&other.to_string()),
                    })
                    .collect();
                target.insert(s("enum"), Value::Sequence(values));
            }
            ("integer", Some("integer")) => {
                let list: Vec<String> = fact.values.iter().map(|v| v.to_string()).collect();
                let note = format!("Allowed values: {}.", list.join(", "));
                let desc = match target.get("description").and_then(Value::as_str) {
                    Some(d) => format!("{d} {note}"),
                    None => note,
                };
                target.insert(s("description"), s(&desc));
            }
            _ => {} // type mismatch between the Go and Python SDKs: ignore the fact
        }
    }

    fn fact_model(&self, name: &str) -> Option<&'a super::dump::FactModel> {
        self.inp.facts.models.get(name)
    }

    // ----- operations -------------------------------------------------------------------

    fn parameter(
        &mut self,
        op: &OpDump,
        p: &ParamDump,
        location: &str,
        ov_used: &mut BTreeSet<String>,
    ) -> Value {
        let ctx = format!("{}.{}", op.python_name, p.wire_name);
        let mut schema = self.type_schema(&p.type_info, &ctx);
        let fact = self.fact_model(&op.request_type);
        let required = location == "path"
            || fact.is_some_and(|f| {
                f.required.iter().any(|r| {
                    r == &p.wire_name
                        || (location == "header" && r.eq_ignore_ascii_case(&p.wire_name))
                })
            });
        if let Some(f) = fact {
            let e = f.enums.get(&p.wire_name).or_else(|| {
                if location == "header" {
                    f.enums
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&p.wire_name))
                        .map(|(_, v)| v)
                } else {
                    None
                }
            });
            if let Some(e) = e {
                self.apply_enum(&mut schema, e);
            }
        }
        let ov = self
            .inp
            .overrides
            .operations
            .get(&op.python_name)
            .and_then(|o| o.parameters.get(&p.wire_name));
        if ov.is_some() {
            ov_used.insert(p.wire_name.clone());
        }
        let not_secret = ov.and_then(|o| o.not_secret) == Some(true);
        if let Value::Mapping(m) = &mut schema {
            if !not_secret && auto_secret(&p.wire_name, p.sensitive, m) {
                m.insert(s("format"), s("password"));
            }
            schema = Value::Mapping(order_schema(m.clone()));
        }
        let mut out = vec![
            ("name", s(&p.wire_name)),
            ("in", s(location)),
            ("required", Value::Bool(required)),
        ];
        let described = self.descriptions.parameter(&op.python_name, &p.wire_name);
        if let Some(d) = ov.and_then(|o| o.description.as_deref()).or(described) {
            out.push(("description", s(d)));
        }
        // How a list is sent. huaweicloudsdkcore sends every list query parameter as repeated
        // keys (`Client._parse_query_params` turns `csv` into `multi`, as the Go and Java SDKs
        // do), so query lists keep the default `explode: true` whatever the SDK declares.
        match (location, p.collection_format.as_deref()) {
            (_, None) | ("query", Some("csv" | "multi")) => {}
            (_, Some(other)) => {
                let w = self.dump_where();
                self.err(
                    &w,
                    format!(
                        "{ctx}: collection format `{other}` of a {location} parameter is not supported"
                    ),
                );
            }
        }
        out.push(("schema", schema));
        if let Some(e) = ov.and_then(|o| o.example.clone()) {
            out.push(("example", e));
        }
        if not_secret {
            out.push(("x-huaweicloud-not-secret", Value::Bool(true)));
        }
        map(out)
    }

    fn operation(&mut self, op: &OpDump) -> Value {
        let inp = self.inp;
        let ovf = self.overrides_file();
        let default_ov = Default::default();
        let ov = inp
            .overrides
            .operations
            .get(&op.python_name)
            .unwrap_or(&default_ov);
        let w = self.dump_where();
        if !op.post_params.is_empty() {
            self.err(
                &w,
                format!("{}: form parameters are not supported", op.python_name),
            );
        }
        if op.request_is_stream {
            self.err(
                &w,
                format!("{}: stream uploads are not supported", op.python_name),
            );
        }
        let Some(op_id) = op
            .request_type
            .strip_suffix("Request")
            .filter(|s| !s.is_empty())
        else {
            self.err(
                &w,
                format!(
                    "{}: request type `{}` does not end in `Request`",
                    op.python_name, op.request_type
                ),
            );
            return Value::Null;
        };
        let mut out: Vec<(&str, Value)> = vec![("operationId", s(op_id))];
        if naming::snake(op_id) != op.python_name {
            out.push(("x-rust-name", s(&op.python_name)));
        }
        if let Some(b) = ov.idempotent {
            out.push(("x-huaweicloud-idempotent", Value::Bool(b)));
        }
        if op.body.is_none() {
            if let Some(ct) = &op.content_type {
                out.push(("x-huaweicloud-content-type", s(ct)));
            }
        }
        if let Some(a) = &ov.aliases {
            out.push((
                "x-rust-aliases",
                Value::Sequence(a.iter().map(|x| s(x)).collect()),
            ));
        }
        if let Some(a) = &ov.doc_aliases {
            out.push((
                "x-rust-doc-aliases",
                Value::Sequence(a.iter().map(|x| s(x)).collect()),
            ));
        }
        if let Some(w) = &ov.waiters {
            out.push(("x-huaweicloud-waiters", w.clone()));
        }
        let summary = match (&ov.summary, inp.summaries.get(&op.python_name)) {
            (Some(x), _) | (None, Some(x)) => x.clone(),
            (None, None) => {
                if !inp.allow_missing_summaries {
                    self.err(
                        inp.summaries_file,
                        format!("missing summary for operation `{}`", op.python_name),
                    );
                }
                TODO_SUMMARY.to_owned()
            }
        };
        out.push(("summary", s(&summary)));
        if let Some(d) = &ov.description {
            out.push(("description", s(d)));
        }
        if let Some(t) = &ov.tags {
            out.push(("tags", Value::Sequence(t.iter().map(|x| s(x)).collect())));
        }

        // Parameters.
        let mut params = Vec::new();
        let mut used = BTreeSet::new();
        for (loc, list) in [
            ("path", &op.path_params),
            ("query", &op.query_params),
            ("header", &op.header_params),
        ] {
            for p in list {
                params.push(self.parameter(op, p, loc, &mut used));
            }
        }
        for name in ov.parameters.keys() {
            if !used.contains(name) {
                self.err(
                    &ovf,
                    format!(
                        "operations.{}.parameters.{name}: no such parameter",
                        op.python_name
                    ),
                );
            }
        }
        if !params.is_empty() {
            out.push(("parameters", Value::Sequence(params)));
        }

        // Request body.
        if let Some(body) = &op.body {
            let schema = self.type_schema(&body.type_info, &format!("{}.body", op.python_name));
            let bov = ov.request_body.as_ref();
            let required = bov.and_then(|b| b.required).unwrap_or_else(|| {
                self.fact_model(&op.request_type)
                    .is_some_and(|f| f.required.iter().any(|r| r == "body"))
            });
            let mut media = vec![("schema", schema)];
            if let Some(e) = bov.and_then(|b| b.example.clone()) {
                media.push(("example", e));
            }
            let ct = op
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".to_owned());
            let mut content = Mapping::new();
            content.insert(s(&ct), map(media));
            let mut rb = vec![("required", Value::Bool(required))];
            if let Some(d) = bov.and_then(|b| b.description.as_deref()) {
                rb.push(("description", s(d)));
            }
            rb.push(("content", Value::Mapping(content)));
            out.push(("requestBody", map(rb)));
        } else if ov.request_body.is_some() {
            self.err(
                &ovf,
                format!(
                    "operations.{}.requestBody: the operation has no body",
                    op.python_name
                ),
            );
        }

        out.push(("responses", self.responses(op, ov)));
        map(out)
    }

    fn responses(&mut self, op: &OpDump, ov: &super::overrides::OperationOverride) -> Value {
        let ovf = self.overrides_file();
        let w = self.dump_where();
        let model = self.inp.service.models.get(&op.response_type);
        let Some(model) = model else {
            self.err(
                &w,
                format!(
                    "{}: response model `{}` missing",
                    op.python_name, op.response_type
                ),
            );
            return Value::Null;
        };
        // (status, default description, media type, schema)
        let (status, desc, media): (&str, &str, Option<(&str, Value)>) =
            if op.response_is_stream || model.kind == "stream_response" {
                (
                    "200",
                    "Success; the body is the raw content.",
                    Some((
                        "application/octet-stream",
                        map(vec![("type", s("string")), ("format", s("binary"))]),
                    )),
                )
            } else if let Some(attr) = &model.body_attribute {
                let Some(f) = model.fields.iter().find(|f| &f.python_name == attr) else {
                    self.err(
                        &w,
                        format!("{}: body attribute `{attr}` missing", op.response_type),
                    );
                    return Value::Null;
                };
                match &f.type_info {
                    TypeInfo::Primitive { name } if name == "str" => (
                        "200",
                        "Success; the body is plain text.",
                        Some(("text/plain", map(vec![("type", s("string"))]))),
                    ),
                    t => {
                        let t = t.clone();
                        let schema = self.type_schema(&t, &format!("{}.body", op.response_type));
                        ("200", "Success.", Some(("application/json", schema)))
                    }
                }
            } else if model.fields.iter().all(|f| f.response_header) {
                (
                    "204",
                    "Success; the service returns no body (any 2xx status is accepted).",
                    None,
                )
            } else {
                (
                    "200",
                    "Success.",
                    Some(("application/json", schema_ref(&op.response_type))),
                )
            };

        let mut responses = Mapping::new();
        let sov = ov.responses.get(status);
        let mut success = vec![(
            "description",
            s(sov.and_then(|o| o.description.as_deref()).unwrap_or(desc)),
        )];
        if sov.is_some_and(|o| o.schema.is_some()) {
            self.err(&ovf, format!("operations.{}.responses.{status}.schema: the success schema comes from the SDK", op.python_name));
        }
        // Fields the SDK fills from response headers (`X-Subject-Token`).
        let header_fields: Vec<_> = model
            .fields
            .iter()
            .filter(|f| f.response_header && op.response_headers.contains(&f.wire_name))
            .collect();
        if !header_fields.is_empty() {
            let mut headers = Mapping::new();
            for f in header_fields {
                let ctx = format!("{}.{}", op.response_type, f.wire_name);
                let Value::Mapping(mut schema) = self.type_schema(&f.type_info, &ctx) else {
                    continue;
                };
                if auto_secret(&f.wire_name, f.sensitive, &schema) {
                    schema.insert(s("format"), s("password"));
                }
                headers.insert(
                    s(&f.wire_name),
                    map(vec![("schema", Value::Mapping(order_schema(schema)))]),
                );
            }
            success.push(("headers", Value::Mapping(headers)));
        }
        match media {
            Some((mt, schema)) => {
                let mut m = vec![("schema", schema)];
                if let Some(e) = sov.and_then(|o| o.example.clone()) {
                    m.push(("example", e));
                }
                let mut content = Mapping::new();
                content.insert(s(mt), map(m));
                success.push(("content", Value::Mapping(content)));
            }
            None => {
                if sov.is_some_and(|o| o.example.is_some()) {
                    self.err(
                        &ovf,
                        format!(
                            "operations.{}.responses.{status}.example: the response has no body",
                            op.python_name
                        ),
                    );
                }
            }
        }
        responses.insert(s(status), map(success));
        for (code, r) in &ov.responses {
            if code == status {
                continue;
            }
            let here = format!("operations.{}.responses.{code}", op.python_name);
            if !code.parse::<u16>().is_ok_and(|c| (400..600).contains(&c)) {
                self.err(
                    &ovf,
                    format!(
                        "{here}: the success status is `{status}`; other codes must be 4xx/5xx"
                    ),
                );
                continue;
            }
            let Some(d) = &r.description else {
                self.err(&ovf, format!("{here}: description is required"));
                continue;
            };
            let mut e = vec![("description", s(d))];
            if let Some(schema) = &r.schema {
                if !self.inp.service.models.contains_key(schema)
                    && !self.inp.overrides.extra_schemas.contains_key(schema)
                {
                    self.err(&ovf, format!("{here}.schema: unknown schema `{schema}`"));
                }
                self.schema_names.insert(schema.clone());
                let mut m = vec![("schema", schema_ref(schema))];
                if let Some(ex) = &r.example {
                    m.push(("example", ex.clone()));
                }
                e.push(("content", map(vec![("application/json", map(m))])));
            } else if r.example.is_some() {
                self.err(&ovf, format!("{here}.example: needs a schema"));
            }
            responses.insert(s(code), map(e));
        }
        Value::Mapping(responses)
    }

    // ----- models -----------------------------------------------------------------------

    /// Whether a dump model becomes a component schema: plain models always; responses only
    /// when their body is the model itself (not a bare body, a stream or nothing).
    fn emits_model(m: &super::dump::ModelDump) -> bool {
        match m.kind.as_str() {
            "model" => true,
            "response" => m.body_attribute.is_none() && m.fields.iter().any(|f| !f.response_header),
            _ => false,
        }
    }

    fn model(&mut self, name: &str) -> Value {
        let inp = self.inp;
        let ovf = self.overrides_file();
        let m = &inp.service.models[name];
        let default_ov = Default::default();
        let ov = inp.overrides.schemas.get(name).unwrap_or(&default_ov);
        let fact = self.fact_model(name);
        let mut out = vec![("type", s("object"))];
        if let Some(d) = &ov.description {
            out.push(("description", s(d)));
        }
        let fields: Vec<_> = m.fields.iter().filter(|f| !f.response_header).collect();
        let required: Vec<Value> = fields
            .iter()
            .filter(|f| {
                fact.is_some_and(|fm| fm.required.contains(&f.wire_name))
                    || ov.required.contains(&f.wire_name)
            })
            .map(|f| s(&f.wire_name))
            .collect();
        if !required.is_empty() {
            out.push(("required", Value::Sequence(required)));
        }
        let mut props = Mapping::new();
        for f in &fields {
            let mut schema = self.type_schema(&f.type_info, &format!("{name}.{}", f.wire_name));
            if let Some(e) = fact.and_then(|fm| fm.enums.get(&f.wire_name)) {
                self.apply_enum(&mut schema, e);
            }
            let Value::Mapping(mut pm) = schema else {
                unreachable!()
            };
            let po = ov.properties.get(&f.wire_name);
            // A reviewed opt-out wins over the SDK's sensitive list (a key-pair name is not a
            // secret even where the SDK flags it).
            let opted_out = po
                .and_then(|po| po.get("x-huaweicloud-not-secret"))
                .and_then(Value::as_bool)
                == Some(true);
            if !opted_out && auto_secret(&f.wire_name, f.sensitive, &pm) {
                pm.insert(s("format"), s("password"));
            }
            let described = self.descriptions.property(name, &f.wire_name);
            let text = po
                .and_then(|po| po.get("description"))
                .map(|v| v.as_str().unwrap_or_default())
                .or(described);
            if let Some(text) = text {
                // An integer-enum note stays after the hand-written text.
                let d = match pm.get("description").and_then(Value::as_str) {
                    Some(note) => format!("{text} {note}"),
                    None => text.to_owned(),
                };
                pm.insert(s("description"), s(&d));
            }
            for (k, v) in po.into_iter().flatten() {
                let key = k.as_str().unwrap_or("");
                if !PROPERTY_KEYS.contains(&key) {
                    self.err(
                        &ovf,
                        format!(
                            "schemas.{name}.properties.{}: key `{key}` cannot be overridden",
                            f.wire_name
                        ),
                    );
                } else if key != "description" {
                    pm.insert(k.clone(), v.clone());
                }
            }
            props.insert(s(&f.wire_name), Value::Mapping(order_schema(pm)));
        }
        for p in &ov.required {
            if !fields.iter().any(|f| &f.wire_name == p) {
                self.err(
                    &ovf,
                    format!("schemas.{name}.required: no such property `{p}`"),
                );
            }
        }
        for p in ov.properties.keys() {
            if !fields.iter().any(|f| &f.wire_name == p) {
                self.err(
                    &ovf,
                    format!("schemas.{name}.properties.{p}: no such property"),
                );
            }
        }
        if !props.is_empty() {
            out.push(("properties", Value::Mapping(props)));
        }
        map(out)
    }

    /// An `extra_schemas` model as written, plus the `descriptions.yaml` text of each
    /// property that has no description of its own.
    fn describe_extra_schema(&mut self, name: &str, mut schema: Value) -> Value {
        let props = schema
            .get_mut("properties")
            .and_then(Value::as_mapping_mut)
            .into_iter()
            .flatten();
        for (wire, prop) in props {
            let (Some(wire), Value::Mapping(prop)) = (wire.as_str(), prop) else {
                continue;
            };
            if let Some(text) = self.descriptions.property(name, wire) {
                if !prop.contains_key("description") {
                    prop.insert(s("description"), s(text));
                }
            }
        }
        schema
    }

    /// Adds `x-huaweicloud-pagination` (automatic rule or override) before `summary`.
    fn mark_pagination(
        &mut self,
        dump: &OpDump,
        method: &str,
        op: Value,
        schemas: &BTreeMap<String, Value>,
    ) -> Value {
        let python_name = dump.python_name.as_str();
        let ov = self
            .inp
            .overrides
            .operations
            .get(python_name)
            .and_then(|o| o.pagination.as_ref());
        let hints = super::pagination::Hints::from_docs(
            dump.query_params
                .iter()
                .filter_map(|p| Some((p.wire_name.as_str(), p.doc.as_deref()?))),
        );
        let detected = super::pagination::detect(method, &op, schemas, &hints);
        let mark = match super::pagination::apply_override(detected, ov) {
            Ok(m) => m,
            Err(e) => {
                let ovf = self.overrides_file();
                self.err(&ovf, format!("operations.{python_name}.{e}"));
                None
            }
        };
        let (Some(mark), Value::Mapping(fields)) = (mark, &op) else {
            return op;
        };
        let mut out = Mapping::new();
        for (k, v) in fields {
            if k.as_str() == Some("summary") {
                out.insert(s(super::pagination::KEY), mark.clone());
            }
            out.insert(k.clone(), v.clone());
        }
        Value::Mapping(out)
    }

    // ----- document ---------------------------------------------------------------------

    fn service_meta(&mut self) -> Value {
        let meta = &self.inp.overrides.service;
        let mut out = vec![
            ("name", s(&meta.name)),
            ("crate", s(&meta.krate)),
            ("title", s(&meta.title)),
        ];
        if let Some(docs) = &meta.docs {
            if docs != crate::spec::keys::DOCS_REVIEWED {
                let ovf = self.overrides_file();
                self.err(
                    &ovf,
                    format!(
                        "x-huaweicloud-service.docs: `{docs}` (the only value is `{}`)",
                        crate::spec::keys::DOCS_REVIEWED
                    ),
                );
            }
            out.push(("docs", s(docs)));
        }
        match self.inp.service.credentials.as_deref() {
            None | Some("regional") => {}
            Some(kind @ ("global" | "unscoped" | "anonymous")) => {
                out.push(("credentials", s(kind)))
            }
            Some(other) => {
                let at = format!("{}: credentials", self.inp.service.module);
                self.err(
                    &at,
                    format!("the official client takes credentials of its own (`{other}`), which have no equivalent here"),
                );
            }
        }
        // The official clients' own exception handlers: CCE's reads its own error layout.
        match self.inp.service.exception_handler.as_deref() {
            None => {}
            Some("CceExceptionHandler") => out.push(("errors", s("cce"))),
            Some(other) => {
                let at = format!("{}: exception_handler", self.inp.service.module);
                self.err(
                    &at,
                    format!("the official client reads errors with its own `{other}`, which has no error format here"),
                );
            }
        }
        map(out)
    }

    pub fn build(mut self) -> Result<Value, Vec<String>> {
        let inp = self.inp;
        let ovf = self.overrides_file();
        let o = inp.overrides;
        let version = inp.service.version.clone();

        // Operations, grouped by path key then method. Several operations on one method and
        // path (ECS start/stop/reboot on `POST .../cloudservers/action`) are keyed
        // `<path>#<operationId>` (specs/README.md, "Operations").
        let mut shared: BTreeMap<(String, String), usize> = BTreeMap::new();
        for op in &inp.service.operations {
            *shared
                .entry((op.method.to_ascii_lowercase(), op.resource_path.clone()))
                .or_default() += 1;
        }
        let mut paths: BTreeMap<String, BTreeMap<usize, Value>> = BTreeMap::new();
        // (path key, method index) -> operation, to find overrides and paging facts.
        let mut by_key: BTreeMap<(String, usize), &OpDump> = BTreeMap::new();
        let mut op_ids: BTreeMap<String, String> = BTreeMap::new();
        for op in &inp.service.operations {
            let method = op.method.to_ascii_lowercase();
            let Some(mi) = METHOD_ORDER.iter().position(|m| *m == method) else {
                let w = self.dump_where();
                self.err(
                    &w,
                    format!("{}: unsupported method `{}`", op.python_name, op.method),
                );
                continue;
            };
            let id = op.request_type.trim_end_matches("Request").to_owned();
            if let Some(prev) = op_ids.insert(id.clone(), op.python_name.clone()) {
                let w = self.dump_where();
                self.err(
                    &w,
                    format!("operationId `{id}` of `{}` and `{prev}`", op.python_name),
                );
            }
            let v = self.operation(op);
            let key = if shared[&(method.clone(), op.resource_path.clone())] > 1 {
                format!("{}#{id}", op.resource_path)
            } else {
                op.resource_path.clone()
            };
            by_key.insert((key.clone(), mi), op);
            if paths.entry(key).or_default().insert(mi, v).is_some() {
                let w = self.dump_where();
                self.err(
                    &w,
                    format!(
                        "{}: two operations for {} {}",
                        op.python_name, op.method, op.resource_path
                    ),
                );
            }
        }
        for name in o.operations.keys() {
            if !inp
                .service
                .operations
                .iter()
                .any(|op| &op.python_name == name)
            {
                self.err(&ovf, format!("operations.{name}: no such operation"));
            }
        }
        for name in inp.summaries.keys() {
            if !inp
                .service
                .operations
                .iter()
                .any(|op| &op.python_name == name)
            {
                self.err(inp.summaries_file, format!("`{name}`: no such operation"));
            }
        }
        for (name, summary) in inp.summaries {
            if summary.trim().is_empty() {
                self.err(inp.summaries_file, format!("`{name}`: empty summary"));
            }
        }
        // Schemas.
        let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
        let names: Vec<String> = inp
            .service
            .models
            .iter()
            .filter(|(_, m)| Self::emits_model(m))
            .map(|(n, _)| n.clone())
            .collect();
        for n in &names {
            let v = self.model(n);
            schemas.insert(n.clone(), v);
        }
        for (n, v) in &o.extra_schemas {
            let v = self.describe_extra_schema(n, v.clone());
            if schemas.insert(n.clone(), v).is_some() {
                self.err(
                    &ovf,
                    format!("extra_schemas.{n}: the SDK already has this model"),
                );
            }
        }
        for n in o.schemas.keys() {
            if !names.contains(n) {
                self.err(&ovf, format!("schemas.{n}: no such model (or not emitted)"));
            }
        }
        let _ = &self.schema_names;
        let models: BTreeSet<&str> = names
            .iter()
            .chain(o.extra_schemas.keys())
            .map(String::as_str)
            .collect();
        let operations: BTreeSet<&str> = inp
            .service
            .operations
            .iter()
            .map(|op| op.python_name.as_str())
            .collect();
        let descriptions_file = format!("specs/{}/descriptions.yaml", inp.key);
        for e in self.descriptions.unused(&models, &operations) {
            self.err(&descriptions_file, e);
        }

        let mut paths_map = Mapping::new();
        for (path, ops) in paths {
            let mut item = Mapping::new();
            for (mi, v) in ops {
                let v = match by_key.get(&(path.clone(), mi)) {
                    Some(op) => self.mark_pagination(op, METHOD_ORDER[mi], v, &schemas),
                    None => v,
                };
                item.insert(s(METHOD_ORDER[mi]), v);
            }
            paths_map.insert(s(&path), Value::Mapping(item));
        }

        let regions: Vec<Value> = inp
            .service
            .regions
            .iter()
            .map(|r| {
                map(vec![
                    ("id", s(&r.id)),
                    (
                        "endpoints",
                        Value::Sequence(r.endpoints.iter().map(|e| s(e)).collect()),
                    ),
                ])
            })
            .collect();
        let mut sorted = inp
            .service
            .regions
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != regions.len()
            || inp
                .service
                .regions
                .iter()
                .map(|r| r.id.as_str())
                .ne(sorted.iter().copied())
        {
            let w = self.dump_where();
            self.err(&w, "regions must be unique and sorted by id");
        }

        let mut doc = vec![
            ("openapi", s("3.0.3")),
            (
                "info",
                map(vec![
                    ("title", s(&o.info.title)),
                    ("version", s(&version)),
                    ("description", s(&o.info.description)),
                ]),
            ),
            ("x-huaweicloud-service", self.service_meta()),
            ("x-huaweicloud-regions", Value::Sequence(regions)),
            ("servers", o.servers.clone()),
        ];
        if let Some(t) = &o.tags {
            doc.push(("tags", t.clone()));
        }
        doc.push(("paths", Value::Mapping(paths_map)));
        let mut sm = Mapping::new();
        for (n, v) in schemas {
            sm.insert(s(&n), v);
        }
        doc.push(("components", map(vec![("schemas", Value::Mapping(sm))])));
        if self.errors.is_empty() {
            Ok(map(doc))
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::strip_doc_markup;

    #[test]
    fn doc_markup_is_stripped_from_enum_values() {
        assert_eq!(
            strip_doc_markup("[dms.physical.storage.general](tag:hws,hws_hk,dt,ax)"),
            "dms.physical.storage.general"
        );
        for plain in ["dms.physical.storage.high.v2", "[", "[x]", "a](b)", ""] {
            assert_eq!(strip_doc_markup(plain), plain);
        }
    }
}
