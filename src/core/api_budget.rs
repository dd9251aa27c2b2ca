//! The account's Zendesk API budget: one coordinator (a Durable Object, `budget_do`) hands out
//! the right to make a Zendesk call to every conversation, so all of them together stay within
//! what the account may spend, and a 429 that one conversation gets pauses them all.
//!
//! Zendesk limits API use per account, and agents' work in Zendesk's UI draws on the same
//! budget (Team 200 requests a minute, Growth and Professional 400, Enterprise 700, High Volume
//! 2,500: https://developer.zendesk.com/api-reference/introduction/rate-limits). The Update
//! Ticket endpoint has its own limit of 100 a minute per account, which agents' UI updates
//! draw on too (https://support.zendesk.com/hc/en-us/articles/8638126078234).
//!
//! **Slots, not tokens.** A conversation about to call asks for a slot (`SlotAsk`). Slots are
//! numbered in the order they are asked for, per lane (every call takes a slot of the `general`
//! lane; a ticket update one of the `updates` lane too), and a lane spaces its slots evenly at
//! its rate from a base: slot `n` is due at `base_ms + (n - base_n) * 60 s / per_min`. A slot
//! due now is answered `Go` (one request per call); a later one is given to the conversation
//! (`Slot`), which stores it and sleeps until it is due, then confirms it (a second request):
//! meanwhile a 429 may have paused the account, or the rate may have changed, and the lanes
//! were re-based (`rebase`) so that every slot not yet due moves, in order, behind the pause
//! and at the new spacing. So waiting messages are served oldest first across customers (the
//! first to ask is the first slot), each waits in its own conversation (durably, on its own
//! alarm), and the coordinator keeps only counters, never a queue.
//!
//! **Following Zendesk's answers.** Each conversation reports what the last answer to its last
//! Zendesk call said of the limits (`RateSeen`: `X-Rate-Limit`, `X-Rate-Limit-Remaining`, a 429
//! and its `Retry-After`) with its next ask, at no extra request, and at once, alone
//! (`SlotAsk::report_only`), what cannot wait: a 429, a limit the coordinator does not know,
//! little remaining (`SlotHolder::report_due`):
//! - a 429 pauses every lane until its `Retry-After` ends, and cuts the rate to 70 % (at most
//!   once a second; it grows back by a tenth each 10 s without one), for limits that say
//!   nothing of themselves; a `Retry-After` over a minute is one ticket's limit (30 updates per
//!   10 minutes), not the account's: counted only;
//! - the limit a 429 names (`X-Rate-Limit` on the refusal), when under the rate, caps the rate
//!   for ten minutes;
//! - `X-Rate-Limit` on any answer is the account's limit: the budget never exceeds it, and the
//!   default budget is half of it (`DEFAULT_SHARE_PERCENT`), which leaves the other half to the
//!   agents;
//! - `X-Rate-Limit-Remaining` under a tenth of the limit (the agents are spending it) pauses
//!   the lanes for as long as the window takes to refill to that tenth at the limit's rate.
//!
//! The stored state is versioned (`ApiBudget::version`); a state lost (a new coordinator)
//! starts a new `epoch`, and slots of an older one are asked again.

use crate::core::http::Exchange;
use serde::{Deserialize, Serialize};

mod slot_holder;
pub use slot_holder::{Gate, SlotHolder};

