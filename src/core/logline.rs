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

    /// The JSON line, with `secrets` and any phone-number-like digit run masked.
    pub fn finish(&self, secrets: &[&str]) -> String {
        scrub(&Value::Object(self.fields.clone()).to_string(), secrets)
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
}
