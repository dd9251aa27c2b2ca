//! Scenarios of agents' replies, notes and delivery statuses.

use super::*;

// ---------- agents' replies ----------

impl Sim {
    /// An agent writes a public comment on the customer's ticket (Zendesk side).
    pub(super) fn agent_writes(&mut self, body: &str) -> u64 {
        let t = &mut self.world.tickets[0];
        let id = t.id * 100 + t.comments.len() as u64;
        t.ids.push(id);
        t.comments.push((body.to_string(), Some(5)));
        id
    }

    /// Zendesk's webhook: "this ticket changed".
    pub(super) fn zendesk_calls(&mut self) {
        let ticket_id = self.world.tickets[0].id;
        self.zendesk_calls_about(ticket_id, None);
    }

    /// Zendesk's webhook about `ticket_id`, naming its requester's e-mail now.
    pub(super) fn zendesk_calls_about(&mut self, ticket_id: u64, requester_email: Option<String>) {
        self.zendesk_event(crate::core::ticket_owner::TicketEvent {
            ticket_id,
            requester_email,
            ..Default::default()
        });
    }

    /// Zendesk's event, delivered as the shell does (`zendesk_events::deliver`): an event the
    /// conversation only keeps on a guess (no `made_from`, a ticket it does not know) is
    /// delivered again, once the ticket is read, with the message it was made from.
    pub(super) fn zendesk_event(&mut self, event: crate::core::ticket_owner::TicketEvent) {
        let guess = event.made_from.is_none()
            && self.conv().ticket_claim(event.ticket_id, None) == TicketClaim::MayOwn;
        let made_from = self
            .world
            .tickets
            .iter()
            .find(|t| t.id == event.ticket_id)
            .and_then(|t| t.external_id.clone());
        let again = crate::core::ticket_owner::TicketEvent {
            made_from,
            ..event.clone()
        };
        let out = self.step(Event::AgentActivity(event));
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
        if guess && again.made_from.is_some() {
            self.zendesk_event(again);
        }
    }

    pub(super) fn status(&mut self, sid: &str, status: &str, code: Option<u32>) {
        let out = self.step(Event::DeliveryStatus {
            sid: sid.into(),
            status: crate::core::delivery::DeliveryStatus::parse(status).expect("a Twilio status"),
            error_code: code,
            archived: None,
        });
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
    }

    pub(super) fn with_ticket(cfg: Config) -> Sim {
        let mut sim = Sim::new(cfg);
        sim.receive(M1.0, M1.1);
        sim.settle();
        assert_eq!(sim.world.sent.len(), 1, "the confirmation");
        sim
    }
}

#[test]
fn an_agents_public_reply_reaches_the_customer_once() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Hi! Please try resetting your password from the login page.");
    for _ in 0..3 {
        // Zendesk retries its webhook: one WhatsApp message all the same
        sim.zendesk_calls();
        sim.settle();
    }
    assert_eq!(sim.world.sent.len(), 2);
    assert_eq!(
        sim.world.sent[1].1,
        "Hi! Please try resetting your password from the login page."
    );
    let conv = sim.conv();
    assert!(matches!(
        conv.agents.agent_replies[0].state,
        AgentReplyState::Sent { template: false }
    ));
    assert!(sim
        .events
        .iter()
        .any(|e| matches!(e, DomainEvent::AgentReplySent { .. })));
}

#[test]
fn the_gateways_own_comments_and_internal_notes_are_never_echoed() {
    let mut sim = Sim::with_ticket(config());
    sim.receive(M2.0, M2.1); // becomes a comment written as the requester
    sim.settle();
    sim.world
        .notes
        .push((sim.world.tickets[0].id, "internal: check the logs".into()));
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(
        sim.world.sent.len(),
        1,
        "nothing sent back: {:?}",
        sim.world.sent
    );
}

#[test]
fn outside_the_window_the_template_is_used_or_the_agents_are_told() {
    // with a template
    let cfg = config_with(&[("TWILIO_AGENT_REPLY_CONTENT_SID", "HXagent")]);
    let mut sim = Sim::with_ticket(cfg);
    sim.now += 25 * 3600 * 1000;
    sim.agent_writes("Your refund was approved.");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2);
    assert!(
        sim.world.sent[1].1.starts_with("template "),
        "{:?}",
        sim.world.sent[1]
    );
    assert!(sim.world.sent[1].1.contains("Your refund was approved."));

    // without: one internal note, nothing sent
    let mut sim = Sim::with_ticket(config());
    sim.now += 25 * 3600 * 1000;
    sim.agent_writes("Your refund was approved.");
    sim.zendesk_calls();
    sim.settle();
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1);
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    assert!(sim.world.notes[0]
        .1
        .contains("TWILIO_AGENT_REPLY_CONTENT_SID"));
}

