//! Zendesk Support as the ticketing back end: what it keeps between steps (the customer's open
//! ticket and its recent updates, the tickets made, the comments already read) and Zendesk's
//! rules, so that the inbound queue and the agents' side never read an HTTP status or a
//! Zendesk error body:
//! - the per-ticket update budget (30 updates per ticket per 10 minutes: the gateway keeps
//!   below it, waits when it is spent, and merges what is pending as it fills or after a 429);
//! - the 2-hour idempotency window of ticket creates (past it, or under the key of a create
//!   retried without the locale, a lost create is looked up by `external_id` first);
//! - what an answer means: a ticket made (or replayed), a closed ticket (a follow-up is made),
//!   a deleted one, the locale refused (made again without it), a lost comment found;
//! - on the agents' side, reading a ticket's comments: which are new, and which are agents'.

use super::*;
use crate::core::events::NotForwarded;
use crate::core::retry::{classify_idempotent, Verdict};
use crate::core::zendesk::CommentSeen;

/// Comment ids remembered per conversation (far more than any ticket's recent history).
pub const SEEN_COMMENTS_MAX: usize = 2000;
/// What they take stored, at most: numbers of up to 20 digits and a comma (`budget`).
pub const SEEN_COMMENTS_BYTES: usize = SEEN_COMMENTS_MAX * 21;
/// Zendesk event ids remembered per conversation: Zendesk retries a delivery within minutes,
/// so the latest hundred events of one customer's tickets are plenty. At most 128 characters
/// each (`zendesk_event::parse`; UUIDs in practice): under 13 KiB stored.
pub const SEEN_EVENTS_MAX: usize = 100;

/// What Zendesk Support keeps for one customer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZendeskSupportState {
    /// The open ticket new messages are added to as comments.
    pub open_ticket: Option<OpenTicket>,
    /// Tickets the gateway created for this customer.
    pub tickets: Vec<KnownTicket>,
    /// Comment ids already read (the dedup key of agents' replies).
    pub seen_comments: Vec<u64>,
    /// The customer's Zendesk user (`REQUESTER_IDENTITY=whatsapp`): found or made once, then
    /// the requester of every ticket made for them.
    pub requester_user_id: Option<u64>,
    /// Zendesk refused the customer's number as the user's phone identity (a bad format, or
    /// the number is another user's): the user is made without it.
    pub requester_phone_refused: bool,
    /// Ids of Zendesk events (event-subscribed webhooks) already taken, oldest first.
    pub seen_events: Vec<String>,
}

impl ZendeskSupportState {
    /// How the oldest waiting message reaches Zendesk: `backlog` messages wait for the same
    /// ticket (the oldest first); `follows_up`: its ticket was closed, a follow-up is made.
    pub fn route(&self, follows_up: bool, backlog: usize, now_ms: u64) -> Route {
        let Some(open) = self.open_ticket.as_ref().filter(|_| !follows_up) else {
            return Route::NewTicket;
        };
        let mut recent: Vec<u64> = open
            .recent_updates_ms
            .iter()
            .copied()
            .filter(|&t| t + TICKET_UPDATE_WINDOW_MS > now_ms)
            .collect();
        recent.sort_unstable();
        if recent.len() >= TICKET_UPDATE_BUDGET {
            let frees_at = recent[recent.len() - TICKET_UPDATE_BUDGET] + TICKET_UPDATE_WINDOW_MS;
            return Route::WaitUntil(frees_at);
        }
        // Past half the budget, updates are paced so the rest lasts the window (instead of
        // spending it and making the next message wait minutes for the window to move).
        if let Some(&last) = recent
            .last()
            .filter(|_| recent.len() >= TICKET_UPDATE_PACE_FROM)
        {
            if last + TICKET_UPDATE_SPACING_MS > now_ms {
                return Route::WaitUntil(last + TICKET_UPDATE_SPACING_MS);
            }
        }
        Route::Comment {
            ticket_id: open.id,
            author_id: open.requester_id,
            // From the update that starts the pacing on, everything waiting goes at once: the
            // next update is a spacing away.
            merge: open.throttled
                || recent.len() + 1 >= TICKET_UPDATE_PACE_FROM
                || recent.len() >= TICKET_UPDATE_MERGE_FROM
                || backlog >= MERGE_BACKLOG,
        }
    }

    /// Whether a create whose outcome is unknown is looked up first rather than sent again:
    /// past the idempotency key's window (`age_ms` since the step began), or under the key of
    /// its own a create without the locale carries (the earlier, committed create is not
    /// replayed under another key: it would make a second ticket).
    pub fn look_up_first(&self, age_ms: u64, without_locale: bool) -> bool {
        age_ms > IDEMPOTENCY_WINDOW_MS || without_locale
    }

