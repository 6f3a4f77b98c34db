"""The sample articles against their human annotation
(tests/examples-expected.jsonl): parsed fields, and what extraction
finds and must not find."""
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


if __name__ == "__main__":
    tap.main()
