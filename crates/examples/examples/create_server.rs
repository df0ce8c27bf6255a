//! Create a server in a new network, give it a data disk, and wait until it runs.
//!
//! Calls across three services: a VPC, a subnet and a security group (VPC), a disk (EVS), a
//! pay-per-use server in that subnet and group (ECS); then a wait until the server is
//! `ACTIVE`, and the disk attached to it (ECS attaches volumes to a running or stopped server
//! only, so the attach comes after the wait).
//!
//! By default the clients talk to an embedded `MockTransport` that answers like the services
//! do (the new server is unknown for a moment, then `BUILD`, then `ACTIVE`), and the waiter's
//! delays are recorded instead of slept, so this runs at once, anywhere:
//!
//! ```text
//! cargo run -p huaweicloud-sdk-examples --example create_server
//! ```
//!
//! With `-- --region cn-north-4` it creates real (billed) resources; set the zone, image and
//! flavor in `ECS_AZ`, `ECS_IMAGE_ID` and `ECS_FLAVOR_ID`.

use std::sync::Arc;
use std::time::Duration;

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
use huaweicloud_sdk_core::{Config, Credentials, Method};
use huaweicloud_sdk_ecs::models::{
    AttachServerVolumeOption, AttachServerVolumeRequestBody, CreateServersRequestBody,
    PrePaidServer, PrePaidServerExtendParam, PrePaidServerExtendParamChargingMode,
    PrePaidServerNic, PrePaidServerRootVolume, PrePaidServerRootVolumeVolumetype,
    PrePaidServerSecurityGroup,
};
use huaweicloud_sdk_evs::models::{
    CreateVolumeOption, CreateVolumeOptionVolumeType, CreateVolumeRequestBody,
};
use huaweicloud_sdk_vpc::v2::models::{
    CreateSecurityGroupOption, CreateSecurityGroupRequestBody, CreateSubnetOption,
    CreateSubnetRequestBody, CreateVpcOption, CreateVpcRequestBody,
};

/// Where and what to create.
struct Plan {
    zone: String,
    image_id: String,
    flavor_id: String,
}

/// The ids of what the example created, in creation order.
#[derive(Debug, Default)]
struct Created {
    vpc_id: String,
    subnet_id: String,
    security_group_id: String,
    volume_id: String,
    server_id: String,
}

/// One client per service, all from the same configuration.
struct Clients {
    vpc: huaweicloud_sdk_vpc::v2::Client,
    evs: huaweicloud_sdk_evs::Client,
    ecs: huaweicloud_sdk_ecs::Client,
}

impl Clients {
    fn new(config: &Config) -> huaweicloud_sdk_core::Result<Self> {
        Ok(Self {
            vpc: config.client()?,
            evs: config.client()?,
            ecs: config.client()?,
        })
    }
}

/// The first id of a create call's answer, or an error naming the call.
fn first_id(ids: Option<Vec<String>>, call: &str) -> Result<String, String> {
    ids.and_then(|ids| ids.into_iter().next())
        .ok_or_else(|| format!("{call} answered without an id"))
}

fn required(id: Option<String>, call: &str) -> Result<String, String> {
    id.ok_or_else(|| format!("{call} answered without an id"))
}

