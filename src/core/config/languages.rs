//! The languages a company enables, each resolved from its shipped pack and the configuration:
//! its triage rules, reply texts, Content templates and Zendesk locale; and the choice of a
//! message's language (detection, else the conversation's last confident one, else the default).
//!
//! Variables (docs/languages.md):
//! - `LANGUAGES` (default `en,es,pt,fr,de,it,id`), `DEFAULT_LANGUAGE` (default `en`, or the
//!   first listed when English is not enabled).
//! - Per language, suffixed with its code in capitals: `TRIAGE_GREETING_WORDS_ES`,
//!   `TRIAGE_ISSUE_KEYWORDS_ES`, `PRIORITY_URGENT_KEYWORDS_ES`, `PRIORITY_HIGH_KEYWORDS_ES`
//!   (replace the list, or extend it when the value starts with `+`), `REPLY_TICKET_CREATED_ES`,
//!   `REPLY_MORE_DETAILS_ES`, `REPLY_APOLOGY_ES`, `REPLY_COMMENT_ADDED_ES`,
//!   `REPLY_OUT_OF_HOURS_ES`, `REPLY_OPT_OUT_ES`, `REPLY_OPT_IN_ES`, `OPT_OUT_WORDS_ES`, `OPT_IN_WORDS_ES`, `REPLY_QUEUE_FULL_ES`, `TWILIO_CONTENT_SID_ES`, `TWILIO_AGENT_REPLY_CONTENT_SID_ES`, `TWILIO_CSAT_CONTENT_SID_ES`, `LANGUAGE_WORDS_ES` (more
//!   words that tell the language apart).
//! - The unsuffixed variables of the seed (`TRIAGE_ISSUE_KEYWORDS`, `REPLY_TICKET_CREATED`,
//!   `TWILIO_CONTENT_SID`...) are the default language's, so a deployment configured before
//!   languages existed behaves as it did.
//! - `ZENDESK_LOCALE_IDS` (`pt=19,it=22`): Zendesk locale ids for requesters, added to or
//!   replacing the verified ones shipped; `off` sends none.

use super::locale_ids::locale_ids;
use crate::core::language::calling_codes;
use crate::core::language::detect::Detector;
use crate::core::language::pack::LanguagePack;
use crate::core::language::packs;
use crate::core::text::fold_accents;
use crate::core::triage::{Lexicon, TriageMode, TriageRules};
use crate::core::twilio::ReplyTexts;
use std::sync::Arc;

pub const DEFAULT_LANGUAGES: &str = "en,es,pt,fr,de,it,id";
pub const DEFAULT_LANGUAGE: &str = "en";

/// An unsure detection still names a language when its best score is at least this...
const FALLBACK_MIN_SCORE: f32 = 0.2;
/// ...and this many times the runner-up's (measured: docs/triage.md).
const FALLBACK_LEAD: f32 = 1.2;

/// One enabled language, everything resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Lower case: `es`.
    pub code: String,
    pub triage: TriageRules,
    pub texts: ReplyTexts,
    /// The ticket-created template for this language (else the default language's).
    pub content_sid: Option<String>,
    /// The template for agents' replies outside the 24-hour window (else the default's).
    pub agent_reply_content_sid: Option<String>,
    /// The satisfaction question as a quick-reply Content template (else the default's;
    /// `core::csat`): variable `1` is the ticket's number, the buttons' ids `csat_good` and
    /// `csat_bad`. Without it the question goes as text.
    pub csat_content_sid: Option<String>,
    /// Zendesk's id of this language's locale, set on new requesters when known.
    pub zendesk_locale_id: Option<u32>,
    /// Messages that are only one of these (folded) opt the customer out, or back in
    /// (`OPT_OUT_WORDS_XX`, `OPT_IN_WORDS_XX`; `packs::opt_words`).
    pub opt_out_words: Vec<String>,
    pub opt_in_words: Vec<String>,
}

