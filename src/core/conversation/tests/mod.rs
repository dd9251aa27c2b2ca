//! The conversation state machine driven against a simulated Zendesk and Twilio, over
//! enumerated fault sequences. After every run: each message finished, at most one ticket per
//! MessageSid, each comment written once, and exactly one WhatsApp send per reply recorded.

use super::*;
use crate::core::api_budget::{ApiBudget, BudgetSettings, SlotAnswer, SlotAsk};
use crate::core::config::Config;
use crate::core::http::HttpAnswer;
use crate::core::message_view::{message_view as view, MessageStatus};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};

const CUSTOMER: &str = "+15550001234";

fn config() -> Config {
    config_with(&[])
}

/// The test configuration with more variables set.
fn config_with(extra: &[(&'static str, &'static str)]) -> Config {
    let mut vars = vec![
        ("UPSTREAM_TIMEOUT_MS", "1000"),
        ("RETRY_WINDOW_HOURS", "24"),
    ];
    vars.extend(extra.iter().copied());
    crate::core::config::for_tests(&vars)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Status(u16),
    RateLimited(u64),
    /// No answer, and the request never reached the API.
    TimeoutBefore,
    /// The API did the work, but its answer was lost.
    TimeoutAfter,
    Network,
    /// The isolate died while the call was in flight, after the API did the work.
    CrashAfter,
    /// The isolate died before the request left.
    CrashBefore,
    /// A 200 with an HTML page (a proxy's), and the request never reached the API.
    HtmlBefore,
    /// The API did the work, but the answer was replaced by a 200 with an HTML page.
    HtmlAfter,
    /// This call answers 503, and Zendesk answers every call with 503 for `OUTAGE_MS`: longer
    /// than the retry window, so what was being tried when it began is given up.
    Outage,
}

/// How long an `Outage` lasts: past the test configuration's 24-hour retry window.
const OUTAGE_MS: u64 = 24 * 3600 * 1000 + 30 * 60 * 1000;

const HTML_PAGE: &str = "<html><body><h1>Thank you</h1></body></html>";

fn html_page() -> Exchange {
    Exchange::Answered(HttpAnswer {
        status: 200,
        headers: vec![("content-type".into(), "text/html".into())],
        body: HTML_PAGE.into(),
    })
}

const ALL_FAULTS: [Fault; 11] = [
    Fault::Status(500),
    Fault::Status(502),
    Fault::Status(503),
    Fault::RateLimited(1),
    Fault::TimeoutBefore,
    Fault::TimeoutAfter,
    Fault::Network,
    Fault::CrashAfter,
    Fault::CrashBefore,
    Fault::HtmlBefore,
    Fault::HtmlAfter,
];

fn answer(status: u16, body: Value) -> Exchange {
    Exchange::Answered(HttpAnswer {
        status,
        headers: vec![],
        body: body.to_string(),
    })
}

/// Drives a conversation: messages arrive at given times; the alarm loop runs the machine;
/// every call goes through the world with the next scripted fault. The state is stored and
/// reloaded (in its stored form) around every call, as the Durable Object does. A clone is a
/// fork of both worlds (to run many fault scripts from one starting point).
#[derive(Clone)]
struct Sim {
    stored: String,
    /// The archive's rows (`fin:<MessageSid>` -> text), as the Durable Object keeps them.
    archive: std::collections::BTreeMap<String, String>,
    world: World,
    now: u64,
    wake_at: Option<u64>,
    /// Every domain event the machine emitted, in order.
    events: Vec<DomainEvent>,
    cfg: Config,
    jitter_seed: u64,
    /// The largest stored state seen after any step (bytes of JSON).
    largest_stored: usize,
    /// The typing indicators the machine asked for (`Output::typing`), in order.
    typing: Vec<(String, HttpRequest)>,
    /// The account's Zendesk budget (unlimited unless a test sets it), the asks it answered;
    /// `None`: it cannot be asked.
    budget: Option<(ApiBudget, BudgetSettings)>,
    budget_asks: Vec<SlotAsk>,
}

