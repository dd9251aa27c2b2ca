//! The other direction: agents' public comments in Zendesk go to the customer on WhatsApp,
//! exactly once, and delivery failures come back to the agents as internal notes.
//!
//! A Zendesk webhook only says "ticket T changed": the machine then reads T's comments, with
//! their authors' roles, and queues every public comment by an agent or an admin that it has
//! not seen before. The comment id is the dedup key, so Zendesk's retried webhooks send nothing
//! twice, and the gateway's own comments (written as the requester) and internal notes are never
//! echoed. Only agents speak from the business's number: a public comment by anyone else (a
//! CC'd person, an e-mail reply Zendesk threaded in) or Zendesk's merge notice is not sent, and
//! the agents are told once per ticket (`events::NotForwarded`).

use super::*;
pub(in crate::core::conversation) use calls::part_to_send;

mod calls;
pub mod limits;
pub(in crate::core::conversation) mod unsent;

/// The agents' side of a conversation, owned as one part: the tickets whose comments are to be
/// read, the agents' replies to send on WhatsApp, the internal notes to write, and the events
/// kept for tickets not known yet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentSide {
    /// Tickets Zendesk said changed: their comments are to be read.
    pub checks: Vec<u64>,
    pub check_retry: Retry,
    /// Tickets that changed again while their comments were being read.
    pub rechecks: Vec<u64>,
    /// Agents' public comments to deliver on WhatsApp, oldest first.
    pub agent_replies: Vec<AgentReply>,
    /// Internal notes for the agents (failed deliveries), each written once.
    pub notes: Vec<Note>,
    /// Zendesk events for tickets this conversation does not know yet: an agent may answer
    /// within milliseconds of the ticket's creation, before Zendesk's answer to the create
    /// has reached the gateway. Read when the ticket becomes known (`Conversation::remember_ticket`).
    pub early_agent_events: Vec<EarlyAgentEvent>,
}

