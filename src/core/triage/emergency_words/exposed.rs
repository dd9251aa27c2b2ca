//! The tenth pass's emergency words (`emergency_exposed.rs`), from a helper-written set of
//! emergencies (`triage-probe-emergencies-i.tsv`): personal data shown or sent to someone else,
//! money just sent to someone posing as the company, an allergic reaction by the breath, a very
//! old parent.

use crate::core::text::{word_list, WordList};

/// A data leak by its name.
pub(in crate::core::triage) const DATA_LEAK: WordList = word_list![
    "data leak",
    "data breach",
    "leaked my data",
    "my data leaked",
    "fuga de datos",
    "filtracion de datos",
    "brecha de datos",
    "vazamento de dados",
    "vazaram meus dados",
    "fuite de donnees",
    "violation de donnees",
    "datenleck",
    "datenpanne",
    "datenschutzverletzung",
    "violazione dei dati",
    "fuga di dati",
    "data bocor",
    "data pelanggan bocor",
    "kebocoran data",
];

/// Someone else's (data): beside a kind of personal data (`PERSONAL_DATA`).
pub(in crate::core::triage) const OTHERS: WordList = word_list![
    "another customer's",
    "another customers",
    "someone else's",
    "someone elses",
    "another person's",
    "a stranger's",
    "de otro cliente",
    "de otra clienta",
    "de otra persona",
    "de outro cliente",
    "de outra cliente",
    "de outra pessoa",
    // Read after elisions are taken off (`problems::unelide`): "d'une autre" is "une autre".
    "un autre client",
    "une autre cliente",
    "une autre personne",
    "eines anderen kunden",
    "einer anderen kundin",
    "einer anderen person",
    "an eine fremde",
    "an einen fremden",
    "di un altro cliente",
    "di altra cliente",
    "di altra persona",
    "pelanggan lain",
    "orang lain",
];

/// Personal data that identifies or describes someone (not a parcel's address alone: "a parcel
/// for someone else's address" is not a leak).
pub(in crate::core::triage) const PERSONAL_DATA: WordList = word_list![
    "personal data",
    "personal details",
    "id number",
    "passport number",
    "phone number",
    "date of birth",
    "medical",
    "diagnosis",
    "datos personales",
    "dni",
    "telefono",
    "dados pessoais",
    "cpf",
    "donnees personnelles",
    "numero de tel",
    "numero de telephone",
    "dossier medical",
    "personenbezogene daten",
    "diagnose",
    "arztbericht",
    "befund",
    "geburtsdatum",
    "dati personali",
    "codice fiscale",
    "cartella clinica",
    "ktp",
    "nik",
    "data pribadi",
];

/// Money just sent (to someone posing as the company: `IMPERSONATED`).
pub(in crate::core::triage) const SENT_MONEY: WordList = word_list![
    "transferred",
    "zelle",
    "venmo",
    "mpesa",
    "pago movil",
    "le mande",
    "transferi",
    "pix",
    "vire",
    "wave",
    "orange money",
    "uberwiesen",
    "bonifico",
    "transfer",
    "tf",
    "paypal",
    "wired",
    "bank transfer",
    "mandei dinheiro",
    "virement",
    "ricarica",
    "postepay",
];

/// Posing as the company, said in ways the account rules' list (`IMPERSONATED`) does not hold.
pub(in crate::core::triage) const POSING: WordList = word_list![
    "faux agent",
    "fake agent",
    "fake support",
    "fake customer service",
    "falso soporte",
    "falso agente",
    "falso atendente",
    "als euer support",
    "als ihr support",
    "ausgegeben hat",
    "ausgegeben haben",
    "falso operatore",
    "ngaku cs",
];

/// Breathing badly (beside an allergy or a person: an allergic reaction).
pub(in crate::core::triage) const BREATHLESS: WordList = word_list![
    "can't breathe",
    "cant breathe",
    "trouble breathing",
    "hard to breathe",
    "struggling to breathe",
    "throat is closing",
    "throat closing",
    "no puede respirar",
    "le cuesta respirar",
    "se le cierra la garganta",
    "nao consegue respirar",
    "garganta fechando",
    "garganta ta fechando",
    "garganta esta fechando",
    "mal a respirer",
    "du mal a respirer",
    "respire mal",
    "bekommt keine luft",
    "kriegt keine luft",
    "atemnot",
    "fa fatica a respirare",
    "non riesce a respirare",
    "respira male",
    "sesak napas",
    "sesak nafas",
    "susah napas",
    "susah nafas",
];

