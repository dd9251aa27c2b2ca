//! The default triage (`TRIAGE_MODE` unset): a first message becomes a ticket when it says
//! anything beyond pleasantries. In order, the first rule that applies decides:
//! 1. `problem_word`: a word or phrase of failure, loss, money, access, change or
//!    cancellation, or a support object (order, account, payment...), in any shipped or
//!    enabled language (English words count inside other languages): a ticket.
//! 2. `negation`: a negation followed by a word that is not a pleasantry ("no llegó",
//!    "nicht angekommen", "gak bisa"), or following a pleasantry phrase ("ça marche pas"):
//!    a ticket.
//! 3. `settled`: the matter settled or the message withdrawn ("problem solved", "nvm the
//!    refund came through", "sorry, wrong chat") and nothing else said but pleasantries and
//!    the words allowed beside (`aside_words`): the details request. A question mark, a
//!    number, a negation, "but", "still", "late" or any other word keeps it a request ("the
//!    parcel arrived broken", "has my parcel arrived?").
//!    `small_talk` (read with it, before the problem words): every statement praises, thanks,
//!    denies trouble, wishes, names who writes or tells good news, and nothing asks or
//!    complains (`asides::small_talk`): the details request.
//!    `problem_emoji` (after the problem words): an emoji of a support object beside one of
//!    trouble ("📦❌", "💳❓"): a ticket.
//! 4. `too_short`: fewer characters than `TRIAGE_MIN_LENGTH`: the details request.
//! 5. `greeting_only`: every word a greeting, thanks, acknowledgement, "are you there?",
//!    laughter or filler (or no word at all: emoji): the details request.
//! 6. `content`: at least two words (or an order number) that are not pleasantries: a ticket.
//!    One word after a formal salutation ("Sehr geehrte Damen und Herren, Widerruf") is content
//!    too: a formal letter names its matter in a word.
//! 7. `little_content`: otherwise (one unknown word among pleasantries): the details request.
//!
//! Pleasantry phrases ("no problem", "de nada", "kein Problem") are read before the rules, so
//! the problem word inside them does not count.

use super::asides::{denied_trouble, only_a_name, settled, small_talk, without_denied_trouble};
use super::lexicon::{Lexicon, Matcher};
use super::{subject, Decision, Priority, Rejection, Triage, TriageRules};
use crate::core::text::{fold_accents, unstretch, words};

/// French and Italian elided articles and prepositions (`l'`, `un'`, `dell'`).
const ELISIONS: [&str; 14] = [
    "l", "d", "un", "dell", "all", "nell", "dall", "sull", "quell", "quest", "c", "s", "j", "m",
];

/// Words beyond pleasantries from which a message is a request (rule 5).
const MIN_CONTENT_WORDS: usize = 2;

