//! Word (.docx) and OpenDocument (.odt) text: the zip container read with `zip`, its XML with
//! `quick-xml`. Paragraphs in document order, a blank line between them; a table row on one line,
//! its cells joined by tabs; footnotes (and endnotes) after the body, each on its own paragraph.
//! Headers, footers, comments and deleted tracked changes are left out. Every entry unpacked
//! counts against the size limit (`--max-bytes`), so a decompression bomb is refused, not read.

use std::io::Read;

use chrono::NaiveDate;
use quick_xml::events::Event;

/// The body text of an office document and the creation date its metadata gives.
#[derive(Debug)]
pub struct OfficeText {
    pub text: String,
    pub created: Option<NaiveDate>,
}

/// A zip container whose entries are unpacked within a byte budget.
struct Container<R: Read + std::io::Seek> {
    zip: zip::ZipArchive<R>,
    /// Bytes still allowed to be unpacked.
    budget: u64,
    limit: u64,
}

impl<R: Read + std::io::Seek> Container<R> {
    fn open(reader: R, limit: u64) -> Result<Self, String> {
        let zip = zip::ZipArchive::new(reader).map_err(|e| format!("corrupt zip container ({e})"))?;
        Ok(Container { zip, budget: limit, limit })
    }

    /// The entry `name`, unpacked (`None` when the container has none).
    fn entry(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("corrupt zip container: {name}: {e}")),
        };
        let mut out = Vec::new();
        (&mut f).take(self.budget + 1).read_to_end(&mut out).map_err(|e| format!("corrupt zip container: {name}: {e}"))?;
        if out.len() as u64 > self.budget {
            return Err(format!("unpacks to more than the {}-byte limit per document (--max-bytes; a decompression bomb?)", self.limit));
        }
        self.budget -= out.len() as u64;
        Ok(Some(out))
    }
}

/// The text of a .docx file's bytes.
pub fn docx(bytes: &[u8], limit: u64) -> Result<OfficeText, String> {
    let mut c = Container::open(std::io::Cursor::new(bytes), limit)?;
    let body = c.entry("word/document.xml")?.ok_or("not a Word document (no word/document.xml)")?;
    let mut text = Paragraphs::default();
    docx_body(&body, &mut text, None)?;
    for (part, tag) in [("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")] {
        if let Some(notes) = c.entry(part)? {
            docx_body(&notes, &mut text, Some(tag))?;
        }
    }
    let created = c.entry("docProps/core.xml")?.and_then(|x| element_text(&x, "created")).and_then(|s| super::iso_day(&s));
    Ok(OfficeText { text: text.finish(), created })
}

/// The text of an .odt file's bytes.
pub fn odt(bytes: &[u8], limit: u64) -> Result<OfficeText, String> {
    let mut c = Container::open(std::io::Cursor::new(bytes), limit)?;
    let body = c.entry("content.xml")?.ok_or("not an OpenDocument text (no content.xml)")?;
    let text = odt_body(&body)?;
    let created = c.entry("meta.xml")?.and_then(|x| element_text(&x, "creation-date")).and_then(|s| super::iso_day(&s));
    Ok(OfficeText { text, created })
}

/// Paragraphs as they are read: the open one, the finished ones, table rows.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    open: String,
    /// Cells of the table row being read (`None`: not in a table).
    row: Option<Vec<String>>,
    /// Finished rows of the table being read.
    rows: Vec<String>,
    depth_table: usize,
}

impl Paragraphs {
    fn push(&mut self, s: &str) {
        self.open.push_str(s);
    }

    /// End of a paragraph: into the cell being read, or a paragraph of its own.
    fn end_paragraph(&mut self) {
        let p = std::mem::take(&mut self.open);
        let p = p.trim();
        if p.is_empty() {
            return;
        }
        match &mut self.row {
            Some(cells) if self.depth_table > 0 => match cells.last_mut() {
                Some(c) if !c.is_empty() => {
                    c.push(' ');
                    c.push_str(p);
                }
                Some(c) => c.push_str(p),
                None => cells.push(p.to_string()),
            },
            _ => self.done.push(p.to_string()),
        }
    }

    fn start_table(&mut self) {
        self.end_paragraph();
        self.depth_table += 1;
    }

    fn end_table(&mut self) {
        self.depth_table = self.depth_table.saturating_sub(1);
        if self.depth_table == 0 && !self.rows.is_empty() {
            self.done.push(std::mem::take(&mut self.rows).join("\n"));
        }
    }

