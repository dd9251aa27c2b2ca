//! Version 7 of the stored form: v6 (`super::v5`'s types) with each message's content an enum
//! that carries its data. A v6 message kept the text (`body`), the files (`media`) and a
//! location already turned into text (`location`) beside a bare label (`content`); a v7 message
//! has one `content` holding what its kind has: the text, the files with their caption, the
//! place with its coordinates, the contact cards, the pressed button's text and payload, the
//! reaction's emoji. The kinds keep their v6 names (`"kind": "media"` for files), so logs, the
//! admin API and metrics name them as before. Everything else is v6's, reused.

pub use super::v5::{
    AgentReply, AgentReplyState, Attachment, Call, Comment, CustomField, EarlyAgentEvent, InFlight,
    KnownTicket, MediaItem, MediaState, NewTicket, Note, OpenTicket, Priority, ReplyContent,
    ReplyStep, Requester, RequesterUser, Retry, TicketStep, Timer, Wake,
};
use serde::{Deserialize, Serialize};

/// A v7 conversation: v6's with v7's messages.
pub type Conversation = super::v5::Conversation<Message>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub sid: String,
    pub received_ms: u64,
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
    pub content: Content,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub without_locale: bool,
    /// Added within v7: what its finished event reports for the history (absent before).
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Facts,
}

/// A message's acknowledgement time, ticket priority and failure key (`conversation::Facts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        self.ack_ms.is_none() && self.priority.is_none() && self.failure.is_none()
    }
}

/// What a message is, with its data. Text, files and place are left out once empty: a
/// finished message keeps none of the customer's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Text {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    /// Files with their caption (v6's `media`).
    Media {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        caption: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<MediaItem>,
    },
    Location {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<Place>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    Contact {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        cards: Vec<MediaItem>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    ButtonReply {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
        #[serde(default)]
        payload: Option<String>,
    },
    Reaction {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        emoji: String,
    },
    Other {
        message_type: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<MediaItem>,
        /// A pressed button's payload, when the message carried what a button reply cannot
        /// hold. Optional within v7: a v7 gateway that predates it ignores it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payload: Option<String>,
    },
}

/// A shared location: coordinates as Twilio sent them (checked to be numbers), and its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub latitude: String,
    pub longitude: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}
