//! Word → subword ids, with the casing markers of entline's models.
//!
//! Mirrors `Encoder` in scripts/train_ner.py exactly: the word (typography folded to ASCII, see
//! [`crate::text::model_form`]) is WordPiece-tokenized on its own; if the model uses casing
//! markers, a marker id goes first for Capitalized and ALL-CAPS words. Windows are framed by the
//! model's own special tokens (`special_tokens_map.json`: `<s>` … `</s>` for MPNet, `[CLS]` …
//! `[SEP]` for BERT); word pieces are BERT's uncased WordPiece for both.

use std::collections::HashMap;
use std::sync::RwLock;

use rust_tokenizers::tokenizer::{BertTokenizer, Tokenizer};
use rust_tokenizers::vocab::Vocab;

use super::config::NerConfig;
use crate::error::{Error, Result};
use crate::text::model_form;

/// At most this many subwords are kept per word (URLs, hashes and other junk can have hundreds;
/// only the first one carries the label).
pub const MAX_PIECES_PER_WORD: usize = 16;

/// Casing class of a word, as in training: 0 none, 1 Capitalized (or an inner capital after a
/// lower-case start: iPhone, eBay, al-Aqsa), 2 ALL CAPS (≥ 2 letters).
pub fn case_class(word: &str) -> u8 {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => {}
        Some(_) => return u8::from(chars.any(char::is_uppercase)),
        None => return 0,
    }
    let mut letters = 0;
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return 1;
        }
        letters += 1;
    }
    if letters >= 2 {
        2
    } else {
        1
    }
}

/// Subword ids of one word; `first` is the index of the piece that carries the word's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedWord {
    pub ids: Vec<i64>,
    pub first: usize,
}

pub struct WordEncoder {
    tokenizer: BertTokenizer,
    markers: Option<(i64, i64)>,
    pub cls: i64,
    pub sep: i64,
    pub pad: i64,
    unk: i64,
    cache: RwLock<HashMap<String, EncodedWord>>,
}

const CACHE_LIMIT: usize = 200_000;

impl WordEncoder {
    pub fn new(vocab_path: &std::path::Path, cfg: &NerConfig) -> Result<Self> {
        let tokenizer = BertTokenizer::from_file(vocab_path, cfg.lowercase, cfg.strip_accents)
            .map_err(|e| Error::Model { model: vocab_path.display().to_string(), msg: format!("vocabulary: {e}") })?;
        let vocab = tokenizer.vocab();
        let id = |tok: &str| -> Result<i64> {
            vocab
                .values()
                .get(tok)
                .copied()
                .ok_or_else(|| Error::Model { model: vocab_path.display().to_string(), msg: format!("token {tok} missing from the vocabulary") })
        };
        let markers = match &cfg.case_markers {
            Some(m) => Some((id(&m.capitalized)?, id(&m.all_caps)?)),
            None => None,
        };
        let special = &cfg.special_tokens;
        Ok(WordEncoder {
            cls: id(&special.cls)?,
            sep: id(&special.sep)?,
            pad: id(&special.pad).unwrap_or(0),
            unk: id(&special.unk)?,
            markers,
            tokenizer,
            cache: RwLock::new(HashMap::new()),
        })
    }

    /// Encode one word (memoized; safe to call from several threads).
    pub fn encode(&self, word: &str) -> EncodedWord {
        if let Ok(c) = self.cache.read() {
            if let Some(hit) = c.get(word) {
                return hit.clone();
            }
        }
        let enc = self.encode_uncached(word);
        if let Ok(mut c) = self.cache.write() {
            if c.len() >= CACHE_LIMIT {
                c.clear();
            }
            c.insert(word.to_string(), enc.clone());
        }
        enc
    }

    fn encode_uncached(&self, word: &str) -> EncodedWord {
        let form = model_form(word);
        let pieces = self.tokenizer.tokenize(&form);
        let mut ids = Vec::with_capacity(pieces.len().min(MAX_PIECES_PER_WORD) + 1);
        let mut first = 0;
        if let Some((cap, allcaps)) = self.markers {
            match case_class(word) {
                1 => ids.push(cap),
                2 => ids.push(allcaps),
                _ => {}
            }
            first = ids.len();
        }
        if pieces.is_empty() {
            ids.push(self.unk);
        } else {
            let take = pieces.len().min(MAX_PIECES_PER_WORD);
            ids.extend(self.tokenizer.convert_tokens_to_ids(&pieces[..take]));
        }
        EncodedWord { ids, first }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_classes_match_training() {
        assert_eq!(case_class("Trump"), 1);
        assert_eq!(case_class("NATO"), 2);
        assert_eq!(case_class("U.S."), 2);
        assert_eq!(case_class("A"), 1);
        assert_eq!(case_class("McDonald"), 1);
        assert_eq!(case_class("iPhone"), 1);
        assert_eq!(case_class("al-Aqsa"), 1);
        assert_eq!(case_class("phone"), 0);
        assert_eq!(case_class("1996"), 0);
        assert_eq!(case_class("Émile"), 1);
        assert_eq!(case_class(""), 0);
    }
}
