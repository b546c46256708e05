//! Names as they are compared: cleaned surface forms and match keys (entities and the gazetteer
//! both key on them), the key of an entity's name (without a company's legal form), and what is
//! never a name (a determiner alone, an amount, a currency symbol), from `names.toml`.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

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

/// The built-in list of what names are not and what they may carry (`names.toml`).
pub const BUILTIN_NAME_WORDS: &str = include_str!("names.toml");

/// The word lists of `names.toml` (see its header).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNameWords {
    determiners: Vec<String>,
    legal_forms: Vec<String>,
    scale_words: Vec<String>,
    currency_words: Vec<String>,
}

/// The lists, ready to match: determiners and amount words lower-cased, each legal form as its
/// words without periods and commas, longest first.
#[derive(Debug)]
pub struct NameWords {
    determiners: HashSet<String>,
    legal_forms: Vec<Vec<String>>,
    scale_words: HashSet<String>,
    /// currency names, lower-cased ("euros")
    currency_names: HashSet<String>,
    /// ISO 4217 codes, as written ("USD")
    currency_codes: HashSet<String>,
}

impl NameWords {
    /// Read a `names.toml`; `origin` names it in errors.
    pub fn parse(src: &str, origin: &str) -> Result<Self> {
        let raw: RawNameWords = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
        let lower = |l: &[String]| l.iter().map(|w| w.to_lowercase()).collect::<HashSet<_>>();
        let mut legal_forms: Vec<Vec<String>> = raw.legal_forms.iter().map(|f| f.split_whitespace().map(bare).collect()).collect();
        legal_forms.retain(|f: &Vec<String>| !f.is_empty() && f.iter().all(|w| !w.is_empty()));
        legal_forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        legal_forms.dedup();
        Ok(NameWords {
            determiners: lower(&raw.determiners),
            legal_forms,
            scale_words: lower(&raw.scale_words),
            currency_names: lower(&raw.currency_words.iter().filter(|w| !is_code(w)).cloned().collect::<Vec<_>>()),
            currency_codes: raw.currency_words.iter().filter(|w| is_code(w)).cloned().collect(),
        })
    }

