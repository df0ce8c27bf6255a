//! Vocabulary shared by the client and generated crates: a service and its static region
//! table.

/// A service: its env/regions-file key and its static region table.
#[derive(Debug)]
pub struct ServiceSpec {
    /// Upper-case key: `HUAWEICLOUD_SDK_REGION_{name}_{REGION}` and the regions.yaml key.
    pub name: &'static str,
    /// Region id → endpoints, sorted by id.
    pub regions: &'static [RegionSpec],
}

/// One row of a service's static region table.
#[derive(Debug)]
pub struct RegionSpec {
    pub id: &'static str,
    pub endpoints: &'static [&'static str],
}
