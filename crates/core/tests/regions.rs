//! Region → endpoint resolution: env override, regions file, static table, endpoint parsing and
//! the client builder's use of them. Reference: huawei-sdk-core.md §3.
//!
//! Tests never touch the process environment (every lookup gets an `Env::from_vars`) and never
//! reach the network; files live in a unique directory under the system temp dir that is
//! removed when the test ends.

mod support;

use huaweicloud_sdk_core::__codegen::{RegionSpec, ServiceSpec};
use huaweicloud_sdk_core::region::{Endpoint, parse_regions_file};
use huaweicloud_sdk_core::{Client, Credentials, Error, ErrorKind, Region};
use support::{TempDir, env, expect_err};

/// The official example of `regions.yaml` (Go `core/region/test_regions.yaml`), verbatim.
const OFFICIAL_REGIONS: &str = include_str!("data/regions_official_example.yaml");

static DCS: ServiceSpec = ServiceSpec {
    name: "DCS",
    regions: &[
        RegionSpec {
            id: "cn-north-4",
            endpoints: &["https://dcs.cn-north-4.myhuaweicloud.com"],
        },
        RegionSpec {
            id: "cn-south-1",
            endpoints: &[
                "https://dcs.cn-south-1.myhuaweicloud.com",
                "https://dcs-backup.cn-south-1.myhuaweicloud.com",
            ],
        },
    ],
};

/// The services of the official example file; they have no static table.
static SERVICE1: ServiceSpec = ServiceSpec {
    name: "SERVICE1",
    regions: &[],
};
static SERVICE2: ServiceSpec = ServiceSpec {
    name: "SERVICE2",
    regions: &[],
};

const ENV_VAR: &str = "HUAWEICLOUD_SDK_REGION_DCS_CN_NORTH_4";

// ---------------------------------------------------------------------------------------------
// helpers

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn resolve(region: &str, vars: &[(&str, &str)]) -> Result<Region, Error> {
    Region::resolve(&DCS, region, &env(vars))
}

// ---------------------------------------------------------------------------------------------
// static table

#[test]
fn static_table_hit() {
    let r = resolve("cn-north-4", &[]).expect("in the table");
    assert_eq!(
        r,
        Region::new(
            "cn-north-4",
            strings(&["https://dcs.cn-north-4.myhuaweicloud.com"])
        )
    );
    let r = resolve(" cn-south-1 ", &[]).expect("in the table, id trimmed");
    assert_eq!(r.id, "cn-south-1");
    assert_eq!(
        r.endpoints,
        strings(&[
            "https://dcs.cn-south-1.myhuaweicloud.com",
            "https://dcs-backup.cn-south-1.myhuaweicloud.com",
        ])
    );
}

#[test]
fn static_table_hit_with_home_without_regions_file() {
    let home = TempDir::new("no-file");
    let r = resolve("cn-north-4", &[("HOME", &home.str())]).expect("in the table");
    assert_eq!(
        r.endpoints,
        strings(&["https://dcs.cn-north-4.myhuaweicloud.com"])
    );
}

#[test]
fn unknown_region_lists_supported_ids_and_the_env_var() {
    let e = expect_err(resolve("xx-nowhere-1", &[]));
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "configuration error: region id 'xx-nowhere-1' is not among the supported regions of service DCS: [cn-north-4, cn-south-1]; set HUAWEICLOUD_SDK_REGION_DCS_XX_NOWHERE_1 or add it to the regions file, or give an endpoint"
    );
}

#[test]
fn region_ids_are_case_sensitive_in_the_table() {
    // The official tables are keyed by the exact lower-case id.
    let e = expect_err(resolve("CN-NORTH-4", &[]));
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("[cn-north-4, cn-south-1]"), "{e}");
}

#[test]
fn empty_region_id_is_a_config_error() {
    for id in ["", "   "] {
        let e = expect_err(resolve(id, &[]));
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_eq!(e.to_string(), "configuration error: region id is empty");
    }
}

// ---------------------------------------------------------------------------------------------
// env override

#[test]
fn env_override_comma_list_trimmed_wins_over_file_and_table() {
    let dir = TempDir::new("env-wins");
    let file = dir.write(
        "regions.yaml",
        "DCS:\n  - id: cn-north-4\n    endpoint: https://from-file\n",
    );
    let file = file.to_str().unwrap();
    let r = resolve(
        "cn-north-4",
        &[
            (ENV_VAR, " https://a , https://b,,  "),
            ("HUAWEICLOUD_SDK_REGIONS_FILE", file),
            ("HOME", &dir.str()),
        ],
    )
    .expect("env override");
    assert_eq!(
        r,
        Region::new("cn-north-4", strings(&["https://a", "https://b"]))
    );
}

