//! Entries of one kind (words, phrases, stems), indexed for matching a message's words: what
//! the lexicon and the emergency rules are made of.

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

    /// Whether this word is listed in any form: alone, inflected, by its stem, or as the
    /// first word of a phrase (a stretched word is read plainly when it is: `text::unstretch`).
    pub fn knows(&self, w: &str) -> bool {
        self.phrases.contains_key(w) || self.has_word(w)
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

    /// Adds every entry of a word list (`word_list!`: one per line).
    pub fn add_list(&mut self, list: &str) {
        for e in list.lines() {
            self.add(e);
        }
    }

    pub fn add_all<S: AsRef<str>>(&mut self, entries: &[S]) {
        for e in entries {
            self.add(e.as_ref());
        }
    }
}
