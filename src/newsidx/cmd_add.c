/* cmd_add.c - newsidx add: a bulk loader.
 *
 * Reads files, directories and standard input, extracts speakers and
 * locations, and writes in batches: a commit after batch_docs articles,
 * batch_bytes of text or batch_seconds, whichever comes first.  A bad
 * record is reported with its file and line and skipped; what was
 * committed before stays committed whatever happens later. */
#include "config.h"

#include "cli.h"
#include "client.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* Requests sent to a daemon and not answered yet, at most. */
#define DAEMON_WINDOW 4

typedef struct sent {
    uint32_t msgid;
    unsigned n;
} sent_t;

typedef struct import {
    cli_t *c;
    /* local mode: we write the database */
    newsidx_writer_t *w;
    newsidx_extractor_t *x;
    uint64_t batch_bytes;
    double batch_started;
    /* daemon mode: the daemon writes; we send batches of articles */
    nx_client_t *cl;
    nx_buf_t items;             /* packed article maps of the next request */
    unsigned n_items;
    sent_t window[DAEMON_WINDOW];
    unsigned n_sent;
    size_t max_request;
    /* both */
    progress_t *progress;
    uint64_t read, added, replaced, rejected, committed;
    uint64_t bytes_done;        /* of finished files */
    bool failed;
} import_t;

static bool commit(import_t *im)
{
    newsidx_status_t st = newsidx_writer_commit(im->w);
    if (st != NEWSIDX_OK) {
        progress_clear(im->progress);
        cli_error(im->c, "commit failed: %s", newsidx_writer_error(im->w));
        im->failed = true;
        return false;
    }
    im->committed = im->added + im->replaced;
    im->batch_bytes = 0;
    im->batch_started = nx_now();
    return true;
}

/* Local mode: extract, add, and commit when a batch is full. */
static void deliver_local(import_t *im, newsidx_article_t *a, const char *path)
{
    const newsidx_config_t *cfg = &im->c->config;
    newsidx_extract(im->x, a);
    bool replaced = false;
    newsidx_status_t st = newsidx_writer_add(im->w, a, &replaced);
    if (st != NEWSIDX_OK) {
        progress_clear(im->progress);
        cli_error(im->c, "%s: article %s: %s", path, a->id, newsidx_writer_error(im->w));
        im->rejected++;
        if (st == NEWSIDX_ERR_NOMEM || st == NEWSIDX_ERR_IO || st == NEWSIDX_ERR_CORRUPT ||
            st == NEWSIDX_ERR_XAPIAN)
            im->failed = true;
        return;
    }
    if (replaced)
        im->replaced++;
    else
        im->added++;
    im->batch_bytes += strlen(a->body);
    if (newsidx_writer_pending(im->w) >= cfg->batch_docs || im->batch_bytes >= cfg->batch_bytes ||
        nx_now() - im->batch_started >= cfg->batch_seconds)
        commit(im);
}

/* Daemon mode: one answer from the daemon. */
static bool daemon_receive(import_t *im)
{
    uint32_t msgid;
    const msgpack_object *res = NULL;
    char *err = NULL;
    newsidx_status_t st = nx_client_recv(im->cl, &msgid, &res, &err);
    unsigned n = 0;
    for (unsigned i = 0; i < im->n_sent; i++) {
        if (im->window[i].msgid == msgid) {
            n = im->window[i].n;
            im->window[i] = im->window[--im->n_sent];
            break;
        }
    }
    if (st != NEWSIDX_OK) {
        progress_clear(im->progress);
        cli_error(im->c, "daemon: %s", err ? err : newsidx_status_to_string(st));
        free(err);
        if (res == NULL && (st == NEWSIDX_ERR_UNAVAILABLE || st == NEWSIDX_ERR_INTERNAL ||
                            st == NEWSIDX_ERR_NOMEM)) {
            im->failed = true;
            return false;
        }
        im->rejected += n;
        return true;
    }
    uint64_t v;
    if (nx_mp_uint(nx_mp_get(res, "added"), &v))
        im->added += v;
    if (nx_mp_uint(nx_mp_get(res, "replaced"), &v))
        im->replaced += v;
    im->committed = im->added + im->replaced;
    return true;
}

static void pack_items(msgpack_packer *pk, const void *arg)
{
    const import_t *im = arg;
    msgpack_pack_array(pk, 1);
    msgpack_pack_array(pk, im->n_items);
    /* the article maps, already packed */
    pk->callback(pk->data, im->items.data, im->items.len);
}

static void daemon_flush(import_t *im)
{
    if (!im->n_items || im->failed)
        return;
    while (im->n_sent >= DAEMON_WINDOW && !im->failed)
        daemon_receive(im);
    if (im->failed)
        return;
    uint32_t msgid;
    if (nx_client_send(im->cl, "add", pack_items, im, &msgid) != NEWSIDX_OK) {
        progress_clear(im->progress);
        cli_error(im->c, "the daemon stopped answering");
        im->failed = true;
        return;
    }
    im->window[im->n_sent++] = (sent_t){msgid, im->n_items};
    nx_buf_reset(&im->items);
    im->n_items = 0;
}

