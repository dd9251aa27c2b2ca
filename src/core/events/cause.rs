//! Why a call or a step failed, typed, with its data. The metrics key (`Cause::key`) and the
//! control flow read the variants; the text (`Display`) is for log lines, the operators' view
//! and the agents' notes only: nothing reads it back.

use crate::core::http::Exchange;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The API answered with this HTTP status (and, for Zendesk, a short reading of its error
    /// answer: `error_summary`).
    Http { status: u16, detail: Option<String> },
    /// No answer within `UPSTREAM_TIMEOUT_MS`.
    Timeout,
    /// The request failed before any answer (or was interrupted before its answer was stored).
    Network,
    /// An answer the gateway could not read (a 2xx without what it must carry, a body that is
    /// not the expected JSON): `what` is the reader's own message.
    Unreadable { status: Option<u16>, what: String },
    /// Twilio refused a send of the gateway's own reply: its status, error code and message.
    TwilioRefused {
        status: u16,
        code: u32,
        message: String,
    },
    /// Twilio refused an agent's reply with this error code; `meaning` is
    /// `twilio::error_meaning(code)`, written for the agents.
    TwilioError { code: u32, meaning: &'static str },
    /// An agent's reply outside WhatsApp's 24-hour window, with no template to send it in.
    OutsideWindow,
    /// An agent's files need `PUBLIC_BASE_URL`, which is not set (and no webhook showed it).
    NotConfigured,
    /// An agent's reply does not fit in what the gateway holds for WhatsApp (bytes, with its
    /// files; `waiting_bytes` for the replies ahead of it).
    TooLarge {
        bytes: usize,
        waiting_bytes: usize,
        budget_bytes: usize,
    },
    /// The transient failures lasted past the retry window: how many attempts, the call that
    /// was tried when one is named in the text, and the last attempt's cause.
    GaveUp {
        attempts: u32,
        call: Option<&'static str>,
        last: Box<Cause>,
    },
}

impl Cause {
    /// The cause of an exchange that did not succeed: its status, or no answer at all.
    pub fn of(exchange: &Exchange) -> Self {
        match exchange {
            Exchange::Answered(a) => Cause::http(a.status),
            Exchange::TimedOut => Cause::Timeout,
            Exchange::NetworkError(_) => Cause::Network,
        }
    }

    /// An answer that could not be read, with the reader's message.
    pub fn unreadable(what: String) -> Self {
        Cause::Unreadable { status: None, what }
    }

    pub fn http(status: u16) -> Self {
        Cause::Http {
            status,
            detail: None,
        }
    }

    /// The same cause with a reading of the error answer (Zendesk's `error_summary`).
    pub fn with_detail(self, detail: Option<String>) -> Self {
        match (self, detail) {
            (Cause::Http { status, .. }, Some(d)) => Cause::Http {
                status,
                detail: Some(d),
            },
            (other, _) => other,
        }
    }

    /// The HTTP status of an answer that was refused, if the cause is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Cause::Http { status, .. } | Cause::TwilioRefused { status, .. } => Some(*status),
            Cause::Unreadable { status, .. } => *status,
            Cause::Timeout
            | Cause::Network
            | Cause::TwilioError { .. }
            | Cause::OutsideWindow
            | Cause::NotConfigured
            | Cause::TooLarge { .. }
            | Cause::GaveUp { .. } => None,
        }
    }

    /// An answer that says the request was refused as it stood (4xx): nothing was done.
    pub fn is_client_error(&self) -> bool {
        matches!(self, Cause::Http { status, .. } if (400..500).contains(status))
    }

    /// The metrics key: ASCII lowercase, digits and `_` only (`http_422`, `twilio_63016`,
    /// `gave_up`), so the set of keys stays small and plain: never upstream text (once a
    /// Zendesk description with markup in it became a metrics key, kept for ever).
    pub fn key(&self) -> String {
        match self {
            Cause::Http { status, .. } => format!("http_{status}"),
            Cause::TwilioRefused { code, .. } | Cause::TwilioError { code, .. } => {
                format!("twilio_{code}")
            }
            Cause::Timeout => "timeout".into(),
            Cause::Network => "network".into(),
            Cause::Unreadable { .. } => "unreadable".into(),
            Cause::GaveUp { .. } => "gave_up".into(),
            Cause::OutsideWindow => "outside_window".into(),
            Cause::NotConfigured => "not_configured".into(),
            Cause::TooLarge { .. } => "too_large".into(),
        }
    }
}

