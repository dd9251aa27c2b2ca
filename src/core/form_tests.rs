//! Tests of the Twilio form reading (`form.rs`).

use super::*;

const SID: &str = "SM0123456789abcdef0123456789abcdef";
const ACC: &str = "AC00000000000000000000000000000001";

fn params(body: &str) -> FormParams {
    parse_params(body.as_bytes()).unwrap()
}

#[test]
fn parses_a_typical_twilio_webhook() {
    let p = params("SmsMessageSid=SM0123456789abcdef0123456789abcdef&NumMedia=0&ProfileName=Ana&MessageType=text&WaId=15550001234&Body=I+can%E2%80%99t+log+in&To=whatsapp%3A%2B14155238886&From=whatsapp%3A%2B15550001234&MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01");
    let m = InboundMessage::from_params(&p).unwrap();
    assert_eq!(m.message_sid, "SM0123456789abcdef0123456789abcdef");
    assert_eq!(m.from, Sender::Phone("+15550001234".into()));
    assert_eq!(m.body, "I can’t log in");
    assert_eq!(m.num_media, 0);
}

#[test]
fn accepts_a_business_scoped_user_id() {
    let p = params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3AUS.13491208655302741918&Body=hello");
    let m = InboundMessage::from_params(&p).unwrap();
    assert_eq!(m.from, Sender::ScopedId("US.13491208655302741918".into()));
    assert_eq!(
        m.from.whatsapp_address(),
        "whatsapp:US.13491208655302741918"
    );
}

