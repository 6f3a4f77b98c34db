/* cmd_get.c - newsidx get: print a stored article. */
#include "config.h"

#include "cli.h"
#include "client.h"
#include "output.h"

#include <getopt.h>
#include <stdlib.h>

static void pack_id(msgpack_packer *pk, const void *arg)
{
    msgpack_pack_array(pk, 1);
    nx_mp_pack_str(pk, arg);
}

int cmd_get(cli_t *c, int argc, char **argv)
{
    bool json = false;
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 0;  /* 0, not 1: glibc then starts afresh and permutes, so that
                   options may follow the paths ("add DIR --quiet") */
    while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        switch (o) {
        case 'j': json = true; break;
        case 'd': cli_set_db(c, optarg); break;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(c, "get: give one article id");
        return EXIT_USAGE;
    }
    newsidx_article_t *a = NULL;
    newsidx_status_t st;
    int rc = EXIT_OK;
    nx_client_t *cl = cli_connect_daemon(c);
    newsidx_db_t *db = NULL;
    if (!cl && c->socket_forced)
        return EXIT_FAIL;
    if (cl) {
        const msgpack_object *res;
        char *err = NULL;
        st = nx_client_call(cl, "get", pack_id, argv[optind], &res, &err);
        if (st == NEWSIDX_OK && !(a = nx_article_from_mp_stored(res, &err)))
            st = NEWSIDX_ERR_INTERNAL;
        if (st != NEWSIDX_OK)
            cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
    } else {
        if (!(db = cli_open_db(c)))
            return EXIT_FAIL;
        st = newsidx_db_get(db, argv[optind], &a);
        if (st != NEWSIDX_OK)
            cli_error(c, "%s", newsidx_db_error(db) ? newsidx_db_error(db)
                                                   : newsidx_status_to_string(st));
    }
    if (st == NEWSIDX_OK) {
        if (json) {
            json_t *j = nx_article_to_json(a, NX_FIELDS_ALL);
            nx_print_json(stdout, j);
            json_decref(j);
        } else {
            nx_print_article_text(stdout, a);
        }
        newsidx_article_free(a);
    } else {
        rc = st == NEWSIDX_ERR_NOT_FOUND ? EXIT_REJECTED : EXIT_FAIL;
    }
    newsidx_db_close(db);
    nx_client_close(cl);
    return rc;
}
