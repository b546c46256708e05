#!/usr/bin/env python3
"""Second development set of entline's temporal tagger: TempEval-3 TIMEX3 measures (strict/relaxed
span F1, type accuracy, value F1; the official scorer) on MEANTIME Apple, in the format of the TBAQ
summary of scripts/eval_timex.sh.

    scripts/eval_timex_meantime.py [--keep DIR] [--fake gold|perturbed] [--no-dateline]
                                   [--] [extra `entline timeml` options]
    scripts/eval_timex.sh --meantime [extra options]     (runs this after the TBAQ summary)

Corpus (read-only): ../shared/data/meantime/intra-doc/corpus_apple/*.xml, 30 Wikinews articles in
NewsReader CAT XML. The TimeML input of each document is the one scripts/eval_events_second.py makes
(imported, not copied: same detokenized text, sentences separated by a blank line, DCT element = the
TIMEX3 with functionInDocument CREATION_TIME); the gold file has the same text with the document's
TIMEX3 markables as <TIMEX3 tid type value> (MEANTIME's value as is). Only the first sentences are
annotated (title, dateline and four sentences: sentences 0-5 in every document; region computed as
in eval_events_second.py), so system TIMEX3 starting after that region are unwrapped before scoring.

MEANTIME specifics that shape the figures:
  * The CREATION_TIME markable is anchored to the dateline tokens ("June 6 , 2005", sentence 1), so
    it is a gold TIMEX3 of the text (besides the DCT element, which the scorer ignores as tid t0):
    30 of the gold expressions are datelines. --no-dateline leaves them out of the gold and unwraps
    the system TIMEX3 overlapping a dateline (body expressions only).
  * Markables without token anchors (the implicit begin/end points of durations, e.g. '1995-06-06'
    for "the past decade") are not in the text and are not scored.
  * Values are MEANTIME's: anchored expressions carry their resolved value (anchorTimeID is only
    provenance), no `mod` attribute ('early 2009' = 2009, 'the beginning of the year' = 2008), a few
    non-ISO values (FY2007, PM6 for P6M, 'PXD' with type DATE, '200' for a decade), a wrong week
    ('this week' 2006-W14 for a DCT in 2006-W13), and 'now' once PRESENT_REF, once the DCT date.

--keep DIR keeps input/, gold/, system/, scored/ and score.txt; --fake replaces entline by a stand-in
made from the gold (gold must give 100 everywhere; perturbed drops, shortens, retypes, revalues and
adds expressions, inside and after the annotated region, and must give the figures computed here in
advance), to check the chain without the binary. Exit status 1 if a fake check fails.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.dom.minidom
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eval_events_second as second  # noqa: E402
import te3_events  # noqa: E402
import te3_scorer  # noqa: E402

MEANTIME = second.MEANTIME
SCORER = second.SCORER
ENTLINE = second.ENTLINE
MARK = re.compile(r'<EVENT eid="([^"]*)">|</EVENT>')


def token_positions(root):
    """t_id -> (sentence index, token index), exactly as eval_events_second.load_meantime counts."""
    tokens = sorted(root.iter("token"), key=lambda t: int(t.get("t_id")))
    where, s, i, last = {}, -1, 0, None
    for t in tokens:
        if t.get("sentence") != last:
            s, i, last = s + 1, 0, t.get("sentence")
        where[t.get("t_id")] = (s, i)
        i += 1
    return where


def load(no_dateline=False):
    """[(Doc, {key: (type, value, text)}, dateline key or None)], notes."""
    docs, notes = second.load_meantime(MEANTIME)
    by_name = {d.name: d for d in docs}
    out = []
    for path in sorted(glob.glob(os.path.join(MEANTIME, "*.xml"))):
        name = os.path.splitext(os.path.basename(path))[0] + ".tml"
        base = by_name[name]
        where = token_positions(ET.parse(path).getroot())
        spans, attrs, dateline = [], {}, None
        for t in ET.parse(path).getroot().iter("TIMEX3"):
            ids = sorted(int(a.get("t_id")) for a in t.iter("token_anchor"))
            if not ids:
                continue  # implicit point (begin/end of a duration): not in the text
            if ids != list(range(ids[0], ids[-1] + 1)):
                sys.exit(f"eval_timex_meantime: {path}: discontinuous TIMEX3 {t.get('m_id')}")
            (s, a), (s2, b) = where[str(ids[0])], where[str(ids[-1])]
            if s != s2:
                sys.exit(f"eval_timex_meantime: {path}: TIMEX3 {t.get('m_id')} crosses a sentence")
            key = f"t{t.get('m_id')}"
            text = " ".join(base.sentences[s][a:b + 1])
            if t.get("functionInDocument") == "CREATION_TIME":
                dateline = (s, a, b)
                if no_dateline:
                    continue
            spans.append((s, a, b, key))
            attrs[key] = (t.get("type") or "", t.get("value") or "", text)
        spans.sort()
        for x, y in zip(spans, spans[1:]):
            if x[0] == y[0] and y[1] <= x[2]:
                sys.exit(f"eval_timex_meantime: {path}: overlapping TIMEX3 {x[3]} {y[3]}")
        doc = second.Doc(name, base.docid, base.dct, base.sentences, spans, base.region)
        out.append((doc, attrs, dateline))
    return out, notes


def render(doc, attrs):
    """(TimeML with TIMEX3 elements for doc.events, region end): Doc.render's EVENT tags renamed."""
    raw, region_end = doc.render(True)

    def tag(m):
        if m.group(1) is None:
            return "</TIMEX3>"
        typ, value = attrs[m.group(1)][:2]
        return f'<TIMEX3 tid="{m.group(1)}" type={quoteattr(typ)} value={quoteattr(value)}>'
    a, b = te3_scorer.text_bounds(raw)
    return raw[:a] + MARK.sub(tag, raw[a:b]) + raw[b:], region_end


