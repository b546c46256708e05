//! Entities within one document: mentions clustered under one name (aliases, acronyms, a
//! surname joining its full name, demonyms referring to their place, places resolved to the
//! gazetteer). Names are keyed by [`name_key`]: "Apple Inc." and "Apple" are one name.

use super::*;

/// One NER mention as seen by the normalizer.
#[derive(Debug, Clone)]
pub struct MentionIn<'a> {
    pub doc: usize,
    /// Byte offsets in the document (for "nearest preceding" and "next to" decisions).
    pub start: usize,
    pub end: usize,
    /// Sentence index (places named in one sentence are evidence for each other).
    pub sentence: usize,
    pub text: &'a str,
    pub label: &'a str,
    /// Its sentence is about flying (`places::resolve::airport_context`): a LOC may then be an
    /// airport by a bare name.
    pub airport_context: bool,
}

/// What a mention became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A mention of entity `index` in [`Normalized::entities`].
    Entity(usize),
    /// A demonym: a reference to place entity `index`, not counted as a mention.
    PlaceRef(usize),
}

/// A cluster of one document while it is being built.
struct Cluster {
    kind: String,
    /// cleaned surface forms
    forms: Vec<String>,
    canonical: String,
    mentions: usize,
    /// cleaned mention texts (aliases)
    texts: Vec<String>,
    /// offset of the earliest mention (for "nearest preceding" decisions)
    first_start: usize,
    /// gazetteer entry of a place, with its best evidence
    geo: Option<Resolved>,
}

impl Cluster {
    /// One more mention (`cleaned` name of type `kind`, its cleaned `text`, at `start`).
    fn add(&mut self, kind: &str, cleaned: String, text: String, start: usize, geo: Option<Resolved>) {
        if better_name(&cleaned, &self.canonical) && self.kind == kind {
            self.canonical = cleaned.clone();
        }
        if !self.texts.contains(&text) {
            self.texts.push(text);
        }
        if !self.forms.contains(&cleaned) {
            self.forms.push(cleaned);
        }
        self.mentions += 1;
        self.first_start = self.first_start.min(start);
        self.geo = best_geo(self.geo, geo);
    }

    /// The entity: aliases are the cleaned forms, then the mention texts not among them.
    fn into_entity(self) -> LocalEntity {
        let mut aliases = self.forms;
        for t in self.texts {
            if !aliases.contains(&t) {
                aliases.push(t);
            }
        }
        LocalEntity { kind: self.kind, canonical: self.canonical, aliases, mentions: self.mentions, geo: self.geo }
    }
}

fn push_cluster(clusters: &mut Vec<Cluster>, kind: &str, name: &str, start: usize) -> usize {
    clusters.push(Cluster {
        kind: kind.to_string(),
        forms: Vec::new(),
        canonical: name.to_string(),
        mentions: 0,
        texts: Vec::new(),
        first_start: start,
        geo: None,
    });
    clusters.len() - 1
}

/// The stronger of two pieces of evidence for one place.
pub(super) fn best_geo(a: Option<Resolved>, b: Option<Resolved>) -> Option<Resolved> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.confidence < x.confidence { y } else { x }),
        (x, y) => x.or(y),
    }
}

/// The local key of a place resolved to gazetteer entry `place` (apart from every name key).
pub(super) fn geo_key(place: u32) -> String {
    format!("\u{0}{place}")
}

pub(super) fn is_person_full(name: &str) -> bool {
    name.split_whitespace().count() >= 2
}

pub(super) fn last_token(name: &str) -> &str {
    name.split_whitespace().last().unwrap_or(name)
}

pub(super) fn better_name(a: &str, b: &str) -> bool {
    // more words, then longer, then lexicographic for determinism
    let (wa, wb) = (a.split_whitespace().count(), b.split_whitespace().count());
    wa > wb || (wa == wb && (a.len() > b.len() || (a.len() == b.len() && a < b)))
}

/// One entity of one document: what merging across documents needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntity {
    pub kind: String,
    pub canonical: String,
    /// Distinct cleaned forms and mention texts, in first-seen order.
    pub aliases: Vec<String>,
    /// Mentions resolved to it (demonym references not included).
    pub mentions: usize,
    /// Its gazetteer entry, for a place.
    pub geo: Option<Resolved>,
}

/// The entities of one document and what each of its mentions became.
#[derive(Debug, Clone, Default)]
pub struct DocEntities {
    pub entities: Vec<LocalEntity>,
    /// One per input mention: `(local entity, is a demonym reference)`; `None` when nothing of
    /// the mention is left to name an entity.
    pub resolution: Vec<Option<(usize, bool)>>,
}

