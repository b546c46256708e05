//! Places resolved to the gazetteer by the real binary: entities.csv gives each place its entry,
//! country and coordinates, and the document's context tells homonyms apart (issue 18).

mod common;
use common::root;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// entities.csv of `extract` over `input`, by entity name.
fn entities(input: &Path, out: &Path) -> HashMap<String, HashMap<String, String>> {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2020-09-16", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(out.join("entities.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    for h in ["geo_id", "country_code", "latitude", "longitude", "geo_confidence"] {
        assert!(headers.iter().any(|x| x == h), "entities.csv lacks {h}: {headers:?}");
    }
    r.records()
        .map(|rec| {
            let row: HashMap<String, String> = headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect();
            (row["name"].clone(), row)
        })
        .collect()
}

fn country<'a>(rows: &'a HashMap<String, HashMap<String, String>>, name: &str) -> &'a str {
    rows.get(name).unwrap_or_else(|| panic!("no entity {name:?} in {:?}", rows.keys().collect::<Vec<_>>()))["country_code"].as_str()
}

#[test]
fn seed_places_have_countries_and_coordinates() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = entities(&root().join("seeds"), &tmp.path().join("out"));
    for (name, code) in [("Mexico", "MX"), ("United States", "US")] {
        let row = &rows[name];
        assert_eq!(row["country_code"], code, "{row:?}");
        assert!(row["geo_id"].starts_with("geonames:"), "{row:?}");
        let (lat, lon): (f64, f64) = (row["latitude"].parse().unwrap(), row["longitude"].parse().unwrap());
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && lon < -60.0, "{row:?}");
        assert!(["unique", "context", "document"].contains(&row["geo_confidence"].as_str()), "{row:?}");
    }
    // other entities leave the place columns empty
    let trump = &rows["Donald Trump"];
    assert!(["geo_id", "country_code", "latitude", "longitude", "geo_confidence"].iter().all(|c| trump[*c].is_empty()), "{trump:?}");
}

#[test]
fn context_tells_places_of_one_name_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for (name, text) in [
        ("a_paris.txt", "French police said on Monday that the protest in Paris ended peacefully. Officials in Lyon reported no incidents."),
        ("b_texas.txt", "The tornado struck Paris, Texas, on Tuesday night. Residents of Paris said the storm destroyed dozens of homes."),
        (
            "c_mobile.txt",
            "Hurricane Sally made landfall near Mobile, Alabama, on Wednesday. Airbus said its plant in Toulouse would send \
             engineers to help. Flights from Heathrow to the region were cancelled.",
        ),
        ("d_everett.txt", "Boeing said it would cut production at its factory in Everett, north of Seattle, Washington, on Thursday."),
        ("e_georgia.txt", "Thousands rallied in Tbilisi on Friday as Georgia's parliament debated the law."),
        ("f_georgia_us.txt", "Voters in Atlanta, Georgia, waited for hours on Saturday. Georgia certified the results a week later."),
    ] {
        std::fs::write(docs.join(name), text).unwrap();
    }
    let rows = entities(&docs, &tmp.path().join("out"));
    assert_eq!(country(&rows, "Paris"), "FR");
    assert_eq!(country(&rows, "Paris, Texas"), "US", "the Texan Paris keeps its own entity, named apart");
    assert_eq!(country(&rows, "Mobile"), "US");
    assert_eq!(country(&rows, "Alabama"), "US");
    assert_eq!(country(&rows, "Toulouse"), "FR");
    assert_eq!(country(&rows, "London Heathrow Airport"), "GB");
    // Everett, Washington (47.98 N), not Everett, Massachusetts (42.41 N)
    assert_eq!(country(&rows, "Everett"), "US");
    assert!(rows["Everett"]["latitude"].parse::<f64>().unwrap() > 47.0, "{:?}", rows["Everett"]);
    assert_eq!(rows["Washington"]["geo_id"], "geonames:5815135", "the state, by Seattle: {:?}", rows["Washington"]);
    assert_eq!(country(&rows, "Georgia"), "GE");
    assert_eq!(country(&rows, "Georgia, United States"), "US");
    assert_eq!(rows["Georgia, United States"]["mentions"], "2", "the second Georgia of the document is the state too");
    assert_eq!(rows["Paris, Texas"]["mentions"], "2");
}