    fn start_row(&mut self) {
        if self.depth_table == 1 {
            self.row = Some(Vec::new());
        }
    }

    fn start_cell(&mut self) {
        self.end_paragraph();
        if self.depth_table == 1 {
            if let Some(cells) = &mut self.row {
                cells.push(String::new());
            }
        }
    }

    fn end_row(&mut self) {
        self.end_paragraph();
        if self.depth_table == 1 {
            if let Some(cells) = self.row.take() {
                let line = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join("\t");
                if !line.is_empty() {
                    self.rows.push(line);
                }
            }
        }
    }

    fn finish(mut self) -> String {
        self.end_paragraph();
        let mut s = self.done.join("\n\n");
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

fn xml_err(e: impl std::fmt::Display) -> String {
    format!("malformed XML in the document ({e})")
}

/// WordprocessingML body or notes part into `out`. `notes`: the note element of a notes part
/// (`footnote`, `endnote`), whose separator notes (`w:type`) are skipped.
fn docx_body(xml: &[u8], out: &mut Paragraphs, notes: Option<&str>) -> Result<(), String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut in_text = false;
    // depth inside an element whose text is left out (deleted text, field codes, separators)
    let mut skip = 0usize;
    loop {
        let ev = r.read_event_into(&mut buf).map_err(xml_err)?;
        match ev {
            Event::Start(e) => {
                let n = local(e.name().as_ref()).to_vec();
                if skip > 0 {
                    skip += 1;
                } else {
                    match n.as_slice() {
                        b"t" => in_text = true,
                        // deleted text, field codes, tab stop definitions (`w:tabs` of a paragraph's
                        // properties hold `w:tab` elements that are no tabs)
                        b"del" | b"instrText" | b"delText" | b"tabs" => skip = 1,
                        b"tbl" => out.start_table(),
                        b"tr" => out.start_row(),
                        b"tc" => out.start_cell(),
                        b"tab" => out.push("\t"),
                        b"br" | b"cr" => out.push("\n"),
                        x if notes.is_some_and(|t| t.as_bytes() == x) && e.attributes().flatten().any(|a| local(a.key.as_ref()) == b"type") => {
                            skip = 1
                        }
                        _ => {}
                    }
                }
            }
            Event::Empty(e) if skip == 0 => match local(e.name().as_ref()) {
                b"tab" => out.push("\t"),
                b"br" | b"cr" => out.push("\n"),
                b"noBreakHyphen" => out.push("-"),
                b"p" => out.end_paragraph(),
                _ => {}
            },
            Event::End(_) if skip > 0 => skip -= 1,
            Event::End(e) => match local(e.name().as_ref()) {
                b"t" => in_text = false,
                b"p" | b"tc" => out.end_paragraph(),
                b"tr" => out.end_row(),
                b"tbl" => out.end_table(),
                _ => {}
            },
            Event::Text(t) if in_text && skip == 0 => out.push(&t.unescape().map_err(xml_err)?),
            Event::CData(t) if in_text && skip == 0 => out.push(&String::from_utf8_lossy(&t)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// OpenDocument `content.xml`: the body's paragraphs and headings, tables, notes at the end.
fn odt_body(xml: &[u8]) -> Result<String, String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut body = Paragraphs::default();
    let mut notes = Paragraphs::default();
    let mut in_body = false;
    // inside a note's body (its text goes to the notes), a note citation, a left-out element
    let (mut note_depth, mut skip) = (0usize, 0usize);
    loop {
        let ev = r.read_event_into(&mut buf).map_err(xml_err)?;
        let out = if note_depth > 0 { &mut notes } else { &mut body };
        match ev {
            Event::Start(e) => {
                let n = local(e.name().as_ref()).to_vec();
                if skip > 0 {
                    skip += 1;
                } else if n == b"text" && e.name().as_ref().starts_with(b"office:") {
                    in_body = true;
                } else if in_body {
                    match n.as_slice() {
                        b"annotation" | b"note-citation" | b"tracked-changes" | b"deletion" => skip = 1,
                        b"note-body" => note_depth += 1,
                        b"note-body-placeholder" => {}
                        b"table" => out.start_table(),
                        b"table-row" => out.start_row(),
                        b"table-cell" => out.start_cell(),
                        _ => {}
                    }
                }
            }
            Event::Empty(e) if skip == 0 && in_body => match local(e.name().as_ref()) {
                b"s" => {
                    let n = e
                        .attributes()
                        .flatten()
                        .find(|a| local(a.key.as_ref()) == b"c")
                        .and_then(|a| String::from_utf8_lossy(&a.value).parse::<usize>().ok())
                        .unwrap_or(1);
                    out.push(&" ".repeat(n.min(64)));
                }
                b"tab" => out.push("\t"),
                b"line-break" => out.push("\n"),
                b"p" | b"h" => out.end_paragraph(),
                _ => {}
            },
            Event::End(_) if skip > 0 => skip -= 1,
            Event::End(e) => match local(e.name().as_ref()) {
                b"text" if e.name().as_ref().starts_with(b"office:") => in_body = false,
                b"p" | b"h" | b"table-cell" => out.end_paragraph(),
                b"note-body" => {
                    notes.end_paragraph();
                    note_depth = note_depth.saturating_sub(1);
                }
                b"table-row" => out.end_row(),
                b"table" => out.end_table(),
                _ => {}
            },
            Event::Text(t) if in_body && skip == 0 => out.push(&t.unescape().map_err(xml_err)?),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut text = body.finish();
    let notes = notes.finish();
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&notes);
    }
    Ok(text)
}

/// The text of the first element named `name` (any namespace prefix) of a small XML part.
fn element_text(xml: &[u8], name: &str) -> Option<String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut inside = false;
    loop {
        match r.read_event_into(&mut buf).ok()? {
            Event::Start(e) => inside = local(e.name().as_ref()) == name.as_bytes(),
            Event::Text(t) if inside => return t.unescape().ok().map(|s| s.trim().to_string()),
            Event::End(_) => inside = false,
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of (name, content) entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(content.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn docx_paragraphs_tables_and_footnotes() {
        let doc = format!(
            r#"<w:document {W}><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Acme bought </w:t></w:r><w:r><w:t>Widgets.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
            <w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>Second &amp; last.</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Year</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Sales</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>2024</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#
        );
        let notes = format!(
            r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
            <w:footnote w:id="1"><w:p><w:r><w:t>A note.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
        );
        let core = r#"<cp:coreProperties xmlns:cp="x" xmlns:dcterms="y"><dcterms:created>2024-03-05T10:00:00Z</dcterms:created></cp:coreProperties>"#;
        let z = zip_of(&[
            ("word/document.xml", &doc),
            ("word/footnotes.xml", &notes),
            ("docProps/core.xml", core),
            ("word/header1.xml", "<w:hdr><w:t>HEADER</w:t></w:hdr>"),
        ]);
        let t = docx(&z, 1 << 20).unwrap();
        assert_eq!(t.text, "Acme bought Widgets.\n\nSecond & last.\n\nYear\tSales\n2024\t5\n\nA note.\n");
        assert_eq!(t.created, NaiveDate::from_ymd_opt(2024, 3, 5));
    }

    #[test]
    fn odt_paragraphs_notes_and_spaces() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b"><office:body><office:text>
            <text:h>Title</text:h><text:p>One<text:s text:c="2"/>two<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note> three.</text:p>
            <text:p><office:annotation><text:p>a comment</text:p></office:annotation>Last.</text:p>
            <table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>
            </office:text></office:body></office:document-content>"#;
        let meta = r#"<office:document-meta xmlns:meta="m"><office:meta><meta:creation-date>2023-12-31T23:00:00</meta:creation-date></office:meta></office:document-meta>"#;
        let t = odt(&zip_of(&[("content.xml", content), ("meta.xml", meta)]), 1 << 20).unwrap();
        assert_eq!(t.text, "Title\n\nOne  two three.\n\nLast.\n\na\tb\n\nThe note.\n");
        assert_eq!(t.created, NaiveDate::from_ymd_opt(2023, 12, 31));
    }

    #[test]
    fn corrupt_and_bombs_are_refused() {
        assert!(docx(b"PK\x03\x04 not really", 1 << 20).unwrap_err().contains("corrupt zip"));
        let big = "<w:document><w:body><w:p><w:r><w:t>".to_string() + &"a".repeat(100_000) + "</w:t></w:r></w:p></w:body></w:document>";
        let z = zip_of(&[("word/document.xml", &big)]);
        assert!(z.len() < 2000);
        let e = docx(&z, 50_000).unwrap_err();
        assert!(e.contains("--max-bytes"), "{e}");
    }
}