/// Normalize the mentions of one document (`acronyms` from [`acronym_definitions`]). Only
/// `start`, `text` and `label` of the mentions are read.
pub fn document_entities(res: &Resources, mentions: &[MentionIn<'_>], acronyms: Option<&HashMap<String, String>>) -> DocEntities {
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut resolution: Vec<Option<(usize, bool)>> = vec![None; mentions.len()];
    let mut local: HashMap<(String, String), usize> = HashMap::new(); // (kind, key) → cluster
    let mut persons: Vec<usize> = Vec::new(); // person clusters
    let (mut pending, demonym_refs) = cleaned_names(res, mentions, acronyms);
    // places: resolved together, each mention with the others as evidence
    let geo = resolve_places(res.places, mentions, &pending, &demonym_refs);
    for (k, r) in geo.iter().enumerate() {
        if let Some(r) = r {
            pending[k].1 = "LOC".to_string();
            pending[k].2 = res.places.place(r.place).name.clone();
        }
    }
    // persons: full names first, so that single names can join them
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&k| {
        let (i, kind, c) = &pending[k];
        (kind != "PER", !is_person_full(c), mentions[*i].start, *i)
    });
    for k in order {
        let (i, kind, cleaned) = pending[k].clone();
        let key = (kind.clone(), geo[k].map(|r| geo_key(r.place)).unwrap_or_else(|| name_key(&cleaned)));
        let target = if let Some(&c) = local.get(&key) {
            Some(c)
        } else if geo[k].is_some() || is_person_full(&cleaned) {
            None
        } else {
            person_of_single_name(&clusters, &persons, &cleaned, &kind, mentions[i].start)
        };
        let c = match target {
            Some(c) => c,
            None => {
                let c = push_cluster(&mut clusters, &kind, &cleaned, mentions[i].start);
                if kind == "PER" {
                    persons.push(c);
                }
                c
            }
        };
        local.insert(key, c);
        clusters[c].add(&kind, cleaned, clean(mentions[i].text), mentions[i].start, geo[k]);
        resolution[i] = Some((c, false));
    }
    // demonyms: reference their place (creating it if the document never names it)
    for (i, place, known) in demonym_refs {
        let key = ("LOC".to_string(), known.map(geo_key).unwrap_or_else(|| match_key(&place)));
        let c = match local.get(&key) {
            Some(&c) => c,
            None => {
                let c = push_cluster(&mut clusters, "LOC", &place, mentions[i].start);
                clusters[c].geo = known.map(|place| Resolved { place, confidence: Confidence::Unique });
                local.insert(key, c);
                c
            }
        };
        resolution[i] = Some((c, true));
    }
    let entities = clusters.into_iter().map(Cluster::into_entity).collect();
    DocEntities { entities, resolution }
}

/// A mention's demonym reference: (mention, place name, gazetteer entry when known).
type DemonymRef = (usize, String, Option<u32>);

/// The names of a document's mentions as entities are formed from them: (mention, type,
/// cleaned name) — acronyms expanded, aliases mapped to their canonical name and type, titles
/// stripped from persons; demonyms apart, and mentions with nothing left or that can name nothing
/// (a determiner alone, an amount: [`never_a_name`]) out.
fn cleaned_names(
    res: &Resources,
    mentions: &[MentionIn<'_>],
    acronyms: Option<&HashMap<String, String>>,
) -> (Vec<(usize, String, String)>, Vec<DemonymRef>) {
    let mut demonym_refs: Vec<DemonymRef> = Vec::new();
    let mut pending: Vec<(usize, String, String)> = Vec::new(); // (mention, kind, cleaned)
    for (i, m) in mentions.iter().enumerate() {
        let mut cleaned = clean(m.text);
        let mut kind = m.label.to_string();
        if kind == "MISC" || kind == "LOC" {
            if let Some((place, geo)) = res.demonyms.get(&match_key(&cleaned)) {
                demonym_refs.push((i, place.clone(), *geo));
                continue;
            }
        }
        if let Some(long) = acronyms.and_then(|a| a.get(&match_key(&cleaned))) {
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
        if cleaned.is_empty() || never_a_name(&cleaned) {
            continue;
        }
        pending.push((i, kind, cleaned));
    }
    (pending, demonym_refs)
}

/// The person a single-word name of type `kind` at `start` joins: the person whose last (or, for
/// a PER mention, first) name it is; with several, the one whose full name was mentioned last
/// before it. Other types join a person only when the NER type is unreliable (MISC/ORG).
fn person_of_single_name(clusters: &[Cluster], persons: &[usize], cleaned: &str, kind: &str, start: usize) -> Option<usize> {
    let word = match_key(cleaned);
    let cands: Vec<usize> = persons
        .iter()
        .copied()
        .filter(|&c| {
            clusters[c].forms.iter().any(|f| {
                let fk = match_key(f);
                fk.split_whitespace().last() == Some(word.as_str()) || (kind == "PER" && fk.split_whitespace().next() == Some(word.as_str()))
            })
        })
        .collect();
    let pick = match cands.len() {
        0 => None,
        1 => Some(cands[0]),
        _ => cands.iter().copied().filter(|&c| clusters[c].first_start <= start).max_by_key(|&c| clusters[c].first_start).or(Some(cands[0])),
    };
    pick.filter(|_| kind == "PER" || kind == "MISC" || kind == "ORG")
}

/// The places of a document's mentions (`pending`: mention, type, cleaned name), with its
/// demonyms as evidence: one answer per pending mention.
fn resolve_places(
    g: &Gazetteer,
    mentions: &[MentionIn<'_>],
    pending: &[(usize, String, String)],
    demonyms: &[(usize, String, Option<u32>)],
) -> Vec<Option<Resolved>> {
    let mut pm: Vec<PlaceMention<'_>> = Vec::with_capacity(pending.len() + demonyms.len());
    for (i, kind, cleaned) in pending {
        let m = &mentions[*i];
        pm.push(PlaceMention {
            start: m.start,
            end: m.end,
            sentence: m.sentence,
            text: cleaned,
            label: kind,
            known: None,
            airport_context: m.airport_context,
        });
    }
    for (i, _, known) in demonyms {
        let m = &mentions[*i];
        if known.is_some() {
            pm.push(PlaceMention {
                start: m.start,
                end: m.end,
                sentence: m.sentence,
                text: m.text,
                label: "MISC",
                known: *known,
                airport_context: false,
            });
        }
    }
    let mut out = places::resolve_document(g, &pm);
    out.truncate(pending.len());
    out
}
