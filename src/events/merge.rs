//! Event mentions merged into events, within and across documents. An event is one happening:
//! the event mentions of every document that report it ([`cluster`]: same or synonymous
//! predicate, compatible anchors, a shared participant), with its anchor, its participants under
//! their canonical names and one representative sentence ([`Events::event_row`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use chrono::NaiveDate;

use super::anchor::Source;
use super::participants::Role;
use super::record::{Event, EventMentionRow, EventRec, SentenceRec};
use crate::entities::{Merged, Strings};

/// Lemmas that name one kind of happening ("buy" / "purchase" / "acquisition"): `synonyms.toml`.
static SYNSETS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    #[derive(serde::Deserialize)]
    struct Raw {
        synsets: Vec<Vec<String>>,
    }
    let raw: Raw = toml::from_str(include_str!("synonyms.toml")).expect("the built-in synonym table is well-formed (checked by a test)");
    let mut m = HashMap::new();
    for set in raw.synsets {
        let Some(first) = set.first().cloned() else { continue };
        for w in set {
            m.insert(w, first.clone());
        }
    }
    m
});

/// The predicate key of a lemma for merging (its synonym set's first member, else itself).
pub fn predicate_key(lemma: &str) -> String {
    let l = lemma.to_lowercase();
    SYNSETS.get(&l).cloned().unwrap_or(l)
}

/// What merging needs of an event mention (all numbers: the corpus' mentions stay in memory).
#[derive(Debug, Clone)]
pub struct MentionKey {
    pub doc: u32,
    pub sentence: u32,
    /// Interned [`predicate_key`].
    pub predicate: u32,
    pub reporting: bool,
    pub negative: bool,
    pub source: Source,
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// (entity index, role), each entity once with its first role.
    pub roles: Box<[(u32, Role)]>,
}

impl MentionKey {
    /// Entities of `a` and `b` in roles `want` has in common.
    fn shares(a: &MentionKey, b: &MentionKey, want: impl Fn(Role) -> bool) -> bool {
        a.roles.iter().any(|&(e, r)| want(r) && b.roles.iter().any(|&(f, q)| f == e && want(q)))
    }

    /// Whether two mentions (a before b in input order) report the same happening.
    fn same_event(a: &MentionKey, b: &MentionKey) -> bool {
        if a.predicate != b.predicate || a.negative != b.negative || (a.doc == b.doc && a.sentence == b.sentence) {
            return false;
        }
        let (Some(ra), Some(rb)) = (a.range, b.range) else { return false };
        if ra.0 > rb.1 || rb.0 > ra.1 {
            return false;
        }
        // two statements on one day by one speaker are two events unless they are about the same
        if a.reporting || b.reporting {
            return Self::shares(a, b, |r| r == Role::Agent) && Self::shares(a, b, |r| r == Role::Participant);
        }
        // within a document, only mentions anchored to a time expression (not both to the DCT)
        if a.doc == b.doc && a.source == Source::Dct && b.source == Source::Dct {
            return false;
        }
        Self::shares(a, b, |r| r != Role::Place)
    }
}

/// Mentions compared with each new mention per (predicate, entity) bucket: the latest ones.
const BUCKET: usize = 64;

/// The event of each mention: the index of the first mention of its cluster. Mentions join the
/// event of an earlier mention with the same predicate, overlapping anchors and a shared
/// participant (see `MentionKey::same_event`); the comparison is limited to the latest
/// [`BUCKET`] mentions sharing a predicate and an entity, so it stays linear in the corpus.
pub fn cluster<T>(items: &[T], key: impl Fn(&T) -> &MentionKey) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..items.len() as u32).collect();
    fn root(p: &mut [u32], mut i: u32) -> u32 {
        while p[i as usize] != i {
            p[i as usize] = p[p[i as usize] as usize];
            i = p[i as usize];
        }
        i
    }
    let mut buckets: HashMap<(u32, u32), std::collections::VecDeque<u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        let i = i as u32;
        for &(e, role) in k.roles.iter() {
            if role == Role::Place {
                continue;
            }
            let b = buckets.entry((k.predicate, e)).or_default();
            for &j in b.iter() {
                if MentionKey::same_event(key(&items[j as usize]), k) {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    if ri != rj {
                        // the earlier mention stays the root
                        let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
                        parent[hi as usize] = lo;
                    }
                }
            }
            b.push_back(i);
            if b.len() > BUCKET {
                b.pop_front();
            }
        }
    }
    (0..items.len() as u32).map(|i| root(&mut parent, i)).collect()
}

