#!/usr/bin/env python3
"""Score predicted CoNLL-U against gold, as the CoNLL 2018 shared task scored parsers on gold
tokenization: UPOS accuracy, UAS (right head) and LAS (right head and right universal relation:
`nsubj:pass` counts as `nsubj`), over every syntactic word (punctuation included; multiword-token
ranges and empty nodes skipped).

    scripts/eval_parse.py GOLD.conllu[.gz] PREDICTED.conllu [--name NAME]

Prints one line. The two files must hold the same words in the same order (entline parse keeps
every line of its input). --self-test checks the scorer on a hand-made pair.
"""
import argparse
import gzip
import sys


def words(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    out = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 10 and cols[0].isdigit():
                out.append((cols[1], cols[3], cols[6], cols[7]))
    return out


def score(gold, pred):
    if len(gold) != len(pred):
        sys.exit(f"eval_parse: {len(gold)} gold words but {len(pred)} predicted")
    n = upos = uas = las = 0
    for i, (g, p) in enumerate(zip(gold, pred)):
        if g[0] != p[0]:
            sys.exit(f"eval_parse: word {i + 1} differs: gold {g[0]!r}, predicted {p[0]!r}")
        n += 1
        upos += g[1] == p[1]
        if g[2] == p[2]:
            uas += 1
            las += g[3].split(":")[0] == p[3].split(":")[0]
    pct = lambda x: 100.0 * x / max(1, n)
    return {"words": n, "upos": pct(upos), "uas": pct(uas), "las": pct(las)}


def self_test():
    gold = [("I", "PRON", "2", "nsubj"), ("saw", "VERB", "0", "root"), ("it", "PRON", "2", "obj"), (".", "PUNCT", "2", "punct")]
    pred = [("I", "PRON", "2", "nsubj:pass"), ("saw", "VERB", "0", "root"), ("it", "NOUN", "2", "iobj"), (".", "PUNCT", "3", "punct")]
    s = score(gold, pred)
    assert s == {"words": 4, "upos": 75.0, "uas": 75.0, "las": 50.0}, s
    print("eval_parse self-test: ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="?")
    ap.add_argument("pred", nargs="?")
    ap.add_argument("--name", default="")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return
    s = score(words(a.gold), words(a.pred))
    print(f"{a.name or a.gold}: {s['words']} words  UPOS {s['upos']:.2f}  UAS {s['uas']:.2f}  LAS {s['las']:.2f}")


if __name__ == "__main__":
    main()
