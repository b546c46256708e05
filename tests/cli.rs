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
    // the run's fingerprint, as the manifest has it
    for part in ["model", "settings", "inputs"] {
        assert!(v["run"][part].as_str().is_some_and(|h| !h.is_empty()), "{part}: {v}");
    }
    assert!(v["run"]["entline"].as_str().is_some_and(|e| e.starts_with(env!("CARGO_PKG_VERSION"))), "{v}");
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

/// A usage error (an unknown option, a bad value, a missing argument) exits 64 (EX_USAGE), not
/// 2, which means "some inputs failed".
#[test]
fn usage_errors_exit_64() {
    for args in [&["extract", "seeds", "--out", "/tmp/x", "--bogus"][..], &["extract", "seeds"], &["merge", "a", "--out", "b", "--shard", "1/2"], &[]]
    {
        let o = run(args);
        assert_eq!(o.status.code(), Some(64), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!o.stderr.is_empty(), "{args:?}: the error is told");
    }
    let o = run(&["extract", "seeds", "--out", "/tmp/x", "--doc-date", "05/05/2025"]);
    assert_eq!(o.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected YYYY-MM-DD, a year YYYY or `today`"));
    // help and version are no errors
    for args in [&["--help"][..], &["--version"], &["extract", "--help"]] {
        assert_eq!(run(args).status.code(), Some(0), "{args:?}");
    }
    let help = String::from_utf8_lossy(&run(&["--help"]).stdout).into_owned();
    assert!(help.contains("Exit codes:") && help.contains("64  usage error"), "{help}");
}

/// `entline tag-conll FILE | head -1`: the reader goes away after one line and the rest of the
/// output meets a closed pipe; entline ends quietly with 0. The output is several times a pipe's
/// capacity (64 KiB), so the pipe is closed before entline has written it all.
#[test]
fn closed_stdout_ends_quietly() {
    use std::io::BufRead;
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.conll");
    std::fs::write(&big, std::fs::read_to_string(root().join("tests/fixtures/mini.conll")).unwrap().repeat(600)).unwrap();
    for args in [vec!["tag-conll", big.to_str().unwrap()], vec!["tokens", big.to_str().unwrap()]] {
        let mut child = bin().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap(); // then closed
        assert!(!first.is_empty());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(o.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    // as in a shell
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!("'{}' tag-conll '{}' | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}", env!("CARGO_BIN_EXE_entline"), big.display()))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Reuters-style articles: a dateline without a year ("MOSCOW, July 12 (Reuters) -") and no
/// --doc-date. The documents stay undated (no year is guessed): one warning names the first few
/// and counts them all, the summary line counts them and the events left out of events.csv, with
/// the fix; --json-summary has every name. A year given (`--doc-date 2024`, or a `path,YEAR` line
/// of --doc-dates) dates them from their datelines.
#[test]
fn undated_documents_are_told_once_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reuters");
    std::fs::create_dir(&dir).unwrap();
    let people = [
        ("Vladimir Putin", "Recep Tayyip Erdogan", "Moscow"),
        ("Olaf Scholz", "Emmanuel Macron", "Berlin"),
        ("Giorgia Meloni", "Pedro Sanchez", "Rome"),
        ("Justin Trudeau", "Narendra Modi", "Ottawa"),
        ("Fumio Kishida", "Cyril Ramaphosa", "Tokyo"),
        ("Angela Merkel", "Jacinda Ardern", "Paris"),
        ("Luiz Inacio Lula da Silva", "Olaf Scholz", "Brasilia"),
    ];
    for (i, (a, b, place)) in people.iter().enumerate() {
        let text = format!(
            "{a} and {b} agree on grain deal\n\n{}, July 1{i} (Reuters) - {a} met {b} in {place} on Tuesday to discuss grain exports. \
             {b} told reporters on Wednesday that the talks had gone well and that they would meet again next week.\n",
            place.to_uppercase()
        );
        std::fs::write(dir.join(format!("story{i}.txt")), text).unwrap();
    }
    let report = tmp.path().join("run.json");
    let out = tmp.path().join("out");
    let o = run(&["extract", dir.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json-summary", report.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    // one warning line for all of them: five names, then the count
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("no document date")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("no document date for 7 document(s) (") && warnings[0].contains("story4.txt and 2 more)"), "{err}");
    assert!(!warnings[0].contains("story5.txt"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let left_out = v["summary"]["events_left_out_without_date"].as_u64().unwrap();
    assert!(left_out > 0, "{v}");
    assert_eq!(v["summary"]["events_left_out"], left_out);
    assert_eq!(v["summary"]["events"], 0, "every event waits for a date");
    let names: Vec<&str> = v["summary"]["without_date"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(names.len(), 7);
    assert!(names[6].ends_with("story6.txt"), "{names:?}");
    assert_eq!(v["undated"]["fix"], "use --doc-date, --doc-dates, --date-from-mtime or --undated");
    // the summary line: the counts and the fix
    let summary = err.lines().last().unwrap();
    assert!(
        summary.contains("0 events in ") && summary.ends_with(&format!(
            "; 7 document(s) without a document date, {left_out} event(s) left out of events.csv for want of a date: use --doc-date, --doc-dates, --date-from-mtime or --undated"
        )),
        "{summary}"
    );
    assert_eq!(rows(&out.join("events.csv")).len(), 0);
    let docs = rows(&out.join("documents.csv"));
    assert!(docs.iter().all(|r| r["dct"].is_empty() && r["dct_source"] == "none"), "{docs:?}");

    // a year: the datelines date the documents, nothing is left undated for want of one
    let out2 = tmp.path().join("out2");
    let o = run(&["extract", dir.to_str().unwrap(), "--out", out2.to_str().unwrap(), "--doc-date", "2024"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("no document date") && !err.contains("without a document date"), "{err}");
    let docs = rows(&out2.join("documents.csv"));
    for (i, r) in docs.iter().enumerate() {
        assert_eq!((r["dct"].as_str(), r["dct_source"].as_str()), (format!("2024-07-1{i}").as_str(), "dateline"), "{r:?}");
    }
    assert!(!rows(&out2.join("events.csv")).is_empty());
    // a year per document, from --doc-dates; a document without a line stays undated
    let dates = tmp.path().join("dates.csv");
    std::fs::write(&dates, "path,date\nstory0.txt,2023\nstory1.txt,2022-01-05\n").unwrap();
    let out3 = tmp.path().join("out3");
    let o = run(&["extract", dir.to_str().unwrap(), "--out", out3.to_str().unwrap(), "--doc-dates", dates.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = rows(&out3.join("documents.csv"));
    let dct = |i: usize| (docs[i]["dct"].clone(), docs[i]["dct_source"].clone());
    assert_eq!(dct(0), ("2023-07-10".into(), "dateline".into()));
    assert_eq!(dct(1), ("2022-01-05".into(), "doc_dates".into()));
    assert_eq!(dct(2), (String::new(), "none".into()));
}
