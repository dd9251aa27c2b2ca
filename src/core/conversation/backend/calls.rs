//! The back end's own calls (`Call::Backend`): the parts ask for them in the back end's neutral
//! words (`Backend::make_ticket`, `comment`, `read_ticket`, `add_note`, the look-ups), the
//! back end builds its requests (`request`) and reads their answers into outcomes addressed to
//! the part that asked (`read` -> `BackendAnswer`). Neither part names a Zendesk call: a second
//! back end's calls are a variant of `BackendCall` of their own.

use super::*;
use crate::core::config::RequesterIdentity;
use crate::core::zendesk::users::{self, RequesterUser};

/// A call to the back end, the back end's own: kept in flight, stored with the conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendCall {
    ZendeskSupport(ZendeskCall),
}

/// Zendesk Support's calls.
// A conversation has at most one call at a time (its in-flight one): boxing the ticket would
// only add an allocation to each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum ZendeskCall {
    /// A ticket made from message `sid` (kept whole to send it again after an eviction).
    CreateTicket {
        sid: String,
        ticket: NewTicket,
    },
    /// The customer's Zendesk user, found or made before the first ticket of message `sid`
    /// (`REQUESTER_IDENTITY=whatsapp`; kept whole to send it again after an eviction).
    CreateRequester {
        sid: String,
        user: RequesterUser,
    },
    /// The ticket an earlier create of `sid` made, by its `external_id`.
    FindTicket {
        sid: String,
    },
    AddComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        uploads: Vec<String>,
    },
    /// The comment an earlier attempt may have written.
    FindComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        since_ms: u64,
    },
    /// The ticket's comments, for agents' replies.
    CheckTicket {
        ticket_id: u64,
    },
    AddNote {
        key: String,
    },
    FindNote {
        key: String,
        since_ms: u64,
    },
}

/// A new ticket as the inbound queue decides it: the back end makes it its own.
pub struct TicketDraft<'a> {
    pub sid: &'a str,
    /// What the agents read (the text, the place, files not attached).
    pub text: String,
    pub subject: String,
    pub priority: Priority,
    pub language: &'a Language,
    /// Files already uploaded, attached to the ticket.
    pub uploads: Vec<String>,
    /// The closed ticket this one follows up.
    pub follow_up_of: Option<u64>,
    /// The back end refused the requester's language once: made without it.
    pub without_locale: bool,
}

/// The outcome of a back-end call, for the part that asked: the inbound queue (a message's
/// ticket or comment) or the agents' side (a ticket's comments, a note).
#[derive(Debug, Clone, PartialEq)]
pub enum BackendAnswer {
    TicketMade {
        sid: String,
        made: TicketMade,
        subject: String,
        priority: Priority,
    },
    TicketFound {
        sid: String,
        found: LookedUp<TicketRef>,
    },
    /// The customer's user, for message `sid`'s ticket.
    RequesterMade {
        sid: String,
        made: RequesterMade,
    },
    Commented {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        added: CommentAdded,
    },
    CommentFound {
        ticket_id: u64,
        sids: Vec<String>,
        found: LookedUp<()>,
    },
    TicketRead {
        ticket_id: u64,
        read: CommentsRead,
    },
    Noted {
        key: String,
        noted: LookedUp<()>,
    },
}

/// What the back end reads of the parts to build a request or read an answer (lent by the
/// parent): the customer's messages (a create's key depends on its message) and the agents'
/// notes it writes.
pub struct CallAround<'a> {
    pub messages: &'a [Message],
    pub notes: Vec<NoteRef<'a>>,
}

/// A note the agents' side wants on a ticket, as the back end reads it.
pub struct NoteRef<'a> {
    pub key: &'a str,
    pub ticket_id: u64,
    pub body: &'a str,
}

impl CallAround<'_> {
    fn note(&self, key: &str) -> Option<&NoteRef<'_>> {
        self.notes.iter().find(|n| n.key == key)
    }
}

