#!/usr/bin/env python3
"""Development aid: list temporal tagging errors of a system folder against gold TimeML.
    python3 scripts/timex_errors.py GOLD_DIR SYSTEM_DIR [fn|fp|value|span|all]
(`TE3_KEEP=/tmp/te3 scripts/eval_timex.sh` keeps gold/ and system/ folders to feed this.)"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from te3_scorer import timex_spans  # noqa: E402

ATTR = lambda tag, a: (re.search(a + r'="([^"]*)"', tag) or [None, ""])[1]


def spans(raw):
    a = raw.index("<TEXT>") + 6
    b = raw.index("</TEXT>", a)
    text = raw[a:b]
    plain = re.sub(r"<[^>]*>", "", text)
    out = []
    for s, e, tid, m in timex_spans(text):
        out.append((s, e, plain[s:e], ATTR(m.group(0), "type"), ATTR(m.group(0), "value")))
    return out, plain


def main(gold_dir, sys_dir, what="all"):
    counts = collections.Counter()
    for root, _, files in os.walk(gold_dir):
        for f in sorted(files):
            rel = os.path.relpath(os.path.join(root, f), gold_dir)
            sp = os.path.join(sys_dir, rel)
            if not os.path.exists(sp):
                continue
            g, plain = spans(open(os.path.join(root, f), encoding="utf-8").read())
            s, _ = spans(open(sp, encoding="utf-8").read())
            ctx = lambda a, b: plain[max(0, a - 40):a].replace("\n", " ") + "[" + plain[a:b] + "]" + plain[b:b + 30].replace("\n", " ")
            for x in g:
                m = [y for y in s if y[0] < x[1] and x[0] < y[1]]
                if not m:
                    counts["fn"] += 1
                    if what in ("fn", "all"):
                        print(f"FN {rel}: {x[3]} {x[4]:12s} {ctx(x[0], x[1])}")
                    continue
                y = m[0]
                if (y[0], y[1]) != (x[0], x[1]):
                    counts["span"] += 1
                    if what in ("span", "all"):
                        print(f"SPAN {rel}: gold [{x[2]}] sys [{y[2]}]  {ctx(x[0], x[1])}")
                if y[4] != x[4]:
                    counts["value"] += 1
                    if what in ("value", "all"):
                        print(f"VALUE {rel}: [{x[2]}] gold {x[3]} {x[4]} sys {y[3]} {y[4]}  {ctx(x[0], x[1])}")
            for y in s:
                if not any(x[0] < y[1] and y[0] < x[1] for x in g):
                    counts["fp"] += 1
                    if what in ("fp", "all"):
                        print(f"FP {rel}: {y[3]} {y[4]:12s} {ctx(y[0], y[1])}")
    print(dict(counts), file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
