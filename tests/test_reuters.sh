#!/bin/sh
# All of Reuters-21578 (when ../shared is present): converted with the
# shared helper, imported as JSON Lines, counted and searched; the same
# articles as wire-text files parse to the same dates and datelines.
. "$(dirname "$0")/lib.sh"

[ -f "$SHARED/bench/reuters.py" ] && [ -d "$SHARED/corpus/reuters21578" ] ||
    skip_all "no ../shared/corpus/reuters21578"
R="$TMP/reuters"
/usr/bin/python3 "$SHARED/bench/reuters.py" "$SHARED/corpus/reuters21578" "$R" >/dev/null
DB="$TMP/db"

ok "import all of Reuters-21578" "$NEWSIDX" --db "$DB" add --quiet "$R/docs.jsonl"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "19,043 documents" "$(json_get "$out" 'd["documents"]')" 19043
ok "xapian-check finds no error" xapian-check "$DB"

out=$("$NEWSQ" --db "$DB" --json --limit 3 '"Bank of Japan"')
like "\"Bank of Japan\" finds many" "$(json_get "$out" 'd["total"]')" '^[0-9]{2,}$'
like "and marks the phrase" "$(json_get "$out" 'd["hits"][0]["snippet"]')" '<em>Bank of Japan</em>'
out=$("$NEWSQ" --db "$DB" --json 'title:cocoa dateline:london')
like "title: and dateline: together" "$(json_get "$out" 'd["hits"][0]["title"]')" '(?i)cocoa|COCOA'
out=$("$NEWSQ" --db "$DB" --json --limit 1 --sort date 'date:1987-03-01..1987-03-01')
is "a one-day date range" "$(json_get "$out" 'd["hits"][0]["date"]')" 1987-03-01
out=$("$NEWSQ" --db "$DB" --json reuters-5)
is "ids are searchable only as ids, not words" "$(json_get "$out" 'd["total"]')" 0
out=$("$NEWSIDX" --db "$DB" get --json reuters-5)
like "get by the Reuters id" "$(json_get "$out" 'd["title"]')" 'NATIONAL AVERAGE PRICES'

# Facets count every match; time_limit stops the counting, and the answer
# says it is truncated (doc/reliability.md, promise 5).  Xapian checks the
# clock only now and then: a few tries.
# The default time_limit (2 s) is a promise to users, not to a loaded CI
# machine under ASan: the whole match gets all the time it needs here.
printf '[search]\ntime_limit = 600\n' >"$TMP/patient.conf"
out=$("$NEWSQ" --config "$TMP/patient.conf" --db "$DB" --json --facets said)
is "facets of a whole match are not truncated" "$(json_get "$out" 'd.get("truncated", False)')" False
printf '[search]\ntime_limit = 0.000001\n' >"$TMP/quick.conf"
got=False
for try in 1 2 3 4 5 6 7 8 9 10; do
    out=$("$NEWSQ" --config "$TMP/quick.conf" --db "$DB" --json --facets said)
    got=$(json_get "$out" 'd.get("truncated", False)')
    [ "$got" = True ] && break
done
is "facets cut short by time_limit are flagged truncated" "$got" True

ok "re-import" "$NEWSIDX" --db "$DB" add --quiet "$R/docs.jsonl"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "still 19,043 documents" "$(json_get "$out" 'd["documents"]')" 19043

# The wire-text copies: dates always match; datelines match except for
# the few the original data garbles ("****LONDON", "New york").
"$NEWSIDX" extract --json "$R/text" >"$TMP/text.jsonl" 2>"$TMP/text.err"
is "every text file parses" "$(wc -l <"$TMP/text.jsonl")" 19043
res=$(/usr/bin/python3 - "$R/docs.jsonl" "$TMP/text.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
dates = sum(x["date"] != y["date"] for x, y in zip(a, b))
dl = sum(x["dateline"].upper() != (y["dateline"] or "").split(",")[0].upper() for x, y in zip(a, b))
titles = sum(x["title"] != y["title"] for x, y in zip(a, b))
print(dates, dl, titles)
PY
)
set -- $res
is "dates of text files match" "$1" 0
# 1% of the 19,043 articles
at_most "datelines match for all but 1% ($2 differ)" "$2" $((19043 / 100))
at_most "titles match for all but 1% ($3 differ)" "$3" $((19043 / 100))

done_testing
