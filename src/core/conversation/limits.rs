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
//! - agents' replies (`AGENT_REPLIES_BYTES`, 127 KiB): those waiting to be sent cost at most
//!   `AGENT_PENDING_BUDGET_BYTES` (64 KiB) together, text, files and an allowance; a reply that
//!   does not fit is undeliverable on arrival and the agents get an internal note saying why.
//!   A sent reply keeps only the start of its text the template fallback needs (the template's
//!   variable, `TEMPLATE_TEXT_CHARS`), and only while a fallback may come, the newest within
//!   `SETTLED_KEPT_BUDGET_BYTES` (16 KiB); then nothing of the agent's content:
//!   `KEEP_SETTLED_REPLIES_MAX` (100) of at most `SETTLED_REPLY_MAX_BYTES` (480) each;
//! - the comment ids seen: 2,000 of at most 20 digits (41 KiB).
//!
//! 384 + 128 + 300 + 127 + 41 = 980 KiB (`BOUNDED_BYTES`, checked when compiled to leave at
//! least 16 KiB): the rest (the tickets list, notes, the ticket checks, early events, unsent
//! metrics) is bounded by counts, not bytes, and shares the remaining ~44 KiB. Those counts'
//! worst cases (200 written notes, a ticket list that grows by one per ticket) are not yet
//! proven to fit in it.

use super::agent::{parts_of, TEMPLATE_TEXT_CHARS};
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
/// The copies of one comment or message the call in flight and a comment to verify hold.
const IN_FLIGHT_COPIES_BYTES: usize = 2 * 64 * 1024;
/// The comment ids seen (`SEEN_COMMENTS_MAX` numbers of up to 20 digits and a comma).
const SEEN_COMMENTS_BYTES: usize = super::agent::SEEN_COMMENTS_MAX * 21;
/// What the parts bounded in bytes take together, at most.
pub const BOUNDED_BYTES: usize = QUEUE_BUDGET_BYTES
    + IN_FLIGHT_COPIES_BYTES
    + KEEP_FINISHED_MAX * FINISHED_MESSAGE_MAX_BYTES
    + AGENT_REPLIES_BYTES
    + SEEN_COMMENTS_BYTES;
