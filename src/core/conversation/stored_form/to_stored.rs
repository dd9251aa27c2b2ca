//! The machine's types to the stored ones (every save).

use super::*;

impl From<&Conversation> for v7::Conversation {
    fn from(c: &Conversation) -> Self {
        // The stored form of this version knows one back end: its state's fields are the
        // conversation's own (as before the back end was a part).
        let Backend::ZendeskSupport(zendesk) = &c.backend;
        v7::Conversation {
            customer: c.customer.clone(),
            open_ticket: zendesk.open_ticket.as_ref().map(Into::into),
            last_inbound_ms: c.inbound.last_inbound_ms,
            messages: c.inbound.messages.iter().map(Into::into).collect(),
            in_flight: c.in_flight.as_ref().map(|f| v7::InFlight {
                call: (&f.call).into(),
                started_ms: f.started_ms,
            }),
            tickets: zendesk.tickets.iter().map(Into::into).collect(),
            checks: c.agents.checks.clone(),
            check_retry: (&c.agents.check_retry).into(),
            rechecks: c.agents.rechecks.clone(),
            agent_replies: c.agents.agent_replies.iter().map(Into::into).collect(),
            seen_comments: zendesk.seen_comments.clone(),
            requester_user_id: zendesk.requester_user_id,
            requester_phone_refused: zendesk.requester_phone_refused,
            seen_events: zendesk.seen_events.clone(),
            notes: c
                .agents
                .notes
                .iter()
                .map(|n| v7::Note {
                    key: n.key.clone(),
                    ticket_id: n.ticket_id,
                    body: n.body.clone(),
                    done: n.done,
                    retry: (&n.retry).into(),
                })
                .collect(),
            public_origin: c.public_origin.clone(),
            channel: c.channel.clone(),
            receiving: c.receiving.clone(),
            opted_out_ms: c.inbound.opted_out_ms,
            closed_notice: c.inbound.closed_notice,
            user_id: c.user_id.clone(),
            reply_to: c.reply_to.clone(),
            zendesk_budget: (c.zendesk_budget != SlotHolder::default()).then_some(c.zendesk_budget),
            csat: (c.inbound.csat != Default::default()).then(|| c.inbound.csat.clone()),
            early_agent_events: c
                .agents
                .early_agent_events
                .iter()
                .map(|e| v7::EarlyAgentEvent {
                    ticket_id: e.ticket_id,
                    at_ms: e.at_ms,
                    made_from: e.made_from.clone(),
                })
                .collect(),
            unsent_metrics: c.unsent_metrics.clone(),
            language: c.inbound.language.clone(),
            recent_sent: c.inbound.recent_sent.clone(),
            archive_oldest_ms: c.inbound.archive_oldest_ms,
            wake: c.wake.map(|w| v7::Wake {
                timer: match w.timer {
                    Timer::CallInFlight => v7::Timer::CallInFlight,
                    Timer::MessageRetry => v7::Timer::MessageRetry,
                    Timer::TicketUpdateBudget => v7::Timer::TicketUpdateBudget,
                    Timer::TicketCheckRetry => v7::Timer::TicketCheckRetry,
                    Timer::AgentReplyRetry => v7::Timer::AgentReplyRetry,
                    Timer::NoteRetry => v7::Timer::NoteRetry,
                    Timer::Unbuildable => v7::Timer::Unbuildable,
                    Timer::KeptEventExpiry => v7::Timer::KeptEventExpiry,
                    Timer::Stalled => v7::Timer::Stalled,
                    Timer::ArchivePrune => v7::Timer::ArchivePrune,
                    Timer::ZendeskBudget => v7::Timer::ZendeskBudget,
                },
                at_ms: w.at_ms,
            }),
        }
    }
}

impl From<&OpenTicket> for v7::OpenTicket {
    fn from(t: &OpenTicket) -> Self {
        v7::OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: t.recent_updates_ms.clone(),
            throttled: t.throttled,
        }
    }
}

