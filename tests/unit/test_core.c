/* test_core.c - what every layer relies on: status strings, the version. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nx.h"

#include <stdio.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_strings),
        cmocka_unit_test(version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
