//! Events: a sentence that holds a resolved temporal expression and at least one entity, with the
//! entities involved under their canonical names, the date range the expression covers, and the
//! trigger (the verb governing the expression).

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::time::{calendar, tense, Timex, TimexType};

/// Date range and precision of a TimeML value; `None` for values that are not calendar points
/// (PRESENT_REF, P3D, XXXX-05-04, …).
pub fn value_range(value: &str) -> Option<(NaiveDate, NaiveDate, &'static str)> {
    let v = value.trim();
    let (date_part, has_time) = match v.split_once('T') {
        Some((d, _)) => (d, true),
        None => (v, false),
    };
    if date_part.contains('X') || date_part.starts_with('P') || date_part.contains("REF") {
        return None;
    }
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let month_end = |y: i32, m: u32| calendar::shift(ymd(y, m, 1)?, "M", 1).and_then(|d| d.pred_opt());
    let parts: Vec<&str> = date_part.split('-').collect();
    let year: i32 = parts.first()?.parse().ok()?;
    match (parts.first()?.len(), parts.len()) {
        (4, 1) => Some((ymd(year, 1, 1)?, ymd(year, 12, 31)?, "year")),
        (3, 1) => Some((ymd(year * 10, 1, 1)?, ymd(year * 10 + 9, 12, 31)?, "decade")),
        (2, 1) => Some((ymd(year * 100, 1, 1)?, ymd(year * 100 + 99, 12, 31)?, "century")),
        (4, 2) => {
            let p = parts[1];
            if let Some(q) = p.strip_prefix('Q') {
                let q: u32 = q.parse().ok()?;
                if !(1..=4).contains(&q) {
                    return None;
                }
                Some((ymd(year, 3 * q - 2, 1)?, month_end(year, 3 * q)?, "quarter"))
            } else if let Some(h) = p.strip_prefix('H') {
                let h: u32 = h.parse().ok()?;
                if !(1..=2).contains(&h) {
                    return None;
                }
                Some((ymd(year, 6 * h - 5, 1)?, month_end(year, 6 * h)?, "half"))
            } else if matches!(p, "SP" | "SU" | "FA" | "WI") {
                let (m0, y0) = match p {
                    "SP" => (3, year),
                    "SU" => (6, year),
                    "FA" => (9, year),
                    _ => (12, year - 1),
                };
                let end = calendar::shift(ymd(y0, m0, 1)?, "M", 3)?.pred_opt()?;
                Some((ymd(y0, m0, 1)?, end, "season"))
            } else if let Some(w) = p.strip_prefix('W') {
                let mon = NaiveDate::from_isoywd_opt(year, w.parse().ok()?, chrono::Weekday::Mon)?;
                Some((mon, mon + Duration::days(6), "week"))
            } else {
                let m: u32 = p.parse().ok()?;
                Some((ymd(year, m, 1)?, month_end(year, m)?, "month"))
            }
        }
        (4, 3) if parts[1].starts_with('W') && parts[2] == "WE" => {
            let sat = NaiveDate::from_isoywd_opt(year, parts[1][1..].parse().ok()?, chrono::Weekday::Sat)?;
            Some((sat, sat + Duration::days(1), "week"))
        }
        (4, 3) => {
            let d = ymd(year, parts[1].parse().ok()?, parts[2].parse().ok()?)?;
            Some((d, d, if has_time { "time" } else { "day" }))
        }
        _ => None,
    }
}

/// A dated event.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Event {
    pub event_id: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    pub timex_text: String,
    pub timex_value: String,
    pub people: String,
    pub organizations: String,
    pub places: String,
    pub other_entities: String,
    pub trigger: String,
    pub sentence: String,
    pub doc: String,
    /// Byte offsets of the sentence in the document.
    pub start: usize,
    pub end: usize,
    /// Code-point offsets of the sentence.
    pub char_start: usize,
    pub char_end: usize,
    pub dct: String,
    pub dct_source: String,
    /// True when the sentence has no date of its own and is anchored to the DCT (`--undated`).
    pub undated: bool,
    #[serde(skip)]
    pub sort_key: (NaiveDate, usize, usize),
}

