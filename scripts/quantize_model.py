#!/usr/bin/env python3
"""Store a model folder's weights as int8 (entline's "int8-rowwise" format):

    scripts/quantize_model.py IN_DIR OUT_DIR [--force]

OUT_DIR gets a copy of IN_DIR in which model.safetensors holds every 2-D floating weight matrix
with more than 65536 elements (linear layers, embedding tables) as int8 with one scale per row —
symmetric: scale = max |row| / 127, q = round(w / scale) — the int8 tensor keeping the weight's
name and the scales (float32, shape [rows]) in `<name>.int8_scale`; every other tensor is stored
in fp16. entline.json records `"weights": "int8-rowwise"`; entline dequantizes at load
(src/ner/weights.rs) and then computes exactly as with float weights.

`load_float_state_dict(model_dir)` reads a model folder's weights as float32 tensors, int8 ones
dequantized the same way (used by scripts/check_encoder.py); `load_token_classifier(model_dir)`
builds the transformers model of a folder, int8 or float (scripts/bench_ner.py, and the teachers of
scripts/train_ner.py --distill/--fill-in, so a shipped int8 model can teach).
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

MIN_ELEMENTS = 65536
SCALE_SUFFIX = ".int8_scale"
FORMAT = "int8-rowwise"


def quantize_rowwise(w):
    """(int8 matrix, float32 scales) of a 2-D float matrix."""
    w = w.float()
    scale = w.abs().amax(dim=1) / 127.0
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero row stays zero
    q = torch.round(w / safe[:, None]).clamp_(-127, 127).to(torch.int8)
    return q.contiguous(), scale.contiguous()


def dequantize_rowwise(q, scale):
    """float32 matrix: q × scale, row by row (as entline does at load)."""
    return q.float() * scale.float().reshape(-1, 1)


def is_int8_model(model_dir):
    """Whether entline.json declares int8-rowwise weights or model.safetensors holds int8 tensors."""
    ent = Path(model_dir) / "entline.json"
    if ent.is_file() and json.loads(ent.read_text(encoding="utf-8")).get("weights") == FORMAT:
        return True
    weights = Path(model_dir) / "model.safetensors"
    if not weights.is_file():
        return False
    with safe_open(str(weights), "pt") as f:
        return any(f.get_slice(k).get_dtype() == "I8" for k in f.keys())


def load_float_state_dict(model_dir):
    """All tensors of MODEL_DIR/model.safetensors as float32 (int8 matrices dequantized with their
    `.int8_scale`; the scales themselves left out)."""
    state = load_file(str(Path(model_dir) / "model.safetensors"))
    out = {}
    for name, t in state.items():
        if name.endswith(SCALE_SUFFIX):
            continue
        if t.dtype == torch.int8:
            scale = state.get(name + SCALE_SUFFIX)
            if scale is None:
                raise ValueError(f"{model_dir}: {name} is int8 but there is no {name}{SCALE_SUFFIX}")
            out[name] = dequantize_rowwise(t, scale)
        else:
            out[name] = t.float() if t.is_floating_point() else t
    return out


def load_token_classifier(model_dir, state=None):
    """The folder's transformers token-classification model in eval mode, float32, whether its
    weights are int8-rowwise (dequantized) or float. Weights the folder has beyond the model's
    (entline's event head) are ignored here; a model weight the folder lacks is an error. `state`:
    the folder's `load_float_state_dict`, when the caller has read it already (used for int8)."""
    from transformers import AutoConfig, AutoModelForTokenClassification
    if not is_int8_model(model_dir):
        return AutoModelForTokenClassification.from_pretrained(model_dir, torch_dtype=torch.float32).eval()
    model = AutoModelForTokenClassification.from_config(AutoConfig.from_pretrained(model_dir))
    missing, _ = model.load_state_dict(state if state is not None else load_float_state_dict(model_dir), strict=False)
    if missing:
        sys.exit(f"{model_dir}: no weights for {missing}")
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("in_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--force", action="store_true", help="write into an existing, non-empty OUT_DIR")
    args = ap.parse_args()
    src, dst = Path(args.in_dir), Path(args.out_dir)
    if not (src / "model.safetensors").is_file() or not (src / "config.json").is_file():
        sys.exit(f"{src}: not a model folder (config.json and model.safetensors needed)")
    if src.resolve() == dst.resolve():
        sys.exit("OUT_DIR must differ from IN_DIR")
    if dst.exists() and any(dst.iterdir()) and not args.force:
        sys.exit(f"{dst} exists and is not empty (--force to overwrite)")
    state = load_file(str(src / "model.safetensors"))
    if any(t.dtype == torch.int8 for t in state.values()):
        sys.exit(f"{src}: already quantized")

    out, n_q, worst = {}, 0, 0.0
    for name, t in state.items():
        if t.is_floating_point() and t.dim() == 2 and t.numel() > MIN_ELEMENTS:
            q, scale = quantize_rowwise(t)
            out[name], out[name + SCALE_SUFFIX] = q, scale
            worst = max(worst, (dequantize_rowwise(q, scale) - t.float()).abs().max().item())
            n_q += 1
        else:
            out[name] = t.half() if t.is_floating_point() else t

    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.name == "model.safetensors":
            continue
        if f.is_dir():
            shutil.copytree(f, dst / f.name, dirs_exist_ok=True)
        else:
            shutil.copy2(f, dst / f.name)
    save_file(out, str(dst / "model.safetensors"), metadata={"format": "pt"})
    ent_path = dst / "entline.json"
    ent = json.loads(ent_path.read_text(encoding="utf-8")) if ent_path.is_file() else {}
    ent["weights"] = FORMAT
    ent_path.write_text(json.dumps(ent, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    mb = lambda p: p.stat().st_size / 1e6
    print(f"{n_q} of {len(state)} tensors in int8 (max abs weight error {worst:.3g}); "
          f"model.safetensors {mb(src / 'model.safetensors'):.1f} MB -> {mb(dst / 'model.safetensors'):.1f} MB")


if __name__ == "__main__":
    main()
