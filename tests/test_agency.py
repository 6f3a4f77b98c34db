"""What senders give, through the daemon: the subjects facet, the names
in the speakers and locations facets that only the sender tagged (marked
as such, extraction's own names never replaced), and a search kept to
one language (lang, newsq --lang), over the socket, the HTTP API and
newsq.  The articles are written here in the senders' formats."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import NEWSIDX, NEWSQ, DaemonCase, environment, stop_and_remove  # noqa: E402
from httpd import get, get_json, start_http_daemon  # noqa: E402

G2 = """<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="1"
 xml:lang="en">
 <itemMeta><itemClass qcode="ninat:text"/>
  <versionCreated>2024-06-0{day}T10:00:00Z</versionCreated></itemMeta>
 <contentMeta><headline>{title}</headline>
  <subject type="cpnat:abstract"><name>Maritime transport</name></subject>
  {tags}</contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml">
  <html xmlns="http://www.w3.org/1999/xhtml"><body><p>{body}</p></body></html>
 </inlineXML></contentSet>
</newsItem>
"""

# Two ferry stories: the first tags a person and a place its text never
# names; the second tags Lisbon, which its text names (extraction finds
# it) and a subject of its own.
FERRY_1 = G2.format(
    guid="urn:nw:ferry-1", day=1, title="Ferry line to the islands reopens",
    tags='<subject type="cpnat:person"><name>Rui Tavares</name></subject>'
         '<subject type="cpnat:geoArea"><name>Azores</name></subject>',
    body="PONTA DELGADA (NW) - The ferry sailed again on Saturday, the harbour master said.")
FERRY_2 = G2.format(
    guid="urn:nw:ferry-2", day=2, title="Ferry crews strike in Lisbon",
    tags='<subject type="cpnat:abstract"><name>Labour dispute</name></subject>'
         '<subject type="cpnat:geoArea"><name>Lisbon</name></subject>',
    body="LISBON (NW) - Ferry crews in Lisbon stopped work on Sunday, the union said.")
FEED_DE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><language>de</language>
<item><title>Hochwasser am Rhein</title><guid>https://example.de/?p=1</guid>
<pubDate>Tue, 04 Jun 2024 06:30:00 +0200</pubDate><category>Wetter</category>
<description>Der Rhein stieg in der Nacht weiter; die Fähren blieben im Hafen.</description>
</item></channel></rss>
"""


def pairs(facet):
    return {name: count for name, count in facet}


class Agency(DaemonCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="newsidx-agency.")
        src = os.path.join(cls.home, "in")
        os.mkdir(src)
        for name, text in [("ferry-1.xml", FERRY_1), ("ferry-2.xml", FERRY_2),
                           ("feed.xml", FEED_DE)]:
            with open(os.path.join(src, name), "w") as f:
                f.write(text)
        p = subprocess.run([NEWSIDX, "--db", os.path.join(cls.home, "db"), "add", src],
                           capture_output=True, text=True, env=environment())
        if p.returncode != 0:
            raise AssertionError(p.stderr)
        cls.d = start_http_daemon(cls.home)

    @classmethod
    def tearDownClass(cls):
        stop_and_remove(cls.d, cls.home)

    def search(self, **params):
        with self.d.client() as c:
            return c.call("search", [params])

    def http(self, **params):
        qs = urllib.parse.urlencode({k: (1 if v is True else v) for k, v in params.items()})
        return get_json(self.d, "/api/search?" + qs)

    def newsq(self, *args):
        p = subprocess.run([NEWSQ, "--socket", self.d.sock] + list(args), capture_output=True,
                           text=True, env=environment())
        return p.returncode, p.stdout, p.stderr

    def test_subjects_are_a_facet(self):
        r = self.search(q="ferry", facets=True)
        self.assertEqual(pairs(r["facets"]["subjects"]),
                         {"Maritime transport": 2, "Labour dispute": 1})
        self.assertEqual(self.http(q="ferry", facets=True)["facets"]["subjects"],
                         r["facets"]["subjects"])
        rc, out, err = self.newsq("--facets", "ferry")
        self.assertEqual(rc, 0, err)
        self.assertIn("subjects: Maritime transport (2), Labour dispute (1)", out)

    def test_the_senders_names_are_marked_and_extractions_kept(self):
        r = self.search(q="ferry", facets=True)
        f = r["facets"]
        # The sender's person and place are counted, and said to be the
        # sender's alone.
        self.assertEqual(pairs(f["speakers"]).get("Rui Tavares"), 1)
        self.assertEqual(pairs(f["speakers_tagged"]), {"Rui Tavares": 1})
        self.assertEqual(pairs(f["locations"]).get("Azores"), 1)
        # Lisbon: found by extraction and tagged too: counted once, not
        # marked as the sender's; Ponta Delgada: extraction's alone.
        self.assertEqual(pairs(f["locations"]).get("Lisbon"), 1)
        self.assertEqual(pairs(f["locations"]).get("Ponta Delgada"), 1)
        self.assertEqual(pairs(f["locations_tagged"]), {"Azores": 1})
        rc, out, err = self.newsq("--facets", "ferry")
        self.assertIn("Azores (1, 1 tagged by the sender)", out)
        self.assertIn("Lisbon (1)", out)
        # The hit shows what extraction found; the sender's tags are
        # searchable as speaker: and location:.
        self.assertEqual(self.search(q="location:azores")["total"], 1)
        self.assertEqual(self.search(q="ferry", location="Azores")["total"], 1)

    def test_lang_keeps_one_language_and_stems_for_it(self):
        # German stems: "stiegen" finds "stieg", "fähre" finds "Fähren".
        for q in ("stiegen", "fähre"):
            for r in (self.search(q=q, lang="de"), self.http(q=q, lang="de")):
                self.assertEqual([h["id"] for h in r["hits"]], ["https://example.de/?p=1"], q)
        self.assertEqual(self.search(q="ferry", lang="de")["total"], 0)
        self.assertEqual(self.search(q="ferry", lang="en")["total"], 2)
        self.assertEqual(self.search(q="rhein", lang="en")["total"], 0)
        # The filter alone, as --speaker alone is.
        self.assertEqual(self.search(lang="DE")["total"], 1)
        rc, out, err = self.newsq("--json", "--lang", "de", "fähre")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["hits"][0]["language"], "de")
        rc, out, err = self.newsq("--lang", "de")
        self.assertEqual(rc, 0, err)
        self.assertIn("Hochwasser am Rhein", out)

    def test_a_bad_language_code_is_an_error(self):
        with self.d.client() as c:
            error, _ = c.call_raw("search", [{"q": "ferry", "lang": "d e"}])
        self.assertIn("lang wants a language code", error["message"])
        status, _, body = get(self.d, "/api/search?q=ferry&lang=" + urllib.parse.quote("d e"))
        self.assertEqual(status, 400, body)
        rc, out, err = self.newsq("--lang", "d e", "ferry")
        self.assertNotEqual(rc, 0)
        self.assertIn("lang wants a language code", err)
        rc, out, err = self.newsq("--quotes", "--lang", "de", "ferry")
        self.assertNotEqual(rc, 0)
        self.assertIn("does not take lang", err)


if __name__ == "__main__":
    tap.main()
