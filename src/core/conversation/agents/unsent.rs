//! No agent's reply ends silently. Two paths could lose one without a word, and each now ends in
//! an internal note on the ticket (through the same durable path as every note: retried, and
//! looked for before it is written again when its answer was lost):
//! - a Zendesk event kept for a ticket this conversation does not know yet (`EarlyAgentEvent`:
//!   an agent answered before Zendesk's answer to the ticket's create reached the gateway),
//!   confirmed as this conversation's by the message the ticket was made from, that cannot be
//!   kept any longer: it expired, was pushed out by newer ones, or the message ended without
//!   the gateway learning the ticket;
//! - a read of a ticket's comments that failed for good (`Call::CheckTicket`: a permanent error,
//!   or transient ones past the retry window).
//!
//! The one exception is a ticket Zendesk says does not exist (404 on the read): no one can read
//! a note on it (Zendesk answers 404 to the note as well), so the loss is logged at error level
//! and counted as a failure.

use super::*;
use crate::core::events::log::read_failure;
use crate::core::events::CheckFailure;

/// Why an event kept for an unknown ticket was given up: said in the agents' words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::core::conversation) enum Unmatched {
    /// Kept `EARLY_AGENT_EVENT_MS` and the ticket never became known.
    Expired,
    /// Pushed out by newer events (`EARLY_AGENT_EVENTS_MAX` unknown tickets at once).
    Crowded,
    /// The message the ticket was made from ended without the gateway learning the ticket.
    MakerEnded,
}

impl Unmatched {
    /// The log's `reason`.
    fn code(self) -> &'static str {
        match self {
            Unmatched::Expired => "expired",
            Unmatched::Crowded => "too_many_unknown_tickets",
            Unmatched::MakerEnded => "maker_ended",
        }
    }

    fn explained(self) -> String {
        match self {
            Unmatched::Expired => format!(
                "the gateway did not learn within {} minutes that this ticket is the one it made for this WhatsApp customer",
                EARLY_AGENT_EVENT_MS / 60_000
            ),
            Unmatched::Crowded => format!(
                "more than {EARLY_AGENT_EVENTS_MAX} tickets the gateway did not know yet were updated for this customer at once"
            ),
            Unmatched::MakerEnded => {
                "the gateway finished the customer's message this ticket was made from without learning this ticket".into()
            }
        }
    }
}

impl AgentSide {
    /// When to wake after keeping an event: now if a note is due (keeping it gave another
    /// up), else when the first kept event expires.
    pub(in crate::core::conversation) fn kept_wake(&self, ctx: &Ctx) -> u64 {
        let now = ctx.now_ms;
        let note_due = self
            .notes
            .iter()
            .any(|n| !n.done && n.retry.not_before_ms <= now);
        let expiry = self.early_agent_events.iter().map(|e| e.at_ms).min();
        match expiry {
            Some(at) if !note_due => at + EARLY_AGENT_EVENT_MS,
            _ => now,
        }
    }

    /// A read of `ticket_id`'s comments failed for good: the agents learn that its latest
    /// replies may not have been sent, and why. `gave_up`: transient failures past the retry
    /// window (else Zendesk refused the read).
    pub(in crate::core::conversation) fn check_failed(
        &mut self,
        ticket_id: u64,
        cause: Cause,
        gave_up: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        self.checks.retain(|t| *t != ticket_id);
        self.rechecks.retain(|t| *t != ticket_id);
        let started = self.check_retry.step_started_ms.unwrap_or(ctx.now_ms);
        let attempts = self.check_retry.attempts;
        self.check_retry.reset();
        let explained = read_failure(&cause);
        let status = cause.status();
        if status == Some(404) {
            // The ticket is gone (deleted): no one can read a note on it, and Zendesk would
            // answer the note 404 too. The error line and its metric are all there can be.
            events.push(DomainEvent::CheckFailed {
                ticket_id,
                cause,
                outcome: CheckFailure::TicketGone,
            });
            return;
        }
        let why = if gave_up {
            events.push(DomainEvent::CheckFailed {
                ticket_id,
                cause,
                outcome: CheckFailure::GaveUp { attempts },
            });
            format!(
                "the gateway could not read this ticket's comments for {} hours (last: {explained})",
                ctx.config.retry_window_ms.div_ceil(3_600_000),
            )
        } else {
            events.push(DomainEvent::CheckFailed {
                ticket_id,
                cause,
                outcome: CheckFailure::Refused,
            });
            let access = match status {
                Some(401 | 403) => ": check the gateway's Zendesk API user and token",
                _ => "",
            };
            format!(
                "Zendesk refused to list this ticket's comments to the gateway ({explained}){access}"
            )
        };
        let body = format!(
            "WhatsApp: the latest public replies on this ticket may NOT have been sent to the customer: {why}. They are sent with the next public reply here once the gateway can read the ticket; otherwise, please reach the customer another way."
        );
        self.queue_note(format!("unread:{ticket_id}:{started}"), ticket_id, body);
    }

    /// The agents learn that the reply an event announced was not sent, and why.
    pub(in crate::core::conversation) fn unmatched(
        &mut self,
        e: &EarlyAgentEvent,
        why: Unmatched,
        events: &mut Vec<DomainEvent>,
    ) {
        events.push(DomainEvent::AgentReplyUnmatched {
            ticket_id: e.ticket_id,
            reason: why.code(),
        });
        let body = format!(
            "WhatsApp: the latest public reply on this ticket was NOT sent to the customer: {}. Please reach the customer another way (if the gateway learns this ticket later, the reply goes out with the next public reply here).",
            why.explained()
        );
        self.queue_note(
            format!("unmatched:{}:{}", e.ticket_id, e.at_ms),
            e.ticket_id,
            body,
        );
    }

    pub(in crate::core::conversation) fn drop_guess(
        &self,
        e: &EarlyAgentEvent,
        reason: &'static str,
        events: &mut Vec<DomainEvent>,
    ) {
        events.push(DomainEvent::KeptEventDropped {
            ticket_id: e.ticket_id,
            reason,
        });
    }
}
