//! Whose Zendesk event it is: the ticket's owner takes it, a conversation making a ticket keeps
//! it, any other answers "not mine"; a requester changed in Zendesk is noted once; the directory
//! is written before the calls that need it.

use super::*;

#[test]
fn a_conversation_that_is_not_making_a_ticket_does_not_keep_an_event_for_one_it_does_not_know() {
    // Another customer's ticket whose requester e-mail names this customer (users merged in
    // Zendesk): this conversation's messages are all done, so the event is not its own.
    let mut sim = Sim::with_ticket(config());
    let foreign = sim.world.tickets[0].id + 77;
    assert_eq!(sim.conv().ticket_claim(foreign, None), TicketClaim::NotOurs);
    let out = sim.step(Event::AgentActivity(
        crate::core::ticket_owner::TicketEvent {
            ticket_id: foreign,
            requester_email: Some(format!("{CUSTOMER}@whatsapp.zendesk.com")),
            ..Default::default()
        },
    ));
    assert!(out.effect.is_none(), "nothing to do");
    assert!(sim.conv().agents.early_agent_events.is_empty(), "not kept");
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::NotOwner { .. })));
    let own = sim.world.tickets[0].id;
    assert_eq!(sim.conv().ticket_claim(own, None), TicketClaim::Owns);

    // While a message's ticket is being made, an unknown ticket may be that one: kept; but
    // when the ticket says which message it was made from, only that message's create counts.
    sim.receive("SM9", "My card was charged twice for the same order");
    assert_eq!(
        sim.conv().ticket_claim(foreign, Some("SM9")),
        TicketClaim::MayOwn
    );
    assert_eq!(
        sim.conv().ticket_claim(foreign, Some(M1.0)),
        TicketClaim::NotOurs,
        "made from a message whose ticket is done: an orphan, not kept"
    );
    assert_eq!(sim.conv().ticket_claim(foreign, None), TicketClaim::MayOwn);
}

#[test]
fn a_requester_changed_in_zendesk_is_noted_once_and_replies_still_go_to_the_customer() {
    let mut sim = Sim::with_ticket(config());
    let ticket_id = sim.world.tickets[0].id;
    sim.agent_writes("Merged your profiles; the refund is on its way.");
    for _ in 0..2 {
        // The requester is now another WhatsApp customer (users merged), twice.
        sim.zendesk_calls_about(ticket_id, Some("+15550000101@whatsapp.zendesk.com".into()));
        sim.settle();
    }
    assert_eq!(
        sim.world.sent.len(),
        2,
        "confirmation, then the agent's reply"
    );
    assert_eq!(
        sim.world.sent[1].1, "Merged your profiles; the refund is on its way.",
        "sent to the conversation's customer, the one who wrote"
    );
    assert_eq!(sim.world.notes.len(), 1, "one note: {:?}", sim.world.notes);
    assert!(
        sim.world.notes[0].1.contains("+1555***1234"),
        "{}",
        sim.world.notes[0].1
    );
    assert!(!sim.world.notes[0].1.contains(CUSTOMER), "masked");

    // The requester still naming the customer (or not said) adds no note.
    let mut sim = Sim::with_ticket(config());
    let ticket_id = sim.world.tickets[0].id;
    for email in [Some(format!("{CUSTOMER}@whatsapp.zendesk.com")), None] {
        sim.zendesk_calls_about(ticket_id, email);
        sim.settle();
    }
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
}

#[test]
fn the_directory_is_written_before_a_ticket_is_made_and_before_anything_is_sent_on_it() {
    use crate::core::metrics::{DirectoryEntry, DirectoryKey};
    let entry = |key| DirectoryEntry {
        key,
        conversation: String::new(),
    };
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    let message = [entry(DirectoryKey::Message(M1.0.into()))];
    assert!(
        !sim.conv().directory_first(&message),
        "nothing in flight yet"
    );
    let out = sim.step_past_budget(Event::Wake);
    assert!(matches!(out.effect, Some(Effect::Call(_))), "the create");
    let mut conv = sim.conv().clone();
    assert!(conv.directory_first(&message), "before the create");
    assert!(!conv.directory_first(&[]), "nothing waiting");
    conv.in_flight = None;
    assert!(
        conv.directory_first(&[entry(DirectoryKey::Ticket(5))]),
        "a ticket learned: before anything is sent on it"
    );
    assert!(
        !conv.directory_first(&[entry(DirectoryKey::Masked("+1555***1234".into()))]),
        "the rest goes with the metrics"
    );
}

