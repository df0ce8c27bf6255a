//! Decoding of generated models with one shared visitor instead of serde's derive.
//!
//! `#[derive(Deserialize)]` writes, per model, a field enum with its own visitor, a
//! `visit_seq` and a `visit_map`, and per lenient field (`deserialize_with`) a wrapper type
//! whose decoding serde_json monomorphizes again: about half of a service crate's build time.
//! A generated model instead implements [`DecodeModel`] (its wire names and one `match` that
//! decodes a field by index) and its `Deserialize` calls [`deserialize_model`]; the key
//! lookup, duplicate check and unknown-field skipping here are shared by every model, and
//! lenient fields share one seed per scalar type ([`lenient`](crate::lenient)).
//!
//! Behaviour is the derive's with `#[serde(default)]` on every field: unknown fields are
//! ignored, absent fields stay `None`, a repeated field is a `duplicate field` error, and an
//! error names the struct (`expected struct Instance`). One difference: a JSON array is not
//! accepted in place of an object (the derive read it positionally).
//!
//! The path of a failing field (`instances[0].capacity`) is recorded here too, while the error
//! travels up through the models and lists ([`ErrorPath`]), so the client decodes generated
//! outputs once, with serde_json alone, instead of through serde_path_to_error, which would
//! compile every model's decoding a second time.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::lenient::LenientScalar;

/// A generated model that decodes through [`deserialize_model`].
pub trait DecodeModel: Default {
    /// The type name, for errors (`expected struct NAME`).
    const NAME: &'static str;
    /// The JSON names of the fields, in declaration order; `decode_field` takes an index
    /// into this list.
    const FIELDS: &'static [&'static str];

    /// Decodes the value of the field `FIELDS[index]` from `map` (whose next entry is that
    /// value) into `self`.
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// `Deserialize::deserialize` of a generated model.
pub fn deserialize_model<'de, D: Deserializer<'de>, M: DecodeModel>(d: D) -> Result<M, D::Error> {
    d.deserialize_struct(M::NAME, M::FIELDS, ModelVisitor(PhantomData))
}

/// Decodes a field through its type's own `Deserialize` (models, enums, lists, maps, JSON).
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Decodes a scalar field leniently (`"5"` for 5 and the like; see [`crate::lenient`]).
pub fn lenient_field<'de, A: MapAccess<'de>, T: LenientScalar>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(LenientSeed(PhantomData))?;
    Ok(())
}

/// Decodes a list field; an error inside the list records the item's index in the path.
pub fn list_field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Vec<T>>,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(OptionalList(PhantomData))?;
    Ok(())
}

/// Skips a value (an index `decode_field` does not know, which the visitor never passes).
pub fn skip_field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

struct LenientSeed<T>(PhantomData<T>);

impl<'de, T: LenientScalar> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient(d)
    }
}

struct OptionalList<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for OptionalList<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<T>>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OptionalList<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        // Capped like serde's own `Vec`: the hint comes from the input.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            match seq.next_element() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Some(items)),
                Err(e) => {
                    ErrorPath::note(Segment::Index(items.len()));
                    return Err(e);
                }
            }
        }
    }
}

struct ModelVisitor<M>(PhantomData<M>);

impl<'de, M: DecodeModel> Visitor<'de> for ModelVisitor<M> {
    type Value = M;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", M::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<M, A::Error> {
        let mut model = M::default();
        let mut seen = Seen::new(M::FIELDS.len());
        while let Some(key) = map.next_key_seed(FieldKey(M::FIELDS))? {
            match key {
                Some(index) => {
                    if seen.insert(index) {
                        if let Err(e) = model.decode_field(index, &mut map) {
                            ErrorPath::note(Segment::Field(M::FIELDS[index]));
                            return Err(e);
                        }
                    } else {
                        return Err(A::Error::duplicate_field(M::FIELDS[index]));
                    }
                }
                None => skip_field(&mut map)?,
            }
        }
        Ok(model)
    }
}

thread_local! {
    /// Whether a decoding of the client runs on this thread, and the path of the field where
    /// it failed, innermost first, recorded as the error travels up.
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static FAILED_AT: RefCell<Vec<Segment>> = const { RefCell::new(Vec::new()) };
}

enum Segment {
    Field(&'static str),
    Index(usize),
}

/// Records where a decoding fails, for the client's decode error (`at `instances[0].name``).
/// Decoding never awaits, so a thread-local is enough; outside the client (a caller's own
/// `serde_json::from_str`) nothing is recorded.
pub(crate) struct ErrorPath(());

impl ErrorPath {
    /// Starts recording on this thread.
    pub(crate) fn start() -> Self {
        FAILED_AT.with(|p| p.borrow_mut().clear());
        TRACKING.with(|t| t.set(true));
        ErrorPath(())
    }

