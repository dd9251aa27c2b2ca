//! Emergencies written without an urgent word (`lexicon::urgent`): money or an account used by
//! someone else ("someone is ordering with my account", "payments I never made, block my
//! card"), a password or e-mail changed by someone else ("someone changed my password", "me
//! cambiaron la contraseña"), a scam that cost money or a code ("sy ketipu, kasih kode otp"),
//! and a business stopped ("no customer can pay", "the whole office has no internet, we can't
//! work"). Per shipped language, colloquial and unaccented forms included; folded as messages
//! are. Read by `problems::priority`; the rule found is named in the decision
//! (`urgent: emergency "credential changed"`).

use super::emergency_words::*;
use super::matcher::Matcher;

/// The matchers, built once with the lexicon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Emergency {
    actor: Matcher,
    credentials: Matcher,
    changed_by_other: Matcher,
    changed: Matcher,
    scammed: Matcher,
    impersonated: Matcher,
    disowned: Matcher,
    blocking: Matcher,
    blockable: Matcher,
    money_or_access: Matcher,
    money: Matcher,
    emptied: Matcher,
    vanished: Matcher,
    elsewhere: Matcher,
    help: Matcher,
    modals: Matcher,
    stopped: Matcher,
    harm: Harm,
    care: Care,
    exposed: Exposed,
    pressing: Pressing,
    dependent: Dependent,
}

/// The matchers of the emergencies outside the account (`emergency_harm_words`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Harm {
    /// Every word that starts one of these classes (the first list of each pair): a message
    /// with none of them (most) skips the classes, one look-up per word instead of fifteen.
    trigger: Matcher,
    danger: Matcher,
    power_line: Matcher,
    fallen: Matcher,
    gas: Matcher,
    leaking: Matcher,
    device: Matcher,
    burning: Matcher,
    hurt: Matcher,
    road: Matcher,
    stranded: Matcher,
    stolen: Matcher,
    lost: Matcher,
    connection: Matcher,
    delivery: Matcher,
    valuables: Matcher,
    till: Matcher,
    out_of_order: Matcher,
    official: Matcher,
    deadline: Matcher,
    today: Matcher,
    already_done: Matcher,
    either: Matcher,
    but: Matcher,
    medicine: Matcher,
    running_out: Matcher,
    taken_over: Matcher,
    asking_money: Matcher,
    contacts: Matcher,
    trapped: Matcher,
    lift: Matcher,
    person: Matcher,
    enclosure: Matcher,
    water: Matcher,
    electrics: Matcher,
    sim_swapped: Matcher,
    swallowed: Matcher,
    ceremony: Matcher,
    departure: Matcher,
    within_hours: Matcher,
    locked_out: Matcher,
    inside: Matcher,
}

