//! The ticketing back end, a stored part of the conversation (`Conversation::backend`): an
//! enum with one variant per back end, `Backend::ZendeskSupport` today. The inbound queue asks
//! it how a message reaches the tickets (`route`) and for the calls that take it there
//! (`calls`: `make_ticket`, `comment`, the look-ups), the agents' side for a ticket's comments
//! and notes; the calls are the back end's own (`BackendCall`), and the parent hands their
//! answers to the back end, which gives the part that asked an outcome in its neutral words
//! (`BackendAnswer`: `TicketMade`, `CommentAdded`, `LookedUp`, `CommentsRead`). Neither part
//! names a Zendesk call or reads an HTTP status or an error body of the back end's: a second
//! back end (Zendesk messaging, sketched in `backend/second-backend.md`) is a new variant here
//! and in `BackendCall`, and its state, calls and rules a module beside `zendesk_support`.
//!
//! `TicketBackend` is the lower layer: the requests a back end makes (create, comment, note,
//! look-ups, uploads) and how their answers parse; `ZendeskSupport` builds Zendesk's.

use super::*;

mod calls;
pub mod zendesk_support;
use crate::core::retry::Verdict;
use crate::core::triage::Priority;
use crate::core::zendesk::users::RequesterUser;
use crate::core::zendesk::{CommentSeen, NewTicket, TicketRef};
pub use calls::{BackendAnswer, BackendCall, CallAround, NoteRef, TicketDraft, ZendeskCall};
pub use zendesk_support::ZendeskSupportState;

pub trait TicketBackend {
    /// The ticket for a customer's message, written in `language`.
    fn new_ticket(
        &self,
        message_sid: &str,
        from: &Sender,
        body: &str,
        subject: &str,
        priority: Priority,
        language: &Language,
    ) -> NewTicket;
    /// Finds or makes the customer's user (idempotent: found again by its `external_id`).
    fn create_requester(&self, user: &RequesterUser) -> HttpRequest;
    fn parse_user_id(&self, body: &str) -> Result<u64, String>;
    /// Creates `ticket`, idempotent under `idempotency_key` (the MessageSid).
    fn create_ticket(&self, idempotency_key: &str, ticket: &NewTicket) -> HttpRequest;
    /// The tickets made for a MessageSid (after the idempotency window).
    fn find_ticket(&self, external_id: &str) -> HttpRequest;
    /// A public comment written as the customer (`author_id`), with uploaded files.
    fn add_comment(
        &self,
        ticket_id: u64,
        body: &str,
        author_id: Option<u64>,
        uploads: &[String],
    ) -> HttpRequest;
    /// An internal note for the agents.
    fn add_internal_note(&self, ticket_id: u64, body: &str, tags: &[&str]) -> HttpRequest;
    fn list_comments(&self, ticket_id: u64) -> HttpRequest;
    /// Where a file's bytes are uploaded, and with which credentials.
    fn upload_url(&self, filename: &str) -> String;
    fn upload_authorization(&self) -> String;
    fn parse_created_ticket(&self, body: &str) -> Result<TicketRef, String>;
    fn parse_ticket_list(&self, body: &str) -> Result<Vec<TicketRef>, String>;
    fn parse_comment_list(&self, body: &str) -> Result<Vec<CommentSeen>, String>;
    fn parse_upload_token(&self, body: &str) -> Result<String, String>;
    /// What an update's answer means (an update is not idempotent: a 409 is not "try again").
    fn classify_update(&self, exchange: &Exchange) -> Verdict;
    /// The ticket is closed: a follow-up ticket must be made instead.
    fn is_closed_ticket_error(&self, body: &str) -> bool;
    /// A short, loggable reading of an error answer.
    fn error_summary(&self, body: &str) -> Option<String>;
}

/// Zendesk's Support API.
pub struct ZendeskSupport<'a> {
    pub config: &'a Config,
}

