//! The statistical method issue 24 suggests, measured and not shipped (docs/triage.md, "A
//! classifier for long small talk"): a linear model (logistic regression) over words, word
//! pairs, letter 4-grams, faces, what the lists know each word as, and the words of the
//! statements that say nothing good, trained on the project's labelled sets. It scores only
//! the messages the rules would ticket for their unknown words alone (rule 6, `content`) that
//! ask, count and frown at nothing: long small talk the rules cannot read ("the breakfast
//! buffet was incredible, my husband is still talking about it"), and problems told without a
//! listed word ("the blue jumper came in green").
//!
//! `cargo test --lib classifier_experiment -- --ignored --nocapture` reports, per threshold,
//! how much of that small talk it would ask for details and how many of those problems it
//! would wrongly ask too, cross-validated two ways: each fifth by a model trained on the other
//! four, and each set by a model trained on all the others (a set is one writer's, and a
//! writer repeats their turns of phrase: the second is the honest figure). The sets nobody
//! tuned on (`NEVER_TUNED`) are never read here.

use super::accuracy::{languages, samples, Sample, NEVER_TUNED};
use super::asides::{calm, statements, Statement, UNHAPPY};
use super::lexicon::{Lexicon, Matcher};
use super::problems::read;
use super::Decision;
use crate::core::text::words;

/// Buckets the features are hashed into (a power of two: the hash is masked).
const BUCKETS: usize = 1 << 13;
/// Letters per letter n-gram: shared by a word's inflections and misspellings.
const GRAM: usize = 4;
/// The best of the settings tried (fewer passes catch less small talk; a faster rate asks
/// more problems at every threshold).
const EPOCHS: usize = 80;
const RATE: f32 = 0.5;
const DECAY: f32 = 1e-5;
/// A problem asked for details costs more than small talk ticketed.
const PROBLEM_WEIGHT: f32 = 3.0;
const THRESHOLDS: [f32; 6] = [0.5, 0.8, 0.9, 0.95, 0.97, 0.99];

/// FNV-1a, 32 bits: stable across builds and targets.
fn hash(tag: u8, parts: &[&str]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    let mut eat = |b: u8| {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    };
    eat(tag);
    for p in parts {
        eat(b' ');
        p.bytes().for_each(&mut eat);
    }
    h as usize & (BUCKETS - 1)
}

/// A word's letter n-grams with its edges (`^gra`, `cia$`); none for a short word.
fn grams(w: &str) -> Vec<String> {
    let padded: Vec<char> = std::iter::once('^')
        .chain(w.chars())
        .chain(std::iter::once('$'))
        .collect();
    if padded.len() <= GRAM + 1 {
        return Vec::new();
    }
    padded.windows(GRAM).map(|g| g.iter().collect()).collect()
}

/// The buckets of a message's features.
fn features(lex: &Lexicon, folded: &str, words: &[&str], said: &[Statement]) -> Vec<usize> {
    let kinds: [(&str, &Matcher); 8] = [
        ("praise", &lex.praise),
        ("thanks", &lex.thanks),
        ("wish", &lex.wishes),
        ("recipient", &lex.recipients),
        ("object", &lex.objects),
        ("pleasantry", &lex.pleasantry),
        ("quick", &lex.quick),
        ("trouble", &lex.trouble),
    ];
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        out.push(hash(b'w', &[w]));
        if i > 0 {
            out.push(hash(b'b', &[words[i - 1], w]));
        }
        out.extend(grams(w).iter().map(|g| hash(b'g', &[g])));
        for (kind, m) in &kinds {
            if m.at_inflected(words, i).is_some() {
                out.push(hash(b'k', &[kind]));
            }
        }
    }
    // The statements that say nothing good, and their words again, marked: what a story is
    // about.
    let plain: Vec<&Statement> = said
        .iter()
        .filter(|s| !s.good && !s.content.is_empty())
        .collect();
    let good = said.iter().filter(|s| s.good).count();
    out.push(hash(b'n', &[&plain.len().min(3).to_string()]));
    out.push(hash(b'p', &[&good.min(3).to_string()]));
    for w in plain.iter().flat_map(|s| s.content.iter()) {
        out.push(hash(b'u', &[w]));
        out.extend(grams(w).iter().map(|g| hash(b'v', &[g])));
    }
    let mut seen = String::new();
    for c in folded.chars().filter(|c| {
        !(c.is_alphanumeric() || c.is_whitespace() || matches!(c, ',' | '.' | '\'' | '-'))
    }) {
        if !seen.contains(c) {
            seen.push(c);
            out.push(hash(b'e', &[&c.to_string()]));
        }
    }
    out
}

