//! Zendesk's event-subscribed webhooks (`zen:event-type:...`): the body of a webhook that
//! subscribes to ticket and user events instead of being called by a trigger
//! (docs/zendesk-events.md). Every event has the same envelope:
//! `{"type", "account_id", "id", "time", "zendesk_event_version", "subject", "detail", "event"}`
//! (https://developer.zendesk.com/api-reference/webhooks/event-types/webhook-event-types/);
//! `id` is the event's own id (the dedup key), `detail` the ticket (or user) after the change,
//! `event` what changed (https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events).
//!
//! Read leniently: Zendesk's own examples give ids as strings (`"id": "6596848315901"`) and
//! third-party models accept empty strings for absent ids, so an id is a number, a string of
//! digits, or absent. Unknown event types are read as `Other` (logged, answered 200).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The prefix every event type has: a body whose `type` starts with it is an event, not the
/// trigger's body.
pub const EVENT_TYPE_PREFIX: &str = "zen:event-type:";

/// The event types `npm run setup` subscribes the gateway's webhook to (scripts/setup.mjs
/// keeps the same list).
pub const SUBSCRIBED: [&str; 5] = [
    "zen:event-type:ticket.comment_added",
    "zen:event-type:ticket.merged",
    "zen:event-type:ticket.status_changed",
    "zen:event-type:ticket.soft_deleted",
    "zen:event-type:user.deleted",
];

/// One event, as the gateway reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ZendeskEvent {
    /// The event's id (a UUID in Zendesk's examples): what deliveries of one event share.
    pub id: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// `ticket.comment_added`: the comment as the event carries it.
    CommentAdded {
        ticket: TicketDetail,
        comment: EventComment,
    },
    /// `ticket.merged`: the ticket (`subject`, `detail`) was merged into `target`
    /// (`event.target_ticket_id`) and closed.
    Merged { ticket: TicketDetail, target: u64 },
    /// `ticket.status_changed`: the ticket's new status (`event.current`, else
    /// `detail.status`) and the one before (`event.previous`), whether it carries the `spam`
    /// tag and the `whatsapp` tag (`detail.tags`; `None` when the event lists no tags): a
    /// solved WhatsApp ticket's customer may be asked for a rating (`core::csat`), and a
    /// question still held is withdrawn when the ticket is reopened.
    StatusChanged {
        ticket_id: u64,
        status: Option<String>,
        previous: Option<String>,
        spam: bool,
        whatsapp: Option<bool>,
    },
    /// `ticket.soft_deleted`: logged only (erasure is another task).
    SoftDeleted { ticket_id: u64 },
    /// `user.deleted`: logged only (erasure is another task).
    /// A user was deleted in Zendesk: their `external_id` and e-mail name the gateway's
    /// customer when the gateway made the user (erased: `erasure`).
    UserDeleted {
        user_id: Option<u64>,
        external_id: Option<String>,
        email: Option<String>,
    },
    /// Any other type: logged only.
    Other {
        type_name: String,
        ticket_id: Option<u64>,
    },
}

impl EventKind {
    /// The event type's short name (`ticket.comment_added`), for logs.
    pub fn name(&self) -> &str {
        match self {
            EventKind::CommentAdded { .. } => "ticket.comment_added",
            EventKind::Merged { .. } => "ticket.merged",
            EventKind::StatusChanged { .. } => "ticket.status_changed",
            EventKind::SoftDeleted { .. } => "ticket.soft_deleted",
            EventKind::UserDeleted { .. } => "user.deleted",
            EventKind::Other { type_name, .. } => type_name
                .strip_prefix(EVENT_TYPE_PREFIX)
                .unwrap_or(type_name),
        }
    }
}

/// What the gateway reads of a ticket event's `detail`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TicketDetail {
    pub id: u64,
    pub requester_id: Option<u64>,
}

/// A comment as `ticket.comment_added` carries it: `event.comment` with `id`, `body`,
/// `is_public`, `author {id, is_staff, name}` and, in one third-party model, a single
/// `attachment` (gata.works' Zendesk webhook model; dust-tt's `ticket_comment_added` schema).
/// Files may instead come as `ticket.attachment_linked_to_comment` events of the same action:
/// either way the comment is read through the API when files are indicated (UNVERIFIED which).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventComment {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<u64>,
    /// `author.is_staff`: an agent or an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_is_staff: Option<bool>,
    /// The event names a file (`attachment`, `attachments`): the comment is read whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_attachments: bool,
}

impl EventComment {
    /// Whether the event says everything the gateway needs to act on the comment without
    /// reading the ticket's comments: its body, whether it is public and whether its author is
    /// staff, and no file. A body that names a ticket (`#1234`) is read as well: Zendesk's merge
    /// notice on the target ("Request #5 was closed and merged into this request...") is written
    /// as the merging agent, and only the comment's `via` (which the event does not carry) tells
    /// it from an agent's reply; the read sees the `via` (`zendesk::comments::via_merge`).
    pub fn complete(&self) -> bool {
        let names_a_ticket = self.body.as_deref().is_some_and(names_a_ticket);
        self.body.as_deref().is_some_and(|b| !b.trim().is_empty())
            && self.public.is_some()
            && self.author_is_staff.is_some()
            && !self.has_attachments
            && !names_a_ticket
    }
}