    /// The create's `Idempotency-Key`: the MessageSid; once Zendesk refused the ticket with the
    /// requester's locale (nothing was made), a key of its own, so that the create without the
    /// locale is not answered with the refused request's stored answer.
    pub fn create_key(sid: &str, without_locale: bool) -> String {
        if without_locale {
            format!("{sid}-without-locale")
        } else {
            sid.to_string()
        }
    }

    /// The answer to a ticket create. `locale_tried`: the ticket carried the requester's
    /// locale and it was not refused before.
    pub fn read_create(&self, exchange: &Exchange, locale_tried: bool, ctx: &Ctx) -> TicketMade {
        let answer = answer_of(exchange);
        let body = answer.map_or("", |a| a.body.as_str());
        match classify_idempotent(exchange) {
            Verdict::Success => match ctx.backend().parse_created_ticket(body) {
                Ok(ticket) => TicketMade::Made {
                    ticket,
                    replayed: answer
                        .and_then(|a| a.header("x-idempotency-lookup"))
                        .map(str::to_string),
                },
                Err(e) => TicketMade::Retry(Retryable::unknown(Cause::unreadable(e))),
            },
            // 5xx or no answer: the ticket may exist (the retry's Idempotency-Key, or past its
            // window a look-up by external_id, keeps it single).
            Verdict::Transient {
                retry_after_secs,
                cause,
            } => TicketMade::Retry(Retryable {
                unknown: !cause.is_client_error(),
                cause: cause.with_detail(ctx.backend().error_summary(body)),
                retry_after_secs,
            }),
            Verdict::Ambiguous { cause } => TicketMade::Retry(Retryable::unknown(cause)),
            // An account may refuse a locale: made again once without it, rather than lost.
            Verdict::Permanent { .. }
                if answer.is_some_and(|a| a.status == 422) && locale_tried =>
            {
                // The locale refused is the call's: `Backend::read` names it.
                TicketMade::LocaleRefused {
                    detail: ctx.backend().error_summary(body),
                    locale_id: None,
                }
            }
            Verdict::Permanent { cause } => {
                TicketMade::Failed(cause.with_detail(ctx.backend().error_summary(body)))
            }
        }
    }

    /// The answer to a `create_or_update` of the customer's user (`with_phone`: it carried the
    /// number as a phone identity). It is idempotent (found again by `external_id`), so a
    /// failure that may pass is simply made again, never looked up first.
    pub fn read_requester(
        &mut self,
        exchange: &Exchange,
        with_phone: bool,
        ctx: &Ctx,
    ) -> RequesterMade {
        let answer = answer_of(exchange);
        let body = answer.map_or("", |a| a.body.as_str());
        match read(classify_idempotent(exchange), false) {
            Read::Success => match ctx.backend().parse_user_id(body) {
                Ok(user_id) => {
                    self.requester_user_id = Some(user_id);
                    RequesterMade::Made {
                        user_id,
                        created: answer.is_some_and(|a| a.status == 201),
                    }
                }
                Err(e) => RequesterMade::Retry(Retryable {
                    cause: Cause::unreadable(e),
                    retry_after_secs: None,
                    unknown: false,
                }),
            },
            Read::Retry(mut r) => {
                r.cause = r.cause.with_detail(ctx.backend().error_summary(body));
                RequesterMade::Retry(r)
            }
            // The number is the likeliest cause of a 422 (not E.164 to Zendesk, or another
            // user's): made again without it rather than no ticket at all.
            Read::Refused(cause) if cause.status() == Some(422) && with_phone => {
                self.requester_phone_refused = true;
                RequesterMade::PhoneRefused {
                    detail: ctx.backend().error_summary(body),
                }
            }
            Read::Refused(cause) => {
                RequesterMade::Failed(cause.with_detail(ctx.backend().error_summary(body)))
            }
        }
    }

    /// The answer to a look-up of the ticket made for a MessageSid (`external_id`).
    pub fn read_found_ticket(&self, exchange: &Exchange, ctx: &Ctx) -> LookedUp<TicketRef> {
        let body = answer_of(exchange).map_or("", |a| a.body.as_str());
        match read(classify_idempotent(exchange), true) {
            Read::Success => match ctx.backend().parse_ticket_list(body) {
                Ok(list) => match list.into_iter().next() {
                    Some(t) => LookedUp::Found(t),
                    None => LookedUp::Absent,
                },
                Err(e) => LookedUp::Retry(Retryable::unknown(Cause::unreadable(e))),
            },
            Read::Retry(r) => LookedUp::Retry(r),
            Read::Refused(cause) => LookedUp::Failed(cause),
        }
    }

