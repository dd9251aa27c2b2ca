//! Conversations stored by earlier gateways, loaded into the machine and carried on with:
//! stepped to the end against the simulated world, nothing doubled or lost. The stored form's
//! own tests (pinned shape, migrations, salvage) are in `core::stored::tests`.

use super::*;
use crate::core::stored::v7;

/// Commit 0df866a (v1, bare): a ticket made and confirmed, an agent's reply waiting to be
/// read, and a follow-up with a photo not yet handled.
const STORED_BY_0DF866A: &str =
    include_str!("../../stored/fixtures/conversation_stored_by_0df866a.json");
/// Main at f8a4f61 (v5): the first message's ticket being made, its create in flight when the
/// isolate died (its photo already uploaded), and an agent's event for the ticket to be.
const MAKING_A_TICKET: &str =
    include_str!("../../stored/fixtures/main_f8a4f61_a_ticket_being_made.json");
/// Main at f8a4f61 (v5): recovered from a quarantined value (its first message known only by
/// its MessageSid), an agent's reply sent and its failed delivery noted, a comment with a
/// photo in flight when the isolate died, a location queued behind it, a follow-up finished,
/// a ticket check waiting (a new agent's comment), metrics not sent yet.
const WITH_HISTORY: &str =
    include_str!("../../stored/fixtures/main_f8a4f61_a_customer_with_history.json");

const FIRST: &str = "SM0000000000000000000000000000000e";
const THANKS: &str = "SM0000000000000000000000000000000b";
const PHOTO: &str = "MM0000000000000000000000000000000c";
const LOCATION: &str = "SM0000000000000000000000000000000d";

impl Sim {
    /// The simulation, carrying on from `stored`, its interrupted call's time-out past.
    fn from_stored(stored: &str) -> Sim {
        let mut sim = Sim::new(config());
        sim.stored = stored.to_string();
        let conv = sim.conv();
        let started = conv.in_flight.as_ref().map(|f| f.started_ms);
        sim.now = started.unwrap_or(sim.now) + 20_000;
        sim.wake_at = Some(sim.now);
        sim
    }

    fn comments_containing(&self, text: &str) -> usize {
        self.world.tickets[0]
            .comments
            .iter()
            .filter(|(c, _)| c.contains(text))
            .count()
    }
}

#[test]
fn a_conversation_stored_by_0df866a_loads_and_carries_on() {
    let (mut conv, migrated) = stored_form::decode(STORED_BY_0DF866A).unwrap();
    assert!(migrated);
    assert_eq!(conv.backend.open_ticket().map(|t| t.id), Some(1000));
    assert_eq!(conv.pending_count(), 1, "the follow-up is still to do");
    let config = config();
    let ctx = Ctx {
        now_ms: 1_800_000_100_000,
        jitter: 0.5,
        config: &config,
        conversation_id: "abc",
        number: None,
    };
    // The next step is the follow-up's photo, to Zendesk's upload (nothing was lost).
    let out = step_past_budget(&mut conv, Event::Wake, &ctx);
    let Some(Effect::Transfer(transfer)) = out.effect else {
        panic!("expected the photo's transfer, got {:?}", out.effect);
    };
    assert!(transfer.download.url.contains("/Media/ME0123456789abcdef"));
    // Stored again, it is the current version and reads back the same.
    let text = stored_form::encode(&conv).unwrap();
    assert!(text.starts_with("{\"v\":7,"));
    let (again, migrated) = stored_form::decode(&text).unwrap();
    assert!(!migrated);
    assert_eq!(again, conv);
}

