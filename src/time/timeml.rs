//! TimeML / TempEval-3 input and output: read the DCT and `<TEXT>`, insert `<TIMEX3>` elements,
//! leave every other character unchanged.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

use super::{TimeTagger, Timex};

static DCT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?s)<DCT>.*?<TIMEX3[^>]*?\bvalue="(\d{4}-\d{2}-\d{2})[^"]*"[^>]*>.*?</DCT>"#).expect("static regex"));
static TAG_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("static regex"));

/// A parsed TimeML document.
pub struct TimeMl<'a> {
    pub raw: &'a str,
    pub dct: Option<NaiveDate>,
    /// Byte range of the content of `<TEXT>`.
    pub text: std::ops::Range<usize>,
    /// Byte ranges (within the TEXT content) of the annotation elements the input already has
    /// (`EVENT`, `TIMEX3`, `SIGNAL`, from their start tag to their end tag): nothing is inserted
    /// into them.
    annotated: Vec<std::ops::Range<usize>>,
}

/// Elements whose content entline never annotates again.
const ANNOTATION_ELEMENTS: &[&str] = &["EVENT", "TIMEX3", "SIGNAL"];

/// Ranges of the annotation elements in a TEXT content, from start tag to end tag.
fn annotated_ranges(inner: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut open: Vec<(&str, usize)> = Vec::new();
    for m in TAG_RE.find_iter(inner) {
        let tag = m.as_str();
        let Some(name) = TAG_NAME_RE.captures(tag).and_then(|c| c.get(1)).map(|n| n.as_str()) else { continue };
        if !ANNOTATION_ELEMENTS.contains(&name) || tag.ends_with("/>") {
            continue;
        }
        if !tag.starts_with("</") {
            open.push((name, m.start()));
        } else if let Some(k) = open.iter().rposition(|(n, _)| *n == name) {
            let (_, start) = open.remove(k);
            out.push(start..m.end());
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

impl<'a> TimeMl<'a> {
    pub fn parse(raw: &'a str) -> Result<Self, String> {
        let open = raw.find("<TEXT>").ok_or("no <TEXT> element")? + "<TEXT>".len();
        let close = raw[open..].find("</TEXT>").ok_or("<TEXT> is not closed")? + open;
        let dct = DCT_RE.captures(raw).and_then(|c| c.get(1)).and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok());
        let annotated = annotated_ranges(&raw[open..close]);
        Ok(TimeMl { raw, dct, text: open..close, annotated })
    }

    /// The TEXT content with markup blanked out (same length, so offsets line up).
    pub fn visible_text(&self) -> String {
        let inner = &self.raw[self.text.clone()];
        TAG_RE.replace_all(inner, |c: &regex::Captures| " ".repeat(c[0].len())).into_owned()
    }

    /// The TEXT content as plain text: markup removed, character entities decoded, and every block
    /// element ([`BLOCK_ELEMENTS`]: `<s>`, `<p>`, a headline, …) set off from the text around it by
    /// a blank line, so that no word and no sentence runs across two of them.
    ///
    /// Corpora such as the SemEval-2015 TimeLine data write `<s>` elements with nothing between them
    /// (`…2008</s><s id="2">The…`); removing the markup alone glued the last word of one sentence
    /// to the first of the next. Line breaks are only added where the whitespace around a block
    /// boundary holds fewer than two, at the position of the boundary's first block tag; text
    /// before the first and after the last content is left as it is.
    pub fn plain_text(&self) -> String {
        let inner = with_block_breaks(&self.raw[self.text.clone()]);
        // "&amp;" last, so that "&amp;lt;" stays "&lt;"
        inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
    }

    /// Tag the TEXT and return the document with `<TIMEX3>` elements inserted, and the timexes.
    pub fn annotate(&self, tagger: &TimeTagger, dct_override: Option<NaiveDate>) -> (String, Vec<Timex>) {
        self.annotate_with(tagger, dct_override, Vec::new(), |_| String::new())
    }

    /// Whether the byte range `start..end` of the TEXT content can be wrapped in an element: it
    /// crosses no markup, splits no character entity reference and is not inside an annotation
    /// the input already has (an `EVENT`, `TIMEX3` or `SIGNAL` element).
    pub fn can_wrap(&self, start: usize, end: usize) -> bool {
        let inner = &self.raw[self.text.clone()];
        end <= inner.len()
            && inner.is_char_boundary(start)
            && inner.is_char_boundary(end)
            && !inner[start..end].contains(['<', '>'])
            && !splits_entity(inner, start, end)
            && !self.annotated.iter().any(|r| r.start < end && start < r.end)
    }

    /// [`TimeMl::annotate`], also inserting `extra` elements into the TEXT (sorted by start; those
    /// that would overlap a time expression or an earlier element, cross markup or split an
    /// entity reference are left out). `finish` gets the elements kept, may still set their tags
    /// (ids numbered after filtering), and returns a tail (e.g. `MAKEINSTANCE` elements) inserted
    /// right before the closing `</TimeML>` tag.
    pub fn annotate_with(
        &self,
        tagger: &TimeTagger,
        dct_override: Option<NaiveDate>,
        mut extra: Vec<Element>,
        finish: impl FnOnce(&mut [Element]) -> String,
    ) -> (String, Vec<Timex>) {
        let visible = self.visible_text();
        let inner = &self.raw[self.text.clone()];
        let dct = dct_override.or(self.dct);
        let timexes: Vec<Timex> = tagger
            .tag(&visible, dct)
            .into_iter()
            // never cross existing markup or split an entity reference
            .filter(|t| self.can_wrap(t.start, t.end))
            .collect();
        let mut last_end = 0;
        extra.retain(|e| {
            let keep = e.start >= last_end && self.can_wrap(e.start, e.end) && !timexes.iter().any(|t| t.start < e.end && e.start < t.end);
            if keep {
                last_end = e.end;
            }
            keep
        });
        let tail = finish(&mut extra);
        let mut extra_iter = extra.iter().peekable();
        let mut out = String::with_capacity(self.raw.len() + timexes.len() * 64);
        out.push_str(&self.raw[..self.text.start]);
        let mut pos = 0;
        for (tid, t) in (self.next_id("tid", "t")..).zip(&timexes) {
            while let Some(e) = extra_iter.next_if(|e| e.start < t.start) {
                pos = e.write(inner, pos, &mut out);
            }
            out.push_str(&inner[pos..t.start]);
            out.push_str(&format!(
                "<TIMEX3 tid=\"t{tid}\" type=\"{}\" value=\"{}\"{}>",
                t.kind.as_str(),
                xml_escape(&t.value),
                t.modifier.map(|m| format!(" mod=\"{m}\"")).unwrap_or_default()
            ));
            out.push_str(&inner[t.start..t.end]);
            out.push_str("</TIMEX3>");
            pos = t.end;
        }
        for e in extra_iter {
            pos = e.write(inner, pos, &mut out);
        }
        out.push_str(&inner[pos..]);
        let rest = &self.raw[self.text.end..];
        match rest.rfind("</TimeML>") {
            Some(k) if !tail.is_empty() => {
                out.push_str(&rest[..k]);
                out.push_str(&tail);
                out.push_str(&rest[k..]);
            }
            _ => out.push_str(rest),
        }
        (out, timexes)
    }

    /// The next free number after the largest `<prefix><number>` value of attribute `attr` in the
    /// document (`eid="e12"` → 13; 1 without any), so that inserted ids never collide with
    /// existing ones.
    pub fn next_id(&self, attr: &str, prefix: &str) -> u64 {
        let pat = format!("{attr}=\"{prefix}");
        let mut best = 0;
        for (k, _) in self.raw.match_indices(&pat) {
            // the attribute name is a whole word, the value only the prefix and digits
            if self.raw[..k].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &self.raw[k + pat.len()..];
            let n = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if let (Ok(v), true) = (rest[..n].parse::<u64>(), rest[n..].starts_with('"')) {
                best = best.max(v);
            }
        }
        best + 1
    }
}

/// An element to insert into a TimeML TEXT around the byte range `start..end` of its content.
#[derive(Debug, Clone)]
pub struct Element {
    pub start: usize,
    pub end: usize,
    /// The caller's own reference (e.g. an index into its list).
    pub key: usize,
    pub open: String,
    pub close: String,
}

impl Element {
    /// Append `inner[pos..]` up to the element, then the element around its text, to `out`;
    /// returns where the copy continues.
    fn write(&self, inner: &str, pos: usize, out: &mut String) -> usize {
        out.push_str(&inner[pos..self.start]);
        out.push_str(&self.open);
        out.push_str(&inner[self.start..self.end]);
        out.push_str(&self.close);
        self.end
    }
}

/// Elements that hold a sentence or more (compared case-insensitively): TimeML's `<s>`, the
/// paragraph and heading elements of TimeBank/TIPSTER-style and HTML-like markup. Any other element
/// (`<EVENT>`, `<TIMEX3>`, `<SIGNAL>`, …) is inline: its tags are removed and nothing is added.
/// A short list of markup names, kept with the parser rather than in a data file.
pub const BLOCK_ELEMENTS: &[&str] =
    &["s", "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "title", "headline", "hl", "dateline", "byline", "turn"];

static TAG_NAME_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^</?\s*([A-Za-z][\w.:-]*)").expect("static regex"));

/// Whether a tag (`<s id="1">`, `</s>`, `<br/>`) opens, closes or is a block element.
fn is_block_tag(tag: &str) -> bool {
    TAG_NAME_RE.captures(tag).and_then(|c| c.get(1)).is_some_and(|n| BLOCK_ELEMENTS.iter().any(|b| b.eq_ignore_ascii_case(n.as_str())))
}

/// Line breaks in `ws` ("\r\n" once, a lone "\r" too).
fn line_breaks(ws: &str) -> usize {
    let b = ws.as_bytes();
    (0..b.len()).filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))).count()
}

