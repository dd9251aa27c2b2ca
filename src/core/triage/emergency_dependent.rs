//! The thirteenth pass's classes. `dependent at risk` (`emergency_words/dependent.rs`): someone
//! who cannot look after themselves left alone, forgotten, unable to get out or in a fit
//! ("smart lock dead, my 6yo is locked inside alone", `a minha avó acamada está lá dentro
//! sozinha`, `Mini Tochter (9) isch im Zug ... ganz allei`). Both halves are needed, within a few words of each other (`NEAR`):
//! a plight alone is an ordinary complaint ("I live alone and the parcel never came"), and so
//! is a child ("my son's tablet is broken"). Not when told as over, a routine, a policy question
//! or a hypothetical, or told after it was sorted (the review
//! `triage-probe-review-thirteenth.tsv`); not the eleventh pass's "may I" (`puedo` is also "no
//! puedo salir", cannot get out). Also here: carbon monoxide with a second signal
//! (`poisoned_air`, lists in `emergency_words/air.rs`), and a medicine sent wrong and already
//! taken (`wrong_medicine_taken`, `emergency_words/wrong_medicine.rs`).

use super::super::emergency_words::*;
use super::super::matcher::Matcher;
use super::pressing::aged_child;
use super::Emergency;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Dependent {
    /// Every word that starts one of this file's classes: a message with none (most) skips
    /// them all in one look-up a word.
    trigger: Matcher,
    dependent: Matcher,
    plight: Matcher,
    unanswered: Matcher,
    lives_alone: Matcher,
    over_or_routine: Matcher,
    may_they: Matcher,
    bought: Matcher,
    carbon_monoxide: Matcher,
    poisoned: Matcher,
    sounding: Matcher,
    detector_fault: Matcher,
    sent_wrong: Matcher,
    taken: Matcher,
    pharmacy: Matcher,
    what_if: Matcher,
    resolved: Matcher,
}

impl Dependent {
    pub(super) fn shipped() -> Dependent {
        let mut d = Dependent::default();
        for (m, list) in [
            (&mut d.dependent, DEPENDENT),
            (&mut d.plight, PLIGHT),
            (&mut d.unanswered, UNANSWERED),
            (&mut d.lives_alone, LIVES_ALONE),
            (&mut d.over_or_routine, OVER_OR_ROUTINE),
            (&mut d.may_they, MAY_THEY),
            (&mut d.bought, BOUGHT),
            (&mut d.carbon_monoxide, CARBON_MONOXIDE),
            (&mut d.poisoned, POISONED),
            (&mut d.sounding, SOUNDING),
            (&mut d.detector_fault, DETECTOR_FAULT),
            (&mut d.sent_wrong, SENT_WRONG),
            (&mut d.taken, TAKEN),
            (&mut d.pharmacy, PHARMACY),
            (&mut d.what_if, WHAT_IF),
            (&mut d.resolved, RESOLVED),
        ] {
            m.add_list(list);
        }
        d.dependent.add_list(ELDERLY);
        d.detector_fault.add_list(BOUGHT);
        for list in [
            PLIGHT,
            UNANSWERED,
            HEATLESS,
            POWERLESS,
            CARBON_MONOXIDE,
            TAKEN,
        ] {
            d.trigger.add_list(list);
        }
        d
    }
}

/// How far apart the person and the plight may be, in words: one sentence, not a message
/// that mentions the grandchildren and later that someone travels alone.
const NEAR: usize = 16;

impl Emergency {
    /// Whether any of this file's classes may apply (a word that starts one of them).
    pub(super) fn thirteenth_pass_may_apply(&self, words: &[&str]) -> bool {
        let t = &self.dependent.trigger;
        (0..words.len()).any(|i| t.at_inflected(words, i).is_some())
    }

