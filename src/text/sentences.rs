//! Rule-based sentence splitting over [`Token`]s.
//!
//! A sentence ends after `.`, `!`, `?` or an ellipsis (plus any closing quotes/brackets) when the
//! next token starts a new sentence (capital letter, digit, opening quote) or a line break follows;
//! at every blank line; and at a single line break after a short line (headline, dateline, byline)
//! or before a bullet. Hard-wrapped paragraphs stay together.

use super::Token;

/// A sentence: a range of token indices and its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub tokens: std::ops::Range<usize>,
    pub start: usize,
    pub end: usize,
}

const SHORT_LINE_TOKENS: usize = 8;

fn is_terminal(t: &str) -> bool {
    matches!(t, "." | "!" | "?" | "…" | "?!" | "!?") || (t.len() >= 2 && t.bytes().all(|b| b == b'.'))
}

fn is_closer(t: &str) -> bool {
    matches!(t, "\"" | "'" | ")" | "]" | "}" | "\u{201D}" | "\u{2019}" | "\u{00BB}")
}

fn starts_sentence(t: &str) -> bool {
    t.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\u{201C}' | '\'' | '\u{2018}' | '(' | '[' | '-' | '\u{2022}' | '*')
    })
}

fn is_bullet(t: &str) -> bool {
    matches!(t, "-" | "*" | "\u{2022}" | "\u{2013}" | "\u{2014}")
}

/// Count of line breaks in the whitespace between two tokens.
fn newlines(gap: &str) -> usize {
    // "\r\n" counts once; a lone "\r" counts too
    let mut n = 0;
    let b = gap.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n + gap.matches('\u{2029}').count()
}

/// Split the token sequence of `text` into sentences.
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    if tokens.is_empty() {
        return out;
    }
    let mut sent_start = 0;
    let mut line_start_tok = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].text(text);
        let mut cut_after: Option<usize> = None;
        if is_terminal(t) {
            let mut j = i + 1;
            while j < tokens.len() && is_closer(tokens[j].text(text)) && newlines(&text[tokens[j - 1].end..tokens[j].start]) == 0 {
                j += 1;
            }
            let last = j - 1;
            if j >= tokens.len() {
                cut_after = Some(last);
            } else {
                let gap = &text[tokens[last].end..tokens[j].start];
                let next = tokens[j].text(text);
                if newlines(gap) > 0 || (!gap.is_empty() && starts_sentence(next)) {
                    cut_after = Some(last);
                }
            }
        }
        let k = cut_after.unwrap_or(i);
        if cut_after.is_none() && k + 1 < tokens.len() {
            let gap = &text[tokens[k].end..tokens[k + 1].start];
            let nl = newlines(gap);
            if nl >= 2 {
                cut_after = Some(k);
            } else if nl == 1 {
                let line_len = k + 1 - line_start_tok;
                let next = tokens[k + 1].text(text);
                let prev = tokens[k].text(text);
                if line_len < SHORT_LINE_TOKENS || is_bullet(next) || prev == ":" {
                    cut_after = Some(k);
                }
            }
        }
        let k = cut_after.unwrap_or(i);
        if k + 1 < tokens.len() && newlines(&text[tokens[k].end..tokens[k + 1].start]) > 0 {
            line_start_tok = k + 1;
        }
        if let Some(last) = cut_after {
            out.push(Sentence { tokens: sent_start..last + 1, start: tokens[sent_start].start, end: tokens[last].end });
            sent_start = last + 1;
        }
        i = k + 1;
    }
    if sent_start < tokens.len() {
        out.push(Sentence {
            tokens: sent_start..tokens.len(),
            start: tokens[sent_start].start,
            end: tokens[tokens.len() - 1].end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokenize;
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        let toks = tokenize(t);
        split_sentences(t, &toks).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(sents("Her reasoning? Fear. She left."), ["Her reasoning?", "Fear.", "She left."]);
        assert_eq!(
            sents("“She can’t walk,” Trump said. “They’re evil.” Then he left"),
            ["“She can’t walk,” Trump said.", "“They’re evil.”", "Then he left"]
        );
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(sents("Mr. Smith met Dr. Jones in the U.S. capital."), ["Mr. Smith met Dr. Jones in the U.S. capital."]);
        assert_eq!(sents("It rose 3.5 percent. Shares fell."), ["It rose 3.5 percent.", "Shares fell."]);
    }

    #[test]
    fn line_breaks() {
        assert_eq!(sents("HEADLINE HERE\nBody text starts here and goes on."), ["HEADLINE HERE", "Body text starts here and goes on."]);
        assert_eq!(
            sents("a long hard wrapped line of text that keeps going\nand continues here."),
            ["a long hard wrapped line of text that keeps going\nand continues here."]
        );
        assert_eq!(sents("First para\r\n\r\nsecond para"), ["First para", "second para"]);
        assert_eq!(sents("no punctuation at all"), ["no punctuation at all"]);
        assert!(sents("").is_empty());
    }
}