/// Creates the network, the disk and the server, waits until the server runs, attaches the
/// disk.
async fn create_server(
    clients: &Clients,
    plan: &Plan,
) -> Result<Created, Box<dyn std::error::Error>> {
    let mut created = Created::default();

    let vpc = clients
        .vpc
        .create_vpc()
        .body(
            CreateVpcRequestBody::builder()
                .vpc(
                    CreateVpcOption::builder()
                        .name("web-vpc")
                        .cidr("192.168.0.0/16")
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    created.vpc_id = required(vpc.into_output().vpc.and_then(|v| v.id), "create_vpc")?;
    println!("created VPC {}", created.vpc_id);

    let subnet = clients
        .vpc
        .create_subnet()
        .body(
            CreateSubnetRequestBody::builder()
                .subnet(
                    CreateSubnetOption::builder()
                        .name("web-subnet")
                        .cidr("192.168.1.0/24")
                        .gateway_ip("192.168.1.1")
                        .vpc_id(created.vpc_id.as_str())
                        .availability_zone(plan.zone.as_str())
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    created.subnet_id = required(
        subnet.into_output().subnet.and_then(|s| s.id),
        "create_subnet",
    )?;
    println!("created subnet {}", created.subnet_id);

    let group = clients
        .vpc
        .create_security_group()
        .body(
            CreateSecurityGroupRequestBody::builder()
                .security_group(
                    CreateSecurityGroupOption::builder()
                        .name("web-sg")
                        .vpc_id(created.vpc_id.as_str())
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    created.security_group_id = required(
        group.into_output().security_group.and_then(|g| g.id),
        "create_security_group",
    )?;
    println!("created security group {}", created.security_group_id);

    let volume = clients
        .evs
        .create_volume()
        .body(
            CreateVolumeRequestBody::builder()
                .volume(
                    CreateVolumeOption::builder()
                        .name("web-data")
                        .availability_zone(plan.zone.as_str())
                        .size(100)
                        .volume_type(CreateVolumeOptionVolumeType::Ssd)
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    created.volume_id = first_id(volume.into_output().volume_ids, "create_volume")?;
    println!("created disk {}", created.volume_id);

    let server = PrePaidServer::builder()
        .name("web-1")
        .image_ref(plan.image_id.as_str())
        .flavor_ref(plan.flavor_id.as_str())
        .availability_zone(plan.zone.as_str())
        .vpcid(created.vpc_id.as_str())
        .nics(vec![
            PrePaidServerNic::builder()
                .subnet_id(created.subnet_id.as_str())
                .build(),
        ])
        .security_groups(vec![
            PrePaidServerSecurityGroup::builder()
                .id(created.security_group_id.as_str())
                .build(),
        ])
        .root_volume(
            PrePaidServerRootVolume::builder()
                .volumetype(PrePaidServerRootVolumeVolumetype::Ssd)
                .size(40)
                .build(),
        )
        .extendparam(
            PrePaidServerExtendParam::builder()
                .charging_mode(PrePaidServerExtendParamChargingMode::PostPaid)
                .build(),
        )
        .build();
    let servers = clients
        .ecs
        .create_servers()
        .body(CreateServersRequestBody::builder().server(server).build())
        .send()
        .await?;
    created.server_id = first_id(servers.into_output().server_ids, "create_servers")?;
    println!("creating server {}", created.server_id);

    // The spec's waiter (`x-huaweicloud-waiters` of ECS `ShowServer`): polls `show_server`
    // until `server.status` is `ACTIVE`, 5 s apart at first, up to 20 s; the 404 of the
    // first moments after the create call counts as not ready yet, `ERROR` ends the wait.
    let id = created.server_id.as_str();
    let running = clients
        .ecs
        .wait_until_server_active(id)
        .timeout(Duration::from_secs(30 * 60))
        .await?;
    let status = running
        .into_output()
        .server
        .and_then(|s| s.status)
        .unwrap_or_default();
    println!("server {id} is {status}");

    let attach = clients
        .ecs
        .attach_server_volume()
        .server_id(id)
        .body(
            AttachServerVolumeRequestBody::builder()
                .volume_attachment(
                    AttachServerVolumeOption::builder()
                        .volume_id(created.volume_id.as_str())
                        .device("/dev/vdb")
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    println!(
        "attaching disk {} to server {id} (job {})",
        created.volume_id,
        attach.job_id.as_deref().unwrap_or("?")
    );
    Ok(created)
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn env_or(name: &str, example: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| example.to_owned())
}

/// A configuration whose clients all answer from `mock` and record their waits in `sleeper`.
fn mock_config(
    mock: &Arc<MockTransport>,
    sleeper: &RecordingSleeper,
) -> huaweicloud_sdk_core::Result<Config> {
    Config::builder()
        .region("cn-north-4")
        .credentials(
            Credentials::new("EXAMPLEACCESSKEY0000", "example-secret-key")?
                .with_project_id(PROJECT_ID),
        )
        .transport(mock.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .build()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = Plan {
        zone: env_or("ECS_AZ", "cn-north-4a"),
        image_id: env_or("ECS_IMAGE_ID", IMAGE_ID),
        flavor_id: env_or("ECS_FLAVOR_ID", "s6.small.1"),
    };
    let sleeper = RecordingSleeper::new();
    let (config, mock) = match arg("--region") {
        Some(region) => (Config::builder().region(region).build()?, None),
        None => {
            let mock = mock_services();
            println!("using an embedded mock of VPC, EVS and ECS");
            (mock_config(&mock, &sleeper)?, Some(mock))
        }
    };
    create_server(&Clients::new(&config)?, &plan).await?;
    if let Some(mock) = mock {
        for r in mock.requests() {
            println!("the mock received {} {}", r.method, r.path);
        }
        println!(
            "delays between polls (recorded, not slept): {:?}",
            sleeper.delays()
        );
    }
    Ok(())
}

const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
const IMAGE_ID: &str = "67f433d8-ed0e-4321-a8a2-a71838539e09";
const VPC_ID: &str = "3ec3b33f-ac1c-4630-ad1c-7dba1ed79d85";
const SUBNET_ID: &str = "4779ab1c-7c1a-44b1-a02e-93dfc361b32d";
const SECURITY_GROUP_ID: &str = "16b6e77a-08fa-42c7-aa8b-106c048884e6";
const VOLUME_ID: &str = "2c7e2b1d-6a54-4d0e-9b7f-0f6c8d3a1e52";
const SERVER_ID: &str = "a9c0e7f4-3d21-4b8e-8f6a-5e2d1c0b9a87";

/// VPC, EVS and ECS as a new server sees them: every create call succeeds, the server is
/// unknown for a moment, then building, then active.
fn mock_services() -> Arc<MockTransport> {
    mock_services_ending_in("ACTIVE")
}

/// Like [`mock_services`], with the server ending in `final_status` after building.
fn mock_services_ending_in(final_status: &str) -> Arc<MockTransport> {
    let mock = MockTransport::new();
    mock.on(Method::Post, "/v1/{project_id}/vpcs")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "vpc": {
                "id": VPC_ID, "name": "web-vpc", "cidr": "192.168.0.0/16",
                "status": "CREATING", "routes": [], "tenant_id": PROJECT_ID,
            }}),
        ));
    mock.on(Method::Post, "/v1/{project_id}/subnets")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "subnet": {
                "id": SUBNET_ID, "name": "web-subnet", "cidr": "192.168.1.0/24",
                "gateway_ip": "192.168.1.1", "vpc_id": VPC_ID, "status": "UNKNOWN",
                "availability_zone": "cn-north-4a", "dhcp_enable": true,
                "neutron_network_id": SUBNET_ID,
                "neutron_subnet_id": "7e3a1f4b-9c2d-4e8a-b6f0-1d5c3a2b4e6f",
            }}),
        ));
    mock.on(Method::Post, "/v1/{project_id}/security-groups")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "security_group": {
                "id": SECURITY_GROUP_ID, "name": "web-sg", "vpc_id": VPC_ID,
                "security_group_rules": [{
                    "id": "f11d3a8c-5b2e-4c7a-9d1f-3e6b8a0c2d4e", "direction": "egress",
                    "ethertype": "IPv4", "security_group_id": SECURITY_GROUP_ID,
                }],
            }}),
        ));
    mock.on(Method::Post, "/v2.1/{project_id}/cloudvolumes")
        .respond(MockResponse::json(
            200,
            serde_json::json!({
                "job_id": "ff8080828a0e6e8f018a1b2c3d4e0001",
                "volume_ids": [VOLUME_ID],
            }),
        ));
    mock.on(Method::Post, "/v1.1/{project_id}/cloudservers")
        .respond(MockResponse::json(
            200,
            serde_json::json!({
                "job_id": "ff8080828a0e6e8f018a1b2c3d4e0002",
                "serverIds": [SERVER_ID],
            }),
        ));
    let show = |status: &str, progress: u8| {
        MockResponse::json(
            200,
            serde_json::json!({ "server": {
                "id": SERVER_ID, "name": "web-1", "status": status, "progress": progress,
                "OS-EXT-AZ:availability_zone": "cn-north-4a",
                "flavor": { "id": "s6.small.1", "name": "s6.small.1" },
                "image": { "id": IMAGE_ID },
                "security_groups": [{ "id": SECURITY_GROUP_ID, "name": "web-sg" }],
                "metadata": { "charging_mode": "0", "vpc_id": VPC_ID },
            }}),
        )
    };
    mock.on(Method::Get, "/v1/{project_id}/cloudservers/{server_id}")
        .respond(MockResponse::json(
            404,
            serde_json::json!({ "error": {
                "code": "Ecs.0114",
                "message": format!("Instance[{SERVER_ID}] could not be found."),
            }}),
        ))
        .respond(show("BUILD", 0))
        .respond(show("BUILD", 60))
        .respond(show(final_status, 100));
    mock.on(
        Method::Post,
        "/v1/{project_id}/cloudservers/{server_id}/attachvolume",
    )
    .respond(MockResponse::json(
        200,
        serde_json::json!({ "job_id": "ff8080828a0e6e8f018a1b2c3d4e0003" }),
    ));
    mock
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            zone: "cn-north-4a".to_owned(),
            image_id: IMAGE_ID.to_owned(),
            flavor_id: "s6.small.1".to_owned(),
        }
    }

    #[tokio::test]
    async fn creates_everything_in_order_and_waits_until_active() {
        let mock = mock_services();
        let sleeper = RecordingSleeper::new();
        let clients = Clients::new(&mock_config(&mock, &sleeper).unwrap()).unwrap();

        let created = create_server(&clients, &plan()).await.unwrap();

        assert_eq!(created.vpc_id, VPC_ID);
        assert_eq!(created.subnet_id, SUBNET_ID);
        assert_eq!(created.security_group_id, SECURITY_GROUP_ID);
        assert_eq!(created.volume_id, VOLUME_ID);
        assert_eq!(created.server_id, SERVER_ID);
        let p = PROJECT_ID;
        let show = format!("/v1/{p}/cloudservers/{SERVER_ID}");
        let expected = [
            ("POST", format!("/v1/{p}/vpcs")),
            ("POST", format!("/v1/{p}/subnets")),
            ("POST", format!("/v1/{p}/security-groups")),
            ("POST", format!("/v2.1/{p}/cloudvolumes")),
            ("POST", format!("/v1.1/{p}/cloudservers")),
            // 404, BUILD, BUILD, ACTIVE
            ("GET", show.clone()),
            ("GET", show.clone()),
            ("GET", show.clone()),
            ("GET", show.clone()),
            ("POST", format!("{show}/attachvolume")),
        ];
        let sent: Vec<(String, String)> = mock
            .requests()
            .iter()
            .map(|r| (r.method.to_string(), r.path.clone()))
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(m, p)| ((*m).to_owned(), p.clone()))
            .collect();
        assert_eq!(sent, expected);
        // One delay between each pair of polls: the waiter polled until ACTIVE, then stopped.
        assert_eq!(sleeper.delays().len(), 3);
    }

    #[tokio::test]
    async fn requests_carry_the_ids_of_the_earlier_steps() {
        let mock = mock_services();
        let sleeper = RecordingSleeper::new();
        let clients = Clients::new(&mock_config(&mock, &sleeper).unwrap()).unwrap();

        create_server(&clients, &plan()).await.unwrap();

        let bodies: Vec<serde_json::Value> = mock
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .map(|r| r.json().unwrap())
            .collect();
        assert_eq!(bodies[1]["subnet"]["vpc_id"], VPC_ID);
        assert_eq!(bodies[2]["security_group"]["vpc_id"], VPC_ID);
        assert_eq!(bodies[3]["volume"]["volume_type"], "SSD");
        let server = &bodies[4]["server"];
        assert_eq!(server["vpcid"], VPC_ID);
        assert_eq!(server["nics"][0]["subnet_id"], SUBNET_ID);
        assert_eq!(server["security_groups"][0]["id"], SECURITY_GROUP_ID);
        assert_eq!(server["extendparam"]["chargingMode"], "postPaid");
        assert_eq!(bodies[5]["volumeAttachment"]["volumeId"], VOLUME_ID);
    }

    #[tokio::test]
    async fn a_server_in_error_ends_the_wait_without_attaching() {
        let mock = mock_services_ending_in("ERROR");
        let sleeper = RecordingSleeper::new();
        let clients = Clients::new(&mock_config(&mock, &sleeper).unwrap()).unwrap();

        let err = create_server(&clients, &plan()).await.unwrap_err();

        assert!(err.to_string().contains("ERROR"), "{err}");
        let last = mock.requests().last().map(|r| r.path.clone());
        assert_eq!(
            last,
            Some(format!("/v1/{PROJECT_ID}/cloudservers/{SERVER_ID}"))
        );
    }
}
