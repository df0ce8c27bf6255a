//! Lenient decoding of scalar response fields.
//!
//! Huawei Cloud APIs are sloppy about scalar types: numbers arrive as strings (`"5"`), strings
//! as numbers (`5`), booleans as `"true"` or `1`, and empty strings stand for "no value". A
//! strict decoder would fail the whole call on one such field. Generated models decode every
//! optional scalar through these functions instead (`#[serde(default, deserialize_with = ...)]`):
//!
//! | target | accepted |
//! |---|---|
//! | `Option<String>` | string; number or boolean (as their JSON text) |
//! | `Option<i32>`, `Option<i64>` | integer; float with no fractional part; string holding an integer |
//! | `Option<f64>` | number; string holding a number |
//! | `Option<bool>` | boolean; `"true"`/`"false"` (any case); `0`/`1` and `"0"`/`"1"` |
//!
//! `null`, and `""` for non-string targets, decode as `None`. Anything else (an object where a
//! number is expected, `"abc"` for an integer, an integer out of range) is still an error: the
//! caller gets a decode error with the raw body rather than a silently wrong value.

use serde::de::{Deserializer, Error as _};
use serde_json::Value;

fn describe(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 40 {
        s.truncate(40);
        s.push('…');
    }
    s
}

/// `Option<String>` from a string, number or boolean.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize_value(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
        Some(v) => Err(D::Error::custom(format!(
            "expected a string, found {}",
            describe(&v)
        ))),
    }
}

/// `Option<i64>` from an integer, an integral float or a numeric string.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize_value(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i)),
            // `i64::MAX as f64` rounds up to 2^63, which is out of range: the bound is strict.
            (None, Some(f)) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                Ok(Some(f as i64))
            }
            _ => Err(D::Error::custom(format!("expected an integer, found {n}"))),
        },
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an integer, found string {s:?}"))),
        Some(v) => Err(D::Error::custom(format!(
            "expected an integer, found {}",
            describe(&v)
        ))),
    }
}

/// `Option<i32>` like [`opt_i64`], range-checked.
pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match opt_i64(d)? {
        None => Ok(None),
        Some(v) => i32::try_from(v)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("integer {v} does not fit in 32 bits"))),
    }
}

/// `Option<f64>` from a number or a numeric string.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<Value>::deserialize_value(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, found string {s:?}"))),
        Some(v) => Err(D::Error::custom(format!(
            "expected a number, found {}",
            describe(&v)
        ))),
    }
}

/// `Option<bool>` from a boolean, `"true"`/`"false"` or `0`/`1`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize_value(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(Value::String(s)) if s.trim() == "1" => Ok(Some(true)),
        Some(Value::String(s)) if s.trim() == "0" => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(Some(true)),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(false)),
        Some(v) => Err(D::Error::custom(format!(
            "expected a boolean, found {}",
            describe(&v)
        ))),
    }
}

trait DeserializeValue<'de>: Sized {
    fn deserialize_value<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl<'de> DeserializeValue<'de> for Option<Value> {
    fn deserialize_value<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Option<Value> as serde::Deserialize>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct M {
        #[serde(deserialize_with = "super::opt_string")]
        s: Option<String>,
        #[serde(deserialize_with = "super::opt_i64")]
        i: Option<i64>,
        #[serde(deserialize_with = "super::opt_i32")]
        small: Option<i32>,
        #[serde(deserialize_with = "super::opt_f64")]
        f: Option<f64>,
        #[serde(deserialize_with = "super::opt_bool")]
        b: Option<bool>,
    }

    fn m(json: &str) -> Result<M, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_the_sloppy_forms() {
        let v = m(r#"{"s": 5, "i": "42", "small": 7.0, "f": "1.5", "b": "TRUE"}"#).unwrap();
        assert_eq!(
            v,
            M {
                s: Some("5".into()),
                i: Some(42),
                small: Some(7),
                f: Some(1.5),
                b: Some(true)
            }
        );
        assert_eq!(m(r#"{"b": "1"}"#).unwrap().b, Some(true));
        let v = m(r#"{"s": true, "i": 42, "f": 2, "b": 0}"#).unwrap();
        assert_eq!(
            (v.s.as_deref(), v.i, v.f, v.b),
            (Some("true"), Some(42), Some(2.0), Some(false))
        );
        assert_eq!(m(r#"{"i": "", "f": " ", "b": ""}"#).unwrap(), M::default());
        assert_eq!(m(r#"{"s": null, "i": null}"#).unwrap(), M::default());
        assert_eq!(m("{}").unwrap(), M::default());
    }

    #[test]
    fn rejects_what_cannot_be_meant() {
        for bad in [
            r#"{"i": "abc"}"#,
            r#"{"i": 1.5}"#,
            r#"{"i": {}}"#,
            r#"{"small": 3000000000}"#,
            r#"{"b": "yes"}"#,
            r#"{"b": 2}"#,
            r#"{"s": [1]}"#,
            r#"{"f": "x"}"#,
        ] {
            let e = m(bad).unwrap_err().to_string();
            assert!(
                e.starts_with("expected") || e.contains("does not fit"),
                "{bad}: {e}"
            );
        }
    }
}
