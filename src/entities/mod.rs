//! Entity normalization: one canonical name per person, organization and place, aliases merged
//! within a document and then across documents, with ids derived from name and type.
//!
//! * Surface forms are cleaned (Unicode NFC, typographic quotes, whitespace, possessives, leading
//!   titles such as "President").
//! * Aliases come from a data file (`aliases.toml`: "U.S." → United States) and from acronym
//!   definitions in the text ("Foreign Terrorist Organizations (FTOs)").
//! * Demonyms ("Mexican") become references to their place, not mentions of their own.
//! * Places resolve to the gazetteer ([`crate::places`]): countries' names, alternative names
//!   and demonyms come from it, a place's canonical name is the gazetteer's, and two mentions are
//!   one place when they resolve to one entry ("Holland", "Netherlands"), two when they resolve
//!   to two ("Paris" and "Paris, Texas"), within and across documents.
//! * Persons: a one-word mention ("Trump") joins the full name it matches in the document; two
//!   different full names with one surname stay two people, and an ambiguous surname joins the
//!   nearest preceding full name.

pub mod extent;
pub mod rows;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::places::{self, Confidence, Gazetteer, PlaceKind, PlaceMention, Resolved};
pub use crate::text::names::{clean, match_key};

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
    /// demonym key → (place name, gazetteer entry when the name has one reading)
    demonyms: HashMap<String, (String, Option<u32>)>,
    places: &'static Gazetteer,
    /// title word sequences, lower-cased, longest first
    titles: Vec<Vec<String>>,
}

impl Resources {
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN_ALIASES, "aliases.toml")
    }

    pub fn parse(src: &str, origin: &str) -> Result<Self> {
        let raw: RawAliases = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
        let mut aliases = HashMap::new();
        for (table, kind) in [(&raw.places, "LOC"), (&raw.organizations, "ORG")] {
            for (canon, list) in table {
                aliases.insert(match_key(canon), (canon.clone(), kind));
                for a in list {
                    aliases.insert(match_key(a), (canon.clone(), kind));
                }
            }
        }
        let places = Gazetteer::builtin()?;
        // the gazetteer's countries first; the file adds what the data lacks
        let mut demonyms = HashMap::new();
        for (d, ix) in places.demonyms() {
            let ix = places.demonym(d).unwrap_or(ix);
            demonyms.insert(match_key(d), (places.place(ix).name.clone(), Some(ix)));
        }
        for (place, list) in &raw.demonyms {
            let own: Vec<u32> = places.lookup(place).filter(|&(_, own)| own).map(|(i, _)| i).collect();
            let geo = if let [one] = own[..] { Some(one) } else { None };
            for d in list {
                demonyms.insert(match_key(d), (place.clone(), geo));
            }
        }
        let mut titles: Vec<Vec<String>> =
            raw.titles.list.iter().map(|t| t.split_whitespace().map(|w| w.to_lowercase().trim_end_matches('.').to_string()).collect()).collect();
        titles.sort_by(|a: &Vec<String>, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        titles.dedup();
        Ok(Resources { aliases, demonyms, places, titles })
    }

    /// Canonical name and type of a known alias.
    pub fn alias(&self, surface: &str) -> Option<(&str, &'static str)> {
        self.aliases.get(&match_key(surface)).map(|(c, k)| (c.as_str(), *k))
    }

    /// The place a demonym refers to ("Mexican" → Mexico).
    pub fn demonym(&self, surface: &str) -> Option<&str> {
        self.demonyms.get(&match_key(surface)).map(|(p, _)| p.as_str())
    }

    /// The gazetteer behind place names.
    pub fn places(&self) -> &'static Gazetteer {
        self.places
    }

    /// Remove leading titles ("Mexican President Claudia Sheinbaum" → "Claudia Sheinbaum").
    pub fn strip_titles(&self, name: &str) -> String {
        let mut words: Vec<&str> = name.split_whitespace().collect();
        loop {
            let mut stripped = false;
            for t in &self.titles {
                if words.len() > t.len() && words[..t.len()].iter().zip(t).all(|(w, tw)| w.to_lowercase().trim_end_matches('.') == tw) {
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
    /// Byte offsets in the document (for "nearest preceding" and "next to" decisions).
    pub start: usize,
    pub end: usize,
    /// Sentence index (places named in one sentence are evidence for each other).
    pub sentence: usize,
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
    /// How many documents mention it.
    pub documents: usize,
    /// The gazetteer entry of a place.
    pub place: Option<EntityPlace>,
}

/// Where a place entity is: its gazetteer entry and how it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityPlace {
    pub geo_id: String,
    /// ISO 3166-1 alpha-2; empty for a continent.
    pub country_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The weakest evidence is the one of its best-resolved mention.
    pub confidence: Confidence,
}

impl EntityPlace {
    fn of(g: &Gazetteer, r: Resolved) -> Self {
        let p = g.place(r.place);
        EntityPlace { geo_id: p.id.clone(), country_code: p.country.clone(), latitude: p.latitude, longitude: p.longitude, confidence: r.confidence }
    }
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

static ACRONYM_DEF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,12})\s*\)").expect("static regex"));

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
fn best_geo(a: Option<Resolved>, b: Option<Resolved>) -> Option<Resolved> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.confidence < x.confidence { y } else { x }),
        (x, y) => x.or(y),
    }
}

