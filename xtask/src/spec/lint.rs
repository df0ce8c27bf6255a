//! `cargo xtask spec lint`: review rules for `specs/*/v*.yaml` beyond what the generator
//! needs to run. One finding per line, with file, JSON pointer and a fix hint.
//!
//! The rules read the YAML as a JSON value (for pointers) after the codegen loader has
//! accepted it as OpenAPI 3.0, and reuse the generator's naming so that "unique after
//! conversion to Rust" means exactly what `cargo xtask codegen` does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use super::keys::{self, DOCS_REVIEWED, KeyLocation};
use crate::codegen::ir::BodyEncoding;
use crate::codegen::load::{self, escape_pointer};
use crate::codegen::lower::{RESERVED_PLACEHOLDERS, body_encoding, placeholders, split_path_key};
use crate::codegen::naming;

mod waiters;

/// How bad a finding is: errors fail the run, warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The rules, one per concern (each has its own mutation fixture in the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The file is not YAML or not an OpenAPI 3.0 document.
    Parse,
    /// Every operation has a unique, non-empty `operationId`.
    OperationId,
    /// Every operation has an English summary that does not restate the operationId.
    Summary,
    /// Descriptions and titles are English (no CJK text).
    English,
    /// Every operation has a success (2xx) response.
    SuccessResponse,
    /// Path placeholders and declared path parameters match.
    PathParams,
    /// No dangling `$ref`, no unused component.
    Refs,
    /// Names stay unique after conversion to Rust.
    RustNames,
    /// Secret-looking properties are `format: password` (or explicitly not secret).
    Secrets,
    /// `x-huaweicloud-idempotent` only where it differs from the method's default.
    Idempotency,
    /// Only documented `x-` keys, where they are documented.
    ExtensionKeys,
    /// Every model property and parameter has a description that is not a placeholder
    /// (errors once the service is marked `docs: reviewed`, warnings before).
    Descriptions,
    /// A description says more than the property's or parameter's name.
    RestatedDescriptions,
    /// Enum values carry no documentation markup (`[value](tag:...)`).
    EnumMarkup,
    /// Several operations on one method and path carry `#<operationId>` path-key fragments.
    SharedPaths,
    /// Parameter `style` / `explode` the generator sends as written.
    ParameterStyle,
    /// Success-response headers the generator can copy into the output.
    ResponseHeaders,
    /// Request bodies the generator can encode (JSON, form, multipart).
    RequestBodies,
    /// `x-huaweicloud-pagination` that a reader can follow.
    Pagination,
    /// `x-huaweicloud-waiters` on a read whose response holds the declared states.
    Waiters,
    /// `info.version` is the file's version; the versions of a service agree on the service.
    Versions,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::Parse,
        Rule::OperationId,
        Rule::Summary,
        Rule::English,
        Rule::SuccessResponse,
        Rule::PathParams,
        Rule::Refs,
        Rule::RustNames,
        Rule::Secrets,
        Rule::Idempotency,
        Rule::ExtensionKeys,
        Rule::Descriptions,
        Rule::RestatedDescriptions,
        Rule::EnumMarkup,
        Rule::SharedPaths,
        Rule::ParameterStyle,
        Rule::ResponseHeaders,
        Rule::RequestBodies,
        Rule::Pagination,
        Rule::Waiters,
        Rule::Versions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Parse => "parse",
            Rule::OperationId => "operation-id",
            Rule::Summary => "summary",
            Rule::English => "english",
            Rule::SuccessResponse => "success-response",
            Rule::PathParams => "path-params",
            Rule::Refs => "refs",
            Rule::RustNames => "rust-names",
            Rule::Secrets => "secrets",
            Rule::Idempotency => "idempotency",
            Rule::ExtensionKeys => "extension-keys",
            Rule::Descriptions => "descriptions",
            Rule::RestatedDescriptions => "restated-descriptions",
            Rule::EnumMarkup => "enum-markup",
            Rule::SharedPaths => "shared-paths",
            Rule::ParameterStyle => "parameter-style",
            Rule::ResponseHeaders => "response-headers",
            Rule::RequestBodies => "request-bodies",
            Rule::Pagination => "pagination",
            Rule::Waiters => "waiters",
            Rule::Versions => "versions",
        }
    }
}

/// One problem: where it is, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub rule: Rule,
    pub file: String,
    pub pointer: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}#{}: {} (fix: {})",
            self.severity.as_str(),
            self.rule.as_str(),
            self.file,
            self.pointer,
            self.message,
            self.hint
        )
    }
}

/// Words that make a name secret when the name ends with them (`new_password`,
/// `X-Subject-Token`, `securitytoken`, `Authorization`); `password_expires_at` or
/// `http_tokens` do not.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "passphrase",
    "authorization",
    "credential",
];

/// `<word>_key` names that are not secrets: labels, selectors and public halves.
const NOT_SECRET_KEY_OWNERS: &[&str] = &[
    "tag",
    "public",
    "sort",
    "partition",
    "primary",
    "foreign",
    "group",
    "label",
    "metadata",
    "match",
    "map",
    "dict",
    "object",
    "cache",
    "search",
    "filter",
    "unique",
    "shard",
    "index",
    "hash",
    "resource",
    "attribute",
    "property",
    "parameter",
    "param",
    "field",
    "config",
    "option",
    "setting",
    "order",
    "binding",
    "idempotency",
    "lookup",
    "policy",
    "dimension",
];

/// `<word>_key` names that are secrets.
const SECRET_KEY_OWNERS: &[&str] = &[
    "secret",
    "private",
    "auth",
    "signing",
    "sign",
    "api",
    "encryption",
    "encrypt",
    "master",
    "session",
    "access_secret",
    "sk",
    "hmac",
    "crypto",
    "decryption",
];

/// How a name reads, for the `secrets` rule and the importer's automatic marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretLook {
    /// Ends with a secret word (`new_password`, `X-Auth-Token`) or is a secret key
    /// (`auth_key`, `signing_key`, `private_key`): marked `format: password` automatically.
    Secret,
    /// Another `<word>_key`: it may be a secret, a reviewer decides.
    Undecided,
    /// Not a secret name (`name`, `tag_key`, `public_key`, `password_expires_at`).
    Plain,
}

