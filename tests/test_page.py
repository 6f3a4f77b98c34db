"""The search page in a real browser: Debian's headless Chromium, driven
over the DevTools protocol (tests/cdp.py), loads the page from a real
newsidxd over the sample articles (and over Reuters-21578 when ../shared
has it), types a query, clicks a speaker chip, opens an article, switches
to quotes and to the map, drags on the timeline, and checks the results
and the URL each time; an article whose title and quotations are
<script> and <img onerror> runs nothing.  Screenshots at desktop and
phone widths go to $NX_SCREENSHOTS when it is set (doc/ keeps them).

Skipped, with the reason, when Chromium is not installed."""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from cdp import CHROMIUM, Browser  # noqa: E402
from daemon import EXAMPLES, NEWSIDX, SRC, environment, stop_and_remove  # noqa: E402
from httpd import get_json, start_http_daemon  # noqa: E402

SHARED = os.path.join(SRC, "..", "shared")
REUTERS = os.path.join(SHARED, "corpus", "reuters21578")
SEED = os.path.join(SHARED, "seed")
SHOTS = os.environ.get("NX_SCREENSHOTS")

HOSTILE_TITLE = "<script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='img'\">"
HOSTILE_QUOTE = "<img src=x onerror=\"window.__pwned='quote'\"><script>window.__pwned='q2'</script>"
HOSTILE = {
    "id": "hostile-<b>1</b>", "title": HOSTILE_TITLE, "date": "2025-05-05",
    "dateline": "OSLO<svg onload=\"window.__pwned='dateline'\">",
    "byline": "<a href=javascript:window.__pwned=1>x</a>", "url": "javascript:window.__pwned='url'",
    "body": "OSLO (NW) - \u201c%s,\u201d Minister Ola Nordmann said on Monday about the zqhostilex "
            "report.\n\n\u201c<iframe srcdoc='<script>parent.__pwned=3</script>'>,\u201d he added. "
            "Nordmann said the <b>bold</b> claim & more was wrong." % HOSTILE_QUOTE,
}

# Watches for attempts the Content-Security-Policy stopped: there must be
# none, for the page must not even try to run what an article carries.
WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation',"
         " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def import_jsonl(db, articles, extra_paths=()):
    path = db + ".jsonl"
    with open(path, "w") as f:
        for a in articles:
            f.write(json.dumps(a) + "\n")
    p = subprocess.run([NEWSIDX, "--db", db, "add", "--quiet", path] + list(extra_paths),
                       capture_output=True, text=True, env=environment())
    if p.returncode != 0:
        raise AssertionError(p.stderr)


