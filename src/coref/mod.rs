//! Within-document coreference of pronouns and definite descriptions: "Claudia Sheinbaum … she",
//! "Airbus said … The company announced". Rule-based, in the spirit of the Hobbs / Lappin–Leass
//! family: a pronoun or description refers to an earlier named mention of a compatible type and
//! gender, preferring the current sentence, then the nearest earlier sentence that has one, and
//! within a sentence its first such mention (the subject, usually). Resolved pronouns are
//! candidates themselves, so a chain of "she … her … she" stays on one person.
//!
//! Word lists (pronouns, description nouns, gender titles) are in `coref.toml`; the usual gender of
//! first names in `first_names.tsv` (1990 US Census lists, built by scripts/build_names.py).
//! MEANTIME Apple figures: scripts/eval_participants.sh.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::ner::deptree::DepTree;
use crate::ner::Dep;
use crate::text::Located;

/// How a coreferent mention refers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Pronoun,
    Nominal,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pronoun => "pronoun",
            Kind::Nominal => "nominal",
        }
    }
}

/// A named entity mention as the resolver sees it.
#[derive(Debug, Clone)]
pub struct Named<'a> {
    /// Word indices in the document.
    pub words: Range<usize>,
    /// NER label: PER, ORG, LOC, MISC.
    pub label: &'a str,
}

/// A pronoun or description and the named mention (index into the `Named` list) it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub words: Range<usize>,
    pub kind: Kind,
    pub antecedent: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
    Unknown,
}

/// What a pronoun or description accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Person(Gender),
    /// "it", "its": an organization or a named thing.
    Neuter,
    /// "they": an organization.
    Plural,
    /// A description of this NER type.
    Label(&'static str),
}

#[derive(Deserialize)]
struct RawCoref {
    pronouns: HashMap<String, Vec<String>>,
    descriptions: HashMap<String, Vec<String>>,
    titles: HashMap<String, Vec<String>>,
}

struct Lists {
    pronouns: HashMap<String, Want>,
    /// Description head (one or two words, lower case) → type and gender.
    descriptions: HashMap<String, (&'static str, Gender)>,
    titles: HashMap<String, Gender>,
    first_names: HashMap<String, Gender>,
}

fn gender_of(s: &str) -> Gender {
    match s {
        "male" | "M" => Gender::Male,
        "female" | "F" => Gender::Female,
        _ => Gender::Unknown,
    }
}

fn parse_lists(toml_src: &str, names: &str) -> Result<Lists, String> {
    let raw: RawCoref = toml::from_str(toml_src).map_err(|e| format!("coref.toml: {e}"))?;
    let mut pronouns = HashMap::new();
    for (class, list) in &raw.pronouns {
        let want = match class.as_str() {
            "male" => Want::Person(Gender::Male),
            "female" => Want::Person(Gender::Female),
            "neuter" => Want::Neuter,
            "plural" => Want::Plural,
            other => return Err(format!("coref.toml: unknown pronoun class {other:?}")),
        };
        for p in list {
            pronouns.insert(p.to_lowercase(), want);
        }
    }
    let mut descriptions = HashMap::new();
    for (label, list) in &raw.descriptions {
        let label: &'static str = match label.as_str() {
            "PER" => "PER",
            "ORG" => "ORG",
            "LOC" => "LOC",
            "MISC" => "MISC",
            "female" | "male" => continue,
            other => return Err(format!("coref.toml: unknown description type {other:?}")),
        };
        for d in list {
            descriptions.insert(d.to_lowercase(), (label, Gender::Unknown));
        }
    }
    for g in ["female", "male"] {
        for d in raw.descriptions.get(g).into_iter().flatten() {
            let e = descriptions.entry(d.to_lowercase()).or_insert(("PER", Gender::Unknown));
            e.1 = gender_of(g);
        }
    }
    let mut titles = HashMap::new();
    for (g, list) in &raw.titles {
        for t in list {
            titles.insert(t.to_lowercase(), gender_of(g));
        }
    }
    let mut first_names = HashMap::new();
    for (n, line) in names.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (name, g) = line.split_once('\t').ok_or_else(|| format!("first_names.tsv line {}: no tab", n + 1))?;
        first_names.insert(name.to_string(), gender_of(g.trim()));
    }
    Ok(Lists { pronouns, descriptions, titles, first_names })
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    parse_lists(include_str!("coref.toml"), include_str!("first_names.tsv"))
        .expect("the built-in coreference lists are well-formed (checked by a test)")
});

/// Words after "it" that make it pleonastic when a "that"/"to" clause follows ("it is likely that").
const PLEONASTIC_VERBS: &[&str] =
    &["is", "was", "'s", "’s", "seems", "seemed", "appears", "appeared", "remains", "became", "becomes", "will", "would", "may", "might", "could"];

