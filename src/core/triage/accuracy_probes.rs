//! The project's own probes, held: each pass's fixes stay fixed.

use super::{languages, measure, Row};
use crate::core::config::languages::Languages;

/// A probe measured, with what every probe holds: all seven shipped languages, and every problem
/// a ticket (asking a customer who described a problem to describe it again is the worst
/// outcome).
fn measured(name: &str, set: &str, l: &Languages) -> Vec<Row> {
    let rows = measure(set, l);
    assert_eq!(rows.len(), 7, "{name}: every shipped language");
    for r in &rows {
        assert_eq!(
            r.problems_ticketed, r.problems,
            "{name} {}: {:?}",
            r.code, r.wrong
        );
    }
    rows
}

/// The project's own probes (sixth and seventh passes): what each pass was written for holds.
/// Every problem a ticket and every contentless line asked for details; every emergency urgent
/// (the second emergencies probe also holds five ordinary complaints, of which the urgent words
/// of the guide's lists, "NOW", "SOFORT", "SUBITO", still make urgent: not asserted).
#[test]
fn accuracy_the_project_probes_keep_what_their_pass_fixed() {
    let l = languages(&[]);
    for (name, set) in [
        (
            "emergencies",
            include_str!("../../../tests/data/triage-probe-emergencies.tsv"),
        ),
        (
            "emergencies 2",
            include_str!("../../../tests/data/triage-probe-emergencies-2.tsv"),
        ),
        (
            "details",
            include_str!("../../../tests/data/triage-probe-details.tsv"),
        ),
        (
            "details 2",
            include_str!("../../../tests/data/triage-probe-details-2.tsv"),
        ),
        (
            "details 3",
            include_str!("../../../tests/data/triage-probe-details-3.tsv"),
        ),
        (
            "after pleasantries",
            include_str!("../../../tests/data/triage-probe-after-pleasantries.tsv"),
        ),
    ] {
        for r in &measured(name, set, &l) {
            assert_eq!(
                r.contentless_asked, r.contentless,
                "{name} {}: {:?}",
                r.code, r.wrong
            );
            // One German impersonation told without money or an account is still missed.
            let missed = r.emergencies - r.emergencies_urgent;
            assert!(
                missed <= usize::from(r.code == "de"),
                "{name} {}: {:?}",
                r.code,
                r.wrong
            );
        }
    }
}

/// The helper-written contentless lines (`triage-probe-details-f.tsv`: 40 contentless lines and
/// 20 short problems per language, written from a brief without the rules; the eighth pass was
/// tuned on it): 234 of 280 asked for details at its first run, 278 after; at most one per
/// language still read as a request (a greeting signed with a full name), every problem a ticket.
#[test]
fn accuracy_the_helper_contentless_lines_keep_what_the_eighth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "details-f",
        include_str!("../../../tests/data/triage-probe-details-f.tsv"),
        &l,
    );
    for r in &rows {
        assert!(
            r.contentless_asked + 1 >= r.contentless,
            "{}: {:?}",
            r.code,
            r.wrong
        );
    }
}

/// The helper-written hard contentless lines (`triage-probe-details-h.tsv`: 40 per language that
/// a keyword rule takes for a problem, settled matters, wrong chats, asking for a person, and 15
/// short problems that look like them; the ninth pass was tuned on it): 149 of 280 asked for
/// details at its first run, 277 after (280 before an adversarial review took back the words
/// that turned real problems into details); every problem a ticket.
#[test]
fn accuracy_the_hard_contentless_lines_keep_what_the_ninth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "details-h",
        include_str!("../../../tests/data/triage-probe-details-h.tsv"),
        &l,
    );
    for r in &rows {
        assert!(
            r.contentless_asked + 2 >= r.contentless,
            "{}: {:?}",
            r.code,
            r.wrong
        );
    }
    let asked: usize = rows.iter().map(|r| r.contentless_asked).sum();
    assert!(asked >= 277, "{asked} of 280");
}

