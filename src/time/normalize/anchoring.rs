//! Anchoring against the reference date: which occurrence of a month, a day or a weekday an
//! expression without a year means, from the DCT (or the narrative's reference time) and the
//! clause's tense.

use chrono::{Datelike, NaiveDate};

use super::*;

/// The year of a month and day without one: the occurrence nearest the DCT (or the narrative's
/// reference time), the clause's tense breaking near-ties. None without an anchor.
pub(super) fn month_day(ctx: &Ctx<'_>, m: u32, d: u32) -> Option<NaiveDate> {
    let anchor = ctx.dct.or(ctx.reference.map(|r| r.0))?;
    // News mention dates near their creation time: the nearest such date, whatever the tense
    // (tense cues are too weak against "must be returned by Jan. 14").
    let past = NaiveDate::from_ymd_opt(calendar::year_for(anchor, m, Some(d), -1), m, d);
    let future = NaiveDate::from_ymd_opt(calendar::year_for(anchor, m, Some(d), 1), m, d);
    Some(match (past, future) {
        (Some(p), Some(f)) => {
            if prefer_past(ctx.tense, (anchor - p).num_days(), (f - anchor).num_days()) {
                p
            } else {
                f
            }
        }
        (Some(p), None) => p,
        (None, Some(f)) => f,
        (None, None) => NaiveDate::from_ymd_opt(nearest_year(anchor, m, d), m, d)?,
    })
}

/// Choose between the previous and the next occurrence of a date (distances from the anchor).
/// News mostly reports the past, so the future one wins only when clearly nearer, or when the
/// clause is in the future tense and it is not much farther; a past-tense clause needs the future
/// candidate to be far nearer ("must be returned by Jan. 14" written on Jan. 6).
pub(super) fn prefer_past(tense: Tense, past: i64, future: i64) -> bool {
    match tense {
        Tense::Future => past * 2 < future,
        Tense::Past => past <= future * 5,
        _ => past <= future * 2,
    }
}

/// A weekday is always within a week, so the clause's tense decides outright: past tense → the most
/// recent one not after the anchor, future → the next one; without a cue, the nearer (past on ties).
pub(super) fn nearest_weekday_biased(anchor: NaiveDate, wd: chrono::Weekday, tense: Tense) -> NaiveDate {
    let back = calendar::nearest_weekday(anchor, wd, -1, false);
    let fwd = calendar::nearest_weekday(anchor, wd, 1, false);
    let past = match tense {
        Tense::Past => true,
        Tense::Future => false,
        _ => prefer_past(tense, (anchor - back).num_days(), (fwd - anchor).num_days()),
    };
    if back == fwd || past {
        back
    } else {
        fwd
    }
}

/// The year that puts month/day closest to the anchor.
pub(super) fn nearest_year(anchor: NaiveDate, m: u32, d: u32) -> i32 {
    let y = anchor.year();
    [y - 1, y, y + 1]
        .into_iter()
        .filter_map(|yy| NaiveDate::from_ymd_opt(yy, m, d).map(|dt| (yy, (dt - anchor).num_days().abs())))
        .min_by_key(|(_, dist)| *dist)
        .map(|(yy, _)| yy)
        .unwrap_or(y)
}

/// The year of a month named without one: the previous or next such month for "last"/"next",
/// the anchor's year for "this", else the nearest (the tense breaks ties).
pub(super) fn year_of_month(ctx: &Ctx<'_>, anchor: NaiveDate, m: u32, dir: Option<i64>) -> i32 {
    match dir {
        Some(-1) => {
            if m < anchor.month() {
                anchor.year()
            } else {
                anchor.year() - 1
            }
        }
        Some(1) => {
            if m > anchor.month() {
                anchor.year()
            } else {
                anchor.year() + 1
            }
        }
        Some(_) => anchor.year(),
        None => {
            // the nearest such month; the tense breaks ties (6 months either way)
            let past = calendar::year_for(anchor, m, None, -1);
            let future = calendar::year_for(anchor, m, None, 1);
            let months_between = |y: i32| ((y - anchor.year()) * 12 + m as i32 - anchor.month() as i32).abs() as i64;
            // a clause in the future tense speaks of the next such month ("will fly a mission in
            // December" written in March); other clauses take the nearer, biased to the past
            if ctx.tense != Tense::Future && prefer_past(ctx.tense, months_between(past), months_between(future)) {
                past
            } else {
                future
            }
        }
    }
}

/// The most recent quarter a news text would report on: the quarter 45 days before the DCT.
pub(super) fn latest_reported_quarter(dct: NaiveDate) -> NaiveDate {
    dct - chrono::Duration::days(45)
}
