//! Calendar arithmetic (chrono) and TimeML value formatting.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

/// Granularity of a date value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gran {
    Century,
    Decade,
    Year,
    Half,
    Quarter,
    Month,
    Week,
    Day,
}

/// Shift `d` by `n` units (`D`, `W`, `M`, `Q`, `Y`, `DE`, `CE`, `WE`, `H` = half year).
pub fn shift(d: NaiveDate, unit: &str, n: i64) -> Option<NaiveDate> {
    let months = |m: i64| -> Option<NaiveDate> {
        if m >= 0 {
            d.checked_add_months(Months::new(u32::try_from(m).ok()?))
        } else {
            d.checked_sub_months(Months::new(u32::try_from(-m).ok()?))
        }
    };
    match unit {
        "D" => d.checked_add_signed(Duration::try_days(n)?),
        "W" | "WE" => d.checked_add_signed(Duration::try_days(7 * n)?),
        "M" => months(n),
        "Q" => months(3 * n),
        "H" => months(6 * n),
        "Y" => months(12 * n),
        "DE" => months(120 * n),
        "CE" => months(1200 * n),
        _ => None,
    }
}

pub fn quarter(d: NaiveDate) -> u32 {
    (d.month() - 1) / 3 + 1
}

/// TimeML value of `d` at granularity `g`.
pub fn format(d: NaiveDate, g: Gran) -> String {
    match g {
        Gran::Century => format!("{:02}", d.year().div_euclid(100)),
        Gran::Decade => format!("{:03}", d.year().div_euclid(10)),
        Gran::Year => format!("{:04}", d.year()),
        Gran::Half => format!("{:04}-H{}", d.year(), if d.month() <= 6 { 1 } else { 2 }),
        Gran::Quarter => format!("{:04}-Q{}", d.year(), quarter(d)),
        Gran::Month => format!("{:04}-{:02}", d.year(), d.month()),
        Gran::Week => {
            let w = d.iso_week();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
        Gran::Day => d.format("%Y-%m-%d").to_string(),
    }
}

/// Granularity of a unit letter.
pub fn unit_gran(unit: &str) -> Option<Gran> {
    Some(match unit {
        "D" | "H" | "TM" | "S" | "NI" => Gran::Day,
        "W" | "WE" => Gran::Week,
        "M" => Gran::Month,
        "Q" => Gran::Quarter,
        "Y" => Gran::Year,
        "DE" => Gran::Decade,
        "CE" => Gran::Century,
        _ => return None,
    })
}

pub fn weekday_from(n: i64) -> Option<Weekday> {
    Some(match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => return None,
    })
}

/// The `wd` on or before (`dir` < 0), on or after (`dir` > 0) `d`; `strict` excludes `d` itself.
pub fn nearest_weekday(d: NaiveDate, wd: Weekday, dir: i32, strict: bool) -> NaiveDate {
    let cur = d.weekday().num_days_from_monday() as i64;
    let want = wd.num_days_from_monday() as i64;
    if dir < 0 {
        let mut back = (cur - want).rem_euclid(7);
        if back == 0 && strict {
            back = 7;
        }
        d - Duration::days(back)
    } else {
        let mut fwd = (want - cur).rem_euclid(7);
        if fwd == 0 && strict {
            fwd = 7;
        }
        d + Duration::days(fwd)
    }
}

/// The date of weekday `wd` in the ISO week of `d`.
pub fn weekday_in_week(d: NaiveDate, wd: Weekday) -> NaiveDate {
    let cur = d.weekday().num_days_from_monday() as i64;
    d + Duration::days(wd.num_days_from_monday() as i64 - cur)
}

/// Year for a month (and day) without a year: the most recent one not after the anchor (`dir` < 0),
/// the next one not before it (`dir` > 0), or the anchor's year (`dir` == 0).
pub fn year_for(anchor: NaiveDate, month: u32, day: Option<u32>, dir: i32) -> i32 {
    let y = anchor.year();
    let key = (month, day.unwrap_or(if dir > 0 { 31 } else { 1 }));
    let a = (anchor.month(), anchor.day());
    let a_cmp = if day.is_none() { (anchor.month(), if dir > 0 { 31 } else { 1 }) } else { a };
    match dir {
        d if d < 0 => {
            if day.is_none() {
                if month <= anchor.month() {
                    y
                } else {
                    y - 1
                }
            } else if key <= a_cmp {
                y
            } else {
                y - 1
            }
        }
        d if d > 0 => {
            if day.is_none() {
                if month >= anchor.month() {
                    y
                } else {
                    y + 1
                }
            } else if key >= a_cmp {
                y
            } else {
                y + 1
            }
        }
        _ => y,
    }
}