    /// The answer to a comment on the open ticket. A 429 makes what is pending merge; a closed
    /// or deleted ticket is no longer the open one.
    pub fn read_comment(&mut self, ticket_id: u64, exchange: &Exchange, ctx: &Ctx) -> CommentAdded {
        let body = answer_of(exchange).map_or("", |a| a.body.as_str());
        match ctx.backend().classify_update(exchange) {
            Verdict::Success => CommentAdded::Added,
            Verdict::Transient {
                retry_after_secs,
                cause,
            } => {
                if let Some(open) = self.open_ticket.as_mut() {
                    open.throttled = true;
                }
                CommentAdded::Retry(Retryable {
                    cause,
                    retry_after_secs,
                    unknown: false,
                })
            }
            Verdict::Ambiguous { cause } => CommentAdded::Retry(Retryable::unknown(cause)),
            Verdict::Permanent { cause } => match cause.status() {
                // Closed by a merge the gateway followed: the message goes to the target.
                Some(422) if ctx.backend().is_closed_ticket_error(body) => {
                    match self.merge_target_of(ticket_id) {
                        Some(into) => CommentAdded::Merged { into },
                        None => {
                            self.open_ticket = None;
                            CommentAdded::TicketClosed
                        }
                    }
                }
                Some(404) => {
                    self.open_ticket = None;
                    CommentAdded::TicketGone
                }
                _ => CommentAdded::Failed(cause.with_detail(ctx.backend().error_summary(body))),
            },
        }
    }

    /// The answer to a look-up of a comment whose answer was lost: is `text` on the ticket,
    /// written as the customer no earlier than `since_ms` (give or take the clocks' skew)?
    pub fn read_found_comment(
        &mut self,
        exchange: &Exchange,
        text: &str,
        since_ms: u64,
        ctx: &Ctx,
    ) -> LookedUp<()> {
        let body = answer_of(exchange).map_or("", |a| a.body.as_str());
        match read(classify_idempotent(exchange), true) {
            Read::Success => match ctx.backend().parse_comment_list(body) {
                Ok(comments) => {
                    let author = self.open_ticket.as_ref().and_then(|t| t.requester_id);
                    let found = comments.iter().any(|c| {
                        c.body.trim() == text.trim()
                            && c.created_ms.is_none_or(|t| t + CLOCK_SKEW_MS >= since_ms)
                            && (author.is_none() || c.author_id.is_none() || c.author_id == author)
                    });
                    if found {
                        LookedUp::Found(())
                    } else {
                        LookedUp::Absent
                    }
                }
                Err(e) => LookedUp::Retry(Retryable::unknown(Cause::unreadable(e))),
            },
            Read::Retry(r) => LookedUp::Retry(r),
            Read::Refused(cause) if cause.status() == Some(404) => {
                self.open_ticket = None;
                LookedUp::TicketGone
            }
            Read::Refused(cause) => LookedUp::Failed(cause),
        }
    }

    /// The answer to writing an internal note, or (`looking_for` its text, when that answer
    /// was lost) to a read of the ticket's comments. A list that cannot be read is not a note
    /// found absent: it is looked at again.
    pub fn read_note(
        &self,
        exchange: &Exchange,
        looking_for: Option<&str>,
        ctx: &Ctx,
    ) -> LookedUp<()> {
        let body = answer_of(exchange).map_or("", |a| a.body.as_str());
        let verdict = match looking_for {
            Some(_) => classify_idempotent(exchange),
            None => ctx.backend().classify_update(exchange),
        };
        // A note that failed with a transient error was not written (updates are not
        // ambiguous then): written again without looking first.
        match read(verdict, false) {
            Read::Success => {
                let Some(text) = looking_for else {
                    return LookedUp::Found(());
                };
                match ctx.backend().parse_comment_list(body) {
                    Ok(cs) if cs.iter().any(|c| !c.public && c.body.trim() == text.trim()) => {
                        LookedUp::Found(())
                    }
                    Ok(_) => LookedUp::Absent,
                    Err(e) => LookedUp::Retry(Retryable::unknown(Cause::unreadable(e))),
                }
            }
            Read::Retry(r) => LookedUp::Retry(r),
            Read::Refused(cause) => LookedUp::Failed(cause),
        }
    }

