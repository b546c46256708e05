//! The whole extraction: files → text → NER → temporal expressions → entities → events → tables.
//! The CLI's `extract` is a thin layer over [`run`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::entities::{self, MentionIn, Resolution, Resources};
use crate::error::Result;
use crate::export::{self, CsvStyle};
use crate::input;
use crate::ner::{Mention, Ner, WordDoc};
use crate::text::CharOffsets;
use crate::time::dct::{self, DctSource, DocDates};
use crate::time::{timeml::TimeMl, TimeTagger, Timex};
use crate::timeline::{self, DocEvents, Event, Involved};

/// Output formats (several may be asked for at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
    pub undated: bool,
    pub count_demonyms: bool,
    /// Mentions with a lower confidence are dropped.
    pub min_score: f32,
    pub formats: Vec<Format>,
    pub style: CsvStyle,
    /// Documents read and tagged together (NER batches span them).
    pub group_size: usize,
    /// Print warnings (legacy encodings, missing document dates) on stderr.
    pub warnings: bool,
    /// Size limit of one input file.
    pub max_bytes: u64,
}

/// A processed document.
pub struct DocResult {
    pub doc: String,
    pub text: String,
    pub dct: Option<NaiveDate>,
    pub dct_source: DctSource,
    pub status: &'static str,
    pub error: String,
    pub sentences: Vec<(usize, usize)>,
    pub mentions: Vec<Mention>,
    pub timexes: Vec<Timex>,
}

#[derive(Debug, Serialize, Default)]
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
}

/// Where a span of text is: the leading columns of mentions.csv and timexes.csv.
#[derive(Debug, Serialize, Default)]
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
    fn new(doc: &DocResult, co: &mut CharOffsets<'_>, start: usize, end: usize, text: &str) -> Self {
        Located {
            doc: doc.doc.clone(),
            sentence_index: sentence_of(&doc.sentences, start),
            start,
            end,
            char_start: co.at(start),
            char_end: co.at(end),
            text: text.to_string(),
        }
    }
}

#[derive(Debug, Serialize, Default)]
pub struct MentionRow {
    #[serde(flatten)]
    pub at: Located,
    pub label: String,
    pub score: f64,
    pub entity_id: String,
    /// `mention`, or `demonym` for an adjective referring to a place ("Mexican").
    pub reference: String,
}

#[derive(Debug, Serialize, Default)]
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

#[derive(Debug, Serialize, Default)]
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
}

pub const EVENT_HEADER: &[&str] = &[
    "event_id", "date_start", "date_end", "precision", "timex_text", "timex_value", "people", "organizations", "places",
    "other_entities", "trigger", "sentence", "doc", "char_start", "char_end", "start", "end", "dct", "dct_source", "undated",
];

/// Summary of a run, for the CLI.
#[derive(Debug, Default)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub mentions: usize,
    pub entities: usize,
    pub events: usize,
    pub timexes: usize,
}

/// Text and DCT of a file, by format.
fn load(path: &Path, opts: &Options) -> std::result::Result<(String, Option<NaiveDate>, DctSource, Option<String>), String> {
    let raw = input::read(path, opts.max_bytes).map_err(|e| e.to_string())?;
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
    Ok((text, dct, source, raw.warning))
}

