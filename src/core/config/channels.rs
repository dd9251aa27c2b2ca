//! Channels: the company's WhatsApp senders, each with where its tickets go in Zendesk and the
//! settings it changes. `CHANNELS` is one JSON object (Wrangler takes a table under `[vars]`
//! as is; `.dev.vars` and secrets take it as JSON text), keyed by the channel's id:
//!
//! ```json
//! {"acme-es": {"sender": "+34910000000", "brand_id": 360001, "group_id": 360002,
//!              "tags": ["acme_es"], "default_language": "es", "languages": ["es", "en"],
//!              "custom_fields": [{"id": 360005, "value": "{number}"}],
//!              "settings": {"REPLY_TICKET_CREATED_ES": "..."}}}
//! ```
//!
//! Today's variables are the default channel (`default`): a deployment without `CHANNELS`
//! behaves exactly as before. A channel's settings are overrides of the ordinary variables,
//! read by the same parser (`Config::from_lookup`), so every rule and error message of a
//! variable holds for it per channel, and a setting added later is per channel for free. Only
//! the account's own settings (credentials, Zendesk and Twilio origins, retries, limits, logs)
//! cannot differ by channel. Errors name the channel and the field, never a value.

use super::{Config, ConfigError};
use crate::core::twilio::ReplySender;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The channel today's variables make.
pub const DEFAULT_CHANNEL: &str = "default";

/// Where a channel's tickets go in Zendesk, and what they carry besides the seed's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketPlacement {
    pub brand_id: Option<u64>,
    pub group_id: Option<u64>,
    pub ticket_form_id: Option<u64>,
    /// Added to the seed's tags.
    pub tags: Vec<String>,
    /// Zendesk custom field ids and values; `{channel}` and `{number}` (the number the customer
    /// wrote to) in a text value are replaced when the ticket is made.
    pub custom_fields: Vec<(u64, Value)>,
}

/// The typed keys that stand for an ordinary variable (readable in `wrangler.toml`).
const KEY_VARIABLES: &[(&str, &str)] = &[
    ("default_language", "DEFAULT_LANGUAGE"),
    ("languages", "LANGUAGES"),
    ("requester_email_domain", "REQUESTER_EMAIL_DOMAIN"),
    ("requester_identity", "REQUESTER_IDENTITY"),
    ("business_hours", "BUSINESS_HOURS"),
    ("business_timezone", "BUSINESS_TIMEZONE"),
    ("business_holidays", "BUSINESS_HOLIDAYS"),
    ("typing_indicator", "TYPING_INDICATOR"),
    ("csat", "CSAT"),
    ("followup_ack", "FOLLOWUP_ACK"),
];

/// Whether a variable may differ by channel: what the customer hears and in which language,
/// how a message is triaged, who the requester is, when the team works. Not the account's
/// credentials, origins, retries, limits or logs (one Worker, one Zendesk, one Twilio account).
fn per_channel(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "LANGUAGE_WORDS_",
        "TRIAGE_",
        "PRIORITY_",
        "REPLY_",
        "REQUESTER_",
        "BUSINESS_",
        "TYPING_",
        "OPT_OUT",
        "OPT_IN",
        "CSAT",
    ];
    matches!(
        name,
        "DEFAULT_LANGUAGE" | "LANGUAGES" | "ZENDESK_LOCALE_IDS" | "FOLLOWUP_ACK" | "CSAT"
    ) || PREFIXES.iter().any(|p| name.starts_with(p))
        || (name.starts_with("TWILIO_") && name.contains("CONTENT_SID"))
}

/// A channel id: what names its conversations and its metrics, so short and plain.
fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `+14155238886`, `whatsapp:+14155238886` or `14155238886` to `+14155238886`.
pub fn normalise_number(raw: &str) -> Option<String> {
    let digits = raw
        .trim()
        .trim_start_matches("whatsapp:")
        .trim_start_matches('+');
    ((6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+{digits}"))
}

fn is_service_sid(s: &str) -> bool {
    s.starts_with("MG") && s.len() == 34 && s.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
}

/// A scalar or a list of scalars as a variable's text (lists comma-separated).
fn as_setting(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Array(_) | Value::Object(_) | Value::Null => None,
                other => as_setting(other),
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        Value::Null | Value::Object(_) => None,
    }
}

fn id_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| *n > 0)
}

