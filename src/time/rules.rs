//! Loading the temporal pattern resources (`src/time/rules/*.toml`, embedded in the binary; more
//! rule files can be added at run time) and compiling them into regexes.

use std::collections::HashMap;

use regex::Regex;
use serde::Deserialize;

use crate::error::{Error, Result};

pub const BUILTIN_VOCAB: &str = include_str!("rules/vocab.toml");
pub const BUILTIN_PATTERNS: &str = include_str!("rules/patterns.toml");

/// A word list: surface form (lower-cased unless case-sensitive) → normalized value.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    pub case_sensitive: bool,
    map: HashMap<String, toml::Value>,
}

impl WordList {
    fn key(&self, s: &str) -> String {
        let s = s.trim().trim_end_matches('.');
        let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let s = s.replace('\u{2019}', "'");
        if self.case_sensitive {
            s
        } else {
            s.to_lowercase()
        }
    }

    pub fn get(&self, s: &str) -> Option<&toml::Value> {
        let k = self.key(s);
        self.map.get(&k).or_else(|| {
            // case-sensitive lists still accept a lower-case lookup of a matched form
            self.map.iter().find(|(key, _)| key.eq_ignore_ascii_case(&k)).map(|(_, v)| v)
        })
    }

    pub fn int(&self, s: &str) -> Option<i64> {
        self.get(s).and_then(|v| v.as_integer())
    }

    pub fn str(&self, s: &str) -> Option<String> {
        self.get(s).and_then(|v| v.as_str().map(str::to_string))
    }

    /// Regex alternation of all forms, longest first, spaces matching any whitespace.
    fn alternation(&self) -> String {
        let mut forms: Vec<&String> = self.map.keys().collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let alts: Vec<String> = forms
            .iter()
            .map(|f| {
                let mut e = regex::escape(f).replace(' ', r"\s+").replace('\'', "(?:'|’)");
                if f.ends_with('.') {
                    // "Sept." must not be followed by a letter; "Sept" alone may be
                    e.push('?');
                }
                e
            })
            .collect();
        if self.case_sensitive {
            format!("(?-i:{})", alts.join("|"))
        } else {
            format!("(?:{})", alts.join("|"))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    #[serde(default)]
    case_sensitive: bool,
    map: toml::Table,
}

/// The vocabulary behind the %MACROS.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub lists: HashMap<String, WordList>,
}

impl Vocab {
    pub fn parse(src: &str, origin: &str) -> Result<Self> {
        let raw: HashMap<String, RawList> = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
        let lists = raw
            .into_iter()
            .map(|(name, l)| {
                let cs = l.case_sensitive;
                let map = l.map.into_iter().map(|(k, v)| (if cs { k } else { k.to_lowercase() }, v)).collect();
                (name, WordList { case_sensitive: cs, map })
            })
            .collect();
        Ok(Vocab { lists })
    }

    pub fn list(&self, name: &str) -> &WordList {
        static EMPTY: std::sync::LazyLock<WordList> = std::sync::LazyLock::new(WordList::default);
        self.lists.get(name).unwrap_or(&EMPTY)
    }

    /// Parse a number: digits, number words ("twenty four", "twenty-four", "a"), or None.
    pub fn number(&self, s: &str) -> Option<f64> {
        let t = s.trim().to_lowercase().replace(',', "");
        if let Ok(v) = t.parse::<f64>() {
            return Some(v);
        }
        let nums = self.list("numbers");
        if let Some(v) = nums.int(&t) {
            return Some(v as f64);
        }
        let mut total = 0i64;
        for part in t.split(|c: char| c == '-' || c.is_whitespace()).filter(|p| !p.is_empty() && *p != "and") {
            total += nums.int(part)?;
        }
        (total > 0).then_some(total as f64)
    }

