//! The versions before v5, typed, and the steps that carry each one forward. Every older
//! version differs from the next only by fields that are optional in the next (absent: their
//! default), so each is a documented alias of the next version's type read leniently (serde
//! skips keys the type does not name and fills the defaults), and its step makes what the
//! default would get wrong right:
//!
//! - v1 -> v2: the bare conversation (no envelope). Its look-up index bookkeeping (`indexed`
//!   on messages and tickets, `masked_indexed`) is not named by the types: dropped on reading.
//! - v2 -> v3: a message without `content` gets it from what it carries (files: media; a
//!   location: location; else text).
//! - v3 -> v4: no `language` on the conversation or its messages: read in the default language
//!   (the absent fields' default); nothing to convert.
//! - v4 -> v5: the new ticket outcomes (`queue_full`, `recovered`) are only written by v5;
//!   nothing to convert.

use super::v5;

/// v1, bare: v2's fields, plus index bookkeeping nobody reads any more.
pub type V1 = V2;
/// v2: v3 without each message's `content` (`v5::Message::content` is `None`).
pub type V2 = V3;
/// v3: v4 without the `language` fields.
pub type V3 = V4;
/// v4: v5 without the `queue_full` and `recovered` ticket outcomes.
pub type V4 = v5::Conversation;

pub fn v1_to_v2(conversation: V1) -> V2 {
    conversation
}

pub fn v2_to_v3(mut conversation: V2) -> V3 {
    for m in &mut conversation.messages {
        if m.content.is_none() {
            m.content = Some(if !m.media.is_empty() {
                v5::Content::Media
            } else if m.location.is_some() {
                v5::Content::Location
            } else {
                v5::Content::Text
            });
        }
    }
    conversation
}

pub fn v3_to_v4(conversation: V3) -> V4 {
    conversation
}

pub fn v4_to_v5(conversation: V4) -> v5::Conversation {
    conversation
}

/// A conversation stored by version `from` (1 to 4), carried forward step by step.
pub fn upgrade(from: u64, conversation: V1) -> v5::Conversation {
    let mut c = conversation;
    if from <= 1 {
        c = v1_to_v2(c);
    }
    if from <= 2 {
        c = v2_to_v3(c);
    }
    if from <= 3 {
        c = v3_to_v4(c);
    }
    v4_to_v5(c)
}
