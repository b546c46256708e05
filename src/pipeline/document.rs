//! One document's record: its words, entity mentions and event mentions (from the model) become
//! the rows of the per-document tables — mentions with their noun-phrase extents, time
//! expressions, resolved pronouns and descriptions, and event mentions with participants and
//! time anchors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use super::record::DocRecord;
use super::{date_str, ArgumentRec, CorefRec, EventRec, Extent, Loaded, Located, MentionRow, SentenceRec, TimexRow};
use crate::coref;
use crate::entities;
use crate::events::{anchor, participants, EventMention};
use crate::ner::{Mention, WordDoc};
use crate::text::CharOffsets;
use crate::time::{TimeTagger, Timex};

/// A document's text as the stages after the model see it.
struct Layout<'a> {
    doc: &'a str,
    text: &'a str,
    wd: &'a WordDoc<'a>,
    /// The words as the model sees them.
    words: Vec<&'a str>,
    /// Sentences as word ranges, none empty (the `sentence_index` columns count these).
    sents: Vec<Range<usize>>,
    /// Byte span of each sentence.
    spans: Vec<(usize, usize)>,
    /// Base noun phrases of each sentence (word ranges within it).
    chunks: Vec<Vec<Range<usize>>>,
}

impl<'a> Layout<'a> {
    fn new(doc: &'a str, wd: &'a WordDoc<'a>, forms: &'a [Cow<'a, str>]) -> Self {
        let sents: Vec<Range<usize>> = wd.sentences.iter().filter(|s| !s.is_empty()).cloned().collect();
        let spans = sents.iter().map(|s| (wd.words[s.start].start, wd.words[s.end - 1].end)).collect();
        let words: Vec<&str> = forms.iter().map(|f| f.as_ref()).collect();
        let chunks = sents.iter().map(|s| crate::text::NpChunker::builtin().chunks(&words[s.clone()])).collect();
        Layout { doc, text: wd.text, wd, words, sents, spans, chunks }
    }

    fn sentence_of_word(&self, w: usize) -> usize {
        self.sents.partition_point(|s| s.end <= w)
    }

    /// Byte span of a word range.
    fn byte_span(&self, r: &Range<usize>) -> (usize, usize) {
        (self.wd.words[r.start].start, self.wd.words[r.end - 1].end)
    }

    fn locate(&self, co: &mut CharOffsets<'_>, start: usize, end: usize, text: &str) -> Located {
        Located::new(self.doc, &self.spans, co, start, end, text)
    }
}

/// The record of one document from its words, entity mentions and event mentions.
pub(super) fn document_record(doc: &str, l: &Loaded, wd: &WordDoc<'_>, ms: Vec<Mention>, evs: Vec<EventMention>, tagger: &TimeTagger) -> DocRecord {
    let timexes = tagger.tag(&l.text, l.dct);
    let forms: Vec<Cow<'_, str>> = wd.words.iter().map(|t| crate::text::model_form(t.text(wd.text))).collect();
    let lay = Layout::new(doc, wd, &forms);
    let mention_rows = mention_rows(&lay, &ms);
    let timex_rows = timex_rows(&lay, &timexes);
    // pronouns and descriptions → named mentions
    let named: Vec<coref::Named<'_>> = ms.iter().map(|m| coref::Named { words: m.words.clone(), label: &m.label }).collect();
    let links = coref::resolve(&lay.words, &lay.sents, &named, &lay.chunks);
    let mut co = CharOffsets::new(&l.text);
    let coref_rows: Vec<CorefRec> = links
        .iter()
        .map(|k| {
            let (s, e) = lay.byte_span(&k.words);
            CorefRec { at: lay.locate(&mut co, s, e, &l.text[s..e]), kind: k.kind, antecedent: k.antecedent }
        })
        .collect();
    let (event_mentions, event_sentences) = event_records(&lay, &ms, &links, evs, &timexes, l.dct);
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

/// The event mentions with their participants (named mentions and resolved `links`) and time
/// anchors, and the sentences of those in which an entity takes part.
fn event_records(
    lay: &Layout<'_>,
    ms: &[Mention],
    links: &[coref::Link],
    evs: Vec<EventMention>,
    timexes: &[Timex],
    dct: Option<chrono::NaiveDate>,
) -> (Vec<EventRec>, BTreeMap<usize, SentenceRec>) {
    // referents: named mentions and resolved links, in text order, each with its named mention
    let mut refs: Vec<(participants::Referent<'_>, usize)> =
        ms.iter().enumerate().map(|(i, m)| (participants::Referent { words: m.words.clone(), label: m.label.as_str() }, i)).collect();
    refs.extend(links.iter().map(|k| (participants::Referent { words: k.words.clone(), label: ms[k.antecedent].label.as_str() }, k.antecedent)));
    refs.sort_by_key(|(r, i)| (r.words.start, r.words.end, *i));
    let referents: Vec<participants::Referent<'_>> = refs.iter().map(|(r, _)| r.clone()).collect();
    let ev_sentence: Vec<usize> = evs.iter().map(|e| lay.sentence_of_word(e.word)).collect();
    let triggers: Vec<participants::Trigger<'_>> = evs
        .iter()
        .zip(&ev_sentence)
        .map(|(e, &s)| participants::Trigger { word: e.word, sentence: s, pos: &e.attrs.pos, tense: &e.attrs.tense, lemma: &e.attrs.lemma })
        .collect();
    let args = participants::find(&lay.words, &lay.sents, &lay.chunks, &referents, &triggers);

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
    let anchors = anchor::anchor(&events_in, &timex_in, &lower, dct);

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