/// `s` with its tags removed and a blank line at every block boundary between two pieces of text
/// (see [`TimeMl::plain_text`]). Character entities are left as they are.
fn with_block_breaks(s: &str) -> String {
    /// Where the last text ends in `out` (None before any), and where the first block tag since then was.
    #[derive(Default)]
    struct State {
        content_end: Option<usize>,
        block_at: Option<usize>,
    }
    fn push_text(out: &mut String, piece: &str, st: &mut State) {
        let lead = piece.len() - piece.trim_start().len();
        if lead == piece.len() {
            out.push_str(piece);
            return;
        }
        if let (Some(end), Some(at)) = (st.content_end, st.block_at) {
            // only whitespace follows `at` in `out`, so the insertion is cheap
            let have = line_breaks(&out[end..]) + line_breaks(&piece[..lead]);
            out.insert_str(at, &"\n".repeat(2usize.saturating_sub(have)));
        }
        st.block_at = None;
        out.push_str(piece);
        st.content_end = Some(out.len() - (piece.len() - piece.trim_end().len()));
    }
    let mut out = String::with_capacity(s.len());
    let mut st = State::default();
    let mut pos = 0;
    for m in TAG_RE.find_iter(s) {
        push_text(&mut out, &s[pos..m.start()], &mut st);
        if st.block_at.is_none() && is_block_tag(m.as_str()) {
            st.block_at = Some(out.len());
        }
        pos = m.end();
    }
    push_text(&mut out, &s[pos..], &mut st);
    out
}

