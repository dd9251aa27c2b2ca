//! The inbound queue: a message accepted (or recognised as a duplicate), then the next step of
//! the oldest unfinished message: triage, a ticket or a comment (merged under Zendesk's per-ticket
//! update budget), its files, the reply.

use super::*;
use crate::core::conversation::backend::{Route, TicketDraft};

mod answers;
pub(in crate::core::conversation) use answers::InboundAround;
pub mod limits;
mod notices;
mod outcomes;

/// The inbound queue of a conversation, owned as one part: the customer's messages in arrival
/// order, the ticket they go to, when the customer last wrote and in which language.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InboundQueue {
    /// When the customer last wrote (WhatsApp's 24-hour window).
    pub last_inbound_ms: Option<u64>,
    /// Arrival order; unfinished ones first to last, then kept finished ones.
    pub messages: Vec<Message>,
    /// The customer's last confidently detected language: a message that says too little to
    /// tell ("ok", "👍", an order number) is read in it.
    pub language: Option<String>,
    /// The SIDs of the latest replies sent to the customer's messages, newest last (at most
    /// `RECENT_SENT_MAX`): a lost send is never taken for one of them, even once their
    /// messages are archived.
    pub recent_sent: Vec<String>,
    /// When the oldest archived message finished (`archive`): the archive is pruned once it is
    /// `KEEP_FINISHED_MS` old.
    pub archive_oldest_ms: Option<u64>,
    /// Since when the customer has opted out (an opt-out word; `notices`): no template goes
    /// to them until an opt-in word.
    pub opted_out_ms: Option<u64>,
    /// The closed period (`hours::BusinessHours::closed_period`) whose out-of-hours text was
    /// sent: once per period, not once per message.
    pub closed_notice: Option<u64>,
    /// The satisfaction questions asked (`core::csat`): a solved ticket's customer is asked
    /// once, and their next message may be the answer.
    pub csat: crate::core::csat::Csat,
}

pub(in crate::core::conversation) enum Inbound {
    /// Make this call for message `i` (the parent launches it): the queue's own, or the back
    /// end's.
    Launch(usize, Call),
    Settled,
    /// Settled, with an internal note (key, ticket, body) for that ticket, else (`None`) the
    /// customer's open ticket.
    SettledWithNote(String, Option<u64>, String),
    /// Nothing to do until one of these timers fires (none: nothing to do at all). The
    /// queue's own: a message's next attempt, the ticket's update budget.
    Wait(TimerTable),
}

pub(in crate::core::conversation) enum TicketAction {
    Call(Box<Call>),
    /// Wait (Zendesk's per-ticket update budget is spent).
    WaitUntil(u64),
    /// Meanwhile, upload a file of message `.0`, queued behind (`upload_behind`).
    Upload(usize, Box<Call>),
    /// Decided without a call (triage refused the message).
    Decided,
    /// Decided without a call, with a note for a ticket (`None`: the open one; an opt word:
    /// `notices`; a satisfaction answer: `satisfaction`).
    DecidedWithNote(String, Option<u64>, String),
}

impl InboundQueue {
    pub fn message(&self, sid: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.sid == sid)
    }

    pub(in crate::core::conversation) fn index_of(&self, sid: &str) -> Option<usize> {
        self.messages.iter().position(|m| m.sid == sid)
    }

    /// Messages not finished yet.
    pub fn pending_count(&self) -> usize {
        self.messages.iter().filter(|m| !m.is_finished()).count()
    }
}

impl InboundQueue {
    /// The messages waiting for the same comment as message `i`, starting with it: the
    /// unfinished ones after it whose ticket step is to do, up to the first that starts a
    /// follow-up or whose files are not uploaded yet (it waits for its own turn).
    fn comment_waiting(&self, i: usize) -> Vec<&Message> {
        self.messages[i..]
            .iter()
            // Refused messages are not part of the queue (nothing goes to Zendesk for them).
            .filter(|m| !m.is_refused())
            .enumerate()
            .take_while(|(n, m)| {
                !m.is_finished()
                    && !m.ticket_done()
                    && m.follow_up_of.is_none()
                    && (*n == 0
                        || m.content
                            .files()
                            .iter()
                            .all(|x| x.state != MediaState::Pending))
            })
            .map(|(_, m)| m)
            .take(MAX_MERGED)
            .collect()
    }