pub(super) fn decide(rules: &TriageRules, lex: &Lexicon, message: &str) -> Decision {
    let trimmed = message.trim();
    let folded = read(lex, trimmed);
    let all: Vec<&str> = words(&folded).collect();
    // Words left once pleasantry phrases are taken out.
    let mut kept: Vec<&str> = Vec::with_capacity(all.len());
    // A pleasantry phrase followed by a negation is negated: "ça marche pas", "vous répondez
    // jamais", "funciona não" say something does not work (French and spoken Portuguese put
    // the negation after the verb).
    let mut negated: Option<(String, &str)> = None;
    // A pleasantry phrase that also says the matter is settled ("all sorted now", true) or
    // the message withdrawn ("just testing", false).
    let mut settled_phrase: Option<(String, bool)> = None;
    let mut i = 0;
    while i < all.len() {
        match lex.pleasantry.at(&all, i) {
            Some((phrase, n)) if n > 1 => {
                // Not when it denies trouble: "great service, no problems at all".
                if let Some(next) = all
                    .get(i + n)
                    .filter(|w| lex.negation.has_word(w))
                    .filter(|_| denied_trouble(lex, &all, i + n).is_none())
                {
                    negated.get_or_insert((phrase, next));
                }
                // The settled phrase may run on past the pleasantry ("e tutto" in "e tutto a
                // posto"): it is taken out whole.
                let mut n = n;
                if let Some((marker, m)) = lex.settled.at(&all, i) {
                    settled_phrase.get_or_insert((marker, true));
                    n = n.max(m);
                } else if let Some((marker, m)) = lex.withdrawn.at(&all, i) {
                    settled_phrase.get_or_insert((marker, false));
                    n = n.max(m);
                }
                i += n;
            }
            _ => {
                kept.push(all[i]);
                i += 1;
            }
        }
    }
    let accepted = |rule: String| {
        let (priority, why) = priority(lex, &kept);
        Decision {
            triage: Triage::Accepted {
                subject: subject(trimmed),
                priority,
            },
            // The priority's reason too when it is an emergency told without an urgent word.
            rule: match why {
                Some(why) => format!("{rule}; urgent: emergency \"{why}\""),
                None => rule,
            },
        }
    };
    if let Some((phrase, negation)) = &negated {
        return accepted(format!("negation \"{negation}\" after \"{phrase}\""));
    }
    let rejected = |why: Rejection, rule: String| Decision {
        triage: Triage::Rejected(why),
        rule,
    };
    if let Some(marker) = settled(lex, &all, &kept, settled_phrase, trimmed) {
        return rejected(Rejection::Settled, format!("settled \"{marker}\""));
    }
    if small_talk(lex, &all, &kept, &folded, trimmed)
        && priority(lex, &without_denied_trouble(lex, &kept)).0 == Priority::Normal
    {
        return rejected(Rejection::SmallTalk, Rejection::SmallTalk.as_str().into());
    }
    for i in 0..kept.len() {
        // A listed pleasantry is not read as an inflected problem word ("wanted" is not
        // "want", "tardes" is not "tarde"); a problem word listed as such still counts.
        let problem = if lex.pleasantry.has_exact(kept[i]) {
            lex.problem.at(&kept, i)
        } else {
            lex.problem.at_inflected(&kept, i)
        };
        if let Some((entry, _)) = problem {
            return accepted(format!("problem_word \"{entry}\""));
        }
        if let Some((entry, n)) = lex.negation.at(&kept, i) {
            if Matcher::is_stem(&entry) {
                return accepted(format!("negation \"{entry}\""));
            }
            if let Some(next) = kept.get(i + n) {
                if !lex.pleasantry.has_word(next) && !lex.negation.has_word(next) {
                    return accepted(format!("negation \"{entry}\" before another word"));
                }
            }
        }
    }
    if let Some(told) = told_in_emoji(trimmed) {
        return accepted(format!("problem_emoji \"{told}\""));
    }
    if trimmed.chars().count() < rules.min_length {
        return rejected(Rejection::TooShort, Rejection::TooShort.as_str().into());
    }
    let is_content = |w: &str| {
        let digits = w.chars().all(|c| c.is_ascii_digit());
        if digits {
            w.len() >= 3
        } else {
            lex.is_content_word(w)
        }
    };
    let mut content = kept.iter().filter(|w| is_content(w)).count();
    if only_a_name(lex, &all, &kept, trimmed, is_content) {
        content = 0;
    }
    match content {
        0 => rejected(
            Rejection::GreetingOnly,
            Rejection::GreetingOnly.as_str().into(),
        ),
        n if n >= MIN_CONTENT_WORDS => accepted(format!("content ({n} words beyond pleasantries)")),
        n if lex.salutation.find(&all).is_some() => {
            accepted(format!("content ({n} word after a formal salutation)"))
        }
        n => rejected(
            Rejection::LittleContent,
            format!("little_content ({n} word beyond pleasantries)"),
        ),
    }
}

/// Emoji that name what support is about: a parcel, a delivery, a card, money, a phone, a
/// key, a receipt, signal, light, water.
const OBJECT_EMOJI: [char; 14] = [
    '📦', '🚚', '💳', '💸', '💰', '💶', '📱', '📲', '🔑', '🧾', '📶', '💡', '🚿', '🔌',
];

/// Emoji and marks that say it went wrong, is missing or is asked after.
const TROUBLE_EMOJI: [char; 10] = ['❌', '❓', '❔', '⁉', '‼', '🚫', '⛔', '⚠', '✖', '?'];

