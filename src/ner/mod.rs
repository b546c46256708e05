//! Named-entity recognition stage: a transformer token classifier on libtorch — a BERT encoder
//! ([`bert`]) or MPNet ([`mpnet`]), both on the shared layers of [`layers`] (f32, bf16 or int8) —
//! applied to whole documents, with exact byte offsets
//! for every mention.
//!
//! Layers, as in rust-bert: [`config`] (model folder, labels, preprocessing) → [`model`] (the
//! network, its weights loaded by [`weights`], batched forward passes) → [`pipeline`] (windows
//! over documents, decoding to mentions).

pub mod bert;
pub mod config;
pub mod decode;
pub mod deptree;
pub mod encode;
pub mod layers;
pub mod model;
pub mod mpnet;
pub mod pipeline;
pub mod syntax;
pub mod weights;
pub mod window;

pub use pipeline::{Mention, Ner, NerOptions, Precision, Tagged, WordDoc, WordScores};
pub use syntax::{Dep, SyntaxHeadConfig, WordSyntax};

/// Folder name of the model shipped in `models/` and used by default.
pub const DEFAULT_MODEL_NAME: &str = "entline-ner-minilm";

/// The shipped models by tier name (`--model fast|accurate`) and folder name in `models/`.
pub const SHIPPED_MODELS: &[(&str, &str)] = &[("fast", DEFAULT_MODEL_NAME), ("accurate", "entline-ner-mpnet")];

/// Where the default model is: `$ENTLINE_MODEL`, else the shipped `models/entline-ner-minilm`.
pub fn default_model_dir() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("ENTLINE_MODEL") {
        return p.into();
    }
    shipped_model_dir(DEFAULT_MODEL_NAME)
}

/// The folder a `--model` value names: a tier of [`SHIPPED_MODELS`] ("fast", "accurate"), else a
/// path (write `./fast` for a folder that is called like a tier).
pub fn model_dir(spec: &std::path::Path) -> std::path::PathBuf {
    match SHIPPED_MODELS.iter().find(|(tier, _)| spec.as_os_str() == *tier) {
        Some((_, folder)) => shipped_model_dir(folder),
        None => spec.to_path_buf(),
    }
}

/// `models/<name>` next to the executable or up to four levels up (`target/release/entline` in a
/// checkout), else in the source checkout it was built in.
pub fn shipped_model_dir(name: &str) -> std::path::PathBuf {
    let rel = std::path::Path::new("models").join(name);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn tier_names_name_the_shipped_folders_and_anything_else_is_a_path() {
        assert!(model_dir(Path::new("fast")).ends_with("models/entline-ner-minilm"));
        assert!(model_dir(Path::new("accurate")).ends_with("models/entline-ner-mpnet"));
        assert_eq!(model_dir(Path::new("./fast")), Path::new("./fast"));
        assert_eq!(model_dir(Path::new("runs/accurate")), Path::new("runs/accurate"));
        assert_eq!(model_dir(Path::new("Accurate")), Path::new("Accurate"));
    }
}
