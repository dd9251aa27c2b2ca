//! Twilio's delivery statuses for the messages the gateway sends: what a status callback is
//! about (carried in its URL, which Twilio signs) and which statuses are failures.

use serde::{Deserialize, Serialize};

/// What a message sent to the customer was, carried in its status callback URL: the Worker
/// logs a delivery status that changes nothing (`sent`, `delivered`, `read`) from this alone,
/// and only a failure wakes the conversation (it writes a note for the agents, or retries with
/// the template). Saves a Durable Object request and a storage write per status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryAbout {
    /// The gateway's own reply to a customer message (confirmation, details, apology...).
    GatewayReply {
        message_sid: String,
        kind: ReplyKind,
    },
    /// An agent's public comment, sent on.
    AgentReply { ticket_id: u64, comment_id: u64 },
}

impl DeliveryAbout {
    pub fn to_query(&self) -> String {
        let pairs: Vec<(&str, String)> = match self {
            DeliveryAbout::GatewayReply { message_sid, kind } => {
                vec![("m", message_sid.clone()), ("k", kind.as_str().to_string())]
            }
            DeliveryAbout::AgentReply {
                ticket_id,
                comment_id,
            } => vec![("t", ticket_id.to_string()), ("cm", comment_id.to_string())],
        };
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// From the callback URL's query pairs; `None` for a callback URL made before this existed.
    pub fn from_query(pairs: &[(String, String)]) -> Option<DeliveryAbout> {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let short =
            |v: &str| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if let (Some(t), Some(c)) = (get("t"), get("cm")) {
            return Some(DeliveryAbout::AgentReply {
                ticket_id: t.parse().ok()?,
                comment_id: c.parse().ok()?,
            });
        }
        match (get("m"), get("k")) {
            (Some(m), Some(k)) if short(m) => Some(DeliveryAbout::GatewayReply {
                message_sid: m.to_string(),
                kind: ReplyKind::parse(k)?,
            }),
            _ => None,
        }
    }
}

/// The customer's masked number (`+1555***0001`), carried in the callback URL too, so the
/// Worker's `delivery.status` line names the customer as every other line does.
pub fn customer_query(masked: &str) -> String {
    serde_urlencoded::to_string([("f", masked)]).unwrap_or_default()
}

/// The masked number from a callback URL's query; only a masked form is taken (never a
/// full number, whatever the URL says).
pub fn customer_from_query(pairs: &[(String, String)]) -> Option<&str> {
    pairs
        .iter()
        .find(|(n, _)| n == "f")
        .map(|(_, v)| v.as_str())
        .filter(|v| {
            v.len() <= 48
                && v.contains("***")
                && v.bytes().all(|b| b.is_ascii_graphic())
                && v.bytes().filter(u8::is_ascii_digit).count() <= 8
        })
}

/// Twilio's message statuses (Messages resource, `status`, as status callbacks send them:
/// <https://www.twilio.com/docs/messaging/api/message-resource#message-status-values>), read
/// once at the edge; what a status means for a reply is its `rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Accepted,
    Scheduled,
    Canceled,
    Queued,
    Sending,
    Sent,
    Failed,
    Delivered,
    Undelivered,
    Receiving,
    Received,
    Read,
    PartiallyDelivered,
    /// A status this version does not know (stored by another version, or cut short by an
    /// older one's compaction): ranks 0, so that it never hides a later status.
    #[serde(other)]
    Unrecognised,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 13] = [
        DeliveryStatus::Accepted,
        DeliveryStatus::Scheduled,
        DeliveryStatus::Canceled,
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Delivered,
        DeliveryStatus::Undelivered,
        DeliveryStatus::Receiving,
        DeliveryStatus::Received,
        DeliveryStatus::Read,
        DeliveryStatus::PartiallyDelivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Accepted => "accepted",
            DeliveryStatus::Scheduled => "scheduled",
            DeliveryStatus::Canceled => "canceled",
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Undelivered => "undelivered",
            DeliveryStatus::Receiving => "receiving",
            DeliveryStatus::Received => "received",
            DeliveryStatus::Read => "read",
            DeliveryStatus::PartiallyDelivered => "partially_delivered",
            DeliveryStatus::Unrecognised => "unrecognised",
        }
    }

    /// One of Twilio's statuses, or `None` (the webhook answers 400 naming the field).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// How far along a sent message is: statuses arrive out of order, and one that is not
    /// further than the last one known changes nothing (a late `sent` after `read`, a second
    /// failure). The failures are last: after one, nothing is delivered. Statuses of inbound
    /// messages (`receiving`, `received`) and MMS-only ones rank 0.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Accepted | DeliveryStatus::Scheduled | DeliveryStatus::Queued => 1,
            DeliveryStatus::Sending => 2,
            DeliveryStatus::Sent => 3,
            DeliveryStatus::Delivered => 4,
            DeliveryStatus::Read => 5,
            DeliveryStatus::Undelivered | DeliveryStatus::Failed | DeliveryStatus::Canceled => 6,
            DeliveryStatus::Receiving
            | DeliveryStatus::Received
            | DeliveryStatus::PartiallyDelivered
            | DeliveryStatus::Unrecognised => 0,
        }
    }

    /// Twilio will not deliver the message (the conversation must know).
    pub fn is_failure(self) -> bool {
        matches!(self, DeliveryStatus::Failed | DeliveryStatus::Undelivered)
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the gateway's own reply to a customer message was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// The confirmation with the new ticket's number.
    TicketCreated,
    /// The same, as the approved Content template (`TWILIO_CONTENT_SID`).
    TicketCreatedTemplate,
    /// The confirmation that the message was added to the open ticket.
    CommentAdded,
    /// Triage asked for more details.
    MoreDetails,
    /// The ticket could not be made: the apology.
    Apology,
    /// The customer's queue was full: asked to send it again once answered.
    QueueFull,
    /// The out-of-hours text alone (a follow-up that needs no other answer); with a
    /// confirmation it rides in the confirmation's text.
    OutOfHours,
    /// The acknowledgement of an opt-out word.
    OptOut,
    /// The acknowledgement of an opt-in word.
    OptIn,
    /// The thanks for a satisfaction rating (`core::csat`).
    CsatThanks,
    /// A kind this version does not know (stored by a newer one, read after a rollback).
    #[serde(other)]
    Unrecognised,
}

