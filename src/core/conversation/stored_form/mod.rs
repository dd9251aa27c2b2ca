//! The conversation to and from its stored form (`core::stored::v7`), and the text the Durable
//! Object stores. The only place that knows both: the domain types carry no serde derives of
//! their own for storage, so reshaping them changes this module (`to_stored`,
//! `from_stored`), never silently what is stored.
//! (The dependency goes this way only: `core::stored` knows nothing of the machine.)

use super::*;
use crate::core::stored::{self, v7, Unreadable};
use crate::core::triage::Priority;

/// The text to store.
pub fn encode(conversation: &Conversation) -> Result<String, String> {
    stored::encode(&v7::Conversation::from(conversation))
}

/// The key of an archived message's row (`Output::archived`).
pub fn archive_key(message_sid: &str) -> String {
    format!("{ARCHIVE_PREFIX}{message_sid}")
}

/// What every archived message's key starts with (the shell lists them to prune).
pub const ARCHIVE_PREFIX: &str = "fin:";

/// The text of an archived message's row: the message in its stored form, versioned as the
/// conversation is.
pub fn encode_archived(message: &Message) -> Result<String, String> {
    stored::encode_message(&v7::Message::from(message))
}

/// An archived message's row; `None` when it cannot be read (then the message is as good as
/// unknown: a late duplicate of it makes no second ticket only while Zendesk's idempotency
/// key or `external_id` look-up still finds the first, so the shell logs it).
pub fn decode_archived(text: &str) -> Option<Message> {
    stored::decode_message(text).map(Message::from)
}

/// What `decode_reporting` read.
#[derive(Debug)]
pub struct Decoded {
    pub conversation: Conversation,
    /// Not stored in the current form: the next save stores it so.
    pub migrated: bool,
    /// Written by a newer version (after a rollback) and read with this version's types.
    pub read_newer: Option<u64>,
}

/// A stored conversation of any version this code knows (`stored::decode_reporting`).
pub fn decode_reporting(text: &str) -> Result<Decoded, Unreadable> {
    let read = stored::decode_reporting(text)?;
    Ok(Decoded {
        conversation: read.conversation.into(),
        migrated: read.migrated,
        read_newer: read.read_newer,
    })
}

/// `decode_reporting`: the conversation, and whether it was migrated.
pub fn decode(text: &str) -> Result<(Conversation, bool), Unreadable> {
    decode_reporting(text).map(|d| (d.conversation, d.migrated))
}

mod from_stored;
mod to_stored;

impl Conversation {
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
        conv.channel = salvage.channel.clone();
        conv.receiving = salvage.receiving.clone();
        conv.user_id = salvage.user_id.clone();
        conv.reply_to = salvage.reply_to.clone();
        let zendesk = conv.backend.state_mut();
        zendesk.tickets = salvage.tickets.iter().cloned().map(Into::into).collect();
        zendesk.open_ticket = salvage.open_ticket.clone().map(Into::into);
        conv.inbound.last_inbound_ms = salvage.last_inbound_ms;
        for m in &salvage.pending {
            let mut m = Message::from(m.clone());
            if conv.message(&m.sid).is_some() || !conv.inbound.fits(&m) {
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
        // The quarantined value may have archived messages: their rows are pruned a week on.
        conv.inbound.archive_oldest_ms = Some(now_ms);
        conv
    }
}
