//! Collections in generated models: list setters take any iterable of convertible items, one
//! item can be appended, any field can be set from an `Option`, and output lists read as
//! slices that are empty when the response left them out (the `Option` fields stay).

use huaweicloud_sdk_rabbitmq::models::{CreateInstanceReq, TagEntity};

#[test]
fn list_setters_take_str_literals_arrays_and_single_items() {
    let req = CreateInstanceReq::builder()
        .available_zones(vec!["cn-north-4a"])
        .push_available_zones("cn-north-4b")
        .tags([TagEntity::builder().key("env").build()])
        .set_tags(None)
        .set_name(Some("mq-1".to_owned()))
        .build();
    assert_eq!(
        req.available_zones.as_deref(),
        Some(&["cn-north-4a".to_owned(), "cn-north-4b".to_owned()][..])
    );
    let json = serde_json::to_value(&req).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "name": "mq-1", "available_zones": ["cn-north-4a", "cn-north-4b"] })
    );
}

#[test]
fn push_starts_a_list_that_was_never_set() {
    let req = CreateInstanceReq::builder()
        .push_available_zones(String::from("cn-north-4a"))
        .build();
    assert_eq!(req.available_zones, Some(vec!["cn-north-4a".to_owned()]));
}

#[test]
fn output_lists_read_as_slices_empty_when_absent() {
    use huaweicloud_sdk_dcs::models::ListInstancesResponse;
    let none: ListInstancesResponse =
        serde_json::from_value(serde_json::json!({ "instance_num": 0 })).unwrap();
    assert!(none.instances().is_empty());
    assert_eq!(none.instances, None, "the field itself stays as decoded");
    let two: ListInstancesResponse = serde_json::from_value(serde_json::json!({
        "instance_num": 2,
        "instances": [{ "instance_id": "a" }, { "instance_id": "b" }]
    }))
    .unwrap();
    let ids: Vec<&str> = two
        .instances()
        .iter()
        .filter_map(|i| i.instance_id.as_deref())
        .collect();
    assert_eq!(ids, ["a", "b"]);
}
