//! The final tables, streamed from the per-document records: entities are normalized across all
//! documents from a compact, interned mention list; then every record is read once more and its
//! rows written straight to the output files. Event mentions are spilled to a temporary file while
//! a few numbers of each stay in memory to merge them into events across documents; then the
//! mentions are written with their event ids, the events (one row each, spilled again) in date
//! order, and the entity timelines. No table is held in memory.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::record::{self, DocRecord, Entry, OutputSettings};
use super::{DocumentRow, EntityRow, EventMentionRow, EventRec, Format, MentionRow, Summary, TimexRow};
use crate::entities::{self, DocEntities, MentionIn, Merged, Resolution, Resources, Strings};
use crate::error::{Error, Result};
use crate::events::participants::Role;
use crate::export::{self, Sink};
use crate::report::{ReportEntity, ReportWriter};
use crate::timeline::{self, cluster, predicate_key, Event, MentionKey};

/// The entities of one document's record.
fn record_entities(res: &Resources, rec: &DocRecord) -> DocEntities {
    let ms: Vec<MentionIn<'_>> = rec
        .mentions
        .iter()
        .map(|m| MentionIn { doc: 0, start: m.at.start, end: m.at.end, sentence: m.at.sentence_index, text: &m.at.text, label: &m.label })
        .collect();
    let acronyms: HashMap<String, String> = rec.acronyms.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    entities::document_entities(res, &ms, Some(&acronyms))
}

/// One table in each asked-for format.
struct Table {
    sinks: Vec<Sink>,
}

impl Table {
    fn open(out: &Path, name: &str, header: &[&str], settings: &OutputSettings) -> Result<Table> {
        let mut sinks = Vec::new();
        for f in &settings.formats {
            match f {
                Format::Csv => sinks.push(Sink::csv(&out.join(format!("{name}.csv")), header, settings.style())?),
                Format::Jsonl => sinks.push(Sink::jsonl(&out.join(format!("{name}.jsonl")))?),
                Format::Timelinejs => {}
            }
        }
        Ok(Table { sinks })
    }

    fn of<T: serde::Serialize + Default>(out: &Path, name: &str, settings: &OutputSettings) -> Result<Table> {
        let h = export::header_of::<T>();
        let hs: Vec<&str> = h.iter().map(String::as_str).collect();
        Self::open(out, name, &hs, settings)
    }

    fn push<T: serde::Serialize>(&mut self, row: &T) -> Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.push(row))
    }

    fn finish(self) -> Result<()> {
        self.sinks.into_iter().try_for_each(Sink::finish)
    }
}

/// Rows written to a temporary file as they come and read back in a chosen order, so that no
/// table is held in memory; or, for the library, simply kept in memory.
enum Spill<T> {
    File {
        path: PathBuf,
        w: BufWriter<std::fs::File>,
        pos: u64,
        /// (position, length) of each row
        index: Vec<(u64, usize)>,
    },
    Memory(Vec<T>),
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> Spill<T> {
    /// A spill file at `path`, or memory when there is no folder to spill to.
    fn new(path: Option<PathBuf>) -> Result<Spill<T>> {
        let Some(path) = path else { return Ok(Spill::Memory(Vec::new())) };
        let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Spill::File { path, w: BufWriter::new(f), pos: 0, index: Vec::new() })
    }

    fn push(&mut self, row: T) -> Result<()> {
        match self {
            Spill::Memory(rows) => rows.push(row),
            Spill::File { path, w, pos, index } => {
                let mut line = serde_json::to_vec(&row).map_err(|x| Error::input(path, x.to_string()))?;
                line.push(b'\n');
                w.write_all(&line).map_err(|x| Error::io(path, x))?;
                index.push((*pos, line.len()));
                *pos += line.len() as u64;
            }
        }
        Ok(())
    }

    fn len(&self) -> usize {
        match self {
            Spill::Memory(rows) => rows.len(),
            Spill::File { index, .. } => index.len(),
        }
    }

