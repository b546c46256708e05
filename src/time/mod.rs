//! Temporal stage: find English temporal expressions and normalize them to TimeML TIMEX3 values
//! anchored to the document creation time (DCT).
//!
//! Patterns and word lists are data (`src/time/rules/*.toml`, in the manner of HeidelTime's
//! resource files); this module compiles them, resolves overlaps (longest match wins), and applies
//! the normalization function each rule names, with tense-aware anchoring to the DCT and to the
//! narrative reference time (the last absolute date mentioned).

pub mod calendar;
pub mod dct;
pub mod normalize;
pub mod rules;
pub mod tense;
pub mod timeml;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::text::Located;

use crate::error::Result;
use normalize::{Ctx, Norm};
pub use rules::TimexType;
use rules::{Rule, Vocab};

/// A normalized temporal expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timex {
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    pub value: String,
    /// TimeML `mod` attribute (START, MID, END).
    #[serde(rename = "mod")]
    pub modifier: Option<&'static str>,
    /// Name of the rule that matched.
    pub rule: String,
    /// True when the value needed an anchor (DCT) that was not available and kept X's.
    pub unresolved: bool,
}

/// Years of the DCTs the tagger anchors to: those a TimeML value writes with four digits (and a
/// sign before year 0). A DCT outside them (`--doc-date +262143-12-31` parses) is not used, as if
/// there were none: near the ends of chrono's calendar (years ±262,143) the day and week
/// arithmetic of normalization would overflow.
pub const ANCHOR_YEARS: std::ops::RangeInclusive<i32> = -9999..=9999;

fn anchorable(d: NaiveDate) -> bool {
    ANCHOR_YEARS.contains(&chrono::Datelike::year(&d))
}

/// The temporal tagger: compiled rules and vocabulary.
pub struct TimeTagger {
    vocab: Vocab,
    rules: Vec<Rule>,
}

static LEADING_PREP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:in|on|at|for|over|during|within|since|until|till|by|from|of|to|throughout|through)\s+").expect("static regex")
});

impl TimeTagger {
    /// The built-in English rules.
    pub fn new() -> Result<Self> {
        Self::with_rule_files(&[])
    }

    /// Built-in rules plus extra pattern files (same format as `src/time/rules/patterns.toml`),
    /// which take precedence over built-in rules on equal-length matches.
    pub fn with_rule_files(extra: &[std::path::PathBuf]) -> Result<Self> {
        let vocab = Vocab::parse(rules::BUILTIN_VOCAB, "vocab.toml")?;
        let mut all = Vec::new();
        for p in extra {
            let src = std::fs::read_to_string(p).map_err(|e| crate::error::Error::io(p, e))?;
            let n = all.len();
            all.extend(rules::compile(&src, &p.display().to_string(), &vocab, n)?);
        }
        let n = all.len();
        all.extend(rules::compile(rules::BUILTIN_PATTERNS, "patterns.toml", &vocab, n)?);
        Ok(TimeTagger { vocab, rules: all })
    }

    /// Find and normalize the temporal expressions of `text`. Without a DCT, expressions relative
    /// to it keep X's in their values (and `unresolved` is set); the current date is never used.
    /// A DCT outside [`ANCHOR_YEARS`] counts as none.
    pub fn tag(&self, text: &str, dct: Option<NaiveDate>) -> Vec<Timex> {
        let dct = dct.filter(|&d| anchorable(d));
        let chosen = self.choose(self.candidates(text));

        let words = crate::text::tokenize(text);
        let sentences = crate::text::split_sentences(text, &words);
        let mut out = Vec::with_capacity(chosen.len());
        let mut reference: Option<(NaiveDate, calendar::Gran)> = None;
        let mut si = 0;
        for c in chosen {
            while si + 1 < sentences.len() && sentences[si].end <= c.start {
                si += 1;
            }
            let (ss, se) = sentences.get(si).map(|s| (s.start, s.end.max(c.end))).unwrap_or((0, text.len()));
            let (ss, se) = tense_context(text, ss.min(c.start), se, c.start, c.end);
            let tense = tense::tense_at(&text[ss..se], c.start - ss..c.end - ss);
            let rule = &self.rules[c.rule];
            let ctx = Ctx { vocab: &self.vocab, dct, reference, tense };
            let Some(Norm { kind, value, modifier, sets_reference, unresolved }) = normalize::normalize(rule, &c.caps, &ctx) else {
                continue;
            };
            if let Some(r) = sets_reference {
                if kind == TimexType::Date || kind == TimexType::Time {
                    reference = Some(r);
                }
            }
            out.push(Timex {
                start: c.start,
                end: c.end,
                text: text[c.start..c.end].to_string(),
                kind,
                value,
                modifier,
                rule: rule.name.clone(),
                unresolved,
            });
        }
        out
    }

