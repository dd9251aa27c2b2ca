//! Writes structured log lines to the Worker's console (seen in `wrangler dev`, `wrangler tail`
//! and Workers Logs).
//!
//! Workers Logs indexes the fields of an object passed to `console.log` (each becomes a field
//! you can filter and group by in the dashboard's query builder), while a string is one opaque
//! message. So each event is logged as an object, built from the same scrubbed JSON as the text
//! form. `LOG_FORMAT=json` logs the JSON text instead: `wrangler dev` prints objects in its own
//! inspect format, and the sandbox, the tests and the bench read JSON lines.

use crate::core::config::ConfigError;
use crate::core::logline::{Level, LogLine};
use std::cell::Cell;
use worker::{js_sys, web_sys};

thread_local! {
    static AS_TEXT: Cell<bool> = const { Cell::new(false) };
}

/// Reads `LOG_FORMAT` for this isolate (called as each invocation begins).
pub fn configure(env: &worker::Env) {
    let text = env
        .var("LOG_FORMAT")
        .map(|v| v.to_string().eq_ignore_ascii_case("json"))
        .unwrap_or(false);
    AS_TEXT.with(|t| t.set(text));
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
