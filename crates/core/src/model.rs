//! Decoding of generated models with shared, type-erased visitors instead of serde's derive.
//!
//! `#[derive(Deserialize)]` writes, per model, a field enum with its own visitor, a
//! `visit_seq` and a `visit_map`, and serde_json then compiles its struct parser once per
//! model visitor: most of a service crate's build time. A generated model instead
//! implements [`DecodeModel`] (its wire names and one `match` that decodes a field by index,
//! not generic) and its `Deserialize` calls [`deserialize_model`]. Everything that depends on
//! the input format — the map walk, key lookup, duplicate check, unknown-field skipping,
//! lists, optional nested models, lenient scalars — is compiled here, once per deserializer,
//! and reaches a model's fields through an [`erased_serde`] deserializer ([`FieldInput`]).
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

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::lenient::LenientScalar;

/// The value of one field, as generated `decode_field` functions receive it: a deserializer
/// whose format is erased, so a model's decoding is compiled once, not once per format.
pub type FieldInput<'a, 'de> = dyn erased_serde::Deserializer<'de> + 'a;

/// What decoding a field returns.
pub type FieldResult = Result<(), erased_serde::Error>;

/// A generated model that decodes through [`deserialize_model`].
pub trait DecodeModel: Default {
    /// The type name, for errors (`expected struct NAME`).
    const NAME: &'static str;
    /// The JSON names of the fields, in declaration order; `decode_field` takes an index
    /// into this list.
    const FIELDS: &'static [&'static str];

    /// Decodes the value `d` of the field `FIELDS[index]` into `self`.
    fn decode_field<'de>(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult;
}

/// A model behind a pointer: what the shared visitors fill.
trait DynModel<'de> {
    fn name(&self) -> &'static str;
    fn fields(&self) -> &'static [&'static str];
    fn decode(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult;
}

impl<'de, M: DecodeModel> DynModel<'de> for M {
    fn name(&self) -> &'static str {
        M::NAME
    }
    fn fields(&self) -> &'static [&'static str] {
        M::FIELDS
    }
    fn decode(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult {
        self.decode_field(index, d)
    }
}

/// `Deserialize::deserialize` of a generated model.
pub fn deserialize_model<'de, D: Deserializer<'de>, M: DecodeModel>(d: D) -> Result<M, D::Error> {
    let mut model = M::default();
    decode_into(d, &mut model)?;
    Ok(model)
}

/// Fills `model` from the JSON object `d`; generic over the deserializer only.
fn decode_into<'de, D: Deserializer<'de>>(
    d: D,
    model: &mut dyn DynModel<'de>,
) -> Result<(), D::Error> {
    d.deserialize_struct(model.name(), model.fields(), ModelVisitor(model))
}

/// Runs `decode` on the erased form of `d`. The error comes back as `D`'s through its
/// message, which keeps serde_json's position (`at line 1 column 9`) where it had one.
fn erased<'de, D: Deserializer<'de>, T>(
    d: D,
    decode: impl FnOnce(&mut FieldInput<'_, 'de>) -> Result<T, erased_serde::Error>,
) -> Result<T, D::Error> {
    let mut d = <dyn erased_serde::Deserializer>::erase(d);
    decode(&mut d).map_err(D::Error::custom)
}

/// Decodes a field through its type's own `Deserialize` (maps, JSON, boxed models).
pub fn field<'de, T: Deserialize<'de>>(
    d: &mut FieldInput<'_, 'de>,
    slot: &mut Option<T>,
) -> FieldResult {
    *slot = Option::<T>::deserialize(d)?;
    Ok(())
}

/// Decodes a field holding a generated model (`null` is `None`).
pub fn model_field<'de, M: DecodeModel>(
    d: &mut FieldInput<'_, 'de>,
    slot: &mut Option<M>,
) -> FieldResult {
    let mut model = M::default();
    let present = d.deserialize_option(OptionalModel(&mut model))?;
    *slot = present.then_some(model);
    Ok(())
}

/// Decodes a field holding an open enum (`null` is `None`; numbers and booleans as their
/// text, like the enum's own `Deserialize`).
pub fn enum_field<E: From<String>>(
    d: &mut FieldInput<'_, '_>,
    slot: &mut Option<E>,
) -> FieldResult {
    *slot = open_enum_value(d)?.map(E::from);
    Ok(())
}

fn open_enum_value(d: &mut FieldInput<'_, '_>) -> Result<Option<String>, erased_serde::Error> {
    // A plain `Value` (`null` included): one pass through the erased deserializer, not two.
    match serde_json::Value::deserialize(&mut *d)? {
        serde_json::Value::Null => Ok(None),
        v => crate::lenient::open_enum_text(v).map(Some),
    }
}

/// Decodes a scalar field leniently (`"5"` for 5 and the like; see [`crate::lenient`]).
#[inline]
pub fn lenient_field<T: LenientScalar>(
    d: &mut FieldInput<'_, '_>,
    slot: &mut Option<T>,
) -> FieldResult {
    *slot = T::decode_field(d)?;
    Ok(())
}

/// Decodes a list field; an error inside the list records the item's index in the path.
pub fn list_field<'de, T: Deserialize<'de>>(
    d: &mut FieldInput<'_, 'de>,
    slot: &mut Option<Vec<T>>,
) -> FieldResult {
    let mut items = Vec::new();
    let present = decode_list(d, &mut |item| {
        items.push(T::deserialize(item)?);
        Ok(())
    })?;
    *slot = present.then_some(items);
    Ok(())
}