def plain_offset(doc, s, t):
    """Offset in the tag-free TEXT (counting the newline after <TEXT>) where token t of sentence s starts."""
    pos = 1
    for si, toks in enumerate(doc.sentences):
        if si:
            pos += 2
        for ti, (sep, tok) in enumerate(zip(*second.detokenize(toks))):
            pos += len(sep)
            if (si, ti) == (s, t):
                return pos
            pos += len(escape(tok))
    raise IndexError((s, t))


def restrict(raw, region_end, dateline=None):
    """Unwrap the system TIMEX3 starting at or after `region_end`, and those overlapping `dateline`
    (a (start, end) offset pair) when given."""
    a, b = te3_scorer.text_bounds(raw)
    body = raw[a:b]
    out, pos = [], 0
    for start, end, _, m in te3_scorer.timex_spans(body):
        inside = region_end is None or start < region_end
        if inside and not (dateline and start < dateline[1] and dateline[0] < end):
            continue
        close = body.index("</TIMEX3>", m.end())
        out.append(body[pos:m.start()])
        out.append(body[m.end():close])
        pos = close + len("</TIMEX3>")
    out.append(body[pos:])
    return raw[:a] + "".join(out) + raw[b:]


# ---------------------------------------------------------------- stand-in system output

def fake(mode, items, sys_dir):
    """Write a stand-in system output per document (every gold TIMEX3, or perturbed: every 7th
    dropped, shortened by a token, retyped, revalued; a spurious one on every 40th free word, also
    after the annotated region). Returns the Timex Performance figures the scorer must print."""
    n = {"gold": 0, "dropped": 0, "short": 0, "type": 0, "value": 0, "spurious": 0}
    i = 0
    other = {"DATE": "DURATION", "DURATION": "DATE", "TIME": "DATE", "SET": "DURATION"}
    for doc, attrs, dateline in items:
        spans, sys_attrs = [], {}
        for s, a, b, key in doc.events:
            i += 1
            n["gold"] += 1
            typ, value, _ = attrs[key]
            if mode == "perturbed":
                if i % 7 == 3:
                    n["dropped"] += 1
                    continue
                if i % 7 == 5 and b > a:
                    n["short"] += 1
                    b -= 1
                if i % 7 == 1:
                    n["type"] += 1
                    typ = other.get(typ, "DATE")
                if i % 7 == 6:
                    n["value"] += 1
                    value += "X"
            spans.append((s, a, b, key))
            sys_attrs[key] = (typ, value)
        if mode == "perturbed":
            taken = {(s, t) for s, a, b, _ in doc.events for t in range(a, b + 1)}
            if dateline:  # never on the dateline (--no-dateline unwraps what overlaps it)
                taken |= {(dateline[0], t) for t in range(dateline[1], dateline[2] + 1)}
            words = 0
            for s, toks in enumerate(doc.sentences):
                for t, tok in enumerate(toks):
                    if (s, t) in taken or not re.fullmatch(r"[A-Za-z]{4,}", tok):
                        continue
                    words += 1
                    if words % 40 == 0:
                        spans.append((s, t, t, f"x{s}_{t}"))
                        sys_attrs[f"x{s}_{t}"] = ("DATE", "XXXX")
                        if doc.region is None or s < doc.region:
                            n["spurious"] += 1
            spans.sort()
        stand_in = second.Doc(doc.name, doc.docid, doc.dct, doc.sentences, spans, doc.region)
        raw, _ = render(stand_in, {k: v + ("",) for k, v in sys_attrs.items()})
        te3_events.write(os.path.join(sys_dir, doc.name), raw)
    matched = n["gold"] - n["dropped"]
    system = matched + n["spurious"]
    strict = matched - n["short"]

    def f(p, r):
        return 0 if p + r == 0 else 2.0 * p * r / (p + r)
    rp, rr, sp, sr = matched / system, matched / n["gold"], strict / system, strict / n["gold"]
    rf = f(rp, rr)
    vals = [f(sp, sr), sp, sr, rf, rp, rr,
            (matched - n["value"]) / matched * rf, (matched - n["type"]) / matched * rf]
    return " ".join(str(round(v * 100, 2)) for v in vals), n


