#!/usr/bin/env bash
# Size and load time of the HTML timeline report for a large synthetic run:
#   scripts/bench_report.sh [EVENTS (default 10000)]
# Writes a synthetic run's tables (events.csv: EVENTS events over five years, 2,000 documents,
# 300 entities with Zipf-like mention counts, sentences of 120-260 characters; entities.csv) with
# scripts/bench_report.py, builds timeline.html with `entline report` (the same writer `extract`
# uses), then opens it in headless Chromium (network off) and reads the time from navigation start
# to the end of the first render, which the page records in <body data-render-ms>. Prints the file
# size, the in-page load+render time and Chromium's whole-process time for this page and for an
# empty page (the browser's own start-up cost).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-10000}
"$ROOT/scripts/setup.sh" >&2
(cd "$ROOT" && cargo build --release --quiet)
CHROMIUM=$("$ROOT/scripts/setup_chromium.sh")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/scripts/bench_report.py" "$TMP/run" "$N"
"$ROOT/target/release/entline" report "$TMP/run" >&2
echo '<!DOCTYPE html><title>blank</title><body></body>' > "$TMP/blank.html"
python3 - "$CHROMIUM" "$TMP" <<'PY'
import csv, os, re, subprocess, sys, time
chromium, tmp = sys.argv[1], sys.argv[2]
page, blank = os.path.join(tmp, "run", "timeline.html"), os.path.join(tmp, "blank.html")
def chrome(path, k):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,900",
           f"--user-data-dir={tmp}/profile{k}", "--dump-dom", "file://" + path]
    t = time.perf_counter()
    dom = subprocess.run(cmd, capture_output=True, text=True).stdout
    return time.perf_counter() - t, dom
def best(path):
    walls, ms = [], []
    for k in range(3):
        w, dom = chrome(path, f"{os.path.basename(path)}{k}")
        walls.append(w)
        m = re.search(r'data-render-ms="(\d+)"', dom)
        if m:
            ms.append(int(m.group(1)))
    return min(walls), (min(ms) if ms else None)
page_wall, page_ms = best(page)
blank_wall, _ = best(blank)
events = sum(1 for _ in csv.reader(open(os.path.join(tmp, "run", "events.csv"), encoding="utf-8"))) - 1
size = os.path.getsize(page)
print(f"report: {events} events, {size / 1e6:.2f} MB (target < 5 MB)")
print(f"load + first render in Chromium: {page_ms} ms from navigation start (target < 3000 ms; best of 3)")
print(f"Chromium whole process: {page_wall:.2f} s for the report, {blank_wall:.2f} s for an empty page")
if page_ms is None:
    sys.exit("the page did not render")
PY
