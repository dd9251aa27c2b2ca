//! `POST /zendesk/events`: Zendesk's webhook, called by the trigger on tickets tagged
//! `whatsapp` when a public comment is added. It only names the ticket; the customer's
//! Conversation Durable Object then reads the ticket's comments and sends agents' new public
//! comments to WhatsApp, once each (Zendesk's retries are harmless).
//!
//! Checks, in order: method (405), size (413), configuration (503, ZENDESK_WEBHOOK_SECRET),
//! signature headers (401), signature (403), timestamp within 5 minutes (403: replay), body (400).

use crate::body::{read_bounded, BodyError};
use crate::conversation_do::Target;
use crate::core::config::Config;
use crate::core::edges::{ConversationAnswer, ConversationRequest};
use crate::core::http::Exchange;
use crate::core::logline::LogLine;
use crate::core::metrics::DirectoryKey;
use crate::core::signature::{verify_zendesk, ZendeskCheck};
use crate::core::ticket_owner;
use crate::{
    conversation_do, env_config, log, message_index, metrics_do, respond, storage, upstream,
};
use serde_json::Value;
use worker::{Env, Method, Request, Response, Result};

const ENDPOINT: &str = "/zendesk/events";
const MAX_BODY_BYTES: usize = 256 * 1024;

fn refuse(status: u16, code: &str, detail: &str) -> Result<Response> {
    let signature = status == 401 || status == 403;
    let line = if signature {
        LogLine::error("webhook.refused")
    } else {
        LogLine::warn("webhook.refused")
    }
    .field("endpoint", ENDPOINT)
    .field("status", status)
    .field("reason", code)
    .field("detail", detail);
    if signature {
        // A flood of forged requests: the first logged at once, the rest counted (one line a
        // minute).
        log::refused_signature(ENDPOINT, code, line);
    } else {
        log::emit(&line, &[]);
    }
    respond::error(status, code, detail)
}

/// The ticket id, as a number or a string (`"{{ticket.id}}"` in the trigger's JSON body).
fn ticket_id(body: &Value) -> Option<u64> {
    match &body["ticket_id"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    if req.method() != Method::Post {
        return respond::method_not_allowed("POST");
    }
    let body = match read_bounded(&mut req, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => return refuse(413, "payload_too_large", "body over 256 KiB"),
        Err(BodyError::Unreadable(e)) => return refuse(400, "unreadable_body", &e),
    };
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => return respond::error(503, "configuration_error", &e.to_string()),
    };
    let Some(secret) = config.zendesk_webhook_secret.as_deref() else {
        return respond::error(
            503,
            "configuration_error",
            "missing configuration: ZENDESK_WEBHOOK_SECRET",
        );
    };
    let signature = req.headers().get("X-Zendesk-Webhook-Signature")?;
    let timestamp = req.headers().get("X-Zendesk-Webhook-Signature-Timestamp")?;
    let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
        return refuse(
            401,
            "missing_signature",
            "X-Zendesk-Webhook-Signature and -Timestamp are required",
        );
    };
    match verify_zendesk(secret, &timestamp, &body, &signature, storage::now_ms()) {
        ZendeskCheck::Valid => {}
        ZendeskCheck::Forged => {
            return refuse(
                403,
                "invalid_signature",
                "X-Zendesk-Webhook-Signature does not match (check ZENDESK_WEBHOOK_SECRET)",
            )
        }
        ZendeskCheck::Stale => {
            return refuse(
                403,
                "stale_timestamp",
                "the signature timestamp is unreadable or more than 5 minutes away: replay refused",
            )
        }
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return refuse(400, "malformed_json", "the body must be JSON");
    };
    let Some(ticket) = ticket_id(&json) else {
        return refuse(400, "invalid_body", "ticket_id is required");
    };
    let secrets = config.secrets();
    let requester = json["requester_email"].as_str().unwrap_or_default();
    let delivered = match deliver(env, &config, ticket, requester).await {
        Ok(d) => d,
        Err(why) => {
            // Zendesk retries a 5xx answer with its own backoff: the reply is not lost.
            log::emit(
                &LogLine::error("zendesk.event_not_stored")
                    .field("ticket_id", ticket)
                    .field("error", why),
                &secrets,
            );
            return respond::error(
                503,
                "not_stored",
                "the event could not be stored; Zendesk will retry",
            );
        }
    };
    if !delivered {
        // Not a ticket of a WhatsApp customer: nothing to send. Answer 200 so Zendesk does not
        // retry a call that can never succeed.
        log::emit(
            &LogLine::warn("zendesk.event_ignored")
                .field("ticket_id", ticket)
                .field("reason", "not a gateway ticket"),
            &secrets,
        );
        return respond::json(
            200,
            &serde_json::json!({ "status": "ignored", "reason": "not a WhatsApp gateway ticket" }),
        );
    }
    log::emit(
        &LogLine::info("zendesk.event_accepted").field("ticket_id", ticket),
        &secrets,
    );
    respond::json(200, &serde_json::json!({ "status": "accepted" }))
}

