//! Integration tests: the real `entline` binary on real files with the shipped model.

mod common;
use common::{root, rows};

use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_entline"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("entline runs")
}

#[test]
fn seed_entities_with_exact_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&["extract", root().join("seeds").to_str().unwrap(), "--out", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let rows = rows(&tmp.path().join("mentions.csv"));
    let seed = std::fs::read_to_string(root().join("seeds/000_78fbce519b3fcfe3.txt")).unwrap();
    for r in &rows {
        let (s, e): (usize, usize) = (r["start"].parse().unwrap(), r["end"].parse().unwrap());
        assert_eq!(&seed[s..e], r["text"], "byte offsets of {r:?}");
        let (cs, ce): (usize, usize) = (r["char_start"].parse().unwrap(), r["char_end"].parse().unwrap());
        let chars: String = seed.chars().skip(cs).take(ce - cs).collect();
        assert_eq!(chars, r["text"], "char offsets of {r:?}");
    }
    let has = |text: &str, label: Option<&str>| rows.iter().any(|r| r["text"] == text && label.is_none_or(|l| r["label"] == l));
    for (text, label) in
        [("Donald Trump", Some("PER")), ("Claudia Sheinbaum", Some("PER")), ("Mexico", Some("LOC")), ("U.S.", Some("LOC")), ("Air Force One", None)]
    {
        assert!(has(text, label), "{text} ({label:?}) not found in {:#?}", rows.iter().map(|r| (&r["text"], &r["label"])).collect::<Vec<_>>());
    }
    // the full organization, "U.S." included, with its exact offsets
    let cmd = seed.find("U.S. Northern Command").unwrap();
    assert!(
        rows.iter().any(|r| r["label"] == "ORG" && r["text"] == "U.S. Northern Command" && r["start"] == cmd.to_string()),
        "U.S. Northern Command (ORG) not found"
    );
    // every "Sheinbaum" alone is a person too
    assert!(rows.iter().filter(|r| r["text"] == "Sheinbaum").all(|r| r["label"] == "PER"));
}

