//! Tests of `languages`: the languages resolved from packs and variables, and the choice of a
//! message's language.

use super::*;
use crate::core::triage::{Priority, Triage};
use std::collections::HashMap;

fn languages(vars: &[(&str, &str)]) -> (Languages, Vec<(String, String)>) {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let get = |name: &str| vars.get(name).cloned();
    let mut invalid = Vec::new();
    let l = Languages::from_lookup(&get, 10, &mut invalid);
    (l, invalid)
}

fn codes(l: &Languages) -> Vec<&str> {
    l.enabled.iter().map(|l| l.code.as_str()).collect()
}

#[test]
fn by_default_seven_languages_and_english_is_the_guides() {
    let (l, invalid) = languages(&[]);
    assert!(invalid.is_empty());
    assert_eq!(codes(&l), ["en", "es", "pt", "fr", "de", "it", "id"]);
    let en = l.default_language();
    assert_eq!(en.code, "en");
    assert_eq!(en.triage, TriageRules::default());
    assert_eq!(en.texts, ReplyTexts::default());
    assert_eq!(
        en.zendesk_tag(),
        None,
        "English tickets keep the guide's tags"
    );
    assert_eq!(en.zendesk_locale_id, None);
    let es = l.get(Some("es"));
    assert_eq!(es.zendesk_tag().as_deref(), Some("lang_es"));
    assert_eq!(es.zendesk_locale_id, Some(2));
    assert!(es
        .texts
        .ticket_created
        .starts_with("Ticket #{ticket_id} creado"));
    assert_eq!(l.get(Some("it")).zendesk_locale_id, None, "not verified");
    assert_eq!(l.get(Some("xx")).code, "en", "unknown: the default");
    let (off, _) = languages(&[("ZENDESK_LOCALE_IDS", "off")]);
    assert!(off.enabled.iter().all(|l| l.zendesk_locale_id.is_none()));
    assert_eq!(l.get(None).code, "en");
}

#[test]
fn the_seeds_variables_are_the_default_languages_and_each_language_has_its_own() {
    let (l, invalid) = languages(&[
        ("TRIAGE_ISSUE_KEYWORDS", "widget"),
        ("REPLY_TICKET_CREATED", "T{ticket_id}"),
        ("TWILIO_CONTENT_SID", "HXdefault"),
        ("TWILIO_CONTENT_SID_ES", "HXspanish"),
        ("TWILIO_AGENT_REPLY_CONTENT_SID_PT", "HXagentpt"),
        ("PRIORITY_URGENT_KEYWORDS_ES", "+socorro, ya mismo"),
        ("TRIAGE_GREETING_WORDS_DE", "hallo,moin"),
        ("REPLY_MORE_DETAILS_FR", "Plus de détails ?\\nMerci"),
        (
            "REPLY_OUT_OF_HOURS_ES",
            "Estamos cerrados; te escribimos mañana.",
        ),
        ("REPLY_QUEUE_FULL_DE", "Bitte später noch einmal senden."),
    ]);
    assert!(invalid.is_empty(), "{invalid:?}");
    let en = l.get(Some("en"));
    assert_eq!(en.triage.issue_keywords, ["widget"]);
    assert_eq!(en.texts.ticket_created, "T{ticket_id}");
    assert_eq!(en.content_sid.as_deref(), Some("HXdefault"));
    let es = l.get(Some("es"));
    assert_ne!(
        es.triage.issue_keywords,
        ["widget"],
        "unsuffixed is the default's only"
    );
    assert_eq!(es.content_sid.as_deref(), Some("HXspanish"));
    let urgent = &es.triage.urgent_keywords;
    assert!(urgent.contains(&"urgente".to_string()) && urgent.contains(&"socorro".to_string()));
    assert_eq!(
        urgent.iter().filter(|w| *w == "ya mismo").count(),
        1,
        "extending does not repeat"
    );
    let pt = l.get(Some("pt"));
    assert_eq!(
        pt.content_sid.as_deref(),
        Some("HXdefault"),
        "the default's template"
    );
    assert_eq!(pt.agent_reply_content_sid.as_deref(), Some("HXagentpt"));
    assert_eq!(en.agent_reply_content_sid, None);
    assert_eq!(l.get(Some("de")).triage.greeting_words, ["hallo", "moin"]);
    assert_eq!(
        l.get(Some("fr")).texts.more_details,
        "Plus de détails ?\nMerci"
    );
    assert_eq!(
        es.texts.out_of_hours,
        "Estamos cerrados; te escribimos mañana."
    );
    assert_eq!(
        l.get(Some("pt")).texts.opt_out,
        crate::core::language::packs::shipped("pt")
            .unwrap()
            .replies
            .opt_out
    );
    assert_eq!(
        l.get(Some("de")).texts.queue_full,
        "Bitte später noch einmal senden."
    );
    assert_eq!(
        es.texts.queue_full,
        crate::core::language::packs::shipped("es")
            .unwrap()
            .replies
            .queue_full
    );
}