/// The budget's share of the account's limit when `ZENDESK_API_BUDGET_PER_MIN` is not set.
pub const DEFAULT_SHARE_PERCENT: u64 = 50;
/// The account's limit until Zendesk's answers say it: the lowest plan's (Team).
pub const ASSUMED_ACCOUNT_LIMIT: u32 = 200;
/// Zendesk's Update Ticket endpoint limit per account.
pub const UPDATE_ENDPOINT_LIMIT: u32 = 100;
/// The update lane's share of it when `ZENDESK_UPDATE_BUDGET_PER_MIN` is not set: agents'
/// updates from Zendesk's UI count towards the same 100.
pub const DEFAULT_UPDATE_BUDGET_PER_MIN: u32 = 60;
/// A rate-limit reading older than this says nothing of now.
pub const SEEN_FRESH_MS: u64 = 60_000;
/// A refusal's named limit caps the rate this long.
pub const REFUSAL_CAP_MS: u64 = 10 * 60_000;
/// The cut a 429 makes, and how fast it grows back.
pub const CUT_ON_REFUSAL_PERCENT: u32 = 70;
pub const CUT_MIN_PERCENT: u32 = 10;
pub const CUT_RECOVERY_PERCENT: u32 = 10;
pub const CUT_RECOVERY_MS: u64 = 10_000;
/// A held slot confirmed this long after the time it was given for was not used when due (its
/// conversation's call was no longer needed): it is given a new place.
pub const STALE_SLOT_MS: u64 = 60_000;
/// A 429 asking to wait longer than this is not the account's per-minute limit but one
/// ticket's (30 updates per 10 minutes): that ticket's own retry waits, not the account.
pub const ACCOUNT_RETRY_AFTER_MAX_S: u64 = 60;
/// How soon a slot is confirmed while the account's limit is not known yet.
pub const RECHECK_WHILE_GUESSING_MS: u64 = 2_000;
/// A pause without `Retry-After` (a 429 that says nothing).
pub const PAUSE_WITHOUT_RETRY_AFTER_MS: u64 = 5_000;
/// The state's form.
pub const VERSION: u32 = 1;

/// What a call draws on: every Zendesk call the general budget, a ticket update also the
/// Update Ticket endpoint's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    Request,
    TicketUpdate,
}

/// What the answer to a Zendesk call said of the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RateSeen {
    pub at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u32>,
    /// The answer was a 429.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

impl RateSeen {
    /// What an answer says, if anything: Zendesk sends `X-Rate-Limit` and
    /// `X-Rate-Limit-Remaining` on every answer, and a 429 carries `Retry-After` in seconds
    /// (https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting).
    pub fn from_exchange(exchange: &Exchange, now_ms: u64) -> Option<RateSeen> {
        let Exchange::Answered(a) = exchange else {
            return None;
        };
        let number = |name: &str| a.header(name).and_then(|v| v.trim().parse::<u32>().ok());
        let seen = RateSeen {
            at_ms: now_ms,
            limit: number("x-rate-limit").or_else(|| number("ratelimit-limit")),
            remaining: number("x-rate-limit-remaining").or_else(|| number("ratelimit-remaining")),
            refused: a.status == 429,
            retry_after_s: crate::core::retry::parse_retry_after(a.header("retry-after")),
        };
        (seen.refused || seen.limit.is_some() || seen.remaining.is_some()).then_some(seen)
    }
}

/// A slot given to a conversation: its numbers in each lane, of this coordinator's epoch, and
/// when it was due as given (the conversation sleeps until then, then confirms it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub epoch: u64,
    pub general: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<u64>,
    pub at_ms: u64,
}

/// A conversation's request to the coordinator (the Worker <-> Durable Object edge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotAsk {
    pub kind: CallKind,
    /// The slot it holds, to confirm; none: a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Slot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<RateSeen>,
    /// Only a report of what an answer said (no call follows): no slot is taken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub report_only: bool,
}

/// The coordinator's answer. Each says the account's limit as the coordinator knows it, so a
/// conversation reports an answer's limit only when it says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum SlotAnswer {
    /// Call now.
    Go { account_limit: Option<u32> },
    /// Sleep until the slot is due, then ask again with it.
    Wait {
        slot: Slot,
        account_limit: Option<u32>,
    },
    /// A report was taken (`SlotAsk::report_only`).
    Noted { account_limit: Option<u32> },
}

/// The budget's settings (`ZENDESK_API_BUDGET_PER_MIN`, `ZENDESK_UPDATE_BUDGET_PER_MIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BudgetSettings {
    pub per_min: Option<u32>,
    pub updates_per_min: Option<u32>,
}

