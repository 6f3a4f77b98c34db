/* cmd_rm.c - newsidx rm: remove articles by id. */
#include "config.h"

#include "cli.h"
#include "client.h"

#include <getopt.h>
#include <stdlib.h>

struct ids {
    char **v;
    int n;
};

static void pack_ids(msgpack_packer *pk, const void *arg)
{
    const struct ids *ids = arg;
    msgpack_pack_array(pk, 1);
    msgpack_pack_array(pk, (size_t)ids->n);
    for (int i = 0; i < ids->n; i++)
        nx_mp_pack_str(pk, ids->v[i]);
}

static int rm_daemon(cli_t *c, nx_client_t *cl, char **ids, int n)
{
    struct ids arg = {ids, n};
    const msgpack_object *res;
    char *err = NULL;
    newsidx_status_t st = nx_client_call(cl, "delete", pack_ids, &arg, &res, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "daemon: %s", err ? err : newsidx_status_to_string(st));
        free(err);
        nx_client_close(cl);
        return EXIT_FAIL;
    }
    uint64_t deleted = 0;
    nx_mp_uint(nx_mp_get(res, "deleted"), &deleted);
    const msgpack_object *missing = nx_mp_get(res, "missing");
    unsigned nm = missing && missing->type == MSGPACK_OBJECT_ARRAY ? missing->via.array.size : 0;
    for (unsigned i = 0; i < nm; i++) {
        char *id = nx_mp_text(&missing->via.array.ptr[i], "id", NULL);
        cli_error(c, "no article with id '%s'", id ? id : "?");
        free(id);
    }
    fprintf(stderr, "%s: %llu removed, %u not found\n", c->prog, (unsigned long long)deleted, nm);
    nx_client_close(cl);
    return nm ? EXIT_REJECTED : EXIT_OK;
}

int cmd_rm(cli_t *c, int argc, char **argv)
{
    if (!cli_db_option(c, argc, argv))
        return EXIT_USAGE;
    if (optind >= argc) {
        cli_error(c, "rm: give the ids of the articles to remove");
        return EXIT_USAGE;
    }
    nx_client_t *cl = cli_connect_daemon(c);
    if (!cl && c->socket_forced)
        return EXIT_FAIL;
    if (cl)
        return rm_daemon(c, cl, argv + optind, argc - optind);
    newsidx_writer_t *w = NULL;
    char *err = NULL;
    newsidx_status_t st =
        newsidx_writer_open(cli_db_path(c), c->config, NEWSIDX_WRITER_WAIT, &w, &err);
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
    st = newsidx_writer_close(w);
    if (st != NEWSIDX_OK) {
        cli_error(c, "commit failed; nothing was removed: %s",
                  newsidx_writer_error(w) ? newsidx_writer_error(w) : newsidx_status_to_string(st));
        newsidx_writer_destroy(w);
        return EXIT_FAIL;
    }
    newsidx_writer_destroy(w);
    if (rc == EXIT_OK && missing)
        rc = EXIT_REJECTED;
    fprintf(stderr, "%s: %u removed, %u not found\n", c->prog, removed, missing);
    return rc;
}
