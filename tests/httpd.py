"""httpd.py - newsidxd with its HTTP side for the Python tests: a free
loopback port, a daemon started with [daemon] http on it, and a small
client that returns (status, headers, body) without raising on errors.

    d = http_daemon(case, extra_config="")     # a started daemon.Daemon
    status, headers, body = get(d, "/api/search?q=nato")
    obj = get_json(d, "/api/stats")            # asserts 200
"""
import http.client
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon import Daemon, free_port, wait_until  # noqa: E402


def http_config(port, extra=""):
    return "[daemon]\nworkers = 2\nhttp = 127.0.0.1:%d\n%s" % (port, extra)


def start_http_daemon(home, extra="", db=None):
    """A Daemon in home serving HTTP on a free port (tried again on
    another port if that one was taken meanwhile); d.port is set."""
    for attempt in range(5):
        port = free_port()
        d = Daemon(home, http_config(port, extra), db=db)
        d.port = port
        try:
            d.start()
        except AssertionError:
            if "Address already in use" in d.log_text() and attempt < 4:
                continue
            raise
        wait_until(lambda: _answers(port), 10, what="the HTTP port to answer")
        return d
    raise AssertionError("no free port")


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def request(d, method, path, body=None, headers=None, timeout=30):
    """(status, headers as a dict of lower-case names, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        c.close()


def get(d, path, **kw):
    return request(d, "GET", path, **kw)


def get_json(d, path, status=200):
    st, h, body = get(d, path)
    if st != status:
        raise AssertionError("GET %s: %d, not %d: %r" % (path, st, status, body[:300]))
    if not h.get("content-type", "").startswith("application/json"):
        raise AssertionError("GET %s: content type %r" % (path, h.get("content-type")))
    return json.loads(body)
