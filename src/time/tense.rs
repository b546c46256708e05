//! Tense of the clause around a temporal expression, from lexical cues (no parser needed):
//! the tense marker nearest to the expression within its sentence decides.

/// Tense of a sentence around a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Present,
    Future,
    Unknown,
}

/// Strong future cues only: modal "would", "could", "may" are as common in past narration.
const FUTURE: &[&str] = &[
    "will",
    "'ll",
    "shall",
    "won't",
    "wo",
    "going",
    "gonna",
    "plans",
    "plan",
    "scheduled",
    "due",
    "upcoming",
    "next",
    "until",
    "till",
    "effective",
    "expected",
    "expects",
    "pending",
    "soon",
    "planning",
    "intends",
    "intend",
    "aims",
];

/// Future cues that are nouns unless "to" follows ("plans to" / "vacation plans").
const NOUN_UNLESS_TO: &[&str] = &["plan", "plans"];

/// Modals of future-in-the-past and possibility: they give no tense, but a clause with one is not
/// told by a farther past-tense verb ("said the father would be traveling Thursday").
const WEAK_MODAL: &[&str] = &["would", "could", "might"];

/// Future cues that describe a plan; after "had (been)" they speak of the past.
const PLAN: &[&str] = &["due", "scheduled", "expected", "planned", "set", "going"];

const PRESENT: &[&str] = &["is", "are", "am", "says", "say", "has", "have", "does", "do", "remains", "continues"];

const PAST: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "said",
    "told",
    "went",
    "came",
    "took",
    "made",
    "gave",
    "got",
    "met",
    "held",
    "left",
    "saw",
    "knew",
    "thought",
    "found",
    "became",
    "began",
    "brought",
    "bought",
    "sold",
    "paid",
    "fell",
    "rose",
    "won",
    "lost",
    "sent",
    "spent",
    "built",
    "led",
    "ran",
    "wrote",
    "spoke",
    "broke",
    "chose",
    "drove",
    "flew",
    "grew",
    "struck",
    "stood",
    "shook",
    "threw",
    "wore",
    "felt",
    "kept",
    "meant",
    "slid",
    "sank",
    "swore",
    "caught",
    "taught",
    "fought",
    "sought",
    "hit",
    "cut",
    "quit",
    "ago",
    "earlier",
    "last",
    "yesterday",
    "wasn't",
    "weren't",
    "didn't",
    "hadn't",
    "arose",
    "forgot",
    "hid",
    "lay",
    "rode",
    "shot",
    "split",
    "spread",
    "stole",
    "swept",
    "tore",
    "woke",
    "withdrew",
    "overtook",
    "underwent",
    "oversaw",
];

/// Words after which a verb is in its base form ("will succeed", "to proceed") or a participle
/// ("would be held", "has been named"): the auxiliary, not the verb, carries the tense.
const BASE_FORM_AFTER: &[&str] = &[
    "will", "to", "would", "could", "can", "may", "might", "must", "should", "shall", "not", "be", "been", "being", "is", "are", "was", "were",
    "has", "have", "had",
];

/// Words ending in -ed that are not past-tense verbs.
const NOT_PAST_ED: &[&str] = &[
    "need",
    "needed",
    "speed",
    "red",
    "bed",
    "hundred",
    "seed",
    "indeed",
    "united",
    "limited",
    "based",
    "related",
    "proposed",
    "expected",
    "scheduled",
    "planned",
    "shed",
    "feed",
    "breed",
    "deed",
    "weed",
    "greed",
    "bred",
    "fled",
    "sled",
    "led",
    "wed",
    "shred",
    "biased",
    "detailed",
    "advanced",
    "interested",
    "concerned",
    "unprecedented",
    "supposed",
    "used",
    "owned",
    "listed",
    "combined",
    "estimated",
    "adjusted",
    "diluted",
    "succeed",
    "exceed",
    "proceed",
    "embed",
    "bleed",
    "heed",
];

fn is_past_word(w: &str) -> bool {
    if PAST.contains(&w) {
        return true;
    }
    w.len() > 4 && w.ends_with("ed") && !NOT_PAST_ED.contains(&w) && w.chars().all(|c| c.is_ascii_lowercase())
}

/// Words of a sentence with byte spans, lower-cased, apostrophes folded.
fn words(sentence: &str) -> impl Iterator<Item = (usize, usize, String)> + '_ {
    WORD.find_iter(sentence).map(|m| (m.start(), m.end(), m.as_str().to_lowercase().replace('\u{2019}', "'")))
}

static WORD: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"[\p{L}\p{N}](?:[\p{L}\p{N}'’-]*[\p{L}\p{N}])?").expect("static regex"));