impl Sim {
    fn new(cfg: Config) -> Self {
        let conv = Conversation::new(Sender::Phone(CUSTOMER.into()));
        Sim {
            stored: stored_form::encode(&conv).unwrap(),
            archive: Default::default(),
            world: World::default(),
            now: 1_800_000_000_000,
            wake_at: None,
            events: vec![],
            cfg,
            jitter_seed: 7,
            largest_stored: 0,
            typing: vec![],
            budget: Some(budget_of(Some(100_000))),
            budget_asks: vec![],
        }
    }

    fn load(&self) -> Conversation {
        stored_form::decode(&self.stored).unwrap().0
    }

    fn jitter(&mut self) -> f64 {
        self.jitter_seed = self
            .jitter_seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.jitter_seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn step(&mut self, mut event: Event) -> Output {
        // As the shell does: the archived row the event is about goes with it.
        match &mut event {
            Event::Received {
                message, archived, ..
            } if archived.is_none() => {
                *archived = self
                    .archive
                    .get(&stored_form::archive_key(&message.message_sid))
                    .and_then(|t| stored_form::decode_archived(t))
                    .map(Box::new);
            }
            Event::DeliveryStatus { sid, archived, .. } if archived.is_none() => {
                *archived = self
                    .archive
                    .values()
                    .filter_map(|t| stored_form::decode_archived(t))
                    .find(|m| matches!(&m.reply, ReplyStep::Sent { sid: s, .. } if s == sid))
                    .map(Box::new);
            }
            _ => {}
        }
        let mut conv = self.load();
        let jitter = self.jitter();
        let ctx = Ctx {
            now_ms: self.now,
            jitter,
            config: &self.cfg,
            conversation_id: "abc",
            number: None,
        };
        let out = conv.step(event, &ctx);
        self.stored = stored_form::encode(&conv).unwrap();
        self.largest_stored = self.largest_stored.max(self.stored.len());
        self.events.extend(out.events.iter().cloned());
        self.typing.extend(out.typing.iter().cloned());
        for m in &out.archived {
            self.archive.insert(
                stored_form::archive_key(&m.sid),
                stored_form::encode_archived(m).unwrap(),
            );
        }
        if let Some(before) = out.prune_archive_before {
            let rows: Vec<Message> = self
                .archive
                .values()
                .filter_map(|t| stored_form::decode_archived(t))
                .collect();
            for m in &rows {
                if m.finished_ms.is_none_or(|t| t < before) {
                    self.archive.remove(&stored_form::archive_key(&m.sid));
                }
            }
            let oldest = rows
                .iter()
                .filter_map(|m| m.finished_ms)
                .filter(|t| *t >= before)
                .min();
            let pruned = self.step(Event::ArchivePruned { oldest_ms: oldest });
            if let Some(Effect::WakeAt(t)) = pruned.effect {
                self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
            }
        }
        out
    }

    /// A text message from the customer, as the webhook reads it.
    fn message(&self, sid: &str, body: &str) -> InboundMessage {
        InboundMessage {
            message_sid: sid.into(),
            account_sid: None,
            from: Sender::Phone(CUSTOMER.into()),
            body: body.into(),
            num_media: 0,
            media: vec![],
            extra_media: vec![],
            location: None,
            kind: Default::default(),
            addressed: Default::default(),
            user_id: None,
        }
    }

    fn receive(&mut self, sid: &str, body: &str) -> bool {
        self.receive_with(sid, body, vec![], None)
    }

    fn receive_with(
        &mut self,
        sid: &str,
        body: &str,
        media: Vec<crate::core::form::MediaRef>,
        location: Option<crate::core::form::Location>,
    ) -> bool {
        let mut msg = self.message(sid, body);
        msg.num_media = media.len() as u32;
        msg.media = media;
        msg.location = location;
        let out = self.step(received(msg));
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
        out.duplicate
    }

    /// `step`, with the budget answering every ask (the call it lets go is the effect).
    fn step_past_budget(&mut self, event: Event) -> Output {
        let mut out = self.step(event);
        while let Some(Effect::AskBudget(ask)) = out.effect {
            let answer = self.budget.as_mut().map(|(b, s)| b.ask(&ask, *s, self.now));
            self.budget_asks.push(ask);
            out = self.step(Event::BudgetAnswered(answer));
        }
        out
    }

    /// One alarm: runs until the machine waits or has nothing to do.
    fn alarm(&mut self) {
        self.wake_at = None;
        let mut out = self.step(Event::Wake);
        for _ in 0..1000 {
            match out.effect.take() {
                None => return,
                Some(Effect::WakeAt(t)) => {
                    self.wake_at = Some(t);
                    return;
                }
                Some(Effect::AskBudget(ask)) => {
                    let answer = self.budget.as_mut().map(|(b, s)| b.ask(&ask, *s, self.now));
                    self.budget_asks.push(ask);
                    self.now += 2;
                    out = self.step(Event::BudgetAnswered(answer));
                }
                Some(effect @ (Effect::Call(_) | Effect::Transfer(_))) => {
                    let req = match effect {
                        Effect::Call(req) => req,
                        Effect::Transfer(t) => {
                            self.world.transfer_limit = t.max_bytes;
                            HttpRequest {
                                method: "TRANSFER",
                                url: t.download.url.clone(),
                                headers: vec![],
                                body: t.upload_url.clone(),
                            }
                        }
                        Effect::WakeAt(_) | Effect::AskBudget(_) => unreachable!(),
                    };
                    self.world.calls.push(format!("{} {}", req.method, req.url));
                    self.world.now = self.now;
                    let down = self.world.zendesk_down
                        || self.world.zendesk_down_until.is_some_and(|t| self.now < t);
                    let fault = if down && req.url.contains("/api/v2/") {
                        Some(Fault::Status(503))
                    } else {
                        self.world.faults.pop_front().flatten()
                    };
                    let exchange = match fault {
                        None => self.world.perform(&req),
                        Some(Fault::Status(s)) => answer(s, json!({"error": "boom"})),
                        Some(Fault::Outage) => {
                            self.world.zendesk_down_until = Some(self.now + OUTAGE_MS);
                            answer(503, json!({"error": "boom"}))
                        }
                        Some(Fault::RateLimited(secs)) => Exchange::Answered(HttpAnswer {
                            status: 429,
                            headers: vec![("retry-after".into(), secs.to_string())],
                            body: "{}".into(),
                        }),
                        Some(Fault::TimeoutBefore) => Exchange::TimedOut,
                        Some(Fault::TimeoutAfter) => {
                            self.world.perform(&req);
                            Exchange::TimedOut
                        }
                        Some(Fault::Network) => Exchange::NetworkError("connection reset".into()),
                        Some(Fault::HtmlBefore) => html_page(),
                        Some(Fault::HtmlAfter) => {
                            self.world.perform(&req);
                            html_page()
                        }
                        Some(Fault::CrashAfter) | Some(Fault::CrashBefore) => {
                            if fault == Some(Fault::CrashAfter) {
                                self.world.perform(&req);
                            }
                            // The isolate is gone: the answer is never applied. The runtime
                            // retries the alarm; the stored in-flight record says what was going on.
                            self.now += 2_000;
                            self.wake_at = Some(self.now);
                            return;
                        }
                    };
                    self.now += 5;
                    out = self.step(Event::Answered(exchange));
                }
            }
        }
        panic!("alarm loop did not settle");
    }

    /// Runs alarms (advancing the clock to each) until nothing is scheduled but the archive's
    /// weekly prune (`prune_archive` runs it).
    fn settle(&mut self) {
        for _ in 0..500 {
            let pruning_only = self.load().wake.is_some_and(|w| {
                w.timer == crate::core::conversation::Timer::ArchivePrune
                    && self.wake_at == Some(w.at_ms)
            });
            match self.wake_at {
                None => return,
                Some(_) if pruning_only => return,
                Some(t) => {
                    self.now = self.now.max(t);
                    self.alarm();
                }
            }
        }
        panic!("never settled: {:?}", self.load());
    }

    /// The conversation with its archive merged back (tests read every message).
    fn conv(&self) -> Conversation {
        let mut conv = self.load();
        for text in self.archive.values() {
            let m = stored_form::decode_archived(text).expect("an archived row reads");
            if conv.message(&m.sid).is_none() {
                conv.inbound.messages.push(m);
            }
        }
        conv.inbound.messages.sort_by_key(|m| match m.finished_ms {
            None => (false, m.received_ms),
            Some(at) => (true, at),
        });
        conv
    }

    /// The invariants every run must keep.
    fn check_invariants(&self, what: &str) {
        let conv = self.conv();
        assert!(conv.in_flight.is_none(), "{what}: a call still in flight");
        for m in &conv.inbound.messages {
            assert!(m.is_finished(), "{what}: {} not finished: {m:?}", m.sid);
            let tickets = self
                .world
                .tickets
                .iter()
                .filter(|t| t.external_id.as_deref() == Some(&m.sid))
                .count();
            assert!(tickets <= 1, "{what}: {} has {tickets} tickets", m.sid);
            if let TicketStep::Created { ticket_id, .. } = m.ticket {
                assert_eq!(tickets, 1, "{what}: {} has no ticket", m.sid);
                assert!(self.world.tickets.iter().any(|t| t.id == ticket_id));
            }
        }
        // every comment body appears once on its ticket
        for t in &self.world.tickets {
            let mut bodies: Vec<&String> = t.comments.iter().map(|(b, _)| b).collect();
            let n = bodies.len();
            bodies.sort();
            bodies.dedup();
            assert_eq!(
                bodies.len(),
                n,
                "{what}: a comment was written twice on #{}: {:?}",
                t.id,
                t.comments
            );
        }
        // one WhatsApp send per reply the machine recorded as sent, none extra
        let recorded: Vec<&String> = conv
            .inbound
            .messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid),
                _ => None,
            })
            .chain(
                conv.agents
                    .agent_replies
                    .iter()
                    .flat_map(|r| r.sent_sids.iter()),
            )
            .collect();
        // A send whose answer was lost and could not be checked is recorded as "unknown"
        // (visible, never repeated): it may or may not have gone out.
        let unknown = conv
            .inbound
            .messages
            .iter()
            .filter(|m| matches!(m.reply, ReplyStep::Unknown { .. }))
            .count()
            + conv
                .agents
                .agent_replies
                .iter()
                .filter(|r| matches!(r.state, AgentReplyState::Undeliverable { .. }))
                .count();
        let sent = self.world.sent.len();
        assert!(
            recorded.len() <= sent && sent <= recorded.len() + unknown,
            "{what}: sends {:?} vs recorded {recorded:?} ({unknown} unknown)",
            self.world.sent
        );
        let mut distinct = recorded.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            recorded.len(),
            "{what}: one send recorded for two replies"
        );
        for sid in recorded {
            assert!(
                self.world.sent.iter().any(|(s, _)| s == sid),
                "{what}: recorded reply {sid} was never sent"
            );
        }
    }
}

