//! The cross-customer look-up index: MessageSid -> the Conversation Durable Object that owns
//! it. Sharded over 256 Durable Objects by the last two characters of the sid, so no single
//! object sees all traffic. Holds no phone number: only object ids.

use crate::storage;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result, State,
};

pub const BINDING: &str = "MESSAGE_INDEX";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub sid: String,
    pub conversation: String,
}

fn shard_name(sid: &str) -> String {
    let tail: String = sid.chars().rev().take(2).collect();
    format!("message-index-{}", tail.to_ascii_lowercase())
}

fn stub(env: &Env, sid: &str) -> Result<worker::Stub> {
    env.durable_object(BINDING)?
        .id_from_name(&shard_name(sid))?
        .get_stub()
}

/// Records where each message lives (idempotent).
pub async fn record(env: &Env, entries: &[Entry]) -> Result<()> {
    for entry in entries {
        let mut init = RequestInit::new();
        init.with_method(Method::Put)
            .with_body(Some(serde_json::to_string(entry)?.into()));
        let req = Request::new_with_init("https://index/entry", &init)?;
        let resp = stub(env, &entry.sid)?.fetch_with_request(req).await?;
        if resp.status_code() != 204 {
            return Err(worker::Error::RustError(format!(
                "index answered {}",
                resp.status_code()
            )));
        }
    }
    Ok(())
}

/// The id of the conversation that owns `sid`, if the index knows it.
pub async fn lookup(env: &Env, sid: &str) -> Result<Option<String>> {
    let mut resp = stub(env, sid)?
        .fetch_with_str(&format!("https://index/entry/{sid}"))
        .await?;
    match resp.status_code() {
        200 => Ok(Some(resp.text().await?)),
        _ => Ok(None),
    }
}

#[durable_object(fetch)]
pub struct MessageIndex {
    state: State,
}

impl DurableObject for MessageIndex {
    fn new(state: State, _env: Env) -> Self {
        MessageIndex { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let path = req.path();
        match (req.method(), path.strip_prefix("/entry")) {
            (Method::Put, Some("")) => {
                let entry: Entry = req.json().await?;
                storage::save(&storage, &entry.sid, &entry.conversation).await?;
                Ok(Response::empty()?.with_status(204))
            }
            (Method::Get, Some(rest)) => {
                match storage::load::<String>(&storage, rest.trim_start_matches('/')).await? {
                    Some(conversation) => Response::ok(conversation),
                    None => Response::error("unknown", 404),
                }
            }
            _ => Response::error("not found", 404),
        }
    }
}
