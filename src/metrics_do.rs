//! Metrics shards: Durable Objects that keep `core::metrics::Metrics` (counters, failures by
//! reason, pending retries, recent latencies). Writers pick a shard by key, so no single object
//! takes all the traffic; `GET /admin/metrics` reads every shard and merges them.
//!
//! Each shard also keeps the operators' directory for the conversations that write to it
//! (MessageSid -> conversation, masked number -> conversations): it arrives in the same request
//! as the metrics, so finding a message later costs no request per message. A look-up asks
//! every shard (`SHARDS` requests, only when an operator searches).

use crate::core::edges::{MetricsAnswer, MetricsRequest};
use crate::core::logline::LogLine;
use crate::core::metrics::{Delta, DirectoryKey, Metrics, MASKED_SET_MAX};
use crate::core::metrics_series::Hour;
use crate::{storage, stubs};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "METRICS";
pub const SHARDS: u32 = 8;
const KEY: &str = "metrics";

fn shard_of(key: &str) -> u32 {
    // FNV-1a: stable across isolates and releases.
    key.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x01000193)
    }) % SHARDS
}

async fn ask(env: &Env, shard: u32, request: &MetricsRequest) -> Result<MetricsAnswer> {
    let stub = env
        .durable_object(BINDING)?
        .id_from_name(&format!("metrics-{shard}"))?
        .get_stub()?;
    stubs::ask(&stub, request).await
}

fn unexpected(answer: MetricsAnswer) -> worker::Error {
    worker::Error::RustError(format!("unexpected answer {}", answer.name()))
}

/// Adds a delta to the shard of `key`; false when it was not stored (best effort: metrics
/// never block or fail the work, the caller keeps the delta for later).
pub async fn record(env: &Env, key: &str, delta: &Delta) -> bool {
    if delta.is_empty() {
        return true;
    }
    let request = MetricsRequest::Record {
        delta: delta.clone(),
    };
    match ask(env, shard_of(key), &request).await {
        Ok(MetricsAnswer::Recorded) => true,
        outcome => {
            let error = match outcome {
                Err(e) => e.to_string(),
                Ok(other) => unexpected(other).to_string(),
            };
            crate::log::emit(
                &LogLine::warn("metrics.write_failed").field("error", error),
                &[],
            );
            false
        }
    }
}

/// Forgets an erased conversation in its shard (where its metrics and directory entries went):
/// the directory entries under `keys` that lead to it, its recent messages, its gauge.
pub async fn forget(env: &Env, conversation: &str, keys: Vec<DirectoryKey>) -> Result<()> {
    let request = MetricsRequest::Forget {
        conversation: conversation.to_string(),
        keys,
    };
    match ask(env, shard_of(conversation), &request).await? {
        MetricsAnswer::Forgotten => Ok(()),
        other => Err(unexpected(other)),
    }
}

/// The conversations the directory lists under `key`, from every shard. An error when a
/// shard cannot be read: "not found" must mean not found.
pub async fn directory(env: &Env, key: &DirectoryKey) -> Result<Vec<String>> {
    let request = MetricsRequest::Directory { key: key.clone() };
    let asks = (0..SHARDS).map(|shard| ask(env, shard, &request));
    let mut all = Vec::new();
    for answer in futures_util::future::join_all(asks).await {
        match answer? {
            MetricsAnswer::Conversations { ids } => {
                for id in ids {
                    if !all.contains(&id) {
                        all.push(id);
                    }
                }
            }
            other => return Err(unexpected(other)),
        }
    }
    Ok(all)
}

/// Every shard's hours of the last day (`metrics_series::report` merges them).
pub async fn series(env: &Env) -> Result<Vec<Hour>> {
    let asks = (0..SHARDS).map(|shard| ask(env, shard, &MetricsRequest::Series));
    let mut all = Vec::new();
    for answer in futures_util::future::join_all(asks).await {
        match answer? {
            MetricsAnswer::Hours { hours } => all.extend(hours),
            other => return Err(unexpected(other)),
        }
    }
    Ok(all)
}

/// The merged metrics and every shard's hours, read together (`MetricsRequest::Overview`: one
/// request per shard) for the dashboard's refresh.
pub struct Overview {
    pub metrics: Metrics,
    pub hours: Vec<Hour>,
    /// When the shards were read (the page says how fresh its figures are).
    pub read_at_ms: u64,
}

/// How long an isolate answers the dashboard from the overview it last read. Below the page's
/// shortest refresh period (30 s, `dashboard/admin.js`), so one open tab always gets fresh
/// figures, while further tabs or operators within that time cost no Durable Object request.
pub const OVERVIEW_CACHE_MS: u64 = 20_000;

thread_local! {
    /// This isolate's latest overview. An isolate serves requests one event at a time
    /// (single-threaded), so a `RefCell` is enough; two requests that both miss both read.
    static OVERVIEW: std::cell::RefCell<Option<std::rc::Rc<Overview>>> =
        const { std::cell::RefCell::new(None) };
}

