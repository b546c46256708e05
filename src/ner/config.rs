//! Model folder layout and configuration (rust-bert's "config" layer).
//!
//! A model folder holds:
//! - `config.json` — Hugging Face config with `id2label`; `model_type` `bert` (the default) or
//!   `mpnet` chooses the encoder;
//! - `vocab.txt` — WordPiece vocabulary;
//! - weights: `model.safetensors` (preferred; also what Python transformers loads; float, or
//!   int8-rowwise as written by scripts/quantize_model.py, see [`super::weights`]) or
//!   `rust_model.ot` (rust-bert's converted format);
//! - optional `tokenizer_config.json` (`do_lower_case`), `special_tokens_map.json` (the window's
//!   framing tokens: MPNet's `<s>`, `</s>`, `<pad>`; BERT's `[CLS]`, `[SEP]`, `[PAD]` without it)
//!   and `entline.json` (entline's own preprocessing: casing marker tokens, context window
//!   length, weight storage).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::syntax::SyntaxHeadConfig;
use super::weights::WeightStorage;
use crate::error::{Error, Result};
use crate::events::head::EventHeadConfig;

/// Files of a model, resolved to local paths.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub name: String,
    pub config: PathBuf,
    pub vocab: PathBuf,
    pub weights: PathBuf,
    pub tokenizer_config: Option<PathBuf>,
    pub special_tokens_map: Option<PathBuf>,
    pub entline_config: Option<PathBuf>,
}

impl ModelFiles {
    /// Resolve a model given as a local folder or (with the `remote` feature) a hub model id
    /// such as `dslim/bert-base-NER`, whose `config.json`, `vocab.txt` and `rust_model.ot` are
    /// fetched through rust-bert's remote resources and cached.
    pub fn resolve(spec: &str) -> Result<Self> {
        let p = Path::new(spec);
        if p.is_dir() {
            return Self::from_dir(p);
        }
        if p.exists() {
            return Err(Error::Model { model: spec.into(), msg: "expected a model folder, found a file".into() });
        }
        Self::from_hub(spec)
    }

    pub fn from_dir(dir: &Path) -> Result<Self> {
        let need = |f: &str| -> Result<PathBuf> {
            let p = dir.join(f);
            if p.is_file() {
                Ok(p)
            } else {
                Err(Error::Model { model: dir.display().to_string(), msg: format!("missing {f}") })
            }
        };
        let config = need("config.json")?;
        let vocab = need("vocab.txt")?;
        let weights = ["model.safetensors", "rust_model.ot"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| Error::Model { model: dir.display().to_string(), msg: "no weights (model.safetensors or rust_model.ot)".into() })?;
        let opt = |f: &str| Some(dir.join(f)).filter(|p| p.is_file());
        Ok(ModelFiles {
            name: dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string()),
            config,
            vocab,
            weights,
            tokenizer_config: opt("tokenizer_config.json"),
            special_tokens_map: opt("special_tokens_map.json"),
            entline_config: opt("entline.json"),
        })
    }

    #[cfg(feature = "remote")]
    fn from_hub(id: &str) -> Result<Self> {
        use rust_bert::resources::{RemoteResource, ResourceProvider};
        if id.split('/').count() > 2 || id.contains("..") || id.is_empty() {
            return Err(Error::Model { model: id.into(), msg: "not a folder and not a hub model id (owner/name)".into() });
        }
        let fetch = |file: &str| -> Result<PathBuf> {
            let url = format!("https://huggingface.co/{id}/resolve/main/{file}");
            let cache = format!("{}/{}", id.replace('/', "--"), file.trim_end_matches(".json").trim_end_matches(".txt"));
            RemoteResource::from_pretrained((cache.as_str(), url.as_str()))
                .get_local_path()
                .map_err(|e| Error::Model { model: id.into(), msg: format!("downloading {file}: {e}") })
        };
        Ok(ModelFiles {
            name: id.to_string(),
            config: fetch("config.json")?,
            vocab: fetch("vocab.txt")?,
            weights: fetch("rust_model.ot")?,
            tokenizer_config: fetch("tokenizer_config.json").ok(),
            special_tokens_map: fetch("special_tokens_map.json").ok(),
            entline_config: None,
        })
    }

    #[cfg(not(feature = "remote"))]
    fn from_hub(id: &str) -> Result<Self> {
        Err(Error::Model { model: id.into(), msg: "no such folder (hub model ids need a build with `--features remote` and network access)".into() })
    }
}

