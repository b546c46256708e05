//! Events and entity timelines. An event is one happening: the event mentions of every document
//! that report it ([`cluster`]: same or synonymous predicate, compatible anchors, a shared
//! participant), with its anchor, its participants under their canonical names and one
//! representative sentence. An entity's timeline is the events it takes part in, in order
//! ([`positions`]: by anchor, then by the ordering cues of the text; events with the same anchor
//! and no cue share a position; undated ones are at position 0).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use once_cell::sync::Lazy;
use serde::Serialize;

use crate::events::anchor::Source;
use crate::events::participants::Role;
use crate::time::calendar;

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

/// One row of events.csv: an event (a cluster of event mentions).
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default)]
pub struct Event {
    pub event_id: String,
    /// The anchor's date range (empty when undated).
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    /// timex, dct, narrative or none.
    pub anchor_source: String,
    /// The time expression (empty unless anchor_source is timex or narrative) and its value.
    pub timex_text: String,
    pub timex_value: String,
    pub trigger: String,
    pub lemma: String,
    pub class: String,
    pub polarity: String,
    pub modality: String,
    /// Canonical names, `; `-joined: who does it, who or what else takes part, where.
    pub agents: String,
    pub participants: String,
    pub places: String,
    /// Every entity involved, by type (the columns of earlier versions; the report's lanes).
    pub people: String,
    pub organizations: String,
    pub locations: String,
    pub other_entities: String,
    /// The representative mention's sentence, whitespace folded, and where it is.
    pub sentence: String,
    pub doc: String,
    pub sentence_index: usize,
    /// Byte offsets of the sentence in the document.
    pub start: usize,
    pub end: usize,
    /// Code-point offsets of the sentence.
    pub char_start: usize,
    pub char_end: usize,
    /// Event mentions and documents that report it.
    pub mentions: usize,
    pub documents: usize,
    pub dct: String,
    pub dct_source: String,
    pub undated: bool,
}

/// A date as precise as its precision: 2025, 2025-04, 2025-04-03 (other units: the TimeML value).
pub fn date_label(range: Option<(NaiveDate, NaiveDate)>, precision: &str, value: &str) -> String {
    match (range, precision) {
        (None, _) => String::new(),
        (Some((a, _)), "year") => a.format("%Y").to_string(),
        (Some((a, _)), "month") => a.format("%Y-%m").to_string(),
        (Some((a, _)), "day" | "time") => a.format("%Y-%m-%d").to_string(),
        (Some((a, _)), _) if value.is_empty() => a.format("%Y-%m-%d").to_string(),
        (Some(_), _) => value.split('T').next().unwrap_or(value).to_string(),
    }
}

/// Lemmas that name one kind of happening ("buy" / "purchase" / "acquisition"): `synonyms.toml`.
static SYNSETS: Lazy<HashMap<String, String>> = Lazy::new(|| {
    #[derive(serde::Deserialize)]
    struct Raw {
        synsets: Vec<Vec<String>>,
    }
    let raw: Raw = toml::from_str(include_str!("synonyms.toml")).expect("the built-in synonym table is well-formed (checked by a test)");
    let mut m = HashMap::new();
    for set in raw.synsets {
        let Some(first) = set.first().cloned() else { continue };
        for w in set {
            m.insert(w, first.clone());
        }
    }
    m
});

/// The predicate key of a lemma for merging (its synonym set's first member, else itself).
pub fn predicate_key(lemma: &str) -> String {
    let l = lemma.to_lowercase();
    SYNSETS.get(&l).cloned().unwrap_or(l)
}

/// What merging needs of an event mention (all numbers: the corpus' mentions stay in memory).
#[derive(Debug, Clone)]
pub struct MentionKey {
    pub doc: u32,
    pub sentence: u32,
    /// Interned [`predicate_key`].
    pub predicate: u32,
    pub reporting: bool,
    pub negative: bool,
    pub source: Source,
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// (entity index, role), each entity once with its first role.
    pub roles: Box<[(u32, Role)]>,
}

impl MentionKey {
    /// Entities of `a` and `b` in roles `want` has in common.
    fn shares(a: &MentionKey, b: &MentionKey, want: impl Fn(Role) -> bool) -> bool {
        a.roles.iter().any(|&(e, r)| want(r) && b.roles.iter().any(|&(f, q)| f == e && want(q)))
    }

    /// Whether two mentions (a before b in input order) report the same happening.
    fn same_event(a: &MentionKey, b: &MentionKey) -> bool {
        if a.predicate != b.predicate || a.negative != b.negative || (a.doc == b.doc && a.sentence == b.sentence) {
            return false;
        }
        let (Some(ra), Some(rb)) = (a.range, b.range) else { return false };
        if ra.0 > rb.1 || rb.0 > ra.1 {
            return false;
        }
        // two statements on one day by one speaker are two events unless they are about the same
        if a.reporting || b.reporting {
            return Self::shares(a, b, |r| r == Role::Agent) && Self::shares(a, b, |r| r == Role::Participant);
        }
        // within a document, only mentions anchored to a time expression (not both to the DCT)
        if a.doc == b.doc && a.source == Source::Dct && b.source == Source::Dct {
            return false;
        }
        Self::shares(a, b, |r| r != Role::Place)
    }
}

