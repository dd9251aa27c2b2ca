//! The shipped languages. Each is data (`LanguagePack`): add a language by adding a pack here,
//! or by configuration for one not shipped (README "Languages").

use crate::core::language::pack::LanguagePack;

pub mod de;
pub mod en;
pub mod es;
pub mod fr;
pub mod id;
pub mod it;
pub mod pt;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::triage::TriageRules;

    #[test]
    fn every_pack_is_complete_and_english_is_the_guides() {
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
        let d = TriageRules::default();
        let en = shipped("EN").unwrap();
        let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(owned(en.greeting_words), d.greeting_words);
        assert_eq!(owned(en.issue_keywords), d.issue_keywords);
        assert_eq!(owned(en.urgent_keywords), d.urgent_keywords);
        assert_eq!(owned(en.high_keywords), d.high_keywords);
        let texts = crate::core::twilio::ReplyTexts::default();
        assert_eq!(en.replies.ticket_created, texts.ticket_created);
        assert_eq!(en.replies.more_details, texts.more_details);
        assert_eq!(en.replies.apology, texts.apology);
        assert_eq!(en.replies.comment_added, texts.comment_added);
    }
}
