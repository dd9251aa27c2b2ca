//! The operator's view of a conversation's messages (`/admin/messages`, the dashboard): typed,
//! built by free functions from the conversation, outside the machine (reading it changes
//! nothing). No message text; the customer's number masked. The JSON is the admin API's
//! contract: field names and state names are pinned by `the_view_reads_as_the_admin_api_says`.

use crate::core::conversation::{
    AgentReply, AgentReplyState, Conversation, Message, MessageOutcome, ReplyStep, TicketStep,
};
use crate::core::delivery::{DeliveryStatus, ReplyKind};
use serde::{Deserialize, Serialize};

/// Where a message is, for an operator: ordered from arrival to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Arrived; its ticket or comment is next.
    Received,
    /// A step failed for now: it is tried again at `next_attempt_at_ms`.
    WaitingToRetry,
    /// Its ticket step is done; the reply to the customer is next.
    Replying,
    Done,
    /// Its ticket step is done, but the customer's reply failed (or its outcome is unknown).
    DoneReplyFailed,
    /// The ticket or comment could not be made: the customer was told.
    Failed,
    /// Refused on arrival (the customer's queue was full): the customer was asked to resend.
    Refused,
    /// Known only from a stored conversation that could not be read (quarantined).
    Recovered,
}

/// The ticket step as the view shows it (`{"state": "created", "ticket_id": 1001, ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TicketView {
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
        /// The triage rule that asked for details, in words (`triage::Rejection::explain`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
    },
    Failed {
        reason: String,
    },
    QueueFull,
    Recovered,
}

/// The reply step as the view shows it: its kind and state, never its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReplyView {
    Waiting,
    NotNeeded,
    Due { kind: ReplyKind },
    Sent { kind: ReplyKind, sid: String },
    Failed { kind: ReplyKind, reason: String },
    Unknown { kind: ReplyKind, reason: String },
}

/// Where an agent's reply stands, as the view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentReplyStatus {
    /// To send (or being sent) on WhatsApp.
    Due,
    Sent,
    /// Could not be delivered: the agents were told by an internal note on the ticket.
    Undeliverable,
}

/// An agent's public comment on the message's ticket, answering it (between this message and
/// the customer's next one on that ticket): when the gateway learned of it and what became of
/// it, never its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentReplyView {
    pub ticket_id: u64,
    pub received_at_ms: u64,
    pub status: AgentReplyStatus,
    /// Sent (or to be sent) as the approved template (outside WhatsApp's 24-hour window).
    pub template: bool,
    /// Why it could not be delivered.
    pub reason: Option<String>,
    /// Twilio's latest delivery status for it, and its error code.
    pub delivery: Option<DeliveryStatus>,
    pub error_code: Option<u32>,
}

/// Agent replies a message's story lists at most (the first ones after it).
pub const AGENT_REPLIES_SHOWN: usize = 5;

/// What an operator sees for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub message_sid: String,
    /// The customer's number, masked (`+1555***0001`).
    pub customer: String,
    /// The channel it arrived on (`default`: today's variables) and the company's number the
    /// customer last wrote to (a public business number, shown whole).
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub to: Option<String>,
    pub status: MessageStatus,
    pub outcome: MessageOutcome,
    /// What the message is (`text`, `media`, `location`, ...).
    pub content: String,
    /// The language it was read in (absent for a message stored before languages).
    pub language: Option<String>,
    pub received_at_ms: u64,
    pub finished_at_ms: Option<u64>,
    pub body_chars: usize,
    pub ticket: TicketView,
    pub reply: ReplyView,
    pub attempts: u32,
    pub current_step_attempts: u32,
    pub next_attempt_at_ms: Option<u64>,
    pub last_error: Option<String>,
    pub duplicates: u32,
    pub open_ticket_id: Option<u64>,
    /// Its place among the conversation's unfinished messages (0: the next to go).
    pub queue_position: Option<usize>,
    /// Twilio's latest delivery status of the reply to the customer (sent, delivered, read...).
    #[serde(default)]
    pub delivery: Option<DeliveryStatus>,
    /// The agents' replies to it (`AgentReplyView`), oldest first.
    #[serde(default)]
    pub agent_replies: Vec<AgentReplyView>,
}

