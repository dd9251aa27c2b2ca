//! Typed configuration read through a lookup function (Worker vars, `.dev.vars`, `--var` or
//! secrets all arrive the same way). Errors name every missing or invalid variable, never a value.

pub mod alerts;
pub mod channels;
pub mod conventions;
pub mod identity;
pub mod languages;
pub mod locale_ids;
pub mod settings;

use crate::core::twilio::{ReplySender, TwilioAccount};
pub use channels::{Channel, TicketPlacement, DEFAULT_CHANNEL};
pub use identity::RequesterIdentity;
use languages::Languages;
use std::fmt;

pub const DEFAULT_TWILIO_API_BASE_URL: &str = "https://api.twilio.com";
pub const DEFAULT_REQUESTER_EMAIL_DOMAIN: &str = "whatsapp.zendesk.com";
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 10_000;
pub const DEFAULT_RETRY_WINDOW_HOURS: u64 = 24;
pub const DEFAULT_RETRY_BASE_MS: u64 = 2_000;
pub const DEFAULT_RETRY_MAX_DELAY_MS: u64 = 600_000;
/// WhatsApp's own limit for media.
pub const DEFAULT_MEDIA_MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const DEFAULT_MEDIA_ALLOWED_TYPES: &str = "image/*,audio/*,video/*,application/pdf,text/vcard,text/x-vcard,text/plain,application/msword,application/vnd.openxmlformats-officedocument.*,application/vnd.ms-excel,application/vnd.ms-powerpoint";

#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub twilio_account_sid: String,
    pub twilio_auth_token: String,
    pub reply_sender: ReplySender,
    pub twilio_webhook_secret: Option<String>,
    pub twilio_api_base_url: String,
    pub zendesk_api_key: String,
    pub zendesk_email: String,
    pub zendesk_domain: String,
    pub zendesk_base_url: String,
    pub requester_email_domain: String,
    /// When set, signatures are checked against this origin instead of the request's URL
    /// (for a custom domain or a proxy that rewrites the host).
    pub public_base_url: Option<String>,
    /// `ALERT_WEBHOOK_URL` is set (the scheduled check reads the alert settings on its own).
    pub alerts_on: bool,
    pub upstream_timeout_ms: u32,
    /// How long a transient failure is retried before the message is marked failed.
    pub retry_window_ms: u64,
    pub retry_base_ms: u64,
    pub retry_max_delay_ms: u64,
    /// The account's Zendesk API budget (`core::api_budget`): calls a minute for all
    /// conversations together (absent: half the limit Zendesk names), and ticket updates a minute.
    pub api_budget: crate::core::api_budget::BudgetSettings,
    /// Whether a message added to an open ticket is acknowledged on WhatsApp.
    pub followup_ack: bool,
    /// Bearer token of the `/admin/` endpoints; they are disabled without it.
    pub admin_token: Option<String>,
    /// Signing secret of the Zendesk webhook; `/zendesk/events` is disabled without it.
    pub zendesk_webhook_secret: Option<String>,
    /// Files larger than this, or of a type not in the list, are listed instead of attached.
    pub media_max_bytes: u64,
    pub media_allowed_types: Vec<String>,
    /// The enabled languages: each one's triage rules, reply texts and templates (the guide's
    /// for English), each list and text replaceable without a rebuild; and detection.
    pub languages: Languages,
    /// Who the requester of the gateway's tickets is (`REQUESTER_IDENTITY`).
    pub requester_identity: RequesterIdentity,
    /// Whether WhatsApp's typing indicator is shown while a message is worked on
    /// (`TYPING_INDICATOR`); it also marks the message read.
    pub typing_indicator: bool,
    /// Whether a solved WhatsApp ticket's customer is asked for a rating (`CSAT`; `core::csat`).
    pub csat: bool,
    /// Origin of Twilio's Messaging v2 API (the typing indicator).
    pub twilio_messaging_base_url: String,
    /// When the team works (`BUSINESS_HOURS`, `BUSINESS_TIMEZONE`, `BUSINESS_HOLIDAYS`);
    /// absent: always open, no out-of-hours text.
    pub business_hours: Option<crate::core::hours::BusinessHours>,
    /// The channel this configuration is (`default`: today's variables; `channels`).
    pub channel: String,
    /// Its display name, when `CHANNELS` gives one.
    pub channel_name: Option<String>,
    /// The numbers that route to this channel (`+E164`): `TWILIO_WHATSAPP_NUMBER`'s for the
    /// default channel, and those a channel lists.
    pub numbers: Vec<String>,
    /// Where this channel's tickets go in Zendesk (brand, group, form, tags, fields).
    pub placement: TicketPlacement,
    /// The other channels (`CHANNELS`), each with its own reading of the settings; empty in a
    /// channel's own configuration.
    pub channels: Vec<Channel>,
}

