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

/* Loads text as a config file over the defaults: the status, and the
 * message in *err (NULL for none). */
static newsidx_status_t load(newsidx_config_t *cfg, const char *text, char **err)
{
    char path[] = "/tmp/nx-conf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    newsidx_config_init(cfg);
    newsidx_status_t st = newsidx_config_load(cfg, path, err);
    unlink(path);
    return st;
}

/* Each kind of setting is read as newsidx.conf(5) says. */
static void config_kinds(void **state)
{
    (void)state;
    newsidx_config_t c;
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
    assert_int_equal(c.batch_docs, 500);
    assert_true(c.batch_bytes == 2u << 20);
    assert_true(c.batch_seconds == 0.5);
    assert_false(c.spelling);
    assert_int_equal(c.compact, 0);
    assert_string_equal(c.gazetteer, "/g.tsv");
    assert_true(c.bm25_b == 0.25);
    assert_int_equal(c.socket_mode, 0640);
    assert_true(c.read_only);
    assert_int_equal(c.n_writers, 3);
    assert_string_equal(c.writers[2], "carl");
    assert_true(c.idle_timeout == 120);
    assert_int_equal(c.n_shards, 2);
    assert_string_equal(c.shards[1], "h:1 h:2");
    assert_true(c.partial);
    newsidx_config_clear(&c);
    assert_int_equal(load(&c, "[index]\ncompact = always\n", &err), NEWSIDX_OK);
    assert_int_equal(c.compact, 1);
    newsidx_config_clear(&c);
    assert_int_equal(load(&c, "[index]\ncompact = auto\n", &err), NEWSIDX_OK);
    assert_int_equal(c.compact, -1);
    newsidx_config_clear(&c);
}

/* Nothing wrong is ignored: each error names the setting. */
static void config_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } bad[] = {
        {"[index]\nbatch_doc = 5\n", "unknown setting 'batch_doc' in section [index]"},
        {"[index]\nspelling = maybe\n", "spelling wants true or false, not 'maybe'"},
        {"[index]\ncompact = often\n", "compact wants auto, always or never, not 'often'"},
        {"[index]\nbatch_docs = -5\n", "bad value '-5' for batch_docs"},
        {"[index]\nbatch_bytes = 5X\n", "bad value '5X' for batch_bytes"},
        {"[weights]\nbm25_b = 2\n", "bm25_b = 2 is out of range (0 to 1)"},
        {"[daemon]\nsocket_mode = 0999\n", "bad value '0999' for socket_mode"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        newsidx_config_t c;
        char *err = NULL;
        assert_int_not_equal(load(&c, bad[i].text, &err), NEWSIDX_OK);
        assert_non_null(err);
        if (!strstr(err, bad[i].message))
            fail_msg("'%s' does not say '%s'", err, bad[i].message);
        free(err);
        newsidx_config_clear(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_strings),
        cmocka_unit_test(version),
        cmocka_unit_test(config_kinds),
        cmocka_unit_test(config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
