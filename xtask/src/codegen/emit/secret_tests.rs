//! `src/secret_debug_tests.rs`: for every model with a `format: password` field, a test that
//! sets each secret to a known value and asserts the exact `Debug` output of the model and its
//! builder, so removing or breaking the redaction fails a test.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::ir::{Field, Model, ModelKind, Service, TypeRef};
use crate::codegen::naming;

/// The marker core's `debug_redacted` prints for a secret (`huaweicloud_sdk_core::error::REDACTED`).
const REDACTED: &str = "** redacted **";

/// Whether the crate has any secret field (then the file and its `mod` line are emitted).
pub fn needed(s: &Service) -> bool {
    s.models.iter().any(|m| !secret_fields(m).is_empty())
}

fn secret_fields(m: &Model) -> Vec<&Field> {
    match &m.kind {
        ModelKind::Struct(fields) => fields.iter().filter(|f| f.secret).collect(),
        ModelKind::Enum(_) => Vec::new(),
    }
}

pub fn emit(s: &Service) -> TokenStream {
    let tests = s.models.iter().filter_map(|m| {
        let ModelKind::Struct(fields) = &m.kind else {
            return None;
        };
        let secrets = secret_fields(m);
        if secrets.is_empty() {
            return None;
        }
        let ty = format_ident!("{}", m.name);
        let test = format_ident!("{}_debug_redacts_secrets", naming::snake(&m.name));
        // String and free-form secrets are set to a recognisable value; others (none in the
        // specs so far) stay unset and are still printed as the marker.
        let set: Vec<(&Field, String)> = secrets
            .iter()
            .filter(|f| matches!(f.ty, TypeRef::String | TypeRef::Value))
            .map(|f| (*f, format!("S3cret-{}-{}", m.name, f.wire_name)))
            .collect();
        let setters = set.iter().map(|(f, value)| {
            let setter = naming::ident(&f.setter);
            match f.ty {
                TypeRef::Value => quote!(.#setter(serde_json::Value::String(#value.to_owned()))),
                _ => quote!(.#setter(#value)),
            }
        });
        let values: Vec<&str> = set.iter().map(|(_, v)| v.as_str()).collect();
        // Only when a secret was set: otherwise there is nothing to look for (and an unused
        // variable would fail `-D warnings`).
        let leak_check = (!values.is_empty()).then(|| {
            quote! {
                let pretty = format!("{:#?}", model);
                #(assert!(!pretty.contains(#values), "secret in {pretty}");)*
            }
        });
        let shown: Vec<String> = fields
            .iter()
            .map(|f| {
                let value = if f.secret { REDACTED } else { "None" };
                format!("{}: {value}", f.rust_name)
            })
            .collect();
        let expected = format!("{} {{ {} }}", m.name, shown.join(", "));
        let expected_builder = format!("{}Builder {{ inner: {expected} }}", m.name);
        Some(quote! {
            #[test]
            fn #test() {
                let builder = super::models::#ty::builder() #(#setters)*;
                let model = builder.clone().build();
                assert_eq!(format!("{:?}", model), #expected);
                assert_eq!(format!("{:?}", builder), #expected_builder);
                #leak_check
            }
        })
    });
    quote! {
        #(#tests)*
    }
}
