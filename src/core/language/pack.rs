//! One shipped language: the words that tell it apart (detection), its triage and priority
//! lists, and the texts the gateway sends in it. Every list is data, replaceable or extendable per
//! language by configuration (`TRIAGE_*_<LANG>`, `PRIORITY_*_<LANG>`, `REPLY_*_<LANG>`).
//!
//! Matching folds case, accents and typographic apostrophes on both sides (`não` matches `nao`,
//! `caído` matches `caido`), and matches whole words or phrases, as the English rules always did.

/// The texts a customer receives, in one language. `{ticket_id}` and `{subject}` are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyTexts {
    /// Must contain `{ticket_id}`; may contain `{subject}`.
    pub ticket_created: &'static str,
    pub more_details: &'static str,
    pub apology: &'static str,
    /// Must contain `{ticket_id}`.
    pub comment_added: &'static str,
    /// Sent with the first answer of a closed period (business hours).
    pub out_of_hours: &'static str,
    /// Confirms that the customer will receive no more messages unasked (an opt-out word).
    pub opt_out: &'static str,
    /// Confirms that an opted-out customer will receive messages again (an opt-in word).
    pub opt_in: &'static str,
    /// Sent when a message is refused because the customer's queue is full (too much text
    /// waiting for Zendesk): wait for the answer, then send it again.
    pub queue_full: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguagePack {
    /// ISO 639-1 code, lower case: `es`.
    pub code: &'static str,
    /// The language's own name: `Español`.
    pub name: &'static str,
    /// Frequent words of the language that rarely occur in the others (function words,
    /// pronouns, common verbs, support vocabulary), lower case, written both with and without
    /// accents only when customers write both: detection scores a message by them.
    pub marker_words: &'static [&'static str],
    /// Words that alone make a message a greeting or pleasantry ("hola", "gracias", "ok").
    pub greeting_words: &'static [&'static str],
    /// Words and phrases that say a customer has a real problem or request.
    pub issue_keywords: &'static [&'static str],
    /// Words and phrases that make a ticket `urgent`.
    pub urgent_keywords: &'static [&'static str],
    /// Words and phrases that make a ticket `high`.
    pub high_keywords: &'static [&'static str],
    pub replies: ReplyTexts,
}
