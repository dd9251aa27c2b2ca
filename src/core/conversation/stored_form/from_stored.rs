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

impl From<v5::Conversation> for Conversation {
    fn from(c: v5::Conversation) -> Self {
        Conversation {
            customer: c.customer,
            inbound: InboundQueue {
                last_inbound_ms: c.last_inbound_ms,
                messages: c.messages.into_iter().map(Into::into).collect(),
                language: c.language,
                recent_sent: c.recent_sent,
                archive_oldest_ms: c.archive_oldest_ms,
            },
            in_flight: c.in_flight.map(|f| InFlight {
                call: f.call.into(),
                started_ms: f.started_ms,
            }),
            backend: Backend::ZendeskSupport(ZendeskSupportState {
                open_ticket: c.open_ticket.map(Into::into),
                tickets: c.tickets.into_iter().map(Into::into).collect(),
                seen_comments: c.seen_comments,
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
            unsent_metrics: c.unsent_metrics,
            wake: c.wake.map(|w| Wake {
                timer: match w.timer {
                    v5::Timer::CallInFlight => Timer::CallInFlight,
                    v5::Timer::MessageRetry => Timer::MessageRetry,
                    v5::Timer::TicketUpdateBudget => Timer::TicketUpdateBudget,
                    v5::Timer::TicketCheckRetry => Timer::TicketCheckRetry,
                    v5::Timer::AgentReplyRetry => Timer::AgentReplyRetry,
                    v5::Timer::NoteRetry => Timer::NoteRetry,
                    v5::Timer::Unbuildable => Timer::Unbuildable,
                    v5::Timer::KeptEventExpiry => Timer::KeptEventExpiry,
                    v5::Timer::Stalled => Timer::Stalled,
                    v5::Timer::ArchivePrune => Timer::ArchivePrune,
                },
                at_ms: w.at_ms,
            }),
        }
    }
}

impl From<v5::OpenTicket> for OpenTicket {
    fn from(t: v5::OpenTicket) -> Self {
        OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: t.recent_updates_ms,
            throttled: t.throttled,
        }
    }
}

impl From<v5::KnownTicket> for KnownTicket {
    fn from(t: v5::KnownTicket) -> Self {
        KnownTicket {
            id: t.id,
            requester_id: t.requester_id,
            requester_change_noted: t.requester_change_noted,
            not_forwarded_noted: t.not_forwarded_noted,
        }
    }
}

impl From<v5::Retry> for Retry {
    fn from(r: v5::Retry) -> Self {
        Retry {
            attempts: r.attempts,
            step_started_ms: r.step_started_ms,
            not_before_ms: r.not_before_ms,
            last_error: r.last_error,
            verify_first: r.verify_first,
        }
    }
}

impl From<v5::Message> for Message {
    fn from(m: v5::Message) -> Self {
        Message {
            sid: m.sid,
            received_ms: m.received_ms,
            body: m.body,
            body_chars: m.body_chars,
            ticket: match m.ticket {
                v5::TicketStep::Pending => TicketStep::Pending,
                v5::TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                } => TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                },
                v5::TicketStep::Commented { ticket_id } => TicketStep::Commented { ticket_id },
                v5::TicketStep::Rejected { reason } => TicketStep::Rejected { reason },
                v5::TicketStep::Failed { reason } => TicketStep::Failed { reason },
                v5::TicketStep::QueueFull => TicketStep::QueueFull,
                v5::TicketStep::Recovered => TicketStep::Recovered,
            },
            reply: match m.reply {
                v5::ReplyStep::Waiting => ReplyStep::Waiting,
                v5::ReplyStep::NotNeeded => ReplyStep::NotNeeded,
                v5::ReplyStep::Due { kind, content } => ReplyStep::Due {
                    kind: reply_kind(&kind),
                    content: match content {
                        v5::ReplyContent::Text(t) => ReplyContent::Text(t),
                        v5::ReplyContent::Media { url, caption } => {
                            ReplyContent::Media { url, caption }
                        }
                        v5::ReplyContent::Template {
                            content_sid,
                            variables,
                        } => ReplyContent::Template {
                            content_sid,
                            variables,
                        },
                    },
                },
                v5::ReplyStep::Sent { kind, sid } => ReplyStep::Sent {
                    kind: reply_kind(&kind),
                    sid,
                },
                v5::ReplyStep::Failed { kind, reason } => ReplyStep::Failed {
                    kind: reply_kind(&kind),
                    reason,
                },
                v5::ReplyStep::Unknown { kind, reason } => ReplyStep::Unknown {
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
            media: m
                .media
                .into_iter()
                .map(|x| MediaItem {
                    url: x.url,
                    content_type: x.content_type,
                    state: match x.state {
                        v5::MediaState::Pending => MediaState::Pending,
                        v5::MediaState::Uploaded {
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
                        v5::MediaState::Skipped { reason } => MediaState::Skipped { reason },
                    },
                })
                .collect(),
            location: m.location,
            content: match m.content {
                None | Some(v5::Content::Text) => Content::Text,
                Some(v5::Content::Media) => Content::Media,
                Some(v5::Content::Location) => Content::Location,
                Some(v5::Content::Contact) => Content::Contact,
                Some(v5::Content::ButtonReply { payload }) => Content::ButtonReply { payload },
                Some(v5::Content::Reaction) => Content::Reaction,
                Some(v5::Content::Other { message_type }) => Content::Other { message_type },
            },
            language: m.language,
            without_locale: m.without_locale,
        }
    }
}

impl From<v5::Call> for Call {
    fn from(call: v5::Call) -> Self {
        match call {
            v5::Call::CreateTicket { sid, ticket } => Call::Inbound(InboundCall::CreateTicket {
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
                        v5::Priority::Urgent => Priority::Urgent,
                        v5::Priority::High => Priority::High,
                        v5::Priority::Normal => Priority::Normal,
                    },
                    ticket_type: ticket.ticket_type,
                    external_id: ticket.external_id,
                    via_followup_source_id: ticket.via_followup_source_id,
                },
            }),
            v5::Call::FindTicket { sid } => Call::Inbound(InboundCall::FindTicket { sid }),
            v5::Call::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            } => Call::Inbound(InboundCall::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            }),
            v5::Call::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            } => Call::Inbound(InboundCall::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            }),
            v5::Call::SendReply { sid } => Call::Inbound(InboundCall::SendReply { sid }),
            v5::Call::FindReply { sid, since_ms } => {
                Call::Inbound(InboundCall::FindReply { sid, since_ms })
            }
            v5::Call::CheckTicket { ticket_id } => {
                Call::Agents(AgentCall::CheckTicket { ticket_id })
            }
            v5::Call::SendAgentReply { comment_id } => {
                Call::Agents(AgentCall::SendAgentReply { comment_id })
            }
            v5::Call::FindAgentReply {
                comment_id,
                since_ms,
            } => Call::Agents(AgentCall::FindAgentReply {
                comment_id,
                since_ms,
            }),
            v5::Call::AddNote { key } => Call::Agents(AgentCall::AddNote { key }),
            v5::Call::FindNote { key, since_ms } => {
                Call::Agents(AgentCall::FindNote { key, since_ms })
            }
            v5::Call::TransferMedia { sid, index } => {
                Call::Inbound(InboundCall::TransferMedia { sid, index })
            }
        }
    }
}

impl From<v5::AgentReply> for AgentReply {
    fn from(r: v5::AgentReply) -> Self {
        AgentReply {
            comment_id: r.comment_id,
            ticket_id: r.ticket_id,
            text: r.text,
            received_ms: r.received_ms,
            state: match r.state {
                v5::AgentReplyState::Due { template } => AgentReplyState::Due { template },
                v5::AgentReplyState::Sent { template } => AgentReplyState::Sent { template },
                v5::AgentReplyState::Undeliverable { reason } => {
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
