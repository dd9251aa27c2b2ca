//! Writes structured log lines to the Worker's console (seen in `wrangler dev`, `wrangler tail`
//! and Workers Logs).
//!
//! Workers Logs indexes the fields of an object passed to `console.log` (each becomes a field
//! you can filter and group by in the dashboard's query builder), while a string is one opaque
//! message. So each event is logged as an object, built from the same scrubbed JSON as the text
//! form. `LOG_FORMAT=json` logs the JSON text instead: `wrangler dev` prints objects in its own
//! inspect format, and the sandbox, the tests and the bench read JSON lines.

use crate::core::config::conventions::{parse_log_format, parse_refusal_window_secs, LogFormat};
use crate::core::config::ConfigError;
use crate::core::logline::{Level, LogLine};
use crate::core::refusals::{RefusalLog, DEFAULT_WINDOW_MS};
use std::cell::{Cell, RefCell};
use worker::{js_sys, web_sys};

thread_local! {
    static AS_TEXT: Cell<bool> = const { Cell::new(false) };
    /// Refused signatures counted in this isolate (`core::refusals`).
    static REFUSALS: RefCell<RefusalLog> = RefCell::new(RefusalLog::default());
    static REFUSAL_WINDOW_MS: Cell<u64> = const { Cell::new(DEFAULT_WINDOW_MS) };
}

/// Reads `LOG_FORMAT` and `REFUSAL_LOG_WINDOW_SECS` for this isolate (called as each
/// invocation begins), then writes the summaries of refusal windows that have ended: a flood
/// that stopped is reported by the next request, whatever it is.
pub fn configure(env: &worker::Env) {
    let text = env
        .var("LOG_FORMAT")
        .ok()
        .and_then(|v| parse_log_format(&v.to_string()))
        == Some(LogFormat::Json);
    AS_TEXT.with(|t| t.set(text));
    // 1 to 3600 seconds; anything else is the default minute (the tests use a short window).
    let window_ms = env
        .var("REFUSAL_LOG_WINDOW_SECS")
        .ok()
        .and_then(|v| parse_refusal_window_secs(&v.to_string()))
        .map_or(DEFAULT_WINDOW_MS, |s| s * 1000);
    REFUSAL_WINDOW_MS.with(|w| w.set(window_ms));
    let due = REFUSALS.with(|r| r.borrow_mut().due(crate::clock::now_ms(), window_ms));
    for line in &due {
        emit(line, &[]);
    }
}

/// A refused webhook signature (forged, missing or stale), described by `line`: logged at once
/// when it is the first of its endpoint and `reason` in the window, otherwise counted into the
/// window's summary line (`core::refusals`).
pub fn refused_signature(endpoint: &str, reason: &str, line: LogLine) {
    let window_ms = REFUSAL_WINDOW_MS.with(Cell::get);
    let now = crate::clock::now_ms();
    let lines = REFUSALS.with(|r| {
        r.borrow_mut()
            .refused(endpoint, reason, line, now, window_ms)
    });
    for line in &lines {
        emit(line, &[]);
    }
}

pub fn emit(line: &LogLine, secrets: &[&str]) {
    let text = line.finish(secrets);
    if !AS_TEXT.with(Cell::get) {
        if let Ok(object) = js_sys::JSON::parse(&text) {
            match line.level {
                Level::Info => web_sys::console::log_1(&object),
                Level::Warn => web_sys::console::warn_1(&object),
                Level::Error => web_sys::console::error_1(&object),
            }
            return;
        }
    }
    match line.level {
        Level::Info => worker::console_log!("{text}"),
        Level::Warn => worker::console_warn!("{text}"),
        Level::Error => worker::console_error!("{text}"),
    }
}

/// The configuration cannot be used: which variables are missing or invalid (never values).
pub fn config_invalid(e: &ConfigError) {
    emit(
        &LogLine::error("config.invalid")
            .field("missing", e.missing.clone())
            .field("detail", e.to_string()),
        &[],
    );
}
