//! The Worker entry: routes each request to its handler. No logic of its own: the decisions
//! live in `core` (pure, tested natively), the effects in the handler modules.

pub mod core;

mod admin;
mod alerts_do;
mod analytics;
mod body;
mod budget_do;
mod clock;
mod conversation_do;
mod env_config;
mod erasure;
mod health;
mod identity_links;
mod log;
mod media;
mod message_index;
mod metrics_do;
mod respond;
mod storage;
mod stubs;
mod upstream;
mod usage;
mod webhook;
mod zendesk_events;
mod zendesk_ticket_events;

pub use alerts_do::AlertMonitor;
pub use budget_do::ZendeskBudget;
pub use conversation_do::ConversationObject;
pub use message_index::MessageIndex;
pub use metrics_do::MetricsShard;

use worker::{event, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: worker::Context) -> Result<Response> {
    crate::log::configure(&env);
    let span = usage::begin(usage::Invocation::Worker);
    let answer = route(req, &env).await;
    span.end(usage::enabled(&env));
    answer
}

/// The Cron Trigger (`[triggers] crons` in wrangler.toml): the alerts' check (`alerts_do`).
/// Every cron runs the same check, whatever its schedule.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    crate::log::configure(&env);
    let span = usage::begin(usage::Invocation::Worker);
    alerts_do::scheduled(&env).await;
    span.end(usage::enabled(&env));
}

async fn route(req: Request, env: &Env) -> Result<Response> {
    let path = req.path();
    let outcome = match path.as_str() {
        "/twilio/whatsapp" => webhook::handle(req, env).await,
        "/twilio/status" => webhook::handle_status(req, env).await,
        "/zendesk/events" => zendesk_events::handle(req, env).await,
        "/healthz" => health::handle(&req, env),
        p if p.starts_with("/admin/") => admin::handle(&req, env).await,
        p if p.starts_with("/media/") => media::handle(&req, env).await,
        "/" => health::index(&req),
        _ => respond::error(404, "not_found", "no such endpoint"),
    };
    // An unexpected runtime error is logged and answered plainly, never as a crash.
    outcome.or_else(|e| {
        log::emit(
            &core::logline::LogLine::error("worker.unexpected_error")
                .field("path", core::media_url::loggable_path(&path))
                .field("error", e.to_string()),
            &[],
        );
        respond::error(500, "internal_error", "unexpected error, see the logs")
    })
}
