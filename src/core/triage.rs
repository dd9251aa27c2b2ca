//! Triage: is a first message detailed enough to become a ticket, its subject, and its
//! priority. Two modes (`TRIAGE_MODE`, docs/triage.md):
//! - the default (`problems`): a message that says anything beyond pleasantries, in any enabled
//!   language, becomes a ticket (`problems.rs`, with the words of `lexicon.rs`);
//! - `guide`: the guide's rule exactly: a message needs one of its language's issue keywords.
//!
//! Keywords match whole words after folding case, typographic apostrophes and accents (`não`
//! matches `nao`). Every decision names the rule that took it (`Decision::rule`).

use crate::core::text::{contains_phrase, fold_accents, truncate_with_ellipsis};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

mod aside_words;
mod asides;
mod emergency;
mod emergency_words;
mod lexicon;
mod matcher;
mod problems;

pub use lexicon::Lexicon;

/// Which rule decides (`TRIAGE_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TriageMode {
    /// A message that says anything beyond pleasantries becomes a ticket.
    #[default]
    Problems,
    /// The guide's rule exactly: one of the language's issue keywords is needed.
    Guide,
}

impl TriageMode {
    pub fn parse(raw: &str) -> Option<TriageMode> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "guide" => Some(TriageMode::Guide),
            "problems" | "default" => Some(TriageMode::Problems),
            _ => None,
        }
    }
}

pub const SUBJECT_MAX_CHARS: usize = 50;
pub const FALLBACK_SUBJECT: &str = "WhatsApp Support Request";

/// The rules as data: configurable without a rebuild (see `Config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageRules {
    pub min_length: usize,
    /// Words that alone make a message a greeting or pleasantry ("hi", "thanks", "ok").
    pub greeting_words: Vec<String>,
    pub issue_keywords: Vec<String>,
    pub urgent_keywords: Vec<String>,
    pub high_keywords: Vec<String>,
    pub mode: TriageMode,
    /// The default mode's words, from every enabled language (shared by their rules).
    pub lexicon: Arc<Lexicon>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for TriageRules {
    /// The guide's English lists (`language::packs::en`, the one place they are written), read
    /// by the default mode with every shipped language's words.
    fn default() -> Self {
        use crate::core::language::packs::en;
        let mut rules = TriageRules {
            min_length: 10,
            greeting_words: strings(en::GREETING_WORDS),
            issue_keywords: strings(en::ISSUE_KEYWORDS),
            urgent_keywords: strings(en::URGENT_KEYWORDS),
            high_keywords: strings(en::HIGH_KEYWORDS),
            mode: TriageMode::Problems,
            lexicon: Arc::default(),
        };
        let mut lexicon = Lexicon::shipped();
        rules.add_to(&mut lexicon);
        rules.lexicon = Arc::new(lexicon);
        rules
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Urgent,
    High,
    Normal,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
        }
    }
}

/// Why a first message was not made into a ticket (for logs; the customer gets one reply text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    TooShort,
    GreetingOnly,
    /// The guide's rule: none of the language's issue keywords.
    NoIssueKeyword,
    /// The default rule: one word beyond pleasantries, and no problem word.
    LittleContent,
    /// The default rule: the matter settled or withdrawn ("problem solved", "wrong chat"),
    /// and nothing else said.
    Settled,
    /// The default rule: only thanks, praise or good news, clause by clause, asking for
    /// nothing.
    SmallTalk,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::TooShort => "too_short",
            Rejection::GreetingOnly => "greeting_only",
            Rejection::NoIssueKeyword => "no_issue_keyword",
            Rejection::LittleContent => "little_content",
            Rejection::Settled => "settled",
            Rejection::SmallTalk => "small_talk",
        }
    }

    /// The rule in words, for operators (the log line and the admin view): never the
    /// customer's words.
    pub fn explain(self) -> &'static str {
        match self {
            Rejection::TooShort => "shorter than TRIAGE_MIN_LENGTH, naming no problem",
            Rejection::GreetingOnly => {
                "only greetings, thanks, acknowledgements or emoji, naming no problem"
            }
            Rejection::NoIssueKeyword => "none of the issue keywords (TRIAGE_MODE=guide)",
            Rejection::LittleContent => {
                "a single word beyond greetings and pleasantries, naming no problem"
            }
            Rejection::Settled => {
                "says the matter is settled or was sent by mistake, naming no problem left"
            }
            Rejection::SmallTalk => {
                "only thanks, praise or good news in every sentence, asking for nothing and naming no problem"
            }
        }
    }

    /// The rejection a stored reason names (`as_str`), for the admin view.
    pub fn from_name(name: &str) -> Option<Rejection> {
        [
            Rejection::TooShort,
            Rejection::GreetingOnly,
            Rejection::NoIssueKeyword,
            Rejection::LittleContent,
            Rejection::Settled,
            Rejection::SmallTalk,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }
}

