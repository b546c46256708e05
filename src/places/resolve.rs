//! Which place each place mention of a document is. Candidates come from the gazetteer by name
//! (own or alternate); the document chooses among them, strongest evidence first:
//!
//! 1. **Context.** A country or division in the mention or right after it ("Paris, Texas",
//!    "Mobile, Alabama", two names two bytes apart), or a place of the same sentence that holds
//!    the reading, lies in it or shares its division ("Everett … Seattle").
//! 2. **Document.** Other places resolved in the document: the same place (a demonym, 3 points),
//!    in the same division (2) or country (1). A name the document resolved by context keeps that reading elsewhere in
//!    the document ("Paris, Texas … Paris").
//! 3. **Population.** With no evidence the most populous reading wins, flagged
//!    [`Confidence::Population`].
//!
//! Places resolved by their only reading or by context are the evidence for the others, in
//! rounds until nothing changes.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use super::gazetteer::{key, Gazetteer, PlaceKind};

/// The airport words of `airports.toml`, as gazetteer keys.
pub const BUILTIN_AIRPORT_WORDS: &str = include_str!("airports.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAirportWords {
    words: Vec<String>,
    context: Vec<String>,
}

/// The two lists of `airports.toml`: the airport words as gazetteer keys, the context words
/// and word pairs in lower case.
struct AirportWords {
    words: Vec<String>,
    context: BTreeSet<String>,
}

fn parse_airport_words(src: &str) -> Result<AirportWords, toml::de::Error> {
    let raw: RawAirportWords = toml::from_str(src)?;
    let words = raw.words.iter().map(|w| key(w)).filter(|k| !k.is_empty()).collect::<BTreeSet<String>>().into_iter().collect();
    // a sentence about airports is one about flying too ("London's Heathrow, Gatwick and Stansted airports")
    let context = raw
        .context
        .iter()
        .chain(&raw.words)
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    Ok(AirportWords { words, context })
}

static AIRPORT_WORDS: LazyLock<AirportWords> =
    LazyLock::new(|| parse_airport_words(BUILTIN_AIRPORT_WORDS).expect("the built-in airports.toml is well-formed (checked by a test)"));

/// Whether a sentence (its words) is about flying: it holds one of the `context` words or word
/// pairs of `airports.toml`, or one of its airport `words` (case and the punctuation around a
/// word ignored). There a LOC
/// mention may be an airport by its bare name ("Flights from Heathrow were cancelled").
pub fn airport_context<'a>(words: impl IntoIterator<Item = &'a str>) -> bool {
    let context = &AIRPORT_WORDS.context;
    let mut before = String::new();
    for w in words {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        if context.contains(&w) || context.contains(&format!("{before} {w}")) {
            return true;
        }
        before = w;
    }
    false
}

/// Whether a name holds an airport word ("Heathrow Airport", "Bagram Air Base"), as whole words.
pub fn names_an_airport(name: &str) -> bool {
    let k = format!(" {} ", key(name));
    AIRPORT_WORDS.words.iter().any(|w| k.contains(&format!(" {w} ")))
}

/// The name as an IATA code: three capital letters.
fn iata_code(name: &str) -> Option<&str> {
    let t = name.trim();
    (t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase())).then_some(t)
}

/// How a place was chosen (the `geo_confidence` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The name has one reading.
    Unique,
    /// A country or division named with it or in its sentence.
    Context,
    /// Other places of the document.
    Document,
    /// Several readings and no evidence: the most populous.
    Population,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unique => "unique",
            Confidence::Context => "context",
            Confidence::Document => "document",
            Confidence::Population => "population",
        }
    }
}

/// A mention that may name a place.
#[derive(Debug, Clone)]
pub struct PlaceMention<'a> {
    /// Byte offsets in the document.
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    /// The name (after alias normalization: "U.S." → "United States").
    pub text: &'a str,
    /// NER label: LOC names any place; ORG and MISC only an airport they name (`airports.toml`).
    pub label: &'a str,
    /// A reading known in advance (a demonym's country): evidence only.
    pub known: Option<u32>,
    /// Its sentence is about flying ([`airport_context`]): a LOC may be an airport by a bare name.
    pub airport_context: bool,
}

/// The place a mention resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub place: u32,
    pub confidence: Confidence,
}

