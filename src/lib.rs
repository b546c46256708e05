//! entline: folders of documents → an entity-centric event timeline.
//!
//! Stages, one module each, in the order they run; a module imports only from stages before it
//! (one exception: [`ner`] takes the event head's configuration and decoder from [`events`]; see
//! ARCHITECTURE.md): [`input`] (files → text) → [`text`] (words, sentences, noun phrases) →
//! [`time`] (temporal expressions, calendar) → [`ner`] (transformer NER; its event head is
//! configured and decoded by [`events`]) → [`places`] (the gazetteer), [`entities`] (canonical
//! names within and across documents) and [`coref`] (pronouns, descriptions) → [`events`] (event
//! mentions, their participants and anchors, merged into events across documents) → [`timeline`]
//! (entity timelines) → [`tables`] (the seven tables, named once) → [`export`] (CSV, JSON lines,
//! TimelineJS) and [`report`] (HTML timeline) → [`pipeline`] (runs them over files) →
//! [`analysis`] (the library's front door). [`conll`] reads and writes CoNLL-2003 for evaluation.
//! Below the stages: [`error`] (errors as values) and [`atomic`] (output files written whole or
//! not at all).
//!
//! The front door is [`Pipeline`] (see [`analysis`]): one call from a text to its entities, time
//! expressions and events.
//!
//! ```
//! let pipeline = entline::Pipeline::new(entline::Config::default())?;
//! let doc = entline::Document::new("Steve Jobs unveiled the iPhone in San Francisco on Tuesday.")
//!     .with_date(chrono::NaiveDate::from_ymd_opt(2007, 1, 10).expect("a date"));
//! let analysis = pipeline.process(&doc)?;
//! let event = analysis.events.iter().find(|e| e.trigger == "unveiled").expect("the event");
//! assert_eq!((event.date_start.as_str(), event.agents.as_str()), ("2007-01-09", "Steve Jobs"));
//! # Ok::<(), entline::Error>(())
//! ```

pub mod atomic;
pub mod conll;
pub mod conllu;
pub mod error;
pub mod export;
pub mod input;
pub mod ner;
pub mod text;

pub use error::{Error, Result};
pub mod analysis;
pub mod coref;
pub mod entities;
pub mod events;
pub mod pipeline;
pub mod places;
pub mod report;
pub mod tables;
pub mod time;
pub mod timeline;

pub use analysis::{Analysis, Config, Document, Pipeline};
pub use tables::Corpus;
