//! The spec loader and lowering against randomly mutated copies of a real spec
//! (`specs/rabbitmq/v2.yaml`, the smallest): keys deleted, types changed, `$ref`s broken,
//! values replaced by random scalars. They must never panic, and every failure must be a
//! list of diagnostics, each with a message and a JSON pointer into the mutated document.
//!
//! Fixed case count and ChaCha seed, so CI runs the same mutations every time.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, RngSeed, TestCaseError, TestRunner};
use serde_yaml_ng::{Mapping, Value};
use xtask::codegen::{Diagnostic, load, lower};

const SEED: u64 = 0x4857_4353_5045_4353; // "HWCSPECS"
const MUTATED_SPEC_CASES: u32 = 192;
const SPEC: &str = "specs/rabbitmq/v2.yaml";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        // A shrink step re-runs the whole loader; keep a failure report quick.
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    }
}

/// One step from a node to a child.
#[derive(Clone, Debug)]
enum Step {
    Key(Value),
    Index(usize),
}

/// The original document and the location of every node in it.
struct Original {
    doc: Value,
    nodes: Vec<Vec<Step>>,
    refs: Vec<Vec<Step>>,
}

fn original() -> &'static Original {
    static ORIGINAL: std::sync::OnceLock<Original> = std::sync::OnceLock::new();
    ORIGINAL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join(SPEC)).expect("read the spec");
        let doc: Value = serde_yaml_ng::from_str(&text).expect("the spec is YAML");
        let mut nodes = Vec::new();
        collect(&doc, &mut Vec::new(), &mut nodes);
        let refs = nodes
            .iter()
            .filter(|p| matches!(p.last(), Some(Step::Key(Value::String(k))) if k == "$ref"))
            .cloned()
            .collect();
        Original { doc, nodes, refs }
    })
}

fn collect(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                at.push(Step::Key(k.clone()));
                collect(child, at, out);
                at.pop();
            }
        }
        Value::Sequence(s) => {
            for (i, child) in s.iter().enumerate() {
                at.push(Step::Index(i));
                collect(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'v>(mut v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    for step in path {
        v = match (step, v) {
            (Step::Key(k), Value::Mapping(m)) => m.get_mut(k)?,
            (Step::Index(i), Value::Sequence(s)) => s.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A random scalar (or an empty collection) to put where something else was.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::String),
        "[a-z{}/#_]{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|f| Value::Number(f.into())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        Just(Value::Sequence(Vec::new())),
        Just(Value::Mapping(Mapping::new())),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Removes the node from its map or list.
    Delete(prop::sample::Index),
    /// Replaces a map by a list or string, a list by a map, a scalar by a map.
    ChangeType(prop::sample::Index),
    /// Points a `$ref` at nothing, at the wrong kind of thing, or at another file.
    BreakRef(prop::sample::Index, &'static str),
    /// Replaces the node by a random scalar.
    Replace(prop::sample::Index, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        any::<prop::sample::Index>().prop_map(Mutation::ChangeType),
        (
            any::<prop::sample::Index>(),
            prop::sample::select(vec![
                "#/components/schemas/NoSuchSchema",
                "#/components/parameters/NoSuchParameter",
                "#/components/schemas/",
                "#/paths/~1v2",
                "other.yaml#/Thing",
                "#/components/schemas/~",
                "",
            ]),
        )
            .prop_map(|(i, target)| Mutation::BreakRef(i, target)),
        (any::<prop::sample::Index>(), scalar()).prop_map(|(i, v)| Mutation::Replace(i, v)),
    ]
}

fn apply(doc: &mut Value, m: &Mutation) {
    let o = original();
    match m {
        Mutation::Delete(i) => {
            let path = i.get::<Vec<Step>>(&o.nodes);
            let Some((last, parent)) = path.split_last() else {
                return;
            };
            match (node_mut(doc, parent), last) {
                (Some(Value::Mapping(m)), Step::Key(k)) => {
                    m.remove(k);
                }
                (Some(Value::Sequence(s)), Step::Index(i)) if *i < s.len() => {
                    s.remove(*i);
                }
                _ => {}
            }
        }
        Mutation::ChangeType(i) => {
            if let Some(v) = node_mut(doc, i.get::<Vec<Step>>(&o.nodes)) {
                *v = match &*v {
                    Value::Mapping(m) if m.len() % 2 == 0 => {
                        Value::Sequence(m.values().cloned().collect())
                    }
                    Value::Mapping(_) => Value::String("was a map".into()),
                    Value::Sequence(s) => {
                        let mut m = Mapping::new();
                        for (n, item) in s.iter().enumerate() {
                            m.insert(Value::String(n.to_string()), item.clone());
                        }
                        Value::Mapping(m)
                    }
                    other => {
                        let mut m = Mapping::new();
                        m.insert(Value::String("was".into()), other.clone());
                        Value::Mapping(m)
                    }
                };
            }
        }
        Mutation::BreakRef(i, target) => {
            if !o.refs.is_empty() {
                if let Some(v) = node_mut(doc, i.get::<Vec<Step>>(&o.refs)) {
                    *v = Value::String((*target).to_owned());
                }
            }
        }
        Mutation::Replace(i, value) => {
            if let Some(v) = node_mut(doc, i.get::<Vec<Step>>(&o.nodes)) {
                *v = value.clone();
            }
        }
    }
}

/// The decoded tokens of an RFC 6901 pointer, or why it is malformed.
fn pointer_tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| format!("pointer {pointer:?} does not start with '/'"))?;
    rest.split('/')
        .map(|t| {
            let mut out = String::new();
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                match (c, c == '~') {
                    (_, false) => out.push(c),
                    (_, true) => match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return Err(format!("bad '~' escape in {pointer:?}")),
                    },
                }
            }
            Ok(out)
        })
        .collect()
}

