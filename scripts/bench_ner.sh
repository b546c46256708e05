#!/usr/bin/env bash
# NER throughput of entline vs the Python transformers pipeline (aggregation_strategy="first") on
# the same weights and the same texts, in one run:
#   scripts/bench_ner.sh [CONLL_FILE] [--threads N] [--model fast|accurate|DIR]...
#   scripts/bench_ner.sh --busy [--baseline BIN] [CONLL_FILE] [--threads N] [--model DIR]
#   scripts/bench_ner.sh --isa-table [--repeat N] [CONLL_FILE] [--threads N] [--model fast|accurate|DIR]
# Texts: the sentences of CONLL_FILE (default ../shared/data/conll2003/eng.testa). entline tags them
# with `entline tag-conll` (whole process timed, best of three runs: start, model load, reading, NER, output); the
# Python pipeline gets the same sentences as plain text and only its call is timed (model loaded
# beforehand, the faster of batch sizes 8 and 32) — a conservative comparison for entline. The full `entline extract`
# (NER + time expressions + entities + events + CSV) on the same documents is reported as well.
# Several --model options: each model in turn (same texts, same run), then their entline tokens/s
# side by side.
# --busy: a shared machine instead. `entline extract` over the same documents alone and while
# another process keeps one core busy (best of 3 each, in turns), and the ratio busy / alone;
# with --baseline BIN the same for another entline binary (e.g. an older build), so that the two
# are compared in one run.
# --isa-table: the CPUs one does not have. For each instruction-set level this CPU has (AVX2, and
# AVX512_CORE when it has AVX-512; levels it lacks are skipped, saying so) both sides run held to
# it — ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS and FBGEMM_ENABLE_INSTRUCTIONS (FBGEMM, which
# runs entline's int8 layers, picks its kernels from the CPU and this variable alone) — and one
# table is printed: level × entline precision (f32, int8, auto) → entline tokens/s (tag-conll,
# whole process), Python tokens/s (the f32 transformers pipeline, call only), ratio. Each cell is
# the best of N rounds (default 2), the rounds alternating between the two sides so that a busy
# machine slows both alike. Before the table, a verbose run at each level shows which kernels
# MKL and oneDNN report (MKL_VERBOSE, ONEDNN_VERBOSE), so that a limit that did not take is seen.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONLL="$ROOT/../shared/data/conll2003/eng.testa"
THREADS=$(nproc)
MODEL="$ROOT/models/entline-ner-minilm"
MODELS=()
BUSY=0
BASELINE=""
ISA_TABLE=0
REPEAT=2
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --model) MODELS+=("$2"); MODEL=$2; shift 2 ;;
    --busy) BUSY=1; shift ;;
    --isa-table) ISA_TABLE=1; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --baseline) BASELINE=$2; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) CONLL=$1; shift ;;
  esac
done
"$ROOT/scripts/setup.sh" >&2
"$ROOT/scripts/setup_py.sh" >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/corpus"
python3 - "$CONLL" "$TMP/corpus" <<'PY'
import sys
from pathlib import Path
docs, doc, sent = [], [], []
for line in open(sys.argv[1], encoding="utf-8"):
    c = line.split()
    if not c or c[0] == "-DOCSTART-":
        if sent: doc.append(" ".join(sent)); sent = []
        if c and doc: docs.append(doc); doc = []
        continue
    sent.append(c[0])
if sent: doc.append(" ".join(sent))
if doc: docs.append(doc)
for i, d in enumerate(docs):
    Path(sys.argv[2], f"doc{i:05d}.txt").write_text("\n".join(d) + "\n", encoding="utf-8")
