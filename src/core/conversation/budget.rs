//! What one conversation may hold in storage, all parts together. The Durable Object stores a conversation as one
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
//!
//! Each part bounds its own lists (`inbound::limits`, `agents::limits`); this module adds them
//! up. The sizes are counted by `sizes`.

use super::agents::limits::AGENT_REPLIES_BYTES;
use super::backend::zendesk_support::SEEN_COMMENTS_BYTES;
use super::inbound::limits::{FINISHED_MESSAGE_MAX_BYTES, QUEUE_BUDGET_BYTES};
use super::KEEP_FINISHED_MAX;

/// The documented budget of one stored conversation (docs/behaviour.md, "Limits of this version").
pub const STORED_BUDGET_BYTES: usize = 1024 * 1024;
/// The copies of one comment or message the call in flight and a comment to verify hold.
pub const IN_FLIGHT_COPIES_BYTES: usize = 2 * 64 * 1024;
/// What the parts bounded in bytes take together, at most.
pub const BOUNDED_BYTES: usize = QUEUE_BUDGET_BYTES
    + IN_FLIGHT_COPIES_BYTES
    + KEEP_FINISHED_MAX * FINISHED_MESSAGE_MAX_BYTES
    + AGENT_REPLIES_BYTES
    + SEEN_COMMENTS_BYTES;
// The arithmetic of the module's comment, checked when compiled.
const _: () = assert!(BOUNDED_BYTES + 16 * 1024 <= STORED_BUDGET_BYTES);
