//! The domain events the metrics count, typed. A state machine attaches one to the log line it
//! writes for the event (`LogLine::counts`), so the log line and the metric come from the same
//! place; `metrics::Delta::from_logs` reads only these, never an event's name.

use crate::core::http::Exchange;

/// Which step of a customer's message failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedStep {
    /// The ticket or comment.
    Ticket,
    /// The gateway's reply to the customer.
    Reply,
    /// An agent's reply to the customer.
    AgentReply,
}

impl FailedStep {
    pub fn as_str(self) -> &'static str {
        match self {
            FailedStep::Ticket => "ticket",
            FailedStep::Reply => "reply",
            FailedStep::AgentReply => "agent_reply",
        }
    }
}

/// Why a step failed, as the metrics count it: taken from the answer's status and Twilio's
/// error code, never from upstream text (an error description is free text from another
/// system: once a Zendesk description with markup in it became a metrics key, kept forever).
/// The human reason goes to the log line only. Each kind is a short key of its own
/// (`http_422`, `twilio_63016`, `timeout`, ...), so the set of keys stays small and plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The API answered with this HTTP status.
    Http(u16),
    /// Twilio refused with this error code (the `code` of its JSON error).
    Twilio(u32),
    /// No answer within `UPSTREAM_TIMEOUT_MS`.
    Timeout,
    /// The request failed before any answer.
    Network,
    /// The transient failures lasted past the retry window.
    GaveUp,
    /// An agent's reply outside WhatsApp's 24-hour window, with no template to send it in.
    OutsideWindow,
    /// A setting the step needs is missing (`PUBLIC_BASE_URL` for an agent's files).
    NotConfigured,
    /// More than the conversation may hold (an agent's reply past its storage budget).
    TooLarge,
    /// A success whose body could not be read (not the expected JSON).
    Unreadable,
    /// An agent's reply on a ticket the conversation never learned was its own in time.
    UnknownTicket,
}

impl FailureKind {
    /// The kind of an exchange that did not succeed: its status, or no answer at all.
    pub fn of(exchange: &Exchange) -> Self {
        match exchange {
            Exchange::Answered(a) => FailureKind::Http(a.status),
            Exchange::TimedOut => FailureKind::Timeout,
            Exchange::NetworkError(_) => FailureKind::Network,
        }
    }

    /// A refused Twilio request: Twilio's error code when its answer has one, else the status.
    pub fn of_twilio(exchange: &Exchange, code: Option<u32>) -> Self {
        code.map_or_else(|| Self::of(exchange), FailureKind::Twilio)
    }

    /// The metrics key: ASCII lowercase, digits and `_` only.
    pub fn key(self) -> String {
        match self {
            FailureKind::Http(status) => format!("http_{status}"),
            FailureKind::Twilio(code) => format!("twilio_{code}"),
            FailureKind::Timeout => "timeout".into(),
            FailureKind::Network => "network".into(),
            FailureKind::GaveUp => "gave_up".into(),
            FailureKind::OutsideWindow => "outside_window".into(),
            FailureKind::NotConfigured => "not_configured".into(),
            FailureKind::TooLarge => "too_large".into(),
            FailureKind::Unreadable => "unreadable".into(),
            FailureKind::UnknownTicket => "unknown_ticket".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// A new message, and the language it is read in.
    Received {
        language: String,
    },
    Duplicate,
    TicketCreated,
    FollowUpTicketCreated,
    CommentAdded,
    AskedForDetails,
    /// A message refused on arrival because the customer's queue was full.
    RefusedQueueFull,
    ReplySent,
    AgentReplySent,
    AgentReplyReceived,
    NoteAdded,
    FileAttached,
    FileListed,
    Retry,
    /// A failure the customer or the agents are told of (the human reason is in the line).
    Failed {
        step: FailedStep,
        kind: FailureKind,
    },
    /// A message finished, `ms` after it was received.
    Done {
        ms: u64,
    },
}

impl Counted {
    /// The counter this event adds one to.
    pub fn counter(&self) -> &'static str {
        match self {
            Counted::Received { .. } => "received",
            Counted::Duplicate => "duplicates",
            Counted::TicketCreated => "tickets_created",
            Counted::FollowUpTicketCreated => "follow_up_tickets_created",
            Counted::CommentAdded => "comments_added",
            Counted::AskedForDetails => "asked_for_details",
            Counted::RefusedQueueFull => "refused_queue_full",
            Counted::ReplySent => "replies_sent",
            Counted::AgentReplySent => "agent_replies_sent",
            Counted::AgentReplyReceived => "agent_replies_received",
            Counted::NoteAdded => "internal_notes_added",
            Counted::FileAttached => "files_attached",
            Counted::FileListed => "files_listed",
            Counted::Retry => "retries",
            Counted::Failed { .. } => "failures",
            Counted::Done { .. } => "done",
        }
    }
}
