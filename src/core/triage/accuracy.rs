//! The accuracy command for triage: `cargo test --lib accuracy -- --nocapture --test-threads=1`.
//! Each labelled message is read as the conversation reads a first message (its language
//! chosen with nothing known before, then that language's rules), and the table says per
//! language: how often it was answered in the customer's language, how many problem messages
//! became tickets, how many contentless ones got the details request, whether emergencies were
//! urgent, and the priorities given. The messages it gets wrong are listed under the table.
//!
//! Sets (`tests/data/`, `language<TAB>label<TAB>text`, label `ticket`, `urgent` or `details`):
//! - `triage-labels-independent.tsv`: the independent language set, labelled (never tuned on);
//! - `triage-heldout.tsv`: 40 problem and 20 non-problem messages per language, written from
//!   the brief before the rules changed, never tuned on;
//! - `triage-tuning.tsv`: a separate, smaller set the rules were tuned on;
//! - `triage-stress.tsv`: written after the rules to find their limits, never tuned on.
//! - `triage-unseen-a.tsv`, `triage-unseen-b.tsv`: written from a brief by someone who never saw
//!   the rules or lists, in the four-column form `language<TAB>label<TAB>country<TAB>text` (the
//!   sender's calling code, `+49`). The rules were tuned on A, then on B (B was never tuned on
//!   until its misses were fixed by the third pass, docs/triage.md).
//! - `triage-unseen-c.tsv`: a third writer's, same form; measured once never tuned on, then
//!   tuned on by the fourth pass (docs/triage.md).
//! - `NEVER_TUNED`: the sets nobody tuned on. A new one is reported by adding one line there;
//!   its misses are listed only with `TRIAGE_LIST_UNSEEN=1` (so tuning never sees them).

use crate::core::config::languages::{ChosenFrom, Languages};
use crate::core::language::detect::Detector;
use crate::core::language::packs::ALL;
use crate::core::triage::{Priority, Triage};
use std::collections::HashMap;

pub(crate) const INDEPENDENT: &str =
    include_str!("../../../tests/data/triage-labels-independent.tsv");
pub(crate) const HELD_OUT: &str = include_str!("../../../tests/data/triage-heldout.tsv");
pub(crate) const TUNING: &str = include_str!("../../../tests/data/triage-tuning.tsv");
/// Written after the rules, to look for their limits (harder pleasantries, problems without a
/// listed word), never tuned on: reported, not held to the targets.
pub(crate) const STRESS: &str = include_str!("../../../tests/data/triage-stress.tsv");
/// Written from a brief by someone who never saw the rules or lists; tuned on.
pub(crate) const UNSEEN_A: &str = include_str!("../../../tests/data/triage-unseen-a.tsv");
/// The same writer's second set: never tuned on until the third pass fixed its misses.
pub(crate) const UNSEEN_B: &str = include_str!("../../../tests/data/triage-unseen-b.tsv");
/// A third writer's set (emergencies of every kind: safety, a business down, theft, deadlines):
/// never tuned on until the fourth pass fixed its misses.
pub(crate) const UNSEEN_C: &str = include_str!("../../../tests/data/triage-unseen-c.tsv");

/// The sets nobody tuned on, same four-column form as set B (`language<TAB>label<TAB>country
/// <TAB>text`). Reported by `accuracy_triage_report` and timed by the CPU bench; their misses
/// are listed only with `TRIAGE_LIST_UNSEEN=1`, so whoever tunes the rules sees the figures,
/// not the messages. To report a new set, add one line:
/// `("unseen D", include_str!("../../../tests/data/triage-unseen-d.tsv")),`
/// Set D came from a helper given only the brief; set E from another helper, same brief, after
/// the sixth pass (whose rules were written from the project's own probes, never from D or E);
/// set G from a sixth helper, same brief, after the eighth pass; set H from a seventh after the
/// tenth; set I from an eighth, same brief, after the thirteenth.
/// The report, the bench and `accuracy_never_tuned_sets_are_complete` also work with none.
pub(crate) const NEVER_TUNED: &[(&str, &str)] = &[
    (
        "unseen D",
        include_str!("../../../tests/data/triage-unseen-d.tsv"),
    ),
    (
        "unseen E",
        include_str!("../../../tests/data/triage-unseen-e.tsv"),
    ),
    (
        "unseen G",
        include_str!("../../../tests/data/triage-unseen-g.tsv"),
    ),
    (
        "unseen H",
        include_str!("../../../tests/data/triage-unseen-h.tsv"),
    ),
    (
        "unseen I",
        include_str!("../../../tests/data/triage-unseen-i.tsv"),
    ),
];