/// The helper-written small talk and asides (`triage-probe-details-i.tsv`: 45 contentless lines
/// per language, small talk, tests, "who am I talking to?", withdrawals, "give me 5 minutes", and
/// 15 problems told beside them; the ninth pass was tuned on it): 178 of 315 asked for details
/// at its first run, 278 after (296 before an adversarial review took back the phrases that
/// also ate real requests: "will send", "the best", "looking for the order number", a bare
/// "test" or "prova"); every problem a ticket. What is left is mostly long praise and wishes
/// ("you have been absolute legends...") that no list of phrases covers.
#[test]
fn accuracy_small_talk_and_asides_keep_what_the_ninth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "details-i",
        include_str!("../../../tests/data/triage-probe-details-i.tsv"),
        &l,
    );
    for r in &rows {
        assert!(
            r.contentless_asked + 9 >= r.contentless,
            "{}: {:?}",
            r.code,
            r.wrong
        );
    }
    let asked: usize = rows.iter().map(|r| r.contentless_asked).sum();
    assert!(asked >= 278, "{asked} of 315");
}

/// The helper-written short lines from foreign numbers (`triage-probe-language-abroad.tsv`: 30
/// per language, greetings, thanks, slang and short problems, each from another country's
/// number; the tenth pass was tuned on it): 8 of 210 answered in another language at its first
/// run, 1 after (`ok ok entendido` from a German number: "entendido" is Spanish and Portuguese
/// alike); 120 of 126 non-problems asked for details before, all after; every problem a ticket.
#[test]
fn accuracy_the_language_abroad_probe_keeps_what_the_tenth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "language-abroad",
        include_str!("../../../tests/data/triage-probe-language-abroad.tsv"),
        &l,
    );
    for r in &rows {
        let allowed = usize::from(r.code == "es");
        assert!(r.other_language <= allowed, "{}: {:?}", r.code, r.wrong);
        assert_eq!(r.named_wrong, 0, "{}: {:?}", r.code, r.wrong);
        assert_eq!(
            r.contentless_asked, r.contentless,
            "{}: {:?}",
            r.code, r.wrong
        );
    }
}

/// An adversarial review of the ninth pass (`triage-probe-review-settled.tsv`: 311 real problems
/// and requests written to look settled, withdrawn, contentless or like a name): 190 of them
/// were asked for details by the pass as first written; after the fixes 27 are, 25 of which the
/// rules before the pass asked for details too (one word beyond pleasantries: "Toco y no pasa
/// nada"); the two left are ambiguous ("Recebi o cartao", "Regards, Insurance Claim").
#[test]
fn accuracy_the_review_of_the_ninth_pass_keeps_problems_tickets() {
    let l = languages(&[]);
    let rows = measure(
        include_str!("../../../tests/data/triage-probe-review-settled.tsv"),
        &l,
    );
    assert_eq!(rows.len(), 7);
    let ticketed: usize = rows.iter().map(|r| r.problems_ticketed).sum();
    assert!(ticketed >= 284, "{ticketed} of 311");
}

/// An adversarial review of the ninth pass's emergencies (`triage-probe-review-emergencies.tsv`
/// and `-2.tsv`: ordinary complaints written to look like its classes, a clock time, a flight
/// "within 2 hours", a swollen battery, a lift, a pharmacy's phone line, beside a few real
/// emergencies): 160 and more of the ordinary ones were made urgent by the pass as first
/// written; after the fixes 16 are, every one of them urgent by the rules before the pass too.
#[test]
fn accuracy_the_review_of_the_ninth_pass_keeps_complaints_ordinary() {
    let l = languages(&[]);
    for (set, most) in [
        (
            include_str!("../../../tests/data/triage-probe-review-emergencies.tsv"),
            16,
        ),
        (
            include_str!("../../../tests/data/triage-probe-review-emergencies-2.tsv"),
            0,
        ),
    ] {
        let rows = measure(set, &l);
        let urgent: usize = rows.iter().map(|r| r.non_emergencies_urgent).sum();
        assert!(urgent <= most, "{urgent} made urgent");
    }
}

