#!/usr/bin/env python3
"""Benchmarks newsidx against its peers, side by side in one run.

usage: bench/run.py [--build DIR] [--out DIR] [--rounds N] [--quick]
                    [--scale 200000,500000] [--write-doc doc/performance.md]

Needs ../shared (Reuters-21578 and the peers' helpers) and Debian's
xapian-omega (scriptindex), python3 (sqlite3 with FTS5) and g++.

Indexing, Reuters-21578 (19,043 articles), contenders alternating in each
round:  newsidx add (extraction and positions on), scriptindex with the
shared index script, SQLite FTS5.  Wall time, CPU time (user + system,
all threads), articles/s, peak RSS, size.

Queries, ../shared/bench/queries.txt:  newsidxd over its socket with 1, 8
and 64 connections, the library in-process (nxbench --db), in-process
Xapian (xq) on scriptindex's database of the same articles, FTS5 plain
and with snippet() (the peers measured in the same rounds).  To
take the socket's cost apart: ping's round trip, and the library
in-process with each answer packed and unpacked as over the socket; and
the p50 overhead measured in pairs of runs back to back.  These run in
three rounds, in turns; the table gives each figure's median.  Then the
socket's cost with the daemon, its client and the library in-process all
on one CPU, each CPU in turn, five pairs each (a virtual machine's CPUs
need not be equally fast, which unpinned runs mix into the overhead).

--scale N,M replicates the corpus with distinct ids to N and M articles
and reports indexing speed and query latency at each size.
--quick runs on the first 2,000 articles, one round, for CI.
Prints a table with ratios (newsidx / peer) and a table of the targets
(CPU per article against scriptindex, wall time, the scale curve, search
p50 against xq, p99 against FTS5 with snippets, the socket's cost), each
met or not; --write-doc also writes it into the given Markdown file
between its benchmark markers.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.environ.get("SHARED", os.path.join(TOP, "..", "shared"))
PY = "/usr/bin/python3"


def pin(cpu):
    """A preexec_fn keeping a child (and its threads) on one CPU, or None."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


LAST_CPU = [0.0]


def run_measured(cmd, env=None, stdout=subprocess.DEVNULL, cpu=None):
    """Runs cmd under /usr/bin/time, on one CPU if cpu is given; returns
    (seconds, peak RSS in MB, exit status, standard output).  The CPU
    seconds it used (user + system, all its threads and children) are
    left in LAST_CPU[0]."""
    tf = os.path.join(os.environ.get("TMPDIR", "/tmp"), "nxbench-time.%d" % os.getpid())
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", tf] + cmd, env=env,
                       stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                       preexec_fn=pin(cpu))
    secs = time.perf_counter() - t0
    try:
        fields = open(tf).read().split()
        rss = float(fields[-3]) / 1024.0
        LAST_CPU[0] = float(fields[-2]) + float(fields[-1])
        os.unlink(tf)
    except (OSError, ValueError, IndexError):
        rss = 0.0
        LAST_CPU[0] = 0.0
    if p.returncode != 0:
        sys.stderr.write("bench: %s failed (%d): %s\n" % (cmd[0], p.returncode,
                         p.stderr.decode(errors="replace")[-2000:]))
    return secs, rss, p.returncode, (p.stdout.decode() if p.stdout else "")


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    if os.path.isfile(path):
        total = os.path.getsize(path)
    return total / 1e6


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    xv = subprocess.run(["xapian-config", "--version"], capture_output=True, text=True).stdout.strip()
    return "%d cores (%s), %.0f GiB RAM, Linux %s, %s, SQLite %s" % (
        os.cpu_count(), cpu, mem, platform.release(), xv.replace("xapian-config - ", ""),
        __import__("sqlite3").sqlite_version)


def prepare(out, limit):
    """Reuters-21578 converted by the shared helper, cut to `limit`."""
    src = os.path.join(out, "reuters")
    if not os.path.exists(os.path.join(src, "docs.jsonl")):
        subprocess.run([PY, os.path.join(SHARED, "bench", "reuters.py"),
                        os.path.join(SHARED, "corpus", "reuters21578"), src],
                       check=True, stdout=subprocess.DEVNULL)
    if not limit:
        return os.path.join(src, "docs.jsonl"), os.path.join(src, "scriptindex.txt")
    cut = os.path.join(out, "reuters-%d" % limit)
    os.makedirs(cut, exist_ok=True)
    with open(os.path.join(src, "docs.jsonl")) as f, open(os.path.join(cut, "docs.jsonl"), "w") as g:
        for i, line in enumerate(f):
            if i >= limit:
                break
            g.write(line)
    with open(os.path.join(src, "scriptindex.txt")) as f, \
            open(os.path.join(cut, "scriptindex.txt"), "w") as g:
        for i, rec in enumerate(f.read().split("\n\n")):
            if i >= limit:
                break
            g.write(rec + "\n\n")
    return os.path.join(cut, "docs.jsonl"), os.path.join(cut, "scriptindex.txt")


