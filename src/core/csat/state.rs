//! A conversation's satisfaction state (stored with it): the tickets asked, the question
//! waiting for its answer, and what a customer's message is to it (`core::csat` holds the
//! rules' texts and words).

use super::{
    is_solved, parse_answer, reads_as_request_within, Decision, Rating, ANSWER_WINDOW_MS,
    ASKED_MAX, COMMENT_WINDOW_MS, FOLLOWING_COMMENT_MAX_WORDS,
};
use serde::{Deserialize, Serialize};

/// One ticket asked: when, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    pub ticket_id: u64,
    /// When the question went out (while `pending`: when the ticket was solved).
    pub at_ms: u64,
    /// Recorded, but the question has not gone out yet (held, `csat::QUESTION_HOLD_MS`, or
    /// waiting for a retry): no message is its answer until it has. Absent in states stored
    /// before it existed, whose `at_ms` is already the question's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// Still waiting for the customer's first message after the question.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    /// A rating without a comment: the next message until then is its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_until_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
}

/// When a ticket's latest status change taken happened, by Zendesk's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSeen {
    pub ticket_id: u64,
    pub at_ms: u64,
}

/// A conversation's satisfaction state, stored with it: the tickets asked (so a duplicate
/// event, a retry or a restart never asks twice).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Csat {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<Asked>,
    /// Added within v7 (optional): per ticket, when its latest status change taken (a solve, a
    /// reopen) happened by Zendesk's clock, so an older event delivered late changes nothing
    /// (`take_status_at`). Bounded as `asked` is; absent in states stored before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<StatusSeen>,
}

/// What the customer's message was, for the satisfaction question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Not about the question: handled as today.
    No,
    /// The rating (and the comment in the same message): tag, note and thanks.
    Rating {
        ticket_id: u64,
        rating: Rating,
        comment: Option<String>,
    },
    /// The comment following a rating: a note.
    Comment {
        ticket_id: u64,
        rating: Rating,
        comment: String,
    },
}

impl Csat {
    /// A ticket's status changed: whether to ask now. When the answer is `Ask`, the ticket is
    /// recorded as asked at once (stored with the step that sends the question), so a duplicate
    /// event never asks twice.
    pub fn on_status(
        &mut self,
        enabled: bool,
        ticket_id: u64,
        status: &str,
        spam: bool,
        opted_out: bool,
        now_ms: u64,
    ) -> Decision {
        let decision = if !enabled {
            Decision::Off
        } else if !is_solved(status) {
            Decision::NotSolved
        } else if self.asked.iter().any(|a| a.ticket_id == ticket_id) {
            Decision::AlreadyAsked
        } else if spam {
            Decision::Spam
        } else if opted_out {
            Decision::OptedOut
        } else {
            Decision::Ask
        };
        if decision == Decision::Ask {
            // One question open at a time: a newer one replaces the older's wait.
            for a in &mut self.asked {
                a.open = false;
                a.comment_until_ms = None;
            }
            if self.asked.len() >= ASKED_MAX {
                self.asked.remove(0);
            }
            self.asked.push(Asked {
                ticket_id,
                at_ms: now_ms,
                pending: true,
                open: true,
                comment_until_ms: None,
                rating: None,
            });
        }
        decision
    }

    /// The question about `ticket_id` went out at `now_ms` (its first part): from now on the
    /// customer's next message may be its answer, and its window counts from here.
    pub fn question_sent(&mut self, ticket_id: u64, now_ms: u64) {
        if let Some(a) = self
            .asked
            .iter_mut()
            .find(|a| a.ticket_id == ticket_id && a.pending)
        {
            a.pending = false;
            a.at_ms = now_ms;
        }
    }

    /// The question about `ticket_id` will not go out (the ticket was reopened before it did;
    /// the caller withdrew it): the ticket is no longer recorded as asked, so its next solve
    /// asks. Whatever `pending` says: a record stored before it existed has none.
    pub fn withdraw(&mut self, ticket_id: u64) {
        self.asked.retain(|a| a.ticket_id != ticket_id);
    }

    /// A status change of `ticket_id` that happened at `at_ms` (Zendesk's clock; `None`: not
    /// known): whether it is taken. Zendesk's events arrive late and in no promised order: one
    /// older than the latest taken for the ticket is not (the ticket's status changed since);
    /// else its time is the ticket's latest. Without a time, taken as it comes (and nothing
    /// kept: it cannot be ordered). The oldest ticket beyond `ASKED_MAX` is forgotten.
    pub fn take_status_at(&mut self, ticket_id: u64, at_ms: Option<u64>) -> bool {
        let Some(at_ms) = at_ms else {
            return true;
        };
        if let Some(i) = self.statuses.iter().position(|s| s.ticket_id == ticket_id) {
            if at_ms < self.statuses[i].at_ms {
                return false;
            }
            self.statuses.remove(i);
        } else if self.statuses.len() >= ASKED_MAX {
            self.statuses.remove(0);
        }
        self.statuses.push(StatusSeen { ticket_id, at_ms });
        true
    }

    /// Whether a question or a comment is awaited now (a message may be the answer).
    pub fn awaiting(&self, now_ms: u64) -> bool {
        self.asked.iter().any(|a| {
            (a.open && !a.pending && now_ms < a.at_ms.saturating_add(ANSWER_WINDOW_MS))
                || a.comment_until_ms.is_some_and(|until| now_ms < until)
        })
    }

    /// The customer's message (its button payload, if any, its text, and when it arrived): an
    /// answer, a comment, or not about the question. Whatever it is, the question waits no more
    /// for a first message. A message that arrived before the question (queued behind others)
    /// is not an answer to it and leaves it waiting.
    pub fn take(
        &mut self,
        button_payload: Option<&str>,
        body: &str,
        received_ms: u64,
        now_ms: u64,
    ) -> Taken {
        let Some(a) = self
            .asked
            .iter_mut()
            .rev()
            .find(|a| a.open || a.comment_until_ms.is_some())
        else {
            return Taken::No;
        };
        if a.pending || received_ms < a.at_ms {
            return Taken::No;
        }
        if let Some(until) = a.comment_until_ms.take() {
            let comment = body.trim();
            return match a.rating {
                Some(rating)
                    if now_ms < until
                        && !comment.is_empty()
                        && button_payload.is_none()
                        && !reads_as_request_within(comment, FOLLOWING_COMMENT_MAX_WORDS) =>
                {
                    Taken::Comment {
                        ticket_id: a.ticket_id,
                        rating,
                        comment: comment.to_string(),
                    }
                }
                _ => Taken::No,
            };
        }
        a.open = false;
        if now_ms >= a.at_ms.saturating_add(ANSWER_WINDOW_MS) {
            return Taken::No;
        }
        let Some(answer) = parse_answer(button_payload, body) else {
            return Taken::No;
        };
        a.rating = Some(answer.rating);
        if answer.comment.is_none() {
            a.comment_until_ms = Some(now_ms.saturating_add(COMMENT_WINDOW_MS));
        }
        Taken::Rating {
            ticket_id: a.ticket_id,
            rating: answer.rating,
            comment: answer.comment,
        }
    }
}
