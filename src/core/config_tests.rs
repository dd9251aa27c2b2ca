//! Tests of `config`: every variable read, normalised or refused by name, never echoed.

use super::*;
use std::collections::HashMap;

fn full() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_AUTH_TOKEN", "tok-secret"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_API_KEY", "zd-secret"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
    ])
}

fn load(vars: &HashMap<&'static str, &'static str>) -> Result<Config, ConfigError> {
    Config::from_lookup(|n| vars.get(n).map(|v| v.to_string()))
}

#[test]
fn defaults_follow_the_seed() {
    let c = load(&full()).unwrap();
    assert_eq!(c.zendesk_base_url, "https://acme.zendesk.com");
    assert_eq!(c.twilio_api_base_url, "https://api.twilio.com");
    assert_eq!(c.requester_email_domain, "whatsapp.zendesk.com");
    assert_eq!(
        c.reply_sender,
        ReplySender::From("whatsapp:+14155238886".into())
    );
    assert_eq!(c.upstream_timeout_ms, 10_000);
    assert_eq!(c.retry_window_ms, 24 * 3_600_000);
    assert!(!c.followup_ack);
    assert_eq!(c.admin_token, None);
    assert_eq!(c.languages.default_language().content_sid, None);
}

#[test]
fn every_missing_variable_is_named_and_no_value_leaks() {
    let mut vars = full();
    vars.remove("TWILIO_AUTH_TOKEN");
    vars.insert("ZENDESK_API_KEY", "   ");
    vars.insert("ZENDESK_BASE_URL", "ftp://zd-secret");
    let err = load(&vars).unwrap_err();
    assert_eq!(err.missing, vec!["TWILIO_AUTH_TOKEN", "ZENDESK_API_KEY"]);
    assert_eq!(err.invalid.len(), 1);
    let text = err.to_string();
    assert!(text.contains("TWILIO_AUTH_TOKEN") && text.contains("ZENDESK_BASE_URL"));
    assert!(!text.contains("zd-secret") && !text.contains("tok-secret"));
    let all_missing = Config::from_lookup(|_| None).unwrap_err();
    assert_eq!(all_missing.missing.len(), 6);
}

#[test]
fn values_are_normalised_or_refused() {
    let mut vars = full();
    vars.insert("ZENDESK_DOMAIN", "https://Acme.zendesk.com/");
    vars.insert("TWILIO_WHATSAPP_NUMBER", "whatsapp:+14155238886");
    vars.insert("ZENDESK_BASE_URL", "http://127.0.0.1:9000/");
    let c = load(&vars).unwrap();
    assert_eq!(c.zendesk_domain, "acme.zendesk.com");
    assert_eq!(c.zendesk_base_url, "http://127.0.0.1:9000");
    assert_eq!(
        c.reply_sender,
        ReplySender::From("whatsapp:+14155238886".into())
    );

    vars.insert("TWILIO_WHATSAPP_NUMBER", "MG0123");
    assert_eq!(
        load(&vars).unwrap().reply_sender,
        ReplySender::MessagingService("MG0123".into())
    );

    for (name, bad) in [
        ("TWILIO_WHATSAPP_NUMBER", "call me"),
        ("TWILIO_ACCOUNT_SID", "XX1"),
        ("UPSTREAM_TIMEOUT_MS", "forever"),
        ("UPSTREAM_TIMEOUT_MS", "60001"),
        ("RETRY_WINDOW_HOURS", "0"),
        ("FOLLOWUP_ACK", "maybe"),
        ("TYPING_INDICATOR", "sometimes"),
        ("REQUESTER_IDENTITY", "phone"),
        ("TWILIO_MESSAGING_BASE_URL", "messaging.twilio.com"),
        ("ADMIN_TOKEN", "short"),
        ("TWILIO_CONTENT_SID", "abc"),
        ("ZENDESK_EMAIL", "nobody"),
        ("ZENDESK_DOMAIN", "acme zendesk"),
        ("MEDIA_MAX_BYTES", "52428801"),
        ("TWILIO_ACCOUNT_SID", "AC123"),
    ] {
        assert_only_invalid(name, bad);
    }
    let mut v = full();
    let defaults = load(&v).unwrap();
    assert_eq!(defaults.requester_identity, RequesterIdentity::Email);
    assert!(
        !defaults.typing_indicator,
        "off unless asked for: it marks messages read"
    );
    assert_eq!(
        defaults.twilio_messaging_base_url,
        "https://messaging.twilio.com"
    );
    v.insert("REQUESTER_IDENTITY", "whatsapp");
    v.insert("TYPING_INDICATOR", "on");
    let set = load(&v).unwrap();
    assert_eq!(set.requester_identity, RequesterIdentity::Whatsapp);
    assert!(set.typing_indicator);
    v.insert("MEDIA_MAX_BYTES", "52428800");
    assert_eq!(load(&v).unwrap().media_max_bytes, 50 * 1024 * 1024);
}

/// With `name` set to `bad`, loading fails naming that variable alone, never its value.
fn assert_only_invalid(name: &'static str, bad: &'static str) {
    let mut v = full();
    v.insert(name, bad);
    let err = load(&v).unwrap_err();
    assert_eq!(
        err.invalid
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        vec![name],
        "{name}={bad}"
    );
    assert!(
        !err.to_string().contains(bad),
        "{name}: the value is echoed"
    );
}

#[test]
fn media_types_match_patterns() {
    let c = load(&full()).unwrap();
    assert!(c.media_type_allowed("image/jpeg"));
    assert!(c.media_type_allowed("application/pdf"));
    assert!(c.media_type_allowed("audio/ogg; codecs=opus"));
    assert!(c.media_type_allowed(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ));
    assert!(!c.media_type_allowed("application/x-msdownload"));
    assert!(!c.media_type_allowed("application/zip"));
    assert_eq!(c.media_max_bytes, 16 * 1024 * 1024);
}

#[test]
fn triage_rules_and_texts_are_configurable() {
    let mut v = full();
    v.insert("TRIAGE_MIN_LENGTH", "3");
    v.insert("TRIAGE_ISSUE_KEYWORDS", "refund, late delivery ,  ");
    v.insert("REPLY_TICKET_CREATED", "Case {ticket_id} opened.");
    let c = load(&v).unwrap();
    let en = c.languages.default_language();
    assert_eq!(en.triage.min_length, 3);
    assert_eq!(en.triage.issue_keywords, vec!["refund", "late delivery"]);
    assert_eq!(
        en.triage.urgent_keywords,
        crate::core::triage::TriageRules::default().urgent_keywords
    );
    assert_eq!(
        crate::core::twilio::ReplyTexts::fill(&en.texts.ticket_created, 9, "s"),
        "Case 9 opened."
    );
    for (name, bad) in [
        ("REPLY_TICKET_CREATED", "Thanks!"),
        ("TRIAGE_ISSUE_KEYWORDS", " , ,"),
        ("TRIAGE_MIN_LENGTH", "-1"),
        ("REPLY_COMMENT_ADDED", "no id"),
        ("TRIAGE_MODE", "fancy"),
    ] {
        assert_only_invalid(name, bad);
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let c = load(&full()).unwrap();
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("tok-secret") && !dbg.contains("zd-secret"));
    assert_eq!(c.secrets(), vec!["tok-secret", "zd-secret"]);
}
