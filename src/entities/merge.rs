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
        let groups = Groups::of(&strings);
        let (group, is_per) = (|kind: u32| groups.group(kind), |kind: u32| groups.is_per(kind));

        let mut order: Vec<u32> = (0..summaries.len() as u32).collect();
        order.sort_by_cached_key(|&c| {
            let s = &summaries[c as usize];
            let (key, full) = skey[c as usize];
            (!full, groups.rank(group(s.kind), &rank), key_rank[key as usize], s.doc, rank[s.kind as usize])
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
            absorb(ent, &mut votes[e as usize], &s, &alias_ids[s.aliases.0 as usize..s.aliases.1 as usize], &strings);
            if s.mentions > 0 {
                doc_pairs.push((e, s.doc));
            }
            if better_name(canonical, &ent.name) && group(s.kind) == group(first_kind[e as usize]) {
                ent.name = canonical.to_string();
            }
        }
        count_documents(&mut entities, doc_pairs);
        // the majority type of merged ORG/MISC clusters (ties: ORG)
        for (e, v) in entities.iter_mut().zip(&votes) {
            if let Some((k, _)) = v.iter().max_by_key(|(k, n)| (*n, Some(*k as usize) == groups.org, rank[*k as usize])) {
                e.kind = strings.get(*k).to_string();
            }
        }
        name_entities(&mut entities, &geo_of);
        Merged { entities, entity_of, doc_start }
    }
}

/// The merge groups of the entity types (interned): ORG and MISC are one group, see
/// [`Merger::finish`].
struct Groups {
    misc: Option<usize>,
    org: Option<usize>,
    per: Option<usize>,
}

impl Groups {
    fn of(strings: &Strings) -> Self {
        Groups { misc: strings.set.get_index_of("MISC"), org: strings.set.get_index_of("ORG"), per: strings.set.get_index_of("PER") }
    }

    fn group(&self, kind: u32) -> u32 {
        if Some(kind as usize) == self.misc {
            // ORG may never have been seen: the group is a number apart from every string
            self.org.map(|o| o as u32).unwrap_or(u32::MAX)
        } else {
            kind
        }
    }

    /// The rank of a group among the strings (`rank`: [`Strings::ranks`]).
    fn rank(&self, g: u32, rank: &[u32]) -> u32 {
        if g == u32::MAX {
            rank[self.misc.unwrap_or(0)]
        } else {
            rank[g as usize]
        }
    }

    fn is_per(&self, kind: u32) -> bool {
        Some(kind as usize) == self.per
    }
}

/// A document entity's type vote, aliases and mentions, added to its corpus entity.
fn absorb(ent: &mut Entity, votes: &mut Vec<(u32, usize)>, s: &Summary, aliases: &[u32], strings: &Strings) {
    match votes.iter_mut().find(|(k, _)| *k == s.kind) {
        Some(v) => v.1 += s.mentions as usize,
        None => votes.push((s.kind, s.mentions as usize)),
    }
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
