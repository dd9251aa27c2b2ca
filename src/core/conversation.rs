//! The conversation state machine: one per customer, pure (`state + event -> state + effects`).
//!
//! The Durable Object shell stores a `Conversation`, feeds it events (a message received, an
//! alarm, the answer to an HTTP call) and carries out the effects it returns (one HTTP call at a
//! time, or an alarm). Every decision lives here, so every fault sequence is a native test.
//!
//! The order of calls (as `conversation_do` makes them; `stored_form` converts to and from the
//! stored form, `core::stored`):
//! 1. A request event (`Event::Received`, `AgentActivity`, `DeliveryStatus`): load, `step`,
//!    store, and if the output is `Effect::WakeAt(t)`, set the alarm to `t`. No HTTP call here.
//! 2. The alarm: load, `step(Event::Wake)`. The output's effect is at most one of
//!    `Effect::Call` (an HTTP request), `Effect::Transfer` (a file copy) or `Effect::WakeAt`.
//!    The state is stored *before* a call goes out (its intent survives an eviction).
//! 3. The call's answer (or `Exchange::TimedOut` / `NetworkError`): load afresh (requests may
//!    have been handled meanwhile), `step(Event::Answered(exchange))`, store, and back to 2's
//!    effect. The last call an invocation may make is answered with `Event::AnsweredLast`,
//!    whose output is a `WakeAt(now)`: the next alarm goes on.
//! 4. Nothing to do: no effect; the conversation sleeps until the next request event.
//!
//! The conversation is a small parent over three parts, each a field with its own type that
//! owns its lists, attempts and deadlines:
//! - `inbound: InboundQueue` (`inbound/`): the customer's messages in order (each with its
//!   `Content`), their language, when the customer last wrote; its own calls (the reply to the
//!   customer, a file's copy) are `Call::Inbound(InboundCall)`;
//! - `agents: AgentSide` (`agents/`): tickets whose comments are to be read, agents' replies to
//!   send, notes to write, events kept for tickets not known yet; its own calls (an agent's
//!   reply to the customer) are `Call::Agents(AgentCall)`;
//! - `backend: Backend` (`backend/`): the ticketing back end and what it keeps (the open
//!   ticket, the tickets made, the comments read), with its rules and its own calls
//!   (`Call::Backend(BackendCall)`: tickets, comments, notes and their look-ups). The parts ask
//!   it for them in neutral words (`make_ticket`, `comment`, `read_ticket`, `add_note`...) and
//!   get each answer back as the back end's outcome (`BackendAnswer`), never an HTTP status of
//!   the back end's.
//!
//! The parent holds the customer, the call in flight, the public origin, what waits to be sent
//! with the metrics and the wake-up; it lends each part what it reads of the others
//! (`InboundAround`, `AgentsAround`, `AgentsAnswerAround`), builds the HTTP request of each call
//! (`requests`), routes each answer to the part whose call it was (a back-end call's through
//! `Backend::read`, to the part that asked), and carries Zendesk's events
//! across the parts (`ticket_events`). Inside a step it polls the parts in order (`poll`): the
//! call in flight, then the inbound queue, then the agents' side; each part returns its call or
//! the timers it waits on (`timers`), and the wake-up is the soonest of them, kept with its
//! reason (`wake`): the alarm that answers it logs which timer fired. A step that settles
//! things without end (a defect) says so and looks again later; it never ends without a wake-up
//! while work is left.
//!
//! Guarantees, per `MessageSid`:
//! - **at most one ticket or comment**: ticket creation carries `Idempotency-Key` and
//!   `external_id` (both the MessageSid); a comment whose answer was lost is looked for before it
//!   is written again;
//! - **at most one reply**: the intent is stored before the send, and a send whose answer was
//!   lost is looked for in Twilio's message list before it is sent again;
//! - **in order**: the oldest unfinished message blocks the ones behind it;
//! - **nothing dropped silently**: transient failures are retried with backoff for
//!   `retry_window_ms`, then the message ends `failed` with the customer told (the apology).

