//! `GET /healthz`: is the gateway configured? Names what is missing, never a value.

use crate::{env_config, respond};
use serde_json::json;
use worker::{Env, Method, Request, Response, Result};

pub fn handle(req: &Request, env: &Env) -> Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond::method_not_allowed("GET");
    }
    match env_config::load(env) {
        Ok(_) => respond::json(
            200,
            &json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
        ),
        Err(e) => respond::json(
            503,
            &json!({
                "status": "misconfigured",
                "missing": e.missing,
                "invalid": e.invalid.iter().map(|(name, why)| json!({"name": name, "expected": why})).collect::<Vec<_>>(),
                "detail": e.to_string(),
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