#[test]
fn what_main_stored_reads_back_whole() {
    // Written by v5: read as v7 (migrated), and stored again with nothing lost: put back in
    // v6's form, it is what main wrote, the location's text included (read back from its
    // coordinates).
    for text in [MAKING_A_TICKET, WITH_HISTORY] {
        let (conv, migrated) = stored_form::decode(text).unwrap();
        assert!(migrated);
        let again = stored_form::encode(&conv).unwrap();
        assert!(again.starts_with("{\"v\":7,"));
        assert_eq!(
            stored_in_v6_form(&again, 5),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(stored_form::decode(&again).unwrap(), (conv, false));
    }
}

#[test]
fn a_ticket_being_made_when_main_stopped_is_made_once_and_the_early_event_is_read() {
    let mut sim = Sim::from_stored(MAKING_A_TICKET);
    let conv = sim.conv();
    assert!(matches!(
        conv.in_flight.as_ref().map(|f| &f.call),
        Some(Call::Backend(BackendCall::ZendeskSupport(
            ZendeskCall::CreateTicket { .. }
        )))
    ));
    assert_eq!(conv.agents.early_agent_events.len(), 1);
    assert!(!conv.unsent_metrics.is_empty(), "the metrics not sent yet");
    sim.settle();
    sim.check_invariants("carried on");
    assert_eq!(sim.world.tickets.len(), 1, "one ticket");
    assert_eq!(
        sim.world.tickets[0].external_id.as_deref(),
        Some("MM0000000000000000000000000000000a")
    );
    assert_eq!(
        sim.world.tickets[0].created["comment"]["uploads"],
        json!(["tok0"]),
        "with the photo uploaded before the stop"
    );
    assert_eq!(sim.world.sent.len(), 1, "one confirmation");
    assert!(
        agents::calls_since(&sim, 0)
            .iter()
            .any(|c| c == "GET /api/v2/tickets/1000/comments.json"),
        "the early agent event was read once the ticket was known: {:?}",
        sim.world.calls
    );
    assert!(sim.conv().agents.early_agent_events.is_empty());
    // Twilio's retry of the message changes nothing.
    let calls = sim.world.calls.len();
    assert!(sim.receive("MM0000000000000000000000000000000a", "again"));
    sim.settle();
    assert_eq!(sim.world.calls.len(), calls, "{:?}", sim.world.calls);
}

/// The Zendesk and Twilio that main's run of `WITH_HISTORY` left behind.
fn world_of_with_history(sim: &mut Sim) {
    let comments = [
        (
            "I can't log into my account, error 404 on the dashboard",
            77,
        ),
        ("Please send a photo of the damage.", 5),
        ("thanks, will do", 77),
        ("Thanks, we are looking at it.", 5),
    ];
    sim.world.tickets.push(SimTicket {
        id: 1000,
        external_id: Some(FIRST.into()),
        comments: comments
            .iter()
            .map(|(c, a)| (c.to_string(), Some(*a)))
            .collect(),
        ids: vec![100_000, 100_001, 100_002, 100_003],
        ..SimTicket::default()
    });
    sim.world.idempotency.insert(FIRST.into(), 1000);
    sim.world.sent = vec![
        (
            "SM00000000000000000000000000000000".into(),
            "Ticket #1000 created".into(),
        ),
        (
            "SM00000000000000000000000000000001".into(),
            "Please send a photo of the damage.".into(),
        ),
    ];
    sim.world.notes.push((1000, "delivery failed".into()));
}

#[test]
fn a_customer_with_history_stored_by_main_carries_on_with_nothing_doubled_or_lost() {
    let mut sim = Sim::from_stored(WITH_HISTORY);
    world_of_with_history(&mut sim);
    let conv = sim.conv();
    assert!(matches!(
        conv.in_flight.as_ref().map(|f| &f.call),
        Some(Call::Backend(BackendCall::ZendeskSupport(
            ZendeskCall::AddComment { .. }
        )))
    ));
    assert_eq!(
        conv.pending_count(),
        2,
        "the photo's comment and the location"
    );
    assert_eq!(conv.agents.checks, [1000]);
    sim.settle();
    let sent: Vec<&str> = sim.world.sent.iter().map(|(_, b)| b.as_str()).collect();
    assert_eq!(
        sent[2..],
        ["Thanks, we are looking at it."],
        "the new agent's reply, once; the earlier one not again"
    );
    // The first message's confirmation went out before the value was quarantined: the
    // recovered conversation knows the message by its MessageSid only, not that send.
    sim.world.sent.remove(0);
    sim.check_invariants("carried on");
    assert_eq!(sim.world.tickets.len(), 1, "no new ticket");
    assert_eq!(sim.comments_containing("Here it is"), 1, "the photo, once");
    assert_eq!(
        sim.comments_containing("Location shared"),
        1,
        "the location, once"
    );
    assert_eq!(sim.world.attached, ["tok0"], "its file attached");
    assert_eq!(sim.world.notes.len(), 1, "the note was written before");
    // Twilio's retries of every message it recorded (the recovered one included) are
    // duplicates: nothing is made again.
    let calls = sim.world.calls.len();
    for sid in [FIRST, THANKS, PHOTO, LOCATION] {
        assert!(sim.receive(sid, "again"), "{sid} is a duplicate");
    }
    sim.settle();
    assert_eq!(sim.world.calls.len(), calls, "{:?}", sim.world.calls);
    let view = view(&sim.conv(), FIRST, sim.now).unwrap();
    assert_eq!(view.outcome, MessageOutcome::Recovered);
    // And the conversation is stored in the current form, every message finished.
    let stored: v7::Conversation = serde_json::from_value(
        serde_json::from_str::<Value>(&sim.stored).unwrap()["conversation"].clone(),
    )
    .unwrap();
    assert!(stored.messages.iter().all(|m| m.finished_ms.is_some()));
}

#[test]
fn a_file_answer_for_a_file_the_message_no_longer_holds_is_dropped() {
    let (mut conv, _) = stored_form::decode(STORED_BY_0DF866A).unwrap();
    let config = config();
    let mut ctx = Ctx {
        now_ms: 1_800_000_100_000,
        jitter: 0.5,
        config: &config,
        conversation_id: "abc",
        number: None,
    };
    let out = step_past_budget(&mut conv, Event::Wake, &ctx);
    assert!(matches!(out.effect, Some(Effect::Transfer(_))));
    // A newer gateway's value (a rollback), read leniently: its message kind carries the file
    // under a field this version does not name.
    let mut newer: serde_json::Value =
        serde_json::from_str(&stored_form::encode(&conv).unwrap()).unwrap();
    newer["v"] = 8.into();
    for m in newer["conversation"]["messages"].as_array_mut().unwrap() {
        if m["content"]["kind"] == "media" {
            let files = m["content"]["files"].clone();
            m["content"] = serde_json::json!({"kind": "location", "attachments": files});
        }
    }
    let read = stored_form::decode_reporting(&newer.to_string()).unwrap();
    assert_eq!(read.read_newer, Some(8));
    let mut conv = read.conversation;
    assert!(conv.in_flight.is_some());
    ctx.now_ms += 10 * 60 * 1000;
    let _ = conv.step(Event::Wake, &ctx);
}