const M1: (&str, &str) = (
    "SM1",
    "I can't log into my account, error 404 on the dashboard",
);
const M2: (&str, &str) = ("SM2", "thanks");
const M3: (&str, &str) = ("SM3", "It also happens on my phone");

/// The reference conversation: a ticket, its confirmation, then two follow-ups as comments.
fn reference(sim: &mut Sim) {
    for (sid, body) in [M1, M2, M3] {
        sim.receive(sid, body);
    }
    sim.settle();
}

fn assert_reference_outcome(sim: &Sim, what: &str) {
    sim.check_invariants(what);
    let conv = sim.conv();
    assert_eq!(
        sim.world.tickets.len(),
        1,
        "{what}: tickets {:?}",
        sim.world.tickets
    );
    let t = &sim.world.tickets[0];
    let bodies: Vec<&str> = t.comments.iter().map(|(b, _)| b.as_str()).collect();
    // in order; two follow-ups either as two comments or merged into one
    let joined = bodies.join("\n\n");
    assert_eq!(
        joined,
        format!("{}\n\n{}\n\n{}", M1.1, M2.1, M3.1),
        "{what}: comments {bodies:?}"
    );
    assert!(
        t.comments[1..].iter().all(|(_, a)| *a == Some(77)),
        "{what}: comments authored by the requester"
    );
    assert_eq!(
        sim.world.sent.len(),
        1,
        "{what}: exactly one reply (the confirmation): {:?}",
        sim.world.sent
    );
    assert!(
        sim.world.sent[0]
            .1
            .starts_with(&format!("Ticket #{} created", t.id)),
        "{what}"
    );
    assert!(matches!(
        conv.message("SM1").unwrap().ticket,
        TicketStep::Created { .. }
    ));
    assert!(
        matches!(
            conv.message("SM2").unwrap().ticket,
            TicketStep::Commented { .. }
        ),
        "{what}: thanks is a comment"
    );
}

