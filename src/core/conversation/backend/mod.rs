//! The ticketing back end the conversation works against, behind one interface: the requests
//! it makes (create, comment, note, look-ups, uploads) and how their answers read. Zendesk's
//! Support API (`ZendeskSupport`, over `core::zendesk`) is the one shipped. Zendesk's rules
//! (update budget, merging, the idempotency window, finding lost answers, follow-ups, the
//! locale retry) still live in the inbound code; they move behind this part next, and what a
//! second back end (Zendesk messaging) would implement is sketched in
//! `backend/second-backend.md`.

use super::*;
use crate::core::retry::Verdict;
use crate::core::triage::Priority;
use crate::core::zendesk::{CommentSeen, NewTicket, TicketRef};

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
    fn add_internal_note(&self, ticket_id: u64, body: &str) -> HttpRequest;
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

    fn add_internal_note(&self, ticket_id: u64, body: &str) -> HttpRequest {
        zendesk::add_internal_note_request(
            &self.config.zendesk_base_url,
            &self.config.zendesk_authorization(),
            ticket_id,
            body,
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
