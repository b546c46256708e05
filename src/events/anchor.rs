//! When an event happened: each event mention gets an anchor, in this order of preference —
//! 1. `timex`: the date or time expression it governs (the expression's nearest verb, before it
//!    by preference, as "Trump told reporters Sunday" or "in February, Trump designated"; an event
//!    noun right before the expression, "the launch on June 9"; "this year's conference" dates no
//!    event), or for an event that is neither reporting nor in the present tense, the nearest
//!    dated expression of its sentence;
//! 2. `dct`: the document date, for the present tense;
//! 3. a participle shares the anchor of the finite verb before it in its sentence ("Jobs unveiled
//!    the iPhone 4 on Monday, saying …");
//! 4. `narrative`: a reporting event in the simple past takes the time the narrative is at (the
//!    story's "Jobs said" happened when the story happened, not on the day it was published), else
//!    `dct`; any other simple-past event takes the narrative's time too. The narrative's time is
//!    the anchor of the last event the text dated with an expression, but a lead dated within
//!    the week before the document date stays the story's time through background dates;
//! 5. `none`: undated (kept; timelines list it at position 0).
//!
//! Plus an ordering cue among events with the same anchor: -1 for earlier (pluperfect "had
//! signed", "after signing"), +1 for later ("then signed", "before signing" … of the event named
//! after "before"), 0 otherwise.
//!
//! SemEval-2015 Task 4 trial (scripts/eval_timelines.sh): the participle rule, past reporting
//! events in the narrative and the lead's time together took timeline F1 from 27.17 to 29.77
//! (each alone: 26.75, 27.25, 27.52).

use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ner::deptree::DepTree;
use crate::time::calendar::value_range;
use crate::time::{Timex, TimexType};

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

/// Days before the document date within which the first dated event is the news of the day.
const LEAD_DAYS: i64 = 7;

/// Words that open a complement clause.
const COMPLEMENTIZERS: &[&str] = &["that", "whether", "if"];

/// Words between a verb and the expression it governs.
const GOVERN_REACH: usize = 12;

