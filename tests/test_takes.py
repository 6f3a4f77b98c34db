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
import unittest

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


@unittest.skipUnless(os.path.isdir(WIRE), "no ../shared/corpus/wire")
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
        stats = d.stats()
        self.assertEqual(stats["documents"], 2)
        # both stories joined, the first one's take stored alone before
        self.assertEqual(stats["wire_parts"], {"joined": 2, "absorbed": 1,
                                               "across_midnight": 0})


@unittest.skipUnless(os.path.isdir(WIRE), "no ../shared/corpus/wire")
class WriteThrus(DaemonCase):
    """A write-through sent after midnight GMT has the next day in its id
    (ANPA-1312 ids hold the day the trailer gives): it must still replace
    the story it updates, in either order; a first version of the next
    day under the same slug (a daily story) must not."""
    EXTRA = b"This paragraph was added by the write-through."

    def setUp(self):
        super().setUp()
        with open(os.path.join(WIRE, "anpa-1312", "anpa-1.tst"), "rb") as f:
            self.story = f.read()           # sent 11-13-13 1509GMT, version 0
        self.sid = "anpa:2013-11-13:BC-LT--Argentina-CancerB"
        self.next_sid = "anpa:2013-11-14:BC-LT--Argentina-CancerB"

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def version(self, version, sent):
        return self.file("v-%s-%s" % (version.decode(), sent.decode().replace(" ", "-")),
                         wiresplit.version_anpa(self.story, version, sent, self.EXTRA))

    def imports(self, *paths):
        db = os.path.join(self.tmp, "db-%d" % len(os.listdir(self.tmp)))
        out = ""
        for path in paths:
            p = run([NEWSIDX, "--db", db, "add", path])
            self.assertEqual(p.returncode, 0, p.stderr)
            out += p.stderr
        return db, out

    def ids(self, db):
        p = run([NEWSQ, "--db", db, "--json", "--all-versions", "Argentina"])
        self.assertEqual(p.returncode, 0, p.stderr)
        return sorted(h["id"] for h in json.loads(p.stdout)["hits"])

    def body(self, db, ident):
        p = run([NEWSIDX, "--db", db, "get", "--json", ident])
        self.assertEqual(p.returncode, 0, p.stderr)
        a = json.loads(p.stdout)
        return a["version"], a["body"]

    def test_a_write_through_after_midnight_replaces_its_story(self):
        story = self.file("story.tst", self.story)
        thru = self.version(b"1stLd-Writethru", b"11-14-13 0030")
        db, out = self.imports(story, thru)
        self.assertEqual(self.ids(db), [self.sid])
        version, body = self.body(db, self.sid)
        self.assertEqual(version, "1")
        self.assertTrue(body.endswith(self.EXTRA.decode()), body[-200:])
        self.assertIn("1 wire versions sent across midnight GMT took the id of the story "
                      "they update", out)

    def test_a_story_arriving_after_its_write_through_is_not_written_over_it(self):
        story = self.file("story.tst", self.story)
        thru = self.version(b"1stLd-Writethru", b"11-14-13 0030")
        db, out = self.imports(thru, story)
        self.assertEqual(self.ids(db), [self.next_sid])
        version, body = self.body(db, self.next_sid)
        self.assertEqual(version, "1")
        self.assertTrue(body.endswith(self.EXTRA.decode()))
        self.assertIn("1 articles not written: the index holds a newer version", out)

    def test_the_next_days_first_version_and_a_late_write_through_stand_apart(self):
        story = self.file("story.tst", self.story)
        daily = self.version(b"", b"11-14-13 0030")
        db, _ = self.imports(story, daily)
        self.assertEqual(self.ids(db), [self.sid, self.next_sid])
        # sent more than a day after the story
        late = self.version(b"1stLd-Writethru", b"11-14-13 1600")
        db, _ = self.imports(story, late)
        self.assertEqual(self.ids(db), [self.sid, self.next_sid])

    def documents(self, db):
        p = run([NEWSIDX, "--db", db, "stats"])
        line = [x for x in p.stdout.splitlines() if x.startswith("documents:")][0]
        return int(line.split()[1])

    def take_sent(self, sent):
        story, take = wiresplit.split_anpa(self.story)
        # the take's last paragraph: a line opening with a tab
        last = [x for x in take.split(b"\n") if x.startswith(b"\t") and
                len(x.strip()) > 20 and b"\x03" not in x][-1].strip().decode()
        return (self.file("story.tst", story),
                self.file("take-%s" % sent.decode().replace(" ", "-"),
                          wiresplit.resent_anpa(take, sent)), last)

    def test_a_take_sent_after_midnight_joins_its_story_in_either_order(self):
        story, take, last = self.take_sent(b"11-14-13 0030")
        for order in ((story, take), (take, story)):
            db, _ = self.imports(*order)
            self.assertEqual(self.documents(db), 1, order)
            version, body = self.body(db, self.sid)
            self.assertIn(last, body)

    def test_a_take_sent_more_than_a_day_later_stays_alone(self):
        story, take, last = self.take_sent(b"11-14-13 1600")
        for order in ((story, take), (take, story)):
            db, _ = self.imports(*order)
            self.assertEqual(self.documents(db), 2, order)
            version, body = self.body(db, self.sid)
            self.assertNotIn(last, body)


if __name__ == "__main__":
    tap.main()
