//! The stage order of ARCHITECTURE.md: a top-level module of `src/` imports (`crate::X`, outside
//! comments) only from modules before it, so there is no import cycle between modules either.

use std::path::Path;

/// The stages, earliest first; modules on one line may not import each other either.
const ORDER: &[&[&str]] = &[
    &["error"],
    &["atomic"],
    &["input"],
    &["text"],
    &["time"],
    &["ner"],
    &["places"],
    &["entities", "coref"],
    &["events"],
    &["timeline"],
    &["tables"],
    &["export", "report", "conll", "conllu"],
    &["pipeline"],
    &["analysis"],
    &["lib"],
];

/// Imports against the order that ARCHITECTURE.md allows: the event head's configuration and
/// decoder, which the joint model's forward pass needs.
const ALLOWED: &[(&str, &str)] = &[("ner", "events")];

fn floor(module: &str) -> Option<usize> {
    ORDER.iter().position(|stage| stage.contains(&module))
}

/// The top-level modules a line of code names (`crate::time::…`, `crate::{text, time::Timex}`).
fn named_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // the first path segment of each item of the group
            let body = group.split('}').next().unwrap_or("");
            for item in body.split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                out.push(name);
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect());
        }
    }
    out.retain(|m| !m.is_empty() && m.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && m != "self");
    out
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut wrong = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src/");
        let top = rel.components().next().expect("a path").as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        if top == "main" {
            continue; // the binary uses the library as any user does
        }
        let from = floor(&top).unwrap_or_else(|| panic!("src/{}: module {top} is not in ORDER (ARCHITECTURE.md)", rel.display()));
        let text = std::fs::read_to_string(path).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for m in named_modules(code) {
                if m == top || ALLOWED.contains(&(top.as_str(), m.as_str())) {
                    continue;
                }
                let to = floor(&m).unwrap_or_else(|| panic!("src/{}:{}: module {m} is not in ORDER", rel.display(), n + 1));
                if to >= from {
                    wrong.push(format!("src/{}:{}: {top} imports {m}", rel.display(), n + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the stage order of ARCHITECTURE.md:\n{}", wrong.join("\n"));
}

#[test]
fn named_modules_reads_paths_and_groups() {
    assert_eq!(named_modules("use crate::time::calendar::value_range;"), ["time"]);
    assert_eq!(named_modules("use crate::{text::Located, time};"), ["text", "time"]);
    assert_eq!(named_modules("let x = crate::Error::io(p, e);"), Vec::<String>::new());
}
