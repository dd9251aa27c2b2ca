//! The message history in Workers Analytics Engine, the shell's part: each finished message's
//! data point goes to the `MESSAGE_ANALYTICS` binding (`core::analytics::data_point` decides
//! what it holds), and `GET /admin/history` reads the 7/30/90-day series and the per-channel
//! breakdown back through the SQL API with a read token the browser never sees.
//!
//! Both ends are optional: without the binding nothing is written and nothing fails; without
//! the token the dashboard says the history is not readable and keeps its 24 hours from the
//! Durable Objects. `wrangler dev` drops every write to a local binding unless the dataset is
//! declared `remote = true` (workers-sdk's changelog,
//! <https://github.com/cloudflare/workers-sdk/releases/tag/@cloudflare%2Fconfig@0.29.0>; Miniflare's
//! local dataset's `writeDataPoint` does nothing), so local history is read from a stand-in
//! (`ANALYTICS_SQL_URL`, the tests' emulator).

use crate::core::analytics::{self, Unavailable, HISTORY_CACHE_MS};
use crate::core::events::DomainEvent;
use crate::core::http::{Exchange, HttpRequest};
use crate::core::logline::LogLine;
use crate::{clock, log, upstream};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use worker::{AnalyticsEngineDataPointBuilder, Env};

/// The dataset's binding (`[[analytics_engine_datasets]]` in wrangler.toml).
pub const BINDING: &str = "MESSAGE_ANALYTICS";

/// How long one SQL API call may take before the history is reported unavailable.
const SQL_TIMEOUT_MS: u32 = 10_000;

/// Writes one data point per finished message among `events`, counted under the
/// conversation's channel. Never fails the caller: no binding means no history (the sandbox),
/// and a refused write is a warning (`writeDataPoint` returns at once; the runtime sends it).
pub fn write_finished(env: &Env, events: &[DomainEvent], conversation_channel: Option<&str>) {
    let channel = analytics::finished_message_channel(conversation_channel);
    let mut points = events
        .iter()
        .filter_map(|e| analytics::data_point(e, channel))
        .peekable();
    if points.peek().is_none() {
        return;
    }
    let Ok(dataset) = env.analytics_engine(BINDING) else {
        return;
    };
    for point in points {
        let built = AnalyticsEngineDataPointBuilder::new()
            .indexes([point.index.as_str()])
            .blobs(point.blobs)
            .doubles(point.doubles)
            .build();
        if let Err(e) = dataset.write_data_point(&built) {
            log::emit(
                &LogLine::warn("analytics.write_failed").field("error", e.to_string()),
                &[],
            );
        }
    }
}

thread_local! {
    /// This isolate's latest history per period (days): the figures are daily and each read
    /// costs two SQL API calls, so an open dashboard asks at most once per `HISTORY_CACHE_MS`.
    static HISTORY: RefCell<Vec<(u32, u64, Rc<Value>)>> = const { RefCell::new(Vec::new()) };
}

fn lookup(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.to_string())
        .or_else(|_| env.secret(name).map(|v| v.to_string()))
        .ok()
}

fn unavailable(days: u32, why: &Unavailable) -> Value {
    json!({"available": false, "days": days, "reason": why.code(), "note": why.note()})
}

/// The history of the last `days` days: `{"available": true, "days", "series", "channels",
/// "read_at_ms"}`, or `{"available": false, "reason", "note"}` saying why not.
pub async fn history(env: &Env, days: u32) -> Value {
    if env.analytics_engine(BINDING).is_err() {
        return unavailable(days, &Unavailable::NoBinding);
    }
    let settings = match analytics::sql_settings(|name| lookup(env, name)) {
        Ok(s) => s,
        Err(why) => return unavailable(days, &why),
    };
    let now = clock::now_ms();
    let cached = HISTORY.with(|c| {
        c.borrow()
            .iter()
            .find(|(d, at, _)| *d == days && now.saturating_sub(*at) < HISTORY_CACHE_MS)
            .map(|(_, _, v)| v.clone())
    });
    if let Some(v) = cached {
        return (*v).clone();
    }
    let ask = |sql: String| HttpRequest {
        method: "POST",
        url: settings.url.clone(),
        headers: vec![
            ("Authorization", format!("Bearer {}", settings.token)),
            ("Content-Type", "text/plain".into()),
        ],
        body: sql,
    };
    let series_req = ask(analytics::series_query(&settings.dataset, days));
    let channels_req = ask(analytics::channels_query(&settings.dataset, days));
    let (series, channels) = futures_util::future::join(
        upstream::exchange(&series_req, SQL_TIMEOUT_MS),
        upstream::exchange(&channels_req, SQL_TIMEOUT_MS),
    )
    .await;
    let body = |exchange: Exchange| match exchange {
        Exchange::Answered(a) if a.status == 200 => Ok(a.body),
        Exchange::Answered(a) => Err(format!("the SQL API answered HTTP {}", a.status)),
        Exchange::TimedOut => Err("the SQL API did not answer in time".to_string()),
        Exchange::NetworkError(_) => Err("the SQL API could not be reached".to_string()),
    };
    let parsed = body(series)
        .and_then(|b| analytics::parse_series(&b, days, now))
        .and_then(|s| {
            body(channels)
                .and_then(|b| analytics::parse_channels(&b))
                .map(|c| (s, c))
        });
    match parsed {
        Ok((series, channels)) => {
            let value = Rc::new(json!({
                "available": true,
                "days": days,
                "series": series,
                "channels": channels,
                "read_at_ms": now,
            }));
            HISTORY.with(|c| {
                let mut c = c.borrow_mut();
                c.retain(|(d, _, _)| *d != days);
                c.push((days, now, value.clone()));
            });
            (*value).clone()
        }
        // Not cached: the next refresh asks again. The reason names no token or URL.
        Err(reason) => {
            log::emit(
                &LogLine::warn("analytics.read_failed").field("reason", reason.as_str()),
                &[],
            );
            json!({
                "available": false,
                "days": days,
                "reason": "sql_api_error",
                "note": format!("Analytics Engine history could not be read: {reason}. Showing the last 24 hours from the Durable Objects."),
            })
        }
    }
}
