//! Loading a model's weights into its `VarStore`: as stored (fp16/f32 `model.safetensors` or
//! rust-bert's `rust_model.ot`, through tch's own loader), or with int8 matrices dequantized.
//!
//! int8-rowwise storage (written by `scripts/quantize_model.py`, declared in `entline.json` as
//! `"weights": "int8-rowwise"`): a large weight matrix `<name>` is stored as int8 with one scale
//! per row in the tensor `<name>.int8_scale` (f16 or f32, shape `[rows]`), the value being
//! `q[r, c] × scale[r]`; every other tensor is stored as it is (fp16). The matrices are
//! dequantized to f32 at load, so the network then runs exactly as with float weights (f32 or
//! bf16, see `Precision`).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use tch::{nn, Kind, Tensor};

/// Suffix of the per-row scales of an int8 tensor.
pub const SCALE_SUFFIX: &str = ".int8_scale";

/// How the weights file stores its matrices (`weights` in `entline.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WeightStorage {
    /// Floating-point tensors, loaded as they are.
    #[default]
    Float,
    /// Large matrices in int8 with per-row scales.
    Int8Rowwise,
}

impl WeightStorage {
    /// The `weights` value of `entline.json` (absent: float).
    pub fn parse(s: Option<&str>) -> Result<Self, String> {
        match s {
            None | Some("float") | Some("fp16") | Some("f32") => Ok(WeightStorage::Float),
            Some("int8-rowwise") => Ok(WeightStorage::Int8Rowwise),
            Some(other) => Err(format!("entline.json: unknown weights storage {other:?} (int8-rowwise, or none for float)")),
        }
    }
}

/// Names of the int8 tensors in a safetensors file, read from its header alone (the file is not
/// loaded). `None` when the file is not safetensors or its header cannot be read — tch's loader
/// then reports what is wrong.
fn int8_tensor_names(path: &Path) -> Option<HashSet<String>> {
    if path.extension().and_then(|e| e.to_str()) != Some("safetensors") {
        return None;
    }
    let mut f = std::fs::File::open(path).ok()?;
    let mut len = [0u8; 8];
    f.read_exact(&mut len).ok()?;
    let len = u64::from_le_bytes(len);
    if len > 100 << 20 {
        return None;
    }
    let mut header = vec![0u8; len as usize];
    f.read_exact(&mut header).ok()?;
    let header: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&header).ok()?;
    Some(
        header
            .iter()
            .filter(|(name, info)| *name != "__metadata__" && info.get("dtype").and_then(|d| d.as_str()) == Some("I8"))
            .map(|(name, _)| name.clone())
            .collect(),
    )
}

/// Dequantize an int8 matrix `[rows, cols]` with its per-row scales (`[rows]` or `[rows, 1]`,
/// any float kind) to f32: `q × scale` row by row. `name` is only used in messages.
pub fn dequantize(name: &str, q: &Tensor, scale: &Tensor) -> Result<Tensor, String> {
    let qs = q.size();
    if q.kind() != Kind::Int8 || qs.len() != 2 {
        return Err(format!("{name}: int8-rowwise weights must be 2-D int8 matrices, found {:?} {qs:?}", q.kind()));
    }
    let ss = scale.size();
    let rows_ok = ss == [qs[0]] || ss == [qs[0], 1];
    if !rows_ok || !scale.is_floating_point() {
        return Err(format!(
            "{name}{SCALE_SUFFIX} has shape {ss:?} ({:?}); the {}x{} matrix needs one float scale per row, shape [{}]",
            scale.kind(),
            qs[0],
            qs[1],
            qs[0]
        ));
    }
    let s = scale.f_to_kind(Kind::Float).and_then(|s| s.f_view([qs[0], 1])).map_err(|e| format!("{name}: {e}"))?;
    q.f_to_kind(Kind::Float).and_then(|q| q.f_mul(&s)).map_err(|e| format!("{name}: {e}"))
}

