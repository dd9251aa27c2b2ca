//! Satisfaction on WhatsApp (`CSAT=on`, docs/satisfaction.md): when a WhatsApp ticket is
//! solved the customer gets one short question (good / bad buttons), and their answer becomes
//! the tag `csat_good` or `csat_bad` plus an internal note on the ticket.
//!
//! Why not Zendesk's satisfaction API: its endpoints are "for the legacy CSAT feature", and a
//! legacy rating can only be created by the ticket's requester, which the gateway's agent token
//! is not; the newer CSAT survey responses have no documented call that records a score
//! server-side (https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/,
//! https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses).
//!
//! This module holds the rules only (pure, stored with the conversation): when to ask, which
//! message is an answer, and what is written to Zendesk.
//! - **One question per ticket.** A ticket asked once is never asked again, not for a duplicate
//!   `status_changed` event, a retry, a restart, nor a reopen-then-solve (the rule: one
//!   per ticket; an agent who wants a second rating asks in a reply).
//! - **None** when the customer opted out, or the ticket was solved as spam (its `spam` tag or a
//!   `ticket.marked_as_spam` event: the gateway can know both).
//! - **The answer** is the customer's first message after the question, within
//!   `ANSWER_WINDOW_MS`: a button (`ButtonPayload` `csat_good` / `csat_bad`), or a text that starts
//!   with a word or emoji that clearly means good or bad in one of the shipped languages; the
//!   rest of that text is the comment. A first message that is not an answer ends the question
//!   (it is handled as today). After a rating without a comment, the next message within
//!   `COMMENT_WINDOW_MS` is taken as its comment.

use crate::core::text::fold_accents;
use serde::{Deserialize, Serialize};

mod state;
pub use state::{Asked, Csat, StatusSeen, Taken};

/// How long a question waits for its answer: later, a "good" is an ordinary message.
pub const ANSWER_WINDOW_MS: u64 = 7 * 24 * 3600 * 1000;
/// How long after a rating without a comment the next message is taken as its comment.
pub const COMMENT_WINDOW_MS: u64 = 5 * 60 * 1000;
/// Tickets remembered as asked (the oldest beyond are forgotten: a ticket solved that long ago
/// is not solved again within the answer window in practice).
pub const ASKED_MAX: usize = 32;
/// How long the question waits after the solve. Zendesk reports "Submit as Solved" with a public
/// reply as two events (`ticket.comment_added`, `ticket.status_changed`) or two trigger calls,
/// delivered in no promised order: the agent's last answer, arriving within this time, reaches
/// the customer before the question (`AgentSide::take_agent_reply`).
pub const QUESTION_HOLD_MS: u64 = 15 * 1000;
/// The reason a message taken as a rating, or as its comment, records (no ticket, no comment):
/// its outcome is `csat_answer` (`MessageOutcome::of`).
pub const CSAT_ANSWER_REASON: &str = "csat_answer";
pub const CSAT_COMMENT_REASON: &str = "csat_comment";
/// The quick-reply buttons' ids (`ButtonPayload` when tapped).
pub const PAYLOAD_GOOD: &str = "csat_good";
pub const PAYLOAD_BAD: &str = "csat_bad";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Good,
    Bad,
}

impl Rating {
    /// The tag the rating adds to the ticket.
    pub fn tag(self) -> &'static str {
        match self {
            Rating::Good => "csat_good",
            Rating::Bad => "csat_bad",
        }
    }
}

/// The question's texts in one language: the body (`{ticket_id}` filled in), the two buttons'
/// labels, and the thanks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    pub question: &'static str,
    pub good: &'static str,
    pub bad: &'static str,
    pub thanks: &'static str,
}

