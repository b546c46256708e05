//! The NER pipeline: words → windows → batched forward passes → word labels → entity mentions.

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use super::config::{ModelFiles, NerConfig, SpecialTokens};
use super::decode::{self, LabelSet, Span};
use super::encode::{EncodedWord, WordEncoder};
use super::layers;
pub use super::model::Compute;
use super::model::{Classifier, Sequence};
use super::syntax::{self, SyntaxHeadConfig, WordSyntax};
use super::window;
use crate::error::{Error, Result};
use crate::events::head::EventHeadConfig;
use crate::events::{self, EventMention};
pub use crate::text::WordDoc;

/// A document's model input: its windows as sequences, and per word (window, index within the
/// window) of the window that owns it.
type Prepared = (Vec<Sequence>, Vec<(usize, usize)>);

/// The text the int8 layers' activation ranges are measured on at load (news-like English
/// written for entline: names, dates, numbers, quotes, a headline in capitals).
const CALIBRATION_TEXT: &str = include_str!("calibration.txt");

/// Windows per forward pass by default in f32 and int8: on an AMD EPYC (AVX2, 2 threads) `tag-conll`
/// on CoNLL testa in int8 took 0.93x the time of batches of 8 (median of 5 alternating pairs;
/// the same output), f32 about the same gain: fewer padded positions and a more even share
/// between the threads. Batches of 16 and 32 were slower.
pub const DEFAULT_BATCH: usize = 4;

/// Windows per forward pass by default in bf16 (batches of one fixed shape, for AMX tiles; not
/// measured against 4 on a machine with AMX).
pub const DEFAULT_BATCH_BF16: usize = 8;

/// Run-time options of the pipeline.
#[derive(Debug, Clone)]
pub struct NerOptions {
    /// Windows per forward pass; windows of different documents share batches. `None`:
    /// [`DEFAULT_BATCH`], [`DEFAULT_BATCH_BF16`] in bf16.
    pub batch_size: Option<usize>,
    /// Context window in subwords ([CLS]/[SEP] included); default: the model's own setting.
    pub max_len: Option<usize>,
    /// Overlap between sliding windows over one long sentence, as a fraction of the window.
    pub overlap: f32,
    /// Label the other occurrences of a name found in a document the same way ("one sense per
    /// discourse").
    pub propagate: bool,
    /// f32, bfloat16 (faster on CPUs with AMX-BF16) or int8 weights (faster on AVX2/AVX-512
    /// CPUs without AMX); `auto` picks per CPU, see [`Precision`].
    pub precision: Precision,
}

impl Default for NerOptions {
    fn default() -> Self {
        NerOptions { batch_size: None, max_len: None, overlap: 0.25, propagate: true, precision: Precision::Auto }
    }
}

/// Number format of the model's computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// bfloat16 where the CPU has AMX tiles for it (x86 AMX-BF16, enabled by the OS), else int8
    /// weights where FBGEMM runs (x86-64 with AVX2), else f32 — each unless `ONEDNN_MAX_CPU_ISA`
    /// holds the machine below that level (see [`auto_compute`]).
    Auto,
    F32,
    Bf16,
    /// The encoder's linear layers with int8 weights (FBGEMM; x86-64 with AVX2 only).
    Int8,
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Precision::Auto),
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            "int8" => Ok(Precision::Int8),
            _ => Err(format!("unknown precision {s:?} (auto, f32, bf16 or int8)")),
        }
    }
}

impl Precision {
    /// The number format to compute in on this machine.
    pub fn resolve(self) -> Compute {
        match self {
            Precision::F32 => Compute::F32,
            Precision::Bf16 => Compute::Bf16,
            Precision::Int8 => Compute::Int8,
            Precision::Auto => auto_compute(cpu_has_amx_bf16(), layers::int8_supported(), &onednn_isa_limit()),
        }
    }
}

