#!/usr/bin/env bash
# SemEval-2015 Task 4 "TimeLine" files made by entline: for each target entity, the events it takes
# part in across a folder of TimeML documents, anchored to dates and ordered.
#   scripts/semeval_timelines.sh [--work DIR] [-v] TIMEML_DIR ENTITIES_FILE OUT_DIR [-- extract options]
# TIMEML_DIR: .tml files whose <TEXT> is cut into <s id="N"> sentences (their other tags are stripped
# by entline, which finds events itself); ENTITIES_FILE: one target name a line; OUT_DIR gets one
# <name lower-cased, non-alphanumerics -> _>.txt per target (files of the same name are replaced):
#   first line the name as given, then POSITION<TAB>DATE<TAB>DOCID-SENTENCE-token<TAB>...
# Steps: `entline extract TIMEML_DIR --out WORK --format csv,jsonl`, `entline tokens TIMEML_DIR` (to
# map entline's offsets to the <s> ids), then scripts/semeval_timelines.py convert (its doc string
# says how targets are matched to entities, dates formatted and positions given).
#   --work DIR   keep entline's tables in DIR (default: a temporary folder, removed at the end)
#   -v           print, per target, the entities it was matched to
# Needs target/release/entline (built by scripts/setup.sh when missing), or ENTLINE=path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENTLINE=${ENTLINE:-"$ROOT/target/release/entline"}
die() { echo "semeval_timelines.sh: $*" >&2; exit 2; }
WORK=""
CONVERT=()
POS=()
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --work) [ $# -ge 2 ] || die "--work needs a folder"; WORK=$2; shift 2 ;;
    -v|--verbose) CONVERT+=(--verbose); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -*) die "unknown option '$1' (extract options go after --)" ;;
    *) POS+=("$1"); shift ;;
  esac
done
[ ${#POS[@]} -eq 3 ] || die "usage: semeval_timelines.sh [--work DIR] [-v] TIMEML_DIR ENTITIES_FILE OUT_DIR [-- extract options]"
TIMEML_DIR=${POS[0]}
ENTITIES=${POS[1]}
OUT_DIR=${POS[2]}
[ -d "$TIMEML_DIR" ] || die "TimeML folder '$TIMEML_DIR' not found"
[ -f "$ENTITIES" ] || die "target entity list '$ENTITIES' not found"
compgen -G "$TIMEML_DIR/*.tml" >/dev/null || die "no .tml file in '$TIMEML_DIR'"
[ -x "$ENTLINE" ] || "$ROOT/scripts/setup.sh" >&2
[ -x "$ENTLINE" ] || die "$ENTLINE missing after scripts/setup.sh"
# absolute paths: entline's `doc` column is the path as given, opened again by the converter
TIMEML_DIR=$(cd "$TIMEML_DIR" && pwd)
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK" "$OUT_DIR"
STATUS=0
"$ENTLINE" extract "$TIMEML_DIR" --out "$WORK" --format csv,jsonl --no-report --quiet \
  ${EXTRA[@]+"${EXTRA[@]}"} || STATUS=$?
case $STATUS in
  0) ;;
  2) echo "semeval_timelines.sh: warning: entline failed on some documents (reported above)" >&2 ;;
  *) die "entline extract failed (exit status $STATUS)" ;;
esac
"$ENTLINE" tokens "$TIMEML_DIR" > "$WORK/tokens.jsonl" || die "entline tokens failed"
python3 "$ROOT/scripts/semeval_timelines.py" convert "$WORK" "$ENTITIES" "$OUT_DIR" \
  ${CONVERT[@]+"${CONVERT[@]}"}
