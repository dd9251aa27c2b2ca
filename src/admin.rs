//! `/admin/...`: operators' look-ups, behind `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! - `GET /admin/messages/{MessageSid}`: where that message is (received, ticket, reply,
//!   attempts, last error), found through the look-up index and read from its conversation.
//! - `POST /admin/messages` with `{"customer": "+1555..."}` (or `{"ticket": N}`): a customer's
//!   or a ticket's messages. A full number travels only in the body: Cloudflare keeps request
//!   URLs and headers in the Worker's invocation logs, not bodies.
//! - `GET /admin/messages?ticket=N` / `?customer=+1555***1234` (masked, as logs show it) /
//!   `?latest=N`: the same look-ups, for values that may be logged.
//! - `GET /admin/metrics`: counters, failures by reason, retries pending, latency percentiles.
//! - `GET /admin/overview`: what the dashboard shows on each refresh in one answer (the
//!   metrics, the 24-hour series, the latest messages, the Zendesk agents' link), read with one
//!   request per metrics shard and cached per isolate (`metrics_do::overview`); the latest
//!   messages' conversations are read concurrently, and a finished message's view is kept
//!   (`FINISHED_VIEW_CACHE_MS`), so a quiet gateway's refresh asks no conversation.
//! - `GET /admin/history?days=7|30|90`: the daily series and the per-channel breakdown from
//!   Workers Analytics Engine (`analytics::history`), or why they are not available.

use crate::body::{read_bounded, BodyError};
use crate::conversation_do::Target;
use crate::core::edges::{ConversationAnswer, ConversationRequest};
use crate::core::logline::LogLine;
use crate::core::message_view::{MessageStatus, MessageView};
use crate::core::metrics::{DirectoryKey, RecentMessage};
use crate::core::metrics_series;
use crate::core::signature::secret_matches;
use crate::{
    clock, conversation_do, env_config, log, message_index, metrics_do, respond, zendesk_events,
};
use serde_json::Value;
use worker::{Env, Method, Request, Response, Result};

/// A search's JSON body is a few dozen bytes.
const SEARCH_BODY_MAX_BYTES: usize = 4 * 1024;

pub async fn handle(req: &Request, env: &Env) -> Result<Response> {
    let path = req.path();
    let search_by_body = path == "/admin/messages" && req.method() == Method::Post;
    let customers = path == "/admin/customers" || path.starts_with("/admin/customers/");
    let erase = customers && req.method() == Method::Delete;
    if customers && !erase {
        return respond::method_not_allowed("DELETE");
    }
    if req.method() != Method::Get && !search_by_body && !erase {
        return respond::method_not_allowed(if path == "/admin/messages" {
            "GET, POST"
        } else {
            "GET"
        });
    }
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => return respond::error(503, "configuration_error", &e.to_string()),
    };
    let Some(token) = config.admin_token.as_deref() else {
        return respond::error(
            503,
            "admin_disabled",
            "set the ADMIN_TOKEN secret to enable /admin",
        );
    };
    let presented = req.headers().get("Authorization")?.unwrap_or_default();
    let bearer = presented.strip_prefix("Bearer ").unwrap_or("").trim();
    if !secret_matches(bearer, token) {
        log::emit(
            &LogLine::warn("admin.refused").field("path", req.path()),
            &config.secrets(),
        );
        let resp = respond::error(
            401,
            "unauthorized",
            "Authorization: Bearer <ADMIN_TOKEN> required",
        )?;
        resp.headers().set("WWW-Authenticate", "Bearer")?;
        return Ok(resp);
    }
    if search_by_body {
        return search_body(req, env).await;
    }
    if erase {
        return erase_customer(req, env, &config).await;
    }
    match path.as_str() {
        "/admin/metrics" => {
            let mut report = metrics_do::read_all(env).await?.report();
            report["zendesk_budget"] = zendesk_budget(env, &config).await;
            respond::json(200, &report)
        }
        "/admin/overview" => overview(env, &config).await,
        "/admin/history" => {
            let days = req
                .url()?
                .query_pairs()
                .find(|(k, _)| k == "days")
                .map(|(_, v)| v.into_owned());
            match crate::core::analytics::range_days(days.as_deref()) {
                Ok(days) => respond::json(200, &crate::analytics::history(env, days).await),
                Err(detail) => respond::error(400, "bad_request", &detail),
            }
        }
        "/admin/metrics/series" => {
            let hours = metrics_do::series(env).await?;
            respond::json(200, &metrics_series::report(&hours, clock::now_ms()))
        }
        "/admin/messages" => search_query(req, env).await,
        p if p.starts_with("/admin/messages/") => {
            one_message(&p["/admin/messages/".len()..], env).await
        }
        _ => respond::error(404, "not_found", "no such endpoint"),
    }
}

