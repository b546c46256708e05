//! Names as entities are keyed: the alias and title tables, entity ids, acronym definitions.

use super::*;

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
    pub(super) demonyms: HashMap<String, (String, Option<u32>)>,
    pub(super) places: &'static Gazetteer,
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