impl Config {
    /// Zendesk's API token authorization (`{email}/token:{token}`).
    pub fn zendesk_authorization(&self) -> String {
        crate::core::zendesk::basic_auth(&self.zendesk_email, &self.zendesk_api_key)
    }

    pub fn twilio_account(&self) -> TwilioAccount<'_> {
        TwilioAccount {
            api_base_url: &self.twilio_api_base_url,
            account_sid: &self.twilio_account_sid,
            auth_token: &self.twilio_auth_token,
        }
    }

    /// Whether a file of this MIME type may be attached (`image/*` style patterns).
    pub fn media_type_allowed(&self, content_type: &str) -> bool {
        let t = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        self.media_allowed_types
            .iter()
            .any(|p| match p.strip_suffix('*') {
                Some(prefix) => t.starts_with(prefix),
                None => &t == p,
            })
    }
}

// Hand-written so that secrets can never reach a log through `{:?}`.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("twilio_account_sid", &self.twilio_account_sid)
            .field("twilio_auth_token", &"<redacted>")
            .field("reply_sender", &self.reply_sender)
            .field("zendesk_domain", &self.zendesk_domain)
            .field("zendesk_base_url", &self.zendesk_base_url)
            .field("zendesk_api_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigError {
    pub missing: Vec<&'static str>,
    /// (variable, what is expected): never the value itself.
    pub invalid: Vec<(String, String)>,
}

impl ConfigError {
    fn bad(&mut self, name: &str, why: &str) {
        self.invalid.push((name.to_string(), why.to_string()));
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            parts.push(format!(
                "missing configuration: {}",
                self.missing.join(", ")
            ));
        }
        if !self.invalid.is_empty() {
            let items: Vec<String> = self
                .invalid
                .iter()
                .map(|(name, why)| format!("{name} ({why})"))
                .collect();
            parts.push(format!("invalid configuration: {}", items.join(", ")));
        }
        f.write_str(&parts.join("; "))
    }
}

fn normalise_host(raw: &str) -> Option<String> {
    let host = raw
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    ok.then_some(host)
}

fn normalise_base_url(raw: &str) -> Option<String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains(char::is_whitespace)).then(|| url.to_string())
}

