//! Entity timelines: an entity's timeline is the events it takes part in, in order
//! ([`positions`]: by anchor, then by the ordering cues of the text; events with the same anchor
//! and no cue share a position; undated ones are at position 0). [`Layout`] places the events of
//! a corpus: events per document, each entity's date span, the events in date order and the
//! timeline rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::events::merge::{event_entities, Clusters, Events, MentionFacts};
use crate::events::participants::Role;
use crate::time::calendar::date_label;

/// Sort key of an event in an entity's timeline: undated last (they take position 0), then anchor
/// start, end, cue, then input order (document, offset).
pub type OrderKey = (bool, NaiveDate, NaiveDate, i8, usize, usize);

/// Positions of an entity's events given their keys (any order): 0 for undated ones, then 1, 2, …
/// in key order, equal for equal (start, end, cue).
pub fn positions(keys: &[OrderKey]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut pos = vec![0; keys.len()];
    let mut current = 0;
    let mut last: Option<(NaiveDate, NaiveDate, i8)> = None;
    for &i in &order {
        let (undated, s, e, c, _, _) = keys[i];
        if undated {
            continue;
        }
        if last != Some((s, e, c)) {
            current += 1;
            last = Some((s, e, c));
        }
        pos[i] = current;
    }
    pos
}

/// Where the events go: per document the number of listed events, per entity the span of its
/// listed events, the listed events in date order and every entity's timeline rows.
pub struct Layout {
    pub events_per_doc: Vec<usize>,
    /// Per document, the events without a date left out of events.csv (by the document of the
    /// event's representative mention).
    pub left_out_per_doc: Vec<usize>,
    pub span: HashMap<u32, (NaiveDate, NaiveDate)>,
    /// (date, document, offset, representative) of the listed events
    pub event_order: Vec<(NaiveDate, u32, u32, u32)>,
    /// (entity, order key, first mention of the entity in the event, role)
    pub timeline_rows: Vec<(u32, OrderKey, u32, Role)>,
}

impl Layout {
    pub fn of(events: &Clusters, facts: &[MentionFacts], n_docs: usize) -> Layout {
        let mut layout = Layout {
            events_per_doc: vec![0; n_docs],
            left_out_per_doc: vec![0; n_docs],
            span: HashMap::new(),
            event_order: Vec::new(),
            timeline_rows: Vec::new(),
        };
        for r in events.roots() {
            let listed = events.listed[r as usize];
            let rep = &facts[events.rep_of[r as usize] as usize];
            let (start, end) = rep.key.range.unwrap_or((NaiveDate::MIN, NaiveDate::MIN));
            for (&e, &(role, first)) in &event_entities(events.group(r), facts) {
                let f = &facts[first as usize];
                layout.timeline_rows.push((e, (rep.key.range.is_none(), start, end, rep.cue, f.key.doc as usize, f.offset as usize), first, role));
                if let (true, Some((a, b))) = (listed, rep.key.range) {
                    let s = layout.span.entry(e).or_insert((a, b));
                    s.0 = s.0.min(a);
                    s.1 = s.1.max(b);
                }
            }
            if !listed {
                layout.left_out_per_doc[rep.key.doc as usize] += 1;
            } else {
                layout.events_per_doc[rep.key.doc as usize] += 1;
                layout.event_order.push((
                    rep.key.range.map(|(a, _)| a).unwrap_or(NaiveDate::MAX),
                    rep.key.doc,
                    rep.offset,
                    events.rep_of[r as usize],
                ));
            }
        }
        layout
    }
}

/// One row of timelines.csv: an event in an entity's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TimelineRow {
    pub entity_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// 1, 2, … in time order (equal for events with the same anchor and no ordering cue); 0 = undated.
    pub position: usize,
    /// The anchor as precise as it is (2025, 2025-04, 2025-04-03).
    pub date: String,
    pub date_start: String,
    pub date_end: String,
    pub precision: String,
    pub undated: bool,
    pub event_id: String,
    /// The entity's role: agent, participant or place.
    pub role: String,
    pub trigger: String,
    pub lemma: String,
    /// Where the entity's part in the event is first reported.
    pub doc: String,
    pub sentence_index: usize,
}

/// timelines.csv: every entity's events in order (undated at position 0), given `rows` (see
/// [`Layout::timeline_rows`]).
pub fn timeline_rows(ev: &Events<'_>, mut rows: Vec<(u32, OrderKey, u32, Role)>, mut emit: impl FnMut(TimelineRow) -> Result<()>) -> Result<()> {
    let (norm, facts, events) = (ev.norm, ev.facts, ev.clusters);
    rows.sort_by(|a, b| norm.entities[a.0 as usize].id.cmp(&norm.entities[b.0 as usize].id).then(a.1.cmp(&b.1)));
    for timeline in rows.chunk_by(|a, b| a.0 == b.0) {
        let order_keys: Vec<OrderKey> = timeline.iter().map(|r| r.1).collect();
        let pos = positions(&order_keys);
        let ent = &norm.entities[timeline[0].0 as usize];
        for (&(_, _, first, role), p) in timeline.iter().zip(pos) {
            let f = &facts[first as usize];
            let r = events.root[first as usize];
            let rep = &facts[events.rep_of[r as usize] as usize];
            let (value, precision) = (ev.strings.get(rep.value), ev.strings.get(rep.precision).to_string());
            let range = rep.key.range;
            emit(TimelineRow {
                entity_id: ent.id.clone(),
                name: ent.name.clone(),
                kind: ent.kind.clone(),
                position: p,
                date: date_label(range, &precision, value),
                date_start: range.map(|(a, _)| a.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                date_end: range.map(|(_, b)| b.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                precision,
                undated: range.is_none(),
                event_id: ev.event_id(r),
                role: role.as_str().to_string(),
                trigger: ev.strings.get(f.trigger).to_string(),
                lemma: ev.strings.get(f.lemma).to_string(),
                doc: ev.docs[f.key.doc as usize].to_string(),
                sentence_index: f.key.sentence as usize,
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_share_equal_anchors() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let k = |u, a: &str, b: &str, c, o| (u, d(a), d(b), c, 0, o);
        let keys = vec![
            k(false, "2025-05-04", "2025-05-04", 0, 5),
            k(true, "2025-01-01", "2025-01-01", 0, 1),
            k(false, "2025-02-01", "2025-02-28", 0, 3),
            k(false, "2025-05-04", "2025-05-04", 0, 9),
            k(false, "2025-05-04", "2025-05-04", -1, 7),
        ];
        assert_eq!(positions(&keys), vec![3, 0, 1, 3, 2]);
    }
}
