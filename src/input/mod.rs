//! Input stage: paths → documents (decoded text).
//!
//! Files and folders are walked recursively (walkdir, symlinks followed with loop detection,
//! hidden entries skipped), sorted for deterministic output. Text is decoded from UTF-8 (BOM
//! stripped), UTF-16 with BOM, or — with a warning — Windows-1252; files with NUL bytes in their
//! first 8 KiB are reported as binary. PDF (`pdf.rs`), Word and OpenDocument (`office.rs`) and
//! e-mail (`mail.rs`: .eml, .mbox) are turned into text here too ([`read_pieces`]); one file may
//! give several documents (the messages of a mailbox, the attachments of a message).

mod mail;
mod office;
mod pdf;
mod pdf_layout;

pub use pdf::panic_is_a_file_error;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// File extensions read as text documents when a folder is walked.
pub const TEXT_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "markdown", "html", "htm", "xhtml", "tml", "te3input", "pdf", "docx", "odt", "eml", "mbox"];

/// The kind of an input, by its extension (`documents` counts the documents by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Text,
    Html,
    Timeml,
    Pdf,
    Docx,
    Odt,
    Email,
    Mbox,
}

impl Kind {
    /// The kind of a file name by its extension; `None`: not one entline reads when walking a
    /// folder (a file named explicitly is read as text).
    pub fn of(name: &str) -> Option<Kind> {
        let ext = Path::new(name).extension().and_then(|e| e.to_str())?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" | "md" | "markdown" => Kind::Text,
            "html" | "htm" | "xhtml" => Kind::Html,
            "tml" | "te3input" => Kind::Timeml,
            "pdf" => Kind::Pdf,
            "docx" => Kind::Docx,
            "odt" => Kind::Odt,
            "eml" => Kind::Email,
            "mbox" => Kind::Mbox,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Html => "html",
            Kind::Timeml => "timeml",
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Odt => "odt",
            Kind::Email | Kind::Mbox => "email",
        }
    }
}

/// How the text of a piece is still marked up (the pipeline renders HTML and reads TimeML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    Html,
    Timeml,
}

/// Where a date found in a file's metadata came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFrom {
    /// The `Date:` header of an e-mail.
    Email,
    /// The PDF's info dictionary (`CreationDate`) or XMP metadata.
    Pdf,
    /// `docProps/core.xml` of a .docx.
    Docx,
    /// `meta.xml` of an .odt.
    Odt,
}

/// One document of an input file: its text (still marked up as `markup` says), the headline
/// put above it (an e-mail's subject), a date from its metadata, a decoding warning.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub text: String,
    pub markup: Markup,
    pub headline: Option<String>,
    pub date: Option<(NaiveDate, DateFrom)>,
    pub warning: Option<String>,
}

/// One document an input file gives, or why a part of it gives none.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Added to the file's name to name the document: empty for the file itself, `#3` for the
    /// third message of a mailbox, `#2-report.pdf` for an e-mail's attachment (numbered with the
    /// message's text as part 1).
    pub part: String,
    pub kind: Kind,
    /// The document, or (status, message): `failed` (unreadable), `skipped` (a kind entline does
    /// not read).
    pub outcome: std::result::Result<Extracted, (&'static str, String)>,
}

/// A `YYYY-MM-DD…` metadata date.
fn iso_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10)?, "%Y-%m-%d").ok()
}

/// The documents of one input file (most files give one; see [`Piece`]). An error (the file
/// cannot be read, is over the size limit, or its one document cannot be extracted) names the
/// file and the problem.
pub fn read_pieces(path: &Path, max_bytes: u64) -> Result<Vec<Piece>> {
    let name = path.to_string_lossy();
    let kind = Kind::of(&name).unwrap_or(Kind::Text);
    if matches!(kind, Kind::Text | Kind::Html | Kind::Timeml) || path.as_os_str() == "-" {
        let doc = read(path, max_bytes)?;
        let markup = markup_of(kind);
        let kind = if path.as_os_str() == "-" { Kind::Text } else { kind };
        let e = Extracted { text: doc.text, markup, headline: None, date: None, warning: doc.warning };
        return Ok(vec![Piece { part: String::new(), kind, outcome: Ok(e) }]);
    }
    let bytes = read_bytes(path, max_bytes)?;
    let pieces = from_bytes(kind, &bytes, max_bytes, 0).map_err(|m| Error::input(path, m))?;
    // a file that is one document and could not be read fails as a whole
    if let [Piece { part, outcome: Err((_, msg)), .. }] = pieces.as_slice() {
        if part.is_empty() {
            return Err(Error::input(path, msg.clone()));
        }
    }
    Ok(pieces)
}

