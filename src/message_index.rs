//! The look-up index of earlier versions: MessageSid -> the Conversation Durable Object that
//! owns it, tickets and masked numbers. Still read (entries written before this version) and
//! used to claim the MessageSid of a sender not pinned by WaId (`claim`); new messages are
//! found through the directory kept with the metrics (`metrics_do`).
//! Sharded over 256 Durable Objects by the last two characters of the sid, so no single
//! object sees all traffic. Holds no phone number: only object ids.

use crate::core::edges::{IndexAnswer, IndexRequest};
use crate::{storage, stubs};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "MESSAGE_INDEX";

fn shard_name(key: &str) -> String {
    let tail: String = key.chars().rev().take(2).collect();
    format!("message-index-{}", tail.to_ascii_lowercase())
}

async fn ask(env: &Env, key: &str, request: &IndexRequest) -> Result<IndexAnswer> {
    let stub = env
        .durable_object(BINDING)?
        .id_from_name(&shard_name(key))?
        .get_stub()?;
    stubs::ask(&stub, request).await
}

fn unexpected(answer: IndexAnswer) -> worker::Error {
    worker::Error::RustError(format!("unexpected answer {}", answer.name()))
}

/// Claims `sid` for `conversation` before the message is accepted: `Ok(true)` when the sid was
/// free or is already that conversation's, `Ok(false)` when another conversation owns it (a
/// captured webhook re-signed under another sender: see `webhook::handle`).
pub async fn claim(env: &Env, sid: &str, conversation: &str) -> Result<bool> {
    let request = IndexRequest::Claim {
        sid: sid.to_string(),
        conversation: conversation.to_string(),
    };
    match ask(env, sid, &request).await? {
        IndexAnswer::Claimed => Ok(true),
        IndexAnswer::OwnedByAnother => Ok(false),
        other => Err(unexpected(other)),
    }
}

/// The conversations kept under `key` (a masked number).
pub async fn members(env: &Env, key: &str) -> Result<Vec<String>> {
    let request = IndexRequest::Members {
        key: key.to_string(),
    };
    match ask(env, key, &request).await? {
        IndexAnswer::Members { ids } => Ok(ids),
        other => Err(unexpected(other)),
    }
}

/// The conversation that owns `key` (a MessageSid or a ticket key), if the index knows it. An
/// index that cannot be read is an error, never "unknown" (a Zendesk event would be dropped
/// instead of retried).
pub async fn lookup(env: &Env, key: &str) -> Result<Option<String>> {
    let request = IndexRequest::Lookup {
        key: key.to_string(),
    };
    match ask(env, key, &request).await? {
        IndexAnswer::Found { conversation } => Ok(conversation),
        other => Err(unexpected(other)),
    }
}

/// Removes `key` where it leads to `conversation`, and `conversation` from the set under `key`.
pub async fn forget(env: &Env, key: &str, conversation: &str) -> Result<()> {
    let request = IndexRequest::Forget {
        key: key.to_string(),
        conversation: conversation.to_string(),
    };
    match ask(env, key, &request).await? {
        IndexAnswer::Forgotten => Ok(()),
        other => Err(unexpected(other)),
    }
}

/// Links a customer's WhatsApp user id to `conversation` unless it is linked already, and
/// answers the conversation it is linked to: the first conversation that saw the id keeps it.
pub async fn link(env: &Env, key: &str, conversation: &str) -> Result<String> {
    let request = IndexRequest::Link {
        key: key.to_string(),
        conversation: conversation.to_string(),
    };
    match ask(env, key, &request).await? {
        IndexAnswer::Found {
            conversation: Some(owner),
        } => Ok(owner),
        other => Err(unexpected(other)),
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
        crate::log::configure(&self.env);
        let span = crate::usage::begin(crate::usage::Invocation::ObjectFetch);
        let answer = self.serve(req).await;
        span.end(crate::usage::enabled(&self.env));
        answer
    }
}

impl MessageIndex {
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let request: IndexRequest = match stubs::read(&mut req).await {
            Ok(r) => r,
            Err((detail, status)) => return Response::error(detail, status),
        };
        let storage = self.state.storage();
        let answer = match request {
            IndexRequest::Claim { sid, conversation } => {
                match storage::load::<String>(&storage, &sid).await? {
                    Some(other) if other != conversation => IndexAnswer::OwnedByAnother,
                    Some(_) => IndexAnswer::Claimed,
                    None => {
                        storage::save(&storage, &sid, &conversation).await?;
                        IndexAnswer::Claimed
                    }
                }
            }
            IndexRequest::Lookup { key } => IndexAnswer::Found {
                conversation: storage::load(&storage, &key).await?,
            },
            IndexRequest::Forget { key, conversation } => {
                if storage::load::<String>(&storage, &key).await?.as_ref() == Some(&conversation) {
                    storage::delete(&storage, &key).await?;
                }
                let set_key = format!("set:{key}");
                if let Some(mut set) = storage::load::<Vec<String>>(&storage, &set_key).await? {
                    let before = set.len();
                    set.retain(|id| id != &conversation);
                    if set.is_empty() {
                        storage::delete(&storage, &set_key).await?;
                    } else if set.len() != before {
                        storage::save(&storage, &set_key, &set).await?;
                    }
                }
                IndexAnswer::Forgotten
            }
            IndexRequest::Link { key, conversation } => {
                let owner = match storage::load::<String>(&storage, &key).await? {
                    Some(owner) => owner,
                    None => {
                        storage::save(&storage, &key, &conversation).await?;
                        conversation
                    }
                };
                IndexAnswer::Found {
                    conversation: Some(owner),
                }
            }
            IndexRequest::Members { key } => IndexAnswer::Members {
                ids: storage::load(&storage, &format!("set:{key}"))
                    .await?
                    .unwrap_or_default(),
            },
        };
        stubs::answer(&answer)
    }
}