/// Problems told without a support word (`triage-probe-details-j.tsv` to `-o.tsv`: 980 of
/// them, beside 1,820 long non-problems, by six helpers from a brief) and real problems wrapped
/// in warmth (`triage-probe-review-warm.tsv`: 280, written to look like small talk, with no
/// question mark, number, "but" or "please") all stay tickets. A small-talk scorer that asked
/// 19 more of set H's non-problems for details asked 52 of these 280 warm problems too, and was
/// not shipped (docs/triage.md, "Set H, and a small-talk scorer, measured and not shipped"): whatever reads
/// long messages next must keep this test. The rule that did ship (`small_talk`, praise in
/// every clause) keeps it, and the adversarial review written against that rule
/// (`triage-probe-review-smalltalk.tsv`: 210 problems told as praise, sarcasm or thanks) too:
/// 9 of them were asked for details before laughter (`lol`, `kkk`, `mdr`) kept a ticket. A
/// review of the whole pass (`triage-probe-review-smalltalk-2.tsv`: 171 problems told after a
/// greeting or a thanks without punctuation, "thanks the payment went through twice", "good
/// morning the blue jumper came in green") found 29 asked for details; now none (thanks count
/// only with what they are for, praise inside a greeting phrase counts for nothing, complaint
/// words such as "rude", "wet", `aberto` keep a ticket). The review of the eleventh pass
/// (`triage-probe-review-eleventh.tsv`: 140 problems told beside its new praise words, wishes,
/// names and "I only wanted to say", "the driver was so patient and left my fridge on the
/// pavement") found 29 asked for details; none since each statement joined by "and" must
/// praise by itself. A second review of it (`-eleventh-2.tsv`: 140 more, "the driver was super
/// nice and drunk haha", "nothing broken except the screen", "great service if I ever see my
/// 40 euros", "I'd recommend you refund...") found 27; none since.
#[test]
fn accuracy_problems_told_warmly_or_without_a_support_word_stay_tickets() {
    let l = languages(&[]);
    for (name, set) in [
        (
            "j",
            include_str!("../../../tests/data/triage-probe-details-j.tsv"),
        ),
        (
            "k",
            include_str!("../../../tests/data/triage-probe-details-k.tsv"),
        ),
        (
            "l",
            include_str!("../../../tests/data/triage-probe-details-l.tsv"),
        ),
        (
            "m",
            include_str!("../../../tests/data/triage-probe-details-m.tsv"),
        ),
        (
            "n",
            include_str!("../../../tests/data/triage-probe-details-n.tsv"),
        ),
        (
            "o",
            include_str!("../../../tests/data/triage-probe-details-o.tsv"),
        ),
        (
            "warm",
            include_str!("../../../tests/data/triage-probe-review-warm.tsv"),
        ),
        (
            "small talk review",
            include_str!("../../../tests/data/triage-probe-review-smalltalk.tsv"),
        ),
        (
            "small talk review 2",
            include_str!("../../../tests/data/triage-probe-review-smalltalk-2.tsv"),
        ),
        (
            "eleventh pass review",
            include_str!("../../../tests/data/triage-probe-review-eleventh.tsv"),
        ),
        (
            "eleventh pass review 2",
            include_str!("../../../tests/data/triage-probe-review-eleventh-2.tsv"),
        ),
    ] {
        measured(name, set, &l);
    }
}

/// Stretched words (`triage-probe-stretched.tsv`, the project's own probe, and six English
/// problems from a review, "my internet is offfff again": "holaaaa",
/// "obrigadaaaa", "makasihhh kakkk", "nooo me llegooo"), each sent from a number of another
/// country, so only the text can tell the language. Before stretched words were read plainly
/// (`text::unstretch`), 11 of the 21 greetings and thanks became tickets and 12 of the 42
/// messages were answered in another language; now every greeting is asked for details, every
/// problem is a ticket, every emergency urgent, and one message ("hallooo", which unstretched
/// is as ambiguous as "hallo") is answered in the number's language.
#[test]
fn accuracy_stretched_words_are_read_as_their_plain_word() {
    let l = languages(&[]);
    let name = "stretched";
    let rows = measured(
        name,
        include_str!("../../../tests/data/triage-probe-stretched.tsv"),
        &l,
    );
    for r in &rows {
        assert_eq!(
            r.contentless_asked, r.contentless,
            "{name} {}: {:?}",
            r.code, r.wrong
        );
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "{name} {}: {:?}",
            r.code, r.wrong
        );
    }
    let other: usize = rows.iter().map(|r| r.other_language).sum();
    assert!(
        other <= 1,
        "{name}: {:?}",
        rows.iter().map(|r| &r.wrong).collect::<Vec<_>>()
    );
}

