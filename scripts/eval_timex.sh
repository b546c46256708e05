#!/usr/bin/env bash
# TempEval-3 evaluation of entline's temporal tagger on TBAQ-cleaned (TimeBank + AQUAINT):
#   scripts/eval_timex.sh [--meantime] [TBAQ_DIR] [extra `entline timeml` options]
# Input = the gold files with TIMEX3/EVENT/SIGNAL tags stripped from TEXT (the DCT is kept);
# scored by the official scorer in ../shared/data/tempeval3/evaluation-entities (run under Python 3
# by scripts/te3_scorer.py). Prints strict/relaxed span F1, type accuracy and value F1.
#   --meantime       then the same summary on MEANTIME Apple (annotated sentences only), by
#                    scripts/eval_timex_meantime.py with the same extra options (see its --help;
#                    `scripts/eval_timex_meantime.py --fake gold` checks that chain without entline)
#   TE3_KEEP=dir     keep the gold/input/system/score files in dir (dir-meantime for --meantime)
#   TE3_DEBUG=level  scorer debug level (output kept in score.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA="$ROOT/../shared/data/tempeval3"
TBAQ="$DATA/TBAQ-cleaned"
MEANTIME=0
if [ "${1:-}" = "--meantime" ]; then MEANTIME=1; shift; fi
if [ $# -ge 1 ] && [ -d "$1" ]; then TBAQ=$1; shift; fi
"$ROOT/scripts/setup.sh" >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for sub in TimeBank AQUAINT; do
  [ -d "$TBAQ/$sub" ] || continue
  mkdir -p "$TMP/gold/$sub" "$TMP/input/$sub" "$TMP/system/$sub"
  cp "$TBAQ/$sub"/*.tml "$TMP/gold/$sub/"
  python3 - "$TMP/gold/$sub" "$TMP/input/$sub" <<'PY'
import os, re, sys
ann = re.compile(r"</?(?:TIMEX3|EVENT|SIGNAL)\b[^>]*>")
for f in sorted(os.listdir(sys.argv[1])):
    raw = open(os.path.join(sys.argv[1], f), encoding="utf-8").read()
    a = raw.index("<TEXT>") + len("<TEXT>")
    b = raw.index("</TEXT>", a)
    open(os.path.join(sys.argv[2], f), "w", encoding="utf-8").write(raw[:a] + ann.sub("", raw[a:b]) + raw[b:])
PY
  "$ROOT/target/release/entline" timeml "$TMP/input/$sub" --out "$TMP/system/$sub" "$@"
done
# every output must be well-formed XML whose text content equals the input's
python3 - "$TMP/input" "$TMP/system" <<'PY'
import os, sys
import xml.dom.minidom
def text(node):
    return "".join(text(c) for c in node.childNodes) if node.childNodes else (node.data if node.nodeType in (3, 4) else "")
bad = n = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), sys.argv[1])
        n += 1
        try:
            a = xml.dom.minidom.parse(os.path.join(root, f))
            b = xml.dom.minidom.parse(os.path.join(sys.argv[2], rel))
            if text(a.documentElement) != text(b.documentElement):
                bad += 1
                print(f"text differs: {rel}", file=sys.stderr)
        except Exception as e:  # not well-formed, or missing
            bad += 1
            print(f"{rel}: {e}", file=sys.stderr)
print(f"output check: {n - bad}/{n} files well-formed with unchanged text content")
PY
python3 "$ROOT/scripts/te3_scorer.py" "$DATA/evaluation-entities" "$TMP/gold" "$TMP/system" "${TE3_DEBUG:-0}" > "$TMP/score.txt"
if [ -n "${TE3_KEEP:-}" ]; then rm -rf "$TE3_KEEP"; cp -r "$TMP" "$TE3_KEEP"; fi
python3 - "$TMP/score.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("=== Timex Performance"))
strict = lines[i + 2].split()
relaxed = lines[i + 4].split()
value, typ = lines[i + 6].split()
# type accuracy = type F1 / relaxed F1 (the scorer's attribute F1 is accuracy × relaxed F1)
acc = 100 * float(typ) / float(relaxed[0]) if float(relaxed[0]) else 0.0
print("TempEval-3 TIMEX3 on TBAQ-cleaned (official scorer)")
print(f"strict span   F1 {strict[0]:>6}  P {strict[1]:>6}  R {strict[2]:>6}")
print(f"relaxed span  F1 {relaxed[0]:>6}  P {relaxed[1]:>6}  R {relaxed[2]:>6}")
print(f"type accuracy    {acc:6.2f}  (type F1 {typ})")
print(f"value F1         {value:>6}")
PY
if [ "$MEANTIME" = 1 ]; then
  KEEP=()
  [ -n "${TE3_KEEP:-}" ] && KEEP=(--keep "$TE3_KEEP-meantime")
  python3 "$ROOT/scripts/eval_timex_meantime.py" ${KEEP[@]+"${KEEP[@]}"} -- "$@"
fi
