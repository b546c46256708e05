//! Output stage: tables written as CSV through the csv crate (RFC 4180, UTF-8), optionally as
//! JSON lines, plus the TimelineJS3 spreadsheet format.
//!
//! Every record type is a serde struct; CSV columns follow its field order. Text cells that a
//! spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) get a leading `'`
//! unless raw output is asked for; `excel` adds a UTF-8 BOM and CRLF line ends. `xlsx.rs`: the
//! tables as one Excel workbook.

mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::tables::{guard_cell, Event};

pub use xlsx::XlsxBook;

/// How tables are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvStyle {
    /// UTF-8 BOM and CRLF line ends (Excel on Windows).
    pub excel: bool,
    /// No formula-injection guard.
    pub raw: bool,
}

fn cell(v: &Value, style: CsvStyle) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if style.raw {
                s.clone()
            } else {
                guard_cell(s).into_owned()
            }
        }
        other => other.to_string(),
    }
}

/// An error of the csv crate writing `path`: a write error when the file could not be written.
fn csv_error(path: &Path, e: csv::Error) -> Error {
    if !e.is_io_error() {
        return Error::input(path, e.to_string());
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::write(path, io),
        other => Error::input(path, format!("{other:?}")),
    }
}

enum SinkKind {
    Csv { w: Box<csv::Writer<AtomicFile>>, header: Vec<String> },
    Jsonl(AtomicFile),
}

/// A table written row by row (CSV or JSON lines) into a temporary file that
/// [`Sink::finish`] renames into place: readers never see a half-written table, rows need not be
/// held in memory, and a table that fails (or is dropped unfinished) leaves nothing behind.
pub struct Sink {
    path: PathBuf,
    style: CsvStyle,
    kind: SinkKind,
}

impl Sink {
    /// CSV with the given header; rows are serde structs whose fields are looked up by name.
    pub fn csv(path: &Path, header: &[&str], style: CsvStyle) -> Result<Sink> {
        let mut f = AtomicFile::create(path)?;
        if style.excel {
            f.write_all(b"\xEF\xBB\xBF").map_err(|e| Error::write(path, e))?;
        }
        let term = if style.excel { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut w = csv::WriterBuilder::new().terminator(term).from_writer(f);
        w.write_record(header).map_err(|e| csv_error(path, e))?;
        let header = header.iter().map(|h| h.to_string()).collect();
        Ok(Sink { path: path.to_path_buf(), style, kind: SinkKind::Csv { w: Box::new(w), header } })
    }

    /// JSON lines, one object per row.
    pub fn jsonl(path: &Path) -> Result<Sink> {
        Ok(Sink { path: path.to_path_buf(), style: CsvStyle::default(), kind: SinkKind::Jsonl(AtomicFile::create(path)?) })
    }

    /// Append one record.
    pub fn push<T: Serialize>(&mut self, row: &T) -> Result<()> {
        let path = &self.path;
        match &mut self.kind {
            SinkKind::Jsonl(w) => {
                serde_json::to_writer(&mut *w, row).map_err(|e| json_error(path, e))?;
                w.write_all(b"\n").map_err(|e| Error::write(path, e))
            }
            SinkKind::Csv { w, header } => {
                let v = serde_json::to_value(row).map_err(|e| Error::input(path, e.to_string()))?;
                let Value::Object(map) = v else {
                    return Err(Error::input(path, "record is not a struct"));
                };
                // cell() guards text; numbers and booleans stay as they are
                let cells: Vec<String> = header.iter().map(|h| map.get(h).map(|v| cell(v, self.style)).unwrap_or_default()).collect();
                w.write_record(&cells).map_err(|e| csv_error(path, e))
            }
        }
    }

    /// Append one CSV row given as cells (guarded unless raw); for JSON lines, an array.
    pub fn push_cells(&mut self, cells: &[String]) -> Result<()> {
        let path = &self.path;
        match &mut self.kind {
            SinkKind::Csv { w, .. } => {
                let raw = self.style.raw;
                let guarded: Vec<std::borrow::Cow<'_, str>> =
                    cells.iter().map(|c| if raw { std::borrow::Cow::Borrowed(c.as_str()) } else { guard_cell(c) }).collect();
                w.write_record(guarded.iter().map(|c| c.as_bytes())).map_err(|e| csv_error(path, e))
            }
            SinkKind::Jsonl(w) => {
                serde_json::to_writer(&mut *w, cells).map_err(|e| json_error(path, e))?;
                w.write_all(b"\n").map_err(|e| Error::write(path, e))
            }
        }
    }

    /// Flush and move the table into place.
    pub fn finish(self) -> Result<()> {
        let f = match self.kind {
            SinkKind::Csv { w, .. } => w.into_inner().map_err(|e| Error::write(&self.path, e.into_error()))?,
            SinkKind::Jsonl(f) => f,
        };
        f.finish()
    }
}

/// An error of serde_json writing `path`: a write error when the file could not be written.
pub fn json_error(path: &Path, e: serde_json::Error) -> Error {
    if e.is_io() {
        Error::write(path, e.into())
    } else {
        Error::input(path, e.to_string())
    }
}

/// Write records as CSV with the given header (the field names of `T`).
pub fn write_csv<T: Serialize>(path: &Path, header: &[&str], rows: &[T], style: CsvStyle) -> Result<()> {
    let mut s = Sink::csv(path, header, style)?;
    for r in rows {
        s.push(r)?;
    }
    s.finish()
}

/// Write records as JSON lines.
pub fn write_jsonl<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut s = Sink::jsonl(path)?;
    for r in rows {
        s.push(r)?;
    }
    s.finish()
}

