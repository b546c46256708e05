#!/usr/bin/env python3
"""Second-domain check of entline's event extraction (Wikinews articles about Apple): one summary
line per corpus with the event span F1 (relaxed = any overlap, strict = identical text) of the
official TempEval-3 scorer.

    scripts/eval_events_second.py [--corpus semeval|meantime] [--keep DIR] [--fake gold|perturbed]
                                  [--] [extra `entline timeml` options]
    scripts/eval_events.sh --second [extra options]      (runs this after the TBAQ dev line)

--keep DIR keeps input/, gold/, system/, scored/ and score files; --fake replaces entline by a stand-in
output made from the gold (gold must give 100; perturbed must give the figures computed in advance),
to check the chain without the binary. Needs target/release/entline otherwise (scripts/setup.sh).

Corpora (read-only, ../shared/data):
  a) SemEval-2015 Task 4 trial, semeval2015-task4-trial/Corpus-trial-data_task4_TimeML/*.tml (30 docs):
     tokenized sentences in <s> elements, single-token EVENTs with an eid only (no class, no
     MAKEINSTANCE). Every sentence is covered (events up to the last sentences of every document;
     the ones without events are datelines or short), so the whole document is scored. But within a
     sentence only some events are marked (those the TimeLine task cares about): on the first six
     sentences of the same articles MEANTIME marks ~1.6 times as many event tokens, e.g. neither
     'forced' nor 'lower' in "The European Commission has forced Apple Inc. to lower its prices".
     So precision there is a lower bound; recall is the informative figure.
  b) MEANTIME Apple, meantime/intra-doc/corpus_apple/*.xml (30 docs, NewsReader CAT: tokens with
     sentence numbers, EVENT_MENTION markables anchored to tokens). Only the first sentences are
     annotated: every markable of every document lies in sentences 0-5 (title, dateline and four
     sentences; checked here, a document with a markable further on extends its own region), so only
     EVENTs of those sentences are scored: the whole article is given to entline, and system EVENTs
     starting after sentence 5 are unwrapped (with their MAKEINSTANCE) before scoring.
     EVENT_MENTIONs may span several tokens (kept as one span: relaxed = overlap, strict = same
     text). A discontinuous mention with an empty `pred` whose tokens all belong to other mentions
     is a coordination aggregate ("decided ... forced") and is dropped; the two other discontinuous
     ones ("took six months off", "bring it back") keep their first part (the verb, as TimeML would).
     Event pronouns (it, this, which) are MEANTIME events too. No overlapping mentions remain.

Conversion: each document becomes a TimeML input (DOCID, DCT = the document's creation time, TEXT =
the sentences, tokens detokenized with simple rules: no space before , . ) 's n't etc., none after
( $ `` etc.; sentences separated by a blank line) and a gold TimeML file with the same text and
<EVENT eid> elements. Scoring: the official scorer ../shared/data/tempeval3/evaluation-entities
(through scripts/te3_scorer.py, which renames system eids to the gold eid they overlap), not a
reimplementation. Neither gold has TimeML event classes (MEANTIME's instance classes are
GRAMMATICAL/SPEECH_COGNITIVE/OTHER/MIX), so no class F1 is printed.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "..", "shared", "data")
SEMEVAL = os.path.join(DATA, "semeval2015-task4-trial", "Corpus-trial-data_task4_TimeML")
MEANTIME = os.path.join(DATA, "meantime", "intra-doc", "corpus_apple")
SCORER = os.path.join(DATA, "tempeval3", "evaluation-entities")
ENTLINE = os.path.join(ROOT, "target", "release", "entline")
MEANTIME_SENTENCES = 6  # sentences 0-5 annotated (title, dateline, four sentences)

sys.path.insert(0, HERE)
import te3_events  # noqa: E402
import te3_scorer  # noqa: E402

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "\u201d", "\u2019", "...",
                   "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "[", "{", "`", "\u201c", "\u2018", "$", "US$", "\u00a3", "\u20ac", "#"}


def detokenize(tokens):
    """(separator before each token, token as displayed): simple Penn-style rules; `` and '' are
    shown as '"', and a plain '"' alternates between opening and closing."""
    seps, shown, quote_open, prev_opens = [], [], False, True
    for tok in tokens:
        if tok in ("``", "''") or tok == '"':
            closes = tok == "''" or (tok == '"' and quote_open)
            quote_open = not closes
            sep = "" if prev_opens or closes else " "
            seps.append(sep)
            shown.append('"')
            prev_opens = not closes
            continue
        seps.append("" if prev_opens or tok in NO_SPACE_BEFORE else " ")
        shown.append(tok)
        prev_opens = tok in NO_SPACE_AFTER
    return seps, shown


class Doc:
    def __init__(self, name, docid, dct, sentences, events, region=None):
        self.name = name            # output file name (.tml)
        self.docid = docid
        self.dct = dct              # YYYY-MM-DD... or None
        self.sentences = sentences  # [[token, ...], ...]
        self.events = events        # [(sentence, first token, last token, eid)], no overlaps
        self.region = region        # number of annotated sentences (None: all)

    def render(self, with_events):
        """(TimeML text, tag-free TEXT offset where the annotated region ends)."""
        starts = {(s, a): eid for s, a, _, eid in self.events}
        ends = {(s, b) for s, _, b, _ in self.events}
        parts, plain, region_end = [], 0, None
        for si, toks in enumerate(self.sentences):
            if si:
                parts.append("\n\n")
                plain += 2
            for ti, (sep, tok) in enumerate(zip(*detokenize(toks))):
                parts.append(sep)
                if with_events and (si, ti) in starts:
                    parts.append(f'<EVENT eid="{starts[si, ti]}">')
                parts.append(escape(tok))
                plain += len(sep) + len(escape(tok))
                if with_events and (si, ti) in ends:
                    parts.append("</EVENT>")
            if self.region is not None and si + 1 == self.region:
                region_end = plain + 1  # offsets in TEXT count the "\n" after <TEXT>
        dct = ""
        if self.dct:
            dct = (f'<DCT><TIMEX3 tid="t0" type="DATE" value="{escape(self.dct)}" temporalFunction="false" '
                   f'functionInDocument="CREATION_TIME">{escape(self.dct[:10])}</TIMEX3></DCT>\n')
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<TimeML>\n<DOCID>{escape(self.docid)}</DOCID>\n'
                f"{dct}<TEXT>\n{''.join(parts)}\n</TEXT>\n</TimeML>\n")
        return text, region_end


def load_semeval(folder):
    docs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.tml"))):
        root = ET.parse(path).getroot()
        dct = root.find("DCT/TIMEX3")
        sentences, events = [], []
        for s in root.find("TEXT").iter("s"):
            toks = (s.text or "").split()
            for child in s:
                if child.tag == "EVENT":
                    words = (child.text or "").split()
                    if words:
                        events.append((len(sentences), len(toks), len(toks) + len(words) - 1, child.get("eid")))
                    toks += words
                else:
                    toks += "".join(child.itertext()).split()
                toks += (child.tail or "").split()
            sentences.append(toks)
        docs.append(Doc(os.path.basename(path), root.findtext("DOCID") or "",
                        dct.get("value") if dct is not None else None, sentences, events))
    return docs


def load_meantime(folder):
    docs, notes = [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        root = ET.parse(path).getroot()
        tokens = sorted(root.iter("token"), key=lambda t: int(t.get("t_id")))
        where, sentences, last = {}, [], None
        for t in tokens:
            if t.get("sentence") != last:
                sentences.append([])
                last = t.get("sentence")
            where[t.get("t_id")] = (len(sentences) - 1, len(sentences[-1]))
            sentences[-1].append(t.text or "")
        marks = root.find("Markables")
        anchored = [m for m in marks if m.find("token_anchor") is not None]
        furthest = max((where[a.get("t_id")][0] for m in anchored for a in m.iter("token_anchor")), default=0)
        region = max(MEANTIME_SENTENCES, furthest + 1)
        if furthest + 1 > MEANTIME_SENTENCES:
            notes.append(f"{os.path.basename(path)}: markables up to sentence {furthest}")
        region = min(region, len(sentences))
        mentions = []
        for m in marks:
            if m.tag != "EVENT_MENTION":
                continue
            ids = sorted(int(a.get("t_id")) for a in m.iter("token_anchor"))
            if ids:
                mentions.append((m, ids))
        cover = {}
        for _, ids in mentions:
            for i in ids:
                cover[i] = cover.get(i, 0) + 1
        events = []
        for m, ids in mentions:
            contiguous = ids == list(range(ids[0], ids[-1] + 1))
            if not contiguous and not m.get("pred") and all(cover[i] > 1 for i in ids):
                continue  # coordination aggregate
            run = [ids[0]]
            for i in ids[1:]:
                if i != run[-1] + 1:
                    break
                run.append(i)
            s, a = where[str(run[0])]
            s2, b = where[str(run[-1])]
            if s2 != s:
                sys.exit(f"eval_events_second: {path}: event {m.get('m_id')} crosses a sentence")
            events.append((s, a, b, f"e{m.get('m_id')}"))
        events.sort()
        for x, y in zip(events, events[1:]):
            if x[0] == y[0] and y[1] <= x[2]:
                sys.exit(f"eval_events_second: {path}: overlapping events {x[3]} {y[3]}")
        dct = [t.get("value") for t in marks.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME"]
        name = os.path.splitext(os.path.basename(path))[0] + ".tml"
        docs.append(Doc(name, root.get("doc_id") or "", dct[0] if dct else None, sentences, events, region))
    return docs, notes


def restrict(raw, region_end):
    """Unwrap the EVENTs starting at or after `region_end` and drop their MAKEINSTANCEs."""
    if region_end is None:
        return raw
    a, b = te3_scorer.text_bounds(raw)
    body = raw[a:b]
    spans = te3_scorer.element_spans(body, "EVENT", "eid")
    out, pos, gone = [], 0, set()
    for start, _, eid, m in spans:
        if start < region_end:
            continue
        close = body.index("</EVENT>", m.end())
        out.append(body[pos:m.start()])
        out.append(body[m.end():close])
        pos = close + len("</EVENT>")
        gone.add(eid)

    def instance(mi):
        ref = te3_scorer.EVENT_ID_REF.search(mi.group(0))
        return "" if ref and ref.group(1) in gone else mi.group(0)
    out.append(body[pos:])
    return raw[:a] + "".join(out) + te3_scorer.MAKEINSTANCE.sub(instance, raw[b:])


def evaluate(label, docs, work, args):
    for sub in ("input", "gold", "system", "scored"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    region = {}
    for d in docs:
        te3_events.write(os.path.join(work, "input", d.name), d.render(False)[0])
        gold, region[d.name] = d.render(True)
        te3_events.write(os.path.join(work, "gold", d.name), gold)
    expected = None
    if args.fake:
        expected = os.path.join(work, "expected.txt") if args.fake == "perturbed" else None
        te3_events.fake(args.fake, os.path.join(work, "gold"), os.path.join(work, "system"),
                        os.path.join(work, "expected.txt"), region)
    else:
        r = subprocess.run([ENTLINE, "timeml", os.path.join(work, "input"), "--out",
                            os.path.join(work, "system")] + args.entline, stdout=sys.stderr)
        if r.returncode != 0:
            sys.exit(f"eval_events_second: entline timeml failed ({r.returncode}) on {label}")
    te3_events.check(os.path.join(work, "input"), os.path.join(work, "system"))
    for d in docs:
        raw = te3_events.read(os.path.join(work, "system", d.name))
        te3_events.write(os.path.join(work, "scored", d.name), restrict(raw, region[d.name]))
    score = os.path.join(work, "score.txt")
    with open(score, "w") as out:
        r = subprocess.run([sys.executable, os.path.join(HERE, "te3_scorer.py"), SCORER,
                            os.path.join(work, "gold"), os.path.join(work, "scored"), "0"], stdout=out)
    if r.returncode != 0:
        sys.exit(f"eval_events_second: scorer failed on {label} (see {score})")
    return te3_events.summary(score, label, os.path.join(work, "gold"), os.path.join(work, "scored"),
                              expected, attributes=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=["semeval", "meantime"], action="append")
    p.add_argument("--keep", help="keep the work files in this directory (replaced)")
    p.add_argument("--fake", choices=["gold", "perturbed"])
    args, rest = p.parse_known_args()
    args.entline = [a for a in rest if a != "--"]
    corpora = args.corpus or ["semeval", "meantime"]
    for c, folder in (("semeval", SEMEVAL), ("meantime", MEANTIME)):
        if c in corpora and not os.path.isdir(folder):
            sys.exit(f"eval_events_second: {c} data not found at {os.path.normpath(folder)}")
    if not os.path.isfile(os.path.join(SCORER, "evaluate_entities.py")):
        sys.exit(f"eval_events_second: official scorer not found in {os.path.normpath(SCORER)}")
    if not args.fake and not os.access(ENTLINE, os.X_OK):
        sys.exit(f"eval_events_second: {ENTLINE} missing (run scripts/setup.sh)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if "semeval" in corpora:
            docs = load_semeval(SEMEVAL)
            n_s = sum(len(d.sentences) for d in docs)
            label = f"SemEval-2015 T4 trial ({len(docs)} docs, all {n_s} sentences; gold marks a subset, P is a lower bound)"
            ok &= evaluate(label, docs, os.path.join(tmp, "semeval"), args)
        if "meantime" in corpora:
            docs, notes = load_meantime(MEANTIME)
            for n in notes:
                print(f"eval_events_second: note: {n}", file=sys.stderr)
            scored = sum(d.region for d in docs)
            label = (f"MEANTIME Apple ({len(docs)} docs, annotated sentences 0-{MEANTIME_SENTENCES - 1}: "
                     f"{scored} of {sum(len(d.sentences) for d in docs)})")
            ok &= evaluate(label, docs, os.path.join(tmp, "meantime"), args)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(tmp, args.keep)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