static void deliver_daemon(import_t *im, newsidx_article_t *a, const char *path)
{
    nx_buf_t one;
    nx_buf_init(&one);
    msgpack_packer pk;
    nx_mp_packer_init(&pk, &one);
    nx_mp_pack_article(&pk, a, true);
    if (one.len + 256 > im->max_request) {
        progress_clear(im->progress);
        cli_error(im->c, "%s: article %s: %zu bytes, more than the daemon takes in one request "
                  "([daemon] max_request)", path, a->id, one.len);
        im->rejected++;
        nx_buf_free(&one);
        return;
    }
    if (im->items.len + one.len + 256 > im->max_request / 2 || im->n_items >= 500)
        daemon_flush(im);
    nx_buf_add(&im->items, one.data, one.len);
    im->n_items++;
    nx_buf_free(&one);
}

static void import_file(import_t *im, const source_t *src, newsidx_format_t format)
{
    newsidx_input_t *in = NULL;
    char *err = NULL;
    newsidx_status_t st = newsidx_input_open(src->path, format, &in, &err);
    if (st != NEWSIDX_OK) {
        progress_clear(im->progress);
        cli_error(im->c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        im->rejected++;
        return;
    }
    while (!im->failed) {
        newsidx_article_t *a = NULL;
        st = newsidx_input_next(in, &a);
        if (st == NEWSIDX_END)
            break;
        if (newsidx_input_warning(in)) {
            progress_clear(im->progress);
            cli_warn(im->c, "%s", newsidx_input_warning(in));
        }
        if (st != NEWSIDX_OK) {
            progress_clear(im->progress);
            cli_error(im->c, "%s", newsidx_input_error(in) ? newsidx_input_error(in)
                                                          : newsidx_status_to_string(st));
            im->rejected++;
            if (st == NEWSIDX_ERR_INPUT)
                continue;
            break;
        }
        im->read++;
        if (im->cl)
            deliver_daemon(im, a, src->path);
        else
            deliver_local(im, a, src->path);
        newsidx_article_free(a);
        progress_update(im->progress, im->bytes_done + newsidx_input_offset(in), im->read,
                        im->committed, im->rejected);
    }
    im->bytes_done += src->size ? src->size : newsidx_input_offset(in);
    newsidx_input_close(in);
}

int cmd_add(cli_t *c, int argc, char **argv)
{
    newsidx_format_t format = NEWSIDX_FORMAT_AUTO;
    bool quiet = false;
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"db", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
        switch (o) {
        case 'f':
            if (newsidx_format_from_string(optarg, &format) != NEWSIDX_OK) {
                cli_error(c, "unknown format '%s' (auto, text, headers or jsonl)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = true; break;
        case 'd': free(c->db_path); c->db_path = nx_strdup(optarg); c->db_forced = true; break;
        default: return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error(c, "add: nothing to add (give files, directories or - for standard input)");
        return EXIT_USAGE;
    }

    sources_t srcs = {0};
    unsigned problems = sources_collect(c, argv + optind, argc - optind, &srcs);

    import_t im = {.c = c};
    char *err = NULL;
    newsidx_status_t st;
    nx_buf_init(&im.items);
    im.max_request = (size_t)c->config.max_request;
    if (!c->db_forced) {
        /* A daemon owns the database: send it the articles. */
        im.cl = cli_connect_daemon(c);
        if (!im.cl && c->socket_forced) {
            sources_free(&srcs);
            return EXIT_FAIL;
        }
    }
    if (im.cl)
        goto run;
    st = newsidx_extractor_new(c->config.gazetteer, &im.x, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        sources_free(&srcs);
        return EXIT_FAIL;
    }
    st = newsidx_writer_open(c->db_path, &c->config, NEWSIDX_WRITER_CREATE | NEWSIDX_WRITER_WAIT,
                             &im.w, &err);
    if (st != NEWSIDX_OK) {
        cli_error(c, "%s", err ? err : newsidx_status_to_string(st));
        free(err);
        newsidx_extractor_free(im.x);
        sources_free(&srcs);
        return EXIT_FAIL;
    }
run:;
    double t0 = nx_now();
    im.batch_started = t0;
    im.progress = progress_new(c->prog, srcs.total_known ? srcs.total_bytes : 0, quiet);
    for (size_t i = 0; i < srcs.n && !im.failed; i++)
        import_file(&im, &srcs.v[i], format);
    if (im.cl) {
        daemon_flush(&im);
        while (im.n_sent && !im.failed)
            daemon_receive(&im);
        nx_client_close(im.cl);
    } else {
        if (!im.failed)
            commit(&im);
        st = newsidx_writer_close(im.w);
        if (st != NEWSIDX_OK) {
            cli_error(c, "closing the database failed: %s", newsidx_status_to_string(st));
            im.failed = true;
        }
        newsidx_extractor_free(im.x);
    }
    progress_clear(im.progress);
    progress_free(im.progress);
    nx_buf_free(&im.items);
    double secs = nx_now() - t0;
    uint64_t done = im.added + im.replaced;
    if (!quiet || im.rejected || problems || im.failed)
        fprintf(stderr,
                "%s: %llu articles indexed (%llu new, %llu replaced), %llu rejected, "
                "in %.1f s (%.0f articles/s)\n",
                c->prog, (unsigned long long)done, (unsigned long long)im.added,
                (unsigned long long)im.replaced, (unsigned long long)(im.rejected + problems), secs,
                secs > 0 ? (double)done / secs : 0.0);
    sources_free(&srcs);
    if (im.failed)
        return EXIT_FAIL;
    return (im.rejected || problems) ? EXIT_REJECTED : EXIT_OK;
}
