//! Alerts, pure: what a scheduled check concludes from the metrics and the configuration, and
//! what it posts. One alert when an incident opens and one "resolved" message when it ends,
//! never one per check: the incidents live in `AlertState` (kept by the shell in a Durable
//! Object, `alerts_do`, in the versioned form of `stored`), which each check reads and updates.
//!
//! The conditions, each checked at every run of the cron:
//! - `FailureRate`: customers' messages failing (their ticket or the gateway's reply), counted
//!   since the previous check, at or above `ALERT_FAILURE_RATE_PERCENT` of those received, and
//!   at least `ALERT_FAILURE_MIN_COUNT` of them;
//! - `RetriesGrowing`: the retries pending rose at `ALERT_RETRIES_GROWING_CHECKS` checks in a
//!   row (clear once they are back to none or falling: a flat backlog is the next condition's);
//! - `OldestUnfinished`: a conversation has had a message waiting for a retry for longer than
//!   `ALERT_UNFINISHED_MINUTES`, timed from the first check that saw it waiting (the metrics
//!   keep a gauge per conversation, not the message's age: the age is known to within one
//!   cron interval, and never overstated);
//! - `AgentReplies`: an agent's reply could not be sent to WhatsApp since the previous check;
//! - `ConfigInvalid`: the configuration is invalid (its missing or wrong names, never values).
//!
//! An open incident is resolved after `ALERT_RESOLVE_AFTER_CHECKS` checks in a row that find
//! its condition clear; a check that cannot tell (the metrics could not be read) changes
//! nothing. Alerts say counts, failure keys (`ticket.http_401`), durations and setting names:
//! never a phone number or a message's text.
//!
//! Delivery is at least once: a notice stays in the state's outbox until the shell reports it
//! posted (`delivered`), so a webhook that is down gets it at a later check.

pub mod notice;
pub mod stored;

use crate::core::config::alerts::AlertSettings;
use crate::core::metrics::Metrics;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Notices kept for a webhook that does not take them (the oldest are dropped beyond).
pub const OUTBOX_MAX: usize = 20;
/// Conversations whose waiting is timed (more is a flood the other conditions report anyway).
pub const WAITING_TRACKED_MAX: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    FailureRate,
    RetriesGrowing,
    OldestUnfinished,
    AgentReplies,
    ConfigInvalid,
}

impl Condition {
    pub const ALL: [Condition; 5] = [
        Condition::FailureRate,
        Condition::RetriesGrowing,
        Condition::OldestUnfinished,
        Condition::AgentReplies,
        Condition::ConfigInvalid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Condition::FailureRate => "failure_rate",
            Condition::RetriesGrowing => "retries_growing",
            Condition::OldestUnfinished => "oldest_unfinished",
            Condition::AgentReplies => "agent_replies",
            Condition::ConfigInvalid => "config_invalid",
        }
    }

    /// What an operator reads first.
    pub fn title(self) -> &'static str {
        match self {
            Condition::FailureRate => "Customers' messages are failing",
            Condition::RetriesGrowing => "Retries are piling up",
            Condition::OldestUnfinished => "A message has waited too long",
            Condition::AgentReplies => "Agents' replies are failing",
            Condition::ConfigInvalid => "The configuration is invalid",
        }
    }
}

/// The thresholds of `AlertSettings` (the check needs no URL: the shell posts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub failure_rate_percent: u64,
    pub failure_min_count: u64,
    pub retries_growing_checks: u64,
    pub unfinished_minutes: u64,
    pub resolve_after_checks: u64,
}

impl Thresholds {
    pub fn of(s: &AlertSettings) -> Thresholds {
        Thresholds {
            failure_rate_percent: s.failure_rate_percent,
            failure_min_count: s.failure_min_count,
            retries_growing_checks: s.retries_growing_checks,
            unfinished_minutes: s.unfinished_minutes,
            resolve_after_checks: s.resolve_after_checks,
        }
    }
}

/// What the metrics say at a check: totals since the shards began (the check takes the
/// difference with the previous check's), and the retries pending per conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsReading {
    pub received: u64,
    /// Failures by key (`ticket.http_401`, `agent_reply.gave_up`).
    pub failures: BTreeMap<String, u64>,
    pub pending: BTreeMap<String, u64>,
}

impl MetricsReading {
    pub fn of(m: &Metrics) -> MetricsReading {
        MetricsReading {
            received: m.counters.get("received").copied().unwrap_or(0),
            failures: m.failures.clone(),
            pending: m.pending_retries.clone(),
        }
    }
}

/// Everything one check looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// `None` when the metrics could not be read: the conditions on them are left as they are.
    pub metrics: Option<MetricsReading>,
    /// The names of the missing or invalid settings; empty when the configuration is valid.
    pub config_problems: Vec<String>,
}

