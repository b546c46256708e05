//! Both shipped models, by tier name, through the real binary (issue 17): `--model fast` (the
//! default, models/entline-ner-minilm) and `--model accurate` (models/entline-ner-mpnet, an MPNet
//! encoder stored as int8) each load, find the seed's people and places and its events, and the run
//! summary names the folder that was used.

mod common;
use common::root;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// (entities.csv name → type, event mentions, model folder from the JSON summary) of `extract
/// seeds/ --model <tier>`.
fn run(tier: &str, out: &Path) -> (HashMap<String, String>, usize, String) {
    let summary = out.with_extension("json");
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", root().join("seeds").to_str().unwrap(), "--model", tier, "--quiet", "--threads", "2"])
        .args(["--out", out.to_str().unwrap(), "--json-summary", summary.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "--model {tier}: {}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(out.join("entities.csv")).unwrap();
    let entities = r.records().map(|rec| rec.unwrap()).map(|rec| (rec[1].to_string(), rec[2].to_string())).collect();
    let events = csv::Reader::from_path(out.join("event_mentions.csv")).unwrap().records().count();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    (entities, events, v["model"]["path"].as_str().unwrap_or_default().to_string())
}

#[test]
fn both_tiers_load_and_find_the_seed_names_and_events() {
    let tmp = tempfile::tempdir().unwrap();
    for (tier, folder) in [("fast", "entline-ner-minilm"), ("accurate", "entline-ner-mpnet")] {
        let (entities, events, path) = run(tier, &tmp.path().join(tier));
        assert_eq!(path, folder, "--model {tier}");
        for (name, typ) in [("Donald Trump", "PER"), ("Claudia Sheinbaum", "PER"), ("Mexico", "LOC"), ("United States", "LOC")] {
            assert_eq!(entities.get(name).map(String::as_str), Some(typ), "--model {tier}: {name} in {entities:?}");
        }
        // the seed reports dozens of happenings (72 event mentions with the fast model)
        assert!(events >= 40, "--model {tier}: {events} event mentions");
    }
}

#[test]
fn a_folder_named_like_a_tier_is_reached_with_a_path() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .current_dir(tmp.path())
        .args(["extract", root().join("seeds").to_str().unwrap(), "--model", "./accurate", "--quiet", "--out", "out"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("accurate"), "the error names the folder: {err}");
}