/// Distance of a cue at `start..end` from the expression at `skip`, in words; cues after the
/// expression, and cues across clause punctuation, count more (they rarely govern it).
fn distance(sentence: &str, start: usize, end: usize, skip: &std::ops::Range<usize>) -> Option<usize> {
    if start < skip.end.max(skip.start + 1) && end > skip.start {
        return None;
    }
    let (gap, after) = if end <= skip.start { (&sentence[end..skip.start], false) } else { (&sentence[skip.end..start], true) };
    // clause punctuation (the ';' of a character entity such as "&amp;" is not)
    static ENTITY: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);").expect("static regex"));
    let gap = ENTITY.replace_all(gap, " ");
    let n_punct = gap.chars().filter(|c| matches!(c, ',' | ';' | ':' | '\u{2014}' | '\u{2013}' | '(' | ')')).count();
    let n_words = WORD.find_iter(&gap).count();
    Some(n_words + 5 * n_punct + if after { 3 } else { 0 })
}

/// Tense of `sentence` as seen from the temporal expression at byte range `skip` inside it.
pub fn tense_at(sentence: &str, skip: std::ops::Range<usize>) -> Tense {
    let mut best: Option<(usize, Tense)> = None;
    let ws: Vec<(usize, usize, String)> = words(sentence).collect();
    for (k, (start, end, w)) in ws.iter().enumerate() {
        let (start, end, w) = (*start, *end, w.as_str());
        let before = |n: usize| if k >= n { ws[k - n].2.as_str() } else { "" };
        let after = ws.get(k + 1).map_or("", |x| x.2.as_str());
        // "had been due to expire Friday", "had been scheduled": a plan seen from the past
        let pluperfect = PLAN.contains(&w) && (before(1) == "had" || (before(2) == "had" && before(1) == "been"));
        let t = if pluperfect {
            Tense::Past
        } else if after == "to" && matches!(w, "set" | "is" | "are") {
            // "set to resume Monday", "is to resume trading Tuesday": a plan
            Tense::Future
        } else if w == "next" && after == "to" {
            // "next to the embassy": a place
            continue;
        } else if matches!(w, "has" | "have" | "'ve") && (after == "been" || is_past_word(after)) {
            // the present perfect ("have been killed", "has announced") reports a past event
            Tense::Past
        } else if NOUN_UNLESS_TO.contains(&w) && after != "to" {
            // "vacation plans" is a noun; "plans to" the verb
            continue;
        } else if WEAK_MODAL.contains(&w) {
            // "would be traveling Thursday": future seen from the past; no tense of its own, but
            // nearer than the reporting verb
            Tense::Unknown
        } else if w.ends_with("'ll") || FUTURE.contains(&w) {
            Tense::Future
        } else if is_past_word(w) && !BASE_FORM_AFTER.contains(&before(1)) {
            Tense::Past
        } else if PRESENT.contains(&w) {
            Tense::Present
        } else {
            continue;
        };
        let Some(dist) = distance(sentence, start, end, &skip) else { continue };
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, t));
        }
    }
    best.map(|(_, t)| t).unwrap_or(Tense::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, expr: &str) -> Tense {
        let p = s.find(expr).unwrap();
        tense_at(s, p..p + expr.len())
    }

    #[test]
    fn cues() {
        assert_eq!(at("Trump told reporters Sunday aboard Air Force One.", "Sunday"), Tense::Past);
        assert_eq!(at("The talks will resume Sunday.", "Sunday"), Tense::Future);
        assert_eq!(at("He said the plant will close in January.", "January"), Tense::Future);
        assert_eq!(at("Prices rose in January.", "January"), Tense::Past);
        assert_eq!(at("The meeting is on Friday.", "Friday"), Tense::Present);
        assert_eq!(at("Friday.", "Friday"), Tense::Unknown);
        assert_eq!(at("The offer had been due to expire Friday evening.", "Friday"), Tense::Past);
        assert_eq!(at("It had been scheduled to expire at midnight Friday.", "Friday"), Tense::Past);
        assert_eq!(at("The offer is due to expire Friday.", "Friday"), Tense::Future);
        assert_eq!(at("On Friday, when she set aside vacation plans, the office lifted a warning.", "Friday"), Tense::Past);
        assert_eq!(at("She plans to leave Friday.", "Friday"), Tense::Future);
        assert_eq!(at("The peace process, set to resume Monday in Belfast, stalled.", "Monday"), Tense::Future);
        assert_eq!(at("He is to resume trading in Paris Tuesday.", "Tuesday"), Tense::Future);
        assert_eq!(at("Smith, 58 years old, will succeed Daniel P. Davison Feb. 1, soon after.", "Feb. 1"), Tense::Future);
        assert_eq!(at("He added that an accession would still be held at the summit on April 24.", "April 24"), Tense::Unknown);
        assert_eq!(at("He announced that the father would be traveling Thursday.", "Thursday"), Tense::Unknown);
        assert_eq!(at("Many have been killed in the blasts next to the embassies on Friday.", "Friday"), Tense::Past);
        assert_eq!(at("The company has announced on Monday that it would sell.", "Monday"), Tense::Past);
        assert_eq!(at("The company has no plans for Monday.", "Monday"), Tense::Present);
    }
}
