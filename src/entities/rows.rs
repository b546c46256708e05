//! The rows of mentions.csv and entities.csv.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Merged;
use crate::text::Located;

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct MentionRow {
    #[serde(flatten)]
    pub at: Located,
    pub label: String,
    pub score: f64,
    pub entity_id: String,
    /// `mention`, or `demonym` for an adjective referring to a place ("Mexican").
    pub reference: String,
    #[serde(flatten)]
    pub extent: Extent,
}

/// The noun phrase a mention heads ("the much-anticipated iPhone" for "iPhone"); see
/// [`super::extent`]. It ends where the name ends; for persons it is the name.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Extent {
    pub extent_start: usize,
    pub extent_end: usize,
    pub extent_char_start: usize,
    pub extent_char_end: usize,
    pub extent_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct EntityRow {
    pub entity_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: String,
    pub mentions: usize,
    pub documents: usize,
    pub first_date: String,
    pub last_date: String,
    /// A place's gazetteer entry (`geonames:2988507`, `admin1:FR.76`, `iata:LHR`); the five
    /// place columns are empty for other entities and for places the gazetteer lacks.
    pub geo_id: String,
    /// ISO 3166-1 alpha-2 code of the place's country.
    pub country_code: String,
    /// Degrees (WGS84), written as a spreadsheet shows them (`38`, not `38.0`).
    #[serde(serialize_with = "shortest_number")]
    pub latitude: Option<f64>,
    #[serde(serialize_with = "shortest_number")]
    pub longitude: Option<f64>,
    /// How the place was chosen among the readings of its name: `unique`, `context`,
    /// `document` or `population` (ambiguous, no evidence: the most populous reading).
    pub geo_confidence: String,
}

/// A number as a spreadsheet shows it: a whole number without `.0` (`38`), so that a table
/// opened and saved again by a spreadsheet keeps its cells.
pub fn shortest_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => s.serialize_some(&(*x as i64)),
        Some(x) => s.serialize_some(x),
        None => s.serialize_none(),
    }
}

/// The rows of entities.csv: the entities with a counted mention, most mentioned first.
pub fn entity_rows(norm: &Merged, entity_mentions: &[usize], span: &HashMap<u32, (NaiveDate, NaiveDate)>) -> Vec<EntityRow> {
    let mut rows: Vec<EntityRow> = norm
        .entities
        .iter()
        .enumerate()
        .filter(|(i, _)| entity_mentions[*i] > 0)
        .map(|(i, e)| {
            let (first, last) =
                span.get(&(i as u32)).map(|(a, b)| (a.format("%Y-%m-%d").to_string(), b.format("%Y-%m-%d").to_string())).unwrap_or_default();
            EntityRow {
                entity_id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind.clone(),
                aliases: e.aliases.iter().cloned().collect::<Vec<_>>().join("; "),
                mentions: entity_mentions[i],
                documents: e.documents,
                first_date: first,
                last_date: last,
                geo_id: e.place.as_ref().map(|p| p.geo_id.clone()).unwrap_or_default(),
                country_code: e.place.as_ref().map(|p| p.country_code.clone()).unwrap_or_default(),
                latitude: e.place.as_ref().and_then(|p| p.latitude),
                longitude: e.place.as_ref().and_then(|p| p.longitude),
                geo_confidence: e.place.as_ref().map(|p| p.confidence.as_str().to_string()).unwrap_or_default(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.kind.cmp(&b.kind)).then(a.name.cmp(&b.name)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_lose_their_point() {
        #[derive(serde::Serialize)]
        struct P {
            #[serde(serialize_with = "shortest_number")]
            x: Option<f64>,
        }
        let j = |x| serde_json::to_string(&P { x }).unwrap();
        assert_eq!(j(Some(38.0)), r#"{"x":38}"#);
        assert_eq!(j(Some(-0.4619)), r#"{"x":-0.4619}"#);
        assert_eq!(j(None), r#"{"x":null}"#);
    }
}
