//! The MPNet encoder (the architecture of sentence-transformers/all-mpnet-base-v2) on tch, for
//! inference. rust-bert has no MPNet; this is a port of the forward pass of transformers'
//! `MPNetModel` (`models/mpnet/modeling_mpnet.py`, transformers 4.44) without the pooler:
//!
//! - embeddings: word + absolute position embeddings (positions count from `padding_idx + 1`
//!   over the non-padding tokens, as `create_position_ids_from_input_ids`), then LayerNorm — no
//!   token-type embeddings;
//! - a relative position bias (`encoder.relative_attention_bias`, 32 buckets up to a distance of
//!   128, as T5) computed once per forward pass from the sequence length and added to the
//!   attention scores of every layer, together with the additive attention mask;
//! - post-LayerNorm layers: attention `attn.q/k/v/o` + `attention.LayerNorm`, then
//!   `intermediate.dense` + activation, `output.dense` + `output.LayerNorm`.
//!
//! Variables are named as in transformers' checkpoints under the given path
//! (`mpnet.embeddings.word_embeddings.weight`, `mpnet.encoder.layer.0.attention.attn.q.weight`,
//! …) so that a `VarStore` loads `model.safetensors` directly. No dropout (inference only).

use serde::Deserialize;
use tch::{nn, Kind, TchError, Tensor};

use super::layers::{check_sizes, Activation, EmbeddingSizes, Embeddings, LayerNames, LayerRanges, Scaling, Stack, StackConfig};

/// transformers' `MPNetEmbeddings` fixes the padding index at 1 (`<pad>`), whatever the config
/// says; position ids start after it.
pub const PADDING_IDX: i64 = 1;

/// Buckets and distance of the relative position bias: transformers calls
/// `compute_position_bias` with its default of 32 buckets (not the config's value) and
/// `relative_position_bucket` with a maximum distance of 128.
pub const NUM_BUCKETS: i64 = 32;
pub const MAX_DISTANCE: i64 = 128;

/// The fields of an MPNet `config.json` the forward pass needs; absent ones take the defaults
/// of transformers' `MPNetConfig`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MpnetConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub hidden_act: String,
    pub layer_norm_eps: f64,
    pub max_position_embeddings: i64,
    pub relative_attention_num_buckets: i64,
    pub pad_token_id: Option<i64>,
}

impl Default for MpnetConfig {
    fn default() -> Self {
        MpnetConfig {
            vocab_size: 30527,
            hidden_size: 768,
            num_hidden_layers: 12,
            num_attention_heads: 12,
            intermediate_size: 3072,
            hidden_act: "gelu".into(),
            layer_norm_eps: 1e-12,
            max_position_embeddings: 512,
            relative_attention_num_buckets: NUM_BUCKETS,
            pad_token_id: Some(PADDING_IDX),
        }
    }
}

impl MpnetConfig {
    /// Check what the forward pass relies on; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        check_sizes(self.hidden_size, self.num_attention_heads, self.num_hidden_layers, self.intermediate_size, self.vocab_size)?;
        if self.max_position_embeddings <= PADDING_IDX + 1 {
            return Err(format!("max_position_embeddings {} leaves no positions", self.max_position_embeddings));
        }
        if self.relative_attention_num_buckets < NUM_BUCKETS {
            return Err(format!(
                "relative_attention_num_buckets {} (transformers' MPNet looks up {NUM_BUCKETS} buckets)",
                self.relative_attention_num_buckets
            ));
        }
        if let Some(p) = self.pad_token_id {
            if p != PADDING_IDX {
                return Err(format!("pad_token_id {p}: transformers' MPNet fixes the padding index at {PADDING_IDX}"));
            }
        }
        Activation::parse(&self.hidden_act).map(|_| ())
    }
}

/// transformers' `MPNetEncoder.relative_position_bucket` for one relative position
/// (`memory − context`): exact buckets for distances below `num_buckets / 4`, logarithmic ones up
/// to `max_distance`, separately for each direction. The logarithm is taken in f32 as torch does
/// on float tensors, so that bucket edges fall where they fall in Python.
pub fn relative_position_bucket(relative_position: i64, num_buckets: i64, max_distance: i64) -> i64 {
    let half = num_buckets / 2;
    let n = -relative_position;
    let mut ret = if n < 0 { half } else { 0 };
    let n = n.abs();
    let max_exact = half / 2;
    if n < max_exact {
        ret += n;
    } else {
        let ratio = ((max_distance as f64) / (max_exact as f64)).ln() as f32;
        let scaled = (n as f32 / max_exact as f32).ln() / ratio * (half - max_exact) as f32;
        ret += (max_exact + scaled as i64).min(half - 1);
    }
    ret
}

