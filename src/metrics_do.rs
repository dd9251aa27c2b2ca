//! Metrics shards: Durable Objects that keep `core::metrics::Metrics` (counters, failures by
//! reason, pending retries, recent latencies). Writers pick a shard by key, so no single object
//! takes all the traffic; `GET /admin/metrics` reads every shard and merges them.

use crate::core::metrics::{Delta, Metrics};
use crate::storage;
use worker::{
    durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result, State,
};

pub const BINDING: &str = "METRICS";
pub const SHARDS: u32 = 8;
const KEY: &str = "metrics";

fn shard_of(key: &str) -> u32 {
    // FNV-1a: stable across isolates and releases.
    key.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x01000193)
    }) % SHARDS
}

fn stub(env: &Env, shard: u32) -> Result<worker::Stub> {
    env.durable_object(BINDING)?
        .id_from_name(&format!("metrics-{shard}"))?
        .get_stub()
}

/// Adds a delta to the shard of `key`; false when it was not stored (best effort: metrics
/// never block or fail the work, the caller keeps the delta for later).
pub async fn record(env: &Env, key: &str, delta: &Delta) -> bool {
    if delta.is_empty() {
        return true;
    }
    let send = async {
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(serde_json::to_string(delta)?.into()));
        crate::usage::subrequest();
        let resp = stub(env, shard_of(key))?
            .fetch_with_request(Request::new_with_init("https://metrics/delta", &init)?)
            .await?;
        match resp.status_code() {
            204 => Ok(()),
            status => Err(worker::Error::RustError(format!("shard answered {status}"))),
        }
    };
    match send.await {
        Ok(()) => true,
        Err(e) => {
            worker::console_warn!(
                "{}",
                crate::core::logline::LogLine::warn("metrics.write_failed")
                    .field("error", e.to_string())
                    .finish(&[])
            );
            false
        }
    }
}

/// Every shard, merged.
pub async fn read_all(env: &Env) -> Result<Metrics> {
    let mut shards = Vec::new();
    for shard in 0..SHARDS {
        crate::usage::subrequest();
        let mut resp = stub(env, shard)?
            .fetch_with_str("https://metrics/raw")
            .await?;
        shards.push(resp.json::<Metrics>().await?);
    }
    Ok(Metrics::merge(&shards))
}

#[durable_object(fetch)]
pub struct MetricsShard {
    state: State,
    env: Env,
}

impl DurableObject for MetricsShard {
    fn new(state: State, env: Env) -> Self {
        MetricsShard { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let span = crate::usage::begin(crate::usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(crate::usage::enabled(&self.env));
        answer
    }
}

impl MetricsShard {
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        match (req.method(), req.path().as_str()) {
            (Method::Post, "/delta") => {
                // The body first: reading it lets other requests in, and the load-apply-save
                // below must run with nothing in between (only storage calls hold the gate).
                let delta: Delta = req.json().await?;
                let mut metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                metrics.apply(delta, storage::now_ms());
                storage::save(&storage, KEY, &metrics).await?;
                Ok(Response::empty()?.with_status(204))
            }
            (Method::Get, "/raw") => {
                let metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                Response::from_json(&metrics)
            }
            _ => Response::error("not found", 404),
        }
    }
}
