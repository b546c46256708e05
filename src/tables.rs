//! The seven tables of a run, named once: each table's name (its file is `NAME.csv` or
//! `NAME.jsonl`), its row type and, from the row type's fields, its columns. The library's
//! [`Corpus`] and [`Analysis`], the sinks of `extract` and `merge` ([`Tables`]) and the
//! report, which reads events.csv and entities.csv back, take them from here. A new column is a
//! new field of its row type (rows live with their stage: [`MentionRow`] and [`EntityRow`] in
//! `entities`, [`TimexRow`] in `time`, [`EventMentionRow`] and [`Event`] in `events`,
//! [`TimelineRow`] in `timeline`; [`DocumentRow`] here).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use crate::entities::rows::{EntityRow, Extent, MentionRow};
use crate::error::Result;
pub use crate::events::record::{Event, EventMentionRow};
pub use crate::text::Located;
pub use crate::time::TimexRow;
pub use crate::timeline::TimelineRow;

/// One row of documents.csv: a document, the kind of input it came from, its date and where the
/// date came from, its outcome and counts.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct DocumentRow {
    pub doc: String,
    /// The input kind (`text`, `html`, `timeml`, `pdf`, `docx`, `odt`, `email`); empty for a
    /// missing shard (and in tables written before the column).
    #[serde(default)]
    pub kind: String,
    pub dct: String,
    pub dct_source: String,
    pub status: String,
    pub error: String,
    pub sentences: usize,
    pub mentions: usize,
    pub timexes: usize,
    pub events: usize,
    pub event_mentions: usize,
}

/// The row type of one of the tables.
pub trait Row: Serialize + DeserializeOwned + Default + Clone {
    /// The table's name: its files are `TABLE.csv` and `TABLE.jsonl`.
    const TABLE: &'static str;

    /// The table's columns: the row type's fields, in order.
    fn columns() -> Vec<String> {
        columns_of::<Self>()
    }

    /// The table's rows in a [`Corpus`].
    fn rows(corpus: &mut Corpus) -> &mut Vec<Self>;
}

/// The tables: `name: row type`, documents first, in the order of [`Corpus`]'s and
/// [`Analysis`]'s fields.
macro_rules! tables {
    ($(#[$ddoc:meta])* documents: $drow:ty; $($(#[$doc:meta])* $name:ident: $row:ty),* $(,)?) => {
        /// Every table of a batch in memory, as `Pipeline::process_batch` returns them: the
        /// rows `entline extract` writes into its files, in the same order.
        #[derive(Debug, Clone, Default, Serialize)]
        pub struct Corpus {
            $(#[$ddoc])*
            pub documents: Vec<$drow>,
            $($(#[$doc])* pub $name: Vec<$row>,)*
        }

        /// Everything entline finds in one document (`Pipeline::process`): the rows of its tables
        /// that belong to it.
        #[derive(Debug, Clone, Default, Serialize)]
        pub struct Analysis {
            $(#[$ddoc])*
            pub document: $drow,
            $($(#[$doc])* pub $name: Vec<$row>,)*
        }

        impl Corpus {
            /// The analysis of a batch of one document; `None` without a document row.
            pub fn into_analysis(mut self) -> Option<Analysis> {
                let document = self.documents.pop()?;
                Some(Analysis { document, $($name: self.$name,)* })
            }
        }

        impl Row for $drow {
            const TABLE: &'static str = "documents";

            fn rows(corpus: &mut Corpus) -> &mut Vec<Self> {
                &mut corpus.documents
            }
        }

        $(impl Row for $row {
            const TABLE: &'static str = stringify!($name);

            fn rows(corpus: &mut Corpus) -> &mut Vec<Self> {
                &mut corpus.$name
            }
        })*

        /// Each table's name and columns.
        pub fn tables() -> Vec<(&'static str, Vec<String>)> {
            vec![("documents", <$drow as Row>::columns()), $((stringify!($name), <$row as Row>::columns())),*]
        }
    };
}

tables! {
    /// documents.csv: each document's date and where it came from, outcome, counts.
    documents: DocumentRow;
    /// Named mentions, then resolved pronouns and descriptions (`reference` says which), in text
    /// order, with the entity each refers to.
    mentions: MentionRow,
    /// Time expressions with TimeML types and values.
    timexes: TimexRow,
    /// Event triggers with class, tense, anchor, participants, and the event they report.
    event_mentions: EventMentionRow,
    /// The entities named, merged under canonical names, most mentioned first.
    entities: EntityRow,
    /// The events in which an entity takes part, in date order.
    events: Event,
    /// Each entity's events in time order.
    timelines: TimelineRow,
}

/// Where the tables go, row by row, in this order: mentions and time expressions (per
/// document), documents, entities, event mentions, events (in date order), entity timelines.
pub trait Tables {
    fn row<R: Row>(&mut self, row: &R) -> Result<()>;

    /// All entity rows at once, most mentioned first (the report needs them before the events).
    fn entities(&mut self, rows: &[EntityRow]) -> Result<()> {
        rows.iter().try_for_each(|r| self.row(r))
    }

    /// A documents.csv row (the report counts the documents read by kind; they come before the
    /// entities).
    fn document(&mut self, row: &DocumentRow) -> Result<()> {
        self.row(row)
    }

    /// An event row (the TimelineJS sheet and the report take them too).
    fn event(&mut self, row: &Event) -> Result<()> {
        self.row(row)
    }
}

impl DocumentRow {
    /// The input kind of a document that was read (`ok`), the one thing the counts by kind (the
    /// JSON summary's, the report's) count.
    pub fn kind_read(&self) -> Option<&str> {
        (self.status == "ok" && !self.kind.is_empty()).then_some(self.kind.as_str())
    }
}

/// Documents read by input kind, from documents.csv rows ([`DocumentRow::kind_read`]).
pub fn kinds_read<'a>(rows: impl IntoIterator<Item = &'a DocumentRow>) -> std::collections::BTreeMap<String, usize> {
    let mut kinds = std::collections::BTreeMap::new();
    for kind in rows.into_iter().filter_map(DocumentRow::kind_read) {
        *kinds.entry(kind.to_string()).or_default() += 1;
    }
    kinds
}

impl Tables for Corpus {
    fn row<R: Row>(&mut self, row: &R) -> Result<()> {
        R::rows(self).push(row.clone());
        Ok(())
    }
}

/// Column names of a record type, from a sample value (field order as declared).
pub fn columns_of<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Guard a cell against spreadsheet formula injection.
pub fn guard_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// First characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Undo [`guard_cell`] (`'=…` → `=…`) when reading a table back.
pub fn unguard_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_its_columns() {
        let names: Vec<&str> = tables().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["documents", "mentions", "timexes", "event_mentions", "entities", "events", "timelines"]);
        assert!(tables().iter().all(|(_, c)| !c.is_empty()));
        assert_eq!(Event::TABLE, "events");
        assert_eq!(unguard_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard_cell("'quoted'"), "'quoted'");
    }
}
