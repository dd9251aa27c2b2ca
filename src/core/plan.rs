//! What to do with one inbound message, as data: the shell carries the steps out in order.
//! (The durable, per-customer state machine builds on these same decisions.)

use crate::core::form::InboundMessage;
use crate::core::triage::{Rejection, Triage, TriageRules};
use crate::core::twilio::{self, ReplyContent};
use crate::core::zendesk::{self, NewTicket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Not detailed enough for a ticket: ask the customer for more.
    AskForDetails(Rejection),
    /// Create this ticket, then confirm it to the customer.
    CreateTicket { ticket: NewTicket },
}

pub fn plan_message(message: &InboundMessage, rules: &TriageRules, email_domain: &str) -> Plan {
    match rules.triage(&message.body) {
        Triage::Rejected(why) => Plan::AskForDetails(why),
        Triage::Accepted { subject, priority } => Plan::CreateTicket {
            ticket: zendesk::new_ticket(message, &subject, priority, email_domain),
        },
    }
}

/// The reply once the ticket step is over: the confirmation (text or Content template) when a
/// ticket exists, the seed's apology when it could not be created.
pub fn reply_after_ticket(
    ticket: &NewTicket,
    ticket_id: Option<u64>,
    message: &InboundMessage,
    content_sid: Option<&str>,
) -> ReplyContent {
    match ticket_id {
        Some(id) => twilio::ticket_created_reply(id, &ticket.subject, &message.body, content_sid),
        None => ReplyContent::Text(twilio::APOLOGY_TEXT.to_string()),
    }
}

pub fn more_details_reply() -> ReplyContent {
    ReplyContent::Text(twilio::MORE_DETAILS_TEXT.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::form::Sender;

    fn msg(body: &str) -> InboundMessage {
        InboundMessage {
            message_sid: "SM1".into(),
            account_sid: None,
            from: Sender::Phone("+15550001234".into()),
            to: None,
            body: body.into(),
            profile_name: None,
            num_media: 0,
        }
    }

    #[test]
    fn short_messages_ask_for_details() {
        assert_eq!(
            plan_message(&msg("help"), &TriageRules::default(), "d"),
            Plan::AskForDetails(Rejection::TooShort)
        );
    }

    #[test]
    fn good_messages_create_a_ticket_then_confirm_or_apologise() {
        let m = msg("My invoice has an error. Please fix");
        let Plan::CreateTicket { ticket } = plan_message(&m, &TriageRules::default(), "d") else {
            panic!("expected a ticket")
        };
        assert_eq!(ticket.subject, "My invoice has an error");
        assert_eq!(
            reply_after_ticket(&ticket, Some(42), &m, None),
            ReplyContent::Text(
                "Ticket #42 created: 'My invoice has an error'. We'll get back to you soon.".into()
            )
        );
        assert_eq!(
            reply_after_ticket(&ticket, None, &m, Some("HX1")),
            ReplyContent::Text(twilio::APOLOGY_TEXT.into())
        );
        assert!(matches!(
            reply_after_ticket(&ticket, Some(42), &m, Some("HX1")),
            ReplyContent::Template { .. }
        ));
    }
}
