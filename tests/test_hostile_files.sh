#!/bin/sh
# newsidx add over hostile files (doc/reliability.md, promise 6): binary
# files, 100 MB single lines, invalid UTF-8, broken JSON Lines, empty
# files, directories with symbolic link loops.  Each is reported, with its
# file (and line), and skipped; the import goes on and every good article
# among them is indexed.  Big files are made here, in the test's temporary
# directory.
. "$(dirname "$0")/lib.sh"

DB="$TMP/db"
IN="$TMP/in"
mkdir -p "$IN"

# -- good articles among the bad, so that "the import goes on" shows --
good() {    # good FILE WORD: a wire-text article containing WORD
    printf 'date 2025-06-0%s\nA report on %s\n\nLISBON (NW) — Officials said the %s plan was ready.\n' \
        "$(( ${#2} % 9 + 1 ))" "$2" "$2" >"$1"
}
good "$IN/a-good.txt" alphaword

# Binary files: a program, and random bytes with NULs.
# (its first MiB: a sanitizer's build is over the 16 MiB file limit)
head -c 1048576 "$BUILDDIR/newsidx" >"$IN/b-program.txt"
head -c 4096 /dev/urandom >"$IN/b-random.txt"
printf 'Title: Fine start\n\nthen a NUL \000 in the body\n' >"$IN/b-nul.txt"
# Random bytes whose first byte opens another format: SOH (IPTC 7901),
# SYN (ANPA-1312), '<' (XML), '{' (JSON).  Each is binary, said once.
for lead in soh:'\001' syn:'\026' lt:'<' brace:'{'; do
    { printf "${lead#*:}"; head -c 4096 /dev/urandom; } >"$IN/b-random-${lead%%:*}.txt"
done

# A single line of 100 MB: as a text file, and as a JSON Lines record
# between two good ones.
head -c 104857600 /dev/zero | tr '\0' 'a' >"$IN/c-hugeline.txt"
{
    printf '{"id": "before-huge", "body": "Officials said the betaword plan was ready."}\n'
    printf '{"id": "huge", "body": "'
    head -c 104857600 /dev/zero | tr '\0' 'b'
    printf '"}\n'
    printf '{"id": "after-huge", "body": "Officials said the gammaword plan was ready."}\n'
} >"$IN/c-hugeline.jsonl"

# Invalid UTF-8: Latin-1 bytes, an overlong form, a surrogate, a cut-off
# sequence; in a text file and in JSON Lines.  Repaired with a warning.
printf 'A report on deltaword\n\nLISBON (NW) \351t\351 \300\257 \355\240\200 caf\303 said the deltaword plan\n' \
    >"$IN/d-latin1.txt"
printf '{"id": "utf8-bad", "body": "epsilonword caf\351 \355\240\200 \360\237"}\n' >"$IN/d-bad.jsonl"

# Broken JSON Lines, one good line among them.
{
    printf '{"id": "cut", "body": "no end\n'
    printf '[1, 2, 3]\n'
    printf '42\n'
    printf '"just a string"\n'
    printf '{"id": "nobody"}\n'
    printf '{"id": "bodynum", "body": 17}\n'
    printf '{"id": "dup", "body": "x", "body": "y"}\n'
    printf '{"id": "trailing", "body": "x"} garbage\n'
    printf '{"id": "nul-escape", "body": "a\\u0000b"}\n'
    printf '{"id": "stray", "body": "Officials said the iotaword \001plan was ready."}\n'
    printf '{"id": "ctl", "body": "%s"}\n' "$(printf 'a\001\002\003\004\005\006\007\010\016\017%.0s' 1 2 3 4 5 6 7 8)"
    printf '%s\n' "$(printf '%.0s[' $(seq 1 3000))"
    printf '   \n'
    printf '{"id": "zetaword-ok", "body": "Officials said the zetaword plan was ready."}\r\n'
    printf '{"id": "last-no-newline", "body": "Officials said the etaword plan was ready."}'
} >"$IN/e-broken.jsonl"

# Empty files: nothing, blanks only, an empty JSON Lines file.
: >"$IN/f-empty.txt"
printf '\n\n   \n\t\n' >"$IN/f-blank.txt"
: >"$IN/f-empty.jsonl"

# Directories: a link back to a parent, a link to itself, a dangling link,
# and a good article deep inside.
mkdir -p "$IN/g-dir/sub/deeper"
ln -s .. "$IN/g-dir/sub/loop"
ln -s . "$IN/g-dir/self"
ln -s "$IN/g-dir/nowhere" "$IN/g-dir/dangling.txt"
good "$IN/g-dir/sub/deeper/thetaword.txt" thetaword

/usr/bin/time -f 'maxrss %M' -o "$TMP/time" \
    "$NEWSIDX" --db "$DB" add "$IN" >"$TMP/out" 2>&1
rc=$?
out=$(cat "$TMP/out")
is "add exits 1: some records were rejected" "$rc" 1

