//! Words and sentences with exact byte offsets into the original text.
//!
//! The NER model was trained on CoNLL-2003, whose tokens follow Penn-Treebank-like conventions
//! ("U.S." one token, "Trump's" → "Trump" + "'s", hyphenated compounds kept whole), so raw text is
//! cut the same way before subword tokenization. Every [`Token`] keeps `start..end` byte offsets into
//! the original string: `&text[t.start..t.end] == t.text(text)` always holds, whatever the script,
//! quote style, emoji or line endings.

mod chunk;
pub mod dateline;
mod document;
pub mod names;
mod sentences;
mod words;

pub use chunk::NpChunker;
pub use document::{join_sentences, Layout, Located, WordDoc};
pub use sentences::{split_sentences, Sentence};
pub use words::{tokenize, Token};

/// Character (Unicode scalar) offset of byte offset `byte` in `text`.
/// `byte` must be a char boundary; used to report code-point offsets next to byte offsets.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// Incremental byte → char offset conversion for increasing byte positions (O(n) overall).
pub struct CharOffsets<'a> {
    text: &'a str,
    last_byte: usize,
    last_char: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        CharOffsets { text, last_byte: 0, last_char: 0 }
    }

    /// Code-point offset of `byte`; falls back to a full count when asked to go backwards.
    pub fn at(&mut self, byte: usize) -> usize {
        if byte < self.last_byte {
            self.last_byte = 0;
            self.last_char = 0;
        }
        self.last_char += self.text[self.last_byte..byte].chars().count();
        self.last_byte = byte;
        self.last_char
    }
}

/// Text as the model should see it: typographic quotes, dashes and ellipses folded to the ASCII
/// forms of its training data. Used on single tokens; offsets always refer to the original text.
pub fn model_form(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => out.push('"'),
            '\u{2013}' => out.push('-'),
            '\u{2014}' | '\u{2015}' => out.push_str("--"),
            '\u{2026}' => out.push_str("..."),
            '\u{00A0}' | '\u{2009}' | '\u{202F}' => out.push(' '),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The words a header line `# {label}: …` of a data file lists, with its continuation lines
/// (`#   …`): the header tests of the rule and data files compare it with what the file holds.
#[cfg(test)]
pub(crate) fn header_list(src: &str, label: &str) -> std::collections::BTreeSet<String> {
    let header: Vec<&str> = src.lines().take_while(|l| l.starts_with('#') || l.trim().is_empty()).collect();
    let start = header.iter().position(|l| l.starts_with(&format!("# {label}:"))).unwrap_or_else(|| panic!("no `# {label}:` line"));
    let mut words = std::collections::BTreeSet::new();
    for (k, line) in header[start..].iter().enumerate() {
        let rest = if k == 0 {
            &line[label.len() + 3..]
        } else if let Some(r) = line.strip_prefix("#   ") {
            r
        } else {
            break;
        };
        words.extend(rest.split_whitespace().map(str::to_string));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_code_points() {
        let t = "Zoë 😀 Trump";
        let b = t.find("Trump").unwrap();
        assert_eq!(char_offset(t, b), 6);
        let mut c = CharOffsets::new(t);
        assert_eq!(c.at(0), 0);
        assert_eq!(c.at(b), 6);
        assert_eq!(c.at(t.len()), 11);
        assert_eq!(c.at(b), 6);
    }

    #[test]
    fn model_form_folds_typography() {
        assert_eq!(model_form("Trump’s"), "Trump's");
        assert_eq!(model_form("“No"), "\"No");
        assert_eq!(model_form("plain"), "plain");
        assert_eq!(model_form("a—b"), "a--b");
    }
}
