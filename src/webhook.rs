//! `POST /twilio/whatsapp`: Twilio's incoming-message webhook.
//! Checks, in order: method (405), size (413), content type (415), configuration (503),
//! signature (403), form (400); then the message is handed to the customer's Conversation
//! Durable Object and Twilio gets empty TwiML at once. Zendesk and Twilio's API are called
//! later, from the object's alarm: their failures are the gateway's to handle.

use crate::core::config::Config;
use crate::core::form::{self, InboundMessage};
use crate::core::logline::LogLine;
use crate::core::redact::mask_sender;
use crate::core::signature::verify_twilio;
use crate::{conversation_do, env_config, log, respond};
use worker::{Env, Method, Request, RequestInit, Response, Result};

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

    hand_over(&message, env, &secrets).await
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

/// Hands the message to its customer's Conversation Durable Object, which stores it (or
/// recognises a duplicate) and does the work from its alarm. Nothing else waits.
async fn hand_over(message: &InboundMessage, env: &Env, secrets: &[&str]) -> Result<Response> {
    let masked = mask_sender(&message.from);
    let stored = async {
        let stub = env
            .durable_object(conversation_do::BINDING)?
            .id_from_name(&conversation_do::object_name(message))?
            .get_stub()?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(serde_json::to_string(message)?.into()));
        let mut resp = stub
            .fetch_with_request(Request::new_with_init(
                "https://conversation/accept",
                &init,
            )?)
            .await?;
        if resp.status_code() != 200 {
            return Err(worker::Error::RustError(format!(
                "conversation answered {}: {}",
                resp.status_code(),
                resp.text().await?
            )));
        }
        resp.json::<serde_json::Value>().await
    }
    .await;
    match stored {
        Ok(answer) => {
            let duplicate = answer["duplicate"].as_bool().unwrap_or(false);
            log::emit(
                &LogLine::info("webhook.accepted")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", masked.as_str())
                    .field("duplicate", duplicate),
                secrets,
            );
            respond::empty_twiml()
        }
        Err(e) => {
            // Not stored: answer an error so that Twilio's retry or fallback URL takes over.
            log::emit(
                &LogLine::error("webhook.store_failed")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", masked.as_str())
                    .field("error", e.to_string()),
                secrets,
            );
            respond::error(
                503,
                "not_stored",
                "the message could not be stored; Twilio may retry",
            )
        }
    }
}