like "a program is reported as binary" "$out" 'b-program\.txt:1: binary data'
like "random bytes are reported as binary" "$out" 'b-random\.txt:1: binary data'
like "a NUL in an article is reported as binary" "$out" 'b-nul\.txt:1: binary data'
for kind in soh syn lt brace; do
    is "random bytes opening with $kind: one error, binary data" \
        "$(grep -c "b-random-$kind\.txt" "$TMP/out")/$(grep -c "b-random-$kind\.txt:1: binary data" "$TMP/out")" 1/1
done
like "a 100 MB text file is reported as too large" "$out" 'c-hugeline\.txt: larger than 16 MiB'
like "a 100 MB JSON line is reported with its line" "$out" 'c-hugeline\.jsonl:2: line longer than 16 MiB, skipped'
like "invalid UTF-8 in a text file is repaired with a warning" "$out" \
    'warning: .*d-latin1\.txt:1: invalid UTF-8 repaired'
like "invalid UTF-8 in JSON Lines is repaired with a warning" "$out" \
    'warning: .*d-bad\.jsonl:1: invalid UTF-8 repaired'
like "a cut JSON line" "$out" 'e-broken\.jsonl:1: invalid JSON'
like "an array is not an article" "$out" 'e-broken\.jsonl:2: '
like "a number is not an article" "$out" 'e-broken\.jsonl:3: '
like "a string is not an article" "$out" 'e-broken\.jsonl:4: '
like "a record without a body" "$out" 'e-broken\.jsonl:5: .*body'
like "a body that is not text" "$out" 'e-broken\.jsonl:6: '
like "duplicate keys" "$out" 'e-broken\.jsonl:7: invalid JSON'
like "garbage after the object" "$out" 'e-broken\.jsonl:8: invalid JSON'
like "an escaped NUL" "$out" 'e-broken\.jsonl:9: '
unlike "a stray control byte in text is dropped, not an error" "$out" 'e-broken\.jsonl:10:'
like "a line of control bytes is binary" "$out" 'e-broken\.jsonl:11: binary data'
like "3,000 nested arrays" "$out" 'e-broken\.jsonl:12: '
unlike "a blank line is not an error" "$out" 'e-broken\.jsonl:13:'
like "an empty file is reported" "$out" 'f-empty\.txt:1: empty file'
like "a file of blank lines is reported" "$out" 'f-blank\.txt:1: empty file'
unlike "an empty JSON Lines file holds no record and no error" "$out" 'f-empty\.jsonl'
like "a link back to a parent is reported" "$out" 'g-dir/sub/loop: directory loop'
like "a link to itself is reported" "$out" 'g-dir/self: directory loop'
like "a dangling link is reported" "$out" 'g-dir/dangling\.txt: dangling symbolic link'
like "the summary counts what was indexed and rejected" "$out" \
    '9 articles indexed \(9 new, 0 replaced\), [0-9]+ rejected'
rss=$(sed -n 's/^maxrss //p' "$TMP/time")
if [ -n "${NX_TEST_WRAPPER:-}" ]; then
    skip 1 "peak RSS is the tool's under \$NX_TEST_WRAPPER"
else
    is "100 MB lines are never held whole in memory (peak RSS ${rss:-?} KiB < 200 MB)" \
        "$([ "${rss:-999999}" -lt 200000 ] && echo yes)" yes
fi

out=$("$NEWSIDX" --db "$DB" stats --json)
is "the nine good articles are stored" "$(json_get "$out" 'd["documents"]')" 9
for w in alphaword betaword gammaword deltaword epsilonword zetaword etaword thetaword iotaword; do
    out=$("$NEWSQ" --db "$DB" --json "$w")
    is "$w is found" "$(json_get "$out" 'd["total"]')" 1
done
out=$("$NEWSIDX" --db "$DB" get --json utf8-bad)
like "repaired text is stored as valid UTF-8" "$(json_get "$out" 'd["body"]')" 'café'
out=$("$NEWSIDX" --db "$DB" get --json stray)
like "a stray control byte is dropped" "$(json_get "$out" 'd["body"]')" \
    '^Officials said the iotaword +plan was ready\.$'
ok "xapian-check finds no error" xapian-check "$DB"

# One hostile file alone: reported, nothing indexed, exit 1, no crash.
for f in b-program.txt c-hugeline.txt e-broken.jsonl f-empty.txt; do
    "$NEWSIDX" --db "$TMP/alone" add --quiet "$IN/$f" >"$TMP/out" 2>&1
    rc=$?
    case $f in
        e-broken.jsonl) is "$f alone: its good lines are indexed, exit 1" "$rc" 1 ;;
        *) is "$f alone: reported and skipped, exit 1" "$rc" 1 ;;
    esac
done
# Standard input that is binary, or a huge line.
head -c 2048 /dev/urandom | "$NEWSIDX" --db "$TMP/alone" add --quiet --format text - >"$TMP/out" 2>&1
is "binary standard input: exit 1" "$?" 1
like "and reported" "$(cat "$TMP/out")" '<stdin>:1: binary data'
"$NEWSIDX" --db "$TMP/alone" add --quiet --format jsonl - <"$IN/c-hugeline.jsonl" >"$TMP/out" 2>&1
is "a huge line on standard input: exit 1" "$?" 1
like "reported with its line" "$(cat "$TMP/out")" '<stdin>:2: line longer than 16 MiB'

done_testing
