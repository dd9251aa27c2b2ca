//! One identity per customer: a WhatsApp user who writes with their number and later with their
//! business-scoped user id (BSUID) alone, or the other way, stays one conversation. The link
//! id -> conversation lives in the look-up index (`message_index::link`, durable, shared by every
//! isolate); the first conversation that saw the id keeps it. Each isolate remembers the links
//! it has read, so a customer's next messages cost no index request: a link never moves once
//! made, but an erasure removes it (`forget`, in the isolate that erases; other isolates read
//! the index again once their copy is `REMEMBERED_MS` old).

use crate::core::form::InboundMessage;
use crate::{conversation_do, message_index};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{Env, Result};

/// Links remembered per isolate (a bound on memory: past it, the map starts again), each for
/// at most this long (an erased customer's link is gone from every isolate by then).
const REMEMBERED_MAX: usize = 4096;
const REMEMBERED_MS: u64 = 10 * 60 * 1000;

thread_local! {
    static LINKS: RefCell<HashMap<String, (String, u64)>> = RefCell::new(HashMap::new());
}

/// The link of `key` is erased: this isolate forgets it at once.
pub fn forget(key: &str) {
    LINKS.with(|links| links.borrow_mut().remove(key));
}

/// The conversation (Durable Object id) a message goes to: the one its channel and sender name,
/// unless the sender's user id is linked to another conversation already.
pub async fn conversation_for(message: &InboundMessage, env: &Env) -> Result<String> {
    let named = env
        .durable_object(conversation_do::BINDING)?
        .id_from_name(&conversation_do::object_name(message))?
        .to_string();
    let Some(user_id) = &message.user_id else {
        return Ok(named);
    };
    let key = conversation_do::user_key(message.addressed.channel.as_deref(), user_id);
    let now = crate::clock::now_ms();
    let remembered = LINKS.with(|links| links.borrow().get(&key).cloned());
    if let Some((owner, _)) = remembered.filter(|(_, at)| now < at + REMEMBERED_MS) {
        return Ok(owner);
    }
    let owner = message_index::link(env, &key, &named).await?;
    LINKS.with(|links| {
        let mut links = links.borrow_mut();
        if links.len() >= REMEMBERED_MAX {
            links.clear();
        }
        links.insert(key, (owner.clone(), now));
    });
    Ok(owner)
}
