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
const FUTURE: &[&str] =
    &["will", "'ll", "shall", "won't", "wo", "going", "gonna", "plans", "plan", "scheduled", "due", "upcoming", "next"];

const PRESENT: &[&str] = &["is", "are", "am", "says", "say", "has", "have", "does", "do", "remains", "continues"];

const PAST: &[&str] = &[
    "was", "were", "had", "did", "said", "told", "went", "came", "took", "made", "gave", "got", "met", "held",
    "left", "saw", "knew", "thought", "found", "became", "began", "brought", "bought", "sold", "paid", "fell",
    "rose", "won", "lost", "sent", "spent", "built", "led", "ran", "wrote", "spoke", "broke", "chose", "drove",
    "flew", "grew", "struck", "stood", "shook", "threw", "wore", "felt", "kept", "meant", "slid", "sank",
    "swore", "caught", "taught", "fought", "sought", "hit", "cut", "quit", "ago", "earlier", "last",
    "yesterday", "wasn't", "weren't", "didn't", "hadn't", "arose", "forgot", "hid", "lay", "rode", "shot",
    "split", "spread", "stole", "swept", "tore", "woke", "withdrew", "overtook", "underwent", "oversaw",
];

/// Words ending in -ed that are not past-tense verbs.
const NOT_PAST_ED: &[&str] = &[
    "need", "needed", "speed", "red", "bed", "hundred", "seed", "indeed", "united", "limited", "based",
    "related", "proposed", "expected", "scheduled", "planned", "shed", "feed", "breed", "deed", "weed", "greed",
    "bred", "fled", "sled", "led", "wed", "shred", "biased", "detailed", "advanced", "interested", "concerned",
    "unprecedented", "supposed", "used", "owned", "listed", "combined", "estimated", "adjusted", "diluted",
];

fn is_past_word(w: &str) -> bool {
    if PAST.contains(&w) {
        return true;
    }
    w.len() > 4 && w.ends_with("ed") && !NOT_PAST_ED.contains(&w) && w.chars().all(|c| c.is_ascii_lowercase())
}

/// Tense of `sentence` as seen from byte offset `pos` (the temporal expression) inside it.
/// `skip` is the byte range of the expression itself, whose words are not cues.
pub fn tense_at(sentence: &str, skip: std::ops::Range<usize>) -> Tense {
    let mut best: Option<(usize, Tense)> = None;
    let mut pos = 0usize;
    for raw in sentence.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '"' | '(' | ')')) {
        let start = pos;
        pos += raw.len() + 1;
        if raw.is_empty() || (start >= skip.start && start < skip.end) {
            continue;
        }
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase().replace('\u{2019}', "'");
        let w = w.as_str();
        let t = if w.ends_with("'ll") || FUTURE.contains(&w) {
            Tense::Future
        } else if is_past_word(w) {
            Tense::Past
        } else if PRESENT.contains(&w) || w.ends_with("'s") && false {
            Tense::Present
        } else {
            continue;
        };
        let dist = if start < skip.start { skip.start - start } else { start.saturating_sub(skip.end) };
        // cues before the expression count a little more (they usually govern it)
        let dist = if start < skip.start { dist } else { dist + 8 };
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
    }
}
