//! Names as they are compared: cleaned surface forms and match keys (entities and the gazetteer
//! both key on them).

use unicode_normalization::UnicodeNormalization;

/// Key used to match names: lower case, no periods, no leading "the", single spaces.
pub fn match_key(s: &str) -> String {
    let s = clean(s).to_lowercase().replace('.', "");
    let s = s.strip_prefix("the ").unwrap_or(&s).to_string();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFC, straight quotes, single spaces, no possessive.
pub fn clean(s: &str) -> String {
    let s: String = s
        .nfc()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_matches(|c: char| matches!(c, '"' | ',' | ';' | ':' | '(' | ')' | '[' | ']'));
    let s = s.strip_suffix("'s").or_else(|| s.strip_suffix("'S")).unwrap_or(s);
    // "the Joneses'" → drop a bare trailing apostrophe after s
    let s = if s.ends_with("s'") { &s[..s.len() - 1] } else { s };
    s.trim().to_string()
}