/// Date range and precision of a TimeML value; `None` for values that are not calendar points
/// (PRESENT_REF, P3D, XXXX-05-04, …).
pub fn value_range(value: &str) -> Option<(NaiveDate, NaiveDate, &'static str)> {
    let v = value.trim();
    let (date_part, has_time) = match v.split_once('T') {
        Some((d, _)) => (d, true),
        None => (v, false),
    };
    if date_part.contains('X') || date_part.starts_with('P') || date_part.contains("REF") {
        return None;
    }
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let month_end = |y: i32, m: u32| shift(ymd(y, m, 1)?, "M", 1).and_then(|d| d.pred_opt());
    let parts: Vec<&str> = date_part.split('-').collect();
    let year: i32 = parts.first()?.parse().ok()?;
    match (parts.first()?.len(), parts.len()) {
        (4, 1) => Some((ymd(year, 1, 1)?, ymd(year, 12, 31)?, "year")),
        (3, 1) => Some((ymd(year * 10, 1, 1)?, ymd(year * 10 + 9, 12, 31)?, "decade")),
        (2, 1) => Some((ymd(year * 100, 1, 1)?, ymd(year * 100 + 99, 12, 31)?, "century")),
        (4, 2) => {
            let p = parts[1];
            if let Some(q) = p.strip_prefix('Q') {
                let q: u32 = q.parse().ok()?;
                if !(1..=4).contains(&q) {
                    return None;
                }
                Some((ymd(year, 3 * q - 2, 1)?, month_end(year, 3 * q)?, "quarter"))
            } else if let Some(h) = p.strip_prefix('H') {
                let h: u32 = h.parse().ok()?;
                if !(1..=2).contains(&h) {
                    return None;
                }
                Some((ymd(year, 6 * h - 5, 1)?, month_end(year, 6 * h)?, "half"))
            } else if matches!(p, "SP" | "SU" | "FA" | "WI") {
                let (m0, y0) = match p {
                    "SP" => (3, year),
                    "SU" => (6, year),
                    "FA" => (9, year),
                    _ => (12, year - 1),
                };
                let end = shift(ymd(y0, m0, 1)?, "M", 3)?.pred_opt()?;
                Some((ymd(y0, m0, 1)?, end, "season"))
            } else if let Some(w) = p.strip_prefix('W') {
                let mon = NaiveDate::from_isoywd_opt(year, w.parse().ok()?, chrono::Weekday::Mon)?;
                Some((mon, mon + Duration::days(6), "week"))
            } else {
                let m: u32 = p.parse().ok()?;
                Some((ymd(year, m, 1)?, month_end(year, m)?, "month"))
            }
        }
        (4, 3) if parts[1].starts_with('W') && parts[2] == "WE" => {
            let sat = NaiveDate::from_isoywd_opt(year, parts[1][1..].parse().ok()?, chrono::Weekday::Sat)?;
            Some((sat, sat + Duration::days(1), "week"))
        }
        (4, 3) => {
            let d = ymd(year, parts[1].parse().ok()?, parts[2].parse().ok()?)?;
            Some((d, d, if has_time { "time" } else { "day" }))
        }
        _ => None,
    }
}

/// A date as precise as its precision: 2025, 2025-04, 2025-04-03 (other units: the TimeML value).
pub fn date_label(range: Option<(NaiveDate, NaiveDate)>, precision: &str, value: &str) -> String {
    match (range, precision) {
        (None, _) => String::new(),
        (Some((a, _)), "year") => a.format("%Y").to_string(),
        (Some((a, _)), "month") => a.format("%Y-%m").to_string(),
        (Some((a, _)), "day" | "time") => a.format("%Y-%m-%d").to_string(),
        (Some((a, _)), _) if value.is_empty() => a.format("%Y-%m-%d").to_string(),
        (Some(_), _) => value.split('T').next().unwrap_or(value).to_string(),
    }
}

/// Year/month/day of a date for the TimelineJS sheet.
pub fn ymd(d: &str) -> Option<(i32, u32, u32)> {
    let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
    Some((d.year(), d.month(), d.day()))
}

