#!/usr/bin/env bash
# Event participants (HAS_PARTICIPANT link F1, unlabeled and labeled agent/participant/place) and
# pronoun/nominal resolution accuracy of entline on MEANTIME Apple, first annotated sentences only;
# what is measured and how: the header of scripts/eval_participants.py. Ends with one summary line.
#   scripts/eval_participants.sh [--fake gold] [--system DIR] [--keep DIR] [--allow-missing] [--verbose]
#                                [--] [extra `entline extract` options]
#   --fake gold   stand-in output made from the gold (must give 100 everywhere; no binary needed)
#   --system DIR  score an existing `entline extract --format jsonl` output of the inputs --keep writes
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=1
for a in "$@"; do
  case "$a" in
    --fake|--fake=*|--system|--system=*) BUILD=0 ;;
    --) break ;;
  esac
done
[ "$BUILD" = 0 ] || "$ROOT/scripts/setup.sh" >&2
exec python3 "$ROOT/scripts/eval_participants.py" "$@"
