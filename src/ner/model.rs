//! The token-classification network (rust-bert's "model" layer), driven directly with
//! length-sorted, padded batches under `no_grad` — several times faster than going through
//! rust-bert's `NERModel` pipeline, and free of its single-item-last-batch panic.

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use tch::{nn, nn::Module, Device, Kind, Tensor};

use super::config::{ModelFiles, NerConfig};
use crate::error::{Error, Result};

/// A BERT encoder with an entity-label head (`classifier`, as transformers names the layer of a
/// token classifier) and, in joint models, an event-mention head (several label sets cut from one
/// layer, see [`super::config::EventHeadConfig`]): one forward pass gives both.
pub struct Classifier {
    _vs: nn::VarStore,
    bert: BertModel<BertEmbeddings>,
    classifier: nn::Linear,
    /// The event layer and the label-set widths of its output segments.
    events: Option<(nn::Linear, Vec<usize>)>,
    num_labels: usize,
    max_positions: usize,
    /// bfloat16 computation: its kernels' results depend on the batch's shape, so every batch is
    /// given one fixed shape (see `predict`).
    bf16: bool,
}

/// One input sequence: subword ids (with [CLS]/[SEP]) and the positions whose label
/// distributions are wanted.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub ids: Vec<i64>,
    pub positions: Vec<usize>,
}

impl Classifier {
    pub fn load(files: &ModelFiles, cfg: &NerConfig, bf16: bool) -> Result<Self> {
        let model_err = |msg: String| Error::Model { model: files.name.clone(), msg };
        let raw = std::fs::read_to_string(&files.config).map_err(|e| Error::io(&files.config, e))?;
        let bert_cfg: BertConfig =
            serde_json::from_str(&raw).map_err(|e| model_err(format!("config.json is not a BERT config: {e}")))?;
        if bert_cfg.id2label.as_ref().map(|m| m.len()) != Some(cfg.labels.len()) {
            return Err(model_err("config.json id2label does not match its labels".into()));
        }
        let mut vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let bert = BertModel::new_with_optional_pooler(&root / "bert", &bert_cfg, false);
        let classifier = nn::linear(&root / "classifier", bert_cfg.hidden_size, cfg.labels.len() as i64, Default::default());
        let events = cfg.event_head.as_ref().map(|h| {
            let layer = nn::linear(&root / h.weights.as_str(), bert_cfg.hidden_size, h.width() as i64, Default::default());
            (layer, h.heads.iter().map(|x| x.labels.len()).collect::<Vec<_>>())
        });
        vs.load(&files.weights).map_err(|e| model_err(format!("loading {}: {e}", files.weights.display())))?;
        // Weights may be stored in half precision; compute in f32, or in bfloat16 where the CPU
        // has native bf16 dot products (see `Precision`).
        if bf16 {
            vs.bfloat16();
        } else {
            vs.float();
        }
        Ok(Classifier { _vs: vs, bert, classifier, events, num_labels: cfg.labels.len(), max_positions: cfg.max_positions, bf16 })
    }

    pub fn num_labels(&self) -> usize {
        self.num_labels
    }

    /// Values per position in the output of [`Classifier::predict`]: the entity labels' and the
    /// event heads' probabilities.
    pub fn stride(&self) -> usize {
        self.num_labels + self.events.as_ref().map_or(0, |(_, w)| w.iter().sum())
    }

    /// Whether the weights were loaded for bfloat16 computation.
    pub fn bf16(&self) -> bool {
        self.bf16
    }

    /// Label probabilities at the requested positions of every sequence, in input order:
    /// [`Classifier::stride`] values per position, flattened — the entity labels' distribution,
    /// then each event head's. Sequences are sorted by length and run in
    /// batches of `batch_size`. In f32 a batch is as long as its longest sequence. In bf16 every
    /// batch has the shape `batch_size` × `window` (padding rows and positions are masked), so
    /// that a sequence's result never depends on which other sequences share its batch — the
    /// outputs of a document stay the same whatever documents it is processed with (resume,
    /// shards, thread counts).
    pub fn predict(&self, seqs: &[Sequence], batch_size: usize, window: usize) -> Result<Vec<Vec<f32>>> {
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); seqs.len()];
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| (seqs[i].ids.len(), i));
        let _guard = tch::no_grad_guard();
        for chunk in order.chunks(batch_size.max(1)) {
            let longest = chunk.iter().map(|&i| seqs[i].ids.len()).max().unwrap_or(0);
            if longest == 0 {
                continue;
            }
            let (rows, max_len) =
                if self.bf16 { (batch_size.max(chunk.len()), window.max(longest)) } else { (chunk.len(), longest) };
            let max_len = max_len.min(self.max_positions);
            let mut ids = vec![0i64; rows * max_len];
            let mut mask = vec![0i64; rows * max_len];
            for (r, &i) in chunk.iter().enumerate() {
                let s = &seqs[i].ids[..seqs[i].ids.len().min(max_len)];
                ids[r * max_len..r * max_len + s.len()].copy_from_slice(s);
                mask[r * max_len..r * max_len + s.len()].iter_mut().for_each(|m| *m = 1);
            }
            let shape = [rows as i64, max_len as i64];
            let ids_t = Tensor::from_slice(&ids).view(shape);
            let mask_t = Tensor::from_slice(&mask).view(shape);
            let hidden = self
                .bert
                .forward_t(Some(&ids_t), Some(&mask_t), None, None, None, None, None, false)
                .map_err(|e| Error::Other(format!("model forward pass: {e}")))?
                .hidden_state;
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
            for (r, &i) in chunk.iter().enumerate() {
                let mut v = Vec::with_capacity(seqs[i].positions.len() * k);
                for &p in &seqs[i].positions {
                    let base = (r * max_len + p.min(max_len - 1)) * k;
                    v.extend_from_slice(&flat[base..base + k]);
                }
                out[i] = v;
            }
        }
        Ok(out)
    }
}
