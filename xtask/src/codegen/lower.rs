//! openapiv3 -> IR. Collects every diagnostic; never panics on spec content.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Diagnostic;
use super::ir::*;
use super::load::{Loaded, escape_pointer};
use super::naming;

mod waiters;

/// Path placeholders filled by the client from the credentials.
pub const RESERVED_PLACEHOLDERS: &[&str] = &["project_id", "domain_id"];

const SCHEMA_PREFIX: &str = "#/components/schemas/";
const PARAMETER_PREFIX: &str = "#/components/parameters/";

/// Lowers a loaded spec.
pub fn lower(loaded: &Loaded) -> Result<Service, Vec<Diagnostic>> {
    let mut l = Lowerer {
        file: &loaded.file,
        raw: &loaded.raw,
        api: &loaded.api,
        diags: Vec::new(),
        schema_names: BTreeMap::new(),
        models: BTreeMap::new(),
        urlencoded_models: BTreeSet::new(),
    };
    let service = l.service(loaded);
    if l.diags.is_empty() {
        service.ok_or_else(Vec::new)
    } else {
        Err(l.diags)
    }
}

struct Lowerer<'a> {
    file: &'a str,
    raw: &'a Value,
    api: &'a OpenAPI,
    diags: Vec<Diagnostic>,
    /// Spec schema name -> Rust type name.
    schema_names: BTreeMap<String, String>,
    /// Rust type name -> model.
    models: BTreeMap<String, Model>,
    /// Models sent as `application/x-www-form-urlencoded` bodies.
    urlencoded_models: BTreeSet<String>,
}

/// A `ReferenceOr<Schema>` or `ReferenceOr<Box<Schema>>`, borrowed.
enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

fn boxed(r: &ReferenceOr<Box<Schema>>) -> SchemaRef<'_> {
    match r {
        ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        ReferenceOr::Item(s) => SchemaRef::Item(s),
    }
}

fn unboxed(r: &ReferenceOr<Schema>) -> SchemaRef<'_> {
    match r {
        ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        ReferenceOr::Item(s) => SchemaRef::Item(s),
    }
}

fn ptr(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer(token))
}

impl<'a> Lowerer<'a> {
    /// `x-rust-doc-aliases` of the operation at `op_ptr`: snake_case words that are neither
    /// the method's name nor one of its `aliases` (rustdoc rejects an alias equal to the
    /// item's name, and a callable alias is found already), sorted, without repeats.
    fn doc_aliases(&mut self, op_ptr: &str, rust_name: &str, aliases: &[String]) -> Vec<String> {
        let key = format!("{op_ptr}/x-rust-doc-aliases");
        let Some(v) = self.raw_at(&key) else {
            return Vec::new();
        };
        let Some(items) = v.as_array() else {
            self.err(&key, "x-rust-doc-aliases must be an array of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, a) in items.iter().enumerate() {
            match a.as_str() {
                Some(s) if naming::is_snake_ident(s) && s != rust_name && !aliases.iter().any(|a| a == s) => {
                    out.push(s.to_owned());
                }
                _ => self.err(
                    &format!("{key}/{i}"),
                    "doc alias must be a snake_case identifier other than the method name and its x-rust-aliases",
                ),
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.file, pointer, message));
    }

    fn raw_at(&self, pointer: &str) -> Option<&'a Value> {
        self.raw.pointer(pointer)
    }