impl From<&KnownTicket> for v7::KnownTicket {
    fn from(t: &KnownTicket) -> Self {
        v7::KnownTicket {
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

impl From<&Retry> for v7::Retry {
    fn from(r: &Retry) -> Self {
        v7::Retry {
            attempts: r.attempts,
            step_started_ms: r.step_started_ms,
            not_before_ms: r.not_before_ms,
            last_error: r.last_error.clone(),
            verify_first: r.verify_first,
        }
    }
}

impl From<&Message> for v7::Message {
    fn from(m: &Message) -> Self {
        v7::Message {
            sid: m.sid.clone(),
            received_ms: m.received_ms,
            body_chars: m.body_chars,
            ticket: match &m.ticket {
                TicketStep::Pending => v7::TicketStep::Pending,
                TicketStep::Created {
                    ticket_id,
                    follow_up_of,
                } => v7::TicketStep::Created {
                    ticket_id: *ticket_id,
                    follow_up_of: *follow_up_of,
                },
                TicketStep::Commented { ticket_id } => v7::TicketStep::Commented {
                    ticket_id: *ticket_id,
                },
                TicketStep::Rejected { reason } => v7::TicketStep::Rejected {
                    reason: reason.clone(),
                },
                TicketStep::Failed { reason } => v7::TicketStep::Failed {
                    reason: reason.clone(),
                },
                TicketStep::QueueFull => v7::TicketStep::QueueFull,
                TicketStep::Recovered => v7::TicketStep::Recovered,
            },
            reply: match &m.reply {
                ReplyStep::Waiting => v7::ReplyStep::Waiting,
                ReplyStep::NotNeeded => v7::ReplyStep::NotNeeded,
                ReplyStep::Due { kind, content } => v7::ReplyStep::Due {
                    kind: kind.as_str().into(),
                    content: match content {
                        ReplyContent::Text(t) => v7::ReplyContent::Text(t.clone()),
                        ReplyContent::Media { url, caption } => v7::ReplyContent::Media {
                            url: url.clone(),
                            caption: caption.clone(),
                        },
                        ReplyContent::Template {
                            content_sid,
                            variables,
                        } => v7::ReplyContent::Template {
                            content_sid: content_sid.clone(),
                            variables: variables.clone(),
                        },
                    },
                },
                ReplyStep::Sent { kind, sid } => v7::ReplyStep::Sent {
                    kind: kind.as_str().into(),
                    sid: sid.clone(),
                },
                ReplyStep::Failed { kind, reason } => v7::ReplyStep::Failed {
                    kind: kind.as_str().into(),
                    reason: reason.clone(),
                },
                ReplyStep::Unknown { kind, reason } => v7::ReplyStep::Unknown {
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
            content: content_to_stored(&m.content),
            language: m.language.clone(),
            without_locale: m.without_locale,
            facts: v7::Facts {
                ack_ms: m.facts.ack_ms,
                priority: m.facts.priority.map(|p| match p {
                    Priority::Urgent => v7::Priority::Urgent,
                    Priority::High => v7::Priority::High,
                    Priority::Normal => v7::Priority::Normal,
                }),
                failure: m.facts.failure.clone(),
            },
        }
    }
}

impl From<&Call> for v7::Call {
    fn from(call: &Call) -> Self {
        match call.clone() {
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::CreateTicket {
                sid,
                ticket,
            })) => v7::Call::CreateTicket {
                sid,
                ticket: v7::NewTicket {
                    subject: ticket.subject,
                    comment: v7::Comment {
                        body: ticket.comment.body,
                        public: ticket.comment.public,
                        uploads: ticket.comment.uploads,
                    },
                    requester: v7::Requester {
                        name: ticket.requester.name,
                        email: ticket.requester.email,
                        locale_id: ticket.requester.locale_id,
                    },
                    tags: ticket.tags,
                    priority: match ticket.priority {
                        Priority::Urgent => v7::Priority::Urgent,
                        Priority::High => v7::Priority::High,
                        Priority::Normal => v7::Priority::Normal,
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
                        .map(|f| v7::CustomField {
                            id: f.id,
                            value: f.value,
                        })
                        .collect(),
                    requester_id: ticket.requester_id,
                },
            },
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::CreateRequester {
                sid,
                user,
            })) => v7::Call::CreateRequester {
                sid,
                user: v7::RequesterUser {
                    name: user.name,
                    external_id: user.external_id,
                    phone: user.phone,
                },
            },
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::FindTicket { sid })) => {
                v7::Call::FindTicket { sid }
            }
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            })) => v7::Call::AddComment {
                ticket_id,
                sids,
                body,
                uploads,
            },
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            })) => v7::Call::FindComment {
                ticket_id,
                sids,
                body,
                since_ms,
            },
            Call::Inbound(InboundCall::SendReply { sid }) => v7::Call::SendReply { sid },
            Call::Inbound(InboundCall::FindReply { sid, since_ms }) => {
                v7::Call::FindReply { sid, since_ms }
            }
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::CheckTicket { ticket_id })) => {
                v7::Call::CheckTicket { ticket_id }
            }
            Call::Agents(AgentCall::SendAgentReply { comment_id }) => {
                v7::Call::SendAgentReply { comment_id }
            }
            Call::Agents(AgentCall::FindAgentReply {
                comment_id,
                since_ms,
            }) => v7::Call::FindAgentReply {
                comment_id,
                since_ms,
            },
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::AddNote { key })) => {
                v7::Call::AddNote { key }
            }
            Call::Backend(BackendCall::ZendeskSupport(ZendeskCall::FindNote { key, since_ms })) => {
                v7::Call::FindNote { key, since_ms }
            }
            Call::Inbound(InboundCall::TransferMedia { sid, index }) => {
                v7::Call::TransferMedia { sid, index }
            }
        }
    }
}