/// Readings of a name, with whether the name is the place's own (`worded`: the name holds an
/// airport word; an ORG or MISC name without one has no reading of its own).
fn candidates(g: &Gazetteer, m: &PlaceMention<'_>, worded: bool, flying: bool) -> (Vec<(u32, bool)>, Option<Vec<u32>>) {
    if let Some(k) = m.known {
        return (vec![(k, true)], None);
    }
    let any_kind = m.label == "LOC";
    // an airport by a name that says so ("Heathrow Airport"), whatever the type; by a bare name a
    // LOC only in a sentence about flying: airports' short forms include place, region and sea
    // names ("Persian Gulf", "Macedonia"). A bare name of an airport the document names with a
    // word reads as that airport too (see `airports_named_by_the_document`).
    let airport_ok = (m.label != "PER" && worded) || (any_kind && flying);
    if !any_kind && !airport_ok {
        return (Vec::new(), None);
    }
    let keep = |ix: u32| if g.place(ix).kind == PlaceKind::Airport { airport_ok } else { any_kind };
    let mut c: Vec<(u32, bool)> = g.lookup(m.text).filter(|&(i, _)| keep(i)).collect();
    // "Paris, Texas": a head and a qualifier that holds one of its readings
    let mut qualified = None;
    if c.is_empty() && any_kind {
        if let Some((head, qual)) = m.text.rsplit_once(", ") {
            let holders: Vec<u32> = g.lookup(qual).map(|(i, _)| i).filter(|&i| g.place(i).kind.is_container()).collect();
            let heads: Vec<(u32, bool)> = g.lookup(head).filter(|&(i, _)| keep(i)).collect();
            let inside: Vec<(u32, bool)> = heads.iter().copied().filter(|&(h, _)| holders.iter().any(|&q| g.contains(q, h))).collect();
            if !inside.is_empty() {
                qualified = Some(inside.iter().map(|&(h, _)| h).collect());
                c = inside;
            } else {
                c = heads;
            }
        }
    }
    c.sort_unstable();
    c.dedup_by_key(|x| x.0);
    (c, qualified)
}

/// Most populous first; then the place whose own name it is, countries before divisions
/// before cities before airports, and the gazetteer's order.
fn by_population(g: &Gazetteer, cands: &[(u32, bool)]) -> Option<u32> {
    cands
        .iter()
        .copied()
        .max_by_key(|&(i, own)| (g.place(i).population, own, std::cmp::Reverse(g.place(i).kind), std::cmp::Reverse(i)))
        .map(|(i, _)| i)
}

/// How two readings relate: 3 when they are one place (a demonym of the country), 2 when one
/// holds the other or they share a division, 1 when they share a country, 0 otherwise.
fn relation(g: &Gazetteer, a: u32, b: u32) -> u32 {
    if a == b {
        return 3;
    }
    let (pa, pb) = (g.place(a), g.place(b));
    if g.contains(a, b) || g.contains(b, a) || (!pa.admin1.is_empty() && pa.admin1 == pb.admin1) {
        2
    } else if !pa.country.is_empty() && pa.country == pb.country {
        1
    } else {
        0
    }
}

