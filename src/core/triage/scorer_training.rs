//! How the small-talk scorer's weights are made, and checked: a logistic regression trained
//! offline (here, natively) on the project's labelled sets. The sets kept untuned
//! (`accuracy::NEVER_TUNED`) are never read. Training is deterministic (a fixed order, a fixed
//! shuffle), so anyone can make `scorer.weights` again:
//! `cargo test --release --lib train_the_small_talk_scorer -- --ignored --nocapture`.

use super::accuracy::samples;
use super::scorer::{features, Model, BITS, LEVELS};
use crate::core::text::{fold_accents, words};

/// The training sets: every labelled set of the project but the untuned ones.
pub(crate) const TRAINING: &[(&str, &str)] = &[
    (
        "tuning",
        include_str!("../../../tests/data/triage-tuning.tsv"),
    ),
    (
        "heldout",
        include_str!("../../../tests/data/triage-heldout.tsv"),
    ),
    (
        "independent",
        include_str!("../../../tests/data/triage-labels-independent.tsv"),
    ),
    (
        "stress",
        include_str!("../../../tests/data/triage-stress.tsv"),
    ),
    (
        "unseen A",
        include_str!("../../../tests/data/triage-unseen-a.tsv"),
    ),
    (
        "unseen B",
        include_str!("../../../tests/data/triage-unseen-b.tsv"),
    ),
    (
        "unseen C",
        include_str!("../../../tests/data/triage-unseen-c.tsv"),
    ),
    (
        "after pleasantries",
        include_str!("../../../tests/data/triage-probe-after-pleasantries.tsv"),
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
        "details f",
        include_str!("../../../tests/data/triage-probe-details-f.tsv"),
    ),
    (
        "details h",
        include_str!("../../../tests/data/triage-probe-details-h.tsv"),
    ),
    (
        "details i",
        include_str!("../../../tests/data/triage-probe-details-i.tsv"),
    ),
    (
        "details j",
        include_str!("../../../tests/data/triage-probe-details-j.tsv"),
    ),
    (
        "details k",
        include_str!("../../../tests/data/triage-probe-details-k.tsv"),
    ),
    (
        "details l",
        include_str!("../../../tests/data/triage-probe-details-l.tsv"),
    ),
    (
        "details m",
        include_str!("../../../tests/data/triage-probe-details-m.tsv"),
    ),
    (
        "emergencies",
        include_str!("../../../tests/data/triage-probe-emergencies.tsv"),
    ),
    (
        "emergencies 2",
        include_str!("../../../tests/data/triage-probe-emergencies-2.tsv"),
    ),
    (
        "emergencies f",
        include_str!("../../../tests/data/triage-probe-emergencies-f.tsv"),
    ),
    (
        "emergencies h",
        include_str!("../../../tests/data/triage-probe-emergencies-h.tsv"),
    ),
    (
        "language abroad",
        include_str!("../../../tests/data/triage-probe-language-abroad.tsv"),
    ),
    (
        "review settled",
        include_str!("../../../tests/data/triage-probe-review-settled.tsv"),
    ),
    (
        "review emergencies",
        include_str!("../../../tests/data/triage-probe-review-emergencies.tsv"),
    ),
    (
        "review emergencies 2",
        include_str!("../../../tests/data/triage-probe-review-emergencies-2.tsv"),
    ),
];

const EPOCHS: usize = 12;
const LEARNING_RATE: f32 = 0.2;
/// L2 penalty per update: keeps rare words' weights small (a word seen once says little).
const L2: f32 = 1e-3;
/// The messages the scorer will read (long, no question, no number) weigh this many times the
/// others: they are the ones it decides; the others still teach it greetings and problem words.
const READABLE_WEIGHT: f32 = 3.0;

/// One message: its feature buckets and whether it is a problem.
pub(crate) struct Example {
    pub buckets: Vec<u32>,
    pub problem: bool,
    /// Whether the scorer would read it at all (`scorer::may_read`).
    pub readable: bool,
}

