//! The typed edges between the Worker and its Durable Objects: every request a handler sends to
//! an object, and every answer, as one type per object. The wire form is JSON in one
//! `POST https://<object>/` (the object dispatches on `kind`); a 2xx answer carries the typed
//! answer, anything else is an error the caller reports (never read as "not found").
//!
//! Both sides use these types (`conversation_do`, `metrics_do`, `message_index` in the shell),
//! so a field renamed on one side is a compile error, not a silently ignored request.

use crate::core::form::InboundMessage;
use crate::core::message_view::MessageView;
use crate::core::metrics::{Delta, DirectoryKey, Metrics};
use crate::core::metrics_series::Hour;
use crate::core::ticket_owner::TicketEvent;
use serde::{Deserialize, Serialize};

/// To a customer's Conversation Durable Object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConversationRequest {
    /// A customer's message from the webhook: stored (or recognised as a duplicate).
    Accept {
        message: Box<InboundMessage>,
        /// The public origin of the signed webhook URL (for status callbacks).
        origin: String,
        /// When the webhook arrived (ms): the acknowledgement is timed from there.
        received_at_ms: Option<u64>,
    },
    /// Zendesk says a ticket changed: taken by the conversation that owns it (the owner tells
    /// the agents once when its requester no longer names the customer who wrote).
    AgentEvent(TicketEvent),
    /// Twilio reports a failed delivery of a message this conversation sent.
    DeliveryStatus {
        sid: String,
        status: crate::core::delivery::DeliveryStatus,
        error_code: Option<u32>,
        /// The customer's message the reply answered, when the callback URL says (its row is
        /// read with the conversation when it is archived).
        #[serde(default)]
        message_sid: Option<String>,
    },
    /// The operator's view of one message.
    Message { sid: String },
    /// The operator's view of the latest messages (of one ticket).
    Messages { ticket: Option<u64> },
    /// Forget the customer: everything this conversation stores is deleted (`Erased` says
    /// what the look-ups still hold about it, for the caller to remove).
    Erase,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum ConversationAnswer {
    Accepted {
        duplicate: bool,
    },
    /// The event was stored.
    Applied,
    /// The event names a ticket this conversation does not know yet while it is making a
    /// ticket (Zendesk's answer to the create may still be on its way): kept, and read if the
    /// ticket becomes known. Not a claim of ownership: the caller looks for the owner elsewhere.
    Kept,
    /// The conversation neither knows the ticket nor is making one: not its event.
    NotOwner,
    /// No conversation is stored under this object (nothing was created).
    UnknownConversation,
    Message {
        view: Option<Box<MessageView>>,
    },
    Messages {
        views: Vec<MessageView>,
    },
    /// What the erased conversation was known by elsewhere (its messages' SIDs, its tickets,
    /// the customer's masked number and user id); empty when nothing was stored.
    Erased(Box<ErasedConversation>),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErasedConversation {
    pub existed: bool,
    pub sids: Vec<String>,
    pub tickets: Vec<u64>,
    pub masked: Option<String>,
    pub user_id: Option<String>,
    pub channel: Option<String>,
}

/// To a metrics shard (which also keeps the operators' directory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetricsRequest {
    Record {
        delta: Delta,
    },
    Read,
    /// The shard's hours of per-minute activity within the last day.
    Series,
    /// `Read` and `Series` in one request: the dashboard's refresh asks each shard once.
    Overview,
    Directory {
        key: DirectoryKey,
    },
    /// Forget a conversation (its customer was erased): these directory entries, where they
    /// lead to it, and the recent messages and pending-retry gauge that name it.
    Forget {
        conversation: String,
        keys: Vec<DirectoryKey>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum MetricsAnswer {
    Recorded,
    Metrics {
        metrics: Box<Metrics>,
    },
    Hours {
        hours: Vec<Hour>,
    },
    Overview {
        metrics: Box<Metrics>,
        hours: Vec<Hour>,
    },
    Conversations {
        ids: Vec<String>,
    },
    Forgotten,
}

/// To a shard of the earlier versions' look-up index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexRequest {
    /// Claims a MessageSid for a conversation (a sender not pinned by WaId).
    Claim { sid: String, conversation: String },
    /// The conversation of a MessageSid or a ticket key.
    Lookup { key: String },
    /// The conversations kept under a masked number.
    Members { key: String },
    /// Removes `key` where it leads to `conversation` (a customer was erased), and the
    /// conversation from the set under `key` (a masked number).
    Forget { key: String, conversation: String },
    /// Links a customer's WhatsApp user id (`key`) to `conversation` unless it is linked
    /// already; answers `Found` with the conversation it is linked to (one round trip).
    Link { key: String, conversation: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum IndexAnswer {
    Claimed,
    OwnedByAnother,
    Found { conversation: Option<String> },
    Members { ids: Vec<String> },
    Forgotten,
}

// Names for errors about an unexpected answer: a `Debug` format would pull the whole string
// escaping machinery into the wasm bundle (measured: ~37 KB) for a line nobody should see.
impl ConversationAnswer {
    pub fn name(&self) -> &'static str {
        match self {
            ConversationAnswer::Accepted { .. } => "accepted",
            ConversationAnswer::Applied => "applied",
            ConversationAnswer::Kept => "kept",
            ConversationAnswer::NotOwner => "not_owner",
            ConversationAnswer::UnknownConversation => "unknown_conversation",
            ConversationAnswer::Message { .. } => "message",
            ConversationAnswer::Messages { .. } => "messages",
            ConversationAnswer::Erased(_) => "erased",
        }
    }
}

impl MetricsAnswer {
    pub fn name(&self) -> &'static str {
        match self {
            MetricsAnswer::Recorded => "recorded",
            MetricsAnswer::Metrics { .. } => "metrics",
            MetricsAnswer::Hours { .. } => "hours",
            MetricsAnswer::Overview { .. } => "overview",
            MetricsAnswer::Conversations { .. } => "conversations",
            MetricsAnswer::Forgotten => "forgotten",
        }
    }
}

impl IndexAnswer {
    pub fn name(&self) -> &'static str {
        match self {
            IndexAnswer::Claimed => "claimed",
            IndexAnswer::OwnedByAnother => "owned_by_another",
            IndexAnswer::Found { .. } => "found",
            IndexAnswer::Members { .. } => "members",
            IndexAnswer::Forgotten => "forgotten",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(v: T) {
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<T>(&text).unwrap(), v, "{text}");
    }

    #[test]
    fn every_request_and_answer_survives_the_wire() {
        round_trip(ConversationRequest::AgentEvent(TicketEvent {
            ticket_id: 5,
            ..TicketEvent::default()
        }));
        round_trip(ConversationRequest::AgentEvent(TicketEvent {
            ticket_id: 5,
            requester_email: Some("+15550001234@example.com".into()),
            requester_id: Some(9),
            made_from: Some("SM0123456789abcdef0123456789abcdef".into()),
            requester_external_id: Some("whatsapp:+15550001234".into()),
            carried: Some(crate::core::ticket_owner::Carried {
                event_id: "2b24ef10-19d4-4740-93cf-8f98ec4776c0".into(),
                comment: Some(crate::core::zendesk_event::EventComment {
                    id: 50001,
                    body: Some("On its way".into()),
                    public: Some(true),
                    author_id: Some(7001),
                    author_is_staff: Some(true),
                    has_attachments: false,
                }),
                merged_into: Some(1002),
                at_ms: Some(1_800_000_000_000),
                status: Some("solved".into()),
                spam: true,
            }),
        }));
        // The form of earlier versions (the ticket id alone) is still read.
        let old: ConversationRequest =
            serde_json::from_str(r#"{"kind":"agent_event","ticket_id":5}"#).unwrap();
        assert_eq!(
            old,
            ConversationRequest::AgentEvent(TicketEvent {
                ticket_id: 5,
                ..TicketEvent::default()
            })
        );
        round_trip(ConversationAnswer::NotOwner);
        round_trip(ConversationRequest::Messages { ticket: None });
        round_trip(ConversationRequest::DeliveryStatus {
            sid: "SM1".into(),
            status: crate::core::delivery::DeliveryStatus::Failed,
            error_code: Some(63016),
            message_sid: Some("SM1".into()),
        });
        round_trip(ConversationAnswer::Accepted { duplicate: true });
        round_trip(ConversationAnswer::Message { view: None });
        round_trip(MetricsRequest::Directory {
            key: DirectoryKey::Masked("+1555***0001".into()),
        });
        round_trip(MetricsAnswer::Conversations {
            ids: vec!["ab".into()],
        });
        round_trip(IndexRequest::Claim {
            sid: "SM1".into(),
            conversation: "ab".into(),
        });
        round_trip(IndexAnswer::Found { conversation: None });
        round_trip(IndexRequest::Link {
            key: "user:default:US.1".into(),
            conversation: "abc".into(),
        });
        // What a shard answers once it has seen traffic (maps and lists nested in tagged enums).
        let mut metrics = Metrics::default();
        let mut delta = Delta::default();
        delta.counters.insert("received".into(), 2);
        delta.ack_ms = vec![12, 900];
        delta.pending = Some(("c".into(), 1));
        delta.directory.push(crate::core::metrics::DirectoryEntry {
            key: DirectoryKey::Message("SM1".into()),
            conversation: "c".into(),
        });
        metrics.apply(delta, 7_200_000);
        assert!(metrics.current_hour.is_some() && !metrics.recent.is_empty());
        round_trip(MetricsAnswer::Hours {
            hours: metrics.current_hour.clone().into_iter().collect(),
        });
        round_trip(MetricsRequest::Overview);
        round_trip(MetricsAnswer::Overview {
            metrics: Box::new(metrics.clone()),
            hours: metrics.current_hour.clone().into_iter().collect(),
        });
        round_trip(MetricsAnswer::Metrics {
            metrics: Box::new(metrics),
        });
        // The tag names the variant: a request for another object is refused, not guessed.
        let text = serde_json::to_string(&MetricsRequest::Read).unwrap();
        assert!(serde_json::from_str::<ConversationRequest>(&text).is_err());
    }
}

/// To the account's Zendesk API budget (`budget_do`, one object): a conversation's ask, or the
/// operators' reading of the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BudgetRequest {
    /// A slot (or a report), under the conversation's reading of the settings (the account's
    /// own: the same in every conversation).
    Ask {
        ask: crate::core::api_budget::SlotAsk,
        settings: crate::core::api_budget::BudgetSettings,
    },
    /// The budget as the metrics show it.
    Read {
        settings: crate::core::api_budget::BudgetSettings,
    },
}

/// Tagged `edge` (a slot answer carries its own `answer` tag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edge", rename_all = "snake_case")]
pub enum BudgetAnswer {
    Slot(crate::core::api_budget::SlotAnswer),
    Report(serde_json::Value),
}