/// One lane: slots numbered in order, due evenly at `per_min` from `base_n` at `base_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Lane {
    pub next: u64,
    pub base_n: u64,
    pub base_ms: u64,
    pub per_min: u32,
    /// The slots below this one were given before the last re-base (a pause, a new rate) and
    /// were due then: one confirmed after it gets a new place. (An idle lane starting again
    /// from now moves `base_n` too, but every slot before it is due: those still go.)
    #[serde(default)]
    pub moved_below: u64,
}

impl Lane {
    /// When slot `n` is due.
    pub fn due_ms(&self, n: u64) -> u64 {
        self.base_ms + n.saturating_sub(self.base_n) * 60_000 / u64::from(self.per_min.max(1))
    }

    /// The first slot not yet due at `now_ms` (at most `next`).
    fn first_not_due(&self, now_ms: u64) -> u64 {
        if now_ms < self.base_ms {
            return self.base_n.min(self.next);
        }
        let passed = (now_ms - self.base_ms) * u64::from(self.per_min.max(1)) / 60_000 + 1;
        (self.base_n + passed).min(self.next)
    }

    /// A new slot, and when it is due. An idle lane (its next slot would be due in the past)
    /// starts again from now: unused time is not saved up into a burst.
    fn take(&mut self, now_ms: u64, not_before_ms: u64) -> (u64, u64) {
        let floor = now_ms.max(not_before_ms);
        if self.due_ms(self.next) < floor {
            self.base_n = self.next;
            self.base_ms = floor;
        }
        let n = self.next;
        self.next += 1;
        (n, self.due_ms(n))
    }

    /// Every slot not yet due moves, in order, to start no earlier than `from_ms` and one new
    /// spacing after the last slot due, at `per_min`.
    fn rebase(&mut self, now_ms: u64, from_ms: u64, per_min: u32) {
        let per_min = per_min.max(1);
        let first = self.first_not_due(now_ms);
        let after_last = if first > self.base_n {
            self.due_ms(first - 1) + 60_000 / u64::from(per_min)
        } else {
            self.base_ms
        };
        self.base_n = first;
        self.moved_below = first;
        self.base_ms = from_ms.max(now_ms).max(after_last);
        self.per_min = per_min;
    }
}

/// What the coordinator counted, for the metrics and the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BudgetCounters {
    /// Asks answered (new and confirmations).
    pub asks: u64,
    /// Calls let go: each is one Zendesk call.
    pub granted: u64,
    /// Of those, the ones that waited for their slot.
    pub waited: u64,
    /// 429s the conversations reported.
    pub refusals: u64,
    /// Pauses of the whole account (a 429, or the remaining budget under the agents' share).
    pub pauses: u64,
}

/// The coordinator's state: its lanes, the pause, what Zendesk said of the limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiBudget {
    pub version: u32,
    pub epoch: u64,
    pub general: Lane,
    pub updates: Lane,
    #[serde(default)]
    pub paused_until_ms: u64,
    /// The account's limit, as `X-Rate-Limit` last said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_limit: Option<u32>,
    /// The limit a 429 named, and when (it caps the rate for `REFUSAL_CAP_MS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_limit: Option<(u32, u64)>,
    /// The rate's cut after 429s, in percent, and when it last changed.
    pub cut_percent: u32,
    #[serde(default)]
    pub cut_at_ms: u64,
    #[serde(default)]
    pub counters: BudgetCounters,
}

impl ApiBudget {
    /// A new coordinator (`epoch`: a number no earlier coordinator had, e.g. its creation time).
    pub fn new(epoch: u64, settings: BudgetSettings, now_ms: u64) -> ApiBudget {
        let mut b = ApiBudget {
            version: VERSION,
            epoch,
            general: Lane::default(),
            updates: Lane::default(),
            paused_until_ms: 0,
            account_limit: None,
            refusal_limit: None,
            cut_percent: 100,
            cut_at_ms: 0,
            counters: BudgetCounters::default(),
        };
        b.general.base_ms = now_ms;
        b.updates.base_ms = now_ms;
        b.general.per_min = b.general_rate(settings, now_ms);
        b.updates.per_min = b.update_rate(settings, now_ms);
        b
    }