# ---------------------------------------------------------------- checks and summary

def dom_text(path):
    return te3_events.dom_text(xml.dom.minidom.parse(path).documentElement)


def output_check(inp_dir, sys_dir, report=True):
    """The eval_timex.sh check: every output well-formed XML with the input's text content (its line
    on stdout, as there); returns the number of bad files."""
    bad = n = 0
    for f in sorted(os.listdir(inp_dir)):
        n += 1
        try:
            if dom_text(os.path.join(inp_dir, f)) != dom_text(os.path.join(sys_dir, f)):
                bad += 1
                print(f"text differs: {f}", file=sys.stderr)
        except Exception as e:  # not well-formed, or missing
            bad += 1
            print(f"{f}: {e}", file=sys.stderr)
    if report:
        print(f"output check: {n - bad}/{n} files well-formed with unchanged text content", flush=True)
    return bad


def timex_block(score_file):
    lines = te3_events.read(score_file).split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("=== Timex Performance"))
    strict = lines[i + 2].split()
    relaxed = lines[i + 4].split()
    value, typ = lines[i + 6].split()
    return strict, relaxed, value, typ


def count_timex(d):
    n = 0
    for f in os.listdir(d):
        raw = te3_events.read(os.path.join(d, f))
        n += len(re.findall(r"<TIMEX3\b", raw[slice(*te3_scorer.text_bounds(raw))]))
    return n


def summary(score_file, title, expected=None):
    """The TBAQ summary of eval_timex.sh, same lines, for this corpus; True unless a fake check fails."""
    strict, relaxed, value, typ = timex_block(score_file)
    acc = 100 * float(typ) / float(relaxed[0]) if float(relaxed[0]) else 0.0
    print(title)
    print(f"strict span   F1 {strict[0]:>6}  P {strict[1]:>6}  R {strict[2]:>6}")
    print(f"relaxed span  F1 {relaxed[0]:>6}  P {relaxed[1]:>6}  R {relaxed[2]:>6}")
    print(f"type accuracy    {acc:6.2f}  (type F1 {typ})")
    print(f"value F1         {value:>6}")
    if expected is None:
        return True
    got = " ".join(strict[:3] + relaxed[:3] + [value, typ])
    ok = got == expected
    print("self-check: figures as expected" if ok else f"self-check: MISMATCH: expected {expected}, got {got}")
    return ok