impl TicketBackend for ZendeskSupport<'_> {
    fn new_ticket(
        &self,
        message_sid: &str,
        from: &Sender,
        body: &str,
        subject: &str,
        priority: Priority,
        language: &Language,
    ) -> NewTicket {
        let mut ticket = zendesk::new_ticket(
            message_sid,
            from,
            body,
            subject,
            priority,
            &self.config.requester_email_domain,
        );
        // Agents route and answer by language with Zendesk's own tools: a tag for triggers and
        // views, the requester's locale for macros and dynamic content (Zendesk applies it to
        // a requester it creates with the ticket, and keeps an existing user's own).
        ticket.tags.extend(language.zendesk_tag());
        ticket.requester.locale_id = language.zendesk_locale_id;
        ticket
    }

    fn create_requester(&self, user: &RequesterUser) -> HttpRequest {
        zendesk::users::create_or_update_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            user,
        )
    }

    fn parse_user_id(&self, body: &str) -> Result<u64, String> {
        zendesk::users::parse_user_id(body)
    }

    fn create_ticket(&self, idempotency_key: &str, ticket: &NewTicket) -> HttpRequest {
        zendesk::create_ticket_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            idempotency_key,
            ticket,
        )
    }

    fn find_ticket(&self, external_id: &str) -> HttpRequest {
        zendesk::find_by_external_id_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            external_id,
        )
    }

    fn add_comment(
        &self,
        ticket_id: u64,
        body: &str,
        author_id: Option<u64>,
        uploads: &[String],
    ) -> HttpRequest {
        zendesk::add_comment_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            ticket_id,
            body,
            author_id,
            uploads,
        )
    }

    fn add_internal_note(&self, ticket_id: u64, body: &str, tags: &[&str]) -> HttpRequest {
        zendesk::add_internal_note_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            ticket_id,
            body,
            tags,
        )
    }

    fn list_comments(&self, ticket_id: u64) -> HttpRequest {
        zendesk::list_comments_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            ticket_id,
        )
    }

    fn upload_url(&self, filename: &str) -> String {
        zendesk::upload_url(&self.config.zendesk_base_url, filename)
    }

    fn upload_authorization(&self) -> String {
        self.config.zendesk_authorization()
    }

    fn parse_created_ticket(&self, body: &str) -> Result<TicketRef, String> {
        zendesk::parse_created_ticket(body)
    }

    fn parse_ticket_list(&self, body: &str) -> Result<Vec<TicketRef>, String> {
        zendesk::parse_ticket_list(body)
    }

    fn parse_comment_list(&self, body: &str) -> Result<Vec<CommentSeen>, String> {
        zendesk::parse_comment_list(body)
    }

    fn parse_upload_token(&self, body: &str) -> Result<String, String> {
        zendesk::parse_upload_token(body)
    }

    fn classify_update(&self, exchange: &Exchange) -> Verdict {
        zendesk::classify_update(exchange)
    }

    fn is_closed_ticket_error(&self, body: &str) -> bool {
        zendesk::is_closed_ticket_error(body)
    }

    fn error_summary(&self, body: &str) -> Option<String> {
        zendesk::error_summary(body)
    }
}

impl<'a> Ctx<'a> {
    /// The ticketing back end this conversation works against.
    pub fn backend(&self) -> ZendeskSupport<'a> {
        ZendeskSupport {
            config: self.config,
        }
    }
}

/// The back end this conversation's tickets live in, with what it keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    ZendeskSupport(ZendeskSupportState),
}

impl Default for Backend {
    fn default() -> Self {
        Backend::ZendeskSupport(ZendeskSupportState::default())
    }
}

/// How the oldest waiting message reaches the back end (`Backend::route`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A new ticket (none open, or the open one was closed: a follow-up).
    NewTicket,
    /// A public comment on the open ticket, written as `author_id`; `merge`: everything
    /// waiting for it goes into one comment.
    Comment {
        ticket_id: u64,
        author_id: Option<u64>,
        merge: bool,
    },
    /// Wait: the ticket takes no more updates until then.
    WaitUntil(u64),
}

/// A failure that may pass: tried again after a backoff. `unknown`: the call may have been
/// carried out, so it is looked up before it is made again.
#[derive(Debug, Clone, PartialEq)]
pub struct Retryable {
    pub cause: Cause,
    pub retry_after_secs: Option<u64>,
    pub unknown: bool,
}

impl Retryable {
    pub fn unknown(cause: Cause) -> Self {
        Retryable {
            cause,
            retry_after_secs: None,
            unknown: true,
        }
    }
}

/// What became of a ticket create.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketMade {
    /// Made (`replayed`: the answer was the back end's replay of an earlier create, and how it
    /// was recognised).
    Made {
        ticket: TicketRef,
        replayed: Option<String>,
    },
    /// The requester's locale (`locale_id`) was refused, nothing made: made again without it.
    LocaleRefused {
        detail: Option<String>,
        locale_id: Option<u32>,
    },
    Retry(Retryable),
    Failed(Cause),
}

/// What became of a `create_or_update` of the customer's user (its id is the back end's to
/// keep: `ZendeskSupportState::requester_user_id`).
#[derive(Debug, Clone, PartialEq)]
pub enum RequesterMade {
    /// Found (`created: false`) or made: the ticket can name it.
    Made {
        user_id: u64,
        created: bool,
    },
    /// Zendesk refused the customer's number as a phone identity (a bad format, or the number
    /// is another user's): nothing made; made again at once without it.
    PhoneRefused {
        detail: Option<String>,
    },
    Retry(Retryable),
    Failed(Cause),
}

