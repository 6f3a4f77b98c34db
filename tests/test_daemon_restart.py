"""newsidxd's life cycle: stopping during an import, its files at exit,
stale and live sockets, SIGHUP, and starting detached."""
import grp
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (NEWSIDXD, Closed, Daemon, DaemonCase, article, environment,  # noqa: E402
                    pid_alive, wait_until)

import msgpack  # noqa: E402


def hits(d, q="officials"):
    with d.client() as c:
        return len(c.call("search", [{"q": q}])["hits"])


class Importers:
    """Two clients adding batches of 50 new articles, six requests in
    flight each, until the daemon goes away; the ids it acknowledged."""

    def __init__(self, d, first=0):
        self.acked = [[], []]
        self.problems = []
        self.threads = [threading.Thread(target=self.run, args=(d, k, first + k * 1000000))
                        for k in range(2)]
        for t in self.threads:
            t.start()

    def run(self, d, k, next_article):
        c = d.client(timeout=60)
        pending = {}
        msgid = 0
        try:
            while True:
                while len(pending) < 6:
                    batch = [article(next_article + j) for j in range(50)]
                    next_article += 50
                    msgid += 1
                    if not c.send(msgid, "add", [batch]):
                        raise Closed()
                    pending[msgid] = batch
                got, error, result = c.recv()
                if error:
                    self.problems.append(error)
                    return
                sent = pending.pop(got)
                if result["ids"] != [a["id"] for a in sent]:
                    self.problems.append(("wrong ids", got))
                self.acked[k].extend(result["ids"])
        except (Closed, OSError):
            pass                        # the daemon has stopped
        except Exception as e:
            self.problems.append(e)
        finally:
            c.close()

    def count(self):
        return len(self.acked[0]) + len(self.acked[1])

    def join(self):
        for t in self.threads:
            t.join(60)
        return self.acked[0] + self.acked[1]


def assert_all_found(case, d, ids):
    """Every id answers get on daemon d; the document count covers them."""
    with d.client(timeout=60) as c:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            c.send_raw(b"".join(msgpack.packb([0, j, "get", [ident]])
                                for j, ident in enumerate(chunk)))
            for _ in chunk:
                j, error, result = c.recv()
                case.assertIsNone(error, "acknowledged but lost: %s" % chunk[j])
                case.assertEqual(result["id"], chunk[j])
        case.assertGreaterEqual(c.call("stats")["documents"], len(ids))