    /// The messages queued behind message `i` for the same comment, whatever their files: the
    /// unfinished ones whose ticket step is to do, up to the first that starts a follow-up.
    fn queued_behind(&self, i: usize) -> Vec<usize> {
        (i + 1..self.messages.len())
            .filter(|&j| !self.messages[j].is_refused())
            .take_while(|&j| {
                let m = &self.messages[j];
                !m.is_finished() && !m.ticket_done() && m.follow_up_of.is_none()
            })
            .take(MAX_MERGED - 1)
            .collect()
    }

    /// How many messages wait for the same comment as message `i` (the back end merges them
    /// when there are many: `Backend::route`).
    fn comment_backlog(&self, i: usize) -> usize {
        self.comment_waiting(i).len()
    }

    /// The messages that go into the next comment, starting at `i` (all that wait when the back
    /// end says `merge`): their sids, the comment text and the upload tokens of their files.
    pub(in crate::core::conversation) fn comment_batch(
        &self,
        i: usize,
        merge: bool,
    ) -> (Vec<String>, String, Vec<String>) {
        let waiting = self.comment_waiting(i);
        let wanted = if merge { waiting.len() } else { 1 };
        // A merged comment stays under `MERGED_COMMENT_MAX_BYTES` (Zendesk's comment size, and
        // the copies the stored call and look-up keep); the first message always goes, alone if
        // it must; the rest waits for the next comment.
        let mut texts: Vec<String> = Vec::new();
        let mut size = 0;
        for m in waiting.iter().take(wanted) {
            let text = zendesk_text(m);
            let grown = size + json_len(&text) + if texts.is_empty() { 0 } else { 2 };
            if !texts.is_empty() && grown > MERGED_COMMENT_MAX_BYTES {
                break;
            }
            size = grown;
            texts.push(text);
        }
        let batch = &waiting[..texts.len()];
        (
            batch.iter().map(|m| m.sid.clone()).collect(),
            texts.join("\n\n"),
            batch.iter().flat_map(|m| upload_tokens(m)).collect(),
        )
    }
}