use crate::core::api_budget::{SlotAnswer, SlotAsk, SlotHolder};
use crate::core::config::languages::Language;
use crate::core::config::Config;
use crate::core::delivery::{DeliveryStatus, ReplyKind};
use crate::core::events::{Cause, CreatedTicket, DeliveryOf, DomainEvent, RetryOf};
use crate::core::form::{InboundMessage, Sender};
use crate::core::http::{Exchange, HttpRequest};
use crate::core::metrics::Delta;
use crate::core::redact::mask_sender;
use crate::core::retry::{backoff_ms, classify_idempotent, Verdict};
use crate::core::triage::Triage;
use crate::core::twilio::{self, ReplyContent, SendOutcome};
use crate::core::zendesk::{self, NewTicket, TicketRef};

mod agents;
mod attempts;
mod backend;
mod budget;
mod calls;
mod carried;
mod content;
mod inbound;
mod message;
mod poll;
mod reconcile;
mod requests;
mod satisfaction;
mod sizes;
pub mod stored_form;
mod ticket_events;
mod timers;
pub mod transfer;
mod typing;
pub use agents::{AgentReply, AgentReplyState, AgentSide, Note, TicketClaim};
pub use attempts::Retry;
pub use backend::{
    Backend, BackendAnswer, BackendCall, TicketBackend, ZendeskCall, ZendeskSupport,
    ZendeskSupportState,
};
pub use budget::STORED_BUDGET_BYTES;
use calls::UNBUILDABLE_WAIT_MS;
pub use calls::{AgentCall, Call, InFlight, InboundCall};
pub use content::{Content, MediaItem, MediaState};
pub use inbound::limits::{
    FINISHED_MESSAGE_MAX_BYTES, MERGED_COMMENT_MAX_BYTES, QUEUE_BUDGET_BYTES,
};
pub use inbound::InboundQueue;
pub use message::*;
pub use sizes::{json_len, stored_len};
pub use timers::{Timer, TimerTable, Wake};

/// Zendesk keeps idempotency keys for 2 hours; past this age a retried create first looks the
/// ticket up by `external_id`.
pub const IDEMPOTENCY_WINDOW_MS: u64 = 110 * 60 * 1000;
/// Finished messages are kept this long (to recognise late duplicates and answer look-ups).
pub const KEEP_FINISHED_MS: u64 = 7 * 24 * 3600 * 1000;
pub const KEEP_FINISHED_MAX: usize = 200;
/// Zendesk allows 30 updates per ticket per 10 minutes. The gateway keeps below: past
/// `TICKET_UPDATE_MERGE_FROM` updates pending messages are merged into one comment, past
/// `TICKET_UPDATE_PACE_FROM` updates are spaced `TICKET_UPDATE_SPACING_MS` apart (what arrives
/// meanwhile is merged), so the budget lasts the window and a chatty customer's messages are on
/// the ticket within a minute; at `TICKET_UPDATE_BUDGET` the next comment waits for the window.
pub const TICKET_UPDATE_WINDOW_MS: u64 = 10 * 60 * 1000;
pub const TICKET_UPDATE_BUDGET: usize = 25;
/// Half the budget is spent at once (a customer's first few messages go straight through).
pub const TICKET_UPDATE_PACE_FROM: usize = TICKET_UPDATE_BUDGET / 2;
/// Past half the budget, one update per this: at most `WINDOW / SPACING + 1` = 13 spaced
/// updates fall in any window, so with the 12 unspaced ones the budget is never exceeded, and
/// a message waits at most this long (plus the call) to be on the ticket.
pub const TICKET_UPDATE_SPACING_MS: u64 =
    TICKET_UPDATE_WINDOW_MS / (TICKET_UPDATE_BUDGET - TICKET_UPDATE_PACE_FROM - 1) as u64;
