//! Each event's log line, exactly: operators' queries and alerts read these names and fields.
use super::*;
use crate::core::delivery::DeliveryStatus;
use crate::core::events::NotForwarded;
use crate::core::triage::{Priority, Rejection};
use serde_json::{json, Value};

const FROM: &str = "+1555***1234";

fn rendered(event: &DomainEvent) -> Value {
    serde_json::from_str(&log_line(event, FROM).finish(&[])).unwrap()
}

/// Every event's line, whole: the names, levels and fields operators search and the
/// end-to-end tests wait on.
#[test]
fn each_event_has_its_line() {
    let sid = || "SM1".to_string();
    let created = CreatedTicket {
        ticket_id: 7,
        priority: Priority::High,
        attempt: 2,
        ms: 30,
        idempotency_lookup: Some("external_id".into()),
    };
    let cases: Vec<(DomainEvent, Value)> = vec![
        (
            DomainEvent::Accepted {
                sid: sid(),
                body_chars: 12,
                language: "es".into(),
                language_detected: true,
                num_media: 1,
                queue: 2,
                channel: "acme-es".into(),
            },
            json!({"level":"info","event":"message.accepted","message_sid":"SM1","from":FROM,
                   "body_chars":12,"language":"es","language_detected":true,"num_media":1,"queue":2,
                   "channel":"acme-es"}),
        ),
        (
            DomainEvent::ChannelUnknown {
                sid: sid(),
                to: "+1415***9999".into(),
            },
            json!({"level":"warn","event":"channel.unknown","message_sid":"SM1","from":FROM,
                   "to":"+1415***9999",
                   "hint":"no channel lists this number: the message went to the default channel (add it to a channel's numbers in CHANNELS)"}),
        ),
        (
            DomainEvent::RefusedQueueFull {
                sid: sid(),
                body_chars: 3,
                language: "en".into(),
                queue: 4,
                queued_bytes: 100,
                message_bytes: 10,
                budget_bytes: 105,
                customer_told: true,
            },
            json!({"level":"warn","event":"message.refused","message_sid":"SM1","from":FROM,
                   "reason":"queue_full","body_chars":3,"language":"en","queue":4,
                   "queued_bytes":100,"message_bytes":10,"budget_bytes":105,"customer_told":true}),
        ),
        (
            DomainEvent::AskedForDetails {
                sid: sid(),
                reason: Rejection::GreetingOnly,
            },
            json!({"level":"info","event":"triage.rejected","message_sid":"SM1","from":FROM,
                   "reason":"greeting_only",
                   "rule":"only greetings, thanks, acknowledgements or emoji, naming no problem"}),
        ),
        (
            DomainEvent::FollowUpTicketCreated {
                sid: sid(),
                ticket: created.clone(),
                follow_up_of: 6,
            },
            json!({"level":"info","event":"zendesk.followup_created","message_sid":"SM1",
                   "from":FROM,"ticket_id":7,"priority":"high","attempt":2,"ms":30,
                   "follow_up_of":6,"idempotency_lookup":"external_id"}),
        ),
        (
            DomainEvent::TicketCreated {
                sid: sid(),
                ticket: CreatedTicket {
                    idempotency_lookup: None,
                    ..created
                },
            },
            json!({"level":"info","event":"zendesk.ticket_created","message_sid":"SM1",
                   "from":FROM,"ticket_id":7,"priority":"high","attempt":2,"ms":30}),
        ),
        (
            DomainEvent::LocaleRefused {
                sid: sid(),
                locale_id: None,
                detail: None,
            },
            json!({"level":"warn","event":"zendesk.locale_refused","message_sid":"SM1",
                   "from":FROM,"locale_id":null}),
        ),
        (
            DomainEvent::ReplyFailed {
                sid: sid(),
                reply: Some(ReplyKind::TicketCreated),
                cause: Cause::TwilioRefused {
                    status: 400,
                    code: 21211,
                    message: "Invalid 'To'".into(),
                },
                twilio_code: Some(21211),
            },
            json!({"level":"error","event":"twilio.reply_failed","message_sid":"SM1",
                   "from":FROM,"reply":"ticket_created",
                   "reason":"http 400: twilio 21211 Invalid 'To'","twilio_code":21211}),
        ),
        (
            DomainEvent::TicketFailed {
                sid: sid(),
                call: "create_ticket",
                cause: Cause::http(422).with_detail(Some("RecordInvalid".into())),
            },
            json!({"level":"error","event":"message.failed","message_sid":"SM1","from":FROM,
                   "step":"create_ticket","reason":"http 422 (RecordInvalid)"}),
        ),
        (
            DomainEvent::ReplyGaveUp {
                sid: sid(),
                cause: Cause::GaveUp {
                    attempts: 9,
                    call: Some("send_reply"),
                    last: Box::new(Cause::http(429)),
                },
            },
            json!({"level":"error","event":"message.failed","message_sid":"SM1","from":FROM,
                   "step":"reply","reason":"gave up after 9 attempts: send_reply: http 429"}),
        ),
        (
            DomainEvent::Done {
                sid: sid(),
                outcome: "ticket_created",
                attempts: 2,
                ms: 340,
                language: "en".into(),
                priority: None,
                failure: None,
                ack_ms: None,
            },
            json!({"level":"info","event":"message.done","message_sid":"SM1","from":FROM,
                   "outcome":"ticket_created","attempts":2,"ms":340}),
        ),
        (
            DomainEvent::Retrying {
                call: "create_ticket",
                attempt: 1,
                cause: Cause::http(429),
                retry_in_ms: 30_500,
                of: RetryOf::Message {
                    sid: sid(),
                    retry_after_secs: Some(30),
                },
            },
            json!({"level":"warn","event":"call.retry","message_sid":"SM1","from":FROM,
                   "call":"create_ticket","attempt":1,"reason":"http 429",
                   "retry_in_ms":30_500,"retry_after_secs":30}),
        ),
        (
            DomainEvent::Retrying {
                call: "check_ticket",
                attempt: 2,
                cause: Cause::Timeout,
                retry_in_ms: 1000,
                of: RetryOf::TicketCheck { ticket_id: 7 },
            },
            json!({"level":"warn","event":"call.retry","call":"check_ticket","attempt":2,
                   "reason":"timeout","retry_in_ms":1000,"ticket_id":7}),
        ),
        (
            DomainEvent::UnknownTicket { ticket_id: 7 },
            json!({"level":"warn","event":"agent.unknown_ticket","ticket_id":7,"from":FROM,
                   "kept_until_known":true}),
        ),
        (
            DomainEvent::CommentNotForwarded {
                ticket_id: 7,
                comment_id: 9,
                reason: NotForwarded::UnknownAuthor,
                author_role: None,
            },
            json!({"level":"warn","event":"agent.comment_not_forwarded","ticket_id":7,
                   "comment_id":9,"reason":"author_unknown","author_role":"unknown"}),
        ),
        (
            DomainEvent::AgentReplySent {
                ticket_id: 7,
                comment_id: 9,
                reply_sid: "SMx".into(),
                template: false,
                part: 1,
                parts: 2,
                reconciled: false,
            },
            json!({"level":"info","event":"agent.reply_sent","ticket_id":7,"comment_id":9,
                   "to":FROM,"reply_sid":"SMx","template":false,"part":1,"parts":2,
                   "reconciled":false}),
        ),
        (
            DomainEvent::AgentReplyUndeliverable {
                ticket_id: 7,
                comment_id: 9,
                cause: Cause::OutsideWindow,
            },
            json!({"level":"error","event":"agent.reply_undeliverable","ticket_id":7,
                   "comment_id":9,"from":FROM,"reason":Cause::OutsideWindow.to_string()}),
        ),
        (
            DomainEvent::CheckFailed {
                ticket_id: 7,
                cause: Cause::http(503),
                outcome: CheckFailure::GaveUp { attempts: 12 },
            },
            json!({"level":"error","event":"agent.check_failed","ticket_id":7,"from":FROM,
                   "cause":"HTTP 503","reason":"gave_up","attempts":12}),
        ),
        (
            DomainEvent::AgentReplyUnmatched {
                ticket_id: 7,
                reason: "expired",
            },
            json!({"level":"error","event":"agent.reply_unmatched","ticket_id":7,
                   "from":FROM,"reason":"expired"}),
        ),
        (
            DomainEvent::DeliveryStatus {
                reply_sid: "SMx".into(),
                status: DeliveryStatus::Failed,
                error_code: Some(63016),
                of: DeliveryOf::Reply {
                    sid: sid(),
                    reply: Some(ReplyKind::TicketCreated),
                },
            },
            json!({"level":"info","event":"delivery.status","reply_sid":"SMx",
                   "status":"failed","from":FROM,"error_code":63016,"message_sid":"SM1",
                   "reply":"ticket_created"}),
        ),
        (
            DomainEvent::DeliveryStatus {
                reply_sid: "SMx".into(),
                status: DeliveryStatus::Read,
                error_code: None,
                of: DeliveryOf::Unknown,
            },
            json!({"level":"info","event":"delivery.unknown_reply","reply_sid":"SMx",
                   "status":"read","from":FROM}),
        ),
        (
            DomainEvent::TimerFired {
                timer: "message_retry",
                late_ms: 12,
            },
            json!({"level":"info","event":"conversation.timer_fired","timer":"message_retry",
                   "late_ms":12,"from":FROM}),
        ),
        (
            DomainEvent::Stalled { passes: 8 },
            json!({"level":"error","event":"conversation.stalled","from":FROM,"passes":8}),
        ),
        (
            DomainEvent::AnswerWithoutCall,
            json!({"level":"warn","event":"call.answer_without_call","from":FROM}),
        ),
    ];
    for (event, line) in cases {
        assert_eq!(rendered(&event), line, "{event:?}");
    }
}
