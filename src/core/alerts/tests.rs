use super::*;
use std::collections::BTreeMap;

const MIN: u64 = 60_000;

fn thresholds() -> Thresholds {
    Thresholds {
        failure_rate_percent: 20,
        failure_min_count: 3,
        retries_growing_checks: 3,
        unfinished_minutes: 30,
        resolve_after_checks: 2,
    }
}

fn reading(received: u64, failures: &[(&str, u64)], pending: &[(&str, u64)]) -> Observation {
    Observation {
        metrics: Some(MetricsReading {
            received,
            failures: failures.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            pending: pending.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }),
        config_problems: Vec::new(),
    }
}

/// Runs the checks in order, 5 minutes apart; returns each check's notices as
/// `(kind, condition)`.
fn run(
    state: &mut AlertState,
    t: &Thresholds,
    checks: &[Observation],
) -> Vec<Vec<(NoticeKind, Condition)>> {
    checks
        .iter()
        .map(|o| {
            let now = 1_000_000 + state.checks * 5 * MIN;
            check(state, o, t, now)
                .into_iter()
                .map(|n| (n.kind, n.condition))
                .collect()
        })
        .collect()
}

#[test]
fn failures_above_the_rate_raise_one_alert_and_one_resolution() {
    let mut s = AlertState::default();
    let t = thresholds();
    let notices = run(
        &mut s,
        &t,
        &[
            reading(10, &[], &[]),
            // 4 of 5 failed: alert
            reading(15, &[("ticket.http_401", 4)], &[]),
            // still failing: nothing new
            reading(20, &[("ticket.http_401", 8)], &[]),
            // clear once: not yet resolved (2 checks needed)
            reading(30, &[("ticket.http_401", 8)], &[]),
            // clear twice: resolved
            reading(40, &[("ticket.http_401", 8)], &[]),
            // and quiet after
            reading(50, &[("ticket.http_401", 8)], &[]),
        ],
    );
    assert_eq!(
        notices,
        vec![
            vec![],
            vec![(NoticeKind::Alert, Condition::FailureRate)],
            vec![],
            vec![],
            vec![(NoticeKind::Resolved, Condition::FailureRate)],
            vec![],
        ]
    );
    let alert = &s.outbox[0];
    assert!(alert.summary.contains("4 of 5"), "{}", alert.summary);
    assert!(
        alert.summary.contains("ticket.http_401 x4"),
        "{}",
        alert.summary
    );
    assert_eq!(s.outbox[1].incident, alert.incident);
    assert_eq!(s.outbox[1].since_ms, alert.since_ms);
    assert!(s.open.is_empty());
}

#[test]
fn few_failures_or_a_low_rate_raise_nothing_and_history_is_not_news() {
    let mut s = AlertState::default();
    let t = thresholds();
    let notices = run(
        &mut s,
        &t,
        &[
            // the first check sees old failures: history
            reading(
                100,
                &[("ticket.http_401", 50), ("agent_reply.gave_up", 3)],
                &[],
            ),
            // 2 failures: under the minimum count
            reading(
                102,
                &[("ticket.http_401", 52), ("agent_reply.gave_up", 3)],
                &[],
            ),
            // 3 of 100: under 20%
            reading(
                202,
                &[("ticket.http_401", 55), ("agent_reply.gave_up", 3)],
                &[],
            ),
            // agents' replies are another condition, and do not count in the rate
            reading(
                202,
                &[("ticket.http_401", 55), ("agent_reply.gave_up", 9)],
                &[],
            ),
        ],
    );
    assert_eq!(
        notices,
        vec![
            vec![],
            vec![],
            vec![],
            vec![(NoticeKind::Alert, Condition::AgentReplies)]
        ]
    );
}

