"""corpus.py - Reuters-21578 from ../shared as the tests read it.

../shared/bench/reuters.py converts the SGML files into a folder of one
JSON article a line (docs.jsonl).  The tests that index the corpus all
start from that file, made by reuters_jsonl(); have_reuters() says
whether ../shared holds the corpus and its converter (the tests skip
without them)."""
import os
import subprocess
import sys

SRC = os.environ.get("SRCDIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARED = os.path.join(SRC, "..", "shared")
REUTERS = os.path.join(SHARED, "corpus", "reuters21578")
CONVERT = os.path.join(SHARED, "bench", "reuters.py")


def have_reuters():
    return os.path.isdir(REUTERS) and os.path.isfile(CONVERT)


def reuters_jsonl(folder, articles=None):
    """Converts Reuters-21578 into folder/reuters and returns the path of
    its docs.jsonl; with articles, of folder/reuters-N.jsonl, which holds
    the first N articles alone.  Raises when the converter fails."""
    out = os.path.join(folder, "reuters")
    p = subprocess.run([sys.executable, CONVERT, REUTERS, out], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (CONVERT, p.returncode, p.stderr))
    docs = os.path.join(out, "docs.jsonl")
    if articles is None:
        return docs
    first = os.path.join(folder, "reuters-%d.jsonl" % articles)
    with open(docs) as src, open(first, "w") as dst:
        for i, line in enumerate(src):
            if i >= articles:
                break
            dst.write(line)
    return first
