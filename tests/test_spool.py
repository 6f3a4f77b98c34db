"""The spool folder: newsidxd with [daemon] spool = DIR, and newsidx watch
DIR, import each complete file dropped into DIR and move it to DIR/done,
or with a note to DIR/failed; files present at start are imported; a
file is moved only after its articles are committed, so a kill between
the commit and the move imports it again, replacing, never duplicating."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (NEWSIDX, NEWSQ, DaemonCase, article, environment, marker,  # noqa: E402
                    wait_until)

# Generous bounds: the machine may be loaded; the measured times are
# printed as TAP comments.
ARRIVAL_BOUND = 15.0


def jsonl(articles):
    return "".join(json.dumps(a) + "\n" for a in articles)


def drop(spool, name, text, how="write"):
    """A sender delivering a file: written in place and closed, or
    written under a dot-name and renamed in."""
    if how == "write":
        with open(os.path.join(spool, name), "w") as f:
            f.write(text)
    else:
        tmp = os.path.join(spool, "." + name + ".partial")
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, os.path.join(spool, name))


def moved(spool, name, where="done", timeout=ARRIVAL_BOUND):
    path = os.path.join(spool, where, name)
    wait_until(lambda: os.path.exists(path) and not os.path.exists(os.path.join(spool, name)),
               timeout, what="%s to reach %s/" % (name, where))
    return path


def wire_text(i):
    """A plain-text article without an id: its id is a hash of its text."""
    a = article(i)
    return "%s\n\n%s\n" % (a["title"], a["body"])


class SpoolDaemon(DaemonCase):

    def spool_daemon(self, spool=None, start=True, env=None, name="d"):
        spool = spool or os.path.join(self.tmp, "spool")
        os.makedirs(spool, exist_ok=True)
        d = self.daemon("[daemon]\nworkers = 2\ncommit_interval = 20ms\nspool = %s\n" % spool,
                        start=start, env=env, name=name)
        return d, spool

    def found(self, d, i):
        with d.client() as c:
            return c.call("search", [{"q": marker(i)}])["total"]

    def test_files_present_at_start_and_dropped_while_running(self):
        spool = os.path.join(self.tmp, "spool")
        os.makedirs(spool)
        drop(spool, "before.jsonl", jsonl([article(i) for i in range(5)]))
        drop(spool, "before.txt", wire_text(5))
        d, _ = self.spool_daemon(spool)
        moved(spool, "before.jsonl")
        moved(spool, "before.txt")
        for i in range(6):
            self.assertEqual(self.found(d, i), 1, "article %d" % i)
        # Written in place, and renamed in: each is in the index soon after.
        for how, i in (("write", 10), ("rename", 11)):
            t0 = time.monotonic()
            drop(spool, "%s.jsonl" % how, jsonl([article(i)]), how)
            wait_until(lambda: self.found(d, i) == 1, ARRIVAL_BOUND,
                       what="the article of %s.jsonl" % how)
            print("# %s.jsonl searchable after %.3f s" % (how, time.monotonic() - t0))
            moved(spool, "%s.jsonl" % how)
        st = d.stats()["spool"]
        self.assertEqual(st["done"], 4)
        self.assertEqual(st["failed"], 0)
        self.assertEqual(st["articles"], 8)
        self.assertEqual(st["dir"], spool)
        self.assertTrue(st["watching"])
        self.assertEqual(d.stats()["documents"], 8)

    def test_partial_and_hidden_names_are_left_alone(self):
        d, spool = self.spool_daemon()
        names = [".hidden", "story.tmp", "story.part", "story.partial", "story.filepart",
                 "story.crdownload", "story~"]
        for k, name in enumerate(names):
            drop(spool, name, jsonl([article(100 + k)]))
        # A file dropped after them is imported; they are still there.
        drop(spool, "after.jsonl", jsonl([article(1)]))
        moved(spool, "after.jsonl")
        for k, name in enumerate(names):
            self.assertTrue(os.path.exists(os.path.join(spool, name)), name)
            self.assertEqual(self.found(d, 100 + k), 0, name)
        # Renamed to its final name, the partial file is imported.
        os.rename(os.path.join(spool, "story.part"), os.path.join(spool, "story.jsonl"))
        moved(spool, "story.jsonl")
        self.assertEqual(self.found(d, 102), 1)

    def test_files_dropped_while_the_daemon_is_down(self):
        d, spool = self.spool_daemon()
        drop(spool, "one.jsonl", jsonl([article(1)]))
        moved(spool, "one.jsonl")
        d.stop()
        drop(spool, "two.jsonl", jsonl([article(2), article(3)]))
        drop(spool, "three.txt", wire_text(4), "rename")
        d.start()
        moved(spool, "two.jsonl")
        moved(spool, "three.txt")
        for i in (1, 2, 3, 4):
            self.assertEqual(self.found(d, i), 1)
        self.assertEqual(d.stats()["documents"], 4)

    def test_a_kill_between_the_commit_and_the_move(self):
        hold = os.path.join(self.tmp, "hold-moves")
        d, spool = self.spool_daemon(env={"NEWSIDX_FAULT_SPOOL_MOVE": hold})
        drop(spool, "first.jsonl", jsonl([article(1)]))
        moved(spool, "first.jsonl")
        open(hold, "w").close()
        # Articles with ids, and a text whose id is a hash of it.
        drop(spool, "batch.jsonl", jsonl([article(i) for i in range(2, 7)]))
        drop(spool, "plain.txt", wire_text(7))
        wait_until(lambda: self.found(d, 6) == 1 and self.found(d, 7) == 1, ARRIVAL_BOUND,
                   what="the articles to be committed")
        self.assertTrue(os.path.exists(os.path.join(spool, "batch.jsonl")))
        self.assertTrue(os.path.exists(os.path.join(spool, "plain.txt")))
        before = d.stats()["documents"]
        self.assertEqual(before, 7)
        d.kill()
        os.unlink(hold)
        d.start()
        moved(spool, "batch.jsonl")
        moved(spool, "plain.txt")
        # Imported again: replaced, not duplicated.
        self.assertEqual(d.stats()["documents"], before)
        for i in range(1, 8):
            self.assertEqual(self.found(d, i), 1, "article %d" % i)

    def test_a_bad_file_goes_to_failed_with_a_note(self):
        d, spool = self.spool_daemon()
        text = jsonl([article(1)]) + '{"id": "cut", "body": \n' + jsonl([article(2)]) + \
            '{"id": "nobody"}\n'
        drop(spool, "mixed.jsonl", text)
        moved(spool, "mixed.jsonl", "failed")
        with open(os.path.join(spool, "failed", "mixed.jsonl.error")) as f:
            note = f.read()
        path = os.path.join(spool, "mixed.jsonl")
        self.assertIn("%s: 2 records rejected; 2 articles indexed" % path, note)
        self.assertIn("%s:2: " % path, note)
        self.assertIn("%s:4: missing required field \"body\"" % path, note)
        # The good articles are committed.
        self.assertEqual(self.found(d, 1), 1)
        self.assertEqual(self.found(d, 2), 1)
        # A file refused whole, and an empty one.
        laughs = ('<?xml version="1.0"?>\n<!DOCTYPE nitf [\n<!ENTITY a "aaaaaaaaaa">\n'
                  + "".join('<!ENTITY %s "%s">\n' % (chr(98 + k), ("&%s;" % chr(97 + k)) * 10)
                            for k in range(9))
                  + ']>\n<nitf><body><body.content><p>&j;</p></body.content></body></nitf>\n')
        drop(spool, "laughs.xml", laughs)
        drop(spool, "empty.txt", "")
        moved(spool, "laughs.xml", "failed")
        moved(spool, "empty.txt", "failed")
        with open(os.path.join(spool, "failed", "laughs.xml.error")) as f:
            note = f.read()
        self.assertIn(os.path.join(spool, "laughs.xml"), note)
        self.assertIn("nothing indexed", note)
        st = d.stats()["spool"]
        self.assertEqual(st["failed"], 3)
        self.assertEqual(st["done"], 0)
        self.assertEqual(d.stats()["documents"], 2)
        self.assertIn("failed/laughs.xml", d.log_text())

    def test_a_name_used_twice_keeps_both_files(self):
        d, spool = self.spool_daemon()
        drop(spool, "wire.jsonl", jsonl([article(1)]))
        moved(spool, "wire.jsonl")
        drop(spool, "wire.jsonl", jsonl([article(2)]))
        moved(spool, "wire.jsonl.1")
        with open(os.path.join(spool, "done", "wire.jsonl")) as f:
            self.assertIn(marker(1), f.read())
        with open(os.path.join(spool, "done", "wire.jsonl.1")) as f:
            self.assertIn(marker(2), f.read())

    def test_a_failed_commit_leaves_the_file_and_tries_again(self):
        fault = os.path.join(self.tmp, "fail-commits")
        d, spool = self.spool_daemon(env={"NEWSIDX_FAULT_COMMIT": fault})
        open(fault, "w").close()
        drop(spool, "later.jsonl", jsonl([article(1)]))
        wait_until(lambda: d.stats()["spool"]["retried"] >= 1, ARRIVAL_BOUND,
                   what="the commit to fail")
        self.assertTrue(os.path.exists(os.path.join(spool, "later.jsonl")))
        self.assertEqual(self.found(d, 1), 0)
        self.assertIn("trying again", d.log_text())
        os.unlink(fault)
        moved(spool, "later.jsonl", timeout=40)
        self.assertEqual(self.found(d, 1), 1)

    def test_many_files_at_once(self):
        d, spool = self.spool_daemon()
        for i in range(120):
            drop(spool, "f%03d.jsonl" % i, jsonl([article(1000 + i)]), "rename")
        wait_until(lambda: d.stats()["spool"]["done"] == 120, 60, what="120 files")
        self.assertEqual(sorted(os.listdir(spool)), ["done", "failed"])
        self.assertEqual(d.stats()["documents"], 120)

    def test_sigterm_in_the_middle_of_a_large_file(self):
        d, spool = self.spool_daemon()
        drop(spool, "large.jsonl", jsonl([article(i) for i in range(3000)]))
        wait_until(lambda: d.stats()["documents"] > 0, 60, what="the import to start")
        d.stop(expect=0)
        d.start()
        moved(spool, "large.jsonl", timeout=120)
        self.assertEqual(d.stats()["documents"], 3000)

    def test_sighup_keeps_the_spool_and_says_so(self):
        d, spool = self.spool_daemon()
        other = os.path.join(self.tmp, "other")
        os.makedirs(other)
        d.write_config("[daemon]\nworkers = 2\nspool = %s\n" % other)
        d.signal(signal.SIGHUP)
        wait_until(lambda: "spool only changes with a restart" in d.log_text(), 30,
                   what="the warning")
        drop(spool, "still.jsonl", jsonl([article(1)]))
        moved(spool, "still.jsonl")
        self.assertEqual(d.stats()["spool"]["dir"], spool)

    def test_a_missing_spool_or_a_read_only_daemon_refuses_to_start(self):
        missing = os.path.join(self.tmp, "nowhere")
        d = self.daemon("[daemon]\nspool = %s\n" % missing, start=False)
        r = self.run_tool(d.argv(), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(missing, r.stderr)
        spool = os.path.join(self.tmp, "spool")
        os.makedirs(spool)
        d2 = self.daemon("[daemon]\nspool = %s\nread_only = true\n" % spool, start=False,
                         name="ro")
        r = self.run_tool(d2.argv(), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("read-only", r.stderr)


class Watch(DaemonCase):
    """newsidx watch DIR: the same, without a daemon."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.tmp, "db")
        self.spool = os.path.join(self.tmp, "spool")
        os.makedirs(self.spool)

    def start_watch(self, *args, env=None):
        log = open(os.path.join(self.tmp, "watch.log"), "ab")
        p = subprocess.Popen([NEWSIDX, "--db", self.db, "watch"] + list(args) + [self.spool],
                             stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                             env=environment(**(env or {})))
        log.close()
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        wait_until(lambda: "watching" in self.log() or p.poll() is not None, 60,
                   what="newsidx watch to start")
        return p

    def log(self):
        try:
            with open(os.path.join(self.tmp, "watch.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def found(self, i):
        r = self.run_tool([NEWSQ, "--db", self.db, "--count", marker(i)])
        return int(r.stdout.strip() or -1) if r.returncode == 0 else -1

    def documents(self):
        r = self.run_tool([NEWSIDX, "--db", self.db, "stats", "--json"])
        return json.loads(r.stdout)["documents"]

    def test_once_imports_what_is_there(self):
        drop(self.spool, "a.jsonl", jsonl([article(i) for i in range(3)]))
        drop(self.spool, "b.txt", wire_text(3))
        drop(self.spool, "c.part", jsonl([article(4)]))
        r = self.run_tool([NEWSIDX, "--db", self.db, "watch", "--once", self.spool])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("moved to done/a.jsonl", r.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(self.spool, "done"))), ["a.jsonl", "b.txt"])
        self.assertTrue(os.path.exists(os.path.join(self.spool, "c.part")))
        self.assertEqual(self.documents(), 4)

    def test_files_dropped_while_it_watches_and_a_bad_one(self):
        p = self.start_watch()
        drop(self.spool, "one.jsonl", jsonl([article(1)]))
        drop(self.spool, "two.txt", wire_text(2), "rename")
        drop(self.spool, "bad.jsonl", jsonl([article(3)]) + "not json\n")
        moved(self.spool, "one.jsonl")
        moved(self.spool, "two.txt")
        moved(self.spool, "bad.jsonl", "failed")
        with open(os.path.join(self.spool, "failed", "bad.jsonl.error")) as f:
            note = f.read()
        self.assertIn("%s:2: " % os.path.join(self.spool, "bad.jsonl"), note)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(60), 1, self.log())     # a file went to failed/
        for i in (1, 2, 3):
            self.assertEqual(self.found(i), 1, "article %d" % i)
        self.assertIn("2 files moved to done/, 1 to failed/", self.log())

    def test_a_kill_between_the_commit_and_the_move(self):
        hold = os.path.join(self.tmp, "hold-moves")
        open(hold, "w").close()
        drop(self.spool, "batch.jsonl", jsonl([article(i) for i in range(5)]))
        drop(self.spool, "plain.txt", wire_text(5))
        p = self.start_watch(env={"NEWSIDX_FAULT_SPOOL_MOVE": hold})
        wait_until(lambda: self.found(5) == 1, ARRIVAL_BOUND, what="the commit")
        self.assertTrue(os.path.exists(os.path.join(self.spool, "batch.jsonl")))
        p.kill()
        p.wait()
        os.unlink(hold)
        r = self.run_tool([NEWSIDX, "--db", self.db, "watch", "--once", self.spool])
        self.assertEqual(r.returncode, 0, r.stderr)
        moved(self.spool, "batch.jsonl", timeout=1)
        moved(self.spool, "plain.txt", timeout=1)
        self.assertEqual(self.documents(), 6)

    def test_it_will_not_write_under_a_daemon(self):
        d = self.daemon()
        r = self.run_tool([NEWSIDX, "--socket", d.sock, "watch", self.spool])
        self.assertEqual(r.returncode, 3)
        self.assertIn("[daemon] spool", r.stderr)


if __name__ == "__main__":
    tap.main()
