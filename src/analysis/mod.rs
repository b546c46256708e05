//! The library's front door: a [`Pipeline`] built once from a [`Config`] runs every stage of
//! `entline extract` — NER, time expressions, coreference, event mentions with their participants
//! and anchors, entities merged within and across documents, events — over texts in memory, and
//! returns the rows of entline's tables as typed, serializable values.
//!
//! ```
//! use entline::{Config, Document, Pipeline};
//!
//! let pipeline = Pipeline::new(Config::default())?;
//! let date = chrono::NaiveDate::from_ymd_opt(2025, 5, 5).expect("a date");
//! let doc = Document::new("President Trump met Mexican President Claudia Sheinbaum in Washington on Sunday.")
//!     .with_date(date);
//! let analysis = pipeline.process(&doc)?;
//! assert!(analysis.entities.iter().any(|e| e.name == "Claudia Sheinbaum" && e.kind == "PER"));
//! assert!(analysis.timexes.iter().any(|t| t.at.text == "Sunday" && t.value == "2025-05-04"));
//! for event in &analysis.events {
//!     println!("{} {} — agents: {}", event.date_start, event.trigger, event.agents);
//! }
//! # Ok::<(), entline::Error>(())
//! ```
//!
//! [`Pipeline::process_batch`] takes many documents at once: model batches span them, and the
//! entities and events of the returned [`Corpus`] are merged across them, as `extract` merges a
//! folder.

use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::ner::{self, Ner, NerOptions, Precision};
use crate::pipeline::finish::tables_of_records;
use crate::pipeline::record::{Entry, OutputSettings};
use crate::pipeline::{self, Loaded};
pub use crate::tables::Analysis;
use crate::tables::Corpus;
use crate::time::dct::DateEvidence;
use crate::time::TimeTagger;

/// How to build a [`Pipeline`]. `Config::default()` is the shipped model with the CLI's defaults.
///
/// ```
/// use entline::{ner::Precision, Config};
///
/// // f32 computation on two threads, with the shipped model
/// let config = Config { precision: Precision::F32, threads: Some(2), ..Config::default() };
/// assert!(config.model.is_none());
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Model folder, or a shipped tier's name ("fast", "accurate": [`ner::SHIPPED_MODELS`]);
    /// `None`: the default model (`$ENTLINE_MODEL`, else the shipped `models/entline-ner-minilm`).
    pub model: Option<PathBuf>,
    /// Number format of the model's computation.
    pub precision: Precision,
    /// Threads for libtorch and for entline's parallel stages; `None` leaves the process's
    /// settings alone (libtorch and rayon then use every core).
    pub threads: Option<usize>,
    /// Context windows per forward pass; `None`: the model's default for its precision
    /// ([`Ner::batch_size`]).
    pub batch_size: Option<usize>,
    /// Context window in subwords; `None`: the model's own.
    pub max_len: Option<usize>,
    /// Extra temporal pattern files (format of `src/time/rules/patterns.toml`), tried first.
    pub rules: Vec<PathBuf>,
    /// Entity mentions scored lower are dropped.
    pub min_score: f32,
    /// Count demonyms ("Mexican") as mentions of their place.
    pub count_demonyms: bool,
    /// Also list events without a date among the events (entity timelines always have them).
    pub undated: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            model: None,
            precision: Precision::Auto,
            threads: None,
            batch_size: None,
            max_len: None,
            rules: Vec::new(),
            min_score: 0.0,
            count_demonyms: false,
            undated: false,
        }
    }
}

impl Config {
    /// Load the model this configuration names (and apply `threads`).
    pub fn load_model(&self) -> Result<Ner> {
        if let Some(threads) = self.threads {
            let threads = threads.max(1);
            tch::set_num_threads(threads as i32);
            // the global pool can be set once per process; a later setting is ignored
            let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
        }
        let dir = self.model.as_deref().map_or_else(ner::default_model_dir, ner::model_dir);
        Ner::load(
            &dir.to_string_lossy(),
            NerOptions { batch_size: self.batch_size, max_len: self.max_len, precision: self.precision, ..Default::default() },
        )
    }

