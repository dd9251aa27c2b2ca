//! WhatsApp's typing indicator through Twilio (Public Beta): `POST /v2/Indicators/Typing.json`
//! on the Messaging API's host, form `messageId` (the customer's SM/MM message SID) and
//! `channel=whatsapp`, Basic auth as the other Twilio calls; `200 {"success": true}`. Twilio
//! also marks that message **read** in the customer's WhatsApp, and the indicator disappears
//! when the next message is delivered or after 25 seconds.
//! (https://www.twilio.com/docs/whatsapp/api/typing-indicators-resource; twilio-node
//! `rest/messaging/v2/typingIndicator.d.ts`)
//!
//! Best effort: the shell runs it beside the message's first call, bounded by
//! `TYPING_TIMEOUT_MS`, and a failure is a warning and a metric (`DomainEvent::TypingFailed`),
//! never a retry and never a failure of the message.

use super::TwilioAccount;
use crate::core::events::DomainEvent;
use crate::core::http::{Exchange, HttpRequest};
use crate::core::retry::{classify_send, Verdict};

/// How long the indicator may take: it is worth nothing once the reply is there.
pub const TYPING_TIMEOUT_MS: u64 = 2_000;

/// The request that shows the indicator for the customer's message `message_sid`.
/// `messaging_base_url` is `TWILIO_MESSAGING_BASE_URL`: the account's credentials go to it
/// only.
pub fn typing_request(
    messaging_base_url: &str,
    account: &TwilioAccount,
    message_sid: &str,
) -> HttpRequest {
    HttpRequest {
        method: "POST",
        url: format!("{messaging_base_url}/v2/Indicators/Typing.json"),
        headers: vec![
            ("Authorization", account.authorization()),
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("Accept", "application/json".to_string()),
        ],
        body: serde_urlencoded::to_string([("messageId", message_sid), ("channel", "whatsapp")])
            .unwrap_or_default(),
    }
}

/// What the answer means: nothing when it was shown, else the event that says why not.
pub fn outcome(message_sid: &str, exchange: &Exchange) -> Option<DomainEvent> {
    let cause = match classify_send(exchange) {
        Verdict::Success => return None,
        Verdict::Transient { cause, .. }
        | Verdict::Ambiguous { cause }
        | Verdict::Permanent { cause } => cause,
    };
    Some(DomainEvent::TypingFailed {
        sid: message_sid.to_string(),
        cause,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::http::HttpAnswer;

    const SID: &str = "SM0123456789abcdef0123456789abcdef";

    #[test]
    fn the_request_names_the_inbound_message_on_the_messaging_host() {
        let account = TwilioAccount {
            api_base_url: "https://api.twilio.com",
            account_sid: "AC1",
            auth_token: "tok",
        };
        let r = typing_request("https://messaging.twilio.com", &account, SID);
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://messaging.twilio.com/v2/Indicators/Typing.json"
        );
        assert_eq!(r.body, format!("messageId={SID}&channel=whatsapp"));
        assert!(r
            .headers
            .contains(&("Authorization", account.authorization())));
    }

    #[test]
    fn only_a_success_is_silent() {
        let answer = |status: u16, body: &str| {
            Exchange::Answered(HttpAnswer {
                status,
                headers: vec![],
                body: body.into(),
            })
        };
        assert_eq!(outcome(SID, &answer(200, r#"{"success": true}"#)), None);
        for failed in [
            answer(500, "{}"),
            answer(401, "{}"),
            answer(429, "{}"),
            Exchange::TimedOut,
            Exchange::NetworkError("reset".into()),
        ] {
            assert!(
                matches!(
                    outcome(SID, &failed),
                    Some(DomainEvent::TypingFailed { .. })
                ),
                "{failed:?}"
            );
        }
    }
}
