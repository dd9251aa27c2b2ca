//! Carries out a core `HttpRequest` with the Worker Fetch API, bounded by a timeout
//! (the fetch is aborted when the timer wins).
//!
//! Redirects are never followed with credentials or a body: API calls are sent with
//! `redirect: manual` (a 3xx is an answer the core retries, so the ticket JSON is never
//! re-posted to another origin), and file downloads follow a redirect only without their
//! `Authorization` header.
//!
//! A deadline covers a body too, not only its headers: an origin that answers its headers and
//! then stalls would otherwise hold the call (and what waits on it) forever.

use crate::core::conversation::MediaTransfer;
use crate::core::http::{Exchange, HttpAnswer, HttpRequest};
use futures_util::future::{select, Either};
use futures_util::{Stream, StreamExt};
use std::future::Future;
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{
    AbortController, ByteStream, Delay, Fetch, Headers, Method, Request, RequestInit,
    RequestRedirect, Response,
};

/// How many redirects a file download follows (Twilio's media and Zendesk's attachments
/// redirect once, to their CDNs).
const MAX_REDIRECTS: usize = 3;

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
        .with_headers(h)
        .with_redirect(RequestRedirect::Manual);
    // GET and HEAD requests must not carry a body, not even an empty one.
    if !matches!(method, "GET" | "HEAD") {
        init.with_body(body);
    }
    Request::new_with_init(url, &init).map_err(|e| e.to_string())
}

