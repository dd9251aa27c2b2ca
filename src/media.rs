//! `GET|HEAD /media/{token}`: serves an agent's Zendesk attachment to Twilio, which fetches it
//! to send it on WhatsApp. The token (see `core::media_url`) names the attachment by its id
//! and expires 15 minutes after it was minted. The attachment is looked up in Zendesk's API
//! (once per attachment for a link's life: the record is kept in Cloudflare's cache, so that
//! Twilio's fetches and anyone's repeats do not spend the agents' shared API budget), then its
//! content is streamed through (never buffered): Zendesk's credentials go only to Zendesk's
//! origin, a redirect (to Zendesk's file CDN) is followed without them, the look-up and the
//! content's headers must arrive within `UPSTREAM_TIMEOUT_MS`, and the whole content within
//! twice that (as a customer's file copied to Zendesk): an origin that stalls mid-file ends the
//! answer in an error instead of holding Twilio's fetch open. `HEAD` answers from the look-up
//! alone, without downloading the file.

use crate::core::config::Config;
use crate::core::http::Exchange;
use crate::core::logline::LogLine;
use crate::core::media_url::{content_disposition, verify, MediaGrant, MediaTokenError};
use crate::core::origin::same_origin;
use crate::core::zendesk::{self, Attachment};
use crate::{clock, env_config, log, respond, upstream};
use worker::worker_sys::FixedLengthStream as FixedLengthStreamSys;
use worker::{
    AbortController, Cache, Env, FixedLengthStream, Headers, Method, Request, Response, Result,
};

pub async fn handle(req: &Request, env: &Env) -> Result<Response> {
    let head = match req.method() {
        Method::Get => false,
        Method::Head => true,
        _ => return respond::method_not_allowed("GET, HEAD"),
    };
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => return respond::error(503, "configuration_error", &e.to_string()),
    };
    let path = req.path();
    let token = path.trim_start_matches("/media/");
    let grant = match verify(token, &config.zendesk_api_key, clock::now_ms()) {
        Ok(g) => g,
        Err(MediaTokenError::Expired) => {
            return respond::error(410, "expired", "this file link has expired")
        }
        Err(MediaTokenError::Invalid) => {
            log::emit(
                &LogLine::warn("media.refused").field("reason", "invalid token"),
                &config.secrets(),
            );
            return respond::error(403, "invalid_token", "this file link is not valid");
        }
    };
    let key = req
        .url()
        .ok()
        .map(|url| lookup_cache_key(&url, grant.attachment_id));
    let attachment = match cached_look_up(&config, &grant, key.as_deref()).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let out = Headers::new();
    out.set("Content-Type", &header_safe(&attachment.content_type))?;
    out.set(
        "Content-Disposition",
        &content_disposition(&attachment.file_name),
    )?;
    out.set("Cache-Control", "private, max-age=300")?;
    // Zendesk's content type is served as is: never sniffed or run on the gateway's origin.
    out.set("X-Content-Type-Options", "nosniff")?;
    out.set("Content-Security-Policy", "sandbox")?;
    if head {
        if attachment.size > 0 {
            out.set("Content-Length", &attachment.size.to_string())?;
        }
        return Ok(Response::empty()?.with_headers(out));
    }
    let timeout = u64::from(config.upstream_timeout_ms);
    let deadline = clock::now_ms() + 2 * timeout;
    let controller = AbortController::default();
    let fetched = upstream::within(
        timeout,
        fetch_content(&config, &attachment.content_url, &controller),
    )
    .await;
    let mut content = match fetched {
        Some(Ok(r)) if r.status_code() == 200 => r,
        other => {
            let status = match &other {
                Some(Ok(r)) => r.status_code().to_string(),
                Some(Err(_)) => "network error".into(),
                None => "timeout".into(),
            };
            if other.is_none() {
                controller.abort();
            }
            return fetch_failed(&config, "content", &status);
        }
    };
    // The length is the file's only when the body is not compressed on the way (the fetch
    // hands over the decoded bytes).
    let encoded = content.headers().get("Content-Encoding")?.is_some();
    let length = match (content.headers().get("Content-Length")?, encoded) {
        (Some(length), false) => length.parse::<u64>().ok(),
        _ => None,
    };
    let attachment_id = grant.attachment_id;
    let body = upstream::body_within(&mut content, deadline, controller, move || {
        // Twilio has had the headers: the answer breaks off, and this says why.
        log::emit(
            &LogLine::error("media.fetch_failed")
                .field("step", "body")
                .field("status", "timeout")
                .field("attachment_id", attachment_id),
            &[],
        );
    })?;
    log::emit(
        &LogLine::info("media.served")
            .field("attachment_id", grant.attachment_id)
            .field("bytes", attachment.size)
            .field("content_type", attachment.content_type.as_str()),
        &config.secrets(),
    );
    // The content goes through to Twilio as it arrives: no copy of the file in memory. With a
    // known length it goes through a `FixedLengthStream`, which gives the answer its
    // `Content-Length` (a body cut short by the deadline or the origin is then an error to
    // Twilio, never a shorter file).
    let answer = Response::builder().with_headers(out);
    match length {
        Some(length) => {
            let fixed: FixedLengthStreamSys = FixedLengthStream::wrap(body, length).into();
            Ok(answer.stream(fixed.readable()))
        }
        None => answer.from_stream(body),
    }
}

