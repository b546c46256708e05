//! The token-classification network (rust-bert's "model" layer), driven directly with
//! length-sorted, padded batches under `no_grad` — several times faster than going through
//! rust-bert's `NERModel` pipeline, and free of its single-item-last-batch panic.

use rayon::prelude::*;
use tch::{nn, nn::Module, Device, Kind, Tensor};

use super::bert::{BertConfig, BertEncoder};
use super::config::{ModelFiles, ModelType, NerConfig};
use super::layers::LayerRanges;
use super::mpnet::{MpnetConfig, MpnetModel, PADDING_IDX};
use super::syntax::{SyntaxLayer, WordSyntax};
use super::weights;
use crate::error::{Error, Result};

/// The outputs of a batch: (sequence index, its output).
type BatchProbs = Vec<(usize, SeqOutput)>;

/// What the model gives for one sequence.
#[derive(Debug, Clone, Default)]
pub struct SeqOutput {
    /// [`Classifier::stride`] probabilities per requested position, flattened.
    pub probs: Vec<f32>,
    /// With `syntax`, one analysis per requested position, heads as indices into the positions.
    pub syntax: Vec<WordSyntax>,
}

/// The encoder under the heads, chosen by `model_type` in `config.json`; its variables live
/// under transformers' prefix for the architecture (`bert.`, `mpnet.`).
enum Encoder {
    Bert(BertEncoder),
    Mpnet(MpnetModel),
}

impl Encoder {
    /// Last hidden state `[batch, len, hidden]`; with `ranges`, the input ranges of the linear
    /// layers are recorded.
    fn forward(&self, ids: &Tensor, mask: &Tensor, ranges: Option<&mut Vec<LayerRanges>>) -> Result<Tensor> {
        match self {
            Encoder::Bert(bert) => bert.forward(ids, mask, ranges),
            Encoder::Mpnet(mpnet) => mpnet.forward(ids, mask, ranges),
        }
        .map_err(|e| Error::Other(format!("model forward pass: {e}")))
    }

    fn quantize(&mut self, ranges: &[LayerRanges]) -> Result<()> {
        match self {
            Encoder::Bert(bert) => bert.quantize(ranges),
            Encoder::Mpnet(mpnet) => mpnet.quantize(ranges),
        }
        .map_err(|e| Error::Other(format!("int8 weights: {e}")))
    }
}

/// The number format the network computes in (what [`super::Precision`] resolves to on a
/// machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compute {
    F32,
    /// bfloat16 weights and activations.
    Bf16,
    /// The encoder's linear layers with int8 weights through FBGEMM ([`super::layers`]); the
    /// rest (embeddings, attention products, heads) in f32.
    Int8,
}

impl Compute {
    pub fn name(self) -> &'static str {
        match self {
            Compute::F32 => "f32",
            Compute::Bf16 => "bf16",
            Compute::Int8 => "int8",
        }
    }
}

/// An encoder (BERT or MPNet) with an entity-label head (`classifier`, as transformers names the
/// layer of a token classifier) and, in joint models, an event-mention head (several label sets
/// cut from one layer, see [`crate::events::head::EventHeadConfig`]): one forward pass gives both.
pub struct Classifier {
    _vs: nn::VarStore,
    encoder: Encoder,
    classifier: nn::Linear,
    /// The event layer and the label-set widths of its output segments.
    events: Option<(nn::Linear, Vec<usize>)>,
    /// The syntax head (UPOS and dependency trees), in models trained with it.
    syntax: Option<SyntaxLayer>,
    num_labels: usize,
    max_positions: usize,
    /// Id that fills batches after a sequence's end (the model's `pad_token_id`; MPNet's position
    /// ids skip it).
    pad_id: i64,
    /// The number format. bfloat16 kernels' results depend on the batch's shape, so in bf16
    /// every batch is given one fixed shape (see `predict`).
    compute: Compute,
}

/// One input sequence: subword ids (framed by the model's CLS and SEP tokens), the positions
/// whose label distributions are wanted (one per word) and the sentence of each (a number that
/// is equal for the words of one sentence; the syntax head parses each sentence on its own).
#[derive(Debug, Clone)]
pub struct Sequence {
    pub ids: Vec<i64>,
    pub positions: Vec<usize>,
    pub sentences: Vec<u32>,
}