/// What a search looks for.
enum Filter {
    Ticket(u64),
    /// A full number (or user id), or a masked one (`+1555***1234`).
    Customer(String),
}

/// Why a full number is refused in a URL or a header (both are kept in the invocation logs).
fn use_post() -> Result<Response> {
    respond::error(
        400,
        "use_post",
        "a full number must not travel in the URL or a header (Cloudflare keeps both in the Worker's logs): POST /admin/messages with the JSON body {\"customer\": \"+15550001234\"}",
    )
}

/// `GET /admin/messages?ticket=N`, `?customer=<masked number>` or `?latest=N`.
async fn search_query(req: &Request, env: &Env) -> Result<Response> {
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    if let Some(latest) = param("latest") {
        let Ok(n) = latest.parse::<usize>() else {
            return respond::error(
                400,
                "invalid_latest",
                "latest must be a number (at most 20)",
            );
        };
        let messages = latest_messages(env, n.min(LATEST_MAX)).await?;
        return respond::json(200, &serde_json::json!({ "messages": messages }));
    }
    // Earlier versions took a full number in `X-Customer`: headers are logged too.
    if req.headers().get("X-Customer").ok().flatten().is_some() {
        return use_post();
    }
    match (param("ticket"), param("customer")) {
        (Some(t), _) => match t.parse::<u64>() {
            Ok(ticket) => find(env, Filter::Ticket(ticket)).await,
            Err(_) => respond::error(400, "invalid_ticket", "ticket must be a Zendesk ticket id"),
        },
        (None, Some(c)) if c.contains('*') => find(env, Filter::Customer(c)).await,
        (None, Some(_)) => use_post(),
        (None, None) => respond::error(
            400,
            "missing_filter",
            "give ?ticket=<id>, ?latest=<n> or a masked ?customer=, or POST {\"customer\": \"+1555...\"}",
        ),
    }
}

/// `DELETE /admin/customers` with `{"customer": "+15550001234"}` (or a WhatsApp user id), or
/// `DELETE /admin/customers/{user id}`: forgets the customer (`erasure`). A full number is
/// refused in the URL, as for searches (Cloudflare keeps URLs in the Worker's logs).
async fn erase_customer(
    req: &Request,
    env: &Env,
    config: &crate::core::config::Config,
) -> Result<Response> {
    let path = req.path();
    let raw = match path.strip_prefix("/admin/customers/") {
        Some(id) => {
            let id = id.trim_start_matches("whatsapp:");
            if id.starts_with('+') || id.starts_with("%2B") {
                return respond::error(
                    400,
                    "use_body",
                    "a full number must not travel in the URL (Cloudflare keeps it in the Worker's logs): DELETE /admin/customers with the JSON body {\"customer\": \"+15550001234\"}",
                );
            }
            id.to_string()
        }
        None => {
            let body = match json_body(req).await? {
                Ok(body) => body,
                Err(refused) => return Ok(refused),
            };
            match serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|j| j["customer"].as_str().map(str::to_string))
            {
                Some(c) => c,
                None => return respond::error(
                    400,
                    "invalid_body",
                    "expected {\"customer\": \"+15550001234\"} (a number or a WhatsApp user id)",
                ),
            }
        }
    };
    let Ok(customer) = crate::core::form::Sender::parse(raw.trim()) else {
        return respond::error(
            400,
            "invalid_customer",
            "customer must be a WhatsApp number like +15550001234 or a user id like US.13491208655302741918",
        );
    };
    match crate::erasure::erase_customer(env, config, &customer).await? {
        Some(erasure) => respond::json(200, &serde_json::json!({ "erased": erasure })),
        None => respond::error(
            404,
            "unknown_customer",
            "nothing is stored about this customer",
        ),
    }
}

