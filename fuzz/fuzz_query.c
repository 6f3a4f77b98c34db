/* fuzz_query.c - the query path: newsidx_db_search() over a small
 * database built once per process in a temporary directory.  The first
 * byte sets options (facets, explain, sort by date, date and name
 * filters, similar-to instead of a query), the next two offset and
 * limit, the rest (up to a NUL) is the query text as newsq would pass it,
 * UTF-8 or not. */
#include "config.h"

#include "nx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static newsidx_db_t *db;

static const char *const articles[] = {
    "date 2025-02-12\nNATO allies weigh Article Five\n\nBRUSSELS (AP) \xe2\x80\x94 "
    "NATO Secretary General Mark Rutte said on Wednesday that \xe2\x80\x9c" "Article Five "
    "is not up for debate,\xe2\x80\x9d as ministers met in Brussels.",
    "Title: Frost damages orchards\nDate: 2025-04-01\nID: frost-1\nDateline: VALENCIA, Spain\n\n"
    "Growers near Valencia counted their losses after a late frost, said Ana Ruiz.",
    "date 2025-03-04\nPort workers walk out\n\nROTTERDAM (NW) \xe2\x80\x94 Port workers in "
    "Rotterdam walked out. \xe2\x80\x9cWe will not load a single container,\xe2\x80\x9d said "
    "union leader Maria Jansen.",
    "CLEVELAND, Feb 26 - Shares of Acme Corp rose after the company said profits doubled, "
    "chief executive John Smith told reporters in Cleveland and Tokyo.",
};

static void cleanup(void)
{
    newsidx_db_close(db);
    db = NULL;
    if (dir[0]) {
        char *cmd = nx_printf("rm -rf '%s'", dir);
        if (cmd && system(cmd) != 0)
            fprintf(stderr, "fuzz_query: cannot remove %s\n", dir);
        free(cmd);
    }
}

static void fail(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_query: %s: %s\n", what, err ? err : "failed");
    exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/nx-fuzz-query.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fail("mkdtemp", dir);
    atexit(cleanup);
    char *path = nx_printf("%s/db", dir);
    newsidx_config_t *cfg = newsidx_config_new();
    if (!cfg)
        fail("config", NULL);
    newsidx_extractor_t *x = NULL;
    newsidx_writer_t *w = NULL;
    char *err = NULL;
    if (newsidx_extractor_new(NULL, &x, &err) != NEWSIDX_OK)
        fail("gazetteer", err);
    if (newsidx_writer_open(path, cfg, NEWSIDX_WRITER_CREATE, &w, &err) != NEWSIDX_OK)
        fail("writer", err);
    for (unsigned i = 0; i < 200; i++) {
        const char *text = articles[i % NX_ARRAY_LEN(articles)];
        char *t = nx_printf("%s Item %u mentions word%u and topic%u.", text, i, i, i % 7);
        newsidx_article_t *a = NULL;
        if (!t || newsidx_article_parse(t, strlen(t), NEWSIDX_FORMAT_AUTO, "seed", &a, &err) !=
                      NEWSIDX_OK)
            fail("parse", err);
        free(a->id);
        a->id = nx_printf("doc-%u", i);
        if (newsidx_extract(x, a) != NEWSIDX_OK || newsidx_writer_add(w, a, NULL) != NEWSIDX_OK)
            fail("add", newsidx_writer_error(w));
        newsidx_article_free(a);
        free(t);
    }
    if (newsidx_writer_close(w) != NEWSIDX_OK)
        fail("commit", newsidx_writer_error(w));
    newsidx_writer_destroy(w);
    newsidx_extractor_free(x);
    if (newsidx_db_open(path, cfg, &db, &err) != NEWSIDX_OK)
        fail("open", err);
    newsidx_config_free(cfg);
    free(path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    unsigned flags = data[0];
    newsidx_search_t *req = newsidx_search_new();
    char *text = nx_strndup((const char *)data + 3, size - 3);   /* up to a NUL */
    if (!req || !text ||
        (flags & 0x80 ? newsidx_search_set_like(req, text) : newsidx_search_set_query(req, text)) ||
        newsidx_search_set_dates(req, flags & 8 ? "2025-03-01" : NULL,
                                 flags & 16 ? "2025-03-31" : NULL) ||
        newsidx_search_set_speaker(req, flags & 32 ? "Mark Rutte" : NULL) ||
        newsidx_search_set_location(req, flags & 64 ? "Brussels" : NULL)) {
        newsidx_search_free(req);
        free(text);
        return 0;
    }
    newsidx_search_set_page(req, data[1], data[2] % 50);
    newsidx_search_set_flags(req, (flags & 1 ? NEWSIDX_SEARCH_FACETS : 0u) |
                                      (flags & 2 ? NEWSIDX_SEARCH_EXPLAIN : 0u));
    newsidx_search_set_sort(req, (flags & 4) ? NEWSIDX_SORT_DATE : NEWSIDX_SORT_RELEVANCE);
    newsidx_results_t *r = NULL;
    newsidx_status_t st = newsidx_db_search(db, req, &r);
    if (st == NEWSIDX_OK) {
        if (!r || newsidx_results_count(r) > 50)
            abort();
        newsidx_results_free(r);
    } else if (r || st == NEWSIDX_ERR_INTERNAL || st == NEWSIDX_ERR_CORRUPT ||
               st == NEWSIDX_ERR_XAPIAN) {
        fprintf(stderr, "fuzz_query: %s: %s\n", newsidx_status_to_string(st),
                newsidx_db_error(db));
        abort();                /* an internal error is a bug */
    }
    newsidx_search_free(req);
    free(text);
    return 0;
}
