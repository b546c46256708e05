//! The syntax head of a joint model: universal part-of-speech tags and a basic dependency tree
//! per sentence, from the same forward pass as the entity and event heads (trained on UD English
//! EWT by scripts/train_ner.py).
//!
//! A biaffine parser (Dozat & Manning 2017) over the encoder's vector of each word's first
//! subword; the window's first vector (`[CLS]`) stands for the root of every sentence in the
//! window. The score of word `d` taking head `h` is `a_dᵀ W a_h + a_h·b` with
//! `a = relu(A x)` (one projection for dependents, one for heads); the tree of each sentence is
//! the best projective tree with exactly one word under the root (Eisner; the maximum spanning
//! tree by Chu-Liu/Edmonds for very long sentences, see [`decode_tree`]); the relation of each
//! arc is the best of a biaffine form per relation over `r_d = relu(R_d x_d)` and
//! `r_h = relu(R_h x_h)`, each with a 1 appended.

use std::ops::Range;

use serde::Deserialize;
use tch::{nn, nn::Module, Kind, Tensor};

use crate::error::{Error, Result};

/// `syntax_head` in `entline.json`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SyntaxHeadConfig {
    /// Name prefix of the head's tensors in the weights file.
    pub weights: String,
    /// UPOS labels, in the order of the tagger's outputs.
    pub upos: Vec<String>,
    /// Dependency relations (with subtypes such as `nsubj:pass`), in the order of the relation
    /// scorer's outputs.
    pub deprels: Vec<String>,
    pub arc_dim: usize,
    pub rel_dim: usize,
}

impl SyntaxHeadConfig {
    /// Reject a configuration the head cannot be built from.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.upos.is_empty() || self.deprels.is_empty() || self.arc_dim == 0 || self.rel_dim == 0 {
            return Err("entline.json syntax_head: upos and deprels need labels, arc_dim and rel_dim must be positive".into());
        }
        Ok(())
    }
}

/// The analysis of one word: its UPOS tag and relation (indices into the head's label lists)
/// and its head word, as an index into the same word list (`None`: the root of its sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSyntax {
    pub upos: u16,
    pub head: Option<u32>,
    pub deprel: u16,
}

/// One word of a parsed document with its labels: UPOS, head word (`None` at a sentence's root)
/// and relation (with subtype, e.g. `nsubj:pass`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dep<'a> {
    pub upos: &'a str,
    pub head: Option<usize>,
    pub rel: &'a str,
}

impl SyntaxHeadConfig {
    /// The labelled words of a parse made with this head (unknown label indices read as `X` and
    /// `dep`).
    pub fn deps(&self, words: &[WordSyntax]) -> Vec<Dep<'_>> {
        words
            .iter()
            .map(|w| Dep {
                upos: self.upos.get(w.upos as usize).map_or("X", String::as_str),
                head: w.head.map(|h| h as usize),
                rel: self.deprels.get(w.deprel as usize).map_or("dep", String::as_str),
            })
            .collect()
    }
}

/// Words whose relations are scored at once (each needs relations × (rel_dim + 1) floats).
const REL_CHUNK: i64 = 256;

/// One decoded arc of a batch: the row, the dependent's and the head's positions in it (0: the
/// root) and the head's index in the row's word list (`None`: the root).
struct Arc {
    row: usize,
    dep: usize,
    head: usize,
    head_word: Option<u32>,
}

/// The head's layers, under `<weights>.` in the model's variable store.
pub struct SyntaxLayer {
    upos: nn::Linear,
    arc_dep: nn::Linear,
    arc_head: nn::Linear,
    rel_dep: nn::Linear,
    rel_head: nn::Linear,
    arc_w: Tensor,
    arc_b: Tensor,
    rel_w: Tensor,
    n_rel: i64,
    rel_dim: i64,
}

