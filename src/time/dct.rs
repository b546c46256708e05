//! Document creation time (DCT): where a document's date comes from, in order of precedence:
//! `--doc-date`, `--doc-dates FILE.csv` (path,date), the `<DCT>` of TimeML input, a date in the
//! document's header or dateline, a dateline without a year ("MOSCOW, July 12 (Reuters) -") when
//! `--doc-date` or `--doc-dates` gives the year, the creation date in a document's metadata (PDF
//! info or XMP, a .docx's `docProps/core.xml`, an .odt's `meta.xml`), and only with
//! `--date-from-mtime` the file's modification time. An e-mail's `Date:` header ranks with markup. Without any of them the DCT stays unknown (never guessed): relative
//! expressions are left unresolved.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::text::dateline::MONTHS;

/// Where a DCT came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DctSource {
    Cli,
    DocDates,
    Timeml,
    Header,
    Html,
    /// The `Date:` header of an e-mail.
    Email,
    /// A dateline's month and day with the year given by `--doc-date` / `--doc-dates`.
    Dateline,
    /// The creation date in a PDF's info dictionary or XMP metadata.
    Pdf,
    /// `dcterms:created` of a .docx (`docProps/core.xml`).
    Docx,
    /// `meta:creation-date` of an .odt (`meta.xml`).
    Odt,
    Mtime,
    None,
}

impl DctSource {
    pub fn as_str(&self) -> &'static str {
        match self {
            DctSource::Cli => "cli",
            DctSource::DocDates => "doc_dates",
            DctSource::Timeml => "timeml",
            DctSource::Header => "header",
            DctSource::Html => "html",
            DctSource::Email => "email",
            DctSource::Pdf => "pdf",
            DctSource::Docx => "docx",
            DctSource::Odt => "odt",
            DctSource::Dateline => "dateline",
            DctSource::Mtime => "mtime",
            DctSource::None => "none",
        }
    }
}

/// A date given for documents (`--doc-date`, a line of `--doc-dates`): a day, or only a year,
/// which dates a document whose dateline gives month and day without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GivenDate {
    Day(NaiveDate),
    Year(i32),
}

impl GivenDate {
    /// `YYYY-MM-DD` (anything after the tenth character ignored: `2025-05-05T10:00`) or `YYYY`.
    pub fn parse(s: &str) -> Option<GivenDate> {
        let s = s.trim();
        if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().ok().map(GivenDate::Year);
        }
        parse_iso_date(s).map(GivenDate::Day)
    }

    pub fn day(self) -> Option<NaiveDate> {
        match self {
            GivenDate::Day(d) => Some(d),
            GivenDate::Year(_) => None,
        }
    }

    /// The year a yearless dateline takes (a day gives none: it is the document's date outright).
    pub fn year(self) -> Option<i32> {
        match self {
            GivenDate::Day(_) => None,
            GivenDate::Year(y) => Some(y),
        }
    }
}

impl std::fmt::Display for GivenDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GivenDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            GivenDate::Year(y) => write!(f, "{y:04}"),
        }
    }
}

/// Where a document's date may come from, in order of precedence: the date given for every
/// document (`--doc-date`, the library's `Document::date`), the `--doc-dates` table, the file's
/// markup (TimeML DCT, HTML meta, an e-mail's `Date:`), a date line at the top of the text
/// ([`from_header`]), a dateline without a year when a year is given ([`from_dateline`]), the
/// creation date in the document's metadata (PDF, .docx, .odt), the file's modification date
/// when asked for. `extract` and the library both choose with [`DateEvidence::choose`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DateEvidence<'a> {
    pub given: Option<NaiveDate>,
    pub listed: Option<NaiveDate>,
    pub markup: Option<(NaiveDate, DctSource)>,
    /// The year of a dateline that gives only month and day (`--doc-date YYYY`, a `path,YYYY`
    /// line of `--doc-dates`); without it such a dateline dates nothing.
    pub year: Option<i32>,
    /// The creation date a document's metadata gives (below anything the text says: a file is
    /// often made long after what it reports, or converted again).
    pub metadata: Option<(NaiveDate, DctSource)>,
    pub text: &'a str,
}

