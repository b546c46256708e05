//! One document's record: its words, entity mentions and event mentions (from the model) become
//! the rows of the per-document tables — mentions with their noun-phrase extents, time
//! expressions, resolved pronouns and descriptions, and event mentions with participants and
//! time anchors.

use std::collections::BTreeMap;

use super::record::DocRecord;
use super::{date_str, Loaded};
use crate::coref::{self, CorefRec};
use crate::entities;
use crate::entities::rows::{Extent, MentionRow};
use crate::events::record::event_records;
use crate::events::EventMention;
use crate::ner::{Dep, Mention};
use crate::places::resolve::airport_context;
use crate::text::{CharOffsets, Layout, WordDoc};
use crate::time::{TimeTagger, Timex, TimexRow};

/// The record of one document from its words, entity mentions and event mentions.
/// `deps`: the dependency tree of every word, when the model parses.
pub(super) fn document_record(
    doc: &str,
    l: &Loaded,
    wd: &WordDoc<'_>,
    ms: Vec<Mention>,
    evs: Vec<EventMention>,
    deps: Option<&[Dep<'_>]>,
    tagger: &TimeTagger,
) -> DocRecord {
    let timexes = tagger.tag(&l.text, l.dct);
    let forms = wd.forms();
    let lay = Layout::new(doc, wd, &forms);
    let mention_rows = mention_rows(&lay, &ms);
    let timex_rows = timex_rows(&lay, &timexes);
    // pronouns and descriptions → named mentions
    let named: Vec<coref::Named<'_>> = ms.iter().map(|m| coref::Named { words: m.words.clone(), label: &m.label }).collect();
    let links = coref::resolve(&lay.words, &lay.sents, &named, &lay.chunks, deps);
    let mut co = CharOffsets::new(&l.text);
    let coref_rows: Vec<CorefRec> = links
        .iter()
        .map(|k| {
            let (s, e) = lay.byte_span(&k.words);
            CorefRec { at: lay.locate(&mut co, s, e, &l.text[s..e]), kind: k.kind, antecedent: k.antecedent }
        })
        .collect();
    let (event_mentions, event_sentences) = event_records(&lay, &named, &links, evs, &timexes, l.dct, deps);
    let acronyms: BTreeMap<String, String> =
        entities::acronym_definitions(&l.text, &ms.iter().map(|m| (m.start, m.end)).collect::<Vec<_>>()).into_iter().collect();
    DocRecord {
        doc: doc.to_string(),
        dct: date_str(l.dct),
        dct_source: l.source.as_str().to_string(),
        sentences: lay.spans.len(),
        mentions: mention_rows,
        corefs: coref_rows,
        timexes: timex_rows,
        event_mentions,
        event_sentences,
        acronyms,
        airport_sentences: lay
            .sents
            .iter()
            .enumerate()
            .filter(|(_, s)| airport_context(lay.words[(*s).clone()].iter().copied()))
            .map(|(i, _)| i)
            .collect(),
    }
}

/// The rows of the named mentions, with their noun-phrase extents.
fn mention_rows(lay: &Layout<'_>, ms: &[Mention]) -> Vec<MentionRow> {
    let ext = extent_starts(lay, ms);
    let mut co = CharOffsets::new(lay.text);
    let mut co_ext = CharOffsets::new(lay.text);
    ms.iter()
        .zip(ext)
        .map(|(m, es)| {
            let at = lay.locate(&mut co, m.start, m.end, &m.text);
            let extent = Extent {
                extent_start: es,
                extent_end: m.end,
                extent_char_start: co_ext.at(es),
                extent_char_end: at.char_end,
                extent_text: lay.text[es..m.end].to_string(),
            };
            MentionRow {
                at,
                label: m.label.clone(),
                score: (m.score as f64 * 10000.0).round() / 10000.0,
                entity_id: String::new(),
                reference: String::new(),
                extent,
            }
        })
        .collect()
}

fn timex_rows(lay: &Layout<'_>, timexes: &[Timex]) -> Vec<TimexRow> {
    let mut co = CharOffsets::new(lay.text);
    timexes
        .iter()
        .map(|t| TimexRow {
            at: lay.locate(&mut co, t.start, t.end, &t.text),
            kind: t.kind.as_str().to_string(),
            value: t.value.clone(),
            modifier: t.modifier.unwrap_or("").to_string(),
            anchored: !t.unresolved,
            rule: t.rule.clone(),
        })
        .collect()
}

/// Byte offset where the noun-phrase extent of each mention starts (`mentions`: one document's,
/// in text order).
fn extent_starts(lay: &Layout<'_>, mentions: &[Mention]) -> Vec<usize> {
    use crate::entities::extent::{self, Name};
    let (wd, words, sents, chunks) = (lay.wd, &lay.words, &lay.sents, &lay.chunks);
    let mut out: Vec<usize> = mentions.iter().map(|m| m.start).collect();
    let mut i = 0;
    while i < mentions.len() {
        let w = mentions[i].words.start;
        let si = sents.partition_point(|s| s.end <= w);
        let Some(sent) = sents.get(si).filter(|s| s.contains(&w)).cloned() else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j < mentions.len() && sent.contains(&mentions[j].words.start) {
            j += 1;
        }
        let names: Vec<Name> = mentions[i..j]
            .iter()
            .map(|m| Name { words: m.words.start - sent.start..m.words.end.min(sent.end) - sent.start, person: m.label == "PER" })
            .collect();
        for (k, s) in extent::extent_starts(&words[sent.clone()], &chunks[si], &names).into_iter().enumerate() {
            out[i + k] = wd.words[sent.start + s].start.min(mentions[i + k].start);
        }
        i = j;
    }
    out
}
