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
        let visible = self.visible_text();
        let inner = &self.raw[self.text.clone()];
        let dct = dct_override.or(self.dct);
        let timexes: Vec<Timex> = tagger
            .tag(&visible, dct)
            .into_iter()
            // never cross existing markup or split an entity reference
            .filter(|t| !inner[t.start..t.end].contains(['<', '>']) && !splits_entity(inner, t.start, t.end))
            .collect();
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
        out.push_str(&inner[pos..]);
        out.push_str(&self.raw[self.text.end..]);
        (out, timexes)
    }
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

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
