//! The ninth pass's emergency classes (`emergency_words/care.rs`, `care_guards.rs`, `lines.rs`,
//! `timed.rs`): their matchers, built once, and the readings they need beyond a word list (fear
//! said alone, a number of hours or minutes, a clock time, a line cut). `Emergency::find` reads
//! them.

use super::super::emergency_words::*;
use super::super::matcher::Matcher;
use super::Emergency;

/// The matchers of the ninth pass's classes (`emergency_words/care.rs`, `lines.rs`, `timed.rs`):
/// people who need care, a line cut, things that cannot wait past the hour.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Care {
    /// Every word that starts one of these classes: a message with none of them skips them.
    pub(super) trigger: Matcher,
    pub(super) swelling: Matcher,
    pub(super) body_part: Matcher,
    pub(super) formula: Matcher,
    pub(super) none_left: Matcher,
    pub(super) fear: Matcher,
    pub(super) threat: Matcher,
    pub(super) heatless: Matcher,
    pub(super) powerless: Matcher,
    pub(super) home: Matcher,
    pub(super) bill: Matcher,
    pub(super) parcel: Matcher,
    pub(super) breakdown: Matcher,
    pub(super) cant_reach: Matcher,
    pub(super) login: Matcher,
    pub(super) bank_account: Matcher,
    pub(super) stock: Matcher,
    pub(super) allergy: Matcher,
    pub(super) breaking_in: Matcher,
    pub(super) house_or_car: Matcher,
    pub(super) insurable: Matcher,
    pub(super) insurance: Matcher,
    pub(super) no_show: Matcher,
    pub(super) past_day: Matcher,
    pub(super) not_a_clock: Matcher,
    /// `TODAY_MORE`, read only without a later or past day.
    pub(super) today_more: Matcher,
    pub(super) our_till_dead: Matcher,
    pub(super) battery: Matcher,
    pub(super) not_soon: Matcher,
    pub(super) cancelled_in: Matcher,
    pub(super) vulnerable: Matcher,
    pub(super) stalled: Matcher,
    pub(super) vehicle: Matcher,
    pub(super) at_night: Matcher,
    pub(super) patients: Matcher,
    pub(super) phone_line: Matcher,
    pub(super) cut: Matcher,
    pub(super) sim_dead: Matcher,
    pub(super) exam: Matcher,
    pub(super) moving: Matcher,
    /// `TODAY` without tomorrow: a move or an exam tomorrow can wait for the queue.
    pub(super) today_only: Matcher,
    pub(super) later: Matcher,
    pub(super) soon_before: Matcher,
    pub(super) hour_units: Matcher,
    pub(super) minute_units: Matcher,
    pub(super) clock_before: Matcher,
}

impl Care {
    pub(super) fn shipped() -> Care {
        let mut care = Care::default();
        let c = &mut care;
        for (m, list) in [
            (&mut c.swelling, SWELLING),
            (&mut c.body_part, BODY_PART),
            (&mut c.formula, FORMULA),
            (&mut c.none_left, NONE_LEFT),
            (&mut c.fear, FEAR),
            (&mut c.threat, THREAT),
            (&mut c.heatless, HEATLESS),
            (&mut c.powerless, POWERLESS),
            (&mut c.home, HOME),
            (&mut c.bill, BILL),
            (&mut c.parcel, PARCEL),
            (&mut c.breakdown, BREAKDOWN),
            (&mut c.cant_reach, CANT_REACH),
            (&mut c.login, LOGIN),
            (&mut c.bank_account, BANK_ACCOUNT),
            (&mut c.stock, STOCK),
            (&mut c.allergy, ALLERGY),
            (&mut c.breaking_in, BREAKING_IN),
            (&mut c.house_or_car, HOUSE_OR_CAR),
            (&mut c.insurable, INSURABLE),
            (&mut c.insurance, INSURANCE),
            (&mut c.no_show, NO_SHOW),
            (&mut c.past_day, PAST_DAY),
            (&mut c.not_a_clock, NOT_A_CLOCK),
            (&mut c.today_more, TODAY_MORE),
            (&mut c.our_till_dead, OUR_TILL_DEAD),
            (&mut c.battery, BATTERY),
            (&mut c.not_soon, NOT_SOON),
            (&mut c.cancelled_in, CANCELLED_IN),
            (&mut c.vulnerable, VULNERABLE),
            (&mut c.stalled, STALLED),
            (&mut c.vehicle, VEHICLE),
            (&mut c.at_night, AT_NIGHT),
            (&mut c.patients, PATIENTS),
            (&mut c.phone_line, PHONE_LINE),
            (&mut c.cut, CUT),
            (&mut c.sim_dead, SIM_DEAD),
            (&mut c.exam, EXAM),
            (&mut c.moving, MOVING),
            (&mut c.later, LATER),
            (&mut c.soon_before, SOON_BEFORE),
            (&mut c.hour_units, HOUR_UNITS),
            (&mut c.minute_units, MINUTE_UNITS),
            (&mut c.clock_before, CLOCK_BEFORE),
        ] {
            m.add_list(list);
        }
        c.vulnerable.add_list(ELDERLY);
        for list in [TODAY, TODAY_MORE] {
            for entry in list.lines().filter(|w| !TOMORROW.lines().any(|t| t == *w)) {
                c.today_only.add(entry);
            }
        }
        for list in [
            SWELLING,
            FORMULA,
            FEAR,
            HEATLESS,
            POWERLESS,
            STALLED,
            AT_NIGHT,
            PATIENTS,
            SIM_DEAD,
            EXAM,
            MOVING,
            BREAKING_IN,
            INSURABLE,
            OUR_TILL_DEAD,
        ] {
            c.trigger.add_list(list);
        }
        care
    }
}

