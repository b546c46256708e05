//! Who takes part in an event, read from the dependency tree of the model's syntax head (UD
//! basic relations, see `ner::syntax`). Used instead of the shallow clause reading of
//! [`super::participants::find`] whenever the model parses.
//!
//! The arguments of a trigger are its dependents:
//! * `nsubj` → agent (a participant of a state or a copular predicate: "X is aware");
//!   `nsubj:pass`, `obj`, `iobj` → participant; `obl:agent` ("by X") → agent; `obl` → participant,
//!   or the place when a locative preposition governs a place ("in Moscow");
//! * on event nouns: `nmod:poss` ("the bank's collapse", "his keynote") → agent; `nmod` → participant
//!   ("of X"), agent after "by", place as for `obl`; `compound` names ("the iPhone launch") →
//!   participant;
//! * a verb without a subject of its own takes one from the tree: the controller of an `xcomp`
//!   ("agreed to buy": the subject; "asked him to leave": the object), the verb it is coordinated
//!   with (`conj`), the clause it modifies (`advcl`: "…, increasing …"), the noun a relative clause
//!   or a participle modifies (`acl:relcl`, `acl`: "the company, which makes …", "a firm founded by
//!   …");
//! * an argument is the nominal's phrase; its referent is the named mention or resolved pronoun at
//!   its head, else one in apposition or a flat name ("the company, Apple"); nominal conjuncts
//!   share the role ("Apple and Google sued").
//!
//! The word lists (locative and agent prepositions, light verbs) are those of `participants.toml`.

use std::ops::Range;

use super::participants::{lists, Argument, Referent, Role, Trigger};
use crate::ner::deptree::DepTree;

/// The document's tree and where the referents are.
struct Tree<'a, 'b, 'c> {
    t: &'c DepTree<'a, 'b>,
    /// The referent (index into `referents`) whose words hold each word: the shortest one.
    referent_at: Vec<Option<usize>>,
    referents: &'b [Referent<'b>],
}

/// Relations inside a nominal's own phrase (clauses, conjuncts and apposition are not; a nested
/// nominal's preposition is).
const IN_PHRASE: &[&str] =
    &["det", "det:predet", "amod", "compound", "flat", "fixed", "nummod", "nmod", "nmod:poss", "nmod:unmarked", "nmod:desc", "case", "goeswith"];

/// Parts of speech an argument's head may have: a nominal.
const NOMINAL: &[&str] = &["NOUN", "PROPN", "PRON", "NUM"];

