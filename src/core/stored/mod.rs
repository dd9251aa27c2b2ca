//! The stored form of a conversation, versioned: what the Durable Object writes is an envelope
//! `{"v": 7, "conversation": {...}}` around the stored type of its version (`v7`, which reuses
//! `v5`'s types for all but the message: plain data with the serde attributes, no behaviour), never the machine's types: those are converted to
//! and from it in `core::conversation::stored_form`, and this module knows nothing of them.
//! Every older form is read as a typed value of its version and migrated forward
//! (`older`). A change of the stored JSON fails `the_stored_shape_is_pinned` (a conversation
//! with every optional field set, compared whole): it must come with a new version.
//!
//! - v1: the bare `Conversation` JSON, written up to commit 0df866a (no envelope). Its look-up
//!   index bookkeeping (`indexed` on messages and tickets, `masked_indexed`) is dropped: the
//!   directory now travels with the metrics (`metrics_do`).
//! - v2: the envelope; the conversation may carry `early_agent_events` and `unsent_metrics`.
//! - v3: each message says what it is (`content`: text, media, location, a pressed button...);
//!   a v2 message gets it from what it carries (files: media; a location: location; else text).
//! - v4: the conversation may remember the customer's `language`, and each message says the
//!   `language` it was read in (and `without_locale` once Zendesk refused its locale); a v3
//!   conversation has neither and is read in the default language until its customer writes
//!   again (nothing to convert: the migration step is the identity).
//! - v5: a message may end refused (`"ticket": {"state": "queue_full"}`, the customer's queue was
//!   full) or recovered (`{"state": "recovered"}`, known only from a quarantined value); a
//!   finished message keeps no location or file links. A v4 conversation reads as it is (nothing
//!   to convert); a v4 gateway cannot read a v5 one, hence the new version. A v5 conversation
//!   may also carry `wake` (the timer it asked to be woken for) and an early agent event its
//!   `made_from` (the MessageSid the ticket was made from): optional, ignored by a v5 gateway
//!   that predates them, so no new version.
//!
//! - v6: finished messages move out of the conversation's value into rows of their own
//!   (`fin:<MessageSid>`, written by the shell: `Output::archived`), so a save no longer
//!   rewrites the customer's history; the conversation keeps the SIDs of its latest replies
//!   (`recent_sent`) and when its oldest archived message finished (`archive_oldest_ms`). A v5
//!   value reads as it is (nothing archived yet). A v5 gateway would read a v6 value leniently
//!   but not see the archived rows (a late duplicate of an archived message would be taken as
//!   new): hence the new version. The stored types keep their module name (`v5`): v6 only
//!   adds two optional fields and a timer to them.
//!
//! - v7: each message's content is one enum with its data (`v7::Content`): the text, the files
//!   with their caption, the place with its coordinates (v6 kept only its text), the contact
//!   cards, the button's text and payload, the reaction's emoji; `body`, `media` and `location`
//!   are gone from the message. v6 values and archived rows are migrated on reading
//!   (`older::v6_message_to_v7`). A v6 gateway cannot read a v7 message (no `body`): after a
//!   rollback it quarantines such a conversation and carries on from what `salvage` reads.
//!   An `other` content may also carry `payload` (a pressed button's, when the message held
//!   what a button reply cannot): optional, ignored by a v7 gateway that predates it, so no
//!   new version.
//!   Likewise a satisfaction question's `pending` (held, not sent yet): a v7 gateway that
//!   predates it reads the question as sent at the solve, which only lets a message sent in
//!   the hold be taken as its answer. And, per ticket, when its latest status change taken
//!   happened by Zendesk's clock (`csat.statuses`): a gateway that predates it takes every
//!   status event as it comes, as it did.
//!
//! Up to v5 the domain types were the schema; the stored types were made their own at v5
//! without changing a byte (`main_f8a4f61_*` fixtures: conversations main wrote then).
//!
//! A newer version's value (after a rollback) is read with the current types when it can be
//! (`decode_reporting`). A stored value this code cannot read (a newer version's whose fields
//! changed; a corrupted one) is not retried forever: the shell quarantines it (`salvage` reads
//! what it still can, `Conversation::recovered` carries it on).

