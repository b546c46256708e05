//! PDF text (`pdf-extract`, on `lopdf`): the text layer page by page, laid out as one document by
//! [`super::pdf_layout`]; the creation date from the info dictionary, else from the XMP
//! metadata. A PDF without text (a scan), an encrypted one that needs a password, or one the
//! reader fails on is an error naming the problem.

use std::panic::AssertUnwindSafe;

use chrono::NaiveDate;
use pdf_extract::{Dictionary, Document, Object};

use super::pdf_layout::join_pages;

#[derive(Debug)]
pub struct PdfText {
    pub text: String,
    pub created: Option<NaiveDate>,
}

/// The text and creation date of a PDF's bytes.
pub fn text(bytes: &[u8]) -> Result<PdfText, String> {
    // the reader asserts on some malformed files: a panic is this file's error, not the run's
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| read(bytes)));
    r.unwrap_or_else(|_| Err("malformed PDF (the PDF reader gave up on it)".into()))
}

fn read(bytes: &[u8]) -> Result<PdfText, String> {
    if !bytes.starts_with(b"%PDF") && !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err("not a PDF (no %PDF header)".into());
    }
    let mut doc = Document::load_mem(bytes).map_err(|e| format!("malformed PDF ({e})"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("encrypted PDF: it needs a password to be read".into());
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
        assert!(text(b"hello").unwrap_err().contains("not a PDF"));
        assert!(text(b"%PDF-1.4\n garbage").is_err());
    }
}