    /// Visit the rows in `order` (row numbers, each at most once; all rows in push order when
    /// `None`), then delete the file.
    fn visit(self, order: Option<Vec<usize>>, mut visit: impl FnMut(usize, T) -> Result<()>) -> Result<()> {
        let order = order.unwrap_or_else(|| (0..self.len()).collect());
        let (path, mut w, index) = match self {
            Spill::Memory(rows) => {
                let mut rows: Vec<Option<T>> = rows.into_iter().map(Some).collect();
                for i in order {
                    let row = rows.get_mut(i).and_then(Option::take).ok_or_else(|| Error::Other(format!("spilled row {i} visited twice")))?;
                    visit(i, row)?;
                }
                return Ok(());
            }
            Spill::File { path, w, index, .. } => (path, w, index),
        };
        w.flush().map_err(|x| Error::io(&path, x))?;
        let mut r = BufReader::new(std::fs::File::open(&path).map_err(|x| Error::io(&path, x))?);
        let mut buf = Vec::new();
        let mut at = 0u64;
        for i in order {
            let (pos, len) = index[i];
            if pos != at {
                r.seek(SeekFrom::Start(pos)).map_err(|x| Error::io(&path, x))?;
            }
            buf.resize(len, 0);
            r.read_exact(&mut buf).map_err(|x| Error::io(&path, x))?;
            at = pos + len as u64;
            let row: T = serde_json::from_slice(&buf).map_err(|x| Error::input(&path, x.to_string()))?;
            visit(i, row)?;
        }
        drop(r);
        let _ = std::fs::remove_file(&path);
        Ok(())
    }
}

/// Where the final tables go, row by row, in this order: mentions and time expressions (per
/// document), documents, entities, event mentions, events (in date order), entity timelines.
pub trait Tables {
    fn mention(&mut self, row: &MentionRow) -> Result<()>;
    fn timex(&mut self, row: &TimexRow) -> Result<()>;
    fn document(&mut self, row: &DocumentRow) -> Result<()>;
    /// All entity rows at once, most mentioned first (the report needs them before the events).
    fn entities(&mut self, rows: &[EntityRow]) -> Result<()>;
    fn event_mention(&mut self, row: &EventMentionRow) -> Result<()>;
    fn event(&mut self, row: &Event) -> Result<()>;
    fn timeline(&mut self, row: &TimelineRow) -> Result<()>;
}

/// The tables of a batch in memory, as [`crate::Pipeline::process_batch`] returns them: the rows
/// `entline extract` writes into its CSV files, in the same order.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Corpus {
    pub documents: Vec<DocumentRow>,
    pub mentions: Vec<MentionRow>,
    pub timexes: Vec<TimexRow>,
    pub event_mentions: Vec<EventMentionRow>,
    pub entities: Vec<EntityRow>,
    pub events: Vec<Event>,
    pub timelines: Vec<TimelineRow>,
}

impl Tables for Corpus {
    fn mention(&mut self, row: &MentionRow) -> Result<()> {
        self.mentions.push(row.clone());
        Ok(())
    }
    fn timex(&mut self, row: &TimexRow) -> Result<()> {
        self.timexes.push(row.clone());
        Ok(())
    }
    fn document(&mut self, row: &DocumentRow) -> Result<()> {
        self.documents.push(row.clone());
        Ok(())
    }
    fn entities(&mut self, rows: &[EntityRow]) -> Result<()> {
        self.entities.extend_from_slice(rows);
        Ok(())
    }
    fn event_mention(&mut self, row: &EventMentionRow) -> Result<()> {
        self.event_mentions.push(row.clone());
        Ok(())
    }
    fn event(&mut self, row: &Event) -> Result<()> {
        self.events.push(row.clone());
        Ok(())
    }
    fn timeline(&mut self, row: &TimelineRow) -> Result<()> {
        self.timelines.push(row.clone());
        Ok(())
    }
}

/// The tables as files in the output folder, in the formats asked for, with the TimelineJS sheet
/// and the HTML report.
struct TableFiles<'a> {
    out: &'a Path,
    settings: &'a OutputSettings,
    mentions: Table,
    timexes: Table,
    documents: Table,
    entities: Table,
    event_mentions: Table,
    events: Table,
    timelines: Table,
    tjs: Option<Sink>,
    report: Option<ReportWriter>,
}

impl<'a> TableFiles<'a> {
    fn create(out: &'a Path, settings: &'a OutputSettings) -> Result<Self> {
        Ok(TableFiles {
            out,
            settings,
            mentions: Table::of::<MentionRow>(out, "mentions", settings)?,
            timexes: Table::of::<TimexRow>(out, "timexes", settings)?,
            documents: Table::of::<DocumentRow>(out, "documents", settings)?,
            entities: Table::of::<EntityRow>(out, "entities", settings)?,
            event_mentions: Table::of::<EventMentionRow>(out, "event_mentions", settings)?,
            events: Table::of::<Event>(out, "events", settings)?,
            timelines: Table::of::<TimelineRow>(out, "timelines", settings)?,
            tjs: if settings.formats.contains(&Format::Timelinejs) {
                Some(Sink::csv(&out.join("timelinejs.csv"), export::TIMELINEJS_HEADER, settings.style())?)
            } else {
                None
            },
            report: None,
        })
    }

    fn finish(self) -> Result<()> {
        for t in [self.mentions, self.timexes, self.documents, self.entities, self.event_mentions, self.events, self.timelines] {
            t.finish()?;
        }
        if let Some(t) = self.tjs {
            t.finish()?;
        }
        if let Some(r) = self.report {
            r.finish()?;
        }
        Ok(())
    }
}

