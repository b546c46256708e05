//! When an event happened: each event mention gets an anchor, in this order of preference —
//! 1. `timex`: the date or time expression it governs (the expression's nearest verb, before it
//!    by preference, as "Trump told reporters Sunday" or "in February, Trump designated"; an event
//!    noun right before the expression, "the launch on June 9"), or for an event that is neither
//!    reporting nor in the present tense, the nearest dated expression of its sentence;
//! 2. `dct`: the document date, for reporting events and the present tense;
//! 3. `narrative`: for a simple-past event, the time the narrative is at — the anchor of the last
//!    event the text dated with an expression, earlier in the document;
//! 4. `none`: undated (kept; timelines list it at position 0).
//! Plus an ordering cue among events with the same anchor: -1 for earlier (pluperfect "had
//! signed", "after signing"), +1 for later ("then signed", "before signing" … of the event named
//! after "before"), 0 otherwise.

use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::time::{Timex, TimexType};
use crate::timeline::value_range;

/// Where an anchor came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Timex,
    Dct,
    Narrative,
    #[default]
    None,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Timex => "timex",
            Source::Dct => "dct",
            Source::Narrative => "narrative",
            Source::None => "none",
        }
    }
}

/// The anchor of an event mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Anchor {
    pub source: Source,
    /// The time expression's text (empty for dct and none).
    pub text: String,
    /// TimeML value (the DCT as YYYY-MM-DD for dct).
    pub value: String,
    /// Date range covered and its precision (day, month, year, …); `None` when undated.
    pub range: Option<(NaiveDate, NaiveDate)>,
    pub precision: String,
    /// Ordering cue among events of the same anchor: -1 earlier, +1 later, 0 none.
    pub cue: i8,
}

/// What anchoring needs of an event mention.
#[derive(Debug, Clone)]
pub struct EventIn<'a> {
    pub word: usize,
    pub sentence: usize,
    pub class: &'a str,
    pub tense: &'a str,
    pub aspect: &'a str,
    pub pos: &'a str,
}

/// A time expression located in words.
#[derive(Debug, Clone)]
pub struct TimexIn<'a> {
    pub words: Range<usize>,
    pub sentence: usize,
    pub timex: &'a Timex,
}

/// Words between a verb and the expression it governs.
const GOVERN_REACH: usize = 12;

/// Anchors of a document's event mentions (`events` in text order; `words` the lower-cased
/// document words, for cues).
pub fn anchor(events: &[EventIn<'_>], timexes: &[TimexIn<'_>], words: &[String], dct: Option<NaiveDate>) -> Vec<Anchor> {
    let dated: Vec<(&TimexIn<'_>, (NaiveDate, NaiveDate, &'static str))> = timexes
        .iter()
        .filter(|t| matches!(t.timex.kind, TimexType::Date | TimexType::Time))
        .filter_map(|t| value_range(&t.timex.value).map(|r| (t, r)))
        .collect();
    // "this year's conference": an expression before a possessive modifies a noun, it dates no event
    let modifier = |t: &TimexIn<'_>| words.get(t.words.end).is_some_and(|w| matches!(w.as_str(), "'s" | "’s"));
    // the event each dated expression governs
    let mut governed: Vec<Vec<usize>> = vec![Vec::new(); events.len()];
    for (k, (t, _)) in dated.iter().enumerate() {
        if modifier(t) {
            continue;
        }
        let same: Vec<usize> = (0..events.len()).filter(|&e| events[e].sentence == t.sentence).collect();
        let left = same.iter().copied().filter(|&e| events[e].pos == "VERB" && events[e].word < t.words.start && t.words.start - events[e].word <= GOVERN_REACH).max_by_key(|&e| events[e].word);
        let right = same.iter().copied().filter(|&e| events[e].pos == "VERB" && events[e].word >= t.words.end && events[e].word - t.words.end < GOVERN_REACH).min_by_key(|&e| events[e].word);
        if let Some(e) = left.or(right) {
            governed[e].push(k);
        }
        // "the launch on June 9": an event noun up to three words before
        if let Some(e) = same.iter().copied().filter(|&e| events[e].pos == "NOUN" && events[e].word < t.words.start && t.words.start - events[e].word <= 3).max_by_key(|&e| events[e].word) {
            governed[e].push(k);
        }
    }
    let mut out: Vec<Anchor> = Vec::with_capacity(events.len());
    // (sentence, anchor) of the last event anchored to an expression
    let mut narrative: Option<(usize, Anchor)> = None;
    for (i, e) in events.iter().enumerate() {
        let from_timex = |k: usize| {
            let (t, (a, b, p)) = &dated[k];
            Anchor { source: Source::Timex, text: t.timex.text.clone(), value: t.timex.value.clone(), range: Some((*a, *b)), precision: p.to_string(), cue: 0 }
        };
        let reporting = e.class == "REPORTING";
        let present = e.tense == "PRESENT";
        let nearest = |ks: &mut dyn Iterator<Item = usize>| ks.min_by_key(|&k| dated[k].0.words.start.abs_diff(e.word));
        let mut a = if let Some(k) = nearest(&mut governed[i].iter().copied()) {
            from_timex(k)
        } else if let (false, false, Some(k)) = (reporting, present, nearest(&mut (0..dated.len()).filter(|&k| dated[k].0.sentence == e.sentence && !modifier(dated[k].0)))) {
            from_timex(k)
        } else if let (true, Some(d)) = (reporting || present, dct) {
            Anchor { source: Source::Dct, value: d.format("%Y-%m-%d").to_string(), range: Some((d, d)), precision: "day".into(), ..Default::default() }
        } else if let Some((_, n)) = narrative.as_ref().filter(|(s, _)| narrated(e) && e.sentence > *s) {
            Anchor { source: Source::Narrative, cue: 0, ..n.clone() }
        } else {
            Anchor::default()
        };
        a.cue = cue(e, words);
        if a.source == Source::Timex {
            narrative = Some((e.sentence, a.clone()));
        }
        out.push(a);
    }
    out
}

