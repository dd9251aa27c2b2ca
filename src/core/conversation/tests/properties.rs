//! Randomised histories, budgets, pruning and stored bookkeeping.

use super::*;

// ---------- properties ----------

mod random_histories {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn fault() -> impl Strategy<Value = Option<Fault>> {
        prop_oneof![
            6 => Just(None),
            1 => prop::sample::select(ALL_FAULTS.to_vec()).prop_map(Some),
            1 => prop::sample::select(vec![400u16, 404, 422]).prop_map(|s| Some(Fault::Status(s))),
        ]
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// Message k (of a small set) arrives, for the first time or again.
        Deliver(usize),
        /// Some time passes and the alarm runs.
        Alarm(u64),
        /// An agent answers and Zendesk calls (maybe twice).
        AgentReply(bool),
        /// The customer's ticket gets closed.
        Close,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0usize..5).prop_map(Step::Deliver),
            3 => (0u64..120_000).prop_map(Step::Alarm),
            1 => any::<bool>().prop_map(Step::AgentReply),
            1 => Just(Step::Close),
        ]
    }

    const BODIES: [&str; 5] = [
        "I can't log into my account, error 404 on the dashboard",
        "thanks",
        "The invoice number is wrong, please fix it",
        "hi",
        "My parcel is broken and I need a replacement",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever arrives, in whatever order, with whatever faults: every message ends, none
        /// has two tickets, no comment is written twice, every WhatsApp send is recorded once.
        #[test]
        fn invariants_hold_for_random_histories(
            steps in proptest::collection::vec(step(), 1..25),
            faults in proptest::collection::vec(fault(), 0..30),
        ) {
            let faults_given = faults.clone();
            let mut sim = Sim::new(config());
            sim.world.faults = faults.into();
            let mut agent_comments = 0;
            for s in steps {
                match s {
                    Step::Deliver(k) => { sim.receive(&format!("SMp{k}"), BODIES[k]); }
                    Step::Alarm(dt) => {
                        sim.now += dt;
                        if sim.wake_at.is_some_and(|t| t <= sim.now) { sim.alarm(); }
                    }
                    Step::AgentReply(twice) => {
                        if !sim.world.tickets.is_empty() {
                            agent_comments += 1;
                            sim.agent_writes(&format!("agent answer {agent_comments}"));
                            sim.zendesk_calls();
                            if twice { sim.zendesk_calls(); }
                        }
                    }
                    Step::Close => {
                        if let Some(t) = sim.world.tickets.last_mut() { t.closed = true; }
                    }
                }
            }
            sim.world.faults.clear();
            sim.settle();
            sim.check_invariants("random history");
            // each agent comment reached the customer's WhatsApp (the simulated world, not the
            // machine's own records) at most once, and if not, a note on its ticket says so
            for k in 1..=agent_comments {
                let text = format!("agent answer {k}");
                let received = sim.world.sent.iter().filter(|(_, body)| *body == text).count();
                prop_assert!(received <= 1, "{} received {} times", text, received);
            }
            let injected: Vec<Fault> = faults_given.iter().flatten().copied().collect();
            assert_sent_once_or_noted(&sim, &injected, "random history");
        }
    }
}

#[test]
fn a_webhook_arriving_while_comments_are_read_is_not_lost() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("First answer");
    sim.zendesk_calls();
    // the alarm starts reading the comments...
    let out = sim.step_past_budget(Event::Wake);
    let Some(Effect::Call(req)) = out.effect else {
        panic!("expected the comment read, got {:?}", out.effect)
    };
    let answer = sim.world.perform(&req);
    // ...meanwhile the agent writes again and Zendesk calls
    sim.agent_writes("Second answer");
    sim.zendesk_calls();
    let _ = sim.step(Event::Answered(answer));
    sim.wake_at = Some(sim.now);
    sim.settle();
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies, vec!["First answer", "Second answer"]);
    sim.check_invariants("recheck");
}