impl Tables for TableFiles<'_> {
    fn mention(&mut self, row: &MentionRow) -> Result<()> {
        self.mentions.push(row)
    }
    fn timex(&mut self, row: &TimexRow) -> Result<()> {
        self.timexes.push(row)
    }
    fn document(&mut self, row: &DocumentRow) -> Result<()> {
        self.documents.push(row)
    }
    fn entities(&mut self, rows: &[EntityRow]) -> Result<()> {
        for r in rows {
            self.entities.push(r)?;
        }
        if self.settings.report_top > 0 {
            let ents: Vec<ReportEntity> = rows
                .iter()
                .map(|r| ReportEntity {
                    name: r.name.clone(),
                    kind: r.kind.clone(),
                    mentions: r.mentions,
                    latitude: r.latitude,
                    longitude: r.longitude,
                })
                .collect();
            self.report = Some(ReportWriter::create(&self.out.join("timeline.html"), self.settings.report_top, &ents)?);
        }
        Ok(())
    }
    fn event_mention(&mut self, row: &EventMentionRow) -> Result<()> {
        self.event_mentions.push(row)
    }
    fn event(&mut self, e: &Event) -> Result<()> {
        self.events.push(e)?;
        if let Some(r) = &mut self.report {
            r.push(e)?;
        }
        if let Some(t) = &mut self.tjs {
            for row in export::timelinejs_rows(std::slice::from_ref(e)) {
                t.push_cells(&row)?;
            }
        }
        Ok(())
    }
    fn timeline(&mut self, row: &TimelineRow) -> Result<()> {
        self.timelines.push(row)
    }
}

/// An event mention on its way to the tables: its row, and what the event row needs if it is
/// the event's representative.
#[derive(serde::Serialize, serde::Deserialize)]
struct SpilledMention {
    row: EventMentionRow,
    /// Its document's index in the run.
    doc: u32,
    /// Its number among the mentions kept for merging (those with an entity).
    kept: Option<u32>,
    sentence: Option<super::SentenceRec>,
    dct: String,
    dct_source: String,
}

/// What the event and timeline tables need of an event mention in which an entity takes part,
/// kept in memory until the end (numbers; mentions without entities are not kept).
struct MentionFacts {
    key: MentionKey,
    offset: u32,
    trigger: u32,
    lemma: u32,
    cue: i8,
    /// Interned anchor precision and value.
    precision: u32,
    value: u32,
    has_sentence: bool,
}

/// Write every output table into `out` from the records of `sources` (each entry with the
/// output folder whose cache holds its record), in the entries' order.
pub fn finalize(sources: &[(Entry, PathBuf)], settings: &OutputSettings, out: &Path) -> Result<Summary> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let cache = record::cache_dir(out);
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    // spill files of killed runs
    for e in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().contains(".spill") {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let entries: Vec<Entry> = sources.iter().map(|(e, _)| e.clone()).collect();
    let load = |i: usize| -> Result<Option<DocRecord>> {
        let (entry, dir) = &sources[i];
        entry.key.as_ref().map(|key| record::load_record(dir, key)).transpose()
    };
    let mut files = TableFiles::create(out, settings)?;
    let summary = build_tables(&entries, &load, settings, Some(&cache), &mut files)?;
    files.finish()?;
    Ok(summary)
}

/// The tables of records in memory (the library's batch form): `records[i]` is the record of
/// `entries[i]`, `None` for an input that failed.
pub fn tables_of_records(entries: &[Entry], records: &[Option<DocRecord>], settings: &OutputSettings) -> Result<(Summary, Corpus)> {
    let mut rows = Corpus::default();
    let load = |i: usize| -> Result<Option<DocRecord>> { Ok(records.get(i).cloned().flatten()) };
    let summary = build_tables(entries, &load, settings, None, &mut rows)?;
    Ok((summary, rows))
}