fn lower(w: &str) -> String {
    w.to_lowercase()
}

/// Gender of each named mention: a title before it, its first name, or that of an earlier longer
/// mention ending with the same word ("Donald Trump … Trump").
fn genders(words: &[&str], named: &[Named<'_>]) -> Vec<Gender> {
    let l = &*LISTS;
    let mut by_last: HashMap<String, Gender> = HashMap::new();
    let mut out = Vec::with_capacity(named.len());
    for m in named {
        if m.label != "PER" || m.words.is_empty() {
            out.push(Gender::Unknown);
            continue;
        }
        let title = m.words.start.checked_sub(1).and_then(|p| l.titles.get(&lower(words[p]))).copied();
        let first = l.first_names.get(&lower(words[m.words.start])).copied();
        let last = lower(words[m.words.end - 1]);
        let g = match (title, first) {
            (Some(g), _) if g != Gender::Unknown => g,
            (_, Some(g)) if m.words.len() > 1 => g,
            _ => by_last.get(&last).copied().unwrap_or(Gender::Unknown),
        };
        if g != Gender::Unknown {
            by_last.insert(last, g);
        }
        out.push(g);
    }
    out
}

fn accepts(want: Want, label: &str, gender: Gender, strict: bool) -> bool {
    match want {
        Want::Person(g) => label == "PER" && (gender == g || (!strict && gender == Gender::Unknown)),
        Want::Neuter => matches!(label, "ORG" | "MISC"),
        Want::Plural => label == "ORG",
        Want::Label(t) => label == t,
    }
}

/// A candidate antecedent: a named mention or a resolved link, with the named mention it stands for.
struct Cand {
    words: Range<usize>,
    named: usize,
}

/// Resolve the pronouns and definite descriptions of one document. `words` are the document's
/// words, `sentences` their sentence ranges, `named` the named mentions in text order, `chunks`
/// the base noun phrases of each sentence (word ranges relative to the sentence), `deps` the
/// dependency tree of every word when the model parses.
///
/// With a tree, the candidates of a sentence are taken subjects first, then objects, then the
/// rest (each in text order), as salience-based resolvers rank them (Lappin & Leass 1994); a
/// pronoun object or oblique is not its own verb's subject unless it is reflexive ("Apple sued
/// it" is not Apple; "Apple sued itself" is), and a reflexive takes its own verb's subject.
/// Without a tree, text order.
pub fn resolve(words: &[&str], sentences: &[Range<usize>], named: &[Named<'_>], chunks: &[Vec<Range<usize>>], deps: Option<&[Dep<'_>]>) -> Vec<Link> {
    let l = &*LISTS;
    let gender = genders(words, named);
    let tree = deps.filter(|d| d.len() == words.len()).map(|d| DepTree::new(words, d));
    let mut cands_by_sentence: Vec<Vec<Cand>> = sentences.iter().map(|_| Vec::new()).collect();
    let mut next_named = 0;
    let mut links = Vec::new();
    for (si, sent) in sentences.iter().enumerate() {
        // descriptions of this sentence: chunks "the … NOUN" not holding a named mention
        let mut descs: HashMap<usize, (Range<usize>, Want)> = HashMap::new();
        for c in chunks.get(si).into_iter().flatten() {
            let (a, b) = (sent.start + c.start, sent.start + c.end);
            // "the former president", "the CEO"; not "the Trump administration" (a name inside)
            if b - a < 2 || lower(words[a]) != "the" || words[a + 1..b - 1].iter().any(|w| w.chars().next().is_some_and(char::is_uppercase)) {
                continue;
            }
            if named.iter().any(|m| m.words.start < b && a < m.words.end) {
                continue;
            }
            let head = lower(words[b - 1]);
            let two = if b - a >= 3 { format!("{} {}", lower(words[b - 2]), head) } else { String::new() };
            if let Some(&(t, g)) = l.descriptions.get(&two).or_else(|| l.descriptions.get(&head)) {
                let want = if t == "PER" { Want::Person(g) } else { Want::Label(t) };
                descs.insert(a, (a..b, want));
            }
        }
        let mut w = sent.start;
        while w < sent.end {
            // named mentions starting here become candidates
            if next_named < named.len() && named[next_named].words.start == w {
                let m = &named[next_named];
                cands_by_sentence[si].push(Cand { words: m.words.clone(), named: next_named });
                let end = m.words.end.max(w + 1);
                next_named += 1;
                while next_named < named.len() && named[next_named].words.start < end {
                    let m = &named[next_named];
                    cands_by_sentence[si].push(Cand { words: m.words.clone(), named: next_named });
                    next_named += 1;
                }
                w = end;
                continue;
            }
            let (span, want, kind) = if let Some((span, want)) = descs.get(&w) {
                (span.clone(), *want, Kind::Nominal)
            } else if let Some(&want) = l.pronouns.get(&lower(words[w])) {
                if want == Want::Neuter && lower(words[w]) == "it" && pleonastic(&words[w + 1..sent.end]) {
                    w += 1;
                    continue;
                }
                (w..w + 1, want, Kind::Pronoun)
            } else {
                w += 1;
                continue;
            };
            // "it" reaches back one sentence; persons and descriptions further
            let reach = match want {
                Want::Neuter | Want::Plural => 1,
                _ => 4,
            };
            let reflexive = kind == Kind::Pronoun && lower(words[w]).ends_with("self");
            let local = tree.as_ref().filter(|_| kind == Kind::Pronoun).and_then(|t| t.clause_subject(t.head_word(&span)));
            // binding: the entities of the pronoun's own verb's subject are excluded for a plain
            // pronoun object and required for a reflexive
            let bound: Vec<usize> = match (&tree, kind) {
                (Some(t), Kind::Pronoun) => cands_by_sentence[si].iter().filter(|c| co_arguments(t, &span, &c.words)).map(|c| c.named).collect(),
                _ => Vec::new(),
            };
            let excluded: &[usize] = if reflexive { &[] } else { &bound };
            let found = [true, false].into_iter().find_map(|strict| {
                (si.saturating_sub(reach)..=si).rev().find_map(|s| {
                    cands_by_sentence[s]
                        .iter()
                        .filter(|c| c.words.end <= span.start)
                        .filter(|c| accepts(want, named[c.named].label, gender[c.named], strict))
                        .filter(|c| !excluded.contains(&c.named) && (!reflexive || bound.is_empty() || bound.contains(&c.named)))
                        .min_by_key(|c| (tree.as_ref().map_or(0, |t| salience(t, &c.words, local)), c.words.start))
                        .map(|c| c.named)
                })
            });
            if let Some(a) = found {
                links.push(Link { words: span.clone(), kind, antecedent: a });
                cands_by_sentence[si].push(Cand { words: span.clone(), named: a });
            }
            w = span.end;
        }
    }
    links
}

/// The grammatical role of a mention, the lower the more salient: the subject of the pronoun's
/// own clause (`local`, given by control too: "forced Apple to lower its prices") −1, a subject 0,
/// an object 1, other 2. A name in apposition or a flat name takes the role of the phrase it
/// belongs to ("The label, Apple Corps, lost").
fn salience(tree: &DepTree<'_, '_>, span: &Range<usize>, local: Option<usize>) -> i8 {
    let mut w = tree.head_word(span);
    for _ in 0..4 {
        match tree.deps[w].rel {
            "appos" | "flat" => match tree.deps[w].head {
                Some(h) => w = h,
                None => break,
            },
            _ => break,
        }
    }
    if Some(w) == local {
        return -1;
    }
    match tree.deps[w].rel {
        "nsubj" | "nsubj:pass" | "nsubj:outer" => 0,
        "obj" | "iobj" => 1,
        _ => 2,
    }
}

/// Binding: a pronoun object or oblique of a verb and a candidate that is that verb's subject
/// ("Apple sued it": not Apple; "Apple sued itself": Apple).
fn co_arguments(tree: &DepTree<'_, '_>, pronoun: &Range<usize>, cand: &Range<usize>) -> bool {
    let deps = tree.deps;
    let p = tree.head_word(pronoun);
    let c = tree.head_word(cand);
    let (Some(v), Some(cv)) = (deps[p].head, deps[c].head) else { return false };
    v == cv && matches!(deps[c].rel, "nsubj" | "nsubj:pass") && matches!(deps[p].rel, "obj" | "iobj" | "obl")
}

/// "it is likely that …", "it will take time to …": a be/modal verb, then "that"/"to" within six words.
fn pleonastic(after: &[&str]) -> bool {
    let Some(first) = after.first() else { return false };
    PLEONASTIC_VERBS.contains(&lower(first).as_str())
        && after.iter().skip(1).take(6).any(|w| matches!(lower(w).as_str(), "that" | "to" | "whether" | "if"))
}

/// A pronoun or definite description and the named mention it refers to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorefRec {
    #[serde(flatten)]
    pub at: Located,
    pub kind: Kind,
    /// Index into the record's mentions.
    pub antecedent: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, names: &[(&str, &str)]) -> Vec<(String, String)> {
        let words: Vec<&str> = text.split(' ').collect();
        let mut sentences = Vec::new();
        let mut s = 0;
        for (i, w) in words.iter().enumerate() {
            if *w == "." {
                sentences.push(s..i + 1);
                s = i + 1;
            }
        }
        if s < words.len() {
            sentences.push(s..words.len());
        }
        let mut named = Vec::new();
        for (name, label) in names {
            let n: Vec<&str> = name.split(' ').collect();
            for i in 0..words.len() {
                if words[i..].starts_with(&n) && !named.iter().any(|m: &Named<'_>| m.words.contains(&i)) {
                    named.push(Named { words: i..i + n.len(), label });
                }
            }
        }
        named.sort_by_key(|m| m.words.start);
        let chunks: Vec<Vec<Range<usize>>> = sentences.iter().map(|s| crate::text::NpChunker::builtin().chunks(&words[s.clone()])).collect();
        resolve(&words, &sentences, &named, &chunks, None)
            .into_iter()
            .map(|l| (words[l.words].join(" "), words[named[l.antecedent].words.clone()].join(" ")))
            .collect()
    }

    #[test]
    fn lists_parse() {
        assert!(LISTS.first_names.get("claudia") == Some(&Gender::Female));
        assert!(LISTS.pronouns.contains_key("their"));
        assert_eq!(LISTS.descriptions.get("company").map(|d| d.0), Some("ORG"));
    }

    #[test]
    fn gendered_pronouns_skip_the_nearest_person_of_the_other_gender() {
        let r = run(
            "President Donald Trump said Mexican President Claudia Sheinbaum rejected his offer . Her reasoning , according to Trump ? Fear . She is so afraid , Trump told reporters .",
            &[("Donald Trump", "PER"), ("Mexican", "MISC"), ("Claudia Sheinbaum", "PER"), ("Trump", "PER")],
        );
        assert_eq!(
            r,
            vec![("his".into(), "Donald Trump".into()), ("Her".into(), "Claudia Sheinbaum".into()), ("She".into(), "Claudia Sheinbaum".into()),]
        );
    }

    #[test]
    fn descriptions_and_organizations() {
        let r = run(
            "Airbus said on Monday that sales rose . The company announced its results , and the former president of France praised them .",
            &[("Airbus", "ORG"), ("France", "LOC")],
        );
        // "them" (the results) is left alone: object forms of "they" are rarely an organization
        assert_eq!(r, vec![("The company".into(), "Airbus".into()), ("its".into(), "Airbus".into())]);
    }

    #[test]
    fn with_a_tree_the_clause_subject_and_binding_decide() {
        // "The Commission forced Apple to lower its prices . It sued it ." (tree: FORM UPOS HEAD DEPREL)
        let rows = "The DET 2 det|Commission PROPN 3 nsubj|forced VERB 0 root|Apple PROPN 3 obj|to PART 6 mark|lower VERB 3 xcomp|its PRON 8 nmod:poss|prices NOUN 6 obj|. PUNCT 3 punct|It PRON 2 nsubj|sued VERB 0 root|it PRON 2 obj|. PUNCT 2 punct";
        let rows: Vec<Vec<&str>> = rows.split('|').map(|r| r.split(' ').collect()).collect();
        let words: Vec<&str> = rows.iter().map(|r| r[0]).collect();
        let deps: Vec<Dep<'_>> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let h: usize = r[2].parse().unwrap();
                // heads are 1-based within each sentence; the second starts at word 9
                let base = if i >= 9 { 9 } else { 0 };
                Dep { upos: r[1], head: h.checked_sub(1).map(|h| h + base), rel: r[3] }
            })
            .collect();
        let sentences = vec![0..9, 9..13];
        let named = vec![Named { words: 1..2, label: "ORG" }, Named { words: 3..4, label: "ORG" }];
        let chunks = vec![Vec::new(), Vec::new()];
        let text = |links: Vec<Link>| links.into_iter().map(|l| (l.words.start, l.antecedent)).collect::<Vec<_>>();
        // without a tree: the first candidate of the sentence (the Commission) for "its"
        assert_eq!(text(resolve(&words, &sentences, &named, &chunks, None))[0], (6, 0));
        // with it: Apple, the subject of "lower" by object control; "It" (subject) → the
        // Commission, the previous sentence's subject; "it" (object of sued) is not "It"'s
        let r = text(resolve(&words, &sentences, &named, &chunks, Some(&deps)));
        assert_eq!(r[0], (6, 1));
        assert_eq!(r[1], (9, 0));
        assert!(r.get(2).is_none_or(|&(w, a)| w == 11 && a != 0), "{r:?}");
    }

    #[test]
    fn pleonastic_it_is_not_resolved() {
        let r = run("Apple said sales rose . It is likely that prices fall .", &[("Apple", "ORG")]);
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn surname_inherits_the_gender_of_the_full_name() {
        let r = run(
            "Claudia Sheinbaum met Donald Trump . Later Sheinbaum said she agreed .",
            &[("Claudia Sheinbaum", "PER"), ("Donald Trump", "PER"), ("Sheinbaum", "PER")],
        );
        assert_eq!(r, vec![("she".into(), "Sheinbaum".into())]);
    }
}
