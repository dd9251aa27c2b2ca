//! What can still be read of a stored value `decode` refused: lenient by design (it reads a
//! `serde_json::Value`, or the text itself when that is not JSON any more), in the current
//! stored types; `Conversation::recovered` carries it on.

use super::{older, v5, v7};
use crate::core::form::Sender;
use serde::Deserialize;
use serde_json::Value;

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
    pub pending: Vec<v7::Message>,
    pub tickets: Vec<v5::KnownTicket>,
    pub open_ticket: Option<v5::OpenTicket>,
    pub last_inbound_ms: Option<u64>,
    /// The conversation's channel, the number its customer wrote to, their WhatsApp user id and
    /// the address they last wrote from: without them a recovered conversation of another
    /// channel would make its tickets in the default brand and answer from the default number.
    pub channel: Option<String>,
    pub receiving: Option<String>,
    pub user_id: Option<String>,
    pub reply_to: Option<Sender>,
}

pub fn salvage(text: &str) -> Salvage {
    let mut salvage = Salvage {
        customer: salvage_field(text, "customer"),
        sids: salvage_sids(text),
        channel: salvage_field(text, "channel"),
        receiving: salvage_field(text, "receiving"),
        user_id: salvage_field(text, "user_id"),
        reply_to: salvage_field(text, "reply_to"),
        ..Salvage::default()
    };
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return salvage;
    };
    let conv = value.get("conversation").unwrap_or(&value);
    let list = |key: &str| conv[key].as_array().cloned().unwrap_or_default();
    // A bare v1 value has no envelope (no `v`): a v6-or-older message as well.
    let older_than_v7 = value["v"].as_u64().is_none_or(|v| v < 7);
    salvage.pending = list("messages")
        .iter()
        .filter_map(|m| salvage_pending(m, older_than_v7))
        .collect();
    salvage.pending.sort_by_key(|m| m.received_ms);
    salvage.tickets = list("tickets")
        .iter()
        .filter_map(|t| {
            Some(v5::KnownTicket {
                id: t["id"].as_u64()?,
                requester_id: t["requester_id"].as_u64(),
                requester_change_noted: t["requester_change_noted"].as_bool().unwrap_or(false),
                not_forwarded_noted: t["not_forwarded_noted"].as_bool().unwrap_or(false),
                merged_into: t["merged_into"].as_u64(),
                merged_from: t["merged_from"].as_u64(),
                merged_at_ms: t["merged_at_ms"].as_u64(),
            })
        })
        .collect();
    salvage.open_ticket = conv["open_ticket"]["id"].as_u64().map(|id| v5::OpenTicket {
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
/// A message of a value older than v7 is read with v6's type first: its `content` label
/// (`{"kind": "media"}`) also reads as a v7 content, and the v7 type would then silently drop
/// its `body`, `media` and `location`.
fn salvage_pending(m: &Value, older_than_v7: bool) -> Option<v7::Message> {
    let sid = m["sid"].as_str()?;
    if !m["finished_ms"].is_null() || m["ticket"]["state"].as_str() != Some("pending") {
        return None;
    }
    if !crate::core::twilio_ids::is_message_sid(sid) {
        return None;
    }
    let as_v6 = || {
        v5::Message::deserialize(m).ok().map(|mut whole| {
            whole.reply = v5::ReplyStep::Waiting;
            older::v6_message_to_v7(whole)
        })
    };
    if older_than_v7 {
        if let Some(whole) = as_v6() {
            return Some(whole);
        }
    }
    if let Ok(mut whole) = v7::Message::deserialize(m) {
        whole.reply = v5::ReplyStep::Waiting;
        return Some(whole);
    }
    if let Some(whole) = as_v6() {
        return Some(whole);
    }
    // The text: v6's `body`, or what a v7 content holds under one of its names.
    let body = [&m["body"], &m["content"]["text"], &m["content"]["caption"]]
        .into_iter()
        .find_map(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Some(v7::Message {
        sid: sid.to_string(),
        received_ms: m["received_ms"].as_u64()?,
        body_chars: body.chars().count(),
        ticket: v5::TicketStep::Pending,
        reply: v5::ReplyStep::Waiting,
        retry: v5::Retry {
            step_started_ms: m["step_started_ms"].as_u64(),
            ..v5::Retry::default()
        },
        total_attempts: 0,
        unverified_comment: serde_json::from_value(m["unverified_comment"].clone())
            .ok()
            .flatten(),
        follow_up_of: m["follow_up_of"].as_u64(),
        skip_triage: m["skip_triage"].as_bool().unwrap_or(false),
        duplicates: 0,
        finished_ms: None,
        delivery: None,
        content: v7::Content::Text { text: body },
        language: m["language"].as_str().map(str::to_string),
        without_locale: m["without_locale"].as_bool().unwrap_or(false),
        facts: v7::Facts::default(),
    })
}

/// The value of the first `"customer":` key, read as a `Sender` (whatever follows it).
/// The first value of a conversation field named `key` that reads as a `T`, found in the text
/// itself (it may not be JSON any more). Only for keys no message or call has.
fn salvage_field<T: serde::de::DeserializeOwned>(text: &str, key: &str) -> Option<T> {
    let quoted = format!("\"{key}\"");
    let mut rest = text;
    while let Some(at) = rest.find(&quoted) {
        rest = &rest[at + quoted.len()..];
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix(':') {
            let mut de = serde_json::Deserializer::from_str(value);
            if let Ok(found) = T::deserialize(&mut de) {
                return Some(found);
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
