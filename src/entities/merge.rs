//! Entities across documents: the merger of every document's entities under corpus-wide names
//! and ids, from a compact, interned list.

use super::*;

/// Strings stored once each, by number.
#[derive(Debug, Default)]
pub struct Strings {
    pub(super) set: indexmap::IndexSet<Box<str>>,
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

    /// Merge across documents: the same name key ([`name_key`]: "Apple Inc." and "Apple" share
    /// one), or for places the same gazetteer entry. The type does not keep names apart: the NER
    /// types one name PER, ORG, MISC or LOC in different places ("NTSB", "Kraft"), so a name is
    /// one entity and takes the type most of its mentions have (ties: ORG, then the type that
    /// sorts last); places the gazetteer resolved stay apart from every other name by their entry
    /// ("Jordan" the country, "Jordan" a person). Then:
    /// - a single-word person joins the one full name it is the last name of;
    /// - a bare product name is the one generation of it its document names ("iPhone 4 … the
    ///   new iPhone"; with "iPhone 3G" and "iPhone 3GS" both named, "iPhone" stays apart): a name
    ///   typed MISC by most of its mentions in the corpus joins the one longer name of its
    ///   document that adds a single word with a digit to it ("4", "3G", "S3"). A name mostly typed
    ///   ORG or PER is a maker's, and never joins a model ("Embraer", "Embraer E190");
    /// - a short model form (a name mostly typed ORG or MISC whose last word has a digit: "E190",
    ///   "Galaxy S3") joins the one longer name of the corpus, mostly typed ORG or MISC, that ends
    ///   with it ("Embraer E190"); with two ("Boeing 737", "Flight 737") it stays apart.
    pub fn finish(self) -> Merged {
        let Merger { strings, alias_ids, summaries, doc_start } = self;
        // ranks of the strings, so sort keys are numbers
        let rank = strings.ranks();
        let (keys, name_keys) = merge_keys(&strings, &summaries);
        let kinds = Kinds::of(&strings, rank.clone());
        let key_kind = kinds.of_keys(&summaries, &name_keys, keys.len());
        let skey = model_tails(&keys, &key_kind, &kinds, &summaries, &name_keys);
        let follows = generations(&keys, &key_kind, &kinds, &summaries, &name_keys, &doc_start);
        let key_rank = keys.ranks();

        let mut order: Vec<u32> = (0..summaries.len() as u32).filter(|&c| follows[c as usize].is_none()).collect();
        order.sort_by_cached_key(|&c| {
            let s = &summaries[c as usize];
            let (key, full) = skey[c as usize];
            (!full, key_rank[key as usize], s.doc, rank[s.kind as usize])
        });
        // a bare product name joins its generation's entity, once that is made
        order.extend((0..summaries.len() as u32).filter(|&c| follows[c as usize].is_some()));
        let mut global: HashMap<u32, u32> = HashMap::new(); // key → entity
        let mut by_surname: HashMap<String, (u32, usize)> = HashMap::new(); // → (an entity, how many)
        let mut entities: Vec<Entity> = Vec::new();
        let mut votes: Vec<Vec<(u32, usize)>> = Vec::new();
        let mut geo_of: Vec<Option<Resolved>> = Vec::new();
        let mut entity_of = vec![u32::MAX; summaries.len()];
        let mut doc_pairs: Vec<(u32, u32)> = Vec::with_capacity(summaries.len());
        for c in order {
            let s = summaries[c as usize];
            let (key, full) = skey[c as usize];
            let canonical = strings.get(s.canonical);
            let surname = || by_surname.get(keys.get(key)).filter(|(_, n)| *n == 1).map(|(e, _)| *e);
            let found = match follows[c as usize] {
                Some(g) => Some(entity_of[g as usize]),
                // a surname is its person's before it is any other entity of that name
                None if kinds.is_per(s.kind) && !full => surname().or_else(|| global.get(&key).copied()),
                None => global.get(&key).copied(),
            };
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
                    votes.push(Vec::new());
                    geo_of.push(None);
                    global.insert(key, e);
                    if kinds.is_per(s.kind) && is_person_full(keys.get(key)) {
                        let v = by_surname.entry(last_token(keys.get(key)).to_string()).or_insert((e, 0));
                        v.1 += 1;
                    }
                    e
                }
            };
            entity_of[c as usize] = e;
            geo_of[e as usize] = best_geo(geo_of[e as usize], s.geo);
            let ent = &mut entities[e as usize];
            absorb(ent, &mut votes[e as usize], &s, &alias_ids[s.aliases.0 as usize..s.aliases.1 as usize], &strings);
            if s.mentions > 0 {
                doc_pairs.push((e, s.doc));
            }
            if better_name(canonical, &ent.name) {
                ent.name = canonical.to_string();
            }
        }
        count_documents(&mut entities, doc_pairs);
        for (e, v) in entities.iter_mut().zip(&votes) {
            if let Some(k) = kinds.majority(v) {
                e.kind = strings.get(k).to_string();
            }
        }
        name_entities(&mut entities, &geo_of);
        Merged { entities, entity_of, doc_start }
    }
}

