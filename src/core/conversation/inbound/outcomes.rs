//! A message's steps completing: the ticket made (or found), the comment written, the reply
//! sent, the message failed with the customer told, or finished.

use super::*;
use crate::core::events::metrics::{failure_key, FailedStep};

impl InboundQueue {
    /// The subject and priority a create for message `i` sent (for a ticket found by its
    /// external id: the answer to the create was lost).
    pub(in crate::core::conversation) fn subject_and_priority(
        &self,
        i: usize,
        ctx: &Ctx,
    ) -> (String, crate::core::triage::Priority) {
        let m = &self.messages[i];
        let language = ctx.language(m.language.as_deref());
        match language.triage.triage(m.content.text()) {
            Triage::Accepted { subject, priority } => (subject, priority),
            Triage::Rejected(_) => (
                crate::core::triage::subject(m.content.text()),
                crate::core::triage::Priority::Normal,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(in crate::core::conversation) fn ticket_created(
        &mut self,
        i: usize,
        t: &TicketRef,
        (subject, priority): (&str, crate::core::triage::Priority),
        backend: &mut Backend,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
        elapsed: u64,
        lookup: Option<&str>,
    ) {
        let m = &self.messages[i];
        let follow_up_of = m.follow_up_of;
        let created = CreatedTicket {
            ticket_id: t.id,
            priority,
            attempt: m.retry.attempts + 1,
            ms: elapsed,
            idempotency_lookup: lookup.map(str::to_string),
        };
        let sid = m.sid.clone();
        events.push(match follow_up_of {
            Some(follow_up_of) => DomainEvent::FollowUpTicketCreated {
                sid,
                ticket: created,
                follow_up_of,
            },
            None => DomainEvent::TicketCreated {
                sid,
                ticket: created,
            },
        });
        let language = ctx.language(m.language.as_deref());
        let mut content = twilio::ticket_created_reply_with(
            &language.texts,
            t.id,
            subject,
            m.content.text(),
            language.content_sid.as_deref(),
        );
        // Out of hours: the confirmation goes as text with the notice (the customer just
        // wrote: free text is allowed; a template cannot carry it).
        let text = twilio::ReplyTexts::fill(&language.texts.ticket_created, t.id, subject);
        let sid = m.sid.clone();
        if let Some(with_notice) = self.out_of_hours_text(&sid, language, Some(&text), ctx, events)
        {
            content = ReplyContent::Text(with_notice);
        }
        let kind = if matches!(content, ReplyContent::Template { .. }) {
            ReplyKind::TicketCreatedTemplate
        } else {
            ReplyKind::TicketCreated
        };
        // The parent remembers it for the agents' side (`Conversation::remember_ticket`).
        backend.ticket_made(t, ctx.now_ms);
        let m = &mut self.messages[i];
        m.facts.priority = Some(priority);
        m.ticket = TicketStep::Created {
            ticket_id: t.id,
            follow_up_of,
        };
        m.reply = ReplyStep::Due { kind, content };
        m.total_attempts += 1;
        m.complete_step();
    }

    pub(in crate::core::conversation) fn commented(
        &mut self,
        ticket_id: u64,
        sids: &[String],
        backend: &mut Backend,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
        elapsed: u64,
    ) {
        backend.commented(ctx.now_ms);
        let last = sids.len().saturating_sub(1);
        for (n, sid) in sids.iter().enumerate() {
            let Some(i) = self.index_of(sid) else {
                continue;
            };
            events.push(DomainEvent::CommentAdded {
                sid: sid.clone(),
                ticket_id,
                merged: sids.len(),
                attempt: self.messages[i].retry.attempts + 1,
                ms: elapsed,
            });
            self.messages[i].ticket = TicketStep::Commented { ticket_id };
            let language = ctx.language(self.messages[i].language.as_deref());
            let ack = (ctx.config.followup_ack && n == last)
                .then(|| twilio::ReplyTexts::fill(&language.texts.comment_added, ticket_id, ""));
            // The last of the batch carries the out-of-hours text, alone or with the ack.
            let notice = if n == last {
                self.out_of_hours_text(sid, language, ack.as_deref(), ctx, events)
            } else {
                None
            };
            let m = &mut self.messages[i];
            m.reply = match (notice, ack) {
                (Some(text), Some(_)) => ReplyStep::Due {
                    kind: ReplyKind::CommentAdded,
                    content: ReplyContent::Text(text),
                },
                (Some(text), None) => ReplyStep::Due {
                    kind: ReplyKind::OutOfHours,
                    content: ReplyContent::Text(text),
                },
                (None, Some(text)) => ReplyStep::Due {
                    kind: ReplyKind::CommentAdded,
                    content: ReplyContent::Text(text),
                },
                (None, None) => ReplyStep::NotNeeded,
            };
            m.total_attempts += 1;
            m.complete_step();
        }
    }
}

impl InboundQueue {
    pub(in crate::core::conversation) fn finish(
        &mut self,
        i: usize,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let outcome = outcome_name(&self.messages[i]);
        let m = &self.messages[i];
        events.push(DomainEvent::Done {
            sid: m.sid.clone(),
            outcome,
            attempts: m.total_attempts,
            ms: ctx.now_ms.saturating_sub(m.received_ms),
            language: ctx.language(m.language.as_deref()).code.clone(),
            priority: m.facts.priority,
            failure: m.facts.failure.clone(),
            ack_ms: m.facts.ack_ms,
        });
        let m = &mut self.messages[i];
        m.finished_ms = Some(ctx.now_ms);
        // No customer text kept longer than needed, and the history stays small (`limits`).
        m.compact_finished();
    }

    /// The Zendesk step failed for good: the messages are marked failed and the customer gets
    /// the apology once (on the last of them).
    pub(in crate::core::conversation) fn fail_ticket(
        &mut self,
        idx: &[usize],
        call: &'static str,
        cause: Cause,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let last = idx.len().saturating_sub(1);
        let reason = cause.to_string();
        for (n, &i) in idx.iter().enumerate() {
            let sid = self.messages[i].sid.clone();
            events.push(DomainEvent::TicketFailed {
                sid,
                call,
                cause: cause.clone(),
            });
            let m = &mut self.messages[i];
            let language = ctx.language(m.language.as_deref());
            m.facts.failure = Some(failure_key(FailedStep::Ticket, &cause));
            m.ticket = TicketStep::Failed {
                reason: reason.clone(),
            };
            m.retry.last_error = Some(format!("{call}: {reason}"));
            m.reply = if n == last {
                ReplyStep::Due {
                    kind: ReplyKind::Apology,
                    content: ReplyContent::Text(language.texts.apology.clone()),
                }
            } else {
                ReplyStep::NotNeeded
            };
            m.complete_step();
        }
    }

    pub(in crate::core::conversation) fn replied(
        &mut self,
        i: usize,
        reply_sid: String,
        events: &mut Vec<DomainEvent>,
        elapsed: u64,
        reconciled: bool,
    ) {
        let m = &self.messages[i];
        let kind = m.reply_kind();
        events.push(DomainEvent::ReplySent {
            sid: m.sid.clone(),
            reply: kind,
            reply_sid: reply_sid.clone(),
            attempt: m.retry.attempts + 1,
            ms: elapsed,
            reconciled,
        });
        self.remember_sent(&reply_sid);
        let m = &mut self.messages[i];
        m.end_reply(|kind| ReplyStep::Sent {
            kind,
            sid: reply_sid,
        });
        m.total_attempts += 1;
        m.complete_step();
    }

    /// A failure that may pass: try again after a backoff, or give up past the retry window.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn retry_later(
        &mut self,
        i: usize,
        call: &'static str,
        cause: Cause,
        retry_after: Option<u64>,
        unknown_outcome: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let m = &mut self.messages[i];
        m.total_attempts += 1;
        let delay = m.retry.failed(
            &format!("{call}: {cause}"),
            retry_after,
            unknown_outcome,
            ctx,
        );
        let sid = m.sid.clone();
        let attempts = m.retry.attempts;
        let Some(delay) = delay else {
            let why = Cause::GaveUp {
                attempts,
                call: Some(call),
                last: Box::new(cause),
            };
            if !m.ticket_done() {
                self.fail_ticket(&[i], call, why, ctx, events);
            } else {
                let reason = why.to_string();
                let failure = failure_key(FailedStep::Reply, &why);
                events.push(DomainEvent::ReplyGaveUp { sid, cause: why });
                let why = reason;
                let m = &mut self.messages[i];
                m.facts.failure.get_or_insert(failure);
                m.end_reply(|kind| {
                    if unknown_outcome {
                        ReplyStep::Unknown { kind, reason: why }
                    } else {
                        ReplyStep::Failed { kind, reason: why }
                    }
                });
                m.complete_step();
            }
            return;
        };
        events.push(DomainEvent::Retrying {
            call,
            attempt: attempts,
            cause,
            retry_in_ms: delay,
            of: RetryOf::Message {
                sid,
                retry_after_secs: retry_after,
            },
        });
    }
}

impl InboundQueue {
    /// The WhatsApp SIDs of the gateway's replies to the customer's messages (the latest ones
    /// also once their messages are archived).
    pub(in crate::core::conversation) fn sent_sids(&self) -> Vec<&str> {
        self.messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid.as_str()),
                _ => None,
            })
            .chain(self.recent_sent.iter().map(String::as_str))
            .collect()
    }
}