impl From<&AgentReply> for v7::AgentReply {
    fn from(r: &AgentReply) -> Self {
        v7::AgentReply {
            comment_id: r.comment_id,
            ticket_id: r.ticket_id,
            text: r.text.clone(),
            received_ms: r.received_ms,
            state: match &r.state {
                AgentReplyState::Due { template } => v7::AgentReplyState::Due {
                    template: *template,
                },
                AgentReplyState::Sent { template } => v7::AgentReplyState::Sent {
                    template: *template,
                },
                AgentReplyState::Undeliverable { reason } => v7::AgentReplyState::Undeliverable {
                    reason: reason.clone(),
                },
            },
            sent_sids: r.sent_sids.clone(),
            tried_template: r.tried_template,
            attachments: r
                .attachments
                .iter()
                .map(|a| v7::Attachment {
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

fn content_to_stored(content: &Content) -> v7::Content {
    let files = |files: &[MediaItem]| files.iter().map(media_item_to_stored).collect();
    match content {
        Content::Text { text } => v7::Content::Text { text: text.clone() },
        Content::Files { files: f, caption } => v7::Content::Media {
            caption: caption.clone(),
            files: files(f),
        },
        Content::Location { place, text } => v7::Content::Location {
            place: place.as_ref().map(|p| v7::Place {
                latitude: p.latitude.clone(),
                longitude: p.longitude.clone(),
                address: p.address.clone(),
                label: p.label.clone(),
            }),
            text: text.clone(),
        },
        Content::Contact { cards, text } => v7::Content::Contact {
            cards: files(cards),
            text: text.clone(),
        },
        Content::ButtonReply { text, payload } => v7::Content::ButtonReply {
            text: text.clone(),
            payload: payload.clone(),
        },
        Content::Reaction { emoji } => v7::Content::Reaction {
            emoji: emoji.clone(),
        },
        Content::Other {
            message_type,
            text,
            files: f,
            payload,
        } => v7::Content::Other {
            message_type: message_type.clone(),
            text: text.clone(),
            files: files(f),
            payload: payload.clone(),
        },
    }
}

fn media_item_to_stored(x: &MediaItem) -> v7::MediaItem {
    v7::MediaItem {
        url: x.url.clone(),
        content_type: x.content_type.clone(),
        state: match &x.state {
            MediaState::Pending => v7::MediaState::Pending,
            MediaState::Uploaded {
                token,
                filename,
                uploaded_ms,
                description,
            } => v7::MediaState::Uploaded {
                token: token.clone(),
                filename: filename.clone(),
                uploaded_ms: *uploaded_ms,
                description: description.clone(),
            },
            MediaState::Skipped { reason } => v7::MediaState::Skipped {
                reason: reason.clone(),
            },
        },
    }
}
