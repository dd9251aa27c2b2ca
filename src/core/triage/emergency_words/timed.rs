//! Things that cannot wait past the hour (ninth pass, the helper-written probe
//! `triage-probe-emergencies-h.tsv`, measured first untuned): an exam about to start, a moving
//! day, a visa appointment, a ferry about to leave, a ceremony at a time of day; a business
//! stopped (the whole office, sales lost by the minute, nobody able to pay).
//!
//! Per shipped language, colloquial and unaccented forms included; folded as messages are (`*`
//! ends a stem). Times are read by `Emergency::soon` ("in 3 hrs", "em 1h", "1 jam lagi") and
//! `Emergency::clock` ("at 11", "um 15 uhr", "14h", "jam 10").

/// An exam (with `TODAY` or a time soon).
pub(in crate::core::triage) const EXAM: &[&str] = &[
    "exam",
    "exams",
    "examen",
    "examenes",
    "oposicion",
    "oposiciones",
    "selectividad",
    "concurso",
    "vestibular",
    "enem",
    "minha prova",
    "a prova comeca",
    "prova online",
    "partiel",
    "concours",
    "prufung",
    "klausur",
    "esame",
    "esami",
    "concorso",
    "maturita",
    "ujian",
    "cpns",
    "utbk",
];

/// A moving day (read as `CEREMONY`'s: with `TODAY` or a time).
pub(in crate::core::triage) const MOVING: &[&str] = &[
    "moving out",
    "moving house",
    "moving day",
    "move out day",
    "removal van",
    "mudanza",
    "me mudo",
    "nos mudamos",
    "minha mudanca",
    "nossa mudanca",
    "dia da mudanca",
    "caminhao de mudanca",
    "demenagement",
    "je demenage",
    "on demenage",
    "umzug",
    "umzugswagen",
    "ziehe heute um",
    "ziehen heute um",
    "trasloco",
    "pindahan",
    "pindah rumah",
];

/// A visa appointment or a consulate (read as `OFFICIAL`'s).
pub(in crate::core::triage) const OFFICIAL_MORE: &[&str] = &[
    "consulate",
    "passport appointment",
    "biometrics appointment",
    "cita de la visa",
    "cita para la visa",
    "cita de visa",
    "cita consular",
    "entrevista de visa",
    "entrevista do visto",
    "agendamento do visto",
    "pour le visa",
    "rendez vous visa",
    "rdv visa",
    "consulat",
    "visumtermin",
    "konsulat",
    "consolato",
    "per il visto",
    "wawancara visa",
];

/// Today, informally (read as `TODAY`'s).
pub(in crate::core::triage) const TODAY_MORE: &[&str] = &[
    "hj",
    "hje",
    "hr ini",
    "pagi ini",
    "siang ini",
    "sore ini",
    "esta manana",
    "esta tarde",
    "hoje de manha",
    "cet apres midi",
    "heute morgen",
    "heute fruh",
    "stamattina",
    "oggi pomeriggio",
];

/// A ferry (read as `DEPARTURE`'s).
pub(in crate::core::triage) const DEPARTURE_MORE: &[&str] = &[
    "traghetto",
    "transbordador",
    "bateau",
    "kapal",
    "kapal laut",
];

/// Tomorrow: not today for a move or an exam ("moving out tomorrow, cancel my internet").
pub(in crate::core::triage) const TOMORROW: &[&str] = &[
    "tomorrow", "manana", "amanha", "demain", "morgen", "domani", "besok",
];

/// A later day: a time of day beside one is not today ("the wedding is on saturday at 3").
pub(in crate::core::triage) const LATER: &[&str] = &[
    "next",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "proxima",
    "proximo",
    "que viene",
    "segunda",
    "terca",
    "quarta",
    "quinta",
    "sexta",
    "que vem",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "prochain",
    "prochaine",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "nachste",
    "nachsten",
    "nachstes",
    "lunedi",
    "martedi",
    "mercoledi",
    "giovedi",
    "venerdi",
    "prossima",
    "prossimo",
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu depan",
    "bulan depan",
    "besok lusa",
    "lusa",
];

/// Before a number of hours or minutes: "in 3 hrs", "en 4 horas", "tra 40 minuti".
pub(in crate::core::triage) const SOON_BEFORE: &[&str] =
    &["in", "within", "en", "em", "dans", "tra", "fra", "dalam"];

/// Hours ...
pub(in crate::core::triage) const HOUR_UNITS: &[&str] = &[
    "h", "hr", "hrs", "hour", "hours", "hora", "horas", "heure", "heures", "std", "stunde",
    "stunden", "ora", "ore", "jam",
];

/// ... and minutes.
pub(in crate::core::triage) const MINUTE_UNITS: &[&str] = &[
    "min", "mins", "minute", "minutes", "minuto", "minutos", "minuten", "minuti", "menit", "mnt",
];

/// Before a time of day: "at 11", "um 11", "alle 11", "jam 10", "a las 10".
pub(in crate::core::triage) const CLOCK_BEFORE: &[&str] =
    &["at", "um", "alle", "jam", "pukul", "las", "ore"];

/// A business stopped, told in one phrase (read as `STOPPED`'s): the whole office, sales lost
/// by the minute, nobody able to pay.
pub(in crate::core::triage) const STOPPED_MORE: &[&str] = &[
    "none of our staff",
    "none of our employees",
    "nobody in the office",
    "no one in the office",
    "losing orders",
    "losing sales",
    "losing money every minute",
    "bleeding orders",
    "oficina entera",
    "oficina parada",
    "empresa parada",
    "ninguno de nuestros empleados",
    "nadie en la oficina",
    "perdiendo ventas",
    "perdiendo todas las ventas",
    "estamos perdiendo pedidos",
    "nadie puede pagar",
    "ninguem da empresa",
    "ninguem do escritorio",
    "pessoas paradas",
    "escritorio parado",
    "equipe parada",
    "perdendo vendas",
    "perdendo venda",
    "estamos perdendo pedidos",
    "ninguem consegue pagar",
    "aucun employe",
    "aucun salarie",
    "bureau a l'arret",
    "entreprise a l'arret",
    "on perd toutes les commandes",
    "on perd des commandes",
    "on perd des ventes",
    "perdons des commandes",
    "personne peut payer",
    "personne ne peut payer",
    "keiner im buro",
    "niemand im buro",
    "buro steht still",
    "firma steht still",
    "verlieren bestellungen",
    "verlieren jede minute",
    "verlieren umsatz",
    "niemand kann bezahlen",
    "ufficio fermo",
    "azienda ferma",
    "nessuno dei nostri dipendenti",
    "nessuno in ufficio",
    "stiamo perdendo ordini",
    "perdendo vendite",
    "nessuno riesce a pagare",
    "semua karyawan kantor",
    "semua karyawan kami",
    "kerjaan stop",
    "kantor lumpuh",
    "order ilang semua",
    "orderan ilang semua",
    "kehilangan order",
    "kehilangan penjualan",
    "pembeli gak bisa bayar",
];

/// Out of order, said of a till (read as `OUT_OF_ORDER`'s).
pub(in crate::core::triage) const OUT_OF_ORDER_MORE: &[&str] =
    &["parou", "pararam", "mort", "morte", "plante", "hs"];