def evaluate(work, args):
    for sub in ("input", "gold", "system", "scored"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    items, notes = load(args.no_dateline)
    for note in notes:
        print(f"eval_timex_meantime: note: {note}", file=sys.stderr)
    region = {}
    for doc, attrs, _ in items:
        te3_events.write(os.path.join(work, "input", doc.name), doc.render(False)[0])
        gold, region[doc.name] = render(doc, attrs)
        te3_events.write(os.path.join(work, "gold", doc.name), gold)
    if output_check(os.path.join(work, "input"), os.path.join(work, "gold"), report=False):
        sys.exit("eval_timex_meantime: gold files do not have the input's text")
    expected = None
    if args.fake:
        expected, counts = fake(args.fake, items, os.path.join(work, "system"))
        print(f"eval_timex_meantime: stand-in {args.fake}: {counts}", file=sys.stderr)
    else:
        r = subprocess.run([ENTLINE, "timeml", os.path.join(work, "input"), "--out",
                            os.path.join(work, "system")] + args.entline, stdout=sys.stderr)
        if r.returncode != 0:
            sys.exit(f"eval_timex_meantime: entline timeml failed ({r.returncode})")
    output_check(os.path.join(work, "input"), os.path.join(work, "system"))
    for doc, _, dateline in items:
        raw = te3_events.read(os.path.join(work, "system", doc.name))
        span = None
        if args.no_dateline and dateline:
            s, a, b = dateline
            start = plain_offset(doc, s, a)
            span = (start, plain_offset(doc, s, b) + len(escape(doc.sentences[s][b])))
        te3_events.write(os.path.join(work, "scored", doc.name), restrict(raw, region[doc.name], span))
    score = os.path.join(work, "score.txt")
    with open(score, "w") as out:
        r = subprocess.run([sys.executable, os.path.join(HERE, "te3_scorer.py"), SCORER,
                            os.path.join(work, "gold"), os.path.join(work, "scored"), args.debug], stdout=out)
    if r.returncode != 0:
        sys.exit(f"eval_timex_meantime: scorer failed (see {score})")
    n_gold = count_timex(os.path.join(work, "gold"))
    n_sys = count_timex(os.path.join(work, "scored"))
    scored = sum(d.region for d, _, _ in items)
    total = sum(len(d.sentences) for d, _, _ in items)
    what = "without datelines" if args.no_dateline else "datelines included"
    title = (f"TempEval-3 TIMEX3 on MEANTIME Apple (official scorer; {len(items)} docs, annotated sentences "
             f"{scored} of {total}, {what}; gold {n_gold}, system {n_sys})")
    if args.fake:
        title += f" [stand-in: {args.fake}]"
    return summary(score, title, expected)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keep", help="keep the work files in this directory (replaced)")
    p.add_argument("--fake", choices=["gold", "perturbed"])
    p.add_argument("--no-dateline", action="store_true",
                   help="score body expressions only (no dateline in gold or system)")
    args, rest = p.parse_known_args()
    args.entline = [a for a in rest if a != "--"]
    args.debug = os.environ.get("TE3_DEBUG", "0")
    if not os.path.isdir(MEANTIME):
        sys.exit(f"eval_timex_meantime: MEANTIME not found at {os.path.normpath(MEANTIME)}")
    if not os.path.isfile(os.path.join(SCORER, "evaluate_entities.py")):
        sys.exit(f"eval_timex_meantime: official scorer not found in {os.path.normpath(SCORER)}")
    if not args.fake and not os.access(ENTLINE, os.X_OK):
        sys.exit(f"eval_timex_meantime: {ENTLINE} missing (run scripts/setup.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        ok = evaluate(tmp, args)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(tmp, args.keep)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