#[test]
fn retries_that_keep_growing_alert_and_a_flat_backlog_stays_open() {
    let mut s = AlertState::default();
    let t = thresholds();
    let notices = run(
        &mut s,
        &t,
        &[
            reading(0, &[], &[("c1", 1)]),
            reading(0, &[], &[("c1", 2)]),
            reading(0, &[], &[("c1", 2), ("c2", 1)]),
            // rose at 3 checks in a row
            reading(0, &[], &[("c1", 2), ("c2", 3)]),
            // flat: cannot tell, stays open
            reading(0, &[], &[("c1", 2), ("c2", 3)]),
            reading(0, &[], &[("c1", 2), ("c2", 3)]),
            // draining twice: resolved
            reading(0, &[], &[("c2", 3)]),
            reading(0, &[], &[]),
        ],
    );
    let growing: Vec<_> = notices
        .iter()
        .map(|n| {
            n.iter()
                .filter(|(_, c)| *c == Condition::RetriesGrowing)
                .count()
        })
        .collect();
    assert_eq!(growing, vec![0, 0, 0, 1, 0, 0, 0, 1]);
    let alert = s
        .outbox
        .iter()
        .find(|n| n.condition == Condition::RetriesGrowing)
        .unwrap();
    assert!(
        alert.summary.contains("1 -> 2 -> 3 -> 5"),
        "{}",
        alert.summary
    );
}

#[test]
fn a_message_waiting_too_long_is_timed_from_the_first_check_that_saw_it() {
    let mut s = AlertState::default();
    let t = Thresholds {
        unfinished_minutes: 12,
        ..thresholds()
    };
    // checks 5 minutes apart: seen at 0, 5, 10 (10 min), 15 (15 min >= 12): alert
    let waiting = reading(0, &[], &[("c1", 1)]);
    let notices = run(
        &mut s,
        &t,
        &[waiting.clone(), waiting.clone(), waiting.clone(), waiting],
    );
    let oldest: Vec<_> = notices
        .iter()
        .map(|n| {
            n.iter()
                .filter(|(_, c)| *c == Condition::OldestUnfinished)
                .count()
        })
        .collect();
    assert_eq!(oldest, vec![0, 0, 0, 1]);
    let alert = s
        .outbox
        .iter()
        .find(|n| n.condition == Condition::OldestUnfinished)
        .unwrap();
    assert!(
        alert.summary.contains("at least 15 min"),
        "{}",
        alert.summary
    );
    // Another conversation waiting does not reset the oldest one's time.
    assert_eq!(s.waiting_since.get("c1"), Some(&1_000_000));
}

#[test]
fn an_invalid_configuration_alerts_by_names_and_unreadable_metrics_change_nothing() {
    let mut s = AlertState::default();
    let t = Thresholds {
        resolve_after_checks: 1,
        ..thresholds()
    };
    let invalid = Observation {
        metrics: None,
        config_problems: vec!["ZENDESK_EMAIL".into(), "ALERT_FAILURE_RATE_PERCENT".into()],
    };
    let notices = run(
        &mut s,
        &t,
        &[invalid.clone(), invalid, Observation::default()],
    );
    assert_eq!(
        notices,
        vec![
            vec![(NoticeKind::Alert, Condition::ConfigInvalid)],
            vec![],
            vec![(NoticeKind::Resolved, Condition::ConfigInvalid)],
        ]
    );
    assert!(s.outbox[0]
        .summary
        .contains("ZENDESK_EMAIL, ALERT_FAILURE_RATE_PERCENT"));
    // No metrics read yet: no baseline taken, nothing else concluded.
    assert!(s.baseline.is_none());
}

