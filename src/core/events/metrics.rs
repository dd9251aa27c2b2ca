//! What each domain event adds to the metrics, written in one place: a counter, a failure by
//! step and cause (`ticket.http_422`, `reply.twilio_63016`, `agent_reply.gave_up`), a message's
//! language, its end-to-end time. The keys come from the variants, never from text.

use super::{Cause, CheckFailure, DomainEvent};
use crate::core::metrics::Delta;

/// Which step of a customer's message, or of an agent's reply, failed: the first part of a
/// failure's metrics key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedStep {
    /// The ticket or comment.
    Ticket,
    /// The gateway's reply to the customer.
    Reply,
    /// An agent's reply to the customer.
    AgentReply,
}

impl FailedStep {
    pub fn as_str(self) -> &'static str {
        match self {
            FailedStep::Ticket => "ticket",
            FailedStep::Reply => "reply",
            FailedStep::AgentReply => "agent_reply",
        }
    }
}

/// The metrics key of a failure: its step and its cause, both typed, so the keys are few and
/// plain.
pub fn failure_key(step: FailedStep, cause: &Cause) -> String {
    format!("{}.{}", step.as_str(), cause.key())
}

/// What an event adds.
enum Adds<'a> {
    Nothing,
    Counter(&'static str),
    Counters(&'static [&'static str]),
    /// `received`, and one more message read in this language, on this channel.
    Received(&'a str, &'a str),
    /// `failures`, and one under the failure's key.
    Failure(FailedStep, &'a Cause),
    /// `failures`, and one under this step and key.
    FailureKey(FailedStep, &'static str),
    /// A finished message's end-to-end time.
    EndToEnd(u64),
}

fn adds(event: &DomainEvent) -> Adds<'_> {
    match event {
        DomainEvent::Accepted {
            language, channel, ..
        } => Adds::Received(language, channel),
        DomainEvent::Duplicate { .. } => Adds::Counter("duplicates"),
        DomainEvent::ChannelUnknown { .. } => Adds::Counter("channel_unknown"),
        DomainEvent::OutOfHoursNotice { .. } => Adds::Counter("out_of_hours_notices"),
        DomainEvent::OptedOut { already: false, .. } => Adds::Counter("opt_outs"),
        DomainEvent::OptedIn {
            was_opted_out: true,
            ..
        } => Adds::Counter("opt_ins"),
        DomainEvent::TemplateSuppressed { .. } => Adds::Counter("templates_suppressed_opt_out"),
        DomainEvent::RefusedQueueFull { .. } => Adds::Counter("refused_queue_full"),
        DomainEvent::AskedForDetails { .. } => Adds::Counter("asked_for_details"),
        DomainEvent::FileAttached { .. } => Adds::Counter("files_attached"),
        DomainEvent::FileListed { .. } => Adds::Counter("files_listed"),
        DomainEvent::TicketCreated { .. } => Adds::Counter("tickets_created"),
        DomainEvent::FollowUpTicketCreated { .. } => Adds::Counter("follow_up_tickets_created"),
        DomainEvent::CommentAdded { .. } => Adds::Counter("comments_added"),
        DomainEvent::ReplySent { .. } => Adds::Counter("replies_sent"),
        DomainEvent::Retrying { .. } => Adds::Counter("retries"),
        DomainEvent::AgentReplyReceived { .. } => Adds::Counter("agent_replies_received"),
        DomainEvent::AgentReplySent { .. } => Adds::Counter("agent_replies_sent"),
        DomainEvent::NoteAdded { .. } => Adds::Counter("internal_notes_added"),
        DomainEvent::TicketFailed { cause, .. } => Adds::Failure(FailedStep::Ticket, cause),
        DomainEvent::ReplyFailed { cause, .. } | DomainEvent::ReplyGaveUp { cause, .. } => {
            Adds::Failure(FailedStep::Reply, cause)
        }
        DomainEvent::AgentReplyUndeliverable { cause, .. } => {
            Adds::Failure(FailedStep::AgentReply, cause)
        }
        DomainEvent::CheckFailed {
            outcome: CheckFailure::GaveUp { .. },
            ..
        } => Adds::FailureKey(FailedStep::AgentReply, "gave_up"),
        DomainEvent::CheckFailed { cause, .. } => Adds::Failure(FailedStep::AgentReply, cause),
        DomainEvent::AgentReplyUnmatched { .. } => {
            Adds::FailureKey(FailedStep::AgentReply, "unknown_ticket")
        }
        DomainEvent::Done { ms, .. } => Adds::EndToEnd(*ms),
        DomainEvent::RequesterMade { created: true, .. } => Adds::Counter("requesters_created"),
        DomainEvent::RequesterMade { created: false, .. } => Adds::Counter("requesters_found"),
        DomainEvent::RequesterPhoneRefused { .. } => Adds::Counter("requester_phones_refused"),
        DomainEvent::TypingFailed { .. } => Adds::Counter("typing_indicator_failed"),
        DomainEvent::ZendeskCalled {
            status: Some(429), ..
        } => Adds::Counters(&["zendesk_calls", "zendesk_429s"]),
        DomainEvent::ZendeskCalled { .. } => Adds::Counter("zendesk_calls"),
        DomainEvent::ZendeskBudgetWait { .. } => Adds::Counter("zendesk_budget_waits"),
        DomainEvent::CsatQuestion {
            decision: "ask", ..
        } => Adds::Counter("csat_asked"),
        DomainEvent::CsatQuestion {
            decision: "withdrawn_reopened",
            ..
        } => Adds::Counter("csat_withdrawn"),
        DomainEvent::CsatRecorded {
            what: crate::core::events::CsatRecorded::Rating(crate::core::csat::Rating::Good),
            ..
        } => Adds::Counter("csat_good"),
        DomainEvent::CsatRecorded {
            what: crate::core::events::CsatRecorded::Rating(crate::core::csat::Rating::Bad),
            ..
        } => Adds::Counter("csat_bad"),
        // Told in the log line only: steps on the way (found again, looked for, kept), or
        // failures that end in another counted event (a retry, a failure, a note).
        DomainEvent::MediaRefusedHost { .. }
        | DomainEvent::LocaleRefused { .. }
        | DomainEvent::TicketClosed { .. }
        | DomainEvent::TicketGone { .. }
        | DomainEvent::CommentFound { .. }
        | DomainEvent::ReplyFound { .. }
        | DomainEvent::ReplyAmbiguous { .. }
        | DomainEvent::ReplyUnknown { .. }
        | DomainEvent::CallInterrupted { .. }
        | DomainEvent::AnswerWithoutCall
        | DomainEvent::TimerFired { .. }
        | DomainEvent::Stalled { .. }
        | DomainEvent::NotOwner { .. }
        | DomainEvent::UnknownTicket { .. }
        | DomainEvent::RequesterChanged { .. }
        | DomainEvent::EventDuplicate { .. }
        | DomainEvent::TicketMerged { .. }
        | DomainEvent::CommentMovedToMergeTarget { .. }
        | DomainEvent::CommentNotForwarded { .. }
        | DomainEvent::AgentReplyAmbiguous { .. }
        | DomainEvent::KeptEventDropped { .. }
        | DomainEvent::NoteFailed { .. }
        | DomainEvent::OptedOut { .. }
        | DomainEvent::OptedIn { .. }
        | DomainEvent::CsatQuestion { .. }
        | DomainEvent::CsatRecorded { .. }
        | DomainEvent::DeliveryStatus { .. } => Adds::Nothing,
    }
}