/// Date of a holiday in year `y` from its vocabulary code (see vocab.toml `[holidays]`).
pub fn holiday_date(code: &str, y: i32) -> Option<NaiveDate> {
    if let Some(off) = code.strip_prefix("easter") {
        let off: i64 = if off.is_empty() { 0 } else { off.parse().ok()? };
        return easter(y).and_then(|d| shift(d, "D", off));
    }
    if code == "election" {
        let first_monday = nearest_weekday(NaiveDate::from_ymd_opt(y, 11, 1)?, chrono::Weekday::Mon, 1, false);
        return shift(first_monday, "D", 1);
    }
    if let Some((m, rest)) = code.split_once('/') {
        let (n, wd) = rest.split_once('/')?;
        let (m, n, wd): (u32, i64, i64) = (m.parse().ok()?, n.parse().ok()?, wd.parse().ok()?);
        let wd = weekday_from(wd)?;
        return if n > 0 {
            let first = nearest_weekday(NaiveDate::from_ymd_opt(y, m, 1)?, wd, 1, false);
            shift(first, "W", n - 1)
        } else {
            let last_day = shift(NaiveDate::from_ymd_opt(y, m, 1)?, "M", 1)?.pred_opt()?;
            Some(nearest_weekday(last_day, wd, -1, false))
        };
    }
    let (m, d) = code.split_once('-')?;
    NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?)
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
fn easter(y: i32) -> Option<NaiveDate> {
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn formats() {
        assert_eq!(format(d("2025-05-05"), Gran::Week), "2025-W19");
        assert_eq!(format(d("2021-01-01"), Gran::Week), "2020-W53");
        assert_eq!(format(d("2024-12-30"), Gran::Week), "2025-W01");
        assert_eq!(format(d("1995-06-01"), Gran::Decade), "199");
        assert_eq!(format(d("1995-06-01"), Gran::Century), "19");
        assert_eq!(format(d("2025-08-01"), Gran::Quarter), "2025-Q3");
        assert_eq!(format(d("2025-08-01"), Gran::Half), "2025-H2");
    }

    #[test]
    fn shifting() {
        assert_eq!(shift(d("2024-03-31"), "M", -1), Some(d("2024-02-29")));
        assert_eq!(shift(d("2024-02-29"), "Y", 1), Some(d("2025-02-28")));
        assert_eq!(shift(d("2025-01-01"), "D", -1), Some(d("2024-12-31")));
        assert_eq!(shift(d("2025-05-05"), "Q", -1), Some(d("2025-02-05")));
    }

    #[test]
    fn weekdays() {
        // DCT Monday 2025-05-05: last Sunday is 05-04, next Sunday 05-11
        assert_eq!(nearest_weekday(d("2025-05-05"), Weekday::Sun, -1, false), d("2025-05-04"));
        assert_eq!(nearest_weekday(d("2025-05-05"), Weekday::Sun, 1, false), d("2025-05-11"));
        assert_eq!(nearest_weekday(d("2025-05-05"), Weekday::Mon, -1, true), d("2025-04-28"));
        assert_eq!(nearest_weekday(d("2025-05-05"), Weekday::Mon, -1, false), d("2025-05-05"));
    }

    #[test]
    fn month_years() {
        let a = d("2025-05-05");
        assert_eq!(year_for(a, 1, None, -1), 2025);
        assert_eq!(year_for(a, 6, None, -1), 2024);
        assert_eq!(year_for(a, 6, None, 1), 2025);
        assert_eq!(year_for(a, 2, None, 1), 2026);
        assert_eq!(year_for(a, 5, Some(10), -1), 2024);
        assert_eq!(year_for(a, 5, Some(1), -1), 2025);
        assert_eq!(year_for(a, 12, Some(25), 0), 2025);
    }

    fn r(v: &str) -> Option<(String, String, &'static str)> {
        value_range(v).map(|(a, b, p)| (a.to_string(), b.to_string(), p))
    }

    #[test]
    fn ranges() {
        assert_eq!(r("2025-05-04"), Some(("2025-05-04".into(), "2025-05-04".into(), "day")));
        assert_eq!(r("2025-04"), Some(("2025-04-01".into(), "2025-04-30".into(), "month")));
        assert_eq!(r("2024-02"), Some(("2024-02-01".into(), "2024-02-29".into(), "month")));
        assert_eq!(r("2025-W19"), Some(("2025-05-05".into(), "2025-05-11".into(), "week")));
        assert_eq!(r("2025-W19-WE"), Some(("2025-05-10".into(), "2025-05-11".into(), "week")));
        assert_eq!(r("2025-Q1"), Some(("2025-01-01".into(), "2025-03-31".into(), "quarter")));
        assert_eq!(r("2025"), Some(("2025-01-01".into(), "2025-12-31".into(), "year")));
        assert_eq!(r("199"), Some(("1990-01-01".into(), "1999-12-31".into(), "decade")));
        assert_eq!(r("2025-05-04T17:00"), Some(("2025-05-04".into(), "2025-05-04".into(), "time")));
        assert_eq!(r("2025-05-04TNI"), Some(("2025-05-04".into(), "2025-05-04".into(), "time")));
        assert_eq!(r("2025-WI"), Some(("2024-12-01".into(), "2025-02-28".into(), "season")));
        assert_eq!(r("PRESENT_REF"), None);
        assert_eq!(r("XXXX-05-04"), None);
        assert_eq!(r("P3D"), None);
        assert_eq!(r("2025-13"), None);
    }

    #[test]
    fn date_labels() {
        assert_eq!(date_label(Some((d("2025-04-01"), d("2025-04-30"))), "month", "2025-04"), "2025-04");
        assert_eq!(date_label(Some((d("2025-01-01"), d("2025-03-31"))), "quarter", "2025-Q1"), "2025-Q1");
        assert_eq!(date_label(None, "", ""), "");
        assert_eq!(ymd("2025-05-04"), Some((2025, 5, 4)));
    }
}
