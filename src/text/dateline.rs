//! Datelines: a line that is only a date, as under a headline. The sentence splitter keeps such a
//! line as a sentence of its own; the document-date readers (`time::dct`) use them too.

use std::sync::LazyLock;

use regex::Regex;

/// Month names and their abbreviations, as a regex alternation.
pub(crate) const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?";

/// A line that is only a date, as under a headline: "May 24, 2008", "January 09 , 2008" (text
/// tokenized before entline), "Tuesday, 24 May 2008", "2008-05-24", "WASHINGTON, May 24, 2008",
/// "LONDON 1996-08-22", "May 24, 2008 10:32 AM EDT", "NEW YORK, May 5 (Reuters) -". Before the date:
/// capitalized words (a place, a weekday), each group ended by a comma or a space; after it: a time,
/// a news agency in brackets, a dash.
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)
        ^\s*
        (?:[A-Z][\w.'&-]*(?:\s*,\s*|\s+))*
        (?:
            (?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:(?:\s*,\s*|\s+)(?:19|20)\d\d)?
          | \d{{1,2}}\s+(?:{MONTHS})(?:(?:\s*,\s*|\s+)(?:19|20)\d\d)?
          | (?:19|20)\d\d-\d\d-\d\d
        )
        (?:(?:\s*,\s*|\s+)(?:at\s+)?\d{{1,2}}[:.]\d\d(?:\s*[AaPp]\.?\s*[Mm]\.?)?(?:\s+[A-Z]{{2,4}})?)?
        (?:\s*\(\s*[^()]*\))?
        \s*[-–—]?\s*$"
    ))
    .expect("static regex")
});

/// Whether `line` is a dateline alone on its line ([`DATE_LINE`]); the sentence splitter keeps such
/// a line, and a headline above it, as sentences of their own.
pub fn is_date_line(line: &str) -> bool {
    line.len() <= 120 && DATE_LINE.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines() {
        for line in [
            "May 24, 2008",
            "January 09 , 2008",
            "  Tuesday, 24 May 2008 ",
            "2008-05-24",
            "WASHINGTON, May 24, 2008",
            "WASHINGTON , D.C. , May 24 , 2008",
            "LONDON 1996-08-22",
            "May 24, 2008 10:32 AM EDT",
            "Sept. 7, 2005 at 9:30 a.m.",
            "NEW YORK, May 5 (Reuters) -",
            "NEW YORK , May 5 ( Reuters ) -",
            "May 24",
        ] {
            assert!(is_date_line(line), "{line:?}");
        }
        for line in [
            "Apple to lower UK iTunes prices",
            "The meeting was moved to May 24, 2008",
            "May 24, 2008.",
            "May 24, 2008, was a Tuesday",
            "In 2008",
            "mid-May 2008",
            "",
        ] {
            assert!(!is_date_line(line), "{line:?}");
        }
    }
}
