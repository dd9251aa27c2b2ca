//! The stored types to the machine's (every load).

use super::*;

/// A reply kind as stored; one this version does not know (a newer one's) is kept as such.
fn reply_kind(stored: &str) -> ReplyKind {
    ReplyKind::parse(stored).unwrap_or(ReplyKind::Unrecognised)
}

/// A delivery status as stored; one this version does not know ranks below every other.
fn delivery_status(stored: &str) -> DeliveryStatus {
    DeliveryStatus::parse(stored).unwrap_or(DeliveryStatus::Unrecognised)
}

impl From<v7::Conversation> for Conversation {
    fn from(c: v7::Conversation) -> Self {
        Conversation {
            customer: c.customer,
            inbound: InboundQueue {
                last_inbound_ms: c.last_inbound_ms,
                messages: c.messages.into_iter().map(Into::into).collect(),
                language: c.language,
                recent_sent: c.recent_sent,
                archive_oldest_ms: c.archive_oldest_ms,
                opted_out_ms: c.opted_out_ms,
                closed_notice: c.closed_notice,
                csat: c.csat.unwrap_or_default(),
            },
            in_flight: c.in_flight.map(|f| InFlight {
                call: f.call.into(),
                started_ms: f.started_ms,
            }),
            backend: Backend::ZendeskSupport(ZendeskSupportState {
                open_ticket: c.open_ticket.map(Into::into),
                tickets: c.tickets.into_iter().map(Into::into).collect(),
                seen_comments: c.seen_comments,
                requester_user_id: c.requester_user_id,
                requester_phone_refused: c.requester_phone_refused,
                seen_events: c.seen_events,
            }),
            agents: AgentSide {
                checks: c.checks,
                check_retry: c.check_retry.into(),
                rechecks: c.rechecks,
                agent_replies: c.agent_replies.into_iter().map(Into::into).collect(),
                notes: c
                    .notes
                    .into_iter()
                    .map(|n| Note {
                        key: n.key,
                        ticket_id: n.ticket_id,
                        body: n.body,
                        done: n.done,
                        retry: n.retry.into(),
                    })
                    .collect(),
                early_agent_events: c
                    .early_agent_events
                    .into_iter()
                    .map(|e| EarlyAgentEvent {
                        ticket_id: e.ticket_id,
                        at_ms: e.at_ms,
                        made_from: e.made_from,
                    })
                    .collect(),
            },
            public_origin: c.public_origin,
            channel: c.channel,
            receiving: c.receiving,
            user_id: c.user_id,
            reply_to: c.reply_to,
            zendesk_budget: c.zendesk_budget.unwrap_or_default(),
            unsent_metrics: c.unsent_metrics,
            wake: c.wake.map(|w| Wake {
                timer: match w.timer {
                    v7::Timer::CallInFlight => Timer::CallInFlight,
                    v7::Timer::MessageRetry => Timer::MessageRetry,
                    v7::Timer::TicketUpdateBudget => Timer::TicketUpdateBudget,
                    v7::Timer::TicketCheckRetry => Timer::TicketCheckRetry,
                    v7::Timer::AgentReplyRetry => Timer::AgentReplyRetry,
                    v7::Timer::NoteRetry => Timer::NoteRetry,
                    v7::Timer::Unbuildable => Timer::Unbuildable,
                    v7::Timer::KeptEventExpiry => Timer::KeptEventExpiry,
                    v7::Timer::Stalled => Timer::Stalled,
                    v7::Timer::ArchivePrune => Timer::ArchivePrune,
                    v7::Timer::ZendeskBudget => Timer::ZendeskBudget,
                },
                at_ms: w.at_ms,
            }),
        }
    }
}

impl From<v7::OpenTicket> for OpenTicket {
    fn from(t: v7::OpenTicket) -> Self {
        OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: t.recent_updates_ms,
            throttled: t.throttled,
        }
    }
}

impl From<v7::KnownTicket> for KnownTicket {
    fn from(t: v7::KnownTicket) -> Self {
        KnownTicket {
            id: t.id,
            requester_id: t.requester_id,
            requester_change_noted: t.requester_change_noted,
            not_forwarded_noted: t.not_forwarded_noted,
            merged_into: t.merged_into,
            merged_from: t.merged_from,
            merged_at_ms: t.merged_at_ms,
        }
    }
}

