#!/usr/bin/env python3
"""SemEval-2015 Task 4 "TimeLine" files from entline's tables: one timeline per target entity.

    scripts/semeval_timelines.py convert WORK ENTITIES_FILE OUT_DIR
    scripts/semeval_timelines.py check WORK            sentence mapping of every event mention
    scripts/semeval_timelines.py fake GOLD_DIR OUT_DIR gold timelines written again by the writer
    scripts/semeval_timelines.py diagnose GOLD_DIR SYSTEM_DIR [--work WORK] [--examples N]
                                                       where the gold timeline events go
    scripts/semeval_timelines.py selftest              the diagnosis on a hand-made example

Normally run by scripts/semeval_timelines.sh, which fills WORK with `entline extract --format
csv,jsonl` (entities.jsonl, event_mentions.jsonl, timelines.jsonl, events.jsonl, mentions.jsonl) and
`entline tokens` (tokens.jsonl) over a folder of TimeML files, then calls `convert`.

Output (the task's format), OUT_DIR/<entity lower-cased, non-alphanumerics -> _>.txt:
    Steve Jobs                                  first line: the target as given
    0   XXXX-XX-XX  18315-4-said                undated events at position 0
    1   1955-02-24  18355-5-born                positions 1.. in date order
    8   2004-XX-XX  17677-5-fought  18315-7-fighting   mentions of one event (same event_id)
Event ids are DOCID-SENTENCE-token: DOCID = the file's <DOCID> (else the digits its name starts
with), SENTENCE = the id of the <s> element holding the trigger, token = the trigger lower-cased,
inner spaces -> _. Dates: YYYY-MM-DD, YYYY-MM-XX (precision month), YYYY-XX-XX (year); quarter,
week, season, half, decade, century: the finest of those forms that holds both date_start and
date_end (a decade is XXXX-XX-XX but keeps its place in the order); XXXX-XX-XX when undated.

Sentence mapping: entline decodes a TimeML file to the tag-stripped content of <TEXT>, and event
offsets (char_start, in code points) point into that text, which entline does not write out.
`entline tokens` gives every word of it with its offsets. The non-blank characters of those words
are aligned, in order, with the non-blank characters of the <s> elements (tags stripped, entities
unescaped); a word that does not match where expected is looked for a little further on, so a
change in how entline spaces or splits the text does not shift the mapping. A trigger's <s> is the
one holding the aligned character at its char_start; `check` verifies for every event mention that
the trigger text is there (or at least in that <s>).

Which events belong to a target (a name need not be entline's canonical one):
 1. entities whose name, aliases or mention texts (mentions.jsonl, plain mentions) match the
    target by, best first: (1) the same words, case, spacing, punctuation, a leading "the" and a
    possessive 's ignored; (2) the same after dropping legal forms (Inc, Corp, Ltd, ...), a first
    name and its nickname (Steve ~ Steven; table scripts/nicknames.txt, from the PyPI package
    `nicknames`, Apache-2.0), an acronym and the words it stands for (IBM ~ International Business
    Machines), singular ~ plural; (3) for proper names only: a shorter form of two words or more
    that ends the longer one ("Apple Corps" ~ "Beatles Apple Corps") or keeps its first and last
    word ("iTunes Store" ~ "iTunes Music Store"), what follows a possessive ("Apple's iPod" ~
    "iPod"), a person's surname alone for a PER entity;
 2. the events of those entities: their rows of timelines.jsonl, and event mentions naming one of
    them among agents, participants or places;
 3. a target that is not a proper name (no capital letter nor digit: "the company's creditors", a
    market, a currency), or a name no entity matches: events with an argument phrase (column
    argument_text) whose head noun is the target's (singular ~ plural; the head is the last word
    before of/in/for/..., so "shares of the company" -> share), for a name: that holds its words.
Every mention of an event (one event_id, also across documents) goes on the event's line.

Dates and order: an event in an entity's timelines.jsonl row takes that row's date_start (or
date), date_end, precision and position (0 = undated); other events the cluster's date in events.jsonl, else that
of the best-anchored mention (timex > narrative > dct; anchor_source none = undated). Events of a
target (the union over its entities) are ordered by (date_start, date_end, entline position), the
position being that in the best-matched entity's timeline (rank of the entity first); events with
the same date and the same entline position share a position, as do same-day events found through
argument phrases only (they have no entline position).

fake: each gold timeline of GOLD_DIR parsed (position, date, event ids) and written again through
this module's writer (date formatting, id formatting, file naming); the scorer must give 100.

diagnose: each gold timeline event (an id of a gold line; the timelines read and paired with
entline's files by the scorer's own code, ../shared/tools/timeline_score.py, so ids are
lower-cased and dates normalized as it does) goes to one of
  right         on the target's system timeline, the same date as gold's (the scorer's event
                date: that of its first dated line; XXXX-XX-XX is a value, as in its anchor
                accuracy; a system 2007-05-03 against gold's 2007 is wrong here);
  wrong date    on the target's system timeline with another date: the system's undated, gold
                undated, coarser (holds gold's date), finer (within gold's) or another date;
  not linked    not on it, but an entline event mention (any: negated and modal ones too) has a
                trigger overlapping the gold token: the token's <EVENT> element in the <s> of the
                id (else the token's text in that <s>, else each word of a multi-word token
                there: "taking ... out") against the trigger's characters, both as
                positions of the sentence mapping above; why, first that applies: non-factual
                (every such mention negated or modal, which the export drops), other trigger
                (the event is on the target's timeline, but under an id with another token:
                entline's trigger is not the task's), related name (linked to an entity whose
                name is a run of the target's words or holds them: iPhone for iPhone 4, iTunes for
                iTunes store, but also Apple Inc. for Beatles Apple Corps), other entities (linked
                to entities, none matched to the target), no entity;
  not detected  no entline event mention there.
right + wrong date and right are checked against the scorer's common events and anchor accuracy.
System entries on no gold line of their target ("extra") are another target's (a gold event of
another target), other trigger (overlapping a gold event of this target), annotated event (an
<EVENT> of the corpus on no gold line) or not annotated. The last line printed is a compact form
for scripts/eval_timelines.sh's summary. Without --work (eval_timelines.sh --fake) a gold event
not on the timeline is only 'missing'. selftest writes a hand-made document, entline tables and
gold timelines with one event in each category, reason and kind, runs convert and diagnose (and
fake: all right) and checks the counts.
"""
import argparse
import bisect
import glob
import html
import json
import os
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
NICKNAMES = os.path.join(HERE, "nicknames.txt")
PROG = "semeval_timelines"

