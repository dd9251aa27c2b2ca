//! Carries out a core `HttpRequest` with the Worker Fetch API, bounded by a timeout
//! (the fetch is aborted when the timer wins).

use crate::core::conversation::MediaTransfer;
use crate::core::http::{Exchange, HttpAnswer, HttpRequest};
use futures_util::future::{select, Either};
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

fn build(req: &HttpRequest) -> Result<Request, String> {
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
    Request::new_with_init(&req.url, &init).map_err(|e| e.to_string())
}

async fn send(req: &HttpRequest, controller: &AbortController) -> Result<HttpAnswer, String> {
    let request = build(req)?;
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

/// Copies a file from Twilio to Zendesk's uploads API: downloads it (refusing more than
/// `max_bytes`: answered as a synthetic 413 with `x-media-size`), then posts the bytes.
/// The answer is Twilio's when the download fails, else Zendesk's upload answer.
pub async fn transfer(t: &MediaTransfer, timeout_ms: u32) -> Exchange {
    let controller = AbortController::default();
    let work = async {
        let download = build(&t.download)?;
        let mut resp = Fetch::Request(download)
            .send_with_signal(&controller.signal())
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status_code();
        let headers: Vec<(String, String)> = resp
            .headers()
            .entries()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        if status != 200 {
            let body = resp.text().await.unwrap_or_default();
            return Ok(HttpAnswer {
                status,
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
        let upload_headers = Headers::new();
        for (name, value) in [
            ("Authorization", t.upload_authorization.as_str()),
            ("Content-Type", t.content_type.as_str()),
            ("Accept", "application/json"),
        ] {
            upload_headers.set(name, value).map_err(|e| e.to_string())?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(upload_headers)
            .with_body(Some(
                worker::js_sys::Uint8Array::from(bytes.as_slice()).into(),
            ));
        let upload = Request::new_with_init(&t.upload_url, &init).map_err(|e| e.to_string())?;
        let mut resp = Fetch::Request(upload)
            .send_with_signal(&controller.signal())
            .await
            .map_err(|e| e.to_string())?;
        let mut headers: Vec<(String, String)> = resp
            .headers()
            .entries()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
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
        Ok::<HttpAnswer, String>(HttpAnswer {
            status: resp.status_code(),
            headers,
            body,
        })
    };
    let outcome = {
        let work = std::pin::pin!(work);
        // Two requests and a file: twice the single-call budget.
        let timer = std::pin::pin!(Delay::from(Duration::from_millis(
            u64::from(timeout_ms) * 2
        )));
        match select(work, timer).await {
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
