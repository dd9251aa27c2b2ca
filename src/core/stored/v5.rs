//! Version 5 of the stored form: plain data with the serde attributes, field for field the JSON
//! that main wrote at commit f8a4f61 (when the domain types were the schema). Nothing here has
//! behaviour: the machine works on `core::conversation`'s types, converted to and from these in
//! `core::conversation::stored_form`, so the domain can be reshaped without touching this file.
//! A change here changes what is stored: it needs a new version (see `super`'s history).
//!
//! Reused, not copied: `Sender` (also the webhook's edge type; stored as `{"Phone": "+1..."}`)
//! and `Delta` (the metrics request's wire form, kept as is until the alarm sends it). Their
//! stored JSON is pinned all the same by `the_stored_shape_is_pinned`.

use crate::core::form::Sender;
use crate::core::metrics::Delta;
use serde::{Deserialize, Serialize};

/// Generic over its message type only: v7 changed the message (`super::v7::Message`) and
/// nothing else, so `v7::Conversation` is this struct with v7's messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation<M = Message> {
    pub customer: Sender,
    #[serde(default)]
    pub open_ticket: Option<OpenTicket>,
    #[serde(default)]
    pub last_inbound_ms: Option<u64>,
    #[serde(default = "Vec::new")]
    pub messages: Vec<M>,
    #[serde(default)]
    pub in_flight: Option<InFlight>,
    #[serde(default)]
    pub tickets: Vec<KnownTicket>,
    #[serde(default)]
    pub checks: Vec<u64>,
    #[serde(default)]
    pub check_retry: Retry,
    #[serde(default)]
    pub rechecks: Vec<u64>,
    #[serde(default)]
    pub agent_replies: Vec<AgentReply>,
    #[serde(default)]
    pub seen_comments: Vec<u64>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub public_origin: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub early_agent_events: Vec<EarlyAgentEvent>,
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    pub unsent_metrics: Delta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Added within v5 (after f8a4f61): optional, and ignored by a v5 gateway before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wake: Option<Wake>,
    /// v6: the SIDs of the latest replies sent to the customer's messages (a lost send is not
    /// one of them, even once their messages are archived).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_sent: Vec<String>,
    /// v6: when the oldest message in the archive (`fin:<MessageSid>` rows) finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_oldest_ms: Option<u64>,
    /// Added within v7 (optional, ignored by a v7 gateway before it): the Zendesk user made for
    /// the customer (`REQUESTER_IDENTITY=whatsapp`), made once; and that Zendesk refused the
    /// customer's number as its phone identity (the user is made without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_user_id: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requester_phone_refused: bool,
    /// Added within v7 (optional, ignored by a v7 gateway before it): the channel the
    /// conversation is on (absent: the default channel) and the number the customer last
    /// wrote to (`+E164`), which replies go out from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving: Option<String>,
    /// Added within v7 (optional): since when the customer has opted out (no template goes
    /// to them), and the closed period whose out-of-hours text was sent (its next opening,
    /// local minutes since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opted_out_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_notice: Option<u64>,
    /// Added within v7: the customer's WhatsApp user id (BSUID) when known, and the address they
    /// last wrote from when it is not `customer` (the number after the id, or the other way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Sender>,
    /// Added within v7 (optional, ignored by a v7 gateway before it): the ids of the Zendesk
    /// events (event-subscribed webhooks) this conversation took, newest last, bounded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_events: Vec<String>,
    /// Added within v7 (optional): the conversation's side of the account's Zendesk budget
    /// (the slot it holds, what the last answer said of the limits). Its form is
    /// `core::api_budget`'s, pinned with the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zendesk_budget: Option<crate::core::api_budget::SlotHolder>,
    /// Added within v7 (optional): the satisfaction questions asked (`core::csat`'s form,
    /// pinned with the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<crate::core::csat::Csat>,
}

impl<M> Conversation<M> {
    /// The same conversation with each message converted (a migration of the message's form).
    pub fn map_messages<N>(self, f: impl FnMut(M) -> N) -> Conversation<N> {
        Conversation {
            customer: self.customer,
            open_ticket: self.open_ticket,
            last_inbound_ms: self.last_inbound_ms,
            messages: self.messages.into_iter().map(f).collect(),
            in_flight: self.in_flight,
            tickets: self.tickets,
            checks: self.checks,
            check_retry: self.check_retry,
            rechecks: self.rechecks,
            agent_replies: self.agent_replies,
            seen_comments: self.seen_comments,
            notes: self.notes,
            public_origin: self.public_origin,
            early_agent_events: self.early_agent_events,
            unsent_metrics: self.unsent_metrics,
            language: self.language,
            wake: self.wake,
            recent_sent: self.recent_sent,
            archive_oldest_ms: self.archive_oldest_ms,
            requester_user_id: self.requester_user_id,
            requester_phone_refused: self.requester_phone_refused,
            channel: self.channel,
            receiving: self.receiving,
            opted_out_ms: self.opted_out_ms,
            closed_notice: self.closed_notice,
            user_id: self.user_id,
            reply_to: self.reply_to,
            seen_events: self.seen_events,
            zendesk_budget: self.zendesk_budget,
            csat: self.csat,
        }
    }
}

