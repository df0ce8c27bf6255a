//! `cargo xtask spec diff <old> [<new>]`: what a spec change does to the generated crate.
//!
//! Both sides are lowered with the code generator's own pipeline (load -> IR), so every
//! change is reported in terms of the Rust API it produces: client methods, builder setters,
//! model fields and enum variants. Each change is classified for users of the crate:
//! **breaking** when code that compiled and worked before may stop compiling or start
//! failing, **compatible** otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::codegen::emit::type_text;
use crate::codegen::ir::{
    Body, Field, FieldStep, Model, ModelKind, Operation, Pagination, Param, ResponseKind, Service,
};
use crate::codegen::{load, lower};

/// What kind of change (each kind has a fixture pair in the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    AliasAdded,
    AliasRemoved,
    MethodChanged,
    PathChanged,
    ContentTypeChanged,
    IdempotencyChanged,
    ParamAdded,
    ParamRemoved,
    ParamTypeChanged,
    ParamMadeRequired,
    ParamMadeOptional,
    BodyAdded,
    BodyRemoved,
    BodyTypeChanged,
    BodyMadeRequired,
    BodyMadeOptional,
    ResponseChanged,
    PaginationAdded,
    PaginationRemoved,
    PaginationChanged,
    ModelAdded,
    ModelRemoved,
    ModelKindChanged,
    FieldAdded,
    FieldRemoved,
    FieldRenamed,
    FieldTypeChanged,
    FieldMadeRequired,
    FieldMadeOptional,
    FieldSecretChanged,
    EnumValueAdded,
    EnumValueRemoved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::OperationAdded => "operation-added",
            ChangeKind::OperationRemoved => "operation-removed",
            ChangeKind::OperationRenamed => "operation-renamed",
            ChangeKind::AliasAdded => "alias-added",
            ChangeKind::AliasRemoved => "alias-removed",
            ChangeKind::MethodChanged => "method-changed",
            ChangeKind::PathChanged => "path-changed",
            ChangeKind::ContentTypeChanged => "content-type-changed",
            ChangeKind::IdempotencyChanged => "idempotency-changed",
            ChangeKind::ParamAdded => "param-added",
            ChangeKind::ParamRemoved => "param-removed",
            ChangeKind::ParamTypeChanged => "param-type-changed",
            ChangeKind::ParamMadeRequired => "param-made-required",
            ChangeKind::ParamMadeOptional => "param-made-optional",
            ChangeKind::BodyAdded => "body-added",
            ChangeKind::BodyRemoved => "body-removed",
            ChangeKind::BodyTypeChanged => "body-type-changed",
            ChangeKind::BodyMadeRequired => "body-made-required",
            ChangeKind::BodyMadeOptional => "body-made-optional",
            ChangeKind::ResponseChanged => "response-changed",
            ChangeKind::PaginationAdded => "pagination-added",
            ChangeKind::PaginationRemoved => "pagination-removed",
            ChangeKind::PaginationChanged => "pagination-changed",
            ChangeKind::ModelAdded => "model-added",
            ChangeKind::ModelRemoved => "model-removed",
            ChangeKind::ModelKindChanged => "model-kind-changed",
            ChangeKind::FieldAdded => "field-added",
            ChangeKind::FieldRemoved => "field-removed",
            ChangeKind::FieldRenamed => "field-renamed",
            ChangeKind::FieldTypeChanged => "field-type-changed",
            ChangeKind::FieldMadeRequired => "field-made-required",
            ChangeKind::FieldMadeOptional => "field-made-optional",
            ChangeKind::FieldSecretChanged => "field-secret-changed",
            ChangeKind::EnumValueAdded => "enum-value-added",
            ChangeKind::EnumValueRemoved => "enum-value-removed",
        }
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub breaking: bool,
    /// What changed in the spec (Markdown).
    pub spec: String,
    /// What it does to the Rust API and its users (Markdown).
    pub rust: String,
}

/// Lowers one side of a diff; `label` names it in errors.
pub fn lower_bytes(label: &str, bytes: &[u8]) -> Result<Service, String> {
    let loaded = load::parse(label, bytes).map_err(|d| describe(label, &d))?;
    lower::lower(&loaded).map_err(|d| describe(label, &d))
}

fn describe(label: &str, diags: &[crate::codegen::Diagnostic]) -> String {
    let mut out = format!(
        "{label} is not a spec the generator accepts ({} problem(s)):",
        diags.len()
    );
    for d in diags.iter().take(10) {
        let _ = write!(out, "\n  {d}");
    }
    out
}

