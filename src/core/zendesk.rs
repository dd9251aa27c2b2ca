//! Zendesk Support API: the ticket the seed describes, the request that creates it, and the
//! reading of Zendesk's answers.

use crate::core::events::Cause;
use crate::core::form::Sender;
use crate::core::http::{Exchange, HttpRequest};
use crate::core::retry::{classify_send, Verdict};
use crate::core::text::without_controls;
use crate::core::triage::Priority;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod comments;
pub mod users;
pub use comments::{list_comments_request, parse_comment_list, CommentSeen};

pub const TICKET_TAGS: [&str; 2] = ["whatsapp", "auto-created"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub name: String,
    pub email: String,
    /// Zendesk's id of the requester's locale (`GET /api/v2/locales/public.json`), when the
    /// customer's language is known to have one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub locale_id: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub body: String,
    pub public: bool,
    /// Tokens from the uploads API: the files attached to this comment.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub uploads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub subject: String,
    /// Zendesk ignores `description` on create: the first comment is the description.
    pub comment: Comment,
    pub requester: Requester,
    pub tags: Vec<String>,
    pub priority: Priority,
    #[serde(rename = "type")]
    pub ticket_type: String,
    /// The MessageSid: lets the gateway find the ticket again after Zendesk's 2-hour
    /// idempotency window (`GET /api/v2/tickets.json?external_id=`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub external_id: Option<String>,
    /// Set when the customer's previous ticket is closed: Zendesk links the new one to it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via_followup_source_id: Option<u64>,
    /// The requester as a Zendesk user (`REQUESTER_IDENTITY=whatsapp`, `users`): when set, the
    /// ticket names it, and it writes the first comment, instead of the placeholder
    /// `requester` (which is not sent).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub requester_id: Option<u64>,
    /// Where the channel's tickets go (`CHANNELS`): absent, Zendesk's defaults.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub brand_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub group_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ticket_form_id: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub custom_fields: Vec<CustomField>,
}

/// `{"id": 360005, "value": "..."}`, as Zendesk's ticket takes custom field values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: u64,
    pub value: Value,
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
        locale_id: None,
    }
}

/// The seed's ticket for a customer's message: what it says (`body`), from whom, under its
/// MessageSid (the `external_id` that finds it again).
pub fn new_ticket(
    message_sid: &str,
    from: &Sender,
    body: &str,
    subject: &str,
    priority: Priority,
    email_domain: &str,
) -> NewTicket {
    // The message was cleaned when it was read (`InboundMessage::from_params`); cleaning again
    // here keeps any other way in (a message stored before that, a subject built elsewhere)
    // from putting a control character in a ticket.
    NewTicket {
        subject: without_controls(subject),
        comment: Comment {
            body: without_controls(body),
            public: true,
            uploads: vec![],
        },
        requester: requester_for(from, email_domain),
        tags: TICKET_TAGS.iter().map(|t| t.to_string()).collect(),
        priority,
        ticket_type: "incident".to_string(),
        external_id: Some(message_sid.to_string()),
        via_followup_source_id: None,
        requester_id: None,
        brand_id: None,
        group_id: None,
        ticket_form_id: None,
        custom_fields: Vec::new(),
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
        body: ticket_body(&Envelope { ticket }, ticket.requester_id),
    }
}

/// The create's JSON: with a `requester_id`, the ticket names that user (who also writes the
/// first comment, as on later comments) and carries no placeholder requester.
fn ticket_body(envelope: &impl Serialize, requester_id: Option<u64>) -> String {
    let Some(id) = requester_id else {
        // Written as before (field order and all): the placeholder requester.
        return serde_json::to_string(envelope).unwrap_or_default();
    };
    let Ok(mut v) = serde_json::to_value(envelope) else {
        return String::new();
    };
    if let Some(ticket) = v["ticket"].as_object_mut() {
        ticket.remove("requester");
    }
    v["ticket"]["comment"]["author_id"] = id.into();
    v.to_string()
}

/// A ticket as the gateway needs it from Zendesk's answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TicketRef {
    pub id: u64,
    #[serde(default)]
    pub requester_id: Option<u64>,
}

/// The ticket in a create answer (`{"ticket":{"id":123,"requester_id":..},"audit":{...}}`).
pub fn parse_created_ticket(body: &str) -> Result<TicketRef, String> {
    #[derive(Deserialize)]
    struct Created {
        ticket: TicketRef,
    }
    serde_json::from_str::<Created>(body)
        .map(|c| c.ticket)
        .map_err(|e| format!("unexpected ticket answer: {e}"))
}

