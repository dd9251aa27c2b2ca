//! The eleventh pass's emergency classes (`emergency_words/pressing.rs`, `pressing_more.rs`),
//! read by `Emergency::find` after the older classes: each needs three or four lists together
//! and none of the shared guards (asked whether it may be done, asked what would happen, told
//! after it was sorted), so the same words in a complaint or a question stay non-urgent.

use super::super::emergency_words::*;
use super::super::matcher::Matcher;
use super::Emergency;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Pressing {
    /// Every word that starts one of these classes: a message with none of them skips them.
    trigger: Matcher,
    document: Matcher,
    held: Matcher,
    appointment: Matcher,
    sent_out: Matcher,
    wrong_to: Matcher,
    before_withdrawn: Matcher,
    child_seat: Matcher,
    came_loose: Matcher,
    surgery: Matcher,
    authorisation: Matcher,
    missing: Matcher,
    family: Matcher,
    er_now: Matcher,
    harmed: Matcher,
    home_alarm: Matcher,
    line_down: Matcher,
    vaccines: Matcher,
    power_out: Matcher,
    filing: Matcher,
    cutoff: Matcher,
    failing: Matcher,
    standing: Matcher,
    counter: Matcher,
    booking: Matcher,
    gone: Matcher,
    not_me: Matcher,
    may_i: Matcher,
    what_if: Matcher,
    resolved: Matcher,
}

impl Pressing {
    pub(super) fn shipped() -> Pressing {
        let mut p = Pressing::default();
        for (m, list) in [
            (&mut p.document, DOCUMENT),
            (&mut p.held, HELD),
            (&mut p.appointment, APPOINTMENT),
            (&mut p.sent_out, SENT_OUT),
            (&mut p.wrong_to, WRONG_TO),
            (&mut p.before_withdrawn, BEFORE_WITHDRAWN),
            (&mut p.child_seat, CHILD_SEAT),
            (&mut p.came_loose, CAME_LOOSE),
            (&mut p.surgery, SURGERY),
            (&mut p.authorisation, AUTHORISATION),
            (&mut p.missing, MISSING),
            (&mut p.family, FAMILY),
            (&mut p.er_now, ER_NOW),
            (&mut p.harmed, HARMED),
            (&mut p.home_alarm, HOME_ALARM),
            (&mut p.line_down, LINE_DOWN),
            (&mut p.vaccines, VACCINES),
            (&mut p.power_out, POWER_OUT),
            (&mut p.filing, FILING),
            (&mut p.cutoff, CUTOFF),
            (&mut p.failing, FAILING),
            (&mut p.standing, STANDING),
            (&mut p.counter, COUNTER),
            (&mut p.booking, BOOKING),
            (&mut p.gone, GONE),
            (&mut p.not_me, DISOWNED_MORE),
            (&mut p.may_i, MAY_I),
            (&mut p.what_if, WHAT_IF),
            (&mut p.resolved, RESOLVED),
        ] {
            m.add_list(list);
        }
        p.sent_out.add_list(SENT_MONEY);
        p.family.add_list(PERSON);
        p.harmed.add_list(SWALLOWED);
        p.power_out.add_list(POWERLESS);
        for list in [
            DOCUMENT,
            WRONG_TO,
            CHILD_SEAT,
            SURGERY,
            ER_NOW,
            HOME_ALARM,
            VACCINES,
            FILING,
            COUNTER,
            DISOWNED_MORE,
        ] {
            p.trigger.add_list(list);
        }
        p
    }
}

impl Emergency {
    /// The eleventh pass's class these (folded, unelided) words describe, if any.
    pub(super) fn pressing(&self, words: &[&str]) -> Option<&'static str> {
        let p = &self.pressing;
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        if !exact(&p.trigger) || exact(&p.may_i) || exact(&p.what_if) || exact(&p.resolved) {
            return None;
        }
        let c = &self.care;
        let h = &self.harm;
        // Today, not a later or a past day ("my appointment is on monday", "it was yesterday").
        let today_now = !exact(&c.later) && !exact(&c.past_day);
        let today_word = exact(&c.today_only) || exact(&c.today_more);
        let today = today_now && today_word;
        // Surgery tomorrow cannot wait either: the hospital cancels it today.
        let by_tomorrow = today_now && (exact(&h.today) || exact(&h.within_hours));
        let within_hours = || {
            today_now
                && (exact(&h.within_hours)
                    || self.clock(words)
                    || self.soon_after(words, &[&p.appointment]))
        };
        // A passport a courier still holds on the day of the appointment it is needed at.
        if exact(&p.document)
            && exact(&p.held)
            && exact(&p.appointment)
            && (today || within_hours())
        {
            return Some("deadline");
        }
        // Money sent to the wrong number, still to be stopped before it is withdrawn.
        if exact(&p.wrong_to) && any(&p.sent_out) && exact(&p.before_withdrawn) {
            return Some("wrong recipient");
        }
        // A child car seat come loose with the child in it.
        if exact(&p.child_seat) && exact(&p.came_loose) && exact(&p.family) {
            return Some("danger");
        }
        // Surgery today or tomorrow that the insurer has not authorised.
        if exact(&p.surgery) && exact(&p.authorisation) && exact(&p.missing) && by_tomorrow {
            return Some("medicine");
        }
        // Someone rushed to hospital by what they swallowed, drank or were burnt by.
        if exact(&p.er_now)
            && any(&p.harmed)
            && (exact(&p.family) || aged_child(words))
            && today_now
        {
            return Some("danger");
        }
        // A personal alarm whose line is dead: its wearer cannot call for help.
        if exact(&p.home_alarm) && (exact(&p.line_down) || self.line_cut(words)) {
            return Some("danger");
        }
        // Vaccines without power spoil within hours.
        if exact(&p.vaccines) && exact(&p.power_out) && today_now {
            return Some("medicine");
        }
        // A filing or a fee due tonight while the system to do it with fails (since yesterday,
        // often: a past day does not make it told afterwards).
        if exact(&p.filing)
            && (exact(&p.cutoff) || today_word)
            && exact(&p.failing)
            && !exact(&c.later)
        {
            return Some("deadline");
        }
        // A booking gone while the customer stands at the counter.
        if exact(&p.standing)
            && exact(&p.counter)
            && exact(&p.booking)
            && exact(&p.gone)
            && today_now
        {
            return Some("deadline");
        }
        // "Non sono io!!" closing a message about a card disowns what was done with it; "non
        // sono io il titolare" (not the account holder) goes on and does not.
        let n = words.len();
        let ends_not_me = (1..=4).any(|k| {
            n.checked_sub(k)
                .and_then(|i| p.not_me.at(words, i))
                .is_some_and(|(_, len)| len == k)
        });
        if ends_not_me && any(&self.money_or_access) {
            return Some("disowned");
        }
        None
    }
}

/// A child by the age written on it: "my 2yo", "mi hijo de 3" is read by `PERSON`.
pub(super) fn aged_child(words: &[&str]) -> bool {
    words.iter().any(|w| {
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0
            && digits <= 2
            && matches!(&w[digits..], "yo" | "yr" | "yrs" | "mo" | "mos" | "thn")
    })
}
