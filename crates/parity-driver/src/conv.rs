//! Strict conversion of sample values (JSON, as the official Python SDK serialises its request
//! objects) into the typed values the generated setters take.
//!
//! Strict on purpose: the JSON type must be the one the Rust type stands for (`true`/`false`
//! for `bool`, an integer for `i32`/`i64`, a number with a fraction or exponent for `f64`, a
//! string for `String` and enums), objects may hold only the fields the model has. A sample
//! the generated API cannot express exactly is a failure that names the place (`at`, a JSON
//! pointer into the sample), never a silent coercion.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// A sample value the generated API cannot take as is.
#[derive(Debug)]
pub struct SampleError(pub String);

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SampleError {}

pub type R<T> = Result<T, SampleError>;

fn mismatch(at: &str, want: &str, v: &Value) -> SampleError {
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let mut shown = v.to_string();
    if shown.len() > 60 {
        shown.truncate(60);
        shown.push('…');
    }
    SampleError(format!(
        "{at}: the generated type wants {want}, the official SDK sends {kind} ({shown})"
    ))
}

/// `String` from a JSON string.
pub fn string(v: &Value, at: &str) -> R<String> {
    text(v, at).map(str::to_owned)
}

/// A multipart file part from a JSON string: its text is the file's content.
pub fn file(v: &Value, at: &str) -> R<huaweicloud_sdk_core::FormFile> {
    let content = text(v, at)?;
    Ok(huaweicloud_sdk_core::FormFile::new(
        "parity-file",
        content.as_bytes().to_vec(),
    ))
}

/// The text of a JSON string (enum values).
pub fn text<'a>(v: &'a Value, at: &str) -> R<&'a str> {
    v.as_str().ok_or_else(|| mismatch(at, "a string", v))
}

/// `bool` from `true`/`false` only.
pub fn boolean(v: &Value, at: &str) -> R<bool> {
    v.as_bool().ok_or_else(|| mismatch(at, "a boolean", v))
}

/// `i64` from a JSON integer (never a float, not even `2.0`).
pub fn int64(v: &Value, at: &str) -> R<i64> {
    match v {
        Value::Number(n) if !n.is_f64() => n
            .as_i64()
            .ok_or_else(|| mismatch(at, "an integer in the i64 range", v)),
        _ => Err(mismatch(at, "an integer", v)),
    }
}

/// `i32` from a JSON integer in range.
pub fn int32(v: &Value, at: &str) -> R<i32> {
    int64(v, at)
        .and_then(|i| i32::try_from(i).map_err(|_| mismatch(at, "an integer in the i32 range", v)))
}

/// `f64` from a JSON float (a number written with a fraction or exponent): an integer here
/// means the official SDK's type is an integer, and a Rust `f64` would send `3.0` for `3`.
pub fn float64(v: &Value, at: &str) -> R<f64> {
    match v {
        Value::Number(n) if n.is_f64() => {
            n.as_f64().ok_or_else(|| mismatch(at, "a finite float", v))
        }
        _ => Err(mismatch(at, "a float", v)),
    }
}

/// Free-form JSON (`serde_json::Value` fields), as is.
pub fn free_form(v: &Value, _at: &str) -> R<Value> {
    Ok(v.clone())
}

/// `Vec<T>` from a JSON array, each item converted by `item` (pointer `at/<index>`).
pub fn list<T>(v: &Value, at: &str, item: impl Fn(&Value, &str) -> R<T>) -> R<Vec<T>> {
    let items = v.as_array().ok_or_else(|| mismatch(at, "an array", v))?;
    items
        .iter()
        .enumerate()
        .map(|(i, x)| item(x, &format!("{at}/{i}")))
        .collect()
}

/// `BTreeMap<String, T>` from a JSON object, each value converted by `item`.
pub fn map<T>(v: &Value, at: &str, item: impl Fn(&Value, &str) -> R<T>) -> R<BTreeMap<String, T>> {
    let entries = v.as_object().ok_or_else(|| mismatch(at, "an object", v))?;
    entries
        .iter()
        .map(|(k, x)| Ok((k.clone(), item(x, &child(at, k))?)))
        .collect()
}

/// `at/<key>` with the key escaped as an RFC 6901 token.
fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The value of an enum field that is not one of the variants the IR lists.
pub fn not_a_variant(at: &str, value: &str, enum_name: &str) -> SampleError {
    SampleError(format!(
        "{at}: {value:?} is not a value of the enum {enum_name} in the spec"
    ))
}

/// A sample object for model `model`: its fields by wire name.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: &'a str,
}

impl<'a> Obj<'a> {
    /// Checks that `v` is an object whose keys are all fields of `model` (`fields`, wire
    /// names): a key the model lacks is a field the generated crate cannot send.
    pub fn new(v: &'a Value, at: &'a str, model: &str, fields: &[&str]) -> R<Self> {
        let map = v
            .as_object()
            .ok_or_else(|| mismatch(at, &format!("an object ({model})"), v))?;
        if let Some(k) = map.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(SampleError(format!(
                "{}: the official SDK sends a field the generated {model} does not have",
                child(at, k)
            )));
        }
        Ok(Self { map, at })
    }

    /// Field `wire` and its pointer, if the sample sets it.
    pub fn get(&self, wire: &str) -> Option<(&'a Value, String)> {
        self.map.get(wire).map(|v| (v, child(self.at, wire)))
    }
}