    /// The built-in lists (parsed once).
    pub fn builtin() -> &'static NameWords {
        static LOADED: LazyLock<NameWords> =
            LazyLock::new(|| NameWords::parse(BUILTIN_NAME_WORDS, "names.toml").expect("the built-in names.toml is well-formed (checked by a test)"));
        &LOADED
    }

    /// A determiner ("The", "an").
    pub fn is_determiner(&self, word: &str) -> bool {
        self.determiners.contains(&word.to_lowercase())
    }

    /// Whether a mention's text can name nothing: a determiner alone, or an amount or currency
    /// symbol ("US$", "$ 150 million", "50 euros"; see the header of `names.toml`).
    pub fn never_a_name(&self, text: &str) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        words.is_empty() || self.lone_determiner(text) || self.is_amount(&words)
    }

    /// Whether a mention's text is a determiner alone ("The").
    pub fn lone_determiner(&self, text: &str) -> bool {
        let mut words = text.split_whitespace();
        matches!((words.next(), words.next()), (Some(w), None) if self.is_determiner(w))
    }

    fn is_amount(&self, words: &[&str]) -> bool {
        let (mut symbol, mut number, mut scale, mut currency) = (false, false, false, false);
        let trim = |w: &'_ str| -> String { w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | ':')).to_string() };
        for (k, w) in words.iter().enumerate() {
            let w = trim(w);
            let w = w.as_str();
            let lower = w.to_lowercase();
            let prefix_of_next = words.get(k + 1).is_some_and(|n| n.starts_with(is_currency_symbol));
            if prefix_of_next && !w.is_empty() && w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase()) {
                // "US $ 120 million", as tokenized text writes "US$"
                continue;
            }
            if w.chars().any(is_currency_symbol) {
                // "$", "US$", "€5", "$2.3bn", "5€": up to three capitals glued before the symbol,
                // then the symbol, a number and a scale word, the symbol first or last
                let prefix = w.find(|c: char| !c.is_ascii_uppercase()).filter(|&p| p <= 3 && w[p..].starts_with(is_currency_symbol)).unwrap_or(0);
                let core = w[prefix..].trim_matches(is_currency_symbol);
                let digits = core.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '\''))).unwrap_or(core.len());
                let (num, tail) = core.split_at(digits);
                if core.contains(is_currency_symbol) || (!tail.is_empty() && (num.is_empty() || !self.scale_words.contains(&tail.to_lowercase()))) {
                    return false;
                }
                symbol = true;
                number |= !num.is_empty();
            } else if is_number(w) {
                number = true;
            } else if self.scale_words.contains(&lower) {
                scale = true;
            } else if self.currency_codes.contains(w) {
                currency = true;
            } else if self.currency_names.contains(&lower) {
                // "50 euros"; "Euro 96" is a tournament
                if !number {
                    return false;
                }
                currency = true;
            } else if let Some(s) = w.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ','))).filter(|&s| s > 0 && is_number(&w[..s])) {
                // "2.3bn"
                if !self.scale_words.contains(&w[s..].to_lowercase()) {
                    return false;
                }
                number = true;
                scale = true;
            } else {
                return false;
            }
        }
        symbol || (number && (scale || currency))
    }

    /// The name without the legal forms at its end ("Apple, Inc." → "Apple"); the name itself
    /// when nothing or only a determiner would be left.
    pub fn without_legal_form<'a>(&self, name: &'a str) -> &'a str {
        // the words with their byte offsets
        let words: Vec<(usize, &str)> = name.split_whitespace().map(|w| (w.as_ptr() as usize - name.as_ptr() as usize, w)).collect();
        let mut keep = words.len();
        'cut: loop {
            for form in &self.legal_forms {
                if form.len() >= keep {
                    continue;
                }
                let tail = &words[keep - form.len()..keep];
                if tail.iter().zip(form).all(|((_, w), f)| form_word_matches(&bare(w), f)) {
                    let left = &words[..keep - form.len()];
                    let named = left.iter().any(|(_, w)| !bare(w).is_empty() && !self.is_determiner(&bare(w)));
                    if named {
                        keep -= form.len();
                        continue 'cut;
                    }
                }
            }
            break;
        }
        if keep == words.len() {
            return name;
        }
        let (at, w) = words[keep - 1];
        name[..at + w.len()].trim_end_matches([',', ' '])
    }
}

/// A currency code as `names.toml` lists them: all capitals.
fn is_code(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_uppercase())
}

/// A word without periods and commas ("Co.," → "Co").
fn bare(w: &str) -> String {
    w.chars().filter(|c| !matches!(c, '.' | ',')).collect()
}

/// A word of a name is a word of a legal form as `names.toml` states: as written, all in
/// capitals, or with the first letter in the other case.
fn form_word_matches(word: &str, form: &str) -> bool {
    if word == form || word == form.to_uppercase() {
        return true;
    }
    let (mut a, mut b) = (word.chars(), form.chars());
    match (a.next(), b.next()) {
        (Some(x), Some(y)) => x.to_lowercase().eq(y.to_lowercase()) && a.as_str() == b.as_str(),
        _ => false,
    }
}

fn is_currency_symbol(c: char) -> bool {
    // Unicode general category Sc
    matches!(c, '$' | '\u{A2}'..='\u{A5}' | '\u{58F}' | '\u{60B}' | '\u{7FE}' | '\u{7FF}' | '\u{9F2}' | '\u{9F3}' | '\u{9FB}' | '\u{AF1}' | '\u{BF9}' | '\u{E3F}' | '\u{17DB}' | '\u{20A0}'..='\u{20C0}' | '\u{A838}' | '\u{FDFC}' | '\u{FE69}' | '\u{FF04}' | '\u{FFE0}' | '\u{FFE1}' | '\u{FFE5}' | '\u{FFE6}')
}

/// "5", "2.3", "1,200", "3'000".
fn is_number(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '\''))
}