/// One labelled message: `language<TAB>label<TAB>text`, or with the sender's calling code
/// (`+49`) as a third column.
pub(crate) struct Sample<'a> {
    pub code: &'a str,
    pub label: &'a str,
    pub calling_code: Option<&'a str>,
    pub text: &'a str,
}

pub(crate) fn samples(set: &str) -> impl Iterator<Item = Sample<'_>> {
    set.lines().filter(|l| !l.trim().is_empty()).map(|line| {
        let mut cols = line.splitn(3, '\t');
        let (Some(code), Some(label), Some(rest)) = (cols.next(), cols.next(), cols.next()) else {
            panic!("not language<TAB>label<TAB>[country<TAB>]text: {line}");
        };
        let (calling_code, text) = match rest.split_once('\t') {
            Some((c, t))
                if c.len() >= 2
                    && c.starts_with('+')
                    && c[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                (Some(c), t)
            }
            _ => (None, rest),
        };
        Sample {
            code,
            label,
            calling_code,
            text,
        }
    })
}

/// One language's figures on one set.
#[derive(Debug, Default, Clone)]
pub(crate) struct Row {
    pub code: String,
    pub messages: usize,
    /// Answered in another language than the customer's.
    pub other_language: usize,
    /// Of those, answered in a language named wrongly from the text (detected, or standing
    /// out), not merely the default or the number's for want of evidence: the confidently
    /// wrong answers.
    pub named_wrong: usize,
    /// Of those, answered in the language the sender's calling code suggests (a customer
    /// abroad, or a country where several languages are written).
    pub number_wrong: usize,
    /// Of those, messages with no word of any language (emoji, "ok", a number): nothing to
    /// tell the language by when it is the conversation's first message.
    pub other_language_no_evidence: usize,
    pub problems: usize,
    pub problems_ticketed: usize,
    pub contentless: usize,
    pub contentless_asked: usize,
    pub emergencies: usize,
    pub emergencies_urgent: usize,
    /// Problems that are not emergencies but were made urgent (over-prioritised).
    pub non_emergencies_urgent: usize,
    /// Tickets by priority: urgent, high, normal.
    pub priorities: [usize; 3],
    pub wrong: Vec<String>,
    /// Of the non-problems made tickets: the rule that made each (its name only) and its
    /// length in words, for the profile of a set whose messages are not listed.
    pub ticketed_non_problems: Vec<(String, usize)>,
    /// Of the emergencies not urgent: how many became high tickets, how many normal (the rest
    /// were asked for details).
    pub emergencies_missed_at: [usize; 2],
}

impl Row {
    pub fn ticket_rate(&self) -> f64 {
        100.0 * self.problems_ticketed as f64 / self.problems.max(1) as f64
    }
    pub fn details_rate(&self) -> f64 {
        100.0 * self.contentless_asked as f64 / self.contentless.max(1) as f64
    }
    pub fn other_language_rate(&self) -> f64 {
        100.0 * self.other_language as f64 / self.messages.max(1) as f64
    }
}

pub(crate) fn languages(vars: &[(&str, &str)]) -> Languages {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut invalid = Vec::new();
    let l = Languages::from_lookup(&|n| vars.get(n).cloned(), 10, &mut invalid);
    assert!(invalid.is_empty(), "{invalid:?}");
    l
}

