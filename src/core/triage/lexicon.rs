//! The words the default triage reads a message with, gathered once from every enabled
//! language (`Lexicon::build`): a message read in the wrong language, or written in two, is
//! still understood. Matching is on the message's words, split once: single words by hash
//! look-up, phrases by word windows, and entries ending in `*` as word prefixes (a stem and all
//! its endings: `cobr*` is `cobraron`, `cobrando`...). Everything is folded (case, accents,
//! apostrophes) as messages are.

pub use super::matcher::Matcher;

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
    /// The matter settled ("problem solved", "it arrived"): `aside_words`.
    pub settled: Matcher,
    /// The message withdrawn ("wrong chat", "sent by mistake").
    pub withdrawn: Matcher,
    /// Words that may stand beside a settled marker (what arrived, who).
    pub settled_beside: Matcher,
    /// Words that may stand beside any of them (the message, when).
    pub withdrawn_beside: Matcher,
    /// Words that reopen a settled matter ("but", "still"), question forms and "only" included.
    pub contrast: Matcher,
    /// Words that begin a question written without its mark ("has", `quando`).
    pub question_forms: Matcher,
    /// "Only" (`nur`, `cuma`): "only half arrived", or "I only wanted to say thanks".
    pub only: Matcher,
    /// Of those, the words that are as often something else ("so kind", `rumah baru`).
    pub only_at_start: Matcher,
    /// Phrases in which a contrast word is none ("thanks again", `com mais calma`).
    pub not_a_contrast: Matcher,
    /// Words before a year that say since when ("since 2011").
    pub since: Matcher,
    /// Saying, thanking, greeting: what "only" or "I wanted to" may lead to in small talk.
    pub saying: Matcher,
    /// Words that join statements within a clause ("and", "who", `che`).
    pub joining: Matcher,
    /// Phrases that introduce a name ("this is", sign-offs).
    pub introduction: Matcher,
    /// Praise, thanks and good news; requests; support objects (`asides::small_talk`).
    pub praise: Matcher,
    pub thanks: Matcher,
    /// Speed, praise only after praise and "and" ("friendly and quick").
    pub quick: Matcher,
    /// Feasts and blessings, and whom they go to ("merry christmas to the whole team").
    pub wishes: Matcher,
    pub recipients: Matcher,
    /// How a customer names themself ("my name is", `je m'appelle`).
    pub naming: Matcher,
    /// Trouble, whose negation is good news ("no complaints"); negations that are not one.
    pub trouble: Matcher,
    pub not_a_negation: Matcher,
    pub denied_beside: Matcher,
    pub denied_after: Matcher,
    pub thanks_for: Matcher,
    pub complaint: Matcher,
    pub asking: Matcher,
    pub objects: Matcher,
    /// Formal openings ("Dear Sir or Madam", `Sehr geehrte Damen und Herren`): pleasantries
    /// alone, but the one word after them is the matter (`problems.rs`).
    pub salutation: Matcher,
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
        use super::aside_words as aside;
        lexicon.pleasantry.add_list(aside::SAID_NOTHING);
        lexicon.pleasantry.add_list(aside::SMALL_TALK);
        lexicon.settled.add_list(aside::SETTLED);
        lexicon.withdrawn.add_list(aside::WITHDRAWN);
        lexicon.settled_beside.add_list(aside::SETTLED_BESIDE);
        lexicon.withdrawn_beside.add_list(aside::WITHDRAWN_BESIDE);
        lexicon.contrast.add_list(aside::CONTRAST);
        lexicon.contrast.add_list(aside::QUESTION_FORMS);
        lexicon.contrast.add_list(aside::ONLY);
        lexicon.question_forms.add_list(aside::QUESTION_FORMS);
        lexicon.only.add_list(aside::ONLY);
        lexicon.only_at_start.add_list(aside::ONLY_AT_START);
        lexicon.not_a_contrast.add_list(aside::NOT_A_CONTRAST);
        lexicon.since.add_list(aside::SINCE);
        lexicon.saying.add_list(aside::SAYING);
        lexicon.joining.add_list(aside::JOINING);
        lexicon.introduction.add_list(aside::INTRODUCTION);
        lexicon.praise.add_list(aside::PRAISE);
        lexicon.wishes.add_list(aside::WISHES);
        lexicon.recipients.add_list(aside::RECIPIENTS);
        lexicon.naming.add_list(aside::NAMING);
        lexicon.trouble.add_list(aside::TROUBLE);
        lexicon.not_a_negation.add_list(aside::NOT_A_NEGATION);
        lexicon.denied_beside.add_list(aside::DENIED_BESIDE);
        lexicon.denied_after.add_list(aside::DENIED_AFTER);
        lexicon.thanks.add_list(aside::THANKS);
        lexicon.quick.add_list(aside::QUICK);
        lexicon.thanks_for.add_list(aside::THANKS_FOR);
        lexicon.complaint.add_list(aside::COMPLAINT);
        lexicon.problem.add_list(aside::PROBLEMS_IN_SHARED_WORDS);
        lexicon.asking.add_list(aside::ASKING);
        lexicon.objects.add_list(aside::OBJECTS);
        lexicon.pleasantry.add_list(aside::SALUTATIONS);
        lexicon.salutation.add_list(aside::SALUTATIONS);
        lexicon
    }

    /// Whether a word says something: three letters or more, and neither a pleasantry nor a
    /// function word (the words the content rule counts, and small talk's statements hold).
    pub fn is_content_word(&self, w: &str) -> bool {
        w.chars().count() >= 3 && !self.pleasantry.has_word(w) && !self.filler.has_word(w)
    }

    /// Whether a word is in any of the lists (`text::unstretch` reads "holaaa" as "hola" only
    /// then).
    pub fn knows(&self, w: &str) -> bool {
        [
            &self.pleasantry,
            &self.problem,
            &self.negation,
            &self.filler,
            &self.urgent,
            &self.high,
            &self.settled,
            &self.withdrawn,
            &self.contrast,
        ]
        .iter()
        .any(|m| m.knows(w))
    }

    /// Adds one shipped language's extra words (`packs::words`).
    pub fn add_words(&mut self, w: &crate::core::language::packs::words::TriageWords) {
        self.problem.add_list(w.problem);
        self.problem.add_list(w.urgent);
        self.negation.add_list(w.negation);
        self.pleasantry.add_list(w.pleasantry);
        self.filler.add_list(w.filler);
        self.urgent.add_list(w.urgent);
    }
}
