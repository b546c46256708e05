//! The spreadsheet in CI: every CSV table `entline extract` writes — for the seed article and for a
//! folder of tricky documents written here (formula-like text, quotes, line breaks inside names,
//! CR LF documents, Chinese, Arabic, Cyrillic, emoji, a sentence of more than 5,000 characters, file
//! names that start with `=`, `+`, `-`, `@`, tab or CR) — is opened by LibreOffice Calc (headless),
//! saved as .xlsx, and the .xlsx saved back as CSV; every cell must come back as entline wrote it.
//!
//! Two passes, each one `soffice` run for all tables (CSV → .xlsx) and one back (.xlsx → CSV):
//! * **text**: every column imported as Text, formulas not evaluated — the faithful import. The
//!   .xlsx may hold only string cells.
//! * **user**: what a user gets when opening the file, at its most dangerous: every column
//!   Standard, and formulas evaluated (what an option string without token 13 does, as spreadsheets
//!   that always evaluate `=` do). The .xlsx must hold no formula: a guarded cell (`'=SUM(A1)`) stays text
//!   with its `'`. A control table — entline's events.csv with the guard undone — must give
//!   formulas here, so the check is not vacuous.
//!
//! In both passes every cell is compared with the original (parsed with the csv crate), with one
//! allowed change, [`calc_line_breaks`]. LibreOffice is found through `$ENTLINE_SOFFICE`
//! (scripts/setup_libreoffice.sh, called by scripts/test.sh), `/usr/bin/soffice` or `PATH`; when it
//! is missing the test fails, unless `ENTLINE_SKIP_SPREADSHEET=1` is set — and with `CI` set that
//! switch fails the test instead of skipping it (`ci_cannot_skip_the_round_trip`).

mod common;
use common::{convert, copy_dir, rerun_test, root, skip_switch, soffice};

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Name of LibreOffice's CSV filter (the "Filter name" of `--infilter` / `--convert-to csv:…`).
const CSV_FILTER: &str = "Text - txt - csv (StarCalc)";

/// Import options of the **text** pass, token by token as documented in LibreOffice Help, "CSV
/// Filter Options" (help.libreoffice.org/latest/en-US/text/shared/guide/csv_params.html, source
/// `source/text/shared/guide/csv_params.xhp` in github.com/LibreOffice/help), read by
/// `ScAsciiOptions::ReadFromString` (sc/source/ui/dbgui/asciiopt.cxx in LibreOffice core):
///
/// | # | value | meaning |
/// |---|---|---|
/// | 1 | `44` | field separator `,` |
/// | 2 | `34` | text delimiter `"` (a doubled `""` inside is one quote: RFC 4180, as the csv crate writes) |
/// | 3 | `76` | character set UTF-8 (the BOM of `--excel` is skipped) |
/// | 4 | `1` | first row read: 1, so the header row is compared too |
/// | 5 | `1/2/2/2/…` | column/format pairs, format 2 = Text for every column: a cell is kept as written, never read as a number, date or formula |
/// | 6 | `1033` | language en-US (decimal point `.`), whatever the machine's locale |
/// | 7 | `true` | "Quoted field as text" |
/// | 8 | `false` | "Detect special numbers" (dates, times, …) off |
/// | 9 | `false` | "Save cell contents as shown" — export only |
/// | 10 | `false` | export cell formulas — export only |
/// | 11 | `false` | "Remove spaces" off: leading and trailing spaces are content |
/// | 12 | `0` | sheet to export — export only (0 = default) |
/// | 13 | `false` | "Evaluate formulas" off: a cell starting with `=` is text |
///
/// Token 5 is filled in by [`text_import_options`].
const TEXT_IMPORT: &str = "44,34,76,1,{columns},1033,true,false,false,false,false,0,false";

