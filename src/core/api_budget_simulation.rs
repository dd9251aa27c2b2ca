//! The budget's protocol under load, simulated natively: thousands of conversations, each with
//! a message to make into a ticket, asking one coordinator (`ApiBudget`) for slots with the
//! conversation's own side of it (`SlotHolder`), against a Zendesk that limits the account over
//! a sliding minute and answers as Zendesk does (`X-Rate-Limit`, `X-Rate-Limit-Remaining`, 429
//! with `Retry-After`), while agents spend part of the same limit.
//!
//! `cargo test --lib api_budget_simulation -- --nocapture` prints each scenario's figures
//! (docs/performance.md quotes them).

use super::*;
use crate::core::http::HttpAnswer;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A call's round trip to Zendesk, and a request's to the coordinator.
const CALL_MS: u64 = 250;
const EDGE_MS: u64 = 10;
const START: u64 = 1_700_000_000_000;

/// Zendesk's account limit: the requests accepted in the last minute.
struct Zendesk {
    limit: u32,
    window: VecDeque<u64>,
}

impl Zendesk {
    fn request(&mut self, now: u64) -> Exchange {
        while self.window.front().is_some_and(|t| t + 60_000 <= now) {
            self.window.pop_front();
        }
        let full = self.window.len() >= self.limit as usize;
        let mut headers = vec![("x-rate-limit".to_string(), self.limit.to_string())];
        let status = if full {
            let oldest = self.window.front().copied().unwrap_or(now);
            let wait_s = (oldest + 60_000 - now).div_ceil(1000).max(1);
            headers.push(("retry-after".into(), wait_s.to_string()));
            headers.push(("x-rate-limit-remaining".into(), "0".into()));
            429
        } else {
            self.window.push_back(now);
            let left = self.limit as usize - self.window.len();
            headers.push(("x-rate-limit-remaining".into(), left.to_string()));
            201
        };
        Exchange::Answered(HttpAnswer {
            status,
            headers,
            body: String::new(),
        })
    }
}

struct Scenario {
    name: &'static str,
    messages: usize,
    zendesk_limit: u32,
    budget: Option<u32>,
    agents_per_min: u32,
}

#[derive(Debug)]
struct Figures {
    tickets: usize,
    made_twice: usize,
    calls: u64,
    refused: u64,
    coordinator_requests: u64,
    drain_ms: u64,
    /// The budget's rate at the end (what it learned).
    per_min: u32,
    /// Whether the first customers were served first: the order tickets were made in, as the
    /// share of pairs of customers made in the order they wrote.
    in_order: f64,
}

#[derive(Default)]
struct Customer {
    holder: SlotHolder,
    not_before: u64,
    done_at: Option<u64>,
    tickets: usize,
}

enum Step {
    /// The conversation looks at its message (arrival, a wake-up, an answer from the
    /// coordinator).
    Look(usize),
    /// The answer to its call.
    Answer(usize, Exchange),
    /// An agent's request.
    Agent,
}

/// The steps to come, in time order (ties in the order they were planned).
#[derive(Default)]
struct Timeline {
    heap: BinaryHeap<Reverse<(u64, usize)>>,
    steps: Vec<Option<Step>>,
}

impl Timeline {
    fn push(&mut self, at: u64, step: Step) {
        self.steps.push(Some(step));
        self.heap.push(Reverse((at, self.steps.len() - 1)));
    }

    fn pop(&mut self) -> Option<(u64, Step)> {
        let Reverse((at, id)) = self.heap.pop()?;
        Some((at, self.steps[id].take()?))
    }
}

