//! `GET /media/{token}`: serves an agent's Zendesk attachment to Twilio, which fetches it to
//! send it on WhatsApp. The token (see `core::media_url`) names the file and expires after an
//! hour; the file is fetched from Zendesk with the API credentials (attachments may be private).

use crate::core::logline::LogLine;
use crate::core::media_url::{verify, MediaTokenError};
use crate::{env_config, log, respond, storage};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit, Response, Result};

pub async fn handle(req: &Request, env: &Env) -> Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond::method_not_allowed("GET");
    }
    let config = match env_config::load(env) {
        Ok(c) => c,
        Err(e) => return respond::error(503, "configuration_error", &e.to_string()),
    };
    let path = req.path();
    let token = path.trim_start_matches("/media/");
    let grant = match verify(token, &config.zendesk_api_key, storage::now_ms()) {
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
    // Credentials only go to the configured Zendesk (the URL is ours, signed, but be strict).
    let headers = Headers::new();
    let zendesk_host = host_of(&config.zendesk_base_url);
    if host_of(&grant.content_url) == zendesk_host
        || host_of(&grant.content_url).ends_with(&format!(".{}", config.zendesk_domain))
    {
        headers.set("Authorization", &config.zendesk_authorization())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let mut upstream = Fetch::Request(Request::new_with_init(&grant.content_url, &init)?)
        .send()
        .await?;
    if upstream.status_code() != 200 {
        log::emit(
            &LogLine::error("media.fetch_failed").field("status", upstream.status_code()),
            &config.secrets(),
        );
        return respond::error(
            502,
            "upstream_error",
            "the file could not be fetched from Zendesk",
        );
    }
    let bytes = upstream.bytes().await?;
    let out = Headers::new();
    out.set("Content-Type", &grant.content_type)?;
    out.set(
        "Content-Disposition",
        &format!("inline; filename=\"{}\"", grant.file_name.replace('"', "")),
    )?;
    out.set("Cache-Control", "private, max-age=300")?;
    log::emit(
        &LogLine::info("media.served")
            .field("bytes", bytes.len())
            .field("content_type", grant.content_type.as_str()),
        &config.secrets(),
    );
    Ok(Response::from_bytes(bytes)?.with_headers(out))
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}
