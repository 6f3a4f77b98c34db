#!/bin/sh
# Dates that cannot be right (doc/formats.md): in every reader, a date
# that does not exist (29 February 2013, an hour 25), one before any
# news, or one more than two days ahead is left out of the article,
# never the article; a warning names the file, the line, the item and
# the field, and newsidx add counts such articles in its summary.  A
# sender's other date field is used when it is right.  The files are
# written here, one per format.
. "$(dirname "$0")/lib.sh"

IN="$TMP/in"
mkdir -p "$IN"

cat >"$IN/nitf.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<nitf><head><title>Harbour</title>
<docdata><doc-id id-string="nitf-1"/>
<date.release norm="20131020T256151+1100"/>
<date.issue norm="20131020T192751+1100"/></docdata></head>
<body><body.head><hedline><hl1>Cranes idle at the harbour</hl1></hedline></body.head>
<body.content><p>SYDNEY - The cranes stood idle on Sunday.</p></body.content></body></nitf>
X
cat >"$IN/g2.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g2-1" version="1">
 <itemMeta><itemClass qcode="ninat:text"/>
  <versionCreated>3013-07-07T15:06:01Z</versionCreated></itemMeta>
 <contentMeta><headline>Ferries resume</headline></contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml">
  <html xmlns="http://www.w3.org/1999/xhtml"><body><p>The ferries sailed again.</p></body></html>
 </inlineXML></contentSet>
</newsItem>
X
cat >"$IN/newsml1.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<NewsML><NewsItem>
<Identification><NewsIdentifier><ProviderId>example.org</ProviderId><DateId>20130228</DateId>
<NewsItemId>n1</NewsItemId><RevisionId>1</RevisionId></NewsIdentifier></Identification>
<NewsManagement><ThisRevisionCreated>20130229T101500Z</ThisRevisionCreated></NewsManagement>
<NewsComponent><NewsLines><HeadLine>Grain prices</HeadLine></NewsLines>
<ContentItem><MediaType FormalName="Text"/><DataContent>Grain prices rose.</DataContent></ContentItem>
</NewsComponent></NewsItem></NewsML>
X
cat >"$IN/ninjs.json" <<'X'
{"uri": "ninjs-1", "type": "text", "headline": "Rain stops play",
 "versioncreated": "2013-02-29T10:00:00Z", "body_text": "Rain stopped play at the ground."}
X
cat >"$IN/rss.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example</title>
<item><title>Council meets</title><guid>rss-1</guid>
<pubDate>Fri, 29 Feb 2013 10:00:00 +0000</pubDate>
<description>The council met on Friday.</description></item>
</channel></rss>
X
cat >"$IN/atom.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
<entry><id>atom-1</id><title>Charter sealed</title>
<updated>1215-06-15T00:00:00Z</updated>
<content type="text">The barons met the king in a meadow.</content></entry>
</feed>
X
printf '\026\026\001a0001 r n\n BC-Port-Cranes   02-30 0012\n\002^BC-Port-Cranes<\n^Cranes idle<\n\t   PORTLAND, Maine (AP) _ The cranes stood idle.\n\003AP-WF-02-30-13 1509GMT<\n\004' \
    >"$IN/anpa.tst"
printf '\001eca062 4 i 211 ccccb   dpa 061\r\n\r\nGermany-ports/\r\n\002Cranes idle in Hamburg =\r\n\r\n   Hamburg (dpa) - The cranes stood idle.\r\n\r\n\003302537 GMT Nov 13 \r\n\004' \
    >"$IN/iptc7901.txt"
printf '%s\n' '{"id": "jsonl-1", "date": "3013-07-07", "body": "The quay was quiet."}' \
    '{"id": "jsonl-2", "date": "2013-02-28", "time": "2013-02-28T25:00:00Z", "body": "So was the dock."}' \
    >"$IN/lines.jsonl"
printf 'Title: Leap\nDate: 2013-02-29\nID: headers-1\n\nThe leap day that was not.\n' >"$IN/headers.txt"
printf 'date 2013-02-29 OSLO \342\200\224 The fjord froze.\n' >"$IN/text.txt"

