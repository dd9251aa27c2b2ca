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

    pub(super) fn zendesk_event(&mut self, event: crate::core::ticket_owner::TicketEvent) {
        let out = self.step(Event::AgentActivity(event));
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
    }

    pub(super) fn status(&mut self, sid: &str, status: &str, code: Option<u32>) {
        let out = self.step(Event::DeliveryStatus {
            sid: sid.into(),
            status: status.into(),
            error_code: code,
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
        conv.agent_replies[0].state,
        AgentReplyState::Sent { template: false }
    ));
    assert!(sim.logs.iter().any(|l| l.contains("agent.reply_sent")));
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
        sim.conv().agent_replies[0].delivery.as_deref(),
        Some("undelivered")
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
            .logs
            .iter()
            .find(|l| l.contains("twilio.reply_ambiguous"))
            .expect("the ambiguous answer is logged");
        assert!(
            ambiguous.contains("answer without a message sid"),
            "{ambiguous}"
        );
        let sent: Vec<&String> = sim
            .logs
            .iter()
            .filter(|l| l.contains("twilio.reply_sent"))
            .collect();
        assert_eq!(sent.len(), 1, "{fault:?}: {sent:?}");
        assert!(sent[0].contains(sid.as_str()) && !sent[0].contains("unknown"));
        assert!(
            sent[0].contains(&format!("\"reconciled\":{sent_by_the_first}")),
            "{}",
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
        let bodies: Vec<&str> = sim.world.sent[1..]
            .iter()
            .map(|(_, b)| b.as_str())
            .collect();
        assert_eq!(bodies, vec![text], "{what}: one WhatsApp message");
        let conv = sim.conv();
        let r = &conv.agent_replies[0];
        assert!(
            matches!(r.state, AgentReplyState::Sent { template: false }),
            "{what}"
        );
        assert_eq!(r.sent_sids, vec![sim.world.sent[1].0.clone()], "{what}");
        assert!(sim
            .logs
            .iter()
            .any(|l| l.contains("agent.reply_ambiguous")
                && l.contains("answer without a message sid")));
        let sent: Vec<&String> = sim
            .logs
            .iter()
            .filter(|l| l.contains("agent.reply_sent"))
            .collect();
        assert_eq!(sent.len(), 1, "{what}: {sent:?}");
        assert!(!sent[0].contains("unknown"), "{}", sent[0]);
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
            let bodies: Vec<&str> = sim.world.sent[1..]
                .iter()
                .map(|(_, b)| b.as_str())
                .collect();
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
    let joined: Vec<&str> = sim.world.sent[1..]
        .iter()
        .map(|(_, b)| b.as_str())
        .collect();
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

// ---------- whose event it is ----------

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

// ---------- only agents speak from the business number ----------

impl Sim {
    /// A public comment on the customer's ticket by `author`, whose Zendesk role is `role`
    /// ("none": not in the `users` side-load).
    fn someone_writes(&mut self, body: &str, author: u64, role: &'static str) -> u64 {
        self.world.roles.insert(author, role);
        let t = &mut self.world.tickets[0];
        let id = t.id * 100 + t.comments.len() as u64;
        t.ids.push(id);
        t.comments.push((body.to_string(), Some(author)));
        id
    }

    /// An agent merges another ticket into the customer's, making its notice public: Zendesk
    /// writes it as the agent, quoting the merged ticket's last comment.
    fn zendesk_merges_a_ticket_in(&mut self, quoted: &str) -> u64 {
        let id = self.agent_writes(&format!(
            "Request #4242 \"Refund\" was closed and merged into this request. Last comment in request #4242:\n\n{quoted}"
        ));
        self.world.merges.push(id);
        id
    }

    fn not_forwarded_lines(&self) -> Vec<&String> {
        self.logs
            .iter()
            .filter(|l| l.contains("agent.comment_not_forwarded"))
            .collect()
    }
}

const PHISHING: &str = "Your parcel is held: pay the fee at http://parcel-fee.example/pay";

#[test]
fn a_public_comment_by_an_end_user_who_is_not_the_requester_is_not_sent() {
    let mut sim = Sim::with_ticket(config());
    // a CC'd colleague's e-mail reply, threaded into the ticket by Zendesk
    let cc = sim.someone_writes(PHISHING, 9, "end-user");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(
        sim.world.sent.len(),
        1,
        "only the confirmation: {:?}",
        sim.world.sent
    );
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    let note = &sim.world.notes[0].1;
    assert!(
        note.contains(&format!("comment {cc} (written by an end-user")),
        "{note}"
    );
    let lines = sim.not_forwarded_lines();
    assert_eq!(lines.len(), 1, "{:?}", sim.logs);
    assert!(
        lines[0].contains("\"reason\":\"author_not_agent\"")
            && lines[0].contains("\"author_role\":\"end-user\"")
    );
    assert!(
        !lines[0].contains("parcel"),
        "no text in the log: {}",
        lines[0]
    );
    assert!(sim.conv().agent_replies.is_empty());
    sim.check_invariants("cc comment");
}

#[test]
fn zendesks_merge_notice_is_not_sent_though_an_agent_merged() {
    let mut sim = Sim::with_ticket(config());
    let merge = sim.zendesk_merges_a_ticket_in("My card number is 4111 1111 1111 1111");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1, "{:?}", sim.world.sent);
    assert_eq!(sim.world.notes.len(), 1);
    assert!(
        sim.world.notes[0]
            .1
            .contains(&format!("comment {merge} (Zendesk's merge notice")),
        "{}",
        sim.world.notes[0].1
    );
    let lines = sim.not_forwarded_lines();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("\"reason\":\"merge\"") && !lines[0].contains("4111"));
}

