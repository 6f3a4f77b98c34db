"""daemon.py - newsidxd for the Python tests: a real daemon in a temporary
directory with its own config file, a raw MessagePack-RPC client over its
Unix socket, and articles to feed it.

    d = Daemon(tmpdir, config="[daemon]\\nworkers = 2\\n")
    d.start()                       # returns once the socket answers ping
    c = d.client()
    c.call("add", [[article(1)]])
    c.send(7, "search", [{"q": "harbour"}]); c.recv()  -> (7, None, {...})
    d.stop()                        # SIGTERM, checks the exit status

The binaries come from $BUILDDIR (the build tree), the sample articles
from $SRCDIR.  Nothing here sleeps for a fixed time: every wait polls
against a deadline."""
import atexit
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import msgpack

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
NEWSIDXD = os.path.join(BUILD, "newsidxd")
NEWSIDX = os.path.join(BUILD, "newsidx")
NEWSQ = os.path.join(BUILD, "newsq")
# $NX_TEST_WRAPPER runs the programs under a tool (make check-valgrind):
# the tests call scripts that exec it, made once per process.
WRAPPER = os.environ.get("NX_TEST_WRAPPER", "")
if WRAPPER:
    _bin = tempfile.mkdtemp(prefix="newsidx-wrap.")
    atexit.register(shutil.rmtree, _bin, True)

    def _wrap(path):
        w = os.path.join(_bin, os.path.basename(path))
        with open(w, "w") as f:
            f.write('#!/bin/sh\nexec %s "%s" "$@"\n' % (WRAPPER, path))
        os.chmod(w, 0o755)
        return w
    NEWSIDXD, NEWSIDX, NEWSQ = _wrap(NEWSIDXD), _wrap(NEWSIDX), _wrap(NEWSQ)
EXAMPLES = os.path.join(SRC, "examples", "articles")

ERROR_CODES = ("bad_request", "not_found", "forbidden", "too_large", "unavailable", "internal")


