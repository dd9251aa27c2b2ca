//! Business hours: a weekly schedule in an IANA time zone, with holiday dates
//! (`BUSINESS_HOURS`, `BUSINESS_TIMEZONE`, `BUSINESS_HOLIDAYS`; docs/behaviour.md).
//!
//! The time zone is the zone's current POSIX rule (`posix`, from the table `zones` generated
//! from tzdata): business hours only ask about now, so the zone's history is not needed, and
//! the table costs a few KiB where a full time-zone database crate costs hundreds
//! (docs/behaviour.md, "Business hours", has the measurement).
//!
//! Each closed period is named by when it ends, the next opening (local minutes since the
//! epoch): the conversation remembers the one it announced and says it once per period.

mod posix;
mod zones;

use posix::Rule;

/// Minutes in a day; the end of a range may be `24:00`.
const DAY_MINUTES: u16 = 24 * 60;
/// How far ahead the next opening is looked for (a year of holidays and then some).
const LOOKAHEAD_DAYS: i64 = 400;
/// The closed period that never ends (no opening within `LOOKAHEAD_DAYS`).
pub const NEVER_REOPENS: u64 = u64::MAX;

/// What `BUSINESS_HOURS` says, read in `BUSINESS_TIMEZONE`, minus `BUSINESS_HOLIDAYS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    /// Per weekday, Monday first: the open ranges in minutes after local midnight, sorted.
    week: [Vec<(u16, u16)>; 7],
    zone: Rule,
    /// Days (local, days since the epoch) closed all day, sorted.
    holidays: Vec<i64>,
}

impl BusinessHours {
    /// Reads the three settings; each error is (variable, what is expected), never the value.
    pub fn parse(
        hours: &str,
        zone: Option<&str>,
        holidays: Option<&str>,
    ) -> Result<BusinessHours, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let week = parse_week(hours).unwrap_or_else(|| {
            errors.push(("BUSINESS_HOURS", EXPECTED_HOURS));
            Default::default()
        });
        let zone = match zone {
            None => {
                errors.push((
                    "BUSINESS_TIMEZONE",
                    "must be set with BUSINESS_HOURS: an IANA time zone such as Europe/Berlin",
                ));
                None
            }
            Some(name) if RAMADAN_ZONES.contains(&name) => {
                errors.push(("BUSINESS_TIMEZONE", "names a zone whose clocks change with Ramadan each year (Morocco), which this version cannot follow: use a fixed offset such as Etc/GMT-1"));
                None
            }
            Some(name) => {
                let rule = zone_rule(name);
                if rule.is_none() {
                    errors.push((
                        "BUSINESS_TIMEZONE",
                        "must be an IANA time zone such as Europe/Berlin or America/Sao_Paulo",
                    ));
                }
                rule
            }
        };
        let holidays = holidays.map_or(Some(Vec::new()), parse_holidays);
        if holidays.is_none() {
            errors.push(("BUSINESS_HOLIDAYS", EXPECTED_HOLIDAYS));
        }
        match (zone, holidays) {
            (Some(zone), Some(holidays)) if errors.is_empty() => Ok(BusinessHours {
                week,
                zone,
                holidays,
            }),
            _ => Err(errors),
        }
    }

    /// Open at this instant (milliseconds since the epoch)?
    pub fn is_open(&self, now_ms: u64) -> bool {
        self.closed_period(now_ms).is_none()
    }

    /// `None` while open; else the closed period this instant is in, named by when it ends
    /// (the next opening, local minutes since the epoch; `NEVER_REOPENS` when none is near).
    pub fn closed_period(&self, now_ms: u64) -> Option<u64> {
        let utc = (now_ms / 1000) as i64;
        let local = utc + self.zone.offset_at(utc);
        let today = local.div_euclid(86_400);
        let minute = (local.rem_euclid(86_400) / 60) as u16;
        let ranges = |day: i64| -> &[(u16, u16)] {
            if self.holidays.binary_search(&day).is_ok() {
                &[]
            } else {
                &self.week[civil::weekday_from_monday(day) as usize]
            }
        };
        if ranges(today)
            .iter()
            .any(|(from, to)| *from <= minute && minute < *to)
        {
            return None;
        }
        for day in today..today + LOOKAHEAD_DAYS {
            let next = ranges(day)
                .iter()
                .map(|(from, _)| *from)
                .find(|from| day > today || *from > minute);
            if let Some(from) = next {
                return Some((day * DAY_MINUTES as i64 + i64::from(from)) as u64);
            }
        }
        Some(NEVER_REOPENS)
    }
}

