//! A conversation's side of the account's Zendesk budget (`super`): the slot it holds, and
//! what the last answer said of the limits, stored with the conversation.

use super::{CallKind, RateSeen, Slot, SlotAnswer, SlotAsk};
use crate::core::http::Exchange;
use serde::{Deserialize, Serialize};

/// A conversation's side of the budget (stored with it): the slot it holds or was let go
/// with, and what the last Zendesk answer said of the limits, to report with its next ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SlotHolder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<Slot>,
    /// Let go (`SlotAnswer::Go`, or the coordinator could not be asked): the next Zendesk call
    /// goes without asking.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub granted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<RateSeen>,
    /// The account's limit the coordinator knows (as it last said): an answer naming another
    /// one is reported at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_limit: Option<u32>,
}

/// What a conversation does about a Zendesk call it is about to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Make it now (the slot is used).
    Call,
    /// Ask the coordinator first.
    Ask(SlotAsk),
    /// Its slot is due then.
    SleepUntil(u64),
}

impl SlotHolder {
    pub fn gate(&mut self, kind: CallKind, now_ms: u64) -> Gate {
        if self.granted {
            self.granted = false;
            return Gate::Call;
        }
        match self.slot {
            Some(slot) if slot.at_ms > now_ms => Gate::SleepUntil(slot.at_ms),
            held => Gate::Ask(SlotAsk {
                kind,
                held,
                seen: self.seen.take(),
                report_only: false,
            }),
        }
    }

    /// What must reach the coordinator now rather than with the next call: a 429 (every
    /// conversation pauses; the ask also keeps this conversation's place for its retry), a
    /// limit it does not know, the remaining budget under the agents' tenth.
    pub fn report_due(&self) -> Option<SlotAsk> {
        let seen = self.seen?;
        if seen.refused {
            // A report only: the retry asks for its own slot when it is due (a slot or a grant
            // taken now would outlive the pauses that come meanwhile).
            return Some(SlotAsk {
                kind: CallKind::Request,
                held: None,
                seen: Some(seen),
                report_only: true,
            });
        }
        let new_limit = seen.limit.is_some_and(|l| Some(l) != self.known_limit);
        let low = match (seen.remaining, seen.limit.or(self.known_limit)) {
            (Some(remaining), Some(limit)) => remaining < (limit / 10).max(1),
            _ => false,
        };
        (new_limit || low).then_some(SlotAsk {
            kind: CallKind::Request,
            held: None,
            seen: Some(seen),
            report_only: true,
        })
    }

    pub fn answered(&mut self, answer: SlotAnswer) {
        self.seen = None;
        match answer {
            SlotAnswer::Go { account_limit } => {
                self.slot = None;
                self.granted = true;
                self.known_limit = account_limit;
            }
            SlotAnswer::Wait {
                slot,
                account_limit,
            } => {
                self.slot = Some(slot);
                self.known_limit = account_limit;
            }
            SlotAnswer::Noted { account_limit } => self.known_limit = account_limit,
        }
    }

    /// The coordinator could not be asked: the call goes anyway (Zendesk still limits it, and
    /// a message is never held up by the budget's own failure).
    pub fn unavailable(&mut self) {
        self.seen = None;
        self.slot = None;
        self.granted = true;
    }

    /// What a Zendesk answer said of the limits (kept for the next ask).
    pub fn saw(&mut self, exchange: &Exchange, now_ms: u64) {
        if let Some(seen) = RateSeen::from_exchange(exchange, now_ms) {
            self.seen = Some(seen);
        }
    }
}