impl SyntaxLayer {
    pub fn new(path: nn::Path<'_>, hidden: i64, cfg: &SyntaxHeadConfig) -> Self {
        let (arc, rel, n_rel) = (cfg.arc_dim as i64, cfg.rel_dim as i64, cfg.deprels.len() as i64);
        let lin = |name: &str, out: i64| nn::linear(&path / name, hidden, out, Default::default());
        SyntaxLayer {
            upos: lin("upos", cfg.upos.len() as i64),
            arc_dep: lin("arc_dep", arc),
            arc_head: lin("arc_head", arc),
            rel_dep: lin("rel_dep", rel),
            rel_head: lin("rel_head", rel),
            arc_w: path.var("arc_w", &[arc, arc], nn::Init::Const(0.0)),
            arc_b: path.var("arc_b", &[arc], nn::Init::Const(0.0)),
            rel_w: path.var("rel_w", &[n_rel, rel + 1, rel + 1], nn::Init::Const(0.0)),
            n_rel,
            rel_dim: rel,
        }
    }

    /// Parse the windows of one batch. `hidden`: the encoder's output `[rows, len, hidden]`;
    /// `rows[r]`: the positions of row `r`'s words and the sentence (any number, equal within a
    /// sentence) of each. Returns, per row, one [`WordSyntax`] per word whose `head` is an index
    /// into that row's word list.
    pub fn parse(&self, hidden: &Tensor, rows: &[(&[usize], &[u32])]) -> Result<Vec<Vec<WordSyntax>>> {
        let torch = Error::Torch;
        let hidden = hidden.to_kind(Kind::Float);
        let len = hidden.size()[1];
        let upos: Vec<i64> = Vec::try_from(self.upos.forward(&hidden).argmax(-1, false).view(-1)).map_err(torch)?;
        let dep = self.arc_dep.forward(&hidden).relu();
        let head = self.arc_head.forward(&hidden).relu();
        let arc = dep.matmul(&self.arc_w).matmul(&head.transpose(1, 2)) + head.matmul(&self.arc_b).unsqueeze(1);
        let arc: Vec<f32> = Vec::try_from(arc.contiguous().view(-1)).map_err(torch)?;
        let len = len as usize;
        let mut arcs: Vec<Arc> = Vec::new(); // per word of every row, in order
        for (r, (positions, sentences)) in rows.iter().enumerate() {
            let mut k = 0;
            while k < positions.len() {
                let end = k + sentences[k..].iter().take_while(|&&s| s == sentences[k]).count();
                // scores[d][h] over the root (0) and the sentence's words 1..=n
                let nodes: Vec<usize> = std::iter::once(0).chain(positions[k..end].iter().copied()).collect();
                let n = nodes.len();
                let mut scores = vec![f64::NEG_INFINITY; n * n];
                for d in 1..n {
                    for h in 0..n {
                        if h != d {
                            scores[d * n + h] = f64::from(arc[(r * len + nodes[d]) * len + nodes[h]]);
                        }
                    }
                }
                let tree = decode_tree(&scores, n);
                for d in 1..n {
                    let h = tree[d];
                    arcs.push(Arc { row: r, dep: nodes[d], head: nodes[h], head_word: (h > 0).then(|| (k + h - 1) as u32) });
                }
                k = end;
            }
        }
        // relations at the chosen arcs, for the words only
        let mut rel_best: Vec<i64> = Vec::new();
        if !arcs.is_empty() {
            let flat = |pick: fn(&Arc) -> usize| Tensor::from_slice(&arcs.iter().map(|a| (a.row * len + pick(a)) as i64).collect::<Vec<_>>());
            let one = |t: Tensor| Tensor::cat(&[&t, &Tensor::ones([t.size()[0], 1], (Kind::Float, t.device()))], 1);
            let rd = self.rel_dep.forward(&hidden).relu().view([-1, self.rel_dim]);
            let rh = self.rel_head.forward(&hidden).relu().view([-1, self.rel_dim]);
            let d = one(rd.index_select(0, &flat(|a| a.dep)));
            let h = one(rh.index_select(0, &flat(|a| a.head)));
            let e = self.rel_dim + 1;
            // (words, e) × (e, rels·e) -> (words, rels, e), then the dot product with the head's;
            // a few hundred words at a time, so that the (words, rels, e) product stays small
            let w = self.rel_w.permute([1, 0, 2]).reshape([e, self.n_rel * e]);
            let words = d.size()[0];
            let mut at = 0;
            while at < words {
                let n = REL_CHUNK.min(words - at);
                let (dc, hc) = (d.narrow(0, at, n), h.narrow(0, at, n));
                let scores = (dc.matmul(&w).view([-1, self.n_rel, e]) * hc.unsqueeze(1)).sum_dim_intlist(-1, false, Kind::Float);
                rel_best.extend(Vec::<i64>::try_from(scores.argmax(-1, false)).map_err(torch)?);
                at += n;
            }
        }
        let mut out: Vec<Vec<WordSyntax>> = rows.iter().map(|(p, _)| Vec::with_capacity(p.len())).collect();
        for (a, &rel) in arcs.iter().zip(&rel_best) {
            out[a.row].push(WordSyntax { upos: upos[a.row * len + a.dep] as u16, head: a.head_word, deprel: rel as u16 });
        }
        Ok(out)
    }
}