    /// The rate the general lane runs at now.
    pub fn general_rate(&self, settings: BudgetSettings, now_ms: u64) -> u32 {
        let account = self.account_limit;
        let base = match settings.per_min {
            Some(b) => account.map_or(b, |a| b.min(a)),
            None => {
                let limit = u64::from(account.unwrap_or(ASSUMED_ACCOUNT_LIMIT));
                (limit * DEFAULT_SHARE_PERCENT / 100) as u32
            }
        };
        let base = match self.refusal_limit {
            Some((limit, at)) if now_ms < at + REFUSAL_CAP_MS => base.min(limit),
            _ => base,
        };
        (u64::from(base) * u64::from(self.cut_percent) / 100).max(1) as u32
    }

    /// The rate of the update lane: its own budget, never more than the general one.
    pub fn update_rate(&self, settings: BudgetSettings, now_ms: u64) -> u32 {
        let own = settings
            .updates_per_min
            .unwrap_or(DEFAULT_UPDATE_BUDGET_PER_MIN)
            .min(UPDATE_ENDPOINT_LIMIT * 3);
        let own = (u64::from(own) * u64::from(self.cut_percent) / 100).max(1) as u32;
        own.min(self.general_rate(settings, now_ms))
    }

    /// Answers one ask at `now_ms`.
    pub fn ask(&mut self, ask: &SlotAsk, settings: BudgetSettings, now_ms: u64) -> SlotAnswer {
        self.counters.asks += 1;
        if let Some(seen) = ask.seen {
            self.absorb(seen, settings, now_ms);
        }
        self.recover(settings, now_ms);
        if ask.report_only {
            return SlotAnswer::Noted {
                account_limit: self.account_limit,
            };
        }
        // A held slot counts only in this coordinator's schedule: not of an earlier epoch, not
        // from before a re-base moved the slots not yet confirmed (it would go in the same
        // instant as the new base), not left unused long after it was due (it would jump the
        // queue): each of those is given a new place.
        let held = ask.held.filter(|s| {
            s.epoch == self.epoch
                && s.general >= self.general.moved_below
                && s.update.is_none_or(|u| u >= self.updates.moved_below)
                && now_ms <= s.at_ms + STALE_SLOT_MS
        });
        let (general, update) = match held {
            Some(slot) => {
                let update = match (ask.kind, slot.update) {
                    (CallKind::TicketUpdate, None) => {
                        Some(self.updates.take(now_ms, self.paused_until_ms).0)
                    }
                    (_, u) => u,
                };
                (slot.general, update)
            }
            None => {
                let general = self.general.take(now_ms, self.paused_until_ms).0;
                let update = (ask.kind == CallKind::TicketUpdate)
                    .then(|| self.updates.take(now_ms, self.paused_until_ms).0);
                (general, update)
            }
        };
        let due = self
            .general
            .due_ms(general)
            .max(update.map_or(0, |u| self.updates.due_ms(u)))
            .max(self.paused_until_ms);
        if due <= now_ms {
            self.counters.granted += 1;
            if held.is_some() {
                self.counters.waited += 1;
            }
            return SlotAnswer::Go {
                account_limit: self.account_limit,
            };
        }
        // Until Zendesk has named the account's limit, the rate is a guess that the first
        // answer may raise: ask again soon rather than sleep on the guess.
        let at_ms = if settings.per_min.is_none() && self.account_limit.is_none() {
            due.min(now_ms + RECHECK_WHILE_GUESSING_MS)
        } else {
            due
        };
        SlotAnswer::Wait {
            slot: Slot {
                epoch: self.epoch,
                general,
                update,
                at_ms,
            },
            account_limit: self.account_limit,
        }
    }