    /// A ticket made for the customer (or found): the open ticket from now on (the parent
    /// remembers it as the customer's: `remember`).
    pub fn ticket_made(&mut self, t: &TicketRef, now_ms: u64) {
        self.open_ticket = Some(OpenTicket {
            id: t.id,
            requester_id: t.requester_id,
            recent_updates_ms: vec![now_ms],
            throttled: false,
        });
    }

    /// Remembers a ticket made for this customer (its requester writes as the customer; only
    /// agents' and admins' public comments on it are sent to WhatsApp). True when new.
    pub fn remember(&mut self, t: &TicketRef) -> bool {
        if self.tickets.iter().any(|k| k.id == t.id) {
            return false;
        }
        self.tickets.push(KnownTicket {
            id: t.id,
            requester_id: t.requester_id,
            requester_change_noted: false,
            not_forwarded_noted: false,
            merged_into: None,
            merged_from: None,
            merged_at_ms: None,
        });
        true
    }

    /// A comment was written on the open ticket: one more update in its window.
    pub fn commented(&mut self, now_ms: u64) {
        if let Some(open) = self.open_ticket.as_mut() {
            open.recent_updates_ms
                .retain(|&t| t + TICKET_UPDATE_WINDOW_MS > now_ms);
            open.recent_updates_ms.push(now_ms);
            open.throttled = false;
        }
    }

    /// Takes a Zendesk event's id: false when it was taken before (a delivery again).
    pub fn take_event(&mut self, event_id: &str) -> bool {
        if self.seen_events.iter().any(|e| e == event_id) {
            return false;
        }
        self.seen_events.push(event_id.to_string());
        if self.seen_events.len() > SEEN_EVENTS_MAX {
            let excess = self.seen_events.len() - SEEN_EVENTS_MAX;
            self.seen_events.drain(..excess);
        }
        true
    }

    /// A public comment a Zendesk event carried whole (`ticket.comment_added`), as a read of
    /// the ticket's comments would give it: `None` when it was read before or is the
    /// customer's own (written by the gateway as the requester). The comment ids read either
    /// way are one list, so an event and a read never send a comment twice.
    pub fn take_carried_comment(
        &mut self,
        ticket_id: u64,
        comment: CommentSeen,
    ) -> Option<ReadComment> {
        let id = comment.id?;
        let requester = self.requester_of(ticket_id);
        if !comment.public
            || self.seen_comments.contains(&id)
            || (requester.is_some() && comment.author_id == requester)
        {
            return None;
        }
        self.seen_comments.push(id);
        if self.seen_comments.len() > SEEN_COMMENTS_MAX {
            let excess = self.seen_comments.len() - SEEN_COMMENTS_MAX;
            self.seen_comments.drain(..excess);
        }
        Some(ReadComment {
            id,
            not_forwarded: why_not_forwarded(&comment),
            comment,
        })
    }

    /// The ticket a known ticket was merged into, following merges of merges.
    pub fn merge_target_of(&self, ticket_id: u64) -> Option<u64> {
        let mut at = ticket_id;
        let mut into = None;
        // Bounded: a list of tickets, each followed at most once.
        for _ in 0..=self.tickets.len() {
            match self
                .tickets
                .iter()
                .find(|t| t.id == at)
                .and_then(|t| t.merged_into)
            {
                Some(next) if next != ticket_id => {
                    into = Some(next);
                    at = next;
                }
                _ => break,
            }
        }
        into
    }

    /// Zendesk merged `source` (a ticket of this customer's) into `target` and closed it: the
    /// target becomes the customer's ticket (agents' replies on it reach them), and the open
    /// ticket if `source` was it (the customer's next message is a comment there). Idempotent.
    /// Returns whether the open ticket moved, and the customer's user id when the target is new
    /// to this conversation (the parent remembers it: `Conversation::remember_ticket`).
    pub fn merged(&mut self, source: u64, target: u64) -> (bool, Option<Option<u64>>) {
        let Some(known) = self.tickets.iter_mut().find(|t| t.id == source) else {
            return (false, None);
        };
        if source == target {
            return (false, None);
        }
        known.merged_into = Some(target);
        let requester = known.requester_id;
        let moved = match self.open_ticket.as_mut() {
            Some(open) if open.id == source => {
                // A fresh budget: the target's updates are not this conversation's to count.
                *open = OpenTicket {
                    id: target,
                    requester_id: open.requester_id.or(requester),
                    recent_updates_ms: vec![],
                    throttled: false,
                };
                true
            }
            _ => false,
        };
        (moved, (!self.knows(target)).then_some(requester))
    }

