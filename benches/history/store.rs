//! The Durable Object's storage as the shell uses it: one key (`conversation`), the whole
//! conversation in its stored form re-written on every save (`stored_form::encode`).
use whatsapp_zendesk_gateway::core::conversation::{stored_form, Conversation};

#[derive(Clone)]
pub struct Store {
    value: String,
}

impl Store {
    pub fn new(conv: &Conversation) -> Self {
        Store {
            value: stored_form::encode(conv).unwrap(),
        }
    }

    pub fn load(&self) -> Conversation {
        stored_form::decode(&self.value).unwrap().0
    }

    /// Bytes and rows (keys) written.
    pub fn save(&mut self, conv: &Conversation) -> (usize, usize) {
        self.value = stored_form::encode(conv).unwrap();
        (self.value.len(), 1)
    }
}
