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
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Serialize;

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

/// The temporal tagger: compiled rules and vocabulary.
pub struct TimeTagger {
    vocab: Vocab,
    rules: Vec<Rule>,
}

static LEADING_PREP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:in|on|at|for|over|during|within|since|until|till|by|from|of|to|throughout|through)\s+")
        .expect("static regex")
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
            let src = std::fs::read_to_string(p).map_err(|e| crate::Error::io(p, e))?;
            let n = all.len();
            all.extend(rules::compile(&src, &p.display().to_string(), &vocab, n)?);
        }
        let n = all.len();
        all.extend(rules::compile(rules::BUILTIN_PATTERNS, "patterns.toml", &vocab, n)?);
        Ok(TimeTagger { vocab, rules: all })
    }

    /// Find and normalize the temporal expressions of `text`. Without a DCT, expressions relative
    /// to it keep X's in their values (and `unresolved` is set); the current date is never used.
    pub fn tag(&self, text: &str, dct: Option<NaiveDate>) -> Vec<Timex> {
        struct Cand<'t> {
            start: usize,
            end: usize,
            rule: usize,
            caps: regex::Captures<'t>,
        }
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
        // longest first, then rule order, then position
        cands.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(self.rules[a.rule].priority.cmp(&self.rules[b.rule].priority))
                .then(a.start.cmp(&b.start))
        });
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut chosen: Vec<Cand> = Vec::new();
        for c in cands {
            if taken.iter().any(|&(s, e)| c.start < e && s < c.end) {
                continue;
            }
            taken.push((c.start, c.end));
            chosen.push(c);
        }
        chosen.sort_by_key(|c| c.start);

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
            let ss = ss.min(c.start);
            let tense = tense::tense_at(&text[ss..se], c.start - ss..c.end - ss);
            let rule = &self.rules[c.rule];
            let ctx = Ctx { vocab: &self.vocab, dct, reference, tense };
            let Some(Norm { kind, value, modifier, sets_reference, unresolved }) = normalize::normalize(rule, &c.caps, &ctx)
            else {
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

#[cfg(test)]
mod tests;