    fn output_settings(&self) -> OutputSettings {
        OutputSettings {
            formats: Vec::new(),
            excel: false,
            raw_csv: false,
            count_demonyms: self.count_demonyms,
            report_top: 0,
            undated: self.undated,
        }
    }
}

/// A text to analyse, with its name (the `doc` column) and its creation date, against which
/// "yesterday" or "last month" are resolved.
///
/// ```
/// use entline::Document;
///
/// let date = chrono::NaiveDate::from_ymd_opt(2025, 5, 5).expect("a date");
/// let doc = Document::new("Trump told reporters Sunday.").with_name("seed.txt").with_date(date);
/// assert_eq!((doc.name.as_str(), doc.date), ("seed.txt", Some(date)));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub name: String,
    pub text: String,
    /// The document's date; without one, a date line at the top of the text ("March 7, 2004")
    /// is used when there is one, else relative expressions keep X's (`XXXX-XX-XX`).
    pub date: Option<NaiveDate>,
}

impl Document {
    pub fn new(text: impl Into<String>) -> Self {
        Document { name: String::new(), text: text.into(), date: None }
    }

    pub fn with_date(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }

    /// The name the rows carry in their `doc` column (default: `doc1`, `doc2`, … by position).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

/// Runs entline's stages over documents in memory.
pub struct Pipeline {
    ner: Ner,
    tagger: TimeTagger,
    config: Config,
}

impl Pipeline {
    /// Load the model and the temporal rules.
    pub fn new(config: Config) -> Result<Self> {
        let ner = config.load_model()?;
        let tagger = TimeTagger::with_rule_files(&config.rules)?;
        Ok(Pipeline { ner, tagger, config })
    }

    /// The model, e.g. for [`Ner::extract`] alone.
    pub fn ner(&self) -> &Ner {
        &self.ner
    }

    /// The temporal tagger, e.g. for [`TimeTagger::tag`] alone.
    pub fn tagger(&self) -> &TimeTagger {
        &self.tagger
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The model and the tagger, for [`pipeline::run`].
    pub fn into_parts(self) -> (Ner, TimeTagger) {
        (self.ner, self.tagger)
    }

    /// Analyse one document.
    pub fn process(&self, doc: &Document) -> Result<Analysis> {
        self.process_batch(std::slice::from_ref(doc))?.into_analysis().ok_or_else(|| Error::Other("no document row".into()))
    }

    /// Analyse documents together: the model's batches span them, and entities and events are
    /// merged across them. The rows are those `entline extract` writes for the same texts and
    /// dates, in the same order.
    pub fn process_batch(&self, docs: &[Document]) -> Result<Corpus> {
        let loaded: Vec<(Entry, Loaded)> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let name = if d.name.is_empty() { format!("doc{}", i + 1) } else { d.name.clone() };
                let evidence = DateEvidence { given: d.date, text: &d.text, ..Default::default() };
                let Ok((dct, source)) = evidence.choose(|| None::<Result<NaiveDate, std::convert::Infallible>>);
                let entry = Entry { index: i, doc: name, kind: "text".into(), status: "ok".into(), key: Some(String::new()), ..Default::default() };
                (entry, Loaded { text: d.text.clone(), dct, source, warning: None })
            })
            .collect();
        let records = pipeline::process(&self.ner, &self.tagger, &loaded, self.config.min_score, &mut Default::default())?;
        let entries: Vec<Entry> = loaded.into_iter().map(|(e, _)| e).collect();
        let records: Vec<Option<_>> = records.into_iter().map(Some).collect();
        let (_, corpus) = tables_of_records(&entries, &records, &self.config.output_settings())?;
        Ok(corpus)
    }
}