/// Every table from the records of `entries` (`load(i)`: the record of entry i, read twice), in
/// the entries' order. Event mentions and events are spilled to files in `spill_dir`, or kept in
/// memory without one.
fn build_tables(
    entries: &[Entry],
    load: &dyn Fn(usize) -> Result<Option<DocRecord>>,
    settings: &OutputSettings,
    spill_dir: Option<&Path>,
    tables: &mut dyn Tables,
) -> Result<Summary> {
    let res = Resources::builtin()?;

    // ---- pass 1: each document's entities, kept as a few numbers each, merged across documents
    let mut merger = entities::Merger::default();
    for i in 0..entries.len() {
        match load(i)? {
            Some(rec) => merger.add(&record_entities(&res, &rec)),
            None => merger.add(&DocEntities::default()),
        }
    }
    let norm = merger.finish();

    // ---- pass 2: stream the rows of the per-document tables; event mentions to a spill file
    let pid = std::process::id();
    let spill_path = |name: &str| spill_dir.map(|d| d.join(format!("{name}.spill{pid}")));
    let mut pass = MentionPass::new(&norm, settings, spill_path("mentions"))?;
    for (d, entry) in entries.iter().enumerate() {
        pass.document(d, entry, load(d)?, &res, tables)?;
    }
    let MentionPass { spill, strings, facts, doc_rows, entity_mentions, mut summary, .. } = pass;

    // ---- events: clusters of the mentions in which an entity takes part
    let events = Clusters::of(&facts, settings.undated);
    let layout = Layout::of(&events, &facts, entries.len());

    // documents.csv (its event counts are known now)
    for (d, mut row) in doc_rows.into_iter().enumerate() {
        row.events = layout.events_per_doc[d];
        tables.document(&row)?;
    }

    // entities.csv
    let entity_rows = entity_rows(&norm, &entity_mentions, &layout.span);
    summary.entities = entity_rows.len();
    tables.entities(&entity_rows)?;

    let ctx = EventTables { entries, norm: &norm, facts: &facts, strings: &strings, events: &events };
    summary.events = ctx.write_events(spill, layout.event_order, spill_path("events"), tables)?;
    ctx.write_timelines(layout.timeline_rows, tables)?;
    Ok(summary)
}

/// Pass 2 over the records: the rows of the per-document tables go straight to the tables; of
/// the event mentions, what the event tables need is kept (facts, interned strings) and the rows
/// are spilled.
struct MentionPass<'a> {
    norm: &'a Merged,
    settings: &'a OutputSettings,
    spill: Spill<SpilledMention>,
    strings: Strings,
    facts: Vec<MentionFacts>,
    doc_rows: Vec<DocumentRow>,
    /// Mentions counted per corpus entity.
    entity_mentions: Vec<usize>,
    summary: Summary,
}

impl<'a> MentionPass<'a> {
    fn new(norm: &'a Merged, settings: &'a OutputSettings, spill_path: Option<PathBuf>) -> Result<Self> {
        Ok(MentionPass {
            norm,
            settings,
            spill: Spill::new(spill_path)?,
            strings: Strings::default(),
            facts: Vec::new(),
            doc_rows: Vec::new(),
            entity_mentions: vec![0; norm.entities.len()],
            summary: Summary::default(),
        })
    }

    /// Document `d` (`rec`: its record, `None` when it failed).
    fn document(&mut self, d: usize, entry: &Entry, rec: Option<DocRecord>, res: &Resources, tables: &mut dyn Tables) -> Result<()> {
        *self.summary.inputs.entry(entry.status.clone()).or_default() += 1;
        let Some(mut rec) = rec else {
            self.summary.failed += 1;
            self.doc_rows.push(DocumentRow {
                doc: entry.doc.clone(),
                dct_source: "none".into(),
                status: entry.status.clone(),
                error: entry.error.clone(),
                ..Default::default()
            });
            return Ok(());
        };
        self.summary.documents += 1;
        let entity_of = self.resolve_mentions(d, entry, &mut rec, res)?;
        write_mentions(&rec, &entity_of, self.norm, tables)?;
        for t in &rec.timexes {
            tables.timex(t)?;
        }
        let event_mentions = std::mem::take(&mut rec.event_mentions);
        let n_event_mentions = event_mentions.len();
        for e in event_mentions {
            self.event_mention(d, e, &rec, &entity_of)?;
        }
        self.summary.mentions += rec.mentions.len();
        self.summary.timexes += rec.timexes.len();
        self.doc_rows.push(DocumentRow {
            doc: rec.doc.clone(),
            dct: rec.dct.clone(),
            dct_source: rec.dct_source.clone(),
            status: entry.status.clone(),
            error: entry.error.clone(),
            sentences: rec.sentences,
            mentions: rec.mentions.len(),
            timexes: rec.timexes.len(),
            events: 0,
            event_mentions: n_event_mentions,
        });
        Ok(())
    }