mod agents;
mod archive;
mod forwarding;
mod identity;
mod inbound;
mod languages;
mod limits;
mod limits_agents;
mod media;
mod notices;
mod owners;
mod properties;
mod satisfaction;
mod stored;
mod typing;
mod world;
use world::{SimTicket, World};
mod zendesk_events;

/// A message as the webhook hands it over, at the gateway's test origin.
pub(super) fn received(message: InboundMessage) -> Event {
    Event::Received {
        message,
        origin: "https://gw.example".into(),
        received_at_ms: None,
        archived: None,
    }
}

/// A stored conversation's text in the form v5 and v6 gateways wrote (`"v": v`): each
/// message's content a bare label beside its `body`, `media` and `location` text.
pub(super) fn stored_in_v6_form(text: &str, v: u64) -> Value {
    let mut value: Value = serde_json::from_str(text).unwrap();
    value["v"] = v.into();
    for m in value["conversation"]["messages"].as_array_mut().unwrap() {
        let mut label = m["content"].as_object().unwrap().clone();
        let body = ["text", "caption", "emoji"]
            .iter()
            .find_map(|k| label.remove(*k))
            .unwrap_or_else(|| "".into());
        let files = ["files", "cards"].iter().find_map(|k| label.remove(*k));
        let location = label.remove("place").map(|p| {
            let place: crate::core::form::Location = serde_json::from_value(p).unwrap();
            Value::from(place.describe())
        });
        let m = m.as_object_mut().unwrap();
        m.insert("body".into(), body);
        m.insert("media".into(), files.unwrap_or_else(|| json!([])));
        m.insert("location".into(), location.unwrap_or(Value::Null));
        m.insert("content".into(), Value::Object(label));
    }
    value
}

/// A budget of `per_min` calls a minute, as the coordinator starts.
fn budget_of(per_min: Option<u32>) -> (ApiBudget, BudgetSettings) {
    let settings = BudgetSettings {
        per_min,
        updates_per_min: per_min.map(|p| p.min(300)),
    };
    (ApiBudget::new(1, settings, 1_800_000_000_000), settings)
}

/// `step`, with the account's Zendesk budget letting every call go (for tests of other things
/// that step by hand).
fn step_past_budget(conv: &mut Conversation, event: Event, ctx: &Ctx) -> Output {
    let mut out = conv.step(event, ctx);
    while let Some(Effect::AskBudget(_)) = out.effect {
        let go = SlotAnswer::Go {
            account_limit: None,
        };
        out = conv.step(Event::BudgetAnswered(Some(go)), ctx);
    }
    out
}
