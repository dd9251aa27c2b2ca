//! The two timestamp formats the APIs answer with, as Unix milliseconds (UTC only, which is
//! what both send): Zendesk's ISO 8601 `2026-11-25T06:38:33Z` and Twilio's RFC 2822
//! `Wed, 25 Nov 2026 06:38:33 +0000`.

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp as i64 + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date that exists (no 30 February) and a time of day (a leap second's `:60` allowed).
fn to_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<u64> {
    let valid = (1..=12).contains(&mo)
        && (1..=days_in_month(y, mo)).contains(&d)
        && h < 24
        && mi < 60
        && s < 61;
    if !valid {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    u64::try_from(secs).ok()?.checked_mul(1000)
}

/// The value of `text` if it is 1 to `max_len` ASCII digits (at most 9, so it fits a `u32`).
/// `str::parse` is not used: it also takes a leading `+`.
fn ascii_number(text: &[u8], max_len: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max_len.min(9) || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `2026-11-25T06:38:33Z`, `2026-11-25T06:38:33.123Z` or with `+00:00` for the `Z` (UTC only:
/// another offset is refused rather than misread). Reads bytes, never slices the `str`, so no
/// input (a non-ASCII digit included) can panic.
pub fn parse_iso8601_ms(s: &str) -> Option<u64> {
    let b = s.trim().as_bytes();
    let num = |at: usize, len: usize| ascii_number(b.get(at..at + len)?, len);
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !punctuation.iter().all(|&(at, c)| b.get(at) == Some(&c)) {
        return None;
    }
    let base = to_ms(
        i64::from(num(0, 4)?),
        num(5, 2)?,
        num(8, 2)?,
        num(11, 2)?,
        num(14, 2)?,
        num(17, 2)?,
    )?;
    let rest = b.get(19..)?;
    let (millis, zone) = match rest.strip_prefix(b".") {
        Some(fraction) => {
            let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            // Milliseconds: the first three digits, right-padded ("29" is 290 ms).
            let kept = &fraction[..digits.min(3)];
            let millis = ascii_number(kept, 3)? * 10u32.pow(3 - kept.len() as u32);
            (u64::from(millis), &fraction[digits..])
        }
        None => (0, rest),
    };
    match zone {
        b"Z" | b"z" | b"+00:00" => Some(base + millis),
        _ => None,
    }
}

/// `Wed, 25 Nov 2026 06:38:33 +0000` (offset must be +0000 or GMT, as Twilio sends).
pub fn parse_rfc2822_ms(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, zone] = parts.as_slice() else {
        return None;
    };
    if *zone != "+0000" && *zone != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mo = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let t: Vec<u32> = time
        .split(':')
        .map(|p| ascii_number(p.as_bytes(), 2))
        .collect::<Option<_>>()?;
    let [h, mi, sec] = t.as_slice() else {
        return None;
    };
    // Four-digit years only: a longer one would overflow the day count.
    if year.len() != 4 {
        return None;
    }
    let year = ascii_number(year.as_bytes(), 4)?;
    let day = ascii_number(day.as_bytes(), 2)?;
    to_ms(i64::from(year), mo, day, *h, *mi, *sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_formats_to_the_same_instant() {
        let iso = parse_iso8601_ms("2026-11-25T06:38:33Z").unwrap();
        assert_eq!(iso, 1_795_588_713_000);
        assert_eq!(
            parse_rfc2822_ms("Wed, 25 Nov 2026 06:38:33 +0000"),
            Some(iso)
        );
        assert_eq!(parse_iso8601_ms("2026-11-25T06:38:33.29Z"), Some(iso + 290));
        assert_eq!(parse_iso8601_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso8601_ms("2024-02-29T12:00:00Z"),
            Some(1_709_208_000_000)
        );
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-11-25 06:38:33Z",
        ] {
            assert_eq!(parse_iso8601_ms(bad), None, "{bad}");
        }
        assert_eq!(parse_rfc2822_ms("Wed, 25 Nov 2026 06:38:33 +0100"), None);
        assert_eq!(parse_rfc2822_ms("Wed, 25 Foo 2026 06:38:33 +0000"), None);
        assert_eq!(parse_rfc2822_ms("nonsense"), None);
    }

    #[test]
    fn non_ascii_and_odd_input_is_refused_without_a_panic() {
        for bad in [
            "2026-11-2\u{665}T06:38:33Z",
            "\u{662}\u{660}\u{662}\u{666}-11-25T06:38:33Z",
            "2026-11-25T06:38:33.\u{665}Z",
            "2026\u{2010}11-25T06:38:33Z",
            "2026-+1-25T06:38:33Z",
            "2026-11-25T06:38:33+01:00",
            "2026-02-30T00:00:00Z",
            "2026-11-25T06:38:33",
            "2026-11-25T06:38:33.Z",
        ] {
            assert_eq!(parse_iso8601_ms(bad), None, "{bad}");
        }
        for bad in [
            "Wed, 25 Nov 9223372036854775807 06:38:33 +0000",
            "Wed, +5 Nov 2026 06:38:33 +0000",
            "Wed, 2\u{665} Nov 2026 06:38:33 +0000",
            "Wed, 25 Nov 2026 06:+8:33 +0000",
            "Wed, 31 Nov 2026 06:38:33 +0000",
        ] {
            assert_eq!(parse_rfc2822_ms(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// The civil date of a day count (the inverse of `days_from_civil`, Hinnant's algorithm):
    /// the tests' own formatter, so that a parsed timestamp can be compared with its source.
    fn civil_from_days(z: i64) -> (i64, u32, u32) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }

    /// (y, mo, d, h, mi, s) of a Unix time in milliseconds.
    fn fields(ms: u64) -> (i64, u32, u32, u64, u64, u64) {
        let secs = ms / 1000;
        let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
        let t = secs % 86_400;
        (y, mo, d, t / 3600, t / 60 % 60, t % 60)
    }

    fn iso(ms: u64, with_millis: bool) -> String {
        let (y, mo, d, h, mi, s) = fields(ms);
        let frac = if with_millis {
            format!(".{:03}", ms % 1000)
        } else {
            String::new()
        };
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
    }

    fn rfc2822(ms: u64) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, mo, d, h, mi, s) = fields(ms);
        let month = MONTHS[mo as usize - 1];
        format!("Wed, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} +0000")
    }

    /// Up to 9999-12-31T23:59:59.999Z, the last instant four-digit years can write.
    const LAST_MS: u64 = 253_402_300_799_999;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any text, non-ASCII included: an answer, never a panic.
        #[test]
        fn any_text_is_read_or_refused(s in "\\PC{0,40}", t in any::<String>()) {
            let _ = parse_iso8601_ms(&s);
            let _ = parse_rfc2822_ms(&s);
            let _ = parse_iso8601_ms(&t);
            let _ = parse_rfc2822_ms(&t);
        }

        /// A valid timestamp with one character replaced by any other (a non-ASCII digit, a
        /// sign, a multi-byte letter): near-misses reach every branch, and none panics.
        #[test]
        fn near_misses_never_panic(ms in 0..=LAST_MS, at in 0usize..32, c in any::<char>()) {
            for text in [iso(ms, true), rfc2822(ms)] {
                let mut chars: Vec<char> = text.chars().collect();
                let i = at % chars.len();
                chars[i] = c;
                let changed: String = chars.into_iter().collect();
                let _ = parse_iso8601_ms(&changed);
                let _ = parse_rfc2822_ms(&changed);
            }
        }

        /// What is written in either format reads back as the same instant.
        #[test]
        fn valid_timestamps_round_trip(ms in 0..=LAST_MS) {
            prop_assert_eq!(parse_iso8601_ms(&iso(ms, true)), Some(ms));
            let whole_seconds = ms - ms % 1000;
            prop_assert_eq!(parse_iso8601_ms(&iso(ms, false)), Some(whole_seconds));
            prop_assert_eq!(parse_rfc2822_ms(&rfc2822(ms)), Some(whole_seconds));
        }
    }
}