/// Reads an optional list, handing each item to `each`; false for `null`.
fn decode_list<'de>(
    d: &mut FieldInput<'_, 'de>,
    each: &mut dyn FnMut(&mut FieldInput<'_, 'de>) -> FieldResult,
) -> Result<bool, erased_serde::Error> {
    d.deserialize_option(OptionalList(each))
}

/// Skips a value (an index `decode_field` does not know, which the visitor never passes).
pub fn skip_field(d: &mut FieldInput<'_, '_>) -> FieldResult {
    IgnoredAny::deserialize(d).map(drop)
}

struct OptionalModel<'a, 'de>(&'a mut dyn DynModel<'de>);

impl<'de> Visitor<'de> for OptionalModel<'_, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.0.name())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        decode_into(d, self.0).map(|()| true)
    }
}

struct OptionalList<'a, 'de>(&'a mut dyn FnMut(&mut FieldInput<'_, 'de>) -> FieldResult);

impl<'de> Visitor<'de> for OptionalList<'_, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<bool, S::Error> {
        let mut index = 0usize;
        loop {
            match seq.next_element_seed(Item(&mut *self.0)) {
                Ok(Some(())) => index += 1,
                Ok(None) => return Ok(true),
                Err(e) => {
                    ErrorPath::note(Segment::Index(index));
                    return Err(e);
                }
            }
        }
    }
}

/// One list item, decoded by the list's callback.
struct Item<'a, 'de>(&'a mut dyn FnMut(&mut FieldInput<'_, 'de>) -> FieldResult);

impl<'de> DeserializeSeed<'de> for Item<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        erased(d, self.0)
    }
}

/// The value of the field `index` of a model, decoded by the model.
struct FieldValue<'a, 'de> {
    model: &'a mut dyn DynModel<'de>,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for FieldValue<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let FieldValue { model, index } = self;
        erased(d, |d| model.decode(index, d))
    }
}

struct ModelVisitor<'a, 'de>(&'a mut dyn DynModel<'de>);

impl<'de> Visitor<'de> for ModelVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.0.name())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.0.fields();
        let mut seen = Seen::new(fields.len());
        while let Some(key) = map.next_key_seed(FieldKey(fields))? {
            match key {
                Some(index) => {
                    if !seen.insert(index) {
                        return Err(A::Error::duplicate_field(fields[index]));
                    }
                    let value = FieldValue {
                        model: &mut *self.0,
                        index,
                    };
                    if let Err(e) = map.next_value_seed(value) {
                        ErrorPath::note(Segment::Field(fields[index]));
                        return Err(e);
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
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
        fn decode_field<'de>(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult {
            match index {
                0 => lenient_field(d, &mut self.n),
                _ => skip_field(d),
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
        fn decode_field<'de>(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult {
            match index {
                0 => lenient_field(d, &mut self.name),
                1 => list_field(d, &mut self.items),
                2 => lenient_field(d, &mut self.flag),
                _ => skip_field(d),
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

    /// An open enum's stand-in: anything built from the wire text.
    #[derive(Debug, PartialEq)]
    struct Kind(String);

    impl From<String> for Kind {
        fn from(s: String) -> Self {
            Kind(s)
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Holder {
        inner: Option<Inner>,
        kind: Option<Kind>,
        names: Option<Vec<String>>,
    }

    impl DecodeModel for Holder {
        const NAME: &'static str = "Holder";
        const FIELDS: &'static [&'static str] = &["inner", "kind", "names"];
        fn decode_field<'de>(&mut self, index: usize, d: &mut FieldInput<'_, 'de>) -> FieldResult {
            match index {
                0 => model_field(d, &mut self.inner),
                1 => enum_field(d, &mut self.kind),
                2 => list_field(d, &mut self.names),
                _ => skip_field(d),
            }
        }
    }

    impl<'de> Deserialize<'de> for Holder {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_model(d)
        }
    }

    fn holder(json: &str) -> Result<Holder, String> {
        let path = ErrorPath::start();
        serde_json::from_str(json).map_err(|e| format!("{}: {e}", path.finish()))
    }

    #[test]
    fn nested_models_enums_and_lists_decode_through_the_shared_visitors() {
        let v = holder(r#"{"inner": {"n": "3"}, "kind": 7, "names": ["a", "b"]}"#).unwrap();
        assert_eq!(
            v,
            Holder {
                inner: Some(Inner { n: Some(3) }),
                kind: Some(Kind("7".into())),
                names: Some(vec!["a".into(), "b".into()]),
            }
        );
        let v = holder(r#"{"inner": null, "kind": null, "names": null}"#).unwrap();
        assert_eq!(v, Holder::default());
        assert_eq!(
            holder(r#"{"inner": {}}"#).unwrap().inner,
            Some(Inner::default())
        );
    }

    #[test]
    fn nested_errors_keep_the_path_and_serde_json_position() {
        assert_eq!(
            holder(r#"{"inner": 5}"#).unwrap_err(),
            "inner: invalid type: integer `5`, expected struct Inner at line 1 column 11"
        );
        assert_eq!(
            holder(r#"{"inner": {"n": "x"}}"#).unwrap_err(),
            "inner.n: expected an integer, found string \"x\" at line 1 column 20"
        );
        assert_eq!(
            holder(r#"{"kind": [1]}"#).unwrap_err(),
            "kind: expected a string enum value, found [1] at line 1 column 13"
        );
        assert_eq!(
            holder(r#"{"names": ["a", 2]}"#).unwrap_err(),
            "names[1]: invalid type: integer `2`, expected a string at line 1 column 17"
        );
        assert_eq!(
            holder(r#"{"inner": {"n": 1, "n": 2}}"#).unwrap_err(),
            "inner: duplicate field `n` at line 1 column 22"
        );
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
