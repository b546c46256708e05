//! Input stage: paths → documents (decoded text).
//!
//! Files and folders are walked recursively (walkdir, symlinks followed with loop detection,
//! hidden entries skipped), sorted for deterministic output. Text is decoded from UTF-8 (BOM
//! stripped), UTF-16 with BOM, or — with a warning — Windows-1252; files with NUL bytes in their
//! first 8 KiB are reported as binary.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// File extensions read as text documents when a folder is walked.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "html", "htm", "xhtml", "tml", "te3input"];

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
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > max_bytes {
        return Err(Error::input(path, format!("{} bytes, over the {max_bytes}-byte limit per document (--max-bytes); skipped", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
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
