//! One test per construct of the catalogue trial (ECS, VPC v2/v3, EVS, IAM v3/v5) that the
//! generator, the importer or spec lint got wrong: each generates a small spec in a temp tree
//! and checks what comes out. The goldens (`tests/fixtures/`) and `tests/golden_compile.rs`
//! show the same constructs compiled and on the wire.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// A temp tree holding `files` (relative path -> text).
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-constructs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const HEAD: &str = "openapi: 3.0.3
info:
  title: Construct API
  version: v1
  description: A construct.
x-huaweicloud-service:
  name: CONSTRUCT
  crate: huaweicloud-sdk-construct
  title: Construct
x-huaweicloud-regions:
  - id: cn-north-4
    endpoints: [https://construct.cn-north-4.example.com]
";

/// Generates `paths` (YAML under `paths:` and `components:`) as one spec.
fn generate(name: &str, body: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let spec = format!("{HEAD}{body}");
    let root = tree(name, &[("specs/construct/v1.yaml", &spec)]);
    let out = xtask::codegen::generate(&root, "specs/construct/v1.yaml")
        .map_err(|d| d.iter().map(ToString::to_string).collect());
    let _ = std::fs::remove_dir_all(root);
    out
}

fn file<'a>(files: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    files
        .iter()
        .find(|(k, _)| k.ends_with(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {:?}", files.keys().collect::<Vec<_>>()))
}

/// Item 1: VPC v2 and v3 in one folder were "one spec version per service folder".
#[test]
fn several_versions_of_a_service_are_modules_of_one_crate() {
    let v = |version: &str| {
        HEAD.replace("version: v1", &format!("version: {version}"))
            + "paths:
  /v1/{project_id}/things:
    get:
      operationId: ListThings
      summary: List the things.
      responses:
        '204':
          description: Listed.
"
    };
    let (v2, v3) = (v("v2"), v("v3"));
    let root = tree(
        "versions",
        &[
            ("specs/construct/v2.yaml", &v2),
            ("specs/construct/v3.yaml", &v3),
        ],
    );
    std::fs::create_dir_all(root.join("crates")).unwrap();
    let result = xtask::codegen::run(&root, false);
    assert!(result.is_ok(), "{result:?}");
    for rel in [
        "src/lib.rs",
        "src/v2/mod.rs",
        "src/v3/mod.rs",
        "src/v3/client.rs",
    ] {
        assert!(
            root.join("crates/construct").join(rel).is_file(),
            "{rel} missing"
        );
    }
    let lib = std::fs::read_to_string(root.join("crates/construct/src/lib.rs")).unwrap();
    assert!(lib.contains("pub mod v3;"), "{lib}");
    let manifest = std::fs::read_to_string(root.join("crates/construct/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("[features]\ndefault = [\"v2\", \"v3\"]"),
        "{manifest}"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// Catalogue: Auto Scaling's service folder is `as`, a Rust keyword. The parity dispatch
/// used it as a module and field name and did not parse.
#[test]
fn a_service_named_like_a_keyword_generates_a_parsing_parity_dispatch() {
    let spec = HEAD.replace(
        "crate: huaweicloud-sdk-construct",
        "crate: huaweicloud-sdk-as",
    ) + "paths:
  /v1/{project_id}/things:
    get:
      operationId: ListThings
      summary: List the things.
      responses:
        '204':
          description: Listed.
";
    let root = tree("keyword-service", &[("specs/as/v1.yaml", &spec)]);
    let result = xtask::codegen::generate_workspace(&root);
    let _ = std::fs::remove_dir_all(&root);
    let (files, _) = match result {
        Ok(out) => out,
        Err(xtask::codegen::Failure::Diagnostics(d)) => {
            panic!(
                "{:?}",
                d.iter().map(ToString::to_string).collect::<Vec<_>>()
            )
        }
        Err(e) => panic!("{e:?}"),
    };
    let dispatch = file(&files, "parity-driver/src/dispatch.rs");
    assert!(dispatch.contains("mod r#as {"), "{dispatch}");
    assert!(dispatch.contains("clients.r#as"), "{dispatch}");
}

/// Item 2: ECS start/stop share `POST .../cloudservers/action`; the spec keys them with a
/// `#<operationId>` fragment, which is never sent.
#[test]
fn operations_sharing_a_method_and_path_send_the_real_path() {
    let files = generate(
        "shared",
        "paths:
  /v1/{project_id}/servers/action#BatchStartServers:
    post:
      operationId: BatchStartServers
      summary: Start servers.
      responses:
        '204':
          description: Started.
  /v1/{project_id}/servers/action#BatchStopServers:
    post:
      operationId: BatchStopServers
      summary: Stop servers.
      responses:
        '204':
          description: Stopped.
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    assert_eq!(
        ops.matches("path: \"/v1/{project_id}/servers/action\",")
            .count(),
        2,
        "{ops}"
    );
    assert!(!ops.contains("action#"), "{ops}");
}

/// Item 3: `explode: false` (a comma-separated list) was sent as repeated keys, silently.
#[test]
fn explode_false_sends_one_comma_separated_pair() {
    let files = generate(
        "csv",
        "paths:
  /v1/{project_id}/ports:
    get:
      operationId: ListPorts
      summary: List ports.
      parameters:
        - name: device_owner
          in: query
          explode: false
          schema: {type: array, items: {type: string}}
      responses:
        '204':
          description: Listed.
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    assert!(ops.contains("Csv"), "{ops}");
    let errors = generate(
        "pipes",
        "paths:
  /v1/{project_id}/ports:
    get:
      operationId: ListPorts
      summary: List ports.
      parameters:
        - name: device_owner
          in: query
          style: pipeDelimited
          schema: {type: array, items: {type: string}}
      responses:
        '204':
          description: Listed.
",
    )
    .unwrap_err();
    assert!(
        errors[0].contains("/parameters/0/style: unsupported parameter style"),
        "{errors:?}"
    );
}

/// Item 4: IAM returns the token only in `X-Subject-Token`; response headers were dropped.
#[test]
fn response_headers_become_output_fields() {
    let files = generate(
        "headers",
        "paths:
  /v3/auth/tokens:
    post:
      operationId: CreateToken
      summary: Create a token.
      responses:
        '201':
          description: Created.
          headers:
            X-Subject-Token:
              schema: {type: string, format: password}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreateTokenResponse'}
components:
  schemas:
    CreateTokenResponse:
      type: object
      properties:
        expires_at: {type: string}
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    assert!(ops.contains("\"X-Subject-Token\""), "{ops}");
    let models = file(&files, "models.rs");
    assert!(
        models.contains("pub x_subject_token: Option<String>"),
        "{models}"
    );
    // A response-only model: `Serialize` (and so `#[serde]`) only with `full-serde`.
    assert!(
        models.contains("#[cfg_attr(feature = \"full-serde\", serde(skip))]"),
        "{models}"
    );
}

/// Item 5: secret header parameters are marked in the spec and passed to core.
#[test]
fn secret_parameters_and_body_fields_reach_the_operation_spec() {
    let files = generate(
        "secrets",
        "paths:
  /v3/auth/tokens:
    get:
      operationId: ValidateToken
      summary: Validate a token.
      parameters:
        - name: X-Subject-Token
          in: header
          required: true
          schema: {type: string, format: password}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
      responses:
        '204':
          description: Valid.
components:
  schemas:
    Body:
      type: object
      properties:
        auth: {$ref: '#/components/schemas/Auth'}
    Auth:
      type: object
      properties:
        signing_key: {type: string, format: password}
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    let spec = ops.split("secrets:").nth(1).unwrap_or_default();
    assert!(
        spec.contains("\"X-Subject-Token\"") && spec.contains("\"signing_key\""),
        "{ops}"
    );
}

/// Item 6: form and multipart bodies generate; JSON Patch and BSON stop with a pointer.
#[test]
fn form_bodies_generate_and_json_patch_stops_with_a_pointer() {
    let files = generate(
        "forms",
        "paths:
  /v3.0/OS-FEDERATION/tokens:
    post:
      operationId: CreateTokenBySaml
      summary: Create a token from SAML.
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: '#/components/schemas/Saml'}
      responses:
        '204':
          description: Created.
  /v2/{project_id}/faces:
    post:
      operationId: AddFaces
      summary: Add faces.
      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Upload'}
      responses:
        '204':
          description: Added.
components:
  schemas:
    Saml:
      type: object
      properties:
        SAMLResponse: {type: string}
    Upload:
      type: object
      properties:
        image_file: {type: string, format: binary}
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    assert!(ops.contains("form_urlencoded_body"), "{ops}");
    assert!(ops.contains("multipart_body"), "{ops}");
    let errors = generate(
        "patch",
        "paths:
  /v2/{project_id}/things:
    patch:
      operationId: PatchThings
      summary: Patch things.
      requestBody:
        content:
          application/json-patch+json:
            schema: {type: array, items: {}}
      responses:
        '204':
          description: Patched.
",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "error: specs/construct/v1.yaml#/paths/~1v2~1{project_id}~1things/patch/requestBody/content/application~1json-patch+json: "
        ),
        "{errors:?}"
    );
}

/// IMS `GlanceUpdateImage` sends its `{op, path, value}` list as plain JSON under the
/// OpenStack vendor media type: generated as a JSON body that keeps its content type, and
/// accepted by spec lint (both used to reject it as an unknown media type).
#[test]
fn the_glance_image_patch_media_type_is_a_json_body() {
    let body = "paths:
  /v2/images/{image_id}:
    patch:
      operationId: GlanceUpdateImage
      summary: Update an image.
      parameters:
        - {name: image_id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/openstack-images-v2.1-json-patch:
            schema:
              type: array
              items: {$ref: '#/components/schemas/Change'}
      responses:
        '204':
          description: Updated.
components:
  schemas:
    Change:
      type: object
      properties:
        op: {type: string}
        path: {type: string}
        value: {type: string}
";
    let files = generate("glance", body).unwrap();
    let ops = file(&files, "operations.rs");
    assert!(ops.contains("json_body"), "{ops}");
    assert!(
        ops.contains("application/openstack-images-v2.1-json-patch"),
        "{ops}"
    );
    let spec = format!("{HEAD}{body}");
    let findings = xtask::spec::lint::lint_bytes("v1.yaml", spec.as_bytes());
    assert!(
        !findings
            .iter()
            .any(|f| f.rule == xtask::spec::lint::Rule::RequestBodies),
        "{findings:#?}"
    );
}

/// Item 7: an enum value `UNKNOWN` clashed with the catch-all variant and stopped the crate.
#[test]
fn an_enum_value_unknown_is_renamed() {
    let files = generate(
        "unknown",
        "paths:
  /v1/{project_id}/servers:
    get:
      operationId: ShowServer
      summary: Show a server.
      responses:
        '200':
          description: The server.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Server'}
components:
  schemas:
    Server:
      type: object
      properties:
        status:
          type: string
          enum: [ACTIVE, UNKNOWN]
",
    )
    .unwrap();
    let models = file(&files, "models.rs");
    assert!(models.contains("UnknownValue = \"UNKNOWN\""), "{models}");
}

/// Item 8: a marker that is the last item's id (VPC Neutron APIs) is a paging style.
#[test]
fn a_marker_from_the_last_item_pages() {
    let files = generate(
        "item-marker",
        "paths:
  /v2.0/ports:
    get:
      operationId: ListPorts
      summary: List ports.
      x-huaweicloud-pagination:
        style: marker
        request: {marker: marker, limit: limit}
        response: {items: ports, item_marker: id}
      parameters:
        - name: marker
          in: query
          schema: {type: string}
        - name: limit
          in: query
          schema: {type: integer, format: int32}
      responses:
        '200':
          description: A page.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Page'}
components:
  schemas:
    Page:
      type: object
      properties:
        ports:
          type: array
          items: {$ref: '#/components/schemas/Port'}
    Port:
      type: object
      properties:
        id: {type: string}
",
    )
    .unwrap();
    let ops = file(&files, "operations.rs");
    assert!(ops.contains("fn next_marker"), "{ops}");
}

/// Item 9: ECS's generated secret-Debug test had an unused variable (a secret enum field: no
/// value to set, but `pretty` was still computed), which fails `-D warnings`.
#[test]
fn a_secret_enum_field_generates_no_unused_variable() {
    let files = generate(
        "secret-enum",
        "paths:
  /v1/{project_id}/servers:
    get:
      operationId: ShowServer
      summary: Show a server.
      responses:
        '200':
          description: The server.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Metadata'}
components:
  schemas:
    Metadata:
      type: object
      properties:
        http_tokens:
          type: string
          format: password
          enum: [optional, required]
",
    )
    .unwrap();
    let tests = file(&files, "secret_debug_tests.rs");
    assert!(!tests.contains("let pretty"), "{tests}");
}

/// Item 9: spec lint accepted `TODO` summaries (what `--allow-missing-summaries` writes).
#[test]
fn spec_lint_rejects_placeholder_summaries() {
    let spec = format!(
        "{HEAD}paths:
  /v1/{{project_id}}/servers:
    get:
      operationId: ListServers
      summary: TODO
      responses:
        '204':
          description: Listed.
"
    );
    let findings = xtask::spec::lint::lint_bytes("v1.yaml", spec.as_bytes());
    assert!(
        findings
            .iter()
            .any(|f| f.rule == xtask::spec::lint::Rule::Summary
                && f.pointer.ends_with("/get/summary")),
        "{findings:#?}"
    );
}

/// Item 9: the parity driver's Cargo.toml was hand-written, so a new service broke it.
#[test]
fn the_parity_driver_manifest_is_generated() {
    let spec = format!(
        "{HEAD}paths:
  /v1/{{project_id}}/servers:
    get:
      operationId: ListServers
      summary: List the servers.
      responses:
        '204':
          description: Listed.
"
    );
    let root = tree("manifest", &[("specs/construct/v1.yaml", &spec)]);
    std::fs::create_dir_all(root.join("crates")).unwrap();
    xtask::codegen::run(&root, false).unwrap();
    let manifest =
        std::fs::read_to_string(root.join("crates/parity-driver/Cargo.toml")).unwrap_or_default();
    assert!(
        manifest
            .contains("huaweicloud-sdk-construct = { path = \"../construct\", optional = true, features = [\"full-serde\"] }")
            && manifest.contains("construct = [\"dep:huaweicloud-sdk-construct\"]"),
        "{manifest}"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// Item 10: DCS `models.rs` is 742 KB for 137 operations; a bigger service made files of
/// several megabytes. No generated file may exceed 1 MB.
#[test]
fn no_generated_file_exceeds_one_megabyte() {
    let mut body = String::from(
        "paths:
  /v1/{project_id}/things:
    get:
      operationId: ListThings
      summary: List the things.
      responses:
        '200':
          description: Listed.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Model000'}
components:
  schemas:
",
    );
    let text = "A field with a long description, as the imported models have them, so that \
                the file grows quickly enough for this test without thousands of models.";
    for m in 0..320 {
        body.push_str(&format!(
            "    Model{m:03}:\n      type: object\n      properties:\n"
        ));
        for f in 0..12 {
            body.push_str(&format!(
                "        field_{f:02}:\n          type: string\n          description: {text}\n"
            ));
        }
        if m + 1 < 320 {
            body.push_str(&format!(
                "        next:\n          $ref: '#/components/schemas/Model{:03}'\n",
                m + 1
            ));
        }
    }
    let files = generate("size", &body).unwrap();
    let total: usize = files
        .iter()
        .filter(|(k, _)| k.contains("models"))
        .map(|(_, v)| v.len())
        .sum();
    assert!(
        total > 1_000_000,
        "the test spec is too small: {total} bytes"
    );
    for (rel, text) in &files {
        assert!(text.len() <= 1_000_000, "{rel} is {} bytes", text.len());
    }
}

/// Catalogue: AAD (and every global service) failed parity because the clients were built
/// with project-scoped credentials. `credentials: global` makes the client global; a regional
/// spec's client is generated exactly as before (the trait's default scope).
#[test]
fn a_global_service_client_declares_its_credential_scope() {
    let body = "paths:
  /v1/{domain_id}/packages:
    get:
      operationId: ListPackages
      summary: List the packages.
      responses:
        '204':
          description: Listed.
";
    let regional = generate("regional-scope", body).unwrap();
    assert!(
        !file(&regional, "client.rs").contains("CREDENTIAL_SCOPE"),
        "{}",
        file(&regional, "client.rs")
    );
    let global_head = HEAD.replace(
        "  title: Construct\n",
        "  title: Construct\n  credentials: global\n",
    );
    let root = tree(
        "global-scope",
        &[("specs/construct/v1.yaml", &format!("{global_head}{body}"))],
    );
    let global = xtask::codegen::generate(&root, "specs/construct/v1.yaml")
        .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>())
        .unwrap();
    let client = file(&global, "client.rs");
    assert!(
        client.contains("const CREDENTIAL_SCOPE") && client.contains("CredentialScope::Global"),
        "{client}"
    );
    let wrong = format!("{}{body}", global_head.replace("global", "worldwide"));
    std::fs::write(root.join("specs/construct/v1.yaml"), wrong).unwrap();
    let err = xtask::codegen::generate(&root, "specs/construct/v1.yaml")
        .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>())
        .expect_err("an unknown scope is refused");
    assert!(
        err.iter()
            .any(|e| e.contains("/x-huaweicloud-service/credentials")),
        "{err:?}"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// Catalogue: AgentArts and AI DataLake job server stopped at compile: a model without
/// properties left the driver's `build_<Model>` with an unused `o` (an error under
/// `-D warnings`).
#[test]
fn the_driver_builds_a_model_without_properties_without_unused_variables() {
    let spec = format!(
        "{HEAD}paths:
  /v1/{{project_id}}/things:
    post:
      operationId: CreateThing
      summary: Create a thing.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Empty'
      responses:
        '204':
          description: Created.
components:
  schemas:
    Empty:
      type: object
      description: Nothing to say.
"
    );
    let root = tree("empty-model", &[("specs/construct/v1.yaml", &spec)]);
    std::fs::create_dir_all(root.join("crates")).unwrap();
    xtask::codegen::run(&root, false).unwrap();
    let dispatch = std::fs::read_to_string(root.join("crates/parity-driver/src/dispatch.rs"))
        .unwrap_or_default();
    let build = dispatch
        .split("fn build_Empty(")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .unwrap_or_else(|| panic!("no build_Empty in\n{dispatch}"));
    assert!(
        !build.contains("let o ") && build.contains("let _o "),
        "{build}"
    );
    let _ = std::fs::remove_dir_all(root);
}

/// `x-huaweicloud-service.errors: cce` gives the client CCE's error format; another value
/// is an error at its pointer.
#[test]
fn the_cce_error_format_reaches_the_client() {
    let spec = "paths:
  /v1/{project_id}/things:
    get:
      operationId: ListThings
      summary: List things.
      responses:
        '204':
          description: Done.
";
    let cce = HEAD.replace(
        "  title: Construct\n",
        "  title: Construct\n  errors: cce\n",
    );
    let root = tree(
        "cce-errors",
        &[("specs/construct/v1.yaml", &format!("{cce}{spec}"))],
    );
    let files = xtask::codegen::generate(&root, "specs/construct/v1.yaml").unwrap();
    let _ = std::fs::remove_dir_all(root);
    assert!(file(&files, "client.rs").contains("ErrorFormat::Cce"));
    let plain = generate("standard-errors", spec).unwrap();
    assert!(!file(&plain, "client.rs").contains("ErrorFormat"));
    let odd = HEAD.replace(
        "  title: Construct\n",
        "  title: Construct\n  errors: odd\n",
    );
    let root = tree(
        "odd-errors",
        &[("specs/construct/v1.yaml", &format!("{odd}{spec}"))],
    );
    let errs: Vec<String> = xtask::codegen::generate(&root, "specs/construct/v1.yaml")
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let _ = std::fs::remove_dir_all(root);
    assert!(
        errs.iter()
            .any(|e| e.contains("/x-huaweicloud-service/errors")),
        "{errs:?}"
    );
}

/// `x-huaweicloud-service.credentials` of every kind reaches the client's credential scope.
#[test]
fn every_credential_kind_reaches_the_client() {
    let spec = "paths:
  /v1/things:
    get:
      operationId: ListThings
      summary: List things.
      responses:
        '204':
          description: Done.
";
    for (kind, scope) in [
        ("global", Some("CredentialScope::Global")),
        ("unscoped", Some("CredentialScope::Unscoped")),
        ("anonymous", Some("CredentialScope::Anonymous")),
        ("regional", None),
    ] {
        let head = HEAD.replace(
            "  title: Construct\n",
            &format!("  title: Construct\n  credentials: {kind}\n"),
        );
        let root = tree(
            &format!("creds-{kind}"),
            &[("specs/construct/v1.yaml", &format!("{head}{spec}"))],
        );
        let files = xtask::codegen::generate(&root, "specs/construct/v1.yaml").unwrap();
        let _ = std::fs::remove_dir_all(root);
        let client = file(&files, "client.rs");
        match scope {
            Some(s) => assert!(client.contains(s), "{kind}: {client}"),
            None => assert!(!client.contains("CREDENTIAL_SCOPE"), "{kind}"),
        }
    }
}
