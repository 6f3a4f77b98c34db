#!/bin/sh
# A detached newsidxd over [shards] given as relative paths: the daemon
# moves to / when it detaches, so every path is made absolute at start,
# the writer's shards too (it opened "/name" and wrote articles into new
# databases there, while searches read the right ones).
. "$(dirname "$0")/lib.sh"

A="nxtest-shard-a-$$" B="nxtest-shard-b-$$"
printf '[shards]\nshard = %s\nshard = %s\n[daemon]\npidfile = %s\n' \
    "$A" "$B" "$TMP/d.pid" >"$TMP/nx.conf"
cd "$TMP" || exit 1
"$NEWSIDX" --config nx.conf add --shards --quiet "$EXAMPLES" >/dev/null 2>&1
is "the shards are made beside the configuration" "$(ls -d "$A" "$B" | wc -l)" 2

"$NEWSIDXD" --config nx.conf --socket "$TMP/d.sock" 2>"$TMP/d.log"
is "newsidxd detaches" "$?" 0
printf 'date 2025-06-01\nA report on zetaword\n\nLISBON (NW) — Officials said the zetaword plan was ready.\n' \
    >"$TMP/z.txt"
"$NEWSIDX" --socket "$TMP/d.sock" add --quiet "$TMP/z.txt" >/dev/null 2>&1
is "an article added through it is taken" "$?" 0
out=$("$NEWSQ" --socket "$TMP/d.sock" --json zetaword)
is "the daemon finds it" "$(json_get "$out" 'd["total"]')" 1
n=0
for s in "$A" "$B"; do
    c=$(json_get "$("$NEWSQ" --db "$TMP/$s" --json zetaword 2>/dev/null || echo '{"total":0}')" 'd["total"]')
    n=$((n + c))
done
is "it was written into one of the shards beside the configuration" "$n" 1
ok "nothing was made under /" sh -c "! ls -d '/$A' '/$B' 2>/dev/null"
kill "$(cat "$TMP/d.pid")"
for _i in $(seq 200); do [ -e "$TMP/d.pid" ] || break; sleep 0.05; done
ok "the daemon stops" test ! -e "$TMP/d.pid"
rm -rf "/$A" "/$B" 2>/dev/null
done_testing
