//! Property tests of the input layer (issue 19): arbitrary bytes and arbitrary Unicode through
//! decoding, HTML / TimeML text extraction, tokenization, sentence splitting, code-point offsets
//! and the temporal tagger never panic, and every offset they produce is in range and on a char
//! boundary of the text it indexes.
//!
//! Each property runs a fixed number of cases from a fixed seed, with no failure persistence, so a
//! CI run is reproducible and bounded in time (about 30 s in all on 2 busy cores, see
//! [`BUDGET`]). A longer exploratory run, not part of CI:
//!
//! ```sh
//! ENTLINE_PROPTEST_CASES=20000 cargo test --release --test properties
//! ENTLINE_PROPTEST_SEED=7 ENTLINE_PROPTEST_CASES=20000 cargo test --release --test properties   # other inputs
//! ```
//!
//! `ENTLINE_PROPTEST_CASES` sets the case count of every property (the CI counts are in
//! [`BUDGET`]), `ENTLINE_PROPTEST_SEED` the seed. With `CI` set, a count below the budget (0 would
//! skip the properties) fails the test instead (`ci_cannot_cut_the_cases`).

mod common;

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use entline::input;
use entline::pipeline::read_text;
use entline::text::{char_offset, model_form, split_sentences, tokenize, CharOffsets, NpChunker, Token};
use entline::time::dct;
use entline::time::timeml::TimeMl;
use entline::time::{TimeTagger, Timex};

/// Case counts per property in CI (the tagger properties are the slow ones).
const BUDGET: &[(&str, u32)] = &[("decode", 5000), ("read_text", 600), ("text", 3000), ("timeml", 500), ("dct", 3000), ("tagger", 400)];

const DEFAULT_SEED: u64 = 0x656e_746c_696e_6519; // "entline", issue 19

fn config(name: &str) -> Config {
    let budget = BUDGET.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).expect("budgeted property");
    let cases = std::env::var("ENTLINE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(budget);
    assert!(
        cases >= budget || !common::in_ci(),
        "ENTLINE_PROPTEST_CASES={cases} runs fewer cases than CI's {budget} for {name}: in CI the properties run in full (unset it)"
    );
    let seed = std::env::var("ENTLINE_PROPTEST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_SEED);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        // a failure is reported after at most this much shrinking
        max_shrink_time: 60_000,
        ..Config::default()
    }
}

fn tagger() -> &'static TimeTagger {
    static T: OnceLock<TimeTagger> = OnceLock::new();
    T.get_or_init(|| TimeTagger::new().expect("built-in rules"))
}

// ---------------------------------------------------------------------------------------------
// generators

