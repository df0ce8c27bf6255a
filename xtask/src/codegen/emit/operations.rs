//! `src/operations.rs`: per operation a `static OperationSpec` and a small request builder
//! that fills an `OperationInput` and calls one non-generic `Client::send_*` path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, type_tokens};
use crate::codegen::ir::{Operation, Param, ParamLocation, ResponseKind, Service, TypeRef};
use crate::codegen::naming;

pub fn emit(s: &Service) -> TokenStream {
    if s.operations.is_empty() {
        return quote!();
    }
    let ops = s.operations.iter().map(|op| operation(s, op));
    quote! {
        use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};

        #(#ops)*
    }
}

fn invalid(s: &Service, op: &Operation, what: &str) -> TokenStream {
    let msg = format!("{} {}: missing required {what}", s.name, op.op_id);
    quote! {
        return Err(huaweicloud_sdk_core::Error::new(huaweicloud_sdk_core::ErrorKind::InvalidRequest, #msg))
    }
}

fn operation(s: &Service, op: &Operation) -> TokenStream {
    let models = quote!(super::models::);
    let static_name = format_ident!("{}", op.static_name);
    let ty = format_ident!("{}", op.type_name);
    let service = &s.name;
    let op_id = &op.op_id;
    let method = format_ident!("{}", op.method.variant());
    let path = &op.path;
    let content_type = match &op.content_type {
        Some(ct) => quote!(Some(#ct)),
        None => quote!(None),
    };
    let idempotent = op.idempotent;

    let mut doc = Doc::new();
    doc.line(&format!(
        "Request builder for [`Client::{0}`](super::Client::{0}): `{1} {2}`.",
        op.rust_name,
        op.method.as_str(),
        op.path
    ));
    doc.md("Set the parameters, then call [`send`](Self::send). See the client method for the full documentation.");
    let doc = doc.tokens();

    let params: Vec<&Param> = op.params().collect();
    let field_names: Vec<_> = params.iter().map(|p| naming::ident(&p.rust_name)).collect();
    let field_types: Vec<_> = params.iter().map(|p| type_tokens(&p.ty, &models)).collect();
    let body_ty = op.body.as_ref().map(|b| {
        let m = naming::ident(&b.model);
        quote!(#models #m)
    });
    let body_field = body_ty.as_ref().map(|t| quote!(body: Option<#t>,));
    let body_init = body_ty.as_ref().map(|_| quote!(body: None,));

    let setters = params.iter().map(|p| {
        let name = naming::ident(&p.rust_name);
        let mut d = Doc::new();
        let req = if p.required {
            "**Required.**"
        } else {
            "Optional."
        };
        d.line(&format!(
            "{req} {} parameter `{}`.",
            capitalize(p.location.as_str()),
            p.name
        ));
        if let Some(desc) = &p.description {
            d.para(desc);
        }
        let d = d.tokens();
        let (arg, value) = match &p.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            other => {
                let t = type_tokens(other, &models);
                (quote!(#t), quote!(value))
            }
        };
        quote! {
            #d
            pub fn #name(mut self, value: #arg) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().map(|b| {
        let t = body_ty.clone().unwrap_or_default();
        let mut d = Doc::new();
        let req = if b.required {
            "**Required.**"
        } else {
            "Optional."
        };
        d.line(&format!(
            "{req} The request body, sent as `{}`.",
            op.content_type.as_deref().unwrap_or("application/json")
        ));
        if let Some(desc) = &b.description {
            d.para(desc);
        }
        let d = d.tokens();
        quote! {
            #d
            pub fn body(mut self, value: #t) -> Self {
                self.body = Some(value);
                self
            }
        }
    });

    let mut checks = Vec::new();
    let mut fills = Vec::new();
    for p in &params {
        let name = naming::ident(&p.rust_name);
        let wire = &p.name;
        match p.location {
            ParamLocation::Path => fills.push(quote!(input.path(#wire, self.#name.as_deref());)),
            ParamLocation::Query => {
                if p.required {
                    let err = invalid(s, op, &format!("query parameter `{wire}`"));
                    checks.push(quote!(if self.#name.is_none() { #err; }));
                }
                fills.push(quote!(input.query(#wire, &self.#name);));
            }
            ParamLocation::Header => {
                if p.required {
                    let err = invalid(s, op, &format!("header `{wire}`"));
                    checks.push(quote!(if self.#name.is_none() { #err; }));
                }
                fills.push(quote!(input.header(#wire, self.#name.as_deref());))
            }
        }
    }
    let body_fill = op.body.as_ref().map(|b| {
        if b.required {
            let err = invalid(s, op, "request body");
            quote! {
                match &self.body {
                    Some(body) => { input.json_body(body)?; }
                    None => { #err; }
                }
            }
        } else {
            quote! {
                if let Some(body) = &self.body {
                    input.json_body(body)?;
                }
            }
        }
    });
    let (out_ty, send) = match &op.response {
        ResponseKind::None => (quote!(()), quote!(send_empty)),
        ResponseKind::Json(m) => {
            let m = naming::ident(m);
            (quote!(#models #m), quote!(send_json))
        }
        ResponseKind::Stream => (
            quote!(huaweicloud_sdk_core::ByteStream),
            quote!(send_stream),
        ),
        ResponseKind::Bytes => (quote!(bytes::Bytes), quote!(send_bytes)),
    };
    let send_doc = format!(
        " Sends the request{}.",
        match &op.response {
            ResponseKind::None => "; the response has no body",
            ResponseKind::Json(_) => " and decodes the JSON response",
            ResponseKind::Stream => " and returns the body as a stream",
            ResponseKind::Bytes => " and returns the body bytes",
        }
    );

    quote! {
        static #static_name: OperationSpec = OperationSpec {
            service: #service,
            name: #op_id,
            method: Method::#method,
            path: #path,
            content_type: #content_type,
            idempotent: #idempotent,
        };

        #doc
        #[derive(Clone, Debug)]
        #[must_use = "a request builder does nothing until `send` is awaited"]
        pub struct #ty {
            client: huaweicloud_sdk_core::Client,
            #(#field_names: Option<#field_types>,)*
            #body_field
            options: huaweicloud_sdk_core::RequestOptions,
        }

        impl #ty {
            pub(crate) fn new(client: huaweicloud_sdk_core::Client) -> Self {
                Self {
                    client,
                    #(#field_names: None,)*
                    #body_init
                    options: huaweicloud_sdk_core::RequestOptions::default(),
                }
            }

            #(#setters)*
            #body_setter

            /// Per-call options: extra headers, timeouts, retry policy.
            pub fn options(mut self, options: huaweicloud_sdk_core::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #[doc = #send_doc]
            pub async fn send(self) -> huaweicloud_sdk_core::Result<huaweicloud_sdk_core::Response<#out_ty>> {
                #(#checks)*
                let mut input = OperationInput::new(&#static_name);
                #(#fills)*
                #body_fill
                input.options(self.options);
                self.client.#send(input).await
            }
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}