impl DateEvidence<'_> {
    /// The document's date and where it came from. `mtime` is asked only when nothing else dates
    /// the document (`None`: not wanted).
    pub fn choose<E>(&self, mtime: impl FnOnce() -> Option<Result<NaiveDate, E>>) -> Result<(Option<NaiveDate>, DctSource), E> {
        if let Some(d) = self.given {
            Ok((Some(d), DctSource::Cli))
        } else if let Some(d) = self.listed {
            Ok((Some(d), DctSource::DocDates))
        } else if let Some((d, s)) = self.markup {
            Ok((Some(d), s))
        } else if let Some(d) = from_header(self.text) {
            Ok((Some(d), DctSource::Header))
        } else if let Some(d) = from_dateline(self.text, self.year) {
            Ok((Some(d), DctSource::Dateline))
        } else if let Some((d, s)) = self.metadata {
            Ok((Some(d), s))
        } else if let Some(d) = mtime() {
            Ok((Some(d?), DctSource::Mtime))
        } else {
            Ok((None, DctSource::None))
        }
    }
}

/// A `--doc-dates` table: path → date (or year). Paths are matched as given, then by file name.
#[derive(Debug, Default, Clone)]
pub struct DocDates {
    by_path: HashMap<PathBuf, GivenDate>,
    by_name: HashMap<String, GivenDate>,
}

impl DocDates {
    pub fn load(path: &Path) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| Error::input(path, e.to_string()))?;
        let mut out = DocDates::default();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| Error::Parse { path: path.into(), line: i + 1, msg: e.to_string() })?;
            let (Some(p), Some(d)) = (rec.get(0), rec.get(1)) else {
                return Err(Error::Parse { path: path.into(), line: i + 1, msg: "expected path,date".into() });
            };
            let date = match GivenDate::parse(d) {
                Some(d) => d,
                // a header row is allowed
                None if i == 0 => continue,
                None => return Err(Error::Parse { path: path.into(), line: i + 1, msg: format!("invalid date {d:?} (YYYY-MM-DD or YYYY)") }),
            };
            out.by_path.insert(PathBuf::from(p), date);
            if let Some(name) = Path::new(p).file_name() {
                out.by_name.insert(name.to_string_lossy().into_owned(), date);
            }
        }
        Ok(out)
    }

    pub fn get(&self, path: &Path) -> Option<GivenDate> {
        self.by_path.get(path).or_else(|| path.file_name().and_then(|n| self.by_name.get(n.to_string_lossy().as_ref()))).copied()
    }

    /// A hash of the table's lines (in path order), for the fingerprint of a run.
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let mut lines: Vec<(&PathBuf, &GivenDate)> = self.by_path.iter().collect();
        lines.sort_by_key(|(p, _)| *p);
        let mut h = sha2::Sha256::new();
        for (p, d) in lines {
            h.update(p.to_string_lossy().as_bytes());
            h.update(format!("\x1f{d}\n").as_bytes());
        }
        hex::encode(&h.finalize()[..16])
    }
}

pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

static HEADER_FULL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
        \b(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(?P<year>(?:19|20)\d\d)\b
      | \b(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTHS})(?:\s*,\s*|\s+)(?P<year2>(?:19|20)\d\d)\b
      | \b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b"
    ))
    .expect("static regex")
});

/// Dateline without a year: "WASHINGTON, May 5 (Reuters) -".
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*[A-Z][A-Z .'-]{{2,}}(?:,\s*[A-Za-z .]+)?,\s*(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}})\s*(?:\([^)]*\)\s*)?[-–—]"))
        .expect("static regex")
});

