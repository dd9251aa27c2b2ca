//! Attempts, backoff and giving up (`Retry`), and what is kept of finished things
//! (`keep_recent`): one rule for every part's lists.

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

/// Drops the finished items of `list` that are no longer `fresh` (by when they finished), then
/// the oldest finished ones past `max`. `finished_at` is `None` for an item still
/// in progress, which is always kept.
pub(super) fn keep_recent<T>(
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