#[test]
fn an_invocation_that_spends_its_call_budget_hands_over_cleanly() {
    let mut sim = Sim::new(config());
    for (sid, body) in [M1, M2, M3] {
        sim.receive(sid, body);
    }
    let out = sim.step_past_budget(Event::Wake);
    let Some(Effect::Call(req)) = out.effect else {
        panic!("{:?}", out.effect)
    };
    let answer = sim.world.perform(&req);
    sim.world.calls.push(format!("{} {}", req.method, req.url));
    let out = sim.step(Event::AnsweredLast(answer));
    assert_eq!(
        out.effect,
        Some(Effect::WakeAt(sim.now)),
        "asks for the next alarm instead of a call"
    );
    assert!(sim.conv().in_flight.is_none(), "no call left in flight");
    sim.wake_at = Some(sim.now);
    sim.settle();
    assert_reference_outcome(&sim, "budget hand-over");
    assert_eq!(
        sim.world.calls.len(),
        4,
        "no verification call: nothing was interrupted"
    );
}

#[test]
fn settled_agent_replies_are_pruned_after_a_week() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Answer");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.conv().agents.agent_replies.len(), 1);
    sim.now += KEEP_FINISHED_MS + 1;
    sim.receive("SMlater", "another question, I need help");
    sim.settle();
    assert!(
        sim.conv().agents.agent_replies.is_empty(),
        "pruned once settled and old"
    );
    assert!(
        sim.conv().message(M1.0).is_none(),
        "old finished messages pruned too"
    );
}

#[test]
fn files_that_cannot_go_with_a_template_are_noted_for_the_agents() {
    let cfg = config_with(&[("TWILIO_AGENT_REPLY_CONTENT_SID", "HXagent")]);
    let mut sim = Sim::with_ticket(cfg);
    sim.now += 25 * 3600 * 1000;
    let id = sim.agent_writes("Your invoice is attached.");
    sim.world.agent_files.insert(id, json!([{"id": 1, "file_name": "invoice.pdf", "content_type": "application/pdf", "content_url": "https://acme.zendesk.com/f/1", "size": 10}]));
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2, "the template only");
    assert!(sim.world.sent[1].1.starts_with("template "));
    assert_eq!(sim.world.notes.len(), 1);
    assert!(
        sim.world.notes[0].1.contains("not delivered: invoice.pdf"),
        "{}",
        sim.world.notes[0].1
    );
    sim.check_invariants("template with files");
}

#[test]
fn a_message_stores_its_retry_bookkeeping_as_its_own_fields() {
    // Conversations stored by earlier versions keep loading: the message's attempts, backoff
    // and last error are fields of the message itself, not a nested object.
    let mut sim = Sim::new(config());
    sim.receive(M1.0, M1.1);
    let mut stored: Value = serde_json::from_str(&sim.stored).unwrap();
    let m = &mut stored["conversation"]["messages"][0];
    m["attempts"] = 2.into();
    m["step_started_ms"] = 5.into();
    m["not_before_ms"] = 123.into();
    m["last_error"] = "create_ticket: http 503".into();
    m["verify_first"] = true.into();
    let (conv, _) = stored_form::decode(&stored.to_string()).unwrap();
    let retry = &conv.inbound.messages[0].retry;
    assert_eq!(
        (retry.attempts, retry.step_started_ms, retry.not_before_ms),
        (2, Some(5), 123)
    );
    assert_eq!(retry.last_error.as_deref(), Some("create_ticket: http 503"));
    assert!(retry.verify_first);
    let written: Value = serde_json::from_str(&stored_form::encode(&conv).unwrap()).unwrap();
    let m = &written["conversation"]["messages"][0];
    assert!(m.get("retry").is_none(), "{m}");
    assert_eq!(m["attempts"], 2);
    assert_eq!(m["not_before_ms"], 123);
    assert_eq!(m["verify_first"], true);
}