    fn service(&mut self, loaded: &Loaded) -> Option<Service> {
        self.check_extension_keys();
        if !self.api.openapi.starts_with("3.0.") {
            self.err(
                "/openapi",
                format!(
                    "unsupported OpenAPI version `{}` (3.0.x expected)",
                    self.api.openapi
                ),
            );
        }
        let (name, crate_name, title) = self.service_ext().unwrap_or_default();
        let cce_errors = self.cce_errors();
        let credentials = self.credential_kind();
        let regions = self.regions();
        self.register_schemas();
        self.lower_schemas();
        let operations = self.operations();
        self.check_form_models();
        self.check_header_models(&operations);
        let dir = loaded
            .file
            .rsplit('/')
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let version = loaded
            .file
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".yaml")
            .to_owned();
        let mut models: Vec<Model> = std::mem::take(&mut self.models).into_values().collect();
        models.sort_by(|a, b| a.name.cmp(&b.name));
        box_direct_cycles(&mut models);
        Some(Service {
            name,
            crate_name,
            title,
            credentials,
            cce_errors,
            api_title: self.api.info.title.clone(),
            description: self.api.info.description.clone().unwrap_or_default(),
            spec_path: loaded.file.clone(),
            spec_sha256: loaded.sha256.clone(),
            dir,
            version,
            module: None,
            regions,
            operations,
            models,
        })
    }

    // ----- extension keys -------------------------------------------------------------

    /// Flags `x-` keys outside the allow-list of specs/README.md (one list, shared with
    /// `cargo xtask spec lint`).
    fn check_extension_keys(&mut self) {
        for m in crate::spec::keys::misplaced_keys(self.raw) {
            self.err(
                &m.pointer,
                format!(
                    "unknown extension key `{}` (see specs/README.md, \"Extension keys\")",
                    m.key
                ),
            );
        }
    }

    // ----- document-level extensions --------------------------------------------------

    fn service_ext(&mut self) -> Option<(String, String, String)> {
        const P: &str = "/x-huaweicloud-service";
        let Some(v) = self.raw_at(P) else {
            self.err(
                P,
                "missing x-huaweicloud-service (object with name, crate, title)",
            );
            return None;
        };
        let mut get = |key: &str| -> Option<String> {
            match v.get(key).and_then(Value::as_str) {
                Some(s) if !s.is_empty() => Some(s.to_owned()),
                _ => {
                    self.err(
                        &format!("{P}/{key}"),
                        format!("missing or empty string `{key}`"),
                    );
                    None
                }
            }
        };
        let name = get("name");
        let krate = get("crate");
        let title = get("title");
        if let Some(name) = &name {
            if !name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                self.err(
                    &format!("{P}/name"),
                    format!("service name `{name}` must be upper-case ASCII"),
                );
            }
        }
        if let Some(krate) = &krate {
            if !krate.starts_with("huaweicloud-sdk-")
                || !krate
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                self.err(
                    &format!("{P}/crate"),
                    format!("crate name `{krate}` must match huaweicloud-sdk-[a-z0-9-]+"),
                );
            }
        }
        Some((name?, krate?, title?))
    }

    /// `x-huaweicloud-service.errors`: absent or `standard`, or `cce` (CCE's error layout).
    fn cce_errors(&mut self) -> bool {
        const P: &str = "/x-huaweicloud-service/errors";
        match self.raw.pointer(P) {
            None => false,
            Some(Value::String(s)) if s == "standard" => false,
            Some(Value::String(s)) if s == "cce" => true,
            Some(other) => {
                self.err(P, format!("errors {other} is neither `standard` nor `cce`"));
                false
            }
        }
    }

    /// `x-huaweicloud-service.credentials`: absent or `regional` (project-scoped, the
    /// default), `global` (`GlobalCredentials`), `unscoped` (signed, neither id) or
    /// `anonymous` (neither signed nor scoped).
    fn credential_kind(&mut self) -> CredentialKind {
        const P: &str = "/x-huaweicloud-service/credentials";
        match self.raw.pointer(P) {
            None => CredentialKind::Regional,
            Some(Value::String(s)) if s == "regional" => CredentialKind::Regional,
            Some(Value::String(s)) if s == "global" => CredentialKind::Global,
            Some(Value::String(s)) if s == "unscoped" => CredentialKind::Unscoped,
            Some(Value::String(s)) if s == "anonymous" => CredentialKind::Anonymous,
            Some(other) => {
                self.err(
                    P,
                    format!(
                        "credentials {other} is none of `regional`, `global`, `unscoped`, `anonymous`"
                    ),
                );
                CredentialKind::Regional
            }
        }
    }

    fn regions(&mut self) -> Vec<Region> {
        const P: &str = "/x-huaweicloud-regions";
        let Some(items) = self.raw_at(P).and_then(Value::as_array) else {
            self.err(
                P,
                "missing x-huaweicloud-regions (array of {id, endpoints})",
            );
            return Vec::new();
        };
        let mut out: Vec<Region> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{P}/{i}");
            let id = item.get("id").and_then(Value::as_str);
            let endpoints: Option<Vec<String>> =
                item.get("endpoints").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                });
            match (id, endpoints) {
                (Some(id), Some(eps)) if !eps.is_empty() => {
                    if let Some(prev) = out.last() {
                        if prev.id.as_str() >= id {
                            self.err(
                                &format!("{here}/id"),
                                format!("region `{id}` is duplicated or out of order (sort by id)"),
                            );
                        }
                    }
                    for (j, e) in eps.iter().enumerate() {
                        if !e.starts_with("https://") {
                            self.err(
                                &format!("{here}/endpoints/{j}"),
                                format!("endpoint `{e}` must be an https:// URL"),
                            );
                        }
                    }
                    out.push(Region {
                        id: id.to_owned(),
                        endpoints: eps,
                    });
                }
                _ => self.err(
                    &here,
                    "region needs a string `id` and a non-empty string array `endpoints`",
                ),
            }
        }
        out
    }

    // ----- models -----------------------------------------------------------------------

    fn component_schemas(&self) -> Vec<(&'a String, &'a ReferenceOr<Schema>)> {
        match &self.api.components {
            Some(c) => c.schemas.iter().collect(),
            None => Vec::new(),
        }
    }

    fn register_schemas(&mut self) {
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        for (name, _) in self.component_schemas() {
            let rust = naming::pascal(name);
            let here = ptr("/components/schemas", name);
            let clash = [rust.clone(), format!("{rust}Builder")]
                .into_iter()
                .find_map(|c| taken.get(&c).map(|other| (c, other.clone())));
            if let Some((candidate, other)) = clash {
                self.err(&here, format!("schema `{name}` and schema `{other}` both map to the Rust name `{candidate}`"));
                continue;
            }
            taken.insert(rust.clone(), name.clone());
            taken.insert(format!("{rust}Builder"), name.clone());
            self.schema_names.insert(name.clone(), rust);
        }
    }

    fn add_model(&mut self, pointer: &str, model: Model) {
        if self.models.contains_key(&model.name)
            || self.models.contains_key(&format!("{}Builder", model.name))
            || (model.name.ends_with("Builder")
                && self
                    .models
                    .contains_key(model.name.trim_end_matches("Builder")))
        {
            self.err(
                pointer,
                format!(
                    "duplicate model name `{}` after Rust conversion",
                    model.name
                ),
            );
            return;
        }
        self.models.insert(model.name.clone(), model);
    }

    /// Adds the enum of an inline schema, named `hint` unless that name is taken: an identical
    /// enum of that name is reused, otherwise the first free `{hint}2`, `{hint}3`, ... is used
    /// (a component schema `ListTemplate` with a `file_type` enum and the query parameter
    /// `file_type` of the operation `ListTemplate` both hint `ListTemplateFileType`).
    fn add_inline_enum(
        &mut self,
        hint: &str,
        description: Option<String>,
        variants: Vec<Variant>,
    ) -> String {
        let values = |vs: &[Variant]| vs.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
        for n in 1u32.. {
            let name = if n == 1 {
                hint.to_owned()
            } else {
                format!("{hint}{n}")
            };
            if let Some(existing) = self.models.get(&name) {
                match &existing.kind {
                    ModelKind::Enum(known) if values(known) == values(&variants) => return name,
                    _ => continue,
                }
            }
            let builder = format!("{name}Builder");
            let reserved = |n: &str| self.schema_names.values().any(|v| v == n);
            if self.models.contains_key(&builder)
                || reserved(&name)
                || reserved(&builder)
                || name
                    .strip_suffix("Builder")
                    .is_some_and(|base| self.models.contains_key(base) || reserved(base))
            {
                continue;
            }
            self.models.insert(
                name.clone(),
                Model {
                    name: name.clone(),
                    description,
                    kind: ModelKind::Enum(variants),
                    form: false,
                },
            );
            return name;
        }
        unreachable!("some numbered name is free")
    }

    fn lower_schemas(&mut self) {
        for (name, schema) in self.component_schemas() {
            let here = ptr("/components/schemas", name);
            let Some(rust) = self.schema_names.get(name).cloned() else {
                continue;
            };
            let schema = match schema {
                ReferenceOr::Reference { .. } => {
                    self.err(
                        &format!("{here}/$ref"),
                        "unsupported: a component schema that is only a $ref (alias)",
                    );
                    continue;
                }
                ReferenceOr::Item(s) => s,
            };
            let description = schema.schema_data.description.clone();
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(obj)) => {
                    if !matches!(
                        obj.additional_properties,
                        None | Some(AdditionalProperties::Any(true))
                    ) {
                        self.err(&format!("{here}/additionalProperties"), "unsupported: additionalProperties on a model with properties (use a map-typed property)");
                    }
                    let fields = self.fields(&here, &rust, &obj.properties, &obj.required);
                    self.add_model(
                        &here,
                        Model {
                            name: rust,
                            description,
                            kind: ModelKind::Struct(fields),
                            form: false,
                        },
                    );
                }
                SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                    if let Some(variants) = self.variants(&here, &s.enumeration) {
                        self.add_model(
                            &here,
                            Model {
                                name: rust,
                                description,
                                kind: ModelKind::Enum(variants),
                                form: false,
                            },
                        );
                    }
                }
                other => {
                    let what = kind_name(other);
                    self.err(&here, format!("unsupported: component schema of kind {what} (must be an object or a string enum)"));
                }
            }
        }
    }

    fn fields(
        &mut self,
        model_ptr: &str,
        model: &str,
        props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
    ) -> Vec<Field> {
        for (i, r) in required.iter().enumerate() {
            if !props.contains_key(r) {
                self.err(
                    &format!("{model_ptr}/required/{i}"),
                    format!("required field `{r}` is not a property"),
                );
            }
        }
        let mut out: Vec<Field> = Vec::new();
        let mut seen_fields: BTreeMap<String, String> = BTreeMap::new();
        let mut seen_setters: BTreeMap<String, String> = BTreeMap::new();
        for (wire, prop) in props {
            let here = ptr(&format!("{model_ptr}/properties"), wire);
            let rust_name = match self.raw_at(&format!("{here}/x-rust-name")) {
                Some(Value::String(s)) if naming::is_snake_ident(s) => s.clone(),
                Some(_) => {
                    self.err(
                        &format!("{here}/x-rust-name"),
                        "x-rust-name must be a snake_case identifier string",
                    );
                    naming::snake(wire)
                }
                None => naming::snake(wire),
            };
            let field_name = naming::field_name(&rust_name);
            let setter = naming::setter_name(&rust_name);
            if let Some(other) = seen_fields.insert(field_name.clone(), wire.clone()) {
                self.err(
                    &here,
                    format!(
                        "fields `{other}` and `{wire}` both map to the Rust field `{field_name}`"
                    ),
                );
                continue;
            }
            let list = self
                .raw_at(&format!("{here}/type"))
                .is_some_and(|t| t == "array");
            let clash = std::iter::once(setter.clone())
                .chain(naming::extra_builder_methods(&field_name, list))
                .find_map(|m| Some((seen_setters.insert(m.clone(), wire.clone())?, m)));
            if let Some((other, method)) = clash {
                self.err(
                    &here,
                    format!(
                        "fields `{other}` and `{wire}` both map to the builder method `{method}`"
                    ),
                );
                continue;
            }
            let hint = format!("{model}{}", naming::pascal(&rust_name));
            let Some(ty) = self.type_of(&here, boxed(prop), &hint) else {
                continue;
            };
            let (description, example, secret, constraints) = match prop {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data.example.clone(),
                    is_secret(s),
                    constraints(s),
                ),
                ReferenceOr::Reference { .. } => {
                    let d = self
                        .raw_at(&format!("{here}/description"))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    (d, None, false, Vec::new())
                }
            };
            out.push(Field {
                wire_name: wire.clone(),
                rust_name: field_name,
                setter,
                ty,
                required: required.contains(wire),
                description,
                example,
                secret,
                constraints,
                header: None,
                boxed: false,
            });
        }
        out
    }

    fn variants(&mut self, here: &str, values: &[Option<String>]) -> Option<Vec<Variant>> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut ok = true;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else {
                self.err(
                    &format!("{here}/enum/{i}"),
                    "unsupported: null in a string enum",
                );
                ok = false;
                continue;
            };
            let rust = naming::variant(v);
            if let Some(other) = seen.insert(rust.clone(), v.clone()) {
                self.err(
                    &format!("{here}/enum/{i}"),
                    format!("enum values `{other}` and `{v}` both map to the variant `{rust}`"),
                );
                ok = false;
            }
            out.push(Variant {
                value: v.clone(),
                rust_name: rust,
            });
        }
        ok.then_some(out)
    }

    fn resolve_schema_ref(&mut self, pointer: &str, reference: &str) -> Option<String> {
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            self.err(
                &format!("{pointer}/$ref"),
                format!("unsupported $ref `{reference}` (only {SCHEMA_PREFIX}<name>)"),
            );
            return None;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        match self.schema_names.get(&name) {
            Some(rust) => Some(rust.clone()),
            None => {
                self.err(
                    &format!("{pointer}/$ref"),
                    format!("dangling $ref `{reference}`: no such schema"),
                );
                None
            }
        }
    }

    /// The Rust type of a property (or array item / map value). `hint` names inline enums.
    fn type_of(&mut self, pointer: &str, schema: SchemaRef<'a>, hint: &str) -> Option<TypeRef> {
        let s = match schema {
            SchemaRef::Ref(r) => return self.resolve_schema_ref(pointer, r).map(TypeRef::Named),
            SchemaRef::Item(s) => s,
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                if st.enumeration.is_empty() {
                    // Files are checked to be multipart-only in `check_form_models`.
                    if matches!(
                        st.format,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                    ) {
                        return Some(TypeRef::File);
                    }
                    return Some(TypeRef::String);
                }
                let variants = self.variants(pointer, &st.enumeration)?;
                let name = self.add_inline_enum(hint, s.schema_data.description.clone(), variants);
                Some(TypeRef::Named(name))
            }
            // Integer enums stay plain integers; `constraints` lists the allowed values.
            SchemaKind::Type(Type::Integer(it)) => Some(integer_type(it)),
            SchemaKind::Type(Type::Number(_)) => Some(TypeRef::F64),
            SchemaKind::Type(Type::Boolean(_)) => Some(TypeRef::Bool),
            SchemaKind::Type(Type::Array(at)) => {
                let Some(items) = &at.items else {
                    self.err(pointer, "array without `items`");
                    return None;
                };
                let inner = self.type_of(&format!("{pointer}/items"), boxed(items), hint)?;
                Some(TypeRef::Vec(Box::new(inner)))
            }
            SchemaKind::Type(Type::Object(ot)) => {
                if !ot.properties.is_empty() {
                    self.err(&format!("{pointer}/properties"), "unsupported: inline object with properties (move it to components/schemas and use $ref)");
                    return None;
                }
                match &ot.additional_properties {
                    Some(AdditionalProperties::Schema(v)) => {
                        let inner = self.type_of(
                            &format!("{pointer}/additionalProperties"),
                            unboxed(v),
                            hint,
                        )?;
                        Some(TypeRef::Map(Box::new(inner)))
                    }
                    _ => Some(TypeRef::Value),
                }
            }
            SchemaKind::Any(any) => {
                let composite = !any.one_of.is_empty()
                    || !any.all_of.is_empty()
                    || !any.any_of.is_empty()
                    || any.not.is_some();
                if composite
                    || !any.properties.is_empty()
                    || any.items.is_some()
                    || any.typ.is_some()
                {
                    self.err(pointer, "unsupported: schema mixing keywords of several types (oneOf/anyOf/allOf/not, or properties without `type: object`)");
                    return None;
                }
                Some(TypeRef::Value)
            }
            other => {
                let what = kind_name(other);
                self.err(pointer, format!("unsupported: {what}"));
                None
            }
        }
    }

    // ----- operations --------------------------------------------------------------------

    fn operations(&mut self) -> Vec<Operation> {
        let mut out: Vec<Operation> = Vec::new();
        let mut op_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &self.api.paths.paths {
            let path_ptr = ptr("/paths", path);
            let item = match item {
                ReferenceOr::Reference { .. } => {
                    self.err(&format!("{path_ptr}/$ref"), "unsupported: path item $ref");
                    continue;
                }
                ReferenceOr::Item(i) => i,
            };
            if !path.starts_with('/') {
                self.err(&path_ptr, "path must start with `/`");
            }
            let (real_path, fragment) = split_path_key(path);
            if fragment.is_some_and(|f| f.is_empty() || f.contains(['{', '}', '/', '#'])) {
                self.err(
                    &path_ptr,
                    "the `#` fragment of a path key must be an operationId (see specs/README.md, \"Operations\")",
                );
            }
            for (m, op) in [("options", &item.options), ("trace", &item.trace)] {
                if op.is_some() {
                    self.err(
                        &ptr(&path_ptr, m),
                        format!("unsupported: HTTP method {}", m.to_uppercase()),
                    );
                }
            }
            let methods = [
                ("get", Method::Get, &item.get),
                ("put", Method::Put, &item.put),
                ("post", Method::Post, &item.post),
                ("delete", Method::Delete, &item.delete),
                ("patch", Method::Patch, &item.patch),
                ("head", Method::Head, &item.head),
            ];
            for (m, method, op) in methods {
                let Some(op) = op else { continue };
                let op_ptr = ptr(&path_ptr, m);
                let Some(lowered) =
                    self.operation(&op_ptr, real_path, method, op, &item.parameters)
                else {
                    continue;
                };
                let at = format!("{op_ptr}/operationId");
                if let Some(f) = fragment.filter(|f| *f != lowered.op_id) {
                    self.err(
                        &at,
                        format!(
                            "the path key's fragment `#{f}` must be this operation's operationId `{}`",
                            lowered.op_id
                        ),
                    );
                    continue;
                }
                if let Some(other) = op_ids.get(&lowered.op_id) {
                    self.err(
                        &at,
                        format!(
                            "duplicate operationId `{}` (also at {other})",
                            lowered.op_id
                        ),
                    );
                    continue;
                }
                op_ids.insert(lowered.op_id.clone(), op_ptr.clone());
                let keys: Vec<(String, String)> = std::iter::once(&lowered.rust_name)
                    .chain(&lowered.aliases)
                    .chain(lowered.waiters.iter().map(|w| &w.method))
                    .map(|n| (n.clone(), format!("the Rust method `{n}`")))
                    .chain([(
                        format!("type:{}", lowered.type_name),
                        format!("the builder type `{}`", lowered.type_name),
                    )])
                    .collect();
                if let Some((other, what)) = keys
                    .iter()
                    .find_map(|(k, what)| names.get(k).map(|o| (o.clone(), what)))
                {
                    self.err(
                        &at,
                        format!(
                            "operations `{other}` and `{}` both map to {what}",
                            lowered.op_id
                        ),
                    );
                    continue;
                }
                for (k, _) in keys {
                    names.insert(k, lowered.op_id.clone());
                }
                out.push(lowered);
            }
        }
        out.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
        out
    }

    fn operation(
        &mut self,
        op_ptr: &str,
        path: &str,
        method: Method,
        op: &'a openapiv3::Operation,
        path_level: &'a [ReferenceOr<Parameter>],
    ) -> Option<Operation> {
        let n_before = self.diags.len();
        let op_id = match &op.operation_id {
            Some(id) if !id.is_empty() => id.clone(),
            _ => {
                self.err(&format!("{op_ptr}/operationId"), "missing operationId");
                String::new()
            }
        };
        let rust_name = match self.raw_at(&format!("{op_ptr}/x-rust-name")) {
            Some(Value::String(s)) if naming::is_snake_ident(s) => s.clone(),
            Some(_) => {
                self.err(
                    &format!("{op_ptr}/x-rust-name"),
                    "x-rust-name must be a snake_case identifier string",
                );
                naming::snake(&op_id)
            }
            None => naming::snake(&op_id),
        };
        if naming::RESERVED_CLIENT_METHODS.contains(&rust_name.as_str()) {
            self.err(
                &format!("{op_ptr}/operationId"),
                format!(
                    "Rust method name `{rust_name}` clashes with a Client method; set x-rust-name"
                ),
            );
        }
        let type_name = naming::pascal(&rust_name);
        if naming::RESERVED_BUILDER_TYPES.contains(&type_name.as_str()) {
            self.err(
                &format!("{op_ptr}/operationId"),
                format!(
                    "builder type `{type_name}` clashes with a name imported by operations.rs; set x-rust-name"
                ),
            );
        }
        let mut aliases = Vec::new();
        if let Some(v) = self.raw_at(&format!("{op_ptr}/x-rust-aliases")) {
            match v.as_array() {
                Some(items) => {
                    for (i, a) in items.iter().enumerate() {
                        match a.as_str() {
                            Some(s) if naming::is_snake_ident(s) && s != rust_name => aliases.push(s.to_owned()),
                            _ => self.err(&format!("{op_ptr}/x-rust-aliases/{i}"), "alias must be a snake_case identifier different from the method name"),
                        }
                    }
                }
                None => self.err(
                    &format!("{op_ptr}/x-rust-aliases"),
                    "x-rust-aliases must be an array of strings",
                ),
            }
        }
        aliases.sort();
        aliases.dedup();
        let doc_aliases = self.doc_aliases(op_ptr, &rust_name, &aliases);
        let idempotent = match self.raw_at(&format!("{op_ptr}/x-huaweicloud-idempotent")) {
            None => method.default_idempotent(),
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.err(
                    &format!("{op_ptr}/x-huaweicloud-idempotent"),
                    "x-huaweicloud-idempotent must be a boolean",
                );
                method.default_idempotent()
            }
        };
        let ext_content_type = match self.raw_at(&format!("{op_ptr}/x-huaweicloud-content-type")) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.err(
                    &format!("{op_ptr}/x-huaweicloud-content-type"),
                    "x-huaweicloud-content-type must be a string",
                );
                None
            }
        };

        // Parameters: path-level first, operation-level override by (in, name).
        let mut params: Vec<(String, &'a Parameter)> = Vec::new();
        let path_ptr = op_ptr
            .rsplit_once('/')
            .map(|(p, _)| p.to_owned())
            .unwrap_or_default();
        for (base, list) in [
            (format!("{path_ptr}/parameters"), path_level),
            (format!("{op_ptr}/parameters"), &op.parameters[..]),
        ] {
            for (i, p) in list.iter().enumerate() {
                let here = format!("{base}/{i}");
                let Some(p) = self.resolve_parameter(&here, p) else {
                    continue;
                };
                let key = (location_key(p), p.parameter_data_ref().name.clone());
                params
                    .retain(|(_, q)| (location_key(q), q.parameter_data_ref().name.clone()) != key);
                params.push((here, p));
            }
        }
        let placeholders = placeholders(path);
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let mut header_params = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (here, p) in &params {
            let data = p.parameter_data_ref();
            let location = match p {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    self.err(&format!("{here}/in"), "unsupported: cookie parameter");
                    continue;
                }
            };
            // A declared `project_id` / `domain_id` is set by the caller (core prefers a bound
            // value over the credentials), e.g. CodeArts' own project ids.
            if location == ParamLocation::Path {
                if !placeholders.contains(&data.name) {
                    self.err(
                        &format!("{here}/name"),
                        format!("path parameter `{}` does not appear in the path", data.name),
                    );
                    continue;
                }
                if !data.required {
                    self.err(
                        &format!("{here}/required"),
                        "path parameters must be `required: true`",
                    );
                }
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Content(_) => {
                    self.err(
                        &format!("{here}/content"),
                        "unsupported: parameter with `content` (use `schema`)",
                    );
                    continue;
                }
                ParameterSchemaOrContent::Schema(s) => {
                    let hint = format!("{type_name}{}", naming::pascal(&data.name));
                    let what = format!("{} of {op_id}", data.name);
                    let schema_ptr = format!("{here}/schema");
                    let Some(ty) = self.param_type(&schema_ptr, unboxed(s), location, &hint, &what)
                    else {
                        continue;
                    };
                    ty
                }
            };
            let (ty, constraints) = ty;
            let csv = self.param_style(here, p, &ty);
            let secret = match &data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => is_secret(s),
                _ => false,
            };
            // Path and header values are text: strings, or scalars sent in their `Display` form.
            if location != ParamLocation::Query && !ty.is_scalar() {
                self.err(
                    &format!("{here}/schema"),
                    format!(
                        "unsupported: {} parameter of a list or model type",
                        location.as_str()
                    ),
                );
                continue;
            }
            let rust_name = naming::setter_name(&naming::snake(&data.name));
            if let Some(other) = seen.insert(rust_name.clone(), data.name.clone()) {
                self.err(
                    &format!("{here}/name"),
                    format!(
                        "parameters `{other}` and `{}` both map to the Rust name `{rust_name}`",
                        data.name
                    ),
                );
                continue;
            }
            let param = Param {
                name: data.name.clone(),
                rust_name,
                location,
                ty,
                required: data.required,
                description: data.description.clone(),
                example: data.example.clone(),
                constraints,
                csv,
                secret,
            };
            match location {
                ParamLocation::Path => path_params.push(param),
                ParamLocation::Query => query_params.push(param),
                ParamLocation::Header => header_params.push(param),
            }
        }
        for ph in &placeholders {
            if !RESERVED_PLACEHOLDERS.contains(&ph.as_str())
                && !path_params.iter().any(|p| &p.name == ph)
            {
                let declared_elsewhere = params
                    .iter()
                    .any(|(_, p)| &p.parameter_data_ref().name == ph);
                if !declared_elsewhere {
                    self.err(
                        op_ptr,
                        format!("path placeholder `{{{ph}}}` is not declared as a path parameter"),
                    );
                }
            }
        }

        // Request body.
        let mut content_type = ext_content_type.clone();
        let body = match &op.request_body {
            None => None,
            Some(ReferenceOr::Reference { .. }) => {
                self.err(
                    &format!("{op_ptr}/requestBody/$ref"),
                    "unsupported: requestBody $ref",
                );
                None
            }
            Some(ReferenceOr::Item(rb)) => {
                let rb_ptr = format!("{op_ptr}/requestBody");
                if ext_content_type.is_some() {
                    self.err(&format!("{op_ptr}/x-huaweicloud-content-type"), "x-huaweicloud-content-type must not be used together with requestBody (the media type key is the Content-Type)");
                }
                if rb.content.len() != 1 {
                    self.err(
                        &format!("{rb_ptr}/content"),
                        format!(
                            "unsupported: {} media types in a request body (exactly one expected)",
                            rb.content.len()
                        ),
                    );
                    None
                } else {
                    let (media, mt) = rb.content.first()?;
                    let mt_ptr = ptr(&format!("{rb_ptr}/content"), media);
                    let schema_ptr = format!("{mt_ptr}/schema");
                    match body_encoding(media) {
                        Err(why) => {
                            self.err(&mt_ptr, why);
                            None
                        }
                        Ok(encoding) => {
                            content_type = Some(media.clone());
                            let ty = match (&mt.schema, encoding) {
                                (Some(ReferenceOr::Reference { reference }), _) => self
                                    .resolve_schema_ref(&schema_ptr, reference)
                                    .map(TypeRef::Named),
                                // Lists and maps of models, free-form JSON.
                                (Some(ReferenceOr::Item(s)), BodyEncoding::Json) => self.type_of(
                                    &schema_ptr,
                                    SchemaRef::Item(s),
                                    &format!("{type_name}Body"),
                                ),
                                (Some(ReferenceOr::Item(_)), _) => {
                                    self.err(&schema_ptr, format!("`{media}` bodies are a `$ref` to a model in components/schemas (its properties are the form fields)"));
                                    None
                                }
                                (None, _) => {
                                    self.err(&mt_ptr, "request body without `schema`");
                                    None
                                }
                            };
                            if let (
                                Some(ty),
                                BodyEncoding::FormUrlencoded | BodyEncoding::Multipart,
                            ) = (&ty, encoding)
                            {
                                self.mark_form_model(&schema_ptr, ty, encoding);
                            }
                            ty.map(|ty| Body {
                                ty,
                                encoding,
                                required: rb.required,
                                description: rb.description.clone(),
                                example: mt.example.clone(),
                            })
                        }
                    }
                }
            }
        };

        // Responses.
        let mut success: Option<(String, String, ResponseKind)> = None;
        let mut response_headers = Vec::new();
        let mut errors = Vec::new();
        for (code, resp) in &op.responses.responses {
            let here = ptr(&format!("{op_ptr}/responses"), &code.to_string());
            let resp = match resp {
                ReferenceOr::Reference { .. } => {
                    self.err(&format!("{here}/$ref"), "unsupported: response $ref");
                    continue;
                }
                ReferenceOr::Item(r) => r,
            };
            match code {
                StatusCode::Code(c) if (200..300).contains(c) => {
                    if success.is_some() {
                        self.err(&here, "unsupported: more than one success (2xx) response");
                        continue;
                    }
                    let Some(kind) =
                        self.response_kind(&here, resp, &format!("{type_name}Response"))
                    else {
                        success = Some((c.to_string(), String::new(), ResponseKind::None));
                        continue;
                    };
                    let (kind, headers) =
                        self.response_headers(&here, resp, kind, &format!("{type_name}Response"));
                    response_headers = headers;
                    success = Some((c.to_string(), resp.description.clone(), kind));
                }
                StatusCode::Code(c) if *c >= 400 => {
                    let model = match resp.content.values().next().and_then(|m| m.schema.as_ref()) {
                        Some(ReferenceOr::Reference { reference }) => {
                            let media = resp.content.keys().next().cloned().unwrap_or_default();
                            self.resolve_schema_ref(
                                &format!("{}/schema", ptr(&format!("{here}/content"), &media)),
                                reference,
                            )
                        }
                        _ => None,
                    };
                    errors.push(ErrorStatus {
                        status: c.to_string(),
                        description: resp.description.clone(),
                        model,
                    });
                }
                _ => self.err(&here, format!("unsupported: response status `{code}`")),
            }
        }
        if op.responses.default.is_some() {
            self.err(
                &format!("{op_ptr}/responses/default"),
                "unsupported: `default` response (list error statuses explicitly)",
            );
        }
        let Some((status, success_description, response)) = success else {
            self.err(&format!("{op_ptr}/responses"), "no success (2xx) response");
            return None;
        };
        let pagination = self.pagination(op_ptr, &query_params, &response);
        let waiters = self.waiters(op_ptr, method, idempotent, &response);
        if self.diags.len() > n_before || op_id.is_empty() {
            return None;
        }
        let secrets = self.secrets(&header_params, &query_params, body.as_ref());
        Some(Operation {
            type_name,
            static_name: naming::shouty(&rust_name),
            op_id,
            rust_name,
            aliases,
            doc_aliases,
            summary: op.summary.clone(),
            description: op.description.clone(),
            method,
            path: path.to_owned(),
            path_params,
            query_params,
            header_params,
            body,
            response,
            success: (status, success_description),
            errors,
            content_type,
            idempotent,
            pagination,
            waiters,
            response_headers,
            secrets,
        })
    }

    /// Wire names for `OperationSpec::secrets`: secret header and query parameters, then the
    /// secret properties of every model reachable from the request body (field order, first
    /// seen).
    fn secrets(
        &self,
        header_params: &[Param],
        query_params: &[Param],
        body: Option<&Body>,
    ) -> Vec<String> {
        let mut out: Vec<String> = header_params
            .iter()
            .chain(query_params)
            .filter(|p| p.secret)
            .map(|p| p.name.clone())
            .collect();
        let mut todo: Vec<String> = body
            .and_then(|b| b.ty.model())
            .map(str::to_owned)
            .into_iter()
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(ModelKind::Struct(fields)) = self.models.get(&name).map(|m| &m.kind) else {
                continue;
            };
            let mut nested = Vec::new();
            for f in fields {
                if f.secret && !out.contains(&f.wire_name) {
                    out.push(f.wire_name.clone());
                }
                if let Some(m) = f.ty.model() {
                    nested.push(m.to_owned());
                }
            }
            // Depth first, in field order.
            todo.extend(nested.into_iter().rev());
        }
        out
    }

    /// Success-response `headers`: each becomes an output field. With a JSON model body the
    /// fields are added to that model; without a body the output is a model of its own named
    /// `hint`.
    fn response_headers(
        &mut self,
        here: &str,
        resp: &'a openapiv3::Response,
        kind: ResponseKind,
        hint: &str,
    ) -> (ResponseKind, Vec<ResponseHeader>) {
        if resp.headers.is_empty() {
            return (kind, Vec::new());
        }
        // A JSON body that is not an object, or a text body: the output wraps it (`body`)
        // beside the headers.
        let mut wrapped: Option<TypeRef> = None;
        let model = match &kind {
            ResponseKind::Json(TypeRef::Named(m))
                if matches!(
                    self.models.get(m).map(|m| &m.kind),
                    Some(ModelKind::Struct(_))
                ) =>
            {
                m.clone()
            }
            ResponseKind::Json(_) | ResponseKind::Bytes => {
                if self.models.contains_key(hint) || self.schema_names.values().any(|v| v == hint) {
                    self.err(
                        &format!("{here}/headers"),
                        format!("the output model `{hint}` for the body and response headers clashes with a model of that name"),
                    );
                    return (kind, Vec::new());
                }
                wrapped = Some(match &kind {
                    ResponseKind::Json(body) => body.clone(),
                    _ => TypeRef::String,
                });
                hint.to_owned()
            }
            ResponseKind::None | ResponseKind::Stream => {
                if self.models.contains_key(hint) || self.schema_names.values().any(|v| v == hint) {
                    self.err(
                        &format!("{here}/headers"),
                        format!("the output model `{hint}` for the response headers clashes with a model of that name"),
                    );
                    return (kind, Vec::new());
                }
                hint.to_owned()
            }
            _ => {
                self.err(
                    &format!("{here}/headers"),
                    "unsupported: response headers beside this kind of body",
                );
                return (kind, Vec::new());
            }
        };
        let mut fields: Vec<Field> = match self.models.get(&model).map(|m| &m.kind) {
            Some(ModelKind::Struct(f)) => f.clone(),
            _ => Vec::new(),
        };
        if let Some(body) = &wrapped {
            fields.push(Field {
                wire_name: "body".to_owned(),
                rust_name: "body".to_owned(),
                setter: naming::setter_name("body"),
                ty: body.clone(),
                required: true,
                description: Some("The decoded response body.".to_owned()),
                example: None,
                secret: false,
                constraints: Vec::new(),
                header: None,
                boxed: false,
            });
        }
        let mut out = Vec::new();
        for (name, header) in &resp.headers {
            let at = ptr(&format!("{here}/headers"), name);
            let header = match header {
                ReferenceOr::Item(h) => h,
                ReferenceOr::Reference { .. } => {
                    self.err(&format!("{at}/$ref"), "unsupported: header $ref");
                    continue;
                }
            };
            let rust_name = match self.raw_at(&format!("{at}/x-rust-name")) {
                Some(Value::String(s)) if naming::is_snake_ident(s) => s.clone(),
                Some(_) => {
                    self.err(
                        &format!("{at}/x-rust-name"),
                        "x-rust-name must be a snake_case identifier string",
                    );
                    continue;
                }
                None => naming::snake(name),
            };
            let field_name = naming::field_name(&rust_name);
            let setter = naming::setter_name(&rust_name);
            let schema = match &header.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    self.err(
                        &format!("{at}/content"),
                        "unsupported: header with `content` (use `schema`)",
                    );
                    continue;
                }
            };
            let (ty, secret, constraints) = match schema {
                ReferenceOr::Item(s) => {
                    let ty = match &s.schema_kind {
                        SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => {
                            Some(TypeRef::String)
                        }
                        SchemaKind::Type(Type::Integer(it)) => Some(integer_type(it)),
                        SchemaKind::Type(Type::Number(_)) => Some(TypeRef::F64),
                        SchemaKind::Type(Type::Boolean(_)) => Some(TypeRef::Bool),
                        _ => None,
                    };
                    (ty, is_secret(s), constraints(s))
                }
                ReferenceOr::Reference { .. } => (None, false, Vec::new()),
            };
            let Some(ty) = ty else {
                self.err(
                    &format!("{at}/schema"),
                    "unsupported: a response header must be a string, integer, number or boolean",
                );
                continue;
            };
            if let Some(other) = fields
                .iter()
                .find(|f| f.rust_name == field_name || f.setter == setter)
            {
                self.err(
                    &at,
                    format!(
                        "header `{name}` and field `{}` of `{model}` both map to the Rust field `{field_name}`; set x-rust-name on the header",
                        other.wire_name
                    ),
                );
                continue;
            }
            fields.push(Field {
                wire_name: name.clone(),
                rust_name: field_name.clone(),
                setter,
                ty: ty.clone(),
                required: header.required,
                description: header.description.clone(),
                example: header.example.clone(),
                secret,
                constraints,
                header: Some(name.clone()),
                boxed: false,
            });
            out.push(ResponseHeader {
                name: name.clone(),
                rust_name: field_name,
                ty,
            });
        }
        match self.models.get_mut(&model) {
            Some(m) => {
                // Another operation with the same response model already added them.
                if let ModelKind::Struct(existing) = &mut m.kind {
                    if !existing.iter().any(|f| f.header.is_some()) {
                        *existing = fields;
                    }
                }
                (kind, out)
            }
            None => {
                let text = matches!(kind, ResponseKind::Bytes);
                let stream = matches!(kind, ResponseKind::Stream);
                let (description, kind) = match wrapped {
                    None if stream => (
                        "Values of the response headers of an operation whose body is streamed (the output is core's `Streamed`: these values and the body).",
                        ResponseKind::StreamWithHeaders {
                            model: model.clone(),
                        },
                    ),
                    Some(_) if text => (
                        "Output of an operation whose response body is text: the text and the values of its response headers.",
                        ResponseKind::TextWithHeaders {
                            model: model.clone(),
                        },
                    ),
                    Some(body) => (
                        "Output of an operation whose response body is not an object: the decoded body and the values of its response headers.",
                        ResponseKind::JsonWithHeaders {
                            model: model.clone(),
                            body,
                        },
                    ),
                    None => (
                        "Output of an operation whose response has no body: values of its response headers.",
                        ResponseKind::Headers(model.clone()),
                    ),
                };
                self.models.insert(
                    model.clone(),
                    Model {
                        name: model.clone(),
                        description: Some(description.to_owned()),
                        kind: ModelKind::Struct(fields),
                        form: false,
                    },
                );
                (kind, out)
            }
        }
    }

    /// A model that gets header fields must be the success body of those operations only, all
    /// declaring the same headers: anywhere else the fields would be meaningless.
    fn check_header_models(&mut self, operations: &[Operation]) {
        let mut by_model: BTreeMap<String, Vec<(&str, Vec<&str>)>> = BTreeMap::new();
        for op in operations {
            if let ResponseKind::Json(TypeRef::Named(m)) = &op.response {
                let headers: Vec<&str> = op
                    .response_headers
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect();
                by_model
                    .entry(m.clone())
                    .or_default()
                    .push((&op.op_id, headers));
            }
        }
        let mut used_elsewhere: BTreeSet<String> = BTreeSet::new();
        for m in self.models.values() {
            if let ModelKind::Struct(fields) = &m.kind {
                for f in fields {
                    if let Some(n) = f.ty.model() {
                        used_elsewhere.insert(n.to_owned());
                    }
                }
            }
        }
        for op in operations {
            if let Some(n) = op.body.as_ref().and_then(|b| b.ty.model()) {
                used_elsewhere.insert(n.to_owned());
            }
        }
        for (model, uses) in by_model {
            if !uses.iter().any(|(_, h)| !h.is_empty()) {
                continue;
            }
            let first = &uses[0].1;
            let mixed = uses.iter().find(|(_, h)| h != first);
            let schema_ptr = self
                .schema_names
                .iter()
                .find(|(_, r)| **r == model)
                .map(|(n, _)| ptr("/components/schemas", n))
                .unwrap_or_default();
            if let Some((other, _)) = mixed {
                self.err(&schema_ptr, format!("`{model}` is the success body of `{}` and `{other}`, which declare different response headers; give each its own response model", uses[0].0));
            } else if used_elsewhere.contains(&model) {
                self.err(&schema_ptr, format!("`{model}` receives the response headers of `{}` but is also used as a field or request body; give the response a model of its own", uses[0].0));
            }
        }
    }

    /// Marks the model behind a form body: it implements `FormFields` (checked in
    /// `check_form_models`).
    fn mark_form_model(&mut self, pointer: &str, ty: &TypeRef, encoding: BodyEncoding) {
        let model = match ty {
            TypeRef::Named(n) => self.models.get_mut(n),
            _ => None,
        };
        match model {
            Some(m) if matches!(m.kind, ModelKind::Struct(_)) => {
                m.form = true;
                if encoding == BodyEncoding::FormUrlencoded {
                    self.urlencoded_models.insert(m.name.clone());
                }
            }
            _ => self.err(pointer, "a form body must be an object model"),
        }
    }

    /// Form models have fields a form can carry: scalars, string enums, lists of them (not in
    /// multipart, whose official encoding would send Python's list syntax) and files (multipart
    /// only). A model with a file field is a multipart body and nothing else.
    fn check_form_models(&mut self) {
        let mut problems = Vec::new();
        let names: BTreeMap<String, String> = self
            .schema_names
            .iter()
            .map(|(spec, rust)| (rust.clone(), spec.clone()))
            .collect();
        let is_enum = |models: &BTreeMap<String, Model>, n: &str| {
            matches!(models.get(n).map(|m| &m.kind), Some(ModelKind::Enum(_)))
        };
        for m in self.models.values() {
            let ModelKind::Struct(fields) = &m.kind else {
                continue;
            };
            let spec_name = names
                .get(&m.name)
                .cloned()
                .unwrap_or_else(|| m.name.clone());
            let model_ptr = ptr("/components/schemas", &spec_name);
            let urlencoded = self.urlencoded_models.contains(&m.name);
            for f in fields {
                let at = ptr(&format!("{model_ptr}/properties"), &f.wire_name);
                if f.ty.contains_file() && !m.form {
                    problems.push((at.clone(), format!("`{}.{}` is a file (format: binary): only the fields of a multipart/form-data body model can be files", m.name, f.wire_name)));
                    continue;
                }
                if f.ty.contains_file() && urlencoded {
                    problems.push((at.clone(), format!("`{}.{}` is a file (format: binary), which application/x-www-form-urlencoded cannot carry", m.name, f.wire_name)));
                    continue;
                }
                if !m.form {
                    continue;
                }
                let text = |t: &TypeRef| {
                    t.is_scalar() || matches!(t, TypeRef::Named(n) if is_enum(&self.models, n))
                };
                let ok = match &f.ty {
                    TypeRef::File => true,
                    TypeRef::Vec(inner) => urlencoded && text(inner),
                    t => text(t),
                };
                if !ok {
                    problems.push((at, format!("unsupported: form field `{}.{}` of type {} (form fields are scalars, string enums, files in multipart and lists of scalars in application/x-www-form-urlencoded)", m.name, f.wire_name, super::emit::type_text(&f.ty))));
                }
            }
        }
        for (at, msg) in problems {
            self.err(&at, msg);
        }
    }

    /// Reads and checks `x-huaweicloud-pagination` against the operation's query parameters
    /// and response model.
    fn pagination(
        &mut self,
        op_ptr: &str,
        query_params: &[Param],
        response: &ResponseKind,
    ) -> Option<Pagination> {
        let here = format!("{op_ptr}/x-huaweicloud-pagination");
        let raw = self.raw_at(&here)?;
        let Some(obj) = raw.as_object() else {
            self.err(
                &here,
                "x-huaweicloud-pagination must be an object (see specs/README.md)",
            );
            return None;
        };
        for key in obj.keys() {
            if !["style", "first_page", "request", "response"].contains(&key.as_str()) {
                self.err(&ptr(&here, key), format!("unknown key `{key}`"));
            }
        }
        let (style, position_key) = match obj.get("style").and_then(Value::as_str) {
            Some("offset") => (PageStyle::ItemOffset, "offset"),
            Some("page") => {
                let first = match obj.get("first_page") {
                    None => 1,
                    Some(v) => match v.as_i64() {
                        Some(n) => n,
                        None => {
                            self.err(
                                &format!("{here}/first_page"),
                                "first_page must be an integer",
                            );
                            return None;
                        }
                    },
                };
                (PageStyle::PageNumber { first }, "page")
            }
            Some("marker") => (PageStyle::Marker, "marker"),
            _ => {
                self.err(
                    &format!("{here}/style"),
                    "style must be `offset`, `page` or `marker`",
                );
                return None;
            }
        };
        if obj.contains_key("first_page") && !matches!(style, PageStyle::PageNumber { .. }) {
            self.err(
                &format!("{here}/first_page"),
                "first_page is only for style `page`",
            );
        }
        let numeric = |t: &TypeRef| matches!(t, TypeRef::I32 | TypeRef::I64 | TypeRef::String);
        let request_ptr = format!("{here}/request");
        let param = |l: &mut Self, key: &str, required: bool, string_only: bool| -> Option<Param> {
            let at = format!("{request_ptr}/{key}");
            let name = match l.raw_at(&at) {
                Some(Value::String(n)) => n,
                None if !required => return None,
                _ => {
                    l.err(&at, format!("request.{key} must name a query parameter"));
                    return None;
                }
            };
            let Some(p) = query_params.iter().find(|p| &p.name == name) else {
                l.err(&at, format!("no query parameter `{name}`"));
                return None;
            };
            let fits = if string_only {
                p.ty == TypeRef::String
            } else {
                numeric(&p.ty)
            };
            if !fits {
                l.err(
                    &at,
                    format!(
                        "query parameter `{name}` must be {}",
                        if string_only {
                            "a string"
                        } else {
                            "an integer or a string"
                        }
                    ),
                );
                return None;
            }
            Some(p.clone())
        };
        let position = param(self, position_key, true, style == PageStyle::Marker);
        let limit = param(self, "limit", false, false);
        let ResponseKind::Json(TypeRef::Named(model)) = response else {
            self.err(&here, "a paged operation needs a JSON response model");
            return None;
        };
        let response_ptr = format!("{here}/response");
        let items_ptr = format!("{response_ptr}/items");
        let (items, item_ty) = self.field_path(&items_ptr, model)?;
        let item_model = match item_ty {
            TypeRef::Vec(inner) => match *inner {
                TypeRef::Named(n) => Some(n),
                _ => None,
            },
            _ => None,
        };
        let Some(item_model) = item_model else {
            self.err(
                &items_ptr,
                "response.items must lead to an array of objects",
            );
            return None;
        };
        let total = match self.raw_at(&format!("{response_ptr}/total")) {
            None => None,
            Some(_) => {
                let at = format!("{response_ptr}/total");
                let (steps, ty) = self.field_path(&at, model)?;
                if !matches!(ty, TypeRef::I32 | TypeRef::I64) {
                    self.err(&at, "response.total must lead to an integer field");
                    return None;
                }
                Some((steps, ty))
            }
        };
        let has_item_marker = self
            .raw_at(&format!("{response_ptr}/item_marker"))
            .is_some();
        let next_marker = match self.raw_at(&format!("{response_ptr}/next_marker")) {
            None if style == PageStyle::Marker && !has_item_marker => {
                self.err(
                    &response_ptr,
                    "style `marker` needs response.next_marker or response.item_marker",
                );
                return None;
            }
            None => None,
            Some(_) if has_item_marker => {
                self.err(
                    &format!("{response_ptr}/item_marker"),
                    "response.item_marker and response.next_marker exclude each other",
                );
                return None;
            }
            Some(_) => {
                let at = format!("{response_ptr}/next_marker");
                let (steps, ty) = self.field_path(&at, model)?;
                if ty != TypeRef::String {
                    self.err(&at, "response.next_marker must lead to a string field");
                    return None;
                }
                Some(steps)
            }
        };
        let item_marker = if has_item_marker {
            let at = format!("{response_ptr}/item_marker");
            if style != PageStyle::Marker {
                self.err(&at, "response.item_marker is only for style `marker`");
                return None;
            }
            let (steps, ty) = self.field_path(&at, &item_model)?;
            if ty != TypeRef::String || steps.len() != 1 {
                self.err(
                    &at,
                    "response.item_marker must name a string field of the item model",
                );
                return None;
            }
            steps.into_iter().next()
        } else {
            None
        };
        if let Some(Value::Object(r)) = self.raw_at(&response_ptr) {
            for key in r.keys() {
                if !["items", "total", "next_marker", "item_marker"].contains(&key.as_str()) {
                    self.err(&ptr(&response_ptr, key), format!("unknown key `{key}`"));
                }
            }
        }
        Some(Pagination {
            style,
            position: position?,
            limit,
            items,
            item_model,
            total,
            next_marker,
            item_marker,
        })
    }

    /// Follows a dotted field path (`result.data`, wire names) from `model`; returns the steps
    /// and the type of the last field.
    fn field_path(&mut self, at: &str, model: &str) -> Option<(Vec<FieldStep>, TypeRef)> {
        let Some(path) = self.raw_at(at).and_then(Value::as_str) else {
            self.err(at, "must be a dotted path of response field names");
            return None;
        };
        let mut current = model.to_owned();
        let mut steps = Vec::new();
        let segments: Vec<&str> = path.split('.').collect();
        for (i, seg) in segments.iter().enumerate() {
            let field = match self.models.get(&current).map(|m| &m.kind) {
                Some(ModelKind::Struct(fields)) => fields.iter().find(|f| f.wire_name == *seg),
                _ => None,
            };
            let Some(field) = field else {
                self.err(
                    at,
                    format!("model `{current}` has no field `{seg}` (path `{path}`)"),
                );
                return None;
            };
            steps.push(FieldStep {
                wire_name: field.wire_name.clone(),
                rust_name: field.rust_name.clone(),
            });
            if i + 1 == segments.len() {
                return Some((steps, field.ty.clone()));
            }
            match &field.ty {
                TypeRef::Named(n) => current = n.clone(),
                _ => {
                    self.err(
                        at,
                        format!("field `{seg}` of `{current}` is not an object (path `{path}`)"),
                    );
                    return None;
                }
            }
        }
        self.err(at, "empty path");
        None
    }

    /// Checks `style` / `explode` of a parameter. Query parameters are `form`: exploded (the
    /// default, one pair per list element) or `explode: false` (one comma-separated pair, which
    /// this returns as `true`); path and header parameters are `simple` (they are scalars).
    fn param_style(&mut self, here: &str, p: &Parameter, ty: &TypeRef) -> bool {
        use openapiv3::{HeaderStyle, PathStyle, QueryStyle};
        let data = p.parameter_data_ref();
        let style_ok = match p {
            Parameter::Query { style, .. } => matches!(style, QueryStyle::Form),
            Parameter::Path { style, .. } => matches!(style, PathStyle::Simple),
            Parameter::Header { style, .. } => matches!(style, HeaderStyle::Simple),
            Parameter::Cookie { .. } => true,
        };
        if !style_ok {
            let default = if matches!(p, Parameter::Query { .. }) {
                "form"
            } else {
                "simple"
            };
            self.err(
                &format!("{here}/style"),
                format!("unsupported parameter style (only `{default}` is generated)"),
            );
        }
        let csv = matches!(p, Parameter::Query { .. }) && data.explode == Some(false);
        if csv && !matches!(ty, TypeRef::Vec(_)) {
            self.err(
                &format!("{here}/explode"),
                "`explode: false` is only meaningful for a list (array) query parameter",
            );
        }
        csv
    }

    fn resolve_parameter(
        &mut self,
        here: &str,
        p: &'a ReferenceOr<Parameter>,
    ) -> Option<&'a Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix(PARAMETER_PREFIX)
                    .and_then(|name| self.api.components.as_ref()?.parameters.get(name));
                match target {
                    Some(ReferenceOr::Item(p)) => Some(p),
                    _ => {
                        self.err(
                            &format!("{here}/$ref"),
                            format!("dangling or unsupported parameter $ref `{reference}`"),
                        );
                        None
                    }
                }
            }
        }
    }

    /// The type of a parameter and the constraints listed in its docs. String enums are typed
    /// in the query (enums implement `QueryValue`; inline ones become a model named `hint`);
    /// in the path and headers they stay `String` and their values are listed.
    fn param_type(
        &mut self,
        pointer: &str,
        schema: SchemaRef<'a>,
        location: ParamLocation,
        hint: &str,
        what: &str,
    ) -> Option<(TypeRef, Vec<String>)> {
        let s = match schema {
            SchemaRef::Ref(r) => {
                let name = self.resolve_schema_ref(pointer, r)?;
                return match self.models.get(&name).map(|m| &m.kind) {
                    Some(ModelKind::Enum(_)) if location == ParamLocation::Query => {
                        Some((TypeRef::Named(name), Vec::new()))
                    }
                    Some(ModelKind::Enum(variants)) => {
                        let values = variants.iter().map(|v| code_span(&v.value));
                        Some((TypeRef::String, vec![one_of(values)]))
                    }
                    _ => {
                        self.err(
                            &format!("{pointer}/$ref"),
                            "unsupported: parameter of a model type",
                        );
                        None
                    }
                };
            }
            SchemaRef::Item(s) => s,
        };
        let mut cons = constraints(s);
        let ty = match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => TypeRef::String,
            SchemaKind::Type(Type::String(st)) if location == ParamLocation::Query => {
                let variants = self.variants(pointer, &st.enumeration)?;
                let description = s
                    .schema_data
                    .description
                    .clone()
                    .or_else(|| Some(format!("Values of the query parameter {what}.")));
                TypeRef::Named(self.add_inline_enum(hint, description, variants))
            }
            SchemaKind::Type(Type::String(st)) => {
                let values = st.enumeration.iter().flatten().map(|v| code_span(v));
                cons.push(one_of(values));
                TypeRef::String
            }
            SchemaKind::Type(Type::Integer(it)) => integer_type(it),
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(at)) => {
                let (inner, inner_cons) = match &at.items {
                    Some(items) => {
                        let items_ptr = format!("{pointer}/items");
                        self.param_type(&items_ptr, boxed(items), location, hint, what)?
                    }
                    None => {
                        self.err(pointer, "array without `items`");
                        return None;
                    }
                };
                if matches!(inner, TypeRef::Vec(_)) {
                    self.err(pointer, "unsupported: nested array parameter");
                    return None;
                }
                cons.extend(inner_cons.into_iter().map(|c| format!("each item {c}")));
                TypeRef::Vec(Box::new(inner))
            }
            other => {
                let what = kind_name(other);
                self.err(pointer, format!("unsupported: parameter of kind {what}"));
                return None;
            }
        };
        Some((ty, cons))
    }

    fn response_kind(
        &mut self,
        here: &str,
        resp: &'a openapiv3::Response,
        hint: &str,
    ) -> Option<ResponseKind> {
        if resp.content.is_empty() {
            return Some(ResponseKind::None);
        }
        if resp.content.len() > 1 {
            self.err(
                &format!("{here}/content"),
                "unsupported: more than one media type in a success response",
            );
            return None;
        }
        let (media, mt) = resp.content.first()?;
        let mt_ptr = ptr(&format!("{here}/content"), media);
        if is_json(&media_base(media)) {
            return match &mt.schema {
                Some(ReferenceOr::Reference { reference }) => self
                    .resolve_schema_ref(&format!("{mt_ptr}/schema"), reference)
                    .map(|m| ResponseKind::Json(TypeRef::Named(m))),
                None => Some(ResponseKind::None),
                // Lists and maps of models, free-form JSON.
                Some(ReferenceOr::Item(s)) => self
                    .type_of(&format!("{mt_ptr}/schema"), SchemaRef::Item(s), hint)
                    .map(ResponseKind::Json),
            };
        }
        if media == "application/octet-stream" {
            return Some(ResponseKind::Stream);
        }
        if media.starts_with("text/") {
            return Some(ResponseKind::Bytes);
        }
        self.err(
            &mt_ptr,
            format!("unsupported: response media type `{media}`"),
        );
        None
    }
}

