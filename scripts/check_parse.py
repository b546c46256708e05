#!/usr/bin/env python3
"""Check entline's syntax head against the training script's on a model folder:

    .cache/venv/bin/python scripts/check_parse.py MODEL_DIR GOLD.conllu[.gz] [--bin target/release/entline]
        [--min-agreement 99.0]

Python side: scripts/train_ner.py's network (encoder, heads) with MODEL_DIR's weights (float or
int8-rowwise, dequantized), its packing of each `# newdoc` document into windows and its
decoder (`parse`: Eisner, Chu-Liu/Edmonds for very long sentences). entline side: `entline parse
GOLD.conllu --model MODEL_DIR --precision f32` (f32 as the Python side; `auto` may be int8).
Prints the share of words on which both give the same UPOS, head and relation, and both sides'
UAS/LAS against the gold; one summary line ending in PASS or FAIL (agreement below
--min-agreement; windows are cut the same way, so differences come from float rounding and
near-ties).
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_parse as E  # noqa: E402
import train_ner as T  # noqa: E402
from quantize_model import load_float_state_dict  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("gold")
    ap.add_argument("--bin", default=str(Path(__file__).resolve().parent.parent / "target/release/entline"))
    ap.add_argument("--min-agreement", type=float, default=99.0)
    a = ap.parse_args()
    cfg = json.loads((Path(a.model) / "entline.json").read_text(encoding="utf-8"))
    syn = cfg.get("syntax_head")
    if not syn:
        sys.exit(f"{a.model}: no syntax_head in entline.json")
    rels = syn["deprels"]
    tok = AutoTokenizer.from_pretrained(a.model)
    tc = AutoModelForTokenClassification.from_config(AutoConfig.from_pretrained(a.model))
    n_event = sum(len(h["labels"]) for h in cfg["event_head"]["heads"]) if cfg.get("event_head") else 0
    model = T.Joint(tc, n_event, len(rels))
    missing, unexpected = model.load_state_dict(load_float_state_dict(a.model), strict=False)
    if unexpected or any(not k.endswith("position_ids") for k in missing):
        sys.exit(f"{a.model}: weights do not match ({unexpected or missing})")
    model.eval()
    docs = T.syntax_targets(T.read_conllu(a.gold), {r: i for i, r in enumerate(rels)})
    py = T.parse(model, tok, T.Encoder(tok), docs, cfg.get("max_len", 128))
    with tempfile.TemporaryDirectory() as tmp:
        gold_plain = Path(tmp) / "gold.conllu"
        if a.gold.endswith(".gz"):
            import gzip
            gold_plain.write_bytes(gzip.open(a.gold).read())
        else:
            gold_plain.write_bytes(Path(a.gold).read_bytes())
        r = subprocess.run([a.bin, "parse", str(gold_plain), "--model", a.model, "--precision", "f32"], capture_output=True, text=True, check=True)
        predicted = Path(tmp) / "entline.conllu"
        predicted.write_text(r.stdout, encoding="utf-8")
        rust = E.words(predicted)
    gold = E.words(a.gold)
    # (FORM, UPOS, HEAD, DEPREL) as in the files; a word under the root is `root` (as entline writes it)
    forms = [g[0] for g in gold]
    flat_py = [(f, T.UPOS[u], str(h), rels[d] if h else "root")
               for f, (u, h, d) in zip(forms, (w for doc in py for sent in doc for w in sent))]
    if len(rust) != len(flat_py):
        sys.exit(f"entline gave {len(rust)} words, Python {len(flat_py)}")
    agree = 100 * sum(x == y for x, y in zip(rust, flat_py)) / max(1, len(rust))
    ps, rs = E.score(gold, flat_py), E.score(gold, rust)
    pu, pl, ru, rl = ps["uas"], ps["las"], rs["uas"], rs["las"]
    verdict = "PASS" if agree >= a.min_agreement else "FAIL"
    print(f"check_parse {Path(a.model).name}: {len(rust)} words, entline = python on {agree:.2f}% "
          f"(UPOS, head, relation); python UAS {pu:.2f} LAS {pl:.2f}, entline UAS {ru:.2f} LAS {rl:.2f}  {verdict}")
    sys.exit(0 if verdict == "PASS" else 1)


if __name__ == "__main__":
    main()
