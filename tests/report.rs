//! The HTML timeline report in a real browser: headless Chromium, network off, renders the seed's
//! report with its map of places (screenshot kept in target/test-artifacts/), and text from
//! documents never becomes markup.

mod common;
use common::{headless, root};

use std::path::Path;
use std::process::Command;

fn extract(input: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_entline"))
        .args(["extract", input.to_str().unwrap(), "--doc-date", "2025-05-05", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The page's DOM after its script ran.
fn page_dom(page: &Path, profile: &Path) -> String {
    let o = headless(profile).arg("--dump-dom").arg(format!("file://{}", page.display())).output().unwrap();
    assert!(o.status.success(), "chromium: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The SVG group of a lane.
fn lane<'a>(dom: &'a str, entity: &str) -> &'a str {
    let start = dom.find(&format!("data-entity=\"{entity}\"")).unwrap_or_else(|| panic!("no lane for {entity}"));
    let end = dom[start..].find("</g>").map(|e| start + e).unwrap();
    &dom[start..end]
}

/// The place marks of the map: (name, cx, cy).
fn places_on_map(dom: &str) -> Vec<(String, f64, f64)> {
    let attr = |tag: &str, name: &str| tag.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next()).unwrap_or("").to_string();
    dom.split("<circle")
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
        .filter(|t| t.contains("data-place="))
        .map(|t| (attr(t, "data-place"), attr(t, "cx").parse().unwrap(), attr(t, "cy").parse().unwrap()))
        .collect()
}

#[test]
fn seed_report_renders_lanes_and_events_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    extract(&root().join("seeds"), &out);
    let page = out.join("timeline.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("https://"), "the page must not load anything from the network");

    // `entline report` rebuilds the same page from the CSV tables
    let rebuilt = tmp.path().join("rebuilt.html");
    let o = Command::new(env!("CARGO_BIN_EXE_entline")).args(["report", out.to_str().unwrap(), "--out", rebuilt.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&rebuilt).unwrap(), html);

    let dom = page_dom(&page, &tmp.path().join("profile1"));
    assert!(dom.contains("data-render-ms="), "the script did not run: {}", &dom[..dom.len().min(2000)]);
    // the header counts the documents read by input kind
    assert!(dom.contains("<span id=\"stats\">1 document (text) · "), "{}", &dom[dom.find("id=\"stats\"").unwrap_or(0)..][..120]);
    let trump = lane(&dom, "Donald Trump");
    for date in ["2025-05-04", "2025-04", "2025-01", "2025-02"] {
        assert!(trump.contains(&format!("data-date=\"{date}\"")), "Donald Trump lane lacks {date}: {trump}");
    }
    let sheinbaum = lane(&dom, "Claudia Sheinbaum");
    assert!(sheinbaum.contains("data-date=\"2025-W19\""), "her rejection of the offer this week: {sheinbaum}");
    // a month-precision event covers the month: much wider than a day mark
    let width_of = |lane: &str, date: &str| -> f64 {
        let at = lane.find(&format!("data-date=\"{date}\"")).unwrap();
        let tag_start = lane[..at].rfind("<rect").unwrap();
        let tag = &lane[tag_start..at];
        let w = tag.split("width=\"").nth(1).unwrap().split('"').next().unwrap();
        w.parse().unwrap()
    };
    assert!(width_of(trump, "2025-04") > 4.0 * width_of(trump, "2025-05-04"));

    // the map: the world outline and the events' places as marks at their coordinates
    assert!(html.contains("default-src 'none'"), "the Content-Security-Policy forbids network requests");
    assert!(dom.contains("class=\"land\" d=\"M"), "no world outline");
    let marks = places_on_map(&dom);
    let mark = |name: &str| marks.iter().find(|m| m.0 == name).unwrap_or_else(|| panic!("no mark for {name}: {marks:?}"));
    let (mexico, us) = (mark("Mexico"), mark("United States"));
    // equirectangular: x = longitude + 180, y = 90 - latitude; Mexico is south-west of the US centre
    assert!((mexico.1 - (180.0 - 102.0)).abs() < 0.1 && (mexico.2 - (90.0 - 23.0)).abs() < 0.1, "{mexico:?}");
    assert!(us.1 > mexico.1 && us.2 < mexico.2, "{us:?} {mexico:?}");
    assert!(!dom.contains("place selected"), "nothing is selected yet");
    // selecting an event highlights its places (deep link to the event of Mexico and the US)
    let link = format!("{}#event=6", page.display());
    let selected = page_dom(Path::new(&link), &tmp.path().join("profile4"));
    let highlighted: Vec<&str> = selected
        .match_indices("class=\"place selected\"")
        .map(|(i, _)| selected[i..].split("data-place=\"").nth(1).unwrap().split('"').next().unwrap())
        .collect();
    assert!(highlighted.contains(&"Mexico") && highlighted.contains(&"United States"), "{highlighted:?}");

    // filter box and details panel (deep link: #q=…&event=N)
    let link = format!("{}#q=sheinbaum&event=0", page.display());
    let filtered = page_dom(Path::new(&link), &tmp.path().join("profile3"));
    assert!(filtered.contains("data-entity=\"Claudia Sheinbaum\""));
    assert!(!filtered.contains("data-entity=\"U.S. Northern Command\""), "the filter keeps only Sheinbaum's events");
    let details = &filtered[filtered.find("id=\"details\"").unwrap()..];
    assert!(details.contains("<blockquote>") && details.contains("href=\"file:///"), "{details}");

    // screenshot: not blank, kept as an artifact
    let shot = tmp.path().join("shot.png");
    let o = headless(&tmp.path().join("profile2"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(o.status.success() && shot.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&shot, artifacts.join("seed-timeline.png")).unwrap();
    let decoder = png::Decoder::new(std::fs::File::open(&shot).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let colors: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let non_white = pixels.iter().filter(|p| p[..3].iter().any(|&c| c < 235)).count();
    assert!(colors.len() > 20, "{} colours: blank page?", colors.len());
    assert!(non_white * 100 > pixels.len(), "only {non_white} of {} pixels are not white", pixels.len());
}

#[test]
fn document_text_cannot_inject_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("evil.txt"),
        "Angela Merkel wrote <script>alert('x')</script> in Berlin on Monday.\n\n\
         Emmanuel Macron said \"onload=alert(1) <img src=x onerror=alert(2)> in Paris last week.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    extract(&input, &out);
    let html = std::fs::read_to_string(out.join("timeline.html")).unwrap();
    assert_eq!(html.matches("<script").count(), 2, "only the page's own two script elements");
    assert!(!html.contains("<img"));
    assert!(html.contains("\\u003cscript\\u003ealert('x')\\u003c/script\\u003e"), "sentence not escaped as expected");
    assert!(html.contains("\\\"onload=alert(1)"));

    let dom = page_dom(&out.join("timeline.html"), &tmp.path().join("profile"));
    assert!(dom.contains("data-render-ms="));
    assert_eq!(dom.matches("<script").count(), 2, "a script element was injected");
    assert!(!dom.contains("<img"));
    assert!(dom.contains("data-entity=\"Angela Merkel\""));
}