pub(crate) fn measure(set: &str, languages: &Languages) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let detector = Detector::new(&ALL, &[]);
    for Sample {
        code,
        label,
        calling_code,
        text,
    } in samples(set)
    {
        let row = match rows.iter().position(|r| r.code == code) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(Row {
                    code: code.to_string(),
                    ..Row::default()
                });
                rows.last_mut().unwrap()
            }
        };
        row.messages += 1;
        // A conversation's first message: nothing known but the sender's number.
        let chosen = languages.choose_for(text, None, calling_code);
        let mut wrong = Vec::new();
        if chosen.code != code {
            row.other_language += 1;
            match chosen.from {
                ChosenFrom::Text | ChosenFrom::TextStandingOut => row.named_wrong += 1,
                ChosenFrom::Number => row.number_wrong += 1,
                ChosenFrom::Conversation | ChosenFrom::Default => {}
            }
            if detector.detect(text).scores.iter().all(|s| *s == 0.0) {
                row.other_language_no_evidence += 1;
            }
            wrong.push(format!(
                "answered in {} ({:?}{})",
                chosen.code,
                chosen.from,
                calling_code.map(|c| format!(", {c}")).unwrap_or_default()
            ));
        }
        let decision = languages.get(Some(&chosen.code)).triage.decide(text);
        match (&decision.triage, label) {
            (Triage::Accepted { priority, .. }, _) => {
                row.priorities[match priority {
                    Priority::Urgent => 0,
                    Priority::High => 1,
                    Priority::Normal => 2,
                }] += 1;
            }
            (Triage::Rejected(_), _) => {}
        }
        let ticket = matches!(decision.triage, Triage::Accepted { .. });
        match label {
            "details" => {
                row.contentless += 1;
                if ticket {
                    wrong.push("ticket instead of details".into());
                    row.ticketed_non_problems.push((
                        profile::rule_name(&decision.rule),
                        text.split_whitespace().count(),
                    ));
                } else {
                    row.contentless_asked += 1;
                }
            }
            "ticket" | "urgent" => {
                row.problems += 1;
                if ticket {
                    row.problems_ticketed += 1;
                } else {
                    wrong.push("asked for details".into());
                }
                let urgent = matches!(
                    decision.triage,
                    Triage::Accepted {
                        priority: Priority::Urgent,
                        ..
                    }
                );
                if label == "ticket" && urgent {
                    row.non_emergencies_urgent += 1;
                    wrong.push("urgent, not an emergency".into());
                }
                if label == "urgent" {
                    row.emergencies += 1;
                    if urgent {
                        row.emergencies_urgent += 1;
                    } else {
                        wrong.push("emergency not urgent".into());
                        if let Triage::Accepted { priority, .. } = &decision.triage {
                            row.emergencies_missed_at
                                [usize::from(*priority == Priority::Normal)] += 1;
                        }
                    }
                }
            }
            other => panic!("unknown label {other}: {text}"),
        }
        if !wrong.is_empty() {
            row.wrong.push(format!(
                "{code} {label} [{}] ({}): {text}",
                wrong.join(", "),
                decision.rule
            ));
        }
    }
    rows
}

