#!/usr/bin/env python3
"""Event participants and pronoun/nominal resolution of entline on MEANTIME Apple (30 Wikinews
articles, ../shared/data/meantime/intra-doc/corpus_apple/*.xml): two figures, then one summary line.

    scripts/eval_participants.py [--fake gold] [--system DIR] [--keep DIR] [--allow-missing]
                                 [--verbose] [--] [extra `entline extract` options]
    scripts/eval_participants.sh [same]                        (setup.sh first unless --fake/--system)

Without --fake/--system the articles are converted to TimeML inputs (eval_events_second.py's
conversion: DOCID, DCT, the sentences detokenized, a blank line between sentences) and given to
`target/release/entline extract --format csv,jsonl`; its event_mentions.jsonl and mentions.jsonl
are scored. --system DIR scores an existing output of an extract run on the inputs --keep wrote.
--fake gold writes a stand-in output made from the gold itself (every other argument and nominal
reduced to its head; must score 100 on every figure: a self-check of alignment and scoring). --keep DIR keeps input/ and output/. A needed column
missing from entline's output is an error; --allow-missing scores it as empty (participants then
0). --verbose lists the misses and false alarms.

Alignment: entline's decoded text of such a TimeML file is its <TEXT> content with the character
references decoded ("\\n", the sentences, "\\n"); it is rebuilt from the tokens here, checked
against the files written, and every row read must satisfy decoded[char_start:char_end] == text
(arguments: BYTE offsets, converted through the UTF-8 encoding, and "; ".join of the argument
slices == argument_text); the script aborts otherwise. Rows are matched to files by base name.

Annotated region: MEANTIME annotates only the first sentences (title, dateline, four sentences);
a document's region = its sentences up to the last one holding any markable (sentence 5 in 29
documents, 4 in one). System rows (events, pronoun and nominal resolutions) starting after the
region are ignored; every gold markable is inside it.

1. Participant links. Gold = HAS_PARTICIPANT relations (EVENT_MENTION -> ENTITY_MENTION), role
   Arg0 -> agent, Argm-LOC -> place, anything else (Arg1-4, Argm-OTHER) -> participant. The 8
   relations whose target is a VALUE (prices, amounts) are not gold links; a system link matching
   one only is ignored (neither right nor wrong). System = each event_mentions row's `arguments`
   (`role:start-end`, "; "-joined). A system link matches a gold link when the event spans overlap
   (any token of the gold event mention, which may be discontinuous) and the argument span
   overlaps the gold entity mention's span (so also when it only covers its head); matching is
   one-to-one (maximum bipartite matching per document), labeled = a separate matching that also
   requires the same role. P = matched / system links in the region, R = matched / gold links.
   Split by the gold mention's syntactic_type: name (NAM, PRE.NAM, APP = name with an apposition),
   pronoun (PRO), nominal (NOM, PRE.NOM, PTV partitive, HLS headless, ARC = noun with a relative
   clause), other (CONJ coordinations, one untyped). A false alarm is put in the class of the gold
   entity mention its argument best aligns with (exact span, else covering its head, else largest
   overlap, else smallest), or in none. "pro+nom" = pronoun and nominal together.

2. Pronoun resolution. Gold chains = REFERS_TO relations (every entity mention is in exactly one,
   singletons included). The entline entity of a chain = the majority entity_id of the entline
   `mention` rows aligned with the chain's name mentions (NAM, PRE.NAM; each aligned to the row
   overlapping its head best: MEANTIME's `head` attribute when it is a token sequence of the
   mention, else the last word before a comma/of/parenthesis/relative pronoun); a tie accepts any
   of the tied ids. Gold pronouns = entity mentions whose whole text is a third-person personal or
   possessive pronoun (PRONOUNS below; all are typed PRO), in a chain with a name mention. Correct
   = an entline row with reference `pronoun` overlapping it carries the chain's entity; coverage =
   such a row exists. Accuracy = correct / gold pronouns (a pronoun whose chain's names entline
   missed cannot be right; their number is printed). PRO mentions left out: relative pronouns
   (which, that), first and second person (I, we, my, you: quoted speakers), quantifiers (some,
   many, others, everyone) and a few mistyped spans; they are counted in a note.
   Nominals: every entline row with reference `nominal` (and an entity_id) in the region is
   aligned with a gold entity mention (as above, but the row must be the mention's span or overlap
   its head) and is correct when that mention's chain maps to the row's entity_id; precision =
   correct / resolved (unaligned rows, and rows whose gold chain has no name, are wrong; the
   precision without the unaligned ones is printed too: MEANTIME leaves some possessors unmarked,
   e.g. "the company" in "the company's iPhone", while it marks "its"). Recall against the gold
   NOM/PRE.NOM mentions of named chains is printed alongside.

Known limits: overlap matching is lenient for long mentions (an appositive or coordination span
contains other mentions: "Apple Computer CEO Steve Jobs" is one APP mention containing the
PRE.NAM "Apple Computer"); one argument spanning a coordination ("the SDK, the App Store and the
Developer Program", three gold links) matches one gold link only; MEANTIME gives participants to
321 of its 479 event mentions (210 of 249 verbs, 30 of 81 nouns), so system links of events with
no gold participant count as false alarms and P is a lower bound (P restricted to the events with
gold participants is printed too); the name-to-entity mapping
depends on entline's NER (a chain whose names entline missed has no entity, its pronouns count as
wrong); region and gold are those of the intra-document corpus only (no cross-document chains).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eval_events_second as conv  # noqa: E402  (conversion of MEANTIME into TimeML inputs)

ROOT = conv.ROOT
MEANTIME = conv.MEANTIME
ENTLINE = conv.ENTLINE
PROG = "eval_participants"

ROLES = ("agent", "participant", "place")
PRONOUNS = {"he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
            "they", "them", "their", "theirs", "themselves"}
NAMES = {"NAM", "PRE.NAM"}
CLASS = {"NAM": "name", "PRE.NAM": "name", "APP": "name", "PRO": "pronoun", "NOM": "nominal",
         "PRE.NOM": "nominal", "PTV": "nominal", "HLS": "nominal", "ARC": "nominal"}
NOMINALS = {"NOM", "PRE.NOM"}
HEAD_STOP = {",", "of", "(", "which", "that", "who", "--", "-LRB-"}
EVENT_COLUMNS = ("doc", "char_start", "char_end", "text", "arguments", "argument_text")
MENTION_COLUMNS = ("doc", "char_start", "char_end", "text", "entity_id", "reference")


def die(msg):
    sys.exit(f"{PROG}: {msg}")


def role_of(sem_role):
    r = (sem_role or "").strip().lower()
    return "agent" if r == "arg0" else "place" if r == "argm-loc" else "participant"


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def olen(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# ---------------------------------------------------------------------------------------- gold --

class Mention:
    def __init__(self, mid, tids, stype, head_attr, doc):
        self.mid, self.tids, self.stype = mid, tids, stype
        self.span = (doc.tok[tids[0]][0], doc.tok[tids[-1]][1])
        self.text = doc.text[self.span[0]:self.span[1]]
        self.words = [doc.word[t] for t in tids]
        self.head = self._head(head_attr, doc)
        self.chain = None

    def _head(self, attr, doc):
        norm = lambda s: s.replace("\u00a0", " ").lower()  # noqa: E731
        hw = norm(attr or "").split()
        ws = [norm(w) for w in self.words]
        if hw:
            for i in range(len(ws) - len(hw), -1, -1):
                # a possessor is no head ("the company's iPhone" says head="company")
                if ws[i:i + len(hw)] == hw and ws[i + len(hw):i + len(hw) + 1] not in (["'s"], ["'"]):
                    return (doc.tok[self.tids[i]][0], doc.tok[self.tids[i + len(hw) - 1]][1])
        k = len(ws)
        for i, w in enumerate(ws):
            if i and w in HEAD_STOP:
                k = i
                break
        while k > 1 and not any(c.isalnum() for c in ws[k - 1].replace("'s", "")):
            k -= 1
        return doc.tok[self.tids[k - 1]]

    @property
    def cls(self):
        return CLASS.get(self.stype, "other")


class GoldDoc:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.name = os.path.splitext(os.path.basename(path))[0] + ".tml"
        tokens = sorted(root.iter("token"), key=lambda t: int(t.get("t_id")))
        sentences, tids, last = [], [], None
        self.sent_of = {}
        for t in tokens:
            if t.get("sentence") != last:
                sentences.append([])
                tids.append([])
                last = t.get("sentence")
            sentences[-1].append(t.text or "")
            tids[-1].append(t.get("t_id"))
            self.sent_of[t.get("t_id")] = len(sentences) - 1
        # decoded text exactly as entline reads the TimeML input Doc.render writes
        parts, pos, self.tok, self.word, self.sent_end = ["\n"], 1, {}, {}, []
        for si, (toks, ids) in enumerate(zip(sentences, tids)):
            if si:
                parts.append("\n\n")
                pos += 2
            for sep, shown, tid in zip(*conv.detokenize(toks), ids):
                pos += len(sep)
                self.tok[tid] = (pos, pos + len(shown))
                self.word[tid] = shown
                parts.append(sep + shown)
                pos += len(shown)
            self.sent_end.append(pos)
        parts.append("\n")
        self.text = "".join(parts)
        marks = root.find("Markables")
        dct = [t.get("value") for t in marks.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME"]
        self.conv_doc = conv.Doc(self.name, root.get("doc_id") or "", dct[0] if dct else None, sentences, [])
        anchored = [m for m in marks if m.find("token_anchor") is not None]
        furthest = max(self.sent_of[a.get("t_id")] for m in anchored for a in m.iter("token_anchor"))
        self.region = furthest + 1
        self.region_end = self.sent_end[furthest]
        self.entities, self.events, self.value_spans = {}, {}, {}
        order = lambda m: sorted((a.get("t_id") for a in m.iter("token_anchor")), key=int)  # noqa: E731
        for m in marks:
            if m.find("token_anchor") is None:
                continue
            if m.tag == "ENTITY_MENTION":
                ids = order(m)
                if [int(i) for i in ids] != list(range(int(ids[0]), int(ids[-1]) + 1)):
                    die(f"{path}: discontinuous entity mention {m.get('m_id')}")
                self.entities[m.get("m_id")] = Mention(m.get("m_id"), ids, m.get("syntactic_type") or "", m.get("head"), self)
            elif m.tag == "EVENT_MENTION":
                self.events[m.get("m_id")] = [self.tok[t] for t in order(m)]
            elif m.tag == "VALUE":
                ids = order(m)
                self.value_spans[m.get("m_id")] = (self.tok[ids[0]][0], self.tok[ids[-1]][1])
        self.links, self.value_links, self.chains = [], [], defaultdict(list)
        instance = {m.get("m_id"): m.get("instance_id") or m.get("m_id") for m in marks if m.tag == "ENTITY"}
        for rel in root.find("Relations"):
            if rel.tag == "HAS_PARTICIPANT":
                s, t = rel.find("source").get("m_id"), rel.find("target").get("m_id")
                if s not in self.events:
                    die(f"{path}: HAS_PARTICIPANT {rel.get('r_id')} from a non-event {s}")
                if t in self.entities:
                    self.links.append((s, t, role_of(rel.get("sem_role")), rel.get("sem_role")))
                elif t in self.value_spans:
                    self.value_links.append((s, t))
                else:
                    die(f"{path}: HAS_PARTICIPANT {rel.get('r_id')} to an unexpected markable {t}")
            elif rel.tag == "REFERS_TO":
                tgt = rel.find("target").get("m_id")
                for src in rel.findall("source"):
                    m = self.entities.get(src.get("m_id"))
                    if m is not None:
                        if m.chain is not None:
                            die(f"{path}: entity mention {m.mid} in two chains")
                        m.chain = instance.get(tgt, "?" + tgt)
                        self.chains[m.chain].append(m)
        for m in self.entities.values():
            if m.chain is None:  # never happens in this corpus; a singleton chain
                m.chain = "singleton:" + m.mid
                self.chains[m.chain].append(m)


def load_gold():
    paths = sorted(glob.glob(os.path.join(MEANTIME, "*.xml")))
    if not paths:
        die(f"MEANTIME Apple not found at {os.path.normpath(MEANTIME)}")
    return [GoldDoc(p) for p in paths]


# -------------------------------------------------------------------------------- system rows --

def read_jsonl(path, columns, allow_missing):
    if not os.path.isfile(path):
        die(f"{path} missing")
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                rows.append(json.loads(line))
    missing = sorted({c for c in columns for r in rows if c not in r} if rows else set())
    if missing:
        msg = f"{os.path.basename(path)} has no column {', '.join(missing)} (entline too old for this evaluation?)"
        if not allow_missing:
            die(msg + "; --allow-missing scores it as empty")
        print(f"{PROG}: warning: {msg}; scored as empty", file=sys.stderr)
    return rows


def split_list(v):
    if v is None or v == "":
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    return str(v).split("; ")


class Aligner:
    """Row checks and byte -> char conversion for one document's decoded text."""

    def __init__(self, doc):
        self.doc = doc
        self.b2c, b = {}, 0
        for i, ch in enumerate(doc.text):
            self.b2c[b] = i
            b += len(ch.encode("utf-8"))
        self.b2c[b] = len(doc.text)

    def check(self, row, what):
        cs, ce = int(row["char_start"]), int(row["char_end"])
        if self.doc.text[cs:ce] != row["text"]:
            die(f"alignment failed: {self.doc.name}: {what} row {cs}-{ce} says {row['text']!r}, "
                f"decoded text has {self.doc.text[cs:ce]!r}")
        return cs, ce

    def arguments(self, row):
        out = []
        for item in split_list(row.get("arguments")):
            role, _, rng = item.partition(":")
            a, _, b = rng.partition("-")
            try:
                a, b = int(a), int(b)
            except ValueError:
                die(f"{self.doc.name}: malformed argument {item!r} in event row {row['char_start']}")
            if a not in self.b2c or b not in self.b2c:
                die(f"alignment failed: {self.doc.name}: argument byte offsets {a}-{b} are not character "
                    f"boundaries of the decoded text")
            out.append((role.strip().lower(), (self.b2c[a], self.b2c[b])))
        if out or row.get("argument_text"):
            texts = split_list(row.get("argument_text"))
            want = "; ".join(texts)
            have = "; ".join(self.doc.text[s:e] for _, (s, e) in out)
            if want != have:
                die(f"alignment failed: {self.doc.name}: event row {row['char_start']} ({row['text']!r}) "
                    f"argument_text {want!r}, decoded argument spans give {have!r}")
        return out