/// Make the words `sent` of `syntax` one tree with one word under the root. A sentence longer
/// than the window is parsed in overlapping pieces and each word takes its head from the piece
/// that gives it the most context; where those choices do not form one tree, the tree that keeps
/// the most of them is decoded instead (heads outside the sentence are dropped first).
pub fn mend_tree(syntax: &mut [WordSyntax], sent: Range<usize>) {
    let n = sent.len() + 1;
    let local = |h: Option<u32>| h.map(|h| h as usize).filter(|h| sent.contains(h)).map(|h| h - sent.start + 1);
    let mut heads = vec![0usize; n];
    let mut ok = true;
    for (i, w) in syntax[sent.clone()].iter().enumerate() {
        match (w.head, local(w.head)) {
            (None, _) => heads[i + 1] = 0,
            (Some(_), Some(h)) => heads[i + 1] = h,
            (Some(_), None) => ok = false,
        }
    }
    let roots = heads[1..].iter().filter(|&&h| h == 0).count();
    if ok && roots == 1 && find_cycle(&heads).is_none() {
        return;
    }
    // 1 for each arc the windows chose, 0 for any other (a small penalty for extra roots)
    let mut scores = vec![0.0f64; n * n];
    for d in 1..n {
        scores[d * n] = -0.5;
        let head = syntax[sent.start + d - 1].head;
        if let Some(h) = if head.is_none() { Some(0) } else { local(head) } {
            scores[d * n + h] = 1.0;
        }
    }
    let tree = decode_tree(&scores, n);
    for d in 1..n {
        syntax[sent.start + d - 1].head = if tree[d] == 0 { None } else { Some((sent.start + tree[d] - 1) as u32) };
    }
}

/// A cycle among the arcs `heads` (node 0 is the root; `heads[0]` is ignored), if any.
fn find_cycle(heads: &[usize]) -> Option<Vec<usize>> {
    let mut state = vec![0u8; heads.len()]; // 0 unseen, 1 on the current walk, 2 done
    for start in 1..heads.len() {
        let mut path = Vec::new();
        let mut v = start;
        while v > 0 && state[v] == 0 {
            state[v] = 1;
            path.push(v);
            v = heads[v];
        }
        if v > 0 && state[v] == 1 {
            let at = path.iter().position(|&u| u == v).unwrap_or(0);
            return Some(path[at..].to_vec());
        }
        for u in path {
            state[u] = 2;
        }
    }
    None
}

