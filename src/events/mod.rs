//! Event-mention stage: TimeML EVENT triggers found by the event head of the joint NER model
//! (one forward pass gives entities and events, see `ner::Ner::analyze`), with their
//! class, polarity, modality, tense, aspect and part of speech, and the trigger's lemma.
//!
//! TimeML marks an event on one word: the head verb ("said", "will not deploy" → "deploy"), an
//! event nominal ("attack", "election") or a predicative state ("aware"). The head scores every
//! word of a document; a word is a trigger when its most probable class is not `O`. Attributes
//! come from the other heads at that word.

pub mod anchor;
pub mod head;
mod lemma;
pub mod merge;
pub mod participants;
pub mod record;
pub mod timeml;
pub mod tree;

pub use lemma::lemma;
use serde::{Deserialize, Serialize};

use crate::text::WordDoc;
pub use head::{ClassPrior, EventHeadConfig};

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

/// Modal auxiliaries as the tokenizer leaves them ("can't" → "ca" + "n't") and the modality
/// TimeML writes for each ("will" and "shall" are tense FUTURE in TimeML, not modalities).
const MODALS: &[(&str, &str)] = &[
    ("can", "can"),
    ("ca", "can"),
    ("cannot", "can"),
    ("could", "could"),
    ("may", "may"),
    ("might", "might"),
    ("must", "must"),
    ("should", "should"),
    ("would", "would"),
];

/// Words between a modal and the verb it governs ("could not have been killed").
const MODAL_REACH: usize = 4;

/// The modality of the trigger at word `w` from a modal auxiliary shortly before it in its
/// sentence (starting at word `sent_start`): the head learns modality from few examples, and
/// misses forms rare in its training text such as "can't". The look-back stops at punctuation
/// and at another trigger, whose modal it would be ("would say he left": not "left").
fn modal_before(doc: &WordDoc<'_>, sent_start: usize, w: usize, is_trigger: impl Fn(usize) -> bool) -> Option<&'static str> {
    for k in (sent_start.max(w.saturating_sub(MODAL_REACH))..w).rev() {
        let word = crate::text::model_form(doc.words[k].text(doc.text)).to_lowercase();
        if let Some(&(_, m)) = MODALS.iter().find(|(f, _)| *f == word) {
            return Some(m);
        }
        if !word.chars().any(char::is_alphanumeric) || is_trigger(k) {
            return None;
        }
    }
    None
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
    let n_classes = head.heads[0].labels.len();
    let is_trigger = |w: usize| argmax(&probs[w * width..w * width + n_classes]) != 0;
    let mut out = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        for w in sent.clone() {
            if !is_trigger(w) {
                continue;
            }
            let p = &probs[w * width..(w + 1) * width];
            // the attribute heads' most probable labels (the class head is read below)
            let mut at = n_classes;
            let mut picked: Vec<(&str, &str)> = Vec::with_capacity(head.heads.len());
            for h in &head.heads[1..] {
                let seg = &p[at..at + h.labels.len()];
                picked.push((h.name.as_str(), h.labels[argmax(seg)].as_str()));
                at += h.labels.len();
            }
            let get = |name: &str, default: &str| -> String { picked.iter().find(|(n, _)| *n == name).map_or(default, |(_, l)| *l).to_string() };
            let token = doc.words[w];
            let text = token.text(doc.text);
            let form = crate::text::model_form(text);
            let pos = get("pos", "UNKNOWN");
            // the class: the head's, or with the lemma's training counts where the model has them
            let classes = &p[..n_classes];
            let c = head.prior.as_ref().map_or_else(|| argmax(classes), |pr| pr.choose(&lemma(&form, "VERB"), classes));
            let (class, score) = (head.heads[0].labels[c].as_str(), classes[c]);
            out.push(EventMention {
                sentence: si,
                word: w,
                start: token.start,
                end: token.end,
                text: text.to_string(),
                attrs: EventAttributes {
                    lemma: lemma(&form, &pos),
                    class: class.to_string(),
                    polarity: get("polarity", "POS"),
                    modality: Some(get("modality", ""))
                        .filter(|m| !m.is_empty())
                        .or_else(|| modal_before(doc, sent.start, w, is_trigger).map(str::to_string))
                        .unwrap_or_default(),
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
    use super::head::EventHeadLabels;
    use super::*;

    fn head() -> EventHeadConfig {
        let h = |name: &str, labels: &[&str]| EventHeadLabels { name: name.into(), labels: labels.iter().map(|s| s.to_string()).collect() };
        EventHeadConfig {
            weights: "event_head".into(),
            heads: vec![h("class", &["O", "OCCURRENCE", "REPORTING"]), h("polarity", &["POS", "NEG"]), h("pos", &["VERB", "NOUN"])],
            class_prior: None,
            prior_file: None,
            prior: None,
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
    fn modality_from_a_modal_before_the_trigger() {
        let doc = WordDoc::from_text("She can't walk, he would say they left, and it could not have been stopped.");
        let words: Vec<&str> = doc.words.iter().map(|t| t.text(doc.text)).collect();
        let at = |w: &str| words.iter().position(|x| *x == w).unwrap();
        let triggers = [at("walk"), at("say"), at("left"), at("stopped")];
        let is_trigger = |k: usize| triggers.contains(&k);
        assert_eq!(modal_before(&doc, 0, at("walk"), is_trigger), Some("can"));
        assert_eq!(modal_before(&doc, 0, at("say"), is_trigger), Some("would"));
        // "say" is the trigger "would" belongs to
        assert_eq!(modal_before(&doc, 0, at("left"), is_trigger), None);
        assert_eq!(modal_before(&doc, 0, at("stopped"), is_trigger), Some("could"));
    }

    #[test]
    fn short_probabilities_give_no_events() {
        let doc = WordDoc::from_text("Nothing here.");
        assert!(decode(&doc, &[0.5; 3], &head()).is_empty());
    }
}
