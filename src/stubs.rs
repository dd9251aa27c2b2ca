//! Carries the typed edges (`core::edges`) between the Worker and its Durable Objects: one
//! `POST` with the request as JSON; 200 with the typed answer, anything else an error.

use serde::{de::DeserializeOwned, Serialize};
use worker::{Method, Request, RequestInit, Response, Result, Stub};

/// Sends `request` to the object behind `stub` and reads its typed answer.
pub async fn ask<Q: Serialize, A: DeserializeOwned>(stub: &Stub, request: &Q) -> Result<A> {
    crate::usage::subrequest();
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(request)?.into()));
    let mut resp = stub
        .fetch_with_request(Request::new_with_init("https://object/", &init)?)
        .await?;
    if resp.status_code() != 200 {
        return Err(worker::Error::RustError(format!(
            "object answered {}: {}",
            resp.status_code(),
            resp.text().await.unwrap_or_default()
        )));
    }
    resp.json().await
}

/// The object's side: the typed request, or the error to answer (`Response::error`).
pub async fn read<Q: DeserializeOwned>(req: &mut Request) -> std::result::Result<Q, (String, u16)> {
    if req.method() != Method::Post {
        return Err(("typed requests are POSTed".into(), 405));
    }
    let text = req.text().await.map_err(|e| (e.to_string(), 400))?;
    serde_json::from_str(&text).map_err(|e| (format!("unreadable request: {e}"), 400))
}

/// The object's answer.
pub fn answer<A: Serialize>(a: &A) -> Result<Response> {
    Response::from_json(a)
}
