#!/usr/bin/env python3
"""mkmap.py - the map's two files, made once and committed:

  web/world.svg     the world's countries, Natural Earth 1:110m (public
                    domain), as one SVG path on an equirectangular frame
                    of 360 x 180 units (x = longitude + 180,
                    y = 90 - latitude), coordinates rounded to 0.1 unit
  data/places.tsv   name, latitude, longitude for the canonical names of
                    data/gazetteer.tsv: a city by its largest GeoNames
                    place of that name in the gazetteer's country, a
                    country by the centre of its largest Natural Earth
                    polygon, a first-level subdivision by the centre of
                    its GeoNames places weighted by population; regions
                    and seas get none (the page lists them apart)

usage: mkmap.py --topojson countries-110m.json --gazetteer data/gazetteer.tsv
                --cities geonames-cities1000.tsv [--iso-codes DIR]
                [--svg web/world.svg] [--places data/places.tsv]

countries-110m.json is in the npm package world-atlas 2.0.2 (a TopoJSON
redistribution of Natural Earth 4.1.0):  npm pack world-atlas@2.0.2.
Python's standard library only; the same inputs give the same bytes."""
import argparse
import json
import os
import unicodedata


# --------------------------------------------------------------------
# TopoJSON
# --------------------------------------------------------------------

def decode_arcs(topo):
    """The arcs as lists of (lon, lat): delta-decoded and unquantised."""
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


def ring(arcs, indexes):
    """A ring from arc indexes; ~i is arc i reversed; shared ends once."""
    pts = []
    for i in indexes:
        a = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(a if not pts else a[1:])
    return pts


