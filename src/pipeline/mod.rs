//! The whole extraction: files → text → NER → temporal expressions → entities → events → tables.
//! The CLI's `extract` is a thin layer over [`run`]; `merge` over [`finalize`].
//!
//! Documents go through in groups. Each processed document becomes a [`record::DocRecord`]
//! cached under `OUT/.entline/` (the basis of `--resume` and `merge`); the final tables are then
//! streamed from the records, so memory holds only the compact entity state, never the texts.

mod document;
pub mod finish;
pub mod record;
pub mod timeml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use finish::{finalize, merge};
use record::{DocRecord, Entry, OutputSettings};

use crate::error::{Error, Result};
use crate::input;
use crate::ner::{Ner, WordDoc};
use crate::text::CharOffsets;
use crate::time::dct::{self, DctSource, DocDates};
use crate::time::{timeml::TimeMl, TimeTagger};

/// Output formats (several may be asked for at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Jsonl,
    Timelinejs,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub doc_date: Option<NaiveDate>,
    pub doc_dates: Option<DocDates>,
    pub date_from_mtime: bool,
    /// Mentions with a lower confidence are dropped.
    pub min_score: f32,
    /// Documents read and tagged together (NER batches span them); their records are written
    /// when the group is done.
    pub group_size: usize,
    /// Print warnings (legacy encodings, missing document dates) on stderr.
    pub warnings: bool,
    /// Size limit of one input file.
    pub max_bytes: u64,
    /// Reuse the per-document records of an earlier (possibly killed) run into the same folder.
    pub resume: bool,
    /// `(K, N)`: process only the K-th of N stable hash partitions of the inputs (K from 1).
    pub shard: Option<(usize, usize)>,
    pub settings: OutputSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct DocumentRow {
    pub doc: String,
    pub dct: String,
    pub dct_source: String,
    pub status: String,
    pub error: String,
    pub sentences: usize,
    pub mentions: usize,
    pub timexes: usize,
    pub events: usize,
    pub event_mentions: usize,
}

/// Where a span of text is: the leading columns of mentions.csv and timexes.csv.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Located {
    pub doc: String,
    pub sentence_index: usize,
    /// Byte offsets into the decoded text.
    pub start: usize,
    pub end: usize,
    /// Unicode code-point offsets.
    pub char_start: usize,
    pub char_end: usize,
    pub text: String,
}

impl Located {
    fn new(doc: &str, sentences: &[(usize, usize)], co: &mut CharOffsets<'_>, start: usize, end: usize, text: &str) -> Self {
        Located {
            doc: doc.to_string(),
            sentence_index: sentence_of(sentences, start),
            start,
            end,
            char_start: co.at(start),
            char_end: co.at(end),
            text: text.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct MentionRow {
    #[serde(flatten)]
    pub at: Located,
    pub label: String,
    pub score: f64,
    pub entity_id: String,
    /// `mention`, or `demonym` for an adjective referring to a place ("Mexican").
    pub reference: String,
    #[serde(flatten)]
    pub extent: Extent,
}

/// The noun phrase a mention heads ("the much-anticipated iPhone" for "iPhone"); see
/// [`entities::extent`]. It ends where the name ends; for persons it is the name.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Extent {
    pub extent_start: usize,
    pub extent_end: usize,
    pub extent_char_start: usize,
    pub extent_char_end: usize,
    pub extent_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TimexRow {
    #[serde(flatten)]
    pub at: Located,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(rename = "mod")]
    pub modifier: String,
    pub anchored: bool,
    pub rule: String,
}

/// One row of event_mentions.csv: a TimeML event trigger found by the model's event head, the
/// event it belongs to, its anchor and its arguments.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct EventMentionRow {
    #[serde(flatten)]
    pub at: Located,
    #[serde(flatten)]
    pub attrs: crate::events::EventAttributes,
    pub score: f64,
    /// The event (row of events.csv) this mention reports; mentions of one happening share it.
    pub event_id: String,
    /// timex, dct, narrative or none.
    pub anchor_source: String,
    pub anchor_text: String,
    pub anchor_value: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    /// Entity ids by role, `; `-joined.
    pub agents: String,
    pub participants: String,
    pub places: String,
    /// Every argument phrase as `role:start-end` (byte offsets), `; `-joined, and their texts.
    pub arguments: String,
    pub argument_text: String,
}

/// An argument of an event mention as the record keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArgumentRec {
    pub role: crate::events::participants::Role,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The named mention (index into the record's mentions) it refers to, directly or through a
    /// pronoun or description.
    pub mention: Option<usize>,
}

/// An event mention as the record keeps it (the entity ids and the event are known at the end).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRec {
    #[serde(flatten)]
    pub at: Located,
    #[serde(flatten)]
    pub attrs: crate::events::EventAttributes,
    pub score: f64,
    pub anchor: crate::events::anchor::Anchor,
    pub arguments: Vec<ArgumentRec>,
}