pub(crate) fn examples(set: &str) -> Vec<Example> {
    samples(set)
        .map(|s| {
            let folded = fold_accents(s.text.trim());
            let all: Vec<&str> = words(&folded).collect();
            let mut buckets = Vec::new();
            features(&all, s.text, |b| buckets.push(b));
            Example {
                buckets,
                problem: s.label != "details",
                readable: super::scorer::may_read(&all, s.text.trim()),
            }
        })
        .collect()
}

/// Logistic regression by AdaGrad; returns the weights and the bias.
pub(crate) fn train(examples: &[&Example]) -> (Vec<f32>, f32) {
    let n = 1usize << BITS;
    let (mut w, mut g2) = (vec![0f32; n], vec![1e-6f32; n]);
    let (mut bias, mut bias_g2) = (0f32, 1e-6f32);
    // Problems outnumber non-problems: each class weighs half of the loss.
    let problems = examples.iter().filter(|e| e.problem).count().max(1) as f32;
    let others = (examples.len() as f32 - problems).max(1.0);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed = 0x2545_f491_u64;
    for _ in 0..EPOCHS {
        // Fisher-Yates with a fixed linear congruential generator: the same order everywhere.
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        for &i in &order {
            let e = examples[i];
            let z = bias + e.buckets.iter().map(|&b| w[b as usize]).sum::<f32>();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if e.problem { 1.0 } else { 0.0 };
            let weight = if e.problem {
                0.5 * examples.len() as f32 / problems
            } else {
                0.5 * examples.len() as f32 / others
            };
            let grad = (p - y) * weight * if e.readable { READABLE_WEIGHT } else { 1.0 };
            for &b in &e.buckets {
                let b = b as usize;
                let g = grad + L2 * w[b];
                g2[b] += g * g;
                w[b] -= LEARNING_RATE * g / g2[b].sqrt();
            }
            bias_g2 += grad * grad;
            bias -= LEARNING_RATE * grad / bias_g2.sqrt();
        }
    }
    (w, bias)
}

/// The weights as stored: the scale (the largest weight is the largest level), and each weight
/// as the index of its nearest level, two to a byte.
pub(crate) fn quantize(w: &[f32], bias: f32) -> Vec<u8> {
    let top = f32::from(LEVELS[7]);
    let max = w.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
    let scale = max / top;
    let nearest = |x: f32| -> u8 {
        let units = x / scale;
        (0u8..16)
            .min_by(|a, b| {
                let d = |i: u8| (f32::from(LEVELS[usize::from(i)]) - units).abs();
                d(*a).total_cmp(&d(*b))
            })
            .unwrap_or(0)
    };
    let mut out = Vec::with_capacity(13 + w.len() / 2);
    out.extend_from_slice(b"WZS2");
    out.push(BITS as u8);
    out.extend_from_slice(&scale.to_le_bytes());
    out.extend_from_slice(&bias.to_le_bytes());
    out.extend(
        w.chunks(2)
            .map(|pair| nearest(pair[0]) | nearest(pair[1]) << 4),
    );
    out
}

fn trained_weights() -> Vec<u8> {
    let sets: Vec<Vec<Example>> = TRAINING.iter().map(|(_, s)| examples(s)).collect();
    let all: Vec<&Example> = sets.iter().flatten().collect();
    let (w, bias) = train(&all);
    quantize(&w, bias)
}

/// Makes `scorer.weights` again from the training sets.
#[test]
#[ignore = "writes src/core/triage/scorer.weights; run it after changing the sets or the features"]
fn train_the_small_talk_scorer() {
    let bytes = trained_weights();
    std::fs::write("src/core/triage/scorer.weights", &bytes).unwrap();
    let m = Model::read(&bytes).unwrap();
    let nonzero = (0..1u32 << BITS).filter(|b| m.weight(*b) != 0).count();
    println!("{} buckets, {nonzero} not zero", 1 << BITS);
}