    /// Whether these (folded, unelided) words tell of a dependent person in a plight.
    pub(super) fn dependent_at_risk(&self, words: &[&str]) -> bool {
        let d = &self.dependent;
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        let c = &self.care;
        let unanswered = exact(&d.unanswered);
        if exact(&d.what_if)
            || exact(&d.resolved)
            || exact(&d.over_or_routine)
            || exact(&d.may_they)
        {
            return false;
        }
        // Someone who lives alone, or is very old, and does not answer (not any grandparent:
        // "il telecomando della poltrona di mio nonno non risponde" is the remote).
        if unanswered && (exact(&d.lives_alone) || self.exposed.aged(words)) {
            return true;
        }
        // Without heating, or without power at home (not "the tablet has no power"), and no
        // bill named (not "we were without heating in January and still billed"): the care
        // class's lists and guard (`emergency_words/care.rs`), for a baby or a child too.
        let cut_off = (exact(&c.heatless) || (exact(&c.powerless) && exact(&c.home)))
            && !exact(&c.bill)
            && !exact(&d.bought);
        // A plight word inside "lives alone", `vive sola`, `lebt allein` tells a way of
        // living, not a plight: "my grandma lives alone and I'd like a gift card".
        let mut living = vec![false; words.len()];
        for i in 0..words.len() {
            if let Some((_, n)) = d.lives_alone.at(words, i) {
                living[i..(i + n).min(words.len())].fill(true);
            }
        }
        let plights: Vec<usize> = (0..words.len())
            .filter(|&i| {
                d.plight
                    .at(words, i)
                    .is_some_and(|(_, n)| !living[i..i + n].iter().all(|&l| l))
                    || (cut_off
                        && (c.heatless.at(words, i).is_some()
                            || c.powerless.at(words, i).is_some()))
            })
            .collect();
        if plights.is_empty() {
            return false;
        }
        // A child or an old parent by their age ("my 6yo", "Mutter (84)") anywhere.
        if self.exposed.aged(words) || aged_child(words) || self.young_by_age(words) {
            return true;
        }
        (0..words.len()).any(|i| {
            let who = d
                .dependent
                .at(words, i)
                .or_else(|| self.harm.person.at(words, i));
            who.is_some_and(|(_, n)| plights.iter().any(|&p| p + NEAR >= i && p <= i + n + NEAR))
        })
    }
}

impl Emergency {
    /// A product bought (for someone): its "no heating" is a fault, not a cold home.
    pub(super) fn bought(&self, words: &[&str]) -> bool {
        (0..words.len()).any(|i| self.dependent.bought.at(words, i).is_some())
    }

    /// Carbon monoxide with what it does to people ("CO-Melder piept, wir haben alle
    /// Kopfschmerzen"), or its alarm sounding, not a detector that beeps for its battery or
    /// is asked about as faulty (the review `triage-probe-review-thirteenth.tsv`).
    pub(super) fn poisoned_air(&self, words: &[&str]) -> bool {
        let d = &self.dependent;
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        any(&d.carbon_monoxide)
            && (any(&d.poisoned) || (any(&d.sounding) && !any(&d.detector_fault)))
    }
}

