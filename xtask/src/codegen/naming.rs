//! Naming rules: spec names to Rust identifiers.
//!
//! - Methods, fields and parameters: `snake_case` (heck), non-identifier characters become
//!   `_`, a leading digit gets a `_` prefix.
//! - Types and enum variants: `PascalCase` (heck), a leading digit gets a `V` prefix, `Self`
//!   becomes `SelfValue`; a value that would be the variant `Unknown` becomes `UnknownValue`.
//! - Rust keywords become raw identifiers (`type` -> `r#type`), except the ones that cannot
//!   be raw (`self`, `Self`, `super`, `crate`), which get the `_value` suffix.
//! - Builder setters and builder fields whose name is in [`RESERVED_METHODS`] get the
//!   `_value` suffix (`default` -> `default_value`), so no setter shadows `Default::default`,
//!   `Clone::clone`, `new`, `build`, `send`, `body` or `options`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Strict and reserved keywords of Rust 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names a builder setter (or builder field) must not take: methods of the generated
/// builders themselves and of the std traits they implement, and the std operator-trait
/// methods (`sub`, `add`, ...) that clippy would expect to be trait implementations.
pub const RESERVED_METHODS: &[&str] = &[
    "add",
    "as_str",
    "bitand",
    "bitor",
    "bitxor",
    "div",
    "mul",
    "rem",
    "shl",
    "shr",
    "sub",
    "body",
    "build",
    "builder",
    "client",
    "clone",
    "default",
    "eq",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "new",
    "operation_input",
    "options",
    "send",
    "to_owned",
    "to_string",
];

/// Client methods an operation's Rust name must not take.
pub const RESERVED_CLIENT_METHODS: &[&str] = &["builder", "clone", "core", "fmt", "from_core"];

/// Builder type names that would clash with the imports of the generated `operations.rs`.
pub const RESERVED_BUILDER_TYPES: &[&str] = &[
    "Client",
    "Method",
    "OperationInput",
    "OperationSpec",
    "RequestOptions",
    "Response",
    "Result",
];

/// Suffix appended to names that would clash (see module docs).
pub const CLASH_SUFFIX: &str = "_value";

/// `snake_case` form of a spec name, made a valid identifier (not yet keyword-checked).
pub fn snake(name: &str) -> String {
    let s = name.to_snake_case();
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `PascalCase` form of a spec name, made a valid identifier.
pub fn pascal(name: &str) -> String {
    let mut out: String = name
        .to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push_str("Value");
    }
    out
}

/// Enum variant of a string enum value: [`pascal`], except that a value mapping to `Unknown`
/// (`UNKNOWN`, `unknown`) becomes `UnknownValue`, since `Unknown(String)` holds the values
/// the SDK does not know.
pub fn variant(value: &str) -> String {
    // Operators (`<`, `>=`, `!=`) have no letters to keep: their symbols are spelled out, so
    // that `<` and `>` do not both become `Empty`.
    if !value.is_empty() && !value.bytes().any(|b| b.is_ascii_alphanumeric()) {
        let spelled: String = value.chars().map(symbol_name).collect();
        if !spelled.is_empty() {
            return spelled;
        }
    }
    let p = pascal(value);
    if p == "Unknown" {
        format!("{p}{}", pascal(CLASH_SUFFIX))
    } else {
        p
    }
}

/// A symbol's name for [`variant`]; whitespace and other characters add nothing.
fn symbol_name(c: char) -> &'static str {
    match c {
        '<' => "Lt",
        '>' => "Gt",
        '=' => "Eq",
        '!' => "Not",
        '+' => "Plus",
        '-' => "Minus",
        '*' => "Star",
        '/' => "Slash",
        '%' => "Percent",
        '&' => "And",
        '|' => "Or",
        '~' => "Tilde",
        '^' => "Caret",
        '.' => "Dot",
        ',' => "Comma",
        ':' => "Colon",
        ';' => "Semicolon",
        '?' => "Question",
        '@' => "At",
        '#' => "Hash",
        '$' => "Dollar",
        '_' => "Underscore",
        '(' | '[' | '{' => "Open",
        ')' | ']' | '}' => "Close",
        _ => "",
    }
}

/// `SHOUTY_SNAKE_CASE` for statics.
pub fn shouty(snake_name: &str) -> String {
    snake_name.trim_start_matches('_').to_ascii_uppercase()
}

/// Whether `s` is a plain snake_case identifier (`[a-z_][a-z0-9_]*`).
pub fn is_snake_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

/// Field name: keywords that cannot be raw get the clash suffix.
pub fn field_name(snake_name: &str) -> String {
    if NOT_RAW.contains(&snake_name) {
        format!("{snake_name}{CLASH_SUFFIX}")
    } else {
        snake_name.to_owned()
    }
}

/// Setter (and builder field) name for a field or parameter called `snake_name`.
pub fn setter_name(snake_name: &str) -> String {
    if RESERVED_METHODS.contains(&snake_name) || NOT_RAW.contains(&snake_name) {
        format!("{snake_name}{CLASH_SUFFIX}")
    } else {
        snake_name.to_owned()
    }
}

/// The model builder methods of the field `field_name` (a `field_name` result) besides its
/// setter: `set_<field>` (takes an `Option`), and for a list `push_<field>` (appends one).
pub fn extra_builder_methods(field_name: &str, list: bool) -> Vec<String> {
    let mut names = vec![format!("set_{field_name}")];
    if list {
        names.push(format!("push_{field_name}"));
    }
    names
}

/// An identifier token: raw when `name` is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) && !NOT_RAW.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The name as written in source (`r#type` for keywords).
pub fn ident_text(name: &str) -> String {
    ident(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_enum_values_get_distinct_variants() {
        let names: Vec<String> = ["<", ">", "<=", ">=", "=", "!=", "*"]
            .iter()
            .map(|v| variant(v))
            .collect();
        assert_eq!(names, ["Lt", "Gt", "LtEq", "GtEq", "Eq", "NotEq", "Star"]);
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant(" "), "Empty");
        assert_eq!(variant("a-b"), "AB");
    }

    #[test]
    fn operation_names() {
        assert_eq!(
            snake("ResetAclAccountPassWord"),
            "reset_acl_account_pass_word"
        );
        assert_eq!(snake("ResetUserPasswrod"), "reset_user_passwrod");
        assert_eq!(snake("X-Language"), "x_language");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(pascal("reset_password"), "ResetPassword");
        assert_eq!(
            pascal("StandarSuccessResponseV5"),
            "StandarSuccessResponseV5"
        );
        assert_eq!(pascal("2xx-ok"), "V2xxOk");
        assert_eq!(pascal("self"), "SelfValue");
        assert_eq!(variant("UNKNOWN"), "UnknownValue");
        assert_eq!(variant("unknown"), "UnknownValue");
        assert_eq!(variant("UNKNOWN_STATE"), "UnknownState");
    }

    #[test]
    fn keywords_and_clashes() {
        assert_eq!(ident_text("type"), "r#type");
        assert_eq!(field_name("self"), "self_value");
        assert_eq!(setter_name("default"), "default_value");
        assert_eq!(setter_name("build"), "build_value");
        assert_eq!(setter_name("type"), "type");
        assert!(is_snake_ident("reset_user_password"));
        assert!(!is_snake_ident("ResetUser"));
    }
}