/// How many leading tokens of `tokens` name existing nodes of `doc` (as JSON).
fn resolved_depth(doc: &serde_json::Value, tokens: &[String]) -> usize {
    let mut v = doc;
    for (depth, t) in tokens.iter().enumerate() {
        let next = match v {
            serde_json::Value::Object(m) => m.get(t),
            serde_json::Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => v = n,
            None => return depth,
        }
    }
    tokens.len()
}

/// Problems with a diagnostic of the mutated document `doc` (empty when it is fine).
fn diagnostic_problems(d: &Diagnostic, doc: Option<&serde_json::Value>) -> Vec<String> {
    let mut problems = Vec::new();
    if d.file != SPEC {
        problems.push(format!("names file {:?}", d.file));
    }
    if d.message.trim().is_empty() {
        problems.push("has no message".into());
    }
    match pointer_tokens(&d.pointer) {
        Err(e) => problems.push(e),
        // The pointer leads into this document. Its tail may be missing: a deleted key is
        // reported where it should be.
        Ok(tokens) => {
            if let Some(doc) = doc {
                if !tokens.is_empty() && resolved_depth(doc, &tokens) == 0 {
                    problems.push(format!("pointer {:?} leads nowhere", d.pointer));
                }
            }
        }
    }
    problems
}

/// What one mutated spec led to.
enum Outcome {
    Accepted,
    Diagnosed(usize),
}

fn check_mutated(mutations: &[Mutation]) -> Result<Outcome, TestCaseError> {
    let mut doc = original().doc.clone();
    for m in mutations {
        apply(&mut doc, m);
    }
    let text = serde_yaml_ng::to_string(&doc).expect("a YAML value serializes");
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let loaded = load::parse(SPEC, text.as_bytes())?;
        lower::lower(&loaded).map(|_| ())
    }));
    let diagnostics = match outcome {
        Err(_) => {
            return Err(TestCaseError::fail(format!(
                "the loader panicked on {mutations:?}"
            )));
        }
        Ok(Ok(())) => return Ok(Outcome::Accepted),
        Ok(Err(d)) => d,
    };
    prop_assert!(
        !diagnostics.is_empty(),
        "failed without a diagnostic: {:?}",
        mutations
    );
    // Non-string keys have no JSON form; the pointer is then checked for syntax only.
    let as_json: Option<serde_json::Value> = serde_yaml_ng::from_value(doc).ok();
    for d in &diagnostics {
        let problems = diagnostic_problems(d, as_json.as_ref());
        prop_assert!(problems.is_empty(), "{}: {}", d, problems.join("; "));
    }
    Ok(Outcome::Diagnosed(diagnostics.len()))
}

#[test]
fn mutated_specs_give_diagnostics_not_panics() {
    let accepted = std::cell::Cell::new(0usize);
    let diagnosed = std::cell::Cell::new(0usize);
    let diagnostics = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(config(MUTATED_SPEC_CASES));
    let result =
        runner.run(
            &prop::collection::vec(mutation(), 1..4),
            |mutations| match check_mutated(&mutations)? {
                Outcome::Accepted => {
                    accepted.set(accepted.get() + 1);
                    Ok(())
                }
                Outcome::Diagnosed(n) => {
                    diagnosed.set(diagnosed.get() + 1);
                    diagnostics.set(diagnostics.get() + n);
                    Ok(())
                }
            },
        );
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "{MUTATED_SPEC_CASES} mutated specs: {} rejected with {} diagnostics, {} accepted",
        diagnosed.get(),
        diagnostics.get(),
        accepted.get()
    );
    assert!(
        diagnosed.get() * 4 >= MUTATED_SPEC_CASES as usize,
        "too few mutations were caught ({} of {MUTATED_SPEC_CASES}): the mutator is too gentle",
        diagnosed.get()
    );
}

/// The unmutated spec is clean (so the property above starts from a valid document).
#[test]
fn the_original_spec_lowers_without_diagnostics() {
    let text = serde_yaml_ng::to_string(&original().doc).expect("serialize");
    let loaded = load::parse(SPEC, text.as_bytes()).expect("loads");
    if let Err(d) = lower::lower(&loaded) {
        panic!("{d:?}");
    }
    assert!(original().refs.len() > 10, "the spec has $refs to break");
    assert!(original().nodes.len() > 1000);
}
