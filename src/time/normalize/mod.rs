//! Normalization functions named by the rules' `norm` field ([`NormFn`]): regex captures → TimeML
//! value. The functions live by kind: `dates`, `spans` (offsets, durations, sets), `clock`;
//! `anchoring` picks the occurrence of a date without a year.

mod anchoring;
mod clock;
mod dates;
mod spans;

use anchoring::*;
use clock::*;
use dates::*;
use spans::*;

use chrono::{Datelike, NaiveDate};
use regex::Captures;

use super::calendar::{self, Gran};
use super::rules::{NormFn, Rule, TimexType, Vocab};
use super::tense::Tense;

/// What a normalization function knows besides the match.
pub struct Ctx<'a> {
    pub vocab: &'a Vocab,
    /// Document creation time.
    pub dct: Option<NaiveDate>,
    /// Narrative reference time: the last absolute date mentioned before this expression.
    pub reference: Option<(NaiveDate, Gran)>,
    pub tense: Tense,
}

/// A normalized expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Norm {
    pub kind: TimexType,
    pub value: String,
    /// TimeML `mod` (START, MID, END, APPROX, …)
    pub modifier: Option<&'static str>,
    /// A calendar point this expression establishes as the new reference time.
    pub sets_reference: Option<(NaiveDate, Gran)>,
    /// The value depends on an anchor that was missing (no DCT): left with X's.
    pub unresolved: bool,
}

/// Lower case with single spaces: the form word lists and direction words are compared in.
fn words_key(s: &str) -> String {
    s.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn g<'t>(c: &Captures<'t>, name: &str) -> Option<&'t str> {
    c.name(name).map(|m| m.as_str())
}

fn modifier(c: &Captures<'_>) -> Option<&'static str> {
    let m = words_key(g(c, "mod")?);
    Some(match m.as_str() {
        "early" | "the beginning of" | "the start of" | "beginning" | "earlier" => "START",
        "late" | "the end of" | "end" | "later" => "END",
        "mid" | "the middle of" => "MID",
        _ => return None,
    })
}

fn direction(vocab: &Vocab, s: Option<&str>) -> Option<i64> {
    let s = words_key(s?);
    vocab.list("directions").int(&s).or(match s.as_str() {
        "this past" | "the latest" | "latest" => Some(-1),
        "this coming" => Some(1),
        "early" | "late" => None,
        _ => None,
    })
}

/// "nineteen ninety-six" → 1996, "two thousand and five" → 2005, "nineteen hundred and forty" → 1940.
fn spelled_year(vocab: &Vocab, s: &str) -> Option<i32> {
    let s = s.to_lowercase().replace('-', " ");
    let words: Vec<&str> = s.split_whitespace().filter(|w| *w != "and" && *w != "the" && *w != "year").collect();
    if words.len() >= 2 && words[0] == "two" && words[1] == "thousand" {
        let rest: i64 = words[2..].iter().map(|w| vocab.list("numbers").int(w)).sum::<Option<i64>>()?;
        return Some(2000 + rest as i32);
    }
    let century = vocab.list("numbers").int(words.first()?)?;
    let mut rest = &words[1..];
    if rest.first() == Some(&"hundred") {
        rest = &rest[1..];
    }
    let tail: i64 = rest.iter().map(|w| vocab.list("numbers").int(w)).sum::<Option<i64>>()?;
    (century >= 10 && tail < 100).then_some((century * 100 + tail) as i32)
}

fn year_value(s: &str, dct: Option<NaiveDate>) -> Option<i32> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let y: i32 = digits.parse().ok()?;
    if digits.len() == 2 {
        // two-digit year: the century that puts it closest to the DCT (default 1900s/2000s split)
        let base = dct.map(|d| d.year()).unwrap_or(2000);
        let cands = [(base / 100 - 1) * 100 + y, (base / 100) * 100 + y, (base / 100 + 1) * 100 + y];
        cands.into_iter().min_by_key(|c| (c - base).abs())
    } else {
        Some(y)
    }
}

/// "12", "12th", "twelfth", "twenty-first" → day of the month.
/// A year in digits ("1994", "'94") or words ("nineteen ninety-four").
fn any_year(ctx: &Ctx<'_>, s: &str) -> Option<i32> {
    if s.chars().any(|ch| ch.is_ascii_digit()) {
        year_value(s, ctx.dct)
    } else {
        spelled_year(ctx.vocab, s)
    }
}