class Stopping(DaemonCase):

    def test_sigterm_during_import_loses_no_acknowledged_write(self):
        d = self.daemon("[daemon]\nworkers = 2\n")
        imp = Importers(d)
        try:
            wait_until(lambda: imp.count() >= 1500, 60,
                       what="some of the import to be acknowledged")
            d.signal(signal.SIGTERM)
        finally:
            ids = imp.join()
        self.assertEqual(d.wait(60), 0, d.log_text())
        self.assertEqual(imp.problems, [])
        self.assertFalse(os.path.exists(d.sock))
        again = self.daemon("[daemon]\nworkers = 2\n")      # the same directory
        assert_all_found(self, again, ids)

    def test_sigkill_during_import_loses_no_acknowledged_write(self):
        # doc/reliability.md, promise 2.  Killed three times (make
        # check-long: twenty, NX_DAEMON_KILLS) at random moments of an
        # import by two clients, restarted each time on the same
        # database: it opens, xapian-check finds no error, and every
        # article ever acknowledged is there.
        rng = random.Random()
        d = self.daemon("[daemon]\nworkers = 2\ncommit_interval = 20ms\n")
        everything = []
        for k in range(int(os.environ.get("NX_DAEMON_KILLS", "3"))):
            imp = Importers(d, first=k * 10000000)
            try:
                wait_until(lambda: imp.count() >= 200, 60,
                           what="some of the import to be acknowledged")
                time.sleep(rng.uniform(0, 1.0))
                d.signal(signal.SIGKILL)
            finally:
                ids = imp.join()
            self.assertEqual(d.wait(30), -signal.SIGKILL)
            self.assertEqual(imp.problems, [])
            everything += ids
            r = subprocess.run(["xapian-check", d.db], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr)
            self.assertIn("No errors found", r.stdout)
            d.start()
            assert_all_found(self, d, everything)
            print("# kill %d: %d acknowledged in this round, all %d found after restart"
                  % (k + 1, len(ids), len(everything)), flush=True)

    def test_sigterm_and_sigint_with_idle_clients_connected(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            d = self.daemon(name=str(int(sig)))
            clients = [d.client() for _ in range(3)]
            try:
                for c in clients:
                    self.assertEqual(c.call("ping"), "pong")
                started = time.monotonic()
                d.signal(sig)
                self.assertEqual(d.wait(30), 0, d.log_text())
                self.assertLess(time.monotonic() - started, 5, "idle clients do not hold it")
                for c in clients:
                    self.assertEqual(c.wait_closed(5), [])
            finally:
                for c in clients:
                    c.close()
            self.assertFalse(os.path.exists(d.sock))

    def test_socket_and_pid_file_removed_at_exit_then_bound_again(self):
        d = self.daemon()
        st = os.stat(d.sock)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(st.st_mode & 0o777, 0o600, "the default socket mode")
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)
        self.assertEqual(d.stop(), 0)
        self.assertFalse(os.path.exists(d.sock))
        self.assertFalse(os.path.exists(d.pidfile))
        d.start()
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)

    def test_configured_pid_file(self):
        pidfile = os.path.join(self.tmp, "elsewhere.pid")
        d = self.daemon("[daemon]\npidfile = %s\n" % pidfile)
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)
        self.assertFalse(os.path.exists(d.pidfile))
        d.stop()
        self.assertFalse(os.path.exists(pidfile))

    def test_stale_socket_of_a_killed_daemon(self):
        d = self.daemon()
        with d.client() as c:
            c.call("add", [[article(1)]])
        d.kill()
        self.assertTrue(os.path.exists(d.sock), "SIGKILL leaves the socket file")
        with self.assertRaises(ConnectionRefusedError):
            d.client()
        d.start()
        with d.client() as c:
            self.assertEqual(c.call("get", ["art-1"])["id"], "art-1")
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)

    def test_never_removes_a_file_that_is_not_a_socket(self):
        d = self.daemon(start=False)
        with open(d.sock, "w") as f:
            f.write("precious\n")
        try:
            r = self.run_tool(d.argv(), timeout=20)
        except subprocess.TimeoutExpired:
            r = None
        with open(d.sock) as f:
            self.assertEqual(f.read(), "precious\n", "the file was replaced")
        self.assertIsNotNone(r, "it started on the path of a regular file")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(d.sock, r.stderr)
        self.assertIn("not a socket", r.stderr)

    def test_second_daemon_on_a_live_socket_fails(self):
        d = self.daemon()
        other = Daemon(os.path.join(self.tmp), sock=d.sock, db=os.path.join(self.tmp, "db2"))
        started = time.monotonic()
        r = self.run_tool(other.argv(), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already answers on " + d.sock, r.stderr)
        self.assertLess(time.monotonic() - started, 5)
        self.assertTrue(stat.S_ISSOCK(os.stat(d.sock).st_mode), "its socket is left alone")
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid, "its pid file is left alone")
        # The same database as well: the write lock names the holder.
        conf = os.path.join(self.tmp, "quick.conf")
        with open(conf, "w") as f:
            f.write("[index]\nlock_timeout = 0.5s\n")
        r = self.run_tool([NEWSIDXD, "--foreground", "--db", d.db, "--socket", d.sock,
                           "--config", conf], timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("locked by newsidxd (pid %d)" % d.pid, r.stderr)
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")


class Sockets(DaemonCase):

    def test_socket_activation(self):
        # As systemd does it: a listening socket as fd 3, LISTEN_PID and
        # LISTEN_FDS.  The socket belongs to whoever made it: the daemon
        # serves on it and leaves its file at exit.
        d = self.daemon(start=False)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(d.sock)
        listener.listen(16)
        fd = listener.fileno()
        script = 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" "$@" 3<&%d' % fd
        d.log = open(d.logfile, "ab")
        d.proc = subprocess.Popen(["/bin/sh", "-c", script] + d.argv(), pass_fds=(fd,),
                                  stdin=subprocess.DEVNULL, stdout=d.log, stderr=d.log,
                                  env=environment())
        d.pid = d.proc.pid
        listener.close()
        d.wait_ready()
        with d.client() as c:
            self.assertEqual(c.call("stats")["pid"], d.pid)
            c.call("add", [[article(1)]])
            self.assertEqual(c.call("get", ["art-1"])["id"], "art-1")
        self.assertEqual(d.stop(), 0)
        self.assertTrue(stat.S_ISSOCK(os.stat(d.sock).st_mode), "left to its owner")

    def test_socket_group(self):
        if os.geteuid() == 0:
            name = "nogroup"
        else:
            name = grp.getgrgid(os.getgid()).gr_name
        gid = grp.getgrnam(name).gr_gid
        d = self.daemon("[daemon]\nsocket_group = %s\n" % name)
        st = os.stat(d.sock)
        self.assertEqual(st.st_mode & 0o777, 0o660)
        self.assertEqual(st.st_gid, gid)
        d.stop()
        bad = self.daemon("[daemon]\nsocket_group = no-such-group-here\n", name="bad",
                          start=False)
        r = self.run_tool(bad.argv(), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("socket group no-such-group-here: no such group", r.stderr)
        self.assertFalse(os.path.exists(bad.sock))

    def test_socket_directory(self):
        # Created 0700 when missing; refused when others may write to it
        # (they could replace the socket), unless it is sticky like /tmp.
        sock = os.path.join(self.tmp, "run", "newsidx", "s.sock")
        d = self.daemon(sock=sock)
        self.assertEqual(os.stat(os.path.dirname(sock)).st_mode & 0o777, 0o700)
        self.assertEqual(d.pidfile, os.path.join(os.path.dirname(sock), "newsidxd.pid"))
        self.assertTrue(os.path.exists(d.pidfile))
        d.stop()
        open_dir = os.path.join(self.tmp, "open")
        os.mkdir(open_dir)
        os.chmod(open_dir, 0o777)
        bad = self.daemon(name="bad", sock=os.path.join(open_dir, "s.sock"), start=False)
        r = self.run_tool(bad.argv(), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(open_dir + " is writable by others", r.stderr)
        os.chmod(open_dir, 0o1777)
        self.daemon(name="sticky", sock=os.path.join(open_dir, "s.sock"))


class Reloading(DaemonCase):

    def test_sighup_applies_a_new_config(self):
        d = self.daemon("[search]\ndefault_limit = 10\n")
        with d.client() as c:
            c.call("add", [[article(i) for i in range(30)]])
        self.assertEqual(hits(d), 10)
        d.write_config("[search]\ndefault_limit = 3\n"
                       "[daemon]\nmax_request = 4K\nidle_timeout = 1s\n")
        d.signal(signal.SIGHUP)
        wait_until(lambda: hits(d) == 3, 10, what="default_limit 3 after SIGHUP")
        with d.client() as c:
            c.send_raw(msgpack.packb([0, 5, "ping", ["x" * 5000]]))
            got = c.wait_closed(10)
            self.assertEqual([(o[1], o[2]["code"]) for o in got], [(5, "too_large")],
                             "max_request reloaded")
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")
            self.assertEqual(c.wait_closed(10), [], "idle_timeout reloaded")
        self.assertEqual(d.stats()["pid"], d.pid)

    def test_broken_config_on_sighup_keeps_the_old_settings(self):
        d = self.daemon("[search]\ndefault_limit = 4\n")
        with d.client() as c:
            c.call("add", [[article(i) for i in range(30)]])
        self.assertEqual(hits(d), 4)
        for n, broken in enumerate(["[search]\ndefault_limit = 2\nthis is not a setting\n",
                                    "[search]\ndefault_limit = many\n",
                                    "[search]\nno_such_key = 1\n"], 1):
            d.write_config(broken)
            d.signal(signal.SIGHUP)
            wait_until(lambda: d.log_text().count("keeping the current settings") == n, 10,
                       what="the reload to be refused")
            self.assertTrue(d.alive())
            self.assertEqual(hits(d), 4, broken)
        d.write_config("[search]\ndefault_limit = 6\n")
        d.signal(signal.SIGHUP)
        wait_until(lambda: hits(d) == 6, 10, what="the mended config")


class Detaching(DaemonCase):

    def start_detached(self, d, argv=None, cwd=None):
        """Starts d without --foreground; the parent's CompletedProcess.
        The daemon's pid comes from stats, so that it is stopped at the
        end of the test whatever happened to its pid file."""
        r = self.run_tool(argv or d.argv(foreground=False), timeout=60, cwd=cwd)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Serving when the parent returns: no waiting.
        with d.client() as c:
            d.pid = c.call("stats")["pid"]
        self.assertTrue(os.path.exists(d.pidfile), "no pid file at " + d.pidfile)
        with open(d.pidfile) as f:
            self.assertEqual(int(f.read()), d.pid)
        return r

    def run_tool(self, argv, timeout=120, cwd=None, **env):
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              env=environment(**env), stdin=subprocess.DEVNULL)

    def test_detaches_once_serving(self):
        d = self.daemon(start=False)
        r = self.start_detached(d)
        self.assertEqual((r.stdout, r.stderr), ("", ""))
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")
        self.assertTrue(pid_alive(d.pid))
        self.assertEqual(os.getsid(d.pid), d.pid, "a session of its own")
        d.stop()
        self.assertFalse(pid_alive(d.pid))
        self.assertFalse(os.path.exists(d.sock))
        self.assertFalse(os.path.exists(d.pidfile))

    def test_relative_paths_after_detaching(self):
        # The daemon moves to / when it detaches: relative paths given at
        # the start must keep meaning what they meant there, for SIGHUP too.
        d = self.daemon("[search]\ndefault_limit = 10\n[daemon]\npidfile = my.pid\n",
                        start=False)
        d.pidfile = os.path.join(d.home, "my.pid")
        self.start_detached(d, [NEWSIDXD, "--db", "db", "--socket", "s.sock",
                                "--config", "newsidx.conf"], cwd=d.home)
        with d.client() as c:
            c.call("add", [[article(i) for i in range(20)]])
        self.assertEqual(hits(d), 10)
        d.write_config("[search]\ndefault_limit = 4\n[daemon]\npidfile = my.pid\n")
        d.signal(signal.SIGHUP)
        wait_until(lambda: hits(d) == 4, 10, what="the relative --config to be reloaded")
        d.stop()
        self.assertFalse(os.path.exists(d.pidfile))

    def test_start_failure_is_reported_by_the_parent(self):
        d = self.daemon(start=False)
        with open(d.db, "w") as f:
            f.write("not a database\n")
        r = self.run_tool(d.argv(foreground=False), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.startswith("newsidxd: "), r.stderr)
        self.assertIn(d.db, r.stderr)
        self.assertFalse(os.path.exists(d.sock))

        live = self.daemon(name="live")
        os.makedirs(os.path.join(self.tmp, "other"))
        other = Daemon(os.path.join(self.tmp, "other"), sock=live.sock)
        r = self.run_tool(other.argv(foreground=False), timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already answers on " + live.sock, r.stderr, "the reason, not only where")
        with live.client() as c:
            self.assertEqual(c.call("ping"), "pong")


if __name__ == "__main__":
    tap.main()