    /// The corpus entity of each mention of document `d` (a demonym: its place), set in the
    /// mention rows and counted.
    fn resolve_mentions(&mut self, d: usize, entry: &Entry, rec: &mut DocRecord, res: &Resources) -> Result<Vec<Option<usize>>> {
        let local = record_entities(res, rec);
        if local.resolution.len() != rec.mentions.len() {
            return Err(Error::Other(format!("{}: mention list changed while the tables were written", entry.doc)));
        }
        let norm = self.norm;
        let mut entity_of: Vec<Option<usize>> = Vec::with_capacity(rec.mentions.len());
        for (m, r) in rec.mentions.iter_mut().zip(&local.resolution) {
            let (eid, reference) = match norm.resolve(d, *r) {
                Some(Resolution::Entity(e)) => (Some(e), "mention"),
                Some(Resolution::PlaceRef(e)) => (Some(e), "demonym"),
                None => (None, "none"),
            };
            let eid = eid.filter(|&e| e < norm.entities.len());
            if let Some(e) = eid {
                if reference == "mention" || self.settings.count_demonyms {
                    self.entity_mentions[e] += 1;
                }
                m.entity_id = norm.entities[e].id.clone();
            }
            m.reference = reference.to_string();
            entity_of.push(eid);
        }
        Ok(entity_of)
    }

    /// One event mention of document `d`: its row to the spill file, its facts kept when an
    /// entity takes part.
    fn event_mention(&mut self, d: usize, e: EventRec, rec: &DocRecord, entity_of: &[Option<usize>]) -> Result<()> {
        let norm = self.norm;
        let mut roles: Vec<(u32, Role)> = Vec::new();
        let (mut agents, mut participants, mut places, mut arguments, mut argument_text) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for a in &e.arguments {
            arguments.push(format!("{}:{}-{}", a.role.as_str(), a.start, a.end));
            argument_text.push(a.text.split_whitespace().collect::<Vec<_>>().join(" "));
            let Some(ent) = a.mention.and_then(|m| entity_of.get(m).copied().flatten()) else { continue };
            let id = norm.entities[ent].id.clone();
            match a.role {
                Role::Agent => agents.push(id),
                Role::Participant => participants.push(id),
                Role::Place => places.push(id),
            }
            if !roles.iter().any(|(x, _)| *x == ent as u32) {
                roles.push((ent as u32, a.role));
            }
        }
        let an = &e.anchor;
        let sentence = rec.event_sentences.get(&e.at.sentence_index).cloned();
        let strings = &mut self.strings;
        let facts = &mut self.facts;
        let kept = (!roles.is_empty()).then(|| {
            facts.push(MentionFacts {
                key: MentionKey {
                    doc: d as u32,
                    sentence: e.at.sentence_index as u32,
                    predicate: strings.id(&predicate_key(&e.attrs.lemma)),
                    reporting: e.attrs.class == "REPORTING",
                    negative: e.attrs.polarity == "NEG",
                    source: an.source,
                    range: an.range,
                    roles: roles.into(),
                },
                offset: e.at.start as u32,
                trigger: strings.id(&e.at.text),
                lemma: strings.id(&e.attrs.lemma),
                cue: an.cue,
                precision: strings.id(&an.precision),
                value: strings.id(&an.value),
                has_sentence: sentence.is_some(),
            });
            facts.len() as u32 - 1
        });
        let (date_start, date_end) = an.range.map(|(a, b)| (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string())).unwrap_or_default();
        self.spill.push(SpilledMention {
            row: EventMentionRow {
                at: e.at,
                attrs: e.attrs,
                score: e.score,
                event_id: String::new(),
                anchor_source: an.source.as_str().to_string(),
                anchor_text: an.text.clone(),
                anchor_value: an.value.clone(),
                date_start,
                date_end,
                precision: an.precision.clone(),
                agents: agents.join("; "),
                participants: participants.join("; "),
                places: places.join("; "),
                arguments: arguments.join("; "),
                argument_text: argument_text.join("; "),
            },
            doc: d as u32,
            kept,
            sentence,
            dct: rec.dct.clone(),
            dct_source: rec.dct_source.clone(),
        })
    }
}

/// Named mentions and resolved pronouns/descriptions of a record, in text order (`entity_of`:
/// the corpus entity of each named mention).
fn write_mentions(rec: &DocRecord, entity_of: &[Option<usize>], norm: &Merged, tables: &mut dyn Tables) -> Result<()> {
    let mut k = 0;
    for c in &rec.corefs {
        while k < rec.mentions.len() && rec.mentions[k].at.start <= c.at.start {
            tables.mention(&rec.mentions[k])?;
            k += 1;
        }
        let Some((ante, e)) = rec.mentions.get(c.antecedent).and_then(|a| entity_of[c.antecedent].map(|e| (a, e))) else { continue };
        let ent = &norm.entities[e];
        tables.mention(&MentionRow {
            at: c.at.clone(),
            label: ent.kind.clone(),
            score: ante.score,
            entity_id: ent.id.clone(),
            reference: c.kind.as_str().to_string(),
            extent: super::Extent {
                extent_start: c.at.start,
                extent_end: c.at.end,
                extent_char_start: c.at.char_start,
                extent_char_end: c.at.char_end,
                extent_text: c.at.text.clone(),
            },
        })?;
    }
    for m in &rec.mentions[k..] {
        tables.mention(m)?;
    }
    Ok(())
}

