//! Integration tests: sentences of real-shaped articles, through the real `entline` binary.
//! A TimeML `<TEXT>` of `<s>` elements with nothing between them gives one sentence per `<s>`; a
//! plain-text article keeps its headline, dateline and body apart and takes its date from the dateline.

mod common;
use common::{root, rows};

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn extract(input: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-report", "--quiet"])
        .output()
        .expect("entline runs");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
}

/// The one row of `documents.csv`.
fn document(out: &Path) -> HashMap<String, String> {
    let mut docs = rows(&out.join("documents.csv"));
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0)
}

fn span(r: &HashMap<String, String>) -> (usize, usize) {
    (r["start"].parse().unwrap(), r["end"].parse().unwrap())
}

/// The decoded text of a TimeML file made of `<s>` elements only, as the README documents it, and
/// the byte span of each `<s>` in it.
fn decoded_sentences(tml: &str) -> (String, Vec<(usize, usize)>) {
    let inner = &tml[tml.find("<TEXT>").unwrap() + 6..tml.find("</TEXT>").unwrap()];
    let tag = regex::Regex::new(r"<[^>]*>").unwrap();
    let mut text = String::new();
    let mut spans = Vec::new();
    for piece in inner.split("</s>").filter(|p| !p.trim().is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let plain = tag.replace_all(piece, "").replace("&amp;", "&");
        spans.push((text.len(), text.len() + plain.len()));
        text.push_str(&plain);
    }
    (text, spans)
}

#[test]
fn timeml_s_elements_without_whitespace_are_one_sentence_each() {
    let input = root().join("tests/fixtures/glued_sentences.tml");
    let tml = std::fs::read_to_string(&input).unwrap();
    let (text, spans) = decoded_sentences(&tml);
    assert_eq!(spans.len(), 7);
    let tmp = tempfile::tempdir().unwrap();
    extract(&input, tmp.path());

    let doc = document(tmp.path());
    assert_eq!(doc["sentences"], "7", "{doc:?}");
    assert_eq!((doc["dct"].as_str(), doc["dct_source"].as_str()), ("2005-06-06", "timeml"));

    let mentions = rows(&tmp.path().join("mentions.csv"));
    assert!(!mentions.is_empty());
    for r in &mentions {
        let (s, e) = span(r);
        assert_eq!(&text[s..e], r["text"], "offsets into the decoded text: {r:?}");
        let k = spans.iter().position(|&(a, b)| a <= s && e <= b).unwrap_or_else(|| panic!("{r:?} spans two <s>"));
        assert_eq!(r["sentence_index"], k.to_string(), "{r:?}");
    }
    let index_of =
        |name: &str| mentions.iter().find(|r| r["text"] == name).map(|r| r["sentence_index"].clone()).unwrap_or_else(|| panic!("{name} missing"));
    // the title, a body sentence after one without final punctuation, the last sentence
    assert_eq!(index_of("Steve Jobs"), "0");
    assert_eq!(index_of("Phil Schiller"), "4");
    assert_eq!(index_of("New York"), "6");

    // the dateline is a sentence of its own, and no expression runs into the next <s>
    let timexes = rows(&tmp.path().join("timexes.csv"));
    // (the rules read tokenized "June 6 , 2005" as "June 6" and "2005" for now)
    assert!(timexes.iter().any(|r| r["text"].starts_with("June 6") && r["sentence_index"] == "1" && r["value"] == "2005-06-06"), "{timexes:?}");
    for r in &timexes {
        let (s, e) = span(r);
        assert!(spans.iter().any(|&(a, b)| a <= s && e <= b), "{r:?} spans two <s>");
    }
}

#[test]
fn timeml_annotation_keeps_glued_sentences_unchanged() {
    let input = root().join("tests/fixtures/glued_sentences.tml");
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", input.to_str().unwrap(), "--no-events", "--out", tmp.path().to_str().unwrap()])
        .output()
        .expect("entline runs");
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let timex = regex::Regex::new(r"</?TIMEX3[^>]*>").unwrap();
    let src = std::fs::read_to_string(&input).unwrap();
    let got = std::fs::read_to_string(tmp.path().join("glued_sentences.tml")).unwrap();
    assert_eq!(timex.replace_all(&got, ""), timex.replace_all(&src, ""));
}

#[test]
fn tokenized_article_keeps_headline_dateline_and_body_apart() {
    let input = root().join("tests/fixtures/tokenized_article.txt");
    let text = std::fs::read_to_string(&input).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    extract(&input, tmp.path());

    let doc = document(tmp.path());
    assert_eq!((doc["dct"].as_str(), doc["dct_source"].as_str()), ("2008-05-24", "header"), "{doc:?}");
    // headline, dateline, two body sentences on the third line, one on the fourth
    assert_eq!(doc["sentences"], "5", "{doc:?}");

    let timexes = rows(&tmp.path().join("timexes.csv"));
    let dateline = timexes.iter().find(|r| r["text"].starts_with("May 24")).expect("the dateline is an expression");
    assert_eq!((dateline["sentence_index"].as_str(), dateline["value"].as_str()), ("1", "2008-05-24"));
    let friday = timexes.iter().find(|r| r["text"] == "Friday").expect("Friday");
    assert_eq!((friday["sentence_index"].as_str(), friday["value"].as_str()), ("3", "2008-05-23"));

    let mentions = rows(&tmp.path().join("mentions.csv"));
    let headline_end = text.find('\n').unwrap();
    for r in &mentions {
        let (s, e) = span(r);
        assert_eq!(&text[s..e], r["text"]);
        assert!(!r["text"].contains('\n'), "{r:?}");
        // sentence 0 is the headline, and only the headline
        assert_eq!(r["sentence_index"] == "0", e <= headline_end, "{r:?}");
    }
    assert!(mentions.iter().any(|r| r["sentence_index"] == "0" && r["text"].starts_with("European Commission")), "{mentions:?}");
    assert!(mentions.iter().any(|r| r["sentence_index"] == "2" && r["text"] == "European Commission"), "{mentions:?}");

    // no event sentence takes in the headline and the dateline together
    for r in rows(&tmp.path().join("events.csv")) {
        assert!(!(r["sentence"].contains("inquiry") && r["sentence"].contains("2008")), "{r:?}");
    }
}
