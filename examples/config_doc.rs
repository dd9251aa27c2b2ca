//! Prints `docs/configuration.md` from the configuration's own table
//! (`src/core/config/settings.rs`): `cargo run --example config_doc > docs/configuration.md`.

fn main() {
    print!(
        "{}",
        whatsapp_zendesk_gateway::core::config::settings::markdown()
    );
}
