//! The languages a sender's phone number suggests, from its country calling code: a prior for
//! the reply language when the message itself does not tell ("ok", "👍", a first message with
//! no word of any language). Never a reason to override what the text says.
//!
//! Codes from ITU-T's list of assigned country codes (E.164, "List of ITU-T Recommendation
//! E.164 assigned country codes", https://www.itu.int/pub/T-SP-E.164D); the languages are the
//! shipped ones (en, es, pt, fr, de, it, id) that most people of that country write in. Only
//! codes where that is clear are listed: a number from elsewhere (or a WhatsApp user id with no
//! number) suggests nothing.

/// What a calling code says about the sender's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberHint {
    /// The shipped languages written in that country, the most written first.
    pub languages: &'static [&'static str],
    /// Whether the first language may be chosen from the number alone (nothing in the text):
    /// true where a clear majority writes it (Germany, Brazil; Switzerland's German-speaking
    /// majority; the +1 area's English-speaking one), false where no shipped language has a
    /// clear majority (Belgium: Dutch is not shipped; Cameroon). Without it the number only
    /// decides between languages the text already hints at.
    pub alone: bool,
}

const fn one(language: &'static [&'static str]) -> NumberHint {
    NumberHint {
        languages: language,
        alone: true,
    }
}

const DE: NumberHint = one(&["de"]);
const PT: NumberHint = one(&["pt"]);
const FR: NumberHint = one(&["fr"]);
const IT: NumberHint = one(&["it"]);
const ES: NumberHint = one(&["es"]);
const EN: NumberHint = one(&["en"]);
const ID: NumberHint = one(&["id"]);

/// (calling code without `+`, hint). Looked up by the longest code that prefixes the number
/// (country codes are prefix-free: `+1` never starts another code).
const CODES: &[(&str, NumberHint)] = &[
    // German.
    ("49", DE),
    ("43", DE),
    ("423", DE),
    // Portuguese.
    ("55", PT),
    ("351", PT),
    ("244", PT),
    ("258", PT),
    ("238", PT),
    ("239", PT),
    ("245", PT),
    // Indonesian.
    ("62", ID),
    // French, including the overseas departments and the French-writing countries of Africa
    // (in the Maghreb French is the shipped language customers write in Latin script).
    ("33", FR),
    ("377", FR),
    ("262", FR),
    ("590", FR),
    ("594", FR),
    ("596", FR),
    ("687", FR),
    ("689", FR),
    ("508", FR),
    ("509", FR),
    ("221", FR),
    ("223", FR),
    ("224", FR),
    ("225", FR),
    ("226", FR),
    ("227", FR),
    ("228", FR),
    ("229", FR),
    ("235", FR),
    ("236", FR),
    ("241", FR),
    ("242", FR),
    ("243", FR),
    ("253", FR),
    ("257", FR),
    ("261", FR),
    ("269", FR),
    ("212", FR),
    ("213", FR),
    ("216", FR),
    // Italian.
    ("39", IT),
    ("378", IT),
    // Spanish: Spain and the Spanish-speaking Americas, Equatorial Guinea.
    ("34", ES),
    ("52", ES),
    ("53", ES),
    ("54", ES),
    ("56", ES),
    ("57", ES),
    ("58", ES),
    ("51", ES),
    ("591", ES),
    ("593", ES),
    ("595", ES),
    ("598", ES),
    ("502", ES),
    ("503", ES),
    ("504", ES),
    ("505", ES),
    ("506", ES),
    ("507", ES),
    ("240", ES),
    // English.
    ("44", EN),
    ("353", EN),
    ("61", EN),
    ("64", EN),
    ("27", EN),
    ("234", EN),
    ("233", EN),
    ("254", EN),
    ("256", EN),
    ("65", EN),
    ("63", EN),
    // Several shipped languages.
    (
        "1",
        NumberHint {
            languages: &["en", "es", "fr"],
            alone: true,
        },
    ),
    (
        "41",
        NumberHint {
            languages: &["de", "fr", "it"],
            alone: true,
        },
    ),
    (
        "32",
        NumberHint {
            languages: &["fr", "de"],
            alone: false,
        },
    ),
    (
        "352",
        NumberHint {
            languages: &["fr", "de"],
            alone: false,
        },
    ),
    // Malay is read by most as Indonesian is written; English is as common.
    (
        "60",
        NumberHint {
            languages: &["id", "en"],
            alone: false,
        },
    ),
    (
        "237",
        NumberHint {
            languages: &["fr", "en"],
            alone: false,
        },
    ),
];

