//! Base noun-phrase chunking ("[the much-anticipated iPhone] was [a hit]"), used to find the
//! noun-phrase extent of each named mention.
//!
//! A greedy averaged perceptron over hashed word features, trained by
//! `scripts/train_chunker.py` on the NP chunk column of CoNLL-2003 (dev NP chunk F1 ≈ 90). The
//! weights (`np_chunker.bin`, 3 MiB) are built into the binary and read in place. The feature
//! strings and their hash (FNV-1a 64) mirror the training script exactly: change both or neither.

use std::ops::Range;

use std::sync::LazyLock;

const MAGIC: &[u8; 8] = b"ENTLNPC1";
static BUILTIN: &[u8] = include_bytes!("np_chunker.bin");

/// Tags in the order of the weight table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Out = 0,
    Begin = 1,
    Inside = 2,
}

impl Tag {
    fn name(self) -> &'static str {
        match self {
            Tag::Out => "O",
            Tag::Begin => "B",
            Tag::Inside => "I",
        }
    }
}

/// A trained chunker: `3 << bits` little-endian i16 weights (bucket-major, tags O, B, I).
#[derive(Debug)]
pub struct NpChunker {
    mask: u64,
    table: &'static [u8],
}

static CHUNKER: LazyLock<NpChunker> =
    LazyLock::new(|| NpChunker::from_bytes(BUILTIN).expect("the built-in NP chunker weights are well-formed (checked by a test)"));

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Lower case with ASCII digits folded to 0 (the training script's `norm`).
fn norm(w: &str) -> String {
    w.to_lowercase().chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
}

/// Character classes with runs collapsed, at most 6 ("Xx", "X.X.", "d,d").
fn shape(w: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if out.last() != Some(&k) {
            out.push(k);
        }
    }
    out.into_iter().take(6).collect()
}

/// The last `n` characters of `s`.
fn suffix(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
    &s[start..]
}

/// Item `j` of a sentence's features, `<s>` / `</s>` beyond its ends.
fn padded(v: &[String], j: isize) -> &str {
    if j < 0 {
        "<s>"
    } else {
        v.get(j as usize).map_or("</s>", String::as_str)
    }
}

