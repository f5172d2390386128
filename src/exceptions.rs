//! Exceptions from `.nhilint.yaml`: findings a team has accepted for a while, each with a reason,
//! an owner and an expiry date. An active exception marks the findings it matches as suppressed
//! (`external`); an expired one stops suppressing and the finding says so. Also the calendar
//! arithmetic that needs (days since 1970-01-01, no time zones: dates are UTC days).
//!
//! Not here: parsing the configuration (`config.rs`) and baselines (`baseline.rs`).

use std::fmt::{self, Write as _};

use ignore::gitignore::Gitignore;

use crate::finding::{Finding, Level, Notification, Suppressed, SuppressionKind};

/// A calendar day (proleptic Gregorian), as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// Parses `YYYY-MM-DD` (exactly that shape, a real day).
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date such as 2026-12-31 (YYYY-MM-DD)");
        let b = text.as_bytes();
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().map_err(|_| bad());
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(i64::from(y), m) {
            return Err(format!("`{text}` is not a day of the calendar"));
        }
        Ok(Date(days_from_civil(i64::from(y), m, d)))
    }

    /// The day `seconds` after 1970-01-01T00:00:00Z falls on.
    pub fn from_unix_seconds(seconds: i64) -> Date {
        Date(seconds.div_euclid(86_400))
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Date::from_unix_seconds(secs)
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        other.0 - self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both are in range by construction (day 1..=31, month 1..=12).
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// One exception, validated: which findings it matches, and who accepted them until when.
#[derive(Clone, Debug)]
pub struct Exception {
    /// The rule's id (an alias in the file is resolved to the id).
    pub rule: Option<String>,
    /// A gitignore-style glob, relative to the scan root.
    pub path: Option<String>,
    /// A finding's `fingerprint`, or its baseline key.
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: String,
    /// `None`: permanent (only with `--allow-permanent-exceptions`).
    pub expires: Option<Date>,
    /// Where the exception is written: the config file and the 1-based line and column.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub(crate) glob: Option<Gitignore>,
}

impl Exception {
    /// Whether the exception matches `f`, whose path relative to the scan root is `rel`.
    pub fn matches(&self, f: &Finding, rel: &str) -> bool {
        self.rule.as_ref().is_none_or(|r| *r == f.rule_id)
            && self.glob.as_ref().is_none_or(|g| {
                // The matcher wants a path under its root: an absolute path never matches.
                !std::path::Path::new(rel).has_root()
                    && g.matched_path_or_any_parents(rel, false).is_ignore()
            })
            && self
                .fingerprint
                .as_ref()
                .is_none_or(|fp| *fp == f.fingerprint || *fp == f.baseline_key_at(rel))
    }

    /// Whether the exception has expired on `today` (it still holds on its expiry day).
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|e| e < today)
    }

    /// What the exception matches, for messages: `rule demo-token, path legacy/**`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.rule {
            parts.push(format!("rule {r}"));
        }
        if let Some(p) = &self.path {
            parts.push(format!("path {p}"));
        }
        if let Some(f) = &self.fingerprint {
            parts.push(format!("fingerprint {f}"));
        }
        parts.join(", ")
    }

    /// The suppression justification: reason, owner and expiry.
    pub fn justification(&self) -> String {
        match self.expires {
            Some(d) => format!(
                "{} (exception owned by {}, expires {d})",
                self.reason, self.owner
            ),
            None => format!(
                "{} (exception owned by {}, permanent)",
                self.reason, self.owner
            ),
        }
    }

    fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Applies `exceptions` to the findings not already suppressed; `rel` gives a finding's path
/// relative to the scan root. Returns, for each exception, how many findings it suppressed (an
/// active one) or would have suppressed (an expired one). The first matching active exception
/// wins; a finding that only expired exceptions match stays open and its message says so.
pub fn apply(
    findings: &mut [Finding],
    exceptions: &[Exception],
    today: Date,
    rel: impl Fn(&str) -> String,
) -> Vec<usize> {
    let mut counts = vec![0; exceptions.len()];
    if exceptions.is_empty() {
        return counts;
    }
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        let path = rel(&f.path);
        let matching: Vec<usize> = exceptions
            .iter()
            .enumerate()
            .filter(|(_, e)| e.matches(f, &path))
            .map(|(i, _)| i)
            .collect();
        if let Some(&i) = matching.iter().find(|&&i| !exceptions[i].expired(today)) {
            counts[i] += 1;
            f.suppressed = Some(Suppressed {
                kind: SuppressionKind::External,
                justification: exceptions[i].justification(),
            });
        } else if let Some(&i) = matching.first() {
            counts[i] += 1;
            let e = &exceptions[i];
            let _ = write!(
                f.message,
                "; the exception for it expired on {} ({}: {}, owned by {})",
                e.expires.map(|d| d.to_string()).unwrap_or_default(),
                e.location(),
                e.reason,
                e.owner
            );
        }
    }
    counts
}

/// Warnings about exceptions that expired or that suppress nothing, from [`apply`]'s counts.
pub fn notifications(exceptions: &[Exception], counts: &[usize], today: Date) -> Vec<Notification> {
    let mut out = Vec::new();
    for (e, &n) in exceptions.iter().zip(counts) {
        let note = |code, message: String| {
            Notification::new(Level::Warning, code, format!("{}: {message}", e.location())).at(
                &e.file,
                Some(e.line),
                Some(e.column),
            )
        };
        if let Some(date) = e.expires.filter(|_| e.expired(today)) {
            out.push(note(
                "exception-expired",
                format!(
                    "exception ({}) expired on {date} and no longer suppresses: fix the findings, or renew it with {}",
                    e.describe(),
                    e.owner
                ),
            ));
        } else if n == 0 {
            out.push(note(
                "exception-unused",
                format!("exception ({}) matches no finding", e.describe()),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_counts() {
        assert_eq!(Date::parse("1970-01-01"), Ok(Date(0)));
        assert_eq!(Date::parse("2000-03-01"), Ok(Date(11_017)));
        for s in [
            "1969-12-31",
            "2000-02-29",
            "2024-02-29",
            "2026-12-31",
            "2100-03-01",
        ] {
            assert_eq!(Date::parse(s).expect(s).to_string(), s);
        }
        let d = Date::parse("2026-01-30").expect("valid");
        assert_eq!(d.days_until(Date::parse("2026-03-01").expect("valid")), 30);
        assert_eq!(Date::from_unix_seconds(86_399), Date(0));
        assert_eq!(Date::from_unix_seconds(-1), Date(-1));
    }

    #[test]
    fn bad_dates_are_rejected() {
        for s in [
            "2026-1-01",
            "2026/01/01",
            "2026-13-01",
            "2026-02-29",
            "2100-02-29",
            "2026-04-31",
            "2026-00-10",
            "tomorrow",
            "+026-01-01",
        ] {
            assert!(Date::parse(s).is_err(), "{s}");
        }
    }
}