/// Classifies a wire name on its snake_case words.
pub fn secret_look(wire_name: &str) -> SecretLook {
    let snake = naming::snake(wire_name);
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let Some(last) = words.last() else {
        return SecretLook::Plain;
    };
    if SECRET_WORDS.iter().any(|w| last.ends_with(w)) || *last == "sk" {
        return SecretLook::Secret;
    }
    if *last == "key" && words.len() >= 2 {
        let owner = words[words.len() - 2];
        // Any secret word before `key` makes it secret (`secret_access_key`: the SK).
        let owners = &words[..words.len() - 1];
        if owners
            .iter()
            .any(|w| SECRET_KEY_OWNERS.contains(w) || SECRET_WORDS.iter().any(|s| w.ends_with(s)))
        {
            return SecretLook::Secret;
        }
        if NOT_SECRET_KEY_OWNERS.contains(&owner) {
            return SecretLook::Plain;
        }
        return SecretLook::Undecided;
    }
    SecretLook::Plain
}

/// Names that need a decision: [`SecretLook::Secret`] or [`SecretLook::Undecided`].
pub fn looks_secret(wire_name: &str) -> bool {
    secret_look(wire_name) != SecretLook::Plain
}

/// Summaries that are placeholders, not text.
fn is_placeholder_summary(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').to_ascii_uppercase();
    ["TODO", "TBD", "FIXME", "XXX", "...", "N/A"].contains(&t.as_str())
        || t.starts_with("TODO:")
        || t.starts_with("TODO ")
}

/// Whether `text` contains Chinese, Japanese or Korean characters (or full-width forms).
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32,
            0x2E80..=0x2FDF     // radicals
            | 0x3000..=0x303F   // CJK punctuation
            | 0x3040..=0x30FF   // kana
            | 0x3100..=0x31FF   // bopomofo, hangul compatibility jamo, kanbun
            | 0x3400..=0x4DBF   // extension A
            | 0x4E00..=0x9FFF   // unified ideographs
            | 0xAC00..=0xD7AF   // hangul syllables
            | 0xF900..=0xFAFF   // compatibility ideographs
            | 0xFF00..=0xFFEF   // full-width forms
            | 0x20000..=0x3134F // extensions B to G
        )
    })
}

/// Whether `description` of the property or parameter `name` says nothing: empty, the text
/// the generator writes when there is none ("The `x` field.", "Optional. Query parameter
/// `x`."), only the importer's integer-enum note ("Allowed values: 1, 2."), or a to-do mark.
pub fn is_placeholder(description: &str, name: &str) -> bool {
    let d = description
        .trim()
        .to_ascii_lowercase()
        .replace(['`', '*'], "");
    let d = d.trim_end_matches('.').trim();
    let n = name.to_ascii_lowercase();
    if d.is_empty()
        || ["todo", "tbd", "n/a", "-", "...", "tba"].contains(&d)
        || d.starts_with("allowed values:")
    {
        return true;
    }
    let bare = ["optional.", "required."]
        .iter()
        .find_map(|p| d.strip_prefix(p))
        .unwrap_or(d)
        .trim();
    ["field", "property", "parameter"]
        .iter()
        .any(|kind| bare == format!("the {n} {kind}"))
        || ["query", "path", "header"]
            .iter()
            .any(|loc| bare == format!("{loc} parameter {n}"))
}

/// Words that add nothing to a description ("The ID of the instance." for `instance_id`).
const FILLER_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "this",
    "that",
    "its",
    "field",
    "parameter",
    "property",
    "value",
];

/// Lower-case words of `text` with abbreviations and plurals folded, so that a name and a
/// description can be compared (`identifier`/`ids` -> `id`, `number` -> `num`).
fn comparable_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            let w = match w.as_str() {
                "identifier" | "identifiers" => "id".to_owned(),
                "number" | "numbers" => "num".to_owned(),
                "information" => "info".to_owned(),
                _ => w,
            };
            match w.strip_suffix('s') {
                Some(stem) if stem.len() >= 2 && !w.ends_with("ss") => stem.to_owned(),
                _ => w,
            }
        })
        .collect()
}

