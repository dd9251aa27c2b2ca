//! Carbon monoxide (thirteenth pass, `Emergency::poisoned_air`): a danger with what it does to
//! people or its alarm sounding now, not a detector that beeps for its battery or is asked
//! about as faulty (the review `triage-probe-review-thirteenth.tsv`).
//!
//! Per shipped language; folded and unelided as messages are (`*` ends a stem).

use crate::core::text::{word_list, WordList};

/// Carbon monoxide, a danger with its symptoms or its alarm sounding now, not a detector that
/// beeps for its battery (`emergency_dependent.rs`, `poisoned_air`).
pub(in crate::core::triage) const CARBON_MONOXIDE: WordList = word_list![
    "carbon monoxide",
    "co alarm",
    "co detector",
    "monoxido de carbono",
    "monoxido",
    "monoxyde de carbone",
    "detecteur de co",
    "kohlenmonoxid",
    "co-melder",
    "co melder",
    "monossido di carbonio",
    "monossido",
    "karbon monoksida",
];

/// What carbon monoxide does to people.
pub(in crate::core::triage) const POISONED: WordList = word_list![
    "headache*",
    "dizzy",
    "nausea*",
    "feel sick",
    "dolor de cabeza",
    "mareado",
    "mareada",
    "mareos",
    "dor de cabeca",
    "tonto",
    "tonta",
    "enjoo",
    "mal de tete",
    "mal a la tete",
    "vertige*",
    "kopfschmerz*",
    "schwindel*",
    "ubel",
    "mal di testa",
    "vertigin*",
    "nausea",
    "pusing",
    "mual",
    "sesak",
];

/// A carbon monoxide alarm sounding now (with `CARBON_MONOXIDE`, unless `DETECTOR_FAULT`).
pub(in crate::core::triage) const SOUNDING: WordList = word_list![
    "going off",
    "went off",
    "sounding",
    "beeping",
    "alarm is on",
    "esta sonando",
    "sono",
    "pitando",
    "esta tocando",
    "disparou",
    "apitando",
    "sonne",
    "se declenche",
    "piept",
    "schlagt an",
    "hat angeschlagen",
    "suona",
    "sta suonando",
    "scattato",
    "bunyi",
    "berbunyi",
];

/// A detector's own fault, not the gas: its battery, a fault asked about (a purchase:
/// `BOUGHT`, read with it).
pub(in crate::core::triage) const DETECTOR_FAULT: WordList = word_list![
    "battery",
    "pila",
    "pilha",
    "pile",
    "batterie",
    "batteria",
    "baterai",
    "faulty",
    "defective",
    "defectuoso",
    "avariado",
    "defeituoso",
    "defectueux",
    "defekt",
    "difettoso",
    "rusak",
];
