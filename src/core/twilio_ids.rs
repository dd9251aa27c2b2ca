//! The exact shapes of the values Twilio sends that the gateway relies on: who wrote
//! (`Sender`), message and account SIDs, message statuses. Exact on purpose: Twilio's signature
//! concatenates parameter names and values without separators, so a loose check would let a
//! captured webhook be replayed with one parameter folded into another's value.

use serde::{Deserialize, Serialize};

/// Who wrote: a phone number, or a WhatsApp business-scoped user id (BSUID) when the user
/// hides their number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sender {
    /// E.164 with the leading `+`, e.g. `+15550001234`.
    Phone(String),
    /// Business-scoped user id, e.g. `US.13491208655302741918`.
    ScopedId(String),
}

impl Sender {
    /// The identity as shown to agents: `+15550001234` or the BSUID.
    pub fn display(&self) -> &str {
        match self {
            Sender::Phone(p) | Sender::ScopedId(p) => p,
        }
    }

    /// The address Twilio's Messages API expects in `To`.
    pub fn whatsapp_address(&self) -> String {
        format!("whatsapp:{}", self.display())
    }

    /// A `From` or `To` address; `Err` says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Sender, &'static str> {
        let address = raw.strip_prefix("whatsapp:").unwrap_or(raw).trim();
        if let Some(digits) = address.strip_prefix('+') {
            if (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Sender::Phone(address.to_string()));
            }
            return Err("expected whatsapp:+<6 to 15 digits>");
        }
        if is_scoped_id(address) {
            Ok(Sender::ScopedId(address.to_string()))
        } else {
            Err("neither a phone number nor a WhatsApp user id")
        }
    }
}

/// Parameters Twilio may send whose names sort between `From` and `MessageSid`: the ones a
/// replayed webhook could fold into `From` (drop `Label`, send `From=…US.123LabelHome`) and
/// still match the signature, which concatenates names and values without separators.
const FOLDABLE_AFTER_FROM: [&str; 5] = [
    "Label",
    "Latitude",
    "Longitude",
    "MediaContentType",
    "MediaUrl",
];

/// A business-scoped user id: a two-letter country code, a period, and up to 128 letters and
/// digits (`US.13491208655302741918`), or a parent id (`US.ENT.11815799212886844830`).
/// Documented by Meta's partners (e.g. 360dialog's "Usernames & BSUID" page).
pub fn is_scoped_id(address: &str) -> bool {
    let Some((country, rest)) = address.split_once('.') else {
        return false;
    };
    let id = rest.strip_prefix("ENT.").unwrap_or(rest);
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && !FOLDABLE_AFTER_FROM.iter().any(|name| id.contains(name))
}

/// Twilio's message SID: `SM` or `MM` and 32 lowercase hex digits. Exact, because Twilio's
/// signature concatenates names and values without separators: a looser check would let a
/// captured webhook be replayed with a parameter folded into its SID (`MessageSid=SM…` +
/// `MessageType` dropped = `MessageSid=SM…MessageTypetext`), which would pass the signature
/// and look like a new message.
pub fn is_message_sid(s: &str) -> bool {
    (s.starts_with("SM") || s.starts_with("MM"))
        && s.len() == 34
        && s.bytes()
            .skip(2)
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Twilio's account SID: `AC` and 32 hex digits.
pub fn is_account_sid(s: &str) -> bool {
    s.starts_with("AC") && s.len() == 34 && s.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
}