/// Short lines (`triage-probe-details-p.tsv`, twelfth pass: a helper given only a brief, 45
/// contentless and 15 problem lines of one to eight words per language, slang, abbreviations,
/// formal salutations, testing). First run: 306 of 315 asked for details, 104 of 105 problems
/// tickets ("ok but still nothing" was asked), 9 of 420 answered in another language. Held:
/// every problem a ticket (`measured`), at least 43 of 45 asked per language (what is left:
/// "are you guys open today?" and `buka gak hari ini?` ask something; `sto solo provando` and
/// `cuma nyoba` are "only trying", which a problem also says), and at most 6 answered in
/// another language in all (a Swiss `merci vielmal`, `a+` from abroad, `thx` and `weee` read
/// as English, an Italian request from a German number, `hehe`).
#[test]
fn accuracy_short_lines_keep_what_the_twelfth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "details p",
        include_str!("../../../tests/data/triage-probe-details-p.tsv"),
        &l,
    );
    for r in &rows {
        assert!(r.contentless_asked >= 43, "{}: {:?}", r.code, r.wrong);
    }
    let other: usize = rows.iter().map(|r| r.other_language).sum();
    assert!(other <= 6, "{other}: {rows:?}");
}

/// Short problems (`triage-probe-details-q.tsv`, twelfth pass: a second helper, 35 problems of
/// two to seven words and 20 contentless lines per language, from a brief). First run: 243 of
/// 245 problems tickets ("how do i return this", `como devuelvo esto`: a stem matches longer
/// words only, and "return", "cancel" were listed only as stems), 105 of 140 asked for details,
/// 7 of 385 answered in another language. Held: every problem a ticket (`measured`), at least
/// 16 of 20 asked per language (left: a name alone, a sticker written out, dictated
/// punctuation, `nada nada xd`), at most 5 answered in another language in all.
#[test]
fn accuracy_short_problems_keep_what_the_twelfth_pass_fixed() {
    let l = languages(&[]);
    let rows = measured(
        "details q",
        include_str!("../../../tests/data/triage-probe-details-q.tsv"),
        &l,
    );
    for r in &rows {
        assert!(r.contentless_asked >= 16, "{}: {:?}", r.code, r.wrong);
    }
    let other: usize = rows.iter().map(|r| r.other_language).sum();
    assert!(other <= 5, "{other}: {rows:?}");
}

/// Very short problems (`triage-probe-details-r.tsv`, twelfth pass: a third helper, 40 problems
/// of one to four words and 15 contentless lines per language). First run: 262 of 280 problems
/// tickets (emoji alone, "reimburse me", `se fue la luz`, `Stromausfall`, `WLAN lahm`, `cuando
/// me devuelven`, `ga ada sinyal`, "unsub"), 105 of 105 asked, 14 of 385 answered in another
/// language. Held: at least 39 of 40 problems tickets per language (left: `pa recibido`), every
/// contentless line asked, at most 6 answered in another language in all (`olá` from a
/// US number, `hehe`, `chambre sale` from a Canadian one...).
#[test]
fn accuracy_very_short_problems_keep_what_the_twelfth_pass_fixed() {
    let l = languages(&[]);
    let rows = measure(
        include_str!("../../../tests/data/triage-probe-details-r.tsv"),
        &l,
    );
    assert_eq!(rows.len(), 7);
    for r in &rows {
        assert!(
            r.problems_ticketed + 1 >= r.problems,
            "{}: {:?}",
            r.code,
            r.wrong
        );
        assert_eq!(
            r.contentless_asked, r.contentless,
            "{}: {:?}",
            r.code, r.wrong
        );
    }
    let ticketed: usize = rows.iter().map(|r| r.problems_ticketed).sum();
    assert!(ticketed >= 279, "{ticketed}");
    let other: usize = rows.iter().map(|r| r.other_language).sum();
    assert!(other <= 6, "{other}: {rows:?}");
}

/// An adversarial review of the twelfth pass (`triage-probe-review-twelfth.tsv`: a helper told
/// the new pleasantries and withdrawal phrases and asked to write real problems that would slip
/// past them, 20 per language). It found 17 of 140 asked for details, nearly all a formal
/// salutation and one word (`Sehr geehrte Damen und Herren, Widerruf`, `Estimados señores,
/// garantía`): the one word after a salutation is now content, and "I remain" ("on hold") is no
/// pleasantry. Left: `Quiubole, la garantía` and `Amém. Religaram?`, a greeting and one
/// unknown word, which every greeting shares (`little_content`).
#[test]
fn accuracy_the_review_of_the_twelfth_pass_keeps_problems_tickets() {
    let l = languages(&[]);
    let rows = measure(
        include_str!("../../../tests/data/triage-probe-review-twelfth.tsv"),
        &l,
    );
    assert_eq!(rows.len(), 7);
    let ticketed: usize = rows.iter().map(|r| r.problems_ticketed).sum();
    assert!(ticketed >= 138, "{ticketed} of 140");
}

#[path = "accuracy_emergency_probes.rs"]
mod emergencies;