/// Where the attachment's record is kept in Cloudflare's cache: on the gateway's own origin,
/// under a path the Worker does not serve (the cache is the zone's; Workers routes run before
/// it, so nothing outside the Worker reads the entry).
fn lookup_cache_key(url: &worker::Url, attachment_id: u64) -> String {
    format!(
        "{}/media-lookup/v1/{attachment_id}",
        url.origin().ascii_serialization()
    )
}

/// The attachment's record: from Cloudflare's cache (`caches.default`, kept per data centre,
/// not in the isolate's memory) when a fetch of a link to it put it there, else from Zendesk,
/// then kept for no longer than the link that asked for it still lives. Cache errors only cost
/// a look-up. The Cache API does nothing on `*.workers.dev` (see docs/security.md).
async fn cached_look_up(
    config: &Config,
    grant: &MediaGrant,
    key: Option<&str>,
) -> std::result::Result<Attachment, Result<Response>> {
    let cache = Cache::default();
    if let Some(key) = key {
        if let Ok(Some(mut hit)) = cache.get(key, false).await {
            let record = hit.text().await.ok();
            if let Some(a) = record.and_then(|t| serde_json::from_str::<Attachment>(&t).ok()) {
                return Ok(a);
            }
        }
    }
    let attachment = look_up(config, grant.attachment_id).await?;
    let life_secs = grant.expires_ms.saturating_sub(clock::now_ms()) / 1000;
    if let (Some(key), true) = (key, life_secs > 0) {
        let _ = keep(&cache, key, &attachment, life_secs).await;
    }
    Ok(attachment)
}

async fn keep(cache: &Cache, key: &str, attachment: &Attachment, life_secs: u64) -> Result<()> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set("Cache-Control", &format!("max-age={life_secs}"))?;
    let record = serde_json::to_vec(attachment).map_err(|e| worker::Error::from(e.to_string()))?;
    cache
        .put(key, Response::from_bytes(record)?.with_headers(headers))
        .await
}

/// The attachment's metadata from Zendesk's API (or the answer to give when it fails).
async fn look_up(config: &Config, id: u64) -> std::result::Result<Attachment, Result<Response>> {
    let request = zendesk::show_attachment_request(
        &config.zendesk_base_url,
        &config.zendesk_authorization(),
        id,
    );
    match upstream::exchange(&request, config.upstream_timeout_ms).await {
        Exchange::Answered(a) if a.status == 200 => {
            zendesk::parse_attachment(&a.body).map_err(|e| fetch_failed(config, "attachment", &e))
        }
        Exchange::Answered(a) if a.status == 404 => Err(respond::error(
            404,
            "not_found",
            "this file is no longer in Zendesk",
        )),
        Exchange::Answered(a) => Err(fetch_failed(config, "attachment", &a.status.to_string())),
        Exchange::TimedOut => Err(fetch_failed(config, "attachment", "timeout")),
        Exchange::NetworkError(_) => Err(fetch_failed(config, "attachment", "network error")),
    }
}

/// GETs the content: with Zendesk's credentials only on Zendesk's own origin (the configured
/// base URL or the account's host, compared as parsed origins), and never on a redirect.
async fn fetch_content(
    config: &Config,
    url: &str,
    controller: &AbortController,
) -> std::result::Result<Response, String> {
    let zendesk_origin = same_origin(url, &config.zendesk_base_url)
        || same_origin(url, &format!("https://{}", config.zendesk_domain));
    let authorization = config.zendesk_authorization();
    let headers: Vec<(&str, &str)> = if zendesk_origin {
        vec![("Authorization", authorization.as_str())]
    } else {
        vec![]
    };
    upstream::get_following_redirects(url, &headers, controller).await
}

fn fetch_failed(config: &Config, what: &str, status: &str) -> Result<Response> {
    log::emit(
        &LogLine::error("media.fetch_failed")
            .field("step", what)
            .field("status", status),
        &config.secrets(),
    );
    respond::error(
        502,
        "upstream_error",
        "the file could not be fetched from Zendesk",
    )
}

/// A content type from Zendesk, usable as a header value (anything odd becomes a download).
fn header_safe(content_type: &str) -> String {
    let ok = !content_type.is_empty()
        && content_type.len() <= 200
        && content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
    if ok {
        content_type.to_string()
    } else {
        "application/octet-stream".into()
    }
}