/// The totals of the previous check, to count what happened since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub received: u64,
    pub failures: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: u64,
    pub condition: Condition,
    pub since_ms: u64,
    /// Checks in a row that found the condition clear.
    pub clear_checks: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Alert,
    Resolved,
}

/// One message to post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Unique per notice: what the shell reports delivered.
    pub id: u64,
    pub kind: NoticeKind,
    pub incident: u64,
    pub condition: Condition,
    pub since_ms: u64,
    pub at_ms: u64,
    /// Counts, failure keys, durations, setting names: never a phone number or a text.
    pub summary: String,
}

/// What the alerts remember between checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertState {
    pub checks: u64,
    pub last_check_ms: Option<u64>,
    pub baseline: Option<Baseline>,
    /// The total of retries pending at the latest checks, oldest first.
    pub pending_history: Vec<u64>,
    /// Conversation -> the first check that saw it with a message waiting for a retry.
    pub waiting_since: BTreeMap<String, u64>,
    pub open: Vec<Incident>,
    pub next_id: u64,
    /// Notices not yet posted, oldest first.
    pub outbox: Vec<Notice>,
}

/// What a check finds about one condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Firing(String),
    Clear,
    /// The check cannot tell (no metrics, or a backlog neither growing nor draining).
    Unknown,
}

fn window_failures(
    baseline: &Baseline,
    now: &MetricsReading,
    prefixes: &[&str],
) -> Vec<(String, u64)> {
    let mut new: Vec<(String, u64)> = now
        .failures
        .iter()
        .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p)))
        .map(|(k, v)| {
            let before = baseline.failures.get(k).copied().unwrap_or(0);
            // A total that went down (shards reset) counts from zero, never as a jump.
            (k.clone(), v.saturating_sub(before))
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    // Most frequent first, then by key: the same text for the same counts.
    new.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    new
}

fn causes(failures: &[(String, u64)]) -> String {
    let listed: Vec<String> = failures
        .iter()
        .take(5)
        .map(|(k, n)| format!("{k} x{n}"))
        .collect();
    listed.join(", ")
}

fn findings(
    state: &AlertState,
    observation: &Observation,
    t: &Thresholds,
    now_ms: u64,
) -> Vec<(Condition, Finding)> {
    let config = if observation.config_problems.is_empty() {
        Finding::Clear
    } else {
        Finding::Firing(format!(
            "Missing or invalid settings: {}. The gateway refuses its work until they are fixed; GET /healthz says what each must be.",
            observation.config_problems.join(", ")
        ))
    };
    let Some(m) = &observation.metrics else {
        return Condition::ALL
            .iter()
            .map(|c| match c {
                Condition::ConfigInvalid => (*c, config.clone()),
                _ => (*c, Finding::Unknown),
            })
            .collect();
    };
    let first = Baseline::default();
    // The first check only takes the totals: what came before it is history, not news.
    let baseline = state.baseline.as_ref();
    let fresh = baseline.is_none();
    let baseline = baseline.unwrap_or(&first);

    let failure_rate = {
        let failed = window_failures(baseline, m, &["ticket.", "reply."]);
        let count: u64 = failed.iter().map(|(_, n)| n).sum();
        let received = m.received.saturating_sub(baseline.received);
        let of = received.max(count);
        if fresh || count < t.failure_min_count || count * 100 < t.failure_rate_percent * of {
            Finding::Clear
        } else {
            Finding::Firing(format!(
                "{count} of {of} customers' messages failed since the previous check ({}%, alert at {}%). Causes: {}.",
                count * 100 / of.max(1),
                t.failure_rate_percent,
                causes(&failed)
            ))
        }
    };
    let agent_replies = {
        let failed = window_failures(baseline, m, &["agent_reply."]);
        let count: u64 = failed.iter().map(|(_, n)| n).sum();
        if fresh || count == 0 {
            Finding::Clear
        } else {
            Finding::Firing(format!(
                "{count} agents' replies could not be sent to WhatsApp since the previous check. Causes: {}.",
                causes(&failed)
            ))
        }
    };
    let pending: u64 = m.pending.values().sum();
    let retries_growing = {
        let mut history = state.pending_history.clone();
        history.push(pending);
        let needed = t.retries_growing_checks as usize + 1;
        let recent = &history[history.len().saturating_sub(needed)..];
        let previous = state.pending_history.last().copied();
        if recent.len() == needed && recent.windows(2).all(|w| w[1] > w[0]) {
            let path: Vec<String> = recent.iter().map(u64::to_string).collect();
            Finding::Firing(format!(
                "Messages waiting for a retry rose at {} checks in a row: {}. Zendesk or Twilio may be refusing or failing.",
                t.retries_growing_checks,
                path.join(" -> ")
            ))
        } else if pending == 0 || previous.is_some_and(|p| pending < p) {
            Finding::Clear
        } else {
            Finding::Unknown
        }
    };
    let oldest_unfinished = {
        let oldest = m
            .pending
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, _)| state.waiting_since.get(c).copied().unwrap_or(now_ms))
            .min();
        let limit_ms = t.unfinished_minutes * 60_000;
        match oldest {
            Some(since) if now_ms.saturating_sub(since) >= limit_ms => Finding::Firing(format!(
                "A message has waited for a retry for at least {} (alert at {} min); {pending} messages are waiting.",
                notice::duration(now_ms - since),
                t.unfinished_minutes
            )),
            _ => Finding::Clear,
        }
    };
    vec![
        (Condition::FailureRate, failure_rate),
        (Condition::RetriesGrowing, retries_growing),
        (Condition::OldestUnfinished, oldest_unfinished),
        (Condition::AgentReplies, agent_replies),
        (Condition::ConfigInvalid, config),
    ]
}