/// One channel as written, before its settings are read.
struct Written {
    id: String,
    name: Option<String>,
    sender: Option<ReplySender>,
    numbers: Vec<String>,
    placement: TicketPlacement,
    overrides: BTreeMap<String, String>,
}

fn read_written(id: &str, value: &Value, err: &mut ConfigError) -> Option<Written> {
    let field = |name: &str| format!("CHANNELS.{id}.{name}");
    if !valid_id(id) {
        err.bad(
            &format!("CHANNELS.{}", id.chars().take(32).collect::<String>()),
            "a channel id is 1 to 32 lowercase letters, digits, - or _",
        );
        return None;
    }
    let Value::Object(entries) = value else {
        err.bad(
            &format!("CHANNELS.{id}"),
            "must be an object of the channel's fields",
        );
        return None;
    };
    let mut w = Written {
        id: id.to_string(),
        name: None,
        sender: None,
        numbers: Vec::new(),
        placement: TicketPlacement::default(),
        overrides: BTreeMap::new(),
    };
    for (key, value) in entries {
        let key = key.as_str();
        if let Some((_, var)) = KEY_VARIABLES.iter().find(|(k, _)| *k == key) {
            match as_setting(value) {
                Some(v) => {
                    w.overrides.insert(var.to_string(), v);
                }
                None => err.bad(&field(key), "must be text, a number, true/false or a list"),
            }
            continue;
        }
        match key {
            "name" => match value.as_str() {
                Some(n) if (1..=64).contains(&n.trim().chars().count()) => {
                    w.name = Some(n.trim().to_string())
                }
                _ => err.bad(&field(key), "must be a text of 1 to 64 characters"),
            },
            "sender" => match value.as_str().map(str::trim) {
                Some(s) if is_service_sid(s) => {
                    w.sender = Some(ReplySender::MessagingService(s.to_string()))
                }
                Some(s) => match normalise_number(s) {
                    Some(n) => {
                        w.numbers.push(n.clone());
                        w.sender = Some(ReplySender::From(format!("whatsapp:{n}")));
                    }
                    None => err.bad(
                        &field(key),
                        "must be a WhatsApp number like +14155238886 or a Messaging Service SID (MG and 32 hex digits)",
                    ),
                },
                None => err.bad(&field(key), "must be a number or a Messaging Service SID"),
            },
            "numbers" => {
                let list: Vec<Value> = match value {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for n in &list {
                    match n.as_str().and_then(normalise_number) {
                        Some(n) => w.numbers.push(n),
                        None => err.bad(&field(key), "must list WhatsApp numbers like +14155238886"),
                    }
                }
            }
            "brand_id" | "group_id" | "ticket_form_id" => match id_number(value) {
                Some(n) => match key {
                    "brand_id" => w.placement.brand_id = Some(n),
                    "group_id" => w.placement.group_id = Some(n),
                    _ => w.placement.ticket_form_id = Some(n),
                },
                None => err.bad(&field(key), "must be a Zendesk id (a positive whole number)"),
            },
            "tags" => match as_setting(value) {
                Some(tags) => {
                    for tag in tags.split([',', ' ']).filter(|t| !t.is_empty()) {
                        if tag.len() > 80 || tag.chars().any(|c| c.is_control()) {
                            err.bad(&field(key), "tags are words of at most 80 characters");
                        } else {
                            w.placement.tags.push(tag.to_ascii_lowercase());
                        }
                    }
                }
                None => err.bad(&field(key), "must be a list of tags"),
            },
            "custom_fields" => read_custom_fields(value, &field(key), &mut w, err),
            "settings" => match value {
                Value::Object(settings) => {
                    for (name, v) in settings {
                        let at = format!("CHANNELS.{id}.settings.{name}");
                        if !per_channel(name) {
                            err.bad(&at, "is a setting of the whole account, not of a channel");
                        } else if let Some(v) = as_setting(v) {
                            w.overrides.insert(name.clone(), v);
                        } else {
                            err.bad(&at, "must be text, a number, true/false or a list");
                        }
                    }
                }
                _ => err.bad(&field(key), "must be an object of variable names and values"),
            },
            _ => err.bad(
                &field(key),
                "is not a channel field (see docs/channels.md for the list)",
            ),
        }
    }
    w.numbers.sort();
    w.numbers.dedup();
    Some(w)
}

fn read_custom_fields(value: &Value, at: &str, w: &mut Written, err: &mut ConfigError) {
    let fields: Vec<(Option<u64>, Option<Value>)> = match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                (
                    item.get("id").and_then(id_number),
                    item.get("value").cloned(),
                )
            })
            .collect(),
        // `{"360005": "value"}`: the short form that reads well in a TOML table.
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (id_number(&Value::String(k.clone())), Some(v.clone())))
            .collect(),
        _ => vec![(None, None)],
    };
    for (id, value) in fields {
        match (id, value) {
            (Some(id), Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)))) => {
                w.placement.custom_fields.push((id, v))
            }
            _ => {
                err.bad(
                    at,
                    "must be a list of {\"id\": <field id>, \"value\": <text, number or true/false>}",
                );
                return;
            }
        }
    }
}