/// A pronoun or definite description and the named mention it refers to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorefRec {
    #[serde(flatten)]
    pub at: Located,
    pub kind: crate::coref::Kind,
    /// Index into the record's mentions.
    pub antecedent: usize,
}

/// A sentence that holds an event mention with an entity argument (events.csv shows it).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SentenceRec {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    /// Whitespace folded.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct EntityRow {
    pub entity_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: String,
    pub mentions: usize,
    pub documents: usize,
    pub first_date: String,
    pub last_date: String,
    /// A place's gazetteer entry (`geonames:2988507`, `admin1:FR.76`, `iata:LHR`); the five
    /// place columns are empty for other entities and for places the gazetteer lacks.
    pub geo_id: String,
    /// ISO 3166-1 alpha-2 code of the place's country.
    pub country_code: String,
    /// Degrees (WGS84), written as a spreadsheet shows them (`38`, not `38.0`).
    #[serde(serialize_with = "crate::export::shortest_number")]
    pub latitude: Option<f64>,
    #[serde(serialize_with = "crate::export::shortest_number")]
    pub longitude: Option<f64>,
    /// How the place was chosen among the readings of its name: `unique`, `context`,
    /// `document` or `population` (ambiguous, no evidence: the most populous reading).
    pub geo_confidence: String,
}

/// Summary of a run, for the CLI (and `--json-summary`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub mentions: usize,
    pub entities: usize,
    pub events: usize,
    pub timexes: usize,
    /// Inputs by outcome: `ok` (processed or reused), `failed` (unreadable), `skipped` (could not
    /// be walked); `reused`: the `ok` ones taken from an earlier run's cache (`--resume`).
    pub inputs: BTreeMap<String, usize>,
    pub reused: usize,
    /// Wall-clock seconds per stage.
    pub seconds: Timings,
}

/// Wall-clock seconds spent per stage of a run (stages of one group of documents run in turn,
/// each on all threads).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    /// Reading and decoding the files, finding their dates.
    pub read: f64,
    /// The model: entity and event mentions.
    pub model: f64,
    /// Time expressions, coreference, event participants and anchors.
    pub stages: f64,
    /// Writing the per-document records.
    pub records: f64,
    /// Entities and events merged across documents; the tables, the report.
    pub tables: f64,
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Default, Clone, Copy)]
pub struct Progress {
    /// Inputs done (processed, reused from the cache, or failed).
    pub files: usize,
    pub mentions: usize,
    /// Event mentions found so far (events are merged at the end).
    pub events: usize,
}

/// A loaded document: text and date.
pub(crate) struct Loaded {
    pub text: String,
    pub dct: Option<NaiveDate>,
    pub source: DctSource,
    pub warning: Option<String>,
}

/// The text of a file as `extract` reads it (see [`read_text`]).
pub struct FileText {
    pub text: String,
    /// The date the file's markup gives (TimeML DCT, HTML meta), if any.
    pub dct: Option<(NaiveDate, DctSource)>,
    /// The decoding warning, if any.
    pub warning: Option<String>,
}

