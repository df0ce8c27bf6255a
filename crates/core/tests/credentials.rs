//! Credentials: the env provider, the INI profile provider, the default chain and the redaction
//! of secrets in `Debug`. Reference: huawei-sdk-core.md §2.
//!
//! Tests never touch the process environment (every provider gets an `Env::from_vars`) and
//! never reach the network; files live in a unique directory under the system temp dir that
//! is removed when the test ends.

mod support;

use huaweicloud_sdk_core::credentials::{
    DefaultChain, EnvProvider, ProfileProvider, ProvideCredentials, parse_profile,
};
use huaweicloud_sdk_core::env::Env;
use huaweicloud_sdk_core::sign::SigningKey;
use huaweicloud_sdk_core::{Credentials, Error, ErrorKind};
use support::{TempDir, env, expect_err};

/// The official Go `profile_provider_test.go` example profile, verbatim.
const OFFICIAL_PROFILE: &str = include_str!("data/cred_official_profile.ini");

// ---------------------------------------------------------------------------------------------
// helpers

/// Asserts a credentials error with exactly this Display text.
fn assert_credentials_error(e: &Error, expected: &str) {
    assert_eq!(e.kind(), ErrorKind::Credentials, "{e:?}");
    assert_eq!(e.to_string(), expected);
}

const AK: &str = "AKEXAMPLEAKEXAMPLE01";
const SK: &str = "SKsecretSKsecretSKsecretSKsecret0123456789";
const TOKEN: &str = "gQpjbi1ub3J0aC00TOKENsecretTOKEN+/==";

// ---------------------------------------------------------------------------------------------
// EnvProvider

#[test]
fn env_reads_ak_sk_token_project_and_domain() {
    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "proj-1"),
        ("HUAWEICLOUD_SDK_DOMAIN_ID", "dom-1"),
    ]))
    .load()
    .expect("credentials from env");
    assert_eq!(c.access_key(), AK);
    assert_eq!(c.security_token(), Some(TOKEN));
    assert_eq!(c.project_id(), Some("proj-1"));
    assert_eq!(c.domain_id(), Some("dom-1"));
    assert_eq!(c.expires_at(), None);
    assert_eq!(c.source(), "environment");
}

#[test]
fn env_values_are_trimmed_and_optional_ones_may_be_absent() {
    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", "  AKPADDED \t"),
        ("HUAWEICLOUD_SDK_SK", " sk-padded "),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "   "),
        ("HUAWEICLOUD_SDK_PROJECT_ID", ""),
    ]))
    .load()
    .expect("credentials from env");
    assert_eq!(c.access_key(), "AKPADDED");
    assert_eq!(
        c.security_token(),
        None,
        "whitespace-only token is no token"
    );
    assert_eq!(c.project_id(), None, "empty project id is no project id");
    assert_eq!(c.domain_id(), None);
}

#[test]
fn env_missing_ak_names_the_ak_variable_only() {
    let e = expect_err(EnvProvider::with_env(env(&[("HUAWEICLOUD_SDK_SK", SK)])).load());
    assert_credentials_error(
        &e,
        "credentials error: environment: HUAWEICLOUD_SDK_AK not set or empty",
    );
    assert!(!e.to_string().contains("HUAWEICLOUD_SDK_SK"));
}

#[test]
fn env_missing_sk_names_the_sk_variable_only() {
    let e = expect_err(EnvProvider::with_env(env(&[("HUAWEICLOUD_SDK_AK", AK)])).load());
    assert_credentials_error(
        &e,
        "credentials error: environment: HUAWEICLOUD_SDK_SK not set or empty",
    );
    assert!(!e.to_string().contains("HUAWEICLOUD_SDK_AK"));
}

#[test]
fn env_both_missing_names_both_variables() {
    let e = expect_err(EnvProvider::with_env(env(&[])).load());
    assert_credentials_error(
        &e,
        "credentials error: environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK not set or empty",
    );
}

