//! A v7 conversation with every optional field set and every variant of every enum at least
//! once, for `the_stored_shape_is_pinned`: v6's (`every_field_v6`: nothing else changed) with
//! each message rebuilt as v7's, one content kind each, every field of it set. Built with struct
//! literals: a field added to a stored type does not compile here until it is given a value,
//! and then the pinned text changes.

use super::every_field_v6::{self, T0};
use super::v5;
use super::v7::*;

/// v6's calls, the ticket create with what v7 added to it: the channel's placement.
pub(super) fn every_call() -> Vec<InFlight> {
    let mut calls = every_field_v6::every_call();
    for call in &mut calls {
        if let Call::CreateTicket { ticket, .. } = &mut call.call {
            ticket.brand_id = Some(360001);
            ticket.group_id = Some(360002);
            ticket.ticket_form_id = Some(360003);
            ticket.custom_fields = vec![CustomField {
                id: 360005,
                value: "+34910000000".into(),
            }];
        }
    }
    calls
}

fn files(i: u64) -> Vec<MediaItem> {
    vec![
        MediaItem {
            url: format!("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM{i}/Media/ME1"),
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
    ]
}

/// Message `i`'s content: each kind once (the eighth is text again).
fn content(i: u64) -> Content {
    let text = format!("message {i}");
    match i {
        2 => Content::Media {
            caption: text,
            files: files(i),
        },
        3 => Content::Location {
            place: Some(Place {
                latitude: "52.52".into(),
                longitude: "-13.405".into(),
                address: Some("Unter den Linden 1, Berlin".into()),
                label: Some("Shop".into()),
            }),
            text,
        },
        4 => Content::Contact {
            cards: files(i),
            text,
        },
        5 => Content::ButtonReply {
            text,
            payload: Some("yes".into()),
        },
        6 => Content::Reaction {
            emoji: "👍".into()
        },
        7 => Content::Other {
            message_type: "order".into(),
            text,
            files: files(i),
            payload: Some("order-7".into()),
        },
        _ => Content::Text { text },
    }
}

fn message(m: v5::Message) -> Message {
    let i = m.received_ms - T0;
    Message {
        sid: m.sid,
        received_ms: m.received_ms,
        body_chars: m.body_chars,
        ticket: m.ticket,
        reply: m.reply,
        retry: m.retry,
        total_attempts: m.total_attempts,
        unverified_comment: m.unverified_comment,
        follow_up_of: m.follow_up_of,
        skip_triage: m.skip_triage,
        duplicates: m.duplicates,
        finished_ms: m.finished_ms,
        delivery: m.delivery,
        content: content(i),
        language: m.language,
        without_locale: m.without_locale,
        // Added within v7: what the finished event reports.
        facts: Facts {
            ack_ms: Some(40 + i),
            priority: Some(Priority::High),
            failure: Some("ticket.http_422".into()),
        },
    }
}

pub(super) fn every_field() -> Conversation {
    let mut c = every_field_v6::every_field().map_messages(message);
    // Added within v7: the conversation's channel and the number its customer wrote to.
    c.channel = Some("acme-es".into());
    c.receiving = Some("+34910000000".into());
    // Added within v7: the customer opted out, and the closed period announced.
    c.opted_out_ms = Some(1_800_000_000_000);
    c.closed_notice = Some(28_375_740);
    c.user_id = Some("US.13491208655302741918".into());
    c.reply_to = Some(crate::core::form::Sender::ScopedId(
        "US.13491208655302741918".into(),
    ));
    c.in_flight = Some(every_call().remove(0));
    c.unsent_metrics.channels.insert("acme-es".into(), 1);
    // Added within v7 (optional): the customer's Zendesk user.
    c.requester_user_id = Some(77);
    c.requester_phone_refused = true;
    // Added within v7: Zendesk's events taken, and a merge followed (ticket 1000 merged into
    // 1001, the customer's ticket from then on).
    c.seen_events = vec!["2b24ef10-19d4-4740-93cf-8f98ec4776c0".into()];
    // Added within v7: a slot of the account's Zendesk budget, and a 429 to report.
    c.zendesk_budget = Some(crate::core::api_budget::SlotHolder {
        slot: Some(crate::core::api_budget::Slot {
            epoch: 1_800_000_000_000,
            general: 41,
            update: Some(7),
            at_ms: 1_800_000_000_500,
        }),
        granted: true,
        seen: Some(crate::core::api_budget::RateSeen {
            at_ms: 1_800_000_000_100,
            limit: Some(400),
            remaining: Some(0),
            refused: true,
            retry_after_s: Some(7),
        }),
        known_limit: Some(400),
    });
    // Added within v7: a satisfaction question answered (good, a comment awaited), one
    // unanswered, and one held.
    c.csat = Some(crate::core::csat::Csat {
        asked: vec![
            crate::core::csat::Asked {
                ticket_id: 998,
                at_ms: 1_800_000_000_012,
                pending: false,
                open: false,
                comment_until_ms: Some(1_800_000_300_000),
                rating: Some(crate::core::csat::Rating::Good),
            },
            crate::core::csat::Asked {
                ticket_id: 1001,
                at_ms: 1_800_000_000_013,
                pending: false,
                open: false,
                comment_until_ms: None,
                rating: None,
            },
            // Added within v7 (optional, absent when false): a question held, not sent yet.
            crate::core::csat::Asked {
                ticket_id: 1002,
                at_ms: 1_800_000_000_014,
                pending: true,
                open: true,
                comment_until_ms: None,
                rating: None,
            },
        ],
        // Added within v7 (optional, absent when empty): when a ticket's latest status change
        // taken happened, by Zendesk's clock.
        statuses: vec![crate::core::csat::StatusSeen {
            ticket_id: 1002,
            at_ms: 1_800_000_000_010,
        }],
    });
    c.tickets[0].merged_into = Some(1001);
    c.tickets.push(KnownTicket {
        id: 1001,
        requester_id: Some(77),
        requester_change_noted: true,
        not_forwarded_noted: true,
        merged_into: None,
        merged_from: Some(1000),
        merged_at_ms: Some(T0 + 11),
    });
    c
}
