//! Satisfaction on WhatsApp (`CSAT=on`, `core::csat`): a solved ticket's customer is asked
//! once, their answer becomes a tag and an internal note (no ticket, no public comment), and
//! they are thanked.

use super::*;
use crate::core::ticket_owner::{Carried, TicketEvent};

/// `ticket.status_changed` as the shell hands it to the ticket's conversation.
fn status_event(event_id: &str, ticket_id: u64, status: &str, spam: bool) -> TicketEvent {
    TicketEvent {
        ticket_id,
        carried: Some(Carried {
            event_id: event_id.into(),
            status: Some(status.into()),
            spam,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The same, at `at_ms` by Zendesk's clock (the event's `time`).
fn status_event_at(event_id: &str, ticket_id: u64, status: &str, at_ms: u64) -> TicketEvent {
    let mut event = status_event(event_id, ticket_id, status, false);
    if let Some(c) = event.carried.as_mut() {
        c.at_ms = Some(at_ms);
    }
    event
}

fn decided(sim: &Sim, decision: &str) -> usize {
    sim.events
        .iter()
        .filter(|e| matches!(e, DomainEvent::CsatQuestion { decision: d, .. } if *d == decision))
        .count()
}

fn csat_on() -> Config {
    config_with(&[("CSAT", "on")])
}

fn solved(sim: &mut Sim, event_id: &str) -> u64 {
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event(event_id, ticket, "SOLVED", false));
    sim.settle();
    ticket
}

#[test]
fn a_solved_ticket_is_asked_once_and_a_thumbs_up_becomes_a_tag_and_a_note_not_a_comment() {
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = solved(&mut sim, "ev-solved-1");
    // The same solve delivered again, and another event saying solved: one question.
    solved(&mut sim, "ev-solved-1");
    solved(&mut sim, "ev-solved-2");
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
    let question = &sim.world.sent[1].1;
    assert!(
        question.contains(&format!("#{ticket}")) && question.contains("👍"),
        "{question}"
    );
    let comments = sim.world.tickets[0].comments.len();

    sim.receive("SM2", "👍 quick and kind");
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 1, "no ticket");
    assert_eq!(
        sim.world.tickets[0].comments.len(),
        comments,
        "no public comment"
    );
    assert_eq!(
        sim.world.tags_added,
        vec![(ticket, "csat_good".to_string())]
    );
    let note = sim
        .world
        .notes
        .iter()
        .find(|(t, _)| *t == ticket)
        .map(|(_, b)| b.clone());
    assert!(
        note.as_deref()
            .is_some_and(|n| n.contains("Good") && n.contains("quick and kind")),
        "{note:?}"
    );
    assert_eq!(sim.world.sent.len(), 3);
    assert_eq!(sim.world.sent[2].1, "Thank you for your feedback!");
    let m = sim.conv().inbound.message("SM2").cloned().unwrap();
    assert_eq!(MessageOutcome::of(&m.ticket), MessageOutcome::CsatAnswer);
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::CsatQuestion {
            decision: "ask",
            ..
        }
    )));
    // Asked once, even after a restart (the list of tickets asked is stored).
    let again = sim.conv();
    assert_eq!(again.inbound.csat.asked.len(), 1);
}

#[test]
fn off_by_default_and_never_for_spam_or_a_customer_who_opted_out() {
    let mut sim = Sim::with_ticket(config());
    solved(&mut sim, "ev-1");
    assert_eq!(sim.world.sent.len(), 1, "CSAT is off: no question");

    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-2", ticket, "SOLVED", true));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "solved as spam: no question");
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::CsatQuestion {
            decision: "spam",
            ..
        }
    )));

    let mut sim = Sim::with_ticket(csat_on());
    sim.receive("SM9", "STOP");
    sim.settle();
    let sent = sim.world.sent.len();
    solved(&mut sim, "ev-3");
    assert_eq!(sim.world.sent.len(), sent, "opted out: no question");
}

