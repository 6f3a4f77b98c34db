#!/usr/bin/env python3
"""Relevance check: newsidx against plain BM25 on judged Reuters queries.

usage: bench/relevance.py [--build DIR] [--work DIR] [--queries FILE]
                          [--qrels FILE] [--limit N] [--per-query]
                          [--write-doc [FILE]]

Needs ../shared (or $SHARED): Reuters-21578, its converter and the
scriptindex index script; and Debian's xapian-omega (scriptindex) and
xapian-tools (quest).

Both databases are built once in the work directory (default
BUILD/relevance) and reused while they are complete:
  newsidx      newsidx add of docs.jsonl (title, dateline, body; the
               speakers and locations it extracts itself)
  bm25         scriptindex with the shared index script, the dateline
               also indexed as free text so that both systems search the
               same title, dateline and body text.

Every query of tests/relevance/queries.tsv goes, exactly as written, to
  newsidx      newsq --db DB --json --limit 100 QUERY  (its own parser:
               AND by default, English stemming)
  bm25         quest -d DB -m 100 -o or -s english -f default QUERY
               (quest's defaults, as Omega would search: OR, English
               stemming of unquoted words, its stopword list, BM25)
and is scored against tests/relevance/qrels.tsv:
  MAP          mean average precision over the 100 results, an article
               counting as relevant at grade 1 or 2; R is the number of
               judged relevant articles of the query.
  nDCG@10      gains 2^grade - 1, discount log2(rank + 1), normalised by
               the best ordering of all judged articles of the query.
  P@10         relevant (grade >= 1) among the first 10; missing ranks
               count as not relevant.
Unjudged articles count as not relevant (as trec_eval does); judged@10
says how many of the first 10 were judged at all.

--relaxed adds a third row, "newsidx-or": newsq with the query's words
joined by OR.  It is not a mode of the product; it shows what newsidx's
own index and field weights give once the AND default is lifted, as the
planned relaxed fallback would.

--write-doc writes the tables into doc/relevance.md (or FILE) between
its relevance markers.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.environ.get("SHARED", os.path.join(TOP, "..", "shared"))
PY = "/usr/bin/python3"
RELDIR = os.path.join(TOP, "tests", "relevance")
BEGIN = "<!-- relevance:begin -->"
END = "<!-- relevance:end -->"
SYSTEMS = ("newsidx", "bm25")
RELAXED = "newsidx-or"
TYPES = (("all", None), ("short", ("keyword", "name")), ("long", ("long",)),
         ("keyword", ("keyword",)), ("name", ("name",)))


# Two fixed halves of the queries, to tell a ranking change that
# generalises from one fitted to this set: odd-numbered ids of each type
# (k01, k03, ..., n01, ..., l01, ...) are half A, even-numbered half B.
# The split was fixed before any figure was seen; a change is kept only
# if it does not lose on either half.
def half_of(qid):
    return "A" if int(re.sub(r"\D", "", qid)) % 2 == 1 else "B"


HALVES = (("half A", "A"), ("half B", "B"))


def die(msg):
    sys.stderr.write("relevance: %s\n" % msg)
    sys.exit(2)


def read_tsv(path, ncols):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < ncols:
                die("%s:%d: want %d tab-separated columns" % (path, n, ncols))
            rows.append(cols)
    return rows


def load_queries(path):
    """[(id, type, query, need)] in file order."""
    out = []
    for qid, qtype, query, need in (r[:4] for r in read_tsv(path, 4)):
        if qtype not in ("keyword", "name", "long"):
            die("%s: query %s has unknown type %r" % (path, qid, qtype))
        out.append((qid, qtype, query, need))
    return out


def load_qrels(path):
    """{query id: {article id: grade}}."""
    qrels = {}
    for qid, aid, grade in (r[:3] for r in read_tsv(path, 3)):
        g = int(grade)
        if g not in (0, 1, 2):
            die("%s: grade %r for %s %s" % (path, grade, qid, aid))
        qrels.setdefault(qid, {})[aid] = g
    return qrels


# ---------------------------------------------------------------------
# The two databases
# ---------------------------------------------------------------------

def convert(work):
    out = os.path.join(work, "reuters")
    if not os.path.exists(os.path.join(out, "done")):
        conv = os.path.join(SHARED, "bench", "reuters.py")
        sgm = os.path.join(SHARED, "corpus", "reuters21578")
        if not os.path.exists(conv) or not os.path.isdir(sgm):
            die("no Reuters-21578 or its converter under %s (set SHARED)" % SHARED)
        shutil.rmtree(out, ignore_errors=True)
        print("converting Reuters-21578 ...", file=sys.stderr)
        subprocess.run([PY, conv, sgm, out], check=True, stdout=subprocess.DEVNULL)
        open(os.path.join(out, "done"), "w").close()
    return out


def peer_script(work):
    """The shared index script with the dateline also indexed as free text
    (the shared one puts it under the XL prefix only), so a plain word of
    the dateline is found by both systems."""
    src = os.path.join(SHARED, "bench", "peers", "reuters.index")
    lines = []
    for line in open(src, encoding="utf-8"):
        m = re.match(r"(\s*dateline\s*:.*?)\s*$", line)
        if m and not re.search(r"(^|\s)index(\s|$)", m.group(1)):
            line = m.group(1).replace("index=XL", "index=XL index") + "\n"
        lines.append(line)
    path = os.path.join(work, "reuters.index")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return path


def build_dbs(work, build):
    data = convert(work)
    nxdb = os.path.join(work, "newsidx-db")
    # Indexed again when newsidx's index format changed.
    fmt = "format %d\n" % NEWSIDX_FORMAT
    done = os.path.join(work, "newsidx.done")
    if not os.path.exists(done) or open(done).read() != fmt:
        shutil.rmtree(nxdb, ignore_errors=True)
        print("indexing with newsidx ...", file=sys.stderr)
        subprocess.run([os.path.join(build, "newsidx"), "--db", nxdb, "add", "--quiet",
                        os.path.join(data, "docs.jsonl")], check=True,
                       env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        with open(done, "w") as f:
            f.write(fmt)
    sidb = os.path.join(work, "bm25-db")
    if not os.path.exists(os.path.join(work, "bm25.done")):
        shutil.rmtree(sidb, ignore_errors=True)
        script = peer_script(work)
        print("indexing with scriptindex ...", file=sys.stderr)
        subprocess.run(["scriptindex", "--stemmer=english", sidb, script,
                        os.path.join(data, "scriptindex.txt")], check=True,
                       stdout=subprocess.DEVNULL)
        open(os.path.join(work, "bm25.done"), "w").close()
    return data, nxdb, sidb


# ---------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------

# The search settings newsq uses (--config): the defaults unless a file
# with other [search] or [weights] BM25 settings is given.
SEARCH_CONFIG = "/dev/null"
# The index format of this tree (include/newsidx.h).
NEWSIDX_FORMAT = int(re.search(r"NEWSIDX_FORMAT_VERSION (\d+)",
                               open(os.path.join(TOP, "include", "newsidx.h")).read()).group(1))


def search_newsidx(build, db, query, limit):
    # Every version of a story: the judgments count each article, so the
    # ranking is measured before versions are folded into one hit.
    p = subprocess.run([os.path.join(build, "newsq"), "--db", db, "--json", "--all-versions",
                        "--limit", str(limit), query],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, NEWSIDX_CONFIG=SEARCH_CONFIG))
    if p.returncode not in (0, 1):
        die("newsq failed on %r: %s" % (query, p.stderr.decode(errors="replace").strip()))
    out = p.stdout.decode()
    if not out.strip():
        return []
    return [h["id"] for h in json.loads(out)["hits"]]


MATCH = re.compile(r"^\d+: \[[-+0-9.eE]+\]$")


def search_bm25(db, query, limit):
    p = subprocess.run(["quest", "-d", db, "-m", str(limit), "-o", "or", "-s", "english",
                        "-f", "default", query],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        die("quest failed on %r: %s" % (query, p.stderr.decode(errors="replace").strip()))
    ids, want = [], False
    for line in p.stdout.decode("utf-8", errors="replace").split("\n"):
        if MATCH.match(line):
            want = True
        elif want and line.startswith("id="):
            ids.append(line[3:].strip())
            want = False
    return ids


# ---------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------

def average_precision(ranked, rels):
    relevant = sum(1 for g in rels.values() if g >= 1)
    if relevant == 0:
        return 0.0
    hits, total = 0, 0.0
    for i, aid in enumerate(ranked, 1):
        if rels.get(aid, 0) >= 1:
            hits += 1
            total += hits / i
    return total / relevant


def dcg(grades):
    return sum((2 ** g - 1) / math.log2(i + 1) for i, g in enumerate(grades, 1))


def ndcg(ranked, rels, k=10):
    ideal = dcg(sorted(rels.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([rels.get(aid, 0) for aid in ranked[:k]]) / ideal


def precision(ranked, rels, k=10):
    return sum(1 for aid in ranked[:k] if rels.get(aid, 0) >= 1) / k


def judged(ranked, rels, k=10):
    top = ranked[:k]
    return sum(1 for aid in top if aid in rels) / len(top) if top else 1.0


def score(ranked, rels):
    return {"ap": average_precision(ranked, rels), "ndcg": ndcg(ranked, rels),
            "p10": precision(ranked, rels), "judged": judged(ranked, rels),
            "found": len(ranked), "relfound": sum(1 for a in ranked if rels.get(a, 0) >= 1)}


def or_form(query):
    """The query's words joined by OR (newsq's operator), for --relaxed."""
    return " OR ".join(re.findall(r"[A-Za-z0-9]+", query))


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else 0.0


# ---------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------

def tables(queries, qrels, results, per_query, systems=SYSTEMS):
    rows = []
    rows.append("Queries: %d (%d keyword, %d name, %d long); judged articles: %d "
                "(%d relevant at grade 1 or 2, %d at grade 2)." % (
                    len(queries), sum(q[1] == "keyword" for q in queries),
                    sum(q[1] == "name" for q in queries), sum(q[1] == "long" for q in queries),
                    sum(len(qrels.get(q[0], {})) for q in queries),
                    sum(sum(g >= 1 for g in qrels.get(q[0], {}).values()) for q in queries),
                    sum(sum(g == 2 for g in qrels.get(q[0], {}).values()) for q in queries)))
    rows.append("")
    rows.append("| queries | n | system | MAP | nDCG@10 | P@10 | no result | judged@10 |")
    rows.append("|---|---:|---|---:|---:|---:|---:|---:|")
    groups = [(name, [q for q in queries if types is None or q[1] in types])
              for name, types in TYPES[:1]]
    groups += [(name, [q for q in queries if half_of(q[0]) == h]) for name, h in HALVES]
    groups += [(name, [q for q in queries if q[1] in types]) for name, types in TYPES[1:]]
    for name, qs in groups:
        if not qs:
            continue
        for system in systems:
            s = [results[system][q[0]] for q in qs]
            rows.append("| %s | %d | %s | %.3f | %.3f | %.3f | %d | %.2f |" % (
                name, len(qs), system, mean(x["ap"] for x in s), mean(x["ndcg"] for x in s),
                mean(x["p10"] for x in s), sum(1 for x in s if x["found"] == 0),
                mean(x["judged"] for x in s if x["found"])))
    rows.append("")
    rows.append("half A = queries with odd numbers (k01, k03, ..., n01, ..., l01, ...), "
                "half B = even numbers.  short = keyword and name queries.  no result = "
                "queries the system answered with no article at all.")
    if RELAXED in systems:
        rows.append("newsidx-or is not a mode of the product: newsq given the query's words "
                    "joined by OR.")
    if per_query:
        rows.append("")
        rows.append("Per query: relevant = judged relevant articles; found = articles "
                    "returned (at most 100), of which relevant.")
        rows.append("")
        head = "| id | type | query | relevant |"
        rule = "|---|---|---|---:|"
        for system in systems:
            head += " %s found | AP | nDCG@10 |" % system
            rule += "---:|---:|---:|"
        rows.append(head)
        rows.append(rule)
        for qid, qtype, query, _ in queries:
            rel = sum(1 for g in qrels.get(qid, {}).values() if g >= 1)
            line = "| %s | %s | %s | %d |" % (qid, qtype, query, rel)
            for system in systems:
                r = results[system][qid]
                line += " %d (%d) | %.3f | %.3f |" % (r["found"], r["relfound"], r["ap"], r["ndcg"])
            rows.append(line)
    return "\n".join(rows) + "\n"


def write_doc(path, text):
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        die("%s has no %s ... %s markers" % (path, BEGIN, END))
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + text + END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILDDIR", os.path.join(TOP, "build")))
    ap.add_argument("--work", help="where the databases live (default BUILD/relevance)")
    ap.add_argument("--queries", default=os.path.join(RELDIR, "queries.tsv"))
    ap.add_argument("--qrels", default=os.path.join(RELDIR, "qrels.tsv"))
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--per-query", action="store_true", help="also a line per query")
    ap.add_argument("--write-doc", nargs="?", const=os.path.join(TOP, "doc", "relevance.md"),
                    metavar="FILE")
    ap.add_argument("--runs", metavar="FILE", help="also write every ranking as JSON")
    ap.add_argument("--relaxed", action="store_true",
                    help="also newsidx with the words joined by OR (not a product mode)")
    ap.add_argument("--config", metavar="FILE",
                    help="newsq's settings (search time only: bm25_k1, bm25_b, relax_below)")
    args = ap.parse_args()
    global SEARCH_CONFIG
    if args.config:
        SEARCH_CONFIG = os.path.abspath(args.config)

    build = os.path.abspath(args.build)
    if not os.access(os.path.join(build, "newsq"), os.X_OK):
        die("no newsq in %s (build first, or --build DIR)" % build)
    for tool in ("scriptindex", "quest"):
        if not shutil.which(tool):
            die("no %s (Debian's xapian-omega and xapian-tools)" % tool)
    work = os.path.abspath(args.work or os.path.join(build, "relevance"))
    os.makedirs(work, exist_ok=True)
    queries = load_queries(args.queries)
    qrels = load_qrels(args.qrels)
    missing = [q[0] for q in queries if q[0] not in qrels]
    if missing:
        die("no judgments for %s" % " ".join(missing))

    _, nxdb, sidb = build_dbs(work, build)
    systems = SYSTEMS + ((RELAXED,) if args.relaxed else ())
    results = {s: {} for s in systems}
    runs = {s: {} for s in systems}
    for qid, _, query, _ in queries:
        runs["newsidx"][qid] = search_newsidx(build, nxdb, query, args.limit)
        runs["bm25"][qid] = search_bm25(sidb, query, args.limit)
        if args.relaxed:
            runs[RELAXED][qid] = search_newsidx(build, nxdb, or_form(query), args.limit)
        for s in systems:
            results[s][qid] = score(runs[s][qid], qrels[qid])
    if args.runs:
        with open(args.runs, "w") as f:
            json.dump(runs, f, indent=1)

    text = tables(queries, qrels, results, args.per_query or bool(args.write_doc), systems)
    sys.stdout.write(text)
    if args.write_doc:
        write_doc(args.write_doc, text)
        print("wrote %s" % args.write_doc, file=sys.stderr)


if __name__ == "__main__":
    main()