/// entline's preprocessing settings stored next to the weights (`entline.json`).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct EntlineConfig {
    #[serde(default)]
    pub case_markers: Option<CaseMarkers>,
    #[serde(default)]
    pub max_len: Option<usize>,
    #[serde(default)]
    pub lowercase: Option<bool>,
    #[serde(default)]
    pub label_scheme: Option<String>,
    #[serde(default)]
    pub event_head: Option<EventHeadConfig>,
    #[serde(default)]
    pub syntax_head: Option<SyntaxHeadConfig>,
    /// How `model.safetensors` stores its matrices: absent for float, `int8-rowwise`.
    #[serde(default)]
    pub weights: Option<String>,
}

/// Marker tokens inserted before capitalized / all-caps words (see scripts/train_ner.py).
#[derive(Debug, Clone, Deserialize)]
pub struct CaseMarkers {
    pub capitalized: String,
    pub all_caps: String,
}

#[derive(Debug, Deserialize)]
struct TokenizerConfig {
    do_lower_case: Option<bool>,
    strip_accents: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct HfConfig {
    id2label: Option<HashMap<String, String>>,
    max_position_embeddings: Option<usize>,
    model_type: Option<String>,
}

/// The encoder architecture (`model_type` in `config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    /// BERT and its small variants (MiniLM): rust-bert's `BertModel`.
    Bert,
    /// MPNet (all-mpnet-base-v2): [`super::mpnet::MpnetModel`].
    Mpnet,
}

impl ModelType {
    fn parse(model_type: Option<&str>) -> std::result::Result<Self, String> {
        match model_type {
            None | Some("bert") => Ok(ModelType::Bert),
            Some("mpnet") => Ok(ModelType::Mpnet),
            Some(other) => Err(format!("config.json model_type {other:?} is not supported (entline runs \"bert\" and \"mpnet\" encoders)")),
        }
    }
}

/// The tokens that frame every window and fill padding, as the model's tokenizer names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialTokens {
    pub cls: String,
    pub sep: String,
    pub pad: String,
    pub unk: String,
}

impl Default for SpecialTokens {
    /// BERT's names, used when the model folder has no `special_tokens_map.json`.
    fn default() -> Self {
        SpecialTokens { cls: "[CLS]".into(), sep: "[SEP]".into(), pad: "[PAD]".into(), unk: "[UNK]".into() }
    }
}

impl SpecialTokens {
    /// Read `special_tokens_map.json` (values are strings or `{"content": ...}` objects, as
    /// transformers writes them); tokens it does not name keep BERT's names.
    fn load(path: &Path, model: &str) -> Result<Self> {
        let map: serde_json::Map<String, serde_json::Value> = read_json(path)?;
        let mut out = SpecialTokens::default();
        for (key, slot) in [("cls_token", &mut out.cls), ("sep_token", &mut out.sep), ("pad_token", &mut out.pad), ("unk_token", &mut out.unk)] {
            let token = match map.get(key) {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::String(s)) => Some(s.as_str()),
                Some(v) => v.get("content").and_then(|c| c.as_str()),
            };
            *slot = token.map(str::to_string).ok_or_else(|| Error::Model {
                model: model.to_string(),
                msg: format!("{}: {key} is neither a string nor an object with a \"content\" string", path.display()),
            })?;
        }
        Ok(out)
    }
}