/// Whether a mention's text can name nothing (a determiner alone, an amount, a currency
/// symbol), by the built-in lists: see [`NameWords::never_a_name`].
pub fn never_a_name(text: &str) -> bool {
    NameWords::builtin().never_a_name(text)
}

/// Whether a mention's text is a determiner alone ("The"), by the built-in list: the NER stage
/// drops such mentions before it spreads names through a document.
pub fn lone_determiner(text: &str) -> bool {
    NameWords::builtin().lone_determiner(text)
}

/// The key an entity's name is matched on: the [`match_key`] of the name without the legal
/// forms at its end, so that "Apple Inc." and "Apple" are one name.
pub fn name_key(s: &str) -> String {
    let c = clean(s);
    match_key(NameWords::builtin().without_legal_form(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_lists_the_tables_there_are() {
        let raw: toml::Table = toml::from_str(BUILTIN_NAME_WORDS).unwrap();
        let tables: std::collections::BTreeSet<String> = raw.keys().cloned().collect();
        assert_eq!(crate::text::header_list(BUILTIN_NAME_WORDS, "Tables"), tables, "names.toml header `# Tables:`");
        // every table is one the code reads (unknown ones are refused) and none is missing
        assert!(NameWords::parse(BUILTIN_NAME_WORDS, "names.toml").is_ok());
        assert!(NameWords::parse("determiners = []\nlegal_forms = []\nscale_words = []\ncurrency_words = []\nother = []", "x").is_err());
        assert!(NameWords::parse("determiners = []\nlegal_forms = []\nscale_words = []", "x").is_err());
    }

    #[test]
    fn a_determiner_alone_names_nothing() {
        for t in ["The", "the", "A", "An", "This"] {
            assert!(never_a_name(t), "{t}");
        }
        for t in ["The Anchorage Daily News", "The The", "Anchorage", "Theo", "Ann"] {
            assert!(!never_a_name(t), "{t}");
        }
    }

    #[test]
    fn amounts_and_currency_symbols_name_nothing() {
        for t in [
            "US$",
            "$",
            "€",
            "£",
            "HK$",
            "US $",
            "$ 150 million",
            "US$ 120 million",
            "€5m",
            "$2.3bn",
            "5€",
            "50 euros",
            "USD 5 million",
            "5 million",
            "2.3bn",
            "¥ 1,200",
            "EUR 96",
            "5 million Dollars",
        ] {
            assert!(never_a_name(t), "{t}");
        }
        for t in [
            "737",
            "2008",
            "Ke$ha",
            "US",
            "Euro",
            "the euro",
            "Euro 96",
            "COP 26",
            "F-150",
            "USD",
            "Real Madrid",
            "$US Dollar Fund",
            "Channel 4",
            "PHP 8",
            "usd 5",
        ] {
            assert!(!never_a_name(t), "{t}");
        }
    }

    #[test]
    fn legal_forms_share_the_bare_names_key() {
        for (a, b) in [
            ("Apple Inc.", "Apple"),
            ("Apple, Inc.", "Apple"),
            ("APPLE INC", "Apple"),
            ("Siemens AG", "Siemens"),
            ("Foxconn Co., Ltd.", "Foxconn"),
            ("JPMorgan Chase & Co.", "JPMorgan Chase"),
            ("Ford Motor Company", "Ford Motor Co."),
            ("Volkswagen AG", "Volkswagen"),
            ("Banco Santander S.A.", "Banco Santander"),
            ("BP plc", "BP"),
            ("BP PLC", "BP"),
        ] {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
        // the form must be the form, as written or in capitals
        for (a, b) in [("Grand Hotel & Spa", "Grand Hotel &"), ("Luca Sa", "Luca"), ("Apple Corps", "Apple"), ("Co.", ""), ("The Company", "The")] {
            assert_ne!(name_key(a), name_key(b), "{a} / {b}");
        }
        assert_eq!(name_key("Co."), "co");
        assert_eq!(name_key("The Company"), "company");
        assert_eq!(NameWords::builtin().without_legal_form("Apple, Inc."), "Apple");
    }
}