/// WhatsApp's customer-service window, with a margin for clock differences.
pub const SERVICE_WINDOW_MS: u64 = 24 * 3600 * 1000 - 5 * 60 * 1000;
/// Template variable 1 of an agent reply sent outside the window, in UTF-16 code units (as
/// Twilio counts a variable's 1600-character limit: error 21658).
pub const TEMPLATE_TEXT_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub enum AgentReplyState {
    /// To send: as free text (in parts) or as the configured template.
    Due {
        template: bool,
    },
    Sent {
        template: bool,
    },
    /// Could not be delivered: the agents are told by an internal note.
    Undeliverable {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentReply {
    pub comment_id: u64,
    pub ticket_id: u64,
    /// The agent's text. Once sent, only its start that the template fallback needs is kept
    /// (`TEMPLATE_TEXT_CHARS`), until the reply is known delivered, the template was tried, or
    /// newer replies need the room; then it is cleared (`limits`). Cleared if undeliverable.
    pub text: String,
    pub received_ms: u64,
    pub state: AgentReplyState,
    /// Twilio SIDs of the parts sent so far.
    pub sent_sids: Vec<String>,
    /// The template was tried, or can no longer be (the text it needs was let go: `limits`).
    pub tried_template: bool,
    /// The agent's files: sent after the text, one WhatsApp message each.
    pub attachments: Vec<zendesk::Attachment>,
    /// The latest delivery status Twilio reported, and its error code.
    pub delivery: Option<DeliveryStatus>,
    pub error_code: Option<u32>,
    /// Left out when idle (a settled reply: `limits`); read as idle when absent.
    pub retry: Retry,
}

/// What a reply is, in a note to the agents: an agent's reply (by its comment), or the
/// satisfaction question (`core::csat`), which no comment is.
pub(in crate::core::conversation) fn what_was_sent(reply_id: u64) -> String {
    match crate::core::csat::question_of(reply_id) {
        Some(_) => "the satisfaction question (CSAT)".to_string(),
        None => format!("the reply above (comment {reply_id})"),
    }
}

/// Twilio's "outside the 24-hour window" error (free text refused; a template may go through).
pub const WINDOW_CLOSED_ERROR: u32 = 63016;

impl AgentReply {
    /// When Twilio refused the free text because the window is closed (error 63016, in the
    /// send's answer or in a delivery status), the approved template is tried, once, if the
    /// company has one (`template`: the customer's language's, else the default language's).
    /// True when the reply is due again as the template.
    pub(in crate::core::conversation) fn fall_back_to_template(
        &mut self,
        error_code: Option<u32>,
        template: Option<&str>,
    ) -> bool {
        if error_code != Some(WINDOW_CLOSED_ERROR) || self.tried_template || template.is_none() {
            return false;
        }
        self.state = AgentReplyState::Due { template: true };
        self.retry.reset();
        true
    }

    /// Due as free text and never tried: no part sent, no attempt made or being verified, no
    /// template tried. A satisfaction question in this state has not reached the customer and
    /// can still be overtaken (an agent's reply goes first) or withdrawn (a reopened ticket).
    pub(in crate::core::conversation) fn untried(&self) -> bool {
        matches!(self.state, AgentReplyState::Due { template: false })
            && self.sent_sids.is_empty()
            && self.retry.attempts == 0
            && !self.retry.verify_first
            && !self.tried_template
    }

    /// Due and surely not on the customer's screen: no part sent, no send that may have gone
    /// (being verified), no template tried. Refused attempts may have been made.
    pub(in crate::core::conversation) fn surely_not_sent(&self) -> bool {
        matches!(self.state, AgentReplyState::Due { .. })
            && self.sent_sids.is_empty()
            && !self.retry.verify_first
            && !self.tried_template
    }

    /// Sent (whatever its delivery) or given up: nothing more to do for it.
    pub fn is_settled(&self) -> bool {
        !matches!(self.state, AgentReplyState::Due { .. })
    }
}

/// An internal note for the agents, written once per `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub key: String,
    pub ticket_id: u64,
    pub body: String,
    pub done: bool,
    pub retry: Retry,
}

/// How long, and how many, Zendesk events for a ticket not known yet are kept.
pub(in crate::core::conversation) const EARLY_AGENT_EVENT_MS: u64 = 3600 * 1000;
pub(in crate::core::conversation) const EARLY_AGENT_EVENTS_MAX: usize = 20;

pub(in crate::core::conversation) enum Part {
    Text(String),
    File(zendesk::Attachment),
}

pub(in crate::core::conversation) fn parts_of(r: &AgentReply) -> Vec<Part> {
    let text = r.text.trim();
    let texts = if text.is_empty() {
        vec![]
    } else {
        twilio::split_for_whatsapp(text, twilio::MAX_BODY_UTF16_UNITS)
    };
    texts
        .into_iter()
        .map(Part::Text)
        .chain(r.attachments.iter().cloned().map(Part::File))
        .collect()
}

/// Whose an event for a ticket is (`Conversation::ticket_claim`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketClaim {
    /// A ticket this conversation made or found.
    Owns,
    /// Unknown, but this conversation is making a ticket: it may be this one.
    MayOwn,
    NotOurs,
}

pub(in crate::core::conversation) enum Next {
    /// The side's own call, or the back end's.
    Call(Box<Call>),
    /// Nothing to call until one of these timers fires (none: nothing to do at all). The
    /// agents' side's own: a reading's retry, a reply's or a note's next attempt, a kept
    /// event's expiry.
    Wait(TimerTable),
}

/// What the agents' side reads of the rest of the conversation when an answer comes (lent by
/// the parent, never kept).
pub(in crate::core::conversation) struct AgentsAnswerAround<'a> {
    pub customer: &'a Sender,
    /// The conversation's language (the agents' reply template is its).
    pub language: Option<&'a str>,
    /// The WhatsApp SIDs the inbound queue recorded as sent (a lost send is not one of them).
    pub inbound_sent: &'a [&'a str],
}

