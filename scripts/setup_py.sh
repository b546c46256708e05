#!/usr/bin/env bash
# Project virtualenv for the Python side (training, reference benchmarks): .cache/venv
# Idempotent; reuses the torch wheel cached by scripts/setup.sh when present.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${ENTLINE_CACHE:-$HOME/.cache/entline}
VENV="$ROOT/.cache/venv"
REQ="$ROOT/scripts/requirements-train.txt"
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
mkdir -p "$ROOT/.cache"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
FIND=()
[ -d "$CACHE/wheels" ] && FIND=(--find-links "$CACHE/wheels")
echo "[setup_py] installing $REQ into $VENV (torch with its CUDA dependencies: several GB, once)" >&2
"$VENV/bin/pip" install --quiet "${FIND[@]}" -r "$REQ"
echo "$want" > "$STAMP"