# extract: FILE LINE ITEM FIELD VALUE WHY ...
check() {
    file=$1 line=${2:+$2:} item=$3 what=$4    # no line: a JSON document's items have none
    err=$("$NEWSIDX" extract --json "$IN/$file" 2>&1 >"$TMP/out.json"); rc=$?
    is "$file: extract succeeds" "$rc" 0
    like "$file: the warning names file, line, item and field" "$err" \
        "warning: .*/$file:$line item $item: $what"
    is "$file: the article is read" "$(json_get "$(cat "$TMP/out.json")" 'd["id"]')" "$item"
}
check nitf.xml 4 nitf-1 "date.release@norm '20131020T256151\+1100': there is no hour 25; left out"
is "nitf.xml: the sender's other date is used" "$(json_get "$(cat "$TMP/out.json")" 'd["date"]')" 2013-10-20
check g2.xml 4 g2-1 "versionCreated '3013-07-07T15:06:01Z': it is more than two days after the day it was read \([0-9-]+ UTC\); left out"
check newsml1.xml 5 urn:newsml:example.org:20130228:n1 \
    "ThisRevisionCreated '20130229T101500Z': 2013 is not a leap year: February 2013 has 28 days; left out"
is "newsml1.xml: DateId gives the day" "$(json_get "$(cat "$TMP/out.json")" 'd["date"]')" 2013-02-28
check ninjs.json "" ninjs-1 "versioncreated '2013-02-29T10:00:00Z': 2013 is not a leap year"
check rss.xml 4 rss-1 "pubDate 'Fri, 29 Feb 2013 10:00:00 \+0000': 2013 is not a leap year"
check atom.xml 4 atom-1 "updated '1215-06-15T00:00:00Z': 1215 is before any news \(the earliest year taken is 1600\); left out"
check anpa.tst 6 anpa:02-30:BC-Port-Cranes "the trailer's time '2013-02-30T15:09:00Z': February 2013 has 28 days; left out"
check iptc7901.txt 8 "iptc7901:eca::Germany-ports/" "the trailer's time '2013-11-30T25:37:00Z': there is no hour 25; left out"
check headers.txt 1 headers-1 "date '2013-02-29': 2013 is not a leap year: February 2013 has 28 days; left out"
err=$("$NEWSIDX" extract "$IN/text.txt" 2>&1)
like "text.txt: the date token is named" "$err" \
    "warning: .*/text\.txt:1: item h[0-9a-f]+: date '2013-02-29': 2013 is not a leap year"
err=$("$NEWSIDX" extract "$IN/lines.jsonl" 2>&1)
like "lines.jsonl: line 1, the date" "$err" "lines\.jsonl:1: item jsonl-1: date '3013-07-07': it is more than two days"
like "lines.jsonl: line 2, the time" "$err" "lines\.jsonl:2: item jsonl-2: time '2013-02-28T25:00:00Z': there is no hour 25; left out"

# Two days ahead is the limit: tomorrow is taken, four days ahead is not.
soon=$(date -u -d '+1 day' +%Y-%m-%d) late=$(date -u -d '+4 days' +%Y-%m-%d)
printf '%s\n' "{\"id\": \"soon\", \"date\": \"$soon\", \"body\": \"Tomorrow.\"}" \
    "{\"id\": \"late\", \"date\": \"$late\", \"body\": \"Later.\"}" >"$TMP/ahead.jsonl"
err=$("$NEWSIDX" extract "$TMP/ahead.jsonl" 2>&1)
unlike "tomorrow is a date" "$err" "item soon"
like "four days ahead is not" "$err" "item late: date '$late': it is more than two days"

# add: every article stored, without the bad date; the summary counts them.
out=$("$NEWSIDX" --db "$TMP/db" add "$IN" 2>&1); rc=$?
is "add exits 0: nothing is rejected for a date" "$rc" 0
like "all articles are indexed" "$out" '12 articles indexed \(12 new, 0 replaced\), 0 rejected'
like "the summary counts the articles whose date was left out" "$out" \
    '12 articles gave a date that cannot be right .*: that date left out'
for id in g2-1 ninjs-1 rss-1 atom-1 anpa:02-30:BC-Port-Cranes jsonl-1 headers-1; do
    is "$id is stored without a date" \
        "$(json_get "$("$NEWSIDX" --db "$TMP/db" get --json "$id")" '[d["date"], d.get("time")]')" \
        "[null, null]"
done
is "jsonl-2 keeps its date, not its time" \
    "$(json_get "$("$NEWSIDX" --db "$TMP/db" get --json jsonl-2)" '[d["date"], d.get("time")]')" \
    '["2013-02-28", null]'
out=$("$NEWSQ" --db "$TMP/db" --json --since 3000-01-01 '')
is "nothing is dated in the far future" "$(json_get "$out" 'd["total"]')" 0

done_testing
