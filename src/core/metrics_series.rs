//! The last 24 hours of activity, per minute, for the operator's dashboard: counts and latency
//! histograms, bounded in size.
//!
//! A metrics shard keeps the current hour's minutes inside its metrics record (written anyway
//! with every delta: no extra storage write), and moves a finished hour out to a key of its own
//! once an hour (`Hour`), deleting the one 24 hours older. Latencies are kept as histograms over
//! fixed bounds, so any number of samples costs the same and shards merge by adding; a
//! percentile is reported as the upper bound of the bin it falls in (`<=`).
//!
//! Below `metrics`: a minute records an `Activity` (counters and latency samples), which
//! `metrics` reads out of its `Delta`; this module knows nothing of deltas.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Upper bounds of the latency bins (ms); the last bin takes everything above.
pub const BOUNDS_MS: [u64; 21] = [
    5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500,
    10_000, 20_000, 60_000,
];
pub const MINUTE_MS: u64 = 60_000;
pub const HOUR_MS: u64 = 3_600_000;
/// Hours kept (the current one included).
pub const HOURS_KEPT: u64 = 24;

/// Counts of latency samples per bin (`BOUNDS_MS`, plus one for above); empty when none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram(pub Vec<u32>);

impl Histogram {
    pub fn add(&mut self, ms: u64) {
        // Sized to the bounds whatever was stored (bounds changed by a later version, say).
        if self.0.len() != BOUNDS_MS.len() + 1 {
            self.0.resize(BOUNDS_MS.len() + 1, 0);
        }
        let bin = BOUNDS_MS
            .iter()
            .position(|b| ms <= *b)
            .unwrap_or(BOUNDS_MS.len());
        self.0[bin] += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        if other.0.is_empty() {
            return;
        }
        if self.0.is_empty() {
            self.0 = vec![0; BOUNDS_MS.len() + 1];
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    pub fn count(&self) -> u64 {
        self.0.iter().map(|c| u64::from(*c)).sum()
    }

    /// The upper bound of the bin holding the `p`th percentile (`None` without samples; the
    /// last bin reports the largest bound: "more than 60 s").
    pub fn percentile(&self, p: f64) -> Option<u64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((p / 100.0) * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.0.iter().enumerate() {
            seen += u64::from(*c);
            if seen >= rank {
                return Some(BOUNDS_MS[i.min(BOUNDS_MS.len() - 1)]);
            }
        }
        BOUNDS_MS.last().copied()
    }
}

/// One minute of activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Minute {
    /// Minutes since the epoch.
    pub at: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counts: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "is_empty_histogram")]
    pub ack: Histogram,
    #[serde(default, skip_serializing_if = "is_empty_histogram")]
    pub end_to_end: Histogram,
}

fn is_empty_histogram(h: &Histogram) -> bool {
    h.0.is_empty()
}

/// The counters a minute keeps (the dashboard's volume chart).
const COUNTED: [&str; 7] = [
    "received",
    "tickets_created",
    "follow_up_tickets_created",
    "comments_added",
    "replies_sent",
    "agent_replies_sent",
    "failures",
];

/// What one batch of events adds to its minute: the counters (only the `COUNTED` ones are
/// kept) and the latency samples.
#[derive(Debug, Clone, Copy)]
pub struct Activity<'a> {
    pub counters: &'a BTreeMap<String, u64>,
    pub ack_ms: &'a [u64],
    pub end_to_end_ms: &'a [u64],
}

/// An hour of minutes, oldest first. A list, not a map keyed by minute: integer map keys do not
/// survive the tagged answers of `core::edges` (serde buffers them as strings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hour {
    pub hour: u64,
    pub minutes: Vec<Minute>,
}

impl Hour {
    pub fn starting(now_ms: u64) -> Hour {
        Hour {
            hour: now_ms / HOUR_MS,
            minutes: Vec::new(),
        }
    }

    /// Adds a batch's activity to the minute of `now_ms`.
    pub fn record(&mut self, activity: Activity, now_ms: u64) {
        let at = now_ms / MINUTE_MS;
        if self.minutes.last().is_none_or(|m| m.at != at) {
            self.minutes.push(Minute {
                at,
                ..Minute::default()
            });
        }
        let Some(minute) = self.minutes.last_mut() else {
            return;
        };
        for name in COUNTED {
            if let Some(n) = activity.counters.get(name).filter(|n| **n > 0) {
                *minute.counts.entry(name.to_string()).or_default() += n;
            }
        }
        for ms in activity.ack_ms {
            minute.ack.add(*ms);
        }
        for ms in activity.end_to_end_ms {
            minute.end_to_end.add(*ms);
        }
    }

    /// The storage key of a finished hour.
    pub fn key(hour: u64) -> String {
        format!("hour:{hour}")
    }
}