/// Every labelled triage set but the never-tuned ones, in name order.
fn training_sets() -> Vec<std::path::PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("tests/data")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("triage-")
                && name.ends_with(".tsv")
                && !["unseen-d", "unseen-e", "unseen-g", "unseen-h"]
                    .iter()
                    .any(|u| name.contains(u))
        })
        .collect();
    paths.sort();
    paths
}

/// One message scored: its features, whether it is small talk, which set it came from.
struct Example {
    buckets: Vec<usize>,
    small_talk: bool,
    set: usize,
}

/// The messages of every labelled set but the never-tuned ones that the rules ticket for
/// unknown words alone and that ask, count and frown at nothing (`scored`).
fn examples() -> Vec<Example> {
    let paths = training_sets();
    let mut out = Vec::new();
    for (set, path) in paths.iter().enumerate() {
        out.extend(scored(&std::fs::read_to_string(path).expect("set"), set));
    }
    out
}

/// Reads each labelled message of a set as a first message is read (its language chosen from
/// the text and the number) and hands those whose decision `keep` accepts to `each`, with
/// their rules' lexicon, folded text and words.
fn read_set(
    text: &str,
    keep: impl Fn(&Decision) -> bool,
    mut each: impl FnMut(&Sample, &Lexicon, &str, &[&str]),
) {
    let l = languages(&[]);
    for s in samples(text) {
        let rules = &l
            .get(Some(&l.choose_for(s.text, None, s.calling_code).code))
            .triage;
        if !keep(&rules.decide(s.text)) {
            continue;
        }
        let folded = read(&rules.lexicon, s.text);
        let all: Vec<&str> = words(&folded).collect();
        each(&s, &rules.lexicon, &folded, &all);
    }
}

/// The messages of one set the model would score.
fn scored(text: &str, set: usize) -> Vec<Example> {
    let mut out = Vec::new();
    let content = |d: &Decision| d.rule.starts_with("content (");
    read_set(text, content, |s, lex, folded, all| {
        let counts = all
            .iter()
            .any(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_digit()));
        if counts || folded.contains(UNHAPPY) || folded.contains(['?', '€', '$', '£']) {
            return;
        }
        let mut said = Vec::new();
        if statements(lex, all, folded, s.text.trim(), |s| {
            said.push(s);
            true
        }) {
            out.push(Example {
                buckets: features(lex, folded, all, &said),
                small_talk: s.label == "details",
                set,
            });
        }
    });
    out
}

/// A fixed shuffle (a linear congruential sequence), so every run is the same.
fn order(n: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        idx.swap(i, (state >> 33) as usize % (i + 1));
    }
    idx
}

/// The logit of a message: the bias and the mean weight, scaled by the square root of the
/// feature count (a long message is not surer for being long).
fn logit(weights: &[f32], bias: f32, e: &Example) -> f32 {
    let sum: f32 = e.buckets.iter().map(|&b| weights[b]).sum();
    bias + sum / (e.buckets.len().max(1) as f32).sqrt()
}

/// Logistic regression by AdaGrad with L2 decay.
fn train(examples: &[&Example]) -> (Vec<f32>, f32) {
    let (mut weights, mut bias) = (vec![0.0f32; BUCKETS], 0.0f32);
    let (mut g2, mut b2) = (vec![1e-6f32; BUCKETS], 1e-6f32);
    for epoch in 0..EPOCHS {
        for i in order(examples.len(), epoch as u64 + 7) {
            let e = examples[i];
            let p = 1.0 / (1.0 + (-logit(&weights, bias, e)).exp());
            let (y, cost) = if e.small_talk {
                (1.0, 1.0)
            } else {
                (0.0, PROBLEM_WEIGHT)
            };
            let g = (p - y) * cost;
            let norm = (e.buckets.len().max(1) as f32).sqrt();
            for &b in &e.buckets {
                let grad = g / norm + DECAY * weights[b];
                g2[b] += grad * grad;
                weights[b] -= RATE * grad / g2[b].sqrt();
            }
            b2 += g * g;
            bias -= RATE * g / b2.sqrt();
        }
    }
    (weights, bias)
}

