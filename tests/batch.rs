//! Batch runs: resuming after SIGKILL, sharding and merging, input selection. Each compares the
//! output tables byte for byte with those of one uninterrupted run.

mod common;
use common::{assert_same_tables, copy_dir, corpus, rows};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn entline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_entline"))
}

/// `entline extract INPUT --doc-date 2025-05-05 --format csv,jsonl,timelinejs --quiet --out OUT`,
/// to add arguments to.
fn extract_command(input: &Path, out: &Path) -> Command {
    let mut c = entline();
    c.args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--format", "csv,jsonl,timelinejs", "--quiet", "--out"]).arg(out);
    c
}

fn extract(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = extract_command(input, out).args(extra).output().expect("entline runs");
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
    let mut child = extract_command(&input, &out).stderr(Stdio::null()).spawn().unwrap();
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

/// `extract --shard K/N` of `input` into `out` (`extra`: more arguments).
fn shard(input: &Path, k: usize, n: usize, out: &Path, extra: &[&str]) -> Output {
    extract_command(input, out).args(["--shard", &format!("{k}/{n}")]).args(extra).output().unwrap()
}

fn merge(parts: &[&Path], out: &Path, extra: &[&str]) -> Output {
    entline().arg("merge").args(parts).arg("--out").arg(out).args(extra).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn shards_merge_to_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 24, 3);
    let binary = input.join("binary.txt");
    std::fs::write(&binary, b"\x00\x01\x02binary").unwrap(); // a failed input lands in one shard
    let single = tmp.path().join("single");
    let o = extract_command(&input, &single).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    // the failed input's shard, by the documented partition (SHA-256 of the name)
    let failing = entline::pipeline::record::shard_of(&binary.to_string_lossy(), 3) + 1;
    let mut parts = Vec::new();
    for k in 1..=3 {
        let d = tmp.path().join(format!("shard{k}"));
        let o = shard(&input, k, 3, &d, &[]);
        // 2 for the shard with the unreadable file, 0 for the others
        assert_eq!(o.status.code(), Some(if k == failing { 2 } else { 0 }), "shard {k}/3: {}", stderr(&o));
        let n = rows(&d.join("documents.csv")).len();
        assert!(n > 0 && n < 25, "shard {k} has {n} documents");
        parts.push(d);
    }
    let part = |k: usize| parts[k - 1].as_path();
    let merged = tmp.path().join("merged");
    let o = merge(&[part(1), part(2), part(3)], &merged, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_same_tables(&single, &merged);
    // the same shard twice is refused
    let o = merge(&[part(1), part(1)], &tmp.path().join("bad"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("shard 1/3 is in two of the merged folders"), "{}", stderr(&o));

    // a shard missing: refused, naming it, and nothing written
    let refused = tmp.path().join("refused");
    let o = merge(&[part(1), part(3)], &refused, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("shard 2/3 missing"), "{}", stderr(&o));
    assert!(!refused.join("documents.csv").exists());

    // a shard of another run: other output settings (--excel), or another input list (a path
    // more); both reuse shard 2's records, so only the tables are written again
    for (name, extra, what) in [("excel", vec!["--excel"], "different settings"), ("inputs", vec!["missing.txt"], "different input list")] {
        let foreign = tmp.path().join(format!("shard2-{name}"));
        copy_dir(part(2), &foreign);
        let mut args = extra.clone();
        args.push("--resume");
        let o = shard(&input, 2, 3, &foreign, &args);
        assert!(o.status.code() == Some(0) || o.status.code() == Some(2), "{}", stderr(&o));
        let o = merge(&[part(1), &foreign, part(3)], &refused, &[]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("{} (shard 2/3) is from another run than {}", foreign.display(), part(1).display())), "{err}");
        assert!(err.contains(what) && err.contains("shard 2/3 missing"), "{err}");
        assert!(!refused.join("documents.csv").exists());
    }
    // shards of another partition
    let other_n = tmp.path().join("other-n");
    copy_dir(part(2), &other_n);
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(other_n.join(".entline/manifest.json")).unwrap()).unwrap();
    m["shard"] = serde_json::json!([2, 4]);
    std::fs::write(other_n.join(".entline/manifest.json"), m.to_string()).unwrap();
    let o = merge(&[part(1), &other_n, part(3)], &refused, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("a damaged manifest: shard 2/4 with inputs counted for 3 shards"), "{}", stderr(&o));
    m["shard_inputs"] = serde_json::json!([1, 2, 3, 4]);
    std::fs::write(other_n.join(".entline/manifest.json"), m.to_string()).unwrap();
    let o = merge(&[part(1), &other_n, part(3)], &refused, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("(shard 2/4) is from another run") && stderr(&o).contains("different number of shards"), "{}", stderr(&o));

    // --allow-partial: merged without shard 2, which documents.csv and the JSON summary record; exit 2
    let partial = tmp.path().join("partial");
    let report = tmp.path().join("partial.json");
    let o = merge(&[part(1), part(3)], &partial, &["--allow-partial", "--json-summary", report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let in_shard2 = rows(&part(2).join("documents.csv")).len();
    assert!(stderr(&o).contains(&format!("shard 2/3 missing ({in_shard2} inputs)")), "{}", stderr(&o));
    let docs = rows(&partial.join("documents.csv"));
    let gone: Vec<String> = rows(&part(2).join("documents.csv")).iter().map(|r| r["doc"].clone()).collect();
    let expected: Vec<String> = rows(&single.join("documents.csv"))
        .iter()
        .map(|r| r["doc"].clone())
        .filter(|d| !gone.contains(d))
        .chain(["<shard 2/3>".to_string()])
        .collect();
    assert_eq!(docs.iter().map(|r| r["doc"].clone()).collect::<Vec<_>>(), expected);
    let last = docs.last().unwrap();
    assert_eq!(last["status"], "missing");
    assert_eq!(last["error"], format!("shard 2/3 was not merged: its {in_shard2} input(s) are not in these tables"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["summary"]["missing_shards"], serde_json::json!([{ "shard": "2/3", "inputs": in_shard2 }]));
    assert_eq!(v["summary"]["inputs"]["missing"], in_shard2);
    assert!(v["problems"].as_array().unwrap().iter().any(|p| p["doc"] == "<shard 2/3>" && p["status"] == "missing"), "{v}");
    // all shards there: --allow-partial changes nothing
    let o = merge(&[part(1), part(2), part(3)], &partial, &["--allow-partial"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_same_tables(&single, &partial);
}

/// Every file under `dir` (the `.entline` cache too) whose name marks a temporary file.
fn temporary_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            found.extend(temporary_files(&e.path()));
        } else if name.contains(".tmp") || name.contains(".spill") {
            found.push(e.path().display().to_string());
        }
    }
    found
}

/// An output folder that stops being writable in the middle of a run (here: replaced by a file,
/// which stops root too): exit 1 with a message naming the folder and the way out; once it is
/// back, `--resume` finishes the run to the same bytes as an uninterrupted one, with no stray
/// temporary file. The run's last input is standard input, so the test knows when the run is
/// between its two groups of documents: the first group's records are written and the second
/// group waits for its text.
#[test]
fn unwritable_output_folder_then_resume_equals_an_uninterrupted_run() {
    const STDIN: &str = "MADRID, 2025-05-01 -\n\nPedro Sanchez met Olaf Scholz in Madrid on Monday to discuss trade with NATO.\n";
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 33, 2); // 32 documents in the first group; the 33rd and stdin in the second
    let run = |out: &Path, extra: &[&str]| -> Command {
        let mut c = extract_command(&input, out);
        c.arg("-").args(extra).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
        c
    };
    let finish = |mut child: std::process::Child| -> Output {
        child.stdin.take().unwrap().write_all(STDIN.as_bytes()).unwrap(); // closed when dropped
        child.wait_with_output().unwrap()
    };
    let whole = tmp.path().join("whole");
    let o = finish(run(&whole, &[]).spawn().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));

    let out = tmp.path().join("out");
    let child = run(&out, &[]).spawn().unwrap();
    let docs = out.join(".entline/docs");
    let records =
        || std::fs::read_dir(&docs).map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".json")).count()).unwrap_or(0);
    let t0 = Instant::now();
    while records() < 32 {
        assert!(t0.elapsed() < Duration::from_secs(600), "the first group was not written");
        std::thread::sleep(Duration::from_millis(50));
    }
    // the output folder becomes unwritable: a file where it was
    let moved = tmp.path().join("out.moved");
    std::fs::rename(&out, &moved).unwrap();
    std::fs::write(&out, "not a folder").unwrap();
    let o = finish(child);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("cannot write {}", out.join(".entline/docs").display())), "{err}");
    assert!(err.contains("run the same command with --resume to finish"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "not a folder");
    assert_eq!(temporary_files(&moved), Vec::<String>::new());

    // the folder is back: --resume reuses the first group and finishes
    std::fs::remove_file(&out).unwrap();
    std::fs::rename(&moved, &out).unwrap();
    let report = tmp.path().join("resume.json");
    let o = finish(run(&out, &["--resume", "--json-summary", report.to_str().unwrap()]).spawn().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["summary"]["reused"], 32);
    assert_same_tables(&whole, &out);
    assert_eq!(temporary_files(&out), Vec::<String>::new());
}