#[test]
fn a_failed_delivery_adds_one_internal_note_and_63016_falls_back_to_the_template() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Here is the fix.");
    sim.zendesk_calls();
    sim.settle();
    let sid = sim.world.sent[1].0.clone();
    sim.status(&sid, "sent", None);
    sim.status(&sid, "undelivered", Some(30008));
    sim.status(&sid, "undelivered", Some(30008));
    sim.status(&sid, "delivered", None); // out of order: ignored
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1);
    assert!(
        sim.world.notes[0].1.contains("30008"),
        "{}",
        sim.world.notes[0].1
    );
    assert_eq!(
        sim.conv().agents.agent_replies[0].delivery,
        Some(crate::core::delivery::DeliveryStatus::Undelivered)
    );

    let cfg = config_with(&[("TWILIO_AGENT_REPLY_CONTENT_SID", "HXagent")]);
    let mut sim = Sim::with_ticket(cfg);
    sim.agent_writes("Here is the fix.");
    sim.zendesk_calls();
    sim.settle();
    let sid = sim.world.sent[1].0.clone();
    sim.status(&sid, "failed", Some(63016));
    sim.settle();
    assert_eq!(sim.world.sent.len(), 3);
    assert!(sim.world.sent[2].1.starts_with("template "));
    assert!(sim.world.notes.is_empty());
}

#[test]
fn the_confirmations_failed_delivery_is_noted_on_the_ticket() {
    let mut sim = Sim::with_ticket(config());
    let sid = sim.world.sent[0].0.clone();
    sim.status(&sid, "failed", Some(63003));
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1);
    assert!(sim.world.notes[0].1.contains("63003"));
}

#[test]
fn an_internal_note_on_the_open_ticket_counts_in_its_update_budget() {
    let mut sim = Sim::with_ticket(config());
    let updates = |sim: &Sim| {
        let open = sim.conv().backend.open_ticket().cloned();
        open.map_or(0, |t| t.recent_updates_ms.len())
    };
    let before = updates(&sim);
    let sid = sim.world.sent[0].0.clone();
    sim.status(&sid, "failed", Some(63003));
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1);
    assert_eq!(updates(&sim), before + 1, "the note is one more update");
}

/// The calls made since call `from`, as "METHOD path" without the host and query.
pub(super) fn calls_since(sim: &Sim, from: usize) -> Vec<String> {
    sim.world.calls[from..]
        .iter()
        .map(|c| {
            let (method, url) = c.split_once(' ').unwrap();
            let path = url
                .split_once("://")
                .map_or(url, |(_, r)| &r[r.find('/').unwrap()..]);
            format!("{method} {}", path.split('?').next().unwrap())
        })
        .collect()
}

pub(super) const SEND: &str =
    "POST /2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";
pub(super) const LIST: &str =
    "GET /2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

#[test]
fn a_reply_answered_by_an_html_page_is_looked_for_then_sent_at_most_once() {
    for (fault, sent_by_the_first) in [(Fault::HtmlBefore, false), (Fault::HtmlAfter, true)] {
        let mut sim = Sim::new(config());
        // call 0 creates the ticket, call 1 sends the confirmation
        sim.world.faults = [None, Some(fault)].into();
        sim.receive(M1.0, M1.1);
        sim.settle();
        sim.check_invariants(&format!("{fault:?}"));
        let calls = calls_since(&sim, 1);
        let expected: Vec<&str> = if sent_by_the_first {
            vec![SEND, LIST]
        } else {
            vec![SEND, LIST, SEND]
        };
        assert_eq!(
            calls, expected,
            "{fault:?}: the list before any second send"
        );
        assert_eq!(sim.world.sent.len(), 1, "{fault:?}: one WhatsApp message");
        let conv = sim.conv();
        let ReplyStep::Sent { sid, .. } = &conv.message(M1.0).unwrap().reply else {
            panic!("{fault:?}: not sent: {:?}", conv.message(M1.0));
        };
        assert_eq!(sid, &sim.world.sent[0].0, "{fault:?}: Twilio's sid");
        let ambiguous = sim
            .events
            .iter()
            .find(|e| matches!(e, DomainEvent::ReplyAmbiguous { .. }))
            .expect("the ambiguous answer is told");
        assert!(
            matches!(ambiguous, DomainEvent::ReplyAmbiguous { cause: Cause::Unreadable { what, .. }, .. } if what.contains("answer without a message sid")),
            "{ambiguous:?}"
        );
        let sent: Vec<&DomainEvent> = sim
            .events
            .iter()
            .filter(|e| matches!(e, DomainEvent::ReplySent { .. }))
            .collect();
        assert_eq!(sent.len(), 1, "{fault:?}: {sent:?}");
        assert!(
            matches!(
                sent[0],
                DomainEvent::ReplySent { reply_sid, reconciled, .. }
                    if reply_sid == sid && *reconciled == sent_by_the_first
            ),
            "{fault:?}: {:?}",
            sent[0]
        );
    }
}

