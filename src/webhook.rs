//! `POST /twilio/whatsapp`: Twilio's incoming-message webhook.
//! Checks, in order: method (405), size (413), content type (415), configuration (503),
//! signature (403), form (400); then the message is handed to the customer's Conversation
//! Durable Object and Twilio gets empty TwiML at once. Zendesk and Twilio's API are called
//! later, from the object's alarm: their failures are the gateway's to handle.

use crate::body::{read_bounded, BodyError};
use crate::conversation_do::Target;
use crate::core::config::Config;
use crate::core::delivery::{customer_from_query, DeliveryAbout, DeliveryStatus};
use crate::core::edges::{ConversationAnswer, ConversationRequest};
use crate::core::form::{self, InboundMessage};
use crate::core::logline::LogLine;
use crate::core::redact::mask_sender;
use crate::core::signature::verify_twilio;
use crate::{conversation_do, env_config, log, respond};
use worker::{Env, Method, Request, Response, Result};

/// A Twilio webhook form is a few kilobytes; anything far larger is not from Twilio.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

fn refuse(endpoint: &str, status: u16, code: &str, detail: &str) -> Result<Response> {
    log::emit(
        &LogLine::warn("webhook.refused")
            .field("endpoint", endpoint)
            .field("status", status)
            .field("reason", code)
            .field("detail", detail),
        &[],
    );
    respond::error(status, code, detail)
}

/// A Twilio request that passed every check: the configuration, the decoded parameters and
/// the URL Twilio signed.
pub struct Verified {
    pub config: std::rc::Rc<Config>,
    pub params: form::FormParams,
    pub url: String,
}

/// The checks every Twilio webhook goes through, in order. `Err` is the answer to give.
pub async fn verify(
    req: &mut Request,
    env: &Env,
    endpoint: &str,
) -> std::result::Result<Verified, Result<Response>> {
    if req.method() != Method::Post {
        return Err(respond::method_not_allowed("POST"));
    }
    let header = |req: &Request, name: &str| req.headers().get(name).ok().flatten();
    let too_large = || refuse(endpoint, 413, "payload_too_large", "body over 64 KiB");
    let declared_len = header(req, "Content-Length").and_then(|v| v.trim().parse::<usize>().ok());
    if declared_len.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let content_type = header(req, "Content-Type").unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(refuse(
            endpoint,
            415,
            "unsupported_media_type",
            "expected application/x-www-form-urlencoded",
        ));
    }
    let body = match read_bounded(req, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(BodyError::TooLarge) => return Err(too_large()),
        Err(BodyError::Unreadable(e)) => return Err(refuse(endpoint, 400, "unreadable_body", &e)),
    };
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => {
            log::config_invalid(&e);
            return Err(respond::error(503, "configuration_error", &e.to_string()));
        }
    };
    // The signature covers every parameter as decoded, so the body must decode first.
    let params = match form::parse_params(&body) {
        Ok(p) => p,
        Err(e) => return Err(refuse(endpoint, 400, "malformed_form", &e.to_string())),
    };
    let url = signed_url(req, &config);
    match header(req, "X-Twilio-Signature") {
        None => return Err(refuse_signature(endpoint, "absent", &url)),
        Some(sig) if !verify_twilio(&config.twilio_signing_keys(), &url, &params, &sig) => {
            return Err(refuse_signature(endpoint, "mismatch", &url))
        }
        Some(_) => {}
    }
    Ok(Verified {
        config,
        params,
        url,
    })
}