#[test]
fn env_empty_and_whitespace_only_values_count_as_missing() {
    for blank in ["", " ", "\t", "  \t  ", "\n"] {
        let e = expect_err(
            EnvProvider::with_env(env(&[
                ("HUAWEICLOUD_SDK_AK", AK),
                ("HUAWEICLOUD_SDK_SK", blank),
            ]))
            .load(),
        );
        assert_credentials_error(
            &e,
            "credentials error: environment: HUAWEICLOUD_SDK_SK not set or empty",
        );

        let e = expect_err(
            EnvProvider::with_env(env(&[
                ("HUAWEICLOUD_SDK_AK", blank),
                ("HUAWEICLOUD_SDK_SK", blank),
            ]))
            .load(),
        );
        assert_credentials_error(
            &e,
            "credentials error: environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK not set or empty",
        );
    }
}

#[test]
fn env_federation_variables_fail_loudly_even_with_ak_and_sk() {
    let expected = "credentials error: environment: HUAWEICLOUD_SDK_IDP_ID / HUAWEICLOUD_SDK_ID_TOKEN_FILE are set, but federated (IdP + OIDC id token) credentials are not supported by this SDK yet; unset them and set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK";
    let cases: [&[(&str, &str)]; 4] = [
        &[("HUAWEICLOUD_SDK_IDP_ID", "idp-1")],
        &[("HUAWEICLOUD_SDK_ID_TOKEN_FILE", "/var/run/token")],
        &[
            ("HUAWEICLOUD_SDK_IDP_ID", "idp-1"),
            ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", "/var/run/token"),
        ],
        &[
            ("HUAWEICLOUD_SDK_IDP_ID", "idp-1"),
            ("HUAWEICLOUD_SDK_AK", AK),
            ("HUAWEICLOUD_SDK_SK", SK),
        ],
    ];
    for vars in cases {
        let e = expect_err(EnvProvider::with_env(env(vars)).load());
        assert_credentials_error(&e, expected);
        assert!(e.to_string().contains("not supported"));
    }
    // With AK/SK too, and only the token file set.
    let e = expect_err(
        EnvProvider::with_env(env(&[
            ("HUAWEICLOUD_SDK_AK", AK),
            ("HUAWEICLOUD_SDK_SK", SK),
            ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", "/var/run/token"),
        ]))
        .load(),
    );
    assert_credentials_error(&e, expected);
    assert!(!format!("{e} {e:?}").contains(SK));
}

#[test]
fn env_federation_variables_that_are_blank_are_ignored() {
    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_IDP_ID", "  "),
        ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", ""),
    ]))
    .load()
    .expect("blank federation variables are unset");
    assert_eq!(c.access_key(), AK);
}

#[tokio::test]
async fn env_provider_as_provide_credentials() {
    let p = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
    ]));
    let c = p.provide_credentials().await.expect("credentials");
    assert_eq!(c.access_key(), AK);
    let p = EnvProvider::with_env(env(&[]));
    let e = expect_err(p.provide_credentials().await);
    assert_eq!(e.kind(), ErrorKind::Credentials);
}

// ---------------------------------------------------------------------------------------------
// ProfileProvider / parse_profile

#[test]
fn profile_official_example_reads_basic_and_global_domain_id() {
    let c = parse_profile(OFFICIAL_PROFILE, "official").expect("official example parses");
    assert_eq!(c.access_key(), "MockAk");
    assert_eq!(c.project_id(), Some("MockProjectId"));
    assert_eq!(c.security_token(), Some("MockSecurityToken"));
    // [basic] has no domain_id; [global] has one. The [global] idp_id is not read: only
    // domain_id is taken from [global].
    assert_eq!(c.domain_id(), Some("MockDomainId"));
    assert_eq!(c.source(), "profile file");
}

#[test]
fn profile_basic_domain_id_wins_over_global() {
    let text = "[basic]\nak = A1\nsk = S1secret\ndomain_id = basic-domain\n\n[global]\ndomain_id = global-domain\n";
    let c = parse_profile(text, "t").expect("parses");
    assert_eq!(c.domain_id(), Some("basic-domain"));
}

#[test]
fn profile_global_domain_id_fallback_blank_is_none() {
    let text = "[basic]\nak = A1\nsk = S1secret\n\n[global]\ndomain_id =   \n";
    let c = parse_profile(text, "t").expect("parses");
    assert_eq!(c.domain_id(), None);
}

#[test]
fn profile_minimal_basic_section() {
    let c = parse_profile("[basic]\nak=A1\nsk=S1secret\n", "t").expect("parses");
    assert_eq!(c.access_key(), "A1");
    assert_eq!(c.security_token(), None);
    assert_eq!(c.project_id(), None);
    assert_eq!(c.domain_id(), None);
}

