//! Entity normalization: one canonical name per person, organization and place, aliases merged
//! within a document and then across documents, with ids derived from name and type.
//!
//! * Surface forms are cleaned (Unicode NFC, typographic quotes, whitespace, possessives, leading
//!   titles such as "President").
//! * Aliases come from a data file (`aliases.toml`: "U.S." → United States) and from acronym
//!   definitions in the text ("Foreign Terrorist Organizations (FTOs)").
//! * Demonyms ("Mexican") become references to their place, not mentions of their own.
//! * Persons: a one-word mention ("Trump") joins the full name it matches in the document; two
//!   different full names with one surname stay two people, and an ambiguous surname joins the
//!   nearest preceding full name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

pub const BUILTIN_ALIASES: &str = include_str!("aliases.toml");

#[derive(Debug, Deserialize)]
struct RawAliases {
    #[serde(default)]
    places: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    organizations: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    demonyms: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    titles: Titles,
}

#[derive(Debug, Deserialize, Default)]
struct Titles {
    #[serde(default)]
    list: Vec<String>,
}

/// Normalization resources.
pub struct Resources {
    /// alias key → (canonical, type)
    aliases: HashMap<String, (String, &'static str)>,
    demonyms: HashMap<String, String>,
    /// title word sequences, lower-cased, longest first
    titles: Vec<Vec<String>>,
}

/// Key used to match names: lower case, no periods, no leading "the", single spaces.
pub fn match_key(s: &str) -> String {
    let s = clean(s).to_lowercase().replace('.', "");
    let s = s.strip_prefix("the ").unwrap_or(&s).to_string();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFC, straight quotes, single spaces, no possessive.
pub fn clean(s: &str) -> String {
    let s: String = s
        .nfc()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_matches(|c: char| matches!(c, '"' | ',' | ';' | ':' | '(' | ')' | '[' | ']'));
    let s = s.strip_suffix("'s").or_else(|| s.strip_suffix("'S")).unwrap_or(s);
    // "the Joneses'" → drop a bare trailing apostrophe after s
    let s = if s.ends_with("s'") { &s[..s.len() - 1] } else { s };
    s.trim().to_string()
}

impl Resources {
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN_ALIASES, "aliases.toml")
    }

    pub fn parse(src: &str, origin: &str) -> Result<Self> {
        let raw: RawAliases = toml::from_str(src).map_err(|e| Error::Other(format!("{origin}: {e}")))?;
        let mut aliases = HashMap::new();
        for (table, kind) in [(&raw.places, "LOC"), (&raw.organizations, "ORG")] {
            for (canon, list) in table {
                aliases.insert(match_key(canon), (canon.clone(), kind));
                for a in list {
                    aliases.insert(match_key(a), (canon.clone(), kind));
                }
            }
        }
        let mut demonyms = HashMap::new();
        for (place, list) in &raw.demonyms {
            for d in list {
                demonyms.insert(match_key(d), place.clone());
            }
        }
        let mut titles: Vec<Vec<String>> = raw
            .titles
            .list
            .iter()
            .map(|t| t.split_whitespace().map(|w| w.to_lowercase().trim_end_matches('.').to_string()).collect())
            .collect();
        titles.sort_by(|a: &Vec<String>, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        titles.dedup();
        Ok(Resources { aliases, demonyms, titles })
    }

    /// Canonical name and type of a known alias.
    pub fn alias(&self, surface: &str) -> Option<(&str, &'static str)> {
        self.aliases.get(&match_key(surface)).map(|(c, k)| (c.as_str(), *k))
    }

    /// The place a demonym refers to ("Mexican" → Mexico).
    pub fn demonym(&self, surface: &str) -> Option<&str> {
        self.demonyms.get(&match_key(surface)).map(String::as_str)
    }

    /// Remove leading titles ("Mexican President Claudia Sheinbaum" → "Claudia Sheinbaum").
    pub fn strip_titles(&self, name: &str) -> String {
        let mut words: Vec<&str> = name.split_whitespace().collect();
        loop {
            let mut stripped = false;
            for t in &self.titles {
                if words.len() > t.len()
                    && words[..t.len()].iter().zip(t).all(|(w, tw)| w.to_lowercase().trim_end_matches('.') == tw)
                {
                    words.drain(..t.len());
                    stripped = true;
                    break;
                }
            }
            if !stripped {
                break;
            }
        }
        words.join(" ")
    }
}

/// One NER mention as seen by the normalizer.
#[derive(Debug, Clone)]
pub struct MentionIn<'a> {
    pub doc: usize,
    /// Byte offset in the document (for "nearest preceding" decisions).
    pub start: usize,
    pub text: &'a str,
    pub label: &'a str,
}