/// Pieces that are likelier than random characters to hit the edge cases of markup, entities,
/// tokenization, sentence splitting, datelines and time expressions.
const FRAGMENTS: &[&str] = &[
    // TimeML / XML
    "<TimeML>",
    "</TimeML>",
    "<TEXT>",
    "</TEXT>",
    "<DCT>",
    "</DCT>",
    "<TIMEX3 ",
    "<TIMEX3 tid=\"t0\" type=\"DATE\" value=\"2007-05-05\">",
    "<TIMEX3 tid=\"t1\" value=\"0000-00-00\"/>",
    "</TIMEX3>",
    "<EVENT eid=\"e1\">",
    "</EVENT>",
    "<SIGNAL sid=\"s1\">",
    "</SIGNAL>",
    "<s>",
    "</s>",
    "<s id=\"2\">",
    "<P>",
    "</P>",
    "<BR/>",
    "<HEADLINE>",
    "</HEADLINE>",
    "<",
    ">",
    "/>",
    "</",
    "<!-- x -->",
    "<![CDATA[",
    "]]>",
    "<?xml version=\"1.0\"?>",
    "tid=\"t",
    "eid=\"e99\"",
    "=\"",
    "\"",
    // entities
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&amp;lt;",
    "&#8217;",
    "&#x2019;",
    "&",
    ";",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    // HTML
    "<html>",
    "<head>",
    "<meta property=\"article:published_time\" content=\"2007-05-05T10:00\">",
    "<time datetime=\"2024-02-29\">",
    "<time datetime=\"9999-12-31\">",
    "<time datetime=\"0000-01-01\">",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<p>",
    "</p>",
    "<br>",
    "<table>",
    "<tr>",
    "<td>",
    "<td colspan=\"0\">",
    "<td colspan=\"99999\">",
    "<th rowspan=\"3\">",
    "</td>",
    "</tr>",
    "</table>",
    "<pre>",
    "</pre>",
    "<ul>",
    "<li>",
    "<ol start=\"-5\">",
    "<a href=\"x\">",
    "</a>",
    "<h1>",
    "</h1>",
    "<img alt=\"x\">",
    "<div>",
    "</div>",
    "<blockquote>",
    "<sup>",
    "<b>",
    "<i>",
    "<q>",
    // dates and time expressions
    "May 5 , 2007",
    "May 5, 2007",
    "March 06, 2008",
    "5 May 2025",
    "2007-05-05",
    "9999-12-31",
    "0000-01-01",
    "1996-08-22",
    "WASHINGTON, May 5 (Reuters) -",
    "LONDON , Tuesday , May 24 , 2008 10:32 AM BST",
    "Feb 29",
    "February 30, 2009",
    "Sept. 31",
    "today",
    "yesterday",
    "tomorrow",
    "last week",
    "next month",
    "this year",
    "three days later",
    "a week earlier",
    "the 1990s",
    "'90s",
    "Monday",
    "Sunday",
    "10:32 AM",
    "12:00",
    "24:61",
    "noon",
    "midnight",
    "Q4",
    "the fourth quarter",
    "fiscal 2007",
    "2007",
    "1",
    "31st",
    "the past two years",
    "99999999999999999999 years ago",
    "in 2147483648",
    "4294967296 days",
    "summer",
    "Christmas",
    "Easter 9999",
    "the 21st century",
    "the 99th century",
    "decades",
    "now",
    "recently",
    "2008-W53",
    "week 53",
    "1 BC",
    "+0100",
    "UTC-12:00",
    "at 25:00 GMT",
    "the first half",
    "H2 2009",
    "late 1999",
    "mid-2000s",
    "1999–2000",
    "262143 years later",
    "250000 years earlier",
    "260,145 years later",
    "262,143 years earlier",
    "95,016,960 days later",
    "2,601 centuries later",
    "13,573,851 weeks ago",
    "999,999,999,999,999,999,999 days ago",
    "1.5 million years ago",
    "9999 years later",
    "a million days later",
    "December 31, 9999",
    "9999",
    "January 1, 0001",
    "0001",
    "the year 1",
    "the next day",
    "the day before",
    "the same week a year earlier",
    "last Monday",
    // tokenization and sentences
    "U.S.",
    "U.S.A.",
    "Mr.",
    "Dr.",
    "a.m.",
    "p.m.",
    "Inc.",
    "e.g.",
    "...",
    "…",
    "--",
    "—",
    "–",
    "-",
    "'s",
    "’s",
    "n't",
    "don't",
    "'",
    "’",
    "“",
    "”",
    "\"",
    "(",
    ")",
    "[",
    "]",
    ".",
    "!",
    "?",
    "?!",
    ",",
    ":",
    ";",
    "•",
    "*",
    "#",
    "$1,000.50",
    "3.5%",
    // whitespace and invisible characters
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\r\n\r\n",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{A0}",
    "\u{2009}",
    "\u{202F}",
    "\u{FEFF}",
    "\u{200B}",
    "\u{200D}",
    "\u{200E}",
    "\u{200F}",
    "\u{202E}",
    "\u{2066}",
    "\u{0}",
    "\u{1}",
    "\u{7F}",
    // combining marks, emoji, other scripts, case mappings that change lengths
    "e\u{301}",
    "\u{301}",
    "\u{20DD}",
    "Zoë",
    "São Paulo",
    "👨\u{200D}👩\u{200D}👧",
    "🇬🇧",
    "👍🏽",
    "😀",
    "İstanbul",
    "ß",
    "ẞ",
    "ﬃ",
    "Σ",
    "ς",
    "ǅ",
    "\u{212A}",
    "\u{2126}",
    "\u{130}",
    "\u{212A}\u{130}\u{130}'s",
    "ᾼ",
    "ﬀ",
    "ŉ",
    "İ.",
    "ȺȾ",
    "ɐ",
    "Ⱥ's",
    "ǰ'S",
    "\u{10FFFF}",
    "مرحبا",
    "שלום",
    "中文。",
    "日本語、",
    "한국어",
    "١٢٣",
    "०१२",
    "Ⅻ",
    "½",
    "²",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        2 => "[A-Za-z]{1,12}",
        1 => "[0-9]{1,6}",
        1 => any::<char>().prop_map(String::from),
        // a very long word, or a long run of one punctuation mark
        1 => (prop::sample::select(&["x", "é", "😀", ".", "-", "'", "<", "&", "\u{301}", "9"][..]), 50usize..3000)
            .prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Text built from fragments.
fn structured_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..80).prop_map(|v| v.concat())
}