    fn macros(&self) -> Vec<(&'static str, String)> {
        /// "nineteen ninety-four", "eighteen hundred and twelve", "two thousand and five"
        const SPELLED_YEAR: &str = r"(?:(?:nineteen|eighteen)(?:\s+hundred(?:\s+and)?)?[\s-]+(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|(?:nineteen|eighteen)[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|two\s+thousand(?:(?:\s+and)?[\s-]+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?))?)";
        let num_words = self.list("numbers").alternation();
        let tens = "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\\s-](?:one|two|three|four|five|six|seven|eight|nine)";
        let units = self.list("units");
        let mut singular: Vec<&String> = units.map.keys().filter(|k| !k.ends_with('s') || k.ends_with("ss")).collect();
        singular.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let unit1 = format!("(?:{})", singular.iter().map(|f| regex::escape(f).replace(' ', r"\s+")).collect::<Vec<_>>().join("|"));
        let mut day_up: Vec<&String> =
            units.map.iter().filter(|(_, v)| !matches!(v.as_str(), Some("H" | "TM" | "S" | "NI"))).map(|(k, _)| k).collect();
        day_up.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let unit_d = format!("(?:{})", day_up.iter().map(|f| regex::escape(f).replace(' ', r"\s+")).collect::<Vec<_>>().join("|"));
        vec![
            ("%MONTH", self.list("months").alternation()),
            ("%WEEKDAY", self.list("weekdays").alternation()),
            ("%NUM", format!("(?:\\d{{1,3}}(?:,\\d{{3}})*(?:\\.\\d+)?|{tens}|{num_words})")),
            ("%VAGUE", self.list("vague_numbers").alternation()),
            ("%ORD", self.list("ordinals").alternation()),
            ("%UNIT1", unit1),
            ("%UNITD", unit_d),
            ("%UNIT", units.alternation()),
            ("%SEASON", self.list("seasons").alternation()),
            ("%DAYPART", self.list("dayparts").alternation()),
            ("%DIR", self.list("directions").alternation()),
            ("%YEAR", "(?:1[0-9]\\d\\d|20\\d\\d)".to_string()),
            ("%DAY", "(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?".to_string()),
            ("%DAYW", self.list("day_ordinals").alternation()),
            ("%SPELLEDYEAR", SPELLED_YEAR.to_string()),
            ("%DECADEW", self.list("decades").alternation()),
            ("%HOLIDAY", self.list("holidays").alternation()),
            ("%NAMEDDAY", self.list("named_days").alternation()),
            // a zone abbreviation, or GMT/UTC with an explicit offset ("GMT-5", "UTC+05:30")
            ("%ZONE", format!("(?:(?-i:GMT|UTC)\\s*[+−-]\\s*\\d{{1,2}}(?::?[0-5]\\d)?|{})", self.list("zones").alternation())),
        ]
    }

    /// Replace %MACROS in a pattern (longest macro names first).
    pub fn expand(&self, pattern: &str) -> String {
        let mut macros = self.macros();
        macros.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        let mut out = pattern.to_string();
        for (name, alt) in macros {
            out = out.replace(name, &alt);
        }
        out
    }
}

/// TIMEX3 type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

impl TimexType {
    pub fn as_str(&self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    pub pattern: String,
    pub norm: NormFn,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub n: Option<f64>,
    #[serde(default)]
    pub reject_before: Option<String>,
    #[serde(default)]
    pub reject_after: Option<String>,
    #[serde(default)]
    pub require_before: Option<String>,
    #[serde(default)]
    pub require_after: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    rule: Vec<RawRule>,
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub kind: TimexType,
    pub norm: NormFn,
    pub value: Option<String>,
    pub unit: Option<String>,
    pub n: Option<f64>,
    pub re: Regex,
    pub reject_before: Option<Regex>,
    pub reject_after: Option<Regex>,
    /// The 30 characters before the match must match this ("one day" after "will").
    pub require_before: Option<Regex>,
    /// The 30 characters after the match must match this ("the year" before "ended June 30").
    pub require_after: Option<Regex>,
    pub priority: usize,
}

/// The normalization function a rule names (`norm = "date"`; see [`super::normalize`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormFn {
    Date,
    Weekday,
    Month,
    Offset,
    LiteralDct,
    Duration,
    Set,
    Literal,
    Time,
    Decade,
    Century,
    Quarter,
    Season,
    Daypart,
    Anaphoric,
    Holiday,
    NamedDay,
    FrameOffset,
    WeekOfMonth,
    Reject,
}

impl NormFn {
    /// Every norm function.
    pub const ALL: [NormFn; 20] = [
        NormFn::Date,
        NormFn::Weekday,
        NormFn::Month,
        NormFn::Offset,
        NormFn::LiteralDct,
        NormFn::Duration,
        NormFn::Set,
        NormFn::Literal,
        NormFn::Time,
        NormFn::Decade,
        NormFn::Century,
        NormFn::Quarter,
        NormFn::Season,
        NormFn::Daypart,
        NormFn::Anaphoric,
        NormFn::Holiday,
        NormFn::NamedDay,
        NormFn::FrameOffset,
        NormFn::WeekOfMonth,
        NormFn::Reject,
    ];

    /// The name rule files give it.
    pub fn name(self) -> &'static str {
        match self {
            NormFn::Date => "date",
            NormFn::Weekday => "weekday",
            NormFn::Month => "month",
            NormFn::Offset => "offset",
            NormFn::LiteralDct => "literal_dct",
            NormFn::Duration => "duration",
            NormFn::Set => "set",
            NormFn::Literal => "literal",
            NormFn::Time => "time",
            NormFn::Decade => "decade",
            NormFn::Century => "century",
            NormFn::Quarter => "quarter",
            NormFn::Season => "season",
            NormFn::Daypart => "daypart",
            NormFn::Anaphoric => "anaphoric",
            NormFn::Holiday => "holiday",
            NormFn::NamedDay => "named_day",
            NormFn::FrameOffset => "frame_offset",
            NormFn::WeekOfMonth => "week_of_month",
            NormFn::Reject => "reject",
        }
    }
}

