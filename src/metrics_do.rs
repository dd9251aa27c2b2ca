//! Metrics shards: Durable Objects that keep `core::metrics::Metrics` (counters, failures by
//! reason, pending retries, recent latencies). Writers pick a shard by key, so no single object
//! takes all the traffic; `GET /admin/metrics` reads every shard and merges them.
//!
//! Each shard also keeps the operators' directory for the conversations that write to it
//! (MessageSid -> conversation, masked number -> conversations): it arrives in the same request
//! as the metrics, so finding a message later costs no request per message. A look-up asks
//! every shard (`SHARDS` requests, only when an operator searches).

use crate::core::metrics::{Delta, DirectoryKey, Metrics, MASKED_SET_MAX};
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

/// The conversations the directory lists under `key`, from every shard. An error when a
/// shard cannot be read: "not found" must mean not found.
pub async fn directory(env: &Env, key: &DirectoryKey) -> Result<Vec<String>> {
    let query = serde_urlencoded::to_string([("key", key.storage_key())])
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let asks = (0..SHARDS).map(|shard| {
        let query = query.clone();
        async move {
            crate::usage::subrequest();
            let mut resp = stub(env, shard)?
                .fetch_with_str(&format!("https://metrics/directory?{query}"))
                .await?;
            if resp.status_code() != 200 {
                return Err(worker::Error::RustError(format!(
                    "metrics shard answered {}",
                    resp.status_code()
                )));
            }
            resp.json::<Vec<String>>().await
        }
    });
    let mut all = Vec::new();
    for found in futures_util::future::join_all(asks).await {
        for id in found? {
            if !all.contains(&id) {
                all.push(id);
            }
        }
    }
    Ok(all)
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
                let mut delta: Delta = req.json().await?;
                for entry in std::mem::take(&mut delta.directory) {
                    let key = entry.key.storage_key();
                    match entry.key {
                        DirectoryKey::Message(_) => {
                            storage::save(&storage, &key, &entry.conversation).await?
                        }
                        DirectoryKey::Masked(_) => {
                            let mut set: Vec<String> =
                                storage::load(&storage, &key).await?.unwrap_or_default();
                            if !set.contains(&entry.conversation) {
                                set.push(entry.conversation);
                                if set.len() > MASKED_SET_MAX {
                                    set.remove(0);
                                }
                                storage::save(&storage, &key, &set).await?;
                            }
                        }
                    }
                }
                let mut metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                metrics.apply(delta, storage::now_ms());
                storage::save(&storage, KEY, &metrics).await?;
                Ok(Response::empty()?.with_status(204))
            }
            (Method::Get, "/directory") => {
                let key = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "key")
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default();
                if key.starts_with("masked:") {
                    let set: Vec<String> = storage::load(&storage, &key).await?.unwrap_or_default();
                    Response::from_json(&set)
                } else {
                    let one: Option<String> = storage::load(&storage, &key).await?;
                    Response::from_json(&one.into_iter().collect::<Vec<_>>())
                }
            }
            (Method::Get, "/raw") => {
                let metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                Response::from_json(&metrics)
            }
            _ => Response::error("not found", 404),
        }
    }
}
