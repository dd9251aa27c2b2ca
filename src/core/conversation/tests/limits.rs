//! A conversation at its storage limits (`limits`): what it queues while Zendesk is down, the
//! size of merged comments and of finished messages, and a fresh start after an unreadable
//! stored value. The stored form is measured as the Durable Object writes it (`stored_form::encode`).

use super::*;
use crate::core::stored::{self, v7};

pub(super) const KB: usize = 1024;

/// Message `i`'s text: `size` bytes, starting with a marker found nowhere else.
fn body(i: usize, size: usize) -> String {
    let head = format!("<message {i:03}> my order is broken. ");
    format!("{head}{}", "x".repeat(size - head.len()))
}

fn sid(i: usize) -> String {
    format!("SM{i:032x}")
}

fn marker(i: usize) -> String {
    format!("<message {i:03}>")
}

/// The bytes of the conversation's stored value (what every save rewrites).
pub(super) fn encoded_len(sim: &Sim) -> usize {
    sim.stored.len()
}

fn queue_full_text() -> &'static str {
    crate::core::language::packs::en::PACK.replies.queue_full
}

/// Message `i` of `size` bytes arrives, the alarm runs if it is due, the stored form is checked
/// against the budget, and a second passes. True when the message was a duplicate.
pub(super) fn arrives_while_down(sim: &mut Sim, i: usize, size: usize) -> bool {
    let duplicate = sim.receive(&sid(i), &body(i, size));
    if sim.wake_at.is_some_and(|t| t <= sim.now) {
        sim.alarm();
    }
    let stored = encoded_len(sim);
    assert!(
        stored <= STORED_BUDGET_BYTES,
        "after message {i}: {stored} bytes stored"
    );
    sim.now += 1_000;
    duplicate
}

/// A ticket is open (later messages are comments); then Zendesk goes down and `n` messages of
/// `size` bytes arrive a second apart, the alarm running whenever it is due. The stored form is
/// checked against the budget after every one.
fn flood(n: usize, size: usize) -> Sim {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.world.zendesk_down = true;
    for i in 0..n {
        assert!(!arrives_while_down(&mut sim, i, size), "message {i} is new");
    }
    sim
}

