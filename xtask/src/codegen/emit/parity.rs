//! `crates/parity-driver/src/dispatch.rs`: the per-operation code of the request-parity driver
//! (`cargo xtask parity`, see `xtask/parity/README.md`), generated from the same IR as the
//! service crates.
//!
//! The driver goes through the public API a user calls, with typed values: for every
//! operation a function that starts the builder, calls the setter of every path, query and
//! header parameter the sample sets, builds the body with the model builders (one
//! `build_<Model>` per request model: every field through its setter, nested models, lists
//! and maps recursively), sends, and reports the outcome. Sample values are converted
//! strictly (`crate::conv`: a JSON integer is never accepted for a `bool` or `f64`, a field
//! the model lacks is an error). Enum values are built by variant name from a table emitted
//! here from the IR (`variant_<Enum>`), not through the generated enum's own `From<&str>`, so a
//! variant whose wire literal is wrong is sent wrong and seen.
//!
//! Each service version is a module behind the driver's cargo feature of the same name (`dcs`,
//! or `vpc_v3` in a crate of several versions; all on by default, see `parity_manifest`), so
//! the self-test (`cargo xtask parity --self-test`) can build one or two services only.
//! Operation ids are `<key>.<python name>`, the key being `dcs` or `vpc.v3`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::GENERATED_MARKER;
use crate::codegen::ir::{ModelKind, Operation, ResponseKind, Service, TypeRef};
use crate::codegen::naming;

/// Workspace-relative path of the generated file.
pub const PATH: &str = "crates/parity-driver/src/dispatch.rs";

/// The whole file, header included.
pub fn emit(services: &[Service]) -> Result<String, String> {
    let tokens = tokens(services);
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated parity dispatch does not parse: {e}"))?;
    let specs: Vec<&str> = services.iter().map(|s| s.spec_path.as_str()).collect();
    let mut text = format!(
        "// {GENERATED_MARKER} from {}. Do not edit.\n",
        specs.join(", ")
    );
    text.push_str(prettyplease::unparse(&file).trim_end());
    text.push('\n');
    Ok(text)
}

/// The module, `Clients` field and cargo feature of a service version: `dcs`, or `vpc_v3`.
pub fn feature_name(s: &Service) -> String {
    s.parity_key().replace('.', "_")
}

/// `huaweicloud_sdk_dcs` or `huaweicloud_sdk_vpc::v3` as a path.
fn lib_path(s: &Service) -> TokenStream {
    let segments = s.rust_path();
    let idents = segments.split("::").map(|p| format_ident!("{p}"));
    quote!(#(#idents)::*)
}

fn tokens(services: &[Service]) -> TokenStream {
    let features: Vec<String> = services.iter().map(feature_name).collect();
    // `naming::ident`: a service named like a keyword (`as`) becomes `r#as`.
    let fields: Vec<_> = features.iter().map(|f| naming::ident(f)).collect();
    let libs: Vec<_> = services.iter().map(lib_path).collect();
    let keys: Vec<String> = services.iter().map(Service::parity_key).collect();
    let modules = services.iter().map(service_module);
    quote! {
        use crate::{Outcome, Sample};

        /// Every operation id (`<service>.<python name>`) of the services compiled in.
        pub fn operations() -> Vec<&'static str> {
            let mut ids = Vec::new();
            #(
                #[cfg(feature = #features)]
                ids.extend(#fields::OPERATIONS);
            )*
            ids
        }

        /// One client per service compiled in.
        pub struct Clients {
            #(
                #[cfg(feature = #features)]
                pub #fields: #libs::Client,
            )*
        }

        impl Clients {
            /// Builds every client with [`crate::make_client`] (endpoint, credentials, retries).
            pub fn new(cfg: &crate::ClientConfig) -> huaweicloud_sdk_core::Result<Self> {
                let _ = cfg;
                Ok(Self {
                    #(
                        #[cfg(feature = #features)]
                        #fields: crate::make_client(cfg)?,
                    )*
                })
            }
        }

        /// Runs sample `s` (operation `s.op`, `<key>.<python name>`); `None` if the
        /// operation is not compiled in.
        pub async fn dispatch(clients: &Clients, s: &Sample) -> Option<Outcome> {
            let _ = clients;
            let (service, op) = s.op.rsplit_once('.')?;
            match service {
                #(
                    #[cfg(feature = #features)]
                    #keys => #fields::dispatch(&clients.#fields, op, s).await,
                )*
                _ => None,
            }
        }

        #(#modules)*
    }
}