/// Why a decision was taken: the rule, and the list words it matched (for tests, the accuracy
/// command and docs; logs carry only the rule's name, never the customer's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub triage: Triage,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    Accepted { subject: String, priority: Priority },
    Rejected(Rejection),
}

impl TriageRules {
    /// The guide's rules exactly: English lists, `TRIAGE_MODE=guide`.
    pub fn guide() -> TriageRules {
        TriageRules {
            mode: TriageMode::Guide,
            lexicon: Arc::default(),
            ..TriageRules::default()
        }
    }

    /// Adds these rules' lists to a lexicon (the default mode reads every language's).
    pub fn add_to(&self, lexicon: &mut Lexicon) {
        lexicon.add_lists(
            &self.greeting_words,
            &self.issue_keywords,
            &self.urgent_keywords,
            &self.high_keywords,
        );
    }

    /// The decision and the rule that took it.
    pub fn decide(&self, message: &str) -> Decision {
        match self.mode {
            TriageMode::Problems => problems::decide(self, &self.lexicon, message),
            TriageMode::Guide => {
                let (triage, rule) = self.guide_decide(message);
                Decision { triage, rule }
            }
        }
    }

    pub fn triage(&self, message: &str) -> Triage {
        self.decide(message).triage
    }

    /// The guide's rule: long enough, not only greetings, and one of the issue keywords.
    fn guide_decide(&self, message: &str) -> (Triage, String) {
        let reject = |r: Rejection| (Triage::Rejected(r), r.as_str().to_string());
        let trimmed = message.trim();
        if trimmed.chars().count() < self.min_length {
            return reject(Rejection::TooShort);
        }
        let folded = fold_accents(trimmed);
        if self.is_greeting_only(&folded) {
            return reject(Rejection::GreetingOnly);
        }
        // A word that sets the priority ("down", "outage", "error") names an issue too.
        let keyword = [
            &self.issue_keywords,
            &self.urgent_keywords,
            &self.high_keywords,
        ]
        .into_iter()
        .flat_map(|list| list.iter())
        .find(|p| contains_phrase(&folded, &self::folded(p)));
        let Some(keyword) = keyword else {
            return reject(Rejection::NoIssueKeyword);
        };
        let rule = format!("issue_keyword \"{keyword}\"");
        let triage = Triage::Accepted {
            subject: subject(trimmed),
            priority: self.priority(&folded),
        };
        (triage, rule)
    }

    /// A message made only of greeting words ("Hello, good morning!", "thanks so much").
    fn is_greeting_only(&self, folded: &str) -> bool {
        let mut words = folded
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .peekable();
        words.peek().is_some()
            && words.all(|w| self.greeting_words.iter().any(|g| self::folded(g) == w))
    }

    fn priority(&self, folded: &str) -> Priority {
        if any_phrase(folded, &self.urgent_keywords) {
            Priority::Urgent
        } else if any_phrase(folded, &self.high_keywords) {
            Priority::High
        } else {
            Priority::Normal
        }
    }
}

/// A list entry folded for matching. The lists are folded when the configuration is read
/// (`config::languages`), so this normally borrows: no allocation per keyword per message.
fn folded(entry: &str) -> Cow<'_, str> {
    if entry.is_ascii() && !entry.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(entry)
    } else {
        Cow::Owned(fold_accents(entry))
    }
}

fn any_phrase(folded: &str, phrases: &[String]) -> bool {
    phrases
        .iter()
        .any(|p| contains_phrase(folded, &self::folded(p)))
}

/// The first sentence, at most 50 characters ("..." when cut), or the fallback when empty.
/// A sentence ends at a line break, or at `.`, `!` or `?` followed by whitespace or the end.
pub fn subject(message: &str) -> String {
    let text = message.trim();
    let mut end = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space_or_end = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if c == '\n' || c == '\r' {
            end = i;
            break;
        }
        if matches!(c, '.' | '!' | '?') && next_is_space_or_end {
            end = i;
            break;
        }
    }
    let first = text[..end].trim();
    if !first
        .chars()
        .any(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
    {
        return FALLBACK_SUBJECT.to_string();
    }
    truncate_with_ellipsis(first, SUBJECT_MAX_CHARS)
}

#[cfg(test)]
mod accuracy;
#[cfg(test)]
mod aside_tests;
#[cfg(test)]
mod classifier_experiment;

#[cfg(test)]
mod tests {
    use super::*;

