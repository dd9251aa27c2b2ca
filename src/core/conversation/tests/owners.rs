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
    assert!(sim.conv().early_agent_events.is_empty(), "not kept");
    assert!(sim.logs.iter().any(|l| l.contains("agent.not_owner")));
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
    let out = sim.step(Event::Wake);
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
    let made_with = sim.conv().tickets[0].requester_id;
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
    });
    sim.settle();
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    // Another user now (merged): one note, whatever the e-mail says.
    sim.zendesk_event(TicketEvent {
        ticket_id,
        requester_email: Some(format!("{CUSTOMER}@whatsapp.zendesk.com")),
        requester_id: Some(78),
        made_from: None,
    });
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
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
        },
    ));
    assert_eq!(out.claim, Some(TicketClaim::Owns));
    assert!(!out.unchanged);
}