impl Delta {
    /// What the machine's events add to the metrics.
    pub fn from_events(events: &[DomainEvent]) -> Delta {
        let mut d = Delta::default();
        let count = |d: &mut Delta, name: &str| {
            *d.counters.entry(name.to_string()).or_default() += 1;
        };
        for event in events {
            match adds(event) {
                Adds::Nothing => {}
                Adds::Counter(name) => count(&mut d, name),
                Adds::Counters(names) => names.iter().for_each(|name| count(&mut d, name)),
                Adds::Received(language, channel) => {
                    count(&mut d, "received");
                    *d.languages.entry(language.to_string()).or_default() += 1;
                    *d.channels.entry(channel.to_string()).or_default() += 1;
                }
                Adds::Failure(step, cause) => {
                    count(&mut d, "failures");
                    *d.failures.entry(failure_key(step, cause)).or_default() += 1;
                }
                Adds::FailureKey(step, key) => {
                    count(&mut d, "failures");
                    let key = format!("{}.{key}", step.as_str());
                    *d.failures.entry(key).or_default() += 1;
                }
                Adds::EndToEnd(ms) => d.end_to_end_ms.push(ms),
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::delivery::ReplyKind;
    use crate::core::events::{CreatedTicket, RetryOf};
    use crate::core::metrics::SAMPLES_KEPT;
    use crate::core::triage::Priority;
    use std::collections::BTreeMap;

    fn accepted(language: &str) -> DomainEvent {
        DomainEvent::Accepted {
            sid: "SM1".into(),
            body_chars: 5,
            language: language.into(),
            language_detected: true,
            num_media: 0,
            queue: 1,
            channel: "default".into(),
        }
    }

    #[test]
    fn batches_add_up_and_keep_the_newer_gauge() {
        let mut batch = Delta::from_events(&[accepted("en")]);
        batch.ack_ms.push(12);
        batch.pending = Some(("c1".into(), 2));
        let mut later = Delta::from_events(&[
            accepted("es"),
            DomainEvent::Duplicate {
                sid: "SM1".into(),
                duplicates: 1,
                finished: false,
            },
        ]);
        later.ack_ms.push(30);
        later.pending = Some(("c1".into(), 0));
        batch.absorb(later);
        assert_eq!(batch.counters["received"], 2);
        assert_eq!(
            batch.languages,
            BTreeMap::from([("en".to_string(), 1), ("es".to_string(), 1)])
        );
        assert_eq!(batch.counters["duplicates"], 1);
        assert_eq!(batch.ack_ms, vec![12, 30]);
        assert_eq!(batch.pending, Some(("c1".into(), 0)));
        batch.absorb(Delta::default());
        assert_eq!(
            batch.pending,
            Some(("c1".into(), 0)),
            "no gauge keeps the last one"
        );
        let mut many = Delta::default();
        many.absorb(Delta {
            ack_ms: (0..(SAMPLES_KEPT as u64 + 10)).collect(),
            ..Delta::default()
        });
        assert_eq!(many.ack_ms.len(), SAMPLES_KEPT);
        assert_eq!(many.ack_ms[0], 10, "the most recent samples are kept");
    }

    /// Each event and what it adds: the counters and failure keys the report has always
    /// shown, from the variants alone.
    #[test]
    fn events_become_counters_failure_keys_and_samples() {
        let sid = || "SM1".to_string();
        let created = CreatedTicket {
            ticket_id: 7,
            priority: Priority::Normal,
            attempt: 1,
            ms: 5,
            idempotency_lookup: None,
        };
        let gave_up = Cause::GaveUp {
            attempts: 3,
            call: Some("create_ticket"),
            last: Box::new(Cause::Timeout),
        };
        let events = vec![
            accepted("en"),
            DomainEvent::TicketCreated {
                sid: sid(),
                ticket: created.clone(),
            },
            DomainEvent::FollowUpTicketCreated {
                sid: sid(),
                ticket: created,
                follow_up_of: 6,
            },
            DomainEvent::CommentAdded {
                sid: sid(),
                ticket_id: 7,
                merged: 1,
                attempt: 1,
                ms: 3,
            },
            DomainEvent::Retrying {
                call: "create_ticket",
                attempt: 1,
                cause: Cause::http(503),
                retry_in_ms: 1000,
                of: RetryOf::Note,
            },
            DomainEvent::TicketFailed {
                sid: sid(),
                call: "create_ticket",
                cause: Cause::http(401),
            },
            DomainEvent::TicketFailed {
                sid: sid(),
                call: "create_ticket",
                cause: gave_up.clone(),
            },
            DomainEvent::ReplyFailed {
                sid: sid(),
                reply: Some(ReplyKind::TicketCreated),
                cause: Cause::TwilioRefused {
                    status: 400,
                    code: 21211,
                    message: "Invalid 'To' <b>http 999</b>".into(),
                },
                twilio_code: Some(21211),
            },
            DomainEvent::ReplyGaveUp {
                sid: sid(),
                cause: gave_up,
            },
            DomainEvent::AgentReplyUndeliverable {
                ticket_id: 7,
                comment_id: 9,
                cause: Cause::Timeout,
            },
            DomainEvent::NoteAdded {
                ticket_id: 7,
                key: "k".into(),
            },
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
            // Told in the log only.
            DomainEvent::ReplyAmbiguous {
                sid: sid(),
                reply: Some(ReplyKind::TicketCreated),
                cause: Cause::Timeout,
            },
            DomainEvent::NotOwner { ticket_id: 8 },
        ];
        let d = Delta::from_events(&events);
        assert_eq!(
            d.counters,
            BTreeMap::from([
                ("received".to_string(), 1),
                ("tickets_created".to_string(), 1),
                ("follow_up_tickets_created".to_string(), 1),
                ("comments_added".to_string(), 1),
                ("retries".to_string(), 1),
                ("failures".to_string(), 5),
                ("internal_notes_added".to_string(), 1),
            ])
        );
        assert_eq!(
            d.failures,
            BTreeMap::from([
                ("ticket.http_401".to_string(), 1),
                ("ticket.gave_up".to_string(), 1),
                ("reply.twilio_21211".to_string(), 1),
                ("reply.gave_up".to_string(), 1),
                ("agent_reply.timeout".to_string(), 1),
            ])
        );
        assert_eq!(d.languages, BTreeMap::from([("en".to_string(), 1)]));
        assert_eq!(d.end_to_end_ms, vec![340]);
    }

    /// Drives a conversation to failure against APIs whose error texts hold markup and the
    /// words the metrics once cut keys from ("twilio ...", "http ..."): the keys come from the
    /// statuses and Twilio's code only, and the texts stay in the causes (for the log lines).
    #[test]
    fn failure_keys_come_from_the_status_and_twilio_code_never_from_upstream_text() {
        use crate::core::conversation::{Conversation, Ctx, Effect, Event};
        use crate::core::form::{InboundMessage, Sender};
        use crate::core::http::{Exchange, HttpAnswer};
        let config = crate::core::config::for_tests(&[]);
        let ctx = Ctx {
            now_ms: 1_800_000_000_000,
            jitter: 0.0,
            config: &config,
            conversation_id: "abc",
            number: None,
        };
        let zendesk_error = r#"{"error":"RecordInvalid","description":"<b>twilio <script>alert(1)</script></b> see http <img src=x onerror=alert(2)>"}"#;
        let twilio_error =
            r#"{"code":21211,"message":"Invalid 'To' <i>twilio <b>http 999</b></i>","status":400}"#;
        let mut conversation = Conversation::new(Sender::Phone("+15550001234".into()));
        let mut events = conversation
            .step(
                Event::Received {
                    origin: String::new(),
                    received_at_ms: None,
                    archived: None,
                    message: InboundMessage {
                        message_sid: format!("SM{}", "0".repeat(32)),
                        account_sid: None,
                        from: Sender::Phone("+15550001234".into()),
                        body: "My order arrived broken, I need help with a refund".into(),
                        num_media: 0,
                        media: vec![],
                        extra_media: vec![],
                        location: None,
                        kind: Default::default(),
                        addressed: Default::default(),
                        user_id: None,
                    },
                },
                &ctx,
            )
            .events;
        let mut event = Event::Wake;
        for _ in 0..20 {
            let out = conversation.step(event, &ctx);
            events.extend(out.events);
            if let Some(Effect::AskBudget(_)) = out.effect {
                event = Event::BudgetAnswered(None);
                continue;
            }
            let Some(Effect::Call(request)) = out.effect else {
                break;
            };
            let (status, body) = if request.url.contains("zendesk") {
                (422, zendesk_error)
            } else {
                (400, twilio_error)
            };
            event = Event::Answered(Exchange::Answered(HttpAnswer {
                status,
                headers: vec![],
                body: body.into(),
            }));
        }
        let d = Delta::from_events(&events);
        assert_eq!(
            d.failures,
            BTreeMap::from([
                ("ticket.http_422".to_string(), 1),
                ("reply.twilio_21211".to_string(), 1),
            ]),
            "{events:?}"
        );
        let failed = events
            .iter()
            .find_map(|e| match e {
                DomainEvent::TicketFailed { cause, .. } => Some(cause.to_string()),
                _ => None,
            })
            .unwrap();
        assert!(
            failed.contains("<script>"),
            "the human reason is still logged"
        );
    }
}
