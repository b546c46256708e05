//! Who takes part in an event: for each event mention, the noun phrases that are its arguments,
//! with a coarse role — `agent` (who does it), `participant` (to whom, what, with whom) or
//! `place` — and the entity each refers to (a named mention, or a pronoun or description resolved
//! to one by [`crate::coref`]).
//!
//! A shallow reading of English clause structure over base noun phrases, no parser:
//! * verbs: the subject is the noun phrase before the verb once auxiliaries, modals and adverbs are
//!   skipped ("Apple has also released"); after a conjunction, a comma or a preposition the verb
//!   shares the subject of the verb before it or of the sentence ("… and announced", "…, increasing
//!   …", "since retaking office"); a relative pronoun passes on the phrase it follows ("Apple,
//!   which makes …"); a form of "be" before the verb makes the subject a participant and "by X"
//!   the agent. Objects are the phrase right after the verb and those after prepositions, up to
//!   the end of the clause; a place after "in", "at", … is the place.
//! * event nouns: a possessive ("his keynote", "Apple's launch") is the agent, "of X" / a name
//!   before the noun ("the iPhone launch") a participant, "by X" the agent.
//! * adjectives and other states: the subject before a form of "be" is a participant.
//!
//! Word lists are in `participants.toml`. MEANTIME Apple figures: scripts/eval_participants.sh.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The role of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Participant,
    Place,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Participant => "participant",
            Role::Place => "place",
        }
    }
}

/// An argument of an event mention: a noun phrase (word range in the document) and the referent
/// it holds, if any (index into the `referents` given to [`find`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    pub role: Role,
    pub words: Range<usize>,
    pub referent: Option<usize>,
}

/// A span that refers to an entity: a named mention, or a resolved pronoun or description.
#[derive(Debug, Clone)]
pub struct Referent<'a> {
    pub words: Range<usize>,
    /// NER label of the entity.
    pub label: &'a str,
}

/// What the finder needs to know of an event mention.
#[derive(Debug, Clone)]
pub struct Trigger<'a> {
    pub word: usize,
    pub sentence: usize,
    pub pos: &'a str,
    pub tense: &'a str,
    pub lemma: &'a str,
}

#[derive(Deserialize)]
struct Raw {
    skip_left: Vec<String>,
    be: Vec<String>,
    skip_right: Vec<String>,
    coordination: Vec<String>,
    relative: Vec<String>,
    clause_breaks: Vec<String>,
    place_prepositions: Vec<String>,
    prepositions: Vec<String>,
    agent_prepositions: Vec<String>,
    possessives: Vec<String>,
    light_verbs: Vec<String>,
}

pub(super) struct Lists {
    skip_left: HashSet<String>,
    be: HashSet<String>,
    skip_right: HashSet<String>,
    coordination: HashSet<String>,
    relative: HashSet<String>,
    clause_breaks: HashSet<String>,
    pub(super) place_prepositions: HashSet<String>,
    prepositions: HashSet<String>,
    pub(super) agent_prepositions: HashSet<String>,
    possessives: HashSet<String>,
    pub(super) light_verbs: HashSet<String>,
}

fn set(v: Vec<String>) -> HashSet<String> {
    v.into_iter().map(|s| s.to_lowercase()).collect()
}

fn parse(src: &str) -> Result<Lists, String> {
    let r: Raw = toml::from_str(src).map_err(|e| format!("participants.toml: {e}"))?;
    Ok(Lists {
        skip_left: set(r.skip_left),
        be: set(r.be),
        skip_right: set(r.skip_right),
        coordination: set(r.coordination),
        relative: set(r.relative),
        clause_breaks: set(r.clause_breaks),
        place_prepositions: set(r.place_prepositions),
        prepositions: set(r.prepositions),
        agent_prepositions: set(r.agent_prepositions),
        possessives: set(r.possessives),
        light_verbs: set(r.light_verbs),
    })
}

static LISTS: LazyLock<Lists> =
    LazyLock::new(|| parse(include_str!("participants.toml")).expect("the built-in participant lists are well-formed (checked by a test)"));

/// The built-in word lists (also read by the tree reading, [`super::tree`]).
pub(super) fn lists() -> &'static Lists {
    &LISTS
}

/// A noun phrase of a sentence: a base chunk widened to the referents it overlaps.
#[derive(Debug, Clone)]
struct Unit {
    words: Range<usize>,
    /// The last referent inside (the head of "Apple CEO Steve Jobs" is Steve Jobs).
    referent: Option<usize>,
    /// Referents before the head inside the phrase ("Apple" in "Apple CEO Steve Jobs").
    modifiers: Vec<usize>,
}

