//! What became of a file's copy from Twilio to the ticketing back end's uploads (`Effect::
//! Transfer`), read once from the shell's answer into a type: the shell downloads the file
//! (stopping past `MEDIA_MAX_BYTES` with a 413 and the size it saw in `x-media-size`), uploads
//! it, and passes a contact card's text along (`x-media-text`, base64) so the agents read it as
//! text, not only as a `.vcf` file.

use crate::core::events::Cause;
use crate::core::http::Exchange;
use crate::core::retry::{classify_idempotent, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub enum Transferred {
    /// Uploaded: the back end's token, and the readable text of a contact card.
    Uploaded {
        token: String,
        description: Option<String>,
    },
    /// Over `MEDIA_MAX_BYTES`: the shell stopped the download (its size, when it said).
    TooLarge { bytes: Option<String> },
    /// Twilio has no file at that URL (yet: one can answer 404 right after the webhook).
    NotFound(Cause),
    /// A failure that may pass: tried again after a backoff (a copy is harmless to repeat).
    Retry {
        cause: Cause,
        retry_after_secs: Option<u64>,
    },
    /// Refused for good: the file is listed in the comment instead.
    Failed(Cause),
}

/// Reads the shell's answer to a transfer; `upload_token` reads the back end's upload answer.
pub fn read(
    exchange: &Exchange,
    upload_token: impl Fn(&str) -> Result<String, String>,
) -> Transferred {
    let answer = match exchange {
        Exchange::Answered(a) => Some(a),
        _ => None,
    };
    if let Some(a) = answer.filter(|a| a.status == 413) {
        return Transferred::TooLarge {
            bytes: a.header("x-media-size").map(str::to_string),
        };
    }
    match classify_idempotent(exchange) {
        Verdict::Success => {
            let body = answer.map_or("", |a| a.body.as_str());
            match upload_token(body) {
                Ok(token) => Transferred::Uploaded {
                    token,
                    description: answer
                        .and_then(|a| a.header("x-media-text"))
                        .and_then(|b| {
                            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b)
                                .ok()
                        })
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .and_then(|text| crate::core::vcard::describe(&text)),
                },
                Err(e) => Transferred::Retry {
                    cause: Cause::unreadable(e),
                    retry_after_secs: None,
                },
            }
        }
        Verdict::Transient {
            retry_after_secs,
            cause,
        } => Transferred::Retry {
            cause,
            retry_after_secs,
        },
        Verdict::Ambiguous { cause } => Transferred::Retry {
            cause,
            retry_after_secs: None,
        },
        Verdict::Permanent { cause } if cause.status() == Some(404) => Transferred::NotFound(cause),
        Verdict::Permanent { cause } => Transferred::Failed(cause),
    }
}
