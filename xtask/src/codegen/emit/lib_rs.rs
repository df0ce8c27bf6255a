//! `src/lib.rs`: crate docs, modules, re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Doc, example_lines};
use crate::codegen::ir::{ResponseKind, Service};

/// The service module: `src/lib.rs` of a single-version crate (`root`), or `src/<v>/mod.rs`.
/// `chunks` are the private modules that hold split-off parts (`models_a`, ...), each in
/// `<module>/<chunk>.rs`.
pub fn emit(s: &Service, chunks: &[String], root: bool) -> TokenStream {
    let krate = s.crate_path();
    let mut doc = Doc::new();
    match &s.module {
        None => doc.line(&format!(
            "{} (`{}`): Rust client for the {}.",
            s.title,
            s.name,
            super::escape(&s.api_title)
        )),
        Some(v) => doc.line(&format!(
            "{} (`{}`) API {v}: {}.",
            s.title,
            s.name,
            super::escape(&s.api_title)
        )),
    };
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
            &format!("- [`Client::{0}`]({krate}::Client::{0}):", op.rust_name),
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
             is exhausted, e.g. [`{ty}::by_item`]({krate}::operations::{ty}::by_item). Read them \
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
    let streamed = s
        .operations
        .iter()
        .any(|o| matches!(o.response, ResponseKind::StreamWithHeaders { .. }));
    if uses(ResponseKind::Stream) || streamed {
        extra.push(quote!(ByteStream));
    }
    if streamed {
        extra.push(quote!(Streamed));
    }
    if uses(ResponseKind::Bytes) {
        extra.push(quote!(Bytes));
    }
    if s.models.iter().any(|m| m.has_file()) {
        extra.push(quote!(FormFile));
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
    let chunk_mods = chunks.iter().map(|c| {
        let (module, prefix) = c.split_once('_').unwrap_or((c.as_str(), ""));
        let path = format!("{module}/{prefix}.rs");
        let id = quote::format_ident!("{c}");
        quote! {
            #[rustfmt::skip]
            #[path = #path]
            mod #id;
        }
    });
    let crate_attrs = root.then(|| {
        quote! {
            #![cfg_attr(rustfmt, rustfmt::skip)]
            #![warn(missing_docs)]
        }
    });
    quote! {
        #doc
        #crate_attrs

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
        #(#chunk_mods)*

        pub use client::Client;
        pub use huaweicloud_sdk_core::{Credentials, Error, ErrorKind, RequestOptions, Response, Result, RetryPolicy #(, #extra)*};
        #paging
    }
}

/// `src/lib.rs` of a crate with several API versions: one module per version, each behind a
/// cargo feature of its name (all on by default).
pub fn emit_versions(versions: &[Service]) -> TokenStream {
    let Some(first) = versions.first() else {
        return quote!();
    };
    let mut doc = Doc::new();
    doc.line(&format!(
        "{} (`{}`): Rust clients for {} API versions.",
        first.title,
        first.name,
        versions.len()
    ));
    doc.md(
        "Each version is a module with its own `Client`, operations and models, as in the \
         official SDKs, and a cargo feature of the same name (all enabled by default): \
         `default-features = false, features = [\"v3\"]` compiles only that version.",
    );
    doc.md("# Versions");
    doc.line("");
    for v in versions {
        let m = v.module.as_deref().unwrap_or(&v.version);
        doc.item(
            &format!("- [`{m}`] ({} operations):", v.operations.len()),
            &v.api_title,
        );
    }
    let doc = doc.inner_tokens();
    // The module docs are the inner docs of `<v>/mod.rs` (an outer doc here would make
    // rustdoc resolve their links in this scope).
    let mods = versions.iter().map(|v| {
        let m = v.module.as_deref().unwrap_or(&v.version);
        let id = quote::format_ident!("{m}");
        quote! {
            #[cfg(feature = #m)]
            #[rustfmt::skip]
            pub mod #id;
        }
    });
    quote! {
        #doc
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #![warn(missing_docs)]

        #(#mods)*

        pub use huaweicloud_sdk_core::{Credentials, Error, ErrorKind, RequestOptions, Response, Result, RetryPolicy};
    }
}
