"""newsidxd's HTTP side (doc/http.md): the JSON API answers what the
socket answers, errors carry the protocol's codes with HTTP statuses, the
page's files are a fixed table (no path reaches outside it), every answer
carries the Content-Security-Policy, and the limits hold: header size,
body size, a request that trickles in, the connection cap; writes only
with the token of a file only the daemon's user can read."""
import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import (EXAMPLES, NEWSIDX, DaemonCase, environment, stop_and_remove,  # noqa: E402
                    wait_until)
from httpd import get, get_json, request, start_http_daemon  # noqa: E402


def import_examples(db):
    p = subprocess.run([NEWSIDX, "--db", db, "add", "--quiet", EXAMPLES], capture_output=True,
                       text=True, env=environment())
    if p.returncode != 0:
        raise AssertionError(p.stderr)


class Api(DaemonCase):
    """One daemon over the sample articles for the read-only API."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.home = tempfile.mkdtemp(prefix="newsidxd-http.")
        import_examples(os.path.join(cls.home, "db"))
        cls.d = start_http_daemon(cls.home)

    @classmethod
    def tearDownClass(cls):
        stop_and_remove(cls.d, cls.home)

    def socket_call(self, method, params):
        with self.d.client() as c:
            return c.call(method, params)

    def test_search_is_the_socket_answer(self):
        for q, opts in [("nato", {}), ("storm", {"facets": True}), ("minister", {"limit": 2, "offset": 1}),
                        ("", {"location": "Brussels"}), ("court", {"sort": "date"}),
                        ("court minister", {"strict": True, "all_versions": True, "histogram": True})]:
            params = dict(opts, q=q) if q else dict(opts)
            qs = urllib.parse.urlencode({k: (1 if v is True else v) for k, v in params.items()})
            got = get_json(self.d, "/api/search?" + qs)
            want = self.socket_call("search", [params])
            # With facets, HTTP adds where the places are, for the map.
            places = got.pop("places", None)
            self.assertEqual(places is not None, "facets" in want, qs)
            if places is not None:
                names = [n for n, _ in want["facets"]["locations"]]
                self.assertTrue(set(places) <= set(names), qs)
                for lat, lon in places.values():
                    self.assertTrue(-90 <= lat <= 90 and -180 <= lon <= 180)
            self.assertEqual(got, want, qs)
            self.assertTrue(got["total"] > 0, qs)

    def test_places(self):
        got = get_json(self.d, "/api/search?q=storm&facets=1")
        self.assertIn("Des Moines", [n for n, _ in got["facets"]["locations"]])
        lat, lon = got["places"]["Des Moines"]
        self.assertAlmostEqual(lat, 41.6, delta=0.2)
        self.assertAlmostEqual(lon, -93.6, delta=0.2)

    def test_article_and_similar(self):
        hit = get_json(self.d, "/api/search?q=nato")["hits"][0]
        art = get_json(self.d, "/api/article/" + urllib.parse.quote(hit["id"], safe=""))
        self.assertEqual(art, self.socket_call("get", [hit["id"]]))
        self.assertIn("body", art)
        sim = get_json(self.d, "/api/similar/%s?limit=3" % urllib.parse.quote(hit["id"], safe=""))
        self.assertEqual(sim, self.socket_call("similar", [hit["id"], {"limit": 3}]))
        self.assertNotIn(hit["id"], [h["id"] for h in sim["hits"]])

    def test_ids_with_slashes_and_unicode(self):
        st, _, body = get(self.d, "/api/article/" + urllib.parse.quote("a/b/ü", safe=""))
        self.assertEqual(st, 404)
        self.assertEqual(json.loads(body)["error"]["code"], "not_found")

    def test_stats_count_http(self):
        before = get_json(self.d, "/api/stats")
        get_json(self.d, "/api/search?q=nato")
        after = get_json(self.d, "/api/stats")
        self.assertGreaterEqual(after["requests"], before["requests"] + 2)
        self.assertGreaterEqual(after["http"]["requests"], before["http"]["requests"] + 2)
        self.assertEqual(after["documents"], 12)

    def error(self, path, status, code, method="GET", **kw):
        st, h, body = request(self.d, method, path, **kw)
        self.assertEqual(st, status, "%s %s: %r" % (method, path, body[:200]))
        self.assertTrue(h["content-type"].startswith("application/json"), path)
        e = json.loads(body)["error"]
        self.assertEqual(e["code"], code, path)
        self.assertTrue(e["message"], path)
        return e["message"]

    def test_errors(self):
        self.assertIn("bogus", self.error("/api/search?q=x&bogus=1", 400, "bad_request"))
        self.error("/api/search?q=x&limit=ten", 400, "bad_request")
        self.error("/api/search?q=x&limit=-1", 400, "bad_request")
        self.assertIn("twice", self.error("/api/search?q=x&q=y", 400, "bad_request"))
        self.assertIn("column", self.error("/api/search?q=%28nato", 400, "bad_request"))
        self.error("/api/search?q=x&sort=sideways", 400, "bad_request")
        self.error("/api/search?q=x&facets=maybe", 400, "bad_request")
        self.error("/api/search?q=%ff", 400, "bad_request")
        self.error("/api/search", 400, "bad_request")
        self.assertIn("maximum", self.error("/api/search?q=x&limit=100000", 400, "too_large"))
        self.error("/api/search?q=x&like=abc", 400, "bad_request")
        self.error("/api/similar/abc?q=x", 400, "bad_request")
        self.error("/api/article/", 400, "bad_request")
        self.error("/api/article/x%00y", 400, "bad_request")
        self.error("/api/article/nope", 404, "not_found")
        self.error("/api/similar/nope", 404, "not_found")
        self.error("/api/nothing", 404, "not_found")
        self.error("/api/stats?x=1", 400, "bad_request")
        self.error("/api/search?q=x", 405, "bad_request", method="POST", body=b"")

    def test_quotes_are_the_socket_answer(self):
        for params in [{"q": "speaker:halvorsen"}, {"q": "nato", "limit": 2}, {"speaker": "Tor Halvorsen"}]:
            qs = urllib.parse.urlencode(params)
            got = get_json(self.d, "/api/quotes?" + qs)
            self.assertEqual(got, self.socket_call("quotes", [params]), qs)
            self.assertTrue(got["total"] > 0 and got["quotes"], qs)
            for q in got["quotes"]:
                self.assertTrue({"speaker", "kind", "text", "id", "title", "date", "dateline",
                                 "score"} <= set(q), q)
        self.error("/api/quotes?q=x&facets=1", 400, "bad_request")

    def test_writes_are_off_by_default(self):
        self.error("/api/articles", 403, "forbidden", method="POST", body=b"[]",
                   headers={"Authorization": "Bearer " + "x" * 20})

    def test_page_and_headers(self):
        st, h, body = get(self.d, "/")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        csp = h["content-security-policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(h["x-content-type-options"], "nosniff")
        st, h2, _ = get(self.d, "/", headers={"If-None-Match": h["etag"]})
        self.assertEqual(st, 304)
        st, h, _ = get(self.d, "/static/app.js")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/javascript"))
        self.assertIn("content-security-policy", get(self.d, "/api/stats")[1])
        st, h, body = request(self.d, "HEAD", "/static/style.css")
        self.assertEqual((st, body), (200, b""))

    def test_no_path_leaves_the_table(self):
        for p in ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                  "/static//etc/passwd", "/../etc/passwd", "/etc/passwd", "/static/",
                  "/static/app.js/", "/static/app.js%00.css", "/index.html/..", "/static/.",
                  "/static/%2fetc%2fpasswd", "/static/web_files.c", "/static/embed.sh"]:
            st, _, body = get(self.d, p)
            self.assertEqual(st, 404, p)
            self.assertNotIn(b"root:", body)

    def raw(self, data, timeout=15):
        """Sends bytes on a new connection; what comes back until close."""
        s = socket.create_connection(("127.0.0.1", self.d.port), timeout=timeout)
        try:
            s.sendall(data)
            got = b""
            while True:
                b = s.recv(65536)
                if not b:
                    return got
                got += b
        finally:
            s.close()

    def test_header_limit(self):
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        got = self.raw(big)
        self.assertFalse(got.startswith(b"HTTP/1.1 200"), got[:100])
        self.assertEqual(get(self.d, "/")[0], 200)

    def test_garbage_is_refused(self):
        got = self.raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(200) + b"\r\n\r\n")
        self.assertFalse(got.startswith(b"HTTP/1.1 200"))
        got = self.raw(b"DELETE /api/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRegex(got[:12], rb"HTTP/1\.1 (405|501)")
        self.assertEqual(get(self.d, "/")[0], 200)

    def test_a_trickling_request_is_cut_off(self):
        s = socket.create_connection(("127.0.0.1", self.d.port), timeout=30)
        start = time.monotonic()
        closed_at = None
        try:
            for ch in b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                s.sendall(bytes([ch]))
                time.sleep(0.5)
                if time.monotonic() - start > 25:
                    break
        except (BrokenPipeError, ConnectionResetError):
            closed_at = time.monotonic() - start
        if closed_at is None:
            s.settimeout(5)
            try:
                self.assertEqual(s.recv(100), b"")
            except ConnectionResetError:
                pass
            closed_at = time.monotonic() - start
        s.close()
        self.assertLess(closed_at, 25, "a request trickling for %.0f s was not cut off" % closed_at)
        self.assertEqual(get(self.d, "/")[0], 200)


class Limits(DaemonCase):
    def test_connection_cap(self):
        import_examples(os.path.join(self.tmp, "db"))
        d = start_http_daemon(self.tmp, "max_connections = 4\n", db=os.path.join(self.tmp, "db"))
        self.addCleanup(self._finish, d)
        import http.client
        # The probe of start-up (one connection, opened and closed) may
        # sit in the listen queue for a while on a busy machine: it is
        # gone once it has been accepted and nothing is open.
        wait_until(lambda: d.stats()["http"]["accepted"] >= 1 and d.stats()["http"]["open"] == 0, 10,
                   what="the start-up probe accepted and closed")
        held = []
        for _ in range(4):
            c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
            c.request("GET", "/api/stats")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            held.append(c)
        over = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
        over.request("GET", "/api/stats")
        r = over.getresponse()
        self.assertEqual(r.status, 503)
        self.assertIn("max_connections", json.loads(r.read())["error"]["message"])
        over.close()
        for c in held:
            c.close()
        # Once they are gone, new connections are served again.
        wait_until(lambda: get(d, "/api/stats")[0] == 200, 10, what="service after the cap")
        # Counted on the socket, which the cap of HTTP does not touch.
        wait_until(lambda: d.stats()["http"]["open"] == 0, 10, what="the open count to fall")
        self.assertGreaterEqual(d.stats()["http"]["refused"], 1)

    def test_body_limit(self):
        token = os.path.join(self.tmp, "token")
        with open(token, "w") as f:
            f.write("s3cret-token-0123456789\n")
        os.chmod(token, 0o600)
        d = start_http_daemon(self.tmp, "max_request = 4096\nhttp_token_file = %s\n" % token)
        self.addCleanup(self._finish, d)
        st, _, _ = request(d, "POST", "/api/articles", body=b"[" + b" " * 10000 + b"]",
                           headers={"Authorization": "Bearer s3cret-token-0123456789",
                                    "Content-Type": "application/json"})
        self.assertEqual(st, 413)
        self.assertEqual(get(d, "/")[0], 200)


class Writes(DaemonCase):
    TOKEN = "tok-" + "7" * 28

    def token_file(self, mode):
        path = os.path.join(self.tmp, "token")
        with open(path, "w") as f:
            f.write(self.TOKEN + "\n")
        os.chmod(path, mode)
        return path

    def test_token_readable_by_others_is_refused(self):
        path = self.token_file(0o644)
        with self.assertRaises(AssertionError) as cm:
            d = start_http_daemon(self.tmp, "http_token_file = %s\n" % path)
            self.addCleanup(self._finish, d)
        self.assertIn("no one else", str(cm.exception))

    def test_post_articles_with_the_token(self):
        path = self.token_file(0o600)
        d = start_http_daemon(self.tmp, "http_token_file = %s\n" % path)
        self.addCleanup(self._finish, d)
        arts = [{"id": "w-1", "title": "Harbour crane report", "date": "2025-03-04",
                 "body": "ROTTERDAM (NW) - The zqwrite1x crane was repaired, the harbour master said."}]
        body = json.dumps(arts).encode()
        for hdr in ({}, {"Authorization": "Bearer wrong-token-000000000000"},
                    {"Authorization": "Basic " + self.TOKEN}):
            st, h, resp = request(d, "POST", "/api/articles", body=body, headers=hdr)
            self.assertEqual(st, 401, hdr)
            self.assertEqual(json.loads(resp)["error"]["code"], "forbidden")
            self.assertIn("bearer", h.get("www-authenticate", "").lower())
        auth = {"Authorization": "Bearer " + self.TOKEN}
        st, _, resp = request(d, "POST", "/api/articles", body=b"[{\"title\": 1}]", headers=auth)
        self.assertEqual(st, 400)
        self.assertIn("article 1", json.loads(resp)["error"]["message"])
        st, _, resp = request(d, "POST", "/api/articles", body=b"{not json", headers=auth)
        self.assertEqual(st, 400)
        st, _, resp = request(d, "POST", "/api/articles", body=body, headers=auth)
        self.assertEqual(st, 200, resp)
        self.assertEqual(json.loads(resp), {"added": 1, "replaced": 0, "ids": ["w-1"]})
        got = get_json(d, "/api/search?q=zqwrite1x")
        self.assertEqual([h["id"] for h in got["hits"]], ["w-1"])
        self.assertIn("Rotterdam", got["hits"][0]["locations"])
        # A date that cannot be right: the article without it, and why.
        late = [{"id": "w-2", "date": "3013-07-07", "body": "The zqwrite2x crane was idle."}]
        st, _, resp = request(d, "POST", "/api/articles", body=json.dumps(late).encode(),
                              headers=auth)
        self.assertEqual(st, 200, resp)
        r = json.loads(resp)
        self.assertEqual(r["ids"], ["w-2"])
        self.assertIn("article 1 (w-2): date '3013-07-07': it is more than two days after",
                      r["warnings"][0])
        self.assertIsNone(get_json(d, "/api/search?q=zqwrite2x")["hits"][0]["date"])

    def test_sigterm_with_http_clients(self):
        d = start_http_daemon(self.tmp)
        self.addCleanup(self._finish, d)
        import http.client
        conns = []
        for _ in range(5):
            c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
            c.request("GET", "/")
            c.getresponse().read()
            conns.append(c)
        half = socket.create_connection(("127.0.0.1", d.port))
        half.sendall(b"GET /api/stats HTTP/1.1\r\n")
        d.stop(expect=0)
        half.close()
        for c in conns:
            c.close()


if __name__ == "__main__":
    tap.main()
