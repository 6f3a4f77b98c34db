"""The test harness itself: tests/tap.py must report every failure, a
failing subTest included, so that make check fails.  Each case writes a
small unittest module, runs it through tap.main() and through automake's
TAP driver (build-aux/tap-driver.sh, as make check does), and reads
what they report."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tap  # noqa: E402

SRC = os.environ.get("SRCDIR", os.path.join(HERE, ".."))
DRIVER = os.path.join(SRC, "build-aux", "tap-driver.sh")

HEADER = """\
import sys
import unittest
sys.path.insert(0, %r)
import tap


class Cases(unittest.TestCase):
""" % HERE

FOOTER = """

if __name__ == "__main__":
    tap.main()
"""

SUBTEST_FAILS = """\
def test_plain(self):
    pass

def test_subtests(self):
    for i in range(3):
        with self.subTest(i=i):
            self.assertNotEqual(i, 1)
"""

SUBTESTS_PASS = """\
def test_subtests(self):
    for i in range(3):
        with self.subTest(i=i):
            self.assertLess(i, 3)
"""

PLAIN_FAILS = """\
def test_fails(self):
    self.assertEqual(1, 2)
"""


class Harness(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="newsidx-tap-")
        self.addCleanup(self.tmp.cleanup)

    def module(self, body):
        path = os.path.join(self.tmp.name, "case.py")
        with open(path, "w") as f:
            f.write(HEADER + textwrap.indent(body, "    ") + FOOTER)
        return path

    def run_tap(self, body):
        """tap.main() over the module: (exit status, TAP lines)."""
        p = subprocess.run([sys.executable, self.module(body)], capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stdout.splitlines()

    def run_driver(self, body):
        """The module under automake's TAP driver: its .trs results."""
        trs = os.path.join(self.tmp.name, "case.trs")
        subprocess.run(["sh", DRIVER, "--test-name", "case.py",
                        "--log-file", os.path.join(self.tmp.name, "case.log"),
                        "--trs-file", trs, "--color-tests", "no",
                        "--enable-hard-errors", "yes", "--expect-failure", "no", "--",
                        sys.executable, self.module(body)],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, AM_TAP_AWK=os.environ.get("AM_TAP_AWK", "awk")))
        with open(trs) as f:
            return f.read().splitlines()

    def test_a_failing_subtest_is_not_ok(self):
        rc, lines = self.run_tap(SUBTEST_FAILS)
        self.assertNotEqual(rc, 0, lines)
        self.assertIn("ok 1 - Cases.test_plain", lines)
        self.assertIn("not ok 2 - Cases.test_subtests (i=1)", lines)
        self.assertEqual(lines[-1], "1..2")
        # the subtests that passed are not counted as the test passing
        self.assertFalse([x for x in lines if x.startswith("ok ") and "test_subtests" in x])

    def assert_run_fails(self, trs):
        # FAIL for the "not ok" line, ERROR for the exit status: make
        # check counts both as failures
        self.assertIn(":test-result: FAIL", trs)
        self.assertIn(trs[0], (":global-test-result: FAIL", ":global-test-result: ERROR"))

    def test_a_failing_subtest_fails_make_check(self):
        self.assert_run_fails(self.run_driver(SUBTEST_FAILS))

    def test_passing_subtests_pass(self):
        rc, lines = self.run_tap(SUBTESTS_PASS)
        self.assertEqual(rc, 0, lines)
        self.assertEqual(lines, ["ok 1 - Cases.test_subtests", "1..1"])
        trs = self.run_driver(SUBTESTS_PASS)
        self.assertEqual(trs[0], ":global-test-result: PASS", trs)

    def test_a_failing_test_fails_make_check(self):
        rc, lines = self.run_tap(PLAIN_FAILS)
        self.assertNotEqual(rc, 0)
        self.assertIn("not ok 1 - Cases.test_fails", lines)
        self.assert_run_fails(self.run_driver(PLAIN_FAILS))


if __name__ == "__main__":
    tap.main()
