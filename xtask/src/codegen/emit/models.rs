//! `src/models.rs`: structs (all fields `Option`, wire order kept, builder, redacted Debug for
//! secrets) and open string enums (`open_enum!` of core).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, type_tokens};
use crate::codegen::ir::{Field, Model, ModelKind, Service, TypeRef, Variant};
use crate::codegen::naming;

/// Every model's items, by type name.
pub fn items(s: &Service) -> Vec<(String, TokenStream)> {
    let checked = s.models_with_required_fields();
    let named = named_by_required_fields(s, &checked);
    let outputs = s.response_models();
    let inputs = s.request_models();
    s.models
        .iter()
        .map(|m| {
            let name = m.name.as_str();
            let tokens = match &m.kind {
                ModelKind::Struct(fields) => structure(
                    m,
                    fields,
                    &checked,
                    &named,
                    s,
                    Directions {
                        output: outputs.contains(name),
                        input: inputs.contains(name),
                    },
                ),
                ModelKind::Enum(variants) => enumeration(m, variants),
            };
            (m.name.clone(), tokens)
        })
        .collect()
}

fn model_doc(m: &Model) -> Doc {
    let mut doc = Doc::new();
    match &m.description {
        Some(d) if !d.trim().is_empty() => {
            for l in super::wrap(&super::escape(d)) {
                doc.line(&l);
            }
        }
        _ => {
            doc.line(&format!("The `{}` model.", m.name));
        }
    }
    doc
}

