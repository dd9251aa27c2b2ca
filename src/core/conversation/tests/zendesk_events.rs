//! Zendesk's event-subscribed webhooks (`ticket_owner::Carried`): a comment the event carries
//! whole is sent without reading the ticket, each event is taken once by its id, and a merge
//! makes the target the customer's ticket.

use super::agents::{calls_since, SEND};
use super::*;
use crate::core::ticket_owner::{Carried, TicketEvent};
use crate::core::zendesk_event::EventComment;

const AGENT: u64 = 5;

/// `ticket.comment_added` for the agent's comment `comment_id` on `ticket_id`, as Zendesk's
/// event carries it.
fn comment_event(event_id: &str, ticket_id: u64, comment_id: u64, body: &str) -> TicketEvent {
    TicketEvent {
        ticket_id,
        carried: Some(Carried {
            event_id: event_id.into(),
            comment: Some(EventComment {
                id: comment_id,
                body: Some(body.into()),
                public: Some(true),
                author_id: Some(AGENT),
                author_is_staff: Some(true),
                has_attachments: false,
            }),
            merged_into: None,
            at_ms: None,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn merge_event(event_id: &str, source: u64, target: u64, at_ms: u64) -> TicketEvent {
    TicketEvent {
        ticket_id: source,
        carried: Some(Carried {
            event_id: event_id.into(),
            comment: None,
            merged_into: Some(target),
            at_ms: Some(at_ms),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn reads_of_comments(sim: &Sim, from: usize) -> usize {
    calls_since(sim, from)
        .iter()
        .filter(|c| c.starts_with("GET ") && c.ends_with("/comments.json"))
        .count()
}

#[test]
fn an_agents_reply_carried_whole_by_the_event_is_sent_without_reading_the_ticket_and_once() {
    let mut sim = Sim::with_ticket(config());
    let ticket = sim.world.tickets[0].id;
    let text = "Your replacement ships today.";
    let comment = sim.agent_writes(text);
    let from = sim.world.calls.len();
    // Zendesk delivers the event three times (its retries), and the trigger's webhook once
    // (an account with both): one WhatsApp message.
    for _ in 0..3 {
        sim.zendesk_event(comment_event("ev-1", ticket, comment, text));
        sim.settle();
    }
    assert_eq!(
        reads_of_comments(&sim, from),
        0,
        "{:?}",
        calls_since(&sim, from)
    );
    assert_eq!(
        calls_since(&sim, from),
        vec![SEND.to_string()],
        "one call: the send"
    );
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "{:?}", sim.world.sent);
    assert_eq!(sim.world.sent[1].1, text);
    let duplicates = sim
        .events
        .iter()
        .filter(|e| matches!(e, DomainEvent::EventDuplicate { event_id, .. } if event_id == "ev-1"))
        .count();
    assert_eq!(duplicates, 2, "the event's deliveries after the first");
    assert_eq!(
        sim.conv().backend.state().seen_events,
        vec!["ev-1".to_string()]
    );
}

#[test]
fn a_comment_the_event_does_not_carry_whole_is_read_from_the_ticket() {
    let mut sim = Sim::with_ticket(config());
    let ticket = sim.world.tickets[0].id;
    let comment = sim.agent_writes("Here is the label.");
    let from = sim.world.calls.len();
    let mut event = comment_event("ev-2", ticket, comment, "Here is the label.");
    if let Some(c) = event.carried.as_mut().and_then(|c| c.comment.as_mut()) {
        c.has_attachments = true;
    }
    sim.zendesk_event(event);
    sim.settle();
    assert_eq!(
        reads_of_comments(&sim, from),
        1,
        "files: the comment is read whole"
    );
    assert_eq!(sim.world.sent.len(), 2);
}

#[test]
fn an_internal_note_a_cc_or_the_customers_own_comment_carried_by_an_event_is_not_sent() {
    let mut sim = Sim::with_ticket(config());
    let ticket = sim.world.tickets[0].id;
    let mut note = comment_event("ev-3", ticket, 9001, "internal: check stock");
    note.carried
        .as_mut()
        .unwrap()
        .comment
        .as_mut()
        .unwrap()
        .public = Some(false);
    let mut own = comment_event("ev-4", ticket, 9002, "thanks");
    let c = own.carried.as_mut().unwrap().comment.as_mut().unwrap();
    (c.author_id, c.author_is_staff) = (Some(77), Some(false));
    let mut cc = comment_event("ev-5", ticket, 9003, "me too");
    let c = cc.carried.as_mut().unwrap().comment.as_mut().unwrap();
    (c.author_id, c.author_is_staff) = (Some(78), Some(false));
    for e in [note, own, cc] {
        sim.zendesk_event(e);
        sim.settle();
    }
    assert_eq!(
        sim.world.sent.len(),
        1,
        "only the confirmation: {:?}",
        sim.world.sent
    );
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::CommentNotForwarded {
            comment_id: 9003,
            ..
        }
    )));
}

/// A ticket made by someone else in Zendesk (an e-mail ticket, say), with an agent's answer
/// to them from before the merge (2027-01-01, before the simulation's clock): the merge target.
fn target_ticket(sim: &mut Sim) -> u64 {
    let id = 1000 + sim.world.tickets.len() as u64;
    sim.world.tickets.push(SimTicket {
        id,
        comments: vec![
            ("My order is broken (e-mail)".into(), Some(300)),
            (
                "Sorry, we are on it (to the e-mail requester)".into(),
                Some(AGENT),
            ),
        ],
        ids: vec![id * 100, id * 100 + 1],
        ..Default::default()
    });
    sim.world.roles.insert(300, "end-user");
    for c in [id * 100, id * 100 + 1] {
        sim.world.comment_times.insert(c, "2027-01-01T00:00:00Z");
    }
    id
}

#[test]
fn after_a_merge_the_next_message_is_a_comment_on_the_target_and_replies_there_reach_the_customer_once(
) {
    let mut sim = Sim::with_ticket(config());
    let source = sim.world.tickets[0].id;
    let target = target_ticket(&mut sim);
    // Zendesk merges: the source is closed, the event names the target (twice: a retry).
    sim.world.tickets[0].closed = true;
    for _ in 0..2 {
        let now = sim.now;
        sim.zendesk_event(merge_event("merge-1", source, target, now));
        sim.settle();
    }
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::TicketMerged { ticket_id, into, open_moved: true } if *ticket_id == source && *into == target
    )));
    assert_eq!(sim.conv().backend.open_ticket().map(|t| t.id), Some(target));
    // The customer's next message: a comment on the target, no follow-up ticket.
    sim.receive(M2.0, M2.1);
    sim.settle();
    assert_eq!(sim.world.tickets.len(), 2, "no new ticket");
    assert!(sim.world.tickets[1].comments.iter().any(|(b, _)| b == M2.1));
    // An agent answers on the target: the customer gets it once (event and trigger both).
    let comment = target * 100 + 50;
    sim.world.tickets[1].ids.push(comment);
    sim.world.tickets[1]
        .comments
        .push(("We merged your requests.".into(), Some(AGENT)));
    sim.zendesk_event(comment_event(
        "ev-t",
        target,
        comment,
        "We merged your requests.",
    ));
    sim.settle();
    sim.zendesk_calls_about(target, None);
    sim.settle();
    let agent_texts = sim.world.sent_bodies(1);
    assert_eq!(
        agent_texts
            .iter()
            .filter(|b| **b == "We merged your requests.")
            .count(),
        1
    );
    // The target's requester is someone else: no "requester changed" note about it.
    assert!(!sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::RequesterChanged { ticket_id } if *ticket_id == target)));
    assert!(
        !sim.world.sent[1..]
            .iter()
            .any(|(_, b)| b.contains("e-mail")),
        "the target's comments from before the merge are not sent: {:?}",
        sim.world.sent
    );
}