/// A rule's regex, case-insensitive. The lazy DFA cache of each regex (one per thread that runs
/// it) is capped below the regex crate's default to bound the worst case of a few hundred regexes
/// per thread; in the batch memory traces (session 3) neither 256 KiB nor 64 KiB changed the
/// measured growth, which came from glibc's heap (see `pipeline::release_free_memory`).
fn rule_regex(pattern: &str) -> std::result::Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).case_insensitive(true).dfa_size_limit(RULE_DFA_CACHE).build()
}

const RULE_DFA_CACHE: usize = 256 * 1024;

pub fn compile(src: &str, origin: &str, vocab: &Vocab, first_priority: usize) -> Result<Vec<Rule>> {
    let raw: RawRules = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
    let err = |name: &str, what: &str, e: &dyn std::fmt::Display| Error::Other(format!("{origin}: rule {name}: {what}: {e}"));
    let mut out = Vec::with_capacity(raw.rule.len());
    for (i, r) in raw.rule.into_iter().enumerate() {
        let re = rule_regex(&vocab.expand(&r.pattern)).map_err(|e| err(&r.name, "pattern", &e))?;
        let ctx = |p: &Option<String>| -> Result<Option<Regex>> {
            p.as_ref().map(|p| rule_regex(&vocab.expand(p)).map_err(|e| err(&r.name, "context pattern", &e))).transpose()
        };
        out.push(Rule {
            reject_before: ctx(&r.reject_before)?,
            reject_after: ctx(&r.reject_after)?,
            require_before: ctx(&r.require_before)?,
            require_after: ctx(&r.require_after)?,
            name: r.name,
            kind: r.kind,
            norm: r.norm,
            value: r.value,
            unit: r.unit,
            n: r.n,
            re,
            priority: first_priority + i,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn builtin_resources_compile() {
        let v = Vocab::parse(BUILTIN_VOCAB, "vocab.toml").unwrap();
        let rules = compile(BUILTIN_PATTERNS, "patterns.toml", &v, 0).unwrap();
        assert!(rules.len() > 40);
        let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), rules.len(), "rule names are unique");
    }

    #[test]
    fn numbers() {
        let v = Vocab::parse(BUILTIN_VOCAB, "vocab.toml").unwrap();
        assert_eq!(v.number("twenty four"), Some(24.0));
        assert_eq!(v.number("twenty-four"), Some(24.0));
        assert_eq!(v.number("a"), Some(1.0));
        assert_eq!(v.number("13"), Some(13.0));
        assert_eq!(v.number("2.5"), Some(2.5));
        assert_eq!(v.number("several"), None);
        assert_eq!(v.list("months").int("Sept."), Some(9));
        assert_eq!(v.list("months").int("may"), Some(5));
    }

    #[test]
    fn patterns_header_lists_the_macros_and_norms_there_are() {
        let v = Vocab::parse(BUILTIN_VOCAB, "vocab.toml").unwrap();
        let code_macros: BTreeSet<String> = v.macros().into_iter().map(|(m, _)| m.to_string()).collect();
        let code_norms: BTreeSet<String> = NormFn::ALL.iter().map(|n| n.name().to_string()).collect();
        let (header_macros, header_norms) =
            (crate::text::header_list(BUILTIN_PATTERNS, "Macros"), crate::text::header_list(BUILTIN_PATTERNS, "Norms"));
        assert_eq!(header_macros, code_macros, "patterns.toml header `# Macros:` against Vocab::macros");
        assert_eq!(header_norms, code_norms, "patterns.toml header `# Norms:` against NormFn");
        // what the rules use is in the header
        let raw: RawRules = toml::from_str(BUILTIN_PATTERNS).unwrap();
        let macro_re = Regex::new(r"%[A-Z][A-Z0-9]*").unwrap();
        for r in &raw.rule {
            let patterns = [Some(&r.pattern), r.reject_before.as_ref(), r.reject_after.as_ref(), r.require_before.as_ref(), r.require_after.as_ref()];
            for m in patterns.into_iter().flatten().flat_map(|p| macro_re.find_iter(p)) {
                assert!(header_macros.contains(m.as_str()), "rule {}: macro {} is not in the header", r.name, m.as_str());
            }
            assert!(header_norms.contains(r.norm.name()), "rule {}: norm {} is not in the header", r.name, r.norm.name());
        }
        // and what the header lists is used (a macro the code defines may go unused: %UNIT1)
        let used: BTreeSet<&str> = raw.rule.iter().map(|r| r.norm.name()).collect();
        assert_eq!(used.len(), header_norms.len(), "every norm function is used by a built-in rule");
    }
}