fn field_doc(f: &Field) -> TokenStream {
    let mut doc = Doc::new();
    match &f.description {
        Some(d) if !d.trim().is_empty() => {
            for l in super::wrap(&super::escape(d)) {
                doc.line(&l);
            }
        }
        _ => {
            doc.line(&format!("The `{}` field.", f.wire_name));
        }
    }
    let mut notes = Vec::new();
    if f.required {
        notes.push("**Required.**".to_owned());
    }
    if f.secret {
        notes.push("Secret: redacted in `Debug` output.".to_owned());
    }
    if !f.constraints.is_empty() {
        notes.push(format!("Constraints: {}.", f.constraints.join(", ")));
    }
    if let Some(ex) = &f.example {
        if !f.secret {
            let text = match ex {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !text.contains('`') && text.is_ascii() && text.len() <= 80 {
                notes.push(format!("Example: `{text}`."));
            }
        }
    }
    match &f.header {
        Some(h) => notes.push(format!("Filled from the response header `{h}`.")),
        None if f.wire_name != f.rust_name => {
            notes.push(format!("JSON name: `{}`.", f.wire_name));
        }
        None => {}
    }
    if !notes.is_empty() {
        doc.md(&notes.join(" "));
    }
    doc.tokens()
}

/// `impl RequiredFields` for a model in `checked`: one `required` / `optional` call per field
/// that can be missing or hold a model with a missing field (by wire name, as errors name
/// them); nothing for other models. A model without requirements that a required field
/// names gets an empty impl, so that `required` accepts it.
fn required_fields(
    m: &Model,
    fields: &[Field],
    checked: &BTreeSet<&str>,
    named: &BTreeSet<&str>,
) -> Option<TokenStream> {
    let name = format_ident!("{}", m.name);
    let core = quote!(huaweicloud_sdk_core::__codegen);
    if !checked.contains(m.name.as_str()) {
        return named
            .contains(m.name.as_str())
            .then(|| quote!(impl #core::RequiredFields for #name {}));
    }
    let calls = fields
        .iter()
        .filter(|f| f.checked_before_sending(checked))
        .map(|f| {
            let id = naming::ident(&f.rust_name);
            let wire = &f.wire_name;
            let value = if f.boxed {
                quote!(self.#id.as_deref())
            } else {
                quote!(self.#id.as_ref())
            };
            if f.required {
                quote!(.required(#wire, #value))
            } else {
                quote!(.optional(#wire, #value))
            }
        });
    Some(quote! {
        impl #core::RequiredFields for #name {
            #[inline]
            fn missing_fields(&self, at: &mut #core::MissingFields<'_>) {
                at #(#calls)*;
            }
        }
    })
}

/// Models that a required field of a checked model names: `required` needs them to
/// implement `RequiredFields` even when they have no required fields themselves.
fn named_by_required_fields<'a>(s: &'a Service, checked: &BTreeSet<&str>) -> BTreeSet<&'a str> {
    let mut named = BTreeSet::new();
    for m in s
        .models
        .iter()
        .filter(|m| checked.contains(m.name.as_str()))
    {
        if let ModelKind::Struct(fields) = &m.kind {
            named.extend(
                fields
                    .iter()
                    .filter(|f| f.required && f.header.is_none())
                    .filter_map(|f| f.ty.model()),
            );
        }
    }
    named
}

/// Where a model travels: in a response (at any depth), in a request body, both, or (an
/// unused schema) neither.
#[derive(Clone, Copy)]
struct Directions {
    output: bool,
    input: bool,
}

impl Directions {
    /// `Serialize` only behind the `full-serde` feature: a model only responses carry.
    fn serialize_gated(self) -> bool {
        self.output && !self.input
    }
    /// `Deserialize` only behind the `full-serde` feature: a model only requests carry.
    fn deserialize_gated(self) -> bool {
        self.input && !self.output
    }
}

fn structure(
    m: &Model,
    fields: &[Field],
    checked: &BTreeSet<&str>,
    named: &BTreeSet<&str>,
    service: &Service,
    directions: Directions,
) -> TokenStream {
    let output = directions.output;
    let full_serde = super::cargo_toml::FULL_SERDE;
    let name = format_ident!("{}", m.name);
    let builder = format_ident!("{}Builder", m.name);
    let doc = model_doc(m).tokens();
    let secret = fields.iter().any(|f| f.secret);
    // A model with a file is a multipart body only: no JSON, so no serde.
    let serde = !m.has_file();
    // `Deserialize` is implemented by hand below, through core's shared model visitor. Each
    // trait only where the model travels that way, both with `full-serde` (compile cost).
    let gate_serialize = directions.serialize_gated();
    let serde_derives = (serde && !gate_serialize).then(|| quote!(serde::Serialize));
    let derives = if secret {
        quote!(#[derive(Clone, Default, PartialEq, #serde_derives)])
    } else {
        quote!(#[derive(Clone, Debug, Default, PartialEq, #serde_derives)])
    };
    let gated_derive = (serde && gate_serialize)
        .then(|| quote!(#[cfg_attr(feature = #full_serde, derive(serde::Serialize))]));
    let models = quote!();
    let decls = fields.iter().map(|f| {
        let d = field_doc(f);
        let id = naming::ident(&f.rust_name);
        let ty = type_tokens(&f.ty, &models);
        let ty = if f.boxed { quote!(Box<#ty>) } else { ty };
        let rename = (f.wire_name != f.rust_name).then(|| {
            let w = &f.wire_name;
            quote!(rename = #w,)
        });
        let serde_attr = if f.header.is_some() {
            // Not part of the JSON body: filled from the response header after decoding.
            quote!(skip)
        } else {
            quote!(#rename skip_serializing_if = "Option::is_none")
        };
        let attr = if !serde {
            quote!()
        } else if gate_serialize {
            // Without the derive, `#[serde]` is not an attribute.
            quote!(#[cfg_attr(feature = #full_serde, serde(#serde_attr))])
        } else {
            quote!(#[serde(#serde_attr)])
        };
        quote! {
            #d
            #attr
            pub #id: Option<#ty>,
        }
    });
    let form = m.form.then(|| {
        let adds = fields.iter().filter(|f| f.header.is_none()).map(|f| {
            let id = naming::ident(&f.rust_name);
            let wire = &f.wire_name;
            if f.ty == TypeRef::File {
                quote!(form.file(#wire, self.#id.as_ref());)
            } else {
                quote!(form.text(#wire, self.#id.as_ref());)
            }
        });
        quote! {
            impl huaweicloud_sdk_core::__codegen::FormFields for #name {
                fn form_fields<'a>(&'a self, form: &mut huaweicloud_sdk_core::__codegen::FormParts<'a>) {
                    #(#adds)*
                }
            }
        }
    });
    let required = required_fields(m, fields, checked, named);
    let deserialize = serde.then(|| {
        let gate = directions
            .deserialize_gated()
            .then(|| quote!(#[cfg(feature = #full_serde)]));
        deserialize(m, fields, service, gate)
    });
    let debug = secret.then(|| {
        let name_str = &m.name;
        let entries = fields.iter().map(|f| {
            let id = naming::ident(&f.rust_name);
            let label = &f.rust_name;
            let secret = f.secret;
            quote!((#label, &self.#id, #secret))
        });
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    huaweicloud_sdk_core::__codegen::debug_redacted(f, #name_str, &[#(#entries),*])
                }
            }
        }
    });
    // Setters are `#[inline]`: compiled where a caller uses them, not all of them in every
    // service crate's own build.
    let setters = fields.iter().map(|f| {
        let setter = naming::ident(&f.setter);
        let id = naming::ident(&f.rust_name);
        let ty = type_tokens(&f.ty, &models);
        let req = if f.required { " **Required.**" } else { "" };
        let d = format!(
            " Sets `{1}::{0}`.{req}",
            naming::ident_text(&f.rust_name),
            m.name
        );
        let (arg, value) = match &f.ty {
            TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => {
                (ty.clone(), quote!(value))
            }
            // Any iterable of anything convertible: `vec!["cn-north-4a"]`, an array, a map.
            TypeRef::Vec(item) => {
                let item = type_tokens(item, &models);
                (
                    quote!(impl IntoIterator<Item = impl Into<#item>>),
                    quote!(value.into_iter().map(Into::into).collect()),
                )
            }
            _ if f.boxed => (quote!(impl Into<#ty>), quote!(Box::new(value.into()))),
            _ => (quote!(impl Into<#ty>), quote!(value.into())),
        };
        let set = format_ident!("set_{}", f.rust_name);
        let set_doc = format!(
            " Sets or clears `{1}::{0}`.",
            naming::ident_text(&f.rust_name),
            m.name
        );
        let push = if let TypeRef::Vec(item) = &f.ty {
            let push = format_ident!("push_{}", f.rust_name);
            let item = type_tokens(item, &models);
            let push_doc = format!(
                " Appends one item to `{1}::{0}`.",
                naming::ident_text(&f.rust_name),
                m.name
            );
            Some(quote! {
                #[doc = #push_doc]
                #[inline]
                pub fn #push(mut self, value: impl Into<#item>) -> Self {
                    self.inner.#id.get_or_insert_with(Vec::new).push(value.into());
                    self
                }
            })
        } else {
            None
        };
        let stored = if f.boxed {
            quote!(value.map(Box::new))
        } else {
            quote!(value)
        };
        quote! {
            #[doc = #d]
            #[inline]
            pub fn #setter(mut self, value: #arg) -> Self {
                self.inner.#id = Some(#value);
                self
            }
            #push
            #[doc = #set_doc]
            #[inline]
            pub fn #set(mut self, value: Option<#ty>) -> Self {
                self.inner.#id = #stored;
                self
            }
        }
    });
    // Output lists read as slices, empty when absent (the `Option` fields stay, so JSON round
    // trips are unchanged); `builder` is taken by the constructor.
    let accessors = fields
        .iter()
        .filter(|f| output && f.rust_name != "builder")
        .filter_map(|f| {
            let TypeRef::Vec(item) = &f.ty else {
                return None;
            };
            let id = naming::ident(&f.rust_name);
            let item = type_tokens(item, &models);
            let d = format!(
                " The items of [`{0}`](Self::{0}), empty when absent.",
                naming::ident_text(&f.rust_name)
            );
            Some(quote! {
                #[doc = #d]
                #[inline]
                pub fn #id(&self) -> &[#item] {
                    self.#id.as_deref().unwrap_or_default()
                }
            })
        });
    let builder_doc = format!(" Builder for [`{}`].", m.name);
    let start_doc = format!(
        " Starts a [`{}Builder`]: construction that keeps compiling when the API gains fields.",
        m.name
    );
    let build_doc = format!(" Returns the built [`{}`].", m.name);
    quote! {
        #doc
        #derives
        #gated_derive
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
        }

        impl #name {
            #[doc = #start_doc]
            #[inline]
            pub fn builder() -> #builder {
                #builder::default()
            }
            #(#accessors)*
        }

        #debug

        #form

        #required

        #deserialize

        #[doc = #builder_doc]
        #[derive(Clone, Debug, Default)]
        #[must_use]
        pub struct #builder {
            inner: #name,
        }

        impl #builder {
            #(#setters)*

            #[doc = #build_doc]
            #[inline]
            pub fn build(self) -> #name {
                self.inner
            }
        }
    }
}

/// `Deserialize` through core's `deserialize_model`: the JSON names of the body fields and
/// one `match` that decodes a field by its index in that list. Scalars decode leniently ("5"
/// for 5 and the like; core's `lenient` module), everything else through its own
/// `Deserialize`. Far less code than serde's derive, which repeats the key visitor per model
/// and a wrapper type per lenient field.
fn deserialize(
    m: &Model,
    fields: &[Field],
    service: &Service,
    gate: Option<TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", m.name);
    let name_str = &m.name;
    let core = quote!(huaweicloud_sdk_core::__codegen);
    let body: Vec<&Field> = fields.iter().filter(|f| f.header.is_none()).collect();
    let wires = body.iter().map(|f| &f.wire_name);
    let arms = body.iter().enumerate().map(|(index, f)| {
        let id = naming::ident(&f.rust_name);
        let decode = match f.ty {
            TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => {
                quote!(lenient_field)
            }
            // Records the failing item's index in decode errors (`tags[2].key`).
            TypeRef::Vec(_) => quote!(list_field),
            // Through core's shared visitors: nothing per type but the call.
            TypeRef::Named(ref n) if service.is_enum(n) => quote!(enum_field),
            TypeRef::Named(_) if !f.boxed => quote!(model_field),
            _ => quote!(field),
        };
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(#index => #core::#decode(d, &mut self.#id),)
    });
    // A model of response headers only has no JSON field to match.
    let (index, decode) = if body.is_empty() {
        (quote!(_index), quote!(#core::skip_field(d)))
    } else {
        (
            quote!(index),
            quote! {
                match index {
                    #(#arms)*
                    _ => #core::skip_field(d),
                }
            },
        )
    };
    quote! {
        #gate
        impl #core::DecodeModel for #name {
            const NAME: &'static str = #name_str;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            // `#[inline]` like the operations: compiled where an output is decoded.
            #[inline]
            fn decode_field<'de>(
                &mut self,
                #index: usize,
                d: &mut #core::FieldInput<'_, 'de>,
            ) -> #core::FieldResult {
                #decode
            }
        }

        #gate
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                #core::deserialize_model(d)
            }
        }
    }
}

fn enumeration(m: &Model, variants: &[Variant]) -> TokenStream {
    let name = format_ident!("{}", m.name);
    let mut doc = model_doc(m);
    doc.md("Open enum: values unknown to this SDK version are kept in `Unknown`.");
    let doc = doc.tokens();
    let idents = variants.iter().map(|v| format_ident!("{}", v.rust_name));
    let values = variants.iter().map(|v| &v.value);
    let docs = variants
        .iter()
        .map(|v| format!(" `{}`", v.value.replace('`', "'")));
    // Printed as a plain enum with string discriminants, so prettyplease lays it out like
    // code, then wrapped in `open_enum! { ... }` by `super::render`.
    quote! {
        #[xtask_open_enum]
        #doc
        pub enum #name {
            #(#[doc = #docs] #idents = #values,)*
        }
    }
}
