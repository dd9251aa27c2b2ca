//! The one call a conversation has in flight at a time, and the HTTP request each call is:
//! Zendesk's (create, comment, look-ups, uploads) and Twilio's (send, list sent).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub call: Call,
    pub started_ms: u64,
}

/// The upstream calls the machine makes, each part's own: the inbound queue's and the agents'
/// side's are separate enums, so a part's `match` on its calls has no arm for the other's.
// One call is in flight at a time: boxing the larger part's calls would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// A step of a customer's message.
    Inbound(InboundCall),
    /// The agents' side: ticket reads, agents' replies, notes.
    Agents(AgentCall),
}

/// A step of a customer's message: its ticket or comment (and their look-ups), its files, the
/// gateway's reply to it (and its look-up).
#[derive(Debug, Clone, PartialEq)]
pub enum InboundCall {
    CreateTicket {
        sid: String,
        ticket: NewTicket,
    },
    FindTicket {
        sid: String,
    },
    AddComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        uploads: Vec<String>,
    },
    FindComment {
        ticket_id: u64,
        sids: Vec<String>,
        body: String,
        since_ms: u64,
    },
    SendReply {
        sid: String,
    },
    FindReply {
        sid: String,
        since_ms: u64,
    },
    TransferMedia {
        sid: String,
        index: usize,
    },
}

/// A step of the agents' side.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentCall {
    CheckTicket { ticket_id: u64 },
    SendAgentReply { comment_id: u64 },
    FindAgentReply { comment_id: u64, since_ms: u64 },
    AddNote { key: String },
    FindNote { key: String, since_ms: u64 },
}

impl Call {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Call::Inbound(c) => c.name(),
            Call::Agents(c) => c.name(),
        }
    }
}

impl InboundCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            InboundCall::CreateTicket { .. } => "create_ticket",
            InboundCall::FindTicket { .. } => "find_ticket",
            InboundCall::AddComment { .. } => "add_comment",
            InboundCall::TransferMedia { .. } => "transfer_media",
            InboundCall::FindComment { .. } => "find_comment",
            InboundCall::SendReply { .. } => "send_reply",
            InboundCall::FindReply { .. } => "find_reply",
        }
    }

    /// The message whose step this call is (the oldest of a merged comment).
    pub(super) fn head(&self) -> &str {
        match self {
            InboundCall::CreateTicket { sid, .. }
            | InboundCall::FindTicket { sid }
            | InboundCall::SendReply { sid }
            | InboundCall::FindReply { sid, .. }
            | InboundCall::TransferMedia { sid, .. } => sid,
            InboundCall::AddComment { sids, .. } | InboundCall::FindComment { sids, .. } => {
                sids.first().map_or("", String::as_str)
            }
        }
    }
}

impl AgentCall {
    pub(super) fn name(&self) -> &'static str {
        match self {
            AgentCall::CheckTicket { .. } => "check_ticket",
            AgentCall::SendAgentReply { .. } => "send_agent_reply",
            AgentCall::FindAgentReply { .. } => "find_agent_reply",
            AgentCall::AddNote { .. } => "add_note",
            AgentCall::FindNote { .. } => "find_note",
        }
    }
}

/// How long to wait before trying again a call whose request cannot be built.
pub(super) const UNBUILDABLE_WAIT_MS: u64 = 60_000;

impl Conversation {
    pub(super) fn launch(&mut self, i: usize, call: InboundCall, ctx: &Ctx) -> Effect {
        let m = &mut self.inbound.messages[i];
        m.retry.step_started_ms.get_or_insert(ctx.now_ms);
        if let InboundCall::TransferMedia { index, .. } = &call {
            let Some(item) = m.media.get(*index) else {
                return self.unbuildable(ctx);
            };
            let config = ctx.config;
            let transfer = MediaTransfer {
                download: HttpRequest {
                    method: "GET",
                    url: item.url.clone(),
                    headers: vec![("Authorization", config.twilio_account().authorization())],
                    body: String::new(),
                },
                upload_url: ctx.backend().upload_url(&media_filename(
                    &m.sid,
                    *index,
                    &item.content_type,
                )),
                upload_authorization: ctx.backend().upload_authorization(),
                content_type: item.content_type.clone(),
                max_bytes: config.media_max_bytes,
            };
            self.in_flight = Some(InFlight {
                call: Call::Inbound(call),
                started_ms: ctx.now_ms,
            });
            return Effect::Transfer(Box::new(transfer));
        }
        let Some(request) = self.inbound_request(&call, ctx) else {
            // What the call acts on is gone (a state no step produces): wait, never panic in
            // a Durable Object.
            return self.unbuildable(ctx);
        };
        self.in_flight = Some(InFlight {
            call: Call::Inbound(call),
            started_ms: ctx.now_ms,
        });
        Effect::Call(request)
    }

