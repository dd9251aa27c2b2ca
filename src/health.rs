//! `GET /healthz`: is the gateway configured? Names what is missing or invalid, the optional
//! features that are off and the bindings nothing reads; never a value.

use crate::{env_config, respond};
use serde_json::json;
use worker::{Env, Method, Request, Response, Result};

pub fn handle(req: &Request, env: &Env) -> Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond::method_not_allowed("GET");
    }
    // `unread`: bindings named like settings that nothing reads (a typo such as FOLLOW_UP_ACK);
    // `features_off`: optional features left off, with the variable that turns each on.
    let (config, unread) = env_config::inspect(env);
    match config {
        Ok(config) => respond::json(
            200,
            &json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "features_off": config.features_off().iter().map(|f| json!({"feature": f.feature, "why": f.why})).collect::<Vec<_>>(),
                "unread": unread,
            }),
        ),
        Err(e) => respond::json(
            503,
            &json!({
                "status": "misconfigured",
                "missing": e.missing,
                "invalid": e.invalid.iter().map(|(name, why)| json!({"name": name, "expected": why})).collect::<Vec<_>>(),
                "detail": e.to_string(),
                "unread": unread,
            }),
        ),
    }
}

pub fn index(req: &Request) -> Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond::method_not_allowed("GET");
    }
    respond::json(
        200,
        &json!({
            "service": "whatsapp-zendesk-gateway",
            "endpoints": {
                "POST /twilio/whatsapp": "Twilio WhatsApp incoming-message webhook (signed)",
                "GET /healthz": "configuration check"
            }
        }),
    )
}