#[test]
fn an_agent_answering_before_the_create_answer_arrives_is_not_dropped() {
    let mut sim = Sim::new(config());
    // Zendesk creates the ticket, but its answer never reaches the gateway (the isolate is
    // gone); an agent answers at once and Zendesk's webhook names a ticket not known yet.
    sim.world.faults.push_back(Some(Fault::CrashAfter));
    sim.receive(M1.0, M1.1);
    sim.alarm();
    assert_eq!(sim.world.tickets.len(), 1, "the ticket exists in Zendesk");
    assert!(
        sim.conv().backend.tickets().is_empty(),
        "but the gateway does not know it"
    );
    sim.agent_writes("We are on it: your account is unlocked.");
    sim.zendesk_calls();
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::UnknownTicket { .. })));
    sim.settle();
    let texts: Vec<&str> = sim.world.sent.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        texts
            .iter()
            .filter(|t| **t == "We are on it: your account is unlocked.")
            .count(),
        1,
        "the agent's reply reached the customer once: {texts:?}"
    );
    assert!(sim.conv().agents.early_agent_events.is_empty());
    // The ticket is entered in the directory, under this conversation's id, so later events
    // find it whoever the ticket's requester becomes.
    let ticket_id = sim.world.tickets[0].id;
    let entered = sim.conv().unsent_metrics.directory.iter().any(|e| {
        e.key == crate::core::metrics::DirectoryKey::Ticket(ticket_id) && e.conversation == "abc"
    });
    assert!(entered);
}

// ---------- no agent's reply ends silently ----------

/// Whether `note` tells the agents that the reply `comment_id` was not sent: a note naming the
/// comment (an undeliverable reply), or one about the ticket's latest replies (`unsent`).
fn tells_not_sent(note: &str, comment_id: u64) -> bool {
    let names = note.contains(&format!("comment {comment_id})"));
    (names && (note.contains("was not delivered") || note.contains("did not receive")))
        || note.contains("was NOT sent to the customer")
        || note.contains("may NOT have been sent to the customer")
}

/// Every public comment an agent wrote (and a genuine event announced) reached the customer's
/// WhatsApp at most once, and if not once, an internal note on its ticket says it was not sent.
/// The only silence allowed is where no note can be written, logged at error level: the ticket
/// is gone (404), or Zendesk refused the note for good or stayed down past the retry window:
/// and only when such a fault was injected.
fn assert_sent_once_or_noted(sim: &Sim, faults: &[Fault], what: &str) {
    let conv = sim.conv();
    let known = conv.backend.tickets();
    for t in &sim.world.tickets {
        // Only genuine events: a ticket the conversation neither knows nor is making (one
        // Zendesk made after the gateway gave up on its message) is refused as not its own,
        // and the shell answers Zendesk `ignored` (an orphan, `zendesk_events::deliver`).
        let refused = sim
            .events
            .iter()
            .any(|e| matches!(e, DomainEvent::NotOwner { ticket_id } if *ticket_id == t.id));
        if refused && !known.iter().any(|k| k.id == t.id) {
            continue;
        }
        let agents = t
            .comments
            .iter()
            .zip(&t.ids)
            .filter(|((_, a), _)| *a == Some(5));
        for ((text, _), &comment_id) in agents {
            let received = sim.world.sent.iter().filter(|(_, b)| b == text).count();
            assert!(received <= 1, "{what}: {text:?} received {received} times");
            if received == 1 {
                continue;
            }
            let noted = sim
                .world
                .notes
                .iter()
                .any(|(tid, n)| *tid == t.id && tells_not_sent(n, comment_id));
            if noted {
                continue;
            }
            let gone = sim.events.iter().any(|e| {
                matches!(e, DomainEvent::CheckFailed {
                    ticket_id,
                    outcome: crate::core::events::CheckFailure::TicketGone,
                    ..
                } if *ticket_id == t.id)
            });
            let note_lost = sim.events.iter().any(
                |e| matches!(e, DomainEvent::NoteFailed { ticket_id, .. } if *ticket_id == t.id),
            );
            let refused = faults
                .iter()
                .any(|f| matches!(f, Fault::Status(400..=499)) || *f == Fault::Outage);
            assert!(
                (gone && faults.contains(&Fault::Status(404))) || (note_lost && refused),
                "{what}: comment {comment_id} neither sent nor noted: sent {:?}, notes {:?}",
                sim.world.sent,
                sim.world.notes
            );
        }
    }
}