mod older;
mod salvage;
pub mod v5;
pub mod v7;
pub use salvage::{salvage, Salvage};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const VERSION: u64 = 7;

/// Why a stored value could not be read, without any of its content (safe to log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON at all (truncated, corrupted).
    NotJson,
    /// Written by a newer gateway (this one was rolled back).
    NewerVersion(u64),
    /// JSON, but neither a bare v1 conversation nor a versioned envelope.
    UnknownForm,
    /// The right form, but its fields do not read as a conversation.
    BadFields,
}

impl Unreadable {
    /// A stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Unreadable::NotJson => "not_json",
            Unreadable::NewerVersion(_) => "newer_version",
            Unreadable::UnknownForm => "unknown_form",
            Unreadable::BadFields => "bad_fields",
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::NotJson => write!(f, "unreadable: not JSON"),
            Unreadable::NewerVersion(v) => write!(
                f,
                "stored by a newer version of the gateway (v{v}, this one reads up to v{VERSION})"
            ),
            Unreadable::UnknownForm => {
                write!(f, "neither a v1 conversation nor a versioned envelope")
            }
            Unreadable::BadFields => write!(f, "unreadable: its fields are not a conversation"),
        }
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    v: u64,
    conversation: &'a v7::Conversation,
}

/// The text to store.
pub fn encode(conversation: &v7::Conversation) -> Result<String, String> {
    serde_json::to_string(&Envelope {
        v: VERSION,
        conversation,
    })
    .map_err(|e| e.to_string())
}

#[derive(Serialize)]
struct MessageEnvelope<'a> {
    v: u64,
    message: &'a v7::Message,
}

/// The text of an archived message's row (v6 on).
pub fn encode_message(message: &v7::Message) -> Result<String, String> {
    serde_json::to_string(&MessageEnvelope {
        v: VERSION,
        message,
    })
    .map_err(|e| e.to_string())
}

/// An archived message's row, of this version or a newer one read leniently, or a v6 row
/// migrated; `None` when it cannot be read.
pub fn decode_message(text: &str) -> Option<v7::Message> {
    #[derive(Deserialize)]
    struct Row<M> {
        v: u64,
        message: M,
    }
    if let Some(row) = serde_json::from_str::<Row<v7::Message>>(text)
        .ok()
        .filter(|r| r.v >= 7)
    {
        return Some(row.message);
    }
    serde_json::from_str::<Row<v5::Message>>(text)
        .ok()
        .filter(|r| r.v == 6)
        .map(|r| older::v6_message_to_v7(r.message))
}

/// What the archive's weekly prune does with a row (`prune_verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PruneVerdict {
    /// Finished at this time, within its week: kept (the archive's oldest is among these).
    Keep(u64),
    /// Written by a newer version in a form this one cannot read its finish from: left to that
    /// version (after a rollback), and not counted as the archive's oldest.
    KeepNewer,
    /// Past its week, or unreadable: nothing would ever read it again.
    Delete,
}

/// The prune's verdict on an archived row, finished before `before` or not. Only when the
/// message finished is read, leniently (`{"message": {"finished_ms": ...}}`, whatever else the
/// row holds), so a row of a newer version (after a rollback) is judged by its age rather than
/// deleted as unreadable; one whose finish cannot be read is kept when a newer version wrote it.
pub fn prune_verdict(text: &str, before: u64) -> PruneVerdict {
    let Ok(row) = serde_json::from_str::<Value>(text) else {
        return PruneVerdict::Delete;
    };
    match row["message"]["finished_ms"].as_u64() {
        Some(at) if at >= before => PruneVerdict::Keep(at),
        Some(_) => PruneVerdict::Delete,
        None if row["v"].as_u64().is_some_and(|v| v > VERSION) => PruneVerdict::KeepNewer,
        None => PruneVerdict::Delete,
    }
}

