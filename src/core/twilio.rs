//! Twilio Messages API: the replies the seed sends and the reading of Twilio's answers.

use crate::core::events::Cause;
use crate::core::http::{Exchange, HttpRequest};
use crate::core::language::packs::en;
use crate::core::retry::{classify_send, Verdict};
use crate::core::text::take_chars;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::Deserialize;

/// The seed's English texts are written once, in the English pack (`language::packs::en`).
pub const MORE_DETAILS_TEXT: &str = en::PACK.replies.more_details;
pub const APOLOGY_TEXT: &str = en::PACK.replies.apology;
/// Template variable 1 carries the message cut to this many characters.
pub const TEMPLATE_MESSAGE_CHARS: usize = 50;

/// The customer-facing texts of one language, configurable (`config::languages`; the English
/// pack's by default). `{ticket_id}` and `{subject}` are filled in where they appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTexts {
    pub ticket_created: String,
    pub more_details: String,
    pub apology: String,
    pub comment_added: String,
    /// For a message outside support hours, and the confirmation of an opt-out: shipped and
    /// configurable per language, for the features that send them (not sent by this version).
    pub out_of_hours: String,
    pub opt_out: String,
    /// A message refused because the customer's queue is full: send it again once answered.
    pub queue_full: String,
}

impl Default for ReplyTexts {
    /// The guide's texts: the English pack's.
    fn default() -> Self {
        let en = &en::PACK.replies;
        ReplyTexts {
            ticket_created: en.ticket_created.into(),
            more_details: en.more_details.into(),
            apology: en.apology.into(),
            comment_added: en.comment_added.into(),
            out_of_hours: en.out_of_hours.into(),
            opt_out: en.opt_out.into(),
            queue_full: en.queue_full.into(),
        }
    }
}

impl ReplyTexts {
    pub fn fill(template: &str, ticket_id: u64, subject: &str) -> String {
        template
            .replace("{ticket_id}", &ticket_id.to_string())
            .replace("{subject}", subject)
    }
}

mod split;
pub mod typing;
pub use split::{split_for_whatsapp, take_utf16, utf16_len, MAX_BODY_UTF16_UNITS};

/// What a Twilio or WhatsApp error code means, for the agents' internal note.
pub fn error_meaning(code: u32) -> &'static str {
    match code {
        63016 => "outside WhatsApp's 24-hour customer-service window: only an approved template can be sent",
        63003 => "the channel could not find the recipient (not a WhatsApp user?)",
        63024 => "invalid message recipient",
        63032 => "WhatsApp does not allow sending this message to this user",
        63049 => "Meta chose not to deliver this message",
        63018 => "rate limit exceeded for the WhatsApp sender",
        63021 => "the channel refused the content",
        30003 => "unreachable destination handset",
        30005 => "unknown destination",
        30006 => "landline or unreachable carrier",
        30007 => "filtered as spam by the carrier",
        30008 => "unknown error from the channel",
        21211 => "invalid 'To' number",
        21610 => "the customer unsubscribed (sent STOP)",
        21617 => "the text exceeds Twilio's limit of 1600 characters (UTF-16 code units)",
        _ => "see https://www.twilio.com/docs/api/errors",
    }
}

/// The acknowledgement of a message added to the open ticket (when FOLLOWUP_ACK is on).
pub fn comment_added_text(ticket_id: u64) -> String {
    ReplyTexts::fill(en::PACK.replies.comment_added, ticket_id, "")
}

/// Stored as `stored::v5::ReplyContent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyContent {
    Text(String),
    /// A file (WhatsApp takes one per message) with an optional caption.
    Media {
        url: String,
        caption: String,
    },
    /// An approved Content template: `ContentSid` plus `ContentVariables` as a JSON string.
    Template {
        content_sid: String,
        variables: Vec<(String, String)>,
    },
}

/// The confirmation for a new ticket: the Content template when one is configured
/// (variables 1 = message cut to 50 characters, 2 = ticket id), else the seed's text.
pub fn ticket_created_reply(
    ticket_id: u64,
    subject: &str,
    message: &str,
    content_sid: Option<&str>,
) -> ReplyContent {
    ticket_created_reply_with(
        &ReplyTexts::default(),
        ticket_id,
        subject,
        message,
        content_sid,
    )
}

pub fn ticket_created_reply_with(
    texts: &ReplyTexts,
    ticket_id: u64,
    subject: &str,
    message: &str,
    content_sid: Option<&str>,
) -> ReplyContent {
    match content_sid {
        Some(sid) => ReplyContent::Template {
            content_sid: sid.to_string(),
            variables: vec![
                (
                    "1".into(),
                    take_chars(message.trim(), TEMPLATE_MESSAGE_CHARS).to_string(),
                ),
                ("2".into(), ticket_id.to_string()),
            ],
        },
        None => ReplyContent::Text(ReplyTexts::fill(&texts.ticket_created, ticket_id, subject)),
    }
}

