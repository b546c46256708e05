#!/usr/bin/env bash
# UPOS, UAS and LAS of entline's syntax head on UD English EWT (gold tokenization, LAS on the
# universal relation as the CoNLL 2018 shared task scored it; punctuation included):
#   scripts/eval_parse.sh [--model fast|accurate|DIR] [--split dev,test] [--keep DIR]
# Runs `entline parse` on each split's CoNLL-U (dev is the model-selection split, test is reported
# only) and prints one line per split, then a summary line.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UD=${UD:-"$ROOT/../shared/data/ud-english-ewt"}
MODEL=fast
SPLITS=dev,test
KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL=$2; shift 2 ;;
    --split) SPLITS=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "eval_parse.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
if [ -z "${ENTLINE:-}" ]; then
  "$ROOT/scripts/setup.sh" >&2
  ENTLINE="$ROOT/target/release/entline"
fi
python3 "$ROOT/scripts/eval_parse.py" --self-test >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OUT=${KEEP:-$TMP}
mkdir -p "$OUT"
summary=()
for split in ${SPLITS//,/ }; do
  gold="$UD/en_ewt-ud-$split.conllu.gz"
  [ -f "$gold" ] || { echo "eval_parse.sh: $gold: no such file" >&2; exit 1; }
  gunzip -c "$gold" > "$TMP/$split.conllu"
  start=$(date +%s.%N)
  "$ENTLINE" parse "$TMP/$split.conllu" --model "$MODEL" > "$OUT/$split.predicted.conllu"
  end=$(date +%s.%N)
  line=$(python3 "$ROOT/scripts/eval_parse.py" "$TMP/$split.conllu" "$OUT/$split.predicted.conllu" --name "EWT $split")
  secs=$(python3 -c "print(f'{$end - $start:.1f}')")
  echo "$line  ($secs s, model load included)"
  summary+=("$(echo "$line" | sed -E 's/^EWT ([a-z]+): [0-9]+ words +UPOS ([0-9.]+) +UAS ([0-9.]+) +LAS ([0-9.]+)/\1 LAS \4 UAS \3 UPOS \2/')")
done
echo "eval_parse model $MODEL: $(IFS=';'; echo "${summary[*]}" | sed 's/;/; /g')"
