//! The Durable Object's storage as the shell uses it: the conversation's value under one key
//! (`conversation`), re-written on every save (`stored_form::encode`), and each archived
//! finished message under its own key (`fin:<MessageSid>`), written once in the same write
//! (`Output::archived`).
use std::collections::BTreeMap;
use whatsapp_zendesk_gateway::core::conversation::{stored_form, Conversation, Message};

#[derive(Clone)]
pub struct Store {
    value: String,
    archive: BTreeMap<String, String>,
}

impl Store {
    pub fn new(conv: &Conversation) -> Self {
        Store {
            value: stored_form::encode(conv).unwrap(),
            archive: BTreeMap::new(),
        }
    }

    pub fn load(&self) -> Conversation {
        stored_form::decode(&self.value).unwrap().0
    }

    /// Bytes and rows (keys) written.
    pub fn save(&mut self, conv: &Conversation, archived: &[Message]) -> (usize, usize) {
        self.value = stored_form::encode(conv).unwrap();
        let mut bytes = self.value.len();
        for m in archived {
            let row = stored_form::encode_archived(m).unwrap();
            bytes += row.len();
            self.archive.insert(stored_form::archive_key(&m.sid), row);
        }
        (bytes, 1 + archived.len())
    }

    /// Archived rows.
    pub fn archived(&self) -> usize {
        self.archive.len()
    }
}
