#!/usr/bin/env python3
"""Entity and event coreference of entline on ECB+ (issues 29 and 30), within and across documents.

    scripts/eval_coref.py [--topics A-B] [--keep DIR] [--model fast|accurate|DIR] [--system DIR]
                          [--fake gold] [--data DIR] [--self-test] [--] [extra `entline extract` options]
    scripts/eval_coref.sh [same]        (setup.sh, then the metric self-test, then this script)

Data: ../shared/data/ecbplus/ (ecbplus-topics-1-35.tar.gz, read in place with tarfile, and
ECBplus_coreference_sentences.csv). Topics 15 and 17 are not in the release.

Text. Every document of the chosen topics (both the ECB `<n>ecb.xml` and the ECB+ `<n>ecbplus.xml`
halves, all sentences, including the URL that is sentence 0 of an ecbplus file) becomes
`<topic>_<n>ecb[plus].txt`: a sentence's tokens joined by single spaces, a blank line between
sentences, a final newline; each token's code-point span is kept. All documents go into ONE folder
and `entline extract FOLDER --out OUT --undated --format csv,jsonl --no-report --quiet` runs once
over it (ECB+ has no document dates: no --doc-date, no --date-from-mtime, as for a folder of saved
web articles; --undated lists the events without a date too). --model and anything after `--` are
passed on to extract. mentions.jsonl and event_mentions.jsonl are read (JSON is never altered for
spreadsheets, unlike the CSV cells); every row must satisfy text[char_start:char_end] == text of
the row, else the script aborts. --system DIR scores an existing output of such a run on the texts
--keep wrote (DIR/text) instead of running entline; --fake gold scores a stand-in output made from
the gold itself (each gold mention's span with its gold cluster: must give 100 everywhere but the
floors; no binary needed).

Scored region. Only the sentences listed in ECBplus_coreference_sentences.csv: gold mentions whose
first token is in one, system mentions that start inside one.

Gold. Markables with token anchors. Entity mentions: HUMAN_PART*, NON_HUMAN_PART* and LOC_*
(entline's PER/ORG/LOC/MISC names and descriptions cover people, organizations, things and
places); TIME_* mentions are left out (entline's time expressions are not entities). Event
mentions: ACTION_* and NEG_*. Clusters: a CROSS_DOC_COREF relation puts its sources in the cluster
of its instance (the target descriptor's instance_id, which is global: it spans documents), an
INTRA_DOC_COREF relation puts its sources and nothing else in the cluster of its target descriptor
within that document; a mention in no relation is a singleton. (One mention of the release,
1_1ecbplus m_id 64, is the source of two relations, an ACT and a NON instance: it takes the one of
its own kind.) Identical token sets of one kind in one document count once.

System. Entity mentions: every mentions.jsonl row with an entity_id (names, pronouns and nominals
resolved to an entity; rows with reference `none` have no entity and are left out; demonyms only
with --count-demonyms, as entline counts them),
span char_start..char_end (the name, not the noun-phrase extent), cluster = entity_id over the
whole run. Event mentions: every event_mentions.jsonl row, span = the trigger, cluster = event_id
(a row without one is a cluster of its own).

Matching. A system mention matches a gold mention of the same kind (entity/event) and document whose
tokens it overlaps (any character of a token's span). One-to-one, greedy: candidate pairs sorted by
the number of the gold mention's tokens covered (most first), then by the number of tokens covered
by only one of the two (fewest first), then by position. Mention P = matched / system mentions in
the region, R = matched / gold mentions in the region.

Clustering scores, standard scoring on the union of mentions: the key is the gold mentions with
their gold clusters, the response the system mentions with their system clusters, a matched system
mention taking the gold mention's id (unmatched system mentions are extra, unmatched gold mentions
missing). Singleton clusters are then removed on both sides, and MUC (Vilain et al. 1995), B³
(Bagga and Baldwin 1998), CEAF-e (Luo 2005, phi4 similarity with the optimal one-to-one cluster
alignment, Kuhn-Munkres on each connected component of the key/response overlap graph) are
computed over the whole run as one document (merges across topics count as errors), as the CoNLL
reference scorer (v8.01) defines them; CoNLL F1 = mean of the three F1s. `--self-test` (run by
eval_coref.sh) checks the metrics against the reference scorer's test cases.

Floors, on entline's own mentions of the same run: entities one cluster per lower-cased mention
text, events one cluster per `lemma` (lower-cased trigger text when empty), over the whole run.

Output: the details, then for each kind one line
  entities (topics 23-35, 201 docs): mentions P .. R .. | MUC F1 .. B3 F1 .. CEAF-e F1 .. CoNLL F1 .. | same-text floor: CoNLL F1 ..
and a final one-line summary. --keep DIR keeps DIR/text (the inputs), DIR/out (entline's output)
and DIR/alignment_entities.tsv, DIR/alignment_events.tsv (every gold and system mention of the
region with its match, gold cluster and system cluster) for error analysis.
"""
import argparse
import bisect
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "..", "shared", "data", "ecbplus")
ENTLINE = os.environ.get("ENTLINE") or os.path.join(ROOT, "target", "release", "entline")
PROG = "eval_coref"