/// Arbitrary Unicode scalar values (proptest favours the edge cases of the code space).
fn unicode_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..300).prop_map(String::from_iter)
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![3 => structured_text(), 2 => unicode_text(), 1 => ".{0,200}"]
}

/// A TimeML document with fragments in its header and its TEXT (sometimes no TEXT, or an unclosed one).
fn timeml_doc() -> impl Strategy<Value = String> {
    (structured_text(), structured_text(), structured_text(), prop::option::of(any_date()), 0u8..6).prop_map(|(head, body, tail, dct, shape)| {
        let dct = dct
            .map(|d| {
                format!(
                    "<DCT><TIMEX3 tid=\"t0\" type=\"DATE\" value=\"{}\" functionInDocument=\"CREATION_TIME\">x</TIMEX3></DCT>",
                    d.format("%Y-%m-%d")
                )
            })
            .unwrap_or_default();
        match shape {
            0 => format!("{head}{body}{tail}"),
            1 => format!("<TimeML>{dct}{head}<TEXT>{body}"),
            _ => format!("<?xml version=\"1.0\"?>\n<TimeML>{head}{dct}\n<TEXT>{body}</TEXT>{tail}</TimeML>\n"),
        }
    })
}

fn html_doc() -> impl Strategy<Value = String> {
    (structured_text(), structured_text()).prop_map(|(head, body)| format!("<html><head>{head}</head><body>{body}</body></html>"))
}

/// Bytes: random, or text in some encoding, with or without a BOM, cut anywhere, with stray bytes.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    const BOMS: &[&[u8]] = &[b"", b"", b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xFF\xFE\x00\x00", b"\xEF\xBB"];
    let bom = prop::sample::select(BOMS);
    let encoded = (any_text(), 0u8..5).prop_map(|(t, enc)| match enc {
        0 => t.into_bytes(),
        1 => t.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        2 => t.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        3 => encoding_rs::WINDOWS_1252.encode(&t).0.into_owned(),
        _ => encoding_rs::SHIFT_JIS.encode(&t).0.into_owned(),
    });
    let body = prop_oneof![
        2 => encoded,
        1 => prop::collection::vec(any::<u8>(), 0..2000),
        1 => prop::collection::vec(prop::sample::select(&[0x00u8, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF, b'<', b'&', b'\n', b'a'][..]), 0..200),
    ];
    (bom, body, prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4), any::<prop::sample::Index>(), any::<bool>()).prop_map(
        |(bom, mut body, stray, cut, truncate)| {
            for (at, b) in stray {
                if !body.is_empty() {
                    let k = at.index(body.len());
                    body[k] = b;
                }
            }
            if truncate && !body.is_empty() {
                body.truncate(cut.index(body.len()));
            }
            [bom, &body[..]].concat()
        },
    )
}

/// A date anywhere in years -999..=9999 (what `--doc-date`, `<DCT>` and the header readers can
/// give), often at the ends of that range.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let year = prop_oneof![
        2 => prop::sample::select(&[-999, -1, 0, 1, 2, 99, 100, 1582, 1899, 1900, 1999, 2000, 2007, 2099, 9998, 9999][..]),
        1 => -999i32..=9999,
    ];
    let day = prop_oneof![1 => Just((1u32, 1u32)), 1 => Just((12, 31)), 1 => Just((2, 29)), 3 => (1u32..=12, 1u32..=31)];
    (year, day).prop_map(|(y, (m, d))| NaiveDate::from_ymd_opt(y, m, d).or_else(|| NaiveDate::from_ymd_opt(y, m, 28)).expect("valid date"))
}

