"""The answers of the benchmark queries do not change unnoticed.

The first 3,000 articles of Reuters-21578 (from ../shared; skipped
without it) are indexed with two threads (two parts, so that document
numbers, which break ties, are the same on every machine), and each
query of ../shared/bench/queries.txt is searched for its top 20, with
--all-versions (the file predates the collapsing of a story's versions
into one hit, which changes which articles make the top 10 but not
their scores; the collapse has tests of its own).  The
top 10 must be tests/answers.tsv's: the same ids with the same scores
in the same order, where articles of equal score may come in any order
(and the last such group of the ten may be cut at another member of the
group, which the expected top 20 holds).

The expected file was made by the code before the import and search
were tuned for speed; a change meant to alter the ranking regenerates
it, on purpose and in its own commit:
    tests/test_answers.py --write   (BUILDDIR, SRCDIR as for make check)"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from corpus import have_reuters, reuters_jsonl  # noqa: E402

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.path.join(SRC, "..", "shared")
HAVE = have_reuters()
EXPECTED = os.path.join(SRC, "tests", "answers.tsv")
ARTICLES = 3000
ENV = dict(os.environ)
for k in ("NEWSIDX_DB", "NEWSIDX_SOCKET"):
    ENV.pop(k, None)

STATE = {}


def setUpModule():
    if not HAVE:
        return
    tmp = tempfile.mkdtemp(prefix="newsidx-answers-")
    STATE["tmp"] = tmp
    docs = reuters_jsonl(tmp, ARTICLES)
    conf = os.path.join(tmp, "newsidx.conf")
    with open(conf, "w") as f:
        f.write("[index]\nthreads = 2\n")
    STATE["env"] = dict(ENV, NEWSIDX_CONFIG=conf)
    db = os.path.join(tmp, "db")
    p = subprocess.run([os.path.join(BUILD, "newsidx"), "--db", db, "add", "--quiet", docs],
                       capture_output=True, text=True, env=STATE["env"])
    if p.returncode != 0:
        raise AssertionError("newsidx add: " + p.stderr)
    STATE["db"] = db


def tearDownModule():
    if "tmp" in STATE:
        shutil.rmtree(STATE["tmp"], ignore_errors=True)


def queries():
    with open(os.path.join(SHARED, "bench", "queries.txt")) as f:
        return [line.strip() for line in f if line.strip()]


def top20(query):
    """[(id, score)] of the query's first 20 hits."""
    p = subprocess.run([os.path.join(BUILD, "newsq"), "--db", STATE["db"], "--json",
                        "--limit", "20", "--all-versions", query], capture_output=True, text=True,
                       env=STATE["env"])
    if p.returncode not in (0, 1):
        raise AssertionError("newsq %r: exit %d: %s" % (query, p.returncode, p.stderr))
    return [(h["id"], float(h["score"])) for h in json.loads(p.stdout)["hits"]]


def load_expected():
    want = {}
    with open(EXPECTED) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            q, rank, id_, score = line.rstrip("\n").split("\t")
            want.setdefault(q, []).append((id_, float(score)))
    return want


def same(a, b):
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-9)


def groups(hits):
    """Runs of equal score: [(score, [ids])]."""
    out = []
    for id_, score in hits:
        if out and same(out[-1][0], score):
            out[-1][1].append(id_)
        else:
            out.append((score, [id_]))
    return out


def compare(got, want):
    """None when the top 10 of got is the top 10 of want, up to the
    order within groups of equal score; else what differs."""
    g10, w10 = got[:10], want[:10]
    if len(g10) != len(w10):
        return "%d hits, expected %d" % (len(g10), len(w10))
    for i, ((gi, gs), (wi, ws)) in enumerate(zip(g10, w10)):
        if not same(gs, ws):
            return "rank %d: %s with score %.6g, expected %s with %.6g" % (i + 1, gi, gs, wi, ws)
    gg, wg, wide = groups(g10), groups(w10), groups(want)
    for k, ((_, gids), (score, wids)) in enumerate(zip(gg, wg)):
        if k < len(wg) - 1:
            if sorted(gids) != sorted(wids):
                return "score %.6g: %s, expected %s" % (score, sorted(gids), sorted(wids))
        else:
            # The last group may be cut: its members come from the whole
            # group in the expected top 20.
            whole = next(ids for s, ids in wide if same(s, score))
            if not set(gids) <= set(whole):
                return "score %.6g: %s, expected some of %s" % (score, sorted(gids), whole)
    return None


@unittest.skipUnless(HAVE, "needs ../shared/corpus/reuters21578")
class Answers(unittest.TestCase):
    def test_benchmark_queries_answer_as_before(self):
        want = load_expected()
        self.assertEqual(sorted(want), sorted(queries()),
                         "tests/answers.tsv holds other queries than queries.txt")
        for q in queries():
            with self.subTest(query=q):
                problem = compare(top20(q), want[q])
                self.assertIsNone(problem, "%r: %s" % (q, problem))

    def test_the_comparison_can_fail(self):
        want = load_expected()
        q = "oil prices"
        got = list(want[q])
        self.assertIsNone(compare(got, want[q]))
        swapped = [got[1], got[0]] + got[2:]
        if not same(got[0][1], got[1][1]):
            self.assertIsNotNone(compare(swapped, want[q]))
        self.assertIsNotNone(compare(got[:9], want[q]))
        self.assertIsNotNone(compare([("reuters-0", got[0][1])] + got[1:], want[q]))
        self.assertIsNotNone(compare([(got[0][0], got[0][1] * 1.01)] + got[1:], want[q]))


def write():
    setUpModule()
    try:
        with open(EXPECTED, "w") as f:
            f.write("# query\trank\tid\tscore: the first %d Reuters-21578 articles, "
                    "tests/test_answers.py --write\n" % ARTICLES)
            for q in queries():
                for rank, (id_, score) in enumerate(top20(q), 1):
                    f.write("%s\t%d\t%s\t%.9g\n" % (q, rank, id_, score))
    finally:
        tearDownModule()


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        if not HAVE:
            sys.exit("needs ../shared/corpus/reuters21578")
        write()
    else:
        tap.main()
