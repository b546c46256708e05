//! The product's main output on the seed article: events.csv, entities.csv and friends.

mod common;
use common::{root, rows};

use std::path::Path;
use std::process::Command;

fn extract(out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", root().join("seeds").to_str().unwrap(), "--doc-date", "2025-05-05", "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn seed_events_and_entities() {
    let tmp = tempfile::tempdir().unwrap();
    extract(tmp.path(), &[]);
    let events = rows(&tmp.path().join("events.csv"));
    let has = |value: &str, people: &[&str]| {
        events.iter().any(|e| e["timex_value"] == value && people.iter().all(|p| e["people"].split("; ").any(|x| x == *p)))
    };
    assert!(has("2025-05-04", &["Donald Trump"]), "{events:#?}");
    assert!(has("2025-04", &["Donald Trump"]));
    assert!(has("2025-01", &["Donald Trump"]));
    assert!(has("2025-02", &["Donald Trump"]));
    assert!(has("2025-W19", &[]));
    // ordered by date_start
    let starts: Vec<&String> = events.iter().map(|e| &e["date_start"]).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    let sunday = events.iter().find(|e| e["timex_value"] == "2025-05-04").unwrap();
    assert_eq!(sunday["trigger"], "told");
    assert_eq!(sunday["precision"], "day");
    assert_eq!(sunday["dct"], "2025-05-05");
    assert_eq!(sunday["dct_source"], "cli");

    let entities = rows(&tmp.path().join("entities.csv"));
    let one = |name: &str, kind: &str| {
        let m: Vec<_> = entities.iter().filter(|e| e["name"] == name).collect();
        assert_eq!(m.len(), 1, "{name}: {entities:#?}");
        assert_eq!(m[0]["type"], kind);
        m[0].clone()
    };
    assert!(one("Donald Trump", "PER")["aliases"].split("; ").any(|a| a == "Trump"));
    one("Claudia Sheinbaum", "PER");
    one("Mexico", "LOC");
    assert!(one("United States", "LOC")["aliases"].split("; ").any(|a| a == "U.S."));
    assert!(!entities.iter().any(|e| e["name"] == "Trump" || e["name"] == "Sheinbaum" || e["name"] == "U.S."));

    let mentions = rows(&tmp.path().join("mentions.csv"));
    assert!(mentions.iter().filter(|m| m["text"] == "Sheinbaum").all(|m| m["entity_id"] == "per:claudia-sheinbaum"));
    assert!(mentions.iter().any(|m| m["text"] == "U.S." && m["extent_text"] == "the U.S."), "{mentions:#?}");
    let docs = rows(&tmp.path().join("documents.csv"));
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["status"], "ok");
}

#[test]
fn outputs_are_deterministic_across_runs_and_threads() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    extract(a.path(), &["--threads", "1"]);
    extract(b.path(), &["--threads", "2"]);
    extract(c.path(), &["--threads", "2"]);
    for f in ["events.csv", "entities.csv", "mentions.csv", "timexes.csv", "documents.csv", "event_mentions.csv", "timelines.csv"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        assert_eq!(x, std::fs::read(b.path().join(f)).unwrap(), "{f}: threads 1 vs 2");
        assert_eq!(x, std::fs::read(c.path().join(f)).unwrap(), "{f}: run to run");
    }
}

#[test]
fn formats_excel_and_formula_guard() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("in");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("evil.txt"), "=HYPERLINK(\"http://x\") Angela Merkel visited Paris on Monday.\n").unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args([
            "extract",
            docs.to_str().unwrap(),
            "--doc-date",
            "2025-05-05",
            "--format",
            "csv,jsonl,timelinejs",
            "--excel",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ev = std::fs::read(out.join("events.csv")).unwrap();
    assert!(ev.starts_with(b"\xEF\xBB\xBFevent_id,"), "BOM");
    assert!(ev.windows(2).any(|w| w == b"\r\n"), "CRLF");
    let s = String::from_utf8(ev).unwrap();
    assert!(s.contains("\"'=HYPERLINK"), "formula guarded: {s}");
    let tl = std::fs::read_to_string(out.join("timelinejs.csv")).unwrap();
    assert!(tl.trim_start_matches('\u{feff}').starts_with(
        "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background"
    ));
    assert!(tl.contains("Angela Merkel"));
    let jl = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
    let v: serde_json::Value = serde_json::from_str(jl.lines().next().unwrap()).unwrap();
    assert_eq!(v["timex_value"], "2025-05-05");
    assert!(v["sentence"].as_str().unwrap().starts_with("=HYPERLINK"), "JSON keeps raw text");
}

#[test]
fn mention_extents_are_the_noun_phrases_names_head() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("tests/fixtures/extents.txt");
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--out", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&input).unwrap();
    let mentions = rows(&tmp.path().join("mentions.csv"));
    let extent = |name: &str| -> String {
        let m = mentions.iter().find(|m| m["text"] == name).unwrap_or_else(|| panic!("no mention {name}: {mentions:#?}"));
        m["extent_text"].clone()
    };
    for m in &mentions {
        // the extent ends with the name, and its offsets are right in bytes and in code points
        let (s, e): (usize, usize) = (m["extent_start"].parse().unwrap(), m["extent_end"].parse().unwrap());
        assert_eq!(&text[s..e], m["extent_text"]);
        assert_eq!(m["extent_end"], m["end"]);
        assert!(m["extent_text"].ends_with(m["text"].as_str()));
        let cs: usize = m["extent_char_start"].parse().unwrap();
        assert_eq!(text.chars().skip(cs).take(m["extent_text"].chars().count()).collect::<String>(), m["extent_text"]);
    }
    assert_eq!(extent("iPhone"), "the much-anticipated iPhone");
    assert_eq!(extent("iTunes"), "Apple’s iTunes");
    // a possessor is a mention of its own; a person keeps the name; a modifier is not a head
    assert_eq!(extent("Apple"), "Apple");
    assert_eq!(extent("Satya Nadella"), "Satya Nadella");
    assert_eq!(extent("Google"), "Google");
    assert_eq!(extent("New York"), "New York");
}
