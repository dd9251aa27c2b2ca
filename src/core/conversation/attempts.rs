//! Attempts, backoff and giving up; what is kept of finished messages.

use super::*;

/// Attempts bookkeeping of one thing the conversation tries until it succeeds or gives up: a
/// message's step, an agent's reply, a note, the ticket checks. The only place backoff and the
/// retry window are applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retry {
    pub attempts: u32,
    pub step_started_ms: Option<u64>,
    pub not_before_ms: u64,
    pub last_error: Option<String>,
    pub verify_first: bool,
}

impl Retry {
    /// Records a failed attempt. Some(delay) to try again after it, None once the retry
    /// window is spent.
    pub(super) fn failed(
        &mut self,
        reason: &str,
        retry_after: Option<u64>,
        unknown: bool,
        ctx: &Ctx,
    ) -> Option<u64> {
        let cfg = ctx.config;
        self.attempts += 1;
        self.last_error = Some(reason.to_string());
        self.verify_first |= unknown;
        let started = *self.step_started_ms.get_or_insert(ctx.now_ms);
        if ctx.now_ms.saturating_sub(started) >= cfg.retry_window_ms {
            return None;
        }
        let delay = backoff_ms(
            self.attempts,
            retry_after,
            cfg.retry_base_ms,
            cfg.retry_max_delay_ms,
            ctx.jitter,
        );
        self.not_before_ms = ctx.now_ms + delay;
        Some(delay)
    }

    /// Nothing tried: stored as nothing where a field may be left out.
    pub(super) fn reset(&mut self) {
        self.attempts = 0;
        self.step_started_ms = None;
        self.not_before_ms = 0;
        self.verify_first = false;
    }
}

impl Conversation {
    /// A failure that may pass: try again after a backoff, or give up past the retry window.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn retry_later(
        &mut self,
        i: usize,
        call: &'static str,
        cause: Cause,
        retry_after: Option<u64>,
        unknown_outcome: bool,
        ctx: &Ctx,
        events: &mut Vec<DomainEvent>,
    ) {
        let m = &mut self.inbound.messages[i];
        m.total_attempts += 1;
        let delay = m.retry.failed(
            &format!("{call}: {cause}"),
            retry_after,
            unknown_outcome,
            ctx,
        );
        let sid = m.sid.clone();
        let attempts = m.retry.attempts;
        let Some(delay) = delay else {
            let why = Cause::GaveUp {
                attempts,
                call: Some(call),
                last: Box::new(cause),
            };
            if !m.ticket_done() {
                self.fail_ticket(&[i], call, why, ctx, events);
            } else {
                let reason = why.to_string();
                events.push(DomainEvent::ReplyGaveUp { sid, cause: why });
                let why = reason;
                let m = &mut self.inbound.messages[i];
                m.end_reply(|kind| {
                    if unknown_outcome {
                        ReplyStep::Unknown { kind, reason: why }
                    } else {
                        ReplyStep::Failed { kind, reason: why }
                    }
                });
                m.complete_step();
            }
            return;
        };
        events.push(DomainEvent::Retrying {
            call,
            attempt: attempts,
            cause,
            retry_in_ms: delay,
            of: RetryOf::Message {
                sid,
                retry_after_secs: retry_after,
            },
        });
    }

    /// Forgets what is finished: messages, settled agents' replies and written notes are kept
    /// for a week (their delivery statuses may still come) and at most `KEEP_FINISHED_MAX` of
    /// each (`KEEP_SETTLED_REPLIES_MAX` agents' replies: `limits`), the oldest going first. One rule for the three lists (`keep_recent`).
    pub(super) fn prune(&mut self, now_ms: u64) {
        // The oldest finished first (a message finished since the last arrival is still
        // where it was queued).
        self.order_messages();
        let fresh = |at: Option<u64>| at.is_none_or(|t| t + KEEP_FINISHED_MS > now_ms);
        keep_recent(
            &mut self.inbound.messages,
            |m| m.finished_ms.or(m.is_finished().then_some(m.received_ms)),
            fresh,
            KEEP_FINISHED_MAX,
        );
        keep_recent(
            &mut self.agents.agent_replies,
            |r| r.is_settled().then_some(r.received_ms),
            fresh,
            super::limits::KEEP_SETTLED_REPLIES_MAX,
        );
        keep_recent(
            &mut self.agents.notes,
            |n| n.done.then_some(0),
            |_| true,
            KEEP_FINISHED_MAX,
        );
        self.compact_settled_replies();
    }

    /// Every WhatsApp message SID this conversation has recorded as its own.
    pub(super) fn sent_sids(&self) -> Vec<&str> {
        self.inbound
            .messages
            .iter()
            .filter_map(|m| match &m.reply {
                ReplyStep::Sent { sid, .. } => Some(sid.as_str()),
                _ => None,
            })
            .chain(
                self.agents
                    .agent_replies
                    .iter()
                    .flat_map(|r| r.sent_sids.iter().map(String::as_str)),
            )
            .collect()
    }

    /// Messages and agents' replies waiting for a retry (a metrics gauge).
    pub fn pending_retries(&self, now_ms: u64) -> u64 {
        let messages = self
            .inbound
            .messages
            .iter()
            .filter(|m| !m.is_finished() && m.retry.not_before_ms > now_ms)
            .count();
        let replies = self
            .agents
            .agent_replies
            .iter()
            .filter(|r| r.retry.not_before_ms > now_ms)
            .count();
        (messages + replies) as u64
    }
}

/// Drops the finished items of `list` that are no longer `fresh` (by when they finished), then
/// the oldest finished ones past `max`. `finished_at` is `None` for an item still
/// in progress, which is always kept.
fn keep_recent<T>(
    list: &mut Vec<T>,
    finished_at: impl Fn(&T) -> Option<u64>,
    fresh: impl Fn(Option<u64>) -> bool,
    max: usize,
) {
    list.retain(|item| finished_at(item).is_none() || fresh(finished_at(item)));
    let finished = list.iter().filter(|i| finished_at(i).is_some()).count();
    let mut drop = finished.saturating_sub(max);
    list.retain(|item| {
        let gone = drop > 0 && finished_at(item).is_some();
        if gone {
            drop -= 1;
        }
        !gone
    });
}
