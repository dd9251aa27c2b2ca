//! The operator's views of a conversation's messages (`/admin/messages`): no text, the number
//! masked. Read-only: nothing here changes the machine.

use super::*;

impl Conversation {
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
                (TicketStep::QueueFull, _) => "refused",
                (TicketStep::Recovered, _) => "recovered",
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
            "content": m.content.name(),
            // The language it was read in (absent for a message stored before languages).
            "language": m.language,
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
