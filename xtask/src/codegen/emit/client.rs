//! `src/client.rs`: the service client, one method per operation (plus aliases).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, example_section, type_link};
use crate::codegen::ir::{CredentialKind, Operation, PageStyle, ResponseKind, Service};
use crate::codegen::naming;

/// The client struct and its own methods; `methods` are the operation methods kept in this
/// file (none when they are split into `client_<chunk>` files).
pub fn head(s: &Service, methods: &[TokenStream]) -> TokenStream {
    let mut doc = Doc::new();
    doc.line(&format!(
        "Client for {} (`{}`). Cheap to clone.",
        s.title, s.name
    ));
    doc.md(
        "Build one with [`Client::builder`]; each method starts a request builder from \
         [`operations`](super::operations) that is sent with `.send().await`.",
    );
    let doc = doc.tokens();
    // Regional is the trait's default: regional crates stay as they were generated.
    let scope = match s.credentials {
        CredentialKind::Regional => None,
        CredentialKind::Global => Some(quote!(Global)),
        CredentialKind::Unscoped => Some(quote!(Unscoped)),
        CredentialKind::Anonymous => Some(quote!(Anonymous)),
    };
    let credential_scope = scope.map(|scope| {
        quote! {
            const CREDENTIAL_SCOPE: huaweicloud_sdk_core::__codegen::CredentialScope =
                huaweicloud_sdk_core::__codegen::CredentialScope::#scope;
        }
    });
    let error_format = s.cce_errors.then(|| {
        quote! {
            const ERROR_FORMAT: huaweicloud_sdk_core::__codegen::ErrorFormat =
                huaweicloud_sdk_core::__codegen::ErrorFormat::Cce;
        }
    });
    let builder_doc = format!(
        " A builder for this client. Set at least the region (or endpoints); credentials default \
         to the environment and profile chain. Regions come from the built-in table of {} and \
         can be overridden with `HUAWEICLOUD_SDK_REGION_{}_<REGION>` or `regions.yaml`.",
        s.title, s.name
    );
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: huaweicloud_sdk_core::Client,
        }

        impl huaweicloud_sdk_core::__codegen::ServiceClient for Client {
            const SERVICE: &'static huaweicloud_sdk_core::__codegen::ServiceSpec = &super::regions::SERVICE;
            #credential_scope
            #error_format
            fn from_core(client: huaweicloud_sdk_core::Client) -> Self {
                Self { inner: client }
            }
        }

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> huaweicloud_sdk_core::ClientBuilder<Client> {
                huaweicloud_sdk_core::ClientBuilder::new()
            }

            /// The underlying core client (raw requests: `client.core().raw_request(...)`).
            pub fn core(&self) -> &huaweicloud_sdk_core::Client {
                &self.inner
            }

            #(#methods)*
        }
    }
}

/// One method per operation (with its aliases), by method name. `split`: the methods live in
/// a file of their own, outside the module that owns the client's private field.
pub fn methods(s: &Service, split: bool) -> Vec<(String, TokenStream)> {
    s.operations
        .iter()
        .map(|op| (op.rust_name.clone(), method(s, op, split)))
        .collect()
}

/// A file of split-off methods.
pub fn chunk(methods: &[TokenStream]) -> TokenStream {
    quote! {
        impl super::Client {
            #(#methods)*
        }
    }
}

