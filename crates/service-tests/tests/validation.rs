//! Generated `send()` checks every required input before anything is sent: path, query and
//! header parameters, the body, and the body's required fields at any depth (a list item's
//! fields too). One `InvalidRequest` error names all of them; the transport sees nothing.

use std::sync::Arc;

use huaweicloud_sdk_core::test_util::MockTransport;
use huaweicloud_sdk_core::{ClientBuilder, Credentials, ErrorKind, ServiceClient};

fn client<C: ServiceClient>(mock: &Arc<MockTransport>) -> C {
    ClientBuilder::<C>::new()
        .region("cn-north-4")
        .credentials(
            Credentials::new("AKTEST", "SKTEST")
                .unwrap()
                .with_project_id("proj"),
        )
        .transport(mock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn dcs_create_instance_names_every_missing_body_field_including_nested_ones() {
    use huaweicloud_sdk_dcs::models::{CreateInstanceBody, ResourceTag};
    let mock = MockTransport::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock);
    let body = CreateInstanceBody::builder()
        .name("cache-1")
        .capacity(1.0)
        .tags(vec![
            ResourceTag::builder().key("env").build(),
            ResourceTag::builder().value("no key").build(),
        ])
        .build();
    let err = dcs.create_instance().body(body).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.missing_fields(),
        [
            "body.engine",
            "body.spec_code",
            "body.az_codes",
            "body.vpc_id",
            "body.subnet_id",
            "body.tags[1].key",
        ]
    );
    assert!(
        err.to_string().contains("field `body.tags[1].key`"),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[tokio::test]
async fn dcs_reset_acl_password_names_path_parameters_and_body_fields_together() {
    use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
    let mock = MockTransport::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock);
    let err = dcs
        .reset_acl_account_pass_word()
        .body(AclAccountResetPasswordBody::builder().build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.missing_fields(),
        [
            "path.instance_id",
            "path.account_id",
            "body.old_password",
            "body.new_password",
        ]
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[tokio::test]
async fn a_complete_dcs_create_instance_is_sent() {
    use huaweicloud_sdk_core::test_util::MockResponse;
    use huaweicloud_sdk_dcs::models::{CreateInstanceBody, ResourceTag};
    let mock = MockTransport::new();
    mock.on(huaweicloud_sdk_core::Method::Post, "/v2/proj/instances")
        .respond(MockResponse::json(200, serde_json::json!({})));
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock);
    let body = CreateInstanceBody::builder()
        .name("cache-1")
        .engine("Redis")
        .capacity(1.0)
        .spec_code("redis.ha.xu1.large.r2.1")
        .az_codes(vec!["cn-north-4a".to_owned()])
        .vpc_id("vpc-1")
        .subnet_id("subnet-1")
        .tags(vec![ResourceTag::builder().key("env").build()])
        .build();
    dcs.create_instance().body(body).send().await.unwrap();
    assert_eq!(mock.requests().len(), 1);
}