impl Language {
    /// The Zendesk tag that carries the language (`lang_es`). English tickets keep the guide's
    /// tags unchanged, so existing triggers and views see the same tickets as before.
    pub fn zendesk_tag(&self) -> Option<String> {
        (self.code != "en").then(|| format!("lang_{}", self.code))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages {
    /// In the order of `LANGUAGES`.
    pub enabled: Vec<Language>,
    default_index: usize,
    detector: Detector,
}

/// The language chosen for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub code: String,
    /// Detected from the message itself (the conversation remembers it), not inherited.
    pub confident: bool,
    /// What decided it.
    pub from: ChosenFrom,
}

/// What decided a message's language, most certain first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenFrom {
    /// The message's own words, confidently.
    Text,
    /// The conversation's last confident language.
    Conversation,
    /// The message's words, less than confidently but standing out clearly.
    TextStandingOut,
    /// The sender's calling code (`calling_codes`), the text saying nothing else.
    Number,
    /// Nothing known: the default language.
    Default,
}

impl Languages {
    pub fn default_language(&self) -> &Language {
        &self.enabled[self.default_index]
    }

    /// The enabled language with this code, else the default one (a message stored before its
    /// language was disabled, or before languages existed).
    pub fn get(&self, code: Option<&str>) -> &Language {
        code.and_then(|c| self.enabled.iter().find(|l| l.code == c))
            .unwrap_or_else(|| self.default_language())
    }

    /// The language of a message: what it is written in when it says enough, else the
    /// conversation's last confident language (for "ok", "👍", an order number), else the
    /// default. Without the sender's number: `choose_for`.
    pub fn choose(&self, text: &str, previous: Option<&str>) -> Chosen {
        self.choose_for(text, previous, None)
    }

    /// The language of a message from a sender whose number (E.164, `+4915…`) is known:
    /// 1. what the message is written in, when it says enough;
    /// 2. the conversation's last confident language;
    /// 3. the language the number's calling code suggests (`calling_codes`), among the enabled
    ///    ones, when the text says nothing else: the text hints at one of the number's
    ///    languages (the most hinted wins), or hints at no language at all ("ok", "👍") and
    ///    the number's country has a clear majority language;
    /// 4. the enabled language the text's words stand out for;
    /// 5. the default language.
    ///
    /// The number never overrides the text: a customer abroad writing in their language is
    /// read in it whenever the words tell.
    pub fn choose_for(&self, text: &str, previous: Option<&str>, number: Option<&str>) -> Chosen {
        let detection = self.detector.detect(text);
        let chosen = |code: String, from: ChosenFrom| Chosen {
            code,
            confident: from == ChosenFrom::Text,
            from,
        };
        if let Some(code) = detection.confident {
            return chosen(code, ChosenFrom::Text);
        }
        // Unsure: what is known first. Not remembered.
        if let Some(p) = previous.filter(|p| self.enabled.iter().any(|l| l.code == *p)) {
            return chosen(p.to_string(), ChosenFrom::Conversation);
        }
        let standing_out = self.standing_out(&detection.scores);
        if let Some(code) = number.and_then(|n| self.by_number(n, &detection.scores, standing_out))
        {
            return chosen(code, ChosenFrom::Number);
        }
        match standing_out {
            Some(i) => chosen(self.enabled[i].code.clone(), ChosenFrom::TextStandingOut),
            None => chosen(self.default_language().code.clone(), ChosenFrom::Default),
        }
    }

