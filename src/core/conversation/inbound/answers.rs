//! What each answer to an inbound call means for its message: done, looked for again (the answer
//! was lost), retried, or failed.

use super::*;
use crate::core::conversation::backend::{
    CommentAdded, LookedUp, RequesterMade, Retryable, TicketMade,
};
use crate::core::conversation::reconcile::find_lost_send;
use crate::core::conversation::transfer::{self, Transferred};
use crate::core::events::metrics::{failure_key, FailedStep};

/// What the inbound queue reads of the rest of the conversation when an answer comes (lent by
/// the parent, never kept).
pub(in crate::core::conversation) struct InboundAround<'a> {
    pub customer: &'a Sender,
    /// The WhatsApp SIDs the agents' side recorded as sent (a lost send is not one of them).
    pub agents_sent: &'a [&'a str],
}

impl InboundQueue {
    /// Applies the answer to the queue's own call `call` (started at `started_ms`): its reply
    /// or its file (the back end's calls: `backend_answered`).
    pub(in crate::core::conversation) fn answered(
        &mut self,
        call: InboundCall,
        started_ms: u64,
        exchange: Exchange,
        around: &InboundAround,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let head = call.head().to_string();
        let Some(i) = self.index_of(&head) else {
            return;
        };
        let elapsed = ctx.now_ms.saturating_sub(started_ms);
        let answer = match &exchange {
            Exchange::Answered(a) => Some(a),
            _ => None,
        };
        let body = answer.map(|a| a.body.as_str()).unwrap_or("");
        match call {
            InboundCall::SendReply { sid } => match twilio::send_outcome(&exchange) {
                SendOutcome::Sent(reply_sid) => self.replied(i, reply_sid, events, elapsed, false),
                SendOutcome::NotSent {
                    retry_after_secs,
                    cause,
                } => self.retry_later(i, "send_reply", cause, retry_after_secs, false, ctx, events),
                SendOutcome::Unknown { cause } => {
                    // Looked for in Twilio's list before it is sent again.
                    let kind = self.messages[i].reply_kind();
                    events.push(DomainEvent::ReplyAmbiguous {
                        sid,
                        reply: kind,
                        cause: cause.clone(),
                    });
                    self.retry_later(i, "send_reply", cause, None, true, ctx, events)
                }
                SendOutcome::Refused { cause } => {
                    let code = twilio::parse_error(body);
                    let why = match (&code, cause.status()) {
                        (Some((code, message)), Some(status)) => Cause::TwilioRefused {
                            status,
                            code: *code,
                            message: message.clone(),
                        },
                        _ => cause,
                    };
                    let kind = self.messages[i].reply_kind();
                    events.push(DomainEvent::ReplyFailed {
                        sid,
                        reply: kind,
                        cause: why.clone(),
                        twilio_code: code.map(|(c, _)| c),
                    });
                    let reason = why.to_string();
                    // The ticket's failure, when there was one, is the message's (the apology
                    // failing too is told in the counters).
                    self.messages[i]
                        .facts
                        .failure
                        .get_or_insert_with(|| failure_key(FailedStep::Reply, &why));
                    self.messages[i].end_reply(|kind| ReplyStep::Failed {
                        kind,
                        reason: reason.clone(),
                    });
                    self.messages[i].retry.last_error = Some(reason);
                    self.messages[i].complete_step();
                }
            },
            InboundCall::FindReply { sid, since_ms } => match classify_idempotent(&exchange) {
                Verdict::Success => match twilio::parse_message_list(body) {
                    Ok(list) => {
                        let expected = match &self.messages[i].reply {
                            ReplyStep::Due {
                                content: ReplyContent::Text(t),
                                ..
                            } => Some(t.as_str()),
                            _ => None,
                        };
                        let mut known = self.sent_sids();
                        known.extend_from_slice(around.agents_sent);
                        let to = around.customer.whatsapp_address();
                        match find_lost_send(&list, &to, &known, since_ms, expected) {
                            Some(reply_sid) => {
                                events.push(DomainEvent::ReplyFound {
                                    sid,
                                    reply_sid: reply_sid.clone(),
                                });
                                self.replied(i, reply_sid, events, elapsed, true);
                            }
                            None => self.messages[i].retry.verify_first = false,
                        }
                    }
                    Err(e) => self.retry_later(
                        i,
                        "find_reply",
                        Cause::unreadable(e),
                        None,
                        true,
                        ctx,
                        events,
                    ),
                },
                Verdict::Transient {
                    retry_after_secs,
                    cause,
                } => self.retry_later(i, "find_reply", cause, retry_after_secs, true, ctx, events),
                Verdict::Ambiguous { cause } => {
                    self.retry_later(i, "find_reply", cause, None, true, ctx, events)
                }
                Verdict::Permanent { cause } => {
                    events.push(DomainEvent::ReplyUnknown {
                        sid,
                        cause: cause.clone(),
                    });
                    let reason = cause.to_string();
                    self.messages[i].end_reply(|kind| ReplyStep::Unknown { kind, reason });
                    self.messages[i].complete_step();
                }
            },
            InboundCall::TransferMedia { index, .. } => {
                let sid = self.messages[i].sid.clone();
                // The message may no longer hold that file (read leniently from a newer
                // version's value after a rollback): the answer is dropped, the next poll
                // decides from what the message holds now.
                let Some(file) = self.messages[i].content.files().get(index) else {
                    return;
                };
                let content_type = file.content_type.clone();
                let transferred =
                    transfer::read(&exchange, |body| ctx.backend().parse_upload_token(body));
                match transferred {
                    Transferred::TooLarge { bytes } => {
                        let reason = format!(
                            "{} bytes, over the {} byte limit (MEDIA_MAX_BYTES)",
                            bytes.as_deref().unwrap_or("unknown"),
                            ctx.config.media_max_bytes
                        );
                        self.skip_media(i, index, reason, events);
                    }
                    Transferred::Uploaded { token, description } => {
                        events.push(DomainEvent::FileAttached {
                            sid: sid.clone(),
                            index,
                            content_type: content_type.clone(),
                            ms: elapsed,
                        });
                        let m = &mut self.messages[i];
                        m.content.files_mut()[index].state = MediaState::Uploaded {
                            token,
                            filename: media_filename(&sid, index, &content_type),
                            uploaded_ms: ctx.now_ms,
                            description,
                        };
                        m.retry.attempts = 0;
                        m.retry.not_before_ms = 0;
                    }
                    Transferred::Retry {
                        cause,
                        retry_after_secs,
                    } => self.retry_later(
                        i,
                        "transfer_media",
                        cause,
                        retry_after_secs,
                        false,
                        ctx,
                        events,
                    ),
                    // Twilio: a media URL can answer 404 for a short while after the webhook
                    // arrives (its support article 44750147594523): tried a few times first.
                    Transferred::NotFound(cause)
                        if self.messages[i].retry.attempts < MEDIA_NOT_FOUND_TRIES =>
                    {
                        self.retry_later(i, "transfer_media", cause, None, false, ctx, events)
                    }
                    Transferred::NotFound(cause) | Transferred::Failed(cause) => {
                        self.skip_media(i, index, format!("could not be copied ({cause})"), events);
                    }
                }
            }
        }
    }

