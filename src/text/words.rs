//! Penn-Treebank-like word tokenization with byte offsets.

/// One word of the original text: `&text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations that keep their final period (besides letter-dot sequences such as "U.S." and
/// single-letter initials). Lower-case comparison.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "maj", "adm", "cmdr", "st", "jr", "sr", "inc", "corp",
    "co", "ltd", "bros", "no", "nos", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
    "ave", "blvd", "rd", "dept", "univ", "assn", "est", "approx", "fig", "vol", "pp", "rev", "hon", "pres", "supt", "messrs", "mme", "mlle", "ph.d",
    "a.m", "p.m", "e.g", "i.e", "u.s", "u.k", "u.n", "d.c", "calif", "colo", "conn", "fla", "ill", "ind", "kan", "mass", "mich", "minn", "miss",
    "nev", "okla", "ore", "pa", "tenn", "tex", "va", "wash", "wis", "ariz", "ark", "ga", "la", "md", "mo", "neb", "wyo", "del", "ky", "ala", "cal",
    "n.y", "n.j",
];

/// English clitics split off the end of a word, as in the CoNLL/PTB tokenization.
const CLITICS: &[&str] = &["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_open_punct(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '{' | '<' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '\u{201E}' | '¿' | '¡' | '`' | '*' | '#' | '\u{2022}')
}

fn is_close_punct(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '>' | ',' | ';' | ':' | '!' | '?' | '.' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | '\u{2026}' | '*')
}

/// Characters that always stand alone: dashes used as punctuation, ellipsis, slashes between spaces.
fn is_hard_separator(c: char) -> bool {
    matches!(c, '\u{2014}' | '\u{2015}' | '\u{2013}' | '\u{2026}' | '|' | '\u{00B7}')
}

/// Split `text` into tokens. Never panics, never loses a non-space character: the tokens cover
/// every non-whitespace byte of the input exactly once, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut chunk_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' {
            if let Some(s) = chunk_start.take() {
                split_chunk(text, s, i, &mut out);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
    }
    if let Some(s) = chunk_start {
        split_chunk(text, s, text.len(), &mut out);
    }
    out
}

/// Split a whitespace-free chunk at hard separators ("—", "–", "…", "--", "...") and peel it.
fn split_chunk(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let s = &text[start..end];
    let bytes = s.as_bytes();
    let mut piece_start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let sep_len = if is_hard_separator(c) {
            // An en dash between digits ("2019–2020") stays inside the token.
            if c == '\u{2013}' && i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 3).is_some_and(|b| b.is_ascii_digit()) {
                0
            } else {
                c.len_utf8()
            }
        } else if c == '-' && bytes.get(i + 1) == Some(&b'-') {
            bytes[i..].iter().take_while(|&&b| b == b'-').count()
        } else if c == '.' && bytes.get(i + 1) == Some(&b'.') && bytes.get(i + 2) == Some(&b'.') {
            bytes[i..].iter().take_while(|&&b| b == b'.').count()
        } else {
            0
        };
        if sep_len > 0 {
            if piece_start < i {
                peel(text, start + piece_start, start + i, out);
            }
            out.push(Token { start: start + i, end: start + i + sep_len });
            piece_start = i + sep_len;
            while iter.peek().is_some_and(|&(j, _)| j < piece_start) {
                iter.next();
            }
        }
    }
    if piece_start < s.len() {
        peel(text, start + piece_start, end, out);
    }
}

/// A clitic standing alone, as in pre-tokenized text ("Apple 's iTunes"): one token, not a quote
/// and a letter.
fn is_detached_clitic(piece: &str) -> bool {
    piece.starts_with(is_apostrophe) && CLITICS.contains(&fold_apostrophes(&piece.to_lowercase()).as_str())
}

/// Every apostrophe form as the ASCII one.
fn fold_apostrophes(s: &str) -> String {
    s.chars().map(|c| if is_apostrophe(c) { '\'' } else { c }).collect()
}

/// Peel leading/trailing punctuation and clitics off one piece.
fn peel(text: &str, mut start: usize, mut end: usize, out: &mut Vec<Token>) {
    if is_detached_clitic(&text[start..end]) {
        out.push(Token { start, end });
        return;
    }
    // leading punctuation, one char per token; keep "'90s"
    while start < end {
        let c = text[start..end].chars().next().unwrap_or(' ');
        let next = text[start + c.len_utf8()..end].chars().next();
        if !is_open_punct(c) || (is_apostrophe(c) && next.is_some_and(|n| n.is_ascii_digit())) {
            break;
        }
        out.push(Token { start, end: start + c.len_utf8() });
        start += c.len_utf8();
    }
    let mut tail: Vec<Token> = Vec::new();
    loop {
        if start >= end {
            break;
        }
        let core = &text[start..end];
        let Some(c) = core.chars().next_back() else { break };
        if c == '.' {
            let stem = &core[..core.len() - 1];
            if stem.is_empty() || !is_abbreviation(stem) {
                tail.push(Token { start: end - 1, end });
                end -= 1;
                continue;
            }
            break;
        }
        if is_close_punct(c) {
            // keep a word-final apostrophe as its own token only after a letter ("states'")
            tail.push(Token { start: end - c.len_utf8(), end });
            end -= c.len_utf8();
            continue;
        }
        break;
    }
    if start < end {
        let core = &text[start..end];
        let mut split_at = None;
        for cl in CLITICS {
            if let Some(pos) = clitic_position(core, cl) {
                split_at = Some(pos);
                break;
            }
        }
        match split_at {
            Some(p) if p > 0 => {
                out.push(Token { start, end: start + p });
                out.push(Token { start: start + p, end });
            }
            _ => out.push(Token { start, end }),
        }
    }
    out.extend(tail.into_iter().rev());
}

