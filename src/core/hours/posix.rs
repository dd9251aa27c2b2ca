//! A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`), the form every TZif file ends with for the
//! instants after its last listed transition (RFC 8536, section 3.3; POSIX.1-2017, section 8.3
//! `TZ`): the standard offset, and the daylight-saving offset with the two yearly transitions.
//! Only the `Mm.w.d` transition form occurs in tzdata's footers (`scripts/gen-zones.py`), so
//! only it is read; a rule with another form is refused, never guessed.

use super::civil;

/// A zone's offset from UTC, now and in the future: seconds east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Seconds east of UTC outside daylight-saving time.
    std_east: i64,
    dst: Option<Dst>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dst {
    east: i64,
    /// When daylight-saving time starts, in local standard time.
    start: Transition,
    /// When it ends, in local daylight-saving time.
    end: Transition,
}

/// `Mm.w.d/time`: day `d` (0 Sunday) of week `w` (5: the last) of month `m`, at `time`
/// seconds after local midnight (may be negative or past 24 hours: `M3.5.0/-1`, `/25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    month: u32,
    week: u32,
    weekday: u32,
    secs: i64,
}

impl Rule {
    pub fn parse(s: &str) -> Option<Rule> {
        let mut p = Parser { s: s.as_bytes() };
        p.name()?;
        // POSIX offsets are west of UTC (`CET-1` is UTC+1).
        let std_east = -p.offset()?;
        if p.s.is_empty() {
            return Some(Rule {
                std_east,
                dst: None,
            });
        }
        p.name()?;
        let dst_east = if p.s.first().is_some_and(|b| *b != b',') {
            -p.offset()?
        } else {
            std_east + 3600
        };
        p.expect(b',')?;
        let start = p.transition()?;
        p.expect(b',')?;
        let end = p.transition()?;
        p.s.is_empty().then_some(Rule {
            std_east,
            dst: Some(Dst {
                east: dst_east,
                start,
                end,
            }),
        })
    }

    /// The offset (seconds east of UTC) at this instant (seconds since the epoch).
    pub fn offset_at(&self, utc: i64) -> i64 {
        let Some(dst) = self.dst else {
            return self.std_east;
        };
        let (year, _, _) = civil::from_days((utc + self.std_east).div_euclid(86_400));
        let start = dst.start.local_secs(year) - self.std_east;
        let end = dst.end.local_secs(year) - dst.east;
        let in_dst = if start < end {
            start <= utc && utc < end
        } else {
            // The southern hemisphere (and Dublin's negative DST): the year starts in it.
            !(end <= utc && utc < start)
        };
        if in_dst {
            dst.east
        } else {
            self.std_east
        }
    }
}

impl Transition {
    /// The transition in `year`, in local seconds since the epoch.
    fn local_secs(&self, year: i64) -> i64 {
        let first = civil::days_from(year, self.month, 1);
        let first_weekday = civil::weekday(first);
        let mut day = 1 + (self.weekday + 7 - first_weekday) % 7 + (self.week - 1) * 7;
        let len = civil::days_in_month(year, self.month);
        while day > len {
            day -= 7;
        }
        (first + i64::from(day) - 1) * 86_400 + self.secs
    }
}

struct Parser<'a> {
    s: &'a [u8],
}

impl Parser<'_> {
    fn expect(&mut self, b: u8) -> Option<()> {
        let (first, rest) = self.s.split_first()?;
        (*first == b).then(|| self.s = rest)
    }

    /// `CET` or `<+03>`: only skipped (the gateway never shows a zone's abbreviation).
    fn name(&mut self) -> Option<()> {
        if self.expect(b'<').is_some() {
            let end = self.s.iter().position(|b| *b == b'>')?;
            self.s = &self.s[end + 1..];
            return Some(());
        }
        let len = self
            .s
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        self.s = &self.s[len..];
        (len >= 3).then_some(())
    }

    fn number(&mut self) -> Option<i64> {
        let len = self.s.iter().take_while(|b| b.is_ascii_digit()).count();
        let n = std::str::from_utf8(&self.s[..len]).ok()?.parse().ok()?;
        self.s = &self.s[len..];
        Some(n)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn offset(&mut self) -> Option<i64> {
        let sign = match self.s.first() {
            Some(b'-') => {
                self.s = &self.s[1..];
                -1
            }
            Some(b'+') => {
                self.s = &self.s[1..];
                1
            }
            _ => 1,
        };
        let mut secs = self.number()? * 3600;
        for unit in [60, 1] {
            if self.expect(b':').is_none() {
                break;
            }
            secs += self.number()? * unit;
        }
        Some(sign * secs)
    }

    fn transition(&mut self) -> Option<Transition> {
        self.expect(b'M')?;
        let month = self.number()?;
        self.expect(b'.')?;
        let week = self.number()?;
        self.expect(b'.')?;
        let weekday = self.number()?;
        let secs = if self.expect(b'/').is_some() {
            self.offset()?
        } else {
            2 * 3600
        };
        let ok = (1..=12).contains(&month) && (1..=5).contains(&week) && weekday <= 6;
        ok.then_some(Transition {
            month: month as u32,
            week: week as u32,
            weekday: weekday as u32,
            secs,
        })
    }
}
