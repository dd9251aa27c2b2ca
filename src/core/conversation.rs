//! The conversation state machine: one per customer, pure (`state + event -> state + effects`).
//!
//! The Durable Object shell stores a `Conversation`, feeds it events (a message received, an
//! alarm, the answer to an HTTP call) and carries out the effects it returns (one HTTP call at a
//! time, or an alarm). Every decision lives here, so every fault sequence is a native test.
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

use crate::core::config::Config;
use crate::core::form::{InboundMessage, Sender};
use crate::core::http::{Exchange, HttpRequest};
use crate::core::logline::LogLine;
use crate::core::metrics::Delta;
use crate::core::redact::mask_sender;
use crate::core::retry::{backoff_ms, classify_idempotent, Verdict};
use crate::core::triage::{Triage, TriageRules};
use crate::core::twilio::{self, ReplyContent, SendOutcome};
use crate::core::zendesk::{self, NewTicket, TicketRef};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

mod agent;
pub use agent::{AgentReply, AgentReplyState, Note, Retry};

/// Zendesk keeps idempotency keys for 2 hours; past this age a retried create first looks the
/// ticket up by `external_id`.
pub const IDEMPOTENCY_WINDOW_MS: u64 = 110 * 60 * 1000;
/// Finished messages are kept this long (to recognise late duplicates and answer look-ups).
pub const KEEP_FINISHED_MS: u64 = 7 * 24 * 3600 * 1000;
pub const KEEP_FINISHED_MAX: usize = 200;
/// Zendesk allows 30 updates per ticket per 10 minutes. The gateway keeps below: past
/// `TICKET_UPDATE_MERGE_FROM` updates pending messages are merged into one comment, and at
/// `TICKET_UPDATE_BUDGET` the next comment waits for the window (collecting what arrives).
pub const TICKET_UPDATE_WINDOW_MS: u64 = 10 * 60 * 1000;
pub const TICKET_UPDATE_BUDGET: usize = 25;
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
    pub config: &'a Config,
    pub rules: &'a TriageRules,
    /// Where Twilio reports delivery statuses of this conversation's messages, if known.
    pub status_callback_url: Option<&'a str>,
    /// The gateway's public origin, for the signed URLs of agents' files, if known.
    pub media_base_url: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub customer: Sender,
    #[serde(default)]
    pub open_ticket: Option<OpenTicket>,
    /// When the customer last wrote (WhatsApp's 24-hour window).
    #[serde(default)]
    pub last_inbound_ms: Option<u64>,
    /// Arrival order; unfinished ones first to last, then kept finished ones.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// The call being made: stored before it goes out, cleared when its answer is applied.
    #[serde(default)]
    pub in_flight: Option<InFlight>,
    /// Tickets the gateway created for this customer.
    #[serde(default)]
    pub tickets: Vec<KnownTicket>,
    /// Tickets Zendesk said changed: their comments are to be read.
    #[serde(default)]
    pub checks: Vec<u64>,
    #[serde(default)]
    pub check_retry: Retry,
    /// Tickets that changed again while their comments were being read.
    #[serde(default)]
    pub rechecks: Vec<u64>,
    /// Agents' public comments to deliver on WhatsApp, oldest first.
    #[serde(default)]
    pub agent_replies: Vec<AgentReply>,
    /// Comment ids already considered (the dedup key of agent replies).
    #[serde(default)]
    pub seen_comments: Vec<u64>,
    /// Internal notes for the agents (failed deliveries), each written once.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The public origin Twilio calls (from the signed webhook URL), for status callbacks.
    #[serde(default)]
    pub public_origin: Option<String>,
    /// Zendesk events for tickets this conversation does not know yet: an agent may answer
    /// within milliseconds of the ticket's creation, before Zendesk's answer to the create
    /// has reached the gateway. Read when the ticket becomes known (`remember_ticket`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub early_agent_events: Vec<EarlyAgentEvent>,
    /// What this conversation adds to the metrics (and the operators' directory) and has not
    /// sent yet: kept here, so a webhook costs no storage write of its own; the alarm sends it.
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    pub unsent_metrics: Delta,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyAgentEvent {
    pub ticket_id: u64,
    pub at_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownTicket {
    pub id: u64,
    #[serde(default)]
    pub requester_id: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenTicket {
    pub id: u64,
    #[serde(default)]
    pub requester_id: Option<u64>,
    #[serde(default)]
    pub recent_updates_ms: Vec<u64>,
    /// Zendesk answered 429 to the last update: merge what is pending.
    #[serde(default)]
    pub throttled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TicketStep {
    Pending,
    /// A new ticket was created from this message (a follow-up of a closed one if `follow_up_of`).
    Created {
        ticket_id: u64,
        follow_up_of: Option<u64>,
    },
    /// Added as a public comment to the customer's open ticket.
    Commented {
        ticket_id: u64,
    },
    /// Not detailed enough for a ticket: the customer was asked for more.
    Rejected {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReplyStep {
    /// Waits for the ticket step.
    Waiting,
    NotNeeded,
    Due {
        kind: String,
        content: ReplyContent,
    },
    Sent {
        kind: String,
        sid: String,
    },
    Failed {
        kind: String,
        reason: String,
    },
    /// A send whose outcome could not be established within the retry window.
    Unknown {
        kind: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub sid: String,
    pub received_ms: u64,
    /// The text; cleared once the message is finished (no customer text kept longer than needed).
    pub body: String,
    pub body_chars: usize,
    pub ticket: TicketStep,
    pub reply: ReplyStep,
    /// Attempts of the current step (ticket, then reply), as for agents' replies and notes.
    /// Flattened: stored as the message's own fields, as before it was a struct.
    #[serde(flatten)]
    pub retry: Retry,
    /// Attempts of all steps.
    #[serde(default)]
    pub total_attempts: u32,
    /// The comment batch whose outcome is unknown (sids and body), to look for it.
    #[serde(default)]
    pub unverified_comment: Option<(Vec<String>, String)>,
    /// The customer's ticket was closed: this message starts a follow-up of it.
    #[serde(default)]
    pub follow_up_of: Option<u64>,
    /// Part of an ongoing conversation (its ticket was closed or deleted): never rejected by triage.
    #[serde(default)]
    pub skip_triage: bool,
    #[serde(default)]
    pub duplicates: u32,
    #[serde(default)]
    pub finished_ms: Option<u64>,
    /// The reply's latest delivery status from Twilio.
    #[serde(default)]
    pub delivery: Option<String>,
    /// The files sent with the message, and what became of each.
    #[serde(default)]
    pub media: Vec<MediaItem>,
    /// A shared location, as text for the agents.
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaItem {
    pub url: String,
    pub content_type: String,
    pub state: MediaState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MediaState {
    Pending,
    Uploaded {
        token: String,
        filename: String,
        uploaded_ms: u64,
        /// Readable text for the agents (a shared contact's name and number).
        #[serde(default)]
        description: Option<String>,
    },
    /// Not attached (too large, refused type, could not be downloaded): listed in the comment.
    Skipped {
        reason: String,
    },
}

/// How many times a customer's file answering 404 is tried before it is listed as not copied.
const MEDIA_NOT_FOUND_TRIES: u32 = 3;

/// A file to copy from Twilio to Zendesk's uploads: the shell downloads it (refusing more than
/// `max_bytes`, answering 413 then) and posts the bytes to `upload_url`.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaTransfer {
    pub download: HttpRequest,
    pub upload_url: String,
    pub upload_authorization: String,
    pub content_type: String,
    pub max_bytes: u64,
}

impl Message {
    pub fn is_finished(&self) -> bool {
        self.finished_ms.is_some()
    }

    fn ticket_done(&self) -> bool {
        !matches!(self.ticket, TicketStep::Pending)
    }

    fn reply_done(&self) -> bool {
        matches!(
            self.reply,
            ReplyStep::NotNeeded
                | ReplyStep::Sent { .. }
                | ReplyStep::Failed { .. }
                | ReplyStep::Unknown { .. }
        )
    }

    fn reply_kind(&self) -> String {
        match &self.reply {
            ReplyStep::Due { kind, .. }
            | ReplyStep::Sent { kind, .. }
            | ReplyStep::Failed { kind, .. }
            | ReplyStep::Unknown { kind, .. } => kind.clone(),
            ReplyStep::Waiting | ReplyStep::NotNeeded => String::new(),
        }
    }

    fn complete_step(&mut self) {
        self.retry.reset();
        self.unverified_comment = None;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    pub call: Call,
    pub started_ms: u64,
}

/// The upstream calls the machine makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Call {
    CreateTicket {
        sid: String,
        ticket: NewTicket,
    },
    FindTicket {
        sid: String,
    },
    AddComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        #[serde(default)]
        uploads: Vec<String>,
    },
    FindComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        since_ms: u64,
    },
    SendReply {
        sid: String,
    },
    FindReply {
        sid: String,
        since_ms: u64,
    },
    CheckTicket {
        ticket_id: u64,
    },
    SendAgentReply {
        comment_id: u64,
    },
    FindAgentReply {
        comment_id: u64,
        since_ms: u64,
    },
    AddNote {
        key: String,
    },
    FindNote {
        key: String,
        since_ms: u64,
    },
    TransferMedia {
        sid: String,
        index: usize,
    },
}

impl Call {
    fn name(&self) -> &'static str {
        match self {
            Call::CreateTicket { .. } => "create_ticket",
            Call::FindTicket { .. } => "find_ticket",
            Call::AddComment { .. } => "add_comment",
            Call::TransferMedia { .. } => "transfer_media",
            Call::FindComment { .. } => "find_comment",
            Call::SendReply { .. } => "send_reply",
            Call::FindReply { .. } => "find_reply",
            Call::CheckTicket { .. } => "check_ticket",
            Call::SendAgentReply { .. } => "send_agent_reply",
            Call::FindAgentReply { .. } => "find_agent_reply",
            Call::AddNote { .. } => "add_note",
            Call::FindNote { .. } => "find_note",
        }
    }

    /// The message whose step this call is (the last of a comment batch).
    fn head_sid(&self) -> &str {
        match self {
            Call::CreateTicket { sid, .. }
            | Call::FindTicket { sid }
            | Call::SendReply { sid }
            | Call::FindReply { sid, .. } => sid,
            Call::AddComment { sids, .. } | Call::FindComment { sids, .. } => &sids[0],
            Call::TransferMedia { sid, .. } => sid,
            _ => "",
        }
    }
}

enum Inbound {
    Launch(Effect),
    Settled,
    Wait(u64),
    Idle,
}

enum TicketAction {
    Call(Box<Call>),
    /// Wait (Zendesk's per-ticket update budget is spent).
    WaitUntil(u64),
    /// Decided without a call (triage refused the message).
    Decided,
}

// Events live for one step; a boxed message would only add an allocation per request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Received(InboundMessage),
    /// The alarm fired: do the next thing.
    Wake,
    /// The answer to the call in flight (or its absence).
    Answered(Exchange),
    /// The same, when the invocation has spent its budget of calls: the answer is applied and
    /// the machine asks to be woken again instead of asking for the next call.
    AnsweredLast(Exchange),
    /// Zendesk says this ticket changed (an agent may have replied).
    AgentActivity {
        ticket_id: u64,
    },
    /// Twilio reports the delivery status of a message the gateway sent.
    DeliveryStatus {
        sid: String,
        status: String,
        error_code: Option<u32>,
    },
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
}

#[derive(Debug, Default)]
pub struct Output {
    pub effect: Option<Effect>,
    pub logs: Vec<LogLine>,
    /// The received message was already known.
    pub duplicate: bool,
}

impl Conversation {
    pub fn new(customer: Sender) -> Self {
        Conversation {
            customer,
            open_ticket: None,
            last_inbound_ms: None,
            messages: Vec::new(),
            in_flight: None,
            tickets: Vec::new(),
            checks: Vec::new(),
            check_retry: Retry::default(),
            rechecks: Vec::new(),
            agent_replies: Vec::new(),
            seen_comments: Vec::new(),
            notes: Vec::new(),
            public_origin: None,
            early_agent_events: Vec::new(),
            unsent_metrics: Delta::default(),
        }
    }

    pub fn message(&self, sid: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.sid == sid)
    }

    fn index_of(&self, sid: &str) -> Option<usize> {
        self.messages.iter().position(|m| m.sid == sid)
    }

    pub fn pending_count(&self) -> usize {
        self.messages.iter().filter(|m| !m.is_finished()).count()
    }

    /// The one entry point: apply `event`, return what to do next.
    pub fn step(&mut self, event: Event, ctx: &Ctx) -> Output {
        let mut out = Output::default();
        match event {
            Event::Received(message) => {
                out.duplicate = !self.accept(message, ctx, &mut out.logs);
                if !out.duplicate {
                    out.effect = Some(Effect::WakeAt(ctx.now_ms));
                }
            }
            Event::Wake => out.effect = self.next(ctx, &mut out.logs),
            Event::Answered(exchange) => {
                self.answered(exchange, ctx, &mut out.logs);
                out.effect = self.next(ctx, &mut out.logs);
            }
            Event::AnsweredLast(exchange) => {
                self.answered(exchange, ctx, &mut out.logs);
                out.effect = Some(Effect::WakeAt(ctx.now_ms));
            }
            Event::AgentActivity { ticket_id } => {
                if self.agent_activity(ticket_id, ctx.now_ms, &mut out.logs) {
                    out.effect = Some(Effect::WakeAt(ctx.now_ms));
                }
            }
            Event::DeliveryStatus {
                sid,
                status,
                error_code,
            } => {
                if self.delivery_status(&sid, &status, error_code, ctx, &mut out.logs) {
                    out.effect = Some(Effect::WakeAt(ctx.now_ms));
                }
            }
        }
        out
    }

    /// The customer's number as logs show it (`+1555***0001`): the key operators search with.
    pub fn masked(&self) -> String {
        mask_sender(&self.customer)
    }

    fn line(&self, line: LogLine, sid: &str) -> LogLine {
        line.field("message_sid", sid).field("from", self.masked())
    }

    fn accept(&mut self, message: InboundMessage, ctx: &Ctx, logs: &mut Vec<LogLine>) -> bool {
        if let Some(i) = self.index_of(&message.message_sid) {
            self.messages[i].duplicates += 1;
            let m = &self.messages[i];
            logs.push(
                self.line(LogLine::info("message.duplicate"), &m.sid)
                    .field("duplicates", m.duplicates)
                    .field("finished", m.is_finished()),
            );
            return false;
        }
        let body_chars = message.body.chars().count();
        logs.push(
            self.line(LogLine::info("message.accepted"), &message.message_sid)
                .field("body_chars", body_chars)
                .field("num_media", message.num_media)
                .field("queue", self.pending_count() + 1),
        );
        self.last_inbound_ms = Some(ctx.now_ms);
        self.messages.push(Message {
            sid: message.message_sid,
            received_ms: ctx.now_ms,
            body: message.body,
            body_chars,
            ticket: TicketStep::Pending,
            reply: ReplyStep::Waiting,
            retry: Retry::default(),
            total_attempts: 0,
            unverified_comment: None,
            follow_up_of: None,
            skip_triage: false,
            duplicates: 0,
            finished_ms: None,
            delivery: None,
            media: message
                .media
                .iter()
                .map(|r| (r, MediaState::Pending))
                .chain(message.extra_media.iter().map(|r| {
                    let reason = format!(
                        "over the {} files the gateway takes from one message",
                        crate::core::form::MAX_MEDIA
                    );
                    (r, MediaState::Skipped { reason })
                }))
                .map(|(r, state)| MediaItem {
                    url: r.url.clone(),
                    content_type: r.content_type.clone(),
                    state,
                })
                .collect(),
            location: message.location.as_ref().map(|l| l.describe()),
        });
        // Keep unfinished messages in arrival order ahead of the finished ones.
        self.messages.sort_by_key(|m| {
            (
                m.is_finished(),
                if m.is_finished() { 0 } else { m.received_ms },
            )
        });
        true
    }

    /// Decides the next call (recording it as in flight), or when to wake, or nothing.
    fn next(&mut self, ctx: &Ctx, logs: &mut Vec<LogLine>) -> Option<Effect> {
        // Bounded: each pass either returns or settles something without a call.
        let bound = (self.messages.len() + self.agent_replies.len() + self.notes.len()) * 4 + 8;
        for _ in 0..bound {
            if let Some(flight) = &self.in_flight {
                let deadline = flight.started_ms
                    + u64::from(ctx.config.upstream_timeout_ms)
                    + IN_FLIGHT_GRACE_MS;
                if ctx.now_ms < deadline {
                    // Another invocation is making this call right now.
                    return Some(Effect::WakeAt(deadline));
                }
                let call = flight.call.name();
                let sid = flight.call.head_sid().to_string();
                logs.push(
                    self.line(LogLine::warn("call.interrupted"), &sid)
                        .field("call", call),
                );
                self.answered(
                    Exchange::NetworkError("interrupted before its answer was stored".into()),
                    ctx,
                    logs,
                );
                continue;
            }
            // The customer's messages first (in order); agents' replies and notes when the
            // oldest message is waiting or there is none.
            let inbound_wait = match self.next_inbound(ctx, logs) {
                Inbound::Launch(effect) => return Some(effect),
                Inbound::Settled => continue,
                Inbound::Wait(t) => Some(t),
                Inbound::Idle => None,
            };
            let outbound_wait = match self.next_outbound(ctx, logs) {
                agent::Next::Call(call) => {
                    let request = self.outbound_request(&call, ctx);
                    self.in_flight = Some(InFlight {
                        call: *call,
                        started_ms: ctx.now_ms,
                    });
                    return Some(Effect::Call(request));
                }
                agent::Next::Wait(t) => Some(t),
                agent::Next::Idle => None,
            };
            return match (inbound_wait, outbound_wait) {
                (None, None) => {
                    self.prune(ctx.now_ms);
                    None
                }
                (a, b) => Some(Effect::WakeAt(
                    a.unwrap_or(u64::MAX).min(b.unwrap_or(u64::MAX)),
                )),
            };
        }
        None
    }

    fn next_inbound(&mut self, ctx: &Ctx, logs: &mut Vec<LogLine>) -> Inbound {
        let Some(i) = self.messages.iter().position(|m| !m.is_finished()) else {
            return Inbound::Idle;
        };
        let m = &self.messages[i];
        if m.retry.not_before_ms > ctx.now_ms {
            return Inbound::Wait(m.retry.not_before_ms);
        }
        if m.ticket_done() && m.reply_done() {
            self.finish(i, ctx, logs);
            return Inbound::Settled;
        }
        if !m.ticket_done() {
            return match self.ticket_call(i, ctx, logs) {
                TicketAction::Call(call) => Inbound::Launch(self.launch(i, *call, ctx)),
                TicketAction::WaitUntil(t) => Inbound::Wait(t),
                TicketAction::Decided => Inbound::Settled,
            };
        }
        match &self.messages[i].reply {
            ReplyStep::Due { .. } => {
                let m = &self.messages[i];
                let sid = m.sid.clone();
                let call = if m.retry.verify_first {
                    Call::FindReply {
                        sid,
                        since_ms: m.retry.step_started_ms.unwrap_or(m.received_ms),
                    }
                } else {
                    Call::SendReply { sid }
                };
                Inbound::Launch(self.launch(i, call, ctx))
            }
            _ => {
                self.messages[i].reply = ReplyStep::NotNeeded;
                Inbound::Settled
            }
        }
    }

    /// The Zendesk call for message `i`, or why there is none now.
    fn ticket_call(&mut self, i: usize, ctx: &Ctx, logs: &mut Vec<LogLine>) -> TicketAction {
        // Files first: their upload tokens go with the ticket or comment.
        for item in self.messages[i].media.iter_mut() {
            if let MediaState::Uploaded { uploaded_ms, .. } = item.state {
                if uploaded_ms + UPLOAD_TOKEN_MAX_AGE_MS < ctx.now_ms {
                    item.state = MediaState::Pending;
                }
            }
        }
        let config = ctx.config;
        for index in 0..self.messages[i].media.len() {
            if self.messages[i].media[index].state != MediaState::Pending {
                continue;
            }
            // Twilio's credentials go with the download: only to Twilio's own API origin. A
            // file anywhere else is not fetched at all (no credentials, no forged upload).
            let url = &self.messages[i].media[index].url;
            let sid = &self.messages[i].sid;
            let account = &config.twilio_account_sid;
            let api = &config.twilio_api_base_url;
            if !crate::core::origin::is_twilio_media_url(url, api, account, sid) {
                let host = crate::core::origin::host_of(url);
                let sid = self.messages[i].sid.clone();
                logs.push(
                    self.line(LogLine::warn("media.refused_host"), &sid)
                        .field("index", index)
                        .field("host", host.as_str()),
                );
                self.messages[i].media[index].state = MediaState::Skipped {
                    reason: "refused: not this message's file on Twilio's media host, not fetched"
                        .into(),
                };
                continue;
            }
            let item = &mut self.messages[i].media[index];
            if !config.media_type_allowed(&item.content_type) {
                item.state = MediaState::Skipped {
                    reason: format!(
                        "{} files are not accepted (MEDIA_ALLOWED_TYPES)",
                        item.content_type
                    ),
                };
                continue;
            }
            return TicketAction::Call(Box::new(Call::TransferMedia {
                sid: self.messages[i].sid.clone(),
                index,
            }));
        }
        let m = &self.messages[i];
        if let Some(open) = &self.open_ticket {
            if m.follow_up_of.is_none() {
                if m.retry.verify_first {
                    if let Some((sids, body)) = &m.unverified_comment {
                        return TicketAction::Call(Box::new(Call::FindComment {
                            ticket_id: open.id,
                            sids: sids.clone(),
                            body: body.clone(),
                            since_ms: m.retry.step_started_ms.unwrap_or(m.received_ms),
                        }));
                    }
                }
                let mut recent: Vec<u64> = open
                    .recent_updates_ms
                    .iter()
                    .copied()
                    .filter(|&t| t + TICKET_UPDATE_WINDOW_MS > ctx.now_ms)
                    .collect();
                recent.sort_unstable();
                if recent.len() >= TICKET_UPDATE_BUDGET {
                    let frees_at =
                        recent[recent.len() - TICKET_UPDATE_BUDGET] + TICKET_UPDATE_WINDOW_MS;
                    return TicketAction::WaitUntil(frees_at);
                }
                let (sids, body, uploads) = self.comment_batch(i, recent.len());
                return TicketAction::Call(Box::new(Call::AddComment {
                    ticket_id: open.id,
                    sids,
                    body,
                    uploads,
                }));
            }
        }
        let age = ctx
            .now_ms
            .saturating_sub(m.retry.step_started_ms.unwrap_or(ctx.now_ms));
        if m.retry.verify_first && age > IDEMPOTENCY_WINDOW_MS {
            return TicketAction::Call(Box::new(Call::FindTicket { sid: m.sid.clone() }));
        }
        let inbound = InboundMessage {
            message_sid: m.sid.clone(),
            account_sid: None,
            from: self.customer.clone(),
            body: zendesk_text(m),
            num_media: 0,
            media: vec![],
            extra_media: vec![],
            location: None,
        };
        let domain = &ctx.config.requester_email_domain;
        // A file or a location is something to act on, whatever the caption says.
        let has_content = !m.media.is_empty() || m.location.is_some();
        let (subject, priority) = match ctx.rules.triage(&m.body) {
            Triage::Accepted { subject, priority } => (subject, priority),
            Triage::Rejected(why)
                if !(m.skip_triage || m.follow_up_of.is_some() || has_content) =>
            {
                let sid = m.sid.clone();
                logs.push(
                    self.line(LogLine::info("triage.rejected"), &sid)
                        .field("reason", why.as_str()),
                );
                let m = &mut self.messages[i];
                m.ticket = TicketStep::Rejected {
                    reason: why.as_str().into(),
                };
                m.reply = ReplyStep::Due {
                    kind: "more_details".into(),
                    content: ReplyContent::Text(ctx.config.texts.more_details.clone()),
                };
                return TicketAction::Decided;
            }
            // A message that continues a conversation, or carries a file or a location,
            // becomes a ticket whatever its wording ("WhatsApp Support Request" when no text).
            Triage::Rejected(_) => (
                crate::core::triage::subject(&m.body),
                crate::core::triage::Priority::Normal,
            ),
        };
        let mut ticket = zendesk::new_ticket(&inbound, &subject, priority, domain);
        ticket.comment.uploads = upload_tokens(m);
        ticket.via_followup_source_id = m.follow_up_of;
        TicketAction::Call(Box::new(Call::CreateTicket {
            sid: m.sid.clone(),
            ticket,
        }))
    }

    /// The messages that go into the next comment, starting at `i`: their sids, the comment
    /// text and the upload tokens of their files.
    fn comment_batch(&self, i: usize, recent_updates: usize) -> (Vec<String>, String, Vec<String>) {
        let waiting: Vec<&Message> = self.messages[i..]
            .iter()
            .enumerate()
            // A later message whose files are not uploaded yet waits for its own turn.
            .take_while(|(n, m)| {
                !m.is_finished()
                    && !m.ticket_done()
                    && m.follow_up_of.is_none()
                    && (*n == 0 || m.media.iter().all(|x| x.state != MediaState::Pending))
            })
            .map(|(_, m)| m)
            .take(MAX_MERGED)
            .collect();
        let throttled = self.open_ticket.as_ref().is_some_and(|t| t.throttled);
        let merge = throttled
            || recent_updates >= TICKET_UPDATE_MERGE_FROM
            || waiting.len() >= MERGE_BACKLOG;
        let batch: Vec<&Message> = if merge {
            waiting
        } else {
            waiting.into_iter().take(1).collect()
        };
        (
            batch.iter().map(|m| m.sid.clone()).collect(),
            batch
                .iter()
                .map(|m| zendesk_text(m))
                .collect::<Vec<_>>()
                .join("\n\n"),
            batch.iter().flat_map(|m| upload_tokens(m)).collect(),
        )
    }

    fn launch(&mut self, i: usize, call: Call, ctx: &Ctx) -> Effect {
        let m = &mut self.messages[i];
        m.retry.step_started_ms.get_or_insert(ctx.now_ms);
        if let Call::TransferMedia { index, .. } = &call {
            let item = &m.media[*index];
            let config = ctx.config;
            let transfer = MediaTransfer {
                download: HttpRequest {
                    method: "GET",
                    url: item.url.clone(),
                    headers: vec![("Authorization", config.twilio_account().authorization())],
                    body: String::new(),
                },
                upload_url: zendesk::upload_url(
                    &config.zendesk_base_url,
                    &media_filename(&m.sid, *index, &item.content_type),
                ),
                upload_authorization: config.zendesk_authorization(),
                content_type: item.content_type.clone(),
                max_bytes: config.media_max_bytes,
            };
            self.in_flight = Some(InFlight {
                call,
                started_ms: ctx.now_ms,
            });
            return Effect::Transfer(Box::new(transfer));
        }
        let request = self.request_for(&call, ctx);
        self.in_flight = Some(InFlight {
            call,
            started_ms: ctx.now_ms,
        });
        Effect::Call(request)
    }

    /// A WhatsApp message to the customer, with this conversation's status callback. The
    /// callback URL also names what was sent (`about`, see `twilio::DeliveryAbout`), so the
    /// Worker can log a status that changes nothing without waking the conversation; Twilio's
    /// signature covers the whole URL.
    fn send_request(
        &self,
        content: &ReplyContent,
        about: &twilio::DeliveryAbout,
        ctx: &Ctx,
    ) -> HttpRequest {
        let to = self.customer.whatsapp_address();
        let callback = ctx
            .status_callback_url
            .map(|url| format!("{url}&{}", about.to_query()));
        twilio::send_message_request(
            &ctx.config.twilio_account(),
            &ctx.config.reply_sender,
            &to,
            content,
            callback.as_deref(),
        )
    }

    /// The latest messages sent to the customer (to check a send whose answer was lost).
    fn list_sent_request(&self, ctx: &Ctx) -> HttpRequest {
        let to = self.customer.whatsapp_address();
        twilio::list_messages_request(&ctx.config.twilio_account(), &ctx.config.reply_sender, &to)
    }

    fn request_for(&self, call: &Call, ctx: &Ctx) -> HttpRequest {
        let config = ctx.config;
        let zd_auth = || config.zendesk_authorization();
        let base = &config.zendesk_base_url;
        match call {
            Call::CreateTicket { sid, ticket } => {
                zendesk::create_ticket_request(base, &zd_auth(), sid, ticket)
            }
            Call::FindTicket { sid } => zendesk::find_by_external_id_request(base, &zd_auth(), sid),
            Call::AddComment {
                ticket_id,
                body,
                uploads,
                ..
            } => {
                let author = self.open_ticket.as_ref().and_then(|t| t.requester_id);
                zendesk::add_comment_request(base, &zd_auth(), *ticket_id, body, author, uploads)
            }
            Call::FindComment { ticket_id, .. } => {
                zendesk::list_comments_request(base, &zd_auth(), *ticket_id)
            }
            Call::SendReply { sid } => {
                let message = self.message(sid);
                let content = match message.map(|m| &m.reply) {
                    Some(ReplyStep::Due { content, .. }) => content.clone(),
                    _ => ReplyContent::Text(String::new()),
                };
                let about = twilio::DeliveryAbout::GatewayReply {
                    message_sid: sid.clone(),
                    kind: message.map(|m| m.reply_kind()).unwrap_or_default(),
                };
                self.send_request(&content, &about, ctx)
            }
            Call::FindReply { .. } => self.list_sent_request(ctx),
            outbound => self.outbound_request(outbound, ctx),
        }
    }

    fn answered(&mut self, exchange: Exchange, ctx: &Ctx, logs: &mut Vec<LogLine>) {
        let Some(InFlight { call, started_ms }) = self.in_flight.take() else {
            logs.push(LogLine::warn("call.answer_without_call").field("from", self.masked()));
            return;
        };
        if self.answered_outbound(&call, &exchange, ctx, logs) {
            return;
        }
        let Some(i) = self.index_of(call.head_sid()) else {
            return;
        };
        let elapsed = ctx.now_ms.saturating_sub(started_ms);
        let answer = match &exchange {
            Exchange::Answered(a) => Some(a),
            _ => None,
        };
        let body = answer.map(|a| a.body.as_str()).unwrap_or("");
        match call {
            Call::CreateTicket { ticket, .. } => match classify_idempotent(&exchange) {
                Verdict::Success => match zendesk::parse_created_ticket(body) {
                    Ok(t) => {
                        let hit = answer
                            .and_then(|a| a.header("x-idempotency-lookup"))
                            .map(str::to_string);
                        self.ticket_created(i, t, &ticket, ctx, logs, elapsed, hit.as_deref());
                    }
                    Err(e) => self.retry_later(i, "create_ticket", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => {
                    // 5xx or no answer: the ticket may exist (the retry's Idempotency-Key, or
                    // past its window a look-up by external_id, keeps it single).
                    let unknown = !reason.starts_with("http 4");
                    let why = with_detail(&reason, zendesk::error_summary(body));
                    self.retry_later(
                        i,
                        "create_ticket",
                        &why,
                        retry_after_secs,
                        unknown,
                        ctx,
                        logs,
                    );
                }
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "create_ticket", &reason, None, true, ctx, logs)
                }
                Verdict::Permanent { reason } => {
                    let why = with_detail(&reason, zendesk::error_summary(body));
                    self.fail_ticket(&[i], "create_ticket", &why, ctx, logs);
                }
            },
            Call::FindTicket { .. } => match classify_idempotent(&exchange) {
                Verdict::Success => match zendesk::parse_ticket_list(body) {
                    Ok(list) => match list.into_iter().next() {
                        Some(t) => {
                            // Created by an attempt whose answer was lost: rebuild what it sent.
                            let ticket = self.rebuilt_ticket(i, ctx);
                            self.ticket_created(
                                i,
                                t,
                                &ticket,
                                ctx,
                                logs,
                                elapsed,
                                Some("external_id"),
                            );
                        }
                        None => {
                            self.messages[i].retry.verify_first = false;
                            self.messages[i].retry.step_started_ms = Some(ctx.now_ms);
                        }
                    },
                    Err(e) => self.retry_later(i, "find_ticket", &e, None, true, ctx, logs),
                },
                Verdict::Permanent { reason } => {
                    self.fail_ticket(&[i], "find_ticket", &reason, ctx, logs)
                }
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "find_ticket", &reason, retry_after_secs, true, ctx, logs),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_ticket", &reason, None, true, ctx, logs)
                }
            },
            Call::AddComment {
                ticket_id,
                sids,
                body: text,
                ..
            } => match zendesk::classify_update(&exchange) {
                Verdict::Success => self.commented(ticket_id, &sids, ctx, logs, elapsed),
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => {
                    if let Some(open) = self.open_ticket.as_mut() {
                        open.throttled = true;
                    }
                    self.retry_later(
                        i,
                        "add_comment",
                        &reason,
                        retry_after_secs,
                        false,
                        ctx,
                        logs,
                    );
                }
                Verdict::Ambiguous { reason } => {
                    self.messages[i].unverified_comment = Some((sids, text));
                    self.retry_later(i, "add_comment", &reason, None, true, ctx, logs);
                }
                Verdict::Permanent { reason } => {
                    let status = answer.map(|a| a.status).unwrap_or(0);
                    if status == 422 && zendesk::is_closed_ticket_error(body) {
                        logs.push(
                            self.line(LogLine::info("zendesk.ticket_closed"), &sids[0])
                                .field("ticket_id", ticket_id),
                        );
                        self.open_ticket = None;
                        self.messages[i].follow_up_of = Some(ticket_id);
                        self.messages[i].complete_step();
                    } else if status == 404 {
                        logs.push(
                            self.line(LogLine::warn("zendesk.ticket_gone"), &sids[0])
                                .field("ticket_id", ticket_id),
                        );
                        self.open_ticket = None;
                        self.messages[i].skip_triage = true;
                        self.messages[i].complete_step();
                    } else {
                        let why = with_detail(&reason, zendesk::error_summary(body));
                        let idx: Vec<usize> =
                            sids.iter().filter_map(|s| self.index_of(s)).collect();
                        self.fail_ticket(&idx, "add_comment", &why, ctx, logs);
                    }
                }
            },
            Call::FindComment {
                ticket_id,
                sids,
                body: text,
                since_ms,
            } => match classify_idempotent(&exchange) {
                Verdict::Success => match zendesk::parse_comment_list(body) {
                    Ok(comments) => {
                        let author = self.open_ticket.as_ref().and_then(|t| t.requester_id);
                        let found = comments.iter().any(|c| {
                            c.body.trim() == text.trim()
                                && c.created_ms.is_none_or(|t| t + CLOCK_SKEW_MS >= since_ms)
                                && (author.is_none()
                                    || c.author_id.is_none()
                                    || c.author_id == author)
                        });
                        if found {
                            logs.push(
                                self.line(LogLine::info("zendesk.comment_found"), &sids[0])
                                    .field("ticket_id", ticket_id),
                            );
                            self.commented(ticket_id, &sids, ctx, logs, elapsed);
                        } else {
                            let m = &mut self.messages[i];
                            m.retry.verify_first = false;
                            m.unverified_comment = None;
                        }
                    }
                    Err(e) => self.retry_later(i, "find_comment", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(
                    i,
                    "find_comment",
                    &reason,
                    retry_after_secs,
                    true,
                    ctx,
                    logs,
                ),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_comment", &reason, None, true, ctx, logs)
                }
                Verdict::Permanent { reason } => {
                    if answer.map(|a| a.status) == Some(404) {
                        self.open_ticket = None;
                        self.messages[i].skip_triage = true;
                        self.messages[i].complete_step();
                    } else {
                        let idx: Vec<usize> =
                            sids.iter().filter_map(|s| self.index_of(s)).collect();
                        self.fail_ticket(&idx, "find_comment", &reason, ctx, logs);
                    }
                }
            },
            Call::SendReply { sid } => match twilio::send_outcome(&exchange) {
                SendOutcome::Sent(reply_sid) => self.replied(i, reply_sid, logs, elapsed, false),
                SendOutcome::NotSent {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "send_reply", &reason, retry_after_secs, false, ctx, logs),
                SendOutcome::Unknown { reason } => {
                    // Looked for in Twilio's list before it is sent again.
                    let kind = self.messages[i].reply_kind();
                    logs.push(
                        self.line(LogLine::warn("twilio.reply_ambiguous"), &sid)
                            .field("reply", kind.as_str())
                            .field("reason", reason.as_str()),
                    );
                    self.retry_later(i, "send_reply", &reason, None, true, ctx, logs)
                }
                SendOutcome::Refused { reason } => {
                    let code = twilio::parse_error(body);
                    let why = match &code {
                        Some((c, msg)) => format!("{reason}: twilio {c} {msg}"),
                        None => reason,
                    };
                    let kind = self.messages[i].reply_kind();
                    logs.push(
                        self.line(LogLine::error("twilio.reply_failed"), &sid)
                            .field("reply", kind.as_str())
                            .field("reason", why.as_str())
                            .opt("twilio_code", code.map(|(c, _)| c)),
                    );
                    self.messages[i].reply = ReplyStep::Failed {
                        kind,
                        reason: why.clone(),
                    };
                    self.messages[i].retry.last_error = Some(why);
                    self.messages[i].complete_step();
                }
            },
            Call::FindReply { sid, since_ms } => match classify_idempotent(&exchange) {
                Verdict::Success => match twilio::parse_message_list(body) {
                    Ok(list) => {
                        let to = self.customer.whatsapp_address();
                        let expected = match &self.messages[i].reply {
                            ReplyStep::Due {
                                content: ReplyContent::Text(t),
                                ..
                            } => Some(t.clone()),
                            _ => None,
                        };
                        // Another reply of this conversation with the same text (two "more
                        // details", say) must not be mistaken for this one.
                        let known = self.sent_sids();
                        let found = list.iter().find(|s| {
                            s.to == to
                                && !known.contains(&s.sid.as_str())
                                && s.created_ms.is_none_or(|t| t + CLOCK_SKEW_MS >= since_ms)
                                && expected.as_ref().is_none_or(|e| e.trim() == s.body.trim())
                        });
                        match found {
                            Some(sent) => {
                                let reply_sid = sent.sid.clone();
                                logs.push(
                                    self.line(LogLine::info("twilio.reply_found"), &sid)
                                        .field("reply_sid", reply_sid.as_str()),
                                );
                                self.replied(i, reply_sid, logs, elapsed, true);
                            }
                            None => self.messages[i].retry.verify_first = false,
                        }
                    }
                    Err(e) => self.retry_later(i, "find_reply", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "find_reply", &reason, retry_after_secs, true, ctx, logs),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_reply", &reason, None, true, ctx, logs)
                }
                Verdict::Permanent { reason } => {
                    let kind = self.messages[i].reply_kind();
                    logs.push(
                        self.line(LogLine::error("twilio.reply_unknown"), &sid)
                            .field("reason", reason.as_str()),
                    );
                    self.messages[i].reply = ReplyStep::Unknown { kind, reason };
                    self.messages[i].complete_step();
                }
            },
            Call::TransferMedia { index, .. } => {
                let status = answer.map(|a| a.status);
                let sid = self.messages[i].sid.clone();
                let content_type = self.messages[i].media[index].content_type.clone();
                match (status, classify_idempotent(&exchange)) {
                    (Some(413), _) => {
                        let size = answer
                            .and_then(|a| a.header("x-media-size"))
                            .unwrap_or("unknown")
                            .to_string();
                        let reason = format!(
                            "{size} bytes, over the {} byte limit (MEDIA_MAX_BYTES)",
                            ctx.config.media_max_bytes
                        );
                        self.skip_media(i, index, reason, logs);
                    }
                    (_, Verdict::Success) => match zendesk::parse_upload_token(body) {
                        Ok(token) => {
                            logs.push(
                                self.line(LogLine::info("media.uploaded"), &sid)
                                    .field("index", index)
                                    .field("content_type", content_type.as_str())
                                    .field("ms", elapsed),
                            );
                            // The shell passes a contact card's text along (base64) so that it
                            // can be shown as text, not only as a .vcf file.
                            let description = answer
                                .and_then(|a| a.header("x-media-text"))
                                .and_then(|b| {
                                    base64::Engine::decode(
                                        &base64::engine::general_purpose::STANDARD,
                                        b,
                                    )
                                    .ok()
                                })
                                .and_then(|bytes| String::from_utf8(bytes).ok())
                                .and_then(|text| crate::core::vcard::describe(&text));
                            let m = &mut self.messages[i];
                            m.media[index].state = MediaState::Uploaded {
                                token,
                                filename: media_filename(&sid, index, &content_type),
                                uploaded_ms: ctx.now_ms,
                                description,
                            };
                            m.retry.attempts = 0;
                            m.retry.not_before_ms = 0;
                        }
                        Err(e) => self.retry_later(i, "transfer_media", &e, None, false, ctx, logs),
                    },
                    (
                        _,
                        Verdict::Transient {
                            retry_after_secs,
                            reason,
                        },
                    ) => self.retry_later(
                        i,
                        "transfer_media",
                        &reason,
                        retry_after_secs,
                        false,
                        ctx,
                        logs,
                    ),
                    (_, Verdict::Ambiguous { reason }) => {
                        self.retry_later(i, "transfer_media", &reason, None, false, ctx, logs)
                    }
                    // Twilio: a media URL can answer 404 for a short while after the webhook
                    // arrives (its support article 44750147594523): tried a few times first.
                    (Some(404), Verdict::Permanent { reason })
                        if self.messages[i].retry.attempts < MEDIA_NOT_FOUND_TRIES =>
                    {
                        self.retry_later(i, "transfer_media", &reason, None, false, ctx, logs)
                    }
                    (_, Verdict::Permanent { reason }) => {
                        self.skip_media(i, index, format!("could not be copied ({reason})"), logs);
                    }
                }
            }
            // The agents' calls were answered by `answered_outbound`.
            _ => {}
        }
    }

    fn skip_media(&mut self, i: usize, index: usize, reason: String, logs: &mut Vec<LogLine>) {
        let sid = self.messages[i].sid.clone();
        logs.push(
            self.line(LogLine::warn("media.not_attached"), &sid)
                .field("index", index)
                .field(
                    "content_type",
                    self.messages[i].media[index].content_type.as_str(),
                )
                .field("reason", reason.as_str()),
        );
        let m = &mut self.messages[i];
        m.media[index].state = MediaState::Skipped { reason };
        m.retry.attempts = 0;
        m.retry.not_before_ms = 0;
    }

    /// The ticket a create for message `i` sent (for a ticket found by its external id).
    fn rebuilt_ticket(&self, i: usize, ctx: &Ctx) -> NewTicket {
        let m = &self.messages[i];
        let (subject, priority) = match ctx.rules.triage(&m.body) {
            Triage::Accepted { subject, priority } => (subject, priority),
            Triage::Rejected(_) => (
                crate::core::triage::subject(&m.body),
                crate::core::triage::Priority::Normal,
            ),
        };
        let inbound = InboundMessage {
            message_sid: m.sid.clone(),
            account_sid: None,
            from: self.customer.clone(),
            body: m.body.clone(),
            num_media: 0,
            media: vec![],
            extra_media: vec![],
            location: None,
        };
        zendesk::new_ticket(
            &inbound,
            &subject,
            priority,
            &ctx.config.requester_email_domain,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn ticket_created(
        &mut self,
        i: usize,
        t: TicketRef,
        ticket: &NewTicket,
        ctx: &Ctx,
        logs: &mut Vec<LogLine>,
        elapsed: u64,
        lookup: Option<&str>,
    ) {
        let m = &self.messages[i];
        let follow_up_of = m.follow_up_of;
        logs.push(
            self.line(
                LogLine::info(if follow_up_of.is_some() {
                    "zendesk.followup_created"
                } else {
                    "zendesk.ticket_created"
                }),
                &m.sid,
            )
            .field("ticket_id", t.id)
            .field("priority", ticket.priority.as_str())
            .field("attempt", m.retry.attempts + 1)
            .field("ms", elapsed)
            .opt("follow_up_of", follow_up_of)
            .opt("idempotency_lookup", lookup),
        );
        let content = twilio::ticket_created_reply_with(
            &ctx.config.texts,
            t.id,
            &ticket.subject,
            &m.body,
            ctx.config.twilio_content_sid.as_deref(),
        );
        let kind = if matches!(content, ReplyContent::Template { .. }) {
            "ticket_created_template"
        } else {
            "ticket_created"
        };
        self.remember_ticket(&t);
        self.open_ticket = Some(OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: vec![ctx.now_ms],
            throttled: false,
        });
        let m = &mut self.messages[i];
        m.ticket = TicketStep::Created {
            ticket_id: t.id,
            follow_up_of,
        };
        m.reply = ReplyStep::Due {
            kind: kind.into(),
            content,
        };
        m.total_attempts += 1;
        m.complete_step();
    }

    fn commented(
        &mut self,
        ticket_id: u64,
        sids: &[String],
        ctx: &Ctx,
        logs: &mut Vec<LogLine>,
        elapsed: u64,
    ) {
        if let Some(open) = self.open_ticket.as_mut() {
            open.recent_updates_ms
                .retain(|&t| t + TICKET_UPDATE_WINDOW_MS > ctx.now_ms);
            open.recent_updates_ms.push(ctx.now_ms);
            open.throttled = false;
        }
        let last = sids.len().saturating_sub(1);
        for (n, sid) in sids.iter().enumerate() {
            let Some(i) = self.index_of(sid) else {
                continue;
            };
            logs.push(
                self.line(LogLine::info("zendesk.comment_added"), sid)
                    .field("ticket_id", ticket_id)
                    .field("merged", sids.len())
                    .field("attempt", self.messages[i].retry.attempts + 1)
                    .field("ms", elapsed),
            );
            let m = &mut self.messages[i];
            m.ticket = TicketStep::Commented { ticket_id };
            m.reply = if ctx.config.followup_ack && n == last {
                ReplyStep::Due {
                    kind: "comment_added".into(),
                    content: ReplyContent::Text(twilio::ReplyTexts::fill(
                        &ctx.config.texts.comment_added,
                        ticket_id,
                        "",
                    )),
                }
            } else {
                ReplyStep::NotNeeded
            };
            m.total_attempts += 1;
            m.complete_step();
        }
    }

    fn replied(
        &mut self,
        i: usize,
        reply_sid: String,
        logs: &mut Vec<LogLine>,
        elapsed: u64,
        reconciled: bool,
    ) {
        let m = &self.messages[i];
        let kind = m.reply_kind();
        logs.push(
            self.line(LogLine::info("twilio.reply_sent"), &m.sid)
                .field("reply", kind.as_str())
                .field("reply_sid", reply_sid.as_str())
                .field("attempt", m.retry.attempts + 1)
                .field("ms", elapsed)
                .field("reconciled", reconciled),
        );
        let m = &mut self.messages[i];
        m.reply = ReplyStep::Sent {
            kind,
            sid: reply_sid,
        };
        m.total_attempts += 1;
        m.complete_step();
    }

    /// A failure that may pass: try again after a backoff, or give up past the retry window.
    #[allow(clippy::too_many_arguments)]
    fn retry_later(
        &mut self,
        i: usize,
        call: &str,
        reason: &str,
        retry_after: Option<u64>,
        unknown_outcome: bool,
        ctx: &Ctx,
        logs: &mut Vec<LogLine>,
    ) {
        let m = &mut self.messages[i];
        m.total_attempts += 1;
        let delay = m.retry.failed(
            &format!("{call}: {reason}"),
            retry_after,
            unknown_outcome,
            ctx,
        );
        let sid = m.sid.clone();
        let attempts = m.retry.attempts;
        let Some(delay) = delay else {
            let why = format!("gave up after {attempts} attempts: {call}: {reason}");
            if !m.ticket_done() {
                self.fail_ticket(&[i], call, &why, ctx, logs);
            } else {
                let kind = m.reply_kind();
                logs.push(
                    self.line(LogLine::error("message.failed"), &sid)
                        .field("step", "reply")
                        .field("reason", why.as_str()),
                );
                let m = &mut self.messages[i];
                m.reply = if unknown_outcome {
                    ReplyStep::Unknown { kind, reason: why }
                } else {
                    ReplyStep::Failed { kind, reason: why }
                };
                m.complete_step();
            }
            return;
        };
        logs.push(
            self.line(agent::retry_line(call, attempts, reason, delay), &sid)
                .opt("retry_after_secs", retry_after),
        );
    }

    /// The Zendesk step failed for good: the messages are marked failed and the customer gets
    /// the apology once (on the last of them).
    fn fail_ticket(
        &mut self,
        idx: &[usize],
        call: &str,
        reason: &str,
        ctx: &Ctx,
        logs: &mut Vec<LogLine>,
    ) {
        let last = idx.len().saturating_sub(1);
        for (n, &i) in idx.iter().enumerate() {
            let sid = self.messages[i].sid.clone();
            logs.push(
                self.line(LogLine::error("message.failed"), &sid)
                    .field("step", call)
                    .field("reason", reason),
            );
            let m = &mut self.messages[i];
            m.ticket = TicketStep::Failed {
                reason: reason.to_string(),
            };
            m.retry.last_error = Some(format!("{call}: {reason}"));
            m.reply = if n == last {
                ReplyStep::Due {
                    kind: "apology".into(),
                    content: ReplyContent::Text(ctx.config.texts.apology.clone()),
                }
            } else {
                ReplyStep::NotNeeded
            };
            m.complete_step();
        }
    }

    fn finish(&mut self, i: usize, ctx: &Ctx, logs: &mut Vec<LogLine>) {
        let outcome = outcome_name(&self.messages[i]);
        let m = &self.messages[i];
        logs.push(
            self.line(LogLine::info("message.done"), &m.sid)
                .field("outcome", outcome)
                .field("attempts", m.total_attempts)
                .field("ms", ctx.now_ms.saturating_sub(m.received_ms)),
        );
        let m = &mut self.messages[i];
        m.finished_ms = Some(ctx.now_ms);
        m.body.clear();
    }

    fn prune(&mut self, now_ms: u64) {
        self.messages
            .retain(|m| m.finished_ms.is_none_or(|t| t + KEEP_FINISHED_MS > now_ms));
        let finished = self.messages.iter().filter(|m| m.is_finished()).count();
        if finished > KEEP_FINISHED_MAX {
            let mut drop = finished - KEEP_FINISHED_MAX;
            self.messages.retain(|m| {
                if drop > 0 && m.is_finished() {
                    drop -= 1;
                    false
                } else {
                    true
                }
            });
        }
        // Agents' replies and notes: settled ones are kept as long as finished messages (their
        // delivery statuses may still come), and at most as many.
        self.agent_replies
            .retain(|r| !r.is_settled() || r.received_ms + KEEP_FINISHED_MS > now_ms);
        let settled = self.agent_replies.iter().filter(|r| r.is_settled()).count();
        if settled > KEEP_FINISHED_MAX {
            let mut drop = settled - KEEP_FINISHED_MAX;
            self.agent_replies.retain(|r| {
                let keep = !(drop > 0 && r.is_settled());
                if !keep {
                    drop -= 1;
                }
                keep
            });
        }
        let done_notes = self.notes.iter().filter(|n| n.done).count();
        if done_notes > KEEP_FINISHED_MAX {
            let mut drop = done_notes - KEEP_FINISHED_MAX;
            self.notes.retain(|n| {
                let keep = !(drop > 0 && n.done);
                if !keep {
                    drop -= 1;
                }
                keep
            });
        }
    }

    /// Every WhatsApp message SID this conversation has recorded as its own.
    fn sent_sids(&self) -> Vec<&str> {
        self.messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid.as_str()),
                _ => None,
            })
            .chain(
                self.agent_replies
                    .iter()
                    .flat_map(|r| r.sent_sids.iter().map(String::as_str)),
            )
            .collect()
    }

    /// Messages and agents' replies waiting for a retry (a metrics gauge).
    pub fn pending_retries(&self, now_ms: u64) -> u64 {
        let messages = self
            .messages
            .iter()
            .filter(|m| !m.is_finished() && m.retry.not_before_ms > now_ms)
            .count();
        let replies = self
            .agent_replies
            .iter()
            .filter(|r| r.retry.not_before_ms > now_ms)
            .count();
        (messages + replies) as u64
    }

    /// The operator's view of the latest messages, newest first, optionally only those that
    /// went to one ticket.
    pub fn views(&self, now_ms: u64, ticket: Option<u64>, limit: usize) -> Vec<Value> {
        let mut ms: Vec<&Message> = self
            .messages
            .iter()
            .filter(|m| match (ticket, &m.ticket) {
                (None, _) => true,
                (
                    Some(t),
                    TicketStep::Created { ticket_id, .. } | TicketStep::Commented { ticket_id },
                ) => *ticket_id == t,
                _ => false,
            })
            .collect();
        ms.sort_by_key(|m| std::cmp::Reverse(m.received_ms));
        ms.into_iter()
            .take(limit)
            .filter_map(|m| self.view(&m.sid, now_ms))
            .collect()
    }

    /// What an operator sees for one message: no text, the number masked.
    pub fn view(&self, sid: &str, now_ms: u64) -> Option<Value> {
        let m = self.message(sid)?;
        let status = if m.is_finished() {
            match (&m.ticket, &m.reply) {
                (TicketStep::Failed { .. }, _) => "failed",
                (_, ReplyStep::Failed { .. }) | (_, ReplyStep::Unknown { .. }) => {
                    "done_reply_failed"
                }
                _ => "done",
            }
        } else if m.retry.not_before_ms > now_ms {
            "waiting_to_retry"
        } else if m.ticket_done() {
            "replying"
        } else {
            "received"
        };
        Some(json!({
            "message_sid": m.sid,
            "customer": self.masked(),
            "status": status,
            "outcome": outcome_name(m),
            "received_at_ms": m.received_ms,
            "finished_at_ms": m.finished_ms,
            "body_chars": m.body_chars,
            "ticket": m.ticket,
            "reply": match &m.reply {
                ReplyStep::Due { kind, .. } => json!({"state": "due", "kind": kind}),
                other => serde_json::to_value(other).unwrap_or(Value::Null),
            },
            "attempts": m.total_attempts,
            "current_step_attempts": m.retry.attempts,
            "next_attempt_at_ms": (m.retry.not_before_ms > now_ms).then_some(m.retry.not_before_ms),
            "last_error": m.retry.last_error,
            "duplicates": m.duplicates,
            "open_ticket_id": self.open_ticket.as_ref().map(|t| t.id),
            "queue_position": self.messages.iter().filter(|x| !x.is_finished()).position(|x| x.sid == sid),
        }))
    }
}

