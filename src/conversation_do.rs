//! The Conversation Durable Object: one per customer. It stores the pure state machine's
//! state and carries out its effects: it never decides anything itself.
//!
//! - `POST /accept` (from the webhook): the message is stored, its count and acknowledgement
//!   time batched for the metrics, an alarm set, and the answer says whether it was a
//!   duplicate. No upstream call happens here.
//! - `POST /agent-event` (from Zendesk's webhook): a ticket of this customer changed.
//! - `POST /delivery-status` (from Twilio's status callback): a reply's delivery status.
//! - the alarm: the machine runs; every state is stored before the call it asks for goes out,
//!   and the call's answer is applied to freshly loaded state (other requests may have been
//!   handled meanwhile).
//! - `GET /message/{sid}` and `GET /messages[?ticket=N]`: the operator's views.

use crate::core::config::Config;
use crate::core::conversation::{Conversation, Ctx, Effect, Event};
use crate::core::form::InboundMessage;
use crate::core::logline::LogLine;
use crate::core::metrics::Delta;
use crate::message_index::{self, Entry};
use crate::{env_config, log, metrics_do, storage, upstream, usage};
use serde::Deserialize;
use worker::{
    durable_object, js_sys, DurableObject, Env, Method, Request, Response, Result, State,
};

pub const BINDING: &str = "CONVERSATIONS";
const STATE_KEY: &str = "conversation";
/// Calls made by one alarm invocation before it hands over to the next alarm: Workers count
/// subrequests per invocation (50 on the free plan), and the index and metrics writes count too.
const MAX_CALLS_PER_ALARM: usize = 25;
/// When the configuration is broken, look again after this long.
const CONFIG_RETRY_MS: u64 = 60_000;
/// Messages listed by a search.
const SEARCH_LIMIT: usize = 50;
/// What this conversation adds to the metrics and has not sent yet (its alarm sends it, so a
/// webhook costs no extra Durable Object call).
const METRICS_BATCH_KEY: &str = "metrics_batch";
/// Unsent metrics are sent at the latest this long after they were batched (by the alarm
/// that does the conversation's work, or by one set for them when there is none).
const METRICS_FLUSH_MS: u64 = 5_000;

/// The Durable Object name of a customer (their number or WhatsApp user id).
pub fn object_name(message: &InboundMessage) -> String {
    customer_name(message.from.display())
}

/// The Durable Object name for a customer's number (`+15550001234`) or user id.
pub fn customer_name(address: &str) -> String {
    format!(
        "customer:{}",
        address.trim().trim_start_matches("whatsapp:")
    )
}

/// The look-up index key of a masked number (`+1555***0001`): the conversations it may be.
pub fn masked_key(masked: &str) -> String {
    format!("masked-{masked}")
}

/// The look-up index key of a ticket (Zendesk's webhook names tickets, not customers).
pub fn ticket_key(ticket_id: u64) -> String {
    format!("ticket-{ticket_id}")
}

#[derive(Deserialize)]
struct Accept {
    message: InboundMessage,
    /// The public origin of the signed webhook URL (for status callbacks).
    origin: String,
    /// When the webhook arrived (ms): the acknowledgement is timed from there.
    #[serde(default)]
    received_at_ms: Option<u64>,
}

#[derive(Deserialize)]
struct AgentEvent {
    ticket_id: u64,
}

#[derive(Deserialize)]
struct DeliveryStatus {
    sid: String,
    status: String,
    error_code: Option<u32>,
}

#[durable_object]
pub struct ConversationObject {
    state: State,
    env: Env,
}

impl ConversationObject {
    async fn load(&self) -> Result<Option<Conversation>> {
        storage::load(&self.state.storage(), STATE_KEY).await
    }

    async fn save(&self, conv: &Conversation) -> Result<()> {
        storage::save(&self.state.storage(), STATE_KEY, conv).await
    }

