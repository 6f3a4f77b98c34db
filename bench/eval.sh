#!/bin/sh
# Scores speaker and location extraction with the project's scorer on the
# annotated development corpora (LGL toponyms, PolNeAR attribution), and
# quotations (who said what) with the shared quote scorer on PolNeAR, on
# the whole development set and on its tuning and checking halves
# (bench/quote_halves.py).
#   bench/eval.sh [BUILDDIR]      ("make eval" runs it)
# Needs ../shared (skips with status 77 without it).  Prints the scorer's
# report per corpus and a summary line per task; EVAL_JSON=1 prints only
# the summary lines as JSON.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILDDIR:-$top/build}}
shared=${SHARED:-$top/../shared}
json=${EVAL_JSON:-0}
if [ ! -f "$shared/eval/mkinputs.py" ]; then
    echo "eval: no $shared/eval here; nothing to score" >&2
    exit 77
fi
out=$build/eval-out
mkdir -p "$out"
/usr/bin/python3 "$shared/eval/mkinputs.py" "$out" >/dev/null
for corpus in lgl polnear-dev; do
    start=$(date +%s%N)
    "$build/newsidx" extract --json --format jsonl "$out/$corpus.jsonl" >"$out/$corpus.pred.jsonl"
    end=$(date +%s%N)
    if [ "$json" = 1 ]; then
        /usr/bin/python3 "$shared/eval/score.py" "$out/$corpus.gold.jsonl" "$out/$corpus.pred.jsonl" --json
    else
        echo "== $corpus (extract took $(( (end - start) / 1000000 )) ms)"
        /usr/bin/python3 "$shared/eval/score.py" "$out/$corpus.gold.jsonl" "$out/$corpus.pred.jsonl"
        echo
    fi
done
if [ "$json" = 1 ]; then
    /usr/bin/python3 "$top/bench/quote_halves.py" "$shared" "$out/polnear-dev.gold.jsonl" \
        "$out/polnear-dev.pred.jsonl" --json
else
    echo "== polnear-dev quotations (tune, check: the halves; dev: both; all: indirect included)"
    /usr/bin/python3 "$top/bench/quote_halves.py" "$shared" "$out/polnear-dev.gold.jsonl" \
        "$out/polnear-dev.pred.jsonl"
fi
