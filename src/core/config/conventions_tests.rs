use super::*;
use crate::core::config::for_tests;

fn lookup_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    |n| {
        vars.iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    }
}

const REQUIRED: &[(&str, &str)] = &[
    ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
    ("TWILIO_AUTH_TOKEN", "tok"),
    ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
    ("ZENDESK_DOMAIN", "acme.zendesk.com"),
    ("ZENDESK_EMAIL", "ops@acme.com"),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut vars = REQUIRED.to_vec();
    vars.extend_from_slice(extra);
    vars
}

fn invalid_names(vars: &[(&str, &str)]) -> Vec<String> {
    match Config::from_lookup(lookup_of(vars)) {
        Ok(_) => Vec::new(),
        Err(e) => e.invalid.into_iter().map(|(n, _)| n).collect(),
    }
}

#[test]
fn every_boolean_takes_the_same_words() {
    for word in ["true", "1", "yes", "on", "TRUE", " On "] {
        assert_eq!(parse_bool(word), Some(true), "{word}");
    }
    for word in ["false", "0", "no", "off", "False"] {
        assert_eq!(parse_bool(word), Some(false), "{word}");
    }
    for word in ["2", "enabled", "y"] {
        assert_eq!(parse_bool(word), None, "{word}");
    }
    assert!(for_tests(&[("FOLLOWUP_ACK", "yes")]).followup_ack);
    assert!(!for_tests(&[("FOLLOWUP_ACK", "off")]).followup_ack);
}

#[test]
fn the_logging_settings_are_validated_and_named_without_their_values() {
    let vars = with(&[
        ("ZENDESK_API_KEY", "key"),
        ("USAGE_LOG", "sometimes"),
        ("LOG_FORMAT", "xml"),
        ("REFUSAL_LOG_WINDOW_SECS", "0"),
        ("FOLLOWUP_ACK", "maybe"),
    ]);
    let err = Config::from_lookup(lookup_of(&vars)).unwrap_err();
    let names: Vec<&str> = err.invalid.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "FOLLOWUP_ACK",
            "USAGE_LOG",
            "LOG_FORMAT",
            "REFUSAL_LOG_WINDOW_SECS"
        ]
    );
    let text = err.to_string();
    for value in ["sometimes", "xml", "maybe"] {
        assert!(!text.contains(value), "{value} echoed in {text}");
    }
    // the values the sandbox, the tests and the bench use stay valid
    let ok = with(&[
        ("ZENDESK_API_KEY", "key"),
        ("USAGE_LOG", "1"),
        ("LOG_FORMAT", "json"),
        ("REFUSAL_LOG_WINDOW_SECS", "2"),
    ]);
    assert!(invalid_names(&ok).is_empty());
    assert_eq!(parse_log_format("JSON"), Some(LogFormat::Json));
    assert_eq!(parse_log_format("object"), Some(LogFormat::Object));
}

#[test]
fn zendesk_api_token_is_an_alias_of_the_api_key() {
    let vars = with(&[("ZENDESK_API_TOKEN", "zd-token")]);
    let config = Config::from_lookup(lookup_of(&vars)).unwrap();
    assert_eq!(config.zendesk_api_key, "zd-token");
    // the same value twice is fine; two different ones are refused, naming the alias only
    let same = with(&[("ZENDESK_API_TOKEN", "zd"), ("ZENDESK_API_KEY", "zd")]);
    assert!(Config::from_lookup(lookup_of(&same)).is_ok());
    let differ = with(&[("ZENDESK_API_TOKEN", "one"), ("ZENDESK_API_KEY", "two")]);
    assert_eq!(invalid_names(&differ), ["ZENDESK_API_TOKEN"]);
    // neither: the missing variable keeps its documented name
    let err = Config::from_lookup(lookup_of(REQUIRED)).unwrap_err();
    assert_eq!(err.missing, ["ZENDESK_API_KEY"]);
}

