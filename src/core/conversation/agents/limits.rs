//! What the agents' side may hold: the replies waiting to be sent (a reply past the budget is
//! undeliverable on arrival, the agents told by a note), what a settled reply keeps, and the
//! comment ids seen (`budget` adds the parts up).

use super::*;
use crate::core::conversation::attempts::keep_recent;
use crate::core::conversation::sizes::{clip_json, json_len, stored_len};

/// What the agents' replies waiting to be sent may cost together (`AgentReply::pending_cost`):
/// a check that finds more is not held; each reply past it is undeliverable, the agents told.
/// One reply of Zendesk's largest comment (about 65,000 characters) fits when it is plain text.
pub const AGENT_PENDING_BUDGET_BYTES: usize = 64 * 1024;
/// What a pending reply may gain while it is sent: errors, delivery status, retry bookkeeping.
const AGENT_REPLY_ALLOWANCE_BYTES: usize = 1024;
/// And per WhatsApp message it is sent as: its Twilio SID.
const AGENT_PART_ALLOWANCE_BYTES: usize = 40;
/// The most a settled agent's reply takes stored without what the newest keep
/// (`AgentReply::let_go`).
pub const SETTLED_REPLY_MAX_BYTES: usize = 480;
/// Settled agents' replies kept (for a week at most, as finished messages are).
pub const KEEP_SETTLED_REPLIES_MAX: usize = 100;
/// What the newest settled replies keep beyond that, together: the text their template fallback
/// needs (cut as the template's variable is), their files' names (for the note when the template
/// goes without them), their parts' SIDs (to match a failed delivery). The oldest let go first.
pub const SETTLED_KEPT_BUDGET_BYTES: usize = 16 * 1024;
/// SIDs a settled reply keeps once let go (a failure of a later part then finds no reply).
const SETTLED_SIDS_KEPT: usize = 2;

/// What the agents' replies take at most: those pending, the newest settled ones' kept texts,
/// and `KEEP_SETTLED_REPLIES_MAX` settled ones in compact form. (A settled reply falling back
/// to the template is pending again with its kept text: it moves from one part to the other.)
pub const AGENT_REPLIES_BYTES: usize = AGENT_PENDING_BUDGET_BYTES
    + SETTLED_KEPT_BUDGET_BYTES
    + KEEP_SETTLED_REPLIES_MAX * SETTLED_REPLY_MAX_BYTES;

impl AgentReply {
    /// What this pending reply takes of `AGENT_PENDING_BUDGET_BYTES`: its stored JSON (text,
    /// files), and an allowance for what it gains until it is sent.
    pub fn pending_cost(&self) -> usize {
        stored_len(&crate::core::stored::v5::AgentReply::from(self))
            + AGENT_REPLY_ALLOWANCE_BYTES
            + AGENT_PART_ALLOWANCE_BYTES * parts_of(self).len().max(1)
    }

    /// Whether a 63016 (window closed) failure of its free text can still fall back to the
    /// template (`fall_back_to_template`): sent as free text, template not tried, not known
    /// delivered.
    fn may_fall_back(&self) -> bool {
        matches!(self.state, AgentReplyState::Sent { template: false })
            && !self.tried_template
            && self.delivery.map_or(0, DeliveryStatus::rank) < DeliveryStatus::Delivered.rank()
    }

    /// A settled reply keeps only what may still be needed: the template's variable (the text
    /// cut as `outbound_request` cuts it) and the files' names while a fallback may come, else
    /// nothing of the agent's content.
    pub(in crate::core::conversation) fn compact_settled(&mut self) {
        if self.may_fall_back() {
            let cut = twilio::take_utf16(&self.text, TEMPLATE_TEXT_CHARS).len();
            self.text.truncate(cut);
            for a in &mut self.attachments {
                a.content_url.clear();
                a.content_type.clear();
                clip_json(&mut a.file_name, 120);
            }
        } else {
            self.let_go();
        }
        self.retry = Retry::default();
        if let AgentReplyState::Undeliverable { reason } = &mut self.state {
            clip_json(reason, 100);
        }
    }

    /// The compact form (at most `SETTLED_REPLY_MAX_BYTES`): no text, no files, the first
    /// SIDs; and no template fallback any more (there is no text left to put in it).
    fn let_go(&mut self) {
        self.text.clear();
        self.attachments.clear();
        self.tried_template = true;
        self.sent_sids.truncate(SETTLED_SIDS_KEPT);
        for sid in &mut self.sent_sids {
            clip_json(sid, 40);
        }
    }