fn run(s: &Scenario) -> Figures {
    let settings = BudgetSettings {
        per_min: s.budget,
        updates_per_min: None,
    };
    let mut budget = ApiBudget::new(1, settings, START);
    let mut zendesk = Zendesk {
        limit: s.zendesk_limit,
        window: VecDeque::new(),
    };
    let mut customers: Vec<Customer> = (0..s.messages).map(|_| Customer::default()).collect();
    let mut queue = Timeline::default();
    // 5,000 webhooks cannot all land in the same millisecond: one a millisecond.
    for i in 0..s.messages {
        queue.push(START + i as u64, Step::Look(i));
    }
    if s.agents_per_min > 0 {
        queue.push(START, Step::Agent);
    }
    let (mut calls, mut refused, mut asks) = (0u64, 0u64, 0u64);
    let mut finished = 0;
    let mut order = Vec::new();
    while let Some((now, step)) = queue.pop() {
        match step {
            Step::Agent => {
                zendesk.request(now);
                if finished < s.messages {
                    queue.push(now + 60_000 / u64::from(s.agents_per_min), Step::Agent);
                }
            }
            Step::Look(i) => {
                let c = &mut customers[i];
                if c.done_at.is_some() {
                    continue;
                }
                if c.not_before > now {
                    let at = c.not_before;
                    queue.push(at, Step::Look(i));
                    continue;
                }
                match c.holder.gate(CallKind::Request, now) {
                    Gate::Call => {
                        calls += 1;
                        let answer = zendesk.request(now);
                        queue.push(now + CALL_MS, Step::Answer(i, answer));
                    }
                    Gate::Ask(ask) => {
                        asks += 1;
                        let answer = budget.ask(&ask, settings, now + EDGE_MS / 2);
                        c.holder.answered(answer);
                        queue.push(now + EDGE_MS, Step::Look(i));
                    }
                    Gate::SleepUntil(at) => queue.push(at, Step::Look(i)),
                }
            }
            Step::Answer(i, exchange) => {
                let c = &mut customers[i];
                c.holder.saw(&exchange, now);
                let Exchange::Answered(a) = &exchange else {
                    unreachable!("the simulated Zendesk always answers")
                };
                if a.status == 429 {
                    refused += 1;
                    let wait =
                        crate::core::retry::parse_retry_after(a.header("retry-after")).unwrap_or(1);
                    c.not_before = now + wait * 1000;
                } else {
                    c.tickets += 1;
                    c.done_at = Some(now);
                    finished += 1;
                    order.push(i);
                }
                if let Some(report) = c.holder.report_due() {
                    asks += 1;
                    let answer = budget.ask(&report, settings, now + EDGE_MS / 2);
                    c.holder.answered(answer);
                }
                if c.done_at.is_none() {
                    queue.push(now + EDGE_MS, Step::Look(i));
                }
            }
        }
    }
    let end = customers
        .iter()
        .filter_map(|c| c.done_at)
        .max()
        .unwrap_or(START);
    // Pairs in order among neighbours in the order made: 1.0 is first come, first served.
    let in_order = order.windows(2).filter(|w| w[0] < w[1]).count() as f64
        / order.len().saturating_sub(1).max(1) as f64;
    Figures {
        tickets: customers.iter().filter(|c| c.tickets > 0).count(),
        made_twice: customers.iter().filter(|c| c.tickets > 1).count(),
        calls,
        refused,
        coordinator_requests: asks,
        drain_ms: end - START,
        per_min: budget.general_rate(settings, end),
        in_order,
    }
}

fn report(s: &Scenario, f: &Figures, rate: u32) -> f64 {
    let ideal_ms = s.messages as f64 * 60_000.0 / f64::from(rate);
    let drain_ratio = f.drain_ms as f64 / ideal_ms;
    println!(
        "{}: {} tickets of {} ({} twice), {} calls, {} answered 429 ({:.1} %), coordinator {:.2} \
         requests per call, drained in {:.0} s = {:.2} x N/R (R = {rate}/min), budget now \
         {}/min, served in order {:.1} %",
        s.name,
        f.tickets,
        s.messages,
        f.made_twice,
        f.calls,
        f.refused,
        100.0 * f.refused as f64 / f.calls as f64,
        f.coordinator_requests as f64 / f.calls as f64,
        f.drain_ms as f64 / 1000.0,
        drain_ratio,
        f.per_min,
        100.0 * f.in_order,
    );
    drain_ratio
}

fn holds(s: &Scenario, f: &Figures, rate: u32) {
    let drain_ratio = report(s, f, rate);
    assert_eq!(f.tickets, s.messages, "{}: a message was lost", s.name);
    assert_eq!(f.made_twice, 0, "{}: a ticket was made twice", s.name);
    assert!(
        f.refused as f64 <= 0.10 * f.calls as f64,
        "{}: {} of {} calls answered 429",
        s.name,
        f.refused,
        f.calls
    );
    assert!(
        drain_ratio <= 1.2,
        "{}: drained in {drain_ratio:.2} x N/R",
        s.name
    );
}

#[test]
fn api_budget_simulation_a_burst_of_5000_under_a_400_budget() {
    let s = Scenario {
        name: "5,000 customers at once, budget 400/min, Zendesk 700/min",
        messages: 5_000,
        zendesk_limit: 700,
        budget: Some(400),
        agents_per_min: 0,
    };
    let f = run(&s);
    holds(&s, &f, 400);
    assert!(
        f.in_order > 0.99,
        "first come, first served: {}",
        f.in_order
    );
    assert!(f.coordinator_requests as f64 / (f.calls as f64) < 2.05);
}

#[test]
fn api_budget_simulation_the_default_budget_leaves_the_agents_their_half() {
    // No budget set: half of the limit Zendesk names (700 → 350), agents busy with 300.
    let s = Scenario {
        name: "5,000 customers, default budget, Zendesk 700/min, agents 300/min",
        messages: 5_000,
        zendesk_limit: 700,
        budget: None,
        agents_per_min: 300,
    };
    let f = run(&s);
    holds(&s, &f, 350);
    assert_eq!(f.per_min, 350);
}

#[test]
fn api_budget_simulation_agents_spending_more_than_their_share() {
    // The operator gave the gateway the whole 400 and agents spend 100 of it: 429s come, every
    // conversation pauses on them, and the budget settles at what is left.
    let s = Scenario {
        name: "5,000 customers, budget 400/min, Zendesk 400/min, agents 100/min",
        messages: 5_000,
        zendesk_limit: 400,
        budget: Some(400),
        agents_per_min: 100,
    };
    let f = run(&s);
    holds(&s, &f, 300);
}
