//! The bodies of Zendesk's event-subscribed webhook on `POST /zendesk/events` (the same path,
//! secret and checks as the trigger's: `zendesk_events::handle` tells them apart by `type`).
//! `ticket.comment_added` and `ticket.merged` go to the ticket's conversation as a
//! `TicketEvent` carrying what the event says (`Carried`), found through the same look-up as
//! the trigger's (ticket -> conversation: `zendesk_events::deliver`); `user.deleted` erases the
//! customer it names (`erasure`); the other types are logged and answered 200. docs/zendesk-events.md.

use crate::core::logline::LogLine;
use crate::core::ticket_owner::{Carried, TicketEvent};
use crate::core::zendesk_event::{self, EventKind};
use crate::log;
use serde_json::Value;

/// What the webhook does with an event body.
pub enum Read {
    /// Handed to the ticket's conversation.
    Deliver(Box<TicketEvent>),
    /// Logged only: answered 200.
    Logged,
    /// A Zendesk user was deleted: the customers its `external_id` or e-mail may name are
    /// erased (`erasure`), on every channel.
    Erase {
        external_id: Option<String>,
        email: Option<String>,
    },
}

/// Reads an event body (`zendesk_event::is_event`). `Err`: what is missing (a 400).
pub fn read(json: &Value, secrets: &[&str]) -> Result<Read, String> {
    let event = zendesk_event::parse(json)?;
    let at_ms = json["time"]
        .as_str()
        .and_then(crate::core::time::parse_iso8601_ms);
    let mut line = LogLine::info("zendesk.ticket_event")
        .field("type", event.kind.name())
        .field("event_id", event.id.as_str());
    let read = match event.kind {
        EventKind::CommentAdded { ticket, comment } => {
            line = line
                .field("ticket_id", ticket.id)
                .field("comment_id", comment.id)
                .field("carried_whole", comment.complete());
            Read::Deliver(Box::new(TicketEvent {
                ticket_id: ticket.id,
                requester_id: ticket.requester_id,
                carried: Some(Carried {
                    event_id: event.id,
                    comment: Some(comment),
                    merged_into: None,
                    at_ms,
                    ..Default::default()
                }),
                ..Default::default()
            }))
        }
        EventKind::Merged { ticket, target } => {
            line = line.field("ticket_id", ticket.id).field("into", target);
            Read::Deliver(Box::new(TicketEvent {
                ticket_id: ticket.id,
                requester_id: ticket.requester_id,
                carried: Some(Carried {
                    event_id: event.id,
                    comment: None,
                    merged_into: Some(target),
                    at_ms,
                    ..Default::default()
                }),
                ..Default::default()
            }))
        }
        // To the ticket's conversation: a solved ticket's customer may be asked for a rating
        // (`core::csat`, docs/satisfaction.md).
        EventKind::StatusChanged {
            ticket_id,
            status,
            previous,
            spam,
            whatsapp,
        } => {
            let status = status.unwrap_or_default().to_ascii_lowercase();
            line = line
                .field("ticket_id", ticket_id)
                .field("status", status.as_str());
            // Only a solve concerns the gateway, and a WhatsApp ticket reopened from solved (its
            // question may still be held: withdrawn). Any other status change of any ticket of
            // the account is not worth finding the ticket's conversation (which may cost a call).
            let solved = crate::core::csat::is_solved(&status);
            let reopened = !solved
                && status != "closed"
                && previous
                    .as_deref()
                    .is_some_and(crate::core::csat::is_solved)
                && whatsapp != Some(false);
            if !solved && !reopened {
                log::emit(&line, secrets);
                return Ok(Read::Logged);
            }
            Read::Deliver(Box::new(TicketEvent {
                ticket_id,
                carried: Some(Carried {
                    event_id: event.id,
                    status: Some(status),
                    spam,
                    at_ms,
                    ..Default::default()
                }),
                ..Default::default()
            }))
        }
        EventKind::SoftDeleted { ticket_id } => {
            line = line.field("ticket_id", ticket_id);
            Read::Logged
        }
        // The user's id names no customer in logs; their e-mail and external id are not logged.
        EventKind::UserDeleted {
            user_id,
            external_id,
            email,
        } => {
            line = line.field("user_id", user_id.unwrap_or_default());
            if external_id.is_none() && email.is_none() {
                Read::Logged
            } else {
                Read::Erase { external_id, email }
            }
        }
        EventKind::Other { ticket_id, .. } => {
            if let Some(id) = ticket_id {
                line = line.field("ticket_id", id);
            }
            Read::Logged
        }
    };
    log::emit(&line, secrets);
    Ok(read)
}
