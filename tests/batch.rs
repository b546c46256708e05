//! Batch runs: resuming after SIGKILL, sharding and merging, input selection. Each compares the
//! output tables byte for byte with those of one uninterrupted run.

mod common;
use common::{assert_same_tables, corpus, rows};

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn entline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_entline"))
}

fn extract(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut c = entline();
    c.args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--format", "csv,jsonl,timelinejs", "--quiet", "--out"]);
    c.arg(out).args(extra);
    let o = c.output().expect("entline runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn resume_after_sigkill_equals_an_uninterrupted_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 40, 8);
    let whole = tmp.path().join("whole");
    extract(&input, &whole, &[]);

    let out = tmp.path().join("killed");
    let mut child = entline()
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--format", "csv,jsonl,timelinejs", "--quiet", "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // kill as soon as the first document group is cached, i.e. midway through the run
    let docs = out.join(".entline/docs");
    let t0 = Instant::now();
    while std::fs::read_dir(&docs).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(t0.elapsed() < Duration::from_secs(120), "no document was cached");
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let cached = std::fs::read_dir(&docs).unwrap().count();
    assert!(!out.join("events.csv").exists(), "killed after the end");
    assert!(cached < 40, "{cached} records: the run was not killed midway");

    extract(&input, &out, &["--resume"]);
    assert_same_tables(&whole, &out);
    // a second resume has nothing left to do and changes nothing
    extract(&input, &out, &["--resume"]);
    assert_same_tables(&whole, &out);
}

#[test]
fn shards_merge_to_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 24, 3);
    std::fs::write(input.join("binary.txt"), b"\x00\x01\x02binary").unwrap(); // a failed input lands in one shard
    let single = tmp.path().join("single");
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--format", "csv,jsonl,timelinejs", "--quiet", "--out"])
        .arg(&single)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let mut parts = Vec::new();
    for k in 1..=3 {
        let d = tmp.path().join(format!("shard{k}"));
        let _ = entline()
            .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--format", "csv,jsonl,timelinejs", "--quiet"])
            .args(["--shard", &format!("{k}/3"), "--out"])
            .arg(&d)
            .output()
            .unwrap();
        let n = rows(&d.join("documents.csv")).len();
        assert!(n > 0 && n < 25, "shard {k} has {n} documents");
        parts.push(d);
    }
    let merged = tmp.path().join("merged");
    let o = entline().arg("merge").args(&parts).arg("--out").arg(&merged).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert_same_tables(&single, &merged);
    // the same shard twice is refused
    let o = entline().arg("merge").args([&parts[0], &parts[0]]).arg("--out").arg(tmp.path().join("bad")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("two of the merged folders"));
}

#[test]
fn glob_exclude_and_hidden_select_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input.join("news"), 2, 1);
    corpus(&input.join("drafts"), 2, 1);
    corpus(&input.join(".trash"), 1, 1);
    std::fs::write(input.join("news/notes.log"), "Angela Merkel visited Paris on Monday.\n").unwrap();
    let docs = |extra: &[&str]| -> Vec<String> {
        let out = tempfile::tempdir().unwrap();
        extract(&input, out.path(), extra);
        let p = format!("{}/", input.display());
        rows(&out.path().join("documents.csv")).iter().map(|r| r["doc"].trim_start_matches(&p).to_string()).collect()
    };
    assert_eq!(docs(&[]), ["drafts/doc000.txt", "drafts/doc001.txt", "news/doc000.txt", "news/doc001.txt"]);
    assert_eq!(docs(&["--exclude", "drafts"]), ["news/doc000.txt", "news/doc001.txt"]);
    assert_eq!(docs(&["--glob", "news/*", "--exclude", "*.txt"]), ["news/notes.log"]);
    assert_eq!(docs(&["--glob", "*.log"]), ["news/notes.log"]);
    assert_eq!(docs(&["--hidden", "--exclude", "drafts/**"]), [".trash/doc000.txt", "news/doc000.txt", "news/doc001.txt"]);
}