/// Everything about a model except its weights.
#[derive(Debug, Clone)]
pub struct NerConfig {
    pub labels: Vec<String>,
    pub lowercase: bool,
    pub strip_accents: bool,
    pub case_markers: Option<CaseMarkers>,
    /// Context window in subwords, [CLS] and [SEP] included.
    pub max_len: usize,
    /// Whether `max_len` is the window the model was fine-tuned with (declared in `entline.json`):
    /// longer windows are then not used, since they put words at positions the fine-tuned model
    /// never saw.
    pub trained_window: bool,
    pub max_positions: usize,
    pub label_scheme: Option<String>,
    /// The event-mention head, for models trained jointly on NER and TimeML events.
    pub event_head: Option<EventHeadConfig>,
    /// The syntax head (UPOS and a dependency tree per sentence), for models trained with it.
    pub syntax_head: Option<SyntaxHeadConfig>,
    /// The encoder architecture.
    pub model_type: ModelType,
    /// The window's framing and padding tokens.
    pub special_tokens: SpecialTokens,
    /// How the weights are stored.
    pub weights: WeightStorage,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let s = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&s).map_err(|e| Error::Model { model: path.display().to_string(), msg: format!("invalid JSON: {e}") })
}

impl NerConfig {
    pub fn load(files: &ModelFiles) -> Result<Self> {
        let hf: HfConfig = read_json(&files.config)?;
        let id2label = hf
            .id2label
            .ok_or_else(|| Error::Model { model: files.name.clone(), msg: "config.json has no id2label: not a token-classification model".into() })?;
        let mut pairs: Vec<(usize, String)> = id2label
            .into_iter()
            .map(|(k, v)| k.parse::<usize>().map(|k| (k, v)))
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| Error::Model { model: files.name.clone(), msg: "id2label keys must be integers".into() })?;
        pairs.sort();
        if pairs.iter().enumerate().any(|(i, (k, _))| *k != i) {
            return Err(Error::Model { model: files.name.clone(), msg: "id2label ids must be 0..n".into() });
        }
        let labels: Vec<String> = pairs.into_iter().map(|(_, v)| v).collect();
        let tok: Option<TokenizerConfig> = match &files.tokenizer_config {
            Some(p) => Some(read_json(p)?),
            None => None,
        };
        let ent: EntlineConfig = match &files.entline_config {
            Some(p) => read_json(p)?,
            None => EntlineConfig::default(),
        };
        // Without tokenizer_config.json, guess from the name like transformers does for BERT ids.
        let lowercase = ent
            .lowercase
            .or(tok.as_ref().and_then(|t| t.do_lower_case))
            .unwrap_or_else(|| !files.name.to_lowercase().contains("cased") || files.name.to_lowercase().contains("uncased"));
        let strip_accents = tok.as_ref().and_then(|t| t.strip_accents).unwrap_or(lowercase);
        let model_err = |msg: String| Error::Model { model: files.name.clone(), msg };
        let model_type = ModelType::parse(hf.model_type.as_deref()).map_err(model_err)?;
        let weights = WeightStorage::parse(ent.weights.as_deref()).map_err(model_err)?;
        let special_tokens = match &files.special_tokens_map {
            Some(p) => SpecialTokens::load(p, &files.name)?,
            None => SpecialTokens::default(),
        };
        // MPNet (like RoBERTa) numbers positions from padding_idx + 1 = 2: two fewer tokens fit.
        let position_offset = if model_type == ModelType::Mpnet { super::mpnet::PADDING_IDX as usize + 1 } else { 0 };
        let max_positions = hf.max_position_embeddings.unwrap_or(512).saturating_sub(position_offset);
        if max_positions < 8 {
            return Err(model_err(format!("config.json max_position_embeddings leaves {max_positions} positions (at least 8 needed)")));
        }
        let max_len = ent.max_len.unwrap_or(128).clamp(8, max_positions);
        let mut ent = ent;
        if let Some(h) = &mut ent.event_head {
            let dir = files.entline_config.as_deref().and_then(Path::parent);
            h.prepare(dir).map_err(|msg| Error::Model { model: files.name.clone(), msg })?;
        }
        if let Some(h) = &ent.syntax_head {
            h.check().map_err(|msg| Error::Model { model: files.name.clone(), msg })?;
        }
        Ok(NerConfig {
            labels,
            lowercase,
            strip_accents,
            case_markers: ent.case_markers,
            max_len,
            trained_window: ent.max_len.is_some(),
            max_positions,
            label_scheme: ent.label_scheme,
            event_head: ent.event_head,
            syntax_head: ent.syntax_head,
            model_type,
            special_tokens,
            weights,
        })
    }
}