pub async fn handle(mut req: Request, env: &Env) -> Result<Response> {
    let received_at_ms = crate::clock::now_ms();
    let Verified {
        config,
        params,
        url,
    } = match verify(&mut req, env, "/twilio/whatsapp").await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let mut message = match InboundMessage::from_params(&params) {
        Ok(m) => m,
        Err(e) => return refuse("/twilio/whatsapp", 400, "invalid_form", &e.to_string()),
    };
    // The channel: the number the customer wrote to (or its Messaging Service) chooses it, and
    // it names the conversation. A number no channel names goes to the default channel.
    let route = config.route(
        message.addressed.to.as_deref(),
        message.addressed.messaging_service_sid.as_deref(),
    );
    message.addressed.unrouted = !route.known;
    message.addressed.channel =
        (route.channel != crate::core::config::DEFAULT_CHANNEL).then(|| route.channel.to_string());
    if message.account_sid.as_deref() != Some(config.twilio_account_sid.as_str()) {
        // Loud: correctly signed but for another account is more likely a misconfiguration
        // (TWILIO_ACCOUNT_SID, or a subaccount's number) than an attack, and Twilio does not
        // retry a 400.
        log::emit(
            &LogLine::error("webhook.refused")
                .field("endpoint", "/twilio/whatsapp")
                .field("status", 400)
                .field("reason", "other_account")
                .field(
                    "hint",
                    "the webhook names another Twilio account than TWILIO_ACCOUNT_SID",
                ),
            &[],
        );
        return respond::error(
            400,
            "invalid_form",
            "invalid parameter AccountSid: not this gateway's Twilio account",
        );
    }
    // The customer's conversation on the channel (one identity: their number or their WhatsApp
    // user id, whichever they write from, once Twilio has linked the two).
    let conversation = match crate::identity_links::conversation_for(&message, env).await {
        Ok(id) => id,
        Err(e) => {
            log::emit(
                &LogLine::error("webhook.store_failed")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", mask_sender(&message.from).as_str())
                    .field("error", e.to_string()),
                &config.secrets(),
            );
            return respond::error(
                503,
                "not_stored",
                "the message could not be stored; Twilio may retry",
            );
        }
    };
    if let Some(refused) = claim_unpinned(&message, &conversation, &params, env, &config).await {
        return refused;
    }
    hand_over(
        &message,
        &conversation,
        &origin_of(&url),
        received_at_ms,
        env,
        &config.secrets(),
    )
    .await
}

/// `POST /twilio/status`: Twilio's status callback for a reply the gateway sent. The
/// conversation is named in the callback URL (`?c=`), which Twilio's signature covers.
pub async fn handle_status(mut req: Request, env: &Env) -> Result<Response> {
    const ENDPOINT: &str = "/twilio/status";
    let Verified { config, params, .. } = match verify(&mut req, env, ENDPOINT).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let query: Vec<(String, String)> = req
        .url()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let conversation = query.iter().find(|(k, _)| k == "c").map(|(_, v)| v.clone());
    let conversation =
        conversation.filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    let (Some(conversation), Some(sid), Some(status)) =
        (conversation, get("MessageSid"), get("MessageStatus"))
    else {
        return refuse(
            ENDPOINT,
            400,
            "invalid_form",
            "MessageSid, MessageStatus and the c query parameter are required",
        );
    };
    // Exact shapes, as for the incoming-message webhook: nothing can be folded into a value
    // (the signature does not separate names from values).
    if let Some(detail) = status_form_problem(&sid, get("AccountSid"), &config) {
        return refuse(ENDPOINT, 400, "invalid_form", detail);
    }
    let Some(status) = DeliveryStatus::parse(&status) else {
        return refuse(
            ENDPOINT,
            400,
            "invalid_form",
            "invalid parameter MessageStatus: not one of Twilio's message statuses",
        );
    };
    let error_code = match get("ErrorCode") {
        None => None,
        Some(c) if c.len() <= 6 && c.bytes().all(|b| b.is_ascii_digit()) => c.parse::<u32>().ok(),
        Some(_) => {
            return refuse(
                ENDPOINT,
                400,
                "invalid_form",
                "invalid parameter ErrorCode: expected a number",
            )
        }
    };
    // A status that is not a failure changes nothing the agents need to see: logged here from
    // what the callback URL says was sent, without waking the conversation.
    let about = DeliveryAbout::from_query(&query);
    if let (Some(about), false) = (&about, status.is_failure()) {
        let line = LogLine::info("delivery.status")
            .field("reply_sid", sid.as_str())
            .field("status", status.as_str())
            .field("conversation", conversation.as_str())
            .opt("from", customer_from_query(&query))
            .opt("error_code", error_code);
        let line = match about {
            DeliveryAbout::AgentReply {
                ticket_id,
                comment_id,
            } => line
                .field("comment_id", *comment_id)
                .field("ticket_id", *ticket_id),
            DeliveryAbout::GatewayReply { message_sid, kind } => line
                .field("message_sid", message_sid.as_str())
                .field("reply", kind.as_str()),
        };
        log::emit(&line, &config.secrets());
        return respond::empty_twiml();
    }
    let request = ConversationRequest::DeliveryStatus {
        sid: sid.clone(),
        status,
        error_code,
        message_sid: match &about {
            Some(DeliveryAbout::GatewayReply { message_sid, .. }) => Some(message_sid.clone()),
            _ => None,
        },
    };
    match conversation_do::ask(env, Target::Id(&conversation), &request).await {
        Ok(ConversationAnswer::Applied) => respond::empty_twiml(),
        Ok(ConversationAnswer::UnknownConversation) => {
            // Nothing to tell: the conversation is gone (Twilio's retry would not help).
            log::emit(
                &LogLine::warn("delivery.unknown_conversation").field("reply_sid", sid),
                &config.secrets(),
            );
            respond::empty_twiml()
        }
        outcome => {
            log::emit(
                &LogLine::warn("delivery.not_stored")
                    .field("reply_sid", sid)
                    .field(
                        "error",
                        match outcome {
                            Ok(answer) => answer.name().to_string(),
                            Err(e) => e.to_string(),
                        },
                    ),
                &config.secrets(),
            );
            respond::error(503, "not_stored", "the status could not be stored")
        }
    }
}

