//! Operational metrics, pure: what a step's domain events add to the counters
//! (`events::metrics`), and the merged report `GET /admin/metrics` shows. The shell keeps one `Metrics` per shard in a
//! Durable Object and merges the shards when asked.

use crate::core::metrics_series::{self, Activity, Hour};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Latency samples kept per shard (the most recent ones): percentiles describe recent traffic.
pub const SAMPLES_KEPT: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    #[serde(default)]
    pub counters: BTreeMap<String, u64>,
    #[serde(default)]
    pub failures: BTreeMap<String, u64>,
    /// Messages received per language they were read in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, u64>,
    /// Messages received per channel (`default`: today's variables; docs/channels.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, u64>,
    /// Messages waiting for a retry, per conversation (a gauge each conversation reports).
    #[serde(default)]
    pub pending_retries: BTreeMap<String, u64>,
    #[serde(default)]
    pub ack_ms: Vec<u64>,
    #[serde(default)]
    pub end_to_end_ms: Vec<u64>,
    #[serde(default)]
    pub since_ms: Option<u64>,
    /// This hour's minutes (`metrics_series`), written with the rest; earlier hours are kept
    /// under keys of their own, listed in `stored_hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_hour: Option<Hour>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stored_hours: Vec<u64>,
    /// The latest messages this shard was told of (newest last, at most `RECENT_KEPT`): the
    /// dashboard's list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<RecentMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentMessage {
    pub sid: String,
    pub conversation: String,
    pub at_ms: u64,
}

pub const RECENT_KEPT: usize = 50;

/// What one batch of events adds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    #[serde(default)]
    pub counters: BTreeMap<String, u64>,
    #[serde(default)]
    pub failures: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, u64>,
    #[serde(default)]
    pub ack_ms: Vec<u64>,
    #[serde(default)]
    pub end_to_end_ms: Vec<u64>,
    /// (conversation, messages now waiting for a retry)
    #[serde(default)]
    pub pending: Option<(String, u64)>,
    /// Where operators find things: written with the metrics, in the same request to the
    /// shard, so the look-ups cost no request of their own (`metrics_do`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directory: Vec<DirectoryEntry>,
}

/// One look-up key and the conversation (Durable Object id) it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub key: DirectoryKey,
    pub conversation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DirectoryKey {
    /// A customer message's MessageSid (one conversation).
    Message(String),
    /// A masked number as logs show it (`+1555***0001`): shared by design, so a set.
    Masked(String),
    /// A ticket the conversation made or found (an agent's reply names the ticket; its
    /// requester may have been changed in Zendesk since).
    Ticket(u64),
}

impl DirectoryKey {
    /// The storage key in a shard.
    pub fn storage_key(&self) -> String {
        match self {
            DirectoryKey::Message(sid) => format!("sid:{sid}"),
            DirectoryKey::Masked(masked) => format!("masked:{masked}"),
            DirectoryKey::Ticket(id) => format!("ticket:{id}"),
        }
    }
}

/// Most conversations remembered under one masked number.
pub const MASKED_SET_MAX: usize = 100;

impl Delta {
    /// What the dashboard's minute series keeps of this delta.
    pub fn activity(&self) -> Activity<'_> {
        Activity {
            counters: &self.counters,
            ack_ms: &self.ack_ms,
            end_to_end_ms: &self.end_to_end_ms,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counters.is_empty()
            && self.failures.is_empty()
            && self.languages.is_empty()
            && self.channels.is_empty()
            && self.ack_ms.is_empty()
            && self.end_to_end_ms.is_empty()
            && self.pending.is_none()
            && self.directory.is_empty()
    }

    /// Adds `other` to this batch (a conversation keeps one batch until its alarm sends it).
    /// Samples are kept to the last `SAMPLES_KEPT`, as a shard keeps them; the pending-retry
    /// gauge is the newer one.
    pub fn absorb(&mut self, other: Delta) {
        add_counts(&mut self.counters, other.counters);
        add_counts(&mut self.failures, other.failures);
        add_counts(&mut self.languages, other.languages);
        add_counts(&mut self.channels, other.channels);
        add_samples(&mut self.ack_ms, other.ack_ms);
        add_samples(&mut self.end_to_end_ms, other.end_to_end_ms);
        if other.pending.is_some() {
            self.pending = other.pending;
        }
        for entry in other.directory {
            if !self.directory.contains(&entry) {
                self.directory.push(entry);
            }
        }
    }
}

/// Where an earlier version's failure key that is not plain text is counted: those keys were
/// cut from upstream error text, so one could hold markup or a description, kept for ever.
pub const LEGACY_FAILURE_KEY: &str = "earlier_version.other";