impl Emergency {
    pub fn shipped() -> Emergency {
        let mut e = Emergency::default();
        e.actor.add_list(ACTORS);
        e.credentials.add_list(CREDENTIALS);
        e.changed_by_other.add_list(CHANGED_BY_OTHER);
        e.changed.add_list(CHANGED);
        e.scammed.add_list(SCAMMED);
        e.impersonated.add_list(IMPERSONATED);
        e.disowned.add_list(DISOWNED);
        e.blocking.add_list(BLOCKING);
        e.blockable.add_list(BLOCKABLE);
        e.money_or_access.add_list(MONEY_OR_ACCESS);
        e.money.add_list(MONEY);
        e.emptied.add_list(EMPTIED);
        e.vanished.add_list(VANISHED);
        e.elsewhere.add_list(ELSEWHERE);
        e.help.add_list(HELP);
        e.modals.add_list(MODALS);
        e.stopped.add_list(STOPPED);
        let h = &mut e.harm;
        for (m, list) in [
            (&mut h.danger, DANGER),
            (&mut h.power_line, POWER_LINE),
            (&mut h.fallen, FALLEN),
            (&mut h.gas, GAS),
            (&mut h.leaking, LEAKING),
            (&mut h.device, DEVICE),
            (&mut h.burning, BURNING),
            (&mut h.hurt, HURT),
            (&mut h.road, ROAD),
            (&mut h.stranded, STRANDED),
            (&mut h.stolen, STOLEN),
            (&mut h.lost, LOST),
            (&mut h.connection, CONNECTION),
            (&mut h.delivery, DELIVERY),
            (&mut h.valuables, VALUABLES),
            (&mut h.till, TILL),
            (&mut h.out_of_order, OUT_OF_ORDER),
            (&mut h.official, OFFICIAL),
            (&mut h.deadline, DEADLINE),
            (&mut h.today, TODAY),
            (&mut h.already_done, ALREADY_DONE),
            (&mut h.either, EITHER),
            (&mut h.but, BUT),
            (&mut h.medicine, MEDICINE),
            (&mut h.running_out, RUNNING_OUT),
            (&mut h.taken_over, TAKEN_OVER),
            (&mut h.asking_money, ASKING_MONEY),
            (&mut h.contacts, CONTACTS),
            (&mut h.trapped, TRAPPED),
            (&mut h.lift, LIFT),
            (&mut h.person, PERSON),
            (&mut h.enclosure, ENCLOSURE),
            (&mut h.water, WATER),
            (&mut h.electrics, ELECTRICS),
            (&mut h.sim_swapped, SIM_SWAPPED),
            (&mut h.swallowed, SWALLOWED),
            (&mut h.ceremony, CEREMONY),
            (&mut h.departure, DEPARTURE),
            (&mut h.within_hours, WITHIN_HOURS),
            (&mut h.locked_out, LOCKED_OUT),
            (&mut h.inside, INSIDE),
        ] {
            m.add_list(list);
        }
        h.danger.add_list(PEOPLE_DANGER);
        h.danger.add_list(CARE_DANGER);
        h.inside.add_list(INSIDE_MORE);
        h.stranded.add_list(STRANDED_MORE);
        h.sim_swapped.add_list(SIM_SWAPPED_MORE);
        h.departure.add_list(DEPARTURE_MORE);
        h.official.add_list(OFFICIAL_MORE);
        h.out_of_order.add_list(OUT_OF_ORDER_MORE);
        // The eleventh pass's words for the older classes (`emergency_words/pressing.rs`).
        h.road.add_list(ROAD_MORE);
        h.stranded.add_list(CAR_DIED);
        h.within_hours.add_list(WITHIN_HOURS_MORE);
        h.running_out.add_list(RUNNING_OUT_MORE);
        e.stopped.add_list(STOPPED_MORE);
        for list in [
            TILL,
            DANGER,
            HURT,
            GAS,
            POWER_LINE,
            DEVICE,
            ROAD,
            MEDICINE,
            OFFICIAL,
            DEADLINE,
            TAKEN_OVER,
            ASKING_MONEY,
            STOLEN,
            LOST,
            TRAPPED,
            WATER,
            PEOPLE_DANGER,
            SIM_SWAPPED,
            SWALLOWED,
            CEREMONY,
            DEPARTURE,
            LOCKED_OUT,
            CARE_DANGER,
            SIM_SWAPPED_MORE,
            DEPARTURE_MORE,
            OFFICIAL_MORE,
            ROAD_MORE,
        ] {
            h.trigger.add_list(list);
        }
        e.care = Care::shipped();
        e.exposed = Exposed::shipped();
        e.pressing = Pressing::shipped();
        e.dependent = Dependent::shipped();
        e
    }