/// The text of a file as `extract` reads it, by format (TimeML: the content of `<TEXT>`; HTML:
/// the rendered text; anything else: the decoded file), with the date its markup gives, if any,
/// and the decoding warning, if any.
pub fn read_text(path: &Path, max_bytes: u64) -> std::result::Result<FileText, String> {
    let raw = input::read(path, max_bytes).map_err(|e| e.to_string())?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let mut found: Option<(NaiveDate, DctSource)> = None;
    let text = match ext.as_str() {
        "tml" | "te3input" => {
            let t = TimeMl::parse(&raw.text).map_err(|e| format!("{}: {e}", path.display()))?;
            found = t.dct.map(|d| (d, DctSource::Timeml));
            t.plain_text()
        }
        "html" | "htm" | "xhtml" => {
            found = dct::from_html(&raw.text).map(|d| (d, DctSource::Html));
            html2text::from_read(raw.text.as_bytes(), usize::MAX / 4)
        }
        _ => raw.text,
    };
    Ok(FileText { text, dct: found, warning: raw.warning })
}

/// Text and DCT of a file, by format.
fn load(path: &Path, opts: &Options) -> std::result::Result<Loaded, String> {
    let FileText { text, dct: found, warning } = read_text(path, opts.max_bytes)?;
    let (dct, source) = if let Some(d) = opts.doc_date {
        (Some(d), DctSource::Cli)
    } else if let Some(d) = opts.doc_dates.as_ref().and_then(|t| t.get(path)) {
        (Some(d), DctSource::DocDates)
    } else if let Some((d, s)) = found {
        (Some(d), s)
    } else if let Some(d) = dct::from_header(&text) {
        (Some(d), DctSource::Header)
    } else if opts.date_from_mtime {
        let m = std::fs::metadata(path).and_then(|m| m.modified()).map_err(|e| format!("{}: {e}", path.display()))?;
        let dt: chrono::DateTime<chrono::Utc> = m.into();
        (Some(dt.date_naive()), DctSource::Mtime)
    } else {
        (None, DctSource::None)
    };
    Ok(Loaded { text, dct, source, warning })
}

/// Fingerprint of everything that shapes a document's record: entline's version and source (a
/// hash of src/ made at build time), the model (weights, vocabulary, configuration, window
/// settings) and the per-document options.
pub fn fingerprint(ner: &Ner, opts: &Options) -> Result<String> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(env!("ENTLINE_SOURCE_HASH").as_bytes());
    h.update(ner.fingerprint()?.as_bytes());
    h.update(format!("min_score={}", opts.min_score).as_bytes());
    Ok(hex::encode(&h.finalize()[..16]))
}

