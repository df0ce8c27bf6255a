//! IR -> files. Rust is built with `quote!`, parsed with `syn` and printed with
//! `prettyplease` (output fixed by Cargo.lock, not by the installed rustfmt); generated
//! crates opt out of rustfmt with `#![cfg_attr(rustfmt, rustfmt::skip)]` and
//! `#[rustfmt::skip]` on every out-of-line module.

mod cargo_toml;
mod client;
mod lib_rs;
mod models;
mod operations;
pub mod parity;
pub mod parity_manifest;
mod regions;
mod secret_tests;
mod waiters;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::GENERATED_MARKER;
use super::ir::{Field, ModelKind, Operation, ResponseKind, Service, TypeRef};
use super::naming;

/// Size limits of generated files (item 10 of the generator's design: no file over 1 MB).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A module whose single file would be larger is spread over several files.
    pub split_at: usize,
    /// Target size of each of those files.
    pub chunk: usize,
    /// No generated file may be larger (checked last; a diagnostic, never silent).
    pub max_file: usize,
}

/// The limits used for the crates.
pub const LIMITS: Limits = Limits {
    split_at: 768 * 1024,
    chunk: 512 * 1024,
    max_file: 1_000_000,
};

/// Emits every file of a single-version crate: crate-relative path -> contents.
pub fn emit(service: &Service) -> Result<BTreeMap<String, String>, String> {
    emit_crate(std::slice::from_ref(service), &LIMITS)
}

/// Emits every file of a crate of one or more API versions of a service: crate-relative path
/// -> contents. One version: its API at the crate root (`src/lib.rs`, `src/client.rs`, ...).
/// Several: one module per version (`src/v2/mod.rs`, ...), each with its own cargo feature.
pub fn emit_crate(
    versions: &[Service],
    limits: &Limits,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let Some(first) = versions.first() else {
        return Ok(out);
    };
    out.insert("Cargo.toml".to_owned(), cargo_toml::emit(versions));
    if versions.len() == 1 {
        emit_version(first, "src/", limits, &mut out)?;
    } else {
        for v in versions {
            emit_version(v, &format!("src/{}/", v.version), limits, &mut out)?;
        }
        out.insert(
            "src/lib.rs".to_owned(),
            render_text(&header_of(versions), lib_rs::emit_versions(versions))?,
        );
    }
    for (rel, text) in &out {
        if text.len() > limits.max_file {
            return Err(format!(
                "generated file {rel} is {} bytes, over the limit of {} (split the API into smaller spec files)",
                text.len(),
                limits.max_file
            ));
        }
    }
    Ok(out)
}

