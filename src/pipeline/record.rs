//! The per-document cache under `OUT/.entline/`: one record per processed document (everything
//! the final tables need, but not the text), keyed by a hash of the document's name, text and
//! date plus the model and settings; and the run's manifest (which documents, in which order,
//! with which outcome). Records are written atomically as each document group finishes, so a
//! killed run loses at most the documents in flight, `--resume` reuses what is there, and
//! `entline merge` joins the manifests of shard runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Format;
use crate::coref::CorefRec;
use crate::entities::rows::MentionRow;
use crate::error::{Error, Result};
use crate::events::record::{EventRec, SentenceRec};
use crate::export::{self, CsvStyle};
use crate::time::TimexRow;

/// Folder of the cache inside the output folder.
pub const CACHE_DIR: &str = ".entline";
/// Bumped whenever the record layout or the meaning of its fields changes.
pub const RECORD_VERSION: u32 = 6;

/// What the final tables need of one processed document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocRecord {
    pub doc: String,
    pub dct: String,
    pub dct_source: String,
    pub sentences: usize,
    /// Mention rows without `entity_id` / `reference` (known after normalization).
    pub mentions: Vec<MentionRow>,
    /// Pronouns and definite descriptions resolved to a mention.
    pub corefs: Vec<CorefRec>,
    pub timexes: Vec<TimexRow>,
    /// Event triggers found by the model's event head (empty for NER-only models), with their
    /// anchors and arguments.
    pub event_mentions: Vec<EventRec>,
    /// The sentences events.csv may show, by sentence index.
    pub event_sentences: BTreeMap<usize, SentenceRec>,
    /// Acronyms defined in the text: match key → long form.
    pub acronyms: BTreeMap<String, String>,
}

/// One input of a run, in input order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the full (unsharded) input list; problems met while walking come after the files.
    pub index: usize,
    pub doc: String,
    /// `ok`, `failed` or `skipped`.
    pub status: String,
    pub error: String,
    /// Record key (file `docs/<key>.json`) of a processed document.
    pub key: Option<String>,
}

/// Settings that shape the final tables (not the per-document results).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutputSettings {
    pub formats: Vec<Format>,
    pub excel: bool,
    pub raw_csv: bool,
    pub count_demonyms: bool,
    /// Lanes of the HTML timeline report (`timeline.html`); 0 writes no report.
    pub report_top: usize,
    /// List undated events in events.csv (timelines.csv always has them, at position 0).
    #[serde(default)]
    pub undated: bool,
}

impl OutputSettings {
    pub fn style(&self) -> CsvStyle {
        CsvStyle { excel: self.excel, raw: self.raw_csv }
    }
}

/// The manifest of a run: `OUT/.entline/manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Fingerprint of the model and the per-document settings (shards must agree to be merged).
    pub fingerprint: String,
    pub settings: OutputSettings,
    /// `[K, N]` of `--shard K/N`.
    pub shard: Option<[usize; 2]>,
    pub entries: Vec<Entry>,
}

/// The cache folder of an output folder.
pub fn cache_dir(out: &Path) -> PathBuf {
    out.join(CACHE_DIR)
}

fn docs_dir(out: &Path) -> PathBuf {
    cache_dir(out).join("docs")
}

/// File of the record `key` in output folder `out`.
pub fn record_path(out: &Path, key: &str) -> PathBuf {
    docs_dir(out).join(format!("{key}.json"))
}

/// Key of a document's record: its name, date, text and the run's fingerprint.
pub fn record_key(fingerprint: &str, doc: &str, dct: &str, dct_source: &str, text: &str) -> String {
    let mut h = Sha256::new();
    for part in [RECORD_VERSION.to_string().as_str(), fingerprint, doc, dct, dct_source] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.update(text.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// A stable hash of a document name in 0..n (for `--shard`; the same on every machine and build).
pub fn shard_of(doc: &str, n: usize) -> usize {
    let d = Sha256::digest(doc.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    (u64::from_be_bytes(b) % n.max(1) as u64) as usize
}

/// Write a record atomically.
pub fn write_record(out: &Path, key: &str, rec: &DocRecord) -> Result<()> {
    let dir = docs_dir(out);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = record_path(out, key);
    export::write_atomic(&path, |w| serde_json::to_writer(w, rec).map_err(|e| Error::input(&path, e.to_string())))
}

/// Read a record (`None` when it is missing or unreadable, e.g. from an older version).
pub fn read_record(out: &Path, key: &str) -> Option<DocRecord> {
    let bytes = std::fs::read(record_path(out, key)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Read a record that must exist (final tables, merge).
pub fn load_record(out: &Path, key: &str) -> Result<DocRecord> {
    let path = record_path(out, key);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::input(&path, format!("unreadable cache record: {e}")))
}

pub fn write_manifest(out: &Path, m: &Manifest) -> Result<()> {
    let dir = cache_dir(out);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join("manifest.json");
    export::write_atomic(&path, |w| serde_json::to_writer_pretty(w, m).map_err(|e| Error::input(&path, e.to_string())))
}

pub fn read_manifest(out: &Path) -> Result<Manifest> {
    let path = cache_dir(out).join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::input(&path, format!("not an entline manifest: {e}")))?;
    if m.version != RECORD_VERSION {
        return Err(Error::input(&path, format!("written by another entline version (cache format {}, this one reads {RECORD_VERSION})", m.version)));
    }
    Ok(m)
}

/// Delete records that the manifest does not list (left by earlier runs with other inputs or
/// settings); temporary files of killed runs go too.
pub fn prune(out: &Path, keep: &[Entry]) {
    let keys: std::collections::HashSet<&str> = keep.iter().filter_map(|e| e.key.as_deref()).collect();
    let Ok(rd) = std::fs::read_dir(docs_dir(out)) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let stem = name.strip_suffix(".json").unwrap_or("");
        if !keys.contains(stem) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_shards_are_stable() {
        let k = record_key("fp", "a.txt", "2025-05-05", "cli", "text");
        assert_eq!(k.len(), 32);
        assert_eq!(k, record_key("fp", "a.txt", "2025-05-05", "cli", "text"));
        assert_ne!(k, record_key("fp", "a.txt", "2025-05-06", "cli", "text"));
        assert_ne!(k, record_key("fp2", "a.txt", "2025-05-05", "cli", "text"));
        // the partition is fixed by the name alone (sha256), whatever the machine
        assert_eq!(shard_of("seeds/000_78fbce519b3fcfe3.txt", 2), shard_of("seeds/000_78fbce519b3fcfe3.txt", 2));
        let counts = (0..1000).fold([0usize; 4], |mut c, i| {
            c[shard_of(&format!("doc{i}.txt"), 4)] += 1;
            c
        });
        assert!(counts.iter().all(|&c| c > 200), "{counts:?}");
    }
}
