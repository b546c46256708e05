#!/usr/bin/env python3
"""Check entline's forward pass against Python transformers on a model folder:

    .cache/venv/bin/python scripts/check_encoder.py MODEL_DIR [--reference REF_DIR]
        [--precision f32|bf16] [--tol 1e-4] [--bin target/release/examples/encoder_probs]

A handful of fixed sentences (short and long ones — one of 186 subwords, past MPNet's
relative-position range —, casing markers, digits, punctuation, accents) are encoded word by
word as entline encodes them (scripts/train_ner.py's Encoder: the tokenizer's word pieces, a
casing marker before Capitalized / ALL-CAPS words, the model's CLS and SEP tokens around the
sentence). entline's side is examples/encoder_probs.rs: its own WordEncoder and Classifier on the
same sentences, batched with padding; it prints the label probabilities (entity labels, then each
event head) at every position. The Python side runs transformers' AutoModel (float32, eager
attention, one unpadded sentence at a time) on REF_DIR (default MODEL_DIR; int8-rowwise weights
dequantized, see scripts/quantize_model.py), applies the `classifier` and `event_head` layers of
the weights file and a softmax per label set. The subword ids must be equal, and the largest
absolute probability difference within --tol.

With --reference pointing at the float original of a quantized MODEL_DIR, the figure is the
effect of quantization; with --precision bf16, that of bfloat16 computation (both exceed 1e-4).
Prints one summary line ending in PASS or FAIL (exit status 0 / 1).
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch
from transformers import AutoConfig, AutoModel, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quantize_model import load_float_state_dict  # noqa: E402
from train_ner import case_class  # noqa: E402  (the casing rule training used)

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [
    "Angela Merkel met NATO officials in Brussels on Tuesday .",
    "U.S. President Donald Trump 's administration said the iPhone maker would invest $ 500 billion .",
    "Hi .",
    "EU",
    "The Zürich-based bank UBS cut 1,250 jobs in 2023 , according to Reuters and Müller ( CEO ) .",
    "the committee , chaired by sen. o'neill , did not approve the bill ; it will vote again in march .",
]
# one long sentence: 186 subwords (with markers), so that relative positions go past 128 in both directions
LONG = (
    "In a statement released late on Sunday , the European Commission said that negotiators from "
    "Germany , France , Italy and Spain had reached a preliminary agreement with representatives of "
    "the United Nations Development Programme on the financing of reconstruction projects in "
    "Ukraine , Syria and Yemen , which would be administered by the World Bank in Washington and "
    "audited by PricewaterhouseCoopers , while Microsoft , Siemens and Airbus pledged additional "
    "funds for infrastructure , schools and hospitals over the next five years ; critics in the "
    "European Parliament , including members of the Greens and the Socialists , warned that the "
    "plan lacked transparency and said they would demand a vote before the summit in Lisbon "
    "scheduled for October , when heads of government are expected to sign the final text together "
    "with the International Monetary Fund and the African Union ."
)


def encode(tok, markers, words):
    """Subword ids of a sentence as entline frames a window (scripts/train_ner.py's Encoder)."""
    ids = [tok.cls_token_id]
    for w in words:
        pieces = tok.convert_tokens_to_ids(tok.tokenize(w)) or [tok.unk_token_id]
        cc = case_class(w)
        if markers and cc:
            ids.append(markers[cc - 1])
        ids.extend(pieces)
    ids.append(tok.sep_token_id)
    return ids


def python_probs(ref, id_lists):
    """Per sentence, a (len, stride) float32 array of label probabilities from transformers."""
    config = AutoConfig.from_pretrained(ref)
    enc = AutoModel.from_config(config, add_pooling_layer=False, attn_implementation="eager")
    prefix = enc.base_model_prefix
    state = load_float_state_dict(ref)
    sd = {k[len(prefix) + 1:]: v for k, v in state.items() if k.startswith(prefix + ".")}
    missing, unexpected = enc.load_state_dict(sd, strict=False)
    if missing or unexpected:
        sys.exit(f"{ref}: weights do not fit transformers' {type(enc).__name__}: missing {missing}, unexpected {unexpected}")
    enc.eval()
    heads = [("classifier", len(config.id2label))]
    ent_path = Path(ref) / "entline.json"
    ent = json.loads(ent_path.read_text(encoding="utf-8")) if ent_path.is_file() else {}
    if ent.get("event_head"):
        eh = ent["event_head"]
        heads.append((eh["weights"], [len(h["labels"]) for h in eh["heads"]]))
    out = []
    with torch.no_grad():
        for ids in id_lists:
            x = torch.tensor([ids])
            h = enc(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
            parts = []
            for name, widths in heads:
                logits = h @ state[name + ".weight"].T + state[name + ".bias"]
                widths = widths if isinstance(widths, list) else [widths]
                at = 0
                for w in widths:
                    parts.append(torch.softmax(logits[:, at:at + w], dim=-1))
                    at += w
            out.append(torch.cat(parts, dim=-1))
    return out, type(enc).__name__


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="model folder entline loads")
    ap.add_argument("--reference", help="model folder transformers loads (default: MODEL)")
    ap.add_argument("--precision", choices=["f32", "bf16"], default="f32", help="entline's computation")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=4, help="entline's batch size (sentences share padded batches)")
    ap.add_argument("--bin", help="the encoder_probs example binary (default: built with cargo)")
    args = ap.parse_args()
    ref = args.reference or args.model

    sentences = [s.split() for s in SENTENCES + [LONG]]
    tok = AutoTokenizer.from_pretrained(args.model)
    ent_path = Path(args.model) / "entline.json"
    ent = json.loads(ent_path.read_text(encoding="utf-8")) if ent_path.is_file() else {}
    cm = ent.get("case_markers")
    markers = tok.convert_tokens_to_ids([cm["capitalized"], cm["all_caps"]]) if cm else None
    py_ids = [encode(tok, markers, words) for words in sentences]

    binary = args.bin
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "encoder_probs"], cwd=ROOT, check=True)
        binary = str(ROOT / "target/release/examples/encoder_probs")
    run = subprocess.run([binary, args.model, "--precision", args.precision, "--batch-size", str(args.batch_size)],
                         input=json.dumps({"sentences": sentences}), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"encoder_probs failed: {run.stderr.strip()}")
    rust = json.loads(run.stdout)

    ref_probs, arch = python_probs(ref, py_ids)
    problems, worst, where, positions = [], 0.0, None, 0
    for i, (seq, ids, p) in enumerate(zip(rust["sequences"], py_ids, ref_probs)):
        if seq["ids"] != ids:
            problems.append(f"sentence {i}: subword ids differ (entline {seq['ids'][:12]}..., python {ids[:12]}...)")
            continue
        r = torch.tensor(seq["probs"], dtype=torch.float64)
        if r.shape != p.shape:
            problems.append(f"sentence {i}: entline gives {tuple(r.shape)} values, python {tuple(p.shape)}")
            continue
        d = (r - p.double()).abs()
        positions += r.shape[0]
        if d.max().item() > worst:
            worst = d.max().item()
            flat = int(d.argmax())
            where = (i, flat // d.shape[1], flat % d.shape[1])
    ok = not problems and worst <= args.tol
    for msg in problems:
        print(msg, file=sys.stderr)
    at = f" at sentence {where[0]} position {where[1]} value {where[2]}" if where else ""
    print(f"check_encoder: {args.model} ({rust['model_type']}, entline {args.precision}) vs transformers {arch} "
          f"float32 on {ref}: {len(sentences)} sentences, {positions} positions x {rust['stride']} probabilities, "
          f"max abs diff {worst:.3g}{at} (tol {args.tol:g}) {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