impl InboundQueue {
    /// A delivery status for one of the gateway's replies to the customer's messages: `None`
    /// when it is not one of them, else the note the agents get when it failed (key, ticket,
    /// text).
    #[allow(clippy::type_complexity)]
    pub(in crate::core::conversation) fn delivery_status(
        &mut self,
        sid: &str,
        status: DeliveryStatus,
        error_code: Option<u32>,
        events: &mut Vec<DomainEvent>,
    ) -> Option<Option<(String, u64, String)>> {
        let line = |of| DomainEvent::DeliveryStatus {
            reply_sid: sid.to_string(),
            status,
            error_code,
            of,
        };
        if let Some(m) = self
            .messages
            .iter_mut()
            .find(|m| matches!(&m.reply, ReplyStep::Sent { sid: s, .. } if s == sid))
        {
            if status.rank() <= m.delivery.map_or(0, DeliveryStatus::rank) {
                return Some(None);
            }
            m.delivery = Some(status);
            let ticket = match m.ticket {
                TicketStep::Created { ticket_id, .. } | TicketStep::Commented { ticket_id } => {
                    Some(ticket_id)
                }
                _ => None,
            };
            let kind = m.reply_kind();
            events.push(line(DeliveryOf::Reply {
                sid: m.sid.clone(),
                reply: kind,
            }));
            if let (true, Some(ticket_id), Some(kind)) = (status.is_failure(), ticket, kind) {
                let code = error_code
                    .map(|c| format!("Twilio error {c}: {}", twilio::error_meaning(c)))
                    .unwrap_or_else(|| "no error code".into());
                let body = format!("WhatsApp delivery of the gateway's {} message to the customer failed: {status} ({code}).", kind.words());
                return Some(Some((format!("delivery:{sid}"), ticket_id, body)));
            }
            return Some(None);
        }
        None
    }
}
