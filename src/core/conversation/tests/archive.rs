//! Finished messages leave the stored value for rows of their own (v6): a late duplicate or a
//! late delivery status still finds its message there, the archive is pruned after a week, and
//! a conversation stored with its whole history (v5) archives it on its first step.

use super::*;
use crate::core::conversation::inbound::limits::{ARCHIVE_PER_STEP_MAX, KEEP_IN_STATE_MAX};

const HOUR: u64 = 3600 * 1000;

/// A customer whose first message (its ticket made and confirmed) is archived: more messages
/// finished after it than the value keeps.
fn archived_first_message() -> Sim {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    for i in 0..KEEP_IN_STATE_MAX {
        sim.now += 60_000;
        sim.receive(&format!("SM2{i}"), &format!("{} (again {i})", M1.1));
        sim.settle();
    }
    assert!(sim.load().message(M1.0).is_none(), "M1 left the value");
    assert!(sim.archive.contains_key(&stored_form::archive_key(M1.0)));
    assert_eq!(sim.archive.len(), 1);
    sim
}

#[test]
fn a_late_duplicate_of_an_archived_message_makes_nothing_and_is_counted_in_its_row() {
    let mut sim = archived_first_message();
    let calls = sim.world.calls.len();
    sim.now += 5 * HOUR;
    assert!(sim.receive(M1.0, M1.1), "a duplicate");
    sim.settle();
    assert_eq!(sim.world.calls.len(), calls, "{:?}", sim.world.calls);
    assert_eq!(sim.world.tickets.len(), 1);
    let row = stored_form::decode_archived(&sim.archive[&stored_form::archive_key(M1.0)]).unwrap();
    assert_eq!(
        row.duplicates, 1,
        "counted where the operator's view reads it"
    );
    assert!(
        sim.load().message(M1.0).is_none(),
        "back in its row after the step"
    );
}

#[test]
fn a_late_delivery_failure_of_an_archived_reply_is_noted_for_the_agents() {
    let mut sim = archived_first_message();
    let conv = sim.conv();
    let ReplyStep::Sent { sid, .. } = &conv.message(M1.0).unwrap().reply else {
        panic!("the confirmation was sent");
    };
    sim.now += 3 * HOUR;
    sim.status(sid, "undelivered", Some(63024));
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    assert!(sim.world.notes[0].1.contains("63024"));
    let row = stored_form::decode_archived(&sim.archive[&stored_form::archive_key(M1.0)]).unwrap();
    assert_eq!(
        row.delivery,
        Some(crate::core::delivery::DeliveryStatus::Undelivered)
    );
}

#[test]
fn a_lost_send_is_not_taken_for_an_archived_reply() {
    // Greetings, each asked for details (the same text), more of them than the value keeps,
    // within two minutes: the first ones are archived. The last one's send is lost before
    // Twilio took it; the look-up finds the earlier replies (same text, minutes old), every
    // one known as sent (the archived ones too), so the last reply is sent again.
    let mut sim = Sim::new(config());
    let greetings = KEEP_IN_STATE_MAX + 2;
    for i in 0..greetings {
        sim.now += 1_000;
        sim.receive(&format!("SMg{i}"), "hello");
        sim.settle();
    }
    assert!(sim.archive.contains_key(&stored_form::archive_key("SMg0")));
    let asked = sim.world.sent[0].1.clone();
    sim.now += 1_000;
    sim.world.faults = [Some(Fault::TimeoutBefore)].into();
    sim.receive("SMlast", "hello again");
    sim.settle();
    let details = sim.world.sent.iter().filter(|(_, t)| *t == asked).count();
    assert_eq!(details, greetings + 1, "the last one was asked too");
    sim.check_invariants("lost send after archiving");
}