/// Where replies come from: a WhatsApp sender number or a Messaging Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplySender {
    /// `whatsapp:+E164`
    From(String),
    /// `MG...`
    MessagingService(String),
    /// A Messaging Service and the number of its pool to send from (the one the customer wrote
    /// to): Twilio takes `MessagingServiceSid` "instead of or in addition to a specific `From`"
    /// (https://www.twilio.com/docs/errors/21603).
    ServiceNumber { service: String, from: String },
}

impl ReplySender {
    /// The sender of a reply to a customer who last wrote to `number`, so that they hear back
    /// from where they wrote: a number of the account (Twilio only calls the webhook for the
    /// account's own numbers, and the account is checked) is sent from as is; through a
    /// Messaging Service, only a number the channel lists as its pool's (`numbers`): another
    /// one is left to the service's own choice (its sticky sender).
    pub fn replying_from(&self, number: Option<&str>, numbers: &[String]) -> ReplySender {
        let Some(number) = number else {
            return self.clone();
        };
        let from = format!("whatsapp:{number}");
        match self {
            ReplySender::From(_) => ReplySender::From(from),
            ReplySender::MessagingService(service) | ReplySender::ServiceNumber { service, .. }
                if numbers.iter().any(|m| m == number) =>
            {
                ReplySender::ServiceNumber {
                    service: service.clone(),
                    from,
                }
            }
            other => other.clone(),
        }
    }

    /// The sending number, when there is one.
    pub fn number(&self) -> Option<&str> {
        match self {
            ReplySender::From(from) | ReplySender::ServiceNumber { from, .. } => Some(from),
            ReplySender::MessagingService(_) => None,
        }
    }
}

pub struct TwilioAccount<'a> {
    pub api_base_url: &'a str,
    pub account_sid: &'a str,
    pub auth_token: &'a str,
}

impl TwilioAccount<'_> {
    /// HTTP Basic `AccountSid:AuthToken`, for the REST API and for media downloads.
    pub fn authorization(&self) -> String {
        format!(
            "Basic {}",
            BASE64.encode(format!("{}:{}", self.account_sid, self.auth_token))
        )
    }
}

/// `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded, Basic AccountSid:AuthToken).
pub fn send_message_request(
    account: &TwilioAccount,
    sender: &ReplySender,
    to: &str,
    content: &ReplyContent,
    status_callback: Option<&str>,
) -> HttpRequest {
    let mut form: Vec<(&str, String)> = vec![("To", to.to_string())];
    if let Some(url) = status_callback {
        form.push(("StatusCallback", url.to_string()));
    }
    match sender {
        ReplySender::From(from) => form.push(("From", from.clone())),
        ReplySender::MessagingService(sid) => form.push(("MessagingServiceSid", sid.clone())),
        ReplySender::ServiceNumber { service, from } => {
            form.push(("MessagingServiceSid", service.clone()));
            form.push(("From", from.clone()));
        }
    }
    match content {
        ReplyContent::Text(body) => form.push(("Body", body.clone())),
        ReplyContent::Media { url, caption } => {
            form.push(("MediaUrl", url.clone()));
            if !caption.is_empty() {
                form.push(("Body", caption.clone()));
            }
        }
        ReplyContent::Template {
            content_sid,
            variables,
        } => {
            let vars: serde_json::Map<String, serde_json::Value> = variables
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect();
            form.push(("ContentSid", content_sid.clone()));
            form.push((
                "ContentVariables",
                serde_json::Value::Object(vars).to_string(),
            ));
        }
    }
    HttpRequest {
        method: "POST",
        url: format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            account.api_base_url, account.account_sid
        ),
        headers: vec![
            ("Authorization", account.authorization()),
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("Accept", "application/json".to_string()),
        ],
        body: serde_urlencoded::to_string(&form).unwrap_or_default(),
    }
}

