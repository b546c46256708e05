#!/usr/bin/env python3
"""Reference NER throughput: Python transformers pipeline("token-classification",
aggregation_strategy="first") over the sentences of a folder of .txt documents (one sentence per
line, as written by bench_ner.sh), with the same weights entline uses. Prints tokens/s.

Any model folder entline runs: BERT or MPNet (the tokenizer and architecture transformers
declares in the folder), with float or int8-rowwise weights (dequantized to float32 here, as
entline does at load; see scripts/quantize_model.py)."""
import os
import sys
import time
from pathlib import Path

import torch
from transformers import AutoTokenizer, pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quantize_model import load_token_classifier  # noqa: E402

model_dir, corpus, threads = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
lines = []
for p in sorted(corpus.glob("*.txt")):
    lines.extend(l for l in p.read_text(encoding="utf-8").splitlines() if l.strip())
tokens = sum(len(l.split()) for l in lines)
tok = AutoTokenizer.from_pretrained(model_dir)
model = load_token_classifier(model_dir)
ner = pipeline("token-classification", model=model, tokenizer=tok, aggregation_strategy="first", device=-1)
ner(lines[:8])  # warm-up
# the pipeline's best batch size on this machine counts (conservative for entline)
best = None
for bs in (8, 32):
    t0 = time.perf_counter()
    n_ent = sum(len(r) for r in ner(lines, batch_size=bs))
    dt = time.perf_counter() - t0
    if best is None or dt < best[0]:
        best = (dt, n_ent, bs)
print(f"python {tokens} {best[0]:.3f} {best[1]} {best[2]}")