/// A short stable id from parts of a key.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    format!("{prefix}-{}", &hex::encode(h.finalize())[..12])
}

/// An event mention on its way to the tables: its row, and what the event row needs if it is
/// the event's representative.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct SpilledMention {
    pub row: EventMentionRow,
    /// Its document's index in the run.
    pub doc: u32,
    /// Its number among the mentions kept for merging (those with an entity).
    pub kept: Option<u32>,
    pub sentence: Option<SentenceRec>,
    pub dct: String,
    pub dct_source: String,
}

/// What the event and timeline tables need of an event mention in which an entity takes part,
/// kept in memory until the end (numbers; mentions without entities are not kept).
pub struct MentionFacts {
    pub key: MentionKey,
    pub offset: u32,
    pub trigger: u32,
    pub lemma: u32,
    pub cue: i8,
    /// Interned anchor precision and value.
    pub precision: u32,
    pub value: u32,
    pub has_sentence: bool,
}

/// The events: clusters of the kept mentions, members of each contiguous (`members[span_of[r]]`
/// for a root r), with the representative mention and whether the event is listed.
pub struct Clusters {
    pub root: Vec<u32>,
    pub members: Vec<u32>,
    pub span_of: Vec<(u32, u32)>,
    pub rep_of: Vec<u32>,
    pub listed: Vec<bool>,
}

impl Clusters {
    pub fn of(facts: &[MentionFacts], undated: bool) -> Clusters {
        let root = cluster(facts, |f| &f.key);
        let n = facts.len();
        let mut members: Vec<u32> = (0..n as u32).collect();
        members.sort_unstable_by_key(|&i| (root[i as usize], i));
        let mut span_of: Vec<(u32, u32)> = vec![(0, 0); n];
        let mut rep_of: Vec<u32> = vec![u32::MAX; n];
        let mut listed: Vec<bool> = vec![false; n];
        let mut k = 0;
        while k < n {
            let r = root[members[k] as usize];
            let mut j = k;
            while j < n && root[members[j] as usize] == r {
                j += 1;
            }
            span_of[r as usize] = (k as u32, j as u32);
            // the representative: the best-anchored mention with a sentence, first in input order
            let rep = members[k..j].iter().copied().min_by_key(|&i| (!facts[i as usize].has_sentence, facts[i as usize].key.source, i)).unwrap_or(r);
            rep_of[r as usize] = rep;
            listed[r as usize] = undated || facts[rep as usize].key.range.is_some();
            k = j;
        }
        Clusters { root, members, span_of, rep_of, listed }
    }

    /// The roots (one per event).
    pub fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.root.len() as u32).filter(|&i| self.root[i as usize] == i)
    }

    /// The mentions of the event rooted at `r`.
    pub fn group(&self, r: u32) -> &[u32] {
        let (a, b) = self.span_of[r as usize];
        &self.members[a as usize..b as usize]
    }
}