#[test]
fn an_agents_reply_answered_by_an_html_page_is_looked_for_then_sent_at_most_once() {
    let text = "Hi! Please try resetting your password from the login page.";
    for (faults, sent_by_the_first) in [
        (vec![None, Some(Fault::HtmlBefore)], false),
        (vec![None, Some(Fault::HtmlAfter)], true),
        // the list itself answered by a page: not taken for "absent", read again
        (
            vec![None, Some(Fault::HtmlAfter), Some(Fault::HtmlBefore)],
            true,
        ),
    ] {
        let what = format!("{faults:?}");
        let mut sim = Sim::with_ticket(config());
        let from = sim.world.calls.len();
        sim.agent_writes(text);
        // call 0 reads the ticket's comments, call 1 sends the reply
        sim.world.faults = faults.clone().into();
        sim.zendesk_calls();
        sim.settle();
        sim.check_invariants(&what);
        let calls = calls_since(&sim, from + 1);
        let mut expected = vec![SEND, LIST];
        if faults.len() == 3 {
            expected.push(LIST);
        }
        if !sent_by_the_first {
            expected.push(SEND);
        }
        assert_eq!(calls, expected, "{what}: the list before any second send");
        let bodies = sim.world.sent_bodies(1);
        assert_eq!(bodies, vec![text], "{what}: one WhatsApp message");
        let conv = sim.conv();
        let r = &conv.agents.agent_replies[0];
        assert!(
            matches!(r.state, AgentReplyState::Sent { template: false }),
            "{what}"
        );
        assert_eq!(r.sent_sids, vec![sim.world.sent[1].0.clone()], "{what}");
        assert!(sim.events.iter().any(|e| matches!(e,
            DomainEvent::AgentReplyAmbiguous { cause: Cause::Unreadable { what, .. }, .. }
                if what.contains("answer without a message sid"))));
        let sent: Vec<&DomainEvent> = sim
            .events
            .iter()
            .filter(|e| matches!(e, DomainEvent::AgentReplySent { .. }))
            .collect();
        assert_eq!(sent.len(), 1, "{what}: {sent:?}");
        assert!(
            matches!(sent[0], DomainEvent::AgentReplySent { reply_sid, .. } if *reply_sid == sim.world.sent[1].0),
            "{:?}",
            sent[0]
        );
    }
}

#[test]
fn zendesk_answering_an_html_page_loses_no_comment_note_or_check() {
    // a comment: looked for, then written once
    for fault in [Fault::HtmlBefore, Fault::HtmlAfter] {
        let mut sim = Sim::with_ticket(config());
        sim.world.faults = [Some(fault)].into();
        sim.receive(M2.0, M2.1);
        sim.settle();
        sim.check_invariants(&format!("{fault:?}"));
        assert_eq!(sim.world.tickets[0].comments.len(), 2, "{fault:?}");
        assert!(matches!(
            sim.conv().message(M2.0).unwrap().ticket,
            TicketStep::Commented { .. }
        ));
    }
    // an internal note: looked for, then written once
    for fault in [Fault::HtmlBefore, Fault::HtmlAfter] {
        let mut sim = Sim::with_ticket(config());
        let sid = sim.world.sent[0].0.clone();
        sim.world.faults = [Some(fault)].into();
        sim.status(&sid, "failed", Some(63003));
        sim.settle();
        assert_eq!(sim.world.notes.len(), 1, "{fault:?}: {:?}", sim.world.notes);
    }
    // the comments of a changed ticket: read again, the agent's reply still goes out
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Fixed on our side.");
    sim.world.faults = [Some(Fault::HtmlBefore)].into();
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 2);
    assert_eq!(sim.world.sent[1].1, "Fixed on our side.");
}

#[test]
fn agent_replies_survive_every_fault_once() {
    for fault in ALL_FAULTS {
        for k in 0..3 {
            let mut sim = Sim::with_ticket(config());
            sim.agent_writes("First answer");
            sim.agent_writes("Second answer");
            sim.world.faults = (0..k).map(|_| None).chain([Some(fault)]).collect();
            sim.zendesk_calls();
            sim.settle();
            sim.zendesk_calls();
            sim.settle();
            let bodies = sim.world.sent_bodies(1);
            assert_eq!(
                bodies,
                vec!["First answer", "Second answer"],
                "{fault:?} at {k}"
            );
            sim.check_invariants(&format!("agent replies, {fault:?} at {k}"));
        }
    }
}

#[test]
fn long_agent_replies_go_out_in_parts() {
    let mut sim = Sim::with_ticket(config());
    let text = "word ".repeat(700);
    sim.agent_writes(&text);
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 4, "3500 characters in three parts");
    let joined = sim.world.sent_bodies(1);
    assert_eq!(joined.join(" "), text.trim());
}

