//! Satisfaction on WhatsApp across the parts (`CSAT=on`; the rules are `core::csat`'s,
//! docs/satisfaction.md): a solved ticket's status reaches the conversation that owns it, the
//! question goes out as one of the agents' side's replies (so its retries, the 24-hour window
//! and the delivery statuses are handled as an agent's reply's), and the customer's answer is
//! taken by the inbound queue before triage: a tag and an internal note, a thanks, no ticket.

use super::*;
use crate::core::csat::{self, Decision, Taken, CSAT_ANSWER_REASON, CSAT_COMMENT_REASON};
use crate::core::events::CsatRecorded;

impl Conversation {
    /// Zendesk says ticket `ticket_id` (this conversation's) now has `status`, since `at_ms`
    /// by its clock (`None`: the event did not say, as the solved tickets' trigger's body).
    pub(in crate::core::conversation) fn ticket_status(
        &mut self,
        ticket_id: u64,
        status: &str,
        at_ms: Option<u64>,
        spam: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let language = ctx.language(self.inbound.language.as_deref());
        let content = language.csat_content_sid.is_some();
        // Text reaches the customer only within WhatsApp's 24-hour window (an approved
        // template, the quick-reply or the agents' reply template, beyond it).
        let reachable =
            content || self.in_window(ctx.now_ms) || language.agent_reply_content_sid.is_some();
        let enabled = ctx.config.csat;
        // Older than the ticket's latest status change taken (delivered late, or before its
        // reopen): it changes nothing. A late reopen does not withdraw a later solve's
        // question; a solve delivered after its reopen does not ask. Without Zendesk's time,
        // taken as it comes.
        if enabled && !self.inbound.csat.take_status_at(ticket_id, at_ms) {
            events.push(DomainEvent::CsatQuestion {
                ticket_id,
                decision: "stale_status",
            });
            return;
        }
        // Reopened (or put on hold, pending) while its question was still held: the question
        // would arrive on a ticket that is open again. Withdrawn; the next solve asks.
        // A question whose send is in flight may be on the customer's screen already: kept.
        let question = csat::question_id(ticket_id);
        let sending = matches!(
            &self.in_flight,
            Some(InFlight { call: Call::Agents(
                AgentCall::SendAgentReply { comment_id } | AgentCall::FindAgentReply { comment_id, .. }
            ), .. }) if *comment_id == question
        );
        if !csat::is_solved(status)
            && !status.trim().eq_ignore_ascii_case("closed")
            && !sending
            && self.agents.withdraw_question(ticket_id)
        {
            self.inbound.csat.withdraw(ticket_id);
            events.push(DomainEvent::CsatQuestion {
                ticket_id,
                decision: "withdrawn_reopened",
            });
            return;
        }
        if enabled && csat::is_solved(status) && !reachable {
            events.push(DomainEvent::CsatQuestion {
                ticket_id,
                decision: "outside_window",
            });
            return;
        }
        let opted_out = self.inbound.opted_out_ms.is_some();
        // Recorded as asked now, but pending: no message is its answer until the question has
        // gone out (`Conversation::question_sent`).
        let decision = self
            .inbound
            .csat
            .on_status(enabled, ticket_id, status, spam, opted_out, ctx.now_ms);
        if decision != Decision::NotSolved {
            events.push(DomainEvent::CsatQuestion {
                ticket_id,
                decision: decision.name(),
            });
        }
        if decision != Decision::Ask {
            return;
        }
        let texts = csat::texts(&language.code);
        let reply = AgentReply {
            comment_id: csat::question_id(ticket_id),
            ticket_id,
            text: csat::question_text(texts, ticket_id),
            received_ms: ctx.now_ms,
            state: AgentReplyState::Due { template: false },
            sent_sids: vec![],
            tried_template: false,
            attachments: vec![],
            delivery: None,
            error_code: None,
            // Held, so that the agent's last answer goes first (`csat::QUESTION_HOLD_MS`).
            retry: Retry {
                not_before_ms: ctx.now_ms.saturating_add(csat::QUESTION_HOLD_MS),
                ..Retry::default()
            },
        };
        self.agents.take_agent_reply(reply, events);
    }

    /// After an agents'-side answer: a satisfaction question whose first part went out (sent,
    /// found sent, or perhaps sent: an answer Twilio did not give) waits for its answer from
    /// when that call started, the earliest the customer could have seen it.
    pub(in crate::core::conversation) fn question_sent(
        &mut self,
        new_events: &[DomainEvent],
        started_ms: u64,
    ) {
        for e in new_events {
            let comment_id = match e {
                DomainEvent::AgentReplySent {
                    comment_id,
                    part: 1,
                    ..
                }
                | DomainEvent::AgentReplyAmbiguous { comment_id, .. } => comment_id,
                _ => continue,
            };
            if let Some(ticket_id) = csat::question_of(*comment_id) {
                self.inbound.csat.question_sent(ticket_id, started_ms);
            }
        }
    }
}

impl InboundQueue {
    /// Message `i` answers the satisfaction question (or comments on the rating just given):
    /// recorded on the ticket by an internal note (a rating's adds its tag), thanked, no
    /// ticket or comment made. `None`: not about the question (handled as any message).
    pub(in crate::core::conversation) fn csat_message(
        &mut self,
        i: usize,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<(String, u64, String)> {
        let m = &self.messages[i];
        if !self.csat.awaiting(ctx.now_ms) || m.follow_up_of.is_some() {
            return None;
        }
        let payload = match &m.content {
            Content::ButtonReply { payload, .. } => payload.as_deref(),
            _ => None,
        };
        // Files or a place are not an answer: taken as a message (and the question ends).
        let text = if m.content.carries_more_than_text() {
            ""
        } else {
            m.content.text()
        };
        let taken = self.csat.take(payload, text, m.received_ms, ctx.now_ms);
        let sid = m.sid.clone();
        let language = ctx.language(m.language.as_deref().or(self.language.as_deref()));
        let (reason, note, reply) = match taken {
            Taken::No => return None,
            Taken::Rating {
                ticket_id,
                rating,
                comment,
            } => {
                events.push(DomainEvent::CsatRecorded {
                    sid: sid.clone(),
                    ticket_id,
                    what: CsatRecorded::Rating(rating),
                    comment: comment.is_some(),
                });
                let key = csat::rating_note_key(rating, ticket_id, &sid);
                let body = csat::rating_note(rating, comment.as_deref());
                let thanks = csat::texts(&language.code).thanks.to_string();
                (CSAT_ANSWER_REASON, (key, ticket_id, body), Some(thanks))
            }
            Taken::Comment {
                ticket_id,
                rating,
                comment,
            } => {
                events.push(DomainEvent::CsatRecorded {
                    sid: sid.clone(),
                    ticket_id,
                    what: CsatRecorded::Comment,
                    comment: true,
                });
                let key = format!("csat_comment:{ticket_id}:{sid}");
                (
                    CSAT_COMMENT_REASON,
                    (key, ticket_id, csat::comment_note(rating, &comment)),
                    None,
                )
            }
        };
        let m = &mut self.messages[i];
        m.ticket = TicketStep::Rejected {
            reason: reason.into(),
        };
        m.reply = match reply {
            Some(text) => ReplyStep::Due {
                kind: ReplyKind::CsatThanks,
                content: ReplyContent::Text(text),
            },
            None => ReplyStep::NotNeeded,
        };
        Some(note)
    }
}
