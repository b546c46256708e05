#!/usr/bin/env python3
"""Build src/events/lemmas.tsv, the lemma table of event triggers, from the lookup table of the
PyPI package `lemminflect` (MIT licence, Brad Jascob; derived from the SPECIALIST Lexicon):

    python3 scripts/build_lemmas.py            # pip-downloads lemminflect==0.2.3 into .cache/

Kept: lower-case inflected forms of verbs, nouns and adjectives whose lemma differs from the
form (a form missing from the table is its own lemma). One line per form and part of speech:
`form<TAB>v|n|a<TAB>lemma`; where lemminflect gives several lemmas ("a/b"), the first.
"""
import csv
import gzip
import io
import subprocess
import sys
import zipfile
from pathlib import Path

VERSION = "0.2.3"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "events" / "lemmas.tsv"
POS = {"verb": "v", "noun": "n", "adj": "a"}


def wheel():
    dest = ROOT / ".cache" / "lemminflect"
    found = sorted(dest.glob(f"lemminflect-{VERSION}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest),
                        f"lemminflect=={VERSION}"], check=True)
        found = sorted(dest.glob(f"lemminflect-{VERSION}-*.whl"))
    return found[0]


def main():
    with zipfile.ZipFile(wheel()) as z:
        raw = gzip.decompress(z.read("lemminflect/resources/lemma_lu.csv.gz")).decode("utf-8")
    rows = set()
    for form, upos, lemma in csv.reader(io.StringIO(raw)):
        pos = POS.get(upos)
        lemma = lemma.split("/")[0]
        if pos and form == form.lower() and lemma != form and "\t" not in form + lemma:
            rows.add((form, pos, lemma))
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# lemmas of inflected English verbs (v), nouns (n), adjectives (a): built by scripts/build_lemmas.py\n"
                f"# from lemminflect {VERSION} (MIT licence, (c) 2019 Brad Jascob; data from the SPECIALIST Lexicon)\n"
                "# FORMAT: form<TAB>part of speech (v, n, a)<TAB>lemma; lines starting with # are comments\n")
        for r in sorted(rows):
            f.write("\t".join(r) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} forms, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