/// What the agents' side reads of the rest of the conversation when it is polled (lent by
/// the parent, never kept).
pub(in crate::core::conversation) struct AgentsAround<'a> {
    /// The customer wrote within WhatsApp's 24-hour window: free text may be sent.
    pub in_window: bool,
    /// The customer has opted out: no template goes to them (`inbound::notices`).
    pub opted_out: bool,
    /// The conversation's language (the agents' reply template is its).
    pub language: Option<&'a str>,
    /// The gateway's public origin is known: files can be linked.
    pub public_origin: bool,
}

impl AgentSide {
    pub(in crate::core::conversation) fn queue_note(
        &mut self,
        key: String,
        ticket_id: u64,
        body: String,
    ) -> bool {
        if self.notes.iter().any(|n| n.key == key) {
            return false;
        }
        self.notes.push(Note {
            key,
            ticket_id,
            body,
            done: false,
            retry: Retry::default(),
        });
        true
    }

    pub(in crate::core::conversation) fn undeliverable(
        &mut self,
        i: usize,
        cause: Cause,
        events: &mut Vec<DomainEvent>,
    ) {
        let reason = cause.to_string();
        let r = &mut self.agent_replies[i];
        r.state = AgentReplyState::Undeliverable {
            reason: reason.clone(),
        };
        r.text.clear();
        let (ticket_id, comment_id) = (r.ticket_id, r.comment_id);
        events.push(DomainEvent::AgentReplyUndeliverable {
            ticket_id,
            comment_id,
            cause,
        });
        let body = format!(
            "WhatsApp: {} was not delivered to the customer: {reason}.",
            what_was_sent(comment_id)
        );
        self.queue_note(format!("undeliverable:{comment_id}"), ticket_id, body);
    }
}

impl AgentSide {
    /// An agent's reply that only a template could carry, to a customer who opted out: not
    /// sent, and the agents are told so on the ticket.
    fn suppress_template(&mut self, i: usize, events: &mut Vec<DomainEvent>) {
        let r = &mut self.agent_replies[i];
        r.state = AgentReplyState::Undeliverable {
            reason: "the customer opted out: no template is sent to them".into(),
        };
        r.text.clear();
        let (ticket_id, comment_id) = (r.ticket_id, r.comment_id);
        events.push(DomainEvent::TemplateSuppressed {
            ticket_id,
            comment_id,
        });
        let body = format!("WhatsApp: {} was not sent. The customer has opted out (sent STOP or an equivalent word) and last wrote more than 24 hours ago, when only an approved template could reach them, and no template is sent to a customer who opted out. They can be answered as soon as they write again.", what_was_sent(comment_id));
        self.queue_note(format!("opted_out:{comment_id}"), ticket_id, body);
    }

