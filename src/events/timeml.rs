//! Event mentions as TimeML: `<EVENT eid class>` elements around the triggers in `<TEXT>` and one
//! `<MAKEINSTANCE>` per event (tense, aspect, polarity, pos, modality) before `</TimeML>`, as the
//! TempEval-3 scorer reads them.

use chrono::NaiveDate;

use super::EventMention;
use crate::time::timeml::{xml_escape, Element, TimeMl};
use crate::time::TimeTagger;

/// Annotate a TimeML document with time expressions and the given event mentions (byte offsets
/// into the TEXT content, as found on [`TimeMl::visible_text`]). Events that would cross markup
/// or a time expression are left out. Event ids continue after the largest `eid`/`eiid` already
/// in the document.
pub fn annotate(doc: &TimeMl<'_>, tagger: &TimeTagger, dct: Option<NaiveDate>, events: &[EventMention]) -> String {
    let (first_eid, first_eiid) = (doc.next_id("eid", "e"), doc.next_id("eiid", "ei"));
    let mut sorted: Vec<&EventMention> = events.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let elements: Vec<Element> = sorted
        .iter()
        .enumerate()
        .map(|(i, e)| Element { start: e.start, end: e.end, key: i, open: String::new(), close: "</EVENT>".into() })
        .collect();
    let (out, _) = doc.annotate_with(tagger, dct, elements, |kept| {
        let mut tail = String::new();
        for (n, el) in kept.iter_mut().enumerate() {
            let ev = sorted[el.key];
            let (eid, eiid) = (first_eid + n as u64, first_eiid + n as u64);
            el.open = format!("<EVENT eid=\"e{eid}\" class=\"{}\">", xml_escape(&ev.attrs.class));
            tail.push_str(&format!(
                "<MAKEINSTANCE eiid=\"ei{eiid}\" eventID=\"e{eid}\" tense=\"{}\" aspect=\"{}\" polarity=\"{}\" pos=\"{}\"{}/>",
                xml_escape(&ev.attrs.tense),
                xml_escape(&ev.attrs.aspect),
                xml_escape(&ev.attrs.polarity),
                xml_escape(&ev.attrs.pos),
                if ev.attrs.modality.is_empty() { String::new() } else { format!(" modality=\"{}\"", xml_escape(&ev.attrs.modality)) }
            ));
        }
        tail
    });
    out
}
