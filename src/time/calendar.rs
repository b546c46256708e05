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
}
