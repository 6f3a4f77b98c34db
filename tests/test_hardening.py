"""newsidxd and its clients against the attacks a hostile local user
tried that got through once (doc/reliability.md, "Hardening"): each test
here failed before its fix.  Requests go through a raw client on a real
socket, newsq and newsidx run as programs; nothing is mocked."""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (NEWSIDX, NEWSQ, DaemonCase, SharedDaemonCase, article,  # noqa: E402
                    environment, marker, wait_until)

import msgpack  # noqa: E402


def pack(o):
    return msgpack.packb(o, use_bin_type=True)


class Requests(SharedDaemonCase):
    """What one request may ask for, and what it gets when it asks too
    much."""

    @classmethod
    def load(cls):
        return [article(i) for i in range(40)]

    def error(self, params, method="search"):
        error, result = self.c.call_raw(method, params)
        self.assertIsNotNone(error, result)
        return error

    def test_highlight_markers_are_capped(self):
        started = time.monotonic()
        e = self.error([{"q": "officials", "limit": 40, "highlight": ["A" * 50000, "B" * 50000]}])
        self.assertEqual(e["code"], "too_large")
        self.assertIn("highlight marker is 50000 bytes long, more than the limit of 64",
                      e["message"])
        self.assertLess(time.monotonic() - started, 5)
        # 64 bytes is allowed, and marks the words.
        r = self.c.call("search", [{"q": "officials", "limit": 1,
                                    "highlight": ["<" * 64, ">" * 64]}])
        self.assertIn("<" * 64 + "Officials" + ">" * 64, r["hits"][0]["snippet"])

    def test_neighbouring_marks_join_in_one_pass(self):
        # Marked words side by side become one marked phrase (the tidying
        # that used to be quadratic in the markers).
        r = self.c.call("search", [{"q": '"officials in"', "limit": 1,
                                    "highlight": ["[[", "]]"]}])
        self.assertIn("[[Officials in]]", r["hits"][0]["snippet"])

    def test_a_reply_over_max_output_is_refused(self):
        d = self.daemon("[daemon]\nmax_output = 64K\n")
        with d.client() as c:
            # Marked words apart, so that each is marked on its own.
            c.call("add", [[article(i, body="harbour x " * 200 + "word%d" % i)
                            for i in range(100)]])
            error, _ = c.call_raw("search", [{"q": "harbour", "limit": 100,
                                             "highlight": ["<" * 64, ">" * 64]}])
            self.assertEqual(error and error["code"], "too_large")
            self.assertIn("more than [daemon] max_output (65536)", error["message"])
            self.assertEqual(c.call("search", [{"q": "harbour", "limit": 2}])["total"], 100)

    def test_a_very_long_word_is_refused_at_once(self):
        for n in (300, 999900):
            started = time.monotonic()
            e = self.error([{"q": "b" * n}])
            self.assertEqual(e["code"], "too_large")
            self.assertLess(time.monotonic() - started, 5)
            if n < 65536:
                self.assertIn("is %d bytes long: no word of the index is longer than 240" % n,
                              e["message"])
            else:
                self.assertIn("query is %d bytes long, more than the limit of 65536" % n,
                              e["message"])
        # A word of 240 bytes is searched (and found nowhere).
        self.assertEqual(self.c.call("search", [{"q": "b" * 240}])["total"], 0)
        self.assertEqual(self.c.call("ping"), "pong")

    def test_a_query_over_the_byte_limit(self):
        e = self.error([{"q": "harbour " * 9000}])
        self.assertEqual(e["code"], "too_large")
        self.assertIn("bytes long, more than the limit of 65536", e["message"])

    def test_reversed_and_impossible_dates(self):
        e = self.error([{"q": "date:1988..1987"}])
        self.assertEqual(e["code"], "bad_request")
        self.assertIn("date: 1988..1987 ends before it begins", e["message"])
        e = self.error([{"q": "harbour", "since": "2025-12-31", "until": "2025-01-01"}])
        self.assertEqual(e["code"], "bad_request")
        self.assertIn("--since/--until 2025-12-31..2025-01-01 ends before it begins", e["message"])
        for bad in ("2008-02-30", "2025-13-01", "2025-04-31"):
            e = self.error([{"q": "harbour", "since": bad}])
            self.assertIn("'%s' is not a date" % bad, e["message"])
            e = self.error([{"q": "date:%s..2026" % bad}])
            self.assertEqual(e["code"], "bad_request")
        # One day, start = end, is a range.
        r = self.c.call("search", [{"q": "officials", "since": "2025-02-02",
                                    "until": "2025-02-02"}])
        self.assertEqual(r["total"], 1)

    def test_duplicate_key(self):
        frame = b"\x94\x00\x07\xa6search\x91\x82\xa1q\xa7harbour\xa1q\xa7orchard"
        self.c.send_raw(frame)
        msgid, error, _ = self.c.recv()
        self.assertEqual((msgid, error["code"]), (7, "bad_request"))
        self.assertEqual(error["message"], 'search parameter "q" given twice')

    def test_offset_beyond_32_bits(self):
        e = self.error([{"q": "harbour", "offset": 2 ** 64 - 1}])
        self.assertEqual(e["code"], "bad_request")
        self.assertEqual(e["message"], '"offset" 18446744073709551615 is larger than 4294967295')

    def test_limit_zero_counts_only(self):
        r = self.c.call("search", [{"q": "officials", "limit": 0}])
        self.assertEqual(r["hits"], [])
        self.assertEqual(r["total"], 40)
        self.assertTrue(r["more"])

    def test_similar_to_an_empty_id(self):
        e = self.error(["", {"limit": 3}], method="similar")
        self.assertEqual(e["code"], "not_found")
        self.assertIn("no article with id ''", e["message"])

    def test_leading_wildcard_is_refused(self):
        for q, column in (("*il", 1), ("harbour *bour", 9), ("title:*port", 7), ("ha*r", 3),
                          ("-*x", 2), ("*", 1)):
            e = self.error([{"q": q}])
            self.assertEqual(e["code"], "bad_request", q)
            self.assertIn("at column %d: '*' can only end a word" % column, e["message"])
        self.assertEqual(self.c.call("search", [{"q": "harb*"}])["total"], 8)