/// A channel as the gateway uses it: how it is found, and its own reading of the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: String,
    /// The numbers that route to it.
    pub numbers: Vec<String>,
    /// Its Messaging Service, when its sender is one.
    pub messaging_service: Option<String>,
    /// The configuration as this channel reads it (its sender, placement and overrides).
    pub config: Config,
}

/// Reads `CHANNELS` (absent: only the default channel) into `base` and its channels. A
/// channel's settings are read by `Config::read_base` through the base's lookup with the
/// channel's overrides on top; its errors are named `CHANNELS.<id>...`.
pub(super) fn read_channels(
    base: &mut Config,
    lookup: &dyn Fn(&str) -> Option<String>,
    err: &mut ConfigError,
) {
    let Some(raw) = lookup("CHANNELS") else {
        return;
    };
    let parsed: Value = match serde_json::from_str(&raw) {
        Ok(v) => v,
        Err(_) => {
            err.bad(
                "CHANNELS",
                "must be a JSON object of channels keyed by id (docs/channels.md)",
            );
            return;
        }
    };
    let Value::Object(entries) = parsed else {
        err.bad("CHANNELS", "must be a JSON object of channels keyed by id");
        return;
    };
    let mut owners: BTreeMap<String, String> = base
        .numbers
        .iter()
        .map(|n| (n.clone(), DEFAULT_CHANNEL.to_string()))
        .collect();
    let mut services: BTreeMap<String, String> = BTreeMap::new();
    if let ReplySender::MessagingService(sid) = &base.reply_sender {
        services.insert(sid.clone(), DEFAULT_CHANNEL.to_string());
    }
    for (id, value) in &entries {
        let Some(w) = read_written(id, value, err) else {
            continue;
        };
        let is_default = w.id == DEFAULT_CHANNEL;
        if !is_default && w.sender.is_none() {
            err.bad(
                &format!("CHANNELS.{id}.sender"),
                "is required: the number or Messaging Service the channel sends from",
            );
            continue;
        }
        if is_default && w.sender.is_some() {
            err.bad(&format!("CHANNELS.{id}.sender"), "the default channel sends from TWILIO_WHATSAPP_NUMBER: list further numbers in numbers");
            continue;
        }
        for n in &w.numbers {
            match owners.get(n) {
                Some(owner) if owner != &w.id => err.bad(
                    &format!("CHANNELS.{id}.numbers"),
                    &format!(
                        "a number of channel {owner} as well: each number routes to one channel"
                    ),
                ),
                _ => {
                    owners.insert(n.clone(), w.id.clone());
                }
            }
        }
        let service = match &w.sender {
            Some(ReplySender::MessagingService(sid)) => Some(sid.clone()),
            _ => None,
        };
        if let Some(sid) = &service {
            if let Some(owner) = services.get(sid).filter(|o| **o != w.id) {
                err.bad(
                    &format!("CHANNELS.{id}.sender"),
                    &format!("the Messaging Service of channel {owner} as well"),
                );
            }
            services.insert(sid.clone(), w.id.clone());
        }
        // The channel's own reading: the account's variables, its overrides on top, and no
        // `CHANNELS` (a channel has no channels). Overrides nothing reads are typos.
        let asked = RefCell::new(Vec::<String>::new());
        let overlay = |name: &str| -> Option<String> {
            if name == "CHANNELS" {
                return None;
            }
            asked.borrow_mut().push(name.to_string());
            w.overrides.get(name).cloned().or_else(|| lookup(name))
        };
        let read = Config::read_base(&overlay);
        for name in w.overrides.keys() {
            if !asked.borrow().contains(name) {
                err.bad(
                    &format!("CHANNELS.{id}.settings.{name}"),
                    "is read by nothing (a typo, or a setting this version does not have)",
                );
            }
        }
        let mut config = match read {
            Ok(c) => c,
            Err(inner) => {
                for name in inner.missing {
                    err.bad(&format!("CHANNELS.{id}: {name}"), "is required");
                }
                for (name, why) in inner.invalid {
                    err.bad(&format!("CHANNELS.{id}.{name}"), &why);
                }
                continue;
            }
        };
        config.channel = w.id.clone();
        config.channel_name = w.name.clone();
        config.placement = w.placement;
        if let Some(sender) = w.sender {
            config.reply_sender = sender;
        }
        if is_default {
            // The default channel's numbers are TWILIO_WHATSAPP_NUMBER's and those listed.
            config.numbers = base.numbers.clone();
            config.numbers.extend(w.numbers);
            config.numbers.sort();
            config.numbers.dedup();
            *base = Config {
                channels: std::mem::take(&mut base.channels),
                ..config
            };
        } else {
            config.numbers = w.numbers;
            base.channels.push(Channel {
                id: w.id,
                numbers: config.numbers.clone(),
                messaging_service: service,
                config,
            });
        }
    }
}

