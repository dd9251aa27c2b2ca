//! Scenarios of customers' messages: tickets, comments, replies, through every fault.

use super::*;

#[test]
fn the_happy_path_makes_one_ticket_two_comments_one_reply() {
    let mut sim = Sim::new(config());
    reference(&mut sim);
    assert_reference_outcome(&sim, "no faults");
    assert_eq!(
        sim.world.tickets[0].comments.len(),
        3,
        "three quick messages: ticket + 2 comments"
    );
    assert_eq!(sim.world.calls.len(), 4);
}

#[test]
fn every_single_fault_at_every_call_keeps_exactly_once() {
    let calls = {
        let mut sim = Sim::new(config());
        reference(&mut sim);
        sim.world.calls.len()
    };
    for k in 0..calls + 3 {
        for fault in ALL_FAULTS {
            let mut sim = Sim::new(config());
            sim.world.faults = (0..k).map(|_| None).chain([Some(fault)]).collect();
            reference(&mut sim);
            assert_reference_outcome(&sim, &format!("{fault:?} at call {k}"));
            // The fault really happened (past the reference's last call it may not).
            if k < calls {
                assert!(
                    sim.world.faults.is_empty(),
                    "{fault:?} at call {k} never fired"
                );
            }
        }
    }
}

#[test]
fn every_pair_of_faults_keeps_exactly_once() {
    for k1 in 0..5 {
        for k2 in k1 + 1..7 {
            for f1 in ALL_FAULTS {
                for f2 in ALL_FAULTS {
                    let mut sim = Sim::new(config());
                    let mut script: Vec<Option<Fault>> = vec![None; k2 + 1];
                    script[k1] = Some(f1);
                    script[k2] = Some(f2);
                    sim.world.faults = script.into();
                    reference(&mut sim);
                    let what = format!("{f1:?}@{k1} then {f2:?}@{k2}");
                    assert_reference_outcome(&sim, &what);
                    // Both faults happened whenever the run made that many calls.
                    if sim.world.calls.len() > k2 {
                        assert!(sim.world.faults.is_empty(), "{what}: a fault never fired");
                    }
                }
            }
        }
    }
}

#[test]
fn duplicates_at_any_moment_change_nothing() {
    for after_calls in 0..6 {
        for fault in [None, Some(Fault::TimeoutAfter), Some(Fault::CrashAfter)] {
            let mut sim = Sim::new(config());
            sim.world.faults = [fault].into();
            sim.receive(M1.0, M1.1);
            // let the machine make `after_calls` calls, delivering a duplicate before each alarm
            for _ in 0..after_calls {
                assert!(sim.receive(M1.0, M1.1), "a known sid is a duplicate");
                if let Some(t) = sim.wake_at {
                    sim.now = sim.now.max(t);
                    sim.alarm();
                }
            }
            for _ in 0..3 {
                assert!(sim.receive(M1.0, M1.1));
            }
            sim.settle();
            sim.check_invariants(&format!("duplicates after {after_calls} calls, {fault:?}"));
            assert_eq!(sim.world.tickets.len(), 1);
            assert_eq!(sim.world.sent.len(), 1);
            assert!(sim.conv().message("SM1").unwrap().duplicates >= 3);
        }
    }
}

#[test]
fn a_duplicate_arriving_while_a_call_is_in_flight_waits_for_it() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    let out = sim.step_past_budget(Event::Wake);
    assert!(matches!(out.effect, Some(Effect::Call(_))));
    // Twilio's retry of the same message arrives while the ticket call is out...
    assert!(sim.receive(M1.0, M1.1), "recognised as a duplicate");
    assert_eq!(sim.conv().message("SM1").unwrap().duplicates, 1);
    // ...and the alarm it asks for must not start another call
    let again = sim.step(Event::Wake);
    assert!(
        matches!(again.effect, Some(Effect::WakeAt(_))),
        "{:?}",
        again.effect
    );
}

#[test]
fn rate_limits_are_honoured_with_retry_after() {
    let mut sim = Sim::new(config());
    sim.world.faults = [Some(Fault::RateLimited(30)), Some(Fault::RateLimited(30))].into();
    let start = sim.now;
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.check_invariants("429 twice");
    assert_eq!(sim.world.tickets.len(), 1);
    assert!(
        sim.now - start >= 60_000,
        "waited the two Retry-After periods"
    );
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::Retrying {
            of: RetryOf::Message {
                retry_after_secs: Some(30),
                ..
            },
            ..
        }
    )));
}