/// A parent or grandparent before their age ("Mum's 84", "Vater (78").
pub(in crate::core::triage) const ELDER: WordList = word_list![
    "mum's", "mom's", "dad's", "mum", "mom", "dad", "mother", "father", "madre", "padre", "mama",
    "papa", "mae", "pai", "mere", "pere", "mutter", "vater", "ibu", "bapak", "ayah",
];

/// A link clicked (a phishing message: with money or an account, `scammed`).
pub(in crate::core::triage) const PHISHED: WordList = word_list![
    "clicked link",
    "clicked a link",
    "clicked the link",
    "clicked on a link",
    "clicked on the link",
    "hice clic en un enlace",
    "di clic en un link",
    "di click en un link",
    "cliquei num link",
    "cliquei em um link",
    "cliquei no link",
    "clique sur un lien",
    "cliquer sur un lien",
    "auf einen link geklickt",
    "auf den link geklickt",
    "link geklickt",
    "cliccato su un link",
    "cliccato sul link",
    "klik link",
    "klik linknya",
    "pencet link",
];

/// Not (yet) sent: a customer asking whether an impostor is genuine before paying ("saya belum
/// transfer apa2") has lost nothing.
pub(in crate::core::triage) const NOT_YET: WordList = word_list![
    "not yet",
    "haven't sent",
    "havent sent",
    "haven't paid",
    "havent paid",
    "didn't send",
    "didnt send",
    "didn't pay",
    "didnt pay",
    "before i pay",
    "before paying",
    "todavia no",
    "aun no",
    "no he pagado",
    "no he mandado",
    "antes de pagar",
    "ainda nao",
    "nao paguei",
    "nao mandei",
    "pas encore",
    "avant de payer",
    "noch nicht",
    "nichts uberwiesen",
    "bevor ich zahle",
    "non ancora",
    "non ho pagato",
    "prima di pagare",
    "belum",
    "blm",
    "sebelum bayar",
    "sebelum transfer",
    "didn't click",
    "didnt click",
    "hung up",
    "ignored it",
    "no hice clic",
    "nao cliquei",
    "pas clique",
    "nicht geklickt",
    "non ho cliccato",
    "ga klik",
    "gak klik",
    "aufgelegt",
    "colgue",
    "desliguei",
    "raccroche",
    "riattaccato",
];

/// Credentials or card details given on a phishing page ("entered OTP", `coloquei os dados do
/// cartão`): beside a link clicked, the link worked.
pub(in crate::core::triage) const DISCLOSED: WordList = word_list![
    "entered",
    "typed",
    "put in my",
    "put my",
    "gave my",
    "filled in",
    "ingrese",
    "puse mis datos",
    "puse los datos",
    "meti mis datos",
    "coloquei",
    "digitei",
    "preenchi",
    "saisi",
    "rentre mes",
    "mis mes",
    "eingegeben",
    "inserito",
    "messo i dati",
    "masukin",
    "masukkan",
    "isi data",
    "ngisi",
];

/// Asking whether something may be done ("can I put someone else's phone number"): not a leak.
pub(in crate::core::triage) const MAY_I: WordList = word_list![
    "can i", "may i", "could i", "puedo", "se puede", "posso", "pode", "je peux", "puis je",
    "peut on", "kann ich", "darf ich", "boleh", "bisa ga",
];

/// Words that, shortly before a breathing phrase, say it is not happening ("I don't want him
/// struggling to breathe").
pub(in crate::core::triage) const NOT_BREATHING: WordList = word_list![
    "don't", "dont", "not", "nao", "pas", "nicht", "non", "tidak", "gak", "ga", "want", "quiero",
    "quero", "veux", "will", "voglio", "mau",
];
