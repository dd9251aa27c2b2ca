//! What the inbound queue may hold: the unfinished messages' budget (a message past it is
//! refused on arrival, the customer asked to send it again), the largest merged comment, and
//! what a finished message keeps (`budget` adds the parts up).

use super::*;
use crate::core::conversation::attempts::keep_recent;
use crate::core::conversation::sizes::{clip, stored_len};

/// What the unfinished messages may cost together (`Message::queue_cost`).
pub const QUEUE_BUDGET_BYTES: usize = 384 * 1024;
/// What a queued message may gain after it arrived: its reply, errors, delivery status.
pub const MESSAGE_ALLOWANCE_BYTES: usize = 1024;
/// And per file: its upload token, file name and description.
pub const FILE_ALLOWANCE_BYTES: usize = 512;
/// The largest comment merged from several messages, in bytes as stored (JSON-escaped UTF-8,
/// never fewer than its characters): under Zendesk's comment limit of about 65,000 characters
/// (https://support.zendesk.com/hc/en-us/community/posts/4719863289498-Commets-size). A single
/// message is never split; what does not fit goes in the next comment.
pub const MERGED_COMMENT_MAX_BYTES: usize = 60_000;
/// The most a finished message takes stored (`compact_finished`).
pub const FINISHED_MESSAGE_MAX_BYTES: usize = 1536;
/// Reasons and errors kept on a finished message are cut to this many bytes.
const FINISHED_TEXT_BYTES: usize = 160;
/// A refused message is answered unless another refusal's answer is due, or went less than this
/// long ago: a customer typing on gets one answer, not one per message.
pub const QUEUE_FULL_REPLY_GAP_MS: u64 = 60_000;

impl Message {
    /// What this message takes of the queue's budget: its stored JSON, and an allowance for what
    /// it gains until it is finished.
    pub fn queue_cost(&self) -> usize {
        stored_len(&crate::core::stored::v7::Message::from(self))
            + MESSAGE_ALLOWANCE_BYTES
            + FILE_ALLOWANCE_BYTES * self.content.files().len()
    }

    /// A finished message keeps what tells its story (outcome, ticket, reply, attempts, short
    /// reasons) and none of the customer's content: the text, location and file links went to
    /// Zendesk and are not needed again. At most `FINISHED_MESSAGE_MAX_BYTES`.
    pub(in crate::core::conversation) fn compact_finished(&mut self) {
        self.content.forget(clip);
        self.unverified_comment = None;
        for text in [self.retry.last_error.as_mut(), self.language.as_mut()]
            .into_iter()
            .flatten()
        {
            clip(text, FINISHED_TEXT_BYTES);
        }
        match &mut self.ticket {
            TicketStep::Rejected { reason } | TicketStep::Failed { reason } => {
                clip(reason, FINISHED_TEXT_BYTES)
            }
            _ => {}
        }
        match &mut self.reply {
            ReplyStep::Sent { sid, .. } => clip(sid, 64),
            ReplyStep::Failed { reason, .. } | ReplyStep::Unknown { reason, .. } => {
                clip(reason, FINISHED_TEXT_BYTES)
            }
            ReplyStep::Due { .. } | ReplyStep::Waiting | ReplyStep::NotNeeded => {}
        }
        clip(&mut self.sid, 64);
    }

    /// A message the conversation only records by its MessageSid (refused, or recovered).
    pub fn recorded(sid: String, received_ms: u64, ticket: TicketStep) -> Message {
        Message {
            sid,
            received_ms,
            body_chars: 0,
            ticket,
            reply: ReplyStep::NotNeeded,
            retry: Retry::default(),
            total_attempts: 0,
            unverified_comment: None,
            follow_up_of: None,
            skip_triage: false,
            duplicates: 0,
            finished_ms: None,
            delivery: None,
            content: Content::default(),
            language: None,
            without_locale: false,
            facts: Facts::default(),
        }
    }
}

impl InboundQueue {
    /// Forgets finished messages: kept for a week (their delivery statuses may still come),
    /// at most `KEEP_FINISHED_MAX`, the oldest finished going first.
    pub(in crate::core::conversation) fn prune(&mut self, now_ms: u64) {
        // The oldest finished first (a message finished since the last arrival is still
        // where it was queued).
        self.order_messages();
        keep_recent(
            &mut self.messages,
            |m| m.finished_ms.or(m.is_finished().then_some(m.received_ms)),
            |at| at.is_none_or(|t| t + KEEP_FINISHED_MS > now_ms),
            KEEP_FINISHED_MAX,
        );
    }

    /// Messages waiting for a retry (a metrics gauge).
    pub(in crate::core::conversation) fn pending_retries(&self, now_ms: u64) -> usize {
        self.messages
            .iter()
            .filter(|m| !m.is_finished() && m.retry.not_before_ms > now_ms)
            .count()
    }
}

impl InboundQueue {
    /// Unfinished messages first, in arrival order; then the finished ones in the order they
    /// finished, so that pruning (which drops the first finished ones) forgets the oldest.
    pub(in crate::core::conversation) fn order_messages(&mut self) {
        self.messages.sort_by_key(|m| match m.finished_ms {
            None => (false, m.received_ms),
            Some(at) => (true, at),
        });
    }

    /// What the unfinished messages cost together (`Message::queue_cost`).
    pub fn queued_bytes(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| !m.is_finished())
            .map(Message::queue_cost)
            .sum()
    }

    /// Whether `message` fits in the queue's budget. An empty queue takes any message the
    /// webhook took (at most 64 KiB of form), so a customer is never refused outright.
    pub(in crate::core::conversation) fn fits(&self, message: &Message) -> bool {
        let queued = self.queued_bytes();
        queued == 0 || queued + message.queue_cost() <= QUEUE_BUDGET_BYTES
    }
}