fn markup_of(kind: Kind) -> Markup {
    match kind {
        Kind::Html => Markup::Html,
        Kind::Timeml => Markup::Timeml,
        _ => Markup::Plain,
    }
}

/// The documents in the bytes of a file or attachment of `kind`. `depth`: how deep in nested
/// messages (attachments of attachments stop at a few levels).
fn from_bytes(kind: Kind, bytes: &[u8], max_bytes: u64, depth: usize) -> std::result::Result<Vec<Piece>, String> {
    let one = |r: std::result::Result<Extracted, String>| vec![Piece { part: String::new(), kind, outcome: r.map_err(|m| ("failed", m)) }];
    let plain = |text: String, date: Option<(NaiveDate, DateFrom)>| Extracted { text, markup: Markup::Plain, headline: None, date, warning: None };
    Ok(match kind {
        Kind::Text | Kind::Html | Kind::Timeml => {
            one(decode(bytes).map(|(text, warning)| Extracted { text, markup: markup_of(kind), headline: None, date: None, warning }))
        }
        Kind::Pdf => one(pdf::text(bytes, max_bytes).map(|p| plain(p.text, p.created.map(|d| (d, DateFrom::Pdf))))),
        Kind::Docx => one(office::docx(bytes, max_bytes).map(|o| plain(o.text, o.created.map(|d| (d, DateFrom::Docx))))),
        Kind::Odt => one(office::odt(bytes, max_bytes).map(|o| plain(o.text, o.created.map(|d| (d, DateFrom::Odt))))),
        Kind::Email => mail::eml(bytes, max_bytes, depth)?,
        Kind::Mbox => mail::mbox(bytes, max_bytes, depth)?,
    })
}

/// The bytes of a file of at most `max_bytes` bytes.
fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > max_bytes {
        return Err(Error::input(path, format!("{} bytes, over the {max_bytes}-byte limit per document (--max-bytes); skipped", meta.len())));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// File extensions read as TimeML when a folder is walked by `entline timeml`.
pub const TIMEML_EXTENSIONS: &[&str] = &["tml", "te3input", "xml"];

/// One input file found by [`collect`], or a problem met while walking.
#[derive(Debug)]
pub enum Found {
    File(PathBuf),
    Problem(PathBuf, String),
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_str().is_some_and(|s| s.starts_with('.'))
}

/// Which files of a walked folder are inputs.
#[derive(Debug, Clone, Default)]
pub struct Select {
    /// Lower-case extensions taken when no include glob is given (e.g. [`TEXT_EXTENSIONS`]).
    pub extensions: Vec<String>,
    /// Files whose path below the walked folder matches one of these are taken, whatever
    /// their extension.
    pub include: Option<globset::GlobSet>,
    /// Files and folders whose path below the walked folder matches one of these are left out.
    pub exclude: Option<globset::GlobSet>,
    /// Walk hidden files and folders (names starting with a dot) too.
    pub hidden: bool,
}

impl Select {
    pub fn extensions(extensions: &[&str]) -> Self {
        Select { extensions: extensions.iter().map(|e| e.to_string()).collect(), ..Default::default() }
    }

    /// Add `--glob` / `--exclude` patterns (gitignore-like globs; `*` also crosses folders).
    pub fn with_globs(mut self, include: &[String], exclude: &[String]) -> Result<Self> {
        let build = |pats: &[String]| -> Result<Option<globset::GlobSet>> {
            if pats.is_empty() {
                return Ok(None);
            }
            let mut b = globset::GlobSetBuilder::new();
            for p in pats {
                b.add(globset::Glob::new(p).map_err(|e| Error::Other(format!("bad glob {p:?}: {e}")))?);
            }
            b.build().map(Some).map_err(|e| Error::Other(e.to_string()))
        };
        self.include = build(include)?;
        self.exclude = build(exclude)?;
        Ok(self)
    }

    fn excluded(&self, rel: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(rel))
    }

    fn takes(&self, rel: &Path) -> bool {
        match &self.include {
            Some(g) => g.is_match(rel),
            None => {
                let ext = rel.extension().and_then(|x| x.to_str()).map(|x| x.to_ascii_lowercase());
                ext.is_some_and(|x| self.extensions.contains(&x))
            }
        }
    }
}

