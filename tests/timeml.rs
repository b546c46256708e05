//! `entline timeml`: output is well-formed XML whose text content equals the input's.

use std::path::PathBuf;
use std::process::Command;

use quick_xml::events::Event;
use quick_xml::Reader;

/// All character data of a document (entities unescaped), and whether it parsed cleanly.
fn text_content(xml: &str) -> Result<String, String> {
    let mut r = Reader::from_str(xml);
    let mut out = String::new();
    let mut depth = 0i32;
    loop {
        match r.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => out.push_str(&t.unescape().map_err(|e| e.to_string())?),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at {}: {e}", r.buffer_position())),
        }
        if depth < 0 {
            return Err("unbalanced end tag".into());
        }
    }
    if depth != 0 {
        return Err("unclosed element".into());
    }
    Ok(out)
}

#[test]
fn timeml_output_is_wellformed_and_keeps_text() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let input = root.join("tests/fixtures/sample.tml");
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", input.to_str().unwrap(), "--no-events", "--out", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let src = std::fs::read_to_string(&input).unwrap();
    let got = std::fs::read_to_string(tmp.path().join("sample.tml")).unwrap();
    assert_eq!(text_content(&got).expect("well-formed"), text_content(&src).unwrap());
    // removing the inserted elements gives back the input byte for byte
    let stripped = regex::Regex::new(r"</?TIMEX3\b[^>]*>").unwrap();
    let strip_text = |s: &str| {
        let a = s.find("<TEXT>").unwrap();
        let b = s.find("</TEXT>").unwrap();
        format!("{}{}{}", &s[..a], stripped.replace_all(&s[a..b], ""), &s[b..])
    };
    assert_eq!(strip_text(&got), strip_text(&src));
    for (expr, value) in [
        (">Sunday<", "2025-05-04"),
        (">last month<", "2025-04"),
        (">January<", "2025-01"),
        (">next week<", "2025-W20"),
        (">the 1990s<", "199"),
        // reported in May: the latest third quarter is last year's
        (">third-quarter<", "2024-Q3"),
        (">two days<", "P2D"),
        (">March 6, 2008<", "2008-03-06"),
    ] {
        let pos = got.find(expr).unwrap_or_else(|| panic!("{expr} not tagged in {got}"));
        let tag_start = got[..pos].rfind("<TIMEX3").unwrap();
        assert!(got[tag_start..pos].contains(&format!("value=\"{value}")), "{expr}: {}", &got[tag_start..pos]);
    }
}

#[test]
fn doc_date_rejects_garbage_and_missing_dct_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("nodct.tml");
    std::fs::write(&f, "<TimeML><TEXT>He left yesterday.</TEXT></TimeML>").unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", f.to_str().unwrap(), "--out", tmp.path().join("o").to_str().unwrap(), "--doc-date", "05/05/2025"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(64), "clap usage error: EX_USAGE");
    let out = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["timeml", f.to_str().unwrap(), "--out", tmp.path().join("o").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nodct.tml"));
    let got = std::fs::read_to_string(tmp.path().join("o/nodct.tml")).unwrap();
    assert!(got.contains("value=\"XXXX-XX-XX\">yesterday</TIMEX3>"), "{got}");
}