/// `#` followed by a digit: a ticket's number as Zendesk's notices write it.
fn names_a_ticket(body: &str) -> bool {
    body.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'#' && w[1].is_ascii_digit())
}

/// An id as Zendesk may send it: a number, or a string of digits (absent when empty or other).
pub fn lenient_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().filter(|&id| id > 0),
        Value::String(s) => s.trim().parse().ok().filter(|&id| id > 0),
        _ => None,
    }
}

fn lenient_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a webhook body is an event (its `type` is a `zen:event-type:`), not a trigger's.
pub fn is_event(json: &Value) -> bool {
    json["type"]
        .as_str()
        .is_some_and(|t| t.starts_with(EVENT_TYPE_PREFIX))
}

/// The id a `subject` such as `zen:ticket:5158` names.
fn subject_id(json: &Value, domain: &str) -> Option<u64> {
    json["subject"]
        .as_str()?
        .strip_prefix("zen:")?
        .strip_prefix(domain)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

/// Reads an event (`is_event` is true). `Err` names what is missing, for a 400.
pub fn parse(json: &Value) -> Result<ZendeskEvent, String> {
    let type_name = json["type"].as_str().unwrap_or_default().to_string();
    let id = match &json["id"] {
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err("the event has no id".into()),
    };
    if id.len() > 128 {
        return Err("the event's id is over 128 characters".into());
    }
    let detail = &json["detail"];
    let event = &json["event"];
    let ticket_id = lenient_id(&detail["id"]).or_else(|| subject_id(json, "ticket"));
    let ticket = || -> Result<TicketDetail, String> {
        Ok(TicketDetail {
            id: ticket_id.ok_or("the ticket event names no ticket (detail.id, subject)")?,
            requester_id: lenient_id(&detail["requester_id"]),
        })
    };
    let kind = match type_name.strip_prefix(EVENT_TYPE_PREFIX) {
        Some("ticket.comment_added") => {
            let c = &event["comment"];
            let comment = EventComment {
                id: lenient_id(&c["id"]).ok_or("the comment_added event has no comment id")?,
                body: c["body"].as_str().map(str::to_string),
                public: lenient_bool(&c["is_public"]).or_else(|| lenient_bool(&c["public"])),
                author_id: lenient_id(&c["author"]["id"]).or_else(|| lenient_id(&c["author_id"])),
                author_is_staff: lenient_bool(&c["author"]["is_staff"]),
                has_attachments: names_files(&c["attachment"]) || names_files(&c["attachments"]),
            };
            EventKind::CommentAdded {
                ticket: ticket()?,
                comment,
            }
        }
        Some("ticket.merged") => EventKind::Merged {
            ticket: ticket()?,
            target: lenient_id(&event["target_ticket_id"])
                .ok_or("the merged event has no target_ticket_id")?,
        },
        Some("ticket.status_changed") => EventKind::StatusChanged {
            ticket_id: ticket()?.id,
            status: event["current"]
                .as_str()
                .or(detail["status"].as_str())
                .map(str::to_string),
            previous: event["previous"].as_str().map(str::to_string),
            spam: tagged(detail, "spam").unwrap_or(false),
            whatsapp: tagged(detail, "whatsapp"),
        },
        Some("ticket.soft_deleted") => EventKind::SoftDeleted {
            ticket_id: ticket()?.id,
        },
        Some("user.deleted") => EventKind::UserDeleted {
            user_id: lenient_id(&detail["id"]).or_else(|| subject_id(json, "user")),
            external_id: detail["external_id"]
                .as_str()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            email: detail["email"]
                .as_str()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        },
        _ => EventKind::Other {
            type_name,
            ticket_id,
        },
    };
    Ok(ZendeskEvent { id, kind })
}

/// Whether an `attachment` / `attachments` value names a file.
fn names_files(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Whether the ticket's `tags` (an event's `detail`) include `tag`, in any case; `None` when
/// it lists none.
fn tagged(detail: &Value, tag: &str) -> Option<bool> {
    let tags = detail["tags"].as_array()?;
    Some(
        tags.iter()
            .any(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case(tag))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Zendesk's ticket event envelope (developer.zendesk.com ticket-events page) with the
    /// comment as third-party models read it; ids as Zendesk sometimes sends them (strings).
    fn comment_added(comment: Value) -> Value {
        json!({
            "type": "zen:event-type:ticket.comment_added",
            "account_id": 12514403,
            "id": "2b24ef10-19d4-4740-93cf-8f98ec4776c0",
            "time": "2026-12-04T05:33:18Z",
            "zendesk_event_version": "2022-11-06",
            "subject": "zen:ticket:5158",
            "detail": {"id": "5158", "requester_id": "9001", "status": "OPEN", "via": {"channel": "api"}},
            "event": {"comment": comment, "meta": {"sequence": {"id": "ABC", "position": 1}}}
        })
    }

    #[test]
    fn a_comment_added_event_carries_the_comment() {
        let v = comment_added(json!({
            "id": "9876543210", "body": "Your parcel left today.", "is_public": true,
            "author": {"id": 8447388090495u64, "is_staff": true, "name": "Support Agent"}
        }));
        assert!(is_event(&v));
        let e = parse(&v).unwrap();
        assert_eq!(e.id, "2b24ef10-19d4-4740-93cf-8f98ec4776c0");
        let EventKind::CommentAdded { ticket, comment } = e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(
            ticket,
            TicketDetail {
                id: 5158,
                requester_id: Some(9001)
            }
        );
        assert_eq!(comment.id, 9876543210);
        assert_eq!(comment.author_id, Some(8447388090495));
        assert_eq!(
            (comment.public, comment.author_is_staff),
            (Some(true), Some(true))
        );
        assert!(comment.complete());
    }

    #[test]
    fn a_comment_is_read_through_the_api_when_the_event_cannot_say_it_all() {
        let read = |c: Value| {
            let EventKind::CommentAdded { comment, .. } = parse(&comment_added(c)).unwrap().kind
            else {
                panic!()
            };
            comment.complete()
        };
        let full = json!({"id": 1, "body": "ok", "is_public": true, "author": {"id": 2, "is_staff": true}});
        assert!(read(full.clone()));
        let without = |key: &str| {
            let mut c = full.clone();
            c.as_object_mut().unwrap().remove(key);
            c
        };
        assert!(!read(without("body")), "no body");
        assert!(!read(without("is_public")), "no public flag");
        assert!(!read(without("author")), "no author");
        let mut with_file = full.clone();
        with_file["attachment"] =
            json!({"id": 3, "content_type": "image/png", "filename": "a.png"});
        assert!(!read(with_file), "a file");
        let mut merge_notice = full.clone();
        merge_notice["body"] =
            json!("Request #5 \"Help\" was closed and merged into this request.");
        assert!(!read(merge_notice), "a body naming a ticket");
        let mut empty_id = full;
        empty_id["id"] = json!("");
        assert!(parse(&comment_added(empty_id)).is_err());
    }

    #[test]
    fn a_merge_names_its_target_and_other_types_are_read_for_logs() {
        let merged = json!({
            "type": "zen:event-type:ticket.merged", "id": "e-1", "subject": "zen:ticket:5",
            "detail": {"id": 5, "requester_id": ""}, "event": {"target_ticket_id": "7"}
        });
        assert_eq!(
            parse(&merged).unwrap().kind,
            EventKind::Merged {
                ticket: TicketDetail {
                    id: 5,
                    requester_id: None
                },
                target: 7
            }
        );
        let no_target = json!({"type": "zen:event-type:ticket.merged", "id": "e-2", "subject": "zen:ticket:5", "event": {}});
        assert!(parse(&no_target).is_err());
        let status = json!({"type": "zen:event-type:ticket.status_changed", "id": 42, "subject": "zen:ticket:5", "event": {"current": "SOLVED", "previous": "OPEN"}});
        let e = parse(&status).unwrap();
        assert_eq!(e.id, "42", "a numeric id is read as its text");
        assert_eq!(
            e.kind,
            EventKind::StatusChanged {
                ticket_id: 5,
                status: Some("SOLVED".into()),
                previous: Some("OPEN".into()),
                spam: false,
                whatsapp: None,
            }
        );
        let spam = json!({"type": "zen:event-type:ticket.status_changed", "id": "s", "subject": "zen:ticket:5", "detail": {"id": "5", "status": "SOLVED", "tags": ["whatsapp", "Spam"]}, "event": {}});
        assert_eq!(
            parse(&spam).unwrap().kind,
            EventKind::StatusChanged {
                ticket_id: 5,
                status: Some("SOLVED".into()),
                previous: None,
                spam: true,
                whatsapp: Some(true),
            }
        );
        let deleted = json!({"type": "zen:event-type:user.deleted", "id": "u", "subject": "zen:user:6596848315901", "detail": {"id": "6596848315901", "external_id": ""}});
        assert_eq!(
            parse(&deleted).unwrap().kind,
            EventKind::UserDeleted {
                user_id: Some(6596848315901),
                external_id: None,
                email: None,
            }
        );
        let named = json!({"type": "zen:event-type:user.deleted", "id": "u2", "detail": {"id": 7, "external_id": "whatsapp:+15550001234", "email": "+15550001234@whatsapp.zendesk.com"}});
        assert_eq!(
            parse(&named).unwrap().kind,
            EventKind::UserDeleted {
                user_id: Some(7),
                external_id: Some("whatsapp:+15550001234".into()),
                email: Some("+15550001234@whatsapp.zendesk.com".into()),
            }
        );
        let other = json!({"type": "zen:event-type:ticket.tags_changed", "id": "t", "subject": "zen:ticket:9"});
        assert_eq!(parse(&other).unwrap().kind.name(), "ticket.tags_changed");
        assert!(
            parse(&json!({"type": "zen:event-type:ticket.merged"})).is_err(),
            "no id"
        );
        assert!(!is_event(&json!({"ticket_id": "5"})), "a trigger's body");
    }
}