/// Area codes of the North American Numbering Plan (`+1`) where most people write another
/// shipped language than English: Québec's (French; 263, 354, 367 and 468 are the overlays added
/// in 2022), Puerto Rico's and the Dominican Republic's (Spanish). From NANPA's list of area
/// codes by location (https://www.nationalnanpa.com/enas/geoAreaCodeNumberReport.do).
const NANP_AREAS: &[(&str, NumberHint)] = &[
    ("418", QUEBEC),
    ("581", QUEBEC),
    ("367", QUEBEC),
    ("450", QUEBEC),
    ("579", QUEBEC),
    ("354", QUEBEC),
    ("514", QUEBEC),
    ("438", QUEBEC),
    ("263", QUEBEC),
    ("819", QUEBEC),
    ("873", QUEBEC),
    ("468", QUEBEC),
    ("787", SPANISH_CARIBBEAN),
    ("939", SPANISH_CARIBBEAN),
    ("809", SPANISH_CARIBBEAN),
    ("829", SPANISH_CARIBBEAN),
    ("849", SPANISH_CARIBBEAN),
];

const QUEBEC: NumberHint = NumberHint {
    languages: &["fr", "en"],
    alone: true,
};

const SPANISH_CARIBBEAN: NumberHint = NumberHint {
    languages: &["es", "en"],
    alone: true,
};

/// The hint of an E.164 number (`+4915…`) or a bare calling code (`+49`); None for anything
/// else (a WhatsApp user id, a code not listed). A `+1` number's area code may say more than
/// the calling code (`NANP_AREAS`).
pub fn hint(number: &str) -> Option<NumberHint> {
    let digits = number.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(area) = digits.strip_prefix('1').and_then(|d| d.get(..3)) {
        if let Some((_, h)) = NANP_AREAS.iter().find(|(a, _)| *a == area) {
            return Some(*h);
        }
    }
    (1..=3)
        .rev()
        .filter(|n| *n <= digits.len())
        .find_map(|n| CODES.iter().find(|(c, _)| *c == &digits[..n]))
        .map(|(_, h)| *h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_listed_code_that_prefixes_the_number_decides() {
        assert_eq!(
            hint("+4915112345678").map(|h| h.languages),
            Some(&["de"][..])
        );
        assert_eq!(
            hint("+351912345678").map(|h| h.languages),
            Some(&["pt"][..])
        );
        assert_eq!(hint("+35312345678").map(|h| h.languages), Some(&["en"][..]));
        assert_eq!(hint("+62"), Some(ID));
        assert!(!hint("+32470123456").unwrap().alone, "Belgium: no majority");
        assert_eq!(hint("+8613800000000"), None, "not listed");
        assert_eq!(hint("US.13491208655302741918"), None, "not a number");
        assert_eq!(hint("+"), None);
    }

    #[test]
    fn every_area_is_unique_and_names_shipped_languages() {
        for (i, (area, h)) in NANP_AREAS.iter().enumerate() {
            assert!(NANP_AREAS[i + 1..].iter().all(|(a, _)| a != area), "{area}");
            for l in h.languages {
                assert!(crate::core::language::packs::shipped(l).is_some(), "{l}");
            }
        }
    }

    #[test]
    fn a_north_american_numbers_area_code_can_say_french_or_spanish() {
        let plus_one: &[&str] = &["en", "es", "fr"];
        for (number, languages) in [
            ("+15145550123", &["fr", "en"][..]),
            ("+14185550123", &["fr", "en"]),
            ("+17875550123", &["es", "en"]),
            ("+18095550123", &["es", "en"]),
            // Toronto, New York, and the bare code: the +1 area's hint.
            ("+14165550123", plus_one),
            ("+12125550123", plus_one),
            ("+1", plus_one),
        ] {
            assert_eq!(
                hint(number).map(|h| h.languages),
                Some(languages),
                "{number}"
            );
        }
    }

    #[test]
    fn every_code_is_unique_and_names_shipped_languages() {
        for (i, (code, h)) in CODES.iter().enumerate() {
            assert!(CODES[i + 1..].iter().all(|(c, _)| c != code), "{code}");
            for l in h
                .languages
                .iter()
                .chain(NANP_AREAS.iter().flat_map(|(_, h)| h.languages))
            {
                assert!(crate::core::language::packs::shipped(l).is_some(), "{l}");
            }
        }
    }
}
