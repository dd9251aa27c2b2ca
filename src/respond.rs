//! Response helpers: JSON errors with a stable `error` code and a human `detail`.

use worker::{Headers, Response, Result};

pub fn with_type(status: u16, content_type: &str, body: String) -> Result<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}

/// A JSON answer of any serialisable value (`serde_json::Value`, a typed view).
pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Result<Response> {
    let body = serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))?;
    with_type(status, "application/json; charset=utf-8", body)
}

pub fn error(status: u16, code: &str, detail: &str) -> Result<Response> {
    json(
        status,
        &serde_json::json!({ "error": code, "detail": detail }),
    )
}

pub fn method_not_allowed(allow: &str) -> Result<Response> {
    let resp = error(405, "method_not_allowed", &format!("use {allow}"))?;
    resp.headers().set("Allow", allow)?;
    Ok(resp)
}

/// Twilio's expected answer when the gateway replies through the REST API: empty TwiML.
pub fn empty_twiml() -> Result<Response> {
    with_type(
        200,
        "text/xml; charset=utf-8",
        r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#.to_string(),
    )
}
