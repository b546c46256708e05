#!/usr/bin/env python3
"""Cross-document entity clustering of entline on MEANTIME (Apple corpus), scored with B³ and MUC
against the gold entity instances, for the named mentions (NAM, PRE.NAM) matched by exact span.

    python3 scripts/eval_entities.py prepare MEANTIME_DIR TEXT_DIR GOLD_JSON
    python3 scripts/eval_entities.py score GOLD_JSON ENTLINE_OUT_DIR [--names]

`prepare` rebuilds each article's text from its tokens (one sentence per line) and records the
gold named mentions with their character spans and instance ids. `score` reads entline's
mentions.csv: a gold mention whose exact span is the extent of an entline mention (the noun phrase
the name heads, `extent_char_start..extent_char_end`: MEANTIME, like ACE, marks whole noun phrases
such as "the iPhone" or "Apple 's iTunes") takes that mention's entity_id; one it missed is a
singleton. `--names` matches on the name spans (`char_start..char_end`) instead. B³ and MUC are
computed over the gold named mentions; mention detection precision/recall are printed alongside.
"""
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

NAMED = {"NAM", "PRE.NAM"}


def prepare(src, text_dir, gold_json):
    os.makedirs(text_dir, exist_ok=True)
    gold = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xml"):
            continue
        root = ET.parse(os.path.join(src, name)).getroot()
        tokens = root.findall("token")
        text, spans, prev_sent = "", {}, None
        for t in tokens:
            s = t.get("sentence")
            if text:
                text += "\n" if s != prev_sent else " "
            prev_sent = s
            spans[t.get("t_id")] = (len(text), len(text) + len(t.text or ""))
            text += t.text or ""
        markables = root.find("Markables")
        mentions = {}
        instances = {}
        for m in markables:
            if m.tag == "ENTITY_MENTION":
                ids = [a.get("t_id") for a in m.findall("token_anchor")]
                if ids and m.get("syntactic_type") in NAMED:
                    mentions[m.get("m_id")] = (spans[ids[0]][0], spans[ids[-1]][1])
            elif m.tag == "ENTITY" and m.get("instance_id"):
                instances[m.get("m_id")] = m.get("instance_id")
        links = {}
        rel = root.find("Relations")
        for r in (rel if rel is not None else []):
            if r.tag != "REFERS_TO":
                continue
            tgt = r.find("target")
            if tgt is None or tgt.get("m_id") not in instances:
                continue
            for s in r.findall("source"):
                links[s.get("m_id")] = instances[tgt.get("m_id")]
        doc = os.path.splitext(name)[0] + ".txt"
        with open(os.path.join(text_dir, doc), "w", encoding="utf-8") as f:
            f.write(text + "\n")
        gold[doc] = [[s, e, links[m], text[s:e]] for m, (s, e) in sorted(mentions.items(), key=lambda x: x[1]) if m in links]
    with open(gold_json, "w") as f:
        json.dump(gold, f)
    n = sum(len(v) for v in gold.values())
    print(f"prepared {len(gold)} documents, {n} gold named mentions", file=sys.stderr)


def b3(gold, sys_):
    """gold, sys_: mention -> cluster id, same keys."""
    gc, sc = defaultdict(set), defaultdict(set)
    for m, c in gold.items():
        gc[c].add(m)
    for m, c in sys_.items():
        sc[c].add(m)
    p = r = 0.0
    for m in gold:
        inter = len(gc[gold[m]] & sc[sys_[m]])
        p += inter / len(sc[sys_[m]])
        r += inter / len(gc[gold[m]])
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def muc_side(key, response):
    """MUC recall of `key` clusters w.r.t. `response` partition."""
    kc = defaultdict(set)
    for m, c in key.items():
        kc[c].add(m)
    num = den = 0
    for members in kc.values():
        parts = {response[m] for m in members}
        num += len(members) - len(parts)
        den += len(members) - 1
    return num / den if den else 0.0


def clusters(gold_docs, out_dir, cols):
    """Gold and system cluster of every gold mention, the number matched and of system mentions."""
    found = {}
    with open(os.path.join(out_dir, "mentions.csv"), newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            doc = os.path.basename(row["doc"])
            found[(doc, int(row[cols[0]]), int(row[cols[1]]))] = row["entity_id"]
    gold, sys_ = {}, {}
    for doc, ms in gold_docs.items():
        for s, e, inst, _ in ms:
            key = (doc, s, e)
            gold[key] = inst
            sys_[key] = found.get(key) or f"missed:{doc}:{s}:{e}"
    return gold, sys_, sum(1 for k in gold if k in found), len(found)


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold_json, out_dir, *flags):
    gold_docs = json.load(open(gold_json))
    names = ("char_start", "char_end")
    cols = names if "--names" in flags else ("extent_char_start", "extent_char_end")
    gold, sys_, matched, n_found = clusters(gold_docs, out_dir, cols)
    det_p = matched / n_found if n_found else 0.0
    det_r = matched / len(gold) if gold else 0.0
    bp, br, bf = b3(gold, sys_)
    mr = muc_side(gold, sys_)
    mp = muc_side(sys_, gold)
    print(f"MEANTIME Apple corpus: {len(gold_docs)} documents, {len(gold)} gold named mentions, "
          f"{len({v for v in gold.values()})} gold entities")
    print(f"mention detection (exact {'name' if cols == names else 'extent'} span): P {100*det_p:.2f}  R {100*det_r:.2f}  ({matched} matched of {n_found} system mentions)")
    print(f"B3   P {100*bp:.2f}  R {100*br:.2f}  F1 {100*bf:.2f}")
    print(f"MUC  P {100*mp:.2f}  R {100*mr:.2f}  F1 {100*f1(mp, mr):.2f}")
    if cols != names:
        g, s, m, _ = clusters(gold_docs, out_dir, names)
        nb = b3(g, s)[2]
        print(f"(for reference, matching the name spans instead: {m} matched, B3 F1 {100*nb:.2f}, "
              f"MUC F1 {100*f1(muc_side(s, g), muc_side(g, s)):.2f})")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    {"prepare": prepare, "score": score}[sys.argv[1]](*sys.argv[2:])
