//! `src/lib.rs`: crate docs, modules, re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Doc, example_lines};
use crate::codegen::ir::{ResponseKind, Service};

pub fn emit(s: &Service) -> TokenStream {
    let mut doc = Doc::new();
    doc.line(&format!(
        "{} (`{}`): Rust client for the {}.",
        s.title,
        s.name,
        super::escape(&s.api_title)
    ));
    doc.para(&s.description);
    doc.md(&format!(
        "Generated from `{}` by `cargo xtask codegen`. Signing, credentials, regions, retries \
         and errors come from [`huaweicloud_sdk_core`]; start with [`Client::builder`].",
        s.spec_path
    ));
    doc.md("# Operations");
    doc.line("");
    for op in &s.operations {
        let summary = op.summary.as_deref().unwrap_or_default();
        doc.item(
            &format!("- [`Client::{0}`](crate::Client::{0}):", op.rust_name),
            summary,
        );
    }
    let paged: Vec<_> = s
        .operations
        .iter()
        .filter(|o| o.pagination.is_some())
        .collect();
    if let Some(first) = paged.first() {
        doc.md("# Paging");
        doc.md(&format!(
            "{} list operations page (their docs say how): their request builders also have \
             `by_page()` and `by_item()`, streams that send one request per page until the list \
             is exhausted, e.g. [`{ty}::by_item`](crate::operations::{ty}::by_item). Read them \
             with [`StreamExt::next`].",
            paged.len(),
            ty = first.type_name,
        ));
    }
    if let Some(op) = s.operations.first() {
        doc.md("# Example");
        doc.md("```no_run");
        for l in example_lines(s, op) {
            doc.line(&l);
        }
        doc.line("```");
    }
    let doc = doc.inner_tokens();
    let uses = |kind: ResponseKind| s.operations.iter().any(|o| o.response == kind);
    let mut extra = Vec::new();
    if uses(ResponseKind::Stream) {
        extra.push(quote!(ByteStream));
    }
    if uses(ResponseKind::Bytes) {
        extra.push(quote!(Bytes));
    }
    // `by_page()` / `by_item()` streams are consumed with `StreamExt::next`.
    let paging = s
        .operations
        .iter()
        .any(|o| o.pagination.is_some())
        .then(|| {
            quote! {
                pub use huaweicloud_sdk_core::pagination::{PageStream, StreamExt};
            }
        });
    // Exact `Debug` output of every model with a secret field (generated, so it stays in sync).
    let secret_tests = super::secret_tests::needed(s).then(|| {
        quote! {
            #[cfg(test)]
            #[rustfmt::skip]
            mod secret_debug_tests;
        }
    });
    quote! {
        #doc
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #![warn(missing_docs)]

        /// The service client: one method per operation.
        #[rustfmt::skip]
        pub mod client;
        /// Request and response models.
        #[rustfmt::skip]
        pub mod models;
        /// Request builders, one per operation.
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        mod regions;
        #secret_tests

        pub use client::Client;
        pub use huaweicloud_sdk_core::{Credentials, Error, ErrorKind, RequestOptions, Response, Result, RetryPolicy #(, #extra)*};
        #paging
    }
}