REQUIRED = {
    "event_mentions.jsonl": ("doc", "sentence_index", "char_start", "char_end", "text", "event_id",
                             "anchor_source", "date_start", "date_end", "precision", "agents",
                             "participants", "places", "argument_text"),
    "timelines.jsonl": ("entity_id", "position", "event_id"),
    "entities.jsonl": ("entity_id", "name", "type", "aliases"),
    "tokens.jsonl": ("doc", "sentences"),
}
UNKNOWN_DATE = "XXXX-XX-XX"
ANCHOR_RANK = {"timex": 0, "narrative": 1, "dct": 2}
CORP_WORDS = {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
              "plc", "lp", "llp", "sa", "ag", "nv", "bv", "gmbh", "group", "holdings"}
ACRONYM_SKIP = {"of", "and", "the", "for", "de", "du", "la", "le", "des", "und", "a", "an", "in", "on"}
HEAD_STOP = {"of", "in", "on", "for", "with", "at", "by", "from", "to", "about", "over", "under",
             "into", "than", "as", "like", "that", "which", "who", "whom", "whose", "where", "when",
             "after", "before", "since", "during", "against", "between", "among", "and", "or", "but"}


class Failure(Exception):
    """An input problem: reported as `semeval_timelines: <message>`, exit status 2."""


# ----------------------------------------------------------------------------------------- tables
def read_jsonl(path, required=True):
    if not os.path.isfile(path):
        if required:
            raise Failure("%s is missing" % path)
        return None
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    raise Failure("%s line %d is not JSON: %s" % (path, n, e))
    return rows


def check_columns(path, rows, columns):
    present = set()
    for r in rows[:50]:
        present.update(r)
    missing = [c for c in columns if c not in present]
    if rows and missing:
        raise Failure("%s has no column(s) %s: this entline binary predates them (rebuild: "
                      "scripts/setup.sh)" % (path, ", ".join(missing)))


def load_work(work):
    t = {}
    for name in ("event_mentions.jsonl", "timelines.jsonl", "entities.jsonl", "tokens.jsonl"):
        path = os.path.join(work, name)
        t[name] = read_jsonl(path)
        check_columns(path, t[name], REQUIRED[name])
    t["events.jsonl"] = read_jsonl(os.path.join(work, "events.jsonl"), required=False) or []
    t["mentions.jsonl"] = read_jsonl(os.path.join(work, "mentions.jsonl"), required=False) or []
    return t


def split_list(value):
    """`"; "`-joined cell -> list (empty items dropped)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    return [p.strip() for p in str(value).split("; ") if p.strip()]


def truthy(v):
    return v is True or str(v).strip().lower() in ("true", "1", "yes")


# ------------------------------------------------------------------------------ TimeML sentences
S_RE = re.compile(r"<s\b[^>]*?\bid\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</s\s*>", re.S)
TAG_RE = re.compile(r"<[^>]*>")


def read_tml(path):
    """(DOCID, [(s id, tag-stripped text)]) of a TimeML file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise Failure("cannot read %s (entline's `doc` column): %s" % (path, e))
    m = re.search(r"<DOCID[^>]*>(.*?)</DOCID>", text, re.S)
    docid = html.unescape(TAG_RE.sub("", m.group(1))).strip() if m else ""
    if not docid:
        m = re.match(r"\d+", os.path.basename(path))
        docid = m.group(0) if m else os.path.splitext(os.path.basename(path))[0]
    body = re.search(r"<TEXT\b[^>]*>(.*?)</TEXT\s*>", text, re.S)
    sents = [(m.group(1).strip(), html.unescape(TAG_RE.sub("", m.group(2))))
             for m in S_RE.finditer(body.group(1) if body else "")]
    return docid, sents


class DocMap:
    """Decoded-text offsets of one document -> <s> ids, by aligning the non-blank characters of
    entline's words (`entline tokens`) with those of the <s> elements."""

    def __init__(self, path, token_sentences):
        self.path = path
        self.docid, self.sents = read_tml(path)
        chars, owner = [], []
        for k, (_, txt) in enumerate(self.sents):
            for ch in txt:
                if not ch.isspace():
                    chars.append(ch)
                    owner.append(k)
        self.stream, self.owner = "".join(chars), owner
        low = self.stream.lower()
        cmp_stream = low if len(low) == len(self.stream) else self.stream
        self.starts, self.ends, self.pos, self.lens = [], [], [], []
        self.missed = self.words = 0
        p = 0
        for sentence in token_sentences:
            for c0, c1, word in sentence:
                w = "".join(str(word).split())
                if not w:
                    continue
                self.words += 1
                wc = w.lower() if cmp_stream is not self.stream and len(w.lower()) == len(w) else w
                if cmp_stream.startswith(wc, p):
                    q = p
                else:
                    q = cmp_stream.find(wc, p, p + len(wc) + 200)      # resynchronise
                    if q < 0:
                        self.missed += 1
                        continue
                self.starts.append(c0)
                self.ends.append(c1)
                self.pos.append(q)
                self.lens.append(len(w) if c1 - c0 == len(w) else 0)
                p = q + len(w)

    def locate(self, char_start):
        """(s id, index into self.sents, stream position) of a decoded-text offset, or None."""
        if not self.sents or not self.starts:
            return None
        i = max(bisect.bisect_right(self.starts, char_start) - 1, 0)
        q = self.pos[i]
        inside = char_start - self.starts[i]
        if 0 < inside < self.lens[i]:
            q += inside
        k = self.owner[min(q, len(self.owner) - 1)]
        return self.sents[k][0], k, q

    def verify(self, char_start, text):
        """'exact' (trigger at the aligned place), 'sentence' (in that <s>), or 'no'."""
        loc = self.locate(char_start)
        t = "".join(str(text).split())
        if loc is None or not t:
            return "no"
        _, k, q = loc
        if self.stream[q:q + len(t)].lower() == t.lower():
            return "exact"
        return "sentence" if t.lower() in "".join(self.sents[k][1].split()).lower() else "no"


class Sentences:
    """DocMaps of every document of a run (tokens.jsonl rows), by entline's `doc` path."""

    def __init__(self, token_rows):
        self.tokens = {r["doc"]: r["sentences"] for r in token_rows}
        self.maps = {}
        self.unverified = []                     # event ids whose trigger is not in their <s>

    def get(self, doc):
        if doc not in self.maps:
            if doc not in self.tokens:
                raise Failure("document %s has event mentions but no tokens.jsonl row "
                              "(run `entline tokens` on the same paths)" % doc)
            self.maps[doc] = DocMap(doc, self.tokens[doc])
        return self.maps[doc]

    def event_token(self, m):
        """DOCID-SENTENCE-token of an event mention row."""
        dm = self.get(m["doc"])
        loc = dm.locate(int(m["char_start"]))
        sid = loc[0] if loc else str(int(m.get("sentence_index", 0)) + 1)
        tok = "%s-%s-%s" % (dm.docid, sid, "_".join(str(m["text"]).lower().split()))
        if dm.verify(int(m["char_start"]), m["text"]) == "no":
            self.unverified.append(tok)
        return tok