/// The table, then the messages it gets wrong when `list_misses`.
pub(crate) fn print(name: &str, rows: &[Row], list_misses: bool) {
    println!("\n{name}");
    println!("lang | msgs | other language (named wrongly from the text; from the number; no word to tell) | problems -> ticket | non-problems -> details | emergencies -> urgent | other problems made urgent | tickets urgent/high/normal");
    println!("---|---|---|---|---|---|---|---");
    for r in rows {
        println!(
            "{} | {} | {} ({:.1}%) ({}; {}; {}) | {}/{} ({:.1}%) | {}/{} ({:.1}%) | {}/{} | {} | {}/{}/{}",
            r.code,
            r.messages,
            r.other_language,
            r.other_language_rate(),
            r.named_wrong,
            r.number_wrong,
            r.other_language_no_evidence,
            r.problems_ticketed,
            r.problems,
            r.ticket_rate(),
            r.contentless_asked,
            r.contentless,
            r.details_rate(),
            r.emergencies_urgent,
            r.emergencies,
            r.non_emergencies_urgent,
            r.priorities[0],
            r.priorities[1],
            r.priorities[2],
        );
    }
    if !list_misses {
        let n: usize = rows.iter().map(|r| r.wrong.len()).sum();
        println!("  ({n} misses not listed: TRIAGE_LIST_UNSEEN=1 lists them)");
        profile::print(rows);
        return;
    }
    for r in rows {
        for w in &r.wrong {
            println!("  wrong: {w}");
        }
    }
}

/// The targets, on the sets never tuned on: at least 97% of problem messages become
/// tickets and 95% of contentless ones get the details request, in every language; every
/// emergency is urgent; at most 1% answered in a language named wrongly.
#[test]
fn accuracy_triage_meets_the_targets_on_sets_never_tuned_on() {
    let l = languages(&[]);
    for (name, set) in [("independent", INDEPENDENT), ("held out", HELD_OUT)] {
        let rows = measure(set, &l);
        assert_eq!(rows.len(), 7, "{name}: every shipped language");
        for r in &rows {
            assert!(r.problems >= 40 && r.contentless >= 7, "{name} {}", r.code);
            assert!(r.ticket_rate() >= 97.0, "{name} {}: {:?}", r.code, r.wrong);
            assert!(r.details_rate() >= 95.0, "{name} {}: {:?}", r.code, r.wrong);
            assert_eq!(r.emergencies_urgent, r.emergencies, "{name} {}", r.code);
            assert!(
                r.named_wrong * 100 <= r.messages,
                "{name} {}: {:?}",
                r.code,
                r.wrong
            );
        }
    }
}

/// Set A of the writer who never saw the rules (the rules were tuned on it, so this guards what
/// tuning won, it does not measure it): the triage targets in every language, every emergency
/// urgent, no language named wrongly from the text, and at most one message per language
/// answered in another language (a customer abroad greeting in a word several languages
/// share: `hallo 😊` from a British number).
///
/// Set B (tuned on by the third pass) likewise, and no message answered in another language.
///
/// Set C (the third writer's, tuned on by the fourth pass) likewise: the triage targets and
/// every emergency urgent in every language, no language named wrongly from the text, and at
/// most one message per language answered in another language (`ok ok` from a Belgian number:
/// no word of any language, and +32 names no language on its own).
#[test]
fn accuracy_triage_keeps_what_was_tuned_on_the_other_writers_set_a() {
    let l = languages(&[]);
    let rows = measure(UNSEEN_C, &l);
    assert_eq!(rows.len(), 7, "C: every shipped language");
    for r in &rows {
        assert!(r.ticket_rate() >= 97.0, "C {}: {:?}", r.code, r.wrong);
        assert!(r.details_rate() >= 95.0, "C {}: {:?}", r.code, r.wrong);
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "C {}: {:?}",
            r.code, r.wrong
        );
        assert_eq!(r.named_wrong, 0, "C {}: {:?}", r.code, r.wrong);
        assert!(r.other_language <= 1, "C {}: {:?}", r.code, r.wrong);
    }
    for r in &measure(UNSEEN_B, &l) {
        assert!(r.ticket_rate() >= 97.0, "B {}: {:?}", r.code, r.wrong);
        assert!(r.details_rate() >= 95.0, "B {}: {:?}", r.code, r.wrong);
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "B {}: {:?}",
            r.code, r.wrong
        );
        assert_eq!(r.other_language, 0, "B {}: {:?}", r.code, r.wrong);
    }
    let rows = measure(UNSEEN_A, &l);
    assert_eq!(rows.len(), 7);
    for r in &rows {
        assert!(r.ticket_rate() >= 97.0, "{}: {:?}", r.code, r.wrong);
        assert!(r.details_rate() >= 95.0, "{}: {:?}", r.code, r.wrong);
        assert_eq!(
            r.emergencies_urgent, r.emergencies,
            "{}: {:?}",
            r.code, r.wrong
        );
        assert_eq!(r.named_wrong, 0, "{}: {:?}", r.code, r.wrong);
        assert!(r.other_language <= 1, "{}: {:?}", r.code, r.wrong);
    }
}

