#!/usr/bin/env python3
"""Helpers of scripts/eval_events.sh and scripts/eval_events_second.py (TempEval-3 event evaluation
with the official scorer, run by scripts/te3_scorer.py).

    te3_events.py prepare TBAQ_DIR LIST OUT_DIR
        OUT_DIR/gold/SUB/F = the gold file, OUT_DIR/input/SUB/F = the entline input, for each SUB/F in
        LIST (comment lines start with #): TIMEX3/EVENT/SIGNAL tags stripped from TEXT and the
        MAKEINSTANCE/TLINK/SLINK/ALINK elements removed outside TEXT, every other character kept
        (left in, the gold MAKEINSTANCEs would give the system the gold tense/aspect/...).
    te3_events.py fake gold|perturbed GOLD_DIR SYSTEM_DIR [EXPECTED_FILE]
        a stand-in for `entline timeml`, in its output format, made from the gold: `gold` must score
        100; `perturbed` drops, shortens, reclassifies events and adds spurious ones, and writes the
        figures the scorer must print to EXPECTED_FILE.
    te3_events.py check INPUT_DIR SYSTEM_DIR
        well-formed XML, unchanged text content, and entline's event format (see check_format).
    te3_events.py summary SCORE_FILE LABEL GOLD_DIR SYSTEM_DIR [EXPECTED_FILE]
        one line from the scorer's "=== Event Performance ===" block.

The official scorer matches EVENTs by eid after te3_scorer.py's overlap alignment; it reads `class`
from the EVENT element and tense/aspect/pos/polarity/modality from the MAKEINSTANCE whose eventID is
the eid; it only sees `<EVENT ...>text</EVENT>` with no tag inside (an EVENT holding a TIMEX3, or a
TIMEX3 holding an EVENT, loses that element); strict match = identical text.
"""
import os
import re
import sys
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import te3_scorer  # noqa: E402

