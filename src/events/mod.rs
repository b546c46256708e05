//! Event-mention stage: TimeML EVENT triggers found by the event head of the joint NER model
//! (one forward pass gives entities and events, see [`crate::ner::Ner::analyze`]), with their
//! class, polarity, modality, tense, aspect and part of speech, and the trigger's lemma.
//!
//! TimeML marks an event on one word: the head verb ("said", "will not deploy" → "deploy"), an
//! event nominal ("attack", "election") or a predicative state ("aware"). The head scores every
//! word of a document; a word is a trigger when its most probable class is not `O`. Attributes
//! come from the other heads at that word.

mod lemma;
pub mod timeml;

pub use lemma::lemma;
use serde::{Deserialize, Serialize};

use crate::ner::config::EventHeadConfig;
use crate::ner::WordDoc;

/// What the event head says of a trigger besides its class score (the columns of
/// event_mentions.csv after the location).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventAttributes {
    pub lemma: String,
    /// TimeML class: OCCURRENCE, REPORTING, STATE, I_ACTION, I_STATE, ASPECTUAL, PERCEPTION.
    pub class: String,
    /// POS or NEG.
    pub polarity: String,
    /// The modal word ("would", "could", ...), empty without one. TimeML writes "will" as tense
    /// FUTURE, not as a modality.
    pub modality: String,
    /// TimeML tense: PAST, PRESENT, FUTURE, INFINITIVE, PRESPART, PASTPART, NONE.
    pub tense: String,
    /// TimeML aspect: PROGRESSIVE, PERFECTIVE, PERFECTIVE_PROGRESSIVE, NONE.
    pub aspect: String,
    /// TimeML part of speech: VERB, NOUN, ADJECTIVE, PREPOSITION, OTHER, UNKNOWN.
    pub pos: String,
}

/// One event mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventMention {
    /// Sentence index within the document (as for entity mentions).
    pub sentence: usize,
    /// Word index within the document.
    pub word: usize,
    /// Byte offsets of the trigger into the document text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(flatten)]
    pub attrs: EventAttributes,
    /// Probability of the predicted class.
    pub score: f32,
}

/// Index of the largest value (the first one on ties).
fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in p.iter().enumerate() {
        if v > p[best] {
            best = i;
        }
    }
    best
}

/// Event mentions of a document from the event head's word probabilities (`head.width()` values
/// per word, in word order).
pub fn decode(doc: &WordDoc<'_>, probs: &[f32], head: &EventHeadConfig) -> Vec<EventMention> {
    let width = head.width();
    if width == 0 || probs.len() < doc.words.len() * width {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        for w in sent.clone() {
            let p = &probs[w * width..(w + 1) * width];
            let mut at = 0;
            let mut picked: Vec<(&str, &str, f32)> = Vec::with_capacity(head.heads.len());
            for h in &head.heads {
                let seg = &p[at..at + h.labels.len()];
                let i = argmax(seg);
                picked.push((h.name.as_str(), h.labels[i].as_str(), seg[i]));
                at += h.labels.len();
            }
            let (_, class, score) = picked[0];
            if class == "O" {
                continue;
            }
            let get = |name: &str, default: &str| -> String {
                picked.iter().find(|(n, _, _)| *n == name).map_or(default, |(_, l, _)| *l).to_string()
            };
            let token = doc.words[w];
            let text = token.text(doc.text);
            let pos = get("pos", "UNKNOWN");
            out.push(EventMention {
                sentence: si,
                word: w,
                start: token.start,
                end: token.end,
                text: text.to_string(),
                attrs: EventAttributes {
                    lemma: lemma(&crate::text::model_form(text), &pos),
                    class: class.to_string(),
                    polarity: get("polarity", "POS"),
                    modality: get("modality", ""),
                    tense: get("tense", "NONE"),
                    aspect: get("aspect", "NONE"),
                    pos,
                },
                score,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::config::EventHeadLabels;

    fn head() -> EventHeadConfig {
        let h = |name: &str, labels: &[&str]| EventHeadLabels { name: name.into(), labels: labels.iter().map(|s| s.to_string()).collect() };
        EventHeadConfig {
            weights: "event_head".into(),
            heads: vec![h("class", &["O", "OCCURRENCE", "REPORTING"]), h("polarity", &["POS", "NEG"]), h("pos", &["VERB", "NOUN"])],
        }
    }

    #[test]
    fn decodes_triggers_and_attributes() {
        let doc = WordDoc::from_text("Officials said troops did not attack.");
        // words: Officials said troops did not attack .
        let mut probs = Vec::new();
        for w in 0..doc.words.len() {
            let (class, pol): ([f32; 3], [f32; 2]) = match w {
                1 => ([0.1, 0.1, 0.8], [0.9, 0.1]),
                5 => ([0.2, 0.7, 0.1], [0.3, 0.7]),
                _ => ([0.9, 0.05, 0.05], [0.9, 0.1]),
            };
            probs.extend(class);
            probs.extend(pol);
            probs.extend([0.6, 0.4]);
        }
        let ev = decode(&doc, &probs, &head());
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].text.as_str(), ev[0].attrs.class.as_str(), ev[0].attrs.lemma.as_str()), ("said", "REPORTING", "say"));
        assert_eq!((ev[1].text.as_str(), ev[1].attrs.class.as_str(), ev[1].attrs.polarity.as_str()), ("attack", "OCCURRENCE", "NEG"));
        assert_eq!(&doc.text[ev[1].start..ev[1].end], "attack");
        assert_eq!(ev[1].attrs.modality, "");
        assert!((ev[0].score - 0.8).abs() < 1e-6);
    }

    #[test]
    fn short_probabilities_give_no_events() {
        let doc = WordDoc::from_text("Nothing here.");
        assert!(decode(&doc, &[0.5; 3], &head()).is_empty());
    }
}