/// Anchors of a document's event mentions (`events` in text order; `words` the lower-cased
/// document words, for cues; `tree` the parse when the model gives one: an expression is then
/// governed by the event it depends on, see [`governed_in_tree`]).
pub fn anchor(
    events: &[EventIn<'_>],
    timexes: &[TimexIn<'_>],
    words: &[String],
    dct: Option<NaiveDate>,
    tree: Option<&DepTree<'_, '_>>,
) -> Vec<Anchor> {
    let dated: Vec<(&TimexIn<'_>, (NaiveDate, NaiveDate, &'static str))> = timexes
        .iter()
        .filter(|t| matches!(t.timex.kind, TimexType::Date | TimexType::Time))
        .filter_map(|t| value_range(&t.timex.value).map(|r| (t, r)))
        .collect();
    let modifier = |t: &TimexIn<'_>| modifies_a_noun(t, words);
    let governed = match tree {
        Some(t) => governed_in_tree(events, &dated, words, t),
        None => governed(events, &dated, words),
    };
    let mut out: Vec<Anchor> = Vec::with_capacity(events.len());
    // (sentence, anchor) of the narrative's reference time
    let mut narrative: Option<(usize, Anchor)> = None;
    for (i, e) in events.iter().enumerate() {
        let from_timex = |k: usize| {
            let (t, (a, b, p)) = &dated[k];
            Anchor {
                source: Source::Timex,
                text: t.timex.text.clone(),
                value: t.timex.value.clone(),
                range: Some((*a, *b)),
                precision: p.to_string(),
                cue: 0,
            }
        };
        let reporting = e.class == "REPORTING";
        let present = e.tense == "PRESENT";
        let participle = matches!(e.tense, "PRESPART" | "PASTPART");
        let nearest = |ks: &mut dyn Iterator<Item = usize>| ks.min_by_key(|&k| dated[k].0.words.start.abs_diff(e.word));
        let dct_anchor = || {
            dct.map(|d| Anchor {
                source: Source::Dct,
                value: d.format("%Y-%m-%d").to_string(),
                range: Some((d, d)),
                precision: "day".into(),
                ..Default::default()
            })
        };
        let narrative_anchor = |n: &Option<(usize, Anchor)>| {
            n.as_ref().filter(|(s, _)| e.sentence > *s).map(|(_, n)| Anchor { source: Source::Narrative, cue: 0, ..n.clone() })
        };
        // ", introducing …", "…, saying": a participle shares the time of the finite verb before it
        let main_verb = || {
            (0..i)
                .rev()
                .take_while(|&j| events[j].sentence == e.sentence)
                .find(|&j| events[j].pos == "VERB" && matches!(events[j].tense, "PAST" | "PRESENT" | "FUTURE") && out[j].source != Source::None)
                .map(|j| out[j].clone())
        };
        let mut a = if let Some(k) = nearest(&mut governed[i].iter().copied()) {
            from_timex(k)
        } else if let (false, false, Some(k)) =
            (reporting, present, nearest(&mut (0..dated.len()).filter(|&k| dated[k].0.sentence == e.sentence && !modifier(dated[k].0))))
        {
            from_timex(k)
        } else if let (true, Some(d)) = (present, dct_anchor()) {
            d
        } else if let (true, Some(m)) = (participle, main_verb()) {
            m
        } else if let (true, true, Some(n)) = (reporting, e.tense == "PAST", narrative_anchor(&narrative)) {
            n
        } else if let (true, Some(d)) = (reporting, dct_anchor()) {
            d
        } else if let (true, Some(n)) = (narrated(e), narrative_anchor(&narrative)) {
            n
        } else {
            Anchor::default()
        };
        a.cue = cue(e, words);
        // the narrative's time: the last expression-dated event, except that the news of the day
        // (a lead dated within the week before the document date) stays the story's time; a
        // background date ("in 1985, Jobs was fired") then dates only its own sentence
        let lead = |n: &Anchor| matches!((n.range, dct), (Some((s, t)), Some(d)) if t <= d && (d - s).num_days() <= LEAD_DAYS);
        // (what is to come — "will ship in July", "plans to release it next year" — moves no narrative)
        let narrated_time = !matches!(e.tense, "FUTURE" | "INFINITIVE");
        if a.source == Source::Timex && narrated_time && !narrative.as_ref().is_some_and(|(_, n)| lead(n)) {
            narrative = Some((e.sentence, a.clone()));
        }
        out.push(a);
    }
    out
}

/// "this year's conference": an expression before a possessive modifies a noun, it dates no event.
fn modifies_a_noun(t: &TimexIn<'_>, words: &[String]) -> bool {
    words.get(t.words.end).is_some_and(|w| matches!(w.as_str(), "'s" | "’s"))
}

/// The dated expressions (indices into `dated`) each event governs: the nearest verb before the
/// expression in its clause, else the nearest after it; and an event noun just before it.
fn governed(events: &[EventIn<'_>], dated: &[(&TimexIn<'_>, (NaiveDate, NaiveDate, &'static str))], words: &[String]) -> Vec<Vec<usize>> {
    let mut governed: Vec<Vec<usize>> = vec![Vec::new(); events.len()];
    for (k, (t, _)) in dated.iter().enumerate() {
        if modifies_a_noun(t, words) {
            continue;
        }
        let same: Vec<usize> = (0..events.len()).filter(|&e| events[e].sentence == t.sentence).collect();
        // "said that the switch would come next year": an expression past a complementizer belongs
        // to the clause it introduces, not to the verb before it
        let open_clause = |e: usize| words[events[e].word + 1..t.words.start].iter().any(|w| COMPLEMENTIZERS.contains(&w.as_str()));
        let left = same
            .iter()
            .copied()
            .filter(|&e| {
                events[e].pos == "VERB" && events[e].word < t.words.start && t.words.start - events[e].word <= GOVERN_REACH && !open_clause(e)
            })
            .max_by_key(|&e| events[e].word);
        let right = same
            .iter()
            .copied()
            .filter(|&e| events[e].pos == "VERB" && events[e].word >= t.words.end && events[e].word - t.words.end < GOVERN_REACH)
            .min_by_key(|&e| events[e].word);
        if let Some(e) = left.or(right) {
            governed[e].push(k);
        }
        // "the launch on June 9": an event noun up to three words before
        if let Some(e) = same
            .iter()
            .copied()
            .filter(|&e| events[e].pos == "NOUN" && events[e].word < t.words.start && t.words.start - events[e].word <= 3)
            .max_by_key(|&e| events[e].word)
        {
            governed[e].push(k);
        }
    }
    governed
}

/// With a parse: an expression is governed by the event it depends on ("met Putin on 12 July",
/// "the launch on June 9", "said the switch would come next year": *come*), also through a
/// coordinated or flat date ("on Monday and Tuesday"); an expression whose head is no event
/// governs nothing here (the sentence rules of [`anchor`] still apply).
fn governed_in_tree(
    events: &[EventIn<'_>],
    dated: &[(&TimexIn<'_>, (NaiveDate, NaiveDate, &'static str))],
    words: &[String],
    tree: &DepTree<'_, '_>,
) -> Vec<Vec<usize>> {
    let mut governed: Vec<Vec<usize>> = vec![Vec::new(); events.len()];
    let event_at = |w: usize| events.iter().position(|e| e.word == w);
    for (k, (t, _)) in dated.iter().enumerate() {
        if modifies_a_noun(t, words) || t.words.end > tree.deps.len() {
            continue;
        }
        let mut x = tree.head_word(&t.words);
        for _ in 0..3 {
            let Some(h) = tree.deps[x].head else { break };
            if let Some(e) = event_at(h) {
                governed[e].push(k);
                break;
            }
            // "on Monday and Tuesday", "12 July 2009": up through the date's own parts only
            if !matches!(tree.deps[x].rel, "conj" | "flat" | "nmod:unmarked" | "compound") {
                break;
            }
            x = h;
        }
    }
    governed
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
        Timex {
            start: 0,
            end: 0,
            text: text.into(),
            kind: TimexType::Date,
            value: value.into(),
            modifier: None,
            rule: String::new(),
            unresolved: false,
        }
    }

    #[test]
    fn governed_participle_reporting_and_narrative() {
        // 0: "Trump told reporters Sunday, adding that."  1: "He said he extended the offer last month."
        // 2: "Sheinbaum rejected it."  3: "She had declined before."
        let words: Vec<String> =
            "trump told reporters sunday , adding that . he said he extended the offer last month . sheinbaum rejected it . she had declined before ."
                .split(' ')
                .map(String::from)
                .collect();
        let sunday = tx("Sunday", "2025-05-04");
        let month = tx("last month", "2025-04");
        let timexes = vec![TimexIn { words: 3..4, sentence: 0, timex: &sunday }, TimexIn { words: 14..16, sentence: 1, timex: &month }];
        let ev = |word, sentence, class, tense, aspect| EventIn { word, sentence, class, tense, aspect, pos: "VERB" };
        let events = vec![
            ev(1, 0, "REPORTING", "PAST", "NONE"),
            ev(5, 0, "REPORTING", "PRESPART", "NONE"),
            ev(9, 1, "REPORTING", "PAST", "NONE"),
            ev(11, 1, "OCCURRENCE", "PAST", "NONE"),
            ev(18, 2, "OCCURRENCE", "PAST", "NONE"),
            ev(23, 3, "OCCURRENCE", "PAST", "PERFECTIVE"),
        ];
        let dct = NaiveDate::from_ymd_opt(2025, 5, 5);
        let a = anchor(&events, &timexes, &words, dct, None);
        let got: Vec<(&str, &str, i8)> = a.iter().map(|a| (a.source.as_str(), a.value.as_str(), a.cue)).collect();
        assert_eq!(
            got,
            vec![
                ("timex", "2025-05-04", 0),
                // the participle shares "told"'s time
                ("timex", "2025-05-04", 0),
                // "He said": when the story happened (Sunday, the lead), not the publication day
                ("narrative", "2025-05-04", 0),
                ("timex", "2025-04", 0),
                // last month is background: the story's time stays Sunday
                ("narrative", "2025-05-04", 0),
                ("none", "", -1),
            ]
        );
        assert_eq!(a[3].precision, "month");
        // without a narrative time, a past reporting event is dated by the document
        let b = anchor(&events[2..3], &[], &words, dct, None);
        assert_eq!((b[0].source, b[0].value.as_str()), (Source::Dct, "2025-05-05"));
    }
}