/// `http 503`, `http 301 (redirect not followed)`.
fn status_text(f: &mut fmt::Formatter<'_>, status: u16) -> fmt::Result {
    if (300..400).contains(&status) {
        write!(f, "http {status} (redirect not followed)")
    } else {
        write!(f, "http {status}")
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kib = |b: usize| b.div_ceil(1024);
        match self {
            Cause::Http { status, detail } => {
                status_text(f, *status)?;
                match detail {
                    Some(d) => write!(f, " ({d})"),
                    None => Ok(()),
                }
            }
            Cause::Timeout => f.write_str("timeout"),
            Cause::Network => f.write_str("network error"),
            Cause::Unreadable { status, what } => match status {
                Some(s) => write!(f, "http {s}: {what}"),
                None => f.write_str(what),
            },
            Cause::TwilioRefused {
                status,
                code,
                message,
            } => {
                status_text(f, *status)?;
                write!(f, ": twilio {code} {message}")
            }
            Cause::TwilioError { code, meaning } => write!(f, "Twilio error {code}: {meaning}"),
            Cause::OutsideWindow => f.write_str("the customer's last message is more than 24 hours old, so WhatsApp only accepts an approved template, and TWILIO_AGENT_REPLY_CONTENT_SID is not set"),
            Cause::NotConfigured => {
                f.write_str("its files need the gateway's public URL: set PUBLIC_BASE_URL")
            }
            Cause::TooLarge {
                bytes,
                waiting_bytes: 0,
                budget_bytes,
            } => write!(f, "it is too large for the gateway to hold for WhatsApp ({} KiB with its files; at most {} KiB wait to be sent): write it as shorter replies", kib(*bytes), kib(*budget_bytes)),
            Cause::TooLarge {
                bytes,
                waiting_bytes,
                budget_bytes,
            } => write!(f, "earlier replies still waiting to be sent take the room the gateway holds for WhatsApp ({} KiB waiting, this one {} KiB, at most {} KiB): send it again once they are delivered", kib(*waiting_bytes), kib(*bytes), kib(*budget_bytes)),
            Cause::GaveUp {
                attempts,
                call,
                last,
            } => match call {
                Some(call) => write!(f, "gave up after {attempts} attempts: {call}: {last}"),
                None => write!(f, "gave up after {attempts} attempts: {last}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_for_people_and_the_key_is_plain() {
        let cases = [
            (Cause::http(503), "http 503", "http_503"),
            (
                Cause::http(301),
                "http 301 (redirect not followed)",
                "http_301",
            ),
            (
                Cause::http(422).with_detail(Some("RecordInvalid".into())),
                "http 422 (RecordInvalid)",
                "http_422",
            ),
            (Cause::Timeout, "timeout", "timeout"),
            (Cause::Network, "network error", "network"),
            (
                Cause::Unreadable {
                    status: Some(200),
                    what: "answer without the ticket".into(),
                },
                "http 200: answer without the ticket",
                "unreadable",
            ),
            (
                Cause::TwilioRefused {
                    status: 400,
                    code: 21211,
                    message: "Invalid 'To' <b>http 999</b>".into(),
                },
                "http 400: twilio 21211 Invalid 'To' <b>http 999</b>",
                "twilio_21211",
            ),
            (
                Cause::GaveUp {
                    attempts: 3,
                    call: Some("create_ticket"),
                    last: Box::new(Cause::http(503)),
                },
                "gave up after 3 attempts: create_ticket: http 503",
                "gave_up",
            ),
        ];
        for (cause, text, key) in cases {
            assert_eq!(cause.to_string(), text);
            assert_eq!(cause.key(), key);
        }
        assert!(Cause::http(404).is_client_error());
        assert!(!Cause::http(503).is_client_error());
        assert!(!Cause::Timeout.is_client_error());
    }
}
