//! CoNLL-2003 format: one token per line (token in the first column), blank lines between
//! sentences, `-DOCSTART-` lines between documents. `entline tag-conll` appends the predicted IOB2
//! tag to every line, leaving each input line unchanged as a prefix of its output line.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ner::{Ner, WordDoc};
use crate::text::{self, Token};

/// Sentences per pseudo-document when a file has no `-DOCSTART-` lines (context never crosses a
/// document, so this only bounds memory).
const MAX_SENTENCES_PER_DOC: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Blank,
    DocStart,
    Token { token: String },
}

/// A CoNLL document: its sentences as lists of line indices of token lines.
#[derive(Debug, Default, Clone)]
pub struct ConllDoc {
    pub sentences: Vec<Vec<usize>>,
}

pub fn parse_line(line: &str) -> Line {
    let first = line.split_whitespace().next();
    match first {
        None => Line::Blank,
        Some("-DOCSTART-") => Line::DocStart,
        Some(tok) => Line::Token { token: tok.to_string() },
    }
}

/// Group the lines of a file into documents and sentences.
pub fn group(lines: &[Line]) -> Vec<ConllDoc> {
    let mut docs = vec![ConllDoc::default()];
    let mut sent: Vec<usize> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match l {
            Line::Token { .. } => sent.push(i),
            Line::Blank | Line::DocStart => {
                let doc = docs.last_mut().expect("non-empty");
                if !sent.is_empty() {
                    doc.sentences.push(std::mem::take(&mut sent));
                }
                if *l == Line::DocStart || doc.sentences.len() >= MAX_SENTENCES_PER_DOC {
                    docs.push(ConllDoc::default());
                }
            }
        }
    }
    if !sent.is_empty() {
        docs.last_mut().expect("non-empty").sentences.push(sent);
    }
    docs.retain(|d| !d.sentences.is_empty());
    docs
}

/// Text of a document (tokens joined by spaces, sentences by newlines) with its word offsets.
fn doc_text(doc: &ConllDoc, lines: &[Line]) -> (String, Vec<Token>, Vec<std::ops::Range<usize>>) {
    text::join_sentences(doc.sentences.iter().map(|s| {
        s.iter().filter_map(|&li| match &lines[li] {
            Line::Token { token } => Some(token.as_str()),
            _ => None,
        })
    }))
}

/// Tag a CoNLL file and write every line with the predicted IOB2 tag appended.
pub fn tag_file(ner: &Ner, path: &Path, out: &mut dyn Write) -> Result<()> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let content = String::from_utf8(raw).unwrap_or_else(|e| encoding_rs::WINDOWS_1252.decode(e.as_bytes()).0.into_owned());
    let raw_lines: Vec<&str> = content.split_terminator('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let lines: Vec<Line> = raw_lines.iter().map(|l| parse_line(l)).collect();
    let docs = group(&lines);
    let mut tags: Vec<Option<String>> = vec![None; lines.len()];
    // documents in groups so that batches span documents while memory stays bounded
    for chunk in docs.chunks(64) {
        let texts: Vec<_> = chunk.iter().map(|d| doc_text(d, &lines)).collect();
        let wdocs: Vec<WordDoc> = texts.iter().map(|(t, w, s)| WordDoc { text: t.as_str(), words: w.clone(), sentences: s.clone() }).collect();
        let mentions = ner.extract(&wdocs)?;
        for ((d, wd), m) in chunk.iter().zip(&wdocs).zip(&mentions) {
            let word_tags = ner.iob2_tags(wd, m);
            let line_ids = d.sentences.iter().flatten();
            for (li, t) in line_ids.zip(word_tags) {
                tags[*li] = Some(t);
            }
        }
    }
    let mut w = std::io::BufWriter::new(out);
    for (i, l) in raw_lines.iter().enumerate() {
        let sep = if l.contains('\t') { '\t' } else { ' ' };
        let res = match (&lines[i], &tags[i]) {
            (Line::Blank, _) => writeln!(w, "{l}"),
            (Line::DocStart, _) => writeln!(w, "{l}{sep}O"),
            (Line::Token { .. }, t) => writeln!(w, "{l}{sep}{}", t.as_deref().unwrap_or("O")),
        };
        res.map_err(|e| Error::io(Path::new("<stdout>"), e))?;
    }
    w.flush().map_err(|e| Error::io(Path::new("<stdout>"), e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_documents_and_sentences() {
        let src = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nA DT O O\n";
        let lines: Vec<Line> = src.lines().map(parse_line).collect();
        let docs = group(&lines);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences, vec![vec![2, 3], vec![5]]);
        let (text, words, sents) = doc_text(&docs[0], &lines);
        assert_eq!(text, "EU rejects\nPeter");
        assert_eq!(words[2].text(&text), "Peter");
        assert_eq!(sents, vec![0..2, 2..3]);
    }
}
