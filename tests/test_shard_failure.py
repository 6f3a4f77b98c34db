"""A remote shard that dies while it is in use (its xapian-tcpsrv killed,
connections and all): stats, search and export answer with a status
naming the shard, a partial search answers from the shard that is left,
and the daemon that was using the shard stays up and uses it again once
it is back.  Needs Debian's xapian-tools."""
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import EXAMPLES, NEWSIDX, NEWSIDXD, Daemon, DaemonCase, RpcError, article, \
    environment, wait_until  # noqa: E402
from tcpsrv import HAVE_TCPSRV, TcpServer, free_port  # noqa: E402

F_SETPIPE_SZ = 1031     # fcntl.F_SETPIPE_SZ, named in Python 3.10 and later


class ShardDaemon(Daemon):
    """newsidxd over the shards of its configuration (no --db)."""

    def argv(self, foreground=True):
        a = [NEWSIDXD, "--socket", self.sock, "--config", self.conf]
        return a + ["--foreground"] if foreground else a


@unittest.skipUnless(HAVE_TCPSRV, "no xapian-tcpsrv (Debian xapian-tools)")
class RemoteShardDies(DaemonCase):
    def setUp(self):
        super().setUp()
        remote = os.path.join(self.tmp, "remote")
        os.mkdir(remote)
        self.rport, wport = free_port(), free_port()
        self.servers = [TcpServer(remote, wport, writable=True)]
        self.reader = self.start_reader(remote)
        self.addCleanup(lambda: [s.kill() for s in self.servers])
        self.conf = os.path.join(self.tmp, "shards.conf")
        with open(self.conf, "w") as f:
            f.write("[shards]\nshard = %s\nshard = 127.0.0.1:%d 127.0.0.1:%d\ntimeout = 2s\n"
                    % (os.path.join(self.tmp, "local"), self.rport, wport))
        r = self.run_tool([NEWSIDX, "--config", self.conf, "add", "--shards", "--quiet",
                           EXAMPLES])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.remote = remote

    def start_reader(self, remote):
        s = TcpServer(remote, self.rport)
        self.servers = getattr(self, "servers", []) + [s]
        return s

    def start_daemon(self, extra="", timeout=None):
        home = os.path.join(self.tmp, "d")
        os.makedirs(home, exist_ok=True)
        with open(self.conf) as f:
            text = f.read()
        if timeout:
            text = text.replace("timeout = 2s", "timeout = %ds" % timeout)
        d = ShardDaemon(home, text + extra)
        self.addCleanup(self._finish, d)
        return d.start()

    def test_daemon_stats_and_search(self):
        d = self.start_daemon()
        name = "127.0.0.1:%d" % self.rport
        with d.client() as c:
            whole = c.call("search", [{"q": "said", "limit": 20}])["total"]
            before = c.call("stats")["documents"]
            self.assertEqual(before, 12)
            self.reader.kill()
            # Each request gets an answer: a status naming the shard, or
            # a partial answer naming it; never a dead daemon.
            for _ in range(3):
                try:
                    st = c.call("stats")
                    self.assertLess(st["documents"], before, "the dead shard's are not counted")
                except RpcError as e:
                    self.assertEqual(e.code, "unavailable")
                    self.assertIn(name, e.message)
                err = c.error_of("search", [{"q": "said"}])
                self.assertEqual(err, "unavailable")
                part = c.call("search", [{"q": "said", "limit": 20, "partial": True}])
                self.assertEqual(part["missing_shards"], [name])
                self.assertLess(part["total"], whole)
            self.assertEqual(c.call("ping"), "pong")
        self.assertTrue(d.alive(), d.log_text())
        # The shard comes back, and the daemon that lost it uses it again.
        self.reader = self.start_reader(self.remote)
        with d.client() as c:
            def whole_again():
                error, result = c.call_raw("search", [{"q": "said", "limit": 20}])
                return not error and result["total"] == whole
            wait_until(whole_again, 15, what="the shard to be used again")

    def test_a_hung_shard_is_retried_off_the_loop(self):
        # The shard's xapian-tcpsrv stops (SIGSTOP, children too): the
        # kernel still accepts connections, nothing answers, and each
        # try to reach it lasts the shard timeout.  The one request that
        # finds it hung waits that long; after that the shard is tried
        # again every RETRY_SECONDS (2 s), and none of those tries may
        # hold up the thread's requests.  One search thread, so that a
        # try made on it would hold up every request.
        shard_timeout = 3
        d = self.start_daemon("[daemon]\nworkers = 1\n", timeout=shard_timeout)
        name = "127.0.0.1:%d" % self.rport
        with d.client(timeout=60) as c:
            whole = c.call("search", [{"q": "said", "limit": 20}])["total"]
            os.killpg(self.reader.proc.pid, signal.SIGSTOP)
            self.addCleanup(self.resume_reader)
            part = c.call("search", [{"q": "said", "limit": 20, "partial": True}])
            self.assertEqual(part["missing_shards"], [name])
            # Three retry intervals and more than a timeout: tries are
            # due, and one made on the loop would be seen.
            slowest = 0
            deadline = time.monotonic() + 3 * 2 + shard_timeout
            while time.monotonic() < deadline:
                started = time.monotonic()
                part = c.call("search", [{"q": "said", "limit": 20, "partial": True}])
                slowest = max(slowest, time.monotonic() - started)
                self.assertEqual(part["missing_shards"], [name])
                self.assertLess(part["total"], whole)
            self.assertLess(slowest, shard_timeout / 2,
                            "a request waited for a try to reach the hung shard")
            # It answers again, and a try made since finds it.
            self.resume_reader()

            def whole_again():
                error, result = c.call_raw("search", [{"q": "said", "limit": 20}])
                return not error and result["total"] == whole
            wait_until(whole_again, 4 * shard_timeout, what="the shard to be used again")
        self.assertTrue(d.alive(), d.log_text())

    def resume_reader(self):
        try:
            os.killpg(self.reader.proc.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass

    def test_export_while_the_shard_dies(self):
        # The export writes into a pipe of one page, read one byte: it is
        # blocked near its start when the shard dies (far more articles
        # than the pipe, stdio and this reader hold), and must then stop
        # with a status, not crash and not end as if complete.
        extra = 400
        feed = os.path.join(self.tmp, "more.jsonl")
        with open(feed, "w") as f:
            for i in range(extra):
                f.write(json.dumps(article(i)) + "\n")
        r = self.run_tool([NEWSIDX, "--config", self.conf, "add", "--shards", "--quiet", feed])
        self.assertEqual(r.returncode, 0, r.stderr)
        total = 12 + extra
        r, w = os.pipe()
        fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
        p = subprocess.Popen([NEWSIDX, "--config", self.conf, "export"], stdout=w,
                             stderr=subprocess.PIPE, env=environment(), stdin=subprocess.DEVNULL)
        os.close(w)
        first = os.read(r, 1)
        self.assertEqual(first, b"{")
        self.reader.kill()
        with os.fdopen(r, "rb") as out:
            rest = out.read()
        err = p.stderr.read().decode()
        rc = p.wait(60)
        lines = 1 + rest.count(b"\n")
        self.assertEqual(rc, 3, "exit status %d after %d lines: %s" % (rc, lines, err))
        self.assertIn("127.0.0.1:%d" % self.rport, err)
        self.assertNotIn("articles exported", err)
        self.assertLess(lines, total)


if __name__ == "__main__":
    tap.main()
