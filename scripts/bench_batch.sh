#!/usr/bin/env bash
# Batch throughput and memory of `entline extract` at 1x and 10x corpus size, and spaCy's
# en_core_web_sm full pipeline on the same 1x corpus, in one run:
#   scripts/bench_batch.sh [--scale N] [--threads N] [--keep DIR]
# Corpus (1x, >= 1,000 documents): the seeds, CoNLL-2003 train+dev documents and the TBAQ articles
# (scripts/bench_corpus.py). 10x: ten copies of it under different folder names (so every copy is
# processed anew; entity names repeat, as they do in a real archive). Each entline run is one whole
# process (model load, reading, NER, time expressions, entities, events, CSV), timed with peak RSS
# from getrusage of the child. spaCy: a script-made virtualenv (.cache/venv-spacy), words/s of
# nlp.pipe over the same texts, model load included in the end-to-end figure. An unmeasured
# warm-up run precedes the measured ones; the 1x run is timed before and after the 10x run (mean
# time, smaller peak RSS).
#   scripts/bench_batch.sh --pdf [--threads N] [--keep DIR]
# PDF input instead: the 1x corpus converted to PDF by LibreOffice Writer (one page or more per
# document), then one entline run over the text corpus and one over the PDFs: the share of the PDF run's time spent reading (the `read` stage of
# --json-summary: PDF text extraction, layout, dates) and the peak RSS of both runs. Targets:
# reading <= 25 % of the run, peak RSS within 10 % of the text run's.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=10
THREADS=$(nproc)
KEEP=""
PDF=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --pdf) PDF=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/setup.sh" >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN="$ROOT/target/release/entline"