/// Copy each variable of `vs` from the tensor of the same name, dequantizing int8 ones; the
/// variable takes the source's kind, as tch's own loader does. Extra tensors are ignored.
pub fn load_tensors(vs: &nn::VarStore, tensors: &HashMap<String, Tensor>) -> Result<(), String> {
    let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut var) in vars {
        let src = tensors.get(&name).ok_or_else(|| format!("the weights have no tensor {name}"))?;
        let value = if src.kind() == Kind::Int8 {
            let scale =
                tensors.get(&format!("{name}{SCALE_SUFFIX}")).ok_or_else(|| format!("{name} is int8 but there is no {name}{SCALE_SUFFIX}"))?;
            dequantize(&name, src, scale)?
        } else {
            src.shallow_clone()
        };
        if value.size() != var.size() {
            return Err(format!("{name} has shape {:?} in the weights, the model expects {:?}", value.size(), var.size()));
        }
        tch::no_grad(|| -> Result<(), tch::TchError> {
            var.set_data(&var.f_to_kind(value.kind())?);
            var.f_copy_(&value)
        })
        .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Load `weights` into `vs`. Files with int8 tensors (declared or not) go through
/// [`load_tensors`]; all others through tch's loader, exactly as before int8 storage existed.
pub fn load(vs: &mut nn::VarStore, weights: &Path, storage: WeightStorage) -> Result<(), String> {
    let int8 = int8_tensor_names(weights);
    let has_int8 = int8.as_ref().is_some_and(|s| !s.is_empty());
    if storage == WeightStorage::Int8Rowwise && int8.is_none() {
        return Err(format!("entline.json declares int8-rowwise weights but {} is not a readable safetensors file", weights.display()));
    }
    if !has_int8 {
        return vs.load(weights).map_err(|e| format!("loading {}: {e}", weights.display()));
    }
    let tensors: HashMap<String, Tensor> =
        Tensor::read_safetensors(weights).map_err(|e| format!("loading {}: {e}", weights.display()))?.into_iter().collect();
    load_tensors(vs, &tensors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dequantizes_row_by_row() {
        let q = Tensor::from_slice(&[127i8, -127, 0, 64, -1, 5]).view([2, 3]);
        let scale = Tensor::from_slice(&[0.5f32, 0.25]).to_kind(Kind::Half);
        let w = dequantize("w", &q, &scale).unwrap();
        assert_eq!(w.kind(), Kind::Float);
        let v: Vec<f32> = Vec::try_from(w.view(-1)).unwrap();
        assert_eq!(v, vec![63.5, -63.5, 0.0, 16.0, -0.25, 1.25]);
        // [rows, 1] scales too
        let w2 = dequantize("w", &q, &Tensor::from_slice(&[0.5f32, 0.25]).view([2, 1])).unwrap();
        assert!(w2.equal(&w));
    }

    #[test]
    fn scale_of_the_wrong_shape_is_an_error() {
        let q = Tensor::from_slice(&[1i8, 2, 3, 4, 5, 6]).view([2, 3]);
        let err = dequantize("enc.w", &q, &Tensor::from_slice(&[0.5f32, 0.25, 1.0])).unwrap_err();
        assert!(err.contains("enc.w.int8_scale") && err.contains("[3]"), "{err}");
        let err = dequantize("enc.w", &q, &Tensor::from_slice(&[1i64, 2])).unwrap_err();
        assert!(err.contains("float scale"), "{err}");
        let err = dequantize("enc.w", &q.view([6]), &Tensor::from_slice(&[0.5f32])).unwrap_err();
        assert!(err.contains("2-D"), "{err}");
    }

    #[test]
    fn loads_int8_and_float_tensors_and_names_what_is_missing() {
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let root = vs.root();
        let lin = nn::linear(&root / "layer", 3, 2, Default::default());
        let mut tensors = HashMap::new();
        tensors.insert("layer.weight".to_string(), Tensor::from_slice(&[2i8, -4, 6, 8, 10, -12]).view([2, 3]));
        tensors.insert("layer.bias".to_string(), Tensor::from_slice(&[1.5f32, -2.0]).to_kind(Kind::Half));
        // no scale yet
        let err = load_tensors(&vs, &tensors).unwrap_err();
        assert!(err.contains("layer.weight.int8_scale"), "{err}");
        tensors.insert("layer.weight.int8_scale".to_string(), Tensor::from_slice(&[0.5f32, 0.25]));
        load_tensors(&vs, &tensors).unwrap();
        let w: Vec<f32> = Vec::try_from(lin.ws.view(-1)).unwrap();
        assert_eq!(w, vec![1.0, -2.0, 3.0, 2.0, 2.5, -3.0]);
        assert_eq!(lin.ws.kind(), Kind::Float);
        // the float tensor keeps its stored kind until the store is converted, as with tch's loader
        assert_eq!(lin.bs.as_ref().unwrap().kind(), Kind::Half);
        tensors.remove("layer.bias");
        let err = load_tensors(&vs, &tensors).unwrap_err();
        assert!(err.contains("no tensor layer.bias"), "{err}");
        tensors.insert("layer.bias".to_string(), Tensor::from_slice(&[1.5f32, -2.0, 0.0]));
        let err = load_tensors(&vs, &tensors).unwrap_err();
        assert!(err.contains("layer.bias has shape [3]"), "{err}");
    }
}