/// Expand `paths` (files and folders) into input files, sorted within each folder.
/// Explicitly named files are always taken; folders contribute the files `select` takes.
pub fn collect(paths: &[PathBuf], select: &Select) -> Vec<Found> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || p.is_file() {
            out.push(Found::File(p.clone()));
            continue;
        }
        if !p.exists() {
            out.push(Found::Problem(p.clone(), "no such file or folder".into()));
            continue;
        }
        let rel = |e: &walkdir::DirEntry| e.path().strip_prefix(p).map(Path::to_path_buf).unwrap_or_else(|_| e.path().to_path_buf());
        let walker = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| (select.hidden || !is_hidden(e)) && (e.depth() == 0 || !select.excluded(&rel(e)))) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if select.takes(&rel(&e)) {
                        out.push(Found::File(e.into_path()));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                    let msg = if e.loop_ancestor().is_some() {
                        "symlink loop skipped".to_string()
                    } else {
                        e.io_error().map(|io| io.to_string()).unwrap_or_else(|| e.to_string())
                    };
                    out.push(Found::Problem(path, msg));
                }
            }
        }
    }
    out
}

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    /// Set when the text was not valid UTF-8 and a legacy encoding was assumed.
    pub warning: Option<String>,
}

/// Decode bytes to text. Errors name the problem; the caller adds the path.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, Option<String>), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .map(|s| (s, None))
            .map_err(|e| format!("invalid UTF-8 after BOM at byte {}", e.utf8_error().valid_up_to() + 3));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        let warn = had_errors.then(|| "malformed UTF-16 sequences replaced".to_string());
        return Ok((text.into_owned(), warn));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file (NUL bytes), skipped".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), Some(format!("not valid UTF-8 (byte {}); decoded as Windows-1252", e.valid_up_to()))))
        }
    }
}

/// Default size limit of one document (larger files are reported and skipped: a single text of
/// that size is almost always a dump, not a document).
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Read and decode one file of at most `max_bytes` bytes.
pub fn read(path: &Path, max_bytes: u64) -> Result<Document> {
    if path.as_os_str() == "-" {
        // standard input, read up to the same limit
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(std::io::stdin().lock(), max_bytes + 1), &mut bytes).map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > max_bytes {
            return Err(Error::input(path, format!("standard input is over the {max_bytes}-byte limit (--max-bytes)")));
        }
        let (text, warning) = decode(&bytes).map_err(|m| Error::input(path, m))?;
        return Ok(Document { path: path.to_path_buf(), text, warning });
    }
    let bytes = read_bytes(path, max_bytes)?;
    let (text, warning) = decode(&bytes).map_err(|m| Error::input(path, m))?;
    Ok(Document { path: path.to_path_buf(), text, warning })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encodings() {
        assert_eq!(decode("héllo".as_bytes()).unwrap(), ("héllo".to_string(), None));
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap().0, "hi");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Zoë".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().0, "Zoë");
        let (t, w) = decode(b"caf\xE9").unwrap();
        assert_eq!(t, "café");
        assert!(w.is_some());
        assert!(decode(b"\x00\x01\x02ELF").is_err());
    }
}