impl Classifier {
    /// Load the model to compute in `compute`; for [`Compute::Int8`], [`Classifier::quantize`]
    /// then makes it int8 (until then it computes in f32).
    pub fn load(files: &ModelFiles, cfg: &NerConfig, compute: Compute) -> Result<Self> {
        let model_err = |msg: String| Error::Model { model: files.name.clone(), msg };
        let raw = std::fs::read_to_string(&files.config).map_err(|e| Error::io(&files.config, e))?;
        let mut vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let (encoder, hidden_size, pad_id) = match cfg.model_type {
            ModelType::Bert => {
                let bert_cfg: BertConfig = serde_json::from_str(&raw).map_err(|e| model_err(format!("config.json is not a BERT config: {e}")))?;
                if bert_cfg.id2label.as_ref().map(|m| m.len()) != Some(cfg.labels.len()) {
                    return Err(model_err("config.json id2label does not match its labels".into()));
                }
                let bert = BertEncoder::new(&root / "bert", &bert_cfg).map_err(|e| model_err(format!("config.json: {e}")))?;
                (Encoder::Bert(bert), bert_cfg.hidden_size, bert_cfg.pad_token_id.unwrap_or(0))
            }
            ModelType::Mpnet => {
                let mpnet_cfg: MpnetConfig = serde_json::from_str(&raw).map_err(|e| model_err(format!("config.json is not an MPNet config: {e}")))?;
                let mpnet = MpnetModel::new(&root / "mpnet", &mpnet_cfg).map_err(|e| model_err(format!("config.json: {e}")))?;
                (Encoder::Mpnet(mpnet), mpnet_cfg.hidden_size, mpnet_cfg.pad_token_id.unwrap_or(PADDING_IDX))
            }
        };
        let classifier = nn::linear(&root / "classifier", hidden_size, cfg.labels.len() as i64, Default::default());
        let events = cfg.event_head.as_ref().map(|h| {
            let layer = nn::linear(&root / h.weights.as_str(), hidden_size, h.width() as i64, Default::default());
            (layer, h.heads.iter().map(|x| x.labels.len()).collect::<Vec<_>>())
        });
        let syntax = cfg.syntax_head.as_ref().map(|h| SyntaxLayer::new(&root / h.weights.as_str(), hidden_size, h));
        weights::load(&mut vs, &files.weights, cfg.weights).map_err(model_err)?;
        // Weights may be stored in half precision (int8 matrices are dequantized to f32 at load);
        // compute in f32, or in bfloat16 where the CPU has native bf16 dot products (see
        // `Precision`).
        if compute == Compute::Bf16 {
            vs.bfloat16();
        } else {
            vs.float();
        }
        let max_positions = cfg.max_positions;
        Ok(Classifier { _vs: vs, encoder, classifier, events, syntax, num_labels: cfg.labels.len(), max_positions, pad_id, compute })
    }

    /// For [`Compute::Int8`]: run the f32 model over `calibration` (one batch), record the input
    /// range of every linear layer of the encoder, and make those layers int8 for these ranges.
    /// Nothing to do in f32 or bf16.
    pub fn quantize(&mut self, calibration: &[Sequence]) -> Result<()> {
        if self.compute != Compute::Int8 || calibration.is_empty() {
            return Ok(());
        }
        let all: Vec<usize> = (0..calibration.len()).collect();
        let (ids, mask) = self.batch_tensors(calibration, &all, all.len(), 0);
        let mut ranges = Vec::new();
        let _hidden = tch::no_grad(|| self.encoder.forward(&ids, &mask, Some(&mut ranges)))?;
        self.encoder.quantize(&ranges)
    }

    pub fn num_labels(&self) -> usize {
        self.num_labels
    }

    /// Values per position in the output of [`Classifier::predict`]: the entity labels' and the
    /// event heads' probabilities.
    pub fn stride(&self) -> usize {
        self.num_labels + self.events.as_ref().map_or(0, |(_, w)| w.iter().sum())
    }

    /// Whether the model has a syntax head.
    pub fn has_syntax(&self) -> bool {
        self.syntax.is_some()
    }

    /// The number format the model computes in.
    pub fn compute(&self) -> Compute {
        self.compute
    }

