//! Zendesk Support API: the ticket the seed describes, the request that creates it, and the
//! reading of Zendesk's answers.

use crate::core::form::{InboundMessage, Sender};
use crate::core::http::HttpRequest;
use crate::core::triage::Priority;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const TICKET_TAGS: [&str; 2] = ["whatsapp", "auto-created"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requester {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub body: String,
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewTicket {
    pub subject: String,
    /// Zendesk ignores `description` on create: the first comment is the description.
    pub comment: Comment,
    pub requester: Requester,
    pub tags: Vec<String>,
    pub priority: Priority,
    #[serde(rename = "type")]
    pub ticket_type: &'static str,
}

/// The requester's e-mail local part: the number as is (`+15550001234`), or a user id reduced
/// to characters that are safe in an address.
fn email_local_part(sender: &Sender) -> String {
    sender
        .display()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn requester_for(sender: &Sender, email_domain: &str) -> Requester {
    Requester {
        name: format!("WhatsApp User ({})", sender.display()),
        email: format!("{}@{email_domain}", email_local_part(sender)),
    }
}

pub fn new_ticket(
    message: &InboundMessage,
    subject: &str,
    priority: Priority,
    email_domain: &str,
) -> NewTicket {
    NewTicket {
        subject: subject.to_string(),
        comment: Comment {
            body: message.body.clone(),
            public: true,
        },
        requester: requester_for(&message.from, email_domain),
        tags: TICKET_TAGS.iter().map(|t| t.to_string()).collect(),
        priority,
        ticket_type: "incident",
    }
}

/// `Authorization` for an API token: Basic base64("{email}/token:{token}").
pub fn basic_auth(email: &str, api_token: &str) -> String {
    format!(
        "Basic {}",
        BASE64.encode(format!("{email}/token:{api_token}"))
    )
}

/// `POST /api/v2/tickets.json`, with the `Idempotency-Key` that makes a repeated create
/// return the first ticket instead of a second one.
pub fn create_ticket_request(
    base_url: &str,
    authorization: &str,
    idempotency_key: &str,
    ticket: &NewTicket,
) -> HttpRequest {
    #[derive(Serialize)]
    struct Envelope<'a> {
        ticket: &'a NewTicket,
    }
    HttpRequest {
        method: "POST",
        url: format!("{base_url}/api/v2/tickets.json"),
        headers: vec![
            ("Authorization", authorization.to_string()),
            ("Content-Type", "application/json".to_string()),
            ("Accept", "application/json".to_string()),
            ("Idempotency-Key", idempotency_key.to_string()),
        ],
        body: serde_json::to_string(&Envelope { ticket }).expect("a ticket always serialises"),
    }
}

/// The id of the ticket in a create answer (`{"ticket":{"id":123,...},"audit":{...}}`).
pub fn parse_created_ticket_id(body: &str) -> Result<u64, String> {
    #[derive(Deserialize)]
    struct Created {
        ticket: CreatedTicket,
    }
    #[derive(Deserialize)]
    struct CreatedTicket {
        id: u64,
    }
    serde_json::from_str::<Created>(body)
        .map(|c| c.ticket.id)
        .map_err(|e| format!("unexpected ticket answer: {e}"))
}

/// A short, log-safe description of a Zendesk error body (`{"error":..,"description":..}`).
pub fn error_summary(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let text = |k: &str| match &v[k] {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("title").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    match (text("error"), text("description")) {
        (Some(e), Some(d)) => Some(format!("{e}: {d}")),
        (Some(e), None) => Some(e),
        (None, Some(d)) => Some(d),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::form::InboundMessage;

    fn message(from: Sender, body: &str) -> InboundMessage {
        InboundMessage {
            message_sid: "SM1".into(),
            account_sid: None,
            from,
            to: None,
            body: body.into(),
            profile_name: None,
            num_media: 0,
        }
    }

    #[test]
    fn the_ticket_has_the_seed_shape() {
        let m = message(
            Sender::Phone("+15550001234".into()),
            "I can't log in. Error 404!",
        );
        let t = new_ticket(&m, "I can't log in", Priority::High, "whatsapp.zendesk.com");
        let req = create_ticket_request("https://acme.zendesk.com", "Basic x", "SM1", &t);
        assert_eq!(req.url, "https://acme.zendesk.com/api/v2/tickets.json");
        assert!(req.headers.contains(&("Idempotency-Key", "SM1".into())));
        let v: Value = serde_json::from_str(&req.body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"ticket": {
                "subject": "I can't log in",
                "comment": {"body": "I can't log in. Error 404!", "public": true},
                "requester": {"name": "WhatsApp User (+15550001234)", "email": "+15550001234@whatsapp.zendesk.com"},
                "tags": ["whatsapp", "auto-created"],
                "priority": "high",
                "type": "incident"
            }})
        );
    }

    #[test]
    fn a_scoped_user_id_makes_a_valid_requester() {
        let r = requester_for(&Sender::ScopedId("US.1349120865".into()), "example.com");
        assert_eq!(r.name, "WhatsApp User (US.1349120865)");
        assert_eq!(r.email, "US.1349120865@example.com");
    }

    #[test]
    fn basic_auth_uses_the_token_form() {
        // base64("ops@acme.com/token:abc")
        assert_eq!(
            basic_auth("ops@acme.com", "abc"),
            "Basic b3BzQGFjbWUuY29tL3Rva2VuOmFiYw=="
        );
    }

    #[test]
    fn reads_the_created_ticket_and_errors() {
        assert_eq!(
            parse_created_ticket_id(r#"{"ticket":{"id":35436,"status":"new"},"audit":{}}"#),
            Ok(35436)
        );
        assert!(parse_created_ticket_id("<html>").is_err());
        assert_eq!(
            error_summary(
                r#"{"error":"RecordInvalid","description":"Record validation errors","details":{}}"#
            )
            .as_deref(),
            Some("RecordInvalid: Record validation errors")
        );
        assert_eq!(
            error_summary(r#"{"error":"Couldn't authenticate you"}"#).as_deref(),
            Some("Couldn't authenticate you")
        );
        assert_eq!(
            error_summary(r#"{"error":{"title":"Forbidden","message":"x"}}"#).as_deref(),
            Some("Forbidden")
        );
        assert_eq!(error_summary("nope"), None);
    }
}