impl Config {
    /// Reads every setting through `lookup`, then the channels (`CHANNELS`); empty values count
    /// as absent.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut config = Config::read_base(&get)?;
        let mut err = ConfigError::default();
        channels::read_channels(&mut config, &get, &mut err);
        if err.invalid.is_empty() {
            Ok(config)
        } else {
            Err(err)
        }
    }

    /// Every setting but the channels.
    fn read_base(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut err = ConfigError::default();
        let mut required = |name: &'static str| {
            let v = get(name);
            if v.is_none() {
                err.missing.push(name);
            }
            v.unwrap_or_default()
        };
        let account_sid = required("TWILIO_ACCOUNT_SID");
        let auth_token = required("TWILIO_AUTH_TOKEN");
        let number = required("TWILIO_WHATSAPP_NUMBER");
        let domain_raw = required("ZENDESK_DOMAIN");
        let email = required("ZENDESK_EMAIL");
        // `ZENDESK_API_TOKEN` (Zendesk's own word for it) is accepted as an alias.
        let api_key = match (get("ZENDESK_API_KEY"), get("ZENDESK_API_TOKEN")) {
            (Some(key), Some(token)) if key != token => {
                err.bad(
                    "ZENDESK_API_TOKEN",
                    "is an alias of ZENDESK_API_KEY: set only one of them",
                );
                key
            }
            (Some(key), _) | (None, Some(key)) => key,
            (None, None) => {
                err.missing.push("ZENDESK_API_KEY");
                String::new()
            }
        };

        // Exact: incoming webhooks must name this account, in Twilio's own shape.
        if !account_sid.is_empty() && !crate::core::form::is_account_sid(&account_sid) {
            err.bad(
                "TWILIO_ACCOUNT_SID",
                "must be AC followed by 32 hex digits (Twilio Console, Account Info)",
            );
        }
        let mut numbers = Vec::new();
        let reply_sender = if number.starts_with("MG") {
            ReplySender::MessagingService(number.clone())
        } else {
            let bare = number.trim_start_matches("whatsapp:");
            let digits = bare.trim_start_matches('+');
            if !number.is_empty()
                && (digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()))
            {
                err.bad(
                    "TWILIO_WHATSAPP_NUMBER",
                    "must be a number like +14155238886 (or a Messaging Service SID MG...)",
                );
            }
            numbers.extend(channels::normalise_number(digits));
            ReplySender::From(format!("whatsapp:+{digits}"))
        };
        let zendesk_domain = if domain_raw.is_empty() {
            String::new()
        } else {
            normalise_host(&domain_raw)
                // `acme` is the subdomain of acme.zendesk.com (what Zendesk's sign-up asks for).
                .map(|h| {
                    if h.contains('.') {
                        h
                    } else {
                        format!("{h}.zendesk.com")
                    }
                })
                .unwrap_or_else(|| {
                    err.bad(
                        "ZENDESK_DOMAIN",
                        "must be a host name like acme.zendesk.com",
                    );
                    String::new()
                })
        };
        if !email.is_empty() && !email.contains('@') {
            err.bad(
                "ZENDESK_EMAIL",
                "must be the e-mail address of the API user",
            );
        }
        let mut base_url = |name: &'static str, default: String| match get(name) {
            None => default,
            Some(raw) => normalise_base_url(&raw).unwrap_or_else(|| {
                err.bad(name, "must be an http:// or https:// URL");
                default
            }),
        };
        let zendesk_base_url = base_url("ZENDESK_BASE_URL", format!("https://{zendesk_domain}"));
        let twilio_api_base_url =
            base_url("TWILIO_API_BASE_URL", DEFAULT_TWILIO_API_BASE_URL.into());
        let twilio_messaging_base_url = base_url(
            "TWILIO_MESSAGING_BASE_URL",
            identity::DEFAULT_TWILIO_MESSAGING_BASE_URL.into(),
        );
        let public_base_url = get("PUBLIC_BASE_URL").and_then(|raw| {
            normalise_base_url(&raw).or_else(|| {
                err.bad("PUBLIC_BASE_URL", "must be an http:// or https:// URL");
                None
            })
        });
        let requester_email_domain = match get("REQUESTER_EMAIL_DOMAIN") {
            None => DEFAULT_REQUESTER_EMAIL_DOMAIN.to_string(),
            Some(raw) => normalise_host(&raw).unwrap_or_else(|| {
                err.bad(
                    "REQUESTER_EMAIL_DOMAIN",
                    "must be a domain like example.com",
                );
                String::new()
            }),
        };
        let mut number = |name: &'static str,
                          default: u64,
                          range: std::ops::RangeInclusive<u64>,
                          expected: &'static str| match get(name) {
            None => default,
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if range.contains(&n) => n,
                _ => {
                    err.bad(name, expected);
                    default
                }
            },
        };
        // Without durable retries a webhook had to answer within Twilio's 15 s; now the calls run
        // from a Durable Object alarm, so a slow Zendesk may take up to a minute.
        let upstream_timeout_ms = number(
            "UPSTREAM_TIMEOUT_MS",
            DEFAULT_UPSTREAM_TIMEOUT_MS.into(),
            100..=60_000,
            "must be a whole number of milliseconds from 100 to 60000",
        ) as u32;
        let retry_window_hours = number(
            "RETRY_WINDOW_HOURS",
            DEFAULT_RETRY_WINDOW_HOURS,
            1..=168,
            "must be a whole number of hours from 1 to 168",
        );
        let retry_base_ms = number(
            "RETRY_BASE_MS",
            DEFAULT_RETRY_BASE_MS,
            10..=600_000,
            "must be a whole number of milliseconds from 10 to 600000",
        );
        let retry_max_delay_ms = number(
            "RETRY_MAX_DELAY_MS",
            DEFAULT_RETRY_MAX_DELAY_MS,
            1_000..=21_600_000,
            "must be a whole number of milliseconds from 1000 to 21600000",
        );
        let media_max_bytes = number(
            "MEDIA_MAX_BYTES",
            DEFAULT_MEDIA_MAX_BYTES,
            // Zendesk takes attachments up to 50 MB, and a file is held in memory while it
            // is copied (the isolate has 128 MB).
            1..=50 * 1024 * 1024,
            "must be a number of bytes from 1 to 52428800 (Zendesk's attachment limit)",
        );
        let triage_min_length = number(
            "TRIAGE_MIN_LENGTH",
            10,
            0..=1000,
            "must be a whole number from 0 to 1000",
        );
        // The budget's variables are optional: absent, the budget follows what Zendesk names.
        let mut optional_number =
            |name: &'static str, range: std::ops::RangeInclusive<u64>, expected: &'static str| {
                get(name).and_then(|raw| match raw.trim().parse::<u64>() {
                    Ok(n) if range.contains(&n) => Some(n as u32),
                    _ => {
                        err.bad(name, expected);
                        None
                    }
                })
            };
        let api_budget = crate::core::api_budget::BudgetSettings {
            per_min: optional_number(
                "ZENDESK_API_BUDGET_PER_MIN",
                1..=100_000,
                "must be a whole number of requests a minute from 1 to 100000",
            ),
            updates_per_min: optional_number(
                "ZENDESK_UPDATE_BUDGET_PER_MIN",
                1..=300,
                "must be a whole number of ticket updates a minute from 1 to 300",
            ),
        };
        let followup_ack = get("FOLLOWUP_ACK").is_some_and(|v| {
            conventions::parse_bool(&v).unwrap_or_else(|| {
                err.bad("FOLLOWUP_ACK", conventions::EXPECTED_BOOL);
                false
            })
        });
        let typing_indicator = get("TYPING_INDICATOR").is_some_and(|v| {
            conventions::parse_bool(&v).unwrap_or_else(|| {
                err.bad("TYPING_INDICATOR", conventions::EXPECTED_BOOL);
                false
            })
        });
        let csat = get("CSAT").is_some_and(|v| {
            conventions::parse_bool(&v).unwrap_or_else(|| {
                err.bad("CSAT", conventions::EXPECTED_BOOL);
                false
            })
        });
        let requester_identity = match get("REQUESTER_IDENTITY") {
            None => RequesterIdentity::default(),
            Some(raw) => identity::parse(&raw).unwrap_or_else(|| {
                err.bad("REQUESTER_IDENTITY", identity::EXPECTED);
                RequesterIdentity::default()
            }),
        };
        conventions::check_logging(&get, &mut err);
        // Read by the scheduled check on its own (`core::alerts`); validated here with the rest.
        let alerts_on = alerts::AlertSettings::from_lookup(&get, &mut err)
            .webhook_url
            .is_some();
        let admin_token = get("ADMIN_TOKEN");
        // Read before any early return, so that `/healthz` never calls them unread.
        let twilio_webhook_secret = get("TWILIO_WEBHOOK_SECRET");
        let zendesk_webhook_secret = get("ZENDESK_WEBHOOK_SECRET");
        if admin_token.as_deref().is_some_and(|t| t.len() < 16) {
            err.bad("ADMIN_TOKEN", "must be at least 16 characters");
        }
        let media_allowed_types: Vec<String> = get("MEDIA_ALLOWED_TYPES")
            .unwrap_or_else(|| DEFAULT_MEDIA_ALLOWED_TYPES.to_string())
            .split(',')
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        if media_allowed_types.iter().any(|t| !t.contains('/')) {
            err.bad(
                "MEDIA_ALLOWED_TYPES",
                "must be a comma-separated list of MIME types such as image/*,application/pdf",
            );
        }
        let languages = {
            let mut invalid = Vec::new();
            let languages = Languages::from_lookup(&get, triage_min_length as usize, &mut invalid);
            err.invalid.extend(invalid);
            languages
        };

        let business_hours = read_business_hours(&get, &mut err);

        if !err.missing.is_empty() || !err.invalid.is_empty() {
            return Err(err);
        }
        Ok(Config {
            twilio_account_sid: account_sid,
            twilio_auth_token: auth_token,
            reply_sender,
            twilio_webhook_secret,
            twilio_api_base_url,
            zendesk_api_key: api_key,
            zendesk_email: email,
            zendesk_domain,
            zendesk_base_url,
            requester_email_domain,
            public_base_url,
            alerts_on,
            upstream_timeout_ms,
            retry_window_ms: retry_window_hours * 3_600_000,
            retry_base_ms,
            retry_max_delay_ms,
            api_budget,
            followup_ack,
            admin_token,
            zendesk_webhook_secret,
            media_max_bytes,
            media_allowed_types,
            languages,
            requester_identity,
            typing_indicator,
            csat,
            twilio_messaging_base_url,
            business_hours,
            channel: DEFAULT_CHANNEL.to_string(),
            channel_name: None,
            numbers,
            placement: TicketPlacement::default(),
            channels: Vec::new(),
        })
    }

    /// Keys that may sign Twilio webhooks: the auth token, and the optional webhook secret.
    pub fn twilio_signing_keys(&self) -> Vec<&str> {
        let mut keys = vec![self.twilio_auth_token.as_str()];
        if let Some(secret) = &self.twilio_webhook_secret {
            keys.push(secret);
        }
        keys
    }

    /// The values that must never appear in a log line.
    pub fn secrets(&self) -> Vec<&str> {
        let mut s = self.twilio_signing_keys();
        s.push(&self.zendesk_api_key);
        if let Some(token) = &self.admin_token {
            s.push(token);
        }
        if let Some(secret) = &self.zendesk_webhook_secret {
            s.push(secret);
        }
        s
    }
}

