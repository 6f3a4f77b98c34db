"""Stories sent in parts: an ANPA-1312 or IPTC 7901 take arriving alone,
in a file and an import of its own, is joined to its story when the story
is stored, and the story to its takes stored before it, through newsidx
add (separate imports, and one bulk import of a folder), the daemon's add
and its spool.  The files are the real samples of ../shared/corpus/wire/
split in two (wiresplit.py): the joined story must be the unsplit
sample's article, word for word, with the same speakers."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
import wiresplit  # noqa: E402
from daemon import NEWSIDX, NEWSQ, DaemonCase, environment, wait_until  # noqa: E402

WIRE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                    "corpus", "wire")
SAMPLES = [("anpa-1312/anpa-1.tst", wiresplit.split_anpa),
           ("anpa-1312/anpa-2.tst", wiresplit.split_anpa),
           ("anpa-1312/ap_anpa-1.tst", wiresplit.split_anpa),
           ("iptc-7901/IPTC7901.txt", wiresplit.split_7901),
           ("iptc-7901/dpa_four_line.txt", wiresplit.split_7901)]
SHOWN = ("id", "title", "date", "dateline", "byline", "version", "body", "speakers",
         "locations")


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, env=environment(),
                       stdin=subprocess.DEVNULL)
    return p


class Takes(DaemonCase):

    def setUp(self):
        super().setUp()
        self.files = []
        for rel, split in SAMPLES:
            with open(os.path.join(WIRE, rel), "rb") as f:
                story, take = split(f.read())
            base = os.path.join(self.tmp, os.path.basename(rel))
            paths = {"story": base + ".story", "take": base + ".take",
                     "whole": os.path.join(WIRE, rel)}
            for kind, data in (("story", story), ("take", take)):
                with open(paths[kind], "wb") as f:
                    f.write(data)
            self.files.append(paths)

    def add(self, db, *paths, fmt=None):
        argv = [NEWSIDX, "--db", db, "add", "--quiet"] + (["--format", fmt] if fmt else [])
        p = run(argv + list(paths))
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stderr

    def get(self, db, ident):
        p = run([NEWSIDX, "--db", db, "get", "--json", ident])
        if p.returncode != 0:
            return None
        a = json.loads(p.stdout)
        return {k: a.get(k) for k in SHOWN}

    def documents(self, db):
        p = run([NEWSIDX, "--db", db, "stats"])
        line = [x for x in p.stdout.splitlines() if x.startswith("documents:")][0]
        return int(line.split()[1])

    def whole(self, paths, name):
        """The unsplit sample, as the index keeps it."""
        db = os.path.join(self.tmp, "whole-" + name)
        self.add(db, paths["whole"])
        p = run([NEWSIDX, "--db", db, "get", "--json", self.story_id(paths)])
        self.assertEqual(p.returncode, 0, p.stderr)
        a = json.loads(p.stdout)
        return {k: a.get(k) for k in SHOWN}

    def story_id(self, paths):
        p = run([NEWSIDX, "extract", "--json", paths["whole"]])
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout.splitlines()[0])["id"]

    def search_ids(self, db, query):
        p = run([NEWSQ, "--db", db, "--json", "--all-versions", query])
        self.assertEqual(p.returncode, 0, p.stderr)
        return [h["id"] for h in json.loads(p.stdout)["hits"]]

    def test_separate_imports_in_both_orders(self):
        for n, paths in enumerate(self.files):
            name = os.path.basename(paths["whole"])
            want = self.whole(paths, str(n))
            sid = want["id"]
            for order in (("story", "take"), ("take", "story")):
                with self.subTest(sample=name, order=order):
                    db = os.path.join(self.tmp, "db-%d-%s" % (n, order[0]))
                    self.add(db, paths[order[0]])
                    if order[0] == "take":
                        # Alone, the take is an article of its own,
                        # searchable by its words.
                        alone = self.get(db, sid + "/part-2")
                        self.assertIsNotNone(alone)
                        self.assertNotEqual(alone["body"], want["body"])
                        self.assertTrue(want["body"].endswith(alone["body"]))
                        self.assertIsNone(self.get(db, sid))
                    out = self.add(db, paths[order[1]])
                    got = self.get(db, sid)
                    self.assertEqual(got, want)
                    self.assertIsNone(self.get(db, sid + "/part-2"))
                    self.assertEqual(self.documents(db), 1)
                    # A take again changes nothing: the same record.
                    self.add(db, paths["take"])
                    self.assertEqual(self.get(db, sid), want)
                    self.assertEqual(self.documents(db), 1)
                    del out

    def test_the_import_says_what_it_joined(self):
        paths = self.files[1]
        db = os.path.join(self.tmp, "db")
        self.add(db, paths["take"])
        p = run([NEWSIDX, "--db", db, "add", paths["story"]])
        self.assertIn("1 stories joined with their parts (takes, adds) sent apart; "
                      "1 parts indexed alone before are now in their story", p.stderr)

    def test_a_take_alone_is_searchable_then_found_in_its_story(self):
        paths = self.files[1]           # AP's ethanol story
        sid = self.story_id(paths)
        db = os.path.join(self.tmp, "db")
        self.add(db, paths["take"])
        # "Lautt" is only in the story's second half.
        self.assertEqual(self.search_ids(db, "Lautt"), [sid + "/part-2"])
        self.add(db, paths["story"])
        self.assertEqual(self.search_ids(db, "Lautt"), [sid])
        self.assertEqual(self.search_ids(db, "Malsam"), [sid])

    def test_one_import_of_a_folder_with_the_takes_first(self):
        folder = os.path.join(self.tmp, "in")
        os.mkdir(folder)
        want = {}
        for n, paths in enumerate(self.files):
            want[n] = self.whole(paths, str(n))
            for kind, prefix in (("take", "a"), ("story", "b")):
                os.symlink(paths[kind], os.path.join(folder, "%s-%d.%s" % (prefix, n, kind)))
        db = os.path.join(self.tmp, "db")
        self.add(db, folder, fmt=None)
        for n in want:
            self.assertEqual(self.get(db, want[n]["id"]), want[n])
        self.assertEqual(self.documents(db), len(self.files))

    def test_daemon_add_and_spool(self):
        spool = os.path.join(self.tmp, "spool")
        os.makedirs(spool)
        d = self.daemon("[daemon]\nworkers = 2\ncommit_interval = 20ms\nspool = %s\n" % spool)
        # Through the daemon's add: the take, then its story.
        first, second = self.files[1], self.files[3]
        want1, want2 = self.whole(first, "1"), self.whole(second, "2")
        for kind in ("take", "story"):
            p = run([NEWSIDX, "--socket", d.sock, "add", "--quiet", first[kind]])
            self.assertEqual(p.returncode, 0, p.stderr)
        with d.client() as c:
            got = c.call("get", [want1["id"]])
            self.assertEqual({k: got.get(k) for k in SHOWN}, want1)
            self.assertEqual(c.error_of("get", [want1["id"] + "/part-2"]), "not_found")
        # Through the spool: the story, then its take.
        for kind in ("story", "take"):
            name = "%s.%s" % (os.path.basename(second["whole"]), kind)
            with open(second[kind], "rb") as f, open(os.path.join(spool, name), "wb") as o:
                o.write(f.read())
            wait_until(lambda: os.path.exists(os.path.join(spool, "done", name)), 15.0,
                       what=name + " to be imported")

        def joined():
            with d.client() as c:
                got = c.call("get", [want2["id"]])
            return {k: got.get(k) for k in SHOWN} == want2
        wait_until(joined, 15.0, what="the spool's take to be joined")
        self.assertEqual(d.stats()["documents"], 2)


if __name__ == "__main__":
    tap.main()
