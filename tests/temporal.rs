//! Temporal expressions through the real binary: text that was tokenized before it reached entline
//! ("May 5 , 2007", "quarter 's", "do n't") gives the same expressions and values as the same
//! paragraph untokenized.

mod common;

use std::process::Command;

use common::rows;

const PLAIN: &str = "Apple said on May 5, 2007, that it would not cut prices. The U.S. company's shares rose 3% on Tuesday, \
after the previous quarter's results. \"We don't comment,\" a spokesman said last week. The deal, signed in the 1990s, \
runs until mid-2009 and was extended on Jan. 3, 2008. Sales in the first quarter of 2008 rose, the company said at \
9:15 a.m. on Wednesday. Markets have not fallen so fast since Black Monday.\n";

const TOKENIZED: &str = "Apple said on May 5 , 2007 , that it would not cut prices . The U.S. company 's shares rose 3 % on Tuesday , \
after the previous quarter 's results . `` We do n't comment , '' a spokesman said last week . The deal , signed in the 1990s , \
runs until mid-2009 and was extended on Jan. 3 , 2008 . Sales in the first quarter of 2008 rose , the company said at \
9:15 a.m. on Wednesday . Markets have not fallen so fast since Black Monday .\n";

/// (text with whitespace folded around commas, type, value, mod) of every expression found.
fn timexes(text: &str) -> Vec<(String, String, String, String)> {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("doc.txt");
    std::fs::write(&input, text).unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2008-03-06", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    rows(&out.join("timexes.csv"))
        .into_iter()
        .map(|r| (r["text"].replace(" ,", ","), r["type"].clone(), r["value"].clone(), r["mod"].clone()))
        .collect()
}

#[test]
fn tokenized_and_untokenized_text_give_the_same_values() {
    let plain = timexes(PLAIN);
    assert_eq!(plain.len(), 10, "{plain:#?}");
    assert!(plain.iter().any(|t| t.0 == "May 5, 2007" && t.2 == "2007-05-05"), "{plain:#?}");
    assert!(plain.iter().any(|t| t.0 == "Black Monday" && t.2 == "1987-10-19"), "{plain:#?}");
    assert_eq!(timexes(TOKENIZED), plain);
}
