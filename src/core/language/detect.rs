//! Which of the enabled languages a message is written in, inside the Worker, with no external
//! call: each language's marker words (and its triage words) are scored against the message's
//! words, a word shared by several languages counting for each a fraction. A few letters only
//! one language uses (ñ, ã, ß...) add to it. A message that says too little ("ok", an emoji, an
//! order number) is not confident, and the caller keeps the conversation's last confident
//! language, or the default.
//!
//! Chosen by measurement against alternatives (docs/languages.md; `tests/data/languages.tsv`).

use crate::core::language::pack::LanguagePack;
use crate::core::language::packs;
use crate::core::text::{fold_accents, unstretch, words};
use std::collections::HashMap;

/// What detection found.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The best language's code, when the message says enough to tell.
    pub confident: Option<String>,
    /// Every enabled language's score, in the order given to `Detector::new`.
    pub scores: Vec<f32>,
}

/// A best score at least this high, and this many times the runner-up's, is confident.
const MIN_SCORE: f32 = 0.99;
const MIN_LEAD: f32 = 1.5;

/// What a borrowed word (`Detector::with_loans`) counts for the language that borrows it.
const LOAN_WEIGHT: f32 = 0.5;

/// Letters that belong to one or two of the shipped languages only: (letter, language, weight).
const LETTERS: [(char, &str, f32); 14] = [
    ('ñ', "es", 1.0),
    ('¿', "es", 1.0),
    ('¡', "es", 1.0),
    ('ã', "pt", 1.0),
    ('õ', "pt", 1.0),
    ('ç', "pt", 0.5),
    ('ç', "fr", 0.5),
    ('ß', "de", 1.0),
    ('ä', "de", 1.0),
    ('ö', "de", 1.0),
    ('ü', "de", 0.7),
    ('ê', "fr", 0.5),
    ('œ', "fr", 1.0),
    ('ù', "fr", 0.5),
];

/// Words customers write in every language: they never tell one apart, whichever lists they
/// appear in (with only two languages enabled, "ok" would otherwise decide for one of them).
const NEUTRAL: [&str; 10] = [
    "ok", "okay", "app", "email", "whatsapp", "wifi", "internet", "online", "link", "pdf",
];

/// Whether a word tells no language: a `NEUTRAL` one, or "ok" drawn out (`okk`, `okkk`, `ookk`),
/// which customers of every language write (`okk` from a Mexican number was answered in English
/// because only the English list had it).
fn is_neutral(w: &str) -> bool {
    if NEUTRAL.contains(&w) {
        return true;
    }
    let rest = w.trim_start_matches('o');
    rest.len() < w.len() && !rest.is_empty() && rest.bytes().all(|b| b == b'k')
}

#[derive(Debug, Clone)]
pub struct Detector {
    codes: Vec<String>,
    /// Folded word -> (language index, weight).
    words: HashMap<String, Vec<(usize, f32)>>,
}

// The detector is derived from the configuration, which compares by value: two detectors
// are the same when they know the same languages and words with the same weights.
impl PartialEq for Detector {
    fn eq(&self, other: &Self) -> bool {
        self.codes == other.codes
            && self.words.len() == other.words.len()
            && self.words.iter().all(|(w, owners)| {
                other.words.get(w).is_some_and(|o| {
                    o.len() == owners.len()
                        && o.iter()
                            .zip(owners)
                            .all(|(a, b)| a.0 == b.0 && a.1.to_bits() == b.1.to_bits())
                })
            })
    }
}
impl Eq for Detector {}