/// The flood, then Zendesk heals: nothing is lost silently, nothing doubled, every comment
/// within its bound, the stored form within the budget at every step.
fn flood_then_heal(n: usize) {
    let mut sim = flood(n, 60 * KB);
    let conv = sim.conv();
    let pending: Vec<usize> = (0..n)
        .filter(|&i| conv.message(&sid(i)).unwrap().ticket == TicketStep::Pending)
        .collect();
    let refused: Vec<usize> = (0..n)
        .filter(|&i| conv.message(&sid(i)).unwrap().ticket == TicketStep::QueueFull)
        .collect();
    assert_eq!(
        pending.len() + refused.len(),
        n,
        "every message is queued or refused"
    );
    assert!(
        pending.len() >= 5,
        "the queue took {} messages",
        pending.len()
    );
    assert!(!refused.is_empty(), "the queue filled up");
    assert!(conv.inbound.queued_bytes() <= QUEUE_BUDGET_BYTES);
    for &i in &refused {
        let m = conv.message(&sid(i)).unwrap();
        assert!(
            m.content.text().is_empty(),
            "a refused message's text is not kept"
        );
        let view = view(&conv, &m.sid, sim.now).unwrap();
        assert_eq!(view.outcome, MessageOutcome::RefusedQueueFull);
        assert_eq!(view.status, MessageStatus::Refused);
    }
    // Told while Zendesk is still down (a refusal's answer does not wait behind the queue),
    // once per minute of refusals rather than once per message.
    let told = sim
        .world
        .sent
        .iter()
        .filter(|(_, text)| text == queue_full_text())
        .count();
    assert!(told >= 1, "the customer was told: {:?}", sim.world.sent);
    assert!(
        told <= n / 60 + 2,
        "{told} answers for {} refusals",
        refused.len()
    );
    let refusals = sim
        .events
        .iter()
        .filter(|e| matches!(e, DomainEvent::RefusedQueueFull { .. }))
        .count();
    assert_eq!(refusals, refused.len(), "each refusal logged (and counted)");
    // Twilio's retry of a refused message is a duplicate, not a new message.
    assert!(sim.receive(&sid(refused[0]), &body(refused[0], 60 * KB)));

    sim.world.zendesk_down = false;
    sim.settle();
    // (Its send count assumes no finished message was forgotten: past `KEEP_FINISHED_MAX` the
    // oldest are, and the checks below stand for it.)
    if n < KEEP_FINISHED_MAX {
        sim.check_invariants("after the flood");
    }
    assert_eq!(sim.world.tickets.len(), 1, "no second ticket");
    let comments: Vec<&String> = sim.world.tickets[0]
        .comments
        .iter()
        .map(|(b, _)| b)
        .collect();
    for &i in &pending {
        let found = comments.iter().filter(|c| c.contains(&marker(i))).count();
        assert_eq!(found, 1, "queued message {i} written once");
    }
    for &i in &refused {
        assert!(
            !comments.iter().any(|c| c.contains(&marker(i))),
            "refused message {i} never written"
        );
    }
    for c in &comments {
        assert!(
            c.len() <= MERGED_COMMENT_MAX_BYTES || c.matches("<message ").count() == 1,
            "a merged comment of {} bytes",
            c.len()
        );
    }
    let empty = Conversation::new(Sender::Phone(CUSTOMER.into()));
    let envelope = stored_form::encode(&empty).unwrap().len()
        - serde_json::to_string(&v7::Conversation::from(&empty))
            .unwrap()
            .len();
    assert!(
        sim.largest_stored + envelope <= STORED_BUDGET_BYTES,
        "at its largest (a call in flight) {} bytes were stored",
        sim.largest_stored
    );
    // And the customer can write again.
    assert!(!sim.receive("SM_after", "One more thing about my order"));
    sim.settle();
    assert!(matches!(
        sim.conv().message("SM_after").unwrap().ticket,
        TicketStep::Commented { .. }
    ));
}

#[test]
fn forty_five_messages_of_60_kb_while_zendesk_is_down_stay_under_the_budget() {
    flood_then_heal(45);
}

#[test]
fn two_hundred_messages_of_60_kb_while_zendesk_is_down_stay_under_the_budget() {
    flood_then_heal(200);
}

