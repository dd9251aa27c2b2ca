//! The alert settings (`ALERT_*`): where the alerts go, in which form, and the thresholds of
//! the conditions `core::alerts` checks. Read on their own by the scheduled check (an alert
//! must go out precisely when the rest of the configuration is invalid) and validated with the
//! rest by `Config::from_lookup`, so that `/healthz` and the deploy's preflight name a wrong
//! value. Only names and fixed explanations leave this module, never a value: the webhook URL
//! is a credential (a Slack incoming webhook's URL is its secret).

use super::ConfigError;

/// The body posted to the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// `{"text": "..."}`: Slack's incoming webhooks (also Mattermost, Rocket.Chat, Discord's
    /// `/slack` endpoint).
    Slack,
    /// A plain JSON object with typed fields, for the operator's own receiver.
    Json,
}

pub const DEFAULT_FAILURE_RATE_PERCENT: u64 = 20;
pub const DEFAULT_FAILURE_MIN_COUNT: u64 = 3;
pub const DEFAULT_RETRIES_GROWING_CHECKS: u64 = 3;
pub const DEFAULT_UNFINISHED_MINUTES: u64 = 30;
pub const DEFAULT_RESOLVE_AFTER_CHECKS: u64 = 2;

#[derive(Clone, PartialEq, Eq)]
pub struct AlertSettings {
    /// Where alerts are posted; alerts are off without it.
    pub webhook_url: Option<String>,
    pub format: WebhookFormat,
    /// Customers' messages failing, in percent of those received since the previous check.
    pub failure_rate_percent: u64,
    /// Fewest failures since the previous check that can raise the failure-rate alert (one
    /// failure out of one message is not an incident).
    pub failure_min_count: u64,
    /// Retries pending rose at this many checks in a row.
    pub retries_growing_checks: u64,
    /// A message waiting for a retry for longer than this (minutes).
    pub unfinished_minutes: u64,
    /// An incident is resolved after this many checks in a row without its condition.
    pub resolve_after_checks: u64,
}

// Hand-written: the webhook URL is a credential and must never reach a log through `{:?}`.
impl std::fmt::Debug for AlertSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertSettings")
            .field(
                "webhook_url",
                &self.webhook_url.as_ref().map(|_| "<redacted>"),
            )
            .field("format", &self.format)
            .field("failure_rate_percent", &self.failure_rate_percent)
            .field("failure_min_count", &self.failure_min_count)
            .field("retries_growing_checks", &self.retries_growing_checks)
            .field("unfinished_minutes", &self.unfinished_minutes)
            .field("resolve_after_checks", &self.resolve_after_checks)
            .finish()
    }
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            webhook_url: None,
            format: WebhookFormat::Slack,
            failure_rate_percent: DEFAULT_FAILURE_RATE_PERCENT,
            failure_min_count: DEFAULT_FAILURE_MIN_COUNT,
            retries_growing_checks: DEFAULT_RETRIES_GROWING_CHECKS,
            unfinished_minutes: DEFAULT_UNFINISHED_MINUTES,
            resolve_after_checks: DEFAULT_RESOLVE_AFTER_CHECKS,
        }
    }
}

/// `https://` anywhere; plain `http://` only to this machine (the local test's listener): an
/// alert names the gateway's trouble and a Slack URL is a credential, neither goes out in clear.
fn webhook_url(raw: &str) -> Option<String> {
    let parsed = url::Url::parse(raw.trim()).ok()?;
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let ok = match parsed.scheme() {
        "https" => parsed.host_str().is_some(),
        "http" => loopback,
        _ => false,
    };
    (ok && parsed.username().is_empty() && parsed.password().is_none()).then(|| raw.trim().into())
}