/// One sentence's view: lower-cased words, units and which unit each word is in.
struct Sentence<'a> {
    range: Range<usize>,
    lower: Vec<String>,
    units: Vec<Unit>,
    unit_at: HashMap<usize, usize>,
    triggers: HashMap<usize, &'a Trigger<'a>>,
}

impl Sentence<'_> {
    fn w(&self, i: usize) -> &str {
        &self.lower[i - self.range.start]
    }
    fn unit_ending_at(&self, i: usize) -> Option<&Unit> {
        self.unit_at.get(&i).map(|&u| &self.units[u]).filter(|u| u.words.end == i + 1)
    }
    fn unit_starting_at(&self, i: usize) -> Option<&Unit> {
        self.unit_at.get(&i).map(|&u| &self.units[u]).filter(|u| u.words.start == i)
    }
    fn is_verb_trigger(&self, i: usize) -> bool {
        self.triggers.get(&i).is_some_and(|t| t.pos == "VERB")
    }
}

fn build_units(
    range: &Range<usize>,
    chunks: &[Range<usize>],
    referents: &[Referent<'_>],
    in_sentence: &[usize],
    verbs: &HashSet<usize>,
) -> Vec<Unit> {
    // a chunk never takes in a verb trigger (the chunker sometimes runs "Merkel wrote" together)
    let mut spans: Vec<Range<usize>> = Vec::new();
    for c in chunks {
        let start = range.start + c.start;
        let mut a = start;
        for w in start..range.start + c.end {
            if verbs.contains(&w) {
                if a < w {
                    spans.push(a..w);
                }
                a = w + 1;
            }
        }
        if a < range.start + c.end {
            spans.push(a..range.start + c.end);
        }
    }
    for &r in in_sentence {
        spans.push(referents[r].words.clone());
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
        .into_iter()
        .map(|words| {
            let inside: Vec<usize> =
                in_sentence.iter().copied().filter(|&r| referents[r].words.start >= words.start && referents[r].words.end <= words.end).collect();
            let referent = inside.iter().copied().max_by_key(|&r| (referents[r].words.end, std::cmp::Reverse(referents[r].words.start)));
            let modifiers = inside.into_iter().filter(|&r| Some(r) != referent).collect();
            Unit { words, referent, modifiers }
        })
        .collect()
}

/// The arguments of every trigger (in the order given). `words`: the document's words;
/// `sentences`: their sentence ranges; `chunks`: each sentence's base noun phrases (relative
/// ranges); `referents`: named mentions and resolved pronouns/descriptions, in text order.
pub fn find(
    words: &[&str],
    sentences: &[Range<usize>],
    chunks: &[Vec<Range<usize>>],
    referents: &[Referent<'_>],
    triggers: &[Trigger<'_>],
) -> Vec<Vec<Argument>> {
    // a trigger whose part of speech the head left open (UNKNOWN, OTHER) but whose tense is a
    // verb's ("met": PAST) is read as a verb
    let triggers: Vec<Trigger<'_>> = triggers
        .iter()
        .map(|t| {
            let open = !matches!(t.pos, "VERB" | "NOUN" | "ADJECTIVE");
            let verbal = matches!(t.tense, "PAST" | "PRESENT" | "FUTURE" | "INFINITIVE" | "PRESPART" | "PASTPART");
            Trigger { pos: if open && verbal { "VERB" } else { t.pos }, ..t.clone() }
        })
        .collect();
    let triggers = &triggers[..];
    let mut out: Vec<Vec<Argument>> = vec![Vec::new(); triggers.len()];
    let mut by_sentence: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, t) in triggers.iter().enumerate() {
        by_sentence.entry(t.sentence).or_default().push(i);
    }
    let mut sentence_ids: Vec<usize> = by_sentence.keys().copied().collect();
    sentence_ids.sort_unstable();
    for si in sentence_ids {
        let Some(range) = sentences.get(si).cloned() else { continue };
        let Some(chunks) = chunks.get(si) else { continue };
        let in_sentence: Vec<usize> =
            (0..referents.len()).filter(|&r| referents[r].words.start >= range.start && referents[r].words.end <= range.end).collect();
        let ids = &by_sentence[&si];
        // finite verbs only: a participle inside a noun phrase ("his opening keynote") stays in it
        let verbs: HashSet<usize> = ids
            .iter()
            .filter(|&&i| triggers[i].pos == "VERB" && matches!(triggers[i].tense, "PAST" | "PRESENT" | "FUTURE"))
            .map(|&i| triggers[i].word)
            .collect();
        let units = build_units(&range, chunks, referents, &in_sentence, &verbs);
        let mut unit_at = HashMap::new();
        for (k, u) in units.iter().enumerate() {
            for w in u.words.clone() {
                unit_at.insert(w, k);
            }
        }
        let sent = Sentence {
            lower: words[range.clone()].iter().map(|w| w.to_lowercase()).collect(),
            range,
            units,
            unit_at,
            triggers: ids.iter().map(|&i| (triggers[i].word, &triggers[i])).collect(),
        };
        sentence_arguments(&sent, triggers, ids, referents, &mut out);
    }
    out
}

/// How a verb's subject was found.
#[derive(Clone)]
enum Subject {
    Found(Unit, bool),
    /// Shares the subject of the verb before it.
    Previous,
    /// Shares the sentence's main subject.
    Main,
    None,
}

fn sentence_arguments(s: &Sentence<'_>, triggers: &[Trigger<'_>], ids: &[usize], referents: &[Referent<'_>], out: &mut [Vec<Argument>]) {
    let l = &*LISTS;
    let mut ordered: Vec<usize> = ids.to_vec();
    ordered.sort_by_key(|&i| triggers[i].word);
    let subjects = verb_subjects(s, triggers, &ordered);
    for &i in &ordered {
        let t = &triggers[i];
        let mut args: Vec<Argument> = Vec::new();
        let push = |role: Role, u: &Unit, args: &mut Vec<Argument>| {
            if !args.iter().any(|a| a.words == u.words) {
                args.push(Argument { role, words: u.words.clone(), referent: u.referent });
            }
        };
        match t.pos {
            "VERB" => {
                if let Some((u, role)) = subjects.get(&i) {
                    push(*role, u, &mut args);
                } else if let Some(u) = inverted_subject(s, t) {
                    push(Role::Agent, &u, &mut args);
                }
                let passive = passive_before(s, t.word);
                right_arguments(s, t, passive, referents, &mut args);
            }
            "NOUN" => {
                noun_arguments(s, t, referents, &mut args);
                // "Jobs gave his keynote", "has taken medical leave": the subject of a light verb
                // whose object the event noun is does it
                if !args.iter().any(|a| a.role == Role::Agent) {
                    let verb = light_verb_before(s, t).and_then(|v| ordered.iter().find(|&&j| triggers[j].word == v));
                    if let Some((u, Role::Agent)) = verb.and_then(|j| subjects.get(j)) {
                        args.push(Argument { role: Role::Agent, words: u.words.clone(), referent: u.referent });
                    }
                }
            }
            _ => {
                // states: "X is aware": the subject before a form of be
                let mut j = t.word;
                let mut seen_be = false;
                while j > s.range.start {
                    j -= 1;
                    let w = s.w(j);
                    if l.be.contains(w) {
                        seen_be = true;
                        continue;
                    }
                    if l.skip_left.contains(w) || w.ends_with("ly") {
                        continue;
                    }
                    if let (true, Some(u)) = (seen_be, s.unit_ending_at(j)) {
                        push(Role::Participant, &u.clone(), &mut args);
                    }
                    break;
                }
                right_arguments(s, t, false, referents, &mut args);
            }
        }
        out[i] = args;
    }
}

/// The subject of each verb among the triggers (`ordered`: their indices in word order) and its
/// role; shared subjects need those of earlier verbs, so verbs go first.
fn verb_subjects(s: &Sentence<'_>, triggers: &[Trigger<'_>], ordered: &[usize]) -> HashMap<usize, (Unit, Role)> {
    let mut subjects: HashMap<usize, (Unit, Role)> = HashMap::new();
    let mut pending: Vec<(usize, Subject)> = Vec::new();
    for &i in ordered {
        let t = &triggers[i];
        if t.pos != "VERB" {
            continue;
        }
        let subj = verb_subject(s, t);
        if let Subject::Found(u, passive) = &subj {
            subjects.insert(i, (u.clone(), if *passive { Role::Participant } else { Role::Agent }));
        }
        pending.push((i, subj));
    }
    // the subject a participle clause shares: that of the nearest finite verb before it ("…, Trump
    // is articulating a doctrine, arguing …"), else after it ("By characterizing …, Trump is …")
    let finite: Vec<(usize, Unit)> = pending
        .iter()
        .filter_map(|(i, sj)| match sj {
            Subject::Found(u, false) if matches!(triggers[*i].tense, "PAST" | "PRESENT" | "FUTURE") => Some((triggers[*i].word, u.clone())),
            _ => None,
        })
        .collect();
    let main = |word: usize| finite.iter().rev().find(|(w, _)| *w < word).or_else(|| finite.iter().find(|(w, _)| *w > word)).map(|(_, u)| u.clone());
    let mut last_found: Option<(Unit, Role)> = None;
    for (i, sj) in &pending {
        let passive = passive_before(s, triggers[*i].word);
        let shared_role = if passive { Role::Participant } else { Role::Agent };
        match sj {
            Subject::Found(..) => last_found = subjects.get(i).cloned(),
            Subject::Previous => {
                if let Some((u, _)) = &last_found {
                    subjects.insert(*i, (u.clone(), shared_role));
                }
            }
            Subject::Main => {
                if let Some(u) = main(triggers[*i].word) {
                    subjects.insert(*i, (u, shared_role));
                }
            }
            Subject::None => {}
        }
    }
    subjects
}

/// A form of "be" among the words skipped before the verb, and the verb not an -ing form.
fn passive_before(s: &Sentence<'_>, word: usize) -> bool {
    let l = &*LISTS;
    if s.w(word).ends_with("ing") {
        return false;
    }
    let mut j = word;
    while j > s.range.start {
        j -= 1;
        let w = s.w(j);
        if l.be.contains(w) {
            return true;
        }
        if !(l.skip_left.contains(w) || w.ends_with("ly")) {
            return false;
        }
    }
    false
}

fn verb_subject(s: &Sentence<'_>, t: &Trigger<'_>) -> Subject {
    let l = &*LISTS;
    let mut j = t.word;
    while j > s.range.start {
        j -= 1;
        let w = s.w(j);
        if let Some(u) = s.unit_ending_at(j) {
            // "… said Apple has": a phrase right after a verb is that verb's object unless it
            // is our subject; it is ours when nothing but skipped words lie between
            if u.words.start > s.range.start && s.w(u.words.start - 1) == "there" {
                return Subject::None;
            }
            if w == "there" {
                return Subject::None;
            }
            return Subject::Found(u.clone(), passive_before(s, t.word));
        }
        if l.skip_left.contains(w) || (w.ends_with("ly") && w.len() > 3) {
            continue;
        }
        if l.relative.contains(w) {
            // "Apple, which makes …" / "the company that makes …"
            let mut k = j;
            while k > s.range.start && s.w(k - 1) == "," {
                k -= 1;
            }
            return match k.checked_sub(1).and_then(|p| s.unit_ending_at(p)) {
                Some(u) => Subject::Found(u.clone(), passive_before(s, t.word)),
                None => Subject::None,
            };
        }
        if l.coordination.contains(w) {
            return Subject::Previous;
        }
        if w == "," || l.prepositions.contains(w) || l.agent_prepositions.contains(w) {
            return if matches!(t.tense, "PRESPART" | "PASTPART" | "INFINITIVE") || s.w(t.word).ends_with("ing") {
                Subject::Main
            } else {
                Subject::None
            };
        }
        if s.is_verb_trigger(j) && t.tense == "INFINITIVE" {
            // "continues to frame": the subject of the governing verb
            return Subject::Previous;
        }
        return Subject::None;
    }
    Subject::None
}

/// "“…,” said Trump": a reporting verb after a quote or comma takes the phrase right after it.
fn inverted_subject(s: &Sentence<'_>, t: &Trigger<'_>) -> Option<Unit> {
    let before = t.word.checked_sub(1).filter(|&p| p >= s.range.start)?;
    if !matches!(s.w(before), "," | "”" | "\"" | "''" | "’") {
        return None;
    }
    s.unit_starting_at(t.word + 1).filter(|u| u.referent.is_some()).cloned()
}

fn right_arguments(s: &Sentence<'_>, t: &Trigger<'_>, passive: bool, referents: &[Referent<'_>], args: &mut Vec<Argument>) {
    let l = &*LISTS;
    let mut j = t.word + 1;
    let end = s.range.end.min(t.word + 12);
    let mut direct_done = false;
    let mut prep: Option<String> = None;
    while j < end {
        let w = s.w(j).to_string();
        if s.is_verb_trigger(j) || l.clause_breaks.contains(&w) {
            break;
        }
        if let Some(u) = s.unit_starting_at(j).cloned() {
            let next = u.words.end;
            // the subject of a following verb ("said Apple has …") is not our object
            let mut k = next;
            while k < s.range.end && (l.skip_left.contains(s.w(k)) || s.w(k).ends_with("ly")) && !s.is_verb_trigger(k) {
                k += 1;
            }
            if prep.is_none() && k < s.range.end && s.is_verb_trigger(k) {
                break;
            }
            let light = l.light_verbs.contains(t.lemma) && u.words.clone().any(|x| s.triggers.contains_key(&x));
            let role = match prep.as_deref() {
                None if !direct_done => (!light).then_some(Role::Participant),
                None => None,
                Some(p) if l.agent_prepositions.contains(p) => Some(if passive || t.pos == "NOUN" { Role::Agent } else { Role::Participant }),
                Some(p) if l.place_prepositions.contains(p) && u.referent.is_some_and(|r| referents[r].label == "LOC") => Some(Role::Place),
                Some(_) => Some(Role::Participant),
            };
            if prep.is_none() {
                direct_done = true;
            }
            if let Some(role) = role {
                if !args.iter().any(|a| a.words == u.words) {
                    args.push(Argument { role, words: u.words.clone(), referent: u.referent });
                }
            }
            prep = None;
            j = next;
            continue;
        }
        if l.prepositions.contains(&w) || l.agent_prepositions.contains(&w) || l.place_prepositions.contains(&w) {
            prep = Some(w);
        } else if !(l.skip_right.contains(&w) || w.ends_with("ly")) && prep.is_none() && direct_done {
            break;
        }
        j += 1;
    }
}

/// The trigger index of a light verb ("give", "take", "make" …) right before the noun phrase of
/// event noun `t` ("gave [his annual keynote]"), if any.
fn light_verb_before(s: &Sentence<'_>, t: &Trigger<'_>) -> Option<usize> {
    let start = s.unit_at.get(&t.word).map_or(t.word, |&k| s.units[k].words.start);
    let v = start.checked_sub(1).filter(|&v| v >= s.range.start)?;
    s.triggers.get(&v).filter(|x| x.pos == "VERB" && LISTS.light_verbs.contains(x.lemma)).map(|_| v)
}

fn noun_arguments(s: &Sentence<'_>, t: &Trigger<'_>, referents: &[Referent<'_>], args: &mut Vec<Argument>) {
    let l = &*LISTS;
    // inside the trigger's own phrase, or the phrase right before it ("Apple 's launch")
    if let Some(u) = s.unit_at.get(&t.word).map(|&k| &s.units[k]) {
        // a possessor ("Apple 's launch", "his keynote") is the agent, another name a participant
        let role_of = |m: usize| {
            let w = &referents[m].words;
            let poss = w.end < s.range.end && matches!(s.w(w.end), "'s" | "’s" | "'" | "’");
            let pronoun = w.len() == 1 && l.possessives.contains(s.w(w.start));
            if poss || pronoun {
                Role::Agent
            } else {
                Role::Participant
            }
        };
        for m in u.modifiers.iter().copied().chain(u.referent) {
            if referents[m].words.end <= t.word {
                args.push(Argument { role: role_of(m), words: referents[m].words.clone(), referent: Some(m) });
            }
        }
    }
    // a possessive pronoun in the phrase just before, when the chunker cut "his 2 hour speech" apart
    if !args.iter().any(|a| a.role == Role::Agent) {
        if let Some(start) = s.unit_at.get(&t.word).map(|&k| s.units[k].words.start).filter(|&a| a > s.range.start) {
            if let Some(u) = s.unit_ending_at(start - 1) {
                if let Some(r) = u.referent.filter(|&r| referents[r].words.start == u.words.start && l.possessives.contains(s.w(u.words.start))) {
                    args.push(Argument { role: Role::Agent, words: referents[r].words.clone(), referent: Some(r) });
                }
            }
        }
    }
    // "X 's launch" / "Jobs ' death" where the chunker put "X 's" apart
    if let Some(p) = t.word.checked_sub(1).filter(|&p| p > s.range.start && matches!(s.w(p), "'s" | "’s" | "'" | "’")) {
        if let Some(u) = s.unit_ending_at(p - 1).filter(|u| u.referent.is_some()) {
            if !args.iter().any(|a| a.words == u.words) {
                args.push(Argument { role: Role::Agent, words: u.words.clone(), referent: u.referent });
            }
        }
    }
    // "the launch of the iPhone", "the suit by Apple Corps", "a keynote in San Francisco"
    let mut j = t.word + 1;
    while j < s.range.end && s.unit_at.get(&j) == s.unit_at.get(&t.word) && s.unit_at.contains_key(&t.word) {
        j += 1;
    }
    if j + 1 < s.range.end {
        let w = s.w(j).to_string();
        if let Some(u) = s.unit_starting_at(j + 1).cloned() {
            let role = if l.agent_prepositions.contains(&w) {
                Some(Role::Agent)
            } else if l.place_prepositions.contains(&w) && u.referent.is_some_and(|r| referents[r].label == "LOC") {
                Some(Role::Place)
            } else if matches!(w.as_str(), "of" | "against" | "with" | "for" | "to" | "on" | "over" | "between") {
                Some(Role::Participant)
            } else {
                None
            };
            if let Some(role) = role {
                if !args.iter().any(|a| a.words == u.words) {
                    args.push(Argument { role, words: u.words.clone(), referent: u.referent });
                }
            }
        }
    }
}

/// Test helper: the arguments of each trigger as "role:text" (the referent's text when there is
/// one).
#[cfg(test)]
pub(super) fn shown(words: &[&str], referents: &[Referent<'_>], found: Vec<Vec<Argument>>) -> Vec<Vec<String>> {
    found
        .into_iter()
        .map(|args| {
            args.into_iter()
                .map(|a| {
                    let span = a.referent.map(|r| referents[r].words.clone()).unwrap_or(a.words);
                    format!("{}:{}", a.role.as_str(), words[span].join(" "))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // lists of sentences, here of one sentence's word range
mod tests {
    use super::*;

    /// Arguments of each trigger word as "role:text" (text of the referent when there is one).
    fn run(text: &str, names: &[(&str, &str)], trig: &[(&str, &str, &str)]) -> Vec<Vec<String>> {
        let words: Vec<&str> = text.split(' ').collect();
        let sentences = vec![0..words.len()];
        let chunks = vec![crate::text::NpChunker::builtin().chunks(&words)];
        let mut referents = Vec::new();
        for (name, label) in names {
            let n: Vec<&str> = name.split(' ').collect();
            let i = (0..words.len()).find(|&i| words[i..].starts_with(&n)).unwrap();
            referents.push(Referent { words: i..i + n.len(), label });
        }
        referents.sort_by_key(|r| r.words.start);
        let triggers: Vec<Trigger<'_>> = trig
            .iter()
            .map(|(w, pos, tense)| Trigger { word: words.iter().position(|x| x == w).unwrap(), sentence: 0, pos, tense, lemma: w })
            .collect();
        shown(&words, &referents, find(&words, &sentences, &chunks, &referents, &triggers))
    }

    #[test]
    fn lists_parse() {
        assert!(LISTS.be.contains("was"));
    }

    #[test]
    fn subject_object_place() {
        let r = run(
            "Apple CEO Steve Jobs has unveiled the iPhone 4 at a conference in San Francisco and praised Google .",
            &[("Apple", "ORG"), ("Steve Jobs", "PER"), ("iPhone 4", "MISC"), ("San Francisco", "LOC"), ("Google", "ORG")],
            &[("unveiled", "VERB", "PRESENT"), ("praised", "VERB", "PAST")],
        );
        assert_eq!(r[0], vec!["agent:Steve Jobs", "participant:iPhone 4", "participant:a conference", "place:San Francisco"]);
        assert_eq!(r[1], vec!["agent:Steve Jobs", "participant:Google"]);
    }

    #[test]
    fn passive_and_reporting() {
        let r = run(
            "The iPod was launched by Apple , Jobs said , and Apple said Microsoft has agreed .",
            &[("iPod", "MISC"), ("Apple", "ORG"), ("Jobs", "PER"), ("Microsoft", "ORG")],
            &[("launched", "VERB", "PAST"), ("agreed", "VERB", "PRESENT")],
        );
        assert_eq!(r[0], vec!["participant:iPod", "agent:Apple"]);
        assert_eq!(r[1], vec!["agent:Microsoft"]);
    }

    #[test]
    fn nouns_take_possessors_and_of_phrases() {
        let r = run(
            "Jobs gave his keynote after the launch of the iPhone by Apple .",
            &[("Jobs", "PER"), ("his", "PER"), ("iPhone", "MISC"), ("Apple", "ORG")],
            &[("keynote", "NOUN", "NONE"), ("launch", "NOUN", "NONE")],
        );
        assert_eq!(r[0], vec!["agent:his"]);
        assert_eq!(r[1], vec!["participant:iPhone"]);
    }
}