impl ReplyKind {
    const ALL: [ReplyKind; 10] = [
        ReplyKind::TicketCreated,
        ReplyKind::TicketCreatedTemplate,
        ReplyKind::CommentAdded,
        ReplyKind::MoreDetails,
        ReplyKind::Apology,
        ReplyKind::QueueFull,
        ReplyKind::OutOfHours,
        ReplyKind::OptOut,
        ReplyKind::OptIn,
        ReplyKind::CsatThanks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::TicketCreated => "ticket_created",
            ReplyKind::TicketCreatedTemplate => "ticket_created_template",
            ReplyKind::CommentAdded => "comment_added",
            ReplyKind::MoreDetails => "more_details",
            ReplyKind::Apology => "apology",
            ReplyKind::QueueFull => "queue_full",
            ReplyKind::OutOfHours => "out_of_hours",
            ReplyKind::OptOut => "opt_out",
            ReplyKind::OptIn => "opt_in",
            ReplyKind::CsatThanks => "csat_thanks",
            ReplyKind::Unrecognised => "unrecognised",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// In a sentence for the agents ("the gateway's ticket created message").
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }
}

impl std::fmt::Display for ReplyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_about_travels_in_the_callback_url() {
        for about in [
            DeliveryAbout::GatewayReply {
                message_sid: "SM0123".into(),
                kind: ReplyKind::TicketCreated,
            },
            DeliveryAbout::AgentReply {
                ticket_id: 7,
                comment_id: 99,
            },
        ] {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_str(&about.to_query()).unwrap();
            assert_eq!(DeliveryAbout::from_query(&pairs), Some(about));
        }
        let odd = vec![
            ("m".to_string(), "SM 1".to_string()),
            ("k".into(), "x".into()),
        ];
        assert_eq!(DeliveryAbout::from_query(&odd), None);
        let unknown_kind = vec![
            ("m".to_string(), "SM1".to_string()),
            ("k".into(), "x".into()),
        ];
        assert_eq!(DeliveryAbout::from_query(&unknown_kind), None);
        assert!(DeliveryStatus::Undelivered.is_failure() && !DeliveryStatus::Read.is_failure());
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&customer_query("+1555***0001")).unwrap();
        assert_eq!(customer_from_query(&pairs), Some("+1555***0001"));
        let full = vec![("f".to_string(), "+15550001234".to_string())];
        assert_eq!(customer_from_query(&full), None, "never a full number");
    }

    #[test]
    fn statuses_and_kinds_read_as_twilio_and_the_stored_form_write_them() {
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert_eq!(DeliveryStatus::parse("delivered "), None);
        assert_eq!(
            DeliveryStatus::parse("unrecognised"),
            None,
            "never from Twilio"
        );
        // A stored status this version does not know (an older version cut
        // "partially_delivered" to 16 bytes) still reads: a conversation is never lost to it.
        let stored: DeliveryStatus = serde_json::from_str("\"partially_delive\"").unwrap();
        assert_eq!(stored, DeliveryStatus::Unrecognised);
        assert!(DeliveryStatus::Read.rank() > DeliveryStatus::Sent.rank());
        assert_eq!(
            DeliveryStatus::Failed.rank(),
            DeliveryStatus::Undelivered.rank(),
            "a second failure is no news"
        );
        for kind in ReplyKind::ALL {
            assert_eq!(ReplyKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
    }
}