/// Every change from `old` to `new`, operations first, then models, each sorted by name.
pub fn diff(old: &Service, new: &Service) -> Vec<Change> {
    let mut out = Vec::new();
    diff_operations(old, new, &mut out);
    diff_models(old, new, &mut out);
    out
}

fn change(out: &mut Vec<Change>, kind: ChangeKind, breaking: bool, spec: String, rust: String) {
    out.push(Change {
        kind,
        breaking,
        spec,
        rust,
    });
}

fn endpoint(op: &Operation) -> String {
    format!("`{} {}`", op.method.as_str(), op.path)
}

fn client_method(op: &Operation) -> String {
    format!("`Client::{}`", op.rust_name)
}

fn diff_operations(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let old_ops: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.op_id.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|o| (o.op_id.as_str(), o))
        .collect();
    let mut removed: Vec<&Operation> = old_ops
        .iter()
        .filter(|(id, _)| !new_ops.contains_key(*id))
        .map(|(_, o)| *o)
        .collect();
    let mut added: Vec<&Operation> = new_ops
        .iter()
        .filter(|(id, _)| !old_ops.contains_key(*id))
        .map(|(_, o)| *o)
        .collect();
    // Renamed: same method and path, another operationId.
    let mut renamed: Vec<(&Operation, &Operation)> = Vec::new();
    removed.retain(|o| {
        match added
            .iter()
            .position(|n| n.method == o.method && n.path == o.path)
        {
            Some(i) => {
                renamed.push((o, added.remove(i)));
                false
            }
            None => true,
        }
    });
    for o in removed {
        change(
            out,
            ChangeKind::OperationRemoved,
            true,
            format!("operation `{}` ({}) removed", o.op_id, endpoint(o)),
            format!(
                "{} and the builder `operations::{}` removed: callers no longer compile",
                client_method(o),
                o.type_name
            ),
        );
    }
    for n in added {
        change(
            out,
            ChangeKind::OperationAdded,
            false,
            format!("operation `{}` ({}) added", n.op_id, endpoint(n)),
            format!(
                "new method {} and builder `operations::{}`",
                client_method(n),
                n.type_name
            ),
        );
    }
    for (o, n) in &renamed {
        rename(out, o, n, &format!("`{}` → `{}`", o.op_id, n.op_id));
        diff_operation(o, n, out);
    }
    for (id, o) in &old_ops {
        if let Some(n) = new_ops.get(id) {
            if o.rust_name != n.rust_name {
                rename(out, o, n, &format!("`{id}` (`x-rust-name`)"));
            }
            diff_operation(o, n, out);
        }
    }
}

fn rename(out: &mut Vec<Change>, o: &Operation, n: &Operation, what: &str) {
    let spec = format!("operation renamed: {what} ({})", endpoint(n));
    if o.rust_name == n.rust_name {
        change(
            out,
            ChangeKind::OperationRenamed,
            false,
            spec,
            format!(
                "none: the method stays {} (`x-rust-name`)",
                client_method(n)
            ),
        );
    } else if n.aliases.contains(&o.rust_name) {
        change(
            out,
            ChangeKind::OperationRenamed,
            false,
            spec,
            format!(
                "{} → {}; the old name stays as an alias (`x-rust-aliases`), so callers still compile; the builder type `operations::{}` → `operations::{}`",
                client_method(o),
                client_method(n),
                o.type_name,
                n.type_name
            ),
        );
    } else {
        change(
            out,
            ChangeKind::OperationRenamed,
            true,
            spec,
            format!(
                "{} → {} and `operations::{}` → `operations::{}`: callers of the old name no longer compile (keep it with `x-rust-aliases: [{}]` to avoid the break)",
                client_method(o),
                client_method(n),
                o.type_name,
                n.type_name,
                o.rust_name
            ),
        );
    }
}