/// The overview, from this isolate's cache when it is younger than `OVERVIEW_CACHE_MS`, else
/// from every shard at once (`SHARDS` requests, concurrently).
pub async fn overview(env: &Env) -> Result<std::rc::Rc<Overview>> {
    let now = crate::clock::now_ms();
    let cached = OVERVIEW.with(|c| c.borrow().clone());
    if let Some(o) = cached.filter(|o| now.saturating_sub(o.read_at_ms) < OVERVIEW_CACHE_MS) {
        return Ok(o);
    }
    let asks = (0..SHARDS).map(|shard| ask(env, shard, &MetricsRequest::Overview));
    let mut shards = Vec::new();
    let mut hours = Vec::new();
    for answer in futures_util::future::join_all(asks).await {
        match answer? {
            MetricsAnswer::Overview { metrics, hours: h } => {
                shards.push(*metrics);
                hours.extend(h);
            }
            other => return Err(unexpected(other)),
        }
    }
    let fresh = std::rc::Rc::new(Overview {
        metrics: Metrics::merge(&shards),
        hours,
        read_at_ms: now,
    });
    OVERVIEW.with(|c| *c.borrow_mut() = Some(fresh.clone()));
    Ok(fresh)
}

/// Every shard, merged.
pub async fn read_all(env: &Env) -> Result<Metrics> {
    let mut shards = Vec::new();
    for shard in 0..SHARDS {
        match ask(env, shard, &MetricsRequest::Read).await? {
            MetricsAnswer::Metrics { metrics } => shards.push(*metrics),
            other => return Err(unexpected(other)),
        }
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
        crate::log::configure(&self.env);
        let span = crate::usage::begin(crate::usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(crate::usage::enabled(&self.env));
        answer
    }
}

impl MetricsShard {
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let request: MetricsRequest = match stubs::read(&mut req).await {
            Ok(r) => r,
            Err((detail, status)) => return Response::error(detail, status),
        };
        let storage = self.state.storage();
        // Only storage calls below: nothing else runs in between (the input gate stays shut),
        // so each load-apply-save is atomic.
        let answer = match request {
            MetricsRequest::Record { delta } => {
                for entry in delta.directory.clone() {
                    let key = entry.key.storage_key();
                    match entry.key {
                        DirectoryKey::Message(_) | DirectoryKey::Ticket(_) => {
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
                let (finished, expired) = metrics.apply(delta, crate::clock::now_ms());
                // Once an hour: the finished hour moves to a key of its own.
                if let Some(hour) = finished {
                    storage::save(&storage, &Hour::key(hour.hour), &hour).await?;
                }
                for hour in expired {
                    storage::delete(&storage, &Hour::key(hour)).await?;
                }
                storage::save(&storage, KEY, &metrics).await?;
                MetricsAnswer::Recorded
            }
            MetricsRequest::Series => {
                let metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                MetricsAnswer::Hours {
                    hours: hours_of(&storage, &metrics).await?,
                }
            }
            MetricsRequest::Overview => {
                let metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                let hours = hours_of(&storage, &metrics).await?;
                MetricsAnswer::Overview {
                    metrics: Box::new(metrics),
                    hours,
                }
            }
            MetricsRequest::Read => MetricsAnswer::Metrics {
                metrics: Box::new(storage::load(&storage, KEY).await?.unwrap_or_default()),
            },
            MetricsRequest::Forget { conversation, keys } => {
                for key in keys {
                    let at = key.storage_key();
                    match key {
                        DirectoryKey::Message(_) | DirectoryKey::Ticket(_) => {
                            if storage::load::<String>(&storage, &at).await?.as_ref()
                                == Some(&conversation)
                            {
                                storage::delete(&storage, &at).await?;
                            }
                        }
                        DirectoryKey::Masked(_) => {
                            let mut set: Vec<String> =
                                storage::load(&storage, &at).await?.unwrap_or_default();
                            let before = set.len();
                            set.retain(|id| id != &conversation);
                            if set.is_empty() {
                                storage::delete(&storage, &at).await?;
                            } else if set.len() != before {
                                storage::save(&storage, &at, &set).await?;
                            }
                        }
                    }
                }
                let mut metrics: Metrics = storage::load(&storage, KEY).await?.unwrap_or_default();
                if metrics.forget(&conversation) {
                    storage::save(&storage, KEY, &metrics).await?;
                }
                MetricsAnswer::Forgotten
            }
            MetricsRequest::Directory { key } => {
                let ids = match &key {
                    DirectoryKey::Masked(_) => storage::load(&storage, &key.storage_key())
                        .await?
                        .unwrap_or_default(),
                    DirectoryKey::Message(_) | DirectoryKey::Ticket(_) => {
                        storage::load::<String>(&storage, &key.storage_key())
                            .await?
                            .into_iter()
                            .collect()
                    }
                };
                MetricsAnswer::Conversations { ids }
            }
        };
        stubs::answer(&answer)
    }
}

/// The shard's hours of the last day: this hour's, and those stored under keys of their own.
async fn hours_of(storage: &worker::Storage, metrics: &Metrics) -> Result<Vec<Hour>> {
    let mut hours: Vec<Hour> = metrics.current_hour.iter().cloned().collect();
    for hour in &metrics.stored_hours {
        hours.extend(storage::load::<Hour>(storage, &Hour::key(*hour)).await?);
    }
    Ok(hours)
}
