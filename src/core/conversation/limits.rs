//! What one conversation may hold in storage. The Durable Object stores a conversation as one
//! value, and Cloudflare's SQLite-backed Durable Objects refuse a key and value over 2 MB
//! ("Key and value combined cannot exceed 2 MB",
//! https://developers.cloudflare.com/durable-objects/platform/limits/): past it every save fails,
//! so every webhook of the customer answers 503 and the alarm cannot progress. The parts that
//! grow with what customers send are bounded here, to a total (`STORED_BUDGET_BYTES`, 1 MiB)
//! well under that limit:
//!
//! - the queue: each unfinished message costs its stored JSON plus an allowance for what it
//!   gains on the way (reply, upload tokens, errors): `Message::queue_cost`. A message that would
//!   take the queue past `QUEUE_BUDGET_BYTES` (384 KiB) is refused on arrival
//!   (`TicketStep::QueueFull`): acknowledged to Twilio, recorded by its MessageSid (a retry is a
//!   duplicate), its text not kept, and the customer asked in their language to wait for the
//!   answer and send it again (`REPLY_QUEUE_FULL`);
//! - the copies of one comment or message that the call in flight and a comment to verify hold:
//!   a merged comment is at most `MERGED_COMMENT_MAX_BYTES`, a single message at most what the
//!   webhook takes (64 KiB of form, and JSON escaping never takes more than form encoding):
//!   2 x 64 KiB;
//! - finished messages keep no text (`Message::compact_finished`): at most
//!   `FINISHED_MESSAGE_MAX_BYTES` each, `KEEP_FINISHED_MAX` of them (300 KiB), pruned on arrival
//!   too, so that a stuck queue does not let them pile up;
//! - the rest (tickets, comment ids, agents' replies in flight, notes) has its own caps and
//!   shares the remaining ~200 KiB.

use super::*;
use std::io::Write;

/// The documented budget of one stored conversation (README "Limits of this version").
pub const STORED_BUDGET_BYTES: usize = 1024 * 1024;
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
/// The kind of the reply to a refused message.
pub(super) const QUEUE_FULL_REPLY: &str = "queue_full";

/// The bytes `s` takes stored as a JSON string's contents (escapes included).
pub fn json_len(s: &str) -> usize {
    s.len()
        + s.chars()
            .map(|c| match c {
                '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 1,
                c if (c as u32) < 0x20 => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// Counts what serde writes, without keeping it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bytes `value` takes stored as JSON.
pub fn stored_len<T: Serialize>(value: &T) -> usize {
    let mut counter = Counter(0);
    // Writing to a counter cannot fail; a type that cannot be serialized costs nothing here
    // (its save would fail anyway).
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

impl Message {
    /// What this message takes of the queue's budget: its stored JSON, and an allowance for what
    /// it gains until it is finished.
    pub fn queue_cost(&self) -> usize {
        stored_len(self) + MESSAGE_ALLOWANCE_BYTES + FILE_ALLOWANCE_BYTES * self.media.len()
    }

    /// A finished message keeps what tells its story (outcome, ticket, reply, attempts, short
    /// reasons) and none of the customer's content: the text, location and file links went to
    /// Zendesk and are not needed again. At most `FINISHED_MESSAGE_MAX_BYTES`.
    pub(super) fn compact_finished(&mut self) {
        self.body.clear();
        self.location = None;
        self.media.clear();
        self.unverified_comment = None;
        for text in [
            self.retry.last_error.as_mut(),
            self.delivery.as_mut(),
            self.language.as_mut(),
        ]
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
            ReplyStep::Sent { kind, sid } => {
                clip(kind, 40);
                clip(sid, 64);
            }
            ReplyStep::Failed { kind, reason } | ReplyStep::Unknown { kind, reason } => {
                clip(kind, 40);
                clip(reason, FINISHED_TEXT_BYTES);
            }
            ReplyStep::Due { kind, .. } => clip(kind, 40),
            ReplyStep::Waiting | ReplyStep::NotNeeded => {}
        }
        match &mut self.content {
            Content::ButtonReply {
                payload: Some(payload),
            } => clip(payload, 64),
            Content::Other { message_type } => clip(message_type, 32),
            _ => {}
        }
        clip(&mut self.sid, 64);
    }

    /// A message the conversation only records by its MessageSid (refused, or recovered).
    pub(super) fn recorded(sid: String, received_ms: u64, ticket: TicketStep) -> Message {
        Message {
            sid,
            received_ms,
            body: String::new(),
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
            media: Vec::new(),
            location: None,
            content: Content::default(),
            language: None,
            without_locale: false,
        }
    }
}

impl Conversation {
    /// Unfinished messages first, in arrival order; then the finished ones in the order they
    /// finished, so that pruning (which drops the first finished ones) forgets the oldest.
    pub(super) fn order_messages(&mut self) {
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
    pub(super) fn fits(&self, message: &Message) -> bool {
        let queued = self.queued_bytes();
        queued == 0 || queued + message.queue_cost() <= QUEUE_BUDGET_BYTES
    }

    /// Records `message` as refused (the queue is full): its content is dropped, and the
    /// customer is asked to send it again unless a refusal's answer is due or went within the
    /// last `QUEUE_FULL_REPLY_GAP_MS` (then it is finished at once).
    pub(super) fn refuse(&mut self, message: Message, ctx: &Ctx, logs: &mut Vec<LogLine>) {
        let queued = self.queued_bytes();
        let cost = message.queue_cost();
        let covered = self.messages.iter().any(|m| {
            m.is_refused()
                && m.reply_kind() == QUEUE_FULL_REPLY
                && (!m.is_finished() || m.received_ms + QUEUE_FULL_REPLY_GAP_MS > ctx.now_ms)
        });
        let language = ctx.language(message.language.as_deref());
        let mut m = Message {
            content: message.content,
            language: message.language.clone(),
            body_chars: message.body_chars,
            ..Message::recorded(message.sid, message.received_ms, TicketStep::QueueFull)
        };
        if !covered {
            m.reply = ReplyStep::Due {
                kind: QUEUE_FULL_REPLY.into(),
                content: ReplyContent::Text(language.texts.queue_full.clone()),
            };
        }
        logs.push(
            self.line(
                LogLine::warn("message.refused").counts(Counted::RefusedQueueFull),
                &m.sid,
            )
            .field("reason", "queue_full")
            .field("body_chars", m.body_chars)
            .field("language", language.code.as_str())
            .field("queue", self.pending_count())
            .field("queued_bytes", queued)
            .field("message_bytes", cost)
            .field("budget_bytes", QUEUE_BUDGET_BYTES)
            .field("customer_told", !covered),
        );
        self.messages.push(m);
        if covered {
            let last = self.messages.len() - 1;
            self.finish(last, ctx, logs);
        }
    }

    /// A fresh conversation for `customer` after its stored one could not be read (and was
    /// quarantined): the MessageSids read from it are recorded as finished, so that a retried
    /// delivery of one of them is a duplicate rather than a second ticket.
    pub fn recovered(customer: Sender, sids: &[String], now_ms: u64) -> Conversation {
        let mut conv = Conversation::new(customer);
        for sid in sids.iter().take(KEEP_FINISHED_MAX) {
            if conv.message(sid).is_none() {
                let mut m = Message::recorded(sid.clone(), now_ms, TicketStep::Recovered);
                m.finished_ms = Some(now_ms);
                conv.messages.push(m);
            }
        }
        conv
    }
}
