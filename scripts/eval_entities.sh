#!/usr/bin/env bash
# Cross-document entity clustering on MEANTIME (Apple corpus): B³ and MUC F1 of entline's
# entity ids on the gold named mentions, matched by exact span against the noun-phrase extents of
# entline's mentions (`eval_entities.py score ... --names` scores the name spans instead).
#   scripts/eval_entities.sh [MEANTIME_CROSS_DOC_DIR] [extra `entline extract` options]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/../shared/data/meantime/cross-doc/corpus_apple"
if [ $# -ge 1 ] && [ -d "$1" ]; then SRC=$1; shift; fi
"$ROOT/scripts/setup.sh" >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/scripts/eval_entities.py" prepare "$SRC" "$TMP/text" "$TMP/gold.json"
"$ROOT/target/release/entline" extract "$TMP/text" --out "$TMP/out" --quiet "$@"
python3 "$ROOT/scripts/eval_entities.py" score "$TMP/gold.json" "$TMP/out"