impl BackendCall {
    pub fn name(&self) -> &'static str {
        let BackendCall::ZendeskSupport(call) = self;
        match call {
            ZendeskCall::CreateTicket { .. } => "create_ticket",
            ZendeskCall::CreateRequester { .. } => "create_requester",
            ZendeskCall::FindTicket { .. } => "find_ticket",
            ZendeskCall::AddComment { .. } => "add_comment",
            ZendeskCall::FindComment { .. } => "find_comment",
            ZendeskCall::CheckTicket { .. } => "check_ticket",
            ZendeskCall::AddNote { .. } => "add_note",
            ZendeskCall::FindNote { .. } => "find_note",
        }
    }

    /// The customer's message this call is a step of (the oldest of a merged comment), if any.
    pub fn message(&self) -> Option<&str> {
        let BackendCall::ZendeskSupport(call) = self;
        match call {
            ZendeskCall::CreateTicket { sid, .. }
            | ZendeskCall::CreateRequester { sid, .. }
            | ZendeskCall::FindTicket { sid } => Some(sid),
            ZendeskCall::AddComment { sids, .. } | ZendeskCall::FindComment { sids, .. } => {
                sids.first().map(String::as_str)
            }
            ZendeskCall::CheckTicket { .. }
            | ZendeskCall::AddNote { .. }
            | ZendeskCall::FindNote { .. } => None,
        }
    }

    /// Whether this call makes a ticket (its message's directory entry goes first).
    pub fn makes_ticket(&self) -> bool {
        matches!(
            self,
            BackendCall::ZendeskSupport(ZendeskCall::CreateTicket { .. })
        )
    }

    /// Whether this call reads `ticket_id`'s comments.
    pub fn reads_ticket(&self, ticket_id: u64) -> bool {
        matches!(self, BackendCall::ZendeskSupport(ZendeskCall::CheckTicket { ticket_id: t }) if *t == ticket_id)
    }
}

/// Where the channel's tickets go: its brand, group and form, its tags after the seed's, its
/// custom fields with `{channel}` and `{number}` (the number the customer wrote to) filled in.
fn place(ticket: &mut crate::core::zendesk::NewTicket, ctx: &Ctx) {
    let placement = &ctx.config.placement;
    ticket.brand_id = placement.brand_id;
    ticket.group_id = placement.group_id;
    ticket.ticket_form_id = placement.ticket_form_id;
    for tag in &placement.tags {
        if !ticket.tags.contains(tag) {
            ticket.tags.push(tag.clone());
        }
    }
    let number = ctx
        .number
        .or_else(|| ctx.config.numbers.first().map(String::as_str))
        .unwrap_or_default();
    ticket.custom_fields = placement
        .custom_fields
        .iter()
        .map(|(id, value)| crate::core::zendesk::CustomField {
            id: *id,
            value: match value {
                serde_json::Value::String(text) => serde_json::Value::String(
                    text.replace("{channel}", &ctx.config.channel)
                        .replace("{number}", number),
                ),
                other => other.clone(),
            },
        })
        .collect();
}

/// The calls the parts ask for, in the back end's neutral words.
impl Backend {
    /// The call that makes message `draft.sid`'s ticket: with `REQUESTER_IDENTITY=whatsapp`,
    /// first (once per customer) the customer's Zendesk user, then the ticket naming it.
    pub fn make_ticket(&self, draft: TicketDraft, customer: &Sender, ctx: &Ctx) -> BackendCall {
        let requester_id = match ctx.config.requester_identity {
            RequesterIdentity::Email => None,
            RequesterIdentity::Whatsapp => match self.state().requester_user_id {
                Some(id) => Some(id),
                None => {
                    let name = zendesk::requester_for(customer, "").name;
                    let refused = self.state().requester_phone_refused;
                    return BackendCall::ZendeskSupport(ZendeskCall::CreateRequester {
                        sid: draft.sid.to_string(),
                        user: users::requester_user(customer, name, refused),
                    });
                }
            },
        };
        let mut ticket = ctx.backend().new_ticket(
            draft.sid,
            customer,
            &draft.text,
            &draft.subject,
            draft.priority,
            draft.language,
        );
        ticket.comment.uploads = draft.uploads;
        ticket.via_followup_source_id = draft.follow_up_of;
        ticket.requester_id = requester_id;
        place(&mut ticket, ctx);
        if draft.without_locale {
            ticket.requester.locale_id = None;
        }
        BackendCall::ZendeskSupport(ZendeskCall::CreateTicket {
            sid: draft.sid.to_string(),
            ticket,
        })
    }