/// Import options of the **user** pass: as [`TEXT_IMPORT`] but token 5 empty (every column
/// Standard, the import dialog's default), token 7 `false` (the dialog's default) and token 13
/// `true` (formulas evaluated).
const USER_IMPORT: &str = "44,34,76,1,,1033,false,false,false,false,false,0,true";

/// Export options (.xlsx → CSV), same documentation: `,` `"` UTF-8; tokens 4 and 5 are import
/// only; 6 `0` default language; 7 `false` quote text cells only when needed; 8 `true` number
/// cells written as numbers; 9 `false` the cell's value, not its formatted display; 10 `false`
/// formula results, not formulas; 11 `false` no trimming.
const EXPORT: &str = "44,34,76,1,,0,false,true,false,false,false";

/// The one change Calc makes to a cell, and the only one the comparison allows: a line break inside
/// a cell is LF in Calc. Its CSV reader reads a quoted field that spans lines physical line by
/// physical line (a line ends at LF, CR or CR LF) and joins the lines with LF — `ReadCsvLine` in
/// sc/source/ui/docshell/impex.cxx: `aStr += "\n" + aNext;`. entline writes a document's own line
/// breaks (a name wrapped across a CR LF line end, a file name with a CR) as they are, so such a
/// cell comes back with LF. README.md ("Output tables") documents this.
fn calc_line_breaks(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// First characters entline's CSV guards with a `'` (src/tables.rs: `FORMULA_STARTS`, README.md).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

const SKIP_VAR: &str = "ENTLINE_SKIP_SPREADSHEET";

/// Write straight to the test's stderr, past libtest's output capture: shown even when the test
/// passes.
fn loud(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// The tricky documents: file name → bytes. Every kind of content the task names reaches a cell:
/// see [`assert_tricky_cells`].
fn tricky_documents() -> Vec<(&'static str, String)> {
    let long = format!(
        "Olaf Scholz signed the pact with Pedro Sanchez in Madrid on 7 May 2025, covering {}.\n",
        (0..160).map(|i| format!("clause {i} on energy, rail; and \"fair\" trade")).collect::<Vec<_>>().join(", ")
    );
    vec![
        (
            "=SUM(A1).txt",
            "=SUM(A1) was typed into the sheet by Angela Merkel in Berlin on Monday, officials said.\n\n\
             +1 vote for Emmanuel Macron, who won in Paris on 12 June 2024, the count showed.\n\n\
             -2 degrees greeted Justin Trudeau in Ottawa last week when he met Olaf Scholz.\n\n\
             @cmd|' /C calc'!A0 was the string Giorgia Meloni warned about in Rome on Tuesday.\n\n\
             'We will win,' Pedro Sanchez said in Madrid in March 2019.\n"
                .to_string(),
        ),
        ("+1.txt", "Narendra Modi met \"the \"\"Big\"\" Five\" in New Delhi on 3 May 2025, reporters said \"it's done\".\n".to_string()),
        (
            // hard-wrapped with LF: names and a date across the line ends
            "-2.txt",
            "Chancellor Olaf Scholz met the President of the European\nCommission in Berlin on 3\nMay 2025 to discuss trade,\n\
             energy and the budget with Angela\nMerkel.\n"
                .to_string(),
        ),
        ("@cmd.txt", "Angela Merkel flew to Vienna on 2 May 2025.\n".to_string()),
        ("\tleading tab.txt", "Emmanuel Macron spoke in Paris on Sunday.\n".to_string()),
        ("\rleading cr.txt", "Giorgia Meloni spoke in Rome on Sunday.\n".to_string()),
        (
            // Windows line ends, names and a date wrapped across them, a page break, a vertical tab
            "windows crlf.txt",
            "Chancellor Olaf Scholz met the President of the European\r\nCommission in Berlin on 12\r\n\
             June 2024 to talk about trade with Angela\r\nMerkel and Emmanuel\r\nMacron.\r\n\r\n\
             The talks went on in Rome on Tuesday with Giorgia\x0bMeloni.\x0cPedro Sanchez\u{a0}joined on 5 May 2025.\r\n"
                .to_string(),
        ),
        (
            "scripts, names; quotes \"x\".txt",
            "习近平 met Angela Merkel in Beijing on Monday, Xinhua reported 北京 news 😀🎉.\n\n\
             Владимир Путин met Emmanuel Macron in Moscow on Tuesday; the Kremlin said talks were \"useful\".\n\n\
             محمد بن سلمان met Justin Trudeau in Riyadh on Wednesday, Saudi media said.\n\n\
             Smith, Jones & Partners; Ltd. hired Olaf Scholz in Hamburg on 1 April 2024, according to Reuters.\n"
                .to_string(),
        ),
        ("long sentence.txt", long),
    ]
}

/// `entline extract` into `out`; `inputs` are given after `--` (file names may start with `-`).
fn extract(dir: &Path, inputs: &[String], out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .current_dir(dir)
        .args(["extract", "--doc-date", "2025-05-05", "--quiet", "--out", out.to_str().unwrap()])
        .args(extra)
        .arg("--")
        .args(inputs)
        .output()
        .unwrap();
    assert!(o.status.success(), "entline extract {inputs:?} {extra:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// All rows of a CSV file, header included. entline's own tables must be rectangular.
fn read_csv(path: &Path, flexible: bool) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(flexible).from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<Vec<String>> =
        r.records().map(|x| x.unwrap_or_else(|e| panic!("{}: {e}", path.display())).iter().map(str::to_string).collect()).collect();
    assert!(!rows.is_empty(), "{}: empty", path.display());
    assert!(!rows[0][0].starts_with('\u{feff}'), "{}: BOM read as part of the first cell", path.display());
    rows
}

/// The `.csv` tables of an output folder, sorted.
fn csv_tables(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "csv")).collect();
    v.sort();
    v
}

/// The content the task asks for did reach the CSV cells of the tricky folder (else the round
/// trip would prove nothing), guarded where it starts like a formula.
fn assert_tricky_cells(tables: &BTreeMap<String, Vec<Vec<String>>>, guarded: bool) {
    let cells: Vec<(&str, &str)> =
        tables.iter().flat_map(|(t, rows)| rows.iter().skip(1).flat_map(move |r| r.iter().map(move |c| (t.as_str(), c.as_str())))).collect();
    let any = |what: &str, f: &dyn Fn(&str) -> bool| {
        assert!(cells.iter().any(|(_, c)| f(c)), "no CSV cell of the tricky folder has {what}");
    };
    if guarded {
        for c in FORMULA_STARTS {
            any(&format!("the guarded start '{c:?}"), &|s| s.strip_prefix('\'').is_some_and(|r| r.starts_with(c)));
        }
        // a negative number (a longitude) is a number to a spreadsheet, not a formula
        let unguarded: Vec<_> = cells.iter().filter(|(_, c)| c.starts_with(FORMULA_STARTS) && c.parse::<f64>().is_err()).collect();
        assert!(unguarded.is_empty(), "cells starting like a formula without the guard: {unguarded:?}");
    }
    any("'=SUM(A1) in a sentence", &|s| s.starts_with("'=SUM(A1) was typed"));
    any("an unguarded leading apostrophe", &|s| s.starts_with("'We will win,'"));
    any("a double quote", &|s| s.contains('"'));
    any("a comma and a semicolon", &|s| s.contains(',') && s.contains(';'));
    any("an entity name with a semicolon", &|s| s.contains("Partners; Ltd."));
    any("an LF inside", &|s| s.trim_end().contains('\n') && !s.contains('\r'));
    any("a CR LF inside", &|s| s.contains("\r\n"));
    any("a vertical tab", &|s| s.contains('\x0b'));
    any("Chinese", &|s| s.contains('习') || s.contains("北京"));
    any("Arabic", &|s| s.contains("محمد"));
    any("Cyrillic", &|s| s.contains("Путин"));
    any("an emoji outside the BMP", &|s| s.contains('😀'));
    any("more than 5,000 characters", &|s| s.chars().count() > 5000);
}

/// Cell types of an .xlsx's first sheet (`t` attribute: `s` shared string, `n` number, `e` error,
/// `b` boolean, `str` formula string…; valueless style-only cells left out) and its formula count.
fn xlsx_cells(path: &Path) -> (BTreeMap<String, usize>, usize) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut types = BTreeMap::new();
    for tag in xml.split("<c ").skip(1) {
        let head = &tag[..tag.find('>').unwrap()];
        if head.ends_with('/') {
            continue;
        }
        let t = head.split(" t=\"").nth(1).map(|r| &r[..r.find('"').unwrap()]).unwrap_or("n");
        *types.entry(t.to_string()).or_default() += 1;
    }
    let formulas = xml.match_indices("<f").filter(|(i, _)| matches!(xml.as_bytes().get(i + 2), Some(b'>' | b' ' | b'/'))).count();
    (types, formulas)
}

