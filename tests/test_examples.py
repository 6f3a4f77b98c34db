"""The sample articles against their human annotation
(tests/examples-expected.jsonl): parsed fields, and what extraction
finds and must not find.  Names are compared as strings, exactly."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402

BUILD = os.environ.get("BUILDDIR", ".")
SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), ".."))


def extract():
    p = subprocess.run([os.path.join(BUILD, "newsidx"), "extract", "--json",
                        os.path.join(SRC, "examples", "articles")],
                       capture_output=True, text=True)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr


class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rc, cls.got, cls.err = extract()
        cls.exp = [json.loads(l) for l in open(os.path.join(SRC, "tests", "examples-expected.jsonl"))]
        cls.by_title = {g["title"]: g for g in cls.got}

    def test_all_parse(self):
        self.assertEqual(self.rc, 0, self.err)
        self.assertEqual(len(self.got), 12)

    def test_titles_dates_datelines(self):
        for e in self.exp:
            g = self.by_title.get(e["title"])
            self.assertIsNotNone(g, "%s: title %r not produced" % (e["file"], e["title"]))
            self.assertEqual(g["date"], e["date"], e["file"])
            self.assertEqual(g["dateline"], e["dateline"], e["file"])

    def test_ids_unique(self):
        ids = [g["id"] for g in self.got]
        self.assertEqual(len(ids), len(set(ids)))

    def produced(self, e):
        g = self.by_title.get(e["title"])
        self.assertIsNotNone(g, "%s: title %r not produced" % (e["file"], e["title"]))
        return g

    def test_nothing_annotated_as_wrong(self):
        wrong = []
        for e in self.exp:
            g = self.produced(e)
            for field in ("speakers", "locations"):
                for name in e["not_" + field]:
                    if name in (g[field] or []):
                        wrong.append("%s: %s %r" % (e["file"], field, name))
        self.assertEqual(wrong, [], "found although annotated as not: " + "; ".join(wrong))

    def test_dateline_place_first(self):
        for e in self.exp:
            if not e["dateline"]:
                continue
            place = e["dateline"].split(",")[0].split("(")[0].strip()
            g = self.produced(e)
            self.assertTrue(g["locations"], "%s: no locations" % e["file"])
            self.assertEqual(g["locations"][0].casefold(), place.casefold(),
                             "%s: %r first, not the dateline's %r" % (e["file"], g["locations"][0], place))

    def micro(self, field):
        """Micro-averaged precision and recall over all samples, and the
        misses and extras, for the message."""
        tp = fp = fn = 0
        diffs = []
        for e in self.exp:
            got, want = set(self.produced(e)[field] or []), set(e[field])
            tp += len(got & want)
            fp += len(got - want)
            fn += len(want - got)
            if got != want:
                diffs.append("%s: extra %s, missing %s" % (e["file"], sorted(got - want), sorted(want - got)))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        msg = "%s P=%.3f R=%.3f (tp %d, fp %d, fn %d)" % (field, p, r, tp, fp, fn)
        print("# " + msg, flush=True)
        return p, r, msg + ("; " + "; ".join(diffs) if diffs else "")

    def test_speakers_precision_recall(self):
        p, r, msg = self.micro("speakers")
        self.assertTrue(p >= 0.9 and r >= 0.9, msg)

    def test_locations_precision_recall(self):
        p, r, msg = self.micro("locations")
        self.assertTrue(p >= 0.9 and r >= 0.9, msg)


if __name__ == "__main__":
    tap.main()