    pub fn find_ticket(&self, sid: &str) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::FindTicket { sid: sid.into() })
    }

    pub fn comment(
        &self,
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        uploads: Vec<String>,
    ) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::AddComment {
            ticket_id,
            sids,
            body,
            uploads,
        })
    }

    pub fn find_comment(
        &self,
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        since_ms: u64,
    ) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::FindComment {
            ticket_id,
            sids,
            body,
            since_ms,
        })
    }

    pub fn read_ticket(&self, ticket_id: u64) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::CheckTicket { ticket_id })
    }

    pub fn add_note(&self, key: &str) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::AddNote { key: key.into() })
    }

    pub fn find_note(&self, key: &str, since_ms: u64) -> BackendCall {
        BackendCall::ZendeskSupport(ZendeskCall::FindNote {
            key: key.into(),
            since_ms,
        })
    }

    /// The request a call is; `None` when what it acts on is gone (a note no longer kept).
    pub fn request(
        &self,
        call: &BackendCall,
        around: &CallAround,
        ctx: &Ctx,
    ) -> Option<HttpRequest> {
        let BackendCall::ZendeskSupport(call) = call;
        let zendesk = ctx.backend();
        Some(match call {
            ZendeskCall::CreateTicket { sid, ticket } => {
                let without_locale = around
                    .messages
                    .iter()
                    .any(|m| &m.sid == sid && m.without_locale);
                zendesk.create_ticket(&self.create_key(sid, without_locale), ticket)
            }
            ZendeskCall::FindTicket { sid } => zendesk.find_ticket(sid),
            ZendeskCall::CreateRequester { user, .. } => zendesk.create_requester(user),
            ZendeskCall::AddComment {
                ticket_id,
                body,
                uploads,
                ..
            } => {
                let author = self.open_ticket().and_then(|t| t.requester_id);
                zendesk.add_comment(*ticket_id, body, author, uploads)
            }
            ZendeskCall::FindComment { ticket_id, .. } | ZendeskCall::CheckTicket { ticket_id } => {
                zendesk.list_comments(*ticket_id)
            }
            ZendeskCall::AddNote { key } => {
                let n = around.note(key)?;
                // A satisfaction rating's note adds its tag (`csat::note_tags`).
                zendesk.add_internal_note(n.ticket_id, n.body, crate::core::csat::note_tags(key))
            }
            ZendeskCall::FindNote { key, .. } => zendesk.list_comments(around.note(key)?.ticket_id),
        })
    }

    /// What the answer to `call` means, for the part that asked.
    pub fn read(
        &mut self,
        call: BackendCall,
        exchange: &Exchange,
        around: &CallAround,
        ctx: &Ctx,
    ) -> BackendAnswer {
        let BackendCall::ZendeskSupport(call) = call;
        match call {
            ZendeskCall::CreateTicket { sid, ticket } => {
                let locale_tried = ticket.requester.locale_id.is_some()
                    && !around
                        .messages
                        .iter()
                        .any(|m| m.sid == sid && m.without_locale);
                let made = match self.read_create(exchange, locale_tried, ctx) {
                    TicketMade::LocaleRefused { detail, .. } => TicketMade::LocaleRefused {
                        detail,
                        locale_id: ticket.requester.locale_id,
                    },
                    made => made,
                };
                BackendAnswer::TicketMade {
                    sid,
                    made,
                    subject: ticket.subject,
                    priority: ticket.priority,
                }
            }
            ZendeskCall::CreateRequester { sid, user } => BackendAnswer::RequesterMade {
                made: self
                    .zendesk_mut()
                    .read_requester(exchange, user.phone.is_some(), ctx),
                sid,
            },
            ZendeskCall::FindTicket { sid } => BackendAnswer::TicketFound {
                found: self.read_found_ticket(exchange, ctx),
                sid,
            },
            ZendeskCall::AddComment {
                ticket_id,
                sids,
                body,
                ..
            } => BackendAnswer::Commented {
                added: self.read_comment(ticket_id, exchange, ctx),
                ticket_id,
                sids,
                body,
            },
            ZendeskCall::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            } => BackendAnswer::CommentFound {
                found: self.read_found_comment(exchange, &body, since_ms, ctx),
                ticket_id,
                sids,
            },
            ZendeskCall::CheckTicket { ticket_id } => BackendAnswer::TicketRead {
                read: self.read_comments(ticket_id, exchange, ctx),
                ticket_id,
            },
            ZendeskCall::AddNote { key } => BackendAnswer::Noted {
                noted: self.read_note(exchange, None, ctx),
                key,
            },
            ZendeskCall::FindNote { key, .. } => {
                // Looked for by its text on the ticket's comments.
                let text = around.note(&key).map(|n| n.body.to_string());
                match text {
                    Some(text) => BackendAnswer::Noted {
                        noted: self.read_note(exchange, Some(&text), ctx),
                        key,
                    },
                    // The note is no longer kept: nothing to look for.
                    None => BackendAnswer::Noted {
                        noted: LookedUp::Absent,
                        key,
                    },
                }
            }
        }
    }
}
