/* cmd_export.c - newsidx export: every stored article as JSON Lines, the
 * input format of newsidx add: a backup, or the way to rebuild an index
 * (another format version, other weights, shards). */
#include "config.h"

#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>

static int print_one(const newsidx_article_t *a, void *arg)
{
    unsigned long *n = arg;
    /* What add reads back: extraction finds the rest again. */
    json_t *j = nx_article_to_json(a, NX_FIELDS_INPUT);
    nx_print_json(stdout, j);
    json_decref(j);
    (*n)++;
    return ferror(stdout) ? 1 : 0;
}

int cmd_export(cli_t *c, int argc, char **argv)
{
    if (!cli_db_option(c, argc, argv))
        return EXIT_USAGE;
    if (optind != argc) {
        cli_error(c, "export takes no arguments (it writes to standard output)");
        return EXIT_USAGE;
    }
    newsidx_db_t *db = cli_open_db(c);
    if (!db)
        return EXIT_FAIL;
    unsigned long n = 0;
    newsidx_status_t st = newsidx_db_foreach(db, print_one, &n);
    int rc = EXIT_OK;
    if (st == NEWSIDX_END || fflush(stdout) != 0) {
        cli_error(c, "writing the export failed");
        rc = EXIT_FAIL;
    } else if (st != NEWSIDX_OK) {
        cli_error(c, "%s", newsidx_db_error(db));
        rc = EXIT_FAIL;
    }
    newsidx_db_close(db);
    if (rc == EXIT_OK)
        fprintf(stderr, "%s: %lu articles exported\n", c->prog, n);
    return rc;
}
