//! Classification of upstream answers: done, worth retrying later, or final.

use crate::core::events::Cause;
use crate::core::http::Exchange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx.
    Success,
    /// Nothing was done (or a replay is harmless): try again, after `retry_after_secs` if given.
    Transient {
        retry_after_secs: Option<u64>,
        cause: Cause,
    },
    /// Retrying cannot help (bad request, credentials, not found, validation).
    Permanent { cause: Cause },
    /// The effect may or may not have happened and repeating it could double it
    /// (a message send that timed out or failed with a server error).
    Ambiguous { cause: Cause },
}

/// `Retry-After` in seconds (the form Zendesk and Twilio use); HTTP dates are not trusted.
pub fn parse_retry_after(value: Option<&str>) -> Option<u64> {
    value?.trim().parse::<u64>().ok()
}

/// A request that is safe to repeat (Zendesk ticket create carries an Idempotency-Key).
pub fn classify_idempotent(exchange: &Exchange) -> Verdict {
    match exchange {
        Exchange::TimedOut => Verdict::Transient {
            retry_after_secs: None,
            cause: Cause::Timeout,
        },
        Exchange::NetworkError(_) => Verdict::Transient {
            retry_after_secs: None,
            cause: Cause::Network,
        },
        Exchange::Answered(a) => match a.status {
            200..=299 => Verdict::Success,
            // 3xx: redirects are not followed (credentials and bodies stay with the origin
            // they belong to); a misconfigured base URL gets retried, then given up, loudly.
            // 409: Zendesk's "request with this idempotency key still in progress".
            300..=399 | 408 | 409 | 429 | 500..=599 => Verdict::Transient {
                retry_after_secs: parse_retry_after(a.header("retry-after")),
                cause: Cause::http(a.status),
            },
            status => Verdict::Permanent {
                cause: Cause::http(status),
            },
        },
    }
}

/// A request that must not be repeated blindly (Twilio message send, no idempotency key):
/// only answers that prove nothing was sent are transient.
pub fn classify_send(exchange: &Exchange) -> Verdict {
    match exchange {
        Exchange::TimedOut => Verdict::Ambiguous {
            cause: Cause::Timeout,
        },
        // A failure before any answer may still have reached Twilio.
        Exchange::NetworkError(_) => Verdict::Ambiguous {
            cause: Cause::Network,
        },
        Exchange::Answered(a) => match a.status {
            200..=299 => Verdict::Success,
            // 429 / 20429: "never processed and always safe to retry"; a redirect is not
            // followed, so the request was not carried out.
            300..=399 | 429 => Verdict::Transient {
                retry_after_secs: parse_retry_after(a.header("retry-after")),
                cause: Cause::http(a.status),
            },
            500..=599 => Verdict::Ambiguous {
                cause: Cause::http(a.status),
            },
            status => Verdict::Permanent {
                cause: Cause::http(status),
            },
        },
    }
}

/// How long to wait before attempt `attempt + 1` after a transient failure: Zendesk's or
/// Twilio's `Retry-After` when given (plus up to a second of jitter so that many customers
/// throttled together do not come back together), else capped exponential backoff with
/// "equal jitter" (between half and all of `base * 2^(attempt-1)`). `jitter` is in [0, 1).
pub fn backoff_ms(
    attempt: u32,
    retry_after_secs: Option<u64>,
    base_ms: u64,
    max_ms: u64,
    jitter: f64,
) -> u64 {
    let jitter = jitter.clamp(0.0, 1.0);
    if let Some(secs) = retry_after_secs {
        return secs.saturating_mul(1000) + (jitter * 1000.0) as u64;
    }
    let exponent = attempt.saturating_sub(1).min(32);
    let full = base_ms.saturating_mul(1u64 << exponent).min(max_ms);
    full / 2 + (jitter * (full / 2) as f64) as u64
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
                cause: Cause::http(429)
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
    fn backoff_grows_is_capped_and_honours_retry_after() {
        assert_eq!(backoff_ms(1, None, 2000, 600_000, 0.0), 1000);
        assert_eq!(backoff_ms(1, None, 2000, 600_000, 0.999), 1999);
        assert_eq!(backoff_ms(3, None, 2000, 600_000, 0.0), 4000);
        assert_eq!(backoff_ms(40, None, 2000, 600_000, 0.0), 300_000);
        assert!(backoff_ms(40, None, 2000, 600_000, 0.99) <= 600_000);
        assert_eq!(backoff_ms(5, Some(30), 2000, 600_000, 0.5), 30_500);
        assert_eq!(backoff_ms(0, None, 2000, 600_000, 0.0), 1000);
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
