#!/usr/bin/env bash
# SemEval-2015 Task 4 "TimeLine: cross-document event ordering" on the trial data (30 Wikinews
# articles about Apple, 6 gold timelines: Beatles Apple Corps, iPhone 3G, iPhone 4, iPod, iTunes
# store, Steve Jobs):
#   scripts/eval_timelines.sh [--keep DIR] [--examples N] [--fake] [-- extra `entline extract` options]
# For each target entity (the first line of each gold timeline), scripts/semeval_timelines.sh lists
# the events it takes part in, with their dates and order, from
# ../shared/data/semeval2015-task4-trial/Corpus-trial-data_task4_TimeML. Those files carry the task's
# <s> and <EVENT> tags, but entline strips every tag and finds events, entities, dates and
# co-reference itself: Track A-like (the tags only number the sentences of the event ids). Scored by
# ../shared/tools/timeline_score.py (TempEval-3 temporal awareness over the timeline graphs, micro-
# averaged over the 6 timelines, as in the task paper; its --help documents its choices).
# Then where the gold timeline events go (semeval_timelines.py diagnose; its doc string defines
# the categories), a table per target: not detected (no entline event mention on the gold token),
# not linked (detected, not on the target's timeline; why: other entities, no entity, non-factual,
# other trigger), wrong date (on it, another date than gold's as the scorer compares them), right;
# and the system entries on no gold line of their target (extra) by kind. Last, one line: timeline
# F1, precision, recall, event F1 (the events found, whatever their place) and the breakdown.
# The diagnosis's self-test (semeval_timelines.py selftest) runs first; a failure stops the script.
#   --keep DIR     keep targets.txt, system/ (the timelines), entline/ (entline's tables),
#                  score.txt (the scorer's report) and diagnosis.txt in DIR (replaced)
#   --examples N   also list the first N gold events detected but not linked (sentence, trigger,
#                  the entities entline linked it to)
#   --fake         no entline: the gold timelines written again through the exporter
#                  (semeval_timelines.py fake), which must score 100 and be all right; checks the
#                  format chain
#   ENTLINE=path   the entline binary (default target/release/entline, built when missing)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA="$ROOT/../shared/data/semeval2015-task4-trial"
CORPUS="$DATA/Corpus-trial-data_task4_TimeML"
GOLD="$DATA/TimeLines_trial_data_task4_v1.2"
SCORER="$ROOT/../shared/tools/timeline_score.py"
die() { echo "eval_timelines.sh: $*" >&2; exit 2; }
KEEP=""
FAKE=0
EXAMPLES=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) [ $# -ge 2 ] || die "--keep needs a folder"; KEEP=$2; shift 2 ;;
    --examples) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--examples needs a number"; EXAMPLES=$2; shift 2 ;;
    --fake) FAKE=1; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    --) shift; EXTRA=(-- "$@"); break ;;
    *) die "unknown argument '$1' (extract options go after --)" ;;
  esac
done
[ -d "$CORPUS" ] || die "trial TimeML corpus not found at $CORPUS"
[ -d "$GOLD" ] || die "gold timelines not found at $GOLD"
[ -f "$SCORER" ] || die "scorer not found at $SCORER"
compgen -G "$GOLD/*.txt" >/dev/null || die "no gold timeline (*.txt) in $GOLD"
python3 "$ROOT/scripts/semeval_timelines.py" selftest --scorer "$SCORER" >/dev/null ||
  die "the diagnosis's self-test failed (semeval_timelines.py selftest)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in "$GOLD"/*.txt; do
  head -n 1 "$f" | sed -e 's/^\xEF\xBB\xBF//' -e 's/\r$//'
done > "$TMP/targets.txt"
N=$(grep -c . "$TMP/targets.txt")
if [ "$FAKE" = 1 ]; then
  python3 "$ROOT/scripts/semeval_timelines.py" fake "$GOLD" "$TMP/system"
else
  "$ROOT/scripts/semeval_timelines.sh" --work "$TMP/entline" \
    "$CORPUS" "$TMP/targets.txt" "$TMP/system" ${EXTRA[@]+"${EXTRA[@]}"}
fi
python3 "$SCORER" "$GOLD" "$TMP/system" > "$TMP/score.txt" 2>&1 || die "scorer failed: $(tail -n 3 "$TMP/score.txt")"
WORK=(--work "$TMP/entline")
[ "$FAKE" = 1 ] && WORK=()
python3 "$ROOT/scripts/semeval_timelines.py" diagnose "$GOLD" "$TMP/system" ${WORK[@]+"${WORK[@]}"} \
  --scorer "$SCORER" --examples "$EXAMPLES" > "$TMP/diagnosis.txt" || die "diagnosis failed"
if [ -n "$KEEP" ]; then rm -rf "$KEEP"; cp -r "$TMP" "$KEEP"; fi
LAST=$(grep '^timelineF1 ' "$TMP/score.txt" | tail -n 1) || die "no summary line in the scorer's output (see score.txt with --keep)"
read -r _ F _ P _ R _ E <<< "$LAST"
BREAKDOWN=$(tail -n 1 "$TMP/diagnosis.txt")
LABEL="SemEval-2015 Task 4 trial, Track A-like ($N timelines, $(ls "$CORPUS" | grep -c '\.tml$') docs)"
[ "$FAKE" = 1 ] && LABEL="$LABEL, --fake (gold through the writer)"
sed '$d' "$TMP/diagnosis.txt"
echo "$LABEL: timeline F1 $F  P $P  R $R | event F1 $E | $BREAKDOWN"
if [ "$FAKE" = 1 ] && [ "$F" != "100.00" -o "$E" != "100.00" ]; then
  die "--fake must give 100: the export format is broken"
fi
if [ "$FAKE" = 1 ] && ! grep -q ': missing 0 (0%), wrong date 0 (0%), right ' <<< "$BREAKDOWN"; then
  die "--fake must put every gold event right: the export or the diagnosis is broken"
fi
