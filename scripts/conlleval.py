#!/usr/bin/env python3
"""conlleval-style scoring (exact span and type) of a CoNLL file whose last column is the
prediction and second-to-last column the gold tag. Chunks are read as conlleval does: a chunk
starts at B-X, or at I-X after O or after another type (so IOB1 and IOB2 both work).

    python3 scripts/conlleval.py tagged.txt
"""
import sys


def chunks(tags):
    out, start, typ = set(), None, None
    for i, t in enumerate(tags + ["O"]):
        p, ty = (t[0], t[2:]) if t not in ("O", "") and len(t) > 2 and t[1] == "-" else ("O", None)
        if p == "O" or p in "BS" or (p in "IE" and ty != typ):
            if start is not None:
                out.add((typ, start, i))
            start, typ = (i, ty) if p != "O" else (None, None)
        if p in "ES" and start is not None:
            out.add((typ, start, i + 1))
            start, typ = None, None
    return out


def main(path):
    gold, pred, sents = [], [], []
    tokens = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols or cols[0] == "-DOCSTART-":
                if gold:
                    sents.append((gold, pred))
                gold, pred = [], []
                continue
            if len(cols) < 3:
                sys.exit(f"{path}: line without gold and predicted columns: {line!r}")
            gold.append(cols[-2])
            pred.append(cols[-1])
            tokens += 1
    if gold:
        sents.append((gold, pred))
    stats = {}
    correct_tags = 0
    for g, p in sents:
        correct_tags += sum(a == b or (a[2:] == b[2:] and a != "O" and b != "O") for a, b in zip(g, p))
        gc, pc = chunks(g), chunks(p)
        for typ in {c[0] for c in gc | pc}:
            s = stats.setdefault(typ, [0, 0, 0])
            gg = {c for c in gc if c[0] == typ}
            pp = {c for c in pc if c[0] == typ}
            s[0] += len(gg & pp)
            s[1] += len(pp)
            s[2] += len(gg)

    def prf(tp, npred, ngold):
        p = 100.0 * tp / npred if npred else 0.0
        r = 100.0 * tp / ngold if ngold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    tot = [sum(v[i] for v in stats.values()) for i in range(3)]
    p, r, f = prf(*tot)
    print(f"processed {tokens} tokens with {tot[2]} phrases; found: {tot[1]} phrases; correct: {tot[0]}.")
    print(f"accuracy: {100.0 * correct_tags / max(1, tokens):6.2f}%; "
          f"precision: {p:6.2f}%; recall: {r:6.2f}%; FB1: {f:6.2f}")
    for typ in sorted(stats):
        tp, npred, ngold = stats[typ]
        p, r, f = prf(tp, npred, ngold)
        print(f"{typ:>17s}: precision: {p:6.2f}%; recall: {r:6.2f}%; FB1: {f:6.2f}  {npred}")
    print(f"overall F1: {prf(*tot)[2]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