/// What `--precision auto` computes in, from the CPU (AMX-BF16 tiles usable; FBGEMM's int8
/// kernels usable, i.e. AVX2) and the oneDNN ISA ceiling: bf16 with AMX (the fastest there), else
/// int8 on AVX2 and AVX-512 (on an AMD EPYC with AVX2, CoNLL testa: see the README), else f32.
/// FBGEMM picks its kernels from the CPU alone; a ceiling below AVX2 stands for a CPU without
/// it, where FBGEMM would not run, so `auto` then stays in f32.
pub fn auto_compute(amx_bf16: bool, int8: bool, limit: &Option<String>) -> Compute {
    if amx_bf16 && isa_limit_allows_amx(limit) {
        Compute::Bf16
    } else if int8 && isa_limit_allows_avx2(limit) {
        Compute::Int8
    } else {
        Compute::F32
    }
}

/// The instruction-set ceiling oneDNN was given (`ONEDNN_MAX_CPU_ISA`, or its older name
/// `DNNL_MAX_CPU_ISA`), if any.
fn onednn_isa_limit() -> Option<String> {
    ["ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"].iter().find_map(|v| std::env::var(v).ok()).filter(|v| !v.trim().is_empty())
}

/// Whether a oneDNN ISA ceiling leaves the AMX kernels usable: no ceiling, `ALL`/`DEFAULT`, or
/// an AMX level. Below it libtorch's bf16 runs without tiles, many times slower than f32 (CoNLL
/// testa with `ONEDNN_MAX_CPU_ISA=AVX2` on an AMX Xeon: about 310 s in bf16, 12 s in f32), so
/// `auto` then computes in f32; so it does for a value oneDNN does not name.
fn isa_limit_allows_amx(limit: &Option<String>) -> bool {
    match limit.as_deref().map(|l| l.trim().to_ascii_uppercase()) {
        None => true,
        Some(l) => matches!(l.as_str(), "ALL" | "DEFAULT" | "AVX512_CORE_AMX" | "AVX512_CORE_AMX_FP16" | "AVX10_1_512_AMX" | "AVX10_1_512_AMX_FP16"),
    }
}

/// Whether a oneDNN ISA ceiling leaves AVX2 (no ceiling, `ALL`/`DEFAULT`, an AVX2, AVX-512 or
/// AVX10 level); not for `SSE41`, `AVX` or a value oneDNN does not name.
fn isa_limit_allows_avx2(limit: &Option<String>) -> bool {
    match limit.as_deref().map(|l| l.trim().to_ascii_uppercase()) {
        None => true,
        Some(l) => matches!(l.as_str(), "ALL" | "DEFAULT") || ["AVX2", "AVX512_CORE", "AVX10_"].iter().any(|p| l.starts_with(p)),
    }
}