#[test]
fn profile_path_from_credentials_file_variable() {
    let dir = TempDir::new("explicit");
    let file = dir.write("custom/creds.ini", OFFICIAL_PROFILE);
    let file = file.to_str().unwrap();
    // HOME also has a (different) profile: the variable must win.
    dir.write(
        ".huaweicloud/credentials",
        "[basic]\nak = HomeAk\nsk = HomeSk\n",
    );
    let c = ProfileProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file),
        ("HOME", &dir.str()),
    ]))
    .load()
    .expect("profile from HUAWEICLOUD_SDK_CREDENTIALS_FILE");
    assert_eq!(c.access_key(), "MockAk");
}

#[test]
fn profile_default_path_under_home() {
    let dir = TempDir::new("home");
    dir.write(
        ".huaweicloud/credentials",
        "[basic]\nak = HomeAk\nsk = HomeSk\nproject_id = home-proj\n",
    );
    let c = ProfileProvider::with_env(env(&[("HOME", &dir.str())]))
        .load()
        .expect("profile from $HOME/.huaweicloud/credentials");
    assert_eq!(c.access_key(), "HomeAk");
    assert_eq!(c.project_id(), Some("home-proj"));
}

#[test]
fn profile_with_path() {
    let dir = TempDir::new("with-path");
    let file = dir.write("p.ini", "[basic]\nak = PathAk\nsk = PathSk\n");
    let c = ProfileProvider::with_path(&file)
        .load()
        .expect("profile from explicit path");
    assert_eq!(c.access_key(), "PathAk");
}

#[test]
fn profile_explicit_file_missing_names_the_path() {
    let dir = TempDir::new("explicit-missing");
    let missing = dir.path().join("does-not-exist.ini");
    let missing = missing.to_str().unwrap();
    let e = expect_err(
        ProfileProvider::with_env(env(&[
            ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", missing),
            ("HOME", &dir.str()),
        ]))
        .load(),
    );
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let msg = e.to_string();
    let prefix = format!("credentials error: profile: {missing} cannot be read: ");
    assert!(msg.starts_with(&prefix), "{msg}");
    assert!(!msg.contains("not found"), "{msg}");

    let e = expect_err(ProfileProvider::with_path(missing).load());
    assert!(e.to_string().starts_with(&prefix), "{e}");
}

#[test]
fn profile_default_file_missing_says_not_found() {
    let dir = TempDir::new("default-missing");
    let e = expect_err(ProfileProvider::with_env(env(&[("HOME", &dir.str())])).load());
    let expected_path = dir.path().join(".huaweicloud").join("credentials");
    assert_credentials_error(
        &e,
        &format!(
            "credentials error: profile: {} not found",
            expected_path.display()
        ),
    );
}

#[test]
fn profile_no_home_and_no_variable() {
    let e = expect_err(ProfileProvider::with_env(env(&[])).load());
    assert_credentials_error(
        &e,
        "credentials error: profile: HUAWEICLOUD_SDK_CREDENTIALS_FILE is not set and no home directory is known (HOME)",
    );
}

#[test]
fn profile_malformed_ini_is_a_clear_error() {
    // An unterminated quoted value is rejected by the INI parser.
    let e = expect_err(parse_profile(
        "[basic]\nak = \"unterminated\nsk = x\n",
        "/p/creds",
    ));
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let msg = e.to_string();
    assert!(
        msg.starts_with("credentials error: profile /p/creds: not a valid INI file: "),
        "{msg}"
    );
}

#[test]
fn profile_malformed_file_on_disk_names_the_file() {
    let dir = TempDir::new("malformed");
    let file = dir.write("bad.ini", "[basic]\nak = 'open\n");
    let e = expect_err(ProfileProvider::with_path(&file).load());
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "credentials error: profile {}: not a valid INI file: ",
            file.display()
        )),
        "{msg}"
    );
}

#[test]
fn profile_without_basic_section() {
    for text in [
        "",
        "ak = A\nsk = S\n",
        "[global]\nak = A\nsk = S\n",
        "[Basic2]\nak = A\nsk = S\n",
    ] {
        let e = expect_err(parse_profile(text, "/p/creds"));
        assert_credentials_error(
            &e,
            "credentials error: profile /p/creds: no [basic] section",
        );
    }
}

