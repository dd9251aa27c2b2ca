//! `TYPING_INDICATOR`: asked for once per customer message, as its work begins (its user, its
//! ticket, its files or an acknowledged comment), never on a retry, never for a message that
//! gets no answer, and never when off (the default).

use super::media::media;
use super::*;

fn typing_on(extra: &[(&'static str, &'static str)]) -> Config {
    let mut vars = vec![("TYPING_INDICATOR", "true")];
    vars.extend_from_slice(extra);
    config_with(&vars)
}

fn typed(sim: &Sim) -> Vec<&str> {
    sim.typing.iter().map(|(sid, _)| sid.as_str()).collect()
}

#[test]
fn off_by_default() {
    let mut sim = Sim::new(config());
    reference(&mut sim);
    assert!(sim.typing.is_empty());
}

#[test]
fn once_as_the_ticket_is_made_with_the_inbound_sid_not_for_an_unacknowledged_comment() {
    let mut sim = Sim::new(typing_on(&[]));
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(typed(&sim), [M1.0]);
    let (_, request) = &sim.typing[0];
    assert_eq!(
        request.url,
        "https://messaging.twilio.com/v2/Indicators/Typing.json"
    );
    assert_eq!(request.body, format!("messageId={}&channel=whatsapp", M1.0));
    // Added to the open ticket without an acknowledgement: no answer follows, no indicator.
    sim.receive(M2.0, M2.1);
    sim.settle();
    assert_eq!(typed(&sim), [M1.0]);
    sim.check_invariants("typing");
}

#[test]
fn an_acknowledged_comment_and_a_follow_up_ticket_get_one() {
    let mut sim = Sim::new(typing_on(&[("FOLLOWUP_ACK", "true")]));
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.receive(M2.0, M2.1);
    sim.settle();
    sim.world.tickets[0].closed = true;
    sim.receive(M3.0, M3.1);
    sim.settle();
    sim.check_invariants("acknowledged");
    assert_eq!(typed(&sim), [M1.0, M2.0, M3.0]);
}

#[test]
fn never_again_on_a_retry_whatever_the_fault() {
    for fault in ALL_FAULTS {
        let mut sim = Sim::new(typing_on(&[]));
        sim.world.faults = [Some(fault), Some(fault)].into();
        sim.receive(M1.0, M1.1);
        sim.settle();
        sim.check_invariants(&format!("{fault:?}"));
        assert_eq!(typed(&sim), [M1.0], "{fault:?}: once");
    }
}

#[test]
fn once_for_a_file_and_before_the_user_but_not_for_a_message_asked_for_details() {
    let mut sim = Sim::new(typing_on(&[]));
    sim.world.media_size = 1000;
    sim.receive_with("MM1", "", vec![media("MM1", 1, "image/jpeg")], None);
    sim.settle();
    assert_eq!(typed(&sim), ["MM1"], "as the file's copy begins, once");
    let mut sim = Sim::new(typing_on(&[("REQUESTER_IDENTITY", "whatsapp")]));
    sim.receive(M1.0, M1.1);
    sim.settle();
    assert_eq!(
        typed(&sim),
        [M1.0],
        "as the user is made, not again for the ticket"
    );
    let mut sim = Sim::new(typing_on(&[]));
    sim.receive("SM9", "hi");
    sim.settle();
    assert!(sim.typing.is_empty(), "the reply is the next thing sent");
}