impl Emergency {
    /// A medicine sent wrong and already taken: "sent my mom warfarin 10mg not 1mg, she
    /// already took one", `remedio errado da farmacia, meu pai tomou 2`, `Levothyrox 200 au
    /// lieu de 25 ... elle en a pris un`. The medicine by its word, a dose ("10mg") or the
    /// pharmacy that sent it.
    pub(super) fn wrong_medicine_taken(&self, words: &[&str]) -> bool {
        let d = &self.dependent;
        let any = |m: &Matcher| (0..words.len()).any(|i| m.at_inflected(words, i).is_some());
        let dose = || {
            words.iter().any(|w| {
                w.strip_suffix("mg")
                    .is_some_and(|n| n.is_empty() || n.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        // "Taken" first: the rarest, so most messages are read once.
        any(&d.taken)
            && any(&d.sent_wrong)
            && (any(&self.harm.medicine) || dose() || any(&d.pharmacy))
            && !any(&d.what_if)
    }
}

/// A child by a young age and its unit (folded words): "my 2 year old" (not "the boiler is
/// 12 years old"), or after a person within three words: `mi niña de 3 años`, `filha de 6
/// anos`, `fille de 8 ans`, `anak 5 tahun`.
const YOUNG_UNITS: &[&str] = &[
    "year", "years", "yr", "yrs", "ano", "anos", "ans", "an", "jahre", "jahren", "anni", "anno",
    "tahun", "thn", "month", "months", "meses", "mes", "mois", "monate", "monaten", "mesi",
    "bulan",
];

impl Emergency {
    fn young_by_age(&self, words: &[&str]) -> bool {
        (0..words.len().saturating_sub(1)).any(|i| {
            let young = words[i].parse::<u32>().is_ok_and(|n| n <= 12)
                && YOUNG_UNITS.contains(&words[i + 1]);
            if !young {
                return false;
            }
            let before = i.checked_sub(1).map(|j| words[j]);
            let a_noun = words.get(i + 2) == Some(&"old")
                && !matches!(before, Some("is" | "are" | "was" | "its" | "it's" | "s"));
            let after_a_person = (i.saturating_sub(3)..i).any(|j| {
                self.harm.person.at(words, j).is_some()
                    || self.dependent.dependent.at(words, j).is_some()
            });
            a_noun || after_a_person
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{each_is, none_of};

    #[test]
    fn a_dependent_person_alone_stuck_or_in_a_fit_is_urgent() {
        each_is(
            "dependent at risk",
            &[
                "smart lock dead, my 6yo is locked inside alone. HELP",
                "the walker lost our dog an hour ago, she escaped near the main road",
                "me he bajado en el andén y el ascensor no funciona, voy en silla de ruedas y no puedo salir de aquí",
                "a fechadura bloqueou e a minha avó acamada está lá dentro sozinha",
                "ma fille de 8 ans a été oubliée au musée, le car est reparti",
                "Mini Tochter (9) isch im Zug und d Begleitig het sie nöd abgholt, sie isch ganz allei",
                "mio padre è in carrozzina al quinto piano, l'ascensore è fermo e non riusciamo a scendere",
                "anak saya demam 40, dokter online gak muncul2",
                "my mum lives alone, her alarm went off and she's not answering her phone",
                "coupure de courant à la maison depuis ce matin, plus de chauffage et un bébé de 2 mois",
                "Your car share app locked the car with my 2 year old still buckled in the back seat",
                "a van deixou minha filha de 6 anos no ponto errado e ninguém sabe onde ela está",
                "Meine Oma ist 91, seit gestern Abend geht bei ihr keiner ans Telefon",
            ],
        );
        each_is(
            "danger",
            &[
                "CO-Melder neben der Gastherme piept durchgehend, wir haben alle Kopfschmerzen",
                "the carbon monoxide alarm is going off in the flat",
            ],
        );
        each_is(
            "medicine",
            &[
                "remedio errado da farmacia, meu pai tomou 2 e ta tonto",
                "la pharmacie en ligne m'a envoyé du Levothyrox 200 au lieu de 25 pour ma fille, elle en a pris un ce matin",
                "Online-Apotheke hat meiner Oma Marcumar statt ihrem Blutdruckmittel geschickt, sie hat schon 2 genommen",
            ],
        );
        each_is(
            "dependent at risk",
            &[
                "Nos han cancelado el vuelo, estamos en Lisboa con un niño de 3 años y sin hotel",
                "o voo foi cancelado e estamos presos em Frankfurt com um bebé de 5 meses",
            ],
        );
        none_of(&[
            "you sent the wrong size of the baby's medicine cup, can I swap it?",
            "the pharmacy sent the wrong brand, I haven't opened it, can I return it?",
            "we had no hotel on that trip last year with the kids, I still want my refund",
        ]);
        none_of(&[
            // A plight without a dependent person, a dependent without a plight.
            "I live alone and my parcel never came",
            "my son's tablet arrived broken",
            "my grandma lives alone and I'd like to send her a gift card",
            // Power told of a device, a bill for the heating.
            "Bought this tablet for my grandma, it has no power out of the box",
            "Facture de chauffage: nous étions sans chauffage en janvier, ma grand mère a été facturée quand même",
            // Weather is not a plight by itself.
            "Il neige à Genève ce matin, les enfants sont fous de joie et la connexion est au top",
            // The person far from the plight; a hypothetical; already sorted.
            "nous partons à Paris le 20 avec mon épouse pour voir nos petits-enfants, mais sur la réservation nos sièges sont aux rangs 8 et 31. Elle a peur en avion et ne peut pas voyager seule",
            "what if my 6yo is home alone when the technician comes?",
            "my daughter was stuck alone at the station but it's sorted now, thanks",
            // The review's look-alikes: over, a routine, a policy question, a product, an idiom.
            "El año pasado mi hijo tuvo una convulsion en el colegio, ya esta bien, solo quiero actualizar su ficha",
            "minha filha pediu o tamanho errado, ela fica sozinha na escola o dia todo entao entreguem depois das 17h",
            "dürfen kinder bei euch allein fliegen? mein sohn ist 12",
            "Gibt es einen Rabatt für Senioren, die allein leben? Meine Oma ist 86",
            "J'ai acheté un radiateur d'appoint pour mon grand-père et il ne chauffe pas du tout, seul le ventilateur marche",
            "mon fils va faire une crise si son jeu n'arrive pas samedi mdr",
            "My boiler is 12 years old and there's no heating again, can an engineer come next week?",
            "Il rilevatore di monossido di carbonio comprato da voi suona ogni 30 secondi, batteria nuova, è difettoso?",
        ]);
    }
}