/// Each example's probability from a model that never saw its group.
fn held_out(all: &[Example], group: impl Fn(usize) -> usize, groups: usize) -> Vec<f32> {
    let mut p = vec![0.0f32; all.len()];
    for k in 0..groups {
        let learn: Vec<&Example> = (0..all.len())
            .filter(|&i| group(i) != k)
            .map(|i| &all[i])
            .collect();
        if learn.len() == all.len() {
            continue;
        }
        let (weights, bias) = train(&learn);
        for i in (0..all.len()).filter(|&i| group(i) == k) {
            p[i] = 1.0 / (1.0 + (-logit(&weights, bias, &all[i])).exp());
        }
    }
    p
}

#[test]
#[ignore = "an experiment's report: cargo test --lib classifier_experiment -- --ignored"]
fn classifier_experiment() {
    let all = examples();
    let small = all.iter().filter(|e| e.small_talk).count();
    let problems = all.len() - small;
    println!("scored: {small} small talk, {problems} problems");
    let shuffled = order(all.len(), 99);
    let sets = all.iter().map(|e| e.set + 1).max().unwrap_or(0);
    for (name, p) in [
        ("each fifth", held_out(&all, |i| shuffled[i] % 5, 5)),
        ("each set", held_out(&all, |i| all[i].set, sets)),
    ] {
        println!("\n{name} by the others: threshold | small talk asked | problems asked");
        for t in THRESHOLDS {
            let asked = |talk: bool| {
                (0..all.len())
                    .filter(|&i| all[i].small_talk == talk && p[i] >= t)
                    .count()
            };
            let (a, b) = (asked(true), asked(false));
            println!(
                "{t:.2} | {a}/{small} ({:.1}%) | {b}/{problems} ({:.2}%)",
                100.0 * a as f64 / small.max(1) as f64,
                100.0 * b as f64 / problems.max(1) as f64
            );
        }
    }
    // Trained on all, then tried on the sets nobody tuned on: figures only.
    let (weights, bias) = train(&all.iter().collect::<Vec<_>>());
    for (name, set) in NEVER_TUNED {
        let untuned = scored(set, 0);
        let p: Vec<f32> = untuned
            .iter()
            .map(|e| 1.0 / (1.0 + (-logit(&weights, bias, e)).exp()))
            .collect();
        let count = |talk: bool, t: f32| {
            (0..untuned.len())
                .filter(|&i| untuned[i].small_talk == talk && p[i] >= t)
                .count()
        };
        let total = |talk: bool| untuned.iter().filter(|e| e.small_talk == talk).count();
        let at: Vec<String> = THRESHOLDS
            .iter()
            .map(|&t| format!("{t:.2}: {}, {}", count(true, t), count(false, t)))
            .collect();
        println!(
            "{name} (never tuned on), of {} small talk and {} problems scored, asked: {}",
            total(true),
            total(false),
            at.join(" | ")
        );
    }
    assert!(small > 0 && problems > 0, "nothing to learn from");
}

/// A message read statement by statement: the features of each statement that says nothing
/// good (the only ones scored), and how many say something good.
struct Told {
    plain: Vec<Vec<usize>>,
    good: usize,
    small_talk: bool,
    set: usize,
}

/// The features of one statement: its content words, their pairs and 4-grams, what the lists
/// know them as.
fn statement_features(lex: &Lexicon, content: &[&str]) -> Vec<usize> {
    let mut out = vec![hash(b'n', &[&content.len().min(8).to_string()])];
    for (i, w) in content.iter().enumerate() {
        out.push(hash(b'w', &[w]));
        if i > 0 {
            out.push(hash(b'b', &[content[i - 1], w]));
        }
        out.extend(grams(w).iter().map(|g| hash(b'g', &[g])));
        for (kind, m) in [
            ("praise", &lex.praise),
            ("object", &lex.objects),
            ("trouble", &lex.trouble),
            ("quick", &lex.quick),
        ] {
            if m.at_inflected(content, i).is_some() {
                out.push(hash(b'k', &[kind]));
            }
        }
    }
    out
}

