//! The conversation state machine driven against a simulated Zendesk and Twilio, over
//! enumerated fault sequences. After every run: each message finished, at most one ticket per
//! MessageSid, each comment written once, and exactly one WhatsApp send per reply recorded.

use super::*;
use crate::core::config::Config;
use crate::core::http::HttpAnswer;
use std::collections::{HashMap, VecDeque};

const CUSTOMER: &str = "+15550001234";

fn config() -> Config {
    let vars: HashMap<&str, &str> = HashMap::from([
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_AUTH_TOKEN", "tok"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_API_KEY", "key"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
        ("UPSTREAM_TIMEOUT_MS", "1000"),
        ("RETRY_WINDOW_HOURS", "24"),
    ]);
    Config::from_lookup(|n| vars.get(n).map(|v| v.to_string())).unwrap()
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
}

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

#[derive(Debug, Default)]
struct SimTicket {
    id: u64,
    external_id: Option<String>,
    follow_up_of: Option<u64>,
    closed: bool,
    deleted: bool,
    comments: Vec<(String, Option<u64>)>,
    /// The id of each comment, in the same order.
    ids: Vec<u64>,
}

#[derive(Debug, Default)]
struct World {
    tickets: Vec<SimTicket>,
    idempotency: HashMap<String, u64>,
    sent: Vec<(String, String)>, // (sid, body)
    notes: Vec<(u64, String)>,   // (ticket id, internal note)
    faults: VecDeque<Option<Fault>>,
    calls: Vec<String>,
    now: u64,
    update_times: Vec<u64>,
    /// Size of every file the simulated Twilio serves, and the limit of the transfer asked.
    media_size: u64,
    transfer_limit: u64,
    uploads: Vec<String>,
    /// Upload tokens attached to each ticket's comments.
    attached: Vec<String>,
    /// Files on agents' comments, by comment id.
    agent_files: HashMap<u64, Value>,
}

fn answer(status: u16, body: Value) -> Exchange {
    Exchange::Answered(HttpAnswer {
        status,
        headers: vec![],
        body: body.to_string(),
    })
}

impl World {
    fn ticket_json(t: &SimTicket) -> Value {
        json!({"id": t.id, "requester_id": 77, "status": if t.closed { "closed" } else { "open" }, "external_id": t.external_id})
    }

