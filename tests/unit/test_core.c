/* test_core.c - what every layer relies on: status strings, the version,
 * newsidx.conf. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each status has a description of its own; other values say so. */
static void status_strings(void **state)
{
    (void)state;
    for (int i = NEWSIDX_OK; i < NEWSIDX_STATUS_LAST; i++) {
        const char *s = newsidx_status_to_string((newsidx_status_t)i);
        assert_non_null(s);
        assert_string_not_equal(s, "unknown status");
        for (int k = NEWSIDX_OK; k < i; k++)
            assert_string_not_equal(s, newsidx_status_to_string((newsidx_status_t)k));
    }
    assert_string_equal(newsidx_status_to_string(NEWSIDX_STATUS_LAST), "unknown status");
    assert_string_equal(newsidx_status_to_string((newsidx_status_t)-1), "unknown status");
    assert_string_equal(newsidx_status_to_string(NEWSIDX_ERR_LOCKED),
                        "database locked by another writer");
}

/* The version configure was given, in the header and in the library. */
static void version(void **state)
{
    (void)state;
    assert_string_equal(newsidx_version(), PACKAGE_VERSION);
    assert_string_equal(NEWSIDX_VERSION, PACKAGE_VERSION);
    char numbers[32];
    snprintf(numbers, sizeof numbers, "%d.%d.%d", NEWSIDX_VERSION_MAJOR, NEWSIDX_VERSION_MINOR,
             NEWSIDX_VERSION_MICRO);
    assert_string_equal(numbers, PACKAGE_VERSION);
}

/* Loads text as a config file over the defaults into a new *cfg: the
 * status, and the message in *err (NULL for none). */
static newsidx_status_t load(newsidx_config_t **cfg, const char *text, char **err)
{
    char path[] = "/tmp/nx-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    *cfg = newsidx_config_new();
    assert_non_null(*cfg);
    newsidx_status_t st = newsidx_config_load(*cfg, path, err);
    unlink(path);
    return st;
}

#define U(c, key) newsidx_config_get_uint(c, NEWSIDX_CONFIG_##key)
#define D(c, key) newsidx_config_get_double(c, NEWSIDX_CONFIG_##key)
#define B(c, key) newsidx_config_get_bool(c, NEWSIDX_CONFIG_##key)
#define S(c, key) newsidx_config_get_string(c, NEWSIDX_CONFIG_##key)

/* Each kind of setting is read as newsidx.conf(5) says. */
static void config_kinds(void **state)
{
    (void)state;
    newsidx_config_t *c;
    char *err = NULL;
    assert_int_equal(load(&c,
                          "[index]\nbatch_docs = 500\nbatch_bytes = 2M\nbatch_seconds = 500ms\n"
                          "spelling = off\ncompact = never\ngazetteer = /g.tsv\n"
                          "[weights]\nbm25_b = 0.25\n"
                          "[daemon]\nsocket_mode = 0640\nread_only = Yes\n"
                          "writers = ann, bob\tcarl\nidle_timeout = 2m\n"
                          "[shards]\nshard = /a\nshard = h:1 h:2\npartial = 1\n",
                          &err),
                     NEWSIDX_OK);
    assert_null(err);
    assert_int_equal(U(c, BATCH_DOCS), 500);
    assert_true(U(c, BATCH_BYTES) == 2u << 20);
    assert_true(D(c, BATCH_SECONDS) == 0.5);
    assert_false(B(c, SPELLING));
    assert_string_equal(S(c, COMPACT), "never");
    assert_string_equal(S(c, GAZETTEER), "/g.tsv");
    assert_true(D(c, BM25_B) == 0.25);
    assert_int_equal(U(c, SOCKET_MODE), 0640);
    assert_true(B(c, READ_ONLY));
    const char *const *items;
    assert_int_equal(newsidx_config_get_list(c, NEWSIDX_CONFIG_WRITERS, &items), 3);
    assert_string_equal(items[2], "carl");
    assert_true(D(c, IDLE_TIMEOUT) == 120);
    assert_int_equal(newsidx_config_get_list(c, NEWSIDX_CONFIG_SHARDS, &items), 2);
    assert_string_equal(items[1], "h:1 h:2");
    assert_true(B(c, PARTIAL));
    newsidx_config_free(c);
    assert_int_equal(load(&c, "[index]\ncompact = always\n", &err), NEWSIDX_OK);
    assert_string_equal(S(c, COMPACT), "always");
    newsidx_config_free(c);
    assert_int_equal(load(&c, "[index]\ncompact = auto\n", &err), NEWSIDX_OK);
    assert_string_equal(S(c, COMPACT), "auto");
    newsidx_config_free(c);
}

