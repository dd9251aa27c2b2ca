//! Zendesk's events about tickets, across the parts: whose ticket an event is (a ticket the
//! back end made for this customer, or perhaps the one the inbound queue is making), the
//! agents' side told of a ticket learned, events kept for a ticket not known yet and given up
//! with a note (`agents::unsent`), a changed requester, and delivery statuses routed to the part
//! whose reply they are about. The parent's glue: each part's own rules stay in the part.

use super::agents::unsent::Unmatched;
use super::agents::{EARLY_AGENT_EVENTS_MAX, EARLY_AGENT_EVENT_MS, SERVICE_WINDOW_MS};
use super::*;
use crate::core::ticket_owner::TicketEvent;

impl Conversation {
    /// Remembers a ticket the gateway created for this customer (its requester writes as the
    /// customer; only agents' and admins' public comments on it are sent to WhatsApp).
    pub(in crate::core::conversation) fn remember_ticket(&mut self, t: &TicketRef, ctx: &Ctx) {
        if self.backend.state_mut().remember(t) {
            // Where agents' replies on it find this conversation, whoever its requester
            // becomes in Zendesk.
            self.unsent_metrics
                .directory
                .push(crate::core::metrics::DirectoryEntry {
                    key: crate::core::metrics::DirectoryKey::Ticket(t.id),
                    conversation: ctx.conversation_id.to_string(),
                });
        }
        // An agent answered before this ticket was known here: read its comments now.
        let before = self.agents.early_agent_events.len();
        self.agents
            .early_agent_events
            .retain(|e| e.ticket_id != t.id);
        if self.agents.early_agent_events.len() != before && !self.agents.checks.contains(&t.id) {
            self.agents.checks.push(t.id);
        }
    }

    /// Whether an event for `ticket_id` is this conversation's: a ticket it made or found, or
    /// perhaps the one it is making (a message whose ticket step is not done: Zendesk's answer
    /// to the create may still be on its way when an agent answers within milliseconds). When
    /// the ticket's `external_id` is known (`made_from`), only that message's create counts: a
    /// conversation busy with another message does not keep an event no one will act on.
    pub fn ticket_claim(&self, ticket_id: u64, made_from: Option<&str>) -> TicketClaim {
        let making = |m: &Message| !m.is_finished() && !m.ticket_done();
        if self.backend.knows(ticket_id) {
            TicketClaim::Owns
        } else if match made_from {
            Some(sid) => self.message(sid).is_some_and(making),
            None => self.inbound.messages.iter().any(making),
        } {
            TicketClaim::MayOwn
        } else {
            TicketClaim::NotOurs
        }
    }