#[test]
fn profile_missing_or_blank_keys() {
    let cases = [
        ("[basic]\nak = A\n", "sk"),
        ("[basic]\nak = A\nsk =\n", "sk"),
        ("[basic]\nak = A\nsk =    \n", "sk"),
        ("[basic]\nsk = S\n", "ak"),
        ("[basic]\nproject_id = p\n", "ak and sk"),
        ("[basic]\n", "ak and sk"),
    ];
    for (text, missing) in cases {
        let e = expect_err(parse_profile(text, "/p/creds"));
        assert_credentials_error(
            &e,
            &format!("credentials error: profile /p/creds: [basic] has no value for {missing}"),
        );
    }
}

#[test]
fn profile_federation_keys_fail_loudly() {
    let expected = "credentials error: profile /p/creds: [basic] sets idp_id / id_token_file, but federated (IdP + OIDC id token) credentials are not supported by this SDK yet; use ak and sk";
    for text in [
        "[basic]\nak = A\nsk = S\nidp_id = idp\n",
        "[basic]\nidp_id = idp\nid_token_file = /t\n",
        "[basic]\nak = A\nsk = S\nid_token_file = /t\n",
    ] {
        let e = expect_err(parse_profile(text, "/p/creds"));
        assert_credentials_error(&e, expected);
    }
}

#[test]
fn profile_values_keep_backslashes_literally() {
    // Go (gopkg.in/ini.v1, UnescapeValueBackslashes=false) and Python (configparser) both read
    // values verbatim; a backslash is not an escape character in the official profile format.
    let c = parse_profile(
        "[basic]\nak = A\nsk = S\nsecurity_token = ab\\cd\\ne\n",
        "t",
    )
    .expect("parses");
    assert_eq!(c.security_token(), Some("ab\\cd\\ne"));
}

/// A deterministic pseudo-random generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next_u8(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u8
    }
}

#[test]
fn profile_never_panics_on_garbage() {
    let fixed: [&[u8]; 14] = [
        b"\x00\x01\x02\xff\xfe",
        b"[",
        b"[basic",
        b"[basic]\nak",
        b"[basic]\nak =",
        b"[basic]\nak = \\",
        b"[basic]\nak = \\x",
        b"[basic]\nak = \\x12",
        b"[basic]\nak = \\xZZZZ",
        b"[basic]\r\nak = A\rsk = S",
        b"]]]]][[[[[===:::;;;###",
        b"\xef\xbb\xbf[basic]\nak=A\nsk=S",
        b"[basic]\nak = 'a\nsk = \"b",
        b"[\xc3\x28]\n\xa0\xa1 = \xe2\x82",
    ];
    let mut inputs: Vec<String> = fixed
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let mut rng = Lcg(0x5eed_c0de);
    for i in 0..300 {
        let len = (rng.next_u8() as usize) % 96;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u8()).collect();
        if i % 2 == 0 {
            // Bias half the inputs towards INI structure.
            bytes.splice(0..0, b"[basic]\nak = A\nsk = ".iter().copied());
        }
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let mut errors = 0;
    for text in &inputs {
        match parse_profile(text, "garbage") {
            Ok(c) => assert!(!c.access_key().is_empty()),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Credentials, "{text:?}: {e:?}");
                assert!(e.to_string().contains("profile garbage"), "{e}");
                errors += 1;
            }
        }
    }
    assert!(errors > 0, "garbage must produce some errors");
}

// ---------------------------------------------------------------------------------------------
// DefaultChain

#[tokio::test]
async fn chain_env_wins_over_profile() {
    let dir = TempDir::new("chain-env");
    dir.write(
        ".huaweicloud/credentials",
        "[basic]\nak = ProfAk\nsk = ProfSk\n",
    );
    let chain = DefaultChain::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HOME", &dir.str()),
    ]));
    let c = chain.provide_credentials().await.expect("credentials");
    assert_eq!(c.access_key(), AK);
    assert_eq!(c.source(), "environment");
}

#[tokio::test]
async fn chain_falls_back_to_profile() {
    let dir = TempDir::new("chain-profile");
    dir.write(
        ".huaweicloud/credentials",
        "[basic]\nak = ProfAk\nsk = ProfSk\n",
    );
    let chain = DefaultChain::with_env(env(&[
        // Only half of the env pair: env fails, profile is used.
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HOME", &dir.str()),
    ]));
    let c = chain.provide_credentials().await.expect("credentials");
    assert_eq!(c.access_key(), "ProfAk");
    assert_eq!(c.source(), "profile file");
}

