//! A v6 conversation with every optional field set and every variant of every enum at least
//! once (the in-flight call: one conversation holds one, so `every_call` lists them all): what
//! v6 gateways wrote (`fixtures/v6_every_field.jsonl`), read by `what_v6_gateways_wrote_*`.
//! Its messages are v6's (each with a text, files and a location, whatever its kind); the
//! rest is the same in v7, so `super::every_field` builds on it.

use super::v5::*;
use crate::core::form::Sender;
use crate::core::metrics::{Delta, DirectoryEntry, DirectoryKey};

pub(super) const T0: u64 = 1_800_000_000_000;

pub(super) fn retry(n: u32) -> Retry {
    Retry {
        attempts: n,
        step_started_ms: Some(T0 + u64::from(n)),
        not_before_ms: T0 + 60_000,
        last_error: Some("create_ticket: http 503".into()),
        verify_first: true,
    }
}

fn message(i: u64, ticket: TicketStep, reply: ReplyStep, content: Content) -> Message {
    Message {
        sid: format!("SM{i:032x}"),
        received_ms: T0 + i,
        body: format!("message {i}"),
        body_chars: 9,
        ticket,
        reply,
        retry: retry(1),
        total_attempts: 3,
        unverified_comment: Some((vec![format!("SM{i:032x}")], format!("message {i}"))),
        follow_up_of: Some(999),
        skip_triage: true,
        duplicates: 1,
        finished_ms: Some(T0 + 100 + i),
        delivery: Some("delivered".into()),
        media: vec![
            MediaItem {
                url: format!(
                    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM{i}/Media/ME1"
                ),
                content_type: "image/jpeg".into(),
                state: MediaState::Pending,
            },
            MediaItem {
                url: "https://api.twilio.com/m/ME2".into(),
                content_type: "text/vcard".into(),
                state: MediaState::Uploaded {
                    token: "tok1".into(),
                    filename: "whatsapp-SM1-2.vcf".into(),
                    uploaded_ms: T0 + 7,
                    description: Some("Contact: Ana, +15550001111".into()),
                },
            },
            MediaItem {
                url: "https://api.twilio.com/m/ME3".into(),
                content_type: "video/mp4".into(),
                state: MediaState::Skipped {
                    reason: "larger than 50 MB".into(),
                },
            },
        ],
        location: Some("Location shared: Shop (52.52, 13.40)".into()),
        content: Some(content),
        language: Some("es".into()),
        without_locale: true,
    }
}

fn due(content: ReplyContent) -> ReplyStep {
    ReplyStep::Due {
        kind: "ticket_created".into(),
        content,
    }
}

pub(super) fn every_field() -> Conversation {
    let text = |s: &str| ReplyContent::Text(s.into());
    let messages = vec![
        message(1, TicketStep::Pending, ReplyStep::Waiting, Content::Text),
        message(
            2,
            TicketStep::Created {
                ticket_id: 1000,
                follow_up_of: Some(999),
            },
            due(ReplyContent::Template {
                content_sid: "HX1".into(),
                variables: vec![("1".into(), "message 2".into())],
            }),
            Content::Media,
        ),
        message(
            3,
            TicketStep::Commented { ticket_id: 1000 },
            due(ReplyContent::Media {
                url: "https://gw.example/media/x".into(),
                caption: "the file".into(),
            }),
            Content::Location,
        ),
        message(
            4,
            TicketStep::Rejected {
                reason: "greeting".into(),
            },
            due(text("Tell us more")),
            Content::Contact,
        ),
        message(
            5,
            TicketStep::Failed {
                reason: "create_ticket: http 422".into(),
            },
            ReplyStep::Failed {
                kind: "apology".into(),
                reason: "twilio 21211".into(),
            },
            Content::ButtonReply {
                payload: Some("yes".into()),
            },
        ),
        message(
            6,
            TicketStep::QueueFull,
            ReplyStep::Sent {
                kind: "queue_full".into(),
                sid: "SM00000000000000000000000000000006".into(),
            },
            Content::Reaction,
        ),
        message(
            7,
            TicketStep::Recovered,
            ReplyStep::NotNeeded,
            Content::Other {
                message_type: "order".into(),
            },
        ),
        message(
            8,
            TicketStep::Commented { ticket_id: 1000 },
            ReplyStep::Unknown {
                kind: "comment_added".into(),
                reason: "send_reply: timed out".into(),
            },
            Content::Text,
        ),
    ];
    let reply = |comment_id: u64, state: AgentReplyState| AgentReply {
        comment_id,
        ticket_id: 1000,
        text: "Please try again".into(),
        received_ms: T0 + 50,
        state,
        sent_sids: vec!["SM00000000000000000000000000000009".into()],
        tried_template: true,
        attachments: vec![Attachment {
            id: 55,
            file_name: "invoice.pdf".into(),
            content_type: "application/pdf".into(),
            content_url: "https://acme.zendesk.com/attachments/token/a/?name=invoice.pdf".into(),
            size: 1234,
        }],
        delivery: Some("read".into()),
        error_code: Some(63016),
        retry: retry(2),
    };
    let mut unsent_metrics = Delta::default();
    unsent_metrics.counters.insert("received".into(), 1);
    unsent_metrics.failures.insert("create_ticket".into(), 1);
    unsent_metrics.languages.insert("es".into(), 1);
    unsent_metrics.ack_ms.push(12);
    unsent_metrics.end_to_end_ms.push(3400);
    unsent_metrics.pending = Some(("conversation-id".into(), 1));
    unsent_metrics.directory = vec![
        DirectoryEntry {
            key: DirectoryKey::Message("SM00000000000000000000000000000001".into()),
            conversation: "c1".into(),
        },
        DirectoryEntry {
            key: DirectoryKey::Masked("+1555***1234".into()),
            conversation: "c1".into(),
        },
        DirectoryEntry {
            key: DirectoryKey::Ticket(1000),
            conversation: "c1".into(),
        },
    ];
    Conversation {
        customer: Sender::Phone("+15550001234".into()),
        open_ticket: Some(OpenTicket {
            id: 1000,
            requester_id: Some(77),
            recent_updates_ms: vec![T0 + 5],
            throttled: true,
        }),
        last_inbound_ms: Some(T0 + 8),
        messages,
        in_flight: Some(every_call().remove(0)),
        tickets: vec![KnownTicket {
            id: 1000,
            requester_id: Some(77),
            requester_change_noted: true,
            not_forwarded_noted: true,
            merged_into: None,
            merged_from: None,
            merged_at_ms: None,
        }],
        checks: vec![1000],
        check_retry: retry(3),
        rechecks: vec![1000],
        agent_replies: vec![
            reply(100_001, AgentReplyState::Due { template: true }),
            reply(100_002, AgentReplyState::Sent { template: false }),
            reply(
                100_003,
                AgentReplyState::Undeliverable {
                    reason: "outside the 24-hour window".into(),
                },
            ),
        ],
        seen_comments: vec![100_001, 100_002, 100_003],
        notes: vec![Note {
            key: "delivery:SM00000000000000000000000000000009".into(),
            ticket_id: 1000,
            body: "WhatsApp delivery of the reply above failed".into(),
            done: true,
            retry: retry(4),
        }],
        public_origin: Some("https://gw.example".into()),
        channel: None,
        receiving: None,
        opted_out_ms: None,
        closed_notice: None,
        user_id: None,
        reply_to: None,
        seen_events: vec![],
        zendesk_budget: None,
        csat: None,
        early_agent_events: vec![EarlyAgentEvent {
            ticket_id: 1001,
            at_ms: T0 + 9,
            made_from: Some("SM00000000000000000000000000000008".into()),
        }],
        unsent_metrics,
        language: Some("es".into()),
        wake: Some(Wake {
            timer: Timer::MessageRetry,
            at_ms: T0 + 60_000,
        }),
        recent_sent: vec!["SM00000000000000000000000000000007".into()],
        archive_oldest_ms: Some(T0 + 7),
        // Added within v7 (v6 gateways never wrote them): set in `every_field`.
        requester_user_id: None,
        requester_phone_refused: false,
    }
}

