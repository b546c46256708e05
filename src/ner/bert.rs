//! The BERT encoder (the architecture of the fast tier, all-MiniLM-L6-v2) on tch, for inference,
//! computing exactly what rust-bert 0.23's `BertModel` (without pooler) computes — the same
//! operations in the same order, so the same numbers — but on entline's own layers
//! ([`super::layers`]), whose linear layers can be int8:
//!
//! - embeddings: word + absolute position (0, 1, …) + token type (all 0), then LayerNorm;
//! - the additive attention mask `(1 − mask) × −10000`;
//! - post-LayerNorm layers `attention.self.query/key/value`, `attention.output.dense` +
//!   `attention.output.LayerNorm`, `intermediate.dense` + activation, `output.dense` +
//!   `output.LayerNorm`, the query divided by √(head size) before the product with the keys.
//!
//! Variables are named as in transformers' checkpoints under the given path
//! (`bert.embeddings.word_embeddings.weight`, `bert.encoder.layer.0.attention.self.query.weight`,
//! …). No dropout (inference only).

use serde::Deserialize;
use tch::{nn, Kind, TchError, Tensor};

use super::layers::{check_sizes, Activation, EmbeddingSizes, Embeddings, LayerNames, LayerRanges, Scaling, Stack, StackConfig};

/// rust-bert's BERT uses this LayerNorm epsilon whatever the configuration says (transformers'
/// default, and the value of the shipped model's configuration).
const LAYER_NORM_EPS: f64 = 1e-12;

/// The fields of a BERT `config.json` the forward pass needs.
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub hidden_act: String,
    pub max_position_embeddings: i64,
    #[serde(default = "two")]
    pub type_vocab_size: i64,
    pub pad_token_id: Option<i64>,
    pub id2label: Option<serde_json::Map<String, serde_json::Value>>,
    pub position_embedding_type: Option<String>,
}

fn two() -> i64 {
    2
}

impl BertConfig {
    /// The activation as rust-bert computes it (`gelu` term by term).
    fn activation(&self) -> Result<Activation, String> {
        match self.hidden_act.as_str() {
            "gelu" => Ok(Activation::GeluErfTerms),
            other => Activation::parse(other),
        }
    }

    /// Check what the forward pass relies on; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        check_sizes(self.hidden_size, self.num_attention_heads, self.num_hidden_layers, self.intermediate_size, self.vocab_size)?;
        if self.max_position_embeddings <= 0 {
            return Err(format!("max_position_embeddings {} must be positive", self.max_position_embeddings));
        }
        if self.type_vocab_size <= 0 {
            return Err(format!("type_vocab_size {} (token type 0 is looked up)", self.type_vocab_size));
        }
        if let Some(t) = self.position_embedding_type.as_deref().filter(|t| *t != "absolute") {
            return Err(format!("position_embedding_type {t:?} is not supported (absolute)"));
        }
        self.activation().map(|_| ())
    }
}

/// Variable names of a BERT layer.
const NAMES: LayerNames = [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "attention.output.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
];

/// `BertModel` without its pooler.
pub struct BertEncoder {
    embeddings: Embeddings,
    layers: Stack,
}

impl BertEncoder {
    /// Create the variables under `p` (transformers' `base_model_prefix` is `bert`).
    pub fn new(p: nn::Path<'_>, cfg: &BertConfig) -> Result<Self, String> {
        cfg.validate()?;
        let sizes = EmbeddingSizes {
            vocab: cfg.vocab_size,
            positions: cfg.max_position_embeddings,
            token_types: Some(cfg.type_vocab_size),
            hidden: cfg.hidden_size,
            eps: LAYER_NORM_EPS,
        };
        let embeddings = Embeddings::new(&p / "embeddings", sizes);
        let shape = StackConfig {
            hidden: cfg.hidden_size,
            intermediate: cfg.intermediate_size,
            layers: cfg.num_hidden_layers,
            heads: cfg.num_attention_heads,
            eps: LAYER_NORM_EPS,
            activation: cfg.activation()?,
            scaling: Scaling::Query,
        };
        let enc = &p / "encoder";
        Ok(BertEncoder { embeddings, layers: Stack::new(shape, &NAMES, |i| &enc / "layer" / i) })
    }