/// AMX bf16 tile multiplication (CPUID leaf 7: AMX-BF16 and AMX-TILE) with the tile state enabled
/// by the OS (XCR0 bits 17 and 18). Only there is bf16 faster than f32: on a CPU with AVX512-BF16
/// dot products but no AMX, libtorch's bf16 path took 17.9 s against 9.3 s in f32 (`entline
/// tag-conll` on CoNLL testa), and without either bf16 is emulated.
fn cpu_has_amx_bf16() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
        #[allow(unused_unsafe)] // `__cpuid*` are safe functions on newer Rust
        // SAFETY: CPUID exists on every x86_64 CPU; leaf 7 is read only when the maximum leaf allows
        let (max_leaf, ecx1, edx7) = unsafe {
            let max_leaf = __cpuid(0).eax;
            let ecx1 = __cpuid(1).ecx;
            let edx7 = if max_leaf >= 7 { __cpuid_count(7, 0).edx } else { 0 };
            (max_leaf, ecx1, edx7)
        };
        let amx = max_leaf >= 7 && edx7 & (1 << 22) != 0 && edx7 & (1 << 24) != 0;
        let osxsave = ecx1 & (1 << 27) != 0;
        if !(amx && osxsave) {
            return false;
        }
        #[target_feature(enable = "xsave")]
        unsafe fn xcr0() -> u64 {
            _xgetbv(0)
        }
        // SAFETY: OSXSAVE is set, so XGETBV is enabled and reading XCR0 is allowed
        let xcr0 = unsafe { xcr0() };
        xcr0 & (0b11 << 17) == 0b11 << 17
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A document's windows as model input (CPU work: subword encoding, window planning).
fn prepare(encoder: &WordEncoder, max_len: usize, overlap: f32, d: &WordDoc<'_>) -> Prepared {
    let budget = max_len - 2;
    let overlap = ((budget as f32) * overlap.clamp(0.0, 0.5)) as usize;
    let enc: Vec<EncodedWord> = d.words.iter().map(|w| encoder.encode(w.text(d.text))).collect();
    let lens: Vec<usize> = enc.iter().map(|e| e.ids.len().min(budget)).collect();
    let plan = window::plan(&lens, &d.sentences, budget, overlap);
    let mut sentence_of = vec![0u32; d.words.len()];
    for (si, s) in d.sentences.iter().enumerate() {
        sentence_of[s.clone()].iter_mut().for_each(|x| *x = si as u32);
    }
    let mut seqs = Vec::with_capacity(plan.windows.len());
    for win in &plan.windows {
        let mut ids = Vec::with_capacity(budget + 2);
        let mut positions = Vec::with_capacity(win.words.len());
        let sentences = sentence_of[win.words.clone()].to_vec();
        ids.push(encoder.cls);
        for e in &enc[win.words.clone()] {
            positions.push(ids.len() + e.first.min(budget - 1));
            let room = budget + 1 - ids.len();
            ids.extend_from_slice(&e.ids[..e.ids.len().min(room.max(1))]);
        }
        ids.truncate(budget + 1);
        ids.push(encoder.sep);
        seqs.push(Sequence { ids, positions, sentences });
    }
    // where each word's probabilities come from: (window, index within window)
    let src: Vec<(usize, usize)> = plan.owner.iter().enumerate().map(|(w, &o)| (o, w - plan.windows[o].words.start)).collect();
    (seqs, src)
}

/// An entity mention found by the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub sentence: usize,
    /// Byte offsets into the document text: `&text[start..end]` is the surface.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    /// Mean probability of the decoded word labels of the entity.
    pub score: f32,
    /// Word indices of the entity within the document.
    #[serde(skip)]
    pub words: Range<usize>,
}

/// Word-level output of the model for one document (see [`Ner::word_probs`]).
#[derive(Debug, Clone, Default)]
pub struct WordScores {
    pub ner: Vec<f32>,
    pub events: Vec<f32>,
    /// One analysis per word when parsing was asked for (heads are word indices of the
    /// document; every sentence a tree), else empty.
    pub syntax: Vec<WordSyntax>,
}

/// What one forward pass finds in a document.
#[derive(Debug, Clone, Default)]
pub struct Tagged {
    pub mentions: Vec<Mention>,
    /// Empty for models without an event head.
    pub events: Vec<EventMention>,
    /// One analysis per word when parsing was asked for ([`Ner::analyze_parsed`]) and the
    /// model has a syntax head, else empty.
    pub syntax: Vec<WordSyntax>,
}

pub struct Ner {
    pub files: ModelFiles,
    pub config: NerConfig,
    labels: LabelSet,
    encoder: WordEncoder,
    classifier: Classifier,
    opts: NerOptions,
}

impl Ner {
    /// Load a model from a folder (or a hub id with the `remote` feature).
    pub fn load(spec: &str, opts: NerOptions) -> Result<Self> {
        let files = ModelFiles::resolve(spec)?;
        let config = NerConfig::load(&files)?;
        let encoder = WordEncoder::new(&files.vocab, &config)?;
        let compute = opts.precision.resolve();
        if compute == Compute::Int8 && !layers::int8_supported() {
            return Err(Error::Other("--precision int8 needs an x86-64 CPU with AVX2 and FMA (FBGEMM's kernels)".into()));
        }
        let classifier = Classifier::load(&files, &config, compute)?;
        let labels = LabelSet::new(&config.labels, config.label_scheme.as_deref());
        let mut ner = Ner { files, config, labels, encoder, classifier, opts };
        if compute == Compute::Int8 {
            // the int8 layers' activation ranges, measured on a fixed text (see `layers`)
            let text = WordDoc::from_text(CALIBRATION_TEXT);
            let (seqs, _) = prepare(&ner.encoder, ner.max_len(), ner.opts.overlap, &text);
            ner.classifier.quantize(&seqs)?;
        }
        Ok(ner)
    }