/// An earlier version's keys (`ticket: http 401`, `reply: twilio 63016`) are kept when they are
/// plain; any other key is counted under `LEGACY_FAILURE_KEY`. Applied as a shard writes and as
/// shards merge, so such a key leaves the report at once and the storage at the next write.
fn fold_unplain_failure_keys(failures: &mut BTreeMap<String, u64>) {
    let plain = |k: &str| {
        !k.is_empty()
            && k.len() <= 48
            && k.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'_' | b'.' | b':' | b',' | b' ')
            })
    };
    let unplain: Vec<String> = failures.keys().filter(|k| !plain(k)).cloned().collect();
    for key in unplain {
        if let Some(n) = failures.remove(&key) {
            *failures.entry(LEGACY_FAILURE_KEY.to_string()).or_default() += n;
        }
    }
}

fn add_counts(into: &mut BTreeMap<String, u64>, from: BTreeMap<String, u64>) {
    for (k, v) in from {
        *into.entry(k).or_default() += v;
    }
}

/// Appends the samples, keeping the most recent `SAMPLES_KEPT`.
fn add_samples(into: &mut Vec<u64>, from: Vec<u64>) {
    into.extend(from);
    if into.len() > SAMPLES_KEPT {
        let excess = into.len() - SAMPLES_KEPT;
        into.drain(..excess);
    }
}

impl Metrics {
    /// Adds a delta at `now_ms`. Returns what the shard must store apart: an hour that just
    /// finished (under `Hour::key`), and the stored hours now older than a day (to delete).
    pub fn apply(&mut self, delta: Delta, now_ms: u64) -> (Option<Hour>, Vec<u64>) {
        let finished = metrics_series::roll(&mut self.current_hour, now_ms).map(|(h, _)| h);
        if let Some(h) = &finished {
            self.stored_hours.push(h.hour);
        }
        let oldest = (now_ms / metrics_series::HOUR_MS).saturating_sub(metrics_series::HOURS_KEPT);
        let expired: Vec<u64> = self
            .stored_hours
            .iter()
            .copied()
            .filter(|h| *h <= oldest)
            .collect();
        self.stored_hours.retain(|h| *h > oldest);
        if let Some(hour) = self.current_hour.as_mut() {
            hour.record(delta.activity(), now_ms);
        }
        for entry in &delta.directory {
            if let DirectoryKey::Message(sid) = &entry.key {
                self.recent.push(RecentMessage {
                    sid: sid.clone(),
                    conversation: entry.conversation.clone(),
                    at_ms: now_ms,
                });
            }
        }
        if self.recent.len() > RECENT_KEPT {
            let excess = self.recent.len() - RECENT_KEPT;
            self.recent.drain(..excess);
        }
        self.apply_totals(delta, now_ms);
        (finished, expired)
    }

    fn apply_totals(&mut self, delta: Delta, now_ms: u64) {
        self.since_ms.get_or_insert(now_ms);
        add_counts(&mut self.counters, delta.counters);
        add_counts(&mut self.failures, delta.failures);
        fold_unplain_failure_keys(&mut self.failures);
        add_counts(&mut self.languages, delta.languages);
        add_counts(&mut self.channels, delta.channels);
        add_samples(&mut self.ack_ms, delta.ack_ms);
        add_samples(&mut self.end_to_end_ms, delta.end_to_end_ms);
        if let Some((conversation, n)) = delta.pending {
            if n == 0 {
                self.pending_retries.remove(&conversation);
            } else {
                self.pending_retries.insert(conversation, n);
            }
        }
    }

    /// Forgets what names an erased conversation: its recent messages and its pending-retry
    /// gauge (the counters are counts, naming no one). True when something changed.
    pub fn forget(&mut self, conversation: &str) -> bool {
        let before = (self.recent.len(), self.pending_retries.len());
        self.recent.retain(|m| m.conversation != conversation);
        self.pending_retries.remove(conversation);
        before != (self.recent.len(), self.pending_retries.len())
    }

