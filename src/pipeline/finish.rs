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
use super::{Format, MissingShard, Summary};
use crate::atomic;
use crate::entities::rows::entity_rows;
use crate::entities::{self, DocEntities, MentionIn, Merged, Resolution, Resources, Strings};
use crate::error::{Error, Result};
use crate::events::merge::{self, Clusters, Events, MentionFacts, SpilledMention};
use crate::events::record::EventRec;
use crate::export::{self, Sink};
use crate::report::{ReportEntity, ReportWriter};
use crate::tables::{self, Corpus, DocumentRow, EntityRow, Event, Extent, MentionRow, Row, Tables};
use crate::timeline::{self, Layout};

/// The entities of one document's record.
fn record_entities(res: &Resources, rec: &DocRecord) -> DocEntities {
    let ms: Vec<MentionIn<'_>> = rec
        .mentions
        .iter()
        .map(|m| MentionIn {
            doc: 0,
            start: m.at.start,
            end: m.at.end,
            sentence: m.at.sentence_index,
            text: &m.at.text,
            label: &m.label,
            airport_context: rec.airport_sentences.binary_search(&m.at.sentence_index).is_ok(),
        })
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
                Format::Timelinejs | Format::Xlsx => {}
            }
        }
        Ok(Table { sinks })
    }

    fn push<T: serde::Serialize>(&mut self, row: &T) -> Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.push(row))
    }

    fn finish(self) -> Result<()> {
        self.sinks.into_iter().try_for_each(Sink::finish)
    }
}

