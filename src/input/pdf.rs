//! PDF text (`pdf-extract`, on `lopdf`): the text layer page by page, laid out as one document by
//! [`super::pdf_layout`]; the creation date from the info dictionary, else from the XMP
//! metadata. A PDF without text (a scan), an encrypted one that needs a password, or one the
//! reader fails on is an error naming the problem.

use std::cell::Cell;
use std::io::Read;
use std::panic::AssertUnwindSafe;

use chrono::NaiveDate;
use pdf_extract::{Dictionary, Document, Object};

use super::pdf_layout::join_pages;

#[derive(Debug)]
pub struct PdfText {
    pub text: String,
    pub created: Option<NaiveDate>,
}

thread_local! {
    /// Set while this thread runs the PDF reader under `catch_unwind`.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Whether a panic on this thread comes from the PDF reader, whose panics become the file's
/// error: the program's panic hook stays quiet for those (the library prints nothing).
pub fn panic_is_a_file_error() -> bool {
    GUARDED.with(Cell::get)
}

/// The text and creation date of a PDF's bytes; the streams the reader may unpack (all but
/// images, which it never decodes) count against `limit` (`--max-bytes`).
pub fn text(bytes: &[u8], limit: u64) -> Result<PdfText, String> {
    // the reader asserts on some malformed files: a panic is this file's error, not the run's
    let was = GUARDED.with(|g| g.replace(true));
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| read(bytes, limit)));
    GUARDED.with(|g| g.set(was));
    r.unwrap_or_else(|payload| {
        let why = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned());
        Err(match why {
            Some(why) => format!("malformed PDF (the PDF reader gave up on it: {})", why.lines().next().unwrap_or_default()),
            None => "malformed PDF (the PDF reader gave up on it)".into(),
        })
    })
}

fn read(bytes: &[u8], limit: u64) -> Result<PdfText, String> {
    if !bytes.starts_with(b"%PDF") && !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err("not a PDF (no %PDF header)".into());
    }
    let mut doc = Document::load_mem(bytes).map_err(|e| format!("malformed PDF ({e})"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("encrypted PDF: it needs a password to be read".into());
    }
    let unpacked = unpacked_size(&doc, limit);
    if unpacked > limit {
        return Err(format!("its streams unpack to more than the {limit}-byte limit per document (--max-bytes; a decompression bomb?)"));
    }
    let created = info_date(&doc).or_else(|| xmp_date(&doc));
    let pages = doc.get_pages();
    let mut texts = Vec::with_capacity(pages.len());
    for &n in pages.keys() {
        let mut s = String::new();
        {
            let mut out = pdf_extract::PlainTextOutput::new(&mut s);
            pdf_extract::output_doc_page(&doc, &mut out, n).map_err(|e| format!("malformed PDF: page {n}: {e}"))?;
        }
        texts.push(s);
    }
    let text = join_pages(&texts);
    if text.trim().is_empty() {
        return Err(format!("no text layer ({} page(s) without text: a scan? run OCR on it first)", pages.len()));
    }
    Ok(PdfText { text, created })
}

/// The unpacked size of the document's streams other than images, counted by inflating them
/// into nothing and stopping once over `limit` (a Flate stream's size is not known before). A
/// stream with another first filter counts its stored size.
fn unpacked_size(doc: &Document, limit: u64) -> u64 {
    let (mut total, mut buf) = (0u64, vec![0u8; 1 << 16]);
    for obj in doc.objects.values() {
        let Object::Stream(stream) = obj else { continue };
        if matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Image") {
            continue;
        }
        let first_filter = match stream.dict.get(b"Filter") {
            Ok(Object::Name(n)) => Some(n.as_slice()),
            Ok(Object::Array(a)) => a.first().and_then(|f| f.as_name().ok()),
            _ => None,
        };
        let budget = limit.saturating_sub(total).saturating_add(1);
        total += match first_filter {
            Some(b"FlateDecode") => {
                let mut inflated = flate2::read::ZlibDecoder::new(stream.content.as_slice()).take(budget);
                let mut n = 0u64;
                // a broken stream counts what inflated before the break (the reader reports it)
                while let Ok(k @ 1..) = inflated.read(&mut buf) {
                    n += k as u64;
                }
                n
            }
            _ => stream.content.len() as u64,
        };
        if total > limit {
            break;
        }
    }
    total
}

fn info(doc: &Document) -> Option<&Dictionary> {
    let id = doc.trailer.get(b"Info").ok()?.as_reference().ok()?;
    doc.get_dictionary(id).ok()
}

/// `CreationDate` of the info dictionary: `D:YYYYMMDD…`.
fn info_date(doc: &Document) -> Option<NaiveDate> {
    let raw = match info(doc)?.get(b"CreationDate").ok()? {
        Object::String(s, _) => s.clone(),
        _ => return None,
    };
    pdf_date(&String::from_utf8_lossy(&raw))
}

/// A PDF date string (`D:20240305…`, the `D:` optional) as a day.
fn pdf_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_start_matches("D:");
    NaiveDate::parse_from_str(s.get(..8)?, "%Y%m%d").ok()
}

/// `xmp:CreateDate` of the document's XMP metadata stream.
fn xmp_date(doc: &Document) -> Option<NaiveDate> {
    let id = doc.catalog().ok()?.get(b"Metadata").ok()?.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let xml = String::from_utf8_lossy(&content);
    for key in ["xmp:CreateDate", "CreateDate"] {
        if let Some(at) = xml.find(key) {
            let rest = &xml[at + key.len()..];
            let rest = rest.trim_start_matches(['>', '=', '"', '\'', ' ']);
            if let Some(d) = super::iso_day(rest) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("D:20240305101500+01'00'"), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(pdf_date("20231231"), NaiveDate::from_ymd_opt(2023, 12, 31));
        assert_eq!(pdf_date("D:2024"), None);
    }

    #[test]
    fn not_a_pdf() {
        assert!(text(b"hello", 1 << 20).unwrap_err().contains("not a PDF"));
        assert!(text(b"%PDF-1.4\n garbage", 1 << 20).is_err());
    }
}
