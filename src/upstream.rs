//! Carries out a core `HttpRequest` with the Worker Fetch API, bounded by a timeout
//! (the fetch is aborted when the timer wins).

use crate::core::conversation::MediaTransfer;
use crate::core::http::{Exchange, HttpAnswer, HttpRequest};
use futures_util::future::{select, Either};
use std::future::Future;
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, Response};

fn build(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<JsValue>,
) -> Result<Request, String> {
    let h = Headers::new();
    for (name, value) in headers {
        h.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::from(method.to_string()))
        .with_headers(h);
    // GET and HEAD requests must not carry a body, not even an empty one.
    if !matches!(method, "GET" | "HEAD") {
        init.with_body(body);
    }
    Request::new_with_init(url, &init).map_err(|e| e.to_string())
}

async fn fetch(request: Request, controller: &AbortController) -> Result<Response, String> {
    Fetch::Request(request)
        .send_with_signal(&controller.signal())
        .await
        .map_err(|e| e.to_string())
}

/// Header names lowercased, as `HttpAnswer` keeps them.
fn headers_of(response: &Response) -> Vec<(String, String)> {
    response
        .headers()
        .entries()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

/// Runs `work` for at most `timeout_ms` (the caller aborts its fetches when the timer wins).
async fn bounded(
    work: impl Future<Output = Result<HttpAnswer, String>>,
    timeout_ms: u64,
) -> Exchange {
    let work = std::pin::pin!(work);
    let timer = std::pin::pin!(Delay::from(Duration::from_millis(timeout_ms)));
    match select(work, timer).await {
        Either::Left((Ok(answer), _)) => Exchange::Answered(answer),
        Either::Left((Err(e), _)) => Exchange::NetworkError(e),
        Either::Right(_) => Exchange::TimedOut,
    }
}

fn abort_if_timed_out(outcome: Exchange, controller: AbortController) -> Exchange {
    if outcome == Exchange::TimedOut {
        controller.abort();
    }
    outcome
}

/// Sends `req`; gives up (and aborts the fetch) after `timeout_ms`, answer body included.
pub async fn exchange(req: &HttpRequest, timeout_ms: u32) -> Exchange {
    let controller = AbortController::default();
    let work = async {
        let headers: Vec<(&str, &str)> =
            req.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let request = build(
            req.method,
            &req.url,
            &headers,
            Some(JsValue::from_str(&req.body)),
        )?;
        let mut response = fetch(request, &controller).await?;
        let headers = headers_of(&response);
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(HttpAnswer {
            status: response.status_code(),
            headers,
            body,
        })
    };
    let outcome = bounded(work, timeout_ms.into()).await;
    abort_if_timed_out(outcome, controller)
}

/// Copies a file from Twilio to Zendesk's uploads API: downloads it (refusing more than
/// `max_bytes`: answered as a synthetic 413 with `x-media-size`), then posts the bytes.
/// The answer is Twilio's when the download fails, else Zendesk's upload answer.
pub async fn transfer(t: &MediaTransfer, timeout_ms: u32) -> Exchange {
    let controller = AbortController::default();
    let work = async {
        let d = &t.download;
        let headers: Vec<(&str, &str)> = d.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut resp = fetch(build(d.method, &d.url, &headers, None)?, &controller).await?;
        let headers = headers_of(&resp);
        if resp.status_code() != 200 {
            let body = resp.text().await.unwrap_or_default();
            return Ok(HttpAnswer {
                status: resp.status_code(),
                headers,
                body,
            });
        }
        let too_large = |size: String| HttpAnswer {
            status: 413,
            headers: vec![("x-media-size".into(), size)],
            body: String::new(),
        };
        let declared = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        if let Some(size) = declared.filter(|&n| n > t.max_bytes) {
            return Ok(too_large(size.to_string()));
        }
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        if bytes.len() as u64 > t.max_bytes {
            return Ok(too_large(bytes.len().to_string()));
        }
        let upload_headers = [
            ("Authorization", t.upload_authorization.as_str()),
            ("Content-Type", t.content_type.as_str()),
            ("Accept", "application/json"),
        ];
        let body = worker::js_sys::Uint8Array::from(bytes.as_slice()).into();
        let mut resp = fetch(
            build("POST", &t.upload_url, &upload_headers, Some(body))?,
            &controller,
        )
        .await?;
        let mut headers = headers_of(&resp);
        // A contact card's text goes back to the core, which shows its gist in the comment.
        let kind = t.content_type.to_ascii_lowercase();
        if (kind.starts_with("text/vcard") || kind.starts_with("text/x-vcard"))
            && bytes.len() <= 16 * 1024
        {
            headers.push((
                "x-media-text".into(),
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes),
            ));
        }
        let body = resp.text().await.map_err(|e| e.to_string())?;
        Ok(HttpAnswer {
            status: resp.status_code(),
            headers,
            body,
        })
    };
    // Two requests and a file: twice the single-call budget.
    let outcome = bounded(work, u64::from(timeout_ms) * 2).await;
    abort_if_timed_out(outcome, controller)
}
