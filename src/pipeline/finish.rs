//! The final tables, streamed from the per-document records: entities are normalized across all
//! documents from a compact, interned mention list; then every record is read once more and its
//! rows written straight to the output files. Events are spilled to a temporary file and written
//! in date order through a sorted index, so no table is held in memory.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::record::{self, DocRecord, Entry, OutputSettings};
use super::{DocumentRow, EntityRow, EventMentionRow, Format, MentionRow, Summary, TimexRow, EVENT_HEADER};
use crate::entities::{self, DocEntities, MentionIn, Resolution, Resources};
use crate::error::{Error, Result};
use crate::export::{self, Sink};
use crate::report::{ReportEntity, ReportWriter};
use crate::timeline::{DocInfo, Event, Involved};

/// The entities of one document's record.
fn record_entities(res: &Resources, rec: &DocRecord) -> DocEntities {
    let ms: Vec<MentionIn<'_>> =
        rec.mentions.iter().map(|m| MentionIn { doc: 0, start: m.at.start, text: &m.at.text, label: &m.label }).collect();
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

/// Events written to a temporary file as they come, read back in sorted order.
struct Spill {
    path: PathBuf,
    w: BufWriter<std::fs::File>,
    pos: u64,
    /// (date_start, document index, offset, event id) → (position, length)
    index: Vec<((NaiveDate, usize, usize, String), u64, usize)>,
}

impl Spill {
    fn new(path: PathBuf) -> Result<Spill> {
        let f = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Spill { path, w: BufWriter::new(f), pos: 0, index: Vec::new() })
    }

    fn push(&mut self, e: &Event) -> Result<()> {
        let mut line = serde_json::to_vec(e).map_err(|x| Error::input(&self.path, x.to_string()))?;
        line.push(b'\n');
        self.w.write_all(&line).map_err(|x| Error::io(&self.path, x))?;
        let (d, i, o) = e.sort_key;
        self.index.push(((d, i, o, e.event_id.clone()), self.pos, line.len()));
        self.pos += line.len() as u64;
        Ok(())
    }

    /// Visit the events in date, document, offset order.
    fn sorted(mut self, mut visit: impl FnMut(Event) -> Result<()>) -> Result<()> {
        self.w.flush().map_err(|x| Error::io(&self.path, x))?;
        self.index.sort_by(|a, b| a.0.cmp(&b.0));
        let mut r = BufReader::new(std::fs::File::open(&self.path).map_err(|x| Error::io(&self.path, x))?);
        let mut buf = Vec::new();
        for (_, pos, len) in &self.index {
            r.seek(SeekFrom::Start(*pos)).map_err(|x| Error::io(&self.path, x))?;
            buf.resize(*len, 0);
            r.read_exact(&mut buf).map_err(|x| Error::io(&self.path, x))?;
            let e: Event = serde_json::from_slice(&buf).map_err(|x| Error::input(&self.path, x.to_string()))?;
            visit(e)?;
        }
        drop(r);
        let _ = std::fs::remove_file(&self.path);
        Ok(())
    }
}