if [ "$PDF" = 1 ]; then
  SOFFICE="$("$ROOT/scripts/setup_libreoffice.sh")"
  TMP=${KEEP:-$(mktemp -d)}
  export SOFFICE TMP
  [ -n "$KEEP" ] || trap 'rm -rf "$TMP"' EXIT
  if [ ! -f "$TMP/cpdf/.done" ]; then
    rm -rf "$TMP/c1" "$TMP/cpdf"
    python3 "$ROOT/scripts/bench_corpus.py" "$ROOT" "$TMP/c1" 1000 >/dev/null
    convert() {  # convert FOLDER_OUT FILE... (a private profile, so a desktop session does not interfere)
      local to=$1; shift
      "$SOFFICE" -env:UserInstallation="file://$TMP/lo-profile" --headless --norestore --nologo --nodefault \
        --convert-to pdf:writer_pdf_Export --outdir "$to" "$@" >/dev/null 2>&1 || true
    }
    export -f convert
    for d in "$TMP"/c1/*/; do
      sub=$(basename "$d")
      mkdir -p "$TMP/cpdf/$sub"
      # 50 files per soffice run: given a whole folder at once, Writer silently stopped after
      # about 244 files (946 CoNLL documents gave 244 PDFs, 256 TBAQ articles 244)
      (cd "$d" && ls -- *.txt | xargs -n 50 bash -c 'convert "$0" "$@"' "$TMP/cpdf/$sub")
      # any file still without its PDF gets a run of its own; the bench needs the whole corpus
      for f in "$d"*.txt; do
        b=$(basename "$f" .txt)
        [ -s "$TMP/cpdf/$sub/$b.pdf" ] || (cd "$d" && convert "$TMP/cpdf/$sub" "$b.txt")
        [ -s "$TMP/cpdf/$sub/$b.pdf" ] || { echo "LibreOffice made no PDF of $f" >&2; exit 1; }
      done
    done
    touch "$TMP/cpdf/.done"
  fi
  python3 - "$BIN" "$TMP" "$THREADS" <<'PY'
import json, os, sys, time
from pathlib import Path
bin_, tmp, threads = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
def run(folder, out):
    t = time.perf_counter()
    summary = out.with_suffix(".json")
    pid = os.posix_spawn(bin_, [bin_, "extract", str(folder), "--out", str(out), "--doc-date", "2025-01-01",
                                "--threads", threads, "--quiet", "--json-summary", str(summary)], os.environ)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    s = json.loads(summary.read_text())
    if code not in (0, 2):
        sys.exit(f"entline failed on {folder}")
    return wall, ru.ru_maxrss / 1024, s["summary"]
n_txt = len(list((tmp / "c1").rglob("*.txt")))
n_pdf = len(list((tmp / "cpdf").rglob("*.pdf")))
tt, rt, st = run(tmp / "c1", tmp / "out-txt")
tp, rp, sp = run(tmp / "cpdf", tmp / "out-pdf")
model = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        model = line.split(":", 1)[1].strip(); break
print(f"CPU: {model};  threads: {threads}")
print(f"text: {n_txt} files, {st['documents']} documents ok, {tt:7.1f} s, read {st['seconds']['read']:6.2f} s ({100*st['seconds']['read']/tt:4.1f} %), peak RSS {rt:6.0f} MiB")
print(f"pdf:  {n_pdf} files, {sp['documents']} documents ok ({sp['failed']} failed), {tp:7.1f} s, read {sp['seconds']['read']:6.2f} s ({100*sp['seconds']['read']/tp:4.1f} %), peak RSS {rp:6.0f} MiB")
print(f"pdf reading share: {100*sp['seconds']['read']/tp:.1f} % (target <= 25 %);  peak RSS pdf/text: {rp/rt:.3f} (target <= 1.10);  mentions pdf/text: {sp['mentions']}/{st['mentions']}")
PY
  exit 0
fi

VENV="$ROOT/.cache/venv-spacy"
REQ="$ROOT/scripts/requirements-spacy.txt"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.req" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$REQ"
  echo "$want" > "$VENV/.req"
fi

TMP=${KEEP:-$(mktemp -d)}
[ -n "$KEEP" ] || trap 'rm -rf "$TMP"' EXIT
rm -rf "$TMP/c1" "$TMP/c$SCALE" "$TMP/out1" "$TMP/out1-after" "$TMP/out$SCALE" "$TMP/out-warmup"
python3 "$ROOT/scripts/bench_corpus.py" "$ROOT" "$TMP/c1" 1000 >/dev/null
mkdir -p "$TMP/c$SCALE"
for i in $(seq 1 "$SCALE"); do cp -r "$TMP/c1" "$TMP/c$SCALE/copy$i"; done

python3 - "$BIN" "$TMP" "$SCALE" "$THREADS" "$VENV/bin/python" "$ROOT/scripts/bench_spacy.py" <<'PY'
import json, os, resource, subprocess, sys, time
from pathlib import Path
bin_, tmp, scale, threads, spy, sscript = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]

def words(folder):
    files = sorted(Path(folder).rglob("*.txt"))
    return len(files), sum(len(p.read_text(encoding="utf-8").split()) for p in files)

def entline(folder, out):
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be a max over all children)
    t = time.perf_counter()
    pid = os.posix_spawn(bin_, [bin_, "extract", str(folder), "--out", str(out), "--doc-date", "2025-01-01",
                                "--threads", threads, "--quiet"], os.environ)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"entline failed on {folder}")
    return wall, ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime

# warm-up: an unmeasured run first (on these VMs the first minute of load runs faster, which
# would flatter the 1x figure against the 10x one)
entline(tmp / "c1", tmp / "out-warmup")
d1, w1 = words(tmp / "c1")
dn, wn = words(tmp / f"c{scale}")
# 1x is measured before and after the 10x run and averaged, so that drift of the machine's speed
# during the long run (noisy neighbours, thermal) does not land on one side of the ratio only
t1a, rss1a, cpu1a = entline(tmp / "c1", tmp / "out1")
tn, rssn, cpun = entline(tmp / f"c{scale}", tmp / f"out{scale}")
t1b, rss1b, cpu1b = entline(tmp / "c1", tmp / "out1-after")
t1, rss1, cpu1 = (t1a + t1b) / 2, min(rss1a, rss1b), (cpu1a + cpu1b) / 2
t = time.perf_counter()
r = subprocess.run([spy, sscript, str(tmp / "c1")], capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": threads})
spacy_wall = time.perf_counter() - t
if r.returncode != 0:
    sys.exit("spaCy failed: " + r.stderr[-2000:])
sp = json.loads(r.stdout.strip().splitlines()[-1])

def cpu_line():
    """The CPU model and the vector/matrix instruction sets its flags list, and any oneDNN/MKL
    ceiling set for this run, so that every figure names its machine."""
    model, flags = "unknown CPU", set()
    try:
        for line in open("/proc/cpuinfo"):
            key, _, val = line.partition(":")
            if key.strip() == "model name" and model == "unknown CPU":
                model = val.strip()
            elif key.strip() in ("flags", "Features") and not flags:
                flags = set(val.split())
    except OSError:
        pass
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "asimd", "sve") if f in flags]
    limits = [f"{v}={os.environ[v]}" for v in ("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS") if os.environ.get(v)]
    return f"CPU: {model}; flags: {' '.join(isa) or 'none of avx2/avx512/amx'}" + (f"; limits: {', '.join(limits)}" if limits else "")

print(cpu_line() + f";  threads: {threads}")
print(f"corpus 1x: {d1} documents, {w1} words;  {scale}x: {dn} documents, {wn} words")
print(f"entline 1x:  {t1:8.1f} s  {d1/t1:7.1f} docs/s  {w1/t1:8.0f} words/s  peak RSS {rss1:7.0f} MiB  CPU {cpu1:8.1f} s"
      f"  (before {scale}x: {t1a:.1f} s, {rss1a:.0f} MiB; after: {t1b:.1f} s, {rss1b:.0f} MiB)")
print(f"entline {scale}x: {tn:8.1f} s  {dn/tn:7.1f} docs/s  {wn/tn:8.0f} words/s  peak RSS {rssn:7.0f} MiB  CPU {cpun:8.1f} s")
print(f"time ratio {scale}x/1x: {tn/t1:.2f} (target <= {scale*1.05:.1f}; CPU-time ratio {cpun/cpu1:.2f});  peak RSS ratio: {rssn/rss1:.3f} (target <= 1.2)")
print(f"spaCy en_core_web_sm 1x: {sp['words']/sp['pipe_s']:8.0f} words/s (nlp.pipe only), "
      f"{sp['words']/spacy_wall:8.0f} words/s end to end (process start, load, pipe)")
print(f"entline end to end / spaCy end to end: {(w1/t1)/(sp['words']/spacy_wall):.2f};  / spaCy pipe only: {(w1/t1)/(sp['words']/sp['pipe_s']):.2f}")
PY
