#!/usr/bin/env python3
"""Check that every CSV in a folder opens with Python's csv module (same column count on every row)
and, when LibreOffice is available, converts to .xlsx with the same number of non-empty cells.

    python3 scripts/check_csv.py OUT_DIR [--require-libreoffice]

A manual tool for any output folder. CI now covers the full LibreOffice round trip (CSV -> .xlsx ->
CSV, every cell compared, no formula) on the seed and on tricky documents: tests/spreadsheet.rs.
"""
import csv
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import re


def csv_cells(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise SystemExit(f"{path}: empty")
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            raise SystemExit(f"{path}: row {i + 1} has {len(r)} cells, header has {width}")
    return len(rows), width, sum(1 for r in rows for c in r if c != "")


def xlsx_cells(path):
    """Non-empty cells of the first sheet, read from the XML inside the .xlsx (no extra package)."""
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return len(re.findall(r"<c [^>]*?(?:/>|>.*?</c>)", sheet, re.S)) - len(re.findall(r"<c [^>]*/>", sheet))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    folder = sys.argv[1]
    need_lo = "--require-libreoffice" in sys.argv
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if need_lo and not soffice:
        raise SystemExit("LibreOffice (soffice) not found: apt-get install libreoffice-calc")
    files = sorted(glob.glob(os.path.join(folder, "*.csv")))
    if not files:
        raise SystemExit(f"{folder}: no CSV files")
    for f in files:
        n, width, cells = csv_cells(f)
        msg = f"{os.path.basename(f)}: {n} rows x {width} columns, {cells} non-empty cells, python csv OK"
        if soffice:
            with tempfile.TemporaryDirectory() as tmp:
                r = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                                    "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", tmp, f],
                                   capture_output=True, text=True, timeout=300)
                out = os.path.join(tmp, os.path.splitext(os.path.basename(f))[0] + ".xlsx")
                if r.returncode != 0 or not os.path.exists(out):
                    raise SystemExit(f"{f}: LibreOffice conversion failed: {r.stderr or r.stdout}")
                x = xlsx_cells(out)
                if x != cells:
                    raise SystemExit(f"{f}: LibreOffice has {x} non-empty cells, csv has {cells}")
                msg += f", LibreOffice xlsx OK ({x} cells)"
        print(msg)
    print(f"all {len(files)} CSV files OK")


if __name__ == "__main__":
    main()
