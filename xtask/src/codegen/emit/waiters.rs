//! Glue for `x-huaweicloud-waiters`: per waiter a `static WaiterSpec`, a method on the polled
//! operation's builder and a shortcut on the client. Core's `waiter::Wait` does the polling,
//! so each waiter costs a few lines.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Doc, literal, placeholder, type_tokens};
use crate::codegen::ir::{
    Operation, Param, ParamLocation, ResponseKind, Service, Waiter, WaiterDelay,
};
use crate::codegen::naming;

/// The type a waiter resolves to: the poll's response, optional when `gone` can end it.
fn output_ty(op: &Operation, w: &Waiter, models: &TokenStream) -> TokenStream {
    let out = match &op.response {
        ResponseKind::Json(t) => type_tokens(t, models),
        // Lowering accepts waiters only on JSON model responses.
        _ => quote!(()),
    };
    if w.gone.is_empty() {
        quote!(huaweicloud_sdk_core::waiter::Wait<huaweicloud_sdk_core::Response<#out>>)
    } else {
        quote!(huaweicloud_sdk_core::waiter::Wait<Option<huaweicloud_sdk_core::Response<#out>>>)
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first paragraph of both methods' docs: the spec's description.
fn summary(doc: &mut Doc, w: &Waiter) {
    for l in super::wrap(&super::escape(&format!("Waits for {}.", w.description))) {
        doc.line(&l);
    }
}

/// What the wait does, for both methods' docs.
fn behaviour(op: &Operation, w: &Waiter) -> String {
    let state = w
        .state
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect::<Vec<_>>()
        .join(".");
    let mut text = format!(
        "Polls `{}` until `{state}` is {}",
        op.op_id,
        quoted(&w.success)
    );
    if !w.failure.is_empty() {
        text.push_str(&format!(
            "; a failure state ({}) ends the wait with an error naming it",
            quoted(&w.failure)
        ));
    }
    if !w.tolerate.is_empty() {
        let s: Vec<String> = w.tolerate.iter().map(u16::to_string).collect();
        text.push_str(&format!("; HTTP {} counts as not ready yet", s.join(", ")));
    }
    if !w.gone.is_empty() {
        let s: Vec<String> = w.gone.iter().map(u16::to_string).collect();
        text.push_str(&format!(
            "; HTTP {} means the resource is gone, which ends the wait with `None`",
            s.join(", ")
        ));
    }
    let delay = match w.delay {
        WaiterDelay::Fixed(d) => format!("every {d} s,"),
        WaiterDelay::Range { min, max } => format!("{min} s apart at first, growing to {max} s,"),
    };
    text.push_str(&format!(
        ". Polls {delay} and gives up after {} s (change it with `.timeout(...)` before \
         `.await`); the error says the last state seen.",
        w.timeout_secs
    ));
    text
}

/// Per waiter of `op`: the `static WaiterSpec` and an `impl` with the builder methods.
pub fn builder_items(s: &Service, op: &Operation, models: &TokenStream) -> TokenStream {
    if op.waiters.is_empty() {
        return quote!();
    }
    let ty = format_ident!("{}", op.type_name);
    let core = quote!(huaweicloud_sdk_core);
    let path_params: Vec<&Param> = op.path_params.iter().collect();
    let param_names: Vec<&str> = path_params.iter().map(|p| p.name.as_str()).collect();
    let param_fields: Vec<_> = path_params
        .iter()
        .map(|p| naming::ident(&p.rust_name))
        .collect();
    let response = match &op.response {
        ResponseKind::Json(t) => type_tokens(t, models),
        _ => quote!(()),
    };
    let (statics, methods): (Vec<_>, Vec<_>) = op
        .waiters
        .iter()
        .map(|w| {
            let static_name = format_ident!("{}", w.static_name);
            let (service, op_id, description) = (&s.name, &op.op_id, &w.description);
            let (success, failure, tolerate, gone) = (&w.success, &w.failure, &w.tolerate, &w.gone);
            let timeout = w.timeout_secs;
            let delay = match w.delay {
                WaiterDelay::Fixed(d) => {
                    quote!(#core::Backoff::Fixed(std::time::Duration::from_secs(#d)))
                }
                WaiterDelay::Range { min, max } => quote!(#core::Backoff::BoundedJitter {
                    min: std::time::Duration::from_secs(#min),
                    max: std::time::Duration::from_secs(#max),
                }),
            };
            let spec = quote! {
                static #static_name: #core::__codegen::WaiterSpec = #core::__codegen::WaiterSpec {
                    service: #service,
                    operation: #op_id,
                    description: #description,
                    params: &[#(#param_names),*],
                    success: &[#(#success),*],
                    failure: &[#(#failure),*],
                    timeout: std::time::Duration::from_secs(#timeout),
                    delay: #delay,
                    tolerate: &[#(#tolerate),*],
                    gone: &[#(#gone),*],
                };
            };
            let idents: Vec<_> = w.state.iter().map(|f| naming::ident(&f.rust_name)).collect();
            let state = match idents.split_first() {
                Some((first, rest)) => {
                    quote!(output.#first.as_ref() #(.and_then(|v| v.#rest.as_ref()))*.map(ToString::to_string))
                }
                None => quote!(None),
            };
            let constructor = if w.gone.is_empty() {
                quote!(new)
            } else {
                quote!(or_gone)
            };
            let name = naming::ident(&w.method);
            let out = output_ty(op, w, models);
            let mut doc = Doc::new();
            summary(&mut doc, w);
            doc.para(&behaviour(op, w));
            let doc = doc.tokens();
            let method = quote! {
                #doc
                #[inline]
                pub fn #name(self) -> #out {
                    let client = self.client.clone();
                    let values = vec![#(self.#param_fields.as_ref().map(ToString::to_string)),*];
                    #core::waiter::Wait::#constructor(
                        &client,
                        &#static_name,
                        values,
                        move || self.clone().send(),
                        |output: &#response| #state,
                    )
                }
            };
            (spec, method)
        })
        .unzip();
    quote! {
        #(#statics)*

        impl #ty {
            #(#methods)*
        }
    }
}

/// The required parameters of `op`, in the order a shortcut takes them.
fn required(op: &Operation) -> Vec<&Param> {
    let order = [
        ParamLocation::Path,
        ParamLocation::Query,
        ParamLocation::Header,
    ];
    order
        .iter()
        .flat_map(|l| op.params().filter(move |p| p.location == *l && p.required))
        .collect()
}

/// The client's shortcut methods for the waiters of `op`.
pub fn client_methods(s: &Service, op: &Operation) -> Vec<TokenStream> {
    let models = quote!(super::models::);
    let method = naming::ident(&op.rust_name);
    let params = required(op);
    op.waiters
        .iter()
        .map(|w| {
            let name = naming::ident(&w.method);
            let out = output_ty(op, w, &models);
            let args = params.iter().map(|p| {
                let id = naming::ident(&p.rust_name);
                let (ty, _) = super::operations::setter_arg(&p.ty, &models);
                quote!(#id: #ty)
            });
            let sets = params.iter().map(|p| {
                let id = naming::ident(&p.rust_name);
                quote!(.#id(#id))
            });
            let mut doc = Doc::new();
            summary(&mut doc, w);
            doc.para(&behaviour(op, w));
            doc.md(&format!(
                "Same as `self.{}(){}.{}()`; set optional parameters or \
                 [`RequestOptions`](huaweicloud_sdk_core::RequestOptions) there.",
                naming::ident_text(&op.rust_name),
                params
                    .iter()
                    .map(|p| format!(".{0}({0})", naming::ident_text(&p.rust_name)))
                    .collect::<String>(),
                w.method
            ));
            doc.md("# Example");
            doc.md("```no_run");
            for l in example(s, op, w, &params) {
                doc.line(&l);
            }
            doc.line("```");
            let doc = doc.tokens();
            quote! {
                #doc
                #[inline]
                pub fn #name(&self, #(#args),*) -> #out {
                    self.#method() #(#sets)* .#name()
                }
            }
        })
        .collect()
}

fn example(s: &Service, op: &Operation, w: &Waiter, params: &[&Param]) -> Vec<String> {
    let args: Vec<String> = params
        .iter()
        .map(|p| {
            p.example
                .as_ref()
                .and_then(|v| literal(&p.ty, v, s))
                .or_else(|| placeholder(&p.ty))
                .unwrap_or_default()
        })
        .collect();
    let mut lines = super::example_client_lines(s);
    lines.push("let output = client".to_owned());
    lines.push(format!("    .{}({})", w.method, args.join(", ")));
    lines.push(format!(
        "    .timeout(std::time::Duration::from_secs({}))",
        w.timeout_secs
    ));
    lines.push("    .await?;".to_owned());
    if w.gone.is_empty() {
        lines.push("println!(\"{:?}\", output.output());".to_owned());
    } else {
        lines.push("match output {".to_owned());
        lines.push("    Some(response) => println!(\"{:?}\", response.output()),".to_owned());
        lines.push(format!(
            "    None => println!(\"gone (`{}` answered not found)\"),",
            op.op_id
        ));
        lines.push("}".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines
}
