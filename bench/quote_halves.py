#!/usr/bin/env python3
"""quote_halves.py SHARED GOLD PRED [--json] -- quotations scored by the
shared scorer (SHARED/eval/score_quotes.py) on the whole development set
and on its two halves: "tune", the half the rules were developed on, and
"check", the half kept for checking them.  An article's half is the
parity of the first byte of the MD5 of its id, so it never depends on
order or on what else is in the set.

The gold lists direct quotations only (the words inside quotation marks
of each attribution), so predicted quotations marked "indirect" (reported
speech) are left out of the main figures; "all" scores the output as
printed, indirect ones included.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def half(doc_id):
    return "tune" if hashlib.md5(doc_id.encode()).digest()[0] % 2 == 0 else "check"


def read(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def score(scorer, gold, pred, tmp, name):
    g, p = os.path.join(tmp, name + ".gold"), os.path.join(tmp, name + ".pred")
    with open(g, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in gold)
    with open(p, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in pred)
    out = subprocess.run([sys.executable, scorer, g, p, "--json"], check=True,
                         capture_output=True, text=True).stdout
    res = json.loads(out)
    res["set"] = name
    return res


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) != 3:
        sys.exit(__doc__.split("\n\n")[0])
    shared, gold_path, pred_path = args
    scorer = os.path.join(shared, "eval", "score_quotes.py")
    gold, pred = read(gold_path), read(pred_path)
    direct = [dict(d, quotes=[q for q in d.get("quotes") or [] if not q.get("indirect")])
              for d in pred]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("tune", "check"):
            results.append(score(scorer, [d for d in gold if half(d["id"]) == name],
                                 [d for d in direct if half(d["id"]) == name], tmp, name))
        results.append(score(scorer, gold, direct, tmp, "dev"))
        results.append(score(scorer, gold, pred, tmp, "all"))
    for r in results:
        if "--json" in sys.argv:
            print(json.dumps(r))
        else:
            print("quotes %-5s P %.3f R %.3f F1 %.3f (gold %d, predicted %d, matched %d, "
                  "right words wrong speaker %d)" % (r["set"], r["P"], r["R"], r["F1"], r["gold"],
                                                      r["predicted"], r["matched"], r["wrong_speaker"]))


if __name__ == "__main__":
    main()