/// The entity types (interned) and how a type is chosen among several.
struct Kinds {
    org: Option<u32>,
    misc: Option<u32>,
    per: Option<u32>,
    /// [`Strings::ranks`]
    rank: Vec<u32>,
}

impl Kinds {
    fn of(strings: &Strings, rank: Vec<u32>) -> Self {
        let id = |k: &str| strings.set.get_index_of(k).map(|i| i as u32);
        Kinds { org: id("ORG"), misc: id("MISC"), per: id("PER"), rank }
    }

    fn is_per(&self, kind: u32) -> bool {
        Some(kind) == self.per
    }

    /// An organization's or a thing's type (ORG or MISC).
    fn is_org_or_misc(&self, kind: u32) -> bool {
        Some(kind) == self.org || Some(kind) == self.misc
    }

    /// The type with the most mentions among `(type, mentions)` votes (ties: ORG, then the type
    /// that sorts last).
    fn majority(&self, votes: &[(u32, usize)]) -> Option<u32> {
        votes.iter().max_by_key(|&&(k, n)| (n, Some(k) == self.org, self.rank[k as usize])).map(|&(k, _)| k)
    }

    /// The majority type of each key over the corpus (`name_keys[summary]`).
    fn of_keys(&self, summaries: &[Summary], name_keys: &[(u32, bool)], n_keys: usize) -> Vec<Option<u32>> {
        let mut votes: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n_keys];
        for (s, &(key, _)) in summaries.iter().zip(name_keys) {
            vote(&mut votes[key as usize], s.kind, s.mentions as usize);
        }
        votes.iter().map(|v| self.majority(v)).collect()
    }
}

/// `n` more votes for type `kind`.
fn vote(votes: &mut Vec<(u32, usize)>, kind: u32, n: usize) {
    match votes.iter_mut().find(|(k, _)| *k == kind) {
        Some(v) => v.1 += n,
        None => votes.push((kind, n)),
    }
}