impl NpChunker {
    /// The chunker shipped with entline.
    pub fn builtin() -> &'static NpChunker {
        &CHUNKER
    }

    /// Read a weight file written by `scripts/train_chunker.py`.
    pub fn from_bytes(bytes: &'static [u8]) -> Result<NpChunker, String> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err("not an entline NP chunker weight file".into());
        }
        let bits = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if !(8..=24).contains(&bits) {
            return Err(format!("unsupported table size 2^{bits}"));
        }
        let want = 16 + 6 * (1usize << bits);
        if bytes.len() != want {
            return Err(format!("weight table is {} bytes, expected {want}", bytes.len()));
        }
        Ok(NpChunker { mask: (1u64 << bits) - 1, table: &bytes[16..] })
    }

    fn add(&self, scores: &mut [i32; 3], parts: &[&str]) {
        let b = (fnv1a(parts) & self.mask) as usize * 6;
        for (k, s) in scores.iter_mut().enumerate() {
            *s += i32::from(i16::from_le_bytes([self.table[b + 2 * k], self.table[b + 2 * k + 1]]));
        }
    }

    /// Base noun phrases of one sentence, as word ranges in order.
    pub fn chunks(&self, words: &[&str]) -> Vec<Range<usize>> {
        let normed: Vec<String> = words.iter().map(|w| norm(w)).collect();
        let shapes: Vec<String> = words.iter().map(|w| shape(w)).collect();
        let n = words.len() as isize;
        let w = |j: isize| padded(&normed, j);
        let s = |j: isize| padded(&shapes, j);
        let mut tags: Vec<Tag> = Vec::with_capacity(words.len());
        for i in 0..n {
            let mut sc = [0i32; 3];
            let w0 = w(i);
            for parts in [
                &["b"][..],
                &["w0=", w0],
                &["w-1=", w(i - 1)],
                &["w+1=", w(i + 1)],
                &["w-2=", w(i - 2)],
                &["w+2=", w(i + 2)],
                &["s0=", s(i)],
                &["s-1=", s(i - 1)],
                &["s+1=", s(i + 1)],
                &["x3=", suffix(w0, 3)],
                &["x2=", suffix(w0, 2)],
                &["w-1w0=", w(i - 1), "|", w0],
                &["w0w+1=", w0, "|", w(i + 1)],
                &["s-1s0s+1=", s(i - 1), "|", s(i), "|", s(i + 1)],
                &["x3-1=", suffix(w(i - 1), 3)],
                &["x3+1=", suffix(w(i + 1), 3)],
                &["x1=", suffix(w0, 1)],
                &["w-1w+1=", w(i - 1), "|", w(i + 1)],
            ] {
                self.add(&mut sc, parts);
            }
            let t1 = if i >= 1 { tags[i as usize - 1].name() } else { "<s>" };
            let t2 = if i >= 2 { tags[i as usize - 2].name() } else { "<s>" };
            for parts in [&["t-1=", t1][..], &["t-2t-1=", t2, "|", t1], &["t-1w0=", t1, "|", w0]] {
                self.add(&mut sc, parts);
            }
            // I only continues a chunk; ties go to the earlier tag, as in training
            let allowed: &[Tag] = if matches!(t1, "O" | "<s>") { &[Tag::Out, Tag::Begin] } else { &[Tag::Out, Tag::Begin, Tag::Inside] };
            let mut best = allowed[0];
            for &t in &allowed[1..] {
                if sc[t as usize] > sc[best as usize] {
                    best = t;
                }
            }
            tags.push(best);
        }
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        for (i, t) in tags.iter().enumerate() {
            if *t != Tag::Inside {
                if let Some(s) = open.take() {
                    out.push(s..i);
                }
            }
            if *t == Tag::Begin {
                open = Some(i);
            }
        }
        if let Some(s) = open {
            out.push(s..tags.len());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(s: &str) -> Vec<String> {
        let words: Vec<&str> = s.split(' ').collect();
        NpChunker::builtin().chunks(&words).into_iter().map(|r| words[r].join(" ")).collect()
    }

    #[test]
    fn builtin_weights_load_and_bad_files_are_refused() {
        assert!(NpChunker::from_bytes(BUILTIN).is_ok());
        assert!(NpChunker::from_bytes(b"ENTLNPC1\x13\0\0\0\0\0\0\0").is_err());
        assert!(NpChunker::from_bytes(b"not a weight file at all").is_err());
    }

    #[test]
    fn features_mirror_the_training_script() {
        assert_eq!(norm("iPhone 3GS"), "iphone 0gs");
        assert_eq!(shape("McDonald's"), "XxXx'x");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1,250.75"), "d,d.d");
        assert_eq!(suffix("ab", 3), "ab");
        assert_eq!(suffix("naïve", 3), "ïve");
        // FNV-1a 64 of "b" (the bias feature), as Python computes it
        assert_eq!(fnv1a(&["b"]), 0xaf63_df4c_8601_f1a5);
        assert_eq!(fnv1a(&["w0=", "the"]), fnv1a(&["w0=the"]));
    }

    #[test]
    fn noun_phrases() {
        let c = chunked("Apple unveiled the much-anticipated iPhone at a conference in San Francisco on Tuesday .");
        assert!(c.contains(&"the much-anticipated iPhone".to_string()), "{c:?}");
        assert!(c.contains(&"a conference".to_string()), "{c:?}");
        assert!(c.contains(&"San Francisco".to_string()), "{c:?}");
        let c = chunked("He praised Apple 's iTunes store .");
        // a possessive 's opens the noun phrase it determines (CoNLL convention)
        assert!(c.contains(&"'s iTunes store".to_string()), "{c:?}");
        assert!(NpChunker::builtin().chunks(&[]).is_empty());
    }
}