/// Dates at the very ends of chrono's range (a `--doc-date` such as `+262143-12-31` parses).
fn extreme_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (0i64..800).prop_map(|k| NaiveDate::MIN + chrono::Duration::days(k)),
        (0i64..800).prop_map(|k| NaiveDate::MAX - chrono::Duration::days(k)),
    ]
}

// ---------------------------------------------------------------------------------------------
// checks

/// `start..end` is a valid slice of `text`.
fn check_span(text: &str, start: usize, end: usize, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(start <= end && end <= text.len(), "{what}: {start}..{end} out of range (len {})", text.len());
    prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{what}: {start}..{end} not on char boundaries");
    Ok(())
}

fn skipped(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// Tokens and sentences of `text`, with every invariant of the word and sentence layer checked.
fn check_text(text: &str) -> Result<(Vec<Token>, Vec<entline::text::Sentence>), TestCaseError> {
    let tokens = tokenize(text);
    // words in order, non-empty, on char boundaries; together they cover every character that is
    // not whitespace, and nothing else
    let mut prev = 0;
    for t in &tokens {
        check_span(text, t.start, t.end, "token")?;
        prop_assert!(t.start < t.end, "empty token at {}", t.start);
        prop_assert!(t.start >= prev, "tokens overlap or go backwards at {}", t.start);
        prop_assert!(text[prev..t.start].chars().all(skipped), "text lost before the token at {}", t.start);
        prop_assert!(t.text(text).chars().all(|c| !skipped(c)), "whitespace inside the token at {}", t.start);
        prev = t.end;
    }
    prop_assert!(text[prev..].chars().all(skipped), "text lost at the end");

    let sentences = split_sentences(text, &tokens);
    // sentences cover the words in order, without gaps, overlap or empty sentences
    let mut next = 0;
    for s in &sentences {
        prop_assert_eq!(s.tokens.start, next, "sentences do not cover the words in order");
        prop_assert!(s.tokens.start < s.tokens.end, "empty sentence");
        prop_assert!(s.tokens.end <= tokens.len());
        check_span(text, s.start, s.end, "sentence")?;
        prop_assert_eq!(s.start, tokens[s.tokens.start].start);
        prop_assert_eq!(s.end, tokens[s.tokens.end - 1].end);
        next = s.tokens.end;
    }
    prop_assert_eq!(next, tokens.len(), "sentences do not cover every word");

    // code-point offsets, forwards (as the tables are written) and in any order
    let mut co = CharOffsets::new(text);
    for t in &tokens {
        prop_assert_eq!(co.at(t.start), text[..t.start].chars().count());
        prop_assert_eq!(co.at(t.end), text[..t.end].chars().count());
    }
    let mut co = CharOffsets::new(text);
    for t in tokens.iter().rev().take(20) {
        prop_assert_eq!(co.at(t.end), char_offset(text, t.end));
        prop_assert_eq!(co.at(t.start), char_offset(text, t.start));
    }
    prop_assert_eq!(co.at(text.len()), text.chars().count());

    // the words as the model sees them, and the noun-phrase chunks over them
    let forms: Vec<String> = tokens.iter().map(|t| model_form(t.text(text)).into_owned()).collect();
    for (t, f) in tokens.iter().zip(&forms) {
        prop_assert!(!f.is_empty());
        prop_assert_eq!(&*model_form(f), f.as_str(), "model_form is not idempotent on {:?}", t.text(text));
    }
    for s in sentences.iter().take(50) {
        let words: Vec<&str> = forms[s.tokens.clone()].iter().map(String::as_str).collect();
        let mut last = 0;
        for c in NpChunker::builtin().chunks(&words) {
            prop_assert!(c.start >= last && c.start < c.end && c.end <= words.len(), "chunk {:?} of {} words", c, words.len());
            last = c.end;
        }
    }
    Ok((tokens, sentences))
}

fn check_timexes(text: &str, timexes: &[Timex]) -> Result<(), TestCaseError> {
    let mut prev = 0;
    for t in timexes {
        check_span(text, t.start, t.end, "timex")?;
        prop_assert!(t.start < t.end, "empty timex");
        prop_assert!(t.start >= prev, "timexes overlap or are out of order");
        prop_assert_eq!(&t.text, &text[t.start..t.end]);
        prop_assert!(!t.value.is_empty(), "empty value for {:?}", t.text);
        check_value(&t.value)?;
        prev = t.end;
    }
    Ok(())
}

/// The date range of a TimeML value (what the timeline and the event anchors read).
fn check_value(value: &str) -> Result<(), TestCaseError> {
    if let Some((start, end, _precision)) = entline::time::calendar::value_range(value) {
        prop_assert!(start <= end, "{value:?}: {start} > {end}");
    }
    Ok(())
}

/// Tag `text` with and without `dct`; checks spans and determinism.
fn check_tagger(text: &str, dct: Option<NaiveDate>) -> Result<(), TestCaseError> {
    let a = tagger().tag(text, dct);
    check_timexes(text, &a)?;
    let b = tagger().tag(text, dct);
    prop_assert_eq!(&a, &b, "tagging is not deterministic");
    Ok(())
}

/// The checks every decoded text goes through.
fn check_decoded(text: &str) -> Result<(), TestCaseError> {
    check_text(text)?;
    let _ = dct::from_header(text);
    let _ = dct::from_dateline(text, Some(2007));
    Ok(())
}

/// `annotate` inserts `<TIMEX3>` elements around the timexes it returns and changes nothing else.
fn check_annotate(raw: &str, doc: &TimeMl<'_>, dct: Option<NaiveDate>) -> Result<(), TestCaseError> {
    let (out, timexes) = doc.annotate(tagger(), dct);
    let inner = &raw[doc.text.clone()];
    let mut rebuilt = String::with_capacity(raw.len());
    let mut at = doc.text.start; // position in `out`
    prop_assert_eq!(&out[..at], &raw[..doc.text.start]);
    rebuilt.push_str(&raw[..doc.text.start]);
    let mut pos = 0; // position in `inner`
    for t in &timexes {
        check_span(inner, t.start, t.end, "timeml timex")?;
        prop_assert!(t.start >= pos);
        let plain = &inner[pos..t.start];
        prop_assert!(out[at..].starts_with(plain));
        rebuilt.push_str(plain);
        at += plain.len();
        prop_assert!(out[at..].starts_with("<TIMEX3 tid=\"t"), "no TIMEX3 at {at}");
        let open_end = at + out[at..].find('>').unwrap() + 1;
        let close = format!("{}</TIMEX3>", &inner[t.start..t.end]);
        prop_assert!(out[open_end..].starts_with(&close), "TIMEX3 does not hold its text");
        rebuilt.push_str(&inner[t.start..t.end]);
        at = open_end + close.len();
        pos = t.end;
    }
    prop_assert_eq!(&out[at..], &raw[doc.text.start + pos..]);
    rebuilt.push_str(&raw[doc.text.start + pos..]);
    prop_assert_eq!(rebuilt, raw);
    Ok(())
}

fn check_timeml(raw: &str) -> Result<(), TestCaseError> {
    let Ok(doc) = TimeMl::parse(raw) else { return Ok(()) };
    check_span(raw, doc.text.start, doc.text.end, "TEXT")?;
    let visible = doc.visible_text();
    prop_assert_eq!(visible.len(), doc.text.len());
    let plain = doc.plain_text();
    check_decoded(&plain)?;
    check_tagger(&plain, doc.dct)?;
    check_annotate(raw, &doc, None)?;
    let _ = (doc.next_id("tid", "t"), doc.next_id("eid", "e"), doc.next_id("eiid", "ei"));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// properties

proptest! {
    #![proptest_config(config("decode"))]

    /// Bytes → text: never a panic; valid UTF-8 without a BOM or NUL comes back unchanged, and
    /// whatever is decoded goes through the word layer.
    #[test]
    fn decode_arbitrary_bytes(bytes in any_bytes()) {
        if let Ok((text, _warning)) = input::decode(&bytes) {
            if !bytes.starts_with(b"\xEF\xBB\xBF") && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") {
                if let Ok(s) = std::str::from_utf8(&bytes) {
                    prop_assert_eq!(&text, s);
                }
            }
            check_decoded(&text)?;
        }
    }
}

proptest! {
    #![proptest_config(config("read_text"))]

    /// Files as `extract` reads them (plain text, HTML, TimeML, PDF, Word, OpenDocument, e-mail by
    /// extension), from arbitrary bytes
    /// and from markup built of fragments.
    #[test]
    fn read_text_of_any_file(
        bytes in prop_oneof![
            2 => any_bytes(),
            2 => html_doc().prop_map(String::into_bytes),
            2 => timeml_doc().prop_map(String::into_bytes),
        ],
        ext in prop::sample::select(&["txt", "md", "html", "htm", "xhtml", "tml", "te3input", "", "pdf", "docx", "odt", "eml", "mbox"][..]),
        max_bytes in prop_oneof![4 => Just(input::DEFAULT_MAX_BYTES), 1 => 0u64..100],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if ext.is_empty() { "doc".to_string() } else { format!("doc.{ext}") });
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(read) = read_text(&path, max_bytes) {
            prop_assert!(bytes.len() as u64 <= max_bytes);
            check_decoded(&read.text)?;
        }
    }
}

