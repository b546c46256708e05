//! CoNLL-U (Universal Dependencies) in and out for `entline parse`: a treebank file is printed
//! back with UPOS, HEAD and DEPREL predicted by the model's syntax head (every other column and
//! every comment, multiword-token and empty-node line unchanged; the FORM column is the
//! tokenization), and a document entline reads itself is printed as CoNLL-U of entline's own
//! sentences and words.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::error::{Error, Result};
use crate::ner::{Ner, WordDoc, WordSyntax};
use crate::text::{self, Token};

/// Sentences per pseudo-document in a file without `# newdoc` comments (documents give the
/// model its context window; this only bounds memory).
const MAX_SENTENCES_PER_DOC: usize = 400;

/// Documents handed to the model at once (batches span documents; memory stays bounded).
const DOCS_PER_CALL: usize = 64;

/// One sentence of a CoNLL-U file: the line indices of its syntactic words (integer IDs), in
/// order.
#[derive(Debug, Clone, Default, PartialEq)]
struct Sentence {
    words: Vec<usize>,
}

/// A syntactic-word line: columns split at tabs (10 in valid CoNLL-U).
fn is_word_line(line: &str) -> bool {
    let id = line.split('\t').next().unwrap_or("");
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// Documents (split at `# newdoc`, or every [`MAX_SENTENCES_PER_DOC`] sentences) of sentences.
fn group(lines: &[&str], path: &Path) -> Result<Vec<Vec<Sentence>>> {
    let mut docs: Vec<Vec<Sentence>> = vec![Vec::new()];
    let mut sent = Sentence::default();
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            if !sent.words.is_empty() {
                let doc = docs.last_mut().expect("non-empty");
                doc.push(std::mem::take(&mut sent));
                if doc.len() >= MAX_SENTENCES_PER_DOC {
                    docs.push(Vec::new());
                }
            }
        } else if l.starts_with("# newdoc") {
            if !sent.words.is_empty() {
                docs.last_mut().expect("non-empty").push(std::mem::take(&mut sent));
            }
            if !docs.last().expect("non-empty").is_empty() {
                docs.push(Vec::new());
            }
        } else if is_word_line(l) {
            if l.split('\t').count() != 10 {
                return Err(Error::Parse { path: path.to_path_buf(), line: i + 1, msg: "a CoNLL-U word line has 10 tab-separated columns".into() });
            }
            sent.words.push(i);
        }
    }
    if !sent.words.is_empty() {
        docs.last_mut().expect("non-empty").push(sent);
    }
    docs.retain(|d| !d.is_empty());
    Ok(docs)
}

/// The text of a document (FORMs joined by spaces, sentences by line breaks; an empty FORM read
/// as `_`), its words and its sentences' word ranges.
fn doc_text(doc: &[Sentence], lines: &[&str]) -> (String, Vec<Token>, Vec<Range<usize>>) {
    let form = |li: usize| Some(lines[li].split('\t').nth(1).unwrap_or("")).filter(|f| !f.is_empty()).unwrap_or("_");
    text::join_sentences(doc.iter().map(|s| s.words.iter().map(move |&li| form(li))))
}

/// The predicted columns of one word: UPOS, HEAD (1-based within the sentence, 0 for the root)
/// and DEPREL.
fn columns(ner: &Ner, w: &WordSyntax, sent_start: usize) -> (String, String, String) {
    let head = ner.syntax_head().expect("checked by Ner::parse");
    let upos = head.upos.get(w.upos as usize).cloned().unwrap_or_else(|| "X".into());
    let rel = head.deprels.get(w.deprel as usize).cloned().unwrap_or_else(|| "dep".into());
    let h = w.head.map_or(0, |h| h as usize - sent_start + 1);
    (upos, h.to_string(), if h == 0 { "root".into() } else { rel })
}

