//! Input formats and the workbook, with the real binary on real files: documents LibreOffice makes
//! here from one HTML story (PDF, Word, OpenDocument) give what the HTML gives; the committed
//! fixtures (tests/fixtures/formats/README.md: an e-mail with a PDF attachment, a two-column PDF
//! with a running header and footer, a Word document with a table, a footnote and a comment); every
//! kind of bad input in one folder with a good file; `--format xlsx` opened by LibreOffice and saved
//! as CSV per sheet equals the CSV tables cell by cell. LibreOffice (Writer and Calc) is found as
//! tests/spreadsheet.rs finds it (scripts/setup_libreoffice.sh installs it).

mod common;
use common::{convert, root, rows, soffice};

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn entline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entline")).current_dir(dir).args(args).output().expect("entline runs")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/formats").join(name)
}

/// `entline text FILE`: the text every offset of its rows points into.
fn text_of(file: &Path) -> String {
    let o = entline(Path::new("."), &["text", file.to_str().unwrap()]);
    assert!(o.status.success(), "entline text {}: {}", file.display(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The rows of a table of `out` by document: doc → rows.
fn by_doc(out: &Path, table: &str) -> BTreeMap<String, Vec<std::collections::HashMap<String, String>>> {
    let mut m: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for r in rows(&out.join(format!("{table}.csv"))) {
        m.entry(r["doc"].clone()).or_default().push(r);
    }
    m
}

const STORY: &str = "<html><head><title>Siemens</title></head><body>\n\
<p>BERLIN, March 4 (Reuters) - Siemens agreed on Tuesday to buy the Dutch software maker Altair for 10 billion dollars, \
Chief Executive Roland Busch said in Munich.</p>\n\
<p>The deal is expected to close next year. Busch met Dutch Prime Minister Dick Schoof in The Hague on Monday, \
and the two men discussed jobs in Eindhoven.</p>\n\
<p>Shares of Siemens rose 3 percent in Frankfurt on Wednesday, while Altair's investors in New York welcomed the offer.</p>\n\
</body></html>\n";

#[test]
fn documents_libreoffice_makes_give_what_their_source_gives() {
    let soffice = soffice().expect("LibreOffice is needed: scripts/setup_libreoffice.sh");
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let html = docs.join("story.html");
    std::fs::write(&html, STORY).unwrap();
    let profile = tmp.path().join("profile");
    for (to, ext) in [("pdf:writer_pdf_Export", "pdf"), ("docx:MS Word 2007 XML", "docx"), ("odt", "odt")] {
        convert(&soffice, &profile, Some("HTML (StarWriter)"), to, &docs, std::slice::from_ref(&html), ext);
    }
    let out = tmp.path().join("out");
    let o = entline(tmp.path(), &["extract", "docs", "--doc-date", "2025-03-04", "--quiet", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (mentions, timexes, events) = (by_doc(&out, "mentions"), by_doc(&out, "timexes"), by_doc(&out, "event_mentions"));
    let set = |m: &BTreeMap<String, Vec<std::collections::HashMap<String, String>>>, doc: &str, cols: &[&str]| -> BTreeSet<Vec<String>> {
        m.get(doc).map(|rs| rs.iter().map(|r| cols.iter().map(|c| r[*c].clone()).collect()).collect()).unwrap_or_default()
    };
    let want_m = set(&mentions, "docs/story.html", &["text", "label", "entity_id"]);
    let want_t = set(&timexes, "docs/story.html", &["text", "value"]);
    let want_e = set(&events, "docs/story.html", &["text"]);
    assert!(want_m.len() >= 8 && want_t.len() >= 3 && !want_e.is_empty(), "{want_m:?} {want_t:?} {want_e:?}");
    for ext in ["pdf", "docx", "odt"] {
        let doc = format!("docs/story.{ext}");
        assert_eq!(set(&mentions, &doc, &["text", "label", "entity_id"]), want_m, "{doc}: mentions");
        assert_eq!(set(&timexes, &doc, &["text", "value"]), want_t, "{doc}: time expressions");
        assert_eq!(set(&events, &doc, &["text"]), want_e, "{doc}: event mentions");
        // every offset points into the text `entline text` prints
        let text = text_of(&tmp.path().join(&doc));
        for (table, m) in [("mentions", &mentions), ("timexes", &timexes), ("event_mentions", &events)] {
            for r in &m[&doc] {
                let (s, e): (usize, usize) = (r["start"].parse().unwrap(), r["end"].parse().unwrap());
                assert_eq!(text.get(s..e), Some(r["text"].as_str()), "{doc}: {table} row at {s}..{e}");
            }
        }
    }
    // one timeline: the entities are merged across the formats
    let ents = rows(&out.join("entities.csv"));
    let siemens: Vec<_> = ents.iter().filter(|r| r["name"] == "Siemens").collect();
    assert_eq!(siemens.len(), 1, "{siemens:?}");
}

#[test]
fn committed_fixtures() {
    // the two-column PDF: columns in reading order, the running header and the page numbers gone
    let cols = text_of(&fixture("columns.pdf"));
    assert!(cols.starts_with("On January 3, 2024, Siemens said it had agreed"), "{cols}");
    assert!(!cols.contains("Quarterly Markets Review") && !cols.contains("Page "), "{cols}");
    let (siemens, basf) = (cols.find("Siemens said").unwrap(), cols.find("BASF said").unwrap());
    assert!(siemens < basf);
    assert!(cols.contains("\n\nRegulators in Brussels"), "paragraphs apart: {cols}");
    // the Word document: a table row per line, the footnote at the end, no header, footer or comment
    let table = text_of(&fixture("table.docx"));
    assert!(table.contains("\n\nDivision\tRevenue\tHead\nDigital Industries\t19 billion euros\tCedrik Neike\n"), "{table}");
    assert!(table.trim_end().ends_with("Figures from the annual report of Siemens."), "{table}");
    for gone in ["Board Minutes", "Printed copy", "Check this number"] {
        assert!(!table.contains(gone), "{gone}: {table}");
    }

    let tmp = tempfile::tempdir().unwrap();
    for f in ["mail.eml", "table.docx"] {
        std::fs::copy(fixture(f), tmp.path().join(f)).unwrap();
    }
    let o = entline(tmp.path(), &["extract", "mail.eml", "table.docx", "--quiet", "--out", "out"]);
    // a skipped attachment is listed, not a failure
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs: BTreeMap<String, _> = rows(&tmp.path().join("out/documents.csv")).into_iter().map(|r| (r["doc"].clone(), r)).collect();
    let names: Vec<&str> = docs.keys().map(String::as_str).collect();
    assert_eq!(names, ["mail.eml", "mail.eml#2-report.pdf", "mail.eml#3-logo.png", "table.docx"]);
    let mail = &docs["mail.eml"];
    assert_eq!((mail["dct"].as_str(), mail["dct_source"].as_str(), mail["status"].as_str()), ("2025-03-05", "email", "ok"));
    assert!(mail["mentions"].parse::<usize>().unwrap() > 0);
    // the attachment: its own text, dated by its own first line
    let report = &docs["mail.eml#2-report.pdf"];
    assert_eq!((report["dct"].as_str(), report["dct_source"].as_str(), report["status"].as_str()), ("2025-03-04", "header", "ok"));
    let logo = &docs["mail.eml#3-logo.png"];
    assert_eq!(logo["status"], "skipped");
    assert!(logo["error"].contains("image/png"), "{logo:?}");
    // a text without a date: the date of the document's metadata
    let t = &docs["table.docx"];
    assert_eq!((t["dct"].as_str(), t["dct_source"].as_str()), ("2024-02-01", "docx"));
    // each row names its input kind; the report's header counts the documents read by kind
    let kinds: Vec<&str> = docs.values().map(|r| r["kind"].as_str()).collect();
    assert_eq!(kinds, ["email", "pdf", "", "docx"]);
    let page = std::fs::read_to_string(tmp.path().join("out/timeline.html")).unwrap();
    assert!(page.contains(r#"{"kinds":{"docx":1,"email":1,"pdf":1},"#), "{}", &page[page.find("\"kinds\"").unwrap_or(0)..][..80]);
    // the subject is the headline, the quoted reply kept
    let mail_text = text_of(&tmp.path().join("mail.eml"));
    assert!(mail_text.starts_with("==> ") && mail_text.contains("mail.eml <==\nSiemens to buy Altair\n\nHello,"), "{mail_text}");
    assert!(mail_text.contains("mail.eml#2-report.pdf <==\n") && mail_text.contains("mail.eml#3-logo.png <== skipped: "), "{mail_text}");
    assert!(mail_text.contains("> Any news from Munich?"));
}

/// A one-page PDF: its page's resources and its content stream (dictionary entries, bytes), with
/// a correct cross-reference table.
fn pdf(resources: &str, stream_dict: &str, content: &[u8]) -> Vec<u8> {
    let objects: [Vec<u8>; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {resources} /Contents 4 0 R >>").into_bytes(),
        [format!("<< /Length {} {stream_dict} >>\nstream\n", content.len()).as_bytes(), content, b"\nendstream"].concat(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// A .docx whose one entry unpacks to `size` bytes (zeros deflate a thousandfold).
fn bomb(size: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("word/document.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..size / chunk.len() {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn bad_inputs_get_a_row_each_and_the_rest_goes_on() {
    let soffice = soffice().expect("LibreOffice is needed: scripts/setup_libreoffice.sh");
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    let made = tmp.path().join("made");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::create_dir_all(&made).unwrap();
    let profile = tmp.path().join("profile");
    // a PDF of a page without text (what a scan without OCR is to a reader of text), and an
    // encrypted one (a password to open it)
    std::fs::write(made.join("scanned.html"), "<html><body><p></p></body></html>").unwrap();
    std::fs::write(made.join("encrypted.html"), STORY).unwrap();
    convert(&soffice, &profile, Some("HTML (StarWriter)"), "pdf:writer_pdf_Export", &made, &[made.join("scanned.html")], "pdf");
    let secret =
        r#"pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}"#;
    convert(&soffice, &profile, Some("HTML (StarWriter)"), secret, &made, &[made.join("encrypted.html")], "pdf");
    for f in ["scanned.pdf", "encrypted.pdf"] {
        std::fs::rename(made.join(f), docs.join(f)).unwrap();
    }
    std::fs::write(docs.join("good.txt"), "Siemens agreed on Tuesday to buy Altair, Roland Busch said in Munich.\n").unwrap();
    std::fs::write(docs.join("corrupt.docx"), b"PK\x03\x04 this was cut short").unwrap();
    std::fs::write(docs.join("bomb.docx"), bomb(64 << 20)).unwrap();
    let mut charset = b"From: a@example.com\r\nSubject: Prices\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nPrices ".to_vec();
    charset.extend_from_slice(b"\xff\xfe\xfd rose.\r\n");
    std::fs::write(docs.join("charset.eml"), charset).unwrap();
    // a page whose font object is missing (the PDF reader panics on it) and a content stream that
    // inflates to 64 MiB
    let text = b"BT /F1 12 Tf 72 700 Td (Siemens bought Altair.) Tj ET";
    std::fs::write(docs.join("broken.pdf"), pdf("<< /Font << /F1 9 0 R >> >>", "", text)).unwrap();
    let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..64 {
        std::io::Write::write_all(&mut deflate, &[b' '; 1 << 20]).unwrap();
    }
    std::fs::write(docs.join("bomb.pdf"), pdf("<< >>", "/Filter /FlateDecode", &deflate.finish().unwrap())).unwrap();
    let o = entline(tmp.path(), &["extract", "docs", "--doc-date", "2025-03-04", "--max-bytes", "4000000", "--quiet", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let docs: BTreeMap<String, _> = rows(&tmp.path().join("out/documents.csv")).into_iter().map(|r| (r["doc"].clone(), r)).collect();
    for (doc, problem) in [
        ("docs/scanned.pdf", "no text layer"),
        ("docs/encrypted.pdf", "encrypted PDF"),
        ("docs/corrupt.docx", "corrupt zip"),
        ("docs/bomb.docx", "--max-bytes"),
        ("docs/charset.eml", "undecodable charset \"x-klingon\""),
        ("docs/broken.pdf", "malformed PDF (the PDF reader gave up on it: missing object reference"),
        ("docs/bomb.pdf", "--max-bytes; a decompression bomb?"),
    ] {
        let r = &docs[doc];
        assert_eq!(r["status"], "failed", "{doc}");
        assert!(r["error"].contains(problem) && r["error"].contains(doc), "{doc}: {}", r["error"]);
        // the message names the file and the problem
        assert!(stderr.lines().any(|l| l.contains(doc) && l.contains(problem)), "{doc}: {stderr}");
    }
    // the reader's panic is the file's error, not a message of its own
    assert!(!stderr.contains("panicked"), "{stderr}");
    let good = &docs["docs/good.txt"];
    assert_eq!(good["status"], "ok");
    assert!(good["mentions"].parse::<usize>().unwrap() >= 3, "{good:?}");
}

/// The `-1` sheet of LibreOffice's CSV export (token 12) writes every sheet as `NAME-SHEET.csv`;
/// token 9 `true`: cells as shown (dates as `yyyy-mm-dd`); the others as tests/spreadsheet.rs.
const EXPORT_ALL_SHEETS: &str = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1";

#[test]
fn the_workbook_holds_the_csv_tables() {
    let soffice = soffice().expect("LibreOffice is needed: scripts/setup_libreoffice.sh");
    let tmp = tempfile::tempdir().unwrap();
    for f in ["mail.eml", "table.docx"] {
        std::fs::copy(fixture(f), tmp.path().join(f)).unwrap();
    }
    std::fs::write(tmp.path().join("=formula.txt"), "=HYPERLINK(\"x\") Siemens bought Altair in Munich on 4 March 2025.\n").unwrap();
    let o = entline(
        tmp.path(),
        &["extract", "mail.eml", "table.docx", "=formula.txt", "--format", "csv", "--format", "xlsx", "--raw-csv", "--quiet", "--out", "out"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = tmp.path().join("out");
    let book = out.join("entline.xlsx");
    let back = tmp.path().join("back");
    std::fs::create_dir_all(&back).unwrap();
    // not `convert`: this export writes one file per sheet, none named after the workbook
    let o = Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", tmp.path().join("profile").display()))
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            &format!("csv:{EXPORT_ALL_SHEETS}"),
            "--outdir",
        ])
        .arg(&back)
        .arg(&book)
        .output()
        .unwrap();
    assert!(o.status.success(), "soffice: {}", String::from_utf8_lossy(&o.stderr));
    let tables = ["events", "documents", "mentions", "timexes", "event_mentions", "entities", "timelines"];
    for t in tables {
        let read = |p: PathBuf| -> Vec<Vec<String>> {
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect()
        };
        let want = read(out.join(format!("{t}.csv")));
        let got = read(back.join(format!("entline-{t}.csv")));
        assert_eq!(got.len(), want.len(), "{t}: rows");
        assert!(want.len() > 1, "{t}: no rows");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            // booleans are boolean cells, which Calc shows as TRUE / FALSE
            let g: Vec<String> = g.iter().map(|c| if c == "TRUE" || c == "FALSE" { c.to_lowercase() } else { c.clone() }).collect();
            assert_eq!(&g, w, "{t}: row {i}");
        }
    }
    // events first; a formula-looking text is a string, and no cell holds a formula
    let mut z = zip::ZipArchive::new(std::fs::File::open(out.join("entline.xlsx")).unwrap()).unwrap();
    let mut wb = String::new();
    std::io::Read::read_to_string(&mut z.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
    let first = wb.find("<sheet ").unwrap();
    assert!(wb[first..].starts_with("<sheet name=\"events\""), "{wb}");
    for i in 1..=tables.len() {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap(), &mut s).unwrap();
        assert!(!s.contains("<f>") && !s.contains("<f "), "sheet {i} holds a formula");
        assert!(s.contains("<pane ") && s.contains("<autoFilter "), "sheet {i}: frozen header and autofilter");
    }
}