    /// Which emergency these (folded) words describe, if any, by its class: `stopped` or
    /// `payments down` (a business); `danger` (to people); `medicine`; `deadline` (a court, an
    /// authority, a flight or a deadline by its name, today); `taken over`; `credential
    /// changed` (by someone else);
    /// `stolen or lost` (a phone, a wallet, a card); `data exposed` (someone else's personal
    /// data shown or sent); or, with money or access, `scammed`,
    /// `disowned`, `money gone`, `unknown login`, `blocking` or `someone else`.
    pub fn find(&self, words: &[&str]) -> Option<&'static str> {
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        // Matched as written: "changed" is not "change", "reset" not "resets".
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        let h = &self.harm;
        if any(&self.stopped) {
            return Some("stopped");
        }
        let harm = any(&h.trigger);
        let our_till = || {
            exact(&self.care.our_till_dead) && words.windows(2).any(|w| w == ["notre", "caisse"])
        };
        if harm && exact(&h.till) && (exact(&h.out_of_order) || our_till()) {
            return Some("payments down");
        }
        if harm
            && (any(&h.danger)
                || any(&h.hurt)
                || (exact(&h.gas) && any(&h.leaking))
                || (exact(&h.power_line) && exact(&h.fallen))
                || (exact(&h.device) && any(&h.burning))
                || (exact(&h.road) && any(&h.stranded))
                || (exact(&h.trapped)
                    && (exact(&h.lift) || (exact(&h.person) && exact(&h.enclosure))))
                || (exact(&h.water) && exact(&h.electrics))
                || (exact(&h.locked_out) && exact(&h.person) && exact(&h.inside))
                || (any(&h.swallowed) && exact(&h.person)))
        {
            return Some("danger");
        }
        let c = &self.care;
        let care = any(&c.trigger);
        // An allergic reaction by its swelling; an old or lone person without heating or
        // power; a lift stopped with someone inside; a car broken down at night.
        // Each needs a second signal (the review `triage-probe-review-emergencies.tsv`): a
        // person or an allergy beside a swelling, a home beside no power and no bill, no
        // parcel beside a lift, a breakdown (not merely stuck), a threat beside fear, a house
        // or a car broken into, no insurance claim beside a burst pipe or a break-in.
        if care
            && ((any(&c.swelling)
                && exact(&c.body_part)
                && (exact(&h.person) || exact(&c.allergy))
                && !exact(&c.battery))
                || ((exact(&c.heatless) || (exact(&c.powerless) && exact(&c.home)))
                    && (exact(&c.vulnerable) || self.exposed.aged(words))
                    && !exact(&c.bill)
                    && !self.bought(words))
                || (exact(&h.lift)
                    && exact(&c.stalled)
                    && exact(&h.inside)
                    && !exact(&c.parcel)
                    && !exact(&c.battery))
                || (exact(&c.vehicle) && exact(&c.breakdown) && exact(&c.at_night))
                || (self.afraid(words) && exact(&c.threat))
                || (exact(&c.breaking_in) && exact(&c.house_or_car))
                || (exact(&c.insurable) && !exact(&c.insurance)))
        {
            return Some("danger");
        }
        // The thirteenth pass (`emergency_dependent.rs`).
        if self.thirteenth_pass_may_apply(words) {
            if self.dependent_at_risk(words) {
                return Some("dependent at risk");
            }
            if self.poisoned_air(words) {
                return Some("danger");
            }
            if self.wrong_medicine_taken(words) {
                return Some("medicine");
            }
        }
        // The tenth pass (`emergency_exposed.rs`).
        let x = &self.exposed;
        if x.breathless(words) && (exact(&c.allergy) || exact(&h.person)) {
            return Some("danger");
        }
        if x.data_exposed(words) {
            return Some("data exposed");
        }
        if x.paid_an_impostor(words) || (x.phished(words) && any(&self.money_or_access)) {
            return Some("scammed");
        }
        if care
            && exact(&c.formula)
            && exact(&h.person)
            && (any(&h.running_out) || exact(&c.none_left))
            && !exact(&c.stock)
        {
            return Some("medicine");
        }
        if care && exact(&c.patients) && self.line_cut(words) && exact(&c.cant_reach) {
            return Some("stopped");
        }
        if care && exact(&c.sim_dead) && exact(&c.login) && exact(&c.bank_account) {
            return Some("taken over");
        }
        if harm && exact(&h.sim_swapped) {
            return Some("taken over");
        }
        // A wedding or a funeral today, whatever is missing for it (a delivery too); a flight
        // today or within hours.
        // The ninth pass's today and times of day count only without a later or a past day.
        let today_now = || !exact(&c.later) && !exact(&c.past_day);
        let clock = || today_now() && exact(&c.today_only) && self.clock(words);
        let departure = self.departure(words);
        if harm
            && (exact(&h.ceremony) || departure)
            && (exact(&h.today)
                || exact(&h.within_hours)
                || (exact(&c.today_more) && today_now())
                || self.soon_after(words, &[&h.ceremony, &h.departure])
                || (exact(&h.ceremony) && clock()))
        {
            return Some("deadline");
        }
        // My exam today, or within hours; a move today with the movers not come.
        let today = || today_now() && exact(&c.today_only);
        if care
            && exact(&c.exam)
            && (today() || exact(&h.within_hours) || self.soon_after(words, &[&c.exam]) || clock())
        {
            return Some("deadline");
        }
        if care
            && exact(&c.moving)
            && exact(&c.no_show)
            && (today() || self.soon_after(words, &[&c.moving]) || clock())
        {
            return Some("deadline");
        }
        if harm && exact(&h.medicine) && (any(&h.running_out) || exact(&h.today)) {
            return Some("medicine");
        }
        if harm
            && (exact(&h.official) || (exact(&h.deadline) && !any(&h.delivery)))
            && exact(&h.today)
            && !self.deadline_not_pressing(words)
        {
            return Some("deadline");
        }
        if harm && (any(&h.taken_over) || (any(&h.asking_money) && any(&h.contacts))) {
            return Some("taken over");
        }
        let credential = exact(&self.credentials);
        if credential
            && (exact(&self.changed_by_other) || (exact(&self.changed) && any(&self.actor)))
        {
            return Some("credential changed");
        }
        let money_or_access = any(&self.money_or_access);
        if harm
            && !any(&h.delivery)
            && ((exact(&h.stolen) && (money_or_access || exact(&h.valuables)))
                || (!exact(&h.connection) && self.lost_near_valuables(words)))
        {
            return Some("stolen or lost");
        }
        // The eleventh pass (`emergency_pressing.rs`).
        if let Some(class) = self.pressing(words) {
            return Some(class);
        }
        // A request to block names a card, an account or everything, not any money word.
        let blocking = exact(&self.blocking) && exact(&self.blockable);
        let money_gone =
            (any(&self.vanished) && any(&self.money)) || (money_or_access && any(&self.emptied));
        if !money_or_access && !credential && !blocking && !money_gone {
            return None;
        }
        if exact(&self.scammed) || any(&self.impersonated) {
            Some("scammed")
        } else if any(&self.disowned) {
            Some("disowned")
        } else if blocking {
            Some("blocking")
        } else if money_gone {
            Some("money gone")
        } else if !money_or_access {
            None
        } else if any(&self.elsewhere) {
            Some("unknown login")
        } else if any(&self.actor) && !(any(&self.help) && self.asks_for_help(words)) {
            Some("someone else")
        } else {
            None
        }
    }

    /// A deadline named with today that is not an emergency (`emergency_words/deadline_guards.rs`):
    /// the work already sent, or the day asked ("today or tomorrow?"). Not laughter: nervous or
    /// polite laughter comes with real deadlines too (`maaf kak hehe`).
    fn deadline_not_pressing(&self, words: &[&str]) -> bool {
        let h = &self.harm;
        let day_ends: Vec<usize> = (0..words.len())
            .filter_map(|i| h.today.at(words, i).map(|(_, n)| i + n))
            .collect();
        let day_asked = (0..words.len()).any(|i| {
            h.either
                .at(words, i)
                .is_some_and(|(_, n)| day_ends.contains(&i) && h.today.at(words, i + n).is_some())
        });
        // Already sent, unless a "but" follows ("ya presenté la declaración pero el sistema me
        // la rechazó").
        let sent = (0..words.len()).any(|i| {
            h.already_done
                .at(words, i)
                .is_some_and(|(_, n)| !(i + n..words.len()).any(|j| h.but.at(words, j).is_some()))
        });
        day_asked || sent
    }

    /// A departure by its word, not French "en train de" (doing) nor "kereta bayi" (a
    /// stroller).
    fn departure(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            self.harm.departure.at(words, i).is_some()
                && !(words[i] == "train"
                    && i.checked_sub(1).map(|j| words[j]) == Some("en")
                    && words.get(i + 1) == Some(&"de"))
                && !(words[i] == "kereta" && words.get(i + 1) == Some(&"bayi"))
        })
    }

    /// A word of loss within three words of a thing of value: "lost my wallet", "hp saya
    /// hilang", "die Karte ist weg"; not "I lost access, then changed my phone number".
    fn lost_near_valuables(&self, words: &[&str]) -> bool {
        let h = &self.harm;
        (0..words.len()).any(|i| {
            let Some((_, n)) = h.lost.at(words, i) else {
                return false;
            };
            let from = i.saturating_sub(3);
            let to = (i + n + 3).min(words.len());
            (from..to).any(|j| h.valuables.at(words, j).is_some_and(|(_, k)| j + k <= to))
        })
    }

    /// Whether someone is named as a helper: a modal within two words of the actor ("can
    /// someone", "alguien me puede", "kann mir jemand"). "alguien entró a mi cuenta, ayuda"
    /// names someone who acted, and the help word is the customer's plea.
    fn asks_for_help(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| {
            let Some((_, n)) = self.actor.at(words, i) else {
                return false;
            };
            let near = &words[i.saturating_sub(2)..(i + n + 2).min(words.len())];
            near.iter().any(|w| self.modals.has_exact(w))
        })
    }
}

#[path = "emergency_care.rs"]
mod care;
use care::Care;

#[path = "emergency_exposed.rs"]
mod exposed;
use exposed::Exposed;

#[path = "emergency_pressing.rs"]
mod pressing;
use pressing::Pressing;

#[path = "emergency_dependent.rs"]
mod dependent;
use dependent::Dependent;

#[cfg(test)]
#[path = "emergency_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "emergency_care_tests.rs"]
mod care_tests;

#[cfg(test)]
#[path = "emergency_pressing_tests.rs"]
mod pressing_tests;