ENTITY_PREFIXES = ("HUMAN_PART", "NON_HUMAN_PART", "LOC_")
EVENT_PREFIXES = ("ACTION_", "NEG_")
KINDS = ("entities", "events")


def die(msg):
    sys.exit(f"{PROG}: {msg}")


def kind_of(tag):
    if tag.startswith(ENTITY_PREFIXES):
        return "entities"
    if tag.startswith(EVENT_PREFIXES):
        return "events"
    return None


# ------------------------------------------------------------------------------------ metrics --
# Clusters are lists of sets of hashable mention ids. A mention is in at most one cluster per side.

def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def _index(clusters):
    return {m: i for i, c in enumerate(clusters) for m in c}


def _muc_side(a, b):
    """MUC recall of a against b (precision: swap): sum(|K| - |partitions of K by b|) / sum(|K| - 1),
    a mention of K in no cluster of b being a partition of its own."""
    idx = _index(b)
    num = den = 0
    for c in a:
        parts = set()
        alone = 0
        for m in c:
            j = idx.get(m)
            if j is None:
                alone += 1
            else:
                parts.add(j)
        num += len(c) - len(parts) - alone
        den += len(c) - 1
    return num / den if den else 0.0


def muc(key, resp):
    r, p = _muc_side(key, resp), _muc_side(resp, key)
    return r, p, f1(p, r)


def _b3_side(a, b):
    idx = _index(b)
    num = 0.0
    n = 0
    for c in a:
        if not c:
            continue
        shared = Counter(idx[m] for m in c if m in idx)
        num += sum(v * v for v in shared.values()) / len(c)
        n += len(c)
    return num / n if n else 0.0


def b3(key, resp):
    r, p = _b3_side(key, resp), _b3_side(resp, key)
    return r, p, f1(p, r)


