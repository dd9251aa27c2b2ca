//! Which customer a Zendesk ticket belongs to, without the look-up index: the gateway makes
//! each ticket's requester `<number or user id>@REQUESTER_EMAIL_DOMAIN` (`zendesk::requester_for`),
//! so the requester's e-mail names the customer's conversation. Zendesk's trigger sends it
//! (`{{ticket.requester.email}}`, see `scripts/setup.mjs`); for a trigger made before that, the
//! ticket is read from Zendesk (`show_ticket_request`).

use crate::core::http::HttpRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the gateway knows of a ticket Zendesk says changed: from the trigger's body, and from
/// the ticket read from Zendesk when the e-mail did not lead to its owner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub ticket_id: u64,
    /// The ticket's requester now (`{{ticket.requester.email}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_email: Option<String>,
    /// The requester's Zendesk user id now (`{{ticket.requester.id}}`): compared with the id the
    /// ticket was made with, it tells a changed requester from a changed e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<u64>,
    /// The MessageSid the ticket was made from (its `external_id`), once read from Zendesk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_from: Option<String>,
    /// The requester's `external_id` now (`{{ticket.requester.external_id}}`): with
    /// `REQUESTER_IDENTITY=whatsapp` the requester has no e-mail, and this id names the
    /// customer (`zendesk::users::customer_of`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_external_id: Option<String>,
    /// What an event-subscribed webhook said (`core::zendesk_event`): its id, and the comment
    /// or the merge it carries. `None`: the trigger's body, which only names the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<Carried>,
}

impl TicketEvent {
    /// The customers the event's requester may be: by the e-mail the gateway made (`email`
    /// mode), or by the `external_id` it gave the user (`whatsapp` mode).
    pub fn customers(&self, email_domain: &str) -> Vec<String> {
        let mut all = customer_addresses(
            self.requester_email.as_deref().unwrap_or_default(),
            email_domain,
        );
        if let Some(c) = self
            .requester_external_id
            .as_deref()
            .and_then(crate::core::zendesk::users::customer_of)
        {
            if !all.contains(&c) {
                all.push(c);
            }
        }
        all
    }
}

/// What a Zendesk event (`zen:event-type:ticket.*`) carries to the ticket's conversation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carried {
    /// The event's id: each conversation takes an event once, however often it is delivered.
    pub event_id: String,
    /// `ticket.comment_added`: the comment (read from the event, not the API, when complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<crate::core::zendesk_event::EventComment>,
    /// `ticket.merged`: the ticket was merged into this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<u64>,
    /// When it happened, by Zendesk's clock (the event's `time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
    /// `ticket.status_changed`: the new status (`solved`...), for the satisfaction question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The ticket carries the `spam` tag (no satisfaction question).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spam: bool,
}

/// The customers' addresses (`+15550001234`, `US.1349120865`) the requester's e-mail may stand
/// for, when it is one the gateway made: on `domain`, or, for a phone number, on any domain (so
/// tickets made before `REQUESTER_EMAIL_DOMAIN` changed are still found). The conversation
/// only takes events for tickets it made, so a wrong guess costs one look at an empty object.
/// Zendesk keeps e-mails in lower case, while a WhatsApp user id starts with an upper-case
/// country code: both spellings are candidates.
pub fn customer_addresses(email: &str, domain: &str) -> Vec<String> {
    let email = email.trim();
    let Some((local, host)) = email.rsplit_once('@') else {
        return Vec::new();
    };
    let valid = !local.is_empty()
        && local.len() <= 128
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'_' | b'-'));
    let phone =
        local.len() > 4 && local.starts_with('+') && local[1..].bytes().all(|b| b.is_ascii_digit());
    if !valid || !(phone || host.eq_ignore_ascii_case(domain.trim())) {
        return Vec::new();
    }
    let mut all = vec![local.to_string()];
    let upper = local.to_ascii_uppercase();
    if upper != local {
        // `us.1349120865` was `US.1349120865`.
        all.push(upper);
    }
    all
}

/// `GET /api/v2/tickets/{id}.json?include=users`: the ticket with its requester side-loaded.
pub fn show_ticket_request(base_url: &str, authorization: &str, ticket_id: u64) -> HttpRequest {
    HttpRequest {
        method: "GET",
        url: format!("{base_url}/api/v2/tickets/{ticket_id}.json?include=users"),
        headers: vec![
            ("Authorization", authorization.to_string()),
            ("Accept", "application/json".to_string()),
        ],
        body: String::new(),
    }
}

