//! The conversation to and from its stored form (`core::stored::v5`), and the text the Durable
//! Object stores. The only place that knows both: the domain types carry no serde derives of
//! their own for storage, so reshaping them changes this module (`to_stored`,
//! `from_stored`), never silently what is stored.
//! (The dependency goes this way only: `core::stored` knows nothing of the machine.)

use super::*;
use crate::core::stored::{self, v5, Unreadable};
use crate::core::triage::Priority;

/// The text to store.
pub fn encode(conversation: &Conversation) -> Result<String, String> {
    stored::encode(&v5::Conversation::from(conversation))
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
