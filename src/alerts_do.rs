//! The scheduled check (Cron Trigger, `[triggers] crons` in wrangler.toml) and the Durable
//! Object that keeps the alerts' incidents between checks. The decisions are `core::alerts`'s;
//! this module reads the metrics and the configuration, hands them to the object, and posts
//! what it answers to `ALERT_WEBHOOK_URL`.
//!
//! One object (`alerts`) holds the state: checks are minutes apart, and one writer keeps
//! "one alert per incident" true. Each check costs the metrics shards' reads (`SHARDS`
//! requests), one request to this object, and one more when something was posted.

use crate::core::alerts::{self, notice, stored, AlertAnswer, AlertRequest, AlertState};
use crate::core::config::alerts::AlertSettings;
use crate::core::config::DEFAULT_UPSTREAM_TIMEOUT_MS;
use crate::core::http::Exchange;
use crate::core::logline::LogLine;
use crate::{env_config, metrics_do, stubs};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "ALERTS";
const KEY: &str = "state";

fn lookup(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.to_string())
        .or_else(|_| env.secret(name).map(|v| v.to_string()))
        .ok()
}

async fn ask(env: &Env, request: &AlertRequest) -> Result<AlertAnswer> {
    let stub = env
        .durable_object(BINDING)?
        .id_from_name("alerts")?
        .get_stub()?;
    stubs::ask(&stub, request).await
}

/// One check: what the cron runs.
pub async fn scheduled(env: &Env) {
    let (settings, _) = AlertSettings::read(|name| lookup(env, name));
    // Alerts are off without a webhook: the check costs nothing then.
    let Some(url) = settings.webhook_url.clone() else {
        return;
    };
    if let Err(e) = check(env, &settings, &url).await {
        crate::log::emit(
            &LogLine::error("alerts.check_failed").field("error", e.to_string()),
            &[&url],
        );
    }
}

async fn check(env: &Env, settings: &AlertSettings, url: &str) -> Result<()> {
    let (config, _) = env_config::inspect(env);
    let config_problems = config.err().map_or_else(Vec::new, |e| {
        let mut names: Vec<String> = e.missing.iter().map(|n| n.to_string()).collect();
        names.extend(e.invalid.iter().map(|(n, _)| n.clone()));
        names
    });
    let metrics = match metrics_do::read_all(env).await {
        Ok(m) => Some(alerts::MetricsReading::of(&m)),
        Err(e) => {
            crate::log::emit(
                &LogLine::warn("alerts.metrics_unreadable").field("error", e.to_string()),
                &[url],
            );
            None
        }
    };
    let request = AlertRequest::Check {
        observation: alerts::Observation {
            metrics,
            config_problems,
        },
        thresholds: alerts::Thresholds::of(settings),
        now_ms: crate::clock::now_ms(),
    };
    let (outbox, open) = match ask(env, &request).await? {
        AlertAnswer::Checked { outbox, open } => (outbox, open),
        AlertAnswer::Done => return Err(worker::Error::RustError("unexpected answer".into())),
    };
    let mut posted = Vec::new();
    for n in &outbox {
        let request = notice::request(n, url, settings.format);
        // The outcome's kind only: a network error's text may carry the URL, a credential.
        let failure = match crate::upstream::exchange(&request, DEFAULT_UPSTREAM_TIMEOUT_MS).await {
            Exchange::Answered(a) if (200..300).contains(&a.status) => None,
            Exchange::Answered(a) => Some(format!("http_{}", a.status)),
            Exchange::TimedOut => Some("timeout".to_string()),
            Exchange::NetworkError(_) => Some("network".to_string()),
        };
        match failure {
            None => posted.push(n.id),
            Some(cause) => {
                crate::log::emit(
                    &LogLine::warn("alerts.post_failed")
                        .field("incident", n.incident)
                        .field("condition", n.condition.key())
                        .field("cause", cause),
                    &[url],
                );
                // Later notices wait too: they go out in order at the next check.
                break;
            }
        }
    }
    if !posted.is_empty() {
        ask(
            env,
            &AlertRequest::Delivered {
                ids: posted.clone(),
            },
        )
        .await?;
    }
    let open: Vec<&str> = open.iter().map(|c| c.key()).collect();
    crate::log::emit(
        &LogLine::info("alerts.checked")
            .field("open", open)
            .field("posted", posted.len())
            .field("waiting", outbox.len() - posted.len()),
        &[url],
    );
    Ok(())
}

/// Keeps `AlertState` (`core::alerts::stored`'s versioned form).
#[durable_object(fetch)]
pub struct AlertMonitor {
    state: State,
    env: Env,
}

impl DurableObject for AlertMonitor {
    fn new(state: State, env: Env) -> Self {
        AlertMonitor { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        crate::log::configure(&self.env);
        let request: AlertRequest = match stubs::read(&mut req).await {
            Ok(r) => r,
            Err((detail, status)) => return Response::error(detail, status),
        };
        let storage = self.state.storage();
        // Only storage calls between the load and the save: the input gate keeps them atomic.
        let mut state = match crate::storage::load_text(&storage, KEY).await? {
            None => AlertState::default(),
            Some(text) => stored::decode(&text).unwrap_or_else(|why| {
                crate::log::emit(
                    &LogLine::warn("alerts.state_reset").field("reason", why.as_str()),
                    &[],
                );
                AlertState::default()
            }),
        };
        let answer = match request {
            AlertRequest::Check {
                observation,
                thresholds,
                now_ms,
            } => {
                alerts::check(&mut state, &observation, &thresholds, now_ms);
                AlertAnswer::Checked {
                    outbox: state.outbox.clone(),
                    open: state.open.iter().map(|i| i.condition).collect(),
                }
            }
            AlertRequest::Delivered { ids } => {
                alerts::delivered(&mut state, &ids);
                AlertAnswer::Done
            }
        };
        crate::storage::save_text(&storage, KEY, stored::encode(&state)).await?;
        stubs::answer(&answer)
    }
}