/// Bucket of every (query, key) pair of a sequence of `len` tokens, row-major.
fn bucket_matrix(len: i64) -> Vec<i64> {
    let mut out = Vec::with_capacity((len * len) as usize);
    for q in 0..len {
        for k in 0..len {
            out.push(relative_position_bucket(k - q, NUM_BUCKETS, MAX_DISTANCE));
        }
    }
    out
}

/// Variable names of an MPNet layer.
const NAMES: LayerNames = [
    "attention.attn.q",
    "attention.attn.k",
    "attention.attn.v",
    "attention.attn.o",
    "attention.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
];

/// `MPNetModel` without its pooler.
pub struct MpnetModel {
    embeddings: Embeddings,
    layers: Stack,
    /// `[buckets, heads]`
    relative_attention_bias: Tensor,
}

impl MpnetModel {
    /// Create the variables under `p` (transformers' `base_model_prefix` is `mpnet`). The
    /// configuration must have passed [`MpnetConfig::validate`].
    pub fn new(p: nn::Path<'_>, cfg: &MpnetConfig) -> Result<Self, String> {
        cfg.validate()?;
        let sizes = EmbeddingSizes {
            vocab: cfg.vocab_size,
            positions: cfg.max_position_embeddings,
            token_types: None,
            hidden: cfg.hidden_size,
            eps: cfg.layer_norm_eps,
        };
        let embeddings = Embeddings::new(&p / "embeddings", sizes);
        let shape = StackConfig {
            hidden: cfg.hidden_size,
            intermediate: cfg.intermediate_size,
            layers: cfg.num_hidden_layers,
            heads: cfg.num_attention_heads,
            eps: cfg.layer_norm_eps,
            activation: Activation::parse(&cfg.hidden_act)?,
            scaling: Scaling::Scores,
        };
        let enc = &p / "encoder";
        let layers = Stack::new(shape, &NAMES, |i| &enc / "layer" / i);
        let relative_attention_bias =
            (&enc / "relative_attention_bias").var("weight", &[cfg.relative_attention_num_buckets, cfg.num_attention_heads], nn::Init::Const(0.));
        Ok(MpnetModel { embeddings, layers, relative_attention_bias })
    }

