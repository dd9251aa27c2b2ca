//! A step's storage cost against the customer's history: for a customer with N finished
//! messages already stored, one new message's steps as the Durable Object runs them (the
//! webhook's load + step + save, then the alarm's load + step + save around each call until
//! nothing is left to do), against canned Zendesk and Twilio answers. Reports, per message:
//! bytes written to storage, storage rows (keys) written, and the CPU time of the steps
//! (loading, stepping and storing; the canned answers are not timed).

use std::hint::black_box;
use std::time::Instant;
use whatsapp_zendesk_gateway::core::api_budget::SlotAnswer;
use whatsapp_zendesk_gateway::core::config::Config;
use whatsapp_zendesk_gateway::core::conversation::{Conversation, Ctx, Effect, Event};
use whatsapp_zendesk_gateway::core::form::{InboundMessage, MessageKind, Sender};
use whatsapp_zendesk_gateway::core::http::{Exchange, HttpAnswer, HttpRequest};

mod store;
use store::Store;

const CUSTOMER: &str = "+15550001234";
const START_MS: u64 = 1_800_000_000_000;
/// Far enough apart that no message merges with another or waits for Zendesk's update budget.
const GAP_MS: u64 = 15 * 60 * 1000;

fn config() -> Config {
    let vars = [
        ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
        ("TWILIO_AUTH_TOKEN", "tok"),
        ("TWILIO_WHATSAPP_NUMBER", "+14155238886"),
        ("ZENDESK_API_KEY", "key"),
        ("ZENDESK_DOMAIN", "acme.zendesk.com"),
        ("ZENDESK_EMAIL", "ops@acme.com"),
    ];
    Config::from_lookup(|n| {
        vars.iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    })
    .unwrap()
}

fn answer(status: u16, body: String) -> Exchange {
    Exchange::Answered(HttpAnswer {
        status,
        headers: vec![],
        body,
    })
}

/// Zendesk and Twilio, canned: one ticket (1000), comments on it, replies sent.
fn perform(req: &HttpRequest, sent: &mut u64) -> Exchange {
    let ticket = r#"{"ticket":{"id":1000,"requester_id":77,"status":"open"},"audit":{}}"#;
    match req.method {
        "POST" if req.url.ends_with("/api/v2/tickets.json") => answer(201, ticket.into()),
        "PUT" => answer(200, ticket.into()),
        "POST" if req.url.ends_with("/Messages.json") => {
            *sent += 1;
            answer(
                201,
                format!(r#"{{"sid":"SM{:032x}","status":"queued"}}"#, *sent),
            )
        }
        _ => panic!("unexpected request {} {}", req.method, req.url),
    }
}

fn message(i: u64) -> InboundMessage {
    InboundMessage {
        message_sid: format!("SM{i:032x}"),
        account_sid: None,
        from: Sender::Phone(CUSTOMER.into()),
        body: format!(
            "My order {i} arrived damaged, the box was crushed and the screen is cracked"
        ),
        num_media: 0,
        media: vec![],
        extra_media: vec![],
        location: None,
        kind: MessageKind::Text,
        addressed: Default::default(),
        user_id: None,
    }
}

/// What one message's steps cost.
#[derive(Default, Clone, Copy)]
pub struct Cost {
    pub bytes: usize,
    pub rows: usize,
    pub cpu_us: f64,
}

/// One step as the shell runs it: load, step, store; timed.
fn step(
    store: &mut Store,
    event: Event,
    now_ms: u64,
    config: &Config,
    cost: &mut Cost,
) -> Option<Effect> {
    let started = Instant::now();
    let mut conv = store.load();
    let ctx = Ctx {
        now_ms,
        jitter: 0.5,
        config,
        conversation_id: "abc",
        number: None,
    };
    let alarm = !matches!(event, Event::Received { .. });
    let out = conv.step(event, &ctx);
    if alarm {
        // As the shell's alarm does: what the conversation adds to the metrics goes to its
        // metrics shard, not back into storage (a webhook's waits for the next alarm).
        conv.unsent_metrics = Default::default();
    }
    let (bytes, rows) = store.save(&conv, &out.archived);
    cost.cpu_us += started.elapsed().as_secs_f64() * 1e6;
    cost.bytes += bytes;
    cost.rows += rows;
    black_box(out.effect)
}

/// Message `i` from its webhook to its end.
fn one_message(store: &mut Store, i: u64, config: &Config, sent: &mut u64) -> Cost {
    let mut cost = Cost::default();
    let now = START_MS + i * GAP_MS;
    let received = Event::Received {
        message: message(i),
        origin: "https://gw.example".into(),
        received_at_ms: Some(now),
        archived: None,
    };
    step(store, received, now, config, &mut cost);
    let mut effect = step(store, Event::Wake, now, config, &mut cost);
    for _ in 0..20 {
        match effect {
            Some(Effect::Call(req)) => {
                let exchange = perform(&req, sent);
                effect = step(store, Event::Answered(exchange), now, config, &mut cost);
            }
            // The account's budget lets every call go (its own cost is one small request).
            Some(Effect::AskBudget(_)) => {
                let go = SlotAnswer::Go {
                    account_limit: None,
                };
                effect = step(
                    store,
                    Event::BudgetAnswered(Some(go)),
                    now,
                    config,
                    &mut cost,
                );
            }
            Some(Effect::WakeAt(_)) | None => return cost,
            Some(Effect::Transfer(_)) => panic!("no files in this bench"),
        }
    }
    panic!("message {i} never settled");
}

/// A customer with `finished` messages already done (the first made the ticket), stored.
fn customer_with(finished: u64, config: &Config, sent: &mut u64) -> Store {
    let mut store = Store::new(&Conversation::new(Sender::Phone(CUSTOMER.into())));
    for i in 0..finished {
        one_message(&mut store, i, config, sent);
    }
    assert_eq!(store.load().pending_count(), 0);
    // Every finished message is either still in the value (the last hour's) or in its row.
    assert_eq!(
        store.archived() + store.load().inbound.messages.len(),
        finished as usize
    );
    store
}

/// Medians over `rounds` of one more message for each history size.
pub fn run(rounds: usize) {
    let config = config();
    println!("one message's steps (webhook + alarm until done) for a customer with N finished messages, median of {rounds}:");
    println!("  N    bytes written   rows written   CPU (us)");
    for finished in [1u64, 50, 200] {
        let mut sent = 0;
        let base = customer_with(finished, &config, &mut sent);
        let mut costs: Vec<Cost> = (0..rounds)
            .map(|_| {
                let mut store = base.clone();
                one_message(&mut store, finished, &config, &mut sent)
            })
            .collect();
        let median = |f: fn(&Cost) -> f64, costs: &mut Vec<Cost>| {
            costs.sort_by(|a, b| f(a).total_cmp(&f(b)));
            f(&costs[costs.len() / 2])
        };
        let bytes = median(|c| c.bytes as f64, &mut costs);
        let rows = median(|c| c.rows as f64, &mut costs);
        let cpu = median(|c| c.cpu_us, &mut costs);
        println!("  {finished:<4} {bytes:>13} {rows:>14} {cpu:>10.1}");
    }
}
