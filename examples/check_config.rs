//! `npm run deploy`'s preflight: validates the operator's `deploy.env` and `.secrets.env` with
//! the Worker's own rules (`core::config`), natively, before anything is uploaded. An example
//! target so that it is never part of the wasm bundle.
//!
//! Input on stdin (never arguments, which other users and shell history can see):
//! `{"vars": {"NAME": "value", ...}, "secrets": {...}}`. Output: one line per problem, naming
//! the variable and what is expected, never a value. Exit status 0 when ready, 1 when not,
//! 2 on unreadable input.

use std::io::Read;
use whatsapp_zendesk_gateway::core::config::conventions::preflight;

fn pairs(v: &serde_json::Value, key: &str) -> Option<Vec<(String, String)>> {
    v.get(key)?
        .as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

fn main() {
    let mut input = String::new();
    let parsed = std::io::stdin()
        .read_to_string(&mut input)
        .ok()
        .and_then(|_| serde_json::from_str::<serde_json::Value>(&input).ok())
        .and_then(|v| Some((pairs(&v, "vars")?, pairs(&v, "secrets")?)));
    let Some((vars, secrets)) = parsed else {
        eprintln!("check_config: expected {{\"vars\": {{...}}, \"secrets\": {{...}}}} (string values) on stdin");
        std::process::exit(2);
    };
    let report = preflight(&vars, &secrets);
    if let Some(err) = &report.error {
        for name in &err.missing {
            println!("missing: {name}");
        }
        for (name, why) in &err.invalid {
            println!("invalid: {name} {why}");
        }
    }
    for name in &report.secrets_as_vars {
        println!("secret in deploy.env: {name} (move it to .secrets.env)");
    }
    for name in &report.unread {
        println!("unused: {name} (nothing reads it: a typo?)");
    }
    std::process::exit(if report.ready() { 0 } else { 1 });
}
