/* cmd_rm.c - newsidx rm: remove articles by id. */
#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

int cmd_rm(cli_t *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'd')
            return EXIT_USAGE;
        free(c->db_path);
        c->db_path = nx_strdup(optarg);
    }
    if (optind >= argc) {
        cli_error(c, "rm: give the ids of the articles to remove");
        return EXIT_USAGE;
    }
    newsidx_writer_t *w = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_writer_open(c->db_path, &c->config, NEWSIDX_WRITER_WAIT, &w, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        return EXIT_FAIL;
    }
    unsigned missing = 0, removed = 0;
    int rc = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        st = newsidx_writer_delete(w, argv[i]);
        if (st == NEWSIDX_OK) {
            removed++;
        } else if (st == NEWSIDX_ERR_NOT_FOUND) {
            cli_error(c, "%s", newsidx_writer_error(w));
            missing++;
        } else {
            cli_error(c, "%s: %s", argv[i], newsidx_writer_error(w));
            rc = EXIT_FAIL;
            break;
        }
    }
    if (newsidx_writer_close(w) != NEWSIDX_OK) {
        cli_error(c, "commit failed; nothing was removed");
        return EXIT_FAIL;
    }
    if (rc == EXIT_OK && missing)
        rc = EXIT_REJECTED;
    fprintf(stderr, "%s: %u removed, %u not found\n", c->prog, removed, missing);
    return rc;
}