#[test]
fn env_override_for_a_region_not_in_the_table() {
    let r = resolve(
        "eu-west-101",
        &[("HUAWEICLOUD_SDK_REGION_DCS_EU_WEST_101", "https://dcs.eu")],
    )
    .expect("env override");
    assert_eq!(r.id, "eu-west-101");
    assert_eq!(r.endpoints, strings(&["https://dcs.eu"]));
}

#[test]
fn env_override_single_value() {
    let r = resolve("cn-north-4", &[(ENV_VAR, "https://a")]).unwrap();
    assert_eq!(r.endpoints, strings(&["https://a"]));
}

#[test]
fn env_override_empty_value_is_unset() {
    // An empty or whitespace-only value is treated as unset (as `Env::get` documents): the
    // table applies.
    for v in ["", "   "] {
        let r = resolve("cn-north-4", &[(ENV_VAR, v)]).expect("falls through to table");
        assert_eq!(
            r.endpoints,
            strings(&["https://dcs.cn-north-4.myhuaweicloud.com"])
        );
    }
}

#[test]
fn env_override_with_only_commas_is_an_error() {
    let e = expect_err(resolve("cn-north-4", &[(ENV_VAR, " , ,")]));
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "configuration error: HUAWEICLOUD_SDK_REGION_DCS_CN_NORTH_4 lists no endpoint"
    );
}

#[test]
fn env_override_of_another_service_or_region_is_ignored() {
    let r = resolve(
        "cn-north-4",
        &[
            ("HUAWEICLOUD_SDK_REGION_KAFKA_CN_NORTH_4", "https://kafka"),
            ("HUAWEICLOUD_SDK_REGION_DCS_CN_SOUTH_1", "https://south"),
        ],
    )
    .unwrap();
    assert_eq!(
        r.endpoints,
        strings(&["https://dcs.cn-north-4.myhuaweicloud.com"])
    );
}

// ---------------------------------------------------------------------------------------------
// regions file

#[test]
fn official_example_file_single_and_list_with_case_insensitive_service() {
    let dir = TempDir::new("official");
    let file = dir.write("regions.yaml", OFFICIAL_REGIONS);
    let vars = [("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())];
    let r = Region::resolve(&SERVICE1, "region-id-1", &env(&vars)).expect("Service1 entry");
    assert_eq!(
        r,
        Region::new(
            "region-id-1",
            strings(&["https://service1.region-id-1.com"])
        )
    );
    let r = Region::resolve(&SERVICE2, "region-id-2", &env(&vars)).expect("Service2 entry");
    assert_eq!(
        r,
        Region::new(
            "region-id-2",
            strings(&[
                "https://service2.region-id-2.com",
                "https://service2.region-id-2.cn"
            ])
        )
    );
    // Service1 has no region-id-2 and no table: unknown.
    let e = expect_err(Region::resolve(&SERVICE1, "region-id-2", &env(&vars)));
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("service SERVICE1: []"), "{e}");
}

#[test]
fn parse_regions_file_directly() {
    let r = parse_regions_file(OFFICIAL_REGIONS, "f", "service2", "region-id-2")
        .expect("valid")
        .expect("found");
    assert_eq!(r.endpoints.len(), 2);
    assert_eq!(
        parse_regions_file(OFFICIAL_REGIONS, "f", "SERVICE3", "region-id-2").expect("valid"),
        None
    );
    assert_eq!(
        parse_regions_file(OFFICIAL_REGIONS, "f", "Service1", "nope").expect("valid"),
        None
    );
    assert_eq!(
        parse_regions_file("", "f", "Service1", "x").expect("empty"),
        None
    );
    assert_eq!(
        parse_regions_file(" \n\t\n", "f", "Service1", "x").expect("blank"),
        None
    );
}

#[test]
fn endpoint_and_endpoints_together_are_combined_in_order() {
    let text = "dcs:\n  - id: cn-north-4\n    endpoint: https://one\n    endpoints:\n      - https://two\n      - ' '\n      - https://three\n";
    let r = parse_regions_file(text, "f", "DCS", "cn-north-4")
        .unwrap()
        .unwrap();
    assert_eq!(
        r.endpoints,
        strings(&["https://one", "https://two", "https://three"])
    );
}

#[test]
fn regions_file_from_variable_wins_over_table() {
    let dir = TempDir::new("file-wins");
    let file = dir.write(
        "custom.yaml",
        "dcs:\n  - id: cn-north-4\n    endpoint: https://from-file\n",
    );
    let r = resolve(
        "cn-north-4",
        &[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())],
    )
    .unwrap();
    assert_eq!(
        r,
        Region::new("cn-north-4", strings(&["https://from-file"]))
    );
    // A region the file does not list still comes from the table.
    let r = resolve(
        "cn-south-1",
        &[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())],
    )
    .unwrap();
    assert_eq!(r.endpoints.len(), 2);
}