#[test]
fn accuracy_triage_report() {
    let list_unseen = std::env::var("TRIAGE_LIST_UNSEEN").is_ok_and(|v| v == "1");
    for (mode, vars) in [
        ("default", &[][..]),
        ("TRIAGE_MODE=guide", &[("TRIAGE_MODE", "guide")][..]),
    ] {
        let l = languages(vars);
        for (name, set) in [
            ("independent (labelled)", INDEPENDENT),
            ("held out", HELD_OUT),
            ("tuning", TUNING),
            ("stress (written after the rules, not tuned on)", STRESS),
            ("unseen A (another writer, tuned on)", UNSEEN_A),
            (
                "unseen B (another writer, tuned on by the third pass)",
                UNSEEN_B,
            ),
            (
                "unseen C (a third writer, tuned on by the fourth pass)",
                UNSEEN_C,
            ),
        ] {
            let rows = measure(set, &l);
            print(&format!("{mode}: {name}"), &rows, true);
            if mode == "default" && set == UNSEEN_C {
                println!("  issue targets: {}", targets_met(&rows).join("; "));
            }
        }
        if NEVER_TUNED.is_empty() {
            println!("\n{mode}: no set is waiting untuned (NEVER_TUNED is empty)");
        }
        // The sets nobody tuned on: their misses stay hidden unless asked for.
        for (name, set) in NEVER_TUNED {
            let rows = measure(set, &l);
            print(
                &format!("{mode}: {name} (never tuned on)"),
                &rows,
                list_unseen,
            );
            if mode == "default" {
                println!("  issue targets: {}", targets_met(&rows).join("; "));
            }
        }
    }
}

/// Measures any set in the same form (`TRIAGE_SET=path/to/set.tsv`), its misses listed: a new
/// set is measured before it is added, and a rule change is tried on lines written for it.
/// Without the variable it does nothing.
#[test]
fn accuracy_triage_of_a_file() {
    let Ok(path) = std::env::var("TRIAGE_SET") else {
        return;
    };
    let set = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows = measure(&set, &languages(&[]));
    print(&path, &rows, true);
    println!("  issue targets: {}", targets_met(&rows).join("; "));
}

/// The targets on one set, in words (reported, not asserted: a set nobody tuned on is
/// a measurement, and a miss there is a finding, not a broken build).
pub(crate) fn targets_met(rows: &[Row]) -> Vec<String> {
    let all = |f: &dyn Fn(&Row) -> bool| {
        let missed: Vec<&str> = rows
            .iter()
            .filter(|r| !f(r))
            .map(|r| r.code.as_str())
            .collect();
        if missed.is_empty() {
            "met".to_string()
        } else {
            format!("not met in {}", missed.join(", "))
        }
    };
    let messages: usize = rows.iter().map(|r| r.messages).sum();
    let other: usize = rows.iter().map(|r| r.other_language).sum();
    vec![
        format!(
            "problems -> ticket >= 97%: {}",
            all(&|r| r.ticket_rate() >= 97.0)
        ),
        format!(
            "non-problems -> details >= 95%: {}",
            all(&|r| r.details_rate() >= 95.0)
        ),
        format!(
            "emergencies urgent: {}",
            all(&|r| r.emergencies_urgent == r.emergencies)
        ),
        format!(
            "answered in another language <= 1%: {} ({other} of {messages} in all)",
            all(&|r| r.other_language * 100 <= r.messages)
        ),
    ]
}

