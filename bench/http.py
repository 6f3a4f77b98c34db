#!/usr/bin/env python3
"""http.py - the search page's API against the socket, for the same
searches: one newsidxd over Reuters-21578 serves both its Unix socket and
HTTP; nxbench (MessagePack-RPC over the socket) and httpbench (GET
/api/search over a kept-alive HTTP/1.1 connection, the answer decoded as
JSON) send the queries of ../shared/bench/queries.txt in turns, ROUNDS
times each, one connection and then eight.  Prints each run and the
medians of the p50 and p99 and their ratios (HTTP / socket), and the
median of the ratios of each HTTP run to the socket run just before it.

usage: bench/http.py [--build BUILD] [--out DIR] [--rounds N] [--repeat R]
                     [--quick] [--write-doc doc/performance.md]

Exit status 77 without ../shared.  --write-doc replaces the text between
the "http benchmark" markers of the file with the table."""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
SHARED = os.environ.get("SHARED", os.path.join(SRC, "..", "shared"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("newsidxd did not open port %d" % port)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("%s: %s" % (" ".join(cmd), p.stderr))
    kv = dict(f.split("=", 1) for f in p.stdout.split())
    return {"mode": kv["mode"], "conns": int(kv["connections"]), "n": int(kv["queries"]),
            "hits": int(kv["hits"]), "p50": float(kv["p50_us"]), "p99": float(kv["p99_us"]),
            "qps": float(kv["qps"])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--out")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-doc")
    a = ap.parse_args()
    reuters = os.path.join(SHARED, "corpus", "reuters21578")
    queries = os.path.join(SHARED, "bench", "queries.txt")
    if not os.path.isdir(reuters) or not os.path.exists(queries):
        print("http.py: no ../shared (Reuters-21578, bench/queries.txt)", file=sys.stderr)
        return 77
    if a.quick:
        a.rounds, a.repeat = 1, 1
    out = a.out or os.path.join(a.build, "bench-out", "http")
    os.makedirs(out, exist_ok=True)
    docs = os.path.join(out, "docs.jsonl")
    if not os.path.exists(docs):
        subprocess.run(["python3", os.path.join(SHARED, "bench", "reuters.py"), reuters, out],
                       check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, NEWSIDX_CONFIG="/dev/null")
    db = os.path.join(out, "db")
    if not os.path.isdir(db):
        subprocess.run([os.path.join(a.build, "newsidx"), "--db", db, "add", "--quiet", docs],
                       check=True, env=env)
    home = tempfile.mkdtemp(prefix="newsidx-httpbench.")
    sock = os.path.join(home, "s.sock")
    port = free_port()
    conf = os.path.join(home, "newsidx.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\nmax_connections = 64\n")
    d = subprocess.Popen([os.path.join(a.build, "newsidxd"), "--db", db, "--socket", sock,
                          "--config", conf, "--read-only", "--foreground",
                          "--http", "127.0.0.1:%d" % port],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        while not os.path.exists(sock):
            time.sleep(0.05)
        nxbench = os.path.join(a.build, "bench", "nxbench")
        httpbench = os.path.join(a.build, "bench", "httpbench")
        rows = {}
        # Warm the caches and both paths once.
        run([nxbench, "--socket", sock, "--repeat", "1", queries])
        run([httpbench, "--http", "127.0.0.1:%d" % port, "--repeat", "1", queries])
        for conns in (1, 8):
            for r in range(a.rounds):
                for name, cmd in (("socket", [nxbench, "--socket", sock]),
                                  ("http", [httpbench, "--http", "127.0.0.1:%d" % port])):
                    got = run(cmd + ["--connections", str(conns), "--repeat", str(a.repeat), queries])
                    rows.setdefault((name, conns), []).append(got)
                    print("%-6s %d conn round %d: %6d queries %7d hits  p50 %7.1f us  p99 %8.1f us  %7.0f q/s"
                          % (name, conns, r + 1, got["n"], got["hits"], got["p50"], got["p99"], got["qps"]))
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(60)
        shutil.rmtree(home, True)
    lines = ["| connections | socket p50 | HTTP p50 | ratio | paired p50 ratio | socket p99 | HTTP p99 | ratio | socket q/s | HTTP q/s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for conns in (1, 8):
        s, h = rows[("socket", conns)], rows[("http", conns)]
        med = lambda rs, k: statistics.median(x[k] for x in rs)
        if med(s, "n") and s[0]["hits"] != h[0]["hits"]:
            print("warning: the socket found %d hits, HTTP %d" % (s[0]["hits"], h[0]["hits"]))
        # Each HTTP run against the socket run just before it: a slow
        # spell of the machine then moves both.
        paired = statistics.median(y["p50"] / x["p50"] for x, y in zip(s, h))
        lines.append("| %d | %.0f us | %.0f us | %.2fx | %.2fx | %.0f us | %.0f us | %.2fx | %.0f | %.0f |" % (
            conns, med(s, "p50"), med(h, "p50"), med(h, "p50") / med(s, "p50"), paired,
            med(s, "p99"), med(h, "p99"), med(h, "p99") / med(s, "p99"), med(s, "qps"), med(h, "qps")))
    table = "\n".join(lines)
    print()
    print(table)
    if a.write_doc:
        text = open(a.write_doc).read()
        begin, end = "<!-- http benchmark -->", "<!-- /http benchmark -->"
        block = "%s\n%s\n%s" % (begin, table, end)
        if begin in text:
            text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
        else:
            text += "\n" + block + "\n"
        with open(a.write_doc, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