#[test]
fn bad_values_are_named_never_echoed() {
    let (l, invalid) = languages(&[
        ("LANGUAGES", "en,es,hi,e$"),
        ("DEFAULT_LANGUAGE", "de"),
        ("REPLY_TICKET_CREATED_ES", "sin número secreto"),
        ("TWILIO_CONTENT_SID_ES", "secret-sid"),
        ("TRIAGE_ISSUE_KEYWORDS_ES", " , "),
        ("ZENDESK_LOCALE_IDS", "pt=x"),
    ]);
    let names: Vec<&str> = invalid.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "LANGUAGE_WORDS_HI",
            "LANGUAGES",
            "DEFAULT_LANGUAGE",
            "ZENDESK_LOCALE_IDS",
            "TRIAGE_ISSUE_KEYWORDS_ES",
            "REPLY_TICKET_CREATED_ES",
            "TWILIO_CONTENT_SID_ES"
        ]
    );
    let text = format!("{invalid:?}");
    assert!(!text.contains("secret"));
    assert_eq!(codes(&l), ["en", "es"]);
}

#[test]
fn a_language_not_shipped_is_added_by_its_words_and_borrows_the_defaults_texts() {
    let (l, invalid) = languages(&[
        ("LANGUAGES", "en,nl"),
        (
            "LANGUAGE_WORDS_NL",
            "het, niet, mijn, bestelling, werkt, ik, een, is, de",
        ),
        ("TRIAGE_ISSUE_KEYWORDS_NL", "+werkt niet,bestelling"),
        ("REPLY_TICKET_CREATED_NL", "Ticket #{ticket_id} aangemaakt"),
        ("ZENDESK_LOCALE_IDS", "nl=1005"),
    ]);
    assert!(invalid.is_empty(), "{invalid:?}");
    let chosen = l.choose("Mijn bestelling werkt niet", None);
    assert_eq!(chosen.code, "nl");
    let nl = l.get(Some("nl"));
    assert_eq!(nl.texts.ticket_created, "Ticket #{ticket_id} aangemaakt");
    assert_eq!(nl.texts.more_details, ReplyTexts::default().more_details);
    assert!(nl.triage.issue_keywords.contains(&"problem".to_string()));
    assert!(nl.triage.issue_keywords.contains(&"werkt niet".to_string()));
    assert_eq!(nl.zendesk_locale_id, Some(1005));
    assert_eq!(nl.zendesk_tag().as_deref(), Some("lang_nl"));
}

#[test]
fn the_default_is_english_when_enabled_else_the_first_listed() {
    let (l, invalid) = languages(&[("LANGUAGES", "pt, es")]);
    assert!(invalid.is_empty());
    assert_eq!(l.default_language().code, "pt");
    let (l, _) = languages(&[("LANGUAGES", "en,es"), ("DEFAULT_LANGUAGE", "ES")]);
    assert_eq!(l.default_language().code, "es");
    let (l, invalid) = languages(&[
        ("LANGUAGES", "pt-BR, es_MX, EN, en"),
        ("DEFAULT_LANGUAGE", "pt-br"),
    ]);
    assert!(invalid.is_empty(), "{invalid:?}");
    assert_eq!(
        codes(&l),
        ["pt", "es", "en"],
        "regions dropped, duplicates once"
    );
    assert_eq!(l.default_language().code, "pt");
}

