//! From word-level label scores to entity spans.
//!
//! Label sets of IOB1 (`I-` everywhere, `B-` only between adjacent entities of one type), IOB2
//! (`B-` starts every entity), BIOES/BILOU (`S-`/`U-` single, `E-`/`L-` last) and bare types
//! (`PER`) are all read. Decoding is constrained Viterbi over word label probabilities: it never
//! produces an invalid sequence for the model's scheme. Spans are then read with a repairing rule
//! (an `I-X` after `O` or another type starts a new entity), which is also how plain argmax tags
//! (e.g. CoNLL-format input) are turned into spans.

/// Position of a label within an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    O,
    B,
    I,
    E,
    S,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub prefix: Prefix,
    /// Entity type (`PER`, `ORG`, …); empty for `O`.
    pub kind: String,
}

impl Label {
    pub fn parse(s: &str) -> Label {
        let s = s.trim();
        if s.is_empty() || s == "O" || s == "o" {
            return Label { prefix: Prefix::O, kind: String::new() };
        }
        let (p, k) = match s.split_once(['-', '_']) {
            Some((p, k)) if p.len() == 1 => (p, k),
            _ => ("I", s),
        };
        let prefix = match p.to_ascii_uppercase().as_str() {
            "B" => Prefix::B,
            "E" | "L" => Prefix::E,
            "S" | "U" => Prefix::S,
            _ => Prefix::I,
        };
        Label { prefix, kind: k.to_string() }
    }
}

/// Label scheme of a model, inferred from its label set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `I-` may start an entity (IOB1, or bare types).
    Iob1,
    /// Every entity starts with `B-`.
    Iob2,
    /// BIOES / BILOU.
    Bioes,
}

#[derive(Debug, Clone)]
pub struct LabelSet {
    pub labels: Vec<Label>,
    pub scheme: Scheme,
}

impl LabelSet {
    /// `declared` is the scheme a model states (entline.json `label_scheme`). Without it, a B-/I-
    /// label set is decoded leniently as IOB1: IOB1 and IOB2 models share label names, and the
    /// lenient reading is right for both, while IOB2 constraints would drop IOB1 entities.
    pub fn new(names: &[String], declared: Option<&str>) -> LabelSet {
        let labels: Vec<Label> = names.iter().map(|n| Label::parse(n)).collect();
        let has = |p: Prefix| labels.iter().any(|l| l.prefix == p);
        let declared = declared.map(|d| d.to_ascii_uppercase());
        let scheme = if has(Prefix::E) || has(Prefix::S) {
            Scheme::Bioes
        } else if declared.as_deref() == Some("IOB2") && has(Prefix::B) {
            Scheme::Iob2
        } else {
            Scheme::Iob1
        };
        LabelSet { labels, scheme }
    }

    /// May label `b` follow label `a` (`None` = sentence start)?
    fn allowed(&self, a: Option<usize>, b: usize) -> bool {
        let lb = &self.labels[b];
        let la = a.map(|a| &self.labels[a]);
        match self.scheme {
            Scheme::Iob1 => true,
            Scheme::Iob2 => match lb.prefix {
                Prefix::I => la.is_some_and(|la| la.prefix != Prefix::O && la.kind == lb.kind),
                _ => true,
            },
            Scheme::Bioes => {
                let open = la.is_some_and(|la| matches!(la.prefix, Prefix::B | Prefix::I));
                match lb.prefix {
                    Prefix::I | Prefix::E => open && la.is_some_and(|la| la.kind == lb.kind),
                    _ => !open,
                }
            }
        }
    }

    fn allowed_end(&self, a: usize) -> bool {
        self.scheme != Scheme::Bioes || !matches!(self.labels[a].prefix, Prefix::B | Prefix::I)
    }

    /// Best label sequence under the scheme's constraints; `probs` holds the label probabilities
    /// of consecutive words, `labels.len()` values per word. Falls back to per-word argmax when no
    /// valid path exists.
    pub fn viterbi(&self, probs: &[f32]) -> Vec<usize> {
        let k = self.labels.len();
        if k == 0 || probs.len() < k {
            return vec![];
        }
        let n = probs.len() / k;
        let word = |i: usize| &probs[i * k..(i + 1) * k];
        if self.scheme == Scheme::Iob1 {
            return (0..n).map(|i| argmax(word(i))).collect();
        }
        let lp = |p: f32| (p.max(1e-12)).ln();
        let mut score = vec![f32::NEG_INFINITY; k];
        let mut back = vec![usize::MAX; n * k];
        for (b, s) in score.iter_mut().enumerate() {
            if self.allowed(None, b) {
                *s = lp(word(0)[b]);
            }
        }
        let mut next = vec![f32::NEG_INFINITY; k];
        for i in 1..n {
            for (b, nb) in next.iter_mut().enumerate() {
                *nb = f32::NEG_INFINITY;
                let e = lp(word(i)[b]);
                for (a, &sa) in score.iter().enumerate() {
                    if sa > f32::NEG_INFINITY && self.allowed(Some(a), b) && sa + e > *nb {
                        *nb = sa + e;
                        back[i * k + b] = a;
                    }
                }
            }
            std::mem::swap(&mut score, &mut next);
        }
        let best =
            (0..k).filter(|&a| self.allowed_end(a) && score[a] > f32::NEG_INFINITY).max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)));
        let Some(mut cur) = best else {
            return (0..n).map(|i| argmax(word(i))).collect();
        };
        let mut path = vec![0; n];
        for i in (0..n).rev() {
            path[i] = cur;
            if i > 0 {
                cur = back[i * k + cur];
            }
        }
        path
    }
}