impl Detector {
    /// A detector for these languages (their marker words and triage lists), plus any extra
    /// words configured per language (`(code, word)`).
    pub fn new(packs: &[&LanguagePack], extra: &[(String, String)]) -> Detector {
        let mut languages: Vec<(String, Vec<String>)> = packs
            .iter()
            .map(|p| {
                let mut words: Vec<String> = [
                    p.marker_words,
                    p.greeting_words,
                    p.issue_keywords,
                    p.urgent_keywords,
                    p.high_keywords,
                ]
                .iter()
                .flat_map(|list| list.iter().map(|w| w.to_string()))
                .collect();
                // The default triage's words of a shipped language (`packs::words`).
                if let Some(t) =
                    packs::triage_words(p.code).filter(|_| packs::shipped(p.code) == Some(*p))
                {
                    words.extend(t.detection_words().map(str::to_string));
                    // Its colloquial chat words (`packs::chat`).
                    words.extend(packs::chat::words(p.code).lines().map(str::to_string));
                }
                (p.code.to_string(), words)
            })
            .collect();
        for (code, word) in extra {
            if let Some(l) = languages.iter_mut().find(|l| &l.0 == code) {
                l.1.push(word.clone());
            }
        }
        let codes: Vec<&str> = packs.iter().map(|p| p.code).collect();
        Detector::from_words(&languages).with_loans(&packs::chat::loans_among(&codes))
    }

    /// The same detector, with words one language's writers borrow from another (`(code,
    /// word)`: "merci" in Swiss German) counting `LOAN_WEIGHT` for the borrower, the owners'
    /// weights unchanged: alone the word still tells its own language ("merci" is French), and
    /// beside a word of the borrower it tells the borrower ("merci vielmal" is German).
    pub fn with_loans(mut self, loans: &[(String, String)]) -> Detector {
        for (code, word) in loans {
            let Some(lang) = self.codes.iter().position(|c| c == code) else {
                continue;
            };
            if let Some(owners) = self.words.get_mut(&fold_accents(word)) {
                if !owners.iter().any(|(l, _)| *l == lang) {
                    owners.push((lang, LOAN_WEIGHT));
                }
            }
        }
        self
    }

