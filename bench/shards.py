#!/usr/bin/env python3
"""Benchmarks an index in 1 and in 3 shards against one local database.

usage: bench/shards.py [--build DIR] [--out DIR] [--rounds N] [--repeat N]
                       [--quick] [--write-doc doc/scaling.md]

Needs ../shared (Reuters-21578 and queries.txt) and Debian's xapian-tools
(xapian-tcpsrv).

Indexing, Reuters-21578 (19,043 articles), the three alternating in each
round:  newsidx --db DB add (one local database); newsidx --config FILE
add --shards into 1 and into 3 local shard directories (articles placed
by a hash of their id).  Wall time, articles/s, peak RSS, size.

Queries, ../shared/bench/queries.txt, over each index:  in-process
(nxbench --db, or nxbench --config over the [shards] of a file) and
through newsidxd started on the same database or configuration (nxbench
--socket, 1 and 8 connections).  The indexes:
  one local database        what bench/run.py measures
  1 remote shard            the 1-shard database served by xapian-tcpsrv
  3 remote shards           each shard served by its own xapian-tcpsrv
  3 local shards            the same three directories opened directly:
                            merging shards without the network
Every xapian-tcpsrv listens on loopback on this machine, so the figures
show what sharding and the remote protocol cost, not what spreading the
shards over machines would gain.

--quick runs on the first 2,000 articles, one round, one pass.  Prints a
table; --write-doc also writes it into the given Markdown file between
<!-- shards benchmark begin --> and <!-- shards benchmark end --> (added
at the end of the file when absent; the rest of the file is kept).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
import run as common  # noqa: E402  (bench/run.py: machine(), prepare(), ...)

TOP = common.TOP
SHARED = common.SHARED
BEGIN, END = "<!-- shards benchmark begin -->", "<!-- shards benchmark end -->"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(ready, what, tries=200):
    for _ in range(tries):
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError("%s did not start" % what)


def connects(family, addr):
    s = socket.socket(family)
    try:
        s.settimeout(0.2)
        s.connect(addr)
        return True
    except OSError:
        return False
    finally:
        s.close()


class Servers:
    """The processes the benchmark starts, stopped by their pid at the end.
    xapian-tcpsrv signals its whole process group when it stops, so each
    runs in a session of its own."""

    def __init__(self, logdir):
        self.procs = []
        self.log = open(os.path.join(logdir, "servers.log"), "ab")

    def tcpsrv(self, db, writable=False):
        port = free_port()
        p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1",
                              "--port", str(port)] + (["--writable"] if writable else []) + [db],
                             stdout=self.log, stderr=self.log, start_new_session=True)
        self.procs.append(p)
        wait_until(lambda: p.poll() is None and connects(socket.AF_INET, ("127.0.0.1", port)),
                   "xapian-tcpsrv on %s" % db)
        return "127.0.0.1:%d" % port

    def daemon(self, build, sock, conf, db=None, read_only=False):
        if os.path.exists(sock):
            os.unlink(sock)
        cmd = [os.path.join(build, "newsidxd"), "--foreground", "--socket", sock, "--config", conf]
        if db:
            cmd += ["--db", db]
        if read_only:
            cmd.append("--read-only")
        p = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, start_new_session=True)
        self.procs.append(p)
        wait_until(lambda: p.poll() is None and connects(socket.AF_UNIX, sock), "newsidxd")
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def stop_all(self):
        for p in list(reversed(self.procs)):
            self.stop(p)
        self.log.close()


def write_conf(path, shards, extra=""):
    with open(path, "w") as f:
        f.write("[daemon]\nmax_connections = 256\n")
        if shards:
            f.write("[shards]\n")
            for s in shards:
                f.write("shard = %s\n" % s)
            f.write("timeout = 5s\n")
        f.write(extra)
    return path


def shard_docs(build, conf, env):
    """Articles per shard, from newsidx stats --json."""
    p = subprocess.run([os.path.join(build, "newsidx"), "--config", conf, "stats", "--json"],
                       env=env, capture_output=True, text=True)
    try:
        return [s["documents"] for s in json.loads(p.stdout).get("shards", [])]
    except (ValueError, KeyError):
        return []


def write_doc(path, report):
    """Puts report between the markers of the file, adding them at its end
    when absent; the rest of the file stays as it is."""
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN not in text or END not in text.split(BEGIN, 1)[1]:
        if text:
            text += ("" if text.endswith("\n") else "\n") + "\n"
        text += BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + report + END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=None, help="work directory (default BUILD/bench-out)")
    ap.add_argument("--rounds", type=int, default=2, help="indexing rounds (best is kept)")
    ap.add_argument("--repeat", type=int, default=10, help="passes over the queries")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-doc", default=None)
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(SHARED, "corpus", "reuters21578")):
        print("shards: no ../shared corpus here; nothing to measure", file=sys.stderr)
        return 77
    if not shutil.which("xapian-tcpsrv"):
        print("shards: no xapian-tcpsrv (Debian xapian-tools); nothing to measure", file=sys.stderr)
        return 77
    build = os.path.abspath(a.build)
    out = os.path.abspath(a.out or os.path.join(build, "bench-out"))
    work = os.path.join(out, "shards")
    os.makedirs(work, exist_ok=True)
    limit = 2000 if a.quick else 0
    rounds = 1 if a.quick else a.rounds
    repeat = 1 if a.quick else a.repeat
    jsonl, _ = common.prepare(out, limit)
    ndocs = sum(1 for _ in open(jsonl))
    queries = os.path.join(SHARED, "bench", "queries.txt")
    nxbench = os.path.join(build, "bench", "nxbench")
    # No daemon of the user's may take the articles (add sends them to one
    # when its socket answers), and no config of the user's applies.
    env = dict(os.environ, NEWSIDX_CONFIG="/dev/null", NEWSIDX_PROGRESS_INTERVAL="3600",
               NEWSIDX_SOCKET=os.path.join(work, "no-daemon.sock"))

    local_db = os.path.join(work, "db-local")
    dirs = {1: [os.path.join(work, "one", "s0")],
            3: [os.path.join(work, "three", "s%d" % i) for i in range(3)]}
    wconf = {n: write_conf(os.path.join(work, "write-%d.conf" % n), dirs[n]) for n in (1, 3)}

    # ---- indexing, the three alternating ----
    names = ("one local database", "1 shard", "3 shards")
    idx = {k: [] for k in names}
    for r in range(rounds):
        for name in names:
            if name == names[0]:
                targets = [local_db]
                cmd = [os.path.join(build, "newsidx"), "--db", local_db, "add", "--quiet", jsonl]
            else:
                n = 1 if name == "1 shard" else 3
                targets = dirs[n]
                cmd = [os.path.join(build, "newsidx"), "--config", wconf[n], "add", "--shards",
                       "--quiet", jsonl]
            for t in targets:
                shutil.rmtree(t, ignore_errors=True)
            secs, rss, code, _ = common.run_measured(cmd, env=env)
            if code != 0:
                return 1
            size = sum(common.du(t) for t in targets)
            idx[name].append((secs, rss, size))
            print("round %d %-20s %7.2f s  %7.0f docs/s  RSS %6.1f MB  size %6.1f MB" % (
                r + 1, name, secs, ndocs / secs, rss, size), flush=True)
    spread = {n: shard_docs(build, wconf[n], env) for n in (1, 3)}
    if sum(spread[3]) != ndocs or sum(spread[1]) != ndocs:
        print("shards: the shards hold %s articles, not %d" % (spread, ndocs), file=sys.stderr)
        return 1

    # ---- queries ----
    # newsidxd opens a writer unless it is --read-only; a daemon without
    # that option gets a writable xapian-tcpsrv per shard for its writer
    # (idle: nothing is written), searches still go to the read-only ones.
    help_text = subprocess.run([os.path.join(build, "newsidxd"), "--help"], capture_output=True,
                               text=True).stdout
    daemon_ro = "--read-only" in help_text
    srv = Servers(work)
    qres = []   # (index, search, {p50_us, p99_us, qps, hits})
    try:
        setups = [("one local database", None, local_db, False)]
        for n, label in ((1, "1 remote shard"), (3, "3 remote shards")):
            remote = [srv.tcpsrv(d) for d in dirs[n]]
            if not daemon_ro:
                remote = ["%s %s" % (r, srv.tcpsrv(d, writable=True)) for r, d in zip(remote, dirs[n])]
            setups.append((label, write_conf(os.path.join(work, "read-%d.conf" % n), remote), None,
                           daemon_ro))
        setups.append(("3 local shards", write_conf(os.path.join(work, "read-3-local.conf"),
                                                    dirs[3]), None, False))
        plain = write_conf(os.path.join(work, "plain.conf"), [])
        sock = os.path.join(work, "bench.sock")
        for label, conf, db, read_only in setups:
            target = ["--db", db] if db else ["--config", conf]
            _, _, code, o = common.run_measured([nxbench] + target + ["--repeat", str(repeat),
                                                                      queries], stdout=None)
            if code != 0:
                return 1
            qres.append((label, "in-process", common.parse_line(o)))
            d = srv.daemon(build, sock, conf or plain, db, read_only)
            try:
                for c in (1, 8):
                    _, _, code, o = common.run_measured(
                        [nxbench, "--socket", sock, "--connections", str(c), "--repeat",
                         str(repeat), queries], stdout=None)
                    if code != 0:
                        return 1
                    qres.append((label, "newsidxd x%d" % c, common.parse_line(o)))
            finally:
                srv.stop(d)
            for _, search, v in qres[-3:]:
                print("%-20s %-14s p50 %6.0f us  p99 %6.0f us  %6.0f queries/s" % (
                    label, search, v.get("p50_us", 0), v.get("p99_us", 0), v.get("qps", 0)),
                    flush=True)
    finally:
        srv.stop_all()

    # Every index holds the same articles: the hits returned must agree.
    hits = {}
    for label, search, v in qres:
        per_query = v.get("hits", 0) / max(v.get("queries", 1), 1)
        hits.setdefault(search, set()).add(round(per_query, 3))
    mismatch = [s for s, h in hits.items() if len(h) > 1]

    # ---- report ----
    def best(name):
        rows = idx[name]
        return min(x[0] for x in rows), max(x[1] for x in rows), rows[-1][2]

    lines = ["Measured on %s; every xapian-tcpsrv on loopback on the same machine." %
             common.machine(), "",
             "Indexing %d Reuters-21578 articles, best of %d round(s), the three alternating:" %
             (ndocs, rounds), "",
             "| index | wall s | docs/s | peak RSS MB | size MB | articles per shard |",
             "|---|---|---|---|---|---|"]
    for name in names:
        s, rss, size = best(name)
        per = "" if name == names[0] else " / ".join(
            str(x) for x in spread[1 if name == "1 shard" else 3])
        cmd = "newsidx --db DB add" if name == names[0] else "newsidx add --shards"
        lines.append("| %s (%s) | %.2f | %.0f | %.1f | %.1f | %s |" % (
            name, cmd, s, ndocs / s, rss, size, per))
    lines += ["", "Queries (%s, %d pass(es); every hit with its snippet, speakers and "
              "locations; xapian-tcpsrv serves the remote shards read-only, %s):" %
              (os.path.basename(queries), repeat,
               "newsidxd over them runs --read-only" if daemon_ro else
               "newsidxd over them writes through an idle writable xapian-tcpsrv per shard"), "",
              "| index | search | p50 µs | p99 µs | queries/s |", "|---|---|---|---|---|"]
    for label, search, v in qres:
        lines.append("| %s | %s | %.0f | %.0f | %.0f |" % (
            label, search, v.get("p50_us", 0), v.get("p99_us", 0), v.get("qps", 0)))

    def get(label, search):
        for l, s, v in qres:
            if l == label and s == search:
                return v
        return {}

    summary = []
    for search in ("in-process", "newsidxd x8"):
        one, three, loc = (get("1 remote shard", search), get("3 remote shards", search),
                           get("one local database", search))
        if one and three and loc:
            summary.append(
                "%s: 3 remote shards against 1, p99 %.2f×, throughput %.2f×; "
                "1 remote shard against the local database, p50 %+.0f µs, throughput %.2f×." % (
                    search, three["p99_us"] / max(one["p99_us"], 1),
                    three["qps"] / max(one["qps"], 1), one["p50_us"] - loc["p50_us"],
                    one["qps"] / max(loc["qps"], 1)))
    if summary:
        lines += [""] + summary
    if mismatch:
        lines += ["", "Warning: the indexes returned different numbers of hits (%s)." %
                  ", ".join(mismatch)]
    report = "\n".join(lines) + "\n"
    print()
    print(report)
    if a.write_doc:
        write_doc(a.write_doc, report)
    return 2 if mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
