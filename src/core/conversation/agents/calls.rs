//! The agents' side's calls: the requests for reading a ticket's comments, sending an agent's
//! reply (text, file or template) and writing an internal note, and what their answers mean.

use super::*;
use crate::core::conversation::backend::{CommentsRead, LookedUp, ReadComment, Retryable};
use crate::core::conversation::reconcile::find_lost_send;
use crate::core::events::NotForwarded;

impl AgentSide {
    pub(in crate::core::conversation) fn agent_part_sent(
        &mut self,
        i: usize,
        sid: String,
        reconciled: bool,
        events: &mut Vec<DomainEvent>,
    ) {
        let r = &mut self.agent_replies[i];
        let template = matches!(r.state, AgentReplyState::Due { template: true });
        r.sent_sids.push(sid.clone());
        r.retry.reset();
        let parts = if template { 1 } else { parts_of(r).len() };
        events.push(DomainEvent::AgentReplySent {
            ticket_id: r.ticket_id,
            comment_id: r.comment_id,
            reply_sid: sid,
            template,
            part: r.sent_sids.len(),
            parts,
            reconciled,
        });
        if template {
            r.tried_template = true;
        }
        let settled = template || r.sent_sids.len() >= parts;
        if settled {
            r.state = AgentReplyState::Sent { template };
            r.delivery = None;
        }
        // A template carries text only: the agents learn which files did not go.
        if template && !r.attachments.is_empty() {
            let files: Vec<&str> = r.attachments.iter().map(|a| a.file_name.as_str()).collect();
            let (ticket_id, comment_id) = (r.ticket_id, r.comment_id);
            let body = format!(
                "WhatsApp: the reply above (comment {comment_id}) went out as the approved template, which cannot carry files; not delivered: {}. They can be sent once the customer writes again.",
                files.join(", ")
            );
            self.queue_note(format!("files:{comment_id}"), ticket_id, body);
        }
        // Sent: only the template fallback's text is kept, and not for long (`limits`).
        if settled {
            self.compact_settled_replies();
        }
    }

    pub(in crate::core::conversation) fn retry_outbound(
        &mut self,
        i: usize,
        cause: Cause,
        retry_after: Option<u64>,
        unknown: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let r = &mut self.agent_replies[i];
        let Some(delay) = r
            .retry
            .failed(&cause.to_string(), retry_after, unknown, ctx)
        else {
            let why = Cause::GaveUp {
                attempts: r.retry.attempts,
                call: None,
                last: Box::new(cause),
            };
            self.undeliverable(i, why, events);
            return;
        };
        events.push(DomainEvent::Retrying {
            call: "send_agent_reply",
            attempt: r.retry.attempts,
            cause,
            retry_in_ms: delay,
            of: RetryOf::AgentReply {
                comment_id: r.comment_id,
            },
        });
    }

    pub(in crate::core::conversation) fn retry_note(
        &mut self,
        i: usize,
        cause: Cause,
        retry_after: Option<u64>,
        unknown: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let n = &mut self.notes[i];
        let Some(delay) = n
            .retry
            .failed(&cause.to_string(), retry_after, unknown, ctx)
        else {
            n.done = true;
            events.push(DomainEvent::NoteFailed {
                ticket_id: n.ticket_id,
                cause,
            });
            return;
        };
        events.push(DomainEvent::Retrying {
            call: "add_note",
            attempt: n.retry.attempts,
            cause,
            retry_in_ms: delay,
            of: RetryOf::Note,
        });
    }

    pub(in crate::core::conversation) fn note_written(
        &mut self,
        i: usize,
        events: &mut Vec<DomainEvent>,
    ) {
        let n = &mut self.notes[i];
        n.done = true;
        n.retry.reset();
        events.push(DomainEvent::NoteAdded {
            ticket_id: n.ticket_id,
            key: n.key.clone(),
        });
    }

    /// Zendesk will not call again for these comments: the check is kept and retried, and
    /// past the retry window given up with a note (`unsent`).
    pub(in crate::core::conversation) fn retry_check(
        &mut self,
        ticket_id: u64,
        cause: Cause,
        retry_after: Option<u64>,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let Some(delay) = self
            .check_retry
            .failed(&cause.to_string(), retry_after, false, ctx)
        else {
            self.check_failed(ticket_id, cause, true, ctx, events);
            return;
        };
        events.push(DomainEvent::Retrying {
            call: "check_ticket",
            attempt: self.check_retry.attempts,
            cause,
            retry_in_ms: delay,
            of: RetryOf::TicketCheck { ticket_id },
        });
    }