/// One event mention of document `d` on its way to the tables: its row, with the entities of its
/// arguments by role (`entity`: the corpus entity, index and id, of a record mention); its facts
/// are kept in `facts` when an entity takes part (numbers: strings interned in `strings`).
pub fn spilled_mention<'n>(
    d: usize,
    e: EventRec,
    sentence: Option<SentenceRec>,
    (dct, dct_source): (&str, &str),
    entity: impl Fn(usize) -> Option<(usize, &'n str)>,
    strings: &mut Strings,
    facts: &mut Vec<MentionFacts>,
) -> SpilledMention {
    let mut roles: Vec<(u32, Role)> = Vec::new();
    let (mut agents, mut participants, mut places, mut arguments, mut argument_text) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for a in &e.arguments {
        arguments.push(format!("{}:{}-{}", a.role.as_str(), a.start, a.end));
        argument_text.push(a.text.split_whitespace().collect::<Vec<_>>().join(" "));
        let Some((ent, id)) = a.mention.and_then(&entity) else { continue };
        let id = id.to_string();
        match a.role {
            Role::Agent => agents.push(id),
            Role::Participant => participants.push(id),
            Role::Place => places.push(id),
        }
        if !roles.iter().any(|(x, _)| *x == ent as u32) {
            roles.push((ent as u32, a.role));
        }
    }
    let an = &e.anchor;
    let kept = (!roles.is_empty()).then(|| {
        facts.push(MentionFacts {
            key: MentionKey {
                doc: d as u32,
                sentence: e.at.sentence_index as u32,
                predicate: strings.id(&predicate_key(&e.attrs.lemma)),
                reporting: e.attrs.class == "REPORTING",
                negative: e.attrs.polarity == "NEG",
                source: an.source,
                range: an.range,
                roles: roles.into(),
            },
            offset: e.at.start as u32,
            trigger: strings.id(&e.at.text),
            lemma: strings.id(&e.attrs.lemma),
            cue: an.cue,
            precision: strings.id(&an.precision),
            value: strings.id(&an.value),
            has_sentence: sentence.is_some(),
        });
        facts.len() as u32 - 1
    });
    let (date_start, date_end) = an.range.map(|(a, b)| (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string())).unwrap_or_default();
    SpilledMention {
        row: EventMentionRow {
            anchor_source: an.source.as_str().to_string(),
            anchor_text: an.text.clone(),
            anchor_value: an.value.clone(),
            date_start,
            date_end,
            precision: an.precision.clone(),
            at: e.at,
            attrs: e.attrs,
            score: e.score,
            event_id: String::new(),
            agents: agents.join("; "),
            participants: participants.join("; "),
            places: places.join("; "),
            arguments: arguments.join("; "),
            argument_text: argument_text.join("; "),
        },
        doc: d as u32,
        kept,
        sentence,
        dct: dct.to_string(),
        dct_source: dct_source.to_string(),
    }
}

/// The events of a corpus: its kept mentions' facts and clusters, with what their rows need.
pub struct Events<'a> {
    /// The `doc` column of each document of the run.
    pub docs: Vec<&'a str>,
    pub norm: &'a Merged,
    pub facts: &'a [MentionFacts],
    pub strings: &'a Strings,
    pub clusters: &'a Clusters,
}

