//! The stored form's own tests, at the level of the stored types. Loading stored
//! conversations into the machine and carrying on with them: `conversation::tests::stored`.

use super::*;
use crate::core::form::Sender;

/// A conversation as commit 0df866a stored it: a ticket made and confirmed, an agent's reply
/// waiting to be read, and a follow-up with a photo not yet handled.
pub(crate) const STORED_BY_0DF866A: &str =
    include_str!("fixtures/conversation_stored_by_0df866a.json");

fn decode(text: &str) -> Result<(v7::Conversation, bool), Unreadable> {
    decode_reporting(text).map(|d| (d.conversation, d.migrated))
}

/// The pinned text: line 1 the conversation with every field (`every_field`), line 2 every
/// call it may have in flight. Regenerate (after bumping `VERSION` and writing the migration
/// of the previous version) with `PIN_STORED_FORM=1 cargo test the_stored_shape_is_pinned`.
const PINNED: &str = include_str!("fixtures/v7_every_field.jsonl");
/// What v6 gateways wrote (`every_field_v6`).
const PINNED_V6: &str = include_str!("fixtures/v6_every_field.jsonl");
/// What v5 gateways wrote (the same conversation without what v6 adds).
const PINNED_V5: &str = include_str!("fixtures/v5_every_field.jsonl");

/// The 0df866a conversation as a `v`-versioned envelope of v6's types (what gateways of
/// versions 2 to 6 wrote of it).
fn stored_by_0df866a_as(v: u64) -> Value {
    let bare: v5::Conversation = serde_json::from_str(STORED_BY_0DF866A).unwrap();
    serde_json::json!({"v": v, "conversation": older::upgrade(1, bare)})
}

#[test]
fn the_stored_shape_is_pinned() {
    let conversation = every_field::every_field();
    let calls = every_field::every_call();
    let text = format!(
        "{}\n{}\n",
        encode(&conversation).unwrap(),
        serde_json::to_string(&calls).unwrap()
    );
    if std::env::var_os("PIN_STORED_FORM").is_some() {
        std::fs::write("src/core/stored/fixtures/v7_every_field.jsonl", &text).unwrap();
    }
    // A stored field added, renamed, dropped or written differently fails here: it needs a new
    // version (the pinned text is what v7 gateways write and read).
    assert_eq!(text, PINNED, "the stored form changed: bump VERSION");
    // And it reads back as it was written.
    let mut lines = PINNED.lines();
    let (read, migrated) = decode(lines.next().unwrap()).unwrap();
    assert_eq!((read, migrated), (conversation, false));
    let read: Vec<v7::InFlight> = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(read, calls);
}

/// Every optional field of the pinned conversation is set (nothing null, no list or map
/// empty, no flag written only when true left false), and every variant of every tagged enum
/// is there: else a field or variant could change unseen.
#[test]
fn what_v6_gateways_wrote_reads_as_v7() {
    let (read, migrated) = decode(PINNED_V6.lines().next().unwrap()).unwrap();
    assert!(migrated, "a v6 value is stored again as v7");
    let expected = every_field_v6::every_field().map_messages(older::v6_message_to_v7);
    assert_eq!(read, expected);
    // v6's pinned messages each carry text, files and a location, whatever their label: no
    // v7 kind but `other` holds all three, so each is kept whole as `other`.
    let m = &read.messages[0];
    assert_eq!(
        m.content,
        v7::Content::Other {
            message_type: "text".into(),
            text: "message 1\n\nLocation shared: Shop (52.52, 13.40)".into(),
            files: every_field_v6::every_field().messages[0].media.clone(),
            payload: None,
        }
    );
}

#[test]
fn what_v5_gateways_wrote_reads_as_v7() {
    let mut lines = PINNED_V5.lines();
    let (read, migrated) = decode(lines.next().unwrap()).unwrap();
    assert!(migrated, "a v5 value is stored again as v7");
    let mut expected = every_field_v6::every_field().map_messages(older::v6_message_to_v7);
    expected.recent_sent.clear();
    expected.archive_oldest_ms = None;
    assert_eq!(read, expected);
}

