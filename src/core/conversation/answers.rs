//! What each answer to an inbound call means for its message: done, looked for again (the answer
//! was lost), retried, or failed.

use super::*;
use crate::core::events::FailureKind;

impl Conversation {
    pub(super) fn answered(&mut self, exchange: Exchange, ctx: &Ctx, logs: &mut Vec<LogLine>) {
        let Some(InFlight { call, started_ms }) = self.in_flight.take() else {
            logs.push(LogLine::warn("call.answer_without_call").field("from", self.masked()));
            return;
        };
        let head = match call.side() {
            Side::Outbound => {
                self.answered_outbound(&call, &exchange, ctx, logs);
                return;
            }
            Side::Inbound(head) => head.to_string(),
        };
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
            Call::CreateTicket { ticket, .. } => match classify_idempotent(&exchange) {
                Verdict::Success => match ctx.backend().parse_created_ticket(body) {
                    Ok(t) => {
                        let hit = answer
                            .and_then(|a| a.header("x-idempotency-lookup"))
                            .map(str::to_string);
                        self.ticket_created(i, t, &ticket, ctx, logs, elapsed, hit.as_deref());
                    }
                    Err(e) => self.retry_later(i, "create_ticket", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => {
                    // 5xx or no answer: the ticket may exist (the retry's Idempotency-Key, or
                    // past its window a look-up by external_id, keeps it single).
                    let unknown = !reason.starts_with("http 4");
                    let why = with_detail(&reason, ctx.backend().error_summary(body));
                    self.retry_later(
                        i,
                        "create_ticket",
                        &why,
                        retry_after_secs,
                        unknown,
                        ctx,
                        logs,
                    );
                }
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "create_ticket", &reason, None, true, ctx, logs)
                }
                // Zendesk refused the ticket while it carried the requester's locale: made again
                // once without it (an account may refuse a locale), rather than lost.
                Verdict::Permanent { .. }
                    if answer.is_some_and(|a| a.status == 422)
                        && ticket.requester.locale_id.is_some()
                        && !self.messages[i].without_locale =>
                {
                    let why = ctx.backend().error_summary(body);
                    logs.push(
                        self.line(LogLine::warn("zendesk.locale_refused"), &head)
                            .field("locale_id", ticket.requester.locale_id)
                            .opt("detail", why),
                    );
                    let m = &mut self.messages[i];
                    m.without_locale = true;
                    m.total_attempts += 1;
                }
                Verdict::Permanent { reason } => {
                    let why = with_detail(&reason, ctx.backend().error_summary(body));
                    let kind = FailureKind::of(&exchange);
                    self.fail_ticket(&[i], "create_ticket", &why, kind, ctx, logs);
                }
            },
            Call::FindTicket { .. } => match classify_idempotent(&exchange) {
                Verdict::Success => match ctx.backend().parse_ticket_list(body) {
                    Ok(list) => match list.into_iter().next() {
                        Some(t) => {
                            // Created by an attempt whose answer was lost: rebuild what it sent.
                            let ticket = self.rebuilt_ticket(i, ctx);
                            self.ticket_created(
                                i,
                                t,
                                &ticket,
                                ctx,
                                logs,
                                elapsed,
                                Some("external_id"),
                            );
                        }
                        None => {
                            self.messages[i].retry.verify_first = false;
                            self.messages[i].retry.step_started_ms = Some(ctx.now_ms);
                        }
                    },
                    Err(e) => self.retry_later(i, "find_ticket", &e, None, true, ctx, logs),
                },
                Verdict::Permanent { reason } => {
                    let kind = FailureKind::of(&exchange);
                    self.fail_ticket(&[i], "find_ticket", &reason, kind, ctx, logs)
                }
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "find_ticket", &reason, retry_after_secs, true, ctx, logs),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_ticket", &reason, None, true, ctx, logs)
                }
            },
            Call::AddComment {
                ticket_id,
                sids,
                body: text,
                ..
            } => match ctx.backend().classify_update(&exchange) {
                Verdict::Success => self.commented(ticket_id, &sids, ctx, logs, elapsed),
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => {
                    if let Some(open) = self.open_ticket.as_mut() {
                        open.throttled = true;
                    }
                    self.retry_later(
                        i,
                        "add_comment",
                        &reason,
                        retry_after_secs,
                        false,
                        ctx,
                        logs,
                    );
                }
                Verdict::Ambiguous { reason } => {
                    self.messages[i].unverified_comment = Some((sids, text));
                    self.retry_later(i, "add_comment", &reason, None, true, ctx, logs);
                }
                Verdict::Permanent { reason } => {
                    let status = answer.map(|a| a.status).unwrap_or(0);
                    if status == 422 && ctx.backend().is_closed_ticket_error(body) {
                        logs.push(
                            self.line(LogLine::info("zendesk.ticket_closed"), &sids[0])
                                .field("ticket_id", ticket_id),
                        );
                        self.open_ticket = None;
                        self.messages[i].follow_up_of = Some(ticket_id);
                        self.messages[i].complete_step();
                    } else if status == 404 {
                        logs.push(
                            self.line(LogLine::warn("zendesk.ticket_gone"), &sids[0])
                                .field("ticket_id", ticket_id),
                        );
                        self.open_ticket = None;
                        self.messages[i].skip_triage = true;
                        self.messages[i].complete_step();
                    } else {
                        let why = with_detail(&reason, ctx.backend().error_summary(body));
                        let idx: Vec<usize> =
                            sids.iter().filter_map(|s| self.index_of(s)).collect();
                        let kind = FailureKind::of(&exchange);
                        self.fail_ticket(&idx, "add_comment", &why, kind, ctx, logs);
                    }
                }
            },
            Call::FindComment {
                ticket_id,
                sids,
                body: text,
                since_ms,
            } => match classify_idempotent(&exchange) {
                Verdict::Success => match ctx.backend().parse_comment_list(body) {
                    Ok(comments) => {
                        let author = self.open_ticket.as_ref().and_then(|t| t.requester_id);
                        let found = comments.iter().any(|c| {
                            c.body.trim() == text.trim()
                                && c.created_ms.is_none_or(|t| t + CLOCK_SKEW_MS >= since_ms)
                                && (author.is_none()
                                    || c.author_id.is_none()
                                    || c.author_id == author)
                        });
                        if found {
                            logs.push(
                                self.line(LogLine::info("zendesk.comment_found"), &sids[0])
                                    .field("ticket_id", ticket_id),
                            );
                            self.commented(ticket_id, &sids, ctx, logs, elapsed);
                        } else {
                            let m = &mut self.messages[i];
                            m.retry.verify_first = false;
                            m.unverified_comment = None;
                        }
                    }
                    Err(e) => self.retry_later(i, "find_comment", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(
                    i,
                    "find_comment",
                    &reason,
                    retry_after_secs,
                    true,
                    ctx,
                    logs,
                ),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_comment", &reason, None, true, ctx, logs)
                }
                Verdict::Permanent { reason } => {
                    if answer.map(|a| a.status) == Some(404) {
                        self.open_ticket = None;
                        self.messages[i].skip_triage = true;
                        self.messages[i].complete_step();
                    } else {
                        let idx: Vec<usize> =
                            sids.iter().filter_map(|s| self.index_of(s)).collect();
                        let kind = FailureKind::of(&exchange);
                        self.fail_ticket(&idx, "find_comment", &reason, kind, ctx, logs);
                    }
                }
            },
            Call::SendReply { sid } => match twilio::send_outcome(&exchange) {
                SendOutcome::Sent(reply_sid) => self.replied(i, reply_sid, logs, elapsed, false),
                SendOutcome::NotSent {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "send_reply", &reason, retry_after_secs, false, ctx, logs),
                SendOutcome::Unknown { reason } => {
                    // Looked for in Twilio's list before it is sent again.
                    let kind = self.messages[i].reply_kind();
                    logs.push(
                        self.line(LogLine::warn("twilio.reply_ambiguous"), &sid)
                            .opt("reply", kind.map(ReplyKind::as_str))
                            .field("reason", reason.as_str()),
                    );
                    self.retry_later(i, "send_reply", &reason, None, true, ctx, logs)
                }
                SendOutcome::Refused { reason } => {
                    let code = twilio::parse_error(body);
                    let why = match &code {
                        Some((c, msg)) => format!("{reason}: twilio {c} {msg}"),
                        None => reason,
                    };
                    let kind = self.messages[i].reply_kind();
                    logs.push(
                        self.line(LogLine::error("twilio.reply_failed"), &sid)
                            .counts(Counted::Failed {
                                step: FailedStep::Reply,
                                kind: FailureKind::of_twilio(&exchange, code.as_ref().map(|c| c.0)),
                            })
                            .opt("reply", kind.map(ReplyKind::as_str))
                            .field("reason", why.as_str())
                            .opt("twilio_code", code.map(|(c, _)| c)),
                    );
                    self.messages[i].end_reply(|kind| ReplyStep::Failed {
                        kind,
                        reason: why.clone(),
                    });
                    self.messages[i].retry.last_error = Some(why);
                    self.messages[i].complete_step();
                }
            },
            Call::FindReply { sid, since_ms } => match classify_idempotent(&exchange) {
                Verdict::Success => match twilio::parse_message_list(body) {
                    Ok(list) => {
                        let expected = match &self.messages[i].reply {
                            ReplyStep::Due {
                                content: ReplyContent::Text(t),
                                ..
                            } => Some(t.as_str()),
                            _ => None,
                        };
                        match self.find_lost_send(&list, since_ms, expected) {
                            Some(reply_sid) => {
                                logs.push(
                                    self.line(LogLine::info("twilio.reply_found"), &sid)
                                        .field("reply_sid", reply_sid.as_str()),
                                );
                                self.replied(i, reply_sid, logs, elapsed, true);
                            }
                            None => self.messages[i].retry.verify_first = false,
                        }
                    }
                    Err(e) => self.retry_later(i, "find_reply", &e, None, true, ctx, logs),
                },
                Verdict::Transient {
                    retry_after_secs,
                    reason,
                } => self.retry_later(i, "find_reply", &reason, retry_after_secs, true, ctx, logs),
                Verdict::Ambiguous { reason } => {
                    self.retry_later(i, "find_reply", &reason, None, true, ctx, logs)
                }
                Verdict::Permanent { reason } => {
                    logs.push(
                        self.line(LogLine::error("twilio.reply_unknown"), &sid)
                            .field("reason", reason.as_str()),
                    );
                    self.messages[i].end_reply(|kind| ReplyStep::Unknown { kind, reason });
                    self.messages[i].complete_step();
                }
            },
            Call::TransferMedia { index, .. } => {
                let status = answer.map(|a| a.status);
                let sid = self.messages[i].sid.clone();
                let content_type = self.messages[i].media[index].content_type.clone();
                match (status, classify_idempotent(&exchange)) {
                    (Some(413), _) => {
                        let size = answer
                            .and_then(|a| a.header("x-media-size"))
                            .unwrap_or("unknown")
                            .to_string();
                        let reason = format!(
                            "{size} bytes, over the {} byte limit (MEDIA_MAX_BYTES)",
                            ctx.config.media_max_bytes
                        );
                        self.skip_media(i, index, reason, logs);
                    }
                    (_, Verdict::Success) => match ctx.backend().parse_upload_token(body) {
                        Ok(token) => {
                            logs.push(
                                self.line(
                                    LogLine::info("media.uploaded").counts(Counted::FileAttached),
                                    &sid,
                                )
                                .field("index", index)
                                .field("content_type", content_type.as_str())
                                .field("ms", elapsed),
                            );
                            // The shell passes a contact card's text along (base64) so that it
                            // can be shown as text, not only as a .vcf file.
                            let description = answer
                                .and_then(|a| a.header("x-media-text"))
                                .and_then(|b| {
                                    base64::Engine::decode(
                                        &base64::engine::general_purpose::STANDARD,
                                        b,
                                    )
                                    .ok()
                                })
                                .and_then(|bytes| String::from_utf8(bytes).ok())
                                .and_then(|text| crate::core::vcard::describe(&text));
                            let m = &mut self.messages[i];
                            m.media[index].state = MediaState::Uploaded {
                                token,
                                filename: media_filename(&sid, index, &content_type),
                                uploaded_ms: ctx.now_ms,
                                description,
                            };
                            m.retry.attempts = 0;
                            m.retry.not_before_ms = 0;
                        }
                        Err(e) => self.retry_later(i, "transfer_media", &e, None, false, ctx, logs),
                    },
                    (
                        _,
                        Verdict::Transient {
                            retry_after_secs,
                            reason,
                        },
                    ) => self.retry_later(
                        i,
                        "transfer_media",
                        &reason,
                        retry_after_secs,
                        false,
                        ctx,
                        logs,
                    ),
                    (_, Verdict::Ambiguous { reason }) => {
                        self.retry_later(i, "transfer_media", &reason, None, false, ctx, logs)
                    }
                    // Twilio: a media URL can answer 404 for a short while after the webhook
                    // arrives (its support article 44750147594523): tried a few times first.
                    (Some(404), Verdict::Permanent { reason })
                        if self.messages[i].retry.attempts < MEDIA_NOT_FOUND_TRIES =>
                    {
                        self.retry_later(i, "transfer_media", &reason, None, false, ctx, logs)
                    }
                    (_, Verdict::Permanent { reason }) => {
                        self.skip_media(i, index, format!("could not be copied ({reason})"), logs);
                    }
                }
            }
            // Answered by `answered_outbound` above.
            Call::CheckTicket { .. }
            | Call::SendAgentReply { .. }
            | Call::FindAgentReply { .. }
            | Call::AddNote { .. }
            | Call::FindNote { .. } => {}
        }
    }

    pub(super) fn skip_media(
        &mut self,
        i: usize,
        index: usize,
        reason: String,
        logs: &mut Vec<LogLine>,
    ) {
        let sid = self.messages[i].sid.clone();
        logs.push(
            self.line(
                LogLine::warn("media.not_attached").counts(Counted::FileListed),
                &sid,
            )
            .field("index", index)
            .field(
                "content_type",
                self.messages[i].media[index].content_type.as_str(),
            )
            .field("reason", reason.as_str()),
        );
        let m = &mut self.messages[i];
        m.media[index].state = MediaState::Skipped { reason };
        m.retry.attempts = 0;
        m.retry.not_before_ms = 0;
    }
}