/// `GET .../Messages.json?To=...`: the latest messages to the customer, newest first, to find
/// out whether a send whose answer was lost went out after all.
pub fn list_messages_request(
    account: &TwilioAccount,
    sender: &ReplySender,
    to: &str,
) -> HttpRequest {
    let mut query = vec![("To", to.to_string()), ("PageSize", "50".to_string())];
    if let Some(from) = sender.number() {
        query.push(("From", from.to_string()));
    }
    HttpRequest {
        method: "GET",
        url: format!(
            "{}/2010-04-01/Accounts/{}/Messages.json?{}",
            account.api_base_url,
            account.account_sid,
            serde_urlencoded::to_string(&query).unwrap_or_default()
        ),
        headers: vec![
            ("Authorization", account.authorization()),
            ("Accept", "application/json".to_string()),
        ],
        body: String::new(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    pub sid: String,
    pub to: String,
    pub body: String,
    pub created_ms: Option<u64>,
}

pub fn parse_message_list(body: &str) -> Result<Vec<SentMessage>, String> {
    #[derive(Deserialize)]
    struct List {
        messages: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        sid: String,
        #[serde(default)]
        to: Option<String>,
        #[serde(default)]
        body: Option<String>,
        #[serde(default)]
        date_created: Option<String>,
    }
    serde_json::from_str::<List>(body)
        .map(|l| {
            l.messages
                .into_iter()
                .map(|m| SentMessage {
                    created_ms: m
                        .date_created
                        .as_deref()
                        .and_then(crate::core::time::parse_rfc2822_ms),
                    sid: m.sid,
                    to: m.to.unwrap_or_default(),
                    body: m.body.unwrap_or_default(),
                })
                .collect()
        })
        .map_err(|e| format!("unexpected message list: {e}"))
}

/// The SID of a created message (`{"sid":"SM...","status":"queued",...}`): `SM` or `MM` and 32
/// hex digits, nothing else (it is what later delivery statuses and look-ups are matched by).
pub fn parse_sent_message_sid(body: &str) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Sent {
        sid: String,
    }
    let sid = serde_json::from_str::<Sent>(body)
        .map(|s| s.sid)
        .map_err(|_| "answer without a message sid".to_string())?;
    // The same shape as an incoming message's SID; Twilio's API reference allows either case
    // of hex digits in its answers.
    let hex_lowered: String = sid
        .char_indices()
        .map(|(i, c)| if i < 2 { c } else { c.to_ascii_lowercase() })
        .collect();
    if crate::core::twilio_ids::is_message_sid(&hex_lowered) {
        Ok(sid)
    } else {
        Err("answer without a message sid (malformed sid)".into())
    }
}

/// What the answer to a message send establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Twilio created the message: its SID.
    Sent(String),
    /// Nothing was sent (429): send again, after `retry_after_secs` if given.
    NotSent {
        retry_after_secs: Option<u64>,
        cause: Cause,
    },
    /// The message may or may not exist: look for it in Twilio's list before sending again.
    Unknown { cause: Cause },
    /// Twilio refused it (4xx): sending again cannot help.
    Refused { cause: Cause },
}

/// Reads the answer to a message send, for the seed's replies and agents' replies alike. Only
/// a 2xx carrying the created message's SID proves a send: a 2xx without one (a proxy's or a
/// captive portal's HTML page, a cut body) says nothing about whether the message exists, so it
/// is a lost answer, like a timeout or a 5xx: never recorded as sent.
pub fn send_outcome(exchange: &Exchange) -> SendOutcome {
    match classify_send(exchange) {
        Verdict::Success => {
            let answer = match exchange {
                Exchange::Answered(a) => Some(a),
                _ => None,
            };
            let body = answer.map(|a| a.body.as_str()).unwrap_or("");
            match parse_sent_message_sid(body) {
                Ok(sid) => SendOutcome::Sent(sid),
                Err(e) => SendOutcome::Unknown {
                    cause: Cause::Unreadable {
                        status: Some(answer.map(|a| a.status).unwrap_or(0)),
                        what: e,
                    },
                },
            }
        }
        Verdict::Transient {
            retry_after_secs,
            cause,
        } => SendOutcome::NotSent {
            retry_after_secs,
            cause,
        },
        Verdict::Ambiguous { cause } => SendOutcome::Unknown { cause },
        Verdict::Permanent { cause } => SendOutcome::Refused { cause },
    }
}

