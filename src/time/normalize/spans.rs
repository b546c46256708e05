//! Norm functions of spans and shifts: offsets from the anchor ("three days ago", "last
//! week"), anaphoric references ("the same day"), durations and sets.

use regex::Captures;

use super::*;

/// "the same week a year earlier": the unit named first (`frame`), taken at the DCT (or, for
/// "earlier"/"later", the narrative's time) shifted by the offset.
pub(super) fn frame_offset(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let frame = words_key(g(c, "frame")?);
    let (k, unit) = if g(c, "unit").is_some() {
        let (n, unit) = quantity(rule, c, ctx)?;
        let sign = match words_key(g(c, "dir")?).as_str() {
            "ago" | "earlier" | "before" => -1,
            _ => 1,
        };
        (sign * n? as i64, unit)
    } else {
        let sign = if words_key(g(c, "dir2")?) == "last" { -1 } else { 1 };
        (sign, ctx.vocab.list("units").str(&words_key(g(c, "unit2")?))?)
    };
    let gran = match frame.as_str() {
        "day" => Gran::Day,
        "week" | "weekend" => Gran::Week,
        "month" => Gran::Month,
        "quarter" => Gran::Quarter,
        // "the same period": as precise as the offset, or the quarter a text of quarters means
        _ if ctx.reference.is_some_and(|r| r.1 == Gran::Quarter) => Gran::Quarter,
        _ => calendar::unit_gran(&unit)?,
    };
    let relative_to_story = matches!(g(c, "dir").map(words_key).as_deref(), Some("earlier" | "later" | "before" | "after"));
    let base = match (relative_to_story, ctx.reference, ctx.dct) {
        (true, Some(r), _) if r.1 >= gran => r.0,
        (_, _, Some(d)) => d,
        (_, Some(r), None) => r.0,
        (_, None, None) => return unresolved(rule.kind, x_value(gran)),
    };
    let d = calendar::shift(base, &unit, k)?;
    let mut norm = resolved(rule.kind, d, gran)?;
    if frame == "weekend" {
        norm.value.push_str("-WE");
    }
    norm.sets_reference = None;
    Some(norm)
}

