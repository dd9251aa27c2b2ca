//! What makes an older emergency class's words an ordinary message (the adversarial review
//! `triage-probe-review-older-classes.tsv`: 56 of 84 ordinary messages were urgent): said to
//! be no hurry; a medicine's coupon or an order for a later day; a flight's baggage allowance
//! asked; a loss years ago; money moved to savings. Each yields to a "but" after it, and the
//! loss years ago to one happening now (the review of these guards,
//! `triage-probe-review-guards.tsv`).

use crate::core::text::{word_list, WordList};

/// No hurry, said outright: no emergency class applies.
pub(in crate::core::triage) const CALM: WordList = word_list![
    "no rush",
    "no hurry",
    "whenever",
    "tranqui",
    "sin prisa",
    "sin apuro",
    "sem pressa",
    "pas presse",
    "pas pressee",
    "keine eile",
    "eilt nicht",
    "nessuna fretta",
    "con calma",
    "ga buru buru",
    "ga buru2",
    "gak buru2",
    "santai aja",
];

/// A price or a promotion: a medicine's coupon running out is no medicine running out.
pub(in crate::core::triage) const PRICE_OR_PROMO: WordList = word_list![
    "coupon",
    "discount",
    "promo",
    "promo code",
    "price",
    "cupon",
    "descuento",
    "precio",
    "cupom",
    "desconto",
    "preco",
    "remise",
    "code promo",
    "prix",
    "rabatt",
    "rabattcode",
    "gutschein",
    "preis",
    "sconto",
    "codice sconto",
    "prezzo",
    "kode promo",
    "diskon",
    "harga",
    "voucher",
];

/// What a traveller may take: a question about the flight, not a flight missed.
pub(in crate::core::triage) const ALLOWANCE: WordList = word_list![
    "carry on",
    "carry-on",
    "baggage",
    "luggage",
    "bags",
    "checked bag",
    "maletas",
    "malas",
    "valises",
    "koffer",
    "valigie",
    "hand luggage",
    "equipaje",
    "equipaje de mano",
    "bagagem",
    "bagagem de mao",
    "bagage",
    "bagages",
    "bagages cabine",
    "handgepack",
    "gepack",
    "bagaglio",
    "bagagli",
    "bagaglio a mano",
    "bagasi",
    "bagasi kabin",
];

/// Years, as counted back ("2 years ago", `hace 2 años`, `vor 2 Jahren`, `2 thn lalu`).
pub(in crate::core::triage) const YEARS: WordList = word_list![
    "year", "years", "yrs", "ano", "anos", "an", "ans", "jahr", "jahre", "jahren", "anno", "anni",
    "tahun", "thn",
];

/// Back in time, beside `YEARS` ("ago", "last", `hace`, `atrás`, `il y a`, `vor`, `fa`,
/// `lalu`).
pub(in crate::core::triage) const AGO: WordList = word_list![
    "ago", "last", "back", "hace", "pasado", "atras", "passado", "y", "dernier", "derniere", "vor",
    "letztes", "fa", "scorso", "lalu",
];

/// Moved by the customer (read with `SAVINGS`: "I moved everything to savings").
pub(in crate::core::triage) const MOVED: WordList = word_list![
    "moved",
    "transferred",
    "put",
    "pase",
    "movi",
    "transferi",
    "passei",
    "mis",
    "vire",
    "transfere",
    "geschoben",
    "uberwiesen",
    "verschoben",
    "spostato",
    "spostati",
    "trasferito",
    "pindahin",
    "pindahkan",
    "mindahin",
];

/// Because: money moved to savings "because I moved it" is no money gone; moved yesterday and
/// gone today is.
pub(in crate::core::triage) const BECAUSE: WordList = word_list![
    "because",
    "bc",
    "cause",
    "porque",
    "pq",
    "por que",
    "parce que",
    "weil",
    "perche",
    "karena",
    "soalnya",
    "krn",
];

/// A quantity asked: a baggage allowance ("how many bags can I take").
pub(in crate::core::triage) const QUANTITY_ASKED: WordList = word_list![
    "how many",
    "how much",
    "limit",
    "allowed",
    "can i bring",
    "can i take",
    "cuanto",
    "cuantas",
    "cuantos",
    "puedo llevar",
    "quanto",
    "quantas",
    "quantos",
    "limite",
    "posso levar",
    "combien",
    "wie viel",
    "wieviel",
    "darf ich",
    "quanti",
    "quante",
    "posso portare",
    "berapa",
    "maks",
    "max",
];

/// But: what follows a guard word says more ("no rush on the refund, but someone is using my
/// card right now").
pub(in crate::core::triage) const CONTRAST: WordList = word_list![
    "but",
    "however",
    "pero",
    "sin embargo",
    "mas",
    "porem",
    "mais",
    "cependant",
    "aber",
    "jedoch",
    "ma",
    "tapi",
    "tetapi",
    "namun",
];

/// Now: a loss told as happening, beside one years ago ("lost my wallet 2 years ago, now my
/// phone just got stolen").
pub(in crate::core::triage) const NOW: WordList = word_list![
    "now",
    "just",
    "today",
    "right now",
    "ahora",
    "ahorita",
    "recien",
    "hoy",
    "agora",
    "hoje",
    "acabou de",
    "maintenant",
    "aujourd'hui",
    "jetzt",
    "grad",
    "gerade",
    "eben",
    "heute",
    "adesso",
    "ora",
    "oggi",
    "appena",
    "sekarang",
    "baru",
    "tadi",
    "barusan",
];

/// Savings: money moved there is not gone.
pub(in crate::core::triage) const SAVINGS: WordList = word_list![
    "savings",
    "ahorro",
    "ahorros",
    "cuenta de ahorro",
    "poupanca",
    "epargne",
    "livret",
    "tagesgeld",
    "sparkonto",
    "conto deposito",
    "risparmi",
    "tabungan",
];
