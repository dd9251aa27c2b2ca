//! A medicine sent wrong and already taken (thirteenth pass, probe K;
//! `Emergency::wrong_medicine_taken`): the medicine by its word (`MEDICINE`), a dose or the
//! pharmacy that sent it, beside a wrong one and a dose taken.
//!
//! Per shipped language; folded and unelided as messages are (`*` ends a stem).

use crate::core::text::{word_list, WordList};

/// A medicine sent wrong and already taken (probe K, `Emergency::wrong_medicine_taken`):
/// wrong, or one thing instead of another.
pub(in crate::core::triage) const SENT_WRONG: WordList = word_list![
    "wrong",
    "instead of",
    "not the",
    "equivocado",
    "equivocada",
    "en vez de",
    "en lugar de",
    "errado",
    "errada",
    "em vez de",
    "au lieu de",
    "mauvais",
    "falsch*",
    "statt",
    "anstatt",
    "sbagliat*",
    "invece di",
    "al posto di",
    "salah",
];

/// Taken already: "she already took one", `tomou 2`, `elle en a pris un`, `sie hat schon 2
/// genommen`.
pub(in crate::core::triage) const TAKEN: WordList = word_list![
    "took",
    "taken",
    "se tomo",
    "tomo",
    "tomou",
    "ja tomou",
    "a pris",
    "en a pris",
    "genommen",
    "eingenommen",
    "ha preso",
    "ne ha preso",
    "sudah minum",
    "udah minum",
    "diminum",
    "minum",
];

/// Where medicine comes from, when the medicine is named by its brand.
pub(in crate::core::triage) const PHARMACY: WordList = word_list![
    "pharmacy",
    "chemist",
    "farmacia",
    "pharmacie",
    "apotheke",
    "online-apotheke",
    "apotek",
];
