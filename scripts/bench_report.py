#!/usr/bin/env python3
"""Synthetic tables of a large run for scripts/bench_report.sh: OUT/events.csv and OUT/entities.csv
in entline's columns. usage: bench_report.py OUT N_EVENTS"""
import calendar
import csv
import datetime as dt
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
rng = random.Random(7)
first = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mario", "Nadia"]
last = ["Schmidt", "Okafor", "Rossi", "Tanaka", "Novak", "Haddad", "Larsen", "Moreau", "Silva", "Kowalski", "Ivanova", "Chen"]
kinds = [("PER", 0.5), ("ORG", 0.25), ("LOC", 0.2), ("MISC", 0.05)]
entities = []
names = set()
while len(entities) < 300:
    r, acc = rng.random(), 0
    for kind, p in kinds:
        acc += p
        if r <= acc:
            break
    if kind == "PER":
        name = f"{rng.choice(first)} {rng.choice(last)}"
    elif kind == "ORG":
        name = f"{rng.choice(last)} {rng.choice(['Holdings', 'Group', 'Institute', 'Ministry', 'Bank', 'Union'])}"
    elif kind == "LOC":
        name = f"{rng.choice(['North', 'South', 'East', 'West', 'New', 'Port', 'Lake'])} {rng.choice(last)}"
    else:
        name = f"{rng.choice(['Operation', 'Treaty of', 'Festival of'])} {rng.choice(last)}"
    if name not in names:
        names.add(name)
        entities.append((kind, name))
weights = [1 / (i + 1) for i in range(len(entities))]
mentions = {e: 0 for e in entities}
words = "the minister said talks would continue after the agreement was signed while officials in the region reported new figures".split()
header = ["event_id", "date_start", "date_end", "precision", "timex_text", "timex_value", "people", "organizations", "places",
          "other_entities", "trigger", "sentence", "doc", "char_start", "char_end", "start", "end", "dct", "dct_source", "undated"]
rows = []
start = dt.date(2020, 1, 1)
for i in range(n):
    d = start + dt.timedelta(days=rng.randrange(5 * 365))
    prec = rng.choices(["day", "month", "week", "year"], [0.6, 0.25, 0.1, 0.05])[0]
    if prec == "day":
        a = b = d
        value, text = d.isoformat(), f"on {d.strftime('%B %d')}"
    elif prec == "month":
        a = d.replace(day=1)
        b = d.replace(day=calendar.monthrange(d.year, d.month)[1])
        value, text = a.strftime("%Y-%m"), f"in {d.strftime('%B')}"
    elif prec == "week":
        a = d - dt.timedelta(days=d.weekday())
        b = a + dt.timedelta(days=6)
        y, w, _ = d.isocalendar()
        value, text = f"{y}-W{w:02d}", "last week"
    else:
        a, b = dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
        value, text = str(d.year), f"in {d.year}"
    involved = set(rng.choices(entities, weights, k=rng.randint(1, 4)))
    for e in involved:
        mentions[e] += 1
    col = {k: "; ".join(sorted(nm for kk, nm in involved if kk == k)) for k in ["PER", "ORG", "LOC", "MISC"]}
    who = ", ".join(nm for _, nm in sorted(involved))
    filler = " ".join(rng.choice(words) for _ in range(rng.randint(12, 30)))
    sentence = f"{who} met {text}, and {filler}."
    doc = f"corpus/{d.year}/{d.month:02d}/article-{rng.randrange(2000):04d}.txt"
    off = rng.randrange(20000)
    rows.append([f"ev-{i:012x}", a.isoformat(), b.isoformat(), prec, text, value, col["PER"], col["ORG"], col["LOC"], col["MISC"],
                 "met", sentence, doc, off, off + len(sentence), off, off + len(sentence), "2025-01-01", "cli", "false"])
rows.sort(key=lambda r: (r[1], r[12], r[13]))
with open(os.path.join(out, "events.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
with open(os.path.join(out, "entities.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["entity_id", "name", "type", "aliases", "mentions", "documents", "first_date", "last_date"])
    for (kind, name), m in sorted(mentions.items(), key=lambda x: (-x[1], x[0])):
        if m:
            w.writerow([f"{kind.lower()}:{name.lower().replace(' ', '-')}", name, kind, "", m, m, "", ""])
