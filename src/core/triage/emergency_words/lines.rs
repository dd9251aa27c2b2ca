//! A line cut (ninth pass, the helper-written probe `triage-probe-emergencies-h.tsv`, measured
//! first untuned): a medical practice whose phone line is dead (its patients cannot reach it);
//! a SIM gone dead while someone logs in to the customer's bank from another device (a SIM
//! swap).
//!
//! Per shipped language, colloquial and unaccented forms included; folded as messages are. Each
//! needs two or three lists to match: "the line at your store was so long", "no signal in my
//! flat" and "can I use my account on another device" stay ordinary complaints.

use crate::core::text::{word_list, WordList};

/// Patients (of a practice whose line is cut: `PHONE_LINE`, `CUT`).
pub(in crate::core::triage) const PATIENTS: WordList =
    word_list!["patients", "pacientes", "patienten", "pazienti", "pasien"];

/// A phone line ...
pub(in crate::core::triage) const PHONE_LINE: WordList = word_list![
    "line",
    "lines",
    "phone",
    "phones",
    "linea",
    "lineas",
    "telefono",
    "linha",
    "telefone",
    "ligne",
    "lignes",
    "telephone",
    "telefonleitung",
    "leitung",
    "telefon",
    "telefoni",
    "telp",
    "telepon",
];

/// ... cut or dead.
pub(in crate::core::triage) const CUT: WordList = word_list![
    "cut",
    "cut off",
    "dead",
    "down",
    "cortada",
    "cortado",
    "cortaron",
    "muerta",
    "caida",
    "cortaram",
    "caiu",
    "coupee",
    "coupe",
    "coupees",
    "morte",
    "tot",
    "ausgefallen",
    "isolata",
    "isolato",
    "muta",
    "putus",
    "mati",
];

/// A SIM card gone dead ...
pub(in crate::core::triage) const SIM_DEAD: WordList = word_list![
    "no signal",
    "no service",
    "sim stopped working",
    "sin senal",
    "sim dejo de funcionar",
    "sem sinal",
    "sem rede",
    "chip parou",
    "plus de reseau",
    "pas de reseau",
    "sim ne marche plus",
    "kein netz",
    "keinen empfang",
    "sim geht nicht",
    "nessun segnale",
    "senza segnale",
    "sim ha smesso",
    "gak ada sinyal",
    "ga ada sinyal",
    "tidak ada sinyal",
    "sinyal hilang",
];

/// A SIM swap told by its word (read with `SIM_SWAPPED`).
pub(in crate::core::triage) const SIM_SWAPPED_MORE: WordList = word_list![
    "sim getauscht",
    "sim wurde getauscht",
    "sim clonada",
    "chip clonado",
    "sim clonata",
    "sim dibajak",
    "nomor sy dibajak",
    "nomor saya dibajak",
];
