//! What the conversation keeps per message and per ticket: each message's steps (ticket or
//! comment, reply), its files, and what the agents read on the ticket.

use super::*;
use crate::core::delivery::{DeliveryStatus, ReplyKind};
use serde::{Deserialize, Serialize};

/// The reasons a message was answered without a ticket because it was the customer's opt-out
/// or opt-in word (`inbound::notices`), read back by the operators' view.
pub const OPT_OUT_REASON: &str = "opt_out";
pub const OPT_IN_REASON: &str = "opt_in";

#[derive(Debug, Clone, PartialEq)]
pub struct EarlyAgentEvent {
    pub ticket_id: u64,
    pub at_ms: u64,
    /// The MessageSid the ticket was made from, when Zendesk's event said (the shell read the
    /// ticket): then the event is surely this conversation's, not a guess (`unsent`).
    pub made_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KnownTicket {
    pub id: u64,
    pub requester_id: Option<u64>,
    /// The agents were told that the ticket's requester no longer names this customer.
    pub requester_change_noted: bool,
    /// The agents were told which public comments on the ticket are not sent (not an agent's).
    pub not_forwarded_noted: bool,
    /// Merged into this ticket in Zendesk (closed): the customer's messages go there.
    pub merged_into: Option<u64>,
    /// The customer's as the target of a merge of this ticket of theirs: its requester may be
    /// someone else (no requester-changed note), its comments by the customer are theirs.
    pub merged_from: Option<u64>,
    /// When that merge happened (Zendesk's clock): the target's comments from before it were
    /// not written to this customer and are not sent to them.
    pub merged_at_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpenTicket {
    pub id: u64,
    pub requester_id: Option<u64>,
    pub recent_updates_ms: Vec<u64>,
    /// Zendesk answered 429 to the last update: merge what is pending.
    pub throttled: bool,
}

#[derive(Debug, Clone, PartialEq)]
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
    /// Refused on arrival: the customer's queue was full (`limits::QUEUE_BUDGET_BYTES`). Its
    /// text was not kept; the customer was asked to send it again once answered.
    QueueFull,
    /// Known only from a stored conversation that could not be read (quarantined): kept so
    /// that a retried delivery of it is recognised, not made a second ticket.
    Recovered,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReplyStep {
    /// Waits for the ticket step.
    Waiting,
    NotNeeded,
    Due {
        kind: ReplyKind,
        content: ReplyContent,
    },
    Sent {
        kind: ReplyKind,
        sid: String,
    },
    Failed {
        kind: ReplyKind,
        reason: String,
    },
    /// A send whose outcome could not be established within the retry window.
    Unknown {
        kind: ReplyKind,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub sid: String,
    pub received_ms: u64,
    /// The length of its text (what the customer wrote, kept for metrics after the text).
    pub body_chars: usize,
    pub ticket: TicketStep,
    pub reply: ReplyStep,
    /// Attempts of the current step (ticket, then reply), as for agents' replies and notes.
    /// Stored as the message's own fields (`stored::v7::Message`), as before it was a struct.
    pub retry: Retry,
    /// Attempts of all steps.
    pub total_attempts: u32,
    /// The comment batch whose outcome is unknown (sids and body), to look for it.
    pub unverified_comment: Option<(Vec<String>, String)>,
    /// The customer's ticket was closed: this message starts a follow-up of it.
    pub follow_up_of: Option<u64>,
    /// Part of an ongoing conversation (its ticket was closed or deleted): never rejected by triage.
    pub skip_triage: bool,
    pub duplicates: u32,
    pub finished_ms: Option<u64>,
    /// The reply's latest delivery status from Twilio.
    pub delivery: Option<DeliveryStatus>,
    /// What the message is, with its data (the text, the files and what became of each, the
    /// place...); the customer's part of it is forgotten once the message is finished.
    pub content: Content,
    /// The language it was read in (triage, replies, the ticket's tag), chosen when it
    /// arrived; absent for a message stored before languages (the default language).
    pub language: Option<String>,
    /// Zendesk refused its ticket with the requester's locale: it is made without one, under
    /// an idempotency key of its own (`Conversation::create_key`).
    pub without_locale: bool,
    /// What its finished event tells beyond its steps (`DomainEvent::Done`), noted as it
    /// happens: the steps keep only the texts of failures, and the priority is not kept.
    pub facts: Facts,
}

/// What a message's finish reports for the history (`core::analytics`), noted along the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// How long the webhook that brought it waited for it to be stored (the first delivery).
    pub ack_ms: Option<u64>,
    /// The priority its ticket was made with (none for a comment or no ticket).
    pub priority: Option<crate::core::triage::Priority>,
    /// Its failure's metrics key (`ticket.http_422`, `reply.twilio_63016`): from the typed
    /// cause, never from text (`events::metrics::failure_key`).
    pub failure: Option<String>,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        *self == Facts::default()
    }
}

/// How many times a customer's file answering 404 is tried before it is listed as not copied.
pub(super) const MEDIA_NOT_FOUND_TRIES: u32 = 3;

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
    /// The ticket its step made or commented on, if any.
    pub fn ticket_id(&self) -> Option<u64> {
        match self.ticket {
            TicketStep::Created { ticket_id, .. } | TicketStep::Commented { ticket_id } => {
                Some(ticket_id)
            }
            _ => None,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished_ms.is_some()
    }

    pub(super) fn ticket_done(&self) -> bool {
        !matches!(self.ticket, TicketStep::Pending)
    }

    /// Refused on arrival (queue full): answered at once, never part of the queue's order.
    pub(super) fn is_refused(&self) -> bool {
        matches!(self.ticket, TicketStep::QueueFull)
    }

    pub(super) fn reply_done(&self) -> bool {
        matches!(
            self.reply,
            ReplyStep::NotNeeded
                | ReplyStep::Sent { .. }
                | ReplyStep::Failed { .. }
                | ReplyStep::Unknown { .. }
        )
    }

    /// What the reply is (none while it waits or when none is needed).
    pub(super) fn reply_kind(&self) -> Option<ReplyKind> {
        match &self.reply {
            ReplyStep::Due { kind, .. }
            | ReplyStep::Sent { kind, .. }
            | ReplyStep::Failed { kind, .. }
            | ReplyStep::Unknown { kind, .. } => Some(*kind),
            ReplyStep::Waiting | ReplyStep::NotNeeded => None,
        }
    }

    /// Ends the reply step with what `end` makes of its kind (a reply that was never due has
    /// nothing to end: it needs none).
    pub(super) fn end_reply(&mut self, end: impl FnOnce(ReplyKind) -> ReplyStep) {
        self.reply = match self.reply_kind() {
            Some(kind) => end(kind),
            None => ReplyStep::NotNeeded,
        };
    }

    pub(super) fn complete_step(&mut self) {
        self.retry.reset();
        self.unverified_comment = None;
    }
}

/// What the agents read for a message: the text, the location, and the files that could not
/// be attached (never silently dropped).
pub(super) fn zendesk_text(m: &Message) -> String {
    let mut parts: Vec<String> = Vec::new();
    let text = m.content.text();
    if !text.trim().is_empty() {
        parts.push(text.to_string());
    }
    if let Some(place) = m.content.place() {
        parts.push(place.describe());
    }
    for item in m.content.files() {
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
        let files = m.content.files().len();
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

pub(super) fn upload_tokens(m: &Message) -> Vec<String> {
    m.content
        .files()
        .iter()
        .filter_map(|x| match &x.state {
            MediaState::Uploaded { token, .. } => Some(token.clone()),
            _ => None,
        })
        .collect()
}

/// `whatsapp-MM123-1.jpg`: the file name agents see in Zendesk.
pub(super) fn media_filename(sid: &str, index: usize, content_type: &str) -> String {
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

/// What became of a message's ticket step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageOutcome {
    Pending,
    TicketCreated,
    FollowUpTicket,
    CommentAdded,
    AskedForDetails,
    Failed,
    RefusedQueueFull,
    Recovered,
    /// An opt-out or opt-in word (`inbound::notices`): recorded, no ticket.
    OptOut,
    OptIn,
    /// A satisfaction rating, or the comment after it (`satisfaction`): recorded, no ticket.
    CsatAnswer,
}

impl MessageOutcome {
    pub fn of(step: &TicketStep) -> Self {
        match step {
            TicketStep::Pending => MessageOutcome::Pending,
            TicketStep::Created {
                follow_up_of: Some(_),
                ..
            } => MessageOutcome::FollowUpTicket,
            TicketStep::Created { .. } => MessageOutcome::TicketCreated,
            TicketStep::Commented { .. } => MessageOutcome::CommentAdded,
            TicketStep::Rejected { reason } if reason == OPT_OUT_REASON => MessageOutcome::OptOut,
            TicketStep::Rejected { reason } if reason == OPT_IN_REASON => MessageOutcome::OptIn,
            TicketStep::Rejected { reason }
                if reason == crate::core::csat::CSAT_ANSWER_REASON
                    || reason == crate::core::csat::CSAT_COMMENT_REASON =>
            {
                MessageOutcome::CsatAnswer
            }
            TicketStep::Rejected { .. } => MessageOutcome::AskedForDetails,
            TicketStep::Failed { .. } => MessageOutcome::Failed,
            TicketStep::QueueFull => MessageOutcome::RefusedQueueFull,
            TicketStep::Recovered => MessageOutcome::Recovered,
        }
    }

    /// The name logs and the admin API use.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageOutcome::Pending => "pending",
            MessageOutcome::TicketCreated => "ticket_created",
            MessageOutcome::FollowUpTicket => "follow_up_ticket",
            MessageOutcome::CommentAdded => "comment_added",
            MessageOutcome::AskedForDetails => "asked_for_details",
            MessageOutcome::Failed => "failed",
            MessageOutcome::RefusedQueueFull => "refused_queue_full",
            MessageOutcome::Recovered => "recovered",
            MessageOutcome::OptOut => "opt_out",
            MessageOutcome::OptIn => "opt_in",
            MessageOutcome::CsatAnswer => "csat_answer",
        }
    }
}

/// The outcome's name, as logs and the admin API give it.
pub(super) fn outcome_name(m: &Message) -> &'static str {
    MessageOutcome::of(&m.ticket).as_str()
}