fn diff_operation(o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let m = client_method(n);
    for alias in o.aliases.iter().filter(|a| !n.aliases.contains(a)) {
        if *alias == n.rust_name {
            continue;
        }
        change(
            out,
            ChangeKind::AliasRemoved,
            true,
            format!("`{}`: alias `{alias}` removed", n.op_id),
            format!("`Client::{alias}` removed: callers of it no longer compile"),
        );
    }
    for alias in n.aliases.iter().filter(|a| !o.aliases.contains(a)) {
        if *alias == o.rust_name {
            continue; // reported with the rename
        }
        change(
            out,
            ChangeKind::AliasAdded,
            false,
            format!("`{}`: alias `{alias}` added", n.op_id),
            format!("new method `Client::{alias}`, forwarding to {m}"),
        );
    }
    if o.method != n.method {
        change(
            out,
            ChangeKind::MethodChanged,
            true,
            format!(
                "`{}`: HTTP method `{}` → `{}`",
                n.op_id,
                o.method.as_str(),
                n.method.as_str()
            ),
            format!(
                "no signature change, but {m} now sends `{}` instead of `{}`: a call that worked may now fail (a fix only if the old method was wrong)",
                n.method.as_str(),
                o.method.as_str()
            ),
        );
    }
    if o.path != n.path {
        change(
            out,
            ChangeKind::PathChanged,
            true,
            format!("`{}`: path `{}` → `{}`", n.op_id, o.path, n.path),
            format!(
                "no signature change (setters are listed separately), but {m} now calls another URL: a call that worked may now fail (a fix only if the old path was wrong)"
            ),
        );
    }
    if o.content_type != n.content_type {
        let show = |c: &Option<String>| match c {
            Some(c) => format!("`{c}`"),
            None => "none".to_owned(),
        };
        change(
            out,
            ChangeKind::ContentTypeChanged,
            true,
            format!(
                "`{}`: Content-Type {} → {}",
                n.op_id,
                show(&o.content_type),
                show(&n.content_type)
            ),
            format!(
                "no signature change, but {m} sends (and signs) another Content-Type: the service may reject it"
            ),
        );
    }
    if o.idempotent != n.idempotent {
        let (now, effect) = if n.idempotent {
            (
                "idempotent",
                "now also retried after 502/503/504, read timeouts and broken connections",
            )
        } else {
            (
                "not idempotent",
                "no longer retried after 502/503/504, read timeouts and broken connections",
            )
        };
        change(
            out,
            ChangeKind::IdempotencyChanged,
            false,
            format!("`{}` is now {now}", n.op_id),
            format!("no signature change; {m} is {effect} by the default retry policy"),
        );
    }
    diff_params(o, n, out);
    diff_body(o, n, out);
    diff_pagination(o, n, out);
    if o.response != n.response {
        change(
            out,
            ChangeKind::ResponseChanged,
            true,
            format!("`{}`: success response changed", n.op_id),
            format!(
                "`send` of {m} now returns {} instead of {}",
                response_text(&n.response),
                response_text(&o.response)
            ),
        );
    }
}

