//! The domain events the metrics count, typed. A state machine attaches one to the log line it
//! writes for the event (`LogLine::counts`), so the log line and the metric come from the same
//! place; `metrics::Delta::from_logs` reads only these, never an event's name.

mod cause;
pub use cause::Cause;

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
        cause: Cause,
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
