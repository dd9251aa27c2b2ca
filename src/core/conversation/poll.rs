//! The parent polling its parts: which part acts next, and when the conversation wakes.
//!
//! Order, on every pass of a step (`Conversation::next`):
//! 1. the call in flight: while another invocation may still be making it, nothing else
//!    happens (the wake-up is its deadline); past it, its outcome is unknown and it is
//!    answered as interrupted;
//! 2. what the last Zendesk answer said that every conversation must know now (a 429, a limit
//!    the account's budget does not know: `SlotHolder::report_due`);
//! 3. the inbound queue (`InboundQueue::poll`): the customer's oldest unfinished message (a
//!    refused message's answer first), in order;
//! 4. the agents' side (`AgentSide::poll`), when the queue waits or is empty: kept events
//!    given up first (they need the whole conversation to judge), then ticket readings,
//!    agents' replies, notes;
//!
//! A Zendesk call either part chose goes only with a slot of the account's budget
//! (`core::api_budget`): the conversation asks for one (`Effect::AskBudget`), or sleeps until
//! the slot it holds is due (`Timer::ZendeskBudget`; a Twilio call of the other part may go
//! meanwhile), then confirms it.
//! 5. nothing to do now: each part said what it waits for (its own `TimerTable`); the wake-up
//!    is the soonest of them, kept with its reason (`Wake`), and the alarm that answers it
//!    logs which timer fired (`fired`). With nothing left to wait for, finished things are
//!    pruned.
//!
//! A pass that settles something without a call goes round again; the passes are bounded, and
//! running out of them (a defect) is said loudly (`Stalled`) and the conversation looks again
//! later: a step never ends without a wake-up while work is left.

use super::agents::{AgentsAnswerAround, AgentsAround, Next};
use super::inbound::{Inbound, InboundAround};
use super::*;
use crate::core::api_budget::{CallKind, Gate};

impl Conversation {
    /// Decides the next call (recording it as in flight), or when to wake, or nothing.
    pub(super) fn next(&mut self, ctx: &Ctx, events: &mut Vec<DomainEvent>) -> Option<Effect> {
        // Bounded: each pass either returns or settles something without a call.
        let bound = (self.inbound.messages.len()
            + self.agents.agent_replies.len()
            + self.agents.notes.len())
            * 4
            + 8;
        for _ in 0..bound {
            if let Some(flight) = &self.in_flight {
                let deadline = flight.started_ms
                    + u64::from(ctx.config.upstream_timeout_ms)
                    + IN_FLIGHT_GRACE_MS;
                if ctx.now_ms < deadline {
                    // Another invocation is making this call right now.
                    return Some(self.wake_once(Timer::CallInFlight, deadline));
                }
                let call = flight.call.name();
                let sid = flight.call.message().unwrap_or_default().to_string();
                events.push(DomainEvent::CallInterrupted { sid, call });
                self.answered(
                    Exchange::NetworkError("interrupted before its answer was stored".into()),
                    ctx,
                    events,
                );
                continue;
            }
            if let Some(report) = self.zendesk_budget.report_due() {
                return Some(Effect::AskBudget(report));
            }
            let queue_waits = match self
                .inbound
                .poll(&self.backend, &self.customer, ctx, events)
            {
                Inbound::Launch(i, call) => match self.gate(&call, ctx) {
                    Gated::Go => return Some(self.launch(i, call, ctx)),
                    Gated::Ask(ask) => return Some(Effect::AskBudget(ask)),
                    Gated::Wait(at) => {
                        let mut timers = TimerTable::default();
                        timers.arm(Timer::ZendeskBudget, at);
                        timers
                    }
                },
                Inbound::Settled => continue,
                Inbound::SettledWithNote(key, ticket, body) => {
                    if let Some(id) = ticket.or(self.backend.open_ticket().map(|t| t.id)) {
                        self.agents.queue_note(key, id, body);
                    }
                    continue;
                }
                Inbound::Wait(timers) => timers,
            };
            self.expire_early_events(ctx.now_ms, events);
            let around = AgentsAround {
                in_window: self.in_window(ctx.now_ms),
                opted_out: self.inbound.opted_out_ms.is_some(),
                language: self.inbound.language.as_deref(),
                public_origin: self.public_origin(ctx.config).is_some(),
            };
            let agents_wait = match self.agents.poll(&self.backend, &around, ctx, events) {
                Next::Call(call) => match self.gate(&call, ctx) {
                    Gated::Ask(ask) => return Some(Effect::AskBudget(ask)),
                    Gated::Wait(at) => {
                        let mut timers = TimerTable::default();
                        timers.arm(Timer::ZendeskBudget, at);
                        timers
                    }
                    Gated::Go => {
                        let Some(request) = self.request(&call, ctx) else {
                            // What the call acts on is gone (a defect): look again later, or
                            // sooner if the queue waits for less.
                            let mut timers = queue_waits;
                            timers.arm(Timer::Unbuildable, ctx.now_ms + UNBUILDABLE_WAIT_MS);
                            let (timer, at) = timers
                                .next_timeout()
                                .unwrap_or((Timer::Unbuildable, ctx.now_ms + UNBUILDABLE_WAIT_MS));
                            return Some(self.wake_once(timer, at));
                        };
                        self.in_flight = Some(InFlight {
                            call: *call,
                            started_ms: ctx.now_ms,
                        });
                        return Some(Effect::Call(request));
                    }
                },
                Next::Wait(timers) => timers,
            };
            let soonest = [queue_waits.next_timeout(), agents_wait.next_timeout()]
                .into_iter()
                .flatten()
                .min_by_key(|(_, at)| *at);
            // Idle but for the archive's weekly prune (or not even that): what is finished in
            // the value is pruned now.
            if soonest.is_none_or(|(timer, _)| timer == Timer::ArchivePrune) {
                self.prune(ctx.now_ms);
            }
            let Some((timer, at_ms)) = soonest else {
                self.wake = None;
                return None;
            };
            return Some(self.wake_once(timer, at_ms));
        }
        // Every pass returns or settles something, so this is a defect: said loudly, and the
        // conversation looks again later instead of sleeping with work left.
        events.push(DomainEvent::Stalled { passes: bound });
        Some(self.wake_once(Timer::Stalled, ctx.now_ms + UNBUILDABLE_WAIT_MS))
    }