/// How an operation pages, for comparison: style, parameters, item path and model, total
/// and marker paths.
fn paging_shape(p: &Pagination) -> String {
    let path = |steps: &[FieldStep]| {
        steps
            .iter()
            .map(|s| s.wire_name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    };
    format!(
        "{:?} {} {:?} {} {} {:?} {:?}",
        p.style,
        p.position.name,
        p.limit.as_ref().map(|l| &l.name),
        path(&p.items),
        p.item_model,
        p.total.as_ref().map(|(t, _)| path(t)),
        p.next_marker.as_deref().map(path)
    )
}

fn diff_pagination(o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let b = &n.type_name;
    match (&o.pagination, &n.pagination) {
        (None, None) => {}
        (None, Some(p)) => change(
            out,
            ChangeKind::PaginationAdded,
            false,
            format!("`{}` is now paged (`x-huaweicloud-pagination`)", n.op_id),
            format!(
                "new `{b}::by_page()` and `{b}::by_item()` streams (items: `models::{}`)",
                p.item_model
            ),
        ),
        (Some(_), None) => change(
            out,
            ChangeKind::PaginationRemoved,
            true,
            format!("`{}` is no longer paged", n.op_id),
            format!("`{b}::by_page()` and `{b}::by_item()` removed: callers no longer compile"),
        ),
        (Some(op), Some(np)) if op.item_model != np.item_model => change(
            out,
            ChangeKind::PaginationChanged,
            true,
            format!("`{}`: paged items changed", n.op_id),
            format!(
                "`{b}::by_item()` yields `models::{}` instead of `models::{}`",
                np.item_model, op.item_model
            ),
        ),
        (Some(op), Some(np)) if paging_shape(op) != paging_shape(np) => change(
            out,
            ChangeKind::PaginationChanged,
            false,
            format!("`{}`: how pages are stepped through changed", n.op_id),
            format!(
                "no signature change; `{b}::by_page()` / `by_item()` request and stop differently (check the parameters and response fields named in `x-huaweicloud-pagination`)"
            ),
        ),
        _ => {}
    }
}

fn response_text(r: &ResponseKind) -> String {
    match r {
        ResponseKind::None => "`Response<()>`".to_owned(),
        ResponseKind::Json(t) => format!("`Response<{}>`", type_text(t)),
        ResponseKind::Headers(m)
        | ResponseKind::JsonWithHeaders { model: m, .. }
        | ResponseKind::TextWithHeaders { model: m } => {
            format!("`Response<{m}>`")
        }
        ResponseKind::Stream => "a byte stream".to_owned(),
        ResponseKind::StreamWithHeaders { model } => format!("a byte stream beside `{model}`"),
        ResponseKind::Bytes => "`Response<Bytes>`".to_owned(),
    }
}

fn diff_params(o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let key = |p: &Param| (p.location.as_str(), p.name.clone());
    let old: BTreeMap<_, &Param> = o.params().map(|p| (key(p), p)).collect();
    let new: BTreeMap<_, &Param> = n.params().map(|p| (key(p), p)).collect();
    let b = &n.type_name;
    for ((loc, name), p) in &old {
        if !new.contains_key(&(*loc, name.clone())) {
            change(
                out,
                ChangeKind::ParamRemoved,
                true,
                format!("`{}`: {loc} parameter `{name}` removed", n.op_id),
                format!(
                    "setter `{b}::{}()` removed: callers that set it no longer compile",
                    p.rust_name
                ),
            );
        }
    }
    for ((loc, name), p) in &new {
        let Some(q) = old.get(&(*loc, name.clone())) else {
            let ty = type_text(&p.ty);
            if p.required {
                change(
                    out,
                    ChangeKind::ParamAdded,
                    true,
                    format!("`{}`: required {loc} parameter `{name}` added", n.op_id),
                    format!(
                        "new setter `{b}::{}()` (`{ty}`), required: `send` returns an invalid-request error until callers set it",
                        p.rust_name
                    ),
                );
            } else {
                change(
                    out,
                    ChangeKind::ParamAdded,
                    false,
                    format!("`{}`: optional {loc} parameter `{name}` added", n.op_id),
                    format!("new setter `{b}::{}()` (`{ty}`)", p.rust_name),
                );
            }
            continue;
        };
        if q.ty != p.ty {
            change(
                out,
                ChangeKind::ParamTypeChanged,
                true,
                format!("`{}`: {loc} parameter `{name}` type changed", n.op_id),
                format!(
                    "setter `{b}::{}()` takes `{}` instead of `{}`: callers may no longer compile",
                    p.rust_name,
                    type_text(&p.ty),
                    type_text(&q.ty)
                ),
            );
        }
        if q.rust_name != p.rust_name {
            change(
                out,
                ChangeKind::ParamRemoved,
                true,
                format!("`{}`: {loc} parameter `{name}` renamed in Rust", n.op_id),
                format!(
                    "setter `{b}::{}()` → `{b}::{}()`: callers of the old name no longer compile",
                    q.rust_name, p.rust_name
                ),
            );
        }
        match (q.required, p.required) {
            (false, true) => change(
                out,
                ChangeKind::ParamMadeRequired,
                true,
                format!(
                    "`{}`: {loc} parameter `{name}` optional → required",
                    n.op_id
                ),
                format!(
                    "`{b}::{}()` is now required: `send` returns an invalid-request error when it is missing",
                    p.rust_name
                ),
            ),
            (true, false) => change(
                out,
                ChangeKind::ParamMadeOptional,
                false,
                format!(
                    "`{}`: {loc} parameter `{name}` required → optional",
                    n.op_id
                ),
                format!(
                    "`{b}::{}()` is now optional: `send` no longer errors without it",
                    p.rust_name
                ),
            ),
            _ => {}
        }
    }
}

fn diff_body(o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let b = &n.type_name;
    match (&o.body, &n.body) {
        (None, None) => {}
        (Some(_), None) => change(
            out,
            ChangeKind::BodyRemoved,
            true,
            format!("`{}`: request body removed", n.op_id),
            format!("setter `{b}::body()` removed: callers that set it no longer compile"),
        ),
        (None, Some(nb)) => {
            let ty = type_text(&nb.ty);
            if nb.required {
                change(
                    out,
                    ChangeKind::BodyAdded,
                    true,
                    format!("`{}`: required request body added", n.op_id),
                    format!(
                        "new setter `{b}::body()` (`{ty}`), required: `send` returns an invalid-request error until callers set it"
                    ),
                );
            } else {
                change(
                    out,
                    ChangeKind::BodyAdded,
                    false,
                    format!("`{}`: optional request body added", n.op_id),
                    format!("new setter `{b}::body()` (`{ty}`)"),
                );
            }
        }
        (Some(ob), Some(nb)) => body_changes(n, ob, nb, out),
    }
}

fn body_changes(n: &Operation, ob: &Body, nb: &Body, out: &mut Vec<Change>) {
    let b = &n.type_name;
    if ob.ty != nb.ty {
        change(
            out,
            ChangeKind::BodyTypeChanged,
            true,
            format!("`{}`: request body type changed", n.op_id),
            format!(
                "`{b}::body()` takes `{}` instead of `{}`: callers no longer compile",
                type_text(&nb.ty),
                type_text(&ob.ty)
            ),
        );
    }
    match (ob.required, nb.required) {
        (false, true) => change(
            out,
            ChangeKind::BodyMadeRequired,
            true,
            format!("`{}`: request body optional → required", n.op_id),
            format!(
                "`{b}::body()` is now required: `send` returns an invalid-request error when it is missing"
            ),
        ),
        (true, false) => change(
            out,
            ChangeKind::BodyMadeOptional,
            false,
            format!("`{}`: request body required → optional", n.op_id),
            format!("`{b}::body()` is now optional"),
        ),
        _ => {}
    }
}

fn diff_models(old: &Service, new: &Service, out: &mut Vec<Change>) {
    // Required fields of these are checked by `send()`: a new requirement can fail a call.
    let sent = new.request_models();
    let old_models: BTreeMap<&str, &Model> =
        old.models.iter().map(|m| (m.name.as_str(), m)).collect();
    let new_models: BTreeMap<&str, &Model> =
        new.models.iter().map(|m| (m.name.as_str(), m)).collect();
    for (name, m) in &old_models {
        if !new_models.contains_key(name) {
            change(
                out,
                ChangeKind::ModelRemoved,
                true,
                format!("{} `{name}` removed", model_word(m)),
                format!("type `models::{name}` removed: code naming it no longer compiles"),
            );
        }
    }
    for (name, m) in &new_models {
        let Some(o) = old_models.get(name) else {
            change(
                out,
                ChangeKind::ModelAdded,
                false,
                format!("{} `{name}` added", model_word(m)),
                format!("new type `models::{name}`"),
            );
            continue;
        };
        match (&o.kind, &m.kind) {
            (ModelKind::Struct(of), ModelKind::Struct(nf)) => {
                diff_fields(name, of, nf, sent.contains(name), out)
            }
            (ModelKind::Enum(ov), ModelKind::Enum(nv)) => {
                let old_values: BTreeMap<&str, &str> = ov
                    .iter()
                    .map(|v| (v.value.as_str(), v.rust_name.as_str()))
                    .collect();
                let new_values: BTreeMap<&str, &str> = nv
                    .iter()
                    .map(|v| (v.value.as_str(), v.rust_name.as_str()))
                    .collect();
                for (value, variant) in &old_values {
                    if !new_values.contains_key(value) {
                        change(
                            out,
                            ChangeKind::EnumValueRemoved,
                            true,
                            format!("enum `{name}`: value `{value}` removed"),
                            format!(
                                "variant `{name}::{variant}` removed: code that names it no longer compiles; the value itself still decodes, as `{name}::Unknown(\"{value}\")`"
                            ),
                        );
                    }
                }
                for (value, variant) in &new_values {
                    if !old_values.contains_key(value) {
                        change(
                            out,
                            ChangeKind::EnumValueAdded,
                            false,
                            format!("enum `{name}`: value `{value}` added"),
                            format!(
                                "new variant `{name}::{variant}` (the enum is `#[non_exhaustive]`); the value used to decode as `{name}::Unknown(\"{value}\")`, so code matching that `Unknown` no longer sees it"
                            ),
                        );
                    }
                }
            }
            _ => change(
                out,
                ChangeKind::ModelKindChanged,
                true,
                format!(
                    "`{name}` changed from {} to {}",
                    model_word(o),
                    model_word(m)
                ),
                format!(
                    "`models::{name}` is now another kind of type: code using it no longer compiles"
                ),
            ),
        }
    }
}

fn model_word(m: &Model) -> &'static str {
    match m.kind {
        ModelKind::Struct(_) => "model",
        ModelKind::Enum(_) => "enum",
    }
}