fn splits_entity(s: &str, start: usize, end: usize) -> bool {
    let inside = |i: usize| {
        let before = &s[..i];
        match (before.rfind('&'), before.rfind(';')) {
            (Some(a), Some(b)) => a > b && s[a..].find(';').is_some_and(|k| a + k >= i),
            (Some(a), None) => s[a..].find(';').is_some_and(|k| a + k >= i),
            _ => false,
        }
    };
    inside(start) || inside(end)
}

/// `s` with the characters XML attributes cannot hold escaped.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_annotations_are_not_annotated_again() {
        let raw = "<TimeML><TEXT>He <EVENT eid=\"e1\">said</EVENT> it <TIMEX3 tid=\"t1\">on Monday</TIMEX3> and left.</TEXT></TimeML>";
        let doc = TimeMl::parse(raw).unwrap();
        let inner = &raw[doc.text.clone()];
        let at = |w: &str| inner.find(w).unwrap();
        assert!(!doc.can_wrap(at("said"), at("said") + 4));
        assert!(!doc.can_wrap(at("Monday"), at("Monday") + 6));
        assert!(doc.can_wrap(at("left"), at("left") + 4));
        assert!(doc.can_wrap(at("He"), at("He") + 2));
    }

    #[test]
    fn next_ids_follow_the_existing_ones() {
        let raw = r#"<TimeML><DCT><TIMEX3 tid="t0"/></DCT><TEXT><EVENT eid="e7">x</EVENT></TEXT><MAKEINSTANCE eiid="ei9" eventID="e7"/><X xtid="t99" tid="t12a"/></TimeML>"#;
        let doc = TimeMl::parse(raw).unwrap();
        assert_eq!((doc.next_id("tid", "t"), doc.next_id("eid", "e"), doc.next_id("eiid", "ei")), (1, 8, 10));
        assert_eq!(TimeMl::parse("<TEXT></TEXT>").unwrap().next_id("eid", "e"), 1);
    }

    fn plain(text: &str) -> String {
        let raw = format!("<TimeML><TEXT>{text}</TEXT></TimeML>");
        TimeMl::parse(&raw).map(|t| t.plain_text()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn glued_sentences_are_set_off_by_a_blank_line() {
        assert_eq!(
            plain(r#"<s id="1">January 09 , 2008</s><s id="2">Apple <EVENT eid="e1">said</EVENT> so .</s><s id="3">Then &amp; now</s>"#),
            "January 09 , 2008\n\nApple said so .\n\nThen & now"
        );
        // an empty element and upper-case names are blocks too
        assert_eq!(plain("<P>one</P><BR/>two<HEADLINE>three</HEADLINE>"), "one\n\ntwo\n\nthree");
    }

    #[test]
    fn existing_line_breaks_are_counted() {
        assert_eq!(plain("<s>a .</s>\n<s>b .</s>"), "a .\n\nb .");
        assert_eq!(plain("<s>a .</s>\n\n<s>b .</s>"), "a .\n\nb .");
        assert_eq!(plain("<s>a .</s> <s>b .</s>"), "a .\n\n b .");
        assert_eq!(plain("\n<s>a</s>\n"), "\na\n");
    }

    #[test]
    fn inline_markup_adds_nothing() {
        assert_eq!(plain(r#"in <TIMEX3 tid="t1">May</TIMEX3><SIGNAL sid="s1">,</SIGNAL> x"#), "in May, x");
        assert_eq!(plain("Shares rose &lt;3%&gt;.\nThen"), "Shares rose <3%>.\nThen");
    }
}
