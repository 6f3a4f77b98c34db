#!/usr/bin/env python3
"""What Xapian alone costs to write newsidx's documents, against scriptindex.

usage: bench/floor.py [--build DIR] [--out DIR] [--rounds N] [--callgrind N]

Reuters-21578 is imported once by newsidx add; bench/replay.cc then reads
each finished document of that index back (every term with its wdf and
positions, the values, the document data) and writes it into a new
database with one writer, flushing every 2,000 documents as newsidx's
parts do: nothing of newsidx's own work (reading articles, extraction,
building documents, the spelling table, the parts' merge) is in it.  The
same program with "-" for the new database only reads and builds the
documents; the difference of the two runs is Xapian's writing alone.

In each round, in turns: scriptindex importing the same records (the
issue's yardstick), newsidx add, the replay reading, the replay writing;
CPU seconds (user + system) of each.  The floor is (writing - reading) /
scriptindex: newsidx's import can cost no less than that ratio of
scriptindex's CPU while it writes these documents with Xapian.

--callgrind N also counts instructions (valgrind's callgrind, repeatable
on a loaded machine) over the first N articles and over all of them for
the replay, as doc/performance.md reports them.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (prepare, run_measured, median)


def instructions(cmd, env):
    """Instructions callgrind counts for cmd (all its threads)."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1])
    raise RuntimeError("callgrind gave no count for %s" % cmd[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(run.TOP, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--callgrind", type=int, default=0, metavar="N")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(run.SHARED, "corpus", "reuters21578")):
        print("floor: no ../shared corpus here; nothing to measure", file=sys.stderr)
        return 77
    build = os.path.abspath(a.build)
    out = os.path.abspath(a.out or os.path.join(build, "bench-floor"))
    os.makedirs(out, exist_ok=True)
    jsonl, si_input = run.prepare(out, 0)
    replay = os.path.join(out, "replay")
    subprocess.run(["g++", "-O2", "-o", replay, os.path.join(HERE, "replay.cc"), "-lxapian"], check=True)
    env = dict(os.environ, NEWSIDX_CONFIG="/dev/null", NEWSIDX_PROGRESS_INTERVAL="3600",
               XAPIAN_FLUSH_THRESHOLD="2000")
    nx_db, si_db, copy_db = (os.path.join(out, n) for n in ("db-newsidx", "db-scriptindex", "db-copy"))
    index = os.path.join(run.SHARED, "bench", "peers", "reuters.index")
    cmds = {"scriptindex": ["scriptindex", si_db, index, si_input],
            "newsidx add": [os.path.join(build, "newsidx"), "--db", nx_db, "add", "--quiet", jsonl],
            "replay, reading": [replay, nx_db, "-"],
            "replay, writing": [replay, nx_db, copy_db]}
    cpu = {name: [] for name in cmds}
    for r in range(a.rounds):
        for name, cmd in cmds.items():
            for db in (si_db, copy_db) if name in ("scriptindex", "replay, writing") else ():
                shutil.rmtree(db, ignore_errors=True)
            if name == "newsidx add":
                shutil.rmtree(nx_db, ignore_errors=True)
            _, _, code, _ = run.run_measured(cmd, env=env)
            if code != 0:
                return 1
            cpu[name].append(run.LAST_CPU[0])
        floor = (cpu["replay, writing"][-1] - cpu["replay, reading"][-1]) / cpu["scriptindex"][-1]
        print("round %d: " % (r + 1) + ", ".join("%s %.2f s" % (n, c[-1]) for n, c in cpu.items()) +
              "; Xapian's writing alone %.2fx scriptindex" % floor, flush=True)
    floors = [(w - rd) / s for w, rd, s in zip(cpu["replay, writing"], cpu["replay, reading"],
                                               cpu["scriptindex"])]
    nx = [n / s for n, s in zip(cpu["newsidx add"], cpu["scriptindex"])]
    print("CPU, rounds' medians: newsidx add %.2fx scriptindex; Xapian writing newsidx's documents "
          "alone %.2fx (rounds %s)" % (run.median(nx), run.median(floors),
                                       ", ".join("%.2f" % f for f in floors)))
    if a.callgrind:
        cut_jsonl, cut_si = run.prepare(out, a.callgrind)
        cut_db = os.path.join(out, "db-newsidx-cut")
        for db in (cut_db, si_db, copy_db):
            shutil.rmtree(db, ignore_errors=True)
        si = instructions(["scriptindex", si_db, index, cut_si], env)
        # A batch committed on its timer under valgrind would make the
        # count depend on the machine's speed: batches by size alone.
        conf = os.path.join(out, "callgrind.conf")
        open(conf, "w").write("[index]\nbatch_seconds = 86400\n")
        nxi = instructions([os.path.join(build, "newsidx"), "--db", cut_db, "--config", conf,
                            "add", "--quiet", cut_jsonl], env)
        rd = instructions([replay, nx_db, "-", str(a.callgrind)], env)
        wr = instructions([replay, nx_db, copy_db, str(a.callgrind)], env)
        print("instructions, first %d articles: scriptindex %.2f G, newsidx add %.2f G (%.2fx), "
              "Xapian writing newsidx's documents alone %.2f G (%.2fx)"
              % (a.callgrind, si / 1e9, nxi / 1e9, nxi / si, (wr - rd) / 1e9, (wr - rd) / si))
    return 0


if __name__ == "__main__":
    sys.exit(main())
