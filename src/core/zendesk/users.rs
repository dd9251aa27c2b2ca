//! The requester as a Zendesk end user (`REQUESTER_IDENTITY=whatsapp`): found or made by
//! `external_id` with `POST /api/v2/users/create_or_update.json`, then named by id on the
//! ticket (`requester_id`) instead of a placeholder e-mail.
//! (https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-user)

use crate::core::form::Sender;
use crate::core::http::HttpRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What `create_or_update` is sent for a customer (kept whole in the call in flight, so the
/// request is the same after an eviction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequesterUser {
    pub name: String,
    pub external_id: String,
    /// The customer's number (`+E164`) as a `phone_number` identity; `None` for a WhatsApp
    /// user id (no number known) or once Zendesk refused the number (`users::refused_phone`).
    pub phone: Option<String>,
}

/// The prefix of the gateway's `external_id`s.
const EXTERNAL_ID_PREFIX: &str = "whatsapp:";

/// The customer's `external_id` in Zendesk: `whatsapp:` and the address they write from
/// (`whatsapp:+15550001234`, `whatsapp:US.1349120865`), as Twilio writes it in `From`.
/// Why this id: `create_or_update` finds an existing user by e-mail or `external_id` only,
/// never by phone, so the id must be one the gateway can compute again from the message alone:
/// the same customer always gives the same id, a retried call (or one made again after the
/// conversation's state was lost) finds the user made before instead of making a second, and
/// Zendesk's event for a ticket (`{{ticket.requester.external_id}}`) names the customer's
/// conversation without a look-up (`customer_of`). The `whatsapp:` prefix keeps it apart from
/// the ids other integrations put in the same field.
pub fn external_id(customer: &Sender) -> String {
    format!("{EXTERNAL_ID_PREFIX}{}", customer.display())
}

/// The customer an `external_id` made by `external_id` names (`+15550001234` or the user id),
/// if it is one.
pub fn customer_of(external_id: &str) -> Option<String> {
    let address = external_id.trim().strip_prefix(EXTERNAL_ID_PREFIX)?;
    Sender::parse(address).ok().map(|s| s.display().to_string())
}

/// The user made for `customer`, named `name` (what the placeholder requester was named),
/// with the number as a phone identity when it is one and Zendesk has not refused it.
pub fn requester_user(customer: &Sender, name: String, phone_refused: bool) -> RequesterUser {
    RequesterUser {
        name,
        external_id: external_id(customer),
        phone: match customer {
            Sender::Phone(number) if !phone_refused => Some(number.clone()),
            _ => None,
        },
    }
}

/// `POST /api/v2/users/create_or_update.json`: no e-mail (Zendesk never writes to an address
/// that does not exist), the `external_id` that finds the user again, and the number as a
/// `phone_number` identity (agents see it where Zendesk shows phone numbers).
pub fn create_or_update_request(
    base_url: &str,
    authorization: &str,
    user: &RequesterUser,
) -> HttpRequest {
    // No `role`: a user found by its `external_id` keeps the role it has (a new one is an
    // end user, Zendesk's default).
    let mut body = serde_json::json!({
        "name": user.name,
        "external_id": user.external_id,
    });
    if let Some(phone) = &user.phone {
        body["identities"] = serde_json::json!([{ "type": "phone_number", "value": phone }]);
    }
    HttpRequest {
        method: "POST",
        url: format!("{base_url}/api/v2/users/create_or_update.json"),
        headers: vec![
            ("Authorization", authorization.to_string()),
            ("Content-Type", "application/json".to_string()),
            ("Accept", "application/json".to_string()),
        ],
        body: serde_json::json!({ "user": body }).to_string(),
    }
}

/// The user's id in a `create_or_update` answer (`{"user":{"id":..}}`, 201 made, 200 found).
pub fn parse_user_id(body: &str) -> Result<u64, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("unexpected user answer: {e}"))?;
    v["user"]["id"]
        .as_u64()
        .ok_or_else(|| "user answer without an id".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_customer_is_made_with_the_number_and_no_email() {
        let customer = Sender::Phone("+15550001234".into());
        let user = requester_user(&customer, "WhatsApp User (+15550001234)".into(), false);
        let r = create_or_update_request("https://z", "Basic x", &user);
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://z/api/v2/users/create_or_update.json");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["user"]["external_id"], "whatsapp:+15550001234");
        assert_eq!(body["user"]["name"], "WhatsApp User (+15550001234)");
        assert_eq!(
            body["user"]["identities"],
            serde_json::json!([{"type": "phone_number", "value": "+15550001234"}])
        );
        assert!(body["user"].get("email").is_none(), "no placeholder e-mail");
        assert!(!r.body.contains("@"), "no e-mail anywhere");
    }

    #[test]
    fn a_user_id_customer_or_a_refused_number_has_no_phone_identity() {
        let scoped = Sender::ScopedId("US.13491208655302741918".into());
        let user = requester_user(&scoped, "n".into(), false);
        assert_eq!(user.phone, None);
        assert_eq!(user.external_id, "whatsapp:US.13491208655302741918");
        let r = create_or_update_request("https://z", "Basic x", &user);
        assert!(!r.body.contains("identities"));
        let phone = Sender::Phone("+15550001234".into());
        assert_eq!(requester_user(&phone, "n".into(), true).phone, None);
    }

    #[test]
    fn the_external_id_names_its_customer_again() {
        for s in [
            Sender::Phone("+15550001234".into()),
            Sender::ScopedId("US.13491208655302741918".into()),
        ] {
            assert_eq!(customer_of(&external_id(&s)).as_deref(), Some(s.display()));
        }
        assert_eq!(customer_of("crm-42"), None);
        assert_eq!(customer_of("whatsapp:not a number"), None);
        assert_eq!(customer_of(""), None);
    }

    #[test]
    fn reads_the_user_id() {
        assert_eq!(parse_user_id(r#"{"user":{"id":77,"name":"x"}}"#), Ok(77));
        assert!(parse_user_id(r#"{"user":{}}"#).is_err());
        assert!(parse_user_id("<html>").is_err());
    }
}
