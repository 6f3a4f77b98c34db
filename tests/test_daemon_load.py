"""newsidxd under load: one client importing over the socket while eight
search continuously, and clients that trickle, crowd or never read."""
import os
import random
import resource
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (CITIES, TOPICS, Closed, DaemonCase, add_articles, article,  # noqa: E402
                    marker, wait_until)

import msgpack  # noqa: E402


def cpu_seconds(pid):
    """User and system time of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_files(pid):
    """What the process's descriptors point at, counted by kind (a socket
    is "socket:[inode]": the inode is dropped), so that a difference names
    what leaked."""
    kinds = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        kind = target.split(":[")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def settled(client):
    """Whether the daemon took no request in 0.3 s but the one stats
    request asked here: the others it holds are not being served."""
    before = client.call("stats")["requests"]
    time.sleep(0.3)
    return client.call("stats")["requests"] == before + 1


def long_article(i):
    """An article of a few kilobytes, for large replies."""
    a = article(i)
    a["body"] += "\n\nThe officials said the figures would be published later." * 40
    return a


class ReadersAndWriter(DaemonCase):

    def test_import_while_eight_clients_search(self):
        d = self.daemon("[daemon]\nworkers = 2\n")
        n = 3000
        acked = []                  # ids acknowledged so far, in order
        problems = []
        done = threading.Event()
        counts = [0] * 8

        def searcher(k):
            rng = random.Random(k)
            try:
                with d.client(timeout=60) as c:
                    while not done.is_set():
                        kind = rng.randrange(4)
                        if kind == 0:
                            r = c.call("search", [{"q": rng.choice(TOPICS), "limit": 5}])
                            assert len(r["hits"]) <= 5, r
                        elif kind == 1:
                            r = c.call("search", [{"q": "officials", "facets": True,
                                                   "location": rng.choice(CITIES)}])
                            assert r["total"] == sum(f[1] for f in r["facets"]["locations"]), r
                        elif kind == 2 and acked:
                            # an acknowledged article is visible at once,
                            # on any connection
                            ident = acked[rng.randrange(len(acked))]
                            assert c.call("get", [ident])["id"] == ident
                        else:
                            i = rng.randrange(n)
                            r = c.call("search", [{"q": marker(i)}])
                            assert r["total"] <= 1 and all(h["id"] == "art-%d" % i
                                                           for h in r["hits"]), r
                        counts[k] += 1
            except Exception as e:          # reported by the main thread
                problems.append("searcher %d: %r" % (k, e))

        threads = [threading.Thread(target=searcher, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        try:
            with d.client(timeout=120) as c:
                batches = [[article(i) for i in range(s, min(n, s + 100))]
                           for s in range(0, n, 100)]
                pending = {}
                msgid = 0
                while batches or pending:
                    while batches and len(pending) < 8:
                        msgid += 1
                        pending[msgid] = batches.pop(0)
                        c.send(msgid, "add", [pending[msgid]])
                    got, error, result = c.recv()
                    self.assertIsNone(error, error)
                    sent = pending.pop(got)
                    self.assertEqual(result["ids"], [a["id"] for a in sent])
                    self.assertEqual(result["added"], len(sent))
                    acked.extend(result["ids"])
        finally:
            done.set()
            for t in threads:
                t.join(60)
        self.assertEqual(problems, [])
        self.assertTrue(all(counts), "every searcher got answers: %r" % counts)
        self.assertEqual(len(acked), n)
        with d.client(timeout=120) as c:
            for start in range(0, n, 500):
                ids = acked[start:start + 500]
                c.send_raw(b"".join(msgpack.packb([0, j, "get", [ident]])
                                    for j, ident in enumerate(ids)))
                for _ in ids:
                    j, error, result = c.recv()
                    self.assertIsNone(error, (ids[j], error))
                    self.assertEqual(result["id"], ids[j])
            self.assertEqual(c.call("search", [{"q": "officials", "facets": True,
                                                "limit": 1}])["total"], n)
            s = c.call("stats")
            self.assertEqual(s["documents"], n)
            self.assertEqual(s["pending_writes"], 0)
            self.assertEqual(sum(s["errors"].values()), 0, s["errors"])


class AbusiveClients(DaemonCase):

    def test_one_greedy_client_does_not_hold_up_another(self):
        # One thread; one client pipelines 64 searches of about half a
        # second each (the test-only hook NEWSIDX_TEST_SLOW_HIT), about 32
        # s of work; another's single search, sent after them, waits for
        # one of them at most: connections are served in turn.
        d = self.daemon("[daemon]\nworkers = 1\n", env={"NEWSIDX_TEST_SLOW_HIT": "50"})
        with d.client() as c:
            c.call("add", [[article(i) for i in range(20)]])
        greedy = d.client(timeout=120)
        self.addCleanup(greedy.close)
        greedy.send_raw(b"".join(msgpack.packb([0, k, "search", [{"q": "officials", "limit": 10}]])
                                 for k in range(64)))
        self.assertIsNone(greedy.recv(60)[1], "the first greedy search is answered")
        started = time.monotonic()
        with d.client(timeout=60) as other:
            r = other.call("search", [{"q": "officials", "limit": 1}])
        waited = time.monotonic() - started
        self.assertEqual(r["total"], 20)
        self.assertLess(waited, 8, "the other client waited behind the greedy one's searches")
        # The greedy client still gets every answer, in time.
        self.assertGreater(sum(1 for _ in range(3) if greedy.recv(60)[1] is None), 0)

    def test_the_frame_clock(self):
        # A request that has started must be complete within 10 s: a
        # client trickling one byte every half second (never idle) is cut
        # off.  A client whose request the daemon itself stopped reading,
        # because the client has not read its replies yet (over
        # max_output), is not.
        d = self.daemon("[daemon]\nmax_output = 64K\n")
        with d.client() as c:
            c.call("add", [[article(1, id="big",
                                    body=" ".join(["A long article about officials."] * 8192))]])
        reader = d.client()
        self.addCleanup(reader.close)
        ping = msgpack.packb([0, 2, "ping", []])
        reader.send_raw(msgpack.packb([0, 1, "get", ["big"]]) + ping[:3])
        time.sleep(0.3)             # the get's 256 KiB reply pauses it
        reader.send_raw(ping[3:])   # the whole ping is sent

        frame = msgpack.packb([0, 1, "search", [{"q": "x" * 200}]])
        started = time.monotonic()
        closed_after = None
        with d.client() as slow, d.client() as other:
            for i in range(len(frame) - 1):
                r, _, _ = select.select([slow.sock], [], [], 0.5)
                if r or not slow.send_raw(frame[i:i + 1]):
                    closed_after = time.monotonic() - started
                    break
                self.assertEqual(other.call("ping"), "pong", "others are served meanwhile")
                self.assertLess(time.monotonic() - started, 20, "never cut off")
            self.assertIsNotNone(closed_after, "never cut off")
            # An answer first, with the msgid of the frame, then the end.
            got = slow.wait_closed(10)
            self.assertEqual(len(got), 1, got)
            self.assertEqual(got[0][1], 1)
            self.assertEqual(got[0][2]["code"], "bad_request")
            self.assertIn("did not arrive whole within 10 s", got[0][2]["message"])
        self.assertGreater(closed_after, 9)
        self.assertLess(closed_after, 14)
        self.assertIn("did not arrive within", d.log_text())

        # More than 10 s later, the reader reads: both answers, and the
        # connection is still open.
        got = sorted(reader.recv()[0] for _ in range(2))
        self.assertEqual(got, [1, 2])
        self.assertEqual(reader.call("ping"), "pong")

    def test_idle_connections_are_closed(self):
        d = self.daemon("[daemon]\nidle_timeout = 1s\n")
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")
            started = time.monotonic()
            self.assertEqual(c.wait_closed(10), [])
            self.assertGreater(time.monotonic() - started, 0.8)
        with d.client() as c:
            for _ in range(6):              # busy for longer than the timeout
                time.sleep(0.3)
                self.assertEqual(c.call("ping"), "pong")

    def test_connections_over_max_connections_are_refused(self):
        d = self.daemon("[daemon]\nmax_connections = 20\n")
        first = d.client(timeout=10)
        self.addCleanup(first.close)
        self.assertEqual(first.call("ping"), "pong")
        crowd = []
        for _ in range(100):
            c = d.client(timeout=10)
            self.addCleanup(c.close)
            crowd.append(c)
        answered = refused = 0
        for c in crowd:
            try:
                if c.call("ping") == "pong":
                    answered += 1
            except (Closed, OSError):
                refused += 1
        self.assertEqual((answered, refused), (19, 81))
        self.assertEqual(first.call("ping"), "pong", "the first client is still served")
        s = first.call("stats")
        self.assertEqual(s["connections"]["refused"], 81)
        self.assertEqual(s["connections"]["open"], 20)
        for c in crowd:
            c.close()
        wait_until(lambda: first.call("stats")["connections"]["open"] == 1, 10,
                   what="the crowd's connections to close")
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong", "room again")

    def test_a_thousand_connections_at_once(self):
        # doc/reliability.md, promise 4: 1,000 connections opened at once
        # by 20 threads against a cap of 200, while four clients already
        # connected keep searching.  Those four are answered throughout;
        # of the crowd, exactly as many as fit under the cap are served,
        # the others are closed at once, and stats counts them.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 1200:
            self.skipTest("needs 1,200 file descriptors (hard limit %d)" % hard)
        if soft != resource.RLIM_INFINITY and soft < 1200:
            resource.setrlimit(resource.RLIMIT_NOFILE, (1200, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        d = self.daemon("[daemon]\nworkers = 2\nmax_connections = 200\n")
        with d.client(timeout=60) as c:
            add_articles(c, [article(i) for i in range(200)])
        # One connection of ours stays open throughout: it watches.
        watcher = d.client(timeout=30)
        self.addCleanup(watcher.close)
        wait_until(lambda: watcher.call("stats")["connections"]["open"] == 1, 15,
                   what="the loading connection to close")

        done = threading.Event()
        problems = []
        latencies = [[] for _ in range(4)]

        def regular(k):
            rng = random.Random(k)
            try:
                with d.client(timeout=30) as c:
                    while not done.is_set():
                        i = rng.randrange(200)
                        started = time.monotonic()
                        r = c.call("search", [{"q": marker(i)}])
                        latencies[k].append(time.monotonic() - started)
                        assert [h["id"] for h in r["hits"]] == ["art-%d" % i], r
            except Exception as e:
                problems.append("client %d: %r" % (k, e))

        regulars = [threading.Thread(target=regular, args=(k,)) for k in range(4)]
        for t in regulars:
            t.start()
        # Both search threads have opened the database by now.
        wait_until(lambda: all(len(v) >= 20 for v in latencies), 10,
                   what="the four clients to be answered")
        self.assertEqual(watcher.call("stats")["connections"]["open"], 5)
        base_fds = open_files(d.pid)

        crowd = []
        lock = threading.Lock()

        def connect(n):
            for _ in range(n):
                # Blocking: a full backlog makes connect() wait, where a
                # non-blocking one would fail with EAGAIN.
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(d.sock)
                    s.settimeout(30)
                except OSError as e:
                    s.close()
                    with lock:
                        problems.append("connect: %r" % e)
                    continue
                with lock:
                    crowd.append(s)

        storm = [threading.Thread(target=connect, args=(50,)) for _ in range(20)]
        try:
            for t in storm:
                t.start()
            for t in storm:
                t.join(60)
            self.assertEqual(problems, [])
            self.assertEqual(len(crowd), 1000, "every connect() succeeds at the socket level")
            ping = msgpack.packb([0, 1, "ping", []])
            answered = closed = 0
            for s in crowd:
                try:
                    s.sendall(ping)
                    data = s.recv(64)
                except OSError:
                    data = b""
                if data:
                    self.assertEqual(msgpack.unpackb(data), [1, 1, None, "pong"])
                    answered += 1
                else:
                    closed += 1
            # 200 in all: the watcher, the four regular clients, and 195
            # of the crowd.
            self.assertEqual((answered, closed), (195, 805))
            for s in crowd:
                s.close()
            wait_until(lambda: watcher.call("stats")["connections"]["open"] == 5, 15,
                       what="the crowd to be gone")
            # libevent closes a freed connection's socket on the next
            # turn of its thread's loop, which may come just after the
            # count drops: a short wait, then the same descriptors.
            deadline = time.monotonic() + 5
            while open_files(d.pid) != base_fds and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(open_files(d.pid), base_fds,
                             "the daemon holds the descriptors it held before")
        finally:
            for s in crowd:
                s.close()
            done.set()
            for t in regulars:
                t.join(30)
        self.assertEqual(problems, [])
        worst = max(max(v) for v in latencies)
        self.assertLess(worst, 5, "the regular clients waited %.1f s" % worst)
        self.assertTrue(all(len(v) > 5 for v in latencies), [len(v) for v in latencies])

        st = watcher.call("stats")
        self.assertEqual(st["connections"]["refused"], 805)
        self.assertEqual(st["errors"], {code: 0 for code in st["errors"]})
        print("# %d searches by the four regular clients, the slowest in %.0f ms"
              % (sum(map(len, latencies)), 1000 * worst), flush=True)

    def test_a_flood_of_notifications_is_held_back(self):
        # Notifications get no answer, but they are work in flight like
        # requests: a client sending thousands must not queue them all
        # ahead of everybody else.
        d = self.daemon("[daemon]\nworkers = 2\n")
        with d.client(timeout=60) as c:
            add_articles(c, [article(i) for i in range(300)])
        flood = d.client()
        self.addCleanup(flood.close)
        frames = msgpack.packb([2, "search", [{"q": "officials", "facets": True}]]) * 20000
        flood.sock.setblocking(False)
        sent = 0
        stuck_since = None
        while sent < len(frames):
            try:
                sent += flood.sock.send(frames[sent:sent + 65536])
                stuck_since = None
            except BlockingIOError:
                stuck_since = stuck_since or time.monotonic()
                if time.monotonic() - stuck_since > 0.5:
                    break               # the daemon is holding it back
                time.sleep(0.01)
        with d.client() as other:
            started = time.monotonic()
            self.assertEqual(other.call("search", [{"q": marker(7)}])["total"], 1)
            waited = time.monotonic() - started
        # How many notifications the daemon has taken by now depends on how
        # fast it searches; what it promises is that the other client is
        # not queued behind all of them.
        self.assertLess(waited, 5, "another client waited behind the notifications")

    def test_out_of_file_descriptors(self):
        # With 48 descriptors, accept() fails for most of a crowd: the
        # daemon pauses accepting instead of spinning, keeps serving the
        # clients it has, and accepts again once descriptors are free.
        # (One search thread, whose database is open before the crowd
        # comes: opening it then would fail for want of descriptors.)
        d = self.daemon("[daemon]\nworkers = 1\n", start=False)
        d.start(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48)))
        first = d.client()
        self.addCleanup(first.close)
        self.assertEqual(first.call("search", [{"q": "x"}])["total"], 0)
        crowd = [d.client(timeout=5) for _ in range(80)]
        try:
            wait_until(lambda: "pausing new connections" in d.log_text(), 10,
                       what="accept() to run out of descriptors")
            before = cpu_seconds(d.pid)
            time.sleep(1)
            self.assertLess(cpu_seconds(d.pid) - before, 0.5, "it does not spin")
            self.assertEqual(first.call("ping"), "pong")
            self.assertEqual(first.call("search", [{"q": "x"}])["total"], 0)
        finally:
            for c in crowd:
                c.close()
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")
        wait_until(lambda: first.call("stats")["connections"]["open"] == 1, 10,
                   what="the crowd to be gone")

    def test_clients_that_never_read_share_max_output_total(self):
        # Four clients ask for a 128 KiB article 200 times each and read
        # nothing.  max_output (4M) alone would let each pile up 32
        # replies, 128 in all; max_output_total (1M) stops them together
        # at about a tenth of that.
        d = self.daemon("[daemon]\nworkers = 2\nmax_output = 4M\nmax_output_total = 1M\n")
        big = article(1, id="big", body=" ".join(["A long article about officials."] * 4096))
        with d.client(timeout=60) as c:
            c.call("add", [[big]])
            base = c.call("stats")["requests"]
        hogs = []
        for k in range(4):
            h = d.client(timeout=60)
            self.addCleanup(h.close)
            h.sock.setblocking(False)
            frames = b"".join(msgpack.packb([0, i, "get", ["big"]]) for i in range(200))
            try:
                h.sock.send(frames)
            except BlockingIOError:
                pass
            hogs.append(h)
        with d.client() as other:
            wait_until(lambda: settled(other), 30,
                       what="the daemon to stop taking the hogs' requests")
            self.assertEqual(other.call("search", [{"q": "officials"}])["total"], 1)
            taken = other.call("stats")["requests"] - base
        self.assertLess(taken, 60, "replies piled up beyond max_output_total")
        # A hog that reads gets its answers again.
        hogs[0].sock.setblocking(True)
        self.assertIsNone(hogs[0].recv(30)[1])

    def test_a_client_that_never_reads_does_not_grow_the_daemon(self):
        # It asks for a 128 KiB article a thousand times: 128 MiB of
        # replies if the daemon kept producing them, about 9 MiB if it
        # stops at max_output (and 64 requests in flight).
        d = self.daemon("[daemon]\nworkers = 2\nmax_output = 1M\n")
        big = article(1, id="big", body=" ".join(["A long article about officials."] * 4096))
        with d.client(timeout=60) as c:
            c.call("add", [[big]])
            for _ in range(20):             # warm the search threads up
                self.assertEqual(len(c.call("get", ["big"])["body"]), len(big["body"]))
            base_requests = c.call("stats")["requests"]
        base_rss = d.rss_kib()

        n = 1000
        frames = b"".join(msgpack.packb([0, i, "get", ["big"]]) for i in range(n))
        hog = d.client(timeout=60)
        self.addCleanup(hog.close)
        hog.sock.setblocking(False)
        sent = 0
        stuck_since = None
        while sent < len(frames):
            try:
                sent += hog.sock.send(frames[sent:sent + 65536])
                stuck_since = None
            except BlockingIOError:
                stuck_since = stuck_since or time.monotonic()
                if time.monotonic() - stuck_since > 1:
                    break               # the daemon stopped reading from it
                time.sleep(0.01)
        hog.sock.setblocking(True)

        with d.client() as other:
            # The hog's replies pile up to max_output and stop there.
            wait_until(lambda: settled(other), 30,
                       what="the daemon to stop taking the hog's requests")
            started = time.monotonic()
            self.assertEqual(other.call("ping"), "pong")
            self.assertEqual(other.call("search", [{"q": "officials"}])["total"], 1)
            self.assertLess(time.monotonic() - started, 5, "others are served at once")
            taken = other.call("stats")["requests"] - base_requests
        self.assertLess(taken, n // 4, "the daemon stopped reading the hog's requests")
        grown = d.rss_kib() - base_rss
        self.assertLess(grown, 48 * 1024, "RSS grew by %d KiB" % grown)

        # Once it reads, it gets every answer, in full.
        seen = set()
        while len(seen) < n:
            msgid, error, result = hog.recv()
            self.assertIsNone(error)
            self.assertEqual(len(result["body"]), len(big["body"]))
            seen.add(msgid)
        self.assertEqual(seen, set(range(n)))

    def test_a_client_that_never_reads_is_closed_after_idle_timeout(self):
        d = self.daemon("[daemon]\nidle_timeout = 1s\nmax_output = 64K\n")
        with d.client(timeout=60) as c:
            add_articles(c, [long_article(i) for i in range(50)])
        hog = d.client()
        self.addCleanup(hog.close)
        hog.sock.setblocking(False)
        frame = msgpack.packb([0, 1, "search", [{"q": "officials", "limit": 50}]])
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 15 and not closed:
            try:
                hog.sock.send(frame * 50)
            except BlockingIOError:
                time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                closed = True
        self.assertTrue(closed, "a client that reads none of its replies is closed")
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")


if __name__ == "__main__":
    tap.main()
