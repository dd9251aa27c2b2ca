//! Refused webhook signatures (forged, missing, stale), logged without one line each: a flood
//! of forged requests would otherwise cost an error line per request. The first refusal of a
//! kind (endpoint and reason) in a quiet period is logged at once, as before, so that a wrong
//! webhook URL or secret still shows up immediately; the ones that follow within the window
//! are only counted, and one summary line with the count (`repeated`) is written when the
//! window ends: with the first refusal after it, or as the next request begins.
//!
//! The count lives in the isolate (`log.rs` keeps one `RefusalLog` per isolate): it is log
//! aggregation only, nothing depends on it, and an isolate that is evicted loses at most one
//! summary line. Rate limiting itself belongs in front of the Worker (docs/security.md: a WAF
//! rate-limiting rule), where a refused request costs nothing.

use crate::core::logline::LogLine;

/// How long a window lasts unless `REFUSAL_LOG_WINDOW_SECS` says otherwise.
pub const DEFAULT_WINDOW_MS: u64 = 60_000;

/// The open windows, one per endpoint and reason: a handful at most (the reasons are the
/// gateway's own codes, never request text).
#[derive(Debug, Default)]
pub struct RefusalLog {
    windows: Vec<Window>,
}

#[derive(Debug)]
struct Window {
    endpoint: String,
    reason: String,
    opened_ms: u64,
    /// Refusals after the one logged when the window opened.
    repeated: u64,
    /// The latest of them, as it would have been logged.
    last: LogLine,
}

impl RefusalLog {
    /// A refusal at `now_ms`, with the line that describes it: the lines to write now (the
    /// summaries of windows that ended, and this line if it opens a window).
    pub fn refused(
        &mut self,
        endpoint: &str,
        reason: &str,
        line: LogLine,
        now_ms: u64,
        window_ms: u64,
    ) -> Vec<LogLine> {
        let mut out = self.due(now_ms, window_ms);
        match self
            .windows
            .iter_mut()
            .find(|w| w.endpoint == endpoint && w.reason == reason)
        {
            Some(open) => {
                open.repeated += 1;
                open.last = line;
            }
            None => {
                self.windows.push(Window {
                    endpoint: endpoint.to_string(),
                    reason: reason.to_string(),
                    opened_ms: now_ms,
                    repeated: 0,
                    last: line.clone(),
                });
                out.push(line);
            }
        }
        out
    }

    /// Closes the windows that ended by `now_ms`: the summary of each that counted refusals
    /// (the latest refusal's line with `repeated`, how many were not logged each, and
    /// `window_secs`).
    pub fn due(&mut self, now_ms: u64, window_ms: u64) -> Vec<LogLine> {
        let mut out = Vec::new();
        self.windows.retain(|w| {
            if now_ms.saturating_sub(w.opened_ms) < window_ms {
                return true;
            }
            if w.repeated > 0 {
                out.push(
                    w.last
                        .clone()
                        .field("summary", true)
                        .field("repeated", w.repeated)
                        .field("window_secs", window_ms / 1000),
                );
            }
            false
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    fn forged(n: u64) -> LogLine {
        LogLine::error("webhook.refused")
            .field("endpoint", "/zendesk/events")
            .field("reason", "invalid_signature")
            .field("n", n)
    }

    #[test]
    fn the_first_refusal_is_logged_at_once_and_the_rest_as_one_line_with_the_count() {
        let mut log = RefusalLog::default();
        let mut written = Vec::new();
        let t0 = 1_000_000;
        for n in 0..100 {
            written.extend(log.refused(
                "/zendesk/events",
                "invalid_signature",
                forged(n),
                t0 + n * 100,
                MINUTE,
            ));
        }
        assert_eq!(written.len(), 1, "only the first of the flood");
        assert_eq!(written[0].get("n"), Some(&0.into()));
        assert!(
            log.due(t0 + MINUTE - 1, MINUTE).is_empty(),
            "not before the minute"
        );
        let summary = log.due(t0 + MINUTE, MINUTE);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].get("repeated"), Some(&99.into()));
        assert_eq!(summary[0].get("n"), Some(&99.into()), "the latest refusal");
        assert_eq!(summary[0].get("window_secs"), Some(&60.into()));
        assert!(log.due(t0 + 10 * MINUTE, MINUTE).is_empty(), "written once");
        // A quiet period later, the next refusal is logged at once again.
        let again = log.refused(
            "/zendesk/events",
            "invalid_signature",
            forged(7),
            t0 + 11 * MINUTE,
            MINUTE,
        );
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].get("repeated"), None);
    }

    #[test]
    fn a_refusal_after_the_window_writes_the_summary_first() {
        let mut log = RefusalLog::default();
        let t0 = 5_000;
        log.refused("/twilio/whatsapp", "mismatch", forged(1), t0, MINUTE);
        log.refused("/twilio/whatsapp", "mismatch", forged(2), t0 + 1, MINUTE);
        let written = log.refused(
            "/twilio/whatsapp",
            "mismatch",
            forged(3),
            t0 + MINUTE,
            MINUTE,
        );
        assert_eq!(written.len(), 2);
        assert_eq!(written[0].get("repeated"), Some(&1.into()));
        assert_eq!(
            written[1].get("n"),
            Some(&3.into()),
            "then the new window's first"
        );
    }

    #[test]
    fn each_endpoint_and_reason_has_its_own_window() {
        // A flood of forged Twilio webhooks does not hide that Zendesk's secret is wrong.
        let mut log = RefusalLog::default();
        let mut written = Vec::new();
        for (endpoint, reason) in [
            ("/twilio/whatsapp", "mismatch"),
            ("/twilio/whatsapp", "mismatch"),
            ("/twilio/whatsapp", "absent"),
            ("/zendesk/events", "invalid_signature"),
            ("/zendesk/events", "stale_timestamp"),
            ("/zendesk/events", "invalid_signature"),
        ] {
            written.extend(log.refused(endpoint, reason, forged(0), 10, MINUTE));
        }
        assert_eq!(written.len(), 4);
        let summaries = log.due(10 + MINUTE, MINUTE);
        assert_eq!(
            summaries.len(),
            2,
            "only the windows that counted more than one"
        );
        assert!(summaries
            .iter()
            .all(|l| l.get("repeated") == Some(&1.into())));
    }
}