#[tokio::test]
async fn chain_reports_both_failures_in_one_error() {
    let dir = TempDir::new("chain-none");
    // The metadata step is covered in tests/metadata_credentials.rs.
    let chain = DefaultChain::with_env_and_metadata(env(&[("HOME", &dir.str())]), None);
    let e = expect_err(chain.provide_credentials().await);
    let profile_path = dir.path().join(".huaweicloud").join("credentials");
    assert_credentials_error(
        &e,
        &format!(
            "credentials error: no credentials found; tried: credentials error: environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK not set or empty; credentials error: profile: {} not found",
            profile_path.display()
        ),
    );
}

#[tokio::test]
async fn chain_reports_profile_parse_failure_too() {
    let dir = TempDir::new("chain-bad-profile");
    dir.write(".huaweicloud/credentials", "[global]\nak = A\nsk = S\n");
    let chain = DefaultChain::with_env_and_metadata(
        env(&[("HUAWEICLOUD_SDK_SK", SK), ("HOME", &dir.str())]),
        None,
    );
    let e = expect_err(chain.provide_credentials().await);
    let msg = e.to_string();
    assert!(
        msg.contains("environment: HUAWEICLOUD_SDK_AK not set or empty"),
        "{msg}"
    );
    assert!(msg.contains("no [basic] section"), "{msg}");
    assert!(!msg.contains(SK), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Debug redaction and Credentials::new

#[test]
fn credentials_debug_without_token_is_exact_and_redacted() {
    let c = Credentials::new(AK, SK).unwrap();
    let dbg = format!("{c:?}");
    assert_eq!(
        dbg,
        "Credentials { access_key: \"AKEXAMPLEAKEXAMPLE01\", secret_key: \"** redacted **\", security_token: None, project_id: None, domain_id: None, expires_at: None, source: \"static credentials\" }"
    );
    assert!(!dbg.contains(SK));
    assert!(!format!("{c:#?}").contains(SK));
}

#[test]
fn credentials_debug_with_token_is_exact_and_redacted() {
    let c = Credentials::new(AK, SK)
        .unwrap()
        .with_security_token(TOKEN)
        .with_project_id("proj-1")
        .with_domain_id("dom-1");
    let dbg = format!("{c:?}");
    assert_eq!(
        dbg,
        "Credentials { access_key: \"AKEXAMPLEAKEXAMPLE01\", secret_key: \"** redacted **\", security_token: Some(\"** redacted **\"), project_id: Some(\"proj-1\"), domain_id: Some(\"dom-1\"), expires_at: None, source: \"static credentials\" }"
    );
    for text in [dbg, format!("{c:#?}")] {
        assert!(!text.contains(SK), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        // Not even a recognisable part of them.
        assert!(!text.contains("SKsecret"), "{text}");
        assert!(!text.contains("TOKENsecret"), "{text}");
    }
}

#[test]
fn credentials_from_env_debug_is_redacted() {
    let c = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
    ]))
    .load()
    .unwrap();
    assert_eq!(
        format!("{c:?}"),
        "Credentials { access_key: \"AKEXAMPLEAKEXAMPLE01\", secret_key: \"** redacted **\", security_token: Some(\"** redacted **\"), project_id: None, domain_id: None, expires_at: None, source: \"environment\" }"
    );
}

#[test]
fn env_debug_never_prints_names_or_values() {
    let e = env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN),
    ]);
    assert_eq!(format!("{e:?}"), "Env(3 fixed variables)");
    assert_eq!(format!("{e:#?}"), "Env(3 fixed variables)");
    assert_eq!(format!("{:?}", env(&[])), "Env(0 fixed variables)");
    assert_eq!(format!("{:?}", Env::process()), "Env(process)");

    // Providers holding an Env print it the same way.
    let p = EnvProvider::with_env(e.clone());
    let dbg = format!("{p:?}");
    assert_eq!(dbg, "EnvProvider { env: Env(3 fixed variables) }");
    let chain = format!("{:?}", DefaultChain::with_env(e));
    assert!(!chain.contains(SK) && !chain.contains(TOKEN), "{chain}");
}

