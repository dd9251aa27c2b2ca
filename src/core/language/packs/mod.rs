//! The shipped languages. Each is data (`LanguagePack`): add a language by adding a pack here,
//! or by configuration for one not shipped (docs/languages.md).

use crate::core::language::pack::LanguagePack;

pub mod chat;
pub mod de;
pub mod en;
pub mod es;
pub mod fr;
pub mod id;
pub mod it;
pub mod opt_words;
pub mod pt;
pub mod words;

/// Every shipped pack, English first.
pub const ALL: [&LanguagePack; 7] = [
    &en::PACK,
    &es::PACK,
    &pt::PACK,
    &fr::PACK,
    &de::PACK,
    &it::PACK,
    &id::PACK,
];

/// The shipped pack for a language code.
pub fn shipped(code: &str) -> Option<&'static LanguagePack> {
    ALL.iter()
        .copied()
        .find(|p| p.code.eq_ignore_ascii_case(code))
}

/// The default triage's extra words for a shipped language (`words::TriageWords`).
pub fn triage_words(code: &str) -> Option<&'static words::TriageWords> {
    match code.to_ascii_lowercase().as_str() {
        "en" => Some(&en::WORDS),
        "es" => Some(&es::WORDS),
        "pt" => Some(&pt::WORDS),
        "fr" => Some(&fr::WORDS),
        "de" => Some(&de::WORDS),
        "it" => Some(&it::WORDS),
        "id" => Some(&id::WORDS),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pack_is_complete_and_english_comes_first() {
        let mut codes: Vec<&str> = ALL.iter().map(|p| p.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len(), "codes are unique");
        for p in ALL {
            assert!(
                p.replies.ticket_created.contains("{ticket_id}"),
                "{}",
                p.code
            );
            assert!(p.replies.ticket_created.contains("{subject}"), "{}", p.code);
            assert!(
                p.replies.comment_added.contains("{ticket_id}"),
                "{}",
                p.code
            );
            for list in [
                p.marker_words,
                p.greeting_words,
                p.issue_keywords,
                p.urgent_keywords,
                p.high_keywords,
            ] {
                assert!(!list.is_empty(), "{}", p.code);
                for w in list {
                    assert_eq!(*w, w.trim(), "{}: {w:?}", p.code);
                    assert_eq!(w.to_lowercase(), *w, "{}: {w:?} is lower case", p.code);
                }
            }
        }
        // English first, found whatever the case of its code. (The English texts and lists
        // exist only in `en.rs`: `twilio::ReplyTexts` and `TriageRules` default to them.)
        assert_eq!(ALL[0].code, "en");
        assert_eq!(shipped("EN").map(|p| p.code), Some("en"));
    }
}