impl Emergency {
    /// Fear said alone: "j'ai peur" at the end or before another sentence, not "j'ai peur que
    /// le colis soit perdu" nor "peur de ..." (a worry about something).
    pub(super) fn afraid(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            let Some((_, n)) = self.care.fear.at(words, i) else {
                return false;
            };
            words.get(i + n).is_none_or(|next| {
                !(next.starts_with("qu")
                    || next.starts_with("d'")
                    || matches!(*next, "de" | "pour"))
            })
        })
    }

    /// A time within hours, by its number: "in 3 hrs", "en 4 horas", "em 1h", "daqui a 3
    /// horas", "tra 40 minuti", "1 jam lagi" (at most six hours or three hours of minutes).
    /// Only within about three words after one of `after` ("my flight leaves in 3 hrs").
    pub(super) fn soon_after(&self, words: &[&str], after: &[&Matcher]) -> bool {
        let c = &self.care;
        let ends: Vec<usize> = (0..words.len())
            .flat_map(|j| {
                after
                    .iter()
                    .filter_map(move |m| m.at(words, j).map(|(_, n)| j + n))
            })
            .collect();
        (0..words.len()).any(|i| {
            let cancelled = (1..=4).any(|k| {
                i.checked_sub(k)
                    .is_some_and(|j| c.cancelled_in.at(words, j).is_some())
            });
            if cancelled
                || c.not_soon.find(words).is_some()
                || !ends.iter().any(|&e| e <= i && i <= e + 4)
            {
                return false;
            }
            let Some((n, rest)) = leading_number(words[i]) else {
                return false;
            };
            let (unit, next) = if rest.is_empty() {
                (words.get(i + 1).copied().unwrap_or(""), i + 2)
            } else {
                (rest, i + 1)
            };
            let in_range = (c.hour_units.has_exact(unit) && (1..=6).contains(&n))
                || (c.minute_units.has_exact(unit) && (1..=180).contains(&n));
            let before = |k: usize| i.checked_sub(k).map(|j| words[j]);
            in_range
                && (before(1).is_some_and(|b| c.soon_before.has_exact(b))
                    || (before(1) == Some("a") && before(2) == Some("daqui"))
                    || words.get(next) == Some(&"lagi"))
        })
    }

    /// A time of day: "at 11", "um 15 uhr", "a las 10", "jam 10", "2pm", "14h", "14h30".
    pub(super) fn clock(&self, words: &[&str]) -> bool {
        let c = &self.care;
        (0..words.len()).any(|i| {
            let Some((n, rest)) = leading_number(words[i]) else {
                return false;
            };
            let marked = |u: &str| matches!(u, "am" | "pm" | "h" | "uhr");
            let minutes = rest
                .strip_prefix('h')
                .is_some_and(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()));
            let near = |k: usize| words.get(k).is_some_and(|w| c.not_a_clock.has_exact(w));
            let around =
                near(i + 1) || near(i + 2) || (1..=3).any(|k| i.checked_sub(k).is_some_and(near));
            // "1h", "3h", "24h" are durations; "14h" and "14h30" are times of day.
            let hours = rest == "h" && n < 7;
            (1..=23).contains(&n)
                && !around
                && !hours
                && (marked(rest)
                    || minutes
                    || (rest.is_empty()
                        && (words.get(i + 1).is_some_and(|u| marked(u))
                            || i.checked_sub(1)
                                .is_some_and(|j| c.clock_before.has_exact(words[j])))))
        })
    }

    /// A phone line cut, the cut right after the line ("the line is dead", "la linea cortada").
    pub(super) fn line_cut(&self, words: &[&str]) -> bool {
        let c = &self.care;
        (0..words.len()).any(|i| {
            let Some((_, n)) = c.phone_line.at(words, i) else {
                return false;
            };
            let k = i + n;
            let copula = words.get(k).is_some_and(|w| {
                matches!(
                    *w,
                    "is" | "esta" | "ta" | "est" | "ist" | "e" | "was" | "went"
                )
            });
            c.cut.at(words, k).is_some() || (copula && c.cut.at(words, k + 1).is_some())
        })
    }
}

/// The number a word starts with (at most three digits) and what follows it: "3hrs" is
/// `(3, "hrs")`, "11" is `(11, "")`.
fn leading_number(w: &str) -> Option<(u32, &str)> {
    let end = w.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 || end > 3 {
        return None;
    }
    Some((w[..end].parse().ok()?, &w[end..]))
}