#[test]
fn a_failing_ticket_check_is_retried_with_backoff_not_in_a_loop() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Answer");
    sim.world.faults = (0..5).map(|_| Some(Fault::Status(503))).collect();
    let calls_before = sim.world.calls.len();
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(
        sim.world.calls.len() - calls_before,
        7,
        "5 failed checks, 1 check, 1 send"
    );
    assert_eq!(sim.world.sent.len(), 2);
}

// ---------- a ticket read that fails for good ----------

/// The agents'-side failures the metrics count under `key` (`http_403`, `gave_up`).
fn check_failures(sim: &Sim, key: &str) -> usize {
    let d = crate::core::metrics::Delta::from_events(&sim.events);
    d.failures
        .get(&format!("agent_reply.{key}"))
        .copied()
        .unwrap_or(0) as usize
}

fn check_failed(sim: &Sim) -> Option<&DomainEvent> {
    sim.events
        .iter()
        .find(|e| matches!(e, DomainEvent::CheckFailed { .. }))
}

#[test]
fn a_ticket_read_refused_for_good_becomes_a_note_and_the_next_reply_catches_up() {
    let mut sim = Sim::with_ticket(config());
    let ticket_id = sim.world.tickets[0].id;
    sim.agent_writes("Your refund was approved.");
    sim.world.faults.push_back(Some(Fault::Status(403)));
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(
        sim.world.sent.len(),
        1,
        "not sent: its comments were not read"
    );
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    assert_eq!(sim.world.notes[0].0, ticket_id);
    assert_eq!(
        sim.world.notes[0].1,
        "WhatsApp: the latest public replies on this ticket may NOT have been sent to the customer: Zendesk refused to list this ticket's comments to the gateway (HTTP 403): check the gateway's Zendesk API user and token. They are sent with the next public reply here once the gateway can read the ticket; otherwise, please reach the customer another way."
    );
    assert!(!sim.world.notes[0].1.contains("boom"), "no upstream text");
    assert!(check_failed(&sim).is_some());
    assert_eq!(check_failures(&sim, "http_403"), 1);
    assert!(
        sim.conv().agents.checks.is_empty(),
        "not read again on its own"
    );
    // The next reply's event reads the ticket: both replies go, in order, as the note says.
    sim.agent_writes("And it is on its way.");
    sim.zendesk_calls();
    sim.settle();
    let texts: Vec<&str> = sim.world.sent[1..].iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        texts,
        ["Your refund was approved.", "And it is on its way."]
    );
    assert_eq!(sim.world.notes.len(), 1);
}

#[test]
fn a_ticket_read_failing_past_the_retry_window_becomes_a_note_written_once_zendesk_answers() {
    let mut sim = Sim::with_ticket(config());
    let ticket_id = sim.world.tickets[0].id;
    sim.agent_writes("Your refund was approved.");
    sim.world.zendesk_down = true;
    sim.zendesk_calls();
    while check_failed(&sim).is_none() {
        let at = sim.wake_at.expect("retried until the window is spent");
        sim.now = sim.now.max(at);
        sim.alarm();
    }
    assert_eq!(check_failures(&sim, "gave_up"), 1);
    assert!(sim.world.notes.is_empty(), "Zendesk is still down");
    assert_eq!(
        sim.conv().agents.notes.len(),
        1,
        "the note waits for Zendesk"
    );
    sim.world.zendesk_down = false;
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    assert_eq!(sim.world.notes[0].0, ticket_id);
    assert!(
        sim.world.notes[0].1.contains("may NOT have been sent to the customer: the gateway could not read this ticket's comments for 24 hours (last: HTTP 503)."),
        "{}",
        sim.world.notes[0].1
    );
    assert_eq!(sim.world.sent.len(), 1, "not sent");
    sim.check_invariants("check gave up");
}

#[test]
fn a_ticket_gone_when_its_comments_are_read_is_logged_and_counted_not_noted() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("Your refund was approved.");
    sim.world.faults.push_back(Some(Fault::Status(404)));
    sim.zendesk_calls();
    sim.settle();
    // A deleted ticket takes no note (Zendesk would answer 404 again): nothing is tried.
    assert!(
        sim.conv().agents.notes.is_empty(),
        "{:?}",
        sim.conv().agents.notes
    );
    assert!(!sim.world.calls.iter().any(|c| c.starts_with("PUT")));
    let line = check_failed(&sim);
    assert!(
        matches!(
            line,
            Some(DomainEvent::CheckFailed {
                outcome: crate::core::events::CheckFailure::TicketGone,
                ..
            })
        ),
        "{line:?}"
    );
    assert_eq!(check_failures(&sim, "http_404"), 1);
}
