#!/usr/bin/env python3
"""Train entline's noun-phrase chunker: a greedy averaged perceptron over hashed word features,
learned from the NP chunk column of CoNLL-2003 (B/I/O of base noun phrases; a possessive 's
starts the NP it determines, as in the corpus). Used by entline to find the noun-phrase extent of
each named mention ("the much-anticipated iPhone", "Apple 's iTunes store").

    python3 scripts/train_chunker.py TRAIN DEV OUT.bin [--epochs 10] [--bits 19]

Writes OUT.bin (header + int16 weights; the layout is read by src/text/chunk.rs) and prints the
dev-set NP chunk F1 (exact chunk match). Only the standard library is needed. The feature strings
and the hash (FNV-1a 64) must stay identical to src/text/chunk.rs: `features()` there mirrors
`static_features()` and `tag_features()` here.
"""
import argparse
import random
import struct
import sys

CLASSES = ["O", "B", "I"]
MAGIC = b"ENTLNPC1"


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def norm(w):
    return "".join("0" if "0" <= c <= "9" else c for c in w.lower())


def shape(w):
    out = []
    for c in w:
        k = "X" if c.isupper() else "x" if c.islower() else "d" if "0" <= c <= "9" else c
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out)[:6]


def static_features(words, i):
    def w(j):
        return norm(words[j]) if 0 <= j < len(words) else ("<s>" if j < 0 else "</s>")

    def s(j):
        return shape(words[j]) if 0 <= j < len(words) else ("<s>" if j < 0 else "</s>")

    w0 = w(i)
    return [
        "b",
        "w0=" + w0,
        "w-1=" + w(i - 1),
        "w+1=" + w(i + 1),
        "w-2=" + w(i - 2),
        "w+2=" + w(i + 2),
        "s0=" + s(i),
        "s-1=" + s(i - 1),
        "s+1=" + s(i + 1),
        "x3=" + w0[-3:],
        "x2=" + w0[-2:],
        "w-1w0=" + w(i - 1) + "|" + w0,
        "w0w+1=" + w0 + "|" + w(i + 1),
        "s-1s0s+1=" + s(i - 1) + "|" + s(i) + "|" + s(i + 1),
        "x3-1=" + w(i - 1)[-3:],
        "x3+1=" + w(i + 1)[-3:],
        "x1=" + w0[-1:],
        "w-1w+1=" + w(i - 1) + "|" + w(i + 1),
    ]


def tag_features(words, i, t1, t2):
    """t1, t2: the tags of words i-1 and i-2 ("<s>" before the sentence)."""
    return ["t-1=" + t1, "t-2t-1=" + t2 + "|" + t1, "t-1w0=" + t1 + "|" + norm(words[i])]


def read_conll(path):
    sents, words, tags = [], [], []
    prev = "O"
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                sents.append((words, tags))
            words, tags, prev = [], [], "O"
            continue
        chunk = parts[2]
        if chunk.endswith("NP"):
            t = "B" if chunk.startswith("B-") or prev == "O" else "I"
        else:
            t = "O"
        words.append(parts[0])
        tags.append(t)
        prev = t
    if words:
        sents.append((words, tags))
    return sents


class Model:
    def __init__(self, bits):
        self.mask = (1 << bits) - 1
        self.w = {}  # bucket -> [3 floats]
        self.acc = {}  # bucket -> [3 floats] (for averaging)
        self.stamp = {}
        self.n = 0
        self.cache = {}

    def ids(self, feats):
        out = []
        for f in feats:
            h = self.cache.get(f)
            if h is None:
                h = fnv1a(f) & self.mask
                self.cache[f] = h
            out.append(h)
        return out

    def scores(self, ids):
        sc = [0.0, 0.0, 0.0]
        for h in ids:
            v = self.w.get(h)
            if v:
                sc[0] += v[0]
                sc[1] += v[1]
                sc[2] += v[2]
        return sc

    def update(self, ids, good, bad):
        for h in ids:
            v = self.w.setdefault(h, [0.0, 0.0, 0.0])
            a = self.acc.setdefault(h, [0.0, 0.0, 0.0])
            st = self.stamp.get(h, 0)
            for k in range(3):
                a[k] += (self.n - st) * v[k]
            self.stamp[h] = self.n
            v[good] += 1.0
            v[bad] -= 1.0

    def average(self):
        for h, v in self.w.items():
            a = self.acc[h]
            st = self.stamp.get(h, 0)
            self.w[h] = [(a[k] + (self.n - st) * v[k]) / max(self.n, 1) for k in range(3)]


def decode(model, words, statics=None, gold=None):
    tags = []
    for i in range(len(words)):
        t1 = tags[i - 1] if i >= 1 else "<s>"
        t2 = tags[i - 2] if i >= 2 else "<s>"
        ids = (statics[i] if statics else model.ids(static_features(words, i))) + model.ids(tag_features(words, i, t1, t2))
        sc = model.scores(ids)
        if t1 in ("O", "<s>"):
            sc[2] = float("-inf")  # I only continues a chunk
        best = max(range(3), key=lambda k: (sc[k], -k))
        if gold is not None:
            model.n += 1
            g = CLASSES.index(gold[i])
            if best != g:
                model.update(ids, g, best)
            tags.append(gold[i])  # teacher forcing on the gold history
        else:
            tags.append(CLASSES[best])
    return tags


def chunks(tags):
    out, start = set(), None
    for i, t in enumerate(tags + ["O"]):
        if t != "I" and start is not None:
            out.add((start, i))
            start = None
        if t == "B":
            start = i
    return out


def evaluate(model, sents):
    tp = fp = fn = 0
    for words, gold in sents:
        pred = chunks(decode(model, words))
        g = chunks(gold)
        tp += len(pred & g)
        fp += len(pred - g)
        fn += len(g - pred)
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return 100 * p, 100 * r, 100 * (2 * p * r / max(p + r, 1e-9))


def save(model, bits, path, meta):
    mx = max((abs(x) for v in model.w.values() for x in v), default=1.0)
    scale = mx / 32767.0
    table = [0] * ((1 << bits) * 3)
    for h, v in model.w.items():
        for k in range(3):
            table[h * 3 + k] = int(round(v[k] / scale))
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<If", bits, scale))
        f.write(struct.pack(f"<{len(table)}h", *table))
    print(f"wrote {path}: {1 << bits} buckets, scale {scale:.3e}; {meta}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train")
    ap.add_argument("dev")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--bits", type=int, default=19)
    a = ap.parse_args()
    train, dev = read_conll(a.train), read_conll(a.dev)
    model = Model(a.bits)
    statics = [[model.ids(static_features(w, i)) for i in range(len(w))] for w, _ in train]
    order = list(range(len(train)))
    rng = random.Random(13)
    for ep in range(a.epochs):
        rng.shuffle(order)
        for k in order:
            words, gold = train[k]
            decode(model, words, statics[k], gold)
        print(f"epoch {ep + 1} done", file=sys.stderr)
    model.average()
    p, r, f = evaluate(model, dev)
    meta = f"dev NP chunks P {p:.2f} R {r:.2f} F1 {f:.2f} ({a.epochs} epochs, {len(train)} training sentences)"
    save(model, a.bits, a.out, meta)


if __name__ == "__main__":
    main()
