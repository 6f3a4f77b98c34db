#!/bin/sh
# libnewsidx.so exports the API of include/newsidx.h, all of it and
# nothing else, and a C program outside the tree builds against it with
# pkg-config newsidx alone.
. "$(dirname "$0")/lib.sh"

LIB="$BUILDDIR/.libs/libnewsidx.so"
HEADER="$SRCDIR/include/newsidx.h"
ok "the shared library was built" test -f "$LIB"

# Defined dynamic symbols, without their version ("name@@NEWSIDX_1");
# the version node itself is an absolute symbol of its own.
nm -D --defined-only "$LIB" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    sort -u >"$TMP/exported"
nm -D --defined-only "$LIB" | awk '$2 == "A" { print $3 }' >"$TMP/nodes"
grep -oE '\bnewsidx_[a-z0-9_]+[[:space:]]*\(' "$HEADER" | sed 's/[[:space:]]*($//' |
    sort -u >"$TMP/declared"

is "nothing but newsidx_ is exported" "$(grep -v '^newsidx_' "$TMP/exported" | head -20)" ""
is "every exported function is declared in newsidx.h" \
    "$(comm -23 "$TMP/exported" "$TMP/declared")" ""
is "every function newsidx.h declares is exported" \
    "$(comm -13 "$TMP/exported" "$TMP/declared")" ""
like "the header declares the API (a sanity check of the scan)" "$(wc -l <"$TMP/declared")" \
    '^([3-9][0-9]|1[0-9][0-9])$'
# The soname's number and the version node follow current - age of
# the interface version (HACKING, "Versions").
lt=$(sed -n 's/^NEWSIDX_LT_VERSION = //p' "$BUILDDIR/Makefile")
major=$(( ${lt%%:*} - ${lt##*:} ))
is "one version node, NEWSIDX_<current - age> of $lt" "$(cat "$TMP/nodes")" "NEWSIDX_$major"
soname=$(objdump -p "$LIB" | awk '$1 == "SONAME" { print $2 }')
like "the soname is libnewsidx.so.$major" "$soname" \
    "^libnewsidx\.so\.$major\$"

# A program of someone else's: only what pkg-config says, the installed
# paths pointed at the build tree.
PC="${PKG_CONFIG:-pkg-config}"
flags=$(PKG_CONFIG_PATH="$BUILDDIR" "$PC" --define-variable=includedir="$SRCDIR/include" \
        --define-variable=libdir="$BUILDDIR/.libs" --cflags --libs newsidx)
# (installed, newsidx-version.h stands beside newsidx.h; here configure
# wrote it into the build tree)
flags="$flags -I$BUILDDIR/include"
ok "pkg-config newsidx answers" test -n "$flags"
cat >"$TMP/user.c" <<'C'
#include <newsidx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *text = "BRUSSELS (AP) \xe2\x80\x94 Ministers met, said Mark Rutte.";
    newsidx_article_t *a = NULL;
    newsidx_writer_t *w = NULL;
    newsidx_db_t *db = NULL;
    newsidx_results_t *r = NULL;
    newsidx_config_t *cfg = newsidx_config_new();
    char *err = NULL;
    if (newsidx_article_parse(text, strlen(text), NEWSIDX_FORMAT_TEXT, "x", &a, &err) ||
        !(a->speakers = malloc(sizeof *a->speakers)) ||
        !(a->speakers[a->n_speakers++] = strcpy(malloc(11), "Mark Rutte")) ||
        newsidx_writer_open(argv[1], cfg, NEWSIDX_WRITER_CREATE, &w, &err) ||
        newsidx_writer_add(w, a, NULL) || newsidx_writer_destroy(w)) {
        fprintf(stderr, "writing: %s\n", err ? err : "?");
        return 1;
    }
    /* an error inside the library (a Xapian exception caught there) */
    if (newsidx_db_open(argc > 2 ? argv[2] : "/nonexistent", cfg, &db, &err) !=
        NEWSIDX_ERR_NO_DATABASE)
        return 2;
    free(err);
    newsidx_search_t *req = newsidx_search_new();
    if (!req || newsidx_search_set_query(req, "ministers") ||
        newsidx_db_open(argv[1], cfg, &db, &err) || newsidx_db_search(db, req, &r))
        return 3;
    newsidx_search_free(req);
    printf("%s %s %llu %s\n", strcmp(newsidx_version(), NEWSIDX_VERSION) ? "other" : "same",
           newsidx_status_to_string(NEWSIDX_ERR_NOT_FOUND),
           (unsigned long long)newsidx_results_total(r), newsidx_results_hit(r, 0)->dateline);
    newsidx_results_free(r);
    newsidx_db_close(db);
    newsidx_article_free(a);
    newsidx_config_free(cfg);
    return 0;
}
C
CC_="${CC:-cc}"
# shellcheck disable=SC2086  # flags are words
ok "a C program builds against it" $CC_ ${SAN_FLAGS:-} -std=c99 -Wall -Werror \
    -o "$TMP/user" "$TMP/user.c" $flags
out=$(LD_LIBRARY_PATH="$BUILDDIR/.libs" "$TMP/user" "$TMP/db" 2>&1)
is "and writes, fails and searches through it, at the headers' version" "$out" \
    "same not found 1 BRUSSELS"

# examples/search.c, the example of the API, builds the same way and
# finds the article with its speaker counted.
# shellcheck disable=SC2086
ok "examples/search.c builds against it" $CC_ ${SAN_FLAGS:-} -std=c99 -Wall -Werror \
    -o "$TMP/search" "$SRCDIR/examples/search.c" $flags
out=$(LD_LIBRARY_PATH="$BUILDDIR/.libs" "$TMP/search" "$TMP/db" "ministers" 2>&1)
like "and finds the article, its word marked" "$out" '^1\. .*$'
like "with [ ] as the highlight it set" "$out" '\[Ministers\]'
like "and the speakers facet it asked for" "$out" '^speaker Mark Rutte \(1\)$'
like "and the total" "$out" '^1 match$'
printf '[search]\nsnippet_length = 5\n' >"$TMP/bad.conf"
out=$(LD_LIBRARY_PATH="$BUILDDIR/.libs" "$TMP/search" "$TMP/db" "$TMP/bad.conf" "x" 2>&1)
like "a bad setting in its file is refused with the file's line" "$out" \
    'bad\.conf:2: snippet_length = 5 is out of range'

cat >"$TMP/inside.c" <<'C'
#include <stdbool.h>
#include <stddef.h>
bool nx_article_set(char **field, const char *s, size_t n);
int main(void) { char *f = NULL; return nx_article_set(&f, "x", 1); }
C
# shellcheck disable=SC2086
fails "the library's internal functions are out of reach" $CC_ ${SAN_FLAGS:-} \
    -o "$TMP/inside" "$TMP/inside.c" $flags
done_testing
