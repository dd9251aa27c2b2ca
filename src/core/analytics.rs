//! The message history in Workers Analytics Engine, pure: the one data point each finished
//! message writes (`data_point`, from the typed `DomainEvent::Done`), the SQL the dashboard's
//! 7/30/90-day history sends to Analytics Engine's SQL API, and the reading of its answer.
//!
//! The shell writes with `writeDataPoint` (`src/analytics.rs`) and asks the SQL API
//! (<https://developers.cloudflare.com/analytics/analytics-engine/sql-api/>) with a read token;
//! where the binding or the token is absent (the offline sandbox, `wrangler dev`, whose local
//! binding drops every write) the dashboard says so and shows the Durable Objects' 24 hours.
//!
//! A data point's columns (the dataset's schema; docs/dashboard.md lists it for operators'
//! own queries):
//! - `index1`: the receiving channel: Analytics Engine samples per index, so a busy channel
//!   never thins out a quiet one's figures
//!   (<https://developers.cloudflare.com/analytics/analytics-engine/sql-api/#sampling>);
//! - `blob1` outcome, `blob2` language, `blob3` priority (empty without a ticket), `blob4`
//!   failure key (`ticket.http_422`; empty when none), `blob5` channel (as `index1`, for filters);
//! - `double1` end-to-end ms, `double2` acknowledgement ms (0 when not measured), `double3` 1
//!   when the acknowledgement was measured, `double4` 1 when the message failed, `double5`
//!   attempts.

use crate::core::events::DomainEvent;
use serde::Serialize;
use serde_json::Value;

/// The channel id a finished message is counted under: its conversation's channel, the
/// default channel's id when it has none (conversations from before channels, and every one
/// while only the default channel is configured).
pub fn finished_message_channel(conversation_channel: Option<&str>) -> &str {
    conversation_channel.unwrap_or(crate::core::config::DEFAULT_CHANNEL)
}

/// What `writeDataPoint` is given: one index, the blobs and the doubles in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct DataPoint {
    pub index: String,
    pub blobs: Vec<String>,
    pub doubles: Vec<f64>,
}

/// Analytics Engine refuses an index over 96 bytes
/// (<https://developers.cloudflare.com/analytics/analytics-engine/limits/>); channel ids are
/// short by configuration, this only keeps a write from failing.
const INDEX_MAX_BYTES: usize = 96;

/// The data point of a finished message (`DomainEvent::Done`) on `channel`; none for any
/// other event.
pub fn data_point(event: &DomainEvent, channel: &str) -> Option<DataPoint> {
    let DomainEvent::Done {
        outcome,
        attempts,
        ms,
        language,
        priority,
        failure,
        ack_ms,
        ..
    } = event
    else {
        return None;
    };
    let failed = failure.is_some() || *outcome == "failed";
    let mut index = channel.to_string();
    while index.len() > INDEX_MAX_BYTES {
        index.pop();
    }
    Some(DataPoint {
        index,
        blobs: vec![
            outcome.to_string(),
            language.clone(),
            priority.map(|p| p.as_str()).unwrap_or_default().to_string(),
            failure.clone().unwrap_or_default(),
            channel.to_string(),
        ],
        doubles: vec![
            *ms as f64,
            ack_ms.unwrap_or(0) as f64,
            if ack_ms.is_some() { 1.0 } else { 0.0 },
            if failed { 1.0 } else { 0.0 },
            f64::from(*attempts),
        ],
    })
}

/// The periods the dashboard's history offers.
pub const RANGES_DAYS: [u32; 3] = [7, 30, 90];

/// The period asked for (`?days=7|30|90`), 30 when not given; an error for anything else.
pub fn range_days(raw: Option<&str>) -> Result<u32, String> {
    match raw {
        None | Some("") => Ok(30),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|d| RANGES_DAYS.contains(d))
            .ok_or_else(|| "days must be 7, 30 or 90".to_string()),
    }
}

/// The dataset's name as SQL reads it: a plain identifier only (it is written into the query).
pub fn valid_dataset(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && name.len() <= 64
}