#[test]
fn short_messages_keep_the_conversations_language_and_disabled_ones_get_the_default() {
    let (l, _) = languages(&[]);
    let c = l.choose("Hola, mi pedido no llegó", None);
    assert_eq!((c.code.as_str(), c.confident), ("es", true));
    let c = l.choose("ok 👍", Some("es"));
    assert_eq!((c.code.as_str(), c.confident), ("es", false));
    let c = l.choose("#48213", None);
    assert_eq!((c.code.as_str(), c.confident), ("en", false));
    let (only_en_es, _) = languages(&[("LANGUAGES", "en,es")]);
    let c = only_en_es.choose("Die App stürzt ständig ab, ich kann nicht bezahlen", None);
    assert_eq!(c.code, "en", "German is not enabled: the default language");
    let c = only_en_es.choose("ok", Some("de"));
    assert_eq!(c.code, "en", "a remembered language no longer enabled");
}

/// `tests/data/languages-triage.tsv`: per shipped language, messages with what must become of
/// them (urgent, high or normal ticket, or a request for details), none relying on an English
/// word; each read in the language detected, as the conversation does.
#[test]
fn each_language_triages_in_its_own_words() {
    const SET: &str = include_str!("../../../tests/data/languages-triage.tsv");
    let (l, _) = languages(&[]);
    let mut failures = Vec::new();
    let mut per_language: HashMap<&str, usize> = HashMap::new();
    for line in SET.lines().filter(|l| !l.trim().is_empty()) {
        let mut cols = line.splitn(3, '\t');
        let (code, expected, text) = (
            cols.next().unwrap(),
            cols.next().unwrap(),
            cols.next().unwrap(),
        );
        *per_language.entry(code).or_default() += 1;
        let chosen = l.choose(text, None);
        let got = match l.get(Some(&chosen.code)).triage.triage(text) {
            Triage::Accepted {
                priority: Priority::Urgent,
                ..
            } => "ticket_urgent",
            Triage::Accepted {
                priority: Priority::High,
                ..
            } => "ticket_high",
            Triage::Accepted {
                priority: Priority::Normal,
                ..
            } => "ticket_normal",
            Triage::Rejected(_) => "more_details",
        };
        if chosen.code != code || got != expected {
            failures.push(format!(
                "{code} {expected}: read as {} {got}: {text}",
                chosen.code
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    for code in ["es", "pt", "fr", "de", "it", "id"] {
        assert!(per_language.get(code).copied().unwrap_or(0) >= 4, "{code}");
    }
}

#[test]
fn a_language_in_another_script_is_added_the_same_way() {
    let (l, invalid) = languages(&[
        ("LANGUAGES", "en,ar"),
        (
            "LANGUAGE_WORDS_AR",
            "طلبي, لم, يصل, مرحبا, شكرا, في, من, على, الطلب",
        ),
        ("TRIAGE_ISSUE_KEYWORDS_AR", "مشكلة, لم يصل"),
        ("TRIAGE_GREETING_WORDS_AR", "مرحبا, شكرا"),
        ("REPLY_MORE_DETAILS_AR", "من فضلك أخبرنا بالمزيد عن مشكلتك"),
    ]);
    assert!(invalid.is_empty(), "{invalid:?}");
    let c = l.choose("طلبي لم يصل بعد، رقم الطلب 4821", None);
    assert_eq!((c.code.as_str(), c.confident), ("ar", true));
    let ar = l.get(Some("ar"));
    assert!(matches!(
        ar.triage.triage("طلبي لم يصل بعد، رقم الطلب 4821"),
        Triage::Accepted { .. }
    ));
    assert_eq!(
        ar.triage.triage("مرحبا، شكرا"),
        Triage::Rejected(crate::core::triage::Rejection::GreetingOnly)
    );
    assert_eq!(ar.texts.more_details, "من فضلك أخبرنا بالمزيد عن مشكلتك");
}

#[test]
fn a_default_language_not_shipped_borrows_what_it_lacks_from_english() {
    let (l, invalid) = languages(&[
        ("LANGUAGES", "nl,es"),
        ("DEFAULT_LANGUAGE", "nl"),
        ("LANGUAGE_WORDS_NL", "het, niet, mijn, bestelling, werkt"),
        ("REPLY_TICKET_CREATED_NL", "Ticket #{ticket_id} aangemaakt"),
    ]);
    assert!(invalid.is_empty(), "{invalid:?}");
    let nl = l.default_language();
    assert_eq!(nl.code, "nl");
    assert_eq!(nl.texts.ticket_created, "Ticket #{ticket_id} aangemaakt");
    assert_eq!(
        nl.texts.apology,
        ReplyTexts::default().apology,
        "never empty"
    );
    assert_eq!(
        nl.triage,
        TriageRules {
            min_length: 10,
            ..TriageRules::default()
        }
    );
    assert_eq!(l.choose("ok", None).code, "nl");
    assert_eq!(l.choose("het werkt niet", None).code, "nl");
}

#[test]
fn triage_mode_guide_keeps_the_guides_rule_and_the_default_reads_problems() {
    use crate::core::triage::{Rejection, TriageMode};
    let m = "My app keeps closing when I pay";
    let (guide, invalid) = languages(&[("TRIAGE_MODE", "guide")]);
    assert!(invalid.is_empty(), "{invalid:?}");
    let en = guide.default_language();
    assert_eq!(en.triage.mode, TriageMode::Guide);
    assert_eq!(en.triage, TriageRules::guide());
    assert_eq!(
        en.triage.triage(m),
        Triage::Rejected(Rejection::NoIssueKeyword)
    );
    let (default, _) = languages(&[]);
    assert_eq!(default.default_language().triage.mode, TriageMode::Problems);
    assert!(matches!(
        default.default_language().triage.triage(m),
        Triage::Accepted { .. }
    ));
    let (_, invalid) = languages(&[("TRIAGE_MODE", "fancy")]);
    assert_eq!(invalid.len(), 1);
    assert_eq!(invalid[0].0, "TRIAGE_MODE");
}

#[test]
fn an_unsure_language_falls_back_to_what_is_known_then_to_the_one_standing_out() {
    let (l, _) = languages(&[]);
    // Not confident, but Spanish stands out clearly: not answered in English.
    let c = l.choose("el tracking no se mueve", None);
    assert_eq!((c.code.as_str(), c.confident), ("es", false));
    // The conversation's language comes first.
    assert_eq!(l.choose("el tracking no se mueve", Some("pt")).code, "pt");
    // Nothing to tell by: the default.
    assert_eq!(l.choose("👍", None).code, "en");
    // Two languages equally likely: the default.
    assert_eq!(l.choose("login error", None).code, "en");
}

#[test]
fn a_first_message_with_nothing_to_tell_is_answered_in_the_language_of_the_senders_number() {
    use crate::core::config::languages::ChosenFrom;
    let (l, _) = languages(&[]);
    for (text, number, code) in [
        ("👍", "+4915112345678", "de"),
        ("ok", "+5511912345678", "pt"),
        ("😊😊", "+6281234567890", "id"),
        ("ok", "+33612345678", "fr"),
        ("🙏", "+393331234567", "it"),
        ("ok", "+5215512345678", "es"),
        // Switzerland: the German-speaking majority when nothing tells.
        ("👍", "+41791234567", "de"),
        // North America: Québec's area codes French, Puerto Rico's Spanish, Toronto's English.
        ("👍", "+15145550123", "fr"),
        ("ok", "+17875550123", "es"),
        ("👍", "+14165550123", "en"),
    ] {
        let c = l.choose_for(text, None, Some(number));
        assert_eq!(c.code, code, "{text} {number}");
        // The number is never remembered as the conversation's language.
        assert_eq!(c.confident, c.from == ChosenFrom::Text, "{text} {number}");
    }
    let c = l.choose_for("👍", None, Some("+4915112345678"));
    assert_eq!(c.from, ChosenFrom::Number);
    // Belgium: no shipped language has a clear majority: the default.
    assert_eq!(l.choose_for("👍", None, Some("+32470123456")).code, "en");
    // The conversation's language comes first; the text always wins over the number (a
    // customer abroad).
    assert_eq!(
        l.choose_for("👍", Some("it"), Some("+4915112345678")).code,
        "it"
    );
    assert_eq!(
        l.choose_for("mi pedido no llegó", None, Some("+4915112345678"))
            .code,
        "es"
    );
    assert_eq!(
        l.choose_for("el tracking no se mueve", None, Some("+4915112345678"))
            .code,
        "es"
    );
    // Only enabled languages: German not enabled, the default.
    let (only_en_es, _) = languages(&[("LANGUAGES", "en,es")]);
    assert_eq!(
        only_en_es
            .choose_for("👍", None, Some("+4915112345678"))
            .code,
        "en"
    );
    // A WhatsApp user id (no number) or a number from a country not listed: the default.
    assert_eq!(l.choose_for("👍", None, None).code, "en");
    assert_eq!(l.choose_for("👍", None, Some("+8613800000000")).code, "en");
}

/// A customer abroad who writes a short colloquial line (a greeting, thanks, slang, a chat
/// abbreviation, a regional form) is answered in the line's language, not in the number's
/// country's nor the default (`packs::chat`): lines not in any measured set.
#[test]
fn short_colloquial_lines_from_a_foreign_number_are_answered_in_their_language() {
    let (l, _) = languages(&[]);
    for (code, number, text) in [
        ("en", "+4915112345678", "yeah gotcha"),
        ("en", "+34612345678", "lemme know pls"),
        ("en", "+33612345678", "dunno, still waiting"),
        ("en", "+39312345678", "aight, ttyl"),
        ("es", "+4915112345678", "órale, gracias wey"),
        ("es", "+33612345678", "che, joya, un abrazo"),
        ("es", "+39312345678", "jajaja vale, gracias"),
        ("es", "+41791234567", "habéis visto mi mensaje?"),
        ("es", "+12025550123", "ahorita te aviso, carnal"),
        ("es", "+447700900123", "guay, nos vemos"),
        ("pt", "+447700900123", "blz, valeu mano"),
        ("pt", "+4915112345678", "vc ta ai?"),
        ("pt", "+33612345678", "obg, tmj"),
        ("pt", "+41791234567", "fixe, obrigadinho"),
        ("pt", "+12025550123", "kkkk tranquilo"),
        ("fr", "+39312345678", "ouais merci, bonne soirée"),
        ("fr", "+4915112345678", "chu là, merci ben"),
        ("fr", "+34612345678", "tkt, à tantôt"),
        ("fr", "+12025550123", "wesh, y'a quelqu'un?"),
        ("de", "+34612345678", "merci vielmal, tschau"),
        ("de", "+39312345678", "moinsen, jemand da?"),
        ("de", "+33612345678", "servus, passt scho"),
        ("de", "+447700900123", "oida, danke"),
        ("de", "+12025550123", "gell, bis später"),
        ("it", "+33612345678", "vabbè, grazie comunque"),
        ("it", "+4915112345678", "boh, ci sei?"),
        ("it", "+34612345678", "daje, ciaone"),
        ("it", "+447700900123", "ok raga, grazie"),
        ("it", "+12025550123", "cmq grazie mille"),
        ("id", "+60123456789", "wkwk santai aja kak"),
        ("id", "+6591234567", "gmn min, udh?"),
        ("id", "+61412345678", "yaudah makasih ya"),
        ("id", "+447700900123", "assalamualaikum min"),
        ("id", "+4915112345678", "gue tunggu ya kak"),
    ] {
        let c = l.choose_for(text, None, Some(number));
        assert_eq!(c.code, code, "{text} from {number}: {c:?}");
        assert_eq!(c.from, ChosenFrom::Text, "{text} from {number}: {c:?}");
    }
    // A word another language's writers borrow counts for them at a lower weight: alone it
    // still tells its own language, beside one of theirs it tells theirs.
    assert_eq!(l.choose_for("merci", None, Some("+41791234567")).code, "fr");
    assert_eq!(
        l.choose_for("merci beaucoup", None, Some("+4915112345678"))
            .code,
        "fr"
    );
    assert_eq!(
        l.choose_for("merci vielmal", None, Some("+34612345678"))
            .code,
        "de"
    );
}
