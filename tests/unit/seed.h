/* seed.h - the seed article of ../shared for the unit tests, when it is
 * there.  cmocka reports a skipped test to TAP as "not ok ... # SKIP",
 * which the automake driver counts as a failure: without the shared data
 * a test named seed_article is filtered out instead (and says so). */
#ifndef NEWSIDX_TEST_SEED_H
#define NEWSIDX_TEST_SEED_H

#include "nx.h"

#include <stdio.h>
#include <stdlib.h>

/* The seed article's text (free it), or NULL without ../shared. */
static char *read_seed(void)
{
    const char *src = getenv("SRCDIR");
    char *path = nx_printf("%s/../shared/seed/article-2025-02-12-brussels.txt",
                           src && *src ? src : ".");
    FILE *f = path ? fopen(path, "rb") : NULL;
    free(path);
    if (!f)
        return NULL;
    nx_buf_t b;
    nx_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nx_buf_add(&b, chunk, n);
    fclose(f);
    nx_buf_addc(&b, '\0');
    return nx_buf_steal(&b);
}

/* Called before cmocka runs: leaves seed_article out without the seed. */
static void filter_seed_test(void)
{
    char *seed = read_seed();
    if (!seed) {
        printf("# seed_article left out: no ../shared/seed\n");
        cmocka_set_skip_filter("seed_article");
    }
    free(seed);
}

#endif