def assignment(cost):
    """Kuhn-Munkres (Hungarian) with potentials, O(n^2 m): rows n <= columns m; returns for each
    row the column assigned to it, minimizing the total cost."""
    n = len(cost)
    if n == 0:
        return []
    m = len(cost[0])
    if n > m:
        raise ValueError("assignment: more rows than columns")
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[j] = row (1-based) holding column j, 0 = free
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            row = cost[i0 - 1]
            ui0 = u[i0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - ui0 - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [-1] * n
    for j in range(1, m + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result


def max_similarity_alignment(sim):
    """Largest total similarity of a one-to-one alignment of rows and columns of sim (a dense
    matrix, rows and columns may differ in number)."""
    if not sim or not sim[0]:
        return 0.0
    n, m = len(sim), len(sim[0])
    if n > m:
        sim = [list(col) for col in zip(*sim)]
        n, m = m, n
    cols = assignment([[-x for x in row] for row in sim])
    return sum(sim[i][j] for i, j in enumerate(cols))


def ceafe(key, resp):
    """CEAF-e: phi4(K, R) = 2 |K & R| / (|K| + |R|); total = the optimal one-to-one alignment's sum;
    recall = total / #key clusters, precision = total / #response clusters. Only clusters that share
    a mention can gain, so the alignment is solved on each connected component of that graph."""
    key = [c for c in key if c]
    resp = [c for c in resp if c]
    ridx = _index(resp)
    parent = list(range(len(key) + len(resp)))  # union-find: keys 0..k-1, responses k..

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    overlap = defaultdict(int)
    for i, c in enumerate(key):
        for mention in c:
            j = ridx.get(mention)
            if j is not None:
                overlap[i, j] += 1
                a, b = find(i), find(len(key) + j)
                if a != b:
                    parent[a] = b
    comps = defaultdict(lambda: (set(), set()))
    for i, j in overlap:
        ks, rs = comps[find(i)]
        ks.add(i)
        rs.add(j)
    total = 0.0
    for ks, rs in comps.values():
        ks, rs = sorted(ks), sorted(rs)
        sim = [[2 * overlap.get((i, j), 0) / (len(key[i]) + len(resp[j])) for j in rs] for i in ks]
        total += max_similarity_alignment(sim)
    r = total / len(key) if key else 0.0
    p = total / len(resp) if resp else 0.0
    return r, p, f1(p, r)


def drop_singletons(clusters):
    return [c for c in clusters if len(c) > 1]


def clusters_of(assign):
    """{mention: cluster id} -> list of sets."""
    by = defaultdict(set)
    for m, c in assign.items():
        by[c].add(m)
    return [by[c] for c in sorted(by, key=str)]


def conll_scores(key, resp):
    """key, resp: {mention id: cluster id}; singletons removed on both sides, then the three
    metrics and their mean F1."""
    k = drop_singletons(clusters_of(key))
    r = drop_singletons(clusters_of(resp))
    out = {"muc": muc(k, r), "b3": b3(k, r), "ceafe": ceafe(k, r)}
    out["conll"] = sum(out[x][2] for x in ("muc", "b3", "ceafe")) / 3
    out["clusters"] = (len(k), len(r))
    out["mentions"] = (sum(map(len, k)), sum(map(len, r)))
    return out


# ---------------------------------------------------------------------------------------- gold --

class Doc:
    """One ECB+ document: its text as written for entline, token spans, sentences, gold mentions."""

    def __init__(self, name, topic, xml_bytes, annotated):
        self.name = name                      # e.g. 1_10ecbplus
        self.topic = topic
        root = ET.fromstring(xml_bytes)
        tokens = sorted(root.iter("token"), key=lambda t: int(t.get("t_id")))
        parts, pos = [], 0
        self.tok = {}                         # t_id -> (start, end, sentence number)
        self.sentences = []                   # [start, end, sentence number]
        last = None
        for t in tokens:
            s = int(t.get("sentence"))
            w = t.text or ""
            if s != last:
                if last is not None:
                    parts.append("\n\n")
                    pos += 2
                self.sentences.append([pos, pos, s])
                last = s
            else:
                parts.append(" ")
                pos += 1
            self.tok[t.get("t_id")] = (pos, pos + len(w), s)
            parts.append(w)
            pos += len(w)
            self.sentences[-1][1] = pos
        parts.append("\n")
        self.text = "".join(parts)
        self.sent_starts = [s[0] for s in self.sentences]
        self.annotated = annotated            # set of sentence numbers scored
        self.tok_sorted = sorted(self.tok.values())
        self.tok_starts = [t[0] for t in self.tok_sorted]
        self._gold(root)

    def sentence_at(self, char):
        i = bisect.bisect_right(self.sent_starts, char) - 1
        return self.sentences[i][2] if i >= 0 else None

    def tokens_overlapping(self, start, end):
        """Indices (into tok_sorted) of the tokens whose span overlaps [start, end)."""
        i = max(0, bisect.bisect_right(self.tok_starts, start) - 1)
        out = []
        while i < len(self.tok_sorted) and self.tok_sorted[i][0] < end:
            s, e, _ = self.tok_sorted[i]
            if s < end and start < e or (s == e and start <= s < end):
                out.append(i)
            i += 1
        return out

    def _gold(self, root):
        marks = root.find("Markables")
        rels = root.find("Relations")
        tag_of, anchors, instance = {}, {}, {}
        for m in (marks if marks is not None else []):
            mid = m.get("m_id")
            tag_of[mid] = m.tag
            ids = [a.get("t_id") for a in m.findall("token_anchor")]
            if ids:
                anchors[mid] = ids
            elif m.get("instance_id"):
                instance[mid] = m.get("instance_id")
        cluster = {}
        self.relation_conflicts = 0
        for r in (rels if rels is not None else []):
            targets = [t.get("m_id") for t in r.findall("target")]
            if not targets:
                continue
            tgt = targets[0]
            if r.tag == "CROSS_DOC_COREF":
                cid = "X:" + (instance.get(tgt) or r.get("note") or f"{self.name}:{tgt}")
            elif r.tag == "INTRA_DOC_COREF":
                cid = f"I:{self.name}:{tgt}"
            else:
                continue
            tkind = kind_of(tag_of.get(tgt, ""))
            for s in r.findall("source"):
                sid = s.get("m_id")
                if sid in cluster:
                    self.relation_conflicts += 1
                    # keep the relation whose descriptor is of the mention's own kind
                    if cluster[sid][1] == kind_of(tag_of.get(sid, "")) or tkind != kind_of(tag_of.get(sid, "")):
                        continue
                cluster[sid] = (cid, tkind)
        self.gold = {k: [] for k in KINDS}   # kind -> [(mid, tag, [token index], cluster id)]
        self.outside = Counter()              # gold mentions of a kind outside the scored sentences
        self.duplicates = 0
        seen = set()
        for mid, ids in anchors.items():
            kind = kind_of(tag_of[mid])
            if kind is None:
                continue
            ids = [t for t in ids if t in self.tok]
            if not ids:
                continue
            spans = sorted(self.tok[t] for t in ids)
            if spans[0][2] not in self.annotated:
                self.outside[kind] += 1
                continue
            key = (kind, tuple(sorted(ids, key=int)))
            if key in seen:
                self.duplicates += 1
                continue
            seen.add(key)
            toks = sorted(bisect.bisect_left(self.tok_sorted, s) for s in spans)
            cid = cluster.get(mid, (f"S:{self.name}:{mid}", None))[0]
            self.gold[kind].append((mid, tag_of[mid], toks, cid))
        self.gold = {k: sorted(v, key=lambda g: g[2]) for k, v in self.gold.items()}

    def span_text(self, toks):
        return " ".join(self.text[self.tok_sorted[i][0]:self.tok_sorted[i][1]] for i in toks)


def read_sentences(path):
    annotated = defaultdict(set)
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        if [h.strip().lower() for h in header[:3]] != ["topic", "file", "sentence number"]:
            die(f"{path}: unexpected header {header}")
        for row in rows:
            if len(row) < 3 or not row[0].strip():
                continue
            annotated[f"{row[0].strip()}_{row[1].strip()}"].add(int(row[2].strip()))
    return annotated


def load_docs(data, topics):
    annotated = read_sentences(os.path.join(data, "ECBplus_coreference_sentences.csv"))
    docs = []
    tar = os.path.join(data, "ecbplus-topics-1-35.tar.gz")
    if not os.path.isfile(tar):
        die(f"{tar} not found")
    with tarfile.open(tar) as tf:
        for member in tf:
            if not member.isfile() or not member.name.endswith(".xml"):
                continue
            parts = member.name.split("/")
            name = parts[-1][:-4]
            try:
                topic = int(parts[-2])
            except (IndexError, ValueError):
                continue
            if topics[0] <= topic <= topics[1]:
                docs.append(Doc(name, topic, tf.extractfile(member).read(), annotated.get(name, set())))
    docs.sort(key=lambda d: (d.topic, d.name))
    return docs


# -------------------------------------------------------------------------------------- system --

def read_jsonl(path):
    if not os.path.isfile(path):
        die(f"{path} missing (run extract with --format jsonl)")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def system_mentions(out_dir, docs, demonyms=False):
    """kind -> doc name -> [(start, end, text, cluster or None, floor key, row)]"""
    by_name = {d.name: d for d in docs}
    out = {k: defaultdict(list) for k in KINDS}
    files = {"entities": "mentions.jsonl", "events": "event_mentions.jsonl"}
    for kind, fname in files.items():
        for row in read_jsonl(os.path.join(out_dir, fname)):
            name = os.path.splitext(os.path.basename(str(row.get("doc", ""))))[0]
            d = by_name.get(name)
            if d is None:
                die(f"{fname}: row of an unknown document {row.get('doc')!r}")
            a, b = row["char_start"], row["char_end"]
            if d.text[a:b] != row["text"]:
                die(f"{fname}: {name} [{a}:{b}] is {d.text[a:b]!r} in the input, the row says {row['text']!r}")
            if kind == "entities":
                if not row.get("entity_id") or (row.get("reference") == "demonym" and not demonyms):
                    continue
                cluster = row["entity_id"]
                floor = row["text"].lower()
            else:
                cluster = row.get("event_id") or None
                floor = (row.get("lemma") or row["text"]).lower()
            out[kind][name].append((a, b, row["text"], cluster, floor, row))
    return out


def fake_gold(docs):
    """System mentions made from the gold: each gold mention's span (first to last token) with its
    gold cluster; scoring them must give 100 (a check of conversion, matching and scoring)."""
    out = {k: defaultdict(list) for k in KINDS}
    for d in docs:
        for kind in KINDS:
            for mid, tag, toks, cid in d.gold[kind]:
                a, b = d.tok_sorted[toks[0]][0], d.tok_sorted[toks[-1]][1]
                out[kind][d.name].append((a, b, d.text[a:b], cid, d.text[a:b].lower(), {}))
    return out


# ------------------------------------------------------------------------------------ matching --

def match_doc(doc, gold, system):
    """One-to-one greedy matching of a document's system mentions (in the region) to its gold
    mentions: returns {system index: gold index}."""
    gold_tok = [set(g[2]) for g in gold]
    tok_gold = defaultdict(list)
    for gi, g in enumerate(gold):
        for t in g[2]:
            tok_gold[t].append(gi)
    pairs = []
    for si, s in enumerate(system):
        st = set(doc.tokens_overlapping(s[0], s[1]))
        for gi in {g for t in st for g in tok_gold[t]}:
            common = len(st & gold_tok[gi])
            pairs.append((-common, len(st ^ gold_tok[gi]), abs(s[0] - doc.tok_sorted[gold[gi][2][0]][0]), si, gi))
    pairs.sort()
    used_s, used_g, match = set(), set(), {}
    for _, _, _, si, gi in pairs:
        if si in used_s or gi in used_g:
            continue
        used_s.add(si)
        used_g.add(gi)
        match[si] = gi
    return match


def evaluate(docs, sysm, kind):
    key, resp, floor = {}, {}, {}
    n_sys = n_gold = n_match = 0
    rows = []
    for d in docs:
        gold = d.gold[kind]
        system = [s for s in sysm[kind].get(d.name, []) if d.sentence_at(s[0]) in d.annotated]
        system.sort(key=lambda s: (s[0], s[1]))
        match = match_doc(d, gold, system)
        n_sys += len(system)
        n_gold += len(gold)
        n_match += len(match)
        for gi, g in enumerate(gold):
            key[(d.name, "g", g[0])] = g[3]
        gi_to_si = {gi: si for si, gi in match.items()}
        for si, s in enumerate(system):
            mid = (d.name, "g", gold[match[si]][0]) if si in match else (d.name, "s", si)
            resp[mid] = s[3] if s[3] is not None else ("own",) + mid
            floor[mid] = s[4]
            if si not in match:
                rows.append((d.name, d.sentence_at(s[0]), s[0], "", "", "", "", s[2], s[3] or "", s[4]))
        for gi, g in enumerate(gold):
            si = gi_to_si.get(gi)
            s = system[si] if si is not None else None
            rows.append((d.name, d.sentence_at(d.tok_sorted[g[2][0]][0]), d.tok_sorted[g[2][0]][0], g[0], g[1],
                         d.span_text(g[2]), g[3], s[2] if s else "", (s[3] or "") if s else "", s[4] if s else ""))
    rows.sort(key=lambda r: (r[0], r[2]))
    return {
        "P": n_match / n_sys if n_sys else 0.0,
        "R": n_match / n_gold if n_gold else 0.0,
        "counts": (n_sys, n_gold, n_match),
        "system": conll_scores(key, resp),
        "floor": conll_scores(key, floor),
        "rows": rows,
    }


def write_alignment(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["doc", "sentence", "char", "gold_mid", "gold_tag", "gold_text", "gold_cluster",
                    "system_text", "system_cluster", "floor_key"])
        w.writerows(rows)


# ----------------------------------------------------------------------------------------- run --

def parse_topics(s):
    try:
        a, _, b = s.partition("-")
        lo, hi = int(a), int(b or a)
    except ValueError:
        die(f"--topics: expected A-B, got {s!r}")
    if lo > hi:
        die(f"--topics: {s} is empty")
    return lo, hi


def fmt(x):
    return f"{100 * x:.2f}"


def main(argv):
    ap = argparse.ArgumentParser(prog=PROG, description="ECB+ entity and event coreference of entline")
    ap.add_argument("--topics", default="1-35")
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--model", metavar="fast|accurate|DIR")
    ap.add_argument("--system", metavar="DIR", help="score this existing extract output instead of running entline")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--fake", choices=["gold"], help="score a stand-in output made from the gold (must give 100)")
    ap.add_argument("--self-test", action="store_true", help="run the metric tests and exit")
    ap.add_argument("extra", nargs="*", help="options passed to entline extract (after --)")
    args = ap.parse_args(argv)
    if args.self_test:
        import unittest
        sys.path.insert(0, HERE)
        suite = unittest.defaultTestLoader.loadTestsFromName("test_eval_coref")
        ok = unittest.TextTestRunner(verbosity=1).run(suite).wasSuccessful()
        return 0 if ok else 1
    topics = parse_topics(args.topics)
    label = f"topics {topics[0]}-{topics[1]}"
    t0 = time.time()
    docs = load_docs(args.data, topics)
    if not docs:
        die(f"no documents in {label}")
    work = args.keep or tempfile.mkdtemp(prefix="eval_coref.")
    text_dir = os.path.join(work, "text")
    out_dir = args.system or os.path.join(work, "out")
    try:
        if args.keep and not args.system:
            for sub in ("text", "out"):
                shutil.rmtree(os.path.join(work, sub), ignore_errors=True)
        os.makedirs(text_dir, exist_ok=True)
        for d in docs:
            with open(os.path.join(text_dir, d.name + ".txt"), "w", encoding="utf-8", newline="") as f:
                f.write(d.text)
        print(f"{PROG}: {label}: {len(docs)} documents, {sum(len(d.text) for d in docs)} characters "
              f"in {text_dir}", file=sys.stderr)
        if args.fake:
            pass
        elif not args.system:
            if not os.access(ENTLINE, os.X_OK):
                die(f"{ENTLINE} missing (run scripts/setup.sh)")
            cmd = [ENTLINE, "extract", text_dir, "--out", out_dir, "--undated", "--format", "csv,jsonl",
                   "--no-report", "--quiet"]
            if args.model:
                cmd += ["--model", args.model]
            cmd += args.extra
            print(f"{PROG}: {' '.join(cmd)}", file=sys.stderr)
            t1 = time.time()
            r = subprocess.run(cmd)
            if r.returncode != 0:
                die(f"entline extract exited with {r.returncode}")
            print(f"{PROG}: extract took {time.time() - t1:.0f} s", file=sys.stderr)
        if args.fake:
            sysm = fake_gold(docs)
        else:
            sysm = system_mentions(out_dir, docs, demonyms="--count-demonyms" in args.extra)
        res = {k: evaluate(docs, sysm, k) for k in KINDS}
        if args.keep:
            for k in KINDS:
                write_alignment(os.path.join(work, f"alignment_{k}.tsv"), res[k]["rows"])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    dup = sum(d.duplicates for d in docs)
    outside = Counter()
    for d in docs:
        outside.update(d.outside)
    n_ann = sum(len(d.annotated) for d in docs)
    print(f"\nECB+ {label}: {len(docs)} documents, {n_ann} annotated sentences scored; gold mentions outside "
          f"them left out: {outside['entities']} entity, {outside['events']} event; duplicate gold mentions "
          f"dropped: {dup}")
    floor_name = {"entities": "same-text floor", "events": "same-lemma floor"}
    lines = []
    for k in KINDS:
        r = res[k]
        n_sys, n_gold, n_match = r["counts"]
        print(f"\n{k}: {n_sys} system mentions, {n_gold} gold, {n_match} matched: P {fmt(r['P'])} R {fmt(r['R'])}")
        for who, s in (("entline", r["system"]), (floor_name[k], r["floor"])):
            kc, rc = s["clusters"]
            km, rm = s["mentions"]
            print(f"  {who:17} (no singletons: key {kc} clusters / {km} mentions, response {rc} / {rm})")
            for m, nm in (("muc", "MUC"), ("b3", "B3"), ("ceafe", "CEAF-e")):
                rr, pp, ff = s[m]
                print(f"    {nm:7} R {fmt(rr)}  P {fmt(pp)}  F1 {fmt(ff)}")
            print(f"    CoNLL F1 {fmt(s['conll'])}")
        s = r["system"]
        lines.append(f"{k} ({label}, {len(docs)} docs): mentions P {fmt(r['P'])} R {fmt(r['R'])} | "
                     f"MUC F1 {fmt(s['muc'][2])} B3 F1 {fmt(s['b3'][2])} CEAF-e F1 {fmt(s['ceafe'][2])} "
                     f"CoNLL F1 {fmt(s['conll'])} | {floor_name[k]}: CoNLL F1 {fmt(r['floor']['conll'])}")
    print()
    for line in lines:
        print(line)
    e, v = res["entities"], res["events"]
    print(f"eval_coref {label} ({len(docs)} docs, {time.time() - t0:.0f} s): entities CoNLL F1 "
          f"{fmt(e['system']['conll'])} (floor {fmt(e['floor']['conll'])}, mention R {fmt(e['R'])}), events CoNLL F1 "
          f"{fmt(v['system']['conll'])} (floor {fmt(v['floor']['conll'])}, mention R {fmt(v['R'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
