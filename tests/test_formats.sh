#!/bin/sh
# The agency formats through newsidx add and newsq: what the index keeps
# of them (byline:, url:, subject:, lang:, time, versions), the import's
# summary, and hostile files (billion laughs, a remote DTD, 100 MB of
# XML, truncated files), each one clear error with nothing wrong
# imported.  The articles are written here.
. "$(dirname "$0")/lib.sh"

DB="$TMP/db"
IN="$TMP/in"
mkdir -p "$IN"

g2_item() {     # g2_item GUID VERSION TIME HEADLINE BODY: a newsItem
    cat <<X
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="$1" version="$2" xml:lang="en">
 <itemMeta><itemClass qcode="ninat:text"/><versionCreated>$3</versionCreated></itemMeta>
 <contentMeta><headline>$4</headline><by>By Ines Faria</by>
  <subject type="cpnat:abstract"><name>Maritime transport</name></subject>
  <subject type="cpnat:person"><name>Rui Tavares</name></subject>
  <subject type="cpnat:geoArea"><name>Azores</name></subject></contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml">
  <html xmlns="http://www.w3.org/1999/xhtml"><body><p>PONTA DELGADA (NW) - $5</p></body></html>
 </inlineXML></contentSet>
</newsItem>
X
}
g2_item urn:nw:ferry 2 2024-06-01T10:00:00+01:00 "Ferry line to the islands reopens" \
    "The ferry sailed again on Saturday, the harbour master said." >"$IN/ferry-v2.xml"
cat >"$IN/feed.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><language>de</language>
<item><title>Hochwasser am Rhein</title><link>https://example.de/hochwasser</link>
<guid>https://example.de/?p=1</guid><pubDate>Tue, 04 Jun 2024 06:30:00 +0200</pubDate>
<dc:creator>Lena Vogt</dc:creator><category>Wetter</category>
<description>K&#246;ln (dpa) - Der Rhein stieg in der Nacht weiter.</description></item>
<item><title>A video</title><guid>v1</guid></item>
</channel></rss>
X
printf '%s\n' '{"id": "plain-1", "body": "No date here, nor a dateline."}' \
    '{"id": "plain-2", "body": "Nor here."}' >"$IN/undated.jsonl"

# Options after the paths.
out=$("$NEWSIDX" --db "$DB" add "$IN" --format auto 2>&1); rc=$?
is "add DIR --format auto: options after paths" "$rc" 0
like "the summary counts by format" "$out" 'read by format: 2 jsonl, 1 newsml-g2, 1 rss'
like "skipped items with their reason" "$out" '1 items passed over, not articles: 1 no text \(feed item'
like "articles without a date are counted" "$out" 'without a date 2, without a dateline 2'
unlike "no warning when most articles have a date" "$out" 'have no date'
like "an article not in English is counted" "$out" '1 articles not in English'
out=$("$NEWSIDX" extract --json "$IN/feed.xml" 2>&1 >/dev/null); rc=$?
is "extract: a feed with an item passed over" "$rc" 0
like "extract says the item it passed over, and why" "$out" 'feed.xml: passed over 1 item: no text \(feed item'

q() { "$NEWSQ" --db "$DB" --json "$@"; }
is "byline: finds the sender's byline" "$(json_get "$(q 'byline:faria')" 'd["hits"][0]["id"]')" urn:nw:ferry
is "byline: is a field, not body text" "$(json_get "$(q 'faria')" 'd["total"]')" 0
is "url: finds the link" "$(json_get "$(q 'url:hochwasser')" 'd["hits"][0]["id"]')" \
    "https://example.de/?p=1"
is "subject: finds a subject" "$(json_get "$(q 'subject:"maritime transport"')" 'd["total"]')" 1
is "lang: filters by language" "$(json_get "$(q 'lang:de')" 'd["hits"][0]["id"]')" \
    "https://example.de/?p=1"