    /// Where Twilio should report the delivery of this conversation's messages.
    fn status_callback(&self, conv: &Conversation, config: &Config) -> Option<String> {
        let origin = public_origin(conv, config)?;
        Some(format!("{origin}/twilio/status?c={}", self.state.id()))
    }

    /// Applies one event that arrives by request (not by alarm): store, wake if needed.
    async fn apply(
        &self,
        conv: &mut Conversation,
        event: Event,
        config: &Config,
    ) -> Result<(bool, Vec<LogLine>)> {
        let rules = config.triage.clone();
        let ctx = Ctx {
            now_ms: storage::now_ms(),
            jitter: js_sys::Math::random(),
            config,
            rules: &rules,
            status_callback_url: None,
            media_base_url: None,
        };
        let out = conv.step(event, &ctx);
        self.save(conv).await?;
        if let Some(Effect::WakeAt(at)) = out.effect {
            storage::wake_at(&self.state.storage(), at).await?;
        }
        emit(&out.logs, config);
        Ok((out.duplicate, out.logs))
    }

    /// Adds to this conversation's unsent metrics, which the next alarm sends (`record`).
    async fn batch_metrics(&self, delta: Delta) -> Result<()> {
        if delta.is_empty() {
            return Ok(());
        }
        let storage = self.state.storage();
        let mut batch: Delta = storage::load(&storage, METRICS_BATCH_KEY)
            .await?
            .unwrap_or_default();
        batch.absorb(delta);
        storage::save(&storage, METRICS_BATCH_KEY, &batch).await?;
        // A no-op when work is due sooner (`wake_at` only moves the alarm earlier).
        storage::wake_at(&storage, storage::now_ms() + METRICS_FLUSH_MS).await
    }

    /// Sends the unsent metrics and what these events add. Best effort, after the work: a
    /// metrics failure never fails the request or the alarm that did the work; when the shard
    /// cannot be reached, the batch waits for the next call.
    async fn record(&self, logs: &[LogLine], conv: Option<&Conversation>) {
        if let Err(e) = self.send_metrics(logs, conv).await {
            metrics_write_failed(e);
        }
    }

    async fn send_metrics(&self, logs: &[LogLine], conv: Option<&Conversation>) -> Result<()> {
        let storage = self.state.storage();
        // Taken out before the send: what an accept adds meanwhile starts a new batch.
        let mut delta: Delta = storage::load(&storage, METRICS_BATCH_KEY)
            .await?
            .unwrap_or_default();
        if !delta.is_empty() {
            storage::delete(&storage, METRICS_BATCH_KEY).await?;
        }
        delta.absorb(Delta::from_logs(logs));
        let me = self.state.id().to_string();
        if let Some(conv) = conv {
            delta.pending = Some((me.clone(), conv.pending_retries(storage::now_ms())));
        }
        if !metrics_do::record(&self.env, &me, &delta).await {
            self.batch_metrics(delta).await?;
        }
        Ok(())
    }

    async fn accept(&self, mut req: Request, config: &Config) -> Result<Response> {
        let Accept {
            message,
            origin,
            received_at_ms,
        } = req.json().await?;
        let mut conv = self
            .load()
            .await?
            .unwrap_or_else(|| Conversation::new(message.from.clone()));
        if conv.public_origin.as_deref() != Some(origin.as_str()) && !origin.is_empty() {
            conv.public_origin = Some(origin);
        }
        let (duplicate, logs) = self
            .apply(&mut conv, Event::Received(message), config)
            .await?;
        let mut delta = Delta::from_logs(&logs);
        delta
            .ack_ms
            .extend(received_at_ms.map(|at| storage::now_ms().saturating_sub(at)));
        if let Err(e) = self.batch_metrics(delta).await {
            // The message is stored: only its count is lost.
            metrics_write_failed(e);
        }
        Response::from_json(&serde_json::json!({ "duplicate": duplicate }))
    }