/// Maximum spanning arborescence of `s` (`n × n`, `s[d * n + h]` the score of `h` heading `d`,
/// node 0 the root, `-inf` for no arc): Chu-Liu/Edmonds by cycle contraction. `heads[0] = 0`.
fn chu_liu_edmonds(s: &[f64], n: usize) -> Vec<usize> {
    let best_head = |d: usize| -> usize {
        let row = &s[d * n..(d + 1) * n];
        // the first of equal maxima, as numpy's argmax (the training script's decoder) takes
        (0..n).fold(0, |b, h| if row[h] > row[b] { h } else { b })
    };
    let mut heads: Vec<usize> = (0..n).map(|d| if d == 0 { 0 } else { best_head(d) }).collect();
    let Some(cycle) = find_cycle(&heads) else {
        return heads;
    };
    let mut in_cycle = vec![false; n];
    for &c in &cycle {
        in_cycle[c] = true;
    }
    let rest: Vec<usize> = (0..n).filter(|&v| !in_cycle[v]).collect();
    let m = rest.len() + 1;
    let c = m - 1;
    let cycle_score: Vec<f64> = cycle.iter().map(|&v| s[v * n + heads[v]]).collect();
    let total: f64 = cycle_score.iter().sum();
    let mut ns = vec![f64::NEG_INFINITY; m * m];
    let mut head_in_cycle = vec![0usize; rest.len()];
    let mut dep_in_cycle = vec![0usize; rest.len()];
    for (i, &d) in rest.iter().enumerate() {
        for (j, &h) in rest.iter().enumerate() {
            ns[i * m + j] = s[d * n + h];
        }
        // a cycle node heading a word outside it: the best one
        let mut best = f64::NEG_INFINITY;
        for (k, &h) in cycle.iter().enumerate() {
            if s[d * n + h] > best {
                best = s[d * n + h];
                head_in_cycle[i] = k;
            }
        }
        ns[i * m + c] = best;
    }
    for (j, &h) in rest.iter().enumerate() {
        // an outside head entering the cycle: breaks the cycle arc of the word it heads
        let mut best = f64::NEG_INFINITY;
        for (k, &d) in cycle.iter().enumerate() {
            let v = s[d * n + h] - cycle_score[k];
            if v > best {
                best = v;
                dep_in_cycle[j] = k;
            }
        }
        ns[c * m + j] = best + total;
    }
    let sub = chu_liu_edmonds(&ns, m);
    for (i, &v) in rest.iter().enumerate() {
        if v != 0 {
            heads[v] = if sub[i] == c { cycle[head_in_cycle[i]] } else { rest[sub[i]] };
        }
    }
    let h = sub[c];
    heads[cycle[dep_in_cycle[h]]] = rest[h];
    heads[0] = 0;
    heads
}

/// Sentences of up to this many nodes (words + the root) get the best projective tree
/// ([`eisner_one_root`]); longer ones the maximum spanning tree ([`spanning_one_root`]), as
/// Eisner's algorithm takes cubic time. scripts/train_ner.py decodes the same way.
pub const PROJECTIVE_MAX_NODES: usize = 256;

/// The best well-formed tree with exactly one word under the root, from `scores` (`n × n`,
/// `scores[d * n + h]`, node 0 the root; the root's row and the diagonal are ignored): the best
/// projective one (English UD trees are almost all projective; on UD English EWT this gave test
/// LAS 87.51 / UAS 90.08 against 86.91 / 89.41 for the maximum spanning tree, the same scores
/// in int8), or for a sentence longer than [`PROJECTIVE_MAX_NODES`] the maximum spanning tree.
/// Returns the head of every node (`heads[0] = 0`).
pub fn decode_tree(scores: &[f64], n: usize) -> Vec<usize> {
    if n <= 2 {
        return vec![0; n];
    }
    let mut s = scores.to_vec();
    s[..n].fill(f64::NEG_INFINITY); // the root has no head
    for d in 0..n {
        s[d * n + d] = f64::NEG_INFINITY;
    }
    if n <= PROJECTIVE_MAX_NODES {
        eisner_one_root(&s, n)
    } else {
        spanning_one_root(&s, n)
    }
}