def check_sentences(tables, out=sys.stdout):
    sentences = Sentences(tables["tokens.jsonl"])
    counts, bad = defaultdict(int), []
    for m in tables["event_mentions.jsonl"]:
        how = sentences.get(m["doc"]).verify(int(m["char_start"]), m["text"])
        counts[how] += 1
        if how == "no":
            bad.append(m)
    docs = sentences.maps.values()
    total = sum(counts.values())
    print("sentence mapping: %d/%d triggers at their aligned place, %d more elsewhere in the <s>, "
          "%d not found (%d docs, %d/%d entline words aligned)"
          % (counts["exact"], total, counts["sentence"], counts["no"], len(sentences.maps),
             sum(d.words - d.missed for d in docs), sum(d.words for d in docs)), file=out)
    for m in bad[:10]:
        print("  not found: %s char %s %r" % (m["doc"], m["char_start"], m["text"]), file=out)
    return counts["no"] == 0


# ---------------------------------------------------------------------------------------- dates
DATE_RE = re.compile(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def parse_date(s):
    m = DATE_RE.match(str(s or ""))
    if not m:
        return None
    return tuple(int(g) if g else None for g in m.groups())


def format_date(start, end="", precision=""):
    """Task date (YYYY-MM-DD with XX for the unknown parts) of entline's date_start, date_end and
    precision; XXXX-XX-XX when undated or coarser than a year."""
    s = parse_date(start)
    if s is None or not 1 <= s[0] <= 9999:
        return UNKNOWN_DATE
    e = parse_date(end) or s
    prec = str(precision or "").strip().lower()
    y, mo, d = s
    if prec in ("day", "time"):
        level = 3
    elif prec == "month":
        level = 2
    elif prec == "year":
        level = 1
    elif e[0] != y:
        level = 0
    elif e[1] != mo or mo is None:
        level = 1
    elif e[2] != d or d is None:
        level = 2
    else:
        level = 3
    if level >= 2 and mo is None:
        level = 1
    if level == 3 and d is None:
        level = 2
    if level == 0:
        return UNKNOWN_DATE
    if level == 1:
        return "%04d-XX-XX" % y
    if level == 2:
        return "%04d-%02d-XX" % (y, mo)
    return "%04d-%02d-%02d" % (y, mo, d)


def date_key(start, end):
    """Sort key: (start padded to the first day, end padded to the last)."""
    s = parse_date(start) or (0, None, None)
    e = parse_date(end) or s
    return ("%04d-%02d-%02d" % (s[0], s[1] or 1, s[2] or 1),
            "%04d-%02d-%02d" % (e[0], e[1] or 12, e[2] or 31))


# ---------------------------------------------------------------------------------------- names
def load_nicknames(path=NICKNAMES):
    groups = defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if line.startswith("#") or not line.strip():
                continue
            for name in line.split():
                groups[name].add(n)
    return groups


class Names:
    def __init__(self):
        self.nick = load_nicknames()

    def same_first(self, a, b):
        return a == b or bool(self.nick.get(a, set()) & self.nick.get(b, set()))

    def given_name(self, a):
        return a in self.nick


def words(s):
    """Normalized words of a name: lower case, possessive 's and punctuation dropped, & -> and,
    a leading "the" dropped."""
    s = re.sub(r"['\u2019]s\b", "", str(s)).replace("&", " and ")
    toks = re.findall(r"[^\W_]+", s.lower())
    if len(toks) > 1 and toks[0] == "the":
        toks = toks[1:]
    return toks


def strip_corp(toks):
    out = list(toks)
    while len(out) > 1 and out[-1] in CORP_WORDS:
        out.pop()
    return out


def is_acronym(raw):
    letters = re.sub(r"[.\s]", "", str(raw))
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def expansion_initials(raw):
    """Initials of a name of two capitalized words or more, without and with its small words
    (EU, BoA), else an empty set."""
    toks = strip_corp([t.lower() for t in re.findall(r"[^\W_]+", str(raw))])
    big = [t for t in toks if t not in ACRONYM_SKIP]
    raw_big = [t for t in re.findall(r"[^\W_]+", str(raw)) if t.lower() in big]
    if len(big) < 2 or not all(t[0].isupper() for t in raw_big):
        return set()
    return {"".join(t[0] for t in big), "".join(t[0] for t in toks)}


def plural_pair(a, b):
    """One word the plural (+s, +es) of the other, a word of letters only: iPod ~ iPods, not
    3G ~ 3GS nor 4 ~ 4S."""
    one, other = sorted((a, b), key=len)
    return len(one) >= 3 and one.isalpha() and other in (one + "s", one + "es")


def is_subsequence(short, long_):
    it = iter(long_)
    return all(any(x == y for y in it) for x in short)


def is_proper(target):
    return any(ch.isupper() or ch.isdigit() for ch in target)


def name_tier(names, target, variant, ent_type, proper):
    """1, 2 or 3 (see the module doc) when `variant` names the target, else None."""
    t, v = words(target), words(variant)
    if not t or not v:
        return None
    if "".join(t) == "".join(v):
        return 1
    tc, vc = strip_corp(t), strip_corp(v)
    kt, kv = "".join(tc), "".join(vc)
    if kt == kv:
        return 2
    if len(tc) == len(vc) >= 2 and tc[1:] == vc[1:] and names.same_first(tc[0], vc[0]):
        return 2
    if len(tc) == len(vc) and tc[:-1] == vc[:-1] and plural_pair(tc[-1], vc[-1]):
        return 2
    if is_acronym(target) and kt in expansion_initials(variant):
        return 2
    if is_acronym(variant) and kv in expansion_initials(target):
        return 2
    if not proper:
        return None
    short, long_ = sorted((tc, vc), key=len)
    if 2 <= len(short) < len(long_):
        if long_[-len(short):] == short:
            return 3
        if short[-1] == long_[-1] and names.same_first(short[0], long_[0]) and \
                is_subsequence(short[1:-1], long_[1:-1]):
            return 3
    owned = re.split(r"['\u2019]s\s+", str(target))
    if proper and len(owned) > 1 and words(owned[-1]) and "".join(strip_corp(words(owned[-1]))) == kv:
        return 3                                        # "Apple's iTunes Store" ~ "iTunes Store"
    if ent_type == "PER" and len(vc) == 1 and len(tc) >= 2 and vc[0] == tc[-1] and \
            names.given_name(tc[0]):
        return 3
    return None


def match_entities(names, target, entities, surface):
    """[(entity_id, tier)] naming the target, best first (tier, then more mentions)."""
    proper = is_proper(target)
    found = []
    for e in entities:
        variants = [e["name"]] + split_list(e.get("aliases")) + sorted(surface.get(e["entity_id"], ()))
        tiers = [t for t in (name_tier(names, target, v, e.get("type", ""), proper) for v in variants)
                 if t]
        if tiers:
            try:
                mentions = int(e.get("mentions") or 0)
            except ValueError:
                mentions = 0
            found.append((min(tiers), -mentions, e["entity_id"]))
    return [(eid, tier) for tier, _, eid in sorted(found)]


def singular(w):
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def head_noun(phrase):
    """Head of a noun phrase: the last word before a preposition, conjunction or relative
    pronoun, a possessive 's dropped, singular."""
    toks = re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", str(phrase).lower())
    for i, t in enumerate(toks):
        if i and t in HEAD_STOP:
            toks = toks[:i]
            break
    if not toks:
        return ""
    return singular(re.sub(r"['\u2019]s$", "", toks[-1]))


def contains_words(phrase, target_words):
    p, n = words(phrase), len(target_words)
    return n > 0 and any(p[i:i + n] == target_words for i in range(len(p) - n + 1))


# ------------------------------------------------------------------------------------ timelines
def factual(m):
    """Whether an event mention is asserted to happen: not negated ("did not sue"), not under a
    modal ("could sue"). The task's timelines list what happened or will happen; dropping
    infinitives as well was tried (trial timeline F1 29.85 -> 28.84) and left out."""
    return str(m.get("polarity", "POS")) != "NEG" and not str(m.get("modality", "")).strip()


class Tables:
    """entline's tables indexed for the conversion."""

    def __init__(self, t):
        self.entities = t["entities.jsonl"]
        self.mentions_by_event = defaultdict(list)
        self.events_by_entity = defaultdict(set)
        self.argument_rows = []
        for m in t["event_mentions.jsonl"]:
            if not factual(m):
                continue
            ev = str(m["event_id"])
            self.mentions_by_event[ev].append(m)
            for col in ("agents", "participants", "places"):
                for eid in split_list(m.get(col)):
                    self.events_by_entity[eid].add(ev)
            phrases = split_list(m.get("argument_text"))
            if phrases:
                self.argument_rows.append((ev, phrases))
        self.timeline_rows = defaultdict(dict)          # entity -> event -> row
        for r in t["timelines.jsonl"]:
            if str(r["event_id"]) in self.mentions_by_event:
                self.timeline_rows[r["entity_id"]].setdefault(str(r["event_id"]), r)
        self.cluster = {}
        for r in t["events.jsonl"]:
            if "event_id" in r and "date_start" in r:
                self.cluster.setdefault(str(r["event_id"]), r)
        self.surface = defaultdict(set)
        for m in t["mentions.jsonl"]:
            if m.get("entity_id") and m.get("reference", "mention") == "mention" and m.get("text"):
                self.surface[m["entity_id"]].add(m["text"])

    def cluster_date(self, ev):
        """(date_start, date_end, precision) of an event, '' start when undated."""
        r = self.cluster.get(ev)
        if r is not None:
            return (r.get("date_start") or "", r.get("date_end") or "", r.get("precision") or "")
        best = None
        for m in self.mentions_by_event[ev]:
            src = str(m.get("anchor_source") or "")
            if not m.get("date_start") or src == "none":
                continue
            key = (ANCHOR_RANK.get(src, 3), str(m["doc"]), int(m["char_start"]))
            if best is None or key < best[0]:
                best = (key, (m["date_start"], m.get("date_end") or "", m.get("precision") or ""))
        return best[1] if best else ("", "", "")


class Event:
    def __init__(self, ev):
        self.ev, self.rank_pos, self.undated = ev, None, False
        self.start = self.end = self.precision = ""


def target_events(tables, names, target):
    """Events of one target: {event_id: Event}, and the entities it was matched to."""
    matched = match_entities(names, target, tables.entities, tables.surface)
    events = {}
    for rank, (eid, _) in enumerate(matched):
        for ev, row in tables.timeline_rows.get(eid, {}).items():
            if ev in events or ev not in tables.mentions_by_event:
                continue
            e = events[ev] = Event(ev)
            try:
                position = int(row["position"])
            except (TypeError, ValueError):
                position = 0
            e.rank_pos = (rank, position)
            e.undated = position == 0 or truthy(row.get("undated"))
            start = row.get("date_start") or row.get("date")
            if start:
                e.start, e.end, e.precision = start, row.get("date_end") or "", \
                    row.get("precision") or ""
            else:
                e.start, e.end, e.precision = tables.cluster_date(ev)
    for eid, _ in matched:
        for ev in tables.events_by_entity.get(eid, ()):
            events.setdefault(ev, Event(ev))
    if not matched or not is_proper(target):
        head, tw = head_noun(target), words(target)
        for ev, phrases in tables.argument_rows:
            if ev in events:
                continue
            if any((head_noun(p) == head) if not is_proper(target) else contains_words(p, tw)
                   for p in phrases if head):
                events[ev] = Event(ev)
    for e in events.values():
        if e.rank_pos is None:
            e.start, e.end, e.precision = tables.cluster_date(e.ev)
            e.undated = not e.start
    return events, matched


def timeline_lines(tables, sentences, events):
    """[(position, date, [event ids])] of a target's events."""
    dated = sorted((e for e in events.values() if not e.undated),
                   key=lambda e: (date_key(e.start, e.end), e.rank_pos or (float("inf"),), e.ev))
    positioned, prev, pos = [], None, 0
    for e in dated:
        key = (date_key(e.start, e.end), e.rank_pos)
        if key != prev:
            pos, prev = pos + 1, key
        positioned.append((pos, format_date(e.start, e.end, e.precision), e))
    first = {e.ev: min((str(m["doc"]), int(m["char_start"])) for m in tables.mentions_by_event[e.ev])
             for e in events.values() if tables.mentions_by_event[e.ev]}
    undated = sorted((e for e in events.values() if e.undated and e.ev in first),
                     key=lambda e: first[e.ev])
    lines, used = [], set()
    for pos, date, e in [(0, UNKNOWN_DATE, e) for e in undated] + positioned:
        mentions = sorted(tables.mentions_by_event[e.ev],
                          key=lambda m: (str(m["doc"]), int(m["char_start"])))
        ids = []
        for m in mentions:
            tok = sentences.event_token(m)
            if tok.lower() not in used:
                used.add(tok.lower())
                ids.append(tok)
        if ids:
            lines.append((pos, date, ids))
    return lines


def file_name(target):
    return "".join(c if c.isalnum() else "_" for c in target.lower()) + ".txt"


def write_timeline(out_dir, target, lines):
    path = os.path.join(out_dir, file_name(target))
    with open(path, "w", encoding="utf-8") as f:
        f.write(target + "\n")
        for pos, date, ids in lines:
            f.write("%d\t%s\t%s\n" % (pos, date, "\t".join(ids)))
    return path


def read_targets(path):
    targets, seen = [], set()
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            name = line.strip()
            if name and not name.startswith("#") and file_name(name) not in seen:
                seen.add(file_name(name))
                targets.append(name)
    if not targets:
        raise Failure("%s names no target entity (one name a line)" % path)
    return targets


def convert(work, targets_file, out_dir, verbose=False):
    tables_raw = load_work(work)
    tables = Tables(tables_raw)
    sentences = Sentences(tables_raw["tokens.jsonl"])
    names = Names()
    os.makedirs(out_dir, exist_ok=True)
    for target in read_targets(targets_file):
        events, matched = target_events(tables, names, target)
        lines = timeline_lines(tables, sentences, events)
        write_timeline(out_dir, target, lines)
        if verbose:
            print("%s: %d events on %d lines; entities %s" % (
                target, len(events), len(lines),
                ", ".join("%s(%d)" % m for m in matched) or "none (argument phrases)"),
                file=sys.stderr)
    if sentences.unverified:
        print("%s: warning: %d event id(s) whose trigger is not in the <s> found for it, e.g. %s"
              % (PROG, len(sentences.unverified), ", ".join(sentences.unverified[:5])), file=sys.stderr)
    missed = [(d.path, d.missed, d.words) for d in sentences.maps.values() if d.missed]
    for path, n, total in missed:
        print("%s: warning: %s: %d of %d entline words not aligned with its <s> text"
              % (PROG, path, n, total), file=sys.stderr)


# ------------------------------------------------------------------------------------------ fake
def parse_gold_date(s):
    """Gold date -> (date_start, date_end, precision) as entline would give them."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d|XX))?(?:-(\d\d|XX))?", s.strip().upper())
    if not m:
        return "", "", ""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if not mo or mo == "XX":
        return "%s-01-01" % y, "%s-12-31" % y, "year"
    if not d or d == "XX":
        return "%s-%s-01" % (y, mo), "%s-%s-28" % (y, mo), "month"
    return "%s-%s-%s" % (y, mo, d), "%s-%s-%s" % (y, mo, d), "day"


def fake(gold_dir, out_dir):
    """Gold timelines -> the writer: each id split into DOCID, sentence and token text (_ -> space,
    as a multi-word trigger), each date into entline's start/end/precision, then formatted back."""
    os.makedirs(out_dir, exist_ok=True)
    files = sorted(glob.glob(os.path.join(gold_dir, "*.txt")))
    if not files:
        raise Failure("no gold timeline (*.txt) in %s" % gold_dir)
    for path in files:
        with open(path, encoding="utf-8-sig") as f:
            raw = f.read().splitlines()
        target, lines = raw[0].strip(), []
        for line in raw[1:]:
            fields = line.split()
            if len(fields) < 3 or not fields[0].isdigit():
                continue
            ids = []
            for tok in fields[2:]:
                docid, sid, text = tok.split("-", 2)
                ids.append("%s-%s-%s" % (docid, sid, "_".join(text.replace("_", " ").lower().split())))
            lines.append((int(fields[0]), format_date(*parse_gold_date(fields[1])), ids))
        write_timeline(out_dir, target, lines)


# ------------------------------------------------------------------------------------ diagnosis
SCORER = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "tools", "timeline_score.py"))
EVENT_TAG_RE = re.compile(r"<EVENT\b[^>]*>(.*?)</EVENT\s*>", re.S)
CATEGORIES = ("not detected", "not linked", "wrong date", "right")
NOT_LINKED_WHY = ("related name", "other entities", "no entity", "non-factual", "other trigger")
WRONG_DATE_HOW = ("undated", "gold undated", "coarser", "finer", "other date")
EXTRA_KINDS = ("annotated event", "not annotated", "another target's", "other trigger")


