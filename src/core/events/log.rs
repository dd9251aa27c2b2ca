//! The log line of each domain event: its name, level and fields, written in one place. The
//! names and fields are what operators search for and the end-to-end tests wait on
//! (`waitForLogLine`): they do not change when the code around them does.

use super::{Cause, CheckFailure, CreatedTicket, CsatRecorded, DeliveryOf, DomainEvent, RetryOf};
use crate::core::delivery::ReplyKind;
use crate::core::logline::LogLine;

/// The log line of `event`; `from` is the conversation's customer, masked as logs show it
/// (`+1555***0001`).
/// Whether an event has a line of its own: a Zendesk call only when refused (the metrics count
/// the others).
pub fn logged(event: &DomainEvent) -> bool {
    !matches!(
        event,
        DomainEvent::ZendeskCalled { status, .. } if *status != Some(429)
    )
}

pub fn log_line(event: &DomainEvent, from: &str) -> LogLine {
    // A customer message's line: its MessageSid and the customer.
    let message = |line: LogLine, sid: &str| line.field("message_sid", sid).field("from", from);
    match event {
        DomainEvent::Accepted {
            sid,
            body_chars,
            language,
            language_detected,
            num_media,
            queue,
            channel,
        } => message(LogLine::info("message.accepted"), sid)
            .field("body_chars", *body_chars)
            .field("language", language.as_str())
            .field("language_detected", *language_detected)
            .field("num_media", *num_media)
            .field("queue", *queue)
            .field("channel", channel.as_str()),
        DomainEvent::OutOfHoursNotice {
            sid,
            language,
            reopens,
        } => message(LogLine::info("message.out_of_hours_notice"), sid)
            .field("language", language.as_str())
            .field("reopens_local_minute", *reopens),
        DomainEvent::OptedOut {
            sid,
            language,
            already,
        } => message(LogLine::info("customer.opt_out"), sid)
            .field("language", language.as_str())
            .field("already", *already),
        DomainEvent::OptedIn {
            sid,
            language,
            was_opted_out,
        } => message(LogLine::info("customer.opt_in"), sid)
            .field("language", language.as_str())
            .field("was_opted_out", *was_opted_out),
        DomainEvent::CsatQuestion {
            ticket_id,
            decision,
        } => LogLine::info("csat.question")
            .field("ticket_id", *ticket_id)
            .field("from", from)
            .field("decision", *decision),
        DomainEvent::CsatRecorded {
            sid,
            ticket_id,
            what,
            comment,
        } => message(LogLine::info("csat.recorded"), sid)
            .field("ticket_id", *ticket_id)
            .field(
                "what",
                match what {
                    CsatRecorded::Rating(r) => r.tag(),
                    CsatRecorded::Comment => "comment",
                },
            )
            .field("with_comment", *comment),
        DomainEvent::TemplateSuppressed {
            ticket_id,
            comment_id,
        } => LogLine::info("agent.template_suppressed")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("from", from)
            .field("reason", "the customer opted out"),
        DomainEvent::ChannelUnknown { sid, to } => {
            message(LogLine::warn("channel.unknown"), sid)
                .field("to", to.as_str())
                .field(
                    "hint",
                    "no channel lists this number: the message went to the default channel (add it to a channel's numbers in CHANNELS)",
                )
        }
        DomainEvent::Duplicate {
            sid,
            duplicates,
            finished,
        } => message(LogLine::info("message.duplicate"), sid)
            .field("duplicates", *duplicates)
            .field("finished", *finished),
        DomainEvent::RefusedQueueFull {
            sid,
            body_chars,
            language,
            queue,
            queued_bytes,
            message_bytes,
            budget_bytes,
            customer_told,
        } => message(LogLine::warn("message.refused"), sid)
            .field("reason", "queue_full")
            .field("body_chars", *body_chars)
            .field("language", language.as_str())
            .field("queue", *queue)
            .field("queued_bytes", *queued_bytes)
            .field("message_bytes", *message_bytes)
            .field("budget_bytes", *budget_bytes)
            .field("customer_told", *customer_told),
        DomainEvent::AskedForDetails { sid, reason } => {
            // The rule in words, never the customer's (docs/triage.md).
            message(LogLine::info("triage.rejected"), sid)
                .field("reason", reason.as_str())
                .field("rule", reason.explain())
        }
        DomainEvent::MediaRefusedHost { sid, index, host } => {
            message(LogLine::warn("media.refused_host"), sid)
                .field("index", *index)
                .field("host", host.as_str())
        }
        DomainEvent::FileAttached {
            sid,
            index,
            content_type,
            ms,
        } => message(LogLine::info("media.uploaded"), sid)
            .field("index", *index)
            .field("content_type", content_type.as_str())
            .field("ms", *ms),
        DomainEvent::FileListed {
            sid,
            index,
            content_type,
            reason,
        } => message(LogLine::warn("media.not_attached"), sid)
            .field("index", *index)
            .field("content_type", content_type.as_str())
            .field("reason", reason.as_str()),
        DomainEvent::TicketCreated { sid, ticket } => created(
            message(LogLine::info("zendesk.ticket_created"), sid),
            ticket,
        ),
        DomainEvent::FollowUpTicketCreated {
            sid,
            ticket,
            follow_up_of,
        } => created(
            message(LogLine::info("zendesk.followup_created"), sid),
            ticket,
        )
        .field("follow_up_of", *follow_up_of),
        DomainEvent::RequesterMade {
            sid,
            user_id,
            created,
        } => message(LogLine::info("zendesk.requester_made"), sid)
            .field("user_id", *user_id)
            .field("created", *created),
        // The number is the conversation's, masked (`from`): never in clear.
        DomainEvent::RequesterPhoneRefused { sid, detail } => {
            message(LogLine::warn("zendesk.requester_phone_refused"), sid)
                .opt("detail", detail.as_deref())
        }
        DomainEvent::TypingFailed { sid, cause } => {
            message(LogLine::warn("twilio.typing_indicator_failed"), sid)
                .field("reason", cause.to_string())
        }
        DomainEvent::LocaleRefused {
            sid,
            locale_id,
            detail,
        } => message(LogLine::warn("zendesk.locale_refused"), sid)
            .field("locale_id", *locale_id)
            .opt("detail", detail.as_deref()),
        DomainEvent::TicketClosed { sid, ticket_id } => {
            message(LogLine::info("zendesk.ticket_closed"), sid).field("ticket_id", *ticket_id)
        }
        DomainEvent::TicketGone { sid, ticket_id } => {
            message(LogLine::warn("zendesk.ticket_gone"), sid).field("ticket_id", *ticket_id)
        }
        DomainEvent::CommentMovedToMergeTarget {
            sid,
            ticket_id,
            into,
        } => message(LogLine::info("zendesk.comment_moved_to_merge_target"), sid)
            .field("ticket_id", *ticket_id)
            .field("into", *into),
        DomainEvent::CommentFound { sid, ticket_id } => {
            message(LogLine::info("zendesk.comment_found"), sid).field("ticket_id", *ticket_id)
        }
        DomainEvent::CommentAdded {
            sid,
            ticket_id,
            merged,
            attempt,
            ms,
        } => message(LogLine::info("zendesk.comment_added"), sid)
            .field("ticket_id", *ticket_id)
            .field("merged", *merged)
            .field("attempt", *attempt)
            .field("ms", *ms),
        DomainEvent::ReplySent {
            sid,
            reply,
            reply_sid,
            attempt,
            ms,
            reconciled,
        } => message(LogLine::info("twilio.reply_sent"), sid)
            .opt("reply", reply.map(ReplyKind::as_str))
            .field("reply_sid", reply_sid.as_str())
            .field("attempt", *attempt)
            .field("ms", *ms)
            .field("reconciled", *reconciled),
        DomainEvent::ReplyFound { sid, reply_sid } => {
            message(LogLine::info("twilio.reply_found"), sid).field("reply_sid", reply_sid.as_str())
        }
        DomainEvent::ReplyAmbiguous { sid, reply, cause } => {
            message(LogLine::warn("twilio.reply_ambiguous"), sid)
                .opt("reply", reply.map(ReplyKind::as_str))
                .field("reason", cause.to_string())
        }
        DomainEvent::ReplyFailed {
            sid,
            reply,
            cause,
            twilio_code,
        } => message(LogLine::error("twilio.reply_failed"), sid)
            .opt("reply", reply.map(ReplyKind::as_str))
            .field("reason", cause.to_string())
            .opt("twilio_code", *twilio_code),
        DomainEvent::ReplyUnknown { sid, cause } => {
            message(LogLine::error("twilio.reply_unknown"), sid).field("reason", cause.to_string())
        }
        DomainEvent::TicketFailed { sid, call, cause } => {
            message(LogLine::error("message.failed"), sid)
                .field("step", *call)
                .field("reason", cause.to_string())
        }
        DomainEvent::ReplyGaveUp { sid, cause } => message(LogLine::error("message.failed"), sid)
            .field("step", "reply")
            .field("reason", cause.to_string()),
        DomainEvent::Done {
            sid,
            outcome,
            attempts,
            ms,
            ..
        } => message(LogLine::info("message.done"), sid)
            .field("outcome", *outcome)
            .field("attempts", *attempts)
            .field("ms", *ms),
        DomainEvent::Retrying {
            call,
            attempt,
            cause,
            retry_in_ms,
            of,
        } => {
            let line = LogLine::warn("call.retry")
                .field("call", *call)
                .field("attempt", *attempt)
                .field("reason", cause.to_string())
                .field("retry_in_ms", *retry_in_ms);
            match of {
                RetryOf::Message {
                    sid,
                    retry_after_secs,
                } => message(line, sid).opt("retry_after_secs", *retry_after_secs),
                RetryOf::AgentReply { comment_id } => line.field("comment_id", *comment_id),
                RetryOf::Note => line,
                RetryOf::TicketCheck { ticket_id } => line.field("ticket_id", *ticket_id),
            }
        }
        DomainEvent::CallInterrupted { sid, call } => {
            message(LogLine::warn("call.interrupted"), sid).field("call", *call)
        }
        DomainEvent::AnswerWithoutCall => {
            LogLine::warn("call.answer_without_call").field("from", from)
        }
        DomainEvent::TimerFired { timer, late_ms } => LogLine::info("conversation.timer_fired")
            .field("timer", *timer)
            .field("late_ms", *late_ms)
            .field("from", from),
        DomainEvent::ZendeskCalled {
            call,
            status,
            retry_after_s,
        } => LogLine::warn("zendesk.rate_limited")
            .field("call", *call)
            .opt("status", *status)
            .opt("retry_after_s", *retry_after_s)
            .field("from", from),
        DomainEvent::ZendeskBudgetWait { wait_ms } => LogLine::info("budget.wait")
            .field("wait_ms", *wait_ms)
            .field("from", from),
        DomainEvent::Stalled { passes } => LogLine::error("conversation.stalled")
            .field("from", from)
            .field("passes", *passes),
        DomainEvent::NotOwner { ticket_id } => LogLine::info("agent.not_owner")
            .field("ticket_id", *ticket_id)
            .field("from", from),
        DomainEvent::UnknownTicket { ticket_id } => LogLine::warn("agent.unknown_ticket")
            .field("ticket_id", *ticket_id)
            .field("from", from)
            .field("kept_until_known", true),
        DomainEvent::RequesterChanged { ticket_id } => LogLine::info("agent.requester_changed")
            .field("ticket_id", *ticket_id)
            .field("from", from),
        DomainEvent::EventDuplicate {
            ticket_id,
            event_id,
        } => LogLine::info("zendesk.event_duplicate")
            .field("ticket_id", *ticket_id)
            .field("event_id", event_id.as_str())
            .field("from", from),
        DomainEvent::TicketMerged {
            ticket_id,
            into,
            open_moved,
        } => LogLine::info("ticket.merged")
            .field("ticket_id", *ticket_id)
            .field("into", *into)
            .field("open_ticket_moved", *open_moved)
            .field("from", from),
        DomainEvent::AgentReplyReceived {
            ticket_id,
            comment_id,
            body_chars,
        } => LogLine::info("agent.reply_received")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("from", from)
            .field("body_chars", *body_chars),
        DomainEvent::CommentNotForwarded {
            ticket_id,
            comment_id,
            reason,
            author_role,
        } => LogLine::warn("agent.comment_not_forwarded")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("reason", reason.code())
            .field("author_role", author_role.as_deref().unwrap_or("unknown")),
        DomainEvent::AgentReplyAmbiguous {
            ticket_id,
            comment_id,
            cause,
        } => LogLine::warn("agent.reply_ambiguous")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("to", from)
            .field("reason", cause.to_string()),
        DomainEvent::AgentReplySent {
            ticket_id,
            comment_id,
            reply_sid,
            template,
            part,
            parts,
            reconciled,
        } => LogLine::info("agent.reply_sent")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("to", from)
            .field("reply_sid", reply_sid.as_str())
            .field("template", *template)
            .field("part", *part)
            .field("parts", *parts)
            .field("reconciled", *reconciled),
        DomainEvent::AgentReplyUndeliverable {
            ticket_id,
            comment_id,
            cause,
        } => LogLine::error("agent.reply_undeliverable")
            .field("ticket_id", *ticket_id)
            .field("comment_id", *comment_id)
            .field("from", from)
            .field("reason", cause.to_string()),
        DomainEvent::CheckFailed {
            ticket_id,
            cause,
            outcome,
        } => {
            let line = LogLine::error("agent.check_failed")
                .field("ticket_id", *ticket_id)
                .field("from", from)
                .field("cause", read_failure(cause));
            match outcome {
                CheckFailure::TicketGone => line.field("reason", "ticket_gone"),
                CheckFailure::GaveUp { attempts } => {
                    line.field("reason", "gave_up").field("attempts", *attempts)
                }
                CheckFailure::Refused => line.field("reason", "refused"),
            }
        }
        DomainEvent::KeptEventDropped { ticket_id, reason } => {
            LogLine::info("agent.kept_event_dropped")
                .field("ticket_id", *ticket_id)
                .field("from", from)
                .field("reason", *reason)
        }
        DomainEvent::AgentReplyUnmatched { ticket_id, reason } => {
            LogLine::error("agent.reply_unmatched")
                .field("ticket_id", *ticket_id)
                .field("from", from)
                .field("reason", *reason)
        }
        DomainEvent::NoteAdded { ticket_id, key } => LogLine::info("agent.note_added")
            .field("ticket_id", *ticket_id)
            .field("key", key.as_str()),
        DomainEvent::NoteFailed { ticket_id, cause } => LogLine::error("agent.note_failed")
            .field("ticket_id", *ticket_id)
            .field("reason", cause.to_string()),
        DomainEvent::DeliveryStatus {
            reply_sid,
            status,
            error_code,
            of,
        } => {
            let line = |event: &str| {
                LogLine::info(event)
                    .field("reply_sid", reply_sid.as_str())
                    .field("status", status.as_str())
                    .field("from", from)
                    .opt("error_code", *error_code)
            };
            match of {
                DeliveryOf::AgentReply {
                    ticket_id,
                    comment_id,
                } => line("delivery.status")
                    .field("comment_id", *comment_id)
                    .field("ticket_id", *ticket_id),
                DeliveryOf::Reply { sid, reply } => line("delivery.status")
                    .field("message_sid", sid.as_str())
                    .opt("reply", reply.map(ReplyKind::as_str)),
                DeliveryOf::Unknown => line("delivery.unknown_reply"),
            }
        }
    }
}

/// A failed read of a ticket's comments, in the agents' words (the note says the same).
pub fn read_failure(cause: &Cause) -> String {
    match cause {
        Cause::Http { status, .. } => format!("HTTP {status}"),
        Cause::Timeout => "no answer in time".into(),
        Cause::Network => "a network error".into(),
        Cause::Unreadable { .. } => "an answer that was not a list of comments".into(),
        other => other.to_string(),
    }
}

/// The fields a ticket's creation logs, a follow-up's too.
fn created(line: LogLine, t: &CreatedTicket) -> LogLine {
    line.field("ticket_id", t.ticket_id)
        .field("priority", t.priority.as_str())
        .field("attempt", t.attempt)
        .field("ms", t.ms)
        .opt("idempotency_lookup", t.idempotency_lookup.as_deref())
}

#[cfg(test)]
mod tests;