ANN = re.compile(r"</?(?:TIMEX3|EVENT|SIGNAL)\b[^>]*>")
LINKS = re.compile(r"<(MAKEINSTANCE|TLINK|SLINK|ALINK)\b(?:[^>]*/>|[^>]*>.*?</\1\s*>)", re.S)
MAKEINSTANCE = re.compile(r"<MAKEINSTANCE\b[^>]*>")
ATTR = re.compile(r'([A-Za-z_:]+)="([^"]*)"')
CLASSES = {"OCCURRENCE", "REPORTING", "STATE", "I_ACTION", "I_STATE", "ASPECTUAL", "PERCEPTION"}
VALUES = {
    "tense": {"PAST", "PRESENT", "FUTURE", "NONE", "INFINITIVE", "PRESPART", "PASTPART"},
    "aspect": {"PROGRESSIVE", "PERFECTIVE", "PERFECTIVE_PROGRESSIVE", "NONE"},
    "polarity": {"POS", "NEG"},
    "pos": {"ADJECTIVE", "NOUN", "VERB", "PREPOSITION", "OTHER", "UNKNOWN"},  # UNKNOWN: as in TBAQ
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def files_under(root):
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            yield os.path.relpath(os.path.join(d, f), root)


def strip_input(raw):
    """The entline input for a gold file: annotations out of TEXT, instances and links out of the rest."""
    a, b = te3_scorer.text_bounds(raw)
    return LINKS.sub("", raw[:a]) + ANN.sub("", raw[a:b]) + LINKS.sub("", raw[b:])


def read_list(path):
    return [line.strip() for line in open(path, encoding="utf-8")
            if line.strip() and not line.lstrip().startswith("#")]


def prepare(tbaq, listing, out):
    names = read_list(listing)
    missing = [n for n in names if not os.path.isfile(os.path.join(tbaq, n))]
    if missing:
        sys.exit(f"te3_events: {len(missing)} file(s) of {listing} not in {tbaq}, e.g. {missing[0]}")
    for n in names:
        raw = read(os.path.join(tbaq, n))
        a, b = te3_scorer.text_bounds(raw)
        if re.search(r"<EVENT\b", raw[:a] + raw[b:]):
            print(f"te3_events: warning: {n} has EVENTs outside TEXT (scored as gold, left in the input)",
                  file=sys.stderr)
        write(os.path.join(out, "gold", n), raw)
        write(os.path.join(out, "input", n), strip_input(raw))
    print(len(names))


# ---------------------------------------------------------------- stand-in system output

def instances(raw):
    """eventID -> attributes of its MAKEINSTANCE (the last one wins, as in the scorer)."""
    out = {}
    for mi in MAKEINSTANCE.findall(raw):
        attrs = dict(ATTR.findall(mi))
        if "eventID" in attrs:
            out[attrs["eventID"]] = attrs
    return out


def fake_system(gold_raw, mode, region_end=None):
    """entline-format output made from a gold file; returns (text, counts) where counts has the number
    of gold events and of the dropped/shortened/reclassified/retensed/spurious ones. Spurious events
    go on words outside every gold element (before `region_end`, an offset in the tag-free TEXT).
    A gold EVENT without class gets OCCURRENCE, one without MAKEINSTANCE tense/aspect NONE etc."""
    mis = instances(gold_raw)
    a, b = te3_scorer.text_bounds(gold_raw)
    body = gold_raw[a:b]
    n = {"gold": len(te3_scorer.gold_event_ids(gold_raw)), "dropped": 0, "short": 0, "class": 0,
         "tense": 0, "spurious": 0}
    default = {"tense": "NONE", "aspect": "NONE", "polarity": "POS", "pos": "OTHER"}
    made = []  # (k, MAKEINSTANCE attributes)
    out = []
    depth = plain = pos = i = words = 0

    def spurious(w, base):
        nonlocal words
        words += 1
        if words % 25 or (region_end is not None and base + w.end() > region_end):
            return w.group(0)
        n["spurious"] += 1
        made.append((len(made) + 1, {"tense": "NONE", "aspect": "NONE", "polarity": "POS", "pos": "NOUN"}))
        return f'<EVENT eid="e{len(made)}" class="OCCURRENCE">{w.group(0)}</EVENT>'

    for m in re.finditer(r"<[^>]*>", body):
        if m.start() < pos:  # inside an event already copied
            continue
        seg = body[pos:m.start()]
        if depth == 0 and mode == "perturbed":
            seg = re.sub(r"(?<![&#\w])[A-Za-z]{4,}(?![\w;])", lambda w: spurious(w, plain), seg)
        out.append(seg)
        plain += m.start() - pos
        pos = m.end()
        tag = m.group(0)
        if tag.startswith("<SIGNAL") or tag.startswith("</SIGNAL"):
            continue
        if not tag.startswith("<EVENT"):
            if tag.startswith("<TIMEX3") and not tag.endswith("/>"):
                depth += 1
            elif tag.startswith("</TIMEX3") or tag.startswith("</EVENT"):
                depth -= 1
            out.append(tag)
            continue
        attrs = dict(ATTR.findall(tag))
        close = body.index("</EVENT>", m.end())
        inner = body[m.end():close]
        i += 1
        if mode == "perturbed" and i % 10 == 3:
            n["dropped"] += 1
            out.append(re.sub(r"<[^>]*>", "", inner))
            plain += len(re.sub(r"<[^>]*>", "", inner))
            pos = close + len("</EVENT>")
            continue
        cls = attrs.get("class", "OCCURRENCE")
        mi = {key: v for key, v in mis.get(attrs.get("eid"), default).items()
              if key in ("tense", "aspect", "polarity", "pos", "modality")}
        if mode == "perturbed" and i % 10 == 7:
            cls = "STATE" if cls == "OCCURRENCE" else "OCCURRENCE"
            n["class"] += 1
        if mode == "perturbed" and i % 10 == 1:
            mi["tense"] = "PRESENT" if mi.get("tense") == "PAST" else "PAST"
            n["tense"] += 1
        made.append((len(made) + 1, mi))
        out.append(f'<EVENT eid="e{len(made)}" class="{cls}">')
        if mode == "perturbed" and i % 10 == 5 and re.fullmatch(r"[^<&\s]{2,}", inner):
            n["short"] += 1
            out.append(inner[:-1] + "</EVENT>" + inner[-1:])
            plain += len(inner)
            pos = close + len("</EVENT>")
            continue
        depth += 1
    out.append(body[pos:])
    rest = LINKS.sub("", gold_raw[b:])
    made_mi = "".join(
        f'<MAKEINSTANCE eiid="ei{k}" eventID="e{k}"' + "".join(f' {key}="{v}"' for key, v in attrs.items()) + "/>"
        for k, attrs in made)
    close = rest.rindex("</TimeML>")
    text = LINKS.sub("", gold_raw[:a]) + "".join(out) + rest[:close] + made_mi + rest[close:]
    return text, n


def expected_line(total):
    """The Event Performance figures the scorer must print for a perturbed stand-in."""
    gold = total["gold"]
    matched = gold - total["dropped"]
    system = matched + total["spurious"]
    strict = matched - total["short"]

    def f(p, r):
        return 0 if p + r == 0 else 2.0 * p * r / (p + r)
    rp, rr = matched / system, matched / gold
    sp, sr = strict / system, strict / gold
    rf = f(rp, rr)
    cls = (matched - total["class"]) / matched * rf
    tense = (matched - total["tense"]) / matched * rf
    vals = [f(sp, sr), sp, sr, rf, rp, rr, cls, tense, rf]
    return " ".join(str(round(v * 100, 2)) for v in vals)


def fake(mode, gold_dir, sys_dir, expected=None, region=None):
    total = {}
    for rel in files_under(gold_dir):
        end = region.get(rel) if region else None
        text, n = fake_system(read(os.path.join(gold_dir, rel)), mode, end)
        write(os.path.join(sys_dir, rel), text)
        for k, v in n.items():
            total[k] = total.get(k, 0) + v
    if expected:
        write(expected, expected_line(total) + "\n")
    return total


# ---------------------------------------------------------------- output check

def dom_text(node):
    return "".join(dom_text(c) for c in node.childNodes) if node.childNodes else (
        node.data if node.nodeType in (3, 4) else "")


def check_format(inp, out):
    """Problems with entline's output `out` for the input `inp`, beyond well-formedness: anything but
    EVENT/TIMEX3 tags inserted in TEXT and MAKEINSTANCEs inserted right before </TimeML>; EVENT
    without a fresh unique eid e<N> or a TimeML class; MAKEINSTANCE not one per EVENT, without a unique
    eiid, or with a tense/aspect/polarity/pos outside TimeML's values; an EVENT the scorer cannot see
    (tag inside it, inside a TIMEX3, blank or space-padded text)."""
    probs = []
    sa, sb = te3_scorer.text_bounds(out)
    body = out[sa:sb]
    head_tail = out[:sa] + "\0" + out[sb:]
    ins = MAKEINSTANCE.findall(head_tail)
    stripped_text = re.sub(r"</?(?:EVENT|TIMEX3)\b[^>]*>", "", body)
    ia, ib = te3_scorer.text_bounds(inp)
    if stripped_text != re.sub(r"</?(?:EVENT|TIMEX3)\b[^>]*>", "", inp[ia:ib]) or \
            MAKEINSTANCE.sub("", head_tail) != inp[:ia] + "\0" + inp[ib:]:
        probs.append("characters other than EVENT/TIMEX3 tags in TEXT and MAKEINSTANCEs changed")
    run = re.search(r"((?:<MAKEINSTANCE\b[^>]*/>)*)</TimeML>", out)
    if len(MAKEINSTANCE.findall(run.group(1) if run else "")) != len(ins):
        probs.append("MAKEINSTANCEs not all together right before </TimeML>")
    eids = []
    for m in re.finditer(r"<EVENT\b([^>]*)>", body):
        attrs = dict(ATTR.findall(m.group(1)))
        eids.append(attrs.get("eid"))
        if attrs.get("class") not in CLASSES:
            probs.append(f"EVENT {attrs.get('eid')}: class {attrs.get('class')!r}")
    if len(set(eids)) != len(eids) or not all(e and re.fullmatch(r"e\d+", e) for e in eids):
        probs.append("EVENT eids not unique e<N>")
    in_ids = set(re.findall(r'\beid="([^"]*)"', inp))
    if in_ids & set(eids):
        probs.append("EVENT eids reuse ids of the input")
    seen, eiids = {}, []
    for mi in ins:
        attrs = dict(ATTR.findall(mi))
        eiids.append(attrs.get("eiid"))
        seen[attrs.get("eventID")] = seen.get(attrs.get("eventID"), 0) + 1
        for key, allowed in VALUES.items():
            if attrs.get(key) not in allowed:
                probs.append(f"MAKEINSTANCE {attrs.get('eiid')}: {key} {attrs.get(key)!r}")
        if "modality" in attrs and not attrs["modality"].strip():
            probs.append(f"MAKEINSTANCE {attrs.get('eiid')}: empty modality")
    if len(set(eiids)) != len(eiids) or None in eiids:
        probs.append("MAKEINSTANCE eiids missing or not unique")
    if sorted(seen) != sorted(eids) or any(v != 1 for v in seen.values()):
        probs.append("not exactly one MAKEINSTANCE (eventID) per EVENT")
    visible = set(re.findall(r'<EVENT\b[^>]*?\beid="([^"]*)"[^>]*>[^<]*</EVENT>', body))
    if len(visible) != len(set(eids)):
        probs.append(f"{len(set(eids)) - len(visible)} EVENT(s) holding a tag (invisible to the scorer)")
    for t in re.finditer(r"<TIMEX3\b[^>]*>(.*?)</TIMEX3>", body, re.S):
        if "<EVENT" in t.group(1):
            probs.append("EVENT inside a TIMEX3 (the scorer then loses the TIMEX3)")
    for e in re.finditer(r"<EVENT\b[^>]*>([^<]*)</EVENT>", body):
        if not e.group(1).strip() or e.group(1) != e.group(1).strip():
            probs.append(f"EVENT text {e.group(1)!r} blank or space-padded")
    return probs


def check(inp_dir, sys_dir, quiet=False):
    """Print one check line (and the problems) to stderr; return the number of bad files."""
    bad = n = events = 0
    shown = 0
    for rel in files_under(inp_dir):
        n += 1
        probs = []
        try:
            a = xml.dom.minidom.parse(os.path.join(inp_dir, rel))
            b = xml.dom.minidom.parse(os.path.join(sys_dir, rel))
            if dom_text(a.documentElement) != dom_text(b.documentElement):
                probs.append("text differs")
            else:
                out = read(os.path.join(sys_dir, rel))
                events += len(re.findall(r"<EVENT\b", out[slice(*te3_scorer.text_bounds(out))]))
                probs += check_format(read(os.path.join(inp_dir, rel)), out)
        except Exception as e:  # not well-formed, or missing
            probs.append(str(e))
        if probs:
            bad += 1
            for p in probs[:5]:
                if shown < 12:
                    print(f"  {rel}: {p}", file=sys.stderr)
                    shown += 1
    if not quiet:
        print(f"output check: {n - bad}/{n} files well-formed, same text, entline event format "
              f"({events} EVENTs)", file=sys.stderr)
    return bad


# ---------------------------------------------------------------- summary

def event_block(score_file):
    lines = read(score_file).split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("=== Event Performance"))
    strict = lines[i + 2].split()
    relaxed = lines[i + 4].split()
    attrs = lines[i + 6].split()
    return strict, relaxed, attrs