/// Process files (already expanded) and write the output tables into `opts.out`.
pub fn run(
    ner: &Ner,
    tagger: &TimeTagger,
    files: &[PathBuf],
    pre_failed: Vec<(PathBuf, String)>,
    opts: &Options,
    mut progress: impl FnMut(usize),
) -> Result<Summary> {
    let mut docs: Vec<DocResult> = pre_failed
        .into_iter()
        .map(|(p, e)| failed_doc(&p, e, "skipped"))
        .collect();
    for group in files.chunks(opts.group_size.max(1)) {
        let loaded: Vec<(PathBuf, std::result::Result<(String, Option<NaiveDate>, DctSource, Option<String>), String>)> =
            group.par_iter().map(|p| (p.clone(), load(p, opts))).collect();
        let mut ok: Vec<(PathBuf, String, Option<NaiveDate>, DctSource)> = Vec::new();
        for (p, r) in loaded {
            match r {
                Ok((text, dct, src, warning)) => {
                    if let (Some(w), true) = (warning, opts.warnings) {
                        eprintln!("entline: warning: {}: {w}", p.display());
                    }
                    ok.push((p, text, dct, src));
                }
                Err(e) => {
                    eprintln!("entline: {e}");
                    docs.push(failed_doc(&p, e, "failed"));
                }
            }
        }
        let wdocs: Vec<WordDoc> = ok.par_iter().map(|(_, t, _, _)| WordDoc::from_text(t)).collect();
        let mut mentions = ner.extract(&wdocs)?;
        for m in &mut mentions {
            m.retain(|x| x.score >= opts.min_score);
        }
        // sentence spans (byte offsets); NER sentence indices refer to this list
        let spans: Vec<Vec<(usize, usize)>> = wdocs
            .iter()
            .map(|wd| wd.sentences.iter().filter(|s| !s.is_empty()).map(|s| (wd.words[s.start].start, wd.words[s.end - 1].end)).collect())
            .collect();
        drop(wdocs);
        let timexes: Vec<Vec<Timex>> = ok.par_iter().map(|(_, t, d, _)| tagger.tag(t, *d)).collect();
        for ((((p, text, dct, src), sentences), m), tx) in ok.into_iter().zip(spans).zip(mentions).zip(timexes) {
            if opts.warnings && dct.is_none() && tx.iter().any(|t| t.unresolved) {
                eprintln!("entline: warning: {}: no document date; relative dates left unresolved (use --doc-date)", p.display());
            }
            docs.push(DocResult {
                doc: doc_name(&p),
                text,
                dct,
                dct_source: src,
                status: "ok",
                error: String::new(),
                sentences,
                mentions: m,
                timexes: tx,
            });
        }
        progress(docs.len());
    }
    // keep the input order for every table
    let order: HashMap<String, usize> = files.iter().enumerate().map(|(i, p)| (doc_name(p), i)).collect();
    docs.sort_by_key(|d| order.get(&d.doc).copied().unwrap_or(usize::MAX));
    write_outputs(&docs, opts)
}

/// The `doc` column of a path: as given, `<stdin>` for `-`.
fn doc_name(p: &Path) -> String {
    if p.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        p.to_string_lossy().into_owned()
    }
}

fn failed_doc(p: &Path, e: String, status: &'static str) -> DocResult {
    DocResult {
        doc: doc_name(p),
        text: String::new(),
        dct: None,
        dct_source: DctSource::None,
        status,
        error: e,
        sentences: Vec::new(),
        mentions: Vec::new(),
        timexes: Vec::new(),
    }
}

fn sentence_of(sentences: &[(usize, usize)], pos: usize) -> usize {
    sentences.partition_point(|&(_, e)| e <= pos).min(sentences.len().saturating_sub(1))
}