/// The shipped texts of a language (English for one not shipped).
pub fn texts(code: &str) -> &'static Texts {
    const EN: Texts = Texts {
        question: "Your request #{ticket_id} was solved. How did we do? You can add a comment after your answer.",
        good: "👍 Good",
        bad: "👎 Bad",
        thanks: "Thank you for your feedback!",
    };
    const ES: Texts = Texts {
        question: "Tu solicitud #{ticket_id} fue resuelta. ¿Qué tal te atendimos? Puedes añadir un comentario después de responder.",
        good: "👍 Bien",
        bad: "👎 Mal",
        thanks: "¡Gracias por tu opinión!",
    };
    const PT: Texts = Texts {
        question: "Sua solicitação #{ticket_id} foi resolvida. Como foi o nosso atendimento? Você pode deixar um comentário depois de responder.",
        good: "👍 Bom",
        bad: "👎 Ruim",
        thanks: "Obrigado pela sua avaliação!",
    };
    const FR: Texts = Texts {
        question: "Votre demande #{ticket_id} a été résolue. Comment avons-nous fait ? Vous pouvez ajouter un commentaire après votre réponse.",
        good: "👍 Bien",
        bad: "👎 Mauvais",
        thanks: "Merci pour votre avis !",
    };
    const DE: Texts = Texts {
        question: "Ihre Anfrage #{ticket_id} wurde gelöst. Wie zufrieden waren Sie? Nach Ihrer Antwort können Sie einen Kommentar schreiben.",
        good: "👍 Gut",
        bad: "👎 Schlecht",
        thanks: "Vielen Dank für Ihre Bewertung!",
    };
    const IT: Texts = Texts {
        question: "La tua richiesta #{ticket_id} è stata risolta. Com'è andata? Dopo la risposta puoi aggiungere un commento.",
        good: "👍 Bene",
        bad: "👎 Male",
        thanks: "Grazie per il tuo parere!",
    };
    const ID: Texts = Texts {
        question: "Permintaan Anda #{ticket_id} sudah diselesaikan. Bagaimana layanan kami? Anda bisa menambahkan komentar setelah menjawab.",
        good: "👍 Bagus",
        bad: "👎 Buruk",
        thanks: "Terima kasih atas penilaian Anda!",
    };
    match code {
        "es" => &ES,
        "pt" => &PT,
        "fr" => &FR,
        "de" => &DE,
        "it" => &IT,
        "id" => &ID,
        _ => &EN,
    }
}

/// Words (folded: lower case, no accents) that open an answer meaning good or bad, in every
/// shipped language at once (a customer's language may be detected wrong). Words that are also
/// common openings of a request in another shipped language are left out: Indonesian `mau`
/// ("want") is Portuguese "bad", `kurang` ("less") is Indonesian "lacking".
const GOOD_WORDS: &[&str] = &[
    "good",
    "very good",
    "great",
    "perfect",
    "muy bien",
    "muy bueno",
    "perfecto",
    "muito bom",
    "perfeito",
    "parfait",
    "molto bene",
    "molto buono",
    "perfetto",
    "perfekt",
    "sangat bagus",
    "sangat baik",
    "excellent",
    "satisfied",
    "bueno",
    "buena",
    "bien",
    "excelente",
    "bom",
    "boa",
    "otimo",
    "otima",
    "bon",
    "bonne",
    "tres bien",
    "satisfait",
    "gut",
    "sehr gut",
    "super",
    "zufrieden",
    "buono",
    "bene",
    "ottimo",
    "baik",
    "bagus",
    "puas",
];
const BAD_WORDS: &[&str] = &[
    "bad",
    "very bad",
    "muy mal",
    "muito ruim",
    "molto male",
    "sangat buruk",
    "poor",
    "terrible",
    "unsatisfied",
    "malo",
    "mala",
    "mal",
    "ruim",
    "pessimo",
    "pessima",
    "mauvais",
    "mauvaise",
    "nul",
    "schlecht",
    "unzufrieden",
    "cattivo",
    "male",
    "buruk",
    "jelek",
];

/// What a message says as an answer: a rating and the comment after it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub rating: Rating,
    pub comment: Option<String>,
}