impl InboundQueue {
    /// The Zendesk call for message `i`, or why there is none now.
    pub(in crate::core::conversation) fn ticket_call(
        &mut self,
        i: usize,
        backend: &Backend,
        customer: &Sender,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> TicketAction {
        // Files first: their upload tokens go with the ticket or comment (also those of the
        // messages behind, which may join a merged comment).
        for j in std::iter::once(i).chain(self.queued_behind(i)) {
            self.expire_uploads(j, ctx.now_ms);
        }
        if let Some(note) = self.opt_message(i, ctx, events) {
            return match note {
                Some((key, body)) => TicketAction::DecidedWithNote(key, None, body),
                None => TicketAction::Decided,
            };
        }
        // Before triage: "👍" alone answers the question, it is not a message too short to act on.
        if let Some((key, ticket_id, body)) = self.csat_message(i, ctx, events) {
            return TicketAction::DecidedWithNote(key, Some(ticket_id), body);
        }
        if let Some(call) = self.file_call(i, ctx, events) {
            return TicketAction::Call(Box::new(call));
        }
        let m = &self.messages[i];
        // A comment whose outcome is unknown is looked for before it is written again.
        if let (Some(open), true, Some((sids, body))) = (
            backend.open_ticket().filter(|_| m.follow_up_of.is_none()),
            m.retry.verify_first,
            &m.unverified_comment,
        ) {
            return TicketAction::Call(Box::new(Call::Backend(backend.find_comment(
                open.id,
                sids.clone(),
                body.clone(),
                m.retry.step_started_ms.unwrap_or(m.received_ms),
            ))));
        }
        match backend.route(
            m.follow_up_of.is_some(),
            self.comment_backlog(i),
            ctx.now_ms,
        ) {
            Route::WaitUntil(at) => {
                return match self.upload_behind(i, ctx, events) {
                    Some((j, call)) => TicketAction::Upload(j, Box::new(call)),
                    None => TicketAction::WaitUntil(at),
                }
            }
            Route::Comment {
                ticket_id, merge, ..
            } => {
                let (sids, body, uploads) = self.comment_batch(i, merge);
                return TicketAction::Call(Box::new(Call::Backend(
                    backend.comment(ticket_id, sids, body, uploads),
                )));
            }
            Route::NewTicket => {}
        }
        let age = ctx
            .now_ms
            .saturating_sub(m.retry.step_started_ms.unwrap_or(ctx.now_ms));
        // An earlier attempt's outcome is unknown, and the create would not be the back end's
        // replay of it: looked up first.
        if m.retry.verify_first && backend.look_up_first(age, m.without_locale) {
            return TicketAction::Call(Box::new(Call::Backend(backend.find_ticket(&m.sid))));
        }
        // A file or a location is something to act on, whatever the caption says.
        let has_content = m.content.carries_more_than_text();
        let language = ctx.language(m.language.as_deref());
        let (subject, priority) = match language.triage.triage(m.content.text()) {
            Triage::Accepted { subject, priority } => (subject, priority),
            Triage::Rejected(why)
                if !(m.skip_triage || m.follow_up_of.is_some() || has_content) =>
            {
                let sid = m.sid.clone();
                events.push(DomainEvent::AskedForDetails { sid, reason: why });
                let m = &mut self.messages[i];
                m.ticket = TicketStep::Rejected {
                    reason: why.as_str().into(),
                };
                m.reply = ReplyStep::Due {
                    kind: ReplyKind::MoreDetails,
                    content: ReplyContent::Text(language.texts.more_details.clone()),
                };
                return TicketAction::Decided;
            }
            // A message that continues a conversation, or carries a file or a location,
            // becomes a ticket whatever its wording ("WhatsApp Support Request" when no text).
            Triage::Rejected(_) => (
                crate::core::triage::subject(m.content.text()),
                crate::core::triage::Priority::Normal,
            ),
        };
        let draft = TicketDraft {
            sid: &m.sid,
            text: zendesk_text(m),
            subject,
            priority,
            language,
            uploads: upload_tokens(m),
            follow_up_of: m.follow_up_of,
            without_locale: m.without_locale,
        };
        TicketAction::Call(Box::new(Call::Backend(
            backend.make_ticket(draft, customer, ctx),
        )))
    }
}

impl InboundQueue {
    /// Message `j`'s uploads too old to be used (Zendesk's tokens are short-lived): made again.
    fn expire_uploads(&mut self, j: usize, now_ms: u64) {
        for item in self.messages[j].content.files_mut().iter_mut() {
            if let MediaState::Uploaded { uploaded_ms, .. } = item.state {
                if uploaded_ms + UPLOAD_TOKEN_MAX_AGE_MS < now_ms {
                    item.state = MediaState::Pending;
                }
            }
        }
    }

