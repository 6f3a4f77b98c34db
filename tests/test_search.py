"""Search features through newsq over real databases: the sample articles
always, Reuters-21578 when ../shared is there.  Answers are checked
against what the articles themselves say, not against stored results."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tcpsrv import TcpServer, free_port  # noqa: E402

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.path.join(SRC, "..", "shared")
ENV = dict(os.environ, NEWSIDX_CONFIG="/dev/null")


def newsq(db, *args, env=ENV):
    p = subprocess.run([os.path.join(BUILD, "newsq"), "--db", db, "--json"] + list(args),
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise AssertionError("newsq %s: %s" % (" ".join(args), p.stderr))
    return json.loads(p.stdout)


def add(db, path, env=ENV):
    p = subprocess.run([os.path.join(BUILD, "newsidx"), "--db", db, "add", "--quiet", path],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise AssertionError("newsidx add: %s" % p.stderr)


def get(db, i):
    p = subprocess.run([os.path.join(BUILD, "newsidx"), "--db", db, "get", "--json", i],
                       capture_output=True, text=True, env=ENV)
    return json.loads(p.stdout)


class Samples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-search-")
        cls.db = os.path.join(cls.tmp, "db")
        add(cls.db, os.path.join(SRC, "examples", "articles"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_snippet_marks_stemmed_forms(self):
        r = newsq(self.db, "protect")          # the text says "protections"
        self.assertTrue(r["hits"])
        self.assertIn("<em>protection", r["hits"][0]["snippet"].lower())

    def test_snippet_bounded(self):
        r = newsq(self.db, "said")
        for h in r["hits"]:
            self.assertLess(len(h["snippet"]), 400)

    def test_facets_count_the_whole_match_set(self):
        r = newsq(self.db, "--facets", "--limit", "1", "said")
        self.assertEqual(len(r["hits"]), 1)
        every = newsq(self.db, "--limit", "100", "said")["hits"]
        for name, count in r["facets"]["locations"][:5]:
            direct = sum(1 for h in every if name in h["locations"])
            self.assertEqual(count, direct, name)
        counts = [c for _, c in r["facets"]["locations"]]
        self.assertEqual(counts, sorted(counts, reverse=True))

    def test_speaker_filter_by_surname(self):
        full = newsq(self.db, "--speaker", "Tor Halvorsen", "nato")
        sur = newsq(self.db, "--speaker", "halvorsen", "nato")
        self.assertEqual(full["total"], 1)
        self.assertEqual([h["id"] for h in sur["hits"]], [h["id"] for h in full["hits"]])

    def test_similar_articles(self):
        nato = newsq(self.db, '"Article Five"')["hits"][0]["id"]
        r = newsq(self.db, "--like", nato)
        ids = [h["id"] for h in r["hits"]]
        self.assertTrue(ids)
        self.assertNotIn(nato, ids)

    def test_explain_adds_up(self):
        r = newsq(self.db, "--explain", "ukraine")
        h = r["hits"][0]
        self.assertAlmostEqual(sum(h["explain"].values()), h["score"], places=3)
        self.assertIn("body", h["explain"])

    def test_pages_tile_the_ranking(self):
        whole = [h["id"] for h in newsq(self.db, "--limit", "6", "said")["hits"]]
        first = newsq(self.db, "--limit", "3", "said")
        second = newsq(self.db, "--limit", "3", "--offset", "3", "said")
        self.assertEqual([h["id"] for h in first["hits"] + second["hits"]], whole)
        self.assertTrue(first["more"])
        self.assertLessEqual(first["total_min"], first["total"])
        self.assertLessEqual(first["total"], first["total_max"])

    def test_sort_by_date(self):
        r = newsq(self.db, "--sort", "date", "--limit", "20", "said")
        dates = [h["date"] or "" for h in r["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))


class Pairs(unittest.TestCase):
    """A phrase of two stopwords is one term in a format 2 index: the same
    articles as the phrase over positions (a format 1 copy of the same
    database, searched the old way), marked in snippets, explained."""
    QUERIES = ['"said it"', '"of the"', 'nato "of the"', '"in the" -"of the"', '"It Said"']

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-pairs-")
        cls.db = os.path.join(cls.tmp, "db")
        add(cls.db, os.path.join(SRC, "examples", "articles"))
        cls.old = os.path.join(cls.tmp, "old")
        shutil.copytree(cls.db, cls.old)
        subprocess.run(["xapian-metadata", "set", cls.old, "newsidx.format", "1"], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_index_has_pair_terms(self):
        p = subprocess.run(["xapian-delve", "-t", "XBof the", self.db], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Posting List for term 'XBof the'", p.stdout)

    def test_same_articles_as_the_phrase(self):
        for q in self.QUERIES:
            new = {h["id"] for h in newsq(self.db, "--limit", "1000", q)["hits"]}
            old = {h["id"] for h in newsq(self.old, "--limit", "1000", q)["hits"]}
            self.assertEqual(new, old, q)
        self.assertTrue(newsq(self.db, '"of the"')["hits"])

    def test_snippet_and_explain(self):
        r = newsq(self.db, "--explain", '"of the"')
        h = r["hits"][0]
        self.assertRegex(h["snippet"].lower(), r"<em>[^<]*\bof\b")
        self.assertAlmostEqual(sum(h["explain"].values()), h["score"], places=3)

    def test_only_as_a_token_of_its_own(self):
        # title:"of the" stays a title phrase: every hit has it in its title.
        for h in newsq(self.db, "--limit", "100", 'title:"of the"')["hits"]:
            self.assertIn("of the", get(self.db, h["id"])["title"].lower())


class Lead(unittest.TestCase):
    """[weights] lead: an article naming the query's word in its first
    sentence ranks above one naming it as often further down."""
    FILLER = ("The harbour board met on Monday to review the budget for the coming "
              "year. Members spoke about dredging, berths and pilots. ")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-lead-")
        cls.src = os.path.join(cls.tmp, "lead.jsonl")
        # The same words in both, in a different order; the one with the
        # word further down is newer, so it would win a tie.
        first = "Zinc shipments resumed at the northern port after the strike ended. "
        arts = [{"id": "lead-early", "date": "2026-01-05", "title": "Port report",
                 "body": first + cls.FILLER * 3},
                {"id": "lead-late", "date": "2026-01-06", "title": "Port report",
                 "body": cls.FILLER * 3 + first}]
        with open(cls.src, "w") as f:
            for a in arts:
                f.write(json.dumps(a) + "\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ranking(self, weight):
        conf = os.path.join(self.tmp, "lead%d.conf" % weight)
        with open(conf, "w") as f:
            f.write("[weights]\nlead = %d\n" % weight)
        db = os.path.join(self.tmp, "db%d" % weight)
        env = dict(ENV, NEWSIDX_CONFIG=conf)
        add(db, self.src, env=env)
        # The two articles are one story (same title, same text in
        # another order): their ranking is that of each version.
        return newsq(db, "--explain", "--all-versions", "zinc", env=env)["hits"]

    def test_lead_ranks_first(self):
        hits = self.ranking(2)
        self.assertEqual([h["id"] for h in hits], ["lead-early", "lead-late"])
        self.assertGreater(hits[0]["score"], hits[1]["score"])
        # The lead's share is the body's: explain still adds up.
        self.assertEqual(set(hits[0]["explain"]), {"body"})
        self.assertAlmostEqual(hits[0]["explain"]["body"], hits[0]["score"], places=3)

    def test_without_lead_a_tie_goes_to_the_newest(self):
        hits = self.ranking(0)
        self.assertEqual([h["id"] for h in hits], ["lead-late", "lead-early"])
        self.assertAlmostEqual(hits[0]["score"], hits[1]["score"], places=6)


@unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "corpus", "wire")), "no ../shared/corpus/wire")
class OneDaysVersions(unittest.TestCase):
    """A story sent twice on one day under two ids: the AP sample
    (sent 15:09 GMT) and a write-through of it at 18:30 that adds a
    paragraph.  The shorter take ranks higher for its words; the search
    shows the write-through, the newer, in whichever order they were
    added."""
    EXTRA = "A lawmaker said on Wednesday the program would be extended to every province."

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-versions-")
        sample = os.path.join(cls.tmp, "sample")
        add(sample, os.path.join(SHARED, "corpus", "wire", "anpa-1312", "anpa-1.tst"))
        a = get(sample, "anpa:2013-11-13:BC-LT--Argentina-CancerB")
        fields = ("title", "date", "dateline", "byline", "body")
        take = dict({k: a[k] for k in fields}, id="take", time="2013-11-13T15:09:00Z")
        thru = dict(take, id="thru", time="2013-11-13T18:30:00Z",
                    body=a["body"] + "\n\n" + cls.EXTRA)
        cls.dbs = []
        for order in ((take, thru), (thru, take)):
            path = os.path.join(cls.tmp, "%s-first.jsonl" % order[0]["id"])
            with open(path, "w") as f:
                for x in order:
                    f.write(json.dumps(x) + "\n")
            db = os.path.join(cls.tmp, "db-" + order[0]["id"])
            add(db, path)
            cls.dbs.append(db)
        # The same over shards: two written locally, searched as one.
        cls.shards = [os.path.join(cls.tmp, "shard%d" % i) for i in range(2)]
        cls.local = os.path.join(cls.tmp, "local.conf")
        with open(cls.local, "w") as f:
            f.write("[shards]\n" + "".join("shard = %s\n" % p for p in cls.shards))
        p = subprocess.run([os.path.join(BUILD, "newsidx"), "--config", cls.local, "add",
                            "--shards", "--quiet", path], capture_output=True, text=True, env=ENV)
        if p.returncode != 0:
            raise AssertionError("newsidx add --shards: %s" % p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_take_ranks_higher(self):
        for db in self.dbs:
            hits = newsq(db, "--all-versions", "mirror chemotherapy")["hits"]
            self.assertEqual([h["id"] for h in hits], ["take", "thru"])
            self.assertGreater(hits[0]["score"], hits[1]["score"])

    def test_the_story_shows_its_latest_version(self):
        for db in self.dbs:
            for query in ("mirror chemotherapy", "mirror", "date:2013-11-13"):
                r = newsq(db, query)
                self.assertEqual(r["total"], 1, (db, query))
                hit = r["hits"][0]
                self.assertEqual((hit["id"], hit["versions"]), ("thru", 2), (db, query))
                self.assertEqual(newsq(db, "--sort", "date", query)["hits"][0]["id"], "thru")

    def shown(self, conf, query):
        p = subprocess.run([os.path.join(BUILD, "newsq"), "--config", conf, "--json", query],
                           capture_output=True, text=True, env=dict(ENV, NEWSIDX_CONFIG=conf))
        self.assertEqual(p.returncode, 0, p.stderr)
        return [(h["id"], h["versions"]) for h in json.loads(p.stdout)["hits"]]

    def test_over_shards_too(self):
        self.assertEqual(self.shown(self.local, "mirror chemotherapy"), [("thru", 2)])

    @unittest.skipUnless(shutil.which("xapian-tcpsrv"), "no xapian-tcpsrv")
    def test_over_remote_shards_too(self):
        # Xapian's remote backend sorts by a value, not by a key maker:
        # the time and the version are read from the versions' documents.
        servers, conf = [], os.path.join(self.tmp, "remote.conf")
        try:
            lines = []
            for path in self.shards:
                port = free_port()
                servers.append(TcpServer(path, port))
                lines.append("shard = 127.0.0.1:%d\n" % port)
            with open(conf, "w") as f:
                f.write("[shards]\n" + "".join(lines) + "timeout = 2s\n")
            self.assertEqual(self.shown(conf, "mirror chemotherapy"), [("thru", 2)])
        finally:
            for server in servers:
                server.kill()


BODY = ("The harbour authority said on Monday that the new crane would double the port's "
        "capacity for containers by the end of the year, and that dredging of the channel "
        "would start in the spring once the permits were granted.")


class StoryFacets(unittest.TestCase):
    """Facets count what the total counts: stories, when the answer shows
    one hit per story (an update and the story it updates are one), and
    articles with --all-versions."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-facets-")
        cls.db = os.path.join(cls.tmp, "db")
        arts = [
            dict(id="crane-1", date="2025-03-03", title="PORT TO DOUBLE CAPACITY", body=BODY,
                 agency_persons=["Jane Roe"]),
            dict(id="crane-2", date="2025-03-03", title="UPDATE 1-PORT TO DOUBLE CAPACITY",
                 body=BODY + " The work will cost 40 million euros.",
                 agency_persons=["Jane Roe"]),
            dict(id="other", date="2025-03-04", title="HARBOUR STRIKE ENDS",
                 body="Dockers at the harbour went back to work on Tuesday after a strike "
                      "over pay, their union said.", agency_persons=["Jane Roe"]),
        ]
        path = os.path.join(cls.tmp, "a.jsonl")
        with open(path, "w") as f:
            for a in arts:
                f.write(json.dumps(a) + "\n")
        add(cls.db, path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_facets_count_stories_as_the_total_does(self):
        r = newsq(self.db, "--facets", "harbour")
        self.assertEqual(r["total"], 2)
        self.assertEqual(sorted(h["versions"] for h in r["hits"]), [1, 2])
        self.assertIn(["Jane Roe", 2], r["facets"]["speakers"])
        self.assertIn(["Jane Roe", 2], r["facets"]["speakers_tagged"])

    def test_with_all_versions_both_count_articles(self):
        r = newsq(self.db, "--facets", "--all-versions", "harbour")
        self.assertEqual(r["total"], 3)
        self.assertIn(["Jane Roe", 3], r["facets"]["speakers"])


WEEKLY = ("The Bundesbank left its credit policies unchanged after today's regular "
          "meeting of its council, a spokesman said in answer to enquiries. The West German "
          "discount rate remains at 3.0 pct, and the Lombard emergency financing rate at 5.0 "
          "pct. The council meets again in two weeks, the spokesman added.")
RESENT = ("Saudi Arabia has dropped its condition that Brazil secure international bank "
          "guarantees before it would ship it oil, the state oil company Petrobras said in a "
          "statement. Petrobras said the Saudis will accept Banco do Brasil credit guarantees "
          "for the cargoes it buys this year.")


def story(i, date, title, body):
    return dict(id=i, date=date, title=title, body=body) if date else \
        dict(id=i, title=title, body=body)


class StoryWindow(unittest.TestCase):
    """Versions of a story come within days ([index] story_window, 3):
    weekly reports under one title and much the same text are stories of
    their own, whatever order the articles are added in, in a bulk load
    or one by one."""
    ARTS = [
        story("w1", "1987-03-05", "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY),
        story("w2", "1987-03-19", "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY),
        story("w3", "1987-04-02", "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY),
        story("w3u", "1987-04-02", "UPDATE 1-BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED",
              WEEKLY + " Money market dealers had expected no change."),
        story("r1", "1987-03-13", "SAUDIS DROP CONDITION FOR OIL SALE TO BRAZIL", RESENT),
        story("r2", "1987-03-16", "SAUDIS DROP CONDITION FOR OIL SALE TO BRAZIL", RESENT),
    ]
    # (versions, the id of a story of one article)
    EXPECTED = {"bundesbank": [(1, "w1"), (1, "w2"), (2, "")],
                "petrobras": [(2, "")]}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-window-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, arts):
        path = os.path.join(self.tmp, name + ".jsonl")
        with open(path, "w") as f:
            for a in arts:
                f.write(json.dumps(a) + "\n")
        return path

    def load(self, name, arts, one_by_one, env=ENV):
        """A database of arts: one bulk load, or one import each."""
        db = os.path.join(self.tmp, name)
        if one_by_one:
            for i, a in enumerate(arts):
                add(db, self.write("%s-%d" % (name, i), [a]), env=env)
        else:
            add(db, self.write(name, arts), env=env)
        return db

    def stories(self, db, query, env=ENV):
        hits = newsq(db, "--limit", "50", query, env=env)["hits"]
        return sorted((h["versions"], h["id"] if h["versions"] == 1 else "") for h in hits)

    def test_weekly_reports_apart_versions_together(self):
        orders = {"bulk": (self.ARTS, False), "in-order": (self.ARTS, True),
                  "reversed": (self.ARTS[::-1], True),
                  "bulk-reversed": (self.ARTS[::-1], False)}
        for name, (arts, one_by_one) in orders.items():
            db = self.load(name, arts, one_by_one)
            for query, want in self.EXPECTED.items():
                self.assertEqual(self.stories(db, query), want, (name, query))

    def test_an_article_between_two_joins_them(self):
        # 03-05 and 03-09 are too far apart; 03-07 is within three days
        # of each: one story of three, whichever comes last.
        a = story("a", "1987-03-05", "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY)
        b = dict(a, id="b", date="1987-03-09")
        c = dict(a, id="c", date="1987-03-07")
        for one_by_one in (True, False):
            db = self.load("chain-%d" % one_by_one, [a, b], one_by_one)
            self.assertEqual(self.stories(db, "bundesbank"), [(1, "a"), (1, "b")])
            add(db, self.write("chain-c-%d" % one_by_one, [c]))
            self.assertEqual(self.stories(db, "bundesbank"), [(3, "")], one_by_one)
        db = self.load("chain-bulk", [a, b, c], False)
        self.assertEqual(self.stories(db, "bundesbank"), [(3, "")])

    def test_an_article_given_again_is_judged_again(self):
        db = self.load("again", self.ARTS, False)
        moved = dict(self.ARTS[1], date="1987-03-31")
        add(db, self.write("again-w2", [moved]))
        self.assertEqual(self.stories(db, "bundesbank"), [(1, "w1"), (3, "")])
        # and within one bulk load, the later of an id's two records counts
        db = self.load("again-bulk", self.ARTS[:1] + [self.ARTS[1], moved] + self.ARTS[2:], False)
        self.assertEqual(self.stories(db, "bundesbank"), [(1, "w1"), (3, "")])

    def test_window_zero_is_the_text_alone(self):
        conf = os.path.join(self.tmp, "w0.conf")
        with open(conf, "w") as f:
            f.write("[index]\nstory_window = 0\n")
        env0 = dict(ENV, NEWSIDX_CONFIG=conf)
        db = self.load("w0", self.ARTS, False, env=env0)
        self.assertEqual(self.stories(db, "bundesbank"), [(4, "")])
        # Added to again under the default window, the title's stories
        # are decided again: an index made before the window mends.
        add(db, self.write("w0-again", [self.ARTS[0]]))
        self.assertEqual(self.stories(db, "bundesbank"), self.EXPECTED["bundesbank"])

    def test_undated_articles_join_undated_ones_only(self):
        u1 = story("u1", None, "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY)
        u2 = dict(u1, id="u2")
        d1 = story("d1", "1987-03-05", "BUNDESBANK LEAVES CREDIT POLICIES UNCHANGED", WEEKLY)
        for one_by_one in (True, False):
            db = self.load("undated-%d" % one_by_one, [u1, d1, u2], one_by_one)
            got = newsq(db, "--limit", "50", "bundesbank")["hits"]
            self.assertEqual(sorted(h["versions"] for h in got), [1, 2], one_by_one)
            self.assertEqual([h["id"] for h in got if h["versions"] == 1], ["d1"])

    def test_the_window_is_a_checked_setting(self):
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write("[index]\nstory_window = 4000\n")
        p = subprocess.run([os.path.join(BUILD, "newsidx"), "--config", conf, "--db",
                            os.path.join(self.tmp, "bad"), "add", "--quiet",
                            self.write("bad", self.ARTS[:1])],
                           capture_output=True, text=True, env=ENV)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("story_window = 4000 is out of range (0 to 3650)", p.stderr)


@unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "corpus", "reuters21578")),
                     "no ../shared/corpus/reuters21578")
class Reuters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-search-")
        subprocess.run(["/usr/bin/python3", os.path.join(SHARED, "bench", "reuters.py"),
                        os.path.join(SHARED, "corpus", "reuters21578"), cls.tmp],
                       check=True, stdout=subprocess.DEVNULL)
        cls.db = os.path.join(cls.tmp, "db")
        add(cls.db, os.path.join(cls.tmp, "docs.jsonl"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_february_1987(self):
        r = newsq(self.db, "--sort", "date", "--limit", "200", "date:1987-02..1987-02 oil")
        dates = [h["date"] for h in r["hits"]]
        self.assertTrue(dates)
        self.assertTrue(all(d.startswith("1987-02") for d in dates), dates[:5])
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_since_until_agree_with_range(self):
        a = newsq(self.db, "--since", "1987-03-01", "--until", "1987-03-31", "--facets", "coffee")
        b = newsq(self.db, "--facets", "date:1987-03-01..1987-03-31 coffee")
        self.assertEqual(a["total"], b["total"])

    def test_facets_match_a_direct_count(self):
        r = newsq(self.db, "--facets", "--limit", "1", "coffee quota")
        name, count = r["facets"]["locations"][0]
        every = newsq(self.db, "--limit", "1000", "coffee quota")["hits"]
        self.assertEqual(count, sum(1 for h in every if name in h["locations"]))

    def test_spelling_suggestion(self):
        r = newsq(self.db, "volker")
        self.assertEqual(r.get("corrected"), "volcker")

    def test_long_question_is_relaxed(self):
        q = "what did the bundesbank say about raising interest rates to defend the mark"
        r = newsq(self.db, q)
        self.assertTrue(r.get("relaxed"))
        top = get(self.db, r["hits"][0]["id"])
        text = (top["title"] + " " + top["body"]).lower()
        self.assertIn("bundesbank", text)

    def test_relevance_then_newest_for_ties(self):
        # Reuters' dividend notices are short texts of one pattern: many
        # score the same, on different days, so the order of ties shows.
        r = newsq(self.db, "--limit", "100", "dividend")
        ties = [(a, b) for a, b in zip(r["hits"], r["hits"][1:])
                if abs(a["score"] - b["score"]) < 1e-9]
        self.assertGreaterEqual(sum(1 for a, b in ties if a["date"] != b["date"]), 10,
                                "too few ties between different days to test their order")
        for a, b in ties:
            self.assertGreaterEqual(a["date"], b["date"], (a["id"], b["id"], a["score"]))


class SpellingWords(unittest.TestCase):
    """The words kept for spelling suggestions: letters of any script,
    lower-cased (the ASCII ones are read byte by byte, the others
    through Xapian's Unicode tables)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-spelling-")
        cls.db = os.path.join(cls.tmp, "db")
        path = os.path.join(cls.tmp, "a.jsonl")
        body = ("Der Zürcher Stadtrat tagte in ZÜRICH über Øresundbrücke und Straßenbahn; "
                "Αθήνα antwortete.")
        with open(path, "w") as f:
            for i in range(3):
                f.write(json.dumps({"id": "s%d" % i, "title": "Überblick Zürich %d" % i,
                                    "body": body}) + "\n")
        add(cls.db, path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_words_of_other_scripts_are_suggested(self):
        for typed, word in (("zürrich", "zürich"), ("oresundbrücke", "øresundbrücke"),
                            ("strassenbahn", "straßenbahn"), ("αθηνα", "αθήνα"),
                            ("uberblick", "überblick")):
            self.assertEqual(newsq(self.db, typed).get("corrected"), word, typed)


if __name__ == "__main__":
    tap.main()