/// A problem told in emoji (probe R, twelfth pass): a support object beside a mark of trouble
/// ("📦❌", "💳❓", "📦? nada"); the two emoji, as found. A parcel with a tick ("📦✅") or a
/// question mark alone tells nothing.
fn told_in_emoji(message: &str) -> Option<String> {
    let object = message.chars().find(|c| OBJECT_EMOJI.contains(c))?;
    let trouble = message.chars().find(|c| TROUBLE_EMOJI.contains(c))?;
    Some(format!("{object}{trouble}"))
}

/// A message as the rules read it: accents folded, stretched words written plainly, never
/// into a function word ("offfff" is not "of": a stretched word says something).
pub(super) fn read(lex: &Lexicon, message: &str) -> String {
    let folded = fold_accents(message.trim());
    unstretch(&folded, |w| lex.knows(w) && !lex.filler.has_exact(w)).into_owned()
}

/// An elided article (`un'emergenza`, `l'urgence`, `j'ai`) says nothing: the word after it
/// counts.
pub(super) fn unelide<'a>(words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .map(|w| match w.split_once('\'') {
            Some((head, rest)) if ELISIONS.contains(&head) && !rest.is_empty() => rest,
            _ => w,
        })
        .collect()
}

/// The plain negations that deny the word after them; not "nothing", `nada`, `rien`, which end
/// a clause as often ("we can't sell anything, it's urgent": the comma is gone from the words).
const DENYING: [&str; 17] = [
    "not", "no", "isnt", "isn't", "nao", "n", "pas", "nicht", "kein", "keine", "non", "ga", "gak",
    "nggak", "tidak", "bukan", "ndak",
];

/// Words between a negation and the word it denies: "it's not urgent", "not an emergency", `no
/// es urgente`, `não é urgente`, `c'est pas si urgent`, `non è così urgente`.
const DENYING_BETWEEN: [&str; 24] = [
    "is", "so", "that", "very", "too", "a", "an", "es", "tan", "muy", "una", "un", "e", "tao",
    "muito", "uma", "est", "si", "une", "ist", "sehr", "ein", "eine", "cosi",
];

/// Whether the word at `i` is denied: "not urgent", `no es urgente`, `nicht dringend`, `ga
/// urgent` (a negation just before, or two before with only a copula or a degree between). "not
/// working, urgent!" is urgent: "working" denies nothing.
fn denied(words: &[&str], i: usize) -> bool {
    let negation = |j: usize| DENYING.contains(&words[j]);
    (i >= 1 && negation(i - 1))
        || (i >= 2 && negation(i - 2) && DENYING_BETWEEN.contains(&words[i - 1]))
}

/// The priority, and the emergency rule that made it urgent when no urgent word did.
fn priority(lex: &Lexicon, words: &[&str]) -> (Priority, Option<&'static str>) {
    let unelided = unelide(words);
    // An urgent word denied ("not urgent", "not an emergency") is taken out whole: no emergency
    // class reads it either. Not when a "but" follows: "not urgent about the address, but my
    // account was just emptied" (the review `triage-probe-review-guards.tsv`).
    let mut kept: Vec<&str> = Vec::with_capacity(unelided.len());
    let mut urgent_said = false;
    let mut i = 0;
    while i < unelided.len() {
        match lex.urgent.at_inflected(&unelided, i) {
            Some((_, n))
                if denied(&unelided, i) && !lex.emergency.contrast_after(&unelided, i + n) =>
            {
                i += n
            }
            found => {
                urgent_said |= found.is_some();
                kept.push(unelided[i]);
                i += 1;
            }
        }
    }
    if urgent_said {
        return (Priority::Urgent, None);
    }
    let words = &kept[..];
    if let Some(why) = lex.emergency.find(words) {
        (Priority::Urgent, Some(why))
    } else if (0..words.len()).any(|i| lex.high.at_inflected(words, i).is_some()) {
        (Priority::High, None)
    } else {
        (Priority::Normal, None)
    }
}

#[cfg(test)]
#[path = "problems_tests.rs"]
mod tests;
