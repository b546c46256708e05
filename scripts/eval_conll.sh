#!/usr/bin/env bash
# Score entline's NER on a CoNLL-2003 file, conlleval-style (exact span and type):
#   scripts/eval_conll.sh ../shared/data/conll2003/eng.testa [--model DIR] [other tag-conll options]
# Prints per-type and overall precision/recall/F1 and the throughput of the tagging run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,4p' "$0"; exit 1; }
FILE=$1; shift
[ -f "$FILE" ] || { echo "eval_conll.sh: $FILE: no such file" >&2; exit 1; }
"$ROOT/scripts/setup.sh" >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
start=$(date +%s.%N)
"$ROOT/target/release/entline" tag-conll "$FILE" "$@" > "$TMP/tagged.txt"
end=$(date +%s.%N)
python3 "$ROOT/scripts/conlleval.py" "$TMP/tagged.txt"
python3 - "$TMP/tagged.txt" "$start" "$end" <<'PY'
import sys
n = sum(1 for l in open(sys.argv[1], encoding="utf-8") if l.strip() and not l.startswith("-DOCSTART-"))
secs = float(sys.argv[3]) - float(sys.argv[2])
print(f"tagging: {n} tokens in {secs:.1f} s ({n / secs:.0f} tokens/s, model load included)")
PY