fn service_module(s: &Service) -> TokenStream {
    let feature = feature_name(s);
    let module = naming::ident(&feature);
    let lib = lib_path(s);
    let key = s.parity_key();
    let ids: Vec<String> = s
        .operations
        .iter()
        .map(|op| format!("{key}.{}", op.rust_name))
        .collect();
    let count = ids.len();
    let names: Vec<&str> = s
        .operations
        .iter()
        .map(|op| op.rust_name.as_str())
        .collect();
    let fns: Vec<_> = s.operations.iter().map(op_fn_name).collect();
    let ops = s.operations.iter().map(|op| operation(s, op));
    let (structs, enums) = request_models(s);
    let builders = structs.iter().filter_map(|name| build_fn(s, name));
    let variants = enums.iter().filter_map(|name| variant_fn(s, name));
    let uses_models = !(structs.is_empty() && enums.is_empty());
    let models_use = uses_models.then(|| quote!(use #lib::models as m;));
    quote! {
        #[cfg(feature = #feature)]
        #[allow(non_snake_case, unused_imports)]
        mod #module {
            use #lib::Client;
            #models_use
            use crate::conv::{self, R};
            use crate::{Outcome, Sample};
            use serde_json::Value;

            pub const OPERATIONS: [&str; #count] = [#(#ids),*];

            pub async fn dispatch(c: &Client, op: &str, s: &Sample) -> Option<Outcome> {
                Some(match op {
                    #(#names => #fns(c, s).await,)*
                    _ => return None,
                })
            }

            #(#ops)*
            #(#builders)*
            #(#variants)*
        }
    }
}

fn op_fn_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("op_{}", op.rust_name.trim_start_matches("r#"))
}

/// The function of one operation: checks that the sample names only parameters the
/// operation has, calls each setter with a typed value, sends, reports the outcome.
fn operation(s: &Service, op: &Operation) -> TokenStream {
    let f = op_fn_name(op);
    let method = naming::ident(&op.rust_name);
    let names = |loc: &[crate::codegen::ir::Param]| -> Vec<String> {
        loc.iter().map(|p| p.name.clone()).collect()
    };
    let (path, query, header) = (
        names(&op.path_params),
        names(&op.query_params),
        names(&op.header_params),
    );
    let has_body = op.body.is_some();
    let sets: Vec<TokenStream> = op
        .params()
        .map(|p| {
            let setter = naming::ident(&p.rust_name);
            let wire = &p.name;
            let loc = p.location.as_str();
            let value = convert(s, &p.ty, quote!(&at));
            quote! {
                if let Some((v, at)) = s.param(#loc, #wire) {
                    b = b.#setter(#value?);
                }
            }
        })
        .collect();
    let body = op.body.as_ref().map(|body| {
        let value = convert(s, &body.ty, quote!(&at));
        quote! {
            if let Some((v, at)) = s.body() {
                b = b.body(#value?);
            }
        }
    });
    let mutable = !sets.is_empty() || body.is_some();
    let start = if mutable {
        quote!(let mut b = c.#method();)
    } else {
        quote!(let b = c.#method();)
    };
    let outcome = match &op.response {
        ResponseKind::None => quote!(crate::unit_outcome(r)),
        ResponseKind::Headers(_) => quote!(crate::headers_outcome(r)),
        ResponseKind::JsonWithHeaders { .. } | ResponseKind::TextWithHeaders { .. } => {
            quote!(crate::json_body_outcome(r, |o| &o.body))
        }
        ResponseKind::Json(_) => quote!(crate::json_outcome(r)),
        ResponseKind::Bytes => quote!(crate::bytes_outcome(r)),
        ResponseKind::Stream => quote!(crate::stream_outcome(r, |s| s).await),
        ResponseKind::StreamWithHeaders { .. } => {
            quote!(crate::stream_outcome(r, |s| s.body).await)
        }
    };
    // Output fields filled from response headers are reported apart from the body, as text.
    let outcome = if op.response_headers.is_empty() {
        quote! {
            let r = b.send().await;
            #outcome
        }
    } else {
        let names = op.response_headers.iter().map(|h| &h.name);
        let holder = match &op.response {
            ResponseKind::StreamWithHeaders { .. } => quote!(out.output().header_values),
            _ => quote!(out.output()),
        };
        let values = op.response_headers.iter().map(|h| {
            let f = naming::ident(&h.rust_name);
            quote!(#holder.#f.as_ref().map(|v| v.to_string()))
        });
        quote! {
            let r = b.send().await;
            let fields = r
                .as_ref()
                .ok()
                .map(|out| serde_json::json!({ #(#names: #values),* }));
            crate::with_header_fields(#outcome, fields)
        }
    };
    quote! {
        async fn #f(c: &Client, s: &Sample) -> Outcome {
            s.check(&[#(#path),*], &[#(#query),*], &[#(#header),*], #has_body)?;
            #start
            #(#sets)*
            #body
            #outcome
        }
    }
}

/// An expression of type `R<t>` from the sample value `v` (in scope) at JSON pointer `at`
/// (a `&str` expression); the caller applies `?`.
fn convert(s: &Service, t: &TypeRef, at: TokenStream) -> TokenStream {
    match t {
        TypeRef::Vec(inner) => {
            let item = converter(s, inner);
            quote!(conv::list(v, #at, #item))
        }
        TypeRef::Map(inner) => {
            let item = converter(s, inner);
            quote!(conv::map(v, #at, #item))
        }
        _ => {
            let f = converter(s, t);
            quote!(#f(v, #at))
        }
    }
}

/// A function `(&Value, &str) -> R<t>`: a helper of `conv`, a `build_`/`variant_` function, or
/// a closure for lists and maps.
fn converter(s: &Service, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(conv::string),
        TypeRef::Bool => quote!(conv::boolean),
        TypeRef::I32 => quote!(conv::int32),
        TypeRef::I64 => quote!(conv::int64),
        TypeRef::F64 => quote!(conv::float64),
        TypeRef::Value => quote!(conv::free_form),
        TypeRef::File => quote!(conv::file),
        TypeRef::Vec(_) | TypeRef::Map(_) => {
            let body = convert(s, t, quote!(at));
            quote!(|v: &Value, at: &str| #body)
        }
        TypeRef::Named(n) => {
            let f = if s.is_enum(n) {
                format_ident!("variant_{}", n)
            } else {
                format_ident!("build_{}", n)
            };
            quote!(#f)
        }
    }
}

/// Struct and enum models reachable from request parameters and bodies (the only ones the
/// driver builds), sorted.
fn request_models(s: &Service) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut structs = BTreeSet::new();
    let mut enums = BTreeSet::new();
    let mut todo: Vec<&TypeRef> = s
        .operations
        .iter()
        .flat_map(|op| {
            op.params()
                .map(|p| &p.ty)
                .chain(op.body.iter().map(|b| &b.ty))
        })
        .collect();
    while let Some(t) = todo.pop() {
        match t {
            TypeRef::Vec(i) | TypeRef::Map(i) => todo.push(i),
            TypeRef::Named(n) => {
                let Some(m) = s.models.iter().find(|m| &m.name == n) else {
                    continue;
                };
                match &m.kind {
                    ModelKind::Struct(fields) => {
                        if structs.insert(n.clone()) {
                            todo.extend(fields.iter().map(|f| &f.ty));
                        }
                    }
                    ModelKind::Enum(_) => {
                        enums.insert(n.clone());
                    }
                }
            }
            _ => {}
        }
    }
    (structs, enums)
}

/// `build_<Model>`: every field the sample sets, through the builder's setter.
fn build_fn(s: &Service, name: &str) -> Option<TokenStream> {
    let m = s.models.iter().find(|m| m.name == name)?;
    let ModelKind::Struct(fields) = &m.kind else {
        return None;
    };
    let f = format_ident!("build_{}", name);
    let ty = format_ident!("{}", name);
    let wires: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    let sets = fields.iter().map(|field| {
        let setter = naming::ident(&field.setter);
        let wire = &field.wire_name;
        let value = convert(s, &field.ty, quote!(&at));
        quote! {
            if let Some((v, at)) = o.get(#wire) {
                b = b.#setter(#value?);
            }
        }
    });
    // A model without fields only checks the sample holds no unknown field: nothing reads
    // the object or changes the builder.
    let (obj, start) = if fields.is_empty() {
        (format_ident!("_o"), quote!(let b = m::#ty::builder();))
    } else {
        (format_ident!("o"), quote!(let mut b = m::#ty::builder();))
    };
    Some(quote! {
        fn #f(v: &Value, at: &str) -> R<m::#ty> {
            let #obj = conv::Obj::new(v, at, #name, &[#(#wires),*])?;
            #start
            #(#sets)*
            Ok(b.build())
        }
    })
}

/// `variant_<Enum>`: the variant named in the IR for each wire value; any other value is a
/// sample error (the samples use only values the spec lists).
fn variant_fn(s: &Service, name: &str) -> Option<TokenStream> {
    let m = s.models.iter().find(|m| m.name == name)?;
    let ModelKind::Enum(variants) = &m.kind else {
        return None;
    };
    let f = format_ident!("variant_{}", name);
    let ty = format_ident!("{}", name);
    let values = variants.iter().map(|v| &v.value);
    let idents = variants.iter().map(|v| format_ident!("{}", v.rust_name));
    Some(quote! {
        fn #f(v: &Value, at: &str) -> R<m::#ty> {
            Ok(match conv::text(v, at)? {
                #(#values => m::#ty::#idents,)*
                other => return Err(conv::not_a_variant(at, other, #name)),
            })
        }
    })
}
