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
use crate::ner::Ner;
use crate::text::WordDoc;
use crate::time::dct::{self, DateEvidence, DctSource, DocDates, GivenDate};
use crate::time::{timeml::TimeMl, TimeTagger};

/// Output formats (several may be asked for at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Jsonl,
    Timelinejs,
    /// Every table as a sheet of one workbook, `entline.xlsx`.
    Xlsx,
}

impl Format {
    /// Every format, by the name `--format` takes.
    pub const NAMES: [(&'static str, Format); 4] =
        [("csv", Format::Csv), ("jsonl", Format::Jsonl), ("timelinejs", Format::Timelinejs), ("xlsx", Format::Xlsx)];
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let names = || Self::NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|&(_, f)| f).ok_or_else(|| format!("unknown format {s:?} (one of {})", names()))
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    /// The date of every document (`--doc-date`), or only the year of yearless datelines.
    pub doc_date: Option<GivenDate>,
    pub doc_dates: Option<DocDates>,
    pub date_from_mtime: bool,
    /// Mentions with a lower confidence are dropped.
    pub min_score: f32,
    /// Documents read and tagged together (NER batches span them); their records are written
    /// when the group is done.
    pub group_size: usize,
    /// Size limit of one input file.
    pub max_bytes: u64,
    /// Reuse the per-document records of an earlier (possibly killed) run into the same folder.
    pub resume: bool,
    /// `(K, N)`: process only the K-th of N stable hash partitions of the inputs (K from 1).
    pub shard: Option<(usize, usize)>,
    pub settings: OutputSettings,
}

/// What to do about documents without a date, in one line.
pub const UNDATED_FIX: &str = "use --doc-date, --doc-dates, --date-from-mtime or --undated";

/// Documents named in the one warning about documents without a date (the rest are counted).
const UNDATED_NAMED: usize = 5;

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
    /// be walked), `missing` (in a shard that `merge --allow-partial` went without); `reused`:
    /// the `ok` ones taken from an earlier run's cache (`--resume`).
    pub inputs: BTreeMap<String, usize>,
    pub reused: usize,
    /// The documents processed, by the kind of input they came from (`text`, `html`, `pdf`,
    /// `docx`, `odt`, `email`, `timeml`).
    pub kinds: BTreeMap<String, usize>,
    /// The documents without a document date, every one by name: their relative dates stay
    /// unresolved, and their events without a date of their own are undated.
    pub without_date: Vec<String>,
    /// Events left out of events.csv for want of a date (none with `--undated`; timelines.csv
    /// lists them at position 0).
    pub events_left_out: usize,
    /// Of those, the events reported in a document without a document date.
    pub events_left_out_without_date: usize,
    /// Shards of the run that `merge --allow-partial` went without.
    pub missing_shards: Vec<MissingShard>,
    /// Wall-clock seconds per stage.
    pub seconds: Timings,
    /// The inputs that are not `ok`: (doc, status, error), in input order.
    #[serde(skip)]
    pub problems: Vec<(String, String, String)>,
}

/// A shard that a merge went without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingShard {
    /// `K/N`.
    pub shard: String,
    /// Its inputs (none of which is in the tables).
    pub inputs: usize,
}

impl Summary {
    /// The one warning about the documents without a date: the first few by name, then the
    /// count (every name is in [`Summary::without_date`]).
    pub fn undated_warning(&self) -> Option<Warning> {
        (!self.without_date.is_empty()).then(|| Warning::NoDocumentDate {
            first: self.without_date.iter().take(UNDATED_NAMED).cloned().collect(),
            count: self.without_date.len(),
        })
    }

    /// What the run left undated, with the fix, for the end of the summary line (`None`: nothing).
    pub fn undated_note(&self) -> Option<String> {
        let docs = self.without_date.len();
        let mut parts = Vec::new();
        if docs > 0 {
            parts.push(format!("{docs} document(s) without a document date"));
        }
        match (self.events_left_out, self.events_left_out_without_date) {
            (0, _) => {}
            (n, m) if m == n => parts.push(format!("{n} event(s) left out of events.csv for want of a date")),
            (n, 0) => parts.push(format!("{n} event(s) without a date left out of events.csv")),
            (n, m) => parts.push(format!("{n} event(s) left out of events.csv for want of a date ({m} from documents without one)")),
        }
        (!parts.is_empty()).then(|| format!("{}: {UNDATED_FIX}", parts.join(", ")))
    }
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

/// What a run tells its caller as it goes ([`run`]'s `notify`).
#[derive(Debug, Clone)]
pub enum Notice {
    Progress(Progress),
    Warning(Warning),
}

/// A problem with one input that does not stop the run; the CLI prints it as `entline: {warning}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The file was decoded with a fallback (a legacy encoding, invalid bytes replaced).
    Decoding { path: PathBuf, msg: String },
    /// The file could not be read or parsed: it is listed as failed.
    Unreadable(String),
    /// Documents without a document date (their relative dates stay unresolved): told once for
    /// all of them, the first few by name (`first`), then the count.
    NoDocumentDate { first: Vec<String>, count: usize },
    /// A TimeML file without a DCT, and no date given (`entline timeml`).
    NoDct { path: PathBuf },
}

