//! Short-lived signed URLs for agents' attachments. Twilio needs a URL it can fetch to send a
//! file on WhatsApp, and Zendesk attachments can be private: the gateway serves them itself
//! at `/media/{token}`, where the token names the Zendesk file and an expiry, signed with a
//! key derived from the Zendesk API token (so no extra secret to configure).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64URL, Engine as _};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long Twilio has to fetch a file.
pub const MEDIA_URL_TTL_MS: u64 = 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaGrant {
    /// Zendesk's `content_url` of the attachment.
    #[serde(rename = "u")]
    pub content_url: String,
    #[serde(rename = "t")]
    pub content_type: String,
    #[serde(rename = "n")]
    pub file_name: String,
    #[serde(rename = "e")]
    pub expires_ms: u64,
}

fn key(secret: &str) -> HmacSha256 {
    let mut derive = HmacSha256::new_from_slice(secret.as_bytes()).expect("any key length");
    derive.update(b"whatsapp-zendesk-gateway/media-url/v1");
    HmacSha256::new_from_slice(&derive.finalize().into_bytes()).expect("any key length")
}

pub fn sign(grant: &MediaGrant, secret: &str) -> String {
    let payload = B64URL.encode(serde_json::to_vec(grant).expect("a grant always serialises"));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> MediaGrant {
        MediaGrant {
            content_url: "https://acme.zendesk.com/attachments/token/abc/?name=invoice.pdf".into(),
            content_type: "application/pdf".into(),
            file_name: "invoice.pdf".into(),
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
        other.content_url = "https://evil.example/".into();
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
}
