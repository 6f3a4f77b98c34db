"""newsidx add killed with SIGKILL at random moments (doc/reliability.md,
promise 1).  Reuters-21578 as JSON Lines, imported with small batches so
that commits come often; after each kill:

  - the database opens and xapian-check finds no error;
  - every article the import reported as committed (its --progress-fd
    lines, and the "N committed" of its progress lines) is in it, and
    nothing else;
  - running the same import again ends with every article, once.

make check runs a short version (3 kills, the first 3,000 articles);
make check-long the full one (20 kills, all 19,043).  Both can be set:
NX_CRASH_KILLS, NX_CRASH_ARTICLES (0 = all), NX_CRASH_SEED."""
import glob
import json
import os
import random
import re
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
from daemon import NEWSIDX, environment  # noqa: E402

KILLS = int(os.environ.get("NX_CRASH_KILLS", "3"))
ARTICLES = int(os.environ.get("NX_CRASH_ARTICLES", "3000"))
SEED = int(os.environ.get("NX_CRASH_SEED", str(int(time.time()))))
BATCH = int(os.environ.get("NX_CRASH_BATCH", "50"))

PROGRESS = re.compile(r"^newsidx: (\d+) read, (\d+) committed, (\d+) rejected")


def note(msg):
    print("# " + msg, flush=True)