#[test]
fn a_merged_comment_never_exceeds_its_bound_and_the_rest_follows() {
    let n = 15;
    let mut sim = flood(n, 20 * KB);
    assert!(
        (0..n).all(|i| sim.conv().message(&sid(i)).unwrap().ticket == TicketStep::Pending),
        "15 x 20 KB fit in the queue"
    );
    sim.world.zendesk_down = false;
    sim.settle();
    sim.check_invariants("merged");
    let comments: Vec<&String> = sim.world.tickets[0].comments[1..]
        .iter()
        .map(|(b, _)| b)
        .collect();
    assert!(
        comments.iter().any(|c| c.matches("<message ").count() > 1),
        "messages were merged: {:?}",
        comments.iter().map(|c| c.len()).collect::<Vec<_>>()
    );
    for c in &comments {
        assert!(c.len() <= MERGED_COMMENT_MAX_BYTES, "{} bytes", c.len());
    }
    // In order, each once.
    let all = comments
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let positions: Vec<usize> = (0..n).map(|i| all.find(&marker(i)).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in order");
    assert!((0..n).all(|i| all.matches(&marker(i)).count() == 1));
}

#[test]
fn a_finished_message_keeps_no_text_and_stays_small() {
    let long = "é".repeat(30 * KB);
    let mut m = Message::recorded(
        sid(1),
        0,
        TicketStep::Failed {
            reason: long.clone(),
        },
    );
    m.retry.last_error = Some(long.clone());
    m.delivery = Some(crate::core::delivery::DeliveryStatus::PartiallyDelivered);
    m.reply = ReplyStep::Unknown {
        kind: crate::core::delivery::ReplyKind::TicketCreatedTemplate,
        reason: long.clone(),
    };
    let files = (0..50)
        .map(|i| MediaItem {
            url: format!("https://api.twilio.com/{i}/{long}"),
            content_type: long.clone(),
            state: MediaState::Skipped {
                reason: long.clone(),
            },
        })
        .collect();
    let place = crate::core::form::Location {
        latitude: "52.52".into(),
        longitude: "13.40".into(),
        address: Some(long.clone()),
        label: Some(long.clone()),
    };
    // Every kind, each with as much as it holds.
    for content in [
        Content::Text {
            text: body(1, 60 * KB),
        },
        Content::Files {
            files,
            caption: body(1, 60 * KB),
        },
        Content::Location {
            place: Some(place),
            text: long.clone(),
        },
        Content::ButtonReply {
            text: long.clone(),
            payload: Some(long.clone()),
        },
        Content::Reaction {
            emoji: long.clone(),
        },
        Content::Other {
            message_type: long.clone(),
            text: long.clone(),
            files: vec![],
            payload: Some(long.clone()),
        },
    ] {
        let mut m = m.clone();
        m.content = content;
        m.compact_finished();
        let size = stored_len(&v7::Message::from(&m));
        assert!(size <= FINISHED_MESSAGE_MAX_BYTES, "{size} bytes");
        assert!(keeps_no_content(&m.content), "{:?}", m.content);
    }
    m.unverified_comment = Some((vec![sid(1)], long.clone()));
}

fn keeps_no_content(c: &Content) -> bool {
    c.text().is_empty() && c.place().is_none() && c.files().is_empty()
}

#[test]
fn the_stored_value_keeps_a_short_history_without_texts_and_archives_the_rest() {
    use crate::core::conversation::inbound::limits::KEEP_IN_STATE_MAX;
    let mut sim = Sim::new(config());
    let total = KEEP_FINISHED_MAX + 50;
    for i in 0..total {
        // A shared place with a long address: the text of a location is the customer's too.
        let place = crate::core::form::Location {
            latitude: "52.52".into(),
            longitude: "13.40".into(),
            address: Some(body(i, 4 * KB)),
            label: None,
        };
        sim.receive_with(&sid(i), &body(i, 4 * KB), vec![], Some(place));
        sim.settle();
        sim.now += 1_000;
    }
    // The value every save rewrites holds the last few finished messages only...
    let value = sim.load();
    let in_value = value.inbound.messages.len();
    assert!(
        in_value <= KEEP_IN_STATE_MAX,
        "{in_value} finished kept in the value"
    );
    assert!(
        sim.stored.len() <= KEEP_IN_STATE_MAX * FINISHED_MESSAGE_MAX_BYTES + 8 * KB,
        "{} bytes rewritten by every save",
        sim.stored.len()
    );
    // ... the others are rows of their own, each small; none is lost, none keeps a text.
    assert_eq!(sim.archive.len() + in_value, total);
    for row in sim.archive.values() {
        assert!(
            row.len() <= FINISHED_MESSAGE_MAX_BYTES + 64,
            "{} bytes",
            row.len()
        );
    }
    let conv = sim.conv();
    assert_eq!(conv.inbound.messages.len(), total);
    assert!(conv
        .inbound
        .messages
        .iter()
        .all(|m| m.is_finished() && keeps_no_content(&m.content)));
}

/// The conversation as a newer gateway stored it, in a form this version cannot read (a
/// rollback), quarantined: the shell's `quarantine` (salvage, then a fresh conversation).
fn quarantine(sim: &mut Sim) -> stored::Salvage {
    let mut newer: Value =
        serde_json::from_str(&stored_form::encode(&sim.conv()).unwrap()).unwrap();
    newer["v"] = 99.into();
    newer["conversation"]["checks"] = "a form this version does not know".into();
    let text = newer.to_string();
    assert_eq!(
        stored_form::decode(&text).unwrap_err(),
        stored::Unreadable::NewerVersion(99)
    );
    let salvage = stored::salvage(&text);
    let fresh = Conversation::recovered(salvage.customer.clone().unwrap(), &salvage, sim.now);
    sim.stored = stored_form::encode(&fresh).unwrap();
    sim.wake_at = Some(sim.now);
    salvage
}

#[test]
fn a_recovered_conversation_recognises_what_the_unreadable_one_recorded() {
    // A conversation with a ticket and a queued follow-up (Zendesk down), then unreadable.
    let mut sim = Sim::new(config());
    sim.receive(&sid(100), M1.1);
    sim.settle();
    sim.world.zendesk_down = true;
    sim.receive(&sid(7), &body(7, KB));
    sim.alarm();
    let salvage = quarantine(&mut sim);
    assert_eq!(salvage.customer, Some(Sender::Phone(CUSTOMER.into())));
    assert_eq!(
        salvage.sids,
        [sid(7), sid(100)],
        "the messages' own, not the replies'"
    );
    let m = view(&sim.conv(), &sid(100), sim.now).unwrap();
    assert_eq!(m.outcome, MessageOutcome::Recovered);
    sim.world.zendesk_down = false;
    // Twilio's retry of either message makes nothing; the follow-up still goes, once.
    assert!(sim.receive(&sid(7), &body(7, KB)));
    assert!(sim.receive(&sid(100), M1.1));
    sim.settle();
    assert!(!sim.receive(M3.0, "My order is broken since yesterday"));
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 1, "the open ticket was kept");
    let comments = &sim.world.tickets[0].comments;
    assert_eq!(
        comments
            .iter()
            .filter(|(c, _)| c.contains(&marker(7)))
            .count(),
        1,
        "the queued follow-up written once"
    );
    assert!(comments.iter().any(|(c, _)| c.contains("broken since")));
    // An agent's reply on the ticket still reaches the customer.
    sim.agent_writes("We are on it.");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.last().unwrap().1, "We are on it.");
}