/// Past this many updates in the window, everything pending goes into one comment.
pub const TICKET_UPDATE_MERGE_FROM: usize = 15;
/// This many messages waiting for the same ticket are merged into one comment.
pub const MERGE_BACKLOG: usize = 5;
pub const MAX_MERGED: usize = 50;
/// Clock difference tolerated between the gateway and the APIs when matching by time.
pub const CLOCK_SKEW_MS: u64 = 120_000;
/// A call recorded as in flight for longer than its timeout plus this was interrupted
/// (the isolate was evicted or restarted): its outcome is unknown.
pub const IN_FLIGHT_GRACE_MS: u64 = 15_000;
pub const EMPTY_MESSAGE_TEXT: &str = "(message without text)";
/// Zendesk upload tokens are short-lived: older uploads are made again before use.
pub const UPLOAD_TOKEN_MAX_AGE_MS: u64 = 50 * 60 * 1000;

/// What a step needs besides the state: the time, a random number for jitter, the settings.
pub struct Ctx<'a> {
    pub now_ms: u64,
    /// Uniform in [0, 1).
    pub jitter: f64,
    /// The configuration as the conversation's channel reads it (`Config::for_channel`).
    pub config: &'a Config,
    /// The Durable Object's id: what directory entries and status callbacks name this
    /// conversation by (the machine writes them whole; the shell fills in nothing).
    pub conversation_id: &'a str,
    /// The number the customer last wrote to: replies go out from it. Filled in by the
    /// conversation itself from what it stores (`Conversation::receiving`).
    pub number: Option<&'a str>,
}

impl Ctx<'_> {
    /// Who replies to the customer: the number they wrote to, when it is the channel's.
    pub fn reply_sender(&self) -> crate::core::twilio::ReplySender {
        self.config
            .reply_sender
            .replying_from(self.number, &self.config.numbers)
    }

    /// The enabled language with this code (a message's, the conversation's), else the default.
    pub fn language(&self, code: Option<&str>) -> &Language {
        self.config.languages.get(code)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub customer: Sender,
    /// The inbound queue: the customer's messages, their open ticket, their language.
    pub inbound: InboundQueue,
    /// The call being made: stored before it goes out, cleared when its answer is applied.
    pub in_flight: Option<InFlight>,
    /// The ticketing back end and what it keeps: the open ticket, the tickets made, the
    /// comments read (`backend`).
    pub backend: Backend,
    /// The agents' side: what Zendesk said changed, agents' replies to send, notes to write.
    pub agents: AgentSide,
    /// The public origin Twilio calls (from the signed webhook URL), for status callbacks.
    pub public_origin: Option<String>,
    /// The channel this conversation is on (absent: the default one): the customer writing to
    /// two brands has two conversations. The shell reads the configuration as it says.
    pub channel: Option<String>,
    /// The number the customer last wrote to (`+E164`): replies go out from it.
    pub receiving: Option<String>,
    /// The customer's WhatsApp user id (BSUID), when Twilio named it: the link between their
    /// number and their id is kept in the look-up index (`webhook`), so one customer stays one
    /// conversation whichever of the two they write from.
    pub user_id: Option<String>,
    /// The address the customer last wrote from, when it is not `customer` (their number after
    /// they wrote with their id alone, or the other way): sends go there.
    pub reply_to: Option<Sender>,
    /// What this conversation adds to the metrics (and the operators' directory) and has not
    /// sent yet: kept here, so a webhook costs no storage write of its own; the alarm sends it.
    pub unsent_metrics: Delta,
    /// The wake-up asked for and why: the alarm that answers it logs which timer fired.
    pub wake: Option<Wake>,
    /// This conversation's side of the account's Zendesk budget (`core::api_budget`): every
    /// Zendesk call waits for a slot of it.
    pub zendesk_budget: SlotHolder,
}

