//! What Zendesk's event-subscribed webhooks carry to the ticket's conversation
//! (`ticket_owner::Carried`, docs/zendesk-events.md): each event taken once by its id; a comment
//! the event carries whole is taken as a read of the ticket's comments would give it (no call to
//! Zendesk); a merge makes the target the customer's ticket; a status (the event's, or the solved
//! tickets' trigger's body) goes to the satisfaction question. Anything else (a comment the event
//! does not say enough about, the comments trigger's body) is a reason to read the ticket's
//! comments, as before (`ticket_events::agent_activity`).

use super::*;
use crate::core::ticket_owner::Carried;
use crate::core::zendesk::CommentSeen;
use crate::core::zendesk_event::EventComment;

/// What became of a carried event.
pub(in crate::core::conversation) enum Taken {
    /// Acted on: nothing to read.
    Done,
    /// The ticket's comments are to be read (the event does not say enough).
    ReadTheTicket,
}

impl Conversation {
    /// An event for a ticket this conversation owns (`TicketClaim::Owns`).
    pub(in crate::core::conversation) fn take_carried(
        &mut self,
        ticket_id: u64,
        carried: &Carried,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Taken {
        if !self.backend.state_mut().take_event(&carried.event_id) {
            events.push(DomainEvent::EventDuplicate {
                ticket_id,
                event_id: carried.event_id.clone(),
            });
            return Taken::Done;
        }
        if let Some(status) = carried.status.as_deref() {
            // Zendesk's clock says when (without it, as it comes: see `ticket_status`).
            self.ticket_status(ticket_id, status, carried.at_ms, carried.spam, ctx, events);
            return Taken::Done;
        }
        if let Some(into) = carried.merged_into {
            // Zendesk's clock says when; without it, a margin for the clocks' difference.
            let at_ms = carried
                .at_ms
                .unwrap_or(ctx.now_ms.saturating_sub(CLOCK_SKEW_MS));
            self.ticket_merged(ticket_id, into, at_ms, ctx, events);
            return Taken::Done;
        }
        match carried.comment.as_ref().filter(|c| c.complete()) {
            Some(comment) => {
                self.comment_carried(ticket_id, comment, ctx, events);
                Taken::Done
            }
            None => Taken::ReadTheTicket,
        }
    }

    fn comment_carried(
        &mut self,
        ticket_id: u64,
        c: &EventComment,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let seen = CommentSeen {
            id: Some(c.id),
            body: c.body.clone().unwrap_or_default(),
            author_id: c.author_id,
            // `author.is_staff`: an agent or an admin speaks for the company; anyone else
            // (a CC'd end user) is not sent, as when the comments are read.
            author_role: Some(
                if c.author_is_staff == Some(true) {
                    "agent"
                } else {
                    "end-user"
                }
                .to_string(),
            ),
            merge: false,
            public: c.public == Some(true),
            created_ms: None,
            attachments: vec![],
        };
        if let Some(read) = self
            .backend
            .state_mut()
            .take_carried_comment(ticket_id, seen)
        {
            self.agents
                .new_agent_comments(ticket_id, vec![read], &mut self.backend, ctx, events);
        }
    }

    /// Zendesk merged `source` (this customer's ticket) into `into`.
    fn ticket_merged(
        &mut self,
        source: u64,
        into: u64,
        at_ms: u64,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let (open_moved, new_target) = self.backend.state_mut().merged(source, into);
        if let Some(requester_id) = new_target {
            // Where agents' replies on the target find this conversation (its directory entry),
            // and any event kept for it taken (`remember_ticket`: the target is known now). Its
            // requester is the customer's user, so their own comments there are not echoed.
            self.remember_ticket(
                &TicketRef {
                    id: into,
                    requester_id,
                },
                ctx,
            );
            if let Some(target) = self.backend.ticket_mut(into) {
                target.merged_from = Some(source);
                target.merged_at_ms = Some(at_ms);
            }
        }
        events.push(DomainEvent::TicketMerged {
            ticket_id: source,
            into,
            open_moved,
        });
    }
}