/// Whether `description` only restates the wire name `name`: after dropping articles and
/// filler words, every word of it is a word of the name ("Instance ID." for `instance_id`).
/// Anything else (a format, a unit, where to find the value) makes it a description.
pub fn restates_name(description: &str, name: &str) -> bool {
    let name_words = comparable_words(&naming::snake(name));
    let words: Vec<String> = comparable_words(description)
        .into_iter()
        .filter(|w| !FILLER_WORDS.contains(&w.as_str()))
        .collect();
    !words.is_empty() && words.iter().all(|w| name_words.contains(w))
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Words a description uses when it explains an idempotency override.
const IDEMPOTENCY_WORDS: &[&str] = &[
    "idempot",
    "retr",
    "repeat",
    "resen",
    "again",
    "twice",
    "duplicate",
];

/// Operation-name verbs of reads, for POST/PATCH operations that may be safe to repeat.
const READ_VERBS: &[&str] = &[
    "List", "Show", "Query", "Count", "Get", "Search", "Describe", "Check",
];

/// The read verb `op_id` starts with (`ListFiles` -> `List`; not `Listen`).
fn read_verb(op_id: &str) -> Option<&'static str> {
    READ_VERBS.iter().copied().find(|v| {
        op_id.strip_prefix(v).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// Lints one spec given as bytes; `file` is how findings name it.
pub fn lint_bytes(file: &str, bytes: &[u8]) -> Vec<Finding> {
    let loaded = match load::parse(file, bytes) {
        Ok(l) => l,
        Err(diags) => {
            return diags
                .into_iter()
                .map(|d| Finding {
                    severity: Severity::Error,
                    rule: Rule::Parse,
                    file: d.file,
                    pointer: d.pointer,
                    message: d.message,
                    hint: "make the file a valid OpenAPI 3.0 YAML document".to_owned(),
                })
                .collect();
        }
    };
    let mut l = Linter {
        file,
        raw: &loaded.raw,
        inputs: Inputs::of(file),
        findings: Vec::new(),
    };
    l.operations();
    l.schemas();
    l.versions();
    l.refs();
    l.extension_keys();
    l.english(l.raw, "");
    l.enums(l.raw, "");
    l.descriptions();
    let mut findings = l.findings;
    findings.sort_by(|a, b| {
        (a.severity, &a.pointer, a.rule, &a.message)
            .cmp(&(b.severity, &b.pointer, b.rule, &b.message))
    });
    findings
}

/// Where the hand-written inputs of a spec live, for fix hints: `specs/<svc>/v2.yaml` is
/// written by `cargo xtask import` from `overrides.yaml` and `summaries.yaml` next to it.
struct Inputs {
    dir: Option<String>,
}

impl Inputs {
    fn of(file: &str) -> Self {
        let mut parts: Vec<&str> = file.split('/').collect();
        parts.pop();
        let dir = (parts.len() >= 2 && parts[parts.len() - 2] == "specs").then(|| parts.join("/"));
        Inputs { dir }
    }

    fn summaries(&self) -> String {
        match &self.dir {
            Some(d) => format!("{d}/summaries.yaml"),
            None => "the spec".to_owned(),
        }
    }

    fn overrides(&self) -> String {
        match &self.dir {
            Some(d) => format!("{d}/overrides.yaml"),
            None => "the spec".to_owned(),
        }
    }

    fn descriptions(&self) -> String {
        match &self.dir {
            Some(d) => format!("{d}/descriptions.yaml"),
            None => "the spec".to_owned(),
        }
    }
}

struct Linter<'a> {
    file: &'a str,
    raw: &'a Value,
    inputs: Inputs,
    findings: Vec<Finding>,
}

fn ptr(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer(token))
}

fn alnum_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One operation as found in the raw document.
struct Op<'a> {
    pointer: String,
    path: &'a str,
    method: &'a str,
    obj: &'a Map<String, Value>,
    /// Path-level then operation-level parameters (resolved), with their pointers.
    params: Vec<(String, &'a Map<String, Value>)>,
}

impl Op<'_> {
    fn op_id(&self) -> Option<&str> {
        self.obj
            .get("operationId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The key of this operation in summaries.yaml / overrides.yaml (the Python method
    /// name: `x-rust-name` when the importer set one, else the snake_case operationId).
    fn input_key(&self) -> String {
        match self.obj.get("x-rust-name").and_then(Value::as_str) {
            Some(n) => n.to_owned(),
            None => naming::snake(self.op_id().unwrap_or_default()),
        }
    }
}

impl<'a> Linter<'a> {
    fn push(
        &mut self,
        severity: Severity,
        rule: Rule,
        pointer: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.findings.push(Finding {
            severity,
            rule,
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            message: message.into(),
            hint: hint.into(),
        });
    }

    fn error(
        &mut self,
        rule: Rule,
        pointer: &str,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Error, rule, pointer, msg, hint);
    }

    fn warning(
        &mut self,
        rule: Rule,
        pointer: &str,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Warning, rule, pointer, msg, hint);
    }

    /// A parameter object, following a local `$ref` (dangling ones are reported by `refs`).
    fn resolve(&self, v: &'a Value) -> Option<&'a Map<String, Value>> {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self.raw.pointer(r.strip_prefix('#')?)?.as_object(),
            None => v.as_object(),
        }
    }

    fn collect_operations(&self) -> Vec<Op<'a>> {
        let mut out = Vec::new();
        let Some(paths) = self.raw.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let path_ptr = ptr("/paths", path);
            let Some(item) = item.as_object() else {
                continue;
            };
            let level: Vec<(String, &Map<String, Value>)> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .enumerate()
                        .filter_map(|(i, p)| {
                            Some((format!("{path_ptr}/parameters/{i}"), self.resolve(p)?))
                        })
                        .collect()
                })
                .unwrap_or_default();
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Some(obj) = op.as_object() else { continue };
                let op_ptr = ptr(&path_ptr, method);
                let mut params = level.clone();
                if let Some(ps) = obj.get("parameters").and_then(Value::as_array) {
                    for (i, p) in ps.iter().enumerate() {
                        let Some(p) = self.resolve(p) else { continue };
                        // An operation-level parameter replaces a path-level one (in + name).
                        params.retain(|(_, q)| {
                            q.get("in") != p.get("in") || q.get("name") != p.get("name")
                        });
                        params.push((format!("{op_ptr}/parameters/{i}"), p));
                    }
                }
                out.push(Op {
                    pointer: op_ptr,
                    path,
                    method,
                    obj,
                    params,
                });
            }
        }
        out
    }

    // ----- operations -------------------------------------------------------------------

    fn operations(&mut self) {
        let ops = self.collect_operations();
        let mut op_ids: BTreeMap<&str, String> = BTreeMap::new();
        let mut method_names: BTreeMap<String, String> = BTreeMap::new();
        let mut builder_types: BTreeMap<String, String> = BTreeMap::new();
        let mut waiter_names: BTreeMap<String, String> = BTreeMap::new();
        for op in &ops {
            let p = &op.pointer;
            match op.op_id() {
                None => self.error(
                    Rule::OperationId,
                    p,
                    format!(
                        "{} {} has no operationId",
                        op.method.to_uppercase(),
                        op.path
                    ),
                    "add the official PascalCase operationId",
                ),
                Some(id) => {
                    if let Some(other) = op_ids.insert(id, p.clone()) {
                        self.error(
                            Rule::OperationId,
                            &format!("{p}/operationId"),
                            format!("duplicate operationId `{id}` (also at {other})"),
                            "give each operation its own operationId",
                        );
                    }
                }
            }
            self.summary(op);
            self.success_response(op);
            self.path_params(op);
            self.idempotency(op);
            self.operation_names(op, &mut method_names, &mut builder_types);
            self.parameter_styles(op);
            self.parameter_secrets(op);
            self.response_headers(op);
            self.request_bodies(op);
            self.pagination(op);
            self.waiters(op, &mut waiter_names);
        }
        self.shared_paths(&ops);
    }

    /// Several operations on one method and path: each path key carries `#<operationId>`,
    /// and a fragment is used only where the path is shared.
    fn shared_paths(&mut self, ops: &[Op<'_>]) {
        let mut by_endpoint: BTreeMap<(String, &str), Vec<&Op<'_>>> = BTreeMap::new();
        for op in ops {
            let (real, _) = split_path_key(op.path);
            by_endpoint
                .entry((real.to_owned(), op.method))
                .or_default()
                .push(op);
        }
        for ((real, method), group) in by_endpoint {
            let m = method.to_uppercase();
            for op in &group {
                let (_, fragment) = split_path_key(op.path);
                let op_id = op.op_id().unwrap_or_default();
                match fragment {
                    None if group.len() > 1 => self.error(
                        Rule::SharedPaths,
                        &op.pointer,
                        format!("`{m} {real}` has {} operations; this one's path key has no `#{op_id}` fragment", group.len()),
                        format!("key each of them `{real}#<operationId>` (the importer does this)"),
                    ),
                    Some(f) if f != op_id => self.error(
                        Rule::SharedPaths,
                        &op.pointer,
                        format!("the path key's fragment `#{f}` is not the operationId `{op_id}`"),
                        format!("key it `{real}#{op_id}`"),
                    ),
                    Some(_) if group.len() == 1 => self.warning(
                        Rule::SharedPaths,
                        &op.pointer,
                        format!("`{m} {real}` has one operation; the `#` fragment is not needed"),
                        format!("key it `{real}`"),
                    ),
                    _ => {}
                }
            }
        }
    }

    /// Query parameters are `style: form` (lists exploded, or one comma-separated pair with
    /// `explode: false`); path and header parameters are `simple`.
    fn parameter_styles(&mut self, op: &Op<'_>) {
        for (at, p) in &op.params {
            let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let default = if location == "query" {
                "form"
            } else {
                "simple"
            };
            if let Some(style) = p.get("style").and_then(Value::as_str) {
                if style != default {
                    self.error(
                        Rule::ParameterStyle,
                        &format!("{at}/style"),
                        format!("{location} parameter `{name}` has style `{style}`, which is not generated"),
                        format!("use `{default}` (or remove `style`); a list query parameter sent comma-separated is `explode: false`"),
                    );
                }
            }
            let is_array = p
                .get("schema")
                .and_then(|s| self.resolve(s))
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                == Some("array");
            if p.get("explode") == Some(&Value::Bool(false)) && (location != "query" || !is_array) {
                self.error(
                    Rule::ParameterStyle,
                    &format!("{at}/explode"),
                    format!("`explode: false` on {location} parameter `{name}`, which is not a list query parameter"),
                    "remove `explode`: it only says how a list query parameter is sent",
                );
            }
        }
    }

    /// Secret-looking parameters are `format: password` or reviewed as not secret.
    fn parameter_secrets(&mut self, op: &Op<'_>) {
        for (at, p) in &op.params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let what = format!(
                "{} parameter `{name}` of `{}`",
                p.get("in").and_then(Value::as_str).unwrap_or_default(),
                op.op_id().unwrap_or_default()
            );
            let place = format!(
                "operations.{}.parameters.{name} in {}",
                op.input_key(),
                self.inputs.overrides()
            );
            self.secret_mark(
                name,
                &schema,
                p.get("x-huaweicloud-not-secret"),
                at,
                &what,
                &place,
            );
        }
    }

    /// Response headers: only on the success response, scalar, secrets marked.
    fn response_headers(&mut self, op: &Op<'_>) {
        let Some(responses) = op.obj.get("responses").and_then(Value::as_object) else {
            return;
        };
        for (code, resp) in responses {
            let Some(headers) = resp.get("headers").and_then(Value::as_object) else {
                continue;
            };
            let here = ptr(&ptr(&format!("{}/responses", op.pointer), code), "headers");
            if !code.starts_with('2') {
                self.warning(
                    Rule::ResponseHeaders,
                    &here,
                    format!("headers of the `{code}` response are not generated (only the success response's are)"),
                    "remove them, or describe them in the response description",
                );
                continue;
            }
            let mut seen: BTreeMap<String, String> = BTreeMap::new();
            for (name, h) in headers {
                let at = ptr(&here, name);
                if let Some(other) = seen.insert(name.to_ascii_lowercase(), name.clone()) {
                    self.error(
                        Rule::ResponseHeaders,
                        &at,
                        format!("headers `{other}` and `{name}` differ only in case (HTTP header names do not)"),
                        "keep one",
                    );
                }
                let schema = h.get("schema").cloned().unwrap_or(Value::Null);
                let ty = schema.get("type").and_then(Value::as_str);
                if !matches!(ty, Some("string" | "integer" | "number" | "boolean"))
                    || schema.get("enum").is_some()
                {
                    self.error(
                        Rule::ResponseHeaders,
                        &format!("{at}/schema"),
                        format!("response header `{name}` is not a plain string, integer, number or boolean"),
                        "give it `schema: {type: string}` (header values are text)",
                    );
                }
                let what = format!(
                    "response header `{name}` of `{}`",
                    op.op_id().unwrap_or_default()
                );
                let place = format!(
                    "the spec (response headers come from the SDK; mark them with format: password in {})",
                    self.inputs.overrides()
                );
                self.secret_mark(
                    name,
                    &schema,
                    h.get("x-huaweicloud-not-secret"),
                    &at,
                    &what,
                    &place,
                );
            }
        }
    }

    /// Request bodies: JSON, form or multipart; a form body is a `$ref` to a model.
    fn request_bodies(&mut self, op: &Op<'_>) {
        let Some(content) = op
            .obj
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
        else {
            return;
        };
        for (media, mt) in content {
            let at = ptr(&format!("{}/requestBody/content", op.pointer), media);
            let multipart = match body_encoding(media) {
                Err(why) => {
                    self.error(
                        Rule::RequestBodies,
                        &at,
                        why,
                        "the generator encodes JSON, application/x-www-form-urlencoded and multipart/form-data bodies; leave this operation to `raw_request` or extend the generator",
                    );
                    continue;
                }
                Ok(BodyEncoding::Json) => continue,
                Ok(BodyEncoding::FormUrlencoded) => false,
                Ok(BodyEncoding::Multipart) => true,
            };
            let model = mt
                .get("schema")
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| self.raw.pointer(r.strip_prefix('#')?));
            let Some(props) = model
                .and_then(|m| m.get("properties"))
                .and_then(Value::as_object)
            else {
                self.error(
                    Rule::RequestBodies,
                    &format!("{at}/schema"),
                    format!("a `{media}` body must be a `$ref` to an object model"),
                    "move the form fields into a model in components/schemas",
                );
                continue;
            };
            for (field, prop) in props {
                let ty = prop.get("type").and_then(Value::as_str);
                let file = prop.get("format").and_then(Value::as_str) == Some("binary");
                let ok = match ty {
                    Some("string" | "integer" | "number" | "boolean") => !file || multipart,
                    Some("array") => !multipart,
                    None => prop.get("$ref").is_some(),
                    _ => false,
                };
                if !ok {
                    self.error(
                        Rule::RequestBodies,
                        &format!("{at}/schema"),
                        format!("form field `{field}` cannot be sent as `{media}`"),
                        "form fields are scalars or string enums, lists only in application/x-www-form-urlencoded, files (format: binary) only in multipart/form-data",
                    );
                }
            }
        }
    }

    /// A page-number style whose position parameter is called `offset` surprises readers:
    /// its description must say it is a page number.
    fn pagination(&mut self, op: &Op<'_>) {
        let Some(p) = op.obj.get("x-huaweicloud-pagination") else {
            return;
        };
        if p.get("style").and_then(Value::as_str) != Some("page") {
            return;
        }
        let Some(position) = p.pointer("/request/page").and_then(Value::as_str) else {
            return;
        };
        if position != "offset" {
            return;
        }
        let described = op.params.iter().any(|(_, q)| {
            q.get("name").and_then(Value::as_str) == Some(position)
                && q.get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.to_ascii_lowercase().contains("page"))
        });
        if !described {
            self.warning(
                Rule::Pagination,
                &format!("{}/x-huaweicloud-pagination", op.pointer),
                "the page number is the query parameter `offset`, and its description does not say so",
                format!("describe `offset` as a page number (operations.{}.parameters.offset in {})", op.input_key(), self.inputs.overrides()),
            );
        }
    }

    /// `info.version` is an API version `v<N>`, the one the file is named after
    /// (`v3.yaml` is version `v3`).
    fn versions(&mut self) {
        let is_version = |v: &str| {
            v.len() > 1 && v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit())
        };
        let stem = self
            .file
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".yaml");
        let version = self
            .raw
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (wrong, hint) = if is_version(stem) {
            (version != stem, format!("write `version: {stem}`"))
        } else {
            (
                !is_version(version),
                "write the API version, e.g. `version: v2`".to_owned(),
            )
        };
        if wrong {
            let file_says = if is_version(stem) {
                format!(" but the file is version `{stem}`")
            } else {
                String::new()
            };
            self.error(
                Rule::Versions,
                "/info/version",
                format!("info.version is {version:?}{file_says}: the specs name API versions `v<N>`, as the SDK modules do"),
                hint,
            );
        }
    }

    fn summary(&mut self, op: &Op<'_>) {
        let at = format!("{}/summary", op.pointer);
        let hint_file = self.inputs.summaries();
        let key = op.input_key();
        let fix = format!(
            "write one English sentence saying what the call does (`{key}:` in {hint_file})"
        );
        let summary = op.obj.get("summary").and_then(Value::as_str).map(str::trim);
        match summary {
            None | Some("") => {
                let what = if summary.is_none() {
                    "no summary"
                } else {
                    "an empty summary"
                };
                self.error(
                    Rule::Summary,
                    &op.pointer,
                    format!("operation has {what}"),
                    fix,
                );
            }
            Some(s) => {
                if has_cjk(s) {
                    self.error(Rule::Summary, &at, "summary contains CJK text", fix.clone());
                }
                if is_placeholder_summary(s) {
                    self.error(
                        Rule::Summary,
                        &at,
                        format!("summary `{s}` is a placeholder"),
                        fix.clone(),
                    );
                }
                let restated = [op.op_id().unwrap_or_default().to_owned(), key.clone()]
                    .iter()
                    .any(|name| !name.is_empty() && alnum_lower(name) == alnum_lower(s));
                if restated {
                    self.error(
                        Rule::Summary,
                        &at,
                        format!("summary `{s}` only restates the operation name"),
                        fix,
                    );
                }
            }
        }
    }

    fn success_response(&mut self, op: &Op<'_>) {
        let responses = op.obj.get("responses").and_then(Value::as_object);
        let has_success = responses.is_some_and(|r| {
            r.keys()
                .any(|code| code.len() == 3 && code.starts_with('2') || code == "2XX")
        });
        if !has_success {
            self.error(
                Rule::SuccessResponse,
                &format!("{}/responses", op.pointer),
                "no success (2xx) response",
                format!(
                    "declare the success status with a description (and its body schema); in {} under operations.{}.responses",
                    self.inputs.overrides(),
                    op.input_key()
                ),
            );
        }
    }

    fn path_params(&mut self, op: &Op<'_>) {
        let holes = placeholders(op.path);
        let mut declared = BTreeSet::new();
        for (at, p) in &op.params {
            if p.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            declared.insert(name.to_owned());
            if !holes.contains(name) {
                self.error(
                    Rule::PathParams,
                    &format!("{at}/name"),
                    format!(
                        "path parameter `{name}` does not appear in the path `{}`",
                        op.path
                    ),
                    format!("remove the parameter or add `{{{name}}}` to the path"),
                );
            }
            if p.get("required") != Some(&Value::Bool(true)) {
                self.error(
                    Rule::PathParams,
                    at,
                    format!("path parameter `{name}` is not `required: true`"),
                    "path parameters are always required: set `required: true`",
                );
            }
        }
        for hole in &holes {
            if !declared.contains(hole) && !RESERVED_PLACEHOLDERS.contains(&hole.as_str()) {
                self.error(
                    Rule::PathParams,
                    &op.pointer,
                    format!("path placeholder `{{{hole}}}` is not declared as a parameter"),
                    format!(
                        "declare `{hole}` with `in: path, required: true, schema: {{type: string}}`"
                    ),
                );
            }
        }
    }

    fn idempotency(&mut self, op: &Op<'_>) {
        let at = format!("{}/x-huaweicloud-idempotent", op.pointer);
        let default = matches!(op.method, "get" | "head" | "put" | "delete");
        let method = op.method.to_uppercase();
        let overrides = self.inputs.overrides();
        let key = op.input_key();
        let explained = || {
            let description = op
                .obj
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            IDEMPOTENCY_WORDS.iter().any(|w| description.contains(w))
        };
        let Some(v) = op.obj.get("x-huaweicloud-idempotent") else {
            // A POST/PATCH named like a read is probably safe to repeat; undeclared, it
            // misses the retries of idempotent calls. Silenced by a description that
            // discusses repeating it.
            let op_id = op.op_id().unwrap_or_default();
            if !default && !explained() {
                if let Some(verb) = read_verb(op_id) {
                    self.warning(
                        Rule::Idempotency,
                        &op.pointer,
                        format!("{method} `{op_id}` reads like a query (`{verb}`) but is not idempotent by default, so 502/503/504 and timeouts are not retried"),
                        format!("if repeating it is safe, set `x-huaweicloud-idempotent: true`, else say why not in the description (operations.{key} in {overrides})"),
                    );
                }
            }
            return;
        };
        match v.as_bool() {
            None => self.error(
                Rule::Idempotency,
                &at,
                "x-huaweicloud-idempotent must be a boolean",
                "write `true` or `false`",
            ),
            Some(b) if b == default => self.warning(
                Rule::Idempotency,
                &at,
                format!("x-huaweicloud-idempotent: {b} restates the default for {method}"),
                format!("remove the key (operations.{key} in {overrides})"),
            ),
            Some(b) => {
                if !explained() {
                    self.warning(
                        Rule::Idempotency,
                        &at,
                        format!("{method} operation declared idempotent: {b} without saying why"),
                        format!("explain in the description why repeating the call is {} (operations.{key}.description in {overrides})", if b { "safe" } else { "unsafe" }),
                    );
                }
            }
        }
    }

    /// `x-rust-doc-aliases`: an array of distinct snake_case words, none of them the
    /// method's own name or one of its `x-rust-aliases` (rustdoc rejects an alias equal to
    /// the item's name; a callable alias is found already).
    fn doc_aliases(&mut self, op: &Op<'_>, rust_name: &str, aliases: &[String]) {
        let Some(v) = op.obj.get("x-rust-doc-aliases") else {
            return;
        };
        let at = format!("{}/x-rust-doc-aliases", op.pointer);
        let fix = "list snake_case search words such as `create_instance` in `x-rust-doc-aliases` of overrides.yaml";
        let Some(items) = v.as_array() else {
            self.error(
                Rule::RustNames,
                &at,
                "`x-rust-doc-aliases` must be an array of strings",
                fix,
            );
            return;
        };
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{at}/{i}");
            let Some(word) = item.as_str().filter(|w| naming::is_snake_ident(w)) else {
                self.error(
                    Rule::RustNames,
                    &here,
                    format!("doc alias {item} is not a snake_case identifier"),
                    fix,
                );
                continue;
            };
            if word == rust_name || aliases.iter().any(|a| a == word) {
                self.error(
                    Rule::RustNames,
                    &here,
                    format!("doc alias `{word}` is already the name of a method of this operation"),
                    "remove it: rustdoc finds the method by that name",
                );
            } else if !seen.insert(word) {
                self.error(
                    Rule::RustNames,
                    &here,
                    format!("doc alias `{word}` is listed twice"),
                    "remove the repeat",
                );
            }
        }
    }

    fn operation_names(
        &mut self,
        op: &Op<'_>,
        method_names: &mut BTreeMap<String, String>,
        builder_types: &mut BTreeMap<String, String>,
    ) {
        let Some(op_id) = op.op_id() else { return };
        let (name_ptr, rust_name) = match op.obj.get("x-rust-name").and_then(Value::as_str) {
            Some(n) => (format!("{}/x-rust-name", op.pointer), n.to_owned()),
            None => (format!("{}/operationId", op.pointer), naming::snake(op_id)),
        };
        let fix = "set a distinct `x-rust-name` (snake_case)";
        if naming::RESERVED_CLIENT_METHODS.contains(&rust_name.as_str()) {
            self.error(
                Rule::RustNames,
                &name_ptr,
                format!("method name `{rust_name}` clashes with a method of `Client`"),
                fix,
            );
        }
        let type_name = naming::pascal(&rust_name);
        if naming::RESERVED_BUILDER_TYPES.contains(&type_name.as_str()) {
            self.error(
                Rule::RustNames,
                &name_ptr,
                format!("builder type `{type_name}` clashes with a name imported by operations.rs"),
                fix,
            );
        }
        let aliases: Vec<String> = op
            .obj
            .get("x-rust-aliases")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        self.doc_aliases(op, &rust_name, &aliases);
        for name in std::iter::once(&rust_name).chain(&aliases) {
            if let Some(other) = method_names.insert(name.clone(), op_id.to_owned()) {
                if other != op_id {
                    self.error(
                        Rule::RustNames,
                        &name_ptr,
                        format!("operations `{other}` and `{op_id}` both map to the method `Client::{name}`"),
                        fix,
                    );
                }
            }
        }
        if let Some(other) = builder_types.insert(type_name.clone(), op_id.to_owned()) {
            self.error(
                Rule::RustNames,
                &name_ptr,
                format!(
                    "operations `{other}` and `{op_id}` both map to the builder type `{type_name}`"
                ),
                fix,
            );
        }
        // Parameter setters within the operation.
        let mut setters: BTreeMap<String, String> = BTreeMap::new();
        for (at, p) in &op.params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let setter = naming::setter_name(&naming::snake(name));
            if let Some(other) = setters.insert(setter.clone(), name.to_owned()) {
                self.error(
                    Rule::RustNames,
                    &format!("{at}/name"),
                    format!("parameters `{other}` and `{name}` both map to the setter `{setter}`"),
                    "rename one of the parameters (they cannot both be generated)",
                );
            }
        }
    }

    // ----- models -----------------------------------------------------------------------

    fn schemas(&mut self) {
        let Some(schemas) = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        // Model type names, their builders and the names of inline enums share a module.
        let mut types: BTreeMap<String, String> = BTreeMap::new();
        for (name, schema) in schemas {
            let here = ptr("/components/schemas", name);
            let rust = naming::pascal(name);
            for candidate in [rust.clone(), format!("{rust}Builder")] {
                if let Some(other) = types.insert(candidate.clone(), here.clone()) {
                    self.error(
                        Rule::RustNames,
                        &here,
                        format!(
                            "schema `{name}` and {other} both map to the Rust type `{candidate}`"
                        ),
                        "rename one of the schemas",
                    );
                }
            }
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            let mut fields: BTreeMap<String, String> = BTreeMap::new();
            let mut setters: BTreeMap<String, String> = BTreeMap::new();
            for (wire, prop) in props {
                let at = ptr(&format!("{here}/properties"), wire);
                let rust_name = prop
                    .get("x-rust-name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| naming::snake(wire));
                let field = naming::field_name(&rust_name);
                let setter = naming::setter_name(&rust_name);
                let fix = format!(
                    "set `x-rust-name` on one of them (schemas.{name}.properties.{wire} in {})",
                    self.inputs.overrides()
                );
                if let Some(other) = fields.insert(field.clone(), wire.clone()) {
                    self.error(
                        Rule::RustNames,
                        &at,
                        format!("properties `{other}` and `{wire}` both map to the field `{rust}::{field}`"),
                        fix.clone(),
                    );
                } else if let Some((other, method)) = {
                    let list = prop.get("type").and_then(Value::as_str) == Some("array");
                    std::iter::once(setter.clone())
                        .chain(naming::extra_builder_methods(&field, list))
                        .find_map(|m| Some((setters.insert(m.clone(), wire.clone())?, m)))
                } {
                    self.error(
                        Rule::RustNames,
                        &at,
                        format!(
                            "properties `{other}` and `{wire}` both map to the builder method `{method}`"
                        ),
                        fix.clone(),
                    );
                }
                // Inline string enums become a model named after the owner and the field.
                let items = prop.get("items").unwrap_or(&Value::Null);
                let inline_enum = [prop, items].iter().any(|s| {
                    s.get("enum").is_some()
                        && s.get("type").and_then(Value::as_str) == Some("string")
                });
                if inline_enum {
                    let enum_name = format!("{rust}{}", naming::pascal(&rust_name));
                    if let Some(other) = types.insert(enum_name.clone(), at.clone()) {
                        self.error(
                            Rule::RustNames,
                            &at,
                            format!("the inline enum of `{wire}` and {other} both map to the Rust type `{enum_name}`"),
                            "move the enum to components/schemas under its own name, or rename the clashing schema",
                        );
                    }
                }
                self.secret(name, wire, prop, &at);
            }
        }
    }

    fn secret(&mut self, model: &str, wire: &str, prop: &Value, at: &str) {
        let overrides = self.inputs.overrides();
        let place = format!("schemas.{model}.properties.{wire} in {overrides}");
        let what = format!("`{model}.{wire}`");
        self.secret_mark(
            wire,
            prop,
            prop.get("x-huaweicloud-not-secret"),
            at,
            &what,
            &place,
        );
    }

    /// A secret-looking `name` (property, parameter or header with `schema`) is
    /// `format: password` or carries `x-huaweicloud-not-secret: true` (`not_secret`); enums
    /// are never secrets.
    fn secret_mark(
        &mut self,
        name: &str,
        schema: &Value,
        not_secret: Option<&Value>,
        at: &str,
        what: &str,
        place: &str,
    ) {
        let is_password = schema.get("format").and_then(Value::as_str) == Some("password");
        let is_enum = schema.get("enum").is_some();
        if let Some(v) = not_secret {
            let at_key = format!("{at}/x-huaweicloud-not-secret");
            if v != &Value::Bool(true) {
                self.error(
                    Rule::Secrets,
                    &at_key,
                    "x-huaweicloud-not-secret must be `true`",
                    format!("write `true`, or remove the key ({place})"),
                );
            } else if is_password {
                self.error(
                    Rule::Secrets,
                    &at_key,
                    format!("`{name}` is both `format: password` and x-huaweicloud-not-secret"),
                    format!("keep one of them ({place})"),
                );
            } else if !looks_secret(name) || is_enum {
                self.warning(
                    Rule::Secrets,
                    &at_key,
                    format!("`{name}` does not look like a secret; x-huaweicloud-not-secret is not needed"),
                    format!("remove the key ({place})"),
                );
            }
            return;
        }
        if is_password && is_enum {
            self.error(
                Rule::Secrets,
                at,
                format!("{what} is an enum marked `format: password`; its values are not secrets"),
                format!("remove `format: password` ({place})"),
            );
            return;
        }
        let stringly = schema.get("type").and_then(Value::as_str) == Some("string");
        if stringly && !is_password && !is_enum && looks_secret(name) {
            self.error(
                Rule::Secrets,
                at,
                format!("{what} looks like a secret but is not `format: password` (it would be printed by Debug and not scrubbed from logs)"),
                format!("add `format: password`, or `x-huaweicloud-not-secret: true` if it is not secret ({place})"),
            );
        }
    }

    // ----- descriptions -----------------------------------------------------------------

    /// Whether the service's descriptions are marked reviewed (`x-huaweicloud-service.docs`);
    /// a marker with another value is an error.
    fn docs_reviewed(&mut self) -> bool {
        const AT: &str = "/x-huaweicloud-service/docs";
        match self.raw.pointer(AT) {
            None => false,
            Some(Value::String(s)) if s == DOCS_REVIEWED => true,
            Some(other) => {
                self.error(
                    Rule::Descriptions,
                    AT,
                    format!("docs marker {other} is not `{DOCS_REVIEWED}`"),
                    format!(
                        "write `docs: {DOCS_REVIEWED}` or remove the key (x-huaweicloud-service in {})",
                        self.inputs.overrides()
                    ),
                );
                false
            }
        }
    }

    /// Every model property and operation parameter: a description that is not a
    /// placeholder and says more than the name.
    fn descriptions(&mut self) {
        let severity = if self.docs_reviewed() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut targets: Vec<(String, &'a str, Option<&'a Value>, String)> = Vec::new();
        if let Some(schemas) = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (model, schema) in schemas {
                let here = ptr(&ptr("/components/schemas", model), "properties");
                let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                    continue;
                };
                for (wire, prop) in props {
                    targets.push((
                        ptr(&here, wire),
                        wire,
                        prop.get("description"),
                        format!("schemas.{model}.{wire}"),
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for op in self.collect_operations() {
            let key = op.input_key();
            for (at, p) in op.params {
                // A path-level parameter is shared by the operations of its path.
                if !seen.insert(at.clone()) {
                    continue;
                }
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                targets.push((
                    at,
                    name,
                    p.get("description"),
                    format!("parameters.{key}.{name}"),
                ));
            }
        }
        let file = self.inputs.descriptions();
        let later = if severity == Severity::Warning {
            "; an error once the service is marked `docs: reviewed`"
        } else {
            ""
        };
        for (at, name, description, place) in targets {
            let fix = format!(
                "describe it in English: meaning, allowed values, unit, default, limits, format ({place} or glossary.{name} in {file}){later}"
            );
            match description.and_then(Value::as_str) {
                None => self.push(
                    severity,
                    Rule::Descriptions,
                    &at,
                    format!("`{name}` has no description"),
                    fix,
                ),
                Some(d) if is_placeholder(d, name) => self.push(
                    severity,
                    Rule::Descriptions,
                    &format!("{at}/description"),
                    format!("the description `{}` of `{name}` is a placeholder", d.trim()),
                    fix,
                ),
                Some(d) if restates_name(d, name) => self.push(
                    severity,
                    Rule::RestatedDescriptions,
                    &format!("{at}/description"),
                    format!("the description `{}` only restates the name `{name}`", d.trim()),
                    format!("add what the name does not say: format, unit, allowed values, where the value comes from ({place} or glossary.{name} in {file}){later}"),
                ),
                Some(_) => {}
            }
        }
    }

    // ----- references -------------------------------------------------------------------

    fn refs(&mut self) {
        let mut refs: Vec<(String, String)> = Vec::new();
        collect_refs(self.raw, "", &mut refs);
        // Components reachable from outside `components` (following refs between components).
        let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut roots: Vec<String> = Vec::new();
        for (at, target) in &refs {
            let Some(target_ptr) = target.strip_prefix('#') else {
                self.error(
                    Rule::Refs,
                    &format!("{at}/$ref"),
                    format!("`{target}` is not a local reference"),
                    "use `#/components/...` references only",
                );
                continue;
            };
            if self.raw.pointer(target_ptr).is_none() {
                self.error(
                    Rule::Refs,
                    &format!("{at}/$ref"),
                    format!("dangling $ref `{target}`: nothing at that pointer"),
                    "point at an existing component or add it (extra_schemas in overrides.yaml for imported specs)",
                );
                continue;
            }
            match component_of(at) {
                Some(owner) => edges
                    .entry(owner)
                    .or_default()
                    .push(component_root(target_ptr)),
                None => roots.push(component_root(target_ptr)),
            }
        }
        let mut used: BTreeSet<String> = BTreeSet::new();
        while let Some(c) = roots.pop() {
            if used.insert(c.clone()) {
                roots.extend(edges.get(&c).into_iter().flatten().cloned());
            }
        }
        let Some(components) = self.raw.get("components").and_then(Value::as_object) else {
            return;
        };
        for (kind, items) in components {
            if kind == "securitySchemes" {
                continue;
            }
            let Some(items) = items.as_object() else {
                continue;
            };
            for name in items.keys() {
                let at = ptr(&ptr("/components", kind), name);
                if !used.contains(&at) {
                    self.warning(
                        Rule::Refs,
                        &at,
                        format!(
                            "`{name}` is not referenced (it would still be generated as public API)"
                        ),
                        "reference it or remove it",
                    );
                }
            }
        }
    }

    // ----- vocabulary -------------------------------------------------------------------

    /// Flags `x-` keys outside the documented list, or where they are not documented.
    fn extension_keys(&mut self) {
        for m in keys::misplaced_keys(self.raw) {
            match m.documented {
                None => self.error(
                    Rule::ExtensionKeys,
                    &m.pointer,
                    format!("unknown extension key `{}`", m.key),
                    "use a key from the table in specs/README.md (\"Extension keys\"), or document a new one there and in xtask/src/spec/keys.rs",
                ),
                Some(k) => {
                    let wher: Vec<&str> = k.locations.iter().map(|l| KeyLocation::as_str(*l)).collect();
                    self.error(
                        Rule::ExtensionKeys,
                        &m.pointer,
                        format!("`{}` is not understood here", m.key),
                        format!("move it to {}", wher.join(" or ")),
                    );
                }
            }
        }
    }

    /// Descriptions and titles in English: no CJK text.
    fn english(&mut self, v: &'a Value, pointer: &str) {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.english(item, &format!("{pointer}/{i}"));
                }
            }
            Value::Object(map) => {
                for (key, value) in map {
                    let here = ptr(pointer, key);
                    if ["example", "examples", "enum", "default"].contains(&key.as_str()) {
                        continue;
                    }
                    match value {
                        Value::String(s) if ["description", "title"].contains(&key.as_str()) => {
                            if has_cjk(s) {
                                self.error(
                                    Rule::English,
                                    &here,
                                    format!("{key} contains CJK text"),
                                    format!("write it in English (in {})", self.inputs.overrides()),
                                );
                            }
                        }
                        _ => self.english(value, &here),
                    }
                }
            }
            _ => {}
        }
    }

    /// String enums: variants unique after conversion to Rust (`UNKNOWN` becomes `UnknownValue`),
    /// values without documentation markup.
    fn enums(&mut self, v: &'a Value, pointer: &str) {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.enums(item, &format!("{pointer}/{i}"));
                }
            }
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("string") {
                    if let Some(values) = map.get("enum").and_then(Value::as_array) {
                        let mut seen: BTreeMap<String, String> = BTreeMap::new();
                        for (i, value) in values.iter().enumerate() {
                            let Some(value) = value.as_str() else {
                                continue;
                            };
                            let variant = naming::variant(value);
                            let at = format!("{pointer}/enum/{i}");
                            if value.contains("](") || value.contains("(tag:") {
                                self.error(
                                    Rule::EnumMarkup,
                                    &at,
                                    format!("enum value `{value}` carries documentation markup"),
                                    "write the value the API takes (the text inside `[...]`); `cargo xtask import` strips this markup from the facts, so re-import",
                                );
                            }
                            if let Some(other) = seen.insert(variant.clone(), value.to_owned()) {
                                self.error(
                                    Rule::RustNames,
                                    &at,
                                    format!("enum values `{other}` and `{value}` both map to the variant `{variant}`"),
                                    "check the enum for duplicates (values differing only in case or punctuation)",
                                );
                            }
                        }
                    }
                }
                for (key, value) in map {
                    if ["example", "examples", "default", "enum"].contains(&key.as_str()) {
                        continue;
                    }
                    self.enums(value, &ptr(pointer, key));
                }
            }
            _ => {}
        }
    }
}