#[test]
fn a_requesters_new_e_mail_is_not_a_new_requester_when_zendesk_names_the_same_user() {
    use crate::core::ticket_owner::TicketEvent;
    let mut sim = Sim::with_ticket(config());
    let ticket_id = sim.world.tickets[0].id;
    let made_with = sim.conv().backend.tickets()[0].requester_id;
    assert_eq!(
        made_with,
        Some(77),
        "the requester id Zendesk answered the create with"
    );
    // The customer's profile got a real primary e-mail: same user, no note.
    sim.zendesk_event(TicketEvent {
        ticket_id,
        requester_email: Some("jane@acme.example".into()),
        requester_id: Some(77),
        made_from: None,
        requester_external_id: None,
        carried: None,
    });
    sim.settle();
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    // Another user now (merged): one note, whatever the e-mail says.
    sim.zendesk_event(TicketEvent {
        ticket_id,
        requester_email: Some(format!("{CUSTOMER}@whatsapp.zendesk.com")),
        requester_id: Some(78),
        made_from: None,
        requester_external_id: None,
        carried: None,
    });
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
}

// ---------- kept events that can wait no longer ----------

/// The customer writes; Zendesk makes the ticket but its answer is lost; an agent answers at
/// once and the event (naming the message the ticket was made from) is kept. The ticket's id.
fn agent_answers_before_the_create_answer(sim: &mut Sim) -> u64 {
    sim.world.faults.push_back(Some(Fault::CrashAfter));
    sim.receive(M1.0, M1.1);
    sim.alarm();
    sim.agent_writes("We are on it: your account is unlocked.");
    let ticket_id = sim.world.tickets[0].id;
    sim.zendesk_event(TicketEvent {
        ticket_id,
        made_from: Some(M1.0.into()),
        ..Default::default()
    });
    assert_eq!(sim.conv().agents.early_agent_events.len(), 1, "kept");
    ticket_id
}

fn unmatched_failures(sim: &Sim) -> usize {
    let d = crate::core::metrics::Delta::from_events(&sim.events);
    d.failures
        .get("agent_reply.unknown_ticket")
        .copied()
        .unwrap_or(0) as usize
}

use crate::core::ticket_owner::TicketEvent;

#[test]
fn a_kept_event_whose_ticket_stays_unknown_for_an_hour_becomes_a_note_saying_the_reply_was_not_sent(
) {
    let mut sim = Sim::new(config());
    let kept_at = sim.now;
    let ticket_id = agent_answers_before_the_create_answer(&mut sim);
    // Zendesk cannot be read: the ticket's look-up fails, and so does the first try of the note.
    sim.world.zendesk_down = true;
    while sim.now < kept_at + 3600 * 1000 {
        let at = sim.wake_at.expect("the machine keeps waking");
        sim.now = sim.now.max(at);
        sim.alarm();
    }
    assert!(sim.conv().agents.early_agent_events.is_empty(), "given up");
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::AgentReplyUnmatched { .. })));
    assert_eq!(unmatched_failures(&sim), 1, "counted once");
    assert!(
        sim.world.notes.is_empty(),
        "Zendesk is down: not written yet"
    );
    // The note is retried like every note, and written once Zendesk answers again.
    sim.world.zendesk_down = false;
    sim.settle();
    let notes: Vec<&(u64, String)> = sim.world.notes.iter().collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, ticket_id, "on the event's ticket");
    assert_eq!(
        notes[0].1,
        "WhatsApp: the latest public reply on this ticket was NOT sent to the customer: the gateway did not learn within 60 minutes that this ticket is the one it made for this WhatsApp customer. Please reach the customer another way (if the gateway learns this ticket later, the reply goes out with the next public reply here)."
    );
    let agent_texts = sim
        .world
        .sent
        .iter()
        .filter(|s| s.1.starts_with("We are on it"));
    assert_eq!(agent_texts.count(), 0, "not sent, as the note says");
    sim.check_invariants("expired");
    // As the note says: the gateway learned the ticket meanwhile, and the reply goes out with
    // the agent's next public reply (once, and in order).
    assert!(sim
        .conv()
        .backend
        .tickets()
        .iter()
        .any(|t| t.id == ticket_id));
    sim.agent_writes("Anything else?");
    sim.zendesk_calls();
    sim.settle();
    let texts: Vec<&str> = sim.world.sent.iter().map(|s| s.1.as_str()).collect();
    let first = texts.iter().position(|t| t.starts_with("We are on it"));
    let next = texts.iter().position(|t| *t == "Anything else?");
    assert!(first.is_some() && first < next, "{texts:?}");
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.starts_with("We are on it"))
            .count(),
        1
    );
}

