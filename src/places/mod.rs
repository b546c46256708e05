//! Places as places: a gazetteer of countries, first-level divisions, cities and airports
//! ([`gazetteer`]), and the resolution of a document's place mentions to its entries
//! ([`resolve`]), with the evidence that chose each one.
//!
//! ```
//! use entline::places::{resolve_document, Gazetteer, PlaceMention};
//!
//! let g = Gazetteer::builtin()?;
//! // "Paris, Texas": two mentions, the second holds a reading of the first
//! let ms = [
//!     PlaceMention { start: 0, end: 5, sentence: 0, text: "Paris", label: "LOC", known: None, airport_context: false },
//!     PlaceMention { start: 7, end: 12, sentence: 0, text: "Texas", label: "LOC", known: None, airport_context: false },
//! ];
//! let r = resolve_document(g, &ms)[0].expect("a place");
//! assert_eq!((g.place(r.place).country.as_str(), r.confidence.as_str()), ("US", "context"));
//! // alone, the most populous Paris, flagged
//! let r = resolve_document(g, &ms[..1])[0].expect("a place");
//! assert_eq!((g.place(r.place).country.as_str(), r.confidence.as_str()), ("FR", "population"));
//! # Ok::<(), entline::Error>(())
//! ```

pub mod gazetteer;
pub mod resolve;

pub use gazetteer::{key, Gazetteer, Place, PlaceKind};
pub use resolve::{resolve_document, Confidence, PlaceMention, Resolved};