#[test]
fn tag_conll_keeps_every_line_as_prefix() {
    let input = root().join("tests/fixtures/mini.conll");
    let out = run(&["tag-conll", input.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let src = std::fs::read_to_string(&input).unwrap();
    let got = String::from_utf8(out.stdout).unwrap();
    let a: Vec<&str> = src.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(y.starts_with(x), "{y:?} does not start with {x:?}");
        if !x.is_empty() {
            let tag = y[x.len()..].trim();
            assert!(tag == "O" || tag.starts_with("B-") || tag.starts_with("I-"), "bad tag {tag:?}");
        } else {
            assert!(y.is_empty());
        }
    }
    let tag_of = |tok: &str| b.iter().find(|l| l.starts_with(&format!("{tok} "))).unwrap().rsplit(' ').next().unwrap().to_string();
    assert_eq!(tag_of("Angela"), "B-PER");
    assert_eq!(tag_of("Merkel"), "I-PER");
    assert_eq!(tag_of("Paris"), "B-LOC");
    assert_eq!(tag_of("Microsoft"), "B-ORG");
    assert_eq!(tag_of("York"), "I-LOC");
}

/// 20,000 words, a person's full name every 400th word, no sentence punctuation at all (one long
/// "sentence"), and small windows so that many names fall on window edges: each is found exactly
/// once, whole, at its exact offsets.
#[test]
fn long_document_entities_across_window_edges() {
    let names = [
        "Angela Merkel",
        "Barack Obama",
        "Vladimir Putin",
        "Emmanuel Macron",
        "Justin Trudeau",
        "Nelson Mandela",
        "Jacinda Ardern",
        "Olaf Scholz",
        "Narendra Modi",
        "Shinzo Abe",
    ];
    let filler = [
        "the",
        "committee",
        "said",
        "that",
        "talks",
        "about",
        "trade",
        "would",
        "continue",
        "and",
        "officials",
        "were",
        "expected",
        "to",
        "meet",
        "again",
        "after",
        "a",
        "short",
        "break",
    ];
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut k = 0;
    let mut word = 0;
    while word < 20_000 {
        if word % 400 == 200 {
            let name = names[(word / 400) % names.len()];
            if !text.is_empty() {
                text.push(' ');
            }
            expected.push((text.len(), text.len() + name.len(), name));
            text.push_str(name);
            text.push_str(" told reporters");
            word += 4;
        } else {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(filler[k % filler.len()]);
            k += 1;
            word += 1;
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("long.txt");
    std::fs::write(&doc, &text).unwrap();
    for max_len in ["48", "96", "128", "512"] {
        let out_dir = tmp.path().join(format!("out{max_len}"));
        let out = run(&[
            "extract",
            doc.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--max-len",
            max_len,
            "--batch-size",
            "7",
            "--min-score",
            "0",
        ]);
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        // the shipped model declares its 128-subword training window: a longer one is not used
        let warned = String::from_utf8_lossy(&out.stderr).contains("--max-len 512 is longer than the model's context window; using 128");
        assert_eq!(warned, max_len == "512", "{}", String::from_utf8_lossy(&out.stderr));
        let rows = rows(&out_dir.join("mentions.csv"));
        let mut per = 0;
        for (s, e, name) in &expected {
            let hits: Vec<_> = rows
                .iter()
                .filter(|r| {
                    let rs: usize = r["start"].parse().unwrap();
                    let re: usize = r["end"].parse().unwrap();
                    rs < *e && re > *s
                })
                .collect();
            assert_eq!(hits.len(), 1, "max_len {max_len}: {name} at {s}: {hits:?}");
            assert_eq!(hits[0]["start"], s.to_string());
            assert_eq!(hits[0]["end"], e.to_string());
            per += usize::from(hits[0]["label"] == "PER");
        }
        // the type is the model's call (the filler is odd text); the spans are the pipeline's
        assert!(per * 10 >= expected.len() * 9, "max_len {max_len}: only {per}/{} typed PER", expected.len());
    }
}

#[test]
fn non_ascii_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let input = root().join("tests/fixtures/unicode.txt");
    let out = run(&["extract", input.to_str().unwrap(), "--out", tmp.path().to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&input).unwrap();
    let rows = rows(&tmp.path().join("mentions.csv"));
    for r in &rows {
        let (s, e): (usize, usize) = (r["start"].parse().unwrap(), r["end"].parse().unwrap());
        assert_eq!(&text[s..e], r["text"]);
    }
    let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str()).collect();
    for want in ["Zoë Saldaña", "José Álvarez", "São Paulo", "Emmanuel Macron", "Berlin", "United Nations"] {
        assert!(texts.contains(&want), "{want} missing from {texts:?}");
    }
}

#[test]
fn bad_inputs_are_reported_and_do_not_stop_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a_good.txt"), "Angela Merkel met Barack Obama in Berlin.").unwrap();
    std::fs::write(dir.join("b_binary.txt"), b"\x7fELF\x00\x00\x01\x02").unwrap();
    std::fs::write(dir.join("c_empty.txt"), "").unwrap();
    let out_dir = tmp.path().join("out");
    let out = run(&["extract", dir.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b_binary.txt") && err.contains("binary"), "{err}");
    let rows = rows(&out_dir.join("mentions.csv"));
    assert!(rows.iter().any(|r| r["text"] == "Angela Merkel"));

    let missing = run(&["extract", "/nonexistent/entline-input", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/entline-input"));

    let bad_model = run(&["extract", dir.to_str().unwrap(), "--out", out_dir.to_str().unwrap(), "--model", dir.to_str().unwrap()]);
    assert_eq!(bad_model.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_model.stderr).contains("missing config.json"));
}

#[test]
fn help_has_examples() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Examples:") && s.contains("entline extract"));
}

/// `--json-summary`: the run as JSON — outcomes, problems, counts, seconds per stage, model.
#[test]
fn json_summary_reports_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("run.json");
    let missing = tmp.path().join("missing.txt");
    let out = run(&[
        "extract",
        root().join("seeds").to_str().unwrap(),
        missing.to_str().unwrap(),
        "--doc-date",
        "2025-05-05",
        "--out",
        tmp.path().join("out").to_str().unwrap(),
        "--json-summary",
        report.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2), "some input failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report written")).expect("JSON");
    let s = &v["summary"];
    assert_eq!(s["inputs"]["ok"], 1);
    assert_eq!(s["inputs"]["skipped"], 1);
    assert_eq!(s["documents"], 1);
    assert!(s["mentions"].as_u64().unwrap() > 10 && s["events"].as_u64().unwrap() > 0, "{s}");
    for stage in ["read", "model", "stages", "records", "tables"] {
        assert!(s["seconds"][stage].as_f64().is_some_and(|x| x >= 0.0), "{stage}: {s}");
    }
    assert_eq!(v["problems"][0]["status"], "skipped");
    assert!(v["problems"][0]["doc"].as_str().unwrap().ends_with("missing.txt"));
    assert_eq!(v["model"]["path"], "entline-ner-minilm");
    assert_eq!(v["settings"]["doc_date"], "2025-05-05");
    assert_eq!(v["fingerprint"].as_str().map(str::len), Some(32));
}

/// `entline parse`: a CoNLL-U word line without its ten columns is an error naming the file and
/// line; a model without a syntax head says so (exit 1 both, nothing on stdout).
#[test]
fn parse_errors_name_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.conllu");
    std::fs::write(&bad, "# sent_id = 1\n1\tHi\thi\tINTJ\n\n").unwrap();
    let out = run(&["parse", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.conllu:2:") && err.contains("10 tab-separated columns"), "{err}");
    assert!(out.stdout.is_empty());

    let good = tmp.path().join("good.conllu");
    std::fs::write(&good, "1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n\n").unwrap();
    let no_head = tmp.path().join("model");
    std::fs::create_dir(&no_head).unwrap();
    let shipped = root().join("models/entline-ner-minilm");
    for f in std::fs::read_dir(&shipped).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, no_head.join(f.file_name().unwrap())).unwrap();
    }
    // the same model without its syntax head (if it has one), so the test holds for any shipped model
    let cfg = no_head.join("entline.json");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("syntax_head");
    std::fs::write(&cfg, serde_json::to_string(&json).unwrap()).unwrap();
    let out = run(&["parse", good.to_str().unwrap(), "--model", no_head.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no syntax head"), "{err}");
}