    /// Several shards as one.
    pub fn merge(shards: &[Metrics]) -> Metrics {
        let mut all = Metrics::default();
        for s in shards {
            for (k, v) in &s.counters {
                *all.counters.entry(k.clone()).or_default() += v;
            }
            for (k, v) in &s.languages {
                *all.languages.entry(k.clone()).or_default() += v;
            }
            for (k, v) in &s.channels {
                *all.channels.entry(k.clone()).or_default() += v;
            }
            for (k, v) in &s.failures {
                *all.failures.entry(k.clone()).or_default() += v;
            }
            all.pending_retries.extend(s.pending_retries.clone());
            all.ack_ms.extend(&s.ack_ms);
            all.recent.extend(s.recent.iter().cloned());
            all.end_to_end_ms.extend(&s.end_to_end_ms);
            all.since_ms = match (all.since_ms, s.since_ms) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        fold_unplain_failure_keys(&mut all.failures);
        all
    }

    pub fn report(&self) -> Value {
        json!({
            "since_ms": self.since_ms,
            "counters": self.counters,
            "failures_by_reason": self.failures,
            "messages_by_language": self.languages,
            "messages_by_channel": self.channels,
            "retries_pending": self.pending_retries.values().sum::<u64>(),
            "ack_ms": percentiles(&self.ack_ms),
            "end_to_end_ms": percentiles(&self.end_to_end_ms),
        })
    }
}

/// Nearest-rank percentiles of the samples.
pub fn percentiles(samples: &[u64]) -> Value {
    if samples.is_empty() {
        return json!({ "count": 0 });
    }
    let mut s = samples.to_vec();
    s.sort_unstable();
    let at = |p: f64| s[((p / 100.0 * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1];
    json!({ "count": s.len(), "p50": at(50.0), "p95": at(95.0), "p99": at(99.0), "max": s[s.len() - 1] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_conversation_leaves_no_recent_message_or_gauge() {
        let mut m = Metrics::default();
        for (sid, conversation) in [("SM1", "ana"), ("SM2", "ben"), ("SM3", "ana")] {
            m.recent.push(RecentMessage {
                sid: sid.into(),
                conversation: conversation.into(),
                at_ms: 1,
            });
        }
        m.pending_retries.insert("ana".into(), 2);
        m.counters.insert("received".into(), 3);
        assert!(m.forget("ana"));
        assert_eq!(
            m.recent.iter().map(|r| r.sid.as_str()).collect::<Vec<_>>(),
            ["SM2"]
        );
        assert!(m.pending_retries.is_empty());
        assert_eq!(m.counters["received"], 3, "counts name no one");
        assert!(!m.forget("ana"), "nothing left to change");
    }

    #[test]
    fn an_earlier_versions_unplain_failure_key_is_folded_away() {
        let mut stored = Metrics {
            failures: BTreeMap::from([
                ("ticket: http 401".to_string(), 2),
                (
                    "ticket: twilio <script>alert(1)</script></b>".to_string(),
                    3,
                ),
                ("reply: twilio <b>x</b>".to_string(), 1),
            ]),
            ..Metrics::default()
        };
        let merged = Metrics::merge(&[stored.clone()]);
        assert_eq!(
            merged.failures,
            BTreeMap::from([
                ("ticket: http 401".to_string(), 2),
                (LEGACY_FAILURE_KEY.to_string(), 4),
            ])
        );
        // and it leaves the shard's storage at its next write
        stored.apply(Delta::default(), 10);
        assert_eq!(stored.failures, merged.failures);
    }

    #[test]
    fn shards_merge_and_report_percentiles() {
        let mut a = Metrics::default();
        let mut b = Metrics::default();
        a.apply(
            Delta {
                ack_ms: (1..=100).collect(),
                pending: Some(("c1".into(), 2)),
                ..Delta::default()
            },
            10,
        );
        b.apply(
            Delta {
                counters: BTreeMap::from([("received".into(), 5)]),
                pending: Some(("c2".into(), 1)),
                ..Delta::default()
            },
            5,
        );
        b.apply(
            Delta {
                pending: Some(("c2".into(), 0)),
                ..Delta::default()
            },
            6,
        );
        let r = Metrics::merge(&[a, b]).report();
        assert_eq!(r["counters"]["received"], 5);
        assert_eq!(r["retries_pending"], 2);
        assert_eq!(r["ack_ms"]["p50"], 50);
        assert_eq!(r["ack_ms"]["p99"], 99);
        assert_eq!(r["ack_ms"]["max"], 100);
        assert_eq!(r["since_ms"], 5);
        assert_eq!(r["end_to_end_ms"]["count"], 0);
    }

    #[test]
    fn only_recent_samples_are_kept() {
        let mut m = Metrics::default();
        m.apply(
            Delta {
                ack_ms: (0..(SAMPLES_KEPT as u64 + 10)).collect(),
                ..Delta::default()
            },
            0,
        );
        assert_eq!(m.ack_ms.len(), SAMPLES_KEPT);
        assert_eq!(m.ack_ms[0], 10);
    }
}