    /// Carries the request out against the simulated APIs.
    fn perform(&mut self, req: &HttpRequest) -> Exchange {
        if req.method == "TRANSFER" {
            if self.media_size > self.transfer_limit {
                return Exchange::Answered(HttpAnswer {
                    status: 413,
                    headers: vec![("x-media-size".into(), self.media_size.to_string())],
                    body: String::new(),
                });
            }
            let token = format!("tok{}", self.uploads.len());
            self.uploads.push(token.clone());
            return answer(201, json!({"upload": {"token": token, "attachment": {}}}));
        }
        if let Ok(v) = serde_json::from_str::<Value>(&req.body) {
            if let Some(list) = v["ticket"]["comment"]["uploads"].as_array() {
                self.attached
                    .extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
            }
        }
        let path = req
            .url
            .split_once("://")
            .map(|(_, r)| &r[r.find('/').unwrap()..])
            .unwrap();
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        match (req.method, path) {
            ("POST", "/api/v2/tickets.json") => {
                let key = req
                    .headers
                    .iter()
                    .find(|(k, _)| *k == "Idempotency-Key")
                    .map(|(_, v)| v.clone());
                if let Some(id) = key.as_ref().and_then(|k| self.idempotency.get(k)) {
                    let t = self.tickets.iter().find(|t| t.id == *id).unwrap();
                    return answer(201, json!({"ticket": Self::ticket_json(t), "audit": {}}));
                }
                let v: Value = serde_json::from_str(&req.body).unwrap();
                let id = 1000 + self.tickets.len() as u64;
                let t = SimTicket {
                    id,
                    external_id: v["ticket"]["external_id"].as_str().map(str::to_string),
                    follow_up_of: v["ticket"]["via_followup_source_id"].as_u64(),
                    closed: false,
                    deleted: false,
                    comments: vec![(
                        v["ticket"]["comment"]["body"].as_str().unwrap().to_string(),
                        Some(77),
                    )],
                    ids: vec![id * 100],
                };
                let body = json!({"ticket": Self::ticket_json(&t), "audit": {}});
                self.tickets.push(t);
                if let Some(k) = key {
                    self.idempotency.insert(k, id);
                }
                answer(201, body)
            }
            ("GET", "/api/v2/tickets.json") => {
                let ext = query.strip_prefix("external_id=").unwrap_or("");
                let list: Vec<Value> = self
                    .tickets
                    .iter()
                    .filter(|t| t.external_id.as_deref() == Some(ext))
                    .map(Self::ticket_json)
                    .collect();
                answer(200, json!({"tickets": list, "count": list.len()}))
            }
            ("PUT", p) if p.starts_with("/api/v2/tickets/") => {
                let id: u64 = p
                    .trim_start_matches("/api/v2/tickets/")
                    .trim_end_matches(".json")
                    .parse()
                    .unwrap();
                let Some(t) = self.tickets.iter_mut().find(|t| t.id == id && !t.deleted) else {
                    return answer(
                        404,
                        json!({"error": "RecordNotFound", "description": "Not found"}),
                    );
                };
                if t.closed {
                    return answer(
                        422,
                        json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {"status": [{"description": "Status: closed prevents ticket update"}]}}),
                    );
                }
                let v: Value = serde_json::from_str(&req.body).unwrap();
                let c = &v["ticket"]["comment"];
                if c["public"].as_bool() == Some(false) {
                    let body = c["body"].as_str().unwrap().to_string();
                    self.notes.push((id, body));
                    return answer(200, json!({"ticket": Self::ticket_json(t), "audit": {}}));
                }
                t.ids.push(id * 100 + t.comments.len() as u64);
                t.comments.push((
                    c["body"].as_str().unwrap().to_string(),
                    c["author_id"].as_u64(),
                ));
                self.update_times.push(self.now);
                answer(200, json!({"ticket": Self::ticket_json(t), "audit": {}}))
            }
            ("GET", p) if p.ends_with("/comments.json") => {
                let id: u64 = p
                    .trim_start_matches("/api/v2/tickets/")
                    .trim_end_matches("/comments.json")
                    .parse()
                    .unwrap();
                let t = self.tickets.iter().find(|t| t.id == id).unwrap();
                let mut list: Vec<Value> = t
                    .comments
                    .iter()
                    .zip(&t.ids)
                    .map(|((b, a), cid)| {
                        let files = self.agent_files.get(cid).cloned().unwrap_or(json!([]));
                        json!({"id": cid, "body": b, "author_id": a, "public": true, "attachments": files})
                    })
                    .collect();
                list.extend(
                    self.notes
                        .iter()
                        .filter(|(tid, _)| *tid == id)
                        .map(|(_, b)| json!({"id": 1, "body": b, "author_id": 1, "public": false})),
                );
                list.reverse();
                answer(200, json!({"comments": list}))
            }
            ("POST", p) if p.ends_with("/Messages.json") => {
                let form: Vec<(String, String)> = serde_urlencoded::from_str(&req.body).unwrap();
                let get = |k: &str| {
                    form.iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                // Twilio's shape: SM and 32 hex digits.
                let sid = format!("SM{:032x}", self.sent.len());
                let body = if !get("MediaUrl").is_empty() {
                    format!("media {}", get("MediaUrl"))
                } else if get("ContentSid").is_empty() {
                    get("Body")
                } else {
                    format!("template {}", get("ContentVariables"))
                };
                self.sent.push((sid.clone(), body));
                answer(
                    201,
                    json!({"sid": sid, "status": "queued", "to": get("To")}),
                )
            }
            ("GET", p) if p.ends_with("/Messages.json") => {
                let list: Vec<Value> =
                    self.sent.iter().rev().map(|(sid, body)| json!({"sid": sid, "to": format!("whatsapp:{CUSTOMER}"), "body": body})).collect();
                answer(200, json!({"messages": list}))
            }
            other => panic!("unexpected request {other:?}"),
        }
    }
}

/// Drives a conversation: messages arrive at given times; the alarm loop runs the machine;
/// every call goes through the world with the next scripted fault. The state is stored and
/// reloaded (as JSON) around every call, as the Durable Object does.
struct Sim {
    stored: String,
    world: World,
    now: u64,
    wake_at: Option<u64>,
    logs: Vec<String>,
    cfg: Config,
    rules: TriageRules,
    jitter_seed: u64,
}