fn location_key(p: &Parameter) -> u8 {
    match p {
        Parameter::Query { .. } => 0,
        Parameter::Header { .. } => 1,
        Parameter::Path { .. } => 2,
        Parameter::Cookie { .. } => 3,
    }
}

/// How a request body of media type `media` is sent, or why it cannot be generated.
/// How a request body of media type `media` is encoded, or why it cannot be generated. Spec
/// lint asks the same question (rule `request-bodies`), so the two never disagree.
pub(crate) fn body_encoding(media: &str) -> Result<BodyEncoding, String> {
    let base = media_base(media);
    match base.as_str() {
        "application/json-patch+json" => Err(format!(
            "request body media type `{media}` cannot be generated: JSON Patch documents are not supported"
        )),
        "application/bson" => Err(format!(
            "request body media type `{media}` cannot be generated: BSON bodies are not supported"
        )),
        "application/x-www-form-urlencoded" => Ok(BodyEncoding::FormUrlencoded),
        "multipart/form-data" => Ok(BodyEncoding::Multipart),
        _ if is_json(&base) => Ok(BodyEncoding::Json),
        _ => Err(format!(
            "unsupported request body media type `{media}` (JSON, application/x-www-form-urlencoded and multipart/form-data bodies are generated)"
        )),
    }
}