    /// The transfer of message `j`'s next file still to copy, if any (a file that may not be
    /// fetched is listed as skipped on the way).
    fn file_call(&mut self, j: usize, ctx: &Ctx, events: &mut Vec<DomainEvent>) -> Option<Call> {
        let config = ctx.config;
        for index in 0..self.messages[j].content.files().len() {
            if self.messages[j].content.files()[index].state != MediaState::Pending {
                continue;
            }
            // Twilio's credentials go with the download: only to Twilio's own API origin. A
            // file anywhere else is not fetched at all (no credentials, no forged upload).
            let url = &self.messages[j].content.files()[index].url;
            let sid = &self.messages[j].sid;
            let account = &config.twilio_account_sid;
            let api = &config.twilio_api_base_url;
            if !crate::core::origin::is_twilio_media_url(url, api, account, sid) {
                let host = crate::core::origin::host_of(url);
                let sid = self.messages[j].sid.clone();
                events.push(DomainEvent::MediaRefusedHost { sid, index, host });
                self.messages[j].content.files_mut()[index].state = MediaState::Skipped {
                    reason: "refused: not this message's file on Twilio's media host, not fetched"
                        .into(),
                };
                continue;
            }
            let item = &mut self.messages[j].content.files_mut()[index];
            if !config.media_type_allowed(&item.content_type) {
                item.state = MediaState::Skipped {
                    reason: format!(
                        "{} files are not accepted (MEDIA_ALLOWED_TYPES)",
                        item.content_type
                    ),
                };
                continue;
            }
            return Some(Call::Inbound(InboundCall::TransferMedia {
                sid: self.messages[j].sid.clone(),
                index,
            }));
        }
        None
    }