    /// A detector for languages given as (code, the words and phrases that tell it apart).
    pub fn from_words(languages: &[(String, Vec<String>)]) -> Detector {
        let codes: Vec<String> = languages.iter().map(|l| l.0.clone()).collect();
        let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (_, list)) in languages.iter().enumerate() {
            for word in list {
                for w in words(&fold_accents(word)).filter(|w| !is_neutral(w)) {
                    let list = owners.entry(w.to_string()).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
        }
        let words = owners
            .into_iter()
            .map(|(w, langs)| {
                let weight = 1.0 / langs.len() as f32;
                (w, langs.into_iter().map(|l| (l, weight)).collect())
            })
            .collect();
        Detector { codes, words }
    }

    pub fn detect(&self, text: &str) -> Detection {
        let mut scores = vec![0.0f32; self.codes.len()];
        let folded = fold_accents(text);
        // "obrigadaaaa" and "holaaa" tell their language as "obrigada" and "hola" do.
        let folded = unstretch(&folded, |w| self.words.contains_key(w));
        let mut score = |w: &str| {
            if let Some(owners) = self.words.get(w) {
                for (lang, weight) in owners {
                    scores[*lang] += weight;
                }
                return true;
            }
            false
        };
        for w in words(&folded) {
            if score(w) {
                continue;
            }
            // An elided article or pronoun (`l'app`, `n'arrive`, `dell'ordine`) says as much as
            // the word after it.
            if let Some((head, rest)) = w.split_once('\'') {
                score(&format!("{head}'"));
                score(rest);
            } else if let Some(stem) = w.strip_suffix("nya").filter(|s| s.len() >= 3) {
                // Indonesian's possessive suffix (`aplikasinya`, `barangnya`).
                score(stem);
            }
        }
        // None of the telling letters is ASCII: most messages skip this.
        if !text.is_ascii() {
            let lower = text.to_lowercase();
            for (letter, code, weight) in LETTERS {
                if let Some(i) = self.codes.iter().position(|c| c == code) {
                    if lower.contains(letter) {
                        scores[i] += weight;
                    }
                }
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let confident = match ranked.as_slice() {
            [(best, top), rest @ ..] if *top >= MIN_SCORE => {
                let second = rest.first().map_or(0.0, |r| r.1);
                (*top >= second * MIN_LEAD && *top > second).then(|| self.codes[*best].clone())
            }
            _ => None,
        };
        Detection { confident, scores }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::language::pack::ReplyTexts;

    const TEXTS: ReplyTexts = ReplyTexts {
        ticket_created: "{ticket_id} {subject}",
        more_details: "",
        apology: "",
        comment_added: "{ticket_id}",
        out_of_hours: "",
        opt_out: "",
        opt_in: "",
        queue_full: "",
    };
    const EN: LanguagePack = LanguagePack {
        code: "en",
        name: "English",
        marker_words: &["the", "my", "is", "not", "order"],
        greeting_words: &["hi", "thanks"],
        issue_keywords: &["not working", "error"],
        urgent_keywords: &["urgent"],
        high_keywords: &["error"],
        replies: TEXTS,
    };
    const ES: LanguagePack = LanguagePack {
        code: "es",
        name: "Español",
        marker_words: &["el", "mi", "pedido", "está", "llegó"],
        greeting_words: &["hola", "gracias"],
        issue_keywords: &["no funciona", "error"],
        urgent_keywords: &["urgente"],
        high_keywords: &["error"],
        replies: TEXTS,
    };

    #[test]
    fn scores_marker_words_accents_optional() {
        let d = Detector::new(&[&EN, &ES], &[]);
        assert_eq!(
            d.detect("mi pedido no llego").confident.as_deref(),
            Some("es")
        );
        assert_eq!(
            d.detect("My order is not working").confident.as_deref(),
            Some("en")
        );
        assert_eq!(
            d.detect("gracias!").confident.as_deref(),
            Some("es"),
            "one clear word is enough"
        );
        assert_eq!(d.detect("ok 👍").confident.as_deref(), None);
        assert_eq!(
            d.detect("error").confident.as_deref(),
            None,
            "shared words do not decide"
        );
        assert_eq!(
            d.detect("¿?").confident.as_deref(),
            Some("es"),
            "letters only Spanish uses"
        );
        let extra = vec![("en".to_string(), "parcel".to_string())];
        assert_eq!(
            Detector::new(&[&EN, &ES], &extra)
                .detect("parcel")
                .confident
                .as_deref(),
            Some("en")
        );
    }

    #[test]
    fn a_borrowed_word_counts_less_for_the_borrower() {
        let d =
            Detector::new(&[&EN, &ES], &[]).with_loans(&[("es".to_string(), "thanks".to_string())]);
        // Alone, or beside its own language's words, it tells its own language.
        assert_eq!(d.detect("thanks").confident.as_deref(), Some("en"));
        assert_eq!(
            d.detect("thanks, my order").confident.as_deref(),
            Some("en")
        );
        // Beside a word of the borrower, the borrower.
        assert_eq!(d.detect("thanks, hola").confident.as_deref(), Some("es"));
        assert_eq!(d.detect("thanks").scores, vec![1.0, LOAN_WEIGHT]);
        // A loan of a word no language has, or for a language not known, adds nothing.
        let same = Detector::new(&[&EN, &ES], &[]).with_loans(&[
            ("es".to_string(), "merci".to_string()),
            ("fr".to_string(), "thanks".to_string()),
        ]);
        assert_eq!(same, Detector::new(&[&EN, &ES], &[]));
    }
}

/// Accuracy on the labelled set (`tests/data/languages.tsv`: realistic support messages, at
/// least 50 per shipped language, short ones, typos, missing accents, mixed with English,
/// emoji, order numbers). Run with `cargo test --lib accuracy -- --nocapture` for the table.
#[cfg(test)]
mod accuracy {
    use super::*;
    use crate::core::language::packs::ALL;

    const SET: &str = include_str!("../../../tests/data/languages.tsv");
    /// Written after the lists were tuned on `SET`, and not used to tune them: how detection
    /// does on messages it has not seen.
    const HELD_OUT: &str = include_str!("../../../tests/data/languages-heldout.tsv");
    /// Written independently of the packs and the detector (by another author, from the same
    /// brief), never used to tune them.
    const INDEPENDENT: &str = include_str!("../../../tests/data/languages-independent.tsv");

    /// (language, messages, detected right, detected wrong, not confident)
    pub(crate) fn measure(set: &str) -> Vec<(&'static str, usize, usize, usize, usize)> {
        let detector = Detector::new(&ALL, &[]);
        ALL.iter()
            .map(|p| {
                let mut row = (p.code, 0, 0, 0, 0);
                for (code, text) in set.lines().filter_map(|l| l.split_once('\t')) {
                    if code != p.code {
                        continue;
                    }
                    row.1 += 1;
                    match detector.detect(text).confident.as_deref() {
                        Some(c) if c == code => row.2 += 1,
                        Some(_) => row.3 += 1,
                        None => row.4 += 1,
                    }
                }
                row
            })
            .collect()
    }

    #[test]
    fn every_shipped_language_is_told_apart() {
        let detector = Detector::new(&ALL, &[]);
        for (code, text) in SET.lines().filter_map(|l| l.split_once('\t')) {
            let d = detector.detect(text);
            if d.confident.as_deref() != Some(code) {
                println!(
                    "{code} detected as {:?}: {text} {:?}",
                    d.confident.as_deref(),
                    d.scores
                );
            }
        }
        for (code, n, right, wrong, unsure) in measure(SET) {
            let pct = 100.0 * right as f64 / n as f64;
            println!("{code}: {n} messages, {right} right ({pct:.1}%), {wrong} wrong, {unsure} not confident");
            assert!(n >= 50, "{code}: at least 50 labelled messages");
            assert!(pct >= 90.0, "{code}: {pct:.1}% right");
            assert!(
                wrong * 50 <= n,
                "{code}: at most 2% confidently wrong ({wrong})"
            );
        }
    }

    #[test]
    fn messages_not_seen_while_tuning_are_told_apart_too() {
        let detector = Detector::new(&ALL, &[]);
        for (code, text) in HELD_OUT.lines().filter_map(|l| l.split_once('\t')) {
            let d = detector.detect(text);
            if d.confident.as_deref() != Some(code) {
                println!("held out: {code} detected as {:?}: {text}", d.confident);
            }
        }
        for (code, n, right, wrong, unsure) in measure(HELD_OUT) {
            println!("held out {code}: {n} messages, {right} right, {wrong} wrong, {unsure} not confident");
            assert!(n >= 10);
            assert!(
                right * 10 >= n * 8,
                "{code}: at least 80% right on unseen messages"
            );
            assert!(wrong <= 1, "{code}: at most one confidently wrong");
        }
    }

    #[test]
    fn an_independently_written_set_is_told_apart_too() {
        let detector = Detector::new(&ALL, &[]);
        for (code, text) in INDEPENDENT.lines().filter_map(|l| l.split_once('\t')) {
            let d = detector.detect(text);
            if d.confident.as_deref().is_some_and(|c| c != code) {
                println!("independent: {code} detected as {:?}: {text}", d.confident);
            }
        }
        for (code, n, right, wrong, unsure) in measure(INDEPENDENT) {
            let pct = 100.0 * right as f64 / n as f64;
            println!("independent {code}: {n} messages, {right} right ({pct:.1}%), {wrong} wrong, {unsure} not confident");
            assert!(n >= 50);
            assert!(
                pct >= 88.0,
                "{code}: {pct:.1}% right on a set nobody tuned on"
            );
            assert!(wrong <= 1, "{code}: at most one confidently wrong");
        }
    }
}
