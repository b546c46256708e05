//! The library's front door gives the rows `entline extract` writes: the same texts through
//! `entline::Pipeline` and through the real binary (JSON lines) must agree row for row.

mod common;
use common::root;

use entline::{Config, Document, Pipeline};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn values<T: Serialize>(rows: &[T]) -> Vec<Value> {
    rows.iter().map(|r| serde_json::to_value(r).expect("serializable")).collect()
}

#[test]
fn batch_rows_equal_the_extract_tables() {
    let dir = root().join("tests/fixtures/two_reports");
    let files: Vec<String> = ["daily.txt", "wire.txt"].iter().map(|f| dir.join(f).to_string_lossy().into_owned()).collect();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", &files[0], &files[1], "--out"])
        .arg(tmp.path())
        .args(["--format", "jsonl", "--no-report", "--quiet"])
        .output()
        .expect("entline runs");
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));

    let pipeline = Pipeline::new(Config::default()).expect("the shipped model loads");
    let docs: Vec<Document> = files.iter().map(|f| Document::new(std::fs::read_to_string(f).expect("fixture")).with_name(f.as_str())).collect();
    let corpus = pipeline.process_batch(&docs).expect("analysed");
    assert!(!corpus.events.is_empty() && !corpus.entities.is_empty(), "{corpus:?}");
    for (table, rows) in [
        ("documents", values(&corpus.documents)),
        ("mentions", values(&corpus.mentions)),
        ("timexes", values(&corpus.timexes)),
        ("event_mentions", values(&corpus.event_mentions)),
        ("entities", values(&corpus.entities)),
        ("events", values(&corpus.events)),
        ("timelines", values(&corpus.timelines)),
    ] {
        let written = jsonl(&tmp.path().join(format!("{table}.jsonl")));
        assert_eq!(rows.len(), written.len(), "{table}: row count");
        for (i, (a, b)) in rows.iter().zip(&written).enumerate() {
            assert_eq!(a, b, "{table}: row {i}");
        }
    }
}

#[test]
fn one_document_with_and_without_a_date() {
    let pipeline = Pipeline::new(Config::default()).expect("the shipped model loads");
    let text = "Apple unveiled the iPhone in San Francisco on Tuesday. Steve Jobs said it would ship in June.";
    let dated = pipeline.process(&Document::new(text).with_date(chrono::NaiveDate::from_ymd_opt(2007, 1, 10).expect("date"))).expect("analysed");
    assert_eq!(dated.document.doc, "doc1");
    assert_eq!(dated.document.dct, "2007-01-10");
    let tuesday = dated.timexes.iter().find(|t| t.at.text == "Tuesday").expect("Tuesday found");
    assert_eq!(tuesday.value, "2007-01-09");
    assert!(dated.entities.iter().any(|e| e.name == "Steve Jobs" && e.kind == "PER"), "{:#?}", dated.entities);
    assert!(dated.mentions.iter().all(|m| !m.entity_id.is_empty()), "every mention has its entity");
    assert!(dated.events.iter().any(|e| e.trigger == "unveiled" && e.date_start == "2007-01-09"), "{:#?}", dated.events);

    // without a date, relative expressions stay unresolved and events are undated
    let undated = pipeline.process(&Document::new(text)).expect("analysed");
    assert_eq!(undated.document.dct, "");
    let tuesday = undated.timexes.iter().find(|t| t.at.text == "Tuesday").expect("Tuesday found");
    assert_eq!(tuesday.value, "XXXX-WXX-2");
    assert!(!tuesday.anchored);
    // an empty text is a document with nothing in it, not an error
    let empty = pipeline.process(&Document::new("")).expect("analysed");
    assert!(empty.mentions.is_empty() && empty.events.is_empty());
}