is "a tagged person is a speaker" "$(json_get "$(q 'speaker:tavares')" 'd["total"]')" 1
is "a tagged place is a location" "$(json_get "$(q --location Azores ferry)" 'd["total"]')" 1
out=$("$NEWSIDX" --db "$DB" get --json urn:nw:ferry)
is "get --json: the UTC time" "$(json_get "$out" 'd["time"]')" 2024-06-01T09:00:00Z
is "get --json: the version" "$(json_get "$out" 'd["version"]')" 2
is "get --json: the byline" "$(json_get "$out" 'd["byline"]')" "Ines Faria"
is "get --json: the agency's people apart" "$(json_get "$out" 'd["agency_persons"]')" \
    '["Rui Tavares"]'
is "get --json: the dateline" "$(json_get "$out" 'd["dateline"]')" "PONTA DELGADA"

# Versions: an older one arriving later does not overwrite; a newer one
# replaces.
mkdir -p "$TMP/v1" "$TMP/v3"
g2_item urn:nw:ferry 1 2024-06-01T08:00:00+01:00 "Ferry line may reopen" "Old text." \
    >"$TMP/v1/ferry.xml"
out=$("$NEWSIDX" --db "$DB" add "$TMP/v1" 2>&1)
like "an older version is not written, and the summary says so" "$out" \
    '1 articles not written: the index holds a newer version'
is "the newer title stays" "$(json_get "$("$NEWSIDX" --db "$DB" get --json urn:nw:ferry)" \
    'd["title"]')" "Ferry line to the islands reopens"
g2_item urn:nw:ferry 3 2024-06-02T08:00:00+01:00 "Ferry line busy on first day" "New text." \
    >"$TMP/v3/ferry.xml"
"$NEWSIDX" --db "$DB" add --quiet "$TMP/v3" 2>/dev/null
is "a newer version replaces" "$(json_get "$("$NEWSIDX" --db "$DB" get --json urn:nw:ferry)" \
    'd["title"]')" "Ferry line busy on first day"

# --sort date orders by the moment within a day.
mkdir -p "$TMP/day"
for h in 06 18 12; do
    g2_item "urn:nw:day-$h" 1 "2024-07-01T$h:00:00Z" "Quay report at $h" "Quays checked at $h." \
        >"$TMP/day/$h.xml"
done
"$NEWSIDX" --db "$DB" add --quiet "$TMP/day" 2>/dev/null
out=$(q --sort date 'quay')
is "--sort date: by time within the day" \
    "$(json_get "$out" '[h["id"] for h in d["hits"]]')" \
    '["urn:nw:day-18", "urn:nw:day-12", "urn:nw:day-06"]'

# Most of an import without dates: a warning, even with --quiet.
mkdir -p "$TMP/undated"
for i in 1 2 3; do printf 'Report number %s on the harbour.\n' "$i" >"$TMP/undated/$i.txt"; done
out=$("$NEWSIDX" --db "$DB" add --quiet "$TMP/undated" 2>&1)
like "a warning when most articles have no date" "$out" \
    'warning: 3 articles have no date: date filters and --sort date will not find them'

# A plain-text archive, one article per file with "-- " header lines
# (title, byline, date, URL in any order), and the other styles: each
# file's title, byline, URL, dateline and date reach the index, so that
# --since, date: and --sort date work on them.
A="$TMP/archive"
mkdir -p "$A"
cat >"$A/1.txt" <<'X'
-- Grain barges wait as the river falls
-- By Tomas Lindqvist
-- Mon Aug 14, 2023 4:05PM EDT
-- http://www.example.com/article/2023/08/14/river-barges

ST. LOUIS (Reuters) - Grain barges waited at St. Louis on Monday as the river fell.
X
cat >"$A/2.txt" <<'X'
-- http://www.example.com/article/2023/08/16/river-rain
-- Tue, 16 Aug 2023 09:30:00 +0000
-- River barges move again after rain
-- By Ada Okafor