/// "11" or a month name ("Nov.", "November") → month number.
fn month_value(ctx: &Ctx<'_>, s: &str) -> Option<u32> {
    s.parse::<u32>().ok().or_else(|| ctx.vocab.list("months").int(s).map(|v| v as u32))
}

fn day_value(vocab: &Vocab, s: &str) -> Option<u32> {
    if let Ok(d) = s.trim_end_matches(|c: char| c.is_alphabetic()).parse() {
        return Some(d);
    }
    vocab.list("day_ordinals").int(&words_key(s)).map(|d| d as u32)
}

fn unresolved(kind: TimexType, value: String) -> Option<Norm> {
    Some(Norm { kind, value, modifier: None, sets_reference: None, unresolved: true })
}

fn resolved(kind: TimexType, d: NaiveDate, gran: Gran) -> Option<Norm> {
    Some(Norm { kind, value: calendar::format(d, gran), modifier: None, sets_reference: Some((d, gran)), unresolved: false })
}

fn plain(kind: TimexType, value: impl Into<String>) -> Option<Norm> {
    Some(Norm { kind, value: value.into(), modifier: None, sets_reference: None, unresolved: false })
}

/// Apply `rule`'s normalization function to its match.
pub fn normalize(rule: &Rule, c: &Captures<'_>, ctx: &Ctx<'_>) -> Option<Norm> {
    let mut n = match rule.norm {
        NormFn::Literal => plain(rule.kind, rule.value.clone().unwrap_or_default()),
        // a strftime pattern applied to the DCT ("%Y-12-31" for "year-end")
        NormFn::LiteralDct => {
            let fmt = rule.value.as_deref().unwrap_or("%Y-%m-%d");
            match ctx.dct {
                Some(d) => Some(Norm { kind: rule.kind, value: d.format(fmt).to_string(), modifier: None, sets_reference: None, unresolved: false }),
                None => unresolved(rule.kind, fmt.replace("%Y", "XXXX").replace("%m", "XX").replace("%d", "XX")),
            }
        }
        NormFn::Date => date(rule, c, ctx),
        NormFn::Weekday => weekday(rule, c, ctx),
        NormFn::Month => month(rule, c, ctx),
        NormFn::Offset => offset(rule, c, ctx),
        NormFn::Anaphoric => anaphoric(rule, c, ctx),
        NormFn::Duration => duration(rule, c, ctx),
        NormFn::Set => set(rule, c, ctx),
        NormFn::Time => time(rule, c, ctx),
        NormFn::Daypart => daypart(rule, c, ctx),
        NormFn::Decade => decade(rule, c, ctx),
        NormFn::Century => century(rule, c, ctx),
        NormFn::Quarter => quarter(rule, c, ctx),
        NormFn::Season => season(rule, c, ctx),
        NormFn::Holiday => holiday(rule, c, ctx),
        NormFn::NamedDay => named_day(rule, c, ctx),
        NormFn::FrameOffset => frame_offset(rule, c, ctx),
        NormFn::WeekOfMonth => week_of_month(rule, c, ctx),
        // a negative rule: its match is no temporal expression, and no shorter rule may take it
        NormFn::Reject => None,
    }?;
    if n.modifier.is_none() {
        n.modifier = modifier(c);
    }
    Some(n)
}

fn part_code(ctx: &Ctx<'_>, part: &str) -> Option<String> {
    let p = words_key(part);
    ctx.vocab.list("dayparts").str(&p).or_else(|| ctx.vocab.list("dayparts").str(p.trim_start_matches("late ").trim_start_matches("early ")))
}

fn with_part(date_value: &str, code: &str) -> String {
    format!("{date_value}T{code}")
}

fn x_value(g: Gran) -> String {
    match g {
        Gran::Century => "XX".into(),
        Gran::Decade => "XXX".into(),
        Gran::Year => "XXXX".into(),
        Gran::Half => "XXXX-HX".into(),
        Gran::Quarter => "XXXX-QX".into(),
        Gran::Month => "XXXX-XX".into(),
        Gran::Week => "XXXX-WXX".into(),
        Gran::Day => "XXXX-XX-XX".into(),
    }
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v}")
    }
}

fn is_plural(u: Option<&str>) -> bool {
    u.is_some_and(|u| u.to_lowercase().ends_with('s'))
}
