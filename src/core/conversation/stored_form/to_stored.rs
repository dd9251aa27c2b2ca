//! The machine's types to the stored ones (every save).

use super::*;

impl From<&Conversation> for v5::Conversation {
    fn from(c: &Conversation) -> Self {
        // The stored form of this version knows one back end: its state's fields are the
        // conversation's own (as before the back end was a part).
        let Backend::ZendeskSupport(zendesk) = &c.backend;
        v5::Conversation {
            customer: c.customer.clone(),
            open_ticket: zendesk.open_ticket.as_ref().map(Into::into),
            last_inbound_ms: c.inbound.last_inbound_ms,
            messages: c.inbound.messages.iter().map(Into::into).collect(),
            in_flight: c.in_flight.as_ref().map(|f| v5::InFlight {
                call: (&f.call).into(),
                started_ms: f.started_ms,
            }),
            tickets: zendesk.tickets.iter().map(Into::into).collect(),
            checks: c.agents.checks.clone(),
            check_retry: (&c.agents.check_retry).into(),
            rechecks: c.agents.rechecks.clone(),
            agent_replies: c.agents.agent_replies.iter().map(Into::into).collect(),
            seen_comments: zendesk.seen_comments.clone(),
            notes: c
                .agents
                .notes
                .iter()
                .map(|n| v5::Note {
                    key: n.key.clone(),
                    ticket_id: n.ticket_id,
                    body: n.body.clone(),
                    done: n.done,
                    retry: (&n.retry).into(),
                })
                .collect(),
            public_origin: c.public_origin.clone(),
            early_agent_events: c
                .agents
                .early_agent_events
                .iter()
                .map(|e| v5::EarlyAgentEvent {
                    ticket_id: e.ticket_id,
                    at_ms: e.at_ms,
                    made_from: e.made_from.clone(),
                })
                .collect(),
            unsent_metrics: c.unsent_metrics.clone(),
            language: c.inbound.language.clone(),
            recent_sent: c.inbound.recent_sent.clone(),
            archive_oldest_ms: c.inbound.archive_oldest_ms,
            wake: c.wake.map(|w| v5::Wake {
                timer: match w.timer {
                    Timer::CallInFlight => v5::Timer::CallInFlight,
                    Timer::MessageRetry => v5::Timer::MessageRetry,
                    Timer::TicketUpdateBudget => v5::Timer::TicketUpdateBudget,
                    Timer::TicketCheckRetry => v5::Timer::TicketCheckRetry,
                    Timer::AgentReplyRetry => v5::Timer::AgentReplyRetry,
                    Timer::NoteRetry => v5::Timer::NoteRetry,
                    Timer::Unbuildable => v5::Timer::Unbuildable,
                    Timer::KeptEventExpiry => v5::Timer::KeptEventExpiry,
                    Timer::Stalled => v5::Timer::Stalled,
                    Timer::ArchivePrune => v5::Timer::ArchivePrune,
                },
                at_ms: w.at_ms,
            }),
        }
    }
}

impl From<&OpenTicket> for v5::OpenTicket {
    fn from(t: &OpenTicket) -> Self {
        v5::OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: t.recent_updates_ms.clone(),
            throttled: t.throttled,
        }
    }
}

impl From<&KnownTicket> for v5::KnownTicket {
    fn from(t: &KnownTicket) -> Self {
        v5::KnownTicket {
            id: t.id,
            requester_id: t.requester_id,
            requester_change_noted: t.requester_change_noted,
            not_forwarded_noted: t.not_forwarded_noted,
        }
    }
}

impl From<&Retry> for v5::Retry {
    fn from(r: &Retry) -> Self {
        v5::Retry {
            attempts: r.attempts,
            step_started_ms: r.step_started_ms,
            not_before_ms: r.not_before_ms,
            last_error: r.last_error.clone(),
            verify_first: r.verify_first,
        }
    }
}