/// A media type without its parameters, in lower case.
fn media_base(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// `base` is a lower-case media type without parameters. The OpenStack Glance image update
/// (IMS `GlanceUpdateImage`) sends its list of `{op, path, value}` objects as plain JSON
/// under a vendor media type of its own.
fn is_json(base: &str) -> bool {
    base == "application/json"
        || base.ends_with("+json")
        || base == "application/openstack-images-v2.1-json-patch"
}

/// A path key split into the path sent and the `#<operationId>` fragment that tells apart
/// several operations on one method and path (specs/README.md, "Operations").
pub fn split_path_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (key, None),
    }
}

/// `{name}` placeholders of a path template, in order.
pub fn placeholders(path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.insert(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

fn is_secret(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => matches!(
            st.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        ),
        SchemaKind::Any(a) => a.format.as_deref() == Some("password"),
        _ => false,
    }
}

fn constraints(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => {
            match (st.min_length, st.max_length) {
                (Some(a), Some(b)) => out.push(format!("length {a} to {b}")),
                (Some(a), None) => out.push(format!("length at least {a}")),
                (None, Some(b)) => out.push(format!("length at most {b}")),
                (None, None) => {}
            }
            if let Some(p) = &st.pattern {
                out.push(format!("pattern `{p}`"));
            }
        }
        SchemaKind::Type(Type::Integer(it)) => {
            match (it.minimum, it.maximum) {
                (Some(a), Some(b)) => out.push(format!("range {a} to {b}")),
                (Some(a), None) => out.push(format!("minimum {a}")),
                (None, Some(b)) => out.push(format!("maximum {b}")),
                (None, None) => {}
            }
            if !it.enumeration.is_empty() {
                let values = it.enumeration.iter().flatten().map(|v| format!("`{v}`"));
                out.push(one_of(values));
            }
        }
        SchemaKind::Type(Type::Number(nt)) if !nt.enumeration.is_empty() => {
            let values = nt.enumeration.iter().flatten().map(|v| format!("`{v}`"));
            out.push(one_of(values));
        }
        SchemaKind::Type(Type::Array(at)) => match (at.min_items, at.max_items) {
            (Some(a), Some(b)) => out.push(format!("{a} to {b} items")),
            (Some(a), None) => out.push(format!("at least {a} items")),
            (None, Some(b)) => out.push(format!("at most {b} items")),
            (None, None) => {}
        },
        _ => {}
    }
    out
}

