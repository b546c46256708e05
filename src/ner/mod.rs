//! Named-entity recognition stage: a transformer token classifier on libtorch — a BERT-family
//! encoder (rust-bert) or MPNet ([`mpnet`]) — applied to whole documents, with exact byte offsets
//! for every mention.
//!
//! Layers, as in rust-bert: [`config`] (model folder, labels, preprocessing) → [`model`] (the
//! network, its weights loaded by [`weights`], batched forward passes) → [`pipeline`] (windows
//! over documents, decoding to mentions).

pub mod config;
pub mod decode;
pub mod encode;
pub mod model;
pub mod mpnet;
pub mod pipeline;
pub mod weights;
pub mod window;

pub use pipeline::{Mention, Ner, NerOptions, Precision, Tagged, WordDoc, WordScores};

/// Folder name of the model shipped in `models/`.
pub const DEFAULT_MODEL_NAME: &str = "entline-ner-minilm";

/// Where the shipped model is: `$ENTLINE_MODEL`, else `models/<name>` next to the executable or
/// two levels up (`target/release/entline` in a checkout), else the source checkout it was built in.
pub fn default_model_dir() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("ENTLINE_MODEL") {
        return p.into();
    }
    let rel = std::path::Path::new("models").join(DEFAULT_MODEL_NAME);
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            let cand = up.join(&rel);
            if cand.join("config.json").is_file() {
                return cand;
            }
        }
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}
