//! A document as the stages after the model see it: its words and sentences ([`WordDoc`]), their
//! layout ([`Layout`]: sentence spans, noun-phrase chunks) and where a span of it is ([`Located`]:
//! the leading columns of every per-span table).

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{model_form, split_sentences, tokenize, CharOffsets, NpChunker, Token};

/// A document cut into words and sentences, ready for tagging.
#[derive(Debug, Clone)]
pub struct WordDoc<'a> {
    pub text: &'a str,
    pub words: Vec<Token>,
    /// Word ranges of the sentences, in order, covering all words.
    pub sentences: Vec<Range<usize>>,
}

/// The text of already tokenized sentences (words joined by spaces, sentences by line breaks),
/// its words and the sentences' word ranges: how CoNLL-2003 and CoNLL-U input reach the model.
pub fn join_sentences<'w, S, W>(sentences: S) -> (String, Vec<Token>, Vec<std::ops::Range<usize>>)
where
    S: IntoIterator<Item = W>,
    W: IntoIterator<Item = &'w str>,
{
    let mut text = String::new();
    let mut words = Vec::new();
    let mut sents = Vec::new();
    for sentence in sentences {
        let first = words.len();
        for word in sentence {
            if !text.is_empty() {
                text.push(if words.len() == first { '\n' } else { ' ' });
            }
            let start = text.len();
            text.push_str(word);
            words.push(Token { start, end: text.len() });
        }
        sents.push(first..words.len());
    }
    (text, words, sents)
}

impl<'a> WordDoc<'a> {
    /// Tokenize and sentence-split raw text.
    pub fn from_text(text: &'a str) -> Self {
        let words = tokenize(text);
        let sentences = split_sentences(text, &words).into_iter().map(|s| s.tokens).collect();
        WordDoc { text, words, sentences }
    }

    /// Each word in the form the model sees ([`model_form`]).
    pub fn forms(&self) -> Vec<Cow<'a, str>> {
        self.words.iter().map(|t| model_form(t.text(self.text))).collect()
    }
}

/// Where a span of text is: the leading columns of mentions.csv, timexes.csv and
/// event_mentions.csv.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
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
    /// `sentences`: the byte spans of the document's sentences.
    pub fn new(doc: &str, sentences: &[(usize, usize)], co: &mut CharOffsets<'_>, start: usize, end: usize, text: &str) -> Self {
        Located {
            doc: doc.to_string(),
            sentence_index: sentence_of(sentences, start),
            start,
            end,
            char_start: co.at(start),
            char_end: co.at(end),
            text: text.to_string(),
        }
    }
}

fn sentence_of(sentences: &[(usize, usize)], pos: usize) -> usize {
    sentences.partition_point(|&(_, e)| e <= pos).min(sentences.len().saturating_sub(1))
}

/// A document's text as the stages after the model see it.
pub struct Layout<'a> {
    /// The `doc` column.
    pub doc: &'a str,
    pub text: &'a str,
    pub wd: &'a WordDoc<'a>,
    /// The words as the model sees them.
    pub words: Vec<&'a str>,
    /// Sentences as word ranges, none empty (the `sentence_index` columns count these).
    pub sents: Vec<Range<usize>>,
    /// Byte span of each sentence.
    pub spans: Vec<(usize, usize)>,
    /// Base noun phrases of each sentence (word ranges within it).
    pub chunks: Vec<Vec<Range<usize>>>,
}

impl<'a> Layout<'a> {
    /// `forms`: the words of `wd` as the model sees them ([`WordDoc::forms`]).
    pub fn new(doc: &'a str, wd: &'a WordDoc<'a>, forms: &'a [Cow<'a, str>]) -> Self {
        let sents: Vec<Range<usize>> = wd.sentences.iter().filter(|s| !s.is_empty()).cloned().collect();
        let spans = sents.iter().map(|s| (wd.words[s.start].start, wd.words[s.end - 1].end)).collect();
        let words: Vec<&str> = forms.iter().map(|f| f.as_ref()).collect();
        let chunks = sents.iter().map(|s| NpChunker::builtin().chunks(&words[s.clone()])).collect();
        Layout { doc, text: wd.text, wd, words, sents, spans, chunks }
    }

    pub fn sentence_of_word(&self, w: usize) -> usize {
        self.sents.partition_point(|s| s.end <= w)
    }

    /// Byte span of a word range.
    pub fn byte_span(&self, r: &Range<usize>) -> (usize, usize) {
        (self.wd.words[r.start].start, self.wd.words[r.end - 1].end)
    }

    pub fn locate(&self, co: &mut CharOffsets<'_>, start: usize, end: usize, text: &str) -> Located {
        Located::new(self.doc, &self.spans, co, start, end, text)
    }
}