/// The messages of one set that are tickets only for statements without good news: calm word
/// by word (`calm`), asking nothing, and with a statement `small_talk` could not place.
fn told(text: &str, set: usize) -> Vec<Told> {
    let mut out = Vec::new();
    let ticket = |d: &Decision| matches!(d.triage, super::Triage::Accepted { .. });
    read_set(text, ticket, |s, lex, folded, all| {
        // The words left once pleasantry phrases are taken out, as `problems::decide` keeps them.
        let mut kept = Vec::new();
        let mut i = 0;
        while i < all.len() {
            match lex.pleasantry.at(all, i) {
                Some((_, n)) if n > 1 => i += n,
                _ => {
                    kept.push(all[i]);
                    i += 1;
                }
            }
        }
        if !calm(lex, &kept, folded) {
            return;
        }
        let (mut plain, mut good) = (Vec::new(), 0);
        let asks_nothing = statements(lex, all, folded, s.text.trim(), |st| {
            if st.good {
                good += 1;
            } else if !st.content.is_empty() {
                plain.push(statement_features(lex, &st.content));
            }
            true
        });
        if asks_nothing && !plain.is_empty() {
            out.push(Told {
                plain,
                good,
                small_talk: s.label == "details",
                set,
            });
        }
    });
    out
}

#[test]
#[ignore = "an experiment's report: cargo test --lib classifier_experiment -- --ignored"]
fn classifier_experiment_statement_by_statement() {
    let paths = training_sets();
    let all: Vec<Told> = paths
        .iter()
        .enumerate()
        .flat_map(|(k, p)| told(&std::fs::read_to_string(p).expect("set"), k))
        .collect();
    let small = all.iter().filter(|t| t.small_talk).count();
    let problems = all.len() - small;
    println!("messages read statement by statement: {small} small talk, {problems} problems");
    let sets = all.iter().map(|t| t.set + 1).max().unwrap_or(0);
    // Each set's statements scored by a model trained on the other sets' statements.
    let mut p: Vec<Vec<f32>> = all.iter().map(|t| vec![0.0; t.plain.len()]).collect();
    for k in 0..sets {
        let learn: Vec<Example> = all
            .iter()
            .filter(|t| t.set != k)
            .flat_map(|t| {
                t.plain.iter().map(|b| Example {
                    buckets: b.clone(),
                    small_talk: t.small_talk,
                    set: t.set,
                })
            })
            .collect();
        if all.iter().all(|t| t.set != k) {
            continue;
        }
        let (weights, bias) = train(&learn.iter().collect::<Vec<_>>());
        for (i, t) in all.iter().enumerate().filter(|(_, t)| t.set == k) {
            for (j, b) in t.plain.iter().enumerate() {
                let e = Example {
                    buckets: b.clone(),
                    small_talk: t.small_talk,
                    set: k,
                };
                p[i][j] = 1.0 / (1.0 + (-logit(&weights, bias, &e)).exp());
            }
        }
    }
    for need_good in [false, true] {
        println!(
            "\neach set by the others{}: threshold | small talk asked | problems asked",
            if need_good {
                ", a good statement required"
            } else {
                ""
            }
        );
        for t in THRESHOLDS {
            let asked = |talk: bool| {
                (0..all.len())
                    .filter(|&i| {
                        all[i].small_talk == talk
                            && (!need_good || all[i].good > 0)
                            && p[i].iter().all(|x| *x >= t)
                    })
                    .count()
            };
            let (a, b) = (asked(true), asked(false));
            println!(
                "{t:.2} | {a}/{small} ({:.1}%) | {b}/{problems} ({:.2}%)",
                100.0 * a as f64 / small.max(1) as f64,
                100.0 * b as f64 / problems.max(1) as f64
            );
        }
    }
}