/// The bytes of a JSON body of at most 4 KiB, or the answer that refuses it (415, 413, 400).
async fn json_body(req: &Request) -> Result<std::result::Result<Vec<u8>, Response>> {
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Ok(Err(respond::error(
            415,
            "unsupported_media_type",
            "expected application/json",
        )?));
    }
    // `handle` is given the request by reference (the router's); a clone reads the body.
    let mut req = req.clone()?;
    Ok(match read_bounded(&mut req, SEARCH_BODY_MAX_BYTES).await {
        Ok(b) => Ok(b),
        Err(BodyError::TooLarge) => {
            Err(respond::error(413, "payload_too_large", "body over 4 KiB")?)
        }
        Err(BodyError::Unreadable(e)) => Err(respond::error(400, "unreadable_body", &e)?),
    })
}

/// `POST /admin/messages` with `{"customer": "+15550001234"}` or `{"ticket": 35436}`.
async fn search_body(req: &Request, env: &Env) -> Result<Response> {
    let body = match json_body(req).await? {
        Ok(body) => body,
        Err(refused) => return Ok(refused),
    };
    let invalid = || {
        respond::error(
            400,
            "invalid_body",
            "expected {\"customer\": \"+15550001234\"} (full or masked) or {\"ticket\": 35436}",
        )
    };
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return invalid();
    };
    match (&json["ticket"], &json["customer"]) {
        (Value::Number(n), Value::Null) => match n.as_u64() {
            Some(ticket) => find(env, Filter::Ticket(ticket)).await,
            None => invalid(),
        },
        (Value::Null, Value::String(c)) if !c.trim().is_empty() => {
            find(env, Filter::Customer(c.trim().to_string())).await
        }
        _ => invalid(),
    }
}

/// That ticket's or that customer's latest messages (50), newest first. A number is only used
/// to find the conversation.
async fn find(env: &Env, filter: Filter) -> Result<Response> {
    let (conversation, ticket) = match filter {
        Filter::Ticket(ticket) => match ticket_conversation(env, ticket).await? {
            Some(id) => (id, Some(ticket)),
            None => {
                return respond::error(
                    404,
                    "unknown_ticket",
                    "no ticket with this id was made by the gateway",
                )
            }
        },
        Filter::Customer(c) if c.contains('*') => {
            // A masked number as logs show it: every conversation it may stand for.
            let mut all: Vec<MessageView> = Vec::new();
            // At most 40 conversations: a request may make 50 subrequests on the free plan.
            let mut ids = metrics_do::directory(env, &DirectoryKey::Masked(c.clone())).await?;
            for id in message_index::members(env, &conversation_do::masked_key(&c)).await? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            for id in ids.into_iter().rev().take(40) {
                all.extend(views(env, &id, None).await?);
            }
            all.sort_by_key(|m| std::cmp::Reverse(m.received_at_ms));
            all.truncate(50);
            return respond::json(200, &serde_json::json!({ "messages": all }));
        }
        Filter::Customer(c) => {
            let address = c.trim_start_matches("whatsapp:");
            let valid = !address.is_empty()
                && address.len() <= 128
                && address
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'_' | b'-'));
            if !valid {
                return respond::error(
                    400,
                    "invalid_customer",
                    "customer must be a WhatsApp number like +15550001234 (or a user id)",
                );
            }
            // The customer's conversation on every channel (one person, several brands).
            let config =
                env_config::load(env).map_err(|e| worker::Error::RustError(e.to_string()))?;
            let mut all: Vec<MessageView> = Vec::new();
            for channel in config.every_channel() {
                let name = conversation_do::conversation_name(Some(&channel.channel), address);
                let id = env
                    .durable_object(conversation_do::BINDING)?
                    .id_from_name(&name)?
                    .to_string();
                all.extend(views(env, &id, None).await?);
            }
            all.sort_by_key(|m| std::cmp::Reverse(m.received_at_ms));
            all.truncate(50);
            return respond::json(200, &serde_json::json!({ "messages": all }));
        }
    };
    let views = views(env, &conversation, ticket).await?;
    respond::json(200, &serde_json::json!({ "messages": views }))
}

