//! Lemmas of event triggers from a lookup table built from lemminflect's lexicon
//! (`lemmas.tsv`, see scripts/build_lemmas.py): "said" → "say", "elections" → "election".

use std::collections::HashMap;

use std::sync::LazyLock;

static TABLE: LazyLock<HashMap<(&'static str, u8), &'static str>> = LazyLock::new(|| {
    include_str!("lemmas.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (form, pos, lemma) = (f.next()?, f.next()?, f.next()?);
            Some(((form, *pos.as_bytes().first()?), lemma))
        })
        .collect()
});

/// Lemma of a trigger word, lower-cased, given its TimeML part of speech (VERB, NOUN, ADJECTIVE;
/// anything else tries verb, noun, adjective in turn). A word the table does not know is its own
/// lemma.
pub fn lemma(word: &str, timeml_pos: &str) -> String {
    let lower = word.to_lowercase();
    let order: &[u8] = match timeml_pos {
        "VERB" => b"vna",
        "NOUN" => b"nva",
        "ADJECTIVE" => b"avn",
        _ => b"vna",
    };
    order.iter().find_map(|&p| TABLE.get(&(lower.as_str(), p))).map_or(lower.clone(), |l| l.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lemmas_by_part_of_speech() {
        assert_eq!(lemma("said", "VERB"), "say");
        assert_eq!(lemma("Elections", "NOUN"), "election");
        assert_eq!(lemma("bought", "UNKNOWN"), "buy");
        assert_eq!(lemma("attack", "NOUN"), "attack");
        assert_eq!(lemma("was", "VERB"), "be");
        assert_eq!(lemma("xyzzies", "NOUN"), "xyzzies");
    }
}
