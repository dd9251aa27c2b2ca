//! Carries out a core `HttpRequest` with the Worker Fetch API, bounded by a timeout
//! (the fetch is aborted when the timer wins).

use crate::core::http::{Exchange, HttpAnswer, HttpRequest};
use futures_util::future::{select, Either};
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

async fn send(req: &HttpRequest, controller: &AbortController) -> Result<HttpAnswer, String> {
    let headers = Headers::new();
    for (name, value) in &req.headers {
        headers.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::from(req.method.to_string()))
        .with_headers(headers);
    // GET and HEAD requests must not carry a body, not even an empty one.
    if !matches!(req.method, "GET" | "HEAD") {
        init.with_body(Some(JsValue::from_str(&req.body)));
    }
    let request = Request::new_with_init(&req.url, &init).map_err(|e| e.to_string())?;
    let mut response = Fetch::Request(request)
        .send_with_signal(&controller.signal())
        .await
        .map_err(|e| e.to_string())?;
    let headers = response
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok(HttpAnswer {
        status: response.status_code(),
        headers,
        body,
    })
}

/// Sends `req`; gives up (and aborts the fetch) after `timeout_ms`, answer body included.
pub async fn exchange(req: &HttpRequest, timeout_ms: u32) -> Exchange {
    let controller = AbortController::default();
    let outcome = {
        let request = std::pin::pin!(send(req, &controller));
        let timer = std::pin::pin!(Delay::from(Duration::from_millis(timeout_ms.into())));
        match select(request, timer).await {
            Either::Left((Ok(answer), _)) => Exchange::Answered(answer),
            Either::Left((Err(e), _)) => Exchange::NetworkError(e),
            Either::Right(_) => Exchange::TimedOut,
        }
    };
    if outcome == Exchange::TimedOut {
        controller.abort();
    }
    outcome
}
