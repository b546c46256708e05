//! Events as happenings: who took part, when, in what order (timelines.csv), and one event for
//! many reports (events.csv), on the seed article and on two fixture articles.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::{root, rows};

fn extract(input: &Path, out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--quiet", "--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn seed_timelines_of_trump_and_sheinbaum() {
    let tmp = tempfile::tempdir().unwrap();
    extract(&root().join("seeds"), tmp.path(), &["--doc-date", "2025-05-05"]);
    let tl = rows(&tmp.path().join("timelines.csv"));
    let of = |id: &str| -> Vec<&HashMap<String, String>> { tl.iter().filter(|r| r["entity_id"] == id).collect() };
    let find = |rows: &[&HashMap<String, String>], lemma: &str, role: &str| -> Option<HashMap<String, String>> {
        rows.iter().find(|r| r["lemma"] == lemma && r["role"] == role).map(|r| (*r).clone())
    };
    let sheinbaum = of("per:claudia-sheinbaum");
    let rejected = find(&sheinbaum, "reject", "agent").unwrap_or_else(|| panic!("no rejection: {sheinbaum:#?}"));
    assert_eq!(rejected["date"], "2025-W19", "this week");
    assert!(find(&sheinbaum, "confirm", "agent").is_some(), "{sheinbaum:#?}");
    let said = find(&sheinbaum, "say", "agent").unwrap_or_else(|| panic!("no statement: {sheinbaum:#?}"));
    assert_eq!(said["sentence_index"], "7");

    let trump = of("per:donald-trump");
    let told = find(&trump, "tell", "agent").unwrap_or_else(|| panic!("{trump:#?}"));
    assert_eq!(told["date"], "2025-05-04");
    let extended = find(&trump, "extend", "agent").unwrap();
    assert_eq!(extended["date"], "2025-04");
    let designated = find(&trump, "designate", "agent").unwrap();
    assert_eq!(designated["date"], "2025-02");
    let retaking = find(&trump, "retake", "agent").unwrap();
    assert_eq!(retaking["date"], "2025-01");
    // in date order: positions increase with the dates
    let pos = |r: &HashMap<String, String>| r["position"].parse::<usize>().unwrap();
    assert!(pos(&retaking) < pos(&designated) && pos(&designated) < pos(&extended) && pos(&extended) < pos(&told));
    for r in &trump {
        assert_eq!(r["undated"] == "true", pos(r) == 0, "{r:?}");
    }
    // "She's so afraid of the cartels she can't walk," Trump told reporters: not a Trump event
    assert!(!trump.iter().any(|r| r["sentence_index"] == "3" && r["lemma"] != "tell"), "{trump:#?}");
    assert!(find(&sheinbaum, "walk", "agent").is_some_and(|r| r["sentence_index"] == "3"));
    // the table is sorted by entity, then position
    let keys: Vec<(String, usize)> = tl.iter().map(|r| (r["entity_id"].clone(), if r["position"] == "0" { usize::MAX } else { pos(r) })).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // pronouns count: "She" (sentence 3) is Sheinbaum in mentions.csv
    let mentions = rows(&tmp.path().join("mentions.csv"));
    assert!(mentions.iter().any(|m| m["text"] == "She" && m["reference"] == "pronoun" && m["entity_id"] == "per:claudia-sheinbaum"), "{mentions:#?}");

    // event mentions carry their event, anchor and arguments; every event id is a row of events.csv or an undated one
    let em = rows(&tmp.path().join("event_mentions.csv"));
    let told_m = em.iter().find(|e| e["text"] == "told").unwrap();
    assert_eq!((told_m["anchor_source"].as_str(), told_m["anchor_value"].as_str()), ("timex", "2025-05-04"));
    assert!(told_m["agents"].split("; ").any(|a| a == "per:donald-trump"));
    let events = rows(&tmp.path().join("events.csv"));
    let ids: std::collections::HashSet<&String> = events.iter().map(|e| &e["event_id"]).collect();
    assert!(tl.iter().filter(|r| r["undated"] == "false").all(|r| ids.contains(&r["event_id"])));
    assert!(events.iter().all(|e| e["undated"] == "false"), "undated events need --undated");
}

#[test]
fn two_reports_of_one_event_are_one_event() {
    let tmp = tempfile::tempdir().unwrap();
    extract(&root().join("tests/fixtures/two_reports"), tmp.path(), &[]);
    let events = rows(&tmp.path().join("events.csv"));
    let unveil: Vec<&HashMap<String, String>> =
        events.iter().filter(|e| e["agents"].contains("Airbus") && e["participants"].contains("A390")).collect();
    assert_eq!(unveil.len(), 1, "{events:#?}");
    let e = unveil[0];
    assert_eq!((e["mentions"].as_str(), e["documents"].as_str(), e["date_start"].as_str()), ("2", "2", "2024-06-03"));
    let em = rows(&tmp.path().join("event_mentions.csv"));
    let of_event: Vec<&String> = em.iter().filter(|m| m["event_id"] == e["event_id"]).map(|m| &m["text"]).collect();
    assert_eq!(of_event, ["introduced", "unveiled"]);
    // one row per entity and event in the timeline
    let tl = rows(&tmp.path().join("timelines.csv"));
    assert_eq!(tl.iter().filter(|r| r["entity_id"] == "org:airbus" && r["event_id"] == e["event_id"]).count(), 1);
    // "The company said …": the description is Airbus
    assert!(em.iter().any(|m| m["text"] == "said" && m["agents"] == "org:airbus"), "{em:#?}");
}

/// A document of one sentence keeps its subject: the sentence that gives the date is also the one
/// that says who did it.
#[test]
fn a_one_sentence_document_keeps_its_agent() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("obama.txt"), "Barack Obama met Vladimir Putin in Moscow on 12 July 2009.\n").unwrap();
    let out = tmp.path().join("out");
    extract(&input, &out, &[]);
    let em = rows(&out.join("event_mentions.csv"));
    let met = em.iter().find(|e| e["text"] == "met").unwrap_or_else(|| panic!("{em:#?}"));
    assert_eq!(met["agents"], "per:barack-obama", "{met:?}");
    assert!(met["participants"].split("; ").any(|p| p == "per:vladimir-putin"), "{met:?}");
    assert_eq!(met["places"], "loc:moscow");
    assert_eq!(met["anchor_value"], "2009-07-12");
    let tl = rows(&out.join("timelines.csv"));
    assert!(
        tl.iter().any(|r| r["entity_id"] == "per:barack-obama" && r["lemma"] == "meet" && r["role"] == "agent" && r["date"] == "2009-07-12"),
        "{tl:#?}"
    );
}