/// Reads a message as an answer to the question: a tapped button (its payload), or a text that
/// starts with a good/bad word or 👍/👎. `None`: not an answer ("not good" is not one either).
pub fn parse_answer(button_payload: Option<&str>, body: &str) -> Option<Answer> {
    match button_payload.map(str::trim) {
        Some(PAYLOAD_GOOD) => return Some(answer(Rating::Good, "")),
        Some(PAYLOAD_BAD) => return Some(answer(Rating::Bad, "")),
        // Another template's button: not this question's answer.
        Some(p) if !p.is_empty() => return None,
        _ => {}
    }
    let text = body.trim_start();
    for (emoji, rating) in [("👍", Rating::Good), ("👎", Rating::Bad)] {
        if let Some(rest) = text.strip_prefix(emoji) {
            let rest = strip_emoji_modifiers(rest);
            return (!reads_as_request(rest)).then(|| answer(rating, rest));
        }
    }
    let folded = fold_accents(text);
    // The longest word first ("tres bien" before "bien" is not needed, but "sehr gut" is).
    let mut best: Option<(usize, Rating)> = None;
    for (words, rating) in [(GOOD_WORDS, Rating::Good), (BAD_WORDS, Rating::Bad)] {
        for w in words {
            if opens_with(&folded, w) && best.is_none_or(|(len, _)| w.len() > len) {
                best = Some((w.len(), rating));
            }
        }
    }
    let (len, rating) = best?;
    // The folded text keeps the original's characters one for one except for `ß`, `œ`, `æ`,
    // which none of the words contain: the comment is cut from the original by characters.
    let chars = folded[..len].chars().count();
    let rest: String = text.chars().skip(chars).collect();
    if starts_a_greeting(&folded[len..]) || reads_as_request(&rest) {
        return None;
    }
    Some(answer(rating, &rest))
}

/// Longest comment taken with a rating in one message, in words: a longer text is more likely a
/// new request that happens to start with "good" or 👍, and an ordinary message reaches the
/// agents (a comment reopens the ticket), where a rating's note on a solved ticket may not be read.
pub const INLINE_COMMENT_MAX_WORDS: usize = 15;
/// Longest message taken as the comment that follows a rating, in words (same reason).
pub const FOLLOWING_COMMENT_MAX_WORDS: usize = 40;

/// Whether the text after a rating (or a whole following comment, with `max_words`) reads as a
/// request rather than a comment: a question, or too long.
pub(crate) fn reads_as_request_within(rest: &str, max_words: usize) -> bool {
    rest.contains(['?', '¿', '？']) || rest.split_whitespace().count() > max_words
}

fn reads_as_request(rest: &str) -> bool {
    reads_as_request_within(rest, INLINE_COMMENT_MAX_WORDS)
}

/// Words (folded) that, after a good/bad word, make a greeting or news rather than a rating:
/// "good morning", "bom dia", "boa tarde", "bonne journée", "buona sera", "bad news".
const NOT_A_RATING_AFTER: &[&str] = &[
    "morning",
    "afternoon",
    "evening",
    "night",
    "day",
    "news",
    "dia",
    "tarde",
    "noite",
    "noche",
    "noticia",
    "noticias",
    "journee",
    "soiree",
    "nuit",
    "matin",
    "apres",
    "nouvelle",
    "nouvelles",
    "tag",
    "abend",
    "morgen",
    "nacht",
    "nachricht",
    "nachrichten",
    "giorno",
    "sera",
    "serata",
    "notte",
    "pomeriggio",
    "notizia",
    "notizie",
    "pagi",
    "siang",
    "sore",
    "malam",
    "berita",
];

/// Whether the folded text after the rating word starts with one of `NOT_A_RATING_AFTER`.
fn starts_a_greeting(folded_rest: &str) -> bool {
    let next = folded_rest
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    NOT_A_RATING_AFTER.contains(&next)
}

