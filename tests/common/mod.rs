//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A CSV file as rows of column name → value.
pub fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv opens");
    let h = r.headers().expect("header").clone();
    r.records().map(|x| h.iter().zip(x.expect("record").iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect()
}

/// The output tables of a folder (file name → bytes), without the `.entline` cache.
pub fn tables(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("output folder")
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("readable")))
        .collect()
}

/// A folder of `n` synthetic news documents (different people, places, dates), each about
/// `paragraphs` paragraphs long, for batch tests.
pub fn corpus(dir: &Path, n: usize, paragraphs: usize) {
    const PEOPLE: &[&str] = &[
        "Angela Merkel",
        "Emmanuel Macron",
        "Justin Trudeau",
        "Olaf Scholz",
        "Giorgia Meloni",
        "Pedro Sanchez",
        "Narendra Modi",
        "Jacinda Ardern",
        "Luiz Inacio Lula da Silva",
        "Cyril Ramaphosa",
        "Fumio Kishida",
    ];
    const PLACES: &[&str] = &["Berlin", "Paris", "Ottawa", "Rome", "Madrid", "New Delhi", "Wellington", "Brasilia", "Pretoria", "Tokyo"];
    const ORGS: &[&str] = &["the European Commission", "NATO", "the World Bank", "the United Nations", "Reuters", "Siemens"];
    const WHEN: &[&str] = &["on Monday", "last week", "in March", "on 12 June 2024", "two years ago", "in 2019", "next month", "this week"];
    std::fs::create_dir_all(dir).expect("corpus folder");
    for i in 0..n {
        let mut text = format!("{}, 2025-0{}-1{} -\n\n", PLACES[i % PLACES.len()].to_uppercase(), 1 + i % 9, i % 10);
        for p in 0..paragraphs {
            let k = i * 7 + p * 3;
            let (a, b) = (PEOPLE[k % PEOPLE.len()], PEOPLE[(k + 5) % PEOPLE.len()]);
            let (pl, org, when) = (PLACES[(k + 1) % PLACES.len()], ORGS[k % ORGS.len()], WHEN[k % WHEN.len()]);
            let last = b.rsplit(' ').next().unwrap_or(b);
            text.push_str(&format!(
                "{a} met {b} in {pl} {when} to discuss trade with {org}. \
                 \"We agreed on the next steps,\" {last} told reporters after the talks, which lasted three hours. \
                 Officials from {org} said a second meeting would follow {}.\n\n",
                WHEN[(k + 3) % WHEN.len()]
            ));
        }
        std::fs::write(dir.join(format!("doc{i:03}.txt")), text).expect("corpus file");
    }
}

/// Headless Chromium (scripts/setup_chromium.sh installs it; `$ENTLINE_CHROMIUM` overrides).
pub fn chromium() -> PathBuf {
    let candidates = [std::env::var("ENTLINE_CHROMIUM").unwrap_or_default(), "/usr/bin/chromium".to_string()];
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("headless Chromium is needed for this test: run scripts/setup_chromium.sh (or set ENTLINE_CHROMIUM)")
}

/// Chromium with the network off: no proxy reachable, no host resolves, no background traffic.
pub fn headless(profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1400,900",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Assert two output folders hold byte-identical tables, naming the first file that differs.
pub fn assert_same_tables(a: &Path, b: &Path) {
    let (ta, tb) = (tables(a), tables(b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>(), "different files");
    for (name, bytes) in &ta {
        if bytes != &tb[name] {
            let (x, y) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(&tb[name]));
            let line = x.lines().zip(y.lines()).position(|(p, q)| p != q).unwrap_or(0);
            panic!("{name} differs at line {}:\n{:?}\n{:?}", line + 1, x.lines().nth(line), y.lines().nth(line));
        }
    }
}

/// Whether `CI` is set (to anything but empty, `0` or `false`), as CI services set it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Whether a test's skip switch asks to skip it: `var` set to `1`. In CI ([`in_ci`]) a skip
/// switch set to anything fails the test instead, naming the switch: CI cannot skip.
pub fn skip_switch(var: &str) -> bool {
    let value = std::env::var(var).unwrap_or_default();
    if value.is_empty() {
        return false;
    }
    assert!(!in_ci(), "{var}={value} asks to skip this test, but CI is set: in CI the test must run (unset {var})");
    value == "1"
}

/// Run one test of the current test binary again in a child process with `env` added (to see
/// a test fail as it would when run so): its output.
pub fn rerun_test(test: &str, env: &[(&str, &str)]) -> std::process::Output {
    let exe = std::env::current_exe().expect("the test binary");
    std::process::Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .envs(env.iter().copied())
        .output()
        .expect("the test binary runs")
}

/// Copy a folder and everything under it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder created");
    for e in std::fs::read_dir(from).expect("folder read").flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("file copied");
        }
    }
}

/// LibreOffice's `soffice`: `$ENTLINE_SOFFICE`, else /usr/bin/soffice, else `soffice` or
/// `libreoffice` on PATH.
pub fn soffice() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("ENTLINE_SOFFICE").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() { Ok(p) } else { Err(format!("ENTLINE_SOFFICE={} is not a file", p.display())) };
    }
    let mut candidates = vec![PathBuf::from("/usr/bin/soffice")];
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            candidates.push(dir.join("soffice"));
            candidates.push(dir.join("libreoffice"));
        }
    }
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| "LibreOffice (soffice) not found".to_string())
}

/// Run `soffice --convert-to TO --outdir OUT FILES…` with a private profile; every input must give
/// its output file. A run that aborts (killed by a signal or exit status 134, SIGABRT) is tried once
/// more: LibreOffice 7 once aborted here with "WrappedTargetRuntimeException" while it set up a
/// fresh profile on a busy machine, and the same conversion passed on the next run. A second abort,
/// or any other failure, fails the test.
pub fn convert(soffice: &Path, profile: &Path, infilter: Option<&str>, to: &str, out: &Path, files: &[PathBuf], ext: &str) -> Duration {
    match convert_once(soffice, profile, infilter, to, out, files, ext) {
        Ok(took) => took,
        Err(first) => {
            eprintln!("soffice aborted, trying once more: {first}");
            convert_once(soffice, profile, infilter, to, out, files, ext).unwrap_or_else(|second| panic!("{second}"))
        }
    }
}

/// One conversion: its duration, `Err` when soffice aborted; panics on any other failure.
fn convert_once(
    soffice: &Path,
    profile: &Path,
    infilter: Option<&str>,
    to: &str,
    out: &Path,
    files: &[PathBuf],
    ext: &str,
) -> Result<Duration, String> {
    let start = Instant::now();
    let mut cmd = Command::new(soffice);
    cmd.arg(format!("-env:UserInstallation=file://{}", profile.display())).args([
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
    ]);
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    cmd.args(["--convert-to", to, "--outdir", out.to_str().unwrap()]).args(files).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {}: {e}", soffice.display()));
    let limit = Duration::from_secs(300);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("soffice --convert-to {to} took more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (mut so, mut se) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut so).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut se).unwrap();
    let missing: Vec<_> = files.iter().map(|f| out.join(f.with_extension(ext).file_name().unwrap())).filter(|p| !p.is_file()).collect();
    let report = format!("soffice --convert-to {to}: {status}, missing {missing:?}\nstdout: {so}\nstderr: {se}");
    if matches!(status.code(), None | Some(134)) {
        return Err(report);
    }
    assert!(status.success() && missing.is_empty(), "{report}");
    Ok(start.elapsed())
}