    /// Zendesk refused the note for good: the agents cannot be told (logged at error level).
    pub(in crate::core::conversation) fn note_failed(
        &mut self,
        i: usize,
        cause: Cause,
        events: &mut Vec<DomainEvent>,
    ) {
        let n = &mut self.notes[i];
        n.done = true;
        events.push(DomainEvent::NoteFailed {
            ticket_id: n.ticket_id,
            cause,
        });
    }
}

/// The next WhatsApp message of a reply: its text parts, then its files.
pub(in crate::core::conversation) fn part_to_send(r: &AgentReply) -> Part {
    parts_of(r)
        .into_iter()
        .nth(r.sent_sids.len())
        .unwrap_or(Part::Text(String::new()))
}

impl AgentSide {
    /// The WhatsApp SIDs of the agents' replies sent (every part).
    pub(in crate::core::conversation) fn sent_sids(&self) -> Vec<&str> {
        self.agent_replies
            .iter()
            .flat_map(|r| r.sent_sids.iter().map(String::as_str))
            .collect()
    }
}

impl AgentSide {
    /// Applies the answer to an agents'-side call (`Call::Agents`).
    pub(in crate::core::conversation) fn answered(
        &mut self,
        call: &AgentCall,
        exchange: &Exchange,
        around: &AgentsAnswerAround,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let answer = match exchange {
            Exchange::Answered(a) => Some(a),
            _ => None,
        };
        let body = answer.map(|a| a.body.as_str()).unwrap_or("");
        match call {
            AgentCall::SendAgentReply { comment_id } => {
                let Some(i) = self
                    .agent_replies
                    .iter()
                    .position(|r| r.comment_id == *comment_id)
                else {
                    return;
                };
                match twilio::send_outcome(exchange) {
                    SendOutcome::Sent(sid) => self.agent_part_sent(i, sid, false, events),
                    SendOutcome::NotSent {
                        retry_after_secs,
                        cause,
                    } => self.retry_outbound(i, cause, retry_after_secs, false, ctx, events),
                    SendOutcome::Unknown { cause } => {
                        // Looked for in Twilio's list before it is sent again.
                        let r = &self.agent_replies[i];
                        events.push(DomainEvent::AgentReplyAmbiguous {
                            ticket_id: r.ticket_id,
                            comment_id: r.comment_id,
                            cause: cause.clone(),
                        });
                        self.retry_outbound(i, cause, None, true, ctx, events)
                    }
                    SendOutcome::Refused { cause } => {
                        let code = twilio::parse_error(body).map(|(c, _)| c);
                        let template = ctx
                            .language(around.language)
                            .agent_reply_content_sid
                            .as_deref();
                        if !self.agent_replies[i].fall_back_to_template(code, template) {
                            let why = match code {
                                Some(code) => Cause::TwilioError {
                                    code,
                                    meaning: twilio::error_meaning(code),
                                },
                                None => cause,
                            };
                            self.undeliverable(i, why, events);
                        }
                    }
                }
            }
            AgentCall::FindAgentReply {
                comment_id,
                since_ms,
            } => {
                let Some(i) = self
                    .agent_replies
                    .iter()
                    .position(|r| r.comment_id == *comment_id)
                else {
                    return;
                };
                match classify_idempotent(exchange) {
                    Verdict::Success => {
                        let expected = match self.agent_replies[i].state {
                            AgentReplyState::Due { template: false } => {
                                match part_to_send(&self.agent_replies[i]) {
                                    Part::Text(t) => Some(t),
                                    Part::File(_) => None,
                                }
                            }
                            _ => None,
                        };
                        // A list that cannot be read is not a reply found absent: looked at again.
                        let mut known = self.sent_sids();
                        known.extend_from_slice(around.inbound_sent);
                        let to = around.customer.whatsapp_address();
                        let found = twilio::parse_message_list(body).map(|list| {
                            find_lost_send(&list, &to, &known, *since_ms, expected.as_deref())
                        });
                        match found {
                            Ok(Some(sid)) => self.agent_part_sent(i, sid, true, events),
                            Ok(None) => self.agent_replies[i].retry.verify_first = false,
                            Err(e) => self.retry_outbound(
                                i,
                                Cause::unreadable(e),
                                None,
                                true,
                                ctx,
                                events,
                            ),
                        }
                    }
                    Verdict::Transient {
                        retry_after_secs,
                        cause,
                    } => self.retry_outbound(i, cause, retry_after_secs, true, ctx, events),
                    Verdict::Ambiguous { cause } | Verdict::Permanent { cause } => {
                        self.retry_outbound(i, cause, None, true, ctx, events)
                    }
                }
            }
        }
    }

