//! Reads the configuration from the Worker's bindings: `[vars]`, `.dev.vars`, `--var` and
//! secrets all appear as string bindings.

use crate::core::config::{Config, ConfigError};
use std::cell::RefCell;
use std::rc::Rc;
use worker::Env;

thread_local! {
    /// The bindings cannot change during an isolate's life (a new deployment or secret starts
    /// new isolates), so they are read and validated once per isolate, not once per request:
    /// every webhook, alarm and status callback needs them. A cache of immutable input, not
    /// state.
    static CACHED: RefCell<Option<Result<Rc<Config>, ConfigError>>> = const { RefCell::new(None) };
}

pub fn load(env: &Env) -> Result<Rc<Config>, ConfigError> {
    CACHED.with(|cached| {
        cached
            .borrow_mut()
            .get_or_insert_with(|| read(env).map(Rc::new))
            .clone()
    })
}

fn read(env: &Env) -> Result<Config, ConfigError> {
    Config::from_lookup(|name| {
        env.var(name)
            .map(|v| v.to_string())
            .or_else(|_| env.secret(name).map(|v| v.to_string()))
            .ok()
    })
}