/// What became of a comment on the open ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum CommentAdded {
    Added,
    /// The ticket is closed: the message starts a follow-up ticket.
    TicketClosed,
    /// The ticket is gone (deleted): the message makes a new ticket.
    TicketGone,
    /// The ticket was merged into `into` (closed): the message goes to it as a comment.
    Merged {
        into: u64,
    },
    Retry(Retryable),
    Failed(Cause),
}

/// What a look-up for a call whose answer was lost found.
#[derive(Debug, Clone, PartialEq)]
pub enum LookedUp<T> {
    Found(T),
    /// Not made: make it.
    Absent,
    /// The ticket looked on is gone.
    TicketGone,
    Retry(Retryable),
    Failed(Cause),
}

/// What a read of a ticket's comments gave.
#[derive(Debug, Clone, PartialEq)]
pub enum CommentsRead {
    /// The public comments not read before, in order.
    Read(Vec<ReadComment>),
    Retry(Retryable),
    /// Refused for good (the ticket gone, or no access).
    Refused(Cause),
}

/// A public comment read on a ticket, not read before.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadComment {
    pub id: u64,
    pub comment: zendesk::CommentSeen,
    /// Why it is not sent to the customer (not an agent's), if it is not.
    pub not_forwarded: Option<crate::core::events::NotForwarded>,
}

/// The back end's rules, whatever the back end (each method dispatches on the variant: a
/// second back end adds an arm to each, and nothing outside this module changes).
impl Backend {
    fn zendesk(&self) -> &ZendeskSupportState {
        let Backend::ZendeskSupport(z) = self;
        z
    }

    fn zendesk_mut(&mut self) -> &mut ZendeskSupportState {
        let Backend::ZendeskSupport(z) = self;
        z
    }

    pub fn route(&self, follows_up: bool, backlog: usize, now_ms: u64) -> Route {
        self.zendesk().route(follows_up, backlog, now_ms)
    }

    pub fn look_up_first(&self, age_ms: u64, without_locale: bool) -> bool {
        self.zendesk().look_up_first(age_ms, without_locale)
    }

    pub fn create_key(&self, sid: &str, without_locale: bool) -> String {
        ZendeskSupportState::create_key(sid, without_locale)
    }

    fn read_create(&self, exchange: &Exchange, locale_tried: bool, ctx: &Ctx) -> TicketMade {
        self.zendesk().read_create(exchange, locale_tried, ctx)
    }

    fn read_found_ticket(&self, exchange: &Exchange, ctx: &Ctx) -> LookedUp<TicketRef> {
        self.zendesk().read_found_ticket(exchange, ctx)
    }

    fn read_comment(&mut self, ticket_id: u64, exchange: &Exchange, ctx: &Ctx) -> CommentAdded {
        self.zendesk_mut().read_comment(ticket_id, exchange, ctx)
    }

    fn read_found_comment(
        &mut self,
        exchange: &Exchange,
        text: &str,
        since_ms: u64,
        ctx: &Ctx,
    ) -> LookedUp<()> {
        self.zendesk_mut()
            .read_found_comment(exchange, text, since_ms, ctx)
    }

    fn read_note(&self, exchange: &Exchange, looking_for: Option<&str>, ctx: &Ctx) -> LookedUp<()> {
        self.zendesk().read_note(exchange, looking_for, ctx)
    }

    pub fn ticket_made(&mut self, t: &TicketRef, now_ms: u64) {
        self.zendesk_mut().ticket_made(t, now_ms)
    }

    pub fn commented(&mut self, now_ms: u64) {
        self.zendesk_mut().commented(now_ms)
    }

    pub fn noted(&mut self, ticket_id: u64, now_ms: u64) {
        self.zendesk_mut().noted(ticket_id, now_ms)
    }

    fn read_comments(&mut self, ticket_id: u64, exchange: &Exchange, ctx: &Ctx) -> CommentsRead {
        self.zendesk_mut().read_comments(ticket_id, exchange, ctx)
    }

    /// The ticket new messages go to, if any.
    pub fn open_ticket(&self) -> Option<&OpenTicket> {
        self.zendesk().open_ticket.as_ref()
    }

    /// The tickets made for this customer.
    pub fn tickets(&self) -> &[KnownTicket] {
        &self.zendesk().tickets
    }

    pub fn ticket_mut(&mut self, ticket_id: u64) -> Option<&mut KnownTicket> {
        self.zendesk_mut()
            .tickets
            .iter_mut()
            .find(|t| t.id == ticket_id)
    }

    pub fn knows(&self, ticket_id: u64) -> bool {
        self.zendesk().knows(ticket_id)
    }

    pub fn requester_of(&self, ticket_id: u64) -> Option<u64> {
        self.zendesk().requester_of(ticket_id)
    }

    /// The stored form's parts (`stored_form`), and back.
    pub fn state(&self) -> &ZendeskSupportState {
        self.zendesk()
    }

    pub fn state_mut(&mut self) -> &mut ZendeskSupportState {
        self.zendesk_mut()
    }
}