/// What is wrong with a status callback's identifiers, if anything.
fn status_form_problem(
    sid: &str,
    account: Option<String>,
    config: &Config,
) -> Option<&'static str> {
    if !form::is_message_sid(sid) {
        return Some("invalid parameter MessageSid: expected SM or MM and 32 lowercase hex digits");
    }
    if account.as_deref() != Some(config.twilio_account_sid.as_str()) {
        return Some("invalid parameter AccountSid: not this gateway's Twilio account");
    }
    None
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            format!("{scheme}://{}", &rest[..end])
        }
        None => String::new(),
    }
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

fn refuse_signature(endpoint: &str, why: &str, url: &str) -> Result<Response> {
    // Loud on purpose: a wrong webhook URL or auth token shows up here, not as silent loss. The
    // first of a kind is logged at once; a flood of them becomes one line a minute with the
    // count (`log::refused_signature`).
    log::refused_signature(
        endpoint,
        why,
        LogLine::error("webhook.refused")
            .field("endpoint", endpoint)
            .field("status", 403)
            .field("reason", "bad_signature")
            .field("signature", why)
            .field("url_checked", url)
            .field(
                "hint",
                "the URL configured in Twilio must equal url_checked (or set PUBLIC_BASE_URL), and TWILIO_AUTH_TOKEN must be the account's primary token",
            ),
    );
    respond::error(
        403,
        "invalid_signature",
        "X-Twilio-Signature is absent or does not match",
    )
}

/// A sender the signing string does not pin (a phone `From` is pinned by `WaId`, see
/// `InboundMessage::from_params`) could be a captured webhook re-split to name someone else
/// (text moved from the end of `Body` into a new `From`, the real `From` into a free-text
/// parameter). Its `MessageSid` cannot change, so it is claimed in the look-up index first: a sid
/// already owned by another conversation is refused. Costs one index call, only for such
/// senders (WhatsApp users who hide their number). `Some` is the answer to give.
async fn claim_unpinned(
    message: &InboundMessage,
    conversation: &str,
    params: &form::FormParams,
    env: &Env,
    config: &Config,
) -> Option<Result<Response>> {
    let has_wa_id = params
        .iter()
        .any(|(k, v)| k == "WaId" && !v.trim().is_empty());
    if matches!(message.from, form::Sender::Phone(_)) && has_wa_id {
        return None;
    }
    let claimed = crate::message_index::claim(env, &message.message_sid, conversation).await;
    match claimed {
        Ok(true) => None,
        Ok(false) => Some(refuse(
            "/twilio/whatsapp",
            400,
            "invalid_form",
            "invalid parameter MessageSid: already received from another sender",
        )),
        Err(e) => {
            log::emit(
                &LogLine::error("webhook.store_failed")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", mask_sender(&message.from).as_str())
                    .field("error", e.to_string()),
                &config.secrets(),
            );
            Some(respond::error(
                503,
                "not_stored",
                "the message could not be stored; Twilio may retry",
            ))
        }
    }
}

/// Hands the message to its customer's Conversation Durable Object, which stores it (or
/// recognises a duplicate), counts it and times the acknowledgement, and does the work from
/// its alarm. Nothing else waits, and nothing else is called: each call here is paid for by
/// every webhook.
async fn hand_over(
    message: &InboundMessage,
    conversation: &str,
    origin: &str,
    received_at_ms: u64,
    env: &Env,
    secrets: &[&str],
) -> Result<Response> {
    let request = ConversationRequest::Accept {
        message: Box::new(message.clone()),
        origin: origin.to_string(),
        received_at_ms: Some(received_at_ms),
    };
    let stored = conversation_do::ask(env, Target::Id(conversation), &request).await;
    match stored {
        // The object logged `message.accepted` or `message.duplicate`.
        Ok(ConversationAnswer::Accepted { .. }) => respond::empty_twiml(),
        other => {
            let e = match other {
                Err(e) => e.to_string(),
                Ok(answer) => format!("unexpected answer {}", answer.name()),
            };
            // Not stored: answer an error so that Twilio's retry or fallback URL takes over.
            log::emit(
                &LogLine::error("webhook.store_failed")
                    .field("message_sid", message.message_sid.as_str())
                    .field("from", mask_sender(&message.from).as_str())
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
