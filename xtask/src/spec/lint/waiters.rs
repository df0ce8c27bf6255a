//! Rule `waiters`: an `x-huaweicloud-waiters` declaration a generated wait can follow and a
//! reader can trust (format: specs/README.md).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Linter, Op, Rule};
use crate::codegen::naming;

const KEY: &str = "x-huaweicloud-waiters";

/// Where a state path ends: the field's schema (resolved) or the pointer where it stops.
enum StateField<'a> {
    Found(&'a Map<String, Value>),
    Missing(String),
}

impl<'a> Linter<'a> {
    /// Checks the waiters of `op`; `names` maps waiter names seen so far to their pointers.
    pub(super) fn waiters(&mut self, op: &Op<'a>, names: &mut BTreeMap<String, String>) {
        let Some(v) = op.obj.get(KEY) else {
            return;
        };
        let at = format!("{}/{KEY}", op.pointer);
        let fix = format!(
            "fix `{KEY}` of operations.{} in {}",
            op.input_key(),
            self.inputs.overrides()
        );
        let Some(items) = v.as_array() else {
            self.error(
                Rule::Waiters,
                &at,
                format!("{KEY} must be an array of waiters"),
                fix,
            );
            return;
        };
        let declared_read = op.obj.get("x-huaweicloud-idempotent") == Some(&Value::Bool(true));
        let read = match op.method {
            "get" => op.obj.get("x-huaweicloud-idempotent") != Some(&Value::Bool(false)),
            "post" => declared_read,
            _ => false,
        };
        if !read {
            self.error(
                Rule::Waiters,
                &at,
                format!(
                    "a waiter polls a read, and {} `{}` is not one",
                    op.method.to_uppercase(),
                    op.op_id().unwrap_or_default()
                ),
                format!("declare the waiter on the GET that shows the resource ({fix})"),
            );
            return;
        }
        if let Some(body) = op.obj.get("requestBody") {
            if body.get("required") == Some(&Value::Bool(true)) {
                self.error(
                    Rule::Waiters,
                    &format!("{}/requestBody", op.pointer),
                    "a waiter's client method cannot supply the required request body of its poll",
                    format!("poll an operation without a required body ({fix})"),
                );
            }
        }
        for (p_at, p) in &op.params {
            let required = p.get("required") == Some(&Value::Bool(true));
            let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
            let schema = p.get("schema").and_then(|s| self.resolve(s));
            let ty = schema.and_then(|s| s.get("type")).and_then(Value::as_str);
            let suppliable = match location {
                "path" | "header" => {
                    matches!(ty, Some("string" | "integer" | "number" | "boolean"))
                }
                "query" => ty != Some("object"),
                _ => false,
            };
            if required && !suppliable {
                self.error(
                    Rule::Waiters,
                    p_at,
                    format!(
                        "required {location} parameter `{}` cannot be an argument of the waiter's client method",
                        p.get("name").and_then(Value::as_str).unwrap_or_default()
                    ),
                    format!("a poll's required parameters are scalars in the path, query or headers ({fix})"),
                );
            }
        }
        let response = self.success_schema(op);
        for (i, w) in items.iter().enumerate() {
            self.waiter(&format!("{at}/{i}"), w, response, names, &fix);
        }
    }

