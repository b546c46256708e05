//! `entline timeml`: TimeML files in, the same files with `<TIMEX3>`, `<EVENT>` and
//! `<MAKEINSTANCE>` elements inserted out (see [`crate::events::timeml`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::Warning;
use crate::error::Result;
use crate::events::{self, EventMention};
use crate::ner::Ner;
use crate::text::WordDoc;
use crate::time::timeml::TimeMl;
use crate::time::TimeTagger;

/// Documents read and tagged together (the model's batches span the documents of a group).
const GROUP: usize = 16;

/// What [`annotate_files`] did.
#[derive(Debug, Default)]
pub struct Annotated {
    /// Files written.
    pub written: usize,
    /// One message per file that could not be read, parsed or written.
    pub errors: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Annotate `files` into `out` (same file names): time expressions, and event mentions when `ner`
/// is given (a model with an event head). A failing file never stops the others.
pub fn annotate_files(files: &[PathBuf], out: &Path, ner: Option<&Ner>, tagger: &TimeTagger, doc_date: Option<NaiveDate>) -> Result<Annotated> {
    std::fs::create_dir_all(out).map_err(|e| crate::error::Error::io(out, e))?;
    let mut done = Annotated::default();
    for group in files.chunks(GROUP) {
        let raws: Vec<std::result::Result<String, String>> =
            group.par_iter().map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))).collect();
        let parsed: Vec<std::result::Result<(TimeMl, String), String>> = raws
            .iter()
            .zip(group)
            .map(|(r, f)| {
                let doc = TimeMl::parse(r.as_ref().map_err(Clone::clone)?).map_err(|e| format!("{}: {e}", f.display()))?;
                let visible = doc.visible_text();
                Ok((doc, visible))
            })
            .collect();
        let found: Vec<Vec<EventMention>> = match ner {
            Some(ner) => {
                let wdocs: Vec<WordDoc> = parsed.par_iter().filter_map(|p| p.as_ref().ok()).map(|(_, v)| WordDoc::from_text(v)).collect();
                let mut tagged = ner.analyze(&wdocs)?.into_iter().map(|t| t.events);
                parsed.iter().map(|p| if p.is_ok() { tagged.next().unwrap_or_default() } else { Vec::new() }).collect()
            }
            None => vec![Vec::new(); parsed.len()],
        };
        let results: Vec<(Option<Warning>, std::result::Result<(), String>)> = parsed
            .par_iter()
            .zip(found.par_iter())
            .zip(group.par_iter())
            .map(|((p, evs), f)| {
                let doc = match p {
                    Ok((doc, _)) => doc,
                    Err(e) => return (None, Err(e.clone())),
                };
                let warning = (doc.dct.is_none() && doc_date.is_none()).then(|| Warning::NoDct { path: f.clone() });
                let annotated = events::timeml::annotate(doc, tagger, doc_date, evs);
                let written = match f.file_name() {
                    Some(name) => {
                        let dest = out.join(name);
                        std::fs::write(&dest, annotated).map_err(|e| format!("{}: {e}", dest.display()))
                    }
                    None => Err(format!("{}: not a file name", f.display())),
                };
                (warning, written)
            })
            .collect();
        for (w, r) in results {
            done.warnings.extend(w);
            match r {
                Ok(()) => done.written += 1,
                Err(e) => done.errors.push(e),
            }
        }
    }
    Ok(done)
}