static HTML_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|datePublished|pubdate|publishdate|date|dc\.date)["'][^>]*content\s*=\s*["'](?P<a>[^"']+)["']|<meta[^>]+content\s*=\s*["'](?P<b>[^"']+)["'][^>]*(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate|date)["']|<time[^>]+datetime\s*=\s*["'](?P<c>[^"']+)["']"#,
    )
    .expect("static regex")
});

fn month_num(m: &str) -> Option<u32> {
    let m = m.trim_end_matches('.').to_lowercase();
    let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    names.iter().position(|n| m.starts_with(n)).map(|i| i as u32 + 1)
}

/// A full date in the first lines of a document (title, byline, "March 06, 2008" on its own line).
pub fn from_header(text: &str) -> Option<NaiveDate> {
    let head: String = text.lines().filter(|l| !l.trim().is_empty()).take(4).collect::<Vec<_>>().join("\n");
    // the first 600 bytes, cut at a character boundary
    let head = &head[..(0..=head.len().min(600)).rev().find(|&i| head.is_char_boundary(i)).unwrap_or(0)];
    for line in head.lines() {
        // a header line is short, or starts with the date
        if let Some(c) = HEADER_FULL.captures(line) {
            let m = c.get(0)?;
            if line.trim().len() > 120 && m.start() > 40 {
                continue;
            }
            if let Some(iso) = c.name("iso") {
                return parse_iso_date(iso.as_str());
            }
            let (mo, d, y) = match (c.name("month"), c.name("month2")) {
                (Some(mo), _) => (mo, c.name("day")?, c.name("year")?),
                (None, Some(mo)) => (mo, c.name("day2")?, c.name("year2")?),
                _ => continue,
            };
            return NaiveDate::from_ymd_opt(y.as_str().parse().ok()?, month_num(mo.as_str())?, d.as_str().parse().ok()?);
        }
    }
    None
}

/// A dateline with month and day but no year ("MOSCOW, July 12 (Reuters) -") among the first
/// lines of a document (under a headline), dated with the year given from elsewhere
/// (`year_hint`); without one, or when the day does not exist in that year, `None`: the year is
/// never guessed.
pub fn from_dateline(text: &str, year_hint: Option<i32>) -> Option<NaiveDate> {
    let year = year_hint?;
    let c = text.lines().filter(|l| !l.trim().is_empty()).take(4).find_map(|l| DATELINE.captures(l))?;
    NaiveDate::from_ymd_opt(year, month_num(c.name("month")?.as_str())?, c.name("day")?.as_str().parse().ok()?)
}

