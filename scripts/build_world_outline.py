#!/usr/bin/env python3
"""Build the world outline of the HTML report (src/report/world.path) from Natural Earth's land
polygons as the npm package world-atlas 2.0.2 ships them (land-110m.json, TopoJSON).

    python3 scripts/build_world_outline.py [--cache DIR]

The package is fetched with `npm pack world-atlas@2.0.2` into DIR (default .cache/world-atlas);
nothing else is downloaded. The arcs are decoded, projected equirectangularly onto a 360 × 180
box (x = longitude + 180, y = 90 − latitude; rings across the antimeridian drawn twice, once on
each side), thinned (points closer than 0.4 units to the last
kept one are dropped; rings under 1 unit² go) and written as one SVG path, coordinates with one
decimal. The report draws it in `viewBox="0 0 360 180"` and puts places at the same projection.
Output is deterministic.
"""
import argparse
import json
import os
import subprocess
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "report", "world.path")
VERSION = "2.0.2"
MIN_STEP = 0.4
MIN_AREA = 1.0


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, f"world-atlas-{VERSION}.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", f"world-atlas@{VERSION}", "--silent"], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(tgz) as t:
        return json.load(t.extractfile("package/land-110m.json"))


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring_points(arcs, ring):
    pts = []
    for i in ring:
        a = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(a if not pts else a[1:])
    return pts


def clip(pts, edge, side):
    """The part of a ring on one side of the line x = edge (side 1: x >= edge; -1: x <= edge),
    Sutherland-Hodgman."""
    inside = lambda p: (p[0] - edge) * side >= 0
    out = []
    for a, b in zip(pts, pts[1:] + pts[:1]):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    return out


def area(pts):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=os.path.join(ROOT, ".cache", "world-atlas"))
    args = ap.parse_args()
    topo = fetch(args.cache)
    arcs = decode_arcs(topo)
    polys = []
    for geom in topo["objects"]["land"]["geometries"]:
        if geom["type"] == "Polygon":
            polys.append(geom["arcs"])
        elif geom["type"] == "MultiPolygon":
            polys.extend(geom["arcs"])
    parts = []
    for poly in polys:
        for ring in poly:
            pts = [(lon + 180, 90 - lat) for lon, lat in ring_points(arcs, ring)]
            # a ring across the antimeridian (Fiji, Chukotka) is unwrapped into one piece
            # running past the box's edge, and drawn a second time shifted by 360
            out = [pts[0]]
            for x, y in pts[1:]:
                px = out[-1][0]
                while x - px > 180:
                    x -= 360
                while px - x > 180:
                    x += 360
                out.append((x, y))
            # ... but a ring around a pole (Antarctica) stays as it is, along the box's edges
            if max(x for x, _ in out) - min(x for x, _ in out) < 300:
                pts = out
            if area(pts) < MIN_AREA:
                continue
            kept = [pts[0]]
            for p in pts[1:]:
                if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= MIN_STEP:
                    kept.append(p)
            if len(kept) < 3:
                continue
            lo, hi = min(x for x, _ in kept), max(x for x, _ in kept)
            copies = [kept]
            if hi > 360:
                copies.append([(x - 360, y) for x, y in kept])
            if lo < 0:
                copies.append([(x + 360, y) for x, y in kept])
            if len(copies) > 1:
                copies = [clip(clip(c, 0, 1), 360, -1) for c in copies]
            copies = [c for c in copies if len(c) >= 3]
            for c in copies:
                cmds = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in c) + "Z"
                parts.append(cmds.replace(".0 ", " ").replace(".0L", "L").replace(".0Z", "Z"))
    path = "".join(parts)
    with open(OUT, "w") as f:
        f.write(path + "\n")
    print(f"wrote {OUT}: {len(path)} bytes, {len(parts)} rings")


if __name__ == "__main__":
    main()
