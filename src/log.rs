//! Writes structured log lines to the Worker's console (seen in `wrangler dev` and `wrangler tail`).

use crate::core::logline::{Level, LogLine};

pub fn emit(line: &LogLine, secrets: &[&str]) {
    let text = line.finish(secrets);
    match line.level {
        Level::Info => worker::console_log!("{text}"),
        Level::Warn => worker::console_warn!("{text}"),
        Level::Error => worker::console_error!("{text}"),
    }
}
