"""newsidxd against hostile input.  Each attack runs on a connection of
its own; then a second, healthy connection must still be served, the
process must be alive, and stats must have counted the errors.  What the
daemon owes each one is in doc/protocol.md: a well-framed wrong request
is answered bad_request and the connection stays usable; undecodable,
oversized or too deeply nested frames are answered (with the msgid when
it could be read, else 0) and that connection is closed."""
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import SharedDaemonCase, article, marker, wait_until  # noqa: E402

import msgpack  # noqa: E402

MiB = 1 << 20


def pack(o):
    return msgpack.packb(o, use_bin_type=True)


def fixstr(raw):
    """A str object holding raw bytes, valid UTF-8 or not."""
    assert len(raw) < 32
    return bytes([0xa0 | len(raw)]) + raw


def request_with(msgid, method, params_bytes):
    """[0, msgid, method, params] where params are given already packed."""
    return b"\x94\x00" + pack(msgid) + pack(method) + params_bytes


def nested(depth, leaf=b"\xc0"):
    """depth arrays of one element around leaf."""
    return b"\x91" * depth + leaf


class Hostile(SharedDaemonCase):

    @classmethod
    def load(cls):
        return [article(i) for i in range(16)]

    # -- what every case ends with --

    def errors(self):
        with self.d.client() as c:
            return c.call("stats")["errors"]

    def assert_served(self):
        """The daemon is alive and a new connection is served."""
        self.assertTrue(self.d.alive(), "newsidxd died:\n" + self.d.log_text())
        with self.d.client(timeout=20) as c:
            self.assertEqual(c.call("ping"), "pong")
            self.assertEqual(c.call("search", [{"q": marker(3)}])["total"], 1)

    def assert_counted(self, before, **more):
        after = self.errors()
        for code, n in more.items():
            self.assertEqual(after[code] - before[code], n, code)

    def refused_and_closed(self, data, msgid, code):
        """Sends data on a new connection: expects one answer (msgid,
        code) and then the end of the connection."""
        c = self.d.client(timeout=20)
        self.addCleanup(c.close)
        c.send_raw(data)
        got = c.wait_closed(20)
        self.assertEqual(len(got), 1, got)
        self.assertEqual(got[0][0], 1)
        self.assertEqual(got[0][1], msgid)
        self.assertEqual(got[0][2]["code"], code, got[0])
        self.assertIsNone(got[0][3])

    def refused_but_usable(self, c, data, code="bad_request", msgids=(0,)):
        c.send_raw(data)
        msgid, error, result = c.recv()
        self.assertIn(msgid, msgids)
        self.assertIsNotNone(error, data[:64])
        self.assertEqual(error["code"], code, (data[:64], error))
        c.send(999, "ping", [])
        self.assertEqual(c.recv(), (999, None, "pong"), "the connection stays usable")

    # -- the cases --

    def test_truncated_frames_then_close(self):
        whole = pack([0, 5, "search", [{"q": "harbour", "limit": 3}]])
        cuts = [whole[:n] for n in (1, 2, 3, 6, len(whole) // 2, len(whole) - 1)]
        cuts += [b"\xdb\x00\x00\x01\x00" + b"x" * 10,      # str32 of 256, 10 sent
                 b"\xdc\x00",                              # half an array16 header
                 b"\x94\x00\xce\x00\x00"]                  # half a uint32 msgid
        before = self.errors()
        with self.d.client() as c:
            baseline = c.call("stats")["connections"]["open"]
        for cut in cuts:
            c = self.d.client()
            c.send_raw(cut)
            c.close()
        held = self.d.client()              # one that stays open, mid-frame
        held.send_raw(whole[:7])
        self.assert_served()
        held.close()
        self.assert_served()
        self.assert_counted(before, bad_request=0, too_large=0, internal=0)

        # At most as many as before: connections of the tests before this
        # one may still have been closing when the baseline was taken
        # (each worker thread closes its own, in its own time).
        def open_connections():
            with self.d.client() as c:
                return c.call("stats")["connections"]["open"]
        wait_until(lambda: open_connections() <= baseline, 10,
                   what="every truncated connection to be closed (open: %d, before: %d)"
                   % (open_connections(), baseline))

    def test_reserved_byte_0xc1(self):
        before = self.errors()
        self.refused_and_closed(b"\xc1", 0, "bad_request")
        self.refused_and_closed(request_with(42, "search", b"\x91\xc1"), 42, "bad_request")
        self.refused_and_closed(b"\x94\x00\x2a\xc1", 42, "bad_request")
        self.assert_served()
        self.assert_counted(before, bad_request=3, internal=0)

    def test_msgid_of_a_refused_frame_in_any_integer_encoding(self):
        # A msgid is a number, however it is encoded: the refusal of a
        # frame carries it as a request's answer would.
        encodings = [b"\x2a", b"\xcc\x2a", b"\xcd\x00\x2a", b"\xce" + struct.pack(">I", 42),
                     b"\xcf" + struct.pack(">Q", 42), b"\xd0\x2a", b"\xd1\x00\x2a",
                     b"\xd2" + struct.pack(">i", 42), b"\xd3" + struct.pack(">q", 42)]
        for enc in encodings:
            with self.d.client() as c:
                c.send_raw(b"\x94\x00" + enc + b"\xa4ping\x90")
                self.assertEqual(c.recv(), (42, None, "pong"), enc)
            self.refused_and_closed(b"\x94\x00" + enc + b"\xa6search\x91\xc1", 42, "bad_request")
        # Not a msgid: negative, or over 32 bits.
        for enc in (b"\xd0\xd6", b"\xd3" + struct.pack(">q", -42),
                    b"\xcf" + struct.pack(">Q", 1 << 32)):
            self.refused_and_closed(b"\x94\x00" + enc + b"\xa6search\x91\xc1", 0, "bad_request")
        self.assert_served()

    def test_array32_claiming_four_billion_elements(self):
        before = self.errors()
        self.refused_and_closed(b"\xdd\xff\xff\xff\xff", 0, "too_large")
        self.refused_and_closed(b"\xdf\xff\xff\xff\xff", 0, "too_large")     # map32
        self.refused_and_closed(request_with(43, "add", b"\x91\xdd\xff\xff\xff\xff"), 43,
                                "too_large")
        self.assert_served()
        self.assert_counted(before, too_large=3, internal=0)

    def test_str32_and_bin32_claiming_four_gib(self):
        before = self.errors()
        for head in (b"\xdb", b"\xc6"):
            started = time.monotonic()
            self.refused_and_closed(
                request_with(45, "search", b"\x91\x81\xa1q" + head + b"\xff\xff\xff\xff"),
                45, "too_large")
            self.assertLess(time.monotonic() - started, 5, "refused before anything arrives")
        self.assert_served()
        self.assert_counted(before, too_large=2)

    def test_100_deep_nesting(self):
        before = self.errors()
        # Protocol: nested deeper than max_depth (16) is answered and
        # closed; the code is too_large, as for the other frame limits.
        self.refused_and_closed(nested(100), 0, "too_large")
        self.refused_and_closed(request_with(44, "search", nested(100)), 44, "too_large")
        # 16 deep in all (the request array counts) is within the limit: a
        # well-formed wrong request, answered bad_request and kept open.
        with self.d.client() as c:
            self.refused_but_usable(c, request_with(46, "search", nested(15)), msgids=(46,))
            c.send_raw(request_with(47, "search", nested(16)))
            got = c.wait_closed(20)
            self.assertEqual([(o[1], o[2]["code"]) for o in got], [(47, "too_large")])
        self.assert_served()
        self.assert_counted(before, too_large=3, bad_request=1, internal=0)

    def test_wrong_param_types(self):
        cases = [
            [0, 1, "search", [{"q": None, "limit": 1.5}]],
            [0, 1, "search", [{"q": ["harbour"]}]],
            [0, 1, "search", [{"q": {"x": 1}}]],
            [0, 1, "search", [{"q": "harbour", "limit": 2 ** 64 - 1}]],
            [0, 1, "search", [{"q": "harbour", "offset": -5}]],
            [0, 1, "search", [{"q": "harbour", "explain": 1}]],
            [0, 1, "search", [{"q": "harbour", "highlight": "<em>"}]],
            [0, 1, "search", [{"q": "harbour", "highlight": [1, 2]}]],
            [0, 1, "search", [{"q": "harbour", "highlight": ["<", ">", "!"]}]],
            [0, 1, "search", [{"q": "harbour", "sort": None, "since": 20250101}]],
            [0, 1, "search", [{1: "harbour"}]],
            [0, 1, "search", [{None: "harbour"}]],
            [0, 1, "search", [msgpack.ExtType(1, b"q")]],
            [0, 1, "search", [True]],
            [0, 1, "search", None],
            [0, 1, "similar", [None]],
            [0, 1, "similar", ["art-1", "art-2"]],
            [0, 1, "similar", ["art-1", {"limit": "many"}]],
            [0, 1, "get", [3.14]],
            [0, 1, "get", [{"id": "art-1"}]],
            [0, 1, "get", [None]],
            [0, 1, "add", [{"body": "not a list"}]],
            [0, 1, "add", [[{"body": ["a", "list"]}]]],
            [0, 1, "add", [[{"body": "fine", "title": 12}]]],
            [0, 1, "add", [[{"body": "fine", "id": -3}]]],
            [0, 1, "add", [[{"body": "fine", "id": 1.5}]]],
            [0, 1, "add", [[None]]],
            [0, 1, "delete", [[None]]],
            [0, 1, "delete", ["art-1"]],
            [0, 1, "delete", [[b"\xff"]]],
            [0, 1, "stats", [None]],
            [0, 1, 17, []],
            [0, 1, None, []],
            [0, 1, ["ping"], []],
            [0, 1, "ping", {"a": 1}],
            [0, 1, "ping", "[]"],
        ]
        before = self.errors()
        with self.d.client() as c:
            for req in cases:
                self.refused_but_usable(c, pack(req), msgids=(1,))
        self.assert_served()
        self.assert_counted(before, bad_request=len(cases), internal=0)

    def test_invalid_utf8(self):
        bad = [b"\xff\xfe", b"caf\xe9", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
               b"ab\xe2\x82", b"nul\x00inside"]
        before = self.errors()
        n = 0
        with self.d.client() as c:
            for raw in bad:
                # as str and as bin, in the query, an id, a method, a key
                for text in (fixstr(raw), b"\xc4" + bytes([len(raw)]) + raw):
                    for frame in (
                            request_with(7, "search", b"\x91\x81\xa1q" + text),
                            request_with(7, "get", b"\x91" + text),
                            request_with(7, "search", b"\x91\x81" + text + b"\xa1x"),
                            request_with(7, "add", b"\x91\x91\x81\xa4body" + text)):
                        self.refused_but_usable(c, frame, msgids=(7,))
                        n += 1
                    c.send_raw(b"\x94\x00\x07" + text + b"\x90")
                    msgid, error, _ = c.recv()
                    self.assertEqual((msgid, error and error["code"]), (7, "bad_request"))
                    n += 1
        self.assert_served()
        self.assert_counted(before, bad_request=n, internal=0)

    def test_query_over_the_frame_limit(self):
        before = self.errors()
        frame = pack([0, 11, "search", [{"q": "a" * MiB}]])
        self.assertGreater(len(frame), MiB)
        c = self.d.client(timeout=30)
        self.addCleanup(c.close)
        c.send_raw(frame)       # may be cut short: the daemon stops reading
        got = c.wait_closed(20)
        self.assertEqual([(o[1], o[2]["code"]) for o in got], [(11, "too_large")])
        self.assert_served()
        self.assert_counted(before, too_large=1)

    def test_queries_nested_deep_enough_to_exhaust_the_stack(self):
        # Xapian builds, walks and frees a query recursively: "x NOT x NOT
        # ..." 150,000 times, 900 KB, nests that deep and overflowed a
        # search thread's stack, killing the daemon.  Refused before
        # parsing, as "(x)NOT(x)..." without spaces is.
        # Queries are now at most 64 KiB, so the 900 KB ones stop at that
        # limit; within it, the word count still refuses the deepest.
        before = self.errors()
        cases = ((" NOT ".join(["x"] * 150000), "bytes long, more than the limit of 65536"),
                 ("NOT".join(["(x)"] * 110000), "bytes long, more than the limit of 65536"),
                 (" NOT ".join(["x"] * 10000), "words, more than the limit"),
                 ("NOT".join(["(x)"] * 9000), "words, more than the limit"))
        for q, why in cases:
            frame = pack([0, 14, "search", [{"q": q}]])
            self.assertLessEqual(len(frame), MiB)
            with self.d.client(timeout=60) as c:
                c.send_raw(frame)
                got, error, result = c.recv()
                self.assertEqual((got, error and error["code"]), (14, "too_large"))
                self.assertIn(why, error["message"])
                self.assertEqual(c.call("ping"), "pong")
        self.assert_served()
        self.assert_counted(before, too_large=len(cases), internal=0)

    def test_query_just_under_the_frame_limit(self):
        # Accepted, or refused with a clear error; either way answered, on
        # a connection that stays usable.
        for msgid, q in ((12, "a" * (MiB - 100)), (13, "w " * ((MiB - 100) // 2))):
            frame = pack([0, msgid, "search", [{"q": q}]])
            self.assertLessEqual(len(frame), MiB)
            with self.d.client(timeout=60) as c:
                c.send_raw(frame)
                got, error, result = c.recv()
                self.assertEqual(got, msgid)
                if error:
                    self.assertEqual(error["code"], "too_large")
                    self.assertRegex(error["message"],
                                     "(terms|words|bytes long), more than the limit")
                else:
                    self.assertEqual(result["total"], 0)
                self.assertEqual(c.call("ping"), "pong")
        self.assert_served()

    def test_frame_exactly_at_max_request(self):
        # The same in a smaller daemon, to the byte: max_request = 4096.
        d = self.daemon("[daemon]\nmax_request = 4096\n")

        def ping_of(size):
            pad = "p" * (size - len(pack([0, 1, "ping", [""]])) - 2)
            f = pack([0, 1, "ping", [pad]])
            self.assertEqual(len(f), size)
            return f
        with d.client() as c:
            c.send_raw(ping_of(4096))
            self.assertEqual(c.recv(), (1, None, "pong"))
            c.send_raw(ping_of(4097))
            got = c.wait_closed(20)
            self.assertEqual([(o[1], o[2]["code"]) for o in got], [(1, "too_large")])
        with d.client() as c:
            self.assertEqual(c.call("ping"), "pong")

    def test_depth_never_beyond_what_can_be_decoded(self):
        # max_depth may be set up to 64, but msgpack-c decodes 32 levels:
        # 32 in all is a request (a wrong one), 33 is refused and closed,
        # never an internal error.
        d = self.daemon("[daemon]\nmax_depth = 64\n")
        with d.client() as c:
            self.refused_but_usable(c, request_with(48, "search", nested(31)), msgids=(48,))
        for depth in (32, 60):
            with d.client() as c:
                c.send_raw(request_with(49, "search", nested(depth)))
                got = c.wait_closed(20)
                self.assertEqual([(o[1], o[2]["code"]) for o in got], [(49, "too_large")])
        with d.client() as c:
            self.assertEqual(c.call("stats")["errors"]["internal"], 0)

    def test_not_a_request(self):
        cases = [
            {"method": "ping"},                     # a map as the whole frame
            [0, 1, "ping"],                         # 3 elements
            [0, 1, "ping", [], "extra"],            # 5 elements
            [0, -1, "ping", []],                    # negative msgid
            [0, 1.0, "ping", []],
            [0, "1", "ping", []],
            [0, None, "ping", []],
            [1, 1, None, "pong"],                   # a response
            [2, "ping"],                            # a short notification
            [3, 1, "ping", []],
            [-1, 1, "ping", []],
            ["0", 1, "ping", []],
            [],
            5, "ping", None, True,
        ]
        before = self.errors()
        with self.d.client() as c:
            for o in cases:
                self.refused_but_usable(c, pack(o), msgids=(0, 1))
        self.assert_served()
        self.assert_counted(before, bad_request=len(cases), internal=0)

    def test_gone_with_requests_in_flight(self):
        # A client that asks and leaves: the daemon finishes or drops the
        # work, frees the connection, and carries on.
        with self.d.client() as c:
            baseline = c.call("stats")["connections"]["open"]
        for k in range(10):
            c = self.d.client()
            c.send_raw(b"".join(pack([0, i, "search", [{"q": "officials", "facets": True}]])
                                for i in range(60)) + pack([0, 99, "add", [[article(100 + k)]]]))
            c.close()
        self.assert_served()

        def open_connections():
            with self.d.client() as c:
                return c.call("stats")["connections"]["open"]
        wait_until(lambda: open_connections() <= baseline, 10,
                   what="the abandoned connections to be freed")

    def test_bytes_one_at_a_time(self):
        # A frame split in every possible place is still one request.
        frame = pack([0, 21, "search", [{"q": marker(2), "limit": 1}]])
        with self.d.client() as c:
            for i in range(len(frame)):
                c.send_raw(frame[i:i + 1])
                time.sleep(0.002)
            msgid, error, result = c.recv()
            self.assertEqual((msgid, error), (21, None))
            self.assertEqual(result["hits"][0]["id"], "art-2")
            two = pack([0, 22, "ping", []]) + pack([0, 23, "ping", []])
            c.send_raw(frame + two[:3])
            c.send_raw(two[3:])
            self.assertEqual(sorted(c.recv()[0] for _ in range(3)), [21, 22, 23])

    def test_random_bytes(self):
        # Junk, then the end of input: the daemon answers at most with
        # errors and closes each connection.
        rng = random.Random(20250611)
        for _ in range(60):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            with self.d.client(timeout=10) as c:
                c.send_raw(junk)
                c.sock.shutdown(socket.SHUT_WR)
                for o in c.wait_closed(10):
                    self.assertTrue(isinstance(o, list) and len(o) == 4 and o[0] == 1, o)
                    self.assertNotEqual(o[2] and o[2]["code"], "internal")
        self.assert_served()
        with self.d.client() as c:
            self.assertEqual(c.call("stats")["errors"]["internal"], 0)

    def test_random_well_framed_requests(self):
        # Requests of the right shape with random parameters: every one
        # answered with its msgid, none internal, the connection kept.
        rng = random.Random(4242)

        def value(depth=0):
            k = rng.randrange(12 if depth < 3 else 8)
            if k == 0:
                return None
            if k == 1:
                return rng.choice([True, False])
            if k == 2:
                return rng.randrange(-2 ** 40, 2 ** 40)
            if k == 3:
                return rng.random() * 1e6
            if k == 4:
                return rng.choice(["harbour", "art-%d" % rng.randrange(20), "", "date",
                                   "2025-01-01", "x" * rng.randrange(300), "Tokyo", "a*",
                                   '"officials in"', "NOT", "(", "title:x", "\u00e9\u4e2d"])
            if k == 5:
                return bytes(rng.randrange(256) for _ in range(rng.randrange(8)))
            if k == 6:
                return msgpack.ExtType(rng.randrange(128), b"e" * rng.randrange(5))
            if k == 7:
                return rng.randrange(0, 2000)
            if k in (8, 9):
                keys = ["q", "limit", "offset", "sort", "since", "until", "speaker", "location",
                        "facets", "explain", "highlight", "id", "title", "body", "date", "zz"]
                return {rng.choice(keys): value(depth + 1) for _ in range(rng.randrange(5))}
            return [value(depth + 1) for _ in range(rng.randrange(4))]

        methods = ["search", "similar", "get", "stats", "ping", "delete", "add", "nope"]
        n = 400
        sent = set()
        with self.d.client(timeout=60) as c:
            for msgid in range(n):
                m = rng.choice(methods)
                if m == "add":
                    # never a valid article, so nothing is written
                    params = [[{"title": value(1), "date": value(1)}]]
                else:
                    params = [value(1) for _ in range(rng.randrange(3))]
                c.send_raw(pack([0, msgid, m, params]))
                sent.add(msgid)
            codes = {}
            for _ in range(n):
                msgid, error, result = c.recv()
                self.assertIn(msgid, sent)
                sent.discard(msgid)
                code = error["code"] if error else None
                codes[code] = codes.get(code, 0) + 1
            self.assertEqual(sent, set(), "every request answered once")
            self.assertNotIn("internal", codes)
            self.assertEqual(c.call("ping"), "pong")
        self.assert_served()


if __name__ == "__main__":
    tap.main()
