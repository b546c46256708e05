//! Table-driven tests: (sentence, DCT, expected expression, type, value).

use super::*;

fn tagger() -> &'static TimeTagger {
    static T: Lazy<TimeTagger> = Lazy::new(|| TimeTagger::new().expect("built-in rules"));
    &T
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Each case: text, DCT, the expression that must be found (exact span), its type and value.
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    // the seed article, DCT Monday 2025-05-05
    ("The effort took a bold turn this week, with the former president revealing it.", "2025-05-05", "this week", "DATE", "2025-W19"),
    ("Trump told reporters Sunday aboard Air Force One.", "2025-05-05", "Sunday", "DATE", "2025-05-04"),
    ("Trump said he extended the offer during a phone call last month.", "2025-05-05", "last month", "DATE", "2025-04"),
    ("Trump has prioritized this issue since retaking office in January.", "2025-05-05", "January", "DATE", "2025-01"),
    ("Notably, in February, Trump designated multiple cartels.", "2025-05-05", "February", "DATE", "2025-02"),
];

#[test]
fn table() {
    let mut failures = Vec::new();
    for (text, dct, expr, kind, value) in CASES {
        let got = tagger().tag(text, Some(d(dct)));
        match got.iter().find(|t| t.text == *expr) {
            Some(t) if t.kind.as_str() == *kind && t.value == *value => {}
            Some(t) => failures.push(format!("{text:?} [{dct}]: {expr:?} → {} {} (want {kind} {value})", t.kind.as_str(), t.value)),
            None => failures.push(format!(
                "{text:?} [{dct}]: {expr:?} not found; got {:?}",
                got.iter().map(|t| (&t.text, t.kind.as_str(), &t.value)).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
