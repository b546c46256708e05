//! An event mention as a document's record keeps it ([`EventRec`]: trigger, attributes, anchor,
//! arguments) and as event_mentions.csv and events.csv show it ([`EventMentionRow`], [`Event`]);
//! [`event_records`] makes the records of one document from the model's event mentions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::anchor::{self, Anchor};
use super::participants::{self, Role};
use super::{EventAttributes, EventMention};
use crate::coref;
use crate::ner::deptree::DepTree;
use crate::ner::Dep;
use crate::text::{CharOffsets, Layout, Located};
use crate::time::Timex;

/// One row of event_mentions.csv: a TimeML event trigger found by the model's event head, the
/// event it belongs to, its anchor and its arguments.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct EventMentionRow {
    #[serde(flatten)]
    pub at: Located,
    #[serde(flatten)]
    pub attrs: EventAttributes,
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
    pub role: Role,
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
    pub attrs: EventAttributes,
    pub score: f64,
    pub anchor: Anchor,
    pub arguments: Vec<ArgumentRec>,
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

/// One row of events.csv: an event (a cluster of event mentions).
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default)]
pub struct Event {
    pub event_id: String,
    /// The anchor's date range (empty when undated).
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    /// timex, dct, narrative or none.
    pub anchor_source: String,
    /// The time expression (empty unless anchor_source is timex or narrative) and its value.
    pub timex_text: String,
    pub timex_value: String,
    pub trigger: String,
    pub lemma: String,
    pub class: String,
    pub polarity: String,
    pub modality: String,
    /// Canonical names, `; `-joined: who does it, who or what else takes part, where.
    pub agents: String,
    pub participants: String,
    pub places: String,
    /// Every entity involved, by type (the columns of earlier versions; the report's lanes).
    pub people: String,
    pub organizations: String,
    pub locations: String,
    pub other_entities: String,
    /// The representative mention's sentence, whitespace folded, and where it is.
    pub sentence: String,
    pub doc: String,
    pub sentence_index: usize,
    /// Byte offsets of the sentence in the document.
    pub start: usize,
    pub end: usize,
    /// Code-point offsets of the sentence.
    pub char_start: usize,
    pub char_end: usize,
    /// Event mentions and documents that report it.
    pub mentions: usize,
    pub documents: usize,
    pub dct: String,
    pub dct_source: String,
    pub undated: bool,
}

/// The event mentions with their participants (named mentions and resolved `links`) and time
/// anchors, and the sentences of those in which an entity takes part. Participants are read from
/// the dependency tree when there is one (`deps`, one per word: [`super::tree`]), else from the
/// clause structure over noun phrases ([`participants::find`]).
#[allow(clippy::too_many_arguments)]
pub fn event_records(
    lay: &Layout<'_>,
    ms: &[coref::Named<'_>],
    links: &[coref::Link],
    evs: Vec<EventMention>,
    timexes: &[Timex],
    dct: Option<NaiveDate>,
    deps: Option<&[Dep<'_>]>,
) -> (Vec<EventRec>, BTreeMap<usize, SentenceRec>) {
    // referents: named mentions and resolved links, in text order, each with its named mention
    let mut refs: Vec<(participants::Referent<'_>, usize)> =
        ms.iter().enumerate().map(|(i, m)| (participants::Referent { words: m.words.clone(), label: m.label }, i)).collect();
    refs.extend(links.iter().map(|k| (participants::Referent { words: k.words.clone(), label: ms[k.antecedent].label }, k.antecedent)));
    refs.sort_by_key(|(r, i)| (r.words.start, r.words.end, *i));
    let referents: Vec<participants::Referent<'_>> = refs.iter().map(|(r, _)| r.clone()).collect();
    let ev_sentence: Vec<usize> = evs.iter().map(|e| lay.sentence_of_word(e.word)).collect();
    let triggers: Vec<participants::Trigger<'_>> = evs
        .iter()
        .zip(&ev_sentence)
        .map(|(e, &s)| participants::Trigger { word: e.word, sentence: s, pos: &e.attrs.pos, tense: &e.attrs.tense, lemma: &e.attrs.lemma })
        .collect();
    let tree = deps.filter(|d| d.len() == lay.words.len()).map(|d| DepTree::new(&lay.words, d));
    let args = match &tree {
        Some(tree) => super::tree::find(tree, &referents, &triggers),
        None => participants::find(&lay.words, &lay.sents, &lay.chunks, &referents, &triggers),
    };

    // anchors
    let lower: Vec<String> = lay.words.iter().map(|w| w.to_lowercase()).collect();
    let timex_in: Vec<anchor::TimexIn<'_>> = timexes
        .iter()
        .filter_map(|t| {
            let a = lay.wd.words.partition_point(|w| w.end <= t.start);
            let b = lay.wd.words.partition_point(|w| w.start < t.end);
            (a < b).then(|| anchor::TimexIn { words: a..b, sentence: lay.sentence_of_word(a), timex: t })
        })
        .collect();
    let events_in: Vec<anchor::EventIn<'_>> = evs
        .iter()
        .zip(&ev_sentence)
        .map(|(e, &s)| anchor::EventIn {
            word: e.word,
            sentence: s,
            class: &e.attrs.class,
            tense: &e.attrs.tense,
            aspect: &e.attrs.aspect,
            pos: &e.attrs.pos,
        })
        .collect();
    let anchors = anchor::anchor(&events_in, &timex_in, &lower, dct, tree.as_ref());

    let text = lay.text;
    let mut co = CharOffsets::new(text);
    let mut co_sent = CharOffsets::new(text);
    let mut event_sentences: BTreeMap<usize, SentenceRec> = BTreeMap::new();
    let mut event_rows: Vec<EventRec> = Vec::with_capacity(evs.len());
    for ((e, a), (anchor, &si)) in evs.into_iter().zip(args).zip(anchors.into_iter().zip(&ev_sentence)) {
        // a time expression is the event's anchor, not a participant
        let arguments: Vec<ArgumentRec> = a
            .into_iter()
            .filter(|x| !timex_in.iter().any(|t| t.words.start < x.words.end && x.words.start < t.words.end))
            .map(|x| {
                let (s, t) = lay.byte_span(&x.words);
                ArgumentRec { role: x.role, start: s, end: t, text: text[s..t].to_string(), mention: x.referent.map(|r| refs[r].1) }
            })
            .collect();
        if arguments.iter().any(|x| x.mention.is_some()) && !event_sentences.contains_key(&si) {
            if let Some(&(ss, se)) = lay.spans.get(si) {
                let (char_start, char_end) = (co_sent.at(ss), co_sent.at(se));
                event_sentences.insert(
                    si,
                    SentenceRec { start: ss, end: se, char_start, char_end, text: text[ss..se].split_whitespace().collect::<Vec<_>>().join(" ") },
                );
            }
        }
        event_rows.push(EventRec {
            at: lay.locate(&mut co, e.start, e.end, &e.text),
            attrs: e.attrs,
            score: (e.score as f64 * 10000.0).round() / 10000.0,
            anchor,
            arguments,
        });
    }
    (event_rows, event_sentences)
}