def environment(**extra):
    """The environment for a program under test: built-in defaults, no
    daemon found by accident, and a small ASan quarantine so that memory
    measurements mean the same with and without sanitizers."""
    env = dict(os.environ)
    env["NEWSIDX_CONFIG"] = "/dev/null"
    for k in ("NEWSIDX_DB", "NEWSIDX_SOCKET"):
        env.pop(k, None)
    asan = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=16"
    env.update(extra)
    return env


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.02, what="a condition"):
    """Polls predicate until it returns something true; its value, or an
    AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def pid_alive(pid):
    """True while pid is a process that has not exited (a zombie nobody
    reaps counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


# ---------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------

CITIES = ["Rotterdam", "Valencia", "Lisbon", "Tokyo", "Nairobi", "Oslo", "Lima", "Hanoi"]
TOPICS = ["harbour", "orchard", "railway", "election", "drought", "vaccine", "satellite", "tariff"]


def article(i, **fields):
    """A small generated article, different for every i: a known city in
    its dateline, a known topic word, a unique marker word, and a date
    spread over 2025."""
    city = CITIES[i % len(CITIES)]
    topic = TOPICS[(i // len(CITIES)) % len(TOPICS)]
    a = {
        "id": "art-%d" % i,
        "title": "%s report %d from %s" % (topic.capitalize(), i, city),
        "date": "2025-%02d-%02d" % (1 + i % 12, 1 + i % 28),
        "dateline": city.upper(),
        "body": "%s (NW) - Officials in %s discussed the %s question on Tuesday. "
                "The marker word is zq%dx and the %s plan was debated for hours.\n\n"
                "Nothing was decided about the %s, a spokesman said."
                % (city.upper(), city, topic, i, topic, topic),
    }
    a.update(fields)
    return a


def marker(i):
    """The word only article(i) contains."""
    return "zq%dx" % i


# ---------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------

class Closed(Exception):
    """The daemon closed the connection."""


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class Client:
    """A raw MessagePack-RPC connection.  send() and notify() write one
    frame, send_raw() any bytes; recv() returns the next response as
    (msgid, error, result) in arrival order and checks its shape; call()
    sends a request and waits for the response with its msgid, keeping
    others for later recv() calls."""

    def __init__(self, path, timeout=30.0):
        self.path = path
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(path)
        except OSError:
            self.sock.close()
            raise
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.held = []          # responses read by call() for another msgid
        self.next_id = 1
        self.eof = False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sending --

    def send_raw(self, data):
        """Writes bytes; returns False when the daemon closed the
        connection before taking them all (its answer may still be
        readable)."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def send(self, msgid, method, params):
        return self.send_raw(msgpack.packb([0, msgid, method, params], use_bin_type=True))

    def notify(self, method, params):
        return self.send_raw(msgpack.packb([2, method, params], use_bin_type=True))

    # -- receiving --

    def _fill(self, deadline):
        """Reads what has arrived into the unpacker; raises Closed at the
        end of the stream."""
        if self.eof:
            raise Closed()
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("no answer within %.1f s" % self.timeout)
        r, _, _ = select.select([self.sock], [], [], left)
        if not r:
            raise socket.timeout("no answer within %.1f s" % self.timeout)
        try:
            data = self.sock.recv(1 << 16)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            raise Closed()
        self.unpacker.feed(data)

    def recv_object(self, timeout=None):
        """The next whole MessagePack object the daemon sent."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            try:
                return next(self.unpacker)
            except StopIteration:
                self._fill(deadline)

    def _response(self, timeout):
        o = self.recv_object(timeout)
        if not (isinstance(o, list) and len(o) == 4 and o[0] == 1 and isinstance(o[1], int)):
            raise AssertionError("not a response: %r" % (o,))
        msgid, error, result = o[1], o[2], o[3]
        if error is not None:
            if not (isinstance(error, dict) and set(error) == {"code", "message"}
                    and error["code"] in ERROR_CODES and isinstance(error["message"], str)):
                raise AssertionError("malformed error: %r" % (error,))
            if result is not None:
                raise AssertionError("an error with a result: %r" % (o,))
        return msgid, error, result

    def recv(self, timeout=None):
        """The next response: (msgid, error, result)."""
        if self.held:
            return self.held.pop(0)
        return self._response(timeout)

    def call_raw(self, method, params, timeout=None):
        """Sends a request; (error, result) of its response."""
        msgid = self.next_id
        self.next_id = (self.next_id + 1) & 0xffffffff
        if not self.send(msgid, method, params):
            raise Closed()
        while True:
            got = self._response(timeout)
            if got[0] == msgid:
                return got[1], got[2]
            self.held.append(got)

    def call(self, method, params=(), timeout=None):
        """The result of a request; RpcError when it fails."""
        error, result = self.call_raw(method, list(params), timeout)
        if error is not None:
            raise RpcError(error["code"], error["message"])
        return result

    def error_of(self, method, params, timeout=None):
        """The error code a request gets (None when it succeeds)."""
        error, _ = self.call_raw(method, list(params), timeout)
        return error["code"] if error else None

    def wait_closed(self, timeout=15.0):
        """Reads until the daemon closes the connection; returns the
        responses that came before the end.  AssertionError if it stays
        open for timeout seconds."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                o = next(self.unpacker)
                got.append(o)
                continue
            except StopIteration:
                pass
            try:
                self._fill(deadline)
            except Closed:
                return got
            except socket.timeout:
                raise AssertionError("the daemon did not close the connection within %.1f s"
                                     % timeout)


# ---------------------------------------------------------------------
# The daemon
# ---------------------------------------------------------------------

class Daemon:
    """One newsidxd in directory `home`: database home/db, socket
    home/s.sock, config file home/newsidx.conf, its stderr in home/log."""

    def __init__(self, home, config="", db=None, sock=None, env=None):
        self.home = home
        self.env = env or {}
        self.db = db or os.path.join(home, "db")
        self.sock = sock or os.path.join(home, "s.sock")
        self.conf = os.path.join(home, "newsidx.conf")
        self.logfile = os.path.join(home, "log")
        self.pidfile = os.path.join(os.path.dirname(self.sock), "newsidxd.pid")
        self.proc = None
        self.pid = None
        self.write_config(config)

    def write_config(self, text):
        tmp = self.conf + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.conf)

    def argv(self, foreground=True):
        a = [NEWSIDXD, "--db", self.db, "--socket", self.sock, "--config", self.conf]
        return a + ["--foreground"] if foreground else a

    def start(self, timeout=30.0, preexec_fn=None):
        """Starts it in the foreground and waits until it answers ping
        (preexec_fn runs in the child before newsidxd, e.g. to set a
        resource limit)."""
        self.log = open(self.logfile, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, env=environment(**self.env),
                                     preexec_fn=preexec_fn)
        self.pid = self.proc.pid
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=30.0):
        def answers():
            if not self.alive():
                raise AssertionError("newsidxd exited while starting:\n" + self.log_text())
            try:
                with Client(self.sock, timeout=5) as c:
                    return c.call("ping") == "pong"
            except (OSError, Closed):
                return False
        wait_until(answers, timeout, what="newsidxd to answer on " + self.sock)

    def alive(self):
        if self.proc is not None:
            return self.proc.poll() is None
        return self.pid is not None and pid_alive(self.pid)

    def signal(self, sig):
        os.kill(self.pid, sig)

    def wait(self, timeout=60.0):
        """Waits for the exit; its status (negative: killed by a signal;
        None for a detached daemon, which is not our child)."""
        if self.proc is not None:
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                raise AssertionError("newsidxd did not exit within %.0f s" % timeout)
            finally:
                if self.proc.poll() is not None:
                    self.log.close()
        wait_until(lambda: not pid_alive(self.pid), timeout, what="newsidxd to exit")
        return None

    def stop(self, timeout=60.0, expect=0):
        """SIGTERM, then checks that it exits with status `expect`."""
        if not self.alive():
            rc = self.wait(5)
        else:
            self.signal(signal.SIGTERM)
            rc = self.wait(timeout)
        if expect is not None and rc is not None and rc != expect:
            raise AssertionError("newsidxd exited with status %s, not %s:\n%s"
                                 % (rc, expect, self.log_text()))
        return rc

    def kill(self):
        if self.alive():
            self.signal(signal.SIGKILL)
            self.wait(30)

    def log_text(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()[-4000:]
        except FileNotFoundError:
            return ""

    def client(self, timeout=30.0):
        return Client(self.sock, timeout)

    def stats(self):
        with self.client() as c:
            return c.call("stats")

    def rss_kib(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS for pid %d" % self.pid)


def stop_and_remove(d, home, expect=0):
    """A test class's end: its daemon d stopped (with status expect),
    killed all the same if that fails, and its folder home removed."""
    try:
        d.stop(expect=expect)
    finally:
        d.kill()
        shutil.rmtree(home, True)


def add_articles(client, articles, batch=100, window=8):
    """Adds articles over one connection in batches, with up to `window`
    requests in flight; the ids the daemon acknowledged."""
    acked = []
    pending = {}
    batches = [articles[i:i + batch] for i in range(0, len(articles), batch)]
    msgid = 1000
    while batches or pending:
        while batches and len(pending) < window:
            msgid += 1
            pending[msgid] = len(batches[0])
            client.send(msgid, "add", [batches.pop(0)])
        got, error, result = client.recv()
        if got not in pending:
            raise AssertionError("an answer to msgid %d, which was not sent" % got)
        del pending[got]
        if error:
            raise RpcError(error["code"], error["message"])
        acked.extend(result["ids"])
    return acked


class DaemonCase(unittest.TestCase):
    """A test case with a temporary directory and daemons that are stopped
    (their exit status checked) when the test ends, even when it fails."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="newsidxd-test.")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def daemon(self, config="", name="d", start=True, **kw):
        home = os.path.join(self.tmp, name)
        os.makedirs(home, exist_ok=True)
        d = Daemon(home, config, **kw)
        self.addCleanup(self._finish, d)
        if start:
            d.start()
        return d

    @staticmethod
    def _finish(d):
        if d.pid is None or not d.alive():
            return
        try:
            d.stop(expect=0)
        finally:
            d.kill()

    def run_tool(self, argv, timeout=120, **env):
        """Runs a command of the build tree; the CompletedProcess."""
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=environment(**env), stdin=subprocess.DEVNULL)



class SharedDaemonCase(DaemonCase):
    """Tests that share one daemon started once for the class, loaded with
    the articles load() returns.  Each test still has its own self.tmp."""

    config = "[daemon]\nworkers = 2\n"

    @classmethod
    def load(cls):
        return []

    @classmethod
    def setUpClass(cls):
        cls.shared_tmp = tempfile.mkdtemp(prefix="newsidxd-test.")
        home = os.path.join(cls.shared_tmp, "shared")
        os.makedirs(home)
        cls.d = Daemon(home, cls.config)
        try:
            cls.d.start()
            articles = cls.load()
            if articles:
                with cls.d.client() as c:
                    cls.loaded_ids = add_articles(c, articles)
        except BaseException:
            cls.d.kill()
            shutil.rmtree(cls.shared_tmp, True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.d.alive():
                cls.d.stop(expect=0)
        finally:
            cls.d.kill()
            shutil.rmtree(cls.shared_tmp, True)

    def setUp(self):
        super().setUp()
        self.assertTrue(self.d.alive(), "the shared daemon died:\n" + self.d.log_text())
        self.c = self.d.client()
        self.addCleanup(self.c.close)