#[test]
fn a_kept_event_whose_message_ended_without_the_ticket_becomes_a_note_at_once() {
    let mut sim = Sim::new(config());
    let ticket_id = agent_answers_before_the_create_answer(&mut sim);
    // The ticket's look-up is refused for good: the message fails, the ticket stays unknown.
    sim.world.faults.push_back(Some(Fault::Status(403)));
    let started = sim.now;
    sim.settle();
    assert!(sim.conv().message(M1.0).unwrap().is_finished());
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    assert_eq!(sim.world.notes[0].0, ticket_id);
    assert!(
        sim.world.notes[0].1.contains("was NOT sent to the customer: the gateway finished the customer's message this ticket was made from without learning this ticket"),
        "{}",
        sim.world.notes[0].1
    );
    assert!(sim.now - started < 3600 * 1000, "without waiting the hour");
}

#[test]
fn too_many_unknown_tickets_at_once_push_the_oldest_out_with_a_note() {
    let mut sim = Sim::new(config());
    let first = agent_answers_before_the_create_answer(&mut sim);
    sim.world.zendesk_down = true;
    // Twenty more messages, each making a ticket an agent answers on at once.
    for k in 0..20u64 {
        sim.now += 1000;
        let sid = format!("SMmore{k}");
        sim.receive(&sid, "My parcel is broken and I need a replacement");
        let out = sim.step(Event::AgentActivity(TicketEvent {
            ticket_id: 5000 + k,
            made_from: Some(sid),
            ..Default::default()
        }));
        assert_eq!(out.claim, Some(TicketClaim::MayOwn));
        // Woken when the first kept event expires; at once when one was given up (its note).
        let expiry = sim.conv().agents.early_agent_events[0].at_ms + 3600 * 1000;
        let wake = if k == 19 { sim.now } else { expiry };
        assert_eq!(out.effect, Some(Effect::WakeAt(wake)), "event {k}");
    }
    let conv = sim.conv();
    assert_eq!(conv.agents.early_agent_events.len(), 20, "bounded");
    assert!(!conv
        .agents
        .early_agent_events
        .iter()
        .any(|e| e.ticket_id == first));
    assert_eq!(conv.agents.notes.len(), 1, "{:?}", conv.agents.notes);
    assert_eq!(
        conv.agents.notes[0].ticket_id, first,
        "the oldest, pushed out"
    );
    assert_eq!(
        conv.agents.notes[0].body,
        "WhatsApp: the latest public reply on this ticket was NOT sent to the customer: more than 20 tickets the gateway did not know yet were updated for this customer at once. Please reach the customer another way (if the gateway learns this ticket later, the reply goes out with the next public reply here)."
    );
    assert_eq!(unmatched_failures(&sim), 1);
}

