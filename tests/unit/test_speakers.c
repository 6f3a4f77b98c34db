/* test_speakers.c - who is quoted. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "speakers.h"

static void placeholder(void **state)
{
    (void)state;
    nx_strv_t out = {0};
    assert_true(nx_speakers_find(NULL, "\xe2\x80\x9cWe hear you,\xe2\x80\x9d Ann Lee said.", &out));
    assert_int_equal(out.n, 1);
    nx_strv_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(placeholder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
