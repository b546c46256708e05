#!/usr/bin/env python3
"""Run the official TempEval-3 entity scorer (Python 2 era) under Python 3 without changing its
metric: the scorer folder is copied to a temporary place and only its Python 2 syntax is ported
(print statements → print(), `commands` → `subprocess`, tabs expanded as Python 2 read them).

Alignment: this scorer matches system and gold TIMEX3 by `tid` and EVENT by `eid` (its
token-alignment path, evaluate_two_files2, is dead code). A system cannot know the gold ids, so
before scoring each system TIMEX3 is renamed to the tid of the gold TIMEX3 its text overlaps
(TempEval-3's relaxed match: any overlap; first come, first served) and every other one to a fresh
tid that no gold TIMEX3 has. EVENTs likewise: each system EVENT (document order) takes the eid of
the first not yet taken gold EVENT its text overlaps, else a fresh eid ("esysN") that no gold EVENT
or MAKEINSTANCE has; the `eventID` of the system's MAKEINSTANCEs is renamed with the same mapping
(a MAKEINSTANCE whose eventID names no system EVENT gets a fresh id of its own; eiids are left as
they are, so they stay unique if they were). Strict match (identical text), type, value, class,
tense, aspect... are then judged by the scorer itself. A system file without EVENT elements is
left exactly as the TIMEX3 renaming made it.

    python3 scripts/te3_scorer.py SCORER_DIR GOLD_DIR SYSTEM_DIR [DEBUG_LEVEL]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def port(src):
    out = []
    for line in src.expandtabs(8).split("\n"):
        m = re.match(r"^(\s*)print\s*$", line)
        if m:
            out.append(f"{m.group(1)}print()")
            continue
        m = re.match(r"^(\s*)print\s+(.*?)\s*$", line)
        if m and not m.group(2).startswith("("):
            out.append(f"{m.group(1)}print({m.group(2)})")
            continue
        out.append(line)
    s = "\n".join(out)
    s = s.replace("import commands", "import subprocess as commands")
    return s


TIMEX = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.S)
TAG = re.compile(r"<[^>]*>")


def timex_spans(text):
    """(start, end, tid, match) of each TIMEX3 in TEXT, offsets in the tag-free text."""
    return element_spans(text, "TIMEX3", "tid")


def element_spans(text, name, id_attr):
    """(start, end, id, match) of each `name` element in TEXT, offsets in the tag-free text."""
    spans, plain, pos = [], 0, 0
    for m in TAG.finditer(text):
        plain += m.start() - pos
        pos = m.end()
        if m.group(0).startswith(f"<{name}"):
            ident = re.search(rf'{id_attr}="([^"]*)"', m.group(0))
            close = text.index(f"</{name}>", m.end())
            inner = TAG.sub("", text[m.end():close])
            spans.append([plain, plain + len(inner), ident.group(1) if ident else "", m])
    return spans


def text_bounds(raw):
    a = raw.index("<TEXT>") + len("<TEXT>")
    return a, raw.index("</TEXT>", a)


EVENT_ID = re.compile(r'\beid="[^"]*"')
MAKEINSTANCE = re.compile(r"<MAKEINSTANCE\b[^>]*>")
EVENT_ID_REF = re.compile(r'\beventID="([^"]*)"')


def gold_event_ids(gold_raw):
    """Every id the scorer files a gold event under: EVENT eids and MAKEINSTANCE eventIDs."""
    ids = set(re.findall(r'<EVENT\b[^>]*?\beid="([^"]*)"', gold_raw))
    for mi in MAKEINSTANCE.findall(gold_raw):
        ids.update(EVENT_ID_REF.findall(mi))
    return ids


def align_events(gold, taken, sys_raw):
    """Rename the system EVENT eids and MAKEINSTANCE eventIDs of `sys_raw` after `gold`, a list of
    (eid, [(start, end), ...]) in document order (offsets in the tag-free TEXT), first come first
    served; unmatched system events get fresh ids not in `taken`."""
    sa, sb = text_bounds(sys_raw)
    body = sys_raw[sa:sb]
    system = element_spans(body, "EVENT", "eid")
    if not system:
        return sys_raw
    counter = [0]

    def fresh():
        while True:
            counter[0] += 1
            new = f"esys{counter[0]}"
            if new not in taken:
                return new

    used, rename, out, pos = set(), {}, [], 0
    for s in system:
        new = None
        for eid, pieces in gold:
            if eid not in used and any(a < s[1] and s[0] < b for a, b in pieces):
                new = eid
                used.add(new)
                break
        if new is None:
            new = fresh()
        rename.setdefault(s[2], new)
        m = s[3]
        tag = m.group(0)
        tag = EVENT_ID.sub(f'eid="{new}"', tag) if EVENT_ID.search(tag) else tag.replace("<EVENT", f'<EVENT eid="{new}"', 1)
        out.append(body[pos:m.start()])
        out.append(tag)
        pos = m.end()
    out.append(body[pos:])

    def instance(m):
        old = EVENT_ID_REF.search(m.group(0))
        if not old:
            return m.group(0)
        if old.group(1) not in rename:
            rename[old.group(1)] = fresh()
        return EVENT_ID_REF.sub(f'eventID="{rename[old.group(1)]}"', m.group(0))

    return (MAKEINSTANCE.sub(instance, sys_raw[:sa]) + "".join(out)
            + MAKEINSTANCE.sub(instance, sys_raw[sb:]))


def align(gold_raw, sys_raw):
    def text_of(raw):
        a = raw.index("<TEXT>") + len("<TEXT>")
        return a, raw.index("</TEXT>", a)
    ga, gb = text_of(gold_raw)
    sa, sb = text_of(sys_raw)
    gold = timex_spans(gold_raw[ga:gb])
    system = timex_spans(sys_raw[sa:sb])
    used, fresh, out, pos = set(), 0, [], 0
    body = sys_raw[sa:sb]
    for s in system:
        new = None
        for g in gold:
            if g[2] not in used and g[0] < s[1] and s[0] < g[1]:
                new = g[2]
                used.add(new)
                break
        if new is None:
            fresh += 1
            new = f"tsys{fresh}"
        m = s[3]
        tag = re.sub(r'tid="[^"]*"', f'tid="{new}"', m.group(0))
        out.append(body[pos:m.start()])
        out.append(tag)
        pos = m.end()
    out.append(body[pos:])
    sys_raw = sys_raw[:sa] + "".join(out) + sys_raw[sb:]
    gold_events = [(g[2], [(g[0], g[1])]) for g in element_spans(gold_raw[ga:gb], "EVENT", "eid")]
    return align_events(gold_events, gold_event_ids(gold_raw), sys_raw)


def align_tree(gold_dir, sys_dir, dest):
    for root, _, files in os.walk(sys_dir):
        rel = os.path.relpath(root, sys_dir)
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        for f in files:
            sys_raw = open(os.path.join(root, f), encoding="utf-8").read()
            gold_path = os.path.join(gold_dir, rel, f)
            if os.path.exists(gold_path):
                sys_raw = align(open(gold_path, encoding="utf-8").read(), sys_raw)
            with open(os.path.join(dest, rel, f), "w", encoding="utf-8") as out:
                out.write(sys_raw)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    scorer, gold, system = sys.argv[1:4]
    debug = sys.argv[4] if len(sys.argv) > 4 else "0"
    with tempfile.TemporaryDirectory() as tmp:
        for f in os.listdir(scorer):
            shutil.copy(os.path.join(scorer, f), tmp)
        path = os.path.join(tmp, "evaluate_entities.py")
        with open(path, encoding="latin-1") as f:
            src = f.read()
        with open(path, "w", encoding="latin-1") as f:
            f.write(port(src))
        os.chmod(os.path.join(tmp, "tokenize.pl"), 0o755)
        aligned = os.path.join(tmp, "aligned")
        if os.path.isdir(system):
            align_tree(gold, system, aligned)
        else:
            os.makedirs(aligned)
            aligned = os.path.join(aligned, os.path.basename(system))
            with open(aligned, "w", encoding="utf-8") as out:
                out.write(align(open(gold, encoding="utf-8").read(), open(system, encoding="utf-8").read()))
        r = subprocess.run([sys.executable, path, os.path.abspath(gold), aligned, debug],
                           cwd=tmp, capture_output=True, text=True, errors="replace")
        sys.stdout.write(r.stdout)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.exit(r.returncode)


if __name__ == "__main__":
    main()
