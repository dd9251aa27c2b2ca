//! Reads the configuration from the Worker's bindings: `[vars]`, `.dev.vars`, `--var` and
//! secrets all appear as string bindings.

use crate::core::config::{Config, ConfigError};
use worker::Env;

pub fn load(env: &Env) -> Result<Config, ConfigError> {
    Config::from_lookup(|name| {
        env.var(name)
            .map(|v| v.to_string())
            .or_else(|_| env.secret(name).map(|v| v.to_string()))
            .ok()
    })
}
