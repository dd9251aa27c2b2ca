//! The look-up index of earlier versions: MessageSid -> the Conversation Durable Object that
//! owns it, tickets and masked numbers. Still read (entries written before this version) and
//! used to claim the MessageSid of a sender not pinned by WaId (`claim`); new messages are
//! found through the directory kept with the metrics (`metrics_do`).
//! Sharded over 256 Durable Objects by the last two characters of the sid, so no single
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

/// Claims `entry.sid` for `entry.conversation` before the message is accepted: `Ok(true)` when
/// the sid was free or is already that conversation's, `Ok(false)` when another conversation
/// owns it (a captured webhook re-signed under another sender: see `webhook::handle`).
pub async fn claim(env: &Env, entry: &Entry) -> Result<bool> {
    let mut init = RequestInit::new();
    init.with_method(Method::Put)
        .with_body(Some(serde_json::to_string(entry)?.into()));
    let req = Request::new_with_init("https://index/claim", &init)?;
    crate::usage::subrequest();
    match stub(env, &entry.sid)?
        .fetch_with_request(req)
        .await?
        .status_code()
    {
        204 => Ok(true),
        409 => Ok(false),
        status => Err(worker::Error::RustError(format!("index answered {status}"))),
    }
}

/// The conversations kept under `key`.
pub async fn members(env: &Env, key: &str) -> Result<Vec<String>> {
    let query = serde_urlencoded::to_string([("key", key)])
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    crate::usage::subrequest();
    let mut resp = stub(env, key)?
        .fetch_with_str(&format!("https://index/set?{query}"))
        .await?;
    resp.json().await
}

/// The id of the conversation that owns `sid`, if the index knows it.
pub async fn lookup(env: &Env, sid: &str) -> Result<Option<String>> {
    crate::usage::subrequest();
    let mut resp = stub(env, sid)?
        .fetch_with_str(&format!("https://index/entry/{sid}"))
        .await?;
    // Only "not found" means absent: any other answer is an error the caller must not take
    // for "unknown" (a Zendesk event would be dropped instead of retried).
    match resp.status_code() {
        200 => Ok(Some(resp.text().await?)),
        404 => Ok(None),
        status => Err(worker::Error::RustError(format!("index answered {status}"))),
    }
}

#[durable_object(fetch)]
pub struct MessageIndex {
    state: State,
    env: Env,
}

impl DurableObject for MessageIndex {
    fn new(state: State, env: Env) -> Self {
        MessageIndex { state, env }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let span = crate::usage::begin(crate::usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(crate::usage::enabled(&self.env));
        answer
    }
}

impl MessageIndex {
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        let path = req.path();
        if path == "/set" && req.method() == Method::Get {
            let wanted = req
                .url()?
                .query_pairs()
                .find(|(k, _)| k == "key")
                .map(|(_, v)| v.to_string())
                .unwrap_or_default();
            let set: Vec<String> = storage::load(&storage, &format!("set:{wanted}"))
                .await?
                .unwrap_or_default();
            return Response::from_json(&set);
        }
        if path == "/claim" && req.method() == Method::Put {
            let entry: Entry = req.json().await?;
            let owner = storage::load::<String>(&storage, &entry.sid).await?;
            return match owner {
                Some(other) if other != entry.conversation => {
                    Ok(Response::empty()?.with_status(409))
                }
                Some(_) => Ok(Response::empty()?.with_status(204)),
                None => {
                    storage::save(&storage, &entry.sid, &entry.conversation).await?;
                    Ok(Response::empty()?.with_status(204))
                }
            };
        }
        match (req.method(), path.strip_prefix("/entry")) {
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