/// The local key of a place resolved to gazetteer entry `place` (apart from every name key).
fn geo_key(place: u32) -> String {
    format!("\u{0}{place}")
}

/// Within a document about one generation of a product, the bare product name is that
/// generation: "iPhone 4 … the new iPhone", "PlayStation 3 … the PlayStation". A MISC or ORG
/// name joins the one longer name of the document that adds a single word with a digit to it
/// ("4", "3G", "S3"); with two such names ("iPhone 3G", "iPhone 3GS") it stays apart.
fn join_generations(clusters: &mut Vec<Cluster>, resolution: &mut [Option<(usize, bool)>]) {
    let product = |c: &Cluster| c.kind == "MISC" || c.kind == "ORG";
    let mut into: Vec<Option<usize>> = vec![None; clusters.len()];
    for (a, short) in clusters.iter().enumerate() {
        if !product(short) || short.canonical.contains(' ') {
            continue;
        }
        let key = match_key(&short.canonical);
        let longer: Vec<usize> = (0..clusters.len())
            .filter(|&b| b != a && product(&clusters[b]))
            .filter(|&b| {
                let long = match_key(&clusters[b].canonical);
                long.strip_prefix(&key)
                    .and_then(|rest| rest.strip_prefix(' '))
                    .is_some_and(|rest| !rest.contains(' ') && rest.chars().any(|c| c.is_ascii_digit()))
            })
            .collect();
        if let [b] = longer[..] {
            into[a] = Some(b);
        }
    }
    if into.iter().all(Option::is_none) {
        return;
    }
    // move the mentions, forms and texts over, then drop the emptied clusters
    for a in 0..clusters.len() {
        let Some(b) = into[a] else { continue };
        let (forms, texts, mentions, first) = {
            let c = &mut clusters[a];
            (std::mem::take(&mut c.forms), std::mem::take(&mut c.texts), std::mem::replace(&mut c.mentions, 0), c.first_start)
        };
        let t = &mut clusters[b];
        for f in forms {
            if !t.forms.contains(&f) {
                t.forms.push(f);
            }
        }
        for x in texts {
            if !t.texts.contains(&x) {
                t.texts.push(x);
            }
        }
        t.mentions += mentions;
        t.first_start = t.first_start.min(first);
    }
    let mut new_index = vec![0usize; clusters.len()];
    let mut next = 0;
    for (a, slot) in new_index.iter_mut().enumerate() {
        if into[a].is_none() {
            *slot = next;
            next += 1;
        }
    }
    for r in resolution.iter_mut().flatten() {
        let target = into[r.0].unwrap_or(r.0);
        r.0 = new_index[target];
    }
    let mut k = 0;
    clusters.retain(|_| {
        k += 1;
        into[k - 1].is_none()
    });
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
        let key = (kind.clone(), geo[k].map(|r| geo_key(r.place)).unwrap_or_else(|| match_key(&cleaned)));
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
    join_generations(&mut clusters, &mut resolution);
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
/// stripped from persons; demonyms apart, and mentions with nothing left out.
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
        if cleaned.is_empty() {
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
        pm.push(PlaceMention { start: m.start, end: m.end, sentence: m.sentence, text: cleaned, label: kind, known: None });
    }
    for (i, _, known) in demonyms {
        let m = &mentions[*i];
        if known.is_some() {
            pm.push(PlaceMention { start: m.start, end: m.end, sentence: m.sentence, text: m.text, label: "MISC", known: *known });
        }
    }
    let mut out = places::resolve_document(g, &pm);
    out.truncate(pending.len());
    out
}