/// The view of the message with this MessageSid, if the conversation has it.
pub fn message_view(conv: &Conversation, sid: &str, now_ms: u64) -> Option<MessageView> {
    let m = conv.message(sid)?;
    Some(MessageView {
        message_sid: m.sid.clone(),
        customer: conv.masked(),
        channel: conv
            .channel
            .clone()
            .unwrap_or_else(|| crate::core::config::DEFAULT_CHANNEL.to_string()),
        to: conv.receiving.clone(),
        status: status(m, now_ms),
        outcome: MessageOutcome::of(&m.ticket),
        content: m.content.name().to_string(),
        language: m.language.clone(),
        received_at_ms: m.received_ms,
        finished_at_ms: m.finished_ms,
        body_chars: m.body_chars,
        ticket: ticket_view(&m.ticket),
        reply: reply_view(&m.reply),
        attempts: m.total_attempts,
        current_step_attempts: m.retry.attempts,
        next_attempt_at_ms: (m.retry.not_before_ms > now_ms).then_some(m.retry.not_before_ms),
        last_error: m.retry.last_error.clone(),
        duplicates: m.duplicates,
        open_ticket_id: conv.backend.open_ticket().map(|t| t.id),
        queue_position: conv
            .inbound
            .messages
            .iter()
            .filter(|x| !x.is_finished())
            .position(|x| x.sid == sid),
        delivery: m.delivery,
        agent_replies: agent_replies_to(conv, m),
    })
}

/// The agents' replies on `m`'s ticket that answer it: received after it and before the
/// customer's next message on that ticket (that one's story lists what came after).
fn agent_replies_to(conv: &Conversation, m: &Message) -> Vec<AgentReplyView> {
    let Some(ticket) = ticket_of(m) else {
        return Vec::new();
    };
    let next_on_ticket = conv
        .inbound
        .messages
        .iter()
        .filter(|x| x.received_ms > m.received_ms && ticket_of(x) == Some(ticket))
        .map(|x| x.received_ms)
        .min()
        .unwrap_or(u64::MAX);
    let mut replies: Vec<&AgentReply> = conv
        .agents
        .agent_replies
        .iter()
        .filter(|r| {
            r.ticket_id == ticket
                && r.received_ms >= m.received_ms
                && r.received_ms < next_on_ticket
        })
        .collect();
    replies.sort_by_key(|r| r.received_ms);
    replies
        .into_iter()
        .take(AGENT_REPLIES_SHOWN)
        .map(|r| {
            let (status, template, reason) = match &r.state {
                AgentReplyState::Due { template } => (AgentReplyStatus::Due, *template, None),
                AgentReplyState::Sent { template } => (AgentReplyStatus::Sent, *template, None),
                AgentReplyState::Undeliverable { reason } => {
                    (AgentReplyStatus::Undeliverable, false, Some(reason.clone()))
                }
            };
            AgentReplyView {
                ticket_id: r.ticket_id,
                received_at_ms: r.received_ms,
                status,
                template,
                reason,
                delivery: r.delivery,
                error_code: r.error_code,
            }
        })
        .collect()
}

/// The ticket a message was made into or added to.
fn ticket_of(m: &Message) -> Option<u64> {
    match m.ticket {
        TicketStep::Created { ticket_id, .. } | TicketStep::Commented { ticket_id } => {
            Some(ticket_id)
        }
        _ => None,
    }
}

/// The latest messages, newest first, optionally only those that went to one ticket.
pub fn message_views(
    conv: &Conversation,
    now_ms: u64,
    ticket: Option<u64>,
    limit: usize,
) -> Vec<MessageView> {
    let mut ms: Vec<&Message> = conv
        .inbound
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
        .filter_map(|m| message_view(conv, &m.sid, now_ms))
        .collect()
}

fn status(m: &Message, now_ms: u64) -> MessageStatus {
    if m.is_finished() {
        match (&m.ticket, &m.reply) {
            (TicketStep::Failed { .. }, _) => MessageStatus::Failed,
            (TicketStep::QueueFull, _) => MessageStatus::Refused,
            (TicketStep::Recovered, _) => MessageStatus::Recovered,
            (_, ReplyStep::Failed { .. } | ReplyStep::Unknown { .. }) => {
                MessageStatus::DoneReplyFailed
            }
            _ => MessageStatus::Done,
        }
    } else if m.retry.not_before_ms > now_ms {
        MessageStatus::WaitingToRetry
    } else if !matches!(m.ticket, TicketStep::Pending) {
        MessageStatus::Replying
    } else {
        MessageStatus::Received
    }
}