#[test]
fn a_message_that_is_not_an_answer_is_handled_as_any_message_and_ends_the_question() {
    let mut sim = Sim::with_ticket(csat_on());
    solved(&mut sim, "ev-1");
    assert_eq!(sim.world.sent.len(), 2);
    let comments = sim.world.tickets[0].comments.len();
    sim.receive("SM3", "It also happens on my phone");
    sim.settle();
    assert!(sim.world.tags_added.is_empty());
    assert_eq!(
        sim.world.tickets[0].comments.len() + sim.world.tickets.len() - 1,
        comments + 1,
        "a comment (or a follow-up ticket) as before"
    );
    // A "good" afterwards is an ordinary message now.
    assert!(!sim.conv().inbound.csat.awaiting(sim.now));
}

#[test]
fn a_bad_rating_then_its_comment_are_two_notes_on_the_ticket_and_one_tag() {
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = solved(&mut sim, "ev-1");
    let mut button = sim.message("SM4", "👎 Bad");
    button.kind = crate::core::form::MessageKind::ButtonReply {
        payload: Some("csat_bad".into()),
    };
    sim.step(received(button));
    sim.settle();
    sim.receive("SM5", "nobody answered for two days");
    sim.settle();
    assert_eq!(sim.world.tags_added, vec![(ticket, "csat_bad".to_string())]);
    let notes: Vec<_> = sim
        .world
        .notes
        .iter()
        .filter(|(t, _)| *t == ticket)
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[1].contains("nobody answered"), "{notes:?}");
    assert_eq!(sim.world.tickets.len(), 1);
    assert_eq!(
        sim.world.sent.len(),
        3,
        "the question and one thanks: {:?}",
        sim.world.sent
    );
}

#[test]
fn submit_as_solved_the_agents_last_answer_reaches_the_customer_before_the_question_whichever_event_comes_first(
) {
    // The solve first, then the reply (Zendesk promises no order between the two).
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    let sent = sim.world.sent.len();
    assert_eq!(sent, 1, "the question is held: {:?}", sim.world.sent);
    sim.agent_writes("The refund went out today.");
    sim.zendesk_calls();
    sim.settle();
    let after = sim.world.sent_bodies(sent);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], "The refund went out today.");
    assert!(after[1].contains(&format!("#{ticket}")), "{after:?}");

    // The reply first, then the solve: the same order.
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.agent_writes("Fixed on our side.");
    sim.zendesk_calls();
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    sim.settle();
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[0], "Fixed on our side.");
    assert!(bodies[1].contains(&format!("#{ticket}")), "{bodies:?}");
    // A held question is not a retry (the gauge of replies waiting for one).
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-held", ticket, "solved", false));
    assert_eq!(sim.conv().pending_retries(sim.now), 0);
}

/// Events without Zendesk's time (`at_ms`: none) are taken in the order they arrive.
#[test]
fn a_ticket_reopened_while_its_question_is_held_is_not_asked_until_it_is_solved_again() {
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-solved", ticket, "SOLVED", false));
    sim.zendesk_event(status_event("ev-open", ticket, "OPEN", false));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "no question: {:?}", sim.world.sent);
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::CsatQuestion {
            decision: "withdrawn_reopened",
            ..
        }
    )));
    // Solved again: asked now, once.
    sim.zendesk_event(status_event("ev-solved-2", ticket, "SOLVED", false));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
    assert!(sim.world.sent[1].1.contains(&format!("#{ticket}")));
    // Reopened after the question went: nothing to withdraw, the ticket stays asked once.
    sim.zendesk_event(status_event("ev-open-2", ticket, "OPEN", false));
    sim.zendesk_event(status_event("ev-solved-3", ticket, "SOLVED", false));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
}

