//! WhatsApp's typing indicator, run by the alarm that already does the message's work (no
//! Durable Object invocation of its own): started beside the message's first call, never
//! awaited before it, bounded by `TYPING_TIMEOUT_MS`; a failure is logged as a warning and
//! counted with the run's metrics (`DomainEvent::TypingFailed`). The core decides when one is
//! due (`Output::typing`) and what its answer means (`twilio::typing::outcome`).

use crate::core::config::Config;
use crate::core::events::log::log_line;
use crate::core::events::DomainEvent;
use crate::core::http::HttpRequest;
use crate::core::twilio::typing::{outcome, TYPING_TIMEOUT_MS};
use crate::{log, upstream};
use futures_util::future::{select, Either, LocalBoxFuture};
use futures_util::FutureExt;
use std::future::Future;

/// An indicator on its way: its answer's event (none when shown), and the customer as logs
/// show them.
pub struct Indicator {
    answer: LocalBoxFuture<'static, Option<DomainEvent>>,
    masked: String,
}

/// Starts the indicator for message `sid` (one at a time: an earlier one still unanswered,
/// long since bounded by its timeout in practice, is let go without its outcome).
pub fn start(
    slot: &mut Option<Indicator>,
    sid: String,
    request: HttpRequest,
    masked: String,
    config: &Config,
) {
    let timeout = TYPING_TIMEOUT_MS.min(config.upstream_timeout_ms.into()) as u32;
    *slot = Some(Indicator {
        answer: async move {
            let exchange = upstream::exchange(&request, timeout).await;
            outcome(&sid, &exchange)
        }
        .boxed_local(),
        masked,
    });
}

/// Runs `call` with the indicator (if any) on its way beside it: the call's answer is
/// returned as soon as it comes; the indicator, if not answered by then, stays on its way.
pub async fn beside<T>(
    call: impl Future<Output = T>,
    slot: &mut Option<Indicator>,
    events: &mut Vec<DomainEvent>,
    config: &Config,
) -> T {
    let Some(indicator) = slot.take() else {
        return call.await;
    };
    let Indicator { answer, masked } = indicator;
    let call = std::pin::pin!(call);
    match select(call, answer).await {
        Either::Left((out, answer)) => {
            *slot = Some(Indicator { answer, masked });
            out
        }
        Either::Right((failed, call)) => {
            record(failed, &masked, events, config);
            call.await
        }
    }
}

/// After the run: the indicator's answer, waited for (it is bounded).
pub async fn finish(slot: Option<Indicator>, events: &mut Vec<DomainEvent>, config: &Config) {
    if let Some(Indicator { answer, masked }) = slot {
        let failed = answer.await;
        record(failed, &masked, events, config);
    }
}

fn record(
    failed: Option<DomainEvent>,
    masked: &str,
    events: &mut Vec<DomainEvent>,
    config: &Config,
) {
    if let Some(event) = failed {
        log::emit(&log_line(&event, masked), &config.secrets());
        events.push(event);
    }
}
