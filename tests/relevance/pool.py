#!/usr/bin/env python3
"""Pools the candidate articles to judge for each query (README says how).

usage: tests/relevance/pool.py [--build DIR] [--work DIR] [--depth N]
                               [--only ID,ID] [--chars N] OUT

For every query of queries.tsv, the union of
  A  newsidx, the query as written (AND), first DEPTH
  B  newsidx, the query's words joined by OR, first DEPTH
  C  quest BM25 (bench/relevance.py's), first DEPTH
  G  the regex of pool-hints.tsv over title and body, most matches first
     (a title match counts 3), first DEPTH
  L  articles carrying the category labels of pool-hints.tsv, those
     matching the regex first, first DEPTH / 2
written to OUT/pool.tsv (query, article, which pools and ranks) and, for
reading, OUT/QUERY.txt with the date, dateline, title and the start of the
body of each candidate (--chars, default 500).  Articles already judged in
qrels.tsv are marked so that a second round reads only new ones.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "bench"))
import relevance as R  # noqa: E402


def labels(sgmdir):
    """{article id: set of "kind:value"} from the SGML category lines."""
    out = {}
    for name in sorted(os.listdir(sgmdir)):
        if not name.endswith(".sgm"):
            continue
        s = open(os.path.join(sgmdir, name), encoding="latin-1").read()
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', s, re.S):
            got = set()
            for kind in ("TOPICS", "PLACES", "PEOPLE", "ORGS"):
                c = re.search(r"<%s>(.*?)</%s>" % (kind, kind), m.group(2), re.S)
                if c:
                    got.update("%s:%s" % (kind.lower(), v) for v in re.findall(r"<D>(.*?)</D>", c.group(1)))
            out["reuters-" + m.group(1)] = got
    return out


def has_labels(spec, got):
    """spec: alternatives separated by ",", each a "+"-joined conjunction."""
    return any(all(p in got for p in alt.split("+")) for alt in spec.split(",") if alt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--work")
    ap.add_argument("--depth", type=int, default=20)
    ap.add_argument("--only")
    ap.add_argument("--chars", type=int, default=500)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    work = os.path.abspath(args.work or os.path.join(build, "relevance"))
    os.makedirs(work, exist_ok=True)
    data, nxdb, sidb = R.build_dbs(work, build)
    docs = {}
    with open(os.path.join(data, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d
    cats = labels(os.path.join(R.SHARED, "corpus", "reuters21578"))
    hints = {r[0]: r[1:] + [""] * (3 - len(r)) for r in R.read_tsv(os.path.join(HERE, "pool-hints.tsv"), 2)}
    qrels = R.load_qrels(os.path.join(HERE, "qrels.tsv")) if os.path.exists(
        os.path.join(HERE, "qrels.tsv")) else {}
    only = set(args.only.split(",")) if args.only else None
    os.makedirs(args.out, exist_ok=True)
    n = args.depth
    with open(os.path.join(args.out, "pool.tsv"), "w") as pool:
        for qid, qtype, query, need in R.load_queries(os.path.join(HERE, "queries.tsv")):
            if only and qid not in only:
                continue
            regex, spec = hints[qid][0], hints[qid][1]
            rx = re.compile(regex, re.I | re.S)
            words = re.findall(r"[A-Za-z0-9]+", query)
            runs = {
                "A": R.search_newsidx(build, nxdb, query, n),
                "B": R.search_newsidx(build, nxdb, " OR ".join(words), n),
                "C": R.search_bm25(sidb, query, n),
            }
            counted = []
            for aid, d in docs.items():
                c = 3 * len(rx.findall(d["title"])) + len(rx.findall(d["body"]))
                if c:
                    counted.append((-c, aid))
            counted.sort()
            runs["G"] = [aid for _, aid in counted[:n]]
            regexed = dict((aid, -c) for c, aid in counted)
            lab = [aid for aid in docs if spec and has_labels(spec, cats.get(aid, ()))]
            lab.sort(key=lambda a: (-regexed.get(a, 0), a))
            runs["L"] = lab[:max(1, n // 2)]
            seen = {}
            for sysname in "ABCGL":
                for rank, aid in enumerate(runs[sysname], 1):
                    seen.setdefault(aid, []).append("%s%d" % (sysname, rank))
            old = qrels.get(qid, {})
            with open(os.path.join(args.out, qid + ".txt"), "w") as txt:
                txt.write("%s [%s] %s\nNEED: %s\n%d candidates, %d already judged\n\n" % (
                    qid, qtype, query, need, len(seen), sum(a in old for a in seen)))
                for aid in sorted(seen, key=lambda a: int(a.split("-")[1])):
                    pool.write("%s\t%s\t%s\n" % (qid, aid, " ".join(seen[aid])))
                    d = docs[aid]
                    body = re.sub(r"\s+", " ", d["body"])
                    txt.write("%s%s %s %s | %s | %s\n    %s\n" % (
                        "=" if aid in old else "", aid, d["date"], d["dateline"], d["title"],
                        " ".join(seen[aid]), body[:args.chars]))
            print("%s %d candidates" % (qid, len(seen)), file=sys.stderr)


if __name__ == "__main__":
    main()