/// A table that cannot be written whole (a file-size limit, which binds root too; the limit is
/// over every record but under the largest table): exit 1 naming the table, every temporary
/// file removed, the tables of the last good run untouched; `--resume` then writes them.
#[cfg(target_os = "linux")]
#[test]
fn a_table_that_cannot_be_written_leaves_no_temporary_file() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    corpus(&input, 6, 3);
    let whole = tmp.path().join("whole");
    extract(&input, &whole, &[]);
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let largest =
        |dir: &Path| std::fs::read_dir(dir).unwrap().flatten().filter(|e| e.file_type().unwrap().is_file()).map(|e| size(&e.path())).max().unwrap();
    let limit = largest(&whole.join(".entline/docs")).max(size(&whole.join(".entline/manifest.json"))) + 1;
    assert!(limit < largest(&whole), "no table is larger than the records");

    // the same folder, the earlier run's tables there: a run that fails leaves them as they were
    let out = tmp.path().join("out");
    copy_dir(&whole, &out);
    let mut c = extract_command(&input, &out);
    c.args(["--resume", "--excel"]);
    // SAFETY: between fork and exec only async-signal-safe calls: signal(2) and setrlimit(2).
    unsafe {
        c.pre_exec(move || {
            // a write over the limit then fails with EFBIG instead of killing the process
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("cannot write {}", out.display())) && err.contains("File too large"), "{err}");
    assert_eq!(temporary_files(&out), Vec::<String>::new());
    assert_same_tables(&whole, &out);

    // without the limit, --resume writes the --excel tables from the same records
    extract(&input, &out, &["--resume", "--excel"]);
    let excel = tmp.path().join("excel");
    extract(&input, &excel, &["--excel"]);
    assert_same_tables(&excel, &out);
    assert_eq!(temporary_files(&out), Vec::<String>::new());
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