/// What a `show_ticket_request` answer says about whose the ticket is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFacts {
    /// The requester's e-mail (`None`: no requester, or not side-loaded).
    pub requester_email: Option<String>,
    pub requester_id: Option<u64>,
    /// The MessageSid the gateway made the ticket from (its `external_id`), when it is one:
    /// the message's conversation made the ticket, whoever the requester is now.
    pub made_from: Option<String>,
    /// The requester's `external_id` (side-loaded), when it has one.
    pub requester_external_id: Option<String>,
}

pub fn ticket_facts(body: &str) -> Result<TicketFacts, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("unreadable ticket: {e}"))?;
    let made_from = v["ticket"]["external_id"]
        .as_str()
        .map(str::trim)
        .filter(|id| crate::core::twilio_ids::is_message_sid(id))
        .map(str::to_string);
    let requester_id = v["ticket"]["requester_id"].as_u64();
    let requester = requester_id.and_then(|requester| {
        v["users"]
            .as_array()
            .and_then(|users| users.iter().find(|u| u["id"].as_u64() == Some(requester)))
    });
    let text = |field: &str| {
        requester
            .and_then(|u| u[field].as_str())
            .map(str::to_string)
    };
    Ok(TicketFacts {
        requester_email: text("email"),
        requester_id,
        made_from,
        requester_external_id: text("external_id"),
    })
}

/// The requester's e-mail from a `show_ticket_request` answer (`None`: no requester, or not
/// side-loaded).
pub fn requester_email(body: &str) -> Result<Option<String>, String> {
    ticket_facts(body).map(|f| f.requester_email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_gateways_own_requesters_name_a_customer() {
        assert_eq!(
            customer_addresses("+15550001234@whatsapp.zendesk.com", "whatsapp.zendesk.com"),
            vec!["+15550001234"]
        );
        assert_eq!(
            customer_addresses("us.1349120865@Example.com", "example.com"),
            vec!["us.1349120865", "US.1349120865"]
        );
        assert!(customer_addresses("jane@acme.com", "whatsapp.zendesk.com").is_empty());
        assert!(customer_addresses("us.1@old.example", "example.com").is_empty());
        assert_eq!(
            customer_addresses("+15550001234@old.example", "example.com"),
            vec!["+15550001234"],
            "a number on the domain configured before"
        );
        assert!(customer_addresses("a/b@example.com", "example.com").is_empty());
        assert!(customer_addresses("", "example.com").is_empty());
        assert!(customer_addresses("@example.com", "example.com").is_empty());
    }

    #[test]
    fn reads_the_side_loaded_requester() {
        let body = r#"{"ticket":{"id":5,"requester_id":9},"users":[{"id":3,"email":"agent@acme.com"},{"id":9,"email":"+15550001234@example.com"}]}"#;
        assert_eq!(
            requester_email(body).unwrap().as_deref(),
            Some("+15550001234@example.com")
        );
        assert_eq!(requester_email(r#"{"ticket":{"id":5}}"#).unwrap(), None);
        assert!(requester_email("<html>").is_err());
        let made = r#"{"ticket":{"id":5,"requester_id":9,"external_id":"SM0123456789abcdef0123456789abcdef"},"users":[]}"#;
        assert_eq!(
            ticket_facts(made).unwrap(),
            TicketFacts {
                requester_email: None,
                requester_id: Some(9),
                made_from: Some("SM0123456789abcdef0123456789abcdef".into()),
                requester_external_id: None,
            }
        );
        let whatsapp = r#"{"ticket":{"id":5,"requester_id":9},"users":[{"id":9,"email":null,"external_id":"whatsapp:+15550001234"}]}"#;
        let facts = ticket_facts(whatsapp).unwrap();
        assert_eq!(facts.requester_email, None);
        let event = TicketEvent {
            ticket_id: 5,
            requester_external_id: facts.requester_external_id,
            ..TicketEvent::default()
        };
        assert_eq!(
            event.customers("whatsapp.zendesk.com"),
            vec!["+15550001234"],
            "a requester without e-mail names its customer by external_id"
        );
        let agents = r#"{"ticket":{"id":5,"external_id":"crm-42"}}"#;
        assert_eq!(
            ticket_facts(agents).unwrap().made_from,
            None,
            "not a MessageSid"
        );
        let r = show_ticket_request("https://z", "Basic x", 5);
        assert_eq!(r.url, "https://z/api/v2/tickets/5.json?include=users");
    }
}