    /// The path recorded since `start`, written like serde_path_to_error writes it
    /// (`instances[0].name`; `.` for the top level).
    pub(crate) fn finish(self) -> String {
        let segments = FAILED_AT.with(|p| std::mem::take(&mut *p.borrow_mut()));
        if segments.is_empty() {
            return ".".to_owned();
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn note(segment: Segment) {
        if TRACKING.with(Cell::get) {
            FAILED_AT.with(|p| p.borrow_mut().push(segment));
        }
    }
}

impl Drop for ErrorPath {
    fn drop(&mut self) {
        TRACKING.with(|t| t.set(false));
    }
}

/// The fields already decoded: a bit set, on the heap only past 128 fields.
enum Seen {
    Small(u128),
    Large(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Self {
        if fields <= 128 {
            Seen::Small(0)
        } else {
            Seen::Large(vec![false; fields])
        }
    }

    /// Marks `index`; false when it was marked already.
    fn insert(&mut self, index: usize) -> bool {
        match self {
            Seen::Small(bits) => {
                let bit = 1u128 << index;
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Seen::Large(seen) => !std::mem::replace(&mut seen[index], true),
        }
    }
}

/// A map key: the index of a known field, `None` for any other key.
struct FieldKey(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(v).ok().filter(|i| *i < self.0.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        n: Option<i64>,
    }

    impl DecodeModel for Inner {
        const NAME: &'static str = "Inner";
        const FIELDS: &'static [&'static str] = &["n"];
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => lenient_field(map, &mut self.n),
                _ => skip_field(map),
            }
        }
    }

    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_model(d)
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        name: Option<String>,
        items: Option<Vec<Inner>>,
        flag: Option<bool>,
    }

    impl DecodeModel for Outer {
        const NAME: &'static str = "Outer";
        const FIELDS: &'static [&'static str] = &["name", "items", "is_flag"];
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => lenient_field(map, &mut self.name),
                1 => list_field(map, &mut self.items),
                2 => lenient_field(map, &mut self.flag),
                _ => skip_field(map),
            }
        }
    }

    impl<'de> Deserialize<'de> for Outer {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_model(d)
        }
    }

    fn outer(json: &str) -> Result<Outer, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn decodes_known_fields_by_wire_name_and_ignores_others() {
        let v =
            outer(r#"{"extra": {"a": [1]}, "name": 5, "items": [{"n": "7"}, {}], "is_flag": "1"}"#)
                .unwrap();
        assert_eq!(
            v,
            Outer {
                name: Some("5".into()),
                items: Some(vec![Inner { n: Some(7) }, Inner::default()]),
                flag: Some(true),
            }
        );
        assert_eq!(outer("{}").unwrap(), Outer::default());
        assert_eq!(
            outer(r#"{"name": null, "items": null}"#).unwrap(),
            Outer::default()
        );
    }

    #[test]
    fn errors_name_the_struct_the_field_and_the_path() {
        let e = outer(r#"{"name": "a", "name": "b"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate field `name`"), "{e}");
        let e = outer(r#"{"items": [{"n": "x"}]}"#).unwrap_err().to_string();
        assert!(e.starts_with("expected an integer"), "{e}");
        let e = outer(r#"{"items": [5]}"#).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: integer `5`, expected struct Inner"),
            "{e}"
        );
        let e = outer("[]").unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: sequence, expected struct Outer"),
            "{e}"
        );
        let de = &mut serde_json::Deserializer::from_str(r#"{"items": [{}, {"n": true}]}"#);
        let e = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        assert_eq!(e.path().to_string(), "items[1].n");
    }

    fn path_of(json: &str) -> String {
        let path = ErrorPath::start();
        let err = serde_json::from_str::<Outer>(json).unwrap_err();
        format!("{}: {err}", path.finish())
    }

    #[test]
    fn records_the_path_of_the_failing_field() {
        let e = path_of(r#"{"items": [{}, {"n": true}]}"#);
        assert!(e.starts_with("items[1].n: expected an integer"), "{e}");
        let e = path_of(r#"{"items": [{}, 5]}"#);
        assert!(e.starts_with("items[1]: invalid type: integer `5`"), "{e}");
        let e = path_of(r#"{"items": 5}"#);
        assert!(
            e.starts_with("items: invalid type: integer `5`, expected a sequence"),
            "{e}"
        );
        let e = path_of(r#"{"name": "a", "name": "b"}"#);
        assert!(e.starts_with(".: duplicate field"), "{e}");
        // A new start forgets the last failure; without one nothing is recorded.
        let path = ErrorPath::start();
        assert!(serde_json::from_str::<Outer>(r#"{"is_flag": 1}"#).is_ok());
        assert_eq!(path.finish(), ".");
        assert!(outer(r#"{"items": [{"n": true}]}"#).is_err());
        assert!(FAILED_AT.with(|p| p.borrow().is_empty()));
    }

    #[test]
    fn tracks_more_than_128_fields() {
        let mut seen = Seen::new(200);
        assert!(seen.insert(150));
        assert!(!seen.insert(150));
        let mut small = Seen::new(128);
        assert!(small.insert(127));
        assert!(!small.insert(127));
        assert!(small.insert(0));
    }
}
