//! The stored form of a conversation, versioned: what the Durable Object writes is an envelope
//! `{"v": 2, "conversation": {...}}`, never the domain type bare, and every older form has a
//! migration to the current one. A change to the domain types that changes the stored JSON
//! fails `the_stored_shape_is_pinned` below: it must come with a new version and a migration,
//! instead of silently becoming one.
//!
//! - v1: the bare `Conversation` JSON, written up to commit 0df866a (no envelope). Its look-up
//!   index bookkeeping (`indexed` on messages and tickets, `masked_indexed`) is dropped: the
//!   directory now travels with the metrics (`metrics_do`).
//! - v2: the envelope; the conversation may carry `early_agent_events` and `unsent_metrics`.
//! - v3: each message says what it is (`content`: text, media, location, a pressed button...);
//!   a v2 message gets it from what it carries (files: media; a location: location; else text).
//! - v4: the conversation may remember the customer's `language`, and each message says the
//!   `language` it was read in (and `without_locale` once Zendesk refused its locale); a v3 conversation has neither and is read in the default
//!   language until its customer writes again (nothing to convert, hence no migration step).
//! - v5: a message may end refused (`"ticket": {"state": "queue_full"}`, the customer's queue was
//!   full) or recovered (`{"state": "recovered"}`, known only from a quarantined value); a
//!   finished message keeps no location or file links. A v4 conversation reads as it is (nothing
//!   to convert); a v4 gateway cannot read a v5 one, hence the new version. A v5 conversation
//!   may also carry `wake` (the timer it asked to be woken for): optional, ignored by a v5
//!   gateway that predates it, so no new version.
//!
//! A newer version's value (after a rollback) is read with the current types when it can be
//! (`decode_reporting`). A stored value this code cannot read (a newer version's whose fields
//! changed; a corrupted one) is not retried forever: the shell quarantines it (`salvage` reads
//! what it still can, `Conversation::recovered` carries it on).

use crate::core::conversation::{
    Conversation, KnownTicket, Message, OpenTicket, ReplyStep, TicketStep,
};
use crate::core::form::Sender;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const VERSION: u64 = 5;

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
    conversation: &'a Conversation,
}

/// The text to store.
pub fn encode(conversation: &Conversation) -> Result<String, String> {
    serde_json::to_string(&Envelope {
        v: VERSION,
        conversation,
    })
    .map_err(|e| e.to_string())
}

/// A stored conversation, of any version this code knows, as the current type; and whether it
/// was migrated (the caller may store it again in the current form). The error never carries
/// any of the value's content (serde's messages may quote it).
pub fn decode(text: &str) -> Result<(Conversation, bool), Unreadable> {
    decode_reporting(text).map(|d| (d.conversation, d.migrated))
}

/// What `decode_reporting` read.
#[derive(Debug)]
pub struct Decoded {
    pub conversation: Conversation,
    /// Not stored in the current form: the next save stores it so.
    pub migrated: bool,
    /// Written by a newer version (after a rollback) and read with this version's types: the
    /// fields this version does not know are dropped by the next save (worth a log line).
    pub read_newer: Option<u64>,
}

/// `decode`, saying when a newer version's value was read leniently. A newer version's value is
/// read with the current types first (serde skips the fields they do not name: none of the
/// conversation's types denies unknown fields); only if that fails is it unreadable
/// (`NewerVersion`, then quarantined), so that a rollback loses nothing it can still read.
pub fn decode_reporting(text: &str) -> Result<Decoded, Unreadable> {
    let value: Value = serde_json::from_str(text).map_err(|_| Unreadable::NotJson)?;
    let version = value.get("v").and_then(Value::as_u64);
    let conversation = match version {
        None if value.get("customer").is_some() => migrate_v2(migrate_v1(value)),
        None => return Err(Unreadable::UnknownForm),
        Some(2) => migrate_v2(envelope_contents(value)?),
        Some(3..=VERSION) => envelope_contents(value)?,
        Some(newer) if newer > VERSION => {
            let contents = envelope_contents(value).map_err(|_| Unreadable::NewerVersion(newer))?;
            return serde_json::from_value(contents)
                .map(|conversation| Decoded {
                    conversation,
                    migrated: true,
                    read_newer: Some(newer),
                })
                .map_err(|_| Unreadable::NewerVersion(newer));
        }
        Some(_) => return Err(Unreadable::UnknownForm),
    };
    serde_json::from_value(conversation)
        .map(|conversation| Decoded {
            conversation,
            migrated: version != Some(VERSION),
            read_newer: None,
        })
        .map_err(|_| Unreadable::BadFields)
}

