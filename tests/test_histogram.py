"""The date histogram of a search (newsq --histogram, the protocol's
"histogram": true): the whole match set counted by day, week, month or
year as its span calls for, empty buckets kept, undated matches counted
apart; the same answer directly and through the daemon."""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import shutil
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from daemon import NEWSIDX, NEWSQ, DaemonCase, environment  # noqa: E402


def art(i, date, word):
    a = {"id": "h-%d" % i, "title": "Report %d" % i,
         "body": "OSLO (NW) - The %s report number zq%dx was read on the day." % (word, i)}
    if date:
        a["date"] = date
    return a


# word -> dates of its articles; each word's span picks a unit.
SETS = {
    "daily": ["2025-03-03", "2025-03-03", "2025-03-05", "2025-03-20"],
    "weekly": ["2024-01-03", "2024-06-17", "2024-06-18", "2024-06-23", "2025-05-30"],
    "monthly": ["2001-01-31", "2001-02-01", "2010-12-31", "2011-01-01"],
    "yearly": ["1950-07-01", "2020-01-01", "2020-12-31"],
}


def expected(dates, unit):
    days = [datetime.date.fromisoformat(d) for d in dates]

    def start(d):
        if unit == "day":
            return d
        if unit == "week":
            return d - datetime.timedelta(days=d.weekday())
        if unit == "month":
            return d.replace(day=1)
        return d.replace(month=1, day=1)

    counts = {}
    for d in days:
        counts[start(d)] = counts.get(start(d), 0) + 1
    return counts


class Histogram(DaemonCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="newsidx-hist.")
        cls.db = os.path.join(cls.home, "db")
        arts = []
        for word, dates in SETS.items():
            for d in dates:
                arts.append(art(len(arts), d, word))
        arts.append(art(len(arts), None, "weekly"))     # undated
        path = os.path.join(cls.home, "a.jsonl")
        with open(path, "w") as f:
            for a in arts:
                f.write(json.dumps(a) + "\n")
        p = subprocess.run([NEWSIDX, "--db", cls.db, "add", "--quiet", path], capture_output=True,
                           text=True, env=environment())
        assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, True)

    def newsq(self, *args, sock=None):
        where = ["--socket", sock] if sock else ["--db", self.db]
        p = subprocess.run([NEWSQ] + where + ["--json", "--histogram"] + list(args),
                           capture_output=True, text=True, env=environment())
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def check(self, word, unit):
        r = self.newsq(word)
        h = r["histogram"]
        self.assertEqual(h["unit"], unit, word)
        got = {datetime.date.fromisoformat(s): n for s, n in h["buckets"]}
        want = expected(SETS[word], unit)
        self.assertEqual({d: n for d, n in got.items() if n}, want, word)
        # Every bucket from the first to the last, one unit apart.
        starts = [datetime.date.fromisoformat(s) for s, _ in h["buckets"]]
        self.assertEqual(starts[0], min(want))
        self.assertEqual(starts[-1], max(want))
        for a, b in zip(starts, starts[1:]):
            if unit == "day":
                self.assertEqual((b - a).days, 1)
            elif unit == "week":
                self.assertEqual((b - a).days, 7)
                self.assertEqual(a.weekday(), 0)
            elif unit == "month":
                self.assertEqual((b.year * 12 + b.month) - (a.year * 12 + a.month), 1)
                self.assertEqual(a.day, 1)
            else:
                self.assertEqual((b.year - a.year, a.month, a.day), (1, 1, 1))
        self.assertEqual(sum(got.values()) + h["undated"], r["total"])
        return r

    def test_days(self):
        r = self.check("daily", "day")
        self.assertEqual(len(r["histogram"]["buckets"]), 18)   # 3 to 20 March

    def test_weeks_and_undated(self):
        r = self.check("weekly", "week")
        self.assertEqual(r["histogram"]["undated"], 1)

    def test_months(self):
        self.check("monthly", "month")

    def test_years(self):
        self.check("yearly", "year")

    def test_filters_and_page_do_not_change_it(self):
        r = self.newsq("weekly", "--since", "2024-06-01", "--until", "2024-06-30", "--limit", "1")
        self.assertEqual(r["histogram"]["unit"], "day")
        self.assertEqual(sum(n for _, n in r["histogram"]["buckets"]), 3)
        self.assertEqual(len(r["hits"]), 1)

    def test_without_the_flag_there_is_none(self):
        p = subprocess.run([NEWSQ, "--db", self.db, "--json", "weekly"], capture_output=True,
                           text=True, env=environment())
        self.assertNotIn("histogram", json.loads(p.stdout))

    def test_no_match(self):
        r = self.newsq("nothingatall")
        self.assertEqual(r["histogram"], {"unit": "day", "buckets": [], "undated": 0})

    def test_through_the_daemon(self):
        d = self.daemon(db=self.db)
        for word in SETS:
            self.assertEqual(self.newsq(word, sock=d.sock)["histogram"], self.newsq(word)["histogram"])
        with d.client() as c:
            r = c.call("search", [{"q": "monthly", "histogram": True}])
        self.assertEqual(r["histogram"]["unit"], "month")
        p = subprocess.run([NEWSQ, "--socket", d.sock, "--histogram", "daily"], capture_output=True,
                           text=True, env=environment())
        self.assertIn("by day: 2025-03-03 (2)", p.stdout)


if __name__ == "__main__":
    tap.main()
