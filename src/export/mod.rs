//! Output stage: CSV files written through the csv crate (RFC 4180, UTF-8).

use std::path::Path;

use crate::error::{Error, Result};
use crate::ner::Mention;
use crate::text::CharOffsets;

/// Guard a cell against spreadsheet formula injection: a leading `=`, `+`, `-`, `@`, tab or CR
/// gets a leading apostrophe.
pub fn guard_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Writer of `mentions.csv`, one document at a time.
pub struct MentionsWriter {
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    path: std::path::PathBuf,
}

impl MentionsWriter {
    pub fn create(path: &Path) -> Result<Self> {
        let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let w = csv::Writer::from_writer(std::io::BufWriter::new(f));
        Ok(MentionsWriter { w, path: path.to_path_buf() })
    }

    fn err(&self, e: csv::Error) -> Error {
        Error::input(&self.path, e.to_string())
    }

    /// Write the header (also when no document has mentions).
    pub fn header(&mut self) -> Result<()> {
        let r = self.w.write_record([
            "doc", "sentence_index", "start", "end", "char_start", "char_end", "text", "label", "score",
        ]);
        r.map_err(|e| self.err(e))
    }

    pub fn write_doc(&mut self, doc: &str, text: &str, mentions: &[Mention]) -> Result<()> {
        let mut co = CharOffsets::new(text);
        let doc = guard_cell(doc);
        for m in mentions {
            let (cs, ce) = (co.at(m.start), co.at(m.end));
            let surface = guard_cell(&m.text);
            let row = (
                doc.as_ref(),
                m.sentence,
                m.start,
                m.end,
                cs,
                ce,
                surface.as_ref(),
                m.label.as_str(),
                format!("{:.4}", m.score),
            );
            self.w.serialize(row).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(|e| Error::io(&self.path, e))
    }
}