impl InboundQueue {
    /// Records `message` as refused (the queue is full): its content is dropped, and the
    /// customer is asked to send it again unless a refusal's answer is due or went within the
    /// last `QUEUE_FULL_REPLY_GAP_MS` (then it is finished at once).
    pub(in crate::core::conversation) fn refuse(
        &mut self,
        message: Message,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let queued = self.queued_bytes();
        let cost = message.queue_cost();
        let covered = self.messages.iter().any(|m| {
            m.is_refused()
                && m.reply_kind() == Some(ReplyKind::QueueFull)
                && (!m.is_finished() || m.received_ms + QUEUE_FULL_REPLY_GAP_MS > ctx.now_ms)
        });
        let language = ctx.language(message.language.as_deref());
        // Its kind is kept, never its text or files (it was refused).
        let mut content = message.content;
        content.forget(clip);
        let mut m = Message {
            content,
            language: message.language.clone(),
            body_chars: message.body_chars,
            ..Message::recorded(message.sid, message.received_ms, TicketStep::QueueFull)
        };
        if !covered {
            m.reply = ReplyStep::Due {
                kind: ReplyKind::QueueFull,
                content: ReplyContent::Text(language.texts.queue_full.clone()),
            };
        }
        events.push(DomainEvent::RefusedQueueFull {
            sid: m.sid.clone(),
            body_chars: m.body_chars,
            language: language.code.clone(),
            queue: self.pending_count(),
            queued_bytes: queued,
            message_bytes: cost,
            budget_bytes: QUEUE_BUDGET_BYTES,
            customer_told: !covered,
        });
        self.messages.push(m);
        if covered {
            let last = self.messages.len() - 1;
            self.finish(last, ctx, events);
        }
    }
}

/// The newest finished messages the conversation's value keeps (late duplicates and delivery
/// statuses find them there, and most customers never have more: they cost no row of their
/// own); older ones move to the archive (`archive`).
pub const KEEP_IN_STATE_MAX: usize = 20;
/// The most messages one step archives: the shell writes them with the value in one call, which
/// takes at most 128 keys (Durable Objects' `put(entries)`,
/// https://developers.cloudflare.com/durable-objects/api/storage-api/); a longer history (a v5
/// value read for the first time) moves over the next steps.
pub const ARCHIVE_PER_STEP_MAX: usize = 100;
/// The latest replies' SIDs the queue keeps (`InboundQueue::recent_sent`).
pub const RECENT_SENT_MAX: usize = 30;

impl InboundQueue {
    /// Moves out the finished messages older than the `KEEP_IN_STATE_MAX` newest finished ones:
    /// the shell writes each as its own row, once, so the conversation's value (rewritten by
    /// every save) does not grow with the history.
    pub(in crate::core::conversation) fn archive(&mut self, now_ms: u64) -> Vec<Message> {
        self.order_messages();
        let finished = self.messages.iter().filter(|m| m.is_finished()).count();
        let mut over = finished
            .saturating_sub(KEEP_IN_STATE_MAX)
            .min(ARCHIVE_PER_STEP_MAX);
        let mut archived = Vec::new();
        let mut kept = Vec::with_capacity(self.messages.len());
        // Finished ones come after the unfinished, the oldest finished first.
        for m in self.messages.drain(..) {
            let done_at = m.finished_ms;
            // The latest queue-full answer stays: it spares the next refusals their own
            // (`refuse`).
            let answers_refusals = m.is_refused()
                && m.reply_kind() == Some(ReplyKind::QueueFull)
                && m.received_ms + QUEUE_FULL_REPLY_GAP_MS > now_ms;
            if done_at.is_some() && !answers_refusals && over > 0 {
                over = over.saturating_sub(1);
                archived.push(m);
            } else {
                kept.push(m);
            }
        }
        self.messages = kept;
        if let Some(oldest) = archived.iter().filter_map(|m| m.finished_ms).min() {
            self.archive_oldest_ms = Some(self.archive_oldest_ms.map_or(oldest, |t| t.min(oldest)));
        }
        archived
    }

    /// When the archive's oldest message is `KEEP_FINISHED_MS` old: the rows to prune are those
    /// finished before the returned time (the shell answers with `ArchivePruned`).
    pub(in crate::core::conversation) fn archive_due(&mut self, now_ms: u64) -> Option<u64> {
        let oldest = self.archive_oldest_ms?;
        if oldest + KEEP_FINISHED_MS > now_ms {
            return None;
        }
        // Kept until the shell says what is left (`archive_pruned`): a prune that failed is
        // asked for again by the next alarm.
        // Rows finished before this go: the oldest one (due now) among them.
        Some(now_ms.saturating_sub(KEEP_FINISHED_MS) + 1)
    }

    /// The shell pruned the archive: `oldest_ms` is when the oldest row left finished (rows
    /// archived before the prune were written before it listed them, so it counts them all).
    pub(in crate::core::conversation) fn archive_pruned(&mut self, oldest_ms: Option<u64>) {
        self.archive_oldest_ms = oldest_ms;
    }

    /// A reply sent: its SID is remembered beyond its message's stay in the value.
    pub(in crate::core::conversation) fn remember_sent(&mut self, sid: &str) {
        self.recent_sent.push(sid.to_string());
        let over = self.recent_sent.len().saturating_sub(RECENT_SENT_MAX);
        self.recent_sent.drain(..over);
    }
}