#[test]
fn missing_fields_are_named() {
    assert_eq!(
        InboundMessage::from_params(&params("From=whatsapp%3A%2B15550001234&Body=x")),
        Err(FormError::Missing("MessageSid"))
    );
    assert_eq!(
        InboundMessage::from_params(&params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&Body=x")),
        Err(FormError::Missing("From"))
    );
    assert_eq!(
        InboundMessage::from_params(&params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=")),
        Err(FormError::Missing("From"))
    );
}

#[test]
fn a_missing_body_is_an_empty_message() {
    let m = InboundMessage::from_params(&params(
        "MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=1&MediaUrl0=https%3A%2F%2Fx%2Fm&MediaContentType0=image%2Fpng",
    ))
    .unwrap();
    assert_eq!(m.body, "");
    assert_eq!(m.num_media, 1);
}

#[test]
fn invalid_values_are_refused() {
    let cases: Vec<String> = vec![
        "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B12ab".to_string(),
        "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%3Cscript%3E".to_string(),
        "MessageSid=SM%20x&From=whatsapp%3A%2B15550001234".to_string(),
        // A parameter folded into an identifier (the signature cannot tell).
        format!("MessageSid={SID}MessageTypetext&AccountSid={ACC}&From=whatsapp%3A%2B15550001234"),
        format!("MessageSid={}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", SID.to_uppercase()),
        format!("MessageSid=SM{}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", &SID[3..]),
        format!("MessageSid=XX{}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234", &SID[2..]),
        format!("MessageSid={SID}&AccountSid={ACC}ApiVersion2010-04-01&From=whatsapp%3A%2B15550001234"),
        format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.1234LabelHome"),
        format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.12.34"),
        format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3Aus.1234"),
        format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&To=whatsapp%3A%2B14155238886WaId15550001234"),
        "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=-1".to_string(),
    ];
    for body in &cases {
        assert!(
            matches!(
                InboundMessage::from_params(&params(body)),
                Err(FormError::Invalid { .. }) | Err(FormError::Missing(_))
            ),
            "{body}"
        );
    }
}

#[test]
fn twilio_identifiers_have_their_exact_shape() {
    assert!(is_message_sid(SID) && is_message_sid(&SID.replacen("SM", "MM", 1)));
    assert!(!is_message_sid(&format!("{SID}0")) && !is_message_sid(&SID[..33]));
    assert!(is_account_sid(ACC) && is_account_sid(&format!("AC{}", ACC[2..].to_uppercase())));
    assert!(!is_account_sid("AC1") && !is_account_sid(&format!("{ACC}ApiVersion")));
    let parent = params(&format!(
        "MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3AUS.ENT.11815799212886844830"
    ));
    assert_eq!(
        InboundMessage::from_params(&parent).unwrap().from,
        Sender::ScopedId("US.ENT.11815799212886844830".into())
    );
    let no_account = params(&format!("MessageSid={SID}&From=whatsapp%3A%2B15550001234"));
    assert_eq!(
        InboundMessage::from_params(&no_account),
        Err(FormError::Missing("AccountSid"))
    );
}

#[test]
fn text_moved_out_of_body_into_new_parameters_is_refused() {
    // A captured webhook whose Body ended in "From" + another number, re-split: the same
    // signing string, another sender. Each shape the leftover can take is refused.
    let base = format!("MessageSid={SID}&AccountSid={ACC}&Body=hi+");
    for forged in [
        "&From=whatsapp%3A%2B15559990000&Fromwhatsapp%3A=%2B15550001234&WaId=15550001234",
        "&From=whatsapp%3A%2B15559990000&Fromwhatsapp=%3A%2B15550001234&WaId=15550001234",
        "&From=whatsapp%3A%2B15559990000&From=whatsapp%3A%2B15550001234&WaId=15550001234",
        "&From=whatsapp%3A%2B15559990000&Label=xFromwhatsapp%3A%2B15550001234&WaId=15550001234",
        "&From=%2B15559990000&WaId=15559990000",
    ] {
        let m = InboundMessage::from_params(&params(&format!("{base}{forged}")));
        assert!(
            matches!(m, Err(FormError::Invalid { .. })),
            "{forged}: {m:?}"
        );
    }
    let fine = format!("{base}&From=whatsapp%3A%2B15550001234&WaId=15550001234&FromCountry=US");
    assert!(InboundMessage::from_params(&params(&fine)).is_ok());
}

#[test]
fn files_past_the_limit_are_kept_to_be_listed() {
    let mut body =
        format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&NumMedia=12");
    for i in 0..12 {
        body.push_str(&format!(
            "&MediaUrl{i}=https%3A%2F%2Fapi.twilio.com%2Fm{i}&MediaContentType{i}=image%2Fjpeg"
        ));
    }
    let m = InboundMessage::from_params(&params(&body)).unwrap();
    assert_eq!((m.media.len(), m.extra_media.len()), (10, 2));
    assert_eq!(m.extra_media[1].url, "https://api.twilio.com/m11");
    // NumMedia larger than the files present: the ones present past 10 are listed.
    let lying = body.replace("NumMedia=12", "NumMedia=4000000000");
    assert_eq!(
        InboundMessage::from_params(&params(&lying))
            .unwrap()
            .extra_media
            .len(),
        2
    );
}

#[test]
fn media_and_locations_are_read() {
    let p = params("MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm1&MediaContentType1=application%2Fpdf&Body=");
    let m = InboundMessage::from_params(&p).unwrap();
    assert_eq!(m.media.len(), 2);
    assert_eq!(
        m.media[1],
        MediaRef {
            url: "https://api.twilio.com/m1".into(),
            content_type: "application/pdf".into()
        }
    );
    let missing = params("MessageSid=MM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&NumMedia=1");
    assert_eq!(
        InboundMessage::from_params(&missing),
        Err(FormError::Missing("MediaUrl{N}"))
    );
    let loc = params("MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude=52.52&Longitude=13.405&Address=Alexanderplatz&Label=Office&Body=");
    let m = InboundMessage::from_params(&loc).unwrap();
    assert_eq!(
        m.location.unwrap().describe(),
        "Location shared: Office, Alexanderplatz (52.52, 13.405) https://www.google.com/maps?q=52.52,13.405"
    );
}

#[test]
fn odd_coordinates_are_not_a_location() {
    for (lat, lng) in [
        ("NaN", "1"),
        ("1e999", "2"),
        ("12", "abc"),
        ("", "3"),
        ("1234.5", "3"),
    ] {
        let body = format!(
            "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude={lat}&Longitude={lng}"
        );
        let m = InboundMessage::from_params(&params(&body)).unwrap();
        assert_eq!(m.location, None, "{lat},{lng}");
    }
    let ok = InboundMessage::from_params(&params(
        "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC00000000000000000000000000000001&From=whatsapp%3A%2B15550001234&Latitude=-33.8688&Longitude=151",
    ))
    .unwrap();
    assert_eq!(ok.location.unwrap().longitude, "151");
}

#[test]
fn control_characters_never_reach_the_message() {
    let p = params(&format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234&Body=I+need%00+help%1B%5B2J%0D%0Anow%C2%85%7F%09ok&ProfileName=%00An%07a&Latitude=1.5&Longitude=2&Address=Main%00St&Label=%1B%00"));
    let m = InboundMessage::from_params(&p).unwrap();
    assert_eq!(m.body, "I need help[2J\nnow\tok");
    let location = m.location.unwrap();
    assert_eq!(location.address.as_deref(), Some("MainSt"));
    assert_eq!(location.label, None, "nothing left of the label");
}

#[test]
fn invalid_utf8_is_malformed() {
    assert!(matches!(
        parse_params(b"Body=%FF%FE"),
        Err(FormError::Malformed(_))
    ));
}

#[test]
fn decoding_follows_form_rules() {
    assert_eq!(
        parse_params(b"a=1+2%2B3&b&=x&c=%zz%4").unwrap(),
        vec![
            ("a".into(), "1 2+3".into()),
            ("b".into(), "".into()),
            ("".into(), "x".into()),
            ("c".into(), "%zz%4".into())
        ]
    );
    assert_eq!(parse_params(b"").unwrap(), vec![]);
    assert_eq!(parse_params(b"e=%F0%9F%91%8D").unwrap()[0].1, "👍");
}

#[test]
fn unknown_and_repeated_parameters_are_kept_for_the_signature() {
    let p = params("B=2&A=1&B=1&Zz=");
    assert_eq!(p.len(), 4);
}

#[test]
fn the_content_kind_follows_messagetype_and_what_the_message_carries() {
    let base = format!("MessageSid={SID}&AccountSid={ACC}&From=whatsapp%3A%2B15550001234");
    let kind = |extra: &str| {
        InboundMessage::from_params(&params(&format!("{base}&{extra}")))
            .unwrap()
            .kind
    };
    assert_eq!(
        kind("MessageType=button&Body=Talk+to+an+agent&ButtonPayload=agent"),
        MessageKind::ButtonReply {
            payload: Some("agent".into())
        }
    );
    assert_eq!(
        kind("MessageType=image&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fx&MediaContentType0=image%2Fjpeg"),
        MessageKind::Media
    );
    assert_eq!(kind("Latitude=1.5&Longitude=2.25"), MessageKind::Location);
    assert_eq!(kind("MessageType=text&Body=hi"), MessageKind::Text);
    assert_eq!(kind("Body=hi"), MessageKind::Text);
    assert_eq!(
        kind("MessageType=order"),
        MessageKind::Other {
            message_type: "order".into()
        }
    );
    assert_eq!(
        kind("MessageType=Te%20xt"),
        MessageKind::Text,
        "not a Twilio type name"
    );
}
