//! `--format xlsx`: every table as a sheet of one Excel workbook (`entline.xlsx`, written with
//! `rust_xlsxwriter`), events first. The rows and values are the CSV tables': numbers as number
//! cells, true/false as boolean cells, full dates of the date columns as date cells shown
//! `yyyy-mm-dd`, everything else as a string cell (a string cell is never run as a formula, so
//! it needs no guard). The header row is frozen and carries an autofilter; column widths fit
//! their contents (capped). The workbook's creation time is fixed, so the same tables give the
//! same bytes whatever day it is.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// Columns whose `YYYY-MM-DD` values are written as dates.
const DATE_COLUMNS: &[&str] = &["dct", "date", "date_start", "date_end", "first_date", "last_date"];

/// Rows a worksheet holds, the header included.
const MAX_ROWS: u32 = 1_048_576;

/// Widest column, in characters.
const MAX_WIDTH: usize = 60;

struct Sheet {
    table: &'static str,
    columns: Vec<String>,
    dates: Vec<bool>,
    /// Next row to write.
    row: u32,
    /// Widest cell of each column, in characters.
    widths: Vec<usize>,
}

/// The workbook being filled, table by table, row by row.
pub struct XlsxBook {
    path: PathBuf,
    book: Workbook,
    sheets: Vec<Sheet>,
    date: Format,
}

fn xlsx_error(path: &Path, e: XlsxError) -> Error {
    Error::input(path, format!("cannot write the workbook: {e}"))
}

impl XlsxBook {
    /// A workbook with one sheet per table (`(name, columns)`, in this order but `events` first).
    pub fn create(path: &Path, tables: &[(&'static str, Vec<String>)]) -> Result<Self> {
        let mut book = Workbook::new();
        // a fixed creation time: the workbook does not depend on the day it is written
        let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| xlsx_error(path, e))?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("entline"));
        let header = Format::new().set_bold();
        let mut order: Vec<&(&'static str, Vec<String>)> = tables.iter().filter(|(n, _)| *n == "events").collect();
        order.extend(tables.iter().filter(|(n, _)| *n != "events"));
        let mut sheets = Vec::new();
        for (table, columns) in order {
            let ws = book.add_worksheet();
            ws.set_name(*table).map_err(|e| xlsx_error(path, e))?;
            for (c, name) in columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, name, &header).map_err(|e| xlsx_error(path, e))?;
            }
            ws.set_freeze_panes(1, 0).map_err(|e| xlsx_error(path, e))?;
            let dates = columns.iter().map(|c| DATE_COLUMNS.contains(&c.as_str())).collect();
            let widths = columns.iter().map(|c| c.chars().count() + 2).collect();
            sheets.push(Sheet { table, columns: columns.clone(), dates, row: 1, widths });
        }
        Ok(XlsxBook { path: path.to_path_buf(), book, sheets, date: Format::new().set_num_format("yyyy-mm-dd") })
    }

    /// Append one row (a serde struct whose fields are the columns) to `table`'s sheet.
    pub fn push<T: Serialize>(&mut self, table: &str, row: &T) -> Result<()> {
        let path = &self.path;
        let Some(i) = self.sheets.iter().position(|s| s.table == table) else {
            return Err(Error::Other(format!("no sheet {table}")));
        };
        let v = serde_json::to_value(row).map_err(|e| Error::input(path, e.to_string()))?;
        let Value::Object(map) = v else {
            return Err(Error::input(path, "record is not a struct"));
        };
        let sheet = &mut self.sheets[i];
        if sheet.row >= MAX_ROWS {
            return Err(Error::input(
                path,
                format!("{table} has more rows than a worksheet holds ({}); write it as CSV (--format csv)", MAX_ROWS - 1),
            ));
        }
        let ws = self.book.worksheet_from_index(i).map_err(|e| xlsx_error(path, e))?;
        let r = sheet.row;
        for (c, name) in sheet.columns.iter().enumerate() {
            let col = c as u16;
            let width = match map.get(name) {
                None | Some(Value::Null) => 0,
                Some(Value::Bool(b)) => {
                    ws.write_boolean(r, col, *b).map_err(|e| xlsx_error(path, e))?;
                    5
                }
                Some(Value::Number(n)) => {
                    let s = n.to_string();
                    ws.write_number(r, col, n.as_f64().unwrap_or(f64::NAN)).map_err(|e| xlsx_error(path, e))?;
                    s.len()
                }
                Some(Value::String(s)) if s.is_empty() => 0,
                Some(Value::String(s)) => match sheet.dates[c].then(|| iso_date(s)).flatten() {
                    Some(d) => {
                        ws.write_datetime_with_format(r, col, &d, &self.date).map_err(|e| xlsx_error(path, e))?;
                        10
                    }
                    None => {
                        ws.write_string(r, col, s).map_err(|e| xlsx_error(path, e))?;
                        s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
                    }
                },
                Some(other) => {
                    let s = other.to_string();
                    ws.write_string(r, col, &s).map_err(|e| xlsx_error(path, e))?;
                    s.chars().count()
                }
            };
            sheet.widths[c] = sheet.widths[c].max(width + 1);
        }
        sheet.row += 1;
        Ok(())
    }

    /// Set the widths and autofilters and write the workbook into place.
    pub fn finish(mut self) -> Result<()> {
        let path = self.path.clone();
        for (i, sheet) in self.sheets.iter().enumerate() {
            let ws = self.book.worksheet_from_index(i).map_err(|e| xlsx_error(&path, e))?;
            for (c, w) in sheet.widths.iter().enumerate() {
                ws.set_column_width(c as u16, (*w).min(MAX_WIDTH) as f64).map_err(|e| xlsx_error(&path, e))?;
            }
            let last = sheet.columns.len().saturating_sub(1) as u16;
            ws.autofilter(0, 0, sheet.row - 1, last).map_err(|e| xlsx_error(&path, e))?;
        }
        let bytes = self.book.save_to_buffer().map_err(|e| xlsx_error(&path, e))?;
        let mut f = crate::atomic::AtomicFile::create(&path)?;
        std::io::Write::write_all(&mut f, &bytes).map_err(|e| Error::write(&path, e))?;
        f.finish()
    }
}

