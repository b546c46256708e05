#!/usr/bin/env bash
# Entity and event coreference of entline on ECB+ (issues 29 and 30): converts the documents of the
# chosen topics to text in one folder, runs `entline extract --undated --format csv,jsonl` once over
# it, and prints for entities and for events mention P/R against gold, MUC, B³, CEAF-e and CoNLL F1
# (singletons removed on both sides) beside the same-text / same-lemma floor on entline's own
# mentions; ends with one summary line. What is scored and how: the header of scripts/eval_coref.py.
#   scripts/eval_coref.sh [--topics A-B] [--keep DIR] [--model fast|accurate|DIR] [--system DIR]
#                         [--fake gold] [--] [extra `entline extract` options]
#   --topics A-B  ECB+ topics (default 1-35; 1-22 to learn from, 23-35 to check)
#   --keep DIR    keep the texts (DIR/text), entline's output (DIR/out) and the mention alignments
#   --system DIR  score an existing extract output of the texts --keep wrote (no binary needed)
#   --fake gold   stand-in output made from the gold (must give 100 everywhere but the floors)
#   ENTLINE=path  use that binary (setup.sh is then not run)
# The metric self-test (scripts/test_eval_coref.py) runs first; a failure stops the script.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=1
for a in "$@"; do
  case "$a" in
    --system|--system=*|--fake|--fake=*) BUILD=0 ;;
    --) break ;;
  esac
done
[ -n "${ENTLINE:-}" ] && BUILD=0
[ "$BUILD" = 0 ] || "$ROOT/scripts/setup.sh" >&2
python3 "$ROOT/scripts/test_eval_coref.py" >/dev/null 2>&1 || {
  python3 "$ROOT/scripts/test_eval_coref.py" >&2 || true
  echo "eval_coref.sh: metric self-test failed" >&2
  exit 1
}
exec python3 "$ROOT/scripts/eval_coref.py" "$@"