/// `i32` for `format: int32`, `i64` otherwise (`int64`, no format, unknown formats).
fn integer_type(it: &openapiv3::IntegerType) -> TypeRef {
    match it.format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        _ => TypeRef::I64,
    }
}

/// A Markdown code span for a spec value: ASCII, no backticks.
fn code_span(v: &str) -> String {
    let text: String = v
        .chars()
        .map(|c| match c {
            '`' => "'".to_owned(),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            c => format!("\\u{{{:x}}}", c as u32),
        })
        .collect();
    format!("`{text}`")
}

/// "one of " and the values (already formatted as code spans), comma-separated.
fn one_of(values: impl Iterator<Item = String>) -> String {
    format!("one of {}", values.collect::<Vec<_>>().join(", "))
}

fn kind_name(k: &SchemaKind) -> &'static str {
    match k {
        SchemaKind::Type(Type::String(_)) => "string",
        SchemaKind::Type(Type::Number(_)) => "number",
        SchemaKind::Type(Type::Integer(_)) => "integer",
        SchemaKind::Type(Type::Object(_)) => "object",
        SchemaKind::Type(Type::Array(_)) => "array",
        SchemaKind::Type(Type::Boolean(_)) => "boolean",
        SchemaKind::OneOf { .. } => "oneOf",
        SchemaKind::AllOf { .. } => "allOf",
        SchemaKind::AnyOf { .. } => "anyOf",
        SchemaKind::Not { .. } => "not",
        SchemaKind::Any(_) => "free-form",
    }
}

/// Marks `boxed` every field that refers directly (not through a list or map) to a model of
/// its own model's strongly connected component: without a box such models contain each
/// other and have infinite size. Tarjan's algorithm over the direct references.
fn box_direct_cycles(models: &mut [Model]) {
    let index: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|m| match &m.kind {
            ModelKind::Struct(fields) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    TypeRef::Named(n) => index.get(n.as_str()).copied(),
                    _ => None,
                })
                .collect(),
            ModelKind::Enum(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, m) in models.iter_mut().enumerate() {
        if let ModelKind::Struct(fields) = &mut m.kind {
            for f in fields {
                if let TypeRef::Named(n) = &f.ty {
                    f.boxed = index
                        .get(n.as_str())
                        // Same component: a cycle through this field (or a self-reference).
                        .is_some_and(|&j| component[j] == component[i]);
                }
            }
        }
    }
}

/// The strongly connected component of each node (iterative Tarjan).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next, mut components) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut work = vec![(root, 0)];
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if *e == 0 && order[v] == UNSEEN {
                order[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if order[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}