def count_events(d, gold):
    n = 0
    for rel in files_under(d):
        raw = read(os.path.join(d, rel))
        if gold:
            n += len(te3_scorer.gold_event_ids(raw))
        else:
            n += len(re.findall(r"<EVENT\b", raw[slice(*te3_scorer.text_bounds(raw))]))
    return n


def summary(score_file, label, gold_dir, sys_dir, expected=None, attributes=True):
    strict, relaxed, attrs = event_block(score_file)
    got = " ".join(strict + relaxed + attrs)
    f = lambda v: f"{float(v):6.2f}"  # noqa: E731
    line = (f"{label} events: relaxed F1 {f(relaxed[0])} (P {f(relaxed[1])} R {f(relaxed[2])})"
            f"  strict F1 {f(strict[0])}")
    if attributes:
        acc = 100 * float(attrs[0]) / float(relaxed[0]) if float(relaxed[0]) else 0.0
        line += (f"  class F1 {f(attrs[0])} (acc {acc:.2f})  tense F1 {f(attrs[1])}"
                 f"  aspect F1 {f(attrs[2])}")
    line += f"  [gold {count_events(gold_dir, True)}, system {count_events(sys_dir, False)}]"
    if expected:
        want = read(expected).strip()
        if not attributes:
            got, want = " ".join(got.split()[:6]), " ".join(want.split()[:6])
        line += "  [figures as expected]" if got == want else f"  [MISMATCH: expected {want}, got {got}]"
    print(line)
    return not expected or got == want


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "prepare" and len(args) == 3:
        prepare(*args)
    elif cmd == "fake" and len(args) in (3, 4):
        if args[0] not in ("gold", "perturbed"):
            sys.exit("te3_events fake: mode is gold or perturbed")
        fake(*args)
    elif cmd == "check" and len(args) == 2:
        check(*args)
    elif cmd == "summary" and len(args) in (4, 5):
        sys.exit(0 if summary(*args) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