#[test]
fn permanent_errors_fail_the_message_with_one_apology() {
    for status in [400, 401, 403, 404, 422] {
        let mut sim = Sim::new(config());
        sim.world.faults = [Some(Fault::Status(status))].into();
        sim.receive(M1.0, M1.1);
        sim.settle();
        sim.check_invariants(&format!("{status}"));
        let conv = sim.conv();
        let m = conv.message("SM1").unwrap();
        assert!(
            matches!(m.ticket, TicketStep::Failed { .. }),
            "{status}: {m:?}"
        );
        assert_eq!(sim.world.sent.len(), 1);
        assert_eq!(sim.world.sent[0].1, twilio::APOLOGY_TEXT);
        assert!(sim
            .events
            .iter()
            .any(|e| matches!(e, DomainEvent::TicketFailed { cause, .. } if cause.status() == Some(status))));
        assert_eq!(sim.world.calls.len(), 2, "{status}: not retried");
    }
}

#[test]
fn transient_failures_give_up_after_the_retry_window() {
    let mut sim = Sim::new(config());
    sim.world.faults = (0..1000).map(|_| Some(Fault::Status(503))).collect();
    sim.receive(M1.0, M1.1);
    // the apology also meets 503s: it gives up on it too, as "failed"
    sim.settle();
    let conv = sim.conv();
    let m = conv.message("SM1").unwrap();
    assert!(
        matches!(m.ticket, TicketStep::Failed { ref reason } if reason.starts_with("gave up after")),
        "{m:?}"
    );
    assert!(
        matches!(
            m.reply,
            ReplyStep::Failed { .. } | ReplyStep::Unknown { .. }
        ),
        "{m:?}"
    );
    let elapsed_h = (sim.now - 1_800_000_000_000) as f64 / 3_600_000.0;
    assert!((24.0..=50.0).contains(&elapsed_h), "{elapsed_h} hours");
    let attempts = sim.world.calls.len();
    // about 200 calls a day for the ticket, as many for the apology: exponential, capped at 10 min
    assert!(
        (20..=500).contains(&attempts),
        "{attempts} calls: backoff is exponential and capped"
    );
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::TicketFailed {
            cause: Cause::GaveUp { .. },
            ..
        } | DomainEvent::ReplyGaveUp { .. }
    )));
}

#[test]
fn a_closed_ticket_starts_a_follow_up() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.world.tickets[0].closed = true;
    sim.receive(M2.0, M2.1);
    sim.receive(M3.0, M3.1);
    sim.settle();
    sim.check_invariants("closed");
    assert_eq!(sim.world.tickets.len(), 2);
    let follow = &sim.world.tickets[1];
    assert_eq!(follow.follow_up_of, Some(sim.world.tickets[0].id));
    assert_eq!(
        follow.comments[0].0, "thanks",
        "a follow-up is never rejected by triage"
    );
    assert_eq!(
        follow.comments[1].0, M3.1,
        "the next message comments on the follow-up"
    );
    assert_eq!(sim.world.sent.len(), 2, "confirmation of each ticket");
    assert!(sim.world.sent[1]
        .1
        .starts_with(&format!("Ticket #{} created", follow.id)));
    let conv = sim.conv();
    assert!(matches!(
        conv.message("SM2").unwrap().ticket,
        TicketStep::Created {
            follow_up_of: Some(_),
            ..
        }
    ));
}

#[test]
fn a_deleted_ticket_starts_a_new_one() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    sim.world.tickets[0].deleted = true;
    sim.receive(M2.0, M2.1);
    sim.settle();
    sim.check_invariants("deleted");
    assert_eq!(sim.world.tickets.len(), 2);
    assert_eq!(sim.world.tickets[1].follow_up_of, None);
}

#[test]
fn greetings_before_any_ticket_ask_for_details_and_then_a_ticket_follows() {
    let mut sim = Sim::new(config());
    sim.receive("SMa", "hi");
    sim.receive("SMb", M1.1);
    sim.settle();
    sim.check_invariants("greeting first");
    assert_eq!(sim.world.sent[0].1, twilio::MORE_DETAILS_TEXT);
    assert_eq!(sim.world.tickets.len(), 1);
    assert_eq!(sim.world.tickets[0].comments[0].0, M1.1);
}

#[test]
fn a_pressed_button_is_an_answer_never_refused_as_a_greeting() {
    let mut sim = Sim::new(config());
    let msg = InboundMessage {
        message_sid: "SMbutton".into(),
        account_sid: None,
        from: Sender::Phone(CUSTOMER.into()),
        body: "Yes".into(),
        num_media: 0,
        media: vec![],
        extra_media: vec![],
        location: None,
        kind: crate::core::form::MessageKind::ButtonReply {
            payload: Some("confirm".into()),
        },
        addressed: Default::default(),
        user_id: None,
    };
    let out = sim.step(received(msg));
    if let Some(Effect::WakeAt(t)) = out.effect {
        sim.wake_at = Some(t);
    }
    sim.settle();
    assert_eq!(
        sim.world.tickets.len(),
        1,
        "a ticket, not a request for details"
    );
    assert_eq!(
        sim.conv().inbound.messages[0].content.name(),
        "button_reply"
    );
}

