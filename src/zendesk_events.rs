//! `POST /zendesk/events`: Zendesk's webhook, called by the trigger on tickets tagged
//! `whatsapp` when a public comment is added (and by the solved tickets' trigger, which says
//! the status: the satisfaction question). The comments' trigger only names the ticket; the customer's
//! Conversation Durable Object then reads the ticket's comments and sends agents' new public
//! comments to WhatsApp, once each (Zendesk's retries are harmless). The same path takes the
//! bodies of an event-subscribed webhook (`zen:event-type:...`, `zendesk_ticket_events`), which
//! may carry the comment itself (no read) or a merge; docs/zendesk-events.md.
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
use crate::core::ticket_owner::{self, Carried, TicketEvent};
use crate::zendesk_ticket_events::{self, Read};
use crate::{
    clock, conversation_do, env_config, log, message_index, metrics_do, respond, upstream,
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

/// An id, as a number or a string (`"{{ticket.id}}"` in the trigger's JSON body).
fn id_field(body: &Value, name: &str) -> Option<u64> {
    match &body[name] {
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
    match verify_zendesk(secret, &timestamp, &body, &signature, clock::now_ms()) {
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
    let secrets = config.secrets();
    // An event-subscribed webhook's body (`zen:event-type:...`), else the trigger's.
    let event = if crate::core::zendesk_event::is_event(&json) {
        match zendesk_ticket_events::read(&json, &secrets) {
            Ok(Read::Deliver(event)) => *event,
            Ok(Read::Logged) => {
                return respond::json(200, &serde_json::json!({ "status": "logged" }))
            }
            Ok(Read::Erase { external_id, email }) => {
                return erase_deleted_user(env, &config, external_id, email).await
            }
            Err(why) => return refuse(400, "invalid_event", &why),
        }
    } else {
        let Some(ticket) = id_field(&json, "ticket_id") else {
            return refuse(400, "invalid_body", "ticket_id is required");
        };
        TicketEvent {
            ticket_id: ticket,
            requester_email: json["requester_email"]
                .as_str()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            // `{{ticket.requester.id}}`, sent by triggers made by this version's `npm run setup`.
            requester_id: id_field(&json, "requester_id"),
            made_from: None,
            // `{{ticket.requester.external_id}}` (REQUESTER_IDENTITY=whatsapp: no e-mail).
            requester_external_id: json["requester_external_id"]
                .as_str()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            carried: trigger_status(&json, ticket),
        }
    };
    let ticket = event.ticket_id;
    let delivery = match deliver(env, &config, event).await {
        Ok(d) => d,
        Err(why) => {
            // Zendesk retries a 503 that carries a Retry-After under a minute: the reply is
            // not lost.
            log::emit(
                &LogLine::error("zendesk.event_not_stored")
                    .field("ticket_id", ticket)
                    .field("error", why),
                &secrets,
            );
            return retry_later(
                "not_stored",
                "the event could not be stored; Zendesk will retry",
            );
        }
    };
    match delivery {
        Delivery::Accepted => {
            log::emit(
                &LogLine::info("zendesk.event_accepted").field("ticket_id", ticket),
                &secrets,
            );
            respond::json(200, &serde_json::json!({ "status": "accepted" }))
        }
        Delivery::OwnerNotKnownYet => {
            // A ticket the gateway made whose conversation has not recorded it yet (an agent
            // answered within moments of its creation): "accepted" would make Zendesk drop an
            // event no conversation will act on. Its retry finds the owner.
            log::emit(
                &LogLine::warn("zendesk.event_owner_unknown").field("ticket_id", ticket),
                &secrets,
            );
            retry_later(
                "owner_not_known_yet",
                "the ticket's conversation has not recorded it yet; Zendesk will retry",
            )
        }
        Delivery::Ignored(reason) => {
            // Nothing any conversation will send: answer 200 so Zendesk does not retry a call
            // that can never succeed.
            log::emit(
                &LogLine::warn("zendesk.event_ignored")
                    .field("ticket_id", ticket)
                    .field("reason", reason),
                &secrets,
            );
            respond::json(
                200,
                &serde_json::json!({ "status": "ignored", "reason": reason }),
            )
        }
    }
}

/// The solved tickets' trigger's body (`npm run setup`, trigger mode: "status changed to
/// solved") says the status and the ticket's tags (`{{ticket.tags}}`, space-separated): carried
/// to the conversation as `ticket.status_changed` would be, for the satisfaction question. Its id
/// is the ticket's, the status's and the solve's time (`{{ticket.updated_at_with_timestamp}}`,
/// to the minute; absent from triggers made before it was added): a delivery again is taken
/// once, a later solve is a new event (and a ticket is still asked once). The agents' replies'
/// trigger names no status: `None` (read the comments).
fn trigger_status(json: &Value, ticket: u64) -> Option<Carried> {
    let status = json["status"]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    let spam = json["tags"]
        .as_str()
        .is_some_and(|tags| tags.split_whitespace().any(|t| t == "spam"));
    let at = json["updated_at"]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 40);
    let status = status.to_ascii_lowercase();
    Some(Carried {
        event_id: match at {
            Some(at) => format!("trigger:{ticket}:{status}:{at}"),
            None => format!("trigger:{ticket}:{status}"),
        },
        status: Some(status),
        spam,
        ..Carried::default()
    })
}

/// Seconds Zendesk is asked to wait before retrying an event. Zendesk retries a 503 (or 429)
/// only when its Retry-After is under 60 seconds, a few times; it gives up on other 5xx
/// answers ("Webhook retries", https://developer.zendesk.com/api-reference/webhooks/introduction).
const EVENT_RETRY_AFTER_SECS: u32 = 10;

fn retry_later(code: &str, detail: &str) -> Result<Response> {
    let resp = respond::error(503, code, detail)?;
    resp.headers()
        .set("Retry-After", &EVENT_RETRY_AFTER_SECS.to_string())?;
    Ok(resp)
}

enum Delivery {
    /// The ticket's owner took the event (or the conversation that made the ticket keeps it
    /// until Zendesk's answer to the create arrives).
    Accepted,
    /// A ticket the gateway made, but no conversation has recorded it yet: retried.
    OwnerNotKnownYet,
    /// Not a gateway ticket, or one no conversation will ever act on (the reason says).
    Ignored(&'static str),
}

/// Hands the event to the ticket's owner. Only a conversation that owns the ticket takes it
/// (`Applied`); one that is making a ticket keeps it as well (`Kept`: it may be that ticket)
/// but that is no proof of ownership, so the search goes on. In order: the requester e-mail in
/// the trigger's body (no look-up at all), the directory (the ticket's entry, written by its
/// owner before anything is sent on it), the look-up index (tickets of earlier versions), then
/// the ticket read from Zendesk: its requester (a trigger without the e-mail) and its
/// `external_id`, the MessageSid it was made from, whose conversation made it whoever the
/// requester is now (users merged, or the requester changed, in Zendesk). `Err` when that
/// cannot be known now (Zendesk will retry).
async fn deliver(
    env: &Env,
    config: &Config,
    event: TicketEvent,
) -> std::result::Result<Delivery, String> {
    let ticket = event.ticket_id;
    let mut asked: Vec<String> = Vec::new();
    let named = |event: &TicketEvent| channel_addresses(config, event);
    for (channel, address) in named(&event) {
        let name = conversation_do::conversation_name(Some(&channel), &address);
        if to_conversation(env, Target::Named(&name), &event).await? == Handed::Applied {
            return Ok(Delivery::Accepted);
        }
        asked.push(name);
    }
    let owners = metrics_do::directory(env, &DirectoryKey::Ticket(ticket))
        .await
        .map_err(|e| format!("directory unreadable: {e}"))?;
    let indexed = match message_index::lookup(env, &conversation_do::ticket_key(ticket)).await {
        Ok(id) => id,
        Err(e) => return Err(format!("look-up index unreadable: {e}")),
    };
    for id in owners.iter().chain(indexed.iter()) {
        if to_conversation(env, Target::Id(id), &event).await? == Handed::Applied {
            return Ok(Delivery::Accepted);
        }
    }
    // A reopen only withdraws a question still held, by a conversation the directory or the
    // index names (found above). One they do not name costs at worst a question on a reopened
    // ticket: not worth a Zendesk read for every reopened WhatsApp ticket of the account.
    let reopened = event
        .carried
        .as_ref()
        .and_then(|c| c.status.as_deref())
        .is_some_and(|s| !crate::core::csat::is_solved(s));
    if reopened {
        return Ok(Delivery::Ignored("reopened ticket no conversation holds"));
    }
    let Some(facts) = read_ticket(config, ticket).await? else {
        // No such ticket (deleted): nothing to send on it.
        return Ok(Delivery::Ignored("no such ticket"));
    };
    let event = TicketEvent {
        ticket_id: ticket,
        requester_email: event.requester_email.or(facts.requester_email),
        requester_id: event.requester_id.or(facts.requester_id),
        made_from: facts.made_from,
        requester_external_id: event.requester_external_id.or(facts.requester_external_id),
        // What an event-subscribed webhook carried goes on with it.
        carried: event.carried,
    };
    for (channel, address) in named(&event) {
        let name = conversation_do::conversation_name(Some(&channel), &address);
        if asked.contains(&name) {
            continue;
        }
        if to_conversation(env, Target::Named(&name), &event).await? == Handed::Applied {
            return Ok(Delivery::Accepted);
        }
    }
    // Every ticket the gateway makes carries the MessageSid it was made from: one without is
    // not the gateway's, even if a conversation making a ticket kept the event (it drops it
    // when its own ticket turns out to be another).
    let Some(sid) = event.made_from.clone() else {
        return Ok(Delivery::Ignored("not a gateway ticket"));
    };
    let makers = metrics_do::directory(env, &DirectoryKey::Message(sid))
        .await
        .map_err(|e| format!("directory unreadable: {e}"))?;
    if makers.is_empty() {
        // Made by the gateway from a message whose conversation is not entered yet.
        return Ok(Delivery::OwnerNotKnownYet);
    }
    for id in &makers {
        match to_conversation(env, Target::Id(id), &event).await? {
            Handed::Applied => return Ok(Delivery::Accepted),
            // The message's create is still under way: its conversation keeps the event and
            // reads the ticket as soon as Zendesk's answer tells it the ticket is its own.
            Handed::Kept => return Ok(Delivery::Accepted),
            Handed::NotOwner => {}
        }
    }
    // Its maker neither knows the ticket nor is making it (a create committed after the
    // gateway gave up on it, say): no conversation will ever act on it, so a retry is no use.
    Ok(Delivery::Ignored(
        "orphan: its conversation does not know it",
    ))
}

/// The ticket read from Zendesk (`None`: no such ticket).
async fn read_ticket(
    config: &Config,
    ticket: u64,
) -> std::result::Result<Option<ticket_owner::TicketFacts>, String> {
    let request = ticket_owner::show_ticket_request(
        &config.zendesk_base_url,
        &config.zendesk_authorization(),
        ticket,
    );
    match upstream::exchange(&request, config.upstream_timeout_ms).await {
        Exchange::Answered(a) if a.status == 200 => ticket_owner::ticket_facts(&a.body).map(Some),
        Exchange::Answered(a) if a.status == 404 => Ok(None),
        Exchange::Answered(a) => Err(format!("Zendesk answered {} to the ticket read", a.status)),
        Exchange::TimedOut => Err("the ticket read timed out".into()),
        Exchange::NetworkError(e) => Err(format!("the ticket read failed: {e}")),
    }
}

/// Zendesk deleted a user: the gateway's customers it names (by the `external_id` the gateway
/// gave it, or the placeholder e-mail) are erased on every channel (`erasure`). A 503 when that
/// fails, so that Zendesk retries.
async fn erase_deleted_user(
    env: &Env,
    config: &Config,
    external_id: Option<String>,
    email: Option<String>,
) -> Result<Response> {
    let named = TicketEvent {
        requester_email: email,
        requester_external_id: external_id,
        ..TicketEvent::default()
    };
    let mut addresses: Vec<String> = Vec::new();
    for (_, address) in channel_addresses(config, &named) {
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    let mut erased = 0;
    for address in addresses {
        let Ok(customer) = crate::core::form::Sender::parse(&address) else {
            continue;
        };
        match crate::erasure::erase_customer(env, config, &customer).await {
            Ok(Some(_)) => erased += 1,
            Ok(None) => {}
            Err(e) => {
                log::emit(
                    &LogLine::error("customer.erase_failed").field("error", e.to_string()),
                    &config.secrets(),
                );
                return respond::error(
                    503,
                    "not_erased",
                    "the customer could not be erased now; Zendesk may retry",
                );
            }
        }
    }
    let status = if erased > 0 { "erased" } else { "logged" };
    respond::json(200, &serde_json::json!({ "status": status }))
}

/// The customers the event's requester may be: by a requester e-mail, on each channel whose
/// requester domain it is; by the requester's `external_id` (`REQUESTER_IDENTITY=whatsapp`:
/// one Zendesk user per customer, whichever channel they wrote to), on every channel.
/// (channel, address) pairs, the default channel's first.
fn channel_addresses(config: &Config, event: &TicketEvent) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for channel in config.every_channel() {
        for address in event.customers(&channel.requester_email_domain) {
            let pair = (channel.channel.clone(), address);
            if !found.contains(&pair) {
                found.push(pair);
            }
        }
    }
    found
}

/// The customers the ticket's requester may be (channel, address), read from Zendesk (empty:
/// no such ticket, or not a requester the gateway made).
pub async fn requester_addresses(
    config: &Config,
    ticket: u64,
) -> std::result::Result<Vec<(String, String)>, String> {
    let Some(facts) = read_ticket(config, ticket).await? else {
        return Ok(Vec::new());
    };
    let event = TicketEvent {
        ticket_id: ticket,
        requester_email: facts.requester_email,
        requester_external_id: facts.requester_external_id,
        ..TicketEvent::default()
    };
    Ok(channel_addresses(config, &event))
}

#[derive(PartialEq)]
enum Handed {
    /// The conversation owns the ticket and will read it.
    Applied,
    /// The conversation does not know the ticket yet but is making one: kept.
    Kept,
    /// Not the conversation's ticket (or no conversation there).
    NotOwner,
}

async fn to_conversation(
    env: &Env,
    target: Target<'_>,
    event: &TicketEvent,
) -> std::result::Result<Handed, String> {
    let request = ConversationRequest::AgentEvent(event.clone());
    match conversation_do::ask(env, target, &request).await {
        Ok(ConversationAnswer::Applied) => Ok(Handed::Applied),
        Ok(ConversationAnswer::Kept) => Ok(Handed::Kept),
        Ok(ConversationAnswer::NotOwner | ConversationAnswer::UnknownConversation) => {
            Ok(Handed::NotOwner)
        }
        Ok(other) => Err(format!("unexpected answer {}", other.name())),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solved_triggers_body_is_carried_as_a_status_and_the_comments_trigger_is_not() {
        let solved =
            serde_json::json!({"ticket_id": "42", "status": "solved", "tags": "whatsapp vip"});
        let c = trigger_status(&solved, 42).expect("carried");
        assert_eq!(c.status.as_deref(), Some("solved"));
        assert_eq!(c.event_id, "trigger:42:solved");
        let at = serde_json::json!({"status": "solved", "updated_at": "2026-12-05T12:55Z"});
        assert_eq!(
            trigger_status(&at, 42).expect("carried").event_id,
            "trigger:42:solved:2026-12-05T12:55Z",
            "a later solve is another event"
        );
        assert!(!c.spam);
        let spam = serde_json::json!({"status": "solved", "tags": "whatsapp spam"});
        assert!(trigger_status(&spam, 42).unwrap().spam);
        // "spammy" is not the spam tag.
        let spammy = serde_json::json!({"status": "solved", "tags": "spammy"});
        assert!(!trigger_status(&spammy, 42).unwrap().spam);
        for comments in [
            serde_json::json!({"ticket_id": "42"}),
            serde_json::json!({"ticket_id": "42", "status": "  "}),
        ] {
            assert!(trigger_status(&comments, 42).is_none(), "{comments}");
        }
    }
}