impl<'a, 'b, 'c> Tree<'a, 'b, 'c> {
    fn new(t: &'c DepTree<'a, 'b>, referents: &'b [Referent<'b>]) -> Self {
        let deps = t.deps;
        let mut referent_at: Vec<Option<usize>> = vec![None; deps.len()];
        for (r, x) in referents.iter().enumerate() {
            for w in x.words.clone().filter(|&w| w < deps.len()) {
                if referent_at[w].is_none_or(|o| referents[o].words.len() > x.words.len()) {
                    referent_at[w] = Some(r);
                }
            }
        }
        Tree { t, referent_at, referents }
    }

    /// The referent a nominal headed by `w` stands for: the one at its head, else one in
    /// apposition or a flat part of the name.
    fn referent_of(&self, w: usize) -> Option<usize> {
        self.referent_at[w].or_else(|| self.t.kids(w, &["appos", "flat"]).find_map(|c| self.referent_at[c]))
    }

    /// The word range of the phrase headed by `w` (its dependents but clauses, conjuncts,
    /// apposition and the preposition), widened to its referent.
    fn phrase(&self, w: usize, referent: Option<usize>) -> Range<usize> {
        let (mut a, mut b) = (w, w + 1);
        let mut stack: Vec<usize> = self.t.children(w).iter().copied().filter(|&c| self.t.rel(c) != "case").collect();
        while let Some(x) = stack.pop() {
            if !IN_PHRASE.contains(&self.t.rel(x)) {
                continue;
            }
            a = a.min(x);
            b = b.max(x + 1);
            stack.extend(self.t.children(x).iter().copied());
        }
        if let Some(r) = referent {
            let rw = &self.referents[r].words;
            a = a.min(rw.start);
            b = b.max(rw.end);
        }
        a..b
    }

    /// What a relative pronoun without a referent of its own refers to: its antecedent's referent.
    fn antecedent(&self, w: usize) -> Option<usize> {
        if self.referent_at[w].is_some() {
            return None;
        }
        self.t.relative_antecedent(w)
    }
}

/// The arguments of every trigger (in the order given), read from the document's parse.
pub fn find(parse: &DepTree<'_, '_>, referents: &[Referent<'_>], triggers: &[Trigger<'_>]) -> Vec<Vec<Argument>> {
    let deps = parse.deps;
    let tree = Tree::new(parse, referents);
    let is_trigger: std::collections::HashSet<usize> = triggers.iter().map(|t| t.word).collect();
    let trigger_at = |w: usize| is_trigger.contains(&w);
    triggers.iter().map(|t| if t.word < deps.len() { trigger_arguments(&tree, t, &trigger_at) } else { Vec::new() }).collect()
}

fn trigger_arguments(tree: &Tree<'_, '_, '_>, t: &Trigger<'_>, trigger_at: &dyn Fn(usize) -> bool) -> Vec<Argument> {
    let l = lists();
    // a copula trigger ("is", "were") stands for its predicate ("The antenna is a metal strip")
    let copula = tree.t.rel(t.word) == "cop";
    let v = if copula { tree.t.deps[t.word].head.unwrap_or(t.word) } else { t.word };
    let mut out: Vec<Argument> = Vec::new();
    // a state or a copular predicate: its subject takes part, it does not act
    let predicate = copula || tree.t.has(v, &["cop", "expl"]) || t.lemma == "be" || !matches!(t.pos, "VERB") && tree.t.deps[v].upos != "VERB";
    let push = |role: Role, w: usize, out: &mut Vec<Argument>| {
        // the argument and its nominal conjuncts ("Apple and Google")
        let mut heads = vec![w];
        heads.extend(tree.t.kids(w, &["conj"]).filter(|&c| NOMINAL.contains(&tree.t.deps[c].upos)));
        for h in heads {
            if h == t.word {
                continue;
            }
            // an entity takes part, not another event ("held a media event") nor a clause
            let referent = tree.referent_of(h);
            if referent.is_none() && (!NOMINAL.contains(&tree.t.deps[h].upos) || trigger_at(h)) {
                continue;
            }
            let mut words = tree.phrase(h, referent);
            // a relative pronoun is the argument and refers to what its antecedent refers to
            let referent = referent.or_else(|| tree.antecedent(h).and_then(|a| tree.referent_of(a)));
            if words.contains(&t.word) {
                // "the recently announced iPhone 4": the name, not the phrase around the trigger
                match referent {
                    Some(r) if !tree.referents[r].words.contains(&t.word) => words = tree.referents[r].words.clone(),
                    _ => continue,
                }
            }
            if !out.iter().any(|a| a.words == words) {
                out.push(Argument { role, words, referent });
            }
        }
    };
    if let Some((s, agent)) = tree.t.subject(v, trigger_at, 4) {
        push(if agent && !predicate { Role::Agent } else { Role::Participant }, s, &mut out);
    }
    if copula && v != t.word {
        push(Role::Participant, v, &mut out);
    }
    // a participle modifying a noun ("the recently announced iPhone 4"): the noun undergoes it
    if tree.t.rel(v) == "amod" && (tree.t.deps[v].upos == "VERB" || matches!(t.tense, "PASTPART" | "PRESPART")) {
        if let Some(h) = tree.t.deps[v].head {
            push(Role::Participant, h, &mut out);
        }
    }
    for &c in tree.t.children(v) {
        let rel = tree.t.rel(c);
        let place_or = |fallback: Role| {
            let locative = tree.t.case_word(c).is_some_and(|p| l.place_prepositions.contains(&p));
            match tree.referent_of(c) {
                Some(r) if locative && tree.referents[r].label == "LOC" => Role::Place,
                _ => fallback,
            }
        };
        let role = match rel {
            "obj" | "iobj" => {
                // "gave a speech": the event noun is the light verb's object, not a participant
                if trigger_at(c) && l.light_verbs.contains(t.lemma) {
                    None
                } else {
                    Some(Role::Participant)
                }
            }
            "obl:agent" => Some(Role::Agent),
            "obl" | "obl:unmarked" | "nmod" | "nmod:unmarked" => {
                if tree.t.case_word(c).is_some_and(|p| l.agent_prepositions.contains(&p)) {
                    Some(Role::Agent)
                } else {
                    Some(place_or(Role::Participant))
                }
            }
            "nmod:poss" if !predicate || t.pos == "NOUN" => Some(Role::Agent),
            "compound" if tree.referent_at[c].is_some() && matches!(tree.t.deps[v].upos, "NOUN" | "PROPN") => Some(Role::Participant),
            _ => None,
        };
        if let Some(role) = role {
            push(role, c, &mut out);
        }
    }
    // "Jobs gave his keynote": the subject of a light verb whose object the event noun is does it
    if t.pos == "NOUN" && !out.iter().any(|a| a.role == Role::Agent) && matches!(tree.t.rel(v), "obj") {
        if let Some(h) = tree.t.deps[v].head {
            if l.light_verbs.contains(&super::lemma(tree.t.words[h], "VERB")) {
                if let Some((s, true)) = tree.t.subject(h, trigger_at, 4) {
                    push(Role::Agent, s, &mut out);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::Dep;

    /// Arguments of each trigger as "role:text" (the referent's text when there is one). `conllu`:
    /// one line per word, "FORM UPOS HEAD DEPREL" (HEAD 1-based, 0 for the root).
    fn run(conllu: &str, names: &[(&str, &str)], trig: &[(&str, &str)]) -> Vec<Vec<String>> {
        let rows: Vec<Vec<&str>> = conllu.trim().lines().map(|l| l.split_whitespace().collect()).collect();
        let words: Vec<&str> = rows.iter().map(|r| r[0]).collect();
        let deps: Vec<Dep<'_>> = rows
            .iter()
            .map(|r| {
                let h: usize = r[2].parse().unwrap();
                Dep { upos: r[1], head: h.checked_sub(1), rel: r[3] }
            })
            .collect();
        let mut referents = Vec::new();
        for (name, label) in names {
            let n: Vec<&str> = name.split(' ').collect();
            let i = (0..words.len()).find(|&i| words[i..].starts_with(&n)).unwrap();
            referents.push(Referent { words: i..i + n.len(), label });
        }
        referents.sort_by_key(|r| r.words.start);
        let lemmas: Vec<String> = trig.iter().map(|(w, pos)| crate::events::lemma(w, pos)).collect();
        let triggers: Vec<Trigger<'_>> = trig
            .iter()
            .zip(&lemmas)
            .map(|((w, pos), lemma)| Trigger { word: words.iter().position(|x| x == w).unwrap(), sentence: 0, pos, tense: "PAST", lemma })
            .collect();
        crate::events::participants::shown(&words, &referents, find(&DepTree::new(&words, &deps), &referents, &triggers))
    }

    #[test]
    fn subject_object_and_place() {
        let r = run(
            "Barack PROPN 3 nsubj
             Obama PROPN 1 flat
             met VERB 0 root
             Vladimir PROPN 3 obj
             Putin PROPN 4 flat
             in ADP 7 case
             Moscow PROPN 3 obl
             on ADP 9 case
             12 NUM 3 obl
             July PROPN 9 flat
             2009 NUM 9 nmod:unmarked
             . PUNCT 3 punct",
            &[("Barack Obama", "PER"), ("Vladimir Putin", "PER"), ("Moscow", "LOC")],
            &[("met", "VERB")],
        );
        assert_eq!(r[0], vec!["agent:Barack Obama", "participant:Vladimir Putin", "place:Moscow", "participant:12 July 2009"]);
    }

    #[test]
    fn control_and_coordination_share_the_subject() {
        // Sheinbaum confirmed it , only to rebuff the idea of American boots on Mexican soil
        let r = run(
            "Sheinbaum PROPN 2 nsubj
             confirmed VERB 0 root
             it PRON 2 obj
             , PUNCT 7 punct
             only ADV 7 advmod
             to PART 7 mark
             rebuff VERB 2 advcl
             the DET 9 det
             idea NOUN 7 obj
             of ADP 12 case
             American ADJ 12 amod
             boots NOUN 9 nmod
             on ADP 15 case
             Mexican ADJ 15 amod
             soil NOUN 12 nmod",
            &[("Sheinbaum", "PER"), ("American", "MISC"), ("Mexican", "MISC")],
            &[("confirmed", "VERB"), ("rebuff", "VERB")],
        );
        assert_eq!(r[1], vec!["agent:Sheinbaum", "participant:the idea of American boots on Mexican soil"]);
        // Apple agreed to buy Beats and opened a store
        let r = run(
            "Apple PROPN 2 nsubj
             agreed VERB 0 root
             to PART 4 mark
             buy VERB 2 xcomp
             Beats PROPN 4 obj
             and CCONJ 7 cc
             opened VERB 2 conj
             a DET 9 det
             store NOUN 7 obj",
            &[("Apple", "ORG"), ("Beats", "ORG")],
            &[("agreed", "VERB"), ("buy", "VERB"), ("opened", "VERB")],
        );
        assert_eq!(r[1], vec!["agent:Apple", "participant:Beats"]);
        assert_eq!(r[2], vec!["agent:Apple", "participant:a store"]);
    }

    #[test]
    fn passives_relatives_and_nouns() {
        // The iPod , which was launched by Apple , sold well
        let r = run(
            "The DET 2 det
             iPod PROPN 9 nsubj
             , PUNCT 6 punct
             which PRON 6 nsubj:pass
             was AUX 6 aux:pass
             launched VERB 2 acl:relcl
             by ADP 8 case
             Apple PROPN 6 obl:agent
             sold VERB 0 root
             well ADV 9 advmod",
            &[("iPod", "MISC"), ("Apple", "ORG")],
            &[("launched", "VERB")],
        );
        assert_eq!(r[0], vec!["participant:iPod", "agent:Apple"]);
        // the bank 's collapse and the launch of the iPhone in Cupertino
        let r = run(
            "the DET 2 det
             bank NOUN 4 nmod:poss
             's PART 2 case
             collapse NOUN 0 root
             and CCONJ 7 cc
             the DET 7 det
             launch NOUN 4 conj
             of ADP 10 case
             the DET 10 det
             iPhone PROPN 7 nmod
             in ADP 12 case
             Cupertino PROPN 7 nmod",
            &[("iPhone", "MISC"), ("Cupertino", "LOC")],
            &[("collapse", "NOUN"), ("launch", "NOUN")],
        );
        assert_eq!(r[0], vec!["agent:the bank"]);
        assert_eq!(r[1], vec!["participant:iPhone", "place:Cupertino"]);
    }

    #[test]
    fn light_verbs_and_states() {
        // Jobs gave his keynote ; Apple is aware
        let r = run(
            "Jobs PROPN 2 nsubj
             gave VERB 0 root
             his PRON 4 nmod:poss
             keynote NOUN 2 obj
             ; PUNCT 8 punct
             Apple PROPN 8 nsubj
             is AUX 8 cop
             aware ADJ 2 parataxis",
            &[("Jobs", "PER"), ("his", "PER"), ("Apple", "ORG")],
            &[("gave", "VERB"), ("keynote", "NOUN"), ("aware", "ADJECTIVE")],
        );
        assert_eq!(r[0], vec!["agent:Jobs"]);
        assert_eq!(r[1], vec!["agent:his"]);
        assert_eq!(r[2], vec!["participant:Apple"]);
    }
}