#[test]
fn a_chatty_customer_is_merged_into_few_updates() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    for i in 0..60 {
        sim.receive(&format!("SMc{i}"), &format!("detail number {i}"));
    }
    sim.settle();
    sim.check_invariants("chatty");
    let t = &sim.world.tickets[0];
    let updates = t.comments.len() - 1;
    assert!(updates <= 2, "60 pending messages became {updates} updates");
    let all: String = t.comments[1..]
        .iter()
        .map(|(b, _)| b.clone())
        .collect::<Vec<_>>()
        .join("\n\n");
    let expected: Vec<String> = (0..60).map(|i| format!("detail number {i}")).collect();
    assert_eq!(all, expected.join("\n\n"), "in order, none lost");
}

#[test]
fn steady_follow_ups_stay_under_zendesks_per_ticket_limit() {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    // one message every 10 seconds for 10 minutes, alarms running in between
    let start = sim.now;
    for i in 0..60u64 {
        let arrival = start + 10_000 * (i + 1);
        while let Some(t) = sim.wake_at.filter(|&t| t <= arrival) {
            sim.now = sim.now.max(t);
            sim.alarm();
        }
        sim.now = arrival;
        sim.receive(&format!("SMs{i}"), &format!("step {i}"));
    }
    sim.settle();
    let t = &sim.world.tickets[0];
    let times = &sim.world.update_times;
    let busiest = times
        .iter()
        .map(|&start| {
            times
                .iter()
                .filter(|&&x| x >= start && x < start + 600_000)
                .count()
        })
        .max()
        .unwrap();
    assert!(busiest <= 30, "{busiest} updates in one 10-minute window");
    assert!(t.comments.len() - 1 < 60, "some messages were merged");
    let all: Vec<String> = t.comments[1..].iter().map(|(b, _)| b.clone()).collect();
    let expected: Vec<String> = (0..60).map(|i| format!("step {i}")).collect();
    assert_eq!(
        all.join("\n\n"),
        expected.join("\n\n"),
        "in order, none lost"
    );
    sim.check_invariants("steady");
}

#[test]
fn follow_up_acknowledgement_is_configurable() {
    let mut cfg = config();
    cfg.followup_ack = true;
    let mut sim = Sim::new(cfg);
    reference(&mut sim);
    sim.check_invariants("ack on");
    assert_eq!(sim.world.sent.len(), 3);
    assert_eq!(
        sim.world.sent[1].1,
        twilio::comment_added_text(sim.world.tickets[0].id)
    );
}

#[test]
fn a_lost_create_answer_past_the_idempotency_window_is_found_by_external_id() {
    let mut sim = Sim::new(config());
    // the create times out after creating; then Zendesk is down for three hours
    sim.world.faults = [Some(Fault::TimeoutAfter)]
        .into_iter()
        .chain((0..30).map(|_| Some(Fault::TimeoutBefore)))
        .collect();
    sim.world.idempotency.clear();
    sim.receive(M1.0, M1.1);
    // forget idempotency keys as Zendesk does after 2 hours
    for _ in 0..200 {
        let Some(t) = sim.wake_at else { break };
        sim.now = sim.now.max(t);
        if sim.now - 1_800_000_000_000 > 2 * 3_600_000 {
            sim.world.idempotency.clear();
        }
        sim.alarm();
    }
    sim.check_invariants("external id");
    assert_eq!(sim.world.tickets.len(), 1, "found, not created again");
    assert!(sim
        .world
        .calls
        .iter()
        .any(|c| c.contains("external_id=SM1")));
}

#[test]
fn the_stored_state_survives_json_and_the_view_shows_no_text() {
    let mut sim = Sim::new(config());
    sim.world.faults = [Some(Fault::Status(503))].into();
    sim.receive(M1.0, M1.1);
    sim.alarm();
    let conv = sim.conv();
    let v = view(&conv, "SM1", sim.now).unwrap();
    assert_eq!(v.status, MessageStatus::WaitingToRetry);
    assert_eq!(v.customer, "+1555***1234");
    assert_eq!(v.attempts, 1);
    assert!(v.last_error.as_deref().unwrap().contains("503"));
    assert!(
        !serde_json::to_string(&v).unwrap().contains("dashboard"),
        "no message text in the view"
    );
    sim.settle();
    let v = view(&sim.conv(), "SM1", sim.now).unwrap();
    assert_eq!(v.status, MessageStatus::Done);
    assert_eq!(v.outcome, MessageOutcome::TicketCreated);
    assert!(
        sim.conv().message("SM1").unwrap().content.text().is_empty(),
        "text dropped once finished"
    );
    assert!(view(&sim.conv(), "SMnope", sim.now).is_none());
}