/// An entity involved in a sentence.
#[derive(Debug, Clone)]
pub struct Involved {
    pub sentence: usize,
    pub name: String,
    pub kind: String,
}

/// Inputs for the event drafts of one document.
pub struct DocEvents<'a> {
    pub text: &'a str,
    /// Sentence byte spans.
    pub sentences: &'a [(usize, usize)],
    pub timexes: &'a [Timex],
    /// Indices of the sentences that hold at least one entity mention (sorted).
    pub with_mentions: &'a [usize],
    pub dct: Option<NaiveDate>,
    pub undated: bool,
}

/// An event before entity normalization: everything but the entity columns, which
/// [`EventDraft::finish`] fills in once the entities of all documents are known. Drafts are what
/// the per-document cache keeps, so they hold no reference to the document text.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct EventDraft {
    pub sentence_index: usize,
    /// Byte offset of the time expression (of the sentence for undated events): the sort key.
    pub offset: usize,
    pub date_start: NaiveDate,
    pub date_end: NaiveDate,
    pub precision: String,
    pub timex_text: String,
    pub timex_value: String,
    pub trigger: String,
    /// The sentence, whitespace folded.
    pub sentence: String,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub undated: bool,
}

fn join_sorted(mut v: Vec<String>) -> String {
    v.sort();
    v.dedup();
    v.join("; ")
}

/// Event drafts of one document, in text order: one per resolved DATE/TIME expression in a
/// sentence with mentions (and, with `undated`, one per such sentence without a date, at the DCT).
pub fn drafts(d: &DocEvents<'_>) -> Vec<EventDraft> {
    let mut out = Vec::new();
    let mut chars = crate::text::CharOffsets::new(d.text);
    for &si in d.with_mentions {
        let Some(&(ss, se)) = d.sentences.get(si) else { continue };
        let Some(sentence) = d.text.get(ss..se) else { continue };
        let (cs, ce) = (chars.at(ss), chars.at(se));
        let folded = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
        let dated: Vec<(&Timex, (NaiveDate, NaiveDate, &'static str))> = d
            .timexes
            .iter()
            .filter(|t| t.start >= ss && t.end <= se && matches!(t.kind, TimexType::Date | TimexType::Time))
            .filter_map(|t| value_range(&t.value).map(|r| (t, r)))
            .collect();
        let mut push = |timex_text: &str, value: &str, range: (NaiveDate, NaiveDate, &str), trigger: String, offset: usize, undated: bool| {
            out.push(EventDraft {
                sentence_index: si,
                offset,
                date_start: range.0,
                date_end: range.1,
                precision: range.2.to_string(),
                timex_text: timex_text.to_string(),
                timex_value: value.to_string(),
                trigger,
                sentence: folded.clone(),
                start: ss,
                end: se,
                char_start: cs,
                char_end: ce,
                undated,
            });
        };
        if dated.is_empty() {
            if d.undated {
                if let Some(dct) = d.dct {
                    push("", &dct.format("%Y-%m-%d").to_string(), (dct, dct, "day"), trigger(sentence, 0..0).unwrap_or_default(), ss, true);
                }
            }
            continue;
        }
        for (t, range) in dated {
            let trig = trigger(sentence, t.start - ss..t.end - ss).unwrap_or_default();
            push(&t.text, &t.value, range, trig, t.start, false);
        }
    }
    out
}

/// Where a draft's document stands in the run.
pub struct DocInfo<'a> {
    pub doc: &'a str,
    /// Position of the document in the input order (second sort key of events).
    pub index: usize,
    pub dct: &'a str,
    pub dct_source: &'a str,
}

impl EventDraft {
    /// The event with its entities (those of its sentence); `None` when the sentence has none.
    pub fn finish(&self, info: &DocInfo<'_>, involved: &[Involved]) -> Option<Event> {
        let ents: Vec<&Involved> = involved.iter().filter(|e| e.sentence == self.sentence_index).collect();
        if ents.is_empty() {
            return None;
        }
        let pick = |k: &str| join_sorted(ents.iter().filter(|e| e.kind == k).map(|e| e.name.clone()).collect());
        let other = join_sorted(ents.iter().filter(|e| !matches!(e.kind.as_str(), "PER" | "ORG" | "LOC")).map(|e| e.name.clone()).collect());
        let id_src = format!("{}\u{1f}{}\u{1f}{}", info.doc, self.start, self.offset);
        Some(Event {
            event_id: format!("ev-{}", &hex::encode(sha2_digest(id_src.as_bytes()))[..12]),
            date_start: self.date_start.format("%Y-%m-%d").to_string(),
            date_end: self.date_end.format("%Y-%m-%d").to_string(),
            precision: self.precision.clone(),
            timex_text: self.timex_text.clone(),
            timex_value: self.timex_value.clone(),
            people: pick("PER"),
            organizations: pick("ORG"),
            places: pick("LOC"),
            other_entities: other,
            trigger: self.trigger.clone(),
            sentence: self.sentence.clone(),
            doc: info.doc.to_string(),
            start: self.start,
            end: self.end,
            char_start: self.char_start,
            char_end: self.char_end,
            dct: info.dct.to_string(),
            dct_source: info.dct_source.to_string(),
            undated: self.undated,
            sort_key: (self.date_start, info.index, self.offset),
        })
    }
}

fn sha2_digest(b: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(b).to_vec()
}

/// The verb that governs the expression at `at` in `sentence`: the nearest past-tense or
/// finite verb, preferring those before the expression.
pub fn trigger(sentence: &str, at: std::ops::Range<usize>) -> Option<String> {
    tense::nearest_verb(sentence, at).map(|(s, e)| sentence[s..e].to_string())
}

/// Sort events by date, then document, then offset.
pub fn sort(events: &mut [Event]) {
    events.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.event_id.cmp(&b.event_id)));
}