    /// Queues the ticket's new public comments written by agents, in order. The requester's
    /// own comments (the customer's messages the gateway wrote) are passed over silently; every
    /// other one not written by an agent or an admin, and Zendesk's merge notices, is logged
    /// and not sent, and the agents are told once per ticket by an internal note.
    pub(in crate::core::conversation) fn new_agent_comments(
        &mut self,
        ticket_id: u64,
        comments: Vec<ReadComment>,
        backend: &mut Backend,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let mut not_forwarded: Vec<(u64, NotForwarded)> = vec![];
        for ReadComment {
            id,
            comment: c,
            not_forwarded: why,
        } in comments
        {
            if let Some(why) = why {
                events.push(DomainEvent::CommentNotForwarded {
                    ticket_id,
                    comment_id: id,
                    reason: why,
                    author_role: c.author_role.clone(),
                });
                not_forwarded.push((id, why));
                continue;
            }
            events.push(DomainEvent::AgentReplyReceived {
                ticket_id,
                comment_id: id,
                body_chars: c.body.chars().count(),
            });
            let reply = AgentReply {
                comment_id: id,
                ticket_id,
                text: c.body,
                received_ms: ctx.now_ms,
                state: AgentReplyState::Due { template: false },
                sent_sids: vec![],
                tried_template: false,
                attachments: c.attachments,
                delivery: None,
                error_code: None,
                retry: Retry::default(),
            };
            self.take_agent_reply(reply, events);
        }
        // Once per ticket for good: the flag outlives the note itself (written notes are pruned).
        let noted_before = !not_forwarded.is_empty()
            && backend
                .ticket_mut(ticket_id)
                .is_some_and(|t| std::mem::replace(&mut t.not_forwarded_noted, true));
        if !not_forwarded.is_empty() && !noted_before {
            let which: Vec<String> = not_forwarded
                .iter()
                .map(|(id, why)| format!("comment {id} ({})", why.explained()))
                .collect();
            let body = format!(
                "WhatsApp: not sent to the customer: {}. Only agents' public replies on this ticket are sent to the customer's WhatsApp; later comments like these are not sent either, without another note.",
                which.join("; ")
            );
            self.queue_note(format!("not-forwarded:{ticket_id}"), ticket_id, body);
        }
    }
}

impl AgentSide {
    /// Applies the back end's outcome of a call the agents' side asked for (a ticket's
    /// comments read, a note written or looked for).
    pub(in crate::core::conversation) fn backend_answered(
        &mut self,
        answer: BackendAnswer,
        backend: &mut Backend,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        match answer {
            BackendAnswer::TicketRead { ticket_id, read } => {
                let ticket_id = &ticket_id;
                match read {
                    CommentsRead::Read(read) => {
                        self.new_agent_comments(*ticket_id, read, backend, ctx, events)
                    }
                    // Not readable, ever: the agents are told (or, the ticket gone, the loss is
                    // logged); a later event reads the ticket again.
                    CommentsRead::Refused(cause) => {
                        self.check_failed(*ticket_id, cause, false, ctx, events);
                        return;
                    }
                    // Zendesk will not call again for these comments: read them again.
                    CommentsRead::Retry(Retryable {
                        cause,
                        retry_after_secs,
                        ..
                    }) => {
                        self.retry_check(*ticket_id, cause, retry_after_secs, ctx, events);
                        return;
                    }
                }
                self.checks.retain(|t| t != ticket_id);
                if let Some(pos) = self.rechecks.iter().position(|t| t == ticket_id) {
                    self.rechecks.remove(pos);
                    self.checks.push(*ticket_id);
                }
                self.check_retry.reset();
            }
            BackendAnswer::Noted { key, noted } => {
                let Some(i) = self.notes.iter().position(|n| n.key == key) else {
                    return;
                };
                match noted {
                    LookedUp::Found(()) => {
                        backend.noted(self.notes[i].ticket_id, ctx.now_ms);
                        self.note_written(i, events)
                    }
                    LookedUp::Absent => self.notes[i].retry.verify_first = false,
                    LookedUp::Retry(r) => {
                        self.retry_note(i, r.cause, r.retry_after_secs, r.unknown, ctx, events)
                    }
                    LookedUp::TicketGone => {
                        let cause = Cause::Http {
                            status: 404,
                            detail: None,
                        };
                        self.note_failed(i, cause, events)
                    }
                    LookedUp::Failed(cause) => self.note_failed(i, cause, events),
                }
            }
            // Not the agents' side's (the parent routes these to the inbound queue).
            BackendAnswer::TicketMade { .. }
            | BackendAnswer::TicketFound { .. }
            | BackendAnswer::RequesterMade { .. }
            | BackendAnswer::Commented { .. }
            | BackendAnswer::CommentFound { .. } => {}
        }
    }
}
