//! A conversation at its storage limits, the agents' side (`agents::limits`): settled agent
//! replies let go, and a check that finds more comments than fit. The customers' side is in
//! `limits.rs`, whose measure of the stored value these tests share.

use super::limits::{arrives_while_down, encoded_len, KB};
use super::*;
use crate::core::conversation::agents;
use crate::core::conversation::agents::limits as replies_budget;
use crate::core::stored::v7;

/// An agent's comment `i` of `size` bytes, starting with a marker found nowhere else.
fn agent_text(i: usize, size: usize) -> String {
    let head = format!("<reply {i:03}> here is what to do. ");
    format!("{head}{}", "y".repeat(size - head.len()))
}

#[test]
fn a_settled_agent_reply_let_go_stays_small() {
    let long = "\u{1}é".repeat(10 * KB);
    let mut r = AgentReply {
        comment_id: u64::MAX,
        ticket_id: u64::MAX,
        text: long.clone(),
        received_ms: u64::MAX,
        state: AgentReplyState::Undeliverable {
            reason: long.clone(),
        },
        sent_sids: (0..100).map(|_| long.clone()).collect(),
        tried_template: false,
        attachments: (0..50)
            .map(|i| zendesk::Attachment {
                id: i,
                file_name: long.clone(),
                content_type: long.clone(),
                content_url: long.clone(),
                size: u64::MAX,
            })
            .collect(),
        delivery: Some(crate::core::delivery::DeliveryStatus::PartiallyDelivered),
        error_code: Some(u32::MAX),
        retry: Retry {
            attempts: u32::MAX,
            step_started_ms: Some(u64::MAX),
            not_before_ms: u64::MAX,
            last_error: Some(long.clone()),
            verify_first: true,
        },
    };
    r.compact_settled();
    let stored = v7::AgentReply::from(&r);
    let size = stored_len(&stored);
    assert!(
        size <= replies_budget::SETTLED_REPLY_MAX_BYTES,
        "{size} bytes: {}",
        serde_json::to_string(&stored).unwrap()
    );
    assert!(r.text.is_empty() && r.attachments.is_empty());
}

#[test]
fn two_hundred_settled_agent_replies_of_8_kb_stay_under_the_budget() {
    // A week of agents' long replies, all sent (a successful delivery status does not reach
    // the conversation: the Worker logs it from the callback URL).
    let mut sim = Sim::with_ticket(config());
    for i in 0..KEEP_FINISHED_MAX {
        sim.agent_writes(&agent_text(i, 8 * KB));
        sim.zendesk_calls();
        sim.settle();
        sim.now += 1_000;
    }
    let conv = sim.conv();
    let settled = conv
        .agents
        .agent_replies
        .iter()
        .filter(|r| r.is_settled())
        .count();
    assert_eq!(settled, replies_budget::KEEP_SETTLED_REPLIES_MAX);
    let kept: usize = conv.agents.agent_replies.iter().map(|r| r.text.len()).sum();
    assert!(
        kept <= replies_budget::SETTLED_KEPT_BUDGET_BYTES,
        "{kept} bytes of agents' texts kept"
    );
    // The newest still has what its template fallback needs: the variable's cut.
    let newest = conv.agents.agent_replies.last().unwrap();
    assert_eq!(
        newest.text,
        twilio::take_utf16(
            &agent_text(KEEP_FINISHED_MAX - 1, 8 * KB),
            agents::TEMPLATE_TEXT_CHARS
        )
    );
    assert_eq!(
        sim.world.sent.len(),
        1 + KEEP_FINISHED_MAX * 6,
        "each in 6 parts"
    );
    let replies = stored_len(
        &(conv.agents.agent_replies.iter())
            .map(v7::AgentReply::from)
            .collect::<Vec<_>>(),
    );
    assert!(
        replies <= replies_budget::AGENT_REPLIES_BYTES,
        "{replies} bytes of agents' replies"
    );
    // Then Zendesk goes down and the customer's queue fills up to its budget.
    sim.world.zendesk_down = true;
    for i in 0..10 {
        arrives_while_down(&mut sim, i, 60 * KB);
    }
    assert!(
        sim.conv().inbound.messages.iter().any(|m| m.is_refused()),
        "full"
    );
}

#[test]
fn a_check_that_finds_100_comments_of_60_kb_holds_what_fits_and_tells_the_agents() {
    let mut sim = Sim::with_ticket(config());
    let n = 100;
    let ids: Vec<u64> = (0..n)
        .map(|i| sim.agent_writes(&agent_text(i, 60 * KB)))
        .collect();
    sim.zendesk_calls();
    // The check, by hand: its answer is applied (and stored) before anything is sent.
    let Some(Effect::Call(check)) = sim.step_past_budget(Event::Wake).effect else {
        panic!("expected the ticket check");
    };
    sim.world.now = sim.now;
    let answer = sim.world.perform(&check);
    sim.step(Event::AnsweredLast(answer));
    let stored = encoded_len(&sim);
    assert!(stored <= STORED_BUDGET_BYTES, "{stored} bytes stored");
    sim.wake_at = Some(sim.now);
    sim.settle();
    assert!(
        sim.largest_stored <= STORED_BUDGET_BYTES,
        "at its largest {} bytes were stored",
        sim.largest_stored
    );
    let conv = sim.conv();
    // The first fits and is sent whole; none of the others is lost silently.
    let sent: Vec<&String> = sim.world.sent.iter().map(|(_, b)| b).collect();
    assert!(sent
        .iter()
        .any(|b| b.starts_with(&format!("<reply {:03}>", 0))));
    let told = |id: u64| {
        sim.world
            .notes
            .iter()
            .filter(|(_, note)| note.contains(&format!("comment {id})")))
            .count()
    };
    for (i, &id) in ids.iter().enumerate() {
        let r = conv
            .agents
            .agent_replies
            .iter()
            .find(|r| r.comment_id == id);
        let r = r.unwrap_or_else(|| panic!("reply {i} recorded"));
        match &r.state {
            AgentReplyState::Sent { .. } => {}
            AgentReplyState::Undeliverable { reason } => {
                assert!(reason.contains("KiB"), "{reason}");
                assert_eq!(told(id), 1, "the agents are told about reply {i} once");
            }
            other => panic!("reply {i}: {other:?}"),
        }
    }
    let undeliverable = conv
        .agents
        .agent_replies
        .iter()
        .filter(|r| matches!(r.state, AgentReplyState::Undeliverable { .. }))
        .count();
    assert!(undeliverable >= n - 2, "{undeliverable} undeliverable");
    assert!(sim.events.iter().any(|e| matches!(
        e,
        DomainEvent::AgentReplyUndeliverable {
            cause: Cause::TooLarge {
                budget_bytes: 65_536,
                ..
            },
            ..
        }
    )));
}