// The arithmetic of the module's comment, checked when compiled.
const _: () = assert!(BOUNDED_BYTES + 16 * 1024 <= STORED_BUDGET_BYTES);

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
pub fn stored_len<T: serde::Serialize>(value: &T) -> usize {
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

/// `s` cut so that it takes at most `max` bytes stored as JSON (escapes included).
fn clip_json(s: &mut String, max: usize) {
    while json_len(s) > max {
        let cut = s.len() - s.chars().next_back().map_or(0, char::len_utf8);
        s.truncate(cut);
    }
}

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
    pub(super) fn compact_settled(&mut self) {
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

impl Conversation {
    /// What the agents' replies waiting to be sent cost together (`AgentReply::pending_cost`).
    pub fn pending_agent_bytes(&self) -> usize {
        self.agents
            .agent_replies
            .iter()
            .filter(|r| !r.is_settled())
            .map(AgentReply::pending_cost)
            .sum()
    }

    /// Settled replies compacted; the newest keep their fallback's text within
    /// `SETTLED_KEPT_BUDGET_BYTES`, the older ones let it go.
    pub(super) fn compact_settled_replies(&mut self) {
        let mut kept = 0;
        for r in self
            .agents
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

    /// Takes a new agent's reply if it fits in `AGENT_PENDING_BUDGET_BYTES` with those waiting;
    /// else it is recorded undeliverable and the agents are told why (an internal note).
    pub(super) fn take_agent_reply(&mut self, reply: AgentReply, events: &mut Vec<DomainEvent>) {
        self.compact_settled_replies();
        let waiting = self.pending_agent_bytes();
        let cost = reply.pending_cost();
        self.agents.agent_replies.push(reply);
        if waiting + cost <= AGENT_PENDING_BUDGET_BYTES {
            return;
        }
        let cause = Cause::TooLarge {
            bytes: cost,
            waiting_bytes: waiting,
            budget_bytes: AGENT_PENDING_BUDGET_BYTES,
        };
        let last = self.agents.agent_replies.len() - 1;
        self.undeliverable(last, cause, events);
        self.agents.agent_replies[last].compact_settled();
    }
}

impl Message {
    /// What this message takes of the queue's budget: its stored JSON, and an allowance for what
    /// it gains until it is finished.
    pub fn queue_cost(&self) -> usize {
        stored_len(&crate::core::stored::v5::Message::from(self))
            + MESSAGE_ALLOWANCE_BYTES
            + FILE_ALLOWANCE_BYTES * self.media.len()
    }

    /// A finished message keeps what tells its story (outcome, ticket, reply, attempts, short
    /// reasons) and none of the customer's content: the text, location and file links went to
    /// Zendesk and are not needed again. At most `FINISHED_MESSAGE_MAX_BYTES`.
    pub(super) fn compact_finished(&mut self) {
        self.body.clear();
        self.location = None;
        self.media.clear();
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
    pub fn recorded(sid: String, received_ms: u64, ticket: TicketStep) -> Message {
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
        self.inbound.messages.sort_by_key(|m| match m.finished_ms {
            None => (false, m.received_ms),
            Some(at) => (true, at),
        });
    }

    /// What the unfinished messages cost together (`Message::queue_cost`).
    pub fn queued_bytes(&self) -> usize {
        self.inbound
            .messages
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
    pub(super) fn refuse(&mut self, message: Message, ctx: &Ctx, events: &mut Vec<DomainEvent>) {
        let queued = self.queued_bytes();
        let cost = message.queue_cost();
        let covered = self.inbound.messages.iter().any(|m| {
            m.is_refused()
                && m.reply_kind() == Some(ReplyKind::QueueFull)
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
        self.inbound.messages.push(m);
        if covered {
            let last = self.inbound.messages.len() - 1;
            self.finish(last, ctx, events);
        }
    }

    /// A fresh conversation for `customer` after its stored one could not be read (and was
    /// quarantined), from what `stored::salvage` read of it. The messages whose ticket step was
    /// still to do are queued again, in order, each to be looked for before it is made
    /// (`verify_first`: the create reuses its Idempotency-Key, or past the key's window looks the
    /// ticket up by its `external_id`; a comment whose outcome was unknown is looked for), so
    /// that each makes exactly one ticket or comment even if the earlier attempt committed.
    /// Every other MessageSid read is recorded as finished, so that a retried delivery of it is
    /// a duplicate rather than a second ticket. The tickets it knew (and its open ticket) are
    /// kept, so that agents' replies on them still reach the customer.
    pub fn recovered(
        customer: Sender,
        salvage: &crate::core::stored::Salvage,
        now_ms: u64,
    ) -> Conversation {
        let mut conv = Conversation::new(customer);
        conv.tickets = salvage.tickets.iter().cloned().map(Into::into).collect();
        conv.inbound.open_ticket = salvage.open_ticket.clone().map(Into::into);
        conv.inbound.last_inbound_ms = salvage.last_inbound_ms;
        for m in &salvage.pending {
            let mut m = Message::from(m.clone());
            if conv.message(&m.sid).is_some() || !conv.fits(&m) {
                continue;
            }
            m.ticket = TicketStep::Pending;
            m.reply = ReplyStep::Waiting;
            m.finished_ms = None;
            m.retry.verify_first = true;
            m.retry.not_before_ms = 0;
            m.retry.step_started_ms = m.retry.step_started_ms.or(Some(m.received_ms));
            conv.inbound.messages.push(m);
        }
        for sid in salvage.sids.iter().take(KEEP_FINISHED_MAX) {
            if conv.message(sid).is_none() {
                let mut m = Message::recorded(sid.clone(), now_ms, TicketStep::Recovered);
                m.finished_ms = Some(now_ms);
                conv.inbound.messages.push(m);
            }
        }
        conv
    }
}