/// The per-message cost, natively: `cargo test --release --lib accuracy_triage_cpu --
/// --ignored --nocapture`. Times the language choice and the decision for every message of
/// every set, and building the languages (once per isolate, `env_config`).
#[test]
#[ignore = "a measurement: run with --release"]
fn accuracy_triage_cpu_cost() {
    use std::time::Instant;
    let texts: Vec<&str> = [INDEPENDENT, HELD_OUT, TUNING, UNSEEN_A, UNSEEN_B, UNSEEN_C]
        .iter()
        .chain(NEVER_TUNED.iter().map(|(_, set)| set))
        .flat_map(|s| samples(s))
        .map(|s| s.text)
        .collect();
    let started = Instant::now();
    let l = languages(&[]);
    let build = started.elapsed();
    let guide = languages(&[("TRIAGE_MODE", "guide")]);
    for (name, l) in [("default", &l), ("guide", &guide)] {
        let rounds = 20;
        let started = Instant::now();
        let mut tickets = 0;
        for _ in 0..rounds {
            for t in &texts {
                let c = l.choose(t, None);
                if matches!(
                    l.get(Some(&c.code)).triage.triage(t),
                    Triage::Accepted { .. }
                ) {
                    tickets += 1;
                }
            }
        }
        let per = started.elapsed() / (rounds * texts.len() as u32);
        println!("{name}: {per:?} per message (language + triage), {tickets} tickets");
    }
    println!("building the languages and lexicon: {build:?}");
}

/// A set added to `NEVER_TUNED` must be a full measurement: every shipped language, at least
/// 40 problem and 20 non-problem messages in each (the point 4), labels known.
#[test]
fn accuracy_never_tuned_sets_are_complete() {
    let l = languages(&[]);
    for (name, set) in NEVER_TUNED {
        let rows = measure(set, &l);
        assert_eq!(rows.len(), 7, "{name}: every shipped language");
        for r in &rows {
            assert!(r.problems >= 40 && r.contentless >= 20, "{name} {}", r.code);
        }
    }
    // The targets in words, as the report prints them: set A meets the triage targets (one
    // message per language answered in another language is above 1% of 70).
    let rows = measure(UNSEEN_A, &l);
    let targets = targets_met(&rows);
    assert!(
        targets[..3].iter().all(|t| t.ends_with(": met")),
        "{targets:?}"
    );
    assert!(targets[3].contains("not met in pt, de, it"), "{targets:?}");
}

/// A first message that is only a word several languages share, drawn out, or spelt the way one
/// language's writers spell it, is answered in the sender's country's language (`okk`, `tes`,
/// `test`, `oki`, `top`), and a Swiss or francophone spelling tells its language (`vielmal`,
/// `aleykoum`).
#[test]
fn shared_or_drawn_out_greetings_take_the_numbers_language() {
    let l = languages(&[]);
    for (text, number, code) in [
        ("okkk", "+34", "es"),
        ("okk 👍", "+39", "it"),
        ("tes tes", "+62", "id"),
        ("merci vielmals", "+41", "de"),
        ("salam aleykoum", "+221", "fr"),
        ("salam kak", "+62", "id"),
        // Fourth pass (set C): `test` is English and German too, `oki` Spanish and Portuguese
        // too, `top` Italian too: the number decides among them.
        ("test", "+44", "en"),
        ("test test 123", "+49", "de"),
        ("oki", "+52", "es"),
        ("oki", "+55", "pt"),
        ("top", "+39", "it"),
    ] {
        let chosen = l.choose_for(text, None, Some(number));
        assert_eq!(chosen.code, code, "{text} from {number}: {chosen:?}");
    }
}

#[path = "accuracy_profile.rs"]
mod profile;

#[cfg(test)]
#[path = "accuracy_probes.rs"]
mod probes;
