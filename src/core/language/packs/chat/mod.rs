//! The colloquial words of each shipped language that tell it apart in short WhatsApp lines:
//! greetings, thanks, "are you there", small talk, slang, chat abbreviations and spellings
//! without accents, in the regional forms customers write (Mexican, Argentine and peninsular
//! Spanish; Brazilian and European Portuguese; Quebec, Belgian and Swiss French; Swiss,
//! Austrian and northern German; Italian; Indonesian slang). A customer abroad ("merci
//! vielmal" from a Spanish number, "orale gracias carnal" from a German one) is read in their
//! language when one of these is in the line, not in the number's or the default.
//!
//! Detection only (`detect::Detector`, `config::languages`): triage does not read them. Each
//! word belongs to one language alone: a word several languages write ("ok", "taxi", "hotel",
//! "no", "a", "che", "tio", "mano", "vale") is not here, and the test below holds that no word
//! here is a word of another shipped language's lists. Lower case; accents are folded when the
//! detector is built, so one spelling serves both.

mod lists;
use lists::{DE, EN, ES, FR, ID, IT, PT};

/// The colloquial detection words of a shipped language (none for another code).
pub fn words(code: &str) -> crate::core::text::WordList {
    match code.to_ascii_lowercase().as_str() {
        "en" => EN,
        "es" => ES,
        "pt" => PT,
        "fr" => FR,
        "de" => DE,
        "it" => IT,
        "id" => ID,
        _ => "",
    }
}

/// Words of one shipped language that the writers of another borrow in short lines, as
/// (borrower, word): counted for the borrower at a lower weight (`Detector::with_loans`), so
/// the word alone keeps telling its own language. Swiss German thanks in French ("merci",
/// "merci vielmal", "merci viu mau").
const LOANS: &[(&str, &str)] = &[("de", "merci")];

/// The loans whose borrower is among `codes` (a loan whose owner is not enabled adds nothing:
/// the word is then no enabled language's).
pub fn loans_among(codes: &[&str]) -> Vec<(String, String)> {
    LOANS
        .iter()
        .filter(|(borrower, _)| codes.iter().any(|c| c.eq_ignore_ascii_case(borrower)))
        .map(|(b, w)| (b.to_string(), w.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::language::detect::Detector;
    use crate::core::language::packs::ALL;
    use crate::core::text::{fold_accents, words as split};

    /// Every word here tells its language alone: no other shipped language's lists hold it
    /// (a shared word would only count as a fraction, and must not be claimed for one).
    #[test]
    fn every_colloquial_word_tells_its_language_alone() {
        let detector = Detector::new(&ALL, &[]);
        let mut shared = Vec::new();
        for (i, p) in ALL.iter().enumerate() {
            for entry in words(p.code).lines() {
                assert_eq!(entry, entry.trim(), "{}: {entry:?}", p.code);
                assert_eq!(entry.to_lowercase(), entry, "{}: {entry:?}", p.code);
                for w in split(&fold_accents(entry)) {
                    let scores = detector.detect(w).scores;
                    for (j, s) in scores.iter().enumerate() {
                        if j != i && *s > 0.0 {
                            shared.push(format!(
                                "{}: {w:?} is a word of {} too",
                                p.code, ALL[j].code
                            ));
                        }
                    }
                }
            }
        }
        assert!(shared.is_empty(), "{shared:#?}");
        assert!(words("nl").is_empty());
    }
}