MEMPHIS (Reuters) - Barges moved again at Memphis on Wednesday after two days of rain.
X
cat >"$A/3.txt" <<'X'
Title: Barge rates ease on the upper river
Byline: Jun Park
Date: 15 August 2023
URL: https://news.example.net/barge-rates

DAVENPORT, Iowa - Barge rates eased on Tuesday as loading slowed.
X
out=$("$NEWSIDX" --db "$TMP/archive-db" add "$A" 2>&1)
like "the archive: three articles read as text" "$out" 'read by format: 2 text, 1 headers'
unlike "none lacks a date, dateline or title" "$out" 'without a|titled from'
aq() { "$NEWSQ" --db "$TMP/archive-db" --json "$@"; }
out=$(aq --sort date barges OR barge)
is "--sort date: newest first, by the header dates" \
    "$(json_get "$out" '[h["date"] for h in d["hits"]]')" \
    '["2023-08-16", "2023-08-15", "2023-08-14"]'
is "titles from the header lines, not the lines themselves" \
    "$(json_get "$out" '[h["title"] for h in d["hits"]]')" \
    '["River barges move again after rain", "Barge rates ease on the upper river", "Grain barges wait as the river falls"]'
is "datelines from the body" "$(json_get "$out" '[h["dateline"] for h in d["hits"]]')" \
    '["MEMPHIS", "DAVENPORT, Iowa", "ST. LOUIS"]'
is "bylines without By" "$(json_get "$out" '[h["byline"] for h in d["hits"]]')" \
    '["Ada Okafor", "Jun Park", "Tomas Lindqvist"]'
is "URLs, and the URL is the id" "$(json_get "$out" '[h["url"] == h["id"] for h in d["hits"]]')" \
    '[true, true, true]'
is "--since keeps the later two" "$(json_get "$(aq --since 2023-08-15 barges OR barge)" 'd["total"]')" 2
is "date: one day" "$(json_get "$(aq 'barge date:2023-08-14..2023-08-14')" 'd["hits"][0]["byline"]')" \
    "Tomas Lindqvist"
is "byline: finds the author" "$(json_get "$(aq 'byline:okafor')" 'd["total"]')" 1

# Hostile XML: one clear error naming the file each, nothing imported.
H="$TMP/hostile"
mkdir -p "$H"
{
    printf '<?xml version="1.0"?>\n<!DOCTYPE nitf [\n <!ENTITY a "ha">\n'
    prev=a
    for i in 1 2 3 4 5 6 7 8 9; do
        printf ' <!ENTITY l%s "' "$i"
        for k in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
        printf '">\n'
        prev=l$i
    done
    printf ']>\n<nitf><body><body.content><p>&l9;</p></body.content></body></nitf>\n'
} >"$H/laughs.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf-3-2.dtd">\n%s\n' \
    '<nitf><body><body.content><p>Fetched?</p></body.content></body></nitf>' >"$H/remote-dtd.xml"
printf '<?xml version="1.0"?>\n<nitf><head><docdata><doc-id id-string="cut-1"/></docdata></head>%s' \
    '<body><body.content><p>The text stops in the midd' >"$H/truncated.xml"
# 100 MB of XML in one NITF document, made here.
{
    printf '<?xml version="1.0"?>\n<nitf><head><docdata><doc-id id-string="huge-1"/></docdata>'
    printf '</head><body><body.content>\n'
    head -c 104857600 /dev/zero | tr '\0' 'x' | fold -w 1000 | sed 's|.*|<p>&</p>|'
    printf '</body.content></body></nitf>\n'
} >"$H/huge.xml"
# Wire transmissions and ninjs cut short: an ANPA-1312 message and an
# IPTC 7901 message without their ETX (end of text) and trailer, and a
# ninjs document cut in the middle of its body.  Each would otherwise
# give a story with half its text, no time and another id.
printf '\026\026\001a0123 r u BC-Harbour-Cut 06-01 0400\002^Harbour cut short<\n\tLISBON (NW) _ The harbour reopened on Saturday and the\n' \
    >"$H/truncated-anpa.xml"