/// Every `$ref` outside examples: (pointer of the object holding it, target).
fn collect_refs(v: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                out.push((pointer.to_owned(), target.to_owned()));
            }
            for (key, value) in map {
                if ["example", "examples"].contains(&key.as_str()) {
                    continue;
                }
                collect_refs(value, &ptr(pointer, key), out);
            }
        }
        _ => {}
    }
}

/// `/components/<kind>/<name>` owning `pointer`, if it is inside `components`.
fn component_of(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/")?;
    let mut parts = rest.splitn(3, '/');
    let kind = parts.next()?;
    let name = parts.next()?;
    Some(format!("/components/{kind}/{name}"))
}

/// The component a reference target points into (a ref may point below a component).
fn component_root(target: &str) -> String {
    component_of(target).unwrap_or_else(|| target.to_owned())
}

/// The outcome of linting several files.
#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    /// `rule: errors/warnings` for each rule with findings.
    pub fn by_rule(&self) -> BTreeMap<Rule, (usize, usize)> {
        let mut out: BTreeMap<Rule, (usize, usize)> = BTreeMap::new();
        for f in &self.findings {
            let e = out.entry(f.rule).or_default();
            match f.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
            }
        }
        out
    }
}

/// Lints `files` (as given, else relative to `root`); a file that cannot be read is an error
/// finding.
pub fn lint_files(root: &std::path::Path, files: &[String]) -> Report {
    let mut report = Report::default();
    // Folder -> (file, x-huaweicloud-service) of its versions.
    let mut services: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for file in files {
        report.files += 1;
        // A path as given (relative to the current directory) first, then under `root`.
        let path = if std::path::Path::new(file).is_file() {
            std::path::PathBuf::from(file)
        } else {
            root.join(file)
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                report.findings.extend(lint_bytes(file, &bytes));
                let service = serde_yaml_ng::from_slice::<Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get("x-huaweicloud-service").cloned());
                if let (Some((dir, _)), Some(service)) = (file.rsplit_once('/'), service) {
                    services
                        .entry(dir.to_owned())
                        .or_default()
                        .push((file.clone(), service));
                }
            }
            Err(e) => report.findings.push(Finding {
                severity: Severity::Error,
                rule: Rule::Parse,
                file: file.clone(),
                pointer: String::new(),
                message: format!("cannot read file: {e}"),
                hint: "check the path".to_owned(),
            }),
        }
    }
    // The versions of a service folder are one crate: one service identity.
    for versions in services.values() {
        let Some((first_file, first)) = versions.first() else {
            continue;
        };
        for (file, service) in &versions[1..] {
            if service != first {
                report.findings.push(Finding {
                    severity: Severity::Error,
                    rule: Rule::Versions,
                    file: file.clone(),
                    pointer: "/x-huaweicloud-service".to_owned(),
                    message: format!(
                        "x-huaweicloud-service differs from that of `{first_file}`; the versions of a service folder are one crate"
                    ),
                    hint: "use the same name, crate and title in every version".to_owned(),
                });
            }
        }
    }
    report
}