#[test]
fn default_regions_file_under_home_wins_over_table() {
    let dir = TempDir::new("home-file");
    dir.write(
        ".huaweicloud/regions.yaml",
        "Dcs:\n  - id: cn-north-4\n    endpoints: ['https://h1', 'https://h2']\n",
    );
    let r = resolve("cn-north-4", &[("HOME", &dir.str())]).unwrap();
    assert_eq!(r.endpoints, strings(&["https://h1", "https://h2"]));
}

#[test]
fn regions_file_variable_wins_over_home_file() {
    let dir = TempDir::new("var-over-home");
    dir.write(
        ".huaweicloud/regions.yaml",
        "DCS:\n  - id: cn-north-4\n    endpoint: https://home\n",
    );
    let file = dir.write(
        "explicit.yaml",
        "DCS:\n  - id: cn-north-4\n    endpoint: https://explicit\n",
    );
    let r = resolve(
        "cn-north-4",
        &[
            ("HOME", &dir.str()),
            ("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap()),
        ],
    )
    .unwrap();
    assert_eq!(r.endpoints, strings(&["https://explicit"]));
}

#[test]
fn regions_file_for_other_services_falls_back_to_table() {
    let dir = TempDir::new("other-service");
    let file = dir.write(
        "r.yaml",
        "KAFKA:\n  - id: cn-north-4\n    endpoint: https://kafka\n",
    );
    let r = resolve(
        "cn-north-4",
        &[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())],
    )
    .unwrap();
    assert_eq!(
        r.endpoints,
        strings(&["https://dcs.cn-north-4.myhuaweicloud.com"])
    );
}

/// Asserts a Config error whose message names `file`.
fn assert_config_error_naming(e: &Error, file: &std::path::Path) {
    assert_eq!(e.kind(), ErrorKind::Config, "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(&file.display().to_string()),
        "message does not name {}: {msg}",
        file.display()
    );
}

#[test]
fn malformed_yaml_and_wrong_shapes_name_the_file() {
    let dir = TempDir::new("malformed");
    let cases = [
        "DCS: [\n",
        "DCS:\n  - id: cn-north-4\n   endpoint: bad-indent\n",
        // Wrong shapes.
        "just a string\n",
        "- id: cn-north-4\n  endpoint: https://x\n",
        "DCS:\n  id: cn-north-4\n  endpoint: https://x\n",
        "DCS:\n  - cn-north-4\n",
        "DCS:\n  - id: cn-north-4\n    endpoint: [https://x]\n",
        "DCS:\n  - endpoint: https://x\n",
        // An unknown field (typo) is rejected rather than silently ignored.
        "DCS:\n  - id: cn-north-4\n    endpiont: https://x\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let file = dir.write(&format!("bad-{i}.yaml"), text);
        let e = expect_err(resolve(
            "cn-north-4",
            &[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())],
        ));
        assert_config_error_naming(&e, &file);
        assert!(
            e.to_string().starts_with(&format!(
                "configuration error: regions file {} is not valid: ",
                file.display()
            )),
            "{e}"
        );
    }
}

#[test]
fn malformed_default_file_under_home_is_an_error_too() {
    let dir = TempDir::new("malformed-home");
    let file = dir.write(".huaweicloud/regions.yaml", "DCS: {{{\n");
    let e = expect_err(resolve("cn-north-4", &[("HOME", &dir.str())]));
    assert_config_error_naming(&e, &file);
}

#[test]
fn explicit_regions_file_missing_is_an_error() {
    let dir = TempDir::new("explicit-missing");
    let missing = dir.path().join("nope.yaml");
    let e = expect_err(resolve(
        "cn-north-4",
        &[("HUAWEICLOUD_SDK_REGIONS_FILE", missing.to_str().unwrap())],
    ));
    assert_config_error_naming(&e, &missing);
    assert!(
        e.to_string().starts_with(&format!(
            "configuration error: regions file {} cannot be read: ",
            missing.display()
        )),
        "{e}"
    );
}