    /// Label probabilities at the requested positions of every sequence, in input order:
    /// [`Classifier::stride`] values per position, flattened — the entity labels' distribution,
    /// then each event head's. Sequences are sorted by length and run in
    /// batches of `batch_size`. In f32 a batch is as long as its longest sequence. In bf16 every
    /// batch has the shape `batch_size` × `window` (padding rows and positions are masked), so
    /// that a sequence's result never depends on which other sequences share its batch — the
    /// outputs of a document stay the same whatever documents it is processed with (resume,
    /// shards, thread counts).
    ///
    /// The batches run side by side on rayon's workers, each forward pass on one thread (see
    /// [`single_threaded_torch`]): no pass waits at a barrier for a thread that another process
    /// has taken the core of, so a busy machine slows entline by about the share of CPU it loses,
    /// not several times that. The last, incomplete round runs on the calling thread with its
    /// libtorch threads.
    ///
    /// With `syntax` (and a syntax head), each sequence's words are also parsed, sentence by
    /// sentence ([`SeqOutput::syntax`]).
    pub fn predict(&self, seqs: &[Sequence], batch_size: usize, window: usize, syntax: bool) -> Result<Vec<SeqOutput>> {
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| (seqs[i].ids.len(), i));
        let chunks: Vec<&[usize]> = order.chunks(batch_size.max(1)).collect();
        // Whole rounds (a batch per worker) run side by side; the batches left over run one after
        // another on the calling thread with all of its libtorch threads, so that no worker idles
        // through the last round while another finishes its batch alone.
        let workers = rayon::current_num_threads().max(1);
        let side_by_side = if workers > 1 { chunks.len() / workers * workers } else { 0 };
        let model = Shared(self);
        let mut done: Vec<Result<BatchProbs>> = chunks[..side_by_side]
            .par_iter()
            .map(|chunk| {
                single_threaded_torch();
                let _guard = tch::no_grad_guard(); // grad mode is per thread
                model.classifier().forward_batch(seqs, chunk, batch_size, window, syntax)
            })
            .collect();
        let _guard = tch::no_grad_guard();
        done.extend(chunks[side_by_side..].iter().map(|chunk| self.forward_batch(seqs, chunk, batch_size, window, syntax)));
        let mut out: Vec<SeqOutput> = vec![SeqOutput::default(); seqs.len()];
        for batch in done {
            for (i, v) in batch? {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// The input ids and attention mask `[rows, length]` of the sequences `chunk` (indices into
    /// `seqs`, at least one not empty), padded as [`Classifier::predict`] says.
    fn batch_tensors(&self, seqs: &[Sequence], chunk: &[usize], batch_size: usize, window: usize) -> (Tensor, Tensor) {
        let longest = chunk.iter().map(|&i| seqs[i].ids.len()).max().unwrap_or(0);
        let fixed = self.compute == Compute::Bf16;
        let (rows, max_len) = if fixed { (batch_size.max(chunk.len()), window.max(longest)) } else { (chunk.len(), longest) };
        let max_len = max_len.min(self.max_positions);
        let mut ids = vec![self.pad_id; rows * max_len];
        let mut mask = vec![0i64; rows * max_len];
        for (r, &i) in chunk.iter().enumerate() {
            let s = &seqs[i].ids[..seqs[i].ids.len().min(max_len)];
            ids[r * max_len..r * max_len + s.len()].copy_from_slice(s);
            mask[r * max_len..r * max_len + s.len()].iter_mut().for_each(|m| *m = 1);
        }
        let shape = [rows as i64, max_len as i64];
        (Tensor::from_slice(&ids).view(shape), Tensor::from_slice(&mask).view(shape))
    }

    /// One batch: the sequences `chunk` (indices into `seqs`), padded as [`Classifier::predict`]
    /// says; the probabilities at each sequence's positions.
    fn forward_batch(&self, seqs: &[Sequence], chunk: &[usize], batch_size: usize, window: usize, syntax: bool) -> Result<BatchProbs> {
        let longest = chunk.iter().map(|&i| seqs[i].ids.len()).max().unwrap_or(0);
        if longest == 0 {
            return Ok(chunk.iter().map(|&i| (i, SeqOutput::default())).collect());
        }
        let (ids_t, mask_t) = self.batch_tensors(seqs, chunk, batch_size, window);
        let max_len = ids_t.size()[1] as usize;
        let hidden = self.encoder.forward(&ids_t, &mask_t, None)?;
        let mut parts = vec![self.classifier.forward(&hidden).softmax(-1, Kind::Float)];
        if let Some((layer, widths)) = &self.events {
            let logits = layer.forward(&hidden);
            let mut at = 0i64;
            for &w in widths {
                parts.push(logits.narrow(-1, at, w as i64).softmax(-1, Kind::Float));
                at += w as i64;
            }
        }
        let probs = Tensor::cat(&parts, -1).contiguous();
        let flat: Vec<f32> = Vec::<f32>::try_from(probs.view(-1)).map_err(Error::Torch)?;
        let k = self.stride();
        let positions: Vec<Vec<usize>> = chunk.iter().map(|&i| seqs[i].positions.iter().map(|&p| p.min(max_len - 1)).collect()).collect();
        let mut parsed = match (&self.syntax, syntax) {
            (Some(layer), true) => {
                let rows: Vec<(&[usize], &[u32])> =
                    chunk.iter().zip(&positions).map(|(&i, p)| (p.as_slice(), seqs[i].sentences.as_slice())).collect();
                layer.parse(&hidden, &rows)?
            }
            _ => vec![Vec::new(); chunk.len()],
        };
        Ok(chunk
            .iter()
            .enumerate()
            .map(|(r, &i)| {
                let mut v = Vec::with_capacity(positions[r].len() * k);
                for &p in &positions[r] {
                    let base = (r * max_len + p) * k;
                    v.extend_from_slice(&flat[base..base + k]);
                }
                (i, SeqOutput { probs: v, syntax: std::mem::take(&mut parsed[r]) })
            })
            .collect())
    }
}

/// The classifier shared by the workers of one [`Classifier::predict`] call.
struct Shared<'a>(&'a Classifier);

impl Shared<'_> {
    /// (A method, so that closures capture the `Sync` wrapper, not its field.)
    fn classifier(&self) -> &Classifier {
        self.0
    }
}