/// Whether `folded` starts with `word` as a whole word.
fn opens_with(folded: &str, word: &str) -> bool {
    folded
        .strip_prefix(word)
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

/// Skin tones and the emoji presentation selector that may follow 👍.
fn strip_emoji_modifiers(s: &str) -> &str {
    s.trim_start_matches(|c: char| ('\u{1F3FB}'..='\u{1F3FF}').contains(&c) || c == '\u{FE0F}')
}

fn answer(rating: Rating, rest: &str) -> Answer {
    let comment = rest
        .trim_start_matches(|c: char| c.is_whitespace() || ",.;:!-–—".contains(c))
        .trim();
    Answer {
        rating,
        comment: (!comment.is_empty()).then(|| comment.to_string()),
    }
}

/// Why a solved ticket was or was not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Ask,
    /// `CSAT` is off for the channel.
    Off,
    /// The status is not `solved`.
    NotSolved,
    AlreadyAsked,
    OptedOut,
    Spam,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Ask => "ask",
            Decision::Off => "off",
            Decision::NotSolved => "not_solved",
            Decision::AlreadyAsked => "already_asked",
            Decision::OptedOut => "opted_out",
            Decision::Spam => "spam",
        }
    }
}

/// Whether a ticket status (as Zendesk's events write it, `SOLVED`, or its API, `solved`) is
/// solved. `closed` follows `solved` and is not a second solve.
pub fn is_solved(status: &str) -> bool {
    status.trim().eq_ignore_ascii_case("solved")
}

/// The question's body in a language, its ticket filled in.
pub fn question(texts: &Texts, ticket_id: u64) -> String {
    texts
        .question
        .replace("{ticket_id}", &ticket_id.to_string())
}

/// The question as text, when no quick-reply template is configured: the answers it takes
/// follow (`parse_answer` reads them, typed or as 👍 / 👎).
pub fn question_text(texts: &Texts, ticket_id: u64) -> String {
    format!(
        "{}\n\n{} / {}",
        question(texts, ticket_id),
        texts.good,
        texts.bad
    )
}

/// The question goes out as one of the agents' side's replies (its sending, retries, window
/// and delivery statuses are theirs), under an id no Zendesk comment has: the top bit set.
const QUESTION_ID_BIT: u64 = 1 << 62;

/// The id the question about `ticket_id` is sent under.
pub fn question_id(ticket_id: u64) -> u64 {
    QUESTION_ID_BIT | ticket_id
}

/// The ticket a reply id is the question of, if it is one.
pub fn question_of(reply_id: u64) -> Option<u64> {
    (reply_id & QUESTION_ID_BIT != 0).then_some(reply_id & !QUESTION_ID_BIT)
}

/// The key of the internal note that records a rating: the tag it adds is read from it
/// (`note_tags`), so the note and its tag are written in one update, once.
pub fn rating_note_key(rating: Rating, ticket_id: u64, sid: &str) -> String {
    format!("{}:{ticket_id}:{sid}", rating.tag())
}

/// The tags an internal note adds with it: a rating's (`rating_note_key`), else none.
pub fn note_tags(key: &str) -> &'static [&'static str] {
    match key.split(':').next() {
        Some("csat_good") => &["csat_good"],
        Some("csat_bad") => &["csat_bad"],
        _ => &[],
    }
}

/// The internal note of a rating (the comment in the same message, if any).
pub fn rating_note(rating: Rating, comment: Option<&str>) -> String {
    let verdict = match rating {
        Rating::Good => "Good 👍",
        Rating::Bad => "Bad 👎",
    };
    let mut body = format!("WhatsApp satisfaction: the customer rated this ticket {verdict}.");
    if let Some(c) = comment {
        body.push_str("\nComment: ");
        body.push_str(c);
    }
    body
}

/// The internal note of a comment that followed the rating.
pub fn comment_note(rating: Rating, comment: &str) -> String {
    let verdict = match rating {
        Rating::Good => "Good 👍",
        Rating::Bad => "Bad 👎",
    };
    format!("WhatsApp satisfaction ({verdict}), the customer's comment: {comment}")
}

#[cfg(test)]
#[path = "csat_tests.rs"]
mod tests;