/// The wake-up is kept with its reason, and the alarm that answers it says which timer fired
/// (an operator reading "why did this conversation wake at 10:02" gets an answer).
#[test]
fn the_alarm_says_which_timer_fired() {
    let mut sim = Sim::new(config());
    sim.world.faults = [Some(Fault::Status(503))].into();
    sim.receive(M1.0, M1.1);
    sim.alarm();
    let wake = sim.conv().wake.expect("a retry is armed");
    assert_eq!(wake.timer, Timer::MessageRetry);
    assert_eq!(Some(wake.at_ms), sim.wake_at);
    let fired = |sim: &Sim| -> Vec<DomainEvent> {
        sim.events
            .iter()
            .filter(|e| matches!(e, DomainEvent::TimerFired { .. }))
            .cloned()
            .collect()
    };
    assert!(fired(&sim).is_empty());
    sim.now = wake.at_ms + 7;
    sim.alarm();
    assert_eq!(
        fired(&sim),
        vec![DomainEvent::TimerFired {
            timer: "message_retry",
            late_ms: 7
        }]
    );
    assert_eq!(sim.world.tickets.len(), 1);
}

/// One customer writing a message every `interval_ms`, `count` times, alarms running in
/// between: the longest a message waited to be on the ticket, and the most updates the ticket
/// took in any 10 minutes.
fn chatter(interval_ms: u64, count: u64) -> (u64, usize) {
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    sim.settle();
    let start = sim.now;
    let arrival = |i: u64| start + interval_ms * (i + 1);
    for i in 0..count {
        while let Some(t) = sim.wake_at.filter(|&t| t <= arrival(i)) {
            sim.now = sim.now.max(t);
            sim.alarm();
        }
        sim.now = arrival(i);
        sim.receive(&format!("SMs{i}"), &format!("chat line {i}."));
    }
    sim.settle();
    sim.check_invariants("chatter");
    let t = &sim.world.tickets[0];
    let times = &sim.world.update_times;
    let on_ticket = |i: u64| {
        let line = format!("chat line {i}.");
        let at = t.comments[1..]
            .iter()
            .position(|(body, _)| body.split("\n\n").any(|l| l == line))
            .unwrap_or_else(|| panic!("{line} is on the ticket"));
        times[at]
    };
    let longest = (0..count).map(|i| on_ticket(i) - arrival(i)).max().unwrap();
    let busiest = times
        .iter()
        .map(|&from| {
            times
                .iter()
                .filter(|&&x| x >= from && x < from + 600_000)
                .count()
        })
        .max()
        .unwrap();
    (longest, busiest)
}

#[test]
fn a_chatty_customer_is_on_the_ticket_within_a_minute() {
    // 40 messages, one every 2 s (the case); one a second for half an hour; one every
    // 20 s for an hour: each on the ticket within 60 s, Zendesk's 30 updates per ticket per
    // 10 minutes never reached (the gateway keeps to TICKET_UPDATE_BUDGET).
    for (interval_ms, count) in [(2_000, 40), (1_000, 1_800), (20_000, 180)] {
        let (longest, busiest) = chatter(interval_ms, count);
        assert!(
            longest <= 60_000,
            "every {interval_ms} ms: a message waited {longest} ms"
        );
        assert!(
            busiest <= TICKET_UPDATE_BUDGET,
            "every {interval_ms} ms: {busiest} updates in 10 minutes"
        );
    }
}

#[test]
fn a_photo_burst_is_on_the_ticket_within_a_minute() {
    let (interval_ms, count) = (2_000u64, 30u64);
    let mut sim = Sim::new(config());
    sim.world.media_size = 1_000;
    sim.receive(M1.0, M1.1);
    sim.settle();
    let start = sim.now;
    let arrival = |i: u64| start + interval_ms * (i + 1);
    for i in 0..count {
        while let Some(t) = sim.wake_at.filter(|&t| t <= arrival(i)) {
            sim.now = sim.now.max(t);
            sim.alarm();
        }
        sim.now = arrival(i);
        let sid = format!("MM{i:032x}");
        let m = super::media::media(&sid, 0, "image/jpeg");
        sim.receive_with(&sid, &format!("photo {i}."), vec![m], None);
    }
    sim.settle();
    let t = &sim.world.tickets[0];
    let times = &sim.world.update_times;
    let on_ticket = |i: u64| {
        let line = format!("photo {i}.");
        let at = t.comments[1..]
            .iter()
            .position(|(body, _)| body.split("\n\n").any(|l| l == line))
            .unwrap_or_else(|| panic!("{line} is on the ticket"));
        times[at]
    };
    let waits: Vec<u64> = (0..count)
        .map(|i| (on_ticket(i) - arrival(i)) / 1000)
        .collect();
    eprintln!("comments: {}, waits (s): {waits:?}", t.comments.len());
    assert!(waits.iter().all(|&w| w <= 60), "{waits:?}");
}
