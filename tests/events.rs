//! Event mentions from the shipped joint model: `event_mentions.csv` of `extract` and the
//! `<EVENT>` / `<MAKEINSTANCE>` output of `entline timeml`.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::{root, rows};

const CLASSES: &[&str] = &["OCCURRENCE", "REPORTING", "STATE", "I_ACTION", "I_STATE", "ASPECTUAL", "PERCEPTION"];

fn find<'a>(events: &'a [HashMap<String, String>], text: &str) -> Vec<&'a HashMap<String, String>> {
    events.iter().filter(|e| e["text"] == text).collect()
}

#[test]
fn extract_writes_event_mentions_of_the_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = root().join("seeds");
    let out = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", seeds.to_str().unwrap(), "--doc-date", "2025-05-05", "--quiet", "--out", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let events = rows(&tmp.path().join("event_mentions.csv"));
    assert!(events.len() >= 40, "only {} event mentions in the seed article", events.len());
    let docs = rows(&tmp.path().join("documents.csv"));
    assert_eq!(docs[0]["event_mentions"], events.len().to_string());
    // offsets point at the trigger, in bytes and in code points
    let path = &events[0]["doc"];
    let text = std::fs::read_to_string(path).unwrap();
    for e in &events {
        let (s, t): (usize, usize) = (e["start"].parse().unwrap(), e["end"].parse().unwrap());
        assert_eq!(&text[s..t], e["text"]);
        let (cs, ct): (usize, usize) = (e["char_start"].parse().unwrap(), e["char_end"].parse().unwrap());
        assert_eq!(text.chars().skip(cs).take(ct - cs).collect::<String>(), e["text"]);
        assert!(CLASSES.contains(&e["class"].as_str()), "{e:?}");
        assert!(["POS", "NEG"].contains(&e["polarity"].as_str()));
        let score: f64 = e["score"].parse().unwrap();
        assert!(score > 0.0 && score <= 1.0);
    }
    // reporting verbs, with their lemmas
    for (word, lemma) in [("told", "tell"), ("said", "say")] {
        let hits = find(&events, word);
        assert!(!hits.is_empty(), "{word} is not an event");
        assert!(hits.iter().all(|e| e["class"] == "REPORTING" && e["lemma"] == lemma), "{word}: {hits:?}");
    }
    // what happened: the rejection and the designation are events, in the past
    for word in ["rejected", "designated"] {
        let hits = find(&events, word);
        assert!(hits.iter().any(|e| e["tense"] == "PAST" && e["polarity"] == "POS"), "{word}: {hits:?}");
    }
    // "she can't walk": negated, with its modal
    let walk = find(&events, "walk");
    assert!(walk.iter().any(|e| e["polarity"] == "NEG" && e["modality"] == "can"), "walk: {walk:?}");
    // sentence indices agree with the mentions of the same sentences
    let mentions = rows(&tmp.path().join("mentions.csv"));
    let trump_said = mentions.iter().find(|m| m["text"] == "Trump" && text[m["end"].parse::<usize>().unwrap()..].starts_with(" told")).unwrap();
    let told = &find(&events, "told")[0];
    assert_eq!(told["sentence_index"], trump_said["sentence_index"]);
}

#[test]
fn timeml_output_has_events_and_instances() {
    let input = root().join("tests/fixtures/sample.tml");
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", input.to_str().unwrap(), "--out", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = std::fs::read_to_string(tmp.path().join("sample.tml")).unwrap();
    let src = std::fs::read_to_string(&input).unwrap();
    let event = regex::Regex::new(r#"<EVENT eid="(e\d+)" class="([A-Z_]+)">([^<]*)</EVENT>"#).unwrap();
    let events: Vec<(String, String, String)> = event.captures_iter(&got).map(|c| (c[1].to_string(), c[2].to_string(), c[3].to_string())).collect();
    assert!(events.iter().any(|(_, class, text)| text == "said" && class == "REPORTING"), "{events:?}");
    assert!(events.iter().any(|(_, _, text)| text == "rose"), "{events:?}");
    // one MAKEINSTANCE per event, before </TimeML>
    let inst = regex::Regex::new(
        r#"<MAKEINSTANCE eiid="ei\d+" eventID="(e\d+)" tense="[A-Z]+" aspect="[A-Z_]+" polarity="(POS|NEG)" pos="[A-Z]+"( modality="[a-z ]+")?/>"#,
    )
    .unwrap();
    let ids: Vec<String> = inst.captures_iter(&got).map(|c| c[1].to_string()).collect();
    assert_eq!(ids, events.iter().map(|e| e.0.clone()).collect::<Vec<_>>());
    assert!(got.trim_end().ends_with("/></TimeML>"));
    // removing what was inserted gives back the input byte for byte
    let inserted = regex::Regex::new(r"</?(TIMEX3|EVENT)\b[^>]*>|<MAKEINSTANCE[^>]*/>").unwrap();
    let a = got.find("<TEXT>").unwrap();
    let stripped = format!("{}{}", &got[..a], inserted.replace_all(&got[a..], ""));
    assert_eq!(stripped, src);
    // --no-events: time expressions only
    let out = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", input.to_str().unwrap(), "--no-events", "--out", tmp.path().join("t").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let got = std::fs::read_to_string(tmp.path().join("t/sample.tml")).unwrap();
    assert!(got.contains("<TIMEX3") && !got.contains("<EVENT") && !got.contains("<MAKEINSTANCE"));
}

#[test]
fn tokens_prints_sentences_and_words() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.txt");
    std::fs::write(&f, "Zoë’s firm said so. It rose.").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_entline")).args(["tokens", f.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sents = v["sentences"].as_array().unwrap();
    assert_eq!(sents.len(), 2);
    // code-point offsets; the word in the model's form (typographic apostrophe folded)
    assert_eq!(sents[0][1], serde_json::json!([3, 5, "'s"]));
    assert_eq!(sents[1][0], serde_json::json!([20, 22, "It"]));
}