/// Byte position where clitic `cl` starts at the end of `word` (apostrophe may be typographic).
fn clitic_position(word: &str, cl: &str) -> Option<usize> {
    let lower = word.to_lowercase();
    // only where lower-casing maps each char to one char, so that char positions in `lower` are
    // char positions in `word` (equal byte lengths alone do not say so: "\u{212A}\u{130}\u{130}'s")
    if lower.len() != word.len() || lower.chars().count() != word.chars().count() {
        return None;
    }
    let folded = fold_apostrophes(&lower);
    // typographic apostrophes are 3 bytes; compare in chars
    let fc: Vec<char> = folded.chars().collect();
    let cc: Vec<char> = cl.chars().collect();
    if fc.len() <= cc.len() || fc[fc.len() - cc.len()..] != cc[..] {
        return None;
    }
    // the stem must contain a letter ("'s" alone is a token already)
    let stem_chars = fc.len() - cc.len();
    if !fc[..stem_chars].iter().any(|c| c.is_alphabetic()) {
        return None;
    }
    Some(word.char_indices().nth(stem_chars).map(|(i, _)| i).unwrap_or(word.len()))
}

fn is_abbreviation(stem: &str) -> bool {
    let chars: Vec<char> = stem.chars().collect();
    // single letter initial: "J."
    if chars.len() == 1 && chars[0].is_alphabetic() {
        return true;
    }
    // letter-dot sequences: "U.S", "U.S.A", "a.m"
    if chars.len() >= 3 && chars.iter().enumerate().all(|(i, c)| if i % 2 == 0 { c.is_alphabetic() } else { *c == '.' }) {
        return true;
    }
    let lower = stem.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<&str> {
        tokenize(t).iter().map(|w| w.text(t)).collect()
    }

    #[test]
    fn ptb_like_tokens() {
        assert_eq!(words("President Donald Trump’s efforts."), ["President", "Donald", "Trump", "’s", "efforts", "."]);
        assert_eq!(words("deploy U.S. troops"), ["deploy", "U.S.", "troops"]);
        assert_eq!(words("the U.S."), ["the", "U.S."]);
        assert_eq!(words("“She’s so afraid,” Trump"), ["“", "She", "’s", "so", "afraid", ",", "”", "Trump"]);
        assert_eq!(words("remarks—unscripted"), ["remarks", "—", "unscripted"]);
        assert_eq!(words("Organizations (FTOs)—a move"), ["Organizations", "(", "FTOs", ")", "—", "a", "move"]);
        assert_eq!(words("drug-smuggling gangs"), ["drug-smuggling", "gangs"]);
        assert_eq!(words("don't"), ["do", "n't"]);
        assert_eq!(words("woman…but"), ["woman", "…", "but"]);
        assert_eq!(words("Mr. Smith"), ["Mr.", "Smith"]);
        assert_eq!(words("in the '90s."), ["in", "the", "'90s", "."]);
        assert_eq!(words("$1,000.50 and 3.5%"), ["$1,000.50", "and", "3.5%"]);
        assert_eq!(words("wait... what"), ["wait", "...", "what"]);
        assert_eq!(words("1996-08-22"), ["1996-08-22"]);
        assert_eq!(words("2019–2020"), ["2019–2020"]);
        // pre-tokenized text keeps its clitics whole
        assert_eq!(words("Apple 's iTunes , they ’re here"), ["Apple", "'s", "iTunes", ",", "they", "’re", "here"]);
        assert_eq!(words("'sup 's-Hertogenbosch"), ["'", "sup", "'", "s-Hertogenbosch"]);
    }

    #[test]
    fn clitics_after_case_mappings_of_other_lengths() {
        // 'K' (Kelvin sign, 3 bytes) lower-cases to 'k' (1 byte), 'İ' (2 bytes) to "i̇" (3 bytes,
        // two chars): the same length in bytes, but not in chars, so the clitic was looked for at
        // the wrong char and an empty token came out
        let t = "\u{212A}\u{130}\u{130}'s";
        assert_eq!(t.len(), t.to_lowercase().len());
        for w in tokenize(t) {
            assert!(w.start < w.end, "{:?}", tokenize(t));
        }
        assert_eq!(words(t), [t]);
        assert_eq!(words("\u{2126}mega's"), ["\u{2126}mega's"]);
        assert_eq!(words("Zoë's"), ["Zoë", "'s"]);
    }

    #[test]
    fn offsets_cover_all_non_space_text() {
        let samples = [
            "Zoë Saldaña met 😀 José in São Paulo.\r\nThen “they” left…",
            "a\u{00A0}b\u{200B}c —— ''' ,,, ... --- ?!",
            "'''",
            "'",
            "''s",
            "...",
            "U.S.A.",
            "“",
            "..",
            "-",
            "—",
            "a.",
            ".a",
            "’s",
            "o'clock",
        ];
        for t in samples {
            let toks = tokenize(t);
            let mut prev = 0;
            for tok in &toks {
                assert!(tok.start >= prev && tok.end > tok.start, "{t:?}: {toks:?}");
                assert!(t[prev..tok.start].chars().all(|c| c.is_whitespace() || c == '\u{200B}'), "{t:?}");
                prev = tok.end;
            }
            assert!(t[prev..].chars().all(|c| c.is_whitespace() || c == '\u{200B}'), "{t:?}");
        }
    }
}