/// What to do with the current hour before recording at `now_ms`: `Some(finished)` when the
/// hour changed (the finished hour is stored under its key, and `Hour::key(expired)` deleted).
pub fn roll(current: &mut Option<Hour>, now_ms: u64) -> Option<(Hour, u64)> {
    let hour = now_ms / HOUR_MS;
    match current {
        // Only forward: a clock stepping back keeps the current hour.
        Some(h) if hour <= h.hour => None,
        Some(h) => {
            let finished = std::mem::replace(h, Hour::starting(now_ms));
            let expired = hour.saturating_sub(HOURS_KEPT);
            Some((finished, expired))
        }
        None => {
            *current = Some(Hour::starting(now_ms));
            None
        }
    }
}

/// The last 24 hours, every shard's hours merged, as the dashboard draws them: one point per
/// minute that saw activity, oldest first.
pub fn report(hours: &[Hour], now_ms: u64) -> Value {
    let since_minute = now_ms.saturating_sub(HOURS_KEPT * HOUR_MS) / MINUTE_MS;
    let mut merged: BTreeMap<u64, Minute> = BTreeMap::new();
    for hour in hours {
        for m in hour.minutes.iter().filter(|m| m.at >= since_minute) {
            let into = merged.entry(m.at).or_default();
            for (k, v) in &m.counts {
                *into.counts.entry(k.clone()).or_default() += v;
            }
            into.ack.merge(&m.ack);
            into.end_to_end.merge(&m.end_to_end);
        }
    }
    let points: Vec<Value> = merged
        .iter()
        .map(|(at, m)| {
            let mut point = json!({ "minute_ms": at * MINUTE_MS });
            for name in COUNTED {
                point[name] = json!(m.counts.get(name).copied().unwrap_or(0));
            }
            for (label, h) in [("ack", &m.ack), ("end_to_end", &m.end_to_end)] {
                point[format!("{label}_p50_ms")] = json!(h.percentile(50.0));
                point[format!("{label}_p95_ms")] = json!(h.percentile(95.0));
                point[format!("{label}_p99_ms")] = json!(h.percentile(99.0));
            }
            point
        })
        .collect();
    json!({
        "minute_ms": MINUTE_MS,
        "latency_bounds_ms": BOUNDS_MS,
        "points": points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records `received` messages (and a counter a minute does not keep) with these acks.
    fn record(hour: &mut Hour, received: u64, acks: &[u64], now_ms: u64) {
        let counters = BTreeMap::from([("received".into(), received), ("duplicates".into(), 1)]);
        let activity = Activity {
            counters: &counters,
            ack_ms: acks,
            end_to_end_ms: &[],
        };
        hour.record(activity, now_ms);
    }

    #[test]
    fn histograms_give_bin_bounds_as_percentiles() {
        let mut h = Histogram::default();
        assert_eq!(h.percentile(50.0), None);
        for ms in [3, 8, 8, 40, 90, 120, 400, 900, 2_500, 90_000] {
            h.add(ms);
        }
        assert_eq!(h.count(), 10);
        assert_eq!(
            h.percentile(50.0),
            Some(100),
            "the 5th of 10 samples, 90 ms, is in (75, 100]"
        );
        assert_eq!(h.percentile(99.0), Some(60_000), "above every bound");
        let mut other = Histogram::default();
        other.add(1);
        h.merge(&other);
        assert_eq!(h.count(), 11);
    }

    #[test]
    fn minutes_roll_into_hours_and_expire_after_a_day() {
        let t0 = 100 * HOUR_MS + 5 * MINUTE_MS;
        let mut current = None;
        assert_eq!(roll(&mut current, t0), None);
        let hour = current.as_mut().unwrap();
        record(hour, 2, &[12, 30], t0);
        record(hour, 1, &[], t0 + 10_000);
        record(hour, 1, &[700], t0 + MINUTE_MS);
        assert_eq!(hour.minutes.len(), 2);
        assert_eq!(hour.minutes[0].at, t0 / MINUTE_MS);
        assert_eq!(hour.minutes[0].counts["received"], 3);
        assert!(!hour.minutes[0].counts.contains_key("duplicates"));
        let (finished, expired) = roll(&mut current, t0 + HOUR_MS).expect("a new hour");
        assert_eq!(finished.hour, 100);
        assert_eq!(expired, 101 - HOURS_KEPT);
        assert!(current.as_ref().unwrap().minutes.is_empty());

        let report = report(&[finished.clone(), finished], t0 + 2 * MINUTE_MS);
        let points = report["points"].as_array().unwrap();
        assert_eq!(points.len(), 2, "two minutes with activity, shards merged");
        assert_eq!(points[0]["received"], 6);
        assert_eq!(points[0]["ack_p99_ms"], 35);
        assert_eq!(points[1]["ack_p50_ms"], 750);
        let later = super::report(&[Hour::starting(0)], t0 + 30 * HOUR_MS);
        assert!(later["points"].as_array().unwrap().is_empty());
    }
}