    /// Hash of everything that shapes this model's output: weights, vocabulary, configuration
    /// files and the window settings (a key of the per-document cache).
    pub fn fingerprint(&self) -> Result<String> {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        let files = [
            Some(&self.files.config),
            Some(&self.files.vocab),
            Some(&self.files.weights),
            self.files.entline_config.as_ref(),
            self.event_head().and_then(|h| h.prior_file.as_ref()),
        ];
        for p in files.into_iter().flatten() {
            let mut f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            std::io::copy(&mut f, &mut h).map_err(|e| Error::io(p, e))?;
            h.update([0x1f]);
        }
        h.update(
            format!(
                "max_len={} overlap={} propagate={} bf16={}",
                self.max_len(),
                self.opts.overlap,
                self.opts.propagate,
                self.compute() == Compute::Bf16
            )
            .as_bytes(),
        );
        // int8 enters the hash only when used, so that f32 and bf16 keep their fingerprints
        if self.compute() == Compute::Int8 {
            h.update(b" int8");
        }
        // The window's special tokens come from special_tokens_map.json; only names other than
        // BERT's enter the hash, so that models without such tokens keep their fingerprint.
        let special = &self.config.special_tokens;
        if *special != SpecialTokens::default() {
            h.update(format!(" special={} {} {} {}", special.cls, special.sep, special.pad, special.unk).as_bytes());
        }
        Ok(hex::encode(&h.finalize()[..16]))
    }

    /// Windows per forward pass ([`NerOptions::batch_size`]).
    pub fn batch_size(&self) -> usize {
        match self.opts.batch_size {
            Some(n) => n.max(1),
            None if self.compute() == Compute::Bf16 => DEFAULT_BATCH_BF16,
            None => DEFAULT_BATCH,
        }
    }

    /// The number format the model computes in.
    pub fn compute(&self) -> Compute {
        self.classifier.compute()
    }

    /// The context window used: `--max-len` or the model's own, never longer than the window a
    /// model declares it was trained with. Beyond it the joint model splits names (a 20,000-word
    /// test text: 2 to 5 of 50 names split in two at windows of 192 to 512 subwords, none at 128).
    pub fn max_len(&self) -> usize {
        // `config.max_len` is at most `max_positions` already
        let limit = if self.config.trained_window { self.config.max_len } else { self.config.max_positions };
        self.opts.max_len.unwrap_or(self.config.max_len).clamp(8, limit)
    }

    /// The event-mention head of a joint model, if this model has one.
    pub fn event_head(&self) -> Option<&EventHeadConfig> {
        self.config.event_head.as_ref()
    }

    /// The syntax head of a model trained with one.
    pub fn syntax_head(&self) -> Option<&SyntaxHeadConfig> {
        self.config.syntax_head.as_ref().filter(|_| self.classifier.has_syntax())
    }

