//! `/admin/...`: operators' look-ups, behind `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! - `GET /admin/messages/{MessageSid}`: where that message is (received, ticket, reply,
//!   attempts, last error), found through the look-up index and read from its conversation.
//! - `GET /admin/messages?ticket=N` / `?customer=+1555...`: a ticket's or a customer's messages.
//! - `GET /admin/metrics`: counters, failures by reason, retries pending, latency percentiles.

use crate::conversation_do::Target;
use crate::core::edges::{ConversationAnswer, ConversationRequest};
use crate::core::logline::LogLine;
use crate::core::metrics::DirectoryKey;
use crate::core::metrics_series;
use crate::core::signature::secret_matches;
use crate::{
    conversation_do, env_config, log, message_index, metrics_do, respond, storage, zendesk_events,
};
use worker::{Env, Method, Request, Response, Result};

pub async fn handle(req: &Request, env: &Env) -> Result<Response> {
    if req.method() != Method::Get {
        return respond::method_not_allowed("GET");
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
    let path = req.path();
    match path.as_str() {
        "/admin/metrics" => respond::json(200, &metrics_do::read_all(env).await?.report()),
        "/admin/metrics/series" => {
            let hours = metrics_do::series(env).await?;
            respond::json(200, &metrics_series::report(&hours, storage::now_ms()))
        }
        "/admin/messages" => search(req, env).await,
        p if p.starts_with("/admin/messages/") => {
            one_message(&p["/admin/messages/".len()..], env).await
        }
        _ => respond::error(404, "not_found", "no such endpoint"),
    }
}

/// `GET /admin/messages?ticket=N` or `?customer=+15550001234`: that ticket's or that customer's
/// latest messages (50), newest first. The number is only used to find the conversation.
async fn search(req: &Request, env: &Env) -> Result<Response> {
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
    // A full number may come in the `X-Customer` header instead of the query: request URLs
    // are kept by Workers Logs' invocation logs, headers are not.
    let customer = req
        .headers()
        .get("X-Customer")
        .ok()
        .flatten()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .or_else(|| param("customer"));
    let (conversation, ticket) = match (param("ticket"), customer) {
        (Some(t), _) => {
            let Ok(ticket) = t.parse::<u64>() else {
                return respond::error(400, "invalid_ticket", "ticket must be a Zendesk ticket id");
            };
            match ticket_conversation(env, ticket).await? {
                Some(id) => (id, Some(ticket)),
                None => {
                    return respond::error(
                        404,
                        "unknown_ticket",
                        "no ticket with this id was made by the gateway",
                    )
                }
            }
        }
        (None, Some(c)) if c.contains('*') => {
            // A masked number as logs show it: every conversation it may stand for.
            let mut all: Vec<serde_json::Value> = Vec::new();
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
            all.sort_by_key(|m| std::cmp::Reverse(m["received_at_ms"].as_u64().unwrap_or(0)));
            all.truncate(50);
            return respond::json(200, &serde_json::json!({ "messages": all }));
        }
        (None, Some(c)) => {
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
            let name = conversation_do::customer_name(address);
            (
                env.durable_object(conversation_do::BINDING)?
                    .id_from_name(&name)?
                    .to_string(),
                None,
            )
        }
        (None, None) => {
            return respond::error(
                400,
                "missing_filter",
                "give ?ticket=<id> or ?customer=<number>",
            )
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
    for address in addresses {
        let id = env
            .durable_object(conversation_do::BINDING)?
            .id_from_name(&conversation_do::customer_name(&address))?
            .to_string();
        if !views(env, &id, Some(ticket)).await?.is_empty() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// A conversation's latest messages (of one ticket), as its object shows them.
async fn views(env: &Env, id: &str, ticket: Option<u64>) -> Result<Vec<serde_json::Value>> {
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
async fn latest_messages(env: &Env, n: usize) -> Result<Vec<serde_json::Value>> {
    let mut recent = metrics_do::read_all(env).await?.recent;
    recent.sort_by_key(|r| std::cmp::Reverse(r.at_ms));
    recent.truncate(n);
    let mut conversations: Vec<&str> = Vec::new();
    for r in &recent {
        if !conversations.contains(&r.conversation.as_str()) {
            conversations.push(&r.conversation);
        }
    }
    let mut found: Vec<serde_json::Value> = Vec::new();
    for id in conversations {
        found.extend(views(env, id, None).await?);
    }
    Ok(recent
        .iter()
        .filter_map(|r| {
            found
                .iter()
                .find(|v| v["message_sid"].as_str() == Some(r.sid.as_str()))
                .cloned()
        })
        .collect())
}