async fn one_message(sid: &str, env: &Env) -> Result<Response> {
    if sid.is_empty() || sid.len() > 64 || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return respond::error(
            400,
            "invalid_message_sid",
            "expected a MessageSid (SM... or MM...)",
        );
    }
    let found = metrics_do::directory(env, &DirectoryKey::Message(sid.to_string())).await?;
    let conversation = match found.into_iter().next() {
        Some(id) => Some(id),
        // Written by an earlier version (or claimed: a sender not pinned by WaId).
        None => message_index::lookup(env, sid).await?,
    };
    let Some(conversation) = conversation else {
        return respond::error(
            404,
            "unknown_message",
            "no message with this MessageSid (or not yet indexed)",
        );
    };
    let request = ConversationRequest::Message {
        sid: sid.to_string(),
    };
    match conversation_do::ask(env, Target::Id(&conversation), &request).await? {
        ConversationAnswer::Message { view: Some(view) } => respond::json(200, &view),
        _ => respond::error(404, "unknown_message", "no message with this MessageSid"),
    }
}

/// The conversation that owns a ticket: the directory, the look-up index of earlier versions, else the
/// ticket's requester as Zendesk has it (the gateway names requesters after customers).
async fn ticket_conversation(env: &Env, ticket: u64) -> Result<Option<String>> {
    if let Some(id) = metrics_do::directory(env, &DirectoryKey::Ticket(ticket))
        .await?
        .into_iter()
        .next()
    {
        return Ok(Some(id));
    }
    if let Some(id) = message_index::lookup(env, &conversation_do::ticket_key(ticket)).await? {
        return Ok(Some(id));
    }
    let config = env_config::load(env).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let addresses = zendesk_events::requester_addresses(&config, ticket)
        .await
        .map_err(worker::Error::RustError)?;
    for (channel, address) in addresses {
        let id = env
            .durable_object(conversation_do::BINDING)?
            .id_from_name(&conversation_do::conversation_name(
                Some(&channel),
                &address,
            ))?
            .to_string();
        if !views(env, &id, Some(ticket)).await?.is_empty() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// A conversation's latest messages (of one ticket), as its object shows them.
async fn views(env: &Env, id: &str, ticket: Option<u64>) -> Result<Vec<MessageView>> {
    let request = ConversationRequest::Messages { ticket };
    match conversation_do::ask(env, Target::Id(id), &request).await? {
        ConversationAnswer::Messages { views } => Ok(views),
        other => Err(worker::Error::RustError(format!(
            "unexpected answer {}",
            other.name()
        ))),
    }
}

/// Most messages `?latest=` lists (each distinct conversation costs one request).
const LATEST_MAX: usize = 20;

/// The latest messages across every customer, newest first, as their conversations show them.
async fn latest_messages(env: &Env, n: usize) -> Result<Vec<MessageView>> {
    let recent = metrics_do::read_all(env).await?.recent;
    latest_views(env, recent, n).await
}

/// `GET /admin/overview`: the dashboard's refresh. `as_of_ms` is when the shards were read (at
/// most `OVERVIEW_CACHE_MS` ago). No `history` field: the 7/30/90-day history (Workers
/// Analytics Engine) is not part of this version, and the page says so.
async fn overview(env: &Env, config: &crate::core::config::Config) -> Result<Response> {
    let overview = metrics_do::overview(env).await?;
    let latest = latest_views(env, overview.metrics.recent.clone(), LATEST_MAX).await?;
    respond::json(
        200,
        &serde_json::json!({
            "as_of_ms": overview.read_at_ms,
            "metrics": overview.metrics.report(),
            "series": metrics_series::report(&overview.hours, overview.read_at_ms),
            "latest": latest,
            "zendesk_agent_url": zendesk_agent_url(&config.zendesk_domain),
            "zendesk_budget": zendesk_budget(env, config).await,
            "cache_ms": metrics_do::OVERVIEW_CACHE_MS,
        }),
    )
}

/// The account's Zendesk budget as its object reports it (`null` when it cannot be read: the
/// rest of the page is still worth showing).
async fn zendesk_budget(env: &Env, config: &crate::core::config::Config) -> serde_json::Value {
    crate::budget_do::read(env, config.api_budget)
        .await
        .unwrap_or(serde_json::Value::Null)
}

/// Where an agent opens ticket N: this prefix and N (Zendesk's agent workspace,
/// `https://{subdomain}.zendesk.com/agent/tickets/{id}`). The host is not a secret: every
/// ticket e-mail and the agents' browser show it. None when no Zendesk is configured.
fn zendesk_agent_url(domain: &str) -> Option<String> {
    (!domain.is_empty()).then(|| format!("https://{domain}/agent/tickets/"))
}

/// How long an isolate keeps a finished message's view for the latest list: what the list
/// shows of a finished message (status, outcome, ticket, attempts) no longer changes; its
/// reply's delivery may, and the list is re-read at least this often.
const FINISHED_VIEW_CACHE_MS: u64 = 10 * 60 * 1000;

/// Finished messages' views an isolate keeps at most (beyond the list shown last).
const FINISHED_VIEWS_MAX: usize = 100;

thread_local! {
    /// Finished messages' views by MessageSid, with when they were read (this isolate's).
    static FINISHED_VIEWS: std::cell::RefCell<std::collections::HashMap<String, (u64, MessageView)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn is_finished(view: &MessageView) -> bool {
    !matches!(
        view.status,
        MessageStatus::Received | MessageStatus::WaitingToRetry | MessageStatus::Replying
    )
}

/// The `n` newest of `recent`, newest first. Conversations are asked only for messages not kept
/// finished in this isolate, all at once (each distinct conversation costs one request).
async fn latest_views(
    env: &Env,
    mut recent: Vec<RecentMessage>,
    n: usize,
) -> Result<Vec<MessageView>> {
    let now = clock::now_ms();
    recent.sort_by_key(|r| std::cmp::Reverse(r.at_ms));
    recent.truncate(n);
    let kept = |sid: &str| {
        FINISHED_VIEWS.with(|c| {
            c.borrow()
                .get(sid)
                .filter(|(at, _)| now.saturating_sub(*at) < FINISHED_VIEW_CACHE_MS)
                .map(|(_, v)| v.clone())
        })
    };
    let mut conversations: Vec<&str> = Vec::new();
    for r in &recent {
        if kept(&r.sid).is_none() && !conversations.contains(&r.conversation.as_str()) {
            conversations.push(&r.conversation);
        }
    }
    let asks = conversations.iter().map(|id| views(env, id, None));
    let mut found: Vec<MessageView> = Vec::new();
    for answer in futures_util::future::join_all(asks).await {
        found.extend(answer?);
    }
    let list: Vec<MessageView> = recent
        .iter()
        .filter_map(|r| {
            found
                .iter()
                .find(|v| v.message_sid == r.sid)
                .cloned()
                .or_else(|| kept(&r.sid))
        })
        .collect();
    FINISHED_VIEWS.with(|c| {
        let mut cache = c.borrow_mut();
        for view in found.iter().filter(|v| is_finished(v)) {
            cache.insert(view.message_sid.clone(), (now, view.clone()));
        }
        cache.retain(|_, (at, _)| now.saturating_sub(*at) < FINISHED_VIEW_CACHE_MS);
        // Bounded: past `FINISHED_VIEWS_MAX`, only what this list shows is kept (a look-up of
        // fewer messages, `?latest=1`, does not empty the cache the dashboard's list uses).
        if cache.len() > FINISHED_VIEWS_MAX {
            cache.retain(|sid, _| recent.iter().any(|r| &r.sid == sid));
        }
    });
    Ok(list)
}
