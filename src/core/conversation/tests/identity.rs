//! `REQUESTER_IDENTITY=whatsapp`: the customer's Zendesk user is found or made once (by
//! `external_id`, with the number as a phone identity), before the first ticket, and every
//! ticket and comment names it; retries are idempotent, and a refused number is left out.

use super::*;

fn whatsapp() -> Config {
    config_with(&[("REQUESTER_IDENTITY", "whatsapp")])
}

fn user_calls(sim: &Sim) -> usize {
    sim.world
        .calls
        .iter()
        .filter(|c| c.ends_with("/api/v2/users/create_or_update.json"))
        .count()
}

#[test]
fn the_user_is_made_once_and_every_ticket_and_comment_names_it() {
    let mut sim = Sim::new(whatsapp());
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(
        sim.world.calls[..2],
        [
            "POST https://acme.zendesk.com/api/v2/users/create_or_update.json".to_string(),
            "POST https://acme.zendesk.com/api/v2/tickets.json".to_string()
        ],
        "the user first, then the ticket"
    );
    let user = &sim.world.users[0];
    assert_eq!(user["external_id"], "whatsapp:+15550001234");
    assert_eq!(
        user["identities"],
        json!([{"type": "phone_number", "value": CUSTOMER}])
    );
    assert!(user.get("email").is_none());
    let created = &sim.world.tickets[0].created;
    assert_eq!(created["requester_id"], 500);
    assert_eq!(created["comment"]["author_id"], 500);
    assert!(
        created.get("requester").is_none(),
        "no placeholder e-mail requester: {created}"
    );
    // A comment on the open ticket, then a follow-up ticket once it is closed: no second user.
    sim.receive(M2.0, M2.1);
    sim.settle();
    assert_eq!(sim.world.tickets[0].comments[1].1, Some(500));
    sim.world.tickets[0].closed = true;
    sim.receive(M3.0, M3.1);
    sim.settle();
    sim.check_invariants("whatsapp identity");
    assert_eq!(sim.world.tickets.len(), 2);
    assert_eq!(sim.world.tickets[1].created["requester_id"], 500);
    assert_eq!(user_calls(&sim), 1, "one user per customer");
    assert_eq!(sim.world.users.len(), 1);
    assert_eq!(sim.conv().backend.state().requester_user_id, Some(500));
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::RequesterMade {
            user_id: 500,
            created: true,
            ..
        }
    )));
}

#[test]
fn the_email_identity_makes_no_user() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(user_calls(&sim), 0);
    let zendesk = |sim: &Sim| {
        sim.world
            .calls
            .iter()
            .filter(|c| c.contains("/api/v2/"))
            .count()
    };
    assert_eq!(zendesk(&sim), 1, "one Zendesk call for a first message");
    let mut whatsapp_sim = Sim::new(whatsapp());
    whatsapp_sim.receive(M1.0, M1.1);
    whatsapp_sim.settle();
    assert_eq!(zendesk(&whatsapp_sim), 2, "the user, then the ticket");
    let created = &sim.world.tickets[0].created;
    assert_eq!(
        created["requester"]["email"],
        "+15550001234@whatsapp.zendesk.com"
    );
    assert!(created.get("requester_id").is_none());
}

#[test]
fn every_fault_on_the_user_call_still_makes_one_user_and_one_ticket() {
    for fault in ALL_FAULTS {
        let mut sim = Sim::new(whatsapp());
        sim.world.faults = [Some(fault)].into();
        sim.receive(M1.0, M1.1);
        sim.settle();
        let what = format!("{fault:?} on create_or_update");
        sim.check_invariants(&what);
        assert_eq!(sim.world.users.len(), 1, "{what}: one user");
        assert_eq!(sim.world.tickets.len(), 1, "{what}: one ticket");
        assert_eq!(
            sim.world.tickets[0].created["requester_id"], 500,
            "{what}: the ticket names the user"
        );
        assert_eq!(sim.world.sent.len(), 1, "{what}: one confirmation");
    }
}

#[test]
fn a_refused_phone_identity_makes_the_user_without_it() {
    let mut sim = Sim::new(whatsapp());
    sim.world.phone_taken = true;
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.check_invariants("phone refused");
    assert_eq!(user_calls(&sim), 2, "once with the number, once without");
    assert!(sim.world.users[0].get("identities").is_none());
    assert_eq!(sim.world.users[0]["external_id"], "whatsapp:+15550001234");
    assert_eq!(sim.world.tickets[0].created["requester_id"], 500);
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::RequesterPhoneRefused { .. })));
    // The log line names the customer masked, never in clear.
    let line = crate::core::events::log::log_line(
        sim.events
            .iter()
            .find(|e| matches!(e, DomainEvent::RequesterPhoneRefused { .. }))
            .unwrap(),
        &sim.conv().masked(),
    );
    let text = line.finish(&[]);
    assert!(!text.contains(CUSTOMER), "{text}");
    assert!(sim.conv().backend.state().requester_phone_refused);
}

#[test]
fn a_user_refused_for_good_fails_the_message_with_the_apology() {
    let mut sim = Sim::new(whatsapp());
    sim.world.faults = [Some(Fault::Status(403))].into();
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.check_invariants("user refused");
    assert!(sim.world.tickets.is_empty());
    assert_eq!(sim.world.sent.len(), 1, "the apology");
}