# clock_nanosleep, the system call of usleep(), by architecture.
CLOCK_NANOSLEEP = {"x86_64": 230, "aarch64": 115}.get(os.uname().machine)


def sleeping_in_a_search(pid):
    """Whether a thread of the daemon is in the slow-hit hook's usleep(),
    that is, in the middle of a search made slow on purpose."""
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/syscall" % (pid, tid)) as f:
                if f.read().split()[0] == str(CLOCK_NANOSLEEP):
                    return True
        except (OSError, IndexError):
            pass
    return False


class Stopping(DaemonCase):
    """Slow searches (made slow on purpose by the test-only hook
    NEWSIDX_TEST_SLOW_HIT) end when nobody waits for them."""

    def slow_daemon(self, ms=200, config=""):
        d = self.daemon("[daemon]\nworkers = 1\n" + config,
                        env={"NEWSIDX_TEST_SLOW_HIT": str(ms)})
        with d.client() as c:
            c.call("add", [[article(i) for i in range(50)]])
        return d

    def test_sigterm_stops_slow_searches_promptly(self):
        d = self.slow_daemon()
        c = d.client()
        self.addCleanup(c.close)
        for k in range(4):          # 4 x 50 hits x 0.2 s = 40 s of work
            c.send(k, "search", [{"q": "officials", "limit": 50}])
        wait_until(lambda: sleeping_in_a_search(d.pid), 10, what="the first search to start")
        started = time.monotonic()
        d.signal(signal.SIGTERM)
        rc = d.wait(30)
        self.assertLess(time.monotonic() - started, 5, "SIGTERM took too long")
        self.assertEqual(rc, 0, d.log_text())
        for o in c.wait_closed(5):
            self.assertEqual(o[2]["code"], "unavailable")
            self.assertIn("the daemon is stopping", o[2]["message"])

    def test_a_client_that_leaves_stops_its_search(self):
        d = self.slow_daemon()
        gone = d.client()
        gone.send(1, "search", [{"q": "officials", "limit": 50}])   # 10 s of hits
        wait_until(lambda: sleeping_in_a_search(d.pid), 10, what="the search to start")
        gone.close()
        started = time.monotonic()
        with d.client() as c:       # the same (only) thread serves it
            self.assertEqual(c.call("search", [{"q": marker(3), "limit": 1}])["total"], 1)
        self.assertLess(time.monotonic() - started, 4, "the abandoned search went on")

    def test_max_search_time(self):
        d = self.slow_daemon(config="[search]\nmax_search_time = 1s\n")
        with d.client() as c:
            started = time.monotonic()
            error, _ = c.call_raw("search", [{"q": "officials", "limit": 50}])
            self.assertEqual(error and error["code"], "too_large")
            self.assertIn("took longer than [search] max_search_time (1 s)", error["message"])
            self.assertLess(time.monotonic() - started, 5)


