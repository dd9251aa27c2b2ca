//! The profile of a set's misses when its messages are not listed (a set nobody tuned on):
//! which rule made each non-problem a ticket, how long those messages are, and at what
//! priority the emergencies not made urgent stayed (or whether they were asked for details).
//! Figures only, never a message.

use super::Row;
use std::collections::BTreeMap;

/// A rule's name without what it matched: `problem_word "refund"` is `problem_word`, `content
/// (11 words beyond pleasantries)` is `content`.
pub(super) fn rule_name(rule: &str) -> String {
    rule.split([' ', '(', ';'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Lengths in words, as reported: short, medium, long.
const LENGTHS: [(usize, usize, &str); 3] = [
    (0, 5, "1-5 words"),
    (6, 15, "6-15 words"),
    (16, usize::MAX, "16 words or more"),
];

pub(super) fn print(rows: &[Row]) {
    let ticketed: Vec<&(String, usize)> = rows
        .iter()
        .flat_map(|r| r.ticketed_non_problems.iter())
        .collect();
    if !ticketed.is_empty() {
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for (rule, _) in &ticketed {
            *by_rule.entry(rule.as_str()).or_default() += 1;
        }
        let rules: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let lengths: Vec<String> = LENGTHS
            .iter()
            .map(|(from, to, name)| {
                let n = ticketed
                    .iter()
                    .filter(|(_, w)| (*from..=*to).contains(w))
                    .count();
                format!("{name} {n}")
            })
            .collect();
        println!(
            "  non-problems made tickets ({}): by rule {}; by length {}",
            ticketed.len(),
            rules.join(", "),
            lengths.join(", ")
        );
    }
    let missed: usize = rows
        .iter()
        .map(|r| r.emergencies - r.emergencies_urgent)
        .sum();
    let [high, normal] = rows.iter().fold([0, 0], |[h, n], r| {
        [
            h + r.emergencies_missed_at[0],
            n + r.emergencies_missed_at[1],
        ]
    });
    if missed > 0 {
        let asked = missed - high - normal;
        println!(
            "  emergencies not made urgent ({missed}): high {high}, normal {normal}, asked for details {asked}"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rule_is_named_without_what_it_matched() {
        assert_eq!(super::rule_name("problem_word \"refund\""), "problem_word");
        assert_eq!(
            super::rule_name("content (11 words beyond pleasantries)"),
            "content"
        );
        assert_eq!(
            super::rule_name("negation \"no\" before another word; urgent: emergency \"x\""),
            "negation"
        );
    }
}
