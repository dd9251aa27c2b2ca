//! What this isolate has used, as Cloudflare bills it: Worker requests, Durable Object requests
//! (fetches and alarms) and their wall time, storage rows read and written, and subrequests.
//!
//! Counted where the shell does each thing (`storage`, `upstream`, the stubs), summed per
//! isolate: an isolate serves requests concurrently, so per-request figures would mix, while
//! the isolate's running totals are exact. With `USAGE_LOG=1` every invocation ends with one
//! `usage` log line carrying the isolate's id and totals; `bench/ack.mjs` sums the last line of
//! each isolate. Off by default: production pays for log lines too.

use crate::core::logline::LogLine;
use serde::Serialize;
use std::cell::{Cell, RefCell};

#[derive(Debug, Clone, Copy)]
pub enum Invocation {
    Worker,
    ObjectFetch,
    ObjectAlarm,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Totals {
    worker_requests: u64,
    object_requests: u64,
    object_alarms: u64,
    /// Wall time Durable Objects spent in invocations (Cloudflare bills their duration).
    object_ms: u64,
    rows_read: u64,
    rows_written: u64,
    subrequests: u64,
}

thread_local! {
    static TOTALS: RefCell<Totals> = RefCell::new(Totals::default());
    static ISOLATE: Cell<u64> = const { Cell::new(0) };
}

fn with(f: impl FnOnce(&mut Totals)) {
    TOTALS.with(|t| f(&mut t.borrow_mut()));
}

/// An invocation began; call `Span::end` when it answers.
pub fn begin(kind: Invocation) -> Span {
    with(|t| match kind {
        Invocation::Worker => t.worker_requests += 1,
        Invocation::ObjectFetch => t.object_requests += 1,
        Invocation::ObjectAlarm => t.object_alarms += 1,
    });
    Span {
        kind,
        started_ms: crate::clock::now_ms(),
    }
}

pub fn rows_read(n: u64) {
    with(|t| t.rows_read += n);
}

pub fn rows_written(n: u64) {
    with(|t| t.rows_written += n);
}

/// An outgoing fetch: to an API, or to a Durable Object (which is also that object's request).
pub fn subrequest() {
    with(|t| t.subrequests += 1);
}

pub struct Span {
    kind: Invocation,
    started_ms: u64,
}

impl Span {
    /// Adds the invocation's wall time (Durable Objects) and, when enabled, logs the totals.
    pub fn end(self, enabled: bool) {
        if !matches!(self.kind, Invocation::Worker) {
            let ms = crate::clock::now_ms().saturating_sub(self.started_ms);
            with(|t| t.object_ms += ms);
        }
        if !enabled {
            return;
        }
        let isolate = ISOLATE.with(|id| {
            if id.get() == 0 {
                // Random, so the isolates of one run can be told apart.
                id.set((worker::js_sys::Math::random() * 1e15) as u64 + 1);
            }
            id.get()
        });
        let totals = TOTALS.with(|t| t.borrow().clone());
        let mut line = LogLine::info("usage").field("isolate", format!("{isolate:x}"));
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&totals) {
            for (k, v) in fields {
                line = line.field(&k, v);
            }
        }
        crate::log::emit(&line, &[]);
    }
}

/// Whether `USAGE_LOG` asks for the `usage` lines.
pub fn enabled(env: &worker::Env) -> bool {
    env.var("USAGE_LOG")
        .ok()
        .and_then(|v| crate::core::config::conventions::parse_bool(&v.to_string()))
        .unwrap_or(false)
}