    /// A back end's call failed in a way that may pass (`Retryable`): tried again after a
    /// backoff, looked up first when it may have been carried out.
    fn retry_call(
        &mut self,
        i: usize,
        call: &'static str,
        r: Retryable,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        self.retry_later(i, call, r.cause, r.retry_after_secs, r.unknown, ctx, events);
    }
}

impl InboundQueue {
    pub(in crate::core::conversation) fn skip_media(
        &mut self,
        i: usize,
        index: usize,
        reason: String,
        events: &mut Vec<DomainEvent>,
    ) {
        let m = &mut self.messages[i];
        let Some(file) = m.content.files_mut().get_mut(index) else {
            return;
        };
        events.push(DomainEvent::FileListed {
            sid: m.sid.clone(),
            index,
            content_type: file.content_type.clone(),
            reason: reason.clone(),
        });
        file.state = MediaState::Skipped { reason };
        m.retry.attempts = 0;
        m.retry.not_before_ms = 0;
    }
}

impl InboundQueue {
    /// Applies the back end's outcome of a call the queue asked for (started at `started_ms`).
    /// Returns the ticket learned, if any: the parent tells the agents' side.
    pub(in crate::core::conversation) fn backend_answered(
        &mut self,
        answer: BackendAnswer,
        started_ms: u64,
        backend: &mut Backend,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<TicketRef> {
        let head = match &answer {
            BackendAnswer::TicketMade { sid, .. }
            | BackendAnswer::TicketFound { sid, .. }
            | BackendAnswer::RequesterMade { sid, .. } => sid.clone(),
            BackendAnswer::Commented { sids, .. } | BackendAnswer::CommentFound { sids, .. } => {
                sids.first().cloned().unwrap_or_default()
            }
            // Not the queue's (the parent routes these to the agents' side).
            BackendAnswer::TicketRead { .. } | BackendAnswer::Noted { .. } => return None,
        };
        let i = self.index_of(&head)?;
        let mut learned = None;
        let elapsed = ctx.now_ms.saturating_sub(started_ms);
        match answer {
            BackendAnswer::TicketMade {
                made,
                subject,
                priority,
                ..
            } => {
                match made {
                    TicketMade::Made {
                        ticket: t,
                        replayed,
                    } => {
                        self.ticket_created(
                            i,
                            &t,
                            (&subject, priority),
                            backend,
                            ctx,
                            events,
                            elapsed,
                            replayed.as_deref(),
                        );
                        learned = Some(t);
                    }
                    TicketMade::Retry(r) => self.retry_call(i, "create_ticket", r, ctx, events),
                    // Nothing was made: made again once without the locale, rather than lost.
                    TicketMade::LocaleRefused { detail, locale_id } => {
                        events.push(DomainEvent::LocaleRefused {
                            sid: head.clone(),
                            locale_id,
                            detail,
                        });
                        let m = &mut self.messages[i];
                        m.without_locale = true;
                        m.total_attempts += 1;
                    }
                    TicketMade::Failed(cause) => {
                        self.fail_ticket(&[i], "create_ticket", cause, ctx, events)
                    }
                }
            }
            // The user is the back end's to keep: the message's ticket is made next (naming
            // it), by the queue's next poll.
            BackendAnswer::RequesterMade { made, .. } => match made {
                RequesterMade::Made { user_id, created } => {
                    events.push(DomainEvent::RequesterMade {
                        sid: head.clone(),
                        user_id,
                        created,
                    });
                    let m = &mut self.messages[i];
                    m.total_attempts += 1;
                    m.retry.attempts = 0;
                    m.retry.not_before_ms = 0;
                }
                // Made again at once without the number, rather than no ticket.
                RequesterMade::PhoneRefused { detail } => {
                    events.push(DomainEvent::RequesterPhoneRefused {
                        sid: head.clone(),
                        detail,
                    });
                    self.messages[i].total_attempts += 1;
                }
                RequesterMade::Retry(r) => self.retry_call(i, "create_requester", r, ctx, events),
                RequesterMade::Failed(cause) => {
                    self.fail_ticket(&[i], "create_requester", cause, ctx, events)
                }
            },
            BackendAnswer::TicketFound { found, .. } => {
                match found {
                    LookedUp::Found(t) => {
                        // Created by an attempt whose answer was lost: what it sent, again.
                        let (subject, priority) = self.subject_and_priority(i, ctx);
                        self.ticket_created(
                            i,
                            &t,
                            (&subject, priority),
                            backend,
                            ctx,
                            events,
                            elapsed,
                            Some("external_id"),
                        );
                        learned = Some(t);
                    }
                    LookedUp::Absent | LookedUp::TicketGone => {
                        self.messages[i].retry.verify_first = false;
                        self.messages[i].retry.step_started_ms = Some(ctx.now_ms);
                    }
                    LookedUp::Retry(r) => self.retry_call(i, "find_ticket", r, ctx, events),
                    LookedUp::Failed(cause) => {
                        self.fail_ticket(&[i], "find_ticket", cause, ctx, events)
                    }
                }
            }
            BackendAnswer::Commented {
                ticket_id,
                sids,
                body: text,
                added,
            } => match added {
                CommentAdded::Added => {
                    self.commented(ticket_id, &sids, backend, ctx, events, elapsed)
                }
                CommentAdded::Retry(r) => {
                    if r.unknown {
                        self.messages[i].unverified_comment = Some((sids, text));
                    }
                    self.retry_call(i, "add_comment", r, ctx, events);
                }
                CommentAdded::TicketClosed => {
                    events.push(DomainEvent::TicketClosed {
                        sid: sids[0].clone(),
                        ticket_id,
                    });
                    self.messages[i].follow_up_of = Some(ticket_id);
                    // An answered attempt (the message's work has begun: `typing`).
                    self.messages[i].total_attempts += 1;
                    self.messages[i].complete_step();
                }
                // Merged into another ticket meanwhile: routed again, to the merge target.
                CommentAdded::Merged { into } => {
                    events.push(DomainEvent::CommentMovedToMergeTarget {
                        sid: sids[0].clone(),
                        ticket_id,
                        into,
                    });
                    self.messages[i].complete_step();
                }
                CommentAdded::TicketGone => {
                    events.push(DomainEvent::TicketGone {
                        sid: sids[0].clone(),
                        ticket_id,
                    });
                    self.messages[i].skip_triage = true;
                    self.messages[i].total_attempts += 1;
                    self.messages[i].complete_step();
                }
                CommentAdded::Failed(cause) => {
                    let idx: Vec<usize> = sids.iter().filter_map(|s| self.index_of(s)).collect();
                    self.fail_ticket(&idx, "add_comment", cause, ctx, events);
                }
            },
            BackendAnswer::CommentFound {
                ticket_id,
                sids,
                found,
            } => match found {
                LookedUp::Found(()) => {
                    events.push(DomainEvent::CommentFound {
                        sid: sids[0].clone(),
                        ticket_id,
                    });
                    self.commented(ticket_id, &sids, backend, ctx, events, elapsed);
                }
                LookedUp::Absent => {
                    let m = &mut self.messages[i];
                    m.retry.verify_first = false;
                    m.unverified_comment = None;
                }
                LookedUp::Retry(r) => self.retry_call(i, "find_comment", r, ctx, events),
                LookedUp::TicketGone => {
                    self.messages[i].skip_triage = true;
                    self.messages[i].complete_step();
                }
                LookedUp::Failed(cause) => {
                    let idx: Vec<usize> = sids.iter().filter_map(|s| self.index_of(s)).collect();
                    self.fail_ticket(&idx, "find_comment", cause, ctx, events);
                }
            },
            BackendAnswer::TicketRead { .. } | BackendAnswer::Noted { .. } => {}
        }
        learned
    }
}