#[test]
fn a_check_that_cannot_read_the_metrics_neither_resolves_nor_counts_as_clear() {
    let mut s = AlertState::default();
    let t = Thresholds {
        resolve_after_checks: 1,
        ..thresholds()
    };
    let unreadable = Observation::default();
    let notices = run(
        &mut s,
        &t,
        &[
            reading(0, &[], &[]),
            reading(3, &[("reply.twilio_63016", 3)], &[]),
            unreadable.clone(),
            unreadable,
            reading(3, &[("reply.twilio_63016", 3)], &[]),
        ],
    );
    let rate: Vec<_> = notices
        .iter()
        .map(|n| {
            n.iter()
                .filter(|(_, c)| *c == Condition::FailureRate)
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        rate,
        vec![
            vec![],
            vec![NoticeKind::Alert],
            vec![],
            vec![],
            vec![NoticeKind::Resolved]
        ]
    );
}

#[test]
fn notices_stay_in_the_outbox_until_delivered_and_the_outbox_is_bounded() {
    let mut s = AlertState::default();
    let t = Thresholds {
        resolve_after_checks: 1,
        ..thresholds()
    };
    let bad = Observation {
        metrics: None,
        config_problems: vec!["X".into()],
    };
    let added = check(&mut s, &bad, &t, 1);
    assert_eq!(s.outbox, added);
    delivered(&mut s, &[added[0].id]);
    assert!(s.outbox.is_empty());
    for i in 0..(OUTBOX_MAX as u64 + 5) {
        let o = if i % 2 == 0 {
            Observation::default()
        } else {
            bad.clone()
        };
        check(&mut s, &o, &t, 10 + i);
    }
    assert_eq!(s.outbox.len(), OUTBOX_MAX);
    let ids: Vec<u64> = s.outbox.iter().map(|n| n.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "oldest first, each once");
}

#[test]
fn shards_that_reset_never_read_as_a_burst_of_failures() {
    let mut s = AlertState::default();
    let t = thresholds();
    let notices = run(
        &mut s,
        &t,
        &[
            reading(100, &[("ticket.http_401", 50)], &[]),
            reading(2, &[("ticket.http_401", 1)], &[]),
        ],
    );
    assert_eq!(notices, vec![vec![], vec![]]);
}

#[test]
fn the_waiting_conversations_tracked_are_bounded_keeping_the_oldest() {
    let mut s = AlertState::default();
    let t = thresholds();
    let many: Vec<(String, u64)> = (0..WAITING_TRACKED_MAX + 10)
        .map(|i| (format!("c{i:05}"), 1))
        .collect();
    let first = Observation {
        metrics: Some(MetricsReading {
            received: 0,
            failures: BTreeMap::new(),
            pending: many.iter().take(5).cloned().collect(),
        }),
        config_problems: Vec::new(),
    };
    check(&mut s, &first, &t, 1);
    let all = Observation {
        metrics: Some(MetricsReading {
            received: 0,
            failures: BTreeMap::new(),
            pending: many.into_iter().collect(),
        }),
        config_problems: Vec::new(),
    };
    check(&mut s, &all, &t, 2);
    assert_eq!(s.waiting_since.len(), WAITING_TRACKED_MAX);
    assert_eq!(s.waiting_since.get("c00000"), Some(&1));
}

#[test]
fn an_alert_never_carries_a_phone_number_or_a_text() {
    // The check reads counts, keys and names only: whatever the conversations' ids, no field
    // of a reading reaches a summary but failure keys and numbers.
    let mut s = AlertState::default();
    let t = Thresholds {
        failure_min_count: 1,
        unfinished_minutes: 1,
        ..thresholds()
    };
    let conv = "+15550001234 my order is broken";
    run(
        &mut s,
        &t,
        &[
            reading(0, &[], &[(conv, 1)]),
            reading(
                1,
                &[("ticket.http_401", 1), ("agent_reply.gave_up", 1)],
                &[(conv, 2)],
            ),
            reading(
                1,
                &[("ticket.http_401", 1), ("agent_reply.gave_up", 1)],
                &[(conv, 3)],
            ),
            reading(
                1,
                &[("ticket.http_401", 1), ("agent_reply.gave_up", 1)],
                &[(conv, 4)],
            ),
        ],
    );
    assert!(s.outbox.len() >= 4, "{:?}", s.outbox);
    for n in &s.outbox {
        let body = notice::body(n, crate::core::config::alerts::WebhookFormat::Json);
        assert!(
            !body.contains("15550001234") && !body.contains("broken"),
            "{body}"
        );
    }
}