    /// Last hidden state `[batch, len, hidden]` of `input_ids` `[batch, len]` under
    /// `attention_mask` (1 = token, 0 = padding; int64), in the kind of the weights. With
    /// `ranges`, the input ranges of the linear layers are recorded ([`Stack::forward`]).
    pub fn forward(&self, input_ids: &Tensor, attention_mask: &Tensor, ranges: Option<&mut Vec<LayerRanges>>) -> Result<Tensor, TchError> {
        let (batch, len) = input_ids.size2()?;
        let positions = Tensor::f_arange(len, (Kind::Int64, input_ids.device()))?.f_unsqueeze(0)?.f_expand([batch, len], true)?;
        let hidden = self.embeddings.forward(input_ids, &positions)?;
        let mask = attention_mask.f_unsqueeze(1)?.f_unsqueeze(1)?;
        let mask = mask.f_ones_like()?.f_bitwise_xor_tensor(&mask)?.f_mul_scalar(-10000.0)?.f_to_kind(hidden.kind())?;
        self.layers.forward(hidden, None, &mask, ranges)
    }

    /// Make the encoder layers int8 ([`Stack::quantize`]).
    pub fn quantize(&mut self, ranges: &[LayerRanges]) -> Result<(), TchError> {
        self.layers.quantize(ranges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    const CONFIG: &str = r#"{"vocab_size": 30, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 24, "hidden_act": "gelu", "max_position_embeddings": 20, "type_vocab_size": 2,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "id2label": {"0": "O", "1": "B-PER"}, "label2id": {"O": 0, "B-PER": 1}}"#;

    /// The same random weights in rust-bert's `BertModel` and in [`BertEncoder`] give the same
    /// hidden states, bit for bit, in f32 and in bf16.
    #[test]
    fn same_numbers_as_rust_bert() {
        let ours_cfg: BertConfig = serde_json::from_str(CONFIG).unwrap();
        let theirs_cfg: rust_bert::bert::BertConfig = serde_json::from_str(CONFIG).unwrap();
        let mut ours_vs = nn::VarStore::new(Device::Cpu);
        let mut theirs_vs = nn::VarStore::new(Device::Cpu);
        let ours = BertEncoder::new(ours_vs.root() / "bert", &ours_cfg).unwrap();
        let theirs =
            rust_bert::bert::BertModel::<rust_bert::bert::BertEmbeddings>::new_with_optional_pooler(theirs_vs.root() / "bert", &theirs_cfg, false);
        tch::manual_seed(17);
        let mut names: Vec<String> = theirs_vs.variables().into_keys().collect();
        names.sort();
        assert_eq!(names.len(), ours_vs.variables().len());
        let ours_vars = ours_vs.variables();
        let theirs_vars = theirs_vs.variables();
        tch::no_grad(|| {
            for name in &names {
                let value = Tensor::randn(theirs_vars[name].size(), (Kind::Float, Device::Cpu)) * 0.3;
                ours_vars[name].shallow_clone().copy_(&value);
                theirs_vars[name].shallow_clone().copy_(&value);
            }
        });
        let ids = Tensor::from_slice(&[2i64, 5, 6, 7, 3, 0, 0, 2, 9, 11, 12, 13, 14, 3]).view([2, 7]);
        let mask = Tensor::from_slice(&[1i64, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]).view([2, 7]);
        for bf16 in [false, true] {
            if bf16 {
                ours_vs.bfloat16();
                theirs_vs.bfloat16();
            }
            let a = tch::no_grad(|| ours.forward(&ids, &mask, None)).unwrap();
            let b = tch::no_grad(|| theirs.forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)).unwrap().hidden_state;
            assert_eq!(a.kind(), b.kind());
            assert!(
                a.equal(&b),
                "bf16 {bf16}: max difference {}",
                f64::try_from((a.to_kind(Kind::Float) - b.to_kind(Kind::Float)).abs().max()).unwrap()
            );
        }
    }

    #[test]
    fn config_checks() {
        let cfg: BertConfig = serde_json::from_str(CONFIG).unwrap();
        assert!(cfg.validate().is_ok());
        assert!(BertConfig { num_attention_heads: 5, ..cfg.clone() }.validate().unwrap_err().contains("multiple"));
        assert!(BertConfig { hidden_act: "swish".into(), ..cfg.clone() }.validate().unwrap_err().contains("swish"));
        assert!(BertConfig { position_embedding_type: Some("relative_key".into()), ..cfg }.validate().unwrap_err().contains("relative_key"));
    }
}
