//! Label probabilities of entline's NER model layers for given sentences, as JSON — the Rust side
//! of `scripts/check_encoder.py`, which compares them with Python transformers.
//!
//! ```sh
//! echo '{"sentences": [["Angela", "Merkel", "visited", "Paris", "."]]}' |
//!   cargo run --release --example encoder_probs -- models/entline-ner-minilm [--precision f32|bf16] [--batch-size N]
//! ```
//!
//! Each sentence is encoded word by word with entline's [`WordEncoder`] (casing markers included)
//! and framed by the model's special tokens, exactly as one window of `entline extract`; all
//! sentences then go through [`Classifier::predict`] together (length-sorted, padded batches).
//! Output: `{"model_type", "bf16", "num_labels", "stride", "sequences": [{"ids": [...],
//! "probs": [[stride values] per position]}]}` — probabilities at every position, [CLS] and
//! [SEP] included.

use std::io::Read;

use anyhow::{bail, Context, Result};
use entline::ner::config::{ModelFiles, NerConfig};
use entline::ner::encode::WordEncoder;
use entline::ner::model::{Classifier, Compute, Sequence};
use serde::Deserialize;

#[derive(Deserialize)]
struct Input {
    sentences: Vec<Vec<String>>,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut model = None;
    let mut bf16 = false;
    let mut batch_size = 4usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--precision" => match args.next().as_deref() {
                Some("f32") => bf16 = false,
                Some("bf16") => bf16 = true,
                other => bail!("--precision f32|bf16, not {other:?}"),
            },
            "--batch-size" => batch_size = args.next().context("--batch-size N")?.parse().context("--batch-size N")?,
            _ if model.is_none() => model = Some(a),
            _ => bail!("usage: encoder_probs MODEL_DIR [--precision f32|bf16] [--batch-size N] < sentences.json"),
        }
    }
    let model = model.context("usage: encoder_probs MODEL_DIR [--precision f32|bf16] [--batch-size N] < sentences.json")?;
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    let input: Input = serde_json::from_str(&raw).context("stdin: {\"sentences\": [[word, ...], ...]}")?;

    let files = ModelFiles::resolve(&model)?;
    let cfg = NerConfig::load(&files)?;
    let encoder = WordEncoder::new(&files.vocab, &cfg)?;
    let classifier = Classifier::load(&files, &cfg, if bf16 { Compute::Bf16 } else { Compute::F32 })?;
    let seqs: Vec<Sequence> = input
        .sentences
        .iter()
        .map(|words| {
            let mut ids = vec![encoder.cls];
            for w in words {
                ids.extend(encoder.encode(w).ids);
            }
            ids.push(encoder.sep);
            let positions: Vec<usize> = (0..ids.len()).collect();
            // one sentence per sequence (the syntax head, not asked for here, parses per sentence)
            let sentences = vec![0; positions.len()];
            Sequence { ids, positions, sentences }
        })
        .collect();
    let longest = seqs.iter().map(|s| s.ids.len()).max().unwrap_or(0);
    if longest > cfg.max_positions {
        bail!("a sentence has {longest} subwords, the model takes at most {}", cfg.max_positions);
    }
    let probs = classifier.predict(&seqs, batch_size, longest, false)?;
    let stride = classifier.stride();
    let sequences: Vec<serde_json::Value> =
        seqs.iter().zip(&probs).map(|(s, p)| serde_json::json!({ "ids": s.ids, "probs": p.probs.chunks(stride).collect::<Vec<_>>() })).collect();
    let out = serde_json::json!({
        "model_type": format!("{:?}", cfg.model_type).to_lowercase(),
        "bf16": classifier.compute() == Compute::Bf16,
        "num_labels": classifier.num_labels(),
        "stride": stride,
        "sequences": sequences,
    });
    println!("{out}");
    Ok(())
}