/// Remembers this check's readings for the next one.
fn remember(state: &mut AlertState, m: &MetricsReading, t: &Thresholds, now_ms: u64) {
    state.baseline = Some(Baseline {
        received: m.received,
        failures: m.failures.clone(),
    });
    state.pending_history.push(m.pending.values().sum());
    let keep = t.retries_growing_checks as usize + 1;
    let excess = state.pending_history.len().saturating_sub(keep);
    state.pending_history.drain(..excess);
    let waiting: BTreeMap<String, u64> = m
        .pending
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, _)| {
            (
                c.clone(),
                state.waiting_since.get(c).copied().unwrap_or(now_ms),
            )
        })
        .collect();
    // Bounded: the longest-waiting ones are the ones that matter.
    let mut by_age: Vec<(String, u64)> = waiting.into_iter().collect();
    by_age.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    by_age.truncate(WAITING_TRACKED_MAX);
    state.waiting_since = by_age.into_iter().collect();
}

/// One scheduled check at `now_ms`: updates `state` and returns the notices it adds to the
/// outbox (also kept there until `delivered`).
pub fn check(
    state: &mut AlertState,
    observation: &Observation,
    t: &Thresholds,
    now_ms: u64,
) -> Vec<Notice> {
    let findings = findings(state, observation, t, now_ms);
    if let Some(m) = &observation.metrics {
        remember(state, m, t, now_ms);
    }
    let mut added = Vec::new();
    for (condition, finding) in findings {
        let open = state.open.iter().position(|i| i.condition == condition);
        let mut notice = |state: &mut AlertState, kind, incident: u64, since_ms, summary| {
            state.next_id += 1;
            added.push(Notice {
                id: state.next_id,
                kind,
                incident,
                condition,
                since_ms,
                at_ms: now_ms,
                summary,
            });
        };
        match (open, finding) {
            (None, Finding::Firing(summary)) => {
                state.next_id += 1;
                let incident = state.next_id;
                state.open.push(Incident {
                    id: incident,
                    condition,
                    since_ms: now_ms,
                    clear_checks: 0,
                });
                notice(state, NoticeKind::Alert, incident, now_ms, summary);
            }
            (Some(i), Finding::Firing(_)) => state.open[i].clear_checks = 0,
            (Some(i), Finding::Clear) => {
                state.open[i].clear_checks += 1;
                if state.open[i].clear_checks >= t.resolve_after_checks {
                    let incident = state.open.remove(i);
                    let checks = match incident.clear_checks {
                        1 => "the latest check".to_string(),
                        n => format!("the latest {n} checks"),
                    };
                    let summary = format!(
                        "Resolved after {}: {checks} found it clear.",
                        notice::duration(now_ms.saturating_sub(incident.since_ms)),
                    );
                    notice(
                        state,
                        NoticeKind::Resolved,
                        incident.id,
                        incident.since_ms,
                        summary,
                    );
                }
            }
            (_, Finding::Unknown) | (None, Finding::Clear) => {}
        }
    }
    state.checks += 1;
    state.last_check_ms = Some(now_ms);
    state.outbox.extend(added.iter().cloned());
    let excess = state.outbox.len().saturating_sub(OUTBOX_MAX);
    state.outbox.drain(..excess);
    added
}

/// The shell posted these notices: they leave the outbox.
pub fn delivered(state: &mut AlertState, ids: &[u64]) {
    state.outbox.retain(|n| !ids.contains(&n.id));
}

/// To the alerts' Durable Object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertRequest {
    /// Run a check: the answer is the outbox (this check's notices and any not yet posted).
    Check {
        observation: Observation,
        thresholds: Thresholds,
        now_ms: u64,
    },
    /// These notices were posted.
    Delivered { ids: Vec<u64> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum AlertAnswer {
    Checked {
        outbox: Vec<Notice>,
        /// The conditions now open (for the check's log line).
        open: Vec<Condition>,
    },
    Done,
}

#[cfg(test)]
mod tests;
