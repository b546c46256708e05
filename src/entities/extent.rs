//! The noun-phrase extent of a named mention: the name with the determiners, possessors and
//! modifiers of the noun phrase it heads ("the much-anticipated iPhone", "Apple's iTunes",
//! "its new iPhone 4"), as entity-annotated corpora (ACE, MEANTIME) mark mentions, while NER marks
//! only the name.
//!
//! The extent is read off base noun-phrase chunks ([`crate::text::NpChunker`]): a name that ends
//! its chunk is the head of that noun phrase and takes the whole chunk, plus the possessor before a
//! possessive 's. Otherwise the extent is the name itself:
//! - a name followed by more words of its chunk is a modifier ("Intel processors", "the iTunes
//!   store"), not the head;
//! - the part before the name may hold another name only as a possessor ("Apple's iTunes"), so
//!   that a chunker error on a headline ("Apple unveils iPod nano") or a coordination ("Apple and
//!   AT&T") cannot swallow another entity's mention; a conjunction, preposition or comma there also
//!   stops it, and a leading "that" before a capitalized word is taken for the conjunction;
//! - a person's extent is the name: titles and appositions ("Apple CEO Steve Jobs") are already
//!   part of the name span when they belong to it, and are not folded in otherwise.

use std::ops::Range;

/// A named mention inside one sentence: its words (sentence word indices) and whether it is a person.
#[derive(Debug, Clone)]
pub struct Name {
    pub words: Range<usize>,
    pub person: bool,
}

/// Word `i` is a possessive marker: 's, or a bare apostrophe after a plural ("the Beatles' label";
/// not an opening quote).
fn is_possessive(words: &[&str], i: usize) -> bool {
    match words.get(i).copied() {
        Some("'s" | "'S" | "\u{2019}s" | "\u{2019}S") => true,
        Some("'" | "\u{2019}") => i > 0 && words[i - 1].ends_with(['s', 'S']),
        _ => false,
    }
}

/// Words that never come between a determiner and the head of an English noun phrase: conjunctions,
/// clause punctuation and prepositions (the chunker, trained on news, sometimes runs over a rare
/// preposition: "Sunday aboard Air Force One").
fn stops_extension(w: &str) -> bool {
    const STOP: &[&str] = &[
        "and",
        "or",
        "but",
        "nor",
        ",",
        ";",
        ":",
        "&",
        "(",
        ")",
        "\"",
        "--",
        "aboard",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "amid",
        "among",
        "around",
        "as",
        "at",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "by",
        "despite",
        "during",
        "except",
        "for",
        "from",
        "in",
        "inside",
        "into",
        "near",
        "of",
        "off",
        "on",
        "onto",
        "outside",
        "over",
        "per",
        "since",
        "than",
        "through",
        "throughout",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unlike",
        "upon",
        "via",
        "with",
        "within",
        "without",
    ];
    STOP.contains(&w.to_lowercase().as_str())
}

/// The first word of the extent of each name. `words`: the sentence's words; `chunks`: its base
/// noun phrases in order; `names`: all named mentions of the sentence.
pub fn extent_starts(words: &[&str], chunks: &[Range<usize>], names: &[Name]) -> Vec<usize> {
    // chunk of each word
    let mut chunk_of: Vec<Option<usize>> = vec![None; words.len()];
    for (k, c) in chunks.iter().enumerate() {
        for slot in &mut chunk_of[c.start.min(words.len())..c.end.min(words.len())] {
            *slot = Some(k);
        }
    }
    names.iter().map(|n| extent_start(words, chunks, &chunk_of, names, n)).collect()
}

