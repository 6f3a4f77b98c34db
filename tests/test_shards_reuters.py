"""Reuters-21578 in three shards, each served by its own xapian-tcpsrv on
loopback, searched as one index: for every benchmark query the top ten
are those of the same articles in one database (ties may reorder), with
the same scores, because Xapian merges the shards' rankings with global
statistics.  Then one shard is killed (the declared error, or a partial
answer naming it) and restarted (used again without restarting anything).
Needs ../shared and Debian's xapian-tools."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from corpus import have_reuters, reuters_jsonl  # noqa: E402
from tcpsrv import HAVE_TCPSRV, TcpServer, free_port  # noqa: E402

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.path.join(SRC, "..", "shared")
ENV = dict(os.environ, NEWSIDX_CONFIG="/dev/null")
ENV.pop("NEWSIDX_DB", None)
ENV.pop("NEWSIDX_SOCKET", None)
HAVE = have_reuters() and HAVE_TCPSRV
NSHARDS = 3


def run(*args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True, env=ENV)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def search(where, query, *extra):
    """newsq --json over a database (--db) or a configuration (--config)."""
    p = run(os.path.join(BUILD, "newsq"), *where, "--json", *extra, "--", query, check=False)
    if p.returncode not in (0, 1):
        raise AssertionError("newsq %r: exit %d: %s" % (query, p.returncode, p.stderr))
    return json.loads(p.stdout)


@unittest.skipUnless(HAVE, "needs ../shared/corpus/reuters21578 and xapian-tcpsrv")
class ThreeShards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-shards.")
        cls.servers = {}
        try:
            cls._prepare()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _prepare(cls):
        cls.jsonl = reuters_jsonl(cls.tmp)
        cls.single = os.path.join(cls.tmp, "single")
        run(os.path.join(BUILD, "newsidx"), "--db", cls.single, "add", "--quiet", cls.jsonl)
        # The shards are written locally, then each is served read-only.
        cls.paths = [os.path.join(cls.tmp, "shard%d" % i) for i in range(NSHARDS)]
        local = os.path.join(cls.tmp, "local.conf")
        with open(local, "w") as f:
            f.write("[shards]\n" + "".join("shard = %s\n" % p for p in cls.paths))
        run(os.path.join(BUILD, "newsidx"), "--config", local, "add", "--shards", "--quiet",
            cls.jsonl)
        cls.ports = [free_port() for _ in cls.paths]
        for i in range(NSHARDS):
            cls.start(i)
        cls.conf = os.path.join(cls.tmp, "remote.conf")
        with open(cls.conf, "w") as f:
            f.write("[shards]\n" + "".join("shard = 127.0.0.1:%d\n" % p for p in cls.ports) +
                    "timeout = 2s\n")
        with open(os.path.join(SHARED, "bench", "queries.txt")) as f:
            cls.queries = [q.strip() for q in f if q.strip()]

    @classmethod
    def start(cls, i):
        cls.servers[i] = TcpServer(cls.paths[i], cls.ports[i])

    @classmethod
    def stop(cls, i):
        server = cls.servers.pop(i, None)
        if server:
            server.stop()

    @classmethod
    def tearDownClass(cls):
        for i in list(cls.servers):
            cls.stop(i)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_1_every_shard_holds_a_share(self):
        out = json.loads(run(os.path.join(BUILD, "newsidx"), "--config", self.conf, "stats",
                             "--json").stdout)
        self.assertEqual(out["documents"], 19043)
        counts = [s["documents"] for s in out["shards"]]
        self.assertEqual(len(counts), NSHARDS)
        for c in counts:     # a hash spreads them: each near a third
            self.assertGreater(c, 19043 / NSHARDS * 0.9, counts)

    def test_2_top_ten_as_in_one_database(self):
        compared = 0
        for q in self.queries:
            one = search(["--db", self.single], q, "--limit", "30")
            many = search(["--config", self.conf], q, "--limit", "10")
            hits1 = one["hits"]
            self.assertEqual(len(many["hits"]), min(10, len(hits1)), q)
            if not hits1:
                continue
            compared += 1
            score = {h["id"]: h["score"] for h in hits1}
            tenth = hits1[min(10, len(hits1)) - 1]["score"]
            eps = 1e-9 * max(1.0, abs(tenth))
            # Each sharded hit is one of the single database's top ten,
            # or ties with its tenth, and has the same score there.
            for h in many["hits"]:
                self.assertIn(h["id"], score, "%r: %s is not in the single top 30" % (q, h["id"]))
                self.assertAlmostEqual(h["score"], score[h["id"]], places=6,
                                       msg="%r: score of %s" % (q, h["id"]))
                self.assertGreaterEqual(h["score"], tenth - eps, q)
            # And every article scoring above the tenth is there.
            ids = {h["id"] for h in many["hits"]}
            for h in hits1[:10]:
                if h["score"] > tenth + eps:
                    self.assertIn(h["id"], ids, "%r: %s missing across shards" % (q, h["id"]))
        self.assertGreaterEqual(compared, len(self.queries) - 2)

    def test_3_facets_and_phrases_across_shards(self):
        one = search(["--db", self.single], '"Bank of Japan"', "--facets")
        many = search(["--config", self.conf], '"Bank of Japan"', "--facets")
        self.assertEqual(many["total"], one["total"])
        self.assertIn("first eight", " ".join(many.get("notes", [])))
        # Xapian's counter on remote shards counts every version of a
        # story: the one database's counts of articles are the same kind.
        self.assertIn("every version", " ".join(many.get("notes", [])))
        one = search(["--db", self.single], '"Bank of Japan"', "--facets", "--all-versions")
        top1 = one["facets"]["locations"][0]
        topn = many["facets"]["locations"][0]
        self.assertEqual(topn[0] if isinstance(topn, list) else topn["name"],
                         top1[0] if isinstance(top1, list) else top1["name"])

    def test_4_a_killed_shard_then_back(self):
        full = search(["--config", self.conf], "oil", "--limit", "1")
        self.stop(1)
        try:
            p = run(os.path.join(BUILD, "newsq"), "--config", self.conf, "--json", "oil",
                    check=False)
            self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
            self.assertIn("127.0.0.1:%d" % self.ports[1], p.stderr + p.stdout)
            part = search(["--config", self.conf], "oil", "--partial", "--limit", "1")
            self.assertEqual(part["missing_shards"], ["127.0.0.1:%d" % self.ports[1]])
            self.assertLess(part["total"], full["total"])
            self.assertGreater(part["total"], 0)
        finally:
            self.start(1)
        back = search(["--config", self.conf], "oil", "--limit", "1")
        self.assertEqual(back["total"], full["total"])
        self.assertFalse(back.get("missing_shards"))

    def test_5_the_daemon_takes_a_shard_back_without_restarting(self):
        sock = os.path.join(self.tmp, "d.sock")
        # Shards served read-only take no writer: the daemon must be told.
        p = subprocess.run([os.path.join(BUILD, "newsidxd"), "--foreground", "--config", self.conf,
                            "--socket", sock], capture_output=True, text=True, env=ENV, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--read-only", p.stderr)
        d = subprocess.Popen([os.path.join(BUILD, "newsidxd"), "--foreground", "--read-only",
                              "--config", self.conf, "--socket", sock],
                             stderr=subprocess.DEVNULL, env=ENV)
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            full = search(["--socket", sock], "oil", "--limit", "1")
            p = run(os.path.join(BUILD, "newsidx"), "--socket", sock, "rm", "reuters-5",
                    check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("read-only", p.stderr)
            self.stop(2)
            part = search(["--socket", sock], "oil", "--partial", "--limit", "1")
            self.assertEqual(part["missing_shards"], ["127.0.0.1:%d" % self.ports[2]])
            p = run(os.path.join(BUILD, "newsq"), "--socket", sock, "--json", "oil", check=False)
            self.assertEqual(p.returncode, 3)
            self.start(2)
            deadline = time.time() + 10
            back = None
            while time.time() < deadline:
                back = search(["--socket", sock], "oil", "--partial", "--limit", "1")
                if not back.get("missing_shards"):
                    break
                time.sleep(0.5)
            self.assertFalse(back.get("missing_shards"))
            self.assertEqual(back["total"], full["total"])
        finally:
            d.send_signal(signal.SIGTERM)
            self.assertEqual(d.wait(20), 0)


if __name__ == "__main__":
    tap.main()
