//! `x-huaweicloud-waiters` of a polled operation -> [`Waiter`]s. Checks what generating
//! needs (shape, a state field reachable in the JSON response model, a read operation);
//! review rules (disjoint states, enum values) are `cargo xtask spec lint`'s `waiters` rule.

use serde_json::Value;

use super::{Lowerer, ptr};
use crate::codegen::ir::{Method, ModelKind, ResponseKind, TypeRef, Waiter, WaiterDelay};
use crate::codegen::naming;

const KEY: &str = "x-huaweicloud-waiters";
const FIELDS: &[&str] = &[
    "name",
    "description",
    "state",
    "success",
    "failure",
    "delay",
    "timeout",
    "tolerate",
    "gone",
];

impl Lowerer<'_> {
    pub(super) fn waiters(
        &mut self,
        op_ptr: &str,
        method: Method,
        idempotent: bool,
        response: &ResponseKind,
    ) -> Vec<Waiter> {
        let here = format!("{op_ptr}/{KEY}");
        let Some(raw) = self.raw_at(&here) else {
            return Vec::new();
        };
        let Some(items) = raw.as_array() else {
            self.err(
                &here,
                format!("{KEY} must be an array of waiters (see specs/README.md)"),
            );
            return Vec::new();
        };
        if !(idempotent && matches!(method, Method::Get | Method::Post)) {
            self.err(
                &here,
                "a waiter polls a read: the operation must be a GET (or declared idempotent)",
            );
            return Vec::new();
        }
        let ResponseKind::Json(TypeRef::Named(model)) = response else {
            self.err(&here, "a polled operation needs a JSON response model");
            return Vec::new();
        };
        let model = model.clone();
        let mut out = Vec::new();
        for i in 0..items.len() {
            if let Some(w) = self.waiter(&format!("{here}/{i}"), &model) {
                out.push(w);
            }
        }
        out
    }

    fn waiter(&mut self, at: &str, model: &str) -> Option<Waiter> {
        let Some(obj) = self.raw_at(at).and_then(Value::as_object) else {
            self.err(at, "a waiter must be a mapping");
            return None;
        };
        for key in obj.keys() {
            if !FIELDS.contains(&key.as_str()) {
                self.err(&ptr(at, key), format!("unknown key `{key}`"));
            }
        }
        let name = match obj.get("name").and_then(Value::as_str) {
            Some(n) if naming::is_snake_ident(n) => n.to_owned(),
            _ => {
                self.err(
                    &format!("{at}/name"),
                    "name must be a snake_case identifier",
                );
                return None;
            }
        };
        let description = match obj.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => d.trim().to_owned(),
            _ => {
                self.err(
                    &format!("{at}/description"),
                    "description must be a non-empty string",
                );
                return None;
            }
        };
        let (state, ty) = self.field_path(&format!("{at}/state"), model)?;
        let scalar = match &ty {
            TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => true,
            TypeRef::Named(n) => matches!(
                self.models.get(n).map(|m| &m.kind),
                Some(ModelKind::Enum(_))
            ),
            _ => false,
        };
        if !scalar {
            self.err(
                &format!("{at}/state"),
                "state must lead to a scalar or enum field",
            );
            return None;
        }
        let success = self.strings(&format!("{at}/success"), true)?;
        let failure = self.strings(&format!("{at}/failure"), false)?;
        let timeout_secs = match obj.get("timeout").and_then(Value::as_u64) {
            Some(t) if t > 0 => t,
            _ => {
                self.err(
                    &format!("{at}/timeout"),
                    "timeout must be a whole number of seconds above 0",
                );
                return None;
            }
        };
        let delay = self.delay(&format!("{at}/delay"))?;
        let tolerate = self.statuses(&format!("{at}/tolerate"))?;
        let gone = self.statuses(&format!("{at}/gone"))?;
        let method = format!("wait_until_{name}");
        Some(Waiter {
            static_name: naming::shouty(&method),
            method,
            name,
            description,
            state,
            success,
            failure,
            timeout_secs,
            delay,
            tolerate,
            gone,
        })
    }

    /// An array of strings; `required`: present and non-empty.
    fn strings(&mut self, at: &str, required: bool) -> Option<Vec<String>> {
        let values: Option<Vec<String>> = match self.raw_at(at) {
            None if !required => return Some(Vec::new()),
            None => None,
            Some(v) => v.as_array().and_then(|a| {
                a.iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            }),
        };
        match values {
            Some(v) if !(required && v.is_empty()) => Some(v),
            _ => {
                let what = if required { "a non-empty" } else { "an" };
                self.err(at, format!("must be {what} array of strings"));
                None
            }
        }
    }

    /// HTTP error statuses (400 to 599).
    fn statuses(&mut self, at: &str) -> Option<Vec<u16>> {
        let Some(v) = self.raw_at(at) else {
            return Some(Vec::new());
        };
        let statuses = v.as_array().and_then(|a| {
            a.iter()
                .map(|x| {
                    x.as_u64()
                        .and_then(|n| u16::try_from(n).ok())
                        .filter(|n| (400..600).contains(n))
                })
                .collect::<Option<Vec<_>>>()
        });
        if statuses.is_none() {
            self.err(at, "must be an array of HTTP error statuses (400 to 599)");
        }
        statuses
    }

    /// `delay`: whole seconds, or `{min, max}` with `0 < min <= max`; default `{min: 5, max: 30}`.
    fn delay(&mut self, at: &str) -> Option<WaiterDelay> {
        let delay = match self.raw_at(at) {
            None => Some(WaiterDelay::Range { min: 5, max: 30 }),
            Some(Value::Number(n)) => n.as_u64().filter(|s| *s > 0).map(WaiterDelay::Fixed),
            Some(Value::Object(m)) if m.keys().all(|k| k == "min" || k == "max") => {
                match (
                    m.get("min").and_then(Value::as_u64),
                    m.get("max").and_then(Value::as_u64),
                ) {
                    (Some(min), Some(max)) if 0 < min && min <= max => {
                        Some(WaiterDelay::Range { min, max })
                    }
                    _ => None,
                }
            }
            Some(_) => None,
        };
        if delay.is_none() {
            self.err(
                at,
                "delay must be whole seconds above 0, or {min, max} with 0 < min <= max",
            );
        }
        delay
    }
}