    /// What the call acts on is gone: look again later (the reason kept, as for every wait).
    fn unbuildable(&mut self, ctx: &Ctx) -> Effect {
        self.wake_once(Timer::Unbuildable, ctx.now_ms + UNBUILDABLE_WAIT_MS)
    }

    /// A WhatsApp message to the customer, with this conversation's status callback. The
    /// callback URL also names what was sent (`about`, see `crate::core::delivery::DeliveryAbout`), so the
    /// Worker can log a status that changes nothing without waking the conversation; Twilio's
    /// signature covers the whole URL.
    pub(super) fn send_request(
        &self,
        content: &ReplyContent,
        about: &crate::core::delivery::DeliveryAbout,
        ctx: &Ctx,
    ) -> HttpRequest {
        let to = self.customer.whatsapp_address();
        // Where Twilio reports this message's delivery: the conversation is named by its
        // object id, so the callback reaches it without a look-up.
        let callback = self.public_origin(ctx.config).map(|origin| {
            format!(
                "{origin}/twilio/status?c={}&{}&{}",
                ctx.conversation_id,
                about.to_query(),
                crate::core::delivery::customer_query(&self.masked())
            )
        });
        twilio::send_message_request(
            &ctx.config.twilio_account(),
            &ctx.config.reply_sender,
            &to,
            content,
            callback.as_deref(),
        )
    }

    /// The latest messages sent to the customer (to check a send whose answer was lost).
    pub(super) fn list_sent_request(&self, ctx: &Ctx) -> HttpRequest {
        let to = self.customer.whatsapp_address();
        twilio::list_messages_request(&ctx.config.twilio_account(), &ctx.config.reply_sender, &to)
    }

    /// The request a call is; `None` when what it acts on is gone (never for a well-formed
    /// state: the caller then waits rather than fails).
    pub(super) fn inbound_request(&self, call: &InboundCall, ctx: &Ctx) -> Option<HttpRequest> {
        let request = match call {
            InboundCall::CreateTicket { sid, ticket } => {
                ctx.backend().create_ticket(&self.create_key(sid), ticket)
            }
            InboundCall::FindTicket { sid } => ctx.backend().find_ticket(sid),
            InboundCall::AddComment {
                ticket_id,
                body,
                uploads,
                ..
            } => {
                let author = self.backend.open_ticket().and_then(|t| t.requester_id);
                ctx.backend().add_comment(*ticket_id, body, author, uploads)
            }
            InboundCall::FindComment { ticket_id, .. } => ctx.backend().list_comments(*ticket_id),
            InboundCall::SendReply { sid } => {
                let message = self.message(sid)?;
                let ReplyStep::Due { content, kind } = &message.reply else {
                    return None;
                };
                let about = crate::core::delivery::DeliveryAbout::GatewayReply {
                    message_sid: sid.clone(),
                    kind: *kind,
                };
                self.send_request(content, &about, ctx)
            }
            InboundCall::FindReply { .. } => self.list_sent_request(ctx),
            // A transfer is an effect of its own (`launch`), not an HTTP call.
            InboundCall::TransferMedia { .. } => return None,
        };
        Some(request)
    }
}

impl Conversation {
    /// Whether the directory entries waiting to be sent (`waiting`) must be written before the
    /// call now in flight goes out, so that Zendesk's events find this conversation whoever the
    /// ticket's requester becomes: a ticket just learned (its entry is written before anything,
    /// the confirmation first, is sent on it), and before a ticket is made, the message it is
    /// made from (the ticket's `external_id` leads to it while Zendesk's answer to the create
    /// is on its way). Other entries go with the metrics after the run (no request of their own).
    pub fn directory_first(&self, waiting: &[crate::core::metrics::DirectoryEntry]) -> bool {
        use crate::core::metrics::DirectoryKey;
        let makes_ticket = matches!(
            self.in_flight,
            Some(InFlight {
                call: Call::Inbound(InboundCall::CreateTicket { .. }),
                ..
            })
        );
        waiting
            .iter()
            .any(|e| matches!(e.key, DirectoryKey::Ticket(_)))
            || (makes_ticket && !waiting.is_empty())
    }
}