/// The maximum spanning tree of `s` (masked as [`decode_tree`] leaves it); when it hangs several
/// words from the root, each of them in turn is made the only one and the best of those trees is
/// kept.
fn spanning_one_root(s: &[f64], n: usize) -> Vec<usize> {
    let heads = chu_liu_edmonds(s, n);
    let roots: Vec<usize> = (1..n).filter(|&d| heads[d] == 0).collect();
    if roots.len() <= 1 {
        return heads;
    }
    let mut best: Option<(f64, Vec<usize>)> = None;
    for &r in &roots {
        let mut s2 = s.to_vec();
        for d in 1..n {
            if d != r {
                s2[d * n] = f64::NEG_INFINITY;
            }
        }
        let h = chu_liu_edmonds(&s2, n);
        // scored under the constraint: a tree that needs a forbidden arc is worth -inf
        let v = (1..n).map(|d| s2[d * n + h[d]]).sum::<f64>();
        if best.as_ref().is_none_or(|(b, _)| v > *b) {
            best = Some((v, h));
        }
    }
    best.map(|(_, h)| h).unwrap_or(heads)
}

/// The best projective tree with exactly one word under the root, from `s` as in
/// [`chu_liu_edmonds`] (`n > 2`): Eisner's algorithm over the words (complete and incomplete
/// spans, ties to the first split), then the root word `r` that maximizes `s[r, root]` plus the
/// complete spans `r` heads to its left and right. Returns the head of every node (`heads[0] = 0`).
fn eisner_one_root(s: &[f64], n: usize) -> Vec<usize> {
    let sc = |h: usize, d: usize| s[d * n + h];
    let neg = f64::NEG_INFINITY;
    let idx = |i: usize, j: usize| i * n + j;
    // best scores of complete (c) and incomplete (i) spans headed at their right (r: the head is
    // the span's first word) or left end (l: its last word), and the split each was built on;
    // the two incomplete spans of (i, j) share theirs
    let (mut cr, mut cl, mut ir, mut il) = (vec![neg; n * n], vec![neg; n * n], vec![neg; n * n], vec![neg; n * n]);
    let (mut bcr, mut bcl, mut bi) = (vec![0usize; n * n], vec![0usize; n * n], vec![0usize; n * n]);
    for i in 1..n {
        cr[idx(i, i)] = 0.0;
        cl[idx(i, i)] = 0.0;
    }
    for len in 1..n - 1 {
        for i in 1..n - len {
            let j = i + len;
            let (best, k) = first_max(i..j, i, |k| cr[idx(i, k)] + cl[idx(k + 1, j)]);
            ir[idx(i, j)] = best + sc(i, j);
            il[idx(i, j)] = best + sc(j, i);
            bi[idx(i, j)] = k;
            (cr[idx(i, j)], bcr[idx(i, j)]) = first_max(i + 1..j + 1, j, |k| ir[idx(i, k)] + cr[idx(k, j)]);
            (cl[idx(i, j)], bcl[idx(i, j)]) = first_max(i..j, i, |k| cl[idx(i, k)] + il[idx(k, j)]);
        }
    }
    let m = n - 1;
    let (_, r) = first_max(1..n, 1, |c| sc(0, c) + cl[idx(1, c)] + cr[idx(c, m)]);
    let mut heads = vec![0usize; n];
    // (kind, i, j): 0 = C right, 1 = C left, 2 = I right, 3 = I left
    let mut stack = vec![(1u8, 1usize, r), (0u8, r, m)];
    while let Some((kind, i, j)) = stack.pop() {
        if i >= j {
            continue;
        }
        match kind {
            0 => {
                let k = bcr[idx(i, j)];
                stack.push((2, i, k));
                stack.push((0, k, j));
            }
            1 => {
                let k = bcl[idx(i, j)];
                stack.push((1, i, k));
                stack.push((3, k, j));
            }
            _ => {
                if kind == 2 {
                    heads[j] = i;
                } else {
                    heads[i] = j;
                }
                let k = bi[idx(i, j)];
                stack.push((0, i, k));
                stack.push((1, k + 1, j));
            }
        }
    }
    heads
}

