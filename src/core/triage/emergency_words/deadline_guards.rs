//! What keeps a deadline named with today from being an emergency (`Emergency::find`,
//! `deadline`; the adversarial review `triage-probe-review-fourteenth-2.tsv`, where 17 of 70
//! ordinary messages were urgent by it): the work already sent, unless a "but" follows ("already submitted our VAT
//! return this morning, deadline is today 5pm, just need the pdf"), or the day asked ("is the
//! deadline today or tomorrow?", read by `TODAY` beside one of `EITHER`).

use crate::core::text::{word_list, WordList};

/// The filing or payment already done.
pub(in crate::core::triage) const ALREADY_DONE: WordList = word_list![
    "already submitted",
    "already sent",
    "already filed",
    "already paid",
    "already uploaded",
    "ya presente",
    "ya envie",
    "ya lo envie",
    "ya lo presente",
    "ya pague",
    "ja enviei",
    "ja enviamos",
    "ja entreguei",
    "ja paguei",
    "ja transmiti",
    "deja envoye",
    "deja envoyee",
    "deja depose",
    "deja deposee",
    "deja paye",
    "schon abgeschickt",
    "schon eingereicht",
    "schon bezahlt",
    "bereits eingereicht",
    "bereits abgeschickt",
    "bereits bezahlt",
    "gia inviato",
    "gia inviata",
    "gia mandato",
    "gia mandata",
    "gia pagato",
    "udah aku kirim",
    "udah kirim",
    "udah dikirim",
    "sudah kirim",
    "sudah dikirim",
    "sudah saya kirim",
    "udah bayar",
    "sudah bayar",
];

/// "Or" between two days ("today or tomorrow", `hoy o mañana`, `heute oder morgen`).
pub(in crate::core::triage) const EITHER: WordList =
    word_list!["or", "o", "ou", "oder", "atau", "ato"];

/// "But": what follows an "already sent" says more ("ya presenté la declaración pero el sistema
/// me la rechazó"). A word read as "but" where it is not only keeps the deadline urgent.
pub(in crate::core::triage) const BUT: WordList =
    word_list!["but", "pero", "mas", "mais", "aber", "ma", "tapi", "tetapi", "namun"];
