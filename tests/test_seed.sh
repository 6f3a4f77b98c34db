#!/bin/sh
# The seed article (../shared/seed, when present): parsed fields, the
# "Article Five" search, re-adding.
. "$(dirname "$0")/lib.sh"

SEED=$(ls "$SHARED"/seed/*.txt 2>/dev/null | head -1)
[ -n "$SEED" ] || skip_all "no ../shared/seed"
DB="$TMP/db"

out=$("$NEWSIDX" extract --json "$SEED")
is "date from the date token" "$(json_get "$out" 'd["date"]')" 2025-02-12
is "dateline" "$(json_get "$out" 'd["dateline"]')" BRUSSELS
like "title derived from the lead" "$(json_get "$out" 'd["title"]')" '^U\.S\. Defense Secretary Pete Hegseth said'

ok "add the seed article" "$NEWSIDX" --db "$DB" add --quiet "$SEED"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "one document" "$(json_get "$out" 'd["documents"]')" 1

out=$("$NEWSQ" --db "$DB" --json '"Article Five"')
is "\"Article Five\" finds the seed" "$(json_get "$out" 'd["total"]')" 1
is "its date" "$(json_get "$out" 'd["hits"][0]["date"]')" 2025-02-12
is "its dateline" "$(json_get "$out" 'd["hits"][0]["dateline"]')" BRUSSELS
like "the snippet marks the phrase" "$(json_get "$out" 'd["hits"][0]["snippet"]')" '<em>Article Five</em>'

ok "re-adding the same article" "$NEWSIDX" --db "$DB" add --quiet "$SEED"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "replaces it: still one document" "$(json_get "$out" 'd["documents"]')" 1

done_testing
