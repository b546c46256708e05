//! Output stage: tables written as CSV through the csv crate (RFC 4180, UTF-8), optionally as
//! JSON lines, plus the TimelineJS3 spreadsheet format.
//!
//! Every record type is a serde struct; CSV columns follow its field order. Text cells that a
//! spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) get a leading `'`
//! unless raw output is asked for; `excel` adds a UTF-8 BOM and CRLF line ends.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::timeline::Event;

/// Guard a cell against spreadsheet formula injection.
pub fn guard_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

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

/// Write `dir/name` atomically: to a temporary file first, renamed into place when complete.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let tmp: PathBuf = path.with_extension(format!(
        "{}.tmp{}",
        path.extension().and_then(|e| e.to_str()).unwrap_or(""),
        std::process::id()
    ));
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(f);
    write(&mut w)?;
    w.flush().map_err(|e| Error::io(&tmp, e))?;
    drop(w);
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// A CSV writer in the given style (BOM and CRLF for Excel).
fn csv_writer<'a>(w: &'a mut dyn Write, path: &Path, style: CsvStyle) -> Result<csv::Writer<&'a mut dyn Write>> {
    if style.excel {
        w.write_all(b"\xEF\xBB\xBF").map_err(|e| Error::io(path, e))?;
    }
    let term = if style.excel { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    Ok(csv::WriterBuilder::new().terminator(term).from_writer(w))
}

/// Write records as CSV with the given header (the field names of `T`).
pub fn write_csv<T: Serialize>(path: &Path, header: &[&str], rows: &[T], style: CsvStyle) -> Result<()> {
    write_atomic(path, |w| {
        let mut cw = csv_writer(w, path, style)?;
        let err = |e: csv::Error| Error::input(path, e.to_string());
        cw.write_record(header).map_err(err)?;
        for r in rows {
            let v = serde_json::to_value(r).map_err(|e| Error::input(path, e.to_string()))?;
            let Value::Object(map) = v else {
                return Err(Error::input(path, "record is not a struct"));
            };
            let cells: Vec<String> = header.iter().map(|h| map.get(*h).map(|v| cell(v, style)).unwrap_or_default()).collect();
            cw.write_record(&cells).map_err(err)?;
        }
        cw.flush().map_err(|e| Error::io(path, e))
    })
}

/// Write records as JSON lines.
pub fn write_jsonl<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    write_atomic(path, |w| {
        for r in rows {
            serde_json::to_writer(&mut *w, r).map_err(|e| Error::input(path, e.to_string()))?;
            w.write_all(b"\n").map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    })
}

/// Column names of a record type, from a sample value (field order as declared).
pub fn header_of<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The exact header of a TimelineJS3 Google-Sheets template.
pub const TIMELINEJS_HEADER: &[&str] = &[
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date", "Headline", "Text",
    "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group", "Background",
];

/// TimelineJS3 rows: one per event and involved entity (Group = the entity), dates at the
/// event's precision.
pub fn timelinejs_rows(events: &[Event]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for e in events {
        let Some((y, m, d)) = crate::timeline::ymd(&e.date_start) else { continue };
        let end = crate::timeline::ymd(&e.date_end);
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
        for list in [&e.people, &e.organizations, &e.places, &e.other_entities] {
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
        let text = format!("{} <small>({}; {} = {})</small>", html_escape(&e.sentence), html_escape(&e.doc), html_escape(&e.timex_text), e.timex_value);
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
    write_atomic(path, |w| {
        let mut cw = csv_writer(w, path, style)?;
        let err = |e: csv::Error| Error::input(path, e.to_string());
        cw.write_record(TIMELINEJS_HEADER).map_err(err)?;
        for r in timelinejs_rows(events) {
            let r: Vec<String> = r.iter().map(|c| if style.raw { c.clone() } else { guard_cell(c).into_owned() }).collect();
            cw.write_record(&r).map_err(err)?;
        }
        cw.flush().map_err(|e| Error::io(path, e))
    })
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
        let h = header_of::<Row>();
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