#[test]
fn a_comment_refused_because_its_ticket_was_merged_meanwhile_goes_to_the_target() {
    use crate::core::conversation::backend::CommentAdded;
    let cfg = config();
    let ctx = Ctx {
        now_ms: 1,
        jitter: 0.0,
        config: &cfg,
        conversation_id: "abc",
        number: None,
    };
    let mut z = ZendeskSupportState::default();
    for id in [10, 20] {
        z.remember(&TicketRef {
            id,
            requester_id: Some(77),
        });
    }
    z.ticket_made(
        &TicketRef {
            id: 10,
            requester_id: Some(77),
        },
        0,
    );
    // 10 merged into 20, then 20 into 30 (merges of merges are followed).
    assert_eq!(z.merged(10, 20), (true, None));
    assert_eq!(z.merged(20, 30), (true, Some(Some(77))));
    assert_eq!(z.merge_target_of(10), Some(20).and(Some(30)));
    let closed = Exchange::Answered(HttpAnswer {
        status: 422,
        headers: vec![],
        body: r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}"#.into(),
    });
    assert_eq!(
        z.read_comment(10, &closed, &ctx),
        CommentAdded::Merged { into: 30 }
    );
    assert_eq!(z.open_ticket.as_ref().map(|t| t.id), Some(30), "kept");
    // A ticket closed without a merge the gateway knows of: a follow-up, as before.
    assert_eq!(
        z.read_comment(99, &closed, &ctx),
        CommentAdded::TicketClosed
    );
}