/// What can still be read from a value `decode` refused, leniently (it may be truncated, or a
/// newer version's): the customer, and the MessageSids of the messages it recorded. When it is
/// still JSON: also the messages whose ticket step was still to do (each as far as its fields
/// read), the tickets the conversation knew, its open ticket and when the customer last wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Salvage {
    pub customer: Option<Sender>,
    /// In the order stored (unfinished messages first), without repeats.
    pub sids: Vec<String>,
    /// Unfinished messages whose ticket or comment was still to be made, in arrival order.
    pub pending: Vec<Message>,
    pub tickets: Vec<KnownTicket>,
    pub open_ticket: Option<OpenTicket>,
    pub last_inbound_ms: Option<u64>,
}

pub fn salvage(text: &str) -> Salvage {
    let mut salvage = Salvage {
        customer: salvage_customer(text),
        sids: salvage_sids(text),
        ..Salvage::default()
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return salvage;
    };
    let conv = value.get("conversation").unwrap_or(&value);
    let list = |key: &str| conv[key].as_array().cloned().unwrap_or_default();
    salvage.pending = list("messages")
        .iter()
        .filter_map(salvage_pending)
        .collect();
    salvage.pending.sort_by_key(|m| m.received_ms);
    salvage.tickets = list("tickets")
        .iter()
        .filter_map(|t| {
            Some(KnownTicket {
                id: t["id"].as_u64()?,
                requester_id: t["requester_id"].as_u64(),
                requester_change_noted: t["requester_change_noted"].as_bool().unwrap_or(false),
                not_forwarded_noted: t["not_forwarded_noted"].as_bool().unwrap_or(false),
            })
        })
        .collect();
    salvage.open_ticket = conv["open_ticket"]["id"].as_u64().map(|id| OpenTicket {
        id,
        requester_id: conv["open_ticket"]["requester_id"].as_u64(),
        recent_updates_ms: serde_json::from_value(conv["open_ticket"]["recent_updates_ms"].clone())
            .unwrap_or_default(),
        throttled: false,
    });
    salvage.last_inbound_ms = conv["last_inbound_ms"].as_u64();
    salvage
}

/// An unfinished message whose ticket step is still to do (`"ticket": {"state": "pending"}`):
/// read whole with the current type when it can be, else its MessageSid, text and arrival, and
/// what decides its ticket (a follow-up, triage skipped, language, the create's key). A message
/// whose ticket or comment was made is not one of them (making it again would double it).
fn salvage_pending(m: &Value) -> Option<Message> {
    let sid = m["sid"].as_str()?;
    if !m["finished_ms"].is_null() || m["ticket"]["state"].as_str() != Some("pending") {
        return None;
    }
    if !crate::core::twilio_ids::is_message_sid(sid) {
        return None;
    }
    if let Ok(mut whole) = Message::deserialize(m) {
        whole.reply = ReplyStep::Waiting;
        return Some(whole);
    }
    let body = m["body"].as_str().unwrap_or_default().to_string();
    let mut message = Message::recorded(
        sid.to_string(),
        m["received_ms"].as_u64()?,
        TicketStep::Pending,
    );
    message.body_chars = body.chars().count();
    message.body = body;
    message.reply = ReplyStep::Waiting;
    message.retry.step_started_ms = m["step_started_ms"].as_u64();
    message.unverified_comment = serde_json::from_value(m["unverified_comment"].clone())
        .ok()
        .flatten();
    message.follow_up_of = m["follow_up_of"].as_u64();
    message.skip_triage = m["skip_triage"].as_bool().unwrap_or(false);
    message.language = m["language"].as_str().map(str::to_string);
    message.without_locale = m["without_locale"].as_bool().unwrap_or(false);
    Some(message)
}

/// The value of the first `"customer":` key, read as a `Sender` (whatever follows it).
fn salvage_customer(text: &str) -> Option<Sender> {
    let mut rest = text;
    while let Some(at) = rest.find("\"customer\"") {
        rest = &rest[at + "\"customer\"".len()..];
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix(':') {
            let mut de = serde_json::Deserializer::from_str(value);
            if let Ok(sender) = Sender::deserialize(&mut de) {
                return Some(sender);
            }
        }
    }
    None
}