/// Events that take the narrative's reference time: the simple past (not the pluperfect, which
/// is before it). Event nouns were tried too (SemEval-2015 trial: timeline F1 27.31 → 27.35,
/// precision 32.7 → 31.0) and left out.
fn narrated(e: &EventIn<'_>) -> bool {
    e.tense == "PAST" && e.aspect != "PERFECTIVE"
}

/// Ordering cue of an event from its aspect and the words just before it.
fn cue(e: &EventIn<'_>, words: &[String]) -> i8 {
    if e.tense == "PAST" && e.aspect == "PERFECTIVE" {
        return -1;
    }
    let before = |n: usize, set: &[&str]| (e.word.saturating_sub(n)..e.word).any(|j| words.get(j).is_some_and(|w| set.contains(&w.as_str())));
    if before(3, &["after", "following"]) {
        -1
    } else if before(3, &["before"]) || before(2, &["then", "later", "subsequently", "afterwards", "afterward"]) {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(text: &str, value: &str) -> Timex {
        Timex { start: 0, end: 0, text: text.into(), kind: TimexType::Date, value: value.into(), modifier: None, rule: String::new(), unresolved: false }
    }

    #[test]
    fn governed_reporting_and_narrative() {
        // 0: "Trump told reporters Sunday ."  1: "He said he extended the offer last month ."
        // 2: "Sheinbaum rejected it ."  3: "She had declined before ."
        let words: Vec<String> = "trump told reporters sunday . he said he extended the offer last month . sheinbaum rejected it . she had declined before ."
            .split(' ')
            .map(String::from)
            .collect();
        let sunday = tx("Sunday", "2025-05-04");
        let month = tx("last month", "2025-04");
        let timexes = vec![TimexIn { words: 3..4, sentence: 0, timex: &sunday }, TimexIn { words: 11..13, sentence: 1, timex: &month }];
        let ev = |word, sentence, class, tense, aspect| EventIn { word, sentence, class, tense, aspect, pos: "VERB" };
        let events = vec![
            ev(1, 0, "REPORTING", "PAST", "NONE"),
            ev(6, 1, "REPORTING", "PAST", "NONE"),
            ev(8, 1, "OCCURRENCE", "PAST", "NONE"),
            ev(15, 2, "OCCURRENCE", "PAST", "NONE"),
            ev(20, 3, "OCCURRENCE", "PAST", "PERFECTIVE"),
        ];
        let dct = NaiveDate::from_ymd_opt(2025, 5, 5);
        let a = anchor(&events, &timexes, &words, dct);
        let got: Vec<(&str, &str, i8)> = a.iter().map(|a| (a.source.as_str(), a.value.as_str(), a.cue)).collect();
        assert_eq!(
            got,
            vec![("timex", "2025-05-04", 0), ("dct", "2025-05-05", 0), ("timex", "2025-04", 0), ("narrative", "2025-04", 0), ("none", "", -1)]
        );
        assert_eq!(a[2].precision, "month");
    }
}