/// Parse a CoNLL-U file and write it with UPOS, HEAD and DEPREL predicted.
pub fn parse_file(ner: &Ner, path: &Path, out: &mut dyn Write) -> Result<()> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let content = String::from_utf8(raw).map_err(|_| Error::input(path, "CoNLL-U must be UTF-8"))?;
    let lines: Vec<&str> = content.split_terminator('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let docs = group(&lines, path)?;
    let mut predicted: Vec<Option<(String, String, String)>> = vec![None; lines.len()];
    for chunk in docs.chunks(DOCS_PER_CALL) {
        let texts: Vec<_> = chunk.iter().map(|d| doc_text(d, &lines)).collect();
        let wdocs: Vec<WordDoc> = texts.iter().map(|(t, w, s)| WordDoc { text: t.as_str(), words: w.clone(), sentences: s.clone() }).collect();
        let parsed = ner.parse(&wdocs)?;
        for ((doc, wd), p) in chunk.iter().zip(&wdocs).zip(&parsed) {
            for (sent, range) in doc.iter().zip(&wd.sentences) {
                for (&li, w) in sent.words.iter().zip(&p.syntax[range.clone()]) {
                    predicted[li] = Some(columns(ner, w, range.start));
                }
            }
        }
    }
    let mut w = std::io::BufWriter::new(out);
    let io = |e| Error::io(Path::new("<stdout>"), e);
    for (i, l) in lines.iter().enumerate() {
        match &predicted[i] {
            Some((upos, head, rel)) => {
                let mut cols: Vec<&str> = l.split('\t').collect();
                cols[3] = upos;
                cols[6] = head;
                cols[7] = rel;
                writeln!(w, "{}", cols.join("\t")).map_err(io)?;
            }
            None => writeln!(w, "{l}").map_err(io)?,
        }
    }
    w.flush().map_err(io)
}

/// Write a document entline has read as CoNLL-U: its sentences and words as the pipeline cuts
/// them, with UPOS, HEAD and DEPREL predicted (`# newdoc id` names the document, `# text` is the
/// sentence with line breaks as spaces, `SpaceAfter=No` where no space follows a word).
pub fn write_document(ner: &Ner, name: &str, text: &str, out: &mut dyn Write) -> Result<()> {
    let wd = WordDoc::from_text(text);
    let parsed = ner.parse(std::slice::from_ref(&wd))?;
    let syntax = &parsed[0].syntax;
    let io = |e| Error::io(Path::new("<stdout>"), e);
    writeln!(out, "# newdoc id = {}", one_line(name)).map_err(io)?;
    for (si, range) in wd.sentences.iter().enumerate() {
        if range.is_empty() {
            continue;
        }
        let words = &wd.words[range.clone()];
        let (start, end) = (words[0].start, words[words.len() - 1].end);
        writeln!(out, "# sent_id = {}", si + 1).map_err(io)?;
        writeln!(out, "# text = {}", one_line(&text[start..end])).map_err(io)?;
        for (k, (tok, w)) in words.iter().zip(&syntax[range.clone()]).enumerate() {
            let (upos, head, rel) = columns(ner, w, range.start);
            let next = words.get(k + 1).map_or(tok.end, |n| n.start);
            let misc = if next == tok.end && k + 1 < words.len() { "SpaceAfter=No" } else { "_" };
            let form = one_line(tok.text(text)).replace(' ', "\u{a0}");
            writeln!(out, "{}\t{form}\t_\t{upos}\t_\t_\t{head}\t{rel}\t_\t{misc}", k + 1).map_err(io)?;
        }
        writeln!(out).map_err(io)?;
    }
    Ok(())
}

/// Text on one line: line breaks and tabs as spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = a\n# sent_id = 1\n# text = Don't go.\n1-2\tDon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
        1\tDo\tdo\tAUX\tVB\t_\t3\taux\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_\n3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_\n\
        3.1\tgone\t_\t_\t_\t_\t_\t_\t3:x\t_\n4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n\
        # newdoc id = b\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n\n";

    #[test]
    fn reads_syntactic_words_by_document_and_sentence() {
        let lines: Vec<&str> = SAMPLE.split_terminator('\n').collect();
        let docs = group(&lines, Path::new("x.conllu")).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0], vec![Sentence { words: vec![4, 5, 6, 8] }]);
        let (text, words, sents) = doc_text(&docs[0], &lines);
        assert_eq!(text, "Do n't go .");
        assert_eq!(words[1].text(&text), "n't");
        assert_eq!(sents, vec![0..4]);
        assert_eq!(docs[1].len(), 1);
    }

    #[test]
    fn a_short_word_line_is_an_error_naming_the_line() {
        let lines = vec!["1\tHi\thi"];
        let e = group(&lines, Path::new("bad.conllu")).unwrap_err().to_string();
        assert!(e.starts_with("bad.conllu:1:"), "{e}");
    }
}
