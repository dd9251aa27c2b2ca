//! `REQUESTER_IDENTITY`: who the requester of the gateway's tickets is in Zendesk.

/// Who the requester of a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequesterIdentity {
    /// A placeholder e-mail address per customer (`+15550001234@REQUESTER_EMAIL_DOMAIN`),
    /// made with the ticket: the guide's, and the default (an existing deployment is unchanged).
    #[default]
    Email,
    /// A Zendesk end user found or made by `external_id` (`users/create_or_update`) before the
    /// first ticket, with the customer's number as a `phone_number` identity and no e-mail.
    Whatsapp,
}

pub const EXPECTED: &str = "must be email or whatsapp";

pub fn parse(raw: &str) -> Option<RequesterIdentity> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "email" => Some(RequesterIdentity::Email),
        "whatsapp" => Some(RequesterIdentity::Whatsapp),
        _ => None,
    }
}

/// The origin of Twilio's Messaging v2 API (the typing indicator): another host than the
/// Messages API's (`TWILIO_API_BASE_URL`), overridable for the emulator the same way.
pub const DEFAULT_TWILIO_MESSAGING_BASE_URL: &str = "https://messaging.twilio.com";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_identities_in_any_case() {
        assert_eq!(parse("email"), Some(RequesterIdentity::Email));
        assert_eq!(parse(" WhatsApp "), Some(RequesterIdentity::Whatsapp));
        assert_eq!(parse("phone"), None);
        assert_eq!(RequesterIdentity::default(), RequesterIdentity::Email);
    }
}