/// What the agents read for a message: the text, the location, and the files that could not
/// be attached (never silently dropped).
fn zendesk_text(m: &Message) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !m.body.trim().is_empty() {
        parts.push(m.body.clone());
    }
    if let Some(location) = &m.location {
        parts.push(location.clone());
    }
    for item in &m.media {
        if let MediaState::Uploaded {
            description: Some(d),
            ..
        } = &item.state
        {
            parts.push(d.clone());
        }
        if let MediaState::Skipped { reason } = &item.state {
            parts.push(format!(
                "Attachment not attached ({}): {reason}. {}",
                item.content_type, item.url
            ));
        }
    }
    if parts.is_empty() {
        let files = m.media.len();
        return if files > 0 {
            format!(
                "(WhatsApp message with {files} attachment{})",
                if files == 1 { "" } else { "s" }
            )
        } else {
            EMPTY_MESSAGE_TEXT.to_string()
        };
    }
    parts.join("\n\n")
}

fn upload_tokens(m: &Message) -> Vec<String> {
    m.media
        .iter()
        .filter_map(|x| match &x.state {
            MediaState::Uploaded { token, .. } => Some(token.clone()),
            _ => None,
        })
        .collect()
}

/// `whatsapp-MM123-1.jpg`: the file name agents see in Zendesk.
fn media_filename(sid: &str, index: usize, content_type: &str) -> String {
    let t = content_type.split(';').next().unwrap_or("").trim();
    let ext = match t {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/amr" => "amr",
        "audio/mp4" => "m4a",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "text/vcard" | "text/x-vcard" => "vcf",
        "text/plain" => "txt",
        _ => t
            .rsplit('/')
            .next()
            .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()) && e.len() <= 8)
            .unwrap_or("bin"),
    };
    format!("whatsapp-{sid}-{}.{ext}", index + 1)
}

fn outcome_name(m: &Message) -> &'static str {
    match &m.ticket {
        TicketStep::Pending => "pending",
        TicketStep::Created {
            follow_up_of: Some(_),
            ..
        } => "follow_up_ticket",
        TicketStep::Created { .. } => "ticket_created",
        TicketStep::Commented { .. } => "comment_added",
        TicketStep::Rejected { .. } => "asked_for_details",
        TicketStep::Failed { .. } => "failed",
    }
}

fn with_detail(reason: &str, detail: Option<String>) -> String {
    match detail {
        Some(d) => format!("{reason} ({d})"),
        None => reason.to_string(),
    }
}

#[cfg(test)]
#[path = "conversation_tests.rs"]
mod tests;