/// Mentions compared with each new mention per (predicate, entity) bucket: the latest ones.
const BUCKET: usize = 64;

/// The event of each mention: the index of the first mention of its cluster. Mentions join the
/// event of an earlier mention with the same predicate, overlapping anchors and a shared
/// participant (see `MentionKey::same_event`); the comparison is limited to the latest
/// [`BUCKET`] mentions sharing a predicate and an entity, so it stays linear in the corpus.
pub fn cluster<T>(items: &[T], key: impl Fn(&T) -> &MentionKey) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..items.len() as u32).collect();
    fn root(p: &mut [u32], mut i: u32) -> u32 {
        while p[i as usize] != i {
            p[i as usize] = p[p[i as usize] as usize];
            i = p[i as usize];
        }
        i
    }
    let mut buckets: HashMap<(u32, u32), std::collections::VecDeque<u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        let i = i as u32;
        for &(e, role) in k.roles.iter() {
            if role == Role::Place {
                continue;
            }
            let b = buckets.entry((k.predicate, e)).or_default();
            for &j in b.iter() {
                if MentionKey::same_event(key(&items[j as usize]), k) {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    if ri != rj {
                        // the earlier mention stays the root
                        let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
                        parent[hi as usize] = lo;
                    }
                }
            }
            b.push_back(i);
            if b.len() > BUCKET {
                b.pop_front();
            }
        }
    }
    (0..items.len() as u32).map(|i| root(&mut parent, i)).collect()
}

/// Sort key of an event in an entity's timeline: undated last (they take position 0), then anchor
/// start, end, cue, then input order (document, offset).
pub type OrderKey = (bool, NaiveDate, NaiveDate, i8, usize, usize);

/// Positions of an entity's events given their keys (any order): 0 for undated ones, then 1, 2, …
/// in key order, equal for equal (start, end, cue).
pub fn positions(keys: &[OrderKey]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut pos = vec![0; keys.len()];
    let mut current = 0;
    let mut last: Option<(NaiveDate, NaiveDate, i8)> = None;
    for &i in &order {
        let (undated, s, e, c, _, _) = keys[i];
        if undated {
            continue;
        }
        if last != Some((s, e, c)) {
            current += 1;
            last = Some((s, e, c));
        }
        pos[i] = current;
    }
    pos
}

/// A short stable id from parts of a key.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    format!("{prefix}-{}", &hex::encode(h.finalize())[..12])
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

    fn key(doc: u32, sentence: u32, pred: u32, range: (&str, &str), agents: &[u32], parts: &[u32]) -> MentionKey {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let roles: Vec<(u32, Role)> = agents.iter().map(|&e| (e, Role::Agent)).chain(parts.iter().map(|&e| (e, Role::Participant))).collect();
        MentionKey {
            doc,
            sentence,
            predicate: pred,
            reporting: false,
            negative: false,
            source: Source::Timex,
            range: Some((d(range.0), d(range.1))),
            roles: roles.into(),
        }
    }

    #[test]
    fn one_happening_many_reports() {
        let keys = vec![
            key(0, 1, 7, ("2010-06-07", "2010-06-07"), &[1], &[2]),
            key(1, 3, 7, ("2010-06-01", "2010-06-30"), &[1], &[]),
            key(1, 4, 8, ("2010-06-07", "2010-06-07"), &[1], &[2]),
            key(2, 0, 7, ("2011-06-07", "2011-06-07"), &[1], &[2]),
            key(2, 5, 7, ("2010-06-07", "2010-06-07"), &[3], &[4]),
        ];
        assert_eq!(cluster(&keys, |k| k), vec![0, 0, 2, 3, 4]);
    }

    #[test]
    fn positions_share_equal_anchors() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let k = |u, a: &str, b: &str, c, o| (u, d(a), d(b), c, 0, o);
        let keys = vec![
            k(false, "2025-05-04", "2025-05-04", 0, 5),
            k(true, "2025-01-01", "2025-01-01", 0, 1),
            k(false, "2025-02-01", "2025-02-28", 0, 3),
            k(false, "2025-05-04", "2025-05-04", 0, 9),
            k(false, "2025-05-04", "2025-05-04", -1, 7),
        ];
        assert_eq!(positions(&keys), vec![3, 0, 1, 3, 2]);
    }

    #[test]
    fn synonyms_and_labels() {
        assert_eq!(predicate_key("purchase"), predicate_key("buy"));
        assert_eq!(predicate_key("Launch"), "launch");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(date_label(Some((d("2025-04-01"), d("2025-04-30"))), "month", "2025-04"), "2025-04");
        assert_eq!(date_label(Some((d("2025-01-01"), d("2025-03-31"))), "quarter", "2025-Q1"), "2025-Q1");
        assert_eq!(date_label(None, "", ""), "");
    }
}
