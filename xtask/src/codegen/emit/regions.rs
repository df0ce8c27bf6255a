//! `src/regions.rs`: the static region table.

use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::ir::Service;

pub fn emit(s: &Service) -> TokenStream {
    let name = &s.name;
    let rows = s.regions.iter().map(|r| {
        let id = &r.id;
        let eps = &r.endpoints;
        quote! { RegionSpec { id: #id, endpoints: &[#(#eps),*] } }
    });
    let doc = format!(
        " Region table of {} (`{}`), from `x-huaweicloud-regions`.",
        s.title, s.name
    );
    quote! {
        use huaweicloud_sdk_core::__codegen::{RegionSpec, ServiceSpec};

        #[doc = #doc]
        pub(crate) static SERVICE: ServiceSpec = ServiceSpec {
            name: #name,
            regions: &[#(#rows),*],
        };
    }
}