impl From<v7::Retry> for Retry {
    fn from(r: v7::Retry) -> Self {
        Retry {
            attempts: r.attempts,
            step_started_ms: r.step_started_ms,
            not_before_ms: r.not_before_ms,
            last_error: r.last_error,
            verify_first: r.verify_first,
        }
    }
}

impl From<v7::Message> for Message {
    fn from(m: v7::Message) -> Self {
        Message {
            sid: m.sid,
            received_ms: m.received_ms,
            body_chars: m.body_chars,
            ticket: match m.ticket {
                v7::TicketStep::Pending => TicketStep::Pending,
                v7::TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                } => TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                },
                v7::TicketStep::Commented { ticket_id } => TicketStep::Commented { ticket_id },
                v7::TicketStep::Rejected { reason } => TicketStep::Rejected { reason },
                v7::TicketStep::Failed { reason } => TicketStep::Failed { reason },
                v7::TicketStep::QueueFull => TicketStep::QueueFull,
                v7::TicketStep::Recovered => TicketStep::Recovered,
            },
            reply: match m.reply {
                v7::ReplyStep::Waiting => ReplyStep::Waiting,
                v7::ReplyStep::NotNeeded => ReplyStep::NotNeeded,
                v7::ReplyStep::Due { kind, content } => ReplyStep::Due {
                    kind: reply_kind(&kind),
                    content: match content {
                        v7::ReplyContent::Text(t) => ReplyContent::Text(t),
                        v7::ReplyContent::Media { url, caption } => {
                            ReplyContent::Media { url, caption }
                        }
                        v7::ReplyContent::Template {
                            content_sid,
                            variables,
                        } => ReplyContent::Template {
                            content_sid,
                            variables,
                        },
                    },
                },
                v7::ReplyStep::Sent { kind, sid } => ReplyStep::Sent {
                    kind: reply_kind(&kind),
                    sid,
                },
                v7::ReplyStep::Failed { kind, reason } => ReplyStep::Failed {
                    kind: reply_kind(&kind),
                    reason,
                },
                v7::ReplyStep::Unknown { kind, reason } => ReplyStep::Unknown {
                    kind: reply_kind(&kind),
                    reason,
                },
            },
            retry: m.retry.into(),
            total_attempts: m.total_attempts,
            unverified_comment: m.unverified_comment,
            follow_up_of: m.follow_up_of,
            skip_triage: m.skip_triage,
            duplicates: m.duplicates,
            finished_ms: m.finished_ms,
            delivery: m.delivery.as_deref().map(delivery_status),
            content: content_from_stored(m.content),
            language: m.language,
            without_locale: m.without_locale,
            facts: Facts {
                ack_ms: m.facts.ack_ms,
                priority: m.facts.priority.map(|p| match p {
                    v7::Priority::Urgent => Priority::Urgent,
                    v7::Priority::High => Priority::High,
                    v7::Priority::Normal => Priority::Normal,
                }),
                failure: m.facts.failure,
            },
        }
    }
}

/// A Zendesk Support call, the back end's own.
fn zendesk(call: ZendeskCall) -> Call {
    Call::Backend(BackendCall::ZendeskSupport(call))
}