/// The id of the ticket in a create answer.
pub fn parse_created_ticket_id(body: &str) -> Result<u64, String> {
    parse_created_ticket(body).map(|t| t.id)
}

/// The verdict on a ticket update (a comment or an internal note: not safe to repeat blindly).
/// A 2xx proves the update only when it is Zendesk's answer (`{"ticket":{..},"audit":{..}}`):
/// any other 2xx (a proxy's HTML page, a cut body) says nothing about whether the comment was
/// written, so it is ambiguous, like a timeout: the comment is looked for before it is written
/// again.
pub fn classify_update(exchange: &Exchange) -> Verdict {
    match (classify_send(exchange), exchange) {
        (Verdict::Success, Exchange::Answered(a)) if parse_created_ticket(&a.body).is_err() => {
            Verdict::Ambiguous {
                cause: Cause::Unreadable {
                    status: Some(a.status),
                    what: "answer without the ticket".into(),
                },
            }
        }
        (verdict, _) => verdict,
    }
}

/// `PUT /api/v2/tickets/{id}.json` with one public comment written as the requester
/// (Zendesk has no comment-create endpoint; a solved ticket is reopened by it).
pub fn add_comment_request(
    base_url: &str,
    authorization: &str,
    ticket_id: u64,
    body: &str,
    author_id: Option<u64>,
    uploads: &[String],
) -> HttpRequest {
    let mut comment = serde_json::json!({ "body": body, "public": true });
    if let Some(author) = author_id {
        comment["author_id"] = author.into();
    }
    if !uploads.is_empty() {
        comment["uploads"] = uploads.into();
    }
    HttpRequest {
        method: "PUT",
        url: format!("{base_url}/api/v2/tickets/{ticket_id}.json"),
        headers: json_headers(authorization),
        body: serde_json::json!({ "ticket": { "comment": comment } }).to_string(),
    }
}

/// `POST /api/v2/uploads.json?filename=`: the URL a file's bytes are posted to (raw body,
/// `Content-Type` = the file's type); the answer's token attaches it to a comment.
pub fn upload_url(base_url: &str, filename: &str) -> String {
    let query = serde_urlencoded::to_string([("filename", filename)]).unwrap_or_default();
    format!("{base_url}/api/v2/uploads.json?{query}")
}

/// The token of an upload answer (`{"upload":{"token":"...","attachment":{...}}}`).
pub fn parse_upload_token(body: &str) -> Result<String, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("unexpected upload answer: {e}"))?;
    v["upload"]["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "upload answer without a token".to_string())
}

/// `PUT /api/v2/tickets/{id}.json` with a private comment (an internal note for agents),
/// written as the API user, and `tags` added in the same update (`additional_tags` adds to the
/// ticket's tags where `tags` would replace them: "Updating tag lists",
/// https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#updating-tag-lists).
pub fn add_internal_note_request(
    base_url: &str,
    authorization: &str,
    ticket_id: u64,
    body: &str,
    tags: &[&str],
) -> HttpRequest {
    let mut ticket = serde_json::json!({ "comment": { "body": body, "public": false } });
    if !tags.is_empty() {
        ticket["additional_tags"] = serde_json::json!(tags);
    }
    HttpRequest {
        method: "PUT",
        url: format!("{base_url}/api/v2/tickets/{ticket_id}.json"),
        headers: json_headers(authorization),
        body: serde_json::json!({ "ticket": ticket }).to_string(),
    }
}

/// `GET /api/v2/attachments/{id}.json`: an attachment's name, type, size and content URL,
/// read when Twilio fetches an agent's file (the media link carries only the id).
pub fn show_attachment_request(
    base_url: &str,
    authorization: &str,
    attachment_id: u64,
) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!("{base_url}/api/v2/attachments/{attachment_id}.json"),
        headers: json_headers(authorization),
        body: String::new(),
    }
}

/// The attachment of a show-attachment answer (`{"attachment":{...}}`).
pub fn parse_attachment(body: &str) -> Result<Attachment, String> {
    #[derive(Deserialize)]
    struct Answer {
        attachment: Attachment,
    }
    serde_json::from_str::<Answer>(body)
        .map(|a| a.attachment)
        .map_err(|e| format!("unexpected attachment answer: {e}"))
}

/// `GET /api/v2/tickets.json?external_id=`: the ticket created for a MessageSid, if any.
pub fn find_by_external_id_request(
    base_url: &str,
    authorization: &str,
    external_id: &str,
) -> HttpRequest {
    let query = serde_urlencoded::to_string([("external_id", external_id)]).unwrap_or_default();
    HttpRequest {
        method: "GET",
        url: format!("{base_url}/api/v2/tickets.json?{query}"),
        headers: json_headers(authorization),
        body: String::new(),
    }
}