proptest! {
    #![proptest_config(config("text"))]

    /// Words, sentences, code-point offsets and model forms of arbitrary text.
    #[test]
    fn words_and_sentences_of_any_text(text in any_text()) {
        check_text(&text)?;
    }

    /// `CharOffsets` agrees with a plain count at every char boundary, in any order of queries.
    #[test]
    fn char_offsets_in_any_order(text in any_text(), picks in prop::collection::vec(any::<prop::sample::Index>(), 0..40)) {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut co = CharOffsets::new(&text);
        for p in picks {
            let b = bounds[p.index(bounds.len())];
            prop_assert_eq!(co.at(b), char_offset(&text, b));
        }
    }

    /// The HTML date reader on arbitrary markup.
    #[test]
    fn html_dates(html in html_doc()) {
        let _ = dct::from_html(&html);
    }
}

proptest! {
    #![proptest_config(config("timeml"))]

    /// TimeML: parse, plain text, visible text, annotate (which changes nothing but the inserted
    /// TIMEX3 elements) on documents built of fragments and on arbitrary strings.
    #[test]
    fn timeml_documents(raw in prop_oneof![3 => timeml_doc(), 1 => any_text().prop_map(|t| format!("<TEXT>{t}</TEXT>"))]) {
        check_timeml(&raw)?;
    }
}