fn ticket_view(step: &TicketStep) -> TicketView {
    match step {
        TicketStep::Pending => TicketView::Pending,
        TicketStep::Created {
            ticket_id,
            follow_up_of,
        } => TicketView::Created {
            ticket_id: *ticket_id,
            follow_up_of: *follow_up_of,
        },
        TicketStep::Commented { ticket_id } => TicketView::Commented {
            ticket_id: *ticket_id,
        },
        TicketStep::Rejected { reason } => TicketView::Rejected {
            reason: reason.clone(),
            rule: crate::core::triage::Rejection::from_name(reason).map(|r| r.explain().into()),
        },
        TicketStep::Failed { reason } => TicketView::Failed {
            reason: reason.clone(),
        },
        TicketStep::QueueFull => TicketView::QueueFull,
        TicketStep::Recovered => TicketView::Recovered,
    }
}

fn reply_view(step: &ReplyStep) -> ReplyView {
    match step {
        ReplyStep::Waiting => ReplyView::Waiting,
        ReplyStep::NotNeeded => ReplyView::NotNeeded,
        ReplyStep::Due { kind, .. } => ReplyView::Due { kind: *kind },
        ReplyStep::Sent { kind, sid } => ReplyView::Sent {
            kind: *kind,
            sid: sid.clone(),
        },
        ReplyStep::Failed { kind, reason } => ReplyView::Failed {
            kind: *kind,
            reason: reason.clone(),
        },
        ReplyStep::Unknown { kind, reason } => ReplyView::Unknown {
            kind: *kind,
            reason: reason.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The dashboard and operators' scripts read these names: a change here is an API change.
    #[test]
    fn the_view_reads_as_the_admin_api_says() {
        let view = MessageView {
            message_sid: "SM1".into(),
            customer: "+1555***1234".into(),
            channel: "acme-es".into(),
            to: Some("+34910000000".into()),
            status: MessageStatus::DoneReplyFailed,
            outcome: MessageOutcome::FollowUpTicket,
            content: "text".into(),
            language: Some("de".into()),
            received_at_ms: 1,
            finished_at_ms: Some(2),
            body_chars: 12,
            ticket: TicketView::Created {
                ticket_id: 1001,
                follow_up_of: Some(1000),
            },
            reply: ReplyView::Failed {
                kind: ReplyKind::TicketCreated,
                reason: "http 400".into(),
            },
            attempts: 3,
            current_step_attempts: 1,
            next_attempt_at_ms: None,
            last_error: Some("http 400".into()),
            duplicates: 0,
            open_ticket_id: Some(1001),
            queue_position: None,
            delivery: Some(DeliveryStatus::Read),
            agent_replies: vec![AgentReplyView {
                ticket_id: 1001,
                received_at_ms: 3,
                status: AgentReplyStatus::Undeliverable,
                template: false,
                reason: Some("twilio 63016".into()),
                delivery: Some(DeliveryStatus::Failed),
                error_code: Some(63016),
            }],
        };
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            json!({
                "message_sid": "SM1", "customer": "+1555***1234", "channel": "acme-es",
                "to": "+34910000000", "status": "done_reply_failed",
                "outcome": "follow_up_ticket", "content": "text", "language": "de",
                "received_at_ms": 1, "finished_at_ms": 2, "body_chars": 12,
                "ticket": {"state": "created", "ticket_id": 1001, "follow_up_of": 1000},
                "reply": {"state": "failed", "kind": "ticket_created", "reason": "http 400"},
                "attempts": 3, "current_step_attempts": 1, "next_attempt_at_ms": null,
                "last_error": "http 400", "duplicates": 0, "open_ticket_id": 1001,
                "queue_position": null, "delivery": "read",
                "agent_replies": [{"ticket_id": 1001, "received_at_ms": 3, "status": "undeliverable",
                    "template": false, "reason": "twilio 63016", "delivery": "failed",
                    "error_code": 63016}]
            })
        );
        for (status, name) in [
            (MessageStatus::Received, "received"),
            (MessageStatus::WaitingToRetry, "waiting_to_retry"),
            (MessageStatus::Replying, "replying"),
            (MessageStatus::Done, "done"),
            (MessageStatus::Failed, "failed"),
            (MessageStatus::Refused, "refused"),
            (MessageStatus::Recovered, "recovered"),
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), json!(name));
        }
        assert_eq!(
            serde_json::to_value(ReplyView::Due {
                kind: ReplyKind::MoreDetails
            })
            .unwrap(),
            json!({"state": "due", "kind": "more_details"})
        );
    }

    /// A message asked for details says which triage rule asked, in words (never the
    /// customer's); a reason stored before the rules had names is shown as it was.
    #[test]
    fn a_rejected_message_says_which_rule_asked_for_details() {
        let step = TicketStep::Rejected {
            reason: "little_content".into(),
        };
        assert_eq!(
            serde_json::to_value(ticket_view(&step)).unwrap(),
            json!({"state": "rejected", "reason": "little_content",
                   "rule": "a single word beyond greetings and pleasantries, naming no problem"})
        );
        let old = TicketStep::Rejected {
            reason: "something_else".into(),
        };
        assert_eq!(
            serde_json::to_value(ticket_view(&old)).unwrap(),
            json!({"state": "rejected", "reason": "something_else"})
        );
    }

    fn message(sid: &str, received_ms: u64, ticket: TicketStep) -> Message {
        Message {
            sid: sid.into(),
            received_ms,
            body_chars: 20,
            ticket,
            reply: ReplyStep::Sent {
                kind: ReplyKind::CommentAdded,
                sid: format!("SMreply{sid}"),
            },
            retry: crate::core::conversation::Retry::default(),
            total_attempts: 2,
            unverified_comment: None,
            follow_up_of: None,
            skip_triage: false,
            duplicates: 0,
            finished_ms: Some(received_ms + 500),
            delivery: Some(DeliveryStatus::Delivered),
            content: crate::core::conversation::Content::Text {
                text: String::new(),
            },
            language: Some("de".into()),
            without_locale: false,
            facts: Default::default(),
        }
    }

    fn agent_reply(
        comment_id: u64,
        ticket_id: u64,
        received_ms: u64,
        state: AgentReplyState,
    ) -> AgentReply {
        AgentReply {
            comment_id,
            ticket_id,
            text: "the agent's words".into(),
            received_ms,
            state,
            sent_sids: Vec::new(),
            tried_template: false,
            attachments: Vec::new(),
            delivery: Some(DeliveryStatus::Read),
            error_code: None,
            retry: crate::core::conversation::Retry::default(),
        }
    }

    /// A message's story (the dashboard's timeline) carries the reply's delivery and the
    /// agents' replies that answer it: on its ticket, after it, before the customer's next
    /// message there; never an agent's text.
    #[test]
    fn a_story_has_the_delivery_and_the_agents_replies_to_that_message() {
        use crate::core::form::Sender;
        let mut conv = Conversation::new(Sender::Phone("+15550001234".into()));
        conv.inbound.messages = vec![
            message(
                "SM1",
                1_000,
                TicketStep::Created {
                    ticket_id: 7,
                    follow_up_of: None,
                },
            ),
            message("SM2", 5_000, TicketStep::Commented { ticket_id: 7 }),
            message(
                "SM3",
                6_000,
                TicketStep::Created {
                    ticket_id: 8,
                    follow_up_of: None,
                },
            ),
        ];
        conv.agents.agent_replies = vec![
            agent_reply(1, 7, 2_000, AgentReplyState::Sent { template: false }),
            agent_reply(
                2,
                7,
                3_000,
                AgentReplyState::Undeliverable {
                    reason: "twilio 63016".into(),
                },
            ),
            agent_reply(3, 7, 7_000, AgentReplyState::Due { template: true }),
            agent_reply(4, 8, 2_500, AgentReplyState::Sent { template: false }),
        ];
        let first = message_view(&conv, "SM1", 10_000).unwrap();
        assert_eq!(first.delivery, Some(DeliveryStatus::Delivered));
        let replies: Vec<(u64, AgentReplyStatus)> = first
            .agent_replies
            .iter()
            .map(|r| (r.received_at_ms, r.status))
            .collect();
        assert_eq!(
            replies,
            [
                (2_000, AgentReplyStatus::Sent),
                (3_000, AgentReplyStatus::Undeliverable)
            ],
            "ticket 7's replies before SM2, not ticket 8's"
        );
        assert_eq!(
            first.agent_replies[1].reason.as_deref(),
            Some("twilio 63016")
        );
        assert_eq!(first.agent_replies[0].delivery, Some(DeliveryStatus::Read));
        let second = message_view(&conv, "SM2", 10_000).unwrap();
        assert_eq!(second.agent_replies.len(), 1);
        assert!(second.agent_replies[0].template);
        assert!(message_view(&conv, "SM3", 10_000)
            .unwrap()
            .agent_replies
            .is_empty());
        assert!(!serde_json::to_string(&first)
            .unwrap()
            .contains("agent's words"));
    }
}