    /// While the ticket's updates wait (Zendesk's per-ticket budget, or the pacing's spacing),
    /// the files of the messages queued behind message `i` are uploaded, oldest first, so that
    /// they join the merged comment when it goes instead of each waiting for its own turn at
    /// the head (a burst of photos would otherwise take a spacing each). Uploads are not ticket
    /// updates, and the tokens outlive any such wait (`UPLOAD_TOKEN_MAX_AGE_MS`); the order
    /// on the ticket is kept (`comment_waiting` stops at a message whose files are not all
    /// uploaded). A message backing off after a failed transfer is left to its time.
    fn upload_behind(
        &mut self,
        i: usize,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<(usize, Call)> {
        for j in self.queued_behind(i) {
            if self.messages[j].retry.not_before_ms > ctx.now_ms {
                continue;
            }
            if let Some(call) = self.file_call(j, ctx, events) {
                return Some((j, call));
            }
        }
        None
    }

    /// The next thing the queue does: a call for its oldest unfinished message (a refused
    /// message's answer first), or a step settled without a call, or nothing until its timers
    /// (armed in `self.timers`) fire. The back end says how a message reaches the tickets.
    pub(in crate::core::conversation) fn poll(
        &mut self,
        backend: &Backend,
        customer: &Sender,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Inbound {
        let mut timers = TimerTable::default();
        // Not when it is due: this alarm's step asked the shell for it (`archive_due`), and a
        // prune that fails fails the alarm, which the runtime retries.
        if let Some(at) = self
            .archive_oldest_ms
            .map(|t| t + KEEP_FINISHED_MS)
            .filter(|at| *at > ctx.now_ms)
        {
            timers.arm(Timer::ArchivePrune, at);
        }
        // A refused message is answered at once, not behind the queue it could not join.
        for i in 0..self.messages.len() {
            let m = &self.messages[i];
            if m.is_finished() || !m.is_refused() {
                continue;
            }
            if m.retry.not_before_ms > ctx.now_ms {
                timers.arm(Timer::MessageRetry, m.retry.not_before_ms);
                continue;
            }
            return self.reply_step(i, ctx, events);
        }
        let Some(i) = self
            .messages
            .iter()
            .position(|m| !m.is_finished() && !m.is_refused())
        else {
            return Inbound::Wait(timers);
        };
        let m = &self.messages[i];
        if m.retry.not_before_ms > ctx.now_ms {
            timers.arm(Timer::MessageRetry, m.retry.not_before_ms);
            return Inbound::Wait(timers);
        }
        if !m.ticket_done() {
            return match self.ticket_call(i, backend, customer, ctx, events) {
                TicketAction::Call(call) => Inbound::Launch(i, *call),
                TicketAction::Upload(j, call) => Inbound::Launch(j, *call),
                TicketAction::WaitUntil(t) => {
                    timers.arm(Timer::TicketUpdateBudget, t);
                    Inbound::Wait(timers)
                }
                TicketAction::Decided => Inbound::Settled,
                TicketAction::DecidedWithNote(key, ticket, body) => {
                    Inbound::SettledWithNote(key, ticket, body)
                }
            };
        }
        self.reply_step(i, ctx, events)
    }

    /// Message `i`'s ticket step is done: its reply (or its look-up), or it is finished.
    fn reply_step(&mut self, i: usize, ctx: &Ctx, events: &mut Vec<DomainEvent>) -> Inbound {
        if self.messages[i].reply_done() {
            self.finish(i, ctx, events);
            return Inbound::Settled;
        }
        match &self.messages[i].reply {
            ReplyStep::Due { .. } => {
                let m = &self.messages[i];
                let sid = m.sid.clone();
                let call = if m.retry.verify_first {
                    InboundCall::FindReply {
                        sid,
                        since_ms: m.retry.step_started_ms.unwrap_or(m.received_ms),
                    }
                } else {
                    InboundCall::SendReply { sid }
                };
                Inbound::Launch(i, Call::Inbound(call))
            }
            _ => {
                self.messages[i].reply = ReplyStep::NotNeeded;
                Inbound::Settled
            }
        }
    }
}

impl InboundQueue {
    /// A customer's message: a duplicate of one known (counted; false), or queued in arrival
    /// order, or, past the queue's budget, recorded as refused with the customer asked to send
    /// it again (`limits`).
    pub(in crate::core::conversation) fn accept(
        &mut self,
        message: InboundMessage,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> bool {
        if let Some(i) = self.index_of(&message.message_sid) {
            self.messages[i].duplicates += 1;
            let m = &self.messages[i];
            events.push(DomainEvent::Duplicate {
                sid: m.sid.clone(),
                duplicates: m.duplicates,
                finished: m.is_finished(),
            });
            return false;
        }
        if message.addressed.unrouted {
            events.push(DomainEvent::ChannelUnknown {
                sid: message.message_sid.clone(),
                to: crate::core::redact::mask_phone(
                    message.addressed.to.as_deref().unwrap_or_default(),
                ),
            });
        }
        // Finished messages are bounded even while the queue is stuck (`limits`).
        self.prune(ctx.now_ms);
        let body_chars = message.body.chars().count();
        let language = ctx.config.languages.choose_for(
            &message.body,
            self.language.as_deref(),
            match &message.from {
                Sender::Phone(number) => Some(number.as_str()),
                Sender::ScopedId(_) => None,
            },
        );
        if language.confident {
            self.language = Some(language.code.clone());
        }
        self.last_inbound_ms = Some(ctx.now_ms);
        let content = Content::of(&message);
        let m = Message {
            sid: message.message_sid,
            received_ms: ctx.now_ms,
            body_chars,
            ticket: TicketStep::Pending,
            reply: ReplyStep::Waiting,
            retry: Retry::default(),
            total_attempts: 0,
            unverified_comment: None,
            follow_up_of: None,
            // A pressed button is an answer (to a template), never refused as a greeting.
            skip_triage: content.is_button_reply(),
            duplicates: 0,
            finished_ms: None,
            delivery: None,
            content,
            language: Some(language.code.clone()),
            without_locale: false,
            facts: Facts::default(),
        };
        if self.fits(&m) {
            events.push(DomainEvent::Accepted {
                sid: m.sid.clone(),
                body_chars,
                language: language.code.clone(),
                language_detected: language.confident,
                num_media: message.num_media,
                queue: self.pending_count() + 1,
                channel: ctx.config.channel.clone(),
            });
            self.messages.push(m);
        } else {
            self.refuse(m, ctx, events);
        }
        // Unfinished messages in arrival order ahead of the finished ones.
        self.order_messages();
        true
    }
}