    /// What an answer said of the limits.
    fn absorb(&mut self, seen: RateSeen, settings: BudgetSettings, now_ms: u64) {
        if seen.at_ms + SEEN_FRESH_MS < now_ms || seen.at_ms > now_ms + SEEN_FRESH_MS {
            return;
        }
        let mut rates_changed = false;
        let rate_before = self.general_rate(settings, now_ms);
        // One ticket's limit, not the account's: counted, and left to that ticket's retry.
        let one_ticket = seen.refused
            && seen
                .retry_after_s
                .is_some_and(|s| s > ACCOUNT_RETRY_AFTER_MAX_S);
        let account_refusal = seen.refused && !one_ticket;
        // A refusal naming a limit under the rate says what to keep to; one within the named
        // limit (agents spent the rest, an endpoint's own limit) says only "less".
        let mut cut = account_refusal;
        if let Some(limit) = seen.limit.filter(|l| *l > 0) {
            if account_refusal {
                self.refusal_limit = Some((limit, now_ms));
                cut = limit >= rate_before;
                rates_changed = true;
            } else if self.account_limit != Some(limit) {
                self.account_limit = Some(limit);
                rates_changed = true;
            }
        }
        let mut pause_until = None;
        if one_ticket {
            self.counters.refusals += 1;
        } else if seen.refused {
            self.counters.refusals += 1;
            let wait = seen
                .retry_after_s
                .map_or(PAUSE_WITHOUT_RETRY_AFTER_MS, |s| s * 1000);
            pause_until = Some(seen.at_ms + wait);
            if cut && now_ms >= self.cut_at_ms + 1_000 {
                self.cut_percent =
                    (self.cut_percent * CUT_ON_REFUSAL_PERCENT / 100).max(CUT_MIN_PERCENT);
                self.cut_at_ms = now_ms;
                rates_changed = true;
            }
        } else if let (Some(remaining), Some(limit)) =
            (seen.remaining, seen.limit.or(self.account_limit))
        {
            // The agents' share: under a tenth of the limit left, wait for the window to give
            // that tenth back (at the limit's own rate).
            let reserve = (limit / 10).max(1);
            if remaining < reserve {
                let refill_ms = u64::from(reserve - remaining) * 60_000 / u64::from(limit.max(1));
                pause_until = Some(seen.at_ms + refill_ms);
            }
        }
        let paused = pause_until.is_some_and(|until| until > self.paused_until_ms.max(now_ms));
        if paused {
            self.paused_until_ms = pause_until.unwrap_or_default();
            self.counters.pauses += 1;
        }
        if paused || rates_changed {
            self.rebase_lanes(settings, now_ms);
        }
    }

    /// The cut grows back by a tenth every `CUT_RECOVERY_MS` without a 429.
    fn recover(&mut self, settings: BudgetSettings, now_ms: u64) {
        if self.cut_percent >= 100 || now_ms < self.cut_at_ms + CUT_RECOVERY_MS {
            if self.general_rate(settings, now_ms) != self.general.per_min
                || self.update_rate(settings, now_ms) != self.updates.per_min
            {
                self.rebase_lanes(settings, now_ms);
            }
            return;
        }
        self.cut_percent = (self.cut_percent + CUT_RECOVERY_PERCENT).min(100);
        self.cut_at_ms = now_ms;
        self.rebase_lanes(settings, now_ms);
    }

    fn rebase_lanes(&mut self, settings: BudgetSettings, now_ms: u64) {
        let from = self.paused_until_ms.max(now_ms);
        let general = self.general_rate(settings, now_ms);
        let updates = self.update_rate(settings, now_ms);
        self.general.rebase(now_ms, from, general);
        self.updates.rebase(now_ms, from, updates);
    }

    /// The budget as the metrics and the dashboard show it.
    pub fn report(&self, settings: BudgetSettings, now_ms: u64) -> serde_json::Value {
        serde_json::json!({
            "per_min": self.general_rate(settings, now_ms),
            "updates_per_min": self.update_rate(settings, now_ms),
            "configured_per_min": settings.per_min,
            "account_limit": self.account_limit,
            "paused_for_ms": self.paused_until_ms.saturating_sub(now_ms),
            "waiting": self.general.next.saturating_sub(self.general.first_not_due(now_ms)),
            "asks": self.counters.asks,
            "granted": self.counters.granted,
            "waited": self.counters.waited,
            "refusals": self.counters.refusals,
            "pauses": self.counters.pauses,
        })
    }
}

#[cfg(test)]
#[path = "api_budget_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "api_budget_simulation.rs"]
mod simulation;