#[test]
fn signing_key_debug_is_exact_and_redacted() {
    let k = SigningKey::new(AK, SK).unwrap();
    let dbg = format!("{k:?}");
    assert_eq!(
        dbg,
        "SigningKey { access_key: \"AKEXAMPLEAKEXAMPLE01\", secret_key: \"** redacted **\" }"
    );
    assert!(!format!("{k:#?}").contains(SK));
}

#[test]
fn credentials_new_rejects_empty_ak_or_sk() {
    let e = expect_err(Credentials::new("", SK));
    assert_credentials_error(
        &e,
        "credentials error: static credentials: the access key (AK) is empty",
    );
    let e = expect_err(Credentials::new(AK, ""));
    assert_credentials_error(
        &e,
        "credentials error: static credentials: the secret key (SK) is empty",
    );
    // Whitespace only is empty too.
    let e = expect_err(Credentials::new("  ", SK));
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let e = expect_err(Credentials::new(AK, " \t\n"));
    assert_eq!(e.kind(), ErrorKind::Credentials);
    // Both empty: the AK is reported first.
    let e = expect_err(Credentials::new("", ""));
    assert!(e.to_string().contains("access key (AK)"), "{e}");
}

#[test]
fn credentials_new_trims_and_builders_keep_values() {
    let c = Credentials::new("  AK1 ", " SK1 ").unwrap();
    assert_eq!(c.access_key(), "AK1");
    assert_eq!(c.source(), "static credentials");
    let c = c.with_security_token("  ").with_project_id("");
    assert_eq!(c.security_token(), None);
    assert_eq!(c.project_id(), None);
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
    let c = c.with_expiry(t).with_project_id("p");
    assert_eq!(c.expires_at(), Some(t));
    assert_eq!(c.project_id(), Some("p"));
    assert_eq!(c.access_key(), "AK1");
}

// ---------------------------------------------------------------------------------------------
// ProvideCredentials::credentials_now

/// A provider whose synchronous and asynchronous answers differ (so a test can tell which one
/// the client took), counting the asynchronous ones.
#[derive(Debug)]
struct TwoPathProvider {
    now: Option<Credentials>,
    asked: std::sync::atomic::AtomicUsize,
}

impl TwoPathProvider {
    fn new(now: Option<Credentials>) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            now,
            asked: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    fn asked(&self) -> usize {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl ProvideCredentials for TwoPathProvider {
    fn provide_credentials(&self) -> huaweicloud_sdk_core::credentials::CredentialsFuture<'_> {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Credentials::new("AKFROMFUTURE", SK) })
    }

    fn credentials_now(&self) -> Option<Credentials> {
        self.now.clone()
    }
}

fn client_with(provider: std::sync::Arc<TwoPathProvider>) -> huaweicloud_sdk_core::Client {
    huaweicloud_sdk_core::Client::builder(&support::TEST_SERVICE)
        .endpoint("https://127.0.0.1:9")
        .credentials_provider(provider)
        .build_core()
        .expect("client")
}

#[tokio::test]
async fn client_takes_credentials_in_hand_without_asking_the_future() {
    let provider = TwoPathProvider::new(Some(Credentials::new("AKINHAND", SK).unwrap()));
    let client = client_with(provider.clone());
    for _ in 0..2 {
        let c = client.credentials().await.expect("credentials");
        assert_eq!(c.access_key(), "AKINHAND");
    }
    assert_eq!(provider.asked(), 0);
}

#[tokio::test]
async fn client_asks_the_future_when_no_credentials_are_in_hand() {
    let provider = TwoPathProvider::new(None);
    let client = client_with(provider.clone());
    let c = client.credentials().await.expect("credentials");
    assert_eq!(c.access_key(), "AKFROMFUTURE");
    assert_eq!(provider.asked(), 1);
}

#[test]
fn static_credentials_are_in_hand_and_loading_providers_are_not() {
    let static_creds = Credentials::new(AK, SK).unwrap().with_project_id("proj-1");
    let now = static_creds
        .credentials_now()
        .expect("static credentials are in hand");
    assert_eq!(now.access_key(), AK);
    assert_eq!(now.project_id(), Some("proj-1"));
    // Providers that read env or files each time keep the default: ask the future.
    let env_provider = EnvProvider::with_env(env(&[
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", SK),
    ]));
    assert!(env_provider.credentials_now().is_none());
    assert!(DefaultChain::with_env(env(&[])).credentials_now().is_none());
}
