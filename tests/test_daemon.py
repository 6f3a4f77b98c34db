"""newsidxd over its real socket, from a client not written in C: every
method, every error code, pipelining, msgids, notifications, str and bin
text, and the command-line tools going through the daemon
(doc/protocol.md is the contract)."""
import json
import os
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (CITIES, EXAMPLES, NEWSIDX, NEWSQ, TOPICS, Client, DaemonCase,  # noqa: E402
                    SharedDaemonCase, article, environment, marker, wait_until)

import msgpack  # noqa: E402

N = 64          # generated articles: every city with every topic once

HIT_KEYS = {"id", "rank", "score", "date", "dateline", "title", "speakers", "locations",
            "snippet", "partial", "versions", "byline", "url", "language", "subjects"}
STATS_KEYS = {"documents", "revision", "format", "path", "workers", "pending_writes", "uptime",
              "requests", "quotes", "errors", "latency_us", "connections", "pid",
              "wire_parts"}


def plain(ident, words, **fields):
    """An article of its own words only: none of the shared corpus's
    topics, cities or common words, so adding it changes no count."""
    a = {"id": ident, "title": "Note " + ident, "date": "2024-06-01",
         "body": "A short note about %s and nothing else." % words}
    a.update(fields)
    return a


def all_text_is_str(o):
    """True when no bytes (a bin object) hides anywhere in a decoded
    reply."""
    if isinstance(o, bytes):
        return False
    if isinstance(o, dict):
        return all(all_text_is_str(k) and all_text_is_str(v) for k, v in o.items())
    if isinstance(o, list):
        return all(all_text_is_str(v) for v in o)
    return True


def in_month(i, month):
    return 1 + i % 12 == month