impl Sim {
    fn new(cfg: Config) -> Self {
        let conv = Conversation::new(Sender::Phone(CUSTOMER.into()));
        Sim {
            stored: serde_json::to_string(&conv).unwrap(),
            world: World::default(),
            now: 1_800_000_000_000,
            wake_at: None,
            logs: vec![],
            cfg,
            rules: TriageRules::default(),
            jitter_seed: 7,
        }
    }

    fn load(&self) -> Conversation {
        serde_json::from_str(&self.stored).unwrap()
    }

    fn jitter(&mut self) -> f64 {
        self.jitter_seed = self
            .jitter_seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.jitter_seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn step(&mut self, event: Event) -> Output {
        let mut conv = self.load();
        let jitter = self.jitter();
        let ctx = Ctx {
            now_ms: self.now,
            jitter,
            config: &self.cfg,
            rules: &self.rules,
            status_callback_url: Some("https://gw.example/twilio/status?c=abc"),
            media_base_url: Some("https://gw.example"),
        };
        let out = conv.step(event, &ctx);
        self.stored = serde_json::to_string(&conv).unwrap();
        self.logs.extend(out.logs.iter().map(|l| l.finish(&[])));
        out
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
        let msg = InboundMessage {
            message_sid: sid.into(),
            account_sid: None,
            from: Sender::Phone(CUSTOMER.into()),
            body: body.into(),
            num_media: media.len() as u32,
            media,
            extra_media: vec![],
            location,
        };
        let out = self.step(Event::Received(msg));
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
        out.duplicate
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
                        Effect::WakeAt(_) => unreachable!(),
                    };
                    self.world.calls.push(format!("{} {}", req.method, req.url));
                    self.world.now = self.now;
                    let fault = self.world.faults.pop_front().flatten();
                    let exchange = match fault {
                        None => self.world.perform(&req),
                        Some(Fault::Status(s)) => answer(s, json!({"error": "boom"})),
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

    /// Runs alarms (advancing the clock to each) until nothing is scheduled.
    fn settle(&mut self) {
        for _ in 0..500 {
            match self.wake_at {
                None => return,
                Some(t) => {
                    self.now = self.now.max(t);
                    self.alarm();
                }
            }
        }
        panic!("never settled: {:?}", self.load());
    }

    fn conv(&self) -> Conversation {
        self.load()
    }

    /// The invariants every run must keep.
    fn check_invariants(&self, what: &str) {
        let conv = self.conv();
        assert!(conv.in_flight.is_none(), "{what}: a call still in flight");
        for m in &conv.messages {
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
            .messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid),
                _ => None,
            })
            .chain(conv.agent_replies.iter().flat_map(|r| r.sent_sids.iter()))
            .collect();
        // A send whose answer was lost and could not be checked is recorded as "unknown"
        // (visible, never repeated): it may or may not have gone out.
        let unknown = conv
            .messages
            .iter()
            .filter(|m| matches!(m.reply, ReplyStep::Unknown { .. }))
            .count()
            + conv
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
    let out = sim.step(Event::Wake);
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
    assert!(sim
        .logs
        .iter()
        .any(|l| l.contains("\"retry_after_secs\":30")));
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
        assert!(sim.logs.iter().any(|l| l.contains("message.failed")));
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
    assert!(sim
        .logs
        .iter()
        .any(|l| l.contains("\"event\":\"message.failed\"") && l.contains("\"level\":\"error\"")));
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
    let v = conv.view("SM1", sim.now).unwrap();
    assert_eq!(v["status"], "waiting_to_retry");
    assert_eq!(v["customer"], "+1555***1234");
    assert_eq!(v["attempts"], 1);
    assert!(v["last_error"].as_str().unwrap().contains("503"));
    assert!(
        !v.to_string().contains("dashboard"),
        "no message text in the view"
    );
    sim.settle();
    let v = sim.conv().view("SM1", sim.now).unwrap();
    assert_eq!(v["status"], "done");
    assert_eq!(v["outcome"], "ticket_created");
    assert!(
        sim.conv().message("SM1").unwrap().body.is_empty(),
        "text dropped once finished"
    );
    assert!(sim.conv().view("SMnope", sim.now).is_none());
}

// ---------- agents' replies ----------

impl Sim {
    /// An agent writes a public comment on the customer's ticket (Zendesk side).
    fn agent_writes(&mut self, body: &str) -> u64 {
        let t = &mut self.world.tickets[0];
        let id = t.id * 100 + t.comments.len() as u64;
        t.ids.push(id);
        t.comments.push((body.to_string(), Some(5)));
        id
    }

