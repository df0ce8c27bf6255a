//! `src/operations.rs`: per operation a `static OperationSpec` and a small request builder
//! whose `send()` fills an `OperationInput` synchronously and returns core's future for it
//! (`__codegen::send_json` and friends): no `async fn` per operation, so the asynchronous
//! pipeline is compiled once, in core.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, escape, type_tokens, wrap};
use crate::codegen::ir::{
    BodyEncoding, FieldStep, Operation, PageStyle, Pagination, Param, ParamLocation, ResponseKind,
    Service, TypeRef,
};
use crate::codegen::naming;

/// The file's imports, for the operations `ops` of `s`; `parent` is the path from the
/// file's module to the service module (`super`, or `super::super` in a split file).
pub fn header(ops: &[&Operation], parent: &TokenStream) -> TokenStream {
    if ops.is_empty() {
        return quote!();
    }
    let uses_models = ops.iter().any(|op| {
        op.params().any(|p| names_model(&p.ty))
            || op.body.as_ref().is_some_and(|b| names_model(&b.ty))
            || matches!(&op.response, ResponseKind::Json(t) if names_model(t))
            || matches!(
                &op.response,
                ResponseKind::Headers(_)
                    | ResponseKind::JsonWithHeaders { .. }
                    | ResponseKind::TextWithHeaders { .. }
                    | ResponseKind::StreamWithHeaders { .. }
            )
    });
    let models = uses_models.then(|| {
        quote!(
            use #parent::models;
        )
    });
    quote! {
        use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};
        use huaweicloud_sdk_core::{Client, RequestOptions, Response, Result};
        #models
    }
}

/// Every operation's items, by builder type name.
pub fn items(s: &Service, parent: &TokenStream) -> Vec<(String, TokenStream)> {
    let checked = s.models_with_required_fields();
    s.operations
        .iter()
        .map(|op| (op.type_name.clone(), operation(s, op, parent, &checked)))
        .collect()
}

/// Whether `t` mentions a model (then `operations.rs` imports `super::models`).
fn names_model(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::Vec(i) | TypeRef::Map(i) => names_model(i),
        _ => false,
    }
}

