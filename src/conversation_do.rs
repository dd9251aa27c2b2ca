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
use crate::core::conversation::{
    stored_form, Conversation, Ctx, Effect, Event, Message, Output, TicketClaim,
    STORED_BUDGET_BYTES,
};
use crate::core::edges::{ConversationAnswer, ConversationRequest};
use crate::core::events::log::{log_line, logged};
use crate::core::events::DomainEvent;
use crate::core::form::{InboundMessage, Sender};
use crate::core::logline::LogLine;
use crate::core::message_view::{message_view, message_views};
use crate::core::metrics::Delta;
use crate::core::stored;
use crate::core::ticket_owner::TicketEvent;
use crate::{analytics, clock, env_config, log, metrics_do, storage, stubs, upstream, usage};
use worker::{durable_object, js_sys, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "CONVERSATIONS";
const STATE_KEY: &str = "conversation";

mod persistence;
mod typing;
/// Calls made by one alarm invocation before it hands over to the next alarm: Workers count
/// subrequests per invocation (50 on the free plan), and the index and metrics writes count too.
const MAX_CALLS_PER_ALARM: usize = 25;
/// When the configuration is broken, look again after this long.
const CONFIG_RETRY_MS: u64 = 60_000;
/// Messages listed by a search.
const SEARCH_LIMIT: usize = 50;
/// Unsent metrics are sent at the latest this long after they were batched (by the alarm
/// that does the conversation's work, or by one set for them when there is none).
const METRICS_FLUSH_MS: u64 = 5_000;

/// The Durable Object name of a customer (their number or WhatsApp user id).
pub fn object_name(message: &InboundMessage) -> String {
    conversation_name(message.addressed.channel.as_deref(), message.from.display())
}

/// The Durable Object name of a customer's conversation on a channel: the default channel's
/// keeps the name it had before channels (`customer:+1555...`, so conversations stored then go
/// on), another channel's adds `@<channel>`: one person writing to two brands has two.
pub fn conversation_name(channel: Option<&str>, address: &str) -> String {
    match channel {
        Some(c) if c != crate::core::config::DEFAULT_CHANNEL => {
            format!("{}@{c}", customer_name(address))
        }
        _ => customer_name(address),
    }
}

/// The Durable Object name for a customer's number (`+15550001234`) or user id.
pub fn customer_name(address: &str) -> String {
    format!(
        "customer:{}",
        address.trim().trim_start_matches("whatsapp:")
    )
}

/// The look-up index key of a customer's WhatsApp user id (BSUID) on a channel: it leads to
/// the conversation that first saw the id (with the customer's number, or alone).
pub fn user_key(channel: Option<&str>, user_id: &str) -> String {
    format!(
        "user:{}:{user_id}",
        channel.unwrap_or(crate::core::config::DEFAULT_CHANNEL)
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

#[durable_object]
pub struct ConversationObject {
    state: State,
    env: Env,
}

impl ConversationObject {
    /// Applies one event that arrives by request (not by alarm): its metrics join the
    /// conversation's unsent ones, all stored in one write; then wake if needed (the alarm
    /// sends the metrics: at the latest `METRICS_FLUSH_MS` later).
    async fn apply(
        &self,
        conv: &mut Conversation,
        event: Event,
        config: &Config,
    ) -> Result<Output> {
        let now_ms = clock::now_ms();
        let me = self.state.id().to_string();
        let channel = conv.channel.clone().or_else(|| received_channel(&event));
        let config = config.for_channel(channel.as_deref());
        let ctx = Ctx {
            now_ms,
            jitter: js_sys::Math::random(),
            config,
            conversation_id: &me,
            number: None,
        };
        let out = conv.step(event, &ctx);
        if out.unchanged {
            emit(&out.events, conv, config);
            return Ok(out);
        }
        conv.unsent_metrics.absorb(Delta::from_events(&out.events));
        self.save_with(conv, &out.archived).await?;
        let storage = self.state.storage();
        match &out.effect {
            Some(Effect::WakeAt(at)) => storage::wake_at(&storage, *at).await?,
            Some(Effect::Call(_) | Effect::Transfer(_) | Effect::AskBudget(_)) => {
                // A request's step never asks for a call (calls are the alarm's): one that did
                // would be a defect, said loudly, and neither carried out in a webhook nor
                // dropped: the state is stored, and the alarm (now) takes the machine's next
                // step, which asks for the call again. The request itself was handled.
                log::emit(&LogLine::error("conversation.call_outside_alarm"), &[]);
                storage::wake_at(&storage, now_ms).await?
            }
            None if !conv.unsent_metrics.is_empty() => {
                // A no-op when an alarm is already due sooner.
                storage::wake_at(&storage, now_ms + METRICS_FLUSH_MS).await?
            }
            None => {}
        }
        emit(&out.events, conv, config);
        analytics::write_finished(&self.env, &out.events, conv.channel.as_deref());
        Ok(out)
    }

    /// Sends what the conversation had not sent yet (`unsent`) and what this alarm's events
    /// add, in one request to its metrics shard. Best effort, after the work: a metrics
    /// failure never fails the alarm that did the work; what could not be sent goes back to
    /// the conversation for the next alarm.
    async fn send_metrics(&self, unsent: Delta, events: &[DomainEvent]) -> Result<()> {
        let mut delta = unsent;
        delta.absorb(Delta::from_events(events));
        let me = self.state.id().to_string();
        if metrics_do::record(&self.env, &me, &delta).await {
            return Ok(());
        }
        // Loaded again after the call: requests handled while it was out (a message accepted,
        // an agent's event) are in storage, and a copy from before it would erase them.
        let Some(mut conv) = self.load().await? else {
            return Ok(());
        };
        conv.unsent_metrics.absorb(delta);
        self.save(&conv).await?;
        storage::wake_at(&self.state.storage(), clock::now_ms() + METRICS_FLUSH_MS).await
    }

    /// Writes the directory entries waiting in `unsent` now; what cannot be written stays there
    /// and goes with the metrics at the end of the run.
    async fn write_directory(&self, unsent: &mut Delta) {
        let me = self.state.id().to_string();
        let delta = Delta {
            directory: std::mem::take(&mut unsent.directory),
            ..Delta::default()
        };
        if !metrics_do::record(&self.env, &me, &delta).await {
            log::emit(
                &LogLine::warn("directory.write_failed").field("entries", delta.directory.len()),
                &[],
            );
            unsent.directory = delta.directory;
        }
    }

    async fn accept(
        &self,
        message: InboundMessage,
        origin: String,
        received_at_ms: Option<u64>,
        config: &Config,
    ) -> Result<ConversationAnswer> {
        let (conv, archived) = self
            .load_with(Some(&message.from), Some(&message.message_sid))
            .await?;
        let mut conv = conv.unwrap_or_else(|| Conversation::new(message.from.clone()));
        let event = Event::Received {
            message,
            origin,
            received_at_ms,
            archived,
        };
        let out = self.apply(&mut conv, event, config).await?;
        Ok(ConversationAnswer::Accepted {
            duplicate: out.duplicate,
        })
    }

    /// A delivery status Twilio reports about a conversation that must exist, with the
    /// archived message it is about when it has a row.
    async fn delivery_status(
        &self,
        sid: String,
        status: crate::core::delivery::DeliveryStatus,
        error_code: Option<u32>,
        message_sid: Option<String>,
        config: &Config,
    ) -> Result<ConversationAnswer> {
        let (conv, archived) = self.load_with(None, message_sid.as_deref()).await?;
        let Some(mut conv) = conv else {
            return Ok(ConversationAnswer::UnknownConversation);
        };
        let event = Event::DeliveryStatus {
            sid,
            status,
            error_code,
            archived,
        };
        self.apply(&mut conv, event, config).await?;
        Ok(ConversationAnswer::Applied)
    }

    /// An event for a ticket: taken only by the conversation that owns the ticket (`Applied`),
    /// or kept by one that is making a ticket which may be it (`Kept`); any other conversation
    /// answers `NotOwner` and stores nothing, so the caller looks for the owner elsewhere.
    async fn agent_event(&self, event: TicketEvent, config: &Config) -> Result<ConversationAnswer> {
        let Some(mut conv) = self.load().await? else {
            return Ok(ConversationAnswer::UnknownConversation);
        };
        let out = self
            .apply(&mut conv, Event::AgentActivity(event), config)
            .await?;
        Ok(match out.claim {
            Some(TicketClaim::Owns) => ConversationAnswer::Applied,
            Some(TicketClaim::MayOwn) => ConversationAnswer::Kept,
            // The machine answers every agent event with a claim; none is "not ours" too.
            Some(TicketClaim::NotOurs) | None => ConversationAnswer::NotOwner,
        })
    }

    /// Runs the machine until it waits or has nothing to do; its events are in `events` even when it stops on an error
    /// (their metrics must still be sent).
    async fn run(
        &self,
        config: &Config,
        unsent: &mut Delta,
        events: &mut Vec<DomainEvent>,
        typing: &mut Option<typing::Indicator>,
    ) -> Result<()> {
        let mut event = Event::Wake;
        let mut calls = 0;
        let me = self.state.id().to_string();
        loop {
            // Loaded afresh each time: an accept may have run while the last call was out.
            let Some(mut conv) = self.load().await? else {
                return Ok(());
            };
            let config = config.for_channel(conv.channel.as_deref());
            let ctx = Ctx {
                now_ms: clock::now_ms(),
                jitter: js_sys::Math::random(),
                config,
                conversation_id: &me,
                number: None,
            };
            let out = conv.step(event, &ctx);
            // Taken out in the run's saves (no write of its own) and sent after the run; only
            // counted as taken once the save that removes it succeeded (else it stays stored).
            let taken = std::mem::take(&mut conv.unsent_metrics);
            // Stored before the call it asks for: the intent survives an eviction.
            self.save_with(&conv, &out.archived).await?;
            unsent.absorb(taken);
            if let Some(before) = out.prune_archive_before {
                self.archive_pruned(before, config, events).await?;
            }
            emit(&out.events, &conv, config);
            analytics::write_finished(&self.env, &out.events, conv.channel.as_deref());
            events.extend(out.events);
            // Started only once the state that says it started is stored (never twice).
            if let Some((sid, request)) = out.typing {
                typing::start(typing, sid, request, conv.masked(), config);
            }
            let calls_out = matches!(out.effect, Some(Effect::Call(_) | Effect::Transfer(_)));
            if calls_out && conv.directory_first(&unsent.directory) {
                // Where Zendesk's events find this conversation is written before the call:
                // before a ticket is made from a message, and before anything is sent on a
                // ticket just learned (an agent may answer at once, with the requester
                // already changed in Zendesk).
                self.write_directory(unsent).await;
                calls += 1;
            }
            let answer = match out.effect {
                None => return Ok(()),
                // The account's Zendesk budget: its answer is the next step's event (a request
                // to an object, counted with the calls so an invocation stays bounded).
                Some(Effect::AskBudget(ask)) => {
                    calls += 1;
                    let report_only = ask.report_only;
                    let answer = crate::budget_do::ask(&self.env, ask, config.api_budget).await;
                    // A report that could not be made is dropped (no call waits on it); only
                    // an ask for a call goes ahead without the budget.
                    event = Event::BudgetAnswered(answer.or(report_only.then_some(
                        crate::core::api_budget::SlotAnswer::Noted {
                            account_limit: None,
                        },
                    )));
                    continue;
                }
                Some(Effect::WakeAt(at)) => {
                    storage::wake_at(&self.state.storage(), at).await?;
                    return Ok(());
                }
                // The typing indicator runs beside the call, which never waits for it.
                Some(Effect::Transfer(transfer)) => {
                    let call = upstream::transfer(&transfer, config.upstream_timeout_ms);
                    typing::beside(call, typing, events, config).await
                }
                Some(Effect::Call(request)) => {
                    let call = upstream::exchange(&request, config.upstream_timeout_ms);
                    typing::beside(call, typing, events, config).await
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

/// The channel a message names (the first message of a conversation sets its channel).
fn received_channel(event: &Event) -> Option<String> {
    match event {
        Event::Received { message, .. } => message.addressed.channel.clone(),
        _ => None,
    }
}

fn metrics_write_failed(e: worker::Error) {
    log::emit(
        &LogLine::warn("metrics.write_failed").field("error", e.to_string()),
        &[],
    );
}

/// The log line of each of the machine's events (`events::log`).
fn emit(events: &[DomainEvent], conv: &Conversation, config: &Config) {
    let secrets = config.secrets();
    let from = conv.masked();
    for event in events {
        if logged(event) {
            log::emit(&log_line(event, &from), &secrets);
        }
    }
}

impl DurableObject for ConversationObject {
    fn new(state: State, env: Env) -> Self {
        ConversationObject { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::log::configure(&self.env);
        let span = usage::begin(usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(usage::enabled(&self.env));
        answer
    }

    async fn alarm(&self) -> Result<Response> {
        crate::log::configure(&self.env);
        let span = usage::begin(usage::Invocation::ObjectAlarm);
        let answer = self.on_alarm().await;
        span.end(usage::enabled(&self.env));
        answer
    }
}

impl ConversationObject {
    /// The routing table of the object: one typed request, one typed answer.
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let request: ConversationRequest = match stubs::read(&mut req).await {
            Ok(r) => r,
            Err((detail, status)) => return Response::error(detail, status),
        };
        let config = || env_config::load(&self.env).map_err(|e| e.to_string());
        let answer = match request {
            ConversationRequest::Accept {
                message,
                origin,
                received_at_ms,
            } => match config() {
                Ok(config) => {
                    self.accept(*message, origin, received_at_ms, &config)
                        .await?
                }
                Err(e) => return Response::error(e, 503),
            },
            ConversationRequest::AgentEvent(event) => match config() {
                Ok(config) => self.agent_event(event, &config).await?,
                Err(e) => return Response::error(e, 503),
            },
            ConversationRequest::DeliveryStatus {
                sid,
                status,
                error_code,
                message_sid,
            } => match config() {
                Ok(config) => {
                    self.delivery_status(sid, status, error_code, message_sid, &config)
                        .await?
                }
                Err(e) => return Response::error(e, 503),
            },
            ConversationRequest::Erase => ConversationAnswer::Erased(Box::new(self.erase().await?)),
            ConversationRequest::Message { sid } => {
                let (conv, archived) = self.load_with(None, Some(&sid)).await?;
                ConversationAnswer::Message {
                    view: conv
                        .map(|mut c| {
                            c.inbound.messages.extend(archived.map(|m| *m));
                            c
                        })
                        .and_then(|c| message_view(&c, &sid, clock::now_ms()))
                        .map(Box::new),
                }
            }
            ConversationRequest::Messages { ticket } => ConversationAnswer::Messages {
                views: match self.load().await? {
                    Some(mut c) => {
                        // A ticket's messages: the archived ones too (an operator's search: the
                        // rows are read). The latest messages (the dashboard's refresh) are in
                        // the value: the 20 newest finished and every unfinished one.
                        // Read a page at a time, keeping only that ticket's messages.
                        if let Some(ticket_id) = ticket {
                            let storage = self.state.storage();
                            let messages = &mut c.inbound.messages;
                            storage::visit_prefixed(
                                &storage,
                                stored_form::ARCHIVE_PREFIX,
                                |_, text| {
                                    messages.extend(
                                        stored_form::decode_archived(&text)
                                            .filter(|m| m.ticket_id() == Some(ticket_id)),
                                    )
                                },
                            )
                            .await?;
                        }
                        message_views(&c, clock::now_ms(), ticket, SEARCH_LIMIT)
                    }
                    None => Vec::new(),
                },
            },
        };
        stubs::answer(&answer)
    }

    async fn on_alarm(&self) -> Result<Response> {
        let config = match env_config::load(&self.env) {
            Ok(c) => c,
            Err(e) => {
                // Nothing is lost: the messages stay stored until the configuration is fixed.
                log::config_invalid(&e);
                storage::wake_at(&self.state.storage(), clock::now_ms() + CONFIG_RETRY_MS).await?;
                return Response::ok("");
            }
        };
        let mut unsent = Delta::default();
        let mut events = Vec::new();
        let mut indicator = None;
        let run = self
            .run(&config, &mut unsent, &mut events, &mut indicator)
            .await;
        // The work is done: an indicator still on its way is waited for (bounded by its own
        // timeout), so that its failure is counted with this run's metrics.
        typing::finish(indicator, &mut events, &config).await;
        // Sent even when the run failed: what was taken out, and what happened before the
        // failure, must not be lost.
        if let Err(e) = self.send_metrics(unsent, &events).await {
            metrics_write_failed(e);
        }
        run?;
        Response::ok("")
    }
}

/// Which conversation a request goes to.
pub enum Target<'a> {
    /// Its Durable Object id (hex), as callbacks and the directory name it.
    Id(&'a str),
    /// Its name (`customer_name`).
    Named(&'a str),
}

/// Sends a typed request to a conversation and reads its typed answer.
pub async fn ask(
    env: &Env,
    target: Target<'_>,
    request: &ConversationRequest,
) -> Result<ConversationAnswer> {
    let namespace = env.durable_object(BINDING)?;
    let id = match target {
        Target::Id(hex) => namespace.id_from_string(hex)?,
        Target::Named(name) => namespace.id_from_name(name)?,
    };
    stubs::ask(&id.get_stub()?, request).await
}