/// What `decode_reporting` read.
#[derive(Debug)]
pub struct Decoded {
    pub conversation: v7::Conversation,
    /// Not stored in the current form: the next save stores it so.
    pub migrated: bool,
    /// Written by a newer version (after a rollback) and read with this version's types: the
    /// fields this version does not know are dropped by the next save (worth a log line).
    pub read_newer: Option<u64>,
}

/// A stored conversation, of any version this code knows, as the current stored type; whether
/// it was migrated (the caller may store it again in the current form); and when a newer
/// version's value was read leniently. A newer version's value is read with the current types first (serde skips the fields they do not name: none of the
/// conversation's types denies unknown fields); only if that fails is it unreadable
/// (`NewerVersion`, then quarantined), so that a rollback loses nothing it can still read.
pub fn decode_reporting(text: &str) -> Result<Decoded, Unreadable> {
    // Read straight from the text into the stored type, never through a `Value` tree: every
    // load of every step does this, and one deserializer of the types keeps the bundle small.
    #[derive(Deserialize)]
    struct Envelope<C> {
        conversation: C,
    }
    #[derive(Deserialize)]
    struct Current {
        v: u64,
        conversation: v7::Conversation,
    }
    if let Ok(Current {
        v: VERSION,
        conversation,
    }) = serde_json::from_str(text)
    {
        return Ok(Decoded {
            conversation,
            migrated: false,
            read_newer: None,
        });
    }
    /// What tells the forms apart, without reading the conversation.
    #[derive(Deserialize)]
    struct Form {
        #[serde(default)]
        v: Option<Value>,
        #[serde(default)]
        conversation: Option<IgnoredAny>,
        #[serde(default)]
        customer: Option<IgnoredAny>,
    }
    let form: Form =
        serde_json::from_str(text).map_err(|_| match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => Unreadable::UnknownForm,
            Err(_) => Unreadable::NotJson,
        })?;
    let version = form.v.as_ref().and_then(Value::as_u64);
    fn enveloped<C: serde::de::DeserializeOwned>(text: &str, form: &Form) -> Result<C, Unreadable> {
        if form.conversation.is_none() {
            return Err(Unreadable::UnknownForm);
        }
        serde_json::from_str::<Envelope<C>>(text)
            .map(|e| e.conversation)
            .map_err(|_| Unreadable::BadFields)
    }
    let v6 = match version {
        None if form.customer.is_some() => {
            let bare = serde_json::from_str(text).map_err(|_| Unreadable::BadFields)?;
            older::upgrade(1, bare)
        }
        None => return Err(Unreadable::UnknownForm),
        Some(older @ 2..=4) => older::upgrade(older, enveloped(text, &form)?),
        // v5 reads as v6: what v6 adds is optional (no message archived yet).
        Some(5 | 6) => enveloped(text, &form)?,
        Some(VERSION) => {
            return Ok(Decoded {
                conversation: enveloped(text, &form)?,
                migrated: false,
                read_newer: None,
            })
        }
        Some(newer) if newer > VERSION => {
            return enveloped(text, &form)
                .map(|conversation| Decoded {
                    conversation,
                    migrated: true,
                    read_newer: Some(newer),
                })
                .map_err(|_| Unreadable::NewerVersion(newer));
        }
        Some(_) => return Err(Unreadable::UnknownForm),
    };
    Ok(Decoded {
        conversation: v6.map_messages(older::v6_message_to_v7),
        migrated: true,
        read_newer: None,
    })
}

#[cfg(test)]
mod every_field;
#[cfg(test)]
mod every_field_v6;
#[cfg(test)]
mod tests;