def polygons(geom, arcs):
    if geom["type"] == "Polygon":
        return [[ring(arcs, r) for r in geom["arcs"]]]
    if geom["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in p] for p in geom["arcs"]]
    return []


def area_centroid(pts):
    """Signed area and centroid of a ring, in degrees (planar)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
        c = x1 * y2 - x2 * y1
        a += c
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    if abs(a) < 1e-12:
        return 0.0, pts[0]
    return a / 2, (cx / (3 * a), cy / (3 * a))


def unwrap(pts):
    """Longitudes kept within 180 of the one before (a ring over the
    antimeridian stays in one piece)."""
    out = []
    for lon, lat in pts:
        if out:
            while lon - out[-1][0] > 180:
                lon -= 360
            while out[-1][0] - lon > 180:
                lon += 360
        out.append((lon, lat))
    return out


def svg_path(polys):
    """One path: every ring, projected, a new subpath at each jump over
    the antimeridian."""
    out = []
    for poly in polys:
        for r in poly:
            prev = None
            for lon, lat in r:
                x, y = round(lon + 180, 1), round(90 - lat, 1)
                cmd = "M" if prev is None or abs(lon - prev) > 180 else "L"
                out.append("%s%g %g" % (cmd, x, y))
                prev = lon
            out.append("Z")
    return "".join(out)


def write_svg(path, polys):
    with open(path, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" '
                'width="360" height="180">\n'
                '<!-- Natural Earth 1:110m countries (public domain), from the npm package '
                'world-atlas 2.0.2; made by web/tools/mkmap.py -->\n'
                '<rect width="360" height="180" fill="#eaf1f8"/>\n'
                '<path fill="#d5dbe3" stroke="#ffffff" stroke-width="0.2" stroke-linejoin="round" d="')
        f.write(svg_path(polys))
        f.write('"/>\n</svg>\n')


# --------------------------------------------------------------------
# Places
# --------------------------------------------------------------------

def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def load_cities(path):
    """folded name -> [(population, country, admin1, lat, lon)]"""
    by_name = {}
    by_admin = {}
    with open(path, encoding="utf-8") as f:
        cols = f.readline().rstrip("\n").split("\t")
        c = {n: i for i, n in enumerate(cols)}
        for line in f:
            r = line.rstrip("\n").split("\t")
            pop = int(r[c["population"]] or 0)
            row = (pop, r[c["country"]], r[c["admin1"]], float(r[c["lat"]]), float(r[c["lon"]]))
            names = {r[c["name"]]} | {a for a in r[c["alt_name"]].split(",") if a}
            for n in names:
                by_name.setdefault(fold(n), []).append(row)
            by_admin.setdefault((row[1], row[2]), []).append(row)
    return by_name, by_admin


def load_gazetteer(path):
    """canonical name -> (classes, countries): from the line of the name
    itself when there is one (not an alias's or a demonym's)."""
    out = {}
    own = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            r = line.rstrip("\n").split("\t")
            if len(r) < 5:
                continue
            name = r[1] or r[0]
            if name in own:
                continue
            if r[1] == "" or name not in out:
                out[name] = (r[2], r[4])
            if r[1] == "":
                own.add(name)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--topojson", required=True)
    ap.add_argument("--gazetteer", required=True)
    ap.add_argument("--cities", required=True)
    ap.add_argument("--iso-codes", default="/usr/share/iso-codes/json")
    ap.add_argument("--svg")
    ap.add_argument("--places")
    a = ap.parse_args()

    topo = json.load(open(a.topojson))
    arcs = decode_arcs(topo)
    geoms = topo["objects"]["countries"]["geometries"]
    all_polys = []
    centre = {}          # ISO numeric -> (lat, lon)
    for g in geoms:
        polys = polygons(g, arcs)
        all_polys.extend(polys)
        best = None
        for p in polys:
            area, c = area_centroid(unwrap(p[0]))
            if best is None or abs(area) > best[0]:
                best = (abs(area), c)
        if best and "id" in g:
            lon = (best[1][0] + 180) % 360 - 180
            centre[g["id"]] = (best[1][1], lon)
    if a.svg:
        write_svg(a.svg, all_polys)
    if not a.places:
        return

    iso = json.load(open(os.path.join(a.iso_codes, "iso_3166-1.json")))["3166-1"]
    alpha2_centre = {c["alpha_2"]: centre[c["numeric"]] for c in iso if c.get("numeric") in centre}
    # A country's code by its name: the gazetteer lists the codes of
    # every place of a name, towns first when they are larger ("Norway"
    # is also a town in the United States).
    iso_by_name = {}
    for c in iso:
        for k in ("name", "common_name", "official_name"):
            if k in c:
                iso_by_name[c[k]] = c["alpha_2"]
    subs = json.load(open(os.path.join(a.iso_codes, "iso_3166-2.json")))["3166-2"]
    sub_codes = {}
    for s in subs:
        sub_codes.setdefault(s["name"], []).append(s["code"])
    by_name, by_admin = load_cities(a.cities)
    gaz = load_gazetteer(a.gazetteer)

    rows = []
    missed = {}
    for name, (classes, countries) in sorted(gaz.items()):
        cls = classes[:1]
        cc = countries[:2]
        pos = None
        if cls in ("C", "D"):
            code = iso_by_name.get(name, cc)
            pos = alpha2_centre.get(code)
        elif cls == "S":
            for code in sub_codes.get(name, []):
                country, sub = code.split("-", 1)
                places = by_admin.get((country, sub), [])
                weight = sum(max(p[0], 1) for p in places)
                if weight and (not cc or country == cc):
                    pos = (sum(p[3] * max(p[0], 1) for p in places) / weight,
                           sum(p[4] * max(p[0], 1) for p in places) / weight)
                    break
        if pos is None and cls not in ("R", "X", "A"):
            cands = by_name.get(fold(name), [])
            same = [p for p in cands if p[1] == cc] or cands
            if same:
                best = max(same, key=lambda p: p[0])
                pos = (best[3], best[4])
        if pos is None:
            missed[cls] = missed.get(cls, 0) + 1
            continue
        rows.append("%s\t%.2f\t%.2f\n" % (name, pos[0], pos[1]))
    with open(a.places, "w", encoding="utf-8") as f:
        f.write("# newsidx places: name, latitude, longitude, for the map of the search page. "
                "Made by web/tools/mkmap.py from data/gazetteer.tsv, GeoNames (geonames.org, "
                "CC-BY 4.0) and Natural Earth (public domain). Contains GeoNames data licensed "
                "under CC-BY 4.0.\n")
        f.writelines(rows)
    print("places: %d with coordinates; without, by class: %s" % (len(rows), missed))


if __name__ == "__main__":
    main()