#[test]
fn entry_with_neither_endpoint_nor_endpoints_is_an_error() {
    let dir = TempDir::new("no-endpoint");
    for (i, text) in [
        "DCS:\n  - id: cn-north-4\n",
        "DCS:\n  - id: cn-north-4\n    endpoint: ''\n",
        "DCS:\n  - id: cn-north-4\n    endpoints: []\n",
    ]
    .iter()
    .enumerate()
    {
        let file = dir.write(&format!("r{i}.yaml"), text);
        let e = expect_err(resolve(
            "cn-north-4",
            &[("HUAWEICLOUD_SDK_REGIONS_FILE", file.to_str().unwrap())],
        ));
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_eq!(
            e.to_string(),
            format!(
                "configuration error: regions file {}: DCS region 'cn-north-4' has neither endpoint nor endpoints",
                file.display()
            )
        );
    }
}

#[test]
fn comment_only_regions_file_is_like_an_empty_one() {
    // A regions.yaml whose entries are all commented out is an empty document: Go's
    // yaml.Unmarshal and Python's yaml.safe_load accept it (no overrides).
    let r = parse_regions_file("# DCS:\n#  - id: cn-north-4\n", "f", "DCS", "cn-north-4");
    assert_eq!(r.expect("comment-only file is valid"), None);
}

#[test]
fn service_key_with_no_entries_is_like_an_absent_one() {
    // `DCS:` with every entry commented out is null in YAML; the official SDKs read it as an
    // empty list.
    let r = parse_regions_file("DCS:\n#  - id: cn-north-4\n", "f", "DCS", "cn-north-4");
    assert_eq!(r.expect("null entry list is valid"), None);
}

// ---------------------------------------------------------------------------------------------
// Endpoint::parse

#[test]
fn endpoint_without_scheme_is_https() {
    let e = Endpoint::parse("dcs.cn-north-4.myhuaweicloud.com").unwrap();
    assert_eq!(e.as_str(), "https://dcs.cn-north-4.myhuaweicloud.com");
    assert_eq!(e.host(), "dcs.cn-north-4.myhuaweicloud.com");
    assert_eq!(
        format!("{e:?}"),
        "Endpoint(https://dcs.cn-north-4.myhuaweicloud.com)"
    );
    let e = Endpoint::parse("  h.example:8443/base/ ").unwrap();
    assert_eq!(e.as_str(), "https://h.example:8443/base");
    assert_eq!(e.host(), "h.example:8443");
}

#[test]
fn endpoint_default_port_dropped_other_port_kept() {
    for (raw, prefix, host) in [
        ("https://h.example:443", "https://h.example", "h.example"),
        ("https://h.example:443/", "https://h.example", "h.example"),
        ("http://h.example:80", "http://h.example", "h.example"),
        ("h.example:443", "https://h.example", "h.example"),
        (
            "http://h.example:443",
            "http://h.example:443",
            "h.example:443",
        ),
        (
            "https://h.example:80",
            "https://h.example:80",
            "h.example:80",
        ),
        (
            "https://h.example:8443",
            "https://h.example:8443",
            "h.example:8443",
        ),
        (
            "http://127.0.0.1:18080/base/",
            "http://127.0.0.1:18080/base",
            "127.0.0.1:18080",
        ),
        ("HTTPS://H.Example", "https://h.example", "h.example"),
    ] {
        let e = Endpoint::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(e.as_str(), prefix, "{raw}");
        assert_eq!(e.host(), host, "{raw}");
    }
}

#[test]
fn endpoint_rejects_other_schemes_and_bad_input() {
    let e = expect_err(Endpoint::parse("ftp://files.example"));
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "configuration error: endpoint 'ftp://files.example': scheme must be http or https"
    );
    for raw in [
        "",
        "  ",
        "https://x/?a=b",
        "https://x/#frag",
        "https://",
        "https://bad host",
    ] {
        let e = expect_err(Endpoint::parse(raw));
        assert_eq!(e.kind(), ErrorKind::Config, "{raw}");
    }
    assert_eq!(
        expect_err(Endpoint::parse("")).to_string(),
        "configuration error: endpoint is empty"
    );
}

#[test]
fn endpoint_rejects_userinfo_without_echoing_the_password() {
    for (raw, shown) in [
        ("https://user:hunter2pw@h.example", "https://***@h.example"),
        ("user:hunter2pw@h.example", "***@h.example"),
        (
            "http://user:hunter2pw@h.example:8080/base",
            "http://***@h.example:8080/base",
        ),
    ] {
        let e = expect_err(Endpoint::parse(raw));
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_eq!(
            e.to_string(),
            format!(
                "configuration error: endpoint '{shown}': credentials in the URL are not allowed"
            ),
            "{raw}"
        );
        assert!(!format!("{e:?}").contains("hunter2pw"));
    }
    let e = expect_err(Endpoint::parse("https://onlyuser@h.example"));
    assert!(
        e.to_string()
            .contains("credentials in the URL are not allowed")
    );
}

