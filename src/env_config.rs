//! Reads the configuration from the Worker's bindings: `[vars]`, `.dev.vars`, `--var` and
//! secrets all appear as string bindings.

use crate::core::config::{conventions, Config, ConfigError};
use std::cell::RefCell;
use std::rc::Rc;
use worker::wasm_bindgen::JsCast;
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

fn lookup(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .map(|v| v.to_string())
        .or_else(|_| env.secret(name).map(|v| v.to_string()))
        .ok()
        .or_else(|| json_var(env, name))
}

/// A variable Wrangler gives as an object (a TOML table or JSON object under `[vars]`, such as
/// `CHANNELS`), as JSON text: the configuration reads every setting as text.
fn json_var(env: &Env, name: &str) -> Option<String> {
    let object = env.unchecked_ref::<worker::js_sys::Object>();
    let value = worker::js_sys::Reflect::get(object, &name.into()).ok()?;
    if !value.is_object() {
        return None;
    }
    worker::js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
}

fn read(env: &Env) -> Result<Config, ConfigError> {
    Config::from_lookup(|name| lookup(env, name))
}

/// For `/healthz`: the configuration read afresh (not the isolate's cache) and the bindings
/// with the project's prefixes that it did not read (typos), names only.
pub fn inspect(env: &Env) -> (Result<Config, ConfigError>, Vec<String>) {
    let (config, read) = conventions::from_lookup_recording(|name| lookup(env, name));
    // `env` is a plain object: its keys are every binding's name (vars, secrets, objects).
    let names: Vec<String> =
        worker::js_sys::Object::keys(env.unchecked_ref::<worker::js_sys::Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
    let unread = conventions::unread_settings(names.iter().map(String::as_str), &read);
    (config, unread)
}
