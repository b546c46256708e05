//! The HTML timeline report: one self-contained file (data, CSS and JS inline; a Content Security
//! Policy forbids every network request) with a lane per top entity, events as marks spanning
//! their date range, zoom, pan, a filter box and a details panel, and a map of the events' places
//! (a world outline from Natural Earth, `world.path`, built by `scripts/build_world_outline.py`;
//! places at their gazetteer coordinates, linked both ways to the timeline's selection). Plain SVG
//! drawn by a small script (`timeline.js`), no charting library: the whole page costs ~12 KB
//! before the data, plus ~50 KB of world outline.
//!
//! Document texts reach the page only as JSON inside `<script type="application/json">`, with
//! `<`, `>`, `&` and the JS line separators escaped, and the script puts them into the page with
//! `textContent` / `setAttribute` only: nothing from a document is ever parsed as HTML.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::tables::{kinds_read, unguard_cell, DocumentRow, EntityRow, Event, Row};

const TEMPLATE: &str = include_str!("timeline.html");
const CSS: &str = include_str!("timeline.css");
const JS: &str = include_str!("timeline.js");
/// Natural Earth's land, 110m, as one SVG path in a 360 × 180 equirectangular box.
const WORLD: &str = include_str!("world.path");

/// Lanes shown by default.
pub const DEFAULT_TOP: usize = 12;

/// An entity as the report needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportEntity {
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "k")]
    pub kind: String,
    #[serde(rename = "m")]
    pub mentions: usize,
    /// A place's coordinates, for the map.
    #[serde(rename = "y", default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// One event in the page's data (short keys: the file holds thousands).
#[derive(Serialize)]
struct Mark<'a> {
    s: &'a str,
    e: &'a str,
    p: &'a str,
    x: &'a str,
    v: &'a str,
    g: &'a str,
    t: &'a str,
    d: usize,
    c: usize,
    n: Vec<usize>,
}

/// JSON made safe inside a `<script>` element.
pub fn script_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    let s = serde_json::to_string(v).map_err(|e| Error::Other(e.to_string()))?;
    Ok(s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029"))
}

/// A `file://` link to a document (absolute path, percent-encoded), none for stdin.
fn doc_href(doc: &str) -> String {
    if doc == "<stdin>" {
        return String::new();
    }
    let abs = std::path::absolute(doc).unwrap_or_else(|_| PathBuf::from(doc));
    let mut out = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A report being written: the page head, then events one by one, then the tail.
pub struct ReportWriter {
    w: AtomicFile,
    tail: &'static str,
    entity_ix: HashMap<(String, String), usize>,
    docs: Vec<String>,
    doc_ix: HashMap<String, usize>,
    events: usize,
}

impl ReportWriter {
    /// Start `path` with the entities (all of them; the page picks its lanes) and the number of
    /// documents read of each input kind (the page's header says them).
    pub fn create(path: &Path, top: usize, entities: &[ReportEntity], kinds: &BTreeMap<String, usize>) -> Result<ReportWriter> {
        let mut w = AtomicFile::create(path)?;
        let (head, tail) = TEMPLATE.split_once("{{DATA}}").ok_or_else(|| Error::Other("report template has no {{DATA}}".into()))?;
        let head = head
            .replace("{{TITLE}}", "entline timeline")
            .replace("{{CSS}}", CSS)
            .replace("{{TOP}}", &top.max(1).to_string())
            .replace("{{WORLD}}", WORLD.trim());
        w.write_all(head.as_bytes()).map_err(|e| Error::write(path, e))?;
        write!(w, "{{\"kinds\":{},\"entities\":{},\"events\":[", script_json(kinds)?, script_json(entities)?).map_err(|e| Error::write(path, e))?;
        let entity_ix = entities.iter().enumerate().map(|(i, e)| ((e.kind.clone(), e.name.clone()), i)).collect();
        Ok(ReportWriter { w, tail, entity_ix, docs: Vec::new(), doc_ix: HashMap::new(), events: 0 })
    }

    /// Add an event (events come in date order; the page does not depend on it).
    pub fn push(&mut self, e: &Event) -> Result<()> {
        let mut n = Vec::new();
        for (kind, list) in [("PER", &e.people), ("ORG", &e.organizations), ("LOC", &e.locations), ("MISC", &e.other_entities)] {
            for name in list.split("; ").filter(|s| !s.is_empty()) {
                if let Some(&i) = self.entity_ix.get(&(kind.to_string(), name.to_string())) {
                    n.push(i);
                }
            }
        }
        let d = match self.doc_ix.get(&e.doc) {
            Some(&d) => d,
            None => {
                self.docs.push(e.doc.clone());
                self.doc_ix.insert(e.doc.clone(), self.docs.len() - 1);
                self.docs.len() - 1
            }
        };
        let mark = Mark {
            s: &e.date_start,
            e: &e.date_end,
            p: &e.precision,
            x: &e.timex_text,
            v: &e.timex_value,
            g: &e.trigger,
            t: &e.sentence,
            d,
            c: e.char_start,
            n,
        };
        let sep = if self.events == 0 { "" } else { "," };
        write!(self.w, "{sep}\n{}", script_json(&mark)?).map_err(|x| Error::write(self.w.path(), x))?;
        self.events += 1;
        Ok(())
    }

    /// Finish the page and move it into place.
    pub fn finish(mut self) -> Result<usize> {
        let hrefs: Vec<String> = self.docs.iter().map(|d| doc_href(d)).collect();
        let title = common_folder(&self.docs);
        write!(self.w, "],\"docs\":{},\"hrefs\":{},\"title\":{}}}", script_json(&self.docs)?, script_json(&hrefs)?, script_json(&title)?)
            .map_err(|e| Error::write(self.w.path(), e))?;
        let tail = self.tail.replace("{{JS}}", JS);
        self.w.write_all(tail.as_bytes()).map_err(|e| Error::write(self.w.path(), e))?;
        self.w.finish()?;
        Ok(self.events)
    }
}

/// Read a table written by `extract` (`NAME.csv`, else `NAME.jsonl`).
fn read_table<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<Vec<T>> {
    let csv_path = dir.join(format!("{name}.csv"));
    if csv_path.exists() {
        let mut r = csv::Reader::from_path(&csv_path).map_err(|e| Error::input(&csv_path, e.to_string()))?;
        let headers = r.headers().map_err(|e| Error::input(&csv_path, e.to_string()))?.clone();
        let headers = csv::StringRecord::from(headers.iter().map(|h| h.trim_start_matches('\u{feff}')).collect::<Vec<_>>());
        let mut out = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| Error::input(&csv_path, e.to_string()))?;
            let rec: csv::StringRecord = rec.iter().map(unguard_cell).collect();
            out.push(rec.deserialize(Some(&headers)).map_err(|e| Error::Parse { path: csv_path.clone(), line: i + 2, msg: e.to_string() })?);
        }
        return Ok(out);
    }
    let jsonl = dir.join(format!("{name}.jsonl"));
    let text = std::fs::read_to_string(&jsonl).map_err(|e| Error::input(&jsonl, format!("{e} (and no {name}.csv beside it)")))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| Error::Parse { path: jsonl.clone(), line: i + 1, msg: e.to_string() }))
        .collect()
}

