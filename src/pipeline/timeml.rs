//! `entline timeml`: TimeML files in, the same files with `<TIMEX3>`, `<EVENT>` and
//! `<MAKEINSTANCE>` elements inserted out (see [`crate::events::timeml`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::Result;
use crate::events::{self, EventMention};
use crate::ner::Ner;
use crate::text::WordDoc;
use crate::time::timeml::TimeMl;
use crate::time::TimeTagger;

/// Documents read and tagged together (the model's batches span the documents of a group).
const GROUP: usize = 16;

/// Annotate `files` into `out` (same file names): time expressions, and event mentions when `ner`
/// is given (a model with an event head). Returns the number of files written and one message per
/// file that could not be read, parsed or written; a failing file never stops the others.
pub fn annotate_files(
    files: &[PathBuf],
    out: &Path,
    ner: Option<&Ner>,
    tagger: &TimeTagger,
    doc_date: Option<NaiveDate>,
) -> Result<(usize, Vec<String>)> {
    std::fs::create_dir_all(out).map_err(|e| crate::Error::io(out, e))?;
    let (mut ok, mut errors) = (0, Vec::new());
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
        let results: Vec<std::result::Result<(), String>> = parsed
            .par_iter()
            .zip(found.par_iter())
            .zip(group.par_iter())
            .map(|((p, evs), f)| {
                let (doc, _) = p.as_ref().map_err(Clone::clone)?;
                if doc.dct.is_none() && doc_date.is_none() {
                    eprintln!("entline: warning: {}: no DCT; relative expressions left unresolved", f.display());
                }
                let annotated = events::timeml::annotate(doc, tagger, doc_date, evs);
                let name = f.file_name().ok_or_else(|| format!("{}: not a file name", f.display()))?;
                let dest = out.join(name);
                std::fs::write(&dest, annotated).map_err(|e| format!("{}: {e}", dest.display()))
            })
            .collect();
        for r in results {
            match r {
                Ok(()) => ok += 1,
                Err(e) => errors.push(e),
            }
        }
    }
    Ok((ok, errors))
}