/// The sums each row of the history carries, weighted by `_sample_interval` as the SQL API's
/// documentation says counts and sums must be
/// (<https://developers.cloudflare.com/analytics/analytics-engine/sql-api/#sampling>).
const SUMS: &str = "SUM(_sample_interval) AS messages, \
     SUM(_sample_interval * double4) AS failed, \
     SUM(_sample_interval * double1) AS end_to_end_ms_sum, \
     SUM(_sample_interval * double2) AS ack_ms_sum, \
     SUM(_sample_interval * double3) AS acked";

/// The daily series of the last `days` days (UTC days; `toStartOfInterval`:
/// <https://developers.cloudflare.com/analytics/analytics-engine/sql-reference/date-time-functions/>).
pub fn series_query(dataset: &str, days: u32) -> String {
    format!(
        "SELECT toStartOfInterval(timestamp, INTERVAL '1' DAY) AS day, {SUMS} \
         FROM {dataset} WHERE timestamp > NOW() - INTERVAL '{days}' DAY \
         GROUP BY day ORDER BY day FORMAT JSON"
    )
}

/// The same sums per receiving channel (the index) over the last `days` days.
pub fn channels_query(dataset: &str, days: u32) -> String {
    format!(
        "SELECT index1 AS channel, {SUMS} \
         FROM {dataset} WHERE timestamp > NOW() - INTERVAL '{days}' DAY \
         GROUP BY channel ORDER BY messages DESC LIMIT 100 FORMAT JSON"
    )
}

/// One day's or one channel's figures. Averages are over the messages that have the figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub messages: u64,
    pub failed: u64,
    pub end_to_end_ms_avg: Option<u64>,
    pub ack_ms_avg: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFigures {
    pub channel: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The SQL API's `FORMAT JSON` answer's rows (`{"meta": [...], "data": [{...}], "rows": n}`,
/// <https://developers.cloudflare.com/analytics/analytics-engine/sql-reference/statements/#json>).
fn rows(body: &str) -> Result<Vec<serde_json::Map<String, Value>>, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|_| "the SQL API's answer is not JSON".to_string())?;
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| "the SQL API's answer has no data".to_string())?;
    Ok(data
        .iter()
        .filter_map(|row| row.as_object().cloned())
        .collect())
}

/// A number the SQL API may give as a JSON number or, for 64-bit integers, as a string.
fn number(row: &serde_json::Map<String, Value>, key: &str) -> f64 {
    match row.get(key) {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
    .max(0.0)
}

fn figures(row: &serde_json::Map<String, Value>) -> Figures {
    let messages = number(row, "messages");
    let acked = number(row, "acked");
    let avg = |sum: f64, n: f64| (n >= 0.5).then(|| (sum / n).round() as u64);
    Figures {
        messages: messages.round() as u64,
        failed: number(row, "failed").round() as u64,
        end_to_end_ms_avg: avg(number(row, "end_to_end_ms_sum"), messages),
        ack_ms_avg: avg(number(row, "ack_ms_sum"), acked),
    }
}

/// The daily series from the answer to `series_query`, every day of the period present (a
/// day without messages is zero), oldest first; `today` is the current UTC day number.
pub fn parse_series(body: &str, days: u32, now_ms: u64) -> Result<Vec<Day>, String> {
    let today = (now_ms / 86_400_000) as i64;
    let mut series: Vec<Day> = (0..i64::from(days))
        .rev()
        .map(|back| Day {
            day: date(today - back),
            figures: Figures {
                messages: 0,
                failed: 0,
                end_to_end_ms_avg: None,
                ack_ms_avg: None,
            },
        })
        .collect();
    for row in rows(body)? {
        // `2026-12-04 00:00:00`: its date.
        let Some(day) = row
            .get("day")
            .and_then(Value::as_str)
            .and_then(|d| d.get(..10))
        else {
            continue;
        };
        if let Some(slot) = series.iter_mut().find(|d| d.day == day) {
            slot.figures = figures(&row);
        }
    }
    Ok(series)
}

/// The per-channel figures from the answer to `channels_query`, most messages first.
pub fn parse_channels(body: &str) -> Result<Vec<ChannelFigures>, String> {
    Ok(rows(body)?
        .iter()
        .map(|row| ChannelFigures {
            channel: row
                .get("channel")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            figures: figures(row),
        })
        .collect())
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Where the history comes from, as the dashboard tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No `MESSAGE_ANALYTICS` binding: nothing is written (the offline sandbox).
    NoBinding,
    /// Written, but no `ANALYTICS_API_TOKEN` and `CLOUDFLARE_ACCOUNT_ID` to read it with.
    NoReadToken,
    /// A setting is wrong (names the setting, never its value).
    Misconfigured(&'static str),
}

impl Unavailable {
    pub fn code(&self) -> &'static str {
        match self {
            Unavailable::NoBinding => "no_binding",
            Unavailable::NoReadToken => "no_read_token",
            Unavailable::Misconfigured(_) => "misconfigured",
        }
    }

    pub fn note(&self) -> String {
        match self {
            Unavailable::NoBinding => "Analytics Engine history is not available: the Worker has no MESSAGE_ANALYTICS binding (the offline sandbox and wrangler dev have none that keeps data). Showing the last 24 hours from the Durable Objects.".into(),
            Unavailable::NoReadToken => "Analytics Engine history is written but not readable here: set the ANALYTICS_API_TOKEN secret and CLOUDFLARE_ACCOUNT_ID (docs/dashboard.md). Showing the last 24 hours from the Durable Objects.".into(),
            Unavailable::Misconfigured(name) => format!("Analytics Engine history is not available: {name} is not valid (docs/configuration.md). Showing the last 24 hours from the Durable Objects."),
        }
    }
}

/// The history settings, read by the shell: where the SQL API is and what to read.
#[derive(Clone, PartialEq, Eq)]
pub struct SqlSettings {
    /// The SQL API's URL for the account (or the stand-in's, `ANALYTICS_SQL_URL`).
    pub url: String,
    pub token: String,
    pub dataset: String,
}

// Hand-written: the token is a credential and must never reach a log through `{:?}`.
impl std::fmt::Debug for SqlSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlSettings")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("dataset", &self.dataset)
            .finish()
    }
}