/// The largest `f(k)` over `ks` and the first `k` giving it; `(-inf, default)` when no value is
/// above -inf.
fn first_max(ks: Range<usize>, default: usize, f: impl Fn(usize) -> f64) -> (f64, usize) {
    let mut best = (f64::NEG_INFINITY, default);
    for k in ks {
        let v = f(k);
        if v > best.0 {
            best = (v, k);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_tree(h: &[usize]) -> bool {
        let n = h.len();
        for i in 1..n {
            let mut v = i;
            let mut steps = 0;
            while v != 0 {
                v = h[v];
                steps += 1;
                if steps > n {
                    return false;
                }
            }
        }
        (1..n).filter(|&d| h[d] == 0).count() == 1
    }

    /// No two arcs cross.
    fn is_projective(h: &[usize]) -> bool {
        let arcs: Vec<(usize, usize)> = (1..h.len()).map(|d| (d.min(h[d]), d.max(h[d]))).collect();
        !arcs.iter().any(|&(a, b)| arcs.iter().any(|&(c, d)| a < c && c < b && b < d))
    }

    /// The best one-root tree (projective only, or any) by trying every head assignment.
    fn brute(s: &[f64], n: usize, projective: bool) -> f64 {
        let mut best = f64::NEG_INFINITY;
        let mut h = vec![0usize; n];
        loop {
            if (1..n).all(|d| h[d] != d) && is_tree(&h) && (!projective || is_projective(&h)) {
                best = best.max((1..n).map(|d| s[d * n + h[d]]).sum());
            }
            let mut i = 1;
            while i < n {
                h[i] += 1;
                if h[i] < n {
                    break;
                }
                h[i] = 0;
                i += 1;
            }
            if i == n {
                return best;
            }
        }
    }

    #[test]
    fn decodes_the_best_one_root_tree() {
        // a small deterministic generator (xorshift), so the test needs no random crate
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2000) as f64 / 100.0 - 10.0
        };
        for n in 2..=7 {
            for _ in 0..60 {
                let s: Vec<f64> = (0..n * n).map(|_| next()).collect();
                let mut masked = s.clone();
                masked[..n].fill(f64::NEG_INFINITY);
                for d in 0..n {
                    masked[d * n + d] = f64::NEG_INFINITY;
                }
                let score = |h: &[usize]| (1..n).map(|d| masked[d * n + h[d]]).sum::<f64>();
                // the decoder (projective at these lengths) and the spanning-tree one
                let h = decode_tree(&s, n);
                assert!(n == 2 || (is_tree(&h) && is_projective(&h)), "{h:?}");
                if n > 2 {
                    assert!((score(&h) - brute(&masked, n, true)).abs() < 1e-9, "n={n}: {} vs best {}", score(&h), brute(&masked, n, true));
                    let h = spanning_one_root(&masked, n);
                    assert!(is_tree(&h), "{h:?}");
                    assert!((score(&h) - brute(&masked, n, false)).abs() < 1e-9, "n={n}: {} vs best {}", score(&h), brute(&masked, n, false));
                }
            }
        }
    }

    #[test]
    fn breaks_a_cycle_and_keeps_one_root() {
        // words 1 and 2 prefer each other; 3 prefers the root, as does 1 a little less
        let n = 4;
        let mut s = vec![f64::NEG_INFINITY; n * n];
        let mut set = |d: usize, h: usize, v: f64| s[d * n + h] = v;
        set(1, 2, 10.0);
        set(2, 1, 10.0);
        set(1, 0, 5.0);
        set(3, 0, 6.0);
        set(3, 1, 1.0);
        set(2, 0, 1.0);
        let h = decode_tree(&s, n);
        assert!(is_tree(&h));
        assert_eq!(h, vec![0, 0, 1, 1]);
    }
}
