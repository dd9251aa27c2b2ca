//! The stored form of `AlertState`, versioned: the Durable Object writes an envelope
//! `{"v": 1, "state": {...}}`. A change of the stored JSON fails `the_stored_shape_is_pinned`
//! and must come with a new version (and a reader of the older one here).
//!
//! - v1: the first form.
//!
//! A value this code cannot read (a newer gateway's, after a rollback; a corrupted one) is not
//! an error that stops the alerts: the check starts again from an empty state (no incident
//! open, the next check takes new totals), and the shell logs why. The worst it costs is one
//! repeated alert for an incident still going on.

use super::AlertState;
use serde::{Deserialize, Serialize};

pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct EnvelopeOut<'a> {
    v: u64,
    state: &'a AlertState,
}

#[derive(Deserialize)]
struct EnvelopeIn {
    v: u64,
    state: serde_json::Value,
}

/// Why a stored value was set aside (no content: safe to log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    NotAnEnvelope,
    NewerVersion(u64),
    BadState,
}

impl Unreadable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unreadable::NotAnEnvelope => "not_an_envelope",
            Unreadable::NewerVersion(_) => "newer_version",
            Unreadable::BadState => "bad_state",
        }
    }
}

pub fn encode(state: &AlertState) -> String {
    serde_json::to_string(&EnvelopeOut { v: VERSION, state }).expect("plain data serialises")
}

pub fn decode(text: &str) -> Result<AlertState, Unreadable> {
    let envelope: EnvelopeIn = serde_json::from_str(text).map_err(|_| Unreadable::NotAnEnvelope)?;
    match envelope.v {
        VERSION => serde_json::from_value(envelope.state).map_err(|_| Unreadable::BadState),
        v => Err(Unreadable::NewerVersion(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::alerts::{Baseline, Condition, Incident, Notice, NoticeKind};
    use std::collections::BTreeMap;

    fn every_field() -> AlertState {
        AlertState {
            checks: 4,
            last_check_ms: Some(1_000),
            baseline: Some(Baseline {
                received: 5,
                failures: BTreeMap::from([("ticket.http_401".to_string(), 2)]),
            }),
            pending_history: vec![0, 1, 3],
            waiting_since: BTreeMap::from([("c1".to_string(), 900)]),
            open: vec![Incident {
                id: 2,
                condition: Condition::RetriesGrowing,
                since_ms: 800,
                clear_checks: 1,
            }],
            next_id: 3,
            outbox: vec![Notice {
                id: 3,
                kind: NoticeKind::Alert,
                incident: 2,
                condition: Condition::RetriesGrowing,
                since_ms: 800,
                at_ms: 800,
                summary: "s".into(),
            }],
        }
    }

    #[test]
    fn the_stored_shape_is_pinned() {
        assert_eq!(
            encode(&every_field()),
            r#"{"v":1,"state":{"checks":4,"last_check_ms":1000,"baseline":{"received":5,"failures":{"ticket.http_401":2}},"pending_history":[0,1,3],"waiting_since":{"c1":900},"open":[{"id":2,"condition":"retries_growing","since_ms":800,"clear_checks":1}],"next_id":3,"outbox":[{"id":3,"kind":"alert","incident":2,"condition":"retries_growing","since_ms":800,"at_ms":800,"summary":"s"}]}}"#
        );
        assert_eq!(decode(&encode(&every_field())), Ok(every_field()));
    }

    #[test]
    fn what_cannot_be_read_is_named_never_a_panic() {
        assert_eq!(decode("{"), Err(Unreadable::NotAnEnvelope));
        assert_eq!(
            decode(r#"{"v":2,"state":{}}"#),
            Err(Unreadable::NewerVersion(2))
        );
        assert_eq!(
            decode(r#"{"v":1,"state":{"checks":"x"}}"#),
            Err(Unreadable::BadState)
        );
        // A v1 value without its fields is set aside, never half read.
        assert_eq!(decode(r#"{"v":1,"state":{}}"#), Err(Unreadable::BadState));
    }
}