/// The events: clusters of the kept mentions, members of each contiguous (`members[span_of[r]]`
/// for a root r), with the representative mention and whether the event is listed.
struct Clusters {
    root: Vec<u32>,
    members: Vec<u32>,
    span_of: Vec<(u32, u32)>,
    rep_of: Vec<u32>,
    listed: Vec<bool>,
}

impl Clusters {
    fn of(facts: &[MentionFacts], undated: bool) -> Clusters {
        let root = cluster(facts, |f| &f.key);
        let n = facts.len();
        let mut members: Vec<u32> = (0..n as u32).collect();
        members.sort_unstable_by_key(|&i| (root[i as usize], i));
        let mut span_of: Vec<(u32, u32)> = vec![(0, 0); n];
        let mut rep_of: Vec<u32> = vec![u32::MAX; n];
        let mut listed: Vec<bool> = vec![false; n];
        let mut k = 0;
        while k < n {
            let r = root[members[k] as usize];
            let mut j = k;
            while j < n && root[members[j] as usize] == r {
                j += 1;
            }
            span_of[r as usize] = (k as u32, j as u32);
            // the representative: the best-anchored mention with a sentence, first in input order
            let rep = members[k..j].iter().copied().min_by_key(|&i| (!facts[i as usize].has_sentence, facts[i as usize].key.source, i)).unwrap_or(r);
            rep_of[r as usize] = rep;
            listed[r as usize] = undated || facts[rep as usize].key.range.is_some();
            k = j;
        }
        Clusters { root, members, span_of, rep_of, listed }
    }

    /// The roots (one per event).
    fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.root.len() as u32).filter(|&i| self.root[i as usize] == i)
    }

    /// The mentions of the event rooted at `r`.
    fn group(&self, r: u32) -> &[u32] {
        let (a, b) = self.span_of[r as usize];
        &self.members[a as usize..b as usize]
    }
}

/// Where the events go: per document the number of listed events, per entity the span of its
/// listed events, the listed events in date order and every entity's timeline rows.
struct Layout {
    events_per_doc: Vec<usize>,
    span: HashMap<u32, (NaiveDate, NaiveDate)>,
    /// (date, document, offset, representative) of the listed events
    event_order: Vec<(NaiveDate, u32, u32, u32)>,
    /// (entity, order key, first mention of the entity in the event, role)
    timeline_rows: Vec<(u32, timeline::OrderKey, u32, Role)>,
}

impl Layout {
    fn of(events: &Clusters, facts: &[MentionFacts], n_docs: usize) -> Layout {
        let mut layout = Layout { events_per_doc: vec![0; n_docs], span: HashMap::new(), event_order: Vec::new(), timeline_rows: Vec::new() };
        for r in events.roots() {
            let listed = events.listed[r as usize];
            let rep = &facts[events.rep_of[r as usize] as usize];
            let (start, end) = rep.key.range.unwrap_or((NaiveDate::MIN, NaiveDate::MIN));
            for (&e, &(role, first)) in &event_entities(events.group(r), facts) {
                let f = &facts[first as usize];
                layout.timeline_rows.push((e, (rep.key.range.is_none(), start, end, rep.cue, f.key.doc as usize, f.offset as usize), first, role));
                if let (true, Some((a, b))) = (listed, rep.key.range) {
                    let s = layout.span.entry(e).or_insert((a, b));
                    s.0 = s.0.min(a);
                    s.1 = s.1.max(b);
                }
            }
            if listed {
                layout.events_per_doc[rep.key.doc as usize] += 1;
                layout.event_order.push((
                    rep.key.range.map(|(a, _)| a).unwrap_or(NaiveDate::MAX),
                    rep.key.doc,
                    rep.offset,
                    events.rep_of[r as usize],
                ));
            }
        }
        layout
    }
}

