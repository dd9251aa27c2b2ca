//! The conversation's domain events, typed and carrying their data. The machine
//! (`core::conversation`) emits them in `Output::events`; the Durable Object shell turns each
//! into its log line (`log::log_line`, one exhaustive `match`) and the batch into what it adds
//! to the metrics (`metrics::Delta::from_events`, one exhaustive `match`). Nothing reads an
//! event's name or a reason's text: failures carry a `Cause`, whose text is only for people.
//!
//! Log lines that are not domain events are still written by name where they happen, in the
//! shell or a pure helper it calls, and counted by no metric:
//! - configuration and start-up warnings (`log::config_invalid`, `config.*`): the settings,
//!   not a conversation, are at fault;
//! - the shell's own failures and guards (`conversation.quarantined`, `conversation.newer_read`,
//!   `conversation.over_budget`, `conversation.call_outside_alarm`, `metrics.write_failed`,
//!   `directory.write_failed`, `worker.unexpected_error`): they happen around the machine,
//!   when it could not run or its output could not be carried out;
//! - request edges the machine never sees (`webhook.refused` from `refusals`, `admin.refused`,
//!   `webhook.store_failed`, `media.*` of the file proxy, `zendesk.event_*`,
//!   `delivery.unknown_conversation`, `delivery.not_stored`): refused or routed before any
//!   conversation is loaded;
//! - `delivery.status` for a status that is not a failure, which the webhook logs from what the
//!   signed callback URL says without waking the conversation (a failure goes to the machine,
//!   whose `DomainEvent::DeliveryStatus` gives the same line);
//! - `usage`, the isolate's billed usage (`USAGE_LOG`), which is about the Worker, not a
//!   conversation.

use crate::core::delivery::{DeliveryStatus, ReplyKind};

mod cause;
pub mod log;
pub mod metrics;
pub use cause::Cause;

/// What a satisfaction answer recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsatRecorded {
    Rating(crate::core::csat::Rating),
    /// A comment following the rating.
    Comment,
}

