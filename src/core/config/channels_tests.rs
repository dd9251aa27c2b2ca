use super::*;
use crate::core::config::for_tests;

const TWO_BRANDS: &str = r#"{
  "acme-es": {
    "name": "Acme España",
    "sender": "whatsapp:+34910000000",
    "brand_id": 360001, "group_id": "360002", "ticket_form_id": 360003,
    "tags": ["acme_es", "Spain"],
    "custom_fields": [{"id": 360005, "value": "{number}"}, {"id": 360006, "value": true}],
    "default_language": "es", "languages": ["es", "en"],
    "requester_email_domain": "es.acme.example",
    "settings": {"REPLY_MORE_DETAILS_ES": "Cuéntanos un poco más, por favor."}
  },
  "support-pool": {
    "sender": "MG0123456789abcdef0123456789abcdef",
    "numbers": ["+4930000001", "whatsapp:+4930000002"],
    "group_id": 77
  }
}"#;

fn with_channels(raw: &str) -> Result<Config, ConfigError> {
    let base = [
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_AUTH_TOKEN", "tok"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_API_KEY", "key"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
        ("CHANNELS", raw),
    ];
    Config::from_lookup(|n| {
        base.iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    })
}

fn invalid_names(err: &ConfigError) -> Vec<&str> {
    err.invalid.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn without_channels_the_variables_are_the_one_default_channel() {
    let c = for_tests(&[]);
    assert_eq!(c.channel, DEFAULT_CHANNEL);
    assert_eq!(c.numbers, ["+14155238886"]);
    assert!(c.channels.is_empty());
    assert_eq!(c.placement, TicketPlacement::default());
    let route = c.route(Some("whatsapp:+14155238886"), None);
    assert_eq!((route.channel, route.known), (DEFAULT_CHANNEL, true));
}

#[test]
fn each_channel_reads_the_settings_with_its_own_on_top() {
    let c = with_channels(TWO_BRANDS).unwrap();
    assert_eq!(c.channels.len(), 2);
    let es = c.for_channel(Some("acme-es"));
    assert_eq!(es.channel, "acme-es");
    assert_eq!(es.channel_name.as_deref(), Some("Acme España"));
    assert_eq!(
        es.reply_sender,
        ReplySender::From("whatsapp:+34910000000".into())
    );
    assert_eq!(es.numbers, ["+34910000000"]);
    assert_eq!(es.placement.brand_id, Some(360001));
    assert_eq!(es.placement.group_id, Some(360002));
    assert_eq!(es.placement.ticket_form_id, Some(360003));
    assert_eq!(es.placement.tags, ["acme_es", "spain"]);
    assert_eq!(es.placement.custom_fields.len(), 2);
    assert_eq!(es.languages.default_language().code, "es");
    assert_eq!(es.requester_email_domain, "es.acme.example");
    assert_eq!(
        es.languages.get(Some("es")).texts.more_details,
        "Cuéntanos un poco más, por favor."
    );
    // The account's settings are the account's.
    assert_eq!(es.zendesk_base_url, c.zendesk_base_url);
    assert_eq!(es.twilio_auth_token, c.twilio_auth_token);
    // The default channel is untouched.
    assert_eq!(c.languages.default_language().code, "en");
    assert_eq!(c.requester_email_domain, "whatsapp.zendesk.com");
    assert_eq!(c.placement, TicketPlacement::default());
    // An unknown channel id (a channel since removed) reads as the default.
    assert_eq!(c.for_channel(Some("gone")).channel, DEFAULT_CHANNEL);
}

#[test]
fn a_message_is_routed_by_the_number_it_was_sent_to_then_by_its_service() {
    let c = with_channels(TWO_BRANDS).unwrap();
    let route = |to: Option<&str>, service: Option<&str>| {
        let r = c.route(to, service);
        (r.channel.to_string(), r.known)
    };
    assert_eq!(
        route(Some("whatsapp:+34910000000"), None),
        ("acme-es".into(), true)
    );
    assert_eq!(
        route(Some("+4930000002"), None),
        ("support-pool".into(), true)
    );
    assert_eq!(
        route(
            Some("+4930000009"),
            Some("MG0123456789abcdef0123456789abcdef")
        ),
        ("support-pool".into(), true)
    );
    assert_eq!(
        route(Some("+14155238886"), None),
        (DEFAULT_CHANNEL.into(), true)
    );
    // Never dropped: a number no channel names goes to the default channel, flagged.
    assert_eq!(
        route(Some("+19999999999"), None),
        (DEFAULT_CHANNEL.into(), false)
    );
    assert_eq!(
        route(
            Some("+19999999999"),
            Some("MG99999999999999999999999999999999")
        ),
        (DEFAULT_CHANNEL.into(), false)
    );
}

#[test]
fn a_reply_goes_out_from_the_number_the_customer_wrote_to() {
    let c = with_channels(TWO_BRANDS).unwrap();
    let pool = c.for_channel(Some("support-pool"));
    assert_eq!(
        pool.reply_sender
            .replying_from(Some("+4930000002"), &pool.numbers),
        ReplySender::ServiceNumber {
            service: "MG0123456789abcdef0123456789abcdef".into(),
            from: "whatsapp:+4930000002".into()
        }
    );
    // A number the pool does not list is left to the service.
    assert_eq!(
        pool.reply_sender
            .replying_from(Some("+4930000009"), &pool.numbers),
        pool.reply_sender
    );
    // A plain sender replies from the number written to (an unknown one included: Twilio only
    // calls the webhook for the account's own numbers).
    assert_eq!(
        c.reply_sender
            .replying_from(Some("+19999999999"), &c.numbers),
        ReplySender::From("whatsapp:+19999999999".into())
    );
    assert_eq!(
        c.reply_sender.replying_from(None, &c.numbers),
        c.reply_sender
    );
}

#[test]
fn the_default_channel_can_be_given_a_brand_and_more_numbers() {
    let c = with_channels(
        r#"{"default": {"brand_id": 5, "numbers": ["+14155230000"], "tags": "main"}}"#,
    )
    .unwrap();
    assert_eq!(c.placement.brand_id, Some(5));
    assert_eq!(c.placement.tags, ["main"]);
    assert_eq!(c.numbers, ["+14155230000", "+14155238886"]);
    assert!(c.channels.is_empty());
    assert_eq!(c.route(Some("+14155230000"), None).channel, DEFAULT_CHANNEL);
}

#[test]
fn a_bad_channel_is_named_by_channel_and_field_never_by_value() {
    let err = with_channels(
        r#"{
      "Bad Id": {"sender": "+1555"},
      "no-sender": {"brand_id": 1},
      "es": {"sender": "+34910000000", "brand_id": -3, "colour": "crimson-value",
             "custom_fields": [{"id": 1}],
             "settings": {"ZENDESK_API_KEY": "s3cret-value", "REPLY_TICKET_CREATD": "x"},
             "default_language": "xx"},
      "again": {"sender": "+34910000000"},
      "default": {"sender": "+14155238886"}
    }"#,
    )
    .unwrap_err();
    let names = invalid_names(&err);
    for expected in [
        "CHANNELS.Bad Id",
        "CHANNELS.no-sender.sender",
        "CHANNELS.es.brand_id",
        "CHANNELS.es.colour",
        "CHANNELS.es.custom_fields",
        "CHANNELS.es.settings.ZENDESK_API_KEY",
        "CHANNELS.es.settings.REPLY_TICKET_CREATD",
        "CHANNELS.es.DEFAULT_LANGUAGE",
        "CHANNELS.default.sender",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    // One of the two channels that claim the same number (whichever is read second).
    assert!(
        names.contains(&"CHANNELS.again.numbers") || names.contains(&"CHANNELS.es.numbers"),
        "{names:?}"
    );
    let text = err.to_string();
    assert!(!text.contains("s3cret-value"), "{text}");
    assert!(!text.contains("crimson-value"), "{text}");
}

#[test]
fn channels_must_be_a_json_object() {
    for raw in ["[1,2]", "not json", "\"x\""] {
        let err = with_channels(raw).unwrap_err();
        assert_eq!(invalid_names(&err), ["CHANNELS"], "{raw}");
    }
}