/// `(argument type, stored value)` of a setter: strings and enums take `impl Into<_>`.
pub(super) fn setter_arg(ty: &TypeRef, models: &TokenStream) -> (TokenStream, TokenStream) {
    let t = type_tokens(ty, models);
    match ty {
        TypeRef::String | TypeRef::Named(_) => (quote!(impl Into<#t>), quote!(value.into())),
        // Any iterable of anything convertible, as model list setters take.
        TypeRef::Vec(item) => {
            let item = type_tokens(item, models);
            (
                quote!(impl IntoIterator<Item = impl Into<#item>>),
                quote!(value.into_iter().map(Into::into).collect()),
            )
        }
        _ => (t, quote!(value)),
    }
}

/// One doc paragraph: a trusted prefix, the escaped spec description, trusted constraints.
fn setter_doc(prefix: &str, description: Option<&str>, constraints: &[String]) -> TokenStream {
    let mut text = prefix.to_owned();
    if let Some(d) = description
        .map(|d| escape(d.trim()))
        .filter(|d| !d.is_empty())
    {
        text.push(' ');
        text.push_str(&d);
    }
    if !constraints.is_empty() {
        text.push_str(&format!(" Constraints: {}.", constraints.join(", ")));
    }
    let mut doc = Doc::new();
    for l in wrap(&text) {
        doc.line(&l);
    }
    doc.tokens()
}

fn operation(
    s: &Service,
    op: &Operation,
    parent: &TokenStream,
    checked: &BTreeSet<&str>,
) -> TokenStream {
    let models = quote!(models::);
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
    let secrets = &op.secrets;

    let doc = format!(
        " Request builder for [`Client::{0}`]({3}::Client::{0}) (`{1} {2}`): set the parameters, then [`send`](Self::send).",
        op.rust_name,
        op.method.as_str(),
        op.path,
        parent.to_string().replace(' ', "")
    );

    let params: Vec<&Param> = op.params().collect();
    let field_names: Vec<_> = params.iter().map(|p| naming::ident(&p.rust_name)).collect();
    let field_types: Vec<_> = params.iter().map(|p| type_tokens(&p.ty, &models)).collect();
    let body_ty = op.body.as_ref().map(|b| type_tokens(&b.ty, &models));
    let body_field = body_ty.as_ref().map(|t| quote!(body: Option<#t>,));
    let body_init = body_ty.as_ref().map(|_| quote!(body: None,));

    let setters = params.iter().map(|p| {
        let name = naming::ident(&p.rust_name);
        let req = if p.required {
            "**Required.**"
        } else {
            "Optional."
        };
        let mut prefix = format!(
            "{req} {} parameter `{}`.",
            capitalize(p.location.as_str()),
            p.name
        );
        if p.csv {
            prefix.push_str(" Sent as one comma-separated value.");
        }
        if p.secret {
            prefix.push_str(" Secret: never logged.");
        }
        let d = setter_doc(&prefix, p.description.as_deref(), &p.constraints);
        let (arg, value) = setter_arg(&p.ty, &models);
        // `#[inline]`: compiled where a caller uses it, not in the service crate's own build.
        quote! {
            #d
            #[inline]
            pub fn #name(mut self, value: #arg) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().map(|b| {
        let t = body_ty.clone().unwrap_or_default();
        let req = if b.required {
            "**Required.**"
        } else {
            "Optional."
        };
        let prefix = format!(
            "{req} The request body, sent as `{}`.",
            op.content_type.as_deref().unwrap_or("application/json")
        );
        let d = setter_doc(&prefix, b.description.as_deref(), &[]);
        quote! {
            #d
            pub fn body(mut self, value: #t) -> Self {
                self.body = Some(value);
                self
            }
        }
    });

    let fills = params.iter().map(|p| {
        let name = naming::ident(&p.rust_name);
        let wire = &p.name;
        // Path and header values as `Option<&str>`, spelled as the official Python SDK's
        // `str(value)`: booleans `True`/`False`, floats `1.0`, the rest in `Display` form.
        let text = match &p.ty {
            TypeRef::String => quote!(self.#name.as_deref()),
            TypeRef::Bool => quote!(self.#name.map(huaweicloud_sdk_core::__codegen::python_bool)),
            TypeRef::F64 => {
                quote!(self.#name.map(huaweicloud_sdk_core::__codegen::python_float).as_deref())
            }
            _ => quote!(self.#name.map(|v| v.to_string()).as_deref()),
        };
        let csv = quote!(huaweicloud_sdk_core::__codegen::Csv);
        match (p.location, p.required) {
            (ParamLocation::Path, _) => quote!(input.path(#wire, #text);),
            (ParamLocation::Query, false) if p.csv => {
                quote!(input.query(#wire, &self.#name.as_deref().map(#csv));)
            }
            (ParamLocation::Query, true) if p.csv => {
                quote!(input.required_query(#wire, self.#name.as_deref().map(#csv).as_ref())?;)
            }
            (ParamLocation::Query, false) => quote!(input.query(#wire, &self.#name);),
            (ParamLocation::Query, true) => {
                quote!(input.required_query(#wire, self.#name.as_ref())?;)
            }
            (ParamLocation::Header, false) => quote!(input.header(#wire, #text);),
            (ParamLocation::Header, true) => quote!(input.required_header(#wire, #text)?;),
        }
    });
    let body_fill = op.body.as_ref().map(|b| {
        let text = b.encoding == BodyEncoding::Json && b.ty == TypeRef::String;
        let encode = match b.encoding {
            BodyEncoding::Json if text => quote!(input.text_body(body);),
            BodyEncoding::Json => quote!(input.json_body(body)?;),
            BodyEncoding::FormUrlencoded => quote!(input.form_urlencoded_body(body)?;),
            BodyEncoding::Multipart => quote!(input.multipart_body(body);),
        };
        let fill = match (b.required, b.encoding) {
            (true, BodyEncoding::Json) if !text => {
                quote!(input.required_json_body(self.body.as_ref())?;)
            }
            (true, _) => quote! {
                match &self.body {
                    Some(body) => {
                        #encode
                    }
                    None => {
                        input.missing("body");
                    }
                }
            },
            // The official SDKs send an empty multipart body (boundary and closing line).
            (false, BodyEncoding::Multipart) => quote! {
                match &self.body {
                    Some(body) => {
                        #encode
                    }
                    None => {
                        input.empty_multipart_body();
                    }
                }
            },
            (false, _) => quote! {
                if let Some(body) = &self.body {
                    #encode
                }
            },
        };
        // The body's own required fields, at any depth (`body.tags[0].key`).
        let validate =
            b.ty.model()
                .is_some_and(|m| checked.contains(m))
                .then(|| quote!(input.validate_body(self.body.as_ref());));
        quote!(#fill #validate)
    });
    let (out_ty, send) = match &op.response {
        ResponseKind::None => (quote!(()), quote!(send_empty)),
        ResponseKind::Json(t) => (type_tokens(t, &models), quote!(send_json)),
        ResponseKind::Headers(m) => (
            type_tokens(&TypeRef::Named(m.clone()), &models),
            quote!(send_empty),
        ),
        ResponseKind::JsonWithHeaders { model, .. } => (
            type_tokens(&TypeRef::Named(model.clone()), &models),
            quote!(send_json),
        ),
        ResponseKind::TextWithHeaders { model } => (
            type_tokens(&TypeRef::Named(model.clone()), &models),
            quote!(send_bytes),
        ),
        ResponseKind::Stream => (
            quote!(huaweicloud_sdk_core::ByteStream),
            quote!(send_stream),
        ),
        ResponseKind::StreamWithHeaders { model } => {
            let values = type_tokens(&TypeRef::Named(model.clone()), &models);
            (
                quote!(huaweicloud_sdk_core::Streamed<#values>),
                quote!(send_stream),
            )
        }
        ResponseKind::Bytes => (quote!(huaweicloud_sdk_core::Bytes), quote!(send_bytes)),
    };
    let send_doc = format!(
        " Sends the request{}.",
        match &op.response {
            ResponseKind::None => "; the response has no body",
            ResponseKind::Json(_) if !op.response_headers.is_empty() =>
                " and decodes the JSON response and the response headers",
            ResponseKind::Json(_) => " and decodes the JSON response",
            ResponseKind::Headers(_) => "; the output holds the response headers",
            ResponseKind::JsonWithHeaders { .. } =>
                " and decodes the JSON response into `body` and the response headers",
            ResponseKind::TextWithHeaders { .. } =>
                " and returns the text response in `body` beside the response headers",
            ResponseKind::Stream => " and returns the body as a stream",
            ResponseKind::StreamWithHeaders { .. } =>
                " and returns the body as a stream beside the response headers",
            ResponseKind::Bytes => " and returns the body bytes",
        }
    );
    let core = quote!(huaweicloud_sdk_core::__codegen);
    let call = quote!(#core::#send(client, self.operation_input()));
    let finish = if op.response_headers.is_empty() {
        call
    } else {
        let sets = op.response_headers.iter().map(|h| {
            let field = naming::ident(&h.rust_name);
            let name = &h.name;
            if h.ty == TypeRef::String {
                quote!(output.#field = huaweicloud_sdk_core::__codegen::header_text(headers, #name);)
            } else {
                quote!(output.#field = huaweicloud_sdk_core::__codegen::header_value(headers, #name)?;)
            }
        });
        let start = match &op.response {
            // The output model has only the header fields.
            ResponseKind::Headers(_) => {
                let inits = header_field_inits(op);
                quote!(|(), headers| Ok(#out_ty { #(#inits)* }))
            }
            // The output model holds the body and the header fields.
            ResponseKind::JsonWithHeaders { body, .. } => {
                let body_ty = type_tokens(body, &models);
                let inits = header_field_inits(op);
                quote!(|body: #body_ty, headers| Ok(#out_ty { body: Some(body), #(#inits)* }))
            }
            ResponseKind::StreamWithHeaders { model } => {
                let values = type_tokens(&TypeRef::Named(model.clone()), &models);
                let inits = header_field_inits(op);
                quote!(|body: huaweicloud_sdk_core::ByteStream, headers| Ok(
                    huaweicloud_sdk_core::Streamed::new(#values { #(#inits)* }, body)
                ))
            }
            ResponseKind::TextWithHeaders { .. } => {
                let inits = header_field_inits(op);
                quote!(|body: huaweicloud_sdk_core::Bytes, headers| Ok(#out_ty {
                    body: Some(String::from_utf8_lossy(&body).into_owned()),
                    #(#inits)*
                }))
            }
            _ => quote!(|mut output: #out_ty, headers| {
                #(#sets)*
                Ok(output)
            }),
        };
        quote! {
            let call = #call;
            async move { #core::map_output(call.await?, #start) }
        }
    };

    // Secret parameters are redacted in `Debug`; body models redact their own secrets.
    let has_secret = params.iter().any(|p| p.secret);
    let derives = if has_secret {
        quote!(#[derive(Clone)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    let debug = has_secret.then(|| {
        let name = &op.type_name;
        let entries = params.iter().map(|p| {
            let id = naming::ident(&p.rust_name);
            let label = &p.rust_name;
            let secret = p.secret;
            quote!((#label, &self.#id, #secret))
        });
        let body_entry = op.body.as_ref().map(|_| quote!(("body", &self.body, false),));
        quote! {
            impl std::fmt::Debug for #ty {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    huaweicloud_sdk_core::__codegen::debug_redacted(
                        f,
                        #name,
                        &[("client", &self.client, false), #(#entries,)* #body_entry ("options", &self.options, false)],
                    )
                }
            }
        }
    });
    let paging = op
        .pagination
        .as_ref()
        .map(|p| paging(s, op, p, &out_ty, &models));
    let waiters = super::waiters::builder_items(s, op, &models);

    quote! {
        static #static_name: OperationSpec = OperationSpec {
            service: #service,
            name: #op_id,
            method: Method::#method,
            path: #path,
            content_type: #content_type,
            idempotent: #idempotent,
            secrets: &[#(#secrets),*],
        };

        #[doc = #doc]
        #derives
        #[must_use = "a request builder does nothing until `send` is awaited"]
        pub struct #ty {
            client: Client,
            #(#field_names: Option<#field_types>,)*
            #body_field
            options: RequestOptions,
        }

        // Everything per operation is `#[inline]`: the stable counterpart of Cargo's
        // `hints.mostly-unused`. Its code (and the decoding of its output models) is compiled
        // in the crate that calls the operation, so a program pays for the operations it uses,
        // not for the service crate's hundreds.
        impl #ty {
            #[inline]
            pub(crate) fn new(client: Client) -> Self {
                Self {
                    client,
                    #(#field_names: None,)*
                    #body_init
                    options: RequestOptions::default(),
                }
            }

            #(#setters)*
            #body_setter

            /// Per-call options: extra headers, timeouts, retry policy.
            #[inline]
            pub fn options(mut self, options: RequestOptions) -> Self {
                self.options = options;
                self
            }

            #[doc = #send_doc]
            #[inline]
            pub fn send(
                self,
            ) -> impl std::future::Future<Output = Result<Response<#out_ty>>> + Send + 'static {
                let client = self.client.clone();
                #finish
            }

            /// The request as core sends it; the `Err` of a body that cannot be serialized.
            #[inline]
            fn operation_input(self) -> Result<OperationInput> {
                let mut input = OperationInput::new(&#static_name);
                #(#fills)*
                #body_fill
                input.options(self.options);
                Ok(input)
            }
        }

        #debug

        #paging

        #waiters
    }
}

/// `field.as_ref()` chain from `output` down to the last step (exclusive), as a prefix
/// for `.and_then(|v| v.<last>...)`; `None` when the path is a single field.
fn step_chain(steps: &[FieldStep]) -> (Option<TokenStream>, TokenStream) {
    let idents: Vec<_> = steps.iter().map(|f| naming::ident(&f.rust_name)).collect();
    // Lowering never produces an empty path.
    let Some((last, init)) = idents.split_last() else {
        return (None, quote!());
    };
    if init.is_empty() {
        return (None, quote!(#last));
    }
    let first = &init[0];
    let rest = &init[1..];
    (
        Some(quote!(output.#first.as_ref() #(.and_then(|v| v.#rest.as_ref()))*)),
        quote!(#last),
    )
}

/// `impl Paged` and `by_page` / `by_item` for a paged operation.
fn paging(
    s: &Service,
    op: &Operation,
    p: &Pagination,
    out_ty: &TokenStream,
    models: &TokenStream,
) -> TokenStream {
    let ty = format_ident!("{}", op.type_name);
    let core = quote!(huaweicloud_sdk_core::pagination);
    let item = naming::ident(&p.item_model);
    let item_ty = quote!(#models #item);
    let name = format!("{} {}", s.name, op.op_id);
    let style = match p.style {
        PageStyle::ItemOffset => quote!(#core::PageStyle::ItemOffset),
        PageStyle::PageNumber { first } => quote!(#core::PageStyle::PageNumber { first: #first }),
        PageStyle::Marker => quote!(#core::PageStyle::Marker),
    };
    let pos = naming::ident(&p.position.rust_name);
    let pos_wire = &p.position.name;
    let (start, with_cursor) = match (p.style, &p.position.ty) {
        (PageStyle::Marker, _) => (
            quote!(self.#pos.clone().map(#core::Cursor::Marker)),
            quote!(cursor.to_marker(#pos_wire)?),
        ),
        (_, TypeRef::I32) => (
            quote!(self.#pos.map(|v| #core::Cursor::Number(i64::from(v)))),
            quote!(cursor.to_i32(#pos_wire)?),
        ),
        (_, TypeRef::I64) => (
            quote!(self.#pos.map(#core::Cursor::Number)),
            quote!(cursor.to_i64(#pos_wire)?),
        ),
        // Numbers the API declares as strings.
        _ => (
            quote!(self.#pos.as_deref().and_then(|v| v.trim().parse().ok()).map(#core::Cursor::Number)),
            quote!(cursor.to_i64(#pos_wire)?.to_string()),
        ),
    };
    let page_size = match &p.limit {
        None => quote!(None),
        Some(l) => {
            let field = naming::ident(&l.rust_name);
            match &l.ty {
                TypeRef::I32 => quote!(self.#field.map(i64::from)),
                TypeRef::I64 => quote!(self.#field),
                _ => quote!(self.#field.as_deref().and_then(|v| v.trim().parse().ok())),
            }
        }
    };
    let (chain, last) = step_chain(&p.items);
    let (items_ref, items_owned) = match &chain {
        None => (
            quote!(output.#last.as_deref().unwrap_or_default()),
            quote!(output.#last.unwrap_or_default()),
        ),
        Some(c) => {
            let idents: Vec<_> = p
                .items
                .iter()
                .map(|f| naming::ident(&f.rust_name))
                .collect();
            let first = &idents[0];
            let rest = &idents[1..];
            (
                quote!(#c.and_then(|v| v.#last.as_deref()).unwrap_or_default()),
                quote!(output.#first #(.and_then(|v| v.#rest))*.unwrap_or_default()),
            )
        }
    };
    let total = p.total.as_ref().map(|(steps, t)| {
        let (chain, last) = step_chain(steps);
        let value = match chain {
            None => quote!(output.#last),
            Some(c) => quote!(#c.and_then(|v| v.#last)),
        };
        let value = if *t == TypeRef::I32 {
            quote!(#value.map(i64::from))
        } else {
            value
        };
        quote! {
            #[inline]
            fn total(output: &#out_ty) -> Option<i64> {
                #value
            }
        }
    });
    let next_marker = p.next_marker.as_ref().map(|steps| {
        let (chain, last) = step_chain(steps);
        let value = match chain {
            None => quote!(output.#last.as_deref()),
            Some(c) => quote!(#c.and_then(|v| v.#last.as_deref())),
        };
        quote! {
            #[inline]
            fn next_marker(output: &#out_ty) -> Option<&str> {
                #value
            }
        }
    });
    // The next page starts after the last item: its marker field is the next marker.
    let next_marker = next_marker.or_else(|| {
        p.item_marker.as_ref().map(|f| {
            let field = naming::ident(&f.rust_name);
            quote! {
                #[inline]
                fn next_marker(output: &#out_ty) -> Option<&str> {
                    Self::items(output).last().and_then(|item| item.#field.as_deref())
                }
            }
        })
    });

    let items_path = p
        .items
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect::<Vec<_>>()
        .join(".");
    let limit_text = p
        .limit
        .as_ref()
        .map(|l| format!(", a page shorter than `{}`", l.name))
        .unwrap_or_default();
    let total_text = p
        .total
        .as_ref()
        .map(|(steps, _)| {
            let path = steps
                .iter()
                .map(|f| f.wire_name.as_str())
                .collect::<Vec<_>>()
                .join(".");
            format!(", the reported total (`{path}`)")
        })
        .unwrap_or_default();
    let how = match p.style {
        PageStyle::ItemOffset => format!(
            "Starts at the `{pos_wire}` set on this builder (else 0) and advances it by the \
             number of items received"
        ),
        PageStyle::PageNumber { first } => format!(
            "Starts at the page `{pos_wire}` set on this builder (else {first}) and asks for \
             the next page number each time"
        ),
        PageStyle::Marker if p.item_marker.is_some() => format!(
            "Starts at the `{pos_wire}` set on this builder (else the first page) and asks for \
             the page after the last item received (its `{}`)",
            p.item_marker
                .as_ref()
                .map(|f| f.wire_name.as_str())
                .unwrap_or_default()
        ),
        PageStyle::Marker => format!(
            "Starts at the `{pos_wire}` set on this builder (else the first page) and follows \
             the next marker of each response"
        ),
    };
    let stops = match p.style {
        PageStyle::Marker if p.item_marker.is_some() => format!("an empty page{limit_text}"),
        PageStyle::Marker => "a response without a next marker".to_owned(),
        _ => format!("an empty page{limit_text}{total_text}"),
    };
    let by_page_doc = wrapped_doc(&format!(
        "Sends this request page after page: a stream of responses. {how}; every other \
         parameter is kept. Ends after {stops}, or after the first error (a page the service \
         repeats is an error too)."
    ));
    let by_item_doc = wrapped_doc(&format!(
        "Like [`by_page`](Self::by_page), but yields the items of `{items_path}` one by one."
    ));
    quote! {
        impl #core::Paged for #ty {
            type Output = #out_ty;
            type Item = #item_ty;
            #[inline]
            fn operation(&self) -> &'static str {
                #name
            }
            #[inline]
            fn style(&self) -> #core::PageStyle {
                #style
            }
            #[inline]
            fn start(&self) -> Option<#core::Cursor> {
                #start
            }
            #[inline]
            fn page_size(&self) -> Option<i64> {
                #page_size
            }
            #[inline]
            fn with_cursor(mut self, cursor: &#core::Cursor) -> Result<Self> {
                self.#pos = Some(#with_cursor);
                Ok(self)
            }
            #[inline]
            fn send_page(self) -> impl std::future::Future<Output = Result<Response<#out_ty>>> + Send + 'static {
                self.send()
            }
            #[inline]
            fn items(output: &#out_ty) -> &[#item_ty] {
                #items_ref
            }
            #[inline]
            fn into_items(output: #out_ty) -> Vec<#item_ty> {
                #items_owned
            }
            #total
            #next_marker
        }

        impl #ty {
            #by_page_doc
            #[inline]
            pub fn by_page(self) -> #core::PageStream<Response<#out_ty>> {
                #core::by_page(self)
            }
            #by_item_doc
            #[inline]
            pub fn by_item(self) -> #core::PageStream<#item_ty> {
                #core::by_item(self)
            }
        }
    }
}

/// Doc attributes for trusted Markdown, wrapped.
fn wrapped_doc(text: &str) -> TokenStream {
    let mut doc = Doc::new();
    for l in wrap(text) {
        doc.line(&l);
    }
    doc.tokens()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `field: <value of its response header>,` for each output field filled from a header.
fn header_field_inits(op: &Operation) -> Vec<TokenStream> {
    op.response_headers
        .iter()
        .map(|h| {
            let field = naming::ident(&h.rust_name);
            let name = &h.name;
            if h.ty == TypeRef::String {
                quote!(#field: huaweicloud_sdk_core::__codegen::header_text(headers, #name),)
            } else {
                quote!(#field: huaweicloud_sdk_core::__codegen::header_value(headers, #name)?,)
            }
        })
        .collect()
}