/// Process input files (already expanded; `problems` are inputs that could not be walked) and
/// write the output tables into `opts.out`. The model is dropped before the final tables are
/// written, so that the entity state of a large corpus does not add to the model's memory.
pub fn run(
    ner: Ner,
    tagger: &TimeTagger,
    files: &[PathBuf],
    problems: Vec<(PathBuf, String)>,
    opts: &Options,
    mut progress: impl FnMut(Progress),
) -> Result<Summary> {
    let fp = fingerprint(&ner, opts)?;
    let out = &opts.out;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mine = |doc: &str| opts.shard.is_none_or(|(k, n)| record::shard_of(doc, n) + 1 == k);
    let mut entries: Vec<Entry> = Vec::new();
    for (k, (p, e)) in problems.into_iter().enumerate() {
        let doc = doc_name(&p);
        if mine(&doc) {
            entries.push(Entry { index: files.len() + k, doc, status: "skipped".into(), error: e, key: None });
        }
    }
    let todo: Vec<(usize, &PathBuf)> = files.iter().enumerate().filter(|(_, p)| mine(&doc_name(p))).collect();
    let mut prog = Progress { files: entries.len(), ..Default::default() };
    let mut timings = Timings::default();
    let mut reused = 0;
    for group in todo.chunks(opts.group_size.max(1)) {
        let clock = std::time::Instant::now();
        let loaded: Vec<(usize, &PathBuf, std::result::Result<Loaded, String>)> = group.par_iter().map(|&(i, p)| (i, p, load(p, opts))).collect();
        let mut fresh: Vec<(usize, String, String, Loaded)> = Vec::new(); // (index, doc, key, loaded)
        for (i, p, r) in loaded {
            let doc = doc_name(p);
            match r {
                Ok(l) => {
                    if let (Some(w), true) = (&l.warning, opts.warnings) {
                        eprintln!("entline: warning: {}: {w}", p.display());
                    }
                    let key = record::record_key(&fp, &doc, &date_str(l.dct), l.source.as_str(), &l.text);
                    match opts.resume.then(|| record::read_record(out, &key)).flatten() {
                        Some(rec) => {
                            reused += 1;
                            prog.mentions += rec.mentions.len();
                            prog.events += rec.event_mentions.len();
                            entries.push(Entry { index: i, doc, status: "ok".into(), error: String::new(), key: Some(key) });
                        }
                        None => fresh.push((i, doc, key, l)),
                    }
                }
                Err(e) => {
                    eprintln!("entline: {e}");
                    entries.push(Entry { index: i, doc, status: "failed".into(), error: e, key: None });
                }
            }
        }
        timings.read += clock.elapsed().as_secs_f64();
        let records = process(&ner, tagger, &fresh, opts.min_score, &mut timings)?;
        let clock = std::time::Instant::now();
        for ((i, doc, key, l), rec) in fresh.into_iter().zip(records) {
            if opts.warnings && l.dct.is_none() && rec.timexes.iter().any(|t| !t.anchored) {
                eprintln!("entline: warning: {doc}: no document date; relative dates left unresolved (use --doc-date)");
            }
            record::write_record(out, &key, &rec)?;
            prog.mentions += rec.mentions.len();
            prog.events += rec.event_mentions.len();
            entries.push(Entry { index: i, doc, status: "ok".into(), error: String::new(), key: Some(key) });
        }
        timings.records += clock.elapsed().as_secs_f64();
        prog.files += group.len();
        progress(prog);
        release_free_memory();
    }
    let clock = std::time::Instant::now();
    entries.sort_by_key(|e| e.index);
    let manifest = record::Manifest {
        version: record::RECORD_VERSION,
        fingerprint: fp,
        settings: opts.settings.clone(),
        shard: opts.shard.map(|(k, n)| [k, n]),
        entries,
    };
    record::write_manifest(out, &manifest)?;
    record::prune(out, &manifest.entries);
    drop(ner);
    let sources: Vec<(Entry, PathBuf)> = manifest.entries.into_iter().map(|e| (e, out.clone())).collect();
    let mut summary = finalize(&sources, &opts.settings, out)?;
    timings.tables += clock.elapsed().as_secs_f64();
    summary.reused = reused;
    summary.seconds = timings;
    Ok(summary)
}

/// Hand memory freed by the last group back to the system. glibc keeps freed chunks in its heap
/// (and raises its mmap threshold after libtorch frees a large tensor, so later tensors come from
/// the heap too); over thousands of documents the process kept growing. `malloc_trim` returns
/// the free pages, also those between live chunks, for a few milliseconds per group.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own free lists; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// NER, temporal expressions, coreference, and event mentions with their arguments and anchors,
/// of loaded documents (NER batches span them).
pub(crate) fn process(
    ner: &Ner,
    tagger: &TimeTagger,
    docs: &[(usize, String, String, Loaded)],
    min_score: f32,
    timings: &mut Timings,
) -> Result<Vec<DocRecord>> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let clock = std::time::Instant::now();
    let wdocs: Vec<WordDoc> = docs.par_iter().map(|(_, _, _, l)| WordDoc::from_text(&l.text)).collect();
    let (mut mentions, event_mentions): (Vec<_>, Vec<_>) = ner.analyze(&wdocs)?.into_iter().map(|t| (t.mentions, t.events)).unzip();
    for m in &mut mentions {
        m.retain(|x| x.score >= min_score);
    }
    timings.model += clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let records = docs
        .par_iter()
        .zip(wdocs.par_iter())
        .zip(mentions.into_par_iter().zip(event_mentions))
        .map(|(((_, doc, _, l), wd), (ms, evs))| document::document_record(doc, l, wd, ms, evs, tagger))
        .collect();
    timings.stages += clock.elapsed().as_secs_f64();
    Ok(records)
}

/// The `doc` column of a path: as given, `<stdin>` for `-`.
pub fn doc_name(p: &Path) -> String {
    if p.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        p.to_string_lossy().into_owned()
    }
}

fn sentence_of(sentences: &[(usize, usize)], pos: usize) -> usize {
    sentences.partition_point(|&(_, e)| e <= pos).min(sentences.len().saturating_sub(1))
}

fn date_str(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}