pub const DEFAULT_DATASET: &str = "wa_gateway_messages";

/// Reads `ANALYTICS_API_TOKEN`, `CLOUDFLARE_ACCOUNT_ID`, `ANALYTICS_DATASET` and
/// `ANALYTICS_SQL_URL` through `get` (empty is absent). `ANALYTICS_SQL_URL` replaces
/// Cloudflare's URL (the tests' stand-in): `https://`, or `http://` to this machine only, so
/// the token is never sent in clear, and only to the origin configured.
pub fn sql_settings(get: impl Fn(&str) -> Option<String>) -> Result<SqlSettings, Unavailable> {
    let get = |name: &str| {
        get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let dataset = get("ANALYTICS_DATASET").unwrap_or_else(|| DEFAULT_DATASET.into());
    if !valid_dataset(&dataset) {
        return Err(Unavailable::Misconfigured("ANALYTICS_DATASET"));
    }
    let Some(token) = get("ANALYTICS_API_TOKEN") else {
        return Err(Unavailable::NoReadToken);
    };
    let url = match get("ANALYTICS_SQL_URL") {
        Some(raw) => {
            let parsed = url::Url::parse(&raw)
                .map_err(|_| Unavailable::Misconfigured("ANALYTICS_SQL_URL"))?;
            let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
            let ok = match parsed.scheme() {
                "https" => parsed.host_str().is_some(),
                "http" => loopback,
                _ => false,
            };
            if !ok || !parsed.username().is_empty() || parsed.password().is_some() {
                return Err(Unavailable::Misconfigured("ANALYTICS_SQL_URL"));
            }
            raw
        }
        None => {
            let Some(account) = get("CLOUDFLARE_ACCOUNT_ID") else {
                return Err(Unavailable::NoReadToken);
            };
            // A 32-hex-digit account id (the SQL API's docs); anything else would change the path.
            if account.len() != 32 || !account.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Unavailable::Misconfigured("CLOUDFLARE_ACCOUNT_ID"));
            }
            format!("https://api.cloudflare.com/client/v4/accounts/{account}/analytics_engine/sql")
        }
    };
    Ok(SqlSettings {
        url,
        token,
        dataset,
    })
}

/// How long an isolate answers the history from what it last read: the figures are daily, and
/// each read is two SQL API calls.
pub const HISTORY_CACHE_MS: u64 = 5 * 60_000;

#[cfg(test)]
#[path = "analytics_tests.rs"]
mod tests;