    /// Applies an event Zendesk or Twilio reports about a conversation that must exist.
    async fn apply_reported(&self, event: Event, config: &Config) -> Result<Response> {
        let Some(mut conv) = self.load().await? else {
            return Response::error("unknown conversation", 404);
        };
        let (_, logs) = self.apply(&mut conv, event, config).await?;
        self.record(&logs, None).await;
        Response::from_json(&serde_json::json!({ "ok": true }))
    }

    /// Writes the conversation's masked number, new messages and new tickets to the look-up
    /// index, once per alarm, after the run (best effort: what fails is written by the next
    /// alarm). One load before the writes and one load-modify-save after them: other requests
    /// may be handled while the index answers.
    async fn index_new_entries(&self, config: &Config) -> Result<Option<Conversation>> {
        let Some(conv) = self.load().await? else {
            return Ok(None);
        };
        let me = self.state.id().to_string();
        let sids = conv.unindexed();
        let tickets = conv.unindexed_tickets();
        let masked_written = if conv.masked_indexed {
            false
        } else {
            message_index::add_to_set(&self.env, &masked_key(&conv.masked()), &me)
                .await
                .map_err(|e| index_write_failed(e, config))
                .is_ok()
        };
        let entries: Vec<Entry> = sids
            .iter()
            .cloned()
            .chain(tickets.iter().map(|t| ticket_key(*t)))
            .map(|key| Entry {
                sid: key,
                conversation: me.clone(),
            })
            .collect();
        let entries_written = !entries.is_empty()
            && message_index::record(&self.env, &entries)
                .await
                .map_err(|e| index_write_failed(e, config))
                .is_ok();
        if !masked_written && !entries_written {
            return Ok(Some(conv));
        }
        let Some(mut conv) = self.load().await? else {
            return Ok(None);
        };
        if masked_written {
            conv.masked_indexed = true;
        }
        if entries_written {
            conv.mark_indexed(&sids);
            conv.mark_tickets_indexed(&tickets);
        }
        self.save(&conv).await?;
        Ok(Some(conv))
    }

    /// Runs the machine until it waits or has nothing to do; returns the events it logged.
    async fn run(&self, config: &Config) -> Result<Vec<LogLine>> {
        let rules = config.triage.clone();
        let mut event = Event::Wake;
        let mut logs = Vec::new();
        let mut calls = 0;
        loop {
            // Loaded afresh each time: an accept may have run while the last call was out.
            let Some(mut conv) = self.load().await? else {
                return Ok(logs);
            };
            let callback = self.status_callback(&conv, config);
            let origin = public_origin(&conv, config);
            let ctx = Ctx {
                now_ms: storage::now_ms(),
                jitter: js_sys::Math::random(),
                config,
                rules: &rules,
                status_callback_url: callback.as_deref(),
                media_base_url: origin.as_deref(),
            };
            let out = conv.step(event, &ctx);
            // Stored before the call it asks for: the intent survives an eviction.
            self.save(&conv).await?;
            emit(&out.logs, config);
            logs.extend(out.logs);
            let answer = match out.effect {
                None => return Ok(logs),
                Some(Effect::WakeAt(at)) => {
                    storage::wake_at(&self.state.storage(), at).await?;
                    return Ok(logs);
                }
                Some(Effect::Transfer(transfer)) => {
                    upstream::transfer(&transfer, config.upstream_timeout_ms).await
                }
                Some(Effect::Call(request)) => {
                    upstream::exchange(&request, config.upstream_timeout_ms).await
                }
            };
            calls += 1;
            // The last call of this invocation: apply its answer, then the next alarm goes on.
            event = if calls >= MAX_CALLS_PER_ALARM {
                Event::AnsweredLast(answer)
            } else {
                Event::Answered(answer)
            };
        }
    }
}

/// The origin Twilio reaches the gateway at: configured, or seen on a signed webhook.
fn public_origin(conv: &Conversation, config: &Config) -> Option<String> {
    config
        .public_base_url
        .clone()
        .or_else(|| conv.public_origin.clone())
}