proptest! {
    #![proptest_config(config("dct"))]

    /// Header, dateline and ISO date readers on arbitrary text and year hints; `is_date_line` on
    /// single lines.
    #[test]
    fn dct_readers(text in any_text(), hint in prop_oneof![Just(None), any_date().prop_map(|d| Some(d.year())), any::<i32>().prop_map(Some)]) {
        let _ = dct::from_header(&text);
        let _ = dct::from_dateline(&text, hint);
        let _ = dct::parse_iso_date(&text);
        for line in text.lines().take(20) {
            let _ = entline::text::dateline::is_date_line(line);
        }
    }

    /// Date ranges of arbitrary TimeML-like values.
    #[test]
    fn value_ranges(value in prop_oneof![
        3 => "[-+]?[0-9X]{1,6}(-(W[0-9]{1,2}|Q[0-9]|H[0-9]|SP|SU|FA|WI|[0-9X]{1,2}))?(-([0-9]{1,2}|WE|[0-9]))?(T[0-9:.]{0,8}(Z|[-+][0-9]{2})?)?",
        1 => any_text(),
    ]) {
        check_value(&value)?;
    }
}

proptest! {
    #![proptest_config(config("tagger"))]

    /// The temporal tagger on arbitrary text, with no DCT, a DCT anywhere in years -999..=9999,
    /// and at the ends of chrono's range: no panic, spans valid, output deterministic.
    #[test]
    fn tagger_on_any_text(text in any_text(), dct in any_date(), extreme in extreme_date()) {
        check_tagger(&text, None)?;
        check_tagger(&text, Some(dct))?;
        check_tagger(&text, Some(extreme))?;
    }
}

/// `CI=true ENTLINE_PROPTEST_CASES=0`: a property fails instead of passing without a case (run in
/// a child process of this test binary).
#[test]
fn ci_cannot_cut_the_cases() {
    let o = common::rerun_test("html_dates", &[("CI", "true"), ("ENTLINE_PROPTEST_CASES", "0")]);
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(!o.status.success(), "a property ran no case in CI and passed:\n{out}");
    assert!(out.contains("ENTLINE_PROPTEST_CASES=0 runs fewer cases than CI's"), "{out}");
    let o = common::rerun_test("html_dates", &[("CI", ""), ("ENTLINE_PROPTEST_CASES", "3")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}
