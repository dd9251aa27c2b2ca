//! What the default triage reads in each shipped language besides the pack's keyword lists
//! (`triage::lexicon`): words of failure, loss and request; negations; and pleasantries. Written
//! per language from how customers write to support on WhatsApp: colloquial forms, common
//! abbreviations and spellings without accents. Folded (lower case, no accents); `*` ends a
//! stem that matches any ending. All lists of all enabled languages are used together.

use crate::core::text::WordList;

/// One language's extra triage words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Each list is one string, one entry per line (`text::word_list!`: no slice table in the
/// bundle).
pub struct TriageWords {
    pub problem: WordList,
    pub negation: WordList,
    pub pleasantry: WordList,
    /// Function words (articles, pronouns, prepositions): not content, not pleasantries (a
    /// negation before one still counts).
    pub filler: WordList,
    pub urgent: WordList,
}

impl TriageWords {
    /// The whole words of every list (not the stems): they tell the language apart too, and
    /// detection then knows the colloquial forms and abbreviations triage knows.
    pub fn detection_words(&self) -> impl Iterator<Item = &'static str> {
        [
            self.problem,
            self.negation,
            self.pleasantry,
            self.filler,
            self.urgent,
        ]
        .into_iter()
        .flat_map(str::lines)
        .filter(|w| !w.ends_with('*'))
    }
}
