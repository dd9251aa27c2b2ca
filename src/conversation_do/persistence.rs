//! The conversation's storage, as the Durable Object keeps it: its value under one key (any
//! stored version read, a value this version cannot read quarantined), and the archive of
//! finished messages, one row each (`fin:<MessageSid>`), written with the value in one put and
//! pruned a week after they finished.

use super::*;
use crate::core::stored::PruneVerdict;

impl ConversationObject {
    /// The conversation, from its stored form of any known version (`core::stored`); an
    /// older form is migrated here and stored in the current form by the next save.
    pub(super) async fn load(&self) -> Result<Option<Conversation>> {
        self.load_for(None).await
    }

    /// `load`, knowing who the customer is when the caller does (a message's sender): an
    /// unreadable stored value is quarantined and replaced by a fresh conversation for them.
    pub(super) async fn load_for(&self, customer: Option<&Sender>) -> Result<Option<Conversation>> {
        Ok(self.load_with(customer, None).await?.0)
    }

    /// `load_for`, with the archived row of message `archived` when it has one (`fin:<sid>`),
    /// read in the same storage call.
    pub(super) async fn load_with(
        &self,
        customer: Option<&Sender>,
        archived: Option<&str>,
    ) -> Result<(Option<Conversation>, Option<Box<Message>>)> {
        let storage = self.state.storage();
        let (text, row) = match archived {
            None => (storage::load_text(&storage, STATE_KEY).await?, None),
            Some(sid) => {
                let key = stored_form::archive_key(sid);
                let mut found = storage::load_texts(&storage, &[STATE_KEY, &key]).await?;
                (found.remove(STATE_KEY), found.remove(&key))
            }
        };
        let archived = row.and_then(|text| {
            let m = stored_form::decode_archived(&text);
            if m.is_none() {
                log::emit(
                    &LogLine::error("archive.unreadable").field("bytes", text.len()),
                    &[],
                );
            }
            m.map(Box::new)
        });
        let Some(text) = text else {
            return Ok((None, archived));
        };
        Ok((self.decode_or_quarantine(text, customer).await?, archived))
    }

    async fn decode_or_quarantine(
        &self,
        text: String,
        customer: Option<&Sender>,
    ) -> Result<Option<Conversation>> {
        match stored_form::decode_reporting(&text) {
            Ok(decoded) => {
                if let Some(version) = decoded.read_newer {
                    log::emit(
                        &LogLine::warn("conversation.newer_read")
                            .field("version", version)
                            .field("reads_up_to", stored::VERSION)
                            .field("from", decoded.conversation.masked()),
                        &[],
                    );
                }
                Ok(Some(decoded.conversation))
            }
            Err(why) => self.quarantine(text, why, customer).await,
        }
    }

    /// A stored value this version cannot read (a newer version's after a rollback, a corrupted
    /// one) would fail every webhook and alarm of the customer forever. It is copied under
    /// `quarantine:<ms>` (for an operator to inspect or restore) and the customer carries on
    /// with a fresh conversation that still recognises the MessageSids read from it (Twilio's
    /// retries make no second ticket). Logged loudly, without any of its content.
    async fn quarantine(
        &self,
        text: String,
        why: stored::Unreadable,
        customer: Option<&Sender>,
    ) -> Result<Option<Conversation>> {
        let storage = self.state.storage();
        let now_ms = clock::now_ms();
        let key = format!("quarantine:{now_ms}");
        let bytes = text.len();
        let salvage = stored::salvage(&text);
        storage::save_text(&storage, &key, text).await?;
        let fresh = salvage
            .customer
            .clone()
            .or_else(|| customer.cloned())
            .map(|c| Conversation::recovered(c, &salvage, now_ms));
        match &fresh {
            Some(conv) => self.save(conv).await?,
            None => storage::delete(&storage, STATE_KEY).await?,
        }
        let mut line = LogLine::error("conversation.quarantined")
            .field("reason", why.kind())
            .field("detail", why.to_string())
            .field("key", key)
            .field("bytes", bytes)
            .field("sids_recovered", salvage.sids.len())
            .field("pending_recovered", salvage.pending.len())
            .field("tickets_recovered", salvage.tickets.len())
            .field("conversation", self.state.id().to_string());
        if let Some(conv) = &fresh {
            line = line.field("from", conv.masked());
        }
        log::emit(&line, &[]);
        Ok(fresh)
    }

    pub(super) async fn save(&self, conv: &Conversation) -> Result<()> {
        self.save_with(conv, &[]).await
    }

