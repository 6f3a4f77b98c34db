"""tap.py - run unittest test cases and report them as TAP, one line per
test method, so that the test harness counts each one."""
import sys
import traceback
import unittest


class _Result(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.bad = 0

    def _line(self, test, ok, note=""):
        self.n += 1
        name = test.id().split(".", 1)[-1]
        print(("ok" if ok else "not ok") + " %d - %s%s" % (self.n, name, note), flush=True)

    def addSuccess(self, test):
        self._line(test, True)

    def addFailure(self, test, err):
        self.bad += 1
        self._line(test, False)
        for line in "".join(traceback.format_exception(*err)).splitlines():
            print("# " + line)

    addError = addFailure

    # A failing subTest is reported here, not through addFailure, and the
    # test that holds it then reports neither success nor failure: each
    # failing subtest is a "not ok" line of its own.  (unittest's default
    # only records it in self.failures, which nothing here reads, so the
    # test vanished from the plan and the run passed.)
    def addSubTest(self, test, subtest, err):
        if err is None:
            return
        self.bad += 1
        self._line(subtest, False)
        for line in "".join(traceback.format_exception(*err)).splitlines():
            print("# " + line)

    def addSkip(self, test, reason):
        self._line(test, True, " # SKIP " + reason)

    # unittest.expectedFailure: TAP's TODO, which the harness counts as
    # XFAIL, or as XPASS (an error) once the test passes.
    def addExpectedFailure(self, test, err):
        self._line(test, False, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        self._line(test, True, " # TODO unexpected success")


def main(module="__main__"):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    result = _Result()
    try:
        suite.run(result)
    finally:
        print("1..%d" % result.n)
    sys.exit(1 if result.bad else 0)
