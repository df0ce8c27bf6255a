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

/// Which credentials a service takes, as the official client classes declare them.
///
/// Regional services (most) take `BasicCredentials`: the project id goes into
/// `X-Project-Id`. Global services (AAD, BSS, CDN, ...) take `GlobalCredentials`: the domain
/// (account) id goes into `X-Domain-Id` and no project id is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialScope {
    /// Project-scoped: `X-Project-Id` from the project id.
    #[default]
    Regional,
    /// Account-scoped: `X-Domain-Id` from the domain id.
    Global,
    /// Signed with the access key but scoped by neither id: no `X-Project-Id` or
    /// `X-Domain-Id` (the official `SMSApiCredentials`).
    Unscoped,
    /// Neither signed nor scoped, and no credentials are looked for: the official client
    /// sends the request as it is built and the caller's own tokens travel as parameters
    /// (IAM Identity Center's OIDC, portal and SCIM APIs).
    Anonymous,
}