/// "`X-A` and `X-B`" for the docs.
fn header_list(op: &Operation) -> String {
    let names: Vec<String> = op
        .response_headers
        .iter()
        .map(|h| format!("`{}`", h.name))
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn method(s: &Service, op: &Operation, split: bool) -> TokenStream {
    let mut doc = Doc::new();
    match &op.summary {
        Some(summary) => doc.line(&super::escape(summary)),
        None => doc.line(&format!("Calls `{}`.", op.op_id)),
    };
    if let Some(d) = &op.description {
        doc.para(d);
    }
    doc.md(&format!(
        "`{} {}` (operation `{}`)",
        op.method.as_str(),
        op.path,
        op.op_id
    ));
    doc.md(if op.idempotent {
        "Idempotent: safe to resend, retried by the default policy."
    } else {
        "Not idempotent: not retried once the request may have reached the service."
    });
    match &op.pagination {
        Some(p) => {
            let (what, first) = match p.style {
                PageStyle::ItemOffset => ("item offset", "0".to_owned()),
                PageStyle::PageNumber { first } => ("page number", first.to_string()),
                PageStyle::Marker => ("marker", "none".to_owned()),
            };
            let items = p
                .items
                .iter()
                .map(|f| f.wire_name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            doc.md(&format!(
                "Paged by {what} (`{pos}`, first page: {first}{limit}): \
                 [`by_page`](super::operations::{ty}::by_page) streams every response and \
                 [`by_item`](super::operations::{ty}::by_item) every item of `{items}`.",
                pos = p.position.name,
                limit = p
                    .limit
                    .as_ref()
                    .map(|l| format!(", page size `{}`", l.name))
                    .unwrap_or_default(),
                ty = op.type_name,
            ));
        }
        None => {
            doc.md("Not paged: one request, one response.");
        }
    }
    if let Some(ct) = &op.content_type {
        if op.body.is_none() {
            doc.md(&format!(
                "Sent with `Content-Type: {ct}` although it has no body."
            ));
        }
    }
    doc.md("# Parameters");
    doc.line("");
    let mut any = false;
    for p in op.params() {
        any = true;
        let req = if p.required { "required" } else { "optional" };
        doc.item(
            &format!(
                // Intra-doc links take `type`, not `r#type`.
                "- [`{0}`](super::operations::{1}::{2}) ({3} `{4}`, {req}): {5}.",
                naming::ident_text(&p.rust_name),
                op.type_name,
                p.rust_name,
                p.location.as_str(),
                p.name,
                type_link(&p.ty)
            ),
            p.description.as_deref().unwrap_or_default(),
        );
    }
    if let Some(b) = &op.body {
        any = true;
        let req = if b.required { "required" } else { "optional" };
        doc.item(
            &format!(
                "- [`body`](super::operations::{}::body) (body, {req}): {}.",
                op.type_name,
                type_link(&b.ty)
            ),
            b.description.as_deref().unwrap_or_default(),
        );
    }
    if !any {
        doc.line("None.");
    }
    doc.md("# Responses");
    doc.line("");
    let (status, sdesc) = &op.success;
    let out = match &op.response {
        ResponseKind::None => "no body, `Response<()>`".to_owned(),
        ResponseKind::Json(t) if !op.response_headers.is_empty() => format!(
            "{}, with {} filled from the response headers",
            type_link(t),
            header_list(op)
        ),
        ResponseKind::Json(t) => type_link(t),
        ResponseKind::Headers(m) => format!(
            "no body; [`{m}`](super::models::{m}) holds {}",
            header_list(op)
        ),
        ResponseKind::JsonWithHeaders { model, body } => format!(
            "[`{model}`](super::models::{model}): `body` holds {}, the other fields {}",
            type_link(body),
            header_list(op)
        ),
        ResponseKind::TextWithHeaders { model } => format!(
            "[`{model}`](super::models::{model}): `body` holds the text, the other fields {}",
            header_list(op)
        ),
        ResponseKind::Stream => "a [`ByteStream`](huaweicloud_sdk_core::ByteStream)".to_owned(),
        ResponseKind::StreamWithHeaders { model } => format!(
            "a [`Streamed`](huaweicloud_sdk_core::Streamed): `body` streams the body, \
             `header_values` ([`{model}`](super::models::{model})) holds {}",
            header_list(op)
        ),
        ResponseKind::Bytes => "the body bytes".to_owned(),
    };
    doc.item(&format!("- `{status}`: {out}."), sdesc);
    for e in &op.errors {
        let model = e
            .model
            .as_ref()
            .map(|m| format!(" ([`{m}`](super::models::{m}))"))
            .unwrap_or_default();
        doc.item(
            &format!(
                "- `{}`{model}: an [`Error`](huaweicloud_sdk_core::Error) of kind `Service`.",
                e.status
            ),
            &e.description,
        );
    }
    doc.item(
        &format!(
            "- {} status of 400 or above: an [`Error`](huaweicloud_sdk_core::Error) of kind \
             `Service` with the status, `error_code`, `error_msg` and request id.",
            if op.errors.is_empty() {
                "Any"
            } else {
                "Any other"
            }
        ),
        "",
    );
    example_section(&mut doc, s, op);
    let doc = doc.tokens();
    let name = naming::ident(&op.rust_name);
    let ty = format_ident!("{}", op.type_name);
    // Callable aliases and search-only words, both found by rustdoc search.
    let aliases = op.aliases.iter().chain(&op.doc_aliases);
    let core = if split {
        quote!(self.core().clone())
    } else {
        quote!(self.inner.clone())
    };
    let alias_methods = op.aliases.iter().map(|a| {
        let alias = naming::ident(a);
        let d = format!(
            " Correctly spelled alias of [`{0}`](Self::{0}) (the official operation id is `{1}`); same request.",
            op.rust_name, op.op_id
        );
        quote! {
            #[doc = #d]
            #[inline]
            pub fn #alias(&self) -> super::operations::#ty {
                self.#name()
            }
        }
    });
    let waiters = super::waiters::client_methods(s, op);
    // Per-operation code is `#[inline]` (see `operations.rs`).
    quote! {
        #doc
        #(#[doc(alias = #aliases)])*
        #[inline]
        pub fn #name(&self) -> super::operations::#ty {
            super::operations::#ty::new(#core)
        }
        #(#alias_methods)*
        #(#waiters)*
    }
}