/// The shipped weights are the ones the training makes (to a level: floating point may differ
/// in its last bit between machines, and a weight on the edge between two levels may fall on
/// either).
#[test]
fn the_shipped_weights_are_what_the_training_makes() {
    let shipped = Model::shipped().expect("scorer.weights has the expected layout");
    let fresh_bytes = trained_weights();
    let fresh = Model::read(&fresh_bytes).unwrap();
    assert!((shipped.bias - fresh.bias).abs() < 1e-3 && (shipped.scale - fresh.scale).abs() < 1e-5);
    let rank = |w: i8| LEVELS.iter().filter(|l| **l < w).count() as i32;
    let off = (0..1u32 << BITS)
        .filter(|b| (rank(shipped.weight(*b)) - rank(fresh.weight(*b))).abs() > 1)
        .count();
    assert_eq!(
        off, 0,
        "buckets more than a level apart: retrain (see the module's doc)"
    );
}

/// Each training set left out in turn: trained on the others, how its messages that the rules
/// make tickets score, by the rule that made them one. Prints, per threshold, the problems that
/// would cross it (asked for details: the worst outcome) and the non-problems that would.
#[test]
#[ignore = "a report: cargo test --release --lib scorer_left_out_sets -- --ignored --nocapture"]
fn scorer_left_out_sets() {
    use super::accuracy::languages;
    use std::collections::BTreeMap;
    let l = languages(&[]);
    const T: [f32; 9] = [-1.0, -1.5, -2.0, -2.5, -3.0, -3.5, -4.0, -5.0, -6.0];
    let show: f32 = std::env::var("SHOW_BELOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(-2.0);
    let sets: Vec<Vec<Example>> = TRAINING.iter().map(|(_, s)| examples(s)).collect();
    // region -> (problems, non-problems, problems crossing, non-problems crossing)
    let mut by: BTreeMap<String, (usize, usize, [usize; 9], [usize; 9])> = BTreeMap::new();
    let mut crossing = Vec::new();
    for (k, (name, set)) in TRAINING.iter().enumerate() {
        let others: Vec<&Example> = sets
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .flat_map(|(_, s)| s.iter())
            .collect();
        let (w, b) = train(&others);
        let bytes = quantize(&w, b);
        let m = Model::read(&bytes).unwrap();
        for s in samples(set) {
            let chosen = l.choose_for(s.text, None, s.calling_code);
            let rules = &l.get(Some(&chosen.code)).triage;
            let d = super::problems::decide_with(rules, &rules.lexicon, s.text, None);
            let folded = fold_accents(s.text.trim());
            let all: Vec<&str> = words(&folded).collect();
            let region = d.rule.split([' ', ';']).next().unwrap_or("").to_string();
            let urgent = matches!(
                d.triage,
                super::Triage::Accepted {
                    priority: super::Priority::Urgent,
                    ..
                }
            );
            if !matches!(region.as_str(), "content" | "problem_word" | "negation")
                || urgent
                || !super::scorer::may_read(&all, s.text.trim())
            {
                continue;
            }
            let score = m.score(&all, s.text);
            let problem = s.label != "details";
            let e = by.entry(region.clone()).or_default();
            if problem {
                e.0 += 1
            } else {
                e.1 += 1
            }
            for (i, t) in T.iter().enumerate() {
                if score < *t {
                    if problem {
                        e.2[i] += 1
                    } else {
                        e.3[i] += 1
                    }
                }
            }
            if problem && score < show {
                crossing.push(format!(
                    "{region} {name} {} {} {score:.2}: {}",
                    s.code, s.label, s.text
                ));
            }
        }
    }
    for (region, (p, d, pc, dc)) in &by {
        println!("{region}: {p} problems, {d} non-problems read");
        for (i, t) in T.iter().enumerate() {
            println!("  below {t}: problems {}, non-problems {}", pc[i], dc[i]);
        }
    }
    for c in crossing {
        println!("{c}");
    }
}