def query_of(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


@unittest.skipUnless(CHROMIUM, "chromium is not installed (Debian: apt-get install chromium)")
class PageCase(unittest.TestCase):
    """A daemon with HTTP, a browser, and a page per test."""

    @classmethod
    def load(cls, db):
        import_jsonl(db, [HOSTILE], [EXAMPLES] + ([SEED] if os.path.isdir(SEED) else []))

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="newsidx-page.")
        db = os.path.join(cls.home, "db")
        cls.load(db)
        cls.d = start_http_daemon(cls.home, db=db)
        cls.base = "http://127.0.0.1:%d/" % cls.d.port
        cls.browser = Browser()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.close()
        finally:
            stop_and_remove(cls.d, cls.home)

    def open(self, path="", width=1280, height=900, mobile=False):
        p = self.browser.page(width, height, mobile)
        p.send("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        p.goto(self.base + path)
        self.addCleanup(self.no_errors, p)
        return p

    def no_errors(self, p):
        errs = [e for e in p.errors() if "favicon" not in e and "status of 501" not in e]
        self.assertEqual(errs, [], "the page reported errors")
        self.assertEqual(p.eval("window.__csp"), [], "something tried to break the CSP")
        self.assertIsNone(p.eval("window.__pwned"))

    def search(self, p, text):
        p.click("#q")
        p.eval("document.getElementById('q').value = ''")
        p.type_text(text)
        p.key("Enter")
        return self.wait_results(p)

    def wait_results(self, p):
        p.wait("!document.querySelector('#status.busy') && "
               "(document.querySelectorAll('#hits .hit').length > 0 || "
               "/No article/.test(document.getElementById('status').textContent))", what="results")
        return p.eval("Array.from(document.querySelectorAll('#hits .hit')).map(h => ({"
                      "title: h.querySelector('h3').textContent,"
                      "meta: h.querySelector('.meta').textContent,"
                      "speakers: Array.from(h.querySelectorAll('.chip.speaker')).map(c => c.textContent),"
                      "places: Array.from(h.querySelectorAll('.chip.location')).map(c => c.textContent),"
                      "marks: Array.from(h.querySelectorAll('.snippet mark')).map(m => m.textContent)}))")

    def shot(self, p, name, full=False):
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            p.screenshot(os.path.join(SHOTS, name), full=full)


class Page(PageCase):
    def test_search_chip_and_url(self):
        p = self.open()
        self.assertTrue(p.eval("!document.getElementById('help').hidden"))
        hits = self.search(p, "minister")
        self.assertGreaterEqual(len(hits), 3)
        self.assertEqual(query_of(p.url()), {"q": "minister"})
        self.assertTrue(all(any(m.lower().startswith("minister") for m in h["marks"]) for h in hits), hits)
        # The API's own answer, article for article.
        api = get_json(self.d, "/api/search?q=minister&limit=10")
        self.assertEqual([h["title"] for h in hits], [h["title"] for h in api["hits"]])
        self.assertIn("of %d articles" % api["total"], p.eval("document.getElementById('status').textContent"))
        self.shot(p, "page-desktop.png")
        name = hits[0]["speakers"][0]
        p.click("#hits .hit .chip.speaker")
        p.wait("new URLSearchParams(location.search).get('speaker') === %s" % json.dumps(name))
        hits2 = self.wait_results(p)
        self.assertEqual(query_of(p.url()), {"q": "minister", "speaker": name})
        self.assertTrue(hits2 and all(name in h["speakers"] for h in hits2), hits2)
        self.assertLessEqual(len(hits2), len(hits))
        self.assertIn(name, p.eval("document.getElementById('filters').textContent"))
        # Back: the search before the chip.
        p.eval("history.back()")
        p.wait("!new URLSearchParams(location.search).get('speaker')")
        self.assertEqual(len(self.wait_results(p)), len(hits))

    @unittest.skipUnless(os.path.isdir(SEED), "no ../shared/seed")
    def test_what_did_rutte_say_about_ukraine(self):
        """The question a newsroom asks, answered by typing a word and
        two clicks: the speaker, then the article, whose quotations are
        marked with who said them, under its date."""
        p = self.open()
        self.search(p, "ukraine")
        p.click("#hits .chip.speaker[title='Articles quoting Mark Rutte']")
        p.wait("new URLSearchParams(location.search).get('speaker') === 'Mark Rutte'")
        hits = self.wait_results(p)
        self.assertEqual(len(hits), 1)
        p.click("#hits .hit h3 a")
        p.wait("document.querySelectorAll('#article .quote-mark').length > 0")
        said = p.eval("Array.from(document.querySelectorAll('#article .quote-mark')).filter(m =>"
                      " m.querySelector('.speaker-tag').textContent === 'Mark Rutte')"
                      ".map(m => m.querySelector('q').textContent)")
        self.assertGreaterEqual(len(said), 2, said)
        # His are the ones that stand out, and the first is in view.
        self.assertEqual(p.eval("document.querySelectorAll('#article .quote-mark.chosen').length"), len(said))
        self.assertTrue(p.eval("(() => { const r = document.querySelector('#article .quote-mark.chosen')"
                               ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()"))
        self.assertTrue(p.eval("document.querySelector('#article .meta').textContent").startswith("2025-02-12"))
        self.shot(p, "page-rutte.png")

    def test_a_bookmarked_search(self):
        p = self.open("?q=court&sort=date")
        hits = self.wait_results(p)
        self.assertTrue(hits)
        self.assertEqual(p.eval("document.getElementById('q').value"), "court")
        self.assertEqual(p.eval("document.getElementById('sort').value"), "date")
        api = get_json(self.d, "/api/search?q=court&sort=date")
        self.assertEqual([h["title"] for h in hits], [h["title"] for h in api["hits"]])

    def test_article_view(self):
        p = self.open("?q=nato")
        hits = self.wait_results(p)
        p.click("#hits .hit h3 a")
        p.wait("!document.getElementById('reader').hidden && document.getElementById('article-title')")
        self.assertIn("article", query_of(p.url()))
        self.assertEqual(p.eval("document.getElementById('article-title').textContent"), hits[0]["title"])
        marks = p.eval("Array.from(document.querySelectorAll('#article .body mark')).map(m => m.textContent)")
        self.assertTrue(marks and all(m.lower().startswith("nato") for m in marks), marks)
        p.wait("document.querySelectorAll('#article .similar li a').length > 0", what="similar articles")
        # The article's quotations (its "quotes" field), each marked with
        # its speaker, word for word.
        qid = urllib.parse.quote(query_of(p.url())["article"], safe="")
        quotes = get_json(self.d, "/api/article/" + qid)["quotes"]
        self.assertTrue(quotes, "the NATO article has quotations")
        shown = p.eval("Array.from(document.querySelectorAll('#article .quote-mark')).map(m => "
                       "[m.querySelector('.speaker-tag').textContent, m.querySelector('q').textContent])")
        self.assertEqual(shown, [[q["speaker"], q["text"]] for q in quotes])
        self.shot(p, "page-article.png")
        p.key("Escape")
        p.wait("document.getElementById('reader').hidden")
        self.assertNotIn("article", query_of(p.url()))

    def test_quotes_view_lists_who_said_what(self):
        p = self.open("?q=speaker:halvorsen")
        self.wait_results(p)
        p.click("#tab-quotes")
        p.wait("document.querySelectorAll('#quotes li').length > 0", what="quotations listed")
        self.assertEqual(query_of(p.url()).get("view"), "quotes")
        api = get_json(self.d, "/api/quotes?q=speaker%3Ahalvorsen&limit=20")
        shown = p.eval("Array.from(document.querySelectorAll('#quotes li blockquote'))"
                       ".map(b => b.textContent)")
        self.assertEqual(len(shown), len(api["quotes"]))
        self.assertTrue(all(q["speaker"] == "Tor Halvorsen" for q in api["quotes"]), api)
        self.assertEqual(p.eval("document.getElementById('tab-quotes').getAttribute('aria-selected')"), "true")

    def test_timeline_drag_sets_dates(self):
        p = self.open("?q=minister OR court OR storm")
        hits = self.wait_results(p)
        p.wait("document.querySelectorAll('#timeline .bar').length > 3")
        x, y, w, h = p.center("#timeline svg")
        before = p.eval("document.getElementById('status').textContent")
        p.drag(x - w / 2 + 2, y, x + w * 0.1, y)
        p.wait("new URLSearchParams(location.search).get('since')", what="since in the URL")
        q = query_of(p.url())
        self.assertLessEqual(q["since"], q["until"])
        hits2 = self.wait_results(p)
        self.assertNotEqual(before, p.eval("document.getElementById('status').textContent"))
        for hit in hits2:
            date = hit["meta"][:10]
            self.assertTrue(q["since"] <= date <= q["until"], (date, q))
        self.assertLess(len(hits2), len(hits) + 1)
        api = get_json(self.d, "/api/search?" + urllib.parse.urlencode(
            {"q": q["q"], "since": q["since"], "until": q["until"]}))
        self.assertEqual(len(hits2), len(api["hits"]))

    def test_keyboard(self):
        p = self.open()
        p.key("/")
        self.assertEqual(p.eval("document.activeElement.id"), "q")
        p.type_text("antwerp")
        p.key("Enter")
        self.wait_results(p)
        self.assertEqual(query_of(p.url()), {"q": "antwerp"})
        # Tab to the first chip, Enter applies it.
        for _ in range(60):
            p.key("Tab")
            if p.eval("document.activeElement.classList.contains('chip')"):
                break
        name = p.eval("document.activeElement.textContent")
        self.assertTrue(name)
        p.key("Enter")
        p.wait("location.search.includes(%s)" % json.dumps(urllib.parse.quote_plus(name)))

    def test_phone_width(self):
        p = self.open("?q=minister", width=390, height=844, mobile=True)
        self.wait_results(p)
        self.assertLessEqual(p.eval("document.documentElement.scrollWidth"), 390)
        self.assertTrue(p.eval("document.getElementById('facets').getBoundingClientRect().top >"
                               " document.getElementById('hits').getBoundingClientRect().top"))
        self.shot(p, "page-phone.png")

    def test_map_view(self):
        p = self.open("?q=minister&view=map")
        self.wait_results(p)
        p.wait("document.querySelector('#map-box svg')")
        self.assertEqual(query_of(p.url()).get("view"), "map")
        api = get_json(self.d, "/api/search?q=minister&facets=1")
        placed = [n for n, _ in api["facets"]["locations"] if n in api.get("places", {})]
        self.assertEqual(p.eval("document.querySelectorAll('#map-box .dot').length"), len(placed))
        self.shot(p, "page-map.png")


class Hostile(PageCase):
    def test_a_hostile_article_runs_nothing(self):
        p = self.open("?q=zqhostilex")
        hits = self.wait_results(p)
        self.assertEqual([h["title"] for h in hits], [HOSTILE_TITLE])
        for sel in ("#hits", "#facets", "#timeline"):
            self.assertEqual(p.eval("document.querySelectorAll('%s script, %s img, %s iframe, %s svg [onload]').length"
                                    % (sel, sel, sel, sel)), 0, sel)
        p.click("#hits .hit h3 a")
        p.wait("document.getElementById('article-title')")
        p.wait("document.querySelectorAll('#article .similar li').length > 0 &&"
               " !/Looking/.test(document.querySelector('#article .similar').textContent)")
        self.assertEqual(p.eval("document.getElementById('article-title').textContent"), HOSTILE_TITLE)
        text = p.eval("document.querySelector('#article .body').textContent")
        self.assertIn(HOSTILE_QUOTE, text)
        self.assertEqual(p.eval("document.querySelectorAll('#article script, #article img, #article iframe,"
                                " #article b').length"), 0)
        # No link to a javascript: URL.
        self.assertEqual(p.eval("Array.from(document.querySelectorAll('a')).filter(a =>"
                                " /^javascript:/i.test(a.getAttribute('href') || '')).length"), 0)
        # The article view marks quotations from the article's "quotes"
        # field (offsets in characters) once the API gives them: here the
        # stored article with that field added, drawn by the page's code.
        article = get_json(self.d, "/api/article/" + urllib.parse.quote(HOSTILE["id"], safe=""))
        start = article["body"].index(HOSTILE_QUOTE)
        chars = len(article["body"][:start])
        article["quotes"] = [{"speaker": "Ola Nordmann <img src=x onerror=\"window.__pwned='sp'\">",
                              "text": HOSTILE_QUOTE, "start": chars, "end": chars + len(HOSTILE_QUOTE)}]
        got = p.eval("(() => { const nodes = bodyNodes(%s, %s, ['nordmann']);"
                     " const box = document.createElement('div'); box.append(...nodes);"
                     " document.body.append(box);"
                     " const q = box.querySelector('q.quoted');"
                     " return {quote: q && q.textContent, tag: box.querySelector('.speaker-tag').textContent,"
                     " marks: Array.from(box.querySelectorAll('mark')).map(m => m.textContent),"
                     " bad: box.querySelectorAll('img, script, iframe').length}; })()"
                     % (json.dumps(article["body"]), json.dumps(article["quotes"])))
        self.assertEqual(got["quote"], HOSTILE_QUOTE)
        self.assertEqual(got["tag"], article["quotes"][0]["speaker"])
        self.assertEqual(got["bad"], 0)
        self.assertIn("Nordmann", got["marks"])
        p.b.pump(0.3)       # any error handler would have fired by now


@unittest.skipUnless(os.path.isdir(REUTERS), "no ../shared/corpus/reuters21578")
class Reuters(PageCase):
    ARTICLES = 3000

    @classmethod
    def load(cls, db):
        out = os.path.join(os.path.dirname(db), "reuters")
        subprocess.run(["/usr/bin/python3", os.path.join(SHARED, "bench", "reuters.py"), REUTERS, out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "docs.jsonl")) as f:
            arts = [json.loads(next(f)) for _ in range(cls.ARTICLES)]
        import_jsonl(db, arts)

    def test_reuters(self):
        p = self.open()
        hits = self.search(p, "coffee prices")
        self.assertEqual(len(hits), 10)
        unit = p.wait("document.getElementById('timeline-unit').textContent")
        self.assertRegex(unit, r"^by (day|week|month)")
        place = p.eval("document.querySelector('#facets .facet.location .facet-name').textContent")
        p.click("#facets .facet.location")
        p.wait("new URLSearchParams(location.search).get('location') === %s" % json.dumps(place))
        hits2 = self.wait_results(p)
        self.assertTrue(hits2)
        api = get_json(self.d, "/api/search?" + urllib.parse.urlencode(
            {"q": "coffee prices", "location": place, "facets": 1, "histogram": 1}))
        self.assertEqual([h["title"] for h in hits2], [h["title"] for h in api["hits"]])
        status = p.eval("document.getElementById('status').textContent").replace(",", "")
        self.assertIn("of %d" % api["total"], status)
        self.assertEqual("about" in status, not api["total_exact"], status)
        # A relaxed answer says how many articles have every word.
        hits3 = self.search(p, "coffee prices zqxwvy")
        api = get_json(self.d, "/api/search?" + urllib.parse.urlencode({"q": "coffee prices zqxwvy"}))
        self.assertTrue(api["relaxed"], api)
        self.assertEqual(api["total_strict"], 0)
        self.assertTrue(hits3)
        note = p.eval("document.querySelector('#status .note.relaxed').textContent")
        self.assertTrue(note.startswith("No article has every word"), note)
        self.assertTrue(all("partial" in h["meta"] for h in hits3), hits3)
        hits3 = self.search(p, "coffee prices")
        # The second page.
        if api["more"]:
            p.click("#pager a[aria-label='Next page']")
            p.wait("new URLSearchParams(location.search).get('page') === '2'")
            self.wait_results(p)
        p.click("#hits .hit h3 a")
        p.wait("document.getElementById('article-title')")
        self.shot(p, "page-reuters.png")


if __name__ == "__main__":
    tap.main()