/// Hands the event to the ticket's conversation: `Ok(false)` when no conversation owns the
/// ticket, `Err` when that cannot be known now (Zendesk will retry). In order: the requester
/// e-mail in the trigger's body (no look-up at all), the directory (the ticket's entry, written
/// when the conversation learned it), the look-up index (tickets of earlier versions), the
/// ticket's requester read from Zendesk (a trigger without the e-mail). A conversation that
/// does not know the ticket keeps the event (the ticket may be on its way) and the search goes
/// on: the requester may have been changed or merged in Zendesk since the ticket was made.
async fn deliver(
    env: &Env,
    config: &Config,
    ticket: u64,
    requester_email: &str,
) -> std::result::Result<bool, String> {
    let domain = &config.requester_email_domain;
    let mut kept = false;
    for address in ticket_owner::customer_addresses(requester_email, domain) {
        let name = conversation_do::customer_name(&address);
        match to_conversation(env, Target::Named(&name), ticket).await? {
            Handed::Applied => return Ok(true),
            Handed::Kept => kept = true,
            Handed::NoConversation => {}
        }
    }
    let owners = metrics_do::directory(env, &DirectoryKey::Ticket(ticket))
        .await
        .map_err(|e| format!("directory unreadable: {e}"))?;
    for id in owners {
        match to_conversation(env, Target::Id(&id), ticket).await? {
            Handed::Applied => return Ok(true),
            Handed::Kept => kept = true,
            Handed::NoConversation => {}
        }
    }
    match message_index::lookup(env, &conversation_do::ticket_key(ticket)).await {
        Ok(Some(id)) => match to_conversation(env, Target::Id(&id), ticket).await? {
            Handed::Applied => return Ok(true),
            Handed::Kept => kept = true,
            Handed::NoConversation => {}
        },
        Ok(None) => {}
        Err(e) => return Err(format!("look-up index unreadable: {e}")),
    }
    for address in requester_addresses(config, ticket).await? {
        let name = conversation_do::customer_name(&address);
        match to_conversation(env, Target::Named(&name), ticket).await? {
            Handed::Applied => return Ok(true),
            Handed::Kept => kept = true,
            Handed::NoConversation => {}
        }
    }
    Ok(kept)
}

/// The customers the ticket's requester may be, read from Zendesk (empty: no such ticket, or
/// not a requester the gateway made).
pub async fn requester_addresses(
    config: &Config,
    ticket: u64,
) -> std::result::Result<Vec<String>, String> {
    let request = ticket_owner::show_ticket_request(
        &config.zendesk_base_url,
        &config.zendesk_authorization(),
        ticket,
    );
    let email = match upstream::exchange(&request, config.upstream_timeout_ms).await {
        Exchange::Answered(a) if a.status == 200 => ticket_owner::requester_email(&a.body)?,
        Exchange::Answered(a) if a.status == 404 => None,
        Exchange::Answered(a) => {
            return Err(format!("Zendesk answered {} to the ticket read", a.status))
        }
        Exchange::TimedOut => return Err("the ticket read timed out".into()),
        Exchange::NetworkError(e) => return Err(format!("the ticket read failed: {e}")),
    };
    Ok(ticket_owner::customer_addresses(
        email.as_deref().unwrap_or_default(),
        &config.requester_email_domain,
    ))
}

enum Handed {
    /// The conversation owns the ticket and will read it.
    Applied,
    /// The conversation does not know the ticket (yet) and keeps the event.
    Kept,
    NoConversation,
}

async fn to_conversation(
    env: &Env,
    target: Target<'_>,
    ticket_id: u64,
) -> std::result::Result<Handed, String> {
    let request = ConversationRequest::AgentEvent { ticket_id };
    match conversation_do::ask(env, target, &request).await {
        Ok(ConversationAnswer::Applied) => Ok(Handed::Applied),
        Ok(ConversationAnswer::Kept) => Ok(Handed::Kept),
        Ok(ConversationAnswer::UnknownConversation) => Ok(Handed::NoConversation),
        Ok(other) => Err(format!("unexpected answer {}", other.name())),
        Err(e) => Err(e.to_string()),
    }
}