/// Which channel a message is for, from the number it was sent to and its Messaging Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route<'a> {
    pub channel: &'a str,
    /// False when no channel names the number (the message goes to the default channel).
    pub known: bool,
}

impl Config {
    /// The channel a message sent `to` this number (through this Messaging Service) is for:
    /// the channel that lists the number, else the one whose Messaging Service it came
    /// through, else the default channel (never dropped).
    pub fn route(&self, to: Option<&str>, service: Option<&str>) -> Route<'_> {
        let to = to.and_then(normalise_number);
        if let Some(n) = &to {
            if self.numbers.contains(n) {
                return Route {
                    channel: DEFAULT_CHANNEL,
                    known: true,
                };
            }
            if let Some(c) = self.channels.iter().find(|c| c.numbers.contains(n)) {
                return Route {
                    channel: &c.id,
                    known: true,
                };
            }
        }
        if let Some(sid) = service {
            if matches!(&self.reply_sender, ReplySender::MessagingService(s) if s == sid) {
                return Route {
                    channel: DEFAULT_CHANNEL,
                    known: true,
                };
            }
            if let Some(c) = self
                .channels
                .iter()
                .find(|c| c.messaging_service.as_deref() == Some(sid))
            {
                return Route {
                    channel: &c.id,
                    known: true,
                };
            }
        }
        Route {
            channel: DEFAULT_CHANNEL,
            // A webhook without `To` (never from Twilio) has nothing to route by.
            known: to.is_none() && service.is_none(),
        }
    }

    /// The configuration as a channel reads it; the default channel's for an unknown id (a
    /// conversation of a channel since removed keeps working, with the default's settings).
    pub fn for_channel(&self, id: Option<&str>) -> &Config {
        match id {
            Some(id) if id != DEFAULT_CHANNEL => self
                .channels
                .iter()
                .find(|c| c.id == id)
                .map_or(self, |c| &c.config),
            _ => self,
        }
    }

    /// Every channel's configuration, the default first.
    pub fn every_channel(&self) -> impl Iterator<Item = &Config> {
        std::iter::once(self).chain(self.channels.iter().map(|c| &c.config))
    }
}

#[cfg(test)]
#[path = "channels_tests.rs"]
mod tests;