/// `BUSINESS_HOURS` with its time zone and holidays; the zone and holidays alone are refused
/// (they would silently do nothing).
fn read_business_hours(
    get: &dyn Fn(&str) -> Option<String>,
    err: &mut ConfigError,
) -> Option<crate::core::hours::BusinessHours> {
    let zone = get("BUSINESS_TIMEZONE");
    let holidays = get("BUSINESS_HOLIDAYS");
    let Some(hours) = get("BUSINESS_HOURS") else {
        for (name, set) in [
            ("BUSINESS_TIMEZONE", zone.is_some()),
            ("BUSINESS_HOLIDAYS", holidays.is_some()),
        ] {
            if set {
                err.bad(
                    name,
                    "has no effect without BUSINESS_HOURS: set both or neither",
                );
            }
        }
        return None;
    };
    crate::core::hours::BusinessHours::parse(&hours, zone.as_deref(), holidays.as_deref())
        .map_err(|errors| {
            for (name, why) in errors {
                err.bad(name, why);
            }
        })
        .ok()
}

/// The configuration the native tests run with: the six required variables (test values),
/// then `extra` (set or replace). One place, so a required variable added later is added once.
#[cfg(test)]
pub(crate) fn for_tests(extra: &[(&str, &str)]) -> Config {
    let mut vars: Vec<(&str, &str)> = vec![
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_AUTH_TOKEN", "tok"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_API_KEY", "key"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
    ];
    vars.extend(extra.iter().copied());
    Config::from_lookup(|n| {
        vars.iter()
            .rev()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    })
    .expect("the test configuration is valid")
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