/// The exact header of a TimelineJS3 Google-Sheets template.
pub const TIMELINEJS_HEADER: &[&str] = &[
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
];

/// TimelineJS3 rows: one per event and involved entity (Group = the entity), dates at the
/// event's precision.
pub fn timelinejs_rows(events: &[Event]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for e in events {
        let Some((y, m, d)) = crate::time::calendar::ymd(&e.date_start) else { continue };
        let end = crate::time::calendar::ymd(&e.date_end);
        let (month, day) = match e.precision.as_str() {
            "day" | "time" => (m.to_string(), d.to_string()),
            "week" | "month" | "season" => (m.to_string(), String::new()),
            "quarter" | "half" => (m.to_string(), String::new()),
            _ => (String::new(), String::new()),
        };
        let (ey, em, ed) = match (e.precision.as_str(), end) {
            ("day" | "time", _) | (_, None) => (String::new(), String::new(), String::new()),
            (_, Some((y2, m2, d2))) => (y2.to_string(), m2.to_string(), d2.to_string()),
        };
        let mut groups: Vec<&str> = Vec::new();
        for list in [&e.people, &e.organizations, &e.locations, &e.other_entities] {
            groups.extend(list.split("; ").filter(|s| !s.is_empty()));
        }
        if groups.is_empty() {
            groups.push("");
        }
        let who = e.people.split("; ").chain(e.organizations.split("; ")).find(|s| !s.is_empty()).unwrap_or("");
        let headline = match (who, e.trigger.as_str()) {
            ("", "") => e.timex_text.clone(),
            (w, "") => w.to_string(),
            ("", t) => t.to_string(),
            (w, t) => format!("{w} {t}"),
        };
        let text =
            format!("{} <small>({}; {} = {})</small>", html_escape(&e.sentence), html_escape(&e.doc), html_escape(&e.timex_text), e.timex_value);
        for g in groups {
            rows.push(vec![
                y.to_string(),
                month.clone(),
                day.clone(),
                String::new(),
                ey.clone(),
                em.clone(),
                ed.clone(),
                String::new(),
                String::new(),
                html_escape(&headline),
                text.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                g.to_string(),
                String::new(),
            ]);
        }
    }
    rows
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Write the TimelineJS3 sheet.
pub fn write_timelinejs(path: &Path, events: &[Event], style: CsvStyle) -> Result<()> {
    let mut s = Sink::csv(path, TIMELINEJS_HEADER, style)?;
    for r in timelinejs_rows(events) {
        s.push_cells(&r)?;
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        a: String,
        b: i64,
        c: bool,
    }

    #[test]
    fn guards_and_styles() {
        assert_eq!(guard_cell("=1+2"), "'=1+2");
        assert_eq!(guard_cell("@SUM"), "'@SUM");
        assert_eq!(guard_cell("\tx"), "'\tx");
        assert_eq!(guard_cell("plain"), "plain");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        let rows = vec![Row { a: "=HYPERLINK(\"x\")".into(), b: -5, c: true }, Row { a: "line\nbreak, comma".into(), b: 2, c: false }];
        let h = crate::tables::columns_of::<Row>();
        let hs: Vec<&str> = h.iter().map(String::as_str).collect();
        assert_eq!(hs, ["a", "b", "c"]);
        write_csv(&p, &hs, &rows, CsvStyle::default()).unwrap();
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.starts_with("a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",-5,true\n"), "{s}");
        assert!(s.contains("\"line\nbreak, comma\""));
        write_csv(&p, &hs, &rows, CsvStyle { excel: true, raw: true }).unwrap();
        let b = std::fs::read(&p).unwrap();
        assert!(b.starts_with(b"\xEF\xBB\xBFa,b,c\r\n\"=HYPERLINK"));
        write_jsonl(&p, &rows).unwrap();
        let s = std::fs::read_to_string(&p).unwrap();
        assert_eq!(s.lines().next().unwrap(), r#"{"a":"=HYPERLINK(\"x\")","b":-5,"c":true}"#);
    }
}
