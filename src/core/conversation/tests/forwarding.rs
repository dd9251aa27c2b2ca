//! What of a ticket's comments reaches WhatsApp: only agents' and admins' public replies (never
//! a CC's, an e-mail reply's or a merge notice), and in parts as Twilio counts its length.

use super::*;
use crate::core::events::NotForwarded;

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

    /// Why each comment was not sent, and its author's role, in order.
    fn not_forwarded(&self) -> Vec<(NotForwarded, Option<&str>)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                DomainEvent::CommentNotForwarded {
                    reason,
                    author_role,
                    ..
                } => Some((*reason, author_role.as_deref())),
                _ => None,
            })
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
    let lines = sim.not_forwarded();
    assert_eq!(lines.len(), 1, "{:?}", sim.events);
    assert_eq!(lines[0], (NotForwarded::NotAnAgent, Some("end-user")));
    // The event carries no text of the comment (so neither does its log line).
    assert!(
        !format!("{:?}", sim.events).contains("parcel"),
        "no text in the events: {:?}",
        sim.events
    );
    assert!(sim.conv().agents.agent_replies.is_empty());
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
    let lines = sim.not_forwarded();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, NotForwarded::Merge);
    assert!(!format!("{:?}", sim.events).contains("4111"));
}

#[test]
fn agents_and_admins_replies_are_sent() {
    let mut sim = Sim::with_ticket(config());
    sim.someone_writes("From the agent.", 5, "agent");
    sim.someone_writes("From the admin.", 6, "admin");
    sim.zendesk_calls();
    sim.settle();
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies, vec!["From the agent.", "From the admin."]);
    assert!(sim.world.notes.is_empty(), "{:?}", sim.world.notes);
    assert!(sim.not_forwarded().is_empty());
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
    assert_eq!(sim.not_forwarded()[0].0, NotForwarded::UnknownAuthor);
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
    assert_eq!(sim.not_forwarded().len(), 4, "one line per comment, once");
    let bodies = sim.world.sent_bodies(1);
    assert_eq!(bodies, vec!["Here is your answer."]);
    let conv = sim.conv();
    assert_eq!(conv.agents.notes.len(), 1);
    assert_eq!(
        conv.agents.notes[0].key,
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
    conv.agents.notes.clear();
    sim.stored = stored_form::encode(&conv).unwrap();
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
    let parts = sim.world.sent_bodies(1);
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.encode_utf16().count() <= 1600));
    assert_eq!(parts.concat(), text);
    assert!(matches!(
        sim.conv().agents.agent_replies[0].state,
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
        crate::core::conversation::agents::TEMPLATE_TEXT_CHARS,
        "{}",
        text.chars().count()
    );
}
