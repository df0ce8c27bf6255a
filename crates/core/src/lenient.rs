//! Lenient decoding of scalar response fields.
//!
//! Huawei Cloud APIs are sloppy about scalar types: numbers arrive as strings (`"5"`), strings
//! as numbers (`5`), booleans as `"true"` or `1`, and empty strings stand for "no value". A
//! strict decoder would fail the whole call on one such field. Generated models decode every
//! optional scalar through these functions instead (through [`LenientScalar`], one seed per type
//! shared by every field; see `model.rs`):
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

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
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
///
/// The most common field of all, so it is read straight from the deserializer rather than
/// through a `Value` (same results: numbers and booleans as their JSON text).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    // `deserialize_any`, not `deserialize_option`: `null` still arrives (as unit), and a
    // model's field takes one pass through the erased deserializer instead of two.
    d.deserialize_any(OptString)
}

struct OptString;

impl<'de> Visitor<'de> for OptString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(json_text(Value::from(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(json_text(Value::from(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(json_text(Value::from(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Err(A::Error::custom(format!(
            "expected a string, found {}",
            describe(&v)
        )))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let v = Value::deserialize(MapAccessDeserializer::new(map))?;
        Err(A::Error::custom(format!(
            "expected a string, found {}",
            describe(&v)
        )))
    }
}

/// A scalar's JSON text; `None` for `null` (a float that JSON cannot hold).
fn json_text(v: Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
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

/// The text of an open enum's wire value: a string, or a number or boolean as its JSON text
/// (Huawei APIs sometimes send `1` where the documents say `"1"`).
pub(crate) fn open_enum_text<E: serde::de::Error>(value: Value) -> Result<String, E> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(E::custom(format!(
            "expected a string enum value, found {other}"
        ))),
    }
}

/// A scalar type with a lenient decoder: generated models decode such fields through it
/// (`String`, `i32`, `i64`, `f64`, `bool`; the functions above).
pub trait LenientScalar: Sized {
    /// Decodes `Option<Self>` leniently.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
    /// [`deserialize_lenient`](Self::deserialize_lenient) of a model field: compiled once
    /// here, not in every service crate.
    fn decode_field(
        d: &mut (dyn erased_serde::Deserializer<'_> + '_),
    ) -> Result<Option<Self>, erased_serde::Error>;
}

macro_rules! lenient_scalars {
    ($($ty:ty => $func:ident),* $(,)?) => {$(
        impl LenientScalar for $ty {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<Self>, D::Error> {
                $func(d)
            }
            fn decode_field(
                d: &mut (dyn erased_serde::Deserializer<'_> + '_),
            ) -> Result<Option<Self>, erased_serde::Error> {
                $func(d)
            }
        }
    )*};
}

lenient_scalars!(String => opt_string, i32 => opt_i32, i64 => opt_i64, f64 => opt_f64, bool => opt_bool);

trait DeserializeValue<'de>: Sized {
    fn deserialize_value<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl<'de> DeserializeValue<'de> for Option<Value> {
    /// `null` comes back as `Some(Value::Null)`, which every caller treats as `None`; read
    /// as a plain `Value`, a model's field takes one pass through the erased deserializer
    /// instead of two (`Option`'s `visit_some`).
    fn deserialize_value<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Value as serde::Deserialize>::deserialize(d).map(Some)
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
        assert_eq!(m(r#"{"s": -7}"#).unwrap().s.as_deref(), Some("-7"));
        assert_eq!(m(r#"{"s": 2.50}"#).unwrap().s.as_deref(), Some("2.5"));
        assert_eq!(
            m(r#"{"s": "a\u00e9"}"#).unwrap().s.as_deref(),
            Some("a\u{e9}")
        );
        let e = m(r#"{"s": [1, 2]}"#).unwrap_err().to_string();
        assert!(e.starts_with("expected a string, found [1,2]"), "{e}");
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
            r#"{"s": {"a": 1}}"#,
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