pub fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

/// An entity over words `start..end` of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

/// Read entity spans from labels, repairing invalid transitions: `I-X` after `O` or after
/// another type opens a new entity; `B-X` always opens one; `S-X` is a single-word entity; `E-X`
/// closes the current one.
pub fn spans(labels: &[&Label]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<Span> = None;
    for (i, l) in labels.iter().enumerate() {
        let continues = matches!(l.prefix, Prefix::I | Prefix::E) && open.as_ref().is_some_and(|o| o.kind == l.kind);
        if continues {
            if let Some(o) = open.as_mut() {
                o.end = i + 1;
            }
        } else {
            if let Some(o) = open.take() {
                out.push(o);
            }
            if l.prefix != Prefix::O {
                open = Some(Span { kind: l.kind.clone(), start: i, end: i + 1 });
            }
        }
        if matches!(l.prefix, Prefix::E | Prefix::S) {
            if let Some(o) = open.take() {
                out.push(o);
            }
        }
    }
    if let Some(o) = open {
        out.push(o);
    }
    out
}

/// IOB2 tags for `n` words from spans (the output format of `entline tag-conll`).
pub fn iob2_tags(n: usize, spans: &[Span]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); n];
    for s in spans {
        for (j, t) in tags[s.start..s.end].iter_mut().enumerate() {
            *t = format!("{}-{}", if j == 0 { "B" } else { "I" }, s.kind);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(tags: &[&str]) -> Vec<Label> {
        tags.iter().map(|t| Label::parse(t)).collect()
    }

    fn decode(tags: &[&str]) -> Vec<(String, usize, usize)> {
        let ls = parse_all(tags);
        let refs: Vec<&Label> = ls.iter().collect();
        spans(&refs).into_iter().map(|s| (s.kind, s.start, s.end)).collect()
    }

    #[test]
    fn iob2() {
        assert_eq!(decode(&["B-PER", "I-PER", "O", "B-LOC"]), [("PER".into(), 0, 2), ("LOC".into(), 3, 4)]);
        assert_eq!(decode(&["B-PER", "B-PER"]), [("PER".into(), 0, 1), ("PER".into(), 1, 2)]);
    }

    #[test]
    fn iob1_and_repair() {
        // IOB1: I- starts entities; B- separates adjacent same-type entities
        assert_eq!(decode(&["I-ORG", "I-ORG", "B-ORG", "O"]), [("ORG".into(), 0, 2), ("ORG".into(), 2, 3)]);
        // invalid IOB2 transitions repaired: I- after O, I- after another type
        assert_eq!(decode(&["O", "I-PER", "I-LOC"]), [("PER".into(), 1, 2), ("LOC".into(), 2, 3)]);
        assert_eq!(decode(&["I-MISC"]), [("MISC".into(), 0, 1)]);
    }

    #[test]
    fn bioes_and_bare() {
        assert_eq!(decode(&["S-PER", "B-ORG", "I-ORG", "E-ORG", "U-LOC"]), [("PER".into(), 0, 1), ("ORG".into(), 1, 4), ("LOC".into(), 4, 5)]);
        assert_eq!(decode(&["PER", "PER", "O", "LOC"]), [("PER".into(), 0, 2), ("LOC".into(), 3, 4)]);
        assert_eq!(Label::parse("B_PER"), Label { prefix: Prefix::B, kind: "PER".into() });
    }

    #[test]
    fn schemes_detected() {
        let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(LabelSet::new(&n(&["O", "B-PER", "I-PER"]), Some("IOB2")).scheme, Scheme::Iob2);
        assert_eq!(LabelSet::new(&n(&["O", "B-PER", "I-PER"]), None).scheme, Scheme::Iob1);
        assert_eq!(LabelSet::new(&n(&["O", "I-PER", "I-LOC", "B-LOC"]), None).scheme, Scheme::Iob1);
        assert_eq!(LabelSet::new(&n(&["O", "B-PER", "I-PER", "E-PER", "S-PER"]), None).scheme, Scheme::Bioes);
    }

    #[test]
    fn viterbi_respects_iob2() {
        let ls = LabelSet::new(&["O", "B-PER", "I-PER"].iter().map(|s| s.to_string()).collect::<Vec<_>>(), Some("IOB2"));
        // argmax would give O I-PER (invalid); best valid path is B-PER I-PER or O O
        let probs = [0.5, 0.45, 0.05, 0.1, 0.1, 0.8];
        assert_eq!(ls.viterbi(&probs), vec![1, 2]);
        let probs = [0.9, 0.05, 0.05, 0.5, 0.1, 0.4];
        assert_eq!(ls.viterbi(&probs), vec![0, 0]);
        assert!(ls.viterbi(&[]).is_empty());
    }

    #[test]
    fn iob2_tags_roundtrip() {
        let s = vec![Span { kind: "PER".into(), start: 1, end: 3 }];
        assert_eq!(iob2_tags(4, &s), ["O", "B-PER", "I-PER", "O"]);
    }
}