    /// What it keeps beyond the compact form.
    fn kept_bytes(&self) -> usize {
        json_len(&self.text)
            + stored_len(&self.attachments)
            + self
                .sent_sids
                .iter()
                .skip(SETTLED_SIDS_KEPT)
                .map(|s| json_len(s) + 3)
                .sum::<usize>()
    }
}

impl AgentSide {
    /// Forgets settled agents' replies (kept for a week, at most `KEEP_SETTLED_REPLIES_MAX`)
    /// and written notes (at most `KEEP_FINISHED_MAX`), the oldest going first.
    pub(in crate::core::conversation) fn prune(&mut self, now_ms: u64) {
        keep_recent(
            &mut self.agent_replies,
            |r| r.is_settled().then_some(r.received_ms),
            |at| at.is_none_or(|t| t + KEEP_FINISHED_MS > now_ms),
            KEEP_SETTLED_REPLIES_MAX,
        );
        keep_recent(
            &mut self.notes,
            |n| n.done.then_some(0),
            |_| true,
            KEEP_FINISHED_MAX,
        );
        self.compact_settled_replies();
    }

    /// Agents' replies waiting for a retry (a metrics gauge).
    pub(in crate::core::conversation) fn pending_retries(&self, now_ms: u64) -> usize {
        self.agent_replies
            .iter()
            // A satisfaction question held before its first try is not a retry.
            .filter(|r| r.retry.attempts > 0 && r.retry.not_before_ms > now_ms)
            .count()
    }
}

impl AgentSide {
    /// What the agents' replies waiting to be sent cost together (`AgentReply::pending_cost`).
    pub fn pending_agent_bytes(&self) -> usize {
        self.agent_replies
            .iter()
            .filter(|r| !r.is_settled())
            .map(AgentReply::pending_cost)
            .sum()
    }

    /// Settled replies compacted; the newest keep their fallback's text within
    /// `SETTLED_KEPT_BUDGET_BYTES`, the older ones let it go.
    pub(in crate::core::conversation) fn compact_settled_replies(&mut self) {
        let mut kept = 0;
        for r in self
            .agent_replies
            .iter_mut()
            .rev()
            .filter(|r| r.is_settled())
        {
            r.compact_settled();
            let extra = r.kept_bytes();
            if kept + extra <= SETTLED_KEPT_BUDGET_BYTES {
                kept += extra;
            } else {
                r.let_go();
            }
        }
    }
}

impl AgentSide {
    /// Takes a new agent's reply if it fits in `AGENT_PENDING_BUDGET_BYTES` with those waiting;
    /// else it is recorded undeliverable and the agents are told why (an internal note).
    pub(in crate::core::conversation) fn take_agent_reply(
        &mut self,
        reply: AgentReply,
        events: &mut Vec<DomainEvent>,
    ) {
        self.compact_settled_replies();
        let waiting = self.pending_agent_bytes();
        let cost = reply.pending_cost();
        // An agent's reply goes before a satisfaction question not yet tried: "Submit as
        // Solved" with a reply reaches the gateway as two events in either order, and the
        // customer reads the answer, then the question (`csat::QUESTION_HOLD_MS`).
        let before_question = if crate::core::csat::question_of(reply.comment_id).is_none() {
            self.agent_replies
                .iter()
                .position(|r| crate::core::csat::question_of(r.comment_id).is_some() && r.untried())
        } else {
            None
        };
        let at = before_question.unwrap_or(self.agent_replies.len());
        self.agent_replies.insert(at, reply);
        if waiting + cost <= AGENT_PENDING_BUDGET_BYTES {
            return;
        }
        let cause = Cause::TooLarge {
            bytes: cost,
            waiting_bytes: waiting,
            budget_bytes: AGENT_PENDING_BUDGET_BYTES,
        };
        self.undeliverable(at, cause, events);
        self.agent_replies[at].compact_settled();
    }

    /// Withdraws the satisfaction question about `ticket_id` if it has surely not gone (the
    /// ticket was reopened while it was held, or between refused attempts): true when one was.
    /// The caller keeps a question whose send is in flight.
    pub(in crate::core::conversation) fn withdraw_question(&mut self, ticket_id: u64) -> bool {
        let id = crate::core::csat::question_id(ticket_id);
        let before = self.agent_replies.len();
        self.agent_replies
            .retain(|r| !(r.comment_id == id && r.surely_not_sent()));
        self.agent_replies.len() < before
    }
}
