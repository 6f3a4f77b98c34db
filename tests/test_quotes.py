"""Who said what, through the index: quote: in searches, newsq --quotes,
the daemon's quotes method and its stats, the alias table (one name for
"Fed" and "Federal Reserve", counts merged in facets, also after a bulk
load in parallel parts) and speakers split by kind.  The seed article
(../shared/seed) when it is there; articles written here always."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import Daemon  # noqa: E402

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
SEED_DIR = os.path.join(SRC, "..", "shared", "seed")
ENV = dict(os.environ, NEWSIDX_CONFIG="/dev/null")


def run(prog, *args, env=ENV, ok=(0,)):
    p = subprocess.run([os.path.join(BUILD, prog)] + list(args), capture_output=True, text=True,
                       env=env)
    if p.returncode not in ok:
        raise AssertionError("%s %s: %s" % (prog, " ".join(args), p.stderr))
    return p


def newsq(db, *args):
    return json.loads(run("newsq", "--db", db, "--json", *args).stdout)


def quotes(db, *args):
    return newsq(db, "--quotes", *args)


def plain(text):
    """A quotation's text without the marks of matched words, unescaped."""
    text = re.sub(r"</?em>", "", text)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def write(dir, name, text):
    with open(os.path.join(dir, name), "w") as f:
        f.write(text)


# Two speakers in one article: what each said is kept apart.
TWO_VOICES = """Harbour talks stall

ROTTERDAM — Port director Anna Visser said the talks had stalled. "The cranes stay idle until \
the union signs," Visser said. "Nobody wins a long strike."

Union leader Piet de Boer disagreed. "The cranes are unsafe and the director knows it," \
de Boer said. He added that the union would meet on Friday.
"""