/// The rows of entities.csv: the entities with a counted mention, most mentioned first.
fn entity_rows(norm: &Merged, entity_mentions: &[usize], span: &HashMap<u32, (NaiveDate, NaiveDate)>) -> Vec<EntityRow> {
    let mut rows: Vec<EntityRow> = norm
        .entities
        .iter()
        .enumerate()
        .filter(|(i, _)| entity_mentions[*i] > 0)
        .map(|(i, e)| {
            let (first, last) =
                span.get(&(i as u32)).map(|(a, b)| (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string())).unwrap_or_default();
            EntityRow {
                entity_id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                aliases: e.aliases.iter().cloned().collect::<Vec<_>>().join("; "),
                mentions: entity_mentions[i],
                documents: e.documents,
                first_date: first,
                last_date: last,
                geo_id: e.place.as_ref().map(|p| p.geo_id.clone()).unwrap_or_default(),
                country_code: e.place.as_ref().map(|p| p.country_code.clone()).unwrap_or_default(),
                latitude: e.place.as_ref().and_then(|p| p.latitude),
                longitude: e.place.as_ref().and_then(|p| p.longitude),
                geo_confidence: e.place.as_ref().map(|p| p.confidence.as_str().to_string()).unwrap_or_default(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.kind.cmp(&b.kind)).then(a.name.cmp(&b.name)));
    rows
}

/// What the event tables are written from.
struct EventTables<'a> {
    entries: &'a [Entry],
    norm: &'a Merged,
    facts: &'a [MentionFacts],
    strings: &'a Strings,
    events: &'a Clusters,
}

impl EventTables<'_> {
    fn event_id_at(&self, doc: u32, offset: u32) -> String {
        timeline::stable_id("ev", &[&self.entries[doc as usize].doc, &offset.to_string()])
    }

    /// The id of the event rooted at `r`.
    fn event_id(&self, r: u32) -> String {
        self.event_id_at(self.facts[r as usize].key.doc, self.facts[r as usize].offset)
    }

    /// The names of the entities of an event that `pick` (role, entity type) takes, sorted.
    fn names(&self, ents: &BTreeMap<u32, (Role, u32)>, pick: &dyn Fn(Role, &str) -> bool) -> String {
        let mut v: Vec<String> = ents
            .iter()
            .filter(|(&e, (role, _))| pick(*role, &self.norm.entities[e as usize].kind))
            .map(|(&e, _)| self.norm.entities[e as usize].name.clone())
            .collect();
        v.sort();
        v.dedup();
        v.join("; ")
    }

    /// event_mentions.csv in input order, with event ids; the event rows of the representatives
    /// to a second spill, then events.csv (and the TimelineJS sheet and the report) in date order.
    /// Returns the number of events.
    fn write_events(
        &self,
        spill: Spill<SpilledMention>,
        mut event_order: Vec<(NaiveDate, u32, u32, u32)>,
        spill_path: Option<PathBuf>,
        tables: &mut dyn Tables,
    ) -> Result<usize> {
        let mut event_spill: Spill<Event> = Spill::new(spill_path)?;
        let mut event_row_of: HashMap<u32, usize> = HashMap::new();
        spill.visit(None, |_, mut m| {
            let Some(i) = m.kept else {
                // no entity takes part: an event of its own, in no table but this one
                m.row.event_id = self.event_id_at(m.doc, m.row.at.start as u32);
                return tables.event_mention(&m.row);
            };
            let r = self.events.root[i as usize];
            m.row.event_id = self.event_id(r);
            tables.event_mention(&m.row)?;
            if self.events.rep_of[r as usize] != i || !self.events.listed[r as usize] {
                return Ok(());
            }
            event_row_of.insert(i, event_spill.len());
            event_spill.push(self.event_row(r, i, m))
        })?;
        event_order.sort_unstable();
        let order: Vec<usize> = event_order.iter().filter_map(|&(_, _, _, rep)| event_row_of.get(&rep).copied()).collect();
        let n = order.len();
        event_spill.visit(Some(order), |_, e| tables.event(&e))?;
        Ok(n)
    }

    /// The row of the event rooted at `r` from the mention `m` (kept as `i`) that represents it.
    fn event_row(&self, r: u32, i: u32, m: SpilledMention) -> Event {
        let group = self.events.group(r);
        let ents = event_entities(group, self.facts);
        let mut docs: Vec<u32> = group.iter().map(|&j| self.facts[j as usize].key.doc).collect();
        docs.sort_unstable();
        docs.dedup();
        let s = m.sentence.unwrap_or_default();
        Event {
            event_id: m.row.event_id,
            date_start: m.row.date_start,
            date_end: m.row.date_end,
            precision: m.row.precision,
            anchor_source: m.row.anchor_source,
            timex_text: m.row.anchor_text,
            timex_value: m.row.anchor_value,
            trigger: m.row.at.text,
            lemma: m.row.attrs.lemma,
            class: m.row.attrs.class,
            polarity: m.row.attrs.polarity,
            modality: m.row.attrs.modality,
            agents: self.names(&ents, &|role, _| role == Role::Agent),
            participants: self.names(&ents, &|role, _| role == Role::Participant),
            places: self.names(&ents, &|role, _| role == Role::Place),
            people: self.names(&ents, &|_, k| k == "PER"),
            organizations: self.names(&ents, &|_, k| k == "ORG"),
            locations: self.names(&ents, &|_, k| k == "LOC"),
            other_entities: self.names(&ents, &|_, k| !matches!(k, "PER" | "ORG" | "LOC")),
            sentence: s.text,
            doc: m.row.at.doc,
            sentence_index: m.row.at.sentence_index,
            start: s.start,
            end: s.end,
            char_start: s.char_start,
            char_end: s.char_end,
            mentions: group.len(),
            documents: docs.len(),
            dct: m.dct,
            dct_source: m.dct_source,
            undated: self.facts[i as usize].key.range.is_none(),
        }
    }

    /// timelines.csv: every entity's events in order (undated at position 0).
    fn write_timelines(&self, mut rows: Vec<(u32, timeline::OrderKey, u32, Role)>, tables: &mut dyn Tables) -> Result<()> {
        let (norm, facts, events) = (self.norm, self.facts, self.events);
        rows.sort_by(|a, b| norm.entities[a.0 as usize].id.cmp(&norm.entities[b.0 as usize].id).then(a.1.cmp(&b.1)));
        for timeline in rows.chunk_by(|a, b| a.0 == b.0) {
            let order_keys: Vec<timeline::OrderKey> = timeline.iter().map(|r| r.1).collect();
            let pos = timeline::positions(&order_keys);
            let ent = &norm.entities[timeline[0].0 as usize];
            for (&(_, _, first, role), p) in timeline.iter().zip(pos) {
                let f = &facts[first as usize];
                let r = events.root[first as usize];
                let rep = &facts[events.rep_of[r as usize] as usize];
                let (value, precision) = (self.strings.get(rep.value), self.strings.get(rep.precision).to_string());
                let range = rep.key.range;
                tables.timeline(&TimelineRow {
                    entity_id: ent.id.clone(),
                    name: ent.name.clone(),
                    kind: ent.kind.clone(),
                    position: p,
                    date: timeline::date_label(range, &precision, value),
                    date_start: range.map(|(a, _)| a.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                    date_end: range.map(|(_, b)| b.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                    precision,
                    undated: range.is_none(),
                    event_id: self.event_id(r),
                    role: role.as_str().to_string(),
                    trigger: self.strings.get(f.trigger).to_string(),
                    lemma: self.strings.get(f.lemma).to_string(),
                    doc: self.entries[f.key.doc as usize].doc.clone(),
                    sentence_index: f.key.sentence as usize,
                })?;
            }
        }
        Ok(())
    }
}

/// Every entity of an event (its mentions `members`) with its strongest role and the first
/// mention it takes part in.
fn event_entities(members: &[u32], facts: &[MentionFacts]) -> BTreeMap<u32, (Role, u32)> {
    let mut ents: BTreeMap<u32, (Role, u32)> = BTreeMap::new();
    for &i in members {
        for &(e, role) in facts[i as usize].key.roles.iter() {
            let slot = ents.entry(e).or_insert((role, i));
            if role < slot.0 {
                slot.0 = role;
            }
        }
    }
    ents
}

/// One row of timelines.csv: an event in an entity's timeline.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Default)]
pub struct TimelineRow {
    pub entity_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// 1, 2, … in time order (equal for events with the same anchor and no ordering cue); 0 = undated.
    pub position: usize,
    /// The anchor as precise as it is (2025, 2025-04, 2025-04-03).
    pub date: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    pub undated: bool,
    pub event_id: String,
    /// The entity's role: agent, participant or place.
    pub role: String,
    pub trigger: String,
    pub lemma: String,
    /// Where the entity's part in the event is first reported.
    pub doc: String,
    pub sentence_index: usize,
}

/// Read the manifests of shard output folders and write the merged tables into `out`: equal to
/// one run over all the shards' inputs.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Summary> {
    let mut sources: Vec<(Entry, PathBuf)> = Vec::new();
    let mut first: Option<(PathBuf, record::Manifest)> = None;
    for dir in dirs {
        let m = record::read_manifest(dir)?;
        if let Some((d0, m0)) = &first {
            if m.fingerprint != m0.fingerprint || m.settings != m0.settings {
                return Err(Error::input(dir, format!("made with another model or other settings than {}; cannot merge", d0.display())));
            }
        }
        sources.extend(m.entries.iter().cloned().map(|e| (e, dir.clone())));
        if first.is_none() {
            first = Some((dir.clone(), m));
        }
    }
    let Some((_, m0)) = first else {
        return Err(Error::Other("nothing to merge".into()));
    };
    sources.sort_by_key(|(e, _)| e.index);
    if let Some(w) = sources.windows(2).find(|w| w[0].0.index == w[1].0.index) {
        return Err(Error::input(&w[1].1, format!("input {} is in two of the merged folders (same shard twice?)", w[1].0.doc)));
    }
    finalize(&sources, &m0.settings, out)
}