/// Each kind of v6 message, as v6 wrote it, becomes its v7 kind with its data: the text, the
/// files with their caption, the place read back from its text, the button's text and payload.
#[test]
fn a_v6_message_becomes_its_kind_with_its_data() {
    let v6 = |label: serde_json::Value, extra: serde_json::Value| -> v7::Content {
        let mut m = serde_json::json!({
            "sid": "SM1", "received_ms": 1, "body": "hi there", "body_chars": 8,
            "ticket": {"state": "pending"}, "reply": {"state": "waiting"}, "content": label,
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        let m: v5::Message = serde_json::from_value(m).unwrap();
        older::v6_message_to_v7(m).content
    };
    let photo = serde_json::json!([{"url": "https://api.twilio.com/m/ME1",
        "content_type": "image/jpeg", "state": {"state": "pending"}}]);
    let files: Vec<v7::MediaItem> = serde_json::from_value(photo.clone()).unwrap();
    assert_eq!(
        v6(serde_json::json!({"kind": "text"}), serde_json::json!({})),
        v7::Content::Text {
            text: "hi there".into()
        }
    );
    assert_eq!(
        v6(
            serde_json::json!({"kind": "media"}),
            serde_json::json!({"media": photo})
        ),
        v7::Content::Media {
            caption: "hi there".into(),
            files: files.clone()
        }
    );
    assert_eq!(
        v6(
            serde_json::json!({"kind": "contact"}),
            serde_json::json!({"media": photo})
        ),
        v7::Content::Contact {
            cards: files,
            text: "hi there".into()
        }
    );
    let place = "Location shared: Café (Berlin), Mitte (52.520008, -13.404954) \
                 https://www.google.com/maps?q=52.520008,-13.404954";
    let read = v6(
        serde_json::json!({"kind": "location"}),
        serde_json::json!({"location": place, "body": ""}),
    );
    let v7::Content::Location {
        place: Some(p),
        text,
    } = &read
    else {
        panic!("{read:?}")
    };
    assert_eq!(
        (p.latitude.as_str(), p.longitude.as_str(), text.as_str()),
        ("52.520008", "-13.404954", "")
    );
    assert_eq!(p.label.as_deref(), Some("Café (Berlin), Mitte"));
    let agents_read = crate::core::form::Location {
        latitude: p.latitude.clone(),
        longitude: p.longitude.clone(),
        address: p.address.clone(),
        label: p.label.clone(),
    }
    .describe();
    assert_eq!(
        agents_read, place,
        "the agents read the same text as before"
    );
    // A location text v6 did not write is kept as text, not dropped.
    assert_eq!(
        v6(
            serde_json::json!({"kind": "location"}),
            serde_json::json!({"location": "somewhere"})
        ),
        v7::Content::Location {
            place: None,
            text: "hi there\n\nsomewhere".into()
        }
    );
    assert_eq!(
        v6(
            serde_json::json!({"kind": "button_reply", "payload": "yes"}),
            serde_json::json!({})
        ),
        v7::Content::ButtonReply {
            text: "hi there".into(),
            payload: Some("yes".into())
        }
    );
    assert_eq!(
        v6(
            serde_json::json!({"kind": "reaction"}),
            serde_json::json!({})
        ),
        v7::Content::Reaction {
            emoji: "hi there".into()
        }
    );
}

#[test]
fn a_v2_conversation_gets_each_messages_content_from_what_it_carries() {
    let mut v2 = stored_by_0df866a_as(2);
    for m in v2["conversation"]["messages"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("content");
    }
    let (migrated, was_migrated) = decode(&v2.to_string()).unwrap();
    assert!(was_migrated);
    let kinds: Vec<Value> = (migrated.messages.iter())
        .map(|m| serde_json::to_value(&m.content).unwrap()["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        ["media", "text"],
        "the photo follow-up, then the first message"
    );
}

#[test]
fn a_v3_conversation_loads_without_languages_and_is_stored_in_the_current_form() {
    let (loaded, was_migrated) = decode(&stored_by_0df866a_as(3).to_string()).unwrap();
    assert!(was_migrated, "stored again in the current form");
    assert_eq!(loaded.language, None);
    assert!(loaded.messages.iter().all(|m| m.language.is_none()));
    assert!(encode(&loaded).unwrap().starts_with("{\"v\":7,"));
}

#[test]
fn a_v4_conversation_reads_as_it_is() {
    let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
    let (loaded, was_migrated) = decode(&stored_by_0df866a_as(4).to_string()).unwrap();
    assert!(was_migrated, "stored again in the current form");
    assert_eq!(loaded, conv);
}

#[test]
fn an_unreadable_value_says_why_without_its_content() {
    let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
    let mut bad: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
    bad["conversation"]["messages"][0]["body_chars"] = "my secret order 4711".into();
    let why = decode(&bad.to_string()).unwrap_err();
    assert_eq!(why, Unreadable::BadFields);
    assert!(!why.to_string().contains("secret"), "{why}");
    let text = encode(&conv).unwrap();
    assert_eq!(
        decode(&text[..text.len() / 2]).unwrap_err(),
        Unreadable::NotJson
    );
}

#[test]
fn salvage_reads_the_customer_and_message_sids_leniently() {
    let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
    let text = encode(&conv).unwrap();
    let customer = Some(Sender::Phone("+15550001234".into()));
    let both = vec![
        "MM0123456789abcdef0123456789abcdef".to_string(),
        // SM1 is not a Twilio SID; the reply's SM000... is not a message of the customer.
    ];
    // Whole JSON, but not readable with this version's types (a newer version's whose
    // fields changed): what its messages say, and the pending follow-up whole.
    let mut newer: Value = serde_json::from_str(&text).unwrap();
    newer["v"] = 99.into();
    newer["conversation"]["checks"] = "a form this version does not know".into();
    let newer = newer.to_string();
    assert_eq!(decode(&newer).unwrap_err(), Unreadable::NewerVersion(99));
    let got = salvage(&newer);
    assert_eq!((&got.customer, &got.sids), (&customer, &both));
    let pending: Vec<&str> = got.pending.iter().map(|m| m.sid.as_str()).collect();
    assert_eq!(pending, [both[0].as_str()], "the follow-up, still to do");
    assert!(
        matches!(&got.pending[0].content, v7::Content::Media { files, .. } if files.len() == 1),
        "with its photo"
    );
    assert_eq!(got.tickets.iter().map(|t| t.id).collect::<Vec<_>>(), [1000]);
    assert_eq!(got.open_ticket.as_ref().map(|t| t.id), Some(1000));
    // Cut short (not JSON any more): read from the text.
    let cut = &text[..text.find("\"in_flight\"").unwrap()];
    assert_eq!(
        salvage(cut),
        Salvage {
            customer: customer.clone(),
            sids: both,
            ..Salvage::default()
        }
    );
    // Cut before anything useful, or garbage: nothing, and no panic.
    assert_eq!(salvage(&text[..12]), Salvage::default());
    assert_eq!(salvage("\u{0}\"sid\":{\"customer\":"), Salvage::default());
    assert_eq!(salvage(""), Salvage::default());
}

#[test]
fn a_newer_versions_value_is_read_with_this_versions_types_when_it_can_be() {
    let (conv, _) = decode(STORED_BY_0DF866A).unwrap();
    let mut newer: Value = serde_json::from_str(&encode(&conv).unwrap()).unwrap();
    newer["v"] = 8.into();
    newer["conversation"]["a_field_of_v8"] = serde_json::json!({"x": 1});
    newer["conversation"]["messages"][0]["another"] = true.into();
    newer["conversation"]["messages"][0]["content"]["more"] = true.into();
    let read = decode_reporting(&newer.to_string()).unwrap();
    assert_eq!(read.read_newer, Some(8));
    assert!(read.migrated, "stored again in this version's form");
    assert_eq!(
        read.conversation, conv,
        "nothing this version knows is lost"
    );
}

#[test]
fn unknown_forms_are_refused_not_guessed() {
    assert_eq!(
        decode("{\"v\":9,\"conversation\":{}}").unwrap_err(),
        Unreadable::NewerVersion(9)
    );
    assert!(decode("{\"something\":1}").is_err());
    assert!(decode("not json").is_err());
}

/// Every field and every call survives stored -> domain -> stored unchanged: the conversion
/// drops nothing in either direction (the pin test only covers stored -> text).
#[test]
fn every_field_survives_the_round_trip_through_the_domain() {
    use crate::core::conversation::Conversation as Domain;
    let stored = every_field::every_field();
    let back = v7::Conversation::from(&Domain::from(stored.clone()));
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&stored).unwrap()
    );
    for call in every_field::every_call() {
        let mut with = stored.clone();
        with.in_flight = Some(call);
        let back = v7::Conversation::from(&Domain::from(with.clone()));
        assert_eq!(
            serde_json::to_value(&back.in_flight).unwrap(),
            serde_json::to_value(&with.in_flight).unwrap()
        );
    }
}

#[test]
fn a_v6_location_is_read_from_its_last_map_link_not_from_its_label() {
    // A label the customer's place carried (v6 wrote it into the text).
    let v6: v5::Message = serde_json::from_value(serde_json::json!({
        "sid": "SM0123456789abcdef0123456789abcdef", "received_ms": 1, "body": "",
        "body_chars": 0, "ticket": {"state": "pending"}, "reply": {"state": "waiting"},
        "content": {"kind": "location"},
        "location": "Location shared: Stand (1, 2) https://x.example (52.5, 13.4) https://www.google.com/maps?q=52.5,13.4"
    }))
    .unwrap();
    let m = older::v6_message_to_v7(v6);
    eprintln!("{:?}", m.content);
    match m.content {
        v7::Content::Location { place: Some(p), .. } => {
            assert_eq!(
                (p.latitude.as_str(), p.longitude.as_str()),
                ("52.5", "13.4")
            )
        }
        v7::Content::Location { place: None, text } => assert!(text.contains("52.5, 13.4")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_v6_button_reply_carrying_a_file_keeps_its_payload() {
    // v6 labelled the message a button reply; its file makes it `other` in v7.
    let v6: v5::Message = serde_json::from_value(serde_json::json!({
        "sid": "SM0123456789abcdef0123456789abcdef", "received_ms": 1, "body": "Yes",
        "body_chars": 3, "ticket": {"state": "pending"}, "reply": {"state": "waiting"},
        "content": {"kind": "button_reply", "payload": "confirm"},
        "media": [{"url": "https://api.twilio.com/m0", "content_type": "image/jpeg",
                   "state": {"state": "pending"}}]
    }))
    .unwrap();
    match older::v6_message_to_v7(v6).content {
        v7::Content::Other {
            message_type,
            payload,
            files,
            ..
        } => {
            assert_eq!(message_type, "button_reply");
            assert_eq!(payload.as_deref(), Some("confirm"));
            assert_eq!(files.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_archive_prune_keeps_a_newer_versions_rows_it_cannot_read_whole() {
    let before = 1_000;
    let row = |v: u64, message: Value| serde_json::json!({"v": v, "message": message}).to_string();
    // A newer version's row (after a rollback) whose content this version does not know.
    let newer = row(
        8,
        serde_json::json!({"sid": "SM0123456789abcdef0123456789abcdef", "finished_ms": 2_000,
                           "content": {"kind": "poll_answer"}}),
    );
    assert!(decode_message(&newer).is_none());
    assert_eq!(prune_verdict(&newer, before), PruneVerdict::Keep(2_000));
    // Its finish not readable either: left to that version, not the archive's oldest.
    let newer = row(8, serde_json::json!({"finished": {"at": 2_000}}));
    assert_eq!(prune_verdict(&newer, before), PruneVerdict::KeepNewer);
    // Past its week, whoever wrote it; unreadable rows of this version or older.
    let old = row(8, serde_json::json!({"finished_ms": 500}));
    assert_eq!(prune_verdict(&old, before), PruneVerdict::Delete);
    let mut m = every_field::every_field().messages[0].clone();
    m.finished_ms = Some(2_000);
    let current = encode_message(&m).unwrap();
    assert_eq!(prune_verdict(&current, before), PruneVerdict::Keep(2_000));
    m.finished_ms = Some(500);
    let current = encode_message(&m).unwrap();
    assert_eq!(prune_verdict(&current, before), PruneVerdict::Delete);
    assert_eq!(
        prune_verdict(&row(7, serde_json::json!({})), before),
        PruneVerdict::Delete
    );
    assert_eq!(
        prune_verdict("{\"v\": 8, \"mess", before),
        PruneVerdict::Delete
    );
}

mod pinned;
mod salvaged;
mod within_v7;
