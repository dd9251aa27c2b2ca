//! Forgetting a customer (a data subject's erasure request, or Zendesk deleting the user):
//! every conversation of theirs on every channel is deleted whole (messages, archived rows,
//! tickets known, language, user id), then what the look-ups still hold about it: the
//! directory entries and recent messages in its metrics shard, the look-up index's links
//! (user id, masked number, tickets, claimed MessageSids). Counters stay: they name no one.
//! One `customer.erased` line, masked. Afterwards the customer's messages answer 404.

use crate::conversation_do::{self, Target};
use crate::core::config::Config;
use crate::core::edges::{ConversationAnswer, ConversationRequest, ErasedConversation};
use crate::core::form::Sender;
use crate::core::logline::LogLine;
use crate::core::metrics::DirectoryKey;
use crate::core::redact::mask_sender;
use crate::{log, message_index, metrics_do};
use serde::Serialize;
use worker::{Env, Result};

/// Most MessageSids whose index claims are removed per conversation (each is one request; the
/// directory entries, in one request, are all removed).
const CLAIMS_FORGOTTEN_MAX: usize = 30;

#[derive(Debug, Default, Serialize)]
pub struct Erasure {
    pub conversations: usize,
    pub messages: usize,
    pub tickets: Vec<u64>,
}

/// Erases the customer `address` (a number or a WhatsApp user id) on every channel, and the
/// conversation their user id is linked to. `Ok(None)`: nothing was stored about them.
pub async fn erase_customer(
    env: &Env,
    config: &Config,
    customer: &Sender,
) -> Result<Option<Erasure>> {
    let namespace = env.durable_object(conversation_do::BINDING)?;
    let mut ids: Vec<String> = Vec::new();
    for channel in config.every_channel() {
        let channel_id = Some(channel.channel.as_str());
        let name = conversation_do::conversation_name(channel_id, customer.display());
        ids.push(namespace.id_from_name(&name)?.to_string());
        if let Sender::ScopedId(user_id) = customer {
            let key = conversation_do::user_key(channel_id, user_id);
            ids.extend(message_index::lookup(env, &key).await?);
        }
    }
    ids.dedup();
    let mut erasure = Erasure::default();
    let mut seen: Vec<String> = Vec::new();
    while let Some(id) = ids.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id.clone());
        let erased =
            match conversation_do::ask(env, Target::Id(&id), &ConversationRequest::Erase).await? {
                ConversationAnswer::Erased(e) => *e,
                other => {
                    return Err(worker::Error::RustError(format!(
                        "unexpected answer {}",
                        other.name()
                    )))
                }
            };
        if !erased.existed {
            continue;
        }
        forget_elsewhere(env, &id, &erased).await?;
        // A number linked to a user id (or the other way) is the same customer: its
        // conversation is hers too.
        if let Some(user_id) = &erased.user_id {
            let key = conversation_do::user_key(erased.channel.as_deref(), user_id);
            if let Some(linked) = message_index::lookup(env, &key).await? {
                ids.push(linked);
            }
            message_index::forget(env, &key, &id).await?;
            crate::identity_links::forget(&key);
        }
        erasure.conversations += 1;
        erasure.messages += erased.sids.len();
        erasure.tickets.extend(&erased.tickets);
    }
    if erasure.conversations == 0 {
        return Ok(None);
    }
    erasure.tickets.sort_unstable();
    erasure.tickets.dedup();
    log::emit(
        &LogLine::info("customer.erased")
            .field("customer", mask_sender(customer).as_str())
            .field("conversations", erasure.conversations)
            .field("messages", erasure.messages)
            .field("tickets", erasure.tickets.len()),
        &config.secrets(),
    );
    Ok(Some(erasure))
}

/// What the look-ups hold about an erased conversation: its metrics shard's directory entries
/// and recent messages, the look-up index's masked-number set, tickets and claimed SIDs.
async fn forget_elsewhere(env: &Env, id: &str, erased: &ErasedConversation) -> Result<()> {
    let mut keys: Vec<DirectoryKey> = erased
        .sids
        .iter()
        .map(|sid| DirectoryKey::Message(sid.clone()))
        .collect();
    keys.extend(erased.tickets.iter().map(|t| DirectoryKey::Ticket(*t)));
    keys.extend(erased.masked.clone().map(DirectoryKey::Masked));
    metrics_do::forget(env, id, keys).await?;
    if let Some(masked) = &erased.masked {
        message_index::forget(env, &conversation_do::masked_key(masked), id).await?;
    }
    for ticket in &erased.tickets {
        message_index::forget(env, &conversation_do::ticket_key(*ticket), id).await?;
    }
    // A sender not pinned by WaId (a user id) claimed each MessageSid in the index.
    if erased.user_id.is_some() {
        for sid in erased.sids.iter().take(CLAIMS_FORGOTTEN_MAX) {
            message_index::forget(env, sid, id).await?;
        }
    }
    Ok(())
}
