//! The HTTP request each part's call is, built by the parent (it knows the customer, the public
//! origin and the conversation's id): Zendesk's (create, comment, look-ups, uploads, notes)
//! through the back end's requests, and Twilio's (send, list sent); and the call recorded as in
//! flight before it goes out.

use super::agents::{Part, TEMPLATE_TEXT_CHARS};
use super::*;
use crate::core::conversation::agents::part_to_send;

impl Conversation {
    /// Launches the queue's call for message `i` (its own, or the back end's).
    pub(super) fn launch(&mut self, i: usize, call: Call, ctx: &Ctx) -> Effect {
        let m = &mut self.inbound.messages[i];
        m.retry.step_started_ms.get_or_insert(ctx.now_ms);
        if let Call::Inbound(InboundCall::TransferMedia { index, .. }) = &call {
            let Some(item) = m.content.files().get(*index) else {
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
                call,
                started_ms: ctx.now_ms,
            });
            return Effect::Transfer(Box::new(transfer));
        }
        let Some(request) = self.request(&call, ctx) else {
            // What the call acts on is gone (a state no step produces): wait, never panic in
            // a Durable Object.
            return self.unbuildable(ctx);
        };
        self.in_flight = Some(InFlight {
            call,
            started_ms: ctx.now_ms,
        });
        Effect::Call(request)
    }

    /// The request a call is, whichever part's; `None` when what it acts on is gone (a
    /// transfer is an effect of its own, `launch`).
    pub(super) fn request(&self, call: &Call, ctx: &Ctx) -> Option<HttpRequest> {
        match call {
            Call::Inbound(call) => self.inbound_request(call, ctx),
            Call::Agents(call) => self.outbound_request(call, ctx),
            Call::Backend(call) => {
                self.backend
                    .request(call, &call_around(&self.inbound, &self.agents), ctx)
            }
        }
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
        let to = self.reply_address();
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
            &ctx.reply_sender(),
            &to,
            content,
            callback.as_deref(),
        )
    }

    /// The latest messages sent to the customer (to check a send whose answer was lost).
    pub(super) fn list_sent_request(&self, ctx: &Ctx) -> HttpRequest {
        let to = self.reply_address();
        twilio::list_messages_request(&ctx.config.twilio_account(), &ctx.reply_sender(), &to)
    }

    /// The request a call is; `None` when what it acts on is gone (never for a well-formed
    /// state: the caller then waits rather than fails).
    pub(super) fn inbound_request(&self, call: &InboundCall, ctx: &Ctx) -> Option<HttpRequest> {
        let request = match call {
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
            &self.in_flight,
            Some(InFlight {
                call: Call::Backend(call),
                ..
            }) if call.makes_ticket()
        );
        waiting
            .iter()
            .any(|e| matches!(e.key, DirectoryKey::Ticket(_)))
            || (makes_ticket && !waiting.is_empty())
    }
}

impl Conversation {
    /// The request for an outbound call.
    /// The request for an agents'-side call (`None` for a customer message's call, or when the
    /// reply or note it acts on is gone).
    pub(in crate::core::conversation) fn outbound_request(
        &self,
        call: &AgentCall,
        ctx: &Ctx,
    ) -> Option<HttpRequest> {
        let config = ctx.config;
        let request = match call {
            AgentCall::SendAgentReply { comment_id } => {
                let r = self
                    .agents
                    .agent_replies
                    .iter()
                    .find(|r| r.comment_id == *comment_id)?;
                let content = match r.state {
                    AgentReplyState::Due { template: true } => ReplyContent::Template {
                        content_sid: ctx
                            .language(self.inbound.language.as_deref())
                            .agent_reply_content_sid
                            .clone()
                            .unwrap_or_default(),
                        variables: vec![
                            (
                                "1".into(),
                                twilio::take_utf16(&r.text, TEMPLATE_TEXT_CHARS).to_string(),
                            ),
                            ("2".into(), r.ticket_id.to_string()),
                        ],
                    },
                    // The satisfaction question, as the company's quick-reply template.
                    _ if crate::core::csat::question_of(r.comment_id).is_some()
                        && ctx
                            .language(self.inbound.language.as_deref())
                            .csat_content_sid
                            .is_some() =>
                    {
                        ReplyContent::Template {
                            content_sid: ctx
                                .language(self.inbound.language.as_deref())
                                .csat_content_sid
                                .clone()
                                .unwrap_or_default(),
                            variables: vec![("1".into(), r.ticket_id.to_string())],
                        }
                    }
                    _ => match part_to_send(r) {
                        Part::Text(text) => ReplyContent::Text(text),
                        Part::File(a) => {
                            let grant = crate::core::media_url::MediaGrant {
                                attachment_id: a.id,
                                expires_ms: ctx.now_ms + crate::core::media_url::MEDIA_URL_TTL_MS,
                            };
                            let token =
                                crate::core::media_url::sign(&grant, &config.zendesk_api_key);
                            let base = self.public_origin(config).unwrap_or_default();
                            ReplyContent::Media {
                                url: format!("{base}/media/{token}"),
                                caption: String::new(),
                            }
                        }
                    },
                };
                let about = crate::core::delivery::DeliveryAbout::AgentReply {
                    ticket_id: r.ticket_id,
                    comment_id: r.comment_id,
                };
                self.send_request(&content, &about, ctx)
            }
            AgentCall::FindAgentReply { .. } => self.list_sent_request(ctx),
        };
        Some(request)
    }
}

/// What the back end reads of the parts for its calls (`backend::CallAround`).
pub(super) fn call_around<'a>(
    inbound: &'a InboundQueue,
    agents: &'a AgentSide,
) -> backend::CallAround<'a> {
    backend::CallAround {
        messages: &inbound.messages,
        notes: agents
            .notes
            .iter()
            .map(|n| backend::NoteRef {
                key: &n.key,
                ticket_id: n.ticket_id,
                body: &n.body,
            })
            .collect(),
    }
}
