//! Form request bodies in the official Python SDK's byte layout, so signatures and parity
//! match: `application/x-www-form-urlencoded` (what `requests` makes of a dict) and
//! `multipart/form-data` (what `requests_toolbelt`'s `MultipartEncoder` makes of the fields
//! the SDK's `Client._parse_form_data_body` passes it).
//!
//! Generated form models implement [`FormFields`], which lists their fields in declaration
//! order; the encoders below turn that list into bytes.

use std::fmt;

use bytes::Bytes;

/// A file sent as one part of a `multipart/form-data` body.
///
/// The official SDKs send the file's base name as `filename` and a `Content-Type` line only
/// when one was given; so does this type.
#[derive(Clone, PartialEq, Eq)]
pub struct FormFile {
    file_name: String,
    content_type: Option<String>,
    data: Bytes,
}

impl FormFile {
    /// The largest file [`FormFile::from_path`] reads (1 GiB): the whole body is held in
    /// memory, and the API gateway refuses far smaller requests.
    pub const MAX_FILE_SIZE: u64 = 1 << 30;

    /// A file called `file_name` (sent as the part's `filename`) with contents `data`.
    pub fn new(file_name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            data: data.into(),
        }
    }

    /// Reads the regular file at `path` (at most [`FormFile::MAX_FILE_SIZE`] bytes); its base
    /// name becomes the `filename`. A directory, device, FIFO or socket is refused before
    /// anything is read.
    ///
    /// This reads synchronously: in async code call it inside
    /// `tokio::task::spawn_blocking`, or read the bytes yourself and use [`FormFile::new`].
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let data = crate::config_file::read_regular_file(path, Self::MAX_FILE_SIZE)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Self::new(name, data))
    }

    /// Sends the part with this `Content-Type` (none by default, like the official SDKs).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The `filename` sent.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The part's `Content-Type`, if set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

/// Prints the name, type and size, never the contents.
impl fmt::Debug for FormFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// A model that can be sent as a form body: lists its fields in declaration order.
/// Implemented by generated models; not meant for hand-written code.
pub trait FormFields {
    /// Adds every set field to `form`.
    fn form_fields<'a>(&'a self, form: &mut FormParts<'a>);
}

/// The fields of a form body, text fields and files apart (multipart sends files last).
#[derive(Debug, Default)]
pub struct FormParts<'a> {
    texts: Vec<(&'static str, String)>,
    files: Vec<(&'static str, &'a FormFile)>,
}

impl<'a> FormParts<'a> {
    /// Adds a text field (nothing for `None`; one pair per element for a list).
    pub fn text<V: FormValue + ?Sized>(&mut self, name: &'static str, value: Option<&V>) {
        if let Some(v) = value {
            v.push_form(name, &mut self.texts);
        }
    }

    /// Adds a file field (nothing for `None`).
    pub fn file(&mut self, name: &'static str, value: Option<&'a FormFile>) {
        if let Some(f) = value {
            self.files.push((name, f));
        }
    }

    /// Collects the fields of `model`.
    pub fn of<T: FormFields + ?Sized>(model: &'a T) -> Self {
        let mut parts = Self::default();
        model.form_fields(&mut parts);
        parts
    }

    /// The wire names of the file fields (for error messages).
    pub fn file_names(&self) -> Vec<&'static str> {
        self.files.iter().map(|(n, _)| *n).collect()
    }
}

/// A value of a text form field, in the text the Python SDK sends (`str(value)`, booleans
/// lower-case).
pub trait FormValue {
    /// Appends `(name, text)` pairs.
    fn push_form(&self, name: &'static str, out: &mut Vec<(&'static str, String)>);
}

macro_rules! display_form_value {
    ($($t:ty),*) => {$(
        impl FormValue for $t {
            fn push_form(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((name, self.to_string()));
            }
        }
    )*};
}
display_form_value!(str, String, bool, i32, i64, u32, u64);

impl FormValue for f64 {
    fn push_form(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((name, python_float(*self)));
    }
}

/// Python's `str(float)`: the shortest digits that read back the same, in fixed notation
/// when the decimal exponent is in `-4..16` (`1.0`, `0.0001`), else scientific with a sign
/// and at least two exponent digits (`1e+16`, `1e-05`).
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `-1.5e-7`, `1e300`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{text}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.unsigned_abs())
    }
}

impl<T: FormValue> FormValue for Vec<T> {
    fn push_form(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        for v in self {
            v.push_form(name, out);
        }
    }
}

