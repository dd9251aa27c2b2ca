//! `/admin/...`: operators' look-ups, behind `Authorization: Bearer <ADMIN_TOKEN>`.
//!
//! `GET /admin/messages/{MessageSid}`: where that message is (received, ticket, reply,
//! attempts, last error), found through the look-up index and read from its conversation.

use crate::core::logline::LogLine;
use crate::core::signature::secret_matches;
use crate::{conversation_do, env_config, log, message_index, respond};
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
    let Some(sid) = path.strip_prefix("/admin/messages/") else {
        return respond::error(404, "not_found", "no such endpoint");
    };
    if sid.is_empty() || sid.len() > 64 || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return respond::error(
            400,
            "invalid_message_sid",
            "expected a MessageSid (SM... or MM...)",
        );
    }
    let Some(conversation) = message_index::lookup(env, sid).await? else {
        return respond::error(
            404,
            "unknown_message",
            "no message with this MessageSid (or not yet indexed)",
        );
    };
    let stub = env
        .durable_object(conversation_do::BINDING)?
        .id_from_string(&conversation)?
        .get_stub()?;
    let mut resp = stub
        .fetch_with_str(&format!("https://conversation/message/{sid}"))
        .await?;
    if resp.status_code() != 200 {
        return respond::error(404, "unknown_message", "no message with this MessageSid");
    }
    let view: serde_json::Value = resp.json().await?;
    respond::json(200, &view)
}