/// The files of one version under `base` (`src/` or `src/v3/`).
fn emit_version(
    s: &Service,
    base: &str,
    limits: &Limits,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let mut chunks = Vec::new();

    let models = models::items(s);
    let whole = items_of(&models);
    let models_chunks = split(s, base, "models", whole, &models, limits, out, |_| {
        quote!(
            #[allow(unused_imports)]
            use super::models::*;
        )
    })?;
    if !models_chunks.is_empty() {
        let reexports = models_chunks.iter().map(|(m, _)| reexport(m));
        out.insert(
            format!("{base}models.rs"),
            render(s, quote!(#(#reexports)*))?,
        );
    }
    chunks.extend(models_chunks.into_iter().map(|(m, _)| m));

    let parent = quote!(super);
    let ops = operations::items(s, &parent);
    let all_ops: Vec<&Operation> = s.operations.iter().collect();
    let head = operations::header(&all_ops, &parent);
    let op_tokens = ops.iter().map(|(_, t)| t);
    let whole = quote!(#head #(#op_tokens)*);
    let ops_chunks = split(s, base, "operations", whole, &ops, limits, out, |names| {
        let these: Vec<&Operation> = s
            .operations
            .iter()
            .filter(|o| names.contains(&o.type_name.as_str()))
            .collect();
        operations::header(&these, &parent)
    })?;
    if !ops_chunks.is_empty() {
        let reexports = ops_chunks.iter().map(|(m, _)| reexport(m));
        out.insert(
            format!("{base}operations.rs"),
            render(s, quote!(#(#reexports)*))?,
        );
    }
    chunks.extend(ops_chunks.into_iter().map(|(m, _)| m));

    // The client: one `impl` block per file when split.
    let methods = client::methods(s, false);
    let all: Vec<TokenStream> = methods.iter().map(|(_, t)| t.clone()).collect();
    let text = render(s, client::head(s, &all))?;
    if text.len() <= limits.split_at {
        out.insert(format!("{base}client.rs"), text);
    } else {
        let methods = client::methods(s, true);
        for (module, names) in group_items(s, &methods, limits, |m| {
            client::chunk(std::slice::from_ref(m))
        })? {
            let these: Vec<TokenStream> = methods
                .iter()
                .filter(|(n, _)| names.contains(n))
                .map(|(_, t)| t.clone())
                .collect();
            out.insert(
                chunk_path(base, "client", &module),
                render(s, client::chunk(&these))?,
            );
            chunks.push(format!("client_{module}"));
        }
        out.insert(format!("{base}client.rs"), render(s, client::head(s, &[]))?);
    }

    out.insert(format!("{base}regions.rs"), render(s, regions::emit(s))?);
    if secret_tests::needed(s) {
        out.insert(
            format!("{base}secret_debug_tests.rs"),
            render(s, secret_tests::emit(s))?,
        );
    }
    let root = if base == "src/" {
        "src/lib.rs".to_owned()
    } else {
        format!("{base}mod.rs")
    };
    out.insert(root, render(s, lib_rs::emit(s, &chunks, base == "src/"))?);
    Ok(())
}

fn items_of(items: &[(String, TokenStream)]) -> TokenStream {
    let tokens = items.iter().map(|(_, t)| t);
    quote!(#(#tokens)*)
}

/// `pub use super::<module>::*;`
fn reexport(module: &str) -> TokenStream {
    let m = quote::format_ident!("{module}");
    quote!(pub use super::#m::*;)
}

/// `src/models/li.rs` for the chunk `li` of `models` under `src/`.
fn chunk_path(base: &str, module: &str, chunk: &str) -> String {
    format!("{base}{module}/{chunk}.rs")
}

/// Writes `whole` as `<base><name>.rs` when it fits `limits.split_at` and returns no chunks;
/// else writes the items in chunk files `<base><name>/<prefix>.rs`, each with
/// `chunk_head(names)` on top, and returns `(<name>_<prefix>, item names)` per chunk (the
/// caller writes the module file that re-exports them).
#[allow(clippy::too_many_arguments)]
fn split(
    s: &Service,
    base: &str,
    name: &str,
    whole: TokenStream,
    items: &[(String, TokenStream)],
    limits: &Limits,
    out: &mut BTreeMap<String, String>,
    chunk_head: impl Fn(&[&str]) -> TokenStream,
) -> Result<Vec<(String, Vec<String>)>, String> {
    let text = render(s, whole)?;
    if text.len() <= limits.split_at {
        out.insert(format!("{base}{name}.rs"), text);
        return Ok(Vec::new());
    }
    let mut chunks = Vec::new();
    for (prefix, names) in group_items(s, items, limits, |t| t.clone())? {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let head = chunk_head(&refs);
        let body = items
            .iter()
            .filter(|(n, _)| names.contains(n))
            .map(|(_, t)| t);
        out.insert(
            chunk_path(base, name, &prefix),
            render(s, quote!(#head #(#body)*))?,
        );
        chunks.push((format!("{name}_{prefix}"), names));
    }
    Ok(chunks)
}

/// Groups items (sorted by name) by a lower-case name prefix: one group per first character,
/// a group over `limits.chunk` again by two characters, and so on. Deterministic: the groups
/// depend only on the names and the rendered sizes.
fn group_items(
    s: &Service,
    items: &[(String, TokenStream)],
    limits: &Limits,
    wrap: impl Fn(&TokenStream) -> TokenStream,
) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut sized = Vec::with_capacity(items.len());
    for (name, tokens) in items {
        sized.push((name.clone(), render(s, wrap(tokens))?.len()));
    }
    let mut out = Vec::new();
    group_by_prefix(&sized, 1, limits.chunk, &mut out);
    Ok(out)
}

fn group_by_prefix(
    items: &[(String, usize)],
    len: usize,
    budget: usize,
    out: &mut Vec<(String, Vec<String>)>,
) {
    let key = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(len)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let mut groups: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for (name, size) in items {
        groups
            .entry(key(name))
            .or_default()
            .push((name.clone(), *size));
    }
    for (prefix, members) in groups {
        let total: usize = members.iter().map(|(_, n)| n).sum();
        let longer = members
            .iter()
            .any(|(n, _)| n.chars().filter(|c| c.is_ascii_alphanumeric()).count() > len);
        if total > budget && members.len() > 1 && longer {
            group_by_prefix(&members, len + 1, budget, out);
        } else {
            out.push((prefix, members.into_iter().map(|(n, _)| n).collect()));
        }
    }
}

/// First line of a file generated from several specs.
fn header_of(versions: &[Service]) -> String {
    let specs: Vec<&str> = versions.iter().map(|v| v.spec_path.as_str()).collect();
    format!("{GENERATED_MARKER} from {}. Do not edit.", specs.join(", "))
}

/// Header line of a generated file, after the comment leader.
pub fn header(service: &Service) -> String {
    format!(
        "{GENERATED_MARKER} from {}. Do not edit.",
        service.spec_path
    )
}

fn render(service: &Service, tokens: TokenStream) -> Result<String, String> {
    render_text(&header(service), tokens)
}

fn render_text(header: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    let body = wrap_open_enums(&prettyplease::unparse(&file));
    let mut text = format!("// {header}\n");
    text.push_str(body.trim_end());
    text.push('\n');
    Ok(text)
}

/// Marker attribute on an enum item that is to become an `open_enum!` invocation.
const OPEN_ENUM_MARKER: &str = "#[xtask_open_enum]";

/// Replaces every marked top-level enum (`#[xtask_open_enum]` line, then the item up to its
/// closing `}` at column 0) by `huaweicloud_sdk_core::__codegen::open_enum! { <item> }`,
/// indented. The macro body is thus laid out by prettyplease like ordinary code.
fn wrap_open_enums(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut inside = false;
    for line in text.lines() {
        if !inside && line == OPEN_ENUM_MARKER {
            out.push_str("huaweicloud_sdk_core::__codegen::open_enum! {\n");
            inside = true;
            continue;
        }
        if inside {
            if !line.is_empty() {
                out.push_str("    ");
            }
            out.push_str(line);
            out.push('\n');
            if line == "}" {
                out.push_str("}\n");
                inside = false;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

// ----- docs ------------------------------------------------------------------------------

/// Width at which descriptions are wrapped.
const WRAP: usize = 92;

/// Escapes text for rustdoc Markdown and keeps it ASCII. Inline code spans (`` `value` ``:
/// one backtick each side, printable ASCII without a backtick inside) are kept, since nothing
/// inside a code span is Markdown; any other backtick is escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((c, after)) = rest.chars().next().map(|c| (c, &rest[c.len_utf8()..])) {
        if c == '`' {
            if let Some(end) = after.find('`') {
                let code = &after[..end];
                // A closing run of two backticks would not close a one-backtick span.
                let closes = !after[end + 1..].starts_with('`');
                if closes
                    && !code.trim().is_empty()
                    && code.bytes().all(|b| (b' '..=b'~').contains(&b))
                {
                    out.push('`');
                    out.push_str(code);
                    out.push('`');
                    rest = &after[end + 1..];
                    continue;
                }
            }
        }
        escape_char(c, &mut out);
        rest = after;
    }
    out
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '[' | ']' | '<' | '>' | '*' | '`' | '\\' | '~' | '|' | '#' => {
            out.push('\\');
            out.push(c);
        }
        '\u{2018}' | '\u{2019}' => out.push('\''),
        '\u{201c}' | '\u{201d}' => out.push('"'),
        '\u{2013}' | '\u{2014}' => out.push('-'),
        '\n' | '\r' | '\t' => out.push(' '),
        c if c.is_ascii() => out.push(c),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Wraps already escaped text into lines, never starting a line with a token Markdown
/// would read as a list, heading, quote or table.
pub fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        // `#`, `>`, `|` and `*` reach a word start only from inside a code span.
        let risky = word.starts_with(['-', '+', '=', '\\', '#', '>', '|', '*'])
            || (word.chars().next().is_some_and(|c| c.is_ascii_digit())
                && word
                    .trim_end_matches(['.', ')'])
                    .chars()
                    .all(|c| c.is_ascii_digit())
                && word.ends_with(['.', ')']));
        // A list marker keeps its first word, or Markdown would end the item there.
        let only_marker = matches!(line.as_str(), "-" | "*" | "+");
        if !line.is_empty() && line.len() + 1 + word.len() > WRAP && !risky && !only_marker {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Builds doc text line by line.
#[derive(Default)]
pub struct Doc {
    lines: Vec<String>,
}

impl Doc {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a paragraph of spec text (escaped and wrapped), preceded by a blank line.
    pub fn para(&mut self, text: &str) -> &mut Self {
        let wrapped = wrap(&escape(text));
        if wrapped.is_empty() {
            return self;
        }
        self.blank();
        self.lines.extend(wrapped);
        self
    }
    /// Adds a paragraph of trusted Markdown (not escaped), preceded by a blank line.
    pub fn md(&mut self, text: &str) -> &mut Self {
        self.blank();
        self.lines.push(text.to_owned());
        self
    }
    /// Adds a trusted line with no blank line before it.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.lines.push(text.to_owned());
        self
    }
    /// A list item with a trusted prefix and escaped spec text.
    pub fn item(&mut self, prefix: &str, text: &str) -> &mut Self {
        let mut first = true;
        let escaped = escape(text);
        let full = if escaped.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix} {escaped}")
        };
        for l in wrap(&full) {
            self.lines.push(if first { l } else { format!("  {l}") });
            first = false;
        }
        self
    }
    fn blank(&mut self) {
        if !self.lines.is_empty() && self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }
    /// `#[doc = "..."]` attributes (outer).
    pub fn tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        });
        quote! { #(#[doc = #lines])* }
    }
    /// `#![doc = "..."]` attributes (inner).
    pub fn inner_tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        });
        quote! { #(#![doc = #lines])* }
    }
}

// ----- types -----------------------------------------------------------------------------

/// Type tokens; `models` is the path prefix of model types (`` or `super::models::`).
pub fn type_tokens(t: &TypeRef, models: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, models);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, models);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Named(n) => {
            let id = naming::ident(n);
            quote!(#models #id)
        }
        TypeRef::Value => quote!(serde_json::Value),
        TypeRef::File => quote!(huaweicloud_sdk_core::FormFile),
    }
}

/// Rust source of a type for docs (`Vec<String>`).
pub fn type_text(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Vec(i) => format!("Vec<{}>", type_text(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", type_text(i)),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Value => "serde_json::Value".into(),
        TypeRef::File => "FormFile".into(),
    }
}

/// Markdown for a type in client docs, linking models (`[`Tag`](super::models::Tag)`).
pub fn type_link(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => format!("[`{n}`](super::models::{n})"),
        TypeRef::Vec(i) => format!("a list of {}", type_link(i)),
        TypeRef::Map(i) => format!("a map from `String` to {}", type_link(i)),
        TypeRef::Value => "free-form JSON (`serde_json::Value`)".to_owned(),
        TypeRef::File => "a file ([`FormFile`](huaweicloud_sdk_core::FormFile))".to_owned(),
        other => format!("`{}`", type_text(other)),
    }
}

// ----- examples --------------------------------------------------------------------------

/// A Rust literal for an example value of type `t`, if one can be written simply.
pub fn literal(t: &TypeRef, v: &Value, service: &Service) -> Option<String> {
    match (t, v) {
        (TypeRef::String, Value::String(s)) => Some(format!("{s:?}")),
        (TypeRef::String, Value::Number(n)) => Some(format!("{:?}", n.to_string())),
        (TypeRef::Bool, Value::Bool(b)) => Some(b.to_string()),
        (TypeRef::I32 | TypeRef::I64, Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        (TypeRef::F64, Value::Number(n)) => n.as_f64().map(|f| format!("{f:?}")),
        (TypeRef::Named(name), Value::String(s)) => service.is_enum(name).then(|| format!("{s:?}")),
        // An empty list gives list setters (`impl IntoIterator<Item = impl Into<T>>`) no item
        // type to infer: leave it out of the example.
        (TypeRef::Vec(_), Value::Array(items)) if items.is_empty() => None,
        (TypeRef::Vec(inner), Value::Array(items)) => {
            let parts: Option<Vec<String>> =
                items.iter().map(|i| literal(inner, i, service)).collect();
            let parts = parts?;
            let parts: Vec<String> = match **inner {
                TypeRef::String => parts
                    .into_iter()
                    .map(|p| format!("{p}.to_owned()"))
                    .collect(),
                // Vectors of enums: `Vec<Engine>` from string literals.
                TypeRef::Named(ref name) => parts
                    .into_iter()
                    .map(|p| format!("{}::models::{name}::from({p})", service.rust_path()))
                    .collect(),
                _ => parts,
            };
            Some(format!("vec![{}]", parts.join(", ")))
        }
        _ => None,
    }
}

/// A placeholder literal for a required value without an example.
fn placeholder(t: &TypeRef) -> Option<String> {
    match t {
        TypeRef::String => Some("\"...\"".into()),
        TypeRef::Bool => Some("true".into()),
        TypeRef::I32 | TypeRef::I64 => Some("1".into()),
        TypeRef::F64 => Some("1.0".into()),
        _ => None,
    }
}

fn field_calls(service: &Service, fields: &[Field], example: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    for f in fields {
        let value = example
            .and_then(|e| e.get(&f.wire_name))
            .or(f.example.as_ref());
        let lit = match value {
            Some(v) => literal(&f.ty, v, service),
            None if f.required => placeholder(&f.ty),
            None => None,
        };
        if let Some(lit) = lit {
            out.push(format!(".{}({lit})", naming::ident_text(&f.setter)));
        }
    }
    out
}

/// Lines of an example value of type `t` for a request body (first line unindented).
fn body_expr(service: &Service, t: &TypeRef, example: Option<&Value>) -> Vec<String> {
    let lib = service.rust_path();
    let model = |name: &str| service.models.iter().find(|m| m.name == name);
    match t {
        TypeRef::Named(name) => match model(name).map(|m| &m.kind) {
            Some(ModelKind::Struct(fields)) => {
                let mut out = vec![format!("{lib}::models::{name}::builder()")];
                for c in field_calls(service, fields, example) {
                    out.push(format!("    {c}"));
                }
                out.push("    .build()".to_owned());
                out
            }
            _ => {
                let value = example.and_then(Value::as_str).unwrap_or("...");
                vec![format!("{lib}::models::{name}::from({value:?})")]
            }
        },
        TypeRef::Vec(inner) => {
            let first = example.and_then(Value::as_array).and_then(|a| a.first());
            let mut item = body_expr(service, inner, first);
            if let [one] = &item[..] {
                return vec![format!("vec![{one}]")];
            }
            item.iter_mut().for_each(|l| l.insert_str(0, "    "));
            let mut out = vec!["vec![".to_owned()];
            out.extend(item);
            out.push("]".to_owned());
            out
        }
        TypeRef::Map(_) => vec!["std::collections::BTreeMap::new()".to_owned()],
        TypeRef::Value => vec!["serde_json::json!({})".to_owned()],
        TypeRef::String => {
            let lit = example
                .and_then(|v| literal(t, v, service))
                .unwrap_or_else(|| "\"...\"".to_owned());
            vec![format!("{lit}.to_owned()")]
        }
        scalar => {
            let lit = example
                .and_then(|v| literal(scalar, v, service))
                .or_else(|| placeholder(scalar));
            vec![lit.unwrap_or_default()]
        }
    }
}

/// The first lines of a `no_run` example: the function header and a client of a region the
/// service has (`cn-north-4` when it has it).
fn example_client_lines(service: &Service) -> Vec<String> {
    let lib = service.rust_path();
    let region = service
        .regions
        .iter()
        .find(|r| r.id == "cn-north-4")
        .or(service.regions.first())
        .map(|r| r.id.clone())
        .unwrap_or_else(|| "cn-north-4".to_owned());
    vec![
        format!("# async fn example() -> {lib}::Result<()> {{"),
        format!("let client = {lib}::Client::builder().region({region:?}).build()?;"),
    ]
}

/// Lines of a `no_run` example calling `op` (without the fences).
pub fn example_lines(service: &Service, op: &Operation) -> Vec<String> {
    let lib = service.rust_path();
    let mut chain = vec![format!("    .{}()", naming::ident_text(&op.rust_name))];
    for p in op.params() {
        let lit = match &p.example {
            Some(v) => literal(&p.ty, v, service),
            None if p.required => placeholder(&p.ty),
            None => None,
        };
        if let Some(lit) = lit {
            chain.push(format!("    .{}({lit})", naming::ident_text(&p.rust_name)));
        }
    }
    if let Some(body) = &op.body {
        let expr = body_expr(service, &body.ty, body.example.as_ref());
        if let [one] = &expr[..] {
            chain.push(format!("    .body({one})"));
        } else {
            chain.push("    .body(".to_owned());
            for l in expr {
                chain.push(format!("        {l}"));
            }
            chain.push("    )".to_owned());
        }
    }
    let mut lines = example_client_lines(service);
    lines.push("let response = client".to_owned());
    lines.extend(chain.iter().cloned());
    lines.push("    .send()".to_owned());
    lines.push("    .await?;".to_owned());
    match &op.response {
        ResponseKind::None => lines.push("println!(\"status {}\", response.status());".to_owned()),
        ResponseKind::Json(_)
        | ResponseKind::Headers(_)
        | ResponseKind::JsonWithHeaders { .. }
        | ResponseKind::TextWithHeaders { .. } => {
            lines.push("println!(\"{:?}\", response.output());".to_owned())
        }
        ResponseKind::Stream => {
            lines.push("let bytes = response.into_output().collect().await?;".to_owned());
            lines.push("println!(\"{} bytes\", bytes.len());".to_owned());
        }
        ResponseKind::StreamWithHeaders { .. } => {
            lines.push("let output = response.into_output();".to_owned());
            lines.push("println!(\"{:?}\", output.header_values);".to_owned());
            lines.push("let bytes = output.body.collect().await?;".to_owned());
            lines.push("println!(\"{} bytes\", bytes.len());".to_owned());
        }
        ResponseKind::Bytes => {
            lines.push("println!(\"{} bytes\", response.output().len());".to_owned())
        }
    }
    if op.pagination.is_some() {
        lines.push("// Or every item of every page:".to_owned());
        lines.push(format!("use {lib}::StreamExt;"));
        lines.push("let mut items = client".to_owned());
        lines.extend(chain);
        lines.push("    .by_item();".to_owned());
        lines.push("while let Some(item) = items.next().await {".to_owned());
        lines.push("    println!(\"{:?}\", item?);".to_owned());
        lines.push("}".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}

/// Adds a `# Example` section with a `no_run` block.
pub fn example_section(doc: &mut Doc, service: &Service, op: &Operation) {
    doc.md("# Example");
    doc.md("```no_run");
    for l in example_lines(service, op) {
        doc.line(&l);
    }
    doc.line("```");
}

#[cfg(test)]
mod tests {
    use super::{escape, wrap};

    #[test]
    fn code_spans_are_kept_and_other_markup_is_escaped() {
        assert_eq!(
            escape("Always `rabbitmq`; see `list_instances` [docs]."),
            "Always `rabbitmq`; see `list_instances` \\[docs\\]."
        );
        // Inside a span nothing is Markdown, so brackets and stars stay as written.
        assert_eq!(escape("`a[b]*c`"), "`a[b]*c`");
        // Unbalanced, empty, non-ASCII or double-backtick spans are not spans.
        assert_eq!(escape("it`s"), "it\\`s");
        assert_eq!(escape("`` x"), "\\`\\` x");
        assert_eq!(escape("`caf\u{e9}`"), "\\`caf\\u{e9}\\`");
        assert_eq!(escape("`a`` b"), "\\`a\\`\\` b");
        assert_eq!(escape("`a` `b"), "`a` \\`b");
    }

    #[test]
    fn wrapped_lines_never_start_a_block() {
        // Inside a span these markers are separate words, so one may fall at a line start.
        let tail = escape("`a - b` `a # b` `a > b` `a * b` `a | b` `a + b` `a = b`");
        for prefix in 40..=92 {
            let lines = wrap(&format!("{} {tail}", "x".repeat(prefix)));
            for l in &lines[1..] {
                assert!(
                    !l.starts_with(['-', '#', '>', '*', '|', '+', '=']),
                    "{lines:?}"
                );
            }
        }
    }
}