def load_scorer(path=SCORER):
    """The task's scorer as a module: gold and system timelines are read by its parse_timeline
    (ids lower-cased, dates normalized) and paired with its rules, so the breakdown and the score
    see the same events and dates."""
    import importlib.util
    if not os.path.isfile(path):
        raise Failure("scorer not found at %s" % path)
    spec = importlib.util.spec_from_file_location("timeline_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def nonblank(s):
    return "".join(str(s).split())


def task_token(text):
    return "_".join(str(text).lower().split())


def event_elements(path):
    """{(s id, token): [(start, end)]} of the <EVENT> elements of a TimeML file, as positions in
    DocMap's stream (the non-blank characters of the <s> elements, tags stripped, entities
    unescaped, in order); token as in the task's ids."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    body = re.search(r"<TEXT\b[^>]*>(.*?)</TEXT\s*>", text, re.S)
    out, base = defaultdict(list), 0
    for m in S_RE.finditer(body.group(1) if body else ""):
        sid, inner = m.group(1).strip(), m.group(2)
        for e in EVENT_TAG_RE.finditer(inner):
            q = base + len(nonblank(html.unescape(TAG_RE.sub("", inner[:e.start()]))))
            t = html.unescape(TAG_RE.sub("", e.group(1)))
            if nonblank(t):
                out[(sid, task_token(t))].append((q, q + len(nonblank(t))))
        base += len(nonblank(html.unescape(TAG_RE.sub("", inner))))
    return out


class Detector:
    """entline's event mentions (all of them, negated and modal ones too) and the corpus's
    <EVENT> elements as spans of DocMap's stream, by DOCID; a task id is located by the <EVENT>
    elements of its <s> whose text is its token, else by that text anywhere in the <s>, else by
    each word of a multi-word token there."""

    def __init__(self, tables_raw, sentences):
        self.docs = {}
        for doc in sorted(sentences.tokens):
            dm = sentences.get(doc)
            self.docs.setdefault(dm.docid.lower(), dm)
        self.spans = defaultdict(list)              # DOCID -> [(start, end, mention row)]
        self.by_id = defaultdict(list)              # task id of a mention -> its spans
        for m in tables_raw["event_mentions.jsonl"]:
            dm = sentences.get(m["doc"])
            loc = dm.locate(int(m["char_start"]))
            if loc is None:
                continue
            span = (loc[2], loc[2] + max(len(nonblank(m["text"])), 1))
            self.spans[dm.docid.lower()].append(span + (m,))
            self.by_id[sentences.event_token(m).lower()].append((dm.docid.lower(), span))
        self.elements = {}
        self.located = defaultdict(int)             # 'tag', 'text', 'not found'

    def annotated(self, docid):
        if docid not in self.elements:
            self.elements[docid] = event_elements(self.docs[docid].path) if docid in self.docs else {}
        return self.elements[docid]

    def gold_spans(self, ev_id, count=False):
        """(DOCID, [(start, end)]) of a task id ([] when it cannot be located)."""
        parts = ev_id.lower().split("-", 2)
        if len(parts) < 3 or parts[0] not in self.docs:
            how, spans = "not found", []
        else:
            docid, sid, tok = parts
            spans = self.annotated(docid).get((sid, tok), [])
            how = "tag"
            if not spans:
                dm, base, how = self.docs[docid], 0, "not found"
                for k, (s, txt) in enumerate(dm.sents):
                    if s == sid:
                        hay = nonblank(txt).lower()
                        # the token's text, else each of its words ('taking_out': "taking the
                        # iPhone out")
                        for needles in ([tok.replace("_", "")], tok.split("_")):
                            spans = [(base + i, base + i + len(n)) for n in needles if n
                                     for i in range(len(hay)) if hay.startswith(n, i)]
                            if spans:
                                how = "text"
                                break
                        break
                    base += len(nonblank(txt))
        if count:
            self.located[how] += 1
        return parts[0], spans

    def overlapping(self, ev_id, count=False):
        """entline's mention rows whose trigger overlaps the task id's token."""
        docid, spans = self.gold_spans(ev_id, count)
        return [m for a, b, m in self.spans.get(docid, ())
                if any(a < y and x < b for x, y in spans)]

    def system_spans(self, ev_id):
        return self.by_id.get(ev_id.lower(), [])


def pair_timelines(gold, system):
    """[(gold file, gold Timeline, system Timeline or None)] paired as the scorer pairs them: by
    the entity on the first line (case and spaces ignored), else by file name."""
    norm = lambda tl, fn: " ".join((tl.name or fn[:-4]).lower().split())
    by_name, by_file, used, out, seen = {}, dict(system), set(), [], set()
    for fn, tl in system:
        if tl.name:
            by_name.setdefault(norm(tl, fn), fn)
    for fn, gtl in gold:
        key = norm(gtl, fn)
        if key in seen:
            continue
        seen.add(key)
        sfn = by_name.get(key)
        if sfn is None or sfn in used:
            sfn = fn if fn in by_file and fn not in used else None
        used.add(sfn)
        out.append((fn, gtl, by_file[sfn] if sfn else None))
    return out


def entity_names(tables_raw):
    return {e["entity_id"]: e.get("name") or e["entity_id"] for e in tables_raw["entities.jsonl"]}


def linked_entities(tables_raw):
    """event_id -> {entity_id: set of roles}: arguments of any of its mentions and its rows in
    timelines.jsonl."""
    out = defaultdict(lambda: defaultdict(set))
    for m in tables_raw["event_mentions.jsonl"]:
        for col, role in (("agents", "agent"), ("participants", "participant"), ("places", "place")):
            for eid in split_list(m.get(col)):
                out[str(m["event_id"])][eid].add(role)
    for r in tables_raw["timelines.jsonl"]:
        out[str(r["event_id"])][r["entity_id"]].add(str(r.get("role") or "timeline"))
    return out


def related_name(target, name):
    """One name's words (legal forms dropped) a run of the other's, not the same: iPhone ~
    iPhone 4, iTunes ~ iTunes store, iPod Nano ~ iPod; not Steve Ballmer ~ Steve Jobs."""
    t, v = strip_corp(words(target)), strip_corp(words(name))
    short, long_ = sorted((t, v), key=len)
    return bool(short) and short != long_ and any(
        long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def date_miss(gold, system):
    """How a system date (normalized as the scorer does) misses gold's: undated, gold undated,
    coarser (gold's date within it: 2010-XX-XX for 2010-05-03), finer (within gold's), other."""
    if system == UNKNOWN_DATE:
        return "undated"
    if gold == UNKNOWN_DATE:
        return "gold undated"
    g, s = gold.split("-"), system.split("-")
    if all(a == b or "X" in b for a, b in zip(g, s)):
        return "coarser"
    if all(a == b or "X" in a for a, b in zip(g, s)):
        return "finer"
    return "other date"


def diagnose(gold_dir, system_dir, work=None, scorer_path=SCORER, examples=0, out=sys.stdout):
    """Where each gold timeline event goes (see CATEGORIES), per target, and what the system
    timeline entries matching no gold event of their target are. Returns the counts; prints a
    table, the examples asked for, and last the compact line eval_timelines.sh appends to its
    summary. Without WORK (entline's tables) a missed event cannot be told apart: 'missing'."""
    ts = load_scorer(scorer_path)
    gold, system = ts.load_dir(gold_dir), ts.load_dir(system_dir)
    if not gold:
        raise Failure("no gold timeline (*.txt) in %s" % gold_dir)
    pairs = pair_timelines(gold, system)
    det = tables = names = links = enames = None
    if work is not None:
        raw = load_work(work)
        sentences = Sentences(raw["tokens.jsonl"])
        det, tables, names = Detector(raw, sentences), Tables(raw), Names()
        links, enames = linked_entities(raw), entity_names(raw)
    cats = CATEGORIES if det else ("missing",) + CATEGORIES[2:]
    all_gold = {e for _, g, _ in pairs for e in g.dates}
    rows, why, extra, how, shown = [], defaultdict(int), defaultdict(int), defaultdict(int), []
    for fn, gtl, stl in pairs:
        target = gtl.name or fn[:-4]
        sdates = stl.dates if stl else {}
        c = defaultdict(int)
        mine, gold_spans = set(), []
        if det:
            mine = set(target_events(tables, names, target)[0])
            gold_spans = [det.gold_spans(g) for g in sorted(gtl.dates)]
        for ev in sorted(gtl.dates):
            if ev in sdates:
                if sdates[ev] == gtl.dates[ev]:
                    c["right"] += 1
                else:
                    c["wrong date"] += 1
                    how[date_miss(gtl.dates[ev], sdates[ev])] += 1
                continue
            if not det:
                c["missing"] += 1
                continue
            hits = det.overlapping(ev, count=True)
            if not hits:
                c["not detected"] += 1
                continue
            c["not linked"] += 1
            evs = sorted({str(m["event_id"]) for m in hits})
            linked = {eid: roles for e in evs for eid, roles in links.get(e, {}).items()}
            if not any(factual(m) for m in hits):
                reason = "non-factual"
            elif any(str(m["event_id"]) in mine for m in hits if factual(m)):
                reason = "other trigger"
            elif any(related_name(target, enames.get(eid, "")) for eid in linked):
                reason = "related name"
            elif linked:
                reason = "other entities"
            else:
                reason = "no entity"
            why[reason] += 1
            if len(shown) < examples:
                docid, sid = ev.split("-", 2)[:2]
                dm = det.docs.get(docid)
                sent = next((t for s, t in dm.sents if s == sid), "") if dm else ""
                shown.append("  %s | %s | %s | entline: %s -> %s | %s" % (
                    target, ev, reason, "/".join(sorted({m["text"] for m in hits})),
                    "; ".join("%s (%s)" % (enames.get(eid, eid), ",".join(sorted(r)))
                              for eid, r in sorted(linked.items())) or "no entity",
                    " ".join(sent.split())))
        for ev in sorted(set(sdates) - set(gtl.dates)):
            if ev in all_gold:
                kind = "another target's"
            elif det:
                docid, sid, tok = (ev.split("-", 2) + ["", ""])[:3]
                if any(d == g_doc and any(a < y and x < b for x, y in gs)
                       for d, (a, b) in det.system_spans(ev) for g_doc, gs in gold_spans):
                    kind = "other trigger"
                elif (sid, tok) in det.annotated(docid):
                    kind = "annotated event"
                else:
                    kind = "not annotated"
            else:
                kind = "unknown"                        # not printed: no tables to tell
            extra[kind] += 1
        rows.append((target, len(gtl.dates), c, len(set(sdates) - set(gtl.dates))))
    # the scorer's own event counts on the same pairs: the breakdown must agree with them
    total = ts.score_corpus(gold, system)[0]
    n = sum(r[1] for r in rows)
    tot = defaultdict(int)
    for r in rows:
        for k, v in r[2].items():
            tot[k] += v
    if (tot["right"] + tot["wrong date"], tot["right"], n) != \
            (total["ev_tp"], total["anchor_ok"], total["ev_gold"]):
        raise Failure("breakdown disagrees with the scorer: on timeline %d right %d gold %d vs "
                      "scorer %d %d %d" % (tot["right"] + tot["wrong date"], tot["right"], n,
                                           total["ev_tp"], total["anchor_ok"], total["ev_gold"]))
    pct = lambda a, b: "%3d%%" % int(100.0 * a / b + 0.5) if b else "  -%"
    width = max(len("target"), max(len(r[0]) for r in rows))
    print("where the gold timeline events go (same ids and dates as the scorer's):", file=out)
    print("  %-*s %5s" % (width, "target", "gold") +
          "".join(" %13s" % k for k in cats) + " %7s" % "extra", file=out)
    for target, g, c, x in rows + [("all", n, tot, sum(r[3] for r in rows))]:
        print("  %-*s %5d" % (width, target, g) +
              "".join(" %6d (%s)" % (c[k], pct(c[k], g)) for k in cats) + " %7d" % x, file=out)
    if det:
        print("  not linked, why: %s" % ", ".join(
            "%s %d" % (k, why[k]) for k in NOT_LINKED_WHY), file=out)
    print("  wrong date, system's: %s" % ", ".join(
        "%s %d" % (k, how[k]) for k in WRONG_DATE_HOW), file=out)
    if det:
        print("  extra (system entries on no gold line of their target): %s" % ", ".join(
            "%s %d" % (k, extra[k]) for k in EXTRA_KINDS), file=out)
        if det.located["not found"] or det.located["text"]:
            print("  gold ids not on their timeline located by <EVENT> tag %d, by text %d, not at "
                  "all %d (no such document or word: not detected)" % (
                      det.located["tag"], det.located["text"], det.located["not found"]), file=out)
    if shown:
        print("not linked, first %d (target | gold id | why | entline trigger -> entities it "
              "linked | sentence):" % len(shown), file=out)
        for line in shown:
            print(line, file=out)
    print("gold %d: %s | extra %d" % (n, ", ".join(
        "%s %d (%s)" % (k, tot[k], pct(tot[k], n).strip()) for k in cats),
        sum(extra.values())), file=out)
    return dict(tot, gold=n, why=dict(why), extra=dict(extra), how=dict(how), rows=rows,
                examples=shown)


# ------------------------------------------------------------------------------------ self-test
SELF_TML = """<?xml version='1.0' encoding='utf-8'?>
<TimeML><DOCID>7</DOCID>
<DCT><TIMEX3 functionInDocument="CREATION_TIME" tid="t0" type="DATE" value="2011-06-01">2011-06-01</TIMEX3></DCT>
<TEXT><s id="1">Acme <EVENT eid="e1">bought</EVENT> Widget on 3 May 2010 .</s>
<s id="2">Acme <EVENT eid="e2">sold</EVENT> Widget in 2011 .</s>
<s id="3">Regulators <EVENT eid="e3">approved</EVENT> the Acme deal , analysts <EVENT eid="e8">noted</EVENT> .</s>
<s id="4">Acme <EVENT eid="e4">fired</EVENT> its chief &amp; <EVENT eid="e5">hired</EVENT> Bob .</s>
<s id="5">Acme did not <EVENT eid="e6">comment</EVENT> , and Bob <EVENT eid="e7">said</EVENT> nothing at the Acme office .</s>
<s id="6">Acme Labs <EVENT eid="e10">opened</EVENT> in June 2011 and Acme <EVENT eid="e11">grew</EVENT> .</s>
<s id="7">Acme <EVENT eid="e12">expanded</EVENT> after a <EVENT eid="e13">merger</EVENT> .</s>
</TEXT></TimeML>
"""
SELF_GOLD = {"acme.txt": "Acme\n0\tXXXX-XX-XX\t7-3-approved\n0\tXXXX-XX-XX\t7-5-comment\n"
                         "0\tXXXX-XX-XX\t7-4-hired\n1\t2010-05-03\t7-1-bought\n"
                         "2\t2011\t7-2-sold\n3\t2011\t7-4-fired\n"
                         "3\t2011\t7-7-expanded\n3\t2011\t7-7-merger\n"
                         "4\t2011-06\t7-6-opened\t7-6-grew\n",
             "bob.txt": "Bob\n0\tXXXX-XX-XX\t7-5-said\n"}
# (sentence, trigger, event id, agents, participants, polarity, timeline rows: (entity, position,
#  date_start, date_end, precision)); 'fired' has no mention (not detected), 'approved' is
# Regulators' only (not linked: other entities), 'comment' is negated (not linked: non-factual),
# 'hired Bob' is Acme's under another trigger than the task's 'hired' (not linked: other trigger;
# its id 7-4-hired_bob an extra of that kind), 'opened' is Acme Labs' (not linked: related name),
# 'merger' has no entity (not linked: no entity); wrong dates: 'sold' 2010 (other date), 'grew'
# 2011-06-01 (finer), 'expanded' undated; 'bought' right;
# on Acme's timeline also 'noted' (annotated, extra), 'said' (Bob's gold event, extra) and
# 'office' (not annotated, extra); Bob's 'said' is right.
SELF_MENTIONS = [
    (1, "bought", "ev-1", "org:acme", "", "POS", [("org:acme", 1, "2010-05-03", "2010-05-03", "day")]),
    (2, "sold", "ev-2", "org:acme", "", "POS", [("org:acme", 2, "2010-01-01", "2010-12-31", "year")]),
    (3, "approved", "ev-3", "org:regulators", "", "POS", [("org:regulators", 0, "", "", "")]),
    (3, "noted", "ev-8", "", "org:acme", "POS", [("org:acme", 0, "", "", "")]),
    (4, "hired Bob", "ev-5", "org:acme", "", "POS", [("org:acme", 0, "", "", "")]),
    (5, "comment", "ev-6", "org:acme", "", "NEG", [("org:acme", 0, "", "", "")]),
    (5, "said", "ev-7", "per:bob", "org:acme", "POS", [("per:bob", 0, "", "", "")]),
    (5, "office", "ev-9", "org:acme", "", "POS", [("org:acme", 0, "", "", "")]),
    (6, "opened", "ev-10", "org:acme-labs", "", "POS", [("org:acme-labs", 1, "2011-06-01", "2011-06-30", "month")]),
    (6, "grew", "ev-11", "org:acme", "", "POS", [("org:acme", 3, "2011-06-01", "2011-06-01", "day")]),
    (7, "expanded", "ev-12", "org:acme", "", "POS", [("org:acme", 0, "", "", "")]),
    (7, "merger", "ev-13", "", "", "POS", []),
]
SELF_WANT = {"not detected": 1, "not linked": 5, "wrong date": 3, "right": 2, "gold": 11,
             "why": {"other entities": 1, "non-factual": 1, "other trigger": 1, "related name": 1,
                     "no entity": 1},
             "how": {"other date": 1, "finer": 1, "undated": 1},
             "extra": {"other trigger": 1, "annotated event": 1, "another target's": 1,
                       "not annotated": 1}}


def self_test(scorer_path=SCORER, out=sys.stdout):
    """A hand-made document, entline tables and gold timelines with one event in each category
    (and each reason and kind): written to a temporary folder, converted by `convert`, then
    diagnosed; the counts must be SELF_WANT's. Also the gold timelines through `fake` must all
    be right. Raises Failure otherwise."""
    import io
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp(prefix="semeval_selftest.")
    try:
        corpus, work, gold_dir, sys_dir = (os.path.join(tmp, d) for d in ("tml", "work", "gold", "sys"))
        for d in (corpus, work, gold_dir):
            os.makedirs(d)
        path = os.path.join(corpus, "7-acme.tml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(SELF_TML)
        for fn, text in SELF_GOLD.items():
            with open(os.path.join(gold_dir, fn), "w", encoding="utf-8") as f:
                f.write(text)
        # entline's decoded text: <TEXT>'s content, tags stripped, one line a sentence
        body = re.search(r"<TEXT>(.*?)</TEXT>", SELF_TML, re.S).group(1)
        decoded = html.unescape(TAG_RE.sub("", body))
        lines, pos = [], 0
        for line in decoded.split("\n"):
            lines.append(pos)
            pos += len(line) + 1
        sentences = [[[lines[k] + w.start(), lines[k] + w.end(), w.group(0)]
                      for w in re.finditer(r"\S+", line)]
                     for k, line in enumerate(decoded.split("\n")) if line.strip()]
        mentions, timelines = [], []
        for sent, trigger, ev, agents, participants, polarity, rows in SELF_MENTIONS:
            start = lines[sent - 1] + decoded.split("\n")[sent - 1].index(trigger)
            mentions.append({"doc": path, "sentence_index": sent - 1, "char_start": start,
                             "char_end": start + len(trigger), "text": trigger, "event_id": ev,
                             "polarity": polarity, "modality": "", "anchor_source": "none",
                             "date_start": "", "date_end": "", "precision": "", "agents": agents,
                             "participants": participants, "places": "", "argument_text": ""})
            for eid, position, d0, d1, prec in rows:
                timelines.append({"entity_id": eid, "position": position, "event_id": ev,
                                  "date_start": d0, "date_end": d1, "precision": prec,
                                  "undated": position == 0, "role": "agent"})
        entities = [{"entity_id": "org:acme", "name": "Acme", "type": "ORG", "aliases": "", "mentions": 6},
                    {"entity_id": "per:bob", "name": "Bob", "type": "PER", "aliases": "", "mentions": 2},
                    {"entity_id": "org:regulators", "name": "Regulators", "type": "ORG",
                     "aliases": "", "mentions": 1},
                    {"entity_id": "org:acme-labs", "name": "Acme Labs", "type": "ORG",
                     "aliases": "", "mentions": 1}]
        for name, rows in (("event_mentions.jsonl", mentions), ("timelines.jsonl", timelines),
                           ("entities.jsonl", entities),
                           ("tokens.jsonl", [{"doc": path, "sentences": sentences}])):
            with open(os.path.join(work, name), "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r) + "\n" for r in rows)
        targets = os.path.join(tmp, "targets.txt")
        with open(targets, "w", encoding="utf-8") as f:
            f.write("Acme\nBob\n")
        convert(work, targets, sys_dir)
        got = diagnose(gold_dir, sys_dir, work, scorer_path, examples=10, out=io.StringIO())
        have = {k: got.get(k, 0) for k in SELF_WANT if k not in ("why", "extra", "how")}
        have.update({k: {a: b for a, b in got[k].items() if b} for k in ("why", "extra", "how")})
        if have != SELF_WANT:
            raise Failure("self-test: breakdown %s, expected %s" % (have, SELF_WANT))
        if not any("Regulators (agent" in e for e in got["examples"]):
            raise Failure("self-test: the 'approved' example does not name Regulators: %s"
                          % got["examples"])
        fake_dir = os.path.join(tmp, "fake")
        fake(gold_dir, fake_dir)
        got = diagnose(gold_dir, fake_dir, None, scorer_path, out=io.StringIO())
        if (got.get("right", 0), got.get("missing", 0)) != (SELF_WANT["gold"], 0):
            raise Failure("self-test: the gold through the writer is not all right: %s" % got)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("semeval_timelines self-test: passed (11 gold events: not detected 1, not linked 5 (one "
          "for each reason), wrong date 3 (other date, finer, undated), right 2; 4 extras, one of "
          "each kind)", file=out)


# ------------------------------------------------------------------------------------------ main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert", help="entline tables -> one timeline file per target")
    c.add_argument("work")
    c.add_argument("entities_file")
    c.add_argument("out_dir")
    c.add_argument("-v", "--verbose", action="store_true", help="matched entities per target")
    k = sub.add_parser("check", help="check the sentence mapping of every event mention")
    k.add_argument("work")
    f = sub.add_parser("fake", help="gold timelines written again through the writer")
    f.add_argument("gold_dir")
    f.add_argument("out_dir")
    d = sub.add_parser("diagnose", help="where the gold timeline events go")
    d.add_argument("gold_dir")
    d.add_argument("system_dir")
    d.add_argument("--work", help="entline's tables and tokens.jsonl (without: 'missing' only)")
    d.add_argument("--scorer", default=SCORER, help="timeline_score.py (default: %(default)s)")
    d.add_argument("--examples", type=int, default=0, metavar="N",
                   help="list the first N gold events detected but not linked")
    t = sub.add_parser("selftest", help="the diagnosis on a hand-made example")
    t.add_argument("--scorer", default=SCORER, help="timeline_score.py (default: %(default)s)")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "convert":
            convert(a.work, a.entities_file, a.out_dir, a.verbose)
        elif a.cmd == "check":
            t = {"event_mentions.jsonl": read_jsonl(os.path.join(a.work, "event_mentions.jsonl")),
                 "tokens.jsonl": read_jsonl(os.path.join(a.work, "tokens.jsonl"))}
            return 0 if check_sentences(t) else 1
        elif a.cmd == "diagnose":
            diagnose(a.gold_dir, a.system_dir, a.work, a.scorer, a.examples)
        elif a.cmd == "selftest":
            self_test(a.scorer)
        else:
            fake(a.gold_dir, a.out_dir)
    except Failure as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
