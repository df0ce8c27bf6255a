//! Create a RabbitMQ instance and wait until it runs.
//!
//! By default the client talks to an embedded `MockTransport` that answers like RabbitMQ does
//! (the new instance is unknown for a moment, then `CREATING`, then `RUNNING`), and the
//! waiter's delays are recorded instead of slept, so this runs at once, anywhere:
//!
//! ```text
//! cargo run -p huaweicloud-sdk-examples --example rabbitmq_wait_until_running
//! ```
//!
//! With `-- --region cn-north-4` it creates a real (billed) instance; set the VPC, subnet,
//! security group, zone and product in `RABBITMQ_VPC_ID`, `RABBITMQ_SUBNET_ID`,
//! `RABBITMQ_SECURITY_GROUP_ID`, `RABBITMQ_AZ` and `RABBITMQ_PRODUCT_ID`.

use std::sync::Arc;

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
use huaweicloud_sdk_core::{Config, Credentials, Method};
// README-BEGIN: wait
use std::time::Duration;

use huaweicloud_sdk_core::waiter::PollOutcome;
use huaweicloud_sdk_rabbitmq::models::CreateInstanceReq;

/// Creates an instance and returns its id once it runs.
async fn create_and_wait(
    rabbitmq: &huaweicloud_sdk_rabbitmq::Client,
    network: &Network,
) -> huaweicloud_sdk_rabbitmq::Result<String> {
    let body = CreateInstanceReq::builder()
        .name("orders")
        .engine("rabbitmq")
        .engine_version("3.8.35")
        .storage_space(100)
        .storage_spec_code("dms.physical.storage.ultra.v2")
        .product_id(network.product_id.as_str())
        .vpc_id(network.vpc_id.as_str())
        .subnet_id(network.subnet_id.as_str())
        .security_group_id(network.security_group_id.as_str())
        .available_zones(vec![network.zone.clone()])
        .build();
    let created = rabbitmq
        .create_post_paid_instance_by_engine()
        .engine("rabbitmq")
        .body(body)
        .send()
        .await?;
    let id = created.instance_id.clone().unwrap_or_default();

    // Polls `show_instance` (5 s at first, then up to 30 s apart) until the instance runs;
    // a failure state or 30 minutes end the wait with an error that names the last state.
    let instance = rabbitmq
        .core()
        .waiter(Duration::from_secs(30 * 60))
        .describe(format!("RabbitMQ instance {id} to be RUNNING"))
        .pending_on_status([404]) // not visible yet right after the create call
        .wait_until(
            || rabbitmq.show_instance().instance_id(&id).send(),
            |r| {
                PollOutcome::from_state(
                    r.status.as_deref(),
                    &["RUNNING"],
                    &["ERROR", "CREATEFAILED"],
                )
            },
        )
        .await?;
    println!(
        "{id} runs; AMQP at {}",
        instance.connect_address.as_deref().unwrap_or("?")
    );
    Ok(id)
}
// README-END: wait

/// Where the instance goes.
struct Network {
    vpc_id: String,
    subnet_id: String,
    security_group_id: String,
    zone: String,
    product_id: String,
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let network = Network {
        vpc_id: env_or("RABBITMQ_VPC_ID", "vpc-0001"),
        subnet_id: env_or("RABBITMQ_SUBNET_ID", "subnet-0001"),
        security_group_id: env_or("RABBITMQ_SECURITY_GROUP_ID", "sg-0001"),
        zone: env_or("RABBITMQ_AZ", "cn-north-4a"),
        product_id: env_or("RABBITMQ_PRODUCT_ID", "c6.2u4g.single"),
    };
    let sleeper = RecordingSleeper::new();
    let (config, mock) = match arg("--region") {
        Some(region) => (Config::builder().region(region).build()?, None),
        None => {
            let mock = mock_rabbitmq();
            let config = Config::builder()
                .region("cn-north-4")
                .credentials(
                    Credentials::new("EXAMPLEACCESSKEY0000", "example-secret-key")?
                        .with_project_id("0123456789abcdef0123456789abcdef"),
                )
                .transport(mock.clone())
                .sleeper(Arc::new(sleeper.clone()))
                .build()?;
            println!("using an embedded mock of RabbitMQ");
            (config, Some(mock))
        }
    };
    let rabbitmq: huaweicloud_sdk_rabbitmq::Client = config.client()?;
    create_and_wait(&rabbitmq, &network).await?;
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

/// RabbitMQ as a new instance sees it: created, unknown for a moment, then starting, running.
fn mock_rabbitmq() -> Arc<MockTransport> {
    let mock = MockTransport::new();
    let id = "5c4b1e7a-2f8d-4a6b-9e3c-1d0f2a3b4c5d";
    mock.on(Method::Post, "/v2/{engine}/{project_id}/instances")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "instance_id": id }),
        ));
    let show = |status: &str| {
        MockResponse::json(
            200,
            serde_json::json!({
                "instance_id": id,
                "name": "orders",
                "status": status,
                "connect_address": "192.168.0.10:5672",
            }),
        )
    };
    mock.on(Method::Get, "/v2/{project_id}/instances/{instance_id}")
        .respond(MockResponse::error(
            404,
            "DMS.00404022",
            "The instance does not exist.",
        ))
        .respond(show("CREATING"))
        .respond(show("CREATING"))
        .respond(show("RUNNING"));
    mock
}
