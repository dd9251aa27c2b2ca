//! Webhook signatures. Twilio: base64(HMAC-SHA1(key, url + sorted name+value pairs)).

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

type HmacSha1 = Hmac<Sha1>;
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// HMAC takes keys of any length (RFC 2104 hashes longer ones first), so the crate's
/// `new_from_slice` cannot fail for it; were it ever to, a zero key is used instead, which
/// verifies nothing a real sender signed. No panic on a request path.
fn hmac_sha1(key: &[u8]) -> HmacSha1 {
    <HmacSha1 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha1 as KeyInit>::new(&Default::default()))
}

pub(crate) fn hmac_sha256(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()))
}

/// Zendesk webhooks older (or newer) than this are refused as replays.
pub const ZENDESK_MAX_AGE_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZendeskCheck {
    Valid,
    /// The signature does not match the body and timestamp.
    Forged,
    /// The timestamp is unreadable or too far from now: a replay.
    Stale,
}

/// Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + raw body)), checked in
/// constant time, and the timestamp within `ZENDESK_MAX_AGE_MS` of `now_ms`.
pub fn verify_zendesk(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now_ms: u64,
) -> ZendeskCheck {
    let Ok(given) = BASE64.decode(signature.trim()) else {
        return ZendeskCheck::Forged;
    };
    let mut mac = hmac_sha256(secret.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    if mac.verify_slice(&given).is_err() {
        return ZendeskCheck::Forged;
    }
    match crate::core::time::parse_iso8601_ms(timestamp) {
        Some(t) if t.abs_diff(now_ms) <= ZENDESK_MAX_AGE_MS => ZendeskCheck::Valid,
        _ => ZendeskCheck::Stale,
    }
}

/// The signature Zendesk would send (for the sandbox and tests).
pub fn zendesk_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = hmac_sha256(secret.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    BASE64.encode(mac.finalize().into_bytes())
}

/// The string Twilio signs: the full URL, then every POST parameter sorted by name (values of a
/// repeated name sorted too), each appended as name + value with no separator.
pub fn twilio_signing_string(url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut out = String::with_capacity(url.len() + params.len() * 24);
    out.push_str(url);
    for (name, value) in sorted {
        out.push_str(name);
        out.push_str(value);
    }
    out
}

/// The signature Twilio would send for this URL and these parameters.
pub fn twilio_signature(key: &str, url: &str, params: &[(String, String)]) -> String {
    BASE64.encode(mac(key, url, params).finalize().into_bytes())
}

fn mac(key: &str, url: &str, params: &[(String, String)]) -> HmacSha1 {
    let mut mac = hmac_sha1(key.as_bytes());
    mac.update(twilio_signing_string(url, params).as_bytes());
    mac
}

/// Whether `header` is a valid Twilio signature for the request, under any of `keys`.
/// Like Twilio's own libraries, the URL is tried as given, with its default port added and
/// with its port removed, since Twilio's backend is not consistent about it.
/// The comparison is constant-time (`Mac::verify_slice`).
pub fn verify_twilio(keys: &[&str], url: &str, params: &[(String, String)], header: &str) -> bool {
    let Ok(given) = BASE64.decode(header.trim()) else {
        return false;
    };
    let urls = url_port_variants(url);
    keys.iter().filter(|k| !k.is_empty()).any(|key| {
        urls.iter()
            .any(|u| mac(key, u, params).verify_slice(&given).is_ok())
    })
}

/// Compares a presented secret (a bearer token) with the expected one in constant time: both
/// are reduced to HMACs of the same length, compared with `verify_slice`.
pub fn secret_matches(presented: &str, expected: &str) -> bool {
    if expected.is_empty() {
        return false;
    }
    let digest = |s: &str| {
        let mut m = hmac_sha1(b"whatsapp-zendesk-gateway/secret-compare");
        m.update(s.as_bytes());
        m
    };
    let expected_tag = digest(expected).finalize().into_bytes();
    digest(presented).verify_slice(&expected_tag).is_ok()
}

/// The URL as given, without its port, and with the scheme's default port.
fn url_port_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_string()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return variants;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => authority.split_at(i + 1),
        None => ("", authority),
    };
    // An IPv6 host is bracketed; a port follows the closing bracket.
    let port_sep = match hostport.rfind(']') {
        Some(close) => hostport[close..].find(':').map(|i| close + i),
        None => hostport.rfind(':'),
    };
    let host = match port_sep {
        Some(i) => &hostport[..i],
        None => hostport,
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return variants,
    };
    for candidate in [
        format!("{scheme}://{userinfo}{host}{tail}"),
        format!("{scheme}://{userinfo}{host}:{default_port}{tail}"),
    ] {
        if !variants.contains(&candidate) {
            variants.push(candidate);
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // Twilio's documented example (webhooks security page): token 12345, this URL and these
    // parameters sign to 0/KCTR6DLpKmkAf8muzZqo1nDgQ=.
    const DOC_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    fn doc_params() -> Vec<(String, String)> {
        p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ])
    }

    #[test]
    fn matches_twilios_documented_example() {
        assert_eq!(
            twilio_signature("12345", DOC_URL, &doc_params()),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
        assert!(verify_twilio(
            &["12345"],
            DOC_URL,
            &doc_params(),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }

    #[test]
    fn refuses_tampering_wrong_key_and_garbage() {
        let good = twilio_signature("12345", DOC_URL, &doc_params());
        let mut tampered = doc_params();
        tampered[2].1 = "9999".into();
        assert!(!verify_twilio(&["12345"], DOC_URL, &tampered, &good));
        let mut extra = doc_params();
        extra.push(("Unknown".into(), "x".into()));
        assert!(!verify_twilio(&["12345"], DOC_URL, &extra, &good));
        assert!(!verify_twilio(&["54321"], DOC_URL, &doc_params(), &good));
        assert!(!verify_twilio(
            &["12345"],
            "https://mycompany.com/other",
            &doc_params(),
            &good
        ));
        assert!(!verify_twilio(
            &["12345"],
            DOC_URL,
            &doc_params(),
            "not base64!!"
        ));
        assert!(!verify_twilio(&["12345"], DOC_URL, &doc_params(), ""));
        assert!(!verify_twilio(&[""], DOC_URL, &doc_params(), &good));
    }

    #[test]
    fn any_configured_key_may_sign() {
        let sig = twilio_signature("secondary", DOC_URL, &doc_params());
        assert!(verify_twilio(
            &["primary", "secondary"],
            DOC_URL,
            &doc_params(),
            &sig
        ));
    }

    #[test]
    fn unknown_parameters_are_covered_and_sorted() {
        let params = p(&[("b", "2"), ("a", "1"), ("b", "1"), ("Zz", "")]);
        assert_eq!(twilio_signing_string("u", &params), "uZza1b1b2");
    }

    #[test]
    fn accepts_with_and_without_the_default_port() {
        let signed_with_port = twilio_signature(
            "k",
            "https://h.example.com:443/twilio/whatsapp",
            &doc_params(),
        );
        assert!(verify_twilio(
            &["k"],
            "https://h.example.com/twilio/whatsapp",
            &doc_params(),
            &signed_with_port
        ));
        let signed_without = twilio_signature(
            "k",
            "https://h.example.com/twilio/whatsapp?x=1",
            &doc_params(),
        );
        assert!(verify_twilio(
            &["k"],
            "https://h.example.com:443/twilio/whatsapp?x=1",
            &doc_params(),
            &signed_without
        ));
        let local = twilio_signature("k", "http://127.0.0.1:8787/twilio/whatsapp", &doc_params());
        assert!(verify_twilio(
            &["k"],
            "http://127.0.0.1:8787/twilio/whatsapp",
            &doc_params(),
            &local
        ));
    }

    #[test]
    fn zendesk_signatures_are_checked_with_their_timestamp() {
        let secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
        let ts = "2021-05-04T20:39:44Z";
        let body = br#"{"ticket_id":"35"}"#;
        let now = crate::core::time::parse_iso8601_ms(ts).unwrap();
        let sig = zendesk_signature(secret, ts, body);
        // computed independently with Python hmac/hashlib
        assert_eq!(sig, "DRG9L1Re2IkMaxPMXFd9qUYXH7Sb591v5vwctE1kL8I=");
        assert_eq!(
            verify_zendesk(secret, ts, body, &sig, now + 60_000),
            ZendeskCheck::Valid
        );
        assert_eq!(
            verify_zendesk(secret, ts, body, &sig, now + 10 * 60_000),
            ZendeskCheck::Stale
        );
        assert_eq!(
            verify_zendesk(secret, ts, br#"{"ticket_id":"36"}"#, &sig, now),
            ZendeskCheck::Forged
        );
        assert_eq!(
            verify_zendesk("other", ts, body, &sig, now),
            ZendeskCheck::Forged
        );
        assert_eq!(
            verify_zendesk(secret, "2021-05-04T20:39:45Z", body, &sig, now),
            ZendeskCheck::Forged
        );
        assert_eq!(
            verify_zendesk(secret, ts, body, "%%%", now),
            ZendeskCheck::Forged
        );
    }

    #[test]
    fn a_signed_timestamp_that_is_not_one_is_stale_not_a_panic() {
        let secret = "zendesk-secret";
        let body = br#"{"ticket_id":"35"}"#;
        for ts in [
            "2026-11-2\u{665}T06:38:33Z",
            "\u{662}\u{660}\u{662}\u{666}-11-25T06:38:33Z",
            "2026-11-25T06:38:33+05:00",
            "",
        ] {
            let sig = zendesk_signature(secret, ts, body);
            assert_eq!(
                verify_zendesk(secret, ts, body, &sig, 1_795_588_713_000),
                ZendeskCheck::Stale,
                "{ts}"
            );
        }
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secret_matches("s3cret-token-value", "s3cret-token-value"));
        assert!(!secret_matches("s3cret-token-valuE", "s3cret-token-value"));
        assert!(!secret_matches("", "s3cret-token-value"));
        assert!(!secret_matches("", ""));
    }

    #[test]
    fn port_variants_handle_ipv6_and_userinfo() {
        let v = url_port_variants("http://[::1]:8787/p");
        assert!(v.contains(&"http://[::1]/p".to_string()));
        assert!(v.contains(&"http://[::1]:80/p".to_string()));
        let v = url_port_variants("https://u:p@h/p");
        assert!(v.contains(&"https://u:p@h:443/p".to_string()));
        assert_eq!(
            url_port_variants("not a url"),
            vec!["not a url".to_string()]
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// What Twilio signs verifies; a change of any value does not; nothing panics.
        #[test]
        fn signatures_verify_exactly(
            key in "[a-zA-Z0-9]{1,40}",
            url in "(https?://[a-z0-9.:-]{1,30}(/[a-zA-Z0-9/?=&%_.-]{0,40})?)|.{0,30}",
            params in proptest::collection::vec(("[A-Za-z0-9]{1,10}", ".{0,30}"), 0..10),
            header in ".{0,60}",
        ) {
            let sig = twilio_signature(&key, &url, &params);
            prop_assert!(verify_twilio(&[&key], &url, &params, &sig));
            let _ = verify_twilio(&[&key], &url, &params, &header);
            if let Some((name, value)) = params.first() {
                let mut changed = params.clone();
                changed[0] = (name.clone(), format!("{value}x"));
                prop_assert!(!verify_twilio(&[&key], &url, &changed, &sig));
            }
        }

        /// A correctly signed Zendesk webhook with any timestamp text (non-ASCII digits
        /// included) is valid only when the text is a time within the window of now, stale
        /// otherwise, and never panics.
        #[test]
        fn any_signed_zendesk_timestamp_is_checked_without_a_panic(
            timestamp in "\\PC{0,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,4})?Z",
            body in proptest::collection::vec(any::<u8>(), 0..64),
            now_ms in 0u64..253_402_300_799_999,
        ) {
            let sig = zendesk_signature("secret", &timestamp, &body);
            let parsed = crate::core::time::parse_iso8601_ms(&timestamp);
            let within = parsed.is_some_and(|t| t.abs_diff(now_ms) <= ZENDESK_MAX_AGE_MS);
            let expected = if within { ZendeskCheck::Valid } else { ZendeskCheck::Stale };
            prop_assert_eq!(verify_zendesk("secret", &timestamp, &body, &sig, now_ms), expected);
            if let Some(t) = parsed {
                prop_assert_eq!(verify_zendesk("secret", &timestamp, &body, &sig, t), ZendeskCheck::Valid);
            }
        }
    }
}