#[test]
fn endpoint_errors_never_echo_a_password_whatever_else_is_wrong() {
    // A URL with userinfo that is also wrong in another way (scheme, host, query) must not
    // echo the password through the other error's message either.
    let inputs = [
        "ftp://user:hunter2pw@h.example",
        "https://user:hunter2pw@bad host",
        "https://user:hunter2pw@",
        "https://user:hunter2pw@h.example/?q=1",
    ];
    let mut leaks = Vec::new();
    for raw in inputs {
        let e = expect_err(Endpoint::parse(raw));
        assert_eq!(e.kind(), ErrorKind::Config, "{raw}");
        let shown = format!("{e} {e:?}");
        if shown.contains("hunter2pw") {
            leaks.push(format!("{raw} -> {e}"));
        }
    }
    assert!(leaks.is_empty(), "password echoed:\n{}", leaks.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// ClientBuilder

fn creds() -> Credentials {
    Credentials::new("ak", "sk").unwrap()
}

#[test]
fn builder_unknown_region_is_a_config_error() {
    let e = expect_err(
        Client::builder(&DCS)
            .region("xx")
            .env(env(&[]))
            .credentials(creds())
            .build_core(),
    );
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "configuration error: region id 'xx' is not among the supported regions of service DCS: [cn-north-4, cn-south-1]; set HUAWEICLOUD_SDK_REGION_DCS_XX or add it to the regions file, or give an endpoint"
    );
}

#[test]
fn builder_known_region_uses_the_table() {
    let c = Client::builder(&DCS)
        .region("cn-north-4")
        .env(env(&[]))
        .credentials(creds())
        .build_core()
        .expect("client");
    assert_eq!(c.region_id(), Some("cn-north-4"));
    let dbg = format!("{c:?}");
    assert!(
        dbg.contains("endpoints: [Endpoint(https://dcs.cn-north-4.myhuaweicloud.com)]"),
        "{dbg}"
    );
}

#[test]
fn builder_region_uses_env_override() {
    let c = Client::builder(&DCS)
        .region("cn-north-4")
        .env(env(&[(ENV_VAR, "a.example, http://b.example:8080")]))
        .credentials(creds())
        .build_core()
        .expect("client");
    let dbg = format!("{c:?}");
    assert!(
        dbg.contains("endpoints: [Endpoint(https://a.example), Endpoint(http://b.example:8080)]"),
        "{dbg}"
    );
}

#[test]
fn builder_endpoint_bypasses_the_table() {
    let c = Client::builder(&DCS)
        .region("xx")
        .endpoint("host.example")
        .env(env(&[]))
        .credentials(creds())
        .build_core()
        .expect("an explicit endpoint needs no table entry");
    assert_eq!(c.region_id(), Some("xx"));
    let dbg = format!("{c:?}");
    assert!(
        dbg.contains("endpoints: [Endpoint(https://host.example)]"),
        "{dbg}"
    );

    let c = Client::builder(&DCS)
        .endpoint("host.example")
        .env(env(&[]))
        .credentials(creds())
        .build_core()
        .expect("endpoint without region");
    assert_eq!(c.region_id(), None);
}

#[test]
fn builder_endpoint_bypasses_a_broken_regions_file() {
    let dir = TempDir::new("builder-broken-file");
    let file = dir.write("r.yaml", "DCS: [\n");
    let c = Client::builder(&DCS)
        .endpoint("host.example")
        .env(env(&[(
            "HUAWEICLOUD_SDK_REGIONS_FILE",
            file.to_str().unwrap(),
        )]))
        .credentials(creds())
        .build_core();
    assert!(c.is_ok(), "{c:?}");
}

#[test]
fn builder_invalid_endpoint_is_a_config_error() {
    let e = expect_err(
        Client::builder(&DCS)
            .endpoint("ftp://host.example")
            .env(env(&[]))
            .credentials(creds())
            .build_core(),
    );
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[test]
fn builder_needs_a_region_or_an_endpoint() {
    let e = expect_err(
        Client::builder(&DCS)
            .env(env(&[]))
            .credentials(creds())
            .build_core(),
    );
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        "configuration error: DCS: neither a region nor an endpoint was given"
    );
}