/// What the conversation did or saw. `sid` is the customer's MessageSid; the customer's
/// masked number is added by the log line (`log::log_line`), so it is not repeated here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainEvent {
    /// A new message was queued, read in `language`.
    Accepted {
        sid: String,
        body_chars: usize,
        language: String,
        language_detected: bool,
        num_media: u32,
        /// Unfinished messages, this one included.
        queue: usize,
        /// The channel it arrived on (`default` for today's variables).
        channel: String,
    },
    /// A message arrived in a closed period (`BUSINESS_HOURS`) not announced yet: its answer
    /// carries the out-of-hours text. `reopens`: the period's end, local minutes since the
    /// epoch (`hours::NEVER_REOPENS`: none within a year).
    OutOfHoursNotice {
        sid: String,
        language: String,
        reopens: u64,
    },
    /// The message was an opt-out word: no template goes to the customer from now on.
    /// `already`: they had opted out before (not acknowledged again).
    OptedOut {
        sid: String,
        language: String,
        already: bool,
    },
    /// The message was an opt-in word. `was_opted_out`: it changed something (acknowledged).
    OptedIn {
        sid: String,
        language: String,
        was_opted_out: bool,
    },
    /// An agent's reply needed a template (outside WhatsApp's 24-hour window) and the
    /// customer has opted out: not sent; an internal note says so.
    TemplateSuppressed {
        ticket_id: u64,
        comment_id: u64,
    },
    /// A message was sent to a number no channel names: it went to the default channel
    /// (never dropped). `to` is the number, masked.
    ChannelUnknown {
        sid: String,
        to: String,
    },
    /// A message already known arrived again.
    Duplicate {
        sid: String,
        duplicates: u32,
        finished: bool,
    },
    /// Refused on arrival: the customer's queue was full.
    RefusedQueueFull {
        sid: String,
        body_chars: usize,
        language: String,
        queue: usize,
        queued_bytes: usize,
        message_bytes: usize,
        budget_bytes: usize,
        customer_told: bool,
    },
    /// Too little to act on: the customer was asked for details instead of a ticket.
    AskedForDetails {
        sid: String,
        reason: crate::core::triage::Rejection,
    },
    /// A file not on Twilio's media host for this message: not fetched.
    MediaRefusedHost {
        sid: String,
        index: usize,
        host: String,
    },
    /// A file was copied to Zendesk and goes with the ticket or comment.
    FileAttached {
        sid: String,
        index: usize,
        content_type: String,
        ms: u64,
    },
    /// A file could not be attached: it is listed in the comment instead, with why.
    FileListed {
        sid: String,
        index: usize,
        content_type: String,
        reason: String,
    },
    TicketCreated {
        sid: String,
        ticket: CreatedTicket,
    },
    /// A ticket made because the customer's earlier one (`follow_up_of`) was closed.
    FollowUpTicketCreated {
        sid: String,
        ticket: CreatedTicket,
        follow_up_of: u64,
    },
    /// The customer's Zendesk user was found or made (`REQUESTER_IDENTITY=whatsapp`).
    RequesterMade {
        sid: String,
        user_id: u64,
        created: bool,
    },
    /// Zendesk refused the customer's number as the user's phone identity: the user is made
    /// again without it.
    RequesterPhoneRefused {
        sid: String,
        detail: Option<String>,
    },
    /// WhatsApp's typing indicator for this message could not be shown (best effort: the
    /// message goes on regardless).
    TypingFailed {
        sid: String,
        cause: Cause,
    },
    /// Zendesk refused the requester's locale: the ticket is made again without it.
    LocaleRefused {
        sid: String,
        locale_id: Option<u32>,
        detail: Option<String>,
    },
    /// The open ticket is closed: the message makes a follow-up ticket.
    TicketClosed {
        sid: String,
        ticket_id: u64,
    },
    /// The open ticket is gone: the message makes a new ticket.
    TicketGone {
        sid: String,
        ticket_id: u64,
    },
    /// A comment refused because its ticket was merged (closed) meanwhile: it goes to `into`.
    CommentMovedToMergeTarget {
        sid: String,
        ticket_id: u64,
        into: u64,
    },
    /// A comment whose answer was lost was found written.
    CommentFound {
        sid: String,
        ticket_id: u64,
    },
    CommentAdded {
        sid: String,
        ticket_id: u64,
        /// Messages the comment carries.
        merged: usize,
        attempt: u32,
        ms: u64,
    },
    /// The gateway's reply to the customer went out (`reconciled`: found in Twilio's list
    /// after its answer was lost).
    ReplySent {
        sid: String,
        reply: Option<ReplyKind>,
        reply_sid: String,
        attempt: u32,
        ms: u64,
        reconciled: bool,
    },
    /// A reply whose answer was lost was found in Twilio's list.
    ReplyFound {
        sid: String,
        reply_sid: String,
    },
    /// A reply may or may not have gone: looked for before it is sent again.
    ReplyAmbiguous {
        sid: String,
        reply: Option<ReplyKind>,
        cause: Cause,
    },
    /// Twilio refused the reply for good.
    ReplyFailed {
        sid: String,
        reply: Option<ReplyKind>,
        cause: Cause,
        twilio_code: Option<u32>,
    },
    /// Whether a lost reply went out cannot be found out.
    ReplyUnknown {
        sid: String,
        cause: Cause,
    },
    /// The ticket or comment failed for good (`call` is the step that failed): the customer
    /// gets the apology.
    TicketFailed {
        sid: String,
        call: &'static str,
        cause: Cause,
    },
    /// The reply could not be sent within the retry window.
    ReplyGaveUp {
        sid: String,
        cause: Cause,
    },
    /// A message finished, `ms` after it was received: the typed finished-message event the
    /// metrics and the history (`core::analytics::data_point`) read.
    Done {
        sid: String,
        outcome: &'static str,
        attempts: u32,
        ms: u64,
        /// The language it was read in.
        language: String,
        /// The priority of the ticket it made, if it made one.
        priority: Option<crate::core::triage::Priority>,
        /// Its failure's metrics key (`ticket.http_422`), if it failed.
        failure: Option<String>,
        /// Its webhook's acknowledgement time, when it was measured.
        ack_ms: Option<u64>,
    },
    /// A call failed in a way that may pass: tried again in `retry_in_ms`.
    Retrying {
        call: &'static str,
        attempt: u32,
        cause: Cause,
        retry_in_ms: u64,
        of: RetryOf,
    },
    /// A call recorded in flight outlived its deadline (the isolate was evicted); `sid` is
    /// empty for an agents'-side call.
    CallInterrupted {
        sid: String,
        call: &'static str,
    },
    /// An answer came with no call in flight.
    AnswerWithoutCall,
    /// An alarm answered the timer the conversation set (`conversation::Timer::name`),
    /// `late_ms` after it was due.
    TimerFired {
        timer: &'static str,
        late_ms: u64,
    },
    /// A Zendesk call was answered (`status`; none: no answer): the budget's "calls made" and
    /// "429s received". Logged only when refused (a line per call would double the log).
    ZendeskCalled {
        call: &'static str,
        status: Option<u16>,
        retry_after_s: Option<u64>,
    },
    /// The account's Zendesk budget had no slot free: the call waits this long, in its own
    /// conversation (`core::api_budget`).
    ZendeskBudgetWait {
        wait_ms: u64,
    },
    /// A step ran out of its passes without settling (a defect): it looks again later.
    Stalled {
        passes: usize,
    },
    /// An agent event for a ticket this conversation does not own.
    NotOwner {
        ticket_id: u64,
    },
    /// An agent event for a ticket this conversation may be making: kept until it is known.
    UnknownTicket {
        ticket_id: u64,
    },
    /// The ticket's requester was changed in Zendesk (the agents get a note).
    RequesterChanged {
        ticket_id: u64,
    },
    /// A Zendesk event this conversation took before, delivered again: nothing done.
    EventDuplicate {
        ticket_id: u64,
        event_id: String,
    },
    /// Zendesk merged the customer's ticket into `into`: agents' replies there reach them, and
    /// their next message goes there if the merged ticket was their open one (`open_moved`).
    TicketMerged {
        ticket_id: u64,
        into: u64,
        open_moved: bool,
    },
    /// An agent's public reply was read, to be sent on WhatsApp.
    AgentReplyReceived {
        ticket_id: u64,
        comment_id: u64,
        body_chars: usize,
    },
    /// A public comment not sent to the customer (not an agent's).
    CommentNotForwarded {
        ticket_id: u64,
        comment_id: u64,
        reason: NotForwarded,
        author_role: Option<String>,
    },
    /// An agent's reply may or may not have gone: looked for before it is sent again.
    AgentReplyAmbiguous {
        ticket_id: u64,
        comment_id: u64,
        cause: Cause,
    },
    /// A part of an agent's reply reached Twilio (delivered to WhatsApp's side).
    AgentReplySent {
        ticket_id: u64,
        comment_id: u64,
        reply_sid: String,
        template: bool,
        part: usize,
        parts: usize,
        reconciled: bool,
    },
    /// A solved ticket's satisfaction question (`core::csat`): `decision` is `ask` when it is
    /// sent, else why not (`off`, `already_asked`, `opted_out`, `spam`, `outside_window`), or
    /// `withdrawn_reopened` (a question still held when the ticket was reopened), or
    /// `stale_status` (a status change older, by Zendesk's clock, than one already taken for
    /// the ticket: nothing withdrawn, nothing asked).
    CsatQuestion {
        ticket_id: u64,
        decision: &'static str,
    },
    /// The customer's message answered the satisfaction question (or commented on it): an
    /// internal note (and the rating's tag) goes to the ticket. The comment's text is never
    /// in the event.
    CsatRecorded {
        sid: String,
        ticket_id: u64,
        what: CsatRecorded,
        comment: bool,
    },
    /// An agent's reply cannot be delivered (the agents get a note saying why).
    AgentReplyUndeliverable {
        ticket_id: u64,
        comment_id: u64,
        cause: Cause,
    },
    /// A ticket's comments could not be read for good (`cause`: the last failure's); the
    /// agents get a note unless the ticket is gone.
    CheckFailed {
        ticket_id: u64,
        cause: Cause,
        outcome: CheckFailure,
    },
    /// A kept event for an unknown ticket that was only a guess was dropped (`reason`: why),
    /// with no note: Zendesk's event went on to the ticket's owner.
    KeptEventDropped {
        ticket_id: u64,
        reason: &'static str,
    },
    /// A kept event confirmed as this conversation's could wait no longer: the agents get a
    /// note that the reply was not sent (`reason`: `conversation::unsent::Unmatched::code`).
    AgentReplyUnmatched {
        ticket_id: u64,
        reason: &'static str,
    },
    NoteAdded {
        ticket_id: u64,
        key: String,
    },
    NoteFailed {
        ticket_id: u64,
        cause: Cause,
    },
    /// Twilio's delivery status of a message the gateway sent.
    DeliveryStatus {
        reply_sid: String,
        status: DeliveryStatus,
        error_code: Option<u32>,
        of: DeliveryOf,
    },
}