    /// Stores the conversation and, in the same write (all or nothing), the rows of the
    /// messages it archived (`Output::archived`).
    pub(super) async fn save_with(&self, conv: &Conversation, archived: &[Message]) -> Result<()> {
        let text = stored_form::encode(conv).map_err(worker::Error::RustError)?;
        if text.len() > STORED_BUDGET_BYTES {
            // Should not happen (`core::conversation::limits`); saved all the same while under
            // the platform's 2 MB, and said loudly so that the bound can be fixed.
            log::emit(
                &LogLine::error("conversation.over_budget")
                    .field("bytes", text.len())
                    .field("budget_bytes", STORED_BUDGET_BYTES)
                    .field("from", conv.masked()),
                &[],
            );
        }
        if archived.is_empty() {
            return storage::save_text(&self.state.storage(), STATE_KEY, text).await;
        }
        let mut rows = vec![(STATE_KEY.to_string(), text)];
        for m in archived {
            let row = stored_form::encode_archived(m).map_err(worker::Error::RustError)?;
            rows.push((stored_form::archive_key(&m.sid), row));
        }
        storage::save_texts(&self.state.storage(), rows).await
    }

    /// Deletes the archive's rows of messages finished before `before`; when the oldest row
    /// left finished (none: the archive is empty). Read a page at a time (this runs about once
    /// a week per customer).
    async fn prune_archive(&self, before: u64) -> Result<Option<u64>> {
        let storage = self.state.storage();
        let mut gone = Vec::new();
        let mut oldest: Option<u64> = None;
        storage::visit_prefixed(&storage, stored_form::ARCHIVE_PREFIX, |key, text| {
            match crate::core::stored::prune_verdict(&text, before) {
                PruneVerdict::Keep(at) => oldest = Some(oldest.map_or(at, |o| o.min(at))),
                PruneVerdict::KeepNewer => {}
                PruneVerdict::Delete => gone.push(key),
            }
        })
        .await?;
        let pruned = gone.len();
        storage::delete_many(&storage, gone).await?;
        log::emit(
            &LogLine::info("archive.pruned")
                .field("rows", pruned)
                .field("conversation", self.state.id().to_string()),
            &[],
        );
        Ok(oldest)
    }

    /// Forgets the customer: reads what the look-ups know this conversation by (its messages,
    /// archived ones included, its tickets, the masked number and user id), then deletes every
    /// row and the alarm. A value that cannot be read any more is deleted all the same.
    pub(super) async fn erase(&self) -> Result<crate::core::edges::ErasedConversation> {
        let storage = self.state.storage();
        let mut erased = crate::core::edges::ErasedConversation::default();
        if let Ok(Some(c)) = self.load().await {
            erased.existed = true;
            erased.sids = c.inbound.messages.iter().map(|m| m.sid.clone()).collect();
            erased.tickets = c.backend.tickets().iter().map(|t| t.id).collect();
            erased.tickets.extend(c.backend.open_ticket().map(|t| t.id));
            erased.tickets.sort_unstable();
            erased.tickets.dedup();
            erased.masked = Some(c.masked());
            erased.user_id = c.user_id.clone();
            erased.channel = c.channel.clone();
        }
        let mut archived = Vec::new();
        storage::visit_prefixed(&storage, stored_form::ARCHIVE_PREFIX, |key, _| {
            archived.push(key)
        })
        .await?;
        for key in archived {
            erased.existed = true;
            if let Some(sid) = key.strip_prefix(stored_form::ARCHIVE_PREFIX) {
                if !erased.sids.iter().any(|s| s == sid) {
                    erased.sids.push(sid.to_string());
                }
            }
        }
        storage.delete_alarm().await?;
        storage.delete_all().await?;
        Ok(erased)
    }

    /// Prunes the archive as the machine asked, and tells it what is left (its next prune).
    pub(super) async fn archive_pruned(
        &self,
        before: u64,
        config: &Config,
        events: &mut Vec<DomainEvent>,
    ) -> Result<()> {
        let oldest_ms = self.prune_archive(before).await?;
        let Some(mut conv) = self.load().await? else {
            return Ok(());
        };
        let me = self.state.id().to_string();
        let config = config.for_channel(conv.channel.as_deref());
        let ctx = Ctx {
            now_ms: clock::now_ms(),
            jitter: js_sys::Math::random(),
            config,
            conversation_id: &me,
            number: None,
        };
        let out = conv.step(Event::ArchivePruned { oldest_ms }, &ctx);
        self.save_with(&conv, &out.archived).await?;
        if let Some(Effect::WakeAt(at)) = out.effect {
            storage::wake_at(&self.state.storage(), at).await?;
        }
        emit(&out.events, &conv, config);
        events.extend(out.events);
        Ok(())
    }
}