impl Events<'_> {
    fn event_id_at(&self, doc: u32, offset: u32) -> String {
        stable_id("ev", &[self.docs[doc as usize], &offset.to_string()])
    }

    /// The id of the event rooted at `r`.
    pub fn event_id(&self, r: u32) -> String {
        self.event_id_at(self.facts[r as usize].key.doc, self.facts[r as usize].offset)
    }

    /// Give `m` the id of its event; the event's root when `m` represents a listed event (then
    /// it makes the event's row, [`Self::event_row`]). A mention in which no entity takes part is
    /// an event of its own, in no table but event_mentions.csv.
    pub fn assign(&self, m: &mut SpilledMention) -> Option<u32> {
        let Some(i) = m.kept else {
            m.row.event_id = self.event_id_at(m.doc, m.row.at.start as u32);
            return None;
        };
        let r = self.clusters.root[i as usize];
        m.row.event_id = self.event_id(r);
        (self.clusters.rep_of[r as usize] == i && self.clusters.listed[r as usize]).then_some(r)
    }

    /// The names of the entities of an event that `pick` (role, entity type) takes, sorted.
    fn names(&self, ents: &BTreeMap<u32, (Role, u32)>, pick: &dyn Fn(Role, &str) -> bool) -> String {
        let mut v: Vec<String> = ents
            .iter()
            .filter(|(&e, (role, _))| pick(*role, &self.norm.entities[e as usize].kind))
            .map(|(&e, _)| self.norm.entities[e as usize].name.clone())
            .collect();
        v.sort();
        v.dedup();
        v.join("; ")
    }

    /// The row of the event rooted at `r` from the mention `m` (kept) that represents it.
    pub fn event_row(&self, r: u32, m: SpilledMention) -> Event {
        let i = m.kept.unwrap_or(r);
        let group = self.clusters.group(r);
        let ents = event_entities(group, self.facts);
        let mut docs: Vec<u32> = group.iter().map(|&j| self.facts[j as usize].key.doc).collect();
        docs.sort_unstable();
        docs.dedup();
        let s = m.sentence.unwrap_or_default();
        Event {
            event_id: m.row.event_id,
            date_start: m.row.date_start,
            date_end: m.row.date_end,
            precision: m.row.precision,
            anchor_source: m.row.anchor_source,
            timex_text: m.row.anchor_text,
            timex_value: m.row.anchor_value,
            trigger: m.row.at.text,
            lemma: m.row.attrs.lemma,
            class: m.row.attrs.class,
            polarity: m.row.attrs.polarity,
            modality: m.row.attrs.modality,
            agents: self.names(&ents, &|role, _| role == Role::Agent),
            participants: self.names(&ents, &|role, _| role == Role::Participant),
            places: self.names(&ents, &|role, _| role == Role::Place),
            people: self.names(&ents, &|_, k| k == "PER"),
            organizations: self.names(&ents, &|_, k| k == "ORG"),
            locations: self.names(&ents, &|_, k| k == "LOC"),
            other_entities: self.names(&ents, &|_, k| !matches!(k, "PER" | "ORG" | "LOC")),
            sentence: s.text,
            doc: m.row.at.doc,
            sentence_index: m.row.at.sentence_index,
            start: s.start,
            end: s.end,
            char_start: s.char_start,
            char_end: s.char_end,
            mentions: group.len(),
            documents: docs.len(),
            dct: m.dct,
            dct_source: m.dct_source,
            undated: self.facts[i as usize].key.range.is_none(),
        }
    }
}

/// Every entity of an event (its mentions `members`) with its strongest role and the first
/// mention it takes part in.
pub fn event_entities(members: &[u32], facts: &[MentionFacts]) -> BTreeMap<u32, (Role, u32)> {
    let mut ents: BTreeMap<u32, (Role, u32)> = BTreeMap::new();
    for &i in members {
        for &(e, role) in facts[i as usize].key.roles.iter() {
            let slot = ents.entry(e).or_insert((role, i));
            if role < slot.0 {
                slot.0 = role;
            }
        }
    }
    ents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(doc: u32, sentence: u32, pred: u32, range: (&str, &str), agents: &[u32], parts: &[u32]) -> MentionKey {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let roles: Vec<(u32, Role)> = agents.iter().map(|&e| (e, Role::Agent)).chain(parts.iter().map(|&e| (e, Role::Participant))).collect();
        MentionKey {
            doc,
            sentence,
            predicate: pred,
            reporting: false,
            negative: false,
            source: Source::Timex,
            range: Some((d(range.0), d(range.1))),
            roles: roles.into(),
        }
    }

    #[test]
    fn one_happening_many_reports() {
        let keys = vec![
            key(0, 1, 7, ("2010-06-07", "2010-06-07"), &[1], &[2]),
            key(1, 3, 7, ("2010-06-01", "2010-06-30"), &[1], &[]),
            key(1, 4, 8, ("2010-06-07", "2010-06-07"), &[1], &[2]),
            key(2, 0, 7, ("2011-06-07", "2011-06-07"), &[1], &[2]),
            key(2, 5, 7, ("2010-06-07", "2010-06-07"), &[3], &[4]),
        ];
        assert_eq!(cluster(&keys, |k| k), vec![0, 0, 2, 3, 4]);
    }

    #[test]
    fn synonyms() {
        assert_eq!(predicate_key("purchase"), predicate_key("buy"));
        assert_eq!(predicate_key("Launch"), "launch");
    }
}
