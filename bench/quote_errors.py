#!/usr/bin/env python3
"""quote_errors.py SHARED GOLD PRED [tune|check|dev] [--list KIND] -- the
quotations the shared scorer counts wrong (false positives) or misses
(false negatives) on PolNeAR, sorted into kinds by what the annotation
files hold at the quotation's place.  bench/eval.sh writes GOLD and PRED
(build/eval-out/polnear-dev.{gold,pred}.jsonl); the half is chosen as in
bench/quote_halves.py (default: tune, the half rules are developed on).

A predicted quotation's place is its offsets in the body; the annotation
events (every annotator's) whose Content covers half of it or more tell
what the annotators saw there: nothing (no attribution at all), an
attribution without a source or with a source holding no name (a
pronoun, a description), one whose content has no " or curly double
marks (the gold reads only those), or a named one.  --list KIND prints
each error of that kind with its words.
"""
import hashlib
import json
import os
import re
import sys

sys.dont_write_bytecode = True


def half(doc_id):
    return "tune" if hashlib.md5(doc_id.encode()).digest()[0] % 2 == 0 else "check"


def toks(s):
    return set(re.findall(r"\w+", s.lower().replace("\u2019", "'")))


def overlap(a, b):
    return len(a & b) / max(len(a), len(b), 1)


GOLD_MARKS = re.compile("[\u201c\u201d\"]")


def events(path, txt):
    """Attribution events of one .ann file: dicts with source text (or
    None), content spans [(start, end)], content text, cue text."""
    spans, out = {}, []
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0].startswith("T") and len(f) > 1:
            offs = [tuple(map(int, p.split())) for p in f[1].split(" ", 1)[1].split(";")]
            spans[f[0]] = offs
        elif f[0].startswith("E") and len(f) > 1:
            roles = dict(r.split(":", 1) for r in f[1].split()[1:])
            out.append(roles)
    res = []
    for r in out:
        def text(key):
            return " ".join(txt[s:e] for s, e in spans.get(r.get(key), []))
        res.append({"source": text("Source") if "Source" in r else None,
                    "content": spans.get(r.get("Content"), []),
                    "content_text": text("Content"), "cue": text("Cue")})
    return res


def covered(evs, start, end):
    """The events whose content covers half of [start, end) or more."""
    got = []
    for ev in evs:
        n = sum(max(0, min(e, end) - max(s, start)) for s, e in ev["content"])
        if 2 * n >= max(end - start, 1):
            got.append(ev)
    return got


def match(g, p):
    """The scorer's greedy matching: (matched gold indices, matched pred indices)."""
    pairs = sorted(((overlap(gt, pt), i, j) for i, (gk, gt) in enumerate(g)
                    for j, (pk, pt) in enumerate(p) if gk == pk), reverse=True)
    used_g, used_p = set(), set()
    for ov, i, j in pairs:
        if ov >= 0.5 and i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return used_g, used_p


def classify_fp(q, pk, pt, g, evs, body_off, freq, names_in_span, speaker_key, body):
    start, end = q.get("start", 0) + body_off, q.get("end", 0) + body_off
    before = body[max(0, q.get("start", 0) - 2):q.get("start", 0)]
    if before.endswith("'"):
        return "in apostrophe marks ('' or ')"
    short = q.get("text", "").count(" ") < 2
    if any(overlap(gt, pt) >= 0.5 and gk != pk for gk, gt in g):
        return "right words, other speaker"
    if any(2 * len(gt & pt) >= len(pt) and gk == pk for gk, gt in g):
        return "a piece of a longer gold quotation"
    evs = covered(evs, start, end)
    if not evs:
        return "no attribution there" + (" (1-2 words)" if short else "")
    named = [ev for ev in evs if ev["source"] and names_in_span(ev["source"], freq)]
    if not named:
        if any(ev["source"] is None for ev in evs):
            return "attribution without source"
        srcs = [" ".join(ev["source"].split()) for ev in evs if ev["source"]]
        if any(re.fullmatch(r"(?i)(he|she|they|i|we|you|it)", src) for src in srcs):
            return "source a pronoun: " + " / ".join(srcs)
        return "source a description (no name): " + srcs[0]
    keys = {speaker_key(names_in_span(ev["source"], freq)[-1]) for ev in named}
    if not any(GOLD_MARKS.search(ev["content_text"]) for ev in named):
        return "annotated content holds no double marks"
    if pk not in keys:
        return "named source, other speaker"
    return "named source, same speaker, words differ"


def classify_fn(gk, gt, p):
    if any(overlap(gt, pt) >= 0.5 for pk, pt in p):
        return "words found, other speaker"
    if any(overlap(gt, pt) > 0 and pk == gk for pk, pt in p):
        return "found in pieces or with other bounds"
    if any(overlap(gt, pt) > 0 for pk, pt in p):
        return "some words found, other speaker"
    return "nothing found over its words"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listing = sys.argv[sys.argv.index("--list") + 1] if "--list" in sys.argv else None
    if listing in args:
        args.remove(listing)
    shared, gold_path, pred_path = args[:3]
    which = args[3] if len(args) > 3 else "tune"
    sys.path.insert(0, os.path.join(shared, "eval"))
    from names import names_in_span, speaker_key, token_counts
    root = os.path.join(shared, "corpus", "quotes", "polnear", "train")
    gold = {d["id"]: d for d in map(json.loads, open(gold_path, encoding="utf-8"))}
    pred = {d["id"]: d for d in map(json.loads, open(pred_path, encoding="utf-8"))}
    texts = {i: open(f"{root}/text/{i}.txt", encoding="utf-8").read() for i in gold}
    freq = token_counts(texts.values())
    fps, fns = {}, {}
    for doc_id, gd in gold.items():
        if which != "dev" and half(doc_id) != which:
            continue
        txt = texts[doc_id]
        title, _, rest = txt.partition("\n")
        body = rest.lstrip("\n")
        body_off = len(txt) - len(body)
        evs = []
        for fn in sorted(os.listdir(f"{root}/attributions")):
            if fn.startswith(doc_id + "_"):
                evs += events(f"{root}/attributions/{fn}", txt)
        gq = gd.get("quotes", [])
        pq = [q for q in pred.get(doc_id, {}).get("quotes") or [] if not q.get("indirect")]
        g = [(speaker_key(q["speaker"]), toks(q["text"])) for q in gq]
        p = [(speaker_key(q.get("speaker") or ""), toks(q.get("text") or "")) for q in pq]
        used_g, used_p = match(g, p)
        for j, q in enumerate(pq):
            if j in used_p:
                continue
            kind = classify_fp(q, p[j][0], p[j][1], g, evs, body_off, freq, names_in_span,
                               speaker_key, body)
            kind, _, detail = kind.partition(": ")
            fps.setdefault(kind, []).append((doc_id, dict(q, detail=detail)))
        for i, q in enumerate(gq):
            if i in used_g:
                continue
            kind = classify_fn(g[i][0], g[i][1], p)
            fns.setdefault(kind, []).append((doc_id, q))
    for title, table in (("false positives", fps), ("false negatives", fns)):
        print("%s (%s): %d" % (title, which, sum(map(len, table.values()))))
        for kind, items in sorted(table.items(), key=lambda kv: -len(kv[1])):
            print("  %5d  %s" % (len(items), kind))
    if listing:
        for table in (fps, fns):
            for doc_id, q in table.get(listing, []):
                print("%s | %s | %s | %s" % (doc_id[:40], q.get("speaker"), q.get("detail", ""),
                                             q.get("text")[:140]))


if __name__ == "__main__":
    main()