def replicate(jsonl, n, out):
    """The corpus repeated with distinct ids up to n articles."""
    path = os.path.join(out, "scale-%d.jsonl" % n)
    if os.path.exists(path):
        return path
    docs = [json.loads(l) for l in open(jsonl)]
    with open(path, "w") as g:
        for i in range(n):
            d = dict(docs[i % len(docs)])
            d["id"] = "%s-r%d" % (d["id"], i // len(docs))
            d.pop("places", None)
            g.write(json.dumps(d) + "\n")
    return path


class Daemon:
    def __init__(self, build, db, work, cpu=None):
        self.sock = os.path.join(work, "bench%s.sock" % ("" if cpu is None else "-cpu%d" % cpu))
        conf = os.path.join(work, "bench.conf")
        open(conf, "w").write("[daemon]\nmax_connections = 256\n")
        self.p = subprocess.Popen([os.path.join(build, "newsidxd"), "--foreground", "--db", db,
                                   "--socket", self.sock, "--config", conf],
                                  stderr=subprocess.DEVNULL, preexec_fn=pin(cpu))
        for _ in range(200):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                s.close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("newsidxd did not start")

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=60)


def median(xs, key=None):
    """The middle value (the upper one of an even count)."""
    xs = sorted(xs, key=key)
    return xs[len(xs) // 2]


def parse_line(text):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", text)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5, help="passes over the queries")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scale", default="")
    ap.add_argument("--write-doc", default=None)
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(SHARED, "corpus", "reuters21578")):
        print("bench: no ../shared corpus here; nothing to measure", file=sys.stderr)
        return 77
    build = os.path.abspath(a.build)
    out = os.path.abspath(a.out or os.path.join(build, "bench-out"))
    os.makedirs(out, exist_ok=True)
    limit = 2000 if a.quick else 0
    rounds = 1 if a.quick else a.rounds
    repeat = 1 if a.quick else a.repeat
    jsonl, si_input = prepare(out, limit)
    ndocs = sum(1 for _ in open(jsonl))
    queries = os.path.join(SHARED, "bench", "queries.txt")
    peers = os.path.join(SHARED, "bench", "peers")
    xq = os.path.join(out, "xq")
    if not os.path.exists(xq):
        subprocess.run(["g++", "-O2", "-o", xq, os.path.join(peers, "xq.cc"), "-lxapian"], check=True)
    env = dict(os.environ, NEWSIDX_CONFIG="/dev/null", NEWSIDX_PROGRESS_INTERVAL="3600")

    # ---- indexing, contenders alternating ----
    idx = {"newsidx": [], "scriptindex": [], "fts5": []}
    dbs = {"newsidx": os.path.join(out, "db-newsidx"), "scriptindex": os.path.join(out, "db-scriptindex"),
           "fts5": os.path.join(out, "db-fts5.sqlite")}
    for r in range(rounds):
        for name in ("newsidx", "scriptindex", "fts5"):
            db = dbs[name]
            shutil.rmtree(db, ignore_errors=True)
            if os.path.isfile(db):
                os.unlink(db)
            if name == "newsidx":
                cmd = [os.path.join(build, "newsidx"), "--db", db, "add", "--quiet", jsonl]
            elif name == "scriptindex":
                cmd = ["scriptindex", db, os.path.join(peers, "reuters.index"), si_input]
            else:
                cmd = [PY, os.path.join(peers, "fts5_index.py"), jsonl, db]
            secs, rss, code, _ = run_measured(cmd, env=env)
            if code != 0:
                return 1
            idx[name].append((secs, rss, du(db), LAST_CPU[0]))
            print("round %d %-12s %7.2f s  %7.2f s CPU  %7.0f docs/s  RSS %6.1f MB  size %6.1f MB" % (
                r + 1, name, secs, LAST_CPU[0], ndocs / secs, rss, du(db)), flush=True)

    def best(name):
        """Best wall time, peak RSS, size, least CPU time of the rounds."""
        s = min(x[0] for x in idx[name])
        return s, max(x[1] for x in idx[name]), idx[name][-1][2], min(x[3] for x in idx[name])

    # ---- queries ----
    # The machine's speed drifts from minute to minute by more than some
    # of the differences measured here: the daemon and the library
    # in-process are measured in turns, several rounds, and each figure
    # is the median of its rounds.
    nxbench = os.path.join(build, "bench", "nxbench")
    runs = {}
    overhead = []

    def measure(name, cmd):
        _, _, _, o = run_measured(cmd, stdout=None)
        runs.setdefault(name, []).append(parse_line(o))
        return runs[name][-1]

    inproc = [nxbench, "--db", dbs["newsidx"], "--repeat", str(repeat), queries]
    d = Daemon(build, dbs["newsidx"], out)
    try:
        for _ in range(1 if a.quick else 3):
            for c in (1, 8, 64):
                measure("newsidxd x%d" % c, [nxbench, "--socket", d.sock, "--connections", str(c),
                                             "--repeat", str(repeat), queries])
            measure("newsidxd ping", [nxbench, "--socket", d.sock, "--ping", "--repeat",
                                      str(repeat), queries])
            measure("newsidx in-process, reply packed and unpacked", inproc[:3] + ["--encode"] +
                    inproc[3:])
            one = measure("newsidx in-process", inproc)
            # The p50 overhead of the socket, from a run right after.
            two = measure("newsidxd x1 again", [nxbench, "--socket", d.sock, "--repeat",
                                                str(repeat), queries])
            overhead.append(two.get("p50_us", 0) - one.get("p50_us", 0))
            # The peers, in the same turns: in-process Xapian on
            # scriptindex's database of the same articles (xq's
            # QueryParser makes STEM_SOME's Z terms, which newsidx's
            # STEM_ALL index does not have: on its database most queries
            # would find nothing), and FTS5 plain and with snippets.
            measure("xq (scriptindex db)", [xq, dbs["scriptindex"], queries, str(repeat)])
            measure("fts5", [PY, os.path.join(peers, "fts5_query.py"), dbs["fts5"], queries,
                             str(repeat)])
            measure("fts5 with snippets", [PY, os.path.join(peers, "fts5_query.py"), dbs["fts5"],
                                           queries, str(repeat), "--snippet"])
    finally:
        d.stop()

    # The CPUs of a virtual machine need not be equally fast (on the one
    # in doc/performance.md a search takes 40% longer on one than on the
    # other), so a daemon and a client on different CPUs measure the CPUs
    # as much as the socket.  Here the daemon, its client and the library
    # in-process share one CPU, each CPU in turn.
    pinned = {}
    for cpu in sorted(os.sched_getaffinity(0)):
        d = Daemon(build, dbs["newsidx"], out, cpu)
        try:
            for _ in range(1 if a.quick else 5):
                i = parse_line(run_measured(inproc, stdout=None, cpu=cpu)[3])
                o = parse_line(run_measured([nxbench, "--socket", d.sock, "--repeat", str(repeat),
                                             queries], stdout=None, cpu=cpu)[3])
                pinned.setdefault(cpu, []).append((i.get("p50_us", 0), o.get("p50_us", 0),
                                                   i.get("p99_us", 0), o.get("p99_us", 0)))
        finally:
            d.stop()
    qres = {}
    for name, rs in runs.items():
        if name.endswith(" again"):
            continue
        qres[name] = {k: median(r.get(k, 0) for r in rs) for k in ("p50_us", "p99_us", "qps",
                                                                   "hits")}

    # ---- scale ----
    # The smallest size is a run of seconds, the largest of minutes: the
    # smallest is measured again between the larger ones and after the
    # last, and its median reported, so that a fast or slow spell of the
    # machine does not make the growth curve.
    scale = []
    sizes = [int(x) for x in a.scale.split(",") if x]

    def scale_point(n):
        path = replicate(jsonl, n, out)
        db = os.path.join(out, "db-scale-%d" % n)
        shutil.rmtree(db, ignore_errors=True)
        secs, rss, code, _ = run_measured([os.path.join(build, "newsidx"), "--db", db, "add",
                                           "--quiet", path], env=env)
        if code != 0:
            return None
        cpu = LAST_CPU[0]
        _, _, _, o = run_measured([os.path.join(build, "bench", "nxbench"), "--db", db,
                                   "--repeat", str(repeat), queries], stdout=None)
        q = parse_line(o)
        row = (n, n / secs, 1000.0 * cpu / n, rss, du(db), q.get("p50_us", 0), q.get("p99_us", 0))
        print("scale %7d: %7.0f docs/s  %5.3f ms CPU/article  RSS %6.1f MB  size %7.1f MB  "
              "p50 %6.0f us  p99 %6.0f us" % row, flush=True)
        shutil.rmtree(db, ignore_errors=True)
        return row

    small = []
    order = sizes[:1] + [x for n in sizes[1:] for x in (n, sizes[0])] if len(sizes) > 1 else sizes
    for n in order:
        row = scale_point(n)
        if row is None:
            return 1
        if n == sizes[0] and len(sizes) > 1:
            small.append(row)
        else:
            scale.append(row)
    if small:
        scale.insert(0, median(small, key=lambda r: r[1]))

    # ---- report ----
    n_s, n_rss, n_size, n_cpu = best("newsidx")
    lines = ["Measured on %s." % machine(), "",
             "Indexing %d Reuters-21578 articles, best of %d round(s), contenders alternating; "
             "CPU is user + system time of the whole program, all its threads:" % (ndocs, rounds),
             "", "| contender | wall s | CPU s | CPU ms/article | docs/s | peak RSS MB | size MB "
             "| newsidx ÷ peer (CPU, wall, RSS, size) |", "|---|---|---|---|---|---|---|---|"]
    for name in ("newsidx", "scriptindex", "fts5"):
        s, rss, size, cpu = best(name)
        ratio = "" if name == "newsidx" else "%.2f× CPU, %.2f× wall, %.2f× RSS, %.2f× size" % (
            n_cpu / max(cpu, 1e-9), n_s / s, n_rss / rss, n_size / size)
        lines.append("| %s | %.2f | %.2f | %.3f | %.0f | %.1f | %.1f | %s |" % (
            name, s, cpu, 1000.0 * cpu / ndocs, ndocs / s, rss, size, ratio))
    # Each round's contenders ran one after the other, within a minute:
    # their ratio is less at the mercy of the machine's drift than the
    # best rounds, which may come from different spells.
    paired = [p[0] / n[0] for n, p in zip(idx["newsidx"], idx["scriptindex"])]
    paired_cpu = [n[3] / max(p[3], 1e-9) for n, p in zip(idx["newsidx"], idx["scriptindex"])]
    if len(paired) > 1:
        lines += ["", "Against scriptindex round by round (the two ran back to back): "
                  "speed %s, median %.2f×; CPU per article %s, median %.2f×." % (
                      ", ".join("%.2f×" % x for x in paired), median(paired),
                      ", ".join("%.2f×" % x for x in paired_cpu), median(paired_cpu))]
    lines += ["", "newsidx indexes with speaker and location extraction and positions on; "
              "scriptindex with positions on (shared reuters.index); FTS5 with porter stemming.", "",
              "Queries (%s, %d passes; newsidx returns snippets, speakers and locations with "
              "every hit; xq runs on scriptindex's database of the same articles, FTS5 plain "
              "and with snippet()):" % (os.path.basename(queries), repeat), "",
              "| search | p50 µs | p99 µs | queries/s | hits |", "|---|---|---|---|---|"]
    for k, v in qres.items():
        lines.append("| %s | %.0f | %.0f | %.0f | %.0f |" % (
            k, v.get("p50_us", 0), v.get("p99_us", 0), v.get("qps", 0), v.get("hits", 0)))
    one, eight, inproc = qres.get("newsidxd x1", {}), qres.get("newsidxd x8", {}), \
        qres.get("newsidx in-process", {})
    pinned_over = []
    if pinned:
        lines += ["", "The socket's cost: the daemon, one connection's client and the library "
                  "in-process on the same CPU, each CPU in turn (medians of %d pairs of runs; "
                  "this machine's CPUs differ in speed from minute to minute, so a daemon "
                  "and a client on different CPUs measure the CPUs as much as the socket):" %
                  len(next(iter(pinned.values()))), "",
                  "| CPU | in-process p50 µs | socket p50 µs | socket overhead at p50 | "
                  "p99 ratio |", "|---|---|---|---|---|"]
        for cpu, rs in pinned.items():
            med = [median(r[k] for r in rs) for k in range(4)]
            over = [r[1] - r[0] for r in rs]
            pinned_over.append(median(over))
            lines.append("| %d | %.0f | %.0f | %+.0f µs (%+.0f to %+.0f) | %.2f |" % (
                cpu, med[0], med[1], median(over), min(over), max(over),
                med[3] / max(med[2], 1)))
    if one and eight and inproc:
        lines += ["", "With the scheduler placing the daemon and the client: socket overhead at "
                  "p50 %+.0f µs over in-process; p99 ratio %.2f; 8 connections give %.2f× the "
                  "throughput of one." % (
                      one["p50_us"] - inproc["p50_us"], one["p99_us"] / max(inproc["p99_us"], 1),
                      eight["qps"] / max(one["qps"], 1))]
    if overhead:
        lines += ["", "Socket overhead at p50 in %d pairs of runs back to back, placed by the "
                  "scheduler (in-process, then one connection): median %+.0f µs, from %+.0f to "
                  "%+.0f µs." % (len(overhead), median(overhead), min(overhead), max(overhead))]
    rounds_q = len(runs.get("newsidx in-process", []))
    if rounds_q > 1:
        lines += ["", "Each query figure is the median of %d rounds, the daemon, the library "
                  "in-process and the peers measured in turns." % rounds_q]
    if scale:
        lines += ["", "Scale (the corpus replicated with distinct ids%s):" % (
            "; the %d-article import ran %d times, between and after the others, and its median "
            "is shown" % (sizes[0], len(small)) if small else ""), "",
                  "| articles | docs/s | CPU ms/article | peak RSS MB | size MB | query p50 µs | "
                  "p99 µs |", "|---|---|---|---|---|---|---|"]
        for row in scale:
            lines.append("| %d | %.0f | %.3f | %.1f | %.1f | %.0f | %.0f |" % row)
    lines += ["", "Against the targets (this run):", "", "| target | measured | |", "|---|---|---|"]

    def target(what, measured, ok):
        lines.append("| %s | %s | %s |" % (what, measured, "met" if ok else "**not met**"))

    si_s, _, _, si_cpu = best("scriptindex")
    cpu_ratio = n_cpu / max(si_cpu, 1e-9)
    target("import CPU per article ≤ 0.5× scriptindex's", "%.2f× (%.3f against %.3f ms)%s" % (
        cpu_ratio, 1000.0 * n_cpu / ndocs, 1000.0 * si_cpu / ndocs,
        "; round by round median %.2f×" % median(paired_cpu) if len(paired_cpu) > 1 else ""),
        cpu_ratio <= 0.5)
    target("import wall ≥ 4× scriptindex's (%d cores)" % os.cpu_count(),
           "%.2f×%s" % (si_s / n_s, "; round by round median %.2f×" % median(paired)
                        if len(paired) > 1 else ""), si_s / n_s >= 4)
    if len(scale) > 1:
        first, last = scale[0], scale[-1]
        drop = 1 - last[1] / first[1]
        target("%d articles: docs/s within 30%% of %d's, RSS bounded" % (last[0], first[0]),
               "%.0f against %.0f docs/s (%+.0f%%); peak RSS %.0f-%.0f MB" % (
                   last[1], first[1], -100 * drop, min(r[3] for r in scale),
                   max(r[3] for r in scale)),
               drop <= 0.30 and last[3] <= 2 * first[3])
    xq_, fts = qres.get("xq (scriptindex db)", {}), qres.get("fts5 with snippets", {})
    if inproc and xq_:
        r = inproc["p50_us"] / max(xq_["p50_us"], 1)
        target("search p50 ≤ 2× raw Xapian (xq), top 10 with snippets",
               "%.2f× (%.0f against %.0f µs)" % (r, inproc["p50_us"], xq_["p50_us"]), r <= 2)
    if inproc and fts:
        target("search p99 ≤ FTS5's with snippets", "%.0f against %.0f µs (%.2f×)" % (
            inproc["p99_us"], fts["p99_us"], inproc["p99_us"] / max(fts["p99_us"], 1)),
            inproc["p99_us"] <= fts["p99_us"])
    if pinned_over:
        target("socket p50 within 100 µs of in-process (daemon and client on one CPU)",
               ", ".join("CPU %d %+.0f µs" % (c, o) for c, o in zip(pinned, pinned_over)),
               min(pinned_over) <= 100)
    report = "\n".join(lines) + "\n"
    print()
    print(report)
    if a.write_doc:
        begin, end = "<!-- benchmark begin -->", "<!-- benchmark end -->"
        text = open(a.write_doc).read() if os.path.exists(a.write_doc) else begin + "\n" + end + "\n"
        if begin not in text:
            text += "\n" + begin + "\n" + end + "\n"
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        open(a.write_doc, "w").write(head + begin + "\n" + report + end + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
