/* cmd_get.c - newsidx get: print a stored article. */
#include "config.h"

#include "cli.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>

int cmd_get(cli_t *c, int argc, char **argv)
{
    bool json = false;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        switch (o) {
        case 'j': json = true; break;
        case 'd': free(c->db_path); c->db_path = nx_strdup(optarg); break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(c, "get: give one article id");
        return EXIT_USAGE;
    }
    newsidx_db_t *db = cli_open_db(c);
    if (!db)
        return EXIT_FAIL;
    newsidx_article_t *a = NULL;
    newsidx_status_t st = newsidx_db_get(db, argv[optind], &a);
    int rc = EXIT_OK;
    if (st == NEWSIDX_OK) {
        if (json) {
            json_t *j = nx_article_to_json(a, true, true);
            nx_print_json(stdout, j);
            json_decref(j);
        } else {
            nx_print_article_text(stdout, a);
        }
        newsidx_article_free(a);
    } else {
        cli_error(c, "%s", newsidx_db_error(db) ? newsidx_db_error(db) : newsidx_status_to_string(st));
        rc = st == NEWSIDX_ERR_NOT_FOUND ? EXIT_REJECTED : EXIT_FAIL;
    }
    newsidx_db_close(db);
    return rc;
}