def by_doc(rows, docs):
    names = {d.name for d in docs}
    out = defaultdict(list)
    for r in rows:
        n = os.path.basename(str(r["doc"]))
        if n not in names:
            die(f"row of an unknown document {r['doc']!r}")
        out[n].append(r)
    return out


# ------------------------------------------------------------------------------------- fake --

def fake_gold(docs, out):
    """Stand-in entline output made from the gold: one event row per gold event mention with its
    gold arguments (every other one reduced to the mention's head; VALUE targets included: they
    must be ignored), name/pronoun/nominal rows for the mentions of chains that have a name (every
    other nominal row reduced to its head). Must score 100."""
    os.makedirs(out, exist_ok=True)
    ev_rows, m_rows = [], []
    for d in docs:
        path = os.path.join("input", d.name)
        bpos = lambda c: len(d.text[:c].encode("utf-8"))  # noqa: E731
        args = defaultdict(list)
        for k, (s, t, role, _) in enumerate(d.links):  # every other argument: the head only
            m = d.entities[t]
            args[s].append((role, m.head if k % 2 else m.span))
        for s, t in d.value_links:
            args[s].append(("participant", d.value_spans[t]))
        for mid, toks in sorted(d.events.items(), key=lambda x: x[1]):
            cs, ce = toks[0]
            a = args.get(mid, [])
            ev_rows.append({
                "doc": path, "sentence_index": 0, "start": bpos(cs), "end": bpos(ce), "char_start": cs,
                "char_end": ce, "text": d.text[cs:ce], "lemma": "", "class": "OCCURRENCE",
                "event_id": f"ev:{mid}",
                "agents": "; ".join(f"x:{i}" for i, (r, _) in enumerate(a) if r == "agent"),
                "participants": "; ".join(f"x:{i}" for i, (r, _) in enumerate(a) if r == "participant"),
                "places": "; ".join(f"x:{i}" for i, (r, _) in enumerate(a) if r == "place"),
                "arguments": "; ".join(f"{r}:{bpos(x)}-{bpos(y)}" for r, (x, y) in a),
                "argument_text": "; ".join(d.text[x:y] for _, (x, y) in a)})
        for chain, ms in d.chains.items():
            if not any(m.stype in NAMES for m in ms):
                continue
            for m in ms:
                ref = ("mention" if m.stype in NAMES else "pronoun" if m.text.lower() in PRONOUNS
                       else "nominal" if m.stype in NOMINALS else None)
                if ref:
                    cs, ce = m.head if ref == "nominal" and len(m_rows) % 2 else m.span
                    m_rows.append({"doc": path, "sentence_index": 0, "start": bpos(cs), "end": bpos(ce),
                                   "char_start": cs, "char_end": ce, "text": m.text, "label": "ORG",
                                   "score": 1.0, "entity_id": f"gold:{chain}", "reference": ref})
                    m_rows[-1]["text"] = d.text[cs:ce]
    for name, rows in (("event_mentions.jsonl", ev_rows), ("mentions.jsonl", m_rows)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------- scoring --

def max_matching(n_left, edges):
    """edges[i] = right vertices of left vertex i; returns {left: right}."""
    match_r = {}

    def augment(i, seen):
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in match_r or augment(match_r[j], seen):
                    match_r[j] = i
                    return True
        return False
    for i in range(n_left):
        augment(i, set())
    return {i: j for j, i in match_r.items()}


def align(span, mentions, need_head=False):
    """The gold entity mention a system span stands for: exact span, else covering its head, else
    the largest overlap, else the smallest; None when it overlaps none (need_head: when it is not
    the span and overlaps no head)."""
    best, key = None, None
    for m in mentions:
        if not overlaps(span, m.span) or (need_head and span != m.span and not overlaps(span, m.head)):
            continue
        k = (span == m.span, overlaps(span, m.head), olen(span, m.span), -(m.span[1] - m.span[0]))
        if key is None or k > key:
            best, key = m, k
    return best


def prf(tp, n_sys, n_gold):
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return 100 * p, 100 * r, (200 * p * r / (p + r) if p + r else 0.0)


def fmt(tp, n_sys, n_gold):
    p, r, f = prf(tp, n_sys, n_gold)
    return f"F1 {f:.2f} (P {p:.2f} = {tp}/{n_sys}, R {r:.2f} = {tp}/{n_gold})"


def score_links(docs, ev_by_doc, verbose):
    tot = Counter()
    cls_tp, cls_gold, cls_fp = Counter(), Counter(), Counter()
    role_gold, role_tp_l, sys_roles, unknown = Counter(), Counter(), Counter(), Counter()
    errors = []
    for d in docs:
        al = Aligner(d)
        sys_links = []
        for row in ev_by_doc.get(d.name, []):
            ev = al.check(row, "event")
            args = al.arguments(row)
            if ev[0] >= d.region_end:
                tot["outside"] += len(args)
                continue
            for role, span in args:
                if role not in ROLES:
                    unknown[role] += 1
                sys_links.append((ev, role, span, row["text"]))
        gold = [(d.events[s], d.entities[t], role, raw) for s, t, role, raw in d.links]
        for _, m, role, _ in gold:
            role_gold[role] += 1
            cls_gold[m.cls] += 1

        def edges(labeled):
            return [[j for j, (gev, m, grole, _) in enumerate(gold)
                     if any(overlaps(ev, t) for t in gev) and overlaps(span, m.span)
                     and (not labeled or grole == role)]
                    for ev, role, span, _ in sys_links]
        unl = max_matching(len(sys_links), edges(False))
        lab = max_matching(len(sys_links), edges(True))
        value_spans = [(d.events[s], d.value_spans[t]) for s, t in d.value_links]
        ignored = set()
        for i, (ev, role, span, _) in enumerate(sys_links):
            if i not in unl and any(any(overlaps(ev, t) for t in gev) and overlaps(span, vs) for gev, vs in value_spans):
                ignored.add(i)
        linked = [d.events[s] for s in {s for s, *_ in d.links} | {s for s, _ in d.value_links}]
        on_linked = {i for i, (ev, *_) in enumerate(sys_links) if i not in ignored
                     and any(overlaps(ev, t) for gev in linked for t in gev)}
        tot["sys_linked"] += len(on_linked)
        tot["ev_linked"] += len({s for s, *_ in d.links} | {s for s, _ in d.value_links})
        tot["ev_all"] += len(d.events)
        tot["tp_linked"] += sum(1 for i in unl if i in on_linked)
        tot["gold"] += len(gold)
        tot["sys"] += len(sys_links) - len(ignored)
        tot["ignored"] += len(ignored)
        tot["tp"] += len(unl)
        tot["tp_l"] += len(lab)
        for j in lab.values():
            role_tp_l[gold[j][2]] += 1
        for i, (_, role, _, _) in enumerate(sys_links):
            if i not in ignored:
                sys_roles[role] += 1
        for j in unl.values():
            cls_tp[gold[j][1].cls] += 1
        mentions = list(d.entities.values())
        for i, (ev, role, span, evtext) in enumerate(sys_links):
            if i in unl or i in ignored:
                continue
            m = align(span, mentions)
            cls_fp[m.cls if m else "none"] += 1
            if verbose:
                errors.append(f"  false alarm {d.name}: {evtext!r} {role}: {d.text[span[0]:span[1]]!r}"
                              + (f" (gold mention {m.text!r} {m.stype})" if m else ""))
        if verbose:
            hit = set(unl.values())
            for j, (gev, m, role, raw) in enumerate(gold):
                if j not in hit:
                    evt = " ... ".join(d.text[a:b] for a, b in gev)
                    errors.append(f"  missed {d.name}: {evt!r} {role} ({raw}): {m.text!r} {m.stype}")
    print(f"participant links: {tot['gold']} gold (HAS_PARTICIPANT to entity mentions; "
          + ", ".join(f"{r} {role_gold[r]}" for r in ROLES)
          + f"), {tot['sys']} system links in the annotated region ("
          + "".join(f"{r} {sys_roles[r]}, " for r in sorted(sys_roles))
          + f"{tot['ignored']} ignored: on a VALUE target; {tot['outside']} after the region)")
    if unknown:
        print(f"{PROG}: warning: unknown system roles (never match labeled): {dict(unknown)}", file=sys.stderr)
    print(f"  unlabeled {fmt(tot['tp'], tot['sys'], tot['gold'])}")
    print(f"  unlabeled P on the events MEANTIME gives participants: {prf(tot['tp_linked'], tot['sys_linked'], 1)[0]:.2f} "
          f"({tot['tp_linked']}/{tot['sys_linked']}; MEANTIME gives participants to "
          f"{tot['ev_linked']} of its {tot['ev_all']} event mentions)")
    print(f"  labeled   {fmt(tot['tp_l'], tot['sys'], tot['gold'])}   recall by role: "
          + ", ".join(f"{r} {100 * role_tp_l[r] / role_gold[r]:.1f}" if role_gold[r] else f"{r} -" for r in ROLES))
    for c in ("name", "pronoun", "nominal", "other"):
        print(f"  gold mention {c:8s} unlabeled {fmt(cls_tp[c], cls_tp[c] + cls_fp[c], cls_gold[c])}")
    pn_tp = cls_tp["pronoun"] + cls_tp["nominal"]
    pn_sys = pn_tp + cls_fp["pronoun"] + cls_fp["nominal"]
    pn_gold = cls_gold["pronoun"] + cls_gold["nominal"]
    print(f"  gold mention pro+nom  unlabeled {fmt(pn_tp, pn_sys, pn_gold)}   "
          f"(false alarms on no gold mention: {cls_fp['none']})")
    for e in errors:
        print(e)
    return prf(tot["tp"], tot["sys"], tot["gold"]), prf(tot["tp_l"], tot["sys"], tot["gold"])[2], prf(pn_tp, pn_sys, pn_gold)[2]


def chain_entities(d, rows):
    """chain -> set of entline entity ids (majority of its name mentions' rows; ties: all),
    empty set when entline found none of its names."""
    names = [r for r in rows if r["reference"] == "mention" and r.get("entity_id")]
    out = {}
    for chain, ms in d.chains.items():
        votes = Counter()
        for m in ms:
            if m.stype not in NAMES:
                continue
            best, key = None, None
            for r in names:
                span = (int(r["char_start"]), int(r["char_end"]))
                if not overlaps(span, m.head):
                    continue
                k = (span == m.span or span == m.head, olen(span, m.head), -(span[1] - span[0]))
                if key is None or k > key:
                    best, key = r, k
            if best is not None:
                votes[best["entity_id"]] += 1
        top = max(votes.values(), default=0)
        out[chain] = {e for e, v in votes.items() if v == top and top}
    return out


def score_resolution(docs, m_by_doc, verbose):
    st = Counter()
    forms = defaultdict(Counter)
    left_out = Counter()
    nom = Counter()
    other_pron = Counter()
    errors = []
    for d in docs:
        al = Aligner(d)
        rows = m_by_doc.get(d.name, [])
        for r in rows:
            al.check(r, "mention")
        ents = chain_entities(d, rows)
        named = {c for c, ms in d.chains.items() if any(m.stype in NAMES for m in ms)}
        pron_rows = [r for r in rows if r["reference"] == "pronoun" and r.get("entity_id")
                     and int(r["char_start"]) < d.region_end]
        used = set()
        for m in sorted(d.entities.values(), key=lambda m: m.span):
            form = m.text.lower()
            if form not in PRONOUNS:
                if m.stype == "PRO":
                    left_out[form] += 1
                continue
            if m.chain not in named:
                st["pro_noname"] += 1
                continue
            st["n"] += 1
            forms[form]["n"] += 1
            hits = [i for i, r in enumerate(pron_rows) if overlaps((int(r["char_start"]), int(r["char_end"])), m.span)]
            used.update(hits)
            want = ents[m.chain]
            if not want:
                st["names_missed"] += 1
            if hits:
                st["covered"] += 1
                forms[form]["covered"] += 1
                got = pron_rows[hits[0]]["entity_id"]
                if got in want:
                    st["correct"] += 1
                    forms[form]["correct"] += 1
                elif verbose:
                    errors.append(f"  pronoun {d.name} {m.span[0]} {m.text!r}: entline {got!r}, gold chain "
                                  f"{m.chain} -> {sorted(want) or 'no entline entity'}")
            elif verbose:
                errors.append(f"  pronoun {d.name} {m.span[0]} {m.text!r}: unresolved (chain -> {sorted(want)})")
        mentions = list(d.entities.values())
        for i, r in enumerate(pron_rows):
            if i not in used:
                span = (int(r["char_start"]), int(r["char_end"]))
                m = align(span, mentions, need_head=True)
                other_pron["entity mention, chain without a name" if m and m.chain not in named
                           else f"gold {m.stype} mention" if m else "no gold entity mention"] += 1
        for r in rows:
            if r["reference"] != "nominal" or not r.get("entity_id") or int(r["char_start"]) >= d.region_end:
                continue
            span = (int(r["char_start"]), int(r["char_end"]))
            nom["resolved"] += 1
            m = align(span, mentions, need_head=True)
            why = None
            if m is None:
                why = "no gold entity mention there"
                nom["unannotated"] += 1
            elif m.chain not in named:
                why = f"gold chain of {m.text!r} has no name"
            elif r["entity_id"] not in ents[m.chain]:
                why = f"gold chain {m.chain} -> {sorted(ents[m.chain]) or 'no entline entity'}"
            if why is None:
                nom["correct"] += 1
                if m.stype in NOMINALS:
                    nom["correct_gold"] += 1
            elif verbose:
                errors.append(f"  nominal {d.name} {span[0]} {r['text']!r} -> {r['entity_id']!r}: {why}")
        nom["gold"] += sum(1 for m in mentions if m.stype in NOMINALS and m.chain in named)
    n, cov, cor = st["n"], st["covered"], st["correct"]
    pct = lambda a, b: 100 * a / b if b else 0.0  # noqa: E731
    print(f"pronouns: {n} gold third-person pronouns in a chain with a name ({st['names_missed']} of them in a "
          f"chain whose names entline missed; {st['pro_noname']} more in chains without a name)")
    print(f"  accuracy {pct(cor, n):.2f} ({cor}/{n}), coverage {pct(cov, n):.2f} ({cov}/{n}), "
          f"accuracy of the resolved {pct(cor, cov):.2f} ({cor}/{cov})")
    print("  by form: " + ", ".join(f"{f} {c['correct']}/{c['covered']}/{c['n']}"
                                   for f, c in sorted(forms.items(), key=lambda x: -x[1]["n"]))
          + "  (correct/resolved/gold)")
    if other_pron:
        print(f"  other pronoun resolutions in the region: {sum(other_pron.values())} ("
              + ", ".join(f"{k} {v}" for k, v in other_pron.most_common()) + ")")
    print(f"  PRO mentions left out: {sum(left_out.values())} (" + ", ".join(f"{k} {v}" for k, v in left_out.most_common()) + ")")
    print(f"nominals: entline resolved {nom['resolved']} in the region, precision {pct(nom['correct'], nom['resolved']):.2f} "
          f"({nom['correct']}/{nom['resolved']}; {nom['unannotated']} of them on no gold entity mention (head), counted wrong; "
          f"P without them {pct(nom['correct'], nom['resolved'] - nom['unannotated']):.2f}); recall of the {nom['gold']} gold NOM/PRE.NOM mentions of named chains "
          f"{pct(nom['correct_gold'], nom['gold']):.2f} ({nom['correct_gold']})")
    for e in errors:
        print(e)
    return (pct(cor, n), n, pct(cov, n)), (pct(nom["correct"], nom["resolved"]), nom["resolved"])


# ------------------------------------------------------------------------------------- main --

def decoded_from_file(path):
    raw = open(path, encoding="utf-8").read()
    a = raw.index("<TEXT>") + len("<TEXT>")
    b = raw.index("</TEXT>", a)
    inner = raw[a:b]
    if "<" in inner:
        die(f"{path}: markup inside TEXT, the decoded text would differ")
    return inner.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fake", choices=["gold"], help="score a stand-in output made from the gold (must give 100)")
    p.add_argument("--system", help="score this existing entline output folder instead of running entline")
    p.add_argument("--keep", help="keep input/ and output/ in this directory (replaced)")
    p.add_argument("--allow-missing", action="store_true", help="score missing columns as empty")
    p.add_argument("--verbose", "-v", action="store_true", help="list misses and false alarms")
    args, rest = p.parse_known_args()
    extra = [a for a in rest if a != "--"]
    docs = load_gold()
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "input"), os.path.join(tmp, "output")
        os.makedirs(inp)
        for d in docs:
            path = os.path.join(inp, d.name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(d.conv_doc.render(False)[0])
            if decoded_from_file(path) != d.text:
                die(f"alignment failed: {d.name}: the decoded text of the TimeML input differs from the "
                    "one rebuilt from the tokens")
        if args.fake:
            fake_gold(docs, out)
        elif args.system:
            out = args.system
        else:
            if not os.access(ENTLINE, os.X_OK):
                die(f"{ENTLINE} missing (run scripts/setup.sh)")
            r = subprocess.run([ENTLINE, "extract", inp, "--out", out, "--format", "csv,jsonl", "--quiet"] + extra,
                               stdout=sys.stderr)
            if r.returncode != 0:
                die(f"entline extract failed ({r.returncode})")
        ev_rows = read_jsonl(os.path.join(out, "event_mentions.jsonl"), EVENT_COLUMNS, args.allow_missing)
        m_rows = read_jsonl(os.path.join(out, "mentions.jsonl"), MENTION_COLUMNS, args.allow_missing)
        n_sent = sum(len(d.sent_end) for d in docs)
        n_reg = sum(d.region for d in docs)
        src = "fake gold" if args.fake else args.system or "entline " + " ".join(["extract"] + extra)
        print(f"MEANTIME Apple: {len(docs)} docs, annotated region {n_reg} of {n_sent} sentences; system: {src}")
        (p_, r_, f_), f_lab, f_pn = score_links(docs, by_doc(ev_rows, docs), args.verbose)
        (acc, n, cov), (nom_p, nom_n) = score_resolution(docs, by_doc(m_rows, docs), args.verbose)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(tmp, args.keep)
            if out != os.path.join(tmp, "output"):
                print(f"{PROG}: note: --system output not copied to --keep", file=sys.stderr)
    print(f"participants F1 {f_:.2f} (P {p_:.2f} R {r_:.2f}) labeled F1 {f_lab:.2f} pro+nom F1 {f_pn:.2f} | "
          f"pronouns acc {acc:.2f} of {n} (coverage {cov:.2f}) | nominals P {nom_p:.2f} of {nom_n}")


if __name__ == "__main__":
    main()