/// What a mention became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A mention of entity `index` in [`Normalized::entities`].
    Entity(usize),
    /// A demonym: a reference to place entity `index`, not counted as a mention.
    PlaceRef(usize),
}

/// A normalized entity.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: BTreeSet<String>,
    pub mentions: usize,
    /// Indices of the documents it is mentioned in.
    pub documents: BTreeSet<usize>,
}

#[derive(Debug, Clone)]
pub struct Normalized {
    pub entities: Vec<Entity>,
    /// One per input mention, in input order.
    pub resolution: Vec<Resolution>,
}

/// Stable id from type and canonical name: `per:donald-trump`.
pub fn entity_id(kind: &str, name: &str) -> String {
    let slug: String = match_key(name)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{}:{}", kind.to_lowercase(), if slug.is_empty() { "x".into() } else { slug })
}

static ACRONYM_DEF: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,12})\s*\)").expect("static regex"));

/// Initials of a long form ("Foreign Terrorist Organizations" → "fto"), skipping small words.
fn initials(s: &str) -> String {
    const SMALL: &[&str] = &["of", "the", "and", "for", "de", "del", "la", "le", "on", "in", "&"];
    s.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && !SMALL.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn acronym_matches(long: &str, acr: &str) -> bool {
    let a: String = acr.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let a = a.strip_suffix('s').filter(|x| x.len() >= 2).map(str::to_string).unwrap_or(a);
    a.len() >= 2 && initials(long) == a
}

/// Find acronym definitions in a document: mention text immediately followed by "(ACR)".
/// Returns acronym match key → long form.
pub fn acronym_definitions(text: &str, mentions: &[(usize, usize)]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for &(s, e) in mentions {
        if e > text.len() || s >= e {
            continue;
        }
        if let Some(c) = ACRONYM_DEF.captures(&text[e..]) {
            let acr = &c[1];
            let long = clean(&text[s..e]);
            if acronym_matches(&long, acr) {
                out.insert(match_key(acr), long);
            }
        }
    }
    out
}

struct Cluster {
    kind: String,
    /// cleaned surface forms
    forms: Vec<String>,
    canonical: String,
    mentions: Vec<usize>,
    doc: usize,
    /// (start offset, full-name form) of person full-name mentions
    first_start: usize,
}

fn push_cluster(clusters: &mut Vec<Cluster>, kind: &str, name: &str, doc: usize, start: usize) -> usize {
    clusters.push(Cluster {
        kind: kind.to_string(),
        forms: Vec::new(),
        canonical: name.to_string(),
        mentions: Vec::new(),
        doc,
        first_start: start,
    });
    clusters.len() - 1
}

fn is_person_full(name: &str) -> bool {
    name.split_whitespace().count() >= 2
}

fn last_token(name: &str) -> &str {
    name.split_whitespace().last().unwrap_or(name)
}

fn better_name(a: &str, b: &str) -> bool {
    // more words, then longer, then lexicographic for determinism
    let (wa, wb) = (a.split_whitespace().count(), b.split_whitespace().count());
    wa > wb || (wa == wb && (a.len() > b.len() || (a.len() == b.len() && a < b)))
}

/// Normalize the mentions of a set of documents (`acronyms[doc]` from [`acronym_definitions`]).
pub fn normalize(res: &Resources, mentions: &[MentionIn<'_>], acronyms: &[HashMap<String, String>]) -> Normalized {
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut resolution: Vec<Option<(usize, bool)>> = vec![None; mentions.len()]; // (cluster, is_place_ref)
    let n_docs = mentions.iter().map(|m| m.doc + 1).max().unwrap_or(0);
    let mut by_doc: Vec<Vec<usize>> = vec![Vec::new(); n_docs];
    for (i, m) in mentions.iter().enumerate() {
        by_doc[m.doc].push(i);
    }

    // ---- within each document
    for (doc, idxs) in by_doc.iter().enumerate() {
        let acr = acronyms.get(doc);
        let mut local: HashMap<(String, String), usize> = HashMap::new(); // (kind, key) → cluster
        let mut persons: Vec<usize> = Vec::new(); // person clusters of this doc
        let mut demonym_refs: Vec<(usize, String)> = Vec::new();
        let mut pending: Vec<(usize, String, String)> = Vec::new(); // (mention, kind, cleaned)
        for &i in idxs {
            let m = &mentions[i];
            let mut cleaned = clean(m.text);
            let mut kind = m.label.to_string();
            if kind == "MISC" || kind == "LOC" {
                if let Some(place) = res.demonym(&cleaned) {
                    demonym_refs.push((i, place.to_string()));
                    continue;
                }
            }
            if let Some(long) = acr.and_then(|a| a.get(&match_key(&cleaned))) {
                cleaned = long.clone();
            }
            if let Some((canon, k)) = res.alias(&cleaned) {
                if kind != "PER" {
                    kind = k.to_string();
                    cleaned = canon.to_string();
                }
            }
            if kind == "PER" {
                cleaned = res.strip_titles(&cleaned);
            }
            if cleaned.is_empty() {
                continue;
            }
            pending.push((i, kind, cleaned));
        }
        // persons: full names first, so that single names can join them
        let mut order: Vec<usize> = (0..pending.len()).collect();
        order.sort_by_key(|&k| {
            let (i, kind, c) = &pending[k];
            (kind != "PER", !is_person_full(c), mentions[*i].start)
        });
        for k in order {
            let (i, kind, cleaned) = pending[k].clone();
            let key = (kind.clone(), match_key(&cleaned));
            let target = if let Some(&c) = local.get(&key) {
                Some(c)
            } else if !is_person_full(&cleaned) {
                // a single word: the person whose last (or first) name it is; with several, the
                // one whose full name was mentioned last before it
                let word = match_key(&cleaned);
                let cands: Vec<usize> = persons
                    .iter()
                    .copied()
                    .filter(|&c| {
                        clusters[c].forms.iter().any(|f| {
                            let fk = match_key(f);
                            fk.split_whitespace().last() == Some(word.as_str())
                                || (kind == "PER" && fk.split_whitespace().next() == Some(word.as_str()))
                        })
                    })
                    .collect();
                let pick = match cands.len() {
                    0 => None,
                    1 => Some(cands[0]),
                    _ => {
                        let start = mentions[i].start;
                        cands
                            .iter()
                            .copied()
                            .filter(|&c| clusters[c].first_start <= start)
                            .max_by_key(|&c| clusters[c].first_start)
                            .or(Some(cands[0]))
                    }
                };
                // other types join a person only when the NER type is unreliable (MISC/ORG single word)
                pick.filter(|_| kind == "PER" || kind == "MISC" || kind == "ORG")
            } else {
                None
            };
            let c = match target {
                Some(c) => c,
                None => {
                    let c = push_cluster(&mut clusters, &kind, &cleaned, doc, mentions[i].start);
                    if kind == "PER" {
                        persons.push(c);
                    }
                    c
                }
            };
            local.insert(key, c);
            let cl = &mut clusters[c];
            if better_name(&cleaned, &cl.canonical) && cl.kind == kind {
                cl.canonical = cleaned.clone();
            }
            if !cl.forms.contains(&cleaned) {
                cl.forms.push(cleaned);
            }
            cl.mentions.push(i);
            cl.first_start = cl.first_start.min(mentions[i].start);
            resolution[i] = Some((c, false));
        }
        // demonyms: reference their place (creating it if the document never names it)
        for (i, place) in demonym_refs {
            let key = ("LOC".to_string(), match_key(&place));
            let c = match local.get(&key) {
                Some(&c) => c,
                None => {
                    let c = push_cluster(&mut clusters, "LOC", &place, doc, mentions[i].start);
                    local.insert(key, c);
                    c
                }
            };
            resolution[i] = Some((c, true));
        }
    }

    // ---- across documents: same (type, canonical); single-word persons join a unique full name.
    // ORG and MISC form one group: the NER often types one product or event name ORG in one
    // place and MISC in another ("iPod"); the entity takes the type most of its mentions have.
    let group = |kind: &str| -> String { if kind == "MISC" { "ORG".to_string() } else { kind.to_string() } };
    // sort keys computed once per cluster, not once per comparison
    let mut votes: Vec<BTreeMap<String, usize>> = Vec::new();
    let mut global: BTreeMap<(String, String), usize> = BTreeMap::new(); // → entity index
    let mut entities: Vec<Entity> = Vec::new();
    let mut cluster_entity = vec![usize::MAX; clusters.len()];
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by_cached_key(|&c| {
        let cl = &clusters[c];
        (!is_person_full(&cl.canonical), group(&cl.kind), match_key(&cl.canonical), cl.doc, cl.kind.clone())
    });
    for c in order {
        let cl = &clusters[c];
        let key = (group(&cl.kind), match_key(&cl.canonical));
        let e = if let Some(&e) = global.get(&key) {
            e
        } else if cl.kind == "PER" && !is_person_full(&cl.canonical) {
            let word = match_key(&cl.canonical);
            let cands: Vec<usize> = global
                .iter()
                .filter(|((k, name), _)| k == "PER" && is_person_full(name) && last_token(name) == word)
                .map(|(_, &e)| e)
                .collect();
            if cands.len() == 1 {
                cands[0]
            } else {
                new_entity(&mut entities, &mut global, key, &cl.canonical, &cl.kind)
            }
        } else {
            new_entity(&mut entities, &mut global, key, &cl.canonical, &cl.kind)
        };
        cluster_entity[c] = e;
        votes.resize_with(entities.len(), BTreeMap::new);
        *votes[e].entry(cl.kind.clone()).or_default() += cl.mentions.len();
        let ent = &mut entities[e];
        for f in &cl.forms {
            ent.aliases.insert(f.clone());
        }
        for &i in &cl.mentions {
            ent.aliases.insert(clean(mentions[i].text));
        }
        if !cl.mentions.is_empty() {
            ent.documents.insert(cl.doc);
        }
        ent.mentions += cl.mentions.len();
        if better_name(&cl.canonical, &ent.name) && group(&cl.kind) == group(&ent.kind) {
            ent.name = cl.canonical.clone();
        }
    }
    // the majority type of merged ORG/MISC clusters (ties: ORG)
    for (e, v) in entities.iter_mut().zip(&votes) {
        if let Some((k, _)) = v.iter().max_by_key(|(k, n)| (**n, k.as_str() == "ORG")) {
            e.kind = k.clone();
        }
    }
    // ids from final names; aliases exclude the name itself
    for e in &mut entities {
        e.id = entity_id(&e.kind, &e.name);
        let name = e.name.clone();
        e.aliases.remove(&name);
    }
    let resolution = resolution
        .into_iter()
        .map(|r| match r {
            Some((c, false)) => Resolution::Entity(cluster_entity[c]),
            Some((c, true)) => Resolution::PlaceRef(cluster_entity[c]),
            None => Resolution::PlaceRef(usize::MAX),
        })
        .collect();
    Normalized { entities, resolution }
}

fn new_entity(
    entities: &mut Vec<Entity>,
    global: &mut BTreeMap<(String, String), usize>,
    key: (String, String),
    name: &str,
    kind: &str,
) -> usize {
    entities.push(Entity {
        id: String::new(),
        name: name.to_string(),
        kind: kind.to_string(),
        aliases: BTreeSet::new(),
        mentions: 0,
        documents: BTreeSet::new(),
    });
    global.insert(key, entities.len() - 1);
    entities.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[(&str, &[(&str, &str)])]) -> (Normalized, Vec<(usize, String, String)>) {
        let res = Resources::builtin().unwrap();
        let mut ms = Vec::new();
        for (d, (_, list)) in docs.iter().enumerate() {
            for (k, (t, l)) in list.iter().enumerate() {
                ms.push(MentionIn { doc: d, start: k * 10, text: t, label: l });
            }
        }
        let acr: Vec<HashMap<String, String>> = docs.iter().map(|_| HashMap::new()).collect();
        let n = normalize(&res, &ms, &acr);
        let flat = ms
            .iter()
            .zip(&n.resolution)
            .map(|(m, r)| match r {
                Resolution::Entity(e) => (m.doc, m.text.to_string(), n.entities[*e].name.clone()),
                Resolution::PlaceRef(e) => (m.doc, m.text.to_string(), format!("ref:{}", n.entities[*e].name)),
            })
            .collect();
        (n, flat)
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("Trump’s"), "Trump");
        assert_eq!(clean("  Donald\n Trump "), "Donald Trump");
        assert_eq!(match_key("the U.S."), "us");
        let r = Resources::builtin().unwrap();
        assert_eq!(r.strip_titles("President Donald Trump"), "Donald Trump");
        assert_eq!(r.strip_titles("Mexican President Claudia Sheinbaum"), "Claudia Sheinbaum");
        assert_eq!(r.strip_titles("Mr. Smith"), "Smith");
        assert_eq!(r.strip_titles("President"), "President");
        assert_eq!(entity_id("PER", "Donald Trump"), "per:donald-trump");
        assert_eq!(entity_id("LOC", "Washington, D.C."), "loc:washington-dc");
    }

    #[test]
    fn persons_merge_within_and_across_documents() {
        let (n, flat) = run(&[
            ("a", &[("President Donald Trump", "PER"), ("Trump", "PER"), ("Trump’s", "PER"), ("Claudia Sheinbaum", "PER"), ("Sheinbaum", "PER")]),
            ("b", &[("Trump", "PER"), ("Trump", "MISC")]),
        ]);
        assert!(flat.iter().filter(|f| f.1.contains("Trump")).all(|f| f.2 == "Donald Trump"), "{flat:?}");
        let trump = n.entities.iter().find(|e| e.name == "Donald Trump").unwrap();
        assert_eq!(trump.mentions, 5);
        assert_eq!(trump.documents.len(), 2);
        assert!(trump.aliases.contains("Trump"));
        assert_eq!(trump.id, "per:donald-trump");
        assert_eq!(n.entities.iter().filter(|e| e.kind == "PER").count(), 2);
    }

    #[test]
    fn same_surname_different_people_stay_apart() {
        let (n, flat) = run(&[("a", &[("Hillary Clinton", "PER"), ("Bill Clinton", "PER"), ("Clinton", "PER")])]);
        assert_eq!(n.entities.iter().filter(|e| e.kind == "PER").count(), 2);
        // the ambiguous surname joins the nearest preceding full name
        assert_eq!(flat[2].2, "Bill Clinton");
    }

    #[test]
    fn places_aliases_demonyms() {
        let (n, flat) = run(&[("a", &[("U.S.", "LOC"), ("United States", "LOC"), ("America", "LOC"), ("Mexican", "MISC"), ("Mexico", "LOC")])]);
        assert_eq!(flat[0].2, "United States");
        assert_eq!(flat[2].2, "United States");
        assert_eq!(flat[3].2, "ref:Mexico");
        let us = n.entities.iter().find(|e| e.name == "United States").unwrap();
        assert_eq!(us.mentions, 3);
        assert!(us.aliases.contains("U.S."));
        let mx = n.entities.iter().find(|e| e.name == "Mexico").unwrap();
        assert_eq!(mx.mentions, 1, "demonyms are references, not mentions");
    }

    #[test]
    fn acronyms_from_text() {
        let text = "designated cartels as Foreign Terrorist Organizations (FTOs)—a move";
        let s = text.find("Foreign").unwrap();
        let e = s + "Foreign Terrorist Organizations".len();
        let defs = acronym_definitions(text, &[(s, e)]);
        assert_eq!(defs.get("ftos").map(String::as_str), Some("Foreign Terrorist Organizations"));
        assert!(acronym_definitions("the Wall Street Journal (WSJ)", &[(4, 23)]).contains_key("wsj"));
        assert!(acronym_definitions("the Foo Bar (XYZ)", &[(4, 11)]).is_empty());
    }

    #[test]
    fn org_and_misc_of_one_name_merge_under_the_majority_type() {
        let (n, _) = run(&[("a", &[("iPod", "MISC"), ("iPod", "MISC")]), ("b", &[("iPod", "ORG"), ("Apple", "ORG")]), ("c", &[("Apple", "MISC")])]);
        let names: Vec<(&str, &str, usize)> = n.entities.iter().map(|e| (e.name.as_str(), e.kind.as_str(), e.mentions)).collect();
        assert!(names.contains(&("iPod", "MISC", 3)), "{names:?}");
        assert!(names.contains(&("Apple Inc.", "ORG", 2)), "{names:?}");
        assert_eq!(n.entities.iter().find(|e| e.name == "iPod").unwrap().id, "misc:ipod");
        // persons and places keep their own types
        let (n, _) = run(&[("a", &[("Jordan", "PER")]), ("b", &[("Jordan", "LOC")])]);
        assert_eq!(n.entities.len(), 2);
    }
}
