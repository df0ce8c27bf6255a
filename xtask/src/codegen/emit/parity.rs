//! `crates/parity-driver/src/dispatch.rs`: the per-operation dispatch of the request-parity
//! driver (`cargo xtask parity`, see `xtask/parity/README.md`), generated from the same IR as
//! the service crates so that it calls every setter the crates have.
//!
//! For every operation: a function that starts the builder, sets every path, query and header
//! parameter present in the sample (deserialised from its JSON value into the setter's type),
//! sets the body when the sample has one, sends, and re-encodes the output as JSON. Then one
//! `dispatch` that maps `"<service dir>.<python name>"` to those functions, and `Clients`,
//! one client per service.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::type_tokens;
use crate::codegen::GENERATED_MARKER;
use crate::codegen::ir::{ParamLocation, ResponseKind, Service};
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

fn fn_name(s: &Service, op: &str) -> proc_macro2::Ident {
    format_ident!("op_{}_{}", field_name(s), op.trim_start_matches("r#"))
}

/// The `Clients` field of a service version: `dcs`, or `vpc_v3`.
fn field_name(s: &Service) -> String {
    s.parity_key().replace('.', "_")
}

/// `huaweicloud_sdk_dcs` or `huaweicloud_sdk_vpc::v3` as a path.
fn lib_path(s: &Service) -> TokenStream {
    let segments = s.rust_path();
    let idents = segments.split("::").map(|p| format_ident!("{p}"));
    quote!(#(#idents)::*)
}

fn tokens(services: &[Service]) -> TokenStream {
    let fields: Vec<_> = services
        .iter()
        .map(|s| format_ident!("{}", field_name(s)))
        .collect();
    let libs: Vec<_> = services.iter().map(lib_path).collect();
    let mut functions = Vec::new();
    let mut arms = Vec::new();
    let mut ids = Vec::new();
    for (s, field) in services.iter().zip(&fields) {
        let lib = lib_path(s);
        let models = quote!(#lib::models::);
        for op in &s.operations {
            let id = format!("{}.{}", s.parity_key(), op.rust_name);
            let f = fn_name(s, &op.rust_name);
            let method = naming::ident(&op.rust_name);
            let sets: Vec<TokenStream> = op
                .params()
                .map(|p| {
                    let setter = naming::ident(&p.rust_name);
                    let wire = &p.name;
                    let loc = format_ident!(
                        "{}",
                        match p.location {
                            ParamLocation::Path => "path",
                            ParamLocation::Query => "query",
                            ParamLocation::Header => "header",
                        }
                    );
                    let t = type_tokens(&p.ty, &models);
                    quote! {
                        if let Some(v) = s.#loc(#wire) {
                            b = b.#setter(serde_json::from_value::<#t>(v.clone())?);
                        }
                    }
                })
                .collect();
            let body = op.body.as_ref().map(|b| {
                let t = type_tokens(&b.ty, &models);
                quote! {
                    if let Some(v) = s.body() {
                        b = b.body(serde_json::from_value::<#t>(v.clone())?);
                    }
                }
            });
            let reencode = match &op.response {
                ResponseKind::None => quote!(crate::reencode_unit(out)),
                ResponseKind::Json(_) => quote!(crate::reencode_json(out)),
                ResponseKind::Headers(_) => quote!(Ok(serde_json::Value::Null)),
                ResponseKind::Bytes => quote!(crate::reencode_bytes(out)),
                ResponseKind::Stream => quote!(crate::reencode_stream(out).await),
            };
            // Output fields filled from response headers are compared apart from the body:
            // `{"body": <re-encoded body>, "headers": {<name>: <text>}}`.
            let reencode = if op.response_headers.is_empty() {
                reencode
            } else {
                let names = op.response_headers.iter().map(|h| &h.name);
                let values = op.response_headers.iter().map(|h| {
                    let f = naming::ident(&h.rust_name);
                    quote!(out.#f.as_ref().map(|v| v.to_string()))
                });
                let body = match &op.response {
                    ResponseKind::Json(_) => quote!(crate::reencode_json(out)?),
                    _ => quote!(serde_json::Value::Null),
                };
                quote! {
                    let headers = serde_json::json!({ #(#names: #values),* });
                    let body: serde_json::Value = #body;
                    Ok(serde_json::json!({ "body": body, "headers": headers }))
                }
            };
            let start = if sets.is_empty() && body.is_none() {
                quote!(let b = c.#method();)
            } else {
                quote!(let mut b = c.#method();)
            };
            let unused = (sets.is_empty() && body.is_none()).then(|| quote!(let _ = s;));
            functions.push(quote! {
                async fn #f(c: &#lib::Client, s: &Sample) -> DriverResult {
                    #unused
                    #start
                    #(#sets)*
                    #body
                    let out = b.send().await?;
                    #reencode
                }
            });
            arms.push(quote!(#id => #f(&clients.#field, s).await,));
            ids.push(id);
        }
    }
    let count = ids.len();
    quote! {
        use crate::{DriverResult, Sample};

        /// Every operation id (`<service>.<python name>`), in dispatch order.
        pub const OPERATIONS: [&str; #count] = [#(#ids),*];

        /// One client per service.
        pub struct Clients {
            #(pub #fields: #libs::Client,)*
        }

        impl Clients {
            /// Builds every client with [`crate::make_client`] (endpoint, credentials, retries).
            pub fn new(cfg: &crate::ClientConfig) -> huaweicloud_sdk_core::Result<Self> {
                Ok(Self {
                    #(#fields: crate::make_client(cfg)?,)*
                })
            }
        }

        /// Runs operation `id` with sample `s`; `None` if `id` is unknown.
        pub async fn dispatch(clients: &Clients, id: &str, s: &Sample) -> Option<DriverResult> {
            Some(match id {
                #(#arms)*
                _ => return None,
            })
        }

        #(#functions)*
    }
}