/// The faults of the agents' path: every transient one, a long outage, and Zendesk's or
/// Twilio's refusals (403 for good, 404 a ticket gone).
fn agent_path_faults() -> Vec<Fault> {
    let mut all = ALL_FAULTS.to_vec();
    all.extend([Fault::Outage, Fault::Status(403), Fault::Status(404)]);
    all
}

/// Backoff up to an hour (not 10 minutes): an outage's day of retries in a few dozen alarms.
fn agent_path_config() -> Config {
    config_with(&[("RETRY_MAX_DELAY_MS", "3600000")])
}

/// An agent answers on a known ticket and Zendesk's event arrives: what follows is the
/// comment read, the send, its look-up, the notes.
fn agent_answers_on_a_known_ticket() -> Sim {
    let mut sim = Sim::with_ticket(agent_path_config());
    sim.agent_writes("Your replacement ships today.");
    sim.zendesk_calls();
    sim
}

/// An agent answers at once, before Zendesk's answer to the ticket's create reached the
/// gateway (it was lost): the event, delivered by the shell with the ticket's maker, is kept.
/// What follows is the ticket's look-up, the confirmation, the comment read, the send, ...
fn agent_answers_before_the_ticket_is_known() -> Sim {
    let mut sim = Sim::new(agent_path_config());
    sim.world.faults = [Some(Fault::CrashAfter)].into();
    sim.receive(M1.0, M1.1);
    sim.alarm();
    assert!(sim.conv().backend.tickets().is_empty(), "not known yet");
    sim.agent_writes("Already on it: your account is unlocked.");
    let ticket_id = sim.world.tickets[0].id;
    sim.zendesk_event(crate::core::ticket_owner::TicketEvent {
        ticket_id,
        made_from: Some(M1.0.into()),
        ..Default::default()
    });
    sim
}

/// Runs `start` to the end with `faults` at the given calls (counted from `start`).
fn run_agent_path(start: &Sim, faults: &[(usize, Fault)]) {
    let mut sim = start.clone();
    let last = faults.iter().map(|(k, _)| *k).max().unwrap_or(0);
    let mut script = vec![None; last + 1];
    for (k, f) in faults {
        script[*k] = Some(*f);
    }
    sim.world.faults = script.into();
    sim.settle();
    let what = format!("{faults:?}");
    let injected: Vec<Fault> = faults.iter().map(|(_, f)| *f).collect();
    assert_sent_once_or_noted(&sim, &injected, &what);
    sim.check_invariants(&what);
}

#[test]
fn every_agent_reply_is_sent_once_or_noted_through_every_single_fault() {
    for start in [
        agent_answers_on_a_known_ticket(),
        agent_answers_before_the_ticket_is_known(),
    ] {
        run_agent_path(&start, &[]);
        for k in 0..8 {
            for f in agent_path_faults() {
                run_agent_path(&start, &[(k, f)]);
            }
        }
    }
}

/// Every pair of faults over the first calls after `start`.
fn every_pair_of_faults(start: &Sim) {
    for k1 in 0..5 {
        for k2 in k1 + 1..7 {
            for f1 in agent_path_faults() {
                for f2 in agent_path_faults() {
                    run_agent_path(start, &[(k1, f1), (k2, f2)]);
                }
            }
        }
    }
}

#[test]
fn every_reply_on_a_known_ticket_is_sent_once_or_noted_through_every_pair_of_faults() {
    every_pair_of_faults(&agent_answers_on_a_known_ticket());
}

#[test]
fn every_reply_before_its_ticket_is_known_is_sent_once_or_noted_through_every_pair_of_faults() {
    every_pair_of_faults(&agent_answers_before_the_ticket_is_known());
}