#[test]
fn the_question_waits_for_a_comments_read_that_zendesk_holds_up() {
    // Trigger mode: "Submit as Solved" with a reply is two calls; the comments read of the
    // reply's call fails for longer than the question's hold.
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.world.zendesk_down_until = Some(sim.now + 60_000);
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    sim.agent_writes("Your replacement ships today.");
    sim.zendesk_calls();
    sim.settle();
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[0], "Your replacement ships today.");
    assert!(bodies[1].contains(&format!("#{ticket}")), "{bodies:?}");
}

#[test]
fn a_message_sent_before_the_question_went_out_is_not_its_answer() {
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    // Within the hold: a message, not an answer (the question is not on the customer's screen).
    sim.receive("SM9", "👍");
    sim.settle();
    assert!(
        sim.world.tags_added.is_empty(),
        "{:?}",
        sim.world.tags_added
    );
    assert!(sim
        .world
        .sent
        .iter()
        .any(|(_, b)| b.contains(&format!("#{ticket}"))));
    assert_ne!(
        MessageOutcome::of(&sim.conv().inbound.message("SM9").cloned().unwrap().ticket),
        MessageOutcome::CsatAnswer
    );
}

#[test]
fn a_question_whose_send_lost_its_answer_takes_the_customers_rating() {
    // Twilio took the question but its answer was lost: the customer may already see it, so
    // their 👍 is the rating, not a comment that would reopen the solved ticket.
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    // The send's answer is lost, and so is the first look for it in Twilio's list: the
    // customer's answer arrives while it is still not known whether the question went.
    sim.world.faults = vec![Some(Fault::TimeoutAfter), Some(Fault::Network)].into();
    sim.now += crate::core::csat::QUESTION_HOLD_MS;
    sim.alarm();
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::AgentReplyAmbiguous { .. })));
    sim.receive("SM7", "👍");
    sim.settle();
    assert_eq!(
        sim.world.tags_added,
        vec![(ticket, "csat_good".to_string())]
    );
}

#[test]
fn a_reopen_delivered_late_does_not_withdraw_the_question_of_a_later_solve() {
    // Solved, reopened, solved again, by Zendesk's clock; delivered solve, solve, reopen.
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    let t = sim.now;
    sim.zendesk_event(status_event_at(
        "ev-solved-1",
        ticket,
        "solved",
        t - 120_000,
    ));
    sim.zendesk_event(status_event_at("ev-solved-2", ticket, "solved", t));
    sim.zendesk_event(status_event_at("ev-open", ticket, "open", t - 60_000));
    sim.settle();
    // The ticket is solved: its question goes out.
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(bodies[0].contains(&format!("#{ticket}")), "{bodies:?}");
    assert_eq!(decided(&sim, "withdrawn_reopened"), 0);
    assert_eq!(decided(&sim, "stale_status"), 1);
}

#[test]
fn a_solve_delivered_after_its_reopen_does_not_ask() {
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    let t = sim.now;
    sim.zendesk_event(status_event_at("ev-open", ticket, "open", t));
    sim.zendesk_event(status_event_at("ev-solved", ticket, "solved", t - 60_000));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "no question: {:?}", sim.world.sent);
    assert_eq!(
        (decided(&sim, "ask"), decided(&sim, "stale_status")),
        (0, 1)
    );
    // Kept with the conversation: the next solve by Zendesk's clock asks, once.
    assert_eq!(sim.conv().inbound.csat.statuses.len(), 1);
    sim.zendesk_event(status_event_at("ev-solved-2", ticket, "solved", t + 60_000));
    sim.settle();
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(bodies[0].contains(&format!("#{ticket}")), "{bodies:?}");

    // A solve without Zendesk's time (the solved tickets' trigger's body) is taken as it comes.
    let mut sim = Sim::with_ticket(csat_on());
    let ticket = sim.world.tickets[0].id;
    let t = sim.now;
    sim.zendesk_event(status_event_at("ev-open", ticket, "open", t));
    sim.zendesk_event(status_event("ev-solved", ticket, "solved", false));
    sim.settle();
    assert_eq!(
        (decided(&sim, "ask"), decided(&sim, "stale_status")),
        (1, 0)
    );
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
}