#[test]
fn agents_and_admins_replies_are_sent() {
    let mut sim = Sim::with_ticket(config());
    sim.someone_writes("From the agent.", 5, "agent");
    sim.someone_writes("From the admin.", 6, "admin");
    sim.zendesk_calls();
    sim.settle();
    let bodies: Vec<&str> = sim.world.sent[1..]
        .iter()
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(bodies, vec!["From the agent.", "From the admin."]);
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    assert!(sim.not_forwarded_lines().is_empty());
}

#[test]
fn an_author_zendesk_does_not_list_is_not_taken_for_an_agent() {
    let mut sim = Sim::with_ticket(config());
    let c = sim.someone_writes("Who wrote this?", 12, "none");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 1);
    assert!(sim.world.notes[0]
        .1
        .contains(&format!("comment {c} (its author is not among")));
    assert!(sim.not_forwarded_lines()[0].contains("\"reason\":\"author_unknown\""));
}

#[test]
fn the_agents_are_told_once_per_ticket_not_once_per_comment() {
    let mut sim = Sim::with_ticket(config());
    let first = sim.someone_writes(PHISHING, 9, "end-user");
    let second = sim.someone_writes("Thanks all!", 10, "end-user");
    sim.agent_writes("Here is your answer.");
    sim.zendesk_calls();
    sim.settle();
    // later: another CC reply and a merge, and Zendesk's retried webhooks
    sim.someone_writes("Me too", 9, "end-user");
    sim.zendesk_merges_a_ticket_in("another customer's words");
    for _ in 0..2 {
        sim.zendesk_calls();
        sim.settle();
    }
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
    let note = &sim.world.notes[0].1;
    assert!(
        note.contains(&format!("comment {first} ("))
            && note.contains(&format!("comment {second} (")),
        "{note}"
    );
    assert_eq!(
        sim.not_forwarded_lines().len(),
        4,
        "one line per comment, once"
    );
    let bodies: Vec<&str> = sim.world.sent[1..]
        .iter()
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(bodies, vec!["Here is your answer."]);
    let conv = sim.conv();
    assert_eq!(conv.notes.len(), 1);
    assert_eq!(
        conv.notes[0].key,
        format!("not-forwarded:{}", sim.world.tickets[0].id)
    );
}

#[test]
fn the_not_forwarded_note_stays_once_per_ticket_after_written_notes_are_pruned() {
    let mut sim = Sim::with_ticket(config());
    sim.someone_writes(PHISHING, 9, "end-user");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1);
    // Written notes are pruned (200 kept): the note's key is gone from the conversation.
    let mut conv = sim.conv().clone();
    conv.notes.clear();
    sim.stored = serde_json::to_string(&conv).unwrap();
    sim.someone_writes("Me too", 10, "end-user");
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.notes.len(), 1, "{:?}", sim.world.notes);
}

// ---------- lengths as Twilio counts them ----------

#[test]
fn a_reply_of_1600_emoji_arrives_in_parts_twilio_accepts() {
    let mut sim = Sim::with_ticket(config());
    let text = "😀".repeat(1600); // 1,600 characters, 3,200 UTF-16 code units
    sim.agent_writes(&text);
    sim.zendesk_calls();
    sim.settle();
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    let parts: Vec<&str> = sim.world.sent[1..]
        .iter()
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.encode_utf16().count() <= 1600));
    assert_eq!(parts.concat(), text);
    assert!(matches!(
        sim.conv().agent_replies[0].state,
        AgentReplyState::Sent { template: false }
    ));
}

#[test]
fn the_templates_text_fits_twilios_count() {
    let cfg = config_with(&[("TWILIO_AGENT_REPLY_CONTENT_SID", "HXagent")]);
    let mut sim = Sim::with_ticket(cfg);
    sim.now += 25 * 3600 * 1000;
    sim.agent_writes(&"😀".repeat(1200));
    sim.zendesk_calls();
    sim.settle();
    let sent = &sim.world.sent[1].1;
    let vars: Value = serde_json::from_str(sent.trim_start_matches("template HXagent ")).unwrap();
    let text = vars["1"].as_str().unwrap();
    assert_eq!(
        text.encode_utf16().count(),
        super::agent::TEMPLATE_TEXT_CHARS,
        "{}",
        text.chars().count()
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