/// `sent`: the model can be part of a request body, whose required fields `send()` checks.
fn diff_fields(model: &str, old: &[Field], new: &[Field], sent: bool, out: &mut Vec<Change>) {
    let newly_required = |rust_name: &str| {
        format!(
            "`send()` of an operation whose request carries `{model}` now fails with an invalid-request error, before sending, while `{model}::{rust_name}` is not set (the type stays `Option`)"
        )
    };
    let old_f: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire_name.as_str(), f)).collect();
    let new_f: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire_name.as_str(), f)).collect();
    for (wire, f) in &old_f {
        if !new_f.contains_key(wire) {
            change(
                out,
                ChangeKind::FieldRemoved,
                true,
                format!("model `{model}`: property `{wire}` removed"),
                format!(
                    "field `{model}::{}` and its builder setter removed: code using them no longer compiles",
                    f.rust_name
                ),
            );
        }
    }
    let wire_set: BTreeSet<&str> = old_f.keys().copied().collect();
    for (wire, f) in &new_f {
        let ty = format!("Option<{}>", type_text(&f.ty));
        let Some(o) = old_f.get(wire) else {
            let breaking = f.required && sent;
            let required = if breaking {
                format!(" It is required: {}.", newly_required(&f.rust_name))
            } else if f.required {
                " It is documented as required (in responses only: nothing changes for requests)."
                    .to_owned()
            } else {
                String::new()
            };
            change(
                out,
                ChangeKind::FieldAdded,
                breaking,
                format!(
                    "model `{model}`: {} property `{wire}` added",
                    if f.required { "required" } else { "optional" }
                ),
                format!(
                    "new field `{model}::{}` (`{ty}`) and builder setter; models are `#[non_exhaustive]` and built with builders, so existing code still compiles.{required}",
                    f.rust_name
                ),
            );
            continue;
        };
        debug_assert!(wire_set.contains(wire));
        if o.rust_name != f.rust_name {
            change(
                out,
                ChangeKind::FieldRenamed,
                true,
                format!("model `{model}`: Rust name of `{wire}` changed (`x-rust-name`)"),
                format!(
                    "field `{model}::{}` → `{model}::{}`: code using the old name no longer compiles",
                    o.rust_name, f.rust_name
                ),
            );
        }
        if o.ty != f.ty {
            change(
                out,
                ChangeKind::FieldTypeChanged,
                true,
                format!("model `{model}`: type of `{wire}` changed"),
                format!(
                    "field `{model}::{}` type `Option<{}>` → `{ty}`: code reading or setting it may no longer compile",
                    f.rust_name,
                    type_text(&o.ty)
                ),
            );
        }
        match (o.required, f.required) {
            (false, true) if sent => change(
                out,
                ChangeKind::FieldMadeRequired,
                true,
                format!("model `{model}`: `{wire}` optional → required"),
                newly_required(&f.rust_name),
            ),
            (false, true) => change(
                out,
                ChangeKind::FieldMadeRequired,
                false,
                format!("model `{model}`: `{wire}` optional → required"),
                format!(
                    "none in the types: `{model}::{}` stays `{ty}`; the model is never sent, so only the docs change (**Required.**)",
                    f.rust_name
                ),
            ),
            (true, false) => change(
                out,
                ChangeKind::FieldMadeOptional,
                false,
                format!("model `{model}`: `{wire}` required → optional"),
                format!(
                    "none in the types: `{model}::{}` stays `{ty}`; `send()` no longer requires it, and responses may now omit it",
                    f.rust_name
                ),
            ),
            _ => {}
        }
        if o.secret != f.secret {
            let (spec, rust) = if f.secret {
                ("now `format: password`", "now redacted in `Debug` output")
            } else {
                (
                    "no longer `format: password`",
                    "now printed in `Debug` output: check that it holds no secret",
                )
            };
            change(
                out,
                ChangeKind::FieldSecretChanged,
                false,
                format!("model `{model}`: `{wire}` {spec}"),
                format!("`{model}::{}` is {rust}", f.rust_name),
            );
        }
    }
}

