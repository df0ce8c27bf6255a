//! `specs/<service>/descriptions.yaml`: hand-written English descriptions of model properties
//! and path/query/header parameters (format in specs/README.md, "Import").
//!
//! Which text a property or parameter gets, most specific first: a `description` in
//! `overrides.yaml`, then `schemas.<model>.<wire name>` / `parameters.<operation>.<wire name>`
//! here, then `glossary.<wire name>`. Entries that name nothing the SDK has are errors, so the
//! file cannot silently go stale.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer};

/// The parsed file. A missing file is the empty default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Descriptions {
    /// Wire name -> description, for every property and parameter of that name without a
    /// more specific entry.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub glossary: BTreeMap<String, String>,
    /// Model name -> wire name -> description.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub schemas: BTreeMap<String, BTreeMap<String, String>>,
    /// Python method name -> parameter wire name -> description.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub parameters: BTreeMap<String, BTreeMap<String, String>>,
}

/// A section written as a bare `glossary:` (YAML null) is an empty section.
fn null_as_empty<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// Parses the file; empty descriptions are errors (they would hide the missing text).
pub fn parse(text: &str) -> Result<Descriptions, String> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    // A file with nothing but comments is a YAML null: no descriptions yet.
    let d: Descriptions = serde_path_to_error::deserialize::<_, Option<Descriptions>>(de)
        .map_err(|e| {
            let path = e.path().to_string();
            format!("{path}: {}", e.into_inner())
        })?
        .unwrap_or_default();
    let mut empty = Vec::new();
    for (k, v) in &d.glossary {
        if v.trim().is_empty() {
            empty.push(format!("glossary.{k}"));
        }
    }
    for (section, entries) in [("schemas", &d.schemas), ("parameters", &d.parameters)] {
        for (owner, fields) in entries {
            for (k, v) in fields {
                if v.trim().is_empty() {
                    empty.push(format!("{section}.{owner}.{k}"));
                }
            }
        }
    }
    if empty.is_empty() {
        Ok(d)
    } else {
        Err(format!("empty description: {}", empty.join(", ")))
    }
}

/// Looks descriptions up and remembers which entries were used, so that the entries that
/// name nothing can be reported at the end.
#[derive(Debug)]
pub struct Lookup<'a> {
    file: &'a Descriptions,
    used_glossary: BTreeSet<&'a str>,
    used_schemas: BTreeSet<(&'a str, &'a str)>,
    used_parameters: BTreeSet<(&'a str, &'a str)>,
}

impl<'a> Lookup<'a> {
    pub fn new(file: &'a Descriptions) -> Self {
        Self {
            file,
            used_glossary: BTreeSet::new(),
            used_schemas: BTreeSet::new(),
            used_parameters: BTreeSet::new(),
        }
    }

    fn glossary(&mut self, wire: &str) -> Option<&'a str> {
        let (k, v) = self.file.glossary.get_key_value(wire)?;
        self.used_glossary.insert(k);
        Some(v)
    }

    /// The text for property `wire` of model `model` (the glossary entry counts as used even
    /// when a specific entry wins: it matched something).
    pub fn property(&mut self, model: &str, wire: &str) -> Option<&'a str> {
        let general = self.glossary(wire);
        let specific = self
            .file
            .schemas
            .get_key_value(model)
            .and_then(|(m, fields)| Some((m, fields.get_key_value(wire)?)));
        match specific {
            Some((m, (k, v))) => {
                self.used_schemas.insert((m, k));
                Some(v)
            }
            None => general,
        }
    }

    /// The text for parameter `wire` of the operation `python_name`.
    pub fn parameter(&mut self, python_name: &str, wire: &str) -> Option<&'a str> {
        let general = self.glossary(wire);
        let specific = self
            .file
            .parameters
            .get_key_value(python_name)
            .and_then(|(o, params)| Some((o, params.get_key_value(wire)?)));
        match specific {
            Some((o, (k, v))) => {
                self.used_parameters.insert((o, k));
                Some(v)
            }
            None => general,
        }
    }

    /// Entries that matched nothing, as `section.key...: why` (in file order of sections,
    /// sorted within). `models` and `operations` say which owners exist, to tell an unknown
    /// owner from an unknown member.
    pub fn unused(&self, models: &BTreeSet<&str>, operations: &BTreeSet<&str>) -> Vec<String> {
        let mut out = Vec::new();
        for k in self.file.glossary.keys() {
            if !self.used_glossary.contains(k.as_str()) {
                out.push(format!(
                    "glossary.{k}: no model property or parameter has this name"
                ));
            }
        }
        let sections = [
            (
                "schemas",
                &self.file.schemas,
                &self.used_schemas,
                models,
                "model (or not emitted)",
                "property",
            ),
            (
                "parameters",
                &self.file.parameters,
                &self.used_parameters,
                operations,
                "operation",
                "parameter",
            ),
        ];
        for (section, entries, used, owners, owner_kind, member_kind) in sections {
            for (owner, members) in entries {
                if !owners.contains(owner.as_str()) {
                    out.push(format!("{section}.{owner}: no such {owner_kind}"));
                    continue;
                }
                for k in members.keys() {
                    if !used.contains(&(owner.as_str(), k.as_str())) {
                        out.push(format!("{section}.{owner}.{k}: no such {member_kind}"));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Descriptions {
        parse(
            "glossary:\n  instance_id: general\n  name: a name\n\
             schemas:\n  Instance:\n    name: specific\n\
             parameters:\n  show_instance:\n    instance_id: param\n",
        )
        .unwrap()
    }

    #[test]
    fn specific_entries_win_over_the_glossary() {
        let f = file();
        let mut l = Lookup::new(&f);
        assert_eq!(l.property("Instance", "name"), Some("specific"));
        assert_eq!(l.property("Other", "name"), Some("a name"));
        assert_eq!(l.property("Other", "port"), None);
        assert_eq!(l.parameter("show_instance", "instance_id"), Some("param"));
        assert_eq!(
            l.parameter("delete_instance", "instance_id"),
            Some("general")
        );
        let models = BTreeSet::from(["Instance", "Other"]);
        let ops = BTreeSet::from(["show_instance", "delete_instance"]);
        assert!(l.unused(&models, &ops).is_empty());
    }

    #[test]
    fn unused_entries_are_reported() {
        let f = file();
        let mut l = Lookup::new(&f);
        assert_eq!(l.property("Other", "port"), None);
        assert_eq!(
            l.unused(&BTreeSet::from(["Instance"]), &BTreeSet::new()),
            [
                "glossary.instance_id: no model property or parameter has this name",
                "glossary.name: no model property or parameter has this name",
                "schemas.Instance.name: no such property",
                "parameters.show_instance: no such operation",
            ]
        );
    }

    #[test]
    fn bare_sections_and_bad_input() {
        let d = parse("# header only\nglossary:\nschemas:\nparameters:\n").unwrap();
        assert!(d.glossary.is_empty() && d.schemas.is_empty() && d.parameters.is_empty());
        assert!(parse("").is_ok());
        assert_eq!(
            parse("glossary:\n  x: ''\nschemas:\n  M:\n    y: ' '\n").unwrap_err(),
            "empty description: glossary.x, schemas.M.y"
        );
        let e = parse("glosary:\n  x: y\n").unwrap_err();
        assert!(e.contains("unknown field `glosary`"), "{e}");
        let e = parse("schemas:\n  M:\n    y: [1]\n").unwrap_err();
        assert!(e.starts_with("schemas.M.y: "), "{e}");
    }
}