class CrashDuringImport(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-crash.")
        if not have_reuters():
            return
        cls.input = reuters_jsonl(cls.tmp, ARTICLES or None)
        with open(cls.input) as f:
            cls.ids = [json.loads(line)["id"] for line in f]
        if ARTICLES:    # the first ARTICLES are a file of their own
            shutil.rmtree(os.path.join(cls.tmp, "reuters"))
        cls.conf = os.path.join(cls.tmp, "small.conf")
        with open(cls.conf, "w") as f:
            f.write("[index]\nbatch_docs = %d\n" % BATCH)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def setUp(self):
        if not hasattr(self, "ids"):
            self.skipTest("no ../shared/corpus/reuters21578")

    # -- running the import --

    def start(self, db, log):
        """newsidx add of the input into db, --progress-fd into log,
        progress lines every 50 ms on stderr (a file: not a terminal)."""
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        err = open(log + ".err", "wb")
        try:
            p = subprocess.Popen(
                [NEWSIDX, "--config", self.conf, "--db", db, "add", "--progress-fd", str(fd),
                 self.input],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                pass_fds=(fd,), env=environment(NEWSIDX_PROGRESS_INTERVAL="0.05"))
        finally:
            os.close(fd)
            err.close()
        return p

    def finish(self, db):
        """The same import, run to its end."""
        r = subprocess.run([NEWSIDX, "--config", self.conf, "--db", db, "add", "--quiet",
                            self.input], capture_output=True, text=True, timeout=1800,
                           env=environment())
        self.assertEqual(r.returncode, 0, r.stderr)

    # -- what a killed import left --

    def reported(self, log):
        """(N, id) of the last whole --progress-fd line, checking each
        line on the way; and the highest "N committed" on stderr."""
        last = (0, None)
        with open(log, "rb") as f:
            data = f.read().decode()
        lines = data.split("\n")[:-1]       # a line without its \n does not count
        for line in lines:
            m = re.match(r"^committed (\d+) (.+)$", line)
            self.assertIsNotNone(m, "a --progress-fd line: %r" % line)
            n = int(m.group(1))
            self.assertGreater(n, last[0], "counts grow")
            self.assertEqual(m.group(2), self.ids[n - 1],
                             "the id of the %d-th article ends the line" % n)
            last = (n, m.group(2))
        shown = 0
        with open(log + ".err", errors="replace") as f:
            for line in f:
                m = PROGRESS.match(line)
                if m:
                    shown = max(shown, int(m.group(2)))
                    self.assertEqual(m.group(3), "0", line)
        return last[0], shown

    def documents(self, db):
        r = subprocess.run([NEWSIDX, "--db", db, "stats", "--json"], capture_output=True,
                           text=True, timeout=120, env=environment())
        self.assertEqual(r.returncode, 0, "the database opens: " + r.stderr)
        return json.loads(r.stdout)["documents"]

    @staticmethod
    def parts(db):
        """The database and the staging databases a bulk load into an
        empty database writes beside it until its merge (HACKING): a
        kill leaves them, committed, searched with the database."""
        return [db] + sorted(glob.glob(glob.escape(db) + ".staging-*"))

    def check_database(self, db):
        for part in self.parts(db):
            if part != db and not os.path.exists(os.path.join(part, "newsidx.staging")):
                continue        # killed while creating it: nothing committed there
            r = subprocess.run(["xapian-check", part], capture_output=True, text=True,
                               timeout=600)
            self.assertEqual(r.returncode, 0, "xapian-check %s:\n" % part + r.stdout[-2000:]
                             + r.stderr)
            self.assertIn("No errors found", r.stdout)

    def stored_ids(self, db):
        ids = set()
        for part in self.parts(db):
            if part != db and not os.path.exists(os.path.join(part, "newsidx.staging")):
                continue
            r = subprocess.run(["xapian-delve", "-A", "Q", "-1", part], capture_output=True,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            ids |= {t[1:].decode() for t in r.stdout.split(b"\n") if t.startswith(b"Q")}
        return ids

    # -- the test --

    def test_sigkill_at_random_moments(self):
        rng = random.Random(SEED)
        note("seed %d (NX_CRASH_SEED), %d articles, batch_docs %d"
             % (SEED, len(self.ids), BATCH))
        # How long a whole import takes, to spread the kills over it.
        ref = os.path.join(self.tmp, "ref")
        started = time.monotonic()
        self.finish(ref)
        whole = time.monotonic() - started
        self.assertEqual(self.documents(ref), len(self.ids))
        shutil.rmtree(ref)

        kills = attempts = 0
        found_committed = []
        while kills < KILLS:
            attempts += 1
            self.assertLess(attempts, 3 * KILLS + 5, "the imports ended before every kill")
            db = os.path.join(self.tmp, "db")
            log = os.path.join(self.tmp, "commits.log")
            shutil.rmtree(db, True)
            for f in (log, log + ".err"):
                if os.path.exists(f):
                    os.unlink(f)
            at = rng.uniform(0.0, 0.97) * whole
            p = self.start(db, log)
            try:
                p.wait(at)
                continue            # it finished first: not a kill; again
            except subprocess.TimeoutExpired:
                pass
            p.send_signal(signal.SIGKILL)
            status = p.wait(60)
            if status == 0:
                # The import was already exiting (its last commit made,
                # the process in exit()) when the signal came: a whole
                # import, not a kill; it must be complete.  Again.
                self.assertEqual(self.documents(db), len(self.ids))
                note("kill at %.2f s of %.2f came as the import exited: again"
                     % (at, whole))
                continue
            self.assertEqual(status, -signal.SIGKILL)
            kills += 1

            committed, shown = self.reported(log)
            self.assertLessEqual(shown, committed,
                                 "progress never shows more than the commits reported")
            if not os.path.exists(db):
                self.assertEqual(committed, 0, "reported commits, but no database")
                note("kill %d at %.2f s: before the database existed" % (kills, at))
            else:
                docs = self.documents(db)
                self.check_database(db)
                stored = self.stored_ids(db)
                self.assertEqual(len(stored), docs, "one id term per document")
                missing = [i for i in self.ids[:committed] if i not in stored]
                self.assertEqual(missing[:10], [], "%d committed articles missing"
                                 % len(missing))
                self.assertTrue(stored <= set(self.ids), "nothing but the input")
                note("kill %d at %.2f s of %.2f: %d reported committed, all found, "
                     "%d in the database; xapian-check clean" % (kills, at, whole,
                                                                committed, docs))
            found_committed.append(committed)
            self.finish(db)
            self.assertEqual(self.documents(db), len(self.ids), "the re-run completes it")
            self.assertEqual(self.parts(db), [db], "the re-run merged what a kill left")
            self.check_database(db)
            self.assertEqual(len(self.stored_ids(db)), len(self.ids))
        note("%d kills, committed counts %s" % (kills, found_committed))


if __name__ == "__main__":
    tap.main()