/// Resolve the place mentions of one document (in any order; offsets and sentences tell what
/// is near what). One answer per mention; `None` when no reading fits.
pub fn resolve_document(g: &Gazetteer, mentions: &[PlaceMention<'_>]) -> Vec<Option<Resolved>> {
    let n = mentions.len();
    let mut cands: Vec<Vec<(u32, bool)>> = Vec::with_capacity(n);
    let mut out: Vec<Option<Resolved>> = vec![None; n];
    let keys: Vec<String> = mentions.iter().map(|m| key(m.text)).collect();
    let worded: Vec<bool> = mentions.iter().map(|m| m.known.is_none() && m.label != "PER" && names_an_airport(m.text)).collect();
    // names said in a sentence about flying: each of their mentions may be an airport
    let flying: BTreeSet<&str> = (0..n).filter(|&i| mentions[i].airport_context).map(|i| keys[i].as_str()).collect();
    let mut qualified = Vec::with_capacity(n);
    for (i, m) in mentions.iter().enumerate() {
        let (c, q) = candidates(g, m, worded[i], flying.contains(keys[i].as_str()));
        cands.push(c);
        qualified.push(q);
    }
    airports_named_by_the_document(g, mentions, &worded, &mut cands);
    for (i, q) in qualified.into_iter().enumerate() {
        let c = &cands[i];
        if let Some(q) = q {
            let pick = by_population(g, &c.iter().copied().filter(|(x, _)| q.contains(x)).collect::<Vec<_>>());
            out[i] = pick.map(|place| Resolved { place, confidence: Confidence::Context });
        } else if c.len() == 1 {
            out[i] = Some(Resolved { place: c[0].0, confidence: Confidence::Unique });
        }
    }
    resolve_pairs(g, mentions, &cands, &mut out);
    let mut out = resolve_by_evidence(g, mentions, &keys, &cands, out);
    // no deciding evidence: the most populous of the best-supported readings
    for i in 0..n {
        if out[i].is_some() || cands[i].is_empty() {
            continue;
        }
        let anchors: Vec<(usize, u32)> =
            (0..n).filter_map(|j| out[j].filter(|r| r.confidence != Confidence::Population).map(|r| (j, r.place))).collect();
        let support = |c: u32| anchors.iter().filter(|(j, _)| keys[*j] != keys[i]).map(|&(_, p)| relation(g, c, p)).sum::<u32>();
        let top = cands[i].iter().map(|&(c, _)| support(c)).max().unwrap_or(0);
        let tied: Vec<(u32, bool)> = cands[i].iter().copied().filter(|&(c, _)| support(c) == top).collect();
        out[i] = by_population(g, &tied).map(|place| Resolved { place, confidence: Confidence::Population });
    }
    out
}

/// Readings of mentions that name an airport the document names with an airport word
/// (`worded`): an ORG or MISC name of that airport ("Heathrow Airport … Heathrow"), and an IATA
/// code of any type but PER in an airport context: the document names that airport with a word,
/// or the code comes right after a name with one ("Newark Liberty International Airport (EWR)").
/// A sentence that merely names an airport is no such context: "FAA", "CNN" and "CIA" are IATA
/// codes too.
fn airports_named_by_the_document(g: &Gazetteer, mentions: &[PlaceMention<'_>], worded: &[bool], cands: &mut [Vec<(u32, bool)>]) {
    let named: BTreeSet<u32> = (0..mentions.len())
        .filter(|&i| worded[i])
        .flat_map(|i| cands[i].iter().map(|c| c.0))
        .filter(|&p| g.place(p).kind == PlaceKind::Airport)
        .collect();
    for (i, m) in mentions.iter().enumerate() {
        if m.known.is_some() || m.label == "PER" {
            continue;
        }
        if !worded[i] && !named.is_empty() {
            // a bare name of an airport the document names ("London Heathrow Airport … Heathrow"),
            // beside a LOC name's other readings
            cands[i].extend(g.lookup(m.text).filter(|(p, _)| named.contains(p)));
            cands[i].sort_unstable();
            cands[i].dedup_by_key(|x| x.0);
        }
        if cands[i].is_empty() {
            if let Some(a) = iata_code(m.text).and_then(|c| g.airport(c)) {
                let right_after = |j: usize| mentions[j].sentence == m.sentence && mentions[j].end <= m.start && m.start - mentions[j].end <= 3;
                let in_context = named.contains(&a) || (0..mentions.len()).any(|j| j != i && worded[j] && right_after(j));
                if in_context {
                    cands[i] = vec![(a, true)];
                }
            }
        }
    }
}

/// "Mobile, Alabama" as two mentions: the pair of readings where the second holds the first.
fn resolve_pairs(g: &Gazetteer, mentions: &[PlaceMention<'_>], cands: &[Vec<(u32, bool)>], out: &mut [Option<Resolved>]) {
    let n = mentions.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (mentions[i].start, i));
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ma, mb) = (&mentions[a], &mentions[b]);
        if ma.sentence != mb.sentence || mb.start < ma.end || mb.start - ma.end > 2 || mb.known.is_some() {
            continue;
        }
        let pairs: Vec<(u32, u32)> =
            cands[a].iter().flat_map(|&(x, _)| cands[b].iter().map(move |&(y, _)| (x, y))).filter(|&(x, y)| g.contains(y, x)).collect();
        let best = pairs.iter().copied().max_by_key(|&(x, y)| (g.place(x).population, g.place(y).population, std::cmp::Reverse((x, y))));
        if let Some((x, y)) = best {
            if out[a].is_none_or(|r| r.confidence != Confidence::Unique) {
                out[a] = Some(Resolved { place: x, confidence: Confidence::Context });
            }
            if out[b].is_none_or(|r| r.confidence != Confidence::Unique) {
                out[b] = Some(Resolved { place: y, confidence: Confidence::Context });
            }
        }
    }
}

