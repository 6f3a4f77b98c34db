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

"$NEWSIDX" extract --json "$SEED" >"$TMP/x.json"
out=$(cat "$TMP/x.json")
sp=$(json_get "$out" 'd["speakers"]')
lo=$(json_get "$out" 'd["locations"]')
for who in "Pete Hegseth" "John Healey" "Mark Rutte"; do
    like "speaker $who" "$sp" "\"$who\""
done
unlike "The Associated Press is not a speaker" "$sp" "Associated Press"
unlike "Article Five is not a speaker" "$sp" "Article Five"
is "the dateline's place comes first" "$(json_get "$out" 'd["locations"][0]')" Brussels
for where in Ukraine Russia Europe "Crimean Peninsula" "The Hague"; do
    like "location $where" "$lo" "\"$where\""
done
unlike "NATO is not a place" "$lo" "NATO"
# who said what: the quotations, their speakers, their places in the body
direct='[q for q in d["quotes"] if not q["indirect"]]'
is "nine quotations in quotation marks" "$(json_get "$out" "len($direct)")" 9
is "Rutte's two, word for word" \
    "$(json_get "$out" "[q['text'] for q in $direct if q['speaker'] == 'Mark Rutte']")" \
    '["We have to make sure that he has no other option, and that means to force him to the table,", "He needs to understand that we will not give up on Ukraine. We have to make sure that we have maximum economic impact on Russia."]'
is "Healey's one" "$(json_get "$out" "[q['text'] for q in $direct if q['speaker'] == 'John Healey']")" \
    '["We hear you,"]'
is "the partial quotation in Hegseth's reported speech" \
    "$(json_get "$out" "[q['text'] for q in $direct if q['speaker'] == 'Pete Hegseth'][1]")" "illusionary goal"
"$NEWSIDX" --db "$TMP/q.db" add --quiet "$SEED"
stored=$("$NEWSIDX" --db "$TMP/q.db" get --json "$(json_get "$out" 'd["id"]')")
is "stored with its quotations, whose offsets slice them out of the body (in characters)" \
    "$(json_get "$stored" 'len(d["quotes"]) > 9 and all(d["body"][q["start"]:q["end"]] == q["text"] for q in d["quotes"])')" True
unlike "Article Five is not a place" "$lo" "Article"

ok "add the seed article" "$NEWSIDX" --db "$DB" add --quiet "$SEED"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "one document" "$(json_get "$out" 'd["documents"]')" 1

out=$("$NEWSQ" --db "$DB" --json '"Article Five"')
is "\"Article Five\" finds the seed" "$(json_get "$out" 'd["total"]')" 1
is "its date" "$(json_get "$out" 'd["hits"][0]["date"]')" 2025-02-12
is "its dateline" "$(json_get "$out" 'd["hits"][0]["dateline"]')" BRUSSELS
like "the snippet marks the phrase" "$(json_get "$out" 'd["hits"][0]["snippet"]')" '<em>Article Five</em>'

out=$("$NEWSQ" --db "$DB" --json speaker:rutte)
is "speaker:rutte finds it" "$(json_get "$out" 'd["total"]')" 1
out=$("$NEWSQ" --db "$DB" --json --speaker "pete hegseth" --location brussels nato)
is "--speaker and --location filter exactly" "$(json_get "$out" 'd["total"]')" 1

ok "re-adding the same article" "$NEWSIDX" --db "$DB" add --quiet "$SEED"
out=$("$NEWSIDX" --db "$DB" stats --json)
is "replaces it: still one document" "$(json_get "$out" 'd["documents"]')" 1

done_testing