static const struct {
    const char *text, *message;
} bad_settings[] = {
    {"[index]\nbatch_doc = 5\n", "unknown setting 'batch_doc' in section [index]"},
    {"[index]\nspelling = maybe\n", "spelling wants true or false, not 'maybe'"},
    {"[index]\ncompact = often\n", "compact wants auto, always or never, not 'often'"},
    {"[index]\nbatch_docs = -5\n", "bad value '-5' for batch_docs"},
    {"[index]\nbatch_bytes = 5X\n", "bad value '5X' for batch_bytes"},
    {"[weights]\nbm25_b = 2\n", "bm25_b = 2 is out of range (0 to 1)"},
    {"[daemon]\nsocket_mode = 0999\n", "bad value '0999' for socket_mode"},
    {"[index]\nstory_window = 3651\n", "story_window = 3651 is out of range (0 to 3650)"},
    {"[index]\nstory_window = 2d\n", "bad value '2d' for story_window"},
};

/* Nothing wrong is ignored: each error names the setting. */
static void config_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_settings / sizeof bad_settings[0]; i++) {
        newsidx_config_t *c;
        char *err = NULL;
        assert_int_not_equal(load(&c, bad_settings[i].text, &err), NEWSIDX_OK);
        assert_non_null(err);
        if (!strstr(err, bad_settings[i].message))
            fail_msg("'%s' does not say '%s'", err, bad_settings[i].message);
        free(err);
        newsidx_config_free(c);
    }
}

/* newsidx_config_set() takes the path a file's line takes: the same
 * values, the same messages (without FILE:LINE), nothing changed by a
 * refused value; NULL gives the default back. */
static void config_set(void **state)
{
    (void)state;
    newsidx_config_t *c = newsidx_config_new();
    assert_non_null(c);
    char *err = NULL;
    for (size_t i = 0; i < sizeof bad_settings / sizeof bad_settings[0]; i++) {
        char section[16], key[32], value[16];
        assert_int_equal(sscanf(bad_settings[i].text, "[%15[^]]]\n%31s = %15s", section, key,
                                value), 3);
        assert_int_equal(newsidx_config_set(c, section, key, value, &err), NEWSIDX_ERR_ARG);
        assert_non_null(err);
        assert_string_equal(err, bad_settings[i].message);
        free(err);
    }
    assert_int_equal(U(c, BATCH_DOCS), 2000);
    assert_int_equal(U(c, STORY_WINDOW), 3);
    assert_true(B(c, SPELLING));
    assert_true(D(c, BM25_B) == 0.5);
    assert_int_equal(newsidx_config_set(c, "Index", "Batch_Docs", "500", &err), NEWSIDX_OK);
    assert_null(err);
    assert_int_equal(newsidx_config_set(c, "daemon", "idle_timeout", "500ms", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "daemon", "pidfile", "/run/x.pid", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "shards", "shard", "/a", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "shards", "shard", "h:1", NULL), NEWSIDX_OK);
    assert_int_equal(U(c, BATCH_DOCS), 500);
    assert_true(D(c, IDLE_TIMEOUT) == 0.5);
    assert_string_equal(S(c, PIDFILE), "/run/x.pid");
    const char *const *shards;
    assert_int_equal(newsidx_config_get_list(c, NEWSIDX_CONFIG_SHARDS, &shards), 2);
    assert_string_equal(shards[1], "h:1");

    /* A copy is a config of its own. */
    newsidx_config_t *copy = newsidx_config_copy(c);
    assert_non_null(copy);
    assert_int_equal(newsidx_config_set(c, "index", "batch_docs", NULL, NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "daemon", "pidfile", NULL, NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "shards", "shard", NULL, NULL), NEWSIDX_OK);
    assert_int_equal(U(c, BATCH_DOCS), 2000);
    assert_null(S(c, PIDFILE));
    assert_int_equal(newsidx_config_get_list(c, NEWSIDX_CONFIG_SHARDS, &shards), 0);
    assert_int_equal(U(copy, BATCH_DOCS), 500);
    assert_string_equal(S(copy, PIDFILE), "/run/x.pid");
    assert_int_equal(newsidx_config_get_list(copy, NEWSIDX_CONFIG_SHARDS, &shards), 2);
    assert_string_equal(shards[0], "/a");
    assert_int_equal(newsidx_config_set(c, "index", "batch_doc", NULL, &err), NEWSIDX_ERR_ARG);
    assert_string_equal(err, "unknown setting 'batch_doc' in section [index]");
    free(err);
    newsidx_config_free(copy);
    newsidx_config_free(c);
}