printf '\001eca0123 4 pl 300\nHarbour/cut\n\002Harbour cut short =\nLisbon (dpa) - The harbour reopened on\n' \
    >"$H/truncated-iptc7901.xml"
printf '{"uri": "urn:nw:cut", "type": "text", "headline": "Harbour cut short",\n "body_text": "The harbour reopened on Sat' \
    >"$H/truncated-ninjs.xml"
for f in truncated-anpa truncated-iptc7901 truncated-ninjs; do
    "$NEWSIDX" --db "$TMP/hostile-db" add --quiet "$H/$f.xml" >"$TMP/out-$f" 2>&1
    echo $? >"$TMP/rc-$f"
    is "$f.xml: exit 1 (rejected)" "$(cat "$TMP/rc-$f")" 1
    is "$f.xml: one error line naming the file" "$(grep -c "hostile/$f.xml" "$TMP/out-$f")" 1
done
like "a cut ANPA message: said so" "$(cat "$TMP/out-truncated-anpa")" \
    'truncated anpa message: its text has no ETX'
like "a cut IPTC 7901 message: said so" "$(cat "$TMP/out-truncated-iptc7901")" \
    'truncated iptc7901 message: its text has no ETX'
like "a cut ninjs document: said so" "$(cat "$TMP/out-truncated-ninjs")" 'premature end of input'
for f in laughs remote-dtd truncated huge; do
    /usr/bin/time -f 'maxrss %M' -o "$TMP/time-$f" \
        "$NEWSIDX" --db "$TMP/hostile-db" add --quiet "$H/$f.xml" >"$TMP/out-$f" 2>&1
    echo $? >"$TMP/rc-$f"
done
for f in laughs remote-dtd truncated huge; do
    is "$f.xml: exit 1 (rejected)" "$(cat "$TMP/rc-$f")" 1
    is "$f.xml: one error line naming the file" \
        "$(grep -c "hostile/$f.xml" "$TMP/out-$f")" 1
done
like "billion laughs: refused as such" "$(cat "$TMP/out-laughs")" "billion laughs"
like "remote DTD: refused, never fetched" "$(cat "$TMP/out-remote-dtd")" \
    'remote DTD \(http://127.0.0.1:9/nitf-3-2.dtd\): refused'
like "truncated: said so" "$(cat "$TMP/out-truncated")" 'truncated'
like "100 MB: an item too large" "$(cat "$TMP/out-huge")" 'XML item larger than 16 MiB'
rss=$(sed -n 's/^maxrss //p' "$TMP/time-huge")
ok "100 MB of XML read in bounded memory (${rss} KiB)" test "$rss" -lt 400000
out=$("$NEWSIDX" --db "$TMP/hostile-db" stats --json 2>&1)
is "nothing was imported from them" "$(json_get "$out" 'd["documents"]')" 0
rm -f "$H/huge.xml"

# A WordPress site's UTF-8 encoded twice ("companyâ€™s"): repaired, and
# the summary says how many items were.
mkdir -p "$TMP/twice"
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>' \
    '<item><guid>tw-1</guid><title>Debt</title><description>The companyâ€™s debt fell.</description></item>' \
    '</channel></rss>' >"$TMP/twice/feed.xml"
out=$("$NEWSIDX" --db "$TMP/twice-db" add "$TMP/twice" 2>&1)
like "the summary counts the items repaired" "$out" \
    '1 feed items had their text encoded twice as UTF-8 .*: repaired'
is "the text is repaired" \
    "$(json_get "$("$NEWSIDX" --db "$TMP/twice-db" get --json tw-1)" 'd["body"]')" \
    "The company’s debt fell."

done_testing
