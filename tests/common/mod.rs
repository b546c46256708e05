//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A CSV file as rows of column name → value.
pub fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv opens");
    let h = r.headers().expect("header").clone();
    r.records()
        .map(|x| h.iter().zip(x.expect("record").iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect())
        .collect()
}
