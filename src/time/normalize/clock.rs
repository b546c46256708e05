//! Norm functions of clock times and parts of the day.

use chrono::NaiveDate;
use regex::Captures;

use super::*;

/// The UTC offset of a zone as TimeML writes it: "Z", "-05", "+05:30"; from the `[zones]` table
/// or an explicit "GMT-5" / "UTC+05:30"; empty when unknown.
pub(super) fn zone_suffix(ctx: &Ctx<'_>, z: &str) -> String {
    let z = z.trim();
    if let Some(v) = ctx.vocab.list("zones").str(z) {
        return v;
    }
    let off = z.trim_start_matches(|c: char| c.is_ascii_alphabetic()).trim();
    let (sign, rest) = match off.chars().next() {
        Some('+') => ('+', &off[1..]),
        Some('-') => ('-', &off[1..]),
        Some('−') => ('-', &off['−'.len_utf8()..]),
        _ => return String::new(),
    };
    let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
    let (h, m) = match (rest.contains(':'), digits.len()) {
        (true, _) => {
            let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
            (h.trim().parse::<u32>().unwrap_or(99), m.trim().parse::<u32>().unwrap_or(99))
        }
        (false, 1 | 2) => (digits.parse().unwrap_or(99), 0),
        (false, 3 | 4) => (digits[..digits.len() - 2].parse().unwrap_or(99), digits[digits.len() - 2..].parse().unwrap_or(99)),
        _ => return String::new(),
    };
    match (h, m) {
        (0, 0) => "Z".to_string(),
        (h, 0) if h <= 14 => format!("{sign}{h:02}"),
        (h, m) if h <= 14 && m < 60 => format!("{sign}{h:02}:{m:02}"),
        _ => String::new(),
    }
}

pub(super) fn time(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let (mut h, m): (u32, u32) = if let Some(p) = g(c, "part") {
        match p.to_lowercase().as_str() {
            "noon" | "midday" => (12, 0),
            "midnight" => (24, 0),
            _ => return None,
        }
    } else {
        let h = g(c, "hour")?;
        let h = h.parse::<u32>().ok().or_else(|| ctx.vocab.number(h).map(|v| v as u32))?;
        (h, g(c, "minute").map(|m| m.parse().unwrap_or(0)).unwrap_or(0))
    };
    if let Some(ap) = g(c, "ampm") {
        let pm = ap.to_lowercase().starts_with('p');
        if h == 12 {
            h = if pm { 12 } else { 0 };
        } else if pm {
            h += 12;
        }
    }
    if h > 24 || m > 59 {
        return None;
    }
    let zone = g(c, "zone").or_else(|| g(c, "zonep")).map(|z| zone_suffix(ctx, z)).unwrap_or_default();
    let clock = if h == 24 {
        "24".to_string()
    } else if m == 0 && g(c, "minute").is_none() && g(c, "part").is_some() {
        format!("{h:02}:00")
    } else {
        format!("{h:02}:{m:02}")
    };
    // the day: an explicit date in the match, a weekday or deictic word, else the DCT
    let month = g(c, "month").and_then(|mo| month_value(ctx, mo));
    let day = if let (Some(mo), Some(d)) = (month, g(c, "day")) {
        // "5 p.m. EST Nov. 9": the explicit date, its year from the DCT when missing
        let d = day_value(ctx.vocab, d)?;
        match g(c, "year") {
            Some(y) => Some(NaiveDate::from_ymd_opt(year_value(y, ctx.dct)?, mo, d)?),
            None => {
                NaiveDate::from_ymd_opt(2000, mo, d)?;
                month_day(ctx, mo, d)
            }
        }
    } else if let Some(w) = g(c, "weekday") {
        let anchor = ctx.dct;
        match w.to_lowercase().as_str() {
            "today" => anchor,
            "yesterday" => anchor.and_then(|a| calendar::shift(a, "D", -1)),
            "tomorrow" => anchor.and_then(|a| calendar::shift(a, "D", 1)),
            _ => {
                let wd = calendar::weekday_from(ctx.vocab.list("weekdays").int(w)?)?;
                anchor.map(|a| nearest_weekday_biased(a, wd, ctx.tense))
            }
        }
    } else {
        // a clock time belongs to the day the narrative is about, else to the DCT
        ctx.reference.filter(|r| r.1 == Gran::Day).map(|r| r.0).or(ctx.dct)
    };
    let _ = rule;
    match day {
        Some(d) => Some(Norm {
            kind: TimexType::Time,
            value: format!("{}T{clock}{zone}", calendar::format(d, Gran::Day)),
            modifier: None,
            sets_reference: None,
            unresolved: false,
        }),
        None => unresolved(TimexType::Time, format!("XXXX-XX-XXT{clock}{zone}")),
    }
}

pub(super) fn daypart(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let _ = rule;
    let whole = c.get(0)?.as_str().to_lowercase();
    let (rel, part): (i64, String) = if let Some(t) = g(c, "tonight") {
        let t = t.to_lowercase();
        if t.starts_with("last") {
            (-1, "NI".into())
        } else {
            (0, "NI".into())
        }
    } else {
        let part = g(c, "part").or(g(c, "part2")).and_then(|p| part_code(ctx, p))?;
        let rel = g(c, "rel").or(g(c, "rel2")).map(|r| r.to_lowercase());
        let rel = match rel.as_deref() {
            Some("yesterday") => -1,
            Some("tomorrow") => 1,
            Some(_) => 0,
            None if whole.contains("yesterday") => -1,
            None if whole.contains("tomorrow") => 1,
            None => 0,
        };
        (rel, part)
    };
    let Some(dct) = ctx.dct else {
        return unresolved(TimexType::Time, format!("XXXX-XX-XXT{part}"));
    };
    let d = calendar::shift(dct, "D", rel)?;
    plain(TimexType::Time, format!("{}T{part}", calendar::format(d, Gran::Day)))
}