    /// The agents' side's next call (a ticket's comments to read, an agent's reply to send, a
    /// note to write), or nothing until one of its timers fires. `around`: what it reads of
    /// the rest of the conversation.
    pub(in crate::core::conversation) fn poll(
        &mut self,
        backend: &Backend,
        around: &AgentsAround,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Next {
        let now = ctx.now_ms;
        let mut timers = TimerTable::default();
        // Kept events expire (`unsent`): the parent gives up those past due before the poll.
        if let Some(first) = self.early_agent_events.iter().map(|e| e.at_ms).min() {
            timers.arm(Timer::KeptEventExpiry, first + EARLY_AGENT_EVENT_MS);
        }
        if let Some(&ticket_id) = self.checks.first() {
            if self.check_retry.not_before_ms <= now {
                return Next::Call(Box::new(Call::Backend(backend.read_ticket(ticket_id))));
            }
            timers.arm(Timer::TicketCheckRetry, self.check_retry.not_before_ms);
        }
        for i in 0..self.agent_replies.len() {
            let r = &self.agent_replies[i];
            let AgentReplyState::Due { template } = r.state else {
                continue;
            };
            if r.retry.not_before_ms > now {
                timers.arm(Timer::AgentReplyRetry, r.retry.not_before_ms);
                break; // in order: later replies wait for this one
            }
            // The ticket's comments are still to be read (a trigger call waiting out a retry):
            // an agent's reply among them goes before the satisfaction question, which waits
            // for the read (its retry's timer is armed above).
            if crate::core::csat::question_of(r.comment_id).is_some()
                && r.untried()
                && self.checks.contains(&r.ticket_id)
            {
                break;
            }
            let comment_id = r.comment_id;
            if r.retry.verify_first {
                return Next::Call(Box::new(Call::Agents(AgentCall::FindAgentReply {
                    comment_id,
                    since_ms: r.retry.step_started_ms.unwrap_or(r.received_ms),
                })));
            }
            if (template || !around.in_window) && around.opted_out {
                self.suppress_template(i, events);
                continue;
            }
            // The satisfaction question as its approved quick-reply template goes either way.
            let quick_reply = crate::core::csat::question_of(comment_id).is_some()
                && ctx.language(around.language).csat_content_sid.is_some();
            if !template && !around.in_window && !quick_reply {
                match ctx.language(around.language).agent_reply_content_sid {
                    Some(_) => {
                        self.agent_replies[i].state = AgentReplyState::Due { template: true }
                    }
                    None => {
                        self.undeliverable(i, Cause::OutsideWindow, events);
                        continue;
                    }
                }
            }
            let needs_url =
                matches!(part_to_send(&self.agent_replies[i]), Part::File(_)) && !template;
            if needs_url && !around.public_origin {
                self.undeliverable(i, Cause::NotConfigured, events);
                continue;
            }
            return Next::Call(Box::new(Call::Agents(AgentCall::SendAgentReply {
                comment_id,
            })));
        }
        for n in self.notes.iter().filter(|n| !n.done) {
            if n.retry.not_before_ms > now {
                timers.arm(Timer::NoteRetry, n.retry.not_before_ms);
                continue;
            }
            return Next::Call(Box::new(Call::Backend(if n.retry.verify_first {
                backend.find_note(&n.key, n.retry.step_started_ms.unwrap_or(now))
            } else {
                backend.add_note(&n.key)
            })));
        }
        Next::Wait(timers)
    }
}

impl AgentSide {
    /// A delivery status for one of the agents' replies: `None` when it is not one of theirs,
    /// else whether something is due now (the template fallback, or a note saying it failed).
    pub(in crate::core::conversation) fn delivery_status(
        &mut self,
        sid: &str,
        status: DeliveryStatus,
        error_code: Option<u32>,
        language: Option<&str>,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> Option<bool> {
        let line = |of| DomainEvent::DeliveryStatus {
            reply_sid: sid.to_string(),
            status,
            error_code,
            of,
        };
        if let Some(r) = self
            .agent_replies
            .iter_mut()
            .find(|r| r.sent_sids.iter().any(|s| s == sid))
        {
            if status.rank() <= r.delivery.map_or(0, DeliveryStatus::rank) {
                return Some(false);
            }
            r.delivery = Some(status);
            r.error_code = error_code;
            events.push(line(DeliveryOf::AgentReply {
                ticket_id: r.ticket_id,
                comment_id: r.comment_id,
            }));
            if status.is_failure() {
                let (ticket_id, comment_id) = (r.ticket_id, r.comment_id);
                let template = ctx.language(language).agent_reply_content_sid.as_deref();
                if r.fall_back_to_template(error_code, template) {
                    return Some(true);
                }
                let code = error_code
                    .map(|c| format!("Twilio error {c}: {}", twilio::error_meaning(c)))
                    .unwrap_or_else(|| "no error code".into());
                let body = format!(
                    "WhatsApp delivery of {} failed: {status} ({code}). The customer did not receive it.",
                    what_was_sent(comment_id)
                );
                return Some(self.queue_note(format!("delivery:{sid}"), ticket_id, body));
            }
            return Some(false);
        }
        None
    }
}
