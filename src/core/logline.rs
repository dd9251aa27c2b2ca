//! Structured log lines: one JSON object per event, on one line.
//! Callers pass masked values; `finish` scrubs secrets and long digit runs as a safety net.

use crate::core::redact::scrub;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub level: Level,
    fields: Map<String, Value>,
}

impl LogLine {
    pub fn new(level: Level, event: &str) -> Self {
        let mut fields = Map::new();
        fields.insert("level".into(), level.as_str().into());
        fields.insert("event".into(), event.into());
        LogLine { level, fields }
    }

    pub fn info(event: &str) -> Self {
        Self::new(Level::Info, event)
    }

    pub fn warn(event: &str) -> Self {
        Self::new(Level::Warn, event)
    }

    pub fn error(event: &str) -> Self {
        Self::new(Level::Error, event)
    }

    pub fn field(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    pub fn opt(self, key: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    pub fn event(&self) -> &str {
        self.fields
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// The JSON line, with `secrets` and any phone-number-like digit run masked. Each name and
    /// text is scrubbed on its own, before it is written as JSON: a count or an id logged as a
    /// number (`"bytes":5200000`) is not a phone number, and a masked value stays valid JSON.
    pub fn finish(&self, secrets: &[&str]) -> String {
        let fields = self
            .fields
            .iter()
            .map(|(key, value)| (scrub(key, secrets), scrubbed(key, value, secrets)))
            .collect();
        Value::Object(fields).to_string()
    }
}

/// Names of fields whose numbers are counts, durations, sizes, codes or Zendesk ids: never a
/// phone number, so not masked however many digits they have. Phone numbers are only ever
/// logged as text (masked by the caller: `mask_phone`, `mask_sender`); a number under any
/// other name that looks like one is masked all the same, so a phone number logged as a
/// number by mistake does not slip through.
const NUMBER_FIELDS: [&str; 20] = [
    "ticket_id",
    "comment_id",
    "follow_up_of",
    "requester_id",
    "author_id",
    "status",
    "twilio_code",
    "error_code",
    "bytes",
    "size",
    "ms",
    "attempt",
    "attempts",
    "duplicates",
    "queue",
    "index",
    "part",
    "parts",
    "merged",
    "num_media",
];

/// Suffixes that name a unit (`retry_in_ms`, `retry_after_secs`, `body_chars`): counts too.
const NUMBER_FIELD_SUFFIXES: [&str; 4] = ["_ms", "_secs", "_bytes", "_chars"];

fn is_number_field(key: &str) -> bool {
    NUMBER_FIELDS.contains(&key) || NUMBER_FIELD_SUFFIXES.iter().any(|s| key.ends_with(s))
}

/// `value` with secrets and phone numbers masked: texts always, numbers unless `key` names a
/// count or an id (a masked number becomes the masked text).
fn scrubbed(key: &str, value: &Value, secrets: &[&str]) -> Value {
    match value {
        Value::String(text) => Value::String(scrub(text, secrets)),
        Value::Number(n) if !is_number_field(key) => {
            let text = n.to_string();
            let masked = scrub(&text, secrets);
            if masked == text {
                value.clone()
            } else {
                Value::String(masked)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| scrubbed(key, item, secrets))
                .collect(),
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (scrub(k, secrets), scrubbed(k, v, secrets)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_json_object_per_line_with_scrubbing() {
        let line = LogLine::warn("webhook.refused")
            .field("reason", "bad signature\nfrom +15550001234")
            .field("status", 403)
            .opt("ticket_id", None::<u64>)
            .finish(&["topsecret"]);
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["level"], "warn");
        assert_eq!(v["event"], "webhook.refused");
        assert_eq!(v["status"], 403);
        assert!(v.get("ticket_id").is_none());
        assert!(!line.contains("15550001234"));
        let leaked = LogLine::info("x")
            .field("oops", "topsecret")
            .finish(&["topsecret"]);
        assert!(!leaked.contains("topsecret"));
    }

    #[test]
    fn counts_and_ids_are_numbers_not_phone_numbers() {
        let line = LogLine::warn("media.skipped")
            .field("bytes", 5_200_000)
            .field("ticket_id", 12_345_678_u64)
            .field("comment_id", 39_845_112_345_u64)
            .field("ms", 1_234_567)
            .field("retry_in_ms", 86_400_000)
            .field("reason", "5200000 bytes, over the 5242880 byte limit")
            .field("from", "+15550001234")
            .finish(&[]);
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["bytes"], 5_200_000);
        assert_eq!(v["ticket_id"], 12_345_678);
        assert_eq!(v["comment_id"], 39_845_112_345_u64);
        assert_eq!(v["ms"], 1_234_567);
        assert_eq!(v["retry_in_ms"], 86_400_000);
        assert_eq!(v["reason"], "5200000 bytes, over the 5242880 byte limit");
        assert_eq!(v["from"], "+1555***1234");
    }

    #[test]
    fn a_phone_number_never_slips_through_a_number_field() {
        // No phone is logged as a number today; if one ever is, under a name that is not a
        // count or an id, it is masked (and the line stays valid JSON).
        let line = LogLine::info("x")
            .field("to", 15_550_001_234_u64)
            .field("wa_id", 447_700_900_123_u64)
            .field("nested", serde_json::json!({"phone": 15_550_009_999_u64, "list": ["+15550004321", 15_550_008_888_u64]}))
            .finish(&[]);
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["to"], "+1555***1234");
        assert_eq!(v["wa_id"], "+4477***0123");
        for digits in [
            "15550001234",
            "447700900123",
            "15550009999",
            "15550004321",
            "15550008888",
        ] {
            assert!(!line.contains(digits), "{digits} in {line}");
        }
        // short numbers are never phone numbers, whatever their name
        let short = LogLine::info("x").field("to", 123_456).finish(&[]);
        assert!(short.contains(r#""to":123456"#), "{short}");
    }
}