fn extent_start(words: &[&str], chunks: &[Range<usize>], chunk_of: &[Option<usize>], names: &[Name], name: &Name) -> usize {
    let own = name.words.start;
    if name.person || name.words.is_empty() || name.words.end > words.len() {
        return own;
    }
    let Some(k) = chunk_of[name.words.end - 1] else { return own };
    if chunks[k].end != name.words.end {
        return own; // a modifier of a later head
    }
    let mut start = chunks[k].start.min(own);
    // "Apple 's iTunes": the possessor's chunk joins
    while start > 0 && is_possessive(words, start) {
        match chunk_of[start - 1] {
            Some(p) => start = chunks[p].start,
            None => break,
        }
    }
    // "claims that Apple Computer ...": "that" before a capitalized word is a conjunction here
    while start < own && words[start].eq_ignore_ascii_case("that") && words[start + 1].starts_with(char::is_uppercase) {
        start += 1;
    }
    if words[start..own].iter().any(|w| stops_extension(w)) {
        return own;
    }
    for other in names {
        if other.words == name.words || other.words.end <= start || other.words.start >= own {
            continue;
        }
        let inside = other.words.start >= start && other.words.end <= own;
        let possessor = inside && is_possessive(words, other.words.end);
        if !possessor {
            return own;
        }
    }
    start
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // lists of sentences, here of one sentence's word range
mod tests {
    use super::*;
    use crate::text::NpChunker;

    /// Extents of the names marked [like this] (persons [[like this]]).
    fn extents(marked: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut names = Vec::new();
        let mut open: Option<(usize, bool)> = None;
        for tok in marked.split(' ') {
            let mut w = tok;
            if let Some(r) = w.strip_prefix("[[") {
                open = Some((words.len(), true));
                w = r;
            } else if let Some(r) = w.strip_prefix('[') {
                open = Some((words.len(), false));
                w = r;
            }
            let close = w.ends_with(']');
            let w = w.trim_end_matches(']');
            words.push(w);
            if close {
                if let Some((s, person)) = open.take() {
                    names.push(Name { words: s..words.len(), person });
                }
            }
        }
        let chunks = NpChunker::builtin().chunks(&words);
        extent_starts(&words, &chunks, &names).into_iter().zip(&names).map(|(s, n)| words[s..n.words.end].join(" ")).collect()
    }

    #[test]
    fn determiners_modifiers_and_possessors_join() {
        assert_eq!(extents("Fans queued for the much-anticipated [iPhone] on Friday ."), ["the much-anticipated iPhone"]);
        assert_eq!(extents("The company showed its new [iPhone 4] to reporters ."), ["its new iPhone 4"]);
        assert_eq!(extents("Sales at [Apple] 's [iTunes] rose ."), ["Apple", "Apple 's iTunes"]);
        assert!(is_possessive(&["Beatles", "'"], 1) && !is_possessive(&["the", "'"], 1) && !is_possessive(&["x"], 1));
    }

    #[test]
    fn modifiers_persons_and_other_names_stay_apart() {
        // "Intel" modifies "processors"
        assert_eq!(extents("The new Macs use [Intel] processors ."), ["Intel"]);
        // a coordination is not one noun phrase
        assert_eq!(extents("The deal between [Apple] and [AT&T] ended ."), ["Apple", "AT&T"]);
        // a person keeps the name
        assert_eq!(extents("He met [Apple] CEO [[Steve Jobs]] on Monday ."), ["Apple", "Steve Jobs"]);
        // a headline verb is no modifier even when the chunker runs over it
        assert_eq!(extents("[Apple] unveils [iPod nano]"), ["Apple", "iPod nano"]);
        // "that" before a name is a conjunction, not a determiner
        assert_eq!(extents("[Apple Corps] claims that [Apple Computer] violated the deal ."), ["Apple Corps", "Apple Computer"]);
        // nor is a preposition
        assert_eq!(extents("He spoke on Sunday aboard [Air Force One] ."), ["Air Force One"]);
    }

    #[test]
    fn out_of_range_names_are_left_alone() {
        let words = ["the", "iPhone"];
        let names = [Name { words: 1..5, person: false }, Name { words: 1..1, person: false }];
        assert_eq!(extent_starts(&words, &[0..2], &names), [1, 1]);
    }
}