    /// The schema object of the operation's JSON success body, resolved.
    fn success_schema(&self, op: &Op<'a>) -> Option<&'a Map<String, Value>> {
        let responses = op.obj.get("responses")?.as_object()?;
        let (_, ok) = responses
            .iter()
            .find(|(code, _)| code.len() == 3 && code.starts_with('2'))?;
        let content = ok.get("content")?.as_object()?;
        let (_, media) = content.iter().find(|(m, _)| m.contains("json"))?;
        self.resolve(media.get("schema")?)
    }

    fn waiter(
        &mut self,
        at: &str,
        w: &'a Value,
        response: Option<&'a Map<String, Value>>,
        names: &mut BTreeMap<String, String>,
        fix: &str,
    ) {
        let Some(w) = w.as_object() else {
            self.error(
                Rule::Waiters,
                at,
                "a waiter must be a mapping",
                fix.to_owned(),
            );
            return;
        };
        match w.get("name").and_then(Value::as_str) {
            Some(n) if naming::is_snake_ident(n) => {
                if let Some(other) = names.insert(n.to_owned(), at.to_owned()) {
                    self.error(
                        Rule::Waiters,
                        &format!("{at}/name"),
                        format!("waiter name `{n}` is used twice (also at {other})"),
                        format!("give each waiter of the spec its own name ({fix})"),
                    );
                }
            }
            _ => self.error(
                Rule::Waiters,
                &format!("{at}/name"),
                "a waiter's name must be a snake_case identifier",
                format!("name it like `instance_running` ({fix})"),
            ),
        }
        if w.get("description")
            .and_then(Value::as_str)
            .is_none_or(|d| d.trim().is_empty())
        {
            self.error(
                Rule::Waiters,
                &format!("{at}/description"),
                "a waiter needs a description of what it awaits and why its states were chosen",
                fix.to_owned(),
            );
        }
        let field = match (w.get("state").and_then(Value::as_str), response) {
            (Some(path), Some(schema)) => {
                match self.state_field(schema, path) {
                    StateField::Found(f) => Some(f),
                    StateField::Missing(why) => {
                        self.error(
                        Rule::Waiters,
                        &format!("{at}/state"),
                        format!("state `{path}` does not resolve in the poll's response: {why}"),
                        format!("give the dotted path of response field names down to the state ({fix})"),
                    );
                        None
                    }
                }
            }
            (Some(_), None) => {
                self.error(
                    Rule::Waiters,
                    &format!("{at}/state"),
                    "the poll has no JSON success body to read a state from",
                    fix.to_owned(),
                );
                None
            }
            (None, _) => {
                self.error(
                    Rule::Waiters,
                    &format!("{at}/state"),
                    "a waiter needs `state`, the dotted path of the state field",
                    fix.to_owned(),
                );
                None
            }
        };
        let enum_values: Option<Vec<String>> = field
            .and_then(|f| f.get("enum"))
            .and_then(Value::as_array)
            .map(|a| a.iter().map(value_text).collect());
        let success = self.states(&format!("{at}/success"), w.get("success"), fix);
        let failure = self.states(&format!("{at}/failure"), w.get("failure"), fix);
        if w.get("success").is_none() || success.as_ref().is_some_and(Vec::is_empty) {
            self.error(
                Rule::Waiters,
                &format!("{at}/success"),
                "a waiter needs at least one success state",
                fix.to_owned(),
            );
        }
        for (key, values) in [("success", &success), ("failure", &failure)] {
            for (i, v) in values.iter().flatten().enumerate() {
                let here = format!("{at}/{key}/{i}");
                if key == "failure" && success.as_ref().is_some_and(|s| s.contains(v)) {
                    self.error(
                        Rule::Waiters,
                        &here,
                        format!("state `{v}` is both a success and a failure"),
                        format!("keep it in one of the lists ({fix})"),
                    );
                } else if let Some(allowed) = &enum_values {
                    if !allowed.contains(v) {
                        self.error(
                            Rule::Waiters,
                            &here,
                            format!(
                                "state `{v}` is not a value of the state field (one of {})",
                                allowed.join(", ")
                            ),
                            format!("use the field's enum values ({fix})"),
                        );
                    }
                }
            }
        }
        if w.get("timeout")
            .and_then(Value::as_u64)
            .is_none_or(|t| t == 0)
        {
            self.error(
                Rule::Waiters,
                &format!("{at}/timeout"),
                "a waiter needs `timeout`, whole seconds above 0",
                fix.to_owned(),
            );
        }
        let statuses = |k: &str| -> Vec<u64> {
            w.get(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default()
        };
        let tolerate = statuses("tolerate");
        for (i, g) in statuses("gone").iter().enumerate() {
            if tolerate.contains(g) {
                self.error(
                    Rule::Waiters,
                    &format!("{at}/gone/{i}"),
                    format!("HTTP {g} is both tolerated (pending) and gone (success)"),
                    format!("keep it in one of the lists ({fix})"),
                );
            }
        }
    }

    /// The strings of a state list; reports a list that is not one.
    fn states(&mut self, at: &str, v: Option<&Value>, fix: &str) -> Option<Vec<String>> {
        let v = v?;
        let list = v.as_array().and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        });
        if list.is_none() {
            self.error(
                Rule::Waiters,
                at,
                "states must be an array of strings",
                fix.to_owned(),
            );
        }
        list
    }

    /// Follows a dotted path of property names from `schema`; the last field must be a
    /// scalar.
    fn state_field(&self, schema: &'a Map<String, Value>, path: &str) -> StateField<'a> {
        let mut current = schema;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, seg) in segments.iter().enumerate() {
            let Some(prop) = current
                .get("properties")
                .and_then(Value::as_object)
                .and_then(|p| p.get(*seg))
            else {
                return StateField::Missing(format!("no property `{seg}`"));
            };
            let Some(resolved) = self.resolve(prop) else {
                return StateField::Missing(format!("property `{seg}` has a dangling $ref"));
            };
            if i + 1 == segments.len() {
                let ty = resolved.get("type").and_then(Value::as_str);
                return match ty {
                    Some("string" | "integer" | "number" | "boolean") => {
                        StateField::Found(resolved)
                    }
                    _ => StateField::Missing(format!("`{seg}` is not a scalar field")),
                };
            }
            current = resolved;
        }
        StateField::Missing("empty path".to_owned())
    }
}

/// An enum value as the state text the waiter compares (`RUNNING`, `1`).
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