fn text_import_options(columns: usize) -> String {
    let cols: Vec<String> = (1..=columns).map(|c| format!("{c}/2")).collect();
    format!("{CSV_FILTER}:{}", TEXT_IMPORT.replace("{columns}", &cols.join("/")))
}

fn show(s: &str) -> String {
    let d = format!("{s:?}");
    if d.chars().count() > 160 {
        format!("{}… ({} chars)", d.chars().take(150).collect::<String>(), s.chars().count())
    } else {
        d
    }
}

/// Cell-by-cell comparison of a table with what came back from Calc: the differences found, and
/// how many cells matched only through [`calc_line_breaks`].
fn compare(name: &str, original: &[Vec<String>], back: &[Vec<String>]) -> (Vec<String>, usize) {
    let mut errs = Vec::new();
    let mut line_breaks = 0;
    if original.len() != back.len() {
        errs.push(format!("{name}: {} rows written, {} came back", original.len(), back.len()));
    }
    let header = &original[0];
    for (i, (a, b)) in original.iter().zip(back).enumerate() {
        if a.len() != b.len() {
            errs.push(format!("{name} row {}: {} cells written, {} came back", i + 1, a.len(), b.len()));
            continue;
        }
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            if x == y {
                continue;
            }
            if x.contains('\r') && &calc_line_breaks(x) == y {
                line_breaks += 1;
                continue;
            }
            let hint = if y.parse::<f64>().is_ok() && x.parse::<f64>().is_err() { " (Calc read this text as a number)" } else { "" };
            errs.push(format!("{name} row {} column {}: wrote {}, Calc gave {}{hint}", i + 1, header[j], show(x), show(y)));
        }
    }
    (errs, line_breaks)
}