    /// An internal note was written on `ticket_id`: an update like a comment, so on the open
    /// ticket it counts in the window the pacing keeps below Zendesk's budget.
    pub fn noted(&mut self, ticket_id: u64, now_ms: u64) {
        if let Some(open) = self.open_ticket.as_mut().filter(|o| o.id == ticket_id) {
            open.recent_updates_ms
                .retain(|&t| t + TICKET_UPDATE_WINDOW_MS > now_ms);
            open.recent_updates_ms.push(now_ms);
        }
    }

    pub fn knows(&self, ticket_id: u64) -> bool {
        self.tickets.iter().any(|t| t.id == ticket_id)
    }

    pub fn requester_of(&self, ticket_id: u64) -> Option<u64> {
        self.tickets
            .iter()
            .find(|t| t.id == ticket_id)
            .and_then(|t| t.requester_id)
    }

    /// The answer to a read of a ticket's comments: the public comments not read before, in
    /// order, each with whether it goes to the customer (only agents speak from the
    /// business's number). The requester's own comments (the customer's messages the gateway
    /// wrote) are passed over.
    pub fn read_comments(
        &mut self,
        ticket_id: u64,
        exchange: &Exchange,
        ctx: &Ctx,
    ) -> CommentsRead {
        let body = answer_of(exchange).map_or("", |a| a.body.as_str());
        let comments = match read(classify_idempotent(exchange), true) {
            Read::Success => match ctx.backend().parse_comment_list(body) {
                Ok(comments) => comments,
                Err(e) => return CommentsRead::Retry(Retryable::unknown(Cause::unreadable(e))),
            },
            Read::Retry(r) => return CommentsRead::Retry(r),
            Read::Refused(cause) => return CommentsRead::Refused(cause),
        };
        let requester = self.requester_of(ticket_id);
        // A merge target's comments from before the merge were written to someone else.
        let since = self
            .tickets
            .iter()
            .find(|t| t.id == ticket_id)
            .and_then(|t| t.merged_at_ms);
        let mut fresh: Vec<CommentSeen> = comments
            .into_iter()
            .filter(|c| c.public && c.id.is_some_and(|id| !self.seen_comments.contains(&id)))
            .filter(|c| requester.is_none() || c.author_id != requester)
            .filter(|c| since.is_none_or(|s| c.created_ms.is_none_or(|t| t >= s)))
            .collect();
        fresh.sort_by_key(|c| c.id);
        let read = fresh
            .into_iter()
            .filter_map(|c| {
                let id = c.id?;
                self.seen_comments.push(id);
                Some(ReadComment {
                    id,
                    not_forwarded: why_not_forwarded(&c),
                    comment: c,
                })
            })
            .collect();
        if self.seen_comments.len() > SEEN_COMMENTS_MAX {
            let excess = self.seen_comments.len() - SEEN_COMMENTS_MAX;
            self.seen_comments.drain(..excess);
        }
        CommentsRead::Read(read)
    }
}

/// Why a public comment on a gateway ticket is not sent to the customer, if it is not: only
/// agents speak from the business's WhatsApp number.
pub(in crate::core::conversation) fn why_not_forwarded(c: &CommentSeen) -> Option<NotForwarded> {
    if c.merge {
        Some(NotForwarded::Merge)
    } else if c.by_agent() {
        None
    } else if c.author_role.is_some() {
        Some(NotForwarded::NotAnAgent)
    } else {
        Some(NotForwarded::UnknownAuthor)
    }
}

/// A verdict in the back end's words: a success, a failure that may pass (`transient_unknown`:
/// whether a transient one may have been carried out, so it is looked up first), or a refusal
/// for good. One mapping for every look-up and read.
enum Read {
    Success,
    Retry(Retryable),
    Refused(Cause),
}

fn read(verdict: Verdict, transient_unknown: bool) -> Read {
    match verdict {
        Verdict::Success => Read::Success,
        Verdict::Transient {
            retry_after_secs,
            cause,
        } => Read::Retry(Retryable {
            cause,
            retry_after_secs,
            unknown: transient_unknown,
        }),
        Verdict::Ambiguous { cause } => Read::Retry(Retryable::unknown(cause)),
        Verdict::Permanent { cause } => Read::Refused(cause),
    }
}

fn answer_of(exchange: &Exchange) -> Option<&crate::core::http::HttpAnswer> {
    match exchange {
        Exchange::Answered(a) => Some(a),
        _ => None,
    }
}
