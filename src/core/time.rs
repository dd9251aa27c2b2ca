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

fn to_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<u64> {
    let valid = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s < 61;
    if !valid {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64;
    u64::try_from(secs).ok().map(|s| s * 1000)
}

/// `2026-11-25T06:38:33Z` or `2026-11-25T06:38:33.123Z` (UTC).
pub fn parse_iso8601_ms(s: &str) -> Option<u64> {
    let b = s.trim();
    let num = |r: std::ops::Range<usize>| b.get(r)?.parse::<u32>().ok();
    if b.len() < 20 || &b[4..5] != "-" || &b[10..11] != "T" {
        return None;
    }
    let base = to_ms(
        num(0..4)? as i64,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )?;
    let millis = match b.get(19..20) {
        Some(".") => {
            let frac: String = b[20..]
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            format!("{frac:0<3}").parse::<u64>().ok()?
        }
        _ => 0,
    };
    Some(base + millis)
}

/// `Wed, 25 Nov 2026 06:38:33 +0000` (offset must be +0000, as Twilio sends).
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
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, sec] = t.as_slice() else {
        return None;
    };
    to_ms(year.parse().ok()?, mo, day.parse().ok()?, *h, *mi, *sec)
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
}
