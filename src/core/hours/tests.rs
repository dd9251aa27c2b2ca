use super::*;

/// Milliseconds of a UTC wall-clock time.
fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> u64 {
    ((civil::days_from(y, mo, d) * 86_400 + h * 3600 + mi * 60) * 1000) as u64
}

fn berlin() -> BusinessHours {
    BusinessHours::parse(
        "mon-fri 09:00-17:30; sat 10:00-14:00",
        Some("Europe/Berlin"),
        Some("2026-12-25, 2026-12-31..2027-01-01"),
    )
    .unwrap()
}

#[test]
fn every_shipped_zone_rule_reads_and_the_table_is_sorted() {
    for (name, rule) in zones::ZONES {
        assert!(Rule::parse(rule).is_some(), "{name}: {rule}");
    }
    assert!(zones::ZONES.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(zone_rule("UTC").is_some());
    assert!(zone_rule("Europe/Atlantis").is_none());
}

/// Offsets and transition instants checked against Python's `zoneinfo` (tzdata 2025b) for
/// 2026: north (Berlin, New York), south (Sydney), negative DST (Dublin), half hours (St
/// John's), none (Kolkata, São Paulo).
#[test]
fn offsets_match_tzdata_around_the_2026_transitions() {
    let cases: &[(&str, i64, i64, i64)] = &[
        // zone, transition (UTC seconds), offset before, offset after
        ("Europe/Berlin", 1_774_746_000, 3600, 7200),
        ("Europe/Berlin", 1_792_890_000, 7200, 3600),
        ("America/New_York", 1_772_953_200, -18_000, -14_400),
        ("America/New_York", 1_793_512_800, -14_400, -18_000),
        ("Australia/Sydney", 1_775_318_400, 39_600, 36_000),
        ("Australia/Sydney", 1_791_043_200, 36_000, 39_600),
        ("Europe/Dublin", 1_774_746_000, 0, 3600),
        ("Europe/Dublin", 1_792_890_000, 3600, 0),
        ("America/St_Johns", 1_772_947_800, -12_600, -9000),
    ];
    for (zone, at, before, after) in cases {
        let rule = zone_rule(zone).unwrap();
        assert_eq!(rule.offset_at(at - 1), *before, "{zone} before {at}");
        assert_eq!(rule.offset_at(*at), *after, "{zone} at {at}");
    }
    for zone in ["Asia/Kolkata", "America/Sao_Paulo"] {
        let rule = zone_rule(zone).unwrap();
        let off = rule.offset_at(1_780_000_000);
        assert_eq!(rule.offset_at(1_790_000_000), off, "{zone}");
    }
}

#[test]
fn open_inside_the_schedule_closed_outside_it() {
    let h = berlin();
    // Wednesday 2026-06-10: CEST (UTC+2). 09:00 local is 07:00 UTC.
    assert!(!h.is_open(utc(2026, 6, 10, 6, 59)));
    assert!(h.is_open(utc(2026, 6, 10, 7, 0)));
    assert!(h.is_open(utc(2026, 6, 10, 15, 29)));
    assert!(!h.is_open(utc(2026, 6, 10, 15, 30)));
    // Saturday 10:00-14:00, Sunday closed.
    assert!(h.is_open(utc(2026, 6, 13, 9, 0)));
    assert!(!h.is_open(utc(2026, 6, 14, 9, 0)));
    // Winter (CET, UTC+1): 09:00 local is 08:00 UTC.
    assert!(!h.is_open(utc(2026, 1, 14, 7, 30)));
    assert!(h.is_open(utc(2026, 1, 14, 8, 0)));
}

#[test]
fn the_dst_change_day_moves_the_hours_in_utc() {
    let h = BusinessHours::parse("mon-sun 08:00-18:00", Some("Europe/Berlin"), None).unwrap();
    // Sunday 2026-03-29: clocks go from 02:00 CET to 03:00 CEST. 08:00 local is 06:00 UTC
    // that day, 07:00 UTC the day before.
    assert!(!h.is_open(utc(2026, 3, 28, 6, 30)));
    assert!(h.is_open(utc(2026, 3, 28, 7, 0)));
    assert!(h.is_open(utc(2026, 3, 29, 6, 0)));
    assert!(!h.is_open(utc(2026, 3, 29, 5, 59)));
    assert!(!h.is_open(utc(2026, 3, 29, 16, 0)));
    // New York changes on another Sunday (2026-03-08), at its own 02:00.
    let ny = BusinessHours::parse("mon-fri 09:00-17:00", Some("America/New_York"), None).unwrap();
    assert!(ny.is_open(utc(2026, 3, 6, 14, 0))); // Friday, EST: 09:00
    assert!(!ny.is_open(utc(2026, 3, 9, 12, 59))); // Monday, EDT: 08:59
    assert!(ny.is_open(utc(2026, 3, 9, 13, 0)));
}

#[test]
fn holidays_close_the_whole_day_and_the_period_runs_to_the_next_opening() {
    let h = berlin();
    // Friday 2026-12-25 at noon: a holiday.
    assert!(!h.is_open(utc(2026, 12, 25, 11, 0)));
    // Thursday evening, Friday (holiday), Saturday morning: one closed period, ending on
    // Saturday 2026-12-26 at 10:00 local.
    let saturday_ten = (civil::days_from(2026, 12, 26) * 1440 + 600) as u64;
    for at in [
        utc(2026, 12, 24, 17, 0),
        utc(2026, 12, 25, 11, 0),
        utc(2026, 12, 26, 8, 59),
    ] {
        assert_eq!(h.closed_period(at), Some(saturday_ten));
    }
    // After Saturday's hours: the next period, ending on Monday 2026-12-28 at 09:00.
    let monday = (civil::days_from(2026, 12, 28) * 1440 + 540) as u64;
    assert_eq!(h.closed_period(utc(2026, 12, 26, 14, 0)), Some(monday));
    assert_eq!(h.closed_period(utc(2026, 12, 28, 8, 0)), None);
}

#[test]
fn a_schedule_is_read_in_its_forms_and_refused_by_name() {
    let h = BusinessHours::parse(
        "Mon,Wed-Thu 09:00-12:30,13:30-17:00; sat-sun 00:00-24:00",
        Some("UTC"),
        None,
    )
    .unwrap();
    assert_eq!(h.week[0], vec![(540, 750), (810, 1020)]);
    assert!(h.week[1].is_empty());
    assert_eq!(h.week[6], vec![(0, 1440)]);
    // A range that wraps the week.
    let wrap = BusinessHours::parse("fri-mon 10:00-11:00", Some("UTC"), None).unwrap();
    assert!(!wrap.week[0].is_empty() && !wrap.week[4].is_empty() && wrap.week[2].is_empty());
    for bad in [
        "weekdays 9-5",
        "mon 09:00",
        "mon 17:00-09:00",
        "mon 09:00-25:00",
        "mon",
        "",
    ] {
        let err = BusinessHours::parse(bad, Some("UTC"), None).unwrap_err();
        assert_eq!(err[0].0, "BUSINESS_HOURS", "{bad:?}");
    }
    let err = BusinessHours::parse("mon 09:00-17:00", Some("Mars/Olympus"), None).unwrap_err();
    assert_eq!(err[0].0, "BUSINESS_TIMEZONE");
    let err = BusinessHours::parse("mon 09:00-17:00", Some("Africa/Casablanca"), None).unwrap_err();
    assert_eq!(err[0].0, "BUSINESS_TIMEZONE");
    assert!(err[0].1.contains("Ramadan"));
    let err = BusinessHours::parse("mon 09:00-17:00", None, None).unwrap_err();
    assert_eq!(err[0].0, "BUSINESS_TIMEZONE");
    for bad in ["2026-02-30", "25.12.2026", "2027-01-02..2026-12-31"] {
        let err = BusinessHours::parse("mon 09:00-17:00", Some("UTC"), Some(bad)).unwrap_err();
        assert_eq!(err[0].0, "BUSINESS_HOLIDAYS", "{bad:?}");
    }
}

#[test]
fn the_calendar_round_trips() {
    for days in [-1, 0, 59, 365, 10_956, 20_000, 2_932_896] {
        let (y, m, d) = civil::from_days(days);
        assert_eq!(civil::days_from(y, m, d), days);
    }
    // 2026-03-29 is a Sunday.
    let day = civil::days_from(2026, 3, 29);
    assert_eq!(civil::weekday(day), 0);
    assert_eq!(civil::weekday_from_monday(day), 6);
}