fn has_table(dir: &Path, name: &str) -> bool {
    ["csv", "jsonl"].iter().any(|ext| dir.join(format!("{name}.{ext}")).exists())
}

#[derive(Deserialize)]
struct EntityLine {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    mentions: usize,
    /// Tables written before the gazetteer have no coordinates.
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
}

/// `entline report DIR`: rebuild `DIR/timeline.html` (or `out`) from the tables of a run.
pub fn rebuild(dir: &Path, out: Option<&Path>, top: usize) -> Result<usize> {
    let entities: Vec<EntityLine> = read_table(dir, EntityRow::TABLE)?;
    let events: Vec<Event> = read_table(dir, Event::TABLE)?;
    // tables of a run always have documents.csv; without it the header gives no counts
    let documents: Vec<DocumentRow> = if has_table(dir, DocumentRow::TABLE) { read_table(dir, DocumentRow::TABLE)? } else { Vec::new() };
    let ents: Vec<ReportEntity> = entities
        .into_iter()
        .map(|e| ReportEntity { name: e.name, kind: e.kind, mentions: e.mentions, latitude: e.latitude, longitude: e.longitude })
        .collect();
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("timeline.html"));
    let mut w = ReportWriter::create(&path, top, &ents, &kinds_read(&documents))?;
    for e in &events {
        w.push(e)?;
    }
    w.finish()
}

/// The deepest folder holding every document ("news/2024" for news/2024/a.txt and
/// news/2024/b.txt): the page's title, the same whichever folder the report is written to.
fn common_folder(docs: &[String]) -> String {
    let mut common: Option<Vec<&str>> = None;
    for d in docs {
        let parts: Vec<&str> = d.split('/').collect();
        let dir = &parts[..parts.len().saturating_sub(1)];
        common = Some(match common {
            None => dir.to_vec(),
            Some(c) => c.iter().zip(dir).take_while(|(a, b)| a == b).map(|(a, _)| *a).collect(),
        });
    }
    common.unwrap_or_default().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_script_cannot_close_it() {
        let s = script_json(&["</script><script>alert(1)</script>", "a & b", "\u{2028}"]).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }

    #[test]
    fn hrefs_and_guards() {
        assert_eq!(doc_href("/a b/c\"d.txt"), "file:///a%20b/c%22d.txt");
        assert!(doc_href("javascript:alert(1)").starts_with("file:///"));
        assert_eq!(doc_href("<stdin>"), "");
        let docs = |v: &[&str]| common_folder(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(docs(&["news/2024/a.txt", "news/2024/b.txt"]), "news/2024");
        assert_eq!(docs(&["news/2024/a.txt", "news/2023/b.txt", "news/c.txt"]), "news");
        assert_eq!(docs(&["a.txt"]), "");
    }
}
