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
//! * Names are keyed by [`name_key`]: a company's legal form at the end does not count ("Apple
//!   Inc." = "Apple"); a determiner alone and amounts are never entities ([`never_a_name`]).
//! * Across documents ([`Merger::finish`]) a name is one entity whatever its NER types, typed by
//!   majority; product generations and short model forms join their full names, makers never
//!   join their models.

mod document;
pub mod extent;
mod keys;
mod merge;
pub mod rows;

pub use document::*;
pub use keys::*;
pub use merge::*;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::places::{self, Confidence, Gazetteer, PlaceKind, PlaceMention, Resolved};
pub use crate::text::names::{clean, match_key, name_key, never_a_name};

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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[(&str, &[(&str, &str)])]) -> (Normalized, Vec<(usize, String, String)>) {
        let res = Resources::builtin().unwrap();
        let mut ms = Vec::new();
        for (d, (_, list)) in docs.iter().enumerate() {
            for (k, (t, l)) in list.iter().enumerate() {
                ms.push(MentionIn { doc: d, start: k * 10, end: k * 10 + t.len().min(9), sentence: k, text: t, label: l, airport_context: false });
            }
        }
        let acr: Vec<HashMap<String, String>> = docs.iter().map(|_| HashMap::new()).collect();
        let n = normalize(&res, &ms, &acr);
        let flat = ms
            .iter()
            .zip(&n.resolution)
            .map(|(m, r)| match r {
                Resolution::Entity(e) => (m.doc, m.text.to_string(), n.entities[*e].name.clone()),
                Resolution::PlaceRef(e) => (m.doc, m.text.to_string(), n.entities.get(*e).map(|x| format!("ref:{}", x.name)).unwrap_or_default()),
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
        assert_eq!((name(0, 0), name(0, 2), name(0, 3)), ("Apple".to_string(), "iPhone 4".to_string(), "iPhone 4".to_string()), "{flat:?}");
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
        let a = document_entities(
            &res,
            &[MentionIn { doc: 0, start: 0, end: 6, sentence: 0, text: "Mexico", label: "LOC", airport_context: false }],
            None,
        );
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
        assert!(names.contains(&("Apple", "ORG", 2)), "{names:?}");
        assert_eq!(n.entities.iter().find(|e| e.name == "iPod").unwrap().id, "misc:ipod");
        // a person and a place the gazetteer knows stay apart
        let (n, _) = run(&[("a", &[("Jordan", "PER")]), ("b", &[("Jordan", "LOC")])]);
        assert_eq!(n.entities.len(), 2);
    }

    /// (name, type, mentions) of every entity.
    fn entities_of(n: &Normalized) -> Vec<(&str, &str, usize)> {
        n.entities.iter().map(|e| (e.name.as_str(), e.kind.as_str(), e.mentions)).collect()
    }

    #[test]
    fn a_name_under_several_types_is_one_entity_of_the_majority_type() {
        // an abbreviation the NER types MISC in one article, ORG in two, LOC in one
        let (n, _) = run(&[
            ("a", &[("NTSB", "MISC"), ("NTSB", "MISC")]),
            ("b", &[("NTSB", "ORG"), ("NTSB", "ORG")]),
            ("c", &[("N.T.S.B.", "ORG")]),
            ("d", &[("NTSB", "LOC")]),
        ]);
        assert_eq!(entities_of(&n), [("N.T.S.B.", "ORG", 6)]);
        assert_eq!(n.entities[0].id, "org:ntsb");
        // a lone surname is its person's, whatever other entity has that name
        let (_, flat) = run(&[("a", &[("Trump", "ORG")]), ("b", &[("Donald Trump", "PER")]), ("c", &[("Trump", "PER")])]);
        assert_eq!((flat[0].2.as_str(), flat[2].2.as_str()), ("Trump", "Donald Trump"), "{flat:?}");
    }

    #[test]
    fn a_makers_name_is_never_an_alias_of_a_model() {
        // one model named in each document: the maker (ORG, or PER by the NER's mistake) is not it
        let (n, flat) = run(&[
            ("a", &[("Embraer", "ORG"), ("Embraer E190", "MISC"), ("Embraer", "ORG")]),
            ("b", &[("Embraer", "PER"), ("Embraer E175", "MISC")]),
            ("c", &[("Embraer E190", "MISC"), ("Embraer E175", "MISC"), ("Embraer", "ORG")]),
        ]);
        assert!(flat.iter().filter(|f| f.1 == "Embraer").all(|f| f.2 == "Embraer"), "{flat:?}");
        assert!(entities_of(&n).contains(&("Embraer", "ORG", 4)), "{:?}", entities_of(&n));
        assert!(n.entities.iter().all(|e| !e.aliases.contains("Embraer")), "{:?}", n.entities);
        // a product's bare name still joins its one generation
        let (_, flat) = run(&[("a", &[("PlayStation 3", "MISC"), ("PlayStation", "MISC")]), ("b", &[("Sony", "ORG"), ("PlayStation", "MISC")])]);
        assert_eq!((flat[1].2.as_str(), flat[3].2.as_str()), ("PlayStation 3", "PlayStation"), "{flat:?}");
    }

    #[test]
    fn a_short_model_form_joins_the_one_full_name_it_ends() {
        let (n, flat) = run(&[("a", &[("Embraer E190", "MISC"), ("E190", "MISC")]), ("b", &[("E190", "MISC"), ("E175", "MISC")])]);
        assert!(flat.iter().filter(|f| f.1 == "E190").all(|f| f.2 == "Embraer E190"), "{flat:?}");
        assert!(entities_of(&n).contains(&("Embraer E190", "MISC", 3)) && entities_of(&n).contains(&("E175", "MISC", 1)), "{:?}", entities_of(&n));
        // two full names end with it: it stays apart
        let (_, flat) = run(&[("a", &[("Boeing 737", "MISC"), ("737", "MISC")]), ("b", &[("Flight 737", "MISC")])]);
        assert_eq!(flat[1].2, "737", "{flat:?}");
        // ... unless they are one name in the end
        let (_, flat) = run(&[("a", &[("Samsung Galaxy S3", "MISC"), ("Galaxy S3", "MISC")]), ("b", &[("S3", "MISC")])]);
        assert!(flat.iter().all(|f| f.2 == "Samsung Galaxy S3"), "{flat:?}");
        // a name without a digit is no model form; a person's name is no model
        let (n, _) = run(&[("a", &[("New York Times", "ORG"), ("Times", "ORG")]), ("b", &[("Louis 14", "PER")]), ("c", &[("14", "MISC")])]);
        assert_eq!(n.entities.len(), 4, "{:?}", entities_of(&n));
    }

    #[test]
    fn legal_forms_share_the_bare_names_entity() {
        let (n, _) = run(&[
            ("a", &[("Apple Inc.", "ORG"), ("Siemens AG", "ORG")]),
            ("b", &[("Apple", "ORG"), ("Apple Computer", "ORG"), ("Siemens", "ORG")]),
            ("c", &[("APPLE INC", "ORG"), ("Apple Computer Inc.", "ORG")]),
        ]);
        let mut got = entities_of(&n);
        got.sort();
        assert_eq!(got, [("Apple Computer Inc.", "ORG", 2), ("Apple Inc.", "ORG", 3), ("Siemens AG", "ORG", 2)]);
    }

    #[test]
    fn amounts_currency_symbols_and_lone_determiners_are_never_entities() {
        let (n, _) = run(&[(
            "a",
            &[("US$", "MISC"), ("$ 150 million", "MISC"), ("€", "MISC"), ("50 euros", "MISC"), ("The", "ORG"), ("A", "PER"), ("Ford", "ORG")],
        )]);
        assert_eq!(entities_of(&n), [("Ford", "ORG", 1)]);
        // and the mentions resolve to nothing
        let res = Resources::builtin().unwrap();
        let m = |text: &'static str, start| MentionIn {
            doc: 0,
            start,
            end: start + text.len(),
            sentence: 0,
            text,
            label: "MISC",
            airport_context: false,
        };
        let d = document_entities(&res, &[m("US$", 0), m("The", 10), m("Embraer", 20)], None);
        assert_eq!(d.resolution.iter().map(Option::is_some).collect::<Vec<_>>(), [false, false, true]);
    }

    #[test]
    fn a_carmaker_named_like_an_airport_is_no_place() {
        // "Ford" is also the name of Ford Airport (Michigan)
        let (n, _) = run(&[("a", &[("Ford", "ORG"), ("Ford", "MISC")]), ("b", &[("Ford Airport", "ORG")])]);
        let ford = n.entities.iter().find(|e| e.name == "Ford").unwrap();
        assert_eq!((ford.kind.as_str(), ford.mentions, ford.place.is_none()), ("ORG", 2, true));
        let airport = n.entities.iter().find(|e| e.name == "Ford Airport").unwrap();
        assert_eq!((airport.kind.as_str(), airport.place.as_ref().map(|p| p.geo_id.as_str())), ("LOC", Some("iata:IMT")));
    }
}