print(f"corpus: {len(docs)} documents", file=sys.stderr)
PY
TOKENS=$(cat "$TMP"/corpus/*.txt | wc -w)
if [ "$BUSY" = 1 ]; then
  # seconds of one whole `entline extract` run of binary $1
  run_extract() {
    rm -rf "$TMP/out"
    local a b
    a=$(date +%s.%N)
    "$1" extract "$TMP/corpus" --out "$TMP/out" --threads "$THREADS" --model "$MODEL" --quiet
    b=$(date +%s.%N)
    python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$a" "$b"
  }
  BINS=("$ROOT/target/release/entline")
  [ -n "$BASELINE" ] && BINS+=("$BASELINE")
  declare -A ALONE BUSYT
  for bin in "${BINS[@]}"; do run_extract "$bin" > /dev/null; done  # warm caches
  for _ in 1 2 3; do
    for bin in "${BINS[@]}"; do
      t=$(run_extract "$bin")
      ALONE[$bin]=$(python3 -c "import sys; b=sys.argv[2]; print(min(float(sys.argv[1]), float(b)) if b else sys.argv[1])" "$t" "${ALONE[$bin]:-}")
      # one other process keeps a core busy for the length of the run
      python3 -c "while True: pass" &
      HOG=$!
      sleep 0.5
      t=$(run_extract "$bin")
      kill "$HOG"; wait "$HOG" 2>/dev/null || true
      BUSYT[$bin]=$(python3 -c "import sys; b=sys.argv[2]; print(min(float(sys.argv[1]), float(b)) if b else sys.argv[1])" "$t" "${BUSYT[$bin]:-}")
    done
  done
  echo "texts: $TOKENS tokens, $(ls "$TMP/corpus" | wc -l) documents, threads: $THREADS, CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  for bin in "${BINS[@]}"; do
    python3 -c "import sys; a, b = float(sys.argv[2]), float(sys.argv[3]); print(f'{sys.argv[1]}: alone {a:.2f} s, one core busy {b:.2f} s, busy / alone {b / a:.2f}')" "$bin" "${ALONE[$bin]}" "${BUSYT[$bin]}"
  done
  if [ -n "$BASELINE" ]; then
    python3 -c "import sys; print(f'alone time entline / baseline: {float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "${ALONE[${BINS[0]}]}" "${ALONE[$BASELINE]}"
  fi
  exit 0
fi
if [ "$ISA_TABLE" = 1 ]; then
  case $MODEL in
    fast) MODEL="$ROOT/models/entline-ner-minilm" ;;
    accurate) MODEL="$ROOT/models/entline-ner-mpnet" ;;
  esac
  BIN="$ROOT/target/release/entline"
  FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  has() { for f in "$@"; do [[ "$FLAGS" == *" $f "* ]] || return 1; done; }
  # level: oneDNN name, MKL name, FBGEMM name, the CPU flags it needs
  LEVELS=()
  for spec in "AVX2 AVX2 AVX2 avx2 fma" "AVX512_CORE AVX512 AVX512 avx512f avx512bw avx512dq avx512vl"; do
    read -r level _ _ need <<< "$spec"
    # shellcheck disable=SC2086
    if has $need; then LEVELS+=("$spec"); else echo "skipping $level: this CPU lacks it (needs: $need)"; fi
  done
  [ ${#LEVELS[@]} -gt 0 ] || { echo "no level to measure: the CPU has no AVX2" >&2; exit 1; }
  head -c 20000 "$CONLL" > "$TMP/small.conll"
  # seconds of one `entline tag-conll` run at precision $1
  run_entline() {
    local a b
    a=$(date +%s.%N)
    "$BIN" tag-conll "$CONLL" --threads "$THREADS" --model "$MODEL" --precision "$1" > "$TMP/tagged.txt"
    b=$(date +%s.%N)
    python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$a" "$b"
  }
  best() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x]; print(min(v))" "$@"; }
  declare -A TIME
  for spec in "${LEVELS[@]}"; do
    read -r level mkl fbgemm _ <<< "$spec"
    export ONEDNN_MAX_CPU_ISA=$level MKL_ENABLE_INSTRUCTIONS=$mkl FBGEMM_ENABLE_INSTRUCTIONS=$fbgemm
    echo "== $level: ONEDNN_MAX_CPU_ISA=$level MKL_ENABLE_INSTRUCTIONS=$mkl FBGEMM_ENABLE_INSTRUCTIONS=$fbgemm"
    # which kernels the libraries say they use under the limit
    MKL_VERBOSE=1 ONEDNN_VERBOSE=1 "$BIN" tag-conll "$TMP/small.conll" --threads 1 --model "$MODEL" --precision f32 > "$TMP/verbose.txt" 2>&1 || true
    echo "   entline f32, MKL: $(grep -m1 -E -o 'MKL_VERBOSE (oneMKL|Intel).*' "$TMP/verbose.txt" | cut -c1-160 || echo 'no MKL_VERBOSE line')"
    echo "   entline f32, oneDNN: $(grep -m1 -E 'onednn_verbose.*isa|dnnl_verbose.*isa' "$TMP/verbose.txt" | cut -c1-160 || echo 'no oneDNN line (no oneDNN primitive ran)')"
    MKL_VERBOSE=1 ONEDNN_VERBOSE=1 "$ROOT/.cache/venv/bin/python" -c "import torch; torch.set_num_threads(1); torch.nn.functional.linear(torch.randn(64, 384), torch.randn(384, 384))" > "$TMP/verbose.txt" 2>&1 || true
    echo "   python f32, MKL: $(grep -m1 -E -o 'MKL_VERBOSE (oneMKL|Intel).*' "$TMP/verbose.txt" | cut -c1-160 || echo 'no MKL_VERBOSE line')"
    "$BIN" tag-conll "$CONLL" --threads "$THREADS" --model "$MODEL" --precision f32 > /dev/null  # warm caches
    for round in $(seq "$REPEAT"); do
      read -r _ _ py _ _ < <("$ROOT/.cache/venv/bin/python" "$ROOT/scripts/bench_ner.py" "$MODEL" "$TMP/corpus" "$THREADS" 2>/dev/null | grep '^python')
      TIME[$level/python]=$(best "$py" "${TIME[$level/python]:-}")
      for prec in f32 int8 auto; do
        t=$(run_entline "$prec")
        TIME[$level/$prec]=$(best "$t" "${TIME[$level/$prec]:-}")
        echo "   round $round: python $py s, entline $prec $t s"
      done
    done
    unset ONEDNN_MAX_CPU_ISA MKL_ENABLE_INSTRUCTIONS FBGEMM_ENABLE_INSTRUCTIONS
  done
  echo
  echo "model: $(basename "$MODEL"), texts: $TOKENS tokens, threads: $THREADS, best of $REPEAT rounds"
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), flags with: $(for f in avx2 fma avx512f avx512_vnni avx512_bf16 amx_bf16; do has $f && printf '%s ' $f; done)"
  printf '%-12s %-9s %16s %16s %7s\n' "ISA level" precision "entline tok/s" "python tok/s" ratio
  for spec in "${LEVELS[@]}"; do
    read -r level _ <<< "$spec"
    for prec in f32 int8 auto; do
      python3 -c "import sys; e=int(sys.argv[3])/float(sys.argv[4]); p=int(sys.argv[5])/float(sys.argv[6]); print(f'{sys.argv[1]:<12} {sys.argv[2]:<9} {e:16.0f} {p:16.0f} {e/p:7.2f}')" \
        "$level" "$prec" "$TOKENS" "${TIME[$level/$prec]}" "$TOKENS" "${TIME[$level/python]}"
    done
  done
  exit 0
fi
[ ${#MODELS[@]} -gt 0 ] || MODELS=("$MODEL")
# NER throughput of model $1 (prints a report; its entline tokens/s into $TMP/rate)
bench_model() {
MODEL=$1
case $MODEL in  # the shipped tiers by name, as `entline --model` takes them
  fast) MODEL="$ROOT/models/entline-ner-minilm" ;;
  accurate) MODEL="$ROOT/models/entline-ner-mpnet" ;;
esac
"$ROOT/target/release/entline" tag-conll "$CONLL" --threads "$THREADS" --model "$MODEL" > /dev/null  # warm caches
# best of three whole-process runs (the Python side gets the best of two batch sizes)
BEST=""
for _ in 1 2 3; do
  a=$(date +%s.%N)
  "$ROOT/target/release/entline" tag-conll "$CONLL" --threads "$THREADS" --model "$MODEL" > "$TMP/tagged.txt"
  b=$(date +%s.%N)
  BEST=$(python3 -c "import sys; d=float(sys.argv[2])-float(sys.argv[1]); b=sys.argv[3]; print(d if not b or d < float(b) else b)" "$a" "$b" "$BEST")
done
t0=0
t1=$BEST
a=$(date +%s.%N)
"$ROOT/target/release/entline" extract "$TMP/corpus" --out "$TMP/out" --threads "$THREADS" --model "$MODEL" --quiet
b=$(date +%s.%N)
t2=$(python3 -c "import sys; print(float(sys.argv[3]) + float(sys.argv[2]) - float(sys.argv[1]))" "$a" "$b" "$t1")
read -r _ PY_TOKENS PY_SECS PY_ENTS PY_BS < <("$ROOT/.cache/venv/bin/python" "$ROOT/scripts/bench_ner.py" "$MODEL" "$TMP/corpus" "$THREADS" 2>/dev/null | grep '^python')
python3 - "$TOKENS" "$t0" "$t1" "$t2" "$PY_SECS" "$PY_ENTS" "$THREADS" "$PY_BS" <<'PY'
import sys
tokens, t0, t1, t2, py, py_ent, threads, py_bs = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
e = tokens / (t1 - t0)
p = tokens / py
x = tokens / (t2 - t1)
print(f"texts: {tokens} tokens, threads: {threads}")
print(f"entline NER (tag-conll, whole process):  {e:8.0f} tokens/s  ({t1 - t0:.2f} s, best of 3)")
print(f"python transformers pipeline (call only): {p:8.0f} tokens/s  ({py:.2f} s, {py_ent} entities, best batch size {py_bs})")
print(f"entline extract (full timeline, process): {x:8.0f} tokens/s  ({t2 - t1:.2f} s)")
print(f"ratio entline / python: {e / p:.2f}")
PY
python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$TOKENS" "$t1" > "$TMP/rate"
}
RATES=()
for m in "${MODELS[@]}"; do
  if [ ${#MODELS[@]} -gt 1 ]; then echo "== $m"; fi
  bench_model "$m"
  RATES+=("$(basename "$m") $(cat "$TMP/rate") tokens/s")
done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ ${#MODELS[@]} -gt 1 ]; then
  (IFS=';'; echo "entline NER side by side: ${RATES[*]}" | sed 's/;/, /g')
fi