/// Rounds of evidence from what is resolved so far, until nothing changes: a name resolved by
/// context keeps its reading in the rest of the document; else the reading best related to the
/// resolved places (in the sentence, then in the document).
fn resolve_by_evidence(
    g: &Gazetteer,
    mentions: &[PlaceMention<'_>],
    keys: &[String],
    cands: &[Vec<(u32, bool)>],
    mut out: Vec<Option<Resolved>>,
) -> Vec<Option<Resolved>> {
    let n = mentions.len();
    loop {
        let anchors: Vec<(usize, u32)> = (0..n).filter_map(|i| out[i].map(|r| (i, r.place))).collect();
        let mut changed = false;
        // a name resolved by context keeps its reading in the rest of the document
        let mut by_name: HashMap<&str, Vec<(usize, u32)>> = HashMap::new();
        for &(i, p) in &anchors {
            if out[i].is_some_and(|r| r.confidence == Confidence::Context) {
                by_name.entry(keys[i].as_str()).or_default().push((i, p));
            }
        }
        let mut next = out.clone();
        for i in 0..n {
            if out[i].is_some() || cands[i].len() < 2 {
                continue;
            }
            if let Some(list) = by_name.get(keys[i].as_str()) {
                // the nearest preceding one, else the first
                let start = mentions[i].start;
                let pick = list.iter().filter(|(j, _)| mentions[*j].start <= start).max_by_key(|(j, _)| mentions[*j].start).or(list.first());
                if let Some(&(_, p)) = pick {
                    next[i] = Some(Resolved { place: p, confidence: Confidence::Document });
                    changed = true;
                    continue;
                }
            }
            let score = |c: u32| -> (u32, u32) {
                let mut ctx = 0;
                let mut doc = 0;
                for &(j, p) in &anchors {
                    if keys[j] == keys[i] {
                        continue;
                    }
                    let r = relation(g, c, p);
                    if r >= 2 && mentions[j].sentence == mentions[i].sentence {
                        ctx += 1;
                    }
                    doc += r;
                }
                (ctx, doc)
            };
            let mut scored: Vec<((u32, u32), u32)> = cands[i].iter().map(|&(c, _)| (score(c), c)).collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let (best, second) = (scored[0].0, scored.get(1).map(|s| s.0).unwrap_or((0, 0)));
            if best > second && best != (0, 0) {
                let confidence = if best.0 > second.0 { Confidence::Context } else { Confidence::Document };
                next[i] = Some(Resolved { place: scored[0].1, confidence });
                changed = true;
            }
        }
        out = next;
        if !changed {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions at the places where `names` first occur in `text` (after `from` for repeats);
    /// sentences split at ". ".
    fn resolve_in(text: &str, names: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let g = Gazetteer::builtin().unwrap();
        let mut ms = Vec::new();
        let mut from = 0;
        for &(name, label) in names {
            let start = text[from..].find(name).map(|s| s + from).unwrap_or_else(|| panic!("{name} not in text"));
            from = start + name.len();
            let sentence = text[..start].matches(". ").count();
            let airport_context = airport_context(text.split(". ").nth(sentence).unwrap_or("").split_whitespace());
            ms.push(PlaceMention { start, end: start + name.len(), sentence, text: name, label, known: None, airport_context });
        }
        resolve_document(g, &ms)
            .iter()
            .zip(names)
            .map(|(r, (name, _))| match r {
                Some(r) => (name.to_string(), g.place(r.place).country.clone(), r.confidence.as_str().to_string()),
                None => (name.to_string(), String::new(), "none".into()),
            })
            .collect()
    }

    fn country_of(rows: &[(String, String, String)], k: usize) -> &str {
        &rows[k].1
    }

    #[test]
    fn paris_france_and_paris_texas() {
        let r = resolve_in(
            "Paris, Texas, is two hours from Dallas. Paris has a water tower.",
            &[("Paris, Texas", "LOC"), ("Dallas", "LOC"), ("Paris", "LOC")],
        );
        assert_eq!((country_of(&r, 0), r[0].2.as_str()), ("US", "context"), "{r:?}");
        assert_eq!(country_of(&r, 2), "US", "the document's Paris is the Texan one: {r:?}");
        let r = resolve_in("Paris, Texas, is small. ", &[("Paris", "LOC"), ("Texas", "LOC")]);
        assert_eq!((country_of(&r, 0), r[0].2.as_str()), ("US", "context"), "{r:?}");
        let r = resolve_in("The talks in Paris ended. Lyon and Marseille were quiet.", &[("Paris", "LOC"), ("Lyon", "LOC"), ("Marseille", "LOC")]);
        assert_eq!(country_of(&r, 0), "FR", "{r:?}");
        // no evidence at all: the most populous, flagged
        let r = resolve_in("She moved to Paris.", &[("Paris", "LOC")]);
        assert_eq!((country_of(&r, 0), r[0].2.as_str()), ("FR", "population"), "{r:?}");
    }

    #[test]
    fn mobile_everett_toulouse_heathrow() {
        let r = resolve_in("The hurricane reached Mobile, Alabama, on Sunday.", &[("Mobile", "LOC"), ("Alabama", "LOC")]);
        assert_eq!((country_of(&r, 0), country_of(&r, 1)), ("US", "US"), "{r:?}");
        let r = resolve_in(
            "Boeing builds the 777 in Everett, north of Seattle, Washington.",
            &[("Everett", "LOC"), ("Seattle", "LOC"), ("Washington", "LOC")],
        );
        let g = Gazetteer::builtin().unwrap();
        let wa = g.division("US.WA").unwrap();
        assert_eq!(country_of(&r, 0), "US", "{r:?}");
        assert_eq!(r[2].2, "context", "{r:?}");
        let everett = resolve_document(
            g,
            &[
                PlaceMention { start: 30, end: 37, sentence: 0, text: "Everett", label: "LOC", known: None, airport_context: false },
                PlaceMention { start: 48, end: 55, sentence: 0, text: "Seattle", label: "LOC", known: None, airport_context: false },
            ],
        );
        let e = everett[0].unwrap();
        assert!(g.contains(wa, e.place), "Everett, Washington, not Massachusetts: {:?}", g.place(e.place));
        let r = resolve_in("Airbus assembles the A350 in Toulouse.", &[("Toulouse", "LOC")]);
        assert_eq!(country_of(&r, 0), "FR");
        let r = resolve_in("Flights from Heathrow were cancelled. Heathrow Airport said.", &[("Heathrow", "LOC"), ("Heathrow Airport", "ORG")]);
        assert_eq!((country_of(&r, 0), country_of(&r, 1)), ("GB", "GB"), "{r:?}");
        // an organization is a place only as an airport
        let r = resolve_in("Toulouse won the match.", &[("Toulouse", "ORG")]);
        assert_eq!(r[0].2, "none");
    }

    #[test]
    fn georgia_the_country_and_the_state() {
        let r = resolve_in("Georgia's parliament met in Tbilisi on Monday.", &[("Georgia", "LOC"), ("Tbilisi", "LOC")]);
        assert_eq!((country_of(&r, 0), r[0].2.as_str()), ("GE", "context"), "{r:?}");
        let r = resolve_in("Voters in Atlanta, Georgia, queued for hours.", &[("Atlanta", "LOC"), ("Georgia", "LOC")]);
        assert_eq!(country_of(&r, 1), "US", "{r:?}");
        let r = resolve_in("Atlanta was calm. Later, Georgia certified the vote.", &[("Atlanta", "LOC"), ("Georgia", "LOC")]);
        assert_eq!((country_of(&r, 1), r[1].2.as_str()), ("US", "document"), "{r:?}");
        // a demonym is evidence too
        let g = Gazetteer::builtin().unwrap();
        let ge = g.demonym("Georgian").unwrap();
        let r = resolve_document(
            g,
            &[
                PlaceMention { start: 0, end: 8, sentence: 0, text: "Georgian", label: "MISC", known: Some(ge), airport_context: false },
                PlaceMention { start: 30, end: 37, sentence: 1, text: "Georgia", label: "LOC", known: None, airport_context: false },
            ],
        );
        assert_eq!(g.place(r[1].unwrap().place).country, "GE");
    }

    #[test]
    fn the_airport_words_header_lists_the_tables_there_are() {
        let raw: toml::Table = toml::from_str(BUILTIN_AIRPORT_WORDS).unwrap();
        assert_eq!(crate::text::header_list(BUILTIN_AIRPORT_WORDS, "Tables"), raw.keys().cloned().collect(), "airports.toml header `# Tables:`");
        assert!(parse_airport_words(BUILTIN_AIRPORT_WORDS).is_ok_and(|w| w.words.contains(&"air base".to_string())
            && w.words.contains(&"aerodrome".to_string())
            && w.context.contains("air traffic")));
        assert!(parse_airport_words("words = []\nother = []").is_err());
    }

    #[test]
    fn an_organization_is_an_airport_only_when_it_names_one() {
        // a carmaker that shares its name with an airport (Ford Airport, Michigan)
        let r = resolve_in("Ford recalled 300,000 pickups. Ford shares fell.", &[("Ford", "ORG"), ("Ford", "MISC")]);
        assert_eq!((r[0].2.as_str(), r[1].2.as_str()), ("none", "none"), "{r:?}");
        let r = resolve_in("Ford Airport reopened on Monday.", &[("Ford Airport", "ORG")]);
        assert_eq!((country_of(&r, 0), r[0].2.as_str()), ("US", "unique"), "{r:?}");
        // the document names the airport with its word: its bare name is that airport
        let r = resolve_in(
            "Flights resumed at London Heathrow Airport. Heathrow said it was busy.",
            &[("London Heathrow Airport", "ORG"), ("Heathrow", "ORG")],
        );
        assert_eq!((country_of(&r, 0), country_of(&r, 1)), ("GB", "GB"), "{r:?}");
        // a code: of the airport the document names, or right after an airport's name
        let r = resolve_in(
            "Heathrow Airport reopened. Flights between LHR and JFK resumed. Delays at Newark Liberty International Airport (EWR) spread.",
            &[("Heathrow Airport", "ORG"), ("LHR", "ORG"), ("JFK", "ORG"), ("Newark Liberty International Airport", "ORG"), ("EWR", "LOC")],
        );
        assert_eq!((country_of(&r, 1), country_of(&r, 2), country_of(&r, 4)), ("GB", "", "US"), "{r:?}");
        // a code with no airport around is no airport, whatever its type; nor is one in a
        // sentence that names some airport ("FAA" is Faranah Airport's code)
        let r = resolve_in("LHR shares fell. JFK was shot in Dallas.", &[("LHR", "ORG"), ("JFK", "LOC")]);
        assert_eq!((r[0].2.as_str(), r[1].2.as_str()), ("none", "none"), "{r:?}");
        let r =
            resolve_in("The FAA closed Newark Liberty International Airport.", &[("FAA", "ORG"), ("Newark Liberty International Airport", "ORG")]);
        assert_eq!(r[0].2, "none", "{r:?}");
        // nor a place, region or sea that an airport goes by, outside a sentence about flying
        let r = resolve_in(
            "Tankers crossed the Persian Gulf. Officials in Orange County and Kansas City met. Macedonia voted.",
            &[("Persian Gulf", "LOC"), ("Orange County", "LOC"), ("Kansas City", "LOC"), ("Macedonia", "LOC")],
        );
        assert_eq!((r[0].2.as_str(), r[1].2.as_str(), country_of(&r, 2), r[3].2.as_str()), ("none", "none", "US", "none"), "{r:?}");
        // a bare airport name: in a sentence about flying, or beside the airport's full name
        let r = resolve_in("Heathrow was closed. Flights from Heathrow resumed.", &[("Heathrow", "LOC"), ("Heathrow", "LOC")]);
        assert_eq!((country_of(&r, 0), country_of(&r, 1)), ("GB", "GB"), "one sense per document: {r:?}");
        let r = resolve_in("Heathrow was closed. Heathrow reopened.", &[("Heathrow", "LOC"), ("Heathrow", "LOC")]);
        assert_eq!((r[0].2.as_str(), r[1].2.as_str()), ("none", "none"), "{r:?}");
        let r = resolve_in("Heathrow was closed. Heathrow Airport said so.", &[("Heathrow", "LOC"), ("Heathrow Airport", "LOC")]);
        assert_eq!((country_of(&r, 0), country_of(&r, 1)), ("GB", "GB"), "{r:?}");
        assert!(airport_context("The jet landed on runway 27L .".split(' ')) && airport_context(["Air", "traffic", "control", "said"]));
        assert!(airport_context("at Heathrow , one of the world 's busiest airports".split(' ')));
        assert!(!airport_context("More planes headed for the Persian Gulf , officials said .".split(' ')));
        assert!(names_an_airport("Aeropuerto de Madrid-Barajas") && names_an_airport("Bagram Air Base") && !names_an_airport("Airbus"));
    }

    #[test]
    fn people_and_unknown_names_stay_unresolved() {
        let r = resolve_in("Paris Hilton and Xqzzyville.", &[("Paris Hilton", "PER"), ("Xqzzyville", "LOC")]);
        assert_eq!((r[0].2.as_str(), r[1].2.as_str()), ("none", "none"));
    }
}
