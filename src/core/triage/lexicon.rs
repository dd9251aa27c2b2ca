//! The words the default triage reads a message with, gathered once from every enabled
//! language (`Lexicon::build`): a message read in the wrong language, or written in two, is
//! still understood. Matching is on the message's words, split once: single words by hash
//! look-up, phrases by word windows, and entries ending in `*` as word prefixes (a stem and all
//! its endings: `cobr*` is `cobraron`, `cobrando`...). Everything is folded (case, accents,
//! apostrophes) as messages are.

use crate::core::text::fold_accents;
use std::collections::{HashMap, HashSet};

/// Entries of one kind, indexed for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matcher {
    words: HashSet<String>,
    /// Phrases by their first word.
    phrases: HashMap<String, Vec<Vec<String>>>,
    prefixes: Vec<String>,
}

impl Matcher {
    pub fn add(&mut self, entry: &str) {
        let folded = fold_accents(entry.trim());
        let parts: Vec<String> = folded.split_whitespace().map(str::to_string).collect();
        match parts.as_slice() {
            [] => {}
            [one] => match one.strip_suffix('*') {
                Some(stem) if !stem.is_empty() => {
                    if !self.prefixes.iter().any(|p| p == stem) {
                        self.prefixes.push(stem.to_string());
                    }
                }
                _ => {
                    self.words.insert(one.clone());
                }
            },
            [first, ..] => {
                let list = self.phrases.entry(first.clone()).or_default();
                if !list.contains(&parts) {
                    list.push(parts);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.words.len() + self.phrases.values().map(Vec::len).sum::<usize>() + self.prefixes.len()
    }

    /// The entry that matches the words starting at `i` and how many words it covers, the
    /// longest phrase first.
    pub fn at(&self, words: &[&str], i: usize) -> Option<(String, usize)> {
        let w = words[i];
        if let Some(list) = self.phrases.get(w) {
            let found = list
                .iter()
                .filter(|p| {
                    p.len() <= words.len() - i && p.iter().zip(&words[i..]).all(|(a, b)| a == b)
                })
                .max_by_key(|p| p.len());
            if let Some(p) = found {
                return Some((p.join(" "), p.len()));
            }
        }
        if self.words.contains(w) {
            return Some((w.to_string(), 1));
        }
        self.prefixes
            .iter()
            .find(|p| w.len() > p.len() && w.starts_with(p.as_str()))
            .map(|p| (format!("{p}*"), 1))
    }

    /// The first entry found anywhere in the words.
    pub fn find(&self, words: &[&str]) -> Option<String> {
        (0..words.len()).find_map(|i| self.at(words, i).map(|(e, _)| e))
    }
}

/// Every kind of word the default triage uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// Words and phrases that say something went wrong or is wanted: a failure, something not
    /// arriving, money taken, something that cannot be done, a change or cancellation.
    pub problem: Matcher,
    /// Negations: "not", "no", "nicht", "tidak"... followed by a word that is not a
    /// pleasantry, they say something is not as it should be.
    pub negation: Matcher,
    /// Greetings, thanks, acknowledgements, "are you there?", laughter, fillers, and phrases
    /// such as "no problem" that contain a problem word but say nothing.
    pub pleasantry: Matcher,
    /// Function words: neither content nor pleasantries.
    pub filler: Matcher,
    pub urgent: Matcher,
    pub high: Matcher,
    /// Emergencies told without an urgent word (`emergency`).
    pub emergency: super::emergency::Emergency,
}

/// Plain inflections a listed word may carry and still be the same word: "errors", "pedidos",
/// "charged", "crashing". Tried only when the word itself is not listed.
const ENDINGS: [&str; 5] = ["s", "es", "ed", "d", "ing"];

impl Matcher {
    /// Whether this single word is listed as it is.
    pub fn has_exact(&self, w: &str) -> bool {
        self.words.contains(w)
    }

    /// Whether this single word is listed (as a word, an inflection of one, or by its stem).
    pub fn has_word(&self, w: &str) -> bool {
        self.word_entry(w).is_some()
    }

    fn word_entry(&self, w: &str) -> Option<String> {
        if self.words.contains(w) {
            return Some(w.to_string());
        }
        for e in ENDINGS {
            if let Some(base) = w.strip_suffix(e).filter(|b| b.len() >= 3) {
                if self.words.contains(base) {
                    return Some(base.to_string());
                }
            }
        }
        self.prefixes
            .iter()
            .find(|p| w.len() > p.len() && w.starts_with(p.as_str()))
            .map(|p| format!("{p}*"))
    }

    /// Like `at`, but a single word may be inflected.
    pub fn at_inflected(&self, words: &[&str], i: usize) -> Option<(String, usize)> {
        if let Some(found) = self.at(words, i) {
            return Some(found);
        }
        self.word_entry(words[i]).map(|e| (e, 1))
    }

    /// Whether the entry found is a stem (`n'*`): it covers a whole word on its own.
    pub fn is_stem(entry: &str) -> bool {
        entry.ends_with('*')
    }

    pub fn add_all<S: AsRef<str>>(&mut self, entries: &[S]) {
        for e in entries {
            self.add(e.as_ref());
        }
    }
}

impl Lexicon {
    /// Adds one language's keyword lists (as configured): greetings are pleasantries, and the
    /// issue and priority words are problem words, as in the guide's rule.
    pub fn add_lists(
        &mut self,
        greeting: &[String],
        issue: &[String],
        urgent: &[String],
        high: &[String],
    ) {
        self.pleasantry.add_all(greeting);
        self.problem.add_all(issue);
        self.problem.add_all(urgent);
        self.problem.add_all(high);
        self.urgent.add_all(urgent);
        self.high.add_all(high);
    }

    /// Every shipped language's words, enabled or not: a customer who writes in a language not
    /// enabled is answered in the default one, but their problem (or their greeting) is still
    /// understood.
    pub fn shipped() -> Lexicon {
        use crate::core::language::packs;
        let mut lexicon = Lexicon {
            emergency: super::emergency::Emergency::shipped(),
            ..Lexicon::default()
        };
        for p in packs::ALL {
            let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            lexicon.add_lists(
                &owned(p.greeting_words),
                &owned(p.issue_keywords),
                &owned(p.urgent_keywords),
                &owned(p.high_keywords),
            );
            if let Some(words) = packs::triage_words(p.code) {
                lexicon.add_words(words);
            }
        }
        lexicon
    }

    /// Adds one shipped language's extra words (`packs::words`).
    pub fn add_words(&mut self, w: &crate::core::language::packs::words::TriageWords) {
        self.problem.add_all(w.problem);
        self.problem.add_all(w.urgent);
        self.negation.add_all(w.negation);
        self.pleasantry.add_all(w.pleasantry);
        self.filler.add_all(w.filler);
        self.urgent.add_all(w.urgent);
    }
}
