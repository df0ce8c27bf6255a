//! JSON bodies in the official Python SDK's byte layout.
//!
//! The Python SDK sends `json.dumps(body)` with default settings: `", "` and `": "` separators,
//! `ensure_ascii` (every non-ASCII character as a lower-case `\uXXXX` escape, astral
//! characters as surrogate pairs) and floats as Python's `repr` writes them (`1e-07`,
//! `1.5e+300`). Sending the same bytes makes our signatures identical to theirs for the same
//! request, which the parity tests rely on; the gateway sees the same JSON value either way.
//! Field order is the declaration order of the model, as in Python.

use std::io::{self, Write};

use bytes::Bytes;
use serde::Serialize;
use serde_json::ser::Formatter;

/// Serializes `value` as the Python SDK would.
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Bytes> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut ser)?;
    Ok(Bytes::from(out))
}

struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    /// Python's `repr`: exponent form below 1e-4 and from 1e16 on, written `1e-07`, `1.5e+300`
    /// (sign, at least two digits); serde_json already matches elsewhere and above.
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        let magnitude = value.abs();
        if value == 0.0 || (1e-4..1e16).contains(&magnitude) {
            return serde_json::ser::CompactFormatter.write_f64(w, value);
        }
        // `{:e}` prints the shortest digits that round-trip, as `repr` does.
        let text = format!("{value:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        write!(w, "{mantissa}e{sign}{digits:0>2}")
    }
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Fast path: printable ASCII is written as is.
        if fragment.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return w.write_all(fragment.as_bytes());
        }
        let mut buf = [0u16; 2];
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                w.write_all(&[c as u8])?;
            } else {
                for unit in c.encode_utf16(&mut buf) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_python_json_dumps() {
        let v =
            serde_json::json!({"a": "实例 é😀\u{7f}", "b": [1, true, null], "c": {"d": "\"\n"}});
        // python3 -c 'import json;print(json.dumps({"a":"实例 é😀\x7f","b":[1,True,None],"c":{"d":"\"\n"}}))'
        let expected = r#"{"a": "\u5b9e\u4f8b \u00e9\ud83d\ude00\u007f", "b": [1, true, null], "c": {"d": "\"\n"}}"#;
        assert_eq!(
            std::str::from_utf8(&to_python_json(&v).unwrap()).unwrap(),
            expected
        );
    }
}