    /// The enabled language the number suggests, given what the text hints (`choose_for`).
    fn by_number(
        &self,
        number: &str,
        scores: &[f32],
        standing_out: Option<usize>,
    ) -> Option<String> {
        let hint = calling_codes::hint(number)?;
        let candidates: Vec<usize> = hint
            .languages
            .iter()
            .filter_map(|c| self.enabled.iter().position(|l| l.code == *c))
            .collect();
        // The text hints at one of the number's languages: the most hinted of them when it
        // leads the others clearly, else the first of them in the country's order.
        let mut hinted: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|i| scores[*i] > 0.0)
            .collect();
        if !hinted.is_empty() {
            let first = hinted[0];
            hinted.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
            let leads = hinted
                .get(1)
                .is_none_or(|second| scores[hinted[0]] >= scores[*second] * FALLBACK_LEAD);
            let i = if leads { hinted[0] } else { first };
            return Some(self.enabled[i].code.clone());
        }
        // The text hints at other languages only (a customer abroad): the number says
        // nothing about this customer.
        if standing_out.is_some() || scores.iter().any(|s| *s > 0.0) {
            return None;
        }
        let first = *candidates.first()?;
        // Only the country's majority language, and only when it is enabled as the first.
        (hint.alone && self.enabled[first].code == hint.languages[0])
            .then(|| self.enabled[first].code.clone())
    }

    /// The enabled language whose detection score stands out clearly, though below the
    /// confident threshold: some evidence, and at least `FALLBACK_LEAD` times the runner-up's.
    fn standing_out(&self, scores: &[f32]) -> Option<usize> {
        let mut ranked: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (best, top) = *ranked.first()?;
        let second = ranked.get(1).map_or(0.0, |r| r.1);
        (top >= FALLBACK_MIN_SCORE && top >= second * FALLBACK_LEAD).then_some(best)
    }

    /// Reads the language settings through `get` (trimmed, empty as absent); problems are
    /// added to `invalid` as (variable, what is expected).
    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
        min_length: usize,
        invalid: &mut Vec<(String, String)>,
    ) -> Languages {
        let mut bad = |name: &str, why: String| invalid.push((name.to_string(), why));
        let mut codes: Vec<String> = Vec::new();
        for code in get("LANGUAGES")
            .unwrap_or_else(|| DEFAULT_LANGUAGES.into())
            .split(',')
            // A region is accepted and dropped (`pt-BR` is `pt`): the rules are per language.
            .map(|c| {
                c.trim()
                    .split(['-', '_'])
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .filter(|c| !c.is_empty())
        {
            let well_formed =
                (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
            if !well_formed {
                bad(
                    "LANGUAGES",
                    "must be a comma-separated list of ISO 639-1 codes such as en,es,pt".into(),
                );
                continue;
            }
            if packs::shipped(&code).is_none()
                && get(&format!("LANGUAGE_WORDS_{}", code.to_ascii_uppercase())).is_none()
            {
                bad(
                    &format!("LANGUAGE_WORDS_{}", code.to_ascii_uppercase()),
                    format!("must list words that tell {code} apart: it is not a shipped language (shipped: {DEFAULT_LANGUAGES})"),
                );
                continue;
            }
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            codes.push(DEFAULT_LANGUAGE.into());
        }
        let default_code = match get("DEFAULT_LANGUAGE").map(|c| {
            c.split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        }) {
            Some(c) if codes.contains(&c) => c,
            Some(_) => {
                bad("DEFAULT_LANGUAGE", "must be one of the LANGUAGES".into());
                codes[0].clone()
            }
            None if codes.iter().any(|c| c == DEFAULT_LANGUAGE) => DEFAULT_LANGUAGE.into(),
            None => codes[0].clone(),
        };
        let locale_ids = locale_ids(get("ZENDESK_LOCALE_IDS"), &mut bad);

        // The default language first: the others fall back to it. A default language that is
        // not shipped borrows what it lacks from English (the guide's).
        let default_pack = packs::shipped(&default_code).or(packs::shipped("en"));
        let default = resolve(
            &default_code,
            default_pack,
            None,
            get,
            min_length,
            &locale_ids,
            &mut bad,
        );
        let mut enabled = Vec::with_capacity(codes.len());
        for code in &codes {
            if *code == default_code {
                enabled.push(default.clone());
            } else {
                let pack = packs::shipped(code);
                enabled.push(resolve(
                    code,
                    pack,
                    Some(&default),
                    get,
                    min_length,
                    &locale_ids,
                    &mut bad,
                ));
            }
        }
        let detector = Detector::from_words(
            &enabled
                .iter()
                .map(|l| {
                    let mut words: Vec<String> = packs::shipped(&l.code)
                        .map(|p| p.marker_words.iter().map(|w| w.to_string()).collect())
                        .unwrap_or_default();
                    if let Some(t) = packs::triage_words(&l.code) {
                        words.extend(t.detection_words().map(str::to_string));
                    }
                    // The colloquial chat words of a shipped language (`packs::chat`).
                    words.extend(packs::chat::words(&l.code).lines().map(str::to_string));
                    let t = &l.triage;
                    for list in [
                        &t.greeting_words,
                        &t.issue_keywords,
                        &t.urgent_keywords,
                        &t.high_keywords,
                    ] {
                        // A non-shipped language inherits the default's lists: those words
                        // say nothing about it.
                        if packs::shipped(&l.code).is_some() {
                            words.extend(list.iter().cloned());
                        }
                    }
                    let name = format!("LANGUAGE_WORDS_{}", l.code.to_ascii_uppercase());
                    words.extend(get(&name).map(|raw| split_list(&raw)).unwrap_or_default());
                    (l.code.clone(), words)
                })
                .collect::<Vec<_>>(),
        )
        .with_loans(&packs::chat::loans_among(
            &codes.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
        let default_index = codes.iter().position(|c| *c == default_code).unwrap_or(0);
        let mode = match get("TRIAGE_MODE") {
            None => TriageMode::default(),
            Some(raw) => TriageMode::parse(&raw).unwrap_or_else(|| {
                bad(
                    "TRIAGE_MODE",
                    "must be guide (the guide's keyword rule) or problems (the default)".into(),
                );
                TriageMode::default()
            }),
        };
        with_triage_mode(&mut enabled, mode);
        Languages {
            enabled,
            default_index,
            detector,
        }
    }
}

/// Sets every language's triage mode; the default mode reads the words of every shipped
/// language and the configured lists of every enabled one at once (a message read in the
/// wrong language, or mixing two, is still understood), so they share one lexicon.
fn with_triage_mode(enabled: &mut [Language], mode: TriageMode) {
    let mut lexicon = Lexicon::default();
    if mode == TriageMode::Problems {
        lexicon = Lexicon::shipped();
        for l in enabled.iter() {
            l.triage.add_to(&mut lexicon);
        }
    }
    let lexicon = Arc::new(lexicon);
    for l in enabled.iter_mut() {
        l.triage.mode = mode;
        l.triage.lexicon = Arc::clone(&lexicon);
    }
}

/// A comma-separated list of words or phrases, each with its inner whitespace collapsed.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|w| !w.is_empty())
        .collect()
}

/// One language from its pack (if shipped), the default language (for what it lacks) and
/// its variables.
fn resolve(
    code: &str,
    pack: Option<&LanguagePack>,
    default: Option<&Language>,
    get: &dyn Fn(&str) -> Option<String>,
    min_length: usize,
    locale_ids: &[(String, u32)],
    bad: &mut dyn FnMut(&str, String),
) -> Language {
    let suffix = code.to_ascii_uppercase();
    // The language's own variable, or for the default language the seed's unsuffixed one.
    let setting = |name: &str| -> Option<(String, String)> {
        let own = format!("{name}_{suffix}");
        if let Some(v) = get(&own) {
            return Some((own, v));
        }
        if default.is_none() {
            return get(name).map(|v| (name.to_string(), v));
        }
        None
    };
    let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut list = |name: &str, shipped: Option<&[&str]>, inherited: Option<&Vec<String>>| {
        let base = shipped
            .map(owned)
            .or_else(|| inherited.cloned())
            .unwrap_or_default();
        let Some((var, raw)) = setting(name) else {
            return base;
        };
        let (extend, raw) = match raw.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, raw.as_str()),
        };
        let items = split_list(raw);
        if items.is_empty() {
            bad(&var, "must be a comma-separated list of words or phrases (start with + to extend the shipped list)".into());
            return base;
        }
        if extend {
            let mut all = base;
            for w in items {
                if !all.contains(&w) {
                    all.push(w);
                }
            }
            all
        } else {
            items
        }
    };
    let words = packs::opt_words::of(code);
    let opt_out_words = list(
        "OPT_OUT_WORDS",
        words.map(|w| w.opt_out),
        default.map(|l| &l.opt_out_words),
    );
    let opt_in_words = list(
        "OPT_IN_WORDS",
        words.map(|w| w.opt_in),
        default.map(|l| &l.opt_in_words),
    );
    let d = default.map(|l| &l.triage);
    // Folded once here (case, accents, typographic apostrophes), as messages are: matching
    // then borrows each entry instead of folding it for every message.
    let mut list = |name: &str, shipped: Option<&[&str]>, inherited: Option<&Vec<String>>| {
        let mut items: Vec<String> = Vec::new();
        for w in list(name, shipped, inherited) {
            let w = fold_accents(&w);
            if !items.contains(&w) {
                items.push(w);
            }
        }
        items
    };
    let triage = TriageRules {
        min_length,
        greeting_words: list(
            "TRIAGE_GREETING_WORDS",
            pack.map(|p| p.greeting_words),
            d.map(|t| &t.greeting_words),
        ),
        issue_keywords: list(
            "TRIAGE_ISSUE_KEYWORDS",
            pack.map(|p| p.issue_keywords),
            d.map(|t| &t.issue_keywords),
        ),
        urgent_keywords: list(
            "PRIORITY_URGENT_KEYWORDS",
            pack.map(|p| p.urgent_keywords),
            d.map(|t| &t.urgent_keywords),
        ),
        high_keywords: list(
            "PRIORITY_HIGH_KEYWORDS",
            pack.map(|p| p.high_keywords),
            d.map(|t| &t.high_keywords),
        ),
        // Set once every language is known (`with_triage_mode`).
        mode: TriageMode::Guide,
        lexicon: Default::default(),
    };
    let mut text =
        |name: &str, shipped: Option<&str>, inherited: Option<&String>, needs_ticket_id: bool| {
            let base = shipped
                .map(str::to_string)
                .or_else(|| inherited.cloned())
                .unwrap_or_default();
            match setting(name) {
                None => base,
                Some((var, t)) if t.chars().count() > 1600 => {
                    bad(
                        &var,
                        "must be at most 1600 characters (Twilio's limit)".into(),
                    );
                    base
                }
                Some((var, t)) if needs_ticket_id && !t.contains("{ticket_id}") => {
                    bad(&var, "must contain {ticket_id}".into());
                    base
                }
                Some((_, t)) => t.replace("\\n", "\n"),
            }
        };
    let r = pack.map(|p| &p.replies);
    let dt = default.map(|l| &l.texts);
    let texts = ReplyTexts {
        ticket_created: text(
            "REPLY_TICKET_CREATED",
            r.map(|r| r.ticket_created),
            dt.map(|t| &t.ticket_created),
            true,
        ),
        more_details: text(
            "REPLY_MORE_DETAILS",
            r.map(|r| r.more_details),
            dt.map(|t| &t.more_details),
            false,
        ),
        apology: text(
            "REPLY_APOLOGY",
            r.map(|r| r.apology),
            dt.map(|t| &t.apology),
            false,
        ),
        comment_added: text(
            "REPLY_COMMENT_ADDED",
            r.map(|r| r.comment_added),
            dt.map(|t| &t.comment_added),
            true,
        ),
        out_of_hours: text(
            "REPLY_OUT_OF_HOURS",
            r.map(|r| r.out_of_hours),
            dt.map(|t| &t.out_of_hours),
            false,
        ),
        opt_out: text(
            "REPLY_OPT_OUT",
            r.map(|r| r.opt_out),
            dt.map(|t| &t.opt_out),
            false,
        ),
        opt_in: text(
            "REPLY_OPT_IN",
            r.map(|r| r.opt_in),
            dt.map(|t| &t.opt_in),
            false,
        ),
        queue_full: text(
            "REPLY_QUEUE_FULL",
            r.map(|r| r.queue_full),
            dt.map(|t| &t.queue_full),
            false,
        ),
    };
    let mut sid = |name: &str, inherited: Option<&String>| match setting(name) {
        None => inherited.cloned(),
        Some((var, s)) if !s.starts_with("HX") => {
            bad(&var, "must be a Content SID starting with HX".into());
            inherited.cloned()
        }
        Some((_, s)) => Some(s),
    };
    let content_sid = sid(
        "TWILIO_CONTENT_SID",
        default.and_then(|l| l.content_sid.as_ref()),
    );
    let agent_reply_content_sid = sid(
        "TWILIO_AGENT_REPLY_CONTENT_SID",
        default.and_then(|l| l.agent_reply_content_sid.as_ref()),
    );
    let csat_content_sid = sid(
        "TWILIO_CSAT_CONTENT_SID",
        default.and_then(|l| l.csat_content_sid.as_ref()),
    );
    Language {
        code: code.to_string(),
        triage,
        texts,
        content_sid,
        agent_reply_content_sid,
        csat_content_sid,
        zendesk_locale_id: locale_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id),
        opt_out_words: opt_out_words.iter().map(|w| fold_accents(w)).collect(),
        opt_in_words: opt_in_words.iter().map(|w| fold_accents(w)).collect(),
    }
}

#[cfg(test)]
#[path = "languages_tests.rs"]
mod tests;