/// Write every output table into `out` from the records of `sources` (each entry with the
/// output folder whose cache holds its record), in the entries' order.
pub fn finalize(sources: &[(Entry, PathBuf)], settings: &OutputSettings, out: &Path) -> Result<Summary> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let res = Resources::builtin()?;

    // ---- pass 1: each document's entities, kept as a few numbers each, merged across documents
    let mut merger = entities::Merger::default();
    for (entry, dir) in sources {
        match &entry.key {
            Some(key) => merger.add(&record_entities(&res, &record::load_record(dir, key)?)),
            None => merger.add(&DocEntities::default()),
        }
    }
    let norm = merger.finish();

    // ---- pass 2: stream the rows
    let cache = record::cache_dir(out);
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    // spill files of killed runs
    for e in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with("events.spill") {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let mut documents = Table::of::<DocumentRow>(out, "documents", settings)?;
    let mut mentions = Table::of::<MentionRow>(out, "mentions", settings)?;
    let mut timexes = Table::of::<TimexRow>(out, "timexes", settings)?;
    let mut event_mentions = Table::of::<EventMentionRow>(out, "event_mentions", settings)?;
    let mut spill = Spill::new(cache.join(format!("events.spill{}", std::process::id())))?;
    let mut entity_mentions = vec![0usize; norm.entities.len()];
    // first/last event dates per entity type+name
    let mut span: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut summary = Summary::default();
    for (d, (entry, dir)) in sources.iter().enumerate() {
        let Some(key) = &entry.key else {
            summary.failed += 1;
            documents.push(&DocumentRow {
                doc: entry.doc.clone(),
                dct_source: "none".into(),
                status: entry.status.clone(),
                error: entry.error.clone(),
                ..Default::default()
            })?;
            continue;
        };
        let mut rec = record::load_record(dir, key)?;
        summary.documents += 1;
        let mut involved: Vec<Involved> = Vec::new();
        let local = record_entities(&res, &rec);
        if local.resolution.len() != rec.mentions.len() {
            return Err(Error::Other(format!("{}: mention list changed while the tables were written", entry.doc)));
        }
        for (m, r) in rec.mentions.iter_mut().zip(&local.resolution) {
            let (eid, reference) = match norm.resolve(d, *r) {
                Some(Resolution::Entity(e)) => (Some(e), "mention"),
                Some(Resolution::PlaceRef(e)) => (Some(e), "demonym"),
                None => (None, "none"),
            };
            if let Some((e, ent)) = eid.and_then(|e| norm.entities.get(e).map(|ent| (e, ent))) {
                if reference == "mention" || settings.count_demonyms {
                    entity_mentions[e] += 1;
                }
                involved.push(Involved { sentence: m.at.sentence_index, name: ent.name.clone(), kind: ent.kind.clone() });
                m.entity_id = ent.id.clone();
            }
            m.reference = reference.to_string();
            mentions.push(m)?;
        }
        for t in &rec.timexes {
            timexes.push(t)?;
        }
        for e in &rec.event_mentions {
            event_mentions.push(e)?;
        }
        let info = DocInfo { doc: &rec.doc, index: d, dct: &rec.dct, dct_source: &rec.dct_source };
        let mut n_events = 0;
        for draft in &rec.events {
            let Some(e) = draft.finish(&info, &involved) else { continue };
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
            spill.push(&e)?;
            n_events += 1;
        }
        summary.mentions += rec.mentions.len();
        summary.timexes += rec.timexes.len();
        summary.events += n_events;
        documents.push(&DocumentRow {
            doc: rec.doc.clone(),
            dct: rec.dct.clone(),
            dct_source: rec.dct_source.clone(),
            status: entry.status.clone(),
            error: entry.error.clone(),
            sentences: rec.sentences,
            mentions: rec.mentions.len(),
            timexes: rec.timexes.len(),
            events: n_events,
            event_mentions: rec.event_mentions.len(),
        })?;
    }
    documents.finish()?;
    mentions.finish()?;
    timexes.finish()?;
    event_mentions.finish()?;

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
                documents: e.documents,
                first_date: first,
                last_date: last,
            }
        })
        .collect();
    entity_rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.kind.cmp(&b.kind)).then(a.name.cmp(&b.name)));
    summary.entities = entity_rows.len();
    let mut entities_t = Table::of::<EntityRow>(out, "entities", settings)?;
    for r in &entity_rows {
        entities_t.push(r)?;
    }
    entities_t.finish()?;

    let mut events = Table::open(out, "events", EVENT_HEADER, settings)?;
    let mut tjs = if settings.formats.contains(&Format::Timelinejs) {
        Some(Sink::csv(&out.join("timelinejs.csv"), export::TIMELINEJS_HEADER, settings.style())?)
    } else {
        None
    };
    let mut report = if settings.report_top > 0 {
        let ents: Vec<ReportEntity> =
            entity_rows.iter().map(|r| ReportEntity { name: r.name.clone(), kind: r.kind.clone(), mentions: r.mentions }).collect();
        Some(ReportWriter::create(&out.join("timeline.html"), settings.report_top, &ents)?)
    } else {
        None
    };
    spill.sorted(|e| {
        events.push(&e)?;
        if let Some(r) = &mut report {
            r.push(&e)?;
        }
        if let Some(t) = &mut tjs {
            for row in export::timelinejs_rows(std::slice::from_ref(&e)) {
                t.push_cells(&row)?;
            }
        }
        Ok(())
    })?;
    events.finish()?;
    if let Some(t) = tjs {
        t.finish()?;
    }
    if let Some(r) = report {
        r.finish()?;
    }
    Ok(summary)
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