impl<T: FormValue + ?Sized> FormValue for &T {
    fn push_form(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        (**self).push_form(name, out);
    }
}

/// `application/x-www-form-urlencoded` bytes: `k=v` pairs joined by `&`, each side encoded
/// like Python's `urllib.parse.quote_plus` (unreserved bytes kept, space as `+`, the rest
/// `%XX`), in field order. `Err` names the file fields, which this encoding cannot carry.
pub fn urlencoded(parts: &FormParts<'_>) -> Result<Bytes, Vec<&'static str>> {
    if !parts.files.is_empty() {
        return Err(parts.file_names());
    }
    let mut out = String::new();
    for (i, (k, v)) in parts.texts.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        quote_plus(k, &mut out);
        out.push('=');
        quote_plus(v, &mut out);
    }
    Ok(Bytes::from(out))
}

fn quote_plus(s: &str, out: &mut String) {
    use std::fmt::Write;
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
}

/// A random multipart boundary like `requests_toolbelt`'s (`uuid4().hex`: 32 lower-case hex
/// digits).
pub fn new_boundary() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// `multipart/form-data` bytes with `boundary`: text fields first, then files, each in field
/// order, as `MultipartEncoder` lays them out (`Content-Type` only on files that have one).
pub fn multipart(parts: &FormParts<'_>, boundary: &str) -> Bytes {
    let mut out: Vec<u8> = Vec::new();
    let open = |out: &mut Vec<u8>, name: &str| {
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        header_param(name, out);
        out.push(b'"');
    };
    for (name, value) in &parts.texts {
        open(&mut out, name);
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for (name, file) in &parts.files {
        open(&mut out, name);
        out.extend_from_slice(b"; filename=\"");
        header_param(&file.file_name, &mut out);
        out.push(b'"');
        if let Some(ct) = &file.content_type {
            out.extend_from_slice(b"\r\nContent-Type: ");
            out.extend_from_slice(ct.as_bytes());
        }
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&file.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Bytes::from(out)
}

/// A quoted header parameter as urllib3 2 writes it (HTML5 form encoding): `"`, CR and LF
/// percent-encoded, everything else (UTF-8 included) as is.
fn header_param(value: &str, out: &mut Vec<u8>) {
    for b in value.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Upload {
        image_file: Option<FormFile>,
        external_image_id: Option<String>,
        single: Option<bool>,
        count: Option<i64>,
        ratio: Option<f64>,
        doc: Option<FormFile>,
        name: Option<String>,
        raw: Option<FormFile>,
        unset: Option<String>,
    }

    impl FormFields for Upload {
        fn form_fields<'a>(&'a self, form: &mut FormParts<'a>) {
            form.file("image_file", self.image_file.as_ref());
            form.text("external_image_id", self.external_image_id.as_ref());
            form.text("single", self.single.as_ref());
            form.text("count", self.count.as_ref());
            form.text("ratio", self.ratio.as_ref());
            form.file("doc", self.doc.as_ref());
            form.text("name", self.name.as_ref());
            form.file("raw", self.raw.as_ref());
            form.text("unset", self.unset.as_ref());
        }
    }

    /// The bytes `huaweicloudsdkcore` 3.1.219 (`Client._parse_form_data_body`,
    /// requests_toolbelt 1.0.0, urllib3 2.8.0) sends for the same fields, taken from
    /// `MultipartEncoder.to_string()` with the boundary replaced by `B`:
    /// `OrderedDict([("image_file", FormFile("photo.jpg")), ("external_image_id", "id 1"),
    /// ("single", True), ("count", 3), ("ratio", 1.5), ("doc", FormFile(notes, "text/plain")),
    /// ("name", "名字"), ("raw", FormFile("data.unknownext"))])`.
    #[test]
    fn multipart_matches_the_python_sdk() {
        let upload = Upload {
            image_file: Some(FormFile::new("photo.jpg", &b"\x00\x01binary\xff"[..])),
            external_image_id: Some("id 1".into()),
            single: Some(true),
            count: Some(3),
            ratio: Some(1.5),
            doc: Some(FormFile::new("notes.txt", "abc").with_content_type("text/plain")),
            name: Some("名字".into()),
            raw: Some(FormFile::new("data.unknownext", "zz")),
            unset: None,
        };
        let expected: &[u8] = b"--B\r\nContent-Disposition: form-data; name=\"external_image_id\"\r\n\r\nid 1\r\n--B\r\nContent-Disposition: form-data; name=\"single\"\r\n\r\ntrue\r\n--B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n--B\r\nContent-Disposition: form-data; name=\"ratio\"\r\n\r\n1.5\r\n--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\xe5\x90\x8d\xe5\xad\x97\r\n--B\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"photo.jpg\"\r\n\r\n\x00\x01binary\xff\r\n--B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--B\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"data.unknownext\"\r\n\r\nzz\r\n--B--\r\n";
        assert_eq!(&multipart(&FormParts::of(&upload), "B")[..], expected);
    }

    /// urllib3 2.8.0 `format_multipart_header_param`: the SDK sent
    /// `name="na%22me\x \xc3\xa9%0D%0A"` for the name `na"me\x é\r\n`.
    #[test]
    fn multipart_quotes_names_like_urllib3() {
        let mut out = Vec::new();
        header_param("na\"me\\x é\r\n", &mut out);
        assert_eq!(out, b"na%22me\\x \xc3\xa9%0D%0A");
    }

    #[test]
    fn empty_multipart_is_the_closing_line() {
        let parts = FormParts::default();
        assert_eq!(&multipart(&parts, "B")[..], b"--B--\r\n");
    }

    /// `requests` encodes a dict body with `urlencode(pairs, doseq=True)` (quote_plus).
    /// python3 -c "from urllib.parse import urlencode; print(urlencode([('SAML Response',
    /// 'a+b/c=d~é'), ('n', 1), ('flag', 'true'), ('l', 'x'), ('l', 'y')], doseq=True))"
    #[test]
    fn urlencoded_matches_requests() {
        let mut parts = FormParts::default();
        parts.text("SAML Response", Some("a+b/c=d~é"));
        parts.text("n", Some(&1i64));
        parts.text("flag", Some(&true));
        parts.text("l", Some(&vec!["x".to_owned(), "y".to_owned()]));
        parts.text("unset", None::<&str>);
        assert_eq!(
            &urlencoded(&parts).unwrap()[..],
            b"SAML+Response=a%2Bb%2Fc%3Dd~%C3%A9&n=1&flag=true&l=x&l=y"
        );
    }

    #[test]
    fn urlencoded_refuses_files() {
        let file = FormFile::new("a.txt", "x");
        let mut parts = FormParts::default();
        parts.file("upload", Some(&file));
        assert_eq!(urlencoded(&parts), Err(vec!["upload"]));
    }

    #[test]
    fn boundaries_are_uuid_hex() {
        let b = new_boundary();
        assert_eq!(b.len(), 32);
        assert!(
            b.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(b, new_boundary());
    }

    /// python3 -c "print([str(f) for f in (1.5, 1.0, 0.1, 1e16, 1e-07, 1e300, 123456789.0,
    /// -2.5e-05, 0.0001, 1234567890123456.0, -0.0)])"
    #[test]
    fn floats_print_like_python_str() {
        let got: Vec<String> = [
            1.5,
            1.0,
            0.1,
            1e16,
            1e-7,
            1e300,
            123456789.0,
            -2.5e-5,
            0.0001,
            1234567890123456.0,
            -0.0,
        ]
        .into_iter()
        .map(python_float)
        .collect();
        assert_eq!(
            got,
            [
                "1.5",
                "1.0",
                "0.1",
                "1e+16",
                "1e-07",
                "1e+300",
                "123456789.0",
                "-2.5e-05",
                "0.0001",
                "1234567890123456.0",
                "-0.0"
            ]
        );
    }

    #[test]
    fn debug_hides_the_contents() {
        let f = FormFile::new("key.pem", "-----BEGIN PRIVATE KEY-----");
        let text = format!("{f:?}");
        assert!(!text.contains("PRIVATE"), "{text}");
        assert!(
            text.contains("key.pem") && text.contains("len: 27"),
            "{text}"
        );
    }
}

#[cfg(test)]
mod from_path_tests {
    use super::FormFile;

    /// A path from the caller may name anything: only a regular file is read, so a device
    /// or a directory is an error at once instead of an endless read or a hang.
    #[test]
    fn only_regular_files_are_read() {
        let dir = std::env::temp_dir().join(format!("formfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("image.qcow2");
        std::fs::write(&file, b"bytes").unwrap();
        let part = FormFile::from_path(&file).unwrap();
        assert_eq!(part.file_name(), "image.qcow2");
        assert_eq!(&part.data()[..], b"bytes");

        let err = FormFile::from_path(&dir).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("not a regular file"), "{err}");
        if std::path::Path::new("/dev/zero").exists() {
            let err = FormFile::from_path("/dev/zero").unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