/* Every key reads through the getter of its type, and through no other. */
static void config_getters(void **state)
{
    (void)state;
    newsidx_config_t *c = newsidx_config_new();
    assert_non_null(c);
    assert_int_equal(newsidx_config_set(c, "daemon", "writers", "ann", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "shards", "shard", "/a", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "index", "gazetteer", "/g", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_config_set(c, "daemon", "read_only", "yes", NULL), NEWSIDX_OK);
    /* Nothing left at a zero default: */
    static const char *const zeros[][3] = {
        {"index", "threads", "2"},       {"daemon", "workers", "2"},
        {"daemon", "max_connections_per_user", "3"}, {"shards", "partial", "on"},
        {"daemon", "socket_group", "g"}, {"daemon", "pidfile", "p"},
        {"daemon", "http", "h:1"},       {"daemon", "http_token_file", "t"},
        {"daemon", "spool", "s"},
    };
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
        assert_int_equal(newsidx_config_set(c, zeros[i][0], zeros[i][1], zeros[i][2], NULL),
                         NEWSIDX_OK);
    assert_int_equal(U(c, MAX_OUTPUT), 16u << 20);
    assert_true(D(c, COMMIT_INTERVAL) == 0.05);
    assert_int_equal(U(c, COMMIT_INTERVAL), 0);
    assert_true(D(c, MAX_OUTPUT) == 0);
    assert_false(B(c, GAZETTEER));
    assert_null(S(c, READ_ONLY));
    assert_int_equal(newsidx_config_get_list(c, NEWSIDX_CONFIG_GAZETTEER, NULL), 0);
    unsigned typed = 0;
    for (int k = 0; k < NEWSIDX_CONFIG_KEY_LAST; k++) {
        newsidx_config_key_t key = (newsidx_config_key_t)k;
        unsigned kinds = (newsidx_config_get_uint(c, key) != 0) +
                         (newsidx_config_get_double(c, key) != 0) +
                         newsidx_config_get_bool(c, key) +
                         (newsidx_config_get_string(c, key) != NULL) +
                         (newsidx_config_get_list(c, key, NULL) != 0);
        if (kinds > 1)
            fail_msg("key %d reads through %u getters", k, kinds);
        typed += kinds;
    }
    assert_int_equal(typed, NEWSIDX_CONFIG_KEY_LAST);
    newsidx_config_free(c);
}

/* A search request keeps copies of what it is given, and gives it back. */
static void search_request(void **state)
{
    (void)state;
    newsidx_search_t *r = newsidx_search_new();
    assert_non_null(r);
    unsigned offset = 9, limit = 9;
    const char *a = "x", *b = "x";
    newsidx_search_get_page(r, &offset, &limit);
    newsidx_search_get_dates(r, &a, &b);
    assert_true(offset == 0 && limit == 0 && !a && !b);
    assert_null(newsidx_search_get_query(r));
    assert_int_equal(newsidx_search_get_flags(r), 0);
    assert_int_equal(newsidx_search_get_sort(r), NEWSIDX_SORT_RELEVANCE);
    char query[] = "rutte";
    assert_int_equal(newsidx_search_set_query(r, query), NEWSIDX_OK);
    query[0] = 'R';
    assert_string_equal(newsidx_search_get_query(r), "rutte");
    assert_int_equal(newsidx_search_set_dates(r, "2025-01-01", NULL), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_highlight(r, "[", "]"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_speaker(r, "Ana"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_location(r, "Lima"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_lang(r, "de"), NEWSIDX_OK);
    assert_int_equal(newsidx_search_set_like(r, "id-1"), NEWSIDX_OK);
    newsidx_search_set_page(r, 20, 5);
    newsidx_search_set_sort(r, NEWSIDX_SORT_DATE);
    unsigned all = NEWSIDX_SEARCH_FACETS | NEWSIDX_SEARCH_EXPLAIN | NEWSIDX_SEARCH_PARTIAL |
                   NEWSIDX_SEARCH_HISTOGRAM | NEWSIDX_SEARCH_COUNT_ONLY | NEWSIDX_SEARCH_STRICT |
                   NEWSIDX_SEARCH_ALL_VERSIONS | NEWSIDX_SEARCH_FACET_KINDS;
    for (unsigned flag = 1; flag <= NEWSIDX_SEARCH_FACET_KINDS; flag <<= 1) {
        newsidx_search_set_flags(r, flag);
        assert_int_equal(newsidx_search_get_flags(r), flag);
    }
    newsidx_search_set_flags(r, all | (1u << 20));      /* unknown bits are not kept */
    assert_int_equal(newsidx_search_get_flags(r), all);
    newsidx_search_get_page(r, &offset, &limit);
    assert_true(offset == 20 && limit == 5);
    newsidx_search_get_dates(r, &a, &b);
    assert_string_equal(a, "2025-01-01");
    assert_null(b);
    newsidx_search_get_highlight(r, &a, &b);
    assert_string_equal(a, "[");
    assert_string_equal(b, "]");
    assert_string_equal(newsidx_search_get_speaker(r), "Ana");
    assert_string_equal(newsidx_search_get_location(r), "Lima");
    assert_string_equal(newsidx_search_get_lang(r), "de");
    assert_string_equal(newsidx_search_get_like(r), "id-1");
    assert_int_equal(newsidx_search_get_sort(r), NEWSIDX_SORT_DATE);
    assert_int_equal(newsidx_search_set_like(r, NULL), NEWSIDX_OK);
    assert_null(newsidx_search_get_like(r));
    newsidx_search_free(r);
    newsidx_search_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_strings),
        cmocka_unit_test(version),
        cmocka_unit_test(config_kinds),
        cmocka_unit_test(config_errors),
        cmocka_unit_test(config_set),
        cmocka_unit_test(config_getters),
        cmocka_unit_test(search_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