struct Pass {
    name: &'static str,
    infilter: String,
}

/// `CI=true ENTLINE_SKIP_SPREADSHEET=1`: the round trip fails, naming the switch, instead of
/// passing without running (this test runs it in a child process of this test binary).
#[test]
fn ci_cannot_skip_the_round_trip() {
    let o = rerun_test("every_csv_table_survives_libreoffice_calc", &[("CI", "true"), (SKIP_VAR, "1")]);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(!o.status.success(), "the skipped test passed in CI:\n{out}");
    assert!(out.contains(&format!("{SKIP_VAR}=1 asks to skip this test, but CI is set")), "{out}");
    // and without CI the switch still skips (loudly)
    let o = rerun_test("every_csv_table_survives_libreoffice_calc", &[("CI", ""), (SKIP_VAR, "1")]);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success() && out.contains("SKIPPED"), "{out}");
}

#[test]
fn every_csv_table_survives_libreoffice_calc() {
    if skip_switch(SKIP_VAR) {
        loud(&format!("\n!!!!!!!! tests/spreadsheet.rs SKIPPED: {SKIP_VAR}=1 — the LibreOffice round trip of the CSV tables did NOT run !!!!!!!!\n"));
        return;
    }
    let soffice = soffice().unwrap_or_else(|e| {
        panic!(
            "{e}: this test opens entline's CSV in LibreOffice Calc. Install it with scripts/setup_libreoffice.sh \
             (Debian: apt-get install --no-install-recommends libreoffice-calc-nogui) or point ENTLINE_SOFFICE at soffice; \
             {SKIP_VAR}=1 skips the test (not in CI)"
        )
    });
    let t0 = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();

    // the documents, and the real binary: the seed beside the tricky folder (twice: default style,
    // then --excel)
    let tricky_in = tmp.join("tricky-in");
    std::fs::create_dir_all(&tricky_in).unwrap();
    let docs = tricky_documents();
    for (name, text) in &docs {
        std::fs::write(tricky_in.join(name), text).unwrap();
    }
    // the files by name, from inside the folder, so that `doc` cells start with `=`, `+`, `-`, `@`,
    // tab and CR
    let mut names: Vec<String> = docs.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    let (seed_out, tricky_out, excel_out) = (tmp.join("seed"), tmp.join("tricky"), tmp.join("tricky-excel"));
    std::thread::scope(|s| {
        s.spawn(|| extract(&root(), &["seeds".to_string()], &seed_out, &[]));
        s.spawn(|| {
            extract(&tricky_in, &names, &tricky_out, &["--format", "csv,timelinejs"]);
            // the same documents in --excel style, from the first run's per-document records
            // (`--resume`: the tables equal those of a fresh run, byte for byte — README)
            copy_dir(&tricky_out, &excel_out);
            extract(&tricky_in, &names, &excel_out, &["--format", "csv,timelinejs", "--excel", "--resume"]);
        });
    });
    let t_extract = t0.elapsed();

    // every table, staged under one folder as LABEL__TABLE.csv for one soffice run per direction
    let stage = tmp.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    let mut originals: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (label, dir) in [("seed", &seed_out), ("tricky", &tricky_out), ("tricky-excel", &excel_out)] {
        let tables = csv_tables(dir);
        assert!(tables.len() >= 7, "{label}: only {tables:?}");
        let mut mine = BTreeMap::new();
        for t in tables {
            let staged = format!("{label}__{}", t.file_name().unwrap().to_str().unwrap());
            std::fs::copy(&t, stage.join(&staged)).unwrap();
            let rows = read_csv(&t, false);
            mine.insert(staged.clone(), rows.clone());
            originals.insert(staged, rows);
        }
        if label.starts_with("tricky") {
            assert!(mine.keys().any(|k| k.ends_with("__timelinejs.csv")));
            assert_tricky_cells(&mine, true);
        }
    }
    // `--excel` differs only in BOM and line ends: the same cells
    for (k, rows) in originals.iter().filter(|(k, _)| k.starts_with("tricky__")) {
        assert_eq!(&originals[&k.replacen("tricky__", "tricky-excel__", 1)], rows, "{k}: --excel changed cells");
    }
    let bytes = std::fs::read(stage.join("tricky-excel__events.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFevent_id,") && bytes.windows(2).any(|w| w == b"\r\n"));

    // the control: the tricky events.csv with the guard undone (what --raw-csv writes)
    let control: Vec<Vec<String>> =
        originals["tricky__events.csv"].iter().map(|r| r.iter().map(|c| entline::tables::unguard_cell(c).to_string()).collect()).collect();
    assert!(control.iter().flatten().any(|c| c.starts_with('=')));
    let mut w = csv::Writer::from_path(stage.join("control__events-unguarded.csv")).unwrap();
    for r in &control {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    originals.insert("control__events-unguarded.csv".into(), control);

    let files: Vec<PathBuf> = originals.keys().map(|k| stage.join(k)).collect();
    let columns = originals.values().map(|rows| rows[0].len()).max().unwrap();
    let passes =
        [Pass { name: "text", infilter: text_import_options(columns) }, Pass { name: "user", infilter: format!("{CSV_FILTER}:{USER_IMPORT}") }];
    let export = format!("csv:{CSV_FILTER}:{EXPORT}");

    // both passes at once, each with its own LibreOffice profile
    let timings: Vec<(Duration, Duration)> = std::thread::scope(|s| {
        let handles: Vec<_> = passes
            .iter()
            .map(|p| {
                let (soffice, files, export) = (&soffice, &files, &export);
                s.spawn(move || {
                    let profile = tmp.join(format!("profile-{}", p.name));
                    let (xlsx, back) = (tmp.join(format!("{}-xlsx", p.name)), tmp.join(format!("{}-back", p.name)));
                    let a = convert(soffice, &profile, Some(&p.infilter), "xlsx", &xlsx, files, "xlsx");
                    let xs: Vec<PathBuf> = files.iter().map(|f| xlsx.join(f.with_extension("xlsx").file_name().unwrap())).collect();
                    let b = convert(soffice, &profile, None, export, &back, &xs, "csv");
                    (a, b)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut errs = Vec::new();
    let mut cells = 0;
    let mut control_formulas = 0;
    let mut line_breaks = 0;
    let mut numbers = 0;
    for p in &passes {
        for (name, rows) in &originals {
            let stem = name.trim_end_matches(".csv");
            let (types, formulas) = xlsx_cells(&tmp.join(format!("{}-xlsx/{stem}.xlsx", p.name)));
            let is_control = name.starts_with("control__");
            match p.name {
                "text" => {
                    if formulas > 0 || types.keys().any(|t| t != "s") {
                        errs.push(format!("text pass, {name}: the .xlsx has {formulas} formulas and cell types {types:?}, only strings expected"));
                    }
                }
                _ if is_control => control_formulas = formulas,
                _ => {
                    numbers += types.get("n").copied().unwrap_or(0);
                    if formulas > 0 {
                        errs.push(format!("user pass, {name}: {formulas} formula cells (cell types {types:?}): a formula-like cell was not guarded"));
                    }
                }
            }
            if p.name == "user" && is_control {
                continue; // its formulas evaluate: nothing to compare
            }
            let back = read_csv(&tmp.join(format!("{}-back/{name}", p.name)), true);
            let (e, lb) = compare(&format!("{} pass, {name}", p.name), rows, &back);
            errs.extend(e);
            line_breaks += lb;
            cells += rows.iter().map(Vec::len).sum::<usize>();
        }
    }
    assert!(control_formulas > 0, "the unguarded control table gave no formula in the user pass: the formula check proves nothing");
    assert!(errs.is_empty(), "{} differences after LibreOffice Calc:\n{}", errs.len(), errs.join("\n"));

    let t: Vec<String> =
        passes.iter().zip(&timings).map(|(p, (a, b))| format!("{} {:.1}+{:.1}s", p.name, a.as_secs_f64(), b.as_secs_f64())).collect();
    loud(&format!(
        "spreadsheet: {} tables ({} seed, {} tricky, {} tricky --excel, 1 control), {cells} cells compared in 2 passes \
         ({line_breaks} with CR -> LF), 0 formulas (control: {control_formulas}), {numbers} cells read as numbers in the user pass; extract {:.1}s, soffice {}, total {:.1}s",
        originals.len(),
        originals.keys().filter(|k| k.starts_with("seed__")).count(),
        originals.keys().filter(|k| k.starts_with("tricky__")).count(),
        originals.keys().filter(|k| k.starts_with("tricky-excel__")).count(),
        t_extract.as_secs_f64(),
        t.join(", "),
        t0.elapsed().as_secs_f64()
    ));
}