const EXPECTED_HOURS: &str = "must be a weekly schedule such as mon-fri 09:00-17:30; sat 10:00-14:00 (days mon..sun, ranges HH:MM-HH:MM, several separated by commas)";
const EXPECTED_HOLIDAYS: &str =
    "must be comma-separated dates such as 2026-12-25, 2026-12-31..2027-01-01";

/// Zones whose coming transitions tzdata lists one by one (Morocco's clocks change around
/// Ramadan) instead of by a rule: the rule of their TZif footer is wrong for years to come.
/// Every other zone's rule gives the offset Python's `zoneinfo` gives at every transition of
/// 2026 to 2028 (checked when the table was generated; docs/behaviour.md).
const RAMADAN_ZONES: &[&str] = &["Africa/Casablanca", "Africa/El_Aaiun"];

/// The current rule of an IANA zone (`UTC` too), by exact name.
fn zone_rule(name: &str) -> Option<Rule> {
    let i = zones::ZONES
        .binary_search_by(|(zone, _)| zone.cmp(&name))
        .ok()?;
    Rule::parse(zones::ZONES[i].1)
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `mon-fri 09:00-12:30,13:30-17:30; sat 10:00-14:00`: entries separated by `;`, each days
/// (one, a range that may wrap, or a comma list of those) and one or more time ranges.
fn parse_week(raw: &str) -> Option<[Vec<(u16, u16)>; 7]> {
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (days, times) = entry.split_once(char::is_whitespace)?;
        let mut ranges = Vec::new();
        for range in times.split(',').map(str::trim) {
            let (from, to) = range.split_once('-')?;
            let (from, to) = (minutes(from.trim())?, minutes(to.trim())?);
            if from >= to {
                return None;
            }
            ranges.push((from, to));
        }
        for part in days.split(',') {
            let day = |d: &str| DAYS.iter().position(|x| x.eq_ignore_ascii_case(d.trim()));
            let (first, last) = match part.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None => (day(part)?, day(part)?),
            };
            let mut d = first;
            loop {
                week[d].extend(ranges.iter().copied());
                if d == last {
                    break;
                }
                d = (d + 1) % 7;
            }
        }
    }
    for day in week.iter_mut() {
        day.sort_unstable();
    }
    week.iter().any(|d| !d.is_empty()).then_some(week)
}

/// `09:30` in minutes after midnight; `24:00` is the end of the day.
fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h * 60 + m;
    (m < 60 && total <= DAY_MINUTES).then_some(total)
}

/// `2026-12-25, 2026-12-31..2027-01-02`: dates and inclusive ranges, as local days.
fn parse_holidays(raw: &str) -> Option<Vec<i64>> {
    let mut days = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (from, to) = match item.split_once("..") {
            Some((a, b)) => (date(a.trim())?, date(b.trim())?),
            None => (date(item)?, date(item)?),
        };
        if to < from || to - from > 366 {
            return None;
        }
        days.extend(from..=to);
    }
    days.sort_unstable();
    days.dedup();
    Some(days)
}

/// `YYYY-MM-DD` as days since the epoch.
fn date(s: &str) -> Option<i64> {
    let mut parts = s.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let ok = (1970..=9999).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= civil::days_in_month(y, m);
    ok.then(|| civil::days_from(y, m, d))
}

/// The proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`, `civil_from_days`).
pub(crate) mod civil {
    pub fn days_from(y: i64, m: u32, d: u32) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> (i64, u32, u32) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }

    /// 0 Sunday .. 6 Saturday (1970-01-01 was a Thursday).
    pub fn weekday(days: i64) -> u32 {
        (days + 4).rem_euclid(7) as u32
    }

    /// 0 Monday .. 6 Sunday.
    pub fn weekday_from_monday(days: i64) -> u32 {
        (days + 3).rem_euclid(7) as u32
    }

    pub fn days_in_month(y: i64, m: u32) -> u32 {
        match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

#[cfg(test)]
mod tests;