/// `article:published_time`, `datePublished`, `<time datetime>` in HTML source.
pub fn from_html(html: &str) -> Option<NaiveDate> {
    let c = HTML_DATE.captures(html)?;
    let v = c.name("a").or(c.name("b")).or(c.name("c"))?.as_str();
    parse_iso_date(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn header_dates() {
        assert_eq!(from_header("March 06, 2008\nThe senator said..."), Some(d("2008-03-06")));
        assert_eq!(from_header("Title of story\nBy Jane Doe | 5 May 2025\n\nBody."), Some(d("2025-05-05")));
        assert_eq!(from_header("Posted 2024-11-02 by admin\ntext"), Some(d("2024-11-02")));
        assert_eq!(from_header("Nothing here.\nStill nothing."), None);
        // text tokenized before it reached entline
        assert_eq!(from_header("Apple to lower UK iTunes prices\nJanuary 09 , 2008\nThe European Commission ..."), Some(d("2008-01-09")));
        assert_eq!(from_header("Headline\nMay 24 , 2008\nBody ."), Some(d("2008-05-24")));
        assert_eq!(from_header("Headline\nTuesday , 24 May , 2008\nBody ."), Some(d("2008-05-24")));
        // a day glued to a year is no date
        assert_eq!(from_header("May 242008\nBody ."), None);
    }

    #[test]
    fn header_cut_inside_a_character() {
        // the header is cut after 600 bytes; byte 600 falls inside the 'é' of the first line
        let text = format!("May 5, 2007 x{}", "é".repeat(400));
        assert!(!text.is_char_boundary(600));
        assert_eq!(from_header(&text), Some(d("2007-05-05")));
    }

    #[test]
    fn datelines() {
        assert_eq!(from_dateline("WASHINGTON, May 5 (Reuters) - The U.S. ...", Some(2025)), Some(d("2025-05-05")));
        assert_eq!(from_dateline("NEW YORK, Aug. 7 — Stocks fell", Some(1998)), Some(d("1998-08-07")));
        assert_eq!(from_dateline("WASHINGTON, May 5 (Reuters) - x", None), None);
        // under a headline; a day the year does not have dates nothing
        assert_eq!(from_dateline("Russia says talks go on\n\nMOSCOW, July 12 (Reuters) - Russia said", Some(2024)), Some(d("2024-07-12")));
        assert_eq!(from_dateline("MOSCOW, Feb. 29 (Reuters) - x", Some(2023)), None);
        assert_eq!(from_dateline("MOSCOW, Feb. 29 (Reuters) - x", Some(2024)), Some(d("2024-02-29")));
    }

    #[test]
    fn yearless_datelines_take_a_given_year_or_stay_undated() {
        let text = "MOSCOW, July 12 (Reuters) - Russia said on Tuesday it would talk.";
        let none = || None::<Result<NaiveDate, ()>>;
        let choose = |e: DateEvidence| e.choose(none).unwrap();
        assert_eq!(choose(DateEvidence { text, ..Default::default() }), (None, DctSource::None));
        assert_eq!(choose(DateEvidence { text, year: Some(2024), ..Default::default() }), (Some(d("2024-07-12")), DctSource::Dateline));
        // a full date given wins; a full date in the text wins over a year
        assert_eq!(choose(DateEvidence { text, given: Some(d("2025-01-01")), year: Some(2024), ..Default::default() }).1, DctSource::Cli);
        let dated = "MOSCOW, July 12, 2023 (Reuters) - x";
        assert_eq!(choose(DateEvidence { text: dated, year: Some(2024), ..Default::default() }), (Some(d("2023-07-12")), DctSource::Header));
        // a year and no dateline: undated
        assert_eq!(choose(DateEvidence { text: "Russia said on Tuesday.", year: Some(2024), ..Default::default() }).0, None);
        // metadata dates below the text's datelines, above nothing
        let meta = Some((d("2020-02-02"), DctSource::Pdf));
        assert_eq!(choose(DateEvidence { text, year: Some(2024), metadata: meta, ..Default::default() }).1, DctSource::Dateline);
        assert_eq!(choose(DateEvidence { text: dated, metadata: meta, ..Default::default() }).1, DctSource::Header);
        assert_eq!(
            choose(DateEvidence { text: "Russia said on Tuesday.", metadata: meta, ..Default::default() }),
            (Some(d("2020-02-02")), DctSource::Pdf)
        );
        assert_eq!(GivenDate::parse("2024"), Some(GivenDate::Year(2024)));
        assert_eq!(GivenDate::parse(" 2024-07-12 "), Some(GivenDate::Day(d("2024-07-12"))));
        assert_eq!(GivenDate::parse("24"), None);
        assert_eq!(GivenDate::Year(2024).to_string(), "2024");
    }

    #[test]
    fn html_dates() {
        let h = r#"<head><meta property="article:published_time" content="2025-05-05T10:00:00Z"></head>"#;
        assert_eq!(from_html(h), Some(d("2025-05-05")));
        assert_eq!(from_html(r#"<p><time datetime="2024-02-29">Feb 29</time></p>"#), Some(d("2024-02-29")));
        assert_eq!(from_html("<p>no date</p>"), None);
    }
}
