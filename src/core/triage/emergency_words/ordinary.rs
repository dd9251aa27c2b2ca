//! What makes an older emergency class's words an ordinary message (the adversarial review
//! `triage-probe-review-older-classes.tsv`: 56 of 84 ordinary messages were urgent): said to
//! be no hurry; a medicine's coupon or an order for a later day; a flight's baggage allowance;
//! papers for one's accountant; someone from the company itself; a loss years ago; money moved
//! to savings.

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

/// One's accountant: papers for an appointment with them, not an authority's deadline
/// ("the Receita Federal papers, I take them to my accountant tomorrow").
pub(in crate::core::triage) const ACCOUNTANT: WordList = word_list![
    "accountant",
    "tax advisor",
    "contador",
    "contadora",
    "gestor",
    "gestoria",
    "contabilista",
    "comptable",
    "expert comptable",
    "steuerberater",
    "steuerberaterin",
    "commercialista",
    "konsultan pajak",
];

/// Someone from the company itself ("someone from your team called me"): not a stranger.
pub(in crate::core::triage) const FROM_YOU: WordList = word_list![
    "from your team",
    "from ur team",
    "from your company",
    "from you guys",
    "de ustedes",
    "de su equipo",
    "de vcs",
    "de voces",
    "de chez vous",
    "von euch",
    "von ihnen",
    "di voi",
    "dari kalian",
    "dari cs",
];

/// Said to be from the company, by someone who may not be (read with `FROM_YOU`).
pub(in crate::core::triage) const CLAIMED: WordList = word_list![
    "saying",
    "said",
    "claiming",
    "claimed",
    "diciendo",
    "dijo",
    "dizendo",
    "disse",
    "disant",
    "pretendant",
    "angeblich",
    "behauptet",
    "dicendo",
    "diceva",
    "ngaku",
    "mengaku",
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
