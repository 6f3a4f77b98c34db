#!/usr/bin/env python3
"""Import speed of the agency XML readers against JSON Lines, on the same
articles.

usage: bench/formats.py [--build DIR] [--out DIR] [--rounds N] [--articles N]
                        [--write-doc doc/performance.md]

Takes Reuters-21578 (converted by ../shared/bench/reuters.py) and writes
the same articles three ways: JSON Lines (one file), NewsML-G2 (a
newsMessage of 500 newsItems per file, the text as XHTML in inlineXML)
and NITF (one document per article, the text in body.content).  Each is
imported with `newsidx add --quiet` into a new database, the three in
turn in each round; wall time and CPU time (user + system, of newsidx
and its threads) are taken with /usr/bin/time.  Prints the medians and
the ratios XML / JSON Lines; the target is at most 1.20.
--write-doc writes the table between the "formats benchmark" markers.
"""
import argparse
import html
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SHARED = os.environ.get("SHARED", os.path.join(TOP, "..", "shared"))


def articles(out, limit):
    conv = os.path.join(SHARED, "bench", "reuters.py")
    corpus = os.path.join(SHARED, "corpus", "reuters21578")
    if not (os.path.exists(conv) and os.path.isdir(corpus)):
        print("formats.py: needs ../shared (Reuters-21578 and bench/reuters.py)", file=sys.stderr)
        sys.exit(77)
    src = os.path.join(out, "reuters")
    if not os.path.exists(os.path.join(src, "docs.jsonl")):
        subprocess.run([sys.executable, conv, corpus, src], check=True,
                       stdout=subprocess.DEVNULL)
    docs = []
    with open(os.path.join(src, "docs.jsonl")) as f:
        for line in f:
            docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


def paragraphs(body):
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def g2_item(d):
    e = html.escape
    date = d.get("date")
    when = "<versionCreated>%sT12:00:00Z</versionCreated>" % date if date else ""
    paras = "".join("<p>%s</p>" % e(p) for p in paragraphs(d["body"]))
    return ('<newsItem guid="%s" version="1" xml:lang="en"><itemMeta>'
            '<itemClass qcode="ninat:text"/>%s</itemMeta><contentMeta><headline>%s</headline>'
            '%s</contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml">'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body>%s</body></html>'
            '</inlineXML></contentSet></newsItem>\n') % (
                e(d["id"], True), when, e(d.get("title") or ""),
                "<dateline>%s</dateline>" % e(d["dateline"]) if d.get("dateline") else "",
                paras)


def nitf_doc(d):
    e = html.escape
    date = d.get("date")
    issue = '<date.issue norm="%sT120000Z"/>' % date.replace("-", "") if date else ""
    paras = "".join("<p>%s</p>" % e(p) for p in paragraphs(d["body"]))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<nitf><head><docdata>'
            '<doc-id id-string="%s"/>%s</docdata></head><body><body.head><hedline><hl1>%s'
            '</hl1></hedline>%s</body.head><body.content>%s</body.content></body></nitf>\n') % (
                e(d["id"], True), issue, e(d.get("title") or ""),
                "<dateline><location>%s</location></dateline>" % e(d["dateline"])
                if d.get("dateline") else "", paras)


def write_sets(out, docs):
    sets = {}
    j = os.path.join(out, "jsonl")
    os.makedirs(j, exist_ok=True)
    with open(os.path.join(j, "docs.jsonl"), "w") as f:
        for d in docs:
            f.write(json.dumps({k: d[k] for k in ("id", "title", "date", "dateline", "body")
                                if d.get(k)}) + "\n")
    sets["jsonl"] = j
    g = os.path.join(out, "newsml-g2")
    os.makedirs(g, exist_ok=True)
    for n in range(0, len(docs), 500):
        with open(os.path.join(g, "msg-%05d.xml" % n), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage '
                    'xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>\n')
            for d in docs[n:n + 500]:
                f.write(g2_item(d))
            f.write("</itemSet></newsMessage>\n")
    sets["newsml-g2"] = g
    x = os.path.join(out, "nitf")
    os.makedirs(x, exist_ok=True)
    for i, d in enumerate(docs):
        with open(os.path.join(x, "%06d.xml" % i), "w") as f:
            f.write(nitf_doc(d))
    sets["nitf"] = x
    return sets


def run(build, path, workdir):
    db = os.path.join(workdir, "db")
    shutil.rmtree(db, ignore_errors=True)
    tf = os.path.join(workdir, "time")
    cmd = ["/usr/bin/time", "-f", "%e %U %S", "-o", tf, os.path.join(build, "newsidx"),
           "--db", db, "add", "--quiet", path]
    env = dict(os.environ, NEWSIDX_CONFIG="/dev/null")
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit("newsidx add %s failed: %s" % (path, p.stderr[-500:]))
    wall, user, sys_ = (float(v) for v in open(tf).read().split()[-3:])
    docs = json.loads(subprocess.run([os.path.join(build, "newsidx"), "--db", db, "stats",
                                      "--json"], env=env, capture_output=True,
                                     text=True).stdout)["documents"]
    return wall, user + sys_, docs


def table(results, n):
    base_w = statistics.median(results["jsonl"]["wall"])
    base_c = statistics.median(results["jsonl"]["cpu"])
    lines = ["| input (%d articles) | wall s | CPU s | wall / JSONL | CPU / JSONL |" % n,
             "|---|---|---|---|---|"]
    for name, r in results.items():
        w = statistics.median(r["wall"])
        c = statistics.median(r["cpu"])
        lines.append("| %s | %.2f | %.2f | %.2f | %.2f |" % (name, w, c, w / base_w, c / base_c))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--articles", type=int, default=0)
    ap.add_argument("--write-doc")
    a = ap.parse_args()
    out = a.out or os.path.join(a.build, "bench-out", "formats")
    os.makedirs(out, exist_ok=True)
    docs = articles(out, a.articles)
    sets = write_sets(out, docs)
    results = {k: {"wall": [], "cpu": []} for k in sets}
    with tempfile.TemporaryDirectory() as work:
        for r in range(a.rounds):
            for name, path in sets.items():
                wall, cpu, n = run(a.build, path, work)
                if n != len(docs):
                    sys.exit("%s: %d documents indexed, want %d" % (name, n, len(docs)))
                results[name]["wall"].append(wall)
                results[name]["cpu"].append(cpu)
                print("round %d %-10s wall %.2f s cpu %.2f s" % (r + 1, name, wall, cpu),
                      flush=True)
    t = table(results, len(docs))
    print(t)
    load = os.getloadavg()[0]
    print("load average at the end: %.1f" % load)
    if a.write_doc:
        doc = open(a.write_doc).read()
        start, end = "<!-- formats benchmark -->", "<!-- /formats benchmark -->"
        block = "%s\n%s\n\nMedians of %d rounds; load average %.1f at the end.\n%s" % (
            start, t, a.rounds, load, end)
        if start in doc:
            doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
        else:
            doc += "\n" + block + "\n"
        open(a.write_doc, "w").write(doc)


if __name__ == "__main__":
    main()