class Written(unittest.TestCase):
    """Articles written for the test: block semantics, aliases, kinds."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-quotes-")
        d = os.path.join(cls.tmp, "in")
        os.mkdir(d)
        write(d, "voices.txt", TWO_VOICES)
        write(d, "fed1.txt", "Fed holds rates\n\nWASHINGTON — The Fed said on Wednesday that it "
              "would keep rates steady. \"We are patient,\" the Fed said in a statement.\n")
        write(d, "fed2.txt", "Federal Reserve warns\n\nNEW YORK — The Federal Reserve said "
              "inflation was too high. \"Prices are rising too fast,\" the Federal Reserve said.\n")
        write(d, "bank1.txt", "Bank results\n\nCHARLOTTE — Bank of America Corp said profit rose. "
              "\"It was a good quarter,\" Bank of America said.\n")
        write(d, "bank2.txt", "Bank cuts jobs\n\nCHARLOTTE — Bank of America said it would cut "
              "jobs. \"We must be lean,\" Bank of America said.\n")
        cls.db = os.path.join(cls.tmp, "db")
        run("newsidx", "--db", cls.db, "add", "--quiet", d)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_quote_field_searches_inside_quotations_only(self):
        self.assertEqual(newsq(self.db, 'quote:"long strike"')["total"], 1)
        self.assertEqual(newsq(self.db, "quote:stalled")["total"], 0)   # outside the quotes
        self.assertEqual(newsq(self.db, "stalled")["total"], 1)

    def test_speaker_with_quote_means_that_speaker_said_it(self):
        self.assertEqual(newsq(self.db, "speaker:visser quote:idle")["total"], 1)
        self.assertEqual(newsq(self.db, "speaker:boer quote:unsafe")["total"], 1)
        # both in the article, but the other one said it
        self.assertEqual(newsq(self.db, "speaker:visser quote:unsafe")["total"], 0)
        self.assertEqual(newsq(self.db, "speaker:boer quote:idle")["total"], 0)
        self.assertEqual(newsq(self.db, 'speaker:boer quote:"long strike"')["total"], 0)
        self.assertEqual(newsq(self.db, "speaker:visser unsafe")["total"], 1)

    def test_quotes_lists_quotations_of_the_speaker(self):
        r = quotes(self.db, "speaker:visser")
        self.assertEqual([plain(q["text"]) for q in r["quotes"]],
                         ["The cranes stay idle until the union signs,", "Nobody wins a long strike."])
        self.assertEqual(r["total"], 2)
        self.assertTrue(r["total_exact"])
        for q in r["quotes"]:
            self.assertEqual(q["speaker"], "Anna Visser")
            self.assertEqual(q["kind"], "person")
            self.assertEqual(q["title"], "Harbour talks stall")
            self.assertEqual(q["dateline"], "ROTTERDAM")
            self.assertTrue(q["id"] and isinstance(q["score"], float))

    def test_quotes_words_are_matched_quotation_by_quotation(self):
        r = quotes(self.db, "cranes")
        self.assertEqual(sorted(q["speaker"] for q in r["quotes"]), ["Anna Visser", "Piet de Boer"])
        self.assertTrue(all("<em>cranes</em>" in q["text"] for q in r["quotes"]), r)
        r = quotes(self.db, "speaker:boer cranes")
        self.assertEqual([q["speaker"] for q in r["quotes"]], ["Piet de Boer"])
        r = quotes(self.db, "speaker:visser -cranes")
        self.assertEqual([plain(q["text"]) for q in r["quotes"]], ["Nobody wins a long strike."])
        r = quotes(self.db, '"union signs"')
        self.assertEqual(len(r["quotes"]), 1)
        self.assertIn("<em>union signs</em>", r["quotes"][0]["text"])
        r = quotes(self.db, "speaker:boer unsaf*")
        self.assertEqual([plain(q["text"]) for q in r["quotes"]],
                         ["The cranes are unsafe and the director knows it,"])
        self.assertIn("<em>unsafe</em>", r["quotes"][0]["text"])
        self.assertEqual(quotes(self.db, "speaker:visser unsaf*")["total"], 0)
        self.assertEqual(quotes(self.db, "cranes strike")["total"], 0)   # in two quotations
        self.assertEqual(quotes(self.db, "friday")["total"], 0)          # reported, not quoted

    def test_best_first(self):
        r = quotes(self.db, "cranes OR idle")
        self.assertEqual(plain(r["quotes"][0]["text"]), "The cranes stay idle until the union signs,")
        self.assertGreater(r["quotes"][0]["score"], r["quotes"][1]["score"])

    def test_refused_options_are_errors(self):
        p = run("newsq", "--db", self.db, "--quotes", "--facets", "x", ok=(2,))
        self.assertIn("--quotes", p.stderr)

    def test_alias_finds_both_forms(self):
        r = newsq(self.db, "speaker:fed")
        self.assertEqual(sorted(h["title"] for h in r["hits"]), ["Fed holds rates", "Federal Reserve warns"])
        r = quotes(self.db, "speaker:fed")
        self.assertEqual(sorted(plain(q["text"]) for q in r["quotes"]),
                         ["Prices are rising too fast,", "We are patient,"])
        self.assertEqual(newsq(self.db, "speaker:fed quote:patient")["total"], 1)

    def test_facets_merge_aliases(self):
        r = newsq(self.db, "--facets", "bank")
        speakers = dict(r["facets"]["speakers"])
        # "Bank of America Corp" in one article, "Bank of America" in both:
        # one name, each article counted once
        self.assertEqual(speakers.get("Bank of America Corp"), 2, speakers)
        self.assertNotIn("Bank of America", speakers)
        r = newsq(self.db, "--speaker", "Bank of America Corp", "jobs")
        self.assertEqual(r["total"], 1)      # the article that says "Bank of America" only
        r = quotes(self.db, "--speaker", "bank of america corp")
        self.assertEqual({q["speaker"] for q in r["quotes"]}, {"Bank of America Corp"})
        self.assertEqual(len(r["quotes"]), 2)

    def test_facets_split_by_kind(self):
        r = newsq(self.db, "--facets-by-kind", "said")
        f = r["facets"]
        self.assertIn("Anna Visser", dict(f["persons"]))
        self.assertIn("Federal Reserve", dict(f["organisations"]))
        self.assertNotIn("Federal Reserve", dict(f["persons"]))
        r = newsq(self.db, "--facets", "said")
        self.assertNotIn("persons", r["facets"])
        kinds = {h["title"]: h.get("speaker_kinds") for h in newsq(self.db, "rates")["hits"]}
        self.assertEqual(kinds["Fed holds rates"], ["organisation"])


class BulkLoad(unittest.TestCase):
    """The alias table of a load written in parallel parts: the counts of
    every part are added up when the parts are merged."""

    def test_parts_merge_alias_counts(self):
        tmp = tempfile.mkdtemp(prefix="newsidx-quotes-bulk-")
        try:
            d = os.path.join(tmp, "in")
            os.mkdir(d)
            for i in range(6):
                write(d, "c%d.txt" % i, "Bank story %d\n\nCHARLOTTE — Bank of America Corp said "
                      "deposits rose in region %d. \"We grew,\" Bank of America said.\n" % (i, i))
            for i in range(2):
                write(d, "d%d.txt" % i, "Bank other %d\n\nDALLAS — Bank of America Co. said it "
                      "hired in town %d. \"We hired,\" Bank of America said.\n" % (i, i))
            conf = os.path.join(tmp, "newsidx.conf")
            write(tmp, "newsidx.conf", "[index]\nthreads = 4\n")
            db = os.path.join(tmp, "db")
            run("newsidx", "--db", db, "add", "--quiet", d, env=dict(ENV, NEWSIDX_CONFIG=conf))
            self.assertTrue(any(k.startswith("newsidx.merged.")
                                for k in metadata_keys(db)), "a bulk load in parts")
            table = subprocess.run(["xapian-metadata", "get", db, "newsidx.alias.bank of america"],
                                   capture_output=True, text=True).stdout
            self.assertEqual(sorted(l for l in table.split("\n") if l),
                             ["2\tBank of America Co.", "6\tBank of America Corp"])
            speakers = dict(newsq(db, "--facets", "bank")["facets"]["speakers"])
            self.assertEqual(speakers.get("Bank of America Corp"), 8, speakers)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def metadata_keys(db):
    p = subprocess.run(["xapian-metadata", "list", db], capture_output=True, text=True)
    return p.stdout.split()


@unittest.skipUnless(os.path.isdir(SEED_DIR), "no ../shared/seed")
class Seed(unittest.TestCase):
    """The seed article: what Rutte, Healey and Hegseth said, word for
    word, through newsq and through the daemon."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="newsidx-quotes-seed-")
        cls.db = os.path.join(cls.tmp, "db")
        cls.seed = [os.path.join(SEED_DIR, f) for f in sorted(os.listdir(SEED_DIR))
                    if f.endswith(".txt")][0]
        run("newsidx", "--db", cls.db, "add", "--quiet", cls.seed)
        out = run("newsidx", "extract", "--json", cls.seed).stdout
        cls.extracted = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def said(self, name):
        return [q["text"] for q in self.extracted["quotes"]
                if q["speaker"] == name and not q["indirect"]]

    def test_rutte_healey_hegseth_word_for_word(self):
        rutte = [plain(q["text"]) for q in quotes(self.db, "speaker:rutte")["quotes"]]
        self.assertEqual(rutte, [
            "We have to make sure that he has no other option, and that means to force him to "
            "the table,",
            "He needs to understand that we will not give up on Ukraine. We have to make sure "
            "that we have maximum economic impact on Russia."])
        healey = [plain(q["text"]) for q in quotes(self.db, "speaker:healey")["quotes"]]
        self.assertEqual(healey, ["We hear you,"])
        hegseth = [plain(q["text"]) for q in quotes(self.db, "speaker:hegseth")["quotes"]]
        self.assertEqual(sorted(hegseth), sorted(self.said("Pete Hegseth")))
        # partial quotations inside his reported speech
        for part in ("illusionary goal", "should not go lower than 3%.",
                     "we live in fiscally constrained times"):
            self.assertIn(part, hegseth)
        self.assertEqual(len(hegseth), 6)

    def test_offsets_and_article(self):
        body = json.loads(run("newsidx", "--db", self.db, "get", "--json",
                              self.extracted["id"]).stdout)["body"]
        for q in quotes(self.db, "speaker:rutte")["quotes"]:
            self.assertEqual(body[q["start"]:q["end"]], plain(q["text"]))
            self.assertEqual((q["date"], q["dateline"], q["id"]),
                             ("2025-02-12", "BRUSSELS", self.extracted["id"]))

    def test_quote_field(self):
        self.assertEqual(newsq(self.db, 'quote:"illusionary goal"')["total"], 1)
        # the group's name stands outside every quotation
        self.assertEqual(newsq(self.db, 'quote:"ukraine defense contact group"')["total"], 0)
        self.assertEqual(newsq(self.db, '"ukraine defense contact group"')["total"], 1)
        self.assertEqual(newsq(self.db, "speaker:hegseth quote:troops")["total"], 1)
        self.assertEqual(newsq(self.db, "speaker:rutte quote:troops")["total"], 0)
        self.assertEqual(newsq(self.db, 'speaker:rutte quote:"force him"')["total"], 1)
        self.assertEqual(newsq(self.db, 'speaker:hegseth quote:"force him"')["total"], 0)

    def test_daemon_answers_the_same_and_counts(self):
        home = tempfile.mkdtemp(prefix="newsidx-quotes-d-")
        d = Daemon(home, db=self.db)
        try:
            d.start()
            before = d.stats()["quotes"]
            with d.client() as c:
                for params in [{"q": "speaker:rutte"}, {"q": "ukraine", "limit": 3},
                               {"speaker": "Pete Hegseth", "offset": 2}]:
                    got = c.call("quotes", [params])
                    args = []
                    for k, v in params.items():
                        args += ["--" + k, str(v)] if k != "q" else []
                    want = quotes(self.db, *(args + [params.get("q", "")]))
                    # JSON prints scores to six digits
                    for r in (got, want):
                        for q in r["quotes"]:
                            q["score"] = round(q["score"], 4)
                    self.assertEqual(got, want, params)
                    self.assertTrue(got["quotes"], params)
                err = c.error_of("quotes", [{"q": "x", "histogram": True}])
                self.assertEqual(err, "bad_request")
                err = c.error_of("quotes", [{"q": "x", "nonsense": 1}])
                self.assertEqual(err, "bad_request")
            self.assertEqual(d.stats()["quotes"], before + 4)
            p = run("newsq", "--socket", d.sock, "--quotes", "speaker:healey",
                    env=dict(ENV, NO_COLOR="1"))
            self.assertIn("John Healey", p.stdout)
            self.assertIn("We hear you,", p.stdout)
            d.stop(expect=0)
        finally:
            d.kill()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    tap.main()