/// Year/month/day of a date for the TimelineJS sheet.
pub fn ymd(d: &str) -> Option<(i32, u32, u32)> {
    let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
    Some((d.year(), d.month(), d.day()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &str) -> Option<(String, String, &'static str)> {
        value_range(v).map(|(a, b, p)| (a.to_string(), b.to_string(), p))
    }

    #[test]
    fn ranges() {
        assert_eq!(r("2025-05-04"), Some(("2025-05-04".into(), "2025-05-04".into(), "day")));
        assert_eq!(r("2025-04"), Some(("2025-04-01".into(), "2025-04-30".into(), "month")));
        assert_eq!(r("2024-02"), Some(("2024-02-01".into(), "2024-02-29".into(), "month")));
        assert_eq!(r("2025-W19"), Some(("2025-05-05".into(), "2025-05-11".into(), "week")));
        assert_eq!(r("2025-W19-WE"), Some(("2025-05-10".into(), "2025-05-11".into(), "week")));
        assert_eq!(r("2025-Q1"), Some(("2025-01-01".into(), "2025-03-31".into(), "quarter")));
        assert_eq!(r("2025"), Some(("2025-01-01".into(), "2025-12-31".into(), "year")));
        assert_eq!(r("199"), Some(("1990-01-01".into(), "1999-12-31".into(), "decade")));
        assert_eq!(r("2025-05-04T17:00"), Some(("2025-05-04".into(), "2025-05-04".into(), "time")));
        assert_eq!(r("2025-05-04TNI"), Some(("2025-05-04".into(), "2025-05-04".into(), "time")));
        assert_eq!(r("2025-WI"), Some(("2024-12-01".into(), "2025-02-28".into(), "season")));
        assert_eq!(r("PRESENT_REF"), None);
        assert_eq!(r("XXXX-05-04"), None);
        assert_eq!(r("P3D"), None);
        assert_eq!(r("2025-13"), None);
    }

    #[test]
    fn triggers() {
        let s = "“She’s so afraid,” Trump told reporters Sunday aboard Air Force One.";
        let p = s.find("Sunday").unwrap();
        assert_eq!(trigger(s, p..p + 6).as_deref(), Some("told"));
        let s = "Trump said he extended the offer during a phone call last month, and Sheinbaum confirmed it.";
        let p = s.find("last month").unwrap();
        assert_eq!(trigger(s, p..p + 10).as_deref(), Some("extended"));
        let s = "Notably, in February, Trump designated multiple cartels.";
        let p = s.find("February").unwrap();
        assert_eq!(trigger(s, p..p + 8).as_deref(), Some("designated"));
    }
}