fn date_str(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Normalize entities across all documents, build events, write every table.
pub fn write_outputs(docs: &[DocResult], opts: &Options) -> Result<Summary> {
    let res = Resources::builtin()?;
    let mut ins: Vec<MentionIn> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for m in &doc.mentions {
            ins.push(MentionIn { doc: d, start: m.start, text: &m.text, label: &m.label });
        }
    }
    let acronyms: Vec<HashMap<String, String>> = docs
        .iter()
        .map(|d| entities::acronym_definitions(&d.text, &d.mentions.iter().map(|m| (m.start, m.end)).collect::<Vec<_>>()))
        .collect();
    let norm = entities::normalize(&res, &ins, &acronyms);

    let mut mention_rows = Vec::new();
    let mut involved: Vec<Vec<Involved>> = vec![Vec::new(); docs.len()];
    let mut k = 0;
    let mut entity_mentions = vec![0usize; norm.entities.len()];
    for (d, doc) in docs.iter().enumerate() {
        let mut co = CharOffsets::new(&doc.text);
        for m in &doc.mentions {
            let r = &norm.resolution[k];
            k += 1;
            let at = Located::new(doc, &mut co, m.start, m.end, &m.text);
            let (eid, reference, ent) = match r {
                Resolution::Entity(e) => (*e, "mention", norm.entities.get(*e)),
                Resolution::PlaceRef(e) => (*e, "demonym", norm.entities.get(*e)),
            };
            if let Some(ent) = ent {
                if reference == "mention" || opts.count_demonyms {
                    entity_mentions[eid] += 1;
                }
                involved[d].push(Involved { sentence: at.sentence_index, name: ent.name.clone(), kind: ent.kind.clone() });
            }
            mention_rows.push(MentionRow {
                at,
                label: m.label.clone(),
                score: (m.score as f64 * 10000.0).round() / 10000.0,
                entity_id: ent.map(|e| e.id.clone()).unwrap_or_default(),
                reference: reference.to_string(),
            });
        }
    }

    let mut events: Vec<Event> = Vec::new();
    let mut doc_events = vec![0usize; docs.len()];
    for (d, doc) in docs.iter().enumerate() {
        let ev = timeline::events(&DocEvents {
            doc: &doc.doc,
            doc_index: d,
            text: &doc.text,
            sentences: &doc.sentences,
            timexes: &doc.timexes,
            involved: &involved[d],
            dct: doc.dct,
            dct_source: doc.dct_source.as_str(),
            undated: opts.undated,
        });
        doc_events[d] = ev.len();
        events.extend(ev);
    }
    timeline::sort(&mut events);

    // first/last event dates per entity name+type
    let mut span: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for e in &events {
        for (kind, list) in [("PER", &e.people), ("ORG", &e.organizations), ("LOC", &e.places)] {
            for name in list.split("; ").filter(|s| !s.is_empty()) {
                let s = span.entry((kind.to_string(), name.to_string())).or_insert((e.date_start.clone(), e.date_end.clone()));
                if e.date_start < s.0 {
                    s.0 = e.date_start.clone();
                }
                if e.date_end > s.1 {
                    s.1 = e.date_end.clone();
                }
            }
        }
    }
    let mut entity_rows: Vec<EntityRow> = norm
        .entities
        .iter()
        .enumerate()
        .filter(|(i, _)| entity_mentions[*i] > 0)
        .map(|(i, e)| {
            let (first, last) = span.get(&(e.kind.clone(), e.name.clone())).cloned().unwrap_or_default();
            EntityRow {
                entity_id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                aliases: e.aliases.iter().cloned().collect::<Vec<_>>().join("; "),
                mentions: entity_mentions[i],
                documents: e.documents.len(),
                first_date: first,
                last_date: last,
            }
        })
        .collect();
    entity_rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.kind.cmp(&b.kind)).then(a.name.cmp(&b.name)));

    let mut timex_rows = Vec::new();
    for doc in docs {
        let mut co = CharOffsets::new(&doc.text);
        for t in &doc.timexes {
            timex_rows.push(TimexRow {
                at: Located::new(doc, &mut co, t.start, t.end, &t.text),
                kind: t.kind.as_str().to_string(),
                value: t.value.clone(),
                modifier: t.modifier.unwrap_or("").to_string(),
                anchored: !t.unresolved,
                rule: t.rule.clone(),
            });
        }
    }
    let doc_rows: Vec<DocumentRow> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| DocumentRow {
            doc: doc.doc.clone(),
            dct: date_str(doc.dct),
            dct_source: doc.dct_source.as_str().to_string(),
            status: doc.status.to_string(),
            error: doc.error.clone(),
            sentences: doc.sentences.len(),
            mentions: doc.mentions.len(),
            timexes: doc.timexes.len(),
            events: doc_events[d],
        })
        .collect();

    std::fs::create_dir_all(&opts.out).map_err(|e| crate::Error::io(&opts.out, e))?;
    let out = &opts.out;
    for f in &opts.formats {
        match f {
            Format::Csv => {
                write_table::<DocumentRow>(&out.join("documents.csv"), &doc_rows, opts.style)?;
                write_table::<MentionRow>(&out.join("mentions.csv"), &mention_rows, opts.style)?;
                write_table::<TimexRow>(&out.join("timexes.csv"), &timex_rows, opts.style)?;
                write_table::<EntityRow>(&out.join("entities.csv"), &entity_rows, opts.style)?;
                export::write_csv(&out.join("events.csv"), EVENT_HEADER, &events, opts.style)?;
            }
            Format::Jsonl => {
                export::write_jsonl(&out.join("documents.jsonl"), &doc_rows)?;
                export::write_jsonl(&out.join("mentions.jsonl"), &mention_rows)?;
                export::write_jsonl(&out.join("timexes.jsonl"), &timex_rows)?;
                export::write_jsonl(&out.join("entities.jsonl"), &entity_rows)?;
                export::write_jsonl(&out.join("events.jsonl"), &events)?;
            }
            Format::Timelinejs => export::write_timelinejs(&out.join("timelinejs.csv"), &events, opts.style)?,
        }
    }
    Ok(Summary {
        documents: docs.iter().filter(|d| d.status == "ok").count(),
        failed: docs.iter().filter(|d| d.status != "ok").count(),
        mentions: mention_rows.len(),
        entities: entity_rows.len(),
        events: events.len(),
        timexes: timex_rows.len(),
    })
}

fn write_table<T: Serialize + Default>(path: &Path, rows: &[T], style: CsvStyle) -> Result<()> {
    let h = export::header_of::<T>();
    let hs: Vec<&str> = h.iter().map(String::as_str).collect();
    export::write_csv(path, &hs, rows, style)
}