fn json_headers(authorization: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Authorization", authorization.to_string()),
        ("Content-Type", "application/json".to_string()),
        ("Accept", "application/json".to_string()),
    ]
}

pub fn parse_ticket_list(body: &str) -> Result<Vec<TicketRef>, String> {
    #[derive(Deserialize)]
    struct List {
        tickets: Vec<TicketRef>,
    }
    serde_json::from_str::<List>(body)
        .map(|l| l.tickets)
        .map_err(|e| format!("unexpected ticket list: {e}"))
}

/// A file attached to a Zendesk comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: u64,
    pub file_name: String,
    pub content_type: String,
    pub content_url: String,
    #[serde(default)]
    pub size: u64,
}

/// Whether a 422 answer to an update says the ticket is closed (then a follow-up is needed).
pub fn is_closed_ticket_error(body: &str) -> bool {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    v.get("details")
        .map(|d| d.to_string().to_ascii_lowercase().contains("closed"))
        .unwrap_or(false)
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
            body: body.into(),
            num_media: 0,
            media: vec![],
            extra_media: vec![],
            location: None,
            kind: Default::default(),
            addressed: Default::default(),
            user_id: None,
        }
    }

    #[test]
    fn the_ticket_has_the_seed_shape() {
        let m = message(
            Sender::Phone("+15550001234".into()),
            "I can't log in. Error 404!",
        );
        let t = new_ticket(
            &m.message_sid,
            &m.from,
            &m.body,
            "I can't log in",
            Priority::High,
            "whatsapp.zendesk.com",
        );
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
                "type": "incident",
                "external_id": "SM1"
            }})
        );
    }

    #[test]
    fn no_control_character_reaches_a_ticket() {
        let m = message(
            Sender::Phone("+15550001234".into()),
            "Help\0 me\u{1b}[2J\r\nplease\u{85} 👍",
        );
        let t = new_ticket(
            &m.message_sid,
            &m.from,
            &m.body,
            "Help\0 me\u{7}",
            Priority::Normal,
            "example.com",
        );
        assert_eq!(t.subject, "Help me");
        assert_eq!(t.comment.body, "Help me[2J\nplease 👍");
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
    fn comment_and_look_up_requests() {
        let c = add_comment_request("https://z", "Basic x", 42, "thanks!", Some(7), &[]);
        assert_eq!(
            (c.method, c.url.as_str()),
            ("PUT", "https://z/api/v2/tickets/42.json")
        );
        let v: Value = serde_json::from_str(&c.body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"ticket":{"comment":{"body":"thanks!","public":true,"author_id":7}}})
        );
        let f = find_by_external_id_request("https://z", "Basic x", "SM 1&x");
        assert_eq!(f.url, "https://z/api/v2/tickets.json?external_id=SM+1%26x");
        assert_eq!(list_comments_request("https://z", "a", 5).method, "GET");
        let u = add_comment_request("https://z", "a", 1, "photo", None, &["tok1".into()]);
        assert!(u.body.contains(r#""uploads":["tok1"]"#));
        assert_eq!(
            upload_url("https://z", "a b.jpg"),
            "https://z/api/v2/uploads.json?filename=a+b.jpg"
        );
        assert_eq!(
            parse_upload_token(r#"{"upload":{"token":"6bk3","attachment":{}}}"#),
            Ok("6bk3".into())
        );
        assert!(parse_upload_token("{}").is_err());
    }

    #[test]
    fn reads_lists_and_closed_errors() {
        let t = parse_ticket_list(
            r#"{"tickets":[{"id":5,"requester_id":9,"status":"open"}],"count":1}"#,
        )
        .unwrap();
        assert_eq!(
            t,
            vec![TicketRef {
                id: 5,
                requester_id: Some(9)
            }]
        );
        let c = parse_comment_list(r#"{"comments":[{"id":1,"body":"hi","author_id":9,"created_at":"2026-11-25T06:38:33Z"}]}"#).unwrap();
        assert_eq!(c[0].created_ms, Some(1_795_588_713_000));
        assert_eq!((c[0].author_role.as_deref(), c[0].merge), (None, false));
        assert!(is_closed_ticket_error(
            r#"{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}"#
        ));
        assert!(!is_closed_ticket_error(
            r#"{"error":"RecordInvalid","details":{"base":[{"description":"x"}]}}"#
        ));
        assert!(!is_closed_ticket_error("oops"));
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
