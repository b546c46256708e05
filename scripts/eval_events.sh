#!/usr/bin/env bash
# TempEval-3 event extraction of entline on the TBAQ-cleaned development split (scripts/tbaq_dev.txt):
#   scripts/eval_events.sh [--second] [extra `entline timeml` options]
# Input = the gold files with TIMEX3/EVENT/SIGNAL tags stripped from TEXT and the gold
# MAKEINSTANCE/TLINK/SLINK/ALINK elements removed outside TEXT, every other character kept. The
# output must be well-formed with the input's text content, in entline's format (EVENT eid/class in
# TEXT, one MAKEINSTANCE per event right before </TimeML>); scored by the official TempEval-3 scorer
# (../shared/data/tempeval3/evaluation-entities, run by scripts/te3_scorer.py, which gives each
# system EVENT the eid of the gold EVENT it overlaps). Prints one line: relaxed/strict span F1, and
# class/tense/aspect F1 as the scorer computes them (attribute accuracy on matched events × relaxed F1).
#   --second          also run scripts/eval_events_second.py (SemEval-2015 Task 4 trial, MEANTIME Apple)
#   TE3_KEEP=dir      keep the gold/input/system/score files in dir (dir-second for --second)
#   TE3_DEBUG=level   scorer debug level (output kept in score.txt)
#   TE3_FAKE=gold|perturbed   sanity check of the chain without entline: a stand-in output made from
#                     the gold (gold must give 100; perturbed must give the figures te3_events.py expects)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA="$ROOT/../shared/data/tempeval3"
TBAQ="$DATA/TBAQ-cleaned"
SCORER="$DATA/evaluation-entities"
LIST="$ROOT/scripts/tbaq_dev.txt"
SECOND=0
if [ "${1:-}" = "--second" ]; then SECOND=1; shift; fi
[ -d "$TBAQ" ] || { echo "eval_events.sh: TBAQ-cleaned not found at $TBAQ" >&2; exit 2; }
[ -f "$SCORER/evaluate_entities.py" ] || { echo "eval_events.sh: official scorer not found in $SCORER" >&2; exit 2; }
[ -f "$LIST" ] || { echo "eval_events.sh: $LIST missing" >&2; exit 2; }
FAKE=${TE3_FAKE:-}
case "$FAKE" in ""|gold|perturbed) ;; *) echo "eval_events.sh: TE3_FAKE must be gold or perturbed" >&2; exit 2 ;; esac
[ -n "$FAKE" ] || "$ROOT/scripts/setup.sh" >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
N=$(python3 "$ROOT/scripts/te3_events.py" prepare "$TBAQ" "$LIST" "$TMP")
EXPECTED=()
if [ -n "$FAKE" ]; then
  python3 "$ROOT/scripts/te3_events.py" fake "$FAKE" "$TMP/gold" "$TMP/system" "$TMP/expected.txt"
  [ "$FAKE" = perturbed ] && EXPECTED=("$TMP/expected.txt")
else
  for sub in "$TMP"/input/*/; do
    sub=$(basename "$sub")
    "$ROOT/target/release/entline" timeml "$TMP/input/$sub" --out "$TMP/system/$sub" "$@"
  done
fi
python3 "$ROOT/scripts/te3_events.py" check "$TMP/input" "$TMP/system" || true
python3 "$ROOT/scripts/te3_scorer.py" "$SCORER" "$TMP/gold" "$TMP/system" "${TE3_DEBUG:-0}" > "$TMP/score.txt"
if [ -n "${TE3_KEEP:-}" ]; then rm -rf "$TE3_KEEP"; cp -r "$TMP" "$TE3_KEEP"; fi
STATUS=0
python3 "$ROOT/scripts/te3_events.py" summary "$TMP/score.txt" "TBAQ dev ($N docs)" "$TMP/gold" "$TMP/system" \
  ${EXPECTED[@]+"${EXPECTED[@]}"} || STATUS=1
if [ "$SECOND" = 1 ]; then
  KEEP=()
  [ -n "${TE3_KEEP:-}" ] && KEEP=(--keep "$TE3_KEEP-second")
  FAKEARG=()
  [ -n "$FAKE" ] && FAKEARG=(--fake "$FAKE")
  python3 "$ROOT/scripts/eval_events_second.py" ${KEEP[@]+"${KEEP[@]}"} ${FAKEARG[@]+"${FAKEARG[@]}"} -- "$@" || STATUS=1
fi
exit $STATUS
