//! Classification of upstream answers: done, worth retrying later, or final.

use crate::core::http::Exchange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx.
    Success,
    /// Nothing was done (or a replay is harmless): try again, after `retry_after_secs` if given.
    Transient {
        retry_after_secs: Option<u64>,
        reason: String,
    },
    /// Retrying cannot help (bad request, credentials, not found, validation).
    Permanent { reason: String },
    /// The effect may or may not have happened and repeating it could double it
    /// (a message send that timed out or failed with a server error).
    Ambiguous { reason: String },
}

/// `Retry-After` in seconds (the form Zendesk and Twilio use); HTTP dates are not trusted.
pub fn parse_retry_after(value: Option<&str>) -> Option<u64> {
    value?.trim().parse::<u64>().ok()
}

fn status_reason(status: u16) -> String {
    format!("http {status}")
}

/// A request that is safe to repeat (Zendesk ticket create carries an Idempotency-Key).
pub fn classify_idempotent(exchange: &Exchange) -> Verdict {
    match exchange {
        Exchange::TimedOut => Verdict::Transient {
            retry_after_secs: None,
            reason: "timeout".into(),
        },
        Exchange::NetworkError(_) => Verdict::Transient {
            retry_after_secs: None,
            reason: "network error".into(),
        },
        Exchange::Answered(a) => match a.status {
            200..=299 => Verdict::Success,
            // 409: Zendesk's "request with this idempotency key still in progress".
            408 | 409 | 429 | 500..=599 => Verdict::Transient {
                retry_after_secs: parse_retry_after(a.header("retry-after")),
                reason: status_reason(a.status),
            },
            status => Verdict::Permanent {
                reason: status_reason(status),
            },
        },
    }
}

/// A request that must not be repeated blindly (Twilio message send, no idempotency key):
/// only answers that prove nothing was sent are transient.
pub fn classify_send(exchange: &Exchange) -> Verdict {
    match exchange {
        Exchange::TimedOut => Verdict::Ambiguous {
            reason: "timeout".into(),
        },
        // A failure before any answer may still have reached Twilio.
        Exchange::NetworkError(_) => Verdict::Ambiguous {
            reason: "network error".into(),
        },
        Exchange::Answered(a) => match a.status {
            200..=299 => Verdict::Success,
            // 429 / 20429: "never processed and always safe to retry".
            429 => Verdict::Transient {
                retry_after_secs: parse_retry_after(a.header("retry-after")),
                reason: status_reason(429),
            },
            500..=599 => Verdict::Ambiguous {
                reason: status_reason(a.status),
            },
            status => Verdict::Permanent {
                reason: status_reason(status),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::http::HttpAnswer;

    fn answer(status: u16, retry_after: Option<&str>) -> Exchange {
        Exchange::Answered(HttpAnswer {
            status,
            headers: retry_after
                .map(|v| ("retry-after".to_string(), v.to_string()))
                .into_iter()
                .collect(),
            body: String::new(),
        })
    }

    #[test]
    fn idempotent_requests() {
        assert_eq!(classify_idempotent(&answer(201, None)), Verdict::Success);
        assert_eq!(
            classify_idempotent(&answer(429, Some("7"))),
            Verdict::Transient {
                retry_after_secs: Some(7),
                reason: "http 429".into()
            }
        );
        for s in [500, 502, 503, 409] {
            assert!(
                matches!(
                    classify_idempotent(&answer(s, None)),
                    Verdict::Transient { .. }
                ),
                "{s}"
            );
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(
                matches!(
                    classify_idempotent(&answer(s, None)),
                    Verdict::Permanent { .. }
                ),
                "{s}"
            );
        }
        assert!(matches!(
            classify_idempotent(&Exchange::TimedOut),
            Verdict::Transient { .. }
        ));
        assert!(matches!(
            classify_idempotent(&Exchange::NetworkError("x".into())),
            Verdict::Transient { .. }
        ));
    }

    #[test]
    fn sends_are_never_blindly_retried() {
        assert_eq!(classify_send(&answer(201, None)), Verdict::Success);
        assert!(matches!(
            classify_send(&answer(429, None)),
            Verdict::Transient { .. }
        ));
        assert!(matches!(
            classify_send(&answer(500, None)),
            Verdict::Ambiguous { .. }
        ));
        assert!(matches!(
            classify_send(&Exchange::TimedOut),
            Verdict::Ambiguous { .. }
        ));
        assert!(matches!(
            classify_send(&answer(400, None)),
            Verdict::Permanent { .. }
        ));
        assert!(matches!(
            classify_send(&answer(401, None)),
            Verdict::Permanent { .. }
        ));
    }

    #[test]
    fn retry_after_is_seconds_only() {
        assert_eq!(parse_retry_after(Some(" 30 ")), Some(30));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(None), None);
    }
}
