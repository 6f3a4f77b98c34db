#!/usr/bin/env python3
"""Every field of many searches' JSON answers, to compare before and after
a change of the search path (doc/performance.md).

usage: bench/answers.py --build DIR --db PATH OUT.json
       bench/answers.py --build DIR --socket PATH OUT.json
       bench/answers.py --compare A.json B.json [--ignore FIELD]

The queries: the benchmark's (../shared/bench/queries.txt, or
$SHARED/bench/queries.txt), the judged relevance queries
(tests/relevance/queries.tsv) and a list below of phrases, fields, OR,
NOT, wildcards, misspellings and relaxed queries; each searched six
ways (as it is, --limit 20, --strict, --all-versions, --sort date,
--offset 7) with newsq --json, in-process (--db) or through a daemon's
socket (--socket).  OUT holds each search's exit status, standard
output and standard error.  --compare prints how many answers differ
and the first few, and exits 1 when any does; with --ignore FIELD
(e.g. snippet) a field of the hits is left out of the comparison, and
how many hits it differs in is counted apart.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

MORE = ['title:"bank of japan"', 'speaker:volcker', 'location:tokyo yen', 'oil OR gas',
        'coff*', 'volkcer', 'opec -saudi', '"said it"', 'date:1987-03 sugar',
        'presidnet reagan', 'grain AND exports', 'copper price', 'cocoa buffer stock',
        'shipping strike', '"money market" rates', 'subject:trade', 'Baker Volcker',
        'interest rate cut']

WAYS = [[], ["--limit", "20"], ["--strict"], ["--all-versions"], ["--sort", "date"],
        ["--offset", "7"]]


def queries():
    shared = os.environ.get("SHARED", os.path.join(TOP, "..", "shared"))
    qs = [l.strip() for l in open(os.path.join(shared, "bench", "queries.txt")) if l.strip()]
    for l in open(os.path.join(TOP, "tests", "relevance", "queries.tsv")):
        if l.startswith("#") or not l.strip():
            continue
        qs.append(l.rstrip("\n").split("\t")[2])
    return qs + MORE


def collect(build, where, out):
    env = {"NEWSIDX_CONFIG": "/dev/null", "PATH": "/usr/bin:/bin"}
    res = {}
    for q in queries():
        for way in WAYS:
            p = subprocess.run([os.path.join(build, "newsq")] + where + ["--json"] + way + [q],
                               capture_output=True, text=True, env=env)
            res[json.dumps([q] + way)] = [p.returncode, p.stdout, p.stderr]
    with open(out, "w") as f:
        json.dump(res, f, indent=0, sort_keys=True)
    print(len(res), "answers in", out)


def without(answer, field, changed):
    """The answer with `field` left out of its hits; `changed` collects
    the field's values by hit, to count those that differ."""
    if answer is None or not field:
        return answer
    try:
        doc = json.loads(answer[1])
    except ValueError:
        return answer
    for i, hit in enumerate(doc.get("hits", [])):
        changed.append((i, hit.pop(field, None)))
    return [answer[0], json.dumps(doc, sort_keys=True), answer[2]]


def compare(a_path, b_path, ignore=None):
    a, b = json.load(open(a_path)), json.load(open(b_path))
    keys = sorted(set(a) | set(b))
    diff, hits, field_diff = [], 0, 0
    for k in keys:
        fa, fb = [], []
        if without(a.get(k), ignore, fa) != without(b.get(k), ignore, fb):
            diff.append(k)
        elif ignore:
            hits += len(fa)
            field_diff += sum(1 for x, y in zip(fa, fb) if x != y)
    print(len(keys), "answers,", len(diff), "differ" +
          (" besides %s; %s differs in %d of their %d hits" % (ignore, ignore, field_diff, hits)
           if ignore else ""))
    for k in diff[:5]:
        print(k)
        for name, side in (("A", a), ("B", b)):
            v = side.get(k) or [None, "", ""]
            print(" " + name, v[0], v[1][:400], v[2][:200])
    return 1 if diff else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build")
    ap.add_argument("--db")
    ap.add_argument("--socket")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"))
    ap.add_argument("--ignore", metavar="FIELD")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare, ignore=args.ignore)
    if not args.build or not args.out or bool(args.db) == bool(args.socket):
        ap.error("give --build, one of --db and --socket, and OUT")
    where = ["--db", args.db] if args.db else ["--socket", args.socket]
    collect(args.build, where, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
