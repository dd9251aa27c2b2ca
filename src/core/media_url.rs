//! Short-lived signed URLs for agents' attachments. Twilio needs a URL it can fetch to send a
//! file on WhatsApp, and Zendesk attachments can be private: the gateway serves them itself
//! at `/media/{token}`, where the token names the Zendesk attachment by its id and an expiry,
//! signed with a key derived from the Zendesk API token (so no extra secret to configure).
//! The token is an opaque reference: it carries no URL, file name or type (the shell looks
//! the attachment up in Zendesk when the file is fetched), so nothing leaks from decoding it.
//!
//! A link is whole in the request URLs Cloudflare logs, so it lives only as long as Twilio
//! needs to fetch the file once (see `MEDIA_URL_TTL_MS`).

use crate::core::signature::{hmac_sha256, HmacSha256};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64URL, Engine as _};
use hmac::Mac;
use serde::{Deserialize, Serialize};

/// How long Twilio has to fetch a file: 15 minutes. Twilio fetches a message's `MediaUrl`
/// once, when it sends the message (normally seconds after the gateway's request; minutes only
/// when the sender's queue is backed up), and keeps its own copy from then on ("Twilio creates
/// a Media subresource and stores the contents of the media" when a WhatsApp message with media
/// is sent, https://www.twilio.com/docs/messaging/api/media-resource): later deliveries never
/// come back to the link. A link is minted for each attempt to send (`agent_calls`), so a send
/// retried hours later carries a fresh one. Anyone who reads a logged request URL (Cloudflare
/// keeps them) can fetch the file until then, hence no longer than that.
pub const MEDIA_URL_TTL_MS: u64 = 15 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaGrant {
    /// Zendesk's id of the attachment.
    #[serde(rename = "a")]
    pub attachment_id: u64,
    #[serde(rename = "e")]
    pub expires_ms: u64,
}

fn key(secret: &str) -> HmacSha256 {
    let mut derive = hmac_sha256(secret.as_bytes());
    derive.update(b"whatsapp-zendesk-gateway/media-url/v1");
    hmac_sha256(&derive.finalize().into_bytes())
}

pub fn sign(grant: &MediaGrant, secret: &str) -> String {
    // Two numbers always serialise; an empty payload would only make a link that never verifies.
    let payload = B64URL.encode(serde_json::to_vec(grant).unwrap_or_default());
    let mut mac = key(secret);
    mac.update(payload.as_bytes());
    format!("{payload}.{}", B64URL.encode(mac.finalize().into_bytes()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaTokenError {
    Invalid,
    Expired,
}

pub fn verify(token: &str, secret: &str, now_ms: u64) -> Result<MediaGrant, MediaTokenError> {
    let (payload, signature) = token.split_once('.').ok_or(MediaTokenError::Invalid)?;
    let signature = B64URL
        .decode(signature)
        .map_err(|_| MediaTokenError::Invalid)?;
    let mut mac = key(secret);
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| MediaTokenError::Invalid)?;
    let bytes = B64URL
        .decode(payload)
        .map_err(|_| MediaTokenError::Invalid)?;
    let grant: MediaGrant = serde_json::from_slice(&bytes).map_err(|_| MediaTokenError::Invalid)?;
    if grant.expires_ms < now_ms {
        return Err(MediaTokenError::Expired);
    }
    Ok(grant)
}

/// A `/media/...` path as it may appear in a log: the token cut to its first characters, so
/// a log line never holds a working link.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/media/") {
        Some(token) => format!("/media/{}…", crate::core::text::take_chars(token, 6)),
        None => path.to_string(),
    }
}

/// `Content-Disposition` for a file name from Zendesk: a plain-ASCII `filename` (anything else,
/// quotes, backslashes and control characters replaced) and, for names that are not plain
/// ASCII, the exact name as RFC 6266 / RFC 5987 `filename*=UTF-8''…`. A CR or LF can never
/// reach the header (today they made the header invalid and the answer a 500).
pub fn content_disposition(file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    let name = if name.is_empty() {
        "file".to_string()
    } else {
        name
    };
    let name = crate::core::text::take_chars(&name, 200);
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    if ascii == name {
        return format!("inline; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> MediaGrant {
        MediaGrant {
            attachment_id: 4321,
            expires_ms: 1_000_000,
        }
    }

    #[test]
    fn signed_tokens_verify_until_they_expire() {
        let token = sign(&grant(), "zd-key");
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
            "URL-safe"
        );
        assert_eq!(verify(&token, "zd-key", 999_999), Ok(grant()));
        assert_eq!(
            verify(&token, "zd-key", 1_000_001),
            Err(MediaTokenError::Expired)
        );
        assert_eq!(
            verify(&token, "other-key", 0),
            Err(MediaTokenError::Invalid)
        );
    }

    #[test]
    fn tampered_tokens_are_refused() {
        let token = sign(&grant(), "zd-key");
        let (payload, sig) = token.split_once('.').unwrap();
        let mut other = grant();
        other.attachment_id = 1;
        let forged_payload = sign(&other, "zd-key")
            .split_once('.')
            .unwrap()
            .0
            .to_string();
        assert_eq!(
            verify(&format!("{forged_payload}.{sig}"), "zd-key", 0),
            Err(MediaTokenError::Invalid)
        );
        assert_eq!(verify(payload, "zd-key", 0), Err(MediaTokenError::Invalid));
        assert_eq!(verify("", "zd-key", 0), Err(MediaTokenError::Invalid));
        assert_eq!(verify("a.b.c", "zd-key", 0), Err(MediaTokenError::Invalid));
    }

    #[test]
    fn tokens_are_opaque_and_masked_in_logs() {
        let token = sign(&grant(), "zd-key");
        let payload = B64URL.decode(token.split_once('.').unwrap().0).unwrap();
        let text = String::from_utf8(payload).unwrap();
        assert_eq!(
            text, r#"{"a":4321,"e":1000000}"#,
            "an id and an expiry, nothing else"
        );
        let logged = loggable_path(&format!("/media/{token}"));
        assert!(
            logged.chars().count() == 14 && !logged.contains(&token[6..]),
            "{logged}"
        );
        assert_eq!(loggable_path("/admin/metrics"), "/admin/metrics");
    }

    #[test]
    fn file_names_make_a_safe_content_disposition() {
        assert_eq!(
            content_disposition("invoice.pdf"),
            r#"inline; filename="invoice.pdf""#
        );
        assert_eq!(
            content_disposition("a\r\nSet-Cookie: x=1.pdf"),
            r#"inline; filename="aSet-Cookie: x=1.pdf""#
        );
        assert_eq!(
            content_disposition("say \"hi\"\\.txt"),
            r#"inline; filename="say _hi__.txt"; filename*=UTF-8''say%20%22hi%22%5C.txt"#
        );
        assert_eq!(
            content_disposition("счёт.pdf"),
            "inline; filename=\"____.pdf\"; filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82.pdf"
        );
        assert_eq!(content_disposition("\r\n"), r#"inline; filename="file""#);
        for name in [
            "\u{0}x",
            "a\u{85}b",
            "\u{2028}",
            "😀.png",
            &"x".repeat(5000),
        ] {
            let header = content_disposition(name);
            assert!(
                header.bytes().all(|b| (0x20..0x7f).contains(&b)),
                "{header}"
            );
        }
    }
}