/// What a ticket create (or the look-up that found it) tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTicket {
    pub ticket_id: u64,
    pub priority: crate::core::triage::Priority,
    pub attempt: u32,
    pub ms: u64,
    /// How a create whose answer was lost was found (Zendesk's `x-idempotency-lookup`, or
    /// `external_id`).
    pub idempotency_lookup: Option<String>,
}

/// How a read of a ticket's comments ended in failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFailure {
    /// Zendesk answered 404: the ticket is gone (no note can be written on it).
    TicketGone,
    /// Transient failures past the retry window, after this many attempts.
    GaveUp { attempts: u32 },
    /// Zendesk refused the read.
    Refused,
}

/// What a retried call acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryOf {
    /// A customer's message (and Zendesk's or Twilio's `Retry-After`, if given).
    Message {
        sid: String,
        retry_after_secs: Option<u64>,
    },
    AgentReply {
        comment_id: u64,
    },
    Note,
    TicketCheck {
        ticket_id: u64,
    },
}

/// Whose message a delivery status is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOf {
    AgentReply {
        ticket_id: u64,
        comment_id: u64,
    },
    /// The gateway's reply to a customer's message.
    Reply {
        sid: String,
        reply: Option<ReplyKind>,
    },
    /// Not a message this conversation knows.
    Unknown,
}

/// Why a public comment on a gateway ticket is not sent to the customer: only agents speak
/// from the business's WhatsApp number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotForwarded {
    /// Zendesk's merge notice: it quotes the merged ticket's last comment, which may be
    /// another customer's words.
    Merge,
    /// Written by an end-user other than the requester: someone CC'd, or an e-mail reply
    /// Zendesk threaded into the ticket.
    NotAnAgent,
    /// The author is not in Zendesk's `users` side-load: not known to be an agent.
    UnknownAuthor,
}

impl NotForwarded {
    /// The log's `reason`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Merge => "merge",
            Self::NotAnAgent => "author_not_agent",
            Self::UnknownAuthor => "author_unknown",
        }
    }

    /// The agents' note's reason.
    pub fn explained(self) -> &'static str {
        match self {
            Self::Merge => "Zendesk's merge notice, which quotes the merged ticket's last comment",
            Self::NotAnAgent => "written by an end-user who is not the customer: someone CC'd, or an e-mail reply added to the ticket",
            Self::UnknownAuthor => "its author is not among the users Zendesk listed with the comments, so it is not known to be an agent",
        }
    }
}