fn metrics_write_failed(e: worker::Error) {
    log::emit(
        &LogLine::warn("metrics.write_failed").field("error", e.to_string()),
        &[],
    );
}

fn index_write_failed(e: worker::Error, config: &Config) {
    log::emit(
        &LogLine::warn("index.write_failed").field("error", e.to_string()),
        &config.secrets(),
    );
}

fn emit(lines: &[LogLine], config: &Config) {
    let secrets = config.secrets();
    for line in lines {
        log::emit(line, &secrets);
    }
}

impl DurableObject for ConversationObject {
    fn new(state: State, env: Env) -> Self {
        ConversationObject { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let span = usage::begin(usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(usage::enabled(&self.env));
        answer
    }

    async fn alarm(&self) -> Result<Response> {
        let span = usage::begin(usage::Invocation::ObjectAlarm);
        let answer = self.on_alarm().await;
        span.end(usage::enabled(&self.env));
        answer
    }
}

impl ConversationObject {
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let config = match env_config::load(&self.env) {
            Ok(c) => c,
            Err(e) => return Response::error(e.to_string(), 503),
        };
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Post, "/accept") => self.accept(req, &config).await,
            (Method::Post, "/agent-event") => {
                let AgentEvent { ticket_id } = req.json().await?;
                self.apply_reported(Event::AgentActivity { ticket_id }, &config)
                    .await
            }
            (Method::Post, "/delivery-status") => {
                let DeliveryStatus {
                    sid,
                    status,
                    error_code,
                } = req.json().await?;
                let event = Event::DeliveryStatus {
                    sid,
                    status,
                    error_code,
                };
                self.apply_reported(event, &config).await
            }
            (Method::Get, p) if p.starts_with("/message/") => {
                let sid = &p["/message/".len()..];
                match self
                    .load()
                    .await?
                    .and_then(|c| c.view(sid, storage::now_ms()))
                {
                    Some(view) => Response::from_json(&view),
                    None => Response::error("unknown message", 404),
                }
            }
            (Method::Get, "/messages") => {
                let ticket = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "ticket")
                    .and_then(|(_, v)| v.parse::<u64>().ok());
                let views = match self.load().await? {
                    Some(c) => c.views(storage::now_ms(), ticket, SEARCH_LIMIT),
                    None => Vec::new(),
                };
                Response::from_json(&views)
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn on_alarm(&self) -> Result<Response> {
        let config = match env_config::load(&self.env) {
            Ok(c) => c,
            Err(e) => {
                // Nothing is lost: the messages stay stored until the configuration is fixed.
                log::config_invalid(&e);
                storage::wake_at(&self.state.storage(), storage::now_ms() + CONFIG_RETRY_MS)
                    .await?;
                return Response::ok("");
            }
        };
        let logs = self.run(&config).await?;
        // The messages and the tickets of this run (Zendesk's webhook names tickets).
        let conv = self.index_new_entries(&config).await?;
        self.record(&logs, conv.as_ref()).await;
        Response::ok("")
    }
}

/// The conversation identified by `id` (hex, as the look-up index and callbacks name it).
fn stub(env: &Env, id: &str) -> Result<worker::Stub> {
    env.durable_object(BINDING)?.id_from_string(id)?.get_stub()
}

/// Reads one of the conversation's views (`/message/{sid}`, `/messages[?ticket=N]`).
pub async fn get(env: &Env, id: &str, path: &str) -> Result<Response> {
    crate::usage::subrequest();
    stub(env, id)?
        .fetch_with_str(&format!("https://conversation{path}"))
        .await
}

/// Sends an event to the conversation identified by `id` (hex), e.g. from Zendesk's webhook.
pub async fn post(env: &Env, id: &str, path: &str, body: &serde_json::Value) -> Result<Response> {
    let stub = stub(env, id)?;
    let mut init = worker::RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(body.to_string().into()));
    crate::usage::subrequest();
    stub.fetch_with_request(Request::new_with_init(
        &format!("https://conversation{path}"),
        &init,
    )?)
    .await
}
