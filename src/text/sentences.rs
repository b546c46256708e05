//! Rule-based sentence splitting over [`Token`]s.
//!
//! A sentence ends after `.`, `!`, `?` or an ellipsis (plus any closing quotes/brackets) when the
//! next token starts a new sentence (capital letter, digit, opening quote) or a line break follows;
//! at every blank line; and at a single line break after a short line (headline, dateline, byline)
//! or before a bullet. Hard-wrapped paragraphs stay together.
//!
//! A line that starts a sentence also ends it at a single line break, whatever its length, when
//! * it is a dateline, or the next line is one ("May 24, 2008", "January 09 , 2008", "WASHINGTON,
//!   May 5 (Reuters) -": [`super::dateline::is_date_line`]), or
//! * it is a headline: it ends in a word, a number or a closing bracket/quote, the next line starts
//!   like a sentence, and the break is not a wrap: the next line's first word would have fitted on
//!   the line with room to spare ([`fits_before_wrap`]). Line length is what tells a headline from
//!   the first line of a wrapped paragraph, which always fills the text's line width.
//!
//! Block elements of markup (`<s>`, `<p>` in TimeML) reach the splitter as blank lines.

use super::dateline::is_date_line;
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

/// Length in characters of the longest line of `text` (trailing whitespace left out).
fn longest_line(text: &str) -> usize {
    text.split(['\n', '\r', '\u{2029}']).map(|l| l.trim_end().chars().count()).max().unwrap_or(0)
}

/// Whether a line of `line_chars` characters, followed at a line break by a word of `word_chars`,
/// was broken on purpose rather than wrapped: with the word added it stays within three quarters of
/// the longest line of the text (the wrap width, if the text is wrapped; the margin covers ragged
/// and justified layouts, whose lines are not filled to the last character).
fn fits_before_wrap(line_chars: usize, word_chars: usize, longest: usize) -> bool {
    4 * (line_chars + 1 + word_chars) <= 3 * longest
}

/// Whether a line ending in `last` can be a headline: it ends in a word, a number or a closing
/// bracket/quote, not in a comma, a dash or another mark that continues the sentence.
fn ends_like_headline(last: &str) -> bool {
    last.chars().next().is_some_and(char::is_alphanumeric) || is_closer(last)
}

/// The rest of the line from byte `from` (up to its line break).
fn line_from(text: &str, from: usize) -> &str {
    let rest = &text[from..];
    &rest[..rest.find(['\n', '\r', '\u{2029}']).unwrap_or(rest.len())]
}

/// Split the token sequence of `text` into sentences.
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    if tokens.is_empty() {
        return out;
    }
    let mut sent_start = 0;
    let mut line_start_tok = 0;
    let mut longest: Option<usize> = None; // computed when first needed
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
                } else if line_start_tok == sent_start {
                    let line = &text[tokens[line_start_tok].start..tokens[k].end];
                    let next_line = line_from(text, tokens[k + 1].start);
                    let headline = ends_like_headline(prev) && starts_sentence(next) && {
                        let longest = *longest.get_or_insert_with(|| longest_line(text));
                        let word = next_line.split_whitespace().next().unwrap_or(next);
                        fits_before_wrap(line.chars().count(), word.chars().count(), longest)
                    };
                    if headline || is_date_line(line) || is_date_line(next_line) {
                        cut_after = Some(k);
                    }
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
        out.push(Sentence { tokens: sent_start..tokens.len(), start: tokens[sent_start].start, end: tokens[tokens.len() - 1].end });
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

    const BODY: &str = "The European Commission has forced Apple Inc. to lower its prices for media in its United Kingdom \
                        iTunes store, Apple's online media shop. The change will occur within six months.";

    #[test]
    fn headline_and_dateline_are_sentences() {
        // a long headline, a dateline, the body, one line break each
        let t = format!("Apple to lower UK iTunes prices after an EU inquiry into its store\nMay 24, 2008\n{BODY}");
        assert_eq!(
            sents(&t),
            [
                "Apple to lower UK iTunes prices after an EU inquiry into its store",
                "May 24, 2008",
                "The European Commission has forced Apple Inc. to lower its prices for media in its United Kingdom \
                 iTunes store, Apple's online media shop.",
                "The change will occur within six months."
            ]
        );
        // the same, tokenized before it reached entline
        let t = "Apple 's iTunes store to lower UK prices after an EU inquiry\nJanuary 09 , 2008\nThe European Commission \
                 has forced Apple Inc. to lower its prices for media in its United Kingdom iTunes store , Apple 's online shop .";
        let s = sents(t);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[..2], ["Apple 's iTunes store to lower UK prices after an EU inquiry", "January 09 , 2008"]);
        // a dateline with a place, and a long dateline
        let t = format!("Apple to lower UK iTunes prices after an EU inquiry into its store\nLONDON , Tuesday , May 24 , 2008 10:32 AM BST\n{BODY}");
        assert_eq!(sents(&t)[1], "LONDON , Tuesday , May 24 , 2008 10:32 AM BST");
    }

    #[test]
    fn headline_without_dateline() {
        let t = format!("Apple to lower UK iTunes prices after an EU inquiry into its store\n{BODY}");
        assert_eq!(sents(&t)[0], "Apple to lower UK iTunes prices after an EU inquiry into its store");
        // a sub-heading after a paragraph
        let t = format!("{BODY}\nPrices in the rest of the European Union stay where they are\n{BODY}");
        assert_eq!(sents(&t)[2], "Prices in the rest of the European Union stay where they are");
    }

    #[test]
    fn wrapped_paragraphs_stay_together() {
        // wrapped at 72 columns; lines starting a sentence, the next line capitalized
        let t = "The European Commission has forced Apple Inc. to lower its prices for\n\
                 United Kingdom customers of the iTunes store, the company said on Friday.\n\
                 Apple said the change in its pricing policy would take effect within six\n\
                 Months of the ruling, and that prices elsewhere would stay where they are.";
        assert_eq!(sents(t).len(), 2, "{:?}", sents(t));
        // a line ending in a comma or a dash continues, however short the text's lines are
        let t = "Prices for media in its United Kingdom iTunes store will fall by 2009,\n\
                 Apple said in a statement published on its website on Friday morning and in a long press release.";
        assert_eq!(sents(t).len(), 1, "{:?}", sents(t));
    }

    #[test]
    fn markup_blocks_as_blank_lines() {
        // TimeML `<s>` elements reach the splitter as blank lines (see `TimeMl::plain_text`)
        let t = "January 09 , 2008\n\nThe European Commission has forced Apple Inc. to lower its prices\n\nApple CEO Steve Jobs said so";
        assert_eq!(
            sents(t),
            ["January 09 , 2008", "The European Commission has forced Apple Inc. to lower its prices", "Apple CEO Steve Jobs said so"]
        );
    }
}