/// A new customer's message whose ticket create went out (`committed`: Zendesk made it, its
/// answer was lost) or not, then the conversation became unreadable; recovered `after_ms` later.
fn pending_message_recovered(committed: bool, after_ms: u64) {
    let mut sim = Sim::new(config());
    if committed {
        sim.world.faults.push_back(Some(Fault::TimeoutAfter));
    } else {
        sim.world.zendesk_down = true;
    }
    sim.receive(&sid(1), &body(1, KB));
    sim.alarm();
    assert_eq!(sim.world.tickets.len(), usize::from(committed));
    sim.world.zendesk_down = false;
    sim.now += after_ms;
    let salvage = quarantine(&mut sim);
    assert_eq!(salvage.pending.len(), 1, "the message, still to do");
    let m = sim.conv().message(&sid(1)).cloned().unwrap();
    assert!(!m.is_finished() && m.retry.verify_first);
    assert!(
        sim.receive(&sid(1), &body(1, KB)),
        "Twilio's retry: a duplicate"
    );
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 1, "exactly one ticket");
    let t = &sim.world.tickets[0];
    assert_eq!(t.external_id.as_deref(), Some(sid(1).as_str()));
    assert!(
        t.comments[0].0.contains(&marker(1)),
        "with the message's text"
    );
    let m = sim.conv().message(&sid(1)).cloned().unwrap();
    assert!(
        matches!(m.ticket, TicketStep::Created { .. }) && m.is_finished(),
        "{m:?}"
    );
    assert_eq!(sim.world.sent.len(), 1, "the customer's confirmation, once");
}

#[test]
fn a_pending_message_of_a_quarantined_conversation_makes_its_ticket() {
    pending_message_recovered(false, 0);
}

#[test]
fn a_pending_message_whose_create_committed_makes_no_second_ticket() {
    // Within Zendesk's idempotency window (the key replays), and past it (looked up first).
    pending_message_recovered(true, 60_000);
    pending_message_recovered(true, 3 * 3600 * 1000);
}