/// (n, unit letter) of a quantity and unit, n None when vague.
pub(super) fn quantity(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<(Option<f64>, String)> {
    let unit = match g(c, "unit") {
        Some(u) => {
            let u = words_key(u);
            match u.as_str() {
                "fiscal year" => "Y".to_string(),
                "year end" | "year-end" => "Y".to_string(),
                _ => ctx.vocab.list("units").str(&u)?,
            }
        }
        None => rule.unit.clone()?,
    };
    let n = match (g(c, "num"), rule.n) {
        (Some(s), _) => {
            let s = s.trim();
            if ctx.vocab.list("vague_numbers").get(s).is_some() {
                None
            } else {
                Some(ctx.vocab.number(s)?)
            }
        }
        (None, Some(n)) => Some(n),
        (None, None) => Some(1.0),
    };
    // "three and a half years", "5 1/2 hours"
    let n = if g(c, "half").or_else(|| g(c, "halfsign")).is_some() { n.map(|v| v + 0.5) } else { n };
    // "fortnight" = 2W
    if let Some(rest) = unit.strip_prefix('2') {
        return Some((n.map(|v| v * 2.0), rest.to_string()));
    }
    Some((n, unit))
}

pub(super) fn offset(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let (n, unit) = quantity(rule, c, ctx)?;
    let dir = match g(c, "dir") {
        Some(d) => direction(ctx.vocab, Some(d))?,
        None => rule.n.map(|v| v.signum() as i64).unwrap_or(0),
    };
    let steps = match (rule.n, g(c, "num")) {
        (Some(v), None) => v.abs(),
        _ => n.unwrap_or(f64::NAN),
    };
    if steps.is_nan() {
        // "several years ago"
        return plain(
            rule.kind,
            if dir < 0 {
                "PAST_REF"
            } else if dir > 0 {
                "FUTURE_REF"
            } else {
                "PRESENT_REF"
            },
        );
    }
    let k = (dir as f64 * if g(c, "num").is_some() || rule.n.is_some() { steps } else { 1.0 }) as i64;
    let k = if g(c, "num").is_none() && rule.n.is_none() { dir } else { k };
    let mut gran = calendar::unit_gran(&unit)?;
    // "a year ago" in a text that speaks in quarters means the same quarter a year earlier
    if unit == "Y" && g(c, "num").is_some() && ctx.reference.is_some_and(|r| r.1 == Gran::Quarter) {
        gran = Gran::Quarter;
    }
    let Some(anchor) = ctx.dct else {
        return unresolved(rule.kind, x_value(gran));
    };
    // "three days later", "a week earlier": a step from the day the story is at, when it is at one
    let story_step = matches!(g(c, "dir").map(words_key).as_deref(), Some("later" | "earlier"))
        && matches!(unit.as_str(), "D" | "W")
        && ctx.reference.is_some_and(|r| r.1 == Gran::Day);
    let base = if (gran == Gran::Quarter && unit == "Y") || story_step { ctx.reference.map(|r| r.0).unwrap_or(anchor) } else { anchor };
    let d = calendar::shift(base, if unit == "WE" { "W" } else { &unit }, k)?;
    let mut norm = resolved(rule.kind, d, gran)?;
    if gran == Gran::Quarter && unit == "Y" {
        // "up from $4 a year earlier": a comparison; the quarter under discussion stays the
        // narrative's time (else a second "a year earlier" would step back two years)
        norm.sets_reference = None;
    }
    if unit == "WE" {
        norm.value.push_str("-WE");
    }
    if matches!(unit.as_str(), "H" | "TM" | "S") {
        norm.kind = TimexType::Date;
    }
    Some(norm)
}

/// Expressions anchored to the narrative reference time ("the next day", "the year-earlier
/// quarter"): the last absolute date mentioned, else the DCT.
pub(super) fn anaphoric(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let (unit, k) = if let Some(u) = &rule.unit {
        (u.clone(), rule.n.unwrap_or(0.0) as i64)
    } else {
        let dir_s = g(c, "dir").or(g(c, "dir2")).or(g(c, "dir3"))?.to_lowercase();
        let unit_s = g(c, "unit").or(g(c, "unit2")).or(g(c, "unit3"))?.to_lowercase();
        let k = match words_key(&dir_s).as_str() {
            "next" | "following" | "after" => 1,
            "previous" | "preceding" | "before" => -1,
            _ => 0,
        };
        let unit = match unit_s.as_str() {
            "morning" | "night" | "evening" => "D".to_string(),
            u => ctx.vocab.list("units").str(u)?,
        };
        (unit, k)
    };
    let whole = c.get(0)?.as_str().to_lowercase();
    let periodic = whole.contains("quarter") || whole.contains("period");
    let (base, base_gran) = match (ctx.reference, ctx.dct) {
        // "the year-earlier quarter": the quarter under discussion, or the one being reported on
        (Some(r), _) if unit == "Y" && r.1 == Gran::Quarter => r,
        (_, Some(d)) if unit == "Y" && periodic => (latest_reported_quarter(d), Gran::Quarter),
        (Some(r), _) if unit == "Y" => (r.0, Gran::Year),
        (None, Some(d)) if unit == "Y" => (d, Gran::Year),
        (Some(r), _) => r,
        (None, Some(d)) => (d, Gran::Day),
        (None, None) => return unresolved(rule.kind, x_value(calendar::unit_gran(&unit)?)),
    };
    let gran = if unit == "Y" && base_gran == Gran::Quarter {
        Gran::Quarter
    } else {
        calendar::unit_gran(&unit)?.max(Gran::Year).min(base_gran.max(calendar::unit_gran(&unit)?))
    };
    let d = calendar::shift(base, &unit, k)?;
    let mut n = resolved(rule.kind, d, gran)?;
    n.sets_reference = None;
    Some(n)
}

pub(super) fn duration_value(n: Option<f64>, unit: &str) -> String {
    let q = n.map(fmt_num).unwrap_or_else(|| "X".into());
    // a fraction becomes a whole number of the next smaller unit, as TimeML writes durations
    // ("2 1/2 years" P2Y6M, "a minute and a half" PT1M30S, "half a day" PT12H)
    if let Some(v) = n.filter(|v| v.fract() != 0.0) {
        let sub = match unit {
            "Y" => Some((12.0, "", "M")),
            "D" => Some((24.0, "T", "H")),
            "H" => Some((60.0, "", "M")),
            "TM" => Some((60.0, "", "S")),
            _ => None,
        };
        if let Some((k, t, small)) = sub.filter(|(k, _, _)| (v.fract() * k).fract() == 0.0) {
            let whole = v.trunc();
            let part = fmt_num(v.fract() * k);
            let big = match unit {
                "Y" => format!("{}Y", fmt_num(whole)),
                "D" => format!("{}D", fmt_num(whole)),
                "H" => format!("{}H", fmt_num(whole)),
                _ => format!("{}M", fmt_num(whole)),
            };
            let clock = matches!(unit, "H" | "TM");
            return match (whole == 0.0, clock) {
                (true, true) => format!("PT{part}{small}"),
                (true, false) => format!("P{t}{part}{small}"),
                (false, true) => format!("PT{big}{part}{small}"),
                (false, false) => format!("P{big}{t}{part}{small}"),
            };
        }
    }
    match (unit, n) {
        ("DE", Some(v)) => format!("P{}Y", fmt_num(v * 10.0)),
        ("CE", Some(v)) => format!("P{}Y", fmt_num(v * 100.0)),
        ("ML", Some(v)) => format!("P{}Y", fmt_num(v * 1000.0)),
        ("DE", None) => "PXDE".into(),
        ("CE", None) => "PXCE".into(),
        ("H", _) => format!("PT{q}H"),
        ("TM", _) => format!("PT{q}M"),
        ("S", _) => format!("PT{q}S"),
        ("WE", _) => format!("P{q}WE"),
        ("NI", _) => format!("P{q}D"),
        (u, _) => format!("P{q}{u}"),
    }
}

pub(super) fn duration(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let (n, unit) = quantity(rule, c, ctx)?;
    // "the last few months": a fuzzy reference to the past; "the next several days" stays a
    // duration of unknown length (PXD), as TimeML annotates it
    if n.is_none() && g(c, "num").is_some() {
        if let Some(dir) = g(c, "dir").map(str::to_lowercase) {
            if matches!(dir.as_str(), "past" | "last" | "previous") {
                return plain(TimexType::Date, "PAST_REF");
            }
        }
    }
    // bare plural ("years") and "recent years" are vague
    let n = if g(c, "num").is_none() && rule.n.is_none() && is_plural(g(c, "unit")) { None } else { n };
    plain(TimexType::Duration, duration_value(n, &unit))
}

pub(super) fn set(_rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    if let Some(adv) = g(c, "adv") {
        let v = match adv.to_lowercase().as_str() {
            "daily" | "nightly" => "P1D",
            "weekly" => "P1W",
            "biweekly" => "P2W",
            "monthly" => "P1M",
            "yearly" | "annually" => "P1Y",
            "hourly" => "PT1H",
            "quarterly" => "P1Q",
            "semiannually" | "semi-annually" | "biannually" => "P6M",
            _ => return None,
        };
        return plain(TimexType::Set, v);
    }
    if let Some(wd) = g(c, "weekday").or(g(c, "weekday2")).or(g(c, "weekday3")) {
        let wd = wd.trim_end_matches('s');
        let n = ctx.vocab.list("weekdays").int(wd)?;
        let part = g(c, "part").or(g(c, "part2")).and_then(|p| part_code(ctx, p));
        let v = format!("XXXX-WXX-{n}");
        return plain(TimexType::Set, part.map(|p| with_part(&v, &p)).unwrap_or(v));
    }
    if let Some(m) = g(c, "month") {
        let m = ctx.vocab.list("months").int(m)?;
        return plain(TimexType::Set, format!("XXXX-{m:02}"));
    }
    let unit = ctx.vocab.list("units").str(&g(c, "unit")?.to_lowercase())?;
    let every = match g(c, "num").map(|s| s.to_lowercase()) {
        Some(s) if s == "other" => 2.0,
        Some(s) if s == "once" || s == "twice" || s == "thrice" || s.ends_with("times") => 1.0,
        Some(s) => ctx.vocab.number(&s).unwrap_or(1.0),
        None => 1.0,
    };
    let unit = if unit == "2W" { "W".to_string() } else { unit };
    plain(TimexType::Set, duration_value(Some(every), &unit))
}
