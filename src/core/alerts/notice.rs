//! What an alert says and the request that posts it: Slack's `{"text": ...}` or a plain JSON
//! object (`ALERT_WEBHOOK_FORMAT`). The text is made of the notice's own fields only (counts,
//! failure keys, durations, setting names), so no phone number or message text can reach it.

use super::{Notice, NoticeKind};
use crate::core::config::alerts::WebhookFormat;
use crate::core::http::HttpRequest;
use serde_json::json;

/// Names the sender in every message (one channel may receive several services' alerts).
pub const SOURCE: &str = "whatsapp-zendesk-gateway";

/// `3 min`, `1 h 05 min`, `2 d 3 h`: how long, for people.
pub fn duration(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0 => format!("{} s", ms / 1000),
        1..=59 => format!("{minutes} min"),
        60..=1439 => format!("{} h {:02} min", minutes / 60, minutes % 60),
        _ => format!("{} d {} h", minutes / 1440, (minutes % 1440) / 60),
    }
}

/// `2026-12-04T16:40:00Z` (UTC, to the second).
pub fn utc(ms: u64) -> String {
    // Howard Hinnant's civil_from_days.
    let secs = ms / 1000;
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let s = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// The one line a person reads.
pub fn text(n: &Notice) -> String {
    match n.kind {
        NoticeKind::Alert => format!(
            "[{SOURCE}] ALERT #{} since {}: {}. {}",
            n.incident,
            utc(n.since_ms),
            n.condition.title(),
            n.summary
        ),
        NoticeKind::Resolved => format!(
            "[{SOURCE}] RESOLVED #{} (began {}): {}. {}",
            n.incident,
            utc(n.since_ms),
            n.condition.title(),
            n.summary
        ),
    }
}

/// The body posted for `n`.
pub fn body(n: &Notice, format: WebhookFormat) -> String {
    let value = match format {
        WebhookFormat::Slack => json!({ "text": text(n) }),
        WebhookFormat::Json => json!({
            "source": SOURCE,
            "event": match n.kind { NoticeKind::Alert => "alert", NoticeKind::Resolved => "resolved" },
            "condition": n.condition.key(),
            "title": n.condition.title(),
            "incident": n.incident,
            "since": utc(n.since_ms),
            "at": utc(n.at_ms),
            "summary": n.summary,
            "text": text(n),
        }),
    };
    value.to_string()
}

/// The POST to the webhook.
pub fn request(n: &Notice, url: &str, format: WebhookFormat) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: url.to_string(),
        headers: vec![("Content-Type", "application/json".to_string())],
        body: body(n, format),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::alerts::Condition;
    use serde_json::Value;

    fn notice(kind: NoticeKind) -> Notice {
        Notice {
            id: 7,
            kind,
            incident: 3,
            condition: Condition::FailureRate,
            since_ms: 1_796_402_400_000,
            at_ms: 1_796_403_120_000,
            summary: "4 of 5 customers' messages failed.".into(),
        }
    }

    #[test]
    fn times_and_durations_read_as_people_write_them() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_796_402_400_000), "2026-12-04T16:40:00Z");
        assert_eq!(utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(duration(42_000), "42 s");
        assert_eq!(duration(12 * 60_000), "12 min");
        assert_eq!(duration(65 * 60_000), "1 h 05 min");
        assert_eq!(duration((2 * 1440 + 3 * 60) * 60_000), "2 d 3 h");
    }

    #[test]
    fn slack_gets_one_text_field() {
        let body: Value =
            serde_json::from_str(&body(&notice(NoticeKind::Alert), WebhookFormat::Slack)).unwrap();
        assert_eq!(
            body,
            json!({ "text": "[whatsapp-zendesk-gateway] ALERT #3 since 2026-12-04T16:40:00Z: Customers' messages are failing. 4 of 5 customers' messages failed." })
        );
    }

    #[test]
    fn json_gets_typed_fields() {
        let n = notice(NoticeKind::Resolved);
        let r = request(&n, "https://hooks.example.com/x", WebhookFormat::Json);
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.headers,
            vec![("Content-Type", "application/json".to_string())]
        );
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["event"], "resolved");
        assert_eq!(body["condition"], "failure_rate");
        assert_eq!(body["incident"], 3);
        assert_eq!(body["since"], "2026-12-04T16:40:00Z");
        assert_eq!(body["at"], "2026-12-04T16:52:00Z");
        assert_eq!(body["source"], SOURCE);
        assert!(body["text"].as_str().unwrap().contains("RESOLVED #3"));
    }
}