/// Rows written to a temporary file as they come and read back in a chosen order, so that no
/// table is held in memory; or, for the library, simply kept in memory. The file has no name
/// (`tempfile::tempfile_in`): it goes when dropped, whatever happens, even when the process is killed.
enum Spill<T> {
    File {
        /// The folder of the file, for messages.
        dir: PathBuf,
        w: BufWriter<std::fs::File>,
        pos: u64,
        /// (position, length) of each row
        index: Vec<(u64, usize)>,
    },
    Memory(Vec<T>),
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> Spill<T> {
    /// A spill file in `dir`, or memory when there is no folder to spill to.
    fn new(dir: Option<&Path>) -> Result<Spill<T>> {
        let Some(dir) = dir else { return Ok(Spill::Memory(Vec::new())) };
        let f = tempfile::tempfile_in(dir).map_err(|e| Error::write(dir, e))?;
        Ok(Spill::File { dir: dir.to_path_buf(), w: BufWriter::new(f), pos: 0, index: Vec::new() })
    }

    fn push(&mut self, row: T) -> Result<()> {
        match self {
            Spill::Memory(rows) => rows.push(row),
            Spill::File { dir, w, pos, index } => {
                let mut line = serde_json::to_vec(&row).map_err(|x| Error::input(dir, x.to_string()))?;
                line.push(b'\n');
                w.write_all(&line).map_err(|x| Error::write(dir, x))?;
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
    /// `None`); the file goes with it.
    fn visit(self, order: Option<Vec<usize>>, mut visit: impl FnMut(usize, T) -> Result<()>) -> Result<()> {
        let order = order.unwrap_or_else(|| (0..self.len()).collect());
        let (dir, w, index) = match self {
            Spill::Memory(rows) => {
                let mut rows: Vec<Option<T>> = rows.into_iter().map(Some).collect();
                for i in order {
                    let row = rows.get_mut(i).and_then(Option::take).ok_or_else(|| Error::Other(format!("spilled row {i} visited twice")))?;
                    visit(i, row)?;
                }
                return Ok(());
            }
            Spill::File { dir, w, index, .. } => (dir, w, index),
        };
        let mut f = w.into_inner().map_err(|x| Error::write(&dir, x.into_error()))?;
        f.seek(SeekFrom::Start(0)).map_err(|x| Error::io(&dir, x))?;
        let mut r = BufReader::new(f);
        let mut buf = Vec::new();
        let mut at = 0u64;
        for i in order {
            let (pos, len) = index[i];
            if pos != at {
                r.seek(SeekFrom::Start(pos)).map_err(|x| Error::io(&dir, x))?;
            }
            buf.resize(len, 0);
            r.read_exact(&mut buf).map_err(|x| Error::io(&dir, x))?;
            at = pos + len as u64;
            let row: T = serde_json::from_slice(&buf).map_err(|x| Error::input(&dir, x.to_string()))?;
            visit(i, row)?;
        }
        Ok(())
    }
}

/// The tables as files in the output folder, in the formats asked for, with the TimelineJS sheet
/// and the HTML report.
struct TableFiles<'a> {
    out: &'a Path,
    settings: &'a OutputSettings,
    /// Every table of [`tables::tables`], by name.
    tables: Vec<(&'static str, Table)>,
    tjs: Option<Sink>,
    /// `entline.xlsx`, every table a sheet.
    xlsx: Option<export::XlsxBook>,
    report: Option<ReportWriter>,
    /// The documents read, by kind (for the report).
    kinds: BTreeMap<String, usize>,
}

impl<'a> TableFiles<'a> {
    fn create(out: &'a Path, settings: &'a OutputSettings) -> Result<Self> {
        let mut files = Vec::new();
        let all = tables::tables();
        for (name, columns) in &all {
            let header: Vec<&str> = columns.iter().map(String::as_str).collect();
            files.push((*name, Table::open(out, name, &header, settings)?));
        }
        let xlsx = if settings.formats.contains(&Format::Xlsx) { Some(export::XlsxBook::create(&out.join("entline.xlsx"), &all)?) } else { None };
        Ok(TableFiles {
            out,
            settings,
            tables: files,
            tjs: if settings.formats.contains(&Format::Timelinejs) {
                Some(Sink::csv(&out.join("timelinejs.csv"), export::TIMELINEJS_HEADER, settings.style())?)
            } else {
                None
            },
            xlsx,
            report: None,
            kinds: BTreeMap::new(),
        })
    }

    fn finish(self) -> Result<()> {
        for (_, t) in self.tables {
            t.finish()?;
        }
        if let Some(t) = self.tjs {
            t.finish()?;
        }
        if let Some(x) = self.xlsx {
            x.finish()?;
        }
        if let Some(r) = self.report {
            r.finish()?;
        }
        Ok(())
    }
}

impl Tables for TableFiles<'_> {
    fn row<R: Row>(&mut self, row: &R) -> Result<()> {
        if let Some(x) = &mut self.xlsx {
            x.push(R::TABLE, row)?;
        }
        match self.tables.iter_mut().find(|(name, _)| *name == R::TABLE) {
            Some((_, t)) => t.push(row),
            None => Err(Error::Other(format!("no table {}", R::TABLE))),
        }
    }

    fn document(&mut self, row: &DocumentRow) -> Result<()> {
        if let Some(kind) = row.kind_read() {
            *self.kinds.entry(kind.to_string()).or_default() += 1;
        }
        self.row(row)
    }

    fn entities(&mut self, rows: &[EntityRow]) -> Result<()> {
        for r in rows {
            self.row(r)?;
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
            self.report = Some(ReportWriter::create(&self.out.join("timeline.html"), self.settings.report_top, &ents, &self.kinds)?);
        }
        Ok(())
    }

    fn event(&mut self, e: &Event) -> Result<()> {
        self.row(e)?;
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
}

/// Write every output table into `out` from the records of `sources` (each entry with the
/// output folder whose cache holds its record), in the entries' order.
pub fn finalize(sources: &[(Entry, PathBuf)], settings: &OutputSettings, out: &Path) -> Result<Summary> {
    std::fs::create_dir_all(out).map_err(|e| Error::write(out, e))?;
    let cache = record::cache_dir(out);
    std::fs::create_dir_all(&cache).map_err(|e| Error::write(&cache, e))?;
    // temporary files of killed runs
    atomic::remove_leftovers(out);
    atomic::remove_leftovers(&cache);
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
    tables: &mut impl Tables,
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
    let mut pass = MentionPass::new(&norm, settings, spill_dir)?;
    for (d, entry) in entries.iter().enumerate() {
        pass.document(d, entry, load(d)?, &res, tables)?;
    }
    let MentionPass { spill, strings, facts, doc_rows, entity_mentions, without_date, mut summary, .. } = pass;
    summary.kinds = tables::kinds_read(&doc_rows);

    // ---- events: clusters of the mentions in which an entity takes part
    let clusters = Clusters::of(&facts, settings.undated);
    let layout = Layout::of(&clusters, &facts, entries.len());
    // the events without a date that events.csv leaves out, counted (by the representative's document)
    summary.events_left_out = layout.left_out_per_doc.iter().sum();
    summary.events_left_out_without_date = layout.left_out_per_doc.iter().zip(&without_date).filter(|(_, &w)| w).map(|(n, _)| n).sum();

    // documents.csv (its event counts are known now)
    for (d, mut row) in doc_rows.into_iter().enumerate() {
        row.events = layout.events_per_doc[d];
        tables.document(&row)?;
    }

    // entities.csv
    let entity_rows = entity_rows(&norm, &entity_mentions, &layout.span);
    summary.entities = entity_rows.len();
    tables.entities(&entity_rows)?;

    let events =
        Events { docs: entries.iter().map(|e| e.doc.as_str()).collect(), norm: &norm, facts: &facts, strings: &strings, clusters: &clusters };
    summary.events = write_events(&events, spill, layout.event_order, spill_dir, tables)?;
    timeline::timeline_rows(&events, layout.timeline_rows, |row| tables.row(&row))?;
    Ok(summary)
}

/// event_mentions.csv in input order, with event ids; the event rows of the representatives to a
/// second spill, then events.csv (and the TimelineJS sheet and the report) in date order. Returns
/// the number of events.
fn write_events(
    events: &Events<'_>,
    spill: Spill<SpilledMention>,
    mut event_order: Vec<(NaiveDate, u32, u32, u32)>,
    spill_dir: Option<&Path>,
    tables: &mut impl Tables,
) -> Result<usize> {
    let mut event_spill: Spill<Event> = Spill::new(spill_dir)?;
    let mut event_row_of: HashMap<u32, usize> = HashMap::new();
    spill.visit(None, |_, mut m| {
        let rep = events.assign(&mut m);
        tables.row(&m.row)?;
        let (Some(r), Some(i)) = (rep, m.kept) else { return Ok(()) };
        event_row_of.insert(i, event_spill.len());
        event_spill.push(events.event_row(r, m))
    })?;
    event_order.sort_unstable();
    let order: Vec<usize> = event_order.iter().filter_map(|&(_, _, _, rep)| event_row_of.get(&rep).copied()).collect();
    let n = order.len();
    event_spill.visit(Some(order), |_, e| tables.event(&e))?;
    Ok(n)
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
    /// Per document: whether it has no document date.
    without_date: Vec<bool>,
    summary: Summary,
}

impl<'a> MentionPass<'a> {
    fn new(norm: &'a Merged, settings: &'a OutputSettings, spill_dir: Option<&Path>) -> Result<Self> {
        Ok(MentionPass {
            norm,
            settings,
            spill: Spill::new(spill_dir)?,
            strings: Strings::default(),
            facts: Vec::new(),
            doc_rows: Vec::new(),
            entity_mentions: vec![0; norm.entities.len()],
            without_date: Vec::new(),
            summary: Summary::default(),
        })
    }

    /// Document `d` (`rec`: its record, `None` when it failed, or stands for a missing shard).
    fn document(&mut self, d: usize, entry: &Entry, rec: Option<DocRecord>, res: &Resources, tables: &mut impl Tables) -> Result<()> {
        if entry.status != MISSING {
            *self.summary.inputs.entry(entry.status.clone()).or_default() += 1;
        }
        if entry.status != "ok" {
            self.summary.problems.push((entry.doc.clone(), entry.status.clone(), entry.error.clone()));
        }
        self.without_date.push(rec.as_ref().is_some_and(|r| r.dct.is_empty()));
        let Some(mut rec) = rec else {
            self.summary.failed += usize::from(entry.status != MISSING && !entry.left_out_by_kind());
            self.doc_rows.push(DocumentRow {
                doc: entry.doc.clone(),
                // a skipped piece (an attachment of a kind entline does not read) has none
                kind: if entry.status == "skipped" { String::new() } else { entry.kind.clone() },
                dct_source: "none".into(),
                status: entry.status.clone(),
                error: entry.error.clone(),
                ..Default::default()
            });
            return Ok(());
        };
        self.summary.documents += 1;
        if rec.dct.is_empty() {
            self.summary.without_date.push(rec.doc.clone());
        }
        let entity_of = self.resolve_mentions(d, entry, &mut rec, res)?;
        write_mentions(&rec, &entity_of, self.norm, tables)?;
        for t in &rec.timexes {
            tables.row(t)?;
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
            kind: entry.kind.clone(),
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
        let sentence = rec.event_sentences.get(&e.at.sentence_index).cloned();
        let entity = |m: usize| entity_of.get(m).copied().flatten().map(|ent| (ent, norm.entities[ent].id.as_str()));
        let m = merge::spilled_mention(d, e, sentence, (&rec.dct, &rec.dct_source), entity, &mut self.strings, &mut self.facts);
        self.spill.push(m)
    }
}

/// Named mentions and resolved pronouns/descriptions of a record, in text order (`entity_of`:
/// the corpus entity of each named mention).
fn write_mentions(rec: &DocRecord, entity_of: &[Option<usize>], norm: &Merged, tables: &mut impl Tables) -> Result<()> {
    let mut k = 0;
    for c in &rec.corefs {
        while k < rec.mentions.len() && rec.mentions[k].at.start <= c.at.start {
            tables.row(&rec.mentions[k])?;
            k += 1;
        }
        let Some((ante, e)) = rec.mentions.get(c.antecedent).and_then(|a| entity_of[c.antecedent].map(|e| (a, e))) else { continue };
        let ent = &norm.entities[e];
        tables.row(&MentionRow {
            at: c.at.clone(),
            label: ent.kind.clone(),
            score: ante.score,
            entity_id: ent.id.clone(),
            reference: c.kind.as_str().to_string(),
            extent: Extent {
                extent_start: c.at.start,
                extent_end: c.at.end,
                extent_char_start: c.at.char_start,
                extent_char_end: c.at.char_end,
                extent_text: c.at.text.clone(),
            },
        })?;
    }
    for m in &rec.mentions[k..] {
        tables.row(m)?;
    }
    Ok(())
}

/// `documents.csv` status of the row that stands for a shard `merge --allow-partial` went without.
pub const MISSING: &str = "missing";

/// Read the manifests of shard output folders and write the merged tables into `out`: equal to
/// one run over all the shards' inputs. The N shards of one run must all be there, once each
/// (one run: the same [`record::RunId`]), else nothing is written and the error names the
/// missing, repeated and foreign shards. With `allow_partial` missing shards are gone without:
/// each gets a row in documents.csv (status `missing`, doc `<shard K/N>`) and is listed in
/// [`Summary::missing_shards`].
pub fn merge(dirs: &[PathBuf], out: &Path, allow_partial: bool) -> Result<Summary> {
    let mut shards: Vec<(PathBuf, record::Manifest)> = Vec::new();
    for dir in dirs {
        let m = record::read_manifest(dir)?;
        if m.run.is_none() {
            return Err(Error::input(
                dir,
                "its manifest has no run fingerprint (written by an earlier entline): run its `entline extract` again with --resume, \
                 which reuses its documents, then merge",
            ));
        }
        m.check_shard(dir)?;
        shards.push((dir.clone(), m));
    }
    let Some((d0, m0)) = shards.first() else {
        return Err(Error::Other("nothing to merge".into()));
    };
    let (_, n) = m0.shard();
    let mut problems = Vec::new();
    let mut by_k: BTreeMap<usize, &Path> = BTreeMap::new();
    for (dir, m) in &shards {
        let (k, nk) = m.shard();
        let mut differs = match (&m0.run, &m.run) {
            (Some(a), Some(b)) => a.differences(b),
            _ => Vec::new(),
        };
        if nk != n {
            differs.insert(0, "number of shards");
        }
        if !differs.is_empty() {
            problems.push(format!("{} (shard {k}/{nk}) is from another run than {}: different {}", dir.display(), d0.display(), differs.join(", ")));
        } else if let Some(first) = by_k.insert(k, dir) {
            problems.push(format!("shard {k}/{n} is in two of the merged folders: {} and {}", first.display(), dir.display()));
        }
    }
    let missing: Vec<usize> = (1..=n).filter(|k| !by_k.contains_key(k)).collect();
    if !missing.is_empty() && !allow_partial {
        let names: Vec<String> = missing.iter().map(|k| format!("{k}/{n}")).collect();
        problems.push(format!(
            "shard {} missing: run entline extract … --shard {} for it and merge again, or merge with --allow-partial to go without",
            names.join(", "),
            names[0]
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Other(format!("cannot merge: {}", problems.join("; "))));
    }
    let mut sources: Vec<(Entry, PathBuf)> = Vec::new();
    for (dir, m) in &shards {
        sources.extend(m.entries.iter().cloned().map(|e| (e, dir.clone())));
    }
    sources.sort_by_key(|(e, _)| (e.index, e.part));
    if let Some(w) = sources.windows(2).find(|w| (w[0].0.index, w[0].0.part) == (w[1].0.index, w[1].0.part)) {
        return Err(Error::input(&w[1].1, format!("input {} is in two of the merged folders", w[1].0.doc)));
    }
    // the missing shards, one row each after every input
    let total: usize = m0.shard_inputs.iter().sum();
    let mut gone = Vec::new();
    for k in missing {
        let shard = format!("{k}/{n}");
        let inputs = m0.shard_inputs.get(k - 1).copied().unwrap_or(0);
        let error = format!("shard {shard} was not merged: its {inputs} input(s) are not in these tables");
        sources.push((Entry { index: total + k, doc: format!("<shard {shard}>"), status: MISSING.into(), error, ..Default::default() }, d0.clone()));
        gone.push(MissingShard { shard, inputs });
    }
    let mut summary = finalize(&sources, &m0.settings, out)?;
    if !gone.is_empty() {
        summary.inputs.insert(MISSING.into(), gone.iter().map(|g| g.inputs).sum());
    }
    summary.missing_shards = gone;
    Ok(summary)
}
