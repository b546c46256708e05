//! Planning model inputs ("windows") over a document's words.
//!
//! Whole sentences are packed greedily into windows of at most `budget` subwords, so the model sees
//! the neighbouring sentences as context, as in training. A sentence longer than the budget is
//! covered by overlapping sliding windows; every word is then labelled from the window in which it
//! has the most context on both sides, so an entity that crosses a window edge is decoded once, whole,
//! from the word-level labels of the full sentence.

use std::ops::Range;

/// One model input: the words `words` of a document (indices into its word list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub words: Range<usize>,
}

/// Result of planning: the windows, and for every word the window that labels it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub windows: Vec<Window>,
    pub owner: Vec<usize>,
}

/// Plan windows for a document.
///
/// * `word_len[i]` — subword count of word `i` (≥ 1, already capped below `budget`);
/// * `sentences` — word ranges of the sentences, in order, covering all words;
/// * `budget` — subwords per window excluding [CLS]/[SEP];
/// * `overlap` — target overlap in subwords between consecutive sliding windows.
pub fn plan(word_len: &[usize], sentences: &[Range<usize>], budget: usize, overlap: usize) -> Plan {
    let budget = budget.max(1);
    let overlap = overlap.min(budget / 2);
    let mut windows = Vec::new();
    let mut owner = vec![usize::MAX; word_len.len()];
    let mut cur: Option<(usize, usize, usize)> = None; // (start word, end word, subwords)
    let flush = |cur: &mut Option<(usize, usize, usize)>, windows: &mut Vec<Window>, owner: &mut Vec<usize>| {
        if let Some((s, e, _)) = cur.take() {
            for o in &mut owner[s..e] {
                *o = windows.len();
            }
            windows.push(Window { words: s..e });
        }
    };
    for sent in sentences {
        if sent.is_empty() {
            continue;
        }
        let n: usize = word_len[sent.clone()].iter().sum();
        if n <= budget {
            match &mut cur {
                Some((_, e, len)) if *len + n <= budget && *e == sent.start => {
                    *e = sent.end;
                    *len += n;
                }
                _ => {
                    flush(&mut cur, &mut windows, &mut owner);
                    cur = Some((sent.start, sent.end, n));
                }
            }
            continue;
        }
        flush(&mut cur, &mut windows, &mut owner);
        slide(word_len, sent.clone(), budget, overlap, &mut windows, &mut owner);
    }
    flush(&mut cur, &mut windows, &mut owner);
    Plan { windows, owner }
}

/// Overlapping windows over one long sentence; ownership by maximal context.
fn slide(word_len: &[usize], sent: Range<usize>, budget: usize, overlap: usize, windows: &mut Vec<Window>, owner: &mut [usize]) {
    let first_win = windows.len();
    let mut start = sent.start;
    loop {
        let mut end = start;
        let mut len = 0;
        while end < sent.end && (end == start || len + word_len[end] <= budget) {
            len += word_len[end];
            end += 1;
        }
        windows.push(Window { words: start..end });
        if end >= sent.end {
            break;
        }
        // next window starts so that about `overlap` subwords are shared, always moving forward
        let mut next = end;
        let mut shared = 0;
        while next > start + 1 && shared + word_len[next - 1] <= overlap {
            next -= 1;
            shared += word_len[next];
        }
        start = next.max(start + 1);
    }
    // owner: the window where the word is farthest from an edge (ties: the earlier window)
    for w in sent {
        let mut best = (0usize, usize::MAX);
        for (k, win) in windows.iter().enumerate().skip(first_win) {
            if win.words.contains(&w) {
                let ctx = (w - win.words.start).min(win.words.end - 1 - w);
                if best.1 == usize::MAX || ctx > best.0 {
                    best = (ctx, k);
                }
            }
        }
        owner[w] = best.1;
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // lists of sentences, here of one sentence's word range
mod tests {
    use super::*;

    fn check(plan: &Plan, word_len: &[usize], budget: usize) {
        for w in &plan.windows {
            let n: usize = word_len[w.words.clone()].iter().sum();
            assert!(n <= budget || w.words.len() == 1, "window {w:?} has {n} > {budget}");
        }
        for (i, &o) in plan.owner.iter().enumerate() {
            assert!(plan.windows[o].words.contains(&i), "word {i} owned by {o}");
        }
    }

    #[test]
    fn packs_whole_sentences() {
        let lens = vec![1; 10];
        let sents = vec![0..3, 3..6, 6..10];
        let p = plan(&lens, &sents, 6, 2);
        assert_eq!(p.windows, vec![Window { words: 0..6 }, Window { words: 6..10 }]);
        check(&p, &lens, 6);
    }

    #[test]
    fn long_sentence_slides_with_overlap_and_central_ownership() {
        let lens = vec![1; 100];
        let p = plan(&lens, &[0..100], 20, 6);
        check(&p, &lens, 20);
        assert!(p.windows.len() > 5);
        for pair in p.windows.windows(2) {
            assert!(pair[1].words.start < pair[0].words.end, "windows overlap");
            assert!(pair[1].words.start > pair[0].words.start, "progress");
        }
        // a word in an overlap is owned by the window where it is more central
        for (i, &o) in p.owner.iter().enumerate() {
            let w = &p.windows[o].words;
            let ctx = (i - w.start).min(w.end - 1 - i);
            for other in &p.windows {
                if other.contains_word(i) {
                    assert!(ctx >= (i - other.words.start).min(other.words.end - 1 - i));
                }
            }
        }
        assert_eq!(p.windows.last().unwrap().words.end, 100);
    }

    #[test]
    fn oversized_words_and_mixed_lengths() {
        let lens = vec![3, 30, 2, 5, 1, 1, 7, 2, 2];
        let p = plan(&lens, &[0..2, 2..9], 8, 3);
        check(&p, &lens, 8);
        let p = plan(&[], &[], 8, 3);
        assert!(p.windows.is_empty());
    }

    impl Window {
        fn contains_word(&self, i: usize) -> bool {
            self.words.contains(&i)
        }
    }
}