/// The wake-up asked for, and which timer it is for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Wake {
    pub timer: Timer,
    pub at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    CallInFlight,
    MessageRetry,
    TicketUpdateBudget,
    TicketCheckRetry,
    AgentReplyRetry,
    NoteRetry,
    Unbuildable,
    KeptEventExpiry,
    Stalled,
    /// v6.
    ArchivePrune,
    /// Added within v7: the slot of the account's Zendesk budget is due.
    ZendeskBudget,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyAgentEvent {
    pub ticket_id: u64,
    pub at_ms: u64,
    /// Added within v5 (after f8a4f61): optional, and ignored by a v5 gateway before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownTicket {
    pub id: u64,
    #[serde(default)]
    pub requester_id: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requester_change_noted: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_forwarded_noted: bool,
    /// Added within v7 (optional, ignored by a v7 gateway before it): the ticket was merged
    /// into this one (Zendesk's `ticket.merged` event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<u64>,
    /// Added within v7: this ticket became the customer's as the target of a merge of that
    /// one (its requester may be someone else: no requester-changed note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<u64>,
    /// Added within v7: when that merge happened (Zendesk's clock): the target's comments from
    /// before it were not written to this customer and are not sent to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_at_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenTicket {
    pub id: u64,
    #[serde(default)]
    pub requester_id: Option<u64>,
    #[serde(default)]
    pub recent_updates_ms: Vec<u64>,
    #[serde(default)]
    pub throttled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TicketStep {
    Pending,
    Created {
        ticket_id: u64,
        follow_up_of: Option<u64>,
    },
    Commented {
        ticket_id: u64,
    },
    Rejected {
        reason: String,
    },
    Failed {
        reason: String,
    },
    QueueFull,
    Recovered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReplyStep {
    Waiting,
    NotNeeded,
    Due { kind: String, content: ReplyContent },
    Sent { kind: String, sid: String },
    Failed { kind: String, reason: String },
    Unknown { kind: String, reason: String },
}

/// Externally tagged (`{"Text": "..."}`), as the domain's enum was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReplyContent {
    Text(String),
    Media {
        url: String,
        caption: String,
    },
    Template {
        content_sid: String,
        variables: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Retry {
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub step_started_ms: Option<u64>,
    #[serde(default)]
    pub not_before_ms: u64,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub verify_first: bool,
}

impl Retry {
    fn is_idle(&self) -> bool {
        *self == Retry::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub sid: String,
    pub received_ms: u64,
    pub body: String,
    pub body_chars: usize,
    pub ticket: TicketStep,
    pub reply: ReplyStep,
    /// Stored as the message's own fields.
    #[serde(flatten)]
    pub retry: Retry,
    #[serde(default)]
    pub total_attempts: u32,
    #[serde(default)]
    pub unverified_comment: Option<(Vec<String>, String)>,
    #[serde(default)]
    pub follow_up_of: Option<u64>,
    #[serde(default)]
    pub skip_triage: bool,
    #[serde(default)]
    pub duplicates: u32,
    #[serde(default)]
    pub finished_ms: Option<u64>,
    #[serde(default)]
    pub delivery: Option<String>,
    #[serde(default)]
    pub media: Vec<MediaItem>,
    #[serde(default)]
    pub location: Option<String>,
    /// Always written from v3 on; absent only in a v1/v2 message (`super::older::v2_to_v3`
    /// fills it in). Absent in a later one: text.
    #[serde(default)]
    pub content: Option<Content>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_locale: bool,
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
        #[serde(default)]
        description: Option<String>,
    },
    Skipped {
        reason: String,
    },
}

/// What a message is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Text,
    Media,
    Location,
    Contact,
    ButtonReply { payload: Option<String> },
    Reaction,
    Other { message_type: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    pub call: Call,
    pub started_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
// Plain data read and written once per save: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
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
    /// Added within v7: the customer's Zendesk user, found or made (`REQUESTER_IDENTITY`). A
    /// v7 gateway before it cannot read a conversation with this call in flight (a rollback
    /// in the moment it is out): it quarantines it and carries on from what `salvage` reads.
    CreateRequester {
        sid: String,
        user: RequesterUser,
    },
}

/// The user a `CreateRequester` call sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequesterUser {
    pub name: String,
    pub external_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phone: Option<String>,
}

/// The ticket a create call sends (kept to send it again after an eviction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTicket {
    pub subject: String,
    pub comment: Comment,
    pub requester: Requester,
    pub tags: Vec<String>,
    pub priority: Priority,
    #[serde(rename = "type")]
    pub ticket_type: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via_followup_source_id: Option<u64>,
    /// Added within v7 (optional): the requester as a Zendesk user (`REQUESTER_IDENTITY`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub requester_id: Option<u64>,
    /// Added within v7 (optional): the channel's brand, group, form and custom fields.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub brand_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub group_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ticket_form_id: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub custom_fields: Vec<CustomField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: u64,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub body: String,
    pub public: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub uploads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requester {
    pub name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub locale_id: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    Normal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AgentReplyState {
    Due { template: bool },
    Sent { template: bool },
    Undeliverable { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentReply {
    pub comment_id: u64,
    pub ticket_id: u64,
    pub text: String,
    pub received_ms: u64,
    pub state: AgentReplyState,
    #[serde(default)]
    pub sent_sids: Vec<String>,
    #[serde(default)]
    pub tried_template: bool,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub delivery: Option<String>,
    #[serde(default)]
    pub error_code: Option<u32>,
    #[serde(default, skip_serializing_if = "Retry::is_idle")]
    pub retry: Retry,
}

/// A file on an agent's comment, as Zendesk listed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: u64,
    pub file_name: String,
    pub content_type: String,
    pub content_url: String,
    #[serde(default)]
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub key: String,
    pub ticket_id: u64,
    pub body: String,
    pub done: bool,
    #[serde(default)]
    pub retry: Retry,
}