#[test]
fn an_event_kept_on_a_guess_gives_way_first_and_ends_quietly_when_the_guess_was_wrong() {
    let mut sim = Sim::new(config());
    agent_answers_before_the_create_answer(&mut sim);
    sim.world.zendesk_down = true;
    // Twenty tickets the conversation does not know, named only by their requester's e-mail
    // while it is making a ticket: each is kept on a guess (the shell goes on looking for its
    // owner). The twentieth pushes out the oldest guess, not the confirmed event.
    for k in 0..20u64 {
        sim.now += 1000;
        sim.zendesk_event(TicketEvent {
            ticket_id: 5000 + k,
            requester_email: Some(format!("{CUSTOMER}@whatsapp.zendesk.com")),
            ..Default::default()
        });
    }
    let conv = sim.conv();
    assert_eq!(conv.agents.early_agent_events.len(), 20, "bounded");
    assert!(
        conv.agents.early_agent_events[0].made_from.is_some(),
        "kept"
    );
    assert!(conv.agents.notes.is_empty(), "{:?}", conv.agents.notes);
    // Zendesk answers again: the conversation's own ticket is found and its reply sent; the
    // guesses were other tickets (their owners got Zendesk's events): dropped, no note.
    sim.world.zendesk_down = false;
    sim.settle();
    assert!(sim.conv().agents.early_agent_events.is_empty());
    let texts = sim
        .world
        .sent
        .iter()
        .filter(|s| s.1.starts_with("We are on it"));
    assert_eq!(texts.count(), 1, "{:?}", sim.world.sent);
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    let dropped = |reason: &str| {
        sim.events
            .iter()
            .filter(
                |e| matches!(e, DomainEvent::KeptEventDropped { reason: r, .. } if *r == reason),
            )
            .count()
    };
    assert_eq!(dropped("too_many_unknown_tickets"), 1);
    assert_eq!(dropped("not_this_conversations_ticket"), 19);
    assert_eq!(unmatched_failures(&sim), 0);
}

/// The shell decides nothing: the webhook's origin, the directory entries (whole, naming this
/// conversation), the acknowledgement's latency, the agent event's answer and the pending
/// gauge all come out of the machine.
#[test]
fn what_the_shell_stores_and_answers_comes_from_the_machine() {
    use crate::core::metrics::DirectoryKey;
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    let conv = sim.conv();
    assert_eq!(conv.public_origin.as_deref(), Some("https://gw.example"));
    let keys: Vec<_> = conv.unsent_metrics.directory.iter().collect();
    assert!(keys
        .iter()
        .any(|e| e.key == DirectoryKey::Message(M1.0.into()) && e.conversation == "abc"));
    assert!(keys
        .iter()
        .any(|e| matches!(e.key, DirectoryKey::Masked(_)) && e.conversation == "abc"));
    assert!(
        conv.unsent_metrics.pending.is_none(),
        "a request leaves the gauge"
    );
    // Twilio's retry of the same message is acknowledged too (its latency counts), and a
    // delivery that names no origin changes none.
    let retried = sim.step(Event::Received {
        message: sim.message(M1.0, M1.1),
        origin: String::new(),
        received_at_ms: Some(sim.now - 40),
        archived: None,
    });
    assert!(retried.duplicate);
    assert_eq!(sim.conv().unsent_metrics.ack_ms, vec![40]);
    assert_eq!(
        sim.conv().public_origin.as_deref(),
        Some("https://gw.example")
    );
    sim.alarm();
    assert_eq!(
        sim.conv().unsent_metrics.pending,
        Some(("abc".to_string(), 0)),
        "an alarm step reports the gauge"
    );
    // An event for a ticket made elsewhere: answered "not ours", and nothing to store.
    let out = sim.step(Event::AgentActivity(
        crate::core::ticket_owner::TicketEvent {
            ticket_id: 999_999,
            requester_email: None,
            requester_id: None,
            made_from: Some("SMelsewhere".into()),
            requester_external_id: None,
            carried: None,
        },
    ));
    assert_eq!(out.claim, Some(TicketClaim::NotOurs));
    assert!(out.unchanged);
    let ticket = sim.world.tickets[0].id;
    let out = sim.step(Event::AgentActivity(
        crate::core::ticket_owner::TicketEvent {
            ticket_id: ticket,
            requester_email: None,
            requester_id: None,
            made_from: Some(M1.0.into()),
            requester_external_id: None,
            carried: None,
        },
    ));
    assert_eq!(out.claim, Some(TicketClaim::Owns));
    assert!(!out.unchanged);
}
