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
//! - v5 -> v6: nothing to convert (v6 adds optional fields; nothing archived yet).
//! - v6 -> v7: each message's `body`, `media`, `location` and label become one `content` with
//!   its data (`v6_message_to_v7`), for the conversation's messages and for archived rows.

use super::{v5, v7};
use crate::core::form::is_coordinate;

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

/// A v6 message (the conversation's, or an archived row's) in v7's form. Nothing is lost: the
/// label says which kind the data becomes; data a kind cannot hold (which v6 never wrote, but
/// a hand-edited or salvaged value might carry) makes the message `other`, its location's text
/// joined to its text.
pub fn v6_message_to_v7(m: v5::Message) -> v7::Message {
    let label = m.content.unwrap_or(if !m.media.is_empty() {
        v5::Content::Media
    } else if m.location.is_some() {
        v5::Content::Location
    } else {
        v5::Content::Text
    });
    let content = content_v7(label, m.body, m.media, m.location);
    v7::Message {
        sid: m.sid,
        received_ms: m.received_ms,
        body_chars: m.body_chars,
        ticket: m.ticket,
        reply: m.reply,
        retry: m.retry,
        total_attempts: m.total_attempts,
        unverified_comment: m.unverified_comment,
        follow_up_of: m.follow_up_of,
        skip_triage: m.skip_triage,
        duplicates: m.duplicates,
        finished_ms: m.finished_ms,
        delivery: m.delivery,
        content,
        language: m.language,
        without_locale: m.without_locale,
        facts: v7::Facts::default(),
    }
}

fn content_v7(
    label: v5::Content,
    text: String,
    files: Vec<v5::MediaItem>,
    location: Option<String>,
) -> v7::Content {
    let plain = files.is_empty() && location.is_none();
    match label {
        v5::Content::Text if plain => v7::Content::Text { text },
        v5::Content::Media if location.is_none() => v7::Content::Media {
            caption: text,
            files,
        },
        v5::Content::Contact if location.is_none() => v7::Content::Contact { cards: files, text },
        v5::Content::ButtonReply { payload } if plain => v7::Content::ButtonReply { text, payload },
        v5::Content::Reaction if plain => v7::Content::Reaction { emoji: text },
        v5::Content::Location if files.is_empty() => {
            match location.as_deref().map(place_of_v6_text) {
                // The place read back from its text: `Location::describe` writes it again.
                Some(Some(place)) => v7::Content::Location {
                    place: Some(place),
                    text,
                },
                // No location (a v6 label without one) or text that is not v6's: kept as text.
                _ => v7::Content::Location {
                    place: None,
                    text: joined(text, location),
                },
            }
        }
        other => v7::Content::Other {
            payload: match &other {
                v5::Content::ButtonReply { payload } => payload.clone(),
                _ => None,
            },
            message_type: match other {
                v5::Content::Other { message_type } => message_type,
                v5::Content::Text => "text".into(),
                v5::Content::Media => "media".into(),
                v5::Content::Location => "location".into(),
                v5::Content::Contact => "contact".into(),
                v5::Content::ButtonReply { .. } => "button_reply".into(),
                v5::Content::Reaction => "reaction".into(),
            },
            text: joined(text, location),
            files,
        },
    }
}

fn joined(text: String, location: Option<String>) -> String {
    match location {
        Some(l) if text.is_empty() => l,
        Some(l) => format!("{text}\n\n{l}"),
        None => text,
    }
}

/// v6 stored a location as the text `Location::describe` wrote: `Location shared: {label,
/// address }({latitude}, {longitude}) https://www.google.com/maps?q={latitude},{longitude}`.
/// The label is the customer's and may hold brackets or links of its own, so the text is split
/// at the last map link and read only when the link's coordinates are the bracketed ones. Its
/// name is kept as the label (label and address joined, as the text had them), so the text
/// reads the same.
fn place_of_v6_text(text: &str) -> Option<v7::Place> {
    const MAP: &str = " https://www.google.com/maps?q=";
    let rest = text.strip_prefix("Location shared: ")?;
    let at = rest.rfind(MAP)?;
    let (rest, query) = (&rest[..at], &rest[at + MAP.len()..]);
    let rest = rest.strip_suffix(')')?;
    let open = rest.rfind('(')?;
    let (latitude, longitude) = rest[open + 1..].split_once(", ")?;
    if !is_coordinate(latitude) || !is_coordinate(longitude) {
        return None;
    }
    if query != format!("{latitude},{longitude}") {
        return None;
    }
    let name = rest[..open].trim_end();
    Some(v7::Place {
        latitude: latitude.into(),
        longitude: longitude.into(),
        address: None,
        label: (!name.is_empty()).then(|| name.to_string()),
    })
}
