//! TimeML / TempEval-3 input and output: read the DCT and `<TEXT>`, insert `<TIMEX3>` elements,
//! leave every other character unchanged.

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

use super::{TimeTagger, Timex};

static DCT_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"(?s)<DCT>.*?<TIMEX3[^>]*?\bvalue="(\d{4}-\d{2}-\d{2})[^"]*"[^>]*>.*?</DCT>"#).expect("static regex")
});
static TID_RE: Lazy<Regex> = Lazy::new(|| Regex::new(r#"\btid="t(\d+)""#).expect("static regex"));
static TAG_RE: Lazy<Regex> = Lazy::new(|| Regex::new(r"<[^>]*>").expect("static regex"));

/// A parsed TimeML document.
pub struct TimeMl<'a> {
    pub raw: &'a str,
    pub dct: Option<NaiveDate>,
    /// Byte range of the content of `<TEXT>`.
    pub text: std::ops::Range<usize>,
}

impl<'a> TimeMl<'a> {
    pub fn parse(raw: &'a str) -> Result<Self, String> {
        let open = raw.find("<TEXT>").ok_or("no <TEXT> element")? + "<TEXT>".len();
        let close = raw[open..].find("</TEXT>").ok_or("<TEXT> is not closed")? + open;
        let dct = DCT_RE
            .captures(raw)
            .and_then(|c| c.get(1))
            .and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok());
        Ok(TimeMl { raw, dct, text: open..close })
    }

    /// The TEXT content with markup blanked out (same length, so offsets line up).
    pub fn visible_text(&self) -> String {
        let inner = &self.raw[self.text.clone()];
        TAG_RE.replace_all(inner, |c: &regex::Captures| " ".repeat(c[0].len())).into_owned()
    }

    /// The TEXT content as plain text: markup removed, character entities decoded.
    pub fn plain_text(&self) -> String {
        let inner = TAG_RE.replace_all(&self.raw[self.text.clone()], "");
        // "&amp;" last, so that "&amp;lt;" stays "&lt;"
        inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
    }

    /// Tag the TEXT and return the document with `<TIMEX3>` elements inserted, and the timexes.
    pub fn annotate(&self, tagger: &TimeTagger, dct_override: Option<NaiveDate>) -> (String, Vec<Timex>) {
        self.annotate_with(tagger, dct_override, Vec::new(), |_| String::new())
    }

    /// Whether the byte range `start..end` of the TEXT content can be wrapped in an element: it
    /// crosses no markup and splits no character entity reference.
    pub fn can_wrap(&self, start: usize, end: usize) -> bool {
        let inner = &self.raw[self.text.clone()];
        end <= inner.len() && inner.is_char_boundary(start) && inner.is_char_boundary(end) && !inner[start..end].contains(['<', '>']) && !splits_entity(inner, start, end)
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
        let mut next_tid = TID_RE
            .captures_iter(self.raw)
            .filter_map(|c| c[1].parse::<u64>().ok())
            .max()
            .map(|m| m + 1)
            .unwrap_or(1);
        let mut out = String::with_capacity(self.raw.len() + timexes.len() * 64);
        out.push_str(&self.raw[..self.text.start]);
        let mut pos = 0;
        for t in &timexes {
            while let Some(e) = extra_iter.next_if(|e| e.start < t.start) {
                out.push_str(&inner[pos..e.start]);
                out.push_str(&e.open);
                out.push_str(&inner[e.start..e.end]);
                out.push_str(&e.close);
                pos = e.end;
            }
            out.push_str(&inner[pos..t.start]);
            out.push_str(&format!(
                "<TIMEX3 tid=\"t{next_tid}\" type=\"{}\" value=\"{}\"{}>",
                t.kind.as_str(),
                xml_escape(&t.value),
                t.modifier.map(|m| format!(" mod=\"{m}\"")).unwrap_or_default()
            ));
            out.push_str(&inner[t.start..t.end]);
            out.push_str("</TIMEX3>");
            next_tid += 1;
            pos = t.end;
        }
        for e in extra_iter {
            out.push_str(&inner[pos..e.start]);
            out.push_str(&e.open);
            out.push_str(&inner[e.start..e.end]);
            out.push_str(&e.close);
            pos = e.end;
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
    /// document (e.g. `eid="e12"` → 13), so that inserted ids never collide with existing ones.
    pub fn next_id(&self, attr: &str, prefix: &str) -> u64 {
        let pat = format!("{attr}=\"{prefix}");
        let mut best = 0;
        let mut rest = self.raw;
        while let Some(k) = rest.find(&pat) {
            rest = &rest[k + pat.len()..];
            let digits: &str = &rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())];
            if let Ok(n) = digits.parse::<u64>() {
                best = best.max(n);
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