// Events live for one step; a boxed message would only add an allocation per request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A customer's message, from the webhook.
    Received {
        message: InboundMessage,
        /// The public origin Twilio called (from the signed webhook URL); empty when unknown.
        origin: String,
        /// When the Worker received the webhook (the acknowledgement's latency is measured
        /// from it).
        received_at_ms: Option<u64>,
        /// The message's row in the archive, when it has one (`fin:<MessageSid>`): a late
        /// duplicate of a message finished long ago.
        archived: Option<Box<Message>>,
    },
    /// The alarm fired: do the next thing.
    Wake,
    /// The answer to the call in flight (or its absence).
    Answered(Exchange),
    /// The same, when the invocation has spent its budget of calls: the answer is applied and
    /// the machine asks to be woken again instead of asking for the next call.
    AnsweredLast(Exchange),
    /// Zendesk says this ticket changed (an agent may have replied).
    AgentActivity(crate::core::ticket_owner::TicketEvent),
    /// Twilio reports the delivery status of a message the gateway sent.
    DeliveryStatus {
        sid: String,
        status: crate::core::delivery::DeliveryStatus,
        error_code: Option<u32>,
        /// The archived message the status is about (its reply's), when it has a row.
        archived: Option<Box<Message>>,
    },
    /// The shell pruned the archive as `Output::prune_archive_before` asked: when the oldest
    /// message left in it finished (none: the archive is empty).
    ArchivePruned { oldest_ms: Option<u64> },
    /// The account's Zendesk budget answered `Effect::AskBudget` (none: it could not be asked).
    BudgetAnswered(Option<SlotAnswer>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Make this call, then feed its answer back as `Event::Answered`. The state must be stored
    /// before the call is made.
    Call(HttpRequest),
    /// Wake the machine (an alarm) at this time.
    WakeAt(u64),
    /// Copy a file from Twilio to Zendesk, then feed the upload's answer back.
    Transfer(Box<MediaTransfer>),
    /// Ask the account's Zendesk budget (`budget_do`), then feed its answer back as
    /// `Event::BudgetAnswered`.
    AskBudget(SlotAsk),
}

#[derive(Debug, Default)]
pub struct Output {
    pub effect: Option<Effect>,
    /// What happened in the step, in order: the shell logs each (`events::log::log_line`)
    /// and adds them to the metrics (`metrics::Delta::from_events`).
    pub events: Vec<DomainEvent>,
    /// The received message was already known.
    pub duplicate: bool,
    /// Whose ticket an agent event was (`Event::AgentActivity`): the answer the webhook gets.
    pub claim: Option<TicketClaim>,
    /// The step changed nothing worth storing (an event for a ticket that is not ours): the
    /// shell skips the write.
    pub unchanged: bool,
    /// Finished messages that leave the conversation's value: the shell writes each as its row
    /// (`fin:<MessageSid>`, `stored_form::encode_archived`) in the same write as the value.
    pub archived: Vec<Message>,
    /// Delete the archive's rows of messages finished before this time, then answer with
    /// `Event::ArchivePruned`.
    pub prune_archive_before: Option<u64>,
    /// WhatsApp's typing indicator for a message whose work begins with this step's call (its
    /// MessageSid, the request): best effort, run beside the call, never awaited before it
    /// (`twilio::typing::outcome` reads its answer).
    pub typing: Option<(String, HttpRequest)>,
}

impl Conversation {
    pub fn new(customer: Sender) -> Self {
        Conversation {
            customer,
            channel: None,
            receiving: None,
            user_id: None,
            reply_to: None,
            inbound: InboundQueue::default(),
            in_flight: None,
            backend: Backend::default(),
            agents: AgentSide::default(),
            public_origin: None,
            unsent_metrics: Delta::default(),
            wake: None,
            zendesk_budget: SlotHolder::default(),
        }
    }

    pub fn message(&self, sid: &str) -> Option<&Message> {
        self.inbound.message(sid)
    }

    pub fn pending_count(&self) -> usize {
        self.inbound.pending_count()
    }