    /// Zendesk's webhook: "this ticket changed".
    fn zendesk_calls(&mut self) {
        let ticket_id = self.world.tickets[0].id;
        let out = self.step(Event::AgentActivity { ticket_id });
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
    }

    fn status(&mut self, sid: &str, status: &str, code: Option<u32>) {
        let out = self.step(Event::DeliveryStatus {
            sid: sid.into(),
            status: status.into(),
            error_code: code,
        });
        if let Some(Effect::WakeAt(t)) = out.effect {
            self.wake_at = Some(self.wake_at.map_or(t, |w| w.min(t)));
        }
    }

    fn with_ticket(cfg: Config) -> Sim {
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
    let mut cfg = config();
    cfg.twilio_agent_reply_content_sid = Some("HXagent".into());
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

    let mut cfg = config();
    cfg.twilio_agent_reply_content_sid = Some("HXagent".into());
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
fn calls_since(sim: &Sim, from: usize) -> Vec<String> {
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

const SEND: &str = "POST /2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";
const LIST: &str = "GET /2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json";

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

// ---------- media ----------

/// File `n` of message `sid`, at the URL Twilio gives it (the only URL the gateway fetches).
fn media(sid: &str, n: u32, content_type: &str) -> crate::core::form::MediaRef {
    crate::core::form::MediaRef {
        url: format!(
            "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/{sid}/Media/ME{n:032x}"
        ),
        content_type: content_type.into(),
    }
}

#[test]
fn a_photo_without_caption_becomes_a_ticket_with_the_file_attached() {
    let mut sim = Sim::new(config());
    sim.world.media_size = 200_000;
    sim.receive_with("MM1", "", vec![media("MM1", 1, "image/jpeg")], None);
    sim.settle();
    sim.check_invariants("photo");
    assert_eq!(sim.world.tickets.len(), 1, "not rejected by triage");
    assert_eq!(
        sim.world.tickets[0].comments[0].0,
        "(WhatsApp message with 1 attachment)"
    );
    assert_eq!(sim.world.attached, vec!["tok0"]);
    assert_eq!(sim.world.sent.len(), 1, "confirmation");
}

#[test]
fn the_caption_is_the_comment_and_refused_or_large_files_are_listed() {
    let mut sim = Sim::new(config());
    sim.world.media_size = 20 * 1024 * 1024;
    sim.receive_with(
        "MM2",
        "Here is the broken part, I need a replacement",
        vec![
            media("MM2", 2, "video/mp4"),
            media("MM2", 3, "application/x-msdownload"),
        ],
        None,
    );
    sim.settle();
    sim.check_invariants("listed");
    let body = &sim.world.tickets[0].comments[0].0;
    assert!(
        body.starts_with("Here is the broken part, I need a replacement"),
        "{body}"
    );
    assert!(
        body.contains(
            "Attachment not attached (video/mp4): 20971520 bytes, over the 16777216 byte limit"
        ),
        "{body}"
    );
    assert!(body.contains("Attachment not attached (application/x-msdownload): application/x-msdownload files are not accepted"), "{body}");
    assert!(sim.world.attached.is_empty());
    assert_eq!(
        sim.world
            .calls
            .iter()
            .filter(|c| c.starts_with("TRANSFER"))
            .count(),
        1,
        "the refused type is not even downloaded"
    );
}

#[test]
fn a_location_becomes_readable_text_and_follow_up_files_go_on_the_comment() {
    let mut sim = Sim::with_ticket(config());
    sim.world.media_size = 1000;
    let loc = crate::core::form::Location {
        latitude: "52.52".into(),
        longitude: "13.405".into(),
        address: Some("Alexanderplatz 1".into()),
        label: None,
    };
    sim.receive_with("SMloc", "", vec![], Some(loc));
    sim.receive_with(
        "MMpdf",
        "the invoice",
        vec![media("MMpdf", 9, "application/pdf")],
        None,
    );
    sim.settle();
    sim.check_invariants("location + pdf");
    let comments = &sim.world.tickets[0].comments;
    assert!(comments[1].0.starts_with("Location shared: Alexanderplatz 1 (52.52, 13.405) https://www.google.com/maps?q=52.52,13.405"));
    assert_eq!(comments[2].0, "the invoice");
    assert_eq!(sim.world.attached, vec!["tok0"]);
}

#[test]
fn file_transfers_survive_every_fault() {
    for fault in ALL_FAULTS {
        let mut sim = Sim::new(config());
        sim.world.media_size = 1000;
        sim.world.faults = [Some(fault)].into();
        sim.receive_with(
            "MM3",
            "photo of the damage, I need help",
            vec![media("MM3", 4, "image/png")],
            None,
        );
        sim.settle();
        sim.check_invariants(&format!("transfer {fault:?}"));
        assert_eq!(sim.world.tickets.len(), 1, "{fault:?}");
        assert_eq!(sim.world.attached.len(), 1, "{fault:?}: one file attached");
    }
}

#[test]
fn an_agents_files_follow_the_text_as_signed_links() {
    let mut sim = Sim::with_ticket(config());
    let id = sim.agent_writes("Here is your invoice.");
    sim.world.agent_files.insert(id, json!([{"id": 91, "file_name": "invoice.pdf", "content_type": "application/pdf", "content_url": "https://acme.zendesk.com/attachments/token/x/?name=invoice.pdf", "size": 1234}]));
    sim.zendesk_calls();
    sim.settle();
    assert_eq!(sim.world.sent.len(), 3, "{:?}", sim.world.sent);
    assert_eq!(sim.world.sent[1].1, "Here is your invoice.");
    let link = sim.world.sent[2]
        .1
        .strip_prefix("media https://gw.example/media/")
        .expect("a gateway link");
    let grant = crate::core::media_url::verify(link, "key", sim.now).unwrap();
    assert_eq!(
        grant.attachment_id, 91,
        "the link names the attachment, nothing more"
    );
    sim.check_invariants("files");
}

// ---------- properties ----------

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn fault() -> impl Strategy<Value = Option<Fault>> {
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
            // machine's own records) at most once
            for k in 1..=agent_comments {
                let text = format!("agent answer {k}");
                let received = sim.world.sent.iter().filter(|(_, body)| *body == text).count();
                prop_assert!(received <= 1, "{} received {} times", text, received);
            }
        }
    }
}

#[test]
fn a_webhook_arriving_while_comments_are_read_is_not_lost() {
    let mut sim = Sim::with_ticket(config());
    sim.agent_writes("First answer");
    sim.zendesk_calls();
    // the alarm starts reading the comments...
    let out = sim.step(Event::Wake);
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
    let bodies: Vec<&str> = sim.world.sent[1..]
        .iter()
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(bodies, vec!["First answer", "Second answer"]);
    sim.check_invariants("recheck");
}

#[test]
fn an_invocation_that_spends_its_call_budget_hands_over_cleanly() {
    let mut sim = Sim::new(config());
    for (sid, body) in [M1, M2, M3] {
        sim.receive(sid, body);
    }
    let out = sim.step(Event::Wake);
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
    assert_eq!(sim.conv().agent_replies.len(), 1);
    sim.now += KEEP_FINISHED_MS + 1;
    sim.receive("SMlater", "another question, I need help");
    sim.settle();
    assert!(
        sim.conv().agent_replies.is_empty(),
        "pruned once settled and old"
    );
    assert!(
        sim.conv().message(M1.0).is_none(),
        "old finished messages pruned too"
    );
}

#[test]
fn files_that_cannot_go_with_a_template_are_noted_for_the_agents() {
    let mut cfg = config();
    cfg.twilio_agent_reply_content_sid = Some("HXagent".into());
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
    let m = &mut stored["messages"][0];
    m["attempts"] = 2.into();
    m["step_started_ms"] = 5.into();
    m["not_before_ms"] = 123.into();
    m["last_error"] = "create_ticket: http 503".into();
    m["verify_first"] = true.into();
    let conv: Conversation = serde_json::from_value(stored).unwrap();
    let retry = &conv.messages[0].retry;
    assert_eq!(
        (retry.attempts, retry.step_started_ms, retry.not_before_ms),
        (2, Some(5), 123)
    );
    assert_eq!(retry.last_error.as_deref(), Some("create_ticket: http 503"));
    assert!(retry.verify_first);
    let written = serde_json::to_value(&conv).unwrap();
    let m = &written["messages"][0];
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
        sim.conv().tickets.is_empty(),
        "but the gateway does not know it"
    );
    sim.agent_writes("We are on it: your account is unlocked.");
    sim.zendesk_calls();
    assert!(sim.logs.iter().any(|l| l.contains("agent.unknown_ticket")));
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
    assert!(sim.conv().early_agent_events.is_empty());
}
