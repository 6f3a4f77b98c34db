#!/bin/sh
# newsidx add as a bulk loader, rm, get, stats, and newsq over the result.
. "$(dirname "$0")/lib.sh"

DB="$TMP/db"
A="$TMP/in"
mkdir -p "$A/sub" "$A/.hidden"

cat >"$A/one.txt" <<'T'
date 2025-03-04
Ministers meet on ports

ROTTERDAM (NW) — Port workers in Rotterdam walked out on Tuesday, and the
harbour authority said ships were waiting at anchor in the North Sea.
“We will not load a single container until the talks resume,” said union
leader Maria Jansen.
T
cat >"$A/sub/two.txt" <<'T'
Title: Frost damages orchards
Date: 2025-04-01
ID: frost-1
Dateline: VALENCIA, Spain

Growers near Valencia counted their losses after a late frost, and the
regional farm office said the harvest would be the smallest in ten years.
T
printf 'this file is hidden\n' >"$A/.hidden/x.txt"
cat >"$A/feed.jsonl" <<'T'
{"id": "j1", "title": "Rates held", "date": "2025-05-06", "dateline": "TOKYO", "body": "The central bank held rates steady on Tuesday."}
{"id": "j2", "body": "broken line
{"id": "j3", "title": "Wildfire contained", "body": "Firefighters contained the blaze near the coast."}
{"id": "j4", "date": "not a date", "body": "x"}
T

out=$("$NEWSIDX" --db "$DB" add "$A" 2>&1); rc=$?
is "add exits 1 when records were rejected" "$rc" 1
like "a broken JSON line is named with file and line" "$out" 'feed\.jsonl:2: invalid JSON'
like "a bad date is named with file, line and article" "$out" \
    "warning: .*feed\.jsonl:4: item j4: date 'not a date': it is not a date \(want YYYY-MM-DD\); left out"
like "the summary counts indexed and rejected" "$out" '5 articles indexed \(5 new, 0 replaced\), 1 rejected'
like "and the articles whose date was left out" "$out" \
    '1 articles gave a date that cannot be right .*: that date left out'
unlike "hidden directories are skipped" "$out" 'hidden'

out=$("$NEWSIDX" --db "$DB" stats --json)
is "the good records are stored, the one with a bad date without it" "$(json_get "$out" 'd["documents"]')" 5
out=$("$NEWSIDX" --db "$DB" get --json j4)
is "its date is left out" "$(json_get "$out" 'd["date"]')" None

out=$("$NEWSQ" --db "$DB" --json rotterdam)
is "free text finds the text article" "$(json_get "$out" 'd["total"]')" 1
is "its title is the title line" "$(json_get "$out" 'd["hits"][0]["title"]')" "Ministers meet on ports"
out=$("$NEWSQ" --db "$DB" --json 'title:frost')
is "title: prefix" "$(json_get "$out" 'd["hits"][0]["id"]')" frost-1
out=$("$NEWSQ" --db "$DB" --json 'dateline:tokyo')
is "dateline: prefix" "$(json_get "$out" 'd["hits"][0]["id"]')" j1
out=$("$NEWSQ" --db "$DB" --json '"single container"')
is "phrase search" "$(json_get "$out" 'd["total"]')" 1
out=$("$NEWSQ" --db "$DB" --json '"container single"')
is "a phrase in the wrong order does not match" "$(json_get "$out" 'd["total"]')" 0
printf '[search]\nrelax_below = 0\n' >"$TMP/strict.conf"
out=$("$NEWSQ" --config "$TMP/strict.conf" --db "$DB" --json 'frost rotterdam')
is "words are ANDed by default" "$(json_get "$out" 'd["total"]')" 0
out=$("$NEWSQ" --db "$DB" --json 'frost rotterdam')
is "too few matches: a relaxed answer" "$(json_get "$out" 'd.get("relaxed")')" True
is "with the articles having some of the words" "$(json_get "$out" 'd["total"]')" 2
out=$("$NEWSQ" --db "$DB" --json 'orchards frots')
is "a misspelling gets a suggestion" "$(json_get "$out" 'd.get("corrected")')" "orchards frost"
out=$("$NEWSQ" --config "$TMP/strict.conf" --db "$DB" --json 'what did the union leader say about containers')
is "stopwords do not have to match" "$(json_get "$out" 'd["total"]')" 1
is "so the strict form finds the article" "$(json_get "$out" 'd["hits"][0]["title"]')" "Ministers meet on ports"
out=$("$NEWSQ" --db "$DB" --json 'FROST AND ORCHARDS')
is "AND in a query in capitals is a word, not an operator" "$(json_get "$out" 'd["hits"][0]["id"]')" frost-1
out=$("$NEWSQ" --db "$DB" --json 'date:2025-04..')
is "an open date range from a month" "$(json_get "$out" 'sorted(h["date"] for h in d["hits"])[0]')" 2025-04-01
out=$("$NEWSQ" --db "$DB" --json --since 2025-03 --until 2025-03 port)
is "--since and --until with a month" "$(json_get "$out" 'd["total"]')" 1
out=$("$NEWSQ" --db "$DB" --json --since 1y port)
is "--since relative to today (1y)" "$(json_get "$out" 'd["total"]')" "$(test "$(date +%Y%m%d)" -le 20260304 && echo 1 || echo 0)"
out=$("$NEWSQ" --db "$DB" --json 'frost OR rotterdam')
is "OR" "$(json_get "$out" 'd["total"]')" 2
out=$("$NEWSQ" --db "$DB" --json 'counting')
is "stemming: counting finds counted" "$(json_get "$out" 'd["hits"][0]["id"]')" frost-1
out=$("$NEWSQ" --db "$DB" --json 'contain*')
is "wildcard" "$(json_get "$out" 'd["total"]')" 2
out=$("$NEWSQ" --db "$DB" --json 'date:2025-03-01..2025-04-30')
is "date range" "$(json_get "$out" 'len(d["hits"])')" 2
out=$("$NEWSQ" --db "$DB" --json --since 2025-05-01 rates)
is "--since" "$(json_get "$out" 'd["total"]')" 1
out=$("$NEWSQ" --db "$DB" --json --until 2025-05-01 rates)
is "--until" "$(json_get "$out" 'd["total"]')" 0
out=$("$NEWSQ" --db "$DB" --json --sort date --limit 1 'frost OR rotterdam OR rates')
is "--sort date puts the newest first" "$(json_get "$out" 'd["hits"][0]["id"]')" j1

out=$("$NEWSQ" --db "$DB" '(frost' 2>&1); rc=$?
is "a syntax error exits 2" "$rc" 2
like "and says where" "$out" "column 1: '\(' is never closed"
out=$("$NEWSQ" --db "$DB" 'frost AND' 2>&1)
like "a dangling operator is reported" "$out" "column 7: 'AND' needs something after it"
out=$("$NEWSQ" --db "$DB" nothingmatchesthis 2>&1); rc=$?
is "no results exits 1 in text mode" "$rc" 1
like "and says so" "$out" "no articles match"
out=$("$NEWSQ" --db "$TMP/nodb" x 2>&1); rc=$?
is "a missing database exits 3" "$rc" 3
like "and says there is none yet" "$out" "no database at .*nodb"

out=$("$NEWSIDX" --db "$DB" get --json frost-1)
is "get --json returns the article" "$(json_get "$out" 'd["title"]')" "Frost damages orchards"
like "with its body" "$(json_get "$out" 'd["body"]')" "late frost"
"$NEWSIDX" --db "$DB" get nosuchid >/dev/null 2>&1; rc=$?
is "get of an unknown id exits 1" "$rc" 1

ok "re-adding the same files" "$NEWSIDX" --db "$DB" add --quiet "$A/one.txt" "$A/sub"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "replaces: the count does not change" "$(json_get "$out" 'd["documents"]')" 5

ok "rm removes an article" "$NEWSIDX" --db "$DB" rm frost-1
out=$("$NEWSIDX" --db "$DB" stats --json)
is "one fewer" "$(json_get "$out" 'd["documents"]')" 4
"$NEWSIDX" --db "$DB" rm frost-1 >/dev/null 2>&1; rc=$?
is "rm of a missing id exits 1" "$rc" 1

# A commit that fails (a full disk) is reported with why, and nothing of
# it is kept.
: >"$TMP/full-disk"
out=$(NEWSIDX_FAULT_COMMIT="$TMP/full-disk" "$NEWSIDX" --db "$DB" rm j3 2>&1); rc=$?
is "rm whose commit fails exits 3" "$rc" 3
like "saying why" "$out" 'commit failed; nothing was removed: .*injected failure'
ok "and j3 is still there" "$NEWSIDX" --db "$DB" get j3

printf '{"id": "s1", "body": "From standard input."}\n' | "$NEWSIDX" --db "$DB" add --quiet --format jsonl - 
out=$("$NEWSQ" --db "$DB" --json 'standard input')
is "add reads standard input" "$(json_get "$out" 'd["hits"][0]["id"]')" s1

out=$(NEWSIDX_DB="$TMP/envdb" "$NEWSIDX" add --quiet "$A/one.txt" 2>&1 && NEWSIDX_DB="$TMP/envdb" "$NEWSIDX" stats --json)
is "\$NEWSIDX_DB selects the database" "$(json_get "$out" 'd["documents"]')" 1
"$NEWSIDX" add --quiet "$A/one.txt"
is "the default database lives under \$XDG_DATA_HOME" "$(test -d "$XDG_DATA_HOME/newsidx/db" && echo yes)" yes

# export gives back what was stored, in the input format of add.
"$NEWSIDX" --db "$DB" export >"$TMP/export.jsonl" 2>/dev/null
ok "export | add rebuilds the index" "$NEWSIDX" --db "$TMP/rebuilt" add --quiet "$TMP/export.jsonl"
is "with the same articles" "$(json_get "$("$NEWSIDX" --db "$TMP/rebuilt" stats --json)" 'd["documents"]')" \
    "$(json_get "$("$NEWSIDX" --db "$DB" stats --json)" 'd["documents"]')"
is "and the same text" "$("$NEWSIDX" --db "$TMP/rebuilt" get --json j1)" "$("$NEWSIDX" --db "$DB" get --json j1)"

# The sender's fields of JSON Lines are stored, shown and exported.
cat >"$TMP/sender.jsonl" <<'T'
{"id": "m1", "body": "Ministers met in Graz.", "time": "2025-02-12T09:30:00+01:00", "language": "de", "version": 2, "subjects": ["Politik", "Europ\u00e4ische Union"], "agency_places": ["Graz"], "summary_only": true}
{"id": "m2", "body": "x", "time": "yesterday"}
T
out=$("$NEWSIDX" --db "$TMP/sdb" add --quiet "$TMP/sender.jsonl" 2>&1)
like "a time that is not one is left out, named with file and line" "$out" \
    "sender\.jsonl:2: item m2: time 'yesterday': it is not a date .*; left out"
out=$("$NEWSIDX" --db "$TMP/sdb" get --json m1)
is "get --json shows the time in UTC" "$(json_get "$out" 'd["time"]')" "2025-02-12T08:30:00Z"
is "and the sender's other fields" \
    "$(json_get "$out" '[d["language"], d["version"], d["subjects"], d["agency_places"], d["summary_only"]]')" \
    '["de", "2", ["Politik", "Europ\u00e4ische Union"], ["Graz"], true]'
"$NEWSIDX" --db "$TMP/sdb" export 2>/dev/null | "$NEWSIDX" --db "$TMP/sdb2" add --quiet --format jsonl -
is "export | add keeps every field" "$("$NEWSIDX" --db "$TMP/sdb2" get --json m1)" "$out"

# The index format version is checked, and a foreign database refused.
"$NEWSIDX" --db "$TMP/vdb" add --quiet "$A/one.txt"
xapian-metadata set "$TMP/vdb" newsidx.format 99
out=$("$NEWSQ" --db "$TMP/vdb" rotterdam 2>&1); rc=$?
is "a database of another format is refused (exit 3)" "$rc" 3
like "saying which format" "$out" "index format 99 is not supported"
out=$("$NEWSIDX" --db "$TMP/vdb" add --quiet "$A/one.txt" 2>&1); rc=$?
is "and not written to" "$rc" 3
# The older format 1 (no stopword-pair terms) is still read and written.
xapian-metadata set "$TMP/vdb" newsidx.format 1
out=$("$NEWSQ" --db "$TMP/vdb" --json '"of the"' 2>&1); rc=$?
is "a format 1 database is searched" "$rc" 0
"$NEWSIDX" --db "$TMP/vdb" add --quiet "$A/one.txt"; rc=$?
is "and added to" "$rc" 0
is "and stays format 1" "$(json_get "$("$NEWSIDX" --db "$TMP/vdb" stats --json)" 'd["format"]')" 1
printf 'id=1\nbody=hello world\n' >"$TMP/si.in"
printf 'id : unique=Q boolean=Q\nbody : index\n' >"$TMP/si.index"
scriptindex "$TMP/foreign" "$TMP/si.index" "$TMP/si.in" >/dev/null 2>&1
if [ -d "$TMP/foreign" ]; then
    out=$("$NEWSQ" --db "$TMP/foreign" hello 2>&1)
    like "a Xapian database not made by newsidx is refused" "$out" "not a newsidx index"
else
    skip 1 "scriptindex (xapian-omega) not installed"
fi

# Another writer holds the lock: add waits a bounded time, then names it.
printf '[index]\nlock_timeout = 0.3s\n' >"$TMP/short.conf"
mkfifo "$TMP/fifo"
"$NEWSIDX" --db "$DB" add --quiet --format jsonl - <"$TMP/fifo" &
holder=$!
exec 7>"$TMP/fifo"          # keep the holder's input open
# The holder has the lock once it has written its name beside it.
for _i in $(seq 1 600); do
    grep -q "^$holder " "$DB/newsidx.owner" 2>/dev/null && break
    sleep 0.1
done
out=$("$NEWSIDX" --config "$TMP/short.conf" --db "$DB" add --quiet "$A/one.txt" 2>&1); rc=$?
is "a second writer fails" "$rc" 3
name=newsidx
[ -n "${NX_TEST_WRAPPER:-}" ] && name='[^ ]+'     # the tool's name under a wrapper
like "naming the holder" "$out" "locked by $name \\(pid $holder\\)"
like "and warning against deleting the lock" "$out" "never delete"
out=$("$NEWSQ" --db "$DB" --json rotterdam)
is "readers still read while a writer holds the lock" "$(json_get "$out" 'd["total"]')" 1
printf '{"id": "late", "body": "Written by the holder."}\n' >&7
exec 7>&-
wait $holder
out=$("$NEWSQ" --db "$DB" --json 'holder')
is "the holder's write landed" "$(json_get "$out" 'd["hits"][0]["id"]')" late

# A load into an empty database writes parts in parallel and merges them
# (a bulk load, HACKING): an id given twice is still one article, the
# last, and nothing is left beside the database.
BULK="$TMP/bulk"
for i in $(seq 1 400); do
    printf '{"id":"b%d","body":"Version %d of the statement on grain prices in Kenya, said Ruto."}\n' \
        $((i % 200)) "$i"
done >"$TMP/twice.jsonl"
out=$("$NEWSIDX" --db "$BULK" add "$TMP/twice.jsonl" 2>&1)
like "a bulk load counts ids given twice as replaced" "$out" '400 articles indexed \(200 new, 200 replaced\)'
is "one article per id" "$(json_get "$("$NEWSIDX" --db "$BULK" stats --json)" 'd["documents"]')" 200
like "the later one" "$("$NEWSIDX" --db "$BULK" get b7)" 'Version 207 '
is "no staging database left" "$(ls -d "$BULK".staging-* 2>/dev/null | wc -l)" 0
ok "xapian-check finds the merged database sound" xapian-check "$BULK"
is "it keeps its format stamp" "$(json_get "$("$NEWSIDX" --db "$BULK" stats --json)" 'd["format"]')" 3

# BM25's length normalisation is a search-time setting: one article short,
# one long (and newer), each with the word once.
BM="$TMP/bm25"
long=$(printf 'Grain shipments resumed along the coast this week. %.0s' $(seq 60))
printf '{"id":"short","date":"2024-01-01","body":"A zebrafish study was published."}\n{"id":"long","date":"2024-06-01","body":"A zebrafish study was published. %s"}\n' "$long" >"$TMP/bm.jsonl"
"$NEWSIDX" --db "$BM" add --quiet "$TMP/bm.jsonl"
printf '[weights]\nbm25_b = 1\n' >"$TMP/b1.conf"
printf '[weights]\nbm25_b = 0\n' >"$TMP/b0.conf"
out=$("$NEWSQ" --config "$TMP/b1.conf" --db "$BM" --json zebrafish)
is "bm25_b = 1: the short article first" "$(json_get "$out" 'd["hits"][0]["id"]')" short
out=$("$NEWSQ" --config "$TMP/b0.conf" --db "$BM" --json zebrafish)
is "bm25_b = 0: lengths do not count, the newer wins the tie" "$(json_get "$out" 'd["hits"][0]["id"]')" long
printf '[weights]\nbm25_b = 2\n' >"$TMP/bad.conf"
out=$("$NEWSQ" --config "$TMP/bad.conf" --db "$BM" zebrafish 2>&1)
like "bm25_b outside 0..1 is refused" "$out" 'bm25_b = 2 is out of range'

# Xapian's QueryParser crashed on a required field value with punctuation
# (found by fuzz_query); names now reach the field processor encoded.
for q in 'zebra +location:a:b' 'zebra +speaker:ab-cd' 'm +location:b.b'; do
    "$NEWSQ" --db "$DB" "$q" >/dev/null 2>&1
    rc=$?
    like "newsq '$q' answers (exit 0 or 1, not a crash)" "$rc" '^[01]$'
done

# A new database is created beside its path and renamed into place: a
# writer killed while Xapian created the files left a directory no reader
# could open.  What such a writer left ("PATH.creating-PID", its process
# gone) is removed by the next writer; the path itself is never half made.
NEWDB="$TMP/fresh"
dead=$(sh -c 'echo $$')
mkdir -p "$NEWDB.creating-$dead" && : >"$NEWDB.creating-$dead/postlist.glass"
out=$("$NEWSIDX" --db "$NEWDB" add --quiet "$EXAMPLES" 2>&1)
is "an import into a new path succeeds beside a dead writer's leftovers" "$?" 0
ok "the dead writer's half-made directory is gone" test ! -e "$NEWDB.creating-$dead"
ok "nothing else is left beside the new database" \
    sh -c "! ls -d '$NEWDB'.creating-* 2>/dev/null"
ok "the new database is a glass database from the start" test -f "$NEWDB/iamglass"

# A folder imported with its own index inside ("newsidx --db news/db add
# news"): the database's tables are no articles, the folder is passed
# over with a warning, and the articles beside it are read as usual.
INSIDE="$TMP/inside"
mkdir -p "$INSIDE"
cp -R "$EXAMPLES"/. "$INSIDE"/
"$NEWSIDX" --db "$INSIDE/db" add --quiet "$INSIDE" >/dev/null 2>&1
out=$("$NEWSIDX" --db "$INSIDE/db" add "$INSIDE" 2>&1)
is "importing the folder that holds the index again: exit 0" "$?" 0
like "its database is named and passed over" "$out" "inside/db: a Xapian database, not articles: skipped"
unlike "none of its tables is read as an article" "$out" 'glass|flintlock'

done_testing
