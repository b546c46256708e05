#!/usr/bin/env python3
"""Build a benchmark corpus of plain-text documents from the seeds and the texts under
../shared/data: CoNLL-2003 train/dev documents (tokens joined by spaces, one sentence per line)
and the TempEval-3 TBAQ articles (TimeML text content). Writes OUT/<source>/<name>.txt.

usage: bench_corpus.py ROOT OUT [MIN_DOCS]"""
import re
import sys
from pathlib import Path

root, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
min_docs = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
data = root.parent / "shared" / "data"
n = 0


def write(sub, name, text):
    global n
    d = out / sub
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name}.txt").write_text(text, encoding="utf-8")
    n += 1


for p in sorted((root / "seeds").glob("*.txt")):
    write("seeds", p.stem, p.read_text(encoding="utf-8"))
for split in ["eng.train", "eng.testa"]:
    doc, sent, k = [], [], 0
    for line in open(data / "conll2003" / split, encoding="utf-8"):
        c = line.split()
        if not c or c[0] == "-DOCSTART-":
            if sent:
                doc.append(" ".join(sent))
                sent = []
            if c and doc:
                write(f"conll-{split}", f"{k:04d}", "\n".join(doc) + "\n")
                doc, k = [], k + 1
            continue
        sent.append(c[0])
    if sent:
        doc.append(" ".join(sent))
    if doc:
        write(f"conll-{split}", f"{k:04d}", "\n".join(doc) + "\n")
tag = re.compile(r"<[^>]+>")
for p in sorted((data / "tempeval3" / "TBAQ-cleaned").rglob("*.tml")):
    raw = p.read_text(encoding="utf-8")
    m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    if m:
        text = tag.sub("", m.group(1)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        write("tbaq", p.stem, text.strip() + "\n")
if n < min_docs:
    sys.exit(f"only {n} documents built (< {min_docs})")
print(n)