// SAFETY: tch's `Tensor` is not `Sync` because libtorch tensors may be mutated in place; the
// forward passes only read the weights (no in-place operation on a parameter, autograd off, no
// dropout at inference) and allocate their own results, and libtorch's operators and the
// tensors' reference counts are thread-safe for such concurrent reads — the arrangement
// libtorch documents for serving one module from several threads.
unsafe impl Sync for Shared<'_> {}

/// Make libtorch run this thread's operators on this thread alone (once per thread). OpenMP's
/// thread count is a per-thread setting; each rayon worker sets its own.
pub fn single_threaded_torch() {
    thread_local! {
        static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    DONE.with(|d| {
        if !d.get() {
            tch::set_num_threads(1);
            d.set(true);
        }
    });
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tch::{nn, Device, Kind, Tensor};

    use crate::error::Error;
    use crate::ner::config::{ModelFiles, NerConfig};
    use crate::ner::encode::WordEncoder;
    use crate::ner::mpnet::{MpnetConfig, MpnetModel};
    use crate::ner::syntax::{SyntaxHeadConfig, SyntaxLayer};
    use crate::ner::{Ner, NerOptions, Precision, WordDoc};

    const VOCAB: &str = "<s>\n<pad>\n</s>\n<unk>\n[PAD]\n[unused1]\n[unused2]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n\
                         angela\nmerkel\nvisited\nparis\n.\nthe\nnato\nsummit\n##s\n";
    const CONFIG: &str = r#"{"model_type": "mpnet", "vocab_size": 20, "hidden_size": 8, "num_hidden_layers": 2,
        "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
        "max_position_embeddings": 40, "relative_attention_num_buckets": 32, "pad_token_id": 1,
        "id2label": {"0": "O", "1": "B-PER", "2": "I-PER"}}"#;
    const SPECIAL: &str = r#"{"cls_token": "<s>", "sep_token": {"content": "</s>", "lstrip": false},
        "pad_token": "<pad>", "unk_token": "[UNK]"}"#;

    type Named = Vec<(String, Tensor)>;

    /// The weights of a tiny random MPNet token classifier, every value exactly `q × 2^-k` with an
    /// integer |q| ≤ 127 and one k per row, so that int8-rowwise storage is lossless: (name,
    /// tensor) as float32, and the int8-rowwise form of the same weights.
    fn tiny_weights() -> (Named, Named) {
        let cfg: MpnetConfig = serde_json::from_str(CONFIG).unwrap();
        let vs = nn::VarStore::new(Device::Cpu);
        let _model = MpnetModel::new(vs.root() / "mpnet", &cfg).unwrap();
        let _head = nn::linear(vs.root() / "classifier", 8, 3, Default::default());
        tch::manual_seed(11);
        let mut float = Vec::new();
        let mut int8 = Vec::new();
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, v) in vars {
            let size = v.size();
            let q = Tensor::randint_low(-127, 128, &size, (Kind::Int64, Device::Cpu));
            if size.len() == 2 {
                // one power-of-two scale per row: 2^-5 .. 2^-8
                let scale = (Tensor::randint_low(5, 9, [size[0]], (Kind::Int64, Device::Cpu)).to_kind(Kind::Float) * -1.0).exp2();
                float.push((name.clone(), q.to_kind(Kind::Float) * scale.view([size[0], 1])));
                int8.push((name.clone(), q.to_kind(Kind::Int8)));
                int8.push((format!("{name}.int8_scale"), scale.to_kind(Kind::Half)));
            } else {
                let t = q.to_kind(Kind::Float) / 128.0;
                float.push((name.clone(), t.shallow_clone()));
                int8.push((name, t.to_kind(Kind::Half)));
            }
        }
        (float, int8)
    }

    fn write_model(dir: &Path, config: &str, tensors: &[(String, Tensor)], entline: Option<&str>) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("config.json"), config).unwrap();
        std::fs::write(dir.join("vocab.txt"), VOCAB).unwrap();
        std::fs::write(dir.join("special_tokens_map.json"), SPECIAL).unwrap();
        std::fs::write(dir.join("tokenizer_config.json"), r#"{"do_lower_case": true}"#).unwrap();
        if let Some(e) = entline {
            std::fs::write(dir.join("entline.json"), e).unwrap();
        }
        Tensor::write_safetensors(tensors, dir.join("model.safetensors")).unwrap();
    }

    fn load(dir: &Path) -> crate::error::Result<Ner> {
        Ner::load(dir.to_str().unwrap(), NerOptions { precision: Precision::F32, batch_size: Some(2), ..Default::default() })
    }

    fn model_error(dir: &Path) -> String {
        match load(dir) {
            Err(Error::Model { model, msg }) => format!("{model}: {msg}"),
            Err(e) => panic!("expected a model error, got {e}"),
            Ok(_) => panic!("expected a model error, the model loaded"),
        }
    }

    /// An MPNet folder loads through the whole pipeline with MPNet's special tokens, and its
    /// int8-rowwise form (declared in entline.json or not) gives exactly the same probabilities.
    #[test]
    fn tiny_mpnet_float_and_int8_agree() {
        let tmp = tempfile::tempdir().unwrap();
        let (float, int8) = tiny_weights();
        write_model(&tmp.path().join("float"), CONFIG, &float, None);
        write_model(&tmp.path().join("int8"), CONFIG, &int8, Some(r#"{"weights": "int8-rowwise"}"#));
        write_model(&tmp.path().join("int8-undeclared"), CONFIG, &int8, None);
        let text = "Angela Merkel visited Paris. The NATO summits.\n\nParis";
        let docs = [WordDoc::from_text(text), WordDoc::from_text("Merkel")];
        let probs = |dir: &str| {
            let dir = tmp.path().join(dir);
            let files = ModelFiles::from_dir(&dir).unwrap();
            let cfg = NerConfig::load(&files).unwrap();
            let enc = WordEncoder::new(&files.vocab, &cfg).unwrap();
            assert_eq!((enc.cls, enc.sep, enc.pad), (0, 2, 1), "MPNet's <s>, </s>, <pad>");
            assert_eq!(cfg.max_positions, 38, "positions start at 2");
            let ner = load(&dir).unwrap();
            ner.word_probs(&docs).unwrap().into_iter().map(|s| s.ner).collect::<Vec<_>>()
        };
        let a = probs("float");
        assert_eq!(a[0].len(), 3 * docs[0].words.len());
        assert!(a[0].iter().all(|p| p.is_finite() && *p > 0.0 && *p < 1.0));
        assert_eq!(a, probs("int8"));
        assert_eq!(a, probs("int8-undeclared"));
    }

    /// A model with a syntax head parses every sentence into one tree (heads inside the sentence,
    /// one word under the root) through the whole pipeline, also for a sentence longer than the
    /// window; a model without one says so.
    #[test]
    fn tiny_syntax_head_gives_one_tree_per_sentence() {
        let tmp = tempfile::tempdir().unwrap();
        let (mut float, _) = tiny_weights();
        let head = r#"{"syntax_head": {"weights": "syntax_head", "upos": ["NOUN", "VERB", "PUNCT"],
            "deprels": ["nsubj", "obj", "punct", "root"], "arc_dim": 4, "rel_dim": 3}, "max_len": 12}"#;
        // random weights of the shapes the layer itself declares
        let cfg: serde_json::Value = serde_json::from_str(head).unwrap();
        let cfg: SyntaxHeadConfig = serde_json::from_value(cfg["syntax_head"].clone()).unwrap();
        let vs = nn::VarStore::new(Device::Cpu);
        let _layer = SyntaxLayer::new(vs.root() / "syntax_head", 8, &cfg);
        tch::manual_seed(5);
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, v) in vars {
            float.push((name, Tensor::randn(v.size(), (Kind::Float, Device::Cpu))));
        }
        write_model(&tmp.path().join("syntax"), CONFIG, &float, Some(head));
        let long = "angela merkel visited paris the nato summits visited paris angela merkel visited the summits .";
        let text = format!("Angela Merkel visited Paris. The NATO summits.\n\n{long}");
        let docs = [WordDoc::from_text(&text), WordDoc::from_text("Merkel")];
        let ner = load(&tmp.path().join("syntax")).unwrap();
        let parsed = ner.parse(&docs).unwrap();
        for (doc, p) in docs.iter().zip(&parsed) {
            assert_eq!(p.syntax.len(), doc.words.len());
            for sent in &doc.sentences {
                let words = &p.syntax[sent.clone()];
                assert_eq!(words.iter().filter(|w| w.head.is_none()).count(), 1, "one root in {sent:?}: {words:?}");
                for (i, w) in words.iter().enumerate() {
                    assert!(w.upos < 3 && w.deprel < 4);
                    // every word reaches the root without leaving the sentence
                    let mut at = sent.start + i;
                    for _ in 0..=sent.len() {
                        match p.syntax[at].head {
                            Some(h) => {
                                assert!(sent.contains(&(h as usize)), "head {h} outside {sent:?}");
                                at = h as usize;
                            }
                            None => break,
                        }
                    }
                    assert!(p.syntax[at].head.is_none(), "a cycle through word {}", sent.start + i);
                }
            }
        }
        assert!(docs[0].sentences.iter().any(|s| s.len() > 10), "the long sentence spans windows");
        let (_, int8) = tiny_weights();
        write_model(&tmp.path().join("plain"), CONFIG, &int8, None);
        let e = load(&tmp.path().join("plain")).unwrap().parse(&docs).unwrap_err().to_string();
        assert!(e.contains("no syntax head"), "{e}");
    }

    #[test]
    fn clear_errors_for_bad_models() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, int8) = tiny_weights();

        let dir = tmp.path().join("bad-type");
        write_model(&dir, &CONFIG.replace(r#""mpnet""#, r#""xlnet""#), &int8, None);
        let e = model_error(&dir);
        assert!(e.contains("bad-type") && e.contains("model_type \"xlnet\""), "{e}");

        let dir = tmp.path().join("bad-scale");
        let mut t: Vec<(String, Tensor)> = int8.iter().map(|(n, t)| (n.clone(), t.shallow_clone())).collect();
        let i = t.iter().position(|(n, _)| n == "mpnet.encoder.layer.1.attention.attn.q.weight.int8_scale").unwrap();
        t[i].1 = Tensor::ones([5], (Kind::Half, Device::Cpu));
        write_model(&dir, CONFIG, &t, Some(r#"{"weights": "int8-rowwise"}"#));
        let e = model_error(&dir);
        assert!(e.contains("bad-scale") && e.contains("layer.1.attention.attn.q.weight.int8_scale has shape [5]"), "{e}");

        let dir = tmp.path().join("no-scale");
        let t: Vec<(String, Tensor)> =
            int8.iter().filter(|(n, _)| n != "classifier.weight.int8_scale").map(|(n, t)| (n.clone(), t.shallow_clone())).collect();
        write_model(&dir, CONFIG, &t, None);
        let e = model_error(&dir);
        assert!(e.contains("classifier.weight is int8 but there is no classifier.weight.int8_scale"), "{e}");

        let dir = tmp.path().join("missing");
        let t: Vec<(String, Tensor)> =
            int8.iter().filter(|(n, _)| n != "mpnet.encoder.relative_attention_bias.weight").map(|(n, t)| (n.clone(), t.shallow_clone())).collect();
        write_model(&dir, CONFIG, &t, Some(r#"{"weights": "int8-rowwise"}"#));
        let e = model_error(&dir);
        assert!(e.contains("no tensor mpnet.encoder.relative_attention_bias.weight"), "{e}");

        let dir = tmp.path().join("bad-storage");
        write_model(&dir, CONFIG, &int8, Some(r#"{"weights": "int4"}"#));
        let e = model_error(&dir);
        assert!(e.contains("unknown weights storage \"int4\""), "{e}");
    }
}