/// Twilio's error code and message from an error body (`{"code":21211,"message":..}`).
pub fn parse_error(body: &str) -> Option<(u32, String)> {
    #[derive(Deserialize)]
    struct TwilioError {
        code: u32,
        #[serde(default)]
        message: String,
    }
    serde_json::from_str::<TwilioError>(body)
        .ok()
        .map(|e| (e.code, e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> TwilioAccount<'static> {
        TwilioAccount {
            api_base_url: "https://api.twilio.com",
            account_sid: "AC1",
            auth_token: "t",
        }
    }

    fn form(req: &HttpRequest) -> Vec<(String, String)> {
        serde_urlencoded::from_str(&req.body).unwrap()
    }

    #[test]
    fn text_reply_from_a_number() {
        let req = send_message_request(
            &account(),
            &ReplySender::From("whatsapp:+14155238886".into()),
            "whatsapp:+15550001234",
            &ticket_created_reply(12345, "I can't log in", "I can't log in", None),
            None,
        );
        assert_eq!(
            req.url,
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
        );
        assert!(req
            .headers
            .contains(&("Authorization", "Basic QUMxOnQ=".into())));
        assert_eq!(
            form(&req),
            vec![
                ("To".into(), "whatsapp:+15550001234".into()),
                ("From".into(), "whatsapp:+14155238886".into()),
                (
                    "Body".into(),
                    "Ticket #12345 created: 'I can't log in'. We'll get back to you soon.".into()
                ),
            ]
        );
    }

    #[test]
    fn template_reply_from_a_messaging_service() {
        let message = format!("{}tail", "ы".repeat(50));
        let req = send_message_request(
            &account(),
            &ReplySender::MessagingService("MG9".into()),
            "whatsapp:+15550001234",
            &ticket_created_reply(7, "subj", &message, Some("HX123")),
            Some("https://gw/twilio/status?c=abc"),
        );
        let f = form(&req);
        assert!(f.contains(&("MessagingServiceSid".into(), "MG9".into())));
        assert!(f.contains(&(
            "StatusCallback".into(),
            "https://gw/twilio/status?c=abc".into()
        )));
        assert!(f.contains(&("ContentSid".into(), "HX123".into())));
        assert!(!f.iter().any(|(k, _)| k == "Body"));
        let vars = &f.iter().find(|(k, _)| k == "ContentVariables").unwrap().1;
        let v: serde_json::Value = serde_json::from_str(vars).unwrap();
        assert_eq!(v["1"], "ы".repeat(50));
        assert_eq!(v["2"], "7");
    }

    #[test]
    fn lists_messages_to_reconcile() {
        let r = list_messages_request(
            &account(),
            &ReplySender::From("whatsapp:+1415".into()),
            "whatsapp:+1555",
        );
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.url,
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=whatsapp%3A%2B1555&PageSize=50&From=whatsapp%3A%2B1415"
        );
        let l = parse_message_list(r#"{"messages":[{"sid":"SM1","to":"whatsapp:+1555","body":"hi","date_created":"Wed, 25 Nov 2026 06:38:33 +0000"}],"next_page_uri":null}"#).unwrap();
        assert_eq!(l[0].created_ms, Some(1_795_588_713_000));
        assert!(parse_message_list("{}").is_err());
    }

    #[test]
    fn only_a_2xx_with_a_message_sid_is_a_send() {
        use crate::core::http::HttpAnswer;
        let answer = |status: u16, body: &str| {
            Exchange::Answered(HttpAnswer {
                status,
                headers: vec![],
                body: body.into(),
            })
        };
        let sid = format!("SM{}", "ab".repeat(16));
        assert_eq!(
            send_outcome(&answer(201, &format!(r#"{{"sid":"{sid}"}}"#))),
            SendOutcome::Sent(sid)
        );
        assert_eq!(
            send_outcome(&answer(200, "<html><body>Thank you</body></html>")),
            SendOutcome::Unknown {
                cause: Cause::Unreadable {
                    status: Some(200),
                    what: "answer without a message sid".into()
                }
            }
        );
        assert!(matches!(
            send_outcome(&answer(502, "")),
            SendOutcome::Unknown { .. }
        ));
        assert!(matches!(
            send_outcome(&Exchange::TimedOut),
            SendOutcome::Unknown { .. }
        ));
        assert!(matches!(
            send_outcome(&answer(429, "{}")),
            SendOutcome::NotSent { .. }
        ));
        assert!(matches!(
            send_outcome(&answer(400, "{}")),
            SendOutcome::Refused { .. }
        ));
    }

    #[test]
    fn reads_answers() {
        let sid = format!("SM{}", "0123456789abcdef".repeat(2));
        assert_eq!(
            parse_sent_message_sid(&format!(r#"{{"sid":"{sid}","status":"queued"}}"#)),
            Ok(sid.clone())
        );
        let mms = format!("MM{}", "0123456789ABCDEF".repeat(2));
        assert_eq!(
            parse_sent_message_sid(&format!(r#"{{"sid":"{mms}"}}"#)),
            Ok(mms)
        );
        for body in [
            "{}",
            "<html><body>Thank you</body></html>",
            "",
            r#"{"sid":"SMabc","status":"queued"}"#,
            r#"{"sid":"unknown"}"#,
            &format!(r#"{{"sid":"SM{}0"}}"#, "0123456789abcdef".repeat(2)),
            &format!(r#"{{"sid":"MG{}"}}"#, "0123456789abcdef".repeat(2)),
            &format!(r#"{{"sid":"SM{}"}}"#, "0123456789abcdeg".repeat(2)),
        ] {
            assert!(parse_sent_message_sid(body).is_err(), "{body}");
        }
        assert_eq!(
            parse_error(
                r#"{"code":21211,"message":"Invalid 'To' Phone Number","more_info":"x","status":400}"#
            ),
            Some((21211, "Invalid 'To' Phone Number".into()))
        );
        assert_eq!(parse_error("oops"), None);
    }
}
