//! The Conversation Durable Object: one per customer. It stores the pure state machine's
//! state and carries out its effects: it never decides anything itself.
//!
//! - `POST /accept` (from the webhook): the message is stored in one write, an alarm set, and
//!   the answer says whether it was a duplicate. No upstream call happens here.
//! - the alarm: the machine runs; every state is stored before the call it asks for goes out,
//!   and the call's answer is applied to freshly loaded state (other requests may have been
//!   handled meanwhile).
//! - `GET /message/{sid}`: the operator's view of one message.

use crate::core::config::Config;
use crate::core::conversation::{Conversation, Ctx, Effect, Event};
use crate::core::form::InboundMessage;
use crate::core::logline::LogLine;
use crate::core::triage::TriageRules;
use crate::message_index::{self, Entry};
use crate::{env_config, log, storage, upstream};
use worker::{
    durable_object, js_sys, DurableObject, Env, Method, Request, Response, Result, State,
};

pub const BINDING: &str = "CONVERSATIONS";
const STATE_KEY: &str = "conversation";
/// A safety bound on calls in one alarm; the machine normally stops far earlier.
const MAX_CALLS_PER_ALARM: usize = 500;
/// When the configuration is broken, look again after this long.
const CONFIG_RETRY_MS: u64 = 60_000;

/// The Durable Object name of a customer (their number or WhatsApp user id).
pub fn object_name(message: &InboundMessage) -> String {
    format!("customer:{}", message.from.display())
}

#[durable_object]
pub struct ConversationObject {
    state: State,
    env: Env,
}

impl ConversationObject {
    async fn load(&self) -> Result<Option<Conversation>> {
        storage::load(&self.state.storage(), STATE_KEY).await
    }

    async fn save(&self, conv: &Conversation) -> Result<()> {
        storage::save(&self.state.storage(), STATE_KEY, conv).await
    }

    async fn accept(&self, mut req: Request, config: &Config) -> Result<Response> {
        let message: InboundMessage = req.json().await?;
        let rules = TriageRules::default();
        let mut conv = self
            .load()
            .await?
            .unwrap_or_else(|| Conversation::new(message.from.clone()));
        let ctx = Ctx {
            now_ms: storage::now_ms(),
            jitter: js_sys::Math::random(),
            config,
            rules: &rules,
            status_callback_url: None,
        };
        let out = conv.step(Event::Received(message), &ctx);
        if !out.duplicate {
            self.save(&conv).await?;
        }
        if let Some(Effect::WakeAt(at)) = out.effect {
            storage::wake_at(&self.state.storage(), at).await?;
        }
        emit(&out.logs, config);
        Response::from_json(&serde_json::json!({ "duplicate": out.duplicate }))
    }

    /// Writes the not yet indexed messages to the look-up index (best effort: retried by the
    /// next alarm when it fails).
    async fn index_new_messages(&self, config: &Config) -> Result<()> {
        let Some(conv) = self.load().await? else {
            return Ok(());
        };
        let sids = conv.unindexed();
        if sids.is_empty() {
            return Ok(());
        }
        let me = self.state.id().to_string();
        let entries: Vec<Entry> = sids
            .iter()
            .map(|sid| Entry {
                sid: sid.clone(),
                conversation: me.clone(),
            })
            .collect();
        if let Err(e) = message_index::record(&self.env, &entries).await {
            log::emit(
                &LogLine::warn("index.write_failed").field("error", e.to_string()),
                &config.secrets(),
            );
            return Ok(());
        }
        let Some(mut conv) = self.load().await? else {
            return Ok(());
        };
        conv.mark_indexed(&sids);
        self.save(&conv).await
    }

    async fn run(&self, config: &Config) -> Result<()> {
        let rules = TriageRules::default();
        let mut event = Event::Wake;
        for _ in 0..MAX_CALLS_PER_ALARM {
            // Loaded afresh each time: an accept may have run while the last call was out.
            let Some(mut conv) = self.load().await? else {
                return Ok(());
            };
            let ctx = Ctx {
                now_ms: storage::now_ms(),
                jitter: js_sys::Math::random(),
                config,
                rules: &rules,
                status_callback_url: None,
            };
            let out = conv.step(event, &ctx);
            // Stored before the call it asks for: the intent survives an eviction.
            self.save(&conv).await?;
            emit(&out.logs, config);
            match out.effect {
                None => return Ok(()),
                Some(Effect::WakeAt(at)) => {
                    return storage::wake_at(&self.state.storage(), at).await
                }
                Some(Effect::Call(request)) => {
                    event = Event::Answered(
                        upstream::exchange(&request, config.upstream_timeout_ms).await,
                    );
                }
            }
        }
        // Unreachable in practice; the in-flight record makes the next alarm safe.
        storage::wake_at(&self.state.storage(), storage::now_ms() + 1_000).await
    }
}

fn emit(lines: &[LogLine], config: &Config) {
    let secrets = config.secrets();
    for line in lines {
        log::emit(line, &secrets);
    }
}

impl DurableObject for ConversationObject {
    fn new(state: State, env: Env) -> Self {
        ConversationObject { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let config = match env_config::load(&self.env) {
            Ok(c) => c,
            Err(e) => return Response::error(e.to_string(), 503),
        };
        let path = req.path();
        match (req.method(), path.as_str()) {
            (Method::Post, "/accept") => self.accept(req, &config).await,
            (Method::Get, p) if p.starts_with("/message/") => {
                let sid = &p["/message/".len()..];
                match self
                    .load()
                    .await?
                    .and_then(|c| c.view(sid, storage::now_ms()))
                {
                    Some(view) => Response::from_json(&view),
                    None => Response::error("unknown message", 404),
                }
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        let config = match env_config::load(&self.env) {
            Ok(c) => c,
            Err(e) => {
                // Nothing is lost: the messages stay stored until the configuration is fixed.
                log::emit(
                    &LogLine::error("config.invalid")
                        .field("missing", e.missing.clone())
                        .field("detail", e.to_string()),
                    &[],
                );
                storage::wake_at(&self.state.storage(), storage::now_ms() + CONFIG_RETRY_MS)
                    .await?;
                return Response::ok("");
            }
        };
        self.index_new_messages(&config).await?;
        self.run(&config).await?;
        Response::ok("")
    }
}
