//! Bad input next to good input: the batch completes, every bad file is reported in
//! documents.csv, and the good files' events are what they are without the bad ones.

mod common;
use common::{root, rows};

use std::path::Path;
use std::process::Command;

fn extract(input: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--out", out.to_str().unwrap()])
        .output()
        .unwrap()
}

/// Events of the good documents, without columns that name the input folder.
fn good_events(out: &Path, prefix: &Path) -> Vec<Vec<String>> {
    rows(&out.join("events.csv"))
        .into_iter()
        .map(|r| {
            let doc = r["doc"].strip_prefix(prefix.to_str().unwrap()).unwrap_or(&r["doc"]).to_string();
            vec![doc, r["date_start"].clone(), r["timex_text"].clone(), r["people"].clone(), r["places"].clone(), r["sentence"].clone()]
        })
        .filter(|r| r[0].contains("good"))
        .collect()
}

#[test]
fn bad_inputs_do_not_stop_or_change_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good_only");
    let mixed = tmp.path().join("mixed");
    for d in [&good, &mixed] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::copy(root().join("seeds/000_78fbce519b3fcfe3.txt"), d.join("good_seed.txt")).unwrap();
        std::fs::write(d.join("good_two.txt"), "Angela Merkel met Emmanuel Macron in Berlin on Friday.\n").unwrap();
    }
    // the bad ones
    std::fs::write(mixed.join("binary.txt"), b"\x7fELF\x02\x01\x01\x00\x00\x00\x00garbage\x00\x01").unwrap();
    std::fs::write(mixed.join("latin1.txt"), b"Jos\xe9 Mart\xednez visited Lisbon in March.\n").unwrap();
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("Olaf Scholz flew to Rome on Tuesday.\n".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    std::fs::write(mixed.join("utf16.txt"), utf16).unwrap();
    std::fs::write(mixed.join("empty.txt"), "").unwrap();
    let big = vec![b'a'; 50 * 1024 * 1024];
    std::fs::write(mixed.join("huge_single_line.txt"), big).unwrap();
    let mut deep = mixed.join("deep");
    for i in 0..40 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("nested.txt"), "Vladimir Putin spoke in Moscow last week.\n").unwrap();
    std::os::unix::fs::symlink(&mixed, mixed.join("loop")).unwrap();
    std::os::unix::fs::symlink(mixed.join("does-not-exist.txt"), mixed.join("dangling.txt")).unwrap();
    let locked = mixed.join("locked.txt");
    std::fs::write(&locked, "Nobody can read this.").unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    std::fs::write(
        mixed.join("page.html"),
        "<html><head><title>Visit</title><script>var x = 'Barack Obama';</script><style>p{}</style></head>\
         <body><p>Justin Trudeau arrived in Ottawa on Monday.</p></body></html>",
    )
    .unwrap();

    let out_good = tmp.path().join("out_good");
    let out_mixed = tmp.path().join("out_mixed");
    let a = extract(&good, &out_good);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let b = extract(&mixed, &out_mixed);
    let stderr = String::from_utf8_lossy(&b.stderr);
    assert_eq!(b.status.code(), Some(2), "{stderr}");

    let docs = rows(&out_mixed.join("documents.csv"));
    let status = |name: &str| -> String {
        docs.iter().find(|r| r["doc"].ends_with(name)).map(|r| r["status"].clone()).unwrap_or_else(|| panic!("{name} has no row: {docs:#?}"))
    };
    assert_eq!(status("binary.txt"), "failed");
    assert_eq!(status("huge_single_line.txt"), "failed");
    assert_eq!(status("dangling.txt"), "skipped");
    assert!(docs.iter().any(|r| r["doc"].ends_with("loop") && r["status"] == "skipped"), "symlink loop: {docs:#?}");
    assert_eq!(status("latin1.txt"), "ok");
    assert_eq!(status("utf16.txt"), "ok");
    assert_eq!(status("empty.txt"), "ok");
    assert_eq!(status("nested.txt"), "ok");
    assert_eq!(status("page.html"), "ok");
    // as root a 000 file is still readable; otherwise it must be reported, not fatal
    let locked_status = status("locked.txt");
    assert!(locked_status == "ok" || locked_status == "failed", "{locked_status}");
    for name in ["binary.txt", "huge_single_line.txt", "dangling.txt"] {
        assert!(stderr.contains(name), "{name} not reported on stderr: {stderr}");
    }

    // decoded content is right
    let mentions = rows(&out_mixed.join("mentions.csv"));
    let texts: Vec<&str> = mentions.iter().map(|m| m["text"].as_str()).collect();
    for want in ["José Martínez", "Olaf Scholz", "Justin Trudeau", "Vladimir Putin"] {
        assert!(texts.contains(&want), "{want} missing: {texts:?}");
    }
    assert!(!texts.contains(&"Barack Obama"), "script content must be dropped");

    assert_eq!(good_events(&out_good, &good), good_events(&out_mixed, &mixed));
}