    /// Last hidden state `[batch, len, hidden]` of `input_ids` `[batch, len]` under
    /// `attention_mask` (1 = token, 0 = padding), in the kind of the weights. With `ranges`, the
    /// input ranges of the linear layers are recorded ([`Stack::forward`]).
    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor, ranges: Option<&mut Vec<LayerRanges>>) -> Result<Tensor, TchError> {
        let (batch, len) = input_ids.size2()?;
        // create_position_ids_from_input_ids: padding_idx + running count of non-padding tokens
        let not_pad = input_ids.f_ne(PADDING_IDX)?.f_to_kind(Kind::Int64)?;
        let positions = not_pad.f_cumsum(1, Kind::Int64)?.f_mul(&not_pad)?.f_add_scalar(PADDING_IDX)?;
        let hidden = self.embeddings.forward(input_ids, &positions)?;
        let kind = hidden.kind();

        // compute_position_bias: [1, heads, len, len], the same for every row of the batch
        let buckets = Tensor::f_from_slice(&bucket_matrix(len))?.f_view([len, len])?;
        let bias = Tensor::f_embedding(&self.relative_attention_bias, &buckets, -1, false, false)?.f_permute([2, 0, 1])?.f_unsqueeze(0)?;
        // get_extended_attention_mask: (1 − mask) × the kind's most negative value
        let min = if kind == Kind::BFloat16 {
            -3.389_531_4e38
        } else if kind == Kind::Half {
            -65504.0
        } else {
            f32::MIN as f64
        };
        let mask = attention_mask.f_to_kind(kind)?.f_neg()?.f_add_scalar(1.0)?.f_mul_scalar(min)?.f_view([batch, 1, 1, len])?;
        self.layers.forward(hidden, Some(&bias), &mask, ranges)
    }

    /// Make the encoder layers int8 ([`Stack::quantize`]).
    pub fn quantize(&mut self, ranges: &[LayerRanges]) -> Result<(), TchError> {
        self.layers.quantize(ranges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // transformers' `MPNetEncoder.relative_position_bucket(torch.arange(-140, 141))` (32 buckets,
    // max distance 128) with transformers 4.44 / torch 2.4, split at 0.
    const PYTHON_BEFORE: [i64; 141] = [
        15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
        15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14,
        14, 14, 14, 14, 14, 14, 14, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
        12, 12, 12, 12, 11, 11, 11, 11, 11, 11, 11, 11, 11, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    ];
    const PYTHON_AFTER: [i64; 141] = [
        0, 17, 18, 19, 20, 21, 22, 23, 24, 24, 24, 24, 25, 25, 25, 25, 26, 26, 26, 26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
        31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
        31,
    ];

    #[test]
    fn buckets_match_transformers() {
        for (i, want) in PYTHON_BEFORE.iter().enumerate() {
            let rel = i as i64 - 140;
            assert_eq!(relative_position_bucket(rel, NUM_BUCKETS, MAX_DISTANCE), *want, "relative position {rel}");
        }
        for (i, want) in PYTHON_AFTER.iter().enumerate() {
            let rel = i as i64;
            assert_eq!(relative_position_bucket(rel, NUM_BUCKETS, MAX_DISTANCE), *want, "relative position {rel}");
        }
        // far beyond max_distance: the last bucket of each direction
        assert_eq!(relative_position_bucket(300, NUM_BUCKETS, MAX_DISTANCE), 31);
        assert_eq!(relative_position_bucket(-300, NUM_BUCKETS, MAX_DISTANCE), 15);
    }

    #[test]
    fn bucket_matrix_is_query_by_key() {
        // row = query, column = key: a key after its query is a positive relative position
        assert_eq!(bucket_matrix(3), vec![0, 17, 18, 1, 0, 17, 2, 1, 0]);
    }

    fn tiny_config() -> MpnetConfig {
        serde_json::from_str(
            r#"{"vocab_size": 12, "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
                "intermediate_size": 16, "max_position_embeddings": 20, "pad_token_id": 1, "layer_norm_eps": 1e-5}"#,
        )
        .unwrap()
    }

    #[test]
    fn config_checks() {
        let cfg = tiny_config();
        assert!(cfg.validate().is_ok());
        assert!(MpnetConfig { num_attention_heads: 3, ..cfg.clone() }.validate().unwrap_err().contains("multiple"));
        assert!(MpnetConfig { pad_token_id: Some(0), ..cfg.clone() }.validate().unwrap_err().contains("padding index"));
        assert!(MpnetConfig { hidden_act: "swish".into(), ..cfg.clone() }.validate().unwrap_err().contains("swish"));
        assert!(MpnetConfig { relative_attention_num_buckets: 16, ..cfg }.validate().is_err());
    }

    /// A tiny random MPNet: padding (and the other rows of a batch) never change the outputs at a
    /// sequence's own tokens.
    #[test]
    fn padding_does_not_change_tokens() {
        let cpu = tch::Device::Cpu;
        tch::manual_seed(7);
        let vs = nn::VarStore::new(cpu);
        let model = MpnetModel::new(vs.root() / "mpnet", &tiny_config()).unwrap();
        tch::no_grad(|| {
            for (_, mut v) in vs.variables() {
                v.copy_(&(Tensor::randn(v.size(), (Kind::Float, cpu)) * 0.5));
            }
        });
        let alone = model.forward(&Tensor::from_slice(&[0i64, 5, 6, 7, 2]).view([1, 5]), &Tensor::ones([1, 5], (Kind::Int64, cpu)), None).unwrap();
        let ids = Tensor::from_slice(&[0i64, 5, 6, 7, 2, 1, 1, 0, 9, 2, 1, 1, 1, 1]).view([2, 7]);
        let mask = Tensor::from_slice(&[1i64, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0]).view([2, 7]);
        let batch = model.forward(&ids, &mask, None).unwrap();
        let diff = f64::try_from((batch.narrow(0, 0, 1).narrow(1, 0, 5) - &alone).abs().max()).unwrap();
        assert!(diff < 1e-5, "max difference {diff}");
        assert_eq!(batch.isfinite().all().int64_value(&[]), 1);
    }
}