/// The MessageSids of the messages a stored value recorded. Readable JSON (a newer version's):
/// the `sid` of every object in any `messages` array, wherever it is nested. Unreadable JSON
/// (truncated, corrupted): every `"sid"` that opens an object, as this code writes a message
/// (a reply's or a call's `sid` never comes first). Only Twilio message SIDs, each once.
fn salvage_sids(text: &str) -> Vec<String> {
    let mut sids: Vec<String> = Vec::new();
    let mut add = |sid: &str| {
        if crate::core::twilio_ids::is_message_sid(sid) && !sids.iter().any(|s| s == sid) {
            sids.push(sid.to_string());
        }
    };
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(o) => {
                    if let Some(Value::Array(messages)) = o.get("messages") {
                        for sid in messages.iter().filter_map(|m| m["sid"].as_str()) {
                            add(sid);
                        }
                    }
                    stack.extend(o.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        return sids;
    }
    let mut from = 0;
    while let Some(at) = text[from..].find("\"sid\"") {
        let key = from + at;
        from = key + "\"sid\"".len();
        if !text[..key].trim_end().ends_with('{') {
            continue;
        }
        let value = text[from..].trim_start().strip_prefix(':');
        let value = value.and_then(|v| v.trim_start().strip_prefix('"'));
        if let Some(sid) = value.and_then(|v| v.find('"').map(|end| &v[..end])) {
            add(sid);
        }
    }
    sids
}

fn envelope_contents(mut value: Value) -> Result<Value, Unreadable> {
    value
        .get_mut("conversation")
        .map(Value::take)
        .ok_or(Unreadable::UnknownForm)
}

/// v1 -> v2: the index bookkeeping goes; everything else kept its shape.
fn migrate_v1(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.remove("masked_indexed");
        for list in ["messages", "tickets"] {
            if let Some(Value::Array(items)) = object.get_mut(list) {
                for item in items {
                    if let Some(item) = item.as_object_mut() {
                        item.remove("indexed");
                    }
                }
            }
        }
    }
    value
}