impl AlertSettings {
    /// Reads the `ALERT_*` settings through `get` (trimmed, empty is absent); a wrong value is
    /// named in `err` and its default used.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>, err: &mut ConfigError) -> Self {
        let d = AlertSettings::default();
        let webhook_url = get("ALERT_WEBHOOK_URL").and_then(|raw| {
            webhook_url(&raw).or_else(|| {
                err.bad(
                    "ALERT_WEBHOOK_URL",
                    "must be an https:// URL (http:// only to localhost), without user or password",
                );
                None
            })
        });
        let format = match get("ALERT_WEBHOOK_FORMAT").map(|v| v.to_ascii_lowercase()) {
            None => WebhookFormat::Slack,
            Some(v) if v == "slack" => WebhookFormat::Slack,
            Some(v) if v == "json" => WebhookFormat::Json,
            Some(_) => {
                err.bad("ALERT_WEBHOOK_FORMAT", "must be slack or json");
                WebhookFormat::Slack
            }
        };
        let mut number =
            |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| match get(name) {
                None => default,
                Some(raw) => match raw.parse::<u64>() {
                    Ok(n) if range.contains(&n) => n,
                    _ => {
                        err.bad(
                            name,
                            &format!(
                                "must be a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        );
                        default
                    }
                },
            };
        AlertSettings {
            webhook_url,
            format,
            failure_rate_percent: number(
                "ALERT_FAILURE_RATE_PERCENT",
                d.failure_rate_percent,
                1..=100,
            ),
            failure_min_count: number("ALERT_FAILURE_MIN_COUNT", d.failure_min_count, 1..=10_000),
            retries_growing_checks: number(
                "ALERT_RETRIES_GROWING_CHECKS",
                d.retries_growing_checks,
                2..=12,
            ),
            unfinished_minutes: number(
                "ALERT_UNFINISHED_MINUTES",
                d.unfinished_minutes,
                1..=10_080,
            ),
            resolve_after_checks: number(
                "ALERT_RESOLVE_AFTER_CHECKS",
                d.resolve_after_checks,
                1..=12,
            ),
        }
    }

    /// The settings alone, for the scheduled check: a wrong value is replaced by its default
    /// (the configuration check names it, and that check is itself an alert condition).
    pub fn read(get: impl Fn(&str) -> Option<String>) -> (AlertSettings, ConfigError) {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut err = ConfigError::default();
        let settings = AlertSettings::from_lookup(&get, &mut err);
        (settings, err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<AlertSettings, ConfigError> {
        let (settings, err) = AlertSettings::read(|n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        });
        if err.invalid.is_empty() {
            Ok(settings)
        } else {
            Err(err)
        }
    }

    #[test]
    fn defaults_without_any_setting_and_alerts_off() {
        let s = read(&[]).unwrap();
        assert_eq!(s, AlertSettings::default());
        assert!(s.webhook_url.is_none());
    }

    #[test]
    fn every_setting_is_read() {
        let s = read(&[
            (
                "ALERT_WEBHOOK_URL",
                " https://hooks.slack.com/services/T/B/x ",
            ),
            ("ALERT_WEBHOOK_FORMAT", "JSON"),
            ("ALERT_FAILURE_RATE_PERCENT", "50"),
            ("ALERT_FAILURE_MIN_COUNT", "1"),
            ("ALERT_RETRIES_GROWING_CHECKS", "4"),
            ("ALERT_UNFINISHED_MINUTES", "10"),
            ("ALERT_RESOLVE_AFTER_CHECKS", "1"),
        ])
        .unwrap();
        assert_eq!(
            s.webhook_url.as_deref(),
            Some("https://hooks.slack.com/services/T/B/x")
        );
        assert_eq!(s.format, WebhookFormat::Json);
        assert_eq!(
            (
                s.failure_rate_percent,
                s.failure_min_count,
                s.retries_growing_checks,
                s.unfinished_minutes,
                s.resolve_after_checks
            ),
            (50, 1, 4, 10, 1)
        );
    }

    #[test]
    fn wrong_values_are_named_never_shown() {
        let secret = "http://hooks.example.com/services/SECRET";
        let e = read(&[
            ("ALERT_WEBHOOK_URL", secret),
            ("ALERT_WEBHOOK_FORMAT", "teams"),
            ("ALERT_FAILURE_RATE_PERCENT", "0"),
            ("ALERT_RETRIES_GROWING_CHECKS", "1"),
            ("ALERT_RESOLVE_AFTER_CHECKS", "x"),
        ])
        .unwrap_err();
        let names: Vec<&str> = e.invalid.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "ALERT_WEBHOOK_URL",
                "ALERT_WEBHOOK_FORMAT",
                "ALERT_FAILURE_RATE_PERCENT",
                "ALERT_RETRIES_GROWING_CHECKS",
                "ALERT_RESOLVE_AFTER_CHECKS"
            ]
        );
        assert!(!e.to_string().contains("SECRET"));
    }

    #[test]
    fn plain_http_only_to_this_machine_and_no_credentials_in_the_url() {
        assert!(webhook_url("http://127.0.0.1:9999/hook").is_some());
        assert!(webhook_url("http://localhost/hook").is_some());
        assert!(webhook_url("http://hooks.example.com/hook").is_none());
        assert!(webhook_url("https://user:pw@hooks.example.com/hook").is_none());
        assert!(webhook_url("ftp://hooks.example.com/hook").is_none());
        assert!(webhook_url("hooks.example.com/hook").is_none());
    }

    #[test]
    fn the_url_never_reaches_a_debug_print() {
        let s = read(&[("ALERT_WEBHOOK_URL", "https://hooks.example.com/SECRET")]).unwrap();
        assert!(!format!("{s:?}").contains("SECRET"));
    }
}