    /// The wake-up for `timer` at `at_ms`, remembered with its reason (`fired`).
    pub(super) fn wake_once(&mut self, timer: Timer, at_ms: u64) -> Effect {
        self.wake = Some(Wake { timer, at_ms });
        Effect::WakeAt(at_ms)
    }

    /// What the account's Zendesk budget says of `call`: a call to another API goes.
    fn gate(&mut self, call: &Call, ctx: &Ctx) -> Gated {
        let Some(kind) = zendesk_kind(call) else {
            return Gated::Go;
        };
        match self.zendesk_budget.gate(kind, ctx.now_ms) {
            Gate::Call => Gated::Go,
            Gate::Ask(ask) => Gated::Ask(ask),
            Gate::SleepUntil(at) => Gated::Wait(at),
        }
    }

    /// An alarm: if it answers a timer the conversation set, say which one and how late.
    pub(super) fn fired(&mut self, now_ms: u64, events: &mut Vec<DomainEvent>) {
        let Some(wake) = self.wake.filter(|w| w.at_ms <= now_ms) else {
            return;
        };
        self.wake = None;
        events.push(DomainEvent::TimerFired {
            timer: wake.timer.name(),
            late_ms: now_ms - wake.at_ms,
        });
    }

    /// The answer to the call in flight goes to the part whose call it was (a back-end call's
    /// read by the back end first, its outcome to the part that asked); a ticket the inbound
    /// queue learned is remembered for the agents' side.
    pub(super) fn answered(
        &mut self,
        exchange: Exchange,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let Some(InFlight { call, started_ms }) = self.in_flight.take() else {
            events.push(DomainEvent::AnswerWithoutCall);
            return;
        };
        if zendesk_kind(&call).is_some() {
            self.zendesk_budget.saw(&exchange, ctx.now_ms);
            let answer = match &exchange {
                Exchange::Answered(a) => Some(a),
                _ => None,
            };
            events.push(DomainEvent::ZendeskCalled {
                call: call.name(),
                status: answer.map(|a| a.status),
                retry_after_s: answer
                    .and_then(|a| crate::core::retry::parse_retry_after(a.header("retry-after"))),
            });
        }
        let inbound_sent = self.inbound.sent_sids();
        let agents_around = AgentsAnswerAround {
            customer: self.reply_to.as_ref().unwrap_or(&self.customer),
            language: self.inbound.language.as_deref(),
            inbound_sent: &inbound_sent,
        };
        let call = match call {
            Call::Agents(call) => {
                let before = events.len();
                self.agents
                    .answered(&call, &exchange, &agents_around, ctx, events);
                self.question_sent(&events[before..], started_ms);
                return;
            }
            Call::Backend(call) => {
                let around = super::requests::call_around(&self.inbound, &self.agents);
                let answer = self.backend.read(call, &exchange, &around, ctx);
                let learned = match answer {
                    BackendAnswer::TicketRead { .. } | BackendAnswer::Noted { .. } => {
                        self.agents
                            .backend_answered(answer, &mut self.backend, ctx, events);
                        None
                    }
                    answer => self.inbound.backend_answered(
                        answer,
                        started_ms,
                        &mut self.backend,
                        ctx,
                        events,
                    ),
                };
                if let Some(ticket) = learned {
                    self.remember_ticket(&ticket, ctx);
                }
                return;
            }
            Call::Inbound(call) => call,
        };
        let agents_sent = self.agents.sent_sids();
        let around = InboundAround {
            customer: self.reply_to.as_ref().unwrap_or(&self.customer),
            agents_sent: &agents_sent,
        };
        self.inbound
            .answered(call, started_ms, exchange, &around, ctx, events);
    }
}

/// What the account's Zendesk budget says of a call the parts chose.
enum Gated {
    Go,
    Ask(crate::core::api_budget::SlotAsk),
    Wait(u64),
}

/// What a call draws on of the account's Zendesk budget; none: not a Zendesk call.
fn zendesk_kind(call: &Call) -> Option<CallKind> {
    match call {
        Call::Backend(BackendCall::ZendeskSupport(
            ZendeskCall::AddComment { .. } | ZendeskCall::AddNote { .. },
        )) => Some(CallKind::TicketUpdate),
        Call::Backend(_) | Call::Inbound(InboundCall::TransferMedia { .. }) => {
            Some(CallKind::Request)
        }
        Call::Inbound(_) | Call::Agents(_) => None,
    }
}