    /// Every rule's matches in `text` that their context allows, without a leading preposition.
    fn candidates<'t>(&self, text: &'t str) -> Vec<Cand<'t>> {
        let mut cands: Vec<Cand> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            for caps in rule.re.captures_iter(text) {
                let Some(m) = caps.get(0) else { continue };
                if m.is_empty() {
                    continue;
                }
                if let Some(rb) = &rule.reject_before {
                    if rb.is_match(&text[floor_boundary(text, m.start().saturating_sub(30))..m.start()]) {
                        continue;
                    }
                }
                if let Some(ra) = &rule.reject_after {
                    if ra.is_match(&text[m.end()..ceil_boundary(text, m.end() + 30)]) {
                        continue;
                    }
                }
                if let Some(rb) = &rule.require_before {
                    if !rb.is_match(&text[floor_boundary(text, m.start().saturating_sub(30))..m.start()]) {
                        continue;
                    }
                }
                if let Some(ra) = &rule.require_after {
                    if !ra.is_match(&text[m.end()..ceil_boundary(text, m.end() + 30)]) {
                        continue;
                    }
                }
                let mut start = m.start();
                if let Some(p) = LEADING_PREP.find(m.as_str()) {
                    start += p.end();
                }
                if start >= m.end() {
                    continue;
                }
                cands.push(Cand { start, end: m.end(), rule: ri, caps });
            }
        }
        cands
    }

    /// The candidates that make the expressions: longest first, then rule order, then position,
    /// none overlapping one taken before; in text order.
    fn choose<'t>(&self, mut cands: Vec<Cand<'t>>) -> Vec<Cand<'t>> {
        // longest first, then rule order, then position
        cands.sort_by(|a, b| {
            (b.end - b.start).cmp(&(a.end - a.start)).then(self.rules[a.rule].priority.cmp(&self.rules[b.rule].priority)).then(a.start.cmp(&b.start))
        });
        // spans taken so far, disjoint: start → end (of those starting before a candidate's end,
        // only the last can reach into it)
        let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        let mut chosen: Vec<Cand> = Vec::new();
        for c in cands {
            if taken.range(..c.end).next_back().is_some_and(|(_, &e)| c.start < e) {
                continue;
            }
            taken.insert(c.start, c.end);
            chosen.push(c);
        }
        chosen.sort_by_key(|c| c.start);
        chosen
    }
}

/// A rule's match, where the expression is.
struct Cand<'t> {
    start: usize,
    end: usize,
    rule: usize,
    caps: regex::Captures<'t>,
}

/// Bytes of text on each side of an expression, at most, that its tense is read from: the nearest
/// cue of the sentence decides, and sentences of real text stay far below this (the longest reach in
/// TimeBank, AQUAINT and the seeds is 563 bytes); a longer "sentence" is a table, a list or a text
/// without punctuation. Bounds the work per expression, which grew with the sentence: a 100 KB line
/// of dates took minutes to tag, a 1 MB one hours.
const TENSE_CONTEXT: usize = 1000;

/// The part `ss..se` of the sentence around the expression `start..end` that its tense is read
/// from: the whole sentence, or [`TENSE_CONTEXT`] bytes on each side cut back to whole words.
fn tense_context(text: &str, ss: usize, se: usize, start: usize, end: usize) -> (usize, usize) {
    let ss = if start - ss > TENSE_CONTEXT {
        let lo = ceil_boundary(text, start - TENSE_CONTEXT);
        text[lo..start].find(char::is_whitespace).map_or(lo, |k| lo + k)
    } else {
        ss
    };
    let se = if se - end > TENSE_CONTEXT {
        let hi = floor_boundary(text, end + TENSE_CONTEXT);
        text[end..hi].rfind(char::is_whitespace).map_or(hi, |k| end + k)
    } else {
        se
    };
    (ss, se)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// One row of timexes.csv: a time expression, where it is and its TimeML type and value.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TimexRow {
    #[serde(flatten)]
    pub at: Located,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(rename = "mod")]
    pub modifier: String,
    pub anchored: bool,
    pub rule: String,
}

#[cfg(test)]
mod tests;
