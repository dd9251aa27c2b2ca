//! The fourteenth pass's readings of `deadline` (`emergency_words/due.rs`): an official
//! deadline within hours, by what it is for and a word of time limit ("hoy es el último día
//! del modelo 303 y el programa no me deja generar el fichero", "tender closes at noon", `oggi
//! è l'ultimo giorno di iscrizione`); or the staff's pay due today and stopped (`la planilla
//! no se pagó, 25 trabajadores esperando`, "Payroll hasn't gone out, 40 staff expect pay
//! today"). The message is a ticket already (a priority is read only for one). A last day
//! alone is not enough (the review `triage-probe-review-fourteenth.tsv`: a job's, a holiday's,
//! a survey's, a month's last day), nor pay already out, nor a later or a past day.

use super::super::emergency_words::*;
use super::super::matcher::Matcher;
use super::care::leading_number;
use super::Emergency;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Due {
    /// Every word that starts this file's stakes or payroll: a message with none (most) skips
    /// the class in one look-up a word.
    trigger: Matcher,
    stakes: Matcher,
    deadline_word: Matcher,
    by_the_hour: Matcher,
    by: Matcher,
    payroll: Matcher,
    failed: Matcher,
    paid_already: Matcher,
}

impl Due {
    pub(super) fn shipped() -> Due {
        let mut d = Due::default();
        for (m, list) in [
            (&mut d.stakes, STAKES),
            (&mut d.deadline_word, DEADLINE_WORD),
            (&mut d.by_the_hour, BY_THE_HOUR),
            (&mut d.by, BY),
            (&mut d.payroll, PAYROLL),
            (&mut d.failed, FAILED),
            (&mut d.paid_already, PAID_ALREADY),
        ] {
            m.add_list(list);
        }
        d.failed.add_list(OUT_OF_ORDER);
        d.trigger.add_list(STAKES);
        d.trigger.add_list(PAYROLL);
        d
    }
}

impl Emergency {
    /// Whether these (folded, unelided) words tell of an official deadline within hours, or of
    /// the staff's pay due today and stopped.
    pub(super) fn due_today(&self, words: &[&str]) -> bool {
        let d = &self.due;
        let exact = |m: &Matcher| (0..words.len()).any(|i| m.at(words, i).is_some());
        if !(0..words.len()).any(|i| d.trigger.at(words, i).is_some()) {
            return false;
        }
        let c = &self.care;
        let h = &self.harm;
        // Today, a time of day or within hours; never beside a later or a past day.
        let soon = !exact(&c.later)
            && !exact(&c.past_day)
            && (exact(&h.today)
                || exact(&c.today_more)
                || exact(&d.by_the_hour)
                || exact(&h.within_hours)
                || self.clock(words)
                || self.closes_at(words)
                || self.soon_after(words, &[&d.deadline_word, &d.stakes]));
        if !soon {
            return false;
        }
        (exact(&d.stakes) && exact(&d.deadline_word))
            || (exact(&d.payroll) && exact(&d.failed) && !exact(&d.paid_already))
    }

    /// A time of day within a few words after a word of time limit or "by": "closes at noon",
    /// "tutup jam 23.59", `bis 16 Uhr`. `clock` refuses a time beside "closes" or "until" (a
    /// shop's opening hours are no event); here it is the deadline.
    fn closes_at(&self, words: &[&str]) -> bool {
        let d = &self.due;
        let marked = |u: &str| matches!(u, "am" | "pm" | "h" | "uhr");
        let minutes = |r: &str| {
            r.strip_prefix(['h', '.', ':'])
                .is_some_and(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()))
        };
        (0..words.len()).any(|i| {
            let Some((_, n)) = d.deadline_word.at(words, i).or_else(|| d.by.at(words, i)) else {
                return false;
            };
            (i + n..(i + n + 4).min(words.len())).any(|j| {
                let Some((hour, rest)) = leading_number(words[j]) else {
                    return false;
                };
                let before = words[j - 1];
                (1..=24).contains(&hour)
                    && (marked(rest)
                        || minutes(rest)
                        || (rest.is_empty()
                            && (words.get(j + 1).is_some_and(|u| marked(u))
                                || self.care.clock_before.has_exact(before)
                                || matches!(before, "a" | "as" | "le" | "les"))))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{each_is, none_of};

    #[test]
    fn a_last_day_today_or_the_staffs_pay_due_today_is_urgent() {
        each_is(
            "deadline",
            &[
                "today is the last day to file my VAT and your portal won't accept the upload",
                "payroll has to go out tonight and the bank file keeps failing",
                "hoy vence la declaración y la web me da error al firmar",
                "os salários dos funcionários têm de sair hoje e o banco bloqueou a transferência",
                "hj é o último dia da inscrição e o site não carrega",
                "les salaires doivent partir aujourd'hui et le virement groupé est refusé",
                "Heute ist der letzte Tag für die Steuererklärung und ELSTER lädt nicht",
                "gli stipendi vanno pagati oggi e l'home banking è bloccato",
                "hari ini hari terakhir daftar ulang kampus dan pembayarannya gagal terus",
                "tender tutup jam 12 siang, platform ga mau terima dokumen",
                "pendaftaran kampus tutup jam 23.59, pembayaran ga masuk2",
                "l'appel d'offres clôture à midi et votre plateforme refuse le dépôt",
                "Einschreibung läuft um 23:59 ab und die Zahlung geht nicht durch",
                "matricula fecha daqui 3 horas e o pagamento nao passa",
                "muss die Mitarbeiter bis 16 Uhr bezahlen, euer Modul hängt beim Sammelauftrag",
            ],
        );
        none_of(&[
            // A sale's, a coupon's, a trial's, a return window's or a bill's last day.
            "last day of the sale and the coupon code doesn't work",
            "today is the last day to return it and the label won't print",
            "último día de la promo y no me aplica el descuento",
            "la factura vence hoy y no me deja pagar con tarjeta",
            "hoje é o último dia do meu teste grátis e quero cancelar",
            "Heute letzter Tag der Rabattaktion und der Gutschein geht nicht",
            "tomorrow is the last day for the early bird price and the site errors",
            // A delivery's window; a past or a later day; a customer's own pay.
            "the parcel's delivery window ends today and nobody came",
            "my last day at work was Friday, please update my address",
            "the tender closes next Monday, can you tell me today how to upload the pdf?",
            "yesterday was the last day of the enrolment and today the site says it's closed",
            "mi nómina no ha llegado hoy, ¿me pueden decir por qué?",
            "ma paie n'est pas arrivée aujourd'hui sur mon compte",
            // Pay that runs or already ran; what a deadline is for without one.
            "payroll runs today, how do I add a new employee?",
            "payroll already paid today, but the summary report has an error in the header",
            "I have a question about my tax return today, the form looks different",
            // The review's: a job's, a holiday's, a survey's last day.
            "hi its my last day at this job today so pls switch the email on my account",
            "la encuesta que me mandaron vence hoy y no abre el link",
        ]);
    }
}