#[test]
fn features_off_name_the_variable_that_turns_them_on() {
    let bare = for_tests(&[]);
    let off: Vec<&str> = bare.features_off().iter().map(|f| f.feature).collect();
    assert_eq!(
        off,
        [
            "admin",
            "agent_replies",
            "agent_reply_template",
            "alerts",
            "public_base_url"
        ]
    );
    assert!(bare.features_off()[0].why.starts_with("ADMIN_TOKEN"));
    let full = for_tests(&[
        ("ADMIN_TOKEN", "0123456789abcdef0123"),
        ("ZENDESK_WEBHOOK_SECRET", "whsec"),
        (
            "TWILIO_AGENT_REPLY_CONTENT_SID",
            "HX0123456789abcdef0123456789abcdef",
        ),
        ("PUBLIC_BASE_URL", "https://support.acme.com"),
        (
            "ALERT_WEBHOOK_URL",
            "https://hooks.slack.com/services/T0/B0/x",
        ),
    ]);
    assert!(full.features_off().is_empty(), "{:?}", full.features_off());
}

#[test]
fn bindings_with_the_projects_prefixes_that_nothing_reads_are_named() {
    let vars = with(&[
        ("ZENDESK_API_KEY", "key"),
        ("FOLLOW_UP_ACK", "true"),
        ("ZENDESK_DOMIAN", "x"),
        ("FOLLOWUP_ACK", "true"),
        ("LOG_FORMAT", "json"),
    ]);
    let (config, read) = from_lookup_recording(lookup_of(&vars));
    assert!(config.is_ok());
    let bindings = vars.iter().map(|(k, _)| *k).chain([
        "CONVERSATIONS",
        "METRICS",
        "ASSETS",
        "ZENDESK_API_TOKEN",
    ]);
    // Durable Object bindings are not settings; the alias is read even when unset
    assert_eq!(
        unread_settings(bindings, &read),
        ["FOLLOW_UP_ACK", "ZENDESK_DOMIAN"]
    );
}

#[test]
fn an_invalid_configuration_still_reads_every_setting() {
    // the secrets are only used once the configuration is valid, but must count as read
    let vars = [
        ("TWILIO_AUTH_TOKEN", "tok"),
        ("TWILIO_WEBHOOK_SECRET", "s1"),
        ("ZENDESK_WEBHOOK_SECRET", "s2"),
        ("ADMIN_TOKEN", "0123456789abcdef0123"),
    ];
    let (config, read) = from_lookup_recording(lookup_of(&vars));
    assert!(config.is_err());
    assert!(unread_settings(vars.iter().map(|(k, _)| *k), &read).is_empty());
}

#[test]
fn a_language_not_enabled_does_not_read_its_variables() {
    let vars = with(&[
        ("ZENDESK_API_KEY", "key"),
        ("LANGUAGES", "en,es"),
        ("REPLY_MORE_DETAILS_ES", "Más detalles, por favor."),
        ("REPLY_MORE_DETAILS_FR", "Plus de détails."),
    ]);
    let (config, read) = from_lookup_recording(lookup_of(&vars));
    assert!(config.is_ok(), "{:?}", config.err());
    let bindings = vars.iter().map(|(k, _)| *k);
    assert_eq!(unread_settings(bindings, &read), ["REPLY_MORE_DETAILS_FR"]);
}

fn owned(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_deploy_preflight_applies_the_workers_rules_to_both_files() {
    let vars = owned(&[
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
    ]);
    let secrets = owned(&[("TWILIO_AUTH_TOKEN", "tok"), ("ZENDESK_API_TOKEN", "zd")]);
    let ok = preflight(&vars, &secrets);
    assert!(ok.ready(), "{ok:?}");

    // a missing secret is named; a secret among the plain variables is refused; a typo is shown
    let mut bad_vars = vars.clone();
    bad_vars.push(("ADMIN_TOKEN".into(), "0123456789abcdef0123".into()));
    bad_vars.push(("FOLLOW_UP_ACK".into(), "true".into()));
    let report = preflight(&bad_vars, &owned(&[("ZENDESK_API_KEY", "zd")]));
    assert!(!report.ready());
    assert_eq!(report.error.unwrap().missing, ["TWILIO_AUTH_TOKEN"]);
    assert_eq!(report.secrets_as_vars, ["ADMIN_TOKEN"]);
    assert_eq!(report.unread, ["FOLLOW_UP_ACK"]);
}

#[test]
fn a_bare_zendesk_subdomain_means_zendesk_com() {
    let config = for_tests(&[("ZENDESK_DOMAIN", "Acme")]);
    assert_eq!(config.zendesk_domain, "acme.zendesk.com");
    assert_eq!(config.zendesk_base_url, "https://acme.zendesk.com");
    assert_eq!(
        for_tests(&[("ZENDESK_DOMAIN", "support.acme.com")]).zendesk_domain,
        "support.acme.com"
    );
}
