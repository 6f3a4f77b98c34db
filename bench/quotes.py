#!/usr/bin/env python3
"""Who said what, measured: the size quotations add to the index, and
the latency of searches of quotations (the quotes method) at scale.

    bench/quotes.py [--build BUILD] [--before BUILD] [--out DIR]
                    [--articles 105000] [--repeat R] [--rounds N]

1. Size: Reuters-21578 (../shared, the shared converter) indexed by
   --before (a build without quotations in the index, e.g. of the commit
   before them) and by --build, one after the other: wall and CPU time,
   index size, the growth in percent.  Skipped without --before.
2. Speed: the corpus repeated with distinct ids to --articles (105,000,
   as bench/run.py's scale points do), indexed by --build, then
   bench/quote-queries.txt through nxbench --quotes in-process (--db) and
   through a newsidxd on a socket, R passes (5) per round, N rounds (3);
   the medians of p50 and p99.  The load average is printed before each
   round: figures taken above 2 are noisy, and say so.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# newsidxd on a socket of its own, and the corpus repeated up to a size,
# as bench/run.py makes them
from run import Daemon, replicate

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(TOP, "..", "shared")
PY = sys.executable
ENV = dict(os.environ, NEWSIDX_CONFIG="/dev/null")


def load():
    return os.getloadavg()[0]


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def index(build, src, db):
    """Indexes src into a new db; (wall s, CPU s)."""
    shutil.rmtree(db, ignore_errors=True)
    tf = db + ".time"
    t0 = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%U %S", "-o", tf, os.path.join(build, "newsidx"),
                    "--db", db, "add", "--quiet", src], env=ENV, check=True)
    wall = time.perf_counter() - t0
    user, sys_ = (float(x) for x in open(tf).read().split()[-2:])
    return wall, user + sys_


def corpus(out):
    src = os.path.join(out, "reuters")
    if not os.path.exists(os.path.join(src, "docs.jsonl")):
        subprocess.run([PY, os.path.join(SHARED, "bench", "reuters.py"),
                        os.path.join(SHARED, "corpus", "reuters21578"), src],
                       check=True, stdout=subprocess.DEVNULL)
    return os.path.join(src, "docs.jsonl")


def nxbench(build, args):
    p = subprocess.run([os.path.join(build, "bench", "nxbench")] + args, capture_output=True,
                       text=True, env=ENV, check=True)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", p.stdout)}


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--before", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--articles", type=int, default=105000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(SHARED, "corpus", "reuters21578")):
        sys.exit("bench/quotes.py: needs ../shared/corpus/reuters21578")
    out = a.out or tempfile.mkdtemp(prefix="newsidx-quotes-bench-")
    os.makedirs(out, exist_ok=True)
    docs = corpus(out)
    queries = os.path.join(TOP, "bench", "quote-queries.txt")

    if a.before:
        before = index(a.before, docs, os.path.join(out, "db-before"))
        after = index(a.build, docs, os.path.join(out, "db-after"))
        sb, sa = du(os.path.join(out, "db-before")), du(os.path.join(out, "db-after"))
        print("size on Reuters-21578: before %.1f MB (%.1f s, CPU %.1f s), with quotations "
              "%.1f MB (%.1f s, CPU %.1f s): %+.1f%%" %
              (sb / 1e6, before[0], before[1], sa / 1e6, after[0], after[1],
               100.0 * (sa - sb) / sb))

    db = os.path.join(out, "db-%d" % a.articles)
    if not os.path.isdir(db):
        wall, cpu = index(a.build, replicate(docs, a.articles, out), db)
        print("indexed %d articles in %.0f s (CPU %.0f s), %.1f MB" %
              (a.articles, wall, cpu, du(db) / 1e6))
    rows = {"in-process": [], "socket": []}
    d = Daemon(a.build, db, out)
    try:
        for r in range(a.rounds):
            print("round %d: load average %.2f%s" % (r + 1, load(),
                                                      "" if load() < 2 else " (busy: noisy)"))
            rows["in-process"].append(nxbench(a.build, ["--db", db, "--quotes", "--repeat",
                                                        str(a.repeat), queries]))
            rows["socket"].append(nxbench(a.build, ["--socket", d.sock, "--quotes", "--repeat",
                                                    str(a.repeat), queries]))
    finally:
        d.stop()
    print("\n| quotes, %d articles | p50 µs | p99 µs | quotations per query |" % a.articles)
    print("|---|---|---|---|")
    for name, rs in rows.items():
        print("| %s | %.0f | %.0f | %.1f |" % (
            name, median([x["p50_us"] for x in rs]), median([x["p99_us"] for x in rs]),
            median([x["hits"] / max(1.0, x["queries"]) for x in rs])))


if __name__ == "__main__":
    main()