async fn fetch(request: Request, controller: &AbortController) -> Result<Response, String> {
    crate::usage::subrequest();
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

/// `Some(output)` when `work` finishes within `ms`, else `None` (the caller aborts its
/// fetches).
pub async fn within<T>(ms: u64, work: impl Future<Output = T>) -> Option<T> {
    let work = std::pin::pin!(work);
    let timer = std::pin::pin!(Delay::from(Duration::from_millis(ms)));
    match select(work, timer).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}

/// Runs `work` for at most `timeout_ms` (the caller aborts its fetches when the timer wins).
async fn bounded(
    work: impl Future<Output = Result<HttpAnswer, String>>,
    timeout_ms: u64,
) -> Exchange {
    match within(timeout_ms, work).await {
        Some(Ok(answer)) => Exchange::Answered(answer),
        Some(Err(e)) => Exchange::NetworkError(e),
        None => Exchange::TimedOut,
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
        let body = answer_text(&mut response).await?;
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
/// The answer is Twilio's when the download fails, else Zendesk's upload answer. The whole
/// copy, the download's body included, is bounded: a file that stalls after its headers is a
/// timeout the core retries, never a conversation stuck on it.
pub async fn transfer(t: &MediaTransfer, timeout_ms: u32) -> Exchange {
    let controller = AbortController::default();
    let work = async {
        let d = &t.download;
        let headers: Vec<(&str, &str)> = d.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut resp = get_following_redirects(&d.url, &headers, &controller).await?;
        let headers = headers_of(&resp);
        if resp.status_code() != 200 {
            let body = answer_text(&mut resp).await.unwrap_or_default();
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
        let bytes = match read_capped(&mut resp, t.max_bytes, declared).await? {
            Capped::Whole(bytes) => bytes,
            Capped::Over(seen) => return Ok(too_large(format!("more than {seen}"))),
        };
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
        let body = answer_text(&mut resp).await?;
        Ok(HttpAnswer {
            status: resp.status_code(),
            headers,
            body,
        })
    };
    // Two requests and a file: twice the single-call budget.
    let outcome = bounded(work, u64::from(timeout_ms) * 2).await;
    // Also stops a download refused by its size (the rest of the file is never read);
    // aborting a finished fetch does nothing.
    controller.abort();
    outcome
}

/// GETs `url` with `headers`, then follows up to `MAX_REDIRECTS` redirects without any of
/// them: the credentials are for the first origin only (Twilio's media URL and Zendesk's
/// attachment URL both redirect to a CDN that needs none).
pub async fn get_following_redirects(
    url: &str,
    headers: &[(&str, &str)],
    controller: &AbortController,
) -> Result<Response, String> {
    let mut response = fetch(build("GET", url, headers, None)?, controller).await?;
    let mut current = url::Url::parse(url).map_err(|e| e.to_string())?;
    for _ in 0..MAX_REDIRECTS {
        if !(300..400).contains(&response.status_code()) {
            break;
        }
        let Some(location) = response.headers().get("Location").ok().flatten() else {
            break;
        };
        current = current.join(&location).map_err(|e| e.to_string())?;
        if !matches!(current.scheme(), "https" | "http") {
            return Err(format!("redirect to a {} URL refused", current.scheme()));
        }
        response = fetch(build("GET", current.as_str(), &[], None)?, controller).await?;
    }
    Ok(response)
}

/// Calls `abort` on its controller when dropped: a stream that ends early, times out or is
/// cancelled by its reader (the client went away) releases the fetch it reads from. Aborting a
/// fetch whose body was read to its end does nothing.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// The body of `response`, passed on chunk by chunk as it is read, that must be read to its end
/// by `deadline_ms` (epoch milliseconds): past it, `on_timeout` runs, the stream ends in an
/// error and the fetch is aborted with `controller`. Each read races a timer of its own set to
/// the time left (one timer kept across reads would wake the reader of the read it was created
/// in, not the current one: `worker::Delay` keeps its first waker).
pub fn body_within(
    response: &mut Response,
    deadline_ms: u64,
    controller: AbortController,
    on_timeout: impl FnOnce() + 'static,
) -> Result<impl Stream<Item = worker::Result<Vec<u8>>>, String> {
    let body: ByteStream = response.stream().map_err(|e| e.to_string())?;
    let state = Some((body, AbortOnDrop(Some(controller)), on_timeout));
    Ok(futures_util::stream::unfold(
        state,
        move |state| async move {
            let (mut body, guard, on_timeout) = state?;
            let left = deadline_ms.saturating_sub(crate::clock::now_ms());
            match within(left, body.next()).await {
                Some(Some(Ok(chunk))) => Some((Ok(chunk), Some((body, guard, on_timeout)))),
                Some(None) => None,
                Some(Some(Err(e))) => Some((Err(e), None)),
                None => {
                    on_timeout();
                    // The guard goes with the state: the fetch is aborted.
                    Some((Err(worker::Error::from("body timed out")), None))
                }
            }
        },
    ))
}

/// The most of an API answer the gateway reads (a page of 100 comments is well under it): an
/// endless or huge answer is a failed call, not an out-of-memory isolate.
const MAX_ANSWER_BYTES: u64 = 8 * 1024 * 1024;

/// An API answer's body as text, read with `MAX_ANSWER_BYTES` as the cap.
async fn answer_text(response: &mut Response) -> Result<String, String> {
    match read_capped(response, MAX_ANSWER_BYTES, None).await? {
        Capped::Whole(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Capped::Over(_) => Err(format!("answer over {MAX_ANSWER_BYTES} bytes")),
    }
}

pub enum Capped {
    Whole(Vec<u8>),
    /// The stream passed the cap after this many bytes; the rest was not read.
    Over(u64),
}

/// Reads a body as it arrives and stops as soon as it passes `max` bytes. The buffer is sized
/// from the declared length up front (wasm memory never shrinks: doubling a growing buffer
/// would keep up to twice the file in the isolate's 128 MB).
pub async fn read_capped(
    response: &mut Response,
    max: u64,
    declared: Option<u64>,
) -> Result<Capped, String> {
    let mut stream = response.stream().map_err(|e| e.to_string())?;
    let expected = declared.unwrap_or(0).min(max);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Ok(Capped::Over((bytes.len() + chunk.len()) as u64));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Capped::Whole(bytes))
}
