//! Writes structured log lines to the Worker's console (seen in `wrangler dev` and `wrangler tail`).

use crate::core::config::ConfigError;
use crate::core::logline::{Level, LogLine};

pub fn emit(line: &LogLine, secrets: &[&str]) {
    let text = line.finish(secrets);
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