impl From<&Message> for v5::Message {
    fn from(m: &Message) -> Self {
        v5::Message {
            sid: m.sid.clone(),
            received_ms: m.received_ms,
            body: m.body.clone(),
            body_chars: m.body_chars,
            ticket: match &m.ticket {
                TicketStep::Pending => v5::TicketStep::Pending,
                TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                } => v5::TicketStep::Created {
                    ticket_id: *ticket_id,
                    follow_up_of: *follow_up_of,
                },
                TicketStep::Commented { ticket_id } => v5::TicketStep::Commented {
                    ticket_id: *ticket_id,
                },
                TicketStep::Rejected { reason } => v5::TicketStep::Rejected {
                    reason: reason.clone(),
                },
                TicketStep::Failed { reason } => v5::TicketStep::Failed {
                    reason: reason.clone(),
                },
                TicketStep::QueueFull => v5::TicketStep::QueueFull,
                TicketStep::Recovered => v5::TicketStep::Recovered,
            },
            reply: match &m.reply {
                ReplyStep::Waiting => v5::ReplyStep::Waiting,
                ReplyStep::NotNeeded => v5::ReplyStep::NotNeeded,
                ReplyStep::Due { kind, content } => v5::ReplyStep::Due {
                    kind: kind.as_str().into(),
                    content: match content {
                        ReplyContent::Text(t) => v5::ReplyContent::Text(t.clone()),
                        ReplyContent::Media { url, caption } => v5::ReplyContent::Media {
                            url: url.clone(),
                            caption: caption.clone(),
                        },
                        ReplyContent::Template {
                            content_sid,
                            variables,
                        } => v5::ReplyContent::Template {
                            content_sid: content_sid.clone(),
                            variables: variables.clone(),
                        },
                    },
                },
                ReplyStep::Sent { kind, sid } => v5::ReplyStep::Sent {
                    kind: kind.as_str().into(),
                    sid: sid.clone(),
                },
                ReplyStep::Failed { kind, reason } => v5::ReplyStep::Failed {
                    kind: kind.as_str().into(),
                    reason: reason.clone(),
                },
                ReplyStep::Unknown { kind, reason } => v5::ReplyStep::Unknown {
                    kind: kind.as_str().into(),
                    reason: reason.clone(),
                },
            },
            retry: (&m.retry).into(),
            total_attempts: m.total_attempts,
            unverified_comment: m.unverified_comment.clone(),
            follow_up_of: m.follow_up_of,
            skip_triage: m.skip_triage,
            duplicates: m.duplicates,
            finished_ms: m.finished_ms,
            delivery: m.delivery.map(|d| d.as_str().into()),
            media: m
                .media
                .iter()
                .map(|x| v5::MediaItem {
                    url: x.url.clone(),
                    content_type: x.content_type.clone(),
                    state: match &x.state {
                        MediaState::Pending => v5::MediaState::Pending,
                        MediaState::Uploaded {
                            token,
                            filename,
                            uploaded_ms,
                            description,
                        } => v5::MediaState::Uploaded {
                            token: token.clone(),
                            filename: filename.clone(),
                            uploaded_ms: *uploaded_ms,
                            description: description.clone(),
                        },
                        MediaState::Skipped { reason } => v5::MediaState::Skipped {
                            reason: reason.clone(),
                        },
                    },
                })
                .collect(),
            location: m.location.clone(),
            content: Some(match &m.content {
                Content::Text => v5::Content::Text,
                Content::Media => v5::Content::Media,
                Content::Location => v5::Content::Location,
                Content::Contact => v5::Content::Contact,
                Content::ButtonReply { payload } => v5::Content::ButtonReply {
                    payload: payload.clone(),
                },
                Content::Reaction => v5::Content::Reaction,
                Content::Other { message_type } => v5::Content::Other {
                    message_type: message_type.clone(),
                },
            }),
            language: m.language.clone(),
            without_locale: m.without_locale,
        }
    }
}

impl From<&Call> for v5::Call {
    fn from(call: &Call) -> Self {
        match call.clone() {
            Call::Inbound(InboundCall::CreateTicket { sid, ticket }) => v5::Call::CreateTicket {
                sid,
                ticket: v5::NewTicket {
                    subject: ticket.subject,
                    comment: v5::Comment {
                        body: ticket.comment.body,
                        public: ticket.comment.public,
                        uploads: ticket.comment.uploads,
                    },
                    requester: v5::Requester {
                        name: ticket.requester.name,
                        email: ticket.requester.email,
                        locale_id: ticket.requester.locale_id,
                    },
                    tags: ticket.tags,
                    priority: match ticket.priority {
                        Priority::Urgent => v5::Priority::Urgent,
                        Priority::High => v5::Priority::High,
                        Priority::Normal => v5::Priority::Normal,
                    },
                    ticket_type: ticket.ticket_type,
                    external_id: ticket.external_id,
                    via_followup_source_id: ticket.via_followup_source_id,
                },
            },
            Call::Inbound(InboundCall::FindTicket { sid }) => v5::Call::FindTicket { sid },
            Call::Inbound(InboundCall::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            }) => v5::Call::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            },
            Call::Inbound(InboundCall::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            }) => v5::Call::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            },
            Call::Inbound(InboundCall::SendReply { sid }) => v5::Call::SendReply { sid },
            Call::Inbound(InboundCall::FindReply { sid, since_ms }) => {
                v5::Call::FindReply { sid, since_ms }
            }
            Call::Agents(AgentCall::CheckTicket { ticket_id }) => {
                v5::Call::CheckTicket { ticket_id }
            }
            Call::Agents(AgentCall::SendAgentReply { comment_id }) => {
                v5::Call::SendAgentReply { comment_id }
            }
            Call::Agents(AgentCall::FindAgentReply {
                comment_id,
                since_ms,
            }) => v5::Call::FindAgentReply {
                comment_id,
                since_ms,
            },
            Call::Agents(AgentCall::AddNote { key }) => v5::Call::AddNote { key },
            Call::Agents(AgentCall::FindNote { key, since_ms }) => {
                v5::Call::FindNote { key, since_ms }
            }
            Call::Inbound(InboundCall::TransferMedia { sid, index }) => {
                v5::Call::TransferMedia { sid, index }
            }
        }
    }
}

impl From<&AgentReply> for v5::AgentReply {
    fn from(r: &AgentReply) -> Self {
        v5::AgentReply {
            comment_id: r.comment_id,
            ticket_id: r.ticket_id,
            text: r.text.clone(),
            received_ms: r.received_ms,
            state: match &r.state {
                AgentReplyState::Due { template } => v5::AgentReplyState::Due {
                    template: *template,
                },
                AgentReplyState::Sent { template } => v5::AgentReplyState::Sent {
                    template: *template,
                },
                AgentReplyState::Undeliverable { reason } => v5::AgentReplyState::Undeliverable {
                    reason: reason.clone(),
                },
            },
            sent_sids: r.sent_sids.clone(),
            tried_template: r.tried_template,
            attachments: r
                .attachments
                .iter()
                .map(|a| v5::Attachment {
                    id: a.id,
                    file_name: a.file_name.clone(),
                    content_type: a.content_type.clone(),
                    content_url: a.content_url.clone(),
                    size: a.size,
                })
                .collect(),
            delivery: r.delivery.map(|d| d.as_str().into()),
            error_code: r.error_code,
            retry: (&r.retry).into(),
        }
    }
}
