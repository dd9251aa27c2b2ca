//! `POST /twilio/whatsapp`: Twilio's incoming-message webhook.
//! Checks, in order: method (405), size (413), content type (415), configuration (503),
//! signature (403), form (400); then the message is triaged, the ticket created and the
//! customer answered. Twilio always gets empty TwiML once the request is authentic: an
//! upstream failure is the gateway's to handle, not a reason for Twilio to see an error.

use crate::core::config::Config;
use crate::core::form::{self, InboundMessage};
use crate::core::http::Exchange;
use crate::core::logline::LogLine;
use crate::core::plan::{self, Plan};
use crate::core::redact::mask_sender;
use crate::core::retry::{classify_idempotent, classify_send, Verdict};
use crate::core::signature::verify_twilio;
use crate::core::triage::TriageRules;
use crate::core::twilio::{self, ReplyContent, TwilioAccount};
use crate::core::zendesk;
use crate::{env_config, log, respond, upstream};
use worker::{Date, Env, Method, Request, Response, Result};

/// A Twilio webhook form is a few kilobytes; anything far larger is not from Twilio.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

fn refuse(status: u16, code: &str, detail: &str) -> Result<Response> {
    log::emit(
        &LogLine::warn("webhook.refused")
            .field("endpoint", "/twilio/whatsapp")
            .field("status", status)
            .field("reason", code)
            .field("detail", detail),
        &[],
    );
    respond::error(status, code, detail)
}

pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    if req.method() != Method::Post {
        return respond::method_not_allowed("POST");
    }
    let declared_len = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared_len.is_some_and(|n| n > MAX_BODY_BYTES) {
        return refuse(413, "payload_too_large", "body over 64 KiB");
    }
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return refuse(
            415,
            "unsupported_media_type",
            "expected application/x-www-form-urlencoded",
        );
    }
    let body = req.bytes().await?;
    if body.len() > MAX_BODY_BYTES {
        return refuse(413, "payload_too_large", "body over 64 KiB");
    }
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => {
            log::emit(
                &LogLine::error("config.invalid")
                    .field("missing", e.missing.clone())
                    .field("detail", e.to_string()),
                &[],
            );
            return respond::error(503, "configuration_error", &e.to_string());
        }
    };
    let secrets = config.secrets();

    // The signature covers every parameter as decoded, so the body must decode first; a body
    // that does not is refused as forged rather than parsed further.
    let params = match form::parse_params(&body) {
        Ok(p) => p,
        Err(e) => return refuse(400, "malformed_form", &e.to_string()),
    };
    let url = signed_url(&req, &config);
    match req.headers().get("X-Twilio-Signature")? {
        None => return refuse_signature("absent", &url),
        Some(sig) if !verify_twilio(&config.twilio_signing_keys(), &url, &params, &sig) => {
            return refuse_signature("mismatch", &url)
        }
        Some(_) => {}
    }
    let message = match InboundMessage::from_params(&params) {
        Ok(m) => m,
        Err(e) => return refuse(400, "invalid_form", &e.to_string()),
    };

    process(&message, &config, &secrets).await;
    respond::empty_twiml()
}

/// The URL Twilio signed: the request's own URL, or the configured public origin with the
/// request's path and query (for a custom domain or a rewriting proxy).
fn signed_url(req: &Request, config: &Config) -> String {
    let raw = req.inner().url();
    match &config.public_base_url {
        None => raw,
        Some(base) => {
            let after_scheme = raw.split_once("://").map_or(raw.as_str(), |(_, rest)| rest);
            let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
            format!("{base}{path_and_query}")
        }
    }
}

fn refuse_signature(why: &str, url: &str) -> Result<Response> {
    // Loud on purpose: a wrong webhook URL or auth token shows up here, not as silent loss.
    log::emit(
        &LogLine::error("webhook.refused")
            .field("endpoint", "/twilio/whatsapp")
            .field("status", 403)
            .field("reason", "bad_signature")
            .field("signature", why)
            .field("url_checked", url)
            .field(
                "hint",
                "the URL configured in Twilio must equal url_checked (or set PUBLIC_BASE_URL), and TWILIO_AUTH_TOKEN must be the account's primary token",
            ),
        &[],
    );
    respond::error(
        403,
        "invalid_signature",
        "X-Twilio-Signature is absent or does not match",
    )
}

fn now_ms() -> f64 {
    Date::now().as_millis() as f64
}

async fn process(message: &InboundMessage, config: &Config, secrets: &[&str]) {
    let masked = mask_sender(&message.from);
    log::emit(
        &LogLine::info("message.received")
            .field("message_sid", message.message_sid.as_str())
            .field("from", masked.as_str())
            .field("body_chars", message.body.chars().count())
            .field("num_media", message.num_media),
        secrets,
    );
    let reply = match plan::plan_message(
        message,
        &TriageRules::default(),
        &config.requester_email_domain,
    ) {
        Plan::AskForDetails(why) => {
            log::emit(
                &LogLine::info("triage.rejected")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", masked.as_str())
                    .field("reason", why.as_str()),
                secrets,
            );
            plan::more_details_reply()
        }
        Plan::CreateTicket { ticket } => {
            let ticket_id = create_ticket(message, &ticket, config, &masked, secrets).await;
            plan::reply_after_ticket(
                &ticket,
                ticket_id,
                message,
                config.twilio_content_sid.as_deref(),
            )
        }
    };
    send_reply(message, &reply, config, &masked, secrets).await;
}