    /// Word-level probabilities for each document: the entity labels' (`labels.len()` values per
    /// word) and, for joint models, the event heads' ([`EventHeadConfig::width`] per word).
    pub fn word_probs(&self, docs: &[WordDoc<'_>]) -> Result<Vec<WordScores>> {
        self.word_outputs(docs, false)
    }

    /// UPOS and a dependency tree for every sentence of each document (one [`WordSyntax`] per
    /// word, heads as word indices of the document), from the same forward pass as the other
    /// heads; an error for a model without a syntax head.
    pub fn parse(&self, docs: &[WordDoc<'_>]) -> Result<Vec<WordScores>> {
        if self.syntax_head().is_none() {
            return Err(Error::Model { model: self.files.name.clone(), msg: "this model has no syntax head (entline.json syntax_head)".into() });
        }
        self.word_outputs(docs, true)
    }

    fn word_outputs(&self, docs: &[WordDoc<'_>], parse: bool) -> Result<Vec<WordScores>> {
        // CPU work in parallel; model calls batched across docs.
        // the classifier holds raw tensors and is not Sync
        let (encoder, max_len, overlap) = (&self.encoder, self.max_len(), self.opts.overlap);
        let prepared: Vec<Prepared> = docs.par_iter().map(|d| prepare(encoder, max_len, overlap, d)).collect();
        let all: Vec<Sequence> = prepared.iter().flat_map(|(s, _)| s.iter().cloned()).collect();
        let outputs = self.classifier.predict(&all, self.batch_size(), self.max_len(), parse)?;
        let k = self.classifier.num_labels();
        let stride = self.classifier.stride();
        let mut out = Vec::with_capacity(docs.len());
        let mut base = 0;
        for ((seqs, src), doc) in prepared.iter().zip(docs) {
            let mut scores = WordScores {
                ner: Vec::with_capacity(src.len() * k),
                events: Vec::with_capacity(src.len() * (stride - k)),
                syntax: Vec::with_capacity(if parse { src.len() } else { 0 }),
            };
            for (word, &(win, idx)) in src.iter().enumerate() {
                let o = &outputs[base + win];
                let p = &o.probs[idx * stride..(idx + 1) * stride];
                scores.ner.extend_from_slice(&p[..k]);
                scores.events.extend_from_slice(&p[k..]);
                if parse {
                    // heads index the window's words; the window starts `idx` words before this one
                    let mut w = o.syntax[idx];
                    w.head = w.head.map(|h| (word - idx + h as usize) as u32);
                    scores.syntax.push(w);
                }
            }
            if parse {
                for s in &doc.sentences {
                    syntax::mend_tree(&mut scores.syntax, s.clone());
                }
            }
            base += seqs.len();
            out.push(scores);
        }
        Ok(out)
    }

    /// Decode entity spans of each sentence of `doc` from its word probabilities.
    pub fn decode(&self, doc: &WordDoc<'_>, probs: &[f32]) -> Vec<Mention> {
        let k = self.labels.labels.len();
        let mut out = Vec::new();
        for (si, sent) in doc.sentences.iter().enumerate() {
            let p = &probs[sent.start * k..sent.end * k];
            let path = self.labels.viterbi(p);
            let labels: Vec<&decode::Label> = path.iter().map(|&i| &self.labels.labels[i]).collect();
            for Span { kind, start, end } in decode::spans(&labels) {
                let score = (start..end).map(|w| p[w * k + path[w]]).sum::<f32>() / (end - start) as f32;
                let (ws, we) = (sent.start + start, sent.start + end);
                let (bs, be) = (doc.words[ws].start, doc.words[we - 1].end);
                out.push(Mention { sentence: si, start: bs, end: be, text: doc.text[bs..be].to_string(), label: kind, score, words: ws..we });
            }
        }
        out
    }

    /// Entity mentions of each document.
    pub fn extract(&self, docs: &[WordDoc<'_>]) -> Result<Vec<Vec<Mention>>> {
        Ok(self.analyze(docs)?.into_iter().map(|t| t.mentions).collect())
    }

    /// Entity mentions and (with a joint model) event mentions of each document, from one
    /// forward pass.
    pub fn analyze(&self, docs: &[WordDoc<'_>]) -> Result<Vec<Tagged>> {
        self.tag(docs, false)
    }

    /// As [`Ner::analyze`], and with a model that has a syntax head also UPOS and a dependency
    /// tree per sentence, from the same forward pass.
    pub fn analyze_parsed(&self, docs: &[WordDoc<'_>]) -> Result<Vec<Tagged>> {
        self.tag(docs, self.syntax_head().is_some())
    }

    fn tag(&self, docs: &[WordDoc<'_>], parse: bool) -> Result<Vec<Tagged>> {
        let probs = self.word_outputs(docs, parse)?;
        Ok(docs
            .iter()
            .zip(probs)
            .map(|(d, p)| {
                let mut m = self.decode(d, &p.ner);
                merge_country_prefix(d, &mut m);
                // a determiner alone ("The" tagged apart from "Anchorage Daily News") is never a
                // name, nor spread through the document as one
                m.retain(|m| !crate::text::names::lone_determiner(&m.text));
                if self.opts.propagate {
                    propagate(d, &mut m);
                }
                let events = self.event_head().map(|h| events::decode(d, &p.events, h)).unwrap_or_default();
                Tagged { mentions: m, events, syntax: p.syntax }
            })
            .collect())
    }

    /// IOB2 tag per word of each sentence (for CoNLL-format evaluation).
    pub fn iob2_tags(&self, doc: &WordDoc<'_>, mentions: &[Mention]) -> Vec<String> {
        let spans: Vec<Span> = mentions.iter().map(|m| Span { kind: m.label.clone(), start: m.words.start, end: m.words.end }).collect();
        decode::iob2_tags(doc.words.len(), &spans)
    }
}

/// "U.S. Northern Command": a dotted country abbreviation tagged LOC right before an ORG is part
/// of the organization's name, as CoNLL annotates it ("U.S. Treasury", "U.S. District Court" are
/// single ORG spans about ten times as often as they are LOC + ORG in CoNLL-2003 train + dev).
fn merge_country_prefix(doc: &WordDoc<'_>, mentions: &mut Vec<Mention>) {
    fn dotted_abbreviation(w: &str) -> bool {
        let b = w.as_bytes();
        b.len() >= 4 && b.chunks(2).all(|c| c.len() == 2 && c[0].is_ascii_uppercase() && c[1] == b'.')
    }
    let mut i = 0;
    while i + 1 < mentions.len() {
        let (a, b) = (&mentions[i], &mentions[i + 1]);
        if a.label == "LOC"
            && b.label == "ORG"
            && a.sentence == b.sentence
            && a.words.end == b.words.start
            && a.words.len() == 1
            && dotted_abbreviation(&a.text)
        {
            let (start, end) = (a.start, b.end);
            let merged = Mention {
                sentence: a.sentence,
                start,
                end,
                text: doc.text[start..end].to_string(),
                label: "ORG".to_string(),
                score: a.score.min(b.score),
                words: a.words.start..b.words.end,
            };
            mentions[i] = merged;
            mentions.remove(i + 1);
        }
        i += 1;
    }
}

/// Document-level consistency: a capitalized name the model found once is also a mention where it
/// recurs in the same document and was missed (same words, not overlapping another mention).
fn propagate(doc: &WordDoc<'_>, mentions: &mut Vec<Mention>) {
    use std::collections::HashMap;
    let word = |i: usize| doc.words[i].text(doc.text);
    // name (its words) → (label, best score); only names that start with a capital letter
    let mut names: HashMap<Vec<&str>, (String, f32)> = HashMap::new();
    for m in mentions.iter() {
        let ws: Vec<&str> = m.words.clone().map(word).collect();
        if ws.first().and_then(|w| w.chars().next()).is_some_and(|c| c.is_uppercase()) && ws.concat().chars().count() >= 3 {
            let e = names.entry(ws).or_insert((m.label.clone(), m.score));
            if m.score > e.1 {
                *e = (m.label.clone(), m.score);
            }
        }
    }
    if names.is_empty() {
        return;
    }
    let max_len = names.keys().map(Vec::len).max().unwrap_or(0);
    let mut covered = vec![false; doc.words.len()];
    for m in mentions.iter() {
        covered[m.words.clone()].iter_mut().for_each(|c| *c = true);
    }
    let mut added = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        let mut i = sent.start;
        while i < sent.end {
            let mut hit = None;
            for len in (1..=max_len.min(sent.end - i)).rev() {
                if covered[i..i + len].iter().any(|&c| c) {
                    continue;
                }
                let key: Vec<&str> = (i..i + len).map(word).collect();
                if let Some((label, score)) = names.get(&key) {
                    hit = Some((len, label.clone(), *score));
                    break;
                }
            }
            match hit {
                Some((len, label, score)) => {
                    let (bs, be) = (doc.words[i].start, doc.words[i + len - 1].end);
                    added.push(Mention { sentence: si, start: bs, end: be, text: doc.text[bs..be].to_string(), label, score, words: i..i + len });
                    covered[i..i + len].iter_mut().for_each(|c| *c = true);
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    if !added.is_empty() {
        mentions.extend(added);
        mentions.sort_by_key(|m| m.start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux lists `amx_bf16` and `amx_tile` in /proc/cpuinfo only when the CPU has them and the
    /// kernel enabled their state, the same condition the CPUID + XCR0 check reads.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    #[test]
    fn an_isa_ceiling_below_amx_keeps_auto_in_f32() {
        let allows = |v: Option<&str>| isa_limit_allows_amx(&v.map(str::to_string));
        assert!(allows(None));
        assert!(allows(Some("ALL")) && allows(Some("avx512_core_amx")) && allows(Some("AVX10_1_512_AMX_FP16")));
        for below in ["AVX2", "avx512_core", "AVX512_CORE_BF16", "AVX2_VNNI", "SSE41", "AVX10_1_512", "something"] {
            assert!(!allows(Some(below)), "{below}");
        }
    }

    #[test]
    fn amx_detection_agrees_with_the_kernel() {
        let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else { return };
        let flags: std::collections::HashSet<&str> = info.lines().filter(|l| l.starts_with("flags")).flat_map(|l| l.split_whitespace()).collect();
        let kernel = flags.contains("amx_bf16") && flags.contains("amx_tile");
        assert_eq!(cpu_has_amx_bf16(), kernel);
        assert_eq!(Precision::Auto.resolve() == Compute::Bf16, kernel && isa_limit_allows_amx(&onednn_isa_limit()));
        assert_eq!(Precision::F32.resolve(), Compute::F32);
        assert_eq!(Precision::Bf16.resolve(), Compute::Bf16);
        assert_eq!(Precision::Int8.resolve(), Compute::Int8);
        // FBGEMM's condition, as the kernel lists the flags
        assert_eq!(layers::int8_supported(), flags.contains("avx2") && flags.contains("fma"));
    }

    /// `auto` as a function of the CPU (AMX-BF16, AVX2 for FBGEMM) and the oneDNN ceiling.
    #[test]
    fn auto_picks_bf16_with_amx_int8_with_avx2_else_f32() {
        let auto = |amx, avx2, limit: Option<&str>| auto_compute(amx, avx2, &limit.map(str::to_string));
        // an AMX Xeon: bf16; held below AMX it is an AVX-512 machine: int8
        assert_eq!(auto(true, true, None), Compute::Bf16);
        assert_eq!(auto(true, true, Some("AVX512_CORE_AMX")), Compute::Bf16);
        assert_eq!(auto(true, true, Some("AVX512_CORE")), Compute::Int8);
        assert_eq!(auto(true, true, Some("avx2")), Compute::Int8);
        // AVX2 or AVX-512 without AMX (EPYC, older Xeons): int8
        assert_eq!(auto(false, true, None), Compute::Int8);
        assert_eq!(auto(false, true, Some("AVX2_VNNI")), Compute::Int8);
        assert_eq!(auto(false, true, Some("AVX10_1_512")), Compute::Int8);
        // held below AVX2, or a CPU FBGEMM cannot use (ARM, no AVX2): f32
        for limit in ["SSE41", "AVX", "something"] {
            assert_eq!(auto(false, true, Some(limit)), Compute::F32, "{limit}");
            assert_eq!(auto(true, true, Some(limit)), Compute::F32, "{limit}");
        }
        assert_eq!(auto(false, false, None), Compute::F32);
    }
}