// ----- report ------------------------------------------------------------------------------

/// One compared spec for the report.
pub struct Compared {
    /// What is compared, e.g. `specs/dcs/v2.yaml (HEAD~1 → HEAD)`.
    pub title: String,
    /// The crate, when known (from the new side, else the old one).
    pub crate_name: Option<String>,
    pub changes: Vec<Change>,
    /// Set when one side does not exist (a spec added or removed as a whole).
    pub note: Option<String>,
}

/// Markdown for a pull request.
pub fn render(compared: &[Compared]) -> String {
    let mut out = String::from("# Spec changes\n");
    let breaking: usize = compared
        .iter()
        .map(|c| c.changes.iter().filter(|ch| ch.breaking).count())
        .sum();
    let total: usize = compared.iter().map(|c| c.changes.len()).sum();
    let _ = writeln!(
        out,
        "\n{} change(s): **{breaking} breaking**, {} compatible, for users of the generated crates. \
         Breaking: code that compiled and worked may stop compiling or start failing.",
        total,
        total - breaking
    );
    if compared.is_empty() {
        out.push_str("\nNo spec changed.\n");
    }
    for c in compared {
        let _ = write!(out, "\n## {}", c.title);
        if let Some(k) = &c.crate_name {
            let _ = write!(out, " (`{k}`)");
        }
        out.push_str("\n\n");
        if let Some(note) = &c.note {
            let _ = writeln!(out, "{note}\n");
        }
        if c.changes.is_empty() {
            if c.note.is_none() {
                out.push_str("No change to the generated API.\n");
            }
            continue;
        }
        out.push_str("| | change | Rust API |\n|---|---|---|\n");
        let mut rows: Vec<&Change> = c.changes.iter().collect();
        rows.sort_by_key(|ch| !ch.breaking);
        for ch in rows {
            let class = if ch.breaking {
                "**breaking**"
            } else {
                "compatible"
            };
            let _ = writeln!(out, "| {class} | {} | {} |", cell(&ch.spec), cell(&ch.rust));
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

// ----- sources -----------------------------------------------------------------------------

/// One side of a comparison: a file on disk, `<rev>:<path>`, or a whole revision.
enum Source {
    File(String),
    AtRevision { rev: String, path: String },
    Revision(String),
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

fn classify(root: &Path, arg: &str) -> Result<Source, String> {
    if Path::new(arg).is_file() || root.join(arg).is_file() {
        return Ok(Source::File(arg.to_owned()));
    }
    if let Some((rev, path)) = arg.split_once(':') {
        return Ok(Source::AtRevision {
            rev: rev.to_owned(),
            path: path.to_owned(),
        });
    }
    let verify = format!("{arg}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &verify])
        .map_err(|_| format!("`{arg}` is neither a file nor a git revision"))?;
    Ok(Source::Revision(arg.to_owned()))
}

fn read_file(root: &Path, path: &str) -> Result<Vec<u8>, String> {
    let p = if Path::new(path).is_file() {
        Path::new(path).to_path_buf()
    } else {
        root.join(path)
    };
    std::fs::read(&p).map_err(|e| format!("cannot read {path}: {e}"))
}

fn read_at(root: &Path, rev: &str, path: &str) -> Result<Vec<u8>, String> {
    git(root, &["show", &format!("{rev}:{path}")])
}

/// `specs/*/v2.yaml` at a revision (`None`: the working tree).
fn specs_at(root: &Path, rev: Option<&str>) -> Result<BTreeSet<String>, String> {
    match rev {
        Some(rev) => {
            let listing = git(root, &["ls-tree", "-r", "--name-only", rev, "--", "specs"])?;
            Ok(String::from_utf8_lossy(&listing)
                .lines()
                .filter(|l| is_spec_path(l))
                .map(str::to_owned)
                .collect())
        }
        None => Ok(crate::codegen::find_specs(root)
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|p| is_spec_path(p))
            .collect()),
    }
}

fn is_spec_path(p: &str) -> bool {
    let parts: Vec<&str> = p.split('/').collect();
    parts.len() == 3 && parts[0] == "specs" && parts[2] == "v2.yaml"
}

/// Reads `path` at `rev` (`None`: working tree); `Ok(None)` when it does not exist there.
fn read_side(root: &Path, rev: Option<&str>, path: &str) -> Result<Option<Vec<u8>>, String> {
    if !specs_at(root, rev)?.contains(path) {
        return Ok(None);
    }
    match rev {
        Some(rev) => read_at(root, rev, path).map(Some),
        None => read_file(root, path).map(Some),
    }
}

/// Compares two loaded sides.
pub fn compare(
    title: String,
    old: &[u8],
    old_label: &str,
    new: &[u8],
    new_label: &str,
) -> Result<Compared, String> {
    let old = lower_bytes(old_label, old)?;
    let new = lower_bytes(new_label, new)?;
    Ok(Compared {
        title,
        crate_name: Some(new.crate_name.clone()),
        changes: diff(&old, &new),
        note: None,
    })
}

/// `cargo xtask spec diff <old> [<new>]`: the Markdown report.
pub fn cli(root: &Path, args: &[String]) -> Result<String, String> {
    let (old_arg, new_arg) = match args {
        [old] => (old.as_str(), None),
        [old, new] => (old.as_str(), Some(new.as_str())),
        _ => {
            return Err(format!(
                "expected `<old> [<new>]` (files, <rev>:<path> or git revisions)\n\n{}",
                super::USAGE
            ));
        }
    };
    let old = classify(root, old_arg)?;
    let new = match new_arg {
        Some(a) => Some(classify(root, a)?),
        None => None,
    };
    let compared = match (old, new) {
        (Source::Revision(o), None) => whole_revisions(root, Some(&o), None)?,
        (Source::Revision(o), Some(Source::Revision(n))) => {
            whole_revisions(root, Some(&o), Some(&n))?
        }
        (Source::Revision(_), Some(_)) | (_, Some(Source::Revision(_))) => {
            return Err(
                "compare a revision with a revision (all specs), or a file with a file".to_owned(),
            );
        }
        (old, new) => {
            let (old_bytes, old_label) = read_source(root, &old)?;
            let (new_bytes, new_label) = match new {
                Some(n) => read_source(root, &n)?,
                None => match &old {
                    // `<rev>:<path>` alone: against the same path in the working tree.
                    Source::AtRevision { path, .. } => (read_file(root, path)?, path.clone()),
                    _ => return Err("a file needs a second file to compare with".to_owned()),
                },
            };
            let title = format!("`{old_label}` → `{new_label}`");
            vec![compare(
                title, &old_bytes, &old_label, &new_bytes, &new_label,
            )?]
        }
    };
    Ok(render(&compared))
}

fn read_source(root: &Path, s: &Source) -> Result<(Vec<u8>, String), String> {
    match s {
        Source::File(p) => Ok((read_file(root, p)?, p.clone())),
        Source::AtRevision { rev, path } => {
            Ok((read_at(root, rev, path)?, format!("{rev}:{path}")))
        }
        Source::Revision(r) => Err(format!("`{r}` is a revision, not a file")),
    }
}

/// Every `specs/*/v2.yaml` of `old` against `new` (`None`: the working tree).
fn whole_revisions(
    root: &Path,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<Vec<Compared>, String> {
    let new_name = new.unwrap_or("working tree");
    let old_name = old.unwrap_or("working tree");
    let mut paths = specs_at(root, old)?;
    paths.extend(specs_at(root, new)?);
    let mut out = Vec::new();
    for path in paths {
        let title = format!("`{path}` ({old_name} → {new_name})");
        let o = read_side(root, old, &path)?;
        let n = read_side(root, new, &path)?;
        match (o, n) {
            (Some(o), Some(n)) => {
                if o == n {
                    continue;
                }
                out.push(compare(
                    title,
                    &o,
                    &format!("{old_name}:{path}"),
                    &n,
                    &format!("{new_name}:{path}"),
                )?);
            }
            (None, Some(n)) => {
                let s = lower_bytes(&format!("{new_name}:{path}"), &n)?;
                out.push(Compared {
                    title,
                    crate_name: Some(s.crate_name.clone()),
                    changes: Vec::new(),
                    note: Some(format!(
                        "New spec: a new crate with {} operation(s) and {} model(s) (compatible).",
                        s.operations.len(),
                        s.models.len()
                    )),
                });
            }
            (Some(o), None) => {
                let s = lower_bytes(&format!("{old_name}:{path}"), &o)?;
                out.push(Compared {
                    title,
                    crate_name: Some(s.crate_name.clone()),
                    changes: Vec::new(),
                    note: Some(format!(
                        "**Spec removed (breaking)**: the crate and its {} operation(s) are no longer generated.",
                        s.operations.len()
                    )),
                });
            }
            (None, None) => {}
        }
    }
    Ok(out)
}