class Methods(SharedDaemonCase):
    """Each method's results against a known corpus."""

    @classmethod
    def load(cls):
        extra = [
            plain("html-1", "ampersands <b>bold</b> & angle brackets"),
            plain("full-1", "bylines and links", byline="Kim Reporter",
                  url="https://news.example.org/full-1", dateline="OSLO"),
        ]
        return [article(i) for i in range(N)] + extra

    def search(self, **params):
        return self.c.call("search", [params])

    def test_ping(self):
        self.assertEqual(self.c.call("ping"), "pong")

    def test_search_finds_the_one_article(self):
        r = self.search(q=marker(5))
        self.assertEqual(r["total"], 1)
        self.assertEqual(r["query"], marker(5))
        h = r["hits"][0]
        self.assertEqual(set(h), HIT_KEYS)
        a = article(5)
        self.assertEqual(h["id"], "art-5")
        self.assertEqual(h["rank"], 1)
        self.assertIsInstance(h["score"], float)
        self.assertGreater(h["score"], 0)
        self.assertEqual((h["title"], h["date"], h["dateline"]), (a["title"], a["date"], a["dateline"]))
        self.assertIn(CITIES[5], h["locations"])
        self.assertIsInstance(h["speakers"], list)
        self.assertIn("<em>%s</em>" % marker(5), h["snippet"])

    def test_search_limit_offset_and_default_limit(self):
        r = self.search(q="officials")
        self.assertEqual(r["total"], N)
        self.assertEqual(len(r["hits"]), 10, "default_limit is 10")
        first = self.search(q="officials", limit=4)
        then = self.search(q="officials", limit=4, offset=4)
        self.assertEqual([h["rank"] for h in first["hits"]], [1, 2, 3, 4])
        self.assertEqual([h["rank"] for h in then["hits"]], [5, 6, 7, 8])
        self.assertEqual([h["id"] for h in first["hits"] + then["hits"]],
                         [h["id"] for h in self.search(q="officials", limit=8)["hits"]])

    def test_search_sort_by_date(self):
        r = self.search(q="officials", sort="date", limit=N)
        dates = [h["date"] for h in r["hits"]]
        self.assertEqual(len(dates), N)
        self.assertEqual(dates, sorted(dates, reverse=True), "newest first")
        rel = self.search(q="officials", sort="relevance", limit=N)
        self.assertEqual(sorted(h["id"] for h in rel["hits"]), sorted(h["id"] for h in r["hits"]))

    def test_search_since_until(self):
        r = self.search(q="officials", since="2025-03-01", until="2025-03-31", limit=N)
        want = sorted("art-%d" % i for i in range(N) if in_month(i, 3))
        self.assertEqual(sorted(h["id"] for h in r["hits"]), want)
        self.assertTrue(all(h["date"].startswith("2025-03-") for h in r["hits"]))

    def test_search_location_filter_alone_and_case(self):
        want = sorted("art-%d" % i for i in range(N) if i % len(CITIES) == 0)
        for name in ("Rotterdam", "rotterdam", "ROTTERDAM"):
            r = self.search(location=name, limit=N)
            self.assertEqual(sorted(h["id"] for h in r["hits"]), want, name)
        self.assertEqual(self.search(location="Rotter")["total"], 0, "exact names only")

    def test_search_speaker_filter(self):
        # Speaker attribution finds nobody yet (src/lib/extract/speakers.c), so
        # the filter can only be seen to exclude.
        self.assertEqual(self.search(q="officials", speaker="Nobody Quoted")["total"], 0)
        self.assertEqual(self.search(speaker="Nobody Quoted")["hits"], [])

    def test_search_facets(self):
        r = self.search(q=TOPICS[0], facets=True, limit=1)
        self.assertEqual(r["total"], len(CITIES), "exact with facets")
        self.assertEqual(len(r["hits"]), 1)
        self.assertEqual(set(r["facets"]), {"speakers", "locations", "subjects", "speakers_tagged",
                                             "locations_tagged"})
        self.assertEqual(sorted(r["facets"]["locations"]), sorted([c, 1] for c in CITIES),
                         "facets count the whole match set, not the page")
        r = self.search(q="officials", location="Tokyo", facets=True)
        self.assertEqual(r["facets"]["locations"], [["Tokyo", N // len(CITIES)]])
        self.assertNotIn("facets", self.search(q="officials"))

    def test_search_highlight(self):
        r = self.search(q=marker(9), highlight=["[[", "]]"])
        s = r["hits"][0]["snippet"]
        self.assertIn("[[%s]]" % marker(9), s)
        self.assertNotIn("<em>", s)

    def test_search_snippet_is_html_escaped(self):
        r = self.search(q="ampersands")
        self.assertEqual(r["hits"][0]["id"], "html-1")
        s = r["hits"][0]["snippet"]
        self.assertIn("&lt;b&gt;bold&lt;/b&gt; &amp;", s)
        self.assertNotIn("<b>", s)

    def test_search_explain_is_accepted(self):
        without = self.search(q=TOPICS[1])
        r = self.search(q=TOPICS[1], explain=True)
        self.assertEqual([h["id"] for h in r["hits"]], [h["id"] for h in without["hits"]])
        self.assertNotIn("explain", without["hits"][0], "only when asked")

    def test_search_explain_gives_field_weights(self):
        r = self.search(q=TOPICS[1], explain=True)
        self.assertGreater(len(r["hits"]), 0)
        for h in r["hits"]:
            self.assertEqual(set(h), HIT_KEYS | {"explain"})
            self.assertTrue(h["explain"])
            self.assertTrue(all(isinstance(k, str) and isinstance(v, float)
                                for k, v in h["explain"].items()))
            # the fields' shares add up to the score
            self.assertAlmostEqual(sum(h["explain"].values()), h["score"], places=3)

    def test_similar(self):
        r = self.c.call("similar", ["art-0"])
        ids = [h["id"] for h in r["hits"]]
        self.assertTrue(ids, "something is like art-0")
        self.assertNotIn("art-0", ids, "the article itself is left out")
        self.assertEqual(set(r["hits"][0]), HIT_KEYS)
        two = self.c.call("similar", ["art-0", {"limit": 2, "offset": 1,
                                                "highlight": ["{", "}"]}])
        self.assertEqual([h["id"] for h in two["hits"]], ids[1:3])
        self.assertEqual(self.c.error_of("similar", ["no-such-id"]), "not_found")

    def test_get(self):
        a = article(7)
        g = self.c.call("get", ["art-7"])
        self.assertEqual(set(g) - {"speaker_kinds"},
                         {"id", "title", "date", "dateline", "speakers", "locations", "quotes",
                          "body"})
        for k in ("id", "title", "date", "dateline", "body"):
            self.assertEqual(g[k], a[k], k)
        self.assertIn(CITIES[7], g["locations"])
        full = self.c.call("get", ["full-1"])
        self.assertEqual(full["byline"], "Kim Reporter")
        self.assertEqual(full["url"], "https://news.example.org/full-1")
        self.assertEqual(self.c.error_of("get", ["art-999999"]), "not_found")

    def test_sender_fields_round_trip(self):
        # What the sender gives goes in through add and comes back from
        # get, through the protocol and through newsidx get --json.
        a = plain("meta-1", "quinoa harvests", time="2025-02-12T09:30:00+01:00",
                  language="de", version=3, subjects=["Landwirtschaft", "Ernte \u2013 2025"],
                  agency_persons=["Jos\u00e9 Mar\u00eda"], agency_orgs=[], summary_only=True)
        self.c.call("add", [[a]])
        g = self.c.call("get", ["meta-1"])
        self.assertEqual(g["time"], "2025-02-12T08:30:00Z", "normalised to UTC")
        self.assertEqual((g["language"], g["version"]), ("de", "3"))
        self.assertEqual(g["subjects"], a["subjects"])
        self.assertEqual(g["agency_persons"], a["agency_persons"])
        self.assertNotIn("agency_orgs", g, "an empty list is left out")
        self.assertIs(g["summary_only"], True)
        cli = self.run_tool([NEWSIDX, "--socket", self.d.sock, "get", "--json", "meta-1"])
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertEqual(json.loads(cli.stdout), g)
        # A date or time that cannot be right is left out, never the
        # article, and the reply says which and why.
        r = self.c.call("add", [[plain("meta-2", "x", time="9:30"),
                                 plain("meta-3", "y", date="3013-07-07"),
                                 plain("meta-4", "z", date="2013-02-29")]])
        self.assertEqual((r["added"], r["ids"]), (3, ["meta-2", "meta-3", "meta-4"]))
        self.assertEqual(len(r["warnings"]), 3, r)
        self.assertIn("article 1 (meta-2): time '9:30': it is not a date", r["warnings"][0])
        self.assertIn("article 2 (meta-3): date '3013-07-07': it is more than two days after "
                      "the day it was read", r["warnings"][1])
        self.assertIn("article 3 (meta-4): date '2013-02-29': 2013 is not a leap year",
                      r["warnings"][2])
        for i in ("meta-2", "meta-3", "meta-4"):
            g = self.c.call("get", [i])
            self.assertNotIn("time", g, i)
            if i == "meta-2":
                self.assertEqual(g["date"], "2024-06-01", "its good date is kept")
            else:
                self.assertIsNone(g["date"], i)
        self.assertNotIn("warnings", self.c.call("add", [[plain("meta-5", "w")]]),
                         "no warnings, no key")

    def test_add_replace_and_generated_ids(self):
        r = self.c.call("add", [[plain("rep-1", "quinces"), plain("rep-2", "medlars")]])
        self.assertEqual(r, {"added": 2, "replaced": 0, "ids": ["rep-1", "rep-2"]})
        r = self.c.call("add", [[plain("rep-1", "loquats")]])
        self.assertEqual(r, {"added": 0, "replaced": 1, "ids": ["rep-1"]})
        self.assertEqual(self.search(q="quinces")["total"], 0, "the old text is gone")
        self.assertEqual(self.search(q="loquats")["hits"][0]["id"], "rep-1")
        anon = plain("x", "persimmons")
        del anon["id"]
        r = self.c.call("add", [[anon, plain("rep-3", "jujubes")]])
        self.assertEqual(r["added"], 2)
        gen = r["ids"][0]
        self.assertTrue(gen and gen != "rep-3")
        self.assertEqual(r["ids"][1], "rep-3", "ids in the order sent")
        self.assertEqual(self.c.call("get", [gen])["body"], anon["body"])
        self.assertEqual(self.c.call("add", [[]]), {"added": 0, "replaced": 0, "ids": []})

    def test_add_bad_article_writes_nothing(self):
        batch = [plain("bad-1", "kumquats"), {"id": "bad-2", "title": "no body"},
                 plain("bad-3", "tamarinds")]
        error, result = self.c.call_raw("add", [batch])
        self.assertIsNone(result)
        self.assertEqual(error["code"], "bad_request")
        self.assertIn('article 2: missing required field "body"', error["message"])
        error, _ = self.c.call_raw("add", [[plain("bad-4", "ugli fruit"),
                                            plain("x" * 201, "ugli fruit")]])
        self.assertEqual(error["code"], "bad_request")
        self.assertIn("article 2:", error["message"])
        self.assertEqual(self.c.error_of("get", ["bad-4"]), "not_found")
        for bad in ([{"body": "x", "date": 20250212}], [["not", "a", "map"]],
                    [{"body": 17}], "articles"):
            self.assertEqual(self.c.error_of("add", [bad]), "bad_request", bad)
        self.assertEqual(self.c.error_of("get", ["bad-1"]), "not_found", "nothing was written")
        self.assertEqual(self.search(q="kumquats")["total"], 0)

    def test_delete(self):
        self.c.call("add", [[plain("del-1", "rambutans"), plain("del-2", "durians")]])
        r = self.c.call("delete", [["del-1", "del-none", "del-2"]])
        self.assertEqual(r, {"deleted": 2, "missing": ["del-none"]})
        self.assertEqual(self.c.error_of("get", ["del-1"]), "not_found")
        self.assertEqual(self.search(q="durians")["total"], 0)
        self.assertEqual(self.c.call("delete", [[]]), {"deleted": 0, "missing": []})
        self.assertEqual(self.c.error_of("delete", [["ok", 5]]), "bad_request")

    def test_stats(self):
        s = self.c.call("stats")
        self.assertEqual(set(s), STATS_KEYS)
        self.assertGreaterEqual(s["documents"], N + 2)
        self.assertEqual(s["pid"], self.d.pid)
        self.assertEqual(s["path"], self.d.db)
        self.assertEqual(s["workers"], 2)
        self.assertEqual(s["format"], 3)
        self.assertEqual(set(s["errors"]), {"bad_request", "not_found", "forbidden",
                                            "too_large", "unavailable", "internal"})
        self.assertEqual(set(s["latency_us"]), {"p50", "p90", "p99"})
        self.assertLessEqual(s["latency_us"]["p50"], s["latency_us"]["p99"])
        self.assertGreaterEqual(s["connections"]["open"], 1)
        self.assertGreaterEqual(s["connections"]["accepted"], s["connections"]["open"])
        self.assertGreater(s["uptime"], 0)
        before = s["requests"]
        self.c.call("ping")
        self.c.error_of("get", ["art-none"])
        t = self.c.call("stats")
        self.assertGreaterEqual(t["requests"], before + 3)
        self.assertEqual(t["errors"]["not_found"], s["errors"]["not_found"] + 1)
        self.assertEqual(self.c.error_of("stats", [1]), "bad_request")

    # -- errors --

    def test_bad_request_keeps_the_connection(self):
        bad = [
            ("nonsense", []),
            ("search", {"q": "x"}),             # params not an array
            ("search", []),
            ("search", [1]),
            ("search", [{}]),                   # neither query nor filter
            ("search", [{"q": "x", "colour": "red"}]),
            ("search", [{"q": 5}]),
            ("search", [{"q": "x", "limit": "ten"}]),
            ("search", [{"q": "x", "limit": -1}]),
            ("search", [{"q": "x", "sort": "sideways"}]),
            ("search", [{"q": "x", "since": "last tuesday"}]),
            ("search", [{"q": "x", "facets": "yes"}]),
            ("search", [{"q": "x", "highlight": ["only one"]}]),
            ("search", [{"q": "x", "like": "art-1"}]),
            ("search", [{"q": "x"}, {"q": "y"}]),
            ("similar", []),
            ("similar", [5]),
            ("similar", ["art-1", {"q": "x"}]),
            ("get", []),
            ("get", [["art-1"]]),
            ("get", ["art-1", "art-2"]),
            ("add", []),
            ("delete", ["art-1"]),
        ]
        for method, params in bad:
            error, result = self.c.call_raw(method, params)
            self.assertIsNotNone(error, (method, params))
            self.assertEqual(error["code"], "bad_request", (method, params, error))
            self.assertTrue(error["message"], "the message says what was wrong")
            self.assertEqual(self.c.call("ping"), "pong", "the connection stays usable")
        self.assertEqual(self.search(q=marker(3))["total"], 1)

    def test_query_syntax_error_names_the_column(self):
        error, _ = self.c.call_raw("search", [{"q": 'harbour "unclosed'}])
        self.assertEqual(error["code"], "bad_request")
        self.assertIn("column", error["message"])

    def test_too_large(self):
        self.assertEqual(self.c.error_of("search", [{"q": "officials", "limit": 1001}]),
                         "too_large")
        self.assertEqual(self.c.error_of("search", [{"q": "officials", "offset": 100001}]),
                         "too_large")
        self.assertEqual(len(self.search(q="officials", limit=1000)["hits"]), N)
        many = " OR ".join("w%d" % i for i in range(1001))
        self.assertEqual(self.c.error_of("search", [{"q": many}]), "too_large",
                         "query terms over max_query_terms (doc/protocol.md, too_large)")
        self.assertEqual(self.c.call("ping"), "pong")

    # -- the protocol --

    def test_ping_overtakes_the_searches_queued_before_it(self):
        # doc/protocol.md: requests of one connection run in turn, but a
        # ping is answered as soon as it is read.  Twenty searches and a
        # ping in one write: the ping's answer comes before most of theirs.
        frames = [[0, 7000 + k, "search", [{"q": "said", "limit": 50}]] for k in range(20)]
        frames.append([0, 7999, "ping", []])
        self.c.send_raw(b"".join(msgpack.packb(f) for f in frames))
        order = [self.c.recv()[0] for _ in range(21)]
        self.assertEqual(sorted(order), sorted([7000 + k for k in range(20)] + [7999]))
        self.assertLess(order.index(7999), 5, order)

    def test_pipelined_requests_answered_with_their_msgids(self):
        frames = []
        expect = {}
        for k in range(50):
            msgid = 5000 + k
            kind = k % 5
            if kind == 0:
                frames.append([0, msgid, "get", ["art-%d" % k]])
            elif kind == 1:
                frames.append([0, msgid, "search", [{"q": marker(k)}]])
            elif kind == 2:
                frames.append([0, msgid, "ping", []])
            elif kind == 3:
                frames.append([0, msgid, "stats", []])
            else:
                frames.append([0, msgid, "get", ["missing-%d" % k]])
            expect[msgid] = (kind, k)
        self.c.send_raw(b"".join(msgpack.packb(f) for f in frames))
        seen = set()
        for _ in range(50):
            msgid, error, result = self.c.recv()
            self.assertIn(msgid, expect)
            self.assertNotIn(msgid, seen, "one answer per request")
            seen.add(msgid)
            kind, k = expect[msgid]
            if kind == 0:
                self.assertEqual(result["id"], "art-%d" % k)
            elif kind == 1:
                self.assertEqual([h["id"] for h in result["hits"]], ["art-%d" % k])
            elif kind == 2:
                self.assertEqual(result, "pong")
            elif kind == 3:
                self.assertEqual(result["pid"], self.d.pid)
            else:
                self.assertEqual(error["code"], "not_found")
        self.assertEqual(seen, set(expect))

    def test_out_of_order_and_extreme_msgids(self):
        ids = [4294967295, 0, 4000000000, 70000, 65535, 256, 255, 17, 16, 3]
        self.c.send_raw(b"".join(msgpack.packb([0, m, "get", ["art-%d" % n]])
                                 for n, m in enumerate(ids)))
        got = {}
        for _ in ids:
            msgid, error, result = self.c.recv()
            self.assertIsNone(error)
            got[msgid] = result["id"]
        self.assertEqual(got, {m: "art-%d" % n for n, m in enumerate(ids)})
        error, _ = self.c.call_raw("ping", [])
        self.assertIsNone(error)
        self.c.send(4294967296, "ping", [])
        msgid, error, _ = self.c.recv()
        self.assertEqual((msgid, error["code"]), (0, "bad_request"), "a msgid over 32 bits")

    def test_notifications_get_no_answer_but_take_effect(self):
        self.c.notify("add", [[plain("note-1", "tangerines")]])
        self.c.notify("nonsense", [])
        self.c.notify("get", [5])
        self.c.notify("search", [{"q": marker(1)}])
        self.c.send(77, "ping", [])
        self.assertEqual(self.c.recv(), (77, None, "pong"))

        def found():
            return self.search(q="tangerines")["total"] == 1
        wait_until(found, 10, what="the notified add to be committed")
        self.c.notify("delete", [["note-1"]])
        wait_until(lambda: self.c.error_of("get", ["note-1"]) == "not_found", 10,
                   what="the notified delete")
        self.c.send(78, "ping", [])
        self.assertEqual(self.c.recv(), (78, None, "pong"), "no answer to any notification")

    def test_text_as_str_or_bin(self):
        a = {b"id": b"bin-1", b"title": "Bin title".encode(), b"date": b"2024-02-03",
             b"body": "Written as bin: caf\u00e9 cr\u00e8me and pomegranates.".encode()}
        r = msgpack.packb([0, 1, b"add", [[a]]], use_bin_type=True)
        self.c.send_raw(r)
        self.assertEqual(self.c.recv(), (1, None, {"added": 1, "replaced": 0, "ids": ["bin-1"]}))
        self.c.send_raw(msgpack.packb([0, 2, b"get", [b"bin-1"]], use_bin_type=True))
        msgid, error, g = self.c.recv()
        self.assertIsNone(error)
        self.assertEqual(g["body"], "Written as bin: caf\u00e9 cr\u00e8me and pomegranates.")
        self.assertTrue(all_text_is_str(g), "text in replies is str")
        self.c.send_raw(msgpack.packb([0, 3, b"search", [{b"q": b"pomegranates",
                                                          b"highlight": [b"<", b">"]}]],
                                      use_bin_type=True))
        msgid, error, r = self.c.recv()
        self.assertIsNone(error)
        self.assertEqual(r["hits"][0]["id"], "bin-1")
        self.assertIn("<pomegranates>", r["hits"][0]["snippet"])
        self.assertTrue(all_text_is_str(r))
        self.c.send_raw(msgpack.packb([0, 4, "get", [b"bin-\xff"]], use_bin_type=True))
        self.assertEqual(self.c.recv()[1]["code"], "bad_request", "bin must be UTF-8 too")

    def test_half_closed_client_gets_every_answer(self):
        n = 200
        self.c.send_raw(b"".join(msgpack.packb([0, i, "search", [{"q": marker(i % N)}]])
                                 for i in range(n)))
        self.c.sock.shutdown(socket.SHUT_WR)
        got = self.c.wait_closed(30)
        self.assertEqual(sorted(o[1] for o in got), list(range(n)))
        self.assertTrue(all(o[2] is None for o in got))

    def test_newsq_errors_are_the_same_through_the_daemon(self):
        cases = [
            ['harbour "unclosed'],
            ["harbour AND"],
            ["--since", "yesterday", "officials"],
            ["--until", "2025-13-45", "officials"],
            ["--limit", "1001", "officials"],
            ["--offset", "100001", "officials"],
            ["--like", "no-such-id"],
            ["nomatchwordanywhere"],
            ["   "],
            ["!!!"],
        ]
        for args in cases:
            via = self.run_tool([NEWSQ, "--socket", self.d.sock, "--json"] + args)
            direct = self.run_tool([NEWSQ, "--db", self.d.db, "--json"] + args)
            self.assertEqual((via.returncode, via.stdout, via.stderr),
                             (direct.returncode, direct.stdout, direct.stderr), args)

    def test_newsq_json_errors_are_json_on_stdout(self):
        # A program reading --json gets one object saying what went wrong,
        # with the protocol's code, through the daemon and directly; the
        # exit status and the message on stderr stay.
        cases = [
            (['harbour "unclosed'], "bad_request", "never closed"),
            (["(harbour"], "bad_request", "never closed"),
            (["date:2025-13-01", "harbour"], "bad_request", "no month 13"),
            (["--since", "2025-99-01", "officials"], "bad_request", "--since"),
            (["--limit", "x", "officials"], "bad_request", "--limit wants a number"),
            (["officials", "--sort", "size"], "bad_request", "--sort is relevance or date"),
            (["--no-such-option", "officials"], "bad_request", "--no-such-option"),
            (["officials", "--limit"], "bad_request", "'--limit' wants a value"),
            (["--limit", "1001", "officials"], "too_large", "1001"),
            (["--like", "no-such-id"], "not_found", "no-such-id"),
            (["--quotes", "--facets", "officials"], "bad_request", "--quotes takes no"),
        ]
        for args, code, words in cases:
            for where in (["--socket", self.d.sock], ["--db", self.d.db]):
                r = self.run_tool([NEWSQ] + where + ["--json"] + args)
                self.assertEqual(r.returncode, 3 if code == "not_found" else 2,
                                 (where, args, r.stderr))
                err = json.loads(r.stdout)["error"]
                self.assertEqual(err["code"], code, (where, args))
                self.assertIn(words, err["message"], (where, args))
                self.assertIn("newsq: " + err["message"], r.stderr, (where, args))
        gone = self.run_tool([NEWSQ, "--socket", os.path.join(self.tmp, "gone.sock"), "--json",
                              "x"])
        self.assertEqual(gone.returncode, 3)
        self.assertEqual(json.loads(gone.stdout)["error"]["code"], "unavailable")
        # Without --json, errors stay off stdout.
        plain = self.run_tool([NEWSQ, "--db", self.d.db, '"unclosed'])
        self.assertEqual((plain.returncode, plain.stdout), (2, ""))

    def test_newsq_json_is_the_same_through_the_daemon(self):
        cases = [
            ["officials", "--limit", "5"],
            ["harbour", "--facets"],
            ["--sort", "date", "officials", "--offset", "3"],
            ["--since", "2025-02-01", "--until", "2025-05-31", "officials"],
            ["--location", "Lima"],
            ["--explain", TOPICS[2]],
            ["--like", "art-4"],
            ['"officials in"'],
        ]
        for args in cases:
            via = self.run_tool([NEWSQ, "--socket", self.d.sock, "--json"] + args)
            direct = self.run_tool([NEWSQ, "--db", self.d.db, "--json"] + args)
            self.assertEqual(via.returncode, 0, (args, via.stderr))
            self.assertEqual(direct.returncode, 0, (args, direct.stderr))
            self.assertTrue(json.loads(via.stdout)["hits"], args)
            self.assertEqual(via.stdout, direct.stdout, args)
        # Found by $NEWSIDX_SOCKET, without --socket.
        env = self.run_tool([NEWSQ, "--json", "officials"], NEWSIDX_SOCKET=self.d.sock,
                            NEWSIDX_DB=os.path.join(self.tmp, "no-such-db"))
        self.assertEqual(env.returncode, 0, env.stderr)
        self.assertEqual(env.stdout, self.run_tool([NEWSQ, "--db", self.d.db, "--json",
                                                    "officials"]).stdout)


class Commands(DaemonCase):
    """newsidx with a daemon running: writes go to the daemon."""

    def test_newsidx_add_goes_to_the_daemon(self):
        d = self.daemon()
        conf = os.path.join(self.tmp, "client.conf")
        with open(conf, "w") as f:
            f.write("[index]\nlock_timeout = 0.2s\n")
        direct = self.run_tool([NEWSIDX, "--config", conf, "--db", d.db, "add", "--quiet",
                                EXAMPLES])
        self.assertNotEqual(direct.returncode, 0, "the daemon holds the write lock")
        self.assertIn("lock", direct.stderr.lower())

        via = self.run_tool([NEWSIDX, "--config", conf, "add", EXAMPLES],
                            NEWSIDX_SOCKET=d.sock, NEWSIDX_DB=d.db)
        self.assertEqual(via.returncode, 0, via.stderr)
        self.assertIn("12 articles indexed (12 new, 0 replaced), 0 rejected", via.stderr)
        ex = self.run_tool([NEWSIDX, "extract", "--json", EXAMPLES])
        ids = [json.loads(line)["id"] for line in ex.stdout.splitlines()]
        self.assertEqual(len(ids), 12)
        with d.client() as c:
            for i in ids:
                self.assertEqual(c.call("get", [i])["id"], i)
            self.assertEqual(c.call("stats")["documents"], 12)
            self.assertEqual(c.call("search", [{"q": '"Article Five"'}])["total"], 1)
        rm = self.run_tool([NEWSIDX, "--socket", d.sock, "rm", ids[0]])
        self.assertEqual(rm.returncode, 0, rm.stderr)
        with d.client() as c:
            self.assertEqual(c.error_of("get", [ids[0]]), "not_found")
        st = self.run_tool([NEWSIDX, "--socket", d.sock, "stats", "--json"])
        self.assertEqual(json.loads(st.stdout)["documents"], 11)

    def test_final_commit_failure_is_logged(self):
        # The commit at shutdown fails (a full disk): the daemon says why
        # in its log and exits 1.
        fault = os.path.join(self.tmp, "full-disk")
        d = self.daemon(env={"NEWSIDX_FAULT_COMMIT": fault})
        with d.client() as c:
            self.assertEqual(c.call("add", [[plain("fin-1", "quinces")]])["added"], 1)
        open(fault, "w").close()
        d.stop(expect=1)
        self.assertRegex(d.log_text(), "final commit failed: .*injected failure")

    def test_progress_fd_through_the_daemon(self):
        # newsidx add --progress-fd: a line per batch the daemon
        # acknowledged, "committed N ID", ID the N-th article of the input.
        d = self.daemon()
        src = os.path.join(self.tmp, "many.jsonl")
        with open(src, "w") as f:
            for i in range(1200):
                f.write(json.dumps(article(i)) + "\n")
        log = os.path.join(self.tmp, "commits")
        fd = os.open(log, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            r = subprocess.run([NEWSIDX, "--socket", d.sock, "add", "--quiet", "--progress-fd",
                                str(fd), src], capture_output=True, text=True, timeout=300,
                               pass_fds=(fd,), env=environment(), stdin=subprocess.DEVNULL)
        finally:
            os.close(fd)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(log) as f:
            lines = f.read().splitlines()
        counts = [int(line.split(" ", 2)[1]) for line in lines]
        self.assertGreater(len(lines), 1, "several batches")
        self.assertEqual(counts, sorted(set(counts)))
        self.assertEqual(counts[-1], 1200)
        for line, n in zip(lines, counts):
            self.assertEqual(line, "committed %d art-%d" % (n, n - 1))

    def test_socket_forced_without_a_daemon_fails(self):
        gone = os.path.join(self.tmp, "nobody-here.sock")
        r = self.run_tool([NEWSQ, "--socket", gone, "--json", "x"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("nobody-here.sock", r.stderr)


class StoriesThroughTheDaemon(DaemonCase):
    """The daemon's writer decides stories as newsidx does: weekly
    reports under one title apart, a version within [index] story_window
    days joined, whatever order the articles come in."""

    def test_weekly_reports_apart_in_any_order(self):
        d = self.daemon("[index]\nstory_window = 2\n")
        body = ("The Bundesbank left its credit policies unchanged after today's regular "
                "meeting of its council, a spokesman said in answer to enquiries. The West "
                "German discount rate remains at 3.0 pct, and the Lombard rate at 5.0 pct.")
        title = "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED"
        arts = [dict(id="w3", date="1987-04-02", title=title, body=body),
                dict(id="w1", date="1987-03-05", title=title, body=body),
                dict(id="w3u", date="1987-04-04", title="UPDATE 1-" + title, body=body),
                dict(id="w2", date="1987-03-19", title=title, body=body)]
        for a in arts:
            path = os.path.join(self.tmp, a["id"] + ".jsonl")
            with open(path, "w") as f:
                f.write(json.dumps(a) + "\n")
            r = self.run_tool([NEWSIDX, "--socket", d.sock, "add", "--quiet", path])
            self.assertEqual(r.returncode, 0, r.stderr)
        q = self.run_tool([NEWSQ, "--socket", d.sock, "--json", "bundesbank"])
        hits = json.loads(q.stdout)["hits"]
        self.assertEqual(sorted((h["id"], h["versions"]) for h in hits),
                         [("w1", 1), ("w2", 1), ("w3u", 2)])


class WriteOrder(DaemonCase):
    """Writes pipelined on a connection take effect in the order sent, as
    they do with newsidx add --db: a later version of an article wins, and
    a delete after an add deletes it."""

    def test_pipelined_writes_apply_in_order(self):
        d = self.daemon("[daemon]\nworkers = 2\n")
        with d.client(timeout=60) as c:
            for r in range(4):
                # A large add keeps one search thread extracting while the
                # small requests after it are ready at once.
                filler = [plain("fill-%d-%d" % (r, k), "filler %d" % k) for k in range(300)]
                c.send(1, "add", [filler + [plain("ord-1", "version one of round %d" % r),
                                            plain("ord-2", "to be deleted")]])
                c.send(2, "add", [[plain("ord-1", "version two of round %d" % r)]])
                c.send(3, "delete", [["ord-2"]])
                replies = {}
                for _ in range(3):
                    msgid, error, result = c.recv()
                    self.assertIsNone(error)
                    replies[msgid] = result
                self.assertEqual(replies[3], {"deleted": 1, "missing": []},
                                 "the delete came after the add")
                self.assertEqual(c.error_of("get", ["ord-2"]), "not_found")
                self.assertEqual(c.call("get", ["ord-1"])["body"],
                                 "A short note about version two of round %d and nothing else." % r)
                self.assertEqual(c.call("delete", [["ord-1"]])["deleted"], 1)


class ErrorCodes(DaemonCase):
    """forbidden, unavailable and internal need daemons of their own."""

    def as_user(self, uid, gid, sock, requests):
        """Runs requests [(method, params)] on one connection from a child
        process running as uid:gid; the list of (error code, result)."""
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                with Client(sock, timeout=20) as c:
                    out = []
                    for method, params in requests:
                        error, result = c.call_raw(method, params)
                        out.append([error["code"] if error else None, result])
                data = json.dumps(out)
            except BaseException as e:      # reported to the parent
                data = json.dumps({"exception": repr(e)})
            with os.fdopen(w, "w") as f:
                f.write(data)
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            data = f.read()
        _, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)
        out = json.loads(data)
        self.assertIsInstance(out, list, out)
        return out

    def open_to_others(self, d):
        os.chmod(self.tmp, 0o711)
        os.chmod(d.home, 0o711)

    def test_forbidden_for_another_user(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run a client as another user")
        d = self.daemon("[daemon]\nsocket_mode = 0666\n", start=False)
        self.open_to_others(d)
        d.start()
        self.assertEqual(os.stat(d.sock).st_mode & 0o777, 0o666)
        with d.client() as c:
            c.call("add", [[plain("mine-1", "gooseberries")]])
        out = self.as_user(65534, 65534, d.sock, [
            ("ping", []),
            ("search", [{"q": "gooseberries"}]),
            ("get", ["mine-1"]),
            ("stats", []),
            ("add", [[plain("theirs-1", "elderberries")]]),
            ("delete", [["mine-1"]]),
            ("add", ["not even a list of articles"]),
            ("ping", []),
        ])
        codes = [o[0] for o in out]
        self.assertEqual(codes, [None, None, None, None, "forbidden", "forbidden", "forbidden",
                                 None])
        self.assertEqual(out[1][1]["total"], 1)
        with d.client() as c:
            self.assertEqual(c.call("get", ["mine-1"])["id"], "mine-1", "not deleted")
            self.assertEqual(c.error_of("get", ["theirs-1"]), "not_found", "not added")
            self.assertGreaterEqual(c.call("stats")["errors"]["forbidden"], 3)

    def test_writers_lets_a_user_and_a_group_write(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run a client as another user")
        for name, who in (("user", "nobody"), ("group", "@nogroup")):
            d = self.daemon("[daemon]\nsocket_mode = 0666\nwriters = %s\n" % who, name=name,
                            start=False)
            self.open_to_others(d)
            d.start()
            out = self.as_user(65534, 65534, d.sock, [
                ("add", [[plain("theirs-1", "elderberries")]]),
                ("delete", [["theirs-1"]]),
            ])
            self.assertEqual([o[0] for o in out], [None, None], who)
            self.assertEqual(out[0][1]["ids"], ["theirs-1"])
            self.assertEqual(out[1][1]["deleted"], 1)
            d.stop()

    def test_unavailable_when_the_database_cannot_be_opened(self):
        # The search threads open the database on their first request; a
        # database moved away before then cannot be opened.
        d = self.daemon()
        away = d.db + ".away"
        os.rename(d.db, away)
        try:
            with d.client() as c:
                for method, params in (("search", [{"q": "x"}]), ("get", ["x"]),
                                       ("similar", ["x"]), ("stats", [])):
                    error, _ = c.call_raw(method, params)
                    self.assertEqual(error and error["code"], "unavailable", method)
                self.assertEqual(c.call("ping"), "pong")
        finally:
            os.rename(away, d.db)
        with d.client() as c:
            self.assertEqual(c.call("search", [{"q": "x"}])["total"], 0, "it recovers")
            self.assertGreaterEqual(c.call("stats")["errors"]["unavailable"], 4)

    def test_internal_when_the_commit_fails(self):
        # A database directory moved away under the daemon: Xapian cannot
        # write the new revision, the commit fails, and the writes it held
        # are answered internal, not acknowledged.
        d = self.daemon("[daemon]\nworkers = 1\n")
        with d.client() as c:
            c.call("add", [[plain("kept-1", "cloudberries")]])
            away = d.db + ".away"
            os.rename(d.db, away)
            try:
                error, _ = c.call_raw("add", [[plain("lost-1", "lingonberries")]])
                self.assertEqual(error and error["code"], "internal")
                self.assertIn("commit failed", error["message"])
                self.assertEqual(c.call("ping"), "pong")
            finally:
                os.rename(away, d.db)
            self.assertEqual(c.call("get", ["kept-1"])["id"], "kept-1")
            self.assertEqual(c.error_of("get", ["lost-1"]), "not_found")
            # The writer is usable again, and the next commit does not
            # save the write that was answered as failed.
            self.assertEqual(c.call("add", [[plain("later-1", "blueberries")]])["added"], 1)
            self.assertEqual(c.call("get", ["later-1"])["id"], "later-1")
            self.assertEqual(c.error_of("get", ["lost-1"]), "not_found")
            self.assertGreaterEqual(c.call("stats")["errors"]["internal"], 1)
        self.assertTrue(d.alive())

    def test_a_failed_commit_leaves_nothing_for_the_next(self):
        # The test-only fault hook fails every commit while its file
        # exists, after the writes reached Xapian: every job of the batch
        # fails, and none of them is saved by the next commit.
        fault = os.path.join(self.tmp, "fail-commits")
        d = self.daemon("[daemon]\nworkers = 1\ncommit_interval = 200ms\n",
                        env={"NEWSIDX_FAULT_COMMIT": fault})
        with d.client() as c:
            c.call("add", [[plain("kept-2", "cloudberries")]])
            open(fault, "w").close()
            for k in range(3):
                c.send(10 + k, "add", [[plain("lost-2-%d" % k, "lingonberries")]])
            c.send(20, "delete", [["kept-2"]])
            answers = sorted(c.recv() for _ in range(4))
            self.assertEqual([a[0] for a in answers], [10, 11, 12, 20])
            for msgid, error, _ in answers:
                self.assertEqual(error and error["code"], "internal", msgid)
                self.assertIn("commit failed", error["message"])
                self.assertIn("nothing of this request was written", error["message"])
            os.unlink(fault)
            self.assertEqual(c.call("add", [[plain("later-2", "blueberries")]])["added"], 1)
            for k in range(3):
                self.assertEqual(c.error_of("get", ["lost-2-%d" % k]), "not_found")
            self.assertEqual(c.call("get", ["kept-2"])["id"], "kept-2", "the delete failed")
            self.assertEqual(c.call("get", ["later-2"])["id"], "later-2")
            self.assertEqual(c.call("stats")["documents"], 2)

    def test_an_add_is_all_or_nothing(self):
        # The second of three articles fails to be written (the fault
        # hook): the whole request fails, the first is not kept either,
        # and a request of the same batch that did not fail is kept.
        d = self.daemon("[daemon]\nworkers = 1\ncommit_interval = 200ms\n",
                        env={"NEWSIDX_FAULT_ADD": "bad-3"})
        with d.client() as c:
            c.send(1, "add", [[plain("good-1", "cloudberries")]])
            c.send(2, "add", [[plain("first-2", "lingonberries"), plain("bad-3", "bilberries"),
                               plain("third-4", "crowberries")]])
            c.send(3, "add", [[plain("good-5", "blueberries")]])
            answers = dict((m, (e, r)) for m, e, r in (c.recv() for _ in range(3)))
            self.assertEqual(answers[1][1]["ids"], ["good-1"])
            self.assertEqual(answers[3][1]["ids"], ["good-5"])
            error = answers[2][0]
            self.assertEqual(error and error["code"], "internal")
            self.assertIn("article 2 (bad-3)", error["message"])
            self.assertIn("nothing of this request was written", error["message"])
            c.call("add", [[plain("later-6", "raspberries")]])
            for ident in ("first-2", "bad-3", "third-4"):
                self.assertEqual(c.error_of("get", [ident]), "not_found", ident)
            for ident in ("good-1", "good-5", "later-6"):
                self.assertEqual(c.call("get", [ident])["id"], ident)


if __name__ == "__main__":
    tap.main()
