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
use crate::atomic;
use crate::coref::CorefRec;
use crate::entities::rows::MentionRow;
use crate::error::{Error, Result};
use crate::events::record::{EventRec, SentenceRec};
use crate::export::{self, CsvStyle};
use crate::time::TimexRow;

/// Folder of the cache inside the output folder.
pub const CACHE_DIR: &str = ".entline";
/// Bumped whenever the record layout or the meaning of its fields changes.
pub const RECORD_VERSION: u32 = 7;
/// The most shards a run is cut into (`--shard K/N`: N); each manifest counts the inputs of all N.
pub const MAX_SHARDS: usize = 100_000;

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
    /// The sentences about flying (`places::resolve::airport_context`), ascending: where a place
    /// name may be an airport by its bare name.
    pub airport_sentences: Vec<usize>,
}

/// One document of a run, in input order.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Entry {
    /// Position of its file in the full (unsharded) input list; problems met while walking come
    /// after the files.
    pub index: usize,
    /// Position among the documents of its file (a mailbox's messages, an e-mail's attachments).
    #[serde(default)]
    pub part: usize,
    pub doc: String,
    /// The kind of input it came from (`text`, `html`, `pdf`, `docx`, `odt`, `email`, …).
    #[serde(default)]
    pub kind: String,
    /// `ok`, `failed` or `skipped`.
    pub status: String,
    pub error: String,
    /// Record key (file `docs/<key>.json`) of a processed document.
    pub key: Option<String>,
}

impl Entry {
    /// An attachment of a kind entline does not read (`skipped`, a part of its file): listed in
    /// documents.csv and counted, but no failure (walking problems, also `skipped`, are part 0).
    pub fn left_out_by_kind(&self) -> bool {
        self.status == "skipped" && self.part > 0
    }
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

/// The manifest of a run: `OUT/.entline/manifest.json`. The shards of one run (`--shard K/N`)
/// each write theirs; `entline merge` checks that all N are there, once each, from one run.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Fingerprint of the model and the per-document settings (the records' keys).
    pub fingerprint: String,
    pub settings: OutputSettings,
    /// `[K, N]` of `--shard K/N` (`None`: the whole run, as shard 1 of 1).
    pub shard: Option<[usize; 2]>,
    /// What the shards of one run share (`None` in manifests of earlier versions).
    #[serde(default)]
    pub run: Option<RunId>,
    /// How many inputs each of the N shards has (so that a merge can say what a missing one
    /// holds).
    #[serde(default)]
    pub shard_inputs: Vec<usize>,
    pub entries: Vec<Entry>,
}

impl Manifest {
    /// `(K, N)` of the run's shard; a run without `--shard` is shard 1 of 1.
    pub fn shard(&self) -> (usize, usize) {
        self.shard.map_or((1, 1), |[k, n]| (k, n))
    }

    /// Whether its shard and its counts of inputs per shard are ones `extract` writes.
    pub fn check_shard(&self, path: &Path) -> Result<()> {
        let (k, n) = self.shard();
        if k == 0 || k > n || n > MAX_SHARDS || self.shard_inputs.len() != n {
            return Err(Error::input(
                &cache_dir(path).join("manifest.json"),
                format!("a damaged manifest: shard {k}/{n} with inputs counted for {} shards", self.shard_inputs.len()),
            ));
        }
        Ok(())
    }
}

/// The fingerprint of a run: shards with the same one are parts of one run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunId {
    /// entline's version and the hash of its source.
    pub entline: String,
    /// The model's fingerprint (weights, vocabulary, configuration, window, precision).
    pub model: String,
    /// A hash of the settings that shape the tables: the dates given, the score threshold, the
    /// size limit, the output settings.
    pub settings: String,
    /// A hash of the input list: every input as named (files, then inputs that could not be
    /// walked), in order.
    pub inputs: String,
}

impl RunId {
    /// What differs between two runs, in words (empty: the same run).
    pub fn differences(&self, other: &RunId) -> Vec<&'static str> {
        let mut d = Vec::new();
        for (a, b, what) in [
            (&self.entline, &other.entline, "entline version"),
            (&self.model, &other.model, "model"),
            (&self.settings, &other.settings, "settings"),
            (&self.inputs, &other.inputs, "input list"),
        ] {
            if a != b {
                d.push(what);
            }
        }
        d
    }
}

/// A hash of a list of strings (each ended by a separator, so that no two lists share one).
pub fn list_digest<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for s in items {
        h.update(s.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(&h.finalize()[..16])
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
    std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))?;
    let path = record_path(out, key);
    atomic::write_atomic(&path, |w| serde_json::to_writer(w, rec).map_err(|e| export::json_error(&path, e)))
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
    std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))?;
    let path = dir.join("manifest.json");
    atomic::write_atomic(&path, |w| serde_json::to_writer_pretty(w, m).map_err(|e| export::json_error(&path, e)))
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

    /// Keys and shards are plain SHA-256 of fixed inputs: the same on every machine and build
    /// (the expected values were computed independently, with Python's hashlib), so that a
    /// shard's documents and a cache's keys never depend on where entline runs.
    #[test]
    fn keys_and_shards_are_stable() {
        // the key hashes the record version first: a new version gives new keys (update this)
        assert_eq!(RECORD_VERSION, 7);
        assert_eq!(record_key("fp", "a.txt", "2025-05-05", "cli", "text"), "4d9207dd3146434b6336b8970e2b281f");
        assert_ne!(record_key("fp", "a.txt", "2025-05-05", "cli", "text"), record_key("fp", "a.txt", "2025-05-06", "cli", "text"));
        assert_ne!(record_key("fp", "a.txt", "2025-05-05", "cli", "text"), record_key("fp2", "a.txt", "2025-05-05", "cli", "text"));
        // shard_of: the first 8 bytes of SHA-256(name), big-endian, modulo N
        for (doc, of2, of3, of16) in [
            ("seeds/000_78fbce519b3fcfe3.txt", 0, 2, 12),
            ("doc0.txt", 1, 0, 15),
            ("doc1.txt", 1, 1, 11),
            ("doc2.txt", 0, 0, 8),
            ("doc3.txt", 0, 0, 10),
            ("a/b/c.txt", 1, 0, 15),
        ] {
            assert_eq!([shard_of(doc, 2), shard_of(doc, 3), shard_of(doc, 16)], [of2, of3, of16], "{doc}");
        }
        let counts = (0..1000).fold([0usize; 4], |mut c, i| {
            c[shard_of(&format!("doc{i}.txt"), 4)] += 1;
            c
        });
        assert_eq!(counts, [235, 240, 290, 235]);
    }

    #[test]
    fn runs_differ_by_what_they_name() {
        let run = RunId { entline: "0.1.0 abc".into(), model: "m".into(), settings: "s".into(), inputs: "i".into() };
        assert!(run.differences(&run.clone()).is_empty());
        let other = RunId { model: "m2".into(), inputs: "i2".into(), ..run.clone() };
        assert_eq!(run.differences(&other), ["model", "input list"]);
        // list digests: order and boundaries count
        assert_ne!(list_digest(["a", "b"]), list_digest(["b", "a"]));
        assert_ne!(list_digest(["ab"]), list_digest(["a", "b"]));
        assert_eq!(list_digest(["a", "b"]), list_digest(["a", "b"]));
    }
}
