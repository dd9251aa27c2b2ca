//! The portable core: pure functions and plain data, no `worker` types and no I/O.
//! Everything here is tested natively with `cargo test`; the Worker shell only feeds it
//! bytes and carries out the requests it describes.

pub mod alerts;
pub mod analytics;
pub mod api_budget;
pub mod config;
pub mod conversation;
pub mod csat;
pub mod delivery;
pub mod edges;
pub mod events;
pub mod form;
pub mod hours;
pub mod http;
pub mod language;
pub mod logline;
pub mod media_url;
pub mod message_view;
pub mod metrics;
pub mod metrics_series;
pub mod origin;
pub mod redact;
pub mod refusals;
pub mod retry;
pub mod signature;
pub mod stored;
pub mod text;
pub mod ticket_owner;
pub mod time;
pub mod triage;
pub mod twilio;
pub mod twilio_ids;
pub mod vcard;
pub mod zendesk;
pub mod zendesk_event;