/// A `YYYY-MM-DD` value as a date cell's value.
fn iso_date(s: &str) -> Option<ExcelDateTime> {
    let b = s.as_bytes();
    if s.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..].parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))?;
    ExcelDateTime::from_ymd(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[derive(Serialize)]
    struct Row {
        doc: String,
        dct: String,
        n: usize,
        score: f64,
        ok: bool,
    }

    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn cells_typed_guarded_and_the_same_every_day() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.xlsx");
        let cols = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let tables = vec![("documents", cols(&["doc", "dct", "n", "score", "ok"])), ("events", cols(&["doc"]))];
        let write = || {
            let mut b = XlsxBook::create(&p, &tables).unwrap();
            b.push("documents", &Row { doc: "=HYPERLINK(\"x\")".into(), dct: "2024-03-05".into(), n: 7, score: 0.5, ok: true }).unwrap();
            b.push("documents", &Row { doc: "b".into(), dct: "2024-03".into(), n: 0, score: 1.0, ok: false }).unwrap();
            b.finish().unwrap();
            std::fs::read(&p).unwrap()
        };
        let first = write();
        assert_eq!(first, write());
        let events = sheet_xml(&first, 1);
        assert!(events.contains("autoFilter") && events.contains("pane"), "{events}");
        let docs = sheet_xml(&first, 2);
        // no formula anywhere; the formula-looking text is a string cell
        assert!(!docs.contains("<f>") && !docs.contains("<f "));
        assert!(docs.contains(r#"t="b""#));
        // 2024-03-05 is serial 45356; a month stays a string
        assert!(docs.contains("<v>45356</v>"), "{docs}");
        assert!(docs.contains("<v>7</v>") && docs.contains("<v>0.5</v>"));
    }
}