    /// The one entry point: apply `event`, return what to do next.
    pub fn step(&mut self, event: Event, ctx: &Ctx) -> Output {
        let receiving = match &event {
            Event::Received { message, .. } => message.addressed.to.clone(),
            _ => None,
        }
        .or_else(|| self.receiving.clone());
        let ctx = &Ctx {
            number: receiving.as_deref(),
            ..*ctx
        };
        let mut out = Output::default();
        match event {
            Event::Received {
                message,
                origin,
                received_at_ms,
                archived,
            } => {
                self.restore(archived);
                self.arrived_through(origin, received_at_ms, &message.message_sid, ctx);
                if self.channel.is_none() {
                    self.channel = message.addressed.channel.clone();
                }
                if let Some(to) = &message.addressed.to {
                    self.receiving = Some(to.clone());
                }
                if message.user_id.is_some() {
                    self.user_id = message.user_id.clone();
                }
                self.reply_to = (message.from != self.customer).then(|| message.from.clone());
                if self.message(&message.message_sid).is_none() {
                    // What is finished is bounded even while the queue is stuck (the queue
                    // prunes its own on arrival).
                    self.agents.prune(ctx.now_ms);
                }
                let sid = message.message_sid.clone();
                out.duplicate = !self.inbound.accept(message, ctx, &mut out.events);
                if !out.duplicate {
                    // Its first delivery's acknowledgement time, for its finished event.
                    if let (Some(at), Some(i)) = (received_at_ms, self.inbound.index_of(&sid)) {
                        self.inbound.messages[i].facts.ack_ms = Some(ctx.now_ms.saturating_sub(at));
                    }
                    out.effect = Some(Effect::WakeAt(ctx.now_ms));
                }
            }
            Event::Wake => {
                self.fired(ctx.now_ms, &mut out.events);
                out.prune_archive_before = self.inbound.archive_due(ctx.now_ms);
                out.effect = self.next(ctx, &mut out.events);
                out.typing = self.typing_indicator(ctx);
                self.report_pending(ctx);
            }
            Event::Answered(exchange) => {
                self.answered(exchange, ctx, &mut out.events);
                out.effect = self.next(ctx, &mut out.events);
                out.typing = self.typing_indicator(ctx);
                self.report_pending(ctx);
            }
            Event::AnsweredLast(exchange) => {
                self.answered(exchange, ctx, &mut out.events);
                out.effect = Some(Effect::WakeAt(ctx.now_ms));
                self.report_pending(ctx);
            }
            Event::AgentActivity(event) => {
                let claim = self.agent_activity(&event, ctx, &mut out.events);
                match claim {
                    TicketClaim::Owns => out.effect = Some(Effect::WakeAt(ctx.now_ms)),
                    // Kept: woken when it expires, or now if keeping it gave another up.
                    TicketClaim::MayOwn => {
                        out.effect = Some(Effect::WakeAt(self.agents.kept_wake(ctx)))
                    }
                    TicketClaim::NotOurs => out.unchanged = true,
                }
                out.claim = Some(claim);
            }
            Event::DeliveryStatus {
                sid,
                status,
                error_code,
                archived,
            } => {
                self.restore(archived);
                if self.delivery_status(&sid, status, error_code, ctx, &mut out.events) {
                    out.effect = Some(Effect::WakeAt(ctx.now_ms));
                }
            }
            Event::BudgetAnswered(answer) => {
                let asked_for_call = self.zendesk_budget.slot.is_none();
                match answer {
                    Some(answer) => {
                        if let (SlotAnswer::Wait { slot, .. }, true) = (answer, asked_for_call) {
                            out.events.push(DomainEvent::ZendeskBudgetWait {
                                wait_ms: slot.at_ms.saturating_sub(ctx.now_ms),
                            });
                        }
                        self.zendesk_budget.answered(answer);
                    }
                    None => self.zendesk_budget.unavailable(),
                }
                out.effect = self.next(ctx, &mut out.events);
                out.typing = self.typing_indicator(ctx);
            }
            Event::ArchivePruned { oldest_ms } => {
                self.inbound.archive_pruned(oldest_ms);
                out.effect = self
                    .inbound
                    .archive_oldest_ms
                    .map(|at| Effect::WakeAt(at + KEEP_FINISHED_MS));
            }
        }
        // Finished messages leave the stored value for rows of their own (v6): a save never
        // rewrites the customer's history. Not when the step changed nothing (not stored).
        if !out.unchanged {
            out.archived = self.inbound.archive(ctx.now_ms);
            // The archive's prune is a wake-up of its own: armed here too, as the polls of
            // this step ran before the messages it just archived.
            let prune_at = self.inbound.archive_oldest_ms.map(|t| t + KEEP_FINISHED_MS);
            // (One due now was asked of the shell by this step: `prune_archive_before`.)
            if let Some(at) = prune_at.filter(|at| *at > ctx.now_ms) {
                match out.effect {
                    None => out.effect = Some(self.wake_once(Timer::ArchivePrune, at)),
                    Some(Effect::WakeAt(t)) if t > at => {
                        out.effect = Some(self.wake_once(Timer::ArchivePrune, at))
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// An archived message the shell read for this event (a late duplicate, a late delivery
    /// status) is back in the queue for the step; it is archived again after it.
    fn restore(&mut self, archived: Option<Box<Message>>) {
        if let Some(m) = archived {
            if self.message(&m.sid).is_none() && m.is_finished() {
                self.inbound.messages.push(*m);
                self.inbound.order_messages();
            }
        }
    }

    /// What a webhook's arrival tells besides the message: the public origin Twilio called
    /// (status callbacks and agents' file links are built on it), the acknowledgement's
    /// latency, and where operators will find the message (and a new customer's masked
    /// number); the entries travel with the metrics, so they cost no request of their own.
    fn arrived_through(
        &mut self,
        origin: String,
        received_at_ms: Option<u64>,
        sid: &str,
        ctx: &Ctx,
    ) {
        if !origin.is_empty() && self.public_origin.as_deref() != Some(origin.as_str()) {
            self.public_origin = Some(origin);
        }
        // Every delivery is acknowledged, a duplicate too.
        self.unsent_metrics
            .ack_ms
            .extend(received_at_ms.map(|at| ctx.now_ms.saturating_sub(at)));
        if self.message(sid).is_some() {
            return;
        }
        let here = |key| crate::core::metrics::DirectoryEntry {
            key,
            conversation: ctx.conversation_id.to_string(),
        };
        let mut entries = vec![here(crate::core::metrics::DirectoryKey::Message(
            sid.to_string(),
        ))];
        if self.inbound.messages.is_empty() {
            // A new customer (or one whose history was pruned: the set takes it again).
            entries.push(here(crate::core::metrics::DirectoryKey::Masked(
                self.masked(),
            )));
        }
        self.unsent_metrics.directory.extend(entries);
    }

    /// The gauge of messages waiting for a retry, reported with the metrics after each alarm
    /// step (a request's step leaves it: it would make every webhook's metrics non-empty).
    fn report_pending(&mut self, ctx: &Ctx) {
        self.unsent_metrics.pending = Some((
            ctx.conversation_id.to_string(),
            self.pending_retries(ctx.now_ms),
        ));
    }

    /// Forgets what is finished, each part its own lists (`InboundQueue::prune`,
    /// `AgentSide::prune`).
    pub(super) fn prune(&mut self, now_ms: u64) {
        self.inbound.prune(now_ms);
        self.agents.prune(now_ms);
    }

    /// Messages and agents' replies waiting for a retry (a metrics gauge).
    pub fn pending_retries(&self, now_ms: u64) -> u64 {
        (self.inbound.pending_retries(now_ms) + self.agents.pending_retries(now_ms)) as u64
    }

    /// The origin Twilio reaches the gateway at: configured, or seen on a signed webhook.
    pub fn public_origin<'a>(&'a self, config: &'a Config) -> Option<&'a str> {
        config
            .public_base_url
            .as_deref()
            .or(self.public_origin.as_deref())
    }

    /// The customer's number as logs show it (`+1555***0001`): the key operators search with.
    pub fn masked(&self) -> String {
        mask_sender(&self.customer)
    }

    /// Where sends to the customer go: the address they last wrote from.
    pub fn reply_address(&self) -> String {
        self.reply_to
            .as_ref()
            .unwrap_or(&self.customer)
            .whatsapp_address()
    }
}

#[cfg(test)]
mod tests;
