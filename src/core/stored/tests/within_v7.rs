//! Optional fields added within v7 (no new version): what main wrote before each addition
//! reads as it was, the new fields empty, nothing else lost.

use super::*;

/// What v7 gateways wrote before Zendesk's events were followed (main at 3794ee3, the pinned
/// v7 text then): read as it is, `seen_events` and a ticket's `merged_into` / `merged_from` /
/// `merged_at_ms` (added within v7 as optional fields) empty, nothing else lost; and a value
/// with them reads back whole.
#[test]
fn what_v7_gateways_wrote_before_events_reads_without_them() {
    const BEFORE: &str = include_str!("../fixtures/main_3794ee3_every_field.jsonl");
    let (read, migrated) = decode(BEFORE.lines().next().unwrap()).unwrap();
    assert!(!migrated, "the same version: nothing to convert");
    assert!(read.seen_events.is_empty());
    assert!(read
        .tickets
        .iter()
        .all(|t| t.merged_into.is_none() && t.merged_from.is_none() && t.merged_at_ms.is_none()));
    let mut now = every_field::every_field();
    without_events(&mut now);
    // Added within v7 on another branch at the same time: the customer's Zendesk user.
    now.requester_user_id = None;
    now.requester_phone_refused = false;
    // And the opt-out and the out-of-hours notice.
    now.opted_out_ms = None;
    now.closed_notice = None;
    // And the messages' facts for their finished event (the history), and a button's payload
    // kept on `other`.
    for m in &mut now.messages {
        m.facts = Default::default();
        if let v7::Content::Other { payload, .. } = &mut m.content {
            *payload = None;
        }
    }
    assert_eq!(read, now, "nothing else changed");
    let (with, _) = decode(PINNED.lines().next().unwrap()).unwrap();
    assert_eq!(with.seen_events.len(), 1);
    assert_eq!(with.tickets[1].merged_from, Some(1000));
}

/// The pinned conversation without what following Zendesk's events added (and what came after
/// them: the conversation's side of the account's Zendesk budget, the satisfaction questions).
fn without_events(c: &mut v7::Conversation) {
    c.seen_events.clear();
    c.zendesk_budget = None;
    c.csat = None;
    c.tickets.retain(|t| t.merged_from.is_none());
    for t in &mut c.tickets {
        t.merged_into = None;
    }
}

/// What main wrote before channels (852374c, the pinned v7 text then): it reads as a conversation
/// of the default channel, every other field as it was; the Durable Object's name is unchanged
/// for the default channel, so the upgrade needs no migration of names.
#[test]
fn a_conversation_stored_before_channels_reads_as_the_default_channels() {
    const BEFORE: &str = include_str!("../fixtures/main_852374c_every_field.jsonl");
    let (read, migrated) = decode(BEFORE.lines().next().unwrap()).unwrap();
    assert!(!migrated, "the same version: nothing to convert");
    assert_eq!(
        (read.channel.as_deref(), read.receiving.as_deref()),
        (None, None)
    );
    let mut expected = every_field::every_field();
    expected.channel = None;
    expected.receiving = None;
    expected.opted_out_ms = None;
    expected.closed_notice = None;
    expected.user_id = None;
    expected.reply_to = None;
    expected.unsent_metrics.channels.clear();
    expected.requester_user_id = None;
    expected.requester_phone_refused = false;
    without_events(&mut expected);
    // Added after it too: the messages' facts for their finished event.
    for m in &mut expected.messages {
        m.facts = Default::default();
    }
    expected.in_flight = Some(every_field_v6::every_call().remove(0));
    // Nor the payload an `other` content may carry (added later within v7).
    for m in &mut expected.messages {
        if let v7::Content::Other { payload, .. } = &mut m.content {
            *payload = None;
        }
    }
    assert_eq!(read, expected);
}