/// Strings stored once each, by number.
#[derive(Debug, Default)]
pub struct Strings {
    set: indexmap::IndexSet<Box<str>>,
}

impl Strings {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.set.get_index_of(s) {
            return i as u32;
        }
        self.set.insert_full(s.into()).0 as u32
    }

    pub fn get(&self, id: u32) -> &str {
        self.set.get_index(id as usize).map(|s| &**s).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// The rank of each string (by id) in lexicographic order: numbers that sort like the strings.
    pub fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.get(a).cmp(self.get(b)));
        let mut rank = vec![0u32; self.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        rank
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// The compact state kept per document entity until all documents are read: six numbers, the
/// strings interned in a shared [`Strings`] and the aliases in a shared arena.
#[derive(Debug, Clone, Copy)]
struct Summary {
    doc: u32,
    kind: u32,
    canonical: u32,
    mentions: u32,
    aliases: (u32, u32),
    geo: Option<Resolved>,
}

/// Merges the entities of documents across the corpus. Feed documents in order with
/// [`Merger::add`] (keeps a few numbers per document entity), then [`Merger::finish`].
#[derive(Debug, Default)]
pub struct Merger {
    strings: Strings,
    alias_ids: Vec<u32>,
    summaries: Vec<Summary>,
    /// index of each document's first summary
    doc_start: Vec<u32>,
}

/// The corpus' entities, and which one each document entity became.
#[derive(Debug, Clone)]
pub struct Merged {
    pub entities: Vec<Entity>,
    /// The entity of every document entity, documents in the order they were added
    /// (`doc_start[d] + local` indexes it).
    entity_of: Vec<u32>,
    doc_start: Vec<u32>,
}

impl Merged {
    /// The entity index of local entity `local` of the `doc`-th added document.
    pub fn entity(&self, doc: usize, local: usize) -> Option<usize> {
        let start = *self.doc_start.get(doc)? as usize;
        let end = self.doc_start.get(doc + 1).map(|&e| e as usize).unwrap_or(self.entity_of.len());
        (start + local < end).then(|| self.entity_of[start + local] as usize)
    }

    /// What each mention of a document became, from its [`DocEntities::resolution`].
    pub fn resolve(&self, doc: usize, r: Option<(usize, bool)>) -> Option<Resolution> {
        let (local, place_ref) = r?;
        let e = self.entity(doc, local)?;
        Some(if place_ref { Resolution::PlaceRef(e) } else { Resolution::Entity(e) })
    }
}

impl Merger {
    /// Add the next document's entities.
    pub fn add(&mut self, doc: &DocEntities) {
        let d = self.doc_start.len() as u32;
        self.doc_start.push(self.summaries.len() as u32);
        for e in &doc.entities {
            let start = self.alias_ids.len() as u32;
            for a in &e.aliases {
                let id = self.strings.id(a);
                self.alias_ids.push(id);
            }
            let s = Summary {
                doc: d,
                kind: self.strings.id(&e.kind),
                canonical: self.strings.id(&e.canonical),
                mentions: e.mentions as u32,
                aliases: (start, self.alias_ids.len() as u32),
                geo: e.geo,
            };
            self.summaries.push(s);
        }
    }

    /// Merge across documents: same (type, canonical name), or for places the same gazetteer
    /// entry; a single-word person joins the one full name it is the last name of. ORG and MISC form one group: the NER often types one
    /// product or event name ORG in one place and MISC in another ("iPod"); the entity takes the
    /// type most of its mentions have.
    pub fn finish(self) -> Merged {
        let Merger { strings, alias_ids, summaries, doc_start } = self;
        // ranks of the strings, so sort keys are numbers
        let rank = strings.ranks();
        let (keys, skey) = merge_keys(&strings, &summaries);
        let key_rank = keys.ranks();
        let (misc, org, per) = (strings.set.get_index_of("MISC"), strings.set.get_index_of("ORG"), strings.set.get_index_of("PER"));
        let group = |kind: u32| -> u32 {
            if Some(kind as usize) == misc {
                // ORG may never have been seen: the group is a number apart from every string
                org.map(|o| o as u32).unwrap_or(u32::MAX)
            } else {
                kind
            }
        };
        let group_rank = |g: u32| -> u32 {
            if g == u32::MAX {
                rank[misc.unwrap_or(0)]
            } else {
                rank[g as usize]
            }
        };
        let is_per = |kind: u32| Some(kind as usize) == per;

        let mut order: Vec<u32> = (0..summaries.len() as u32).collect();
        order.sort_by_cached_key(|&c| {
            let s = &summaries[c as usize];
            let (key, full) = skey[c as usize];
            (!full, group_rank(group(s.kind)), key_rank[key as usize], s.doc, rank[s.kind as usize])
        });
        let mut global: HashMap<(u32, u32), u32> = HashMap::new(); // (group, key) → entity
        let mut by_surname: HashMap<String, (u32, usize)> = HashMap::new(); // → (an entity, how many)
        let mut entities: Vec<Entity> = Vec::new();
        let mut first_kind: Vec<u32> = Vec::new();
        let mut votes: Vec<Vec<(u32, usize)>> = Vec::new();
        let mut geo_of: Vec<Option<Resolved>> = Vec::new();
        let mut entity_of = vec![u32::MAX; summaries.len()];
        let mut doc_pairs: Vec<(u32, u32)> = Vec::with_capacity(summaries.len());
        for c in order {
            let s = summaries[c as usize];
            let (key, full) = skey[c as usize];
            let gk = (group(s.kind), key);
            let canonical = strings.get(s.canonical);
            let found = global.get(&gk).copied().or_else(|| {
                if is_per(s.kind) && !full {
                    by_surname.get(keys.get(key)).filter(|(_, n)| *n == 1).map(|(e, _)| *e)
                } else {
                    None
                }
            });
            let e = match found {
                Some(e) => e,
                None => {
                    let e = entities.len() as u32;
                    entities.push(Entity {
                        id: String::new(),
                        name: canonical.to_string(),
                        kind: strings.get(s.kind).to_string(),
                        aliases: BTreeSet::new(),
                        mentions: 0,
                        documents: 0,
                        place: None,
                    });
                    first_kind.push(s.kind);
                    votes.push(Vec::new());
                    geo_of.push(None);
                    global.insert(gk, e);
                    if is_per(s.kind) && is_person_full(keys.get(key)) {
                        let v = by_surname.entry(last_token(keys.get(key)).to_string()).or_insert((e, 0));
                        v.1 += 1;
                    }
                    e
                }
            };
            entity_of[c as usize] = e;
            geo_of[e as usize] = best_geo(geo_of[e as usize], s.geo);
            let ent = &mut entities[e as usize];
            match votes[e as usize].iter_mut().find(|(k, _)| *k == s.kind) {
                Some(v) => v.1 += s.mentions as usize,
                None => votes[e as usize].push((s.kind, s.mentions as usize)),
            }
            for &a in &alias_ids[s.aliases.0 as usize..s.aliases.1 as usize] {
                let a = strings.get(a);
                if !ent.aliases.contains(a) {
                    ent.aliases.insert(a.to_string());
                }
            }
            if s.mentions > 0 {
                doc_pairs.push((e, s.doc));
            }
            ent.mentions += s.mentions as usize;
            if better_name(canonical, &ent.name) && group(s.kind) == group(first_kind[e as usize]) {
                ent.name = canonical.to_string();
            }
        }
        doc_pairs.sort_unstable();
        doc_pairs.dedup();
        for (e, _) in doc_pairs {
            entities[e as usize].documents += 1;
        }
        // the majority type of merged ORG/MISC clusters (ties: ORG)
        for (e, v) in entities.iter_mut().zip(&votes) {
            if let Some((k, _)) = v.iter().max_by_key(|(k, n)| (*n, Some(*k as usize) == org, rank[*k as usize])) {
                e.kind = strings.get(*k).to_string();
            }
        }
        name_entities(&mut entities, &geo_of);
        Merged { entities, entity_of, doc_start }
    }
}

/// The key each document entity merges by, with whether its name is a person's full name: the
/// match key of its canonical name (interned in the returned table), or for a place resolved to
/// the gazetteer its entry.
fn merge_keys(strings: &Strings, summaries: &[Summary]) -> (Strings, Vec<(u32, bool)>) {
    let mut keys = Strings::default();
    let mut key_of: HashMap<u32, (u32, bool)> = HashMap::new();
    for s in summaries {
        key_of.entry(s.canonical).or_insert_with(|| {
            let name = strings.get(s.canonical);
            (keys.id(&match_key(name)), is_person_full(name))
        });
    }
    let skey = summaries.iter().map(|s| s.geo.map(|r| (keys.id(&geo_key(r.place)), false)).unwrap_or(key_of[&s.canonical])).collect();
    (keys, skey)
}

/// Ids from the final names (aliases exclude the name itself), the places of resolved entities,
/// and names apart for places of one name.
fn name_entities(entities: &mut [Entity], geo_of: &[Option<Resolved>]) {
    let gaz = Gazetteer::builtin().ok();
    for (e, geo) in entities.iter_mut().zip(geo_of) {
        e.id = entity_id(&e.kind, &e.name);
        let name = e.name.clone();
        e.aliases.remove(&name);
        if let (Some(g), Some(r)) = (gaz, geo) {
            e.place = Some(EntityPlace::of(g, *r));
        }
    }
    if let Some(g) = gaz {
        qualify_homonyms(g, entities, geo_of);
    }
}

/// Two places of one name ("Paris" in France and in Texas) get names, and so ids, apart: the
/// most populous keeps the plain name, the others add their division ("Paris, Texas") or, for
/// a division or a place without one, their country ("Georgia, United States").
fn qualify_homonyms(g: &Gazetteer, entities: &mut [Entity], geo: &[Option<Resolved>]) {
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in entities.iter().enumerate() {
        by_id.entry(e.id.clone()).or_default().push(i);
    }
    let mut taken: BTreeSet<String> = by_id.keys().cloned().collect();
    for (_, mut list) in by_id.into_iter().filter(|(_, l)| l.len() > 1) {
        // unresolved names first (they keep theirs), then by population
        list.sort_by_key(|&i| (geo[i].is_some(), std::cmp::Reverse(geo[i].map(|r| g.place(r.place).population).unwrap_or(0)), i));
        for &i in &list[1..] {
            let Some(r) = geo[i] else { continue };
            let p = g.place(r.place);
            let division = g.division(&p.admin1).filter(|_| matches!(p.kind, PlaceKind::City | PlaceKind::Airport)).map(|d| g.place(d).name.clone());
            let country = g.country(&p.country).filter(|_| p.kind != PlaceKind::Country).map(|c| g.place(c).name.clone());
            let mut name = match division.or(country) {
                Some(q) => format!("{}, {q}", entities[i].name),
                None => format!("{} ({})", entities[i].name, p.id),
            };
            if taken.contains(&entity_id(&entities[i].kind, &name)) {
                name = format!("{} ({})", entities[i].name, p.id);
            }
            let old = std::mem::replace(&mut entities[i].name, name);
            entities[i].aliases.insert(old);
            entities[i].id = entity_id(&entities[i].kind, &entities[i].name);
            taken.insert(entities[i].id.clone());
        }
    }
}

/// Normalize the mentions of a set of documents (`acronyms[doc]` from [`acronym_definitions`]):
/// [`document_entities`] per document, then a [`Merger`] across them.
pub fn normalize(res: &Resources, mentions: &[MentionIn<'_>], acronyms: &[HashMap<String, String>]) -> Normalized {
    let n_docs = mentions.iter().map(|m| m.doc + 1).max().unwrap_or(0);
    let mut by_doc: Vec<Vec<usize>> = vec![Vec::new(); n_docs];
    for (i, m) in mentions.iter().enumerate() {
        by_doc[m.doc].push(i);
    }
    let mut merger = Merger::default();
    let mut local: Vec<DocEntities> = Vec::with_capacity(n_docs);
    for (doc, idxs) in by_doc.iter().enumerate() {
        let ms: Vec<MentionIn<'_>> = idxs.iter().map(|&i| mentions[i].clone()).collect();
        let de = document_entities(res, &ms, acronyms.get(doc));
        merger.add(&de);
        local.push(de);
    }
    let merged = merger.finish();
    let mut resolution = vec![Resolution::PlaceRef(usize::MAX); mentions.len()];
    for (doc, idxs) in by_doc.iter().enumerate() {
        for (k, &i) in idxs.iter().enumerate() {
            if let Some(r) = merged.resolve(doc, local[doc].resolution[k]) {
                resolution[i] = r;
            }
        }
    }
    Normalized { entities: merged.entities, resolution }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[(&str, &[(&str, &str)])]) -> (Normalized, Vec<(usize, String, String)>) {
        let res = Resources::builtin().unwrap();
        let mut ms = Vec::new();
        for (d, (_, list)) in docs.iter().enumerate() {
            for (k, (t, l)) in list.iter().enumerate() {
                ms.push(MentionIn { doc: d, start: k * 10, end: k * 10 + t.len().min(9), sentence: k, text: t, label: l });
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
        assert_eq!(trump.documents, 2);
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
    fn a_bare_product_name_is_the_one_generation_its_document_names() {
        let (_, flat) = run(&[
            ("a", &[("Apple", "ORG"), ("iPhone 4", "MISC"), ("iPhone", "MISC"), ("iPhone", "ORG")]),
            ("b", &[("iPhone 3G", "MISC"), ("iPhone 3GS", "MISC"), ("iPhone", "MISC")]),
        ]);
        let name = |doc: usize, k: usize| flat.iter().filter(|f| f.0 == doc).nth(k).unwrap().2.clone();
        assert_eq!((name(0, 0), name(0, 2), name(0, 3)), ("Apple Inc.".to_string(), "iPhone 4".to_string(), "iPhone 4".to_string()), "{flat:?}");
        // two generations named: the bare name stays its own
        assert_eq!(name(1, 2), "iPhone", "{flat:?}");
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
    fn places_merge_by_gazetteer_entry_and_homonyms_stay_apart() {
        let (n, flat) = run(&[
            ("a", &[("Paris", "LOC"), ("French", "MISC")]),
            ("b", &[("Paris, Texas", "LOC")]),
            ("c", &[("Holland", "LOC"), ("the Netherlands", "LOC")]),
            ("d", &[("Georgia", "LOC"), ("Tbilisi", "LOC")]),
            ("e", &[("Atlanta", "LOC"), ("Georgia", "LOC")]),
        ]);
        let place = |name: &str| n.entities.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name}: {flat:?}"));
        let code = |name: &str| place(name).place.as_ref().map(|p| p.country_code.clone()).unwrap_or_default();
        assert_eq!((code("Paris"), place("Paris").id.as_str()), ("FR".to_string(), "loc:paris"));
        assert_eq!((code("Paris, Texas"), place("Paris, Texas").id.as_str()), ("US".to_string(), "loc:paris-texas"));
        assert_eq!(flat[2].2, "Paris, Texas", "{flat:?}");
        assert_eq!(place("Netherlands").mentions, 2, "Holland is the Netherlands");
        assert_eq!(code("Georgia"), "GE");
        assert_eq!(code("Georgia, United States"), "US");
        let p = place("Paris").place.as_ref().unwrap();
        assert!(p.geo_id.starts_with("geonames:") && p.latitude.is_some() && p.longitude.is_some());
        assert_eq!(p.confidence, Confidence::Document, "France, by its demonym elsewhere in the document");
        assert_eq!(place("Paris, Texas").place.as_ref().unwrap().confidence, Confidence::Context);
        assert!(n.entities.iter().filter(|e| e.kind != "LOC").all(|e| e.place.is_none()));
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
    fn string_ranks_sort_like_the_strings() {
        let mut st = Strings::default();
        let ids: Vec<u32> = ["pear", "apple", "Zebra", "apple", "mango"].iter().map(|s| st.id(s)).collect();
        assert_eq!(ids, [0, 1, 2, 1, 3]);
        let r = st.ranks();
        let mut by_rank: Vec<&str> = (0..st.len() as u32).map(|i| st.get(i)).collect();
        by_rank.sort_by_key(|s| r[st.set.get_index_of(*s).unwrap()]);
        assert_eq!(by_rank, ["Zebra", "apple", "mango", "pear"]);
    }

    #[test]
    fn merged_lookups_stay_inside_their_document() {
        let res = Resources::builtin().unwrap();
        let mut m = Merger::default();
        let a = document_entities(&res, &[MentionIn { doc: 0, start: 0, end: 6, sentence: 0, text: "Mexico", label: "LOC" }], None);
        m.add(&a);
        m.add(&DocEntities::default());
        let merged = m.finish();
        assert_eq!(merged.entity(0, 0), Some(0));
        assert_eq!(merged.entity(0, 1), None);
        assert_eq!(merged.entity(1, 0), None);
        assert_eq!(merged.entity(2, 0), None);
        assert_eq!(merged.resolve(0, a.resolution[0]), Some(Resolution::Entity(0)));
        assert_eq!(merged.resolve(0, None), None);
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
