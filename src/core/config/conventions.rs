//! The configuration's conventions, shared by every variable: one way to write a boolean, the
//! log settings' values, which optional features are off (and why), and which bindings look
//! like settings but are read by nothing (a typo such as `FOLLOW_UP_ACK`). Only names and fixed
//! explanations leave this module, never a value.

use super::{Config, ConfigError};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// What every boolean variable accepts (case-insensitive).
pub const EXPECTED_BOOL: &str = "must be true or false (also 1/0, yes/no, on/off)";

/// The one parser of boolean variables: `true/1/yes/on` and `false/0/no/off`, any case.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `LOG_FORMAT`: `object` (the default, what Workers Logs indexes field by field) or `json`
/// (one JSON text line per event, what the sandbox, the tests and the bench read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Object,
    Json,
}

pub fn parse_log_format(raw: &str) -> Option<LogFormat> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "object" => Some(LogFormat::Object),
        "json" => Some(LogFormat::Json),
        _ => None,
    }
}

/// `REFUSAL_LOG_WINDOW_SECS`: the window of refused-signature summaries, in seconds.
pub fn parse_refusal_window_secs(raw: &str) -> Option<u64> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=3600).contains(s))
}

/// Validates the logging settings, which the shell reads on its own before the configuration
/// (`src/log.rs`, `src/usage.rs`: logs must work even when the configuration is invalid), so
/// that a wrong value is named by `/healthz` instead of being silently ignored.
pub(super) fn check_logging(get: &impl Fn(&str) -> Option<String>, err: &mut ConfigError) {
    if get("USAGE_LOG").is_some_and(|v| parse_bool(&v).is_none()) {
        err.bad("USAGE_LOG", EXPECTED_BOOL);
    }
    if get("LOG_FORMAT").is_some_and(|v| parse_log_format(&v).is_none()) {
        err.bad("LOG_FORMAT", "must be object or json");
    }
    if get("REFUSAL_LOG_WINDOW_SECS").is_some_and(|v| parse_refusal_window_secs(&v).is_none()) {
        err.bad(
            "REFUSAL_LOG_WINDOW_SECS",
            "must be a whole number of seconds from 1 to 3600",
        );
    }
}

/// An optional feature that is off with this configuration, and the setting that turns it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureOff {
    pub feature: &'static str,
    pub why: &'static str,
}

impl Config {
    /// The optional features this configuration leaves off, each with the variable to set.
    pub fn features_off(&self) -> Vec<FeatureOff> {
        let mut off = Vec::new();
        if self.admin_token.is_none() {
            off.push(FeatureOff {
                feature: "admin",
                why: "ADMIN_TOKEN is not set: /admin/ endpoints and the dashboard are disabled",
            });
        }
        if self.zendesk_webhook_secret.is_none() {
            off.push(FeatureOff {
                feature: "agent_replies",
                why: "ZENDESK_WEBHOOK_SECRET is not set: /zendesk/events answers 503, agents' replies are not sent to WhatsApp",
            });
        }
        if self
            .languages
            .default_language()
            .agent_reply_content_sid
            .is_none()
        {
            off.push(FeatureOff {
                feature: "agent_reply_template",
                why: "TWILIO_AGENT_REPLY_CONTENT_SID is not set: agents' replies after WhatsApp's 24-hour window cannot be delivered",
            });
        }
        if !self.alerts_on {
            off.push(FeatureOff {
                feature: "alerts",
                why: "ALERT_WEBHOOK_URL is not set: no alert is posted when messages fail or wait (docs/alerts.md)",
            });
        }
        if self.public_base_url.is_none() {
            off.push(FeatureOff {
                feature: "public_base_url",
                why: "PUBLIC_BASE_URL is not set: signatures are checked against the URL each request arrived at (set it for a custom domain or a proxy)",
            });
        }
        off
    }
}

/// The beginnings of the project's variable names: a binding that starts with one of these but
/// is read by nothing is most likely a typo.
pub const SETTING_PREFIXES: &[&str] = &[
    "TWILIO_",
    "ZENDESK_",
    "REPLY_",
    "TRIAGE_",
    "PRIORITY_",
    "MEDIA_",
    "RETRY_",
    "LANGUAGE",
    "FOLLOW",
    "USAGE_",
    "LOG_",
    "ADMIN_",
    "PUBLIC_",
    "REQUESTER_",
    "UPSTREAM_",
    "REFUSAL_",
    "ALERT_",
    "TYPING_",
    "CHANNEL",
];

/// Reads the configuration through `lookup` and also returns every name it asked for: what the
/// Worker reads, to tell which bindings nothing reads.
pub fn from_lookup_recording(
    lookup: impl Fn(&str) -> Option<String>,
) -> (Result<Config, ConfigError>, BTreeSet<String>) {
    let asked = RefCell::new(BTreeSet::new());
    let config = Config::from_lookup(|name| {
        asked.borrow_mut().insert(name.to_string());
        lookup(name)
    });
    (config, asked.into_inner())
}

/// The bindings with one of the project's prefixes that the configuration did not read, sorted.
pub fn unread_settings<'a>(
    bindings: impl IntoIterator<Item = &'a str>,
    read: &BTreeSet<String>,
) -> Vec<String> {
    let mut unread: Vec<String> = bindings
        .into_iter()
        .filter(|name| SETTING_PREFIXES.iter().any(|p| name.starts_with(p)))
        .filter(|name| !read.contains(*name))
        .map(str::to_string)
        .collect();
    unread.sort();
    unread.dedup();
    unread
}

/// The settings that are secrets: deployed with `wrangler secret` / `--secrets-file`, never as
/// plain variables (which the dashboard shows and `wrangler.toml` would hold).
pub const SECRET_NAMES: &[&str] = &[
    "TWILIO_AUTH_TOKEN",
    "ZENDESK_API_KEY",
    "ZENDESK_API_TOKEN",
    "TWILIO_WEBHOOK_SECRET",
    "ZENDESK_WEBHOOK_SECRET",
    "ADMIN_TOKEN",
    // A Slack incoming webhook's URL is its credential.
    "ALERT_WEBHOOK_URL",
];

/// What `npm run deploy` checks before uploading anything (`examples/check_config.rs`): the
/// Worker's own rules on the union of the operator's variables and secrets, plus a secret
/// written among the plain variables, and names nothing reads. Names only, never values.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Preflight {
    pub error: Option<ConfigError>,
    pub secrets_as_vars: Vec<String>,
    pub unread: Vec<String>,
}

impl Preflight {
    pub fn ready(&self) -> bool {
        self.error.is_none() && self.secrets_as_vars.is_empty()
    }
}

pub fn preflight(vars: &[(String, String)], secrets: &[(String, String)]) -> Preflight {
    let all = || vars.iter().chain(secrets);
    let (config, read) =
        from_lookup_recording(|name| all().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    let mut secrets_as_vars: Vec<String> = vars
        .iter()
        .filter(|(k, _)| SECRET_NAMES.contains(&k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    secrets_as_vars.sort();
    Preflight {
        error: config.err(),
        secrets_as_vars,
        unread: unread_settings(all().map(|(k, _)| k.as_str()), &read),
    }
}

#[cfg(test)]
#[path = "conventions_tests.rs"]
mod tests;
