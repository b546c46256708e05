//! Reading a dependency tree of the syntax head (UD basic relations): children by relation, the
//! subject a verb has or is given by control, coordination and modification, the antecedent of a
//! relative pronoun. Shared by the participant finder (`events::tree`) and the pronoun resolver
//! (`coref`).

use std::ops::Range;

use super::Dep;

/// A parsed document: its words, one [`Dep`] per word, and each word's dependents.
pub struct DepTree<'a, 'b> {
    pub words: &'b [&'b str],
    pub deps: &'b [Dep<'a>],
    children: Vec<Vec<usize>>,
}

impl<'a, 'b> DepTree<'a, 'b> {
    /// `deps` has one entry per word of `words` (heads are indices into it).
    pub fn new(words: &'b [&'b str], deps: &'b [Dep<'a>]) -> Self {
        let mut children = vec![Vec::new(); deps.len()];
        for (w, d) in deps.iter().enumerate() {
            if let Some(h) = d.head.filter(|&h| h < deps.len() && h != w) {
                children[h].push(w);
            }
        }
        DepTree { words, deps, children }
    }

    /// The dependents of `w`, in text order.
    pub fn children(&self, w: usize) -> &[usize] {
        &self.children[w]
    }

    /// The word of a span whose head lies outside it.
    pub fn head_word(&self, span: &Range<usize>) -> usize {
        span.clone().find(|&w| self.deps[w].head.is_none_or(|h| !span.contains(&h))).unwrap_or(span.start)
    }

    pub fn rel(&self, w: usize) -> &'a str {
        self.deps[w].rel
    }

    pub fn kids<'s>(&'s self, w: usize, rels: &'s [&str]) -> impl Iterator<Item = usize> + 's {
        self.children[w].iter().copied().filter(move |&c| rels.contains(&self.deps[c].rel))
    }

    pub fn has(&self, w: usize, rels: &[&str]) -> bool {
        self.kids(w, rels).next().is_some()
    }

    /// The lower-cased preposition (`case` dependent) of a nominal, if any.
    pub fn case_word(&self, w: usize) -> Option<String> {
        self.kids(w, &["case"]).next().map(|c| self.words[c].to_lowercase())
    }

    pub fn passive(&self, v: usize) -> bool {
        self.has(v, &["aux:pass", "nsubj:pass", "csubj:pass"])
    }

    /// The subject of verb `v`: its own (`nsubj`, `nsubj:pass`), else one the tree passes on, with
    /// whether it is the verb's agent. `depth` guards chains of shared subjects.
    pub fn subject(&self, v: usize, eventive: &dyn Fn(usize) -> bool, depth: usize) -> Option<(usize, bool)> {
        // a predicate has one subject; when the parser gives two, the nearer one
        let nearest = |rels: &[&str]| self.kids(v, rels).min_by_key(|&s| (s.abs_diff(v), s));
        if let Some(s) = nearest(&["nsubj", "nsubj:outer"]) {
            return Some((s, true));
        }
        if let Some(s) = nearest(&["nsubj:pass"]) {
            return Some((s, false));
        }
        if depth == 0 || self.has(v, &["csubj", "csubj:pass", "expl"]) {
            return None;
        }
        let agent = !self.passive(v);
        let h = self.deps[v].head?;
        match self.rel(v) {
            // object control ("asked him to leave"), else subject control ("agreed to buy")
            "xcomp" => match self.kids(h, &["obj", "iobj"]).next() {
                Some(o) => Some((o, agent)),
                None => self.subject(h, eventive, depth - 1).map(|(s, _)| (s, agent)),
            },
            "conj" | "advcl" if matches!(self.deps[h].upos, "VERB" | "AUX") || eventive(h) => {
                // a coordinated clause with its own subject-less verb; an adverbial clause led by a
                // subordinator other than a participle's ("because", "if") has its own subject
                if self.rel(v) == "advcl" && self.has(v, &["mark"]) && !matches!(self.deps[v].upos, "VERB") {
                    return None;
                }
                self.subject(h, eventive, depth - 1).map(|(s, _)| (s, agent))
            }
            // "negotiations to arrange …", "his plan to open …": the noun's own subject or
            // possessor controls the infinitive
            "acl" if self.kids(v, &["mark"]).any(|m| self.deps[m].upos == "PART") => {
                self.subject(h, eventive, depth - 1).or_else(|| self.kids(h, &["nmod:poss"]).next().map(|p| (p, true))).map(|(s, _)| (s, agent))
            }
            // "the company founded by Jobs" (acted upon), "the plane carrying 100 people"
            "acl" if matches!(self.deps[h].upos, "NOUN" | "PROPN" | "PRON") => Some((h, agent && !self.past_participle_modifier(v))),
            _ => None,
        }
    }

    /// A participle modifier without an auxiliary whose noun is acted upon ("a firm founded by
    /// Jobs"): it has an `obl:agent`, or neither object nor "-ing" form.
    fn past_participle_modifier(&self, v: usize) -> bool {
        if self.has(v, &["obl:agent"]) {
            return true;
        }
        !self.has(v, &["obj", "aux", "mark"]) && !self.words[v].to_lowercase().ends_with("ing")
    }

    /// The noun a relative pronoun stands for ("Apple, which makes …": `which` → Apple): the
    /// noun its relative clause modifies.
    pub fn relative_antecedent(&self, w: usize) -> Option<usize> {
        if self.deps[w].upos != "PRON" {
            return None;
        }
        let clause = self.deps[w].head?;
        matches!(self.rel(clause), "acl:relcl" | "advcl:relcl").then_some(self.deps[clause].head).flatten()
    }

    /// The subject of the clause `w` is in: the first verb or predicate above it (or `w` itself)
    /// that has a subject, its own or one passed on ([`DepTree::subject`]).
    pub fn clause_subject(&self, w: usize) -> Option<usize> {
        let mut x = self.deps[w].head?;
        for _ in 0..8 {
            if matches!(self.deps[x].upos, "VERB" | "AUX" | "ADJ") || self.has(x, &["nsubj", "nsubj:pass", "cop"]) {
                return self.subject(x, &|_| false, 4).map(|(s, _)| s);
            }
            x = self.deps[x].head?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_of(rows: &'static str) -> (Vec<&'static str>, Vec<Dep<'static>>) {
        let rows: Vec<Vec<&str>> = rows.trim().lines().map(|l| l.split_whitespace().collect()).collect();
        let words = rows.iter().map(|r| r[0]).collect();
        let deps = rows.iter().map(|r| Dep { upos: r[1], head: r[2].parse::<usize>().unwrap().checked_sub(1), rel: r[3] }).collect();
        (words, deps)
    }

    #[test]
    fn subjects_through_control_and_relatives() {
        // The Commission forced Apple to lower its prices , which rose
        let (words, deps) = tree_of(
            "The DET 2 det
             Commission PROPN 3 nsubj
             forced VERB 0 root
             Apple PROPN 3 obj
             to PART 6 mark
             lower VERB 3 xcomp
             its PRON 8 nmod:poss
             prices NOUN 6 obj
             , PUNCT 11 punct
             which PRON 11 nsubj
             rose VERB 8 acl:relcl",
        );
        let t = DepTree::new(&words, &deps);
        assert_eq!(t.subject(2, &|_| false, 4), Some((1, true)));
        assert_eq!(t.subject(5, &|_| false, 4), Some((3, true)), "object control");
        assert_eq!(t.clause_subject(6), Some(3), "its: in the clause of lower, whose subject is Apple");
        assert_eq!(t.relative_antecedent(9), Some(7));
        assert_eq!(t.head_word(&(0..2)), 1);
    }
}