impl Warning {
    /// Whether its input failed (an error, not a warning: reported even when warnings are not).
    pub fn is_error(&self) -> bool {
        matches!(self, Warning::Unreadable(_))
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Decoding { path, msg } => write!(f, "warning: {}: {msg}", path.display()),
            Warning::Unreadable(msg) => f.write_str(msg),
            Warning::NoDocumentDate { first, count } => {
                let more = count.saturating_sub(first.len());
                let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                write!(f, "warning: no document date for {count} document(s) ({}{more}): relative dates left unresolved", first.join(", "))
            }
            Warning::NoDct { path } => write!(f, "warning: {}: no DCT; relative expressions left unresolved", path.display()),
        }
    }
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

/// The text of a document as `extract` reads it (see [`read_docs`]).
pub struct FileText {
    pub text: String,
    /// The date the file's markup gives (TimeML DCT, HTML meta, an e-mail's `Date:`), if any.
    pub dct: Option<(NaiveDate, DctSource)>,
    /// The creation date the document's metadata gives (PDF, .docx, .odt), if any.
    pub metadata: Option<(NaiveDate, DctSource)>,
    /// The decoding warning, if any.
    pub warning: Option<String>,
}

/// One document of an input file ([`read_docs`]).
pub struct DocText {
    /// The document's name (the `doc` column): the file's, with the part of a mailbox message or
    /// an attachment added (`mail.eml#2-report.pdf`).
    pub doc: String,
    /// The kind of input it came from (`pdf`, `docx`, `email`, …).
    pub kind: &'static str,
    /// Its text, or (status, message) when it gives none: `failed`, `skipped`.
    pub read: std::result::Result<FileText, (&'static str, String)>,
}

/// The documents of a file as `extract` reads them, by format (TimeML: the content of `<TEXT>`;
/// HTML: the rendered text; PDF, Word, OpenDocument: their text (`input`); an e-mail: its subject,
/// a blank line, its text; anything else: the decoded file), each with the dates its markup and
/// metadata give and its decoding warning. An error names the file and the problem.
pub fn read_docs(path: &Path, max_bytes: u64) -> std::result::Result<Vec<DocText>, String> {
    let pieces = input::read_pieces(path, max_bytes).map_err(|e| e.to_string())?;
    let base = doc_name(path);
    let mut out = Vec::with_capacity(pieces.len());
    for p in pieces {
        let doc = format!("{base}{}", p.part);
        let read = p.outcome.and_then(|e| render(e).map_err(|m| ("failed", m)));
        let read = read.map_err(|(status, m)| if p.part.is_empty() { (status, m) } else { (status, format!("{doc}: {m}")) });
        out.push(DocText { doc, kind: p.kind.name(), read });
    }
    Ok(out)
}

/// The text of a file's first document (for the commands that take one text per file).
pub fn read_text(path: &Path, max_bytes: u64) -> std::result::Result<FileText, String> {
    let first = read_docs(path, max_bytes)?.into_iter().next().ok_or_else(|| format!("{}: no document in the file", path.display()))?;
    first.read.map_err(|(_, m)| m)
}

/// An extracted piece's text as the model reads it, with its dates.
fn render(e: input::Extracted) -> std::result::Result<FileText, String> {
    let mut markup: Option<(NaiveDate, DctSource)> = None;
    let metadata = match e.date {
        Some((d, input::DateFrom::Email)) => {
            markup = Some((d, DctSource::Email));
            None
        }
        Some((d, input::DateFrom::Pdf)) => Some((d, DctSource::Pdf)),
        Some((d, input::DateFrom::Docx)) => Some((d, DctSource::Docx)),
        Some((d, input::DateFrom::Odt)) => Some((d, DctSource::Odt)),
        None => None,
    };
    let body = match e.markup {
        input::Markup::Timeml => {
            let t = TimeMl::parse(&e.text).map_err(|e| e.to_string())?;
            markup = t.dct.map(|d| (d, DctSource::Timeml));
            t.plain_text()
        }
        input::Markup::Html => {
            markup = markup.or_else(|| dct::from_html(&e.text).map(|d| (d, DctSource::Html)));
            html2text::from_read(e.text.as_bytes(), usize::MAX / 4)
        }
        input::Markup::Plain => e.text,
    };
    let text = match e.headline {
        Some(h) => format!("{h}\n\n{body}"),
        None => body,
    };
    Ok(FileText { text, dct: markup, metadata, warning: e.warning })
}

/// Text and DCT of one document of a file.
fn load(path: &Path, read: FileText, opts: &Options) -> std::result::Result<Loaded, String> {
    let FileText { text, dct: found, metadata, warning } = read;
    let listed = opts.doc_dates.as_ref().and_then(|t| t.get(path));
    let evidence = DateEvidence {
        given: opts.doc_date.and_then(GivenDate::day),
        listed: listed.and_then(GivenDate::day),
        markup: found,
        // a year listed for the document, else the one given for all
        year: listed.or(opts.doc_date).and_then(GivenDate::year),
        metadata,
        text: &text,
    };
    let (dct, source) = evidence.choose(|| {
        opts.date_from_mtime.then(|| {
            let m = std::fs::metadata(path).and_then(|m| m.modified()).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok::<_, String>(chrono::DateTime::<chrono::Utc>::from(m).date_naive())
        })
    })?;
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

/// The fingerprint of a run over `inputs` (every input as named, in order): shards of one run
/// share it, and `merge` joins only those.
pub fn run_id(ner: &Ner, opts: &Options, inputs: &[String]) -> Result<record::RunId> {
    let settings = serde_json::json!({
        "min_score": opts.min_score,
        "doc_date": opts.doc_date.map(|d| d.to_string()),
        "doc_dates": opts.doc_dates.as_ref().map(DocDates::digest),
        "date_from_mtime": opts.date_from_mtime,
        "max_bytes": opts.max_bytes,
        "output": opts.settings,
    });
    Ok(record::RunId {
        entline: format!("{} {}", env!("CARGO_PKG_VERSION"), env!("ENTLINE_SOURCE_HASH")),
        model: ner.fingerprint()?,
        settings: record::list_digest([settings.to_string().as_str()]),
        inputs: record::list_digest(inputs.iter().map(String::as_str)),
    })
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
    mut notify: impl FnMut(Notice),
) -> Result<Summary> {
    let fp = fingerprint(&ner, opts)?;
    let inputs: Vec<String> = files.iter().chain(problems.iter().map(|(p, _)| p)).map(|p| doc_name(p)).collect();
    let run = run_id(&ner, opts, &inputs)?;
    let (_, parts) = opts.shard.unwrap_or((1, 1));
    let mut shard_inputs = vec![0; parts];
    for doc in &inputs {
        shard_inputs[record::shard_of(doc, parts)] += 1;
    }
    let out = &opts.out;
    std::fs::create_dir_all(out).map_err(|e| Error::write(out, e))?;
    let mine = |doc: &str| opts.shard.is_none_or(|(k, n)| record::shard_of(doc, n) + 1 == k);
    let mut entries: Vec<Entry> = Vec::new();
    for (k, (p, e)) in problems.into_iter().enumerate() {
        let doc = doc_name(&p);
        if mine(&doc) {
            entries.push(Entry { index: files.len() + k, doc, status: "skipped".into(), error: e, ..Default::default() });
        }
    }
    let todo: Vec<(usize, &PathBuf)> = files.iter().enumerate().filter(|(_, p)| mine(&doc_name(p))).collect();
    let mut tally = Tally { prog: Progress { files: entries.len(), ..Default::default() }, entries, ..Default::default() };
    for group in todo.chunks(opts.group_size.max(1)) {
        let clock = std::time::Instant::now();
        let fresh = tally.read_group(group, &fp, opts, &mut notify);
        tally.timings.read += clock.elapsed().as_secs_f64();
        let records = process(&ner, tagger, &fresh, opts.min_score, &mut tally.timings)?;
        let clock = std::time::Instant::now();
        tally.write_records(fresh, records, out)?;
        tally.timings.records += clock.elapsed().as_secs_f64();
        tally.prog.files += group.len();
        notify(Notice::Progress(tally.prog));
        release_free_memory();
    }
    let Tally { mut entries, mut timings, reused, .. } = tally;
    let clock = std::time::Instant::now();
    entries.sort_by_key(|e| (e.index, e.part));
    let manifest = record::Manifest {
        version: record::RECORD_VERSION,
        fingerprint: fp,
        settings: opts.settings.clone(),
        shard: opts.shard.map(|(k, n)| [k, n]),
        run: Some(run),
        shard_inputs,
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

/// What a run has done so far: the manifest's entries, progress, timings, records reused.
#[derive(Default)]
struct Tally {
    entries: Vec<Entry>,
    prog: Progress,
    timings: Timings,
    reused: usize,
}

impl Tally {
    /// Read the files of a group: the documents to process, as (index, doc, key, loaded); the ones
    /// whose record an earlier run left (with `--resume`) and the unreadable ones are entered.
    fn read_group(&mut self, group: &[(usize, &PathBuf)], fp: &str, opts: &Options, notify: &mut impl FnMut(Notice)) -> Vec<(Entry, Loaded)> {
        let loaded: Vec<_> = group.par_iter().map(|&(i, p)| (i, p, read_docs(p, opts.max_bytes))).collect();
        let mut fresh = Vec::new();
        for (i, p, r) in loaded {
            let docs = match r {
                Ok(docs) => docs,
                Err(e) => {
                    notify(Notice::Warning(Warning::Unreadable(e.clone())));
                    let kind = input::Kind::of(&p.to_string_lossy()).unwrap_or(input::Kind::Text).name();
                    self.entries.push(Entry { index: i, part: 0, doc: doc_name(p), kind: kind.into(), status: "failed".into(), error: e, key: None });
                    continue;
                }
            };
            for (part, DocText { doc, kind, read }) in docs.into_iter().enumerate() {
                let entry = |status: &str, error: String, key: Option<String>| Entry {
                    index: i,
                    part,
                    doc: doc.clone(),
                    kind: kind.into(),
                    status: status.into(),
                    error,
                    key,
                };
                let loaded = read.and_then(|t| load(p, t, opts).map_err(|e| ("failed", e)));
                match loaded {
                    Ok(l) => {
                        if let Some(w) = &l.warning {
                            notify(Notice::Warning(Warning::Decoding { path: PathBuf::from(&doc), msg: w.clone() }));
                        }
                        let key = record::record_key(fp, &doc, &date_str(l.dct), l.source.as_str(), &l.text);
                        match opts.resume.then(|| record::read_record(&opts.out, &key)).flatten() {
                            Some(rec) => {
                                self.reused += 1;
                                self.prog.mentions += rec.mentions.len();
                                self.prog.events += rec.event_mentions.len();
                                self.entries.push(entry("ok", String::new(), Some(key)));
                            }
                            None => fresh.push((entry("ok", String::new(), Some(key)), l)),
                        }
                    }
                    Err((status, e)) => {
                        if status == "failed" {
                            notify(Notice::Warning(Warning::Unreadable(e.clone())));
                        }
                        self.entries.push(entry(status, e, None));
                    }
                }
            }
        }
        fresh
    }

    /// Write the records of a group's processed documents into the cache under `out`.
    fn write_records(&mut self, fresh: Vec<(Entry, Loaded)>, records: Vec<DocRecord>, out: &Path) -> Result<()> {
        for ((entry, _), rec) in fresh.into_iter().zip(records) {
            record::write_record(out, entry.key.as_deref().unwrap_or_default(), &rec)?;
            self.prog.mentions += rec.mentions.len();
            self.prog.events += rec.event_mentions.len();
            self.entries.push(entry);
        }
        Ok(())
    }
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
pub(crate) fn process(ner: &Ner, tagger: &TimeTagger, docs: &[(Entry, Loaded)], min_score: f32, timings: &mut Timings) -> Result<Vec<DocRecord>> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let clock = std::time::Instant::now();
    let wdocs: Vec<WordDoc> = docs.par_iter().map(|(_, l)| WordDoc::from_text(&l.text)).collect();
    let mut tagged = ner.analyze_parsed(&wdocs)?;
    for t in &mut tagged {
        t.mentions.retain(|x| x.score >= min_score);
    }
    timings.model += clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let syntax_head = ner.syntax_head(); // plain data, shared by the threads (the model is not)
    let records = docs
        .par_iter()
        .zip(wdocs.par_iter())
        .zip(tagged.into_par_iter())
        .map(|(((entry, l), wd), t)| {
            // the tree of a model with a syntax head, its labels from the head's lists
            let deps = syntax_head.filter(|_| !t.syntax.is_empty()).map(|h| h.deps(&t.syntax));
            document::document_record(&entry.doc, l, wd, t.mentions, t.events, deps.as_deref(), tagger)
        })
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

fn date_str(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}