#[test]
fn the_archive_is_pruned_a_week_after_its_oldest_message_finished() {
    let mut sim = archived_first_message();
    let wake = sim.load().wake.expect("the prune is scheduled");
    assert_eq!(wake.timer, Timer::ArchivePrune);
    let finished = sim.conv().message(M1.0).unwrap().finished_ms.unwrap();
    assert_eq!(wake.at_ms, finished + KEEP_FINISHED_MS);
    sim.now = wake.at_ms;
    sim.alarm();
    assert!(
        !sim.archive.contains_key(&stored_form::archive_key(M1.0)),
        "M1's row is gone"
    );
    assert!(sim.archive.is_empty());
    assert_eq!(sim.load().inbound.archive_oldest_ms, None);
    assert_eq!(sim.wake_at, None, "nothing left to wake for");
    // (The value's own finished messages, a week old, were dropped on the next arrival.) Two
    // more archived: the prune of the older leaves the newer, whose prune is scheduled.
    for i in 0..KEEP_IN_STATE_MAX + 2 {
        sim.now += 60_000;
        sim.receive(&format!("SM3{i}"), &format!("{} (later {i})", M1.1));
        sim.settle();
    }
    assert_eq!(sim.archive.len(), 2);
    let first = sim.load().inbound.archive_oldest_ms.unwrap();
    sim.now = first + KEEP_FINISHED_MS;
    sim.alarm();
    assert_eq!(sim.archive.len(), 1, "the older row went, the newer stays");
    let next = sim.load().inbound.archive_oldest_ms.unwrap();
    assert!(next > first);
    assert_eq!(sim.wake_at, Some(next + KEEP_FINISHED_MS), "the next prune");
}

#[test]
fn a_customer_stored_with_the_whole_history_archives_it_on_the_first_step() {
    // As a v5 gateway stored it: 150 finished messages in the value.
    let history = 150;
    let mut sim = Sim::new(config());
    for i in 0..history {
        sim.receive(&format!("SMh{i}"), &format!("My order {i} arrived damaged"));
        sim.settle();
        sim.now += 60_000;
    }
    let mut whole = sim.conv();
    whole.inbound.archive_oldest_ms = None;
    sim.stored = stored_in_v6_form(&stored_form::encode(&whole).unwrap(), 5).to_string();
    sim.archive.clear();
    assert!(!sim.receive("SMnew", "My order 99 never arrived"));
    // At most ARCHIVE_PER_STEP_MAX rows in one write (the storage API takes 128 keys at once).
    assert_eq!(sim.archive.len(), ARCHIVE_PER_STEP_MAX);
    sim.settle();
    assert!(sim.load().inbound.messages.len() <= KEEP_IN_STATE_MAX);
    assert_eq!(
        sim.archive.len(),
        history + 1 - KEEP_IN_STATE_MAX,
        "the history beyond what the value keeps, one row each"
    );
    // The history is still recognised.
    assert!(
        sim.receive("SMh3", "again"),
        "a duplicate of an archived message"
    );
}

#[test]
fn a_prune_whose_answer_never_came_is_asked_for_again_by_the_next_alarm() {
    let sim = archived_first_message();
    let mut conv = sim.load();
    let due = conv.inbound.archive_oldest_ms.unwrap() + KEEP_FINISHED_MS;
    let cfg = config();
    let ctx = Ctx {
        now_ms: due,
        jitter: 0.5,
        config: &cfg,
        conversation_id: "abc",
        number: None,
    };
    let first = conv.step(Event::Wake, &ctx);
    assert!(first.prune_archive_before.is_some());
    // The shell's prune failed (the alarm errored, no `ArchivePruned`): the retried alarm asks
    // again.
    let again = conv.step(Event::Wake, &ctx);
    assert_eq!(again.prune_archive_before, first.prune_archive_before);
}

#[test]
fn a_recovered_conversation_prunes_the_rows_its_quarantined_value_archived() {
    let salvage = crate::core::stored::Salvage::default();
    let conv = Conversation::recovered(Sender::Phone(CUSTOMER.into()), &salvage, 1_000);
    assert_eq!(conv.inbound.archive_oldest_ms, Some(1_000));
}