/// A name whose last word has a digit ("E190", "Galaxy S3", "737"): a model's name.
fn model_form(key: &str) -> bool {
    key.len() >= 2 && key.rsplit(' ').next().is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// The merge key of each summary, with whether it is a full name, once short model forms point
/// at the one longer name of the corpus that ends with them ("e190" → "embraer e190"; see
/// [`Merger::finish`]). A form with several such names stays apart, unless they are all one
/// name in the end (a chain "s3" → "galaxy s3" → "samsung galaxy s3").
fn model_tails(keys: &Strings, key_kind: &[Option<u32>], kinds: &Kinds, summaries: &[Summary], name_keys: &[(u32, bool)]) -> Vec<(u32, bool)> {
    // the ORG/MISC names (places apart), by every proper tail of their words
    let mut named = vec![false; keys.len()];
    for (s, &(k, _)) in summaries.iter().zip(name_keys) {
        named[k as usize] |= s.geo.is_none();
    }
    let product = |k: u32| named[k as usize] && key_kind[k as usize].is_some_and(|t| kinds.is_org_or_misc(t));
    let mut by_tail: HashMap<&str, Vec<u32>> = HashMap::new();
    for k in (0..keys.len() as u32).filter(|&k| product(k)) {
        let name = keys.get(k);
        for (i, _) in name.match_indices(' ') {
            by_tail.entry(&name[i + 1..]).or_default().push(k);
        }
    }
    let shorts: Vec<u32> = (0..keys.len() as u32).filter(|&k| product(k) && model_form(keys.get(k)) && by_tail.contains_key(keys.get(k))).collect();
    let mut target: Vec<u32> = (0..keys.len() as u32).collect();
    // rounds until each short form points at its one longer name, as far as that one points
    loop {
        let mut changed = false;
        for &k in &shorts {
            let mut ends: Vec<u32> = by_tail[keys.get(k)].iter().map(|&l| final_key(&target, l)).collect();
            ends.sort_unstable();
            ends.dedup();
            if let [one] = ends[..] {
                if one != k && target[k as usize] != one {
                    target[k as usize] = one;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    name_keys
        .iter()
        .zip(summaries)
        .map(|(&(k, full), s)| if s.geo.is_none() && target[k as usize] != k { (final_key(&target, k), true) } else { (k, full) })
        .collect()
}

/// Where key `k` ends up through `target` (each step adds words, so chains end).
fn final_key(target: &[u32], mut k: u32) -> u32 {
    for _ in 0..target.len() {
        let t = target[k as usize];
        if t == k {
            break;
        }
        k = t;
    }
    k
}

/// For each summary, the summary of its document whose entity it joins as the one generation of
/// the product it names that the document names (see [`Merger::finish`]).
fn generations(
    keys: &Strings,
    key_kind: &[Option<u32>],
    kinds: &Kinds,
    summaries: &[Summary],
    name_keys: &[(u32, bool)],
    doc_start: &[u32],
) -> Vec<Option<u32>> {
    let mut follows = vec![None; summaries.len()];
    let bounds: Vec<usize> = doc_start.iter().map(|&s| s as usize).chain(std::iter::once(summaries.len())).collect();
    for w in bounds.windows(2) {
        let doc = w[0]..w[1];
        for a in doc.clone() {
            let short = keys.get(name_keys[a].0);
            let product = key_kind[name_keys[a].0 as usize].is_some_and(|t| Some(t) == kinds.misc);
            if summaries[a].geo.is_some() || !product || short.contains(' ') {
                continue;
            }
            // the longer names of the document: one more word, with a digit
            let mut longer: Vec<(u32, usize)> = doc
                .clone()
                .filter(|&b| summaries[b].geo.is_none() && key_kind[name_keys[b].0 as usize].is_some_and(|t| kinds.is_org_or_misc(t)))
                .filter(|&b| {
                    keys.get(name_keys[b].0)
                        .strip_prefix(short)
                        .and_then(|rest| rest.strip_prefix(' '))
                        .is_some_and(|rest| !rest.contains(' ') && rest.chars().any(|c| c.is_ascii_digit()))
                })
                .map(|b| (name_keys[b].0, b))
                .collect();
            longer.sort_unstable();
            longer.dedup_by_key(|x| x.0);
            if let [(_, b)] = longer[..] {
                follows[a] = Some(b as u32);
            }
        }
    }
    follows
}

/// A document entity's type vote, aliases and mentions, added to its corpus entity.
fn absorb(ent: &mut Entity, votes: &mut Vec<(u32, usize)>, s: &Summary, aliases: &[u32], strings: &Strings) {
    vote(votes, s.kind, s.mentions as usize);
    for &a in aliases {
        let a = strings.get(a);
        if !ent.aliases.contains(a) {
            ent.aliases.insert(a.to_string());
        }
    }
    ent.mentions += s.mentions as usize;
}

/// The documents of each entity from (entity, document) pairs of its document entities with a
/// mention.
fn count_documents(entities: &mut [Entity], mut doc_pairs: Vec<(u32, u32)>) {
    doc_pairs.sort_unstable();
    doc_pairs.dedup();
    for (e, _) in doc_pairs {
        entities[e as usize].documents += 1;
    }
}

/// The key each document entity merges by, with whether its name is a person's full name: the
/// [`name_key`] of its canonical name (interned in the returned table), or for a place resolved
/// to the gazetteer its entry.
fn merge_keys(strings: &Strings, summaries: &[Summary]) -> (Strings, Vec<(u32, bool)>) {
    let mut keys = Strings::default();
    let mut key_of: HashMap<u32, (u32, bool)> = HashMap::new();
    for s in summaries {
        key_of.entry(s.canonical).or_insert_with(|| {
            let name = strings.get(s.canonical);
            (keys.id(&name_key(name)), is_person_full(name))
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