    pub(in crate::core::conversation) fn agent_activity(
        &mut self,
        event: &TicketEvent,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> TicketClaim {
        let now_ms = ctx.now_ms;
        let ticket_id = event.ticket_id;
        let claim = self.ticket_claim(ticket_id, event.made_from.as_deref());
        match claim {
            TicketClaim::Owns => {}
            TicketClaim::NotOurs => {
                // Never kept: an event only the ticket's owner can act on is not taken by a
                // conversation that merely shares the requester's e-mail (the shell looks on).
                events.push(DomainEvent::NotOwner { ticket_id });
                return claim;
            }
            TicketClaim::MayOwn => {
                // Not known yet (Zendesk's answer to the create may still be on its way, or was
                // lost and is being looked up): kept, bounded, and read when the ticket is known;
                // given up with a note on the ticket otherwise (`unsent`).
                self.keep_early_event(ticket_id, event.made_from.as_deref(), now_ms, events);
                events.push(DomainEvent::UnknownTicket { ticket_id });
                return claim;
            }
        }
        self.note_requester_change(event, ctx, events);
        // An event-subscribed webhook's: taken once, and acted on without reading the ticket
        // when it says enough (`carried`).
        if let Some(carried) = &event.carried {
            if let super::carried::Taken::Done = self.take_carried(ticket_id, carried, ctx, events)
            {
                return claim;
            }
        }
        let checking_now = matches!(&self.in_flight, Some(InFlight { call: Call::Backend(call), .. }) if call.reads_ticket(ticket_id));
        if checking_now {
            // The comments being read may predate this event: read them again afterwards.
            if !self.agents.rechecks.contains(&ticket_id) {
                self.agents.rechecks.push(ticket_id);
            }
        } else if !self.agents.checks.contains(&ticket_id) {
            self.agents.checks.push(ticket_id);
        }
        claim
    }

    /// The ticket's requester was changed in Zendesk (users merged, or an agent picked another
    /// requester): replies still go to the customer who wrote (by design: the conversation is
    /// theirs), and the agents are told so once per ticket, with the number masked.
    fn note_requester_change(
        &mut self,
        event: &TicketEvent,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let ticket_id = event.ticket_id;
        let me = self.customer.display().to_string();
        let masked = self.masked();
        let Some(known) = self.backend.ticket_mut(ticket_id) else {
            return;
        };
        // A merge target's requester is whoever it was (the merge made it the customer's).
        if known.requester_change_noted || known.merged_from.is_some() {
            return;
        }
        // The requester's id says it best (a customer's profile may get another primary
        // e-mail and stay the requester); without it, the e-mail.
        let changed = match (event.requester_id, known.requester_id) {
            (Some(now), Some(made_with)) => now != made_with,
            _ => match event.requester_email.as_deref().map(str::trim) {
                Some(email) if !email.is_empty() => {
                    let domain = &ctx.config.requester_email_domain;
                    !crate::core::ticket_owner::customer_addresses(email, domain).contains(&me)
                }
                _ => false,
            },
        };
        if !changed {
            return;
        }
        known.requester_change_noted = true;
        events.push(DomainEvent::RequesterChanged { ticket_id });
        let body = format!("WhatsApp: this ticket's requester was changed in Zendesk, but replies here still go to the WhatsApp customer who wrote it: {masked}.");
        self.agents
            .queue_note(format!("requester-changed:{ticket_id}"), ticket_id, body);
    }

    /// A delivery status from Twilio for one of the replies this conversation sent: an agent's
    /// reply's (the agents' side), else a reply to a customer's message (the inbound queue),
    /// whose failure the agents are told of. True when something is due now.
    pub(in crate::core::conversation) fn delivery_status(
        &mut self,
        sid: &str,
        status: DeliveryStatus,
        error_code: Option<u32>,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) -> bool {
        let language = self.inbound.language.as_deref();
        if let Some(due) = self
            .agents
            .delivery_status(sid, status, error_code, language, ctx, events)
        {
            return due;
        }
        match self
            .inbound
            .delivery_status(sid, status, error_code, events)
        {
            Some(Some((key, ticket_id, body))) => self.agents.queue_note(key, ticket_id, body),
            Some(None) => false,
            None => {
                events.push(DomainEvent::DeliveryStatus {
                    reply_sid: sid.to_string(),
                    status,
                    error_code,
                    of: DeliveryOf::Unknown,
                });
                false
            }
        }
    }

    pub(in crate::core::conversation) fn in_window(&self, now_ms: u64) -> bool {
        self.inbound
            .last_inbound_ms
            .is_some_and(|t| t + SERVICE_WINDOW_MS > now_ms)
    }
}

impl Conversation {
    /// Keeps an event for a ticket not known yet (`TicketClaim::MayOwn`), once per ticket.
    /// Past `EARLY_AGENT_EVENTS_MAX` the oldest guess makes room, else the oldest confirmed
    /// event, with a note (the step then wakes the machine at once: `kept_wake`).
    pub(in crate::core::conversation) fn keep_early_event(
        &mut self,
        ticket_id: u64,
        made_from: Option<&str>,
        now_ms: u64,
        events: &mut Vec<DomainEvent>,
    ) {
        self.give_up_early_events(now_ms, events);
        if let Some(kept) = self
            .agents
            .early_agent_events
            .iter_mut()
            .find(|e| e.ticket_id == ticket_id)
        {
            // Zendesk's event delivered again once the shell read the ticket: it names the
            // message the ticket was made from, so the guess is confirmed.
            if kept.made_from.is_none() {
                kept.made_from = made_from.map(str::to_string);
            }
            return;
        }
        if self.agents.early_agent_events.len() >= EARLY_AGENT_EVENTS_MAX {
            let guess = self
                .agents
                .early_agent_events
                .iter()
                .position(|e| e.made_from.is_none());
            let out = self.agents.early_agent_events.remove(guess.unwrap_or(0));
            match guess {
                Some(_) => self
                    .agents
                    .drop_guess(&out, "too_many_unknown_tickets", events),
                None => self.agents.unmatched(&out, Unmatched::Crowded, events),
            }
        }
        self.agents.early_agent_events.push(EarlyAgentEvent {
            ticket_id,
            at_ms: now_ms,
            made_from: made_from.map(str::to_string),
        });
    }

    /// Gives up the kept events that can wait no longer (the agents' side arms the timer of
    /// the next one to expire when it is polled).
    pub(in crate::core::conversation) fn expire_early_events(
        &mut self,
        now_ms: u64,
        events: &mut Vec<DomainEvent>,
    ) {
        self.give_up_early_events(now_ms, events);
    }

    /// A confirmed event (its `made_from` is a message of this conversation: the ticket is
    /// surely its own) that expires, or whose message ended without the ticket becoming known,
    /// becomes a note. A guess (kept only because this conversation was making some ticket when
    /// Zendesk's event named its customer) that expires unconfirmed, or that no message of it
    /// may be making any more, is dropped with an info line and no note: Zendesk's event went on
    /// to the ticket's owner (`zendesk_events::deliver` goes on past a kept event and ends at
    /// the ticket's maker, which confirms it), so a note saying a reply was not sent could be
    /// false there.
    fn give_up_early_events(&mut self, now_ms: u64, events: &mut Vec<DomainEvent>) {
        let mut i = 0;
        while i < self.agents.early_agent_events.len() {
            let e = &self.agents.early_agent_events[i];
            let expired = now_ms.saturating_sub(e.at_ms) >= EARLY_AGENT_EVENT_MS;
            let claim = self.ticket_claim(e.ticket_id, e.made_from.as_deref());
            let confirmed = e.made_from.is_some();
            let fate = match (expired, claim) {
                // Known by now: `remember_ticket` takes its events.
                (_, TicketClaim::Owns) | (false, TicketClaim::MayOwn) => {
                    i += 1;
                    continue;
                }
                (true, _) if confirmed => Ok(Unmatched::Expired),
                (false, _) if confirmed => Ok(Unmatched::MakerEnded),
                (true, _) => Err("unconfirmed"),
                (false, _) => Err("not_this_conversations_ticket"),
            };
            let e = self.agents.early_agent_events.remove(i);
            match fate {
                Ok(why) => self.agents.unmatched(&e, why, events),
                Err(reason) => self.agents.drop_guess(&e, reason, events),
            }
        }
    }
}