async fn create_ticket(
    message: &InboundMessage,
    ticket: &zendesk::NewTicket,
    config: &Config,
    masked: &str,
    secrets: &[&str],
) -> Option<u64> {
    let auth = zendesk::basic_auth(&config.zendesk_email, &config.zendesk_api_key);
    let request = zendesk::create_ticket_request(
        &config.zendesk_base_url,
        &auth,
        &message.message_sid,
        ticket,
    );
    let started = now_ms();
    let exchange = upstream::exchange(&request, config.upstream_timeout_ms).await;
    let elapsed = now_ms() - started;
    let base = |event: &str, level: fn(&str) -> LogLine| {
        level(event)
            .field("message_sid", message.message_sid.as_str())
            .field("from", masked)
            .field("ms", elapsed)
    };
    match (classify_idempotent(&exchange), &exchange) {
        (Verdict::Success, Exchange::Answered(answer)) => {
            match zendesk::parse_created_ticket_id(&answer.body) {
                Ok(id) => {
                    log::emit(
                        &base("zendesk.ticket_created", LogLine::info)
                            .field("ticket_id", id)
                            .field("priority", ticket.priority.as_str())
                            .opt("idempotency_lookup", answer.header("x-idempotency-lookup")),
                        secrets,
                    );
                    Some(id)
                }
                Err(e) => {
                    log::emit(
                        &base("zendesk.ticket_failed", LogLine::error).field("reason", e),
                        secrets,
                    );
                    None
                }
            }
        }
        (verdict, exchange) => {
            let (kind, reason, retry_after) = match verdict {
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => ("transient", reason, retry_after_secs),
                Verdict::Permanent { reason } | Verdict::Ambiguous { reason } => {
                    ("permanent", reason, None)
                }
                Verdict::Success => ("unexpected", "success without an answer".into(), None),
            };
            let detail = match exchange {
                Exchange::Answered(a) => zendesk::error_summary(&a.body),
                _ => None,
            };
            log::emit(
                &base("zendesk.ticket_failed", LogLine::error)
                    .field("failure", kind)
                    .field("reason", reason)
                    .opt("retry_after_secs", retry_after)
                    .opt("zendesk_error", detail),
                secrets,
            );
            None
        }
    }
}

fn reply_kind(reply: &ReplyContent) -> &'static str {
    match reply {
        ReplyContent::Text(t) if t == twilio::APOLOGY_TEXT => "apology",
        ReplyContent::Text(t) if t == twilio::MORE_DETAILS_TEXT => "more_details",
        ReplyContent::Text(_) => "ticket_created",
        ReplyContent::Template { .. } => "ticket_created_template",
    }
}

async fn send_reply(
    message: &InboundMessage,
    reply: &ReplyContent,
    config: &Config,
    masked: &str,
    secrets: &[&str],
) {
    let account = TwilioAccount {
        api_base_url: &config.twilio_api_base_url,
        account_sid: &config.twilio_account_sid,
        auth_token: &config.twilio_auth_token,
    };
    let request = twilio::send_message_request(
        &account,
        &config.reply_sender,
        &message.from.whatsapp_address(),
        reply,
    );
    let started = now_ms();
    let exchange = upstream::exchange(&request, config.upstream_timeout_ms).await;
    let line = |event: &str, level: fn(&str) -> LogLine| {
        level(event)
            .field("message_sid", message.message_sid.as_str())
            .field("to", masked)
            .field("reply", reply_kind(reply))
            .field("ms", now_ms() - started)
    };
    let answer = match &exchange {
        Exchange::Answered(a) => Some(a),
        _ => None,
    };
    match classify_send(&exchange) {
        Verdict::Success => {
            let sid = answer.and_then(|a| twilio::parse_sent_message_sid(&a.body).ok());
            log::emit(
                &line("twilio.reply_sent", LogLine::info).opt("reply_sid", sid),
                secrets,
            );
        }
        verdict => {
            let (kind, reason) = match verdict {
                Verdict::Transient { reason, .. } => ("transient", reason),
                Verdict::Ambiguous { reason } => ("ambiguous", reason),
                Verdict::Permanent { reason } => ("permanent", reason),
                Verdict::Success => unreachable!("handled above"),
            };
            let twilio_error = answer.and_then(|a| twilio::parse_error(&a.body));
            log::emit(
                &line("twilio.reply_failed", LogLine::error)
                    .field("failure", kind)
                    .field("reason", reason)
                    .opt("twilio_code", twilio_error.as_ref().map(|(c, _)| *c))
                    .opt("twilio_message", twilio_error.map(|(_, m)| m)),
                secrets,
            );
        }
    }
}