class Commands(DaemonCase):
    """newsq and newsidx get on the same attacks."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.tmp, "db")
        self.env = {"NEWSIDX_DB": self.db, "NEWSIDX_SOCKET": os.path.join(self.tmp, "none.sock")}
        lines = [json.dumps(article(i)) for i in range(6)]
        lines.append(json.dumps({"id": "esc", "title": "Bell \u0007 and \u001b[31mred\u001b[0m",
                                 "body": "The harbour \u001b]0;owned\u0007 officials said "
                                         "\u009b2J nothing.\u001b[2J"}))
        src = os.path.join(self.tmp, "in.jsonl")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        p = self.run_tool([NEWSIDX, "add", "--quiet", src], **self.env)
        self.assertEqual(p.returncode, 0, p.stderr)

    def newsq(self, *args):
        return self.run_tool([NEWSQ] + list(args), **self.env)

    def test_control_characters_are_stripped_at_import_and_never_printed(self):
        p = self.run_tool([NEWSIDX, "get", "--json", "esc"], **self.env)
        stored = json.loads(p.stdout)
        for field in ("title", "body"):
            self.assertFalse(any(ord(ch) < 32 and ch not in "\n\t" or 0x7f <= ord(ch) < 0xa0
                                 for ch in stored[field]), stored[field])
        self.assertIn("red", stored["title"])
        for argv in ([NEWSIDX, "get", "esc"], [NEWSQ, "--limit", "10", "harbour"]):
            p = self.run_tool(argv, **self.env)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertNotRegex(p.stdout, "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", argv)

    def test_reversed_range_in_newsq(self):
        p = self.newsq("--since", "1987-12-31", "--until", "1987-01-01", "harbour")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--since/--until 1987-12-31..1987-01-01 ends before it begins", p.stderr)
        p = self.newsq("date:1988..1987")
        self.assertEqual(p.returncode, 2)
        self.assertIn("date: 1988..1987 ends before it begins", p.stderr)
        p = self.newsq("--since", "2008-02-30", "harbour")
        self.assertEqual(p.returncode, 2)
        self.assertIn("'2008-02-30' is not a date", p.stderr)

    def test_limit_zero_in_newsq(self):
        p = self.newsq("--limit", "0", "officials")
        self.assertEqual((p.returncode, p.stdout), (0, "7\n"), p.stderr)
        p = self.newsq("--json", "--limit", "0", "officials")
        r = json.loads(p.stdout)
        self.assertEqual((r["total"], r["hits"]), (7, []))
        p = self.newsq("--limit", "0", "zzzunknownword")
        self.assertEqual((p.returncode, p.stdout), (1, "0\n"))

    def test_a_fifo_is_read_only_when_asked_for(self):
        fifo = os.path.join(self.tmp, "fifo")
        os.mkfifo(fifo)
        # Named without --format: refused at once (it used to wait for a
        # writer for ever, holding the write lock).
        p = self.run_tool([NEWSIDX, "add", fifo], timeout=30, **self.env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("a FIFO, not a file: give --format", p.stderr)
        # With --format and no writer: nothing to read, and it ends.
        p = self.run_tool([NEWSIDX, "add", "--format", "jsonl", fifo], timeout=30, **self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        # With a writer: read as a stream.  The test holds the FIFO open
        # (O_RDWR does not wait) until newsidx has opened it too.
        fd = os.open(fifo, os.O_RDWR)
        try:
            os.write(fd, (json.dumps(article(77)) + "\n").encode())
            p = subprocess.Popen([NEWSIDX, "add", "--format", "jsonl", fifo],
                                 env=environment(**self.env), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

            def opened():
                try:
                    return any(os.readlink("/proc/%d/fd/%s" % (p.pid, f)) == fifo
                               for f in os.listdir("/proc/%d/fd" % p.pid))
                except OSError:
                    return p.poll() is not None
            wait_until(opened, 30, what="newsidx to open the FIFO")
        finally:
            os.close(fd)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        p = self.run_tool([NEWSIDX, "get", "--json", "art-77"], **self.env)
        self.assertEqual(json.loads(p.stdout)["id"], "art-77")

    def test_leading_wildcard_in_newsq(self):
        p = self.newsq("*bour")
        self.assertEqual(p.returncode, 2)
        self.assertIn("'*' can only end a word", p.stderr)


class Sockets(DaemonCase):
    """Where the socket and the pid file go, and who answers on it."""

    def test_socket_directory_writable_by_others_is_refused(self):
        home = os.path.join(self.tmp, "open")
        os.makedirs(home)
        os.chmod(home, 0o777)
        d = self.daemon(name="d", start=False, sock=os.path.join(home, "s.sock"))
        p = subprocess.run(d.argv(), capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("is writable by others", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(home, "s.sock")))

    def test_socket_directory_of_another_user_is_refused(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to make a directory of another user")
        home = os.path.join(self.tmp, "theirs")
        os.makedirs(home, mode=0o700)
        os.chown(home, 65534, 65534)
        d = self.daemon(name="d", start=False, sock=os.path.join(home, "s.sock"))
        p = subprocess.run(d.argv(), capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("belongs to uid 65534", p.stderr)

    def test_pid_file_never_follows_a_symlink(self):
        d = self.daemon(start=False)
        target = os.path.join(self.tmp, "precious")
        with open(target, "w") as f:
            f.write("keep me\n")
        os.chmod(target, 0o600)
        os.symlink(target, d.pidfile)
        p = subprocess.run(d.argv(), capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("is not a regular file", p.stderr)
        with open(target) as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_stale_pid_file_of_a_dead_daemon(self):
        d = self.daemon(start=False)
        dead = subprocess.Popen(["true"])
        dead.wait()
        with open(d.pidfile, "w") as f:
            f.write("%d\n" % dead.pid)
        old = os.umask(0o077)
        try:
            d.start()
        finally:
            os.umask(old)
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)
        self.assertEqual(stat.S_IMODE(os.stat(d.pidfile).st_mode), 0o644)

    def test_a_running_daemon_named_in_the_pid_file(self):
        # A second daemon (another socket) told to use the first one's pid
        # file leaves it alone and does not start.
        d = self.daemon()
        other = self.daemon("[daemon]\npidfile = %s\n" % d.pidfile, name="other", start=False)
        p = subprocess.run(other.argv(), capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("names newsidxd %d, which is running" % d.pid, p.stderr)
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)

    def test_dangling_symlink_at_the_socket_path(self):
        d = self.daemon(start=False)
        os.symlink(os.path.join(self.tmp, "nowhere"), d.sock)
        p = subprocess.run(d.argv(), capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NEWSIDX_CONFIG="/dev/null"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("is a symbolic link", p.stderr)
        self.assertNotIn("Address already in use", p.stderr)

    def test_clients_refuse_a_socket_of_another_user(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to listen as another user")
        theirs = os.path.join(self.tmp, "theirs")
        os.makedirs(theirs)
        os.chown(theirs, 65534, 65534)
        os.chmod(self.tmp, 0o755)
        path = os.path.join(theirs, "impostor.sock")
        script = ("import os, socket, sys\n"
                  "os.setgid(65534); os.setuid(65534)\n"
                  "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)\n"
                  "os.chmod(sys.argv[1], 0o777); print('ready', flush=True)\n"
                  "c, _ = s.accept(); data = c.recv(100)\n"
                  "print('got %d bytes' % len(data), flush=True)\n")
        srv = subprocess.Popen([sys.executable, "-c", script, path], stdout=subprocess.PIPE,
                               text=True)
        self.addCleanup(srv.kill)
        self.assertEqual(srv.stdout.readline().strip(), "ready")
        p = self.run_tool([NEWSQ, "--socket", path, "harbour"])
        self.assertEqual(p.returncode, 3)
        self.assertIn("runs as uid 65534, neither you (uid 0) nor root: not talking to it",
                      p.stderr)
        self.assertEqual(srv.stdout.readline().strip(), "got 0 bytes")


class FrameClock(DaemonCase):
    """The 10 s frame clock runs only while the daemon waits to read."""

    def test_a_busy_daemon_does_not_cut_off_a_pipelined_client(self):
        # A slow search (12 s, the test-only hook) and, behind it on the
        # same connection, a 500 KB add: the daemon reads the start of
        # the add, then runs the search; the rest of the add waits in the
        # socket.  That time is the daemon's, not the client's.
        d = self.daemon("[daemon]\nworkers = 1\n[search]\nmax_search_time = 60s\n",
                        env={"NEWSIDX_TEST_SLOW_HIT": "250"})
        with d.client() as c:
            c.call("add", [[article(i) for i in range(48)]])
        c = d.client(timeout=60)
        self.addCleanup(c.close)
        big = article(99, body="The harbour officials talked. " * 17000)
        data = pack([0, 1, "search", [{"q": "officials", "limit": 48}]]) + pack([0, 2, "add", [[big]]])
        self.assertGreater(len(data), 500000)
        started = time.monotonic()
        self.assertTrue(c.send_raw(data), "the daemon cut the client off")
        got = dict((m, (e, r)) for m, e, r in (c.recv(60) for _ in range(2)))
        self.assertGreater(time.monotonic() - started, 10, "the search was not slow")
        self.assertIsNone(got[1][0])
        self.assertEqual(len(got[1][1]["hits"]), 48)
        self.assertIsNone(got[2][0], got[2][0])
        self.assertEqual(got[2][1]["ids"], ["art-99"])
        self.assertNotIn("did not arrive", d.log_text())


class Crowding(DaemonCase):
    """One user cannot take every connection."""

    def test_connections_per_user(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to connect as another user")
        d = self.daemon("[daemon]\nmax_connections = 8\nsocket_mode = 0666\n")
        os.chmod(self.tmp, 0o711)
        os.chmod(d.home, 0o711)
        # A user not the daemon's opens three: two fit (a quarter of 8),
        # the third is told why and closed.
        script = ("import os, socket, sys, msgpack\n"
                  "os.setgid(65534); os.setuid(65534)\n"
                  "socks = []\n"
                  "for i in range(3):\n"
                  "    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); socks.append(s)\n"
                  "for i, s in enumerate(socks):\n"
                  "    u = msgpack.Unpacker(raw=False)\n"
                  "    s.settimeout(1)\n"
                  "    try:\n"
                  "        data = s.recv(65536)\n"       # a refusal comes unasked
                  "    except socket.timeout:\n"
                  "        data = b''\n"
                  "    s.settimeout(20)\n"
                  "    if data:\n"
                  "        u.feed(data); eof = s.recv(1) == b''\n"
                  "    else:\n"
                  "        s.sendall(msgpack.packb([0, i, 'ping', []])); u.feed(s.recv(65536))\n"
                  "        eof = False\n"
                  "    print(repr([o for o in u]) + ' eof' * eof, flush=True)\n")
        p = subprocess.run([sys.executable, "-c", script, d.sock], capture_output=True,
                           text=True, timeout=60)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 3, p.stderr)
        self.assertEqual(lines[0], "[[1, 0, None, 'pong']]")
        self.assertEqual(lines[1], "[[1, 1, None, 'pong']]")
        self.assertIn("max_connections_per_user", lines[2])
        self.assertIn("eof", lines[2])
        # The daemon's own user is not limited.
        clients = [d.client() for _ in range(5)]
        for c in clients:
            self.assertEqual(c.call("ping"), "pong")
            c.close()

    def test_connections_that_never_ask_are_closed_sooner(self):
        d = self.daemon("[daemon]\nfirst_request_timeout = 1s\n")
        quiet, asked = d.client(), d.client()
        self.addCleanup(quiet.close)
        self.addCleanup(asked.close)
        self.assertEqual(asked.call("ping"), "pong")
        started = time.monotonic()
        self.assertEqual(quiet.wait_closed(10), [])
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("without a request", d.log_text())
        time.sleep(1.5)             # longer than first_request_timeout, on purpose
        self.assertEqual(asked.call("ping"), "pong", "a client that asked keeps idle_timeout")


class Reloading(DaemonCase):

    def test_sighup_names_the_settings_that_need_a_restart(self):
        d = self.daemon("[daemon]\nworkers = 2\n[search]\nmax_limit = 50\n")
        d.write_config("[daemon]\nworkers = 3\n[search]\nmax_limit = 5\n")
        d.signal(signal.SIGHUP)
        wait_until(lambda: "SIGHUP" in d.log_text(), 10, what="the reload")
        self.assertIn("but workers only change with a restart", d.log_text())
        with d.client() as c:
            self.assertEqual(c.error_of("search", [{"q": "x", "limit": 6}]), "too_large")
            self.assertEqual(c.call("stats")["workers"], 2)

    def test_sighup_with_a_directory_for_the_config_keeps_the_settings(self):
        d = self.daemon("[search]\nmax_limit = 5\n")
        os.unlink(d.conf)
        os.mkdir(d.conf)
        d.signal(signal.SIGHUP)
        wait_until(lambda: "SIGHUP" in d.log_text(), 10, what="the reload")
        self.assertIn("cannot read it", d.log_text())
        self.assertIn("keeping the current settings", d.log_text())
        with d.client() as c:
            self.assertEqual(c.error_of("search", [{"q": "x", "limit": 6}]), "too_large")
        os.rmdir(d.conf)
        d.write_config("")


if __name__ == "__main__":
    tap.main()