/// v2 -> v3: each message says what it is, from what it carries.
fn migrate_v2(mut value: Value) -> Value {
    if let Some(Value::Array(messages)) = value.get_mut("messages") {
        for m in messages {
            let kind = if m["media"].as_array().is_some_and(|a| !a.is_empty()) {
                "media"
            } else if m["location"].is_string() {
                "location"
            } else {
                "text"
            };
            if let Some(m) = m.as_object_mut() {
                m.entry("content")
                    .or_insert_with(|| serde_json::json!({ "kind": kind }));
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::conversation::{Ctx, Effect, Event};

    /// A conversation as commit 0df866a stored it: a ticket made and confirmed, an agent's reply
    /// waiting to be read, and a follow-up with a photo not yet handled.
    const STORED_BY_0DF866A: &str = include_str!("fixtures/conversation_stored_by_0df866a.json");

    fn config() -> Config {
        crate::core::config::for_tests(&[])
    }

    #[test]
    fn a_conversation_stored_by_the_previous_version_loads_and_carries_on() {
        let (mut conv, migrated) = decode(STORED_BY_0DF866A).unwrap();
        assert!(migrated);
        assert_eq!(conv.open_ticket.as_ref().map(|t| t.id), Some(1000));
        assert_eq!(conv.pending_count(), 1, "the follow-up is still to do");
        let config = config();
        let ctx = Ctx {
            now_ms: 1_800_000_100_000,
            jitter: 0.5,
            config: &config,
            conversation_id: "abc",
        };
        // The next step is the follow-up's photo, to Zendesk's upload (nothing was lost).
        let out = conv.step(Event::Wake, &ctx);
        let Some(Effect::Transfer(transfer)) = out.effect else {
            panic!("expected the photo's transfer, got {:?}", out.effect);
        };
        assert!(transfer.download.url.contains("/Media/ME0123456789abcdef"));
        // Stored again, it is the current version and reads back the same.
        let text = encode(&conv).unwrap();
        assert!(text.starts_with("{\"v\":5,"));
        let (again, migrated) = decode(&text).unwrap();
        assert!(!migrated);
        assert_eq!(again, conv);
    }

    #[test]
    fn the_stored_shape_is_pinned() {
        // The previous version's conversation, migrated and stored again: its JSON keys must be
        // the v2 form's. A domain change that adds, renames or drops a stored field fails here:
        // bump VERSION and write the migration.
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let stored: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        let keys = |v: &Value| -> Vec<String> {
            v.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        let c = &stored["conversation"];
        assert_eq!(
            keys(c),
            [
                "agent_replies",
                "check_retry",
                "checks",
                "customer",
                "in_flight",
                "last_inbound_ms",
                "messages",
                "notes",
                "open_ticket",
                "public_origin",
                "rechecks",
                "seen_comments",
                "tickets"
            ]
        );
        assert_eq!(
            keys(&c["messages"][0]),
            [
                "attempts",
                "body",
                "body_chars",
                "content",
                "delivery",
                "duplicates",
                "finished_ms",
                "follow_up_of",
                "last_error",
                "location",
                "media",
                "not_before_ms",
                "received_ms",
                "reply",
                "sid",
                "skip_triage",
                "step_started_ms",
                "ticket",
                "total_attempts",
                "unverified_comment",
                "verify_first"
            ]
        );
    }

    #[test]
    fn a_v2_conversation_gets_each_messages_content_from_what_it_carries() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let mut v2: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        v2["v"] = 2.into();
        for m in v2["conversation"]["messages"].as_array_mut().unwrap() {
            m.as_object_mut().unwrap().remove("content");
        }
        let (migrated, was_migrated) = decode(&v2.to_string()).unwrap();
        assert!(was_migrated);
        let kinds: Vec<&str> = migrated.messages.iter().map(|m| m.content.name()).collect();
        assert_eq!(
            kinds,
            ["media", "text"],
            "the photo follow-up, then the first message"
        );
    }

    #[test]
    fn a_v3_conversation_loads_without_languages_and_is_stored_in_the_current_form() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let mut v3: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        v3["v"] = 3.into();
        let (loaded, was_migrated) = decode(&v3.to_string()).unwrap();
        assert!(was_migrated, "stored again in the current form");
        assert_eq!(loaded.language, None);
        assert!(loaded.messages.iter().all(|m| m.language.is_none()));
        assert!(encode(&loaded).unwrap().starts_with("{\"v\":5,"));
    }

    #[test]
    fn a_v4_conversation_reads_as_it_is() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let mut v4: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        v4["v"] = 4.into();
        let (loaded, was_migrated) = decode(&v4.to_string()).unwrap();
        assert!(was_migrated, "stored again in the current form");
        assert_eq!(loaded, conv);
    }

    #[test]
    fn an_unreadable_value_says_why_without_its_content() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let mut bad: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        bad["conversation"]["messages"][0]["body_chars"] = "my secret order 4711".into();
        let why = decode(&bad.to_string()).unwrap_err();
        assert_eq!(why, Unreadable::BadFields);
        assert!(!why.to_string().contains("secret"), "{why}");
        let text = encode(&conv).unwrap();
        assert_eq!(
            decode(&text[..text.len() / 2]).unwrap_err(),
            Unreadable::NotJson
        );
    }

    #[test]
    fn salvage_reads_the_customer_and_message_sids_leniently() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let text = encode(&conv).unwrap();
        let customer = Some(Sender::Phone("+15550001234".into()));
        let both = vec![
            "MM0123456789abcdef0123456789abcdef".to_string(),
            // SM1 is not a Twilio SID; the reply's SM000... is not a message of the customer.
        ];
        // Whole JSON, but not readable with this version's types (a newer version's whose
        // fields changed): what its messages say, and the pending follow-up whole.
        let mut newer: Value = serde_json::from_str(&text).unwrap();
        newer["v"] = 99.into();
        newer["conversation"]["checks"] = "a form this version does not know".into();
        let newer = newer.to_string();
        assert_eq!(decode(&newer).unwrap_err(), Unreadable::NewerVersion(99));
        let got = salvage(&newer);
        assert_eq!((&got.customer, &got.sids), (&customer, &both));
        let pending: Vec<&str> = got.pending.iter().map(|m| m.sid.as_str()).collect();
        assert_eq!(pending, [both[0].as_str()], "the follow-up, still to do");
        assert_eq!(got.pending[0].media.len(), 1, "with its photo");
        assert_eq!(got.tickets.iter().map(|t| t.id).collect::<Vec<_>>(), [1000]);
        assert_eq!(got.open_ticket.as_ref().map(|t| t.id), Some(1000));
        // Cut short (not JSON any more): read from the text.
        let cut = &text[..text.find("\"in_flight\"").unwrap()];
        assert_eq!(
            salvage(cut),
            Salvage {
                customer: customer.clone(),
                sids: both,
                ..Salvage::default()
            }
        );
        // Cut before anything useful, or garbage: nothing, and no panic.
        assert_eq!(salvage(&text[..12]), Salvage::default());
        assert_eq!(salvage("\u{0}\"sid\":{\"customer\":"), Salvage::default());
        assert_eq!(salvage(""), Salvage::default());
    }

    #[test]
    fn a_newer_versions_value_is_read_with_this_versions_types_when_it_can_be() {
        let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
        let mut newer: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
        newer["v"] = 6.into();
        newer["conversation"]["a_field_of_v6"] = serde_json::json!({"x": 1});
        newer["conversation"]["messages"][0]["another"] = true.into();
        let read = decode_reporting(&newer.to_string()).unwrap();
        assert_eq!(read.read_newer, Some(6));
        assert!(read.migrated, "stored again in this version's form");
        assert_eq!(
            read.conversation, conv,
            "nothing this version knows is lost"
        );
    }

    #[test]
    fn unknown_forms_are_refused_not_guessed() {
        assert_eq!(
            decode("{\"v\":9,\"conversation\":{}}").unwrap_err(),
            Unreadable::NewerVersion(9)
        );
        assert!(decode("{\"something\":1}").is_err());
        assert!(decode("not json").is_err());
    }
}