/// Every call the machine may have in flight.
pub(super) fn every_call() -> Vec<InFlight> {
    let sid = || "SM00000000000000000000000000000001".to_string();
    let sids = || vec![sid()];
    let calls = vec![
        Call::CreateTicket {
            sid: sid(),
            ticket: NewTicket {
                subject: "My parcel arrived broken".into(),
                comment: Comment {
                    body: "My parcel arrived broken".into(),
                    public: true,
                    uploads: vec!["tok1".into()],
                },
                requester: Requester {
                    name: "WhatsApp User (+15550001234)".into(),
                    email: "+15550001234@whatsapp.zendesk.com".into(),
                    locale_id: Some(2),
                },
                tags: vec!["whatsapp".into(), "auto-created".into()],
                priority: Priority::High,
                ticket_type: "incident".into(),
                external_id: Some(sid()),
                via_followup_source_id: Some(999),
                // Added within v7: the last calls below carry it.
                requester_id: None,
                brand_id: None,
                group_id: None,
                ticket_form_id: None,
                custom_fields: vec![],
            },
        },
        Call::FindTicket { sid: sid() },
        Call::AddComment {
            ticket_id: 1000,
            sids: sids(),
            body: "thanks".into(),
            uploads: vec!["tok1".into()],
        },
        Call::FindComment {
            ticket_id: 1000,
            sids: sids(),
            body: "thanks".into(),
            since_ms: T0,
        },
        Call::SendReply { sid: sid() },
        Call::FindReply {
            sid: sid(),
            since_ms: T0,
        },
        Call::CheckTicket { ticket_id: 1000 },
        Call::SendAgentReply {
            comment_id: 100_001,
        },
        Call::FindAgentReply {
            comment_id: 100_001,
            since_ms: T0,
        },
        Call::AddNote {
            key: "delivery:SM1".into(),
        },
        Call::FindNote {
            key: "delivery:SM1".into(),
            since_ms: T0,
        },
        Call::TransferMedia {
            sid: sid(),
            index: 0,
        },
        // Added within v7 (`REQUESTER_IDENTITY=whatsapp`): the customer's user, then a ticket
        // naming it.
        Call::CreateRequester {
            sid: sid(),
            user: RequesterUser {
                name: "WhatsApp User (+15550001234)".into(),
                external_id: "whatsapp:+15550001234".into(),
                phone: Some("+15550001234".into()),
            },
        },
        Call::CreateTicket {
            sid: sid(),
            ticket: NewTicket {
                subject: "My parcel arrived broken".into(),
                comment: Comment {
                    body: "My parcel arrived broken".into(),
                    public: true,
                    uploads: vec![],
                },
                requester: Requester {
                    name: "WhatsApp User (+15550001234)".into(),
                    email: "+15550001234@whatsapp.zendesk.com".into(),
                    locale_id: None,
                },
                tags: vec!["whatsapp".into()],
                priority: Priority::Normal,
                ticket_type: "incident".into(),
                external_id: Some(sid()),
                via_followup_source_id: None,
                requester_id: Some(77),
                brand_id: None,
                group_id: None,
                ticket_form_id: None,
                custom_fields: vec![],
            },
        },
    ];
    calls
        .into_iter()
        .map(|call| InFlight {
            call,
            started_ms: T0 + 10,
        })
        .collect()
}