    fn triage(m: &str) -> Triage {
        TriageRules::guide().triage(m)
    }

    #[test]
    fn seed_valid_examples_are_accepted() {
        for m in [
            "I can't log into my account, getting error 404",
            "Billing question about invoice #12345",
            "Need help with password reset",
            "System is down, urgent assistance needed",
        ] {
            assert!(matches!(triage(m), Triage::Accepted { .. }), "{m}");
        }
    }

    #[test]
    fn seed_invalid_examples_are_rejected() {
        for m in ["hi", "help", "hello", "thanks", "ok"] {
            assert_eq!(triage(m), Triage::Rejected(Rejection::TooShort), "{m}");
        }
    }

    #[test]
    fn long_greetings_are_rejected_as_greetings() {
        assert_eq!(
            triage("Hello there, good morning!"),
            Triage::Rejected(Rejection::GreetingOnly)
        );
        assert_eq!(
            triage("Thank you so much!!"),
            Triage::Rejected(Rejection::GreetingOnly)
        );
        assert_eq!(
            triage("   ok      ok   "),
            Triage::Rejected(Rejection::GreetingOnly)
        );
        assert_eq!(triage("   ok ok   "), Triage::Rejected(Rejection::TooShort));
    }

    #[test]
    fn a_greeting_before_a_real_issue_is_accepted() {
        assert!(matches!(
            triage("Hi, I can't log into my account"),
            Triage::Accepted { .. }
        ));
    }

    #[test]
    fn messages_without_an_issue_keyword_are_rejected() {
        assert_eq!(
            triage("The weather is lovely today"),
            Triage::Rejected(Rejection::NoIssueKeyword)
        );
        // "down" is not "download", and "needed" is not "need".
        assert_eq!(
            triage("my download finished"),
            Triage::Rejected(Rejection::NoIssueKeyword)
        );
    }

    #[test]
    fn priority_words_also_name_an_issue() {
        assert_eq!(
            triage("Our checkout is down, urgent!"),
            Triage::Accepted {
                subject: "Our checkout is down, urgent".into(),
                priority: Priority::Urgent
            }
        );
        assert!(matches!(
            triage("Payment error on invoice 12"),
            Triage::Accepted {
                priority: Priority::High,
                ..
            }
        ));
    }

    #[test]
    fn typographic_apostrophes_are_folded() {
        assert!(matches!(
            triage("I can’t open the app"),
            Triage::Accepted { .. }
        ));
        assert!(matches!(
            triage("I CAN‘T open the app"),
            Triage::Accepted { .. }
        ));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 9 Cyrillic characters are 18 bytes: still too short.
        assert_eq!(triage("проблема!"), Triage::Rejected(Rejection::TooShort));
    }

    #[test]
    fn priority_follows_the_seed_lists() {
        let p = |m: &str| match triage(m) {
            Triage::Accepted { priority, .. } => priority,
            other => panic!("{m}: {other:?}"),
        };
        assert_eq!(
            p("System is down, urgent assistance needed"),
            Priority::Urgent
        );
        assert_eq!(p("There is an outage, need help"), Priority::Urgent);
        assert_eq!(p("I have a problem with billing"), Priority::High);
        assert_eq!(p("The export is not working for me"), Priority::High);
        assert_eq!(p("Billing question about invoice #12345"), Priority::Normal);
        // whole words: "download" is not "down"
        assert_eq!(p("I need the download link please"), Priority::Normal);
        // urgent wins over high
        assert_eq!(p("Critical error in checkout"), Priority::Urgent);
    }

    #[test]
    fn subject_is_the_first_sentence() {
        assert_eq!(
            subject("I can't log into my account, getting error 404. Please help!"),
            "I can't log into my account, getting error 404"
        );
        assert_eq!(
            subject("Version 2.5 is broken! Help"),
            "Version 2.5 is broken"
        );
        assert_eq!(subject("first line\nsecond line"), "first line");
        assert_eq!(subject("   "), FALLBACK_SUBJECT);
        assert_eq!(subject("..."), FALLBACK_SUBJECT);
    }

    #[test]
    fn long_subjects_are_cut_to_fifty_characters() {
        let long =
            "My account has a problem that keeps coming back every single morning when I log in";
        let s = subject(long);
        assert_eq!(s.chars().count(), 50);
        assert!(s.ends_with("..."));
        assert!(long.starts_with(s.trim_end_matches("...")));
        let cyr = subject(&"ошибка ".repeat(20));
        assert!(cyr.chars().count() <= 50 && cyr.ends_with("..."));
        let emoji = subject(&"😀".repeat(80));
        assert_eq!(emoji, format!("{}...", "😀".repeat(47)));
    }
}