impl From<v7::Call> for Call {
    fn from(call: v7::Call) -> Self {
        match call {
            v7::Call::CreateTicket { sid, ticket } => zendesk(ZendeskCall::CreateTicket {
                sid,
                ticket: NewTicket {
                    subject: ticket.subject,
                    comment: zendesk::Comment {
                        body: ticket.comment.body,
                        public: ticket.comment.public,
                        uploads: ticket.comment.uploads,
                    },
                    requester: zendesk::Requester {
                        name: ticket.requester.name,
                        email: ticket.requester.email,
                        locale_id: ticket.requester.locale_id,
                    },
                    tags: ticket.tags,
                    priority: match ticket.priority {
                        v7::Priority::Urgent => Priority::Urgent,
                        v7::Priority::High => Priority::High,
                        v7::Priority::Normal => Priority::Normal,
                    },
                    ticket_type: ticket.ticket_type,
                    external_id: ticket.external_id,
                    via_followup_source_id: ticket.via_followup_source_id,
                    brand_id: ticket.brand_id,
                    group_id: ticket.group_id,
                    ticket_form_id: ticket.ticket_form_id,
                    custom_fields: ticket
                        .custom_fields
                        .into_iter()
                        .map(|f| zendesk::CustomField {
                            id: f.id,
                            value: f.value,
                        })
                        .collect(),
                    requester_id: ticket.requester_id,
                },
            }),
            v7::Call::CreateRequester { sid, user } => zendesk(ZendeskCall::CreateRequester {
                sid,
                user: zendesk::users::RequesterUser {
                    name: user.name,
                    external_id: user.external_id,
                    phone: user.phone,
                },
            }),
            v7::Call::FindTicket { sid } => zendesk(ZendeskCall::FindTicket { sid }),
            v7::Call::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            } => zendesk(ZendeskCall::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            }),
            v7::Call::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            } => zendesk(ZendeskCall::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            }),
            v7::Call::SendReply { sid } => Call::Inbound(InboundCall::SendReply { sid }),
            v7::Call::FindReply { sid, since_ms } => {
                Call::Inbound(InboundCall::FindReply { sid, since_ms })
            }
            v7::Call::CheckTicket { ticket_id } => zendesk(ZendeskCall::CheckTicket { ticket_id }),
            v7::Call::SendAgentReply { comment_id } => {
                Call::Agents(AgentCall::SendAgentReply { comment_id })
            }
            v7::Call::FindAgentReply {
                comment_id,
                since_ms,
            } => Call::Agents(AgentCall::FindAgentReply {
                comment_id,
                since_ms,
            }),
            v7::Call::AddNote { key } => zendesk(ZendeskCall::AddNote { key }),
            v7::Call::FindNote { key, since_ms } => {
                zendesk(ZendeskCall::FindNote { key, since_ms })
            }
            v7::Call::TransferMedia { sid, index } => {
                Call::Inbound(InboundCall::TransferMedia { sid, index })
            }
        }
    }
}

impl From<v7::AgentReply> for AgentReply {
    fn from(r: v7::AgentReply) -> Self {
        AgentReply {
            comment_id: r.comment_id,
            ticket_id: r.ticket_id,
            text: r.text,
            received_ms: r.received_ms,
            state: match r.state {
                v7::AgentReplyState::Due { template } => AgentReplyState::Due { template },
                v7::AgentReplyState::Sent { template } => AgentReplyState::Sent { template },
                v7::AgentReplyState::Undeliverable { reason } => {
                    AgentReplyState::Undeliverable { reason }
                }
            },
            sent_sids: r.sent_sids,
            tried_template: r.tried_template,
            attachments: r
                .attachments
                .into_iter()
                .map(|a| zendesk::Attachment {
                    id: a.id,
                    file_name: a.file_name,
                    content_type: a.content_type,
                    content_url: a.content_url,
                    size: a.size,
                })
                .collect(),
            delivery: r.delivery.as_deref().map(delivery_status),
            error_code: r.error_code,
            retry: r.retry.into(),
        }
    }
}

fn content_from_stored(content: v7::Content) -> Content {
    let files = |files: Vec<v7::MediaItem>| files.into_iter().map(media_item_from_stored).collect();
    match content {
        v7::Content::Text { text } => Content::Text { text },
        v7::Content::Media { caption, files: f } => Content::Files {
            files: files(f),
            caption,
        },
        v7::Content::Location { place, text } => Content::Location {
            place: place.map(|p| crate::core::form::Location {
                latitude: p.latitude,
                longitude: p.longitude,
                address: p.address,
                label: p.label,
            }),
            text,
        },
        v7::Content::Contact { cards, text } => Content::Contact {
            cards: files(cards),
            text,
        },
        v7::Content::ButtonReply { text, payload } => Content::ButtonReply { text, payload },
        v7::Content::Reaction { emoji } => Content::Reaction { emoji },
        v7::Content::Other {
            message_type,
            text,
            files: f,
            payload,
        } => Content::Other {
            message_type,
            text,
            files: files(f),
            payload,
        },
    }
}

fn media_item_from_stored(x: v7::MediaItem) -> MediaItem {
    MediaItem {
        url: x.url,
        content_type: x.content_type,
        state: match x.state {
            v7::MediaState::Pending => MediaState::Pending,
            v7::MediaState::Uploaded {
                token,
                filename,
                uploaded_ms,
                description,
            } => MediaState::Uploaded {
                token,
                filename,
                uploaded_ms,
                description,
            },
            v7::MediaState::Skipped { reason } => MediaState::Skipped { reason },
        },
    }
}
